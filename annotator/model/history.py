"""Undo and redo: the edits of one document, newest last."""

from __future__ import annotations

from annotator.model.changes import Edit


class History:
    """An undo stack of :class:`Edit` values. It only remembers; applying is the caller's job."""

    def __init__(self, limit: int = 1000):
        self._done: list[Edit] = []
        self._undone: list[Edit] = []
        self._limit = limit

    def record(self, edit: Edit) -> None:
        """Remember an edit that was applied; a new edit ends any redo."""
        if not edit:
            return
        self._done.append(edit)
        del self._done[: -self._limit]
        self._undone.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def latest(self) -> Edit | None:
        """The edit :meth:`next_undo` would undo (the very object recorded), or None."""
        return self._done[-1] if self._done else None

    @property
    def undo_title(self) -> str:
        return self._done[-1].title if self._done else ""

    @property
    def redo_title(self) -> str:
        return self._undone[-1].title if self._undone else ""

    def next_undo(self) -> Edit:
        """The edit that undoes the latest one; call :meth:`undone` once it was applied."""
        return self._done[-1].inverse()

    def undone(self) -> None:
        self._undone.append(self._done.pop())

    def next_redo(self) -> Edit:
        return self._undone[-1]

    def redone(self) -> None:
        self._done.append(self._undone.pop())

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
