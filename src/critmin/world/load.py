"""Loading the world dataset: the shipped package or a user's own.

>>> world = load_world()
>>> "gallium" in world.mineral_ids
True
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from critmin.countries import WLD
from critmin.errors import CritminError, DataPackageError
from critmin.world import checks, overlay
from critmin.world.editions import edition_rank, series_of
from critmin.world.schema import TABLES_BY_NAME, Coverage, Stage


def default_path() -> Path:
    """Folder of the data package shipped inside critmin."""
    return Path(str(resources.files("critmin.world") / "default"))


def select(frame: pd.DataFrame, **where: object) -> pd.DataFrame:
    """The rows of ``frame`` whose columns equal the given values.

    A value of None matches any row; a list, tuple or set matches any of its
    members. The rows keep their index.

    >>> frame = pd.DataFrame({"mineral": ["a", "a", "b"], "year": [2023, 2024, 2024]})
    >>> select(frame, mineral="a", year=2024).index.tolist()
    [1]
    >>> select(frame, year=[2023, 2024], mineral=None).index.tolist()
    [0, 1, 2]
    """
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        if value is None:
            continue
        if column not in frame.columns:
            raise CritminError("unknown column", given=column, allowed=list(frame.columns))
        values = frame[column]
        if isinstance(value, list | tuple | set | frozenset):
            mask &= values.isin(list(value)).to_numpy(dtype=bool)
        else:
            mask &= (values == value).to_numpy(dtype=bool, na_value=False)
    return frame[mask]


class Tables(Mapping[str, pd.DataFrame]):
    """A package's tables by name. Every lookup hands out a copy.

    The loaded frames are shared (by every user of the cached shipped dataset,
    for one), so no caller can change them for another.
    """

    def __init__(self, frames: Mapping[str, pd.DataFrame]) -> None:
        self._frames = dict(frames)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._frames[name].copy()

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def frame(self, name: str) -> pd.DataFrame:
        """The frame itself, not a copy, for this module's read-only use."""
        return self._frames[name]

    def shared(self) -> dict[str, pd.DataFrame]:
        """The frames themselves, for this module's read-only use."""
        return dict(self._frames)


@dataclass(frozen=True)
class World:
    """The curated dataset: one typed DataFrame per table.

    Every table of :mod:`critmin.world.schema` is an attribute
    (``world.production``), with the columns declared there; each access is a
    copy, so changing it changes nothing for anyone else. :meth:`rows` selects
    rows by column values. ``findings`` holds the warnings the checks raised
    when the package was loaded (errors prevent loading).
    """

    path: Path
    tables: Tables
    findings: tuple[checks.Finding, ...] = field(default=())
    #: What an overlay package changed (None for a complete package).
    overlay: overlay.OverlayReport | None = None
    #: The production series chosen with :meth:`with_source` (None: each primary one).
    source: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.tables, Tables):
            object.__setattr__(self, "tables", Tables(self.tables))

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables")
        if tables is not None and name in TABLES_BY_NAME:
            return self.table(name)
        raise AttributeError(f"'World' object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(TABLES_BY_NAME))

    def _frame(self, name: str) -> pd.DataFrame:
        """The loaded frame of table ``name`` (shared: never hand it out)."""
        try:
            return self.tables.frame(name)
        except KeyError:
            raise CritminError("unknown table", given=name, allowed=sorted(self.tables)) from None

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name`` (a copy)."""
        return self._frame(name).copy()

    def rows(self, name: str, **where: object) -> pd.DataFrame:
        """The rows of table ``name`` whose columns equal the given values (see :func:`select`).

        >>> world = load_world()
        >>> sorted(set(world.rows("production", mineral="gallium", year=2023)["stage"]))
        ['refining']
        """
        return select(self._frame(name), **where).copy()

    @functools.cached_property
    def _trade_index(self) -> dict[tuple[str, str], pd.DataFrame]:
        trade = self._frame("trade")
        if trade.empty:
            return {}
        return {
            (str(m), str(s)): part
            for (m, s), part in trade.groupby(["mineral", "stage"], sort=False, observed=True)
        }

    def trade_of(self, mineral: str, stage: str | None = None) -> pd.DataFrame:
        """The ``trade`` rows of one mineral (and stage), from an index built once (a copy)."""
        index = self._trade_index
        if stage is not None:
            part = index.get((mineral, stage))
            parts = [] if part is None else [part]
        else:
            parts = [v for (m, _), v in index.items() if m == mineral]
        if not parts:
            return self._frame("trade").iloc[0:0].copy()
        return parts[0].copy() if len(parts) == 1 else pd.concat(parts)

    @property
    def mineral_ids(self) -> list[str]:
        """All mineral ids, sorted."""
        return sorted(self._frame("minerals")["mineral"])

    @property
    def traded_minerals(self) -> list[str]:
        """Minerals with rows in the ``trade`` table, sorted."""
        return sorted({mineral for mineral, _ in self._trade_index})

    def years(self, mineral: str, stage: str | None = None) -> list[int]:
        """Years with production data for a mineral (and stage), ascending."""
        rows = self.rows("production_totals", mineral=mineral, stage=stage)
        return sorted({int(y) for y in rows["year"]})

    def stages(self, mineral: str) -> list[str]:
        """Stages with country data for a mineral."""
        rows = self.rows("mineral_stages", mineral=mineral, coverage=Coverage.DATA)
        order = [s.value for s in Stage]
        return sorted(set(rows["stage"]), key=order.index)

    def series_names(self, mineral: str | None = None) -> list[str]:
        """Series in ``production_series`` (for one mineral if given), sorted."""
        rows = self.rows("production_series", mineral=mineral)
        return sorted({series_of(str(s)) for s in rows["source_id"]})

    def with_source(self, series: str) -> World:
        """This dataset with production taken from ``series`` instead of the primary one.

        For every mineral and stage the series covers, ``production`` and
        ``production_totals`` are replaced by that series' rows (its newest
        edition for each year) from ``production_series``; minerals and stages
        it does not cover keep their primary series. ``series`` is a series id
        (``wmd``, ``usgs-mcs``, ``iea-cmde``) or a source id of one edition.

        Raises
        ------
        CritminError
            If no row of ``production_series`` belongs to ``series``.
        """
        rows = self.production_series
        if rows.empty:
            raise CritminError(
                "this data package has no production_series table",
                where="--source",
                given=series,
                allowed="a package built by critmin data build",
            )
        ids = rows["source_id"].astype(str)
        pick = rows[(ids == series) | (ids.map(series_of) == series)]
        if pick.empty:
            raise CritminError(
                "unknown source series",
                where="--source",
                given=series,
                allowed=self.series_names() + sorted(set(ids)),
            )
        key = ["mineral", "stage", "year"]
        pick = pick.assign(_edition=pick["source_id"].map(edition_rank))
        newest = pick.groupby(key)["_edition"].transform("min")
        pick = pick[pick["_edition"] == newest].drop(columns="_edition")
        is_total = pick["country"] == WLD
        production = pick[~is_total].assign(capacity_t=np.nan)
        sums = production.groupby(key)["value_t"].sum().rename("rows_sum_t")
        kind = pick.loc[is_total, "note"].str.extract(r"\(([^)]*)\)")[0]
        totals = (
            pick[is_total]
            .assign(world_total_t=pick.loc[is_total, "value_t"], total_kind=kind.fillna(""))
            .join(sums, on=key)
            .assign(published_total_t=np.nan)
        )
        totals["rows_sum_t"] = totals["rows_sum_t"].fillna(0.0)
        covered = pick[key[:2]].drop_duplicates()
        keep = self.production.merge(covered, on=key[:2], how="left", indicator=True)
        keep_totals = self.production_totals.merge(covered, on=key[:2], how="left", indicator=True)
        tables = self.tables.shared()
        tables["production"] = pd.concat(
            [keep[keep["_merge"] == "left_only"].drop(columns="_merge"), production],
            ignore_index=True,
        )[self.production.columns]
        tables["production_totals"] = pd.concat(
            [keep_totals[keep_totals["_merge"] == "left_only"].drop(columns="_merge"), totals],
            ignore_index=True,
        )[self.production_totals.columns]
        return dataclasses.replace(self, tables=Tables(tables), source=series)

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
        A folder that holds some tables but not every required one is an
        overlay (:mod:`critmin.world.overlay`): its tables are merged into the
        shipped package row by row, and ``World.overlay`` reports what changed.

    Raises
    ------
    DataPackageError
        If any check finds an error; ``problems`` lists every finding.
    """
    if path is None:
        return _load_default()
    folder = Path(path)
    if folder.is_dir() and overlay.is_overlay(folder):
        return _load_overlay(folder)
    return _load(folder)


