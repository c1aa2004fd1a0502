"""Training examples kept compact, and the logistic regression fitted on them.

The event classifiers see tens of thousands of examples of about thirty string features each
(200 CASIE articles: 29,000 role examples, 48,000 trigger candidates). Kept as lists of strings
those examples took about 220 MB before the first fit began; here each example is its features'
numbers in one small integer array, the strings kept once in a shared vocabulary.

Features seen in a single example can be dropped before fitting (``least=2``): each adds a
weight column per class to the optimiser's state, and alone it teaches nothing beyond its one
example. The role classifier drops them (see :data:`ROLE_MIN_COUNT`).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from annotator.suggest.linear_model import LinearModel

ROLE_MIN_COUNT = 2
"""Examples a feature must occur in for the role classifier to weigh it. On 200 CASIE articles
(100 others held out, ``event_errors.py``, one run each) argument F1 went from 0.268 to 0.274 and
trigger F1 from 0.533 to 0.536 with these compact examples; the role fit's peak memory from +420 MB
to +136 MB, its time from 25 s to 14 s."""


class Examples:
    """``(features, label)`` examples, each stored as an ``int32`` array of feature numbers."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.rows: list[np.ndarray] = []
        self.labels: list[str] = []

    def add(self, features: Iterable[str], label: str) -> None:
        vocab = self.vocab
        numbers = {vocab.setdefault(feature, len(vocab)) for feature in features}
        self.rows.append(np.fromiter(numbers, np.int32, len(numbers)))
        self.labels.append(label)

    def extend(self, examples: Iterable[tuple[list[str], str]]) -> None:
        for features, label in examples:
            self.add(features, label)

    def __len__(self) -> int:
        return len(self.rows)


def fit_linear(examples: Examples, c: float = 10.0, least: int = 1) -> LinearModel:
    """A multinomial logistic regression (scikit-learn, L-BFGS, inverse regularisation ``c``) over
    the examples' binary features, those in fewer than ``least`` examples left out; only its arrays
    are kept, and only the features with a weight."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(examples.labels))
    if len(classes) == 1:  # nothing to tell apart: always that class
        return LinearModel(classes, {}, np.zeros((0, 1), np.float32), np.zeros(1, np.float32))
    indices = np.concatenate(examples.rows) if examples.rows else np.zeros(0, np.int32)
    column = np.arange(len(examples.vocab), dtype=np.int64)
    if least > 1:
        counts = np.bincount(indices, minlength=len(examples.vocab))
        kept = counts >= least
        if not kept.any():  # every feature is rare: keep them all rather than none
            kept[:] = True
        column = np.where(kept, np.cumsum(kept) - 1, -1)
    lengths = np.fromiter((len(row) for row in examples.rows), np.int64, len(examples.rows))
    rows = np.repeat(np.arange(len(examples), dtype=np.int32), lengths)
    mapped = column[indices]
    kept_entries = mapped >= 0
    width = int(column.max()) + 1 if len(column) else 0
    data = np.ones(int(kept_entries.sum()), np.float32)
    matrix = csr_matrix((data, (rows[kept_entries], mapped[kept_entries])), shape=(len(examples), width))
    model = LogisticRegression(C=c, max_iter=300)
    model.fit(matrix, examples.labels)
    coef = model.coef_.T.astype(np.float32)
    bias = model.intercept_.astype(np.float32)
    learned = [str(x) for x in model.classes_]
    if len(learned) == 2:  # scikit-learn keeps one column for two classes: make the softmax form
        coef = np.hstack([-coef / 2, coef / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2], np.float32)
    # Features whose weights are all zero cost memory and nothing else.
    nonzero = np.flatnonzero(np.abs(coef).max(axis=1) > 1e-6)
    names = [""] * width
    for name, number in examples.vocab.items():
        if column[number] >= 0:
            names[column[number]] = name
    return LinearModel(learned, {names[i]: n for n, i in enumerate(nonzero)}, coef[nonzero], bias)
