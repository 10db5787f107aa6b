"""District roadmap: stock, scenarios, accounting, targets, Dask and the CLI."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from simulator.district import accounting as A
from simulator.district import roadmap as R
from simulator.district.scenario import load_scenario, with_levers
from simulator.district.stock import (
    Stock,
    load_stock,
    read_stock,
    sample_buildings,
    validate_segments,
)
from simulator.exceptions import ValidationError

N_SMALL = 150  # buildings: enough to cover every segment twice, small enough for a quick test


@pytest.fixture(scope="module")
def prepared():
    return R.prepare(None, "default", N_SMALL, seed=7)


def _stock(rows: list[dict]) -> Stock:
    return Stock("test", validate_segments(pd.DataFrame(rows), "test"), "test")


def _systems_toml() -> dict:
    return tomllib.loads(resources.files("simulator").joinpath("data/systems.toml").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ stock


def test_builtin_stock_every_area_sourced_and_weights_add_up():
    st = load_stock()
    assert (st.segments["source"].str.len() > 10).all()
    b = sample_buildings(st, 300, seed=1)
    # the weights of each segment add up to its floor area (exact up to rounding)
    by_seg = b.groupby("segment")["weight_m2"].sum().to_numpy()
    assert by_seg == pytest.approx(st.segments["floor_area_m2"].to_numpy(), rel=1e-12)
    assert b["weight_m2"].sum() == pytest.approx(st.floor_area_m2, rel=1e-12)
    # reproducible from the seed, different for another seed
    pd.testing.assert_frame_equal(b, sample_buildings(st, 300, seed=1))
    assert not b["wall_u_w_m2k"].equals(sample_buildings(st, 300, seed=2)["wall_u_w_m2k"])


def test_retrofitted_envelope_state_lowers_u_values():
    st = _stock([
        dict(building_type="residential", period="pre1990", envelope_state="original", heating_source="district_heat",
             public_institution=False, floor_area_m2=1e5),
        dict(building_type="residential", period="pre1990", envelope_state="retrofitted",
             heating_source="district_heat", public_institution=False, floor_area_m2=1e5)])
    b = sample_buildings(st, 400, seed=3)
    orig, retro = b[b["envelope_state"] == "original"], b[b["envelope_state"] == "retrofitted"]
    # 70 mm EPS (R about 1.7 m2K/W) on 1.3-2.0 W/(m2K) walls: U below 0.6 everywhere
    assert orig["wall_u_w_m2k"].min() >= 1.3 and retro["wall_u_w_m2k"].max() < 0.6
    assert (retro["window_u_w_m2k"] < orig["window_u_w_m2k"].min()).all()


def test_bad_stock_file_lists_every_problem(tmp_path):
    f = tmp_path / "my_stock.csv"
    f.write_text("building_type,period,heating_source,public_institution,floor_area_m2,colour\n"
                 "residential,pre1990,district_heat,no,100000,red\n"
                 "castle,pre1990,district_heat,no,5000,red\n"
                 "residential,1850,coal,maybe,-3,red\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        read_stock(f)
    msg = str(e.value)
    assert msg.startswith("my_stock.csv: ")
    for part in ("unknown column(s) 'colour'", "row 2: building_type 'castle'", "row 3: period '1850'",
                 "row 3: heating_source 'coal'", "row 3: public_institution 'maybe'", "row 3: floor_area_m2 '-3'"):
        assert part in msg
    assert len(e.value.problems) == 6


def test_stock_missing_columns_and_missing_file(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("building_type,floor_area_m2\nresidential,5\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="missing column.*period, heating_source, public_institution"):
        read_stock(f)
    with pytest.raises(ValidationError, match="not found"):
        read_stock(tmp_path / "nope.csv")


def test_user_stock_excel_roundtrip(tmp_path):
    st = load_stock()
    f = tmp_path / "stock.xlsx"
    st.segments.drop(columns=["source"]).to_excel(f, index=False)
    again = read_stock(f)
    assert again.floor_area_m2 == pytest.approx(st.floor_area_m2)
    assert list(again.segments["period"]) == list(st.segments["period"])


# ------------------------------------------------------------------ scenarios


def test_builtin_scenarios_parse_with_sources():
    for name in ("default", "do_nothing"):
        s = load_scenario(name)
        assert s.years[0] == 2020 and s.years[-1] == 2035
        assert s.sources["grid"]
    s = load_scenario("default")
    assert s.grid_kgco2_kwh[s.year_index(2023)] == pytest.approx(0.6361)  # the verified 2023 factor


def test_bad_scenario_file_lists_every_problem(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("""
start_year = 2020
end_year = 2030
colour = "red"
[grid]
kgco2_kwh = { 2020 = 0.7, 2025 = -1 }
source = "x"
[[retrofit]]
name = "r"
select = { building_type = "castle", storeys = 3 }
package = "no_such_package"
area_m2 = { 2040 = 5 }
[pv]
existing_public_roof_share = { 2025 = 1.5 }
source = "x"
[[boiler_house_conversion]]
plant_option = "coal"
served_area_m2 = { 2025 = 1 }
source = "x"
""", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        load_scenario(f)
    msg = str(e.value)
    for part in ("unknown key 'colour'", "grid.kgco2_kwh.2025", "select.building_type = 'castle'",
                 "unknown key 'storeys'", "no_such_package", "year 2040 outside the scenario's 2020-2030",
                 "needs a source", "pv.existing_public_roof_share.2025", "plant_option = 'coal'"):
        assert part in msg, part
    assert len(e.value.problems) >= 9


def test_scenario_not_toml(tmp_path):
    f = tmp_path / "x.toml"
    f.write_text("start_year = [", encoding="utf-8")
    with pytest.raises(ValidationError, match="x.toml: not valid TOML"):
        load_scenario(f)


# ------------------------------------------------------------------ accounting


def test_district_totals_equal_sum_of_weighted_buildings(prepared):
    """Totals are the weighted sum of every building's own rows (variants add up to the building)."""
    ctx = prepared.ctx
    q = A.row_quantities(prepared.rows, prepared.loads, ctx)
    totals = A.totals_from_rows(prepared.rows, q, ctx.scenario.years)
    bid = prepared.rows["building_id"].to_numpy()
    for col in ("district_heat_kwh", "el_heating_kwh", "pv_kwh", "area_m2"):
        per_building = np.zeros((bid.max() + 1, len(ctx.scenario.years)))
        np.add.at(per_building, bid, q[col] * q["weight_m2"])
        by_year = totals.groupby("year")[col].sum().to_numpy()
        assert by_year == pytest.approx(per_building.sum(axis=0), rel=1e-9)
    # the floor area each year: the stock, minus demolitions, plus new construction
    s = ctx.scenario
    area = totals.groupby("year")["area_m2"].sum().to_numpy()
    built = sum(np.cumsum(n.area_m2) for n in s.new_construction)
    demolished = sum(np.minimum(np.cumsum(d.area_m2), np.inf) for d in s.demolitions)
    assert area == pytest.approx(load_stock().floor_area_m2 + built - demolished, rel=1e-9)


