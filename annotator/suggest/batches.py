"""A batch of documents on its way through the suggester: read, suggested, saved.

A batch is read with, for each document, whether it has stored tokens yet; the suggester gives
the tokens of those that have none along with their suggestions, and both are saved in one
transaction, so a document the suggester has seen never needs tokenising again (export,
agreement). Used by ``annotator suggest`` (:mod:`annotator.suggest.runner`, its helper
processes in :mod:`annotator.suggest.pool`) and the window's suggestion process
(:mod:`annotator.suggest.worker`).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from annotator.model.annotations import AnnotationSet
from annotator.model.document import Document
from annotator.model.layer import DocStatus, Layer
from annotator.store.project import ProjectStore
from annotator.store.token_rows import documents_without_tokens, fill_tokens
from annotator.suggest.suggester import Suggester

Suggested = tuple[int, AnnotationSet, "bytes | None"]
"""``(document id, suggestions, tokens)``: tokens in their stored form where the document had none."""


def save_suggestions(store: ProjectStore, layer: Layer, results: Iterable[Suggested]) -> None:
    """Store each document's suggestions in place of any it had, and mark it done; store the
    tokens of those that had none: one transaction."""
    results = list(results)
    with store.transaction():
        for document_id, annotations, _tokens in results:
            store.replace_annotations(layer.id, document_id, annotations)  # type: ignore[arg-type]
            store.set_status(layer.id, document_id, DocStatus.DONE)  # type: ignore[arg-type]
        fill_tokens(store, ((document_id, tokens) for document_id, _, tokens in results if tokens is not None))


Problems = list[tuple[int, str]]
"""``(document id, message)`` for each document the pipeline failed on."""

Batch = list[tuple[Document, bool]]
"""Documents to suggest for, each with whether its tokens are to be stored (it has none yet)."""


def read_batch(store: ProjectStore, ids: Sequence[int]) -> Batch:
    """The documents of ``ids``, each with whether it has no stored tokens yet."""
    missing = documents_without_tokens(store, ids)
    return [(document, document.id in missing) for document in store.documents(ids)]


def suggest_batch(suggester: Suggester, batch: Batch) -> tuple[list[Suggested], Problems]:
    """Suggestions (and tokens where wanted) for ``batch``; a document that makes the pipeline
    fail is reported, not fatal."""
    try:
        made = list(suggester.analyse(((d.text, d.content_hash, wanted) for d, wanted in batch), batch_size=len(batch)))
        return [(d.id, s, t) for (d, _), (s, t) in zip(batch, made)], []  # type: ignore[misc]
    except Exception:
        pass  # one of them made the pipeline fail: find which, one at a time
    results: list[Suggested] = []
    problems: Problems = []
    for document, wanted in batch:
        try:
            annotations, tokens = next(suggester.analyse([(document.text, document.content_hash, wanted)]))
            results.append((document.id, annotations, tokens))  # type: ignore[arg-type]
        except Exception as error:  # the pipeline's own failure on one text: name it, go on
            title = f" ({document.title[:60]})" if document.title else ""
            problems.append((document.id, f"document {document.id}{title}: no suggestions ({type(error).__name__}: {error})"))  # type: ignore[arg-type]
    return results, problems
