"""The spaCy component an exported model carries: the project's entities and learned events on ``doc``.

``annotator models --export NAME DIR`` (see :mod:`annotator.learn.export_pipeline`) saves a stored
model as a plain spaCy pipeline folder whose last component is ``annotator_events``. spaCy finds
this factory in a fresh process through the ``spacy_factories`` entry point the package declares
in ``pyproject.toml``, so ``spacy.load(DIR)`` works wherever ``annotator`` is installed (no project
file, no model cache, no window).

What the component does is what ``annotator suggest`` does with the same model: the recognizer's
entities are kept under the project's labels (``doc.ents`` is relabelled, labels the project does
not use are dropped), the rule lexicon and the learned trigger and role classifiers find events,
and each event is put on ``doc._.annotator_events`` and ``doc.user_data["annotator_events"]``
(the latter survives ``DocBin``) as a plain dict::

    {"type": "Conflict:Attack", "trigger": {"start": 10, "end": 18, "text": "attacked"},
     "confidence": 0.82 or None (a rule's event), "arguments": [{"role": "Place", "start": ..,
     "end": .., "label": "GPE", "text": ".."}, ...]}

Offsets are code points into ``doc.text``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

FACTORY = "annotator_events"
EXTENSION = "annotator_events"
EVENTS_FILE = "events.npz"
SETTINGS_FILE = "settings.json"

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=None)


class AnnotatorEvents:
    """Relabels entities to the project's labels and adds the learned events (see the module docstring)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.events_bytes = b""
        self.settings: dict[str, Any] = {}
        self._ready: tuple[Any, Any, Any, Any, dict[str, str]] | None = None

    def configure(self, events_bytes: bytes, schema: dict[str, Any], label_map: dict[str, str], meta: dict[str, Any]) -> None:
        """Set what the component needs (used by the export, before ``nlp.to_disk``)."""
        self.events_bytes = events_bytes
        self.settings = {"schema": schema, "label_map": label_map, "meta": meta}
        self._ready = None

    def _loaded(self) -> tuple[Any, Any, Any, Any, dict[str, str]]:
        if self._ready is None:
            from annotator.model.schema import LabelSchema
            from annotator.suggest.learned import EventModel
            from annotator.suggest.rules import load_rules

            schema = LabelSchema.from_dict(self.settings["schema"], check_names=False)
            rules = load_rules()
            model = EventModel.from_bytes(self.events_bytes)
            self._ready = (schema, rules.lexicon.restricted_to(schema), rules.arguments, model, dict(self.settings["label_map"]))
        return self._ready

    def __call__(self, doc: Doc) -> Doc:
        from annotator.suggest.events import extract_events

        schema, lexicon, argument_rules, model, label_map = self._loaded()
        kept = []
        entities = []
        for ent in doc.ents:
            label = label_map.get(ent.label_)
            if label is None:
                continue
            kept.append(Span(doc, ent.start, ent.end, label=label))
            entities.append((ent.start, ent.end, label))
        doc.ents = kept
        rule_found = extract_events(doc, entities, lexicon, argument_rules, schema, 0)
        found = model.predict(doc, entities, rule_found, 0)
        text = doc.text
        events = [
            {
                "type": trigger.label,
                "trigger": {"start": trigger.start, "end": trigger.end, "text": text[trigger.start : trigger.end]},
                "confidence": confidence,
                "arguments": [_argument(argument, text) for argument in arguments],
            }
            for trigger, arguments, confidence in found
        ]
        doc._.set(EXTENSION, events)
        doc.user_data[EXTENSION] = events
        return doc

    def to_disk(self, path: Path | str, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / EVENTS_FILE).write_bytes(self.events_bytes)
        (path / SETTINGS_FILE).write_text(json.dumps(self.settings, ensure_ascii=False, indent=1), encoding="utf-8")

    def from_disk(self, path: Path | str, exclude: Any = ()) -> AnnotatorEvents:
        path = Path(path)
        self.events_bytes = (path / EVENTS_FILE).read_bytes()
        self.settings = json.loads((path / SETTINGS_FILE).read_text(encoding="utf-8"))
        self._ready = None
        self._loaded()  # at load time, not on the first text: a broken folder fails in spacy.load
        return self


def _argument(argument: Any, text: str) -> dict[str, Any]:
    span = argument.span
    if span is not None:
        return {"role": argument.role, "start": span.start, "end": span.end, "label": span.label, "text": text[span.start : span.end]}
    return {"role": argument.role, "event": argument.event_uid}


def _register_paragraph_breaks() -> Any:
    # The suggester's pipelines carry this component (annotator.suggest.pipeline); an exported one
    # needs it registered in a fresh process too.
    import catalogue

    from annotator.suggest.pipeline import PARAGRAPH_COMPONENT, _paragraph_breaks

    # Not Language.has_factory: it would look the entry point up, i.e. this module, half imported.
    if not catalogue.check_exists("spacy", "factories", PARAGRAPH_COMPONENT):
        Language.component(PARAGRAPH_COMPONENT, func=_paragraph_breaks)
    return _paragraph_breaks


paragraph_breaks = _register_paragraph_breaks()
"""The paragraph-break component's function (the ``annotator_paragraph_breaks`` entry point)."""


@Language.factory(FACTORY)
def make_annotator_events(nlp: Language, name: str) -> AnnotatorEvents:
    """The factory spaCy calls for ``annotator_events`` (found through the ``spacy_factories`` entry point)."""
    return AnnotatorEvents(nlp, name)
