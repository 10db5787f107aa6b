"""Issue-11 physics before/after: per archetype heating, cooling, design heating load, annual peak,
and the heating saving of the `envelope` and `deep_retrofit` packages, plus EnergyPlus run time.

    .venv/bin/python benchmarks/bench_physics.py --label after

Saves benchmarks/results/physics_<label>.json and prints a markdown table. Runs without the
run cache (every run is fresh) on 2 workers; run time is the wall time of one run in a worker.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import archetypes
from buildings import measures as M
from simulator.batch import Case, run_batch
from simulator.cli import weather_path

OUT = Path(__file__).resolve().parent / "results"
PACKAGES = ("envelope", "deep_retrofit")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--label", required=True, help="before or after (file name suffix)")
    ap.add_argument("--weather", default="tianjin")
    args = ap.parse_args(argv)
    epw = str(weather_path(args.weather))
    names = archetypes.names()
    cases = []
    for name in names:
        b = archetypes.load(name)
        cases.append(Case(b, epw))
        cases += [Case(M.apply(b, M.package(p)), epw) for p in PACKAGES]
    t0 = time.perf_counter()
    res = run_batch(cases, workers=2, use_cache=False)
    wall_s = time.perf_counter() - t0
    bad = [r.error for r in res if not r.ok]
    if bad:
        print("failed runs:", *bad, sep="\n", file=sys.stderr)
        return 1
    rows = []
    k = 0
    for name in names:
        base, *retro = res[k:k + 1 + len(PACKAGES)]
        k += 1 + len(PACKAGES)
        L = base.loads
        a = L.floor_area_m2
        row = {
            "archetype": name,
            "heating_kwh_m2": round(L.heating_kwh / a, 2),
            "cooling_kwh_m2": round(L.cooling_kwh / a, 2),
            "design_heating_w_m2": None if L.design_heating_w is None else round(L.design_heating_w / a, 1),
            "peak_heating_w_m2": round(L.peak_heating_w / a, 1),
            "run_s": round(base.elapsed_s, 2),
        }
        for p, r in zip(PACKAGES, retro, strict=True):
            row[f"{p}_heating_saving_pct"] = round(100 * (1 - r.loads.heating_kwh / L.heating_kwh), 1)
        rows.append(row)
    report = {"label": args.label, "weather": Path(epw).stem, "date": time.strftime("%Y-%m-%d %H:%M"),
              "wall_s": round(wall_s, 1), "rows": rows}
    OUT.mkdir(exist_ok=True)
    (OUT / f"physics_{args.label}.json").write_text(json.dumps(report, indent=2))
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join("-" if r[c] is None else str(r[c]) for c in cols) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
