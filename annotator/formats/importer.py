"""Importing files and folders into a project: the ``annotator import`` command's library function.

Everything is read and checked first, then written in one transaction, so an import lands whole
or not at all. Bad items are skipped with a :class:`~annotator.formats.records.Problem` naming the
file and line; with ``strict`` the first problem aborts before anything is written. Documents are
matched by content hash, and annotations a layer already has are not added again, so importing
the same files twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Mapping

from annotator.formats.brat_conf import read_relation_types
from annotator.formats.brat_reader import read_brat, schema_names
from annotator.formats.jsonl_reader import read_jsonl
from annotator.formats.records import Problem, ReadError, Record
from annotator.formats.text_files import read_plain_text
from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, SpanAnnotation
from annotator.model.document import Document
from annotator.model.relation_schema import EVENT_END
from annotator.model.relations import Relation
from annotator.model.layer import DEFAULT_IMPORT_LAYER, DocStatus, LayerKind, check_layer_name, kind_for_layer_name
from annotator.model.tokens import encode_tokens
from annotator.store.database import StoreError
from annotator.store.project import ProjectStore

Progress = Callable[[str, int, "int | None"], None]
"""``progress(phase, done, total)``; total is None while it is not known yet."""

JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
BRAT_CONFIG_FILES = {"annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf"}


class ImportAborted(Exception):
    """A strict import met a problem; nothing was written."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class ImportReport:
    """What an import did, for the summary the user sees."""

    layer: str
    files: int = 0
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    events_added: int = 0
    relations_added: int = 0
    schema_added: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    relation_types: dict[str, tuple[set[str], set[str], bool]] = field(default_factory=dict, repr=False)
    """Relation types declared by a brat ``annotation.conf`` among the imported files."""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Pending:
    """A document the import will write (or found already there), with what it brings."""

    document: Document
    document_id: int | None
    annotations: list[AnnotationSet] = field(default_factory=list)
    annotated: bool = False
    times: tuple[str, str] | None = None
    envelopes: list[dict] = field(default_factory=list)
    """The other fields of the records it came in (Prodigy hashes and the like), in file order."""
    origin: Problem | None = None
    """Where the first annotated record of it was read (file and line), for messages."""


def _files(paths: Iterable[Path], report: ImportReport) -> Iterator[tuple[str, Path, Path | None]]:
    """``(kind, file, annotation_file)`` for every importable file under ``paths``."""
    for root in paths:
        if not root.exists():
            report.problems.append(Problem(str(root), "", "no such file or folder"))
            continue
        explicit = root.is_file()
        files = [root] if explicit else sorted(
            p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        )
        for path in files:
            suffix = path.suffix.lower()
            if suffix == ".txt":
                ann = path.with_suffix(".ann")
                yield ("brat" if ann.exists() else "text", path, ann if ann.exists() else None)
            elif suffix == ".ann":
                if not path.with_suffix(".txt").exists():
                    report.problems.append(Problem(str(path), "", "brat annotations without their .txt file beside them"))
                elif explicit:
                    yield ("brat", path.with_suffix(".txt"), path)
            elif suffix in JSONL_SUFFIXES:
                yield ("jsonl", path, None)
            elif path.name == "annotation.conf":
                report.relation_types.update(read_relation_types(path))
                report.notices.append(Problem(str(path), "", "brat configuration: its relation types go into the schema; "
                                              "entity and event labels come from the annotations"))
            elif path.name in BRAT_CONFIG_FILES:
                report.notices.append(Problem(str(path), "", "brat configuration is not imported; labels come from the annotations"))
            elif explicit:
                report.problems.append(Problem(str(path), "", f"not a format annotator imports ({suffix or 'no extension'}): use .txt, .ann, .jsonl or .json"))
            else:
                report.notices.append(Problem(str(path), "", "skipped: not a format annotator imports"))


def read_records(
    paths: Iterable[Path],
    report: ImportReport,
    progress: Progress | None = None,
    brat_names: Mapping[str, str] | None = None,
    entity_labels: Collection[str] = (),
) -> Iterator[Record]:
    """Every record in ``paths``; problems go to ``report`` as they are met.

    ``brat_names`` maps brat's form of label names back to the schema's (``Conflict_Attack``).
    """
    files = list(_files(paths, report))
    for done, (kind, path, ann) in enumerate(files, start=1):
        name = str(path)
        report.files += 1
        try:
            if kind == "jsonl":
                yield from read_jsonl(path, name, report.problems)
            elif kind == "brat":
                yield read_brat(path, ann, name, report.problems, brat_names, entity_labels)  # type: ignore[arg-type]
            else:
                yield read_plain_text(path, name, report.problems)
        except ReadError as error:
            report.problems.append(Problem(name, "", f"file skipped: {error}"))
        if progress:
            progress("reading", done, len(files))


