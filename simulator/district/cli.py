"""``retrofit roadmap``: the district roadmap against the carbon-peak targets.

::

    retrofit roadmap [--stock FILE] [--scenario NAME|FILE] [--buildings N] [--seed S] [--draws N]
                     [--scheduler ADDRESS] [--chunks N] [--levers] [--optimise [--budget CNY]]
                     [--check-energyplus N] [--csv FILE] [--json] [-q]

Library errors (:class:`~simulator.exceptions.RetrofitError`) propagate to the
main CLI, which prints one line and exits 2. Missed targets are a result, not
an error: the exit code is 0.
"""

from __future__ import annotations

import json
import math
from pathlib import Path


def _run(desc, quiet, fn, unit="step"):
    """Call ``fn(progress)`` with a tqdm bar (the surrogate CLI's) or a silent callback."""
    from simulator.cli_args import progress_bar as _bar

    bar, update = _bar(desc, quiet)
    if update is None:
        def update(done: int, total: int) -> None:
            return None
    try:
        return fn(update)
    finally:
        if bar is not None:
            bar.close()


def _fmt(x, spec: str) -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, spec)


def cmd_roadmap(args) -> int:
    from simulator.district import roadmap as R
    from simulator.exceptions import ValidationError

    if args.buildings < 1:
        raise ValidationError([f"--buildings {args.buildings}: must be >= 1"], source="retrofit roadmap")
    if args.draws < 0:
        raise ValidationError([f"--draws {args.draws}: must be >= 0"], source="retrofit roadmap")
    stock = R.load_stock(args.stock)
    scenario = R.load_scenario(args.scenario)
    out: dict = {}
    if args.scheduler:
        road = _run("roadmap (dask)", args.quiet, lambda up: R.run_roadmap(
            stock, scenario, args.buildings, args.seed, scheduler=args.scheduler, chunks=args.chunks, progress=up),
            unit="chunk")
        prepared = None
    else:
        prepared = _run("roadmap", args.quiet, lambda up: _prepare(R, stock, scenario, args, up))
        totals = R.evaluate(prepared)
        road = R.result(prepared, totals, seconds=prepared.seconds)
    out.update(road.to_dict())
    mc = None
    if args.draws > 0:
        if prepared is None:
            prepared = R.prepare(stock, scenario, args.buildings, args.seed, with_std=True)
        from simulator.district import uncertainty as U

        totals = R.evaluate(prepared)
        mc = _run("monte carlo", args.quiet, lambda up: U.monte_carlo(
            totals, scenario, R.capex_by_year(prepared), R.gas_lhv(prepared), args.draws, args.seed, up),
            unit="draw")
        out["monte_carlo"] = mc.to_dict()
        for t in out["targets"]:
            t["probability_met"] = mc.probabilities.get(t["name"])
    if args.levers or args.optimise:
        from simulator.district import optimise as O

        if prepared is None:
            prepared = R.prepare(stock, scenario, args.buildings, args.seed)
        if args.levers:
            out["levers"] = [lv.to_dict() for lv in _run("levers", args.quiet,
                                                         lambda up: O.tornado(prepared, progress=up))]
        if args.optimise:
            out["cheapest_programme"] = O.cheapest_programme(prepared, budget_cny=args.budget).to_dict()
    if args.check_energyplus:
        from simulator.district import check as C

        if prepared is None:
            prepared = R.prepare(stock, scenario, args.buildings, args.seed)
        out["energyplus_check"] = _run("EnergyPlus sample", args.quiet, lambda up: C.check_sample(
            prepared, args.check_energyplus, seed=args.seed, progress=up), unit="run").to_dict()
    if args.csv:
        Path(args.csv).write_text(road.years.to_csv(index=False), encoding="utf-8")
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    _print(road, out)
    return 0


def _prepare(R, stock, scenario, args, update):
    update(0, 2)
    p = R.prepare(stock, scenario, args.buildings, args.seed, with_std=args.draws > 0)
    update(2, 2)
    return p


