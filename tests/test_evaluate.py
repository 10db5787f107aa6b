"""A package end to end with real EnergyPlus runs: measure directions, JSON keys, overrides, CLI."""

from __future__ import annotations

import json
import math

import pytest

import archetypes
from buildings import measures as M
from simulator.batch import Case, run_batch
from simulator.evaluate import Options, evaluate
from simulator.exceptions import UnknownNameError, ValidationError
from tests.helpers import assert_evaluation_matches, recompute_evaluation
from tests.test_cli import retrofit
from weather.epw import read_epw

ENVELOPE_AND_OPERATION = ["wall_eps_70mm", "roof_xps_100mm", "floor_xps_50mm", "windows_pvc_double",
                          "airtight_0_3", "trv_metering", "led"]
SYSTEMS_ONLY = ["ashp", "electric_storage", "inverter_ac", "pv_50"]


@pytest.fixture(scope="module")
def measure_loads(tianjin_epw, session_cache):
    """Old estate alone and with each measure, run together on 2 workers."""
    base = archetypes.load("old_estate_pre1990")
    names = ["baseline", *ENVELOPE_AND_OPERATION, *SYSTEMS_ONLY]
    buildings = [base] + [M.apply(base, [m]) for m in names[1:]]
    results = run_batch([Case(b, str(tianjin_epw)) for b in buildings], cache=session_cache, workers=2)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return {n: r for n, r in zip(names, results, strict=True)}


@pytest.mark.parametrize("measure", ENVELOPE_AND_OPERATION[:-1])
def test_envelope_and_heating_measures_lower_heating(measure_loads, measure):
    assert measure_loads[measure].loads.heating_kwh < measure_loads["baseline"].loads.heating_kwh


def test_led_lowers_lighting_and_raises_heating(measure_loads):
    base, led = measure_loads["baseline"].loads, measure_loads["led"].loads
    assert led.lighting_kwh == pytest.approx(base.lighting_kwh * 3.5 / 6.0, rel=1e-6)
    assert led.heating_kwh > base.heating_kwh  # fewer internal gains in winter
    assert led.cooling_kwh < base.cooling_kwh


@pytest.mark.parametrize("measure", SYSTEMS_ONLY)
def test_systems_measures_leave_the_loads_alone(measure_loads, measure):
    r = measure_loads[measure]
    assert r.cached or r.key == measure_loads["baseline"].key  # same EnergyPlus case, not run again
    assert r.loads.equals(measure_loads["baseline"].loads)


def test_heat_pump_moves_heat_to_electricity(tianjin_epw, session_cache):
    ev = evaluate(archetypes.load("old_estate_pre1990"), "ashp", weather=tianjin_epw, cache=session_cache.path)
    b, r = ev.baseline.delivered, ev.retrofit.delivered
    assert b.district_heat_kwh > 0 and r.district_heat_kwh == 0
    assert r.electricity_by_use_kwh()["heating"] > 0
    assert 1.5 < r.hp_scop < 3.5
    assert r.ambient_heat_kwh > 0


@pytest.fixture(scope="module")
def envelope_hp_pv(tianjin_epw, session_cache):
    return evaluate(archetypes.load("old_estate_pre1990"), "envelope_hp_pv", weather=tianjin_epw,
                    cache=session_cache.path)


def test_package_json_has_keys_with_units(envelope_hp_pv):
    d = envelope_hp_pv.to_dict()
    for key in ("heating_kwh", "co2_kg", "capex_cny", "simple_payback_years", "npv_cny", "renewable_share",
                "hp_scop", "pv_kwh", "bill_savings_cny", "co2_saved_kg", "cost_of_conserved_carbon_cny_per_t"):
        assert key in d, key
    json.dumps(d)  # JSON-able, no NaN objects
    assert d["heating_kwh"] < d["baseline"]["heating_kwh"]
    assert d["pv_kwh"] > 0 and 0 < d["renewable_share"] < 1
    assert d["capex_cny"] == pytest.approx(sum(d["capex_by_measure_cny"].values()))


def test_package_json_recomputed_from_the_parts(envelope_hp_pv, tianjin_epw):
    ev = envelope_hp_pv
    hand = recompute_evaluation(archetypes.load("old_estate_pre1990"), "envelope_hp_pv", ev.baseline.loads,
                                ev.retrofit.loads, read_epw(tianjin_epw))
    assert_evaluation_matches(ev.to_dict(), hand)
    assert hand["retrofit"]["renewable_share"] > 0 and hand["baseline"]["renewable_share"] == 0


def test_package_saves_carbon_and_money(envelope_hp_pv):
    ev = envelope_hp_pv
    assert ev.co2_saved_kg > 0 and ev.annual_saving_cny > 0
    assert ev.simple_payback_years == pytest.approx(ev.capex_cny / ev.annual_saving_cny)
    assert ev.retrofit.renewable_share > ev.baseline.renewable_share == 0


