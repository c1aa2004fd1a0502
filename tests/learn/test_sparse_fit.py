"""The compact training examples and the logistic regression fitted on them."""

from __future__ import annotations

import numpy as np

from annotator.learn.sparse_fit import Examples, fit_linear


def _examples() -> Examples:
    examples = Examples()
    for n in range(30):
        # "w=attack" always means Attack, "w=patch" always Patch; each example also has a
        # feature of its own, seen once, and a repeated duplicate that must count once.
        examples.add(["w=attack", "w=attack", f"id={n}", "bias"], "Attack")
        examples.add(["w=patch", f"id=p{n}", "bias"], "Patch")
    examples.add(["w=other", "bias"], "none")
    examples.add(["w=other", "bias"], "none")
    return examples


def test_features_are_stored_once_per_example_as_numbers() -> None:
    examples = _examples()
    assert len(examples) == 62
    first = examples.rows[0]
    assert first.dtype == np.int32 and len(first) == 3  # the duplicate feature counts once
    assert examples.vocab["w=attack"] in set(first.tolist())


def test_the_fit_learns_the_labels_and_drops_features_of_one_example_when_asked() -> None:
    examples = _examples()
    everything = fit_linear(examples, c=10.0)
    common = fit_linear(examples, c=10.0, least=2)
    for model in (everything, common):
        assert model.classes == ["Attack", "Patch", "none"]
        probabilities = model.probabilities(["w=attack", "bias"])
        assert model.classes[int(np.argmax(probabilities))] == "Attack"
        assert model.classes[int(np.argmax(model.probabilities(["w=other", "bias"])))] == "none"
    assert any(name.startswith("id=") for name in everything.vocab)
    assert not any(name.startswith("id=") for name in common.vocab)
    assert set(common.vocab) <= {"w=attack", "w=patch", "w=other", "bias"}


def test_one_label_or_only_rare_features_still_make_a_model() -> None:
    single = Examples()
    single.add(["a"], "none")
    single.add(["b"], "none")
    assert fit_linear(single).classes == ["none"]
    rare = Examples()
    rare.add(["a"], "yes")
    rare.add(["b"], "no")
    model = fit_linear(rare, least=2)  # nothing occurs twice: all features are kept, not none
    assert model.classes[int(np.argmax(model.probabilities(["a"])))] == "yes"
