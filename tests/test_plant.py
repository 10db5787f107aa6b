"""Heat plant: hourly dispatch LP, energy balance, storage, tariffs, a hand-checked case, spec errors, CLI, app page."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator import carbon, systems
from simulator.exceptions import UnknownNameError, ValidationError
from simulator.plant import cost_and_co2_per_gj, load_spec, run_plant
from simulator.plant import physics as P
from simulator.plant.dispatch import DispatchProblem, solve_dispatch
from simulator.plant.prices import KWH_PER_GJ

# HiGHS' default primal feasibility tolerance is 1e-7 (scaled); balances are checked to 1e-6 of the hour's
# send-out (plus 1e-6 kW absolute), which that tolerance guarantees with margin.
BAL_RTOL = 1e-6

SMALL_SPEC = """
schema_version = 1
name = "small_plant"
title = "Two weeks, two options"
[heating_season]
start = "01-01"
end = "01-14"
[[buildings]]
archetype = "old_estate_pre1990"
floor_area_m2 = { value = 36000.0, unit = "m2", source = "test" }
[[options]]
name = "gas_boiler"
gas_boiler_share = 1.2
[[options]]
name = "electric_storage"
electric_boiler_share = 2.0
storage_h = 12.0
[[options]]
name = "hybrid_solid"
heat_pump_share = 0.5
gas_boiler_share = 1.2
electric_boiler_share = 0.5
storage_h = 6.0
storage_medium = "solid"
[params.chp]
heat_price_cny_gj = 35.0
[sweep]
heat_pump_shares = [0.0, 0.5]
storage_h = [0.0, 6.0]
"""


def _problem(n, sendout, price, **kw):
    z = np.zeros(n)
    base = dict(sendout_kw=np.asarray(sendout, float), gas_kw=0.0, hp_cap_kw=z, eb_kw=0.0, chp_kw=0.0,
                eb_efficiency=1.0, storage_kwh=0.0, storage_loss_1_h=0.0, charge_efficiency=1.0,
                discharge_efficiency=1.0, cost_gas=z, cost_hp=z, cost_eb=np.asarray(price, float), cost_chp=z,
                co2_gas=z, co2_hp=z, co2_eb=z, co2_chp=z)
    base.update(kw)
    return DispatchProblem(**base)


def test_three_hour_case_checked_by_hand():
    # Demand 10 kW in each of 3 hours. Electric boiler 25 kW (efficiency 1) at 0.30 CNY/kWh in hour 0
    # (valley) and 0.50 in hours 1-2 (peak); gas boiler 10 kW at 0.45 CNY/kWh of heat; tank 15 kWh,
    # no losses, cyclic. By hand: hour 0 buys 10 kWh for itself and charges the tank full (15 kWh,
    # limited by the tank, the boiler has 15 kW spare) at 0.30; hours 1-2 need 20 kWh, 15 come from
    # the tank, the last 5 from the cheaper of peak electricity (0.50) and gas (0.45): gas.
    # Cost = 25 x 0.30 + 5 x 0.45 = 9.75 CNY; tank empty at the start and end (cyclic).
    p = _problem(3, [10, 10, 10], [0.30, 0.50, 0.50], eb_kw=25.0, storage_kwh=15.0, gas_kw=10.0,
                 cost_gas=np.full(3, 0.45))
    d = solve_dispatch(p)
    # objective includes 1e-6 CNY/kWh on charging (15 kWh): 1.5e-5 CNY
    assert d.objective == pytest.approx(9.75 + 15e-6, abs=1e-6)
    assert d.eb_electricity_kw == pytest.approx([25.0, 0.0, 0.0], abs=1e-6)
    assert d.gas_heat_kw.sum() == pytest.approx(5.0, abs=1e-6)
    assert d.soc_kwh == pytest.approx([0.0, 15.0, d.soc_kwh[2], 0.0], abs=1e-6)
    assert d.unmet_kw.sum() == pytest.approx(0.0, abs=1e-9)


def test_flat_tariff_gives_no_reason_to_charge():
    # same plant with one price all day: storing heat only adds the charge tie-break cost, so nothing is stored
    p = _problem(3, [10, 10, 10], [0.40, 0.40, 0.40], eb_kw=25.0, storage_kwh=15.0, storage_loss_1_h=0.01)
    d = solve_dispatch(p)
    assert d.charge_kw.sum() == pytest.approx(0.0, abs=1e-6)
    assert d.eb_electricity_kw == pytest.approx([10, 10, 10], abs=1e-6)


def test_capacity_short_leaves_unmet_heat_and_co2_objective_picks_the_clean_source():
    p = _problem(2, [10, 10], [0.1, 0.1], eb_kw=4.0, gas_kw=20.0, cost_gas=np.full(2, 0.5),
                 co2_eb=np.full(2, 0.9), co2_gas=np.full(2, 0.2))
    cheap = solve_dispatch(p, "cost")
    assert cheap.eb_electricity_kw == pytest.approx([4, 4], abs=1e-6)
    clean = solve_dispatch(p, "co2")
    assert clean.eb_electricity_kw == pytest.approx([0, 0], abs=1e-6)
    short = solve_dispatch(_problem(1, [10], [0.1], eb_kw=4.0))
    assert short.unmet_kw.sum() == pytest.approx(6.0, abs=1e-6)


@pytest.fixture(scope="module")
def small_spec_path(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("plant") / "small.toml"
    p.write_text(SMALL_SPEC, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def default_result():
    return run_plant(sweep=False, turning=False)


@pytest.fixture(scope="module")
def small_result(small_spec_path):
    return run_plant(small_spec_path, sweep=True, turning=True)


@pytest.mark.parametrize("which", ["default_result", "small_result"])
def test_hourly_energy_balance_and_storage_bounds(which, request):
    res = request.getfixturevalue(which)
    send = res.load.sendout_kw
    for o in res.options:
        d = o.dispatch
        lhs = d.supply_kw - d.charge_kw + d.discharge_kw + d.unmet_kw
        assert np.all(np.abs(lhs - send) <= BAL_RTOL * send + 1e-6), o.name
        s = o.sizes.storage_kwh
        assert d.soc_kwh.min() >= -1e-6 * max(s, 1.0), o.name
        assert d.soc_kwh.max() <= s + 1e-6 * max(s, 1.0), o.name
        st = res.context.params["storage"][o.sizes.storage_medium]
        pred = (1 - st["standing_loss_1_h"]) * d.soc_kwh[:-1] + st["charge_efficiency"] * d.charge_kw \
            - d.discharge_kw / st["discharge_efficiency"]
        assert np.allclose(d.soc_kwh[1:], pred, atol=1e-6 * max(s, 1.0)), o.name
        # supply = demand + losses + change of stored heat (season sums): stored heat in minus out
        assert d.supply_kw.sum() + d.unmet_kw.sum() == pytest.approx(
            res.load.demand_kwh + res.load.loss_kwh + d.charge_kw.sum() - d.discharge_kw.sum(), rel=BAL_RTOL)
        assert o.unmet_heat_kwh <= 1e-6 * res.load.demand_kwh, o.name


def test_electric_storage_charges_in_valley_hours(default_result):
    o = default_result.option("electric_storage")
    band = default_result.context.prices.band
    # the tank holds 12 h and the boilers 2x the design load, so every day's heat fits in the 12 valley
    # hours: the cost-optimal dispatch buys no peak electricity at all (0.49 vs 0.30 CNY/kWh).
    assert o.dispatch.charge_kw[band == "valley"].sum() > 0.99 * o.dispatch.charge_kw.sum() > 0
    assert o.valley_share > 0.999
    assert o.dispatch.eb_electricity_kw[band == "peak"].sum() <= 1e-6 * o.electricity_kwh


def test_network_losses_follow_transport_efficiency_and_temperatures(default_result):
    ld = default_result.load
    eta = default_result.context.params["network"]["transport_efficiency"]
    # UA is set so that losses at the mean (water - ground) temperature difference are (1/eta - 1) of the
    # mean load; the loss is linear in that difference and never clipped here, so the season shares match.
    assert ld.loss_kwh / (ld.demand_kwh + ld.loss_kwh) == pytest.approx(1 - eta, rel=1e-9)
    cold, mild = np.argmin(ld.outdoor_c), np.argmax(ld.outdoor_c)
    assert ld.supply_c[cold] > ld.supply_c[mild] and ld.loss_kw[cold] > ld.loss_kw[mild]
    assert ld.supply_c.max() <= default_result.spec.supply.design_supply_c + 1e-9


def test_heat_pump_cop_is_the_systems_model():
    ashp = systems.load_system_params()["ashp"]
    t = np.array([-15.0, -5.0, 2.0, 8.0])
    dew = t - 3.0
    pres = np.full(4, 101325.0)
    supply = np.full(4, 50.0)
    cop, cap = P.heat_pump_hourly(t, dew, pres, supply, ashp, {"capacity_supply_slope_1_k": 0.01,
                                                               "rated_supply_c": 41.0, "max_supply_c": 60.0})
    ref = systems.ashp_heating(np.ones(4), t, dew, pres, 50.0, "radiator", ashp)
    assert cop == pytest.approx(ref.cop, rel=1e-12)
    assert np.all(np.diff(cap) > 0)  # capacity rises with outdoor temperature (cold, dry hours: little defrost)


def test_boiler_efficiency_falls_at_low_part_load():
    from simulator.plant.params import load_plant_params

    g = load_plant_params()["gas_boiler"]
    full = P.boiler_efficiency(np.array([1000.0]), 1000.0, 1, np.array([60.0]), 0.92, g["curve_c"], 0.1)
    low = P.boiler_efficiency(np.array([100.0]), 1000.0, 1, np.array([60.0]), 0.92, g["curve_c"], 0.1)
    assert full[0] == pytest.approx(0.92, rel=1e-12)
    assert low[0] < 0.85


def test_co2_objective_never_emits_more_than_the_cost_objective(small_spec_path, small_result):
    # same sizes, same hours: the CO2-optimal dispatch is at most as emitting (LP optimality, up to the
    # solver's relative gap 1e-7) and at least as costly as the cost-optimal one
    clean = run_plant(small_spec_path, objective="co2", sweep=False, turning=False)
    for a, b in zip(small_result.options, clean.options, strict=True):
        assert b.co2_kg <= a.co2_kg * (1 + 1e-6)
        assert b.annual_cost_cny >= a.annual_cost_cny * (1 - 1e-6)
    hyb = small_result.option("hybrid_solid"), clean.option("hybrid_solid")
    assert hyb[1].co2_kg < hyb[0].co2_kg  # the CO2 objective moves heat from the heat pumps to gas here


def test_cost_and_co2_per_gj_recomputed_from_the_results(small_result):
    res = small_result
    p = res.context.prices
    for o in res.options:
        d = o.dispatch
        price_el = float((o.electricity_hourly_kw * p.electricity_cny_kwh).sum())
        assert o.electricity_cost_cny == pytest.approx(price_el, rel=1e-12)
        annual = (o.annualised_capex_cny + o.fixed_om_cny + o.variable_om_cny + price_el
                  + o.gas_m3 * p.gas_cny_m3 + o.chp_heat_gj * p.chp_cny_gj)
        gj = res.load.demand_kwh / KWH_PER_GJ
        assert o.cost_cny_per_gj == pytest.approx(annual / gj, rel=1e-9)
        co2 = (o.gas_m3 * p.gas_lhv_mj_m3 / 1000 * p.gas_kg_gj + o.electricity_kwh * p.grid_kg_kwh
               + o.chp_heat_gj * p.chp_kg_gj)
        assert o.co2_kg_per_gj == pytest.approx(co2 / gj, rel=1e-9)
        assert d.eb_heat_kw.sum() == pytest.approx(d.eb_electricity_kw.sum(), rel=0.02)  # efficiency 0.99
    gas, es = res.option("gas_boiler"), res.option("electric_storage")
    assert p.chp_cny_gj == 35.0  # the spec's [params] override
    assert p.grid_kg_kwh == carbon.grid_factor_kgco2_kwh("north_china_2023")[1]
    g = es.turning["grid_factor_turn_kg_kwh"]
    # at the turning grid factor both options emit the same per GJ (fixed dispatches: exact)
    assert es.co2_at(g) / es.heat_delivered_gj == pytest.approx(gas.co2_at(g) / gas.heat_delivered_gj, rel=1e-9)
    assert len(res.sweep) == 4 and {"capex_cny", "cost_cny_per_gj", "peak_grid_kw"} <= set(res.sweep[0])


def test_cli_json_has_the_option_keys(small_spec_path, capsys):
    from simulator.cli import main

    assert main(["plant", "--spec", str(small_spec_path), "--json", "--no-sweep"]) == 0
    out = json.loads(capsys.readouterr().out)
    for o in out["options"]:
        assert {"name", "capex_cny", "cost_cny_per_gj", "co2_kg_per_gj", "peak_grid_kw", "valley_share"} <= set(o)
        annual = (o["annualised_capex_cny"] + o["fixed_om_cny"] + o["variable_om_cny"] + o["electricity_cost_cny"]
                  + o["gas_cost_cny"] + o["chp_cost_cny"])
        assert o["cost_cny_per_gj"] == pytest.approx(annual / o["heat_delivered_gj"], rel=1e-9)
    assert main(["plant", "--spec", str(small_spec_path), "--objective", "co2", "--no-sweep"]) == 0
    assert "electric_storage" in capsys.readouterr().out


def test_roadmap_entry_point(small_spec_path):
    d = cost_and_co2_per_gj("electric_storage", str(small_spec_path))
    assert d["co2_kg_per_gj"] == pytest.approx(
        d["co2_nonelectric_kg_per_gj"] + d["electricity_kwh_per_gj"] * d["grid_kg_kwh"], rel=1e-9)
    with pytest.raises(UnknownNameError, match="gas_boiler"):
        cost_and_co2_per_gj("nuclear", str(small_spec_path))


BAD_SPEC = """
name = "Bad Name!"
engine = "magic"
weather = "nowhere.epw"
objective = "cheapest"
[heating_season]
start = "13-01"
end = "03-15"
[[buildings]]
archetype = "castle"
floor_area_m2 = -5
[[options]]
name = "gas"
gas_boiler_share = 1.0
colour = "red"
[[options]]
name = "gas"
[supply]
design_supply_c = 40.0
design_return_c = 50.0
[params.chp]
heat_price_cny_gj = "cheap"
"""


def test_bad_plant_file_lists_every_problem(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(BAD_SPEC, encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_spec(p)
    msg = str(exc.value)
    assert str(p) in msg
    for field in ("name = 'Bad Name!'", "engine = 'magic'", "weather = 'nowhere.epw'", "objective = 'cheapest'", "heating_season.start",
                  "buildings[0].archetype = 'castle'", "buildings[0].floor_area_m2", "options[0]: unknown keys colour",
                  "options[1].name = 'gas': used twice", "options[1]: no heat source", "supply.design_return_c",
                  "params: chp.heat_price_cny_gj"):
        assert field in msg, field


def test_a_season_without_heat_is_a_clear_error(tmp_path):
    p = tmp_path / "summer.toml"
    p.write_text(SMALL_SPEC.replace('"01-01"', '"07-01"').replace('"01-14"', '"07-10"'), encoding="utf-8")
    with pytest.raises(ValidationError, match="need no heat"):
        run_plant(p, sweep=False)


@pytest.mark.parametrize("text", ["this is [not toml", "\xff\xfe garbage", ""])
def test_unreadable_plant_files_end_in_one_message(tmp_path, capsys, text):
    from simulator.cli import main

    p = tmp_path / "x.toml"
    p.write_bytes(text.encode("latin-1"))
    assert main(["plant", "--spec", str(p), "--no-sweep"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("retrofit: error: ") and str(p) in err and "Traceback" not in err
    assert main(["plant", "--spec", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read the plant file" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plant_page_renders(_isolated_cache_dir, lang):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "streamlit_app.py"), default_timeout=300)
    at.session_state["lang"] = lang
    at.switch_page("simulator/app/pages/plant.py").run()
    assert not at.exception
    assert len(at.dataframe) >= 1
    title = at.title[0].value
    assert ("锅炉房" in title) if lang == "zh" else ("Heat plant" in title)


def test_archetype_file_next_to_the_spec_is_found(tmp_path):
    import shutil

    shutil.copy(Path(__file__).resolve().parents[1] / "archetypes" / "data" / "estate_1990s.toml",
                tmp_path / "my_block.toml")
    spec_file = tmp_path / "plant.toml"
    spec_file.write_text(SMALL_SPEC.replace('archetype = "old_estate_pre1990"', 'archetype = "my_block.toml"'),
                         encoding="utf-8")
    spec = load_spec(spec_file)
    assert spec.buildings[0].archetype == str(tmp_path / "my_block.toml")
