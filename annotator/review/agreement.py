"""Inter-annotator agreement: how consistent several layers are, pairwise and per label.

Pairwise figures are taken over the documents that *every* compared layer contains (see
:mod:`annotator.store.layer_reads` for what "contains" means):

* ``span_f1_exact``: spans are ``(document, start, end, label)``; F1 = 2|A and B| / (|A| + |B|).
* ``span_f1_overlap``: the harmonic mean of the share of A's spans overlapping a same-label span
  of B and the share of B's spans overlapping a same-label span of A.
* ``token_kappa``: Cohen's kappa over the documents' stored tokens, each labelled by
  :func:`~annotator.review.units.token_labels`.
* ``event_trigger_f1`` and ``event_argument_f1``: F1 as for exact spans, on
  :func:`~annotator.review.units.trigger_keys` and :func:`~annotator.review.units.argument_keys`.
* ``per_label``: ``span_f1_exact`` of the spans with that label, for every label either layer used.
* ``relation_f1`` and ``per_relation_type``: F1 on relations with exact ends and type
  (:func:`~annotator.review.relation_units.relation_keys`; an equivalence group counts as its pairs).

``krippendorff_alpha_tokens`` is nominal alpha over the token labels of all compared layers
together, over every document at least two of them contain: a layer that lacks a document gives
missing values there. Rejected annotations never count. Division by zero follows
:mod:`annotator.review.metrics` (both empty gives 1.0).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from operator import itemgetter
from typing import Any, Mapping, Sequence

from annotator.model.annotations import AnnotationSet
from annotator.model.layer import LayerKind
from annotator.model.tokens import Tokens
from annotator.review.metrics import (
    Confusion,
    NominalAlpha,
    OverlapCounts,
    OverlapIndex,
    SetCounts,
    count_overlapping,
    overlap_index,
)
from annotator.review.relation_units import by_type, relation_keys, relation_keys_of
from annotator.review.units import OUTSIDE, argument_keys, span_keys, token_label_runs, trigger_keys
from annotator.store.layer_reads import chunks, contained_documents, resolve_layers
from annotator.store.layer_rows import CountedRows, counted_rows
from annotator.store.project import ProjectStore


Counted = tuple[list, set, set, set]
"""What agreement counts of one layer's annotations of one document: the counted spans
``(start, end, label)`` in text order (by start, longer first, then label), and the trigger,
argument and relation keys (:mod:`annotator.review.units`, :mod:`annotator.review.relation_units`)."""


def counted(annotations: AnnotationSet) -> Counted:
    """The :data:`Counted` of an annotation set."""
    spans = sorted(span_keys(annotations), key=lambda k: (k[0], -k[1], k[2]))
    return spans, trigger_keys(annotations), argument_keys(annotations), relation_keys(annotations)


def counted_from_rows(rows: CountedRows) -> Counted:
    """The :data:`Counted` of a layer's rows of a document, read without building objects."""
    return (
        rows.spans,
        set(rows.triggers.values()),
        set(rows.arguments),
        relation_keys_of(rows.relations, rows.triggers) if rows.relations else set(),
    )


@dataclass
class _Keys:
    """What one layer says about one document, as keys: made once per layer, shared by its pairs."""

    spans: set
    triggers: set
    arguments: set
    by_label: dict[str, set]
    relations: set
    _index: OverlapIndex | None = None

    def overlapping(self, others: _Keys, common: int) -> int:
        """How many of these spans overlap one of ``others``' with their label (``common``: how
        many both hold, which overlap themselves)."""
        found = common
        for span in self.spans - others.spans:
            candidates = others.by_label.get(span[2])
            if not candidates:
                continue
            if len(candidates) > _SCAN:  # many spans of one label (a long article): search an index
                if others._index is None:
                    others._index = overlap_index(others.spans)
                found += count_overlapping((span,), (), others._index)
                continue
            start, end = span[0], span[1]
            for other in candidates:
                if other[0] < end and start < other[1]:
                    found += 1
                    break
        return found

    @classmethod
    def of(cls, found: Counted) -> _Keys:
        spans = set(found[0])
        by_label: dict[str, set] = {}
        for key in spans:
            by_label.setdefault(key[2], set()).add(key)
        return cls(spans, found[1], found[2], by_label, found[3])


