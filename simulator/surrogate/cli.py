"""``retrofit surrogate ...``: sample, train, check and describe the surrogate.

:func:`add_parser` registers the command group on the main CLI's subparsers::

    retrofit surrogate sample --family residential_walkup --n 512 [--base estate_1990s] [--workers 2]
                              [--weather ID] [--chunk 16] [--scheduler tcp://...]
    retrofit surrogate weathers [--commands] [--json]
    retrofit surrogate train [--family NAME|all] [--compare] [--json]
    retrofit surrogate check --archetype old_estate_pre1990 --n 30 --seed 1 [--json]
    retrofit surrogate anchor --weather FILE [--family NAME|all] [--workers 2] [--json]
    retrofit surrogate space [--json]

Handlers return an exit code; library errors (:class:`~simulator.exceptions.RetrofitError`)
propagate to the main CLI, which prints one line and exits 2. ``check`` exits 1
when a target is missed.
"""

from __future__ import annotations

import json

from simulator.cli_args import MAX_WORKERS, number_arg, print_table
from simulator.cli_args import progress_bar as _bar


def _families(spec: str | None) -> list[str]:
    from simulator.surrogate.space import family_names, get_family

    if spec in (None, "all"):
        return family_names()
    return [get_family(s.strip()).name for s in spec.split(",")]


def cmd_calset(args) -> int:
    from simulator.surrogate import calset

    bar, update = _bar("calibration set (archetype x weather files)", args.quiet)
    try:
        written = calset.generate(args.data_dir, archetypes=args.archetype, cache=args.cache,
                                  workers=args.workers, progress=update)
    finally:
        if bar is not None:
            bar.close()
    print(json.dumps({"written": [str(p) for p in written]}, indent=2) if args.json else
          f"{len(written)} calibration files written" + "".join(f"\n  {p}" for p in written))
    return 0


def cmd_sample(args) -> int:
    from simulator.surrogate import dataset as ds
    from simulator.surrogate.weathers import canonical_id

    wid = canonical_id(args.weather)
    ids = None
    if args.active:
        from simulator.surrogate.active import active_points

        ids = active_points(args.family, args.n, weather=wid, base=args.base, directory=args.data_dir)
    bar, update = _bar(f"EnergyPlus {args.family} on {wid}", args.quiet)
    try:
        df = ds.sample(args.family, args.n, cache=args.cache, workers=args.workers, scheduler=args.scheduler,
                       progress=update, retry_failed=args.retry_failed, base=args.base, weather=wid,
                       chunk=args.chunk, directory=args.data_dir, point_ids=ids)
    finally:
        if bar is not None:
            bar.close()
    prov = ds.read_provenance(args.family, args.data_dir, wid) or {}
    out = {"family": args.family, "weather": wid, "n": len(df),
           "path": str(ds.dataset_path(args.family, args.data_dir, wid)),
           "stale_rows": prov.get("stale_rows", 0), "failed_point_ids": prov.get("failed_point_ids", []),
           "energyplus_run_s_total": prov.get("energyplus_run_s_total")}
    print(json.dumps(out, indent=2) if args.json else
          f"{out['family']} on {wid}: {out['n']} points in {out['path']} ({out['stale_rows']} stale) "
          f"(EnergyPlus run time so far {out['energyplus_run_s_total']} s, failed {out['failed_point_ids']})")
    return 0


def cmd_weathers(args) -> int:
    from simulator.surrogate.weathers import plan_commands, training_plan

    plan = training_plan()
    if args.commands:
        print("\n".join(plan_commands(plan, args.step)))
    elif args.json:
        print(json.dumps([{"id": w.id, "priority": w.priority, "why": w.why, "runs": w.runs, "points": w.points,
                           "active": w.active}
                          for w in plan], indent=2))
    else:
        for w in plan:
            print(f"{w.priority:>3}  {w.runs:>5} runs  {w.id}  ({w.why})")
        print(f"     {sum(w.runs for w in plan):>5} runs in all")
    return 0


