"""Rooftop PV: hourly AC output of a fixed-tilt array from a typical weather year.

Model chain (PVWatts-like, no pvlib dependency):

1. Sun position for each hour of the EPW year (values at hour ``h`` are the
   energy of the hour *ending* at ``h``, local standard time). The sun is
   evaluated at the middle of the hour, or at the middle of the sunlit part
   of the hour in the sunrise and sunset hours (:func:`hourly_sun_position`).
   Declination and equation of time after Spencer (1971) [1]_.
2. Angle of incidence on the tilted plane (Duffie & Beckman 2013, eq. 1.6.3) [2]_.
3. Transposition: beam + Hay & Davies (1980) anisotropic sky diffuse [3]_ +
   isotropic ground-reflected irradiance with albedo [2]_.
4. Reflection losses: Martin & Ruiz (2001) incidence-angle modifier for the
   beam and its isotropic integrals for sky and ground diffuse [4]_.
5. Module temperature: Faiman (2008), as adopted by IEC 61853-2 [5]_.
6. DC power: PVWatts linear temperature model, then the PVWatts system-loss
   product (soiling, shading, mismatch, wiring, ...) [6]_.
7. Inverter: PVWatts part-load efficiency curve with clipping at the AC
   rating (DC/AC ratio) [6]_.
8. Degradation by year of operation (first-year and annual rates).

PV does not depend on the building's thermal model: the AC profile per kWp is
computed once per (weather, tilt, azimuth, parameters) and cached
(:func:`per_kwp_profile`); the output for a given capacity is that profile
times the kWp.

Conventions: azimuths are measured from north, clockwise (east 90, south 180,
west 270); tilt from the horizontal [deg]. Irradiance of one hour in Wh/m2 is
numerically the hour's mean irradiance in W/m2.

Parameters come from the ``[pv]`` table of ``simulator/data/systems.toml``;
every public function that takes ``params`` accepts overrides of that table
only, e.g. ``{"albedo": 0.3}`` (validated by
:func:`simulator.systems.load_system_params`).

References
----------
.. [1] Spencer, J. W. (1971). Fourier series representation of the position of
   the sun. *Search* 2(5), 172.
.. [2] Duffie, J. A. & Beckman, W. A. (2013). *Solar Engineering of Thermal
   Processes*, 4th ed. Wiley (eqs. 1.6.2, 1.6.3, 1.6.10, 2.15.1).
.. [3] Hay, J. E. & Davies, J. A. (1980). Calculation of the solar radiation
   incident on an inclined surface. Proc. First Canadian Solar Radiation
   Data Workshop, 59-72.
.. [4] Martin, N. & Ruiz, J. M. (2001). Calculation of the PV modules angular
   losses under field conditions by means of an analytical model. *Solar
   Energy Materials & Solar Cells* 70, 25-38.
.. [5] Faiman, D. (2008). Assessing the outdoor operating temperature of
   photovoltaic modules. *Progress in Photovoltaics* 16(4), 307-315.
.. [6] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from typing import Any

import numpy as np

from weather.solar import declination_deg, equation_of_time_min, extraterrestrial_normal_w_m2

log = logging.getLogger(__name__)

HOURS = 8760
SOLAR_CONSTANT_W_M2 = 1367.0
"""Solar constant [W/m2] (WMO 1981, as used by Duffie & Beckman [2]_)."""
MIN_COS_ZENITH_RB = 0.0872
"""Floor on cos(zenith) in the beam ratio Rb of the Hay-Davies model (sun 5 deg high) [-]."""
STC_IRRADIANCE_W_M2 = 1000.0
STC_TEMPERATURE_C = 25.0
LOSS_KEYS = ("soiling", "shading", "snow", "mismatch", "wiring", "connections", "lid",
             "nameplate", "age", "availability")
"""PVWatts v5 loss categories [6]_; each is a ``loss_<name>_pct`` key of the [pv] table."""

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_START = np.concatenate([[0], np.cumsum(_DAYS_IN_MONTH)[:-1]])


# --------------------------------------------------------------------------
# sun position
# --------------------------------------------------------------------------


def declination_rad(day_of_year: np.ndarray) -> np.ndarray:
    """Solar declination [rad], Spencer (1971) [1]_ (the weather package's series, in radians)."""
    return np.radians(declination_deg(day_of_year))


def solar_time_offset_h(day_of_year: np.ndarray, longitude_deg: float, time_zone_h: float) -> np.ndarray:
    """Apparent solar time minus local standard time [h] (Duffie & Beckman eq. 1.5.2) [2]_.

    ``4 min/deg x (longitude - 15 deg/h x time zone) + equation of time``, east positive.
    """
    return (4.0 * (longitude_deg - 15.0 * time_zone_h) + equation_of_time_min(day_of_year)) / 60.0


def hour_angle_deg(solar_time_h: np.ndarray) -> np.ndarray:
    """Hour angle [deg]: 15 deg per hour from solar noon, morning negative [2]_."""
    return 15.0 * (np.asarray(solar_time_h, dtype=float) - 12.0)


def sunset_hour_angle_rad(latitude_rad: float, declination: np.ndarray) -> np.ndarray:
    """Sunset hour angle [rad]: ``arccos(-tan(lat) tan(decl))`` (D&B eq. 1.6.10) [2]_.

    Clipped to [0, pi] for polar night and midnight sun.
    """
    return np.arccos(np.clip(-np.tan(latitude_rad) * np.tan(declination), -1.0, 1.0))


def cos_zenith(latitude_rad: float, declination: np.ndarray, hour_angle_rad: np.ndarray) -> np.ndarray:
    """Cosine of the solar zenith angle [-] (D&B eq. 1.6.5) [2]_."""
    return (np.sin(latitude_rad) * np.sin(declination)
            + np.cos(latitude_rad) * np.cos(declination) * np.cos(hour_angle_rad))


def solar_azimuth_deg(latitude_rad: float, declination: np.ndarray, hour_angle_rad: np.ndarray) -> np.ndarray:
    """Solar azimuth from north, clockwise [deg] (east 90, south 180, west 270) [2]_."""
    az = np.arctan2(np.sin(hour_angle_rad),
                    np.cos(hour_angle_rad) * np.sin(latitude_rad) - np.tan(declination) * np.cos(latitude_rad))
    return np.degrees(az) + 180.0


def day_of_year(month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day of a non-leap year (1-365) from month (1-12) and day of month."""
    month = np.asarray(month, dtype=int)
    return _MONTH_START[month - 1] + np.asarray(day, dtype=int)


def hourly_sun_position(doy: np.ndarray, hour_ending: np.ndarray, latitude_deg: float,
                        longitude_deg: float, time_zone_h: float) -> dict[str, np.ndarray]:
    """Representative sun position of each EPW hour.

    The hour ``[h-1, h]`` of local standard time is converted to an hour-angle
    interval; the part of it with the sun above the horizon is kept, and the
    sun is evaluated at the middle of that part: the mid-hour for full
    daylight hours, the middle of the sunlit minutes in the sunrise and sunset
    hours (the same idea as NREL SAM's weather-file processing).

    Parameters
    ----------
    doy
        Day of year (1-365) of each hour.
    hour_ending
        EPW hour (1-24), the end of the hour in local standard time.
    latitude_deg, longitude_deg
        Site [deg], north and east positive.
    time_zone_h
        Offset of local standard time from UTC [h].

    Returns
    -------
    dict
        ``cos_zenith`` [-] (0 when the sun is down all hour), ``zenith_deg``,
        ``azimuth_deg`` (from north, clockwise), ``declination_rad``,
        ``sunlit_fraction`` [-] of the hour.
    """
    doy = np.asarray(doy, dtype=float)
    hour_ending = np.asarray(hour_ending, dtype=float)
    lat = np.radians(latitude_deg)
    decl = declination_rad(doy)
    offset = solar_time_offset_h(doy, longitude_deg, time_zone_h)
    w_start = np.radians(hour_angle_deg(hour_ending - 1.0 + offset))
    w_end = np.radians(hour_angle_deg(hour_ending + offset))
    ws = sunset_hour_angle_rad(lat, decl)
    a = np.maximum(w_start, -ws)
    b = np.minimum(w_end, ws)
    up = b > a
    w_mid = np.where(up, 0.5 * (a + b), 0.5 * (w_start + w_end))
    cz = np.where(up, np.clip(cos_zenith(lat, decl, w_mid), 0.0, 1.0), 0.0)
    return {
        "cos_zenith": cz,
        "zenith_deg": np.degrees(np.arccos(cz)),
        "azimuth_deg": solar_azimuth_deg(lat, decl, w_mid),
        "declination_rad": decl,
        "sunlit_fraction": np.where(up, (b - a) / (w_end - w_start), 0.0),
    }


# --------------------------------------------------------------------------
# plane of array
# --------------------------------------------------------------------------


def cos_incidence(zenith_deg: np.ndarray, sun_azimuth_deg: np.ndarray, tilt_deg: float,
                  surface_azimuth_deg: float) -> np.ndarray:
    """Cosine of the angle of incidence of the beam on a tilted plane [-] (D&B eq. 1.6.3) [2]_.

    ``cos(Z) cos(beta) + sin(Z) sin(beta) cos(gamma_s - gamma)``; negative when the
    sun is behind the plane. Azimuths from north, clockwise [deg].
    """
    z = np.radians(zenith_deg)
    beta = np.radians(tilt_deg)
    return (np.cos(z) * np.cos(beta)
            + np.sin(z) * np.sin(beta) * np.cos(np.radians(np.asarray(sun_azimuth_deg) - surface_azimuth_deg)))


def hay_davies_sky_diffuse_w_m2(dhi_w_m2: np.ndarray, dni_w_m2: np.ndarray, dni_extra_w_m2: np.ndarray,
                                cos_aoi: np.ndarray, cos_zen: np.ndarray, tilt_deg: float) -> np.ndarray:
    """Sky diffuse irradiance on a tilted plane [W/m2], Hay & Davies (1980) [3]_.

    ``DHI [A Rb + (1 - A)(1 + cos beta)/2]`` with the anisotropy index
    ``A = DNI / E0n`` (circumsolar share) and ``Rb = max(cos(aoi), 0) / cos(Z)``;
    cos(Z) is floored at :data:`MIN_COS_ZENITH_RB` so low sun cannot blow up Rb.
    """
    a = np.clip(np.asarray(dni_w_m2) / np.asarray(dni_extra_w_m2), 0.0, 1.0)
    a = np.where(np.asarray(cos_zen) > 0.0, a, 0.0)
    rb = np.maximum(cos_aoi, 0.0) / np.maximum(cos_zen, MIN_COS_ZENITH_RB)
    iso = 0.5 * (1.0 + np.cos(np.radians(tilt_deg)))
    return np.asarray(dhi_w_m2) * (a * rb + (1.0 - a) * iso)


def ground_reflected_w_m2(ghi_w_m2: np.ndarray, albedo: float, tilt_deg: float) -> np.ndarray:
    """Ground-reflected irradiance on a tilted plane [W/m2], isotropic ground (D&B eq. 2.15.1) [2]_."""
    return np.asarray(ghi_w_m2) * albedo * 0.5 * (1.0 - np.cos(np.radians(tilt_deg)))


def martin_ruiz_iam(cos_aoi: np.ndarray, a_r: float) -> np.ndarray:
    """Beam incidence-angle modifier [-], Martin & Ruiz (2001) eq. 3 [4]_.

    ``(1 - exp(-cos(aoi)/a_r)) / (1 - exp(-1/a_r))``; 0 for the sun behind the plane.
    """
    c = np.clip(cos_aoi, 0.0, 1.0)
    return (1.0 - np.exp(-c / a_r)) / (1.0 - np.exp(-1.0 / a_r))


def martin_ruiz_diffuse_iam(tilt_deg: float, a_r: float) -> tuple[float, float]:
    """Incidence-angle modifiers of isotropic sky and ground diffuse [-], Martin & Ruiz (2001) [4]_.

    Analytical approximation of the integral over the visible sky (ground) with
    ``c1 = 4/(3 pi)`` and ``c2 = 0.5 a_r - 0.154`` (the linear fit of c2 on a_r
    given by the authors).

    Returns
    -------
    (iam_sky, iam_ground)
    """
    beta = np.radians(min(max(tilt_deg, 1e-6), 180.0 - 1e-6))
    c1 = 4.0 / (3.0 * np.pi)
    c2 = 0.5 * a_r - 0.154
    s = np.sin(beta) if tilt_deg < 90 else np.sin(np.pi - beta)
    t_sky = s + (np.pi - beta - s) / (1.0 + np.cos(beta))
    t_gnd = s + (beta - s) / (1.0 - np.cos(beta))
    iam_sky = 1.0 - np.exp(-(c1 + c2 * t_sky) * t_sky / a_r)
    iam_gnd = 1.0 - np.exp(-(c1 + c2 * t_gnd) * t_gnd / a_r)
    return float(iam_sky), float(iam_gnd)


# --------------------------------------------------------------------------
# module, losses, inverter
# --------------------------------------------------------------------------


def faiman_module_temperature_c(poa_w_m2: np.ndarray, air_temperature_c: np.ndarray,
                                wind_speed_m_s: np.ndarray, u0_w_m2k: float, u1_w_s_m3k: float) -> np.ndarray:
    """Module (cell) temperature [C], Faiman (2008) / IEC 61853-2 [5]_.

    ``T_m = T_a + E_poa / (U0 + U1 v)``.
    """
    return np.asarray(air_temperature_c) + np.asarray(poa_w_m2) / (
        u0_w_m2k + u1_w_s_m3k * np.maximum(np.asarray(wind_speed_m_s), 0.0))


def pvwatts_dc_kw(effective_irradiance_w_m2: np.ndarray, cell_temperature_c: np.ndarray,
                  dc_rating_kw: float, temperature_coefficient_1_k: float) -> np.ndarray:
    """DC power [kW], PVWatts v5 (Dobos 2014 eq. 9) [6]_.

    ``P = P_stc E/1000 [1 + gamma (T_c - 25)]``, floored at 0.
    """
    p = (dc_rating_kw * np.asarray(effective_irradiance_w_m2) / STC_IRRADIANCE_W_M2
         * (1.0 + temperature_coefficient_1_k * (np.asarray(cell_temperature_c) - STC_TEMPERATURE_C)))
    return np.maximum(p, 0.0)


def system_loss_fraction(losses_pct: dict[str, float]) -> float:
    """Combined system loss [-] of PVWatts loss categories [%]: ``1 - prod(1 - L_i/100)`` [6]_."""
    keep = 1.0
    for value in losses_pct.values():
        keep *= 1.0 - value / 100.0
    return 1.0 - keep


def pvwatts_inverter_ac_kw(dc_kw: np.ndarray, ac_rating_kw: float, nominal_efficiency: float,
                           reference_efficiency: float = 0.9637) -> np.ndarray:
    """AC power [kW] of the PVWatts inverter model with clipping (Dobos 2014 eqs. 10-11) [6]_.

    ``eta = eta_nom/eta_ref (-0.0162 z - 0.0059/z + 0.9858)`` with
    ``z = P_dc / P_dc0`` and ``P_dc0 = P_ac0 / eta_nom``; ``P_ac = min(eta P_dc, P_ac0)``,
    floored at 0 (no night consumption modelled).
    """
    dc = np.asarray(dc_kw, dtype=float)
    pdc0 = ac_rating_kw / nominal_efficiency
    z = np.where(dc > 0.0, dc / pdc0, 1.0)
    eta = nominal_efficiency / reference_efficiency * (-0.0162 * z - 0.0059 / z + 0.9858)
    ac = np.where(dc > 0.0, eta * dc, 0.0)
    return np.clip(ac, 0.0, ac_rating_kw)


def degradation_factor(year_of_operation: int, first_year_fraction: float, annual_fraction: float) -> float:
    """Remaining module power in a year of operation [-].

    ``(1 - d1) (1 - d)^(n - 1)``: the first-year loss (light-induced
    degradation) applies from year 1, the annual rate from year 2 (MIIT
    光伏制造行业规范条件 limits, see systems.toml).
    """
    if year_of_operation < 1:
        raise ValueError(f"year_of_operation must be >= 1, got {year_of_operation}")
    return (1.0 - first_year_fraction) * (1.0 - annual_fraction) ** (year_of_operation - 1)


# --------------------------------------------------------------------------
# orchestration and cache
# --------------------------------------------------------------------------


def _pv_params(overrides: dict | None) -> dict[str, Any]:
    from simulator.systems import load_system_params  # systems imports this module

    return load_system_params({"pv": overrides} if overrides else None)["pv"]


def _weather_key(weather) -> str:
    wid = getattr(weather, "id", None)
    if wid:
        return str(wid)
    d = weather.data
    h = hashlib.sha256()
    for col in ("dry_bulb_c", "ghi_wh_m2", "dni_wh_m2", "dhi_wh_m2", "wind_speed_m_s"):
        h.update(np.ascontiguousarray(d[col].to_numpy(dtype=float)).tobytes())
    s = weather.site
    h.update(repr((s.latitude_deg, s.longitude_deg, s.time_zone_h)).encode())
    return h.hexdigest()[:12]


class _Keyed:
    """A weather object hashed by its content id, so it can key an lru_cache."""

    __slots__ = ("weather", "key")

    def __init__(self, weather):
        self.weather = weather
        self.key = _weather_key(weather)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Keyed) and other.key == self.key


def _freeze(params: dict) -> tuple:
    return tuple(sorted((k, _freeze(v) if isinstance(v, dict) else (tuple(v) if isinstance(v, list) else v))
                        for k, v in params.items()))


def _check_weather(weather) -> None:
    from simulator.exceptions import ValidationError

    d = weather.data
    need = ("month", "day", "hour", "dry_bulb_c", "ghi_wh_m2", "dni_wh_m2", "dhi_wh_m2", "wind_speed_m_s")
    missing = [c for c in need if c not in d.columns]
    if missing or len(d) != HOURS:
        raise ValidationError([f"weather needs {HOURS} hourly rows with columns {', '.join(need)}; "
                               f"got {len(d)} rows, missing {missing or 'none'}"], source="pv")


def poa_irradiance_w_m2(weather, tilt_deg: float, azimuth_deg: float, albedo: float) -> dict[str, np.ndarray]:
    """Hourly plane-of-array irradiance components [W/m2] (hour means).

    Returns ``beam``, ``sky_diffuse``, ``ground``, ``global``, ``cos_aoi``.
    """
    d = weather.data
    s = weather.site
    doy = day_of_year(d["month"].to_numpy(), d["day"].to_numpy())
    sun = hourly_sun_position(doy, d["hour"].to_numpy(), s.latitude_deg, s.longitude_deg, s.time_zone_h)
    ghi = np.maximum(d["ghi_wh_m2"].to_numpy(dtype=float), 0.0)
    dni = np.maximum(d["dni_wh_m2"].to_numpy(dtype=float), 0.0)
    dhi = np.maximum(d["dhi_wh_m2"].to_numpy(dtype=float), 0.0)
    cz = sun["cos_zenith"]
    # Sun below the horizon all hour but radiation recorded (twilight, clock offsets):
    # treat it as isotropic diffuse, never as beam.
    down = cz <= 0.0
    dhi = np.where(down, np.maximum(dhi, ghi), dhi)
    dni = np.where(down, 0.0, dni)
    cos_aoi = cos_incidence(sun["zenith_deg"], sun["azimuth_deg"], tilt_deg, azimuth_deg)
    cos_aoi = np.where(down, 0.0, cos_aoi)
    beam = dni * np.maximum(cos_aoi, 0.0)
    sky = hay_davies_sky_diffuse_w_m2(dhi, dni, extraterrestrial_normal_w_m2(doy), cos_aoi, cz, tilt_deg)
    ground = ground_reflected_w_m2(ghi, albedo, tilt_deg)
    return {"beam": beam, "sky_diffuse": sky, "ground": ground, "global": beam + sky + ground,
            "cos_aoi": cos_aoi}


def _ac_per_kwp(weather, tilt_deg: float, azimuth_deg: float, p: dict[str, Any]) -> np.ndarray:
    poa = poa_irradiance_w_m2(weather, tilt_deg, azimuth_deg, p["albedo"])
    iam_sky, iam_gnd = martin_ruiz_diffuse_iam(tilt_deg, p["iam_a_r"])
    effective = (poa["beam"] * martin_ruiz_iam(poa["cos_aoi"], p["iam_a_r"])
                 + poa["sky_diffuse"] * iam_sky + poa["ground"] * iam_gnd)
    d = weather.data
    t_cell = faiman_module_temperature_c(poa["global"], d["dry_bulb_c"].to_numpy(dtype=float),
                                         d["wind_speed_m_s"].to_numpy(dtype=float),
                                         p["faiman_u0_w_m2k"], p["faiman_u1_w_s_m3k"])
    dc = pvwatts_dc_kw(effective, t_cell, 1.0, p["temperature_coefficient_1_k"])
    losses = {k: p[f"loss_{k}_pct"] for k in LOSS_KEYS}
    dc = dc * (1.0 - system_loss_fraction(losses))
    return pvwatts_inverter_ac_kw(dc, 1.0 / p["dc_ac_ratio"], p["inverter_nominal_efficiency"],
                                  p["inverter_reference_efficiency"])


@functools.lru_cache(maxsize=64)
def _cached_profile(keyed: _Keyed, tilt_deg: float, azimuth_deg: float, frozen: tuple) -> np.ndarray:
    p = _thaw(frozen)
    out = _ac_per_kwp(keyed.weather, tilt_deg, azimuth_deg, p)
    out.setflags(write=False)
    return out


def _thaw(frozen: tuple) -> dict:
    return {k: (_thaw(v) if isinstance(v, tuple) and v and isinstance(v[0], tuple) else v) for k, v in frozen}


def per_kwp_profile(weather, tilt_deg: float, azimuth_deg: float, params: dict | None = None) -> np.ndarray:
    """Hourly AC output per kWp of DC nameplate, before degradation [kWh/kWp], 8760 values.

    Cached per (weather content id, tilt, azimuth, parameters); the array is
    read-only and shared, so copy it before changing it.

    Parameters
    ----------
    weather
        :class:`weather.Weather` (``data`` with month, day, hour, dry_bulb_c,
        ghi/dni/dhi_wh_m2, wind_speed_m_s; ``site`` with latitude_deg,
        longitude_deg, time_zone_h).
    tilt_deg
        Tilt from horizontal [deg], 0-90.
    azimuth_deg
        Azimuth from north, clockwise [deg] (180 = south).
    params
        Overrides of the ``[pv]`` table of systems.toml.
    """
    from simulator.exceptions import ValidationError

    problems = []
    if not 0.0 <= float(tilt_deg) <= 90.0:
        problems.append(f"tilt_deg = {tilt_deg!r}: allowed range [0, 90] deg")
    if not 0.0 <= float(azimuth_deg) <= 360.0:
        problems.append(f"azimuth_deg = {azimuth_deg!r}: allowed range [0, 360] deg (from north, clockwise)")
    if problems:
        raise ValidationError(problems, source="pv")
    _check_weather(weather)
    p = _pv_params(params)
    return _cached_profile(_Keyed(weather), float(tilt_deg), float(azimuth_deg) % 360.0, _freeze(p))


def pv_hourly_kwh(weather, capacity_kw: float, tilt_deg: float, azimuth_deg: float,
                  params: dict | None = None, year_of_operation: int = 1) -> np.ndarray:
    """Hourly AC energy of a rooftop array [kWh], 8760 values.

    Parameters
    ----------
    weather
        Weather year (see :func:`per_kwp_profile`).
    capacity_kw
        DC nameplate capacity [kWp], >= 0.
    tilt_deg
        Tilt from horizontal [deg].
    azimuth_deg
        Azimuth from north, clockwise [deg] (180 = south).
    params
        Overrides of the ``[pv]`` table of systems.toml, e.g. ``{"albedo": 0.3}``.
    year_of_operation
        1 for the first year; degradation per systems.toml.

    Returns
    -------
    numpy.ndarray
        New (writable) array of 8760 hourly AC energies [kWh].
    """
    from simulator.exceptions import ValidationError

    if not (np.isfinite(capacity_kw) and capacity_kw >= 0.0):
        raise ValidationError([f"capacity_kw = {capacity_kw!r}: allowed range [0, inf) kWp"], source="pv")
    if int(year_of_operation) != year_of_operation or year_of_operation < 1:
        raise ValidationError([f"year_of_operation = {year_of_operation!r}: an integer >= 1"], source="pv")
    if capacity_kw == 0.0:
        return np.zeros(HOURS)
    p = _pv_params(params)
    factor = degradation_factor(int(year_of_operation), p["degradation_first_year_fraction"],
                                p["degradation_annual_fraction"])
    return per_kwp_profile(weather, tilt_deg, azimuth_deg, params) * (capacity_kw * factor)


def specific_yield_kwh_kwp(weather, tilt_deg: float, azimuth_deg: float, params: dict | None = None,
                           year_of_operation: int = 1) -> float:
    """Annual AC yield per kWp of DC nameplate [kWh/kWp] (see :func:`pv_hourly_kwh`)."""
    return float(pv_hourly_kwh(weather, 1.0, tilt_deg, azimuth_deg, params, year_of_operation).sum())


def roof_pv_capacity_kw(building, params: dict | None = None) -> float:
    """PV capacity that fits on the roof [kWp].

    ``footprint [m2] x usable roof fraction (by building type) x Wp per m2 of
    usable roof / 1000``. The power density depends on the layout chosen by
    the building's PV tilt: tilted rows spaced against self-shading above
    ``low_tilt_max_deg``, dense low-tilt or east-west rows at or below it
    (fact sheet section 6).

    Parameters
    ----------
    building
        :class:`buildings.model.Building` (uses ``geometry.footprint_m2``,
        ``building_type``, ``systems.pv_tilt_deg``).
    params
        Overrides of the ``[pv]`` table of systems.toml.
    """
    from simulator.exceptions import ValidationError

    p = _pv_params(params)
    fractions = p["usable_roof_fraction"]
    btype = building.building_type
    if btype not in fractions:
        raise ValidationError([f"building_type {btype!r} has no usable_roof_fraction; "
                               f"valid: {', '.join(sorted(fractions))}"], source="pv")
    tilt = building.systems.pv_tilt_deg
    wp_m2 = p["module_wp_m2_low_tilt"] if tilt <= p["low_tilt_max_deg"] else p["module_wp_m2_tilted"]
    return building.geometry.footprint_m2 * fractions[btype] * wp_m2 / 1000.0
