"""Ventilation apart from infiltration: hygiene fresh air, heat recovery, room air volume.

Model (issue 11, item 1)
------------------------
* **Homes** get at least the hygiene air change of GB 50736-2012 Table
  3.0.6-2 (by floor area per person, ``buildings/data/ventilation.toml``),
  all year, whatever airtightness a package reaches. Airtightness measures
  lower infiltration only. Without mechanical ventilation the outdoor air is
  ``max(infiltration, hygiene)``: infiltration, plus window / purpose
  ventilation making up the rest (:func:`window_makeup_ach`). With a
  heat-recovery unit (``operation.heat_recovery_efficiency > 0``, the
  ``mvhr`` measure) the unit supplies the hygiene rate mechanically and
  infiltration comes on top.
* **Offices and schools** get their per-person fresh air
  (``operation.fresh_air_m3_h_person``) in occupied hours, through the
  heat-recovery unit when there is one.
* Air change rates apply to the **room air volume**: floor area times the
  clear height (storey height less the internal floor's thickness,
  :func:`clear_height_m`), not the outer volume.
* Heat recovery is **sensible**, effectiveness ``eta`` against the room
  air, in the heating season only (summer bypass). Supply air reaching the
  room at ``T_o + eta (T_z - T_o)`` carries the same sensible load as a flow
  ``(1 - eta)`` times as large at outdoor temperature; the engine writes it
  so (:mod:`simulator.idf`). The fans' electricity is
  ``specific fan power x air flow`` (:func:`hourly_fan_kwh`), added to the
  building's electricity downstream of EnergyPlus.

Everything here is a pure function of the :class:`~buildings.model.Building`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import numpy as np

from buildings.model import Building
from simulator.sourced_data import read_toml, value_of
from simulator.units import DAYS_PER_YEAR, HOURS_PER_DAY, HOURS_PER_YEAR

#: The annual run starts on a Monday (simulator.idf RunPeriod), so day d
#: (1..365) is a weekday when (d - 1) % 7 < 5.
WEEKDAYS_PER_WEEK = 5


def ventilation_data() -> dict[str, Any]:
    """The sourced ventilation data (``buildings/data/ventilation.toml``), parsed once (never mutate)."""
    return read_toml("buildings", "data/ventilation.toml")


def mvhr_default(key: str) -> float:
    """A default of the heat-recovery unit (``sensible_efficiency``, ``specific_fan_power_w_per_m3_h``)."""
    return float(value_of(ventilation_data()["mvhr"][key]))


def residential_hygiene_ach(m2_per_person: float) -> float:
    """Minimum air change of a dwelling [1/h] for a floor area per person [m2/person].

    GB 50736-2012 Table 3.0.6-2: Fp <= 10: 0.70; <= 20: 0.60; <= 50: 0.50;
    above: 0.45 1/h (values in ``ventilation.toml``).

    >>> residential_hygiene_ach(25.0)
    0.5
    """
    d = ventilation_data()["residential_hygiene"]
    bounds = [float(v) for v in value_of(d["fp_upper_m2_per_person"])]
    rates = [float(v) for v in value_of(d["air_change_1_h"])]
    return rates[bisect.bisect_left(bounds, float(m2_per_person))]


def hygiene_ach(b: Building) -> float:
    """The hygiene air change a building must get all year [1/h]: homes only (0 for others).

    0 also when ``operation.hygiene_ventilation`` is off (test cases whose
    specification fixes the air change, e.g. ASHRAE 140).
    """
    if b.building_type != "residential" or not b.operation.hygiene_ventilation:
        return 0.0
    return residential_hygiene_ach(b.operation.occupancy_m2_per_person)


def has_heat_recovery(b: Building) -> bool:
    """True when a heat-recovery ventilation unit is fitted."""
    return b.operation.heat_recovery_efficiency > 0.0


def clear_height_m(b: Building) -> float:
    """Room clear height [m]: storey height less the internal floor's construction thickness.

    In a building of several storeys the storey height is floor to floor (层高)
    and the room's clear height (净高) is that less one internal floor. A
    single storey has no internal floor: its storey height is taken as the
    room height (ASHRAE 140 gives its box so). Never below half the storey
    height (an internal floor thicker than that is not one people live
    under; the floor then counts as half).
    """
    g = b.geometry
    if g.storeys <= 1:
        return g.storey_height_m
    slab = sum(ly.thickness_m for ly in b.constructions.internal_floor.layers)
    return max(g.storey_height_m - slab, 0.5 * g.storey_height_m)


def room_air_volume_m3(floor_area_m2: float, b: Building) -> float:
    """Room air volume [m3] over ``floor_area_m2`` of floor: floor area x clear height."""
    return floor_area_m2 * clear_height_m(b)


def window_makeup_ach(b: Building) -> float:
    """Window / purpose ventilation a home needs on top of infiltration to reach the hygiene rate [1/h].

    Zero with a heat-recovery unit (it supplies the hygiene rate) and for
    non-residential buildings (their fresh air is per person).
    """
    if has_heat_recovery(b):
        return 0.0
    return max(0.0, hygiene_ach(b) - b.operation.infiltration_ach)


def mechanical_ach(b: Building) -> float:
    """Air change a home's heat-recovery unit supplies [1/h]: the hygiene rate (0 without a unit)."""
    return hygiene_ach(b) if has_heat_recovery(b) else 0.0


def outdoor_air_ach(b: Building) -> float:
    """A home's all-year outdoor air [1/h] on the room volume (infiltration + window make-up + mechanical).

    Per-person fresh air (offices, schools) is not included: it follows occupancy.
    """
    return b.operation.infiltration_ach + window_makeup_ach(b) + mechanical_ach(b)


