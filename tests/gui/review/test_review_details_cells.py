"""Review cells show a filler's label, so versions that differ only by it do not look the same
(issue 23 item 8)."""

from __future__ import annotations

from annotator.gui.review.review_details import versions_table
from annotator.model.annotations import Argument, Event, Span
from annotator.review.compare import ReviewItem


def test_filler_differing_only_by_label_shows_different_cells() -> None:
    text = "Troops were sent to Google yesterday."
    at = text.index("Google")
    trigger = Span(text.index("sent"), text.index("sent") + 4, "Movement:Transport")

    def version(label: str) -> tuple[Event, ...]:
        return (Event(trigger, (Argument("Destination", Span(at, at + 6, label)),)),)

    item = ReviewItem("event", trigger.start, trigger.end, {"alice": version("ORG"), "bob": version("PERSON")}, False)
    table = versions_table(item, ["alice", "bob"], text)
    row = next(r for r in table.split("<tr>") if "Destination" in r)
    assert "Google (ORG)" in row and "Google (PERSON)" in row and "color:#d62728" in row
