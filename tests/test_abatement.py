"""Incremental MAC curve (simulator/abatement.py, the compare page): bars that add up to a real package.

Evaluations are real (surrogate engine, the shared systems/bills/carbon/finance code). Tolerances:
the curve's sums are differences of the same floating-point results, so they add up to 1e-9 relative.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import archetypes
from simulator.abatement import incremental_mac, net_annual_cost_cny
from simulator.app import mac_view
from simulator.app.choices import Choices

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
PACKAGE = Choices(wall_mm=100, window_level="lowe_double", heat_source="ashp", pv_share_pct=50)


@pytest.fixture(scope="module")
def evaluate_cached(_isolated_cache_dir):
    """Choices dict -> evaluation dict on the old estate (surrogate), cached like the app's."""
    from simulator.evaluate import evaluate, get_engine

    b, eng = archetypes.load("old_estate_pre1990"), get_engine("surrogate")
    cache: dict[str, dict] = {}

    def run(choices: dict) -> dict:
        key = repr(sorted(choices.items()))
        if key not in cache:
            cache[key] = evaluate(b, Choices(**choices).measures(), engine=eng).to_dict()
        return cache[key]

    return run


def test_bars_add_up_to_the_package_and_each_is_the_cheapest_next_step(evaluate_cached):
    mac = mac_view.package_mac(PACKAGE, evaluate_cached)
    full = evaluate_cached(PACKAGE.as_dict())
    assert [s.measure for s in mac.steps] != [] and mac.not_abating == ()
    assert sorted(s.measure for s in mac.steps) == sorted(["wall_mm", "window_level", "heat_source", "pv_share_pct"])
    # widths add up to the package's CO2 saved, areas to its net annual cost (= CCC x CO2 saved)
    assert sum(s.co2_saved_t for s in mac.steps) == pytest.approx(full["co2_saved_kg"] / 1000, rel=1e-9)
    assert sum(s.net_cost_cny for s in mac.steps) == pytest.approx(
        full["cost_of_conserved_carbon_cny_per_t"] * full["co2_saved_kg"] / 1000, rel=1e-9)
    # recomputed: every bar from the evaluations of the package's prefixes, and no other remaining measure
    # would have been cheaper per tonne at that step
    taken: list[str] = []
    for step in mac.steps:
        before = evaluate_cached(mac_view.subset(PACKAGE, taken).as_dict())
        co2_0, cost_0 = before["co2_saved_kg"] / 1000, net_annual_cost_cny(before)
        options = {}
        for m in [f for f in mac_view.steps_of(PACKAGE) if f not in taken]:
            r = evaluate_cached(mac_view.subset(PACKAGE, [*taken, m]).as_dict())
            d = r["co2_saved_kg"] / 1000 - co2_0
            if d > 0:
                options[m] = (net_annual_cost_cny(r) - cost_0) / d
        assert step.measure == min(options, key=options.get)
        assert step.cost_per_t_cny == pytest.approx(options[step.measure], rel=1e-9)
        taken.append(step.measure)


def test_measures_without_co2_saving_are_left_off_and_named():
    """Pure arithmetic of the curve on a stated toy package: "tidy" saves no CO2, so it has no cost per tonne."""
    co2 = {"roof": 10.0, "pv": 5.0, "tidy": 0.0}
    cost = {"roof": 2000.0, "pv": -500.0, "tidy": 300.0}  # net annual cost of each measure [CNY/a], additive here

    def toy(measures):
        saved = sum(co2[m] for m in measures)
        net = sum(cost[m] for m in measures)
        return {"measures": list(measures), "co2_saved_kg": 1000 * saved,
                "cost_of_conserved_carbon_cny_per_t": net / saved if saved > 0 else math.nan}

    mac = incremental_mac(["roof", "pv", "tidy"], toy)
    assert [s.measure for s in mac.steps] == ["pv", "roof"]  # -100 CNY/t before 200 CNY/t
    assert [s.cost_per_t_cny for s in mac.steps] == pytest.approx([-100.0, 200.0])
    assert mac.not_abating == ("tidy",) and mac.co2_saved_t == pytest.approx(15.0)


