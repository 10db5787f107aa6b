"""Peak heating of the surrogate: learned directly, or as the share of the heating capacity (issue 12).

EnergyPlus's ideal loads cannot heat above the capacity sized on the design day
(design load x ``sizing.toml`` factor). For each family this compares, by 5-fold
cross-validation with every Gaussian process refitted in each fold (hyperparameters
included, so both sides are scored alike):

* ``direct``: a GP on ``log(peak + 0.1)`` (the model before);
* ``direct_capped``: the same, then ``min(peak, f x predicted design load)``;
* ``capacity_share``: a GP on ``log(peak + 0.1) - log(f D + 0.1)``, predicted as
  ``f D_pred min(1, share)`` (the model now, :mod:`simulator.surrogate.model`).

Prints CV(RMSE), the 95th percentile and the largest relative error of the peak and
the share of runs at the cap; saves ``benchmarks/results/surrogate_peak.json``.

    .venv/bin/python benchmarks/bench_surrogate_peak.py [--family office,school] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from simulator.surrogate import dataset as ds
from simulator.surrogate.model import PhysicsFeatures, capacity_factor
from simulator.surrogate.regressors import make_regressor
from simulator.surrogate.space import family_names, get_family

OUT = Path(__file__).resolve().parent / "results"


def _log(x) -> np.ndarray:
    return np.log(np.clip(np.asarray(x, dtype=float), 0.0, None) + 0.1)


def _unlog(z) -> np.ndarray:
    return np.clip(np.exp(z) - 0.1, 0.0, None)


def _scores(pred: np.ndarray, true: np.ndarray) -> dict[str, float]:
    rel = 100.0 * np.abs(pred - true) / true
    return {"cvrmse_pct": round(float(100.0 * np.sqrt(np.mean((pred - true) ** 2)) / true.mean()), 2),
            "rel_error_p95_pct": round(float(np.percentile(rel, 95)), 1),
            "rel_error_max_pct": round(float(rel.max()), 1)}


def compare(family: str, data_dir=None, folds: int = 5) -> dict:
    """Out-of-fold peak-heating scores of the three encodings for one family."""
    fam = get_family(family)
    df = ds.load_all(fam, data_dir).reset_index()
    X = df[[*fam.feature_names, "weather_id"]]
    est, Z = PhysicsFeatures(fam.name).fit(X).design(X)
    f = capacity_factor(fam.name)
    peak = df["peak_heating_w_m2"].to_numpy(dtype=float)
    design = df["design_heating_w_m2"].to_numpy(dtype=float)
    phys_design = _log(est["phys_design_heating_w_m2"])
    targets = {"direct": _log(peak), "design": _log(design) - phys_design, "share": _log(peak) - _log(f * design)}
    oof = {k: np.zeros(len(df)) for k in targets}
    for tr, te in KFold(folds, shuffle=True, random_state=0).split(Z):
        for k, t in targets.items():
            oof[k][te] = make_regressor("gp").fit(Z[tr], t[tr, None]).predict(Z[te])[:, 0]
    d_pred = _unlog(oof["design"] + phys_design)
    preds = {"direct": _unlog(oof["direct"]),
             "direct_capped": np.minimum(_unlog(oof["direct"]), f * d_pred),
             "capacity_share": _unlog(np.minimum(oof["share"], 0.0) + _log(f * d_pred))}
    return {"family": fam.name, "n": len(df), "capacity_factor": f,
            "share_at_cap": round(float(np.mean(peak >= 0.995 * f * design)), 3),
            **{k: _scores(p, peak) for k, p in preds.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", default=",".join(family_names()), help="comma-separated family names (default: all)")
    ap.add_argument("--data-dir", default=None, help="dataset folder (default: the committed one)")
    args = ap.parse_args(argv)
    rows = []
    for name in args.family.split(","):
        row = compare(name.strip(), args.data_dir)
        rows.append(row)
        print(json.dumps(row))
    OUT.mkdir(exist_ok=True)
    (OUT / "surrogate_peak.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
