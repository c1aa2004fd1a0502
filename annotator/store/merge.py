"""Merging colleagues' project files into this one: ``annotator merge OTHER.db...``.

Documents are matched by content hash; those this project lacks are added with their tokens.
Every layer of the other file comes over with its annotations unchanged (uids and provenance
kept) and its document statuses, one transaction per file. Nothing is ever overwritten or mixed:
for each layer and document,

* this project's layer does not contain the document yet: the other file's work is added;
* it holds the same annotations (offsets, labels, decisions, arguments; uids and times aside):
  nothing to do, so merging twice adds nothing;
* it holds different work: the document is left as it is here and reported as a conflict.

A layer whose name is used here by a layer of another kind (an annotator's name that is a
suggester here) is not merged at all and reported. The other file is opened read-only.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from annotator.model.annotations import AnnotationSet, Argument, now_iso
from annotator.model.layer import Layer
from annotator.store.database import APPLICATION_ID, BUSY_TIMEOUT_SECONDS, StoreError
from annotator.store import merge_sql, rows
from annotator.store.layer_reads import chunks, layer_annotations
from annotator.store.migrations import LATEST_VERSION
from annotator.store.project import ProjectStore


@dataclass(frozen=True)
class MergeConflict:
    """Work of the other file that was not merged, and why."""

    layer: str
    document_id: int | None
    title: str
    reason: str

    def __str__(self) -> str:
        where = f"layer {self.layer!r}" + (f", document {self.document_id} ({self.title!r})" if self.document_id else "")
        return f"{where}: {self.reason}"


@dataclass
class MergeReport:
    """What merging one file did."""

    path: str
    documents_added: int = 0
    documents_existing: int = 0
    layers_added: list[str] = field(default_factory=list)
    documents_merged: int = 0
    """(layer, document) pairs whose annotations came over."""
    documents_unchanged: int = 0
    """(layer, document) pairs this project already held identically."""
    spans_added: int = 0
    events_added: int = 0
    relations_added: int = 0
    schema_added: list[str] = field(default_factory=list)
    conflicts: list[MergeConflict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts


@contextmanager
def open_read_only(path: str | Path) -> Iterator[ProjectStore]:
    """Open another project file without writing to it; :class:`StoreError` if it is not one.

    A file of an older format is copied to a temporary file and brought up to date there, so
    the colleague's file is never changed.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such project file")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open it ({error})") from None
    with ExitStack() as cleanup:
        cleanup.callback(conn.close)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path} is not an annotator project (SQLite says: {error})") from None
        if application_id != APPLICATION_ID or version == 0:
            raise StoreError(f"{path} is not an annotator project")
        if version > LATEST_VERSION:
            raise StoreError(
                f"{path} was saved by a newer version of annotator (file format {version}; this one reads up to "
                f"{LATEST_VERSION}); update annotator to merge it"
            )
        if version == LATEST_VERSION:
            store = ProjectStore(sqlite_utils.Database(conn, execute_plugins=False), path)
        else:
            folder = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="annotator-merge-"))
            copy = Path(folder) / path.name
            target = sqlite3.connect(copy)
            try:
                conn.backup(target)
            finally:
                target.close()
            store = cleanup.enter_context(ProjectStore.open(copy))
        yield store


def merge_project(store: ProjectStore, other_path: str | Path) -> MergeReport:
    """Merge the project file at ``other_path`` into ``store`` in one transaction.

    The other file is attached to this project's connection, so its rows are classified and
    copied by SQLite (:mod:`annotator.store.merge_sql`); only documents that may conflict are
    read as objects, to decide and word the conflict exactly.
    """
    other_path = Path(other_path)
    if store.path is not None and other_path.exists() and other_path.resolve() == Path(store.path).resolve():
        raise StoreError(f"{other_path} is this project itself; name a colleague's project file")
    report = MergeReport(str(other_path))
    conn = store._db.conn
    with open_read_only(other_path) as other, merge_sql.attached(conn, Path(other.path)):  # type: ignore[arg-type]
        with store.transaction():
            now = now_iso()
            report.documents_added, report.documents_existing = merge_sql.map_documents(conn, now)
            labels = _Labels()
            for layer in other.layers():
                _merge_layer(store, other, layer, report, labels, now)
            labels.extend_schema(store, report)
            conn.execute("DROP TABLE IF EXISTS temp.merge_layer_documents")
            conn.execute("DROP TABLE temp.merge_documents")
    return report


