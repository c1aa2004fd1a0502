"""The suggester's data files: the trigger lexicon and the argument rules, read and checked.

Both are TOML files in ``resources/`` (``triggers.toml``, ``argument_rules.toml``); a user extends
them with files of the same name and layout in the annotator settings folder, whose entries come
first. A mistake is reported with the file, the line and the entry, e.g.
``argument_rules.toml, line 40: rule 3: unknown relation 'subj'``. Nothing here needs spaCy.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import platformdirs

from annotator.app.bundled import resource_text
from annotator.model.toml_lines import line_of
from annotator.model.schema import LabelSchema

TRIGGERS_FILE = "triggers.toml"
ARGUMENT_RULES_FILE = "argument_rules.toml"

POS_NAMES = {"verb": "VERB", "noun": "NOUN"}
RELATIONS = ("subject", "object", "passive_subject", "agent", "possessor", "modifier", "compound", "time", "sentence")
_PREP_RELATION = re.compile(r"^prep:[a-z]+$")
_LEMMA = re.compile(r"^[^\s\x00-\x1f]+( [^\s\x00-\x1f]+)?$")


class RulesFileError(ValueError):
    """A trigger lexicon or argument rules file that cannot be used; ``str()`` names file and line."""

    def __init__(self, source: str, line: int | None, problem: str):
        super().__init__(f"{source}, line {line}: {problem}" if line else f"{source}: {problem}")


def user_rules_dir() -> Path:
    """Where a user's own ``triggers.toml`` and ``argument_rules.toml`` go (the settings folder)."""
    return platformdirs.user_config_path("annotator", appauthor=False)


# -- trigger lexicon --------------------------------------------------------------------------


@dataclass(frozen=True)
class TriggerEntry:
    """One way a word announces an event: ``lemma`` as ``pos`` (with ``particle``) means ``type``.

    ``subject``/``object``, when set, are the entity labels the trigger's subject or object must
    have for the entry to count ("fall" is an attack only when a place falls).
    """

    lemma: str
    pos: str
    type: str
    particle: str | None = None
    subject: frozenset[str] | None = None
    object: frozenset[str] | None = None


@dataclass(frozen=True)
class TriggerLexicon:
    by_word: Mapping[tuple[str, str], tuple[TriggerEntry, ...]]
    """``(lemma, pos)`` to its entries, most specific first (with a particle, with a condition, plain)."""
    version: str = ""

    def lookup(self, lemma: str, pos: str) -> tuple[TriggerEntry, ...]:
        return self.by_word.get((lemma, pos), ())

    def restricted_to(self, schema: LabelSchema) -> TriggerLexicon:
        """Only the entries whose event type the schema has."""
        kept: dict[tuple[str, str], tuple[TriggerEntry, ...]] = {}
        for key, entries in self.by_word.items():
            entries = tuple(e for e in entries if schema.event_type(e.type) is not None)
            if entries:
                kept[key] = entries
        return TriggerLexicon(kept, self.version)


def _split_lemma(raw: Any, where: str, source: str, line: int | None, pos: str) -> tuple[str, str | None]:
    """``"take over"`` is the lemma ``take`` with the particle ``over``."""
    if not isinstance(raw, str) or not _LEMMA.match(raw.strip()):
        raise RulesFileError(source, line, f"{where}: {raw!r} is not a word (or a verb and its particle)")
    words = raw.strip().lower().split(" ")
    if len(words) == 2 and pos != "VERB":
        raise RulesFileError(source, line, f"{where}: {raw!r}: only verbs can have a particle")
    return words[0], (words[1] if len(words) == 2 else None)


def _labels(value: Any, what: str, source: str, line: int | None) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise RulesFileError(source, line, f"{what} must be a list of entity labels, e.g. [\"GPE\", \"LOC\"]")
    return frozenset(value)


def _array_table_line(text: str, name: str, index: int, key: str | None = None) -> int | None:
    """The line of the ``index``-th ``[[name]]`` table (or of ``key`` inside it), 1-based."""
    header = re.compile(r"^\s*\[\[\s*" + re.escape(name) + r"\s*\]\]")
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if header.match(line)]
    if index >= len(starts):
        return None
    begin = starts[index]
    if key is not None:
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for i in range(begin + 1, len(lines)):
            if re.match(r"^\s*\[", lines[i]):
                break
            if pattern.match(lines[i]):
                return i + 1
    return begin + 1


