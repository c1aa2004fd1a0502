"""The suggester: one loaded pipeline that turns texts into suggested entities and events.

``Suggester.load(model, schema)`` picks and loads the pipeline and the rule files;
``suggest(text, content_hash)`` returns an :class:`AnnotationSet` of pending suggestions with
code-point offsets, and ``suggest_many`` does the same for a stream of texts with spaCy's
batching; ``analyse`` also gives, where asked, each text's tokens in their stored form (taken
from the pipeline's own docs when its tokens are the plain tokenizer's). Long texts are
processed in chunks (see :mod:`annotator.suggest.chunks`).

Suggestion uids are a hash of the layer name, the document's content hash, the offsets and the
label, so running the suggester again over the same text gives the same uids.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from annotator import __version__
from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span, SpanAnnotation, now_iso
from annotator.model.schema import LabelSchema
from annotator.suggest.chunks import chunk_limit, split_text
from annotator.suggest.entity_scores import EntityScores, EntityScorer
from annotator.suggest.events import extract_events
from annotator.suggest.memory import keep_freed_memory
from annotator.suggest.pipeline import ModelError, choose_model, describe, load_pipeline
from annotator.suggest.rules import Rules, RulesFileError, load_rules
from annotator.suggest.tokenizer import doc_token_blob, pipeline_keeps_tokens, token_blob

BATCH_CHARS = 100_000
"""Characters given to the pipeline in one batch: its memory grows with them (~1 GB per 100,000)."""

CHUNK_BATCH_CHARS = 30_000
"""Characters of a long text's chunks given to the pipeline in one batch. Measured on the
1,000,000-character article (tests/benchmarks/bench_suggest.py --long): one 10,000-character
chunk per call peaked at 286 MB, ten per call at about 550 MB; a few per call let the entity
scorer walk them side by side (fewer model calls) and keep two processes' memory together low."""


class SuggestError(Exception):
    """Suggestions cannot be made: a missing or broken model, a bad rule file. ``str()`` is for the user."""


