"""Regenerate tests/regression/energyplus_baseline.json (run after a REVIEWED change only).

Runs every archetype on the built-in Tianjin year with real EnergyPlus (fresh run
cache, so nothing stale is read back), prints every figure that moved against the
old file, and writes the new file. Commit the new file together with the change
that moved the loads, and say in the commit message why they moved.

    .venv/bin/python tests/regression/regenerate.py            # rewrite, printing the diff
    .venv/bin/python tests/regression/regenerate.py --check    # only compare (twice: run-to-run spread)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import archetypes  # noqa: E402
import weather  # noqa: E402
from simulator import idf  # noqa: E402
from simulator.batch import Case, run_batch  # noqa: E402
from simulator.cache import RunCache  # noqa: E402
from simulator.runner import energyplus_version  # noqa: E402
from tests.regression.pinned import BASELINE, REL_TOL, differences, figures, load_baseline  # noqa: E402


def run_all(workers: int = 2) -> dict:
    """Figures of every archetype on the built-in year, from fresh EnergyPlus runs."""
    epw = weather.epw_path("tianjin")
    names = archetypes.names()
    with tempfile.TemporaryDirectory() as tmp:
        results = run_batch([Case(archetypes.load(n), str(epw)) for n in names],
                            cache=RunCache(Path(tmp) / "runs.sqlite"), workers=workers)
    bad = [f"{n}: {r.error}" for n, r in zip(names, results, strict=True) if not r.ok]
    if bad:
        raise SystemExit("EnergyPlus failed:\n" + "\n".join(bad))
    return {
        "about": ("Annual and monthly ideal loads [kWh] and peaks [W] of every archetype on the "
                  "built-in Tianjin year; regenerate with tests/regression/regenerate.py after a "
                  "reviewed change. Compared by tests/test_regression.py."),
        "energyplus": energyplus_version(),
        "idf_writer": idf.IDF_WRITER_VERSION,
        "timesteps_per_hour": idf.TIMESTEPS_PER_HOUR,
        "weather": {"name": "tianjin", "id": weather.load("tianjin").id},
        "archetypes": {n: figures(r.loads) for n, r in zip(names, results, strict=True)},
    }


def report(old: dict, new: dict, rel_tol: float) -> int:
    """Print every moved figure; the number of differences."""
    n = 0
    for name in sorted(set(old.get("archetypes", {})) | set(new["archetypes"])):
        if name not in old.get("archetypes", {}):
            print(f"{name}: new archetype")
            n += 1
            continue
        if name not in new["archetypes"]:
            print(f"{name}: archetype removed")
            n += 1
            continue
        diffs = differences(old["archetypes"][name], new["archetypes"][name], rel_tol)
        for line in diffs:
            print(f"{name}.{line}")
        n += len(diffs)
    for key in ("energyplus", "idf_writer", "timesteps_per_hour", "weather"):
        if old.get(key) != new.get(key):
            print(f"{key}: {old.get(key)} -> {new.get(key)}")
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="run twice and compare with the file and with each other; write nothing")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    old = load_baseline() if BASELINE.is_file() else {}
    new = run_all(args.workers)
    if args.check:
        again = run_all(args.workers)
        spread = report(new, again, 0.0)
        print(f"run-to-run: {spread} figures differ at all (tolerance 0)")
        n = report(old, new, REL_TOL)
        print(f"against {BASELINE.name}: {n} figures differ by more than {REL_TOL:g}")
        return 1 if n or spread else 0
    n = report(old, new, 0.0)
    print(f"{n} figures changed (any amount) against the old {BASELINE.name}")
    BASELINE.write_text(json.dumps(new, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