def test_overrides_change_results(tianjin_epw, session_cache, envelope_hp_pv):
    base = archetypes.load("old_estate_pre1990")
    clean = evaluate(base, "envelope_hp_pv", weather=tianjin_epw, cache=session_cache.path,
                     options=Options(grid=0.3, discount_rate=0.04, subsidy_cny_m2=45))
    assert clean.retrofit.emissions.grid_kgco2_kwh == 0.3
    assert clean.retrofit.emissions.total_co2_kg < envelope_hp_pv.retrofit.emissions.total_co2_kg
    assert clean.subsidy_cny == pytest.approx(45 * base.floor_area_m2)
    assert clean.capex_cny == pytest.approx(envelope_hp_pv.capex_cny - 45 * base.floor_area_m2)
    assert clean.npv_cny > envelope_hp_pv.npv_cny


def test_metered_heating_bills_follow_the_heat(tianjin_epw, session_cache):
    ev = evaluate(archetypes.load("old_estate_pre1990"), "old_estate_standard", weather=tianjin_epw,
                  cache=session_cache.path)
    assert ev.retrofit.bills.heating_billing == "metered"
    assert ev.baseline.bills.heating_billing == "area"
    assert ev.retrofit.bills.heat_cny < ev.baseline.bills.heat_cny


def test_bad_inputs_give_clear_errors(tianjin_epw, session_cache):
    b = archetypes.load("old_estate_pre1990")
    with pytest.raises(UnknownNameError, match="valid names"):
        evaluate(b, "solid_gold", weather=tianjin_epw, cache=session_cache.path)
    with pytest.raises(ValidationError, match="split_ac_seasonal_cop"):
        evaluate(b, "envelope", weather=tianjin_epw, cache=session_cache.path,
                 options=Options(systems_params={"cooling": {"split_ac_seasonal_cop": 0}}))
    with pytest.raises(ValidationError, match="subsidy"):
        evaluate(b, "envelope", weather=tianjin_epw, cache=session_cache.path, options=Options(subsidy_cny_m2=-1))


def test_cli_evaluate_json(tianjin_epw, session_cache, envelope_hp_pv):
    out = retrofit("evaluate", "--archetype", "old_estate_pre1990", "--package", "envelope_hp_pv", "--json",
                   "--weather", str(tianjin_epw), "--cache", str(session_cache.path), "-q")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["archetype"] == "old_estate_pre1990" and d["package"] == "envelope_hp_pv"
    assert d["hp_scop"] > 1 and d["pv_kwh"] > 0 and not math.isnan(d["npv_cny"])
    # the CLI's figures, recomputed from the library's parts on the same (cached) loads
    ev = envelope_hp_pv
    hand = recompute_evaluation(archetypes.load("old_estate_pre1990"), "envelope_hp_pv", ev.baseline.loads,
                                ev.retrofit.loads, read_epw(tianjin_epw))
    assert_evaluation_matches(d, hand)


def test_cli_lists_measures_and_packages():
    out = retrofit("measures", "--json")
    rows = json.loads(out.stdout)
    assert {r["measure"] for r in rows} == set(M.catalogue())
    assert all(r["cost_basis"].startswith("cny_per_") for r in rows)
    pk = json.loads(retrofit("packages", "--json").stdout)
    assert {"envelope", "envelope_hp", "envelope_hp_pv"} <= {p["package"] for p in pk}


@pytest.mark.parametrize("package, text", [("bogus", "unknown package or measure 'bogus'"),
                                           ("wall_insulation:material=eps_board:thickness_mm=-5", "outside the allowed range")])
def test_cli_bad_package_exits_2(package, text):
    out = retrofit("evaluate", "--archetype", "old_estate_pre1990", "--package", package)
    assert out.returncode == 2 and text in out.stderr and "Traceback" not in out.stderr


@pytest.mark.slow
def test_energy_bought_adds_the_carriers(tianjin):
    from simulator.evaluate import get_engine

    ev = evaluate(archetypes.load("old_estate_pre1990"), M.package("envelope_hp_pv"), weather=tianjin,
                  engine=get_engine("surrogate"))
    for out in (ev.to_dict()["baseline"], ev.to_dict()["retrofit"]):
        assert out["energy_bought_kwh"] == pytest.approx(
            out["district_heat_kwh"] + out["gas_kwh"] + out["grid_import_kwh"], rel=1e-9)
    # the heat pump replaces district heat; PV cuts grid imports below consumption
    r = ev.to_dict()["retrofit"]
    assert r["district_heat_kwh"] == 0 and r["grid_import_kwh"] < r["electricity_kwh"]
