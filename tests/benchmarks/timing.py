"""Shared timing for the benchmarks: app and raw runs alternate, figures are medians with ranges.

Every benchmark times its raw baseline in the same run as the app, alternating app and raw so
that load from other programs on the (shared) machine hits both alike, at least ``RUNS`` times
each; it prints the median with min-max of each and the ratio of the medians.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable

RUNS = 5


def alternate(runs: int = RUNS, **measures: Callable[[], float | None]) -> dict[str, list[float]]:
    """Call each measure in turn, round after round; a measure returns its own seconds, or None
    to have the whole call timed. Returns the seconds of each, by name."""
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(max(runs, 1)):
        for name, measure in measures.items():
            started = time.perf_counter()
            seconds = measure()
            times[name].append(time.perf_counter() - started if seconds is None else seconds)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], unit: str = "ms") -> str:
    """``median 12.3 ms (min-max 11.0-15.2, n=5)`` of seconds, in ``unit`` (ms or s)."""
    scale = 1000.0 if unit == "ms" else 1.0
    digits = 1 if unit == "ms" else 2
    low, high, mid = min(values) * scale, max(values) * scale, statistics.median(values) * scale
    return f"median {mid:.{digits}f} {unit} (min-max {low:.{digits}f}-{high:.{digits}f}, n={len(values)})"


def ratio(numerator: list[float], denominator: list[float]) -> float:
    """The ratio of the medians."""
    return statistics.median(numerator) / statistics.median(denominator)
