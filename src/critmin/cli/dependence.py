"""``critmin exposure`` and ``critmin geopolrisk``: one consumer's dependence on its suppliers."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from critmin import countries
from critmin.cli.app import app
from critmin.cli.common import (
    DataOption,
    Format,
    FormatOption,
    SourceOption,
    StageOption,
    emit,
    handle_errors,
    jsonable,
    out,
    world_from,
)
from critmin.errors import CritminError

if TYPE_CHECKING:
    from critmin.api import World


class ByOption(StrEnum):
    """Breakdowns of ``critmin exposure``."""

    SUPPLIER = "supplier"
    PRODUCT = "product"


class BasisOption(StrEnum):
    """Import quantity bases of ``critmin geopolrisk``."""

    GROSS = "gross"
    CONTENT = "content"


def _hubs(reattribute: bool, hub: list[str] | None) -> list[str] | None:
    """The hubs to trace back: --hub codes, else the default list with --reattribute-hubs."""
    from critmin import risk

    if hub:
        codes = [h.strip().upper() for item in hub for h in item.split(",") if h.strip()]
        bad = [c for c in codes if not countries.is_country(c)]
        if bad:
            raise CritminError(
                "unknown hub country", where="--hub", given=bad[0], allowed="ISO3 codes, e.g. HKG"
            )
        return codes
    return list(risk.HUBS) if reattribute else None


@app.command("exposure")
@handle_errors
def exposure_command(
    consumer: Annotated[
        str, typer.Argument(help="Importing country (ISO3), e.g. JPN, or a group such as EU27.")
    ],
    mineral: Annotated[
        str | None,
        typer.Option("--mineral", "-m", help="Show exposure to each supplier for this mineral."),
    ] = None,
    stage: Annotated[
        StageOption | None,
        typer.Option("--stage", help="Stage. Default: the traded stage (refining if both)."),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year. Default: latest.")] = None,
    by: Annotated[
        ByOption,
        typer.Option("--by", help="One row per supplier, or per HS product and supplier."),
    ] = ByOption.SUPPLIER,
    reattribute_hubs: Annotated[
        bool,
        typer.Option(
            "--reattribute-hubs",
            help="Trace shipments from the re-export hubs HKG, SGP, NLD and BEL back to the "
            "hubs' own suppliers (proportionality assumption, docs/methods.md).",
        ),
    ] = False,
    hub: Annotated[
        list[str] | None,
        typer.Option("--hub", help="Hub(s) to trace back instead of the default four (ISO3)."),
    ] = None,
    fmt: FormatOption = Format.TABLE,
    data: DataOption = None,
    source: SourceOption = None,
) -> None:
    """A consumer's net import reliance, or its exposure to each supplier of one mineral.

    With --mineral: import shares by partner from bilateral trade (method
    "trade"), the tonnes behind them, the net import reliance (derived from
    production and trade, or published) and the HS products included; where
    the dataset has no trade for the mineral, the world-pool assumption.
    """
    import pandas as pd

    from critmin import risk

    world = world_from(data, source)
    hubs = _hubs(reattribute_hubs, hub)
    if mineral is None:
        frame = risk.nir_table(world, consumer, year=year)
        emit(
            frame,
            fmt,
            title=f"Net import reliance of {consumer.upper()}: published (USGS) and derived "
            "from production and trade (stage and year as shown; scopes differ, see note)",
            columns=[
                "mineral",
                "year",
                "nir_share",
                "qualifier",
                "derived_stage",
                "derived_year",
                "derived_nir_share",
                "derived_qualifier",
                "difference",
                "derived_note",
            ],
        )
        return
    chosen = stage.value if stage else None
    if by == ByOption.PRODUCT:
        _by_product(world, consumer, mineral, chosen, year, hubs, fmt)
        return
    frame = risk.exposure(world, consumer, mineral, stage=chosen, year=year, hubs=hubs)
    if fmt != Format.TABLE:
        emit(frame, fmt)
        return
    first = frame.iloc[0] if not frame.empty else None
    title = f"Exposure of {consumer.upper()} to each supplier of {mineral}"
    if first is not None:
        nir = first["nir_share"]
        qualifier = {">": "at least ", "<": "at most ", "E": "net exporter, "}.get(
            str(first.get("nir_qualifier") or ""), ""
        )
        nir_text = "unknown" if pd.isna(nir) else f"{qualifier}{nir:.1%}"
        title += f" ({first['stage']}, {first['year']}; net import reliance {nir_text}"
        if first["method"] == "trade":
            title += f" ({first['nir_source'] or 'n/a'}); trade in HS {first['hs_codes']}"
            title += (
                ", tonnes of the mineral's basis"
                if first["measure"] == "value_t"
                else (", gross product tonnes")
            )
        else:
            title += "; world-pool assumption: no trade data"
        title += ")"
    columns = ["supplier", "exposure_share"]
    if first is not None and first["method"] == "trade":
        columns = ["supplier", "import_share", "imports_t", "exposure_share", "value_usd"]
        if hubs is not None:
            columns.append("via")
    columns.append("published_import_rank")
    emit(frame, fmt, title=title, columns=columns)


def _by_product(
    world: World,
    consumer: str,
    mineral: str,
    stage: str | None,
    year: int | None,
    hubs: list[str] | None,
    fmt: Format,
) -> None:
    from critmin import risk

    frame = risk.import_sources(
        world, consumer, mineral, stage=stage, year=year, by_product=True, hubs=hubs
    )
    names = world.hs_codes.drop_duplicates("hs_code").set_index("hs_code")["description"]
    frame.insert(3, "product", frame["hs_code"].map(names).fillna(""))
    first = frame.iloc[0] if not frame.empty else None
    title = f"Imports of {mineral} by {consumer.upper()} by HS product and supplier"
    if first is not None:
        title += f" ({first['stage']}, {first['year']}; shares within each product)"
    columns = ["hs_code", "product", "supplier", "imports_t", "import_share", "value_usd"]
    if hubs is not None:
        columns.append("via")
    emit(frame, fmt, title=title, columns=columns)


@app.command("geopolrisk")
@handle_errors
def geopolrisk_command(
    country: Annotated[
        str | None,
        typer.Option("--country", "-c", help="Importing country (ISO3). Omit for every ally."),
    ] = None,
    mineral: Annotated[
        str | None,
        typer.Option("--mineral", "-m", help="Mineral id. Omit for every mineral with trade."),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Year. Default: latest with production and trade."),
    ] = None,
    basis: Annotated[
        BasisOption,
        typer.Option(
            "--basis",
            help="Import tonnes as traded (gross, geopolrisk-py's convention) or converted "
            "to the mineral's basis (content).",
        ),
    ] = BasisOption.GROSS,
    group: Annotated[
        str,
        typer.Option("--group", help="Countries listed when --country is omitted."),
    ] = countries.ALLIANCE,
    fmt: FormatOption = Format.TABLE,
    data: DataOption = None,
    source: SourceOption = None,
) -> None:
    """GeoPolRisk supply risk of a country for a mineral (HHI x import risk).

    From World Mining Data production, BACI imports and WGI political
    stability, as the GeoPolRisk method defines it (docs/methods.md). With
    --country and --mineral: one assessment and its inputs. With one of them:
    a table over every mineral for the country, or over every country of
    --group for the mineral.
    """
    import pandas as pd

    from critmin import risk

    world = world_from(data, source)
    if country and mineral:
        world.check_mineral(mineral)
        chosen = year if year is not None else risk.geopolrisk_year(world, mineral)
        if chosen is None:
            raise CritminError(
                f"no year with both production and trade for {mineral}",
                where="--mineral",
                given=mineral,
            )
        result = risk.geopolrisk_from_world(world, country, mineral, chosen, basis=basis.value)
        doc: dict[str, Any] = {k: jsonable(v) for k, v in vars(result).items()}
        doc["hs_codes"] = list(result.hs_codes)
        doc["notes"] = list(result.notes)
        if fmt == Format.JSON:
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
            return
        frame = pd.DataFrame([{k: v for k, v in doc.items() if k not in ("notes", "hs_codes")}])
        frame["hs_codes"] = ";".join(result.hs_codes)
        emit(
            frame.T.reset_index().set_axis(["field", "value"], axis=1),
            fmt,
            title=f"GeoPolRisk of {result.country} for {mineral}, {result.year}",
        )
        for note in result.notes:
            out.print(f"note: {note}", highlight=False)
        return
    if mineral:
        world.check_mineral(mineral)
        members = sorted(countries.expand([g for g in group.split(",") if g.strip()]))
        minerals = [mineral]
    elif country:
        members = [country]
        minerals = [m for m in world.mineral_ids if risk.geopolrisk_codes(world, m)]
    else:
        raise CritminError(
            "give --country, --mineral or both",
            where="geopolrisk",
            allowed="--country ISO3 and/or --mineral MINERAL",
        )
    parts = []
    for m in minerals:
        chosen = year if year is not None else risk.geopolrisk_year(world, m)
        if chosen is None:
            continue
        parts.append(risk.geopolrisk_table(world, members, [m], chosen, basis=basis.value))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if not frame.empty:
        frame = frame.sort_values(["score", "country", "mineral"], ascending=[False, True, True])
    emit(
        frame,
        fmt,
        title="GeoPolRisk supply risk (score = HHI x import risk; higher = riskier)",
    )