_NONE: frozenset = frozenset()
_LABEL = itemgetter(2)
_SCAN = 16
"""Up to this many same-label spans a span's overlap is looked for one by one; beyond, in an index."""


@dataclass
class _Pair:
    a: str
    b: str
    spans: SetCounts = field(default_factory=SetCounts)
    overlap: OverlapCounts = field(default_factory=OverlapCounts)
    tokens: Confusion = field(default_factory=Confusion)
    triggers: SetCounts = field(default_factory=SetCounts)
    arguments: SetCounts = field(default_factory=SetCounts)
    labels: dict[str, SetCounts] = field(default_factory=dict)
    relations: SetCounts = field(default_factory=SetCounts)
    relation_types: dict[str, SetCounts] = field(default_factory=dict)

    def add(self, a: _Keys, b: _Keys, labels_a: dict[int, str], labels_b: dict[int, str], tokens: int) -> None:
        shared = a.spans & b.spans
        common = len(shared)
        self.spans.a += len(a.spans)
        self.spans.b += len(b.spans)
        self.spans.both += common
        overlap = self.overlap  # OverlapCounts.add: only the spans not both hold need a search
        overlap.a += len(a.spans)
        overlap.b += len(b.spans)
        overlap.a_matched += a.overlapping(b, common)
        overlap.b_matched += b.overlapping(a, common)
        self.tokens.add_sparse(labels_a, labels_b, tokens, OUTSIDE)
        self.triggers.add(a.triggers, b.triggers)
        self.arguments.add(a.arguments, b.arguments)
        shared_labels = Counter(map(_LABEL, shared))  # per label, the spans both hold
        for label in a.by_label.keys() | b.by_label.keys():
            counts = self.labels.get(label) or self.labels.setdefault(label, SetCounts())
            counts.a += len(a.by_label.get(label, _NONE))
            counts.b += len(b.by_label.get(label, _NONE))
            counts.both += shared_labels[label]
        self.relations.add(a.relations, b.relations)
        for kind in {key[0] for key in a.relations | b.relations}:
            self.relation_types.setdefault(kind, SetCounts()).add(by_type(a.relations, kind), by_type(b.relations, kind))

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "span_f1_exact": self.spans.f1,
            "span_f1_overlap": self.overlap.f1,
            "token_kappa": self.tokens.kappa,
            "event_trigger_f1": self.triggers.f1,
            "event_argument_f1": self.arguments.f1,
            "per_label": {label: {"span_f1_exact": self.labels[label].f1} for label in sorted(self.labels)},
            "relation_f1": self.relations.f1,
            "per_relation_type": {kind: {"relation_f1": self.relation_types[kind].f1} for kind in sorted(self.relation_types)},
        }


