"""Every archetype x every preset package through EnergyPlus: the issue-4 figures table.

Prints a markdown table and saves benchmarks/results/packages.json and packages.md:
heating before/after [kWh/m2], CO2 saved [t/a], capex [CNY/m2], payback [years],
NPV [CNY/m2], renewable share, heat-pump SCOP and PV yield [kWh/kWp].

    .venv/bin/python benchmarks/bench_packages.py [--weather tianjin]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import archetypes
import weather as weather_mod
from buildings import measures as M
from simulator.batch import Case, run_batch
from simulator.cli import weather_path
from simulator.evaluate import evaluate
from simulator.pv import specific_yield_kwh_kwp

OUT = Path(__file__).resolve().parent / "results"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weather", default="tianjin")
    args = ap.parse_args(argv)
    epw = weather_path(args.weather)
    t0 = time.perf_counter()
    # all EnergyPlus runs at once (2 workers); evaluate() then reads them from the cache
    cases = []
    for name in archetypes.names():
        b = archetypes.load(name)
        cases.append(Case(b, str(epw)))
        cases += [Case(M.apply(b, M.package(p)), str(epw)) for p in M.packages()]
    run_batch(cases, workers=2)
    rows = []
    for name in archetypes.names():
        b = archetypes.load(name)
        for p in M.packages():
            d = evaluate(b, p, weather=str(epw)).to_dict()
            area = d["floor_area_m2"]
            rows.append({
                "archetype": name, "package": p,
                "heating_before_kwh_m2": round(d["baseline"]["heating_kwh_m2"], 1),
                "heating_after_kwh_m2": round(d["heating_kwh_m2"], 1),
                "co2_saved_t": round(d["co2_saved_t"], 1),
                "capex_cny_m2": round(d["capex_cny_m2"]),
                "simple_payback_years": None if d["simple_payback_years"] is None else round(d["simple_payback_years"], 1),
                "npv_cny_m2": round(d["npv_cny"] / area),
                "renewable_share_pct": round(100 * d["renewable_share"], 1),
                "hp_scop": None if d["hp_scop"] is None else round(d["hp_scop"], 2),
            })
    w = weather_mod.read_epw(epw)
    pv = {"south_30": specific_yield_kwh_kwp(w, 30, 180), "south_25": specific_yield_kwh_kwp(w, 25, 180)}
    report = {"weather": epw.stem, "date": time.strftime("%Y-%m-%d"), "wall_s": round(time.perf_counter() - t0, 1),
              "pv_kwh_kwp": {k: round(v) for k, v in pv.items()}, "rows": rows}
    OUT.mkdir(exist_ok=True)
    (OUT / "packages.json").write_text(json.dumps(report, indent=2))
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join("-" if r[c] is None else str(r[c]) for c in cols) + " |" for r in rows]
    md = (f"Preset packages on every archetype (EnergyPlus 25.2, weather {report['weather']}, {report['date']}). "
          f"Payback '-' = never (no bill saving). PV yield: {report['pv_kwh_kwp']['south_25']} kWh/kWp "
          f"(south, 25 deg racks), {report['pv_kwh_kwp']['south_30']} at 30 deg.\n\n" + "\n".join(lines))
    (OUT / "packages.md").write_text(md + "\n")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
