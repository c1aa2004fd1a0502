"""Importing files and folders into a project: the ``annotator import`` command's library function.

Everything is read and checked first, then written in one transaction, so an import lands whole
or not at all. Bad items are skipped with a :class:`~annotator.formats.records.Problem` naming the
file and line; with ``strict`` the first problem aborts before anything is written. Documents are
matched by content hash, and annotations a layer already has are not added again, so importing
the same files twice adds nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Mapping

from annotator.formats.brat_conf import read_relation_types
from annotator.formats.brat_reader import read_brat, schema_names
from annotator.formats.import_merge import merge_new, stamp_imported
from annotator.formats.jsonl_reader import read_jsonl
from annotator.formats.records import Problem, ProblemLog, ReadError, Record, problem_count
from annotator.formats.text_files import read_plain_text
from annotator.model.annotations import AnnotationSet, now_iso
from annotator.model.relation_schema import EVENT_END
from annotator.model.schema import LabelSchema
from annotator.model.layer import DEFAULT_IMPORT_LAYER, DocStatus, Layer, LayerKind, check_layer_name, kind_for_layer_name
from annotator.store import bulk
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
    problems: list[Problem] = field(default_factory=ProblemLog)
    """The first problems met (a :class:`ProblemLog`: ``problem_total`` counts them all)."""
    notices: list[Problem] = field(default_factory=ProblemLog)
    incomplete: int = 0
    """Documents whose annotations were imported with some skipped: left in progress, not done."""
    repeated: int = 0
    """Annotations given again for the same text (in one record, or by a later record of this
    import: Prodigy asks about one span per record), kept once."""
    relation_types: dict[str, tuple[set[str], set[str], bool]] = field(default_factory=dict, repr=False)
    """Relation types declared by a brat ``annotation.conf`` among the imported files."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_total(self) -> int:
        return problem_count(self.problems)


def _size(annotations: AnnotationSet) -> int:
    return len(annotations.spans) + len(annotations.events) + len(annotations.relations)


def _walk(root: Path, report: ImportReport) -> list[Path]:
    """Every file under ``root`` (hidden ones left out), sorted; a folder that cannot be read is
    reported with the reason, not skipped silently."""

    def unreadable(error: OSError) -> None:
        where = display_name(Path(error.filename)) if error.filename else display_name(root)
        report.problems.append(Problem(where, "", f"folder skipped: cannot read it ({error.strerror or error})"))

    found = []
    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found.extend(Path(folder) / n for n in names if not n.startswith("."))
    return sorted(found)


def _files(paths: Iterable[Path], report: ImportReport) -> Iterator[tuple[str, Path, Path | None]]:
    """``(kind, file, annotation_file)`` for every importable file under ``paths``."""
    seen: set[Path] = set()  # a brat pair named by both its files (x.txt x.ann) is read once

    def first_time(path: Path) -> bool:
        key = path.absolute()
        if key in seen:
            return False
        seen.add(key)
        return True

    for root in paths:
        if not root.exists():
            if root.is_symlink():
                problem = f"a symbolic link that leads nowhere (to {_link_target(root)}: itself, a loop or a missing file)"
            else:
                problem = "no such file or folder"
            report.problems.append(Problem(str(root), "", problem))
            continue
        explicit = root.is_file()
        files = [root] if explicit else _walk(root, report)
        for path in files:
            suffix = path.suffix.lower()
            if suffix == ".txt":
                ann = path.with_suffix(".ann")
                if first_time(path):
                    yield ("brat" if ann.exists() else "text", path, ann if ann.exists() else None)
            elif suffix == ".ann":
                if not path.with_suffix(".txt").exists():
                    report.problems.append(Problem(str(path), "", "brat annotations without their .txt file beside them"))
                elif explicit and first_time(path.with_suffix(".txt")):
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


def _link_target(path: Path) -> str:
    try:
        return display_name(Path(os.readlink(path)))
    except OSError:
        return "?"


