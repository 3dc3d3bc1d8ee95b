"""Run a model: tasks of paths through the kernel, reduced into streaming statistics.

A run is split into tasks, one batch of whole chunks of :data:`CHUNK` paths of
one mineral each (:class:`Task`). A task draws its mineral's events for its
chunks, runs the kernel and reduces the trajectories into a partial of the
statistics (:meth:`critmin.engine.stats.MineralStats.partial`), plus the
trajectories and event draws of any of its paths among the first
``keep_paths``. On its first ``counterfactual_paths`` paths, a mineral with
strategic reserves also runs as a *counterfactual* task, the same paths and
draws with its reserves removed (:meth:`critmin.model.Model.without_reserves`);
the statistics of those paths with and without the reserves form a paired
comparison of what the reserves do on identical draws. A backend
(:mod:`critmin.engine.backend`; local threads by default) computes the tasks
in any order; their partials are merged in chunk order, so the results are
bit-identical for a given seed whatever the batch size, the number of
threads, the backend and the order tasks finish in.

Memory is bounded by the batches in flight, the number of histogram bins and
``keep_paths``, never by the number of paths.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from critmin.engine.backend import Backend, Threads
from critmin.engine.events import CHUNK, MineralEvents, Window, realise
from critmin.engine.kernel import Trajectories, run_kernel, trajectory_bytes_per_path
from critmin.engine.outputs import PER_PATH
from critmin.engine.stats import BatchPartial, MineralStats, chunk_sizes
from critmin.errors import CritminError
from critmin.model import EventType, Model

#: Default paths per batch (rounded to whole chunks).
DEFAULT_BATCH = 1024
#: Default paths of the paired comparison with and without reserves.
COUNTERFACTUAL_PATHS = 1024
#: The trajectories kept per path with ``keep_paths``.
KEPT = tuple(p.name for p in PER_PATH if p.kept)
#: Event draws kept per path: the names of the sample arrays (event, path).
EVENT_DRAWS = ("happened", "start_month", "duration_months", "size_share", "leakage_share")


@dataclass(frozen=True)
class Task:
    """One batch of chunks of one mineral (``mineral`` indexes the model's markets)."""

    mineral: int
    chunks: tuple[int, ...]
    kernel_workers: int
    #: the counterfactual: the mineral without its strategic reserves
    bare: bool = False


@dataclass
class Kept:
    """The trajectories and event draws of a mineral's first paths (path last)."""

    trajectories: dict[str, np.ndarray]
    events: list[tuple[str, str]]  # (label, event type) of each event row
    draws: dict[str, np.ndarray]  # EVENT_DRAWS, each (event, path)


@dataclass
class TaskResult:
    """What a task returns: its partial statistics, its kept paths, its time."""

    mineral: int
    partial: BatchPartial
    kept: Kept | None
    seconds: float
    bare: bool = False


@dataclass
class RunOutput:
    """Everything a run produces before it is labelled (see :mod:`critmin.results`)."""

    model: Model
    paths: int
    seed: int
    batch_size: int
    stats: list[MineralStats]
    keep_paths: int = 0
    kept: list[Kept] = field(default_factory=list)
    #: the paired comparison, by mineral index (minerals with reserves, when the run
    #: asked for it): statistics of the first ``paired_paths`` paths without the
    #: reserves and, on the same paths, with them
    without_reserves: dict[int, MineralStats] = field(default_factory=dict)
    with_reserves: dict[int, MineralStats] = field(default_factory=dict)
    paired_paths: int = 0


class BufferPool:
    """Trajectory arrays of finished tasks, per mineral, for later tasks to overwrite.

    Saves allocating and zeroing memory for each batch. Thread-safe; a copy sent
    to another process starts empty.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: dict[tuple[int, bool], list[Trajectories]] = {}

    def take(self, mineral: tuple[int, bool]) -> Trajectories | None:
        """Arrays to reuse for ``mineral`` (its index, and whether counterfactual), if any."""
        with self._lock:
            free = self._free.get(mineral)
            return free.pop() if free else None

    def give(self, mineral: tuple[int, bool], traj: Trajectories) -> None:
        """Return arrays for reuse."""
        with self._lock:
            self._free.setdefault(mineral, []).append(traj)

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (BufferPool, ())


def event_draws(
    events: MineralEvents, keep: int
) -> tuple[list[tuple[str, str]], dict[str, np.ndarray]]:
    """The first ``keep`` paths' draws of each event: its rows (label, type) and
    :data:`EVENT_DRAWS` (event, path).

    A row is an event at one stage (``events[2]: refining``); a demand surge has
    no stage. An event on several stages shares its draws, except the arrivals
    of a stochastic generator, which fall on one candidate each.
    """
    rows: list[tuple[str, str]] = []
    windows: list[Window] = []
    sizes: list[np.ndarray] = []
    leakages: list[np.ndarray] = []
    nan = np.full(keep, np.nan)
    for r in events.restrictions:
        rows.append((f"{r.label}: {r.stage}", str(EventType.EXPORT_RESTRICTION)))
        windows.append(r.window)
        sizes.append(r.severity[:keep])
        leakages.append(r.leakage[:keep])
    for o in events.outages:
        rows.append((f"{o.label}: {o.stage}", str(EventType.PRODUCTION_OUTAGE)))
        windows.append(o.window)
        sizes.append(o.share[:keep])
        leakages.append(nan)
    for u in events.surges:
        rows.append((u.label, str(EventType.DEMAND_SURGE)))
        windows.append(u.window)
        sizes.append(u.share[:keep])
        leakages.append(nan)
    shape = (len(rows), keep)
    draws = {
        "happened": np.array([w.on[:keep] for w in windows], np.bool_).reshape(shape),
        "start_month": np.array([w.start[:keep] for w in windows], float).reshape(shape),
        "duration_months": np.array([(w.end - w.start)[:keep] for w in windows], float).reshape(
            shape
        ),
        "size_share": np.array(sizes, float).reshape(shape),
        "leakage_share": np.array(leakages, float).reshape(shape),
    }
    return rows, draws


class _Drawn:
    """A batch's realised events, shared by its tasks until each has taken its own."""

    def __init__(self, tasks: int) -> None:
        self.lock = threading.Lock()
        self.events: dict[str, MineralEvents] | None = None
        self.left = tasks


def empty_stats(model: Model) -> list[MineralStats]:
    """Empty statistics for each of the model's minerals."""
    return list(stats_of(model, range(len(model.markets))).values())


def stats_of(model: Model, minerals: Iterable[int]) -> dict[int, MineralStats]:
    """Empty statistics for the given minerals of the model, by index."""
    return {
        i: MineralStats.create(
            model.markets[i], model.policies[i], model.horizon, model.max_surge_share,
            model.params.max_price_ratio,
        )
        for i in minerals
    }  # fmt: skip


class BatchRunner:
    """Computes a :class:`Task` (a picklable callable, for backends in other processes)."""

    def __init__(
        self,
        model: Model,
        n_paths: int,
        seed: int,
        keep: int,
        bare: tuple[int, ...] = (),
        paired_chunks: int = 0,
    ) -> None:
        self.model = model
        self.bare_model = model.without_reserves()
        self.bare = bare  # minerals also run as counterfactual tasks ...
        self.paired_chunks = paired_chunks  # ... on the batches of these first chunks
        self.n_paths = n_paths
        self.seed = seed
        self.keep = keep
        self.templates = empty_stats(model)
        self.bare_templates = stats_of(self.bare_model, bare)
        self.pool = BufferPool()
        self._lock = threading.Lock()
        self._events: dict[tuple[int, ...], _Drawn] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_lock"], state["_events"]  # a copy in another process draws its own
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._events = {}

    def events(self, chunks: tuple[int, ...], mineral: str) -> MineralEvents:
        """One mineral's events on a batch's paths.

        The first task of a batch draws every mineral's events at once (an event
        on several minerals is drawn once), and the batch's other tasks take
        theirs; a mineral's draws are the same either way.
        """
        model = self.model
        with self._lock:
            paired = chunks[0] < self.paired_chunks
            tasks = len(model.markets) + (len(self.bare) if paired else 0)
            drawn = self._events.setdefault(chunks, _Drawn(tasks))
        with drawn.lock:
            if drawn.events is None:
                drawn.events = realise(
                    model.events, list(model.markets), self.seed, model.horizon, list(chunks),
                    self.n_paths,
                )  # fmt: skip
            drawn.left -= 1
            events = drawn.events[mineral]
        if drawn.left == 0:
            with self._lock:
                self._events.pop(chunks, None)
        return events

    def __call__(self, task: Task) -> TaskResult:
        start = time.perf_counter()
        model, i = self.bare_model if task.bare else self.model, task.mineral
        market = model.markets[i]
        chunks = list(task.chunks)
        sizes = chunk_sizes(chunks, self.n_paths)
        n = int(sum(sizes))
        events_here = self.events(task.chunks, market.mineral)
        traj = run_kernel(
            market,
            events_here,
            model.policies[i],
            model.params,
            n,
            workers=task.kernel_workers,
            reuse=self.pool.take((i, task.bare)),
        )
        templates = self.bare_templates if task.bare else self.templates
        partial = templates[i].partial(traj, sizes, chunks[0])
        keep = 0 if task.bare else min(self.keep - chunks[0] * CHUNK, n)
        kept = None
        if keep > 0:
            labels, draws = event_draws(events_here, keep)
            kept = Kept({k: traj[k][..., :keep].copy() for k in KEPT}, labels, draws)
        self.pool.give((i, task.bare), traj)
        return TaskResult(i, partial, kept, time.perf_counter() - start, task.bare)


#: The largest seed: the random generator's seeds and results.nc hold 64-bit integers.
MAX_SEED = 2**63 - 1
#: What a run holds besides its plan and its batches, measured as the peak resident
#: memory of small runs of the shipped scenarios (Python, NumPy, numba, the
#: dataset; docs/performance.md) [bytes].
BASE_BYTES = 800 * 2**20
#: What the run plan holds per batch, and per task of a batch (one mineral, or its
#: counterfactual), measured with tracemalloc: 1,750 bytes a batch of 9 minerals
#: [bytes].
PLAN_BYTES_PER_BATCH = 400
PLAN_BYTES_PER_TASK = 150
#: Share of the machine's memory a run may expect to use.
MEMORY_MARGIN = 0.5


def machine_memory_bytes() -> int:
    """Physical memory of this machine [bytes] (0 if the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


def memory_needed(model: Model, paths: int, batch_size: int, workers: int) -> dict[str, int]:
    """The memory a run of ``paths`` paths in batches of ``batch_size`` needs, by part
    [bytes]: ``base`` (:data:`BASE_BYTES`), ``plan`` (one task per batch and mineral,
    and per counterfactual mineral), ``batches`` (the trajectory buffers of
    ``workers`` batches in flight, each mineral's buffers kept for reuse) and
    ``total``."""
    per = max(1, -(-int(batch_size) // CHUNK)) * CHUNK
    n_batches = -(-int(paths) // per)
    minerals = len(model.markets) + sum(1 for p in model.policies if p.reserves)
    plan = n_batches * (PLAN_BYTES_PER_BATCH + PLAN_BYTES_PER_TASK * minerals)
    traj = sum(
        trajectory_bytes_per_path(m, p, model.params)
        for m, p in zip(model.markets, model.policies, strict=True)
    )
    batches_ = traj * min(per, -(-int(paths) // CHUNK) * CHUNK) * max(1, int(workers))
    total = BASE_BYTES + plan + batches_
    return {"base": BASE_BYTES, "plan": plan, "batches": batches_, "total": total}


def check_run(
    model: Model,
    paths: int | None,
    seed: int | None,
    keep_paths: int,
    batch_size: int,
    workers: int | None,
    counterfactual_paths: int,
) -> tuple[int, int]:
    """The run's paths and seed (None: the scenario's), once every setting is checked.

    Refuses, before any work, what the engine cannot honour: a non-Model, paths,
    seeds, kept paths, batch sizes or counterfactual paths out of range, and a run
    that would not fit in :data:`MEMORY_MARGIN` of this machine's memory (the
    message says how many paths fit, and that a larger batch size shrinks the plan).
    """
    if not isinstance(model, Model):
        raise CritminError(
            "a model is needed",
            where="model",
            given=type(model).__name__,
            allowed="critmin.build_model(world, scenario)",
        )
    paths = model.paths if paths is None else paths
    seed = model.seed if seed is None else seed
    checks = (
        ("paths", paths, 1, None),
        ("seed", seed, 0, MAX_SEED),
        ("keep_paths", keep_paths, 0, paths),
        ("batch_size", batch_size, 1, None),
        ("counterfactual_paths", counterfactual_paths, 0, None),
    )
    for name, value, low, high in checks:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise CritminError(
                f"{name} must be a whole number", where=name, given=repr(value), allowed="an int"
            )
        if value < low or (high is not None and value > high):
            allowed = f"{low} or more" if high is None else f"{low} to {high}"
            raise CritminError(
                f"{name} is out of range", where=name, given=str(value), allowed=allowed
            )
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise CritminError(
            "workers must be at least 1", where="workers", given=repr(workers), allowed="1 or more"
        )
    threads = workers or os.cpu_count() or 1
    machine = machine_memory_bytes()
    need = memory_needed(model, paths, batch_size, threads)
    limit = int(machine * MEMORY_MARGIN)
    if machine <= 0 or need["total"] <= limit:
        return int(paths), int(seed)
    fits = paths
    while fits > 1 and memory_needed(model, fits, batch_size, threads)["total"] > limit:
        fits //= 2
    gib = 2**30
    raise CritminError(
        f"{paths:,} paths would need about {need['total'] / gib:,.1f} GiB (run plan "
        f"{need['plan'] / gib:,.1f} GiB, batch buffers {need['batches'] / gib:,.1f} GiB, "
        f"the rest {need['base'] / gib:.1f} GiB), more than {MEMORY_MARGIN:.0%} of this "
        f"machine's {machine / gib:,.1f} GiB",
        where="paths",
        given=str(paths),
        allowed=f"at most about {fits:,} paths with batches of {batch_size:,}; a larger "
        "--batch-size (batch_size) needs a smaller plan but larger buffers",
    )


def batches(n_paths: int, batch_size: int, split: int = 0) -> list[tuple[int, ...]]:
    """Chunk indices of each batch, in order; no batch straddles chunk ``split``."""
    n_chunks = -(-n_paths // CHUNK)
    per = max(1, -(-batch_size // CHUNK))
    out = []
    for lo, hi in ((0, min(split, n_chunks)), (min(split, n_chunks), n_chunks)):
        out += [tuple(range(s, min(s + per, hi))) for s in range(lo, hi, per)]
    return out


def _cost(model: Model, i: int) -> int:
    """A rough size of a mineral's kernel: producers by consumers, both stages."""
    market = model.markets[i]
    mining = 0 if market.mining is None else len(market.mining.codes)
    return len(market.final.codes) * (len(market.consumers) + mining)


