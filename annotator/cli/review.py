"""``annotator agreement`` and ``annotator evaluate``: thin commands over :mod:`annotator.review`."""

from __future__ import annotations

import json

import click

from annotator.cli.common import layer_list, layer_name
from annotator.cli.projects import Project


@click.command("agreement")
@click.option("--annotators", help="Layers to compare, separated by commas (default: every annotator layer).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def agreement_command(project: Project, annotators: str | None, output: str) -> None:
    """Measure how well annotators agree, pairwise and per label, over the documents they all annotated."""
    from annotator.review.agreement import format_agreement, layers_to_compare, project_agreement

    with project.open(create=False) as store:
        names = layer_list(annotators)
        try:
            report = project_agreement(store, layers_to_compare(store, names))
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(json.dumps(report, indent=2, ensure_ascii=False) if output == "json" else format_agreement(report))


@click.command("evaluate")
@click.option("--gold", "gold", default="gold", show_default=True, callback=layer_name, help="Layer taken as correct.")
@click.option("--pred", "pred", required=True, callback=layer_name, help="Layer to score, e.g. a suggester's layer.")
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


def register(main: click.Group) -> None:
    """Add these commands to the ``annotator`` group."""
    main.add_command(agreement_command)
    main.add_command(evaluate_command)
