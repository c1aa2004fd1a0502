"""The status bar's incremental ``done / total`` always equals a full recount."""

from __future__ import annotations

from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.listing import ProgressCounter, progress
from annotator.store.project import ProjectStore


def test_incremental_counts_equal_a_full_recount(store: ProjectStore) -> None:
    counter = ProgressCounter(store)
    layer = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    assert counter(layer.id) == progress(store, layer.id) == (0, 0)
    ids = []
    for round_ in range(4):
        for i in range(7 * round_ + 1):
            ids.append(store.add_document(Document(f"round {round_} document {i}"), None))
        for document_id in ids[::3]:
            store.set_status(layer.id, document_id, DocStatus.DONE)  # type: ignore[arg-type]
        if round_ == 2:
            store.set_status(layer.id, ids[0], DocStatus.IN_PROGRESS)  # type: ignore[arg-type]
        assert counter(layer.id) == progress(store, layer.id)
        assert counter(None) == progress(store, None) == (0, len(ids))
    # a second counter over the same file agrees, and so does one after the first was used
    assert ProgressCounter(store)(layer.id) == counter(layer.id)


def test_counter_starts_again_on_a_smaller_project(store: ProjectStore) -> None:
    counter = ProgressCounter(store)
    for i in range(5):
        store.add_document(Document(f"document {i}"), None)
    assert counter.total() == 5
    other = ProjectStore.memory()
    counter.store = other
    other.add_document(Document("only one"), None)
    assert counter.total() == 1
    other.close()


def test_the_schema_is_parsed_once_per_stored_text_and_read_again_after_an_outside_change(tmp_path) -> None:
    from dataclasses import replace

    from annotator.app.bundled import default_schema
    from annotator.model.schema import EntityLabel
    from annotator.store.project import ProjectStore

    path = tmp_path / "p.db"
    with ProjectStore.open(path) as store, ProjectStore.open(path) as outside:
        assert store.schema() is None
        store.set_schema(default_schema())
        first = store.schema()
        assert first == default_schema() and store.schema() is first  # unchanged text: not parsed again
        outside.set_schema(replace(first, entities=first.entities + (EntityLabel("VEHICLE", "#123456"),)))
        changed = store.schema()
        assert changed is not first and changed.entities[-1].name == "VEHICLE"
        assert changed == outside.schema()
