"""The training documents parsed once by the base pipeline, and what each training reads from them.

Every fold and the final model work from one parse: the event classifiers from the gold moved
onto its tokens, the recognizer from its sentences, and scoring from the parsed docs (a trained
suggester runs only its recognizer again, see :meth:`Suggester.suggest_parsed`).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from annotator.learn.data import TrainingDoc
from annotator.learn.events_train import parsed_gold
from annotator.learn.ner_train import TrainingText, sentence_texts
from annotator.model.annotations import AnnotationSet
from annotator.suggest.chunks import split_text
from annotator.suggest.events import extract_events
from annotator.suggest.suggester import Suggester

Progress = Callable[[str, int, "int | None"], None]


class Parsed:
    """A training document parsed by the base pipeline, piece by piece (long texts are cut)."""

    def __init__(self, item: TrainingDoc, pieces: list[tuple[int, Any]]):
        self.item = item
        self.pieces = pieces


PARSE_BATCH = 16
"""Pieces the base pipeline parses together (``nlp.pipe``): about 30% faster than one by one."""


def parse_documents(nlp: Any, untrained: Suggester, docs: Sequence[TrainingDoc], progress: Progress | None) -> list[Parsed]:
    """Every document parsed once, in pieces, with its gold in token offsets and the rules' triggers."""
    pieces_of: list[list[tuple[int, Any, list[tuple[int, int, str]]]]] = [[] for _ in docs]
    counts = [0] * len(docs)
    texts = []
    for n, item in enumerate(docs):
        for offset, text in split_text(item.document.text, untrained.chunk_chars):
            texts.append((text, (n, offset)))
            counts[n] += 1
    done = 0
    for doc, (n, offset) in nlp.pipe(texts, as_tuples=True, batch_size=PARSE_BATCH):
        item = docs[n]
        entities = [(e.start, e.end, untrained.label_map[e.label_]) for e in doc.ents if e.label_ in untrained.label_map]
        rule_events = extract_events(doc, entities, untrained.lexicon, untrained.argument_rules, untrained.schema, offset)
        base_spans = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        pieces_of[n].append((offset, parsed_gold(doc, item.gold, offset, rule_events, entities), base_spans))
        if len(pieces_of[n]) == counts[n]:
            done += 1
            if progress:
                progress("parsing the documents once (for every fold)", done, len(docs))
    return [Parsed(item, pieces) for item, pieces in zip(docs, pieces_of)]


def recognizer_texts(training: Sequence[Parsed]) -> list[TrainingText]:
    """The recognizer's training texts: the sentences of the documents that have spans in the layer.
    A document with no span was not annotated for entities: none of its sentences says "no entity
    here". Those of an annotated document do."""
    texts: list[TrainingText] = []
    for parsed in training:
        if not parsed.item.gold.spans:
            continue
        for offset, piece, base_spans in parsed.pieces:
            gold = [(s - offset, e - offset, l) for s, e, l in _gold_spans(parsed.item.gold, offset, len(piece.doc.text))]
            texts.extend(sentence_texts((piece.doc.text, gold, base_spans), [(s.start_char, s.end_char) for s in _sentences(piece.doc)]))
    return texts


def _sentences(doc: Any) -> list[Any]:
    """The parser's sentences of ``doc`` (the whole piece as one where it has none)."""
    try:
        return list(doc.sents)
    except ValueError:  # no sentence boundaries set
        return [doc[:]]


def _gold_spans(gold: AnnotationSet, offset: int, length: int) -> list[tuple[int, int, str]]:
    return [(a.start, a.end, a.label) for a in gold.spans if offset <= a.start and a.end <= offset + length]


def suggest_parsed(suggester: Suggester, items: Sequence[Parsed], recognize: bool = True) -> list[AnnotationSet]:
    """``suggester``'s suggestions of ``items`` from their parse (done once, by the base pipeline):
    only a fine-tuned recognizer runs again (``recognize``), not the tagger and parser."""
    return [
        suggester.suggest_parsed([(offset, piece.doc) for offset, piece, _b in p.pieces], p.item.document.content_hash, recognize)
        for p in items
    ]
