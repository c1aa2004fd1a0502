"""Trained suggesters: which suggester a project uses, and loading one stored in the project file.

A stored model is an archive (``tar.gz``) holding ``pipeline/`` (a spaCy pipeline saved with
``nlp.to_disk``, its recognizer fine-tuned), ``events.npz`` (the learned trigger and role
classifiers, numbers and strings only) and ``meta.json``. Loading unpacks it once into the user
cache folder, keyed by the archive's hash, and loads the pipeline from there, so two projects or
two runs never step on each other and a changed model never reuses a stale folder.

:class:`SuggesterChoice` is what a run (and its helper processes) needs to build the same
suggester: it is small and picklable.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from annotator.model.schema import LabelSchema
from annotator.store.models import UNTRAINED, current_model, find_model, list_models, model_blob
from annotator.store.project import ProjectStore
from annotator.suggest.pipeline import MODEL_SETTING, choose_model
from annotator.suggest.suggester import SuggestError, Suggester

PIPELINE_FOLDER = "pipeline"
EVENTS_FILE = "events.npz"
META_FILE = "meta.json"


@dataclass(frozen=True)
class SuggesterChoice:
    """A pipeline name or folder, and for a trained model its unpacked folder and layer name."""

    pipeline: str
    trained_folder: str | None = None
    layer_name: str | None = None

    def load(self, schema: LabelSchema) -> Suggester:
        if self.trained_folder is None:
            return Suggester.load(self.pipeline, schema)
        return load_trained(Path(self.trained_folder), schema, self.layer_name or "trained")


def choose_suggester(store: ProjectStore, model: str | None) -> SuggesterChoice:
    """What ``annotator suggest [--model NAME]`` uses.

    ``NAME`` is a stored model (``trained:3`` or ``3``), ``default`` (the untrained suggester) or a
    spaCy pipeline name or folder. Without it: the project's trained model if it has one (see
    :func:`annotator.store.models.current_model`), else the project's pipeline setting.
    """
    if model and model.strip():
        name = model.strip()
        if name == UNTRAINED:
            return SuggesterChoice(choose_model(None, store.setting(MODEL_SETTING)))
        stored = find_model(store, name)
        if stored is None and name.startswith("trained:"):
            known = ", ".join(m.name for m in list_models(store)) or "none yet (annotator train makes one)"
            raise SuggestError(f"the project has no model {name!r}; its models: {known}")
        if stored is None:
            return SuggesterChoice(choose_model(name))
    else:
        stored = current_model(store)
        if stored is None:
            return SuggesterChoice(choose_model(None, store.setting(MODEL_SETTING)))
    folder = unpack(model_blob(store, stored.id))
    return SuggesterChoice(str(folder / PIPELINE_FOLDER), str(folder), stored.name)


def cache_root() -> Path:
    override = os.environ.get("ANNOTATOR_MODEL_CACHE")
    return Path(override) if override else platformdirs.user_cache_path("annotator", appauthor=False) / "models"


def unpack(blob: bytes) -> Path:
    """The folder holding the unpacked archive (unpacked now unless an earlier run did)."""
    digest = hashlib.sha256(blob).hexdigest()[:24]
    folder = cache_root() / digest
    if (folder / META_FILE).exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Unpack beside the target and rename: a half-unpacked folder is never mistaken for a model.
    scratch = Path(tempfile.mkdtemp(prefix=".unpack-", dir=folder.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as archive:
            archive.extractall(scratch, filter="data")
        if not (scratch / META_FILE).exists():
            raise SuggestError("the stored model is incomplete (no meta.json); train it again")
        try:
            scratch.rename(folder)
        except OSError:  # another process unpacked the same model meanwhile
            if not (folder / META_FILE).exists():
                raise
    except (tarfile.TarError, OSError) as error:
        raise SuggestError(f"the stored model cannot be unpacked ({error}); train it again") from None
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return folder


def pack(pipeline_folder: Path, events: bytes, meta: dict[str, Any]) -> bytes:
    """The archive :func:`unpack` reads: the pipeline folder, the event classifiers and ``meta``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as archive:
        archive.add(str(pipeline_folder), arcname=PIPELINE_FOLDER)
        for name, data in ((EVENTS_FILE, events), (META_FILE, json.dumps(meta).encode("utf-8"))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def load_trained(folder: Path, schema: LabelSchema, layer_name: str) -> Suggester:
    """The suggester of an unpacked trained model."""
    from annotator.suggest.learned import EventModel

    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    events = EventModel.from_bytes((folder / EVENTS_FILE).read_bytes())
    suggester = Suggester.load(str(folder / PIPELINE_FOLDER), schema)
    suggester.use_trained(events, layer_name, meta.get("entity_labels", []), meta)
    return suggester


def remember_choice(store: ProjectStore, model: str) -> None:
    """``suggest --set-default``: a stored model or ``default`` becomes the project's suggester; a
    pipeline becomes its pipeline (and then the untrained suggester is used with it)."""
    from annotator.store.models import set_current_model

    name = model.strip()
    if name == UNTRAINED or find_model(store, name) is not None:
        set_current_model(store, name)
    else:
        store.set_setting(MODEL_SETTING, name)
        set_current_model(store, UNTRAINED)
