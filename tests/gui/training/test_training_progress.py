"""The training dialog's bar runs once across all stages (it used to restart at each one)."""

from __future__ import annotations

from annotator.gui.training.training_progress import SCALE, OverallProgress


def _stages(folds: int) -> list[tuple[str, int, int]]:
    calls = [("parsing the documents once (for every fold)", n, 10) for n in range(1, 11)]
    for fold in range(1, folds + 1):
        calls += [(f"fold {fold}/{folds}: training on 6 documents, recognizer epochs", e, 20) for e in range(0, 21, 5)]
    calls += [("final model: training on all 10 documents, recognizer epochs", e, 20) for e in range(0, 21, 5)]
    return calls


def test_the_bar_never_moves_back_and_ends_full() -> None:
    for folds in (2, 3, 5):
        progress = OverallProgress()
        values = [progress.update(*call) for call in _stages(folds)]
        assert values == sorted(values), folds
        assert values[-1] == SCALE
        # Each stage moves it on: the first fold starts past the parsing, the final model past the folds.
        first_fold = next(i for i, c in enumerate(_stages(folds)) if c[0].startswith("fold 1/"))
        assert values[first_fold] >= SCALE // (folds + 2) - 1


def test_an_unknown_total_does_not_move_it() -> None:
    progress = OverallProgress()
    assert progress.update("reading the layer", 0, 0) == 0