def _merge_layer(store: ProjectStore, other: ProjectStore, theirs: Layer, report: MergeReport, labels: _Labels, now: str) -> None:
    ours = store.layer(theirs.name)
    if ours is not None and ours.kind is not theirs.kind:
        report.conflicts.append(
            MergeConflict(
                theirs.name, None, "",
                f"it holds {theirs.kind.value} there but {ours.kind.value} here; the layer was not merged",
            )
        )
        return
    conn = store._db.conn
    merge_sql.map_layer_documents(conn, theirs.id, ours.id if ours is not None else None)  # type: ignore[arg-type]
    if ours is None:
        ours = store.ensure_layer(theirs.name, theirs.kind, dict(theirs.info))
        report.layers_added.append(theirs.name)
    reasons: dict[int, str] = {}
    checked = [row[0] for row in conn.execute(f"SELECT theirs FROM merge_layer_documents WHERE state = {merge_sql.CHECK}")]
    if checked:
        _compare(store, other, theirs, ours, checked, reasons)
    _refuse(conn, reasons)
    try:
        # Optimistic: a clean file copies in one go; a uid or suggestion already used here makes
        # SQLite refuse the copy, and only then are the documents at fault looked for.
        with store.transaction():
            added = merge_sql.copy_layer(conn, theirs.id, ours.id, now)  # type: ignore[arg-type]
    except sqlite3.IntegrityError:
        _find_clashes(store, other, theirs, ours, reasons)
        with store.transaction():
            added = merge_sql.copy_layer(conn, theirs.id, ours.id, now)  # type: ignore[arg-type]
    report.documents_unchanged += conn.execute(
        f"SELECT count(*) FROM merge_layer_documents WHERE state = {merge_sql.SAME}"
    ).fetchone()[0]
    report.documents_merged += conn.execute(
        f"SELECT count(*) FROM merge_layer_documents WHERE state = {merge_sql.NEW}"
    ).fetchone()[0]
    report.spans_added += added[0]
    report.events_added += added[1]
    report.relations_added += added[2]
    labels.add_rows(*merge_sql.merged_labels(conn, theirs.id))  # type: ignore[arg-type]
    here = dict(conn.execute(f"SELECT theirs, ours FROM merge_layer_documents WHERE state = {merge_sql.DIFFERENT}"))
    for doc in sorted(reasons):
        _conflict(store, report, theirs.name, here[doc], reasons[doc])


def _refuse(conn: sqlite3.Connection, reasons: dict[int, str]) -> None:
    conn.executemany(f"UPDATE merge_layer_documents SET state = {merge_sql.DIFFERENT} WHERE theirs = ?", [(d,) for d in reasons])


def _find_clashes(store: ProjectStore, other: ProjectStore, theirs: Layer, ours: Layer, reasons: dict[int, str]) -> None:
    """The new documents whose annotations cannot come in as they are, with the reason the
    per-document merge gave: a uid used here (the first, in text order), else SQLite's words."""
    conn = store._db.conn
    uids, sources = merge_sql.clashing_documents(conn, theirs.id, ours.id)  # type: ignore[arg-type]
    found: dict[int, str] = {}
    if uids:
        incoming = layer_annotations(other, theirs.id, uids)  # type: ignore[arg-type]
        in_use = _uids_in_use(store, list(incoming.values()))
        found.update((doc, _uid_clash(in_use, incoming[doc])) for doc in uids)
    for doc, error in sources.items():
        found.setdefault(doc, f"its annotations clash with this project's ({error})")
    reasons.update(found)
    _refuse(conn, found)


def _compare(
    store: ProjectStore, other: ProjectStore, theirs: Layer, ours: Layer, documents: list[int], reasons: dict[int, str]
) -> None:
    """Documents both layers hold whose signatures could not tell: the same work, or a conflict."""
    mapping = dict(store._db.conn.execute("SELECT theirs, ours FROM merge_layer_documents"))
    same: list[tuple[int]] = []
    for ids in chunks(documents):
        incoming = layer_annotations(other, theirs.id, ids)  # type: ignore[arg-type]
        present = layer_annotations(store, ours.id, [mapping[d] for d in ids])  # type: ignore[arg-type]
        for doc in ids:
            if _content(present[mapping[doc]]) == _content(incoming[doc]):
                same.append((doc,))
            else:
                reasons[doc] = "this project's layer already holds different work for this document; theirs was not merged"
    store._db.conn.executemany(f"UPDATE merge_layer_documents SET state = {merge_sql.SAME} WHERE theirs = ?", same)


