"""Where the batches of a run are computed: the backend interface and local threads.

A run is a list of independent tasks (one batch of paths of one mineral,
:class:`critmin.engine.run.Task`); a backend computes them and hands the
results back in whatever order they finish. The run merges them in chunk
order (:meth:`critmin.engine.stats.MineralStats.merge`), so the backend never
changes the results, only where and how fast they are computed.

:class:`Threads` (the default) runs the tasks on a pool of threads in this
process; the compiled kernel releases the GIL. Another backend (a Dask cluster)
implements the same two members.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Backend(Protocol):
    """Computes independent tasks and yields their results as they finish."""

    #: How many tasks run at once (the run sizes each kernel's threads from it).
    workers: int

    def run(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """``fn(task)`` for every task; results in any order."""
        ...


def default_workers() -> int:
    """Threads a run uses by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)


class Threads:
    """Local threads: at most ``workers`` tasks at once, submitted in the order given.

    Holding no more than ``workers`` tasks in flight bounds memory to that many
    batches' trajectories.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, default_workers() if workers is None else int(workers))

    def run(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        """``fn(task)`` for every task on the threads; results as they finish."""
        if self.workers == 1 or len(tasks) <= 1:
            for task in tasks:
                yield fn(task)
            return
        queue = list(reversed(tasks))
        with ThreadPoolExecutor(self.workers) as pool:
            running: set[Future[R]] = set()
            while queue or running:
                while queue and len(running) < self.workers:
                    running.add(pool.submit(fn, queue.pop()))
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