def cmd_train(args) -> int:
    from simulator.surrogate import training as tr_

    rows = []
    for fam in _families(args.family):
        if args.compare:
            bar, update = _bar(f"K-fold {fam}", args.quiet)
            try:
                sel = tr_.compare_models(fam, progress=update)
            finally:
                if bar is not None:
                    bar.close()
            tr_.selection_path(fam).write_text(json.dumps(sel, indent=2) + "\n", encoding="utf-8")
        _, meta = tr_.load_model(fam, retrain=True)
        cv = meta["cv"]
        rows.append({"family": fam, "n_train": meta["n_train"], "train_s": meta["train_s"],
                     "kinds": ",".join(sorted(set(meta["kinds"].values()))),
                     "heating_cvrmse_pct": round(cv.get("heating_kwh_m2_cvrmse_pct", float("nan")), 2),
                     "heating_r2": round(cv.get("heating_kwh_m2_r2", float("nan")), 4),
                     "cooling_cvrmse_pct": round(cv.get("cooling_kwh_m2_cvrmse_pct", float("nan")), 2),
                     "monthly_heating_cvrmse_pct": round(cv.get("monthly_heating_cvrmse_pct", float("nan")), 2)})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    return 0


def cmd_check(args) -> int:
    from simulator.surrogate.check import check_accuracy

    bar, update = _bar(f"EnergyPlus check {args.archetype}", args.quiet)
    try:
        rep = check_accuracy(args.archetype, args.n, args.seed, cache=args.cache, workers=args.workers,
                             scheduler=args.scheduler, progress=update, weather=args.weather,
                             directory=args.data_dir, anchor=not args.no_anchor)
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(rep, indent=2))
    else:
        _print_check(rep)
    return 0 if all(rep["targets_met"].values()) else 1


def cmd_anchor(args) -> int:
    """Make (or read from the run cache) the anchors of the families on a weather and report them."""
    from simulator.energyplus import resolve_weather
    from simulator.surrogate.engine import anchor_for
    from weather.library import resolve

    w = resolve_weather(str(resolve(args.weather)))[0]
    out: dict = {"weather": {"name": w.name, "id": w.id}, "families": {}}
    for fam in _families(args.family):
        bar, update = _bar(f"EnergyPlus anchor {fam}", args.quiet)
        try:
            a = anchor_for(fam, w, args.data_dir, cache=args.cache, progress=update, workers=args.workers)
        finally:
            if bar is not None:
                bar.close()
        out["families"][fam] = a.to_dict() if a is not None else None
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"weather {w.name} ({w.id})")
    for fam, d in out["families"].items():
        if d is None:
            print(f"{fam}: a training weather of the surrogate, no anchor needed")
            continue
        lc = d.get("local_check") or {}
        print(f"{fam}: anchored on {d['building']}, {d['runs']} EnergyPlus runs ({d['energyplus_s']:.1f} s; "
              "0 when all came from the run cache)")
        print("  factors at the base building: " + ", ".join(f"{k} x{v:.3f}" for k, v in d["factors"].items()))
        if lc.get("quantile_over_calibration"):
            fit = (f" (in the per-measure fit at weight {lc['weight_in_fit']:g}; each scored on the fit without it)"
                   if lc.get("weight_in_fit") else "")
            print(f"  local check on {lc['n']} random packages{fit}: heating CV(RMSE) {lc.get('heating_cvrmse_pct', 0):.2f} %, "
                  f"cooling {lc.get('cooling_cvrmse_pct', 0):.2f} %; load intervals x"
                  + ", x".join(f"{max(1.0, f):.2f} {g}" for g, f in lc["quantile_over_calibration"].items()))
        elif lc.get("note"):
            print(f"  local check: {lc['note']}")
        for problem in d.get("problems", []):
            print(f"  problem: {problem}")
    return 0


