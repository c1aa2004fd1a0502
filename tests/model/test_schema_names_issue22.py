"""Issue 22: invisible and text-direction characters are refused by the naming rule, with a name."""

from annotator.model.schema import name_problem, suggested_name


def test_invisible_and_bidirectional_characters_are_refused_with_a_suggestion() -> None:
    for bad in ("PER\u200bSON", "ORG\u202e", "\u2066LOC\u2069", "GPE\ufeff"):
        problem = name_problem(bad)
        assert problem is not None and "invisible or text-direction" in problem
        assert name_problem(suggested_name(bad)) is None
    assert name_problem("Conflict:Attack") is None and name_problem("Ünïcödé") is None