def _content(annotations: AnnotationSet) -> tuple:
    """What a layer says about a document, whoever stored it and when: the same work imported
    separately into two files (other uids, other times) is the same work."""
    by_uid = {e.uid: e for e in annotations.events}

    def filler(argument: Argument) -> tuple:
        if argument.span is not None:
            return (argument.role, argument.span.start, argument.span.end, argument.span.label)
        target = by_uid.get(argument.event_uid or "")
        return (argument.role, "event") + ((target.trigger.start, target.trigger.end, target.type) if target else ())

    spans = sorted(
        (a.start, a.end, a.label, a.provenance.decision.value, a.fragments, rows.dumps(dict(a.attributes)), a.note)
        for a in annotations.spans
    )
    events = sorted((
        (e.trigger.start, e.trigger.end, e.type, e.provenance.decision.value,
         # by repr: a role filled by a span and the same role filled by an event do not compare
         sorted((filler(a) for a in e.arguments), key=repr))
        for e in annotations.events
    ), key=repr)
    relations = sorted(
        repr((r.symmetric, r.type, r.provenance.decision.value, [
            (e.span.start, e.span.end, e.span.label) if e.span is not None
            else ("event",) + ((by_uid[e.event_uid].trigger.start, by_uid[e.event_uid].type) if e.event_uid in by_uid else ())
            for e in r.ends
        ]))
        for r in annotations.relations
    )
    return (repr(spans), repr(events), repr(relations))


def _conflict(store: ProjectStore, report: MergeReport, layer: str, document_id: int, reason: str) -> None:
    report.conflicts.append(MergeConflict(layer, document_id, store.document(document_id).title, reason))


_InUse = dict[tuple[str, str], tuple[str, int]]
"""``(table, uid)`` -> ``(layer name, document id)`` of the uids already used here."""


def _uids_in_use(store: ProjectStore, sets: list[AnnotationSet]) -> _InUse:
    """Which of the uids of ``sets`` this project already uses, and where: a few queries for a
    whole chunk of documents instead of two per document."""
    found: _InUse = {}
    for table, uids in (
        ("spans", [a.uid for s in sets for a in s.spans]),
        ("events", [e.uid for s in sets for e in s.events]),
        ("relations", [r.uid for s in sets for r in s.relations]),
    ):
        for i in range(0, len(uids), 500):
            chunk = uids[i : i + 500]
            for uid, name, document_id in store._db.conn.execute(
                f"SELECT t.uid, l.name, t.document_id FROM {table} t JOIN layers l ON l.id = t.layer_id "
                f"WHERE t.uid IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                found[(table, uid)] = (name, document_id)
    return found


def _uid_clash(in_use: _InUse, annotations: AnnotationSet) -> str:
    """Why the annotations cannot come in as they are: their uids are in use here (elsewhere), or ''."""
    if not in_use:
        return ""
    for table, items in (("spans", annotations.spans), ("events", annotations.events), ("relations", annotations.relations)):
        for item in items:
            where = in_use.get((table, item.uid))
            if where is not None:
                return (
                    f"annotations with the same identity are already in layer {where[0]!r}, document {where[1]} here "
                    "(was this work merged under another name?); not merged"
                )
    return ""


class _Labels:
    """Labels of the merged annotations, to add those the project's schema lacks."""

    def __init__(self) -> None:
        self.entities: set[str] = set()
        self.roles: dict[str, dict[str, set[str]]] = {}
        self.relations: dict[str, tuple[set[str], set[str], bool]] = {}

    def add_rows(self, entities: list[str], roles: list[tuple], relations: list[tuple]) -> None:
        """:meth:`add` from :func:`merge_sql.merged_labels`' rows: the same labels, no objects."""
        self.entities.update(entities)
        for event_type, role, label in roles:
            by_role = self.roles.setdefault(event_type, {})
            if role is not None:
                fillers = by_role.setdefault(role, set())
                if label is not None:
                    fillers.add(label)
        # A type's symmetry is that of its first relation, in document and then text order.
        ordered = []
        for document, kind, symmetric, ends, uid in relations:
            keys = [(0, e[0], -e[1], e[2], "") if isinstance(e, list) else (1, 0, 0, "", e) for e in json.loads(ends)]
            order = (keys[0], bool(symmetric), kind, tuple(keys[1:]), uid)
            ordered.append((document, order, kind, bool(symmetric), [k[3] if k[0] == 0 else "<EVENT>" for k in keys]))
        for _, _, kind, symmetric, labels in sorted(ordered, key=lambda r: r[:2]):
            heads, children, _ = self.relations.setdefault(kind, (set(), set(), symmetric))
            heads.update(labels if symmetric else labels[:1])
            children.update(labels if symmetric else labels[1:])

    def extend_schema(self, store: ProjectStore, report: MergeReport) -> None:
        schema = store.schema()
        if schema is None or not (self.entities or self.roles or self.relations):
            return
        extended, added = schema.with_labels(self.entities, self.roles)
        extended, added_relations = extended.with_relations(self.relations)
        added = added + added_relations
        if extended != schema:
            store.set_schema(extended)
            report.schema_added = added


def merge_projects(store: ProjectStore, paths: Iterable[str | Path]) -> list[MergeReport | StoreError]:
    """Merge each file in turn; a file that cannot be merged gives its error and the others go on."""
    results: list[MergeReport | StoreError] = []
    for path in paths:
        try:
            results.append(merge_project(store, path))
        except StoreError as error:
            results.append(error)
    return results
