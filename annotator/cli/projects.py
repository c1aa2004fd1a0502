"""The command line: thin click commands over the library functions that tests call directly.

``annotator [--db PATH] COMMAND``; without ``--db`` the default project in the user data folder
is used (and created with the sample articles on first use). Errors a user can act on print one
clear line and exit with status 1 or 2; unexpected ones are logged with their traceback and
summarised in one line, so no traceback reaches the terminal.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from annotator import __version__
from annotator.cli.common import layer_name, progress_bars
from annotator.cli.open_file import project_argument
from annotator.formats.importer import ImportAborted, ImportReport, import_paths
from annotator.formats.records import problem_count
from annotator.formats.schema_toml import SchemaFileError, load_schema_file
from annotator.model.annotations import AnnotationError
from annotator.model.document import TextError
from annotator.model.layer import DEFAULT_IMPORT_LAYER
from annotator.model.schema import SchemaError
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore
from annotator.store.repair import schema_warning
from annotator.app.workspace import create_project, default_project_path, log_dir, open_project

USER_ERRORS = (StoreError, SchemaFileError, SchemaError, TextError, AnnotationError, ImportAborted)


class AnnotatorGroup(click.Group):
    """Turns errors into one-line messages; keeps tracebacks in the log file."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, project_argument(args, self.commands))  # `annotator news.annotator`

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # here, not at exit: a reader gone meanwhile is met below
            return result
        except USER_ERRORS as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            _quiet_closed_pipe()
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:  # a bug: say so briefly, keep the details
            from annotator.store.database import translate

            known = translate(error)  # a damaged or busy file met outside a transaction
            if known is not None:
                raise click.ClickException(str(known)) from None
            log = _log_unexpected(error)
            raise click.ClickException(
                f"unexpected error ({type(error).__name__}: {error}). Details are in {log}; please report it."
            ) from None


