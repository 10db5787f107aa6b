"""Solar geometry, extraterrestrial and clear-sky irradiation, diffuse split.

Pure numpy functions, vectorised over days or hours, for the weather
generator (:mod:`weather.synthetic`). Angles in degrees at the interface,
radians inside. Hourly values follow the EPW convention: the value at hour
``h`` (1-24, local standard time) is the energy received during the hour that
*ends* at ``h``.

Declination and extraterrestrial irradiance come from pvlib [5]_ (bit-for-bit
the built-in year's previous values); pvlib has no clock-hour integral of the
extraterrestrial irradiation, so that stays here. The equation of time,
Haurwitz clear sky and Erbs split stay hand-written for now because pvlib's
versions (equation-of-time constant 0.0000075 instead of Duffie & Beckman's
0.000075, Haurwitz exponent 0.059 instead of 0.057, Erbs clearness with solar
constant 1366.1 and a cos(zenith) floor) change the built-in year's bytes,
which are the surrogate dataset's training-weather id (measured:
``benchmarks/results/pv_pvlib_comparison.md``, heating and cooling within
0.13 %); the switch belongs to the session that regenerates that dataset.

References
----------
.. [1] Spencer, J. W. (1971). Fourier series representation of the position
   of the sun. *Search* 2(5), 172.
.. [2] Duffie, J. A. & Beckman, W. A. (2013). *Solar Engineering of Thermal
   Processes*, 4th ed., Wiley: eq. 1.5.3 (equation of time), eq. 1.10.4
   (hourly extraterrestrial irradiation on a horizontal plane), eq. 1.6.10
   (sunset hour angle).
.. [3] Haurwitz, B. (1945). Insolation in relation to cloudiness and cloud
   density. *Journal of Meteorology* 2, 154-166 (clear-sky GHI).
.. [4] Erbs, D. G., Klein, S. A. & Duffie, J. A. (1982). Estimation of the
   diffuse radiation fraction for hourly, daily and monthly-average global
   radiation. *Solar Energy* 28(4), 293-302.
.. [5] Holmgren, W. F., Hansen, C. W. & Mikofski, M. A. (2018). pvlib python:
   a python package for modeling solar energy systems. *Journal of Open
   Source Software* 3(29), 884.
"""

from __future__ import annotations

import numpy as np
from pvlib import irradiance, solarposition

SOLAR_CONSTANT_W_M2 = 1367.0
"""Solar constant [W/m2] (WMO 1981 value, used by Duffie & Beckman)."""

_HAURWITZ_A_W_M2 = 1098.0
_HAURWITZ_B = 0.057
MIN_COS_ZENITH_FOR_BEAM = 0.065
"""Below this hour-mean cos(zenith) (sun < ~3.7 deg) all radiation is taken as diffuse [-]."""


def day_angle_rad(day_of_year: np.ndarray) -> np.ndarray:
    """Spencer's day angle ``2 pi (n - 1) / 365`` [rad] for day of year ``n`` (1-365)."""
    return 2.0 * np.pi * (np.asarray(day_of_year, dtype=float) - 1.0) / 365.0


def declination_deg(day_of_year: np.ndarray) -> np.ndarray:
    """Solar declination [deg], Spencer (1971) [1]_ (``pvlib.solarposition.declination_spencer71``)."""
    return np.degrees(solarposition.declination_spencer71(np.asarray(day_of_year, dtype=float)))


def equation_of_time_min(day_of_year: np.ndarray) -> np.ndarray:
    """Equation of time [min], Spencer (1971) [1]_ in the form of Duffie & Beckman eq. 1.5.3 [2]_."""
    g = day_angle_rad(day_of_year)
    return 229.18 * (0.000075 + 0.001868 * np.cos(g) - 0.032077 * np.sin(g)
                     - 0.014615 * np.cos(2 * g) - 0.04089 * np.sin(2 * g))


