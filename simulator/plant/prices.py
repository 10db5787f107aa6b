"""Hourly prices and emission factors of a plant's energy purchases, from the project's data files.

Electricity tariffs and gas prices come from ``simulator/data/tariffs.toml``
(:func:`simulator.economics.load_tariffs`), the gas LHV from
``simulator/data/systems.toml``, emission factors from
``simulator/data/emission_factors.toml`` (:mod:`simulator.carbon`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import carbon, economics, systems
from simulator.exceptions import ValidationError

KWH_PER_GJ = 1.0 / carbon.GJ_PER_KWH
BANDS = ("peak", "flat", "valley")


@dataclass(frozen=True)
class Prices:
    """Prices and factors of one plant for its season hours.

    Attributes
    ----------
    electricity_cny_kwh
        Electricity price each hour [CNY/kWh].
    band
        Tariff band of each hour: "peak", "flat" or "valley".
    gas_cny_m3, gas_lhv_mj_m3
        Gas price [CNY/m3] and lower heating value [MJ/m3].
    chp_cny_gj
        CHP heat price [CNY/GJ].
    grid_kg_kwh, gas_kg_gj, chp_kg_gj
        Emission factors: grid electricity [kgCO2/kWh], gas [kgCO2/GJ LHV], CHP heat [kgCO2/GJ].
    grid_name
        Name of the grid factor.
    """

    electricity_cny_kwh: np.ndarray
    band: np.ndarray
    gas_cny_m3: float
    gas_lhv_mj_m3: float
    chp_cny_gj: float
    grid_kg_kwh: float
    gas_kg_gj: float
    chp_kg_gj: float
    grid_name: str

    @property
    def gas_cny_kwh(self) -> float:
        """Gas price per kWh of fuel (LHV) [CNY/kWh]."""
        return self.gas_cny_m3 / (self.gas_lhv_mj_m3 / 3.6)

    @property
    def gas_kg_kwh(self) -> float:
        """CO2 per kWh of gas burnt (LHV) [kg/kWh]."""
        return self.gas_kg_gj * carbon.GJ_PER_KWH


def electricity_tariff_hourly(name: str, month: np.ndarray, clock_hour: np.ndarray,
                              tariffs: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hourly electricity price [CNY/kWh] and band for season hours.

    ``residential_heating_tou``: the coal-to-electricity heating tariff of
    tariffs.toml (peak 08:00-20:00, valley 20:00-08:00 in its months; tier-1
    price, band "flat", in other months). ``commercial_tou``: the general
    commercial flat price times the peak/valley ratios by clock-hour period.
    """
    t = tariffs if tariffs is not None else economics.load_tariffs()
    month = np.asarray(month)
    hour = np.asarray(clock_hour)
    if name == "residential_heating_tou":
        r = t["electricity"]["residential"]
        tou = r["heating_tou"]
        in_months = np.isin(month, tou["months"])
        peak = (hour >= tou["peak_start_hour"]) & (hour < tou["peak_end_hour"])
        price = np.where(peak, tou["peak_price_cny_kwh"], tou["valley_price_cny_kwh"])
        band = np.where(peak, "peak", "valley")
        price = np.where(in_months, price, r["tier_price_cny_kwh"][0])
        band = np.where(in_months, band, "flat")
        return price.astype(float), band
    if name == "commercial_tou":
        tou = t["electricity"]["commercial"]["tou"]
        ratio = {"peak": tou["peak_ratio"], "flat": 1.0, "valley": tou["valley_ratio"]}
        periods = np.array(tou["hour_periods"])
        band = periods[hour]
        price = np.array([tou["flat_price_cny_kwh"] * ratio[b] for b in band])
        return price, band
    raise ValidationError([f"electricity_tariff {name!r}: valid: residential_heating_tou, commercial_tou"],
                          source="plant tariffs")


def plant_prices(spec, month: np.ndarray, clock_hour: np.ndarray, params: dict) -> Prices:
    """All prices and factors a plant's dispatch needs, for its season hours.

    Parameters
    ----------
    spec
        :class:`~simulator.plant.spec.PlantSpec` (tariff classes, grid factor name).
    params
        Plant parameters (``chp.heat_price_cny_gj``).
    """
    tariffs = economics.load_tariffs()
    price, band = electricity_tariff_hourly(spec.electricity_tariff, month, clock_hour, tariffs)
    gas = tariffs["gas"][spec.gas_tariff]
    gas_price = gas["price_cny_m3"] if gas["scheme"] == "flat" else gas["tier_price_cny_m3"][0]
    sysp = systems.load_system_params()
    factors = carbon.load_emission_factors()
    grid_name, grid = carbon.grid_factor_kgco2_kwh(grid=spec.grid, factors=factors)
    return Prices(electricity_cny_kwh=price, band=band, gas_cny_m3=float(gas_price),
                  gas_lhv_mj_m3=float(sysp["gas_boiler"]["gas_lhv_mj_m3"]),
                  chp_cny_gj=float(params["chp"]["heat_price_cny_gj"]), grid_kg_kwh=float(grid),
                  gas_kg_gj=float(factors["gas"]["co2_kg_gj"]), chp_kg_gj=float(factors["district_heat"]["co2_kg_gj"]),
                  grid_name=str(grid_name))
