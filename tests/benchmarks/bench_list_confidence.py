"""The document list least confident first vs import order and raw SQL, at 100,000 documents.

    python tests/benchmarks/bench_list_confidence.py [--documents 100000] [--write 100000] [--import-documents 100000]

Each document gets 10 event suggestions with random confidences in a suggestions layer (a third
of the documents are copies of 2,000 stories, with close confidences: the case batch diversity is
for). Timed, alternating, median with min-max of 5 runs each:

* the first page (200 rows), a later page (after the row at position 50,000) and *Next document*
  (from that row), through the app's functions (:mod:`annotator.store.listing`), in import order
  and least confident first;
* the raw baseline: SQLite alone reading the same rows of the stored order
  (``document_uncertainty`` by its index), or, on code from before the order was stored, the
  order computed from every pending suggestion in one query.

It also prints how near-identical documents are spread in the first 1,000 rows (runs of the same
fingerprint) and the share of control documents. ``--write N`` times a bulk suggestion write into
N documents (10 scored suggestions each, one transaction, a file project) with the order's
triggers and without them; ``--import-documents N`` an import of N documents with and without.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import alternate, ratio, spread  # noqa: E402
from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation  # noqa: E402
from annotator.model.document import Document  # noqa: E402
from annotator.model.layer import LayerKind  # noqa: E402
from annotator.store.listing import LEAST_CONFIDENT, DocumentFilter, list_documents, neighbour  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402

PAGE = 200
PROVENANCE = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="trained:1")


def _text(n: int, rnd: random.Random) -> tuple[str, float]:
    """A document's text and the centre of its confidences: a third are copies of 2,000 stories."""
    if rnd.random() < 1 / 3:
        story = rnd.randrange(2000)
        return f"Story {story} shared by several outlets\nversion {n} " + "word " * 60, random.Random(story).random()
    return f"document {n}\n" + "word " * 60, rnd.random()


def project(documents: int, path: Path | None = None) -> tuple[ProjectStore, int, int]:
    store = ProjectStore.open(path) if path else ProjectStore.memory()
    suggestions = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    analyst = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    rnd = random.Random(1)
    with store.transaction():
        for n in range(documents):
            text, centre = _text(n, rnd)
            doc_id = store.add_document(Document(text), None)
            events = tuple(
                Event(Span(5 * i + 40, 5 * i + 44, "X"), (), f"{n}-{i}", PROVENANCE,
                      confidence=min(1.0, max(0.0, centre + rnd.uniform(-0.02, 0.02))))
                for i in range(10)
            )
            store.add_annotations(suggestions.id, doc_id, AnnotationSet((), events))
    return store, suggestions.id, analyst.id


def micro(values: list[float]) -> str:
    """Like :func:`timing.spread`, in microseconds (a Next document read is well under a millisecond)."""
    low, high, mid = (f"{v * 1e6:.0f}" for v in (min(values), max(values), statistics.median(values)))
    return f"median {mid} us (min-max {low}-{high}, n={len(values)})"


def stored(store: ProjectStore) -> bool:
    return store._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'document_uncertainty'").fetchone() is not None


class Raw:
    """SQLite alone reading rows of the order (stored, or computed as before it was stored)."""

    def __init__(self, store: ProjectStore, suggestions: int, analyst: int):
        self.db, self.params = store._db, {"suggestions": suggestions, "layer": analyst}
        if stored(store):
            self.select = (
                "SELECT document_id, lowest FROM document_uncertainty WHERE suggestion_layer_id = :suggestions "
                "AND layer_id = :layer AND (band, spread, rank, document_id) > "
                "(SELECT band, spread, rank, document_id FROM document_uncertainty WHERE suggestion_layer_id = :suggestions "
                "AND layer_id = :layer AND document_id = :after UNION ALL SELECT -1, -1, -1, 0 LIMIT 1) "
                "ORDER BY band, spread, rank, document_id LIMIT :limit"
            )
            self.nth = (
                "SELECT document_id FROM document_uncertainty WHERE suggestion_layer_id = :suggestions AND layer_id = :layer "
                "ORDER BY band, spread, rank, document_id LIMIT 1 OFFSET :n"
            )
        else:
            from annotator.store.confidence import SORT_KEY_SQL

            keyed = f"SELECT d.id AS id, {SORT_KEY_SQL} AS k FROM documents d"
            self.select = (
                f"SELECT * FROM ({keyed}) WHERE (k, id) > (coalesce((SELECT {SORT_KEY_SQL} FROM documents d "
                "WHERE d.id = :after), -1), :after) ORDER BY k, id LIMIT :limit"
            )
            self.nth = f"SELECT id FROM ({keyed}) ORDER BY k, id LIMIT 1 OFFSET :n"

    def page(self, after: int, limit: int = PAGE) -> list[tuple]:
        return self.db.execute(self.select, {**self.params, "after": after, "limit": limit}).fetchall()

    def at(self, n: int) -> int:
        return int(self.db.execute(self.nth, {**self.params, "n": n}).fetchone()[0])


