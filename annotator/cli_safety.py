"""Commands that keep a project safe: ``check``, ``backups``, ``restore`` and ``repair-names``,
and the warning every command prints for a project that needs repairing.

Registered on the main group by :func:`register`; thin over :mod:`annotator.store.repair` and
:mod:`annotator.store.backup`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from annotator.store.project import ProjectStore
from annotator.store.repair import rename_bad_names, schema_warning


def warn_about(store: ProjectStore, db: Path | None) -> None:
    """Print, on stderr, what is wrong with an opened project and how to fix it."""
    where = f"annotator --db {db} " if db else "annotator "
    message = schema_warning(store, f"{where}repair-names")
    if message:
        click.echo(f"Warning: {message}", err=True)


@click.command("repair-names")
@click.pass_obj
def repair_names_command(project: Any) -> None:
    """Rename labels, event types and roles that have spaces, control characters or over 64 characters.

    They are renamed in the schema and in every layer's annotations, in one transaction.
    """
    with project.open(create=False, warn=False) as store:
        renames = rename_bad_names(store)
    if not renames:
        click.echo("Every name in the project's schema is fine; nothing to rename.")
        return
    click.echo(f"Renamed {len(renames)} name(s) everywhere in the project:")
    for old, new in renames.items():
        click.echo(f"  {old!r} → {new!r}")


def register(group: click.Group) -> None:
    """Add these commands to the ``annotator`` command group."""
    group.add_command(repair_names_command)
