"""Schema files: the bundled default parses; every kind of mistake names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.app.bundled import resource_text
from annotator.app.bundled import default_schema
from annotator.formats.schema_toml import SchemaFileError, dump_schema, load_schema_file, parse_schema

DEFAULT = resource_text("schema.toml")


def _line(text: str, needle: str, after: str = "") -> int:
    lines = text.splitlines()
    begin = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i in range(begin, len(lines)) if needle in lines[i]) + 1


def test_dump_and_parse_round_trip() -> None:
    assert parse_schema(dump_schema(default_schema())) == default_schema()


@pytest.mark.parametrize(
    ("old", "new", "needle", "after", "message"),
    [
        ('roles.Victim = ["PERSON", "NORP", "CARDINAL"]', 'roles.Victim = ["PERSON", "PEOPLE"]', "roles.Victim", '[events."Life:Die"]', "'PEOPLE', which is not an entity label"),
        ('color = "#e6194b"', 'color = "crimson"', 'color = "crimson"', "", "must look like"),
        ('key = "o"\ndescription = "Companies', 'key = "p"\ndescription = "Companies', 'key = "p"', "[entities.ORG]", "already the key of 'PERSON'"),
        ("[entities.LOC]", "[entities.LOC", "[entities.LOC", "", "invalid TOML"),
        ('GPE = "GPE"', 'GPE = "COUNTRY"', 'GPE = "COUNTRY"', "[label_map]", "not an entity label"),
    ],
)
def test_mistakes_name_line_and_problem(old: str, new: str, needle: str, after: str, message: str) -> None:
    assert old in DEFAULT
    broken = DEFAULT.replace(old, new, 1)
    with pytest.raises(SchemaFileError, match=message) as caught:
        parse_schema(broken, "my.toml")
    assert caught.value.line == _line(broken, needle, after)
    assert str(caught.value).startswith(f"my.toml, line {caught.value.line}: ")


def test_unreadable_files_get_a_message(tmp_path: Path) -> None:
    with pytest.raises(SchemaFileError, match="cannot read"):
        load_schema_file(tmp_path / "missing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[entities.PERSON]\ncolor = "#123456"\ndescription = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SchemaFileError, match="line 3: the file is not valid UTF-8"):
        load_schema_file(latin)


def test_inline_tables_are_accepted() -> None:
    schema = parse_schema(
        '[entities]\nPER = { color = "#112233", key = "p" }\n'
        '[events]\n"Contact:Meet" = { color = "#445566", roles = { Entity = ["PER"] } }\n'
    )
    assert schema.allows("Contact:Meet", "Entity", "PER")
