"""``annotator models --export NAME DIR``: a stored model becomes a spaCy pipeline folder that a fresh
process loads with ``spacy.load`` alone, giving the same entities and events as ``annotator suggest``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.learn.trainer import TrainOptions, train
from annotator.store.project import ProjectStore
from annotator.suggest.trained import choose_suggester

TEXT = "Yesterday the Eagles scored in the last minute in Boston, said John Smith.\n\nThe Hawks scored twice."

LOAD = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({
    "ents": [[e.start_char, e.end_char, e.label_] for e in doc.ents],
    "events": doc._.annotator_events,
    "user_data": doc.user_data["annotator_events"],
}))
"""


@pytest.fixture(scope="module")
def trained_project(tmp_path_factory: pytest.TempPathFactory, tiny_gold_maker) -> Path:
    path = tmp_path_factory.mktemp("export") / "trained.db"
    tiny_gold_maker(path)
    with ProjectStore.open(path) as store:
        report = train(store, TrainOptions(max_minutes=5.0, folds=2))
    assert report.model is not None
    return path


@pytest.mark.training
def test_an_exported_model_loads_in_a_fresh_process_and_suggests_what_the_app_suggests(trained_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "pipeline"
    result = CliRunner().invoke(main, ["--db", str(trained_project), "models", "--export", "trained:1", str(target)])
    assert result.exit_code == 0, result.output
    assert "Exported trained:1" in result.output and (target / "config.cfg").exists()
    assert [p.name for p in target.parent.iterdir()] == ["pipeline"]  # no scratch folder left behind

    # A fresh interpreter: nothing of annotator imported beforehand, spaCy finds the factory itself.
    run = subprocess.run([sys.executable, "-c", LOAD, str(target), TEXT], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout)

    with ProjectStore.open(trained_project) as store:
        suggester = choose_suggester(store, "trained:1").load(store.schema())  # type: ignore[arg-type]
    expected = suggester.suggest(TEXT, "h")
    assert loaded["ents"] == [[s.start, s.end, s.label] for s in expected.spans]
    events = [
        (e["trigger"]["start"], e["trigger"]["end"], e["type"], sorted((a["role"], a["start"], a["end"], a["label"]) for a in e["arguments"]))
        for e in loaded["events"]
    ]
    assert events == [
        (e.trigger.start, e.trigger.end, e.type, sorted((a.role, a.span.start, a.span.end, a.span.label) for a in e.arguments if a.span))
        for e in expected.events
    ]
    assert any(e["type"] == "Sport:Score" and e["trigger"]["text"] == "scored" for e in loaded["events"])
    confidences = [e["confidence"] for e in loaded["events"]]
    assert confidences == [e.confidence for e in expected.events] or all(
        abs((a or 0) - (b or 0)) < 1e-5 for a, b in zip(confidences, [e.confidence for e in expected.events])
    )
    assert loaded["user_data"] == loaded["events"]


def test_export_says_what_is_wrong_with_an_unknown_model_or_a_non_empty_folder(tmp_path: Path, tiny_gold_maker) -> None:
    db = tmp_path / "p.db"
    tiny_gold_maker(db)
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db), "models", "--export", "trained:7", str(tmp_path / "x")])
    assert result.exit_code != 0 and "no model 'trained:7'" in result.output and "none yet" in result.output
    assert not (tmp_path / "x").exists()
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    result = runner.invoke(main, ["--db", str(db), "models", "--export", "trained:7", str(full)])
    assert result.exit_code != 0 and "is not empty" in result.output, result.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert (full / "keep.txt").read_text() == "mine"
