"""Hub format 2: a change log in commit order without a global lock.

Format 1 drew every change number under one transaction-wide advisory lock, so numbers became
visible in the order they were drawn; it also serialised every push of every client. Format 2
stamps each written row with ``tx``: the id of the transaction that wrote it
(``pg_current_xact_id()``) shifted by a constant ``base``. Transaction ids are handed out when
a transaction first writes, so a transaction that starts after another committed always gets a
larger one. A pull reads, in one snapshot, the rows with ``tx`` below the snapshot's *horizon*
(``pg_snapshot_xmin``: the oldest transaction still running, shifted the same way). Every
transaction below the horizon has finished, and a committed one is visible to that snapshot, so
nothing below it can appear later: the pull's mark moves to ``horizon - 1`` and the next pull
reads above it. A row written by a transaction still running (or committed above the horizon)
waits for a later pull, never skipped. No writer waits for another: pushes touching different
rows run side by side; pushes touching the same row wait on that row's lock only.

``base`` is chosen when the migration runs so that every ``tx`` written from then on is larger
than every format-1 change number: old rows get ``tx = seq`` and a project's pull mark (a change
number of format 1) stays valid as a ``tx`` mark.

The stamps come from column defaults on insert (clients are granted the data columns only, so
they cannot name ``tx``, ``seq``, ``version`` or ``changed_by``) and from a trigger on update:
no per-row trigger runs on insert, which keeps bulk writes (``COPY`` of a corpus) fast.

Cost of the design: a transaction left open anywhere on the server (an idle ``psql`` session in
a transaction) holds the horizon back, so pulls see nothing newer until it ends; pushes are not
affected. Servers for a hub should set ``idle_in_transaction_session_timeout``.
"""

from __future__ import annotations

_SYNCED = ("settings", "documents", "layers", "statuses", "assignments", "spans", "events", "relations")
_ANNOTATIONS = ("spans", "events", "relations")
_GROUPS = "annotator_analyst, annotator_reviewer, annotator_lead"

# The data columns each kind of client may write (the bookkeeping columns are the server's).
_ANNOTATION_COLUMNS = "uid, layer, document, deleted, payload, client"
_LEAD_COLUMNS = {
    "settings": ("key, value", "value"),
    "documents": ("content_hash, text, title, date, source, meta, tokens", "title, date, source, meta, tokens"),
    "layers": ("name, kind", "kind"),
    "assignments": ("document, analyst, active", "active"),
}

_CLOCK = f"""
DO $$
DECLARE base bigint;
BEGIN
    -- This transaction's id is below every later one: later writes get tx > every seq so far.
    SELECT coalesce(max(m), 0) + 1 - pg_current_xact_id()::text::bigint INTO base
    FROM ({" UNION ALL ".join(f"SELECT max(seq) AS m FROM {t}" for t in _SYNCED)}) s;
    EXECUTE format('CREATE FUNCTION hub_tx() RETURNS bigint LANGUAGE sql VOLATILE AS %L',
                   format('SELECT pg_current_xact_id()::text::bigint + (%s)', base));
    EXECUTE format('CREATE FUNCTION hub_horizon() RETURNS bigint LANGUAGE sql STABLE AS %L',
                   format('SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint + (%s)', base));
END $$;

CREATE OR REPLACE FUNCTION stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := nextval('change_seq');
    NEW.tx := hub_tx();
    NEW.changed_by := current_user;
    NEW.changed_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;
"""


def _columns() -> str:
    lines = ["ALTER TABLE events DISABLE TRIGGER events_arguments;"]  # the update below changes no payload
    for table in _SYNCED:
        lines += [
            f"DROP TRIGGER {table}_stamp ON {table};",
            f"ALTER TABLE {table} ADD COLUMN tx bigint;",
            f"UPDATE {table} SET tx = seq;",
            f"ALTER TABLE {table} ALTER COLUMN tx SET NOT NULL, ALTER COLUMN tx SET DEFAULT hub_tx(), "
            "ALTER COLUMN seq SET DEFAULT nextval('change_seq'), ALTER COLUMN changed_by SET DEFAULT current_user, "
            "ALTER COLUMN changed_at SET DEFAULT now(), ALTER COLUMN version SET DEFAULT 1;",
            f"CREATE INDEX {table}_tx ON {table}(tx);",
            f"CREATE TRIGGER {table}_stamp BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION stamp_change();",
        ]
        if table != "documents":  # documents keep theirs: upload order
            lines.append(f"DROP INDEX {table}_seq;")
    lines.append("ALTER TABLE events ENABLE TRIGGER events_arguments;")
    return "\n".join(lines)


def _grants() -> str:
    """Only the data columns are writable by clients: the stamps cannot be forged on insert."""
    lines = []
    for table in (*_ANNOTATIONS, "statuses"):
        columns = _ANNOTATION_COLUMNS if table != "statuses" else "layer, document, status, created_at, updated_at, client"
        lines += [
            f"REVOKE INSERT, UPDATE ON {table} FROM {_GROUPS};",
            f"GRANT INSERT ({columns}), UPDATE ({columns}) ON {table} TO {_GROUPS};",
        ]
    for table, (insert, update) in _LEAD_COLUMNS.items():
        lines += [
            f"REVOKE INSERT, UPDATE ON {table} FROM annotator_lead;",
            f"GRANT INSERT ({insert}), UPDATE ({update}) ON {table} TO annotator_lead;",
        ]
    return "\n".join(lines)


# A lead's views over 100,000 documents x 50 analysts (measured with EXPLAIN ANALYZE in bench_hub.py):
# per-analyst counts join assignments to statuses by (layer, document), the last change per layer
# reads the newest row of each table by layer.
_INDEXES = """
CREATE INDEX assignments_active ON assignments(analyst, document) WHERE active;
""" + "\n".join(f"CREATE INDEX {t}_layer_changed ON {t}(layer, changed_at);" for t in (*_ANNOTATIONS, "statuses"))

V2 = _CLOCK + _columns() + "\n" + _grants() + "\n" + _INDEXES
