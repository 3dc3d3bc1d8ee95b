"""Event realisations: what happens on each path, drawn once before the monthly loop.

Randomness: paths are grouped in fixed chunks of :data:`CHUNK` consecutive
paths; chunk ``c`` draws all its numbers from its own generator,
``PCG64(SeedSequence(seed, spawn_key=(c,)))``, in a fixed order. A path's
events therefore depend only on the seed and the path's index, never on the
batch size or the number of workers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from critmin import countries
from critmin.engine.market import ROW, MineralMarket
from critmin.errors import CritminError
from critmin.scenario import (
    DemandSurge,
    ExportRestriction,
    ProductionOutage,
    Scenario,
    StochasticRestrictions,
    Triangular,
    Uniform,
    Value,
)
from critmin.world.load import World

#: Paths per random stream and per exact-summation chunk.
CHUNK = 64


def chunk_rng(seed: int, chunk: int, stream: int) -> np.random.Generator:
    """The generator of one chunk of paths for one stream (event index)."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(chunk, stream)))
    )


def draw(value: Value, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws of a fixed value or distribution."""
    if isinstance(value, Uniform):
        return rng.uniform(value.low, value.high, n)
    if isinstance(value, Triangular):
        if value.low == value.high:
            return np.full(n, value.low)
        return rng.triangular(value.low, value.mode, value.high, n)
    rng.uniform(0.0, 1.0, n)  # keep the stream's consumption independent of the value's kind
    return np.full(n, float(value))


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


@dataclass(frozen=True)
class Calibration:
    """Parameters of the stochastic restriction generator and their evidence."""

    rate_per_year: float
    mean_duration_months: float
    ban_probability: float
    licence_severity: tuple[float, float]
    window_years: float
    n_events: int
    n_ended: int
    exposure_months: float
    evidence: tuple[str, ...]


#: Severity of a licensing regime (share of exports blocked): a prior, since the
#: dataset holds no export volumes to calibrate it on (docs/methods.md).
LICENCE_SEVERITY = (0.2, 0.6)


def _month(text: str) -> float | None:
    if not text:
        return None
    d = date.fromisoformat(text)
    return d.year * 12 + (d.month - 1) + (d.day - 1) / 31.0


def calibrate_restrictions(world: World, imposer: list[str]) -> Calibration:
    """Calibrate arrival rate, duration and severity on the dataset's restrictions.

    Only *broad* restrictions count: those of the imposer aimed at every
    buyer (``targets`` 'all'). Restrictions aimed at named countries (the US
    ban, the controls on Japan) are listed in the evidence but left out: they
    are modelled as explicit events, since the generator restricts all its
    targets at once. Instruments that share an effective date count once, and
    instruments never in force (no effective date) are not counted.

    Rate: distinct effective dates divided by the years from the first one to
    the latest date in the table. Duration: exponential, maximum-likelihood
    mean with right-censoring, months in force (ended or not) divided by the
    number that ended; when none has ended the MLE is unbounded and the total
    months in force is used (a lower bound, said in the evidence). Severity: a
    licensing regime blocks a uniform share in :data:`LICENCE_SEVERITY` (a
    prior; the dataset holds no export volumes to fit it on).
    """
    table = world.policy_instruments
    members = set(countries.expand(imposer))
    rows = table[(table["kind"] == "export-restriction") & table["actor"].isin(members)]
    dates = [
        m for col in ("announced", "effective", "ends") for v in table[col] if (m := _month(str(v)))
    ]
    end_of_data = max(dates) if dates else 0.0
    evidence: list[str] = []
    starts: dict[float, float] = {}  # effective month -> months in force
    ended = 0
    for _, r in rows.iterrows():
        start = _month(str(r["effective"]))
        name = str(r["instrument_id"])
        if start is None:
            evidence.append(f"{name}: never in force (no effective date); not counted")
            continue
        if str(r["targets"]) not in ("", "all"):
            evidence.append(
                f"{name}: aimed at {r['targets']} only; not counted (model it as an explicit event)"
            )
            continue
        stop = _month(str(r["ends"]))
        months = max((stop if stop is not None else end_of_data) - start, 0.0)
        if start in starts:
            evidence.append(f"{name}: same effective date as another; counted once")
            continue
        starts[start] = months
        ended += int(stop is not None)
        evidence.append(
            f"{name}: from {r['effective']}" + (f" to {r['ends']}" if r["ends"] else " (in force)")
        )
    if len(starts) < 2:
        raise CritminError(
            "too few historical restrictions to calibrate the stochastic generator",
            where="events",
            given=f"{len(starts)} broad restriction(s) by {', '.join(sorted(members))}",
            allowed="rate_per_year, severity_share and mean_duration_months given explicitly",
        )
    window = (end_of_data - min(starts)) / 12.0
    exposure = float(sum(starts.values()))
    if ended == 0:
        evidence.append(
            f"none has ended: mean duration set to the total months in force ({exposure:.0f}), "
            "a lower bound of the censored maximum-likelihood estimate"
        )
    return Calibration(
        rate_per_year=len(starts) / window,
        mean_duration_months=exposure / max(ended, 1),
        ban_probability=0.0,
        licence_severity=LICENCE_SEVERITY,
        window_years=window,
        n_events=len(starts),
        n_ended=ended,
        exposure_months=exposure,
        evidence=tuple(evidence),
    )


def _buyers(market: MineralMarket, stage: str) -> list[str]:
    """Buyers at a stage: refiners for the mining stage of a two-stage mineral."""
    if market.mining is not None and stage == market.mining.stage:
        return market.final.codes
    return market.consumers


def _mask(codes: list[str], members: set[str], *, row_member: bool) -> np.ndarray:
    return np.array([(c == ROW and row_member) or c in members for c in codes])


def _targets(names: list[str]) -> set[str] | None:
    """A restriction's target countries; None for ``[all]`` (every buyer but the imposer)."""
    return None if names == ["all"] else set(countries.expand(names))


def _restriction_masks(
    market: MineralMarket, stage: str, imposer: set[str], targets: set[str] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks of a restriction at ``stage``: the imposer's producers, the targeted
    buyers and the imposer's own buyers (``targets`` None: every other buyer)."""
    buyers = _buyers(market, stage)
    home = _mask(buyers, imposer, row_member=False)
    imp = _mask(market.producers(stage).codes, imposer, row_member=False)
    tgt = ~home if targets is None else _mask(buyers, targets, row_member=False)
    return imp, tgt, home


def _stage_of(market: MineralMarket, stage: str | None, *, first: bool) -> str:
    if stage is None:
        return market.stages[0] if first else market.stages[-1]
    if stage not in market.stages:
        raise CritminError(
            f"{market.mineral} has no {stage} stage",
            where="events.stage",
            given=stage,
            allowed=market.stages,
        )
    return str(stage)


def _window(
    rng: np.random.Generator,
    start: Value,
    duration: Value | None,
    probability: float,
    n: int,
    horizon: int,
) -> Window:
    on = rng.uniform(0.0, 1.0, n) < probability
    s = np.floor(draw(start, rng, n)).astype(np.int64)
    if duration is None:
        draw(0.0, rng, n)
        e = np.full(n, horizon, dtype=np.int64)
    else:
        e = s + np.maximum(np.round(draw(duration, rng, n)), 1).astype(np.int64)
    return Window(s, np.minimum(e, horizon), on)


def realise(
    scenario: Scenario,
    markets: list[MineralMarket],
    chunks: list[int],
    n_paths: int,
    calibrations: dict[int, Calibration],
) -> dict[str, MineralEvents]:
    """Realise every event for the paths of the given chunks.

    Parameters
    ----------
    scenario
        The validated scenario.
    markets
        The baseline markets.
    chunks
        Chunk indices of the batch, ascending.
    n_paths
        Total number of paths (the last chunk may be partial).
    calibrations
        Generator calibrations by event index (for stochastic generators).
    """
    horizon = scenario.horizon_months
    by_mineral = {m.mineral: m for m in markets}
    out = {m.mineral: MineralEvents() for m in markets}
    sizes = [min(CHUNK, n_paths - c * CHUNK) for c in chunks]

    def cut(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([p[:s] for p, s in zip(parts, sizes, strict=True)])

    for index, event in enumerate(scenario.events):
        streams = [chunk_rng(scenario.seed, c, index) for c in chunks]
        if isinstance(event, StochasticRestrictions):
            _realise_stochastic(
                event, streams, sizes, horizon, by_mineral, out, calibrations[index], index
            )
            continue
        windows = [
            _window(r, event.start_month, event.duration_months, event.probability, CHUNK, horizon)
            for r in streams
        ]
        window = Window(
            cut([w.start for w in windows]),
            cut([w.end for w in windows]),
            cut([w.on for w in windows]),
        )
        if isinstance(event, ExportRestriction):
            severity = cut([draw(event.severity_share, r, CHUNK) for r in streams])
            leakage = cut([draw(event.leakage_share, r, CHUNK) for r in streams])
            imposer = set(countries.expand(event.imposer))
            targets = _targets(event.targets)
            for mineral in _minerals(event.minerals, by_mineral):
                market = by_mineral[mineral]
                stage = _stage_of(market, event.stage, first=False)
                imp, tgt, home = _restriction_masks(market, stage, imposer, targets)
                out[mineral].restrictions.append(
                    Restriction(
                        stage, imp, tgt, window, severity, leakage, f"events[{index}]", home
                    )
                )
        elif isinstance(event, ProductionOutage):
            share = cut([draw(event.share_lost, r, CHUNK) for r in streams])
            for mineral in _minerals(event.minerals, by_mineral):
                market = by_mineral[mineral]
                stage = _stage_of(market, event.stage, first=True)
                producers = _mask(market.producers(stage).codes, {event.country}, row_member=False)
                out[mineral].outages.append(
                    Outage(stage, producers, window, share, f"events[{index}]")
                )
        elif isinstance(event, DemandSurge):
            share = cut([draw(event.increase_share, r, CHUNK) for r in streams])
            everyone = event.consumers == ["all"]
            named = (
                set()
                if everyone
                else set(countries.expand([c for c in event.consumers if c != ROW]))
            )
            for mineral in _minerals(event.minerals, by_mineral):
                market = by_mineral[mineral]
                mask = (
                    np.ones(len(market.consumers), dtype=bool)
                    if everyone
                    else _mask(market.consumers, named, row_member=ROW in event.consumers)
                )
                out[mineral].surges.append(Surge(mask, window, share, f"events[{index}]"))
    return out


def check_targets(scenario: Scenario, markets: list[MineralMarket]) -> list[str]:
    """Restrictions and surges whose named countries match no buyer of a mineral.

    A target that is not an explicit consumer (its demand sits inside ROW), or
    not a refiner for a mining-stage restriction, would make the event do
    nothing; this lists each such case with its path in the scenario.
    """
    by_mineral = {m.mineral: m for m in markets}
    problems = []
    for i, event in enumerate(scenario.events):
        if isinstance(event, ExportRestriction | StochasticRestrictions):
            if event.targets == ["all"]:
                continue
            named = set(countries.expand(event.targets))
            for mineral in _minerals(event.minerals, by_mineral):
                market = by_mineral[mineral]
                stage = _stage_of(market, event.stage, first=False)
                buyers = _buyers(market, stage)
                if not any(b in named for b in buyers):
                    kind = "refiners" if buyers is market.final.codes else "explicit consumers"
                    problems.append(
                        f"events[{i}].targets: none of {', '.join(event.targets)} is among the "
                        f"{kind} of {mineral} ({', '.join(b for b in buyers if b != ROW)}), so "
                        "the restriction would do nothing; give the target's demand under "
                        "market.consumers with its source"
                    )
        elif isinstance(event, DemandSurge) and event.consumers != ["all"]:
            named = set(countries.expand([c for c in event.consumers if c != ROW]))
            for mineral in _minerals(event.minerals, by_mineral):
                market = by_mineral[mineral]
                if ROW not in event.consumers and not any(c in named for c in market.consumers):
                    problems.append(
                        f"events[{i}].consumers: none is an explicit consumer of {mineral} "
                        f"({', '.join(market.consumers)}); the surge would do nothing"
                    )
    return problems


def _minerals(names: list[str], by_mineral: dict[str, MineralMarket]) -> list[str]:
    if names == ["all"]:
        return list(by_mineral)
    return [m for m in names if m in by_mineral]


def _realise_stochastic(
    event: StochasticRestrictions,
    streams: list[np.random.Generator],
    sizes: list[int],
    horizon: int,
    by_mineral: dict[str, MineralMarket],
    out: dict[str, MineralEvents],
    calibration: Calibration,
    index: int,
) -> None:
    """Poisson arrivals of restrictions, each on one randomly chosen candidate mineral."""
    first = event.start_month
    last = horizon - 1 if event.end_month is None else min(event.end_month, horizon - 1)
    months = max(last - first + 1, 0)
    rate = event.rate_per_year if event.rate_per_year is not None else calibration.rate_per_year
    mean_duration = event.mean_duration_months or calibration.mean_duration_months
    expected = rate * months / 12.0
    slots = int(math.ceil(expected + 6.0 * math.sqrt(expected) + 3)) if expected > 0 else 0
    candidates = (
        [m for m in event.minerals if m in by_mineral]
        if event.minerals != ["all"]
        else list(by_mineral)
    )
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("n", "t", "m", "d", "sev", "leak")}
    for rng in streams:
        parts["n"].append(rng.poisson(expected, CHUNK))
        parts["t"].append(
            rng.integers(first, last + 1, (CHUNK, slots)) if slots else np.zeros((CHUNK, 0), int)
        )
        parts["m"].append(rng.integers(0, max(len(candidates), 1), (CHUNK, slots)))
        parts["d"].append(np.maximum(np.round(rng.exponential(mean_duration, (CHUNK, slots))), 1))
        if event.severity_share is None:
            ban = rng.uniform(0, 1, (CHUNK, slots)) < calibration.ban_probability
            lic = rng.uniform(*calibration.licence_severity, (CHUNK, slots))
            parts["sev"].append(np.where(ban, 1.0, lic))
        else:
            parts["sev"].append(
                draw(event.severity_share, rng, CHUNK * slots).reshape(CHUNK, slots)
            )
        parts["leak"].append(draw(event.leakage_share, rng, CHUNK * slots).reshape(CHUNK, slots))
    cut = {
        k: np.concatenate([p[:s] for p, s in zip(v, sizes, strict=True)]) for k, v in parts.items()
    }
    n = cut["n"]
    imposer = set(countries.expand(event.imposer))
    targets = _targets(event.targets)
    for j in range(slots):
        happens = n > j
        start = cut["t"][:, j].astype(np.int64)
        end = np.minimum(start + cut["d"][:, j].astype(np.int64), horizon)
        for k, mineral in enumerate(candidates):
            market = by_mineral[mineral]
            stage = _stage_of(market, event.stage, first=False)
            window = Window(start, end, happens & (cut["m"][:, j] == k))
            imp, tgt, home = _restriction_masks(market, stage, imposer, targets)
            out[mineral].restrictions.append(
                Restriction(
                    stage,
                    imp,
                    tgt,
                    window,
                    cut["sev"][:, j],
                    cut["leak"][:, j],
                    f"events[{index}] arrival {j + 1}",
                    home,
                )
            )
