"""``retrofit calibrate`` and ``retrofit own-building``.

:func:`add_parser` registers both commands on the main CLI's subparsers::

    retrofit calibrate --archetype NAME|PATH --meter FILE [--weather EPW] [--heat-meter building|substation]
                       [--floor-area-m2 A] [--package P] [--out FILE] [--json]
                       [--walkers 64] [--steps 1000] [--burn 300] [--seed 0] [--no-energyplus] [-q]
    retrofit own-building --name NAME [--year-built Y | --step S] [--storeys N] [--length-m L] [--depth-m D]
                          [--azimuth-deg A] [--floor-area-m2 A] [--wwr-south R] [--wwr-north R] [--wwr-east R]
                          [--wwr-west R] [--wall-type T] [--heating-source S] [--building-type T]
                          [--description TEXT] --out FILE

``calibrate`` prints the posterior, Guideline 14 metrics against their limits
and (with ``--package``) the savings with 90 % credible intervals; ``--json``
prints the same as JSON; ``--out`` writes the calibrated archetype file with
its provenance. ``own-building`` writes a validated archetype file that
extends the nearest library archetype. Library errors propagate to the main
CLI (one line, exit 2).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _progress(quiet: bool):
    """A tqdm bar opened at the first progress report (a file that fails to load shows none)."""
    if quiet:
        return None, None
    from tqdm import tqdm

    holder: list = []

    def update(fraction: float, message: str) -> None:
        if not holder:
            holder.append(tqdm(total=100, desc="calibration", unit="%", file=sys.stderr))
        bar = holder[0]
        bar.n = int(round(100 * fraction))
        bar.set_postfix_str(message[:40], refresh=False)
        bar.refresh()

    class _Closer:
        def close(self) -> None:
            for bar in holder:
                bar.close()

    return _Closer(), update


def _text(d: dict) -> str:
    from simulator.calibration.metrics import CVRMSE_MONTHLY_LIMIT_PCT as CV
    from simulator.calibration.metrics import NMBE_MONTHLY_LIMIT_PCT as NB

    lines = [f"Calibration of {d['archetype']} to {d['meter']['file']} ({d['meter']['kind']}, heat at the "
             f"{d['meter']['heat_meter']}, {d['meter']['floor_area_m2']:.0f} m2) in {d['runtime_s']:.1f} s",
             "", "posterior (90 % credible interval; prior 90 % interval):"]
    for name, r in d["posterior"].items():
        lines.append(f"  {name:24s} {r['mean']:8.3f} [{r['p05']:.3f} .. {r['p95']:.3f}] {r.get('unit', '')}"
                     f"   prior [{r['prior_p05']:.3f} .. {r['prior_p95']:.3f}]   ESS {r['ess']:.0f}, R-hat {r['rhat']:.3f}")
    dg = d["diagnostics"]
    lines.append(f"  acceptance {dg['acceptance_fraction']:.2f}, tau max {dg['tau_max_steps']:.0f} steps, "
                 f"{dg['n_walkers']} walkers x {dg['n_steps']} steps (burn-in {dg['burn_in_steps']})")
    lines += ["", f"ASHRAE Guideline 14, monthly (limits CV(RMSE) <= {CV:g} %, |NMBE| <= {NB:g} %):"]
    for engine, ms in (("EnergyPlus", d["metrics"]["energyplus"]), ("surrogate", d["metrics"]["surrogate"]),
                       ("uncalibrated", d["metrics"]["uncalibrated_surrogate"])):
        for meter, m in ms.items():
            ok = "met" if m["calibrated"] else "NOT met"
            lines.append(f"  {engine:12s} {meter:11s} CV(RMSE) {m['cvrmse_pct']:6.1f} %  NMBE {m['nmbe_pct']:+6.1f} %"
                         f"  ({m['n_months']} months) {ok}")
    s = d.get("savings")
    if s:
        lines += ["", f"heating savings of {s['package']} (90 % credible interval, kWh/m2 a):"]
        for key in ("before", "after"):
            r = s[key]["saved_kwh_m2"]
            p = s[key]["saved_pct"]
            lines.append(f"  {key:6s} calibration: {r['mean']:.1f} [{r['p05']:.1f} .. {r['p95']:.1f}] kWh/m2 a, "
                         f"{p['mean']:.0f} [{p['p05']:.0f} .. {p['p95']:.0f}] %")
    if d["warnings"]:
        lines += ["", "warnings:"] + [f"  - {w}" for w in d["warnings"]]
    return "\n".join(lines)


def cmd_calibrate(args) -> int:
    from simulator.calibration.calibrate import Options, calibrate, calibrated_toml

    opts = Options(n_walkers=args.walkers, n_steps=args.steps, burn=args.burn, seed=args.seed,
                   energyplus=not args.no_energyplus, package=args.package, weather_method=args.weather_method,
                   refine=args.refine)
    bar, update = _progress(args.quiet or args.json)
    try:
        result = calibrate(args.archetype, Path(args.meter), weather_path=args.weather, heat_meter=args.heat_meter,
                           floor_area_m2=args.floor_area_m2, options=opts, progress=update)
    finally:
        if bar is not None:
            bar.close()
    d = result.to_dict()
    if args.out:
        text = calibrated_toml(result)
        Path(args.out).write_text(text, encoding="utf-8")
        d["calibrated_archetype_file"] = str(args.out)
    if args.json:
        if args.brief:
            d.pop("monthly", None)
        print(json.dumps(d, indent=2, ensure_ascii=False))
    else:
        print(_text(d))
        if args.out:
            print(f"\ncalibrated archetype written to {args.out}")
    for w in d["warnings"]:
        if args.json:
            print(f"retrofit calibrate: warning: {w}", file=sys.stderr)
    return 0


def cmd_own_building(args) -> int:
    from simulator.calibration.own_building import OwnBuilding, write_own_building

    spec = OwnBuilding(name=args.name, building_type=args.building_type, year_built=args.year_built, step=args.step,
                       storeys=args.storeys, length_m=args.length_m, depth_m=args.depth_m,
                       azimuth_deg=args.azimuth_deg, floor_area_m2=args.floor_area_m2, wwr_south=args.wwr_south,
                       wwr_north=args.wwr_north, wwr_east=args.wwr_east, wwr_west=args.wwr_west,
                       wall_type=args.wall_type, heating_source=args.heating_source,
                       description=args.description or "")
    p = write_own_building(spec, args.out)
    import archetypes

    b = archetypes.load(p)
    print(f"{p}: {b.name}, {b.floor_area_m2:.0f} m2, {b.geometry.storeys} storeys, "
          f"wall U {b.u_values_w_m2k()['wall']:.2f} W/(m2 K), based on {archetypes.raw(p)['meta']['base']}")
    return 0


def add_parser(sub) -> None:
    """Register ``calibrate`` and ``own-building`` on the main CLI's subparsers."""
    c = sub.add_parser("calibrate", help="Bayesian calibration of an archetype to meter data (surrogate + emcee)")
    c.add_argument("--archetype", required=True, help="archetype name or path to a TOML file")
    c.add_argument("--meter", required=True, help="meter file (.csv or .xlsx; monthly or billing periods)")
    c.add_argument("--weather", default=None,
                   help="EPW of the metered period (default: the built-in Tianjin year, or that year morphed to a "
                        "mean_temp_c / 月平均气温 column of the meter file); the surrogate predicts on it")
    c.add_argument("--weather-method", default="auto", choices=["auto", "surrogate", "degree-days"],
                   help="a metered year other than the built-in one: the weather-aware surrogate predicts on it "
                        "('surrogate'), or its heat is degree-day normalised to the built-in year ('degree-days', an "
                        "approximation); 'auto' (default): the surrogate when the year lies inside its training "
                        "weathers, else degree-days")
    c.add_argument("--refine", default="auto", choices=["auto", "always", "never"],
                   help="one refinement pass: the surrogate corrected by EnergyPlus's ratio to it at the posterior "
                        "mean and the posterior sampled again ('auto', default: when the EnergyPlus check misses "
                        "ASHRAE Guideline 14)")
    c.add_argument("--heat-meter", default="building", choices=["building", "substation"],
                   help="where the heat is metered (substation adds the network efficiency parameter)")
    c.add_argument("--floor-area-m2", type=float, default=None, help="floor area the meters serve [m2]")
    c.add_argument("--package", default=None, help="retrofit package whose savings get 90 %% credible intervals")
    c.add_argument("--out", default=None, help="write the calibrated archetype file (TOML, with provenance)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.add_argument("--brief", action="store_true", help="with --json: leave out the monthly table")
    c.add_argument("--walkers", type=int, default=64, help="emcee walkers (default 64)")
    c.add_argument("--steps", type=int, default=1000, help="MCMC steps per walker (default 1000)")
    c.add_argument("--burn", type=int, default=300, help="burn-in steps discarded (default 300)")
    c.add_argument("--seed", type=int, default=0, help="random seed")
    c.add_argument("--no-energyplus", action="store_true", help="skip the EnergyPlus re-run of the posterior mean")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=cmd_calibrate)

    o = sub.add_parser("own-building", help="write an archetype file for your own building (extends the nearest one)")
    o.add_argument("--name", required=True, help="name of the building")
    o.add_argument("--out", required=True, help="archetype file to write (.toml)")
    o.add_argument("--building-type", default="residential", help="residential, office or school")
    o.add_argument("--year-built", type=int, default=None, help="year of completion (selects the energy-saving step)")
    o.add_argument("--step", default=None, help="energy-saving step (baseline_1980, step_50 ... step_83, gb50189_2005...)")
    o.add_argument("--storeys", type=int, default=None)
    o.add_argument("--length-m", type=float, default=None, help="length along the front facade [m]")
    o.add_argument("--depth-m", type=float, default=None, help="depth [m]")
    o.add_argument("--azimuth-deg", type=float, default=None, help="direction the front faces [deg], 180 = south")
    o.add_argument("--floor-area-m2", type=float, default=None, help="heated floor area [m2]")
    for f in ("south", "north", "east", "west"):
        o.add_argument(f"--wwr-{f}", type=float, default=None, help=f"window-to-wall ratio, {f} facade [-]")
    o.add_argument("--wall-type", default=None, help="brick_370, brick_370_inner_eps, rc_eps_etics, aerated_concrete_eps")
    o.add_argument("--heating-source", default=None, help="district_heat, gas_boiler, ashp or electric_storage")
    o.add_argument("--description", default=None, help="free text")
    o.set_defaults(func=cmd_own_building)
