"""District roadmap benchmark: scale, speed, targets with probabilities, levers, cheapest programme.

    .venv/bin/python benchmarks/bench_roadmap.py [--buildings 100000] [--draws 200] [--check 12]

Writes benchmarks/results/roadmap.json and roadmap.md. Times are wall-clock
(and CPU seconds of this process) on the machine it runs on; the machine
may be shared, so the JSON records the load average at the start.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "results"


def _timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--buildings", type=int, default=100_000)
    ap.add_argument("--roadmap-buildings", type=int, default=2000)
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--check", type=int, default=12)
    args = ap.parse_args()

    from simulator.district import accounting as A
    from simulator.district import check as C
    from simulator.district import optimise as O
    from simulator.district import roadmap as R
    from simulator.district import uncertainty as U

    res: dict = {"load_average_at_start": os.getloadavg(), "cpus": os.cpu_count()}
    # first call in a fresh process: loads the surrogate models, runs the plant LP, the PV profile (then cached)
    cold, w, c = _timed(lambda: R.run_roadmap(None, "default", args.roadmap_buildings))
    res["default_roadmap_cold"] = {"buildings": cold.n_buildings, "wall_s": w, "cpu_s": c, "steps_s": cold.seconds}
    print(f"default roadmap, first call in the process: {w:.2f} s wall, {c:.2f} s CPU")

    # 1. the default roadmap, all years, the usual sample
    road, w, c = _timed(lambda: R.run_roadmap(None, "default", args.roadmap_buildings))
    res["default_roadmap"] = {"buildings": road.n_buildings, "wall_s": w, "cpu_s": c, "steps_s": road.seconds}
    print(f"default roadmap, {road.n_buildings} buildings, 2020-2035: {w:.2f} s wall, {c:.2f} s CPU")

    # 2. 100,000 buildings through loads, systems, carbon and bills (every year, every variant)
    def big():
        p = R.prepare(None, "default", args.buildings)
        totals = R.evaluate(p)
        return p, R.result(p, totals)
    (p_big, road_big), w, c = _timed(big)
    res["scale"] = {"buildings": int(len(p_big.buildings)), "rows_building_variants": int(len(p_big.rows)),
                    "years": int(len(road_big.years)), "wall_s": w, "cpu_s": c, "steps_s": p_big.seconds,
                    "peak_rss_gb": _rss_gb(),
                    "co2_2025_t": float(road_big.years.set_index("year").loc[2025, "co2_t"]),
                    "co2_2025_t_at_2000": float(road.years.set_index("year").loc[2025, "co2_t"])}
    print(f"{len(p_big.buildings)} buildings ({len(p_big.rows)} building variants) x 16 years: {w:.1f} s wall, "
          f"{c:.1f} s CPU, peak RSS {_rss_gb():.2f} GB")
    del p_big, road_big

    # 3. Monte Carlo
    p = R.prepare(None, "default", args.roadmap_buildings, with_std=True)
    totals = R.evaluate(p)
    road = R.result(p, totals)
    mc, w, c = _timed(lambda: U.monte_carlo(totals, p.ctx.scenario, R.capex_by_year(p), R.gas_lhv(p), args.draws))
    res["monte_carlo"] = {"draws": args.draws, "wall_s": w, "cpu_s": c, **mc.to_dict()}
    res["targets"] = [dict(t.to_dict(), probability_met=mc.probabilities[t.name]) for t in road.targets]
    res["years"] = road.to_dict()["years"]
    print(f"Monte Carlo {args.draws} draws: {w:.2f} s wall")
    for t in res["targets"]:
        print(f"  {'met ' if t['met'] else 'MISS'} {t['name']:<34} {t['value']!s:>22}  P(met) {t['probability_met']:.2f}")

    # 4. Dask LocalCluster: same totals
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl, Client(cl) as cli:
        R.run_roadmap(None, "default", 200, scheduler=cli)  # warm-up of the workers (model loading)
        droad, w, c = _timed(lambda: R.run_roadmap(None, "default", args.roadmap_buildings, scheduler=cli, chunks=4))
    local = R.run_roadmap(None, "default", args.roadmap_buildings)
    diff = float(np.max(np.abs(droad.years["co2_t"].to_numpy() / local.years["co2_t"].to_numpy() - 1)))
    res["dask"] = {"workers": 2, "chunks": 4, "wall_s": w, "max_relative_difference_co2": diff}
    print(f"Dask LocalCluster (2 workers, 4 chunks): {w:.2f} s wall, max relative CO2 difference to local {diff:.1e}")

    # 5. levers and the cheapest programme
    lv, w, _ = _timed(lambda: O.tornado(p))
    res["levers"] = {"wall_s": w, "levers": [x.to_dict() for x in lv]}
    prog, w, _ = _timed(lambda: O.cheapest_programme(p))
    res["cheapest_programme"] = {"wall_s": w, **prog.to_dict()}
    print(f"cheapest programme: {prog.status}, {prog.cost_cny / 1e8:.2f} 亿元 ({w:.1f} s)")
    if prog.feasible and prog.cost_cny > 0:
        tight = O.cheapest_programme(p, budget_cny=0.5 * prog.cost_cny)
        res["cheapest_programme_half_budget"] = tight.to_dict()

    # 6. EnergyPlus check of a random sample
    if args.check:
        chk, w, _ = _timed(lambda: C.check_sample(p, args.check, seed=2026, workers=2))
        res["energyplus_check"] = {"wall_s": w, **chk.to_dict()}
        e = res["energyplus_check"]
        print(f"EnergyPlus check of {args.check} buildings: heating CV(RMSE) {e.get('heating_cvrmse_pct', float('nan')):.2f} %,"
              f" max |error| {e.get('heating_error_max_abs_pct', float('nan')):.1f} % ({w:.0f} s)")
    OUT.mkdir(exist_ok=True)
    (OUT / "roadmap.json").write_text(json.dumps(res, indent=2, ensure_ascii=False, default=float), encoding="utf-8")
    (OUT / "roadmap.md").write_text(markdown(res), encoding="utf-8")
    print(f"wrote {OUT / 'roadmap.json'} and roadmap.md")
    _ = A


def markdown(r: dict) -> str:
    s = r["scale"]
    lines = ["# District roadmap benchmark", "",
             f"Load average at start {r['load_average_at_start'][0]:.1f} on {r['cpus']} cores (shared machine).", "",
             "| measurement | wall s | CPU s | notes |", "|---|---:|---:|---|",
             f"| default roadmap 2020-2035, {r['default_roadmap']['buildings']} buildings | "
             f"{r['default_roadmap']['wall_s']:.2f} | {r['default_roadmap']['cpu_s']:.2f} | warm process |",
             f"| the same, first call in a fresh process | {r['default_roadmap_cold']['wall_s']:.2f} | "
             f"{r['default_roadmap_cold']['cpu_s']:.2f} | loads the surrogate, runs the plant LP |",
             f"| {s['buildings']:,} buildings ({s['rows_building_variants']:,} building variants) x {s['years']} years "
             f"| {s['wall_s']:.1f} | {s['cpu_s']:.1f} | peak RSS {s['peak_rss_gb']:.2f} GB |",
             f"| Monte Carlo, {r['monte_carlo']['draws']} draws | {r['monte_carlo']['wall_s']:.2f} | "
             f"{r['monte_carlo']['cpu_s']:.2f} | |",
             f"| Dask LocalCluster, 2 workers, 4 chunks | {r['dask']['wall_s']:.2f} | | max rel. CO2 difference "
             f"{r['dask']['max_relative_difference_co2']:.1e} |", "",
             "## Targets, default scenario", "", "| target | value | target | met | P(met) |", "|---|---:|---:|---|---:|"]
    for t in r["targets"]:
        lines.append(f"| {t['name']} | {t['value']:.4g} | {t['target']:.4g} | {'yes' if t['met'] else 'no'} | "
                     f"{t['probability_met']:.2f} |")
    lines += ["", "## Levers (CO2 in 2030, kt)", "", "| lever | low | high | CO2 low | CO2 high | RS 2025 low | RS 2025 high |",
              "|---|---|---|---:|---:|---:|---:|"]
    for x in r["levers"]["levers"]:
        lines.append(f"| {x['lever']} | {x['low_label']} | {x['high_label']} | {x['co2_2030_t_low'] / 1e3:.1f} | "
                     f"{x['co2_2030_t_high'] / 1e3:.1f} | {100 * x['renewable_share_2025_low']:.2f} % | "
                     f"{100 * x['renewable_share_2025_high']:.2f} % |")
    cp = r["cheapest_programme"]
    lines += ["", f"## Cheapest programme: {cp['status']}, {cp['cost_cny'] / 1e8:.2f} 亿元 "
              f"(present value {cp['cost_present_value_cny'] / 1e8:.2f} 亿元)", "",
              "| part of the stock | package | area m2 | capex 万元 |", "|---|---|---:|---:|"]
    for x in cp["programme"]:
        lines.append(f"| {x['part']} | {x['package']} | {x['area_m2']:,.0f} | {x['capex_cny'] / 1e4:,.0f} |")
    if "energyplus_check" in r:
        e = r["energyplus_check"]
        lines += ["", f"## EnergyPlus check of {e['n']} random buildings", "",
                  f"heating CV(RMSE) {e.get('heating_cvrmse_pct', float('nan')):.2f} %, mean error "
                  f"{e.get('heating_error_mean_pct', float('nan')):.2f} %, max |error| "
                  f"{e.get('heating_error_max_abs_pct', float('nan')):.1f} %, total {e.get('heating_total_error_pct', float('nan')):.2f} %; "
                  f"cooling CV(RMSE) {e.get('cooling_cvrmse_pct', float('nan')):.2f} %"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
