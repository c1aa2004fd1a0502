"""Review items: every span and event shown once, versions of the same thing together, who said what."""

from __future__ import annotations

from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Provenance, Span, SpanAnnotation
from annotator.review.compare import compare_document, disagreements

TEXT = "Biden met Ghani in Kabul. The Bank of England said so."
#       0    5    10   15   20   25   30   35   40   45   50


def spans(*items: tuple[int, int, str]) -> AnnotationSet:
    return AnnotationSet(tuple(SpanAnnotation(Span(*item)) for item in items))


def test_versions_of_the_same_thing_sit_together_and_say_who_said_what() -> None:
    layers = {
        "alice": spans((0, 5, "PERSON"), (19, 24, "ORG"), (30, 45, "ORG")),
        "bob": spans((0, 5, "PERSON"), (19, 24, "GPE"), (35, 45, "ORG")),
        "carol": spans((0, 5, "PERSON")),
    }
    items = compare_document(layers)
    assert [(i.kind, i.start, i.end) for i in items] == [("span", 0, 5), ("span", 19, 24), ("span", 30, 45)]
    first, kabul, bank = items
    assert first.agreed and first.describe() == "alice: PERSON / bob: PERSON / carol: PERSON"
    assert not kabul.agreed and kabul.describe() == "alice: ORG / bob: GPE / carol: -"
    assert (bank.start, bank.end) == (30, 45)
    assert bank.describe(TEXT) == 'alice: ORG "Bank of England" / bob: ORG "of England" / carol: -'
    assert bank.describe() == "alice: ORG 30-45 / bob: ORG 35-45 / carol: -"
    assert disagreements(items) == [kabul, bank]
    assert [a.label for a in kabul.versions["alice"]] == ["ORG"] and kabul.versions["carol"] == ()


def test_everything_is_shown_once_and_in_text_order() -> None:
    alice = spans((0, 5, "PERSON"), (2, 9, "ORG"), (19, 24, "GPE"))  # nested/overlapping spans of one layer
    bob = spans((10, 15, "PERSON"), (19, 24, "GPE"))
    items = compare_document({"alice": alice, "bob": bob})
    shown = [a.uid for item in items for version in item.versions.values() for a in version]
    assert sorted(shown) == sorted(a.uid for a in alice.spans + bob.spans)
    assert [item.start for item in items] == sorted(item.start for item in items)
    assert len(items[0].versions["alice"]) == 2 and items[0].describe() == "alice: PERSON 0-5 + ORG 2-9 / bob: -"


def test_rejected_annotations_are_nobodys_version() -> None:
    refused = SpanAnnotation(Span(0, 5, "GPE"), provenance=Provenance(decision=Decision.REJECTED))
    items = compare_document({"alice": AnnotationSet((refused,)), "bob": spans()})
    assert items == []


def test_events_group_by_trigger_and_agree_on_arguments_too() -> None:
    kabul = Span(19, 24, "GPE")
    alice = AnnotationSet(events=(Event(Span(6, 9, "Contact:Meet"), (Argument("Place", kabul),)),))
    bob = AnnotationSet(events=(Event(Span(6, 9, "Contact:Meet"), (Argument("Place", kabul),)),))
    carol = AnnotationSet(events=(Event(Span(6, 9, "Contact:Meet")),))
    (agreed,) = compare_document({"alice": alice, "bob": bob})
    assert agreed.kind == "event" and agreed.agreed
    (item,) = compare_document({"alice": alice, "bob": bob, "carol": carol})
    assert not item.agreed
    assert item.describe(TEXT) == 'alice: Contact:Meet [Place="Kabul"] / bob: Contact:Meet [Place="Kabul"] / carol: Contact:Meet []'


def test_event_arguments_that_are_events_compare_by_where_that_event_is() -> None:
    def layer() -> AnnotationSet:
        meeting = Event(Span(6, 9, "Contact:Meet"))
        return AnnotationSet(events=(meeting, Event(Span(46, 50, "Report"), (Argument("Topic", event_uid=meeting.uid),))))

    items = compare_document({"alice": layer(), "bob": layer()})
    assert [item.agreed for item in items] == [True, True]
    report = items[1]
    assert set(report.linked) == {e.uid for name in ("alice", "bob") for e in items[0].versions[name]}


def test_gold_is_shown_with_the_group_it_decides() -> None:
    gold = AnnotationSet((SpanAnnotation(Span(19, 24, "GPE")),))
    items = compare_document({"alice": spans((19, 24, "ORG")), "bob": spans((19, 24, "GPE"))}, gold)
    (item,) = items
    assert item.decided and item.gold == gold.spans
    assert item.describe() == "alice: ORG / bob: GPE | gold: GPE"
    assert disagreements(items, undecided_only=True) == []
