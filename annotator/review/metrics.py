"""The statistics behind agreement and evaluation, in pure Python and additive over documents.

Every figure is built from counts that add up document by document (matches, sizes, a confusion
table, Krippendorff's coincidence sums), so a project of any size is measured in one streaming
pass. The conventions for the cases where a formula divides by zero are part of the contract:

* F1 of two empty sets is 1.0 (nobody said anything, so nobody disagreed); with one side empty it is 0.0.
* Precision with no predictions, or recall with nothing to find, is 1.0 when the other side is
  empty too and 0.0 otherwise.
* Cohen's kappa is 1.0 when chance agreement is 1 (both raters used one and the same label for
  every token, which forces observed agreement to 1 as well) and when there are no tokens at all.
* Krippendorff's alpha is 1.0 when there is no pairable value or only one label occurs
  (no disagreement is observed, none is expected).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping, Sequence


def f1_score(matched: int, size_a: int, size_b: int) -> float:
    """``2|A and B| / (|A| + |B|)``; 1.0 when both are empty."""
    total = size_a + size_b
    return 1.0 if total == 0 else 2.0 * matched / total


def _ratio(part: int, whole: int, other_side: int) -> float:
    if whole:
        return part / whole
    return 1.0 if other_side == 0 else 0.0


def harmonic_mean(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2.0 * precision * recall / (precision + recall)


@dataclass
class SetCounts:
    """Counts for comparing two sets of items: how many each side has and how many both have."""

    a: int = 0
    b: int = 0
    both: int = 0

    def add(self, a: set, b: set) -> None:
        self.a += len(a)
        self.b += len(b)
        self.both += len(a & b)

    @property
    def f1(self) -> float:
        return f1_score(self.both, self.a, self.b)

    def prf(self) -> Scores:
        """Scores with ``a`` as gold and ``b`` as prediction."""
        return Scores(
            precision=_ratio(self.both, self.b, self.a),
            recall=_ratio(self.both, self.a, self.b),
            f1=self.f1,
            gold=self.a,
            predicted=self.b,
            matched=self.both,
        )


@dataclass
class OverlapCounts:
    """Counts for overlap matching: spans of each side that overlap a same-label span of the other."""

    a: int = 0
    b: int = 0
    a_matched: int = 0
    b_matched: int = 0

    def add(self, a: Iterable[tuple[int, int, str]], b: Iterable[tuple[int, int, str]]) -> None:
        """Add one document's spans, each ``(start, end, label)``."""
        a, b = set(a), set(b)
        self.a += len(a)
        self.b += len(b)
        self.a_matched += count_overlapping(a, b)
        self.b_matched += count_overlapping(b, a)

    @property
    def f1(self) -> float:
        """Harmonic mean of the share of A matched in B and the share of B matched in A."""
        if self.a == 0 and self.b == 0:
            return 1.0
        return harmonic_mean(_ratio(self.a_matched, self.a, self.b), _ratio(self.b_matched, self.b, self.a))

    def prf(self) -> Scores:
        """Scores with ``a`` as gold and ``b`` as prediction."""
        precision = _ratio(self.b_matched, self.b, self.a)
        recall = _ratio(self.a_matched, self.a, self.b)
        return Scores(precision, recall, self.f1, self.a, self.b, self.b_matched)


OverlapIndex = dict[str, tuple[list[int], list[int]]]
"""By label: the sorted starts of a document's spans and the running maximum of their ends."""


def overlap_index(others: Iterable[tuple[int, int, str]]) -> OverlapIndex:
    """The index :func:`count_overlapping` searches; made once per layer and document, it serves every pair."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for start, end, label in others:
        by_label.setdefault(label, []).append((start, end))
    index: OverlapIndex = {}
    for label, intervals in by_label.items():
        intervals.sort()
        starts = [s for s, _ in intervals]
        # Running maximum of ends: some interval starting before ``x`` reaches past ``y`` iff this does.
        reach, best = [], -1
        for _, end in intervals:
            best = max(best, end)
            reach.append(best)
        index[label] = (starts, reach)
    return index


def count_overlapping(
    spans: Iterable[tuple[int, int, str]], others: Iterable[tuple[int, int, str]], index: OverlapIndex | None = None
) -> int:
    """How many of ``spans`` overlap at least one of ``others`` with the same label (one document);
    ``index``, when given, is :func:`overlap_index` of ``others``."""
    if index is None:
        index = overlap_index(others)
    found = 0
    for start, end, label in spans:
        if label not in index:
            continue
        starts, reach = index[label]
        before = bisect_left(starts, end)  # intervals starting before this span ends
        if before and reach[before - 1] > start:
            found += 1
    return found


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of a prediction against gold, with the counts behind them."""

    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int
    matched: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
        }


