"""Exporting a layer as training data: the ``annotator export`` command's library function.

:func:`export_layer` picks the layer and the documents (``status``), streams them from the store
into one of the writers (:data:`FORMATS`), reports progress and honours cancellation, and returns
an :class:`ExportSummary`. Output is built under ``OUT.partial`` next to ``OUT`` and renamed over
it only when complete, so a killed or cancelled export leaves the old output or the whole new one.
The GUI calls this from a worker thread with its own :class:`ProjectStore`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable

from annotator.formats.brat_writer import BratWriter, replace_folder
from annotator.formats.conll_writer import ConllWriter
from annotator.formats.export_common import ExportSummary, with_made_tokens
from annotator.formats.importer import Progress
from annotator.formats.jsonl_writer import JsonlWriter
from annotator.model.layer import LayerKind, default_status
from annotator.store.export_rows import STATUSES, count_layer_documents, layer_documents, read_snapshot
from annotator.store.layer_choice import choose_layer
from annotator.store.project import ProjectStore
from annotator.store.undecided import done_with_undecided

__all__ = ["FORMATS", "ExportError", "ExportSummary", "export_layer"]

FORMATS = ("jsonl", "spacy", "brat", "conll")

WRITE_BUFFER = 1 << 20
"""Bytes collected before a write to the file: records are tens of kilobytes each."""

BRAT_FOLDER_FILES = (".txt", ".ann", ".conf")
"""What a folder may hold for a brat export to replace it: a previous brat export."""


class ExportError(Exception):
    """An export that cannot start or finish; ``str()`` is the message for the user."""


def export_layer(
    store: ProjectStore,
    fmt: str,
    out: Path,
    layer: str | None = None,
    status: str | None = None,
    include_rejected: bool = False,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ExportSummary:
    """Export ``layer`` (default ``gold``) as ``fmt`` to ``out`` (a file; a folder for brat).

    ``status`` is "done" or "any" (default: :func:`~annotator.model.layer.default_status`). Rejected annotations are
    left out unless ``include_rejected``. ``progress("exporting", done, total)`` is called as
    documents go out; when ``should_stop()`` returns true the export stops, ``out`` is left as it
    was and the summary says ``cancelled``. Raises :class:`ExportError` with a message for the user.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    chosen = choose_layer(store, layer, "export", ExportError)
    status = status or default_status(chosen)
    if status not in STATUSES:
        raise ExportError(f"unknown status {status!r}; choose one of {', '.join(STATUSES)}")
    out = Path(out)
    _check_target(out, fmt)
    summary = ExportSummary(fmt, chosen.name, status, out)
    partial = out.with_name(out.name + ".partial")
    try:
        with read_snapshot(store):
            total = count_layer_documents(store, chosen.id, status)  # type: ignore[arg-type]
            if chosen.kind is LayerKind.ANNOTATOR:
                # Both statuses export every document marked done: say which of them still hold
                # suggestions nobody decided (their "no entity here" may be "nobody looked").
                summary.undecided = done_with_undecided(store, chosen.id)  # type: ignore[arg-type]
            documents = layer_documents(store, chosen.id, status, include_rejected)  # type: ignore[arg-type]
            _remove(partial)
            if fmt == "brat":
                writer: Any = BratWriter(partial, chosen.name, store.schema(), summary)
                handle = None
            else:
                handle = partial.open("xb", buffering=WRITE_BUFFER)
                writer = _file_writer(fmt, handle, chosen.name, summary, out.parent)
            if hasattr(writer, "records_of") and store.has_records(chosen.id):  # type: ignore[arg-type]
                # Documents imported as Prodigy records (or from brat) are written back as such; a
                # layer without kept records costs no query per document.
                writer.records_of = lambda document_id: store.records(chosen.id, document_id)  # type: ignore[arg-type]
            if fmt != "brat":
                # Documents never tokenised get their tokens made a batch at a time, not stored.
                documents = with_made_tokens(documents)
            try:
                finished = _pump(documents, writer, summary, total, progress, should_stop)
                if finished:
                    writer.close()
                    if handle is not None:
                        handle.flush()
                        os.fsync(handle.fileno())
            finally:
                if handle is not None:
                    handle.close()
        if not finished:
            summary.cancelled = True
            _remove(partial)
            return summary
        if fmt == "brat":
            replace_folder(partial, out)
        else:
            os.replace(partial, out)
    except OSError as error:
        _remove(partial)
        raise ExportError(f"cannot write {error.filename or out}: {error.strerror or error}") from None
    except BaseException:
        _remove(partial)
        raise
    return summary


def _file_writer(fmt: str, handle: Any, layer: str, summary: ExportSummary, folder: Path) -> Any:
    if fmt == "jsonl":
        return JsonlWriter(handle, layer, summary)
    if fmt == "conll":
        return ConllWriter(handle, summary)
    from annotator.formats.docbin import DocBinWriter  # imports spaCy: only when asked for

    return DocBinWriter(handle, layer, summary, spool=folder)


def _pump(
    documents: Any,
    writer: Any,
    summary: ExportSummary,
    total: int,
    progress: Progress | None,
    should_stop: Callable[[], bool] | None,
) -> bool:
    """Feed every document to ``writer``; false when ``should_stop`` asked to stop."""
    done = 0
    for item in documents:
        if should_stop is not None and should_stop():
            return False
        writer.write(item)
        # A Prodigy record written back carries its rejected spans: those are not left out.
        summary.leave_out("rejected span(s)", item.rejected_spans - getattr(writer, "rejected_written", 0))
        summary.leave_out("rejected event(s)", item.rejected_events)
        summary.leave_out("rejected relation(s)", item.rejected_relations)
        done += 1
        if progress is not None and (done % 100 == 0 or done == total):
            progress("exporting", done, total)
    if progress is not None and done != total:
        progress("exporting", done, done)
    return True


def _check_target(out: Path, fmt: str) -> None:
    if not out.parent.is_dir():
        raise ExportError(f"the folder {out.parent} does not exist")
    if fmt != "brat":
        if out.is_dir():
            raise ExportError(f"{out} is a folder; give a file name for the {fmt} export")
        return
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; a brat export is a folder, so give a new or empty folder")
    if out.is_dir():
        strangers = [p.name for p in out.iterdir() if p.is_dir() or p.suffix not in BRAT_FOLDER_FILES]
        if strangers:
            raise ExportError(
                f"{out} holds files that are not a brat export ({', '.join(sorted(strangers)[:3])}); "
                "the export replaces the whole folder, so give a new or empty folder"
            )


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
