"""Where the learned trigger classifier goes wrong: every missed gold trigger and every wrong
suggestion of held-out documents classed by cause.

Run: ``python tests/benchmarks/trigger_errors.py casie --size 200 [--show 12]`` (parses once and
caches like ``event_errors.py``, whose loader it uses; trains the event classifiers with
``train_events`` and scores only ``EventModel.find_triggers``, exact extent and type).

A miss is classed by its gold head word (the span's syntactic root, the word the classifier is
trained on): *never candidate* (a part of speech no trigger may have), *extent too short / too
long / shifted* (the head was suggested with the right type, other words), *type error*, *dropped*
(above the threshold but inside a likelier trigger), *another word of the gold predicted* (the
phrase was found from another of its words) or *below threshold* (by the probability of the gold
type). A wrong suggestion overlaps nothing, or overlaps a gold trigger of the same type (a
boundary error) or of another.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from event_errors import load  # noqa: E402

from annotator.learn.events_train import train_events  # noqa: E402
from annotator.suggest.event_features import trigger_candidates, trigger_features  # noqa: E402
from annotator.suggest.learned import NONE  # noqa: E402


def analyse(train: list, test: list, lexicon_types: set, show: int = 0) -> float:
    model = train_events([piece for p in train for _o, piece, _b in p.pieces], lexicon_types)
    gold, pred = set(), {}
    for number, parsed in enumerate(test):
        for offset, piece, _b in parsed.pieces:
            doc = piece.doc
            for first, end, label, p, tok in model.find_triggers(doc, piece.rule_types):
                s, e = doc[first].idx + offset, doc[end - 1].idx + len(doc[end - 1]) + offset
                pred[(number, s, e, label)] = (p, tok.i, offset)
        for ev in parsed.item.gold.events:
            gold.add((number, ev.trigger.start, ev.trigger.end, ev.type))
    m = gold & set(pred)
    P, R = len(m) / max(1, len(pred)), len(m) / max(1, len(gold))
    F = 2 * P * R / (P + R) if P + R else 0.0
    print(f"triggers P {P:.3f} R {R:.3f} F1 {F:.3f} gold {len(gold)} predicted {len(pred)} matched {len(m)}")
    cls = collections.Counter(); examples = collections.defaultdict(list)
    fp = collections.Counter()
    others = [n for n, c in enumerate(model.triggers.classes) if c != NONE]
    gold_by_doc = collections.defaultdict(list)
    for g in gold: gold_by_doc[g[0]].append(g)
    pred_by_doc = collections.defaultdict(list)
    for k in pred: pred_by_doc[k[0]].append(k)
    for number, parsed in enumerate(test):
        text = parsed.item.document.text
        for offset, piece, _b in parsed.pieces:
            doc = piece.doc
            toks = list(trigger_candidates(doc))
            idx = {t.i: n for n, t in enumerate(toks)}
            probs = model.triggers.probabilities_many([trigger_features(t, piece.rule_types.get(t.i)) for t in toks]) if toks else None
            for g in gold_by_doc[number]:
                _, s, e, ty = g
                if not (offset <= s and e <= offset + len(doc.text)): continue
                if g in pred: continue
                span = doc.char_span(s - offset, e - offset, alignment_mode="expand")
                head = span.root
                snippet = f"[{text[s:e]}] {ty.split(':')[1][:8]} ...{text[max(0,s-40):e+30]!r}"
                over = [k for k in pred_by_doc[number] if k[1] < e and s < k[2]]
                if head.i not in idx:
                    c = "never candidate (POS " + head.pos_ + ")"
                else:
                    row = probs[idx[head.i]]
                    pg = row[model.triggers.classes.index(ty)] if ty in model.triggers.classes else 0
                    best = model.triggers.classes[others[int(np.argmax(row[others]))]]
                    pb = row[others].max()
                    head_pred = [k for k in over if pred[k][1] == head.i]
                    if head_pred:
                        k = head_pred[0]
                        if k[3] != ty: c = "type error (head predicted other type)"
                        elif k[1] <= s and k[2] >= e: c = "extent too long"
                        elif k[1] >= s and k[2] <= e: c = "extent too short"
                        else: c = "extent shifted"
                        snippet += f"  PRED [{text[k[1]:k[2]]}]"
                    elif pb >= model.trigger_threshold:
                        c = "head above threshold but dropped (nested in likelier)" 
                        snippet += f" p={pb:.2f} over={[text[k[1]:k[2]] for k in over]}"
                    elif over:
                        c = "another word of the gold predicted (head choice)" if any(s <= doc[pred[k][1]-0].idx + offset < e for k in over) else "overlapping prediction, head below thr"
                        snippet += f" PRED {[text[k[1]:k[2]] for k in over]} headp={pg:.2f}"
                    else:
                        b = "<0.05" if pg < .05 else "0.05-0.15" if pg < .15 else "0.15-thr"
                        c = f"below threshold, p(gold type) {b}"
                        snippet += f" p={pg:.2f}"
                cls[c] += 1; examples[c].append(snippet)
    for k in set(pred) - gold:
        number, s, e, ty = k
        g_over = [g for g in gold_by_doc[number] if g[1] < e and s < g[2]]
        if not g_over: fp["nothing there"] += 1; examples["FP nothing"].append(f"[{test[number].item.document.text[s:e]}] {ty} p={pred[k][0]:.2f}")
        elif any(g[1:3] == (s, e) for g in g_over): fp["same extent other type"] += 1
        elif any(g[3] == ty for g in g_over): fp["overlap same type (boundary)"] += 1
        else: fp["overlap other type"] += 1
    print("MISSED", sum(cls.values()))
    for c, n in cls.most_common(): print(f"  {n:4d} {c}")
    print("FALSE POSITIVES", sum(fp.values()))
    for c, n in fp.most_common(): print(f"  {n:4d} {c}")
    if show:
        for c in list(cls) + ["FP nothing"]:
            print("==", c)
            for x in examples[c][:show]: print("   ", x)
    return F


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--show", type=int, default=0, help="print this many examples of each class")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    train, test, _untrained, lexicon_types = load(args.corpus, args.size, not args.no_cache)
    print(f"{args.corpus}: {len(train)} training, {len(test)} test documents")
    analyse(train, test, lexicon_types, args.show)


if __name__ == "__main__":
    main()
