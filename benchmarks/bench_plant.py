"""Benchmark the heat-plant model: LP solve time of one season's dispatch and of the sizing sweep,
the default plant's option table and turning points.

Saves ``benchmarks/results/plant.json`` and ``benchmarks/results/plant.md`` and prints the markdown.
Wall times depend on the machine and its load; CPU seconds (``time.process_time``) are given beside
them because the machine may be shared.

    .venv/bin/python benchmarks/bench_plant.py
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.plant import load_spec, run_plant  # noqa: E402
from simulator.plant.appraise import dispatch_option, sizes_of  # noqa: E402

OUT = Path(__file__).resolve().parent / "results"


def _clock(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def _engine_row(d: dict) -> dict:
    p = d["plant"]
    return {"heat_demand_gj": p["heat_demand_gj"], "design_load_kw": p["design_load_kw"],
            "options": {o["name"]: {k: o[k] for k in ("cost_cny_per_gj", "co2_kg_per_gj", "valley_share",
                                                       "peak_grid_kw")} for o in d["options"]}}


def _fmt(x, nd=1):
    return "-" if x is None else f"{x:,.{nd}f}"


def main() -> dict:
    spec = load_spec()
    (res, wall_all, cpu_all) = _clock(lambda: run_plant(spec, sweep=True))
    ctx = res.context
    # one season's dispatch, per option (both LP passes for boilers), repeated 3x, median
    solve = {}
    for opt in spec.options:
        s = sizes_of(opt, ctx)
        runs = [_clock(lambda s=s: dispatch_option(s, ctx)) for _ in range(3)]
        solve[opt.name] = {"wall_s": statistics.median(r[1] for r in runs),
                           "cpu_s": statistics.median(r[2] for r in runs),
                           "highs_s": statistics.median(r[0][2] for r in runs),
                           "lp_passes": 2 if s.gas_boiler_kw > 0 else 1}
    (_, wall_sweep, cpu_sweep) = _clock(lambda: run_plant(spec, sweep=True, turning=False))
    d = res.to_dict()
    co2_res = run_plant(spec, objective="co2", sweep=False, turning=False).to_dict()
    # the same plant with EnergyPlus loads instead of the surrogate (one annual run per archetype, cached)
    (ep, wall_ep, cpu_ep) = _clock(lambda: run_plant(replace(spec, engine="energyplus"), sweep=False,
                                                     turning=False).to_dict())
    engines = {"surrogate": _engine_row(d), "energyplus": _engine_row(ep) | {"wall_s": wall_ep, "cpu_s": cpu_ep}}
    out = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "note": "shared machine: 7 helpers at once; wall times measured under load, CPU seconds beside"},
        "command": ".venv/bin/python benchmarks/bench_plant.py",
        "season_hours": d["plant"]["season_hours"],
        "lp_variables_per_pass": 8 * d["plant"]["season_hours"] + 1,
        "dispatch_one_season_s": solve,
        "sweep_points": len(d["sweep"]),
        "run_plant_with_sweep_no_turning_s": {"wall": wall_sweep, "cpu": cpu_sweep},
        "run_plant_full_s": {"wall": wall_all, "cpu": cpu_all},
        "timings_s": d["timings_s"],
        "plant": d["plant"],
        "options": d["options"],
        "options_co2_objective": [{k: o[k] for k in ("name", "cost_cny_per_gj", "co2_kg_per_gj", "valley_share",
                                                     "peak_grid_kw")} for o in co2_res["options"]],
        "sweep": d["sweep"],
        "grid_path_kg_kwh": d["grid_path_kg_kwh"],
        "engines": engines,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "plant.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md = _markdown(out)
    (OUT / "plant.md").write_text(md, encoding="utf-8")
    print(md)
    return out


def _markdown(o: dict) -> str:
    p = o["plant"]
    lines = [
        "# Heat plant benchmark (`benchmarks/bench_plant.py`)",
        "",
        f"{o['when']}; {o['machine']['note']}.",
        "",
        f"Default plant: {p['title']}, {p['floor_area_m2']:,.0f} m2, {p['engine']} loads, heat to buildings "
        f"{p['heat_demand_gj']:,.0f} GJ ({p['heat_demand_kwh_m2']:.1f} kWh/m2 per season), network losses "
        f"{100 * p['network_loss_share']:.1f} %, design load {p['design_load_kw'] / 1000:.1f} MW "
        f"({p['design_load_w_m2']:.0f} W/m2); grid {p['grid']} {p['grid_kg_kwh']} kg/kWh, gas {p['gas_cny_m3']} CNY/m3, "
        f"CHP heat {p['chp_heat_price_cny_gj']} CNY/GJ, tariff {p['electricity_tariff']}.",
        "",
        f"## Solve time: one season ({o['season_hours']} h, {o['lp_variables_per_pass']} LP variables per pass)",
        "",
        "| option | LP passes | HiGHS [s] | wall [s] | CPU [s] |",
        "|---|---|---|---|---|",
    ]
    for k, v in o["dispatch_one_season_s"].items():
        lines.append(f"| {k} | {v['lp_passes']} | {v['highs_s']:.3f} | {v['wall_s']:.3f} | {v['cpu_s']:.3f} |")
    lines += [
        "",
        f"Sizing sweep ({o['sweep_points']} points) inside `run_plant` (demand + options + sweep, no turning points): "
        f"wall {o['run_plant_with_sweep_no_turning_s']['wall']:.1f} s, CPU {o['run_plant_with_sweep_no_turning_s']['cpu']:.1f} s; "
        f"sweep alone {o['timings_s'].get('sweep_s', 0):.1f} s wall; full run with turning points "
        f"{o['run_plant_full_s']['wall']:.1f} s wall.",
        "",
        "## Options (objective: least cost)",
        "",
        "| option | capex [万元] | cost [CNY/GJ] | CO2 [kg/GJ] | CO2 green power [kg/GJ] | CO2 2030 path [kg/GJ] | "
        "grid peak [kW] | valley share | HP SCOP | grid factor turn [kg/kWh] | tariff turn [x] | gas price turn [CNY/m3] |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for x in o["options"]:
        tp = x["turning"]
        lines.append(
            f"| {x['name']} | {x['capex_cny'] / 1e4:,.0f} | {x['cost_cny_per_gj']:.1f} | {x['co2_kg_per_gj']:.1f} | "
            f"{x['co2_kg_per_gj_green_power']:.1f} | {x['co2_kg_per_gj_grid_path'].get('2030', 0):.1f} | "
            f"{x['peak_grid_kw']:,.0f} | {_fmt(x['valley_share'] and 100 * x['valley_share'], 0)} % | "
            f"{_fmt(x['hp_seasonal_cop'], 2)} | {_fmt(tp.get('grid_factor_turn_kg_kwh'), 3)} | "
            f"{_fmt(tp.get('electricity_price_turn_factor'), 2)} | {_fmt(tp.get('gas_price_turn_cny_m3'), 2)} |")
    lines += ["", "Turning points are against `gas_boiler`: grid factor at which CO2/GJ is equal (analytic, exact "
              "for the cost-optimal dispatch, which does not depend on the factor); multiplier of the whole "
              "electricity tariff and gas price at which cost/GJ is equal (tariff: analytic crossing refined by "
              "re-dispatch; gas: analytic for fixed dispatches). '-': no crossing in range.", "",
              "## Options (objective: least CO2)", "", "| option | cost [CNY/GJ] | CO2 [kg/GJ] | valley share | grid peak [kW] |",
              "|---|---|---|---|---|"]
    for x in o["options_co2_objective"]:
        lines.append(f"| {x['name']} | {x['cost_cny_per_gj']:.1f} | {x['co2_kg_per_gj']:.1f} | "
                     f"{_fmt(x['valley_share'] and 100 * x['valley_share'], 0)} % | {x['peak_grid_kw']:,.0f} |")
    su, ep = o["engines"]["surrogate"], o["engines"]["energyplus"]
    lines += ["", "## Surrogate vs EnergyPlus loads (same plant, same options)", "",
              f"Heat to buildings: surrogate {su['heat_demand_gj']:,.0f} GJ, EnergyPlus {ep['heat_demand_gj']:,.0f} GJ; "
              f"design load {su['design_load_kw'] / 1000:.1f} vs {ep['design_load_kw'] / 1000:.1f} MW "
              f"(EnergyPlus run {ep['wall_s']:.0f} s wall incl. cache look-ups).", "",
              "| option | cost surrogate | cost EnergyPlus [CNY/GJ] | CO2 surrogate | CO2 EnergyPlus [kg/GJ] | "
              "valley share surrogate | EnergyPlus |", "|---|---|---|---|---|---|---|"]
    for k, a in su["options"].items():
        b = ep["options"][k]
        lines.append(f"| {k} | {a['cost_cny_per_gj']:.1f} | {b['cost_cny_per_gj']:.1f} | {a['co2_kg_per_gj']:.1f} | "
                     f"{b['co2_kg_per_gj']:.1f} | {_fmt(a['valley_share'] and 100 * a['valley_share'], 0)} % | "
                     f"{_fmt(b['valley_share'] and 100 * b['valley_share'], 0)} % |")
    lines += ["", "## Sizing sweep (heat pumps + water tank + gas peak boilers)", "",
              "| HP share | storage [h] | capex [万元] | cost [CNY/GJ] | CO2 [kg/GJ] | grid peak [kW] | valley share |",
              "|---|---|---|---|---|---|---|"]
    for r in o["sweep"]:
        lines.append(f"| {r['heat_pump_share']:g} | {r['storage_h']:g} | {r['capex_cny'] / 1e4:,.0f} | "
                     f"{r['cost_cny_per_gj']:.1f} | {r['co2_kg_per_gj']:.1f} | {r['peak_grid_kw']:,.0f} | "
                     f"{_fmt(r['valley_share'] and 100 * r['valley_share'], 0)} % |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
