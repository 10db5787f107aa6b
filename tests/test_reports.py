"""Reports (simulator/reports): HTML, PDF, CSV and Excel of a real surrogate evaluation; standards verdicts;
``retrofit report``; scenario links."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

import archetypes
from simulator.app import charts
from simulator.reports import report as R
from simulator.reports import standards as S

ARCH, PACKAGE = "old_estate_pre1990", "envelope_hp_pv"


@pytest.fixture(scope="module")
def reports(_isolated_cache_dir):
    """The same package in both languages (surrogate engine: seconds)."""
    return {lang: R.build_report(ARCH, PACKAGE, lang) for lang in ("zh", "en")}


def test_html_report_has_colours_labels_and_every_section(reports):
    """Streamlit's default plotly template holds placeholder colours (#000001...) that only its own page
    replaces; the report's figures carry the project template, heating red and cooling blue."""
    import plotly.io as pio
    import streamlit  # noqa: F401 - importing it makes the placeholder template plotly's default

    assert "#000001" in pio.templates[pio.templates.default].layout.colorway  # the hazard is real here
    zh = R.to_html(reports["zh"]).decode()
    assert "#000001" not in zh and "#000002" not in zh
    assert charts.COLORS["heating"] in zh and charts.COLORS["cooling"] in zh
    assert '"automargin":true' in zh.replace(" ", "")
    for text in ("万元", "吨CO₂/年", "GJ/年", "逐月负荷", "标准符合性", "假设条件", "数据来源", "折现率", "电网排放因子",
                 "补贴", "GB/T 51350", "四步节能75%", "未进行 EnergyPlus 校核"):
        assert text in zh, text
    assert "nan" not in re.sub(r"<script.*?</script>", "", zh, flags=re.S).lower().split()
    assert "bills_electricity" not in zh and "capex_cny" not in zh
    en = R.to_html(reports["en"]).decode()
    assert "10⁴ CNY" in en and "Monthly loads" in en and "万元" not in re.sub(r"<script.*?</script>", "", en, flags=re.S)


def test_report_numbers_are_the_evaluation_rounded(reports):
    rep = reports["zh"]
    summary = R.summary_table(rep).set_index("指标")["数值"]
    res = rep.result
    # gross capex = net + subsidy, in 万元 rounded to 0.1
    assert summary["投资（补贴前）"] == pytest.approx((res["capex_cny"] + res["subsidy_cny"]) / 1e4, abs=0.05)
    assert summary["年减碳"] == pytest.approx(res["co2_saved_kg"] / 1000, abs=0.05)
    monthly = R.monthly_table(rep)
    assert len(monthly) == 13 and monthly.iloc[-1, 0] == "合计"
    heat_col = [c for c in monthly.columns if c.startswith("供暖负荷·改造后")][0]
    # the year row is the sum of the rounded months (0.1 MWh each: 12 x 0.05 at most)
    assert monthly[heat_col].iloc[-1] == pytest.approx(res["retrofit"]["heating_kwh"] / 1000, abs=0.6)


def test_csv_and_excel_use_the_report_language_and_name_their_content(reports):
    rep = reports["zh"]
    csv = R.to_csv(rep).decode("utf-8-sig")
    for text in ("# 方案结果", "# 逐月负荷", "万元", "1月", "12月", "合计", rep.created[:10], "envelope_hp_pv",
                 "surrogate"):
        assert text in csv, text
    assert "nan" not in csv.lower() and "_cny" not in csv
    sheets = pd.read_excel(io.BytesIO(R.to_excel(rep)), sheet_name=None)
    assert {"假设条件", "方案结果", "改造前后对比", "逐月负荷", "标准符合性"} <= set(sheets)
    assert len(sheets["逐月负荷"]) == 13
    name = R.file_name(rep, "xlsx")
    assert name.startswith(f"retrofit_{ARCH}_") and f"_{PACKAGE}_surrogate_zh_" in name
    assert re.fullmatch(r"[A-Za-z0-9_.+-]+\.xlsx", name)


