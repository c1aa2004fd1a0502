"""Benchmark: what the damage checks cost, on a normal project and on a ~1 GB one.

Times, alternating, on each project (file cache warm: a shared machine does not drop caches):

* ``quick_check`` and ``integrity_check`` (SQLite's two checks, run by SQLite alone);
* the check on open (:func:`annotator.store.checks.open_check`) and ``ProjectStore.open`` with it;
* the raw baseline: reading the file's bytes once (what any check must at least do).

Prints the median of >= 5 runs with min-max and the ratio to the raw read.

    python tests/benchmarks/bench_check.py [--runs 5] [--mb 1000] [--keep /tmp/big.db]

The large project is built in a temporary folder (documents of ~6,000 characters with spans, in
one transaction, with the app's schema, search index included) and deleted afterwards unless
``--keep`` names where to keep it (then an existing file there is reused).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import alternate, ratio, spread  # noqa: E402

from annotator.store import checks  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402
from annotator.app.workspace import create_project  # noqa: E402

WORDS = ("the minister said on Tuesday that troops had left the border town of Kabul after talks "
         "with Acme Corp and the United Nations mission in Geneva were held amid protests").split()


def build(path: Path, megabytes: int) -> None:
    """A project of about ``megabytes`` MB: documents with a few spans each, one transaction."""
    create_project(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    rng = random.Random(7)
    now = "2026-12-07T08:00:00"
    conn.execute("BEGIN")
    conn.execute("INSERT INTO layers (id, name, kind, created_at) VALUES (1, 'bob', 'annotator', ?)", (now,))
    doc = 0
    while True:
        batch = []
        spans = []
        for _ in range(1000):
            doc += 1
            text = " ".join(rng.choice(WORDS) for _ in range(1000))
            batch.append((doc, hashlib.sha256(text.encode()).hexdigest(), text, f"Report {doc}", len(text), now))
            for k in range(10):
                spans.append((f"u{doc}-{k}", doc, k * 50, k * 50 + 8, "PERSON", now, now))
        conn.executemany("INSERT INTO documents (id, content_hash, text, title, length, imported_at) VALUES (?,?,?,?,?,?)", batch)
        conn.executemany(
            "INSERT INTO spans (uid, layer_id, document_id, start_char, end_char, label, origin, decision, created_at, updated_at)"
            " VALUES (?, 1, ?, ?, ?, ?, 'manual', 'accepted', ?, ?)", spans)
        if doc % (10000 if megabytes > 50 else 1000) == 0:
            conn.commit()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = path.stat().st_size
            print(f"  {doc} documents, {size / 1e6:.0f} MB", file=sys.stderr)
            if size >= megabytes * 1e6:
                break
            conn.execute("BEGIN")
    conn.close()


def read_bytes(path: Path) -> None:
    with path.open("rb") as handle:
        while handle.read(1 << 20):
            pass


def pragma(path: Path, name: str) -> None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = conn.execute(f"PRAGMA {name}").fetchone()[0]
        assert result == "ok", result
    finally:
        conn.close()


def open_store(path: Path, check: bool = True) -> None:
    checks._CHECKED.clear()  # every run checks again, as a new process does
    limit = checks.OPEN_CHECK_LIMIT
    checks.OPEN_CHECK_LIMIT = limit if check else -1
    try:
        ProjectStore.open(path).close()
    finally:
        checks.OPEN_CHECK_LIMIT = limit


def measure(path: Path, runs: int) -> None:
    size = path.stat().st_size
    print(f"{path.name}: {size / 1e6:.1f} MB")
    times = alternate(
        runs,
        raw_read=lambda: read_bytes(path),
        quick_check=lambda: pragma(path, "quick_check"),
        integrity_check=lambda: pragma(path, "integrity_check"),
        open_check=lambda: (checks._CHECKED.clear(), checks.open_check(path)) and None,  # its answer is not a time
        open_project=lambda: open_store(path),
        open_unchecked=lambda: open_store(path, check=False),
    )
    unit = "s" if size > 100e6 else "ms"
    for name, values in times.items():
        extra = "" if name == "raw_read" else f"   ratio to raw read {ratio(values, times['raw_read']):.2f}"
        print(f"  {name:16s} {spread(values, unit)}{extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="annotator-bench-check-") as work:
        normal = Path(work) / "normal.db"
        build(normal, 5)
        measure(normal, args.runs)
        big = args.keep or Path(work) / "big.db"
        if not big.exists():
            started = time.perf_counter()
            build(big, args.mb)
            print(f"built {big} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        measure(big, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
