"""Should the per-measure anchor correction stop at the runs it was fitted on? Measured on the calibration set.

The measure anchors' correction of a package's annual heating and cooling is
linear in the package's feature change from the family's base
(:meth:`simulator.surrogate.anchor.Anchor.correction`). A package can move a
feature beyond every run of the fit or the other way: on the five-step home
the window anchor (triple low-e, U 1.3 -> 1.1 W/(m2 K)) is the only window run,
and a random package that fits clear double glazing (U 2.5, SHGC 0.62) moves
the window features six to eleven times as far the other way. On TMYx
2011-2025 four of that archetype's five largest savings errors had such
windows. This benchmark compares, on the calibration set's six generator years
(never trained on; the real CSWD and TMYx years are not read), the correction
as in use (``extrapolate``) with the feature change clipped, feature by
feature, to the range the fit's runs span (0 included): the measure anchors
and the local packages (``within runs``) or the measure anchors alone
(``within anchors``). Splits as ``bench_local_weight.py`` (nine local
packages at weight ``local_weight``, the rest scored; 40 per year and family);
figures per archetype: savings error p95 / p90 / mean [pp of the EnergyPlus
baseline] and RMS log error of annual heating [%]. No EnergyPlus run. Saves
``benchmarks/results/anchor_hull.json``.

    .venv/bin/python benchmarks/bench_anchor_hull.py [--splits 40]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_local_weight import split_errors  # noqa: E402
from results_io import save  # noqa: E402

from simulator.surrogate.anchor import (  # noqa: E402
    Anchor,
    local_weight,
    with_local,
)
from simulator.surrogate.space import families  # noqa: E402

VARIANTS = ("extrapolate", "within runs", "within anchors")


@dataclass
class Clipped:
    """An anchor whose per-package feature change is clipped to its runs' range (only what :func:`apply` reads)."""

    anchor: Anchor
    with_local_runs: bool

    @property
    def log_ratio(self):
        return self.anchor.log_ratio

    @property
    def month_ratio(self):
        return self.anchor.month_ratio

    def correction(self, X, column, n=None):
        a = self.anchor
        if not a.points or column not in a.point_log_ratio:
            return a.correction(X, column, n)
        b, span = np.asarray(a.base_point), np.asarray(a.span)
        pts = list(a.points) + (list(a.local_points) if self.with_local_runs and a.local_weight > 0 else [])
        D = (np.asarray(pts, dtype=float) - b) / span
        d = (np.asarray(X[list(a.feature_names)], dtype=float) - b) / span
        d = np.clip(d, np.minimum(D.min(axis=0), 0.0), np.maximum(D.max(axis=0), 0.0))
        return a.log_ratio.get(column, 0.0) + d @ a._beta(column)


def family_errors(family: str, splits: int, rng: np.random.Generator) -> dict:
    """Archetype -> variant -> {"savings_pp": [...], "log_heating": [...]}."""
    weight = local_weight()

    def fits(anc, X, true, pred) -> dict:
        fit = with_local(anc, X, true, pred, weight)
        return dict(zip(VARIANTS, (fit, Clipped(fit, True), Clipped(fit, False)), strict=True))

    return split_errors(family, splits, rng, fits)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", type=int, default=40, help="random local/test splits per year and family")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    errs: dict = {}
    for fam in families():
        errs.update(family_errors(fam, args.splits, rng))
    scores = {arch: {v: {"n": len(e["savings_pp"]),
                         "savings_error_pp_p95": round(float(np.percentile(e["savings_pp"], 95)), 3),
                         "savings_error_pp_p90": round(float(np.percentile(e["savings_pp"], 90)), 3),
                         "savings_error_pp_mean": round(float(np.mean(e["savings_pp"])), 3),
                         "heating_log_rms_pct": round(float(100 * np.sqrt(np.mean(np.square(e["log_heating"])))), 2)}
                     for v, e in by.items()} for arch, by in errs.items()}
    sums = {v: {stat: round(sum(scores[a][v][f"savings_error_pp_{stat}"] for a in scores), 2)
                for stat in ("p95", "p90", "mean")} for v in VARIANTS}
    for v in VARIANTS:
        print(f"{v:15s} sum of savings p95 / p90 / mean {sums[v]['p95']:6.2f} / {sums[v]['p90']:5.2f} / "
              f"{sums[v]['mean']:5.2f} pp | " + " ".join(
                  f"{a} {scores[a][v]['savings_error_pp_p95']:.2f} / {scores[a][v]['savings_error_pp_p90']:.2f} / "
                  f"{scores[a][v]['savings_error_pp_mean']:.2f} pp, {scores[a][v]['heating_log_rms_pct']:.2f} %"
                  for a in scores))
    save("anchor_hull.json", {"per_archetype": scores, "sums": sums, "splits": args.splits, "seed": args.seed},
         show={"sums": sums})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
