"""Units, the calendar of the simulated year, and moist-air properties: written once.

The simulated year is a non-leap year of 8,760 hours (EnergyPlus annual runs
and TMY-style weather files); hour index ``i`` is the clock hour
``[i mod 24, i mod 24 + 1)`` of day ``i // 24 + 1`` of the year.

This module imports nothing from the project, so every layer (weather,
buildings, simulator, surrogate, plant) can use it.

References
----------
.. [1] Alduchov, O. A. & Eskridge, R. E. (1996). Improved Magnus form
   approximation of saturation vapor pressure. *J. Appl. Meteorol.* 35,
   601-609. doi:10.1175/1520-0450(1996)035<0601:IMFAOS>2.0.CO;2.
   Over water (-40..50 C): ``610.94 exp(17.625 T / (T + 243.04))`` Pa;
   over ice (-80..0 C): ``611.21 exp(22.587 T / (T + 273.86))`` Pa.
.. [2] ASHRAE Handbook - Fundamentals (2017), ch. 1 Psychrometrics, eq. 20:
   humidity ratio ``W = 0.621945 p_w / (p - p_w)``.
"""

from __future__ import annotations

import bisect

import numpy as np

HOURS_PER_DAY = 24
DAYS_PER_YEAR = 365
HOURS_PER_YEAR = HOURS_PER_DAY * DAYS_PER_YEAR  # 8760
HOURS_PER_LEAP_YEAR = HOURS_PER_YEAR + HOURS_PER_DAY  # 8784
SECONDS_PER_HOUR = 3600
SECONDS_PER_YEAR = HOURS_PER_YEAR * SECONDS_PER_HOUR  # 31,536,000

DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
"""Days of each month of a non-leap year, January first."""

MONTH_START_DAY = tuple(int(x) for x in np.concatenate([[0], np.cumsum(DAYS_IN_MONTH)]))
"""Days before each month (13 values: 0, 31, 59, ..., 334, 365)."""

MONTH_HOURS = np.array(DAYS_IN_MONTH) * HOURS_PER_DAY
"""Hours of each month [h] (744, 672, ...)."""
MONTH_HOURS.flags.writeable = False

MONTH_OF_HOUR = np.repeat(np.arange(12), MONTH_HOURS)
"""Month index 0..11 of each hour of the year (8760 values)."""
MONTH_OF_HOUR.flags.writeable = False

MONTH_OF_DAY = np.repeat(np.arange(12), DAYS_IN_MONTH)
"""Month index 0..11 of each day of the year (365 values)."""
MONTH_OF_DAY.flags.writeable = False

KWH_PER_MJ = 1.0 / 3.6
WH_PER_J = 1.0 / 3600.0

WATER_AIR_MASS_RATIO = 0.621945
"""Ratio of the molar masses of water vapour and dry air [-] (ASHRAE Fundamentals ch. 1 [2]_)."""

AIR_WH_M3K = 0.335
"""Volumetric heat capacity of air rho c_p [Wh/(m3 K)]: 1.2 kg/m3 x 1005 J/(kg K) / 3600."""

STEFAN_BOLTZMANN_W_M2K4 = 5.670374419e-8
"""Stefan-Boltzmann constant [W/(m2 K4)] (CODATA 2018, exact in the 2019 SI)."""


def day_of_year(month: int | np.ndarray, day: int | np.ndarray) -> int | np.ndarray:
    """Day of the (non-leap) year 1..365 of a month 1..12 and day of month 1..31."""
    start = np.asarray(MONTH_START_DAY)[np.asarray(month) - 1]
    doy = start + np.asarray(day)
    return int(doy) if np.ndim(doy) == 0 else doy


def month_and_day(doy: int) -> tuple[int, int]:
    """Month 1..12 and day of month of a day of the (non-leap) year 1..365; the inverse of :func:`day_of_year`.

    Raises
    ------
    ValueError
        For a day outside 1..365.
    """
    if not 1 <= doy <= DAYS_PER_YEAR:
        raise ValueError(f"day of year {doy!r} is not in 1..{DAYS_PER_YEAR}")
    month = bisect.bisect_left(MONTH_START_DAY, doy)  # MONTH_START_DAY[month - 1] < doy <= MONTH_START_DAY[month]
    return month, doy - MONTH_START_DAY[month - 1]


MAGNUS_WATER_PA, MAGNUS_WATER_A, MAGNUS_WATER_B_C = 610.94, 17.625, 243.04
"""Coefficients of the Magnus form over water [1]_: ``p_s = 610.94 exp(17.625 T / (T + 243.04))`` Pa."""


def saturation_vapour_pressure_pa(temperature_c: np.ndarray, over_ice: bool | np.ndarray = False) -> np.ndarray:
    """Saturation vapour pressure [Pa], Magnus form of Alduchov & Eskridge (1996) [1]_.

    The project's one saturation-pressure formula. ``over_ice`` (a bool or a
    boolean array like ``temperature_c``) selects the ice coefficients.
    """
    t = np.asarray(temperature_c, dtype=float)
    water = MAGNUS_WATER_PA * np.exp(MAGNUS_WATER_A * t / (t + MAGNUS_WATER_B_C))
    ice = 611.21 * np.exp(22.587 * t / (t + 273.86))
    return np.where(over_ice, ice, water)


def humidity_ratio_kg_kg(vapour_pressure_pa: np.ndarray, pressure_pa: np.ndarray) -> np.ndarray:
    """Humidity ratio [kg water / kg dry air]: ``0.621945 e / (p - e)`` [2]_."""
    e = np.asarray(vapour_pressure_pa, dtype=float)
    return WATER_AIR_MASS_RATIO * e / (np.asarray(pressure_pa, dtype=float) - e)
