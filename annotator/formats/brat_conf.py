"""The ``[relations]`` section of brat's ``annotation.conf``, as relation types for the schema.

``Located  Arg1:Person, Arg2:GPE|Organization`` gives the type ``Located`` with those labels at
head and child; ``<REL-TYPE>:symmetric-transitive`` marks an equivalence (``Equiv``). A type on
several lines gathers their labels. brat's ``<OVERLAP>`` line and macros (``<...>``) are no
types. Entity and event labels are not read from the file: the annotations bring those.
"""

from __future__ import annotations

from pathlib import Path

from annotator.formats.text_files import decode


def read_relation_types(path: Path) -> dict[str, tuple[set[str], set[str], bool]]:
    """``{type: (head labels, child labels, symmetric)}`` from an ``annotation.conf``."""
    try:
        text = decode(path.read_bytes(), "brat configuration")
    except OSError:
        return {}
    found: dict[str, tuple[set[str], set[str], bool]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section != "relations" or line.startswith("<") or line.startswith("-"):
            continue
        name, _, rest = line.replace("\t", " ").partition(" ")
        heads, children, symmetric = found.setdefault(name, (set(), set(), False))
        for part in rest.split(","):
            key, _, value = part.strip().partition(":")
            labels = {v for v in value.split("|") if v and v != "<ANY>"}
            if key == "Arg1":
                heads.update(labels)
            elif key == "Arg2":
                children.update(labels)
            elif key == "<REL-TYPE>" and "symmetric" in value:
                found[name] = (heads, children, True)
    return found
