"""The label schema: the default one, checks on bad entries, extension by imported labels."""

from __future__ import annotations

import pytest

from annotator.app.bundled import default_schema
from annotator.model.schema import LabelSchema, SchemaError

SPACY_LABELS = [
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
    "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
]


def test_default_schema_has_spacy_labels_and_ace_events() -> None:
    schema = default_schema()
    assert list(schema.entity_names) == SPACY_LABELS
    assert len(schema.events) == 33
    transport = schema.event_type("Movement:Transport")
    assert transport is not None
    assert transport.role_names == ("Agent", "Artifact", "Vehicle", "Origin", "Destination", "Time")
    assert schema.allows("Movement:Transport", "Destination", "GPE")
    assert not schema.allows("Movement:Transport", "Destination", "DATE")
    assert not schema.allows("Movement:Transport", "Victim")
    # A noun phrase that is no entity carries its role's name and fits that role.
    assert schema.allows("Movement:Transport", "Artifact", "Artifact")
    assert all(label.key and label.color for label in schema.entities)
    assert len({label.key for label in schema.entities}) == len(schema.entities)
    assert set(schema.label_map) == set(SPACY_LABELS)


def test_round_trip_through_dict() -> None:
    schema = default_schema()
    assert LabelSchema.from_dict(schema.to_dict()) == schema


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({}, ("entities",), "no entity labels"),
        ({"entities": {"A": {"color": "red"}}}, ("entities", "A", "color"), "color"),
        ({"entities": {"A": {"color": "#123456", "key": "ab"}}}, ("entities", "A", "key"), "one printable character"),
        ({"entities": {"A B": {"color": "#123456"}}}, ("entities", "A B"), "without spaces"),
        (
            {"entities": {"A": {"color": "#123456", "key": "a"}, "B": {"color": "#123456", "key": "a"}}},
            ("entities", "B", "key"),
            "already the key of 'A'",
        ),
        (
            {"entities": {"A": {"color": "#123456"}}, "events": {"E": {"color": "#123456", "roles": {"R": ["Z"]}}}},
            ("events", "E", "roles", "R"),
            "'Z', which is not an entity label",
        ),
        ({"entities": {"A": {"color": "#123456"}}, "label_map": {"ORG": "B"}}, ("label_map", "ORG"), "not an entity label"),
        ({"entities": {"A": {"color": "#123456", "colour": "#123456"}}}, ("entities", "A"), "unknown setting 'colour'"),
        ({"entities": {"A": {"color": "#123456"}}, "labels": {}}, ("labels",), "unknown section"),
    ],
)
def test_bad_schema_entries_name_their_path(data: dict, path: tuple, message: str) -> None:
    with pytest.raises(SchemaError, match=message) as caught:
        LabelSchema.from_dict(data)
    assert caught.value.path == path


def test_labels_with_quotes_and_sql_are_just_names() -> None:
    name = "x';DROP_TABLE_spans;--\""
    schema = LabelSchema.from_dict({"entities": {name: {"color": "#123456"}}})
    assert schema.entity_names == (name,)


def test_extension_adds_what_imported_data_uses() -> None:
    schema = default_schema()
    extended, added = schema.with_labels(
        {"ORG", "Organization"}, {"Merge-org": {"Org-Arg": {"Organization"}}, "Life:Die": {"Victim": {"PERSON"}}}
    )
    assert added == ["entity label Organization", "event type Merge-org", "role Org-Arg of Merge-org"]
    merge = extended.event_type("Merge-org")
    assert merge is not None and merge.role("Org-Arg").fillers == ("Organization",)  # type: ignore[union-attr]
    assert extended.entity("Organization").color.startswith("#")  # type: ignore[union-attr]
    assert schema.with_labels({"ORG"}) == (schema, [])
