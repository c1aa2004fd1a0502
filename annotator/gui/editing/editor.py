"""The annotate, label and event actions: turn a key press plus the selection into an edit.

The rules of each edit live in :mod:`annotator.model.editing`; this class only reads what is
selected on screen, asks for a type or role when one is needed, and hands the edit to the
session. What is selected (an annotation, an argument of the current event) lives here.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from annotator.app.change import Change
from annotator.gui.editing.choosers import Chooser, Option
from annotator.model.annotations import Event, Span, SpanAnnotation
from annotator.model.changes import Annotation, Edit
from annotator.model.editing import (
    accept,
    add_argument,
    change_argument_role,
    create_event,
    delete,
    filler_for,
    is_suggestion,
    reject,
    relabel,
    remove_argument,
    resize,
    retype_event,
)
from annotator.model.selection import chosen_span, label_edit

if TYPE_CHECKING:
    from annotator.gui.window_api import EditingWindow


class Editor:
    """Selection state and the handlers of the Annotate, Labels and Events menus."""

    def __init__(self, window: EditingWindow):
        self.window = window
        self.selected: str | None = None
        """Uid of the selected span or event."""
        self.event: str | None = None
        """Uid of the current event: the one arguments are added to."""
        self.argument = -1
        """Index of the selected argument of the current event, or -1."""

    # -- helpers ----------------------------------------------------------------------------

    @property
    def session(self):  # noqa: ANN201 - the window's current session
        return self.window.session

    @property
    def author(self) -> str:
        return self.session.annotator

    def selected_annotation(self) -> Annotation | None:
        current = self.session.current
        return current.find(self.selected) if current and self.selected else None

    def current_event(self) -> Event | None:
        current = self.session.current
        found = current.find(self.event) if current and self.event else None
        return found if isinstance(found, Event) else None

    def select(self, uid: str | None, argument: int = -1, reveal: bool = True) -> None:
        self.selected = uid
        annotation = self.selected_annotation()
        if isinstance(annotation, Event):
            self.event, self.argument = uid, argument
        elif annotation is None:
            self.argument = -1
        if reveal and annotation is not None:
            start = annotation.trigger.start if isinstance(annotation, Event) else annotation.start
            self.window.view.reveal(start)
        self.window.refresh(Change.SELECTION)

    def clear(self) -> None:
        self.selected, self.event, self.argument = None, None, -1

    def _apply(self, edit: Edit, select_new: bool = True) -> None:
        problem = self.session.apply(edit)
        if problem:
            self.window.say(problem, error=True)
            self.clear()
            self.window.refresh(Change.SELECTION)
            return
        current = self.session.current
        if len(edit.changes) == 1:
            change = edit.changes[0]
            # Follow the event the edit made or changed: a suggestion taken over gets a new uid.
            if isinstance(change.after, Event) and (change.before is None or change.before.uid == self.event):
                self.event = change.after.uid
            if select_new and change.after is not None:
                self.selected = change.after.uid
        if self.selected and current.find(self.selected) is None:
            self.selected = None
        if self.event and current.find(self.event) is None:
            self.event, self.argument = None, -1
        self.window.refresh(Change.SELECTION)

    def _text_selection(self, snap: bool) -> Span | None:
        """The selected characters, trimmed of white space and snapped to tokens if asked."""
        selection = self.window.view.selection()
        if selection is None:
            return None
        start, end = selection
        return chosen_span(self.session.current.text, start, end, self.session.tokens() if snap else None)

    # -- labels -----------------------------------------------------------------------------

    def apply_label(self, label: str, snap: bool = True) -> None:
        if self.session.current is None:
            return
        chosen = self._text_selection(snap)
        if chosen is not None:
            self.window.view.select(chosen.end, chosen.end)
            self._apply(label_edit(self.session.current.visible_spans(), chosen, label, self.author))
            return
        annotation = self.selected_annotation()
        if isinstance(annotation, SpanAnnotation):
            self._apply(relabel(annotation, label, self.author))
        else:
            self.window.say("Select some text first, or click a span to relabel it.")

    # -- decisions --------------------------------------------------------------------------

    def _next_pending_after(self, annotation: Annotation) -> str | None:
        current = self.session.current
        start = _start(annotation)
        # Pending spans and events are each in text order: bisect, do not sort thousands per key.
        candidates = []
        for items in (current.pending.spans, current.pending.events):
            i = bisect_left(items, start, key=_start)
            while i < len(items) and items[i].uid == annotation.uid:
                i += 1
            if i < len(items):
                candidates.append(items[i])
        return min(candidates, key=_start).uid if candidates else None

    def decide(self, accepting: bool) -> None:
        annotation = self.selected_annotation()
        if annotation is None or not is_suggestion(annotation):
            self.window.say("Select a suggestion first (Tab moves through them).")
            return
        following = self._next_pending_after(annotation)
        edit = accept([annotation], self.author) if accepting else reject([annotation], self.author)
        # Selected already, so the frame that shows the decision shows the next suggestion selected.
        self.selected = following
        self._apply(edit, select_new=False)
        if following:
            self.select(following)
        else:
            self.select(None)

    def decide_all(self, accepting: bool) -> None:
        current = self.session.current
        if current is None or not current.pending:
            self.window.say("No pending suggestions in this article.")
            return
        everything = current.pending.spans + current.pending.events  # type: ignore[operator]
        title = f"{'Accept' if accepting else 'Reject'} {len(everything)} suggestions"
        edit = accept(everything, self.author, title) if accepting else reject(everything, self.author, title)
        problem = self.session.apply(edit)
        if problem:
            self.window.say(problem, error=True)
        else:
            n = len(everything)
            self.window.say(f"{'Accepted' if accepting else 'Rejected'} {n} suggestion{'s' if n != 1 else ''}.")
        self.clear()
        self.window.refresh(Change.SELECTION)

    def accept_above(self, threshold: float, label: str | None = None) -> None:
        """Accept the open article's pending suggestions at or above ``threshold``: one undo step."""
        from annotator.model.auto_accept import accept_above

        current = self.session.current
        if current is None:
            return
        edit = accept_above(current.pending, threshold, self.author, label)
        what = f"{label} suggestions" if label else "suggestions"
        if not edit.changes:
            self.window.say(f"No pending {what} of {threshold:.0%} confidence or more in this article.")
            return
        problem = self.session.apply(edit)
        if problem:
            self.window.say(problem, error=True)
        else:
            self.window.say(f"Accepted {len(edit.changes)} {what} of {threshold:.0%} confidence or more.")
        self.clear()
        self.window.refresh(Change.SELECTION)

    def delete_selected(self) -> None:
        event = self.current_event()
        if event is not None and self.argument >= 0 and self.selected == event.uid:
            self.argument, index = -1, self.argument
            self._apply(remove_argument(event, index, self.author))
            return
        annotation = self.selected_annotation()
        if annotation is None:
            self.window.say("Nothing selected to delete.")
            return
        following = self._next_pending_after(annotation)
        self._apply(delete([annotation], self.author), select_new=False)
        self.select(following)

    def accept_selected(self) -> None:
        self.decide(accepting=True)

    def reject_selected(self) -> None:
        self.decide(accepting=False)

    def reject_all(self) -> None:
        self.decide_all(accepting=False)

    # -- moving through annotations ---------------------------------------------------------

    def step(self, direction: int) -> None:
        current = self.session.current
        if current is None:
            return
        items = sorted(current.visible_spans() + current.visible_events(), key=_start)  # type: ignore[operator]
        if not items:
            return
        uids = [a.uid for a in items]
        if self.selected in uids:
            index = (uids.index(self.selected) + direction) % len(uids)
        else:
            index = 0 if direction > 0 else len(uids) - 1
        self.select(uids[index])

    def select_next(self) -> None:
        self.step(1)

    def select_previous(self) -> None:
        self.step(-1)

    def clicked(self, uids: list[str]) -> None:
        """A click on the article: select what is under it, cycling through stacked highlights."""
        if not uids:
            self.selected, self.argument = None, -1
            self.window.refresh(Change.SELECTION)
            return
        if self.selected in uids:
            uids = uids[uids.index(self.selected) + 1 :] + uids[: uids.index(self.selected) + 1]
        self.select(uids[0], reveal=False)

    def resize_selected(self, grow: bool, side: str) -> None:
        annotation = self.selected_annotation()
        if not isinstance(annotation, SpanAnnotation):
            self.window.say("Select a span to resize it.")
            return
        tokens = self.session.tokens()
        step = tokens.grow if grow else tokens.shrink
        start, end = step(annotation.start, annotation.end, side)
        self._apply(resize(annotation, start, end, self.author))

    def grow_end(self) -> None:
        self.resize_selected(True, "end")

    def shrink_end(self) -> None:
        self.resize_selected(False, "end")

    def grow_start(self) -> None:
        self.resize_selected(True, "start")

    def shrink_start(self) -> None:
        self.resize_selected(False, "start")

    # -- events -----------------------------------------------------------------------------

    def _event_options(self) -> list[Option]:
        return [Option(t.name, t.key, t.color, t.description) for t in self.session.schema.events]

    def mark_trigger(self) -> None:
        if self.session.current is None:
            return
        chosen = self._text_selection(snap=True)
        if chosen is None:
            annotation = self.selected_annotation()
            if isinstance(annotation, SpanAnnotation):
                chosen = annotation.span
        if chosen is None:
            self.window.say("Select the trigger word first (the word that says the event happened).")
            return
        trigger = chosen

        def made(event_type: str) -> None:
            self.window.view.select(trigger.end, trigger.end)
            self._apply(create_event(trigger.relabeled(event_type), self.author))

        self.window.open_chooser(Chooser(self.window, "Event type", self._event_options(), made))

    def change_event_type(self) -> None:
        event = self.current_event()
        if event is None:
            self.window.say("Select an event first.")
            return
        self.window.open_chooser(
            Chooser(self.window, "Event type", self._event_options(), lambda t: self._apply(retype_event(event, t, self.author)))
        )

    def add_argument(self) -> None:
        event = self.current_event()
        if event is None:
            self.window.say("Select an event first (click its trigger or pick it in the events list).")
            return
        event_type = self.session.schema.event_type(event.type)
        roles = event_type.roles if event_type else ()
        options = [Option(r.name, str(i + 1) if i < 9 else "", self.session.schema.color_of(event.type), ", ".join(r.fillers)) for i, r in enumerate(roles)]
        selection = self._text_selection(snap=True)
        if selection is None and self.argument >= 0 and self.selected == event.uid:
            index = self.argument
            self.window.open_chooser(Chooser(
                self.window, f"New role for {event.arguments[index].role}", options,
                lambda role: self._apply(change_argument_role(event, index, role, self.author)),
            ))
            return
        if selection is None:
            annotation = self.selected_annotation()
            if isinstance(annotation, SpanAnnotation):
                selection = annotation.span
        if selection is None:
            self.window.say("Select the argument's text (or click an entity), then press A.")
            return
        if not options:
            self.window.say(f"The schema gives {event.type} no roles.")
            return
        current = self.session.current
        spans = type(current.own)(current.visible_spans())

        def chosen(role: str) -> None:
            filler = filler_for(selection, spans, role)
            self.window.view.select(selection.end, selection.end)
            self._apply(add_argument(event, role, filler, self.author))

        self.window.open_chooser(Chooser(self.window, f"Role in {event.type}", options, chosen))


def _start(annotation: Annotation) -> int:
    return annotation.trigger.start if isinstance(annotation, Event) else annotation.start
