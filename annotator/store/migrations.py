"""The project file's table layout and the steps that bring an older file up to date.

``PRAGMA user_version`` holds the number of migrations applied. A migration is applied in the
same transaction that bumps the number, so a file is never left between two versions.
Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from annotator.store.database import APPLICATION_ID, StoreError, transaction
from annotator.store.order_sql import V6_ORDER

_V1 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    date TEXT,
    source TEXT,
    meta TEXT,
    length INTEGER NOT NULL,
    tokens BLOB,
    imported_at TEXT NOT NULL
);

CREATE TABLE layers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('annotator', 'suggestions', 'gold')),
    info TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE document_status (
    layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'done')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (layer_id, document_id)
) WITHOUT ROWID;
CREATE INDEX document_status_document ON document_status(document_id);

CREATE TABLE spans (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    label TEXT NOT NULL,
    origin TEXT NOT NULL,
    decision TEXT NOT NULL,
    author TEXT,
    suggester TEXT,
    source_uid TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    data TEXT,
    CHECK (0 <= start_char AND start_char < end_char)
);
CREATE INDEX spans_layer_document ON spans(layer_id, document_id);
CREATE UNIQUE INDEX spans_layer_source ON spans(layer_id, source_uid) WHERE source_uid IS NOT NULL;

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    trigger_start INTEGER NOT NULL,
    trigger_end INTEGER NOT NULL,
    origin TEXT NOT NULL,
    decision TEXT NOT NULL,
    author TEXT,
    suggester TEXT,
    source_uid TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    data TEXT,
    CHECK (0 <= trigger_start AND trigger_start < trigger_end)
);
CREATE INDEX events_layer_document ON events(layer_id, document_id);
CREATE UNIQUE INDEX events_layer_source ON events(layer_id, source_uid) WHERE source_uid IS NOT NULL;

CREATE TABLE arguments (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    start_char INTEGER,
    end_char INTEGER,
    label TEXT,
    event_uid TEXT,
    PRIMARY KEY (event_id, position),
    CHECK ((event_uid IS NULL) = (start_char IS NOT NULL AND end_char IS NOT NULL AND label IS NOT NULL))
) WITHOUT ROWID;
"""

_V2_SEARCH = """
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
"""
"""Full-text search over titles and texts, so the document list filters 100,000 articles at once."""

_V3_RELATIONS = """
CREATE TABLE relations (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    symmetric INTEGER NOT NULL DEFAULT 0,
    ends TEXT NOT NULL,
    origin TEXT NOT NULL,
    decision TEXT NOT NULL,
    author TEXT,
    suggester TEXT,
    source_uid TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    data TEXT
);
CREATE INDEX relations_layer_document ON relations(layer_id, document_id);
CREATE UNIQUE INDEX relations_layer_source ON relations(layer_id, source_uid) WHERE source_uid IS NOT NULL;

CREATE TABLE layer_records (
    layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (layer_id, document_id, position)
) WITHOUT ROWID;
"""
"""Relations and equivalence groups (``ends``: JSON list of ``[start, end, label]`` or ``"event uid"``),
and the records a layer's documents came in (a Prodigy answer's hashes, ``_view_id``, span fields...),
kept so that export gives them back."""

_V4_HUB = """
CREATE TABLE hub_link (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    url TEXT NOT NULL,
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    client_id TEXT NOT NULL,
    pulled_seq INTEGER NOT NULL DEFAULT 0,
    connected_at TEXT NOT NULL,
    last_sync TEXT,
    last_message TEXT
);
CREATE TABLE hub_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    uid TEXT NOT NULL,
    layer_id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    parked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE hub_push_layers (layer_id INTEGER PRIMARY KEY REFERENCES layers(id) ON DELETE CASCADE);
CREATE TABLE hub_applying (flag INTEGER);
CREATE TABLE hub_versions (uid TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE hub_assignments (
    content_hash TEXT NOT NULL,
    analyst TEXT NOT NULL,
    active INTEGER NOT NULL,
    PRIMARY KEY (content_hash, analyst)
) WITHOUT ROWID;
"""
"""Team hub bookkeeping: the link (URL without password, last pulled change), the outbox of own
changes not yet acknowledged by the hub, hub row versions, and assignments. Triggers that fill
the outbox are created when a project connects to a hub, so unconnected projects pay nothing."""

_V5_MODELS = """
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    layer TEXT NOT NULL,
    documents INTEGER NOT NULL,
    base TEXT NOT NULL DEFAULT '',
    scores TEXT NOT NULL DEFAULT '{}',
    blob BLOB NOT NULL
);
"""
"""Suggesters trained from a layer (``annotator train``): the fine-tuned pipeline and event
classifiers as one archive, so that a project stays one file to copy or mail."""

_V6_ORDER = V6_ORDER
"""The stored "least confident first" order (see :mod:`annotator.store.order_sql`): each document's
uncertainty per suggestions and analyst layer, its fingerprint and control draw, the index serving
the order and the triggers that keep it current; filled for the project's documents here."""

MIGRATIONS: tuple[str, ...] = (_V1, _V2_SEARCH, _V3_RELATIONS, _V4_HUB, _V5_MODELS, _V6_ORDER)
"""Migration ``i`` takes a file from version ``i`` to ``i + 1``."""

LATEST_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, target: int | None = None) -> int:
    """Bring the file up to ``target`` (the latest version by default); return the version it had.

    Raises :class:`StoreError` for a file made by a newer annotator or one that is some other
    program's SQLite database.
    """
    latest = len(MIGRATIONS)
    target = latest if target is None else target
    version = schema_version(db)
    application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    if version > latest:
        raise StoreError(
            f"this project was saved by a newer version of annotator (file format {version}; "
            f"this version reads up to {latest}). Update annotator to open it."
        )
    if version == 0 and db.table_names():
        raise StoreError("this file is an SQLite database of another program, not an annotator project")
    if version > 0 and application_id != APPLICATION_ID:
        raise StoreError("this file is an SQLite database of another program, not an annotator project")
    for step in range(version, target):
        with transaction(db):
            _run_script(db, MIGRATIONS[step])
            db.execute(f"PRAGMA user_version = {step + 1}")
            if step == 0:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return version


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run a migration's statements one by one inside the open transaction.

    ``sqlite3.executescript`` would commit first, splitting the migration from its version bump.
    """
    for statement in _statements(script):
        db.conn.execute(statement)


def _statements(script: str) -> list[str]:
    statements: list[str] = []
    current: list[str] = []
    for line in script.splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            statements.append("\n".join(current).strip())
            current = []
    rest = "\n".join(current).strip()
    if rest:
        statements.append(rest)
    return statements
