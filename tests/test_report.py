"""HTML reports: the simulation report of a run, its world map, and both reports in a browser."""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from critmin.cli import app
from critmin.labels import LABELS, share, tonnes
from critmin.report import simulation_report
from critmin.report.bottom_line import stress_test_bottom_line
from critmin.report.geo import TOPOJSON_NAME, country_codes, geo_assets_script, topojson
from critmin.report.run_charts import fan_figure, reserve_figure, shortfall_map
from critmin.report.run_tables import (
    CAUSE_COLUMNS,
    cause_table,
    consumer_table,
    headline_table,
    reserve_effect_table,
)
from critmin.report.scenario_tables import assumptions_html
from critmin.report.vulnerability import (
    _SCATTER_HEIGHT,
    _SCATTER_RANGE,
    _SCATTER_WIDTHS,
    _box,
    _overlap,
    place_labels,
)
from critmin.results import CAUSES

SCENARIO = """\
name: report-test
description: CHN restricts gallium and graphite exports to the US and Japan.
horizon_months: 24
paths: 100
seed: 7
events:
  - type: export_restriction
    imposer: CHN
    minerals: [gallium, graphite]
    targets: [USA, JPN]
    start_month: 2
    duration_months: {dist: triangular, low: 4, mode: 8, high: 16}
    severity_share: {dist: uniform, low: 0.6, high: 0.9}
    leakage_share: 0.15
    note: a test restriction
policies:
  reserves:
    - holder: USA
      members: {USA: 1.0}
      minerals: [gallium, graphite]
      target: {days_of_consumption: 60}
  price_floors:
    - mineral: graphite
      floor_usd_per_kg: 1.5
      covered: [AUS, CAN]
"""

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real run, made through the CLI."""
    base = tmp_path_factory.mktemp("sim")
    scenario = base / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    folder = base / "run"
    code, out = invoke("simulate", str(scenario), "--paths", "150", "--out", str(folder))
    assert code == 0, out
    return folder


@pytest.fixture(scope="module")
def report(run_dir: Path) -> Path:
    """The run's report, written by ``critmin report RUN_DIR``."""
    code, out = invoke("report", str(run_dir))
    assert code == 0, out
    path = run_dir / "report.html"
    assert f"report written to {path}" in out.replace("\n", "")
    return path


# ---------------------------------------------------------------------------
# the report of a real run
# ---------------------------------------------------------------------------