def _join(parts: list[tuple[int, Kept]]) -> Kept:
    """One mineral's kept paths from its tasks' (first chunk, kept) parts."""
    parts = sorted(parts, key=lambda x: x[0])
    first = parts[0][1]
    return Kept(
        {k: np.concatenate([p.trajectories[k] for _, p in parts], axis=-1) for k in KEPT},
        first.events,
        {k: np.concatenate([p.draws[k] for _, p in parts], axis=-1) for k in EVENT_DRAWS},
    )


def simulate(
    model: Model,
    *,
    paths: int | None = None,
    seed: int | None = None,
    keep_paths: int = 0,
    backend: Backend | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    counterfactual_paths: int = COUNTERFACTUAL_PATHS,
) -> RunOutput:
    """Run ``model``; return the streaming statistics (and the first paths, if asked).

    Parameters
    ----------
    model
        A model built by :func:`critmin.model.build_model`.
    paths, seed
        Paths [paths] and seed; None for the scenario's.
    keep_paths
        Keep the monthly trajectories and event draws of the first
        ``keep_paths`` paths [paths] (at most ``paths``); memory grows with it.
    backend
        Where the tasks run (:mod:`critmin.engine.backend`); default: local
        threads, ``workers`` of them.
    batch_size
        Paths per batch [paths]; rounded up to whole chunks of 64. Affects
        memory and speed only, never the results.
    progress
        Called with the number of paths done whenever a batch finishes.
    workers
        Threads of the default backend [threads]; default: every CPU available.
        Affects speed only, never the results.
    counterfactual_paths
        Also run each mineral with strategic reserves without them on its first
        ``counterfactual_paths`` paths (rounded up to whole chunks, at most
        ``paths``; 0: none), for the paired comparison of
        :attr:`RunOutput.without_reserves` and :attr:`RunOutput.with_reserves`.
        It adds that share of the mineral's kernel time.

    Notes
    -----
    Each task is one batch of one mineral. With fewer tasks than workers, each
    kernel spreads its paths over the spare threads. Every path's computation
    is independent of the others, and each mineral's statistics fold the
    batches in chunk order, so the results are bit-identical whatever the
    backend, the number of threads and the order tasks finish in.
    """
    n_paths, run_seed = check_run(
        model, paths, seed, keep_paths, batch_size, workers, counterfactual_paths
    )
    keep = max(0, min(int(keep_paths), n_paths))
    paired_chunks = min(-(-max(int(counterfactual_paths), 0) // CHUNK), -(-n_paths // CHUNK))
    bare = tuple(i for i, p in enumerate(model.policies) if p.reserves) if paired_chunks else ()
    if not bare:
        paired_chunks = 0
    runner = BatchRunner(model, n_paths, run_seed, keep, bare, paired_chunks)
    stats = empty_stats(model)
    without = stats_of(runner.bare_model, bare)
    with_ = stats_of(model, bare)
    engine = backend if backend is not None else Threads(workers)
    plan = batches(n_paths, batch_size, paired_chunks)
    order = sorted(
        [(i, False) for i in range(len(model.markets))] + [(i, True) for i in bare],
        key=lambda x: -_cost(model, x[0]),
    )
    n_tasks = len(plan) * len(model.markets) + len(bare) * sum(c[0] < paired_chunks for c in plan)
    kernel_workers = max(1, engine.workers // max(1, min(engine.workers, n_tasks)))
    tasks = [
        Task(i, chunks, kernel_workers, b)
        for chunks in plan
        for i, b in order
        if not b or chunks[0] < paired_chunks
    ]
    left = {chunks[0]: 0 for chunks in plan}  # tasks still to finish, per batch
    for task in tasks:
        left[task.chunks[0]] += 1
    kept_parts: list[list[tuple[int, Kept]]] = [[] for _ in model.markets]
    done = 0
    for result in engine.run(runner, tasks):
        first = result.partial.first_chunk
        if result.bare:
            without[result.mineral].merge(result.partial)
        else:
            stats[result.mineral].merge(result.partial)
            if first < paired_chunks and result.mineral in with_:
                with_[result.mineral].merge(result.partial)
        if result.kept is not None:
            kept_parts[result.mineral].append((first, result.kept))
        left[first] -= 1
        if left[first] == 0:
            chunks = list(range(first, first + result.partial.chunks))
            done += int(sum(chunk_sizes(chunks, n_paths)))
            if progress is not None:
                progress(done)
    kept = [_join(parts) for parts in kept_parts] if keep else []
    paired = int(sum(chunk_sizes(list(range(paired_chunks)), n_paths)))
    return RunOutput(
        model, n_paths, run_seed, batch_size, stats, keep, kept, without, with_, paired
    )


def _compilations() -> int:
    """How many times the compiled functions were compiled (not loaded from the cache)."""
    from critmin.engine import compiled, stats

    total = 0
    for fn in (compiled.simulate_blocks, stats._chunk_sums, stats._histogram, stats._per_path):
        counts = getattr(getattr(fn, "stats", None), "cache_misses", None)
        total += sum(counts.values()) if counts else 0
    return total


def warm_up(model: Model) -> bool:
    """Load the compiled kernel from numba's cache, or compile it; True if it compiled.

    Simulates one path of ``model``. The first run after installing (or after
    the kernel's code changed) compiles the kernel, which takes about a
    minute; numba keeps it on disk, and later processes load it in a fraction
    of a second.
    """
    before = _compilations()
    simulate(model, paths=1, workers=1, counterfactual_paths=0)
    return _compilations() > before
