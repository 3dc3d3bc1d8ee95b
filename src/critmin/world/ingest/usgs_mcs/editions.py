"""Both MCS editions read for every registry commodity and merged (:func:`read_usgs_mcs`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from critmin.world.ingest import registry
from critmin.world.ingest.common import IngestResult, Problem, Severity
from critmin.world.ingest.usgs_mcs._common import _frame, _label
from critmin.world.ingest.usgs_mcs.salient import read_salient_file
from critmin.world.ingest.usgs_mcs.trends import _read_fig2, read_leading_producers
from critmin.world.ingest.usgs_mcs.world import read_world_file

_FIG2_NAME = "usgs-mcs-2024/trends/MCS2024_Fig2_Net_Import_Reliance.csv"


def _find(folder: Path, edition: int, code: str, kind: str) -> Path | None:
    """The file of a commodity in an edition's folder (names vary in case and dashes)."""
    pattern = re.compile(rf"mcs{edition}-?{re.escape(code)}_{kind}\.csv", re.I)
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return next((p for p in files if pattern.fullmatch(p.name)), None)


def read_usgs_mcs(root: Path) -> IngestResult:
    """Read MCS 2023 and MCS 2024 for every USGS commodity in the mineral registry.

    Parameters
    ----------
    root
        Folder holding ``usgs-mcs-2023/`` and ``usgs-mcs-2024/`` (each with ``world/``,
        ``salient/`` and ``trends/``).

    Returns
    -------
    IngestResult
        Tables ``production``, ``production_totals``, ``reserves``, ``mineral_stages``,
        ``prices``, ``consumption``, ``net_import_reliance`` and ``import_sources`` in the
        schema's units (tonnes [t], [USD/kg], shares [0-1]); every problem (including
        the T5 rows :func:`read_leading_producers` cannot map); the five sources
        ``usgs-mcs-{2023,2024}-{world,salient}`` and ``usgs-mcs-2024-trends``.

    Notes
    -----
    Where both editions give the same year, MCS 2024 wins. Production and totals are
    taken by whole (mineral, stage, year) blocks from one edition: mixing editions within
    a year would double count countries that MCS 2024 folded into "Other countries". A
    (mineral, stage) whose basis differs between editions (magnesite in gross weight in
    MCS 2023, contained MgO in MCS 2024) keeps only MCS 2024. Salient series are merged
    row by row. The 2023 net import reliance comes from the salient files, else from
    Fig2; disagreements between the two are reported.
    """
    editions: dict[int, IngestResult] = {}
    codes = dict.fromkeys(c for m in registry.MINERALS for c in m.usgs_codes)
    readers: dict[str, Callable[[Path, int], IngestResult]] = {
        "world": read_world_file,
        "salient": read_salient_file,
    }
    for edition in (2023, 2024):
        res = editions[edition] = IngestResult()
        for code in codes:
            for kind, reader in readers.items():
                path = _find(root / f"usgs-mcs-{edition}" / kind, edition, code, kind)
                if path is None:
                    res.problems.append(
                        Problem(
                            f"usgs-mcs-{edition}/{kind}", f"no {kind} file for USGS code {code!r}"
                        )
                    )
                else:
                    res.extend(reader(path, edition))
    new, old = editions[2024], editions[2023]
    out = IngestResult()
    out.extend(old)
    out.tables = {}
    out.extend(IngestResult(problems=new.problems, sources=new.sources))
    _merge_world(out, new, old)
    for name, key in (
        ("prices", ["mineral", "series", "year"]),
        ("consumption", ["mineral", "consumer", "year", "sector", "kind"]),
        ("net_import_reliance", ["mineral", "country", "year"]),
    ):
        both = _stack(new.tables.get(name), old.tables.get(name))
        if both is not None:
            out.tables[name] = both.drop_duplicates(key, keep="first").reset_index(drop=True)
            dropped = len(both) - len(out.tables[name])
            _superseded(out, "salient", dropped, f"{name} rows superseded by MCS 2024")
    trends = root / "usgs-mcs-2024" / "trends"
    fig2 = trends / "MCS2024_Fig2_Net_Import_Reliance.csv"
    if fig2.is_file():
        _merge_fig2(out, _read_fig2(fig2))
    else:
        out.problems.append(Problem(_label(fig2), "Fig2 file not found"))
    t5 = trends / "MCS2024_T5_Critical_Minerals_Salient.csv"
    if t5.is_file():
        read_leading_producers(t5, out.problems)
    return out


