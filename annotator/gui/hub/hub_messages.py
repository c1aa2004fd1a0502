"""What the window says when the team hub cannot be used yet: no hub connected, or no driver.

The driver advice depends on how annotator was installed: the desktop bundle (PyInstaller, frozen)
has no pip to install anything into, so it is never told to run pip; a Python install is told the
exact command for the interpreter it runs on.
"""

from __future__ import annotations

import shlex
import sys

NOT_CONNECTED = "This project is not connected to a team hub: File > Connect to team hub… connects it."
"""Short: the status bar shares the row with the suggestions, progress and annotator at 1024 px."""


def is_bundle() -> bool:
    """Whether this is the self-contained desktop app (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def driver_missing(bundle: bool | None = None) -> str:
    """Why the hub cannot be used without the PostgreSQL driver, and what this user can do about it."""
    if is_bundle() if bundle is None else bundle:
        return (
            "This desktop build of annotator was made without the PostgreSQL driver a team hub needs, "
            "so it cannot connect to a hub. Everything else works as before in this project file. "
            "To work with your team's hub, ask whoever gave you this build for the Python install of "
            "annotator with hub support (the README's \"Working as a team\" section says how it is installed)."
        )
    command = f"{shlex.quote(sys.executable)} -m pip install 'annotator[hub]'"
    return (
        "The team hub needs the PostgreSQL driver (psycopg), which is not installed. Install it into the "
        f"Python that runs annotator:\n\n{command}\n\nthen start annotator again."
    )
