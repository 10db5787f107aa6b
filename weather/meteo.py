"""Psychrometrics, sky long-wave radiation and undisturbed ground temperature.

Small pure functions shared by the generator (:mod:`weather.synthetic`) and
the morphing (:mod:`weather.morphing`). They stay hand-written: psychrolib and
MetPy use other saturation-pressure fits (ASHRAE Hyland-Wexler, Bolton) and
pvlib a different precipitable-water model (Gueymard 1994), each of which
would change the built-in year's bytes (the surrogate dataset's
training-weather id) for no gain at EPW's 0.1 C resolution, and none has the
EnergyPlus sky model or the Kusuda ground temperatures.

References
----------
.. [1] Alduchov, O. A. & Eskridge, R. E. (1996). Improved Magnus form
   approximation of saturation vapor pressure. *J. Appl. Meteor.* 35, 601-609.
.. [2] Clark, G. & Allen, C. (1978). The estimation of atmospheric radiation
   for clear and cloudy skies. *Proc. 2nd National Passive Solar Conference*,
   675-678; with the cloud factor of Walton (1983) as used in the EnergyPlus
   Engineering Reference, "Sky Radiation Modeling".
.. [3] Reitan, C. H. (1963). Surface dew point and water vapor aloft.
   *J. Appl. Meteor.* 2, 776-779.
.. [4] Kusuda, T. & Achenbach, P. R. (1965). Earth temperature and thermal
   diffusivity at selected stations in the United States. *ASHRAE
   Transactions* 71(1), 61-75.
"""

from __future__ import annotations

import numpy as np

from simulator.units import MAGNUS_WATER_A as _MAGNUS_A
from simulator.units import MAGNUS_WATER_B_C as _MAGNUS_B_C
from simulator.units import saturation_vapour_pressure_pa

STEFAN_BOLTZMANN_W_M2K4 = 5.670374419e-8
"""Stefan-Boltzmann constant [W/(m2 K4)] (CODATA 2018)."""


SOIL_DIFFUSIVITY_M2_DAY = 2.322576e-3 * 24.0
"""Soil thermal diffusivity [m2/day]: 2.322576e-3 m2/h, the value the EnergyPlus
weather converter uses for the GROUND TEMPERATURES header."""

GROUND_DEPTHS_M = (0.5, 2.0, 4.0)
"""Depths written to the EPW GROUND TEMPERATURES header [m] (EnergyPlus convention)."""

MID_MONTH_DAY = np.array([15, 46, 74, 105, 135, 166, 196, 227, 258, 288, 319, 349])
"""Day of year of the middle of each month (non-leap year) [-]."""


def saturation_vapour_pressure_hpa(temp_c: np.ndarray) -> np.ndarray:
    """Saturation vapour pressure over water [hPa], Magnus form of Alduchov & Eskridge [1]_.

    :func:`simulator.units.saturation_vapour_pressure_pa`, the project's one formula, in hPa.
    """
    return saturation_vapour_pressure_pa(temp_c) / 100.0


def rel_humidity_pct(dry_bulb_c: np.ndarray, dew_point_c: np.ndarray) -> np.ndarray:
    """Relative humidity [%] from dry-bulb and dew-point temperature [C]."""
    return 100.0 * saturation_vapour_pressure_hpa(dew_point_c) / saturation_vapour_pressure_hpa(dry_bulb_c)


def dew_point_c(dry_bulb_c: np.ndarray, rel_humidity: np.ndarray) -> np.ndarray:
    """Dew-point temperature [C] from dry bulb [C] and relative humidity [%] (inverse Magnus [1]_)."""
    t = np.asarray(dry_bulb_c, dtype=float)
    rh = np.clip(np.asarray(rel_humidity, dtype=float), 0.5, 100.0)
    gamma = np.log(rh / 100.0) + _MAGNUS_A * t / (_MAGNUS_B_C + t)
    return _MAGNUS_B_C * gamma / (_MAGNUS_A - gamma)


