"""*Accept all suggestions above N %*: which suggestions qualify, and the edit that accepts them.

A suggestion qualifies when it is still pending for the analyst, carries a confidence (entity
suggestions from a recognizer that scores them, learned event suggestions) of at least the
threshold, and has the label asked for (an entity's label or an event's type; None: any). The
accepted copies record the threshold in their provenance (``accepted_above``), so a lead can
tell them from suggestions a person looked at, count them and undo a threshold that was too low.
Suggestions without a confidence never qualify. The window (for the open article) and
``annotator accept-above`` (for the project) both use these functions.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.model.annotations import AnnotationSet, Event, SpanAnnotation
from annotator.model.changes import Annotation, Change, Edit
from annotator.model.editing import accept


def check_threshold(threshold: float) -> float:
    """``threshold`` as a confidence in 0..1; raises ValueError with a message otherwise."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.0 <= float(threshold) <= 1.0:
        raise ValueError(f"the threshold must be a confidence between 0 and 1 (0 and 100 %), got {threshold!r}")
    return float(threshold)


def _label(annotation: Annotation) -> str:
    return annotation.type if isinstance(annotation, Event) else annotation.label  # type: ignore[union-attr]


def qualifying(pending: AnnotationSet, threshold: float, label: str | None = None) -> tuple[SpanAnnotation | Event, ...]:
    """The pending suggestions of ``pending`` at or above ``threshold`` (with ``label``, if given),
    spans first, then events, in text order."""
    threshold = check_threshold(threshold)
    found: list[SpanAnnotation | Event] = []
    for annotation in (*pending.spans, *pending.events):
        confidence = annotation.confidence
        if confidence is None or confidence < threshold:
            continue
        if label is not None and _label(annotation) != label:
            continue
        found.append(annotation)
    return tuple(found)


def accept_above(pending: AnnotationSet, threshold: float, author: str, label: str | None = None) -> Edit:
    """The edit accepting every qualifying suggestion, each with ``accepted_above=threshold``."""
    chosen = qualifying(pending, threshold, label)
    what = f"{label} suggestions" if label else "suggestions"
    edit = accept(chosen, author, f"Accept {len(chosen)} {what} above {threshold:.0%}")
    changes = tuple(
        Change(None, replace(c.after, provenance=replace(c.after.provenance, accepted_above=float(threshold))))  # type: ignore[union-attr, arg-type]
        for c in edit.changes
    )
    return Edit(edit.title, changes)
