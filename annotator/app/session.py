"""An analyst's work on one project: the open document, its edits, undo and redo, its status.

The window drives this class and draws what it holds; it has no Qt in it, so tests drive it
directly too. Every edit goes to the project at once in one transaction (``store.apply``); when
another window changed the same annotation meanwhile, the edit is refused, the document reloaded
and the message says so: nothing is overwritten silently.
"""

from __future__ import annotations

from typing import Callable

from annotator.app.change import Change
from annotator.app.document_queries import DocumentQueries
from annotator.app.layers import annotator_name_problem
from annotator.store.layer_choice import suggestion_layer
from annotator.model.annotations import AnnotationSet
from annotator.model.changes import Edit
from annotator.model.relation_editing import follow_relations
from annotator.model.history import History
from annotator.model.layer import DocStatus, Layer, LayerKind, check_layer_name, kind_for_layer_name
from annotator.model.schema import LabelSchema
from annotator.model.tokens import Tokens
from annotator.app.open_document import OpenDocument, after_edit
from annotator.store.database import BusyError, ConflictError, StoreError, WriteError
from annotator.store.project import ProjectStore
from annotator.store.rows import gc_paused

Listener = Callable[[Change], None]
"""Called with what changed (a :class:`~annotator.app.change.Change`)."""


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
        self.documents = DocumentQueries(store)
        """The document list's reads (the window lists and steps through documents with these)."""
        self._writer = writer
        self.layer_name = check_layer_name(layer_name or annotator)
        if layer_name is None:
            problem = annotator_name_problem(annotator, store)
            if problem:
                raise StoreError(problem)
        existing = store.layer(self.layer_name)
        if existing is not None and existing.kind is LayerKind.SUGGESTIONS:
            raise StoreError(f"{self.layer_name!r} is the name of a suggester's layer; choose another annotator name")
        # Made on the first edit: merely looking at the project leaves no empty layer behind
        # (an empty layer would count as an annotator in agreement and review).
        self.layer: Layer | None = existing
        self.annotator = check_layer_name(annotator)
        self._with_suggestions = suggestions
        self.suggestion_layer = suggestion_layer(store) if suggestions else None
        self.current: OpenDocument | None = None
        self._histories: dict[int, History] = {}
        self._marked_done: dict[int, tuple[Edit, DocStatus]] = {}
        """Per document, the edit its mark-done applied and the status before: undoing that edit
        also takes the done mark back (the analyst returns to the article as it was)."""
        self.last_marked: int | None = None
        """The document the latest mark-done with decisions was about (its undo is offered from the next one)."""
        self._listeners: list[Listener] = []
        self._seen_version = store.data_version()
        self._seen_fingerprint: tuple | None = ()
        """The open document's rows as last read (None: not taken yet, see :meth:`settle`)."""
        self._loaded_version = self._seen_version
        self.schema: LabelSchema = store.schema() or LabelSchema()
        self.on_busy: Callable[[Callable[[], str | None], str], None] | None = None
        """Called with a retry and the message when the project is busy (set by the window)."""
        self.on_problem: Callable[[str], None] | None = None
        """Called with the message of every write that failed (set by the window)."""

    def wait_when_busy(self, seconds: float) -> None:
        """How long a write waits for another program's write lock before :class:`BusyError`
        (the window keeps it short and retries on a timer)."""
        self.store.set_busy_timeout(seconds)

    def recovered(self) -> str | None:
        """What opening the project repaired (a sentence for the analyst), or None."""
        return self.store.recovered

    # -- notification -----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _notify(self, what: Change) -> None:
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
        # A long article is tens of thousands of objects without reference cycles: a collection
        # in the middle of reading them walks all made so far, again and again (open grew faster
        # than the article).
        with gc_paused():
            return self._read(document_id)

    def _read(self, document_id: int) -> OpenDocument:
        document = self.store.document(document_id)
        if self.layer is None:
            self.layer = self.store.layer(self.layer_name)  # another window may have made it
        own = self.store.annotations(self.layer_id, document_id) if self.layer_id is not None else AnnotationSet()
        suggestions = AnnotationSet()
        if self.suggestion_layer is not None:
            suggestions = self.store.annotations(self.suggestion_layer.id, document_id)  # type: ignore[arg-type]
        status = self.store.status(self.layer_id, document_id) if self.layer_id is not None else DocStatus.NEW
        return OpenDocument(document, own, suggestions, status)

    def open(self, document_id: int, settle: bool = True) -> OpenDocument:
        """Read and show a document. With ``settle`` false, what only serves later checks is
        left for :meth:`settle`: the fingerprint reads every row of the document again, and a
        long article's need not hold up its first paint (the window settles after that paint)."""
        version = self.store.data_version()
        self.current = self._load(document_id)
        self._seen_fingerprint, self._loaded_version = None, version
        if settle:
            self.settle()
        self._notify(Change.DOCUMENT)
        return self.current

    def settle(self) -> None:
        """Finish what :meth:`open` left for after the first paint: the open document's fingerprint
        (if another program wrote since the read, it is not taken: the next check reads again)."""
        if self.current is not None and self._seen_fingerprint is None and self.store.data_version() == self._loaded_version:
            # Nobody else wrote since the document was read: its rows are what was read.
            self._seen_fingerprint = self._fingerprint()
        if self.current is not None:
            self.current._suggestion_uids  # noqa: B018 - made now, not by the first accept

    def reload(self) -> None:
        """Read the open document again (another window or the suggester changed it)."""
        if self.current is not None:
            tokens = self.current._tokens
            self.current = self._load(self.current.id)
            self.current._tokens = tokens
            self._seen_fingerprint = self._fingerprint()
            self._notify(Change.ANNOTATIONS)

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
            from annotator.suggest.tokenizer import tokens_of

            self.current._tokens = tokens_of(self.current.text, self.store.tokens(self.current.id))
        return self.current._tokens

    # -- editing ----------------------------------------------------------------------------

    @property
    def history(self) -> History:
        assert self.current is not None
        return self._histories.setdefault(self.current.id, History())

    def _write(self, edit: Edit, done: bool = False, restore: DocStatus | None = None) -> str | None:
        """Apply to what is shown, let the listeners show it, then write it to the project in one
        transaction before returning (so the screen does not wait for the disk's sync); on a
        conflict, or any failure to write, reload what the project holds and explain. With
        ``done`` the document is marked done in the same transaction; with ``restore`` it gets
        that status back (undoing a mark-done)."""
        assert self.current is not None
        current = self.current
        document_id = current.id
        status = DocStatus.IN_PROGRESS if current.status is DocStatus.NEW else current.status
        status = DocStatus.DONE if done else (restore if restore is not None else status)
        self.current = after_edit(current, tuple(edit.changes), status)
        self._notify(Change.ANNOTATIONS)
        had_layer = self.layer
        try:
            try:
                # The layer is made in the edit's own transaction: the first edits of two windows
                # (or processes) as the same new annotator both land, in one layer.
                with self.store.transaction():
                    if self._writer is not None:
                        self._layer_for_writing()
                        self._writer(document_id, edit)
                    else:
                        self.store.apply(self._layer_for_writing(), document_id, edit.changes)
                    if done or restore is not None:
                        self.store.set_status(self._layer_for_writing(), document_id, status)
            except BaseException:
                self.layer = had_layer  # a layer made in the rolled back transaction is not there
                raise
        except ConflictError as conflict:
            self.history.clear()
            self.reload()
            return str(conflict)
        except BaseException:
            # Nothing was written: show what the project holds, not the edit.
            self.reload()
            raise
        return None

    def apply(self, edit: Edit) -> str | None:
        """Do one user action. Returns None, or the message of a refused edit (a conflict, a
        read-only project, a full disk, a busy project)."""
        if not edit or self.current is None:
            return None
        edit = follow_relations(edit, self.current.own)  # relations go where their spans go
        problem = self._guarded(lambda: self._write(edit), lambda: self.apply(edit))
        if problem is None:
            self.history.record(edit)
        return problem

    def undo(self) -> str | None:
        if self.current is None or not self.history.can_undo:
            return None
        marked = self._marked_done.get(self.current.id)
        restore = marked[1] if marked is not None and marked[0] is self.history.latest else None
        problem = self._guarded(lambda: self._write(self.history.next_undo(), restore=restore), self.undo)
        if problem is None:
            self.history.undone()
            if restore is not None:
                self._notify("status")
        return problem

    def redo(self) -> str | None:
        if self.current is None or not self.history.can_redo:
            return None
        marked = self._marked_done.get(self.current.id)
        done = marked is not None and marked[0] is self.history.next_redo()
        problem = self._guarded(lambda: self._write(self.history.next_redo(), done=done), self.redo)
        if problem is None:
            self.history.redone()
            if done:
                self._notify("status")
        return problem

    def undo_elsewhere(self) -> int | None:
        """The document whose mark-done decisions Undo can take back from here: the one marked
        done last, while the open one has nothing to undo and that mark-done is its latest edit."""
        marked = self.last_marked
        if self.current is None or marked is None or marked == self.current.id or self.history.can_undo:
            return None
        history = self._histories.get(marked)
        edit = self._marked_done.get(marked)
        return marked if history is not None and edit is not None and history.latest is edit[0] else None

    def undo_title_elsewhere(self) -> str:
        """The undo menu's words for :meth:`undo_elsewhere`'s edit."""
        marked = self.undo_elsewhere()
        return self._histories[marked].undo_title if marked is not None else ""

    def set_status(self, status: DocStatus) -> str | None:
        """Mark the open document; returns None, or why it could not be saved."""
        assert self.current is not None

        def write() -> None:
            with self.store.transaction():
                self.store.set_status(self._layer_for_writing(), self.current.id, status)  # type: ignore[union-attr]

        problem = self._guarded(write, lambda: self.set_status(status))
        if problem is None:
            self.current.status = status
            self._notify(Change.STATUS)
        return problem

    def mark_done(self, edit: Edit) -> str | None:
        """Apply ``edit`` (deciding undecided suggestions, see :mod:`annotator.model.mark_done`) and
        mark the open document done, in one transaction; an empty edit only marks done. Returns
        None, or why nothing was saved. The edit is undone like any other (the status stays)."""
        assert self.current is not None
        if not edit:
            return self.set_status(DocStatus.DONE)
        edit = follow_relations(edit, self.current.own)
        before = self.current.status
        problem = self._guarded(lambda: self._write(edit, done=True), lambda: self.mark_done(edit))
        if problem is None:
            self.history.record(edit)
            self._marked_done[self.current.id] = (edit, before)
            self.last_marked = self.current.id
            self._notify(Change.STATUS)
        return problem

    # -- writes that fail ---------------------------------------------------------------------

    def _guarded(self, write: Callable[[], str | None], again: Callable[[], str | None]) -> str | None:
        """Run one write; a failure becomes the message for the user (and goes to ``on_problem``).

        A busy project (another program holds the write lock) is handed to ``on_busy`` with a
        way to try the same action again, while the same document is open: the window retries
        on a timer instead of freezing for the whole busy timeout.
        """
        if self.store.read_only:
            return self._refused(f"Nothing can be changed: this project is open read-only ({self.store.read_only}).")
        layer = self.layer
        try:
            return write()
        except BusyError as error:
            self.layer = layer
            if self.on_busy is None or self.current is None:
                return self._refused(str(error))
            document_id = self.current.id

            def retry() -> str | None:
                if self.current is None or self.current.id != document_id:
                    return "The change was not saved: the project stayed busy and another document is open now."
                return again()

            self.on_busy(retry, str(error))
            return "The project is busy (another program is writing to it); trying again…"
        except WriteError as error:
            self.layer = layer
            return self._refused(str(error))

    def _refused(self, message: str) -> str:
        if self.on_problem is not None:
            self.on_problem(message)
        return message

    # -- other windows ----------------------------------------------------------------------

    def _fingerprint(self) -> tuple:
        assert self.current is not None
        layers = [self.layer_id, self.suggestion_layer.id if self.suggestion_layer else None]
        return self.store.fingerprint(layers, self.current.id)  # type: ignore[arg-type]

    def set_schema(self, schema: LabelSchema) -> None:
        """Save ``schema`` as the project's (the window's schema editor) and tell the window."""
        self.store.set_schema(schema)
        self.schema = self.store.schema() or schema
        self._notify(Change.PROJECT)

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
            self.suggestion_layer = suggestion_layer(self.store)
        schema = self.store.schema() or self.schema
        if schema != self.schema:
            self.schema = schema
            self._notify(Change.PROJECT)
        self.settle()
        if self.current is not None and self._fingerprint() != self._seen_fingerprint:
            # Also when the fingerprint was never taken and another program wrote since the
            # open (settle() could not vouch for what was read): read the document again.
            self.reload()
        self._notify(Change.STATUS)
        return True
