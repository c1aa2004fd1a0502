"""The trigger lexicon and argument rules: the bundled files, a user's additions, clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.app.bundled import default_schema
from annotator.model.schema import LabelSchema
from annotator.suggest.rules import (
    STOP,
    RulesFileError,
    load_rules,
    parse_argument_rules,
    parse_triggers,
    user_rules_dir,
)


def test_bundled_files_load_with_the_issue_examples() -> None:
    rules = load_rules()
    lexicon = rules.lexicon
    for lemma in ("send", "deploy", "evacuate", "flee", "arrive", "relocate", "withdraw", "leave"):
        assert [e.type for e in lexicon.lookup(lemma, "VERB")] == ["Movement:Transport"], lemma
    assert lexicon.lookup("evacuation", "NOUN")[0].type == "Movement:Transport"
    assert lexicon.lookup("talk", "NOUN")[0].type == "Contact:Meet"  # the lemma of "talks"
    take = lexicon.lookup("take", "VERB")
    assert take[0].particle == "over" and take[0].type == "Conflict:Attack"  # phrasal entry tried first
    assert take[1].particle is None and take[1].object == {"GPE", "LOC", "FAC"}
    assert lexicon.lookup("fall", "VERB")[0].subject == {"GPE", "LOC", "FAC"}
    assert lexicon.lookup("steps", "NOUN") == ()
    assert "triggers" in rules.version and len(rules.fingerprint) == 12


def _user_file(name: str, text: str) -> Path:
    folder = user_rules_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_files_extend_and_override_the_bundled_ones() -> None:
    assert str(user_rules_dir()).startswith(os.environ["XDG_CONFIG_HOME"])
    before = load_rules()
    _user_file(
        "triggers.toml",
        '[events."Conflict:Attack"]\nverbs = ["torch", "leave"]\n\n[ignore]\nnouns = ["evacuation"]\n',
    )
    _user_file(
        "argument_rules.toml",
        '[[rule]]\nlemma = "torch"\nrelation = "object"\nroles = ["Target"]\n',
    )
    rules = load_rules()
    assert rules.lexicon.lookup("torch", "VERB")[0].type == "Conflict:Attack"
    assert [e.type for e in rules.lexicon.lookup("leave", "VERB")] == ["Conflict:Attack"]  # replaced, not added
    assert rules.lexicon.lookup("evacuation", "NOUN") == ()
    assert rules.lexicon.lookup("deploy", "VERB")  # the bundled entries stay
    assert rules.fingerprint != before.fingerprint
    assert any(source.endswith("triggers.toml") and source != "triggers.toml" for source in rules.sources)
    schema = default_schema()
    assert rules.arguments.role_for(schema, "Conflict:Attack", "torch", "object", True, None) == "Target"


def test_an_error_in_a_user_file_names_file_line_and_entry() -> None:
    path = _user_file("argument_rules.toml", 'version = "1"\n\n[[rule]]\nrelation = "subject"\nroles = ["Agent"]\n\n[[rule]]\nrelation = "subj"\nroles = []\n')
    with pytest.raises(RulesFileError) as error:
        load_rules()
    assert str(error.value).startswith(f"{path}, line 8: rule 2: unknown relation 'subj'")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[events."A:B"]\nverbs = ["go"]\n[events."C:D"]\nverbs = ["go"]\n', "line 4: 'go' (verb) is listed under both 'A:B' and 'C:D'"),
        ('[events."A:B"]\nnouns = ["phone call"]\n', "line 2: nouns of 'A:B': 'phone call': only verbs can have a particle"),
        ('[events."A:B"]\nverbs = ["go"]\nadjectives = ["gone"]\n', "line 1: event type 'A:B': unknown setting 'adjectives'"),
        ('[[conditional]]\nlemma = "fall"\npos = "adverb"\ntype = "A:B"\nsubject = ["GPE"]\n', "line 3: conditional entry 1: pos must be"),
        ('[[conditional]]\nlemma = "fall"\npos = "verb"\ntype = "A:B"\n', "line 1: conditional entry 1: give a condition"),
        ('[[conditional]]\npos = "verb"\nlemma = "fall down hard"\ntype = "A:B"\n', "line 3: conditional entry 1: 'fall down hard' is not a word"),
        ('[events."A:B"\nverbs = ["go"]\n', "line 1: invalid TOML"),
    ],
)
def test_trigger_file_mistakes(text: str, message: str) -> None:
    with pytest.raises(RulesFileError) as error:
        parse_triggers(text, "mine.toml")
    assert str(error.value).startswith(f"mine.toml, {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\nroles = ["Agent"]\n', "line 1: rule 1: relation is missing"),
        ('[[rule]]\nrelation = "subject"\nroles = "Agent"\n', "line 3: rule 1: roles must be a list"),
        ('[[rule]]\nrelation = "subject"\nroles = []\nlabels = "GPE"\n', "line 4: rule 1: labels must be a list"),
        ('[[rule]]\nrelation = "subject"\nroles = []\nintransitive = "yes"\n', "line 4: rule 1: intransitive must be true or false"),
        ('[[rule]]\nrelation = "prep:"\nroles = []\n', "line 2: rule 1: unknown relation 'prep:'"),
        ('[rule]\nrelation = "subject"\n', "rules must be written as [[rule]] tables"),
    ],
)
def test_argument_rule_file_mistakes(text: str, message: str) -> None:
    with pytest.raises(RulesFileError) as error:
        parse_argument_rules(text, "mine.toml")
    assert message in str(error.value)


def test_most_specific_rule_wins_and_labels_and_schema_decide() -> None:
    schema = default_schema()
    arguments = load_rules().arguments

    def role(event_type: str, lemma: str, relation: str, label: str | None, has_object: bool = False) -> str | None:
        return arguments.role_for(schema, event_type, lemma, relation, has_object, label)

    # "arrived in the United States": a destination; "attacked in Kabul": a place.
    assert role("Movement:Transport", "arrive", "prep:in", "GPE") == "Destination"
    assert role("Conflict:Attack", "attack", "prep:in", "GPE") == "Place"
    # "in" + something that is not a place fills nothing.
    assert role("Conflict:Attack", "attack", "prep:in", "DATE") is None
    assert role("Conflict:Attack", "attack", "prep:in", None) is None
    # Subjects: the first role the type has.
    assert role("Conflict:Attack", "attack", "subject", "ORG") == "Attacker"
    assert role("Contact:Meet", "meet", "subject", "PERSON") == "Entity"
    assert role("Movement:Transport", "send", "subject", "PERSON", has_object=True) == "Agent"
    assert role("Movement:Transport", "move", "subject", None) == "Artifact"  # intransitive: what moves
    assert role("Movement:Transport", "leave", "subject", None, has_object=True) == "Artifact"
    # "fleeing the Taliban": the object of flee is only ever where they flee from.
    assert role("Movement:Transport", "flee", "object", "GPE") == "Origin"
    assert role("Movement:Transport", "flee", "object", "ORG") == STOP
    # The schema decides which labels fit: a DATE never becomes an Attacker.
    assert role("Conflict:Attack", "attack", "subject", "DATE") is None
    assert role("Movement:Transport", "deploy", "time", "DATE") == "Time"


def test_types_the_schema_lacks_are_not_triggers() -> None:
    schema = LabelSchema.from_dict(
        {
            "entities": {"GPE": {"color": "#111111"}},
            "events": {"Conflict:Attack": {"color": "#222222", "roles": {"Target": ["GPE"]}}},
        }
    )
    lexicon = load_rules().lexicon.restricted_to(schema)
    assert lexicon.lookup("attack", "VERB")[0].type == "Conflict:Attack"
    assert lexicon.lookup("deploy", "VERB") == ()
