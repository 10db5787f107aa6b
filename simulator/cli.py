"""The ``retrofit`` command line.

Thin wrappers over importable functions: every command prints a table or,
with ``--json``, one JSON document whose keys carry units. Bad arguments and
bad input exit with status 2 and one clear line on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from simulator.cli_args import DEFAULT_WEATHER, MAX_WORKERS, evaluation_options, number_arg  # noqa: F401 (public names)
from simulator.cli_args import print_table as _print_table
from simulator.exceptions import RetrofitError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, not a usage dump
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def weather_path(spec: str) -> Path:
    """An EPW path for ``--weather``: a built-in weather name, or an EPW file path.

    Built-in names are never shadowed by files or folders in the working
    directory (see :func:`weather.library.resolve`).
    """
    from weather.library import resolve

    return Path(resolve(spec))


def _progress_bar(total: int, desc: str, enabled: bool):
    if not enabled:
        return None, lambda done, total: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="run", file=sys.stderr)

    def update(done: int, _total: int) -> None:
        bar.n = done
        bar.refresh()

    return bar, update


def _run_cases(cases, args, desc: str):
    from simulator.batch import run_batch

    bar, update = _progress_bar(len(cases), desc, enabled=not getattr(args, "quiet", False))
    try:
        return run_batch(
            cases,
            cache=args.cache,
            workers=getattr(args, "workers", None),
            scheduler=getattr(args, "scheduler", None),
            progress=update,
            use_cache=not args.no_cache,
        )
    finally:
        if bar is not None:
            bar.close()


# --------------------------------------------------------------------------- commands


def cmd_archetypes(args) -> int:
    import archetypes

    rows = []
    for name in archetypes.names():
        b = archetypes.load(name)
        u = b.u_values_w_m2k()
        rows.append({
            "archetype": name,
            "building_type": b.building_type,
            "storeys": b.geometry.storeys,
            "floor_area_m2": round(b.floor_area_m2, 1),
            "shape_factor_1_m": round(b.geometry.shape_factor_1_m, 3),
            "wall_u_w_m2k": round(u["wall"], 3),
            "wall_mean_u_w_m2k": round(u["wall_mean"], 3),  # with the linear thermal bridges
            "roof_u_w_m2k": round(u["roof"], 3),
            "window_u_w_m2k": round(u["window"], 2),
            "infiltration_ach": b.operation.infiltration_ach,
            "heating_source": b.systems.heating_source,
        })
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    _print_table(rows)
    return 0


def _simulate_json(name: str, loads, weather_name: str) -> dict:
    out = {"archetype": name, "weather": weather_name}
    out.update(loads.summary())
    return out


def cmd_simulate(args) -> int:
    import archetypes
    from buildings.thermal_bridges import envelope_u_summary
    from simulator.batch import Case

    building = archetypes.load(args.archetype)
    epw = weather_path(args.weather)
    [result] = _run_cases([Case(building, str(epw))], args, f"EnergyPlus {building.name}")
    if not result.ok:
        raise RetrofitError(result.error or "simulation failed")
    out = _simulate_json(args.archetype, result.loads, epw.stem)
    out["cached"] = result.cached
    out["envelope"] = envelope_u_summary(building)  # wall U 1-D and with thermal bridges
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    _print_loads(out)
    return 0


def cmd_batch(args) -> int:
    import archetypes
    from simulator.batch import Case

    names = archetypes.names() if args.archetypes == "all" else [n.strip() for n in args.archetypes.split(",")]
    buildings = [archetypes.load(n) for n in names]
    epws = [weather_path(w.strip()) for w in args.weather.split(",")]
    cases = [Case(b, str(e)) for b in buildings for e in epws]
    results = _run_cases(cases, args, "EnergyPlus batch")
    rows = []
    for case, res, in zip(cases, results, strict=True):
        row = {"archetype": case.building.name, "weather": Path(case.weather).stem, "cached": res.cached}
        if res.ok:
            s = res.loads.summary()
            row.update({k: s[k] for k in ("heating_kwh_m2", "cooling_kwh_m2", "peak_heating_w_m2", "peak_cooling_w_m2")})
        else:
            row["error"] = (res.error or "").splitlines()[0]
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        _print_table(rows)
    return 0 if all(r.ok for r in results) else 1


def cmd_measures(args) -> int:
    from buildings import measures as M

    rows = []
    for name, m in M.catalogue().items():
        d = M.kind_data(m.kind)
        rows.append({
            "measure": name,
            "kind": m.kind,
            "parameters": ", ".join(f"{k}={v}" for k, v in m.params) or "-",
            "cost_basis": d["cost_basis"],
            "unit_cost": _unit_cost_text(m),
            "lifetime_years": m.lifetime_years,
        })
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        _print_table(rows)
        print("\nAny measure can also be given as kind:key=value:..., e.g. wall_insulation:material=eps_board:thickness_mm=90")
    return 0


def _unit_cost_text(m) -> str:
    import archetypes
    from buildings import measures as M

    b = archetypes.load("old_estate_pre1990")
    basis = M.kind_data(m.kind)["cost_basis"]
    unit = {"cny_per_kw_heating": "CNY/kW", "cny_per_kwp": "CNY/kWp"}.get(basis, "CNY/m2")
    return f"{M.unit_cost_cny(m, b):,.0f} {unit}"


def cmd_packages(args) -> int:
    from buildings import measures as M

    rows = [{"package": name, "measures": ", ".join(p["measures"]), "description": p["description"]}
            for name, p in M.packages().items()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['package']}: {r['measures']}\n    {r['description']}")
    return 0


def cmd_evaluate(args) -> int:
    import archetypes
    from simulator.evaluate import evaluate

    building = archetypes.load(args.archetype)
    opts = evaluation_options(args)
    engine = None if args.engine == "energyplus" else args.engine
    weather = str(weather_path(args.weather))
    ev = evaluate(building, args.package, weather=weather, engine=engine, options=opts,
                  cache=False if args.no_cache else args.cache)
    out = ev.to_dict()
    out["archetype"] = args.archetype
    out["weather"] = Path(weather).stem
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        _print_evaluation(out)
    return 0


# --------------------------------------------------------------------------- output


def _fmt_years(x) -> str:
    return "never" if x is None or x == float("inf") else f"{x:.1f} years"


def _print_evaluation(d: dict) -> None:
    b, r = d["baseline"], d["retrofit"]
    print(f"{d['archetype']} + {d['package']}  ({d['floor_area_m2']:,.0f} m2, engine {d['engine']}, weather {d['weather']})")
    print(f"measures: {', '.join(d['measures'])}")
    rows = [
        ("heating load", "kWh/m2", b["heating_kwh_m2"], r["heating_kwh_m2"]),
        ("cooling load", "kWh/m2", b["cooling_kwh_m2"], r["cooling_kwh_m2"]),
        ("district heat", "GJ", b["district_heat_gj"], r["district_heat_gj"]),
        ("gas", "m3", b["gas_m3"], r["gas_m3"]),
        ("electricity demand", "MWh", b["electricity_kwh"] / 1000, r["electricity_kwh"] / 1000),
        ("  of which heating", "MWh", b["electricity_heating_kwh"] / 1000, r["electricity_heating_kwh"] / 1000),
        ("  of which cooling", "MWh", b["electricity_cooling_kwh"] / 1000, r["electricity_cooling_kwh"] / 1000),
        ("PV generation", "MWh", b["pv_kwh"] / 1000, r["pv_kwh"] / 1000),
        ("grid import", "MWh", b["grid_import_kwh"] / 1000, r["grid_import_kwh"] / 1000),
        ("CO2", "t/a", b["co2_kg"] / 1000, r["co2_kg"] / 1000),
        ("energy bills", "CNY/a", b["bills_cny"], r["bills_cny"]),
        ("renewable share", "%", 100 * b["renewable_share"], 100 * r["renewable_share"]),
    ]
    print(f"{'':<22}{'unit':<8}{'baseline':>14}{'retrofit':>14}")
    for name, unit, x, y in rows:
        print(f"{name:<22}{unit:<8}{x:>14,.1f}{y:>14,.1f}")
    if r["hp_scop"] is not None:
        print(f"heat-pump SCOP {r['hp_scop']:.2f}")
    print(f"capex {d['capex_cny']:,.0f} CNY ({d['capex_cny_m2']:,.0f} CNY/m2)"
          + (f" after a subsidy of {d['subsidy_cny']:,.0f} CNY" if d["subsidy_cny"] else ""))
    print(f"bill savings {d['bill_savings_cny']:,.0f} CNY/a, simple payback {_fmt_years(d['simple_payback_years'])}, "
          f"NPV {d['npv_cny']:,.0f} CNY ({d['horizon_years']} a at {100 * d['discount_rate']:.0f} %)")
    ccc = d["cost_of_conserved_carbon_cny_per_t"]
    print(f"CO2 saved {d['co2_saved_t']:,.1f} t/a, cost of conserved carbon "
          + ("n/a" if ccc is None else f"{ccc:,.0f} CNY/tCO2"))
    for w in d["warnings"]:
        print(f"warning: {w}", file=sys.stderr)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _print_loads(out: dict) -> None:
    print(f"{out['archetype']} on {out['weather']}  (floor area {out['floor_area_m2']:,.0f} m2"
          f"{', from cache' if out.get('cached') else ''})")
    print("Ideal loads (heat/cold delivered to the rooms; conversion by system is downstream)")
    for name in ("heating", "cooling", "lighting", "equipment"):
        print(f"  {name:<10} {out[f'{name}_kwh']:>14,.0f} kWh  {out[f'{name}_kwh_m2']:>8.1f} kWh/m2")
    print(f"  peak heating {out['peak_heating_w'] / 1000:,.1f} kW ({out['peak_heating_w_m2']:.1f} W/m2),"
          f" peak cooling {out['peak_cooling_w'] / 1000:,.1f} kW ({out['peak_cooling_w_m2']:.1f} W/m2)")
    if out.get("design_heating_w") is not None:
        print(f"  design heating {out['design_heating_w'] / 1000:,.1f} kW ({out['design_heating_w_m2']:.1f} W/m2),"
              f" design cooling {out['design_cooling_w'] / 1000:,.1f} kW ({out['design_cooling_w_m2']:.1f} W/m2)"
              f"; cooling sensible {out['cooling_sensible_kwh']:,.0f} kWh, latent {out['cooling_latent_kwh']:,.0f} kWh")
    if out.get("heating_unmet_h") is not None:
        print(f"  heating below setpoint {out['heating_unmet_h']:,.1f} h (heating capacity = design load x sizing factor)")
    if out.get("envelope"):
        e = out["envelope"]
        print(f"  wall U {e['wall_u_w_m2k']:.2f} W/(m2 K) from its layers, {e['wall_mean_u_w_m2k']:.2f} with thermal"
              f" bridges (simulated); roof {e['roof_u_w_m2k']:.2f}, window {e['window_u_w_m2k']:.2f}")
    print("  month        " + " ".join(f"{m:>7}" for m in _MONTHS))
    print("  heating MWh  " + " ".join(f"{v / 1000:>7.1f}" for v in out["monthly_heating_kwh"]))
    print("  cooling MWh  " + " ".join(f"{v / 1000:>7.1f}" for v in out["monthly_cooling_kwh"]))


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    from simulator.evaluate import MAX_HORIZON_YEARS, MAX_SUBSIDY_CNY_M2

    p = _Parser(prog="retrofit", description="Hongqiao (Tianjin) building retrofit simulator")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    a = sub.add_parser("archetypes", help="list the archetypes with floor area and key U-values")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(func=cmd_archetypes)

    def run_options(sp):
        sp.add_argument("--json", action="store_true", help="print JSON")
        sp.add_argument("--cache", default=None, help="run-cache file (default ~/.cache/hongqiao-retrofit/runs.sqlite)")
        sp.add_argument("--no-cache", action="store_true", help="simulate even if a cached result exists")
        sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    s = sub.add_parser("simulate", help="simulate one archetype in EnergyPlus")
    s.add_argument("--archetype", required=True, help="archetype name or path to a TOML file")
    s.add_argument("--weather", default=DEFAULT_WEATHER,
                   help="EPW file or built-in weather name (default: tianjin, the built-in typical year)")
    run_options(s)
    s.set_defaults(func=cmd_simulate)

    b = sub.add_parser("batch", help="simulate several archetypes and weather files in parallel")
    b.add_argument("--archetypes", default="all", help="comma-separated names, or 'all'")
    b.add_argument("--weather", default=DEFAULT_WEATHER, help="comma-separated EPW files or built-in names")
    b.add_argument("--workers", type=number_arg("--workers", 1, MAX_WORKERS, integer=True), default=None, help="process-pool size (default: all cores)")
    b.add_argument("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786)")
    run_options(b)
    b.set_defaults(func=cmd_batch)

    m = sub.add_parser("measures", help="list the retrofit measures with their cost basis")
    m.add_argument("--json", action="store_true", help="print JSON")
    m.set_defaults(func=cmd_measures)

    pk = sub.add_parser("packages", help="list the preset packages and their measures")
    pk.add_argument("--json", action="store_true", help="print JSON")
    pk.set_defaults(func=cmd_packages)

    e = sub.add_parser("evaluate", help="energy, CO2 and money of a retrofit package on an archetype")
    e.add_argument("--archetype", required=True, help="archetype name or path to a TOML file")
    e.add_argument("--package", required=True,
                   help="preset name or comma-separated measures (see 'retrofit packages' and 'retrofit measures')")
    e.add_argument("--weather", default=DEFAULT_WEATHER, help="EPW file or built-in weather name")
    e.add_argument("--engine", default="energyplus", choices=["energyplus", "surrogate", "auto"])
    e.add_argument("--grid", default=None, help="grid emission factor name or kgCO2/kWh (default: North China 2023)")
    e.add_argument("--discount-rate", type=number_arg("--discount-rate", -0.99, 1.0), default=None, help="real discount rate, e.g. 0.06")
    e.add_argument("--horizon", type=number_arg("--horizon", 1, MAX_HORIZON_YEARS, integer=True), default=None, help="analysis period [years]")
    e.add_argument("--subsidy-cny-m2", type=number_arg("--subsidy-cny-m2", 0.0, MAX_SUBSIDY_CNY_M2), default=0.0, help="subsidy per m2 of floor area [CNY/m2]")
    run_options(e)
    e.set_defaults(func=cmd_evaluate)

    try:
        from weather import cli as weather_cli
    except ImportError:  # the weather package always ships; guard for partial installs
        weather_cli = None
    if weather_cli is not None and hasattr(weather_cli, "add_parser"):
        weather_cli.add_parser(sub)
    from simulator.surrogate import cli as surrogate_cli

    surrogate_cli.add_parser(sub)
    from simulator.plant import cli as plant_cli

    plant_cli.add_parser(sub)
    __import__("simulator.district.cli", fromlist=["add_parser"]).add_parser(sub)
    __import__("simulator.calibration.cli", fromlist=["add_parser"]).add_parser(sub)
    __import__("simulator.validation.cli", fromlist=["add_parser"]).add_parser(sub)
    __import__("simulator.reports.cli", fromlist=["add_parser"]).add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("simulator.cache").setLevel(logging.INFO if args.verbose else logging.WARNING)  # cache faults: one line
    # an unreadable cached surrogate model: one warning naming the file (it is moved aside and retrained)
    logging.getLogger("simulator.surrogate.model").setLevel(logging.INFO if args.verbose else logging.WARNING)
    try:
        return int(args.func(args) or 0)
    except RetrofitError as exc:
        print(f"retrofit: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return 1
    except OSError as exc:  # the file system refused (permissions, disk full, a name too long)
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"retrofit: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("retrofit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
