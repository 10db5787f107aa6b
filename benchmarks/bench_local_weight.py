"""The local check's weight in the measure anchors' fit, chosen on the calibration set (issue 12).

On a weather the surrogate was not trained on, the anchor also runs nine random
packages there (the local check, :mod:`simulator.surrogate.anchor`). Besides
scoring the intervals, they can join the measure anchors' ridge fit at a weight
``w`` against a measure anchor's 1 (``[surrogate_anchor] local_weight`` in
``simulator/data/model_assumptions.toml``). This benchmark measures what that
does on the calibration set's six generator years (never trained on; the real
CSWD and TMYx years are not read): each year's packages of a family are split
at random into nine local ones (the family's archetypes in turn, as in use)
and the rest, the anchor is fitted with the nine at each weight, and the rest
are scored: savings error p95, p90 and mean (percentage points of the
EnergyPlus baseline) and RMS error of log annual heating [%] per archetype,
pooled over years and splits. The p95 of an archetype with few packages per
year (the five-step home and the public buildings: 20 per year, 11 of them
tested in each split) falls between few distinct errors, so it jumps; the p90
and the mean are steadier. No EnergyPlus run: everything is read from the committed calibration
set. Saves ``benchmarks/results/local_weight.json``.

    .venv/bin/python benchmarks/bench_local_weight.py [--splits 40] [--weights 0.03,0.05,0.1,0.2,1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_measure_anchors import add_errors, generator_years  # noqa: E402
from results_io import save  # noqa: E402

from simulator.surrogate.anchor import MIN_LOCAL, anchor_of_runs, apply, with_local  # noqa: E402
from simulator.surrogate.space import families  # noqa: E402


def local_split(archetypes, per: dict, rng: np.random.Generator) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """One random draw of the nine local packages (the family's archetypes in turn, as in use; row 0, the
    archetype as is, never drawn): archetype -> their rows, and their EnergyPlus and surrogate rows.

    ``per``: archetype -> (EnergyPlus targets, surrogate predictions) of the year's packages.
    """
    perm = {a: list(rng.permutation(np.arange(1, len(per[a][0])))) for a in archetypes}
    local: dict = {a: [] for a in archetypes}
    for k in range(MIN_LOCAL):
        a = archetypes[k % len(archetypes)]
        local[a].append(perm[a].pop())
    pick = [(per[a][0].iloc[local[a]], per[a][1].iloc[local[a]]) for a in archetypes]
    return (local, pd.concat([t for t, _ in pick], ignore_index=True),
            pd.concat([p for _, p in pick], ignore_index=True))


def split_errors(family: str, splits: int, rng: np.random.Generator, fits_of) -> dict:
    """Archetype -> fit name -> {"savings_pp": [...], "log_heating": [...]} over the generator years and splits.

    ``fits_of(anchor, X, true, pred)``: the anchors to score, by name, from the year's anchor and one
    draw's nine local packages (features, EnergyPlus targets, surrogate predictions); the other
    packages are scored.
    """
    errs: dict = {}
    for fam, model, reference, w, a_rows, labels, packages in generator_years(family):
        names = list(fam.feature_names)
        anc = anchor_of_runs(model, w, w.id, fam.base_archetype, labels, a_rows[names], a_rows, reference)
        per = {arch: (t, model.predict(t[names], w)) for arch, t in packages.items()}
        for _ in range(splits):
            local, tl, pl = local_split(fam.archetypes, per, rng)
            fits = fits_of(anc, tl[names], tl, pl)
            for arch in fam.archetypes:
                t, p0 = per[arch]
                test = [i for i in range(1, len(t)) if i not in local[arch]]
                for name, a in fits.items():
                    add_errors(errs.setdefault(arch, {}).setdefault(name, {}), t, apply(p0, a, t[names]), test)
    return errs


def family_errors(family: str, weights: list[float], splits: int, rng: np.random.Generator) -> dict:
    """Archetype -> weight (0: the measure anchors alone) -> {"savings_pp": [...], "log_heating": [...]}."""
    return split_errors(family, splits, rng,
                        lambda anc, X, t, p: {wt: with_local(anc, X, t, p, wt) for wt in [0.0, *weights]})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", type=int, default=40, help="random local/test splits per year and family")
    ap.add_argument("--weights", default="0.03,0.05,0.1,0.2,1", help="comma-separated weights to compare")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    weights = [float(x) for x in args.weights.split(",")]
    rng = np.random.default_rng(args.seed)
    errs: dict = {}
    for fam in families():
        errs.update(family_errors(fam, weights, args.splits, rng))
    scores = {arch: {f"{wt:g}": {"n": len(e["savings_pp"]),
                                 "savings_error_pp_p95": round(float(np.percentile(e["savings_pp"], 95)), 3),
                                 "savings_error_pp_p90": round(float(np.percentile(e["savings_pp"], 90)), 3),
                                 "savings_error_pp_mean": round(float(np.mean(e["savings_pp"])), 3),
                                 "heating_log_rms_pct": round(float(100 * np.sqrt(np.mean(np.square(e["log_heating"])))), 2)}
                     for wt, e in by.items()} for arch, by in errs.items()}
    keys = [f"{wt:g}" for wt in [0.0, *weights]]
    sums = {stat: {k: round(sum(scores[a][k][f"savings_error_pp_{stat}"] for a in scores), 2) for k in keys}
            for stat in ("p95", "p90", "mean")}
    for k in keys:
        name = "measure anchors alone" if k == "0" else f"local weight {k}"
        print(f"{name:22s} sum of savings p95 / p90 / mean {sums['p95'][k]:6.2f} / {sums['p90'][k]:5.2f} / "
              f"{sums['mean'][k]:5.2f} pp | " + " ".join(
                  f"{a} {scores[a][k]['savings_error_pp_p95']:.2f} / {scores[a][k]['savings_error_pp_p90']:.2f} / "
                  f"{scores[a][k]['savings_error_pp_mean']:.2f} pp, {scores[a][k]['heating_log_rms_pct']:.2f} %"
                  for a in scores))
    save("local_weight.json", {"per_archetype": scores, "sum_savings_error_pp_p95": sums["p95"],
                               "sum_savings_error_pp_p90": sums["p90"], "sum_savings_error_pp_mean": sums["mean"],
                               "weights": weights, "splits": args.splits, "seed": args.seed},
              show={f"sum_savings_error_pp_{k}": v for k, v in sums.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