class Confusion:
    """Paired labels of two raters over the same items, for Cohen's kappa."""

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()

    def add(self, a: Sequence[str], b: Sequence[str]) -> None:
        if len(a) != len(b):
            raise ValueError(f"both raters must label the same items ({len(a)} and {len(b)} labels given)")
        self.pairs.update(zip(a, b))

    def add_sparse(self, a: Mapping[int, str], b: Mapping[int, str], size: int, default: str) -> None:
        """:meth:`add` of two label sequences of ``size`` items given as ``{index: label}`` of
        the items that are not ``default``: the items both leave at ``default`` are counted at once."""
        either = a.keys() | b.keys()
        self.pairs.update(zip([a.get(i, default) for i in either], [b.get(i, default) for i in either]))
        if size > len(either):
            self.pairs[(default, default)] += size - len(either)

    @property
    def kappa(self) -> float:
        """Cohen's kappa ``(p_o - p_e) / (1 - p_e)``; 1.0 where ``p_e`` is 1 or nothing was labelled."""
        n = sum(self.pairs.values())
        if n == 0:
            return 1.0
        observed = sum(count for (x, y), count in self.pairs.items() if x == y) / n
        first: Counter[str] = Counter()
        second: Counter[str] = Counter()
        for (x, y), count in self.pairs.items():
            first[x] += count
            second[y] += count
        expected = sum(first[label] * second[label] for label in first) / (n * n)
        if expected >= 1.0:
            return 1.0
        return (observed - expected) / (1.0 - expected)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    confusion = Confusion()
    confusion.add(a, b)
    return confusion.kappa


class NominalAlpha:
    """Krippendorff's alpha for nominal data, from units given one at a time.

    A unit is the list of values the raters gave it, ``None`` where a rater gave none. Units with
    fewer than two values cannot be paired and do not count. Per unit with ``m`` values and
    ``n_k`` of them equal to ``k``, the off-diagonal coincidences sum to ``(m^2 - sum n_k^2) / (m - 1)``;
    alpha is ``1 - (n - 1) * D / (n^2 - sum_k n_k^2)`` over all pairable values.
    """

    def __init__(self) -> None:
        self.disagreement = 0.0
        self.totals: Counter[Hashable] = Counter()

    def add_unit(self, values: Iterable[Hashable | None], times: int = 1) -> None:
        """Add a unit (``times`` identical units at once: most tokens are "O" for everybody)."""
        counts = Counter(v for v in values if v is not None)
        m = sum(counts.values())
        if m < 2:
            return
        self.disagreement += times * (m * m - sum(c * c for c in counts.values())) / (m - 1)
        for value, count in counts.items():
            self.totals[value] += times * count

    def add_units(self, units: Iterable[Iterable[Hashable | None]]) -> None:
        """Add many units; identical ones are counted first and added once."""
        for unit, times in Counter(tuple(u) for u in units).items():
            self.add_unit(unit, times)

    @property
    def alpha(self) -> float:
        n = sum(self.totals.values())
        expected = n * n - sum(c * c for c in self.totals.values())
        if expected == 0:
            return 1.0
        return 1.0 - (n - 1) * self.disagreement / expected


def krippendorff_alpha_nominal(units: Iterable[Iterable[Hashable | None]]) -> float:
    """Nominal alpha of ``units`` (each a sequence of the raters' values, ``None`` for missing)."""
    alpha = NominalAlpha()
    alpha.add_units(units)
    return alpha.alpha

