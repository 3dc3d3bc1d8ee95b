"""Checks of a scenario against the dataset (minerals, stages, producers)."""

from __future__ import annotations

from typing import Any

from critmin.scenario.events import ProductionOutage
from critmin.scenario.model import Scenario


def check_against_world(scenario: Scenario, world: Any) -> list[str]:
    """Errors that need the dataset: unknown minerals, missing stages, non-producers.

    Returns ``path: message`` lines (empty when the scenario fits the dataset).
    """
    known = set(world.mineral_ids)
    with_data = {m for m in known if world.stages(m)}
    errors: list[str] = []

    def mineral_ok(name: str, path: str) -> bool:
        if name not in known:
            errors.append(f"{path}: unknown mineral {name!r} (allowed: {', '.join(sorted(known))})")
            return False
        if name not in with_data:
            errors.append(
                f"{path}: {name} has no production data to simulate "
                f"(minerals with data: {', '.join(sorted(with_data))})"
            )
            return False
        return True

    if scenario.minerals is not None:
        for j, name in enumerate(scenario.minerals):
            mineral_ok(name, f"minerals[{j}]")
    for i, event in enumerate(scenario.events):
        names = event.minerals
        if names == ["all"]:
            continue
        for j, name in enumerate(names):
            if not mineral_ok(name, f"events[{i}].minerals[{j}]"):
                continue
            stage = getattr(event, "stage", None)
            stages = world.stages(name)
            if stage is not None and stage not in stages:
                errors.append(
                    f"events[{i}].stage: {name} has no {stage} data "
                    f"(stages with data: {', '.join(stages)})"
                )
            if isinstance(event, ProductionOutage):
                use = stage or stages[0]
                year = world.years(name, use)[-1]
                producers = set(
                    world.rows("production", mineral=name, stage=use, year=year)["country"]
                )
                if event.country not in producers:
                    errors.append(
                        f"events[{i}].country: {event.country} does not produce {name} at the "
                        f"{use} stage in {year} "
                        f"(producers: {', '.join(sorted(producers - {'ROW'}))})"
                    )
    for i, reserve in enumerate(scenario.policies.reserves):
        for j, name in enumerate(reserve.minerals):
            mineral_ok(name, f"policies.reserves[{i}].minerals[{j}]")
    for i, floor in enumerate(scenario.policies.price_floors):
        mineral_ok(floor.mineral, f"policies.price_floors[{i}].mineral")
    for i, club in enumerate(scenario.policies.buyers_clubs):
        for j, name in enumerate(club.minerals):
            mineral_ok(name, f"policies.buyers_clubs[{i}].minerals[{j}]")
    for code, spec in scenario.market.consumers.items():
        for name in spec:
            if name not in known:
                errors.append(
                    f"market.consumers.{code}.{name}: unknown mineral "
                    f"(allowed: {', '.join(sorted(known))})"
                )
    for name in scenario.market.elasticity_overrides:
        if name not in known:
            errors.append(f"market.elasticity_overrides.{name}: unknown mineral")
    for name in scenario.market.base_prices_usd_per_kg:
        if name not in known:
            errors.append(f"market.base_prices_usd_per_kg.{name}: unknown mineral")
    if not scenario.mineral_ids() and scenario.minerals is None:
        errors.append("events: no event or policy names a mineral; nothing to simulate")
    return errors