def display_name(path: Path) -> str:
    """``path`` as text that can be printed and stored: a file name that is not valid UTF-8 comes
    from the file system as lone surrogates, which neither a terminal nor SQLite accepts."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


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
        name = display_name(path)
        if name != str(path):
            report.notices.append(Problem(name, "", "the file name is not valid UTF-8: imported, with its source named as shown (\ufffd for each undecodable byte)"))
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


def import_paths(
    store: ProjectStore,
    paths: Iterable[str | Path],
    layer_name: str = DEFAULT_IMPORT_LAYER,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import files and folders; annotations go to ``layer_name``, whose documents become ``done``
    (``in_progress`` when some of their annotations had to be skipped).

    Records are written as they are read, inside one transaction: memory stays flat whatever
    the size of the files, and the import still lands whole or not at all. Tokens are not made
    here (that was most of an import's time); they are made when first needed.
    """
    layer_name = check_layer_name(layer_name)
    report = ImportReport(layer_name)
    existing_layer = store.layer(layer_name)
    if existing_layer is not None and existing_layer.kind is LayerKind.SUGGESTIONS:
        raise StoreError(f"layer {layer_name!r} holds a suggester's output; import into another --annotator name")
    schema = store.schema()
    entity_labels = set(schema.entity_names) if schema else set()
    writer = _Writer(store, report, layer_name, existing_layer, strict)
    with store.transaction():
        seen_problems = 0
        for record in read_records([Path(p) for p in paths], report, progress, schema_names(schema), entity_labels):
            if strict and problem_count(report.problems) > seen_problems:
                raise ImportAborted(report.problems[seen_problems])
            writer.add(record)
        if strict and problem_count(report.problems) > seen_problems:
            raise ImportAborted(report.problems[seen_problems])
        writer.finish()
    return report


