"""The command line, through its real entry point."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from critmin.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_help_lists_the_commands() -> None:
    code, out = run("--help")
    assert code == 0
    for command in ("risk", "priority", "report", "demo", "data"):
        assert command in out


def test_risk_json_2023_has_the_contract_fields() -> None:
    code, out = run("risk", "--year", "2023", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    keys = {"mineral", "stage", "year", "world_total_t", "hhi", "top_country", "top_share"}
    assert all(keys | {"china_share"} <= set(r) for r in rows)
    by_key = {(r["mineral"], r["stage"]): r for r in rows}
    # World Mining Data (the primary series), table Gallium: 2023 China 701 of 713 t
    ga = by_key[("gallium", "refining")]
    assert ga["top_country"] == "CHN"
    assert ga["top_share"] == pytest.approx(701 / 713)
    assert ga["year"] == 2023
    # IEA 2024 edition: graphite (battery grade) refining 2023, China 1851.9 of 2037.2 kt
    assert by_key[("graphite", "refining")]["china_share"] == pytest.approx(1851.9 / 2037.2)
    assert all(0 <= r["top_share"] <= 1 for r in rows)


def test_risk_with_source_usgs() -> None:
    # USGS MCS 2024: gallium primary production 2023, China 600,000 of 610,000 kg
    code, out = run(
        "risk", "--year", "2023", "--mineral", "gallium", "--source", "usgs-mcs", "-f", "json"
    )
    assert code == 0
    ga = json.loads(out)[0]
    assert ga["top_share"] == pytest.approx(600 / 610)
    code, out = run("risk", "--source", "no-such-series")
    assert code == 2
    assert "unknown source series" in out
    assert "usgs-mcs" in out


def test_risk_2024_covers_every_wmd_mineral_at_the_mining_stage() -> None:
    code, out = run("risk", "--year", "2024", "--stage", "mining", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    minerals = {r["mineral"] for r in rows}
    wmd = {"antimony", "cobalt", "copper", "fluorspar", "graphite", "lithium", "manganese"}
    wmd |= {"nickel", "niobium", "palladium", "platinum", "platinum-group-metals"}
    wmd |= {"rare-earths", "tantalum", "tin", "titanium", "tungsten", "vanadium"}
    assert wmd <= minerals
    # WMD table Cobalt 2024: DR Congo 200,253 of 268,755 t
    cobalt = next(r for r in rows if r["mineral"] == "cobalt")
    assert cobalt["top_share"] == pytest.approx(200_253 / 268_755)


def test_risk_defaults_to_latest_year_per_mineral() -> None:
    code, out = run("risk", "--mineral", "gallium", "--mineral", "nickel", "--format", "json")
    assert code == 0
    years = {(r["mineral"], r["stage"]): r["year"] for r in json.loads(out)}
    assert years[("gallium", "refining")] == 2024  # World Mining Data
    assert years[("nickel", "refining")] == 2024  # IEA 2025 edition


def test_risk_csv_output() -> None:
    code, out = run("risk", "--mineral", "tungsten", "--year", "2023", "--format", "csv")
    assert code == 0
    header, row = out.strip().splitlines()
    assert header.startswith("mineral,stage,year,world_total_t")
    # World Mining Data, table Tungsten (W): 2023 world total 81,395 t
    assert row.startswith("tungsten,mining,2023,81395")


def test_unknown_mineral_exits_2_and_lists_valid_ids() -> None:
    code, out = run("risk", "--mineral", "unobtainium")
    assert code == 2
    assert "unknown mineral" in out
    assert "gallium" in out
    assert "unobtainium" in out


def test_unknown_year_exits_2_and_lists_valid_years() -> None:
    code, out = run("risk", "--year", "1999")
    assert code == 2
    assert "no production data for this year" in out
    assert "2023" in out


def test_unknown_stage_exits_2() -> None:
    code, out = run("risk", "--stage", "smelting")
    assert code == 2
    assert "mining" in out
    assert "refining" in out


def test_unknown_group_exits_2() -> None:
    code, out = run("risk", "--group", "NATO")
    assert code == 2
    assert "unknown country or group" in out


def test_own_data_package_gives_hand_computed_hhi(test_data: Path) -> None:
    code, out = run("risk", "--data", str(test_data / "tiny"), "--format", "json")
    assert code == 0
    rows = {(r["mineral"], r["stage"]): r for r in json.loads(out)}
    # gallium refining 2023: CHN 98, JPN 1, ROW 1 of 100 -> 0.98^2 + 0.01^2 (ROW atomised)
    assert rows[("gallium", "refining")]["hhi"] == pytest.approx(0.9605)
    # graphite mining: 0.6^2 + 0.2^2 + 0.1^2 = 0.41; refining 0.9^2 + 2 * 0.05^2 = 0.815
    assert rows[("graphite", "mining")]["hhi"] == pytest.approx(0.41)
    assert rows[("graphite", "refining")]["hhi"] == pytest.approx(0.815)
    assert rows[("graphite", "refining")]["is_bottleneck"] is True
    assert rows[("graphite", "mining")]["is_bottleneck"] is False


def test_missing_data_folder_exits_2(tmp_path: Path) -> None:
    code, out = run("risk", "--data", str(tmp_path / "nope"))
    assert code == 2
    assert "--data" in out
    assert "not found" in out


def test_malformed_package_exits_2_with_every_problem(tmp_path: Path, test_data: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(test_data / "tiny", pkg)
    prod = pkg / "production.csv"
    prod.write_text(
        prod.read_text().replace("graphite,mining,BRA,2023,10", "graphite,mining,BRA,2023,-10")
    )
    code, out = run("risk", "--data", str(pkg))
    assert code == 2
    assert "production.csv line 9, column value_t: below the allowed range" in out
    code, out = run("data", "validate", str(pkg))
    assert code == 2
    # the negative tonnage also gives BRA a negative share: two errors
    assert "INVALID (2 errors" in out


def test_validate_good_package_exits_0(test_data: Path) -> None:
    code, out = run("data", "validate", str(test_data / "tiny"))
    assert code == 0
    assert "valid (0 errors" in out


def test_priority_json_ranks_and_explains(test_data: Path) -> None:
    code, out = run("priority", "--data", str(test_data / "tiny"), "--format", "json")
    assert code == 0
    rows = json.loads(out)
    first = rows[0]
    assert first["rank"] == 1
    assert {"indicators_met", "hhi_value", "hhi_threshold", "hhi_stage"} <= set(first)
    # gallium: HHI 0.9605, top 0.98, China 0.98, NIR 1.0, outside G7... all met
    ga = next(r for r in rows if r["mineral"] == "gallium")
    assert {"hhi", "top_share", "china_share", "nir_share"} <= set(ga["indicators_met"])


def test_priority_thresholds_file(tmp_path: Path, test_data: Path) -> None:
    good = tmp_path / "t.yaml"
    good.write_text("hhi: 0.99\nmin_indicators: 1\n")
    code, out = run(
        "priority", "--data", str(test_data / "tiny"), "--thresholds", str(good), "--format", "json"
    )
    assert code == 0
    ga = next(r for r in json.loads(out) if r["mineral"] == "gallium")
    assert "hhi" not in ga["indicators_met"]  # 0.9605 < 0.99
    assert ga["hhi_threshold"] == 0.99
    bad = tmp_path / "bad.yaml"
    bad.write_text("hhi: 0.3\ncolour: red\n")
    code, out = run("priority", "--thresholds", str(bad))
    assert code == 2
    assert "unknown threshold" in out
    assert "colour" in out
    assert "min_indicators" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text("hhi: [0.3\n")
    code, out = run("priority", "--thresholds", str(broken))
    assert code == 2
    assert "cannot parse thresholds file" in out


def test_data_sources_for_a_mineral() -> None:
    code, out = run("data", "sources", "gallium", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    ids = {r["source_id"] for r in doc["sources"]}
    assert {"usgs-mcs-2024-world", "wmd-geopolrisk"} <= ids
    (refining,) = doc["series"]
    assert refining["primary_series"] == "wmd"
    assert refining["years"] == "2018-2024"
    assert "usgs-mcs" in refining["other_series"]
    code, out = run("data", "sources", "copper")
    assert code == 0
    assert "iea-cmde" in out
    assert "not filled in" in out  # USGS refinery output 2021-2022 is a break, not used
    code, out = run("data", "sources", "galium")
    assert code == 2


def test_data_build_from_missing_folder_exits_2(tmp_path: Path) -> None:
    code, out = run("data", "build", "--from", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "raw data folder not found" in out


def test_data_build_from_incomplete_folder_exits_2(tmp_path: Path) -> None:
    code, out = run("data", "build", "--from", str(tmp_path), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "raw data files are missing" in out


def test_report_is_self_contained(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    code, _ = run("report", "--out", str(target))
    assert code == 0
    html = target.read_text()
    tags = re.findall(r"<(?:script|link|img)\b[^>]*>", html)
    assert tags
    assert all("src=" not in t and "href=" not in t for t in tags)
    assert "Plotly.newPlot" in html
    assert "Priority minerals" in html
    assert "gallium" in html


def test_demo_writes_its_outputs(tmp_path: Path) -> None:
    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "china-escalation.yaml"
    code, out = run("demo", "--out", str(tmp_path), "--scenario", str(scenario), "--paths", "64")
    assert code == 0
    assert "Priority minerals" in out
    for name in ("vulnerability.csv", "priorities.csv", "vulnerability-report.html"):
        assert (tmp_path / name).stat().st_size > 0
    run_dir = tmp_path / "china-escalation"
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["paths"] == 64
    assert (run_dir / "report.html").stat().st_size > 0


def test_demo_with_missing_scenario_exits_2(tmp_path: Path) -> None:
    code, out = run("demo", "--out", str(tmp_path), "--scenario", str(tmp_path / "none.yaml"))
    assert code == 2
    assert "stress-test scenario not found" in out


def test_geopolrisk_command_json() -> None:
    code, out = run(
        "geopolrisk", "--country", "JPN", "--mineral", "cobalt", "--year", "2022", "-f", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert {"hhi", "import_risk", "score"} <= set(doc)
    # WMD table Cobalt 2022 gives the HHI that geopolrisk-py computes (0.492897...,
    # tests/test_geopolrisk_oracle.py); score = HHI x import risk
    assert doc["hhi"] == pytest.approx(0.4928971158, abs=1e-9)
    assert doc["score"] == pytest.approx(doc["hhi"] * doc["import_risk"])
    assert doc["hs_codes"] == ["282200", "810510"]


def test_geopolrisk_tables_and_errors() -> None:
    code, out = run("geopolrisk", "--country", "KOR", "--year", "2022", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert {"cobalt", "graphite", "lithium", "nickel"} <= {r["mineral"] for r in rows}
    code, out = run("geopolrisk", "--mineral", "graphite", "--year", "2022", "-f", "json")
    assert code == 0
    countries = {r["country"] for r in json.loads(out)}
    assert {"JPN", "KOR", "USA", "DEU", "CAN", "AUS", "GBR"} <= countries
    code, out = run("geopolrisk", "--country", "JPN", "--mineral", "gallium")
    assert code == 2
    assert "no year with both production and trade" in out or "no HS code" in out
    code, out = run("geopolrisk")
    assert code == 2


def test_exposure_from_trade_for_japan_and_korea() -> None:
    code, out = run(
        "exposure", "JPN", "--mineral", "rare-earths", "--year", "2024", "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)
    assert {r["method"] for r in rows} == {"trade"}
    assert rows[0]["supplier"] == "CHN"
    assert sum(r["import_share"] for r in rows) == pytest.approx(1.0)
    keys = {"supplier", "exposure_share", "method", "stage", "year", "nir_share", "nir_year"}
    assert keys | {"published_import_rank", "imports_t", "hs_codes"} <= set(rows[0])
    code, out = run("exposure", "KOR", "--mineral", "graphite", "--year", "2024", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["method"] for r in rows} == {"trade"}
    assert rows[0]["supplier"] == "CHN"
    # natural graphite is on the production basis (gross weight): KOR's NIR is derived
    assert rows[0]["nir_source"] == "derived"
    assert 0 < rows[0]["nir_share"] <= 1
    code, out = run("exposure", "KOR", "--mineral", "graphite", "--by", "product", "-f", "json")
    assert code == 0
    assert {r["hs_code"] for r in json.loads(out)} == {"250410", "250490"}
    args = ("exposure", "JPN", "-m", "cobalt", "--year", "2022", "-f", "json")
    code, out = run(*args)
    direct = {r["supplier"]: r["imports_t"] for r in json.loads(out)}
    code, out = run(*args, "--reattribute-hubs")
    assert code == 0
    traced = json.loads(out)
    # tonnes are preserved (but for JPN's own exports that come back through a hub),
    # and BEL, a hub, is traced back to its suppliers (FIN, CHN, ...)
    assert sum(r["imports_t"] for r in traced) == pytest.approx(sum(direct.values()), rel=1e-5)
    assert direct.get("BEL", 0) > 0
    assert "BEL" in {v for r in traced for v in r["via"].split(";")}
    assert all(r["value_usd"] is not None for r in traced)
    code, out = run("exposure", "JPN", "-m", "cobalt", "--hub", "XXX")
    assert code == 2


def test_data_init_writes_a_valid_template(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    code, out = run("data", "init", str(target))
    assert code == 0
    assert (target / "README.md").is_file()
    header = (target / "trade.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("mineral,stage,hs_code,exporter,importer,year,value_t,gross_t")
    code, out = run("data", "validate", str(target))
    assert code == 0, out
    assert "valid" in out
    code, out = run("data", "init", str(target))
    assert code == 2
    assert "not empty" in out


def test_overlay_replaces_and_adds_rows(tmp_path: Path) -> None:
    # JPN's 2024 lithium carbonate imports from CHL: the shipped BACI row is replaced
    # by 1,000 t of product (187.9 t Li); a new partner (PRT, 500 t) is added
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "trade.csv").write_text(
        "mineral,stage,hs_code,exporter,importer,year,value_t,gross_t,value_usd,source_id,note\n"
        "lithium,refining,283691,CHL,JPN,2024,187.9,1000,,my-customs,\n"
        "lithium,refining,283691,PRT,JPN,2024,93.95,500,,my-customs,\n",
        encoding="utf-8",
    )
    (overlay / "sources.csv").write_text(
        "source_id,title,publisher,table,year,doi_or_url,licence,note\n"
        "my-customs,Japan customs extract,Japan Customs,,2025,,terms of the publisher,\n",
        encoding="utf-8",
    )
    code, out = run("data", "validate", str(overlay))
    assert code == 0, out
    assert "trade: 1 rows added, 1 rows replaced" in out
    assert "replaced in trade: mineral=lithium, stage=refining, hs_code=283691, exporter=CHL" in out
    code, out = run(
        "exposure", "JPN", "-m", "lithium", "--year", "2024", "--by", "product",
        "--data", str(overlay), "-f", "json",
    )  # fmt: skip
    assert code == 0
    rows = {r["supplier"]: r for r in json.loads(out[out.index("[") :]) if r["hs_code"] == "283691"}
    assert rows["CHL"]["imports_t"] == pytest.approx(187.9)
    assert rows["PRT"]["imports_t"] == pytest.approx(93.95)


def test_overlay_with_a_bad_cell_exits_2_with_its_line(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "trade.csv").write_text(
        "mineral,stage,hs_code,exporter,importer,year,value_t,gross_t,value_usd,source_id,note\n"
        "lithium,refining,283691,CHL,JPN,2024,-5,1000,,baci-hs92,\n",
        encoding="utf-8",
    )
    code, out = run("exposure", "JPN", "-m", "lithium", "--data", str(overlay))
    assert code == 2
    assert "trade.csv line 2, column value_t: below the allowed range" in out


def test_risk_allies_view() -> None:
    code, out = run("risk", "--allies", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["consumer"] for r in rows} == {
        "USA",
        "JPN",
        "KOR",
        "DEU",
        "EU27",
        "CAN",
        "AUS",
        "GBR",
    }
    assert len({r["mineral"] for r in rows}) == 10
    by = {(r["consumer"], r["mineral"]): r for r in rows}
    assert by[("KOR", "graphite")]["top_supplier"] == "CHN"
    # gallium has no HS 1992 code in the data: unknown, and the note says why
    assert by[("JPN", "gallium")]["nir_share"] is None
    assert "no code" in by[("JPN", "gallium")]["note"]
