"""JSONL and spaCy exports give the same bytes after the export speed work of issue 13, with
stored tokens or without (documents imported and never opened: their tokens are made at export).

The digests below are of the files the writers made before that work (commit de14ad6), on the
export samples (astral characters, combining marks, right-to-left text, fragments, attributes,
notes, nested and rejected events, overlapping spans) and on every sample corpus imported at
once (bionlp-epi nested events, brat relations, equivalences and attributes, Prodigy records
written back as they came, doccano, CoNLL, the seeds). Besides the digests, each project is
exported twice, once with the tokens stored and once with none, and the two must be identical:
the path that makes tokens at export is checked against the one that reads them.
If a change of a format is intended, regenerate the digests with :func:`_digests` and say so.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from export_samples import build_gold

from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.app.bundled import default_schema
from annotator.model.tokens import encode_tokens
from annotator.store.project import ProjectStore
from annotator.suggest.tokenizer import tokenize

EXPECTED = {
    "samples": {
        "jsonl": "b51fddb4fcd658ea01813ba56912fe29d10c88d8926d979360b27debece4e14c",
        "jsonl+rejected": "37606a324da6f135acbce5e676b37b02226a0f362fdef490753ae2f12f781794",
        "spacy": "d9f835b68972b1c8c7e9229f97facf021b9d6ac4e2a4ffd30151ced163ddbc78",
    },
    "corpora": {
        # The imported corpora hold no rejected annotation (Prodigy's rejects are records).
        "jsonl": "d45f63de293da378f952738958a8fa416f2b2507960497b0a35539798a5fe941",
        "jsonl+rejected": "d45f63de293da378f952738958a8fa416f2b2507960497b0a35539798a5fe941",
        "spacy": "5211fb689de73e361d74488afcf908abd407b9e9d48e077743a54213b96b3bed",
    },
}

CASES = {"jsonl": ("jsonl", False), "jsonl+rejected": ("jsonl", True), "spacy": ("spacy", False)}


def _project(which: str, data: Path, seeds: Path) -> ProjectStore:
    store = ProjectStore.memory()
    store.set_schema(default_schema())
    if which == "samples":
        build_gold(store)
    else:
        sources = [
            seeds,
            data / "seed_events.jsonl",
            data / "bionlp-epi",
            data / "brat-news",
            data / "conll2002",
            data / "prodigy",
            data / "doccano",
        ]
        import_paths(store, sources, layer_name="gold")
    with store.transaction():
        store._db.execute(
            "UPDATE document_status SET created_at = '2024-01-02T03:04:05Z', updated_at = '2024-01-03T04:05:06Z'"
        )
    return store


def _set_tokens(store: ProjectStore, stored: bool) -> None:
    """Store every document's tokens, or none (as an import leaves them)."""
    rows = store._db.execute("SELECT id, text FROM documents").fetchall()
    with store.transaction():
        for document_id, text in rows:
            blob = encode_tokens(text, next(iter(tokenize([text])))) if stored else None
            store._db.execute("UPDATE documents SET tokens = ? WHERE id = ?", (blob, document_id))


def _digests(store: ProjectStore, folder: Path) -> dict[str, str]:
    found = {}
    for case, (fmt, rejected) in CASES.items():
        out = folder / f"{case}.{fmt}"
        export_layer(store, fmt, out, include_rejected=rejected)
        found[case] = hashlib.sha256(out.read_bytes()).hexdigest()
    return found


@pytest.mark.parametrize("which", ["samples", "corpora"])
def test_exports_keep_their_bytes_with_and_without_stored_tokens(
    which: str, tmp_path: Path, data: Path, seeds: Path
) -> None:
    store = _project(which, data, seeds)
    _set_tokens(store, stored=True)
    with_tokens = _digests(store, tmp_path)
    _set_tokens(store, stored=False)
    without = _digests(store, tmp_path)
    assert store._db.execute("SELECT count(*) FROM documents WHERE tokens IS NOT NULL").fetchone()[0] == 0
    assert without == with_tokens
    assert with_tokens == EXPECTED[which]