def _print_check(rep: dict) -> None:
    print(f"{rep['archetype']} ({rep['family']}): {rep['n']} random packages, seed {rep['seed']}, "
          f"{rep['n_failed']} failed, {rep['n_out_of_domain']} out of domain")
    print(f"{'output':<16}{'R2':>9}{'CV(RMSE) %':>12}{'NMBE %':>9}{'max error':>11}")
    for name in ("heating", "cooling", "monthly_heating", "monthly_cooling", "peak_heating", "peak_cooling"):
        unit = "w_m2" if name.startswith("peak") else "kwh_m2"
        print(f"{name:<16}{rep[f'{name}_r2']:>9.4f}{rep[f'{name}_cvrmse']:>12.2f}{rep[f'{name}_nmbe']:>9.2f}"
              f"{rep[f'{name}_max_error_{unit}']:>11.2f}")
    print(f"heating savings error p95 {rep['savings_error_pp_p95']:.2f} pp of baseline "
          f"(max {rep['savings_error_pp_max']:.2f}); mean saving {rep['savings_mean_pct']:.1f} %")
    cov = rep["interval_coverage_90_by_output"]
    print(f"90 % intervals hold {100 * rep['interval_coverage_90']:.0f} % of the annual loads ("
          + ", ".join(f"{k} {100 * v:.0f} %" for k, v in cov.items()) + f"); weather {rep['weather']['name']}"
          + (f" - {len(rep['weather']['domain_problems'])} domain problem(s)" if rep["weather"]["domain_problems"] else "")
          + (f"; anchored on {rep['weather']['anchor']['building']} (factors "
             + ", ".join(f"{k} x{v:.3f}" for k, v in rep["weather"]["anchor"]["factors"].items()) + ")"
             if rep["weather"].get("anchor") else ""))
    if "auto_energyplus_share" in rep:
        from simulator.surrogate.engine import AUTO_MAX_HALF_WIDTH_PCT, AUTO_MIN_HALF_WIDTH_KWH_M2

        print(f"--engine auto would run EnergyPlus for {100 * rep['auto_energyplus_share']:.0f} % of the packages "
              f"(annual load interval wider than +/- {AUTO_MAX_HALF_WIDTH_PCT:g} % and {AUTO_MIN_HALF_WIDTH_KWH_M2:g} kWh/m2)")
    for z in rep["near_zero_loads"]:
        print(f"  near zero: {z['output']} {z['energyplus_kwh_m2']:.2f} kWh/m2, error {z['abs_error_kwh_m2']:.2f} kWh/m2, "
              f"interval {z['interval_kwh_m2'][0]:.2f}..{z['interval_kwh_m2'][1]:.2f} ({'holds' if z['covered'] else 'misses'})")
    for k, ok in rep["targets_met"].items():
        print(f"  {'ok  ' if ok else 'MISS'} {k}")


def cmd_space(args) -> int:
    from simulator.surrogate.space import families, markdown_table

    if args.json:
        print(json.dumps({name: {"base_archetype": f.base_archetype, "archetypes": list(f.archetypes),
                                 "features": [{"name": x.name, "unit": x.unit, "low": x.low, "high": x.high}
                                              for x in f.features]}
                          for name, f in families().items()}, indent=2))
    else:
        print(markdown_table())
    return 0


MAX_SAMPLE_POINTS = 10_000
"""Largest design sample [points]: about 14 h of EnergyPlus on two cores (~10 s per run)."""
MAX_CHECK_POINTS = 1_000


