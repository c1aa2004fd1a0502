"""Review mode: compare annotators on the open document and settle each disagreement into gold.

Every group of annotations is drawn once: what gold already holds as solid highlights, groups
all annotators agree on as pale ones, disagreements hatched red. A digit takes that annotator's
version of the selected group, 0 takes none, F8 moves to the next undecided disagreement (then
to the next document with some). Decisions are edits of the ``gold`` layer through the same
session as any edit: saved at once, undone with Ctrl+Z. The queue lists documents by how many
disagreements they still have. The comparison itself lives in :mod:`annotator.review`.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QTableWidget, QTableWidgetItem, QWidget

from annotator.gui.background import TaskThread
from annotator.gui.review.layer_picker import LayerPicker, ask_agreement_layers
from annotator.gui.review.review_details import EventGroup, argument_lines, versions_table
from annotator.gui.article.text_view import Mark, Style
from annotator.model.annotations import AnnotationSet, Event, SpanAnnotation
from annotator.model.layer import GOLD, LayerKind
from annotator.model.relations import Relation
from annotator.review.adjudicate import accept_agreed, take_version
from annotator.review.compare import ReviewItem, compare_document
from annotator.review.workflow import apply_decision, disagreements_by_document
from annotator.app.session import Session
from annotator.app.workspace import connect

if TYPE_CHECKING:
    from annotator.gui.window_api import NavigatingWindow

ITEM_PREFIX = "item:"


class ReviewQueue(QTableWidget):
    """Documents with their undecided disagreements, most first."""

    document_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 2, parent)
        self.setObjectName("review_queue")
        self.setHorizontalHeaderLabels(["Document", "Open"])
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.horizontalHeader().setStretchLastSection(False)
        self.horizontalHeader().setSectionResizeMode(0, self.horizontalHeader().ResizeMode.Stretch)
        self.cellClicked.connect(lambda row, _: self.document_chosen.emit(int(self.item(row, 0).data(Qt.ItemDataRole.UserRole))))

    def fill(self, rows: list[tuple[int, str, int]]) -> None:
        self.setRowCount(len(rows))
        for i, (document_id, title, count) in enumerate(rows):
            cell = QTableWidgetItem(title)
            cell.setData(Qt.ItemDataRole.UserRole, document_id)
            self.setItem(i, 0, cell)
            self.setItem(i, 1, QTableWidgetItem(str(count)))

    def set_count(self, document_id: int, count: int) -> None:
        for row in range(self.rowCount()):
            if self.item(row, 0).data(Qt.ItemDataRole.UserRole) == document_id:
                self.item(row, 1).setText(str(count))

    def documents(self) -> list[tuple[int, int]]:
        return [(int(self.item(r, 0).data(Qt.ItemDataRole.UserRole)), int(self.item(r, 1).text())) for r in range(self.rowCount())]


class ReviewMode:
    def __init__(self, window: NavigatingWindow):
        self.window = window
        self.layers: list[str] = []
        self.items: list[ReviewItem] = []
        self._versions: dict[int, dict[str, AnnotationSet]] = {}
        self.queue = ReviewQueue()
        self.queue.document_chosen.connect(window.open_document)
        self.task: TaskThread | None = None
        self.label_filter: str | None = None
        """F8 visits only disagreements involving this label (set from the agreement panel)."""

    @property
    def active(self) -> bool:
        return bool(self.layers)

    # -- starting and stopping --------------------------------------------------------------

    def annotator_layers(self) -> list[str]:
        return [layer.name for layer in self.window.session.store.layers() if layer.kind is LayerKind.ANNOTATOR]

    def pick_layers(self, names: list[str], title: str = "Start review", prompt: str | None = None) -> list[str] | None:
        """Ask which of ``names`` to compare, the reviewer's own layer unticked; None: cancelled."""
        extra = {"prompt": prompt} if prompt else {}
        picker = LayerPicker(names, self.window, unticked=self.window.session.annotator, title=title, **extra)
        if picker.exec() != QDialog.DialogCode.Accepted or not picker.chosen():
            return None
        return picker.chosen()

    def ask_agreement_layers(self, then: Callable[[list[str]], None]) -> None:
        """Review > Agreement: ``then`` gets the running review's layers, else the ticked ones."""
        if self.active:
            then(list(self.layers))
            return
        ask_agreement_layers(self.window, self.annotator_layers(), then)

    def start(self, layers: list[str] | None = None) -> bool:
        window = self.window
        if layers is None:
            names = self.annotator_layers()
            if not names:
                window.say("There is nothing to review: no annotator layers in this project yet.", error=True)
                return False
            chosen = self.pick_layers(names)
            if not chosen:
                return False
            layers = chosen
        store = window.session.store
        self.layers = list(layers)
        self._versions.clear()
        reviewer = window.session.annotator
        session = Session(store, reviewer, GOLD, writer=lambda doc, edit: apply_decision(store, doc, edit), suggestions=False)
        window.use_session(session)
        window.show_review_queue(True)
        self.refresh_queue(open_first=True)
        return True

    def show_label(self, label: str, layers: list[str]) -> None:
        """From the agreement panel: review the disagreements about ``label`` (starting a review
        of ``layers`` if none is running)."""
        self.label_filter = label
        if not self.active:
            if not self.start(layers):
                return
            self.window.say(f"Review started: F8 goes to the next disagreement about {label}.")
            return
        self.next_disagreement(1, after=-1)

    def stop(self) -> None:
        if not self.active:
            return
        self.label_filter = None
        self.layers = []
        self.items = []
        window = self.window
        window.show_review_queue(False)
        window.use_session(Session(window.session.store, window.session.annotator))

    def refresh_queue(self, open_first: bool = False) -> None:
        """Rank documents by undecided disagreements in a thread (it reads every compared layer);
        with ``open_first``, open the document with the most."""
        path, layers = self.window.session.store.path, list(self.layers)

        def work(progress: Any, should_stop: Any) -> list[tuple[int, str, int]]:
            with connect(path) as store:  # type: ignore[arg-type]
                ranked = disagreements_by_document(store, layers, undecided_only=True)
                return [(doc, store.document(doc).title, count) for doc, count in ranked]

        def done(rows: list[tuple[int, str, int]]) -> None:
            self.queue.fill(rows)
            if open_first and rows:
                self.window.open_document(rows[0][0])

        self.task = TaskThread(work, self.window)
        self.task.succeeded.connect(done)
        self.task.failed.connect(lambda message: self.window.say(f"Review: {message}", error=True))
        self.task.start()

    # -- the items of the open document -----------------------------------------------------

    def refresh_items(self) -> None:
        current = self.window.session.current
        if not self.active or current is None:
            self.items = []
            return
        versions = self._versions.get(current.id)
        if versions is None:
            store = self.window.session.store
            versions = {}
            for name in self.layers:
                layer = store.layer(name)
                versions[name] = store.annotations(layer.id, current.id) if layer else AnnotationSet()  # type: ignore[arg-type]
            self._versions = {current.id: versions}
        self.items = compare_document(versions, current.own)
        self.queue.set_count(current.id, self.open_count())

    def select_item(self, uid: str) -> None:
        """Select a group (``item:N``) or a gold annotation, and scroll to it."""
        self.window.editor.select(uid, reveal=False)
        found = self.current_item()
        if found is not None:
            self.window.view.reveal(found[1].start)

    def open_count(self) -> int:
        return sum(1 for item in self.items if not item.agreed and not item.decided)

    def marks(self, to_qt: Callable[[int], int], color_of: Callable[[str], Any]) -> list[Mark]:
        """What the article shows in review: gold as solid highlights, the rest per item."""
        marks = []
        for index, item in enumerate(self.items):
            shown = [a for a in item.gold if not a.provenance.is_rejected and not isinstance(a, Relation)]
            for annotation in shown:
                if isinstance(annotation, Event):
                    t = annotation.trigger
                    marks.append(Mark(to_qt(t.start), to_qt(t.end), color_of(t.label), Style.TRIGGER, annotation.uid, t.label))
                else:
                    marks.append(Mark(to_qt(annotation.start), to_qt(annotation.end), color_of(annotation.label), Style.SPAN, annotation.uid, annotation.label))
            if item.decided:
                continue
            uid = f"{ITEM_PREFIX}{index}"
            if item.agreed:
                version = next(iter(item.versions.values()))
                label = _label(version[0]) if version else ""
                style = Style.SUGGESTED_TRIGGER if item.kind == "event" else Style.SUGGESTION
                marks.append(Mark(to_qt(item.start), to_qt(item.end), color_of(label), style, uid, label))
            else:
                labels = sorted({_label(a) for version in item.versions.values() for a in version})
                caption = " ≠ ".join(labels) if labels else "?"
                marks.append(Mark(to_qt(item.start), to_qt(item.end), color_of(""), Style.DISAGREEMENT, uid, caption))
        return marks

    def current_item(self) -> tuple[int, ReviewItem] | None:
        selected = self.window.editor.selected
        if not selected:
            return None
        if selected.startswith(ITEM_PREFIX):
            index = int(selected[len(ITEM_PREFIX):])
            return (index, self.items[index]) if index < len(self.items) else None
        for index, item in enumerate(self.items):
            if any(a.uid == selected for a in item.gold):
                return index, item
        return None

    def details_html(self) -> str | None:
        found = self.current_item()
        if found is None:
            return None
        index, item = found
        text = self.window.session.current.text  # type: ignore[union-attr]
        state = "decided" if item.decided else ("agreed by all" if item.agreed else "<b style='color:#d62728'>disagreement</b>")
        keys = " · ".join(f"<b>{i + 1}</b> {escape(name)}" for i, name in enumerate(self.layers[:9]))
        return (
            f"{escape(item.kind)} {state}: “{escape(text[item.start:item.end][:120])}”<br>"
            f"{versions_table(item, self.layers, text)}<small>Take: {keys} · <b>0</b> none · "
            f"<b>F8</b> next disagreement</small>"
        )

    def event_groups(self) -> list[EventGroup]:
        """The document's event groups for the Events panel: each annotator's version, with arguments."""
        current = self.window.session.current
        if current is None:
            return []
        text = current.text
        groups = []
        for index, item in enumerate(self.items):
            if item.kind != "event":
                continue
            state = "decided" if item.decided else ("agreed" if item.agreed else "disagreement")
            versions = []
            for number, (layer, version) in enumerate(item.versions.items(), start=1):
                events = [a for a in version if isinstance(a, Event)]
                if not events:
                    versions.append((f"{number} {layer}: no event", []))
                for event in events:
                    trigger = text[event.trigger.start:event.trigger.end]
                    versions.append((f"{number} {layer}: {event.type} “{trigger}”", argument_lines(event, text, item.linked)))
            kept = [a for a in item.gold if isinstance(a, Event) and not a.provenance.is_rejected]
            if item.decided:
                versions.append(("gold: " + (", ".join(e.type for e in kept) or "none"), [line for e in kept for line in argument_lines(e, text, item.linked)]))
            groups.append(EventGroup(f"{ITEM_PREFIX}{index}", text[item.start:item.end], state, versions))
        return groups

    # -- the handlers of the Review menu ----------------------------------------------------

    def start_review(self) -> None:
        self.start()

    def stop_review(self) -> None:
        self.stop()

    def take_version(self, number: int) -> None:
        self.take(number)

    def take_none(self) -> None:
        self.take(None)

    def next_disagreement_action(self) -> None:
        self.next_disagreement(1)

    def previous_disagreement(self) -> None:
        self.next_disagreement(-1)

    # -- decisions --------------------------------------------------------------------------

    def take(self, choice: int | None) -> None:
        """Take the version of compared layer number ``choice`` (1-based); ``None`` takes none."""
        window = self.window
        if not self.active:
            window.say("Start a review first (Review > Start review).")
            return
        found = self.current_item()
        if found is None:
            window.say("Select a group first: F8 goes to the next disagreement.")
            return
        _, item = found
        if choice is not None and not 1 <= choice <= len(self.layers):
            window.say(f"There are {len(self.layers)} annotators in this review.")
            return
        layer = self.layers[choice - 1] if choice else None
        edit = take_version(item, layer, window.session.current.own, window.session.annotator)  # type: ignore[union-attr]
        start = item.start
        problem = window.session.apply(edit)
        if problem:
            window.say(problem, error=True)
        else:
            from annotator.gui.training.gold_prompt import offer_consistency

            offer_consistency(window, edit)  # the same characters with two labels in gold: ask
        self.next_disagreement(1, after=start)

    def accept_agreed(self) -> None:
        window = self.window
        edit = accept_agreed(self.items, window.session.current.own, window.session.annotator)  # type: ignore[union-attr]
        if not edit:
            window.say("Nothing agreed is left to accept in this document.")
            return
        counted = re.search(r"(\d+)", edit.title)  # the edit's title counts what it took
        groups = int(counted.group(1)) if counted else len(edit.changes)
        problem = window.session.apply(edit)
        # Say what happened, not what to do.
        window.say(problem or f"Accepted {groups} agreed group{'s' if groups != 1 else ''} into gold.", error=bool(problem))

    def next_disagreement(self, step: int, after: int | None = None) -> None:
        """Select the next (or previous) undecided disagreement; past the end, the next document."""
        window = self.window
        if not self.active:
            window.say("Start a review first (Review > Start review).")
            return
        found = self.current_item()
        here = after if after is not None else (found[1].start if found else (-1 if step > 0 else 10**12))
        label = self.label_filter
        open_items = [
            (i, item) for i, item in enumerate(self.items)
            if not item.agreed and not item.decided
            and (label is None or any(_label(a) == label for version in item.versions.values() for a in version))
        ]
        ahead = [p for p in open_items if (p[1].start > here if step > 0 else p[1].start < here)]
        if ahead:
            index, item = ahead[0] if step > 0 else ahead[-1]
            window.editor.select(f"{ITEM_PREFIX}{index}", reveal=False)
            window.view.reveal(item.start)
            if label is not None:
                window.say(f"Disagreements about {label} only (Review > Stop review clears this).")
            return
        current = window.session.current
        documents = [doc for doc, count in self.queue.documents() if count and (current is None or doc != current.id)]
        if label is not None:
            # Only documents with a disagreement about the label; each looked at once.
            for document in documents:
                window.open_document(document)
                if self._open_items_about(label):
                    self.next_disagreement(1, after=-1)
                    return
            self.label_filter = None
            window.say(f"No disagreements about {label} left to decide.")
            return
        if not documents:
            window.say("No disagreements left to decide in the compared layers.")
            return
        window.open_document(documents[0])
        self.next_disagreement(1, after=-1)

    def _open_items_about(self, label: str) -> bool:
        return any(
            not item.agreed and not item.decided and any(_label(a) == label for v in item.versions.values() for a in v)
            for item in self.items
        )


def _label(annotation: SpanAnnotation | Event) -> str:
    return annotation.type if isinstance(annotation, (Event, Relation)) else annotation.label
