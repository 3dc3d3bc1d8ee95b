"""Self-contained HTML reports.

Reports embed plotly.js from the installed Plotly package once, inline, so a
report opens offline and fetches nothing from the internet.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from critmin import __version__, countries, risk
from critmin.world.load import World

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#1d2733;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#57606a;font-size:.85rem}.pill{background:#fde2e1;border-radius:.6rem;
padding:0 .4rem;margin-right:.2rem;white-space:nowrap}
"""


#: Columns of the vulnerability table shown by the CLI and the report.
VULNERABILITY_COLUMNS = [
    "mineral",
    "stage",
    "year",
    "world_total_t",
    "hhi",
    "top_country",
    "top_share",
    "top3_share",
    "china_share",
    "gov_weighted_hhi",
    "outside_group_share",
    "is_bottleneck",
]


def _table_html(frame: pd.DataFrame, *, formats: dict[str, str] | None = None) -> str:
    formats = formats or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for col, value in zip(frame.columns, row, strict=False):
            if isinstance(value, float):
                text = "" if pd.isna(value) else format(value, formats.get(col, ",.3f"))
                cells.append(f'<td class="num">{text}</td>')
            elif isinstance(value, list | tuple):
                pills = "".join(f'<span class="pill">{html.escape(str(v))}</span>' for v in value)
                cells.append(f"<td>{pills}</td>")
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure_html(fig: go.Figure, *, first: bool) -> str:
    return str(
        pio.to_html(
            fig,
            include_plotlyjs=True if first else False,
            full_html=False,
            config={"displaylogo": False, "responsive": True},
        )
    )


def hhi_heatmap(conc: pd.DataFrame) -> go.Figure:
    """Heatmap of HHI by mineral (rows) and stage (columns)."""
    pivot = conc.pivot_table(index="mineral", columns="stage", values="hhi", aggfunc="first")
    pivot = pivot.reindex(columns=[c for c in ("mining", "refining") if c in pivot.columns])
    pivot = pivot.sort_values(list(pivot.columns), ascending=True, na_position="first")
    text = pivot.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    fig = go.Figure(
        go.Heatmap(
            z=pivot.to_numpy(),
            x=list(pivot.columns),
            y=list(pivot.index),
            text=text.to_numpy(),
            texttemplate="%{text}",
            colorscale="Reds",
            zmin=0,
            zmax=1,
            colorbar={"title": "HHI"},
            hovertemplate="%{y} %{x}: HHI %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Concentration (HHI, 0-1) by mineral and stage; blank = no country data",
        height=max(400, 24 * len(pivot) + 120),
        margin={"l": 160, "r": 20, "t": 60, "b": 40},
    )
    return fig


def share_bars(world: World, conc: pd.DataFrame, *, top: int = 4) -> go.Figure:
    """Stacked bars of the leading producers' shares at each mineral's bottleneck stage."""
    rows = []
    bottleneck = conc[conc["is_bottleneck"]].drop_duplicates("mineral")
    for item in bottleneck.to_dict(orient="records"):
        shares = risk.country_shares(
            world, str(item["mineral"]), str(item["stage"]), int(item["year"])
        )
        named = shares[~shares["country"].isin(["ROW", "unattributed"])].head(top)
        rest = 1.0 - float(named["share"].sum())
        label = f"{item['mineral']} ({item['stage']} {item['year']})"
        for rank, r in enumerate(named.to_dict(orient="records"), start=1):
            rows.append((label, f"#{rank}", str(r["country"]), float(r["share"])))
        rows.append((label, "rest", "rest of world", max(rest, 0.0)))
    frame = pd.DataFrame(rows, columns=["label", "slot", "country", "share"])
    fig = go.Figure()
    for slot in [f"#{i}" for i in range(1, top + 1)] + ["rest"]:
        part = frame[frame["slot"] == slot]
        fig.add_bar(
            y=part["label"],
            x=part["share"],
            orientation="h",
            name="other producers" if slot == "rest" else f"producer {slot}",
            text=part["country"],
            textposition="inside",
            hovertemplate="%{y}<br>%{text}: %{x:.1%}<extra></extra>",
            marker_color="#c9d1d9" if slot == "rest" else None,
        )
    fig.update_layout(
        barmode="stack",
        title=f"Leading {top} producers at each mineral's most concentrated stage",
        xaxis={"tickformat": ".0%", "range": [0, 1]},
        height=max(400, 24 * bottleneck.shape[0] + 140),
        margin={"l": 240, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h"},
    )
    return fig


def china_vs_outside(conc: pd.DataFrame) -> go.Figure:
    """China's share against the share of supply outside the allied group."""
    fig = go.Figure()
    for stage, part in conc.groupby("stage"):
        fig.add_scatter(
            x=part["china_share"],
            y=part["outside_group_share"],
            mode="markers+text",
            text=part["mineral"],
            textposition="top center",
            name=str(stage),
            hovertemplate="%{text}: China %{x:.0%}, outside group %{y:.0%}<extra></extra>",
        )
    fig.update_layout(
        title="China's share vs share of supply from outside the allied group",
        xaxis={"title": "China's share", "tickformat": ".0%", "range": [-0.02, 1.05]},
        yaxis={"title": "share outside the group", "tickformat": ".0%", "range": [-0.02, 1.08]},
        height=560,
    )
    return fig


def vulnerability_report(world: World, path: Path, *, year: int | None = None) -> Path:
    """Write the vulnerability-mapping report to ``path`` and return it.

    Contents: the concentration heatmap, leading producers per mineral,
    China's share against supply outside the allied group, the ranked priority
    list with its indicators, data coverage (explicit where a stage has no
    data), and the sources.
    """
    conc = risk.concentration(world, year=year)
    prio = risk.priorities(world, year=year)
    group = ", ".join(countries.ALLIANCE_MEMBERS)
    figures = [hhi_heatmap(conc), share_bars(world, conc), china_vs_outside(conc)]
    parts = [_figure_html(fig, first=i == 0) for i, fig in enumerate(figures)]
    conc_cols = VULNERABILITY_COLUMNS
    prio_cols = [
        c for c in ("rank", "mineral", "is_priority", "score", "indicators_met") if c in prio
    ]
    coverage = world.mineral_stages[["mineral", "stage", "coverage", "basis", "note"]]
    sources = world.sources[["source_id", "title", "publisher", "year", "doi_or_url", "licence"]]
    built = dt.date.today().isoformat()
    body = f"""
<h1>critmin vulnerability map</h1>
<p class="muted">critmin {html.escape(__version__)} &middot; data package
{html.escape(str(world.path))} &middot; written {built}. Shares are fractions of the world
total of each mineral, stage and year; HHI on the 0-1 scale (named countries only, so a
lower bound). Allied group: {html.escape(group)}.
Methods: docs/methods.md. Every figure's source is listed at the end.</p>
<h2>Priority minerals</h2>
{_table_html(prio[prio_cols])}
<h2>Concentration by mineral and stage</h2>
{parts[0]}
<h2>Leading producers</h2>
{parts[1]}
<h2>China and the allied group</h2>
{parts[2]}
<h2>Vulnerability table</h2>
{_table_html(conc[conc_cols], formats={"world_total_t": ",.0f"})}
<h2>Data coverage</h2>
{_table_html(coverage)}
<h2>Sources</h2>
{_table_html(sources, formats={"year": ".0f"})}
"""
    doc = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>critmin vulnerability map</title>"
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return path
