"""Benchmark the surrogate: training, loading, single and batch predictions, memory, speed-up.

Prints a markdown report and saves ``benchmarks/results/surrogate.json``. Not a
test: the figures depend on the machine (2 cores here, shared); CPU seconds are
given beside the wall times of the batches (less affected by other jobs).

    .venv/bin/python benchmarks/bench_surrogate.py [--family residential_walkup] [--batch 10000]
        [--weather tianjin:ssp245:2050] [--epw ../shared/weather/CHN_TJ_Tianjin.545270_CSWD.epw]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import archetypes
import weather
from simulator.energyplus import EnergyPlusEngine
from simulator.surrogate import persistence as ps_
from simulator.surrogate import training as tr_
from simulator.surrogate.engine import SurrogateEngine, predict_features
from simulator.surrogate.sampling import design
from simulator.surrogate.space import family_of, features_of, get_family

OUT = Path(__file__).resolve().parent / "results"


def _timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _cpu(fn, repeat: int) -> float:
    """Median CPU seconds of ``fn`` (less affected than wall time by other jobs on a shared machine)."""
    out = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        out.append(time.process_time() - t0)
    return statistics.median(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", default="residential_walkup")
    ap.add_argument("--archetype", default="old_estate_pre1990")
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--weather", default="tianjin:ssp245:2050", help="training weather id of the other-weather batch")
    ap.add_argument("--epw", default=None, help="an EPW file to time reading plus features (e.g. a held-out year)")
    args = ap.parse_args(argv)
    fam = get_family(args.family)
    epw = weather.epw_path("tianjin")
    building = archetypes.load(args.archetype)
    if family_of(building).name != fam.name:
        ap.error(f"{args.archetype} is not in family {fam.name}")
    res: dict = {"machine": f"{platform.machine()}, {platform.python_version()}", "family": fam.name}

    # training from the committed dataset (fresh) and loading from the disk cache
    t0 = time.perf_counter()
    model, meta = tr_.load_model(fam, retrain=True)
    res["train_s"] = round(time.perf_counter() - t0, 2)
    res["n_train"] = meta["n_train"]
    tr_._memo.cache_clear()
    tracemalloc.start()
    t0 = time.perf_counter()
    model, meta = tr_.load_model(fam)
    res["load_from_cache_s"] = round(time.perf_counter() - t0, 3)
    res["loaded_model_memory_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
    tracemalloc.stop()
    path = ps_._cache_file(fam, None)
    res["model_file_mb"] = round(path.stat().st_size / 1e6, 2)

    # one building: full engine (Loads with 8760-hour series) and the feature path
    engine = SurrogateEngine()
    engine.simulate(building, epw)  # warm: weather parse, model in memory
    res["engine_simulate_ms"] = round(1000 * statistics.median(_timed(lambda: engine.simulate(building, epw), 20)), 2)
    x = [features_of(building, fam)]
    import pandas as pd

    X1 = pd.DataFrame(x)
    res["predict_one_ms"] = round(1000 * statistics.median(_timed(lambda: model.predict(X1), 50)), 3)

    # a batch of packages, vectorised (features table -> per-m2 predictions, no hourly series)
    X = design(fam, 0, args.batch, seed=7).reset_index(drop=True)
    predict_features(fam, X.head(10))
    times = _timed(lambda: predict_features(fam, X), 5)
    res["batch_size"] = args.batch
    res["batch_predict_s"] = round(statistics.median(times), 3)
    res["batch_per_package_us"] = round(1e6 * statistics.median(times) / args.batch, 2)
    res["batch_predict_cpu_s"] = round(_cpu(lambda: predict_features(fam, X), 3), 3)

    # issue 12: the same batch on another weather year, with intervals, and the weather's features
    from simulator.surrogate.model import _features_of
    from simulator.surrogate.weather_features import weather_features
    from simulator.surrogate.weathers import load_weather

    other = load_weather(args.weather)
    t0 = time.perf_counter()
    predict_features(fam, X.head(10), weather=other)  # first call on a weather: its physics tables
    res["new_weather_first_call_s"] = round(time.perf_counter() - t0, 3)
    res["weather"] = args.weather
    res["batch_other_weather_s"] = round(statistics.median(_timed(lambda: predict_features(fam, X, weather=other), 5)), 3)
    res["batch_other_weather_cpu_s"] = round(_cpu(lambda: predict_features(fam, X, weather=other), 3), 3)
    res["batch_with_intervals_s"] = round(statistics.median(
        _timed(lambda: predict_features(fam, X, weather=other, intervals=True), 3)), 3)
    res["batch_with_intervals_cpu_s"] = round(_cpu(lambda: predict_features(fam, X, weather=other, intervals=True), 3), 3)
    res["weather_features_s"] = round(statistics.median(_timed(lambda: weather_features(other), 5)), 4)
    if args.epw:
        from weather import read_epw

        t0 = time.perf_counter()
        w = read_epw(args.epw)
        _features_of(w)
        res["epw_read_and_features_s"] = round(time.perf_counter() - t0, 3)

    # one EnergyPlus run of the same building (no cache)
    eng = EnergyPlusEngine()
    eng.simulate(building, epw)  # parse the IDD once
    t0 = time.perf_counter()
    eng.simulate(building, epw)
    res["energyplus_run_s"] = round(time.perf_counter() - t0, 2)
    res["speedup_engine_vs_energyplus"] = round(res["energyplus_run_s"] / (res["engine_simulate_ms"] / 1000), 0)
    res["speedup_batch_vs_energyplus"] = round(res["energyplus_run_s"] / (res["batch_per_package_us"] / 1e6), 0)
    res["cv"] = {k: round(v, 4) for k, v in meta["cv"].items() if isinstance(v, float)}

    OUT.mkdir(exist_ok=True)
    (OUT / "surrogate.json").write_text(json.dumps(res, indent=2) + "\n")
    lines = [
        f"# Surrogate benchmark ({res['machine']}, family {fam.name}, {res['n_train']} training runs)",
        "",
        "| what | value |",
        "|---|---|",
        f"| train from the committed dataset | {res['train_s']} s |",
        f"| load the cached model | {res['load_from_cache_s']} s |",
        f"| loaded model in memory / on disk | {res['loaded_model_memory_mb']} MB / {res['model_file_mb']} MB |",
        f"| one building, `SurrogateEngine.simulate` (Loads with 8760 h) | {res['engine_simulate_ms']} ms |",
        f"| one building, `model.predict` (per-m2 targets) | {res['predict_one_ms']} ms |",
        f"| {args.batch:,} packages, `predict_features` | {res['batch_predict_s']} s "
        f"({res['batch_per_package_us']} us each) |",
        f"| the same on `{args.weather}` (after a first call of {res['new_weather_first_call_s']} s) | "
        f"{res['batch_other_weather_s']} s ({res['batch_other_weather_cpu_s']} s CPU) |",
        f"| the same with 90 % intervals | {res['batch_with_intervals_s']} s ({res['batch_with_intervals_cpu_s']} s CPU) |",
        f"| weather features of a year | {res['weather_features_s']} s |",
        *([f"| read an EPW + its features | {res['epw_read_and_features_s']} s |"] if args.epw else []),
        f"| one EnergyPlus run of `{args.archetype}` | {res['energyplus_run_s']} s |",
        f"| speed-up, engine vs EnergyPlus | {res['speedup_engine_vs_energyplus']:,.0f}x |",
        f"| speed-up, batch vs EnergyPlus | {res['speedup_batch_vs_energyplus']:,.0f}x |",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
