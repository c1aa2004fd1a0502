"""``annotator accept-above``: accept every pending suggestion the model is at least N % sure of."""

from __future__ import annotations

import click

from annotator.cli.projects import Project
from annotator.model.layer import Layer
from annotator.review.confidence_thresholds import parse_thresholds
from annotator.store.auto_accept import AcceptReport, accept_above_in_project
from annotator.store.project import ProjectStore


def accept_above(
    store: ProjectStore, threshold: float, name: str, layer: str | None = None, label: str | None = None
) -> tuple[Layer, AcceptReport]:
    """Accept into ``name``'s layer every pending suggestion of ``layer`` (default: the suggestions
    the window shows) at or above ``threshold``, in one transaction; the layer read and the report.

    Raises ``ValueError`` (the message for the user) for a bad analyst name or a missing layer.
    """
    from annotator.app.layers import annotator_name_problem
    from annotator.store.layer_choice import suggestion_layer

    problem = annotator_name_problem(name, store)
    if problem:
        raise ValueError(problem)
    source = store.layer(layer) if layer else suggestion_layer(store)
    if source is None:
        raise ValueError(
            f"the project has no suggestions layer {layer!r}" if layer else "the project has no suggestions yet (run annotator suggest)"
        )
    return source, accept_above_in_project(store, source, name, name, threshold, label)


def register(main: click.Group) -> None:
    """Add the command to the ``annotator`` group."""

    @main.command("accept-above")
    @click.argument("threshold")
    @click.option("--label", default=None, help="Only suggestions of this entity label or event type (default: every label).")
    @click.option("--annotator", "annotator_name", default=None, help="Whose layer they are accepted into (default: the global --annotator).")
    @click.option("--suggestions", "layer", default=None, help="The suggester's layer (default: the one the window shows).")
    @click.pass_obj
    def accept_above_command(project: Project, threshold: str, label: str | None, annotator_name: str | None, layer: str | None) -> None:
        """Accept every pending suggestion whose confidence is at least THRESHOLD (0.9 or 90), in one
        transaction; each accepted annotation records the threshold in its provenance.

        Choose the threshold with `annotator evaluate --pred SUGGESTER-LAYER`, which reports precision
        at confidence thresholds. Suggestions without a confidence are never accepted this way.
        """
        try:
            levels = parse_thresholds(threshold)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="THRESHOLD") from None
        if len(levels) != 1:
            raise click.BadParameter("give one threshold, like 0.9 or 90", param_hint="THRESHOLD")
        level = levels[0]
        name = annotator_name or project.annotator
        if not name:
            raise click.UsageError("say whose layer gets the accepted suggestions: --annotator NAME")
        with project.open(create=False) as store:
            try:
                source, report = accept_above(store, level, name, layer, label)
            except ValueError as error:
                raise click.ClickException(str(error)) from None
        what = f"{label} suggestion(s)" if label else "suggestion(s)"
        click.echo(f"Accepted {report.total} {what} at or above {level:.0%} from {source.name!r} into {name!r}, in {report.documents} document(s).")
        for kind, count in sorted(report.accepted.items()):
            click.echo(f"  {kind}: {count}")
