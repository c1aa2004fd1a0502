"""Benchmark: ``annotator train`` time and peak memory; suggesting with the trained model vs raw ``nlp.pipe``.

Run by hand (pytest does not collect it)::

    .venv/bin/python tests/benchmarks/bench_train.py [--sizes 100 400] [--runs 5] [--max-minutes 10]

For each size it derives that many seed-sized articles (as ``bench_suggest.py`` does), imports
them, makes a gold layer from the untrained suggester's output (every suggestion accepted: a
stand-in for analysts' work, with entities, events and arguments in the seeds' proportions) and
times ``annotator train --layer gold --status any`` as a separate process, with its peak memory.

Then, on the smaller project, it alternates ``--runs`` times: raw = a process that loads the
trained model's pipeline folder and runs ``nlp.pipe`` over the same texts with the app's batch
size; app = ``annotator suggest --processes 1`` (the trained model) on a fresh copy of the project.
It prints the median with min-max of each and ratio = raw / app (goal >= 0.85), in wall and CPU time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
from dataclasses import replace
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench_suggest import ANNOTATOR, RAW, USAGE, cpu_ratio, derive_articles, import_project, load_average, peak_memory_run, stored_texts, timed  # noqa: E402

from annotator.model.annotations import AnnotationSet, new_uid  # noqa: E402
from annotator.model.layer import GOLD, DocStatus, LayerKind  # noqa: E402
from annotator.store.models import current_model, model_blob  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402
from annotator.suggest.trained import PIPELINE_FOLDER, unpack  # noqa: E402


def make_gold(db: Path) -> tuple[int, int, int]:
    """Suggest with the untrained suggester and copy the result into layer gold; return counts."""
    subprocess.run([ANNOTATOR, "--db", str(db), "suggest", "--model", "default"], check=True, stdout=subprocess.DEVNULL)
    spans = events = arguments = 0
    with ProjectStore.open(db) as store:
        source = next(layer for layer in store.layers() if layer.kind is LayerKind.SUGGESTIONS)
        gold = store.ensure_layer(GOLD, LayerKind.GOLD)
        with store.transaction():
            for doc_id in store.document_ids():
                found = store.annotations(source.id, doc_id)  # type: ignore[arg-type]
                # Gold's own copies (new uids), as accepting a suggestion makes them.
                copied = AnnotationSet(
                    tuple(replace(a, uid=new_uid()) for a in found.spans), tuple(replace(e, uid=new_uid()) for e in found.events)
                )
                store.add_annotations(gold.id, doc_id, copied)  # type: ignore[arg-type]
                store.set_status(gold.id, doc_id, DocStatus.DONE)  # type: ignore[arg-type]
                spans += len(found.spans)
                events += len(found.events)
                arguments += sum(len(e.arguments) for e in found.events)
        store.checkpoint()
    return spans, events, arguments


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-minutes", type=float, default=10.0)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        projects = {}
        for size in args.sizes:
            db = import_project(folder, derive_articles(size), f"p{size}")
            spans, events, arguments = make_gold(db)
            command = [ANNOTATOR, "--db", str(db), "train", "--layer", "gold", "--status", "any", "--max-minutes", str(args.max_minutes), "--adopt", "always"]
            seconds, megabytes = peak_memory_run(command)
            print(
                f"train {size} articles (gold: {spans} spans, {events} events, {arguments} arguments): "
                f"{seconds:.1f} s, peak memory {megabytes:,.0f} MB (bound --max-minutes {args.max_minutes}); {load_average()}",
                flush=True,
            )
            projects[size] = db
        db = projects[min(projects)]
        with ProjectStore.open(db) as store:
            model = current_model(store)
            assert model is not None
            pipeline = str(unpack(model_blob(store, model.id)) / PIPELINE_FOLDER)
        texts = stored_texts(db)
        texts_file = folder / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")

        def app() -> float:
            run = folder / "run.db"
            for suffix in ("", "-wal", "-shm"):
                Path(str(run) + suffix).unlink(missing_ok=True)
            shutil.copy(db, run)
            return timed([ANNOTATOR, "--db", str(run), "suggest", "--processes", "1", "--batch-size", str(args.batch_size)], "app")

        raw_times, app_times = [], []
        for n in range(args.runs):
            raw_times.append(timed([sys.executable, "-c", RAW, str(texts_file), pipeline, str(args.batch_size), "1"], "raw"))
            app_times.append(app())
            print(f"run {n + 1}: raw {raw_times[-1]:.2f} s, app {app_times[-1]:.2f} s", flush=True)
        print(f"suggest {len(texts)} articles with {model.name}: raw nlp.pipe {summary(raw_times)}; app {summary(app_times)}")
        # raw runs one process (the RAW script's last argument), as app's --processes 1 does.
        raw_cpu, app_cpu = [u[0] for u in USAGE["raw"]], [u[0] for u in USAGE["app"]]
        print(
            f"CPU time (less disturbed by other programs): raw median {statistics.median(raw_cpu):.2f} s "
            f"({min(raw_cpu):.2f}-{max(raw_cpu):.2f}), app median {statistics.median(app_cpu):.2f} s "
            f"({min(app_cpu):.2f}-{max(app_cpu):.2f}), ratio {cpu_ratio('raw', 'app'):.3f}; {load_average()}"
        )
        ratios = [r / a for r, a in zip(raw_times, app_times)]
        print(
            f"ratio raw/app = {statistics.median(raw_times) / statistics.median(app_times):.3f} "
            f"(per run: median {statistics.median(ratios):.3f}, min {min(ratios):.3f}, max {max(ratios):.3f}; goal >= 0.85)"
        )


if __name__ == "__main__":
    main()
