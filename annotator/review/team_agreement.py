"""Agreement of a team whose analysts each hold only some of the documents (the hub's K of N).

:func:`~annotator.review.agreement.project_agreement` takes its pairwise figures over the
documents *every* compared layer contains; with each document assigned to K of N analysts that
set is empty as soon as N > K. Here each pair is compared over the documents both of them
contain (one :func:`~annotator.review.agreement.agreement_counter` per pair), and Krippendorff's
alpha over all of them together, which already counts every document at least two contain.
Pairs that share no document are listed by name, not given figures of an empty comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Callable, Sequence

from annotator.review.agreement import agreement_counter
from annotator.store.layer_reads import contained_documents
from annotator.store.project import ProjectStore


@dataclass
class TeamAgreement:
    annotators: list[str]
    """The layers compared: the requested names this project holds with at least one document."""
    alpha: float | None
    """Krippendorff's alpha over token labels of all of them (None: fewer than two layers)."""
    alpha_documents: int
    """Documents at least two of them contain (what alpha is taken over)."""
    pairs: list[dict[str, Any]] = field(default_factory=list)
    """One report pair (see :mod:`annotator.review.agreement`) per pair sharing documents, plus ``documents``."""
    unshared: list[tuple[str, str]] = field(default_factory=list)
    """Pairs with no document in common."""
    missing: list[str] = field(default_factory=list)
    """Requested names with no layer (or an empty one) in this project: nothing synced from them yet."""


def team_agreement(store: ProjectStore, names: Sequence[str],
                   should_stop: Callable[[], bool] = lambda: False) -> TeamAgreement:
    """Agreement between the layers called ``names``, pair by pair over what each pair shares."""
    contains: dict[str, set[int]] = {}
    missing = []
    for name in names:
        layer = store.layer(name)
        held = contained_documents(store, layer.id) if layer is not None and layer.id is not None else set()
        if held:
            contains[name] = held
        else:
            missing.append(name)
    present = list(contains)
    result = TeamAgreement(present, None, 0, missing=missing)
    if len(present) < 2:
        return result
    counts: dict[int, int] = {}
    for held in contains.values():
        for document in held:
            counts[document] = counts.get(document, 0) + 1
    result.alpha_documents = sum(1 for n in counts.values() if n >= 2)
    result.alpha = agreement_counter(store, present).to_dict()["krippendorff_alpha_tokens"]
    for a, b in combinations(present, 2):
        if should_stop():
            break
        if not contains[a] & contains[b]:
            result.unshared.append((a, b))
            continue
        report = agreement_counter(store, [a, b]).to_dict()
        result.pairs.append({**report["pairs"][0], "documents": report["documents"]})
    return result
