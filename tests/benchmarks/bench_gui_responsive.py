"""Benchmark: the window stays responsive. Two figures, each beside its raw baseline:

1. The document list of 100,000 documents against one of 100: time to show the first rows
   (the list loads pages lazily, so both should take about the same), and a raw
   ``SELECT ... LIMIT 200`` on the same file.
2. The longest stall of the window's event loop while the real suggester runs over 120 articles
   in its own process (goal: under 100 ms), against the same loop with no suggester running.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gui_responsive.py
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annotator.gui.app import suggestion_worker  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402
from annotator.model.document import Document  # noqa: E402
from annotator.model.tokens import encode_tokens  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402
from annotator.suggest.tokenizer import tokenize  # noqa: E402
from annotator.workspace import create_project  # noqa: E402


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8").split(" ", 2)[2] for p in sorted((REPO / "seeds").glob("*.txt"))]


def build(path: Path, count: int) -> None:
    """``count`` distinct seed-sized articles; tokens computed once per template and shifted."""
    templates = seed_texts()
    offsets = [list(tokenize([t]))[0] for t in templates]
    with create_project(path) as store, store.transaction():
        for i in range(count):
            k = i % len(templates)
            text = f"{i} {templates[k]}"
            shift = len(f"{i} ")
            tokens = [(0, shift - 1, True)] + [(s + shift, e + shift, ws) for s, e, ws in offsets[k]]
            store.add_document(Document(text), encode_tokens(text, tokens))


def first_rows(app: QApplication, path: Path) -> tuple[float, float]:
    """Window list: filter reset to first rows shown; raw: the same first page in sqlite3."""
    window = MainWindow(ProjectStore.open(path), "bench")
    window.show()
    app.processEvents()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        window._reload_list()
        app.processEvents()
        times.append(time.perf_counter() - started)
        assert window.list_panel.model.rowCount() == min(200, window.store.count_documents())  # type: ignore[union-attr]
    window.close()
    window.store.close()
    raw = []
    with sqlite3.connect(path) as conn:
        for _ in range(5):
            started = time.perf_counter()
            conn.execute("SELECT id, title, date FROM documents ORDER BY id LIMIT 200").fetchall()
            raw.append(time.perf_counter() - started)
    return statistics.median(times), statistics.median(raw)


def longest_stall(app: QApplication, path: Path, suggest: bool) -> tuple[float, float, int]:
    """Max and 99th percentile gap (ms) between 10 ms timer ticks, and documents suggested."""
    window = MainWindow(ProjectStore.open(path), "bench", suggestion_worker if suggest else None)
    window.show()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=10)
    timer.timeout.connect(tick)
    done = [False]
    if suggest:
        window.suggestions.finished.connect(lambda: done.__setitem__(0, True))
        started = time.monotonic()
        while not window.suggestions.available and time.monotonic() - started < 60:
            app.processEvents()
        window.suggestions.ready.connect(lambda _: None)
        window.files.suggest_all()
    timer.start()
    deadline = time.monotonic() + (600 if suggest else 5)
    while time.monotonic() < deadline and not (suggest and done[0]):
        app.processEvents()
        time.sleep(0.002)
    timer.stop()
    with ProjectStore.open(path) as store:
        layers = [name for name, layer in store.stats()["layers"].items() if layer["kind"] == "suggestions"]
        suggested = sum(store.stats()["layers"][name]["done"] for name in layers)
    window.close()
    window.store.close()
    ordered = sorted(gaps)
    return ordered[-1], ordered[int(len(ordered) * 0.99)], suggested


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        small, large, bulk = Path(folder) / "small.db", Path(folder) / "large.db", Path(folder) / "bulk.db"
        build(small, 100)
        build(large, 100_000)
        build(bulk, 120)
        small_app, small_raw = first_rows(app, small)
        large_app, large_raw = first_rows(app, large)
        print(f"list of 100 documents: first rows shown in {small_app * 1000:.1f} ms (raw page {small_raw * 1000:.2f} ms)")
        print(f"list of 100,000 documents: first rows shown in {large_app * 1000:.1f} ms (raw page {large_raw * 1000:.2f} ms)")
        print(f"ratio large/small = {large_app / small_app:.2f}")
        idle_max, idle_p99, _ = longest_stall(app, bulk, suggest=False)
        busy_max, busy_p99, suggested = longest_stall(app, bulk, suggest=True)
        print(f"event loop, nothing running: longest gap {idle_max:.0f} ms, 99th percentile {idle_p99:.0f} ms")
        print(f"event loop, suggesting {suggested} documents in the worker: longest gap {busy_max:.0f} ms, "
              f"99th percentile {busy_p99:.0f} ms (goal: under 100 ms)")


if __name__ == "__main__":
    main()