def extraterrestrial_normal_w_m2(day_of_year: np.ndarray) -> np.ndarray:
    """Extraterrestrial irradiance on a plane normal to the sun [W/m2].

    ``pvlib.irradiance.get_extra_radiation`` (Spencer 1971 earth-sun distance
    [1]_) with :data:`SOLAR_CONSTANT_W_M2`.
    """
    doy = np.asarray(day_of_year, dtype=float)
    return np.asarray(irradiance.get_extra_radiation(doy, solar_constant=SOLAR_CONSTANT_W_M2, method="spencer"),
                      dtype=float)


def solar_time_h(clock_time_h: np.ndarray, day_of_year: np.ndarray, longitude_deg: float,
                 time_zone_h: float) -> np.ndarray:
    """Apparent solar time [h] from local standard clock time [h].

    ``t_solar = t_clock + (4 (lon - 15 tz) + EoT) / 60``, longitude east positive.
    """
    eot = equation_of_time_min(day_of_year)
    return np.asarray(clock_time_h, dtype=float) + (4.0 * (longitude_deg - 15.0 * time_zone_h) + eot) / 60.0


def sunset_hour_angle_deg(latitude_deg: float, declination: np.ndarray) -> np.ndarray:
    """Sunset hour angle ``arccos(-tan(lat) tan(decl))`` [deg], Duffie & Beckman eq. 1.6.10 [2]_."""
    x = -np.tan(np.radians(latitude_deg)) * np.tan(np.radians(declination))
    return np.degrees(np.arccos(np.clip(x, -1.0, 1.0)))


def sunrise_clock_h(day_of_year: np.ndarray, latitude_deg: float, longitude_deg: float,
                    time_zone_h: float) -> np.ndarray:
    """Sunrise in local standard time [h] (geometric, no refraction)."""
    ws = sunset_hour_angle_deg(latitude_deg, declination_deg(day_of_year))
    noon = solar_noon_clock_h(day_of_year, longitude_deg, time_zone_h)
    return noon - ws / 15.0


def solar_noon_clock_h(day_of_year: np.ndarray, longitude_deg: float, time_zone_h: float) -> np.ndarray:
    """Solar noon in local standard time [h]."""
    return 12.0 - (4.0 * (longitude_deg - 15.0 * time_zone_h) + equation_of_time_min(day_of_year)) / 60.0


def hourly_extraterrestrial_horizontal_wh_m2(day_of_year: np.ndarray, hour: np.ndarray,
                                             latitude_deg: float, longitude_deg: float,
                                             time_zone_h: float) -> tuple[np.ndarray, np.ndarray]:
    """Extraterrestrial irradiation on a horizontal plane over the hour ending at ``hour``.

    Integrates ``G0n cos(zenith)`` exactly between the hour angles of the
    start and end of the hour, clipped to sunrise and sunset (Duffie &
    Beckman eq. 1.10.4 [2]_), so sunrise and sunset hours get their partial
    share.

    Parameters
    ----------
    day_of_year
        Day of year (1-365) for each hour [-].
    hour
        EPW hour (1-24) [h]; the interval is ``hour - 1`` to ``hour``.
    latitude_deg, longitude_deg
        Site position [deg], north and east positive.
    time_zone_h
        Offset of local standard time from UTC [h].

    Returns
    -------
    irradiation_wh_m2
        Extraterrestrial irradiation on the horizontal [Wh/m2].
    mean_cos_zenith_daylit
        Mean cos(zenith) over the sunlit part of the hour [-] (0 when the sun
        is down the whole hour).
    """
    doy = np.asarray(day_of_year, dtype=float)
    hour = np.asarray(hour, dtype=float)
    lat = np.radians(latitude_deg)
    dec = np.radians(declination_deg(doy))
    ws = np.radians(sunset_hour_angle_deg(latitude_deg, np.degrees(dec)))
    t_end = solar_time_h(hour, doy, longitude_deg, time_zone_h)
    w2 = np.clip(np.radians(15.0 * (t_end - 12.0)), -ws, ws)
    w1 = np.clip(np.radians(15.0 * (t_end - 1.0 - 12.0)), -ws, ws)
    g0n = extraterrestrial_normal_w_m2(doy)
    integral = np.cos(lat) * np.cos(dec) * (np.sin(w2) - np.sin(w1)) + (w2 - w1) * np.sin(lat) * np.sin(dec)
    irr = np.maximum(0.0, (12.0 / np.pi) * g0n * integral)
    daylit_h = (w2 - w1) * 12.0 / np.pi
    with np.errstate(invalid="ignore", divide="ignore"):
        cosz = np.where(daylit_h > 1e-6, irr / (g0n * daylit_h), 0.0)
    return irr, np.clip(cosz, 0.0, 1.0)


