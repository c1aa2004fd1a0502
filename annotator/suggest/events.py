"""Events in a parsed spaCy ``Doc``: triggers from the lexicon, arguments from the dependency parse.

A trigger is a verb or noun whose lemma the lexicon lists (a phrasal verb needs its particle,
a conditional entry its condition). Its arguments are the words in a relation to it (subject,
object, a preposition's noun, a date in its clause, ...) that the argument rules map onto a role
the schema allows. An argument is the entity suggestion that contains its head word, else its
noun phrase; coordinated words ("Blinken and Austin") are one argument each.

Offsets returned are code points into the text, shifted by ``offset`` (a chunk's start).
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from annotator.model.annotations import Argument, Span
from annotator.model.schema import LabelSchema
from annotator.suggest.rules import STOP, ArgumentRules, TriggerEntry, TriggerLexicon

FoundEvent = tuple[Span, tuple[Argument, ...]]
"""A trigger (labelled with its event type) and its arguments."""

EntitySpans = Sequence[tuple[int, int, str]]
"""Entity suggestions as ``(first token, end token, label)`` in the schema's labels."""

NAME_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})
"""spaCy labels of names: "Attack" in "the Pearl Harbor Attack Memorial" announces nothing."""

_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
_CLAUSE_HEADS = frozenset({"VERB", "AUX"})
_RELATIVE_PRONOUNS = frozenset({"WDT", "WP", "WP$"})
# Dependents that are not part of a noun phrase: other conjuncts, relative and other clauses, appositions.
_OUTSIDE_PHRASE = frozenset({"conj", "cc", "relcl", "acl", "appos", "advcl", "parataxis", "punct", "preconj"})
_OBJECT_RELATIONS = frozenset({"object", "prep:of"})
_EDGE_TRIM = frozenset({"PUNCT", "ADP", "CCONJ", "SCONJ", "SPACE", "SYM"})
_DIRECTIONS = frozenset({"from", "to", "into", "toward", "towards"})
_MAX_PHRASE_TOKENS = 16
_MAX_TIME_PATH = 8


class _Doc:
    """The parsed document, its entity suggestions per token, and the rules; one per chunk."""

    def __init__(self, doc: Any, entities: EntitySpans, rules: ArgumentRules, schema: LabelSchema, offset: int):
        self.doc = doc
        self.entities = list(entities)
        self.entity_at = [-1] * len(doc)
        for index, (start, end, _label) in enumerate(self.entities):
            for i in range(start, end):
                self.entity_at[i] = index
        self.rules = rules
        self.schema = schema
        self.offset = offset

    def char_span(self, first: int, last: int, label: str) -> Span:
        doc = self.doc
        return Span(doc[first].idx + self.offset, doc[last].idx + len(doc[last]) + self.offset, label)

    def entity_of(self, token: Any) -> int:
        """The entity suggestion containing ``token``, or one in apposition to it ("the capital Kabul")."""
        index = self.entity_at[token.i]
        if index < 0 and token.pos_ != "PROPN":
            for child in token.children:
                if child.dep_ == "appos" and self.entity_at[child.i] >= 0:
                    return self.entity_at[child.i]
        return index


def extract_events(
    doc: Any, entities: EntitySpans, lexicon: TriggerLexicon, rules: ArgumentRules, schema: LabelSchema, offset: int = 0
) -> list[FoundEvent]:
    """Every event the lexicon and rules find in ``doc`` (which needs lemmas, parts of speech and a parse)."""
    if not (doc.has_annotation("DEP") and doc.has_annotation("POS") and doc.has_annotation("LEMMA")):
        return []
    context: _Doc | None = None
    found: list[FoundEvent] = []
    for token in doc:
        pos = token.pos_
        if pos != "VERB" and pos != "NOUN":
            continue
        entries = lexicon.lookup(token.lemma_.lower(), pos)
        if not entries or token.ent_type_ in NAME_LABELS:
            continue
        if context is None:
            context = _Doc(doc, entities, rules, schema, offset)
        entry = _matching_entry(context, token, entries)
        if entry is None:
            continue
        trigger = Span(token.idx + offset, token.idx + len(token) + offset, entry.type)
        found.append((trigger, tuple(_arguments(context, token, entry))))
    return found


def _matching_entry(context: _Doc, token: Any, entries: Sequence[TriggerEntry]) -> TriggerEntry | None:
    particles = {child.lower_ for child in token.children if child.dep_ == "prt"}
    for entry in entries:
        if entry.particle is not None and entry.particle not in particles:
            continue
        if entry.subject is not None and not _any_labelled(context, _subjects(token), entry.subject):
            continue
        if entry.object is not None and not _any_labelled(context, _objects(token), entry.object):
            continue
        return entry
    return None