def _stamp(annotations: AnnotationSet, author: str) -> AnnotationSet:
    """Mark everything imported by ``author``; what the file marked rejected stays rejected."""
    accepted = Provenance(Origin.IMPORTED, Decision.ACCEPTED, author=author)
    rejected = Provenance(Origin.IMPORTED, Decision.REJECTED, author=author, created_at=accepted.created_at)

    def stamp(item):  # type: ignore[no-untyped-def]
        return replace(item, provenance=rejected if item.provenance.is_rejected else accepted)

    return AnnotationSet(
        tuple(stamp(a) for a in annotations.spans),
        tuple(stamp(e) for e in annotations.events),
        tuple(stamp(r) for r in annotations.relations),
    )


def _event_signature(event: Event, by_uid: dict[str, Event], depth: int = 0) -> tuple:
    """What makes two events the same: trigger, type and every argument the same annotation.

    An argument that is another event compares by that event's own signature (not just its
    trigger), so ``Theme:E1`` and ``Theme:E2`` of two events sharing a trigger stay apart.
    """
    arguments = []
    for argument in event.arguments:
        if argument.span is not None:
            arguments.append((argument.role, argument.span.start, argument.span.end, argument.span.label))
        else:
            target = by_uid.get(argument.event_uid or "")
            if target is None:
                inner: tuple = ("missing", argument.event_uid)
            elif depth < 16:
                inner = _event_signature(target, by_uid, depth + 1)
            else:  # a cycle of events naming each other: stop at the identity
                inner = ("uid", target.uid)
            arguments.append((argument.role, "event", inner))
    return (event.trigger.start, event.trigger.end, event.type, tuple(sorted(arguments, key=repr)))


def merge_new(existing: AnnotationSet, incoming: AnnotationSet) -> AnnotationSet:
    """The part of ``incoming`` that ``existing`` does not hold yet, compared by offsets and labels.

    Event arguments that point at an event already held are re-pointed at the held one.
    """
    known_spans = {a.span for a in existing.spans}
    spans = []
    for annotation in incoming.spans:
        if annotation.span not in known_spans:
            known_spans.add(annotation.span)
            spans.append(annotation)
    by_uid = {e.uid: e for e in existing.events + incoming.events}
    held = {_event_signature(e, by_uid): e.uid for e in existing.events}
    same_as: dict[str, str] = {}
    events = []
    for event in incoming.events:
        signature = _event_signature(event, by_uid)
        if signature in held:
            same_as[event.uid] = held[signature]
        else:
            held[signature] = event.uid
            events.append(event)
    events = [
        e.with_arguments(replace(a, event_uid=same_as.get(a.event_uid, a.event_uid)) if a.event_uid else a for a in e.arguments)
        for e in events
    ]
    # Relations compare by type, direction and ends; an event end by the event's signature.
    def relation_signature(relation: Relation) -> tuple:
        ends = tuple(
            ("span", end.span.start, end.span.end, end.span.label) if end.span is not None
            else ("event", _event_signature(by_uid[end.event_uid], by_uid) if end.event_uid in by_uid else end.event_uid)
            for end in relation.ends
        )
        return (relation.symmetric, relation.type, ends)

    held_relations = {relation_signature(r) for r in existing.relations}
    relations = []
    for relation in incoming.relations:
        signature = relation_signature(relation)
        if signature not in held_relations:
            held_relations.add(signature)
            relations.append(relation.with_events(same_as))
    return AnnotationSet(tuple(spans), tuple(events), tuple(relations))