def test_report_has_fan_charts_map_and_assumptions(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "critmin stress test: report-test" in text
    # fan charts per mineral: three panels each, bands and medians
    for mineral in ("gallium", "graphite"):
        assert f"{mineral}: fan charts" in text
        assert f"{mineral}: strategic reserves" in text
    # what the reserves do: shortfall with and without them on the same draws
    assert "What the reserves do" in text
    assert "What limited supply" in text
    assert "Expected shortfall without reserves [t]" in text
    assert "price ratio to baseline, alliance" in text
    assert "price ratio to baseline, rest of world" in text
    assert "world shortfall, share of demand" in text
    assert '"fill":"toself"' in text
    # the map: a choropleth with the world shapes embedded ahead of it
    assert '"type":"choropleth"' in text
    assert f'window.PlotlyGeoAssets.topojson["{TOPOJSON_NAME}"]=' in text
    assert text.index("PlotlyGeoAssets.topojson[") < text.index('"type":"choropleth"')
    assert "Not on the map" in text
    # the assumptions: events, policies, market parameters and the YAML itself
    assert "<h4>export restriction</h4>" in text
    assert "triangular(low 4, mode 8, high 16)" in text
    assert "uniform(0.6 to 0.9)" in text
    assert "<h4>reserves</h4>" in text
    assert "<h4>price floors</h4>" in text
    assert "demand elasticity" in text
    assert "a test restriction" in text
    pre = re.search(r"<pre>(.*?)</pre>", text, re.S)
    assert pre is not None
    assert "severity_share:" in pre.group(1)
    assert "imposer:" in pre.group(1)


def test_report_opens_with_the_bottom_line(report: Path, run_dir: Path) -> None:
    """The first thing after the title and description is the bottom line in words, and
    its figures are summary.json's, formatted for a reader."""
    text = report.read_text(encoding="utf-8")
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    box = re.search(r'<div class="bottom" id="bottom-line">(.*?)</div>', text, re.S)
    assert box is not None
    assert text.index('id="bottom-line"') < text.index('id="headline"')
    words = html.unescape(re.sub(r"<[^>]+>", "", box.group(1)))
    assert words.startswith("Bottom line.")
    for mineral, figures in summary["minerals"].items():
        if figures["expected_shortfall_share"] >= 0.005:
            assert f"{mineral.capitalize()}: buyers are expected to go without " in words
            assert f"{tonnes(figures['expected_shortfall_t'])} t" in words
            assert share(figures["short_path_share"]) in words
    assert "Reserves of gallium (USA; for United States)" in words
    # no code names in the bottom line
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", words)


def test_report_headings_are_words_with_units_and_in_the_glossary(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    cut = text.index('id="glossary"')
    glossary = text[cut:]
    headings = {html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", text[:cut])}
    assert "Expected shortfall [t]" in headings
    assert "Paths not recovered at the horizon [%]" in headings
    assert "Chance of running short [%]" in headings
    # no heading is a column name
    assert not [h for h in headings if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", h)]
    # each labelled heading's key is in the glossary, beside its label
    shown = {item.heading for item in LABELS.values()} & headings
    assert len(shown) > 20
    for heading in shown:
        keys = [k for k, item in LABELS.items() if item.heading == heading]
        assert any(re.search(f"<td[^>]*>{re.escape(k)}</td>", glossary) for k in keys), heading


def test_stress_test_bottom_line_by_hand() -> None:
    """A hand-made summary: one mineral short, one not; reserves and a floor."""
    summary = {
        "horizon_months": 24,
        "minerals": {
            "gallium": {
                "expected_shortfall_t": 1234.4,
                "expected_shortfall_share": 0.25,
                "p95_shortfall_t": 3000.0,
                "short_path_share": 0.8,
                "peak_price_ratio": 4.04,
                "price_cap_binding_share": 0.01,
                "unrecovered_share": 0.5,
                "floor_cost_usd": 2.5e7,
                "consumers": {
                    "USA": {"expected_shortfall_share": 0.3, "short_path_share": 0.9},
                    "JPN": {"expected_shortfall_share": 0.1, "short_path_share": 0.4},
                },
                "reserves": {
                    "USA": {
                        "net_fiscal_cost_usd": 1.0e6,
                        "net_fiscal_cost_by_member_usd": {"USA": 1.0e6},
                    }
                },
                "reserve_effect": {
                    "by_consumer": {
                        "USA": {
                            "expected_shortfall_without_reserves_t": 800.0,
                            "shortfall_removed_t": 400.0,
                        },
                        "WORLD": {
                            "expected_shortfall_without_reserves_t": 2000.0,
                            "shortfall_removed_t": 500.0,
                        },
                    }
                },
            },
            "tungsten": {"expected_shortfall_t": 1.0, "expected_shortfall_share": 0.001},
        },
    }
    lines = stress_test_bottom_line(summary)
    assert lines[0] == "1 of 2 minerals run short over 24 months: gallium."
    assert lines[1] == (
        "Gallium: buyers are expected to go without 1,234 t (25.0% of demand over the "
        "horizon), 3,000 t in a 1-in-20 bad case. World supply falls short of demand (by "
        "more than 0.5 %) in some month on 80.0% of the simulated paths. Hardest hit: "
        "United States, short of 30.0% of its demand (short in 90.0% of paths). The allies' "
        "price peaks at 4.0 times its baseline on average (held down by the model's price "
        "cap in some months: a lower bound). In 50.0% of paths the market has still not "
        "recovered at the end of the horizon."
    )
    assert lines[2] == "Negligible shortfall (below 0.5% of demand): tungsten."
    assert lines[3] == (
        "Reserves of gallium (USA; for United States) remove 400 t, 50.0% of the members' "
        "expected shortfall (and remove 500 t, 25.0% of the world's expected shortfall), at "
        "a net cost of $1.00 M."
    )
    assert lines[4] == "Price floors on gallium cost $25.00 M over the horizon."
    # a reserve that helps its members but takes supply from others: it adds to the
    # world's shortfall, and the sentence says so
    gallium = summary["minerals"]["gallium"]
    world = gallium["reserve_effect"]["by_consumer"]["WORLD"]
    world["shortfall_removed_t"] = -100.0
    taking = stress_test_bottom_line(summary)[3]
    assert "(and add 100 t, 5.0% of the world's expected shortfall), at a net cost" in taking
    assert taking.endswith("purchases took more supply than their releases gave back.")
    calm = {"horizon_months": 12, "minerals": {"tungsten": summary["minerals"]["tungsten"]}}
    assert stress_test_bottom_line(calm) == [
        "No mineral runs meaningfully short over 12 months: every expected shortfall is "
        "below 0.5% of demand.",
        "The scenario holds no reserves and no price floors that paid out.",
    ]


def test_scatter_labels_never_overlap_by_brute_force() -> None:
    """Crowded points: every label placed is inside the plot and overlaps no other label
    and no marker at each width, checked pair by pair from the boxes alone."""
    rng = np.random.default_rng(3)
    points = [(float(x), float(y), f"mineral-{i}") for i, (x, y) in
              enumerate(rng.uniform(0, 1, size=(80, 2)))]  # fmt: skip
    places = place_labels(points)
    assert 10 < sum(p is not None for p in places) < 80  # some placed, some left out
    (x0, x1), (y0, y1) = _SCATTER_RANGE
    for width in _SCATTER_WIDTHS:
        pix = [((x - x0) / (x1 - x0) * width, (y - y0) / (y1 - y0) * _SCATTER_HEIGHT)
               for x, y, _ in points]  # fmt: skip
        boxes = [(i, _box(*pix[i], points[i][2], p)) for i, p in enumerate(places) if p is not None]
        for i, b in boxes:
            assert 0 <= b[0] <= b[2] <= width
            assert 0 <= b[1] <= b[3] <= _SCATTER_HEIGHT
            for j, (px, py) in enumerate(pix):
                assert j == i or not _overlap(b, (px - 4, py - 4, px + 4, py + 4))
        for (i, a), (j, b) in itertools.combinations(boxes, 2):
            assert not _overlap(a, b), (points[i][2], points[j][2])


def test_fan_chart_marks_a_binding_price_cap(run_dir: Path) -> None:
    ds = xr.load_dataset(run_dir / "results.nc", engine="scipy")
    ds["price_cap_binding_share"] = ("mineral", np.array([0.0, 0.02]))
    notes = [a.text for a in fan_figure(ds, "graphite").layout.annotations]
    assert any(n.startswith("capped: the price hit the model's cap in 2.0% of") for n in notes)
    assert not any(
        "capped" in n for n in (a.text for a in fan_figure(ds, "gallium").layout.annotations)
    )
    assert len([t for t in fan_figure(ds, "gallium").data if t.showlegend is not False]) == 3


def test_reserve_chart_legend_groups_holders_beyond_five(run_dir: Path) -> None:
    ds = xr.load_dataset(run_dir / "results.nc", engine="scipy")
    holders = [f"h{i}" for i in range(7)]
    one = ds[[v for v in ds.data_vars if "holder" in ds[v].dims]].isel(holder=[0])
    many = xr.concat([one.assign_coords(holder=[h]) for h in holders], dim="holder")
    wide = ds.drop_dims("holder").merge(many)
    fig = reserve_figure(wide, "gallium")
    shown = [t.name for t in fig.data if t.showlegend is not False]
    assert shown == ["h0", "h1", "h2", "h3", "h4", "other holders"]
    assert {t.legendgroup for t in fig.data} == {*holders[:5], "other holders"}
    # one holder: one entry
    assert [t.name for t in reserve_figure(ds, "gallium").data if t.showlegend is not False] == [
        "USA"
    ]


def test_report_is_self_contained(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", text, re.I)
    assert not re.search(r"<img[^>]*\bsrc\s*=", text, re.I)
    # plotly.js inlined exactly once, before the first figure
    assert len(re.findall(r"\* plotly\.js v\d", text)) == 1
    assert text.count(f'window.PlotlyGeoAssets.topojson["{TOPOJSON_NAME}"]=') == 1


def test_report_out_option(run_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "stress.html"
    code, out = invoke("report", str(run_dir), "--out", str(target))
    assert code == 0, out
    assert target.stat().st_size > 1_000_000  # plotly.js inlined


def test_python_api_default_path(run_dir: Path) -> None:
    assert simulation_report(run_dir) == run_dir / "report.html"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "run folder not found"),
        (lambda p: p, "not a complete run folder: manifest.json is missing"),
    ],
)
def test_bad_run_dir_exits_2(tmp_path: Path, make: Any, message: str) -> None:
    code, out = invoke("report", str(make(tmp_path)))
    assert code == 2
    assert message in out
    assert "Traceback" not in out


def test_run_dir_without_scenario_exits_2(run_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in run_dir.iterdir():
        if path.is_file() and path.name != "scenario.yaml":
            (folder / path.name).write_bytes(path.read_bytes())
    code, out = invoke("report", str(folder))
    assert code == 2
    assert "a file its manifest lists is missing" in out
    assert "scenario.yaml" in out
    assert "Traceback" not in out


def test_vulnerability_options_with_run_dir_exit_2(run_dir: Path) -> None:
    code, out = invoke("report", str(run_dir), "--year", "2022")
    assert code == 2
    assert "only to the vulnerability report" in out


# ---------------------------------------------------------------------------
# tables and map on a run worked out by hand
# ---------------------------------------------------------------------------


def tiny_dataset() -> xr.Dataset:
    """One mineral, consumers JPN, USA, SGP (too small for the map), ROW, WORLD; 2 holders.

    Horizon demand: JPN 200 t, USA 300 t, SGP 50 t, ROW 450 t, WORLD 1000 t.
    Expected shortfall: JPN 20 t (10 %), USA 15 t (5 %), SGP 5 t (10 %), ROW 0, WORLD 40 t (4 %).
    """
    consumers = ["JPN", "SGP", "USA", "ROW", "WORLD"]
    months, fan = 3, [0.05, 0.25, 0.5, 0.75, 0.95]
    baseline = np.array([[200.0, 50.0, 300.0, 450.0, 1000.0]])
    shortfall = np.array([[20.0, 5.0, 15.0, 0.0, 40.0]])
    quantiles = np.stack([shortfall * 0.5, shortfall * 2, shortfall * 3], axis=-1)
    fan_values = np.broadcast_to(np.array(fan), (1, months, 5))
    return xr.Dataset(
        {
            "expected_shortfall_t": (("mineral", "consumer"), shortfall),
            "baseline_demand_t": (("mineral", "consumer"), baseline),
            "shortfall_quantile_t": (("mineral", "consumer", "quantile"), quantiles),
            "cvar95_shortfall_t": (("mineral", "consumer"), shortfall * 4),
            "months_to_recovery_mean": (("mineral", "consumer"), np.full((1, 5), 6.0)),
            "months_to_recovery_p95": (("mineral", "consumer"), np.full((1, 5), 11.0)),
            "unrecovered_share": (("mineral", "consumer"), np.full((1, 5), 0.25)),
            "peak_price_ratio_mean": (("mineral", "segment"), np.array([[2.5, 1.2]])),
            "price_ratio_fan": (
                ("mineral", "segment", "month", "fan_quantile"),
                np.stack([fan_values + 1, fan_values + 1], axis=1),
            ),
            "shortfall_share_fan": (("mineral", "month", "fan_quantile"), fan_values / 10),
            "floor_cost_usd": (("mineral",), np.array([7.0e6])),
            "reserve_target_t": (("mineral", "holder"), np.array([[100.0, np.nan]])),
            "reserve_purchase_usd": (("mineral", "holder"), np.array([[1.0e6, np.nan]])),
            "reserve_release_usd": (("mineral", "holder"), np.array([[2.0e6, np.nan]])),
        },
        coords={
            "mineral": ["gallium"],
            "consumer": consumers,
            "quantile": [0.5, 0.95, 0.99],
            "segment": ["alliance", "rest"],
            "month": np.arange(months),
            "fan_quantile": fan,
            "holder": ["USA", "pool"],
        },
    )


def test_headline_table_by_hand() -> None:
    row = headline_table(tiny_dataset()).iloc[0]
    assert row["mineral"] == "gallium"
    assert row["expected_shortfall_t"] == 40.0
    assert row["expected_shortfall_share"] == pytest.approx(0.04)  # 40 / 1000
    assert (row["p50_shortfall_t"], row["p95_shortfall_t"], row["p99_shortfall_t"]) == (
        20.0,
        80.0,
        120.0,
    )
    assert row["cvar95_shortfall_t"] == 160.0
    assert (row["peak_price_ratio_alliance"], row["peak_price_ratio_rest"]) == (2.5, 1.2)
    assert (row["months_to_recovery_mean"], row["months_to_recovery_p95"]) == (6.0, 11.0)
    assert row["unrecovered_share"] == 0.25
    assert row["floor_cost_usd"] == 7.0e6
    # the pool holds no gallium (NaN): only the USA's reserve counts, 1 M bought - 2 M sold
    assert row["reserve_net_cost_usd"] == -1.0e6
    assert row["fiscal_cost_usd"] == 6.0e6
    # a run folder from before the lowest price was recorded: shown as missing
    assert np.isnan(row["trough_price_ratio_rest"])
    lowest = tiny_dataset().assign(
        trough_price_ratio_mean=(("mineral", "segment"), np.array([[0.9, 0.4]]))
    )
    assert headline_table(lowest).iloc[0]["trough_price_ratio_rest"] == 0.4


def test_reserve_effect_table_by_hand() -> None:
    """USA's reserve (USA the only member with a cost share): without it JPN would have
    had 24 t short, USA 25 t, the world 52 t; with it 20, 15 and 40 t (tiny_dataset).
    So it removes 10 t of the USA's 25 (40 %) and 12 t of the world's 52; its net cost
    is 1 M bought - 2 M sold = -1 M, -1 M / 12 t per tonne removed."""
    ds = tiny_dataset()
    without = np.array([[24.0, 5.0, 25.0, 0.0, 52.0]])
    ds["expected_shortfall_without_reserves_t"] = (("mineral", "consumer"), without)
    ds["expected_shortfall_paired_t"] = ds["expected_shortfall_t"]
    ds["cvar95_shortfall_paired_t"] = ds["cvar95_shortfall_t"]
    ds["cvar95_shortfall_without_reserves_t"] = (("mineral", "consumer"), without * 3)
    ds["reserve_cost_share"] = (
        ("mineral", "holder", "consumer"),
        np.array([[[0.0, 0.0, 1.0, 0.0, np.nan], [np.nan] * 5]]),
    )
    table = reserve_effect_table(ds).set_index("consumer")
    assert list(table.index) == ["USA", "WORLD"]
    usa, world = table.loc["USA"], table.loc["WORLD"]
    assert (usa["shortfall_without_t"], usa["shortfall_with_t"]) == (25.0, 15.0)
    assert usa["shortfall_removed_t"] == 10.0
    assert usa["removed_share"] == pytest.approx(0.4)
    assert (usa["cvar95_without_t"], usa["cvar95_with_t"]) == (75.0, 60.0)
    assert np.isnan(usa["usd_per_t_removed"])
    assert world["shortfall_removed_t"] == 12.0
    assert world["usd_per_t_removed"] == pytest.approx(-1.0e6 / 12.0)
    # a run without the counterfactual has no such table
    assert reserve_effect_table(tiny_dataset()).empty


def test_cause_table_by_hand() -> None:
    """The world's 40 t of unmet demand: 30 t priced out, 10 t for want of what the
    restriction withheld, so 75 % and 25 %; the headings follow the causes."""
    ds = tiny_dataset()
    values = np.zeros((1, 5, len(CAUSES)))
    values[0, 4, :2] = [30.0, 10.0]
    ds["unmet_by_cause_t"] = (("mineral", "consumer", "cause"), values)
    ds = ds.assign_coords(cause=list(CAUSES))
    row = cause_table(ds).iloc[0]
    assert row["mineral"] == "gallium"
    assert (row["price"], row["restriction"]) == (0.75, 0.25)
    assert row[["output_outage", "refiners_feed", "capacity", "stocks"]].sum() == 0.0
    assert list(CAUSE_COLUMNS)[1:] == list(CAUSES)
    assert cause_table(tiny_dataset()).empty  # a run folder from before the diagnostic


def test_consumer_table_and_map_by_hand() -> None:
    ds = tiny_dataset()
    table = consumer_table(ds).set_index("consumer")
    assert table.loc["JPN", "expected_shortfall_share"] == pytest.approx(0.10)
    assert table.loc["USA", "expected_shortfall_share"] == pytest.approx(0.05)
    assert table.loc["ROW", "expected_shortfall_share"] == 0.0
    assert table.loc["WORLD", "name"] == "World"
    assert table.loc["JPN", "name"] == "Japan"

    fig = shortfall_map(ds)
    background, gallium = fig.data
    assert len(background.locations) > 150  # every country shape, in grey
    # countries only: SGP has no shape at 1:110m, ROW and WORLD are not countries
    assert dict(zip(gallium.locations, gallium.z, strict=True)) == pytest.approx(
        {"JPN": 0.10, "USA": 0.05}
    )
    assert gallium.locationmode == "ISO-3"
    assert fig.layout.geo.scope == "world"
    assert fig.layout.geo.resolution == 110
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["gallium"]


def test_shipped_world_shapes() -> None:
    codes = country_codes()
    assert len(codes) > 180
    for code in ("USA", "JPN", "CHN", "KOR", "DEU", "AUS", "CAN", "COD", "IDN", "MMR", "HUN"):
        assert code in codes
    world = topojson()
    assert world["type"] == "Topology"
    assert {"countries", "land", "coastlines", "ocean"} <= set(world["objects"])
    script = geo_assets_script()
    assert script.startswith("<script>")
    assert script.endswith("</script>")
    assert "</" not in script[len("<script>") : -len("</script>")]


def test_assumptions_tables_by_hand() -> None:
    scenario = {
        "name": "x",
        "paths": 10,
        "events": [
            {"type": "production_outage", "country": "COD", "minerals": ["cobalt"]},
            {"type": "stochastic_restrictions", "minerals": ["gallium"], "rate_per_year": 0.5},
            {"type": "production_outage", "country": "IDN", "minerals": ["nickel"]},
        ],
        "policies": {"reserves": [], "buyers_clubs": [{"name": "club", "members": ["USA"]}]},
        "market": {"demand_elasticity": -0.3, "alliance": ["G7"]},
    }
    text = assumptions_html(scenario, {"paths": 25, "seed": 0})
    assert text.count("<h4>production outage</h4>") == 1  # one heading per event type
    outage = text[text.index("<h4>production outage</h4>") : text.index("stochastic")]
    assert "COD" in outage
    assert "IDN" in outage
    assert '<p class="muted">#2</p>' in outage  # numbered as in the file
    assert outage.count("<table>") == 2  # a table per event, a field per row
    assert "<h4>buyers clubs</h4>" in text
    assert "<h4>reserves</h4>" not in text
    assert "Short-run price elasticity of demand" in text  # descriptions from the schema
    assert "Paths actually run" in text
    assert "Seed actually used" in text


# ---------------------------------------------------------------------------
# in a real browser, with the network closed
# ---------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Browser:
    """A page in headless chromium that may load only file:// URLs; it records problems."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error",) else None)

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, path: Path, plots: int) -> None:
        """Open ``path`` and wait until its ``plots`` Plotly figures have drawn."""
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function(
            """n => {
                const plots = [...document.querySelectorAll('.js-plotly-plot')];
                return plots.length === n && plots.every(p => p._fullLayout
                    && p.querySelector('.main-svg') && !p._transitioning);
            }""",
            arg=plots,
            timeout=60_000,
        )

    def assert_clean(self) -> None:
        assert self.blocked == [], "the page tried to reach the network"
        assert self.failed == []
        assert self.errors == []


@pytest.fixture(scope="module")
def browser() -> Any:
    """Headless Debian chromium through Playwright; fails (never skips) when it is missing."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium "
            "(apt-get install --no-install-recommends chromium); .ci/run does"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = Browser(context.new_page())
    context.route("**/*", tab.route)
    try:
        yield tab
    finally:
        context.close()


def _plot_count(path: Path) -> int:
    return path.read_text(encoding="utf-8").count("Plotly.newPlot(")


@pytest.mark.browser
def test_simulation_report_renders_offline(report: Path, page: Browser) -> None:
    plots = _plot_count(report)
    assert plots == 1 + 2 + 2  # map, fans and reserves of gallium and graphite
    page.open(report, plots)
    # the map drew every country shape from the embedded topology
    page.page.wait_for_function(
        "document.querySelectorAll('.geo path.choroplethlocation').length > 100",
        timeout=60_000,
    )
    shapes = page.page.evaluate("document.querySelectorAll('.geo path.choroplethlocation').length")
    assert shapes > 100
    drawn = page.page.evaluate(
        """[...document.querySelectorAll('.geo path.choroplethlocation')]
            .filter(p => (p.getAttribute('d') || '').length > 20).length"""
    )
    assert drawn > 100
    assert page.page.evaluate("Object.keys(window.PlotlyGeoAssets.topojson)") == [TOPOJSON_NAME]
    # fan charts drew their bands and medians
    assert page.page.evaluate("document.querySelectorAll('.scatterlayer .trace').length") > 20

    # the dropdown switches the map to graphite
    def visible() -> list[Any]:
        return list(
            page.page.evaluate(
                """[...document.querySelectorAll('.js-plotly-plot')]
                    .find(p => p._fullLayout.geo)._fullData.map(t => t.visible)"""
            )
        )

    assert visible() == [True, True, False]
    page.page.locator(".updatemenu-header").first.click()
    page.page.locator(".updatemenu-dropdown-button").nth(1).click()
    page.page.wait_for_function(
        """[...document.querySelectorAll('.js-plotly-plot')]
            .find(p => p._fullLayout.geo)._fullData[2].visible === true"""
    )
    assert visible() == [True, False, True]
    page.assert_clean()


@pytest.mark.browser
def test_vulnerability_report_renders_offline(tmp_path: Path, page: Browser) -> None:
    target = tmp_path / "vulnerability.html"
    code, out = invoke("report", "--out", str(target))
    assert code == 0, out
    plots = _plot_count(target)
    assert plots == 4  # HHI heat map, leading producers, China vs group, allied consumers
    page.open(target, plots)
    assert page.page.evaluate("document.querySelectorAll('.hm, .heatmaplayer image').length") > 1
    # the allied-consumer heat map labels its rows with the consumers, EU27 included
    labels = page.page.evaluate(
        "Array.from(document.querySelectorAll('.ytick text')).map(e => e.textContent)"
    )
    assert {"JPN", "KOR", "EU27", "USA"} <= set(labels)
    assert page.page.evaluate("document.querySelectorAll('.barlayer .point').length") > 10
    assert page.page.evaluate("document.querySelectorAll('.scatterlayer .point').length") > 10
    page.assert_clean()


# ---------------------------------------------------------------------------
# layout at laptop and tablet widths: geometry of the rendered page
# ---------------------------------------------------------------------------

#: Widths of the layout checks [px]: a laptop and a tablet held upright.
WIDTHS = (1400, 800)
#: At most this many legend entries per chart.
MAX_LEGEND = 6

#: JavaScript measuring the rendered page: what overflows the page, which tables are
#: wider than their box, and which texts of each chart overlap (bounding boxes that
#: intersect by more than a pixel each way), with every <details> opened first.
LAYOUT_PROBLEMS = """() => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const problems = [];
    const width = document.documentElement.clientWidth;
    const page = document.documentElement.scrollWidth;
    if (page > width + 1) problems.push(`page is ${page} px wide in a ${width} px window`);
    document.querySelectorAll('table').forEach((t, i) => {
        const box = t.parentElement.getBoundingClientRect();
        const r = t.getBoundingClientRect();
        const head = t.querySelector('th') ? t.querySelector('th').textContent : '';
        if (r.width > box.width + 1 || r.right > width + 1)
            problems.push(`table ${i} (${head}...) is ${Math.round(r.width)} px wide `
                + `in a ${Math.round(box.width)} px box`);
    });
    const shown = e => {
        const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0
            && r.width > 0 && r.height > 0 && e.textContent.trim() !== '';
    };
    document.querySelectorAll('.js-plotly-plot').forEach((plot, p) => {
        const title = plot._fullLayout.title && plot._fullLayout.title.text || `chart ${p}`;
        const legend = plot.querySelectorAll('.legend .traces').length;
        if (legend > MAX_LEGEND) problems.push(`${title}: ${legend} legend entries`);
        const texts = [...plot.querySelectorAll('svg text')].filter(shown);
        const boxes = texts.map(e => e.getBoundingClientRect());
        for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i], b = boxes[j];
                const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (dx > 1 && dy > 1) problems.push(`${title}: "${texts[i].textContent}" `
                    + `overlaps "${texts[j].textContent}"`);
            }
        }
        const r = plot.getBoundingClientRect();
        if (r.right > width + 1) problems.push(`${title}: ${Math.round(r.right)} px past the edge`);
    });
    return problems;
}""".replace("MAX_LEGEND", str(MAX_LEGEND))


def _layout_problems(page: Browser, path: Path, width: int, shot: Path) -> list[str]:
    """Open ``path`` at ``width`` px, screenshot it to ``shot`` and measure its layout."""
    page.page.set_viewport_size({"width": width, "height": 1000})
    page.open(path, _plot_count(path))
    page.page.evaluate("window.dispatchEvent(new Event('resize'))")
    page.page.wait_for_timeout(500)
    problems = list(page.page.evaluate(LAYOUT_PROBLEMS))
    page.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_simulation_report_layout(report: Path, page: Browser, width: int, tmp_path: Path) -> None:
    problems = _layout_problems(page, report, width, tmp_path / f"report-{width}.png")
    assert not problems, "\n".join(problems)
    page.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_vulnerability_report_layout(page: Browser, width: int, tmp_path: Path) -> None:
    target = tmp_path / "vulnerability.html"
    code, out = invoke("report", "--out", str(target))
    assert code == 0, out
    problems = _layout_problems(page, target, width, tmp_path / f"vulnerability-{width}.png")
    assert not problems, "\n".join(problems)
    page.assert_clean()
