"""The command line: thin click commands over the library functions that tests call directly.

``annotator [--db PATH] COMMAND``; without ``--db`` the default project in the user data folder
is used (and created with the sample articles on first use). Errors a user can act on print one
clear line and exit with status 1 or 2; unexpected ones are logged with their traceback and
summarised in one line, so no traceback reaches the terminal.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import click

from annotator import __version__
from annotator.formats.importer import ImportAborted, ImportReport, Progress, import_paths
from annotator.formats.schema_toml import SchemaFileError, load_schema_file
from annotator.model.annotations import AnnotationError
from annotator.model.document import TextError
from annotator.model.layer import DEFAULT_IMPORT_LAYER, check_layer_name
from annotator.model.schema import SchemaError
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore
from annotator.workspace import create_project, default_project_path, log_dir, open_project

USER_ERRORS = (StoreError, SchemaFileError, SchemaError, TextError, AnnotationError, ImportAborted)


class AnnotatorGroup(click.Group):
    """Turns errors into one-line messages; keeps tracebacks in the log file."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:  # a bug: say so briefly, keep the details
            log = _log_unexpected(error)
            raise click.ClickException(
                f"unexpected error ({type(error).__name__}: {error}). Details are in {log}; please report it."
            ) from None


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


class Project:
    """The ``--db`` choice, opened on first use by a command that needs it."""

    def __init__(self, db: Path | None):
        self.db = db

    def open(self, create: bool = True) -> ProjectStore:
        return open_project(self.db, create=create)

    @property
    def path(self) -> Path:
        return self.db or default_project_path()


def _layer_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_layer_name(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def progress_bars() -> tuple[Progress, Callable[[], None]]:
    """A progress callback drawing one bar per phase on stderr (only on a terminal)."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(phase: str, done: int, total: int | None) -> None:
        if not sys.stderr.isatty():
            return
        bar = bars.get(phase)
        if bar is None:
            bar = bars[phase] = tqdm(total=total, desc=phase.capitalize(), unit="doc" if phase != "reading" else "file", leave=False)
        bar.total = total
        bar.update(done - bar.n)

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return update, close


@click.group(cls=AnnotatorGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ANNOTATOR_DB",
    help="Project file to use (default: the project in your user data folder, with the sample articles).",
)
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Annotate entities and events in news articles; review and export them as training data."""
    ctx.obj = Project(db)
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


def print_import_report(report: ImportReport) -> None:
    click.echo(
        f"Imported {report.documents_added} new document(s) ({report.documents_existing} already in the project) "
        f"from {report.files} file(s)"
        + (
            f"; layer {report.layer!r} received {report.spans_added} span(s) and {report.events_added} event(s)."
            if report.spans_added or report.events_added
            else "; no new annotations."
        )
    )
    if report.schema_added:
        click.echo("Added to the project's schema: " + ", ".join(report.schema_added) + ".")
    for notice in report.notices:
        click.echo(f"Note: {notice}", err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s); the items named were not imported:", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--annotator", "layer", default=DEFAULT_IMPORT_LAYER, show_default=True, callback=_layer_name, help="Layer that receives the annotations found in the files.")
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
        )


if __name__ == "__main__":  # pragma: no cover
    main()
