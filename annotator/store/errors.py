"""The store's errors; ``str()`` of each is the message for the user.

A module of their own so that the file checks (:mod:`annotator.store.checks`) and the
connection (:mod:`annotator.store.database`) both raise them without importing each other.
"""

from __future__ import annotations


class StoreError(Exception):
    """A project file that cannot be opened or written; ``str()`` is the message for the user."""


class ConflictError(StoreError):
    """Another window or process changed what this edit was about to change."""


class WriteError(StoreError):
    """A write the project could not take (busy, read-only, disk full); nothing of it was saved."""


class BusyError(WriteError):
    """Another connection held the write lock for longer than the busy timeout."""


class ReadOnlyError(WriteError):
    """The project file or its folder cannot be written."""


class DamagedError(StoreError):
    """The project file is damaged (SQLite reports corrupt pages or no database at all)."""