def test_district_matches_single_building_path():
    """Each sampled building through the single-building chain (surrogate -> systems.deliver -> carbon)
    gives the district accounting's per-m2 CO2 in 2020 (do-nothing, no PV)."""
    from simulator import carbon, systems
    from simulator.surrogate.engine import SurrogateEngine
    from simulator.surrogate.space import building_from_features, get_family

    st = _stock([
        dict(building_type="residential", period="pre1990", envelope_state="original",
             heating_source="district_heat", public_institution=False, floor_area_m2=2e5),
        dict(building_type="residential", period="2013_2020", envelope_state="original",
             heating_source="gas_boiler", public_institution=False, floor_area_m2=1e5),
        dict(building_type="school", period="pre2005", envelope_state="original",
             heating_source="electric_storage", public_institution=True, floor_area_m2=5e4)])
    s = load_scenario("do_nothing")
    s = dataclasses.replace(s, pv_existing_public_share=np.zeros(len(s.years)),
                            metering_share=np.zeros(len(s.years)))
    p = R.prepare(st, s, 6, seed=11)
    q = A.row_quantities(p.rows, p.loads, p.ctx)
    engine, w = SurrogateEngine(warn=False), A._weather()
    f_grid = s.grid_kgco2_kwh[0]
    for i, row in p.rows.iterrows():
        fam = get_family(row["family"])
        b = building_from_features(fam, {k: row[k] for k in fam.feature_names}, strict=False)
        b = b.replace(systems=dataclasses.replace(b.systems, heating_source=row["heating_source"]))
        d = systems.deliver(engine.simulate(b, w), b, w)
        single = carbon.emissions_kg(d, grid=f_grid).total_co2_kg / b.floor_area_m2
        district = (q["district_heat_kwh"][i, 0] * 0.0036 * 110.0
                    + (q["el_heating_kwh"][i, 0] + q["el_cooling_kwh"][i, 0] + q["el_lighting_kwh"][i, 0]
                       + q["el_equipment_kwh"][i, 0]) * f_grid
                    + q["gas_m3"][i, 0] * p.ctx.heating.gas_lhv_mj_m3 / 1000 * 55.54)
        # same surrogate, same linear systems factors: equal to rounding (1e-6); the storage heater's
        # valley charging is linear in the day's heat, so it also matches exactly
        assert district == pytest.approx(single, rel=1e-6), (row["heating_source"], row["family"])


