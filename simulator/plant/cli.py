"""``retrofit plant [--spec FILE] [--objective cost|co2|weighted] [--no-sweep] [--json]``: compare boiler-house options.

:func:`add_parser` registers the command on the main CLI's subparsers. Library
errors (:class:`~simulator.exceptions.RetrofitError`, e.g. a bad plant file)
propagate to the main CLI, which prints one clear message and exits 2.
"""

from __future__ import annotations

import json
import math
import sys


def _fmt(x, nd: int = 1) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:,.{nd}f}"


def _table(d: dict) -> str:
    p = d["plant"]
    lines = [
        f"{p['title']} ({p['floor_area_m2']:,.0f} m2, {p['engine']}, objective {p['objective']})",
        f"heat to buildings {p['heat_demand_gj']:,.0f} GJ ({p['heat_demand_kwh_m2']:.1f} kWh/m2), network losses "
        f"{p['network_losses_gj']:,.0f} GJ ({100 * p['network_loss_share']:.1f} %), design load "
        f"{p['design_load_kw'] / 1000:,.1f} MW ({p['design_load_w_m2']:.0f} W/m2); grid {p['grid']} "
        f"{p['grid_kg_kwh']:.4f} kg/kWh",
        "",
        f"{'option':<20}{'capex [万元]':>13}{'cost [CNY/GJ]':>15}{'CO2 [kg/GJ]':>13}{'green [kg/GJ]':>15}"
        f"{'grid peak [kW]':>16}{'valley [%]':>12}{'turn grid [kg/kWh]':>21}{'turn tariff [x]':>17}",
    ]
    for o in d["options"]:
        t = o.get("turning", {})
        vs = None if o["valley_share"] is None else 100 * o["valley_share"]
        lines.append(f"{o['name']:<20}{_fmt(o['capex_cny'] / 1e4, 0):>13}{_fmt(o['cost_cny_per_gj']):>15}"
                     f"{_fmt(o['co2_kg_per_gj']):>13}{_fmt(o['co2_kg_per_gj_green_power']):>15}"
                     f"{_fmt(o['peak_grid_kw'], 0):>16}{_fmt(vs, 0):>12}"
                     f"{_fmt(t.get('grid_factor_turn_kg_kwh'), 3):>21}{_fmt(t.get('electricity_price_turn_factor'), 2):>17}")
    lines.append("turn grid: grid factor at which the option's CO2/GJ equals the first option's; turn tariff: "
                 "multiplier of the electricity tariff at which its cost/GJ does ('-': no crossing)")
    if d["sweep"]:
        best = min(d["sweep"], key=lambda r: r["cost_cny_per_gj"])
        low = min(d["sweep"], key=lambda r: r["co2_kg_per_gj"])
        lines.append(f"sizing sweep ({len(d['sweep'])} points): cheapest heat-pump share {best['heat_pump_share']:g} "
                     f"x storage {best['storage_h']:g} h -> {best['cost_cny_per_gj']:.1f} CNY/GJ, "
                     f"{best['co2_kg_per_gj']:.1f} kg/GJ; lowest CO2 {low['heat_pump_share']:g} x {low['storage_h']:g} h "
                     f"-> {low['co2_kg_per_gj']:.1f} kg/GJ at {low['cost_cny_per_gj']:.1f} CNY/GJ")
    return "\n".join(lines)


def cmd_plant(args) -> int:
    from simulator.plant import load_spec, run_plant

    spec = load_spec(args.spec)  # a bad file fails here, before the progress bar starts
    bar = None
    progress = None
    if not args.json:
        from tqdm import tqdm

        bar = tqdm(total=0, desc="plant", unit="step", file=sys.stderr)

        def progress(stage: str, done: int, total: int) -> None:
            bar.set_description(f"plant: {stage}")
            bar.total = total
            bar.n = done
            bar.refresh()

    try:
        res = run_plant(spec, objective=args.objective, sweep=not args.no_sweep, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    d = res.to_dict()
    print(json.dumps(d, indent=2, ensure_ascii=False, allow_nan=False, default=_json_default) if args.json
          else _table(d))
    return 0


def _json_default(x):
    import numpy as np

    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def add_parser(sub) -> None:
    """Register ``retrofit plant`` on the main CLI's subparsers."""
    p = sub.add_parser("plant", help="boiler house: options (gas, heat pumps, electric storage, CHP) dispatched "
                                     "hour by hour; cost and CO2 per GJ")
    p.add_argument("--spec", default=None, help="plant spec TOML (default: the built-in gas boiler house)")
    p.add_argument("--objective", choices=("cost", "co2", "weighted"), default=None,
                   help="dispatch objective (default: the spec's, 'cost')")
    p.add_argument("--no-sweep", action="store_true", help="skip the sizing sweep")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_plant)
