"""What changed, as the session tells its listeners and the window's ``refresh`` receives it.

A ``StrEnum``, so a listener written against the old strings ("document", ...) still compares equal.
"""

from __future__ import annotations

from enum import StrEnum


class Change(StrEnum):
    """How much of what the window shows is out of date."""

    DOCUMENT = "document"
    """Another document is open (or none): everything is redrawn."""
    ANNOTATIONS = "annotations"
    """The open document's annotations or suggestions changed."""
    SELECTION = "selection"
    """The selected mark or event changed."""
    TEXT_SELECTION = "text_selection"
    """The analyst selected text in the article (no annotation changed)."""
    STATUS = "status"
    """A status changed (done, suggester state): status bar, list row, actions."""
    SUGGESTIONS = "suggestions"
    """Suggestions arrived for a document."""
    PROJECT = "project"
    """The project itself changed (schema, labels, another project or layer)."""
