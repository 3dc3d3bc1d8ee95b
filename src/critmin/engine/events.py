"""Event realisations: what happens on each path, drawn once before the monthly loop.

The events come resolved as plans (:mod:`critmin.model.events`); here their
random parts are drawn. Randomness: paths are grouped in fixed chunks of
:data:`CHUNK` consecutive paths; chunk ``c`` draws all its numbers from its own
generator, ``PCG64(SeedSequence(seed, spawn_key=(c, event)))``, in a fixed
order. A path's events therefore depend only on the seed and the path's index,
never on the batch size or the number of workers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from critmin.model.events import (
    BanOrLicence,
    Dist,
    DistKind,
    EventPlan,
    EventType,
    StochasticPlan,
)
from critmin.model.market import MineralMarket

#: Paths per random stream and per exact-summation chunk.
CHUNK = 64


def chunk_rng(seed: int, chunk: int, stream: int) -> np.random.Generator:
    """The generator of one chunk of paths for one stream (event index)."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(chunk, stream)))
    )


def draw(value: Dist, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws of a fixed value or distribution."""
    if value.kind == DistKind.UNIFORM:
        return rng.uniform(value.low, value.high, n)
    if value.kind == DistKind.TRIANGULAR:
        if value.low == value.high:
            return np.full(n, value.low)
        return rng.triangular(value.low, value.mode, value.high, n)
    rng.uniform(0.0, 1.0, n)  # keep the stream's consumption independent of the value's kind
    return np.full(n, float(value.low))


@dataclass
class Window:
    """When an event is on: months [start, end) on paths where ``on``."""

    start: np.ndarray
    end: np.ndarray
    on: np.ndarray

    def active(self, month: int) -> np.ndarray:
        """Boolean mask of paths on which the event is active in ``month``."""
        return self.on & (self.start <= month) & (month < self.end)


@dataclass
class Restriction:
    """An export restriction on one mineral and stage."""

    stage: str
    imposer: np.ndarray
    targets: np.ndarray
    window: Window
    severity: np.ndarray
    leakage: np.ndarray
    label: str
    #: the imposer's own buyers at this stage (where withheld volume goes)
    home: np.ndarray
    #: month it is announced (allied buyers stock up until it starts); -1: unannounced
    announced: int = -1
    #: per path: months for the severity's excess over ``floor`` to halve (0: never)
    half_life: np.ndarray | None = None
    floor: np.ndarray | None = None


@dataclass
class Outage:
    """A production outage on one mineral and stage."""

    stage: str
    producers: np.ndarray
    window: Window
    share: np.ndarray
    label: str


@dataclass
class Surge:
    """A demand surge on one mineral."""

    consumers: np.ndarray
    window: Window
    share: np.ndarray
    label: str


@dataclass
class MineralEvents:
    """Every event affecting one mineral, realised for a batch of paths."""

    restrictions: list[Restriction] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    surges: list[Surge] = field(default_factory=list)


def _window(
    rng: np.random.Generator,
    start: Dist,
    duration: Dist | None,
    probability: float,
    n: int,
    horizon: int,
) -> Window:
    on = rng.uniform(0.0, 1.0, n) < probability
    s = np.floor(draw(start, rng, n)).astype(np.int64)
    if duration is None:
        draw(Dist(DistKind.FIXED, 0.0, 0.0), rng, n)
        e = np.full(n, horizon, dtype=np.int64)
    else:
        e = s + np.maximum(np.round(draw(duration, rng, n)), 1).astype(np.int64)
    return Window(s, np.minimum(e, horizon), on)


def realise(
    plans: tuple[EventPlan | StochasticPlan, ...],
    markets: list[MineralMarket],
    seed: int,
    horizon: int,
    chunks: list[int],
    n_paths: int,
) -> dict[str, MineralEvents]:
    """Realise every event for the paths of the given chunks.

    Parameters
    ----------
    plans
        The model's event plans, in the scenario's order.
    markets
        The markets to realise events for (events on other minerals are skipped;
        a mineral's draws are the same whichever others are realised with it).
    seed
        The run's seed.
    horizon
        Months simulated.
    chunks
        Chunk indices of the batch, ascending.
    n_paths
        Total number of paths (the last chunk may be partial).
    """
    out = {m.mineral: MineralEvents() for m in markets}
    sizes = [min(CHUNK, n_paths - c * CHUNK) for c in chunks]

    def cut(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([p[:s] for p, s in zip(parts, sizes, strict=True)])

    for plan in plans:
        targets = plan.candidates if isinstance(plan, StochasticPlan) else plan.targets
        if not any(t.mineral in out for t in targets):
            continue
        streams = [chunk_rng(seed, c, plan.index) for c in chunks]
        if isinstance(plan, StochasticPlan):
            _realise_stochastic(plan, streams, sizes, horizon, out)
            continue
        windows = [
            _window(r, plan.start, plan.duration, plan.probability, CHUNK, horizon) for r in streams
        ]
        window = Window(
            cut([w.start for w in windows]),
            cut([w.end for w in windows]),
            cut([w.on for w in windows]),
        )
        label = f"events[{plan.index}]"
        if plan.kind == EventType.EXPORT_RESTRICTION:
            assert plan.severity is not None
            assert plan.leakage is not None
            severity = cut([draw(plan.severity, r, CHUNK) for r in streams])
            leakage = cut([draw(plan.leakage, r, CHUNK) for r in streams])
            half_life = floor = None
            if plan.half_life is not None:  # drawn only then: other draws stay as they were
                assert plan.floor is not None
                half_life = cut([draw(plan.half_life, r, CHUNK) for r in streams])
                floor = np.minimum(cut([draw(plan.floor, r, CHUNK) for r in streams]), severity)
            for t in plan.targets:
                if t.mineral in out:
                    out[t.mineral].restrictions.append(
                        Restriction(
                            t.stage,
                            t.sellers,
                            t.buyers,
                            window,
                            severity,
                            leakage,
                            label,
                            t.home,
                            -1 if plan.announced is None else plan.announced,
                            half_life,
                            floor,
                        )  # fmt: skip
                    )
        elif plan.kind == EventType.PRODUCTION_OUTAGE:
            assert plan.size is not None
            share = cut([draw(plan.size, r, CHUNK) for r in streams])
            for t in plan.targets:
                if t.mineral in out:
                    out[t.mineral].outages.append(Outage(t.stage, t.sellers, window, share, label))
        elif plan.kind == EventType.DEMAND_SURGE:
            assert plan.size is not None
            share = cut([draw(plan.size, r, CHUNK) for r in streams])
            for t in plan.targets:
                if t.mineral in out:
                    out[t.mineral].surges.append(Surge(t.buyers, window, share, label))
    return out


def _realise_stochastic(
    plan: StochasticPlan,
    streams: list[np.random.Generator],
    sizes: list[int],
    horizon: int,
    out: dict[str, MineralEvents],
) -> None:
    """Poisson arrivals of restrictions, each on one randomly chosen candidate mineral."""
    first, last = plan.first_month, plan.last_month
    months = max(last - first + 1, 0)
    expected = plan.rate_per_year * months / 12.0
    slots = int(math.ceil(expected + 6.0 * math.sqrt(expected) + 3)) if expected > 0 else 0
    candidates = plan.candidates
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("n", "t", "m", "d", "sev", "leak")}
    for rng in streams:
        parts["n"].append(rng.poisson(expected, CHUNK))
        parts["t"].append(
            rng.integers(first, last + 1, (CHUNK, slots)) if slots else np.zeros((CHUNK, 0), int)
        )
        parts["m"].append(rng.integers(0, max(len(candidates), 1), (CHUNK, slots)))
        parts["d"].append(
            np.maximum(np.round(rng.exponential(plan.mean_duration_months, (CHUNK, slots))), 1)
        )
        if isinstance(plan.severity, BanOrLicence):
            ban = rng.uniform(0, 1, (CHUNK, slots)) < plan.severity.ban_probability
            lic = rng.uniform(*plan.severity.licence_severity, (CHUNK, slots))
            parts["sev"].append(np.where(ban, 1.0, lic))
        else:
            parts["sev"].append(draw(plan.severity, rng, CHUNK * slots).reshape(CHUNK, slots))
        parts["leak"].append(draw(plan.leakage, rng, CHUNK * slots).reshape(CHUNK, slots))
    cut = {
        k: np.concatenate([p[:s] for p, s in zip(v, sizes, strict=True)]) for k, v in parts.items()
    }
    n = cut["n"]
    for j in range(slots):
        happens = n > j
        start = cut["t"][:, j].astype(np.int64)
        end = np.minimum(start + cut["d"][:, j].astype(np.int64), horizon)
        for k, t in enumerate(candidates):
            if t.mineral not in out:
                continue
            window = Window(start, end, happens & (cut["m"][:, j] == k))
            out[t.mineral].restrictions.append(
                Restriction(
                    t.stage,
                    t.sellers,
                    t.buyers,
                    window,
                    cut["sev"][:, j],
                    cut["leak"][:, j],
                    f"events[{plan.index}] arrival {j + 1}",
                    t.home,
                )
            )
