"""Small builders shared by the tests."""

from __future__ import annotations

import numpy as np

from simulator.delivered import HOURS, Delivered
from simulator.design_days import sizing_load_w


def hourly(x) -> np.ndarray:
    """8760 hourly values: a scalar is held constant."""
    return np.full(HOURS, float(x)) if np.isscalar(x) else np.asarray(x, dtype=float)


def make_delivered(building_type: str = "residential", floor_area_m2: float = 1000.0, heating=0.0, cooling=0.0,
                   lighting=0.0, equipment=0.0, pv=0.0, **kw) -> Delivered:
    """A Delivered year from hand-made hourly values [kWh per hour] (scalars are constant)."""
    return Delivered(
        floor_area_m2=floor_area_m2,
        building_type=building_type,
        hourly_electricity_kwh={"heating": hourly(heating), "cooling": hourly(cooling),
                                "lighting": hourly(lighting), "equipment": hourly(equipment)},
        hourly_pv_kwh=hourly(pv),
        **kw,
    )


# Defaults written here, independently of the data files, for recomputing outputs by hand:
# North China grid 2023, 0.6361 kgCO2/kWh (MEE 2023 regional factor; emission_factors.toml default);
# purchased heat 110 kgCO2/GJ (public-building GHG accounting guideline default);
# 8 % real discount rate (NDRC & MOHURD 2006), 20 a horizon, flat real prices, PV O&M 0.04 CNY/(W a).
GRID_KGCO2_KWH = 0.6361
HEAT_KGCO2_GJ = 110.0
DISCOUNT_RATE, HORIZON_YEARS, PV_OM_CNY_W_A = 0.08, 20, 0.04


def npv_by_hand(capex_life_cny: list[tuple[float, float]], annual_saving_cny: float, annual_om_cny: float,
                r: float = DISCOUNT_RATE, years: int = HORIZON_YEARS) -> float:
    """NPV [CNY]: savings and O&M at the end of years 1..n; each measure bought at 0, L, 2L... < n,
    the unused share of its last life credited at year n (EN 15459-1 straight-line residual)."""
    pv = sum((annual_saving_cny - annual_om_cny) / (1 + r) ** t for t in range(1, years + 1))
    for capex, life in capex_life_cny:
        bought = [k * life for k in range(int(years // life) + 1) if k * life < years]
        pv -= sum(capex / (1 + r) ** t for t in bought)
        unused = (bought[-1] + life - years) / life
        pv += capex * unused / (1 + r) ** years
    return pv


def recompute_evaluation(building, package: str, loads_before, loads_after, weather) -> dict:
    """NPV, payback, renewable share and CO2 of a package, from the library's parts and hand formulas.

    The library parts used: measures (apply, capex), systems.deliver and economics.annual_bills
    (each tested by hand in its own file). Carbon, renewable share, payback and NPV are
    recomputed here from their definitions.
    """
    from buildings import measures as M
    from simulator import economics, systems

    ms = M.package(package)
    after_b = M.apply(building, ms)
    out = {}
    for key, b, loads in (("baseline", building, loads_before), ("retrofit", after_b, loads_after)):
        d = systems.deliver(loads, b, weather)
        assert d.gas_m3 == 0.0  # no gas in these packages: the hand formulas below leave it out
        bills = economics.annual_bills(d, heating_billing="metered" if b.systems.heat_metering else "area")
        co2 = d.grid_import_kwh * GRID_KGCO2_KWH + d.district_heat_kwh * 0.0036 * HEAT_KGCO2_GJ
        renewable = d.pv_self_consumed_kwh + d.pv_export_kwh + d.ambient_heat_kwh
        use = d.grid_import_kwh + d.pv_self_consumed_kwh + d.district_heat_kwh + d.ambient_heat_kwh
        out[key] = {"co2_kg": co2, "renewable_share": renewable / use, "bills_cny": bills.total_cny}
    costs = [M.measure_cost(m, building, design_heating_w=sizing_load_w(loads_after)) for m in ms]
    capex = sum(c.capex_cny for c in costs)
    om = PV_OM_CNY_W_A * after_b.systems.pv_capacity_kw * 1000
    bill_saving = out["baseline"]["bills_cny"] - out["retrofit"]["bills_cny"]
    out["capex_cny"] = capex
    out["co2_saved_kg"] = out["baseline"]["co2_kg"] - out["retrofit"]["co2_kg"]
    out["simple_payback_years"] = capex / (bill_saving - om)
    out["npv_cny"] = npv_by_hand([(c.capex_cny, c.lifetime_years) for c in costs], bill_saving, om)
    return out


def assert_evaluation_matches(d: dict, hand: dict, rel: float = 1e-9) -> None:
    """An evaluation's JSON dict against :func:`recompute_evaluation`.

    Same inputs, so equal to rounding: ``rel`` for float sums in another order, and 5e-5
    absolute because the JSON rounds every figure to 4 decimals.
    """
    import pytest

    abs_ = 5e-5
    for key in ("capex_cny", "co2_saved_kg", "simple_payback_years", "npv_cny"):
        assert d[key] == pytest.approx(hand[key], rel=rel, abs=abs_), key
    for state in ("baseline", "retrofit"):
        for key in ("co2_kg", "renewable_share", "bills_cny"):
            assert d[state][key] == pytest.approx(hand[state][key], rel=rel, abs=abs_), (state, key)
    assert d["co2_kg"] == pytest.approx(hand["retrofit"]["co2_kg"], rel=rel, abs=abs_)
    assert d["renewable_share"] == pytest.approx(hand["retrofit"]["renewable_share"], rel=rel, abs=abs_)
