"""Compare the pvlib PV chain (simulator/pv.py) with the hand-written chain it replaced (issue 17).

Writes ``benchmarks/results/pv_pvlib_comparison.json`` and ``.md``:

1. AC yield per kWp, annual and monthly, old vs pvlib, on the built-in Tianjin
   year and the CSWD year (../shared/weather), for the roof configurations
   the project uses: the archetypes' default (south, 30 deg), the
   ``rooftop_pv`` measure (tilt 25 deg, facing the building: south), and the
   low-tilt layouts of ``benchmarks/bench_systems.py`` (south 10 deg, east and
   west 10 deg, flat);
2. the hour-by-hour difference (RMSE and largest difference, kWh/kWp per hour);
3. the time of one uncached PV profile per weather, old vs pvlib (wall and CPU);
4. the weather generator with pvlib's equation of time, Haurwitz clear sky and
   Erbs split (the parts :mod:`weather.solar` keeps hand-written): change of
   the built-in year's GHI/DNI/DHI and of EnergyPlus heating and cooling of
   old_estate_pre1990 and public_office.

The old chain (hand-written Spencer sun position, Hay & Davies, Martin & Ruiz,
Faiman, PVWatts DC and inverter, as in simulator/pv.py before issue 17) is
kept below, in this benchmark only, so the comparison can be rerun.

    HONGQIAO_CACHE_DIR=... .venv/bin/python benchmarks/bench_pv_pvlib.py

Not a test: times depend on the machine and its load.
"""

from __future__ import annotations

import datetime
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import archetypes  # noqa: E402
import weather  # noqa: E402
from simulator import pv  # noqa: E402
from weather import solar, synthetic  # noqa: E402
from weather.epw import read_epw  # noqa: E402
from weather.heldout import CSWD  # noqa: E402

OUT = Path(__file__).resolve().parent / "results"
CONFIGS = {  # name: (tilt_deg, azimuth_deg from north)
    "south_30 (archetype default)": (30.0, 180.0),
    "south_25 (rooftop_pv measure)": (25.0, 180.0),
    "south_10 (low tilt)": (10.0, 180.0),
    "east_10": (10.0, 90.0),
    "west_10": (10.0, 270.0),
    "flat_0": (0.0, 180.0),
}
DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# ------------------------------------------------------------------ the old, hand-written chain

def _day_angle(doy):
    return 2.0 * np.pi * (np.asarray(doy, dtype=float) - 1.0) / 365.0


def old_declination_rad(doy):
    g = _day_angle(doy)
    return (0.006918 - 0.399912 * np.cos(g) + 0.070257 * np.sin(g) - 0.006758 * np.cos(2 * g)
            + 0.000907 * np.sin(2 * g) - 0.002697 * np.cos(3 * g) + 0.00148 * np.sin(3 * g))


def old_eot_min(doy):
    g = _day_angle(doy)
    return 229.18 * (0.000075 + 0.001868 * np.cos(g) - 0.032077 * np.sin(g)
                     - 0.014615 * np.cos(2 * g) - 0.04089 * np.sin(2 * g))


def old_g0n_w_m2(doy):
    g = _day_angle(doy)
    return 1367.0 * (1.000110 + 0.034221 * np.cos(g) + 0.001280 * np.sin(g)
                     + 0.000719 * np.cos(2 * g) + 0.000077 * np.sin(2 * g))


