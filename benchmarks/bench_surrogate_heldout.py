"""The surrogate on the real Tianjin years held out of training: per archetype, CSWD and TMYx 2011-2025.

Run (about (n + 1) EnergyPlus runs per archetype and year, 5 archetypes x 2 years by default)::

    .venv/bin/python benchmarks/bench_surrogate_heldout.py [--n 12] [--seed 1]
        [--archetype old_estate_pre1990 --archetype public_school] [--data-dir DIR]
        [--weather-dir ../shared/weather] [--workers 2] [--cache runs.sqlite] [--out NAME] [--no-anchor]

For each archetype and held-out year it calls
:func:`simulator.surrogate.check.check_accuracy` (what ``retrofit surrogate check
--weather <epw>`` runs): ``n`` random retrofit packages (seed fixed) run in
EnergyPlus on that year and predicted by the surrogate trained on ``--data-dir``
(default the committed dataset). It writes ``benchmarks/results/<out>.json``
(the summary of every pair and the full check report) and ``<out>.md`` (a
table) after each pair, so an interrupted run keeps what it finished; a
second call skips the pairs already in the JSON with the same ``n``, seed and
dataset hash (resume), and runs again those made on other data.

By default the surrogate is anchored on each year (:mod:`simulator.surrogate.anchor`:
EnergyPlus runs of the family's base archetype and its measure anchors on it
correct every prediction of the family); ``--no-anchor`` measures the surrogate alone
(``--out surrogate_heldout_unanchored``).

Figures per pair: heating, cooling and pooled monthly heating CV(RMSE) [%],
heating-savings error p95 [pp of the EnergyPlus baseline], design-heating R2,
share of EnergyPlus results inside the 90 % intervals (annual loads pooled, and
the heating savings), the share of packages ``--engine auto`` would run in
EnergyPlus (an annual load's interval too wide), the weather-domain problems and packages outside the
design space, wall time [s] and CPU time [s] of this process and its children
(the EnergyPlus runs; runs found in the run cache cost none; training or reading the
model is timed apart, ``model_load_s``). Timing depends
on the machine's load: the 1-minute load average at the start of each pair is
recorded beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.exceptions import RetrofitError  # noqa: E402
from weather import heldout  # noqa: E402

ARCHETYPES = ("old_estate_pre1990", "estate_1990s", "five_step_residential", "public_office", "public_school")
HELD_OUT = heldout.FILES
DEFAULT_WEATHER_DIR = heldout.FOLDER
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_N = 12
DEFAULT_SEED = 1
#: Columns of the markdown table: (header, summary key, format).
COLUMNS = (
    ("n", "n", "{:d}"),
    ("heating CV(RMSE) %", "heating_cvrmse_pct", "{:.2f}"),
    ("cooling CV(RMSE) %", "cooling_cvrmse_pct", "{:.2f}"),
    ("monthly heating CV(RMSE) %", "monthly_heating_cvrmse_pct", "{:.2f}"),
    ("savings error p95 pp", "savings_error_pp_p95", "{:.2f}"),
    ("design heating R2", "design_heating_r2", "{:.3f}"),
    ("90 % coverage loads %", "interval_coverage_90_loads_pct", "{:.0f}"),
    ("90 % coverage savings %", "interval_coverage_90_savings_pct", "{:.0f}"),
    ("--engine auto to EnergyPlus %", "auto_energyplus_pct", "{:.0f}"),
    ("domain warnings", "domain_warnings", "{:d}"),
    ("wall s", "wall_s", "{:.0f}"),
    ("CPU s", "cpu_s", "{:.0f}"),
    ("load avg", "load_average_1min", "{:.1f}"),
)


def cpu_seconds() -> float:
    """User + system CPU time [s] of this process and its waited-for children (the EnergyPlus workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def summary(rep: dict) -> dict:
    """The figures of one check report (keys with units; None where the report lacks one)."""
    cov = rep.get("interval_coverage_90_by_output") or {}
    problems = list((rep.get("weather") or {}).get("domain_problems") or [])
    loads_cov = rep.get("interval_coverage_90")
    sav_cov = cov.get("heating_savings_kwh_m2")
    return {
        "heating_cvrmse_pct": rep.get("heating_cvrmse"),
        "cooling_cvrmse_pct": rep.get("cooling_cvrmse"),
        "monthly_heating_cvrmse_pct": rep.get("monthly_heating_cvrmse"),
        "savings_error_pp_p95": rep.get("savings_error_pp_p95"),
        "design_heating_r2": rep.get("design_heating_r2"),
        "interval_coverage_90_loads_pct": None if loads_cov is None else 100.0 * loads_cov,
        "interval_coverage_90_savings_pct": None if sav_cov is None else 100.0 * sav_cov,
        "auto_energyplus_pct": None if rep.get("auto_energyplus_share") is None else 100.0 * rep["auto_energyplus_share"],
        "domain_problems": problems,
        "n_out_of_domain_packages": rep.get("n_out_of_domain", 0),
        "domain_warnings": len(problems) + int(rep.get("n_out_of_domain", 0) or 0),
        "targets_missed": [k for k, ok in (rep.get("targets_met") or {}).items() if not ok],
        "n": rep.get("n"),
        "n_failed": rep.get("n_failed"),
    }


def read_results(path: Path) -> dict:
    """The results JSON written before (empty if none); a file that cannot be read stops with a message."""
    if not path.is_file():
        return {"pairs": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: cannot read the earlier results ({exc}); move it aside to start afresh") from None
    if not isinstance(data, dict) or not isinstance(data.get("pairs"), dict):
        raise SystemExit(f"{path}: not a results file of this benchmark (no 'pairs'); move it aside")
    return data


def write_results(data: dict, path: Path) -> None:
    """Write the JSON and the markdown table atomically (temporary file, then rename)."""
    for p, text in ((path, json.dumps(data, indent=2) + "\n"), (path.with_suffix(".md"), markdown(data))):
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, p)


def pair_key(archetype: str, year: str) -> str:
    return f"{archetype} | {year}"


def local_check_settings(anchor: bool) -> list[int] | None:
    """The anchor's local check (packages, seed, weight in the fit) a pair was measured with (None unanchored)."""
    from simulator.surrogate.anchor import local_settings, local_weight

    return [*local_settings(), local_weight()] if anchor else None


def is_done(entry: dict | None, n: int, seed: int, data_sha: str, anchor: bool = True) -> bool:
    """True if ``entry`` is a finished pair for these packages, this dataset, this anchoring and local check,
    and this model format (a change of the model or of its interval rule bumps it)."""
    from simulator.surrogate.model import MODEL_FORMAT

    return bool(entry) and "summary" in entry and entry.get("n_requested") == n and entry.get("seed") == seed \
        and entry.get("data_sha256") == data_sha and entry.get("anchor", False) == anchor \
        and entry.get("local_check") == local_check_settings(anchor) and entry.get("model_format") == MODEL_FORMAT


def markdown(data: dict) -> str:
    """The results as a markdown table (one row per archetype and year)."""
    s = data.get("settings", {})
    lines = ["# Surrogate on the held-out real Tianjin years", "",
             f"`benchmarks/bench_surrogate_heldout.py --n {s.get('n')} --seed {s.get('seed')}`"
             + (f" `--data-dir {s['data_dir']}`" if s.get("data_dir") else "")
             + (" `--no-anchor`" if s.get("anchor") is False else "") + " "
             "(`retrofit surrogate check --weather <epw>` per archetype and year). CV(RMSE) per ASHRAE "
             "Guideline 14, [%] of the EnergyPlus mean; savings error in percentage points of the EnergyPlus "
             "baseline; coverage = share of EnergyPlus results inside the surrogate's 90 % intervals. Wall and "
             "CPU time include the EnergyPlus runs (none for runs found in the run cache) and were measured on a "
             "shared machine (1-min load average at the start of each pair). "
             + ("Anchored: EnergyPlus runs of the family's base archetype and of it with each single measure "
                "(the measure anchors) on the year correct the surrogate (simulator/surrogate/anchor.py); nine random "
                "packages of the family on the year (the local check, other than the checked ones) join the per-measure "
                "fit at weight local_weight (anchor.with_local) and, each scored on the fit without it, rescale the "
                "calibration set's load quantile by the RMS of their scores over the calibration scores', never "
                "below it (intervals.scaled_quantile). "
                "--engine auto to EnergyPlus: packages whose annual heating or cooling interval is wider than "
                "+/- 5 % and 1 kWh/m2 (engine.too_wide), which auto would run in EnergyPlus."
                if s.get("anchor", True) else
                "Not anchored: the surrogate alone."), "",
             "| archetype | year | " + " | ".join(h for h, _, _ in COLUMNS) + " | targets missed |",
             "|---|---|" + "---|" * len(COLUMNS) + "---|"]
    for entry in data["pairs"].values():
        if "summary" not in entry:
            lines.append(f"| {entry['archetype']} | {entry['year']} | failed: {entry.get('error', '')[:120]} |")
            continue
        sm = entry["summary"]
        cells = []
        for _, key, fmt in COLUMNS:
            v = sm.get(key, entry.get(key))
            cells.append("n/a" if v is None else fmt.format(v))
        lines.append(f"| {entry['archetype']} | {entry['year']} | " + " | ".join(cells)
                     + f" | {', '.join(sm['targets_missed']) or 'none'} |")
    problems = [(e["archetype"], e["year"], p) for e in data["pairs"].values()
                for p in e.get("summary", {}).get("domain_problems", [])]
    if problems:
        lines += ["", "Weather-domain problems:", ""] + [f"- {a}, {y}: {p}" for a, y, p in problems]
    return "\n".join(lines) + "\n"


def run_pair(archetype: str, year: str, epw: Path, args, data_sha: str, model_load_s: float) -> dict:
    """Check one archetype on one held-out year; the entry written to the JSON."""
    import threading

    from tqdm import tqdm

    from simulator.surrogate.check import check_accuracy
    from simulator.surrogate.model import MODEL_FORMAT

    load = os.getloadavg()[0]
    # the batch runner forks its EnergyPlus workers only while this process has one thread (else they
    # come from a forkserver and their CPU time is not ours to count); tqdm's monitor thread is off
    forked = threading.active_count() == 1
    bar = tqdm(total=args.n + 1, desc=f"{archetype} {year}", unit="run", leave=False)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    t0, c0 = time.perf_counter(), cpu_seconds()
    try:
        rep = check_accuracy(archetype, args.n, args.seed, cache=args.cache, workers=args.workers,
                             progress=progress, directory=args.data_dir, weather=str(epw), anchor=args.anchor)
    finally:
        bar.close()
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    return {"archetype": archetype, "year": year, "file": epw.name, "n_requested": args.n, "seed": args.seed,
            "data_sha256": data_sha, "anchor": args.anchor, "local_check": local_check_settings(args.anchor),
            "model_format": MODEL_FORMAT, "finished": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "summary": {**summary(rep), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1) if forked else None,
                        "load_average_1min": round(load, 2), "model_load_s": round(model_load_s, 1)},
            "check": rep}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=DEFAULT_N, help=f"random packages per archetype and year (default {DEFAULT_N})")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed of the packages (default {DEFAULT_SEED})")
    ap.add_argument("--archetype", action="append", default=None,
                    help="archetype to check (repeatable or comma-separated; default the five of the dataset)")
    ap.add_argument("--data-dir", default=None, help="dataset folder of the model (default: the committed one)")
    ap.add_argument("--weather-dir", type=Path, default=DEFAULT_WEATHER_DIR,
                    help="folder of the held-out EPW files (default ../shared/weather)")
    ap.add_argument("--workers", type=int, default=None, help="EnergyPlus processes (default: all cores)")
    ap.add_argument("--cache", default=None, help="run-cache file (default: the project's run cache)")
    ap.add_argument("--out", default="surrogate_heldout", help="results name in benchmarks/results (default surrogate_heldout)")
    ap.add_argument("--no-anchor", dest="anchor", action="store_false",
                    help="measure the surrogate without its anchor run on each year")
    args = ap.parse_args(argv)
    if not 2 <= args.n <= 1000:
        ap.error(f"--n must be 2 .. 1000, got {args.n}")
    if args.workers is not None and args.workers < 1:
        ap.error(f"--workers must be at least 1, got {args.workers}")
    if not all(c.isalnum() or c in "_-" for c in args.out):
        ap.error("--out: letters, digits, '_' and '-' only")
    names = [a.strip() for spec in (args.archetype or [",".join(ARCHETYPES)]) for a in spec.split(",") if a.strip()]
    files = {year: args.weather_dir / f for year, f in HELD_OUT.items()}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        print("held-out weather files not found (the real CSWD and TMYx years; --weather-dir): "
              + ", ".join(missing), file=sys.stderr)
        return 2

    from tqdm import tqdm

    from simulator.surrogate.space import family_of_archetype
    from simulator.surrogate.training import load_model, training_data_hash

    tqdm.monitor_interval = 0  # no monitor thread: see run_pair

    try:
        fams = {a: family_of_archetype(a) for a in names}
    except RetrofitError as exc:
        print(f"--archetype: {exc}", file=sys.stderr)
        return 2
    path = RESULTS / f"{args.out}.json"
    RESULTS.mkdir(exist_ok=True)
    data = read_results(path)
    data["settings"] = {"n": args.n, "seed": args.seed, "data_dir": args.data_dir, "anchor": args.anchor,
                        "weather_files": {y: p.name for y, p in files.items()}}
    status = 0
    for a in names:
        data_sha = training_data_hash(fams[a], args.data_dir)
        model_load_s = None
        for year, epw in files.items():
            key = pair_key(a, year)
            if is_done(data["pairs"].get(key), args.n, args.seed, data_sha, args.anchor):
                print(f"{key}: done before (same n, seed, dataset and local check), skipped")
                continue
            try:
                if model_load_s is None:  # train (or read the cached model) outside the pair's timing
                    t0 = time.perf_counter()
                    load_model(fams[a], args.data_dir)
                    model_load_s = time.perf_counter() - t0
                entry = run_pair(a, year, epw, args, data_sha, model_load_s)
            except RetrofitError as exc:  # one failed pair does not lose the others
                print(f"{key}: failed: {exc}", file=sys.stderr)
                entry = {"archetype": a, "year": year, "file": epw.name, "error": str(exc)[:500]}
                status = 1
            data["pairs"][key] = entry
            write_results(data, path)
            if "summary" in entry:
                sm = entry["summary"]
                print(f"{key}: heating CV(RMSE) {sm['heating_cvrmse_pct']:.2f} %, cooling {sm['cooling_cvrmse_pct']:.2f} %, "
                      f"savings p95 {sm['savings_error_pp_p95']:.2f} pp, {sm['domain_warnings']} domain warning(s), "
                      f"{sm['wall_s']:.0f} s wall, {sm['cpu_s']:.0f} s CPU")
    write_results(data, path)
    print(f"wrote {path} and {path.with_suffix('.md')}")
    return status


if __name__ == "__main__":
    sys.exit(main())
