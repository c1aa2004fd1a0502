"""The domain in pure Python: documents, spans, events, layers, the label schema and undoable edits.

Nothing here imports Qt, SQLite or spaCy; an architecture test keeps it that way.
"""

from annotator.model.annotations import (
    AnnotationError,
    AnnotationSet,
    Argument,
    Decision,
    Event,
    Origin,
    Provenance,
    Span,
    SpanAnnotation,
    new_uid,
    now_iso,
)
from annotator.model.document import Document, OffsetMap, TextError, check_text, content_hash, normalize_text
from annotator.model.layer import DEFAULT_IMPORT_LAYER, GOLD, DocStatus, Layer, LayerKind
from annotator.model.schema import EntityLabel, EventType, LabelSchema, Role, SchemaError

__all__ = [
    "AnnotationError", "AnnotationSet", "Argument", "Decision", "Event", "Origin", "Provenance", "Span", "SpanAnnotation",
    "new_uid", "now_iso", "Document", "OffsetMap", "TextError", "check_text", "content_hash", "normalize_text",
    "DEFAULT_IMPORT_LAYER", "GOLD", "DocStatus", "Layer", "LayerKind", "EntityLabel", "EventType",
    "LabelSchema", "Role", "SchemaError",
]
