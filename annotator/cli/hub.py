"""``annotator hub ...`` and ``annotator sync``: the team hub from the command line.

Thin click commands over :mod:`annotator.hub`. A hub is a ``postgresql://`` URL without a
password: PostgreSQL's own client library takes the password from ``PGPASSWORD`` or
``~/.pgpass``. Without the driver installed, every command says which pip command adds it.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Callable

import click

from annotator.hub.connection import HubError, check_url


def _hub_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Problems with the hub become one-line messages, like the store's errors."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except HubError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


def _url(value: str | None) -> str | None:
    try:
        return check_url(value) if value else None
    except HubError as error:
        raise click.BadParameter(str(error)) from None


def _project_url(store: Any, url: str | None) -> str:
    from annotator.store import hub_local

    if url:
        return url
    link = hub_local.get_link(store)
    if link is None:
        raise HubError("give the hub's URL with --url, or connect this project first: annotator hub connect URL")
    return link.url


def _hub_url(project: Any, url: str | None) -> str:
    """``url``, else the hub this project is connected to (opening the project only then)."""
    if url:
        return url
    with project.open() as store:
        return _project_url(store, None)


@click.group("hub")
def hub_group() -> None:
    """Work as a team through a shared PostgreSQL hub (needs: pip install 'annotator[hub]')."""


@hub_group.command("init")
@click.argument("url", callback=lambda ctx, param, value: _url(value))
@_hub_errors
def init_command(url: str) -> None:
    """Create the hub's tables in the (empty) PostgreSQL database at URL, or upgrade them."""
    from annotator.hub.admin import init_hub
    from annotator.hub.schema import LATEST_VERSION

    before = init_hub(url)
    if before == LATEST_VERSION:
        click.echo(f"The hub at {url} is up to date (format {LATEST_VERSION}).")
    else:
        click.echo(f"Hub ready at {url} (format {before} -> {LATEST_VERSION}).")


@hub_group.command("add-user")
@click.argument("name")
@click.option("--role", type=click.Choice(["analyst", "reviewer", "lead"]), default="analyst", show_default=True)
@click.option("--url", callback=lambda ctx, param, value: _url(value), help="The hub (default: this project's hub).")
@click.pass_obj
@_hub_errors
def add_user_command(project: Any, name: str, role: str, url: str | None) -> None:
    """Give NAME a login on the hub. Their password comes from ANNOTATOR_NEW_PASSWORD or a prompt."""
    from annotator.hub.admin import add_user

    url = _hub_url(project, url)
    password = os.environ.get("ANNOTATOR_NEW_PASSWORD")
    if password is None:
        password = click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)
    add_user(url, name, role, password)
    click.echo(f"{name} can now connect to the hub as {role}.")


@hub_group.command("connect")
@click.argument("url", callback=lambda ctx, param, value: _url(value))
@click.pass_obj
@_hub_errors
def connect_command(project: Any, url: str) -> None:
    """Connect this project to the hub at URL (as the URL's user) and sync once."""
    from annotator.hub.admin import connect_project
    from annotator.hub.sync import sync_project

    with project.open() as store:
        link = connect_project(store, url)
        report = sync_project(store)
    click.echo(f"Connected to {link.url} as {link.user} ({link.role}); {report.summary()}.")


@hub_group.command("disconnect")
@click.pass_obj
def disconnect_command(project: Any) -> None:
    """Forget this project's hub (local annotations stay; unsent changes are not sent)."""
    from annotator.store import hub_local

    with project.open() as store:
        pending = hub_local.pending_count(store)
        hub_local.unlink(store)
    click.echo("Disconnected." + (f" {pending} change(s) had not been sent." if pending else ""))


@hub_group.command("push-corpus")
@click.option("--url", callback=lambda ctx, param, value: _url(value), help="The hub (default: this project's hub).")
@click.pass_obj
@_hub_errors
def push_corpus_command(project: Any, url: str | None) -> None:
    """Upload this project's documents and label schema to the hub (leads)."""
    from annotator.hub.admin import push_corpus

    with project.open() as store:
        url = _project_url(store, url)
        added = push_corpus(store, url)
        total = store.count_documents()
    click.echo(f"Uploaded {added} new document(s) to the hub ({total - added} were already there).")


@hub_group.command("assign")
@click.option("--per-document", "per_document", type=click.IntRange(min=1), required=True, help="Analysts per document.")
@click.option("--annotators", help="Analysts to assign, separated by commas (default: every analyst of the hub).")
@click.option("--reassign-after", "reassign_after", type=click.FloatRange(min=0), help="Take back unfinished work untouched for this many days and give it to someone else (kept as the hub's setting).")
@click.option("--url", callback=lambda ctx, param, value: _url(value), help="The hub (default: this project's hub).")
@click.pass_obj
@_hub_errors
def assign_command(project: Any, per_document: int, annotators: str | None, reassign_after: float | None, url: str | None) -> None:
    """Assign every document to K distinct analysts, balanced (leads)."""
    from annotator.hub.admin import assign

    url = _hub_url(project, url)
    names = [a.strip() for a in annotators.split(",") if a.strip()] if annotators else None
    report = assign(url, per_document, names, reassign_after)
    click.echo(
        f"Assigned {report.assigned} document-analyst pair(s) over {report.documents} document(s) and "
        f"{report.analysts} analyst(s); {report.reassigned} abandoned assignment(s) taken back."
    )


@hub_group.command("progress")
@click.option("--url", callback=lambda ctx, param, value: _url(value), help="The hub (default: this project's hub).")
@click.pass_obj
@_hub_errors
def progress_command(project: Any, url: str | None) -> None:
    """The team's progress: per analyst, documents assigned, done, and annotations."""
    from annotator.hub.admin import progress

    url = _hub_url(project, url)
    rows = progress(url)
    if not rows:
        click.echo("Nothing is assigned yet: annotator hub assign --per-document K")
        return
    click.echo(f"{'analyst':<20} {'assigned':>8} {'done':>6} {'annotations':>12}")
    for row in rows:
        click.echo(f"{row.analyst:<20} {row.assigned:>8} {row.done:>6} {row.annotations:>12}")


@hub_group.command("status")
@click.pass_obj
def status_command(project: Any) -> None:
    """Which hub this project syncs with, and what waits to be sent."""
    from annotator.store import hub_local, hub_pull

    with project.open() as store:
        link = hub_local.get_link(store)
        if link is None:
            click.echo("Not connected to a hub.")
            return
        click.echo(f"Hub: {link.url} as {link.user} ({link.role})")
        click.echo(f"Pending changes: {hub_local.pending_count(store)}; last sync: {link.last_sync or 'never'}")
        click.echo(f"Queue: {len(hub_pull.my_queue(store, link.user))} document(s) assigned and not done")
        if link.last_message:
            click.echo(link.last_message)


@click.command("sync")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Changes sent per hub transaction [default: 2000, as the window sends].")
@click.pass_obj
@_hub_errors
def sync_command(project: Any, batch_size: int | None) -> None:
    """Send your changes to the team hub and fetch everyone else's."""
    from annotator.hub.sync import BATCH, sync_project

    with project.open() as store:
        report = sync_project(store, batch_size or BATCH)
    click.echo(f"Synced: {report.summary()}.")
    if report.conflicts:
        raise SystemExit(1)


def register(main: click.Group) -> None:
    main.add_command(hub_group)
    main.add_command(sync_command)
