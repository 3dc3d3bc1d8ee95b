"""Views of the dataset's trade: apparent consumption, net import reliance, import sources.

Any country, or a group such as the EU27 taken as one economy (trade between
its members netted out), for any mineral and stage with trade in the dataset.

* :func:`trade_rows`: the trade of a mineral and stage in one year, with the
  quantity measure used (basis tonnes, or gross product tonnes where no
  content factor exists);
* :func:`apparent_consumption`: production + imports - exports and the net
  import reliance, from the same basis;
* :func:`import_sources`: a consumer's imports by partner (optionally by HS
  product), with re-exports through hubs optionally reattributed to the hubs'
  own suppliers (:func:`reattribute_hubs`).

These are views of the dataset, used by the risk analyses and by the
simulator's baseline (consumers' demand, flows). Equations and assumptions are
in docs/methods.md, section "Trade-based dependence".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from critmin import countries
from critmin.errors import CritminError, check_choice
from critmin.world.load import World
from critmin.world.schema import HsStatus, NirQualifier, Stage, Status

#: Re-export hubs whose shipments :func:`reattribute_hubs` traces back by default.
HUBS: tuple[str, ...] = ("HKG", "SGP", "NLD", "BEL")

#: Quantity measures of :func:`trade_rows`.
BASIS_T = "value_t"
GROSS_T = "gross_t"


@dataclass(frozen=True)
class TradeSelection:
    """Trade of one mineral, stage and year, ready to be summed.

    Attributes
    ----------
    rows
        Columns exporter, importer, hs_code, quantity_t [t of ``measure``],
        value_usd [USD], has_quantity (False where the source gives none),
        source_id.
    measure
        ``value_t`` (tonnes of the mineral-stage's basis) or ``gross_t``
        (gross product tonnes: no code of the selection has a content factor).
    codes
        HS codes included.
    excluded
        HS codes left out, with why (gross weight among basis codes, a basis
        that differs from production for apparent consumption).
    same_basis
        True if every included code is on the production series' basis.
    """

    rows: pd.DataFrame
    measure: str
    codes: tuple[str, ...]
    excluded: tuple[str, ...]
    same_basis: bool


def members_of(consumer: str) -> tuple[str, frozenset[str]]:
    """A consumer's label and member countries: an ISO3 code or a group (EU27, G7, ...).

    >>> members_of("jpn")
    ('JPN', frozenset({'JPN'}))
    >>> label, eu = members_of("EU27"); label, len(eu)
    ('EU27', 27)
    """
    text = consumer.strip().upper()
    if text in {g.upper() for g in countries.group_names()}:
        return text, frozenset(countries.group_members(text))
    if countries.is_country(text):
        return text, frozenset({text})
    raise CritminError(
        "unknown country or group",
        where="consumer",
        given=consumer,
        allowed="ISO3 codes (e.g. JPN, KOR) or groups " + ", ".join(countries.group_names()),
    )


def trade_stages(world: World, mineral: str) -> list[str]:
    """Stages with trade rows for a mineral, upstream first."""
    have = set(world.trade_of(mineral)["stage"])
    return [s.value for s in Stage if s.value in have]


def default_trade_stage(world: World, mineral: str, *, for_consumption: bool = False) -> str | None:
    """Refining if the mineral has refining trade, else mining if it has mining trade.

    With ``for_consumption``, a stage whose traded products are on its
    production series' basis (so that apparent consumption can be derived) is
    preferred: cobalt's refining trade is in gross weight, its mining trade in
    cobalt content, so mining is chosen.
    """
    stages = trade_stages(world, mineral)
    if for_consumption:
        codes = world.hs_codes
        usable = [
            s
            for s in stages
            if not codes.empty
            and bool(
                codes.loc[
                    (codes["mineral"] == mineral) & (codes["stage"] == s),
                    "same_basis_as_production",
                ].any()
            )
        ]
        if usable:
            return usable[-1]
    return stages[-1] if stages else None


def trade_years(world: World, mineral: str, stage: str) -> list[int]:
    """Years with trade rows for a mineral and stage, ascending."""
    rows = world.trade_of(mineral, stage)
    return sorted({int(y) for y in rows["year"].dropna()})


def _code_info(world: World, mineral: str, stage: str) -> pd.DataFrame:
    """hs_codes rows of a mineral and stage, indexed by hs_code."""
    codes = world.hs_codes
    if codes.empty:
        return pd.DataFrame(columns=["status", "same_basis_as_production", "description"])
    codes = codes[(codes["mineral"] == mineral) & (codes["stage"] == stage)]
    return codes.drop_duplicates("hs_code").set_index("hs_code")


def trade_rows(
    world: World,
    mineral: str,
    stage: str,
    year: int,
    *,
    for_consumption: bool = False,
    end_use_only: bool = False,
) -> TradeSelection:
    """The trade of a mineral and stage in ``year``, on one quantity measure.

    Codes with a content factor are summed on the mineral-stage's basis
    (``value_t``); codes the map keeps in gross weight are left out of that sum
    and listed in ``excluded``. Only when no code has a factor is gross weight
    (``gross_t``) the measure. With ``for_consumption``, codes whose basis
    differs from the production series' (``same_basis_as_production`` false)
    are left out too, since they cannot be added to production. A row without
    a quantity keeps its value and ``has_quantity`` False; it adds nothing to
    quantities and is never read as zero.

    With ``end_use_only``, codes the map marks ``smelter_feed`` (ores that go
    to smelters before end users) are left out too.

    A user's trade rows whose code is not in ``hs_codes`` count as basis
    tonnes where ``value_t`` is given.
    """
    trade = world.trade_of(mineral, stage)
    rows = trade[trade["year"] == int(year)]
    info = _code_info(world, mineral, stage)
    codes = rows["hs_code"].fillna("").astype(str)
    status = codes.map(info["status"]) if not info.empty else pd.Series("", index=rows.index)
    status = status.fillna("")
    on_basis = rows["value_t"].notna() | (status == HsStatus.CONTENT)
    has_basis = bool((status == HsStatus.CONTENT).any() or rows["value_t"].notna().any())
    measure = BASIS_T if has_basis else GROSS_T
    keep = pd.Series(True, index=rows.index)
    excluded: list[str] = []
    if measure == BASIS_T:
        gross_only = (status == HsStatus.GROSS_WEIGHT) | (~on_basis & (status == ""))
        for code in sorted(set(codes[gross_only])):
            excluded.append(f"{code}: gross weight only (no content factor)")
        keep &= ~gross_only
    same = pd.Series(True, index=rows.index)
    if not info.empty:
        flag = codes.map(info["same_basis_as_production"])
        same = flag.fillna(True).astype(bool)
    if measure == GROSS_T:
        # gross tonnes are on the production basis only where that basis is gross weight
        same &= codes.map(info["same_basis_as_production"]).fillna(False).astype(bool)
    if for_consumption:
        for code in sorted(set(codes[keep & ~same])):
            excluded.append(f"{code}: not on the production series' basis")
        keep &= same
    if end_use_only and not info.empty and "smelter_feed" in info.columns:
        feed = codes.map(info["smelter_feed"]).fillna(False).astype(bool)
        for code in sorted(set(codes[keep & feed])):
            excluded.append(f"{code}: goes to smelters before end users")
        keep &= ~feed
    chosen = rows[keep]
    out = pd.DataFrame(
        {
            "exporter": chosen["exporter"].astype(str),
            "importer": chosen["importer"].astype(str),
            "hs_code": chosen["hs_code"].fillna("").astype(str),
            "quantity_t": chosen[measure].astype(float),
            "value_usd": chosen["value_usd"].astype(float),
            "has_quantity": chosen[measure].notna(),
            "source_id": chosen["source_id"].astype(str),
        }
    ).reset_index(drop=True)
    return TradeSelection(
        rows=out,
        measure=measure,
        codes=tuple(sorted(set(out["hs_code"]))),
        excluded=tuple(excluded),
        same_basis=bool(same[keep].all()) if keep.any() else False,
    )


@dataclass(frozen=True)
class Production:
    """A consumer's production in one year, with what is known about it.

    ``value_t`` is NaN when the source folds the country into "other
    countries" (unknown, never zero); ``upper_t`` then bounds it.
    """

    value_t: float
    upper_t: float
    source_id: str
    note: str


def consumer_production(
    world: World, members: frozenset[str], mineral: str, stage: str, year: int
) -> Production:
    """Production of a country or group from the primary series.

    A member not listed counts as zero when the source lists every producer
    (its rows add up to the world total); otherwise the member's output is
    unknown: the result is NaN, bounded by ROW plus the unattributed remainder.
    """
    rows = world.rows("production", mineral=mineral, stage=stage, year=year)
    total = world.rows("production_totals", mineral=mineral, stage=stage, year=year)
    if total.empty:
        years = world.years(mineral, stage)
        return Production(
            float("nan"),
            float("nan"),
            "",
            f"no {stage} production of {mineral} in {year} in the primary series"
            + (f" (it has {years[0]}-{years[-1]})" if years else ""),
        )
    world_t = float(total["world_total_t"].iloc[0])
    listed = rows[rows["country"].isin(members)]
    own = float(listed["value_t"].sum())
    named = rows[~rows["country"].isin(countries.AGGREGATES)]
    folded = max(world_t - float(named["value_t"].sum()), 0.0)
    source = str(total["source_id"].iloc[0])
    missing = sorted(members - set(listed["country"]))
    if folded > 1e-9 * max(world_t, 1.0) and missing:
        return Production(
            float("nan"),
            own + folded,
            source,
            f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''} not listed by "
            f"{source}, which puts {folded:,.0f} t under other countries: production unknown",
        )
    return Production(own, own, source, "")


def apparent_consumption(
    world: World,
    consumer: str,
    mineral: str,
    *,
    stage: str | None = None,
    years: int | Iterable[int] | None = None,
    end_use_only: bool = False,
) -> pd.DataFrame:
    """Apparent consumption and net import reliance of a country or group, from trade.

    Parameters
    ----------
    world
        The dataset.
    consumer
        ISO3 code, or a group (``EU27`` ...) treated as one economy: trade
        between members is netted out.
    mineral
        Mineral id.
    stage
        Stage; None: the mineral's default trade stage (refining if traded).
    years
        Calendar year(s) [year]; None for every year with trade.
    end_use_only
        Leave out ores that go to smelters first (``hs_codes.smelter_feed``):
        the consumption of end users rather than of smelters.

    Returns
    -------
    pandas.DataFrame
        One row per year: consumer, mineral, stage, year, production_t,
        imports_t, exports_t, net_imports_t, apparent_consumption_t [t of the
        basis], nir_share [share], qualifier (``=``; ``>`` a lower bound where
        production is unknown; ``E`` net exporter, nir_share 0), status
        ``derived``, source_id (the trade and production sources, ``;``-
        separated), hs_codes, missing_quantity_rows, note. Unknown figures are
        NaN, never zero.

    Notes
    -----
    :math:`AC = P + M - X`, :math:`NIR = (M - X) / AC` with :math:`M` imports
    from outside the consumer and :math:`X` exports to outside it, on the
    production series' basis. Where production is unknown (the source folds
    the country into other countries, at most :math:`\\bar P`), AC is unknown
    and :math:`NIR \\ge (M - X) / (\\bar P + M - X)`. Where exports exceed
    production plus imports (stock draws, re-exports, data gaps) AC is not
    positive and NIR is NaN.
    """
    label, members = members_of(consumer)
    world.check_mineral(mineral, where="mineral")
    stage = _stage_or_default(world, mineral, stage)
    available = trade_years(world, mineral, stage)
    wanted = available if years is None else sorted({int(y) for y in _as_list_int(years)})
    out = []
    for year in wanted:
        sel = trade_rows(
            world, mineral, stage, year, for_consumption=True, end_use_only=end_use_only
        )
        rows = sel.rows
        inside_from = rows["exporter"].isin(members)
        inside_to = rows["importer"].isin(members)
        imports = rows[inside_to & ~inside_from]
        exports = rows[inside_from & ~inside_to]
        m = float(imports["quantity_t"].sum())
        x = float(exports["quantity_t"].sum())
        missing = int((~imports["has_quantity"]).sum() + (~exports["has_quantity"]).sum())
        prod = consumer_production(world, members, mineral, stage, year)
        notes = [n for n in (prod.note, *sel.excluded) if n]
        if missing:
            notes.append(f"{missing} trade rows without a quantity are not counted")
        net = m - x
        qualifier = NirQualifier.EXACT.value
        if year not in available or (rows.empty and not sel.excluded):
            ac = nir = float("nan")
            notes.append(f"no trade of {mineral} ({stage}) in {year}")
        elif not sel.same_basis:
            ac = nir = float("nan")
            notes.append("no traded product is on the production series' basis")
        elif np.isnan(prod.value_t):
            ac = float("nan")
            bound = prod.upper_t + net
            nir = max(net, 0.0) / bound if bound > 0 else float("nan")
            qualifier = NirQualifier.ABOVE.value
        else:
            ac = prod.value_t + net
            if ac <= 0:
                nir = float("nan")
                notes.append("exports exceed production plus imports: NIR undefined")
            elif net < 0:
                nir = 0.0
                qualifier = NirQualifier.NET_EXPORTER.value
            else:
                nir = net / ac
        if not np.isfinite(nir):
            qualifier = ""
        trade_sources = sorted(set(rows["source_id"]))
        sources = [*trade_sources, *([prod.source_id] if prod.source_id else [])]
        out.append(
            {
                "consumer": label,
                "mineral": mineral,
                "stage": stage,
                "year": year,
                "production_t": prod.value_t,
                "imports_t": m,
                "exports_t": x,
                "net_imports_t": net,
                "apparent_consumption_t": ac,
                "nir_share": nir,
                "qualifier": qualifier,
                "status": Status.DERIVED.value,
                "source_id": ";".join(sources),
                "hs_codes": ";".join(sel.codes),
                "missing_quantity_rows": missing,
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(out)


def _as_list_int(value: int | Iterable[int]) -> list[int]:
    return [int(value)] if isinstance(value, int | np.integer) else [int(v) for v in value]


def _stage_or_default(world: World, mineral: str, stage: str | None) -> str:
    if stage is not None:
        return check_choice(stage, [s.value for s in Stage], what="unknown stage", where="stage")
    default = default_trade_stage(world, mineral)
    if default is None:
        raise CritminError(
            f"no trade rows for {mineral}",
            where="mineral",
            given=mineral,
            allowed=world.traded_minerals or "none: the package has no trade",
        )
    return default


def reattribute_hubs(
    flows: pd.DataFrame,
    production: pd.Series,
    hubs: Iterable[str] = HUBS,
) -> pd.DataFrame:
    """Trace shipments from re-export hubs back to the hubs' own suppliers.

    Parameters
    ----------
    flows
        Columns exporter, importer, quantity_t [t] (and optionally value_usd
        [USD], traced in the same proportions): every flow of one product group
        and year (a hub's imports are needed, not only the consumer's).
    production
        Production by country [t]; hubs absent count as producing nothing.
    hubs
        Countries whose exports are treated as a mix of their own output and
        their imports.

    Returns
    -------
    pandas.DataFrame
        The flows with every flow out of a hub replaced by flows from its
        origins (exporter = origin), quantities preserved; a ``via`` column
        names the hub ("" for direct flows).

    Notes
    -----
    Proportionality assumption: a hub's exports are drawn from its supply pool
    (own production :math:`P_h` plus imports :math:`M_h`) in proportion to
    where that pool came from. With :math:`o_h` the origin mix of hub
    :math:`h`, :math:`o_h = (P_h e_h + \\sum_{s \\notin H} m_{sh} e_s +
    \\sum_{g \\in H} m_{gh} o_g) / (P_h + M_h)`, solved as one linear system
    over the hubs (as the series :math:`d + A d + A^2 d + ...`), so goods
    passing through two hubs are traced to their origin. A hub with no
    production and no imports keeps its exports, as does the share of a loop
    of hubs trading only with each other.

    >>> flows = pd.DataFrame({"exporter": ["CHN", "HKG"], "importer": ["HKG", "JPN"],
    ...                       "quantity_t": [10.0, 4.0]})
    >>> out = reattribute_hubs(flows, pd.Series(dtype=float), ["HKG"])
    >>> out[out["importer"] == "JPN"][["exporter", "quantity_t", "via"]].to_dict("records")
    [{'exporter': 'CHN', 'quantity_t': 4.0, 'via': 'HKG'}]
    """
    hub_list = [h for h in dict.fromkeys(hubs)]
    flows = flows.assign(quantity_t=flows["quantity_t"].fillna(0.0).astype(float))
    carried = [c for c in ("quantity_t", "value_usd") if c in flows.columns]
    origins = sorted(set(flows["exporter"]) | set(hub_list))
    index = {c: i for i, c in enumerate(origins)}
    position = {h: k for k, h in enumerate(hub_list)}
    n_h = len(hub_list)
    pool = np.zeros(n_h)
    direct = np.zeros((n_h, len(origins)))
    among = np.zeros((n_h, n_h))
    into_hubs = flows[flows["importer"].isin(position)]
    groups = dict(list(into_hubs.groupby("importer", sort=False)))
    for k, hub in enumerate(hub_list):
        own = float(production.get(hub, 0.0)) if len(production) else 0.0
        into = groups.get(hub, into_hubs.iloc[0:0])
        pool[k] = own + float(into["quantity_t"].sum())
        direct[k, index[hub]] += own
        exporters = into["exporter"].to_numpy()
        q = into["quantity_t"].to_numpy(dtype=float)
        from_hub = np.array([e in position for e in exporters], dtype=bool)
        # summed cell by cell in row order, as a loop over the rows would
        np.add.at(among[k], np.array([position[e] for e in exporters[from_hub]], dtype=int),
                  q[from_hub])  # fmt: skip
        np.add.at(direct[k], np.array([index[e] for e in exporters[~from_hub]], dtype=int),
                  q[~from_hub])  # fmt: skip
    active = pool > 0
    mix: np.ndarray = np.zeros((n_h, len(origins)))
    if active.any():
        scale = np.where(active, pool, 1.0)
        a = among / scale[:, None]
        d = direct / scale[:, None]
        a[~active] = 0.0
        d[~active] = 0.0
        # o = d + A o, summed as d + A d + A^2 d + ... (a loop of hubs trading only with
        # each other never reaches an origin: what is left untraced stays with the hub)
        term = d.copy()
        mix = d.copy()
        for _ in range(1000):
            term = a @ term
            mix += term
            if term.sum() <= 1e-15:
                break
        untraced = np.clip(1.0 - mix.sum(axis=1), 0.0, 1.0)
        for k, hub in enumerate(hub_list):
            if active[k]:
                mix[k, index[hub]] += untraced[k]
    for k, hub in enumerate(hub_list):
        if not active[k]:
            mix[k, :] = 0.0
            mix[k, index[hub]] = 1.0  # a hub with nothing to trace keeps its exports
    is_hub = flows["exporter"].isin(position).to_numpy()
    direct_flows = flows[~is_hub].assign(via="")
    out_of = flows[is_hub]
    hub_of = np.array([position[e] for e in out_of["exporter"]], dtype=int)
    weights = mix[hub_of] if len(out_of) else np.zeros((0, len(origins)))
    row, origin = np.nonzero(weights > 0)
    # order as hub by hub, origin by origin, then the hub's flows in their own order
    order = np.lexsort((row, origin, hub_of[row]))
    row, origin = row[order], origin[order]
    expanded = out_of.iloc[row].reset_index(drop=True)
    w = weights[row, origin]
    names = np.array(origins, dtype=object)[origin]
    hub_names = expanded["exporter"].to_numpy()
    scaled = {c: expanded[c].to_numpy(dtype=float) * w for c in carried}
    expanded = expanded.assign(
        exporter=names, via=np.where(names == hub_names, "", hub_names), **scaled
    )
    combined = pd.concat([direct_flows, expanded], ignore_index=True)
    return combined[combined["exporter"] != combined["importer"]].reset_index(drop=True)


def import_sources(
    world: World,
    consumer: str,
    mineral: str,
    *,
    stage: str | None = None,
    year: int | None = None,
    by_product: bool = False,
    hubs: Iterable[str] | None = None,
) -> pd.DataFrame:
    """A consumer's imports by partner country (and HS product), from trade.

    Parameters
    ----------
    world
        The dataset.
    consumer
        ISO3 code or a group (``EU27``): imports from outside it.
    mineral
        Mineral id.
    stage
        Stage; None: the mineral's default trade stage.
    year
        Calendar year [year]; None for the latest year with trade.
    by_product
        One row per HS product and partner instead of per partner.
    hubs
        Re-export hubs to trace back to their suppliers (:func:`reattribute_hubs`);
        None leaves every shipment with its direct exporter.

    Returns
    -------
    pandas.DataFrame
        Columns supplier, hs_code ("" unless by_product), imports_t [t of the
        measure], import_share [share of the consumer's imports, within the
        product when by_product], value_usd [USD], via (hub the quantity was
        traced through, "" if direct), measure, stage, year. Largest first.
    """
    label, members = members_of(consumer)
    world.check_mineral(mineral, where="mineral")
    stage = _stage_or_default(world, mineral, stage)
    available = trade_years(world, mineral, stage)
    if year is None:
        year = available[-1]
    elif int(year) not in available:
        raise CritminError(
            f"no trade of {mineral} ({stage}) in this year",
            where="year",
            given=year,
            allowed=[str(y) for y in available],
        )
    sel = trade_rows(world, mineral, stage, int(year))
    rows = sel.rows[sel.rows["has_quantity"]]
    group = ["hs_code"] if by_product else []
    if hubs is not None:
        prod = world.rows("production", mineral=mineral, stage=stage, year=int(year))
        production = prod.groupby("country")["value_t"].sum()
        parts = []
        keys = sorted(set(rows["hs_code"])) if by_product else [None]
        for code in keys:
            subset = rows if code is None else rows[rows["hs_code"] == code]
            traced = reattribute_hubs(
                subset[["exporter", "importer", "quantity_t", "value_usd"]], production, hubs
            )
            parts.append(traced.assign(hs_code=code or ""))
        rows = pd.concat(parts, ignore_index=True)
    else:
        rows = rows.assign(via="")
    mine = rows[rows["importer"].isin(members) & ~rows["exporter"].isin(members)]
    agg = mine.groupby([*group, "exporter"], as_index=False).agg(
        imports_t=("quantity_t", "sum"),
        value_usd=("value_usd", lambda s: s.sum(min_count=1)),
        via=("via", lambda s: ";".join(sorted({v for v in s if v}))),
    )
    if by_product:
        total = agg.groupby("hs_code")["imports_t"].transform("sum")
    else:
        total = pd.Series(float(agg["imports_t"].sum()), index=agg.index)
        agg["hs_code"] = ""
    agg["import_share"] = np.where(total > 0, agg["imports_t"] / total.where(total > 0, 1.0), 0.0)
    agg = agg.rename(columns={"exporter": "supplier"})
    agg = agg.sort_values(["hs_code", "imports_t", "supplier"], ascending=[True, False, True])
    return agg.assign(measure=sel.measure, stage=stage, year=int(year), consumer=label)[
        [
            "consumer",
            "supplier",
            "hs_code",
            "imports_t",
            "import_share",
            "value_usd",
            "via",
            "measure",
            "stage",
            "year",
        ]
    ].reset_index(drop=True)


__all__ = [
    "BASIS_T",
    "GROSS_T",
    "HUBS",
    "Production",
    "TradeSelection",
    "apparent_consumption",
    "consumer_production",
    "default_trade_stage",
    "import_sources",
    "members_of",
    "reattribute_hubs",
    "trade_rows",
    "trade_stages",
    "trade_years",
]
