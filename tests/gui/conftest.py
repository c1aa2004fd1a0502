"""GUI fixtures: a project with the seed articles and a stand-in suggester, and the window on it.

The stand-in implements the worker's interface (annotator.suggest.worker.SuggestionWorker is
tested on its own) and writes two fixed suggestions per document when asked, the way the real
worker process writes into the project file, so these tests run without loading spaCy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.importer import import_paths
from annotator.model.annotations import (
    AnnotationSet,
    Argument,
    Decision,
    Event,
    Origin,
    Provenance,
    Span,
    SpanAnnotation,
)
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.project import ProjectStore
from annotator.suggest.worker import WorkerMessage as Message
from annotator.app.workspace import create_project

FAKE_LAYER = "spacy:fake-1.0"


def fake_suggestions(text: str) -> AnnotationSet:
    """PERSON on "John Kirby" / "Kirby", GPE on "Kabul", and a Transport event on "deployed"."""
    provenance = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester=FAKE_LAYER)
    spans = []
    for word, label in (("John Kirby", "PERSON"), ("Kabul", "GPE")):
        at = text.find(word)
        if at >= 0:
            # Deterministic uids, as the real suggester makes them: a re-run gives the same ones.
            spans.append(SpanAnnotation(Span(at, at + len(word), label), uid=f"s{at}{label}", provenance=provenance))
    events = []
    at = text.find("deployed")
    kabul = text.find("Kabul", at)
    if at >= 0 and kabul >= 0:
        arguments = (Argument("Destination", Span(kabul, kabul + 5, "GPE")),)
        events.append(Event(Span(at, at + 8, "Movement:Transport"), arguments, uid=f"e{at}", provenance=provenance))
    return AnnotationSet(tuple(spans), tuple(events))


class FakeWorker:
    """Same interface as the real SuggestionWorker; does its work when polled."""

    def __init__(self, path: Path):
        self.path = path
        self.queue: list[int] = []
        self.messages: list[Message] = []
        self.started = self.stopped = False
        self.bulk = False

    def start(self) -> None:
        self.started = True
        self.messages.append(Message("ready", layer=FAKE_LAYER))

    def submit(self, document_id: int) -> None:
        self.queue.append(document_id)

    def submit_all(self, force: bool = False) -> None:
        self.bulk = True

    def cancel(self) -> None:
        self.bulk = False

    def _suggest(self, store: ProjectStore, document_id: int) -> None:
        layer = store.ensure_layer(FAKE_LAYER, LayerKind.SUGGESTIONS)
        with store.transaction():
            store.replace_annotations(layer.id, document_id, fake_suggestions(store.document(document_id).text))  # type: ignore[arg-type]
            store.set_status(layer.id, document_id, DocStatus.DONE)  # type: ignore[arg-type]

    def poll(self) -> list[Message]:
        with ProjectStore.open(self.path) as store:
            for document_id in self.queue:
                layer = store.layer(FAKE_LAYER)
                if layer is None or store.status(layer.id, document_id) is not DocStatus.DONE:  # type: ignore[arg-type]
                    self._suggest(store, document_id)
                self.messages.append(Message("document", document_id, FAKE_LAYER))
            self.queue.clear()
            if self.bulk:
                ids = store.document_ids()
                for i, document_id in enumerate(ids, start=1):
                    self._suggest(store, document_id)
                    self.messages.append(Message("progress", done=i, total=len(ids)))
                self.messages.append(Message("finished"))
                self.bulk = False
        out, self.messages = self.messages, []
        return out

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def gui_project(tmp_path: Path, seeds: Path) -> Path:
    path = tmp_path / "gui.db"
    with create_project(path) as store:
        import_paths(store, [seeds])
    return path


@pytest.fixture
def make_window(qtbot):
    from annotator.gui.main_window import MainWindow

    windows = []

    def make(path: Path, annotator: str = "alice", worker=FakeWorker):
        store = ProjectStore.open(path)
        window = MainWindow(store, annotator, worker)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.store.close()
