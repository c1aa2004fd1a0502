"""The statistics against hand computation and against independent libraries (scikit-learn, krippendorff)."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotator.review.metrics import (
    Confusion,
    OverlapCounts,
    SetCounts,
    cohen_kappa,
    count_overlapping,
    f1_score,
    krippendorff_alpha_nominal,
)

LABELS = st.sampled_from(["O", "PER", "ORG", "GPE"])


def test_f1_by_hand_and_at_the_edges() -> None:
    counts = SetCounts()
    counts.add({(0, 5, "ORG"), (6, 9, "GPE"), (10, 12, "PER")}, {(0, 5, "ORG"), (6, 9, "ORG")})
    assert counts.f1 == pytest.approx(2 * 1 / (3 + 2))
    scores = counts.prf()  # a as gold, b as prediction
    assert (scores.precision, scores.recall) == (pytest.approx(1 / 2), pytest.approx(1 / 3))
    assert f1_score(0, 0, 0) == 1.0  # both empty: nothing to disagree on
    assert f1_score(0, 3, 0) == 0.0  # one empty
    empty = SetCounts().prf()
    assert (empty.precision, empty.recall, empty.f1) == (1.0, 1.0, 1.0)
    nothing_predicted = SetCounts(a=4).prf()
    assert (nothing_predicted.precision, nothing_predicted.recall, nothing_predicted.f1) == (0.0, 0.0, 0.0)


def test_overlap_needs_the_same_label_and_a_shared_character() -> None:
    a = {(0, 10, "ORG"), (20, 25, "GPE"), (30, 35, "PER")}
    b = {(5, 15, "ORG"), (25, 30, "GPE"), (31, 32, "PER"), (40, 45, "PER")}
    # (20, 25) and (25, 30) only touch; (0, 10) and (5, 15) overlap; (30, 35) contains (31, 32).
    assert count_overlapping(a, b) == 2
    assert count_overlapping(b, a) == 2
    counts = OverlapCounts()
    counts.add(a, b)
    precision, recall = 2 / 3, 2 / 4
    assert counts.f1 == pytest.approx(2 * precision * recall / (precision + recall))
    assert OverlapCounts().f1 == 1.0
    one_sided = OverlapCounts()
    one_sided.add(a, set())
    assert one_sided.f1 == 0.0


@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from("AB")), max_size=12),
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from("AB")), max_size=12),
)
def test_overlap_count_matches_brute_force(raw_a: list, raw_b: list) -> None:
    a = {(s, s + n, label) for s, n, label in raw_a}
    b = {(s, s + n, label) for s, n, label in raw_b}
    expected = sum(any(x[2] == y[2] and x[0] < y[1] and y[0] < x[1] for y in b) for x in a)
    assert count_overlapping(a, b) == expected


def test_kappa_by_hand() -> None:
    # 10 items: agree on 7; a says X 5 times, b says X 6 times.
    a = list("XXXXXYYYYY")
    b = list("XXXXYXYYXX")
    observed = 6 / 10
    expected = (5 * 5 + 5 * 5) / 100
    assert cohen_kappa(a, b) == pytest.approx((observed - expected) / (1 - expected))
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_kappa_edges() -> None:
    # One label everywhere: chance agreement is 1, kappa's denominator 0; defined as 1.0.
    assert cohen_kappa(["O"] * 8, ["O"] * 8) == 1.0
    assert cohen_kappa([], []) == 1.0
    # Complete disagreement with balanced labels is the minimum.
    assert cohen_kappa(["X", "Y"], ["Y", "X"]) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="same items"):
        Confusion().add(["X"], [])


@pytest.mark.filterwarnings("ignore::UserWarning")  # scikit-learn warns about one-label inputs
@settings(max_examples=100)
@given(st.lists(st.tuples(LABELS, LABELS), min_size=1, max_size=60))
def test_kappa_equals_scikit_learn(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    expected = cohen_kappa_score(a, b)
    if math.isnan(expected):  # scikit-learn's 0/0 where one label is used everywhere by both
        assert len(set(a) | set(b)) == 1 and cohen_kappa(a, b) == 1.0
    else:
        assert cohen_kappa(a, b) == pytest.approx(expected, abs=1e-9)


def test_kappa_accumulates_over_documents() -> None:
    confusion = Confusion()
    confusion.add(["X", "Y", "X"], ["X", "X", "X"])
    confusion.add(["Y", "Y"], ["Y", "X"])
    assert confusion.kappa == pytest.approx(cohen_kappa_score(list("XYXYY"), list("XXXYX")))


def test_alpha_by_hand() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example: alpha = 0.743.
    raw = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = list(zip(*raw))
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)


def test_alpha_edges() -> None:
    assert krippendorff_alpha_nominal([]) == 1.0
    assert krippendorff_alpha_nominal([["O", "O"], ["O", None]]) == 1.0  # one label only: nothing expected
    assert krippendorff_alpha_nominal([["X", None], [None, "Y"]]) == 1.0  # nothing pairable
    assert krippendorff_alpha_nominal([["X", "Y"], ["Y", "X"]]) < 0


@settings(max_examples=100)
@given(
    st.integers(2, 4).flatmap(
        lambda raters: st.lists(st.lists(st.one_of(st.none(), LABELS), min_size=raters, max_size=raters), min_size=1, max_size=40)
    )
)
def test_alpha_equals_the_krippendorff_package(units: list[list[str | None]]) -> None:
    codes = {"O": 0, "PER": 1, "ORG": 2, "GPE": 3}
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    values = {v for u in pairable for v in u if v is not None}
    ours = krippendorff_alpha_nominal(units)
    if len(values) < 2:
        assert ours == 1.0  # the package refuses a single-value domain; our defined value
        return
    data = np.array([[codes[v] if v is not None else np.nan for v in u] for u in units], dtype=float).T
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-9)
