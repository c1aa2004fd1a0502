"""What several command groups share: progress bars on the terminal and the check of layer names."""

from __future__ import annotations

import sys
from typing import Any, Callable

import click

from annotator.formats.importer import Progress
from annotator.model.layer import check_layer_name


def layer_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: the layer name, checked by the naming rule."""
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


def layer_list(value: str | None) -> list[str] | None:
    """Layer names separated by commas, each checked (None: not given)."""
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        layer_name(None, None, name)  # type: ignore[arg-type]
    return names
