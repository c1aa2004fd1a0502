"""Benchmark: agreement, documents by disagreement, and merge on a project of seed-sized articles.

A project of N documents (default 2,000; each a seed article with a different number in it)
with three annotator layers of about 25 spans and 2 events per document, the layers differing
at random (seeded). Times, in the same run and on the same file,

* raw: a bare ``sqlite3`` read of the rows any agreement computation needs (spans, events,
  arguments of the three layers, and every document's stored tokens decompressed and parsed);
* agreement: :func:`annotator.review.agreement.project_agreement` over the three layers;
* ranking: :func:`annotator.review.workflow.disagreements_by_document` over the three layers;
* merge raw: ``ATTACH`` + ``INSERT ... SELECT`` of a colleague file's documents, layer, spans,
  events and arguments in one transaction (no checks at all);
* merge: :func:`annotator.store.merge.merge_project` of the same file into the same project.

Alternating raw and app, ``--runs`` rounds; prints the median with min-max of each and the
ratio raw/app of the medians (goal >= 0.5). Each merge goes into a fresh copy of the project
(the copy is not timed); the app's second merge of the same file must add nothing.

    python tests/benchmarks/bench_review.py [--documents 2000] [--runs 5] [--dir /tmp/bench-13/review]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import alternate, ratio, spread  # noqa: E402
from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation  # noqa: E402
from annotator.model.document import Document  # noqa: E402
from annotator.model.layer import DocStatus, LayerKind  # noqa: E402
from annotator.model.tokens import encode_tokens  # noqa: E402
from annotator.review.agreement import project_agreement  # noqa: E402
from annotator.review.workflow import disagreements_by_document  # noqa: E402
from annotator.store.merge import merge_project  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402
from annotator.suggest.tokenizer import tokenize  # noqa: E402
from annotator.app.workspace import create_project  # noqa: E402

LABELS = ["PERSON", "ORG", "GPE", "DATE", "CARDINAL", "NORP"]
LAYERS = ["alice", "bob", "carol"]


def _texts(count: int) -> list[tuple[str, list[tuple[int, int, bool]]]]:
    bodies = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted((REPO / "seeds").glob("*.txt"))]
    texts = [f"Report {i:06d}: {bodies[i % len(bodies)]}" for i in range(count)]
    return list(zip(texts, tokenize(texts)))


def _layer(rng: random.Random, offsets: list[tuple[int, int, bool]], truth: list[tuple[int, int, str]]) -> AnnotationSet:
    spans = []
    for start, end, label in truth:
        roll = rng.random()
        if roll < 0.08:
            continue  # missed
        if roll < 0.16:
            label = rng.choice(LABELS)
        elif roll < 0.22:
            end = offsets[min(len(offsets) - 1, next(i for i, o in enumerate(offsets) if o[1] >= end) + 1)][1]
        spans.append(SpanAnnotation(Span(start, end, label)))
    events = []
    for i in (10, 60):
        trigger = Span(offsets[i][0], offsets[i][1], rng.choice(["Movement:Transport", "Conflict:Attack"]))
        target = Span(offsets[i + 2][0], offsets[i + 3][1], "GPE")
        events.append(Event(trigger, (Argument("Destination", target),) if rng.random() < 0.8 else ()))
    return AnnotationSet(tuple(spans), tuple(events))


def build(path: Path, documents: int, layers: list[str], seed: int) -> None:
    rng = random.Random(seed)
    with create_project(path) as store, store.transaction():
        ids = [store.layer(n) or store.ensure_layer(n, LayerKind.ANNOTATOR) for n in layers]
        for text, offsets in _texts(documents):
            doc = store.add_document(Document(text), encode_tokens(text, offsets))
            truth_rng = random.Random(text)
            picks = sorted(truth_rng.sample(range(0, len(offsets) - 3, 3), 25))
            truth = [(offsets[i][0], offsets[i + truth_rng.randint(0, 2)][1], truth_rng.choice(LABELS)) for i in picks]
            for layer in ids:
                store.add_annotations(layer.id, doc, _layer(rng, offsets, truth))  # type: ignore[arg-type]
                store.set_status(layer.id, doc, DocStatus.DONE)  # type: ignore[arg-type]


def raw_read(path: Path) -> int:
    conn = sqlite3.connect(path)
    rows = 0
    for layer in LAYERS:
        rows += len(conn.execute(
            "SELECT s.document_id, s.start_char, s.end_char, s.label, s.decision FROM spans s "
            "JOIN layers l ON l.id = s.layer_id WHERE l.name = ?", (layer,)
        ).fetchall())
        rows += len(conn.execute(
            "SELECT e.document_id, e.trigger_start, e.trigger_end, e.type, a.role, a.start_char, a.end_char "
            "FROM events e JOIN layers l ON l.id = e.layer_id LEFT JOIN arguments a ON a.event_id = e.id WHERE l.name = ?",
            (layer,),
        ).fetchall())
    for (blob,) in conn.execute("SELECT tokens FROM documents"):
        rows += len(json.loads(zlib.decompress(blob)))
    conn.close()
    return rows


def raw_merge(target: Path, source: Path) -> None:
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("ATTACH DATABASE ? AS other", (str(source),))
    conn.execute("BEGIN")
    conn.execute(
        "INSERT OR IGNORE INTO documents (content_hash, text, title, date, source, meta, length, tokens, imported_at) "
        "SELECT content_hash, text, title, date, source, meta, length, tokens, imported_at FROM other.documents"
    )
    conn.execute("INSERT INTO layers (name, kind, info, created_at) SELECT name, kind, info, created_at FROM other.layers")
    doc = "(SELECT d.id FROM documents d WHERE d.content_hash = (SELECT content_hash FROM other.documents od WHERE od.id = {}.document_id))"
    layer = "(SELECT l.id FROM layers l WHERE l.name = 'dora')"
    conn.execute(
        "INSERT INTO spans (uid, layer_id, document_id, start_char, end_char, label, origin, decision, author, suggester, "
        f"source_uid, created_at, updated_at, data) SELECT uid, {layer}, {doc.format('s')}, start_char, end_char, label, origin, "
        "decision, author, suggester, source_uid, created_at, updated_at, data FROM other.spans s"
    )
    conn.execute(
        "INSERT INTO events (uid, layer_id, document_id, type, trigger_start, trigger_end, origin, decision, author, suggester, "
        f"source_uid, created_at, updated_at, data) SELECT uid, {layer}, {doc.format('e')}, type, trigger_start, trigger_end, "
        "origin, decision, author, suggester, source_uid, created_at, updated_at, data FROM other.events e"
    )
    conn.execute(
        "INSERT INTO arguments (event_id, position, role, start_char, end_char, label, event_uid) "
        "SELECT (SELECT id FROM events WHERE uid = oe.uid), a.position, a.role, a.start_char, a.end_char, a.label, a.event_uid "
        "FROM other.arguments a JOIN other.events oe ON oe.id = a.event_id"
    )
    conn.execute(
        "INSERT INTO document_status (layer_id, document_id, status, created_at, updated_at) "
        f"SELECT {layer}, {doc.format('ds')}, status, created_at, updated_at FROM other.document_status ds"
    )
    conn.execute("COMMIT")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-13/review"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    project = args.dir / f"project-{args.documents}.db"
    colleague = args.dir / f"colleague-{args.documents}.db"
    if not project.exists():
        build(project, args.documents, LAYERS, seed=1)
    if not colleague.exists():
        build(colleague, args.documents, ["dora"], seed=2)
    print(f"{args.documents} documents, layers {', '.join(LAYERS)}; colleague file with layer dora; "
          f"{args.runs} runs each, alternating, median (min-max)")

    report: dict = {}
    with ProjectStore.open(project) as store:
        times = alternate(
            args.runs,
            raw=lambda: raw_read(project) and None,
            agreement=lambda: report.update(project_agreement(store, LAYERS)),
            ranking=lambda: disagreements_by_document(store, LAYERS) and None,
        )
    print(f"raw read (sqlite3, tokens parsed):  {spread(times['raw'], 's')}")
    print(f"agreement (3 layers):               {spread(times['agreement'], 's')}")
    print(f"disagreements_by_document:          {spread(times['ranking'], 's')}")
    print(f"  span F1 alice/bob {report['pairs'][0]['span_f1_exact']:.3f}, alpha {report['krippendorff_alpha_tokens']:.3f}")
    print(f"ratio raw/agreement = {ratio(times['raw'], times['agreement']):.2f}; "
          f"raw/ranking = {ratio(times['raw'], times['ranking']):.2f} (goal >= 0.5)")

    merged: list = []

    def fresh(name: str) -> Path:
        target = args.dir / name
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copy(project, target)
        return target

    def merge_raw() -> float:
        target = fresh("merge-raw.db")
        started = time.perf_counter()
        raw_merge(target, colleague)
        return time.perf_counter() - started

    def merge_app() -> float:
        target = fresh("merge-app.db")
        with ProjectStore.open(target) as store:
            started = time.perf_counter()
            merged.append(merge_project(store, colleague))
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            second = merge_project(store, colleague)
            again.append(time.perf_counter() - started)
            assert second.spans_added == 0 and second.events_added == 0
        return elapsed

    again: list[float] = []
    times = alternate(args.runs, raw=merge_raw, app=merge_app)
    first = merged[0]
    print(f"merge raw (ATTACH + INSERT SELECT): {spread(times['raw'], 's')}")
    print(f"merge (merge_project):              {spread(times['app'], 's')}")
    print(f"merge again (adds nothing):         {spread(again, 's')}")
    print(f"  merged {first.spans_added} spans, {first.events_added} events each time")
    print(f"ratio raw/merge = {ratio(times['raw'], times['app']):.2f} (goal >= 0.5)")


if __name__ == "__main__":
    main()
