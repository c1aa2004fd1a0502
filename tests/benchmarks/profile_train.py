"""Profile ``annotator train`` on CASIE articles: wall time and peak resident memory per phase.

Run by hand (pytest does not collect it)::

    .venv/bin/python tests/benchmarks/profile_train.py [--size 200] [--minutes 10] [--folds 3]

Imports the first ``--size`` training articles of ``../shared/samples/casie-dev`` (the same draw as
``eval_learn.py casie``, read in place) as layer ``gold`` of a scratch project and trains on them in
this process. The phase is the progress text without its counters ("fold 2/3: training on 133
documents, recognizer epochs"); a thread samples the process's resident set (``/proc/self/status``)
every 0.2 s and keeps each phase's peak. Prints seconds and peak MB per phase, the total, the
process's ``ru_maxrss`` and the load average. One run: training is minutes long, so repeat by hand.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from eval_learn import casie_split  # noqa: E402

from annotator.formats.importer import import_paths  # noqa: E402
from annotator.learn.trainer import TrainOptions, train  # noqa: E402
from annotator.app.workspace import create_project  # noqa: E402


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Phases:
    """Seconds and peak resident MB per progress phase, in the order first seen."""

    def __init__(self) -> None:
        self.current = "start (import, load pipeline)"
        self.started = time.monotonic()
        self.seconds: dict[str, float] = {}
        self.peak: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stop = False
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self.stop:
            rss = resident_mb()
            with self.lock:
                self.peak[self.current] = max(self.peak.get(self.current, 0.0), rss)
            time.sleep(0.2)

    def switch(self, phase: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.started
            self.started, self.current = now, phase

    def progress(self, text: str, done: int, total: int | None) -> None:
        phase = re.sub(r"\s+\d+/\d+$", "", text)
        if phase != self.current:
            self.switch(phase)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--test", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--folds", type=int, help="evaluation folds (default: as annotator train chooses)")
    args = parser.parse_args()
    _tested, training = casie_split(args.test, args.size, 0)
    phases = Phases()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "train.jsonl").write_text("\n".join(training) + "\n", encoding="utf-8")
        store = create_project(folder / "train.annotator")
        import_paths(store, [folder / "train.jsonl"], "gold")
        phases.switch("start (load pipeline)")
        started = time.monotonic()
        result = train(store, TrainOptions(layer="gold", status="any", max_minutes=args.minutes, folds=args.folds), phases.progress)
        total = time.monotonic() - started
        phases.switch("end")
        phases.stop = True
        store.close()
    print(f"casie {args.size} articles, --max-minutes {args.minutes}, {args.folds or 'auto'} folds: {total:.0f} s, "
          f"ru_maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, load {os.getloadavg()}")
    print(f"  epochs {result.epochs}, folds skipped {result.folds_skipped}")
    for name, seconds in phases.seconds.items():
        print(f"  {seconds:7.1f} s  peak {phases.peak.get(name, 0.0):6.0f} MB  {name}")
    measures = ("spans_exact", "event_triggers", "event_arguments")
    print("  held-out F1 trained " + " / ".join(f"{result.trained[m]['f1']:.3f}" for m in measures)
          + ", untrained " + " / ".join(f"{result.untrained[m]['f1']:.3f}" for m in measures))


if __name__ == "__main__":
    main()
