"""Storage: the only code that touches SQLite (through sqlite-utils). One project is one file."""

from annotator.store.database import ConflictError, StoreError
from annotator.store.project import ProjectStore

__all__ = ["ConflictError", "ProjectStore", "StoreError"]
