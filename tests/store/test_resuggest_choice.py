"""Which documents a new model re-suggests: those the analyst has not marked done."""

from __future__ import annotations

from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.store.project import ProjectStore
from annotator.store.retrain import documents_to_resuggest


def test_done_documents_are_left_alone_and_others_are_re_suggested() -> None:
    store = ProjectStore.memory()
    ids = [store.add_document(Document(f"text {n}"), None) for n in range(4)]
    alice = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    bob = store.ensure_layer("bob", LayerKind.ANNOTATOR)
    store.set_status(alice.id, ids[1], DocStatus.DONE)
    store.set_status(alice.id, ids[2], DocStatus.IN_PROGRESS)
    store.set_status(bob.id, ids[3], DocStatus.DONE)  # another analyst's done is not alice's
    assert documents_to_resuggest(store, alice.id) == [ids[0], ids[2], ids[3]]


def test_before_the_first_edit_every_document_is_re_suggested() -> None:
    store = ProjectStore.memory()
    ids = [store.add_document(Document(f"text {n}"), None) for n in range(3)]
    assert documents_to_resuggest(store, None) == ids