def _quiet_closed_pipe() -> None:
    """The reader of our output went away (``annotator stats | head -1``): end quietly, as other
    command-line tools do, with the usual status (Python's flush at exit would raise again)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(0)


def _log_unexpected(error: BaseException) -> Path:
    path = log_dir() / "errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now().isoformat()} annotator {__version__}: {' '.join(sys.argv)}\n")
            handle.write("".join(traceback.format_exception(error)))
    except OSError:
        logging.getLogger(__name__).exception("could not write the error log")
    return path


def warn_about(store: ProjectStore, db: Path | None) -> None:
    """Print, on stderr, what is wrong with an opened project and how to fix it."""
    where = f"annotator --db {db} " if db else "annotator "
    message = schema_warning(store, f"{where}repair-names")
    if message:
        click.echo(f"Warning: {message}", err=True)


class Project:
    """The ``--db`` choice, opened on first use by a command that needs it."""

    def __init__(self, db: Path | None, annotator: str | None = None):
        self.db_path = db
        self.annotator = annotator

    def open(self, create: bool = True, warn: bool = True) -> ProjectStore:
        store = open_project(self.db_path, create=create)
        if warn:
            warn_about(store, self.db_path)
        recovered = store.recovered
        if recovered:
            click.echo(recovered, err=True)
        return store

    @property
    def path(self) -> Path:
        return self.db_path or default_project_path()


@click.group(cls=AnnotatorGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ANNOTATOR_DB",
    help="Project file to use (default: the project in your user data folder, with the sample articles).",
)
@click.option(
    "--annotator",
    "annotator_name",
    envvar="ANNOTATOR_ANNOTATOR",
    help="Your name in the window (default: the name you gave on first start).",
)
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def main(ctx: click.Context, db: Path | None, annotator_name: str | None) -> None:
    """Annotate entities and events in news articles; review and export them as training data.

    Without a command, opens the window.
    """
    ctx.obj = Project(db, annotator_name)
    if ctx.invoked_subcommand is None:
        gui_command = main.get_command(ctx, "gui")
        if gui_command is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(gui_command)


@main.command("init")
@click.option("--schema", "schema_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Label schema (TOML) for the new project; default: spaCy's English labels and ACE 2005 events.")
@click.pass_obj
def init_command(project: Project, schema_file: Path | None) -> None:
    """Make a new, empty project file."""
    schema = load_schema_file(schema_file) if schema_file else None
    with create_project(project.path, schema) as store:
        labels = store.schema()
        assert labels is not None
        click.echo(
            f"Created {project.path} with {len(labels.entities)} entity labels and {len(labels.events)} event types."
        )


SHOWN_PROBLEMS = 10
"""Problems an import prints one by one; the rest are counted."""


def print_import_report(report: ImportReport) -> None:
    click.echo(
        f"Imported {report.documents_added} new document(s) ({report.documents_existing} already in the project) "
        f"from {report.files} file(s)"
        + (
            f"; layer {report.layer!r} received {report.spans_added} span(s), {report.events_added} event(s)"
            f" and {report.relations_added} relation(s)."
            if report.spans_added or report.events_added or report.relations_added
            else "; no new annotations."
        )
    )
    if report.schema_added:
        click.echo("Added to the project's schema: " + ", ".join(report.schema_added) + ".")
    for notice in report.notices[:SHOWN_PROBLEMS]:
        click.echo(f"Note: {notice}", err=True)
    if len(report.notices) > SHOWN_PROBLEMS:
        click.echo(f"Note: ... and {problem_count(report.notices) - SHOWN_PROBLEMS:,} more notes", err=True)
    if report.repeated:
        click.echo(f"{report.repeated} annotation(s) repeated for the same text (by a later record or within one) were kept once.")
    if report.incomplete:
        click.echo(
            f"{report.incomplete} document(s) had some annotations skipped (named below): they are marked "
            f"in progress in layer {report.layer!r}, not done, so that an export of done work leaves them out.",
            err=True,
        )
    if report.problems:
        total = report.problem_total
        click.echo(f"{total:,} problem(s); the items named were not imported:", err=True)
        for problem in report.problems[:SHOWN_PROBLEMS]:
            click.echo(f"  {problem}", err=True)
        if total > SHOWN_PROBLEMS:
            click.echo(f"  ... and {total - SHOWN_PROBLEMS:,} more problems", err=True)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--annotator", "layer", default=DEFAULT_IMPORT_LAYER, show_default=True, callback=layer_name, help="Layer that receives the annotations found in the files.")
@click.option("--strict", is_flag=True, help="Stop at the first problem and import nothing.")
@click.pass_obj
def import_command(project: Project, paths: tuple[Path, ...], layer: str, strict: bool) -> None:
    """Import articles and annotations: .txt, seed articles, brat (.txt + .ann), JSONL (Prodigy, doccano, export).

    PATHS may be files or folders (searched recursively). Documents already in the project are
    recognised by their text and not added twice.
    """
    update, close = progress_bars()
    with project.open() as store:
        try:
            report = import_paths(store, paths, layer, strict=strict, progress=update)
        except ImportAborted as aborted:
            close()
            raise click.ClickException(f"import stopped (--strict), nothing was written: {aborted.problem}") from None
        finally:
            close()
    print_import_report(report)
    if not report.ok:
        sys.exit(1)


@main.command("stats")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def stats_command(project: Project, output: str) -> None:
    """Show what the project holds: documents, and per layer its spans, events and finished documents."""
    with project.open(create=False) as store:
        stats = store.stats()
    if output == "json":
        click.echo(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    click.echo(f"Project: {project.path}")
    click.echo(f"Documents: {stats['documents']}")
    if not stats["layers"]:
        click.echo("Layers: none yet")
    for name, layer in stats["layers"].items():
        click.echo(
            f"  {name} ({layer['kind']}): {layer['documents']} document(s), {layer['done']} done, "
            f"{layer['spans']} span(s), {layer['events']} event(s)"
            + (f", {layer['relations']} relation(s)" if layer.get("relations") else "")
        )


@main.command("merge")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def merge_command(project: Project, paths: tuple[Path, ...]) -> None:
    """Bring the layers of colleagues' project files into this project (documents matched by their text).

    Merging the same file again adds nothing. Work that differs from what this project's layer of
    the same name holds for a document is not merged, and reported.
    """
    from annotator.store.merge import merge_projects

    failed = False
    with project.open() as store:
        results = merge_projects(store, paths)
    for result in results:
        if isinstance(result, Exception):
            failed = True
            click.echo(f"Not merged: {result}", err=True)
            continue
        layers = f"; new layer(s): {', '.join(result.layers_added)}" if result.layers_added else ""
        click.echo(
            f"{result.path}: {result.documents_added} new document(s) ({result.documents_existing} already here), "
            f"{result.spans_added} span(s), {result.events_added} event(s) and {result.relations_added} relation(s) "
            f"in {result.documents_merged} "
            f"layer document(s) merged, {result.documents_unchanged} already identical{layers}."
        )
        if result.schema_added:
            click.echo("Added to the project's schema: " + ", ".join(result.schema_added) + ".")
        if result.conflicts:
            failed = True
            click.echo(f"{len(result.conflicts)} conflict(s) in {result.path}; kept this project's work:", err=True)
            for conflict in result.conflicts:
                click.echo(f"  {conflict}", err=True)
    if failed:
        sys.exit(1)


@main.command("gui")
@click.option("--annotator", "annotator_name", help="Your name: the layer your annotations go to.")
@click.pass_obj
def gui_command(project: Project, annotator_name: str | None) -> None:
    """Open the annotation window (the default command)."""
    from annotator.gui.app import run_gui

    sys.exit(run_gui(project.db_path, annotator_name or project.annotator))
