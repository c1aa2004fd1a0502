"""Relations in the window: link two annotations, list, draw, accept, reject and delete them.

Linking: select a span (or an event's trigger), press the link key, select the other one (click
it or move with Tab) and press the key again; a chooser offers the relation types the schema
allows between the two labels (all types when it allows none, so a new pairing can be made).
Every change goes through the session like any edit, so undo and redo take it back.

The window keeps this module at arm's length: it creates :class:`RelationActions` once and
calls :meth:`RelationActions.refresh` when it refreshes. The list is a section of the side
panel; the arcs are an overlay on the article (:mod:`annotator.gui.article.relation_overlay`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from annotator.app.change import Change
from annotator.gui.actions import ActionSpec, install_actions
from annotator.gui.editing.choosers import Chooser, Option
from annotator.gui.article.relation_overlay import Arc, RelationOverlay
from annotator.model.annotations import Decision, Event, SpanAnnotation
from annotator.model.editing import is_suggestion
from annotator.model.relation_editing import create_relation, decide_relation, delete_relation
from annotator.model.relation_schema import EVENT_END
from annotator.model.relations import Relation, RelationEnd

if TYPE_CHECKING:
    from annotator.gui.window_api import RelationWindow

RELATION_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("relation_link", "&Link relation…", "link_relation", "Annotate", ("Ctrl+K",),
               "Start a relation at the selected span; select the other span (click or Tab) and press again to choose its type"),
    ActionSpec("relation_accept", "Accept relation", "accept_relation", "Annotate", ("Ctrl+Alt+A",), "Accept the relation selected in the list"),
    ActionSpec("relation_reject", "Reject relation", "reject_relation", "Annotate", ("Ctrl+Alt+X",), "Reject the relation selected in the list"),
    ActionSpec("relation_delete", "Delete relation", "delete_relation", "Annotate", ("Ctrl+Shift+Delete",), "Delete the relation selected in the list"),
)


class RelationActions:
    def __init__(self, window: RelationWindow):
        self.window = window
        self.head: RelationEnd | None = None
        """The first end of a relation being linked, until the second is picked."""
        self.selected: str | None = None
        self.overlay = RelationOverlay(window.view)
        self.list = QListWidget()
        self.list.setObjectName("relations_list")
        self.list.currentItemChanged.connect(self._list_selected)
        # A section of the side panel (its extension hook), not a dock of its own: a dock took a
        # fifth of the window's width beside the panel even for projects without any relation.
        window.side.add_section("Relations", self.list, 1)
        self.actions = install_actions(window, RELATION_ACTIONS, window.view, window.toolbar, window.menus, (self,))
        self._shown: tuple[Relation, ...] | None = None

    # -- reading the screen -----------------------------------------------------------------

    def _end_of(self, annotation: object) -> tuple[RelationEnd, str] | None:
        if isinstance(annotation, SpanAnnotation):
            return RelationEnd(annotation.span), annotation.label
        if isinstance(annotation, Event):
            return RelationEnd(event_uid=annotation.uid), EVENT_END  # the schema names an event end <EVENT>
        return None

    def _label_of(self, end: RelationEnd) -> str:
        if end.span is not None:
            return end.span.label
        return EVENT_END

    def _range(self, end: RelationEnd) -> tuple[int, int] | None:
        if end.span is not None:
            return end.span.start, end.span.end
        current = self.window.session.current
        event = current.find(end.event_uid or "") if current else None
        return (event.trigger.start, event.trigger.end) if isinstance(event, Event) else None

    def _quote(self, end: RelationEnd) -> str:
        where = self._range(end)
        current = self.window.session.current
        return f"“{current.text[where[0]:where[1]][:40]}”" if where and current else "?"

    def relation(self, uid: str | None) -> Relation | None:
        current = self.window.session.current
        if current is None or uid is None:
            return None
        return next((r for r in current.own.relations if r.uid == uid), None)

    # -- actions ----------------------------------------------------------------------------

    def link_relation(self) -> None:
        window = self.window
        annotation = window.editor.selected_annotation()
        found = self._end_of(annotation)
        if found is None or is_suggestion(annotation):  # type: ignore[arg-type]
            window.say("Select one of your spans (or an event) first; a suggestion must be accepted before it can be linked.")
            return
        end, label = found
        if self.head is None or self.head == end:
            if self.head == end:
                self.head = None
                window.say("Relation cancelled.")
                return
            self.head = end
            key = self.actions["relation_link"].shortcut().toString()
            if not window.session.schema.relations:
                # Said at once, not after the second end is picked: the chooser will offer to add one.
                window.say(f"The schema has no relation types yet: select the other span, press {key} and name the first one.")
                return
            window.say(f"Relation from {self._quote(end)}: select the other span (click it or press Tab), then {key}.")
            return
        head, head_label = self.head, self._label_of(self.head)
        self.head = None
        schema = window.session.schema
        allowed = schema.relation_types_for(head_label, label) or list(schema.relations)
        options = [Option(t.name, t.key, t.color, f"{', '.join(t.heads) or 'any'} → {', '.join(t.children) or 'any'}") for t in allowed]

        def chosen(name: str) -> None:
            problem = window.session.apply(create_relation(name, head, end, window.session.annotator))
            if problem:
                window.say(problem, error=True)
                return
            created = window.session.current.own.relations if window.session.current else ()
            made = next((r for r in created if r.type == name and r.ends == (head, end)), None)
            self.selected = made.uid if made else None
            self.refresh(Change.ANNOTATIONS)

        def new_type(typed: str) -> None:
            # A name typed into the chooser is the new type's; else ask for one.
            if typed:
                added = window.schema_editor.add_relation_type(typed)
                if added:
                    chosen(added)
            else:
                window.schema_editor.new_relation_type(chosen)

        window.open_chooser(Chooser(window, f"Relation {head_label} → {label}", options, chosen, "New relation type…", new_type))

    def _decide(self, decision: Decision | None) -> None:
        relation = self.relation(self.selected)
        if relation is None:
            self.window.say("Select a relation in the Relations list first.")
            return
        session = self.window.session
        edit = delete_relation(relation) if decision is None else decide_relation(relation, decision, session.annotator)
        problem = session.apply(edit)
        if problem:
            self.window.say(problem, error=True)

    def accept_relation(self) -> None:
        self._decide(Decision.ACCEPTED)

    def reject_relation(self) -> None:
        self._decide(Decision.REJECTED)

    def delete_relation(self) -> None:
        self._decide(None)

    # -- showing ----------------------------------------------------------------------------

    def _list_selected(self, item: QListWidgetItem | None) -> None:
        self.selected = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        relation = self.relation(self.selected)
        if relation is not None:
            where = self._range(relation.head)
            if where is not None:
                self.window.view.reveal(self.window.view.offsets.to_qt(where[0]))
        self._draw()

    def refresh(self, what: Change) -> None:
        """Bring the list and the arcs up to date with the open document."""
        if what in (Change.SELECTION, Change.TEXT_SELECTION):
            return
        current = self.window.session.current
        relations = current.own.relations if current is not None else ()
        if what == Change.DOCUMENT:
            self.head = None
        if self.relation(self.selected) is None:
            self.selected = None
        if relations is not self._shown or what == Change.DOCUMENT:
            self._shown = relations
            self.list.blockSignals(True)
            self.list.clear()
            for relation in relations:
                joiner = " = " if relation.symmetric else " → "
                state = " (rejected)" if relation.provenance.is_rejected else ""
                item = QListWidgetItem(f"{relation.type}: {joiner.join(self._quote(e) for e in relation.ends)}{state}")
                item.setData(Qt.ItemDataRole.UserRole, relation.uid)
                self.list.addItem(item)
                if relation.uid == self.selected:
                    self.list.setCurrentItem(item)
            self.list.blockSignals(False)
        self._draw()

    def _draw(self) -> None:
        to_qt = self.window.view.offsets.to_qt
        schema = self.window.session.schema
        arcs = []
        for relation in self._shown or ():
            if relation.provenance.is_rejected:
                continue
            places = [self._range(e) for e in relation.ends]
            if any(p is None for p in places):
                continue
            qt = [(to_qt(p[0]), to_qt(p[1])) for p in places]  # type: ignore[index]
            kind = schema.relation_type(relation.type)
            color = kind.color if kind else "#555555"
            for head, child in zip(qt, qt[1:]):  # a group: a chain of arcs through its members
                arcs.append(Arc(head, child, relation.type, color, relation.uid, relation.symmetric))
        self.overlay.set_arcs(arcs, self.selected)