def import_paths(
    store: ProjectStore,
    paths: Iterable[str | Path],
    layer_name: str = DEFAULT_IMPORT_LAYER,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import files and folders; annotations go to ``layer_name``, whose documents become ``done``."""
    layer_name = check_layer_name(layer_name)
    report = ImportReport(layer_name)
    existing_layer = store.layer(layer_name)
    if existing_layer is not None and existing_layer.kind is LayerKind.SUGGESTIONS:
        raise StoreError(f"layer {layer_name!r} holds a suggester's output; import into another --annotator name")
    pending: dict[str, _Pending] = {}
    seen_problems = 0
    schema = store.schema()
    entity_labels = set(schema.entity_names) if schema else set()
    for record in read_records([Path(p) for p in paths], report, progress, schema_names(schema), entity_labels):
        if strict and len(report.problems) > seen_problems:
            raise ImportAborted(report.problems[seen_problems])
        item = pending.get(record.document.content_hash)
        if item is None:
            item = pending[record.document.content_hash] = _Pending(
                record.document, store.find_document(record.document.content_hash)
            )
        if record.envelope is not None:
            item.envelopes.append({**record.envelope, **({"_partial": True} if record.partial else {})})
        if record.annotated:
            item.annotated = True
            item.annotations.append(_stamp(record.annotations, layer_name))
            item.times = item.times or record.times
            item.origin = item.origin or Problem(record.path, record.location, "")
    if strict and len(report.problems) > seen_problems:
        raise ImportAborted(report.problems[seen_problems])

    new = [item for item in pending.values() if item.document_id is None]
    tokens: list[bytes] = []
    if new:
        from annotator.suggest.tokenizer import tokenize

        for done, offsets in enumerate(tokenize(item.document.text for item in new), start=1):
            tokens.append(encode_tokens(new[done - 1].document.text, offsets))
            if progress and (done % 100 == 0 or done == len(new)):
                progress("tokenising", done, len(new))

    annotated = [item for item in pending.values() if item.annotated]
    # Records answered reject or ignore (Prodigy ner.manual) carry no annotations, but the layer
    # keeps them so that export gives every record back.
    answered = [item for item in pending.values() if item.envelopes and not item.annotated]
    with store.transaction():
        if annotated or answered:
            _extend_schema(store, annotated, report)
            layer = store.ensure_layer(layer_name, kind_for_layer_name(layer_name))
        for item, blob in zip(new, tokens):
            item.document_id = store.add_document(item.document, blob)
        report.documents_added = len(new)
        report.documents_existing = len(pending) - len(new)
        for item in answered:
            assert item.document_id is not None
            if existing_layer is None or not _holds(store, layer.id, item.document_id):  # type: ignore[arg-type]
                store.set_records(layer.id, item.document_id, item.envelopes)  # type: ignore[arg-type]
                store.set_status(layer.id, item.document_id, DocStatus.NEW)  # type: ignore[arg-type]
        for item in annotated:
            assert item.document_id is not None
            incoming = AnnotationSet()
            for annotations in item.annotations:  # records of one text in this import add up
                fresh = merge_new(incoming, annotations)
                incoming = AnnotationSet(
                    incoming.spans + fresh.spans, incoming.events + fresh.events, incoming.relations + fresh.relations
                )
            if existing_layer is not None and _holds(store, layer.id, item.document_id):  # type: ignore[arg-type]
                # The layer already has work for this document: the same work again adds nothing;
                # different work is never mixed into it (it may be somebody else's).
                if merge_new(store.annotations(layer.id, item.document_id), incoming):  # type: ignore[arg-type]
                    where = item.origin or Problem("", "", "")
                    report.problems.append(Problem(
                        where.path, where.location,
                        f"not imported: layer {layer_name!r} already holds different annotations of this document "
                        f"(“{item.document.title[:60]}”); import into another --annotator name, or use merge",
                    ))
                    if strict:
                        raise ImportAborted(report.problems[-1])
                continue
            store.add_annotations(layer.id, item.document_id, incoming)  # type: ignore[arg-type]
            if item.envelopes:
                store.set_records(layer.id, item.document_id, item.envelopes)  # type: ignore[arg-type]
            report.spans_added += len(incoming.spans)
            report.events_added += len(incoming.events)
            report.relations_added += len(incoming.relations)
            created, updated = item.times or (None, None)
            store.set_status(layer.id, item.document_id, DocStatus.DONE, created, updated)  # type: ignore[arg-type]
    return report


def _holds(store: ProjectStore, layer_id: int, document_id: int) -> bool:
    """Whether the layer has annotated the document: a status for it or annotations in it."""
    return store.status_times(layer_id, document_id) is not None or bool(store.annotations(layer_id, document_id))


def _extend_schema(store: ProjectStore, items: list[_Pending], report: ImportReport) -> None:
    """Add labels the imported annotations use and the project's schema lacks."""
    schema = store.schema()
    if schema is None:
        return
    entity_labels = {a.label for item in items for s in item.annotations for a in s.spans}
    known = set(schema.entity_names) | entity_labels
    event_roles: dict[str, dict[str, set[str]]] = {}
    for item in items:
        for annotation_set in item.annotations:
            for event in annotation_set.events:
                roles = event_roles.setdefault(event.type, {})
                for argument in event.arguments:
                    fillers = roles.setdefault(argument.role, set())
                    if argument.span is not None and argument.span.label in known | {argument.role}:
                        fillers.add(argument.span.label)
    extended, added = schema.with_labels(entity_labels, event_roles)
    relation_ends: dict[str, tuple[set[str], set[str], bool]] = {
        name: (set(heads), set(children), symmetric) for name, (heads, children, symmetric) in report.relation_types.items()
    }
    for item in items:
        for annotation_set in item.annotations:
            events = {e.uid: e.type for e in annotation_set.events}
            for relation in annotation_set.relations:
                labels = [
                    end.span.label if end.span is not None else EVENT_END if end.event_uid in events else EVENT_END
                    for end in relation.ends
                ]
                heads, children, _ = relation_ends.setdefault(relation.type, (set(), set(), relation.symmetric))
                if relation.symmetric:
                    heads.update(labels)
                    children.update(labels)
                else:
                    heads.add(labels[0])
                    children.add(labels[1])
    extended, added_relations = extended.with_relations(relation_ends)
    added += added_relations
    if extended != schema:
        store.set_schema(extended)
        report.schema_added = added
