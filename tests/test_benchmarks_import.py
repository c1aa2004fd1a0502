"""Every module in ``tests/benchmarks/`` imports (none breaks silently), and importing runs nothing.

The benchmarks are run by hand, outside the default test run, so a renamed helper they import
(``bench_train.py`` once imported a ``CPU_SECONDS`` that ``bench_suggest.py`` no longer had) would
go unnoticed until someone needed the figures. Each module is imported in a fresh interpreter, as
``python tests/benchmarks/NAME.py`` would see it, but under its own name, so its ``main()`` (behind
``if __name__ == "__main__"``) does not run: an import that printed or took long would mean a
benchmark ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent / "benchmarks"
MODULES = sorted(p.stem for p in BENCHMARKS.glob("*.py"))

IMPORT = """
import importlib, sys, time
sys.path.insert(0, sys.argv[1])
started = time.perf_counter()
importlib.import_module(sys.argv[2])
print(f"{time.perf_counter() - started:.1f}", file=sys.stderr)
"""


def test_benchmark_folder_is_not_empty() -> None:
    assert "bench_train" in MODULES and "eval_learn" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_benchmark_module_imports_without_running(module: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", IMPORT, str(BENCHMARKS), module], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, f"importing tests/benchmarks/{module}.py failed:\n{done.stderr[-2000:]}"
    # A benchmark prints its figures; importing one must print nothing.
    assert done.stdout == "", f"importing tests/benchmarks/{module}.py printed (did it run?):\n{done.stdout[-1000:]}"
