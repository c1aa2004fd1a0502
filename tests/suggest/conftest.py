"""A tiny spaCy pipeline on disk (tokenizer and entity rules, no trained model): loads in a blink,
in this process and in spawned ones, and finds the same entities every time."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY_PATTERNS = [
    {"label": "GPE", "pattern": "Kabul"},
    {"label": "GPE", "pattern": "Qatar"},
    {"label": "PERSON", "pattern": "Biden"},
    {"label": "DATE", "pattern": "Thursday"},
    {"label": "ZORK", "pattern": "Zork"},  # a label the default schema does not map: dropped
]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(TINY_PATTERNS)
    nlp.meta["name"] = "tiny"
    nlp.meta["version"] = "1.0.0"
    path = tmp_path_factory.mktemp("models") / "tiny"
    nlp.to_disk(path)
    return str(path)


@pytest.fixture
def file_store(tmp_path: Path):
    """A project on disk, as other processes (the worker, a pool) need one."""
    from annotator.app.bundled import default_schema
    from annotator.store.project import ProjectStore

    store = ProjectStore.open(tmp_path / "project.db")
    store.set_schema(default_schema())
    yield store
    store.close()


@pytest.fixture
def add_texts():
    """``add_texts(store, texts)`` stores the texts as documents and returns their ids."""
    from annotator.model.document import Document

    def add(store, texts: list[str]) -> list[int]:
        return [store.add_document(Document(text, title=text[:20]), None) for text in texts]

    return add