def sky_emissivity(dew_point: np.ndarray, opaque_sky_cover_tenths: np.ndarray) -> np.ndarray:
    """Sky emissivity [-], Clark & Allen (1978) with Walton's cloud factor [2]_.

    ``eps = (0.787 + 0.764 ln(Tdp / 273)) (1 + 0.0224 N - 0.0035 N^2 + 0.00028 N^3)``
    with ``Tdp`` in K and ``N`` the opaque sky cover [tenths]; the formula
    EnergyPlus itself uses when the file's horizontal IR is missing.
    """
    tdp_k = np.asarray(dew_point, dtype=float) + 273.15
    n = np.asarray(opaque_sky_cover_tenths, dtype=float)
    return (0.787 + 0.764 * np.log(tdp_k / 273.0)) * (1.0 + 0.0224 * n - 0.0035 * n**2 + 0.00028 * n**3)


def horizontal_ir_wh_m2(dry_bulb_c: np.ndarray, dew_point: np.ndarray,
                        opaque_sky_cover_tenths: np.ndarray) -> np.ndarray:
    """Horizontal infrared radiation from the sky [Wh/m2 per hour] ``= eps sigma T^4``."""
    t_k = np.asarray(dry_bulb_c, dtype=float) + 273.15
    return sky_emissivity(dew_point, opaque_sky_cover_tenths) * STEFAN_BOLTZMANN_W_M2K4 * t_k**4


def precipitable_water_mm(dew_point: np.ndarray) -> np.ndarray:
    """Precipitable water [mm] from surface dew point [C], Reitan (1963) [3]_: ``ln w_cm = 0.1102 + 0.0614 Td``."""
    return 10.0 * np.exp(0.1102 + 0.0614 * np.asarray(dew_point, dtype=float))


def kusuda_ground_temperature_c(depth_m: float, day_of_year: np.ndarray, mean_c: float,
                                amplitude_k: float, coldest_day: float,
                                diffusivity_m2_day: float = SOIL_DIFFUSIVITY_M2_DAY) -> np.ndarray:
    """Undisturbed ground temperature [C], Kusuda & Achenbach (1965) [4]_.

    ``T(z, t) = Tm - A exp(-z sqrt(pi / (365 a))) cos(2 pi / 365 (t - t0 - z / 2 sqrt(365 / (pi a))))``

    Parameters
    ----------
    depth_m
        Depth below the surface [m].
    day_of_year
        Day(s) of year [-].
    mean_c
        Annual mean surface (air) temperature [C].
    amplitude_k
        Half the peak-to-peak annual swing of the monthly mean surface temperature [K].
    coldest_day
        Day of year of the coldest surface temperature [-].
    diffusivity_m2_day
        Soil thermal diffusivity [m2/day].
    """
    damping = depth_m * np.sqrt(np.pi / (365.0 * diffusivity_m2_day))
    lag_d = depth_m / 2.0 * np.sqrt(365.0 / (np.pi * diffusivity_m2_day))
    phase = 2.0 * np.pi / 365.0 * (np.asarray(day_of_year, dtype=float) - coldest_day - lag_d)
    return mean_c - amplitude_k * np.exp(-damping) * np.cos(phase)


def monthly_ground_temperatures_c(monthly_air_c: np.ndarray,
                                  depths_m: tuple[float, ...] = GROUND_DEPTHS_M) -> dict[float, np.ndarray]:
    """Monthly undisturbed ground temperatures [C] at each depth from 12 monthly air means [C].

    The annual mean, amplitude and phase of the surface wave come from the
    first harmonic of the monthly means.
    """
    t = np.asarray(monthly_air_c, dtype=float)
    ang = 2.0 * np.pi * MID_MONTH_DAY / 365.0
    a1 = 2.0 / 12.0 * np.sum(t * np.cos(ang))
    b1 = 2.0 / 12.0 * np.sum(t * np.sin(ang))
    amplitude = float(np.hypot(a1, b1))
    warmest_day = (np.degrees(np.arctan2(b1, a1)) % 360.0) / 360.0 * 365.0
    coldest_day = (warmest_day + 365.0 / 2.0) % 365.0
    return {d: kusuda_ground_temperature_c(d, MID_MONTH_DAY, float(t.mean()), amplitude, coldest_day)
            for d in depths_m}
