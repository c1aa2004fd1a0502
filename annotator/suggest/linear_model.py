"""A linear classifier stored as plain arrays: ``scores = sum(W[feature]) + b``, softmax on top.

Prediction is plain numpy, so a stored model needs nothing but its arrays (no pickle: a mailed
project file must not run code). Trained in :mod:`annotator.learn.events_train`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np


@dataclass
class LinearModel:
    """``scores = sum(W[feature]) + b`` over the features present; softmax gives probabilities."""

    classes: list[str]
    vocab: dict[str, int]
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)

    def probabilities(self, features: Iterable[str]) -> np.ndarray:
        rows = [self.vocab[f] for f in features if f in self.vocab]
        scores = self.bias + (self.weights[rows].sum(axis=0) if rows else 0.0)
        scores = scores - scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def probabilities_many(self, feature_lists: Sequence[Iterable[str]]) -> np.ndarray:
        """:meth:`probabilities` of many examples at once (one numpy pass: suggesting stays fast)."""
        vocab = self.vocab
        rows: list[int] = []
        owners: list[int] = []
        for n, features in enumerate(feature_lists):
            for feature in features:
                index = vocab.get(feature)
                if index is not None:
                    rows.append(index)
                    owners.append(n)
        scores = np.tile(self.bias, (len(feature_lists), 1))
        if rows:
            np.add.at(scores, np.asarray(owners), self.weights[np.asarray(rows)])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def best(self, features: Iterable[str]) -> tuple[str, float]:
        probs = self.probabilities(features)
        index = int(probs.argmax())
        return self.classes[index], float(probs[index])

    def best_other_than(self, features: Iterable[str], none: str) -> tuple[str, float]:
        """The likeliest class other than ``none`` and its probability (``none``, 0.0 when there is none)."""
        probs = self.probabilities(features)
        best, chance = none, 0.0
        for name, p in zip(self.classes, probs):
            if name != none and p > chance:
                best, chance = name, float(p)
        return best, chance

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        return {
            f"{prefix}_weights": self.weights.astype(np.float32),
            f"{prefix}_bias": self.bias.astype(np.float32),
            f"{prefix}_vocab": np.array(names, dtype=object).astype(str),
            f"{prefix}_classes": np.array(self.classes, dtype=str),
        }

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> LinearModel:
        names = [str(n) for n in data[f"{prefix}_vocab"]]
        return cls(
            [str(c) for c in data[f"{prefix}_classes"]],
            {n: i for i, n in enumerate(names)},
            np.asarray(data[f"{prefix}_weights"], dtype=np.float32),
            np.asarray(data[f"{prefix}_bias"], dtype=np.float32),
        )
