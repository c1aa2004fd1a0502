"""Trained models stored in the project file: saved in one go, listed, chosen, kept across reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.store.database import StoreError
from annotator.store.models import (
    UNTRAINED,
    current_model,
    find_model,
    list_models,
    model_blob,
    save_model,
    set_current_model,
)
from annotator.store.project import ProjectStore


def test_saved_models_are_named_listed_and_become_current(project_file: Path) -> None:
    with ProjectStore.open(project_file) as store:
        assert list_models(store) == [] and current_model(store) is None
        first = save_model(store, "gold", 12, "en_core_web_sm", {"trained": {"event_triggers": 0.5}}, b"one")
        second = save_model(store, "gold", 20, "en_core_web_sm", {}, b"second blob")
        assert (first.name, second.name) == (f"trained:{first.id}", f"trained:{second.id}")
        assert current_model(store) == second
    with ProjectStore.open(project_file) as store:
        models = list_models(store)
        assert [m.name for m in models] == [first.name, second.name]
        assert models[0].scores == {"trained": {"event_triggers": 0.5}} and models[0].documents == 12
        assert models[1].size == len(b"second blob")
        assert model_blob(store, first.id) == b"one"
        assert find_model(store, str(first.id)) == models[0]
        set_current_model(store, first.name)
        assert current_model(store) == models[0]
        set_current_model(store, UNTRAINED)
        assert current_model(store) is None
        with pytest.raises(StoreError, match="no model 'trained:99'"):
            set_current_model(store, "trained:99")


def test_a_failed_save_stores_nothing(store: ProjectStore) -> None:
    save_model(store, "gold", 3, "base", {}, b"kept")
    with pytest.raises(Exception):
        save_model(store, "gold", 3, "base", {"x": object()}, b"never")  # scores that cannot be JSON
    assert [m.name for m in list_models(store)] == ["trained:1"]
    assert current_model(store).name == "trained:1"  # type: ignore[union-attr]
