"""The hub's tables, row-level security and the migrations that create them.

Every synced table carries the same bookkeeping columns: ``seq`` (from one shared sequence),
``tx`` (the change log: the writing transaction, see :mod:`annotator.hub.schema_v2`),
``version`` (counts writes to the row: optimistic checks), ``changed_by`` (the role that wrote
it) and ``changed_at``. The server stamps them (defaults clients may not override, and a trigger
on update), so a client cannot forge them. Version 1 serialised every writer with one lock so
that ``seq`` came in commit order; version 2 drops that lock and pulls by ``tx`` below the oldest
transaction still running, which needs no lock (no writer waits for another).

Annotations are a table per kind (``spans``, ``events``, ``relations``) of the same shape: a
``uid``, the ``layer`` and ``document`` they belong to, a ``deleted`` tombstone and the JSON
``payload`` the local store produced; typed columns are generated from the payload for queries.
A new kind is one more table of this shape and one entry in :data:`annotator.hub.kinds.KINDS`.

``hub_version`` holds the number of migrations applied; a migration runs in the transaction
that bumps it. Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

from typing import Any

from annotator.hub.connection import HubError
from annotator.hub.schema_v2 import V2

_COMMON = """
    seq bigint NOT NULL DEFAULT 0,
    version integer NOT NULL DEFAULT 1,
    changed_by text NOT NULL DEFAULT current_user,
    changed_at timestamptz NOT NULL DEFAULT now()
"""

_ANNOTATION = """
    uid text PRIMARY KEY,
    layer text NOT NULL REFERENCES layers(name),
    document text NOT NULL REFERENCES documents(content_hash),
    deleted boolean NOT NULL DEFAULT false,
    payload jsonb NOT NULL,
    client text,
"""

_V1 = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'annotator_analyst') THEN CREATE ROLE annotator_analyst NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'annotator_reviewer') THEN CREATE ROLE annotator_reviewer NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'annotator_lead') THEN CREATE ROLE annotator_lead NOLOGIN; END IF;
END $$;

CREATE SEQUENCE change_seq;

CREATE FUNCTION stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One writer at a time draws change numbers, so they are visible in the order they are drawn.
    PERFORM pg_advisory_xact_lock(4147); -- 0x1033, 'annotator hub'
    NEW.seq := nextval('change_seq');
    NEW.changed_by := current_user;
    NEW.changed_at := now();
    IF TG_OP = 'UPDATE' THEN NEW.version := OLD.version + 1; ELSE NEW.version := 1; END IF;
    RETURN NEW;
END $$;

CREATE TABLE settings (key text PRIMARY KEY, value jsonb NOT NULL, {_COMMON});

CREATE TABLE documents (
    content_hash text PRIMARY KEY,
    text text NOT NULL,
    title text NOT NULL DEFAULT '',
    date text,
    source text,
    meta jsonb,
    tokens bytea,
    {_COMMON}
);

CREATE TABLE layers (name text PRIMARY KEY, kind text NOT NULL CHECK (kind IN ('annotator', 'gold')), {_COMMON});

CREATE TABLE statuses (
    layer text NOT NULL REFERENCES layers(name),
    document text NOT NULL REFERENCES documents(content_hash),
    status text NOT NULL CHECK (status IN ('new', 'in_progress', 'done')),
    created_at text NOT NULL,
    updated_at text NOT NULL,
    client text,
    {_COMMON},
    PRIMARY KEY (layer, document)
);

CREATE TABLE assignments (
    document text NOT NULL REFERENCES documents(content_hash),
    analyst text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    {_COMMON},
    PRIMARY KEY (document, analyst)
);

CREATE TABLE spans (
    {_ANNOTATION}
    start_char integer GENERATED ALWAYS AS ((payload->>'start_char')::integer) STORED,
    end_char integer GENERATED ALWAYS AS ((payload->>'end_char')::integer) STORED,
    label text GENERATED ALWAYS AS (payload->>'label') STORED,
    {_COMMON}
);

CREATE TABLE events (
    {_ANNOTATION}
    type text GENERATED ALWAYS AS (payload->>'type') STORED,
    trigger_start integer GENERATED ALWAYS AS ((payload->>'trigger_start')::integer) STORED,
    trigger_end integer GENERATED ALWAYS AS ((payload->>'trigger_end')::integer) STORED,
    {_COMMON}
);

-- Derived from events.payload by a trigger: readable by SQL, never written by clients.
CREATE TABLE event_arguments (
    event_uid text NOT NULL REFERENCES events(uid) ON DELETE CASCADE,
    position integer NOT NULL,
    role text NOT NULL,
    start_char integer,
    end_char integer,
    label text,
    argument_event_uid text,
    PRIMARY KEY (event_uid, position)
);

-- Typed relations between annotations (head -> child) and equivalence groups (members in the payload).
CREATE TABLE relations (
    {_ANNOTATION}
    label text GENERATED ALWAYS AS (payload->>'label') STORED,
    head_uid text GENERATED ALWAYS AS (payload->>'head_uid') STORED,
    child_uid text GENERATED ALWAYS AS (payload->>'child_uid') STORED,
    {_COMMON}
);

-- What each client's outbox has delivered: pushed in the same transaction as its changes, so a
-- client that crashed after the commit learns on restart which of its changes arrived.
CREATE TABLE clients (
    client_id text PRIMARY KEY,
    role text NOT NULL DEFAULT current_user,
    acked bigint NOT NULL DEFAULT 0,
    seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION derive_arguments() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    DELETE FROM event_arguments WHERE event_uid = NEW.uid;
    IF NOT NEW.deleted THEN
        INSERT INTO event_arguments (event_uid, position, role, start_char, end_char, label, argument_event_uid)
        SELECT NEW.uid, a.n - 1, a.value->>'role', (a.value->>'start_char')::integer, (a.value->>'end_char')::integer,
               a.value->>'label', a.value->>'event_uid'
        FROM jsonb_array_elements(coalesce(NEW.payload->'arguments', '[]'::jsonb)) WITH ORDINALITY AS a(value, n);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER events_arguments AFTER INSERT OR UPDATE ON events FOR EACH ROW EXECUTE FUNCTION derive_arguments();
"""