def _stack(*frames: pd.DataFrame | None) -> pd.DataFrame | None:
    """The frames that exist and hold rows, one below the other; None if there are none."""
    kept = [f for f in frames if f is not None and not f.empty]
    return pd.concat(kept, ignore_index=True) if kept else None


def _superseded(out: IngestResult, part: str, count: int, why: str) -> None:
    """Report (info) ``count`` MCS 2023 rows of ``part`` that are not used, if any."""
    if count:
        problem = Problem(f"usgs-mcs-2023/{part}", f"{count} {why}", severity=Severity.INFO)
        out.problems.append(problem)


def _merge_world(out: IngestResult, new: IngestResult, old: IngestResult) -> None:
    """Production, totals, reserves and stages of both editions (MCS 2024 first)."""
    empty = _frame("mineral_stages", [])
    new_stages = new.tables.get("mineral_stages", empty).drop_duplicates(["mineral", "stage"])
    old_stages = old.tables.get("mineral_stages", empty).drop_duplicates(["mineral", "stage"])
    basis = dict(
        zip(
            zip(new_stages["mineral"], new_stages["stage"], strict=True),
            new_stages["basis"],
            strict=True,
        )
    )
    other_basis = set()
    for mineral, stage, old_basis in zip(
        old_stages["mineral"], old_stages["stage"], old_stages["basis"], strict=True
    ):
        if basis.get((mineral, stage), old_basis) != old_basis:
            other_basis.add((mineral, stage))
            out.problems.append(
                Problem(
                    "usgs-mcs-2023/world",
                    f"{mineral} {stage}: MCS 2023 basis {old_basis!r} differs "
                    f"from MCS 2024 ({basis[(mineral, stage)]!r}); MCS 2023 production not used",
                )
            )
    for name in ("production", "production_totals"):
        old_frame = old.tables.get(name)
        if old_frame is not None:
            keys = zip(old_frame["mineral"], old_frame["stage"], old_frame["year"], strict=True)
            drop = [(m, s) in other_basis or ((m, s) in basis and y >= 2022) for m, s, y in keys]
            why = f"{name} rows superseded by MCS 2024 or on another basis"
            _superseded(out, "world", sum(drop), why)
            old_frame = old_frame[[not d for d in drop]]
        if (both := _stack(new.tables.get(name), old_frame)) is not None:
            out.tables[name] = both
    if (both := _stack(new.tables.get("reserves"), old.tables.get("reserves"))) is not None:
        out.tables["reserves"] = both
    # One row per (mineral, stage): a stage with data first, then MCS 2024 before MCS 2023.
    stages = pd.concat([new_stages, old_stages], ignore_index=True)
    order = (stages["coverage"] != "data").astype(int).sort_values(kind="stable").index
    stages = stages.loc[order].drop_duplicates(["mineral", "stage"]).reset_index(drop=True)
    out.tables["mineral_stages"] = stages


def _percent(share: float, qualifier: str) -> str:
    """A net import reliance as printed: '>95%', '57%', 'E'."""
    return "E" if qualifier == "E" else f"{'' if qualifier == '=' else qualifier}{share * 100:g}%"


def _merge_fig2(out: IngestResult, fig2: IngestResult) -> None:
    """Add Fig2's net import reliance where the salient files lack it; report disagreement."""
    out.problems.extend(fig2.problems)
    out.sources.extend(fig2.sources)
    if "import_sources" in fig2.tables:
        out.tables["import_sources"] = fig2.tables["import_sources"]
    fig = fig2.tables.get("net_import_reliance")
    if fig is None:
        return
    have = out.tables.get("net_import_reliance", _frame("net_import_reliance", []))
    salient = {
        (m, int(y)): (float(s), str(q))
        for m, y, s, q in zip(
            have["mineral"], have["year"], have["nir_share"], have["qualifier"], strict=True
        )
    }
    keep = []
    for mineral, year, share, qualifier in zip(
        fig["mineral"], fig["year"], fig["nir_share"], fig["qualifier"], strict=True
    ):
        mine = salient.get((mineral, int(year)))
        keep.append(mine is None)
        if mine is not None and (abs(mine[0] - float(share)) > 1e-9 or mine[1] != qualifier):
            fig2_text, salient_text = _percent(float(share), qualifier), _percent(*mine)
            why = f"{mineral} {year}: Fig2 net import reliance {fig2_text} differs from the "
            why += f"salient file's {salient_text}; salient value kept"
            column = f"Net_Import_Reliance_pct_{year}"
            out.problems.append(Problem(_FIG2_NAME, why, column=column, value=fig2_text))
    out.add_rows("net_import_reliance", fig[keep])
