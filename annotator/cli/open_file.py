"""``annotator FILE``: open a project file given as the only positional argument.

File managers and the launcher entry (``Exec=annotator %f``) start the app with the file's path.
Click cannot mix a positional argument with subcommands on one group, so before parsing, a first
positional argument that is no command name and names a project file becomes ``--db FILE``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

PROJECT_SUFFIXES = (".annotator", ".db")
"""What a project file is called: ``.annotator`` (the launcher's MIME type) or ``.db`` (the default project)."""

# Group options that take a value: their value is not the positional argument.
_VALUE_OPTIONS = {"--db", "--annotator"}


def looks_like_project(argument: str) -> bool:
    """A path ending in a project suffix, or any existing file (a renamed project still opens)."""
    path = Path(argument)
    return path.suffix.lower() in PROJECT_SUFFIXES or path.is_file()


def project_argument(args: list[str], commands: Collection[str]) -> list[str]:
    """``args`` with a leading project file turned into ``--db FILE``; unchanged otherwise."""
    index = 0
    while index < len(args):
        argument = args[index]
        if argument == "--":
            return args
        if argument.startswith("-"):
            index += 2 if argument in _VALUE_OPTIONS else 1
            continue
        if argument in commands or not looks_like_project(argument):
            return args
        return [*args[:index], "--db", argument, *args[index + 1 :]]
    return args
