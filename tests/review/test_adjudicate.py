"""Review decisions: the gold they produce, saved through the store, and undone by their inverse."""

from __future__ import annotations

import pytest

from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Origin, Span, SpanAnnotation
from annotator.model.changes import apply_to
from annotator.model.document import Document
from annotator.model.layer import LayerKind
from annotator.model.tokens import encode_tokens
from annotator.review.adjudicate import accept_agreed, take_version
from annotator.review.compare import compare_document
from annotator.review.workflow import apply_decision, gold_annotations
from annotator.store.project import ProjectStore

TEXT = "Rebels attacked Kabul and killed ten people; officials met in Doha."


def words(text: str) -> list[tuple[int, int, bool]]:
    offsets, position = [], 0
    for word in text.split(" "):
        offsets.append((position, position + len(word), True))
        position += len(word) + 1
    return offsets


@pytest.fixture
def doc(store: ProjectStore) -> int:
    return store.add_document(Document(TEXT), encode_tokens(TEXT, words(TEXT)))


def save(store: ProjectStore, doc: int, name: str, annotations: AnnotationSet) -> AnnotationSet:
    layer = store.ensure_layer(name, LayerKind.ANNOTATOR)
    store.add_annotations(layer.id, doc, annotations)  # type: ignore[arg-type]
    return store.annotations(layer.id, doc)  # type: ignore[arg-type]


def plain(annotations: AnnotationSet) -> tuple:
    """What a user sees of gold: spans and events by offsets and labels, arguments with event fillers placed."""
    by_uid = {e.uid: e for e in annotations.events}
    return (
        sorted((a.start, a.end, a.label, a.provenance.decision.value) for a in annotations.spans),
        sorted(
            (
                e.trigger.start, e.trigger.end, e.type, e.provenance.decision.value,
                tuple(sorted(
                    (a.role, a.span.start, a.span.end) if a.span else (a.role, by_uid[a.event_uid].trigger.start, -1)  # type: ignore[index]
                    for a in e.arguments
                )),
            )
            for e in annotations.events
        ),
    )


def test_taking_a_version_copies_it_into_gold_with_its_source(store: ProjectStore, doc: int) -> None:
    alice = save(store, doc, "alice", AnnotationSet((SpanAnnotation(Span(16, 21, "GPE")),)))
    bob = save(store, doc, "bob", AnnotationSet((SpanAnnotation(Span(16, 21, "LOC")),)))
    (item,) = compare_document({"alice": alice, "bob": bob})
    edit = take_version(item, "bob", AnnotationSet(), "rita")
    apply_decision(store, doc, edit)
    gold = gold_annotations(store, doc)
    (span,) = gold.spans
    assert (span.start, span.end, span.label) == (16, 21, "LOC")
    assert span.uid != bob.spans[0].uid
    assert (span.provenance.origin, span.provenance.decision, span.provenance.author, span.provenance.source_uid) == (
        Origin.ADJUDICATED, Decision.ACCEPTED, "rita", bob.spans[0].uid,
    )
    assert span.attributes["adjudicated_from"] == "bob"
    assert store.layer("gold").kind is LayerKind.GOLD  # type: ignore[union-attr]

    # Changing one's mind replaces what gold held for the group; undo brings it back.
    (item,) = compare_document({"alice": alice, "bob": bob}, gold)
    assert item.decided and item.describe() == "alice: GPE / bob: LOC | gold: LOC"
    second = take_version(item, "alice", gold, "rita")
    apply_decision(store, doc, second)
    assert plain(gold_annotations(store, doc)) == ([(16, 21, "GPE", "accepted")], [])
    apply_decision(store, doc, second.inverse())
    assert gold_annotations(store, doc) == gold
    apply_decision(store, doc, edit.inverse())
    assert gold_annotations(store, doc) == AnnotationSet()


def test_taking_the_version_gold_already_holds_changes_nothing(store: ProjectStore, doc: int) -> None:
    alice = save(store, doc, "alice", AnnotationSet((SpanAnnotation(Span(16, 21, "GPE")),)))
    (item,) = compare_document({"alice": alice, "bob": AnnotationSet()})
    gold = apply_to(AnnotationSet(), take_version(item, "alice", AnnotationSet(), "rita").changes)
    (item,) = compare_document({"alice": alice, "bob": AnnotationSet()}, gold)
    assert not take_version(item, "alice", gold, "rita")


