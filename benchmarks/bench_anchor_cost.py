"""What the surrogate's anchor costs the first time a family meets a weather year (issue 12).

For each family, :func:`simulator.surrogate.engine.anchor_for` on a weather that
is no training year, with an empty run cache (a temporary one): the base
archetype, its measure anchors and the local check's packages run in
EnergyPlus (``[surrogate_anchor]`` in ``simulator/data/model_assumptions.toml``).
Reports the runs, the wall time and the CPU time of this process and of its
EnergyPlus child processes [s] and the machine's 1-min load average at the start, then the time of the same call again (kept in memory). Saves
``benchmarks/results/anchor_cost.json``.

    .venv/bin/python benchmarks/bench_anchor_cost.py [--weather EPW] [--workers 2] [--family office ...]

Default weather: the real TMYx 2011-2025 year from ``../shared/weather`` if
present, else a synthetic year of the project's generator that no training
weather uses.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import save  # noqa: E402

from simulator.energyplus import resolve_weather  # noqa: E402
from simulator.surrogate import engine as E  # noqa: E402
from simulator.surrogate.space import families  # noqa: E402
from simulator.surrogate.weathers import load_weather  # noqa: E402
from weather import heldout  # noqa: E402

FALLBACK = "synthetic:dt=+0.5:ghi=1.05:seed=14"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weather", default=None, help="EPW path (default: TMYx 2011-2025 from ../shared, else synthetic)")
    ap.add_argument("--workers", type=int, default=None, help="EnergyPlus processes (default: the batch runner's)")
    ap.add_argument("--family", action="append", help="family to time (repeatable; default: all)")
    args = ap.parse_args(argv)
    if args.weather:
        w = resolve_weather(args.weather)[0]
    elif heldout.TMYX.is_file():
        w = resolve_weather(str(heldout.TMYX))[0]
    else:
        w = load_weather(FALLBACK)
    out = {"weather": w.name, "weather_id": w.id, "workers": args.workers, "families": {}}
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "runs.sqlite")
        for fam in args.family or families():
            load = os.getloadavg()[0]
            ch0 = os.times()
            t0, c0 = time.perf_counter(), time.process_time()
            a = E.anchor_for(fam, w, cache=cache, workers=args.workers)
            wall = time.perf_counter() - t0
            # EnergyPlus runs in child processes: their CPU counts as the children's
            ch = os.times()
            t1 = time.perf_counter()
            E.anchor_for(fam, w, cache=cache, workers=args.workers)
            again = time.perf_counter() - t1
            d = a.to_dict() if a is not None else {"runs": 0}
            out["families"][fam] = {"runs": d["runs"], "measure_anchors": len(a.measures) if a else 0,
                                    "local_check": d.get("local_check", {}), "wall_s": round(wall, 1),
                                    "cpu_s_parent": round(time.process_time() - c0, 1),
                                    "cpu_s_energyplus": round(ch.children_user + ch.children_system
                                                              - ch0.children_user - ch0.children_system, 1),
                                    "again_s": round(again, 4), "load_average_1min": round(load, 2)}
            print(f"{fam}: {d['runs']} runs, {wall:.1f} s wall, again {again:.4f} s", flush=True)
    save("anchor_cost.json", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
