"""JSONL export bytes do not change when the writer is made faster.

The digests below are of the export made by the writer before the speed work of issue 13
(commit 6915fd4), on two varied projects: the export samples (emoji and other astral offsets,
combining marks, right-to-left text, fragments, attributes, notes, nested and rejected events)
and the seeds with every sample format imported (brat relations and equivalences, Prodigy records
written back as they came, doccano). Status times are pinned so that the bytes are reproducible.
If a change of the format is intended, regenerate them with this test's ``_export`` and say so.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from export_samples import build_gold

from annotator.formats.exporter import export_layer
from annotator.formats.importer import import_paths
from annotator.app.bundled import default_schema
from annotator.store.project import ProjectStore

GOLD_SHA256 = "b51fddb4fcd658ea01813ba56912fe29d10c88d8926d979360b27debece4e14c"
MIXED_SHA256 = "8a5e7c867638003cef3466883a0d1d1e5d97de17a4bc89f064d8a1b1eeca39b3"


def _store() -> ProjectStore:
    store = ProjectStore.memory()
    store.set_schema(default_schema())
    return store


def _export(store: ProjectStore, out: Path) -> bytes:
    with store.transaction():
        store._db.execute(
            "UPDATE document_status SET created_at = '2024-01-02T03:04:05Z', updated_at = '2024-01-03T04:05:06Z' "
            "WHERE created_at > '2025'"
        )
    export_layer(store, "jsonl", out)
    return out.read_bytes()


def test_export_samples_give_the_same_bytes(tmp_path: Path) -> None:
    store = _store()
    build_gold(store)
    assert hashlib.sha256(_export(store, tmp_path / "gold.jsonl")).hexdigest() == GOLD_SHA256


def test_mixed_imports_give_the_same_bytes(tmp_path: Path, seeds: Path, data: Path) -> None:
    store = _store()
    sources = [seeds, data / "seed_events.jsonl", data / "brat-news", data / "prodigy", data / "doccano"]
    import_paths(store, sources, layer_name="gold")
    out = _export(store, tmp_path / "mixed.jsonl")
    assert b'"relations":[{' in out and b'"answer":"reject"' in out and b'"rank":0' in out and b'"equivalences"' in out
    assert hashlib.sha256(out).hexdigest() == MIXED_SHA256
