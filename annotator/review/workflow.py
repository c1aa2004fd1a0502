"""Review on a project: the items of a document, documents by disagreement, decisions saved to gold.

What a keyboard-driven review screen calls: :func:`review_items` for the current document,
:func:`disagreements_by_document` for the document list and next/previous across the project,
:func:`take_version` / :func:`accept_agreed` (from :mod:`annotator.review.adjudicate`) to build a
decision, and :func:`apply_decision` to save it (its ``edit.inverse()`` undoes it the same way).
Documents reviewed are those every compared layer contains.
"""

from __future__ import annotations

from typing import Sequence

from annotator.model.annotations import AnnotationSet, Event, Span, SpanAnnotation
from annotator.model.changes import Annotation, Edit
from annotator.model.layer import GOLD, Layer, LayerKind
from annotator.review.compare import ReviewItem, compare_document
from annotator.review.disagreement_counts import count_disagreements
from annotator.store.database import ConflictError
from annotator.store.layer_reads import chunks, common_documents, resolve_layers
from annotator.store.layer_rows import review_rows
from annotator.store.project import ProjectStore


def gold_layer(store: ProjectStore) -> Layer:
    """The project's gold layer, created on first use."""
    return store.ensure_layer(GOLD, LayerKind.GOLD)


def gold_annotations(store: ProjectStore, document_id: int) -> AnnotationSet:
    """What gold holds for the document now (nothing before the first decision)."""
    layer = store.layer(GOLD)
    return store.annotations(layer.id, document_id) if layer is not None else AnnotationSet()  # type: ignore[arg-type]


def _check_layers(store: ProjectStore, layers: Sequence[str]) -> list[Layer]:
    if not layers:
        raise ValueError("pick at least one layer to review")
    if GOLD in layers:
        raise ValueError("gold is what a review produces; compare the annotators' layers")
    return resolve_layers(store, layers)


def review_items(store: ProjectStore, document_id: int, layers: Sequence[str]) -> list[ReviewItem]:
    """The review items of one document for the named layers, with what gold holds in each."""
    found = _check_layers(store, layers)
    annotations = {layer.name: store.annotations(layer.id, document_id) for layer in found}  # type: ignore[arg-type]
    return compare_document(annotations, gold_annotations(store, document_id))


def disagreements_by_document(
    store: ProjectStore, layers: Sequence[str], undecided_only: bool = False
) -> list[tuple[int, int]]:
    """``(document_id, disagreements)`` for every document all ``layers`` contain, most first.

    With ``undecided_only``, disagreements gold has settled are not counted. Ties keep document order.
    """
    found = _check_layers(store, layers)
    gold = store.layer(GOLD)
    counts: list[tuple[int, int]] = []
    for ids in chunks(common_documents(store, [layer.id for layer in found])):  # type: ignore[misc]
        # Counted from plain rows, by compare_document's rules, without building its items.
        loaded = [review_rows(store, layer.id, ids) for layer in found]  # type: ignore[arg-type]
        golds = review_rows(store, gold.id, ids) if gold is not None else {}  # type: ignore[arg-type]
        for doc in ids:
            counts.append((doc, count_disagreements([rows[doc] for rows in loaded], golds.get(doc), undecided_only)))
    counts.sort(key=lambda pair: -pair[1])
    return counts


def apply_decision(store: ProjectStore, document_id: int, edit: Edit) -> None:
    """Save a decision (or its inverse, to undo it) to the document's gold, in one transaction.

    Raises :class:`~annotator.store.database.ConflictError`, writing nothing, when gold changed
    meanwhile where the decision writes (another window or reviewer decided the same group):
    the decision replaces exactly what gold held when it was made, never more or less.
    """
    if not edit:
        return
    with store.transaction():
        layer = gold_layer(store)
        current = store.annotations(layer.id, document_id)  # type: ignore[arg-type]
        replaced = {change.uid for change in edit.changes if change.before is not None}
        for change in edit.changes:
            new = change.after
            if change.before is not None or new is None:
                continue
            held = current.spans if isinstance(new, SpanAnnotation) else current.events
            if any(other.uid not in replaced and _region(other).overlaps(_region(new)) for other in held):
                raise ConflictError(
                    "gold changed here meanwhile (decided in another window or by another reviewer); "
                    "the document has been reloaded so that nothing is overwritten"
                )
        store.apply(layer.id, document_id, edit.changes)  # type: ignore[arg-type]


def _region(annotation: Annotation) -> Span:
    return annotation.trigger if isinstance(annotation, Event) else annotation.span