def _load_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "invalid TOML"
        raise RulesFileError(source, int(match.group(1)) if match else None, f"invalid TOML: {problem}") from None


def _check_keys(data: Mapping[str, Any], allowed: set[str], where: str, source: str, line: int | None) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RulesFileError(source, line, f"{where}: unknown setting {unknown[0]!r} (expected {', '.join(sorted(allowed))})")


def parse_triggers(text: str, source: str = TRIGGERS_FILE) -> tuple[list[TriggerEntry], set[tuple[str, str]], str]:
    """The entries, the ignored ``(lemma, pos)`` pairs and the version of one trigger file."""
    data = _load_toml(text, source)
    _check_keys(data, {"version", "events", "conditional", "ignore"}, "the file", source, None)
    entries: list[TriggerEntry] = []
    seen: dict[tuple[str, str, str | None], str] = {}
    events = data.get("events", {})
    if not isinstance(events, dict):
        raise RulesFileError(source, line_of(text, ("events",)), "[events] must hold tables like [events.\"Movement:Transport\"]")
    for type_name, spec in events.items():
        path = ("events", type_name)
        if not isinstance(spec, dict):
            raise RulesFileError(source, line_of(text, path), f"[events.{type_name!r}] must be a table with verbs and nouns")
        _check_keys(spec, {"verbs", "nouns"}, f"event type {type_name!r}", source, line_of(text, path))
        for key, pos in (("verbs", "VERB"), ("nouns", "NOUN")):
            words = spec.get(key, [])
            if not isinstance(words, list):
                raise RulesFileError(source, line_of(text, path + (key,)), f"{key} of {type_name!r} must be a list of words")
            for raw in words:
                lemma, particle = _split_lemma(raw, f"{key} of {type_name!r}", source, line_of(text, path + (key,)), pos)
                other = seen.get((lemma, pos, particle))
                if other is not None and other != type_name:
                    raise RulesFileError(
                        source, line_of(text, path + (key,)),
                        f"{raw!r} ({pos.lower()}) is listed under both {other!r} and {type_name!r}; keep one",
                    )
                seen[(lemma, pos, particle)] = type_name
                entries.append(TriggerEntry(lemma, pos, type_name, particle))
    conditionals = data.get("conditional", [])
    if not isinstance(conditionals, list):
        raise RulesFileError(source, None, "conditional entries must be written as [[conditional]] tables")
    for index, spec in enumerate(conditionals):
        where = f"conditional entry {index + 1}"
        line = _array_table_line(text, "conditional", index)
        if not isinstance(spec, dict):
            raise RulesFileError(source, line, f"{where} must be a table")
        _check_keys(spec, {"lemma", "pos", "type", "particle", "subject", "object"}, where, source, line)
        pos = POS_NAMES.get(str(spec.get("pos", "")).lower())
        if pos is None:
            raise RulesFileError(source, _array_table_line(text, "conditional", index, "pos"), f"{where}: pos must be \"verb\" or \"noun\"")
        type_name = spec.get("type")
        if not isinstance(type_name, str) or not type_name:
            raise RulesFileError(source, line, f"{where}: type must name an event type, e.g. \"Conflict:Attack\"")
        lemma, particle = _split_lemma(spec.get("lemma"), where, source, _array_table_line(text, "conditional", index, "lemma"), pos)
        if spec.get("particle") is not None:
            if not isinstance(spec["particle"], str) or not spec["particle"].strip() or particle is not None or pos != "VERB":
                raise RulesFileError(source, _array_table_line(text, "conditional", index, "particle"), f"{where}: particle must be one word, for a verb")
            particle = spec["particle"].strip().lower()
        subject = _labels(spec.get("subject"), f"{where}: subject", source, _array_table_line(text, "conditional", index, "subject"))
        obj = _labels(spec.get("object"), f"{where}: object", source, _array_table_line(text, "conditional", index, "object"))
        if subject is None and obj is None and particle is None:
            raise RulesFileError(source, line, f"{where}: give a condition (subject, object or particle), or list the word under [events]")
        entries.append(TriggerEntry(lemma, pos, type_name, particle, subject, obj))
    ignored: set[tuple[str, str]] = set()
    ignore = data.get("ignore", {})
    if not isinstance(ignore, dict):
        raise RulesFileError(source, line_of(text, ("ignore",)), "[ignore] must be a table with verbs and nouns")
    _check_keys(ignore, {"verbs", "nouns"}, "[ignore]", source, line_of(text, ("ignore",)))
    for key, pos in (("verbs", "VERB"), ("nouns", "NOUN")):
        words = ignore.get(key, [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise RulesFileError(source, line_of(text, ("ignore", key)), f"{key} of [ignore] must be a list of words")
        ignored.update((w.strip().lower(), pos) for w in words)
    version = data.get("version", "")
    return entries, ignored, str(version)


def build_lexicon(files: Iterable[tuple[list[TriggerEntry], set[tuple[str, str]], str]]) -> TriggerLexicon:
    """One lexicon from parsed files, the user's first: an earlier file's word replaces a later one's."""
    by_word: dict[tuple[str, str], list[TriggerEntry]] = {}
    owner: dict[tuple[str, str], int] = {}
    ignored: set[tuple[str, str]] = set()
    versions = []
    for number, (entries, ignore, version) in enumerate(files):
        ignored |= ignore
        versions.append(version)
        for entry in entries:
            key = (entry.lemma, entry.pos)
            if owner.setdefault(key, number) == number:
                by_word.setdefault(key, []).append(entry)
    ordered = {
        key: tuple(sorted(entries, key=lambda e: (e.particle is None, e.subject is None and e.object is None)))
        for key, entries in by_word.items()
        if key not in ignored
    }
    return TriggerLexicon(ordered, "+".join(v for v in reversed(versions) if v))


# -- argument rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ArgumentRule:
    relations: frozenset[str]
    roles: tuple[str, ...]
    labels: frozenset[str] | None = None
    types: frozenset[str] | None = None
    lemmas: frozenset[str] | None = None
    intransitive: bool = False

    @property
    def rank(self) -> int:
        """0 for rules naming a lemma, 1 for rules naming a type, 2 for the rest: tried in that order."""
        return 0 if self.lemmas is not None else 1 if self.types is not None else 2

    def applies(self, event_type: str, lemma: str, has_object: bool) -> bool:
        return (
            (self.types is None or event_type in self.types)
            and (self.lemmas is None or lemma in self.lemmas)
            and not (self.intransitive and has_object)
        )


STOP = ""
"""What :meth:`ArgumentRules.role_for` returns when a rule says the relation fills no role."""


@dataclass(frozen=True)
class ArgumentRules:
    rules: tuple[ArgumentRule, ...]
    version: str = ""
    by_relation: Mapping[str, tuple[ArgumentRule, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, rules: Iterable[ArgumentRule], version: str = "") -> ArgumentRules:
        rules = tuple(rules)
        # A stable sort keeps file order (the user's file first) within each rank.
        ordered = sorted(rules, key=lambda r: r.rank)
        relations = {relation for rule in rules for relation in rule.relations}
        index = {relation: tuple(r for r in ordered if relation in r.relations) for relation in relations}
        return cls(rules, version, index)

    def role_for(
        self, schema: LabelSchema, event_type: str, lemma: str, relation: str, has_object: bool, filler_label: str | None
    ) -> str | None:
        """The role a filler in ``relation`` to the trigger takes, :data:`STOP`, or None.

        ``filler_label`` is the filler's entity label, or None for a plain noun phrase (which is
        labelled with its role's name, and so fits any role).
        """
        for rule in self.by_relation.get(relation, ()):
            if not rule.applies(event_type, lemma, has_object):
                continue
            if rule.labels is not None and filler_label not in rule.labels:
                continue
            if not rule.roles:
                return STOP
            for role in rule.roles:
                if schema.allows(event_type, role, filler_label or role):
                    return role
        return None


def _strings(value: Any, what: str, source: str, line: int | None, lower: bool = False) -> frozenset[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise RulesFileError(source, line, f"{what} must be a word or a list of words")
    return frozenset(v.strip().lower() if lower else v.strip() for v in values)


def parse_argument_rules(text: str, source: str = ARGUMENT_RULES_FILE) -> tuple[list[ArgumentRule], str]:
    """The rules of one argument rules file, in file order, and its version."""
    data = _load_toml(text, source)
    _check_keys(data, {"version", "rule"}, "the file", source, None)
    specs = data.get("rule", [])
    if not isinstance(specs, list):
        raise RulesFileError(source, None, "rules must be written as [[rule]] tables")
    rules = []
    for index, spec in enumerate(specs):
        where = f"rule {index + 1}"

        def line(key: str | None = None) -> int | None:
            return _array_table_line(text, "rule", index, key)

        if not isinstance(spec, dict):
            raise RulesFileError(source, line(), f"{where} must be a table")
        _check_keys(spec, {"relation", "roles", "labels", "type", "lemma", "intransitive"}, where, source, line())
        relations = _strings(spec.get("relation"), f"{where}: relation", source, line("relation"))
        if relations is None:
            raise RulesFileError(source, line(), f"{where}: relation is missing (e.g. relation = \"subject\")")
        for relation in sorted(relations):
            if relation not in RELATIONS and not _PREP_RELATION.match(relation):
                raise RulesFileError(
                    source, line("relation"),
                    f"{where}: unknown relation {relation!r} (expected {', '.join(RELATIONS)} or prep:WORD, e.g. prep:to)",
                )
        roles = spec.get("roles")
        if not isinstance(roles, list) or not all(isinstance(r, str) and r.strip() for r in roles):
            raise RulesFileError(source, line("roles"), f"{where}: roles must be a list of role names (empty: fills no role)")
        intransitive = spec.get("intransitive", False)
        if not isinstance(intransitive, bool):
            raise RulesFileError(source, line("intransitive"), f"{where}: intransitive must be true or false")
        rules.append(
            ArgumentRule(
                relations,
                tuple(r.strip() for r in roles),
                _labels(spec.get("labels"), f"{where}: labels", source, line("labels")),
                _strings(spec.get("type"), f"{where}: type", source, line("type")),
                _strings(spec.get("lemma"), f"{where}: lemma", source, line("lemma"), lower=True),
                intransitive,
            )
        )
    return rules, str(data.get("version", ""))


# -- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The lexicon and the argument rules in force, and what they were made from."""

    lexicon: TriggerLexicon
    arguments: ArgumentRules
    fingerprint: str
    """A short hash of every file's text: layer info records it, so a change is visible."""
    sources: tuple[str, ...]

    @property
    def version(self) -> str:
        return f"triggers {self.lexicon.version or '?'}, rules {self.arguments.version or '?'}"


def _user_file(name: str) -> tuple[str, str] | None:
    path = user_rules_dir() / name
    if not path.is_file():
        return None
    try:
        return path.read_bytes().decode("utf-8-sig"), str(path)
    except OSError as error:
        raise RulesFileError(str(path), None, f"cannot read the file: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise RulesFileError(str(path), None, "the file is not valid UTF-8 text") from None


def load_rules() -> Rules:
    """The bundled lexicon and rules, extended by the user's files; raises :class:`RulesFileError`."""
    texts: list[tuple[str, str]] = []
    trigger_files = []
    rule_files: list[tuple[list[ArgumentRule], str]] = []
    for name, parse, target in (
        (TRIGGERS_FILE, parse_triggers, trigger_files),
        (ARGUMENT_RULES_FILE, parse_argument_rules, rule_files),
    ):
        user = _user_file(name)
        for text, source in ([user] if user else []) + [(resource_text(name), name)]:
            texts.append((text, source))
            target.append(parse(text, source))  # type: ignore[operator]
    digest = hashlib.sha256("\x00".join(text for text, _ in texts).encode("utf-8")).hexdigest()[:12]
    argument_rules = ArgumentRules.of(
        (rule for rules, _ in rule_files for rule in rules), "+".join(v for _, v in reversed(rule_files) if v)
    )
    return Rules(build_lexicon(trigger_files), argument_rules, digest, tuple(source for _, source in texts))