def _any_labelled(context: _Doc, candidates: list[tuple[str, Any]], labels: frozenset[str]) -> bool:
    for _relation, head in candidates:
        for word in _conjuncts(head):
            index = context.entity_of(word)
            if index >= 0 and context.entities[index][2] in labels:
                return True
    return False


# -- relations --------------------------------------------------------------------------------


def _subjects(token: Any) -> list[tuple[str, Any]]:
    """``(relation, head word)`` of the trigger's subject, its own or the one it shares."""
    found = []
    for child in token.children:
        if child.dep_ in ("nsubj", "csubj"):
            # "officials who were killed": the relative pronoun stands for the noun it follows.
            head = token.head if child.tag_ in _RELATIVE_PRONOUNS and token.dep_ == "relcl" else child
            found.append(("subject", head))
        elif child.dep_ in ("nsubjpass", "csubjpass"):
            head = token.head if child.tag_ in _RELATIVE_PRONOUNS and token.dep_ == "relcl" else child
            found.append(("passive_subject", head))
    if found or token.pos_ != "VERB":
        return found
    passive = any(child.dep_ == "auxpass" for child in token.children)
    if token.dep_ in ("conj", "xcomp") and token.head is not token and token.head.pos_ in _CLAUSE_HEADS:
        # "will be deployed ... and will comprise", "continues to make": the subject is shared.
        shared = [head for _relation, head in _subjects(token.head)]
        return [("passive_subject" if passive else "subject", head) for head in shared]
    if token.dep_ == "acl" and token.head.pos_ in _NOMINAL:
        # "a stampede fleeing the Taliban", "the troops deployed to Kabul".
        return [("passive_subject" if token.tag_ == "VBN" else "subject", token.head)]
    if token.dep_ == "advcl" and token.tag_ == "VBG" and not any(c.dep_ == "mark" for c in token.children):
        # "the insurgents are undertaking a campaign, targeting officials": the main clause's subject.
        return [("subject", head) for relation, head in _subjects(token.head) if relation == "subject"]
    return []


def _objects(token: Any) -> list[tuple[str, Any]]:
    """The direct object of a verb, or what a noun trigger is "of"; and a passive subject."""
    found = []
    for child in token.children:
        if child.dep_ == "dobj":
            found.append(("object", child))
        elif child.dep_ == "nsubjpass":
            found.append(("passive_subject", child))
        elif child.dep_ == "prep" and child.lower_ == "of" and token.pos_ == "NOUN":
            found.extend(("prep:of", grandchild) for grandchild in child.children if grandchild.dep_ == "pobj")
    return found


def _relations(context: _Doc, token: Any) -> Iterator[tuple[str, Any]]:
    """Every ``(relation, head word)`` in a structural relation to the trigger."""
    yield from _subjects(token)
    for child in token.children:
        dep = child.dep_
        if dep == "dobj":
            yield "object", child
            yield from _directions(child)
        elif dep == "agent":
            yield from (("agent", g) for g in child.children if g.dep_ == "pobj")
        elif (dep == "prep" or dep == "dative") and child.pos_ == "ADP":
            relation = "prep:" + child.lower_
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    yield relation, grandchild
                    if relation == "prep:of":
                        yield from _directions(grandchild)
        elif token.pos_ == "NOUN":
            if dep == "poss":
                yield "possessor", child
            elif dep in ("compound", "nmod", "amod") and context.entity_at[child.i] >= 0:
                yield "modifier", child
            elif dep == "compound" and child.pos_ == "NOUN":
                yield "compound", child  # "a bomb attack": a word, not an entity


def _directions(head: Any) -> Iterator[tuple[str, Any]]:
    """Where the object moves from or to, when the parser hung it on the object: "the evacuation of
    diplomats from the embassy" is an evacuation from the embassy."""
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in _DIRECTIONS:
            yield from (("prep:" + child.lower_, g) for g in child.children if g.dep_ == "pobj")


def _has_object(token: Any) -> bool:
    return any(child.dep_ == "dobj" for child in token.children)


# -- arguments --------------------------------------------------------------------------------