@cache
def _shipped_raw() -> dict[str, pd.DataFrame]:
    raw, findings = checks.read_raw_tables(default_path())
    bad = checks.errors(findings)
    if bad:
        raise DataPackageError(
            "the shipped data package cannot be read",
            where=str(default_path()),
            problems=[str(f) for f in bad],
        )
    return raw


@cache
def _load_default() -> World:
    # the shipped package is checked by the build and by the test suite
    # (tests/test_world_data.py); loading it parses without re-checking
    return _world(default_path(), checks.read_checked_package(default_path()), [])


def _world(folder: Path, tables: dict[str, pd.DataFrame], findings: list[checks.Finding]) -> World:
    for frame in tables.values():
        frame.reset_index(drop=True, inplace=True)
    return World(folder, Tables(tables), tuple(findings))


def _raise_on_errors(findings: list[checks.Finding], folder: Path) -> None:
    bad = checks.errors(findings)
    if bad:
        raise DataPackageError(
            f"the data package has {len(bad)} error(s)",
            where=str(folder),
            problems=[str(f) for f in findings],
        )


def _load(folder: Path) -> World:
    tables, findings = checks.check_package(folder)
    _raise_on_errors(findings, folder)
    return _world(folder, tables, findings)


def _overlay(
    folder: Path,
) -> tuple[dict[str, pd.DataFrame], overlay.OverlayReport, list[checks.Finding]]:
    raw, report, findings = overlay.merge(_shipped_raw(), folder)
    if checks.errors(findings):
        return {}, report, findings
    typed, more = checks.check_tables(raw, cells=False)
    # the shipped package's own warnings (in its build report) are not the overlay's
    mine = set(report.added)
    more = [f for f in more if f.level == checks.Level.ERROR or f.table in mine]
    return typed, report, findings + more


def check_overlay(folder: Path) -> tuple[overlay.OverlayReport, list[checks.Finding]]:
    """Check an overlay folder against the shipped package: what it changes, what is wrong."""
    _, report, findings = _overlay(Path(folder))
    return report, findings


def validate_package(
    folder: Path | str,
) -> tuple[overlay.OverlayReport | None, list[checks.Finding]]:
    """Check a data package, or an overlay on the shipped one; never raises on findings.

    Returns what an overlay changes (None for a complete package) and every
    finding, errors first where the checks list them so.
    """
    folder = Path(folder)
    if folder.is_dir() and overlay.is_overlay(folder):
        return check_overlay(folder)
    _, findings = checks.check_package(folder)
    return None, findings


def _load_overlay(folder: Path) -> World:
    typed, report, findings = _overlay(folder)
    _raise_on_errors(findings, folder)
    world = _world(folder, typed, findings)
    return dataclasses.replace(world, overlay=report)