def suggestion_uid(layer: str, content_hash: str, kind: str, start: int, end: int, label: str) -> str:
    """The uid of a suggestion: the same text, layer and annotation always give the same one."""
    key = f"{layer}\x1f{content_hash}\x1f{kind}\x1f{start}\x1f{end}\x1f{label}"
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class _Pending:
    """A document on its way through the pipeline: its chunks still to come and what they gave."""

    content_hash: str
    remaining: int
    spans: list[SpanAnnotation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    text: str | None = None
    """The whole text, kept while its tokens are still to be taken from the pipeline's doc."""
    tokens: bytes | None = None


class Suggester:
    """A loaded pipeline, the project's schema and the rule files: everything a suggestion needs."""

    def __init__(self, nlp: Any, schema: LabelSchema, rules: Rules, model: str):
        import spacy

        self.nlp = nlp
        self.schema = schema
        self.lexicon = rules.lexicon.restricted_to(schema)
        self.argument_rules = rules.arguments
        self.label_map = dict(schema.label_map)
        self.chunk_chars = chunk_limit(nlp.max_length)
        self.docs_have_plain_tokens = pipeline_keeps_tokens(nlp)
        name, version = describe(nlp)
        self.layer_name = f"spacy:{name}-{version}"
        self.layer_info = {
            "suggester": "spacy",
            "model": model,
            "model_name": name,
            "model_version": version,
            "spacy_version": spacy.__version__,
            "lexicon_version": rules.version,
            "lexicon_fingerprint": rules.fingerprint,
            "rule_files": list(rules.sources),
            "annotator_version": __version__,
        }
        self.events_model: Any = None
        """A learned :class:`~annotator.suggest.learned.EventModel`, for a trained suggester."""
        self.trained_meta: dict[str, Any] = {}
        self.entity_scorer = EntityScorer.for_pipeline(nlp)
        """Gives entity suggestions their confidence (None: this pipeline cannot; see :mod:`annotator.suggest.entity_scores`)."""

    def use_trained(self, events_model: Any, layer_name: str, entity_labels: Iterable[str], meta: dict[str, Any]) -> None:
        """Suggest events with ``events_model`` and keep the recognizer's ``entity_labels`` as they are
        (they are the project's own labels), writing to the layer ``layer_name`` (``trained:N``)."""
        self.events_model = events_model
        kept = meta.get("kept_labels")
        if kept is not None:
            # Only the layer's labels and those rehearsed in training: the others name what the
            # layer annotates under its own labels, and would only duplicate them.
            self.label_map = {k: v for k, v in self.label_map.items() if k in kept}
        for label in entity_labels:
            self.label_map[label] = label
        self.layer_name = layer_name
        self.layer_info = {**self.layer_info, "suggester": "trained", "trained_model": layer_name,
                           "trained_from": meta.get("layer"), "trained_documents": meta.get("documents")}

    @classmethod
    def load(cls, model: str | None, schema: LabelSchema) -> Suggester:
        """The suggester for ``model`` (None: the default pipeline); raises :class:`SuggestError`."""
        name = choose_model(model)
        try:
            rules = load_rules()
        except RulesFileError as error:
            raise SuggestError(str(error)) from None
        try:
            nlp = load_pipeline(name)
        except ModelError as error:
            raise SuggestError(str(error)) from None
        keep_freed_memory()  # the process that loads a pipeline is one that suggests: see annotator.suggest.memory
        return cls(nlp, schema, rules, name)

    def suggest(self, text: str, content_hash: str) -> AnnotationSet:
        """Suggested entities and events of one text; an empty text gives an empty set."""
        return next(self.suggest_many([(text, content_hash)]))

    def suggest_many(self, items: Iterable[tuple[str, str]], batch_size: int = 32) -> Iterator[AnnotationSet]:
        """One :class:`AnnotationSet` per ``(text, content_hash)``, in order, batched for speed."""
        for annotations, _tokens in self.analyse(((text, hash_, False) for text, hash_ in items), batch_size):
            yield annotations

    def analyse(self, items: Iterable[tuple[str, str, bool]], batch_size: int = 32) -> Iterator[tuple[AnnotationSet, bytes | None]]:
        """``(suggestions, tokens)`` per ``(text, content_hash, wants_tokens)``, in order, batched for
        speed; ``tokens`` is the stored form of the text's tokens where wanted, else None."""
        pending: deque[_Pending] = deque()
        for batch in self._batches(items, pending, max(1, batch_size)):
            self._run(batch)
            while pending and pending[0].remaining == 0:
                yield self._result(pending.popleft())
        while pending:
            yield self._result(pending.popleft())

    def suggest_pieces(self, pieces: Sequence[tuple[int, str]], content_hash: str) -> AnnotationSet:
        """The suggestions found in ``pieces``, some of the chunks (``(offset, piece)``, from
        :func:`~annotator.suggest.chunks.split_text` with :attr:`chunk_chars`) of one text.

        Each chunk is suggested on its own, so the suggestions of a text are those of its chunks
        in order: parts of one long text can be suggested in different processes and joined
        with :func:`join_parts` (see :mod:`annotator.suggest.pool`)."""
        state = _Pending(content_hash, len(pieces))
        batch: list[tuple[_Pending, int, str]] = []
        chars = 0
        for offset, piece in pieces:
            if batch and chars + len(piece) > CHUNK_BATCH_CHARS:
                self._run(batch)
                batch, chars = [], 0
            batch.append((state, offset, piece))
            chars += len(piece)
        if batch:
            self._run(batch)
        return self._result(state)[0]

    def suggest_parsed(self, pieces: Sequence[tuple[int, Any]], content_hash: str, recognize: bool) -> AnnotationSet:
        """The suggestions of one text from its chunks already parsed (``(offset, doc)``) by a
        pipeline whose components before the recognizer are this one's (training parses once and
        scores many models on the same documents). With ``recognize``, this pipeline's recognizer
        finds the entities again on a copy of each doc (a fine-tuned recognizer on the base parse);
        without, the docs' own entities stand. Entities carry no confidence here."""
        state = _Pending(content_hash, len(pieces))
        docs = [doc for _offset, doc in pieces]
        if recognize and docs and "ner" in self.nlp.pipe_names:
            recognizer = self.nlp.get_pipe("ner")
            docs = [doc.copy() for doc in docs]
            for doc in docs:
                doc.set_ents([], default="missing")
            # The docs' vocabulary is the parsing pipeline's: it must know this recognizer's labels
            # (a fine-tuned one has the layer's); the rest of it (the words' hashes) is the same.
            for label in recognizer.labels:
                docs[0].vocab.strings.add(label)
            docs = list(recognizer.pipe(docs))
        for (offset, _doc), doc in zip(pieces, docs):
            self._collect(state, doc, offset, {})
        return self._result(state)[0]

    def pieces(self, text: str) -> list[tuple[int, str]]:
        """The chunks ``(offset, piece)`` this suggester cuts ``text`` into (none for a blank text)."""
        return split_text(text, self.chunk_chars) if text.strip() else []

    def _run(self, batch: list[tuple[_Pending, int, str]]) -> None:
        """Put one batch of chunks through the pipeline and collect what each gave."""
        texts = [piece for _, _, piece in batch]
        if self.entity_scorer is not None:
            docs, scores = self.entity_scorer.pipe(self.nlp, texts)
        else:
            docs, scores = self.nlp.pipe(texts, batch_size=len(batch)), [{} for _ in texts]
        for (state, offset, _piece), doc, entity_scores in zip(batch, docs, scores):
            self._collect(state, doc, offset, entity_scores)
            if state.text is not None:
                state.tokens, state.text = doc_token_blob(state.text, doc), None
            state.remaining -= 1

    def _batches(
        self, items: Iterable[tuple[str, str, bool]], pending: deque[_Pending], batch_size: int
    ) -> Iterator[list[tuple[_Pending, int, str]]]:
        batch: list[tuple[_Pending, int, str]] = []
        chars = documents = 0
        for text, content_hash, wants_tokens in items:
            pieces = self.pieces(text)
            state = _Pending(content_hash, len(pieces))
            if wants_tokens:
                # The pipeline's doc of a whole text has the tokenizer's tokens; a text cut into
                # chunks (or an unusual pipeline) is tokenised on its own, as it would be later.
                if len(pieces) == 1 and self.docs_have_plain_tokens:
                    state.text = text
                else:
                    state.tokens = token_blob(text)
            pending.append(state)
            limit = BATCH_CHARS if len(pieces) == 1 else CHUNK_BATCH_CHARS
            for n, (offset, piece) in enumerate(pieces):
                # ``batch_size`` counts documents: the chunks of one long text fill batches up to
                # CHUNK_BATCH_CHARS (one chunk per pipeline call made a long text's batches of one).
                if batch and ((n == 0 and documents >= batch_size) or chars + len(piece) > limit):
                    yield batch
                    batch, chars, documents = [], 0, 0
                batch.append((state, offset, piece))
                chars += len(piece)
                documents += n == 0
        if batch:
            yield batch

    def _collect(self, state: _Pending, doc: Any, offset: int, entity_scores: EntityScores) -> None:
        provenance = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester=self.layer_name, created_at=now_iso())
        entities = []
        for ent in doc.ents:
            label = self.label_map.get(ent.label_)
            if label is None:
                continue
            entities.append((ent.start, ent.end, label))
            start, end = ent.start_char + offset, ent.end_char + offset
            uid = suggestion_uid(self.layer_name, state.content_hash, "span", start, end, label)
            confidence = entity_scores.get((ent.start, ent.end, ent.label_))
            state.spans.append(SpanAnnotation(Span(start, end, label), uid, provenance, confidence=confidence))
        rule_found = extract_events(doc, entities, self.lexicon, self.argument_rules, self.schema, offset)
        # Rule suggestions have no score; the learned trigger classifier gives its probability.
        found: list[tuple[Span, Any, float | None]] = [(t, a, None) for t, a in rule_found]
        if self.events_model is not None:
            found = self.events_model.predict(doc, entities, rule_found, offset)
        for trigger, arguments, confidence in found:
            uid = suggestion_uid(self.layer_name, state.content_hash, "event", trigger.start, trigger.end, trigger.label)
            state.events.append(Event(trigger, arguments, uid, provenance, confidence=confidence))

    @staticmethod
    def _result(state: _Pending) -> tuple[AnnotationSet, bytes | None]:
        return AnnotationSet(tuple(state.spans), tuple(state.events)), state.tokens


def join_parts(parts: Iterable[AnnotationSet]) -> AnnotationSet:
    """One text's suggestions from those of its parts (:meth:`Suggester.suggest_pieces`), in order."""
    parts = list(parts)
    return AnnotationSet(tuple(a for p in parts for a in p.spans), tuple(e for p in parts for e in p.events))
