"""Entity F1 against recognizer epochs on CASIE: the recognizer alone, no time bound, no event classifiers.

Run by hand (pytest does not collect it)::

    .venv/bin/python tests/benchmarks/ner_epochs.py [--size 200] [--epochs 15] [--batch 8] [--dropout 0.2]

Trains the base pipeline's recognizer the way ``annotator train`` does (``learn/ner_train``: the
layer's spans plus rehearsed base labels, every 8th text held out) on the first ``--size`` training
articles of ``eval_learn.py casie`` (the same draw), and after every epoch prints its seconds, the
held-out slice's F1 (what early stopping reads) and the exact-span F1 on the 100 fixed test articles
(labels of the training gold only), with the load average. It shows how many epochs the recognizer
needs, so the time ``--max-minutes`` leaves it can be read as an entity F1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _rows(lines: list[str]) -> list[tuple[str, list[tuple[int, int, str]]]]:
    out = []
    for line in lines:
        record = json.loads(line)
        out.append((record["text"], [(s["start"], s["end"], s["label"]) for s in record.get("spans", [])]))
    return out


def main() -> None:
    from eval_learn import casie_split
    from spacy.util import minibatch

    from annotator.learn import ner_train
    from annotator.suggest.pipeline import choose_model, load_pipeline

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--dropout", type=float, default=ner_train.DROPOUT)
    parser.add_argument("--sentences", action="store_true", help="train on sentences (ner_train.sentence_texts), not whole articles")
    args = parser.parse_args()
    tested, training = casie_split(100, args.size, 0)
    nlp = load_pipeline(choose_model(None))
    train_rows, test_rows = _rows(training), _rows(tested)
    started = time.monotonic()
    texts = []
    for doc, (text, gold) in zip(nlp.pipe([t for t, _ in train_rows]), train_rows):
        whole = (text, gold, [(e.start_char, e.end_char, e.label_) for e in doc.ents])
        if args.sentences:
            texts.extend(ner_train.sentence_texts(whole, [(s.start_char, s.end_char) for s in doc.sents]))
        else:
            texts.append(whole)
    print(f"casie {args.size} articles: parsed in {time.monotonic() - started:.0f} s; {len(texts)} texts; batch {args.batch}, dropout {args.dropout}", flush=True)
    labels = {label for _t, gold, _b in texts for *_, label in gold}
    ner = nlp.get_pipe("ner")
    for label in sorted(labels):
        ner.add_label(label)
    examples = ner_train.training_examples(nlp, texts, ner_train.rehearsed_labels(texts))
    every = ner_train.HELD_OUT_EVERY
    held = examples[every - 1 :: every]
    trained_on = [e for n, e in enumerate(examples) if n % every != every - 1]

    def test_f1() -> float:
        matched = gold_n = predicted = 0
        for doc, (_text, gold) in zip(ner.pipe(nlp.make_doc(t) for t, _ in test_rows), test_rows):
            wanted = set(gold)
            found = {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in labels}
            matched, gold_n, predicted = matched + len(wanted & found), gold_n + len(wanted), predicted + len(found)
        return 2 * matched / (gold_n + predicted) if gold_n + predicted else 0.0

    rng = random.Random(0)
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training()
        for epoch in range(args.epochs):
            began = time.monotonic()
            rng.shuffle(trained_on)
            for batch in minibatch(trained_on, size=args.batch):
                nlp.update(batch, sgd=optimizer, drop=args.dropout, losses={})
            seconds = time.monotonic() - began
            held_f1 = float(nlp.evaluate(held).get("ents_f") or 0.0)
            print(f"  epoch {epoch + 1:>2}: {seconds:5.1f} s, held-out slice F1 {held_f1:.3f}, test F1 {test_f1():.3f}, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
