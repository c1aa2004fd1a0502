"""Take the README's screenshot: the real window, on a real X display, on a seed article.

Run under Xvfb (Debian's ``xvfb``), which gives the window a real X11 screen:

    xvfb-run -s "-screen 0 1500x900x24" python packaging/screenshot.py packaging/screenshot.png

It imports the seeds into a temporary project, opens the window with the real suggester, waits
for its suggestions, accepts the entities of the first paragraphs, selects the first suggested
event so its arguments show with their roles, and grabs the whole X screen.
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


def main(out: Path) -> None:
    from annotator.formats.importer import import_paths
    from annotator.gui.app import suggestion_worker
    from annotator.gui.main_window import MainWindow
    from annotator.model.editing import accept
    from annotator.store.project import ProjectStore
    from annotator.workspace import create_project

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
    for _ in range(30):
        app.processEvents()
        time.sleep(0.02)
    screen = app.primaryScreen().grabWindow(0)
    screen.save(str(out))
    print(f"saved {out} ({screen.width()}x{screen.height()}); "
          f"{len(window.session.current.pending.spans)} pending spans, {len(events)} suggested events")
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshot.png"))