def haurwitz_clear_sky_ghi_w_m2(cos_zenith: np.ndarray) -> np.ndarray:
    """Clear-sky global horizontal irradiance [W/m2], Haurwitz (1945) [3]_.

    ``GHI_cs = 1098 cos(z) exp(-0.057 / cos(z))``; zero for the sun below the horizon.
    """
    cz = np.asarray(cos_zenith, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        g = _HAURWITZ_A_W_M2 * cz * np.exp(-_HAURWITZ_B / np.where(cz > 0, cz, 1.0))
    return np.where(cz > 0, g, 0.0)


def erbs_diffuse_fraction(kt: np.ndarray) -> np.ndarray:
    """Hourly diffuse fraction ``DHI / GHI`` [-] from the clearness index ``kt``, Erbs et al. (1982) [4]_."""
    kt = np.clip(np.asarray(kt, dtype=float), 0.0, 1.0)
    mid = 0.9511 - 0.1604 * kt + 4.388 * kt**2 - 16.638 * kt**3 + 12.336 * kt**4
    return np.where(kt <= 0.22, 1.0 - 0.09 * kt, np.where(kt <= 0.80, mid, 0.165))


def split_global_wh_m2(ghi_wh_m2: np.ndarray, extraterrestrial_wh_m2: np.ndarray,
                       mean_cos_zenith: np.ndarray, g0n_w_m2: np.ndarray,
                       max_dni_w_m2: float = 1050.0,
                       diffuse_factor: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Split hourly GHI into DNI and DHI with the Erbs correlation.

    Parameters
    ----------
    ghi_wh_m2
        Hourly global horizontal irradiation [Wh/m2].
    extraterrestrial_wh_m2
        Hourly extraterrestrial horizontal irradiation [Wh/m2].
    mean_cos_zenith
        Mean cos(zenith) over the sunlit part of each hour [-].
    g0n_w_m2
        Extraterrestrial normal irradiance [W/m2].
    max_dni_w_m2
        Cap on DNI [W/m2]; any beam above it is moved to the diffuse part.
    diffuse_factor
        Factor on each hour's Erbs diffuse fraction [-], clipped to 0 .. 1 (GHI is kept, the beam
        takes the rest, then the DNI cap and the low-sun rule apply as for 1). 1 is Erbs itself,
        bit for bit; < 1 gives clearer (less hazy) skies of the same global irradiation.

    Returns
    -------
    dni_wh_m2, dhi_wh_m2
        Direct normal and diffuse horizontal irradiation [Wh/m2]; ``DHI +
        DNI * cos_eff = GHI`` with ``cos_eff = I0h / G0n`` the hour-integrated
        cos(zenith) (so sunrise hours stay consistent).
    """
    ghi = np.asarray(ghi_wh_m2, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        kt = np.where(extraterrestrial_wh_m2 > 0, ghi / extraterrestrial_wh_m2, 0.0)
        fraction = erbs_diffuse_fraction(kt)
        if diffuse_factor != 1.0:
            fraction = np.clip(diffuse_factor * fraction, 0.0, 1.0)
        dhi = ghi * fraction
        cos_eff = extraterrestrial_wh_m2 / g0n_w_m2
        beam_h = ghi - dhi
        dni = np.where((mean_cos_zenith >= MIN_COS_ZENITH_FOR_BEAM) & (cos_eff > 1e-3),
                       beam_h / np.where(cos_eff > 1e-3, cos_eff, 1.0), 0.0)
    dni = np.minimum(dni, max_dni_w_m2)
    dhi = ghi - dni * cos_eff
    return dni, dhi