def add_parser(subparsers) -> None:
    """Register ``surrogate`` and its commands on the main CLI's subparsers."""
    p = subparsers.add_parser("surrogate", help="sample, train and check the surrogate model")
    sub = p.add_subparsers(dest="surrogate_command", metavar="COMMAND", parser_class=type(p))
    sub.required = True

    def common(sp, runs: bool):
        sp.add_argument("--json", action="store_true", help="print JSON")
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        if runs:
            sp.add_argument("--workers", type=number_arg("--workers", 1, MAX_WORKERS, integer=True), default=None, help="process-pool size (default: all cores)")
            sp.add_argument("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786)")
            sp.add_argument("--cache", default=None, help="run-cache file (default ~/.cache/hongqiao-retrofit/runs.sqlite)")

    s = sub.add_parser("sample", help="generate or extend a family's dataset with EnergyPlus runs (resumable)")
    s.add_argument("--family", required=True, help="residential_walkup, residential_highrise, office or school")
    s.add_argument("--n", type=number_arg("--n", 2, MAX_SAMPLE_POINTS, integer=True), required=True, help="wanted number of design points (existing ones are kept)")
    s.add_argument("--retry-failed", action="store_true", help="run again points that failed before")
    s.add_argument("--base", default=None,
                   help="design base archetype (block) to extend; default: the family's base archetype")
    s.add_argument("--weather", default="tianjin",
                   help="training weather id: tianjin (default), tianjin:ssp245:2050, synthetic:dt=+1.5:ghi=1.25:... "
                        "(see `retrofit surrogate weathers`)")
    s.add_argument("--chunk", type=number_arg("--chunk", 1, 1000, integer=True), default=16,
                   help="runs between two atomic rewrites of the CSV (default 16)")
    s.add_argument("--data-dir", default=None,
                   help="dataset folder (default: the committed simulator/data/surrogate)")
    s.add_argument("--active", action="store_true",
                   help="add --n points where the current model is least sure (largest interval) instead of the next ones")
    common(s, runs=True)
    s.set_defaults(func=cmd_sample)

    cs = sub.add_parser("calset", help="run the calibration set of the intervals (packages of every archetype; resumable)")
    cs.add_argument("--archetype", action="append", default=None, help="only this archetype (repeatable)")
    cs.add_argument("--data-dir", default=None, help="dataset folder (default: the committed simulator/data/surrogate)")
    common(cs, runs=True)
    cs.set_defaults(func=cmd_calset)

    w = sub.add_parser("weathers", help="the training weathers (priority order, runs) or the commands that sample them")
    w.add_argument("--commands", action="store_true", help="print the sampling commands of the whole plan")
    w.add_argument("--step", type=number_arg("--step", 1, MAX_SAMPLE_POINTS, integer=True), default=128,
                   help="points added per command with --commands (default 128)")
    w.add_argument("--json", action="store_true", help="print JSON")
    w.set_defaults(func=cmd_weathers)

    t = sub.add_parser("train", help="train (and cache) the model of one or all families")
    t.add_argument("--family", default="all", help="family name, comma-separated names, or all")
    t.add_argument("--compare", action="store_true",
                   help="K-fold compare GP, gradient boosting and MLP first and record the choice per output group")
    common(t, runs=False)
    t.set_defaults(func=cmd_train)

    c = sub.add_parser("check", help="accuracy against fresh EnergyPlus runs of random packages")
    c.add_argument("--archetype", required=True, help="archetype name")
    c.add_argument("--n", type=number_arg("--n", 1, MAX_CHECK_POINTS, integer=True), default=30, help="number of random packages")
    c.add_argument("--seed", type=number_arg("--seed", 0, 2**32 - 1, integer=True), default=1, help="seed of the packages")
    c.add_argument("--weather", default=None,
                   help="EPW file (or built-in name) the packages run on, e.g. a real year held out of training")
    c.add_argument("--data-dir", default=None, help="dataset folder of the model (default: the committed one)")
    c.add_argument("--no-anchor", action="store_true",
                   help="on a weather that is not a training year, do not correct the surrogate by EnergyPlus "
                        "runs of the family's base archetype and its measure anchors (the default does; see "
                        "simulator/surrogate/anchor.py)")
    common(c, runs=True)
    c.set_defaults(func=cmd_check)

    an = sub.add_parser("anchor", help="run the surrogate's anchor and local check on a weather year it was not "
                                       "trained on (once; the run cache keeps them) and report them")
    an.add_argument("--weather", required=True, help="EPW file (or built-in name)")
    an.add_argument("--family", default="all", help="family name, comma-separated names, or all (default)")
    an.add_argument("--data-dir", default=None, help="dataset folder of the model (default: the committed one)")
    an.add_argument("--workers", type=number_arg("--workers", 1, MAX_WORKERS, integer=True), default=None,
                    help="process-pool size (default: all cores)")
    an.add_argument("--cache", default=None, help="run-cache file (default ~/.cache/hongqiao-retrofit/runs.sqlite)")
    an.add_argument("--json", action="store_true", help="print JSON")
    an.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    an.set_defaults(func=cmd_anchor)

    sp = sub.add_parser("space", help="the feature space of every family")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp.set_defaults(func=cmd_space)
