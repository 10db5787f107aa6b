"""Slab-on-ground methods in EnergyPlus for the old estate: accuracy against ISO 13370 and run time.

Three ways to model the old estate's slab on the built-in Tianjin year, each
run once with the floors' inside-face conduction and the ground-storey air
temperatures as extra outputs:

* ``soil_layer`` - the model before issue 11: the slab on 1 m of soil to the
  EPW header's shallowest ground temperatures (Site:GroundTemperature:BuildingSurface);
* ``kiva`` - Foundation:Kiva (2-D finite differences), the slab's own layers,
  soil of ground.toml, for a few settings of the deep-ground boundary and the
  initial indoor temperature (Kiva's results depend on them);
* ``ffactor_iso13370`` - the model since issue 11: Construction:FfactorGroundFloor
  with ISO 13370's H_g and ground temperatures (simulator/idf.py).

Prints and saves benchmarks/results/ground_methods.json: annual slab loss
[kWh per m2 of slab] next to ISO 13370's hand calculation with the run's own
monthly internal temperatures, heating [kWh/m2 floor] and EnergyPlus CPU
seconds (children's rusage, less affected by machine load than wall time).

    .venv/bin/python benchmarks/bench_ground_methods.py
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import archetypes  # noqa: E402
import weather  # noqa: E402
from buildings import ground as G  # noqa: E402
from simulator import idf as idfw  # noqa: E402
from simulator.design_days import design_days, monthly_mean_c  # noqa: E402
from simulator.energyplus import normalised_epw, slab_ground_temperatures_c  # noqa: E402
from simulator.runner import run_energyplus  # noqa: E402

VAR_CONDUCTION = "Surface Inside Face Conduction Heat Transfer Energy"
VAR_AIR = "Zone Mean Air Temperature"
HOURS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) * 24.0


def _layered_floor(idf, b, with_soil: bool) -> None:
    layers = [ly for ly in idfw._layers(b.constructions.ground_floor) if with_soil or ly[0] != G.SOIL_MATERIAL]
    idfw._add_construction(idf, "Layered Ground Floor", layers)


def variant(b, w, kind: str, deep: str = "ZeroFlux", init_c: float | None = 20.0):
    idf = idfw.build_idf(b, monthly_mean_c(w), design_days=design_days(w))
    floors = [s for s in idf.idfobjects["BUILDINGSURFACE:DETAILED"]
              if s.Outside_Boundary_Condition == "GroundFCfactorMethod"]
    if kind != "ffactor_iso13370":
        for obj in list(idf.idfobjects["CONSTRUCTION:FFACTORGROUNDFLOOR"]):
            idf.removeidfobject(obj)
        for obj in list(idf.idfobjects["SITE:GROUNDTEMPERATURE:FCFACTORMETHOD"]):
            idf.removeidfobject(obj)
        _layered_floor(idf, b, with_soil=kind == "soil_layer")
    if kind == "soil_layer":
        gt = dict(zip((f"{m}_Ground_Temperature" for m in idfw._MONTHS), slab_ground_temperatures_c(w), strict=True))
        idf.newidfobject("SITE:GROUNDTEMPERATURE:BUILDINGSURFACE", **gt)
    if kind == "kiva":
        soil = G.ground_data()["soil"]
        fk = idf.newidfobject("FOUNDATION:KIVA", Name="Slab", Footing_Wall_Construction_Name="Wall")
        fk.Interior_Horizontal_Insulation_Depth = ""
        fk.Exterior_Horizontal_Insulation_Width = ""
        fk.Footing_Depth = ""
        if init_c is not None:
            fk.Initial_Indoor_Air_Temperature = init_c
        idf.newidfobject("FOUNDATION:KIVA:SETTINGS", Soil_Conductivity=soil["conductivity_w_mk"],
                         Soil_Density=1000.0, Soil_Specific_Heat=soil["heat_capacity_j_m3k"] / 1000.0,
                         DeepGround_Boundary_Condition=deep,
                         DeepGround_Depth="autocalculate" if deep == "Autoselect" else 40.0)
    for s in floors:
        if kind == "soil_layer":
            s.Outside_Boundary_Condition, s.Construction_Name = "Ground", "Layered Ground Floor"
        elif kind == "kiva":
            s.Outside_Boundary_Condition, s.Outside_Boundary_Condition_Object = "Foundation", "Slab"
            s.Construction_Name = "Layered Ground Floor"
            y = sorted({float(s[f"Vertex_{i}_Ycoordinate"]) for i in range(1, 5)})
            per = idfw.exposed_perimeter_m(b, y[0], y[1])
            ep = idf.newidfobject("SURFACEPROPERTY:EXPOSEDFOUNDATIONPERIMETER", Surface_Name=s.Name,
                                  Exposed_Perimeter_Calculation_Method="TotalExposedPerimeter",
                                  Total_Exposed_Perimeter=per)
            ep.Exposed_Perimeter_Fraction = ""
        idf.newidfobject("OUTPUT:VARIABLE", Key_Value=s.Name, Variable_Name=VAR_CONDUCTION,
                         Reporting_Frequency="Hourly")
    idf.newidfobject("OUTPUT:VARIABLE", Key_Value="*", Variable_Name=VAR_AIR, Reporting_Frequency="Hourly")
    return idfw.idf_text(idf)


def run(text: str, w) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "in.epw").write_bytes(normalised_epw(w).data)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        sql = run_energyplus(text, d / "in.epw", d)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        with sqlite3.connect(sql) as con:
            q = ("SELECT rdd.KeyValue, t.Month, rd.Value FROM ReportData rd JOIN ReportDataDictionary rdd "
                 "USING(ReportDataDictionaryIndex) JOIN Time t USING(TimeIndex) JOIN EnvironmentPeriods ep "
                 "USING(EnvironmentPeriodIndex) WHERE ep.EnvironmentType = 3 AND "
                 "(t.WarmupFlag IS NULL OR t.WarmupFlag = 0) AND rdd.Name = ?")
            cond = con.execute(q, (VAR_CONDUCTION,)).fetchall()
            air = [r for r in con.execute(q, (VAR_AIR,)).fetchall() if str(r[0]).upper().startswith("F01")]
            heat = con.execute(q.replace("rdd.Name = ?", "rdd.Name = 'DistrictHeatingWater:Facility'")).fetchall()
    monthly_air = [float(np.mean([v for _k, m, v in air if m == month])) for month in range(1, 13)]
    return {"cpu_s": round((r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime), 2),
            "slab_loss_kwh": -sum(v for _k, _m, v in cond) / 3.6e6, "internal_c": monthly_air,
            "heating_kwh": sum(v for _k, _m, v in heat) / 3.6e6}


def main() -> int:
    b = archetypes.load("old_estate_pre1990")
    w = weather.load("tianjin")
    area = b.geometry.length_m * b.geometry.depth_m
    slab = idfw.slab_of(b)
    cases = [("soil_layer", {}), ("ffactor_iso13370", {}), ("kiva", {"deep": "ZeroFlux", "init_c": 20.0}),
             ("kiva", {"deep": "ZeroFlux", "init_c": None}), ("kiva", {"deep": "Autoselect", "init_c": 20.0})]
    rows = []
    for kind, opts in cases:
        r = run(variant(b, w, kind, **opts), w)
        iso = G.annual_heat_loss_kwh(slab, r["internal_c"], monthly_mean_c(w))
        row = {"method": kind, **{k: v for k, v in opts.items()},
               "slab_loss_kwh_m2_slab": round(r["slab_loss_kwh"] / area, 2),
               "iso13370_kwh_m2_slab": round(iso / area, 2),
               "ratio_to_iso": round(r["slab_loss_kwh"] / iso, 3),
               "heating_kwh_m2_floor": round(r["heating_kwh"] / b.floor_area_m2, 2), "energyplus_cpu_s": r["cpu_s"]}
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = {"archetype": b.name, "weather": "tianjin (built-in)", "iso13370_u_w_m2k": round(slab.u_w_m2k, 4),
           "b_prime_m": round(slab.b_prime_m, 3), "d_t_m": round(slab.d_t_m, 3),
           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "rows": rows}
    path = ROOT / "benchmarks" / "results" / "ground_methods.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