def old_sun(doy, hour_ending, lat_deg, lon_deg, tz_h):
    """Sun at the middle of the sunlit part of each hour, Spencer geometry (old pv.hourly_sun_position)."""
    lat = np.radians(lat_deg)
    decl = old_declination_rad(doy)
    offset = (4.0 * (lon_deg - 15.0 * tz_h) + old_eot_min(doy)) / 60.0
    w_start = np.radians(15.0 * (hour_ending - 1.0 + offset - 12.0))
    w_end = np.radians(15.0 * (hour_ending + offset - 12.0))
    ws = np.arccos(np.clip(-np.tan(lat) * np.tan(decl), -1.0, 1.0))
    a, b = np.maximum(w_start, -ws), np.minimum(w_end, ws)
    up = b > a
    w = np.where(up, 0.5 * (a + b), 0.5 * (w_start + w_end))
    cz = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(w)
    cz = np.where(up, np.clip(cz, 0.0, 1.0), 0.0)
    az = np.degrees(np.arctan2(np.sin(w), np.cos(w) * np.sin(lat) - np.tan(decl) * np.cos(lat))) + 180.0
    return cz, az


def old_chain_ac_per_kwp(w, tilt, azimuth, p, cap_dni: bool = False):
    """Hourly AC per kWp of the pre-issue-17 chain [kWh/kWp].

    ``cap_dni``: cap DNI at the extraterrestrial normal irradiance as the pvlib
    chain does (not in the old code), to separate that data cleaning from the
    model differences.
    """
    d, s = w.data, w.site
    doy = np.concatenate([[0], np.cumsum(DAYS)[:-1]])[d["month"].to_numpy() - 1] + d["day"].to_numpy()
    cz, sun_az = old_sun(doy, d["hour"].to_numpy(dtype=float), s.latitude_deg, s.longitude_deg, s.time_zone_h)
    ghi, dni, dhi = (np.maximum(d[c].to_numpy(dtype=float), 0.0) for c in ("ghi_wh_m2", "dni_wh_m2", "dhi_wh_m2"))
    down = cz <= 0.0
    dhi = np.where(down, np.maximum(dhi, ghi), dhi)
    dni = np.where(down, 0.0, np.minimum(dni, old_g0n_w_m2(doy)) if cap_dni else dni)
    z, beta = np.arccos(cz), np.radians(tilt)
    cos_aoi = np.cos(z) * np.cos(beta) + np.sin(z) * np.sin(beta) * np.cos(np.radians(sun_az - azimuth))
    cos_aoi = np.where(down, 0.0, cos_aoi)
    beam = dni * np.maximum(cos_aoi, 0.0)
    ai = np.where(cz > 0.0, np.clip(dni / old_g0n_w_m2(doy), 0.0, 1.0), 0.0)  # Hay & Davies
    rb = np.maximum(cos_aoi, 0.0) / np.maximum(cz, 0.0872)
    sky = dhi * (ai * rb + (1.0 - ai) * 0.5 * (1.0 + np.cos(beta)))
    ground = ghi * p["albedo"] * 0.5 * (1.0 - np.cos(beta))
    a_r = p["iam_a_r"]  # Martin & Ruiz
    iam_b = (1.0 - np.exp(-np.clip(cos_aoi, 0.0, 1.0) / a_r)) / (1.0 - np.exp(-1.0 / a_r))
    bb = np.radians(min(max(tilt, 1e-6), 180.0 - 1e-6))
    c1, c2 = 4.0 / (3.0 * np.pi), 0.5 * a_r - 0.154
    sb = np.sin(bb)
    t_sky = sb + (np.pi - bb - sb) / (1.0 + np.cos(bb))
    t_gnd = sb + (bb - sb) / (1.0 - np.cos(bb))
    iam_s = 1.0 - np.exp(-(c1 + c2 * t_sky) * t_sky / a_r)
    iam_g = 1.0 - np.exp(-(c1 + c2 * t_gnd) * t_gnd / a_r)
    eff = beam * iam_b + sky * iam_s + ground * iam_g
    t_cell = d["dry_bulb_c"].to_numpy(dtype=float) + (beam + sky + ground) / (
        p["faiman_u0_w_m2k"] + p["faiman_u1_w_s_m3k"] * np.maximum(d["wind_speed_m_s"].to_numpy(dtype=float), 0.0))
    dc = np.maximum(eff / 1000.0 * (1.0 + p["temperature_coefficient_1_k"] * (t_cell - 25.0)), 0.0)
    keep = 1.0
    for k in pv.LOSS_KEYS:
        keep *= 1.0 - p[f"loss_{k}_pct"] / 100.0
    dc = dc * keep
    ac0, eta_nom = 1.0 / p["dc_ac_ratio"], p["inverter_nominal_efficiency"]
    zeta = np.where(dc > 0.0, dc / (ac0 / eta_nom), 1.0)
    eta = eta_nom / p["inverter_reference_efficiency"] * (-0.0162 * zeta - 0.0059 / zeta + 0.9858)
    return np.clip(np.where(dc > 0.0, eta * dc, 0.0), 0.0, ac0)


