"""Rooftop PV: hourly AC output of a fixed-tilt array from a typical weather year (pvlib).

Model chain, each step a pvlib function [1]_ called directly (pvlib's
``ModelChain`` applies no incidence-angle modifier to diffuse light and
evaluates the sun at the time stamps it is given; both matter here):

1. Sun position for each hour of the EPW year (values at hour ``h`` are the
   energy of the hour *ending* at ``h``, local standard time):
   ``pvlib.solarposition.get_solarposition`` (NREL SPA) at the middle of the
   hour, or at the middle of the sunlit part of the hour in the sunrise and
   sunset hours (sunrise and sunset from
   ``pvlib.solarposition.sun_rise_set_transit_spa``; the same idea as NREL
   SAM's weather-file processing), :func:`hourly_sun_position`.
2. Transposition, ``pvlib.irradiance.get_total_irradiance``: beam + Hay &
   Davies (1980) anisotropic sky diffuse + isotropic ground reflection with
   the albedo [2]_.
3. Reflection losses, ``pvlib.iam.martin_ruiz`` for the beam and
   ``pvlib.iam.martin_ruiz_diffuse`` for sky and ground diffuse [3]_.
4. Module temperature, ``pvlib.temperature.faiman`` (Faiman 2008, IEC 61853-2) [4]_.
5. DC power, ``pvlib.pvsystem.pvwatts_dc``, times the PVWatts system-loss
   product ``pvlib.pvsystem.pvwatts_losses`` (soiling, shading, mismatch,
   wiring, ...) [5]_.
6. Inverter, ``pvlib.inverter.pvwatts``: part-load efficiency curve with
   clipping at the AC rating (DC/AC ratio) [5]_.
7. Degradation by year of operation (first-year and annual rates) - the
   project's own, as are the cache, the roof-capacity rule and the parameters.

PV does not depend on the building's thermal model: the AC profile per kWp is
computed once per (weather, tilt, azimuth, parameters) and cached
(:func:`per_kwp_profile`); the output for a given capacity is that profile
times the kWp. The sun positions are cached per weather, so other tilts and
azimuths on the same weather skip step 1.

Conventions: azimuths are measured from north, clockwise (east 90, south 180,
west 270), as in pvlib; tilt from the horizontal [deg]. Irradiance of one hour
in Wh/m2 is numerically the hour's mean irradiance in W/m2. A typical year
mixes months of several years, so the sun is computed for one non-leap
:data:`REFERENCE_YEAR`.

Parameters come from the ``[pv]`` table of ``simulator/data/systems.toml``;
every public function that takes ``params`` accepts overrides of that table
only, e.g. ``{"albedo": 0.3}`` (validated by
:func:`simulator.systems.load_system_params`).

References
----------
.. [1] Anderson, K. S. et al. (2023). pvlib python: 2023 project update.
   *Journal of Open Source Software* 8(92), 5994 (version in pyproject.toml).
.. [2] Hay, J. E. & Davies, J. A. (1980). Calculation of the solar radiation
   incident on an inclined surface. Proc. First Canadian Solar Radiation
   Data Workshop, 59-72.
.. [3] Martin, N. & Ruiz, J. M. (2001). Calculation of the PV modules angular
   losses under field conditions by means of an analytical model. *Solar
   Energy Materials & Solar Cells* 70, 25-38.
.. [4] Faiman, D. (2008). Assessing the outdoor operating temperature of
   photovoltaic modules. *Progress in Photovoltaics* 16(4), 307-315.
.. [5] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from typing import Any

import numpy as np
import pandas as pd
from pvlib import iam, inverter, irradiance, pvsystem, solarposition, temperature

from simulator.system_params import load_system_params
from simulator.units import HOURS_PER_YEAR as HOURS

log = logging.getLogger(__name__)

REFERENCE_YEAR = 2025
"""Calendar year of the sun positions [-]: any non-leap year; over a leap cycle the sun's
declination on a given date shifts by under 0.2 deg."""
LOSS_KEYS = ("soiling", "shading", "snow", "mismatch", "wiring", "connections", "lid",
             "nameplate", "age", "availability")
"""PVWatts v5 loss categories [5]_; each is a ``loss_<name>_pct`` key of the [pv] table."""
_PVLIB_LOSS_NAMES = {"nameplate": "nameplate_rating"}
"""Our loss key -> the keyword of ``pvlib.pvsystem.pvwatts_losses`` where they differ."""


# --------------------------------------------------------------------------
# sun position
# --------------------------------------------------------------------------


def hour_start_times(month: np.ndarray, day: np.ndarray, hour_ending: np.ndarray,
                     time_zone_h: float, year: int = REFERENCE_YEAR) -> pd.DatetimeIndex:
    """Start of each EPW hour as time-zone-aware timestamps (local standard time of ``year``)."""
    tz = f"Etc/GMT{-int(time_zone_h):+d}" if float(time_zone_h).is_integer() else None
    naive = pd.to_datetime({"year": year, "month": np.asarray(month, dtype=int),
                            "day": np.asarray(day, dtype=int)}) + pd.to_timedelta(
        np.asarray(hour_ending, dtype=float) - 1.0, unit="h")
    idx = pd.DatetimeIndex(naive)
    if tz is not None:
        return idx.tz_localize(tz)
    return (idx - pd.Timedelta(hours=float(time_zone_h))).tz_localize("UTC")


def hourly_sun_position(month: np.ndarray, day: np.ndarray, hour_ending: np.ndarray, latitude_deg: float,
                        longitude_deg: float, time_zone_h: float, elevation_m: float = 0.0,
                        year: int = REFERENCE_YEAR) -> pd.DataFrame:
    """Representative sun position of each EPW hour (pvlib SPA).

    The hour ``[h-1, h]`` of local standard time is cut to the part with the
    sun above the horizon (sunrise and sunset from
    ``pvlib.solarposition.sun_rise_set_transit_spa``) and the sun is taken at
    the middle of that part: the mid-hour for full daylight hours, the middle
    of the sunlit minutes in the sunrise and sunset hours.

    Parameters
    ----------
    month, day
        Calendar date of each hour.
    hour_ending
        EPW hour (1-24), the end of the hour in local standard time.
    latitude_deg, longitude_deg
        Site [deg], north and east positive.
    time_zone_h
        Offset of local standard time from UTC [h].
    elevation_m
        Site elevation [m] (air pressure for the refraction correction).
    year
        Calendar year of the dates (default :data:`REFERENCE_YEAR`).

    Returns
    -------
    pandas.DataFrame
        Indexed by the representative time of each hour: pvlib's
        ``apparent_zenith``, ``zenith``, ``azimuth`` [deg] (from north,
        clockwise), and ``sunlit_fraction`` [-] of the hour (0 when the sun
        is down the whole hour).
    """
    start = hour_start_times(month, day, hour_ending, time_zone_h, year)
    midnight = start.normalize()
    days = pd.DatetimeIndex(midnight.unique())
    rise_set = solarposition.sun_rise_set_transit_spa(days, latitude_deg, longitude_deg)
    hours = (rise_set[["sunrise", "sunset"]].apply(lambda c: (c - days) / pd.Timedelta(hours=1)))
    day_pos = days.get_indexer(midnight)
    sunrise = hours["sunrise"].to_numpy(dtype=float)[day_pos]
    sunset = hours["sunset"].to_numpy(dtype=float)[day_pos]
    t0 = np.asarray(hour_ending, dtype=float) - 1.0
    a = np.maximum(t0, sunrise)
    b = np.minimum(t0 + 1.0, sunset)
    up = b > a  # False also where sunrise/sunset are NaN (polar day or night: decided below)
    t_rep = np.where(up, 0.5 * (a + b), t0 + 0.5)
    times = midnight + pd.to_timedelta(t_rep, unit="h")
    sun = solarposition.get_solarposition(times, latitude_deg, longitude_deg, altitude=elevation_m)
    polar = np.isnan(sunrise) | np.isnan(sunset)
    up = np.where(polar, sun["apparent_elevation"].to_numpy() > 0.0, up)
    frac = np.where(polar, up.astype(float), np.where(up, b - a, 0.0))
    out = sun[["apparent_zenith", "zenith", "azimuth"]].copy()
    out["sunlit_fraction"] = np.clip(frac, 0.0, 1.0)
    return out


# --------------------------------------------------------------------------
# plane of array and module
# --------------------------------------------------------------------------


def _clean_irradiance(weather, sun: pd.DataFrame,
                      dni_extra_w_m2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GHI, DNI, DHI [W/m2] as the transposition may use them.

    Negative values become 0. DNI is capped at the extraterrestrial normal
    irradiance, the physical limit of the beam (some files, CSWD Tianjin
    among them, carry sunset-hour DNI of several thousand W/m2; pvlib's Hay &
    Davies would also turn it into an anisotropy index above 1). Radiation
    recorded while the sun is below the horizon the whole hour (twilight,
    clock offsets of the file) is taken as isotropic diffuse.
    """
    d = weather.data
    ghi = np.maximum(d["ghi_wh_m2"].to_numpy(dtype=float), 0.0)
    dni = np.clip(d["dni_wh_m2"].to_numpy(dtype=float), 0.0, dni_extra_w_m2)
    dhi = np.maximum(d["dhi_wh_m2"].to_numpy(dtype=float), 0.0)
    down = sun["sunlit_fraction"].to_numpy() <= 0.0
    return ghi, np.where(down, 0.0, dni), np.where(down, np.maximum(dhi, ghi), dhi)