class AgreementCounter:
    """Agreement of ``layers``, accumulated one document at a time.

    ``add_document`` takes each layer's annotations of the document, or ``None`` for a layer
    that does not contain it; a document counts for the pairwise figures only when all layers
    contain it, and for alpha when at least two do.
    """

    def __init__(self, layers: Sequence[str]):
        if len(layers) < 2:
            raise ValueError(f"agreement needs at least two layers to compare, got {len(layers)}")
        if len(set(layers)) != len(layers):
            raise ValueError("each layer can be compared only once")
        self.layers = list(layers)
        self.documents = 0
        self.pairs = [_Pair(a, b) for a, b in combinations(self.layers, 2)]
        self.units: Counter[tuple[str | None, ...]] = Counter()

    def add_document(self, annotations: Mapping[str, AnnotationSet | None], tokens: Tokens) -> None:
        self.add_counted({name: None if a is None else counted(a) for name, a in annotations.items()}, tokens)

    def add_counted(self, found: Mapping[str, Counted | None], tokens: Tokens) -> None:
        """:meth:`add_document` of what each layer's annotations count (:data:`Counted`)."""
        present = {name: found.get(name) for name in self.layers}
        # Token labels as {index: label} of the tokens a span labels: most tokens are "O" for
        # everybody and are counted at once, not one by one.
        labels = {name: token_label_runs(c[0], tokens.starts, tokens.ends) for name, c in present.items() if c is not None}
        size = len(tokens)
        if len(labels) >= 2:
            self._add_units([labels.get(name) for name in self.layers], size)
        if len(labels) < len(self.layers):
            return
        self.documents += 1
        keys = {name: _Keys.of(c) for name, c in present.items()}  # type: ignore[arg-type]
        for pair in self.pairs:
            pair.add(keys[pair.a], keys[pair.b], labels[pair.a], labels[pair.b], size)

    def _add_units(self, columns: list[dict[int, str] | None], size: int) -> None:
        """One unit per token, its label in each layer (None where a layer lacks the document).

        Units are counted in the order they first occur, token by token, as if each token were
        added in turn: alpha sums over them in that order, so its rounding does not change.
        """
        touched = sorted(set().union(*(c for c in columns if c is not None)))
        units = list(zip(*(
            [None] * len(touched) if c is None else [c.get(i, OUTSIDE) for i in touched] for c in columns
        )))
        untouched = size - len(touched)
        first_untouched = 0  # the token where the all-"O" unit first occurs
        for index in touched:
            if index != first_untouched:
                break
            first_untouched += 1
        self.units.update(units[:first_untouched])
        if untouched:
            self.units[tuple(None if c is None else OUTSIDE for c in columns)] += untouched
        self.units.update(units[first_untouched:])

    def _alpha(self) -> float:
        alpha = NominalAlpha()
        for unit, times in self.units.items():
            alpha.add_unit(unit, times)
        return alpha.alpha

    def label_counts(self) -> dict[tuple[str, str], dict[str, tuple[int, int, int]]]:
        """Per pair ``(a, b)`` and label: how many spans ``a`` gave it, ``b`` gave it, both gave alike
        (what the per-label F1 is computed from; a label neither used is absent: no data)."""
        return {(p.a, p.b): {label: (c.a, c.b, c.both) for label, c in sorted(p.labels.items())} for p in self.pairs}

    def to_dict(self) -> dict[str, Any]:
        """The report in the documented JSON shape."""
        return {
            "annotators": list(self.layers),
            "documents": self.documents,
            "pairs": [pair.to_dict() for pair in self.pairs],
            "krippendorff_alpha_tokens": self._alpha(),
        }


def default_layers(store: ProjectStore) -> list[str]:
    """Every annotator layer of the project (not suggestions, not gold), oldest first."""
    return [layer.name for layer in store.layers() if layer.kind is LayerKind.ANNOTATOR]


def layers_to_compare(store: ProjectStore, layer_names: Sequence[str] | None = None) -> list[str]:
    """The layers an agreement report compares: the named ones, else every annotator layer.

    Raises ``ValueError`` saying what to do when none are named and the project has fewer than two.
    """
    if layer_names is not None:
        return list(layer_names)
    found = default_layers(store)
    if len(found) < 2:
        raise ValueError(
            f"agreement compares at least two annotator layers; this project has {len(found)}"
            + (f" ({', '.join(found)})" if found else "")
            + ". Import or merge colleagues' work, or name layers with --annotators A,B."
        )
    return found


