"""Issue 11 (helper h11g): ground by ISO 13370 / F-factor, heating capacity limit, felt absorptance.

Per archetype on the built-in Tianjin year: heating, cooling, design heating
load, annual heating peak (and its hour), heating unmet hours, the heating
saving of the ``envelope`` and ``deep_retrofit`` packages, and EnergyPlus CPU
seconds (``resource.getrusage`` of the child, less affected by machine load
than wall time). Runs the code of one checkout, so "before" and "after" come
from two checkouts of the same script:

    .venv/bin/python benchmarks/bench_ground_peak.py --label after
    git worktree add /tmp/before <commit>   # the physics branch before this change
    .venv/bin/python benchmarks/bench_ground_peak.py --root /tmp/before --label before

Saves benchmarks/results/ground_peak_<label>.json. No run cache is used.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu_children_s() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(ROOT), help="checkout whose code is run")
    ap.add_argument("--label", default="after")
    args = ap.parse_args(argv)
    sys.path.insert(0, args.root)
    import numpy as np

    import archetypes
    import weather
    from buildings import measures as M
    from simulator.energyplus import EnergyPlusEngine

    engine = EnergyPlusEngine()
    epw = weather.epw_path("tianjin")
    out = {"root": args.root, "label": args.label, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "archetypes": {}}
    for name in archetypes.names():
        b = archetypes.load(name)
        c0 = _cpu_children_s()
        t0 = time.perf_counter()
        base = engine.simulate(b, epw)
        row = {"energyplus_cpu_s": round(_cpu_children_s() - c0, 2), "wall_s": round(time.perf_counter() - t0, 2)}
        area = base.floor_area_m2
        h = base.hourly_heating_kwh
        ip = int(np.argmax(h))
        row.update({
            "heating_kwh_m2": round(base.heating_kwh_m2, 2), "cooling_kwh_m2": round(base.cooling_kwh_m2, 2),
            "design_heating_w_m2": None if base.design_heating_w is None else round(base.design_heating_w / area, 2),
            "peak_heating_w_m2": round(base.peak_heating_w / area, 2),
            "peak_heating_hour": f"day {ip // 24 + 1} hour {ip % 24}",
            "heating_unmet_h": base.meta.get("heating_unmet_h"),
        })
        for pkg in ("envelope", "deep_retrofit"):
            after = engine.simulate(M.apply(b, M.package(pkg)), epw)
            row[f"{pkg}_heating_kwh_m2"] = round(after.heating_kwh_m2, 2)
            row[f"{pkg}_heating_saving_pct"] = round(100.0 * (1 - after.heating_kwh / base.heating_kwh), 1)
        out["archetypes"][name] = row
        print(name, json.dumps(row), flush=True)
    res = ROOT / "benchmarks" / "results" / f"ground_peak_{args.label}.json"
    res.write_text(json.dumps(out, indent=2) + "\n")
    print(f"saved {res}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
