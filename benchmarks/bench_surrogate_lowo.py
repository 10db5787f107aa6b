"""Leave-one-weather-out accuracy of the weather-aware surrogate (issue 12).

For each training weather other than the built-in year, fit the family's model on every other
weather's rows (hyperparameters refitted) and predict the left-out weather's rows. Prints
CV(RMSE) and NMBE of annual heating, cooling and peak heating; saves
``benchmarks/results/surrogate_lowo_<family>.json``.

    .venv/bin/python benchmarks/bench_surrogate_lowo.py --family office [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simulator.surrogate import dataset as ds
from simulator.surrogate.model import SurrogateModel
from simulator.surrogate.space import get_family
from simulator.surrogate.training import metrics

OUT = Path(__file__).resolve().parent / "results"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", default="office")
    ap.add_argument("--data-dir", default=None, help="dataset folder (default: the committed one)")
    args = ap.parse_args(argv)
    fam = get_family(args.family)
    df = ds.load_all(fam, args.data_dir).reset_index()
    X = df[[*fam.feature_names, "weather_id"]]
    rows = []
    for w in dict.fromkeys(df["weather_id"]):
        if w == ds.WEATHER_NAME:
            continue
        held = df["weather_id"] == w
        model = SurrogateModel(fam.name).fit(X[~held], df[~held])
        pred, true = model.predict(X[held]), df[held]
        row = {"weather": w, "n": int(held.sum())}
        for col in ("heating_kwh_m2", "cooling_kwh_m2", "peak_heating_w_m2"):
            m = metrics(true[col], pred[col])
            row[f"{col}_cvrmse_pct"] = round(m["cvrmse_pct"], 2)
            row[f"{col}_nmbe_pct"] = round(m["nmbe_pct"], 2)
        rows.append(row)
        print(json.dumps(row))
    OUT.mkdir(exist_ok=True)
    (OUT / f"surrogate_lowo_{fam.name}.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
