"""The measure anchors' penalty and reference, chosen on the calibration set (issue 12).

On each generator year of the calibration set (never trained on; the real
CSWD and TMYx years are not read), every archetype's packages are predicted by
the surrogate and anchored as in use (:mod:`simulator.surrogate.anchor`) on
the family's anchor runs committed with the set
(``simulator/data/surrogate/calibration/anchors-<family>@<year>.csv``), with
the base's run alone and with the measure anchors at each penalty, with and
without the built-in year's reference. Figures per archetype over its 120
packages (20 on each of six years): the savings error p95 (percentage points
of the EnergyPlus baseline, as ``retrofit surrogate check`` reports it) and the
RMS error of log annual heating [%]. No EnergyPlus run: everything is read from
the committed calibration set. Saves ``benchmarks/results/measure_anchors.json``.

    .venv/bin/python benchmarks/bench_measure_anchors.py [--penalty 0.001,0.01,0.03,0.1,1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import save  # noqa: E402

from simulator.surrogate import calset  # noqa: E402
from simulator.surrogate import dataset as ds  # noqa: E402
from simulator.surrogate.anchor import anchor_of_runs, anchor_reference, apply  # noqa: E402
from simulator.surrogate.space import families, get_family  # noqa: E402
from simulator.surrogate.training import load_model  # noqa: E402
from simulator.surrogate.weathers import load_weather  # noqa: E402


def variants(penalties: list[float]) -> list[tuple[str, float | None, bool]]:
    """(name, penalty or None for the base alone, with the built-in reference)."""
    out = [("base run alone", None, False)]
    for ref in (False, True):
        out += [(f"penalty {p:g}, {'with' if ref else 'no'} reference", p, ref) for p in penalties]
    return out


def family_scores(family: str, penalties: list[float]) -> dict:
    """Per archetype and variant: savings error p95 [pp] and RMS log heating error [%] on the generator years."""
    fam = get_family(family)
    model, _ = load_model(fam)
    rows, anchors = calset.load(fam), calset.load(fam, anchors=True)
    names = list(fam.feature_names)
    reference = anchor_reference(model, anchors[anchors["weather_id"] == ds.WEATHER_NAME])
    errs: dict = {}
    for wid in dict.fromkeys(rows["weather_id"]):
        if wid == ds.WEATHER_NAME:
            continue
        w = load_weather(wid)
        a_rows = anchors[anchors["weather_id"] == wid].sort_values("row").reset_index(drop=True)
        labels = a_rows["package"].fillna("").astype(str).tolist()
        for name, penalty, ref in variants(penalties):
            anc = anchor_of_runs(model, w, wid, fam.base_archetype, labels, a_rows[names], a_rows,
                                 None if penalty is None else reference if ref else {}, ridge=penalty)
            for arch in fam.archetypes:
                t = rows[(rows["weather_id"] == wid) & (rows["archetype"] == arch)].sort_values("row")
                t = t.reset_index(drop=True)
                p = apply(model.predict(t[names], w), anc, t[names])
                st = t["heating_kwh_m2"].iloc[0] - t["heating_kwh_m2"].iloc[1:]
                sp = p["heating_kwh_m2"].iloc[0] - p["heating_kwh_m2"].iloc[1:]
                e = errs.setdefault(arch, {}).setdefault(name, {"savings_pp": [], "log_heating": []})
                e["savings_pp"] += list(np.abs(100.0 * (sp - st) / t["heating_kwh_m2"].iloc[0]))
                e["log_heating"] += list(np.log(p["heating_kwh_m2"].iloc[1:] + 0.1)
                                         - np.log(t["heating_kwh_m2"].iloc[1:] + 0.1))
    return {arch: {name: {"n": len(e["savings_pp"]),
                          "savings_error_pp_p95": round(float(np.percentile(e["savings_pp"], 95)), 3),
                          "heating_log_rms_pct": round(float(100.0 * np.sqrt(np.mean(np.square(e["log_heating"])))), 2)}
                   for name, e in by.items()} for arch, by in errs.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--penalty", default="0.001,0.01,0.03,0.1,1", help="comma-separated penalties to compare")
    args = ap.parse_args(argv)
    penalties = [float(p) for p in args.penalty.split(",")]
    scores: dict = {}
    for fam in families():
        scores.update(family_scores(fam, penalties))
    sums = {name: round(sum(scores[a][name]["savings_error_pp_p95"] for a in scores), 2)
            for name, _, _ in variants(penalties)}
    for name, total in sums.items():
        print(f"{name:32s} sum of savings p95 {total:6.2f} pp | "
              + " ".join(f"{a} {scores[a][name]['savings_error_pp_p95']:.2f}" for a in scores))
    save("measure_anchors.json", {"per_archetype": scores, "sum_savings_error_pp_p95": sums,
                                  "penalties": penalties}, show={"sum_savings_error_pp_p95": sums})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
