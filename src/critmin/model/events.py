"""Event plans: each scenario event resolved against the baseline markets.

:func:`plan_events` turns the scenario's events into plain plans: which
producers and buyers of which mineral and stage each event touches (as
boolean masks over the market's codes), and the distributions of its timing
and size (:class:`Dist`). The engine draws the random parts on each path
(:func:`critmin.engine.events.realise`); nothing here is random. The
stochastic generator's calibration on the dataset's history
(:func:`calibrate_restrictions`) and the check that an event's targets are
buyers (:func:`check_targets`) live here too, since both need the world or
the markets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from critmin import countries
from critmin.errors import CritminError
from critmin.model.market import ROW, MineralMarket
from critmin.scenario import (
    DemandSurge,
    DistKind,
    EventType,
    ExportRestriction,
    ProductionOutage,
    Scenario,
    StochasticRestrictions,
    Triangular,
    Uniform,
    Value,
)
from critmin.world.load import World


@dataclass(frozen=True)
class Dist:
    """A scenario number: fixed, or drawn on each path from a distribution.

    ``low`` holds the fixed value; ``mode`` matters for triangular draws only.
    """

    kind: str
    low: float
    high: float
    mode: float = 0.0

    @classmethod
    def of(cls, value: Value) -> Dist:
        """The :class:`Dist` of a scenario :data:`~critmin.scenario.Value`."""
        if isinstance(value, Uniform):
            return cls(DistKind.UNIFORM, float(value.low), float(value.high))
        if isinstance(value, Triangular):
            return cls(DistKind.TRIANGULAR, float(value.low), float(value.high), float(value.mode))
        return cls(DistKind.FIXED, float(value), float(value))


@dataclass(frozen=True)
class Target:
    """Where an event acts on one mineral: the stage and the masks over its codes.

    ``sellers`` are the producers of the stage (restrictions: the imposer's;
    outages: the country's), ``buyers`` the buyers affected (restrictions:
    the targets; surges: the consumers), ``home`` the imposer's own buyers
    (restrictions only; where withheld volume goes).
    """

    mineral: str
    stage: str
    sellers: np.ndarray
    buyers: np.ndarray
    home: np.ndarray


@dataclass(frozen=True)
class EventPlan:
    """One scenario event, resolved: its timing, its size and where it acts.

    ``kind`` is the scenario's event type. For ``export_restriction`` the sizes
    are ``severity`` and ``leakage``; for ``production_outage`` and
    ``demand_surge``, ``size`` (the share lost, or the increase).
    """

    index: int
    kind: EventType
    start: Dist
    duration: Dist | None
    probability: float
    targets: tuple[Target, ...]
    severity: Dist | None = None
    leakage: Dist | None = None
    size: Dist | None = None
    #: month a restriction is announced (buyers stock up until it starts), or None
    announced: int | None = None
    #: a restriction's severity relaxes toward ``floor`` with this half-life, or None
    half_life: Dist | None = None
    floor: Dist | None = None


@dataclass(frozen=True)
class BanOrLicence:
    """A severity drawn as a ban (severity 1) with ``ban_probability``, and otherwise
    a licensing regime, uniform in ``licence_severity`` [share]."""

    ban_probability: float
    licence_severity: tuple[float, float]


@dataclass(frozen=True)
class StochasticPlan:
    """The stochastic restriction generator, resolved: Poisson arrivals on candidates.

    ``severity`` is the scenario's when given, else the calibrated mix of bans
    and licensing regimes.
    """

    index: int
    first_month: int
    last_month: int
    rate_per_year: float
    mean_duration_months: float
    severity: Dist | BanOrLicence
    leakage: Dist
    candidates: tuple[Target, ...]


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


def _restriction_target(
    market: MineralMarket,
    stage_name: str | None,
    imposer: set[str],
    targets: set[str] | None,
) -> Target:
    stage = _stage_of(market, stage_name, first=False)
    imp, tgt, home = _restriction_masks(market, stage, imposer, targets)
    return Target(market.mineral, stage, imp, tgt, home)


def plan_events(
    scenario: Scenario, markets: list[MineralMarket], calibrations: dict[int, Calibration]
) -> tuple[EventPlan | StochasticPlan, ...]:
    """Every event of ``scenario`` resolved against ``markets``, in the scenario's order."""
    by_mineral = {m.mineral: m for m in markets}
    horizon = scenario.horizon_months
    plans: list[EventPlan | StochasticPlan] = []
    for index, event in enumerate(scenario.events):
        if isinstance(event, StochasticRestrictions):
            cal = calibrations.get(index)  # absent when the scenario gives every parameter
            rate, duration_mean = event.rate_per_year, event.mean_duration_months
            severity: Dist | BanOrLicence
            if event.severity_share is not None:
                severity = Dist.of(event.severity_share)
            else:
                assert cal is not None
                severity = BanOrLicence(cal.ban_probability, cal.licence_severity)
            if rate is None or duration_mean is None:
                assert cal is not None
                rate = cal.rate_per_year if rate is None else rate
                duration_mean = duration_mean or cal.mean_duration_months
            first = event.start_month
            last = horizon - 1 if event.end_month is None else min(event.end_month, horizon - 1)
            candidates = (
                [m for m in event.minerals if m in by_mineral]
                if event.minerals != ["all"]
                else list(by_mineral)
            )
            imposer = set(countries.expand(event.imposer))
            targets = _targets(event.targets)
            plans.append(
                StochasticPlan(
                    index=index,
                    first_month=first,
                    last_month=last,
                    rate_per_year=rate,
                    mean_duration_months=duration_mean,
                    severity=severity,
                    leakage=Dist.of(event.leakage_share),
                    candidates=tuple(
                        _restriction_target(by_mineral[m], event.stage, imposer, targets)
                        for m in candidates
                    ),
                )
            )
            continue
        start = Dist.of(event.start_month)
        duration = None if event.duration_months is None else Dist.of(event.duration_months)
        if isinstance(event, ExportRestriction):
            imposer = set(countries.expand(event.imposer))
            targets = _targets(event.targets)
            plans.append(
                EventPlan(
                    index, EventType.EXPORT_RESTRICTION, start, duration, event.probability,
                    tuple(
                        _restriction_target(by_mineral[m], event.stage, imposer, targets)
                        for m in _minerals(event.minerals, by_mineral)
                    ),
                    severity=Dist.of(event.severity_share),
                    leakage=Dist.of(event.leakage_share),
                    announced=event.announced_month,
                    half_life=(
                        None
                        if event.severity_half_life_months is None
                        else Dist.of(event.severity_half_life_months)
                    ),
                    floor=Dist.of(event.severity_floor_share),
                )
            )  # fmt: skip
        elif isinstance(event, ProductionOutage):
            acts = []
            for mineral in _minerals(event.minerals, by_mineral):
                market = by_mineral[mineral]
                stage = _stage_of(market, event.stage, first=True)
                producers = _mask(market.producers(stage).codes, {event.country}, row_member=False)
                none = np.zeros(len(market.consumers), dtype=bool)
                acts.append(Target(mineral, stage, producers, none, none))
            plans.append(
                EventPlan(
                    index, EventType.PRODUCTION_OUTAGE, start, duration, event.probability,
                    tuple(acts), size=Dist.of(event.share_lost),
                )
            )  # fmt: skip
        elif isinstance(event, DemandSurge):
            everyone = event.consumers == ["all"]
            named = (
                set()
                if everyone
                else set(countries.expand([c for c in event.consumers if c != ROW]))
            )
            acts = []
            for mineral in _minerals(event.minerals, by_mineral):
                market = by_mineral[mineral]
                mask = (
                    np.ones(len(market.consumers), dtype=bool)
                    if everyone
                    else _mask(market.consumers, named, row_member=ROW in event.consumers)
                )
                none = np.zeros(0, dtype=bool)
                acts.append(Target(mineral, market.final.stage, none, mask, none))
            plans.append(
                EventPlan(
                    index, EventType.DEMAND_SURGE, start, duration, event.probability,
                    tuple(acts), size=Dist.of(event.increase_share),
                )
            )  # fmt: skip
    return tuple(plans)
