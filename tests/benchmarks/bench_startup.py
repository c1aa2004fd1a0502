"""Benchmark: start-up of the bundled app (dist/annotator/) against the venv install.

Times, alternating bundle and venv runs in the same session, each from a fresh process and HOME:

* window: from launch until the main window is mapped on an X server (Xvfb; found with
  ``xdotool search --onlyvisible``), on a project holding the seed articles;
* cli: ``annotator --version`` to exit (imports the command line, not Qt or spaCy);
* suggest: ``annotator suggest`` on a fresh copy of the project (loads spaCy and the pipeline).

Prints the median, min-max of each and the ratio bundle/venv. The file cache is warm (a shared
machine: caches are not dropped), so "cold" means a new process, not a cold disk.

    python tests/benchmarks/bench_startup.py [--runs 7] [--bundle dist/annotator/annotator] [--venv .venv/bin/annotator]

Needs Debian's ``xvfb`` and ``xdotool`` (and Qt's xcb libraries, see shared NOTES).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def start_xvfb() -> tuple[subprocess.Popen, str]:
    for number in range(91, 120):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(100):
                if Path(f"/tmp/.X11-unix/X{number}").exists():
                    return server, f":{number}"
                time.sleep(0.05)
            server.kill()
    raise SystemExit("no free X display for Xvfb")


def clean_env(home: Path, display: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "DISPLAY": display,
            "ANNOTATOR_ANNOTATOR": "bench"}


def time_window(executable: Path, db: Path, display: str, work: Path) -> float:
    home = Path(tempfile.mkdtemp(dir=work))
    env = clean_env(home, display)
    started = time.perf_counter()
    errors = home / "stderr.txt"
    with errors.open("w") as stderr:
        app = subprocess.Popen([str(executable), str(db)], env=env, stdout=subprocess.DEVNULL,
                               stderr=stderr, start_new_session=True)
    try:
        while time.perf_counter() - started < 120:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "annotator"],
                                   env={"DISPLAY": display}, capture_output=True, text=True)
            if found.stdout.strip():
                return time.perf_counter() - started
            if app.poll() is not None:
                raise SystemExit(f"{executable} exited with {app.returncode} before showing a window:\n"
                                 + errors.read_text(errors="replace")[-3000:])
            time.sleep(0.01)
        raise SystemExit(f"{executable}: no window after 120 s")
    finally:
        try:
            os.killpg(app.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        app.wait()


def time_command(executable: Path, args: list[str], work: Path, display: str) -> float:
    home = Path(tempfile.mkdtemp(dir=work))
    started = time.perf_counter()
    subprocess.run([str(executable), *args], env=clean_env(home, display), check=True, capture_output=True)
    return time.perf_counter() - started


def summary(name: str, bundle: list[float], venv: list[float]) -> str:
    b, v = statistics.median(bundle), statistics.median(venv)
    return (f"{name:8s} bundle {b:6.2f} s ({min(bundle):.2f}-{max(bundle):.2f})   venv {v:6.2f} s "
            f"({min(venv):.2f}-{max(venv):.2f})   ratio bundle/venv {b / v:.2f}   n={len(bundle)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / "annotator" / "annotator")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv" / "bin" / "annotator")
    args = parser.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install xvfb xdotool")
    server, display = start_xvfb()
    work = Path(tempfile.mkdtemp(prefix="annotator-bench-startup-"))
    try:
        db = work / "news.annotator"
        subprocess.run([str(args.bundle), "--db", str(db), "import", str(REPO / "seeds")],
                       env=clean_env(work, display), check=True, capture_output=True)
        results: dict[str, dict[str, list[float]]] = {k: {"bundle": [], "venv": []} for k in ("window", "cli", "suggest")}
        for run in range(args.runs):
            # Alternate which goes first, so neither always profits from the other's warm cache.
            order = [("bundle", args.bundle), ("venv", args.venv)]
            for kind, executable in order if run % 2 == 0 else reversed(order):
                results["window"][kind].append(time_window(executable, db, display, work))
                results["cli"][kind].append(time_command(executable, ["--version"], work, display))
                copy = work / f"suggest-{kind}-{run}.annotator"
                shutil.copy2(db, copy)
                results["suggest"][kind].append(
                    time_command(executable, ["--db", str(copy), "suggest", "--processes", "1"], work, display))
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
        for name, values in results.items():
            print(summary(name, values["bundle"], values["venv"]))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
