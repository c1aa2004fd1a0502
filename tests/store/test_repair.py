"""Renaming a schema's unusable names everywhere: labels, types and roles in every layer, in one
transaction, with the stored least-confident order still exact and still followed afterwards."""

from __future__ import annotations

from annotator.model import editing
from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.store.confidence import computed_confidence, uncertainty
from annotator.store.project import SCHEMA_SETTING, ProjectStore
from annotator.store.repair import rename_bad_names, schema_warning

SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="trained:1")
BAD_SCHEMA = {
    "entities": {"Armed group": {"color": "#1f77b4", "key": "g"}, "PER": {"color": "#ff7f0e", "key": "p"}},
    "events": {"Attack now": {"color": "#d62728", "key": "a", "roles": {"The attacker": ["Armed group"]}}},
    "label_map": {"ORG": "Armed group"},
}


def _project() -> tuple[ProjectStore, int, int, list[int]]:
    store = ProjectStore.memory()
    store.set_setting(SCHEMA_SETTING, BAD_SCHEMA)
    trained = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    ids = []
    for n in range(4):
        doc = store.add_document(Document(f"Report {n}: " + "word " * 12), None)
        group = Span(10, 14, "Armed group")
        spans = (SpanAnnotation(group, f"g{n}", SUGGESTED, confidence=0.2 + n / 10),
                 SpanAnnotation(Span(15, 19, "PER"), f"p{n}", SUGGESTED, confidence=0.9))
        attack = Event(Span(20, 24, "Attack now"), (Argument("The attacker", group),), f"e{n}", SUGGESTED, confidence=0.5)
        store.add_annotations(trained.id, doc, AnnotationSet(spans, (attack,)))
        ids.append(doc)
    # Alice decided the group of the first two, matched by offsets and label (no source uid).
    for doc in ids[:2]:
        mine = SpanAnnotation(Span(10, 14, "Armed group"), f"a{doc}", Provenance(decision=Decision.ACCEPTED, author="alice"))
        store.add_annotations(alice.id, doc, AnnotationSet((mine,), ()))
    return store, trained.id, alice.id, ids  # type: ignore[return-value]


def _exact(store: ProjectStore, trained: int, alice: int, ids: list[int]) -> list[float | None]:
    lows = []
    for layer in (alice, None):
        for doc in ids:
            stored = uncertainty(store, trained, layer, doc)
            assert stored is not None and stored.lowest == computed_confidence(store, trained, layer, doc)
            lows.append(stored.lowest)
    return lows


def test_renames_everywhere_and_the_stored_order_stays_exact_and_followed() -> None:
    store, trained, alice, ids = _project()
    before = _exact(store, trained, alice, ids)
    assert schema_warning(store) is not None
    renames = rename_bad_names(store)
    assert set(renames) == {"Armed group", "Attack now", "The attacker"}
    assert schema_warning(store) is None
    group, attack, attacker = renames["Armed group"], renames["Attack now"], renames["The attacker"]
    made = store.annotations(trained, ids[0])
    assert sorted(s.label for s in made.spans) == sorted([group, "PER"])
    assert [(e.type, [(a.role, a.span.label) for a in e.arguments]) for e in made.events] == [(attack, [(attacker, group)])]
    assert [s.label for s in store.annotations(alice, ids[0]).spans] == [group]
    # Alice's decisions still match the renamed suggestions: the order is what it was, and exact.
    assert _exact(store, trained, alice, ids) == before
    # The triggers are back: decisions after the repair move the stored value.
    event = store.annotations(trained, ids[3]).events[0]
    store.apply(alice, ids[3], editing.accept([event], "alice").changes)
    assert _exact(store, trained, alice, ids)[3] == before[3] == 0.5  # the group's 0.5 is left
    spans = store.annotations(trained, ids[3]).spans
    store.apply(alice, ids[3], editing.accept([s for s in spans if s.label == group], "alice").changes)
    assert _exact(store, trained, alice, ids)[3] == 0.9  # only PER's 0.9 is left undecided
    names = {row[0] for row in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"spans_uncertainty_changed", "events_uncertainty_changed"} <= names


def test_a_failed_repair_writes_nothing(monkeypatch) -> None:
    store, trained, alice, ids = _project()
    import annotator.store.repair as repair

    def broken(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(repair.ProjectStore, "set_setting", broken)
    try:
        rename_bad_names(store)
    except RuntimeError:
        pass
    assert {s.label for s in store.annotations(trained, ids[0]).spans} == {"Armed group", "PER"}
    names = {row[0] for row in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"spans_uncertainty_changed", "events_uncertainty_changed"} <= names
