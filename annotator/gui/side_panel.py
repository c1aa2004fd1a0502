"""The right-hand panel: details of the selection, the document's events, the label palette."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPixmap, QIcon
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.model.annotations import Event, Provenance, SpanAnnotation
from annotator.model.editing import is_suggestion
from annotator.model.schema import LabelSchema

EVENT_ROLE = Qt.ItemDataRole.UserRole
ARGUMENT_ROLE = Qt.ItemDataRole.UserRole + 1
TYPE_ROLE = Qt.ItemDataRole.UserRole + 2
"""An event's type on its row (the text says "trigger — Type")."""
STATE_ROLE = Qt.ItemDataRole.UserRole + 3
"""Review: a group's state, "disagreement", "agreed" or "decided"."""


DEFER_EVENTS = 50
"""Lists longer than this are built after the article's first paint (cost: ~0.1 ms an event)."""


def swatch(color: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def _provenance_html(p: Provenance) -> str:
    parts = [f"<b>{escape(p.origin.value)}</b>"]
    if p.suggester:
        parts.append(f"by suggester {escape(p.suggester)}")
    parts.append(escape(p.decision.value))
    if p.author:
        parts.append(f"by {escape(p.author)}")
    if p.accepted_above is not None:
        parts.append(f"(accepted above {p.accepted_above:.0%})")
    parts.append(f"at {escape(p.updated_at or p.created_at)}")
    return " · ".join(parts)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SidePanel(QWidget):
    """Shows; never edits. Clicks are reported as signals for the window to act on."""

    event_chosen = Signal(str, int)
    """Event uid and argument index (-1: the event itself)."""
    label_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setMinimumHeight(90)
        self.events = QTreeWidget()
        self.events.setObjectName("events")
        # One column: "trigger — Type" and "Role: filler (LABEL)" read whole; a second column
        # would be cut at the panel's edge.
        self.events.setHeaderHidden(True)
        # A long article lists thousands of events: equal rows keep expanding one and scrolling cheap.
        self.events.setUniformRowHeights(True)
        self.events.setColumnCount(1)
        # Columns as wide as their text, scrolling sideways: nothing is cut to "Entity: Joh…".
        self.events.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.events.header().setStretchLastSection(False)
        self.events.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.events.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.events.itemClicked.connect(self._event_clicked)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._marked: tuple[str | None, int] | None = None
        self._shown_events: dict[str, Event] | None = None
        """What the Events list shows, by uid (None: not the document's events, e.g. in review)."""
        self._deferred: tuple | None = None
        """A long list waiting to be built after the article's first paint: (events, text, schema, selected)."""
        self._build_timer = QTimer(self, singleShot=True, interval=0)
        self._build_timer.timeout.connect(self.settle)
        self.palette_list = QListWidget()
        self.palette_list.setObjectName("palette")
        self.palette_list.itemClicked.connect(lambda item: self.label_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.events_title = QLabel("<b>Events</b>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Selection</b>"))
        layout.addWidget(self.details)
        layout.addWidget(self.events_title)
        layout.addWidget(self.events, 3)
        palette_title = QLabel("<b>Labels</b> (key: snap to words · Shift+key: exact)")
        palette_title.setWordWrap(True)
        layout.addWidget(palette_title)
        layout.addWidget(self.palette_list, 2)
        self.sections = layout
        self.show_details(None, "")

    def add_section(self, title: str, widget: QWidget, stretch: int = 1) -> None:
        """Add a titled section below the others (relations, team, ...): the panel's extension hook."""
        heading = QLabel(f"<b>{escape(title)}</b>")
        heading.setWordWrap(True)
        self.sections.addWidget(heading)
        self.sections.addWidget(widget, stretch)

    def show_text_selection(self, selected: str) -> None:
        """Nothing annotated is selected but some text is: say what, and what the keys do with it."""
        count = len(selected)
        self.details.setText(
            f"<b>Selected text</b> ({count} character{'s' if count != 1 else ''})<br>“{escape(_short(selected, 200))}”"
            "<br><small>Press a label's key to label it, E to make it an event trigger, A to add it as an argument.</small>"
        )

    def set_schema(self, schema: LabelSchema) -> None:
        self.palette_list.clear()
        for label in schema.entities:
            key = f"[{label.key}]  " if label.key else "      "
            item = QListWidgetItem(swatch(label.color), f"{key}{label.name}")
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setToolTip(label.description or label.name)
            self.palette_list.addItem(item)

    def show_details(self, annotation: SpanAnnotation | Event | None, text: str, argument: int = -1) -> None:
        if annotation is None:
            self.details.setText("<i>Nothing selected.</i> Select text and press a label's key, or click a highlight.")
            return
        state = "suggestion (Return accepts, X rejects)" if is_suggestion(annotation) else "annotation"
        if isinstance(annotation, SpanAnnotation):
            head = f"<b>{escape(annotation.label)}</b> {state}<br>“{escape(_short(text[annotation.start:annotation.end], 200))}”"
            where = f"characters {annotation.start}–{annotation.end}"
        else:
            head = f"<b>{escape(annotation.type)}</b> event {state}<br>trigger “{escape(text[annotation.trigger.start:annotation.trigger.end])}”"
            where = "; ".join(
                f"{escape(a.role)}: “{escape(_short(text[a.span.start:a.span.end], 40))}”" if a.span else f"{escape(a.role)}: (an event)"
                for a in annotation.arguments
            ) or "no arguments yet (select text, press A)"
            if 0 <= argument < len(annotation.arguments):
                where = f"<b>selected argument:</b> {escape(annotation.arguments[argument].role)}<br>" + where
        note = f"<br><i>{escape(annotation.note)}</i>" if annotation.note else ""
        if annotation.confidence is not None:
            note = f"<br>model confidence: <b>{annotation.confidence:.0%}</b>" + note
        attributes = "".join(f"<br>{escape(k)}: {escape(str(v))}" for k, v in annotation.attributes.items())
        self.details.setText(f"{head}<br>{where}<br><small>{_provenance_html(annotation.provenance)}</small>{note}{attributes}")

    def show_events(self, events: tuple[Event, ...], text: str, schema: LabelSchema, selected: str | None) -> None:
        """List the document's events. After an edit only the events it changed are replaced (a
        long article lists thousands, and rebuilding them all takes longer than a frame); a long
        list of a newly opened article is built after the article's first paint (:meth:`settle`)."""
        if self._deferred is not None:
            self._deferred = (events, text, schema, selected)
            return
        shown = self._shown_events
        if shown is not None and self._items and len(self._items) == len(shown):
            incoming = {e.uid: e for e in events}
            gone = [uid for uid, event in shown.items() if incoming.get(uid) is not event]
            if len(gone) <= 50 and abs(len(events) - len(shown)) <= 50:
                self._patch_events(events, gone, text, schema)
                self.select_event(selected, -1)
                return
        self.events.clear()
        self._shown_events, self._items, self._marked = None, {}, None
        self.events_title.setText("<b>Events</b>")
        if len(events) > DEFER_EVENTS:
            self._deferred = (events, text, schema, selected)
            self._build_timer.start()
            return
        self._build(events, text, schema, selected)

    def settle(self) -> None:
        """Build the list deferred by :meth:`show_events` now (the timer does it after the paint;
        anything that reads the list calls this first, so it is never seen half made)."""
        self._build_timer.stop()
        if self._deferred is not None:
            deferred, self._deferred = self._deferred, None
            self._build(*deferred)

    def _build(self, events: tuple[Event, ...], text: str, schema: LabelSchema, selected: str | None) -> None:
        icons: dict[str, QIcon] = {}
        self.events.addTopLevelItems([self._event_item(event, text, schema, icons) for event in events])
        self._shown_events = {e.uid: e for e in events}
        self._index_items()
        self.select_event(selected, -1)

    def _patch_events(self, events: tuple[Event, ...], gone: list[str], text: str, schema: LabelSchema) -> None:
        """Take out the items of ``gone`` (removed or changed events), then insert every event not
        listed at its place: the others keep their relative order, so one pass puts all in order."""
        for uid in gone:
            item = self._items.pop(uid, None)
            if item is not None:
                self.events.takeTopLevelItem(self.events.indexOfTopLevelItem(item))
        icons: dict[str, QIcon] = {}
        for i, event in enumerate(events):
            if event.uid not in self._items:
                item = self._event_item(event, text, schema, icons)
                self.events.insertTopLevelItem(i, item)
                self._items[event.uid] = item
        self._shown_events = {e.uid: e for e in events}
        if self._marked is not None and (self._marked[0] in gone or self._marked[0] not in self._items):
            # Its item was replaced (an argument added): Qt made the next event current when it
            # went, so the edited one must be marked again, not taken as marked already.
            self._marked = None

    def _event_item(self, event: Event, text: str, schema: LabelSchema, icons: dict[str, QIcon]) -> QTreeWidgetItem:
        top = QTreeWidgetItem([f"{_short(text[event.trigger.start:event.trigger.end], 30)} — {event.type}"])
        top.setData(0, TYPE_ROLE, event.type)
        icon = icons.get(event.type)
        if icon is None:
            icon = icons[event.type] = swatch(schema.color_of(event.type))
        top.setIcon(0, icon)
        if is_suggestion(event):
            # Suggestions in grey italics until accepted, as in the article.
            font = top.font(0)
            font.setItalic(True)
            top.setFont(0, font)
            top.setForeground(0, QColor("#707070"))
        top.setData(0, EVENT_ROLE, event.uid)
        top.setData(0, ARGUMENT_ROLE, -1)
        for i, argument in enumerate(event.arguments):
            filler = _short(text[argument.span.start:argument.span.end], 80) if argument.span else "(event)"
            label = f" ({argument.span.label})" if argument.span and argument.span.label != argument.role else ""
            child = QTreeWidgetItem([f"{argument.role}: {filler}{label}"])
            child.setData(0, EVENT_ROLE, event.uid)
            child.setData(0, ARGUMENT_ROLE, i)
            top.addChild(child)
        return top

    def show_review_events(self, groups: list, selected: str | None) -> None:
        """Review: every event group with each annotator's version (type, trigger, arguments)."""
        self._deferred = None
        self._build_timer.stop()
        self.events.clear()
        self._shown_events = None
        self.events_title.setText("<b>Events</b> — each annotator's version (keys 1–9 take one, 0 none)")
        colours = {"disagreement": QColor("#d62728"), "agreed": QColor("#707070"), "decided": QColor("#1b7f3b")}
        for group in groups:
            top = QTreeWidgetItem([f"“{_short(group.trigger, 40)}” — {group.state}"])
            top.setData(0, STATE_ROLE, group.state)
            top.setForeground(0, colours.get(group.state, QColor("#707070")))
            top.setData(0, EVENT_ROLE, group.uid)
            top.setData(0, ARGUMENT_ROLE, -1)
            for title, arguments in group.versions:
                version = QTreeWidgetItem([title])
                version.setData(0, EVENT_ROLE, group.uid)
                version.setData(0, ARGUMENT_ROLE, -1)
                for line in arguments:
                    argument = QTreeWidgetItem([line])
                    argument.setData(0, EVENT_ROLE, group.uid)
                    argument.setData(0, ARGUMENT_ROLE, -1)
                    version.addChild(argument)
                top.addChild(version)
            self.events.addTopLevelItem(top)
            # Disagreements open, so who said what is readable without clicking.
            top.setExpanded(group.state == "disagreement")
            for i in range(top.childCount()):
                top.child(i).setExpanded(True)
        self._index_items()
        self.select_event(selected, -1, collapse=False)

    def _index_items(self) -> None:
        self._items = {}
        for i in range(self.events.topLevelItemCount()):
            top = self.events.topLevelItem(i)
            self._items[top.data(0, EVENT_ROLE)] = top
        self._marked = None

    def select_event(self, uid: str | None, argument: int, collapse: bool = True) -> None:
        """Expand and mark the current event (and argument) without rebuilding the list; touches
        only the previous and the new current item (a long article lists hundreds)."""
        if self._deferred is not None:
            events, text, schema, _ = self._deferred
            self._deferred = (events, text, schema, uid)
            self.settle()
            if argument < 0:
                return
        if (uid, argument) == self._marked:
            return
        previous = self._items.get(self._marked[0]) if self._marked else None
        top = self._items.get(uid) if uid is not None else None
        if collapse and previous is not None and previous is not top:
            previous.setExpanded(False)
        self._marked = (uid, argument)
        if top is None:
            self.events.setCurrentItem(None)  # type: ignore[arg-type]
            return
        if not top.isExpanded():
            top.setExpanded(True)
        target = top.child(argument) if 0 <= argument < top.childCount() else top
        self.events.setCurrentItem(target)
        self.events.scrollToItem(target)

    def _event_clicked(self, item: QTreeWidgetItem) -> None:
        self.event_chosen.emit(item.data(0, EVENT_ROLE), int(item.data(0, ARGUMENT_ROLE)))
