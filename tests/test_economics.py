"""Tests of simulator.economics: money-and-time functions against hand calculations,
Tianjin bills against hand-computed tariffs, data provenance and input errors.

Tolerances: closed-form hand results are compared at 1e-9 relative (float
round-off only); values quoted to 0.1 CNY in comments at abs=0.05.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import economics as ec
from simulator.delivered import HOURS, Delivered
from simulator.exceptions import UnknownNameError, ValidationError
from tests import helpers

DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def make_delivered(building_type: str = "residential", **kw) -> Delivered:
    """A hand-made Delivered year; floor area 650.0 m2 unless given."""
    kw.setdefault("floor_area_m2", 650.0)
    return helpers.make_delivered(building_type, **kw)


def month_mask(month: int) -> np.ndarray:
    """Hours of a calendar month (1-12) in a non-leap year."""
    start = sum(DAYS_IN_MONTH[: month - 1]) * 24
    mask = np.zeros(HOURS, dtype=bool)
    mask[start : start + DAYS_IN_MONTH[month - 1] * 24] = True
    return mask


# ----------------------------------------------------------------- money and time


def test_npv_worked_example():
    # capex 100 000 CNY, saving 12 000 CNY/a, 20 a, 5 %:
    # NPV = 12000 * (1 - 1.05**-20) / 0.05 - 100000 = 49 546.5
    by_hand = 12000 * (1 - 1.05**-20) / 0.05 - 100000
    assert by_hand == pytest.approx(49546.5, abs=0.05)
    assert ec.npv_cny(100_000, 12_000, 20, 0.05) == pytest.approx(by_hand, rel=1e-9)


def test_simple_payback_worked_example_and_edge_cases():
    assert ec.simple_payback_years(100_000, 12_000) == pytest.approx(100_000 / 12_000, rel=1e-12)
    assert ec.simple_payback_years(100_000, 12_000) == pytest.approx(8.33, abs=0.005)
    assert ec.simple_payback_years(100_000, 0.0) == math.inf
    assert ec.simple_payback_years(100_000, -500.0) == math.inf
    assert ec.simple_payback_years(0.0, 500.0) == 0.0


def test_annuity_and_capital_recovery_factors():
    # AF(5 %, 20 a) = (1 - 1.05**-20) / 0.05 = 12.4622; CRF = 0.05 * 1.05**20 / (1.05**20 - 1) = 0.080243
    af = (1 - 1.05**-20) / 0.05
    crf = 0.05 * 1.05**20 / (1.05**20 - 1)
    assert ec.annuity_factor(0.05, 20) == pytest.approx(af, rel=1e-12)
    assert ec.annuity_factor(0.05, 20) == pytest.approx(12.4622, abs=5e-5)
    assert ec.capital_recovery_factor(0.05, 20) == pytest.approx(crf, rel=1e-12)
    assert ec.capital_recovery_factor(0.05, 20) == pytest.approx(0.080243, abs=5e-7)
    # zero rate: plain sums
    assert ec.annuity_factor(0.0, 20) == 20
    assert ec.capital_recovery_factor(0.0, 20) == pytest.approx(1 / 20)


def test_npv_with_escalation_and_residual_by_hand():
    # saving grows 2 %/a: year t saving 12000 * 1.02**(t-1); residual 10 000 CNY at year 20
    by_hand = (
        -100_000 + sum(12_000 * 1.02 ** (t - 1) / 1.05**t for t in range(1, 21)) + 10_000 / 1.05**20
    )
    got = ec.npv_cny(100_000, 12_000, 20, 0.05, escalation=0.02, residual_value_cny=10_000)
    assert got == pytest.approx(by_hand, rel=1e-12)
    assert got > ec.npv_cny(100_000, 12_000, 20, 0.05)


def test_present_value_at_zero_rate_is_the_plain_sum():
    assert ec.present_value_cny(1000.0, 10, 0.0) == pytest.approx(10_000.0)


def test_life_cycle_cost_by_hand():
    # 50 000 CNY + 8 000 CNY/a for 20 a at 8 %, nothing left at the end
    by_hand = 50_000 + 8_000 * (1 - 1.08**-20) / 0.08
    assert ec.life_cycle_cost_cny(50_000, 8_000, 20, 0.08) == pytest.approx(by_hand, rel=1e-12)


def test_annualised_cost_is_capex_times_crf():
    assert ec.annualised_cost_cny(100_000, 20, 0.05) == pytest.approx(
        100_000 * 0.05 * 1.05**20 / (1.05**20 - 1)
    )


def test_cost_of_conserved_carbon_by_hand():
    # (100 000 * CRF(5 %, 20) - 3 000) / 10 t = (8 024.26 - 3 000) / 10 = 502.43 CNY/t
    by_hand = (100_000 * 0.05 * 1.05**20 / (1.05**20 - 1) - 3_000) / 10.0
    got = ec.cost_of_conserved_carbon_cny_per_t(100_000, 20, 0.05, 3_000, 10_000)
    assert got == pytest.approx(by_hand, rel=1e-12)
    assert got == pytest.approx(502.43, abs=0.005)
    # a measure that saves more money than it costs has a negative abatement cost
    assert ec.cost_of_conserved_carbon_cny_per_t(10_000, 20, 0.05, 3_000, 10_000) < 0
    # no CO2 saved: undefined
    assert math.isnan(ec.cost_of_conserved_carbon_cny_per_t(100_000, 20, 0.05, 3_000, 0.0))
    assert math.isnan(ec.cost_of_conserved_carbon_cny_per_t(100_000, 20, 0.05, 3_000, -5.0))


def test_cost_of_conserved_energy_by_hand():
    by_hand = 100_000 * 0.05 * 1.05**20 / (1.05**20 - 1) / 20_000
    assert ec.cost_of_conserved_energy_cny_per_kwh(100_000, 20, 0.05, 20_000) == pytest.approx(
        by_hand
    )
    assert math.isnan(ec.cost_of_conserved_energy_cny_per_kwh(100_000, 20, 0.05, 0.0))


def test_package_annualised_cost_uses_each_lifetime():
    wall = ec.MeasureCost("wall", 200_000, 30)
    hp = ec.MeasureCost("heat_pump", 80_000, 15, annual_om_cny=500)
    by_hand = (
        200_000 * ec.capital_recovery_factor(0.05, 30)
        + 80_000 * ec.capital_recovery_factor(0.05, 15)
        + 500
    )
    assert ec.package_annualised_cost_cny([wall, hp], 0.05) == pytest.approx(by_hand, rel=1e-12)
    ccc = ec.package_cost_of_conserved_carbon_cny_per_t([wall, hp], 0.05, 10_000, 20_000)
    assert ccc == pytest.approx((by_hand - 10_000) / 20.0, rel=1e-12)


def test_package_npv_replacement_and_residual_by_hand():
    r, horizon = 0.05, 20
    # lifetime = horizon: same as npv_cny
    one = ec.MeasureCost("a", 100_000, 20)
    assert ec.package_npv_cny([one], 12_000, horizon, r) == pytest.approx(
        ec.npv_cny(100_000, 12_000, 20, r)
    )
    # 10-a measure in a 20-a horizon: bought at t=0 and t=10, nothing left at t=20
    short = ec.MeasureCost("b", 50_000, 10)
    capex_pv = 50_000 + 50_000 / 1.05**10
    saving_pv = 12_000 * ec.annuity_factor(r, horizon)
    assert ec.package_npv_cny([short], 12_000, horizon, r) == pytest.approx(
        saving_pv - capex_pv, rel=1e-12
    )
    # 30-a measure: one purchase, 10 of 30 years left -> residual 1/3 of capex at t=20
    long = ec.MeasureCost("c", 90_000, 30)
    capex_pv = 90_000 - 30_000 / 1.05**20
    assert ec.package_npv_cny([long], 12_000, horizon, r) == pytest.approx(
        saving_pv - capex_pv, rel=1e-12
    )


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: ec.npv_cny(-1, 100, 20, 0.05), "capex_cny"),
        (lambda: ec.npv_cny(100, 100, 0, 0.05), "years"),
        (lambda: ec.npv_cny(100, 100, 2.5, 0.05), "years"),
        (lambda: ec.npv_cny(100, 100, 20, -1.0), "discount_rate"),
        (lambda: ec.npv_cny(100, 100, 20, 1.5), "discount_rate"),
        (lambda: ec.npv_cny(100, 100, 20, 0.05, escalation=-2), "escalation"),
        (lambda: ec.npv_cny(100, float("nan"), 20, 0.05), "annual_saving_cny"),
        (lambda: ec.simple_payback_years(-5, 100), "capex_cny"),
        (lambda: ec.annuity_factor(0.05, 0), "years"),
        (lambda: ec.capital_recovery_factor(-1.0, 10), "discount_rate"),
        (lambda: ec.annualised_cost_cny(-10, 20, 0.05), "capex_cny"),
        (lambda: ec.life_cycle_cost_cny(100, 10, -3, 0.05), "years"),
        (lambda: ec.cost_of_conserved_carbon_cny_per_t(100, 0, 0.05, 10, 10), "lifetime_years"),
        (lambda: ec.MeasureCost("wall", -1, 20), "wall.capex_cny"),
        (lambda: ec.tiered_cost_cny(-1.0, [220, 400], [0.49, 0.54, 0.79]), "consumption"),
        (lambda: ec.tiered_cost_cny(100.0, [400, 220], [0.49, 0.54, 0.79]), "increasing"),
        (lambda: ec.tiered_cost_cny(100.0, [220, 400], [0.49, 0.54]), "prices"),
    ],
)
def test_bad_inputs_raise_validation_error_naming_the_parameter(call, name):
    with pytest.raises(ValidationError, match=name):
        call()


def test_validation_error_states_the_allowed_range():
    with pytest.raises(ValidationError, match=r"\(-1, 1\]"):
        ec.npv_cny(100, 100, 20, 2.0)
    # all problems reported at once
    with pytest.raises(ValidationError) as info:
        ec.npv_cny(-1, 100, 0, 5.0)
    assert len(info.value.problems) == 3


# ----------------------------------------------------------------- tariffs, by hand


def test_tiered_cost_by_hand():
    tiers, prices = [220, 400], [0.49, 0.54, 0.79]
    assert ec.tiered_cost_cny(100.0, tiers, prices) == pytest.approx(100 * 0.49)
    assert ec.tiered_cost_cny(300.0, tiers, prices) == pytest.approx(220 * 0.49 + 80 * 0.54)
    # 500 kWh: 220 * 0.49 + 180 * 0.54 + 100 * 0.79 = 107.8 + 97.2 + 79.0 = 284.0
    assert ec.tiered_cost_cny(500.0, tiers, prices) == pytest.approx(284.0)
    np.testing.assert_allclose(
        ec.tiered_cost_cny(np.array([0.0, 500.0]), tiers, prices), [0.0, 284.0]
    )


def test_residential_tiered_bill_by_hand():
    # 650 m2 / 65 m2 per flat = 10 households; 3 kWh/h building load -> 7.2 kWh per household-day.
    # Months: 31 d -> 223.2 kWh/hh (3.2 kWh in tier 2), 30 d -> 216, Feb -> 201.6 (all tier 1).
    d = make_delivered(floor_area_m2=650.0, equipment=3.0)
    per_hh = [days * 7.2 for days in DAYS_IN_MONTH]
    by_hand = 10 * sum(min(k, 220) * 0.49 + max(k - 220, 0) * 0.54 for k in per_hh)
    bills = ec.annual_bills(d)
    assert bills.electricity_cny == pytest.approx(by_hand, rel=1e-9)
    assert bills.electricity_by_use_cny["equipment"] == pytest.approx(by_hand, rel=1e-9)
    assert bills.gas_cny == bills.heat_cny == bills.pv_export_revenue_cny == 0.0
    assert bills.total_cny == pytest.approx(by_hand, rel=1e-9)
    assert bills.tariff_classes["electricity"] == "residential"


def test_residential_annual_tier_period_by_hand():
    # annual thresholds 2640 / 4800 kWh/hh: 3 kWh/h x 8760 h / 10 hh = 2628 kWh/hh, all in tier 1
    d = make_delivered(floor_area_m2=650.0, equipment=3.0)
    bills = ec.annual_bills(
        d,
        overrides={
            "electricity.residential": {"tier_period": "year", "tier_upper_kwh": [2640.0, 4800.0]}
        },
    )
    assert bills.electricity_cny == pytest.approx(3 * 8760 * 0.49, rel=1e-9)


def test_electric_heating_tou_by_hand():
    # 1 kWh/h of heating electricity in January only: 31 d x (12 h x 0.49 + 12 h x 0.30) = 293.88 CNY
    heating = np.where(month_mask(1), 1.0, 0.0)
    d = make_delivered(floor_area_m2=650.0, heating=heating)
    tou = ec.annual_bills(d)
    assert tou.electricity_cny == pytest.approx(31 * (12 * 0.49 + 12 * 0.30), rel=1e-9)
    assert tou.electricity_by_use_cny["heating"] == pytest.approx(293.88, abs=1e-6)
    # without the heating TOU: 744 kWh / 10 hh = 74.4 kWh/hh, all tier 1
    tiered = ec.annual_bills(d, heating_tou=False)
    assert tiered.electricity_cny == pytest.approx(744 * 0.49, rel=1e-9)


def test_heating_tou_takes_heating_out_of_the_tiers():
    # heating in January would push other use into tier 2; with TOU it does not
    heating = np.where(month_mask(1), 3.0, 0.0)
    d = make_delivered(floor_area_m2=650.0, heating=heating, equipment=2.0)
    bills = ec.annual_bills(d)
    equipment_by_hand = 10 * sum(
        days * 4.8 * 0.49 for days in DAYS_IN_MONTH
    )  # <= 148.8 kWh/hh-month
    heating_by_hand = 31 * 3 * (12 * 0.49 + 12 * 0.30)
    assert bills.electricity_by_use_cny["equipment"] == pytest.approx(equipment_by_hand, rel=1e-9)
    assert bills.electricity_by_use_cny["heating"] == pytest.approx(heating_by_hand, rel=1e-9)


def test_area_heating_fee_by_hand():
    res = make_delivered(floor_area_m2=3600.0, district_heat_kwh=300_000.0)
    assert ec.annual_bills(res).heat_cny == pytest.approx(25.0 * 3600)
    office = make_delivered("office", floor_area_m2=3600.0, district_heat_kwh=300_000.0)
    assert ec.annual_bills(office).heat_cny == pytest.approx(40.0 * 3600)


def test_metered_heating_two_part_tariff_by_hand():
    # residential: 7.5 CNY/m2 x 3600 m2 + 0.13 CNY/kWh x 300 000 kWh = 27 000 + 39 000
    d = make_delivered(floor_area_m2=3600.0, district_heat_kwh=300_000.0)
    assert ec.annual_bills(d, heating_billing="metered").heat_cny == pytest.approx(66_000.0)
    # optional cap at the area-based fee (90 000): not binding here, binding for a large draw
    big = make_delivered(floor_area_m2=3600.0, district_heat_kwh=1_000_000.0)
    capped = ec.annual_bills(
        big, heating_billing="metered", overrides={"heat.cap_metered_at_area_fee": True}
    )
    assert capped.heat_cny == pytest.approx(90_000.0)


def test_no_district_heat_no_heating_fee():
    d = make_delivered(floor_area_m2=3600.0, heating=1.0, ambient_heat_kwh=20_000.0)
    assert ec.annual_bills(d).heat_cny == 0.0
    assert ec.annual_bills(d, heating_billing="metered").heat_cny == 0.0


def test_commercial_flat_and_tou_by_hand():
    d = make_delivered("office", floor_area_m2=5000.0, equipment=1.0)
    assert ec.annual_bills(d).electricity_cny == pytest.approx(8760 * 0.75, rel=1e-9)
    # TOU: per day 8 h peak x 1.6 + 8 h flat x 1 + 8 h valley x 0.4, all x 0.68 = 16.32 CNY
    tou = ec.annual_bills(d, overrides={"electricity.commercial.scheme": "tou"})
    assert tou.electricity_cny == pytest.approx(365 * 0.68 * (8 * 1.6 + 8 + 8 * 0.4), rel=1e-9)


def test_school_pays_residential_price_for_non_households():
    d = make_delivered("school", floor_area_m2=5000.0, lighting=2.0)
    assert ec.annual_bills(d).electricity_cny == pytest.approx(2 * 8760 * 0.515, rel=1e-9)


def test_gas_bill_by_hand():
    assert ec.annual_bills(make_delivered(gas_m3=1000.0)).gas_cny == pytest.approx(2600.0)
    assert ec.annual_bills(make_delivered("mall", gas_m3=1000.0)).gas_cny == pytest.approx(3500.0)


def test_pv_self_consumption_lowers_the_bill_and_export_earns():
    # office, 2 kWh/h load; PV 5 kWh at noon: 2 used, 3 exported each day
    pv = np.where(np.arange(HOURS) % 24 == 12, 5.0, 0.0)
    base = ec.annual_bills(make_delivered("office", floor_area_m2=2000.0, equipment=2.0))
    with_pv = ec.annual_bills(make_delivered("office", floor_area_m2=2000.0, equipment=2.0, pv=pv))
    assert base.electricity_cny - with_pv.electricity_cny == pytest.approx(365 * 2 * 0.75, rel=1e-9)
    assert with_pv.pv_export_revenue_cny == pytest.approx(365 * 3 * 0.3655, rel=1e-9)
    assert with_pv.total_cny == pytest.approx(
        with_pv.electricity_cny - with_pv.pv_export_revenue_cny
    )


def test_bills_by_use_sum_and_dict_keys():
    d = make_delivered(
        floor_area_m2=650.0, heating=1.0, cooling=0.5, lighting=0.2, equipment=1.5, gas_m3=50.0
    )
    b = ec.annual_bills(d)
    assert sum(b.electricity_by_use_cny.values()) == pytest.approx(b.electricity_cny, rel=1e-12)
    out = b.as_dict()
    for key in (
        "electricity_cny",
        "gas_cny",
        "heat_cny",
        "pv_export_revenue_cny",
        "total_cny",
        "electricity_heating_cny",
    ):
        assert key in out
    assert out["total_cny"] == pytest.approx(
        b.electricity_cny + b.gas_cny + b.heat_cny - b.pv_export_revenue_cny
    )
    with pytest.raises(TypeError):
        b.electricity_by_use_cny["heating"] = 0.0  # read-only


def test_overrides_change_results():
    d = make_delivered(floor_area_m2=3600.0, district_heat_kwh=300_000.0)
    assert ec.annual_bills(
        d, overrides={"heat": {"residential": {"area_fee_cny_m2": 30.0}}}
    ).heat_cny == pytest.approx(30.0 * 3600)
    assert ec.annual_bills(
        d, overrides={"heat.residential.area_fee_cny_m2": 30.0}
    ).heat_cny == pytest.approx(30.0 * 3600)
    # overrides on top of an explicit tariff dict
    t = ec.load_tariffs({"heat.billing_area_factor": 1.1})
    assert ec.annual_bills(d, tariffs=t).heat_cny == pytest.approx(25.0 * 3600 * 1.1)
    assert ec.annual_bills(
        d, tariffs=t, overrides={"heat.residential.area_fee_cny_m2": 20.0}
    ).heat_cny == pytest.approx(20.0 * 3600 * 1.1)


def test_load_tariffs_returns_a_fresh_copy():
    t = ec.load_tariffs()
    t["heat"]["residential"]["area_fee_cny_m2"] = 999.0
    assert ec.load_tariffs()["heat"]["residential"]["area_fee_cny_m2"] == 25.0


def test_bad_overrides_and_names():
    d = make_delivered(floor_area_m2=650.0, equipment=1.0)
    with pytest.raises(ValidationError, match="area_fee_cny_m2"):
        ec.load_tariffs({"heat.residential.area_fee": 30.0})  # typo: valid keys are listed
    with pytest.raises(ValidationError, match="finite number"):
        ec.load_tariffs({"heat.residential.area_fee_cny_m2": "thirty"})
    with pytest.raises(ValidationError, match=">= 0"):
        ec.load_tariffs({"pv_export.price_cny_kwh": -0.1})
    with pytest.raises(ValidationError, match="increasing"):
        ec.load_tariffs({"electricity.residential.tier_upper_kwh": [400.0, 220.0]})
    with pytest.raises(ValidationError, match="metered"):
        ec.annual_bills(d, heating_billing="per_flat")
    with pytest.raises(UnknownNameError, match="office") as info:
        ec.annual_bills(make_delivered("warehouse", equipment=1.0))
    assert "residential" in str(info.value)
    with pytest.raises(ValidationError, match="floor_area_m2"):
        ec.annual_bills(make_delivered(floor_area_m2=0.0, equipment=1.0))


def test_finance_defaults_and_overrides():
    f = ec.load_finance()
    assert f["discount_rate"] == 0.08
    assert f["horizon_years"] == 20
    assert f["energy_price_escalation"] == 0.0
    assert ec.load_finance({"discount_rate": 0.04})["discount_rate"] == 0.04
    with pytest.raises(ValidationError, match="discount_rate"):
        ec.load_finance({"discount_rate": 1.5})


@pytest.mark.parametrize("kind", ["tariffs", "finance", "emission_factors"])
def test_every_number_in_the_data_files_has_a_source(kind):
    assert ec.missing_sources(kind) == []
    sources = ec.data_sources(kind)
    assert sources and all(s.strip() for s in sources.values())


def test_unknown_data_kind_lists_valid_ones():
    with pytest.raises(UnknownNameError, match="tariffs"):
        ec.data_sources("prices")


def test_annual_tier_crossing_and_tiny_building_by_hand():
    # annual thresholds 2000 / 4800 kWh/hh: 2628 kWh/hh -> 2000 at 0.49 + 628 at 0.54, 10 households
    d = make_delivered(floor_area_m2=650.0, equipment=3.0)
    year = {"electricity.residential": {"tier_period": "year", "tier_upper_kwh": [2000.0, 4800.0]}}
    assert ec.annual_bills(d, overrides=year).electricity_cny == pytest.approx(
        10 * (2000 * 0.49 + 628 * 0.54), rel=1e-9)
    # a 30 m2 building is still one household (not 0.46): 0.5 kWh/h -> 372 kWh in January, 220 in tier 1
    small = make_delivered(floor_area_m2=30.0, equipment=np.where(month_mask(1), 0.5, 0.0))
    assert ec.annual_bills(small).electricity_cny == pytest.approx(220 * 0.49 + 152 * 0.54, rel=1e-9)


def test_heating_tou_for_all_household_use_by_hand():
    # applies_to = "all": in the TOU months every use pays peak/valley, outside them the tiers
    d = make_delivered(floor_area_m2=650.0, equipment=1.0)
    bills = ec.annual_bills(d, overrides={"electricity.residential.heating_tou.applies_to": "all"})
    tou_days = 31 + 28 + 31 + 30 + 31  # Jan, Feb, Mar, Nov, Dec
    tou = tou_days * (12 * 0.49 + 12 * 0.30)
    tiered = (365 - tou_days) * 24 * 0.49  # 72 kWh/hh-month or less: tier 1
    assert bills.electricity_cny == pytest.approx(tou + tiered, rel=1e-9)
