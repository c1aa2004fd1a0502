"""Relations as annotations: values, schema types, edits that carry them along, undo (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.model.annotations import AnnotationError, AnnotationSet, Decision, Span, SpanAnnotation
from annotator.model.changes import apply_to
from annotator.model.editing import delete, resize
from annotator.model.relation_editing import create_relation, decide_relation, follow_relations
from annotator.model.relations import Relation, RelationEnd
from annotator.model.schema import LabelSchema
from annotator.app.session import Session
from annotator.store.project import ProjectStore

TEXT = "Terry Pratchett lived in England with Rob Wilkins.\n"
TERRY = Span(0, 15, "Person")
ENGLAND = Span(25, 32, "GPE")
ROB = Span(38, 49, "Person")


def test_relation_values() -> None:
    with pytest.raises(AnnotationError):
        Relation("Located", (RelationEnd(TERRY),))
    with pytest.raises(AnnotationError):
        RelationEnd(TERRY, "e1")
    group = Relation("Alias", (RelationEnd(ROB), RelationEnd(TERRY), RelationEnd(ROB)), symmetric=True)
    assert group.ends == (RelationEnd(TERRY), RelationEnd(ROB))  # a set, in text order
    with pytest.raises(AnnotationError):
        Relation("Alias", (RelationEnd(TERRY), RelationEnd(TERRY)), symmetric=True)


def test_schema_relation_types_round_trip_and_grow_from_data() -> None:
    schema = LabelSchema.from_dict(
        {"entities": {"Person": {"color": "#112233"}, "GPE": {"color": "#445566"}},
         "relations": {"Located": {"head": ["Person"], "child": ["GPE"], "color": "#778899"}}}
    )
    assert LabelSchema.from_dict(schema.to_dict()) == schema
    assert [t.name for t in schema.relation_types_for("Person", "GPE")] == ["Located"]
    assert schema.relation_types_for("GPE", "Person") == []
    grown, added = schema.with_relations({"Located": ({"Org"}, {"GPE"}, False), "Alias": ({"Person"}, {"Person"}, True)})
    assert added == ["relation type Alias", "labels of relation type Located"]
    assert grown.relation_type("Located").heads == ("Person", "Org")  # type: ignore[union-attr]
    assert grown.relation_type("Alias").symmetric  # type: ignore[union-attr]


def test_moving_or_deleting_a_span_carries_its_relations() -> None:
    terry, england = SpanAnnotation(TERRY), SpanAnnotation(ENGLAND)
    located = Relation("Located", (RelationEnd(TERRY), RelationEnd(ENGLAND)))
    own = AnnotationSet((terry, england), (), (located,))
    edit = follow_relations(resize(england, 25, 31, "alice"), own)
    after = apply_to(own, edit.changes)
    assert after.relations[0].child.span == Span(25, 31, "GPE") and after.relations[0].uid == located.uid
    edit = follow_relations(delete([terry], "alice"), own)
    assert apply_to(own, edit.changes).relations == ()
    # Undo gives the relation back with the span.
    assert apply_to(apply_to(own, edit.changes), edit.inverse().changes) == own


def test_session_adds_decides_and_undoes_relations(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    (tmp_path / "t.txt").write_text(TEXT)
    from annotator.formats.importer import import_paths

    with ProjectStore.open(path) as store:
        import_paths(store, [tmp_path / "t.txt"])
        session = Session(store, "alice")
        doc = session.open(store.document_ids()[0])
        assert session.apply(create_relation("Located", RelationEnd(TERRY), RelationEnd(ENGLAND), "alice")) is None
        (relation,) = store.annotations(session.layer_id, doc.id).relations  # type: ignore[arg-type]
        assert (relation.type, relation.head.span, relation.child.span) == ("Located", TERRY, ENGLAND)
        assert session.apply(decide_relation(relation, Decision.REJECTED, "alice")) is None
        assert store.annotations(session.layer_id, doc.id).relations[0].provenance.is_rejected  # type: ignore[arg-type]
        session.undo()
        assert not store.annotations(session.layer_id, doc.id).relations[0].provenance.is_rejected  # type: ignore[arg-type]
        session.undo()
        assert store.annotations(session.layer_id, doc.id).relations == ()  # type: ignore[arg-type]
        session.redo()
        assert len(session.current.own.relations) == 1  # type: ignore[union-attr]
        assert store.stats()["layers"]["alice"]["relations"] == 1
