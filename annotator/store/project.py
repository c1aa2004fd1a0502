"""The project store: documents, layers, annotations, statuses and settings of one project file.

This class is the only door to SQLite. Reads return domain objects; writes take them. Every
method that writes runs in :func:`~annotator.store.database.transaction`, so a call made on its
own is one committed transaction, and calls made inside a caller's ``with store.transaction():``
land together (an import, a batch of suggestions).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

from annotator.model.annotations import AnnotationSet, Event, event_order, now_iso
from annotator.model.changes import Change
from annotator.model.document import Document
from annotator.model.layer import DocStatus, Layer, LayerKind
from annotator.model.relations import relation_order
from annotator.model.schema import LabelSchema, SchemaError
from annotator.store import annotation_rows, relation_rows, rows, summaries
from annotator.store.database import (
    ConflictError,
    StoreError,
    connect,
    connect_memory,
    data_version,
    explain,
    set_busy_timeout,
    transaction,
)
from annotator.store.migrations import LATEST_VERSION, migrate, schema_version

SCHEMA_SETTING = "label_schema"


class ProjectStore:
    """One open project file."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None):
        self._db = db  # private: every use of the connection stays inside store/
        self.path = path
        self.recovered: str | None = getattr(db, "recovered", None)
        """What opening the file finished or left alone of an interrupted restore, to tell the user (or None)."""
        self.read_only: str | None = getattr(db, "read_only_reason", None)
        """Why nothing can be saved (e.g. "the file is read-only"), or None for a writable project."""
        self._schema_cache: tuple[str | None, LabelSchema | None] | None = None
        """The schema's stored text and the schema parsed from it (see :meth:`schema`)."""
        if self.read_only and schema_version(db) < LATEST_VERSION:
            raise StoreError(
                f"this project was made by an older version of annotator and must be updated before it can be "
                f"opened, but {self.read_only}: make it writable (or open a writable copy) and try again"
            )
        migrate(db)

    @classmethod
    def open(cls, path: str | Path) -> ProjectStore:
        """Open the project at ``path``, creating an empty one if the file does not exist."""
        path = Path(path)
        db = connect(path)
        try:
            return cls(db, path)
        except (StoreError, sqlite3.DatabaseError) as error:
            db.close()
            if isinstance(error, StoreError):
                raise type(error)(f"{path}: {error}") from None
            if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB" or "not a database" in str(error):
                raise StoreError(f"{path} is not an annotator project (SQLite says: {error})") from None
            raise explain(error, file=path) from None

    @classmethod
    def memory(cls) -> ProjectStore:
        return cls(connect_memory())

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with transaction(self._db):
            yield

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another program's write lock (see :func:`~annotator.store.database.set_busy_timeout`)."""
        set_busy_timeout(self._db, seconds)

    def data_version(self) -> int:
        return data_version(self._db)

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file, so the file alone holds everything."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_check(self) -> str:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with transaction(self._db):
            self._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    def schema(self) -> LabelSchema | None:
        """The project's schema. One that an older version filled with names breaking the naming
        rule is still returned (so the project opens); :func:`~annotator.store.repair.schema_warning`
        says what to run to fix it."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (SCHEMA_SETTING,)).fetchone()
        raw = row[0] if row else None
        # The window reads the schema again whenever another process writes (every second while
        # the suggester runs); parsing it takes ~10 ms, so the same text gives the same (frozen) schema.
        cached = self._schema_cache
        if cached is not None and cached[0] == raw:
            return cached[1]
        data = json.loads(raw) if raw is not None else None
        if not data:
            schema = None
        else:
            try:
                schema = LabelSchema.from_dict(data)
            except SchemaError:
                schema = LabelSchema.from_dict(data, check_names=False)  # anything else wrong still raises
        self._schema_cache = (raw, schema)
        return schema

    def set_schema(self, schema: LabelSchema) -> None:
        """Store ``schema``, checked as it will be read back: a project never holds a schema it
        cannot open (the one place every writer of the schema passes)."""
        data = schema.to_dict()
        LabelSchema.from_dict(data)
        self.set_setting(SCHEMA_SETTING, data)

    # -- documents --------------------------------------------------------------------------

    def find_document(self, content_hash: str) -> int | None:
        row = self._db.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def add_document(self, document: Document, tokens: bytes | None) -> int:
        """Store a new document and return its id (the caller checked it is not there yet)."""
        with transaction(self._db):
            cursor = self._db.conn.execute(
                "INSERT INTO documents (content_hash, text, title, date, source, meta, length, tokens, imported_at) "
                "VALUES (:content_hash, :text, :title, :date, :source, :meta, :length, :tokens, :imported_at)",
                rows.document_row(document, tokens, now_iso()),
            )
            return int(cursor.lastrowid)

    def document(self, document_id: int) -> Document:
        row = self._db.execute(f"SELECT {rows.DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise StoreError(f"the project has no document {document_id}")
        return rows.document_from_row(row)

    def documents(self, ids: Iterable[int] | None = None) -> Iterator[Document]:
        """Documents in id order, read in batches so that memory stays flat."""
        wanted = sorted(set(ids)) if ids is not None else None
        last = 0
        while True:
            if wanted is None:
                batch = self._db.execute(
                    f"SELECT {rows.DOCUMENT_COLUMNS} FROM documents WHERE id > ? ORDER BY id LIMIT 500", (last,)
                ).fetchall()
            else:
                chunk = [i for i in wanted if i > last][:500]
                if not chunk:
                    return
                marks = ",".join("?" * len(chunk))
                batch = self._db.execute(
                    f"SELECT {rows.DOCUMENT_COLUMNS} FROM documents WHERE id IN ({marks}) ORDER BY id", chunk
                ).fetchall()
                last = chunk[-1]
            if not batch:
                return
            for row in batch:
                yield rows.document_from_row(row)
            if wanted is None:
                last = batch[-1][0]

    def document_ids(self) -> list[int]:
        return [row[0] for row in self._db.execute("SELECT id FROM documents ORDER BY id")]

    def content_hashes(self) -> list[str]:
        """Every document's content hash, in id order (what identifies a document across projects)."""
        return [row[0] for row in self._db.execute("SELECT content_hash FROM documents ORDER BY id")]

    def count_documents(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def tokens(self, document_id: int) -> bytes | None:
        row = self._db.execute("SELECT tokens FROM documents WHERE id = ?", (document_id,)).fetchone()
        return row[0] if row else None

    def tokens_of(self, document_ids: list[int]) -> dict[int, bytes | None]:
        """The stored tokens of many documents (up to 500) in one query, by id."""
        marks = ",".join("?" * len(document_ids))
        return dict(self._db.conn.execute(f"SELECT id, tokens FROM documents WHERE id IN ({marks})", document_ids))

    # -- layers -----------------------------------------------------------------------------

    def _layer_from_row(self, row: tuple) -> Layer:
        id_, name, kind, info = row
        return Layer(name, LayerKind(kind), json.loads(info) if info else {}, id_)

    def layer(self, name: str) -> Layer | None:
        row = self._db.execute("SELECT id, name, kind, info FROM layers WHERE name = ?", (name,)).fetchone()
        return self._layer_from_row(row) if row else None

    def layers(self) -> list[Layer]:
        return [self._layer_from_row(r) for r in self._db.execute("SELECT id, name, kind, info FROM layers ORDER BY id")]

    def ensure_layer(self, name: str, kind: LayerKind, info: dict[str, Any] | None = None) -> Layer:
        """The layer called ``name``, created if missing; refuses to reuse a name of another kind."""
        wanted = Layer(name, kind, info or {})
        existing = self.layer(wanted.name)
        if existing is not None and existing.kind is wanted.kind and (info is None or dict(existing.info) == dict(info)):
            return existing  # nothing to write: no need for the write lock
        with transaction(self._db):
            # Looked up inside the write transaction: two processes making the same new layer at
            # once cannot both see it missing (the second finds the first one's).
            return self._ensure_layer(wanted, kind, info)

    def _ensure_layer(self, wanted: Layer, kind: LayerKind, info: dict[str, Any] | None) -> Layer:
        existing = self.layer(wanted.name)
        if existing is not None:
            if existing.kind is not wanted.kind:
                raise StoreError(f"layer {wanted.name!r} already exists and holds {existing.kind.value}, not {kind.value}")
            if info is not None and dict(existing.info) != dict(info):
                # A suggester's layer records the model and rules in use: keep that current.
                with transaction(self._db):
                    self._db.execute("UPDATE layers SET info = ? WHERE id = ?", (rows.dumps(dict(info)), existing.id))
                return Layer(existing.name, existing.kind, dict(info), existing.id)
            return existing
        with transaction(self._db):
            cursor = self._db.conn.execute(
                "INSERT INTO layers (name, kind, info, created_at) VALUES (?, ?, ?, ?)",
                (wanted.name, wanted.kind.value, rows.dumps(dict(wanted.info)) if wanted.info else None, now_iso()),
            )
        return Layer(wanted.name, wanted.kind, wanted.info, int(cursor.lastrowid))

    # -- annotations ------------------------------------------------------------------------

    def annotations(self, layer_id: int, document_id: int) -> AnnotationSet:
        spans = rows.spans_from_rows(
            self._db.execute(
                f"SELECT {rows.SPAN_COLUMNS} FROM spans WHERE layer_id = ? AND document_id = ? ORDER BY {rows.SPAN_ORDER_SQL}",
                (layer_id, document_id),
            )
        )
        events = sorted(self._events("layer_id = ? AND document_id = ?", (layer_id, document_id)), key=event_order)
        relations = relation_rows.read_relations(self._db, "layer_id = ? AND document_id = ?", (layer_id, document_id))
        return AnnotationSet.presorted(tuple(spans), tuple(events), tuple(sorted(relations, key=relation_order)))

    def _events(self, where: str, params: tuple) -> list[Event]:
        return annotation_rows.read_events(self._db, where, params)

    def _insert_event(self, layer_id: int, document_id: int, event: Event) -> None:
        annotation_rows.insert_event(self._db, layer_id, document_id, event)

    def add_annotations(self, layer_id: int, document_id: int, annotations: AnnotationSet) -> None:
        """Insert a whole set of new annotations (an import, a suggester's output)."""
        with transaction(self._db):
            if annotations.spans:
                # One prepared statement for all rows: sqlite-utils' insert_all costs more per call
                # than the insert itself for a document's few dozen spans (merging, suggesting).
                self._db.conn.executemany(rows.SPAN_INSERT, (rows.span_row(layer_id, document_id, a) for a in annotations.spans))
            for event in annotations.events:
                self._insert_event(layer_id, document_id, event)
            for relation in annotations.relations:
                relation_rows.insert_relation(self._db, layer_id, document_id, relation)

    def replace_annotations(self, layer_id: int, document_id: int, annotations: AnnotationSet) -> None:
        """Swap a document's annotations in one layer for ``annotations`` (re-running a suggester)."""
        with transaction(self._db):
            self._db.execute("DELETE FROM spans WHERE layer_id = ? AND document_id = ?", (layer_id, document_id))
            self._db.execute("DELETE FROM events WHERE layer_id = ? AND document_id = ?", (layer_id, document_id))
            self._db.execute("DELETE FROM relations WHERE layer_id = ? AND document_id = ?", (layer_id, document_id))
            self.add_annotations(layer_id, document_id, annotations)

    def apply(self, layer_id: int, document_id: int, changes: Iterable[Change]) -> None:
        """Apply one user action's changes in one transaction, or none of them.

        Each change states what it expects to replace; when the project holds something else
        (another window edited or deleted it, or already accepted the same suggestion), nothing
        is written and :class:`ConflictError` says what happened.
        """
        annotation_rows.apply_changes(self._db, layer_id, document_id, changes)

    def fingerprint(self, layer_ids: Iterable[int], document_id: int) -> tuple:
        """A value that changes whenever the document's annotations or status in these layers
        change. Made from the rows' content (labels, offsets, decisions, arguments), not from
        counts and times: a relabel in the same second as the last change still shows."""
        return summaries.fingerprint(self._db, layer_ids, document_id)

    # -- imported records -------------------------------------------------------------------

    def set_records(self, layer_id: int, document_id: int, records: Iterable[dict[str, Any]]) -> None:
        """Keep the other fields of the records a layer's document was imported from."""
        with transaction(self._db):
            relation_rows.set_records(self._db, layer_id, document_id, records)

    def has_records(self, layer_id: int) -> bool:
        return self._db.execute("SELECT 1 FROM layer_records WHERE layer_id = ? LIMIT 1", (layer_id,)).fetchone() is not None

    def records(self, layer_id: int, document_id: int) -> list[dict[str, Any]]:
        """The records kept by :meth:`set_records`, in file order (none for work done here)."""
        return relation_rows.records(self._db, layer_id, document_id)

    # -- status -----------------------------------------------------------------------------

    def status(self, layer_id: int, document_id: int) -> DocStatus:
        row = self._db.execute(
            "SELECT status FROM document_status WHERE layer_id = ? AND document_id = ?", (layer_id, document_id)
        ).fetchone()
        return DocStatus(row[0]) if row else DocStatus.NEW

    def status_times(self, layer_id: int, document_id: int) -> tuple[str, str] | None:
        """When the layer first and last touched the document, if it did."""
        row = self._db.execute(
            "SELECT created_at, updated_at FROM document_status WHERE layer_id = ? AND document_id = ?",
            (layer_id, document_id),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def set_status(
        self, layer_id: int, document_id: int, status: DocStatus, created_at: str | None = None, updated_at: str | None = None
    ) -> None:
        now = now_iso()
        with transaction(self._db):
            self._db.execute(
                "INSERT INTO document_status (layer_id, document_id, status, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(layer_id, document_id) DO UPDATE SET "
                "status = excluded.status, updated_at = excluded.updated_at",
                (layer_id, document_id, DocStatus(status).value, created_at or now, updated_at or now),
            )

    def statuses(self, layer_id: int) -> dict[int, DocStatus]:
        return {
            doc: DocStatus(status)
            for doc, status in self._db.execute(
                "SELECT document_id, status FROM document_status WHERE layer_id = ?", (layer_id,)
            )
        }

    # -- summaries --------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """What the project holds: ``{"documents": N, "layers": {name: {kind, documents, spans, events, done}}}``."""
        return summaries.project_stats(self._db, self.layers(), self.count_documents())