def poa_irradiance_w_m2(weather, tilt_deg: float, azimuth_deg: float, albedo: float) -> dict[str, np.ndarray]:
    """Hourly plane-of-array irradiance components [W/m2] (hour means), Hay & Davies sky [2]_.

    Returns ``beam``, ``sky_diffuse``, ``ground``, ``global`` [W/m2] and
    ``aoi_deg`` (angle of incidence of the beam [deg]).
    """
    sun = _sun(weather)
    dni_extra = np.asarray(irradiance.get_extra_radiation(sun.index.day_of_year.to_numpy(dtype=float)))
    ghi, dni, dhi = _clean_irradiance(weather, sun, dni_extra)
    zen = sun["apparent_zenith"].to_numpy()
    az = sun["azimuth"].to_numpy()
    poa = irradiance.get_total_irradiance(tilt_deg, azimuth_deg, zen, az, dni, ghi, dhi,
                                          dni_extra=dni_extra, albedo=albedo, model="haydavies")
    return {"beam": np.asarray(poa["poa_direct"]), "sky_diffuse": np.asarray(poa["poa_sky_diffuse"]),
            "ground": np.asarray(poa["poa_ground_diffuse"]), "global": np.asarray(poa["poa_global"]),
            "aoi_deg": np.asarray(irradiance.aoi(tilt_deg, azimuth_deg, zen, az))}