# ------------------------------------------------------------------ comparison

def monthly(h: np.ndarray) -> list[float]:
    edges = np.concatenate([[0], np.cumsum(DAYS) * 24])
    return [round(float(h[edges[i]:edges[i + 1]].sum()), 2) for i in range(12)]


def compare(w, params) -> dict:
    out = {}
    for name, (tilt, az) in CONFIGS.items():
        old = old_chain_ac_per_kwp(w, tilt, az, params)
        new = pv.per_kwp_profile(w, tilt, az)
        diff = new - old
        capped = old_chain_ac_per_kwp(w, tilt, az, params, cap_dni=True)
        mdiff = [100.0 * (n / o - 1.0) if o > 0 else 0.0 for n, o in zip(monthly(new), monthly(old), strict=True)]
        worst = int(np.argmax(np.abs(mdiff)))
        mcap = [100.0 * (n / o - 1.0) if o > 0 else 0.0 for n, o in zip(monthly(new), monthly(capped), strict=True)]
        imax = int(np.argmax(np.abs(diff)))
        row = w.data.iloc[imax]
        out[name] = {
            "tilt_deg": tilt, "azimuth_deg": az,
            "annual_old_kwh_kwp": round(float(old.sum()), 1),
            "annual_pvlib_kwh_kwp": round(float(new.sum()), 1),
            "annual_diff_pct": round(100.0 * (new.sum() / old.sum() - 1.0), 3),
            "annual_old_dni_capped_kwh_kwp": round(float(capped.sum()), 1),
            "annual_diff_vs_old_dni_capped_pct": round(100.0 * (new.sum() / capped.sum() - 1.0), 3),
            "hourly_rmse_vs_old_dni_capped_kwh_kwp": round(float(np.sqrt(np.mean((new - capped) ** 2))), 5),
            "largest_monthly_diff_vs_old_dni_capped_pct": round(max(mcap, key=abs), 2),
            "largest_monthly_diff_pct": round(mdiff[worst], 2), "largest_monthly_diff_month": worst + 1,
            "monthly_old_kwh_kwp": monthly(old),
            "monthly_pvlib_kwh_kwp": monthly(new),
            "monthly_diff_pct": [round(100.0 * (n / o - 1.0), 2) if o > 0 else None
                                 for n, o in zip(monthly(new), monthly(old), strict=True)],
            "hourly_rmse_kwh_kwp": round(float(np.sqrt(np.mean(diff**2))), 5),
            "hourly_max_abs_diff_kwh_kwp": round(float(abs(diff[imax])), 4),
            "hourly_max_abs_diff_at": f"{int(row['month']):02d}-{int(row['day']):02d} hour {int(row['hour'])}",
            "hours_differing_over_0.01_kwh_kwp": int(np.count_nonzero(np.abs(diff) > 0.01)),
        }
    return out


