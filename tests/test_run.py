"""critmin.engine.run and critmin.engine.backend: tasks, backends, chunk order, kept paths."""

from __future__ import annotations

import pickle
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
import pytest
import xarray as xr

from critmin.engine.backend import Threads
from critmin.engine.events import CHUNK
from critmin.engine.run import (
    KEPT,
    BatchRunner,
    Task,
    batches,
    empty_stats,
    simulate,
    warm_up,
)
from critmin.model import Model, build_model
from critmin.results import to_dataset
from critmin.scenario import parse_scenario
from critmin.world.load import World, load_world

T = TypeVar("T")
R = TypeVar("R")


@pytest.fixture(scope="module")
def world() -> World:
    return load_world()


def everything(**fields: Any) -> Any:
    """Several minerals, random events at both stages, a stochastic generator, reserves."""
    base: dict[str, Any] = {
        "name": "run-test",
        "horizon_months": 24,
        "paths": 333,
        "seed": 11,
        "events": [
            {
                "type": "export_restriction",
                "imposer": "CHN",
                "minerals": ["gallium", "graphite"],
                "targets": ["USA", "JPN"],
                "start_month": {"dist": "uniform", "low": 0, "high": 6},
                "duration_months": {"dist": "triangular", "low": 2, "mode": 6, "high": 18},
                "severity_share": {"dist": "uniform", "low": 0.2, "high": 1.0},
                "probability": 0.7,
            },
            {
                "type": "production_outage",
                "country": "COD",
                "minerals": ["cobalt"],
                "share_lost": {"dist": "uniform", "low": 0.1, "high": 0.5},
                "start_month": 3,
                "duration_months": 6,
            },
            {"type": "stochastic_restrictions", "minerals": ["rare-earths", "antimony"]},
        ],
        "policies": {
            "reserves": [
                {
                    "holder": "japan",
                    "members": {"JPN": 1},
                    "minerals": ["gallium"],
                    "target": {"days_of_consumption": 60},
                }
            ]
        },
    }
    base.update(fields)
    return parse_scenario(base)


@pytest.fixture(scope="module")
def model(world: World) -> Model:
    return build_model(world, everything())