@dataclass(frozen=True)
class HygieneCheck:
    """How a home's air change compares with the hygiene rate.

    Attributes
    ----------
    hygiene_ach
        Hygiene air change of GB 50736-2012 [1/h].
    infiltration_ach
        Infiltration after the package [1/h].
    window_makeup_ach
        Window / purpose ventilation the model adds to reach the hygiene rate [1/h].
    heat_recovery
        Whether a heat-recovery ventilation unit supplies the hygiene rate.
    """

    hygiene_ach: float
    infiltration_ach: float
    window_makeup_ach: float
    heat_recovery: bool

    @property
    def relies_on_windows(self) -> bool:
        """True when infiltration alone is below the hygiene rate and no unit makes it up."""
        return self.window_makeup_ach > 1e-9


def hygiene_check(b: Building) -> HygieneCheck | None:
    """The hygiene comparison of a home (None for other building types)."""
    if b.building_type != "residential":
        return None
    return HygieneCheck(hygiene_ach(b), b.operation.infiltration_ach, window_makeup_ach(b), has_heat_recovery(b))


#: Text every hygiene warning holds (the app shows its own bilingual note instead).
HYGIENE_MARK = "below the hygiene air change"


def hygiene_warning(b: Building) -> str | None:
    """A warning when a home's infiltration is below the hygiene rate and no heat-recovery unit is fitted.

    The simulation still gives the home the hygiene rate (window airing makes
    up the rest, and its heat loss is counted); the warning says the package
    relies on occupants opening windows in winter.
    """
    c = hygiene_check(b)
    if c is None or not c.relies_on_windows:
        return None
    return (f"infiltration {c.infiltration_ach:.2f} 1/h is {HYGIENE_MARK} "
            f"{c.hygiene_ach:.2f} 1/h (GB 50736-2012 Table 3.0.6-2) and no heat-recovery ventilation (mvhr) "
            f"is fitted: the results assume {c.window_makeup_ach:.2f} 1/h of window airing all year "
            "(its heat loss is counted); add mvhr or keep airtightness at or above the hygiene rate")


# --------------------------------------------------------------------------- fan electricity


def _day_is_weekday(doy: int) -> bool:
    return (doy - 1) % 7 < WEEKDAYS_PER_WEEK


def hourly_occupancy_fraction(b: Building) -> np.ndarray:
    """The occupancy schedule over the year [-], 8760 values (vacation days on the weekend profile)."""
    op = b.operation
    vacation = set().union(*(p.days() for p in op.vacations)) if op.vacations else set()
    weekday = np.asarray(op.occupancy.weekday, dtype=float)
    weekend = np.asarray(op.occupancy.weekend, dtype=float)
    days = [weekday if _day_is_weekday(d) and d not in vacation else weekend for d in range(1, DAYS_PER_YEAR + 1)]
    return np.concatenate(days)


def heating_season_mask(b: Building) -> np.ndarray:
    """True in the hours of the heating season (all hours when the season is not limited), 8760 values."""
    season = b.operation.heating_season
    if season is None:
        return np.ones(HOURS_PER_YEAR, dtype=bool)
    days = season.days()
    return np.repeat(np.array([d in days for d in range(1, DAYS_PER_YEAR + 1)]), HOURS_PER_DAY)


def people(b: Building) -> float:
    """Design number of occupants [persons]: floor area / floor area per person."""
    return b.floor_area_m2 / b.operation.occupancy_m2_per_person


def hourly_mechanical_air_m3(b: Building) -> np.ndarray:
    """Outdoor air the heat-recovery unit moves each hour [m3], 8760 values (zeros without a unit).

    Homes: the hygiene rate on the room air volume, all year. Per-person
    fresh air: flow per person x occupants x occupancy fraction.
    """
    if not has_heat_recovery(b):
        return np.zeros(HOURS_PER_YEAR)
    volume = room_air_volume_m3(b.floor_area_m2, b)
    flow = np.full(HOURS_PER_YEAR, mechanical_ach(b) * volume)
    if b.operation.fresh_air_m3_h_person > 0:
        flow = flow + b.operation.fresh_air_m3_h_person * people(b) * hourly_occupancy_fraction(b)
    return flow


def hourly_fan_kwh(b: Building) -> np.ndarray:
    """Electricity of the heat-recovery unit's fans each hour [kWh], 8760 values.

    Specific fan power [W/(m3/h)] (``systems.ventilation_fan_w_per_m3_h``)
    x air flow [m3/h] / 1000.
    """
    return hourly_mechanical_air_m3(b) * b.systems.ventilation_fan_w_per_m3_h / 1000.0


def heating_days(b: Building) -> set[int]:
    """Days (1..365) of the heating season."""
    season = b.operation.heating_season
    return set(range(1, DAYS_PER_YEAR + 1)) if season is None else season.days()


__all__ = [
    "HYGIENE_MARK",
    "HygieneCheck",
    "clear_height_m",
    "has_heat_recovery",
    "heating_days",
    "heating_season_mask",
    "hourly_fan_kwh",
    "hourly_mechanical_air_m3",
    "hourly_occupancy_fraction",
    "hygiene_ach",
    "hygiene_check",
    "hygiene_warning",
    "mechanical_ach",
    "mvhr_default",
    "outdoor_air_ach",
    "residential_hygiene_ach",
    "room_air_volume_m3",
    "ventilation_data",
    "window_makeup_ach",
]
