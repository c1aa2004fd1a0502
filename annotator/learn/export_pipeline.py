"""``annotator models --export NAME DIR``: a stored model as a spaCy pipeline folder.

The stored archive (see :mod:`annotator.suggest.trained`) holds a spaCy pipeline and the learned
event classifiers beside it. The export loads that pipeline, appends the ``annotator_events``
component (:mod:`annotator.learn.export_component`) configured with the classifiers, the project's
schema and the label mapping the suggester uses, and saves it with ``nlp.to_disk``: into a
temporary folder beside ``DIR`` that is renamed to ``DIR`` only when complete, so a failed export
never leaves half a pipeline where one is expected.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from annotator.learn.data import TrainingError
from annotator.store.models import find_model, list_models, model_blob
from annotator.store.project import ProjectStore
from annotator.suggest.trained import EVENTS_FILE, META_FILE, PIPELINE_FOLDER, unpack


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: the model, the folder, its size and the pipeline's components."""

    model: str
    folder: Path
    bytes: int
    components: tuple[str, ...]
    seconds: float


def export_model(store: ProjectStore, name: str, target: Path) -> ExportReport:
    """Write stored model ``name`` as a spaCy pipeline folder at ``target`` (absent or empty).

    Raises :class:`TrainingError` with a message for the user: an unknown model (naming the known
    ones), a non-empty target, a file in the way.
    """
    from annotator.learn.export_component import FACTORY
    from annotator.suggest.pipeline import load_pipeline

    started = time.perf_counter()
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise TrainingError(f"{target} is a file, not a folder: choose a new folder to export into")
    if target.is_dir() and any(target.iterdir()):
        raise TrainingError(f"{target} is not empty: choose a new or empty folder (nothing was written)")
    stored = find_model(store, name)
    if stored is None:
        known = ", ".join(m.name for m in list_models(store)) or "none yet (annotator train makes one)"
        raise TrainingError(f"the project has no model {name.strip()!r}; its models: {known}")
    schema = store.schema()
    if schema is None:
        raise TrainingError("the project has no label schema")
    folder = unpack(model_blob(store, stored.id))
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    nlp = load_pipeline(str(folder / PIPELINE_FOLDER))
    component = nlp.add_pipe(FACTORY, last=True)
    component.configure((folder / EVENTS_FILE).read_bytes(), schema.to_dict(), label_map(schema.label_map, meta), meta)
    nlp.meta["name"] = f"annotator_{stored.name.replace(':', '_')}"
    nlp.meta["description"] = (
        f"Suggester {stored.name} trained by annotator from layer {stored.layer!r} ({stored.documents} documents); "
        f"events on doc._.annotator_events and doc.user_data['annotator_events']"
    )
    nlp.meta.setdefault("requirements", [])
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=parent))
    try:
        nlp.to_disk(scratch)
        if target.is_dir():
            target.rmdir()  # empty, checked above
        scratch.rename(target)
    except OSError as error:
        raise TrainingError(f"cannot write {target}: {error}") from None
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return ExportReport(stored.name, target, size, tuple(nlp.pipe_names), time.perf_counter() - started)


def label_map(schema_map: dict[str, str], meta: dict) -> dict[str, str]:
    """The recognizer's labels to the project's, as :meth:`Suggester.use_trained` computes them."""
    mapping = dict(schema_map)
    kept = meta.get("kept_labels")
    if kept is not None:
        mapping = {k: v for k, v in mapping.items() if k in kept}
    for label in meta.get("entity_labels", []):
        mapping[label] = label
    return mapping
