"""Opening a connection to the hub: URL checks, the lazily imported driver, and who we are there.

Passwords never travel in a URL that a command line or a project file would keep: libpq reads
them from ``PGPASSWORD`` or ``~/.pgpass`` by itself, so the URL we store and show has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

INSTALL_HINT = "pip install 'annotator[hub]'"

LEAD = "annotator_lead"
REVIEWER = "annotator_reviewer"
ANALYST = "annotator_analyst"
GROUPS = {"lead": LEAD, "reviewer": REVIEWER, "analyst": ANALYST}

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class HubError(Exception):
    """Something about the hub a user can act on; ``str()`` is the message."""


def driver() -> ModuleType:
    """The psycopg module, or a :class:`HubError` saying which pip command installs it."""
    try:
        import psycopg
    except ImportError:
        raise HubError(f"the team hub needs the PostgreSQL driver, which is not installed: run {INSTALL_HINT}") from None
    return psycopg


def check_url(url: str) -> str:
    """``url`` if it is a ``postgresql://`` URL without a password; otherwise a :class:`HubError`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("postgresql", "postgres"):
        raise HubError(f"a hub is given as a postgresql:// URL, got {url!r}")
    if parts.password is not None:
        raise HubError(
            "the hub URL contains a password; leave it out and put the password in the PGPASSWORD "
            "environment variable or in ~/.pgpass, so it is never saved or shown"
        )
    return urlunsplit(parts)


def check_role_name(name: str) -> str:
    """A user name usable as a PostgreSQL role and a layer name: lower-case letters, digits, ``_``."""
    if not _ROLE_NAME.match(name or ""):
        raise HubError(f"a hub user name is 1-63 lower-case letters, digits or '_' (not starting with a digit), got {name!r}")
    return name


def connect(url: str, **kwargs: Any) -> Any:
    """A new psycopg connection to the hub at ``url`` (autocommit off)."""
    psycopg = driver()
    try:
        return psycopg.connect(check_url(url), connect_timeout=10, **kwargs)
    except psycopg.OperationalError as error:
        raise HubError(f"cannot reach the hub {check_url(url)}: {str(error).strip()}") from None


@dataclass(frozen=True)
class Identity:
    """Who the connection is logged in as, and what the hub lets that role do."""

    user: str
    lead: bool
    reviewer: bool
    analyst: bool

    @property
    def role(self) -> str:
        return "lead" if self.lead else "reviewer" if self.reviewer else "analyst"


def identity(conn: Any) -> Identity:
    row = conn.execute(
        "SELECT current_user, pg_has_role(current_user, %s, 'MEMBER'), pg_has_role(current_user, %s, 'MEMBER'), "
        "pg_has_role(current_user, %s, 'MEMBER')",
        (LEAD, REVIEWER, ANALYST),
    ).fetchone()
    return Identity(row[0], bool(row[1]), bool(row[2]), bool(row[3]))
