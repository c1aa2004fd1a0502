"""The training set: a layer's documents with their annotations, read in one short pass.

The layer defaults to ``gold`` where the project has one; the documents are those the layer
marked done, or every document it contains (``status="any"``), with the default of export (done
for an analyst's layer, any for gold and suggestions). Rejected annotations are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.model.annotations import AnnotationSet
from annotator.model.document import Document
from annotator.model.layer import DocStatus, Layer, default_status
from annotator.store import layer_choice
from annotator.store.layer_reads import contained_documents, layer_annotations
from annotator.store.project import ProjectStore

MIN_DOCUMENTS = 3
"""Fewer documents than this cannot be both trained on and held out."""

__all__ = ["MIN_DOCUMENTS", "TrainingDoc", "TrainingError", "check_training_set", "choose_layer", "default_status", "read_training_set"]


class TrainingError(Exception):
    """Training cannot start or finish; ``str()`` says what is missing, for the user."""


@dataclass(frozen=True)
class TrainingDoc:
    document: Document
    gold: AnnotationSet


def choose_layer(store: ProjectStore, name: str | None) -> Layer:
    """The layer to train from (default ``gold``): the store's rule, with training's words and error."""
    return layer_choice.choose_layer(store, name, "train from", TrainingError)


def read_training_set(store: ProjectStore, layer: Layer, status: str) -> list[TrainingDoc]:
    """The layer's documents (``status`` "done" or "any") with their annotations, rejected ones left out."""
    if status not in ("done", "any"):
        raise TrainingError(f"status must be done or any, got {status!r}")
    if status == "done":
        ids = sorted(d for d, s in store.statuses(layer.id).items() if s is DocStatus.DONE)  # type: ignore[arg-type]
    else:
        ids = sorted(contained_documents(store, layer.id))  # type: ignore[arg-type]
    annotations = layer_annotations(store, layer.id, ids)  # type: ignore[arg-type]
    return [TrainingDoc(doc, annotations[doc.id].without_rejected()) for doc in store.documents(ids)]  # type: ignore[index]


def check_training_set(docs: list[TrainingDoc], layer: Layer, status: str) -> None:
    """Raise :class:`TrainingError` saying what is missing when ``docs`` cannot train anything."""
    which = "marked done in" if status == "done" else "in"
    if len(docs) < MIN_DOCUMENTS:
        hint = " (or use --status any)" if status == "done" else ""
        raise TrainingError(
            f"layer {layer.name!r} has {len(docs)} document(s) {which} it; training needs at least {MIN_DOCUMENTS}{hint}"
        )
    if not any(d.gold.spans or d.gold.events for d in docs):
        raise TrainingError(f"layer {layer.name!r} has no entities and no events {which} its documents: nothing to learn from")
