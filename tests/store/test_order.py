"""The stored "least confident first" order: kept equal to a computation from scratch by every write,
filled by the migration for older projects, and read page by page in one consistent order."""

from __future__ import annotations

import random

import pytest

from annotator.model import editing
from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.confidence import computed_confidence, uncertainty
from annotator.store.database import ConflictError, connect
from annotator.store.listing import LEAST_CONFIDENT, DocumentFilter, list_documents, neighbour, position
from annotator.store.migrations import migrate
from annotator.store.project import ProjectStore

SUGGESTED = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="trained:1")
LABELS = ("ORG", "PER")


def _suggestions(rnd: random.Random, tag: str) -> AnnotationSet:
    """A few span and event suggestions at a few places (so that some coincide), some unscored."""
    spans = {}
    for i in range(rnd.randint(0, 5)):
        start = rnd.randrange(0, 40, 5)
        span = Span(start, start + 4, rnd.choice(LABELS))
        confidence = None if rnd.random() < 0.2 else round(rnd.random(), 4)
        spans[span] = SpanAnnotation(span, f"{tag}s{i}", SUGGESTED, confidence=confidence)
    events = {}
    for i in range(rnd.randint(0, 3)):
        start = rnd.randrange(0, 40, 5)
        trigger = Span(start, start + 4, rnd.choice(("Attack", "Meet")))
        confidence = None if rnd.random() < 0.2 else round(rnd.random(), 4)
        events[trigger] = Event(trigger, (), f"{tag}e{i}", SUGGESTED, confidence=confidence)
    return AnnotationSet(tuple(spans.values()), tuple(events.values()))


def _stored_equals_computed(store: ProjectStore, pairs: list[tuple[int, int | None]], ids: list[int]) -> None:
    for suggestions, layer in pairs:
        for doc in ids:
            stored = uncertainty(store, suggestions, layer, doc)
            assert stored is not None, (suggestions, layer, doc)
            expected = computed_confidence(store, suggestions, layer, doc)
            assert stored.lowest == (pytest.approx(expected) if expected is not None else None), (suggestions, layer, doc)
            # The mean and count, from the document's undecided suggestions as the window decides them.
            own = store.annotations(layer, doc) if layer is not None else AnnotationSet()
            pending = editing.pending_suggestions(own, store.annotations(suggestions, doc))
            scores = [a.confidence for a in (*pending.spans, *pending.events) if a.confidence is not None]
            assert stored.scored == len(scores)
            assert stored.lowest == (pytest.approx(min(scores)) if scores else None)
            assert stored.mean == (pytest.approx(sum(scores) / len(scores)) if scores else None)


def _applied(store: ProjectStore, layer_id: int, document_id: int, changes) -> bool:
    """Apply one action as the window does: a refused one (the layer holds that span already)
    writes nothing, and the stored value must still be exact."""
    try:
        store.apply(layer_id, document_id, changes)
    except ConflictError:
        return False
    return True