def _arguments(context: _Doc, token: Any, entry: TriggerEntry) -> list[Argument]:
    arguments: list[Argument] = []
    seen: set[tuple[str, int, int]] = set()
    used_entities: set[int] = set()
    lemma = token.lemma_.lower()
    has_object = _has_object(token)

    def add(role: str, span: Span) -> None:
        key = (role, span.start, span.end)
        if key not in seen:
            seen.add(key)
            arguments.append(Argument(role, span))

    for relation, head in _relations(context, token):
        for word in _conjuncts(head):
            if word.i == token.i:
                continue
            entity = context.entity_of(word)
            if entity >= 0:
                start, end, label = context.entities[entity]
                role = context.rules.role_for(context.schema, entry.type, lemma, relation, has_object, label)
                if role == STOP:
                    used_entities.add(entity)
                    continue
                if role is not None:
                    used_entities.add(entity)
                    add(role, context.char_span(start, end - 1, label))
                    continue
            first, last = _noun_phrase(context.doc, word, cut_directions=relation in _OBJECT_RELATIONS)
            if entity >= 0 and (first, last + 1) == context.entities[entity][:2]:
                continue  # the entity is the whole phrase, and its label fits no role here
            role = context.rules.role_for(context.schema, entry.type, lemma, relation, has_object, None)
            if role is not None and role != STOP:
                if entity >= 0:
                    used_entities.add(entity)
                add(role, context.char_span(first, last, role))
    for index in _entities_in_clause(context, token):
        if index in used_entities:
            continue
        start, end, label = context.entities[index]
        role = context.rules.role_for(context.schema, entry.type, lemma, "time", has_object, label)
        if role is not None and role != STOP:
            used_entities.add(index)
            add(role, context.char_span(start, end - 1, label))
    # News convention (ACE and its successors): an event takes the place and time its sentence
    # states even when they are no dependents of the trigger; the nearest one, and only for a role
    # the structural relations left empty.
    filled = {a.role for a in arguments}
    for index in sorted(_entities_in_sentence(context, token), key=lambda i: abs(context.entities[i][0] - token.i)):
        if index in used_entities:
            continue
        start, end, label = context.entities[index]
        role = context.rules.role_for(context.schema, entry.type, lemma, "sentence", has_object, label)
        if role is not None and role != STOP and role not in filled:
            filled.add(role)
            add(role, context.char_span(start, end - 1, label))
    return arguments


def _entities_in_sentence(context: _Doc, token: Any) -> list[int]:
    """Entity suggestions inside the trigger's sentence, the trigger itself left out."""
    sentence = token.sent
    found = []
    for i in range(sentence.start, sentence.end):
        index = context.entity_at[i]
        if index >= 0 and index not in found and not (context.entities[index][0] <= token.i < context.entities[index][1]):
            found.append(index)
    return found


def _conjuncts(head: Any) -> list[Any]:
    """``head`` and the words coordinated with it, each heading its own argument."""
    found = [head]
    for child in head.children:
        if child.dep_ == "conj" and child.pos_ in _NOMINAL:
            found.extend(_conjuncts(child))
        elif _is_inner_conjunct(head, child):
            found.extend(_conjuncts(child))
    return found


def _is_inner_conjunct(head: Any, child: Any) -> bool:
    """The small English parser attaches "Blinken and Austin" as Blinken (nmod, holding the "and")
    under Austin; two names joined by "and" are two participants all the same."""
    return (
        child.i < head.i
        and head.pos_ == "PROPN"
        and child.pos_ == "PROPN"
        and child.dep_ in ("nmod", "compound")
        and any(grandchild.dep_ == "cc" for grandchild in child.children)
    )


def _noun_phrase(doc: Any, head: Any, cut_directions: bool = False) -> tuple[int, int]:
    """First and last token of ``head``'s phrase without other conjuncts, clauses, edge punctuation
    (and, with ``cut_directions``, without a "from"/"to" phrase: see :func:`_directions`)."""
    first = last = head.i
    for child in reversed(list(head.lefts)):
        if child.dep_ in _OUTSIDE_PHRASE or _is_inner_conjunct(head, child):
            break
        first = min(first, child.left_edge.i)
    for child in head.rights:
        if child.dep_ in _OUTSIDE_PHRASE or (cut_directions and child.dep_ == "prep" and child.lower_ in _DIRECTIONS):
            break
        last = max(last, child.right_edge.i)
    if last - first >= _MAX_PHRASE_TOKENS:
        last = head.i
        first = max(first, head.i - _MAX_PHRASE_TOKENS + 1)
    while first < head.i and (doc[first].pos_ in _EDGE_TRIM or doc[first].is_space):
        first += 1
    while last > head.i and (doc[last].pos_ in _EDGE_TRIM or doc[last].is_space):
        last -= 1
    return first, last


def _entities_in_clause(context: _Doc, token: Any) -> Iterator[int]:
    """Entity suggestions whose head word depends on the trigger within its clause."""
    sentence = token.sent
    seen: set[int] = set()
    for i in range(sentence.start, sentence.end):
        index = context.entity_at[i]
        if index < 0 or index in seen:
            continue
        seen.add(index)
        start, end, _label = context.entities[index]
        word = context.doc[start:end].root
        for _step in range(_MAX_TIME_PATH):
            if word.head is word:
                break
            word = word.head
            if word.i == token.i:
                yield index
                break
            if word.pos_ in _CLAUSE_HEADS:
                break
