"""Thermal bridges alone (issue 11 item 2): every archetype with its bridges and without them.

    .venv/bin/python benchmarks/bench_thermal_bridges.py

Same code, same weather, two variants per case: the walls at their mean U with the
linear thermal bridges of their construction era (``buildings/data/thermal_bridges.toml``),
and the same buildings with ``construction_era = "none"`` (walls at their 1-D U, which
gives the IDF text of the model before the bridges existed). Per archetype: wall U
1-D / mean, heating, cooling, design heating load, annual peak, the heating saving of the
``envelope`` and ``deep_retrofit`` packages, and the EnergyPlus wall time of one run in a
worker (2 workers, run cache off; the machine is shared, so times are under load).

Saves benchmarks/results/thermal_bridges.json and .md and prints the markdown table.

    .venv/bin/python benchmarks/bench_thermal_bridges.py --cpu

measures instead the CPU seconds of the energyplus process of one run per archetype and
variant, one after the other (less affected by other load than wall time), into
benchmarks/results/thermal_bridges_cpu.json.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import archetypes
from buildings import measures as M
from buildings import thermal_bridges as tb
from buildings.model import ThermalBridges
from simulator.batch import Case, run_batch
from simulator.cli import weather_path

OUT = Path(__file__).resolve().parent / "results"
PACKAGES = ("envelope", "deep_retrofit")
VARIANTS = ("without", "with")


def _variant(b, variant: str):
    if variant == "with":
        return b
    return b.replace(constructions=dataclasses.replace(b.constructions, thermal_bridges=ThermalBridges()))


def cpu_seconds() -> int:
    """CPU seconds [s] of the energyplus child of one annual run per archetype, without and with bridges."""
    import resource
    import tempfile

    from simulator.energyplus import normalised_epw, prepare
    from simulator.runner import run_energyplus
    from weather.epw import read_epw

    w = read_epw(weather_path("tianjin"))
    epw = normalised_epw(w)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        epw_path = Path(tmp) / "weather.epw"
        epw_path.write_bytes(epw.data)
        for name in archetypes.names():
            row = {"archetype": name}
            for variant in VARIANTS:
                prepared = prepare(_variant(archetypes.load(name), variant), w, epw)
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                run_energyplus(prepared.idf_text, epw_path, Path(tmp) / f"{name}-{variant}")
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                row[f"cpu_s_{variant}"] = round(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, 2)
            rows.append(row)
            print(row, flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "thermal_bridges_cpu.json").write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M"),
                                                              "rows": rows}, indent=2) + "\n")
    return 0


def main() -> int:
    if "--cpu" in sys.argv[1:]:
        return cpu_seconds()
    epw = str(weather_path("tianjin"))
    names = archetypes.names()
    cases, keys = [], []
    for name in names:
        for variant in VARIANTS:
            b = _variant(archetypes.load(name), variant)
            for p in ("none", *PACKAGES):
                cases.append(Case(b if p == "none" else M.apply(b, M.package(p)), epw))
                keys.append((name, variant, p))
    t0 = time.perf_counter()
    res = run_batch(cases, workers=2, use_cache=False)
    wall_s = time.perf_counter() - t0
    bad = [r.error for r in res if not r.ok]
    if bad:
        print("failed runs:", *bad, sep="\n", file=sys.stderr)
        return 1
    by = dict(zip(keys, res, strict=True))
    rows = []
    for name in names:
        b = archetypes.load(name)
        env = M.apply(b, M.package("envelope"))
        row = {"archetype": name, "wall_u_1d_w_m2k": round(b.constructions.wall.u_value_w_m2k, 3),
               "wall_u_mean_w_m2k": round(tb.wall_mean_u_w_m2k(b), 3),
               "envelope_wall_u_1d_w_m2k": round(env.constructions.wall.u_value_w_m2k, 3),
               "envelope_wall_u_mean_w_m2k": round(tb.wall_mean_u_w_m2k(env), 3)}
        for variant in VARIANTS:
            base = by[(name, variant, "none")]
            L = base.loads
            a = L.floor_area_m2
            row[f"heating_kwh_m2_{variant}"] = round(L.heating_kwh / a, 2)
            row[f"cooling_kwh_m2_{variant}"] = round(L.cooling_kwh / a, 2)
            row[f"design_heating_w_m2_{variant}"] = None if L.design_heating_w is None else round(L.design_heating_w / a, 1)
            row[f"peak_heating_w_m2_{variant}"] = round(L.peak_heating_w / a, 1)
            for p in PACKAGES:
                r = by[(name, variant, p)]
                row[f"{p}_heating_saving_pct_{variant}"] = round(100 * (1 - r.loads.heating_kwh / L.heating_kwh), 1)
            row[f"run_s_{variant}"] = round(base.elapsed_s, 2)
        rows.append(row)
    report = {"weather": Path(epw).stem, "date": time.strftime("%Y-%m-%d %H:%M"), "wall_s": round(wall_s, 1),
              "note": "run_s: wall time of one EnergyPlus run in a worker, 2 workers, shared machine (under load)",
              "rows": rows}
    OUT.mkdir(exist_ok=True)
    (OUT / "thermal_bridges.json").write_text(json.dumps(report, indent=2) + "\n")
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join("-" if r[c] is None else str(r[c]) for c in cols) + " |" for r in rows]
    (OUT / "thermal_bridges.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