@pytest.mark.parametrize("seed", range(6))
def test_random_suggest_accept_reject_undo_done_keep_the_stored_uncertainty_exact(seed: int) -> None:
    rnd = random.Random(seed)
    store = ProjectStore.memory()
    ids = [store.add_document(Document(f"Document {n} " + "word " * 12), None) for n in range(4)]
    trained = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    rules = store.ensure_layer("rules", LayerKind.SUGGESTIONS)
    undo: list[tuple[int, int, tuple]] = []
    for step in range(60):
        doc = rnd.choice(ids)
        layer = rnd.choice((trained, rules))
        action = rnd.choice(("suggest", "resuggest", "accept", "reject", "edit", "undo", "undo", "done", "delete"))
        if step == 30:  # a layer made mid-way starts with every pending suggestion undecided
            bob = store.ensure_layer("bob", LayerKind.GOLD)
        if action == "suggest":
            store.add_annotations(layer.id, doc, _suggestions(rnd, f"{step}-"))
        elif action == "resuggest":
            store.replace_annotations(layer.id, doc, _suggestions(rnd, f"{step}-"))
        elif action in ("accept", "reject", "edit"):
            pending = editing.pending_suggestions(store.annotations(alice.id, doc), store.annotations(layer.id, doc))
            chosen = [a for a in (*pending.spans, *pending.events) if rnd.random() < 0.5]
            if not chosen:
                continue
            if action == "accept":
                edit = editing.accept(chosen, "alice")
            elif action == "reject":
                edit = editing.reject(chosen, "alice")
            else:
                spans = [a for a in chosen if isinstance(a, SpanAnnotation)]
                if not spans:
                    continue
                edit = editing.relabel(spans[0], "PER" if spans[0].label == "ORG" else "ORG", "alice")
            if _applied(store, alice.id, doc, edit.changes):
                undo.append((alice.id, doc, edit.inverse().changes))
        elif action == "delete":
            own = store.annotations(alice.id, doc)
            if own.spans:
                edit = editing.delete([own.spans[0]], "alice")
                store.apply(alice.id, doc, edit.changes)
                undo.append((alice.id, doc, edit.inverse().changes))
        elif action == "undo" and undo:
            layer_id, document_id, changes = undo.pop()
            _applied(store, layer_id, document_id, changes)
        elif action == "done":
            store.set_status(alice.id, doc, DocStatus.DONE)
    # A label renamed in place (annotator's repair does this with UPDATE) is followed as well.
    with store.transaction():
        store._db.execute("UPDATE spans SET label = 'PER' WHERE label = 'ORG'")
    pairs = [(s.id, a) for s in (trained, rules) for a in (alice.id, bob.id, None)]
    _stored_equals_computed(store, pairs, ids)


def test_the_stored_value_fails_when_the_triggers_are_missing() -> None:
    """The check above can fail: without the triggers, an accept leaves the stored value stale."""
    store = ProjectStore.memory()
    doc = store.add_document(Document("Document " + "word " * 12), None)
    trained = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    store.add_annotations(trained.id, doc, AnnotationSet((), (Event(Span(0, 4, "Attack"), (), "e", SUGGESTED, confidence=0.2),
                                                              Event(Span(5, 9, "Attack"), (), "f", SUGGESTED, confidence=0.7))))
    assert uncertainty(store, trained.id, alice.id, doc).lowest == 0.2  # type: ignore[union-attr]
    store._db.execute("DROP TRIGGER events_uncertainty_decided")
    store.apply(alice.id, doc, editing.accept([store.annotations(trained.id, doc).events[0]], "alice").changes)
    assert computed_confidence(store, trained.id, alice.id, doc) == 0.7
    assert uncertainty(store, trained.id, alice.id, doc).lowest == 0.2  # type: ignore[union-attr]