def _ac_per_kwp(weather, tilt_deg: float, azimuth_deg: float, p: dict[str, Any]) -> np.ndarray:
    """Hourly AC output per kWp of DC nameplate [kWh/kWp] (steps 2-6 of the module docstring)."""
    poa = poa_irradiance_w_m2(weather, tilt_deg, azimuth_deg, p["albedo"])
    diffuse_iam = iam.martin_ruiz_diffuse(tilt_deg, a_r=p["iam_a_r"])
    effective = (poa["beam"] * iam.martin_ruiz(poa["aoi_deg"], a_r=p["iam_a_r"])
                 + poa["sky_diffuse"] * float(diffuse_iam["sky"]) + poa["ground"] * float(diffuse_iam["ground"]))
    d = weather.data
    t_cell = temperature.faiman(poa["global"], d["dry_bulb_c"].to_numpy(dtype=float),
                                np.maximum(d["wind_speed_m_s"].to_numpy(dtype=float), 0.0),
                                u0=p["faiman_u0_w_m2k"], u1=p["faiman_u1_w_s_m3k"])
    dc_kw = pvsystem.pvwatts_dc(effective, t_cell, pdc0=1.0, gamma_pdc=p["temperature_coefficient_1_k"])
    losses_pct = pvsystem.pvwatts_losses(**{_PVLIB_LOSS_NAMES.get(k, k): p[f"loss_{k}_pct"] for k in LOSS_KEYS})
    dc_kw = np.maximum(np.asarray(dc_kw, dtype=float), 0.0) * (1.0 - losses_pct / 100.0)
    eta_nom = p["inverter_nominal_efficiency"]
    ac_kw = inverter.pvwatts(dc_kw, pdc0=1.0 / p["dc_ac_ratio"] / eta_nom, eta_inv_nom=eta_nom,
                             eta_inv_ref=p["inverter_reference_efficiency"])
    return np.asarray(ac_kw, dtype=float)


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


@functools.lru_cache(maxsize=16)
def _cached_sun(keyed: _Keyed) -> pd.DataFrame:
    d, site = keyed.weather.data, keyed.weather.site
    return hourly_sun_position(d["month"].to_numpy(), d["day"].to_numpy(), d["hour"].to_numpy(),
                               site.latitude_deg, site.longitude_deg, site.time_zone_h,
                               getattr(site, "elevation_m", 0.0))


def clear_caches() -> None:
    """Forget the cached sun positions and profiles (for timing an uncached run)."""
    _cached_sun.cache_clear()
    _cached_profile.cache_clear()


def _sun(weather) -> pd.DataFrame:
    """Sun positions of a weather year, cached per weather content (:func:`hourly_sun_position`)."""
    _check_weather(weather)
    return _cached_sun(_Keyed(weather))


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
