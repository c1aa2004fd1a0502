"""Triggers and arguments on hand-built parses (spaCy's own test style: no trained model).

Each sentence is written as one line per token: word, lemma, part of speech, dependency, head
index, entity (IOB) and, where it matters, the fine-grained tag.
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from annotator.app.bundled import default_schema
from annotator.model.schema import LabelSchema
from annotator.suggest.events import extract_events
from annotator.suggest.rules import load_rules
from annotator.suggest.tokenizer import blank_english

RULES = load_rules()
SCHEMA = default_schema()


def parse(table: str) -> Doc:
    rows = [line.split() for line in table.strip().splitlines()]
    words = [r[0] for r in rows]
    return Doc(
        blank_english().vocab,
        words=words,
        spaces=[True] * (len(words) - 1) + [False],
        lemmas=[r[1] for r in rows],
        pos=[r[2] for r in rows],
        deps=[r[3] for r in rows],
        heads=[int(r[4]) for r in rows],
        ents=[r[5] for r in rows],
        tags=[r[6] if len(r) > 6 else "" for r in rows],
    )


def events(doc: Doc, schema: LabelSchema = SCHEMA, offset: int = 0) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """``(trigger text, type, [(role, argument text, label), ...])`` for each event found."""
    entities = [(e.start, e.end, e.label_) for e in doc.ents]
    text = " " * offset + doc.text
    found = extract_events(doc, entities, RULES.lexicon.restricted_to(schema), RULES.arguments, schema, offset)
    return [
        (text[t.start : t.end], t.label, [(a.role, text[a.span.start : a.span.end], a.span.label) for a in args])
        for t, args in found
    ]


MEETING = """
Blinken  blinken PROPN nsubj 3 B-PERSON
and      and     CCONJ cc    0 O
Austin   austin  PROPN conj  0 B-PERSON
met      meet    VERB  ROOT  3 O
with     with    ADP   prep  3 O
Ghani    ghani   PROPN pobj  4 B-PERSON
on       on      ADP   prep  3 O
Thursday thursday PROPN pobj 6 B-DATE
.        .       PUNCT punct 3 O
"""


def test_coordinated_subjects_are_one_argument_each() -> None:
    assert events(parse(MEETING)) == [
        (
            "met",
            "Contact:Meet",
            [("Entity", "Blinken", "PERSON"), ("Entity", "Austin", "PERSON"), ("Entity", "Ghani", "PERSON"), ("Time", "Thursday", "DATE")],
        )
    ]


def test_names_joined_by_and_under_one_head_are_still_two_participants() -> None:
    # How the small English pipeline parses "Blinken and Lloyd Austin met Ghani".
    doc = parse("""
Blinken blinken PROPN nmod     3 B-PERSON
and     and     CCONJ cc       0 O
Lloyd   lloyd   PROPN compound 3 B-PERSON
Austin  austin  PROPN nsubj    4 I-PERSON
met     meet    VERB  ROOT     4 O
Ghani   ghani   PROPN dobj     4 B-PERSON
""")
    assert events(doc) == [
        ("met", "Contact:Meet", [("Entity", "Lloyd Austin", "PERSON"), ("Entity", "Blinken", "PERSON"), ("Entity", "Ghani", "PERSON")])
    ]


def test_a_passive_subject_is_what_moves_and_a_noun_phrase_is_labelled_by_its_role() -> None:
    doc = parse("""
The      the     DET   det       1 O
troops   troop   NOUN  nsubjpass 4 O
will     will    AUX   aux       4 O
be       be      AUX   auxpass   4 O
deployed deploy  VERB  ROOT      4 O VBN
to       to      ADP   prep      4 O
Kabul    kabul   PROPN pobj      5 B-GPE
.        .       PUNCT punct     4 O
""")
    assert events(doc) == [("deployed", "Movement:Transport", [("Artifact", "The troops", "Artifact"), ("Destination", "Kabul", "GPE")])]
    assert events(doc, offset=100)[0][2][1] == ("Destination", "Kabul", "GPE")  # offsets shift with the chunk


def test_in_a_place_is_a_destination_for_arrive_and_a_place_for_attack() -> None:
    arrive = parse("""
2,000    2,000    NUM   nsubj 1 B-CARDINAL
arrived  arrive   VERB  ROOT  1 O
in       in       ADP   prep  1 O
Qatar    qatar    PROPN pobj  2 B-GPE
""")
    attack = parse("""
Rebels   rebel    NOUN  nsubj 1 O
attacked attack   VERB  ROOT  1 O
in       in       ADP   prep  1 O
Kabul    kabul    PROPN pobj  2 B-GPE
""")
    assert events(arrive) == [("arrived", "Movement:Transport", [("Artifact", "2,000", "CARDINAL"), ("Destination", "Qatar", "GPE")])]
    assert events(attack) == [("attacked", "Conflict:Attack", [("Attacker", "Rebels", "Attacker"), ("Place", "Kabul", "GPE")])]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            """
