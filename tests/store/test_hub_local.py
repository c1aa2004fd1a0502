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


def test_a_batch_of_edits_goes_out_with_each_items_own_state() -> None:
    """The outbox is read a kind at a time: every change keeps its own payload, arguments and version."""
    from annotator.model.annotations import Argument, Event

    store, layer, first = _linked()
    second = store.add_document(Document("Bob met Alice in Paris on Monday."), None)
    spans = [SpanAnnotation(Span(i, i + 3, "ORG")) for i in range(5)]
    store.apply(layer, first, [Change(None, s) for s in spans[:3]])
    store.apply(layer, second, [Change(None, s) for s in spans[3:]])
    events = [Event(Span(4, 7, "Contact:Meet"), (Argument("Entity", Span(0, 3, "PER")), Argument("Place", Span(23, 28, "GPE")))),
              Event(Span(4, 7, "Contact:Meet"), (Argument("Entity", Span(12, 17, "PER")),))]
    store.apply(layer, second, [Change(None, e) for e in events])
    hub_local.acknowledge(store, hub_local.outgoing(store).upto, {spans[1].uid: 4, spans[4].uid: 7})
    store.apply(layer, first, [Change(spans[1], None)])
    store.apply(layer, second, [Change(spans[4], replace(spans[4], span=Span(10, 15, "ORG")))])
    store.apply(layer, first, [Change(None, extra := SpanAnnotation(Span(20, 24, "GPE")))])
    store.apply(layer, second, [Change(events[0], replace(events[0], arguments=events[0].arguments[::-1]))])
    changes = {c.uid: c for c in hub_local.outgoing(store).changes if c.kind != "status"}
    assert set(changes) == {spans[1].uid, spans[4].uid, extra.uid, events[0].uid}
    assert changes[spans[1].uid].payload is None and changes[spans[1].uid].base_version == 4
    assert (changes[spans[4].uid].payload["start_char"], changes[spans[4].uid].base_version) == (10, 7)  # type: ignore[index]
    assert (changes[extra.uid].payload["label"], changes[extra.uid].base_version) == ("GPE", None)  # type: ignore[index]
    assert [a["role"] for a in changes[events[0].uid].payload["arguments"]] == ["Place", "Entity"]  # type: ignore[index]
    store.apply(layer, second, [Change(events[1], replace(events[1], arguments=()))])
    (emptied,) = [c for c in hub_local.outgoing(store).changes if c.uid == events[1].uid]
    assert emptied.payload["arguments"] == []  # type: ignore[index]
    statuses = [c for c in hub_local.outgoing(store).changes if c.kind == "status"]
    assert {c.document for c in statuses} == {store.document(first).content_hash, store.document(second).content_hash}
    assert all(c.payload["status"] == "in_progress" for c in statuses)  # type: ignore[index]


def _pulled_span(uid: str, content_hash: str, start: int, source: str | None = None, version: int = 1) -> dict:
    return {"kind": "span", "uid": uid, "layer": "ann2", "document": content_hash, "deleted": False, "version": version,
            "client": "other", "payload": {"uid": uid, "start_char": start, "end_char": start + 3, "label": "ORG",
                                           "origin": "manual", "decision": "accepted", "source_uid": source,
                                           "created_at": "t", "updated_at": "t"}}


def test_a_pulled_batch_replaces_removes_and_settles_a_collision() -> None:
    """Pulled spans are written together; one that collides with a local row (the same suggestion
    decided under two uids) still lands, and the others with it."""
    store, _, document = _linked()
    content_hash = store.document(document).content_hash
    hub_pull.apply_pull(store, [_pulled_span("keep", content_hash, 0), _pulled_span("gone", content_hash, 5),
                                _pulled_span("mine-twin", content_hash, 9, source="sugg")], 3)
    rows = [
        _pulled_span("keep", content_hash, 2, version=2),  # moved
        {**_pulled_span("gone", content_hash, 5, version=2), "deleted": True},
        _pulled_span("new", content_hash, 12),
        _pulled_span("hub-twin", content_hash, 9, source="sugg"),  # the hub's decision of the same suggestion
    ]
    assert hub_pull.apply_pull(store, rows, 4) == 4
    spans = {s.uid: s.start for s in store.annotations(store.layer("ann2").id, document).spans}  # type: ignore[union-attr]
    assert spans == {"keep": 2, "new": 12, "hub-twin": 9}
    versions = dict(store._db.execute("SELECT uid, version FROM hub_versions").fetchall())
    assert versions["keep"] == 2 and versions["gone"] == 2
    assert hub_local.pending_count(store) == 0