def project_agreement(store: ProjectStore, layer_names: Sequence[str] | None = None) -> dict[str, Any]:
    """Agreement of the named layers (default: all annotator layers) in the project, as the JSON report.

    Raises :class:`~annotator.store.database.StoreError` for an unknown layer and ``ValueError``
    for fewer than two layers.
    """
    return agreement_counter(store, layer_names).to_dict()


def agreement_counter(store: ProjectStore, layer_names: Sequence[str] | None = None) -> AgreementCounter:
    """The counter behind :func:`project_agreement`, for the report and :meth:`AgreementCounter.label_counts`."""
    names = list(layer_names) if layer_names is not None else default_layers(store)
    counter = AgreementCounter(names)  # checks the count before touching the store
    layers = resolve_layers(store, names)
    contains = {layer.name: contained_documents(store, layer.id) for layer in layers}  # type: ignore[arg-type]
    every = set().union(*contains.values())
    twice = {doc for doc in every if sum(doc in held for held in contains.values()) >= 2}
    for ids in chunks(twice):
        loaded = {
            layer.name: counted_rows(store, layer.id, [d for d in ids if d in contains[layer.name]])  # type: ignore[arg-type]
            for layer in layers
        }
        blobs = store.tokens_of(ids)
        for doc in ids:
            blob = blobs.get(doc)
            found = {name: loaded[name].get(doc) for name in names}
            counter.add_counted(
                {name: None if rows is None else counted_from_rows(rows) for name, rows in found.items()},
                Tokens.from_blob(blob) if blob else _tokens(store, doc),
            )
    return counter


def _tokens(store: ProjectStore, document_id: int) -> Tokens:
    """Tokens made now for a document imported without them (import leaves them to first need)."""
    from annotator.suggest.tokenizer import tokens_of

    return tokens_of(store.document(document_id).text, None)


def format_agreement(report: Mapping[str, Any]) -> str:
    """The report as a readable text table: one row per pair, then span F1 per label."""
    lines = [
        f"Agreement of {', '.join(report['annotators'])} over {report['documents']} document(s) they all contain",
        f"Krippendorff's alpha (token labels, all annotators): {report['krippendorff_alpha_tokens']:.3f}",
        "",
    ]
    columns = [
        ("span F1", "span_f1_exact"),
        ("overlap F1", "span_f1_overlap"),
        ("token kappa", "token_kappa"),
        ("trigger F1", "event_trigger_f1"),
        ("argument F1", "event_argument_f1"),
        ("relation F1", "relation_f1"),
    ]
    names = [f"{pair['a']} / {pair['b']}" for pair in report["pairs"]]
    width = max([len("pair"), *map(len, names)])
    lines.append("pair".ljust(width) + "".join(f"  {title:>11}" for title, _ in columns))
    for name, pair in zip(names, report["pairs"]):
        lines.append(name.ljust(width) + "".join(f"  {pair[key]:>11.3f}" for _, key in columns))
    lines += _per_key_table(report["pairs"], names, "per_label", "span_f1_exact", "Exact span F1 per label:", "label")
    lines += _per_key_table(report["pairs"], names, "per_relation_type", "relation_f1", "Relation F1 per type:", "type")
    return "\n".join(lines)


def _per_key_table(pairs: list, names: list[str], field: str, figure: str, title: str, head: str) -> list[str]:
    """Lines of a table of one figure per label (or type) and pair; none when no pair has any."""
    keys = sorted({key for pair in pairs for key in pair.get(field, {})})
    if not keys:
        return []
    width = max([len(head), *map(len, keys)])
    lines = ["", title, head.ljust(width) + "".join(f"  {name:>{max(len(name), 5)}}" for name in names)]
    for key in keys:
        cells = []
        for name, pair in zip(names, pairs):
            value = pair.get(field, {}).get(key)
            text = f"{value[figure]:.3f}" if value else "-"
            cells.append(f"  {text:>{max(len(name), 5)}}")
        lines.append(key.ljust(width) + "".join(cells))
    return lines
