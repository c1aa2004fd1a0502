"""``annotator export``: a thin command over :func:`annotator.formats.exporter.export_layer`."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import layer_name, progress_bars
from annotator.cli.projects import Project


@click.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["jsonl", "spacy", "brat", "conll"]))
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--layer", callback=layer_name, help="Layer to export (default: gold, where the project has one).")
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


def register(main: click.Group) -> None:
    """Add the command to the ``annotator`` group."""
    main.add_command(export_command)
