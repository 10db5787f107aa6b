"""Which massive constructions EnergyPlus 25.2 can run, against the project's pre-run check.

Run: ``.venv/bin/python benchmarks/bench_ctf_limits.py``

Each case replaces the wall of a one-zone 10 m x 8 m single storey (the office
archetype otherwise) by n equal layers of one material and runs EnergyPlus
*without* the check (the IDF is written directly), then compares the outcome
with :func:`buildings.model.energyplus_limits`. Writes
``benchmarks/results/ctf_limits.json``. The cases are those of
``MEASURED_CTF`` in ``tests/test_hostile_engine.py``; the 10 x 2 m wall takes
about 50 s before EnergyPlus crashes.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results_io import save  # noqa: E402

import archetypes  # noqa: E402
import weather  # noqa: E402
from buildings import materials  # noqa: E402
from buildings.model import Layer, conduction_time_constants_h, energyplus_limits  # noqa: E402
from simulator import idf as idfw  # noqa: E402
from simulator.energyplus import (  # noqa: E402
    PreparedRun,
    engine_version,
    normalised_epw,
    run_prepared,
    slab_ground_temperatures_c,
)
from simulator.exceptions import RetrofitError  # noqa: E402
from tests.tiny_building import write_tiny  # noqa: E402

CASES = [("reinforced_concrete", 1, 2.0), ("reinforced_concrete", 2, 1.3), ("reinforced_concrete", 3, 1.0),
         ("reinforced_concrete", 7, 0.5), ("reinforced_concrete", 8, 0.45), ("reinforced_concrete", 4, 1.0),
         ("reinforced_concrete", 2, 2.0), ("solid_clay_brick", 1, 1.5), ("solid_clay_brick", 1, 2.0),
         ("reinforced_concrete", 10, 2.0)]

def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = archetypes.load(write_tiny(Path(tmp)))
        w = weather.load("tianjin")
        epw = normalised_epw(w)
        rows = []
        for material, n, d in CASES:
            props = materials.get(material).properties()
            layers = tuple(Layer(material, d, **props) for _ in range(n))
            wall = dataclasses.replace(base.constructions.wall, layers=layers)
            b = base.replace(constructions=dataclasses.replace(base.constructions, wall=wall))
            text = idfw.idf_text(idfw.build_idf(b, slab_ground_temperatures_c(w)))
            prepared = PreparedRun(text, epw.sha256, engine_version(), b.floor_area_m2, b.name, w.id, w.name, 0.0)
            t0 = time.perf_counter()
            try:
                run_prepared(prepared, epw.data, runs_dir=tmp, timeout_s=300)
                outcome = "runs"
            except RetrofitError as exc:
                outcome = "fails: " + str(exc).splitlines()[0][:60] + " / " + (str(exc).splitlines()[1:2] or [""])[0][:80]
            taus = conduction_time_constants_h(layers)
            problems = energyplus_limits(b)
            rows.append({"material": material, "layers": n, "thickness_m": d,
                         "slowest_mode_h": round(taus[0], 1),
                         "modes_slower_than_4_h": sum(t > 4.0 for t in taus),
                         "energyplus": outcome, "energyplus_s": round(time.perf_counter() - t0, 1),
                         "check_refuses": bool(problems),
                         "agrees": bool(problems) == (outcome != "runs")})
            print(rows[-1], flush=True)
    save("ctf_limits.json", {"energyplus": engine_version(), "cases": rows,
                             "all_agree": all(r["agrees"] for r in rows)})


if __name__ == "__main__":
    main()
