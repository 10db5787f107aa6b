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


def generator_years(family: str):
    """The family's calibration-set generator years (the built-in year left out), read from the committed set.

    Yields ``(fam, model, reference, weather, anchor_rows, labels, packages)``: the family, its model,
    the built-in year's measure-anchor reference, the year's weather, its anchor runs (row 0 the base)
    and their measure labels, and archetype -> the year's package rows (row 0 the archetype as is).
    """
    fam = get_family(family)
    model, _ = load_model(fam)
    rows, anchors = calset.load(fam), calset.load(fam, anchors=True)
    reference = anchor_reference(model, anchors[anchors["weather_id"] == ds.WEATHER_NAME])
    for wid in dict.fromkeys(rows["weather_id"]):
        if wid == ds.WEATHER_NAME:
            continue
        a_rows = anchors[anchors["weather_id"] == wid].sort_values("row").reset_index(drop=True)
        packages = {arch: rows[(rows["weather_id"] == wid) & (rows["archetype"] == arch)].sort_values("row")
                    .reset_index(drop=True) for arch in fam.archetypes}
        yield (fam, model, reference, load_weather(wid), a_rows, a_rows["package"].fillna("").astype(str).tolist(),
               packages)


def add_errors(e: dict, true, pred, idx) -> None:
    """Append rows ``idx``'s heating savings errors [pp of row 0's EnergyPlus heating] and log heating errors to ``e``."""
    base = true["heating_kwh_m2"].iloc[0]
    st = base - true["heating_kwh_m2"].iloc[idx]
    sp = pred["heating_kwh_m2"].iloc[0] - pred["heating_kwh_m2"].iloc[idx]
    e.setdefault("savings_pp", []).extend(np.abs(100.0 * (sp - st) / base))
    e.setdefault("log_heating", []).extend(np.log(pred["heating_kwh_m2"].iloc[idx] + 0.1)
                                           - np.log(true["heating_kwh_m2"].iloc[idx] + 0.1))


def family_scores(family: str, penalties: list[float]) -> dict:
    """Per archetype and variant: savings error p95 [pp] and RMS log heating error [%] on the generator years."""
    errs: dict = {}
    for fam, model, reference, w, a_rows, labels, packages in generator_years(family):
        names = list(fam.feature_names)
        for name, penalty, ref in variants(penalties):
            anc = anchor_of_runs(model, w, w.id, fam.base_archetype, labels, a_rows[names], a_rows,
                                 None if penalty is None else reference if ref else {}, ridge=penalty)
            for arch, t in packages.items():
                p = apply(model.predict(t[names], w), anc, t[names])
                add_errors(errs.setdefault(arch, {}).setdefault(name, {}), t, p, slice(1, None))
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
