"""Benchmark: open a long article with highlights in the window, against the bare-Qt floor.

For each size (default 200,000 and 1,000,000 characters; 5,000 spans and 200 events per 200,000
characters) it times, in the same run and offscreen, alternating, median of 5 with min-max:

* app: the real window from the click on the document's row to the painted highlights;
* floor: a bare read-only QPlainTextEdit showing the same text, no highlights, painted: the least
  any Qt view of this text can cost. Prints ratio app/floor (goal <= 4x at 200,000 characters);
* growth: the app's 1,000,000-character open against its 200,000 one (goal <= 5.5x: linear);
* relabel: relabel one span and repaint (goal under 16 ms at 1,000,000 characters).

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gui_open.py [--sizes 200000 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import alternate, ratio, spread  # noqa: E402
from annotator.formats.importer import import_paths  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402
from annotator.model.annotations import AnnotationSet, Argument, Event, Span, SpanAnnotation  # noqa: E402
from annotator.model.layer import LayerKind  # noqa: E402
from annotator.model.tokens import Tokens  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402
from annotator.workspace import create_project  # noqa: E402

LABELS = ["PERSON", "ORG", "GPE", "DATE", "CARDINAL", "NORP", "LOC", "FAC"]
RUNS = 5


SPANS_PER_200K = 5_000
EVENTS_PER_200K = 200


def build_project(folder: Path, chars: int = 200_000) -> tuple[Path, int, int]:
    """A project with a short article and one of ``chars`` characters, its spans and events in layer "bench"."""
    spans_wanted = SPANS_PER_200K * chars // 200_000
    events_wanted = EVENTS_PER_200K * chars // 200_000
    seeds = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted((REPO / "seeds").glob("*.txt"))]
    paragraphs = [p for seed in seeds for p in seed.split("\n\n") if p.strip()]
    rng = random.Random(7)
    parts, size = [], 0
    while size < chars:
        paragraph = rng.choice(paragraphs) + f" ({len(parts)})"
        parts.append(paragraph)
        size += len(paragraph) + 2
    text = "\n\n".join(parts)[:chars].rstrip() + "\n"
    (folder / "long.txt").write_text("Long article\n\n" + text, encoding="utf-8")
    (folder / "short.txt").write_text("Short article\n\nKabul airport reopened on Monday.\n", encoding="utf-8")
    path = folder / f"bench-{chars}.db"
    with create_project(path) as store:
        import_paths(store, [folder / "short.txt", folder / "long.txt"])
        short_id, long_id = store.document_ids()
        document = store.document(long_id)
        tokens = Tokens.from_blob(store.tokens(long_id))
        words = [i for i in range(len(tokens)) if document.text[tokens.starts[i] : tokens.ends[i]].strip()]
        chosen = sorted(rng.sample(words, spans_wanted + 3 * events_wanted))
        spans = [SpanAnnotation(Span(tokens.starts[i], tokens.ends[i], rng.choice(LABELS))) for i in chosen[:spans_wanted]]
        events = []
        for j in range(events_wanted):
            t, a, b = chosen[spans_wanted + 3 * j : spans_wanted + 3 * j + 3]
            events.append(Event(
                Span(tokens.starts[t], tokens.ends[t], "Movement:Transport"),
                (Argument("Destination", Span(tokens.starts[a], tokens.ends[a], "GPE")),
                 Argument("Artifact", Span(tokens.starts[b], tokens.ends[b], "Artifact"))),
            ))
        layer = store.ensure_layer("bench", LayerKind.ANNOTATOR)
        store.add_annotations(layer.id, long_id, AnnotationSet(tuple(spans), tuple(events)))  # type: ignore[arg-type]
    return path, short_id, long_id


def open_window(app: QApplication, path: Path) -> MainWindow:
    window = MainWindow(ProjectStore.open(path), "bench")
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    return window


def close_window(window: MainWindow) -> None:
    window.close()
    window.store.close()


def app_open(app: QApplication, window: MainWindow, short_id: int, long_id: int, spans: int) -> float:
    """Seconds from the click on the long article's row to its painted highlights (the short one shown before)."""
    table = window.list_panel.table
    window.open_document(short_id)
    app.processEvents()
    row = window.list_panel.model.fetch_until(long_id)  # type: ignore[union-attr]
    rect = table.visualRect(window.list_panel.model.index(row, 0))  # type: ignore[union-attr]
    started = time.perf_counter()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    window.view.viewport().repaint()
    app.processEvents()
    elapsed = time.perf_counter() - started
    assert window.session.current.id == long_id and len(window.session.current.own.spans) == spans  # type: ignore[union-attr]
    return elapsed


def bare_qt_open(app: QApplication, text: str) -> float:
    """The floor: a bare read-only QPlainTextEdit of the view's size showing ``text``, no highlights, painted."""
    editor = QPlainTextEdit()
    editor.resize(760, 820)
    editor.setReadOnly(True)
    editor.show()
    app.processEvents()
    started = time.perf_counter()
    editor.setPlainText(text)
    editor.viewport().repaint()
    app.processEvents()
    elapsed = time.perf_counter() - started
    editor.close()
    editor.deleteLater()
    return elapsed


def relabel_times(app: QApplication, window: MainWindow, long_id: int, count: int = 5) -> list[float]:
    """Seconds to relabel one span of the open long article and repaint, ``count`` times."""
    window.open_document(long_id)
    app.processEvents()
    times = []
    for k in range(count):
        span = window.session.current.own.spans[100 + k]  # type: ignore[union-attr]
        window.editor.select(span.uid)
        app.processEvents()
        started = time.perf_counter()
        window.apply_label("ORG" if span.label != "ORG" else "GPE")
        window.view.viewport().repaint()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    opens: dict[int, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for chars in args.sizes:
            path, short_id, long_id = build_project(Path(folder), chars)
            with ProjectStore.open(path) as store:
                text = store.document(long_id).text
            spans = SPANS_PER_200K * chars // 200_000
            window = open_window(app, path)
            times = alternate(
                args.runs,
                app=lambda: app_open(app, window, short_id, long_id, spans),
                floor=lambda: bare_qt_open(app, text),
            )
            relabels = relabel_times(app, window, long_id)
            close_window(window)
            opens[chars] = times["app"]
            print(f"{chars:,} characters, {spans:,} spans:")
            print(f"  bare Qt floor (same text, no highlights): {spread(times['floor'])}")
            print(f"  app: list click -> painted highlights:     {spread(times['app'])}")
            print(f"  ratio app/floor = {ratio(times['app'], times['floor']):.2f} (goal <= 4 at 200,000 characters)")
            print(f"  relabel one span + repaint: {spread(relabels)} (goal < 16 ms)", flush=True)
    if 200_000 in opens and 1_000_000 in opens:
        print(f"growth: open at 1,000,000 / at 200,000 characters = {ratio(opens[1_000_000], opens[200_000]):.2f} "
              "(goal <= 5.5: linear)")


if __name__ == "__main__":
    main()
