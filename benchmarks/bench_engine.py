"""Benchmark the EnergyPlus engine: time per annual run, batch throughput, zoning costs.

Prints a markdown report and saves ``benchmarks/results/engine.json`` and
``engine.md``. Not a test: figures depend on the machine (2 cores here).

    .venv/bin/python benchmarks/bench_engine.py [--weather tianjin|PATH.epw] [--runs 8]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import archetypes
from buildings import materials
from buildings.model import Layer
from simulator.batch import Case, run_batch
from simulator.cli import weather_path
from simulator.energyplus import EnergyPlusEngine
from simulator.runner import energyplus_version

OUT = Path(__file__).resolve().parent / "results"


def one_run_per_archetype(epw: Path) -> list[dict]:
    engine = EnergyPlusEngine()
    engine.simulate(archetypes.load("public_school"), epw)  # parse the IDD once, warm caches
    rows = []
    for name in archetypes.names():
        b = archetypes.load(name)
        t0 = time.perf_counter()
        loads = engine.simulate(b, epw)
        wall = time.perf_counter() - t0
        rows.append({
            "archetype": name,
            "storeys": b.geometry.storeys,
            "zones_modelled": (2 if b.geometry.zoning == "storey_ns" else 1)
            * (min(b.geometry.storeys, 3) if b.geometry.use_multipliers else b.geometry.storeys),
            "wall_s": round(wall, 2),
            "energyplus_s": loads.meta["energyplus_s"],
            "idf_build_s": loads.meta["build_s"],
            "heating_kwh_m2": round(loads.heating_kwh_m2, 2),
            "cooling_kwh_m2": round(loads.cooling_kwh_m2, 2),
        })
    return rows


def _variants(n: int) -> list:
    """n distinct buildings (the old estate with 0..n-1 cm of extra wall insulation)."""
    base = archetypes.load("old_estate_pre1990")
    out = []
    for i in range(n):
        eps = Layer("eps_board", 0.01 * (i + 1), **materials.get("eps_board").properties())
        wall = dataclasses.replace(base.constructions.wall, layers=(eps, *base.constructions.wall.layers))
        out.append(base.replace(constructions=dataclasses.replace(base.constructions, wall=wall)))
    return out


def throughput(epw: Path, runs: int) -> dict:
    out = {}
    for workers in (1, 2):
        cases = [Case(b, str(epw)) for b in _variants(runs)]
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            res = run_batch(cases, cache=Path(tmp) / "c.sqlite", workers=workers, use_cache=False)
            dt = time.perf_counter() - t0
        assert all(r.ok for r in res)
        out[f"workers_{workers}"] = {"runs": runs, "wall_s": round(dt, 1), "runs_per_min": round(60 * runs / dt, 1)}
    out["speedup_2_vs_1"] = round(out["workers_2"]["runs_per_min"] / out["workers_1"]["runs_per_min"], 2)
    return out


def zoning_costs(epw: Path) -> list[dict]:
    """What the speed levers cost in results: multipliers and single-zone storeys vs the full model."""
    engine = EnergyPlusEngine()
    rows = []
    for name in ("old_estate_pre1990", "five_step_residential"):
        b = archetypes.load(name)
        variants = {
            "N/S zones, multipliers (default)": b,
            "N/S zones, every storey": b.replace(geometry=dataclasses.replace(b.geometry, use_multipliers=False)),
            "one zone per storey, multipliers": b.replace(geometry=dataclasses.replace(b.geometry, zoning="storey")),
        }
        ref = None
        for label, v in variants.items():
            t0 = time.perf_counter()
            loads = engine.simulate(v, epw)
            dt = time.perf_counter() - t0
            if ref is None:
                ref = loads
            rows.append({
                "archetype": name, "model": label, "wall_s": round(dt, 2),
                "heating_kwh_m2": round(loads.heating_kwh_m2, 2), "cooling_kwh_m2": round(loads.cooling_kwh_m2, 2),
                "heating_vs_default_pct": round(100 * (loads.heating_kwh / ref.heating_kwh - 1), 2),
                "cooling_vs_default_pct": round(100 * (loads.cooling_kwh / ref.cooling_kwh - 1), 2),
            })
    return rows


def _md_table(rows: list[dict]) -> str:
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weather", default="tianjin")
    ap.add_argument("--runs", type=int, default=8, help="runs per throughput measurement")
    args = ap.parse_args(argv)
    epw = weather_path(args.weather)
    report = {
        "engine": energyplus_version(),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {sys.version.split()[0]}",
        "weather": epw.stem,
        "date": time.strftime("%Y-%m-%d"),
        "per_archetype": one_run_per_archetype(epw),
        "throughput": throughput(epw, args.runs),
        "zoning_costs": zoning_costs(epw),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "engine.json").write_text(json.dumps(report, indent=2))
    md = [
        f"EnergyPlus engine benchmark ({report['engine']}, {report['machine']}, weather {report['weather']}, {report['date']})",
        "", "One annual run per archetype (4 timesteps/h, ideal loads, sequential, IDD already parsed):", "",
        _md_table(report["per_archetype"]), "",
        f"Batch throughput ({args.runs} distinct runs, no cache): "
        f"1 worker {report['throughput']['workers_1']['runs_per_min']} runs/min, "
        f"2 workers {report['throughput']['workers_2']['runs_per_min']} runs/min, "
        f"speed-up {report['throughput']['speedup_2_vs_1']}x", "",
        "What the zoning simplifications cost:", "", _md_table(report["zoning_costs"]),
    ]
    text = "\n".join(md)
    (OUT / "engine.md").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
