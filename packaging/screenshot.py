"""Take the README's two screenshots: the real window, on a real X display.

Run under Xvfb (Debian's ``xvfb``), which gives the window a real X11 screen:

    xvfb-run -s "-screen 0 1500x900x24" python packaging/screenshot.py packaging/screenshot.png packaging/screenshot-review.png

The first: the seeds in a temporary project, the window with the real suggester, its suggestions
waited for, the entities of the first paragraphs accepted, and the suggested event with the most
arguments selected, so label tags stand above every span and role tags above the arguments.
The second: review mode on the test data of two annotators (``tests/data/review``), an event
disagreement selected, so the Events panel and the Selection table show both versions.
Each grabs the whole X screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtWidgets import QApplication  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main(out: Path, review_out: Path | None = None) -> None:
    from annotator.formats.importer import import_paths
    from annotator.gui.app import suggestion_worker
    from annotator.gui.main_window import MainWindow
    from annotator.model.editing import accept
    from annotator.store.project import ProjectStore
    from annotator.app.workspace import create_project

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp())
    path = folder / "news.db"
    with create_project(path) as store:
        import_paths(store, [REPO / "seeds"])
    window = MainWindow(ProjectStore.open(path), "analyst", suggestion_worker)
    window.setGeometry(0, 0, 1500, 900)
    window.show()
    window.next_document()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not window.session.current.pending:
        app.processEvents()
        time.sleep(0.05)
    current = window.session.current
    early = [s for s in current.pending.spans if s.end < len(current.text) * 0.45]
    window.session.apply(accept(early[: max(1, len(early) * 2 // 3)], "analyst"))
    events = window.session.current.pending.events
    # The event with the most arguments shows best what the suggester does.
    if events:
        window.editor.select(max(events, key=lambda e: (len(e.arguments), -e.trigger.start)).uid)
    window.view.verticalScrollBar().setValue(0)
    settle(app)
    screen = app.primaryScreen().grabWindow(0)
    screen.save(str(out))
    print(f"saved {out} ({screen.width()}x{screen.height()}); "
          f"{len(window.session.current.pending.spans)} pending spans, {len(events)} suggested events")
    window.close()
    window.store.close()
    if review_out is not None:
        review_screenshot(app, folder, review_out)


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.02)


def review_screenshot(app: QApplication, folder: Path, out: Path) -> None:
    """Review mode with an event disagreement selected: who said which type and which arguments."""
    from annotator.formats.importer import import_paths
    from annotator.gui.main_window import MainWindow
    from annotator.model.annotations import Event
    from annotator.store.project import ProjectStore
    from annotator.app.workspace import create_project

    path = folder / "team.db"
    with create_project(path) as store:
        for name in ("alice", "bob"):
            import_paths(store, [REPO / "tests" / "data" / "review" / f"{name}.jsonl"], layer_name=name)
    window = MainWindow(ProjectStore.open(path), "rita", None)
    window.setGeometry(0, 0, 1500, 900)
    window.show()
    window.review.start(["alice", "bob"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (window.review.items and window.review.queue.rowCount()):
        app.processEvents()
        time.sleep(0.05)
    chosen = None
    for document_id, _ in window.review.queue.documents():
        window.open_document(document_id)
        for index, item in enumerate(window.review.items):
            events = [[a for a in v if isinstance(a, Event)] for v in item.versions.values()]
            if item.kind == "event" and not item.agreed and all(any(e.arguments for e in v) for v in events):
                chosen = index
                break
        if chosen is not None:
            break
    if chosen is not None:
        window.review.select_item(f"item:{chosen}")
    window.view.setFocus()
    settle(app)
    screen = app.primaryScreen().grabWindow(0)
    screen.save(str(out))
    print(f"saved {out} ({screen.width()}x{screen.height()}); event disagreement selected: {chosen is not None}")
    window.close()
    window.store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshot.png"), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
