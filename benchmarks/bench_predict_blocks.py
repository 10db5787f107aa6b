"""Batch prediction speed against its block size and threads (simulator.surrogate.regressors).

Times ``predict_features`` on 10,000 walk-up packages (the built-in year) for
each pair of ``PREDICT_CHUNK`` (rows per GP block) and ``PREDICT_THREADS``
(threads over the blocks, the physical estimate's blocks and the boosted trees'
columns), alternating the settings so that a change of the machine's load hits
them alike, and the largest difference of the outputs against the first
setting. Saves ``benchmarks/results/predict_blocks.json``.

    .venv/bin/python benchmarks/bench_predict_blocks.py [--repeat 4] [--batch 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_io import save  # noqa: E402

import simulator.surrogate.regressors as R  # noqa: E402
from simulator.surrogate.engine import predict_features  # noqa: E402
from simulator.surrogate.sampling import design  # noqa: E402
from simulator.surrogate.space import get_family  # noqa: E402

SETTINGS = ((256, 1), (64, 1), (256, 2), (64, 2))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=4)
    ap.add_argument("--batch", type=int, default=10_000)
    args = ap.parse_args(argv)
    fam = get_family("residential_walkup")
    X = design(fam, 0, args.batch, seed=7).reset_index(drop=True)
    predict_features(fam, X.head(10))  # the model loaded, the weather's tables built
    times: dict = {s: [] for s in SETTINGS}
    outputs = {}
    for _ in range(args.repeat):
        for chunk, threads in SETTINGS:
            R.PREDICT_CHUNK, R.PREDICT_THREADS = chunk, threads
            t0 = time.perf_counter()
            out = predict_features(fam, X)
            times[(chunk, threads)].append(time.perf_counter() - t0)
            outputs[(chunk, threads)] = out.to_numpy(dtype=float)
    ref = outputs[SETTINGS[0]]
    rows = []
    for s in SETTINGS:
        diff = float(np.nanmax(np.abs(outputs[s] - ref)))
        rows.append({"rows_per_block": s[0], "threads": s[1], "median_s": round(statistics.median(times[s]), 3),
                     "runs_s": [round(t, 3) for t in times[s]], "max_abs_difference": diff})
        print(f"{s[0]:4d} rows per block, {s[1]} thread(s): median {statistics.median(times[s]):.3f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in times[s])}); largest output difference {diff:.2e}")
    save("predict_blocks.json", {"batch": args.batch, "cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0],
                                 "settings": rows}, show={})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
