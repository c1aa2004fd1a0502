"""Benchmark: ``export jsonl`` of 100,000 documents with 25 spans (and 2 events) each.

Times, in the same run and on the same project file,

* raw: a bare ``sqlite3`` SELECT of the same rows (documents with their stored tokens, spans,
  events, arguments) in batches, ``json.dumps`` of each record with the token JSON spliced in
  verbatim, written to a file: the least any JSONL export of these rows can do;
* app: :func:`annotator.formats.exporter.export_layer` in this process;
* cli: ``annotator --db DB export jsonl OUT`` as a separate process (its peak memory from ``wait4``).

Prints wall and CPU times, documents/s, ratio=raw/app (goal >= 0.5; by wall time and, since the
machine is shared, by CPU time too) and peak resident memory (goal < 300 MB): ``getrusage``
maximum RSS of this process (raw and app runs; the project is built in a child process) and of
the CLI process. Each output file is deleted before the next run starts, so that no run pays for
the write-back of the previous one's gigabytes.

    python tests/benchmarks/bench_export.py [--documents 100000] [--db /tmp/annotator-bench-export.db]

The project is built once (documents made from the two seed articles, each with a different
number in it, so every text and hash differs; tokens computed once per template and patched) and
kept under /tmp for later runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annotator.formats.exporter import export_layer
from annotator.model.annotations import AnnotationSet, Argument, Event, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.model.tokens import encode_tokens
from annotator.store.project import ProjectStore
from annotator.suggest.tokenizer import tokenize
from annotator.workspace import create_project

LABELS = ["PERSON", "ORG", "GPE", "DATE", "CARDINAL", "NORP"]
MARK = "000000"
SPANS = 25


def _templates() -> list[tuple[str, bytes, list[tuple[int, int, bool]]]]:
    templates = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n", 1)[1]
        text = f"Report {MARK}: {body}"
        offsets = next(iter(tokenize([text])))
        templates.append((text, encode_tokens(text, offsets), offsets))
    return templates


def build(db: Path, documents: int) -> None:
    """A gold layer over ``documents`` documents, 25 spans and 2 events each, in one transaction."""
    db.unlink(missing_ok=True)
    templates = _templates()
    prepared = []
    for text, blob, offsets in templates:
        words = [(s, e) for s, e, _ in offsets if not text[s:e].isspace() and text[s:e].isalnum()]
        step = max(1, len(words) // (SPANS + 2))
        picks = [words[i * step] for i in range(SPANS + 2)]
        spans = []
        for i, (s, e) in enumerate(picks[:SPANS]):
            if i % 5 == 4:  # every fifth span runs over two words
                following = next((w for w in words if w[0] > e), (s, e))
                e = following[1]
            spans.append(Span(s, e, LABELS[i % len(LABELS)]))
        triggers = [Span(*picks[SPANS], "Conflict:Attack"), Span(*picks[SPANS + 1], "Movement:Transport")]
        prepared.append((text, zlib.decompress(blob).decode("utf-8"), spans, triggers))
    provenance = Provenance()
    with create_project(db) as store:
        with store.transaction():
            layer = store.ensure_layer("gold", LayerKind.GOLD)
            for n in range(documents):
                text, token_json, spans, triggers = prepared[n % len(prepared)]
                number = f"{n:06d}"
                document = Document(text.replace(MARK, number, 1), source=f"bench-{n % 97}.txt")
                blob = zlib.compress(token_json.replace(f'"text":"{MARK}"', f'"text":"{number}"', 1).encode("utf-8"), 1)
                document_id = store.add_document(document, blob)
                annotations = AnnotationSet(
                    tuple(SpanAnnotation(span, provenance=provenance) for span in spans),
                    tuple(
                        Event(
                            trigger,
                            (Argument("Attacker", spans[i]), Argument("Place", spans[i + 2])),
                            provenance=provenance,
                        )
                        for i, trigger in enumerate(triggers)
                    ),
                )
                store.add_annotations(layer.id, document_id, annotations)  # type: ignore[arg-type]
                store.set_status(layer.id, document_id, DocStatus.DONE)  # type: ignore[arg-type]
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def raw_export(db: Path, out: Path) -> int:
    """The baseline: SELECT the same rows and json.dumps them, token JSON spliced in as stored."""
    conn = sqlite3.connect(str(db))
    layer_id = conn.execute("SELECT id FROM layers WHERE name = 'gold'").fetchone()[0]
    written = 0
    last = 0
    with out.open("wb") as handle:
        while True:
            documents = conn.execute(
                "SELECT id, text, title, date, source, meta, tokens FROM documents WHERE id > ? ORDER BY id LIMIT 256",
                (last,),
            ).fetchall()
            if not documents:
                break
            first, last = documents[0][0], documents[-1][0]
            spans: dict[int, list] = {}
            for document_id, start, end, label in conn.execute(
                "SELECT document_id, start_char, end_char, label FROM spans "
                "WHERE layer_id = ? AND document_id BETWEEN ? AND ? ORDER BY document_id, start_char",
                (layer_id, first, last),
            ):
                spans.setdefault(document_id, []).append({"start": start, "end": end, "label": label})
            events: dict[int, list] = {}
            by_id: dict[int, dict] = {}
            for event_id, document_id, type_, start, end in conn.execute(
                "SELECT id, document_id, type, trigger_start, trigger_end FROM events "
                "WHERE layer_id = ? AND document_id BETWEEN ? AND ?",
                (layer_id, first, last),
            ):
                event = by_id[event_id] = {"type": type_, "trigger": {"start": start, "end": end}, "arguments": []}
                events.setdefault(document_id, []).append(event)
            for event_id, role, start, end, label in conn.execute(
                "SELECT a.event_id, a.role, a.start_char, a.end_char, a.label FROM arguments a JOIN events e "
                "ON e.id = a.event_id WHERE e.layer_id = ? AND e.document_id BETWEEN ? AND ?",
                (layer_id, first, last),
            ):
                by_id[event_id]["arguments"].append({"role": role, "start": start, "end": end, "label": label})
            for document_id, text, title, date, source, meta, tokens in documents:
                record = {
                    "text": text,
                    "meta": {"title": title, "source": source},
                    "spans": spans.get(document_id, []),
                    "events": events.get(document_id, []),
                }
                line = json.dumps(record, ensure_ascii=False).encode("utf-8")
                handle.write(line[:-1] + b', "tokens": ' + zlib.decompress(tokens) + b"}\n")
                written += 1
    conn.close()
    return written


def app_export(db: Path, out: Path) -> int:
    with ProjectStore.open(db) as store:
        return export_layer(store, "jsonl", out).documents


def cli_export(db: Path, out: Path) -> tuple[float, float, float]:
    """Seconds, CPU seconds and peak RSS (MB) of ``annotator export`` as its own process."""
    command = [sys.executable, "-m", "annotator", "--db", str(db), "export", "jsonl", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the export command failed with status {status}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def timed(function, *args):
    """``(result, wall seconds, CPU seconds)``: the machine is shared, so CPU time is shown too."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _size_and_delete(path: Path) -> int:
    size = path.stat().st_size
    path.unlink()
    return size


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(str(db))
        return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/annotator-bench-export.db"))
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    if args.build_only:
        build(args.db, args.documents)
        return
    if _count(args.db) != args.documents:
        print(f"building {args.documents:,} documents in {args.db} ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--build-only", "--documents", str(args.documents), "--db", str(args.db)],
            check=True,
        )
        print(f"built in {time.perf_counter() - started:.1f} s")
    raw_out, app_out, cli_out = (args.db.with_suffix(suffix) for suffix in (".raw.jsonl", ".app.jsonl", ".cli.jsonl"))

    # Each output is measured and deleted before the next run, so that no run pays for writing
    # back the gigabytes of dirty pages an earlier one left in the page cache.
    raw_n, raw, raw_cpu = timed(raw_export, args.db, raw_out)
    raw_size = _size_and_delete(raw_out)
    app_n, app, app_cpu = timed(app_export, args.db, app_out)
    app_size = _size_and_delete(app_out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cli, cli_cpu, cli_peak = cli_export(args.db, cli_out)
    _size_and_delete(cli_out)

    assert raw_n == app_n == args.documents, (raw_n, app_n)
    n = args.documents
    print(
        f"raw sqlite3 + json.dumps:   {raw:6.2f} s ({raw_cpu:6.2f} s CPU)  {n / raw:6,.0f} documents/s  {raw_size / 1e6:,.0f} MB"
    )
    print(
        f"export_layer (in-process):  {app:6.2f} s ({app_cpu:6.2f} s CPU)  {n / app:6,.0f} documents/s  {app_size / 1e6:,.0f} MB"
    )
    print(f"annotator export (process): {cli:6.2f} s ({cli_cpu:6.2f} s CPU)  {n / cli:6,.0f} documents/s")
    print(
        f"ratio=raw/app {raw / app:.2f} in-process, {raw / cli:.2f} command; by CPU time {raw_cpu / app_cpu:.2f}, {raw_cpu / cli_cpu:.2f}  (goal >= 0.5)"
    )
    print(
        f"peak RSS (getrusage): {peak:.0f} MB this process (raw + in-process export), {cli_peak:.0f} MB the command  (goal < 300 MB)"
    )


if __name__ == "__main__":
    main()
