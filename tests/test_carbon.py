"""Tests of simulator.carbon: CO2 and kgce of known cases by hand, PV accounting,
renewable share, grid-factor choice, overrides and errors.

Tolerances: hand results are exact sums of products, compared at 1e-9 relative.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import carbon as cb
from simulator.delivered import HOURS, Delivered
from simulator.exceptions import UnknownNameError, ValidationError
from tests import helpers


def make_delivered(building_type: str = "residential", **kw) -> Delivered:
    """A hand-made Delivered year; floor area 1000.0 m2 unless given."""
    kw.setdefault("floor_area_m2", 1000.0)
    return helpers.make_delivered(building_type, **kw)


HEAT_100_GJ_KWH = 100.0 / 0.0036  # 100 GJ = 27 777.8 kWh


def known_case(**kw) -> Delivered:
    """10 000 kWh grid electricity, 100 GJ district heat, 1 000 m3 gas."""
    return make_delivered(
        equipment=10_000 / HOURS, district_heat_kwh=HEAT_100_GJ_KWH, gas_m3=1000.0, **kw
    )


GAS_1000_M3_CO2_KG = 1000 * 38.931 * 55.54 / 1000  # 2 162.2 kg at the fallback LHV 38.931 MJ/m3


def test_known_case_co2_by_hand():
    # 10 000 kWh x 0.6361 + 100 GJ x 110 kg/GJ + 1 000 m3 x 2.162 = 6 361 + 11 000 + 2 162 = 19 523 kg;
    # gas exactly: 1 000 m3 x 38.931 MJ/m3 x 55.54 kg/GJ = 2 162.2 kg (2.162 is the rounded per-m3 factor)
    e = cb.emissions_kg(known_case())
    assert e.grid == "north_china_2023"
    assert e.electricity_co2_kg == pytest.approx(6361.0, rel=1e-9)
    assert e.heat_co2_kg == pytest.approx(11_000.0, rel=1e-9)
    assert e.gas_co2_kg == pytest.approx(GAS_1000_M3_CO2_KG, rel=1e-9)
    assert e.gas_co2_kg == pytest.approx(2162.0, rel=2e-4)
    assert e.total_co2_kg == pytest.approx(6361 + 11_000 + GAS_1000_M3_CO2_KG, rel=1e-9)
    assert e.total_co2_kg == pytest.approx(19_523.0, rel=2e-5)
    assert e.total_co2_kg_m2 == pytest.approx(e.total_co2_kg / 1000.0, rel=1e-12)
    assert e.as_dict()["total_co2_kg"] == e.total_co2_kg
    assert sum(e.electricity_by_use_co2_kg.values()) == pytest.approx(
        e.electricity_co2_kg, rel=1e-12
    )


def test_pv_self_consumption_reduces_co2_and_export_is_reported_not_credited():
    # 2 kWh/h load; PV 5 kWh at noon: 2 kWh used on site, 3 kWh exported per day
    pv = np.where(np.arange(HOURS) % 24 == 12, 5.0, 0.0)
    base = cb.emissions_kg(make_delivered(equipment=2.0))
    with_pv = cb.emissions_kg(make_delivered(equipment=2.0, pv=pv))
    assert base.total_co2_kg - with_pv.total_co2_kg == pytest.approx(365 * 2 * 0.6361, rel=1e-9)
    assert with_pv.pv_self_consumed_avoided_co2_kg == pytest.approx(365 * 2 * 0.6361, rel=1e-9)
    assert with_pv.pv_export_avoided_co2_kg == pytest.approx(365 * 3 * 0.6361, rel=1e-9)
    assert with_pv.net_co2_kg == pytest.approx(with_pv.total_co2_kg - 365 * 3 * 0.6361, rel=1e-9)


@pytest.mark.parametrize(
    ("grid", "factor"),
    [
        ("north_china_2023", 0.6361),
        ("north_china_2022", 0.6776),
        ("tianjin_2022", 0.7041),
        ("national_2022", 0.5366),
        ("national_2023", 0.5306),
        ("mee_reporting_2023_2025", 0.5703),
    ],
)
def test_grid_factor_choice(grid, factor):
    e = cb.emissions_kg(known_case(), grid=grid)
    assert e.grid_kgco2_kwh == factor
    assert e.electricity_co2_kg == pytest.approx(10_000 * factor, rel=1e-9)


def test_grid_factor_as_number_and_unknown_name():
    assert cb.emissions_kg(known_case(), grid=0.5).electricity_co2_kg == pytest.approx(
        5000.0, rel=1e-9
    )
    assert cb.emissions_kg(known_case(), grid=0.5).grid == "custom"
    with pytest.raises(UnknownNameError) as info:
        cb.emissions_kg(known_case(), grid="tianjin_2030")
    assert "north_china_2023" in str(info.value) and "tianjin_2022" in str(info.value)
    with pytest.raises(ValidationError, match="grid"):
        cb.emissions_kg(known_case(), grid=-0.1)


def test_gas_uses_the_lhv_of_the_systems_step():
    # systems.py converts heat to m3 at 35.59 MJ/m3 and says so in Delivered.notes
    d = make_delivered(gas_m3=1000.0, notes={"gas_lhv_mj_m3": 35.59})
    assert cb.gas_lhv_mj_m3(d) == 35.59
    assert cb.emissions_kg(d).gas_co2_kg == pytest.approx(1000 * 35.59 * 55.54 / 1000, rel=1e-9)
    # 35.59 MJ/m3 / 29.3076 MJ/kgce = 1.2144 kgce/m3, the statistics convention 1.2143
    assert cb.primary_energy_kgce(d).gas_kgce == pytest.approx(1214.3, rel=2e-4)


def test_overrides_change_emissions():
    e = cb.emissions_kg(
        known_case(), overrides={"district_heat.co2_kg_gj": 80.0, "grid": {"north_china_2023": 0.5}}
    )
    assert e.heat_co2_kg == pytest.approx(8000.0, rel=1e-9)
    assert e.electricity_co2_kg == pytest.approx(5000.0, rel=1e-9)
    with pytest.raises(ValidationError, match="co2_kg_gj"):
        cb.emissions_kg(known_case(), overrides={"district_heat.co2_per_gj": 80.0})
    with pytest.raises(ValidationError, match=">= 0"):
        cb.load_emission_factors({"gas.co2_kg_gj": -1.0})
    # an explicit factors dict with overrides on top
    f = cb.load_emission_factors({"gas.co2_kg_gj": 50.0, "gas.lhv_mj_m3": 40.0})
    assert cb.emissions_kg(known_case(), factors=f).gas_co2_kg == pytest.approx(2000.0)
    assert cb.emissions_kg(
        known_case(), factors=f, overrides={"gas.co2_kg_gj": 47.5}
    ).gas_co2_kg == pytest.approx(1900.0)


def test_primary_energy_of_known_case_by_hand():
    # calorific: 10 000 x 0.1229 + 100 GJ x 34.12 + 1 000 m3 x 38.931 / 29.3076 = 1 229 + 3 412 + 1 328.4 kgce
    gas_kgce = 1000 * 38.931 / 29.3076
    p = cb.primary_energy_kgce(known_case())
    assert p.gas_kgce == pytest.approx(1328.4, abs=0.05)
    assert p.total_kgce == pytest.approx(1229 + 3412 + gas_kgce, rel=1e-9)
    assert p.total_kgce_m2 == pytest.approx(p.total_kgce / 1000.0, rel=1e-12)
    # supply-based electricity: 10 000 x 0.300 = 3 000 kgce
    s = cb.primary_energy_kgce(known_case(), electricity_method="supply")
    assert s.electricity_kgce == pytest.approx(3000.0, rel=1e-9)
    assert s.total_kgce == pytest.approx(3000 + 3412 + gas_kgce, rel=1e-9)
    # override the fallback LHV to the 8 500 kcal/m3 statistics convention (1.2143 kgce/m3)
    alt = cb.primary_energy_kgce(known_case(), overrides={"gas.lhv_mj_m3": 8500 * 4.1868 / 1000})
    assert alt.gas_kgce == pytest.approx(1214.3, abs=0.05)
    with pytest.raises(ValidationError, match="calorific"):
        cb.primary_energy_kgce(known_case(), electricity_method="thermal")


def test_renewable_share_heat_pump_with_pv_by_hand():
    # heating electricity 3 000 kWh, equipment 2 000 kWh, PV 1 000 kWh all used on site, ambient heat 6 000 kWh:
    # (1 000 + 6 000) / (5 000 + 6 000) = 7 / 11
    d = make_delivered(
        heating=3000 / HOURS, equipment=2000 / HOURS, pv=1000 / HOURS, ambient_heat_kwh=6000.0
    )
    assert d.pv_export_kwh == pytest.approx(0.0, abs=1e-9)
    assert cb.renewable_share(d) == pytest.approx(7 / 11, rel=1e-9)
    parts = cb.renewable_energy_kwh(d)
    assert parts["total_kwh"] == pytest.approx(7000.0, rel=1e-9)


def test_renewable_share_district_heat_and_gas_by_hand():
    # 10 000 kWh electricity with 2 000 kWh of it from own PV, 50 000 kWh district heat, 100 m3 gas (38.931 MJ/m3)
    gas_kwh = 100 * 38.931 / 3.6
    d = make_delivered(
        equipment=10_000 / HOURS, pv=2000 / HOURS, district_heat_kwh=50_000.0, gas_m3=100.0
    )
    assert cb.renewable_share(d) == pytest.approx(2000 / (10_000 + 50_000 + gas_kwh), rel=1e-9)
    # kgce with supply-based electricity: PV valued at 0.300 kgce/kWh
    h = 34.12 * 0.0036
    by_hand = 2000 * 0.300 / (10_000 * 0.300 + 50_000 * h + 100 * 38.931 / 29.3076)
    assert cb.renewable_share(d, basis="kgce_supply") == pytest.approx(by_hand, rel=1e-9)


def test_renewable_share_pv_export_switch():
    # 1 kWh/h load; PV 10 kWh at noon: 1 used, 9 exported per day
    pv = np.where(np.arange(HOURS) % 24 == 12, 10.0, 0.0)
    d = make_delivered(equipment=1.0, pv=pv)
    assert cb.renewable_share(d) == pytest.approx(10 * 365 / 8760, rel=1e-9)
    assert cb.renewable_share(d, include_pv_export=False) == pytest.approx(365 / 8760, rel=1e-9)


def test_renewable_share_solar_thermal_and_edge_cases():
    d = make_delivered(equipment=1000 / HOURS, district_heat_kwh=9000.0)
    assert cb.renewable_share(d, solar_thermal_kwh=1000.0) == pytest.approx(1000 / 11_000, rel=1e-9)
    assert math.isnan(cb.renewable_share(make_delivered()))
    with pytest.raises(ValidationError, match="basis"):
        cb.renewable_share(d, basis="primary")
    with pytest.raises(ValidationError, match="solar_thermal_kwh"):
        cb.renewable_share(d, solar_thermal_kwh=-1.0)


def test_factor_data_match_their_derivation():
    f = cb.load_emission_factors()
    # GB/T 32151 defaults: 15.3 tC/TJ x 99 % x 44/12 = 55.54 kg/GJ; x 38.931 MJ/m3 = 2.162 kg/m3
    assert f["gas"]["co2_kg_gj"] == pytest.approx(15.3 * 0.99 * 44 / 12, abs=5e-3)
    assert f["gas"]["co2_kg_gj"] * f["gas"]["lhv_mj_m3"] / 1000 == pytest.approx(2.162, abs=5e-4)
    k = f["kgce"]
    # 0.1229 is 860 kcal/kWh / 7000 kcal/kgce rounded; 3.6 MJ / 29.3076 MJ/kgce = 0.12284
    assert k["electricity_calorific_kgce_kwh"] == pytest.approx(860 / 7000, abs=5e-5)
    assert k["electricity_calorific_kgce_kwh"] == pytest.approx(3.6 / k["mj_per_kgce"], abs=1e-4)
    assert k["heat_kgce_gj"] == pytest.approx(1000 / k["mj_per_kgce"], abs=5e-3)
    assert f["default_grid"] in cb.grid_factor_names()


def test_renewable_share_kgce_bases_count_ambient_heat_as_heat():
    # heat pump: 4 000 kWh electricity (1 000 of it own PV), 6 000 kWh ambient heat, 20 000 kWh district heat
    d = make_delivered(heating=4000 / HOURS, pv=1000 / HOURS, ambient_heat_kwh=6000.0, district_heat_kwh=20_000.0)
    h = 34.12 * 0.0036  # kgce per kWh of heat (GB/T 2589-2020)
    for basis, e in (("kgce_calorific", 0.1229), ("kgce_supply", 0.300)):
        by_hand = (1000 * e + 6000 * h) / (4000 * e + (20_000 + 6000) * h)
        assert cb.renewable_share(d, basis=basis) == pytest.approx(by_hand, rel=1e-9), basis


def test_formulas_on_totals_take_arrays_and_small_totals():
    # the district roadmap passes arrays; each element is the single-building formula
    pv, amb = np.array([1000.0, 0.0, 0.2]), np.array([6000.0, 0.0, 0.0])
    elec, dh, gas = np.array([5000.0, 0.0, 0.5]), np.array([0.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.0])
    share = cb.renewable_share_of_totals(pv, amb, elec, dh, gas, 36.0)
    assert isinstance(share, np.ndarray)
    assert share[0] == pytest.approx(7000 / 11_000, rel=1e-12)
    assert math.isnan(share[1])  # nothing used
    assert share[2] == pytest.approx(0.2 / 0.5, rel=1e-12)  # a total below 1 kWh is still a total
    one = cb.renewable_share_of_totals(1000.0, 6000.0, 5000.0, 0.0, 0.0, 36.0)
    assert isinstance(one, float) and one == pytest.approx(7 / 11, rel=1e-12)
    # 10 000 kWh grid, 100 m3 gas at 36 MJ/m3, 100 GJ heat
    co2 = cb.co2_kg_of_totals(np.array([10_000.0]), np.array([100.0]), np.array([HEAT_100_GJ_KWH]), 0.6361, 36.0)
    assert co2["electricity_co2_kg"][0] == pytest.approx(6361.0, rel=1e-12)
    assert co2["gas_co2_kg"][0] == pytest.approx(100 * 36.0 / 1000 * 55.54, rel=1e-12)
    assert co2["heat_co2_kg"][0] == pytest.approx(11_000.0, rel=1e-12)
    assert co2["total_co2_kg"][0] == pytest.approx(6361 + 199.944 + 11_000, rel=1e-12)
    kgce = cb.primary_kgce_of_totals(np.array([10_000.0]), np.array([100.0]), np.array([HEAT_100_GJ_KWH]), 36.0)
    assert kgce[0] == pytest.approx(10_000 * 0.1229 + 100 * 36.0 / 29.3076 + 100 * 34.12, rel=1e-12)
    supply = cb.primary_kgce_of_totals(10_000.0, 0.0, 0.0, 36.0, electricity_method="supply")
    assert supply == pytest.approx(3000.0, rel=1e-12)


def test_zero_factors_are_allowed_and_export_counts_by_default():
    # a zero-carbon supply is a valid scenario (e.g. a green-power contract), not an error
    d = known_case()
    assert cb.emissions_kg(d, grid=0.0).electricity_co2_kg == 0.0
    assert cb.emissions_kg(d, overrides={"district_heat.co2_kg_gj": 0.0}).heat_co2_kg == 0.0
    # renewable_energy_kwh counts exported PV unless told not to, like renewable_share
    pv = np.where(np.arange(HOURS) % 24 == 12, 10.0, 0.0)
    e = make_delivered(equipment=1.0, pv=pv)
    assert cb.renewable_energy_kwh(e)["total_kwh"] == pytest.approx(3650.0, rel=1e-9)
    assert cb.renewable_energy_kwh(e, include_pv_export=False)["total_kwh"] == pytest.approx(365.0, rel=1e-9)
