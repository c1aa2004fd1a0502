"""An analyst's work on one project: the open document, its edits, undo and redo, its status.

The window drives this class and draws what it holds; it has no Qt in it, so tests drive it
directly too. Every edit goes to the project at once in one transaction (``store.apply``); when
another window changed the same annotation meanwhile, the edit is refused, the document reloaded
and the message says so: nothing is overwritten silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Sequence

from annotator.model.annotations import AnnotationSet, Decision, Event, SpanAnnotation
from annotator.model.changes import Annotation, Change, Edit, apply_to
from annotator.model.document import Document
from annotator.model.editing import Places, pending_suggestions, suggestion_places, touches_suggestions
from annotator.model.history import History
from annotator.model.layer import DocStatus, Layer, LayerKind, check_layer_name, kind_for_layer_name
from annotator.model.schema import LabelSchema
from annotator.model.tokens import Tokens
from annotator.store.database import ConflictError, StoreError
from annotator.store.project import ProjectStore

Listener = Callable[[str], None]
"""Called with what changed: "document", "annotations", "status", "suggestions", "project"."""


@dataclass
class OpenDocument:
    """What the window shows for the open document."""

    document: Document
    own: AnnotationSet
    suggestions: AnnotationSet
    status: DocStatus
    pending: AnnotationSet = field(init=False)
    _tokens: Tokens | None = None

    def __post_init__(self) -> None:
        self.pending = pending_suggestions(self.own, self.suggestions)

    @property
    def id(self) -> int:
        assert self.document.id is not None
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    @cached_property
    def _visible_spans(self) -> tuple[SpanAnnotation, ...]:
        rejected = Decision.REJECTED
        return tuple([a for a in self.own.spans if a.provenance.decision is not rejected]) + self.pending.spans

    @cached_property
    def _visible_events(self) -> tuple[Event, ...]:
        rejected = Decision.REJECTED
        return tuple([e for e in self.own.events if e.provenance.decision is not rejected]) + self.pending.events

    @cached_property
    def _by_uid(self) -> dict[str, Annotation]:
        return {a.uid: a for a in self._visible_spans + self._visible_events}  # type: ignore[operator]

    def visible_spans(self) -> tuple[SpanAnnotation, ...]:
        """The analyst's spans (not the rejected) and the pending suggestions."""
        return self._visible_spans

    def visible_events(self) -> tuple[Event, ...]:
        return self._visible_events

    def find(self, uid: str) -> Annotation | None:
        """A shown span or event by uid."""
        return self._by_uid.get(uid)

    def shown(self) -> dict[str, Annotation]:
        """Every shown span and event by uid (do not modify)."""
        return self._by_uid

    @cached_property
    def _suggestion_places(self) -> Places:
        return suggestion_places(self.suggestions)

    def after(self, own: AnnotationSet, status: DocStatus, changes: Sequence[Change]) -> OpenDocument:
        """This document once ``changes`` made its own annotations ``own``.

        An edit in an article of 26,000 spans must not cost a pass over all of them: when no change
        touches a suggestion (by source or place), the pending suggestions stay what they were and
        the shown-by-uid dictionary is this one's, patched; otherwise both are worked out afresh.
        """
        made = object.__new__(OpenDocument)
        made.document, made.own, made.suggestions, made.status, made._tokens = (
            self.document, own, self.suggestions, status, self._tokens
        )
        places = made.__dict__["_suggestion_places"] = self._suggestion_places  # the suggestions are the same
        if not touches_suggestions(places, changes):
            made.pending = self.pending
            shown = self.__dict__.get("_by_uid")
            if shown is not None:
                patched = dict(shown)
                rejected = Decision.REJECTED
                for change in changes:
                    if change.before is not None:
                        patched.pop(change.before.uid, None)
                    if change.after is not None and change.after.provenance.decision is not rejected:
                        patched[change.after.uid] = change.after
                made.__dict__["_by_uid"] = patched
        else:
            made.pending = pending_suggestions(own, self.suggestions)
        return made


def suggestion_layer_for(store: ProjectStore) -> Layer | None:
    """The suggestions shown to analysts: the project's chosen suggester, else the newest one."""
    chosen = store.setting("suggest.layer")
    layers = [layer for layer in store.layers() if layer.kind is LayerKind.SUGGESTIONS]
    for layer in layers:
        if layer.name == chosen:
            return layer
    return layers[-1] if layers else None


