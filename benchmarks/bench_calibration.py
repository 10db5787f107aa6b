"""Calibration to meters (issue 13): run time, synthetic-truth recovery, Guideline 14, savings intervals.

Synthetic truth: EnergyPlus simulates old_estate_pre1990 with hidden parameter
values; its monthly heat and electricity get 5 % Gaussian noise and become the
meter file; the calibration (default settings, as ``retrofit calibrate``) must
find the hidden values inside its 90 % intervals and meet ASHRAE Guideline 14.

Cases
-----
* A, B: two hidden buildings on the built-in Tianjin year (the surrogate's
  year), heat metered at the building.
* C: heat metered at the substation, hidden network efficiency 0.90.
* D: meter data from EnergyPlus on the TMYx 2011-2025 Tianjin year (another
  weather), calibrated with ``--weather`` TMYx: the weather-aware surrogate
  predicts on it (until issue 12 the heat was degree-day normalised to the
  built-in year; see the weather cases). Skipped when ../shared/weather is absent.

Weather cases (``--weather``, issue 12's weather-aware surrogate): each metered year other than the
built-in one calibrated both ways - the surrogate predicting on the metered weather (``surrogate``, the
default since issue 12) and the heat degree-day normalised to the built-in year (``degree-days``):

* D: the TMYx 2011-2025 Tianjin year (a real multi-year typical year, held out of training; skipped when
  ../shared/weather is absent), given as ``--weather`` EPW;
* E: the built-in year with a milder winter (monthly mean shifts in ``MILD_WINTER_K``), given as monthly
  mean temperatures in the meter file (the synthetic-truth case of tests/test_calibration.py).

Electric cases (``--electric``): the old estate heated by an air-source heat pump (F, hidden COP factor
0.90) or by electric heat storage (G, hidden storage efficiency 0.90), metered by the electricity meter
only; the heating electricity of the hidden building comes from EnergyPlus loads through the system model
(``simulator.systems.deliver``). Reports what the electricity meter identifies (heat demand vs heating
electricity, ``simulator/calibration/electric.py``).

Writes benchmarks/results/calibration.json and calibration.md (``--weather``: calibration_weather.*,
``--electric``: calibration_electric.*). Run::

    .venv/bin/python benchmarks/bench_calibration.py [--weather | --electric]
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import RESULTS, save  # noqa: E402

import archetypes  # noqa: E402
import weather  # noqa: E402
from simulator.calibration.calibrate import Options, calibrate  # noqa: E402
from simulator.calibration.synthetic import synthetic_meter_csv  # noqa: E402
from weather.heldout import TMYX  # noqa: E402

ARCHETYPE = "old_estate_pre1990"
PACKAGE = "envelope"
CASES = [
    ("A", "built-in year, building meter", {"heating_setpoint_c": 20.5, "infiltration_factor": 1.2,
                                            "internal_gains_factor": 0.85, "envelope_u_factor": 1.15},
     "building", None),
    ("B", "built-in year, building meter", {"heating_setpoint_c": 18.5, "infiltration_factor": 0.75,
                                            "internal_gains_factor": 1.2, "envelope_u_factor": 1.0},
     "building", None),
    ("C", "built-in year, substation meter", {"heating_setpoint_c": 21.0, "infiltration_factor": 1.0,
                                              "internal_gains_factor": 1.0, "envelope_u_factor": 1.1,
                                              "network_efficiency": 0.90}, "substation", None),
    ("D", "TMYx 2011-2025 weather (EPW)", {"heating_setpoint_c": 20.5, "infiltration_factor": 1.2,
                                                            "internal_gains_factor": 0.85, "envelope_u_factor": 1.15},
     "building", TMYX),
]


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)  # EnergyPlus runs in child processes
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


HIDDEN_A = CASES[0][2]
MILD_WINTER_K = (1.8, 1.5, 1.2, 0, 0, 0, 0, 0, 0, 0, 1.0, 1.6)  # the test's metered year: a milder winter [K]
WEATHER_CASES = [(f"{key}-{m}", f"{label}, {m}", HIDDEN_A, "building", epw, m, temps)
                 for key, label, epw, temps in (("D", "TMYx 2011-2025 weather (EPW)", TMYX, None),
                                                ("E", "built-in year, milder winter (monthly means)", None,
                                                 MILD_WINTER_K))
                 for m in ("surrogate", "degree-days")]


ELECTRIC_CASES = [(key, label, {**HIDDEN_A, param: 0.90}, "building", None, "surrogate", None, source)
                  for key, label, param, source in (("F", "air-source heat pump, electricity meter only",
                                                     "hp_cop_factor", "ashp"),
                                                    ("G", "electric heat storage, electricity meter only",
                                                     "storage_efficiency", "electric_storage"))]


def own_archetype(source: str) -> str:
    """The old estate (own-building file on it) heated by ``source``, written to a private temporary folder."""
    import tempfile

    from simulator.calibration.own_building import OwnBuilding, own_building_toml

    path = Path(tempfile.mkdtemp(prefix="bench-cal-")) / f"old_estate_{source}.toml"
    path.write_text(own_building_toml(OwnBuilding(name=f"old estate, {source}", year_built=1985,
                                                  heating_source=source)), encoding="utf-8")
    return str(path)


def run_case(key, label, hidden, heat_meter, epw, method="surrogate", shifts_k=None, source=None) -> dict:
    import io

    import numpy as np
    import pandas as pd

    from simulator.calibration.calibrate import plan_from_temperatures

    arch = own_archetype(source) if source else ARCHETYPE
    b = archetypes.load(arch)
    w = epw if epw is not None else weather.epw_path("tianjin")
    temps = None
    if shifts_k is not None:
        ref = weather.load("tianjin")
        temps = ref.data.groupby("month")["dry_bulb_c"].mean().to_numpy() + np.asarray(shifts_k)
        w = plan_from_temperatures(ref, temps).metered
    csv, truth = synthetic_meter_csv(b, hidden, w, noise=0.05, seed=11, heat_unit=None if source else "gj")
    if temps is not None:
        csv = pd.read_csv(io.BytesIO(csv)).assign(mean_temp_c=np.round(temps, 2)).to_csv(index=False).encode()
    load0 = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), cpu_s()
    res = calibrate(arch, csv, meter_name=f"synthetic_{key}.csv", weather_path=epw, heat_meter=heat_meter,
                    options=Options(package=PACKAGE, weather_method=method))
    wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    d = res.to_dict()
    rows = []
    for name, value in hidden.items():
        p = d["posterior"][name]
        rows.append({"parameter": name, "hidden": value, "mean": round(p["mean"], 3), "p05": round(p["p05"], 3),
                     "p95": round(p["p95"], 3), "prior_p05": round(p["prior_p05"], 3),
                     "prior_p95": round(p["prior_p95"], 3), "inside_90": bool(p["p05"] <= value <= p["p95"]),
                     "ess": round(p["ess"]), "rhat": round(p["rhat"], 3)})
    return {"case": key, "label": label, "heat_meter": heat_meter, "weather": "built-in" if epw is None else epw.name,
            "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "load_avg_1min_at_start": round(load0, 2),
            "timings_s": d["timings_s"], "recovery": rows, "metrics": d["metrics"], "diagnostics": d["diagnostics"],
            "savings": d["savings"], "warnings": d["warnings"], "heating_system": d["heating_system"],
            "refinement": d["refinement"],
            "hidden_heating_demand_kwh_m2": round(float(truth["heat_kwh"].sum()) / b.floor_area_m2, 2)}


def markdown(out: dict) -> str:
    lines = ["# Calibration to meters: synthetic truth (benchmarks/bench_calibration.py)", "",
             f"Machine: {out['machine']}. Default settings: {out['settings']}.", "",
             "## Run time of one calibration", "",
             "| case | wall s | CPU s | MCMC s | EnergyPlus s | savings s | load avg at start |", "|---|---|---|---|---|---|---|"]
    for c in out["cases"]:
        t = c["timings_s"]
        again = " + " if "mcmc_refined" in t else ""
        lines.append(f"| {c['case']} | {c['wall_s']} | {c['cpu_s']} | {t.get('mcmc')}{again}{t.get('mcmc_refined', '')} | "
                     f"{t.get('energyplus')}{again}{t.get('energyplus_refined', '')} | {t.get('savings')} | "
                     f"{c['load_avg_1min_at_start']} |")
    lines += ["", "## Recovery of the hidden parameters (90 % credible intervals)", "",
              "| case | parameter | hidden | posterior mean | 90 % interval | prior 90 % | inside | ESS | R-hat |",
              "|---|---|---|---|---|---|---|---|---|"]
    for c in out["cases"]:
        for r in c["recovery"]:
            lines.append(f"| {c['case']} | {r['parameter']} | {r['hidden']} | {r['mean']} | {r['p05']} – {r['p95']} | "
                         f"{r['prior_p05']} – {r['prior_p95']} | {'yes' if r['inside_90'] else 'NO'} | {r['ess']} | "
                         f"{r['rhat']} |")
    lines += ["", "## ASHRAE Guideline 14, monthly (CV(RMSE) ≤ 15 %, |NMBE| ≤ 5 %; n − p, p = 1)", "",
              "| case | model | meter | CV(RMSE) % | NMBE % | met |", "|---|---|---|---|---|---|"]
    for c in out["cases"]:
        for engine in ("energyplus", "surrogate", "uncalibrated_surrogate"):
            for meter, m in c["metrics"][engine].items():
                lines.append(f"| {c['case']} | {engine} | {meter} | {m['cvrmse_pct']:.1f} | {m['nmbe_pct']:+.1f} | "
                             f"{'yes' if m['calibrated'] else 'no'} |")
    refined = [c for c in out["cases"] if c.get("refinement")]
    if refined:
        lines += ["", "## Refinement pass (the EnergyPlus check of the first posterior mean missed Guideline 14)", "",
                  "| case | factors on the surrogate (heating, cooling) | first pass EnergyPlus CV(RMSE) / NMBE % | "
                  "after refinement |", "|---|---|---|---|"]
        for c in refined:
            r = c["refinement"]
            first = "; ".join(f"{k} {v['cvrmse_pct']:.1f} / {v['nmbe_pct']:+.1f}" for k, v in r["first_pass"]["energyplus"].items())
            now = "; ".join(f"{k} {v['cvrmse_pct']:.1f} / {v['nmbe_pct']:+.1f}" for k, v in c["metrics"]["energyplus"].items())
            lines.append(f"| {c['case']} | x{r['factors']['heating']:.3f}, x{r['factors']['cooling']:.3f} | {first} | {now} |")
    lines += ["", f"## Heating savings of `{PACKAGE}`, 90 % credible interval (kWh/m² a)", "",
              "| case | before calibration (prior) | after calibration (posterior) | width ratio after/before |",
              "|---|---|---|---|"]
    for c in out["cases"]:
        s = c["savings"]

        def fmt(r):
            return f"{r['mean']:.1f} ({r['p05']:.1f} – {r['p95']:.1f})"

        lines.append(f"| {c['case']} | {fmt(s['before']['saved_kwh_m2'])} | {fmt(s['after']['saved_kwh_m2'])} | "
                     f"{s['interval_width_ratio_after_before']} |")
    electric = [c for c in out["cases"] if c.get("heating_system")]
    if electric:
        lines += ["", "## Electric heating: what the electricity meter identifies (posterior, 400 draws)", "",
                  "| case | system parameter: hidden, posterior 90 % | heat demand kWh/m² a: hidden, posterior "
                  "(width) | heating electricity kWh/m² a (width) | corr(parameter, heat demand) | seasonal COP of "
                  "the system model |", "|---|---|---|---|---|---|"]
        for c in electric:
            h = c["heating_system"]
            post = h["posterior"]
            par = post[h["parameter"]]
            hid = next(r["hidden"] for r in c["recovery"] if r["parameter"] == h["parameter"])

            def iv(r):
                return f"{r['mean']} ({r['p05']} – {r['p95']}; {100 * r['relative_width_90']:.0f} %)"

            lines.append(f"| {c['case']} | {h['parameter']} {hid}: {par['p05']} – {par['p95']} | "
                         f"{c['hidden_heating_demand_kwh_m2']}: {iv(post['heating_demand_kwh_m2'])} | "
                         f"{iv(post['heating_electricity_kwh_m2'])} | {post['correlation_with_heating_demand']} | "
                         f"{h['seasonal_cop']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    weather_cases, electric = "--weather" in sys.argv[1:], "--electric" in sys.argv[1:]
    chosen = WEATHER_CASES if weather_cases else ELECTRIC_CASES if electric else CASES
    cases = [c for c in chosen if c[4] is None or c[4].is_file()]
    name = "calibration_weather" if weather_cases else "calibration_electric" if electric else "calibration"
    out = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other jobs (load averages noted)",
           "settings": "64 walkers x 1000 steps, burn-in 300, DEMove/DESnookerMove, EnergyPlus check on, "
                       f"savings of {PACKAGE} from 300 draws",
           "archetype": ARCHETYPE, "noise": "5 % Gaussian, seed 11",
           "cases": [run_case(*c) for c in cases]}
    save(f"{name}.json", out, show={"cases": [{k: c[k] for k in ("case", "wall_s", "cpu_s", "recovery")}
                                             for c in out["cases"]]})
    (RESULTS / f"{name}.md").write_text(markdown(out), encoding="utf-8")
    print(markdown(out))


if __name__ == "__main__":
    main()
