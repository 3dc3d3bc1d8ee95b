"""Loading the world dataset: the shipped package or a user's own.

>>> world = load_world()
>>> "gallium" in world.mineral_ids
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from critmin.errors import CritminError, DataPackageError
from critmin.world import checks
from critmin.world.schema import Stage


def default_path() -> Path:
    """Folder of the data package shipped inside critmin."""
    return Path(str(resources.files("critmin.world") / "default"))


@dataclass(frozen=True)
class World:
    """The curated dataset: one typed DataFrame per table.

    Attributes are the tables of :mod:`critmin.world.schema`, with the columns
    declared there. ``findings`` holds the warnings the checks raised when the
    package was loaded (errors prevent loading).
    """

    path: Path
    tables: dict[str, pd.DataFrame]
    findings: tuple[checks.Finding, ...] = field(default=())

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name``."""
        try:
            return self.tables[name]
        except KeyError:
            raise CritminError("unknown table", given=name, allowed=sorted(self.tables)) from None

    @property
    def sources(self) -> pd.DataFrame:
        """The ``sources`` table."""
        return self.tables["sources"]

    @property
    def minerals(self) -> pd.DataFrame:
        """The ``minerals`` table."""
        return self.tables["minerals"]

    @property
    def mineral_stages(self) -> pd.DataFrame:
        """The ``mineral_stages`` table."""
        return self.tables["mineral_stages"]

    @property
    def countries(self) -> pd.DataFrame:
        """The ``countries`` table."""
        return self.tables["countries"]

    @property
    def country_groups(self) -> pd.DataFrame:
        """The ``country_groups`` table."""
        return self.tables["country_groups"]

    @property
    def production(self) -> pd.DataFrame:
        """The ``production`` table."""
        return self.tables["production"]

    @property
    def production_totals(self) -> pd.DataFrame:
        """The ``production_totals`` table."""
        return self.tables["production_totals"]

    @property
    def reserves(self) -> pd.DataFrame:
        """The ``reserves`` table."""
        return self.tables["reserves"]

    @property
    def prices(self) -> pd.DataFrame:
        """The ``prices`` table."""
        return self.tables["prices"]

    @property
    def consumption(self) -> pd.DataFrame:
        """The ``consumption`` table."""
        return self.tables["consumption"]

    @property
    def net_import_reliance(self) -> pd.DataFrame:
        """The ``net_import_reliance`` table."""
        return self.tables["net_import_reliance"]

    @property
    def import_sources(self) -> pd.DataFrame:
        """The ``import_sources`` table."""
        return self.tables["import_sources"]

    @property
    def governance(self) -> pd.DataFrame:
        """The ``governance`` table."""
        return self.tables["governance"]

    @property
    def policy_instruments(self) -> pd.DataFrame:
        """The ``policy_instruments`` table."""
        return self.tables["policy_instruments"]

    @property
    def projects(self) -> pd.DataFrame:
        """The ``projects`` table."""
        return self.tables["projects"]

    @property
    def trade(self) -> pd.DataFrame:
        """The ``trade`` table (empty unless a user supplies one)."""
        return self.tables["trade"]

    @property
    def published_shares(self) -> pd.DataFrame:
        """The ``published_shares`` table (empty if the package has none)."""
        return self.tables["published_shares"]

    @property
    def eu_crm_parameters(self) -> pd.DataFrame:
        """The ``eu_crm_parameters`` table (empty if the package has none)."""
        return self.tables["eu_crm_parameters"]

    @property
    def demand_shares(self) -> pd.DataFrame:
        """The ``demand_shares`` table (empty if the package has none)."""
        return self.tables["demand_shares"]

    @property
    def observed_responses(self) -> pd.DataFrame:
        """The ``observed_responses`` table (empty if the package has none)."""
        return self.tables["observed_responses"]

    @property
    def mineral_ids(self) -> list[str]:
        """All mineral ids, sorted."""
        return sorted(self.minerals["mineral"])

    def years(self, mineral: str, stage: str | None = None) -> list[int]:
        """Years with production data for a mineral (and stage), ascending."""
        rows = self.production_totals
        rows = rows[rows["mineral"] == mineral]
        if stage is not None:
            rows = rows[rows["stage"] == stage]
        return sorted({int(y) for y in rows["year"]})

    def stages(self, mineral: str) -> list[str]:
        """Stages with country data for a mineral."""
        rows = self.mineral_stages
        rows = rows[(rows["mineral"] == mineral) & (rows["coverage"] == "data")]
        order = [s.value for s in Stage]
        return sorted(set(rows["stage"]), key=order.index)

    def check_mineral(self, mineral: str, *, where: str = "--mineral") -> str:
        """Return ``mineral`` if known, else raise a :class:`CritminError`."""
        if mineral not in set(self.minerals["mineral"]):
            raise CritminError(
                "unknown mineral", where=where, given=mineral, allowed=self.mineral_ids
            )
        return mineral


def load_world(path: Path | str | None = None) -> World:
    """Load and check a data package.

    Parameters
    ----------
    path
        Folder of a data package; None for the package shipped with critmin.

    Raises
    ------
    DataPackageError
        If any check finds an error; ``problems`` lists every finding.
    """
    folder = default_path() if path is None else Path(path)
    if path is None:
        return _load_default()
    return _load(folder)


@cache
def _load_default() -> World:
    return _load(default_path())


def _load(folder: Path) -> World:
    tables, findings = checks.check_package(folder)
    bad = checks.errors(findings)
    if bad:
        raise DataPackageError(
            f"the data package has {len(bad)} error(s)",
            where=str(folder),
            problems=[str(f) for f in findings],
        )
    for frame in tables.values():
        frame.reset_index(drop=True, inplace=True)
    return World(folder, tables, tuple(findings))