def test_pdf_renders_chinese_with_the_cjk_font(reports, monkeypatch):
    from simulator.reports.pdf import to_pdf

    pdf = to_pdf(reports["zh"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert b"NotoSansCJK" in pdf or b"NotoSans" in pdf  # the embedded (subset) font
    monkeypatch.setattr("simulator.reports.pdf.CJK_FONT_PATHS", ("/nonexistent/NotoSansCJK-Regular.ttc",))
    with pytest.raises(R.MissingFontError, match="fonts-noto-cjk"):
        to_pdf(reports["en"])


def test_user_text_is_escaped_in_the_html(reports):
    from dataclasses import replace

    rep = replace(reports["en"], package_title="<script>alert(1)</script>", archetype="<b>x</b>.toml")
    page = R.to_html(rep).decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_envelope_steps_follow_the_data_file():
    steps = S.envelope_steps_data("residential")
    old, five = archetypes.load("old_estate_pre1990"), archetypes.load("five_step_residential")
    assert S.step_reached(S.envelope_checks(old)) == "-"  # uninsulated brick meets no step
    strictest, next_strictest = list(steps.values())[-1]["label"], list(steps.values())[-2]["label"]
    # the five-step wall was sized on its 1-D U (0.30); the steps check the mean U with thermal bridges (0.41),
    # so it meets the 75 % step and fails the 83 % one on the wall alone
    assert S.step_reached(S.envelope_checks(five)) == next_strictest
    failed = [c for c in S.envelope_checks(five) if c.standard == strictest and not c.passed]
    assert [c.quantity for c in failed] == ["wall mean U-value (with thermal bridges)"]
    assert five.u_values_w_m2k()["wall"] <= failed[0].limit < failed[0].value
    for c in S.envelope_checks(old):
        assert c.passed == (c.value <= c.limit)


def test_energy_levels_at_the_limits():
    lv = S.levels_data()["gbt51350"]["residential"]
    nz = lv["nearly_zero_heating_kwh_m2"]["value"]
    side = {"heating_kwh_m2": nz, "renewable_share": lv["nearly_zero_renewable_share"]["value"],
            "electricity_kwh": 0.0, "electricity_heating_kwh": 0.0}
    assert S.energy_levels_reached(S.energy_checks(side, "residential", 100.0)) == "nearly zero energy"
    assert S.energy_levels_reached(S.energy_checks({**side, "renewable_share": 1.0}, "residential", 100.0)) \
        == "zero energy"
    assert S.energy_levels_reached(S.energy_checks({**side, "heating_kwh_m2": nz + 0.2}, "residential", 100.0)) \
        == "ultra-low energy"
    office = S.levels_data()["gbt51161"]["office"]["non_heating_limit_kwh_m2"]["value"]
    checks = S.energy_checks({**side, "electricity_kwh": (office + 1) * 100.0}, "office", 100.0)
    limit = [c for c in checks if "constraint" in c.standard][0]
    assert limit.passed is False and limit.value == office + 1
    school = S.energy_checks(side, "school", 100.0)
    assert all(c.passed is None and c.note for c in school)  # no school indicator: said, not guessed


def test_cli_report_writes_html_and_refuses_unknown_formats(tmp_path, _isolated_cache_dir, capsys):
    from simulator.cli import main

    out = tmp_path / "r.html"
    assert main(["report", "--archetype", "public_school", "--package", "led_lighting", "--lang", "en",
                 "--out", str(out), "-q"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "GB/T 51161" in page and "none for schools" in page  # no school indicator: the report says so
    assert main(["report", "--archetype", ARCH, "--package", "envelope", "--out", str(tmp_path / "r.docx"),
                 "-q"]) == 2
    assert "unknown report format" in capsys.readouterr().err


def test_links_round_trip_and_drop_garbage():
    from simulator.app.choices import Choices
    from simulator.app.links import choices_from_param, choices_to_param, read_scenario

    c = Choices(wall_mm=100, window_level="lowe_double", airtight_ach=0.5, trv=True, pv_share_pct=50).as_dict()
    assert choices_from_param(choices_to_param(c)) == c
    assert choices_from_param("wall_mm-105~gold-1~window_level-<script>") is None
    assert choices_from_param("x" * 1000) is None
    got = read_scenario({"lang": "en", "archetype": "../etc/passwd", "c": "roof_mm-100"}, {"zh": "", "en": ""},
                        archetypes.names())
    assert got == {"lang": "en", "choices": Choices(roof_mm=100).as_dict()}


def test_report_has_the_savings_intervals_through_the_chain(reports):
    """A surrogate report lists CO2 saved and bill savings with their 90 % intervals (simulator/chain_intervals.py)
    around the report's own figures, and says how they were made."""
    from html import escape

    rep = reports["en"]
    table = R.ranges_table(rep).set_index("Quantity")
    for row in ("CO₂ saved", "Annual savings (net of O&M)", "Heating demand saved"):
        lo, v, hi = table.loc[row, ["Low (5 %)", "Value", "High (95 %)"]]
        assert lo <= v <= hi and hi > lo, row
    assert table.loc["CO₂ saved", "Value"] == pytest.approx(rep.result["co2_saved_kg"] / 1000, abs=0.05)
    page = R.to_html(rep).decode()
    assert escape(R.label("ranges", "en")) in page and escape(R.label("ranges_note", "en")) in page
    assert R.label("ranges", "zh") in R.to_html(reports["zh"]).decode()