def _print(road, out: dict) -> None:
    print(f"Roadmap: scenario {road.scenario.name} ({road.scenario.title}), stock {road.stock_name}, "
          f"{road.n_buildings} buildings sampled")
    print(f"{'year':>5}{'floor Mm2':>10}{'energy GWh':>12}{'CO2 kt':>9}{'renew %':>9}{'PI kgce/m2':>11}"
          f"{'PI dE %':>9}{'PI dCO2 %':>10}{'capex MCNY':>11}")
    for _, r in road.years.iterrows():
        print(f"{int(r['year']):>5}{r['floor_area_m2'] / 1e6:>10.2f}{r['energy_kwh'] / 1e6:>12.0f}"
              f"{r['co2_t'] / 1e3:>9.1f}{100 * r['renewable_share']:>9.2f}{_fmt(r['public_kgce_m2'], '.2f'):>11}"
              f"{_fmt(100 * r['public_kgce_m2_vs_2020'], '.1f'):>9}{_fmt(100 * r['public_co2_kg_m2_vs_2020'], '.1f'):>10}"
              f"{r['capex_cny'] / 1e6:>11.1f}")
    print(f"peak year of building CO2: {road.peak_year}")
    print("targets:")
    for t in out["targets"]:
        prob = t.get("probability_met")
        p = f"  P(met) {prob:.2f}" if prob is not None else ""
        print(f"  {'met ' if t['met'] else 'MISS'} {t['name']:<34} value {_fmt(t['value'], '.4g'):>10}"
              f"  target {_fmt(t['target'], '.4g'):>8}{p}")
    for lv in out.get("levers", []):
        print(f"  lever {lv['lever']:<14} low {lv['low_label']:<8} high {lv['high_label']:<8} "
              f"CO2 2030 {lv['co2_2030_t_low'] / 1e3:8.1f} / {lv['co2_2030_t_high'] / 1e3:8.1f} kt")
    if "cheapest_programme" in out:
        cp = out["cheapest_programme"]
        print(f"cheapest programme: {cp['status']}; cost {_fmt(cp.get('cost_cny'), '.4g')} CNY")
    if "energyplus_check" in out:
        ec = out["energyplus_check"]
        print(f"EnergyPlus check of {ec['n']} buildings: heating error mean {_fmt(ec.get('heating_error_mean_pct'), '.2f')} %, "
              f"CV(RMSE) {_fmt(ec.get('heating_cvrmse_pct'), '.2f')} %")
    for n in road.notes:
        print(f"note: {n}")


def add_parser(subparsers) -> None:
    """Register ``roadmap`` on the main CLI's subparsers."""
    p = subparsers.add_parser("roadmap", help="the district roadmap 2020-2035 against the carbon-peak targets")
    p.add_argument("--stock", default=None, help="stock file (CSV, .xlsx or TOML); default: built-in Hongqiao stock")
    p.add_argument("--scenario", default="default", help="default, do_nothing, or a scenario TOML file")
    p.add_argument("--buildings", type=int, default=2000, help="existing buildings to sample (default 2000)")
    p.add_argument("--seed", type=int, default=2020, help="sampling seed")
    p.add_argument("--draws", type=int, default=0, help="Monte Carlo draws (0: none)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786)")
    p.add_argument("--chunks", type=int, default=None, help="chunks of buildings on Dask (default 2 per worker)")
    p.add_argument("--levers", action="store_true", help="sensitivity of the targets to each lever (tornado)")
    p.add_argument("--optimise", action="store_true", help="cheapest programme meeting the 2025 targets and the peak")
    p.add_argument("--budget", type=float, default=None, help="budget of the programme [CNY] (default: none)")
    p.add_argument("--check-energyplus", type=int, default=0, metavar="N",
                   help="run N random sampled buildings in EnergyPlus and report the surrogate's error")
    p.add_argument("--csv", default=None, help="write the per-year table to this CSV file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_roadmap)