SYNCED_TABLES = ("settings", "documents", "layers", "statuses", "assignments", "spans", "events", "relations")
ANNOTATION_TABLES = ("spans", "events", "relations")


def _stamps() -> str:
    lines = []
    for table in SYNCED_TABLES:
        lines.append(f"CREATE INDEX {table}_seq ON {table}(seq);")
        lines.append(
            f"CREATE TRIGGER {table}_stamp BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION stamp_change();"
        )
    for table in ANNOTATION_TABLES + ("statuses",):
        lines.append(f"CREATE INDEX {table}_document ON {table}(document);")
    # An analyst's pull asks "is this document mine?" for each changed row.
    lines.append("CREATE INDEX assignments_analyst ON assignments(analyst, document);")
    return "\n".join(lines)


def _security() -> str:
    """Grants and row-level security: the database, not the client, says who writes where."""
    member = "pg_has_role(current_user, '{}', 'MEMBER')"
    lead, reviewer = member.format("annotator_lead"), member.format("annotator_reviewer")
    writes = f"(layer = current_user::text OR (layer = 'gold' AND {reviewer}) OR {lead})"
    lines = [
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;",
        "GRANT USAGE ON SCHEMA public TO annotator_analyst, annotator_reviewer, annotator_lead;",
        "GRANT USAGE ON SEQUENCE change_seq TO annotator_analyst, annotator_reviewer, annotator_lead;",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO annotator_analyst, annotator_reviewer, annotator_lead;",
        # Schema, documents, layers and assignments: only leads write them.
        "GRANT INSERT, UPDATE, DELETE ON settings, documents, layers, assignments TO annotator_lead;",
        "GRANT INSERT, UPDATE ON clients TO annotator_analyst, annotator_reviewer, annotator_lead;",
        "ALTER TABLE clients ENABLE ROW LEVEL SECURITY;",
        "CREATE POLICY clients_read ON clients FOR SELECT USING (true);",
        "CREATE POLICY clients_own ON clients FOR ALL USING (role = current_user::text) WITH CHECK (role = current_user::text);",
    ]
    for table in ANNOTATION_TABLES + ("statuses",):
        lines += [
            f"GRANT INSERT, UPDATE ON {table} TO annotator_analyst, annotator_reviewer, annotator_lead;",
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
            f"CREATE POLICY {table}_read ON {table} FOR SELECT USING (true);",
            f"CREATE POLICY {table}_write ON {table} FOR INSERT WITH CHECK {writes};",
            f"CREATE POLICY {table}_update ON {table} FOR UPDATE USING {writes} WITH CHECK {writes};",
        ]
    return "\n".join(lines)


_V1_FULL = _V1 + _stamps() + "\n" + _security() + "\nINSERT INTO layers (name, kind) VALUES ('gold', 'gold');\n"

MIGRATIONS: tuple[str, ...] = (_V1_FULL, V2)
"""Migration ``i`` takes a hub from version ``i`` to ``i + 1``."""

LATEST_VERSION = len(MIGRATIONS)


def hub_version(conn: Any) -> int:
    """The hub's schema version: 0 for an empty database."""
    exists = conn.execute("SELECT to_regclass('public.hub_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    return int(conn.execute("SELECT version FROM hub_version").fetchone()[0])


def migrate(conn: Any) -> int:
    """Bring the hub up to date in one transaction per step; return the version it had."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(4148)")  # two inits at once: the second waits, then finds it done
        before = version = hub_version(conn)
        if version == 0:
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()[0]
            if tables:
                raise HubError("this database already holds other tables; create an empty database for the hub")
        if version > LATEST_VERSION:
            raise HubError(
                f"this hub was created by a newer annotator (hub format {version}; this version knows up to "
                f"{LATEST_VERSION}). Update annotator."
            )
    for step in range(before, LATEST_VERSION):
        with conn.transaction():
            conn.execute(MIGRATIONS[step])
            if step == 0:
                conn.execute("CREATE TABLE hub_version (version integer NOT NULL)")
                conn.execute("GRANT SELECT ON hub_version TO annotator_analyst, annotator_reviewer, annotator_lead")
                conn.execute("INSERT INTO hub_version VALUES (0)")
            conn.execute("UPDATE hub_version SET version = %s", (step + 1,))
    return before


def check_version(conn: Any) -> None:
    """Refuse a database that is not a hub, or a hub of another version."""
    version = hub_version(conn)
    if version == 0:
        raise HubError("this database is not an annotator hub yet: the lead runs `annotator hub init URL` first")
    if version != LATEST_VERSION:
        raise HubError(
            f"the hub has format {version} and this annotator expects {LATEST_VERSION}: "
            + ("update annotator" if version > LATEST_VERSION else "the lead runs `annotator hub init URL` to upgrade it")
        )