def test_small_stock_by_hand():
    """One old-estate segment on district heat, do-nothing: CO2 from the surrogate's heating by hand."""
    st = _stock([dict(building_type="residential", period="pre1990", envelope_state="original",
                      heating_source="district_heat", public_institution=False, floor_area_m2=1e6)])
    s = load_scenario("do_nothing")
    s = dataclasses.replace(s, pv_existing_public_share=np.zeros(len(s.years)), metering_share=np.zeros(len(s.years)))
    p = R.prepare(st, s, 3, seed=5)
    road = R.result(p, R.evaluate(p))
    dh = _systems_toml()["district_heat"]
    loss_kept = (1 - dh["network_loss_fraction"]["value"]) * (1 - dh["overheating_loss_fraction"]["value"])
    heat_kwh = float((p.loads["heating_kwh_m2"] * p.buildings["weight_m2"]).sum())  # 3 buildings x 1e6/3 m2
    cool_kwh = float((p.loads["cooling_kwh_m2"] * p.buildings["weight_m2"]).sum())
    cop = _systems_toml()["cooling"]["split_ac_seasonal_cop"]["value"]
    flh_l, flh_e = A._flh("residential_walkup")
    light = float((p.buildings["lighting_w_m2"] * flh_l / 1000 * p.buildings["weight_m2"]).sum())
    equip = float((p.buildings["equipment_w_m2"] * flh_e / 1000 * p.buildings["weight_m2"]).sum())
    expected_dh = heat_kwh / loss_kept
    expected_co2_t = (expected_dh * 0.0036 * 110.0 + (cool_kwh / cop + light + equip) * 0.705) / 1000
    y = road.years.iloc[0]
    assert y["district_heat_kwh"] == pytest.approx(expected_dh, rel=1e-9)
    assert y["co2_t"] == pytest.approx(expected_co2_t, rel=1e-9)
    assert y["energy_kwh"] == pytest.approx(expected_dh + cool_kwh / cop + light + equip, rel=1e-9)
    # heating of an unretrofitted walk-up: the archetype gives 69.5 kWh/m2 (README); the sampled
    # buildings span worse and better envelopes, so the mean is within a factor of 1.5 of it
    assert 69.5 / 1.5 < heat_kwh / 1e6 < 69.5 * 1.5


def test_do_nothing_reproduces_the_baseline(prepared):
    s_dn = _as_do_nothing(prepared.ctx.scenario)
    dn = R.result(prepared, R.evaluate(prepared, s_dn), s_dn)
    default = R.result(prepared, R.evaluate(prepared))
    cols = ["energy_kwh", "co2_t", "district_heat_kwh", "electricity_kwh", "renewable_share", "public_kgce_m2"]
    first = default.years.iloc[0]
    for _, row in dn.years.iterrows():
        for c in cols:
            assert row[c] == pytest.approx(first[c], rel=1e-12), (row["year"], c)
    # and the built-in do-nothing file holds the same first year as the default file
    s_dn, s_def = load_scenario("do_nothing"), load_scenario("default")
    assert s_dn.grid_kgco2_kwh[0] == s_def.grid_kgco2_kwh[0]
    assert s_dn.pv_existing_public_share[0] == s_def.pv_existing_public_share[0]
    assert s_dn.metering_share[0] == s_def.metering_share[0]


def _as_do_nothing(s):
    """The default scenario's structure with every flow at zero and every path held at its first year."""
    z = np.zeros(len(s.years))
    return dataclasses.replace(
        s, retrofits=tuple(dataclasses.replace(r, area_m2=z) for r in s.retrofits),
        new_construction=tuple(dataclasses.replace(n, area_m2=z) for n in s.new_construction),
        demolitions=tuple(dataclasses.replace(d, area_m2=z) for d in s.demolitions),
        heat_pump_conversions=tuple(dataclasses.replace(c, area_m2=z) for c in s.heat_pump_conversions),
        boiler_conversions=tuple(dataclasses.replace(b, served_area_m2=z) for b in s.boiler_conversions),
        grid_kgco2_kwh=np.full(len(s.years), s.grid_kgco2_kwh[0]),
        pv_existing_public_share=np.full(len(s.years), s.pv_existing_public_share[0]),
        metering_share=np.full(len(s.years), s.metering_share[0]))


