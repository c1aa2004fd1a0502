"""*Accept all suggestions above N %* over a whole project, in one transaction.

The rule (which suggestions qualify, what the accepted copy records) is
:mod:`annotator.model.auto_accept`'s; this reads each document's suggestions and the analyst's
layer a slice at a time, and writes every accepted copy in one transaction, so the command
either accepts all of them or, failing, none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.model.auto_accept import accept_above, check_threshold
from annotator.model.editing import pending_suggestions
from annotator.model.layer import DocStatus, Layer, kind_for_layer_name
from annotator.store.layer_reads import chunks, contained_documents, layer_annotations
from annotator.store.project import ProjectStore


@dataclass
class AcceptReport:
    """What one run accepted: suggestions per label, and in how many documents."""

    threshold: float
    accepted: dict[str, int] = field(default_factory=dict)
    documents: int = 0

    @property
    def total(self) -> int:
        return sum(self.accepted.values())


def accept_above_in_project(
    store: ProjectStore, suggestions: Layer, layer_name: str, author: str, threshold: float, label: str | None = None
) -> AcceptReport:
    """Accept into the layer ``layer_name`` (made if need be) every suggestion of ``suggestions``
    still pending there whose confidence is at least ``threshold`` (with ``label``, if given)."""
    threshold = check_threshold(threshold)
    report = AcceptReport(threshold)
    with store.transaction():
        own_layer = store.layer(layer_name)
        for ids in chunks(contained_documents(store, suggestions.id)):  # type: ignore[arg-type]
            made = layer_annotations(store, suggestions.id, ids)  # type: ignore[arg-type]
            own = layer_annotations(store, own_layer.id, ids) if own_layer is not None else {}  # type: ignore[arg-type]
            for document_id in ids:
                held = own.get(document_id)
                pending = made[document_id] if held is None else pending_suggestions(held, made[document_id])
                edit = accept_above(pending, threshold, author, label)
                if not edit.changes:
                    continue
                if own_layer is None:
                    own_layer = store.ensure_layer(layer_name, kind_for_layer_name(layer_name))
                store.apply(own_layer.id, document_id, edit.changes)  # type: ignore[arg-type]
                if store.status(own_layer.id, document_id) is DocStatus.NEW:  # type: ignore[arg-type]
                    store.set_status(own_layer.id, document_id, DocStatus.IN_PROGRESS)  # type: ignore[arg-type]
                report.documents += 1
                for change in edit.changes:
                    name = change.after.type if hasattr(change.after, "type") else change.after.label  # type: ignore[union-attr]
                    report.accepted[name] = report.accepted.get(name, 0) + 1
    return report