class Session:
    """One analyst (``annotator``) working on one project, in their own layer or, reviewing,
    in the ``gold`` layer (``layer_name``); edits record ``annotator`` as their author."""

    def __init__(
        self,
        store: ProjectStore,
        annotator: str,
        layer_name: str | None = None,
        writer: Callable[[int, Edit], None] | None = None,
        suggestions: bool = True,
    ):
        self.store = store
        self._writer = writer
        self.layer_name = check_layer_name(layer_name or annotator)
        existing = store.layer(self.layer_name)
        if existing is not None and existing.kind is LayerKind.SUGGESTIONS:
            raise StoreError(f"{self.layer_name!r} is the name of a suggester's layer; choose another annotator name")
        # Made on the first edit: merely looking at the project leaves no empty layer behind
        # (an empty layer would count as an annotator in agreement and review).
        self.layer: Layer | None = existing
        self.annotator = check_layer_name(annotator)
        self._with_suggestions = suggestions
        self.suggestion_layer = suggestion_layer_for(store) if suggestions else None
        self.current: OpenDocument | None = None
        self._histories: dict[int, History] = {}
        self._listeners: list[Listener] = []
        self._seen_version = store.data_version()
        self._seen_fingerprint: tuple = ()
        self.schema: LabelSchema = store.schema() or LabelSchema()

    # -- notification -----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _notify(self, what: str) -> None:
        for listener in list(self._listeners):
            listener(what)

    # -- opening ----------------------------------------------------------------------------

    @property
    def layer_id(self) -> int | None:
        """The layer's id, or None while it does not exist yet."""
        return self.layer.id if self.layer is not None else None

    def _layer_for_writing(self) -> int:
        if self.layer is None:
            self.layer = self.store.ensure_layer(self.layer_name, kind_for_layer_name(self.layer_name))
        assert self.layer.id is not None
        return self.layer.id

    def _load(self, document_id: int) -> OpenDocument:
        document = self.store.document(document_id)
        if self.layer is None:
            self.layer = self.store.layer(self.layer_name)  # another window may have made it
        own = self.store.annotations(self.layer_id, document_id) if self.layer_id is not None else AnnotationSet()
        suggestions = AnnotationSet()
        if self.suggestion_layer is not None:
            suggestions = self.store.annotations(self.suggestion_layer.id, document_id)  # type: ignore[arg-type]
        status = self.store.status(self.layer_id, document_id) if self.layer_id is not None else DocStatus.NEW
        return OpenDocument(document, own, suggestions, status)

    def open(self, document_id: int) -> OpenDocument:
        self.current = self._load(document_id)
        self._seen_fingerprint = self._fingerprint()
        self._notify("document")
        return self.current

    def reload(self) -> None:
        """Read the open document again (another window or the suggester changed it)."""
        if self.current is not None:
            tokens = self.current._tokens
            self.current = self._load(self.current.id)
            self.current._tokens = tokens
            self._seen_fingerprint = self._fingerprint()
            self._notify("annotations")

    def has_suggestions(self, document_id: int) -> bool:
        """Whether the suggester has processed this document."""
        if self.suggestion_layer is None:
            return False
        return self.store.status(self.suggestion_layer.id, document_id) is DocStatus.DONE  # type: ignore[arg-type]

    def use_suggestion_layer(self, name: str) -> None:
        if not self._with_suggestions:
            return
        layer = self.store.layer(name)
        if layer is not None and (self.suggestion_layer is None or layer.id != self.suggestion_layer.id):
            self.suggestion_layer = layer
            self.reload()

    def tokens(self) -> Tokens:
        """Token boundaries of the open document, read when first needed."""
        assert self.current is not None
        if self.current._tokens is None:
            self.current._tokens = Tokens.from_blob(self.store.tokens(self.current.id))
        return self.current._tokens

    # -- editing ----------------------------------------------------------------------------

    @property
    def history(self) -> History:
        assert self.current is not None
        return self._histories.setdefault(self.current.id, History())

    def _write(self, edit: Edit) -> str | None:
        """Apply to the project, then to what is shown; on a conflict reload and explain."""
        assert self.current is not None
        try:
            if self._writer is not None:
                self._layer_for_writing()
                self._writer(self.current.id, edit)
            else:
                self.store.apply(self._layer_for_writing(), self.current.id, edit.changes)
        except ConflictError as conflict:
            self.history.clear()
            self.reload()
            return str(conflict)
        current = self.current
        own = apply_to(current.own, edit.changes)
        status = DocStatus.IN_PROGRESS if current.status is DocStatus.NEW else current.status
        self.current = current.after(own, status, edit.changes)
        self._notify("annotations")
        return None

    def apply(self, edit: Edit) -> str | None:
        """Do one user action. Returns None, or the message of a refused (conflicting) edit."""
        if not edit or self.current is None:
            return None
        problem = self._write(edit)
        if problem is None:
            self.history.record(edit)
        return problem

    def undo(self) -> str | None:
        if self.current is None or not self.history.can_undo:
            return None
        problem = self._write(self.history.next_undo())
        if problem is None:
            self.history.undone()
        return problem

    def redo(self) -> str | None:
        if self.current is None or not self.history.can_redo:
            return None
        problem = self._write(self.history.next_redo())
        if problem is None:
            self.history.redone()
        return problem

    def set_status(self, status: DocStatus) -> None:
        assert self.current is not None
        self.store.set_status(self._layer_for_writing(), self.current.id, status)
        self.current.status = status
        self._notify("status")

    # -- other windows ----------------------------------------------------------------------

    def _fingerprint(self) -> tuple:
        assert self.current is not None
        layers = [self.layer_id, self.suggestion_layer.id if self.suggestion_layer else None]
        return self.store.fingerprint(layers, self.current.id)  # type: ignore[arg-type]

    def check_external_changes(self) -> bool:
        """Catch up with what another connection (window, suggester, command) wrote since we last
        looked; SQLite's data_version does not count this connection's own commits. The open
        document is read again only if its own annotations changed, which a cheap query tells."""
        version = self.store.data_version()
        if version == self._seen_version:
            return False
        self._seen_version = version
        if self.layer is None:
            self.layer = self.store.layer(self.layer_name)
        if self.suggestion_layer is None and self._with_suggestions:
            self.suggestion_layer = suggestion_layer_for(self.store)
        schema = self.store.schema() or self.schema
        if schema != self.schema:
            self.schema = schema
            self._notify("project")
        if self.current is not None and self._fingerprint() != self._seen_fingerprint:
            self.reload()
        self._notify("status")
        return True
