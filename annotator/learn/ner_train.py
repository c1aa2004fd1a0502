"""Fine-tuning the pipeline's entity recognizer on a layer's spans, without forgetting the rest.

Only the recognizer is updated (it has its own token-to-vector layer in the stock pipelines);
the tagger and parser the argument rules and features depend on stay as they are. The layer's
labels are added to the recognizer; labels the layer never uses are rehearsed with the base
model's own predictions on the training texts (where they do not overlap the layer's spans), so
that, say, dates are still found after training on persons and places only. A base label whose
predictions mostly fall on the layer's spans (PERSON where the layer says PER) is the layer's
concept under another name: it is neither rehearsed nor kept in the trained suggester's output.
"""

from __future__ import annotations

import random
import time
from typing import Any, Callable, Sequence

from spacy.training import Example
from spacy.util import filter_spans, minibatch

TrainingText = tuple[str, list[tuple[int, int, str]], list[tuple[int, int, str]]]
"""``(text, gold spans, base model's spans)``, offsets in code points of ``text``."""

MAX_EPOCHS = 30
DROPOUT = 0.2
PATIENCE = 2
"""Epochs without a better held-out F1 after which training stops (the best weights are kept)."""
MIN_EPOCHS = 4
"""Never stop before this many epochs: a label new to the recognizer scores 0 for the first few
updates. The trainer gives sentences (:func:`sentence_texts`), a dozen or more updates an epoch per
article; on whole articles (two updates an epoch for 16 BioNLP EPI abstracts) stopping at 3 epochs
left Protein at F1 0.00 and this was 10."""
MIN_HELD_OUT = 10
"""Fewer texts than this train every epoch on all of them (too few to hold some out)."""
HELD_OUT_EVERY = 8
"""Every 8th text is held out to decide when to stop (about 12 %)."""


def now() -> float:
    """The clock every time bound of training reads (``time.monotonic``; tests replace it)."""
    return time.monotonic()


COVERED_SHARE = 0.2
"""A base label whose predictions overlap the layer's spans at least this often names something the
layer annotates under its own labels (PERSON where the layer says PER): it is not rehearsed."""


def rehearsed_labels(texts: Sequence[TrainingText]) -> set[str]:
    """The base model's labels the layer does not use and does not cover under another name."""
    gold_labels = {label for _t, gold, _b in texts for _s, _e, label in gold}
    seen: dict[str, list[int]] = {}
    for _text, gold, base in texts:
        for start, end, label in base:
            counts = seen.setdefault(label, [0, 0])
            counts[0] += 1
            counts[1] += any(start < e and s < end for s, e, _l in gold)
    return {label for label, (n, overlapping) in seen.items() if label not in gold_labels and overlapping < COVERED_SHARE * n}


def sentence_texts(text: TrainingText, sentences: Sequence[tuple[int, int]]) -> list[TrainingText]:
    """``text`` cut at its sentence ends (``(start, end)`` code points, in order), no span cut: a
    sentence joins the next while a gold or base span crosses its end. Whole articles make few,
    long examples (22 updates an epoch for 200 articles at 8 a batch); sentences make a recognizer
    that learns in a few epochs what articles take a dozen for."""
    body, gold, base = text
    spans = [(s, e) for s, e, _l in gold] + [(s, e) for s, e, _l in base]
    cuts = [0]
    for _start, end in sentences[:-1]:
        if end > cuts[-1] and not any(s < end < e for s, e in spans):
            cuts.append(end)
    cuts.append(len(body))
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        if not body[start:end].strip():
            continue
        inside = lambda spans_: [(s - start, e - start, l) for s, e, l in spans_ if start <= s and e <= end]  # noqa: E731
        pieces.append((body[start:end], inside(gold), inside(base)))
    return pieces


def training_examples(nlp: Any, texts: Sequence[TrainingText], rehearse: set[str]) -> list[Example]:
    """One example per text: the layer's spans plus the base model's spans of the ``rehearse`` labels."""
    examples = []
    for text, gold, base in texts:
        doc = nlp.make_doc(text)
        spans = []
        for start, end, label in gold:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
        taken = [(s.start_char, s.end_char) for s in spans]
        for start, end, label in base:
            if label not in rehearse or any(start < e and s < end for s, e in taken):
                continue
            span = doc.char_span(start, end, label=label)
            if span is not None:
                spans.append(span)
        reference = nlp.make_doc(text)
        reference.ents = [reference.char_span(s.start_char, s.end_char, label=s.label_) for s in filter_spans(spans)]
        examples.append(Example(doc, reference))
    return examples


def finetune_ner(
    nlp: Any,
    texts: Sequence[TrainingText],
    deadline: float,
    epochs: int = MAX_EPOCHS,
    seed: int = 0,
    step: Callable[[int, int], None] | None = None,
) -> int:
    """Update ``nlp``'s recognizer in place until ``epochs`` or the ``deadline`` (a
    :func:`now` value); returns the epochs done. ``step(epoch, epochs)`` reports progress."""
    if "ner" not in nlp.pipe_names or not texts:
        return 0
    ner = nlp.get_pipe("ner")
    gold_labels = {label for _t, gold, _b in texts for _s, _e, label in gold}
    for label in sorted(gold_labels):
        ner.add_label(label)
    examples = training_examples(nlp, texts, rehearsed_labels(texts))
    # Stop early when the held-out F1 stops rising: most of the 30 epochs add nothing but time
    # once the recognizer has fitted; a small layer trains every epoch on everything instead.
    held_out: list[Example] = []
    if len(examples) >= MIN_HELD_OUT:
        held_out = examples[HELD_OUT_EVERY - 1 :: HELD_OUT_EVERY]
        examples = [e for n, e in enumerate(examples) if n % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
    rng = random.Random(seed)
    done = 0
    best, best_weights, worse = -1.0, None, 0
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training()
        for epoch in range(epochs):
            started = now()
            rng.shuffle(examples)
            for batch in minibatch(examples, size=8):
                nlp.update(batch, sgd=optimizer, drop=DROPOUT, losses={})
            done = epoch + 1
            if step:
                step(done, epochs)
            if held_out:
                score = float(nlp.evaluate(held_out).get("ents_f") or 0.0)
                if score > best:
                    best, best_weights, worse = score, ner.to_bytes(), 0
                else:
                    worse += 1
                    if worse >= PATIENCE and done >= MIN_EPOCHS and best > 0:
                        break
            # Stop before an epoch that would end after the deadline.
            if now() + (now() - started) > deadline:
                break
    if best_weights is not None and worse and best > 0:
        ner.from_bytes(best_weights)
    return done
