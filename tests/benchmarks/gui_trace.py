"""What the window's thread does, measured in CPU time rather than wall time (load-insensitive).

:class:`GuiThreadTrace` wraps each ``processEvents`` call of a benchmark's event loop: it reads
the thread's CPU clock before and after and profiles the call with ``cProfile``. A call that
used more than ``threshold_ms`` of the GUI thread's CPU is one *work item*; its cause is the
Python handlers Qt called directly (the callers' entry is ``processEvents``), the heaviest
function inside, and any time not spent in Python (Qt's own painting and layout). Garbage
collections are timed through ``gc.callbacks``, and the CPU time of the process's other threads
(a Python thread holding the GIL starves the window) is read from ``/proc``.

The profiler slows Python code down (about 1.5x), so item sizes are upper bounds; the list
says *what* runs on the GUI thread and how often, which load on the machine does not change.
"""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass
class WorkItem:
    cpu_ms: float
    wall_ms: float
    handlers: list[tuple[str, float]]
    """Top-level Python handlers Qt called in this turn, with their cumulative ms."""
    heaviest: str
    qt_ms: float
    """CPU ms of the turn spent outside Python handlers (Qt's own work)."""
    top: list[str] = field(default_factory=list)
    """The functions with the most cumulative CPU in the turn."""

    def cause(self) -> str:
        if not self.handlers or self.qt_ms > self.cpu_ms / 2:
            return "Qt (no Python handler): paint/layout/events"
        return " + ".join(name for name, _ in self.handlers[:2])


@dataclass
class GuiThreadTrace:
    threshold_ms: float = 5.0
    verbose: bool = False
    items: list[WorkItem] = field(default_factory=list)
    turns: int = 0
    cpu_total_ms: float = 0.0
    largest_ms: float = 0.0
    """The CPU of the longest turn, over the threshold or not."""
    gc_pauses: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    _gc_started: float = 0.0
    _threads_before: dict[str, float] = field(default_factory=dict)
    threads_cpu: dict[str, float] = field(default_factory=dict)
    wall_s: float = 0.0
    _wall_started: float = 0.0

    def start(self) -> None:
        gc.callbacks.append(self._gc)
        self._threads_before = _thread_cpu()
        self._wall_started = time.perf_counter()

    def stop(self) -> None:
        gc.callbacks.remove(self._gc)
        self.wall_s = time.perf_counter() - self._wall_started
        after = _thread_cpu()
        self.threads_cpu = {k: v - self._threads_before.get(k, 0.0) for k, v in after.items()}

    def _gc(self, phase: str, info: dict) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        if phase == "start":
            self._gc_started = time.thread_time()
        else:
            self.gc_pauses[info["generation"]].append((time.thread_time() - self._gc_started) * 1000)

    def pump(self, process_events: Callable[[], None]) -> None:
        profile = cProfile.Profile(time.thread_time)  # CPU, not wall: load-insensitive
        cpu, wall = time.thread_time(), time.perf_counter()
        profile.enable()
        process_events()
        profile.disable()
        cpu_ms, wall_ms = (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
        self.turns += 1
        self.cpu_total_ms += cpu_ms
        self.largest_ms = max(self.largest_ms, cpu_ms)
        if cpu_ms > self.threshold_ms:
            self.items.append(_item(profile, cpu_ms, wall_ms))

    def report(self) -> list[str]:
        lines = [f"GUI thread: {self.turns} event-loop turns, {self.cpu_total_ms:.0f} ms CPU in {self.wall_s:.1f} s; "
                 f"longest turn {self.largest_ms:.1f} ms CPU; {len(self.items)} work items over {self.threshold_ms:.0f} ms CPU"]
        by_cause: dict[str, list[WorkItem]] = defaultdict(list)
        for item in self.items:
            by_cause[item.cause()].append(item)
        for cause, items in sorted(by_cause.items(), key=lambda kv: -sum(i.cpu_ms for i in kv[1])):
            cpus = [i.cpu_ms for i in items]
            heaviest = max(items, key=lambda i: i.cpu_ms)
            lines.append(f"  {len(items):4d} x {cause}: CPU median {statistics.median(cpus):.1f} ms, max {max(cpus):.1f} ms "
                         f"(wall max {max(i.wall_ms for i in items):.1f}); the largest: "
                         + ", ".join(f"{n} {ms:.1f}" for n, ms in heaviest.handlers[:3])
                         + f"; heaviest inside {heaviest.heaviest}; outside Python {heaviest.qt_ms:.1f} ms")
            if self.verbose:
                lines.append("      cumulative/own ms: " + "; ".join(heaviest.top))
        for generation, pauses in sorted(self.gc_pauses.items()):
            lines.append(f"  gc generation {generation}: {len(pauses)} collections, max {max(pauses):.1f} ms, "
                         f"total {sum(pauses):.0f} ms")
        others = {k: v for k, v in self.threads_cpu.items() if v > 0.05}
        if others:
            lines.append("  CPU of the process's threads (s): " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(others.items(), key=lambda kv: -kv[1])))
        return lines


def _item(profile: cProfile.Profile, cpu_ms: float, wall_ms: float) -> WorkItem:
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    handlers: list[tuple[str, float]] = []
    heaviest, heaviest_ms = "-", 0.0
    for func, (_cc, _nc, tottime, cumtime, callers) in stats.items():
        name = _name(func)
        if any("processEvents" in _name(c) for c in callers):
            handlers.append((name, cumtime * 1000))
        if tottime * 1000 > heaviest_ms and "processEvents" not in name:
            heaviest, heaviest_ms = f"{name} {tottime * 1000:.1f} ms self", tottime * 1000
    handlers.sort(key=lambda h: -h[1])
    in_python = sum(ms for _, ms in handlers)
    ranked = sorted(stats.items(), key=lambda kv: -kv[1][3])
    top = [f"{_name(f)} {v[3] * 1000:.1f}/{v[2] * 1000:.1f}" for f, v in ranked if "processEvents" not in _name(f)][:12]
    return WorkItem(cpu_ms, wall_ms, handlers, heaviest, max(0.0, cpu_ms - in_python), top)


def _name(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    return f"{Path(filename).stem}:{line}({name})"


def _thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) of each thread of this process, by ``name-tid``."""
    found: dict[str, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    names = {str(t.native_id): t.name for t in threading.enumerate()}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            name = names.get(task.name) or (task / "comm").read_text().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[f"{name}-{task.name}"] = (int(fields[11]) + int(fields[12])) / ticks
    return found