def test_levers_move_the_results_the_right_way(prepared):
    base = R.result(prepared, R.evaluate(prepared)).years
    s = prepared.ctx.scenario
    more = R.result(prepared, R.evaluate(prepared, with_levers(s, rollout=2.0)), with_levers(s, rollout=2.0)).years
    assert (more["co2_t"] <= base["co2_t"] + 1e-6).all()
    assert more["co2_t"].iloc[-1] < base["co2_t"].iloc[-1]
    pv = with_levers(s, pv_share=1.0)
    assert R.result(prepared, R.evaluate(prepared, pv), pv).years["renewable_share"].iloc[-1] > \
        base["renewable_share"].iloc[-1]


def test_targets_table(prepared):
    road = R.result(prepared, R.evaluate(prepared))
    names = [t.name for t in road.targets]
    assert names == ["renewable_share_2025", "pv_new_public_roofs_2025", "public_energy_per_m2_2025",
                     "public_co2_per_m2_2025", "new_homes_five_step", "green_new_buildings",
                     "boiler_house_heat_pumps_storage", "co2_peak_before_2030"]
    rs = next(t for t in road.targets if t.name == "renewable_share_2025")
    y2025 = road.years[road.years["year"] == 2025].iloc[0]
    assert rs.value == y2025["renewable_share"] and rs.met == (rs.value >= 0.08)
    assert rs.margin == pytest.approx(rs.value - 0.08)


def test_monte_carlo_bands_and_probabilities():
    from simulator.district import uncertainty as U

    p = R.prepare(None, "default", 60, seed=3, with_std=True)
    totals = R.evaluate(p)
    assert (totals["heat_log_std_kwh"] > 0).any()  # the GP's predictive std reached the totals
    mc = U.monte_carlo(totals, p.ctx.scenario, R.capex_by_year(p), R.gas_lhv(p), draws=40, seed=1)
    b = mc.bands
    assert (b["co2_t_p05"] < b["co2_t_p50"]).all() and (b["co2_t_p50"] < b["co2_t_p95"]).all()
    assert set(mc.probabilities) == {t.name for t in R.result(p, totals).targets}
    assert all(0.0 <= v <= 1.0 for v in mc.probabilities.values())
    again = U.monte_carlo(totals, p.ctx.scenario, R.capex_by_year(p), R.gas_lhv(p), draws=40, seed=1)
    pd.testing.assert_frame_equal(mc.bands, again.bands)


# ------------------------------------------------------------------ Dask and CLI


def test_dask_local_cluster_gives_the_local_totals():
    from distributed import Client, LocalCluster

    local = R.run_roadmap(None, "default", 80, seed=9)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        done = []
        remote = R.run_roadmap(None, "default", 80, seed=9, scheduler=client, chunks=3,
                               progress=lambda d, t: done.append((d, t)))
    assert done[-1] == (3, 3)
    for c in ("energy_kwh", "co2_t", "renewable_share", "public_co2_kg_m2", "capex_cny"):
        # same buildings and arithmetic in another order and in other batches: equal to float rounding.
        # The Gaussian process's prediction is a dot product with dual coefficients that partly cancel,
        # so batches of another size (other BLAS blocking) differ by up to 2.6e-9 relative on the
        # six-weather model (measured in CI, 2026-12-01); 1e-6 stays far below any modelling change.
        assert remote.years[c].to_numpy() == pytest.approx(local.years[c].to_numpy(), rel=1e-6), c
    assert [t.met for t in remote.targets] == [t.met for t in local.targets]


def test_cli_json(capsys):
    from simulator.cli import main

    assert main(["roadmap", "--buildings", "60", "--json", "-q"]) == 0
    out = json.loads(capsys.readouterr().out)
    y = out["years"][0]
    assert {"year", "energy_kwh", "co2_t", "renewable_share"} <= set(y)
    assert {"name", "value", "target", "met"} <= set(out["targets"][0])
    assert [r["year"] for r in out["years"]] == list(range(2020, 2036))


def test_cli_bad_stock_message(tmp_path, capsys):
    from simulator.cli import main

    f = tmp_path / "s.csv"
    f.write_text("building_type,period,heating_source,public_institution,floor_area_m2\n"
                 "residential,pre1990,steam,no,abc\n", encoding="utf-8")
    assert main(["roadmap", "--stock", str(f), "-q"]) == 2
    err = capsys.readouterr().err
    assert "s.csv: 2 problems" in err and "heating_source 'steam'" in err and "floor_area_m2 'abc'" in err
    assert "Traceback" not in err