def timing(w, params, repeats: int = 5) -> dict:
    def best(fn):
        wall, cpu = [], []
        for _ in range(repeats):
            pv.clear_caches()
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        return round(1000 * statistics.median(wall), 2), round(1000 * statistics.median(cpu), 2)

    old_w, old_c = best(lambda: old_chain_ac_per_kwp(w, 30.0, 180.0, params))
    new_w, new_c = best(lambda: pv.per_kwp_profile(w, 30.0, 180.0))
    pv.clear_caches()
    pv.per_kwp_profile(w, 30.0, 180.0)  # sun positions now cached
    c0 = time.process_time()
    pv.per_kwp_profile(w, 25.0, 180.0)
    warm_sun = round(1000 * (time.process_time() - c0), 2)
    return {"old_ms": old_w, "old_cpu_ms": old_c, "pvlib_ms": new_w, "pvlib_cpu_ms": new_c,
            "pvlib_other_tilt_sun_cached_cpu_ms": warm_sun}


# ------------------------------------------------------------------ weather generator with pvlib

def _pvlib_generator_parts():
    """pvlib versions of the generator parts weather.solar keeps hand-written."""
    from pvlib import clearsky, irradiance, solarposition

    def eot(doy):
        return solarposition.equation_of_time_spencer71(np.asarray(doy, dtype=float))

    def haurwitz(cz):
        cz = np.asarray(cz, dtype=float)
        z = pd.Series(np.degrees(np.arccos(np.clip(cz, -1.0, 1.0))))
        return np.where(cz > 0, clearsky.haurwitz(z)["ghi"].to_numpy(), 0.0)

    def split(ghi, i0h, cosz, g0n, max_dni_w_m2=1050.0):
        cos_eff = np.clip(i0h / g0n, 0.0, 1.0)
        doy = weather.epw.calendar_frame()["day_of_year"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            e = irradiance.erbs(ghi, np.degrees(np.arccos(cos_eff)), doy)
        ok = (cosz >= solar.MIN_COS_ZENITH_FOR_BEAM) & (cos_eff > 1e-3)
        dni = np.minimum(np.where(ok, np.nan_to_num(e["dni"]), 0.0), max_dni_w_m2)
        return dni, ghi - dni * cos_eff

    return {"equation_of_time_min": eot, "haurwitz_clear_sky_ghi_w_m2": haurwitz, "split_global_wh_m2": split}


def generator_with_pvlib() -> dict:
    """Built-in year and EnergyPlus loads with the generator's remaining solar parts taken from pvlib."""
    from simulator.energyplus import EnergyPlusEngine

    def year():
        return synthetic.generate_year(synthetic.load_tianjin_monthly(), synthetic.TIANJIN_SITE, synthetic.SEED)

    base = year()
    saved = {k: getattr(solar, k) for k in _pvlib_generator_parts()}
    try:
        for k, fn in _pvlib_generator_parts().items():
            setattr(solar, k, fn)
        alt = year()
    finally:
        for k, fn in saved.items():
            setattr(solar, k, fn)
    res = {"epw_id_current": base.id, "epw_id_with_pvlib": alt.id, "columns": {}}
    for col in ("ghi_wh_m2", "dni_wh_m2", "dhi_wh_m2", "dry_bulb_c", "total_sky_cover_tenths"):
        a, b = base.data[col].to_numpy(dtype=float), alt.data[col].to_numpy(dtype=float)
        res["columns"][col] = {"annual_current": round(float(a.sum()), 1), "annual_pvlib": round(float(b.sum()), 1),
                               "annual_diff_pct": round(100.0 * (b.sum() / a.sum() - 1.0), 3),
                               "hours_changed": int(np.count_nonzero(a != b)),
                               "hourly_rmse": round(float(np.sqrt(np.mean((b - a) ** 2))), 3),
                               "hourly_max_abs_diff": round(float(np.abs(b - a).max()), 2)}
    eng = EnergyPlusEngine()
    res["energyplus"] = {}
    for name in ("old_estate_pre1990", "public_office"):
        b = archetypes.load(name)
        la, lb = eng.simulate(b, base), eng.simulate(b, alt)
        res["energyplus"][name] = {
            "heating_kwh_current": round(la.heating_kwh), "heating_kwh_pvlib": round(lb.heating_kwh),
            "heating_diff_pct": round(100.0 * (lb.heating_kwh / la.heating_kwh - 1.0), 3),
            "cooling_kwh_current": round(la.cooling_kwh), "cooling_kwh_pvlib": round(lb.cooling_kwh),
            "cooling_diff_pct": round(100.0 * (lb.cooling_kwh / la.cooling_kwh - 1.0), 3)}
    return res


# ------------------------------------------------------------------ report

def markdown(res: dict) -> str:
    lines = ["# PV chain: hand-written (before issue 17) vs pvlib", "",
             f"{res['created']}, pvlib {res['pvlib']}, {res['machine']}. "
             "Command: `.venv/bin/python benchmarks/bench_pv_pvlib.py`.", "",
             "## Annual AC yield per kWp [kWh/kWp a], first year", "",
             "Old: the hand-written chain; old, DNI capped: the same with DNI capped at the extraterrestrial "
             "normal irradiance as the pvlib chain does. Hourly differences are pvlib minus old.", "",
             "| weather | roof | old | pvlib | diff [%] | largest monthly diff [%] (month) | hourly RMSE "
             "[kWh/kWp] | max hourly diff [kWh/kWp] (when) | old, DNI capped | diff [%] | largest monthly "
             "diff [%] | hourly RMSE |",
             "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for wname, cfgs in res["yield"].items():
        for cname, r in cfgs.items():
            lines.append(f"| {wname} | {cname} | {r['annual_old_kwh_kwp']} | {r['annual_pvlib_kwh_kwp']} | "
                         f"{r['annual_diff_pct']:+.2f} | {r['largest_monthly_diff_pct']:+.2f} "
                         f"({r['largest_monthly_diff_month']}) | {r['hourly_rmse_kwh_kwp']} | "
                         f"{r['hourly_max_abs_diff_kwh_kwp']} ({r['hourly_max_abs_diff_at']}) | "
                         f"{r['annual_old_dni_capped_kwh_kwp']} | {r['annual_diff_vs_old_dni_capped_pct']:+.2f} | "
                         f"{r['largest_monthly_diff_vs_old_dni_capped_pct']:+.2f} | "
                         f"{r['hourly_rmse_vs_old_dni_capped_kwh_kwp']} |")
    lines += ["", "## Monthly difference, pvlib vs old [%], south 25 deg (rooftop_pv measure)", "",
              "| weather | " + " | ".join(str(m) for m in range(1, 13)) + " |", "|---|" + "---:|" * 12]
    for wname, cfgs in res["yield"].items():
        r = cfgs["south_25 (rooftop_pv measure)"]
        lines.append(f"| {wname} | " + " | ".join(f"{x:+.2f}" for x in r["monthly_diff_pct"]) + " |")
    lines += ["", "## Time of one uncached PV profile (8760 h, one roof) [ms]", "",
              "Median of 5; wall time depends on the load of the shared machine, CPU time less so.", "",
              "| weather | old wall | old CPU | pvlib wall | pvlib CPU | pvlib CPU, other tilt (sun cached) |",
              "|---|---:|---:|---:|---:|---:|"]
    for wname, t in res["timing"].items():
        lines.append(f"| {wname} | {t['old_ms']} | {t['old_cpu_ms']} | {t['pvlib_ms']} | {t['pvlib_cpu_ms']} | "
                     f"{t['pvlib_other_tilt_sun_cached_cpu_ms']} |")
    g = res["generator"]
    lines += ["", "## Weather generator with pvlib's equation of time, Haurwitz and Erbs", "",
              f"Built-in year id {g['epw_id_current']} -> {g['epw_id_with_pvlib']} (the surrogate dataset's "
              "training-weather id is the current one).", "",
              "| column | annual current | annual pvlib | diff [%] | hours changed | hourly RMSE | max |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for col, c in g["columns"].items():
        lines.append(f"| {col} | {c['annual_current']} | {c['annual_pvlib']} | {c['annual_diff_pct']:+.3f} | "
                     f"{c['hours_changed']} | {c['hourly_rmse']} | {c['hourly_max_abs_diff']} |")
    lines += ["", "| EnergyPlus | heating current [kWh] | pvlib | diff [%] | cooling current [kWh] | pvlib | diff [%] |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for name, e in g["energyplus"].items():
        lines.append(f"| {name} | {e['heating_kwh_current']} | {e['heating_kwh_pvlib']} | {e['heating_diff_pct']:+.3f} | "
                     f"{e['cooling_kwh_current']} | {e['cooling_kwh_pvlib']} | {e['cooling_diff_pct']:+.3f} |")
    lines += ["", "## Why the chains differ", "", *res["explanation"], ""]
    return "\n".join(lines)


EXPLANATION = [
    "- DNI cap (data cleaning, the largest effect, CSWD only): the CSWD file carries 70 hours with "
    "DNI above 1400 W/m2, up to 7823 W/m2, all in sunrise and sunset hours (the reader warns and "
    "keeps them). The old chain clipped only Hay & Davies' anisotropy index at 1 and multiplied "
    "the raw DNI by cos(aoi) for the beam: on planes facing the low sun (west in summer evenings, "
    "south-west in autumn) such hours gave up to 0.66 kWh/kWp in one hour of a 0.83 kW inverter. "
    "pvlib's haydavies does not clip the index, so the new chain caps DNI at the extraterrestrial "
    "normal irradiance, the physical limit of the beam. This explains every difference above 1 % "
    "(CSWD west 10 deg: -0.9 % a year, more in single months); with the same cap in the old chain "
    "the two agree to 0.2 % a year (column 'old, DNI capped'). The built-in year has no such hours.",
    "- Sun position: NREL SPA with refraction (pvlib) instead of Spencer's series without refraction. "
    "Refraction lifts the low sun by up to ~0.5 deg, so sunrise is a few minutes earlier and "
    "sunset later: the sunrise and sunset hours get a slightly longer sunlit part and a higher "
    "representative sun. This is where the largest hourly differences sit (first or last sunlit "
    "hour, where beam on a tilted plane is most sensitive to the sun's height).",
    "- Hay & Davies: pvlib floors cos(zenith) in the beam ratio Rb at 0.01745 (sun 1 deg high), "
    "the old code at 0.0872 (5 deg); low-sun hours get more circumsolar diffuse on planes facing "
    "the sun (east/west in the morning/evening). pvlib's extraterrestrial irradiance uses the "
    "solar constant 1366.1 W/m2 instead of 1367 (anisotropy index +0.07 %).",
    "- Martin & Ruiz, Faiman, PVWatts DC, losses and inverter: the same formulas; differences "
    "there are at rounding level.",
]


def main() -> None:
    import pvlib

    params = pv._pv_params(None)
    weathers = {"builtin_tianjin": weather.load("tianjin")}
    if CSWD.is_file():
        weathers["cswd"] = read_epw(CSWD)
    res = {"created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
           "pvlib": pvlib.__version__,
           "machine": f"{platform.machine()}, {platform.python_version()}, shared 2-core machine (other jobs running)",
           "yield": {}, "timing": {}}
    for name, w in weathers.items():
        res["yield"][name] = compare(w, params)
        res["timing"][name] = timing(w, params)
    res["generator"] = generator_with_pvlib()
    res["explanation"] = EXPLANATION
    OUT.mkdir(exist_ok=True)
    (OUT / "pv_pvlib_comparison.json").write_text(json.dumps(res, indent=2) + "\n")
    (OUT / "pv_pvlib_comparison.md").write_text(markdown(res))
    print(markdown(res))


if __name__ == "__main__":
    main()