def test_none_of_them_is_recorded_as_refused_and_exports_as_nothing(store: ProjectStore, doc: int) -> None:
    alice = save(store, doc, "alice", AnnotationSet((SpanAnnotation(Span(0, 6, "ORG")),)))
    bob = save(store, doc, "bob", AnnotationSet((SpanAnnotation(Span(0, 6, "NORP")),)))
    (item,) = compare_document({"alice": alice, "bob": bob, "carol": AnnotationSet()})
    apply_decision(store, doc, take_version(item, None, AnnotationSet(), "rita"))
    gold = gold_annotations(store, doc)
    assert plain(gold) == ([(0, 6, "NORP", "rejected"), (0, 6, "ORG", "rejected")], [])
    assert gold.without_rejected() == AnnotationSet()
    (item,) = compare_document({"alice": alice, "bob": bob, "carol": AnnotationSet()}, gold)
    assert item.decided and item.describe().endswith("| gold: none")
    # carol said nothing: taking her version is a refusal too, recorded as hers.
    edit = take_version(item, "carol", gold, "rita")
    after = apply_to(gold, edit.changes)
    assert plain(after) == plain(gold) and {a.attributes["adjudicated_from"] for a in after.spans} == {"carol"}


def test_accept_agreed_takes_only_what_all_agree_on_and_leaves_decisions_alone(store: ProjectStore, doc: int) -> None:
    def layer(name: str, kabul: str) -> AnnotationSet:
        return save(store, doc, name, AnnotationSet((
            SpanAnnotation(Span(0, 6, "NORP")), SpanAnnotation(Span(16, 21, kabul)), SpanAnnotation(Span(62, 66, "GPE")),
        )))

    layers = {"alice": layer("alice", "GPE"), "bob": layer("bob", "LOC")}
    items = compare_document(layers)
    decided = take_version(items[2], "alice", AnnotationSet(), "rita")  # Doha decided by hand first
    gold = apply_to(AnnotationSet(), decided.changes)
    edit = accept_agreed(compare_document(layers, gold), gold, "rita")
    assert edit.title == "Accept 1 agreed group(s)"
    apply_decision(store, doc, decided)
    apply_decision(store, doc, edit)
    stored = gold_annotations(store, doc)
    assert plain(stored) == ([(0, 6, "NORP", "accepted"), (62, 66, "GPE", "accepted")], [])
    norp = next(a for a in stored.spans if a.label == "NORP")
    assert norp.attributes["adjudicated_from"] == "alice,bob"
    assert not accept_agreed(compare_document(layers, stored), stored, "rita")  # nothing left to accept
    apply_decision(store, doc, edit.inverse())
    assert plain(gold_annotations(store, doc)) == ([(62, 66, "GPE", "accepted")], [])


def events_layer(store: ProjectStore, doc: int, name: str, die_type: str) -> AnnotationSet:
    """An attack whose Result argument is a death event, and a meeting."""
    death = Event(Span(26, 32, die_type), (Argument("Victim", Span(33, 43, "PERSON")),))
    attack = Event(Span(7, 15, "Conflict:Attack"), (Argument("Target", Span(16, 21, "GPE")), Argument("Result", event_uid=death.uid)))
    meeting = Event(Span(55, 58, "Contact:Meet"), (Argument("Place", Span(62, 66, "GPE")),))
    return save(store, doc, name, AnnotationSet(events=(attack, death, meeting)))