def test_migration_fills_an_older_project(tmp_path) -> None:
    path = tmp_path / "old.annotator"
    db = connect(path)
    migrate(db, target=5)  # a project as the previous version left it
    now = "2026-01-01T00:00:00"
    db.execute("INSERT INTO layers (id, name, kind, created_at) VALUES (1, 'trained:1', 'suggestions', ?), "
               "(2, 'alice', 'annotator', ?), (3, 'notes', 'annotator', ?)", (now, now, now))
    rnd = random.Random(3)
    for n in range(30):
        title = "same story" if n % 3 == 0 else f"story {n}"
        db.execute("INSERT INTO documents (id, content_hash, text, title, length, imported_at) VALUES (?, ?, ?, ?, 20, ?)",
                   (n + 1, f"{n:064x}", f"text {n}", title, now))
        for i in range(rnd.randint(0, 4)):
            confidence = rnd.choice([None, round(rnd.random(), 4)])
            data = None if confidence is None else f'{{"confidence":{confidence}}}'
            db.execute("INSERT INTO spans (uid, layer_id, document_id, start_char, end_char, label, origin, decision, "
                       "created_at, updated_at, data) VALUES (?, 1, ?, ?, ?, 'ORG', 'suggested', 'pending', ?, ?, ?)",
                       (f"s{n}-{i}", n + 1, i * 3, i * 3 + 2, now, now, data))
            if rnd.random() < 0.3:  # alice decided this one
                db.execute("INSERT INTO spans (uid, layer_id, document_id, start_char, end_char, label, origin, decision, "
                           "source_uid, created_at, updated_at) VALUES (?, 2, ?, ?, ?, 'ORG', 'suggested', 'accepted', ?, ?, ?)",
                           (f"a{n}-{i}", n + 1, i * 3, i * 3 + 2, f"s{n}-{i}", now, now))
    db.conn.commit()
    db.close()
    store = ProjectStore.open(path)
    ids = store.document_ids()
    _stored_equals_computed(store, [(1, 2), (1, 3), (1, None)], ids)
    repeats = dict(store._db.execute("SELECT document_id, repeat FROM document_traits"))
    assert [repeats[i] for i in (1, 4, 7, 10)] == [0, 1, 2, 3]  # copies of "same story" are counted in id order
    # A new document after the migration gets the next count from the trigger.
    new = store.add_document(Document("another", title="Same story"), None)
    assert store._db.execute("SELECT repeat FROM document_traits WHERE document_id = ?", (new,)).fetchone()[0] == 10
    store.close()


def test_pages_next_and_position_follow_one_order_with_diversity_and_controls() -> None:
    store = ProjectStore.memory()
    trained = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    rnd = random.Random(5)
    for n in range(300):
        # Five copies of each of 20 stories with nearly the same confidence, and 200 distinct documents.
        story = n % 20 if n < 100 else None
        text = f"Story {story}\ncopy {n} " + "word " * 10 if story is not None else f"Document {n}\n" + "word " * 10
        doc = store.add_document(Document(text), None)
        centre = story / 20 if story is not None else rnd.random()
        event = Event(Span(0, 4, "Attack"), (), f"e{n}", SUGGESTED, confidence=round(centre + n * 1e-5, 5))
        store.add_annotations(trained.id, doc, AnnotationSet((), (event,)))
    order = DocumentFilter(alice.id, trained.id, order=LEAST_CONFIDENT)
    everything = list_documents(store, order, 0, 1000)
    paged, after = [], 0
    while page := list_documents(store, order, after, 7):
        paged += page
        after = page[-1].id
    assert [r.id for r in paged] == [r.id for r in everything] and len(everything) == 300
    assert all(neighbour(store, order, a.id, 1) == b.id for a, b in zip(everything, everything[1:]))
    assert all(neighbour(store, order, b.id, -1) == a.id for a, b in zip(everything, everything[1:]))
    assert [position(store, order, r.id) for r in everything[:50]] == list(range(50))
    # Controls: about one in ten, marked, and placed by their draw rather than their confidence.
    controls = [r for r in everything if r.control]
    assert 10 <= len(controls) <= 60
    ordered = [r for r in everything if not r.control]
    titles = {r.id: r.title for r in everything}
    # Diversity: no two copies of one story follow each other among the documents the model ordered,
    # while sorting by confidence alone puts each story's five copies in a row.
    assert all(titles[a.id] != titles[b.id] for a, b in zip(ordered, ordered[1:]))
    by_confidence = sorted(ordered, key=lambda r: (r.confidence, r.id))
    assert any(titles[a.id] == titles[b.id] for a, b in zip(by_confidence, by_confidence[1:]))
    # The model's order still holds by bands of close confidence, a copy one band later per earlier copy.
    repeats = dict(store._db.execute("SELECT document_id, repeat FROM document_traits"))
    bands = [int(r.confidence * 20) + repeats[r.id] for r in ordered]
    assert bands == sorted(bands)
    assert ordered[0].confidence == min(r.confidence for r in ordered if repeats[r.id] == 0)