def test_compare_page_curve_matches_the_package_row(_isolated_cache_dir):
    """The curve's total row is the chosen package's row of the table (same CO₂ saved), and bars below
    zero are drawn green, above zero red."""
    from streamlit.testing.v1 import AppTest

    from simulator.app.charts import COLORS

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "en"
    for key, value in {"c_wall_mm": [0, 100], "c_roof_mm": [0], "c_window_level": ["keep"], "c_airtight_ach": [0.0],
                       "c_heat_source": ["keep", "ashp"], "c_pv_share_pct": [0, 50]}.items():
        at.session_state[key] = value
    at.switch_page("simulator/app/pages/compare.py").run()
    assert not at.exception
    steps, packages = at.dataframe[0].value, at.dataframe[-1].value
    total = steps[steps["#"] == "Σ"].iloc[0]
    chosen = packages.iloc[at.selectbox(key="c_mac_package").value]  # options are rows of the table
    assert total["CO₂ saved [t/a]"] == pytest.approx(chosen["CO₂ saved [t/a]"], abs=0.05)  # rounded to 0.1
    assert chosen["CO₂ saved [t/a]"] == packages["CO₂ saved [t/a]"].max()  # default: the most CO₂ saved
    assert steps.iloc[:-1]["CO₂ saved [t/a]"].sum() == pytest.approx(total["CO₂ saved [t/a]"], abs=0.05 * len(steps))
    bars = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
    assert all(c == (COLORS["saving"] if y < 0 else COLORS["cost"]) for c, y in zip(bars["marker"]["color"],
                                                                                    bars["y"], strict=True))
    assert "CNY/tCO₂" in bars["hovertemplate"] and "t/a" in bars["hovertemplate"]


def test_compare_weather_choice_moves_every_package_and_gives_intervals(_isolated_cache_dir):
    """A warmer future weather (the built-in year morphed to SSP5-8.5 2050) lowers every package's heating,
    to the library's own numbers on that weather, and every heating saving comes with its 90 % interval."""
    from streamlit.testing.v1 import AppTest

    import weather
    from simulator.evaluate import evaluate, get_engine

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "en"
    for key, value in {"c_wall_mm": [0, 100], "c_roof_mm": [0], "c_window_level": ["keep"], "c_airtight_ach": [0.0],
                       "c_heat_source": ["keep"], "c_pv_share_pct": [0]}.items():
        at.session_state[key] = value
    at.switch_page("simulator/app/pages/compare.py").run()
    today = at.dataframe[-1].value
    at.selectbox(key="c_weather").set_value("tianjin:ssp585:2050").run()
    assert not at.exception
    future = at.dataframe[-1].value
    assert (future["Heating [kWh/m²]"] < today["Heating [kWh/m²]"]).all()
    w = weather.load("tianjin", "ssp585", 2050)
    ev = evaluate(archetypes.load("old_estate_pre1990"), Choices(wall_mm=100).measures(), weather=w,
                  engine=get_engine("surrogate"))
    # the same evaluation as the page's (same engine, weather and package); the page's dict rounds to 4 decimals
    assert future["Heating [kWh/m²]"].min() == pytest.approx(ev.retrofit.loads.heating_kwh_m2, abs=5e-5)
    saved, lo, hi = (future[f"Heating saved [%]{s}"] for s in ("", " p05", " p95"))
    assert ((lo <= saved + 1e-9) & (saved <= hi + 1e-9)).all() and (hi - lo).max() > 0
    # the page warns exactly when the weather is not one the surrogate was trained on (SSP5-8.5 2050 is one of
    # the training weathers since the multi-weather dataset, cb271f2): there it would run the anchor
    from simulator.app.compare_view import trained_on
    from simulator.surrogate.weathers import load_weather

    warned = any("not trained on this weather" in x.value for x in at.warning)
    estate = archetypes.load("old_estate_pre1990")
    assert warned == (not trained_on(estate, w)) and trained_on(estate, w)
    assert not trained_on(estate, load_weather("synthetic:dt=+0.5:ghi=1.05:seed=14"))  # a year it never saw
