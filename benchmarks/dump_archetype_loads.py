"""Hourly loads of every archetype on the built-in Tianjin year, without the cache, saved as .npz.

Run: ``.venv/bin/python benchmarks/dump_archetype_loads.py OUT.npz``

Used to prove that a writer change leaves the physics alone: run it at two
commits (e.g. in a ``git worktree`` of the older one) and compare the files
with ``numpy`` (issue 10: names out of the IDF, max difference 0 kWh).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import archetypes  # noqa: E402
import weather  # noqa: E402
from simulator.energyplus import EnergyPlusEngine  # noqa: E402

SERIES = ("hourly_heating_kwh", "hourly_cooling_kwh", "hourly_lighting_kwh", "hourly_equipment_kwh",
          "hourly_window_solar_kwh")


def main(out: str) -> None:
    engine = EnergyPlusEngine()
    epw = weather.epw_path("tianjin")
    arrays = {}
    for name in archetypes.names():
        t0 = time.perf_counter()
        loads = engine.simulate(archetypes.load(name), epw)
        print(f"{name}: {time.perf_counter() - t0:.1f} s, heating {loads.heating_kwh:,.0f} kWh, "
              f"cooling {loads.cooling_kwh:,.0f} kWh", flush=True)
        for s in SERIES:
            arrays[f"{name}|{s}"] = getattr(loads, s)
    np.savez(out, **arrays)


if __name__ == "__main__":
    main(sys.argv[1])
