"""Benchmark the systems step and the PV model: yields, heat-pump SCOPs, speed.

Prints a markdown report and saves ``benchmarks/results/systems.json``:

- PV specific yield [kWh/kWp a] for south 30 deg, south 10 deg ("flat", low
  tilt) and east-west 10 deg on the built-in Tianjin year and, when present,
  the CSWD and TMYx files in ../shared/weather;
- air-source heat-pump system SCOP for 35/45/55 C supply on each weather year
  (fixed flow temperature, the default, and with a heating curve);
- time of :func:`simulator.systems.deliver` for one building (cold: first call,
  PV profile computed; warm: PV profile cached), and of one uncached PV profile.

Not a test: speeds depend on the machine.

    .venv/bin/python benchmarks/bench_systems.py
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import archetypes
import weather
from simulator import pv, systems
from simulator.energyplus import EnergyPlusEngine
from weather.epw import read_epw
from weather.heldout import CSWD, TMYX

OUT = Path(__file__).resolve().parent / "results"
FILES = {
    "cswd": CSWD,
    "tmyx": TMYX,
}
SUPPLY_C = (35.0, 45.0, 55.0)


def weathers() -> dict:
    out = {"builtin_tianjin": weather.load("tianjin")}
    for name, path in FILES.items():
        if path.is_file():
            out[name] = read_epw(path)
    return out


def pv_yields(w) -> dict:
    ghi = float(w.data["ghi_wh_m2"].sum()) / 1000.0
    south30 = pv.specific_yield_kwh_kwp(w, 30.0, 180.0)
    flat10 = pv.specific_yield_kwh_kwp(w, 10.0, 180.0)
    ew10 = 0.5 * (pv.specific_yield_kwh_kwp(w, 10.0, 90.0) + pv.specific_yield_kwh_kwp(w, 10.0, 270.0))
    poa30 = float(pv.poa_irradiance_w_m2(w, 30.0, 180.0, 0.2)["global"].sum()) / 1000.0
    return {
        "ghi_kwh_m2": round(ghi, 1),
        "poa_south_30_kwh_m2": round(poa30, 1),
        "south_30_kwh_kwp": round(south30, 1),
        "south_10_kwh_kwp": round(flat10, 1),
        "east_west_10_kwh_kwp": round(ew10, 1),
        "performance_ratio_south_30": round(south30 / poa30, 3),
    }


def scops(w) -> dict:
    out = {}
    for label, comp in (("fixed_supply", False), ("heating_curve", True)):
        out[label] = {f"{t:.0f}C": round(systems.hp_seasonal_cop(w, t, params={"ashp": {"weather_compensation": comp}}), 3)
                      for t in SUPPLY_C}
    return out


def deliver_timing() -> dict:
    w = weather.load("tianjin")
    b = archetypes.load("old_estate_pre1990")
    loads = EnergyPlusEngine().simulate(b, weather.epw_path("tianjin"))
    b = b.replace(systems=dataclasses.replace(b.systems, heating_source="ashp", supply_temperature_c=45.0,
                                              pv_capacity_kw=pv.roof_pv_capacity_kw(b), pv_tilt_deg=27.0))
    t0 = time.perf_counter()
    d = systems.deliver(loads, b, w)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(20):
        t0 = time.perf_counter()
        systems.deliver(loads, b, w)
        warm.append(time.perf_counter() - t0)
    pv.clear_caches()
    t0 = time.perf_counter()
    pv.per_kwp_profile(w, 33.0, 185.0)
    pv_s = time.perf_counter() - t0
    return {
        "building": "old_estate_pre1990, ASHP 45 C, roof PV",
        "deliver_cold_ms": round(cold * 1000, 2),
        "deliver_warm_median_ms": round(statistics.median(warm) * 1000, 2),
        "pv_profile_uncached_ms": round(pv_s * 1000, 2),
        "hp_scop": round(d.hp_scop, 3),
        "pv_capacity_kw": round(d.notes["pv_capacity_kw"], 2),
        "pv_kwh": round(d.pv_kwh, 1),
    }


def main() -> int:
    ws = weathers()
    result = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "date": datetime.date.today().isoformat(),
        "pv": {name: pv_yields(w) for name, w in ws.items()},
        "hp_scop": {name: scops(w) for name, w in ws.items()},
        "timing": deliver_timing(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "systems.json").write_text(json.dumps(result, indent=2) + "\n")

    print("## PV specific yield [kWh/kWp a]\n")
    print("| weather | GHI kWh/m2 | POA S30 kWh/m2 | south 30 | south 10 | east-west 10 | PR S30 |")
    print("|---|---|---|---|---|---|---|")
    for name, r in result["pv"].items():
        print(f"| {name} | {r['ghi_kwh_m2']} | {r['poa_south_30_kwh_m2']} | {r['south_30_kwh_kwp']} | "
              f"{r['south_10_kwh_kwp']} | {r['east_west_10_kwh_kwp']} | {r['performance_ratio_south_30']} |")
    print("\n## Heat-pump system SCOP (degree-hour load, 15 Nov - 15 Mar)\n")
    print("| weather | control | " + " | ".join(f"{t:.0f} C" for t in SUPPLY_C) + " |")
    print("|---|---|" + "---|" * len(SUPPLY_C))
    for name, r in result["hp_scop"].items():
        for label, vals in r.items():
            print(f"| {name} | {label} | " + " | ".join(str(v) for v in vals.values()) + " |")
    t = result["timing"]
    print(f"\n## Speed\n\ndeliver(): {t['deliver_cold_ms']} ms first call, {t['deliver_warm_median_ms']} ms "
          f"with the PV profile cached; one PV profile {t['pv_profile_uncached_ms']} ms "
          f"({t['building']}: SCOP {t['hp_scop']}, PV {t['pv_capacity_kw']} kWp -> {t['pv_kwh']} kWh)")
    print(f"\nsaved {OUT / 'systems.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
