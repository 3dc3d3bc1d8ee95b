"""Charts of a simulation run: the shortfall map, fan charts and reserve levels."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
import xarray as xr
from plotly.colors import hex_to_rgb, qualitative
from plotly.subplots import make_subplots

from critmin.labels import share
from critmin.report.geo import GEO_LAYOUT, country_codes, country_name
from critmin.report.run_tables import consumer_table, reserve_holders

_PALETTE = qualitative.Plotly


def shortfall_map(ds: xr.Dataset) -> go.Figure:
    """World map of the expected shortfall share of baseline demand per consumer country.

    One choropleth trace per mineral, chosen with a dropdown, over a grey
    background of every country on the map (countries that are not separate
    consumers in the run; their demand is in ``ROW``). Uses the shipped world
    shapes (:mod:`critmin.report.geo`).
    """
    table = consumer_table(ds)
    codes = country_codes()
    background = [c for c in codes if c != "ATA"]
    fig = go.Figure()
    fig.add_choropleth(
        locations=background,
        z=np.zeros(len(background)),
        locationmode="ISO-3",
        colorscale=[[0, "#d5dae0"], [1, "#d5dae0"]],
        showscale=False,
        text=[country_name(c) for c in background],
        hovertemplate="%{text}: not a separate consumer in this run (in ROW)<extra></extra>",
        marker={"line": {"color": "#ffffff", "width": 0.4}},
        name="other countries",
    )
    minerals = [str(m) for m in ds["mineral"].values]
    for i, mineral in enumerate(minerals):
        rows = table[(table["mineral"] == mineral) & table["consumer"].isin(codes)]
        share = rows["expected_shortfall_share"].to_numpy(dtype=float)
        top = float(np.nanmax(share)) if np.isfinite(share).any() else 0.0
        fig.add_choropleth(
            locations=rows["consumer"].tolist(),
            z=share,
            zmin=0.0,
            zmax=max(top, 1e-6),
            locationmode="ISO-3",
            colorscale="OrRd",
            visible=i == 0,
            name=mineral,
            customdata=np.column_stack(
                [
                    rows["name"].to_numpy(dtype=object),
                    rows["expected_shortfall_t"].to_numpy(dtype=float),
                    rows["baseline_demand_t"].to_numpy(dtype=float),
                ]
            ),
            hovertemplate=(
                "<b>%{customdata[0]}</b> (%{location})<br>"
                "expected shortfall %{z:.2%} of baseline demand<br>"
                "%{customdata[1]:,.1f} t of %{customdata[2]:,.0f} t"
                f"<extra>{html.escape(mineral)}</extra>"
            ),
            colorbar={"title": {"text": "expected<br>shortfall,<br>share of<br>demand"}},
            colorbar_tickformat=".1%",
            marker={"line": {"color": "#ffffff", "width": 0.4}},
        )
    buttons = [
        {
            "label": mineral,
            "method": "restyle",
            "args": [{"visible": [True] + [j == i for j in range(len(minerals))]}],
        }
        for i, mineral in enumerate(minerals)
    ]
    fig.update_layout(
        geo=GEO_LAYOUT,
        height=470,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "showactive": True,
                "x": 0.0,
                "xanchor": "left",
                "y": 1.0,
                "yanchor": "bottom",
            }
        ],
    )
    return fig


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = hex_to_rgb(colour)
    return f"rgba({r},{g},{b},{alpha})"


def _add_fan(
    fig: go.Figure,
    fan: xr.DataArray,
    *,
    row: int,
    colour: str,
    name: str,
    fmt: str,
    legend: bool,
    group: str = "",
) -> None:
    """Add 5-95 % and 25-75 % bands and the median of ``fan`` (month x fan_quantile).

    With ``legend``, the bands and the median get legend entries of their own
    (named for the band alone when ``group`` is set: the entries of one band in
    every panel then share a legend group, and toggle together)."""
    months = fan["month"].values
    q = {float(level): fan.sel(fan_quantile=level).values for level in fan["fan_quantile"].values}
    back = months[::-1]
    for low, high, alpha in ((0.05, 0.95, 0.16), (0.25, 0.75, 0.34)):
        label = f"{low:.0%}-{high:.0%} of paths"
        fig.add_scatter(
            x=np.concatenate([months, back]),
            y=np.concatenate([q[low], q[high][::-1]]),
            fill="toself",
            fillcolor=_rgba(colour, alpha),
            line={"width": 0},
            hoverinfo="skip",
            name=label if group else f"{name}: {label}",
            legendgroup=f"{group or name}{low}",
            showlegend=legend,
            row=row,
            col=1,
        )
    fig.add_scatter(
        x=months,
        y=q[0.5],
        mode="lines",
        line={"color": colour, "width": 2},
        name="median" if group else f"{name}: median",
        legendgroup=f"{group or name}median",
        showlegend=legend,
        customdata=np.column_stack([q[0.05], q[0.25], q[0.75], q[0.95]]),
        hovertemplate=(
            f"{html.escape(name)}, month %{{x}}<br>median %{{y:{fmt}}}<br>"
            f"25-75 %: %{{customdata[1]:{fmt}}} to %{{customdata[2]:{fmt}}}<br>"
            f"5-95 %: %{{customdata[0]:{fmt}}} to %{{customdata[3]:{fmt}}}<extra></extra>"
        ),
        row=row,
        col=1,
    )


def fan_figure(ds: xr.Dataset, mineral: str) -> go.Figure:
    """Fan charts of one mineral: world shortfall share, alliance and rest-of-world prices."""
    sel = ds.sel(mineral=mineral)
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=(
            "world shortfall, share of demand",
            "price ratio to baseline, alliance",
            "price ratio to baseline, rest of world",
        ),
    )
    panels = (
        (sel["shortfall_share_fan"], "shortfall share", _PALETTE[1], ".1%"),
        (sel["price_ratio_fan"].sel(segment="alliance"), "alliance price", _PALETTE[0], ".2f"),
        (sel["price_ratio_fan"].sel(segment="rest"), "rest-of-world price", _PALETTE[2], ".2f"),
    )
    for row, (fan, name, colour, fmt) in enumerate(panels, start=1):
        # one legend entry per band, shown with the first panel, toggling every panel's
        _add_fan(fig, fan, row=row, colour=colour, name=name, fmt=fmt, legend=row == 1,
                 group="fan")  # fmt: skip
    fig.update_yaxes(tickformat=".2~%", rangemode="tozero", row=1, col=1)
    # ticks push the y labels clear of the x axis's first label
    fig.update_yaxes(ticks="outside", ticklen=6, tickcolor="#ffffff")
    for row in (2, 3):
        fig.add_hline(y=1.0, line={"color": "#8c959f", "dash": "dot", "width": 1}, row=row, col=1)
    fig.update_xaxes(title_text="month", row=3, col=1)
    capped = float(sel["price_cap_binding_share"]) if "price_cap_binding_share" in sel else 0.0
    if capped > 0:  # the cap is a numerical guard: say where it held prices down
        fig.add_annotation(
            text=f"capped: the price hit the model's cap in {share(capped)} of path-months; "
            "the upper band is a lower bound",
            xref="x2 domain", yref="y2 domain", x=0.0, y=1.0, xanchor="left", yanchor="top",
            showarrow=False, font={"size": 11, "color": "#9a6700"},
        )  # fmt: skip
    fig.update_layout(
        title=f"{mineral}: fan charts (5-95 % and 25-75 % of paths, median)",
        height=720,
        margin={"l": 60, "r": 20, "t": 80, "b": 50},
        legend={"orientation": "h", "y": -0.08},
    )
    return fig


#: Holders with a legend entry of their own in the reserve chart; the rest share one.
LEGEND_HOLDERS = 5


def reserve_figure(ds: xr.Dataset, mineral: str) -> go.Figure:
    """Reserve stock (mean, fan and target) and days of cover over months, per holder.

    One legend entry per holder (its traces toggle together), the holders beyond
    :data:`LEGEND_HOLDERS` sharing one; the line styles are named in the panel
    titles, and the hover names each holder."""
    sel = ds.sel(mineral=mineral)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(
            "reserve stock [t]: mean (dashed), median and 25-75 %, 5-95 % of paths; "
            "target (dotted)",
            "days of cover (mean stock / members' daily demand)",
        ),
    )
    for k, holder in enumerate(reserve_holders(ds, mineral)):
        colour = _PALETTE[k % len(_PALETTE)]
        one = sel.sel(holder=holder)
        first = len(fig.data)
        _add_fan(fig, one["reserve_stock_fan_t"], row=1, colour=colour, name=holder,
                 fmt=",.1f", legend=False)  # fmt: skip
        months = one["month"].values
        fig.add_scatter(
            x=months,
            y=one["reserve_stock_mean_t"].values,
            mode="lines",
            line={"color": colour, "width": 2, "dash": "dash"},
            name=holder,
            hovertemplate=f"{html.escape(holder)} month %{{x}}: mean %{{y:,.1f}} t<extra></extra>",
            row=1,
            col=1,
        )
        target = float(one["reserve_target_t"])
        fig.add_scatter(
            x=[months[0], months[-1]],
            y=[target, target],
            mode="lines",
            line={"color": colour, "width": 1, "dash": "dot"},
            name=f"{holder}: target",
            showlegend=False,
            hovertemplate=f"{html.escape(holder)} target %{{y:,.1f}} t<extra></extra>",
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=months,
            y=one["reserve_days_of_cover"].values,
            mode="lines",
            line={"color": colour, "width": 2},
            name=f"{holder}: days of cover",
            showlegend=False,
            hovertemplate=f"{html.escape(holder)} month %{{x}}: %{{y:.0f}} days<extra></extra>",
            row=2,
            col=1,
        )
        # holders beyond the fifth share one legend entry, "other holders"
        group = holder if k < LEGEND_HOLDERS else "other holders"
        for trace in fig.data[first:]:
            trace.legendgroup = group
        if k >= LEGEND_HOLDERS:
            fig.data[first + 3].name = group
            fig.data[first + 3].showlegend = k == LEGEND_HOLDERS
    fig.update_yaxes(rangemode="tozero", ticks="outside", ticklen=6, tickcolor="#ffffff")
    fig.update_xaxes(title_text="month", row=2, col=1)
    fig.update_layout(
        title=f"{mineral}: strategic reserves",
        height=620,
        margin={"l": 60, "r": 20, "t": 80, "b": 50},
        legend={"orientation": "h", "y": -0.1, "title": {"text": "holder "}},
    )
    return fig
