"""Cross-validated figures of trained vs untrained suggestions on development corpora.

Run: ``python tests/benchmarks/eval_learn.py [--folds 5] [--minutes 10] CORPUS...`` where CORPUS is
``bionlp`` (../shared/samples/bionlp-epi), ``conll`` (../shared/samples/conll2002), ``seeds``
(tests/data/seed_events.jsonl, two articles: too few for folds), ``seed-paragraphs`` (the same
cut into paragraphs) or a folder/file annotator imports. Each corpus is imported into a
scratch project as layer ``gold``; ``annotator.learn.trainer.train`` then trains on k-1 folds and
scores the trained and the untrained suggester on the held-out fold, never on training documents.
Prints pooled P/R/F1 and each fold's F1 (median, min-max).

``casie`` (../shared/samples/casie-dev, 500 cybersecurity articles, read in place, never copied) is
measured differently, as a user would meet it: a fixed test set of ``--test`` articles (a seeded
shuffle, the same for every size) is never trained on; for each of ``--sizes`` (default 50 100 200
400) the first N of the other articles are imported as layer ``gold`` of a fresh project and
trained with ``train --layer gold --status any`` (its own folds choose rules or learned parts),
then the stored model and the untrained suggester suggest the test articles and are scored
against their gold. Each size runs in its own process, so its training time (wall seconds) and
peak memory (the process's maximum resident set, parsing and model loading included) are its own;
the load average is printed beside them. With ``--repeats R`` each size is trained on R different
draws of training articles (same test set) and medians are printed, with each figure's
min-max over the draws.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from annotator.formats.importer import import_paths
from annotator.learn.trainer import TrainOptions, train
from annotator.app.workspace import create_project

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path("/work/shared/samples")
CORPORA = {
    "bionlp": SAMPLES / "bionlp-epi",
    "conll": SAMPLES / "conll2002",
    "seeds": ROOT / "tests" / "data" / "seed_events.jsonl",
}
CASIE = SAMPLES / "casie-dev" / "casie-dev.jsonl"
CASIE_SIZES = (50, 100, 200, 400)
MEASURES = (("spans_exact", "entities"), ("event_triggers", "triggers"), ("event_arguments", "arguments"))


def seed_paragraphs(folder: Path) -> Path:
    """The seed articles' gold events cut into one document per paragraph (JSONL, offsets shifted):
    the only news gold there is, in enough pieces to cross-validate (paragraphs of one article
    share names and topic, so these figures flatter a little)."""
    records = []
    for line in CORPORA["seeds"].read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text, start = record["text"], 0
        for paragraph in text.split("\n\n"):
            at = text.index(paragraph, start)
            start = at + len(paragraph)
            end = at + len(paragraph)
            events = []
            for event in record["events"]:
                if at <= event["trigger"]["start"] and event["trigger"]["end"] <= end:
                    shifted = json.loads(json.dumps(event))
                    for part in [shifted["trigger"], *shifted["arguments"]]:
                        part["start"] -= at
                        part["end"] -= at
                    shifted["arguments"] = [a for a in shifted["arguments"] if 0 <= a["start"] and a["end"] <= len(paragraph)]
                    events.append(shifted)
            if paragraph.strip():
                records.append({"text": paragraph, "events": events})
    path = folder / "seed-paragraphs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def evaluate(path: Path, folds: int, minutes: float, curve: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = create_project(Path(scratch) / "dev.annotator")  # the default schema, as `annotator init`
        report = import_paths(store, [path], "gold")
        if not report.ok:
            print(f"  ({len(report.problems)} import problem(s); first: {report.problems[0]})")
        result = train(store, TrainOptions(layer="gold", status="any", max_minutes=minutes, folds=folds, curve=curve, store_model=False))
        store.close()
    print(f"{path.name}: {result.documents} documents, {folds} folds, {result.seconds:.0f} s, NER epochs per run {result.epochs}")
    print(f"  {'':<11}{'trained P/R/F1':>22}{'untrained P/R/F1':>24}   per-fold F1 trained (median, range) | untrained")
    for key, title in MEASURES:
        t, u = result.trained[key], result.untrained[key]
        pairs = result.fold_f1.get(key, [])
        tr = [a for a, _ in pairs]
        un = [b for _, b in pairs]
        print(
            f"  {title:<11}{t['precision']:>8.3f}{t['recall']:>7.3f}{t['f1']:>7.3f}"
            f"{u['precision']:>10.3f}{u['recall']:>7.3f}{u['f1']:>7.3f}   "
            f"{statistics.median(tr):.3f} ({min(tr):.3f}-{max(tr):.3f}) | {statistics.median(un):.3f} ({min(un):.3f}-{max(un):.3f})"
            f"   gold {t['gold']}"
        )
    print("  learned model alone: " + ", ".join(f"{title} F1 {result.learned[key]['f1']:.3f}" for key, title in MEASURES)
          + f"; rules kept for triggers of {result.rule_types or 'no type'}, arguments of {result.rule_argument_types or 'no type'}")
    gold_labels = [label for label, scores in result.trained["per_label"].items() if scores["spans_exact"]["gold"]]
    for name, report in (("trained", result.trained), ("untrained", result.untrained)):
        counts = [report["per_label"].get(label, {}).get("spans_exact") for label in gold_labels]
        matched = sum(c["matched"] for c in counts if c)
        gold = sum(c["gold"] for c in counts if c)
        predicted = sum(c["predicted"] for c in counts if c)
        if gold:
            p, r = matched / predicted if predicted else 0.0, matched / gold
            f = 2 * p * r / (p + r) if p + r else 0.0
            print(f"  entities in the layer's own labels ({', '.join(gold_labels)}), {name}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    for label, scores in result.trained["per_label"].items():
        u = result.untrained["per_label"].get(label, {}).get("spans_exact", {"f1": 0.0})
        if scores["spans_exact"]["gold"]:
            print(f"    entity {label:<24} trained F1 {scores['spans_exact']['f1']:.3f}  untrained {u['f1']:.3f}  (gold {scores['spans_exact']['gold']})")
    for kind, scores in result.trained["per_event_type"].items():
        u = result.untrained["per_event_type"].get(kind, {}).get("event_triggers", {"f1": 0.0})
        if scores["event_triggers"]["gold"]:
            print(
                f"    event {kind:<25} trigger F1 {scores['event_triggers']['f1']:.3f} (untrained {u['f1']:.3f}), "
                f"arguments F1 {scores['event_arguments']['f1']:.3f}  (gold {scores['event_triggers']['gold']})"
            )
    for share, scores in result.curve.items():
        print(f"  curve {share:>5}: " + "  ".join(f"{title} F1 {scores[key]:.3f}" for key, title in MEASURES))


def casie_split(test: int, size: int, repeat: int) -> tuple[list[str], list[str]]:
    """The fixed test lines (seed 19, the same for every size and repeat) and ``size`` training
    lines drawn from the rest (the first ``size`` for repeat 0, another draw for each repeat)."""
    lines = [line for line in CASIE.read_text(encoding="utf-8").splitlines() if line.strip()]
    order = list(range(len(lines)))
    random.Random(19).shuffle(order)
    tested, rest = order[:test], order[test:]
    if repeat:
        random.Random(1000 + repeat).shuffle(rest)
    if size > len(rest):
        raise SystemExit(f"casie has {len(rest)} articles beside the {test} test articles, fewer than {size}")
    return [lines[i] for i in tested], [lines[i] for i in rest[:size]]


def casie_one(size: int, test: int, repeat: int, minutes: float, folds: int) -> dict[str, Any]:
    """Train on ``size`` casie articles, score trained and untrained on the test articles (in this process)."""
    from annotator.learn.data import read_training_set
    from annotator.review.evaluate import EvaluationCounter
    from annotator.store.models import model_blob
    from annotator.suggest.suggester import Suggester
    from annotator.suggest.trained import load_trained, unpack

    tested, training = casie_split(test, size, repeat)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "train.jsonl").write_text("\n".join(training) + "\n", encoding="utf-8")
        (folder / "test.jsonl").write_text("\n".join(tested) + "\n", encoding="utf-8")
        store = create_project(folder / "train.annotator")
        import_paths(store, [folder / "train.jsonl"], "gold")
        started = time.monotonic()
        result = train(store, TrainOptions(layer="gold", status="any", max_minutes=minutes, folds=folds))
        seconds = time.monotonic() - started
        load = os.getloadavg()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert result.model is not None
        blob = model_blob(store, result.model.id)
        schema = store.schema()
        store.close()
        held = create_project(folder / "test.annotator")
        import_paths(held, [folder / "test.jsonl"], "gold")
        layer = next(layer for layer in held.layers() if layer.name == "gold")
        gold = read_training_set(held, layer, "any")
        held.close()
        scores = {}
        for name, suggester in (("trained", load_trained(unpack(blob), schema, "trained")), ("untrained", Suggester.load(result.base, schema))):
            counter = EvaluationCounter("gold", name)
            for item, predicted in zip(gold, suggester.suggest_many((d.document.text, d.document.content_hash) for d in gold)):
                counter.add_document(item.gold, predicted)
            scores[name] = {title: counter.to_dict()[key]["f1"] for key, title in MEASURES}
    return {
        "size": size, "repeat": repeat, "seconds": seconds, "peak_mb": peak, "load": load, "epochs": result.epochs,
        "folds_skipped": result.folds_skipped, "rule_types": result.rule_types, "rule_argument_types": result.rule_argument_types,
        "held_out": {title: result.trained[key]["f1"] for key, title in MEASURES},
        **scores,
    }


def casie_curve(sizes: Sequence[int], test: int, repeats: int, minutes: float, folds: int) -> None:
    """Each size (and repeat) in its own process; medians over repeats."""
    print(f"casie: {test} fixed test articles never trained on; training sizes {list(sizes)}, {repeats} draw(s) each, "
          f"train --max-minutes {minutes}, {folds} folds")
    print(f"  {'size':>5} {'trained trig/arg/ent F1':>26} {'untrained trig/arg/ent F1':>27} {'train s':>9} {'peak MB':>8}  load average")
    for size in sizes:
        runs = []
        for repeat in range(repeats):
            out = subprocess.run(
                [sys.executable, __file__, "--casie-one", str(size), "--test", str(test), "--repeat", str(repeat),
                 "--minutes", str(minutes), "--folds", str(folds)],
                check=True, stdout=subprocess.PIPE, text=True,
            ).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        med = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "peak_mb")}
        figures = {
            name: "/".join(f"{statistics.median(r[name][t] for r in runs):.3f}" for t in ("triggers", "arguments", "entities"))
            for name in ("trained", "untrained")
        }
        # Medians hide how much a draw of training articles matters: give each figure's range too.
        spread = "" if repeats == 1 else "  (min-max over draws: " + ", ".join(
            f"{name} {t} {min(r[name][t] for r in runs):.3f}-{max(r[name][t] for r in runs):.3f}"
            for name in ("trained",) for t in ("triggers", "arguments", "entities")
        ) + f", seconds {min(r['seconds'] for r in runs):.0f}-{max(r['seconds'] for r in runs):.0f}, " \
            f"peak MB {min(r['peak_mb'] for r in runs):.0f}-{max(r['peak_mb'] for r in runs):.0f})"
        loads = "; ".join(", ".join(f"{x:.2f}" for x in r["load"]) for r in runs)
        print(f"  {size:>5} {figures['trained']:>26} {figures['untrained']:>27} {med['seconds']:>9.0f} {med['peak_mb']:>8.0f}  {loads}{spread}", flush=True)
        for r in runs:
            if r["rule_types"] or r["rule_argument_types"] or r["folds_skipped"]:
                print(f"        draw {r['repeat']}: rules kept for triggers of {r['rule_types'] or 'none'}, arguments of "
                      f"{r['rule_argument_types'] or 'none'}; folds skipped by the time bound {r['folds_skipped']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--curve", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(CASIE_SIZES), help="casie training sizes")
    parser.add_argument("--test", type=int, default=100, help="casie test articles (fixed)")
    parser.add_argument("--repeats", type=int, default=1, help="casie draws of training articles per size")
    parser.add_argument("--casie-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.casie_one:
        print(json.dumps(casie_one(args.casie_one, args.test, args.repeat, args.minutes, args.folds)))
        return
    if not args.corpora:
        parser.error("name at least one corpus")
    scratch = Path(tempfile.mkdtemp())
    for name in args.corpora:
        if name == "casie":
            casie_curve(args.sizes, args.test, args.repeats, args.minutes, args.folds if args.folds != 5 else 3)
            continue
        path = seed_paragraphs(scratch) if name == "seed-paragraphs" else CORPORA.get(name, Path(name))
        if not path.exists():
            sys.exit(f"{path} does not exist")
        evaluate(path, args.folds, args.minutes, args.curve)


if __name__ == "__main__":
    main()
