"""A gold layer over text that breaks offset arithmetic, shared by the export tests.

The first document mixes emoji, a flag (two regional indicators), a ZWJ family, a combining
accent, CJK, Hebrew and Arabic (right to left); its spans include one off token boundaries, two
that overlap, one across a blank line, a discontinuous one, a rejected one, and an argument
that is no entity (labelled with its role). Events include one that is another's argument and
a rejected one that another names.
"""

from __future__ import annotations

from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.model.tokens import encode_tokens
from annotator.store.project import ProjectStore
from annotator.suggest.tokenizer import tokenize

TEXT = (
    "Kabul 🇦🇫 (AP) — Ахмад Шах 👩\u200d👩\u200d👧 met José and Jose\u0301 in 東京都 and בירושלים, "
    'saying "مرحبا بكم". Then they left!\n\n"Later," she said. Mr. Kirby 😀 agreed.'
)
PLAIN = "Pentagon spokesman John Kirby spoke on Monday."
OUTSIDE = "A document the gold layer never touched."

TIMES = ("2024-01-02T03:04:05Z", "2024-01-03T04:05:06Z")

REJECTED = Provenance(decision=Decision.REJECTED)


def spans_of(text: str) -> list[SpanAnnotation]:
    def at(piece: str, label: str, nth: int = 0, **extra: object) -> SpanAnnotation:
        start = -1
        for _ in range(nth + 1):
            start = text.index(piece, start + 1)
        return SpanAnnotation(Span(start, start + len(piece), label), **extra)  # type: ignore[arg-type]

    kirby = text.index("Mr. Kirby")
    return [
        at("Kabul", "GPE"),
        at("🇦🇫", "GPE"),
        at("AP", "ORG", attributes={"Confidence": "High"}, note="news agency"),
        at("Ахмад Шах", "PERSON"),
        at("👩\u200d👩\u200d👧", "NORP"),
        at("José", "PERSON"),
        at("Jose\u0301", "PERSON"),
        at("東京", "GPE"),  # inside the token 東京都: off token boundaries
        at("東京都", "LOC"),  # overlaps the one above
        at("בירושלים", "GPE"),
        at("مرحبا بكم", "WORK_OF_ART"),
        at('left!\n\n"Later', "EVENT"),  # across a blank line
        SpanAnnotation(Span(kirby, kirby + 9, "PERSON"), fragments=((kirby, kirby + 3), (kirby + 4, kirby + 9))),
        at("Then", "DATE", provenance=REJECTED),
    ]


def events_of(text: str) -> list[Event]:
    def span(piece: str, label: str) -> Span:
        start = text.index(piece)
        return Span(start, start + len(piece), label)

    left = Event(
        span("left", "Movement:Transport"),
        (Argument("Agent", span("Ахмад Шах", "PERSON")), Argument("Destination", span("東京", "GPE"))),
        attributes={"Modality": "Asserted"},
    )
    met = Event(
        span("met", "Contact:Meet"),
        (
            Argument("Entity", span("Ахмад Шах", "PERSON")),
            Argument("Entity", span("José", "PERSON")),
            Argument("Place", span("בירושלים", "GPE")),
        ),
        note="the second\nmeeting",
    )
    agreed = Event(span("agreed", "Contact:Meet"), (), provenance=REJECTED)
    said = Event(
        span("said", "Report"),
        (
            Argument("Reporter", span("she", "Reporter")),  # no entity: labelled with its role
            Argument("Event", event_uid=left.uid),
            Argument("Event", event_uid=agreed.uid),  # names a rejected event: left out
        ),
    )
    return [left, met, agreed, said]


def add_document(store: ProjectStore, text: str, **meta: object) -> int:
    return store.add_document(Document(text, **meta), encode_tokens(text, next(iter(tokenize([text])))))  # type: ignore[arg-type]


def build_gold(store: ProjectStore) -> dict[str, int]:
    """Three documents, two of them in a ``gold`` layer (one in progress with fixed times, one done)."""
    ids = {
        "unicode": add_document(
            store, TEXT, title="Kabul", date="2021-08-16", source="kabul.txt", extra={"url": "https://example.org/1"}
        ),
        "plain": add_document(store, PLAIN, source="pentagon.txt"),
        "outside": add_document(store, OUTSIDE, source="outside.txt"),
    }
    gold = store.ensure_layer("gold", LayerKind.GOLD)
    store.add_annotations(gold.id, ids["unicode"], AnnotationSet(tuple(spans_of(TEXT)), tuple(events_of(TEXT))))  # type: ignore[arg-type]
    store.set_status(gold.id, ids["unicode"], DocStatus.IN_PROGRESS, *TIMES)  # type: ignore[arg-type]
    kirby = PLAIN.index("John Kirby")
    monday = PLAIN.index("Monday")
    store.add_annotations(
        gold.id,  # type: ignore[arg-type]
        ids["plain"],
        AnnotationSet(
            (SpanAnnotation(Span(kirby, kirby + 10, "PERSON")), SpanAnnotation(Span(monday, monday + 6, "DATE")))
        ),
    )
    store.set_status(gold.id, ids["plain"], DocStatus.DONE, *TIMES)  # type: ignore[arg-type]
    return ids
