"""The project file's side of hub sync, without a server: outbox, pulls applied, triggers."""

from __future__ import annotations

from dataclasses import replace

from annotator.model.annotations import AnnotationSet, Span, SpanAnnotation
from annotator.model.changes import Change
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store import hub_local, hub_pull
from annotator.store.project import ProjectStore


def _linked() -> tuple[ProjectStore, int, int]:
    store = ProjectStore.memory()
    document = store.add_document(Document("Acme Corp opened a plant in Lyon."), None)
    hub_local.link(store, "postgresql://ann1@/hub", "ann1", "analyst", [("ann1", LayerKind.ANNOTATOR)])
    return store, store.layer("ann1").id, document  # type: ignore[union-attr,return-value]


def test_own_edits_are_queued_once_with_their_latest_state() -> None:
    store, layer, document = _linked()
    span = SpanAnnotation(Span(0, 4, "ORG"))
    store.apply(layer, document, [Change(None, span)])
    wider = replace(span, span=Span(0, 9, "ORG"))
    store.apply(layer, document, [Change(span, wider)])
    out = hub_local.outgoing(store)
    spans = [c for c in out.changes if c.kind == "span"]
    assert [(c.uid, c.payload["end_char"]) for c in spans] == [(span.uid, 9)]  # type: ignore[index]
    assert [c.kind for c in out.changes].count("status") == 1
    hub_local.acknowledge(store, out.upto, {span.uid: 3})
    assert hub_local.pending_count(store) == 0
    store.apply(layer, document, [Change(wider, None)])
    (gone,) = [c for c in hub_local.outgoing(store).changes if c.kind == "span"]
    assert gone.payload is None and gone.base_version == 3


def test_other_layers_and_pulled_rows_are_not_sent_back() -> None:
    store, _, document = _linked()
    suggestions = store.ensure_layer("spacy:x", LayerKind.SUGGESTIONS)
    store.add_annotations(suggestions.id, document, AnnotationSet((SpanAnnotation(Span(0, 4, "ORG")),)))  # type: ignore[arg-type]
    content_hash = store.document(document).content_hash
    pulled = {"kind": "span", "uid": "abc", "layer": "ann2", "document": content_hash, "deleted": False, "version": 1,
              "client": "other", "payload": {"uid": "abc", "start_char": 0, "end_char": 4, "label": "ORG",
                                             "origin": "manual", "decision": "accepted", "created_at": "t", "updated_at": "t"}}
    assert hub_pull.apply_pull(store, [pulled], 7) == 1
    assert hub_local.pending_count(store) == 0
    assert [s.uid for s in store.annotations(store.layer("ann2").id, document).spans] == ["abc"]  # type: ignore[union-attr]
    assert hub_local.get_link(store).pulled_seq == 7  # type: ignore[union-attr]
    # Our own row pulled over it while an edit of it waits to be sent: the local edit wins.
    hub_pull.apply_pull(store, [{**pulled, "layer": "ann1", "uid": "mine"}], 8)
    mine = store.annotations(store.layer("ann1").id, document).spans[0]  # type: ignore[union-attr]
    store.apply(store.layer("ann1").id, document, [Change(mine, replace(mine, span=Span(0, 9, "ORG")))])  # type: ignore[union-attr]
    hub_pull.apply_pull(store, [{**pulled, "layer": "ann1", "uid": "mine", "version": 2}], 9)
    assert store.annotations(store.layer("ann1").id, document).spans[0].end == 9  # type: ignore[union-attr]


def test_missing_triggers_are_restored() -> None:
    store, layer, document = _linked()
    store._db.execute("DROP TRIGGER hub_outbox_spans_insert")
    hub_local.ensure_triggers(store)
    store.apply(layer, document, [Change(None, SpanAnnotation(Span(0, 4, "ORG")))])
    assert any(c.kind == "span" for c in hub_local.outgoing(store).changes)
    hub_local.unlink(store)
    assert hub_local.get_link(store) is None
    store.apply(layer, document, [Change(None, SpanAnnotation(Span(5, 9, "ORG")))])
    assert hub_local.pending_count(store) == 0


def test_hub_local_does_not_import_hub_pull():
    # hub_pull builds on hub_local (the link, the kinds); the reverse made an import circle.
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(hub_local))
    imported = {getattr(n, "module", None) for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(name and "hub_pull" in name for name in imported)
