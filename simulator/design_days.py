"""Heating and cooling design days computed from a weather year (no .ddy file needed).

The design conditions follow the ASHRAE Handbook - Fundamentals (2021, ch. 14)
definitions, computed from the 8760 hours of the year itself:

* heating: the 99.6 % dry bulb (0.4th percentile of the hourly values, the
  same number :func:`weather.climate.stats` reports), held all day (daily
  range 0), no sun, the mean wind speed and dew point of the hours at or below
  it;
* cooling: the 0.4 % dry bulb (99.6th percentile) as the day's maximum, the
  mean daily range of the hottest month, the mean dew point of the hours at or
  above it (coincident humidity), a clear sky (ASHRAE clear-sky model,
  clearness 1: the year's own optical depths are unknown without the
  Handbook's tables, so the solar part is an upper bound).

Both days are placed on the 21st of the coldest and hottest month of the year.
A published design-day file (.ddy) gives the Handbook's statistics of a longer
record; a single typical year gives the same definitions on fewer hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from simulator.sourced_data import read_toml, strip

DESIGN_DAY_OF_MONTH = 21  # ASHRAE convention for design days


@dataclass(frozen=True)
class DesignDays:
    """Design-day conditions of one weather year (all SI).

    Attributes
    ----------
    heating_dry_bulb_c
        99.6 % heating dry bulb [C].
    heating_dew_point_c
        Mean dew point of the hours at or below it [C].
    heating_wind_m_s
        Mean wind speed of the hours at or below it [m/s].
    heating_month
        Coldest month (1..12).
    cooling_dry_bulb_c
        0.4 % cooling dry bulb [C] (the day's maximum).
    cooling_daily_range_k
        Mean daily dry-bulb range of the hottest month [K].
    cooling_dew_point_c
        Mean dew point of the hours at or above the cooling dry bulb [C].
    cooling_wind_m_s
        Mean wind speed of those hours [m/s].
    cooling_month
        Hottest month (1..12).
    pressure_pa
        Mean barometric pressure of the year [Pa].
    """

    heating_dry_bulb_c: float
    heating_dew_point_c: float
    heating_wind_m_s: float
    heating_month: int
    cooling_dry_bulb_c: float
    cooling_daily_range_k: float
    cooling_dew_point_c: float
    cooling_wind_m_s: float
    cooling_month: int
    pressure_pa: float


def design_days(w) -> DesignDays:
    """The design days of a :class:`weather.Weather` year (see the module docstring)."""
    d = w.data
    t = d["dry_bulb_c"].to_numpy(dtype=float)
    dew = d["dew_point_c"].to_numpy(dtype=float)
    wind = d["wind_speed_m_s"].to_numpy(dtype=float)
    month = d["month"].to_numpy()
    day = d["day"].to_numpy()
    t_heat = float(np.percentile(t, 0.4))
    t_cool = float(np.percentile(t, 99.6))
    cold, hot = t <= t_heat, t >= t_cool
    monthly = d.groupby("month")["dry_bulb_c"].mean()
    hottest, coldest = int(monthly.idxmax()), int(monthly.idxmin())
    in_hot = month == hottest
    daily = d[in_hot].groupby(day[in_hot])["dry_bulb_c"]
    daily_range = float((daily.max() - daily.min()).mean())
    pressure = d["pressure_pa"].to_numpy(dtype=float) if "pressure_pa" in d else np.array([101325.0])
    return DesignDays(
        heating_dry_bulb_c=round(t_heat, 2),
        heating_dew_point_c=round(min(float(dew[cold].mean()), t_heat), 2),
        heating_wind_m_s=round(float(wind[cold].mean()), 2),
        heating_month=coldest,
        cooling_dry_bulb_c=round(t_cool, 2),
        cooling_daily_range_k=round(daily_range, 2),
        cooling_dew_point_c=round(min(float(dew[hot].mean()), t_cool), 2),
        cooling_wind_m_s=round(float(wind[hot].mean()), 2),
        cooling_month=hottest,
        pressure_pa=round(float(np.mean(pressure)), 0),
    )


@cache
def sizing_data() -> dict:
    """``simulator/data/sizing.toml`` with every ``{value, unit, source}`` replaced by its value."""
    return strip(read_toml("simulator", "data/sizing.toml"))


def heating_capacity_factor(building_type: str) -> float:
    """Heating capacity of the emitters / design heating load [-] (``sizing.toml``).

    Homes are heated continuously (factor 1); public buildings heated by day
    get the intermittent-heating addition for their morning warm-up.
    """
    factors = sizing_data()["heating_capacity_factor"]
    return float(factors["residential" if building_type == "residential" else "public"])


def equipment_margin(use: str) -> float:
    """Capacity of a heat pump, storage heater or AC / the design load it serves [-] (``sizing.toml``)."""
    return float(sizing_data()["equipment_margin"][use])


def sizing_load_w(loads, use: str = "heating") -> float:
    """The load equipment is sized on [W]: the design load, or the annual peak where there is none.

    ``Loads.design_heating_w`` / ``design_cooling_w`` come from EnergyPlus
    zone sizing on the design days (steady, no warm-up); runs without zone
    sizing (older cache entries, engines that do not predict design loads)
    fall back to the annual hourly peak, which for intermittently heated
    buildings includes the morning warm-up.
    """
    design = getattr(loads, f"design_{use}_w")
    if design is not None and design > 0:
        return float(design)
    return float(getattr(loads, f"peak_{use}_w"))


def monthly_mean_c(w) -> list[float]:
    """Twelve monthly mean outdoor dry-bulb temperatures [C] of a :class:`weather.Weather` year."""
    monthly = w.data.groupby("month")["dry_bulb_c"].mean()
    return [float(monthly[m]) for m in range(1, 13)]
