"""Commands that keep a project safe: ``check``, ``backups``, ``restore`` and ``repair-names``.

Registered on the main group by :func:`register`; thin over :mod:`annotator.store.repair` and
:mod:`annotator.store.backup`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.store.backup import (
    DAMAGED,
    backup_folder,
    integrity,
    list_backups,
    make_backup,
    refuse_foreign,
    restore_backup,
)
from annotator.store.checks import finish_restore
from annotator.cli.projects import Project
from annotator.store.repair import rename_bad_names


@click.command("repair-names")
@click.pass_obj
def repair_names_command(project: Project) -> None:
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


@click.command("check")
@click.pass_obj
def check_command(project: Project) -> None:
    """Check the project file for damage (SQLite's integrity_check) and say what to do."""
    path = project.path
    recovered = finish_restore(path)
    if recovered:
        click.echo(recovered, err=True)
    if not path.exists():
        raise click.ClickException(f"there is no project at {path}")
    refuse_foreign(path)  # never "sound" for another program's file or an empty one
    result = integrity(path)
    if result == "ok":
        click.echo(f"{path}: the project file is sound.")
        backups = list_backups(path)
        click.echo(f"{len(backups)} backup(s)" + (f", the latest from {backups[0].made:%Y-%m-%d %H:%M}." if backups else "."))
        return
    click.echo(f"{path}: the project file is damaged. SQLite reports:", err=True)
    for line in result.splitlines()[:10]:
        click.echo(f"  {line}", err=True)
    click.echo(_what_to_do(path), err=True)
    sys.exit(1)


def _what_to_do(path: Path) -> str:
    backups = [b for b in list_backups(path) if not b.path.stem.endswith(DAMAGED)]
    db = f"annotator --db {path}"
    if not backups:
        return (
            "There is no backup of it. Keep a copy of the file as it is; `sqlite3 FILE .recover` can often "
            "save most of its contents."
        )
    return (
        f"Restore the latest backup ({backups[0].made:%Y-%m-%d %H:%M}) with:\n  {db} restore {backups[0].path}\n"
        f"(the damaged file is kept as a backup first; `{db} backups` lists every backup)."
    )


@click.command("backups")
@click.option("--now", is_flag=True, help="Make a backup now, then list them.")
@click.pass_obj
def backups_command(project: Project, now: bool) -> None:
    """List the project's backups (newest first), or make one now with --now.

    The window backs a project up when it opens it and every hour while it is edited. A backup
    counts only once SQLite's check of the copy passed; the last 10 are kept, and the newest of
    each of the last 7 days, in your user data folder.
    """
    path = project.path
    if now:
        made = make_backup(path)
        click.echo(f"Backed up to {made.path} ({made.size / 1e6:.1f} MB).")
    backups = list_backups(path)
    if not backups:
        click.echo(f"No backups of {path} yet (they are kept in {backup_folder(path)}).")
        return
    click.echo(f"Backups of {path}, newest first:")
    for backup in backups:
        click.echo(f"  {backup.describe()}")
    click.echo(f"Restore one with: annotator --db {path} restore BACKUP")


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def restore_command(project: Project, backup: Path, yes: bool) -> None:
    """Put BACKUP in place of the project file (the current file is backed up first).

    Close the windows that have the project open before restoring.
    """
    path = project.path
    if not yes and sys.stdin.isatty():
        click.confirm(f"Replace {path} with {backup}? The current file is backed up first.", abort=True)
    saved = restore_backup(path, backup)
    if saved is not None:
        click.echo(f"The current file was backed up to {saved.path}.")
    click.echo(f"Restored {path} from {backup}.")


def register(group: click.Group) -> None:
    """Add these commands to the ``annotator`` command group."""
    for command in (repair_names_command, check_command, backups_command, restore_command):
        group.add_command(command)
