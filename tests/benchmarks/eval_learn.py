"""Cross-validated figures of trained vs untrained suggestions on development corpora.

Run: ``python tests/benchmarks/eval_learn.py [--folds 5] [--minutes 10] CORPUS...`` where CORPUS is
``bionlp`` (../shared/samples/bionlp-epi), ``conll`` (../shared/samples/conll2002), ``seeds``
(tests/data/seed_events.jsonl, two articles: too few for folds), ``seed-paragraphs`` (the same
cut into paragraphs) or a folder/file annotator imports. Each corpus is imported into a
scratch project as layer ``gold``; ``annotator.learn.trainer.train`` then trains on k-1 folds and
scores the trained and the untrained suggester on the held-out fold, never on training documents.
Prints pooled P/R/F1 and each fold's F1 (median, min-max). Nothing is timed here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from annotator.formats.importer import import_paths
from annotator.learn.trainer import TrainOptions, train
from annotator.workspace import create_project

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path("/work/shared/samples")
CORPORA = {
    "bionlp": SAMPLES / "bionlp-epi",
    "conll": SAMPLES / "conll2002",
    "seeds": ROOT / "tests" / "data" / "seed_events.jsonl",
}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--curve", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp())
    for name in args.corpora:
        path = seed_paragraphs(scratch) if name == "seed-paragraphs" else CORPORA.get(name, Path(name))
        if not path.exists():
            sys.exit(f"{path} does not exist")
        evaluate(path, args.folds, args.minutes, args.curve)


if __name__ == "__main__":
    main()
