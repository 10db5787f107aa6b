"""Before/after figures of the ventilation change (issue 11 item 1), per archetype, in real EnergyPlus.

For each archetype: annual heating and cooling [kWh/m2], design heating load
[W/m2] of the baseline, the heating saving of the ``envelope`` and
``deep_retrofit`` packages [%], and the EnergyPlus run time (wall and CPU
seconds of the EnergyPlus child processes; CPU seconds are less affected by
other jobs on the machine). With the ``mvhr`` measure available it also runs
``deep_retrofit,mvhr``.

Run the same script on the code before the change and after it:

    git archive physics | tar -x -C /tmp/base        # the code before
    .venv/bin/python benchmarks/bench_ventilation.py run before --code /tmp/base
    .venv/bin/python benchmarks/bench_ventilation.py run after
    .venv/bin/python benchmarks/bench_ventilation.py compare

``run`` writes benchmarks/results/ventilation_<label>.json; ``compare`` writes
ventilation.json and ventilation.md (the table) from the two.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from results_io import RESULTS, save  # noqa: E402

PACKAGES = ("envelope", "deep_retrofit")
EXTRA = "deep_retrofit,mvhr"


def _cpu_children_s() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(label: str, code: str | None) -> dict:
    root = Path(code).resolve() if code else HERE.parent
    sys.path.insert(0, str(root))
    import archetypes
    import weather
    from buildings import measures as M
    from simulator.energyplus import EnergyPlusEngine

    assert Path(archetypes.__file__).resolve().is_relative_to(root), archetypes.__file__
    engine = EnergyPlusEngine()
    epw = weather.epw_path("tianjin")
    packages = PACKAGES + ((EXTRA,) if "mvhr" in M.catalogue() else ())
    out: dict = {"label": label, "code": str(root), "archetypes": {}}
    for name in archetypes.names():
        base = archetypes.load(name)
        t0, c0 = time.perf_counter(), _cpu_children_s()
        loads = engine.simulate(base, epw)
        row = {"heating_kwh_m2": round(loads.heating_kwh_m2, 2), "cooling_kwh_m2": round(loads.cooling_kwh_m2, 2),
               "design_heating_w_m2": (None if loads.design_heating_w is None
                                       else round(loads.design_heating_w / loads.floor_area_m2, 2)),
               "run_wall_s": round(time.perf_counter() - t0, 2), "run_cpu_s": round(_cpu_children_s() - c0, 2)}
        for pkg in packages:
            retro = engine.simulate(M.apply(base, M.package(pkg)), epw)
            row[f"{pkg}_heating_kwh_m2"] = round(retro.heating_kwh_m2, 2)
            row[f"{pkg}_heating_saving_pct"] = round(100 * (1 - retro.heating_kwh / loads.heating_kwh), 1)
        out["archetypes"][name] = row
        print(name, row, flush=True)
    save(f"ventilation_{label}.json", out, show={})
    return out


def compare() -> dict:
    before = json.loads((RESULTS / "ventilation_before.json").read_text())["archetypes"]
    after = json.loads((RESULTS / "ventilation_after.json").read_text())["archetypes"]
    keys = ["heating_kwh_m2", "cooling_kwh_m2", "design_heating_w_m2", "envelope_heating_saving_pct",
            "deep_retrofit_heating_saving_pct", "run_cpu_s"]
    rows = {n: {k: {"before": before[n].get(k), "after": after[n].get(k)} for k in keys} for n in after}
    for n in after:
        rows[n]["deep_retrofit,mvhr_heating_saving_pct"] = {"after": after[n].get(f"{EXTRA}_heating_saving_pct")}
    lines = ["| archetype | " + " | ".join(keys) + " | deep_retrofit+mvhr saving % |",
             "|---" * (len(keys) + 2) + "|"]
    for n, r in rows.items():
        cells = [f"{r[k]['before']} -> {r[k]['after']}" for k in keys]
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {r['deep_retrofit,mvhr_heating_saving_pct']['after']} |")
    (RESULTS / "ventilation.md").write_text(
        "# Ventilation change alone (issue 11 item 1): before -> after, built-in Tianjin year\n\n"
        + "\n".join(lines) + "\n")
    return save("ventilation.json", rows, show={"table": lines})


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("label", choices=("before", "after"))
    r.add_argument("--code", help="root of the code to run (default: this checkout)")
    sub.add_parser("compare")
    a = p.parse_args()
    if a.cmd == "run":
        run(a.label, a.code)
    else:
        compare()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