# ------------------------------------------------------------------ what it takes


def test_cheapest_programme_meets_the_targets_it_claims(prepared):
    from simulator.district import optimise as O

    prog = O.cheapest_programme(prepared)
    d = prog.to_dict()
    assert d["cost_cny"] == pytest.approx(float(prog.areas["capex_cny"].sum()), rel=1e-9)
    met = {t.name: t.met for t in prog.check_targets}
    if prog.feasible:
        # the LP's linear model is the roadmap's accounting: re-running the roadmap confirms the targets
        for name in ("renewable_share_2025", "public_energy_per_m2_2025", "public_co2_per_m2_2025",
                     "co2_peak_before_2030"):
            assert met[name], name
    else:
        assert prog.shortfalls
    # a budget below the cost cannot meet every target
    if prog.feasible and prog.cost_cny > 1.0:
        tight = O.cheapest_programme(prepared, budget_cny=0.5 * prog.cost_cny)
        assert not tight.feasible and tight.to_dict()["shortfalls"]
        assert tight.cost_cny <= 0.5 * prog.cost_cny * (1 + 1e-6)


def test_tornado_levers(prepared):
    from simulator.district import optimise as O

    levers = {lv.lever: lv for lv in O.tornado(prepared)}
    assert set(levers) == set(O.LEVERS)
    # a flat grid factor emits more in 2030 than a faster-falling one; more PV raises the renewable share
    assert levers["grid_path"].co2_2030_t_low > levers["grid_path"].co2_2030_t_high
    assert levers["pv_share"].renewable_share_2025_high > levers["pv_share"].renewable_share_2025_low


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_roadmap_page_renders(_isolated_cache_dir, lang):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "streamlit_app.py"), default_timeout=300)
    at.session_state["lang"] = lang
    at.switch_page("simulator/app/pages/roadmap.py").run()
    assert not at.exception
    assert len(at.dataframe) >= 1
    assert {"rm_rollout", "rm_pv", "rm_hp", "rm_grid"} <= {sl.key for sl in at.slider}
    title = at.title[0].value
    assert ("区域路线图" in title) if lang == "zh" else ("District roadmap" in title)
    # a what-if: doubling the retrofit rollout lowers CO2 in 2025 (more retrofitted area, same everything else)
    before = at.metric[0].value
    at.slider(key="rm_rollout").set_value(3.0).run()
    assert not at.exception
    assert float(at.metric[0].value.split()[0].replace(",", "")) < float(before.split()[0].replace(",", ""))
    if lang == "en":  # the levers and the cheapest programme, once
        at.toggle(key="rm_what_it_takes").set_value(True).run()
        assert not at.exception
        assert any("cheapest programme" in m.value or "No programme" in m.value for m in at.markdown)


def test_energyplus_check_of_the_sample(prepared, session_cache):
    from simulator.district.check import check_sample

    seen = []
    res = check_sample(prepared, 2, seed=4, progress=lambda d, t: seen.append((d, t)), workers=2,
                       cache=session_cache)
    d = res.to_dict()
    assert d["n_ok"] == 2 and not d["failed"] and seen[-1] == (2, 2)
    # the surrogate's documented accuracy (README: heating CV(RMSE) <= 1.6 %, R2 >= 0.997) on annual
    # heating of buildings inside its ranges; 10 % covers a low-heating new building's relative error
    for c in d["cases"]:
        ep, sg = c["heating_energyplus_kwh_m2"], c["heating_surrogate_kwh_m2"]
        assert abs(sg - ep) <= max(0.10 * ep, 1.0), c


def test_degree_day_climate_path_is_labelled_and_lowers_heating(prepared):
    """The estimate: heating scaled by the morphed years' HDD18 (warmer -> less heat), cooling by CDD26."""
    s = dataclasses.replace(prepared.ctx.scenario, climate_method="degree_days", climate_scenario="ssp245")
    warm = R.result(prepared, R.evaluate(prepared, s), s)
    base = R.result(prepared, R.evaluate(prepared))
    assert warm.years["heating_useful_kwh"].iloc[0] == pytest.approx(base.years["heating_useful_kwh"].iloc[0])
    assert warm.years["heating_useful_kwh"].iloc[-1] < base.years["heating_useful_kwh"].iloc[-1]
    assert any("degree days" in n for n in warm.notes)
