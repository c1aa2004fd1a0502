"""The allocator tuning of suggesting processes: applied once, harmless to call again."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_memory_is_kept_for_the_next_batch() -> None:
    # In a child process, so the test run's own allocator is left alone.
    script = (
        "import resource\n"
        "from annotator.suggest.memory import keep_freed_memory\n"
        "assert keep_freed_memory() and keep_freed_memory()\n"
        "def churn():\n"
        "    for _ in range(10):\n"
        "        blocks = [bytearray(6 * 1024 * 1024) for _ in range(4)]\n"
        "        del blocks\n"
        "churn()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "churn()\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)\n"
    )
    tuned = int(subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout)
    untuned = int(subprocess.run(
        [sys.executable, "-c", script.replace("assert keep_freed_memory() and keep_freed_memory()\n", "")],
        check=True, capture_output=True, text=True,
    ).stdout)
    # 10 rounds of 24 MiB freed at once: ~60,000 pages faulted in again untuned (the heap is
    # trimmed after each round), almost none with the tuning.
    assert untuned > 30_000
    assert tuned < untuned / 10