def test_event_arguments_stay_consistent_in_gold(store: ProjectStore, doc: int) -> None:
    layers = {"alice": events_layer(store, doc, "alice", "Life:Die"), "bob": events_layer(store, doc, "bob", "Life:Injure")}
    attack, death, meeting = compare_document(layers)
    assert (attack.agreed, death.agreed, meeting.agreed) == (False, False, True)  # the attack's Result differs too

    # Taking alice's attack brings her death event along, and points the copy at the copy.
    first = take_version(attack, "alice", AnnotationSet(), "rita")
    apply_decision(store, doc, first)
    gold = gold_annotations(store, doc)
    assert plain(gold)[1] == [
        (7, 15, "Conflict:Attack", "accepted", (("Result", 26, -1), ("Target", 16, 21))),
        (26, 32, "Life:Die", "accepted", (("Victim", 33, 43),)),
    ]
    copies = {e.type: e for e in gold.events}
    assert copies["Conflict:Attack"].arguments[1].event_uid == copies["Life:Die"].uid

    # Then bob's version of the death: the attack in gold is re-pointed at the new copy.
    _, death, _ = compare_document(layers, gold)
    second = take_version(death, "bob", gold, "rita")
    apply_decision(store, doc, second)
    after = gold_annotations(store, doc)
    by_type = {e.type: e for e in after.events}
    assert set(by_type) == {"Conflict:Attack", "Life:Injure"}
    assert by_type["Conflict:Attack"].arguments[1].event_uid == by_type["Life:Injure"].uid
    assert all(a.event_uid in {e.uid for e in after.events} for e in after.events for a in e.arguments if a.event_uid)

    # Refusing the death altogether drops the attack's Result rather than leave it dangling.
    _, death, _ = compare_document(layers, after)
    refused = apply_to(after, take_version(death, None, after, "rita").changes)
    attack_now = next(e for e in refused.events if e.type == "Conflict:Attack")
    assert [a.role for a in attack_now.arguments] == ["Target"]

    # Undo, in reverse order, restores gold exactly.
    apply_decision(store, doc, second.inverse())
    assert gold_annotations(store, doc) == gold
    apply_decision(store, doc, first.inverse())
    assert gold_annotations(store, doc) == AnnotationSet()


def test_accept_agreed_events_keep_event_arguments_among_themselves(store: ProjectStore, doc: int) -> None:
    layers = {"alice": events_layer(store, doc, "alice", "Life:Die"), "bob": events_layer(store, doc, "bob", "Life:Die")}
    items = compare_document(layers)
    assert all(item.agreed for item in items)
    edit = accept_agreed(items, AnnotationSet(), "rita")
    apply_decision(store, doc, edit)
    gold = gold_annotations(store, doc)
    by_type = {e.type: e for e in gold.events}
    assert set(by_type) == {"Conflict:Attack", "Life:Die", "Contact:Meet"}
    assert by_type["Conflict:Attack"].arguments[1].event_uid == by_type["Life:Die"].uid


def test_an_agreed_event_pointing_at_a_disputed_one_waits_for_the_reviewer(store: ProjectStore, doc: int) -> None:
    def layer(name: str, victim_end: int) -> AnnotationSet:
        death = Event(Span(26, 32, "Life:Die"), (Argument("Victim", Span(33, victim_end, "PERSON")),))
        attack = Event(Span(7, 15, "Conflict:Attack"), (Argument("Result", event_uid=death.uid),))
        return save(store, doc, name, AnnotationSet(events=(attack, death)))

    layers = {"alice": layer("alice", 43), "bob": layer("bob", 36)}
    attack, death = compare_document(layers)
    assert attack.agreed and not death.agreed  # both attacks point at a death at 26-32
    assert not accept_agreed([attack, death], AnnotationSet(), "rita")
    gold = apply_to(AnnotationSet(), take_version(death, "bob", AnnotationSet(), "rita").changes)
    attack, death = compare_document(layers, gold)
    edit = accept_agreed([attack, death], gold, "rita")
    after = apply_to(gold, edit.changes)
    copy = next(e for e in after.events if e.type == "Conflict:Attack")
    assert copy.arguments[0].event_uid == next(e for e in gold.events).uid  # bob's death, already in gold


def test_a_decision_needs_a_known_layer_and_a_reviewer() -> None:
    (item,) = compare_document({"alice": AnnotationSet((SpanAnnotation(Span(0, 3, "ORG")),))})
    with pytest.raises(ValueError, match="not one of the compared layers"):
        take_version(item, "zoe", AnnotationSet(), "rita")
    with pytest.raises(ValueError, match="reviewer"):
        take_version(item, "alice", AnnotationSet(), " ")
