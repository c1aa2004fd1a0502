"""Where an entry of a TOML text is written: the line a schema or rules file's error names.

``tomllib`` reports the line only for syntax errors; for a value that parses but is wrong (a label
that breaks the naming rule, a lexicon entry that is no list) this finds the line from the text.
Used by the schema reader (``formats/schema_toml.py``) and the trigger lexicon (``suggest/rules.py``).
"""

from __future__ import annotations

import re


def _key_pattern(name: str) -> str:
    return rf'(?:{re.escape(name)}|"{re.escape(name)}"|\'{re.escape(name)}\')'


def line_of(text: str, path: tuple[str, ...]) -> int | None:
    """The line of ``text`` where the entry at ``path`` is written, as well as TOML lets us tell.

    Finds the deepest table header on the path (``[events."Life:Die"]``), then the first line
    below it that names the rest of the path (``key = ...``, ``roles.Victim = ...``), trying
    shorter prefixes of the rest when the full one is not written out (inline tables).
    """
    lines = text.splitlines()

    def dotted(parts: tuple[str, ...]) -> str:
        return r"\s*\.\s*".join(_key_pattern(p) for p in parts)

    header, rest = None, path
    for depth in range(len(path), 0, -1):
        pattern = re.compile(r"\s*\[\s*" + dotted(path[:depth]) + r"\s*\]")
        header = next((i for i, line in enumerate(lines) if pattern.match(line)), None)
        if header is not None:
            rest = path[depth:]
            break
    begin = 0 if header is None else header + 1
    end = len(lines)
    if header is not None:
        end = next((i for i in range(begin, len(lines)) if re.match(r"\s*\[", lines[i])), len(lines))
    for width in range(len(rest), 0, -1):
        pattern = re.compile(r"\s*" + dotted(rest[:width]) + r"\s*=")
        found = next((i for i in range(begin, end) if pattern.match(lines[i])), None)
        if found is not None:
            return found + 1
    return None if header is None else header + 1
