"""ASHRAE Standard 140 table, and what the issue-11 engine additions cost per archetype.

Writes ``benchmarks/results/ashrae140.json`` and ``ashrae140.md``:

* every expressible ASHRAE 140 case on the EnergyPlus wheel's Colorado TMY3
  file (what `retrofit validate ashrae140` and CI run) and, with ``--denver``,
  on the Denver International Airport TMY3 file the ranges were computed on
  (read from a path you give; it is not shipped with the project);
* per archetype on the built-in Tianjin year: EnergyPlus CPU seconds without
  and with the design-day sizing and cooling-split outputs (min of
  ``--repeats`` runs; CPU time, because the machine is shared), whether the
  annual hourly heating and cooling are bit-identical, the sensible/latent
  split, the design loads next to the annual peaks, and the effect of the
  cool-roof and light-render measures.

    .venv/bin/python benchmarks/bench_ashrae140.py [--denver PATH.epw] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
from pathlib import Path

import numpy as np

import archetypes
import weather
from buildings import measures as M
from simulator import energyplus as E
from simulator import idf as idfw
from simulator.design_days import design_days
from simulator.results import read_hourly_kwh
from simulator.runner import energyplus_version, run_energyplus
from simulator.validation import ashrae140 as A
from simulator.validation.cli import markdown_table
from weather.epw import read_epw

OUT = Path(__file__).resolve().parent / "results"


def _cpu_run(text: str, epw_data: bytes) -> tuple[float, dict[str, np.ndarray]]:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "in.epw"
        p.write_bytes(epw_data)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        sql = run_energyplus(text, p, Path(d))
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        meters = read_hourly_kwh(sql, idfw.METERS)
    return r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, meters


def archetype_rows(repeats: int) -> list[dict]:
    w = read_epw(weather.epw_path("tianjin"))
    epw = E.normalised_epw(w)
    gt = E.slab_ground_temperatures_c(w)
    engine = E.EnergyPlusEngine()
    rows = []
    for name in archetypes.names():
        b = archetypes.load(name)
        before = idfw.idf_text(idfw.build_idf(b, gt))
        after = idfw.idf_text(idfw.build_idf(b, gt, design_days=design_days(w), cooling_split=True))
        cpu_before, cpu_after = [], []
        for _ in range(repeats):
            t, m_before = _cpu_run(before, epw.data)
            cpu_before.append(t)
            t, m_after = _cpu_run(after, epw.data)
            cpu_after.append(t)
        identical = all(np.array_equal(m_before[k], m_after[k]) for k in idfw.METERS)
        loads = engine.simulate(b, w)
        area = loads.floor_area_m2
        effects = {}
        for measure in ("cool_roof", "light_render"):
            r = engine.simulate(M.apply(b, [measure]), w)
            effects[measure] = {
                "heating_change_pct": round(100 * (r.heating_kwh / loads.heating_kwh - 1), 2),
                "cooling_change_pct": round(100 * (r.cooling_kwh / loads.cooling_kwh - 1), 2),
            }
        rows.append({
            "archetype": name,
            "energyplus_cpu_s_before": round(min(cpu_before), 2), "energyplus_cpu_s_after": round(min(cpu_after), 2),
            "annual_hourly_identical": identical,
            "heating_kwh_m2": round(loads.heating_kwh_m2, 2), "cooling_kwh_m2": round(loads.cooling_kwh_m2, 2),
            "cooling_sensible_kwh_m2": round(loads.cooling_sensible_kwh / area, 2),
            "cooling_latent_kwh_m2": round(loads.cooling_latent_kwh / area, 2),
            "peak_heating_w_m2": round(loads.peak_heating_w / area, 1),
            "design_heating_w_m2": round(loads.design_heating_w / area, 1),
            "peak_cooling_w_m2": round(loads.peak_cooling_w / area, 1),
            "design_cooling_w_m2": round(loads.design_cooling_w / area, 1),
            "measure_effects": effects,
        })
        print(rows[-1], flush=True)
    return rows


def _archetype_md(rows: list[dict], dd: dict) -> str:
    lines = [
        f"Design days of the built-in Tianjin year: heating {dd['heating_dry_bulb_c']} C (99.6 %), cooling "
        f"{dd['cooling_dry_bulb_c']} C (0.4 %) with a {dd['cooling_daily_range_k']} K daily range and "
        f"{dd['cooling_dew_point_c']} C dew point.",
        "",
        "| archetype | E+ CPU s before → after | annual hourly loads identical | cooling sensible / latent kWh/m² "
        "| peak → design heating W/m² | peak → design cooling W/m² | cool roof Δheating / Δcooling | "
        "light render Δheating / Δcooling |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cr, lr = r["measure_effects"]["cool_roof"], r["measure_effects"]["light_render"]
        lines.append(
            f"| {r['archetype']} | {r['energyplus_cpu_s_before']} → {r['energyplus_cpu_s_after']} | "
            f"{'yes' if r['annual_hourly_identical'] else 'NO'} | {r['cooling_sensible_kwh_m2']} / "
            f"{r['cooling_latent_kwh_m2']} | {r['peak_heating_w_m2']} → {r['design_heating_w_m2']} | "
            f"{r['peak_cooling_w_m2']} → {r['design_cooling_w_m2']} | {cr['heating_change_pct']:+.1f} % / "
            f"{cr['cooling_change_pct']:+.1f} % | {lr['heating_change_pct']:+.1f} % / {lr['cooling_change_pct']:+.1f} % |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--denver", default=None, help="path of USA_CO_Denver.Intl.AP.725650_TMY3.epw (optional)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--skip-archetypes", action="store_true")
    args = ap.parse_args()
    out = {"machine": f"{platform.machine()}, {platform.system()}", "energyplus": energyplus_version(),
           "note": "CPU seconds of the EnergyPlus process; the machine was shared with other jobs"}
    out["wheel"] = A.run().to_dict()
    md = [f"# ASHRAE Standard 140 through the project's model\n\n{out['wheel']['edition']}.\n",
          f"## On the EnergyPlus wheel's {out['wheel']['weather']} (CI)\n", markdown_table(out["wheel"]), ""]
    if args.denver:
        out["denver"] = A.run(epw=args.denver).to_dict()
        md += [f"## On {out['denver']['weather']} (the weather of the ranges)\n", markdown_table(out["denver"]), ""]
    md += ["Annual heating and sensible cooling against the acceptance criteria (140-2023 Addendum b, Tables "
           "A3-1/A3-2), peaks against the six reference programs' range; ✗ = outside.", "",
           "Not expressible: " + "; ".join(f"{d['case']} ({d['reason']})" for d in out["wheel"]["not_run"]), "",
           "Differences from the specification in every case:", ""]
    md += [f"- {d}" for d in out["wheel"]["common_differences"]]
    if not args.skip_archetypes:
        w = read_epw(weather.epw_path("tianjin"))
        dd = design_days(w).__dict__
        out["design_days_tianjin"] = dd
        out["archetypes"] = archetype_rows(args.repeats)
        md += ["", "## Archetypes (built-in Tianjin year)\n", _archetype_md(out["archetypes"], dd)]
    OUT.mkdir(exist_ok=True)
    (OUT / "ashrae140.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (OUT / "ashrae140.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
