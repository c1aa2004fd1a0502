"""Helpers of test_worker_parent: a parent process that starts the worker's serving loop in a
spawned child with a server that is always busy (a bulk run that never ends), then waits."""

from __future__ import annotations

import multiprocessing
import sys
import time


class BusyServer:
    def busy(self) -> bool:
        return True

    def handle(self, request: object) -> bool:
        return True

    def step(self) -> None:
        time.sleep(0.05)  # one batch of a bulk run


def child() -> None:
    from annotator.suggest.worker import _serve_requests

    context = multiprocessing.get_context("spawn")
    _serve_requests(BusyServer(), context.Queue())


def parent() -> None:
    process = multiprocessing.get_context("spawn").Process(target=child, daemon=False)
    process.start()
    print(process.pid, flush=True)
    time.sleep(120)


if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    parent()
