"""Benchmark: open a 200,000-character article with 5,000 spans and 200 events in the window.

Times, in the same run and offscreen, (a) the real window from the click on the document's row
to the painted highlights, and (b) a bare QPlainTextEdit showing the same text with the same
highlights as ExtraSelections (the raw Qt baseline). Prints both, ratio=<app/raw> (goal <= 2.0),
and the time to relabel one span and repaint (goal: under 16 ms, one frame).

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gui_open.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from annotator.formats.importer import import_paths  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402
from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation  # noqa: E402
from annotator.model.layer import LayerKind  # noqa: E402
from annotator.model.tokens import Tokens  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402
from annotator.workspace import create_project  # noqa: E402

LABELS = ["PERSON", "ORG", "GPE", "DATE", "CARDINAL", "NORP", "LOC", "FAC"]
RUNS = 5


def build_project(folder: Path) -> tuple[Path, int, int]:
    seeds = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted((REPO / "seeds").glob("*.txt"))]
    paragraphs = [p for seed in seeds for p in seed.split("\n\n") if p.strip()]
    rng = random.Random(7)
    parts, size = [], 0
    while size < 200_000:
        paragraph = rng.choice(paragraphs) + f" ({len(parts)})"
        parts.append(paragraph)
        size += len(paragraph) + 2
    text = "\n\n".join(parts)[:200_000].rstrip() + "\n"
    (folder / "long.txt").write_text("Long article\n\n" + text, encoding="utf-8")
    (folder / "short.txt").write_text("Short article\n\nKabul airport reopened on Monday.\n", encoding="utf-8")
    path = folder / "bench.db"
    with create_project(path) as store:
        import_paths(store, [folder / "short.txt", folder / "long.txt"])
        short_id, long_id = store.document_ids()
        document = store.document(long_id)
        tokens = Tokens.from_blob(store.tokens(long_id))
        words = [i for i in range(len(tokens)) if document.text[tokens.starts[i] : tokens.ends[i]].strip()]
        chosen = sorted(rng.sample(words, 5_000 + 600))
        spans = [SpanAnnotation(Span(tokens.starts[i], tokens.ends[i], rng.choice(LABELS))) for i in chosen[:5_000]]
        events = []
        for j in range(200):
            t, a, b = chosen[5_000 + 3 * j : 5_000 + 3 * j + 3]
            events.append(Event(
                Span(tokens.starts[t], tokens.ends[t], "Movement:Transport"),
                (Argument("Destination", Span(tokens.starts[a], tokens.ends[a], "GPE")),
                 Argument("Artifact", Span(tokens.starts[b], tokens.ends[b], "Artifact"))),
            ))
        layer = store.ensure_layer("bench", LayerKind.ANNOTATOR)
        store.add_annotations(layer.id, long_id, AnnotationSet(tuple(spans), tuple(events)))  # type: ignore[arg-type]
    return path, short_id, long_id


def time_app(app: QApplication, path: Path, short_id: int, long_id: int) -> tuple[list[float], list[float]]:
    window = MainWindow(ProjectStore.open(path), "bench")
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    opens, relabels = [], []
    table = window.list_panel.table
    for _ in range(RUNS):
        window.open_document(short_id)
        app.processEvents()
        row = window.list_panel.model.fetch_until(long_id)  # type: ignore[union-attr]
        rect = table.visualRect(window.list_panel.model.index(row, 0))  # type: ignore[union-attr]
        started = time.perf_counter()
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        window.view.viewport().repaint()
        app.processEvents()
        opens.append(time.perf_counter() - started)
        assert window.session.current.id == long_id and len(window.session.current.own.spans) == 5_000  # type: ignore[union-attr]
        for k in range(3):
            span = window.session.current.own.spans[100 + k]  # type: ignore[union-attr]
            window.editor.select(span.uid)
            app.processEvents()
            started = time.perf_counter()
            window.apply_label("ORG" if span.label != "ORG" else "GPE")
            window.view.viewport().repaint()
            relabels.append(time.perf_counter() - started)
    window.close()
    window.store.close()
    return opens, relabels


def time_raw(app: QApplication, path: Path, long_id: int) -> list[float]:
    with ProjectStore.open(path) as store:
        text = store.document(long_id).text
        layer = store.layer("bench")
        annotations = store.annotations(layer.id, long_id)  # type: ignore[union-attr,arg-type]
    ranges = [(a.start, a.end, a.label) for a in annotations.spans]
    ranges += [(e.trigger.start, e.trigger.end, e.type) for e in annotations.events]
    times = []
    for _ in range(RUNS):
        editor = QPlainTextEdit()
        editor.resize(760, 820)
        editor.setReadOnly(True)
        editor.show()
        app.processEvents()
        started = time.perf_counter()
        editor.setPlainText(text)
        selections = []
        for start, end, label in ranges:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(editor.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(QColor("#88" + str(abs(hash(label)) % 999999).zfill(6)[:6]))
            selection.format = fmt
            selections.append(selection)
        editor.setExtraSelections(selections)
        editor.viewport().repaint()
        app.processEvents()
        times.append(time.perf_counter() - started)
        editor.close()
    return times


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path, short_id, long_id = build_project(Path(folder))
        raw = time_raw(app, path, long_id)
        opens, relabels = time_app(app, path, short_id, long_id)
    raw_ms, app_ms = statistics.median(raw) * 1000, statistics.median(opens) * 1000
    relabel_ms = statistics.median(relabels) * 1000
    print(f"raw QPlainTextEdit + 5,200 ExtraSelections: median {raw_ms:.1f} ms over {RUNS} runs")
    print(f"app: list click -> painted highlights:     median {app_ms:.1f} ms over {RUNS} runs")
    print(f"ratio={app_ms / raw_ms:.2f} (app/raw; goal <= 2.0)")
    print(f"relabel one span + repaint: median {relabel_ms:.1f} ms over {len(relabels)} (goal < 16 ms)")


if __name__ == "__main__":
    main()