Militants militant NOUN  nsubj 1 O
took      take     VERB  ROOT  1 O
over      over     ADP   prt   1 O
Kabul     kabul    PROPN dobj  1 B-GPE
""",
            [("took", "Conflict:Attack", [("Attacker", "Militants", "Attacker"), ("Target", "Kabul", "GPE")])],
        ),
        ("They they PRON nsubj 1 O\ntake take VERB ROOT 1 O\nsteps step NOUN dobj 1 O", []),
        ("They they PRON nsubj 1 O\ntook take VERB ROOT 1 O\nKabul kabul PROPN dobj 1 B-GPE", [("took", "Conflict:Attack", [("Attacker", "They", "Attacker"), ("Target", "Kabul", "GPE")])]),
        (
            """
Kabul   kabul   PROPN nsubj 1 B-GPE
fell    fall    VERB  ROOT  1 O
to      to      ADP   prep  1 O
the     the     DET   det   4 O
Taliban taliban PROPN pobj  2 B-ORG
""",
            [("fell", "Conflict:Attack", [("Target", "Kabul", "GPE"), ("Attacker", "Taliban", "ORG")])],
        ),
        ("Prices price NOUN nsubj 1 O\nfell fall VERB ROOT 1 O", []),
    ],
    ids=["take-over", "take-steps", "take-a-city", "a-city-falls", "prices-fall"],
)
def test_particles_and_conditions(table: str, expected: list) -> None:
    assert events(parse(table)) == expected


def test_relative_clauses_stay_out_of_the_phrase_and_fleeing_the_taliban_fills_nothing() -> None:
    doc = parse("""
Citizens citizen NOUN  nsubj 5 O
who      who     PRON  nsubj 2 O WP
lived    live    VERB  relcl 0 O
in       in      ADP   prep  2 O
Kabul    kabul   PROPN pobj  3 B-GPE
fled     flee    VERB  ROOT  5 O
the      the     DET   det   7 O
Taliban  taliban PROPN dobj  5 B-ORG
.        .       PUNCT punct 5 O
""")
    assert events(doc) == [("fled", "Movement:Transport", [("Artifact", "Citizens", "Artifact")])]


def test_a_from_phrase_hung_on_the_object_is_the_origin() -> None:
    doc = parse("""
the        the        DET  det   1 O
evacuation evacuation NOUN ROOT  1 O
of         of         ADP  prep  1 O
diplomats  diplomat   NOUN pobj  2 O
from       from       ADP  prep  3 O
the        the        DET  det   6 O
embassy    embassy    NOUN pobj  4 O
""")
    assert events(doc) == [
        ("evacuation", "Movement:Transport", [("Artifact", "diplomats", "Artifact"), ("Origin", "the embassy", "Origin")])
    ]


def test_an_adverbial_participle_shares_the_main_subject() -> None:
    doc = parse("""
Insurgents insurgent NOUN  nsubj 1 O
raided     raid      VERB  ROOT  1 O
Kabul      kabul     PROPN dobj  1 B-GPE
,          ,         PUNCT punct 1 O
targeting  target    VERB  advcl 1 O VBG
officials  official  NOUN  dobj  4 O
""")
    assert events(doc)[1] == ("targeting", "Conflict:Attack", [("Attacker", "Insurgents", "Attacker"), ("Target", "officials", "Target")])


def test_the_schema_decides_types_roles_and_labels() -> None:
    schema = LabelSchema.from_dict(
        {
            "entities": {"GPE": {"color": "#111111"}, "LOC": {"color": "#222222"}},
            "events": {"Movement:Transport": {"color": "#333333", "roles": {"Destination": ["LOC"]}}},
            "label_map": {"GPE": "GPE"},
        }
    )
    doc = parse(MEETING)
    assert events(doc, schema) == []  # no Contact:Meet in this schema
    deployed = parse("""
Troops  troop   NOUN  nsubj 1 O
deployed deploy VERB  ROOT  1 O
to      to      ADP   prep  1 O
Kabul   kabul   PROPN pobj  2 B-GPE
""")
    # No Agent or Artifact role, and a GPE may not be this schema's Destination.
    assert events(deployed, schema) == [("deployed", "Movement:Transport", [])]


def test_a_trigger_word_inside_a_name_is_no_trigger() -> None:
    doc = parse("""
The      the      DET   det      2 B-FAC
Attack   attack   NOUN  compound 2 I-FAC
Memorial memorial PROPN nsubj    3 I-FAC
opened   open     VERB  ROOT     3 O
""")
    assert events(doc) == []


def test_a_text_without_a_parse_gives_no_events() -> None:
    doc = blank_english()("Troops were deployed to Kabul.")
    assert extract_events(doc, [], RULES.lexicon, RULES.arguments, SCHEMA) == []
