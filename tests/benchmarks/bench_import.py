"""Benchmark: ``annotator import`` of a large doccano JSONL file, against a raw SQLite insert.

Times, in the same run, alternating, each as a separate process (so peak memory is its own):

* raw: a bare ``sqlite3`` script that reads the same file line by line, ``json.loads`` each
  record, and inserts the same rows (document with its hash, title, source, meta; one span row
  per label) into a copy of an empty project file (same tables, indexes and full-text triggers)
  in one transaction: the least any import of these rows can do;
* app: ``annotator --db DB import FILE --annotator bench`` (checks every record, dedupes by
  hash, builds the schema, writes documents, spans and statuses in one transaction).

Prints for each the median wall time of ``--runs`` runs (default 5) with min-max, documents/s,
the ratio raw/app, and the peak resident memory of each process (``wait4``'s ``ru_maxrss``;
goals: under 200 MB for a 200 MB file, under 150 MB for 100,000 documents). Also prints what
spaCy's tokenizer alone takes on a sample of the texts, scaled to the whole file: import no
longer tokenises (tokens are made when first needed), and that figure shows what it saved.

    python tests/benchmarks/bench_import.py [--documents 100000] [--megabytes 200] [--runs 5]

``--megabytes`` sizes the file by bytes instead of by documents (documents of ~5 kB made from the
seed articles, each with a different number, so every text and hash differs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

LABELS = ["PERSON", "ORG", "GPE", "DATE", "NORP"]

RAW = r'''
import hashlib, json, sqlite3, sys
from datetime import datetime, timezone
db, source = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = FULL")
conn.execute("BEGIN IMMEDIATE")
now = datetime.now(timezone.utc).isoformat()
conn.execute("INSERT INTO layers (name, kind, created_at) VALUES ('bench', 'annotator', ?)", (now,))
n = 0
with open(source, "rb") as handle:
    for line in handle:
        record = json.loads(line)
        text = record["text"]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        cursor = conn.execute(
            "INSERT INTO documents (content_hash, text, title, source, meta, length, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (digest, text, text.split("\n", 1)[0][:200], "bench.jsonl", json.dumps({"id": record["id"]}), len(text), now),
        )
        doc = cursor.lastrowid
        conn.executemany(
            "INSERT INTO spans (uid, layer_id, document_id, start_char, end_char, label, origin, decision, author, created_at, updated_at) "
            "VALUES (?, 1, ?, ?, ?, ?, 'imported', 'accepted', 'bench', ?, ?)",
            [(f"{doc}-{i}", doc, s, e, label, now, now) for i, (s, e, label) in enumerate(record["label"])],
        )
        conn.execute("INSERT INTO document_status VALUES (1, ?, 'done', ?, ?)", (doc, now, now))
        n += 1
conn.execute("COMMIT")
print(n)
'''


def make_file(path: Path, documents: int | None, megabytes: float | None) -> int:
    bodies = []
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        bodies.append(seed.read_text(encoding="utf-8").split("\n", 1)[1])
    limit = int(megabytes * 1e6) if megabytes else None
    written = n = 0
    with path.open("w", encoding="utf-8") as out:
        while (documents is None or n < documents) and (limit is None or written < limit):
            text = f"Report {n:07d}: " + bodies[n % len(bodies)]
            words = [(m, m + len(w)) for m, w in _words(text)][:: max(1, len(text) // 600)][:5]
            labels = [[s, e, LABELS[i % len(LABELS)]] for i, (s, e) in enumerate(words)]
            line = json.dumps({"id": n, "text": text, "label": labels}, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


def _words(text: str):
    at = 0
    for word in text.split(" "):
        if word.isalpha():
            yield at, word
        at += len(word) + 1


def run_measured(command: list[str]) -> tuple[float, float, str]:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # wait4 gives this child's own peak memory; read the pipes afterwards (outputs are small).
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    out = process.stdout.read().decode()  # type: ignore[union-attr]
    err = process.stderr.read().decode()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:5])} failed: {err[-800:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def tokenizer_estimate(source: Path, total: int, sample: int = 1000) -> float:
    from annotator.suggest.tokenizer import _english, tokenize

    texts = []
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) >= sample:
                break
    _english()
    started = time.perf_counter()
    for _ in tokenize(texts):
        pass
    return (time.perf_counter() - started) * total / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=None)
    parser.add_argument("--megabytes", type=float, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "annotator-bench-import")
    args = parser.parse_args()
    if args.documents is None and args.megabytes is None:
        args.documents = 100_000
    folder = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "bench.jsonl"
    documents = make_file(source, args.documents, args.megabytes)
    size = source.stat().st_size / 1e6
    print(f"File: {documents:,} documents, {size:,.1f} MB ({source})")
    empty = folder / "empty.db"
    empty.unlink(missing_ok=True)
    annotator = [sys.executable, "-m", "annotator"]
    subprocess.run(annotator + ["--db", str(empty), "init"], check=True, capture_output=True)
    raw_script = folder / "raw_insert.py"
    raw_script.write_text(RAW, encoding="utf-8")
    times: dict[str, list[float]] = {"raw": [], "app": []}
    peaks: dict[str, list[float]] = {"raw": [], "app": []}
    for i in range(args.runs):
        for kind in ("raw", "app") if i % 2 == 0 else ("app", "raw"):
            db = folder / f"{kind}.db"
            for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(empty, db)
            if kind == "raw":
                command = [sys.executable, str(raw_script), str(db), str(source)]
            else:
                command = annotator + ["--db", str(db), "import", str(source), "--annotator", "bench"]
            elapsed, peak, _ = run_measured(command)
            times[kind].append(elapsed)
            peaks[kind].append(peak)
            print(f"  run {i + 1} {kind}: {elapsed:6.1f} s, peak {peak:6.0f} MB", flush=True)
    for kind in ("raw", "app"):
        t = times[kind]
        print(
            f"{kind:>4}: median {statistics.median(t):6.1f} s (min {min(t):.1f}, max {max(t):.1f}), "
            f"{documents / statistics.median(t):8,.0f} documents/s, peak RSS median {statistics.median(peaks[kind]):.0f} MB "
            f"(max {max(peaks[kind]):.0f} MB)"
        )
    print(f"ratio raw/app (median wall time): {statistics.median(times['raw']) / statistics.median(times['app']):.2f}")
    estimate = tokenizer_estimate(source, documents)
    share = estimate / (estimate + statistics.median(times["app"]))
    print(
        f"spaCy's tokenizer alone on these texts (1,000-document sample, scaled): {estimate:.1f} s; import no longer "
        f"tokenises, which would have been {share:.0%} of import time"
    )


if __name__ == "__main__":
    main()
