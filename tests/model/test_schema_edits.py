"""Adding labels and relation types to a schema; imported ones get keys (issue 23 items 6, 8)."""

from __future__ import annotations

import pytest

from annotator.model.keys import ENTITY_RESERVED
from annotator.model.schema import SchemaError
from annotator.model.schema_edits import add_entity_label, add_relation_type
from annotator.app.workspace import default_schema


def test_added_label_and_type_get_free_keys_and_the_naming_rule() -> None:
    schema = add_entity_label(default_schema(), "WEAPON")
    keys = [e.key for e in schema.entities]
    assert schema.entities[-1].key and keys.count(schema.entities[-1].key) == 1
    assert schema.entities[-1].key not in ENTITY_RESERVED
    schema = add_relation_type(add_relation_type(schema, "Located"), "Works_for", ("PERSON",), ("ORG",))
    assert [(t.name, t.key) for t in schema.relations] == [("Located", "a"), ("Works_for", "b")]
    for bad in ("two words", "", "PERSON", "Located"):
        with pytest.raises(SchemaError):
            add_relation_type(schema, bad)


def test_imported_labels_and_relation_types_get_keys() -> None:
    schema, added = default_schema().with_labels(["Protein", "Cell_type"])
    new = [e for e in schema.entities if e.name in ("Protein", "Cell_type")]
    assert len(new) == 2 and all(e.key for e in new) and added
    assert len({e.key for e in schema.entities}) == len(schema.entities)
    schema, _ = schema.with_relations({"Located": ((), (), False), "Equiv": ((), (), True)})
    assert all(t.key for t in schema.relations) and len({t.key for t in schema.relations}) == 2
