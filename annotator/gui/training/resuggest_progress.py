"""Progress of a re-suggest run in the status bar: a bar while the suggester works through the
documents, then one message saying how many documents and how many suggestions it made.

The suggester runs in its own process (see :mod:`annotator.gui.background`); this only counts
the documents it reports back, on the UI thread, so the window stays usable meanwhile.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QProgressBar


class ResuggestProgress(QObject):
    """Follows one run over ``wanted`` documents on the window's current suggestion bridge."""

    def __init__(self, window: Any, wanted: list[int], model: str):
        super().__init__(window)
        self._window = weakref.ref(window)  # no cycle through the window's training actions
        self.asked = sorted(set(wanted))
        self.wanted = set(wanted)
        self.total = len(self.wanted)
        self.model = model
        self.failed = 0
        self.layer = ""
        self.message = ""
        self.finished = False
        self.bar = QProgressBar()
        self.bar.setObjectName("resuggest_progress")
        self.bar.setRange(0, max(self.total, 1))
        self.bar.setMaximumWidth(160)
        self.bar.setFormat(f"Re-suggesting %v / {self.total}")
        window.statusBar().addPermanentWidget(self.bar)
        self.bridge = window.suggestions
        self.bridge.document_done.connect(self._document_done)
        self.bridge.failed.connect(self._failed)
        if not self.total:
            self._finish()
        else:
            window.say(f"Re-suggesting {self.total} document(s) with {model} in the background…")

    @property
    def window(self) -> Any:
        return self._window()

    @property
    def done(self) -> int:
        return self.total - len(self.wanted)

    def _document_done(self, document_id: int, layer: str) -> None:
        if document_id in self.wanted:
            self.wanted.discard(document_id)
            self.layer = layer or self.layer
            self._step()

    def _failed(self, message: str) -> None:
        # A failure arrives without its document's id here: count it, so the run still ends.
        if self.wanted:
            self.failed += 1
            self._step()

    def _step(self) -> None:
        self.bar.setValue(min(self.done + self.failed, self.total))
        if not self.wanted or self.done + self.failed >= self.total:
            self._finish()

    def _finish(self) -> None:
        from annotator.store.suggestion_counts import suggestion_count

        if self.finished:
            return

        window = self.window
        if window is None:
            return
        layer = window.session.store.layer(self.layer) if self.layer else None
        made = suggestion_count(window.session.store, layer.id, self.asked) if layer is not None and layer.id is not None else 0
        failed = f"; {self.failed} failed" if self.failed else ""
        self.message = f"Re-suggested {self.done} document(s) with {self.model}: {made} suggestion(s){failed}."
        window.say(self.message)
        self.stop()

    def stop(self) -> None:
        self.finished = True
        window = self.window
        try:
            self.bridge.document_done.disconnect(self._document_done)
            self.bridge.failed.disconnect(self._failed)
        except (RuntimeError, TypeError):  # the bridge was replaced and deleted meanwhile
            pass
        if window is not None:
            window.statusBar().removeWidget(self.bar)
        self.bar.deleteLater()
