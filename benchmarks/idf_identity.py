"""The IDF text of every model the project writes, hashed: proof that a refactoring changed no byte.

Builds the IDF (no EnergyPlus run) of every archetype on the built-in Tianjin
year with and without design days, every archetype with every catalogue
measure and every package, and every ASHRAE 140 case, and writes the SHA-256
of each text. Run it with ``--save`` before a change and ``--check`` after it:
any text that differs is listed.

    .venv/bin/python benchmarks/idf_identity.py --save /tmp/idf_before.json
    .venv/bin/python benchmarks/idf_identity.py --check /tmp/idf_before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import archetypes  # noqa: E402
import weather  # noqa: E402
from buildings import measures  # noqa: E402
from simulator import idf as idfw  # noqa: E402
from simulator.design_days import design_days, monthly_mean_c  # noqa: E402
from simulator.exceptions import RetrofitError  # noqa: E402
from simulator.validation import ashrae140  # noqa: E402


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hashes() -> dict[str, str]:
    """Model label -> SHA-256 of its IDF text."""
    w = weather.load("tianjin")
    ground, dd = monthly_mean_c(w), design_days(w)
    out: dict[str, str] = {}
    for name in archetypes.names():
        b = archetypes.load(name)
        out[f"{name}"] = _sha(idfw.idf_text(idfw.build_idf(b, ground)))
        out[f"{name}+dd"] = _sha(idfw.idf_text(idfw.build_idf(b, ground, design_days=dd, cooling_split=True)))
        variants = {m: [m] for m in measures.catalogue()} | {f"package:{p}": p for p in measures.packages()}
        for label, spec in variants.items():
            try:
                retrofitted = measures.apply(b, measures.package(spec))
            except RetrofitError as exc:  # a measure that does not apply to this archetype
                out[f"{name}/{label}"] = f"refused: {exc}"
                continue
            out[f"{name}/{label}+dd"] = _sha(idfw.idf_text(
                idfw.build_idf(retrofitted, ground, design_days=dd, cooling_split=True)))
    for case in ashrae140.case_names():
        out[f"ashrae140/{case}"] = _sha(idfw.idf_text(idfw.build_idf(ashrae140.build_case(case), [10.0] * 12)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the hashes to this JSON file")
    group.add_argument("--check", type=Path, help="compare with a file written by --save")
    args = ap.parse_args(argv)
    now = hashes()
    if args.save:
        args.save.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{len(now)} models, hashes written to {args.save}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    moved = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    for k in moved:
        print(f"differs: {k}")
    print(f"{len(now)} models, {len(moved)} differ")
    return 1 if moved else 0


if __name__ == "__main__":
    raise SystemExit(main())