def runs_of_same_story(store: ProjectStore, ids: list[int]) -> tuple[int, int]:
    """(adjacent pairs with the same title, longest run of one title) in ``ids``' order."""
    titles = {i: t for i, t in store._db.execute(f"SELECT id, title FROM documents WHERE id IN ({','.join(map(str, ids))})")}
    pairs = longest = run = 0
    for a, b in zip(ids, ids[1:]):
        if titles[a] == titles[b]:
            pairs, run = pairs + 1, run + 1
            longest = max(longest, run + 1)
        else:
            run = 0
    return pairs, longest


def bench_list(documents: int) -> None:
    started = time.perf_counter()
    store, suggestions, analyst = project(documents)
    print(f"{documents} documents x 10 scored suggestions built in {time.perf_counter() - started:.0f} s "
          f"({'stored order' if stored(store) else 'order computed per page (before)'}); load {os.getloadavg()[0]:.2f}")
    plain = DocumentFilter(analyst, suggestions)
    ordered = DocumentFilter(analyst, suggestions, order=LEAST_CONFIDENT)
    raw = Raw(store, suggestions, analyst)
    middle = min(50_000, documents // 2)
    anchor = raw.at(middle - 1)  # the row after which the later page starts
    plain_anchor = store.document_ids()[middle - 1]
    assert [r.id for r in list_documents(store, ordered, anchor, PAGE)] == [r[0] for r in raw.page(anchor)]
    assert neighbour(store, ordered, anchor, 1) == raw.page(anchor, 1)[0][0]
    times = alternate(
        id_first=lambda: (list_documents(store, plain, 0, PAGE), None)[1],
        lc_first=lambda: (list_documents(store, ordered, 0, PAGE), None)[1],
        raw_first=lambda: (raw.page(0), None)[1],
        id_later=lambda: (list_documents(store, plain, plain_anchor, PAGE), None)[1],
        lc_later=lambda: (list_documents(store, ordered, anchor, PAGE), None)[1],
        raw_later=lambda: (raw.page(anchor), None)[1],
        id_next=lambda: (neighbour(store, plain, plain_anchor, 1), None)[1],
        lc_next=lambda: (neighbour(store, ordered, anchor, 1), None)[1],
        raw_next=lambda: (raw.page(anchor, 1), None)[1],
        lc_unfinished=lambda: (neighbour(store, ordered, anchor, 1, unfinished=True), None)[1],
    )
    load = os.getloadavg()[0]
    for what, title in (("first", "first page"), ("later", f"page after row {middle}"), ("next", "Next document")):
        lc, idt, rw = times[f"lc_{what}"], times[f"id_{what}"], times[f"raw_{what}"]
        show = spread if what != "next" else micro
        print(
            f"  {title:<22} least confident {show(lc)}; import order {show(idt)}; raw SQL {show(rw)}; "
            f"ratio to import order {ratio(lc, idt):.1f}, to raw SQL {ratio(lc, rw):.1f}; load {load:.2f}"
        )
    print(f"  Next not done (wraps around) least confident {micro(times['lc_unfinished'])}")
    first = [r.id for r in list_documents(store, ordered, 0, 1000)]
    pairs, longest = runs_of_same_story(store, first)
    print(f"  first 1,000 rows: {pairs} neighbours with the same title, longest run {longest}")
    if stored(store):
        plain_order = [r[0] for r in store._db.execute(
            "SELECT document_id FROM document_uncertainty WHERE suggestion_layer_id = ? AND layer_id = ? "
            "ORDER BY coalesce(lowest, 2), document_id LIMIT 1000", (suggestions, analyst))]
        pairs, longest = runs_of_same_story(store, plain_order)
        print(f"  the same by lowest confidence alone (no diversity, no control): {pairs} neighbours with the same title, "
              f"longest run {longest}")
        shares = []
        after, seen = 0, 0
        for _ in range(50):  # the control share in each tenth of the first 10,000 rows
            page = list_documents(store, ordered, after, PAGE)
            if not page:
                break
            seen += sum(r.control for r in page)
            after = page[-1].id
            if len(shares) < 10 and (_ + 1) % 5 == 0:
                shares.append(seen)
                seen = 0
        print(f"  control documents in each 1,000 of the first 10,000 rows: {shares}")
    store.close()


def _suggestions(document_ids: list[int], rnd: random.Random) -> list[tuple[int, AnnotationSet]]:
    out = []
    for n, doc_id in enumerate(document_ids):
        spans = tuple(
            SpanAnnotation(Span(5 * i + 40, 5 * i + 44, "ORG"), f"s{n}-{i}", PROVENANCE, confidence=rnd.random())
            for i in range(8)
        )
        events = tuple(
            Event(Span(5 * i + 90, 5 * i + 94, "X"), (), f"e{n}-{i}", PROVENANCE, confidence=rnd.random()) for i in range(2)
        )
        out.append((doc_id, AnnotationSet(spans, events)))
    return out


def bench_write(documents: int) -> None:
    """A bulk suggestion write (the suggester's one transaction) with and without the order's triggers."""
    from annotator.store import bulk
    from annotator.store.migrations import _statements
    from annotator.store.order_sql import TRIGGERS, TRIGGER_NAMES

    with tempfile.TemporaryDirectory() as folder:
        store = ProjectStore.open(Path(folder) / "bench.annotator")
        suggestions = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
        store.ensure_layer("alice", LayerKind.ANNOTATOR)
        with store.transaction():
            ids = [bulk.insert_document(store, Document(f"document {n}\n" + "word " * 60)) for n in range(documents)]
        work = _suggestions(ids, random.Random(2))

        def clear() -> None:
            drop()
            with store.transaction():
                store._db.execute("DELETE FROM arguments")
                store._db.execute("DELETE FROM events")
                store._db.execute("DELETE FROM spans")
                store._db.execute("UPDATE document_uncertainty SET lowest = NULL, total = 0, scored = 0")

        def drop() -> None:
            with store.transaction():
                for name in TRIGGER_NAMES:
                    store._db.execute(f"DROP TRIGGER IF EXISTS {name}")

        def write(with_triggers: bool) -> float:
            clear()
            if with_triggers:
                with store.transaction():
                    for statement in _statements(TRIGGERS):
                        store._db.conn.execute(statement)
            started = time.perf_counter()
            with store.transaction():
                for doc_id, annotations in work:
                    bulk.insert_annotations(store, suggestions.id, doc_id, annotations)
            return time.perf_counter() - started

        times = alternate(with_triggers=lambda: write(True), without=lambda: write(False))
        print(
            f"bulk suggestion write, {documents} documents x 10 scored suggestions, one transaction (file): "
            f"with the order's triggers {spread(times['with_triggers'], 's')}; without {spread(times['without'], 's')}; "
            f"ratio {ratio(times['with_triggers'], times['without']):.2f}; load {os.getloadavg()[0]:.2f}"
        )
        store.close()


def bench_import_documents(documents: int) -> None:
    """Documents written in one transaction (an import) with and without the order's document trigger
    (each new document gets its fingerprint and a row per suggestions and analyst layer)."""
    from annotator.store import bulk

    texts = [f"document {n}\n" + "word " * 60 for n in range(documents)]

    def write(with_trigger: bool) -> float:
        store = ProjectStore.memory()
        store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
        store.ensure_layer("alice", LayerKind.ANNOTATOR)
        if not with_trigger:
            store._db.execute("DROP TRIGGER documents_order_traits")
        started = time.perf_counter()
        with store.transaction():
            for text in texts:
                bulk.insert_document(store, Document(text))
        seconds = time.perf_counter() - started
        store.close()
        return seconds

    times = alternate(with_trigger=lambda: write(True), without=lambda: write(False))
    print(
        f"document import, {documents} documents, one transaction (memory): with the order's trigger "
        f"{spread(times['with_trigger'], 's')}; without {spread(times['without'], 's')}; "
        f"ratio {ratio(times['with_trigger'], times['without']):.2f}; load {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="*", default=[100_000])
    parser.add_argument("--write", type=int, default=0, help="also time a bulk suggestion write into N documents")
    parser.add_argument("--import-documents", type=int, default=0, help="also time an import of N documents")
    args = parser.parse_args()
    for documents in args.documents:
        bench_list(documents)
    if args.write:
        bench_write(args.write)
    if args.import_documents:
        bench_import_documents(args.import_documents)


if __name__ == "__main__":
    main()
