"""One progress bar across the whole training, not one that restarts at each stage.

The trainer reports each stage on its own (parsing the documents, each fold's model, the final
model: ``(phase, done, total)`` per stage, see :func:`annotator.learn.trainer.train`); the window's
dialog shows the phase in words and, with this, the bar as the share of all stages done. The bar
never moves back.
"""

from __future__ import annotations

import re

DEFAULT_FOLDS = 3
"""The trainer's default (``annotator.learn.trainer.DEFAULT_FOLDS``, not imported: it loads spaCy);
only the parsing stage's share depends on it, the first fold's phase says the real number."""

SCALE = 1000
"""The bar's maximum: stages count in thousandths of the whole training."""

_FOLD = re.compile(r"^fold (\d+)/(\d+)")


class OverallProgress:
    """Turns the trainer's per-stage counts into a value on ``0..SCALE`` for the whole run."""

    def __init__(self, folds: int = DEFAULT_FOLDS):
        self.folds = folds
        self.value = 0

    def update(self, phase: str, done: int, total: int) -> int:
        """The bar's value after the trainer said ``phase``: ``done`` of ``total`` (0: unknown)."""
        fold = _FOLD.match(phase)
        if fold is not None:
            stage, self.folds = int(fold.group(1)), int(fold.group(2))
        elif phase.startswith("final model"):
            stage = self.folds + 1
        else:  # parsing the documents, before the first fold
            stage = 0
        stages = self.folds + 2
        share = min(done, total) / total if total > 0 else 0.0
        self.value = max(self.value, round(SCALE * (stage + share) / stages))
        return self.value
