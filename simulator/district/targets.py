"""District indicators per year and the carbon-peak targets, from additive totals.

Per year (:func:`year_table`), from the weighted totals of
:mod:`simulator.district.accounting`:

``energy_kwh``
    Final energy the buildings buy: grid electricity after PV self-consumption
    + district heat + gas at its LHV [kWh]. PV and heat-pump ambient heat are
    not bought and not counted here.
``electricity_kwh``, ``district_heat_kwh``, ``gas_kwh``, ``pv_kwh``, ``ambient_heat_kwh``
    By carrier [kWh].
``co2_t``
    :func:`simulator.carbon.co2_kg_of_totals` (the formula of
    ``carbon.emissions_kg``): grid import x the year's grid factor, gas x
    55.54 kgCO2/GJ, district heat x 110 kgCO2/GJ; exported PV is not credited
    (location-based, as for one building); plus, for heat from converted boiler
    houses, the plant's extra electricity x the grid factor and its change of
    gas CO2 against its gas boilers (:func:`simulator.district.accounting.plant_factors`) [t].
``plant_electricity_kwh``, ``district_heat_renewable_kwh``
    Converted boiler houses' extra electricity, and their heat pumps' ambient
    heat inside the district heat (counted as renewable heat) [kWh].
``renewable_share``
    :func:`simulator.carbon.renewable_share_of_totals` (the formula of
    ``carbon.renewable_share``) on the district totals: (PV generated, exported
    included + heat-pump ambient heat) / (electricity demand + district heat +
    gas LHV + ambient heat), final-energy basis [-]. The plans' 8 % target has no
    published formula (see ``carbon.renewable_share``); district statistics
    counting all building PV is why export counts.
``public_kgce_m2``, ``public_co2_kg_m2``
    Public institutions' energy in kgce per m2 (GB/T 2589-2020, electricity at
    the calorific equivalent 0.1229 kgce/kWh, as public-institution energy
    statistics count it) and CO2 per m2; ``*_vs_2020`` their change against the
    first year [-]. The floor area includes new public-institution buildings,
    as the national 14th FYP intensity targets do [1]_.
``pv_new_public_roof_share``
    Floor area of public-institution buildings built since the first year with
    rooftop PV / all of them (the plan's "new public-institution buildings"
    counted by floor area; no count of buildings exists for the stock) [-].
``new_homes_five_step_share``, ``green_new_floor_share``
    Of the floor area built since the first year: homes to the five-step or
    ultra-low standard / all new homes, and green-building area / all new floor
    area (scenario inputs) [-].

Targets (:func:`targets`), each with ``value``, ``target``, ``met`` and
``margin`` (value minus target, signed so that a positive margin means met):

========================================= ======================================= =========
name                                       test                                    source
========================================= ======================================= =========
renewable_share_2025                       renewable_share(2025) >= 0.08           [2]_
pv_new_public_roofs_2025                   pv_new_public_roof_share(2025) >= 0.5   [2]_
public_energy_per_m2_2025                  public_kgce_m2_vs_2020(2025) <= -0.05   [1]_
public_co2_per_m2_2025                     public_co2_kg_m2_vs_2020(2025) <= -0.07 [1]_
new_homes_five_step                        new_homes_five_step_share(end) >= 1     [3]_
green_new_buildings                        green_new_floor_share(end) >= 1         [2]_
boiler_house_heat_pumps_storage            converted area by 2030 > 0              [2]_
co2_peak_before_2030                       year of the largest co2_t <= 2029       [2]_
========================================= ======================================= =========

References
----------
.. [1] National 14th FYP for public-institution energy and resource saving
   (2021): energy per m2 -5 %, CO2 per m2 -7 % against 2020 (FS 4 [S]).
.. [2] Tianjin carbon-peak plan (2022) and 红桥区碳达峰实施方案 (2023): building
   renewable substitution 8 %, PV on 50 % of new public-institution roofs,
   100 % green new buildings, heat pumps and electric storage at boiler houses,
   peak before 2030 (FS 5 [S]; the Hongqiao text's building chapter was not readable).
.. [3] Tianjin urban-rural construction carbon-peak plan (2023): five-step
   standard for new homes (FS 1a [S4]).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator import carbon
from simulator.district.scenario import Scenario

TARGET_YEAR = 2025
PEAK_BEFORE = 2030


@dataclass(frozen=True)
class Target:
    """One target: its value, the target, whether it is met, and the margin (positive = met)."""

    name: str
    description: str
    value: float
    target: float
    met: bool
    margin: float
    unit: str

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "value": _num(self.value),
                "target": _num(self.target), "met": bool(self.met), "margin": _num(self.margin), "unit": self.unit}


def _num(x):
    x = float(x)
    return None if not np.isfinite(x) else x


def year_table(totals: pd.DataFrame, scenario: Scenario, gas_lhv_mj_m3: float, factors: dict | None = None,
               grid_kgco2_kwh: np.ndarray | None = None) -> pd.DataFrame:
    """Indicators per year (see the module notes) from accounting totals.

    Parameters
    ----------
    totals
        From :func:`simulator.district.accounting.chunk_totals` (or summed chunks).
    scenario
        The scenario (years, grid path, new construction).
    gas_lhv_mj_m3
        LHV of the gas in the totals [MJ/m3] (the systems step's).
    factors
        Emission factors (:func:`simulator.carbon.load_emission_factors`).
    grid_kgco2_kwh
        Grid factor per year (default: the scenario's path).
    """
    f = carbon.load_emission_factors() if factors is None else factors
    grid_path = scenario.grid_kgco2_kwh if grid_kgco2_kwh is None else grid_kgco2_kwh
    t = totals.copy()
    t["demand_kwh"] = t[["el_heating_kwh", "el_cooling_kwh", "el_lighting_kwh", "el_equipment_kwh"]].sum(axis=1)
    t["grid_kwh"] = t["demand_kwh"] - t["pv_self_kwh"]
    by_year = t.groupby("year").sum(numeric_only=True)
    pub = t[t["public_institution"]].groupby("year").sum(numeric_only=True).reindex(by_year.index, fill_value=0.0)
    years = by_year.index.to_numpy()
    g = np.asarray(grid_path, dtype=float)[years - int(scenario.years[0])]
    co2 = carbon.co2_kg_of_totals(by_year["grid_kwh"].to_numpy(), by_year["gas_m3"].to_numpy(),
                                  by_year["district_heat_kwh"].to_numpy(), g, gas_lhv_mj_m3, f)
    plant_co2 = by_year["plant_co2_kg"].to_numpy() + by_year["plant_el_kwh"].to_numpy() * g
    co2["heat_co2_kg"] = co2["heat_co2_kg"] + plant_co2
    co2["total_co2_kg"] = co2["total_co2_kg"] + plant_co2
    # renewable heat inside district heat (converted plants' heat pumps) moves from the heat to the renewable term
    dh_ren = by_year["dh_renewable_kwh"].to_numpy()
    rs = carbon.renewable_share_of_totals(by_year["pv_kwh"].to_numpy(), by_year["ambient_heat_kwh"].to_numpy() + dh_ren,
                                          by_year["demand_kwh"].to_numpy(),
                                          by_year["district_heat_kwh"].to_numpy() - dh_ren,
                                          by_year["gas_m3"].to_numpy(), gas_lhv_mj_m3, "final_kwh", f)
    pub_co2 = carbon.co2_kg_of_totals(pub["grid_kwh"].to_numpy(), pub["gas_m3"].to_numpy(),
                                      pub["district_heat_kwh"].to_numpy(), g, gas_lhv_mj_m3, f)["total_co2_kg"] \
        + pub["plant_co2_kg"].to_numpy() + pub["plant_el_kwh"].to_numpy() * g
    pub_kgce = carbon.primary_kgce_of_totals(pub["grid_kwh"].to_numpy(), pub["gas_m3"].to_numpy(),
                                             pub["district_heat_kwh"].to_numpy(), gas_lhv_mj_m3, "calorific", f)
    pub_area = pub["area_m2"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        pub_kgce_m2 = np.where(pub_area > 0, pub_kgce / pub_area, np.nan)
        pub_co2_m2 = np.where(pub_area > 0, pub_co2 / pub_area, np.nan)
    gas_kwh = by_year["gas_m3"].to_numpy() * gas_lhv_mj_m3 / 3.6
    out = pd.DataFrame({
        "year": years.astype(int),
        "floor_area_m2": by_year["area_m2"].to_numpy(),
        "energy_kwh": by_year["grid_kwh"].to_numpy() + by_year["district_heat_kwh"].to_numpy() + gas_kwh,
        "electricity_kwh": by_year["grid_kwh"].to_numpy(),
        "electricity_demand_kwh": by_year["demand_kwh"].to_numpy(),
        "district_heat_kwh": by_year["district_heat_kwh"].to_numpy(),
        "gas_kwh": gas_kwh,
        "pv_kwh": by_year["pv_kwh"].to_numpy(),
        "ambient_heat_kwh": by_year["ambient_heat_kwh"].to_numpy(),
        "plant_electricity_kwh": by_year["plant_el_kwh"].to_numpy(),
        "district_heat_renewable_kwh": dh_ren,
        "heating_useful_kwh": by_year["heat_useful_kwh"].to_numpy(),
        "co2_t": co2["total_co2_kg"] / 1000.0,
        "co2_electricity_t": co2["electricity_co2_kg"] / 1000.0,
        "co2_heat_t": co2["heat_co2_kg"] / 1000.0,
        "co2_gas_t": co2["gas_co2_kg"] / 1000.0,
        "renewable_share": rs,
        "grid_kgco2_kwh": g,
        "bills_cny": by_year["bills_cny"].to_numpy(),
        "public_floor_area_m2": pub_area,
        "public_kgce_m2": pub_kgce_m2,
        "public_co2_kg_m2": pub_co2_m2,
    })
    out["public_kgce_m2_vs_2020"] = out["public_kgce_m2"] / out["public_kgce_m2"].iloc[0] - 1.0
    out["public_co2_kg_m2_vs_2020"] = out["public_co2_kg_m2"] / out["public_co2_kg_m2"].iloc[0] - 1.0
    out = out.join(new_construction_shares(scenario).set_index("year"), on="year")
    return out


def new_construction_shares(s: Scenario) -> pd.DataFrame:
    """Cumulative shares of the floor area built since the first year (see the module notes)."""
    n = len(s.years)
    pub, pub_pv = np.zeros(n), np.zeros(n)
    homes, homes_5 = np.zeros(n), np.zeros(n)
    all_new, green = np.zeros(n), np.zeros(n)
    for nb in s.new_construction:
        a = np.cumsum(nb.area_m2)
        all_new += a
        green += a * nb.green_share
        if nb.public_institution:
            pub += a
            pub_pv += np.cumsum(nb.area_m2 * s.pv_new_public_share)
        if nb.building_type == "residential":
            homes += a
            if nb.standard in ("five_step", "ultra_low"):
                homes_5 += a

    def ratio(a, b):
        return np.divide(a, b, out=np.full(n, np.nan), where=b > 0)

    return pd.DataFrame({"year": s.years.astype(int), "pv_new_public_roof_share": ratio(pub_pv, pub),
                         "new_homes_five_step_share": ratio(homes_5, homes),
                         "green_new_floor_share": ratio(green, all_new)})


def peak_year(table: pd.DataFrame) -> int:
    """Year of the largest building CO2 (the first such year on a tie)."""
    return int(table["year"].iloc[int(np.argmax(table["co2_t"].to_numpy()))])


def _at(table: pd.DataFrame, col: str, year: int) -> float:
    row = table[table["year"] == year]
    return float(row[col].iloc[0]) if len(row) else float("nan")


def targets(table: pd.DataFrame, scenario: Scenario) -> list[Target]:
    """The targets of the module notes, evaluated on a year table."""
    end = int(table["year"].iloc[-1])
    y = TARGET_YEAR
    out = []

    def at_least(name, desc, value, target, unit):
        ok = bool(np.isfinite(value) and value >= target - 1e-12)
        out.append(Target(name, desc, value, target, ok, value - target, unit))

    def at_most(name, desc, value, target, unit):
        ok = bool(np.isfinite(value) and value <= target + 1e-12)
        out.append(Target(name, desc, value, target, ok, target - value, unit))

    at_least("renewable_share_2025", "building renewable-energy substitution rate in 2025",
             _at(table, "renewable_share", y), 0.08, "-")
    at_least("pv_new_public_roofs_2025", "rooftop PV on new public-institution buildings (floor-area share, 2021-2025)",
             _at(table, "pv_new_public_roof_share", y), 0.5, "-")
    at_most("public_energy_per_m2_2025", "public institutions' energy per m2 in 2025 against 2020",
            _at(table, "public_kgce_m2_vs_2020", y), -0.05, "-")
    at_most("public_co2_per_m2_2025", "public institutions' CO2 per m2 in 2025 against 2020",
            _at(table, "public_co2_kg_m2_vs_2020", y), -0.07, "-")
    at_least("new_homes_five_step", f"new homes to the five-step standard (floor-area share, to {end})",
             _at(table, "new_homes_five_step_share", end), 1.0, "-")
    at_least("green_new_buildings", f"green buildings in new floor area (to {end})",
             _at(table, "green_new_floor_share", end), 1.0, "-")
    served = sum(float(b.served_area_m2[: PEAK_BEFORE - int(scenario.years[0]) + 1].sum())
                 for b in scenario.boiler_conversions)
    out.append(Target("boiler_house_heat_pumps_storage", "floor area served by boiler houses converted to heat "
                      "pumps or electric storage by 2030", served, 0.0, served > 0, served, "m2"))
    py = peak_year(table)
    out.append(Target("co2_peak_before_2030", "year of peak building CO2", float(py), float(PEAK_BEFORE - 1),
                      py <= PEAK_BEFORE - 1, float(PEAK_BEFORE - 1 - py), "year"))
    return out
