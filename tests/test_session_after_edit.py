"""An edit derives the open document from the previous state (pending suggestions, the uid index,
the delta for the window); whatever the edit, the result equals computing everything again."""

from __future__ import annotations

import random
from pathlib import Path

from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.editing import accept, create_event, create_span, delete, is_suggestion, reject, relabel
from annotator.model.layer import DocStatus, LayerKind
from annotator.app.session import OpenDocument, Session
from annotator.store.project import ProjectStore
from annotator.app.workspace import create_project


def make_project(path: Path, seeds: Path) -> None:
    rng = random.Random(3)
    with create_project(path) as store:
        import_paths(store, [seeds])
        document = store.document_ids()[0]
        text = store.document(document).text
        words = [(i, i + len(w)) for i, w in _words(text)][:400]
        pending = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="spacy:test")
        spans = tuple(SpanAnnotation(Span(a, b, rng.choice(["ORG", "GPE", "PERSON"])), provenance=pending) for a, b in words[::3])
        events = tuple(
            Event(Span(a, b, "Movement:Transport"), (Argument("Destination", Span(*words[k + 1], "GPE")),), provenance=pending)
            for k, (a, b) in list(enumerate(words))[1::40]
        )
        layer = store.ensure_layer("spacy:test", LayerKind.SUGGESTIONS)
        store.add_annotations(layer.id, document, AnnotationSet(spans, events))  # type: ignore[arg-type]
        store.set_status(layer.id, document, DocStatus.DONE)  # type: ignore[arg-type]


def _words(text: str):
    at = 0
    for word in text.split():
        at = text.index(word, at)
        if word.isalpha():
            yield at, word
        at += len(word)


def recomputed(current: OpenDocument) -> OpenDocument:
    return OpenDocument(current.document, current.own, current.suggestions, current.status)


def test_incremental_state_equals_full_computation(project_file: Path, seeds: Path) -> None:
    make_project(project_file, seeds)
    rng = random.Random(5)
    with ProjectStore.open(project_file) as store:
        session = Session(store, "alice")
        session.open(store.document_ids()[0])
        derived = 0
        for step in range(120):
            current = session.current
            shown = list(current.shown().values())
            suggestions = [a for a in shown if is_suggestion(a)]
            own = [a for a in shown if not is_suggestion(a)]
            spans = [a for a in own if isinstance(a, SpanAnnotation)]
            choice = rng.random()
            if choice < 0.3 and suggestions:
                edit = accept([rng.choice(suggestions)], "alice")
            elif choice < 0.45 and suggestions:
                edit = reject([rng.choice(suggestions)], "alice")
            elif choice < 0.6 and spans:
                edit = relabel(rng.choice(spans), rng.choice(["ORG", "GPE", "PERSON"]), "alice")
            elif choice < 0.7 and own:
                edit = delete([rng.choice(own)], "alice")
            elif choice < 0.8 and suggestions:
                s = rng.choice(suggestions)
                # The same place and label as a suggestion, made by hand: it decides that suggestion.
                place = s.span if isinstance(s, SpanAnnotation) else s.trigger
                edit = create_span(place, "alice") if isinstance(s, SpanAnnotation) else create_event(place, "alice")
            elif choice < 0.92 and session.history.can_undo:
                assert session.undo() is None
                edit = None
            else:
                if session.history.can_redo:
                    assert session.redo() is None
                edit = None
            if edit is not None:
                assert session.apply(edit) is None
            after, full = session.current, recomputed(session.current)
            assert after.pending == full.pending, f"step {step}"
            assert after.shown() == full.shown(), f"step {step}"
            if after.previous is not None:
                derived += 1
                gone, changed = after.delta
                before = after.previous.shown()
                assert set(before) - set(after.shown()) <= gone
                assert {uid for uid, a in after.shown().items() if before.get(uid) is not a} <= changed
        assert derived > 40  # most edits took the incremental path
