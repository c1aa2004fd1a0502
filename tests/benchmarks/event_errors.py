"""Error analysis of the learned event classifiers (triggers, then arguments) on held-out articles.

Run: ``python tests/benchmarks/event_errors.py casie --size 200`` (or ``seed-paragraphs``,
``bionlp``). The documents are parsed once with the base pipeline (cached in the temp folder,
``--no-cache`` to parse again); only the event classifiers are trained (the recognizer is not
fine-tuned: this is the quick loop for trigger and argument changes, ``eval_learn.py`` the full
measure). For casie the test set is ``eval_learn``'s fixed 100 articles; for the other corpora
every third document is held out.

Entities given to the argument step at test time: ``--entities base`` (default: the base
recognizer's, in the project's labels, as an untrained recognizer would give them), ``gold`` (an
oracle: what a perfect recognizer would give) or ``none``.

Printed: trigger P/R/F1 (exact extent and type, as ``annotator evaluate`` counts them); how many
gold triggers span several words; each missed gold trigger classed as a *type error* (the same
extent with another type), a *boundary error* (an overlapping prediction with the same type), a
*never candidate* (its head word's part of speech is not one a trigger may have) or *not found*;
precision and recall at other thresholds; then for arguments on correctly found triggers: missed
fillers classed as *no candidate* (no candidate has that extent), *wrong extent* (a prediction of
that role overlaps), *wrong role* (the same extent with another role) or *not found*.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_learn import CORPORA, casie_split, seed_paragraphs  # noqa: E402

from annotator.formats.importer import import_paths  # noqa: E402
from annotator.learn.data import read_training_set  # noqa: E402
from annotator.learn.events_train import train_events  # noqa: E402
from annotator.app.workspace import create_project  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "annotator-event-errors"


def _read(path: Path) -> tuple[list[Any], Any]:
    with tempfile.TemporaryDirectory() as scratch:
        store = create_project(Path(scratch) / "p.annotator")
        import_paths(store, [path], "gold")
        layer = next(layer for layer in store.layers() if layer.name == "gold")
        docs = read_training_set(store, layer, "any")
        schema = store.schema()
        store.close()
    return docs, schema


def load(corpus: str, size: int, cache: bool) -> tuple[list[Any], list[Any], Any, Any]:
    """Parsed training and test documents (``learn.parsed.Parsed``), the untrained suggester, lexicon types."""
    from annotator.learn.parsed import parse_documents as _parse
    from annotator.suggest.pipeline import choose_model, load_pipeline
    from annotator.suggest.rules import load_rules
    from annotator.suggest.suggester import Suggester

    CACHE.mkdir(exist_ok=True)
    key = CACHE / f"{corpus}-{size}.pickle"
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if corpus == "casie":
            tested, training = casie_split(100, size, 0)
            (folder / "train.jsonl").write_text("\n".join(training) + "\n", encoding="utf-8")
            (folder / "test.jsonl").write_text("\n".join(tested) + "\n", encoding="utf-8")
            train_docs, schema = _read(folder / "train.jsonl")
            test_docs, _ = _read(folder / "test.jsonl")
        else:
            path = seed_paragraphs(folder) if corpus == "seed-paragraphs" else CORPORA.get(corpus, Path(corpus))
            docs, schema = _read(path)
            test_docs = docs[::3]
            train_docs = [d for n, d in enumerate(docs) if n % 3]
    rules = load_rules()
    lexicon_types = {e.type for entries in rules.lexicon.restricted_to(schema).by_word.values() for e in entries}
    base = choose_model(None, None)
    nlp = load_pipeline(base)
    untrained = Suggester(nlp, schema, rules, base)
    loaded = None
    if cache and key.exists():
        try:
            loaded = pickle.loads(key.read_bytes())
        except (AttributeError, ImportError, pickle.UnpicklingError):  # written by older code: parse again
            loaded = None
    if loaded is not None:
        train_parsed, test_parsed = loaded
    else:
        train_parsed, test_parsed = _parse(nlp, untrained, train_docs, None), _parse(nlp, untrained, test_docs, None)
        key.write_bytes(pickle.dumps((train_parsed, test_parsed)))
    return train_parsed, test_parsed, untrained, lexicon_types


def _prf(matched: int, predicted: int, gold: int) -> str:
    p = matched / predicted if predicted else 0.0
    r = matched / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} (gold {gold}, predicted {predicted}, matched {matched})"


def analyse(train_parsed: list[Any], test_parsed: list[Any], untrained: Any, lexicon_types: set[str], entities_mode: str, show: int = 0, c: float = 10.0, threshold: float | None = None) -> dict[str, float]:
    from annotator.suggest.events import extract_events
    from annotator.suggest.learned import TRIGGER_POS, argument_candidates

    started = time.monotonic()
    model = train_events([piece for p in train_parsed for _o, piece, _b in p.pieces], lexicon_types, c)
    if threshold is not None:
        model.trigger_threshold = threshold
    print(f"  event classifiers trained in {time.monotonic() - started:.1f} s on {len(train_parsed)} documents")
    gold_t: set[tuple[int, int, str]] = set()
    pred_t: dict[tuple[int, int, str], float] = {}
    gold_a: set[tuple[Any, ...]] = set()
    pred_a: set[tuple[Any, ...]] = set()
    multi = 0
    candidates: dict[tuple[Any, ...], set[tuple[int, int]]] = {}
    never = 0
    pos_of_missed: Counter[str] = Counter()
    for number, parsed in enumerate(test_parsed):
        for offset, piece, _base in parsed.pieces:
            doc = piece.doc
            if entities_mode == "gold":
                entities = piece.entities
            elif entities_mode == "base":
                entities = [(e.start, e.end, untrained.label_map[e.label_]) for e in doc.ents if e.label_ in untrained.label_map]
            else:
                entities = []
            rule_events = extract_events(doc, entities, untrained.lexicon, untrained.argument_rules, untrained.schema, offset)
            predicted = model.predict(doc, entities, rule_events, offset)
            spans = []
            for trigger, _a, _c in predicted:
                span = doc.char_span(trigger.start - offset, trigger.end - offset)
                spans.append((span.start, span.end, trigger.label))
            chunks = list(doc.noun_chunks)
            for trigger, arguments, confidence in predicted:
                span = doc.char_span(trigger.start - offset, trigger.end - offset)
                key = (number, trigger.start, trigger.end, trigger.label)
                candidates[key] = {
                    (doc[c.first].idx + offset, doc[c.end - 1].idx + len(doc[c.end - 1]) + offset)
                    for c in argument_candidates(doc, span.root.sent, entities, spans, chunks)
                }
                pred_t[key] = confidence if confidence is not None else 1.0
                for a in arguments:
                    if a.span is not None:
                        pred_a.add((*key, a.role, a.span.start, a.span.end))
            for first, end, kind in piece.triggers:
                span = doc[first:end]
                if len(span) > 1:
                    multi += 1
                if span.root.pos_ not in TRIGGER_POS:
                    never += 1
                    pos_of_missed[span.root.pos_] += 1
        for event in parsed.item.gold.events:
            key = (number, event.trigger.start, event.trigger.end, event.type)
            gold_t.add(key)
            for a in event.arguments:
                if a.span is not None:
                    gold_a.add((*key, a.role, a.span.start, a.span.end))
    matched = gold_t & set(pred_t)
    print(f"  triggers: {_prf(len(matched), len(pred_t), len(gold_t))}")
    print(f"  gold triggers of several tokens: {multi} of {len(gold_t)}; head word's part of speech never a candidate: {never} {dict(pos_of_missed)}")
    kinds: Counter[str] = Counter()
    text_of = {}
    for number, parsed in enumerate(test_parsed):
        text_of[number] = parsed.item.document.text
    shown = 0
    for d, s, e, t in gold_t - matched:
        same_extent = [k[1:] for k in pred_t if k[0] == d and k[1] == s and k[2] == e]
        overlap = [k[1:] for k in pred_t if k[0] == d and k[1] < e and s < k[2]]
        if same_extent:
            kinds["type error"] += 1
        elif any(k[2] == t for k in overlap):
            kinds["boundary error (same type)"] += 1
            if shown < show:
                shown += 1
                text = text_of[d]
                k = next(k for k in overlap if k[2] == t)
                print(f"    gold [{text[s:e]}] predicted [{text[k[0]:k[1]]}]  ...{text[min(s, k[0]) - 30:max(e, k[1]) + 30]!r}")
        elif overlap:
            kinds["boundary and type error"] += 1
        else:
            kinds["not found"] += 1
    print(f"  missed gold triggers: {dict(kinds)}")
    spurious = Counter("overlaps a gold trigger" if any(g[0] == k[0] and g[1] < k[2] and k[1] < g[2] for g in gold_t) else "nothing there" for k in set(pred_t) - matched)
    print(f"  wrong predictions: {dict(spurious)}")
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        kept = {k for k, p in pred_t.items() if p >= threshold}
        print(f"    at confidence >= {threshold}: {_prf(len(gold_t & kept), len(kept), len(gold_t))}")
    # Arguments, on triggers found exactly.
    found = {k[:4] for k in matched}
    gold_found = {a for a in gold_a if a[:4] in found}
    a_matched = gold_a & pred_a
    print(f"  arguments: {_prf(len(a_matched), len(pred_a), len(gold_a))}")
    print(f"  arguments of triggers found: {_prf(len(gold_found & pred_a), len({a for a in pred_a if a[:4] in found}), len(gold_found))}")
    missed: Counter[str] = Counter()
    by_role: Counter[str] = Counter()
    for a in gold_found - pred_a:
        same = [p for p in pred_a if p[:4] == a[:4] and p[5:] == a[5:]]
        overlap = [p for p in pred_a if p[:4] == a[:4] and p[4] == a[4] and p[5] < a[6] and a[5] < p[6]]
        generated = a[5:] in candidates.get(a[:4], set())
        missed["wrong role" if same else "wrong extent" if overlap else "not found" if generated else "no candidate"] += 1
        if not generated and not overlap and not same and missed["no candidate"] <= show:
            print(f"    no candidate: {a[4]} [{text_of[a[0]][a[5]:a[6]]}] of trigger [{text_of[a[0]][a[1]:a[2]]}]")
        by_role[a[4]] += 1
    print(f"  missed fillers of found triggers: {dict(missed)}; by role {dict(by_role.most_common(8))}")
    t_f1 = 2 * len(matched) / (len(pred_t) + len(gold_t)) if pred_t or gold_t else 0.0
    a_f1 = 2 * len(a_matched) / (len(pred_a) + len(gold_a)) if pred_a or gold_a else 0.0
    return {"triggers": t_f1, "arguments": a_f1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--entities", choices=("base", "gold", "none"), default="base")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--threshold", type=float, help="trigger threshold (default: the model's)")
    parser.add_argument("--c", type=float, default=10.0, help="inverse regularisation of the classifiers")
    parser.add_argument("--show", type=int, default=0, help="print this many boundary errors")
    args = parser.parse_args()
    started = time.monotonic()
    train_parsed, test_parsed, untrained, lexicon_types = load(args.corpus, args.size, not args.no_cache)
    print(f"{args.corpus}: {len(train_parsed)} training, {len(test_parsed)} test documents (loaded in {time.monotonic() - started:.0f} s)")
    print(json.dumps(analyse(train_parsed, test_parsed, untrained, lexicon_types, args.entities, args.show, args.c, args.threshold)))


if __name__ == "__main__":
    main()
