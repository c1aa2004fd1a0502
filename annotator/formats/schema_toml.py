"""Reading and writing label schema files (TOML), with errors that name the line at fault."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from annotator.model.schema import LabelSchema, SchemaError
from annotator.model.toml_lines import line_of

class SchemaFileError(ValueError):
    """A schema file that cannot be used; ``str()`` is the message for the user."""

    def __init__(self, source: str, line: int | None, problem: str):
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


def parse_schema(text: str, source: str = "schema") -> LabelSchema:
    """Parse TOML schema text; raise :class:`SchemaFileError` naming the line and the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "invalid TOML"
        raise SchemaFileError(source, int(match.group(1)) if match else None, f"invalid TOML: {problem}") from None
    try:
        return LabelSchema.from_dict(data)
    except SchemaError as error:
        raise SchemaFileError(source, line_of(text, error.path), error.message) from None


def load_schema_file(path: str | Path) -> LabelSchema:
    """Read a schema file; unreadable or undecodable files raise :class:`SchemaFileError` too."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SchemaFileError(str(path), None, f"cannot read the file: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SchemaFileError(str(path), line, "the file is not valid UTF-8 text") from None
    return parse_schema(text, str(path))


def dump_schema(schema: LabelSchema) -> str:
    """The schema as TOML that :func:`parse_schema` reads back to an equal schema."""
    out: list[str] = []

    def value(v: Any) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    def key(k: str) -> str:
        return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else value(k)

    data = schema.to_dict()
    for section in ("entities", "events"):
        for name, spec in data[section].items():
            out.append(f"[{section}.{key(name)}]")
            for field_name, field_value in spec.items():
                if field_name == "roles":
                    for role, fillers in field_value.items():
                        out.append(f"roles.{key(role)} = {value(fillers)}")
                else:
                    out.append(f"{field_name} = {value(field_value)}")
            out.append("")
    for name, spec in data.get("relations", {}).items():
        out.append(f"[relations.{key(name)}]")
        for field_name, field_value in spec.items():
            shown = "true" if field_value is True else value(field_value)
            out.append(f"{field_name} = {shown}")
        out.append("")
    if data["label_map"]:
        out.append("[label_map]")
        out.extend(f"{key(k)} = {value(v)}" for k, v in data["label_map"].items())
    return "\n".join(out) + "\n"
