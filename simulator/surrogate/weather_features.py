"""Features of a weather year for the surrogate, and its weather domain.

:func:`weather_features` reduces an EPW year (a :class:`weather.Weather`) to a
few numbers, vectorised numpy, about 0.1 s:

* ``t_mNN_c``: monthly mean dry bulb [C] (12);
* ``hdd18_kd``, ``cdd18_kd``: degree-days of the daily means, bases 18 C [K d];
* ``ghi_kwh_m2``: annual global horizontal irradiation [kWh/m2];
* ``solar_{south,north,east,west}_heating_kwh_m2`` and ``..._cooling_kwh_m2``:
  irradiation on a vertical surface facing each way (isotropic sky, the
  surrogate's own :func:`simulator.surrogate.hourly.vertical_irradiance_wh_m2`),
  summed over November-March (heating) and June-September (cooling) [kWh/m2];
* ``dew_point_summer_c``: mean dew point of June-August [C] (latent cooling).

The surrogate's physical estimate (:mod:`simulator.surrogate.physics`) takes
the whole hourly year; of these numbers the regressors see
:data:`MODEL_INPUTS`, and :data:`DOMAIN_SLACK` decides when a weather lies
outside the range of the training weathers (the domain warning).
"""

from __future__ import annotations

import numpy as np

from simulator.surrogate import hourly as H

HEATING_MONTHS = (11, 12, 1, 2, 3)
COOLING_MONTHS = (6, 7, 8, 9)
SUMMER_MONTHS = (6, 7, 8)
FACADE_AZIMUTH_DEG = {"south": 180.0, "north": 0.0, "east": 90.0, "west": 270.0}

#: Weather numbers the regressors take besides the building's features and the physical estimate.
MODEL_INPUTS = ("hdd18_kd", "cdd18_kd", "solar_south_heating_kwh_m2", "dew_point_summer_c")

#: How far a weather feature may lie outside the training weathers' range and still count as
#: inside the domain, in its own unit. Estimate: about the year-to-year scatter of one synthetic
#: Tianjin year with another seed (weather/synthetic.py docstring: HDD18 +/- 16 K d, monthly means
#: exact), doubled; 0.5 K for a monthly mean, 5 % of the annual irradiation.
DOMAIN_SLACK = {
    **{f"t_m{m:02d}_c": 0.5 for m in range(1, 13)},
    "hdd18_kd": 50.0, "cdd18_kd": 50.0, "ghi_kwh_m2": 70.0,
    "solar_south_heating_kwh_m2": 25.0, "dew_point_summer_c": 1.0,
}


def weather_features(w) -> dict[str, float]:
    """The features of a weather year (see the module docstring; units in the names)."""
    data = w.data
    month = data["month"].to_numpy()
    t = data["dry_bulb_c"].to_numpy(dtype=float)
    out: dict[str, float] = {}
    for m in range(1, 13):
        out[f"t_m{m:02d}_c"] = float(t[month == m].mean())
    daily = t.reshape(-1, 24).mean(axis=1)
    out["hdd18_kd"] = float(np.clip(18.0 - daily, 0.0, None).sum())
    out["cdd18_kd"] = float(np.clip(daily - 18.0, 0.0, None).sum())
    out["ghi_kwh_m2"] = float(data["ghi_wh_m2"].to_numpy(dtype=float).sum() / 1000.0)
    site = w.site
    cos_z, az = H.solar_position(data, site.latitude_deg, site.longitude_deg, site.time_zone_h)
    heat = np.isin(month, HEATING_MONTHS)
    cool = np.isin(month, COOLING_MONTHS)
    for face, surface_az in FACADE_AZIMUTH_DEG.items():
        irr = H.vertical_irradiance_wh_m2(data, cos_z, az, surface_az)
        out[f"solar_{face}_heating_kwh_m2"] = float(irr[heat].sum() / 1000.0)
        out[f"solar_{face}_cooling_kwh_m2"] = float(irr[cool].sum() / 1000.0)
    out["dew_point_summer_c"] = float(data["dew_point_c"].to_numpy(dtype=float)[np.isin(month, SUMMER_MONTHS)].mean())
    return out


def feature_ranges(features: list[dict[str, float]]) -> dict[str, tuple[float, float]]:
    """``{name: (min, max)}`` over the features of several weathers."""
    names = features[0].keys() if features else ()
    return {n: (min(f[n] for f in features), max(f[n] for f in features)) for n in names}


def domain_problems(features: dict[str, float], ranges: dict[str, tuple[float, float]]) -> list[str]:
    """Each feature of a weather outside the training range (plus :data:`DOMAIN_SLACK`), as a sentence."""
    out = []
    for name, slack in DOMAIN_SLACK.items():
        if name not in ranges or name not in features:
            continue
        lo, hi = ranges[name]
        v = features[name]
        if v < lo - slack or v > hi + slack:
            out.append(f"weather {name} = {v:.1f} is outside the training weathers' {lo:.1f} .. {hi:.1f} "
                       f"(+/- {slack:g})")
    return out
