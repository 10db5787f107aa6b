"""ASHRAE Standard 140 cases 600 and 900 through the project's own model and real EnergyPlus.

The cases run on the EnergyPlus wheel's Colorado TMY3 file (Golden, 724666);
the published ranges were computed on Denver International Airport's TMY3
(725650), so only what the model expresses faithfully and the weather change
cannot move out of range is asserted: annual heating (benchmarks/bench_ashrae140.py
reports every quantity on both files).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import idf as idfw
from simulator.validation import ashrae140 as A

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report() -> dict:
    """`retrofit validate ashrae140 --cases 600,610,900 --json`, run as the CLI (three single-zone runs, ~3 s CPU)."""
    out = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "validate", "ashrae140", "--cases", "600,610,900", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode in (0, 1), out.stderr  # 1 = a case out of range, reported in the JSON
    return json.loads(out.stdout)


def _case(report: dict, name: str) -> dict:
    [c] = [c for c in report["cases"] if c["case"] == name]
    return c


def test_json_shape_and_edition(report):
    assert report["weather"] == A.WHEEL_WEATHER
    assert "140-2023" in report["edition"]
    for c in report["cases"]:
        for q in A.QUANTITIES:
            assert c[q] > 0
            assert "reference_programs" in c["ranges"][q]
        assert c["in_range"] == all(c["checks"].values())
        assert isinstance(c["differences"], list)
    assert {d["case"] for d in report["not_run"]} >= {"630", "650", "600FF"}
    assert report["common_differences"]


@pytest.mark.parametrize("case", ["600", "900"])
def test_annual_heating_within_acceptance_criteria(report, case):
    # Heating is conduction, infiltration and solar gains on a cold sky: the parts
    # the model represents as specified (layers, absorptance 0.6, raised floor).
    c = _case(report, case)
    assert c["checks"]["heating_mwh"], c


def test_thermal_mass_lowers_heating_and_cooling(report):
    light, heavy = _case(report, "600"), _case(report, "900")
    # Every reference program: 900 heating about 40 % and cooling about 45 % of case 600's.
    assert heavy["heating_mwh"] < 0.6 * light["heating_mwh"]
    assert heavy["cooling_mwh"] < 0.6 * light["cooling_mwh"]
    assert heavy["peak_cooling_kw"] < light["peak_cooling_kw"]


def test_south_overhang_cuts_cooling_more_than_it_adds_heating(report):
    # Reference programs: 610 vs 600 heating +1 to +2 %, cooling -24 to -29 % (ashrae140_ranges.toml).
    base, shaded = _case(report, "600"), _case(report, "610")
    assert shaded["cooling_mwh"] < 0.9 * base["cooling_mwh"]
    assert base["heating_mwh"] < shaded["heating_mwh"] < 1.1 * base["heating_mwh"]


def test_overhang_geometry():
    idf = idfw.build_idf(A.build_case("610"), [10.0] * 12)
    [shade] = idf.idfobjects["SHADING:ZONE:DETAILED"]
    xs = [shade[f"Vertex_{i}_Xcoordinate"] for i in range(1, 5)]
    ys = [shade[f"Vertex_{i}_Ycoordinate"] for i in range(1, 5)]
    zs = [shade[f"Vertex_{i}_Zcoordinate"] for i in range(1, 5)]
    assert (min(xs), max(xs), min(ys), max(ys)) == (0.0, 8.0, -1.0, 0.0)  # full south wall, 1 m out
    assert set(zs) == {2.7}  # at roof level
    assert not idfw.build_idf(A.build_case("600"), [10.0] * 12).idfobjects["SHADING:ZONE:DETAILED"]


def test_sensible_cooling_is_part_of_total(report):
    for c in report["cases"]:
        # latent removal in dry Colorado air is small: below 2 % of the total
        assert c["cooling_mwh"] <= c["cooling_total_mwh"] <= 1.02 * c["cooling_mwh"]


def test_case_600_model_is_what_the_standard_specifies():
    b = A.build_case("600")
    assert b.floor_area_m2 == pytest.approx(48.0)
    assert b.geometry.window_area_m2("south") == pytest.approx(12.0)
    assert sum(b.geometry.window_area_m2(f) for f in ("north", "east", "west")) == 0.0
    assert b.operation.equipment_w_m2 * b.floor_area_m2 == pytest.approx(200.0)
    assert b.operation.infiltration_ach == pytest.approx(0.414)
    idf = idfw.build_idf(b, [10.0] * 12)
    [floor] = [s for s in idf.idfobjects["BUILDINGSURFACE:DETAILED"] if s.Surface_Type == "Floor"]
    assert (floor.Outside_Boundary_Condition, floor.Sun_Exposure, floor.Wind_Exposure) == ("Outdoors", "NoSun", "NoWind")
    # the outer and inner faces carry absorptance 0.6 and emittance 0.9 (the standard's values)
    materials = {m.Name: m for m in idf.idfobjects["MATERIAL"]}
    for cons in idf.idfobjects["CONSTRUCTION"]:
        if cons.Name not in ("Wall", "Roof", "Ground Floor"):
            continue
        layers = [n for n in cons.obj[2:] if n]
        for face in (layers[0], layers[-1]):
            assert (materials[face].Solar_Absorptance, materials[face].Thermal_Absorptance) == (0.6, 0.9)
    wall = A.build_case("620")
    assert wall.geometry.window_area_m2("east") == pytest.approx(6.0)
    assert wall.geometry.window_area_m2("south") == 0.0


def test_unknown_case_is_a_clear_error():
    from simulator.exceptions import UnknownNameError

    with pytest.raises(UnknownNameError, match="600"):
        A.build_case("601")