class _Writer:
    """Writes records as they come, inside the import's transaction, remembering only ids."""

    def __init__(self, store: ProjectStore, report: ImportReport, layer_name: str, existing: Layer | None, strict: bool):
        self.store = store
        self.report = report
        self.layer_name = layer_name
        self.existing = existing
        self.strict = strict
        self.layer: Layer | None = None
        self.seen: set[int] = set()
        """Documents met in this import."""
        self.written: set[int] = set()
        """Documents whose annotations this import wrote to the layer (later records add up)."""
        self.recorded: set[int] = set()
        """Documents whose source records (Prodigy hashes and the like) this import kept."""
        self.incomplete: set[int] = set()
        self.schema = store.schema()
        self.known: set[str] = set()
        self.roles: dict[str, dict[str, set[str]]] = {}
        if self.schema is not None:
            self._remember(self.schema)
        self.schema_changed = False
        self.now = now_iso()

    def add(self, record: Record) -> None:
        document_id = self.store.find_document(record.document.content_hash)
        if document_id is None:
            document_id = bulk.insert_document(self.store, record.document, self.now)
            self.report.documents_added += 1
        elif document_id not in self.seen:
            self.report.documents_existing += 1
        self.seen.add(document_id)
        if record.annotated:
            self._annotate(document_id, record)
        elif record.envelope is not None:
            # A record answered reject or ignore (Prodigy ner.manual) carries no annotations, but
            # the layer keeps it so that export gives every record back.
            layer_id = self._layer_id()
            if document_id in self.recorded or document_id in self.written or not (
                self.existing is not None and _holds(self.store, layer_id, document_id)
            ):
                self._keep_record(layer_id, document_id, record)
                if document_id not in self.written:
                    bulk.upsert_status(self.store, layer_id, document_id, DocStatus.NEW, None, None)

    def _layer_id(self) -> int:
        if self.layer is None:
            self.layer = self.store.ensure_layer(self.layer_name, kind_for_layer_name(self.layer_name))
        assert self.layer.id is not None
        return self.layer.id

    def _keep_record(self, layer_id: int, document_id: int, record: Record) -> None:
        """Add the record's other fields to those kept for the document, in file order (only a
        document met again in this import reads back what it kept, so memory stays flat)."""
        assert record.envelope is not None
        envelope = {**record.envelope, **({"_partial": True} if record.partial else {})}
        kept = self.store.records(layer_id, document_id) if document_id in self.recorded else []
        self.store.set_records(layer_id, document_id, [*kept, envelope])
        self.recorded.add(document_id)

    def _annotate(self, document_id: int, record: Record) -> None:
        given = stamp_imported(record.annotations, self.layer_name)
        incoming = merge_new(AnnotationSet(), given)
        self._extend_schema(incoming)
        layer_id = self._layer_id()
        if document_id in self.written or document_id in self.recorded:
            # Records of one text in this import add up; what they repeat is kept once.
            incoming = merge_new(self.store.annotations(layer_id, document_id), incoming)
            self.report.repeated += _size(given) - _size(incoming)
        elif _size(given) > _size(incoming):
            self.report.repeated += _size(given) - _size(incoming)
        elif self.existing is not None and _holds(self.store, layer_id, document_id):
            # The layer already has work for this document: the same work again adds nothing;
            # different work is never mixed into it (it may be somebody else's).
            if merge_new(self.store.annotations(layer_id, document_id), incoming):
                self.report.problems.append(Problem(
                    record.path, record.location,
                    f"not imported: layer {self.layer_name!r} already holds different annotations of this document "
                    f"(“{record.document.title[:60]}”); import into another --annotator name, or use merge",
                ))
                if self.strict:
                    raise ImportAborted(self.report.problems[-1])
            return
        bulk.insert_annotations(self.store, layer_id, document_id, incoming)
        if record.envelope is not None:
            self._keep_record(layer_id, document_id, record)
        self.report.spans_added += len(incoming.spans)
        self.report.events_added += len(incoming.events)
        self.report.relations_added += len(incoming.relations)
        if record.dropped and document_id not in self.incomplete:
            self.incomplete.add(document_id)
            self.report.incomplete += 1
        status = DocStatus.IN_PROGRESS if document_id in self.incomplete else DocStatus.DONE
        if document_id not in self.written or status is DocStatus.IN_PROGRESS:
            created, updated = record.times or (None, None)
            bulk.upsert_status(self.store, layer_id, document_id, status, created, updated)
        self.written.add(document_id)

    def _extend_schema(self, incoming: AnnotationSet) -> None:
        """Add labels the record uses and the schema lacks; most records bring nothing new, which
        the sets of known names tell without building a schema."""
        if self.schema is None:
            return
        labels = {a.label for a in incoming.spans}
        known = self.known | labels
        event_roles: dict[str, dict[str, set[str]]] = {}
        for event in incoming.events:
            by_role = event_roles.setdefault(event.type, {})
            for argument in event.arguments:
                fillers = by_role.setdefault(argument.role, set())
                if argument.span is not None and argument.span.label in known | {argument.role}:
                    fillers.add(argument.span.label)
        relation_ends = _relation_ends(incoming)
        if labels <= self.known and all(
            t in self.roles and r in self.roles[t] and (not self.roles[t][r] or fillers <= self.roles[t][r])
            for t, by_role in event_roles.items()
            for r, fillers in by_role.items()
        ) and set(event_roles) <= set(self.roles) and all(
            name in self.relations
            and (not self.relations[name][0] or heads <= self.relations[name][0])
            and (not self.relations[name][1] or children <= self.relations[name][1])
            for name, (heads, children, _) in relation_ends.items()
        ):
            return
        extended, added = self.schema.with_labels(labels, event_roles)
        extended, added_relations = extended.with_relations(relation_ends)
        added = [*added, *added_relations]
        if extended != self.schema:
            self.schema = extended
            self.schema_changed = True
            self.report.schema_added.extend(added)
            self._remember(extended)

    def _remember(self, schema: LabelSchema) -> None:
        self.known = {*schema.entity_names, *schema.event_names}
        self.roles = {e.name: {r.name: set(r.fillers) for r in e.roles} for e in schema.events}
        self.relations = {t.name: (set(t.heads), set(t.children)) for t in schema.relations}

    def finish(self) -> None:
        if self.schema is not None and self.report.relation_types:
            # Relation types a brat annotation.conf declares, with the labels allowed at each end.
            declared = {
                name: (set(heads), set(children), symmetric)
                for name, (heads, children, symmetric) in self.report.relation_types.items()
            }
            extended, added = self.schema.with_relations(declared)
            if extended != self.schema:
                self.schema = extended
                self.schema_changed = True
                self.report.schema_added.extend(a for a in added if a not in self.report.schema_added)
        if self.schema_changed and self.schema is not None:
            self.store.set_schema(self.schema)


def _holds(store: ProjectStore, layer_id: int, document_id: int) -> bool:
    """Whether the layer has annotated the document: a status for it or annotations in it."""
    return store.status_times(layer_id, document_id) is not None or bool(store.annotations(layer_id, document_id))


def _relation_ends(annotations: AnnotationSet) -> dict[str, tuple[set[str], set[str], bool]]:
    """Each relation type the annotations use, with the labels met at its head and child ends
    (an event end as :data:`EVENT_END`; both ends of a symmetric type count as either)."""
    found: dict[str, tuple[set[str], set[str], bool]] = {}
    for relation in annotations.relations:
        labels = [end.span.label if end.span is not None else EVENT_END for end in relation.ends]
        heads, children, _ = found.setdefault(relation.type, (set(), set(), relation.symmetric))
        if relation.symmetric:
            heads.update(labels)
            children.update(labels)
        else:
            heads.add(labels[0])
            children.add(labels[1])
    return found
