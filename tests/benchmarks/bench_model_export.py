"""Benchmark: ``annotator models --export``: the exported folder's size and ``spacy.load`` time.

Run by hand (pytest does not collect it)::

    .venv/bin/python tests/benchmarks/bench_model_export.py [--runs 5] [--dir /tmp/bench-model-export]

Builds the tests' tiny gold project (8 sports reports), trains ``trained:1`` from it, exports it,
and prints the export's size and time. Then, alternating, ``--runs`` fresh processes each time
``spacy.load`` and one ``nlp(text)`` of: the stock pipeline the model was trained on (raw
baseline), the stored model's own pipeline folder as unpacked in the cache (raw: spaCy alone, no
events component), and the exported folder (spaCy finding ``annotator_events`` through the
entry point). Load times are measured inside each process (interpreter start and ``import spacy``
excluded); medians with min-max, and the ratio raw / exported.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROBE = """
import json, sys, time
import spacy
started = time.perf_counter()
nlp = spacy.load(sys.argv[1])
loaded = time.perf_counter()
doc = nlp("Yesterday the Eagles scored in the last minute in Boston.")
done = time.perf_counter()
print(json.dumps({"load": loaded - started, "first_doc": done - loaded}))
"""


def _probe(pipeline: str) -> dict:
    run = subprocess.run([sys.executable, "-c", PROBE, pipeline], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-model-export"))
    args = parser.parse_args()

    from conftest import make_tiny_gold

    from annotator.learn.export_pipeline import export_model
    from annotator.learn.trainer import TrainOptions, train
    from annotator.store.models import model_blob
    from annotator.store.project import ProjectStore
    from annotator.suggest.trained import PIPELINE_FOLDER, unpack

    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    db = args.dir / "tiny.db"
    make_tiny_gold(db)
    with ProjectStore.open(db) as store:
        report = train(store, TrainOptions(max_minutes=5.0, folds=2))
        assert report.model is not None
        stored = unpack(model_blob(store, report.model.id)) / PIPELINE_FOLDER
        started = time.perf_counter()
        exported = export_model(store, report.model.name, args.dir / "exported")
        export_seconds = time.perf_counter() - started
    print(f"base pipeline: {report.base}")
    print(f"stored archive: {report.model.size / 1e6:.2f} MB; exported folder: {exported.bytes / 1e6:.2f} MB "
          f"(stored pipeline folder {_size(stored) / 1e6:.2f} MB); export took {export_seconds:.2f} s")
    print(f"components: {', '.join(exported.components)}")
    results: dict[str, list[dict]] = {"stock": [], "stored": [], "exported": []}
    targets = {"stock": report.base, "stored": str(stored), "exported": str(exported.folder)}
    for _ in range(args.runs):
        for name, target in targets.items():
            results[name].append(_probe(target))
    medians = {}
    for name, runs in results.items():
        loads = [r["load"] for r in runs]
        firsts = [r["first_doc"] for r in runs]
        medians[name] = statistics.median(loads)
        print(f"{name:>9}: spacy.load median {statistics.median(loads):.3f} s ({min(loads):.3f}-{max(loads):.3f}), "
              f"first doc {statistics.median(firsts) * 1000:.0f} ms ({min(firsts) * 1000:.0f}-{max(firsts) * 1000:.0f})")
    print(f"ratio stock / exported {medians['stock'] / medians['exported']:.2f}; "
          f"stored / exported {medians['stored'] / medians['exported']:.2f} (runs {args.runs})")


if __name__ == "__main__":
    main()