class Shuffled:
    """A backend that computes every task, then returns the results in a random order."""

    workers = 1

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def run(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        results = [fn(task) for task in tasks]
        self.rng.shuffle(results)
        yield from results


class Reversed:
    """A backend that runs the tasks last first (every batch finishes out of order)."""

    workers = 1

    def run(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        for task in reversed(tasks):
            yield fn(task)


def test_chunk_order_does_not_change_the_results(model: Model) -> None:
    reference = to_dataset(simulate(model, batch_size=64, keep_paths=100, workers=1))
    assert len(batches(model.paths, 64)) == 6  # 333 paths: six batches of one chunk
    for backend in (Shuffled(1), Shuffled(2), Reversed(), Threads(2)):
        other = to_dataset(simulate(model, batch_size=64, keep_paths=100, backend=backend))
        xr.testing.assert_identical(reference, other)


def test_a_shuffle_really_reorders_the_tasks(model: Model) -> None:
    """The shuffling backend hands partials back out of chunk order (else the test is void)."""
    seen: list[int] = []
    runner = BatchRunner(model, model.paths, model.seed, 0)

    def record(task: Task) -> Any:
        result = runner(task)
        return result

    tasks = [Task(0, chunks, 1) for chunks in batches(model.paths, 64)]
    for result in Shuffled(1).run(record, tasks):
        seen.append(result.partial.first_chunk)
    assert sorted(seen) == [0, 1, 2, 3, 4, 5]
    assert seen != sorted(seen)


def test_tasks_survive_pickling_for_backends_in_other_processes(model: Model) -> None:
    runner = BatchRunner(model, model.paths, model.seed, 64)
    task = Task(1, (2, 3), 1)
    here = runner(task)
    there = pickle.loads(pickle.dumps(runner))(pickle.loads(pickle.dumps(task)))
    for name, part in here.partial.sums.items():
        np.testing.assert_array_equal(part.sums, there.partial.sums[name].sums)
    assert here.kept is None  # chunks 2 and 3 hold paths 128-255, after the kept 64


def test_kept_paths_are_the_same_whatever_the_batches_and_the_paths_run(model: Model) -> None:
    a = to_dataset(simulate(model, paths=200, keep_paths=130, batch_size=64))
    b = to_dataset(simulate(model, paths=700, keep_paths=130, batch_size=1024))
    samples = [v for v in a.data_vars if str(v).startswith("path_")]
    assert {f"path_{k}" for k in KEPT} <= set(samples)
    assert {"path_event_happened", "path_event_start_month", "path_event_size_share"} <= set(
        samples
    )
    for name in samples:
        xr.testing.assert_identical(a[name], b[name])
    assert a.sizes["path"] == 130


def test_kept_paths_agree_with_the_statistics(model: Model) -> None:
    """Keeping every path: the mean of the kept trajectories is the streamed mean."""
    ds = to_dataset(simulate(model, paths=192, keep_paths=192))
    for name in ("unmet", "demand", "consumption"):
        kept = ds[f"path_{name}_t"].mean("path")  # WORLD too: each path's sum
        streamed = ds[f"{name}_mean_t"]
        np.testing.assert_allclose(kept.values, streamed.values, rtol=1e-12, atol=1e-12)
    stock = ds["path_reserve_stock_t"].mean("path")
    np.testing.assert_allclose(stock, ds["reserve_stock_mean_t"], rtol=1e-12)
    total = ds["path_reserve_purchase_usd"].sum("month", skipna=False).mean("path")
    np.testing.assert_allclose(total, ds["reserve_purchase_usd"], rtol=1e-12)
    # each path's own shortfall is at most its largest: the quantiles bracket them
    per_path = ds["path_unmet_t"].sum("month")
    high = ds["shortfall_quantile_t"].sel(quantile=0.99)
    assert float((per_path > high * (1 + 1e-9) + 1e-9).mean()) <= 0.05
    # each fan quantile lies between the order statistics around its rank, give or
    # take one histogram bin (log-spaced, 200 for each factor 100 of the range: 2.3 % wide)
    prices = ds["path_price_ratio"].transpose(..., "path").values
    ordered = np.sort(prices, axis=-1)
    n = ordered.shape[-1]
    for q in (0.05, 0.5, 0.95):
        fan = ds["price_ratio_fan"].sel(fan_quantile=q).values
        below = ordered[..., max(int(np.floor(q * n)) - 1, 0)]
        above = ordered[..., min(int(np.ceil(q * n)), n - 1)]
        assert (fan >= below / 1.024).all()
        assert (fan <= above * 1.024).all()


def test_event_draws_follow_the_scenario(model: Model) -> None:
    ds = to_dataset(simulate(model, paths=640, keep_paths=640))
    events = list(ds["event"].values)
    gallium = ds.sel(mineral="gallium")
    first = "events[0]: refining"
    assert first in events
    assert ds["event_type"].sel(event=first) == "export_restriction"
    happened = gallium["path_event_happened"].sel(event=first)
    assert 0.6 < float(happened.mean()) < 0.8  # probability 0.7
    start = gallium["path_event_start_month"].sel(event=first)
    assert float(start.min()) >= 0
    assert float(start.max()) <= 5
    size = gallium["path_event_size_share"].sel(event=first)
    assert float(size.min()) >= 0.2
    assert float(size.max()) <= 1.0
    cobalt = ds.sel(mineral="cobalt")
    outage = [e for e in events if e.startswith("events[1]")][0]
    assert (cobalt["path_event_start_month"].sel(event=outage) == 3).all()
    assert (cobalt["path_event_duration_months"].sel(event=outage) == 6).all()
    assert np.isnan(cobalt["path_event_leakage_share"].sel(event=outage)).all()
    # an event another mineral does not have is NaN there
    assert np.isnan(ds["path_event_start_month"].sel(mineral="cobalt", event=first)).all()
    # the restriction bites only on paths where it happened: no withheld volume elsewhere
    withheld = gallium["path_withheld_t"].sum("month")
    never = ~(gallium["path_event_happened"].fillna(0).astype(bool).any("event"))
    assert float(withheld.where(never, 0.0).max()) == 0.0


def test_memory_grows_with_kept_paths_only(model: Model) -> None:
    def state_bytes(stats: Any) -> int:
        total = 0
        for s in stats:
            total += sum(x.total.nbytes for x in s.sums.values())
            total += sum(x.total.nbytes for x in s.totals.values())
            total += sum(h.counts.nbytes + h.sums.total.nbytes for h in s.histograms.values())
        return total

    small = simulate(model, paths=64, keep_paths=0)
    large = simulate(model, paths=640, keep_paths=0)
    assert state_bytes(small.stats) == state_bytes(large.stats) == state_bytes(empty_stats(model))
    assert small.kept == large.kept == []
    kept = simulate(model, paths=640, keep_paths=2 * CHUNK)
    per_path = sum(
        kept.kept[i].trajectories[k].nbytes for i in range(len(model.markets)) for k in KEPT
    ) / (2 * CHUNK)
    again = simulate(model, paths=640, keep_paths=CHUNK)
    assert sum(
        again.kept[i].trajectories[k].nbytes for i in range(len(model.markets)) for k in KEPT
    ) == pytest.approx(per_path * CHUNK)


def test_warm_up_loads_the_kernel(model: Model) -> None:
    warm_up(model)  # compiles on a first run
    assert warm_up(model) is False  # loaded: nothing left to compile


def test_threads_backend_yields_every_result_once() -> None:
    out = sorted(Threads(3).run(lambda x: x * x, list(range(10))))
    assert out == [x * x for x in range(10)]
    assert list(Threads(1).run(lambda x: x + 1, [1, 2])) == [2, 3]
