"""IDF writer pieces that need no EnergyPlus run: geometry, schedules, commands, err parsing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import archetypes
from simulator import idf as idfw
from simulator.runner import energyplus_command, err_problems, err_warnings

DATA = Path(__file__).resolve().parent / "data"


def _normal(vertices):
    v = np.asarray(vertices, dtype=float)
    n = np.cross(v[1] - v[0], v[2] - v[1])
    return n / np.linalg.norm(n)


@pytest.mark.parametrize(
    "origin, direction, outward",
    [((0, 0), (1, 0), (0, -1, 0)),  # south wall faces -y
     ((60, 10), (-1, 0), (0, 1, 0)),  # north wall faces +y
     ((60, 0), (0, 1), (1, 0, 0)),  # east wall faces +x
     ((0, 10), (0, -1), (-1, 0, 0))],  # west wall faces -x
)
def test_wall_vertices_face_outwards(origin, direction, outward):
    v = idfw.wall_vertices(origin, direction, 0.0, 5.0, 0.0, 2.8)
    assert _normal(v) == pytest.approx(outward)
    assert v[0][2] == 2.8 and v[1][2] == 0.0  # upper-left corner first


def test_horizontal_vertices_face_up_and_down():
    assert _normal(idfw.horizontal_vertices(0, 0, 4, 3, 2.8, facing_up=True)) == pytest.approx((0, 0, 1))
    assert _normal(idfw.horizontal_vertices(0, 0, 4, 3, 0.0, facing_up=False)) == pytest.approx((0, 0, -1))


@pytest.mark.parametrize("ratio", [0.02, 0.2, 0.35, 0.6, 0.85])
@pytest.mark.parametrize("width", [5.0, 60.0])
def test_window_area_matches_ratio_and_fits(ratio, width):
    u0, u1, z0, z1 = idfw.window_box(width, 2.8, ratio)
    assert (u1 - u0) * (z1 - z0) == pytest.approx(ratio * width * 2.8, rel=1e-9)
    assert 0 < u0 < u1 < width and 0 < z0 < z1 < 2.8


def test_no_window_below_a_hundredth_of_a_square_metre():
    assert idfw.window_box(10.0, 2.8, 0.0) is None


@pytest.mark.parametrize("storeys", [1, 2, 3, 6, 18])
def test_multipliers_cover_every_storey(storeys):
    st = idfw.modelled_storeys(storeys, 2.9, use_multipliers=True)
    assert sum(s.multiplier for s in st) == storeys
    assert st[0].is_ground and st[-1].is_top
    assert len(st) == min(storeys, 3)


def test_heating_setpoint_schedule_follows_season():
    b = archetypes.load("old_estate_pre1990")
    fields = idfw.ScheduleSet(b).heating_setpoint()
    # seasons: Jan 1 - Mar 15 heated, Mar 16 - Nov 14 off, Nov 15 - Dec 31 heated
    throughs = [f for f in fields if f.startswith("Through")]
    assert throughs == ["Through: 3/15", "Through: 11/14", "Through: 12/31"]
    # "Through: D" is followed by the profile of the days up to D
    on_block = fields[fields.index("Through: 3/15") + 1: fields.index("Through: 11/14")]
    off_block = fields[fields.index("Through: 11/14") + 1: fields.index("Through: 12/31")]
    assert on_block == ["For: AllDays", "Until: 24:00", "18"]
    assert off_block == ["For: AllDays", "Until: 24:00", str(int(idfw.HEAT_OFF_C))]


def test_school_vacation_uses_weekend_profile():
    b = archetypes.load("public_school")
    fields = idfw.ScheduleSet(b).fraction(b.operation.occupancy)
    i = fields.index("Through: 8/31")
    assert fields[i + 1] == "For: AllDays"  # summer vacation: no weekday profile
    assert fields[i + 2:i + 4] == ["Until: 24:00", "0"]


def test_energyplus_command_is_pure():
    cmd = energyplus_command(Path("/r/in.idf"), Path("/w/x.epw"), Path("/r"), binary="/bin/eplus")
    assert cmd == ["/bin/eplus", "--weather", "/w/x.epw", "--output-directory", "/r", "/r/in.idf"]


def test_err_problems_keeps_severe_and_continuations():
    text = (DATA / "eplusout_severe.err").read_text()
    lines = err_problems(text)
    assert lines == [
        '** Severe  ** BuildingSurface:Detailed="F01S WALL SOUTH", invalid Construction Name="NO SUCH CONSTRUCTION".',
        "**  Fatal  ** GetSurfaceData: Errors discovered, program terminates.",
    ]  # the warning before them and its continuation line are left out


def test_err_problems_keeps_continuation_lines():
    text = "   ** Severe  ** Bad thing\n   **   ~~~   ** more about it\n   ** Warning ** meh\n   **   ~~~   ** meh2\n"
    assert err_problems(text) == ["** Severe  ** Bad thing", "**   ~~~   ** more about it"]


def test_idf_text_has_the_objects(tianjin_epw):
    from simulator.energyplus import EnergyPlusEngine

    text = EnergyPlusEngine().idf_text(archetypes.load("old_estate_pre1990"), tianjin_epw)
    upper = text.upper()  # EnergyPlus keys are case-insensitive; eppy writes them upper case
    assert upper.startswith("VERSION,\n    25.2;")
    assert upper.count("\nZONEHVAC:IDEALLOADSAIRSYSTEM,\n") == 6  # 3 modelled storeys x N/S
    assert "OUTPUT:SQLITE," in upper
    assert "TIMESTEP,\n    4;" in upper
    assert "Zone_or_ZoneList" not in text  # field names never leak into values


def test_slow_warmup_is_a_warning_not_a_failure():
    text = ("   ** Severe  ** CheckWarmupConvergence: Loads Initialization, Zone=\"F01S\" did not converge after 25 warmup days.\n"
            "   **   ~~~   ** See Warmup Convergence Information in .eio file for details.\n"
            "   ** Severe  ** Bad thing\n")
    assert err_problems(text) == ["** Severe  ** Bad thing"]
    assert err_warnings(text)[0].startswith("** Severe  ** CheckWarmupConvergence")


def test_model_assumptions_are_sourced():
    """Every number of simulator/data/model_assumptions.toml carries a unit and a source."""
    from simulator.sourced_data import data_sources, missing_sources, raw

    assert missing_sources("model_assumptions") == []
    sources = data_sources("model_assumptions")
    assert sources and all(s.strip() for s in sources.values())

    def units(node, path=""):
        if isinstance(node, dict) and "source" in node:
            return [path] if not str(node.get("unit", "")).strip() else []
        if isinstance(node, dict):
            return [p for k, v in node.items() for p in units(v, f"{path}.{k}")]
        return []

    assert units(raw("model_assumptions")) == []


def test_writer_writes_the_model_assumptions():
    """The IDF objects take their modelling assumptions from the data file, not from code."""
    from buildings import materials

    a = idfw.ASSUMPTIONS
    idf = idfw.build_idf(archetypes.load("estate_1990s"), [10.0] * 12)
    people = idf.idfobjects["PEOPLE"][0]
    lights = idf.idfobjects["LIGHTS"][0]
    assert people.Fraction_Radiant == a["people"]["fraction_radiant"]
    assert (lights.Fraction_Radiant, lights.Fraction_Visible) == (
        a["lights"]["fraction_radiant"], a["lights"]["fraction_visible"])
    opening = [v for v in idf.idfobjects["ZONEVENTILATION:DESIGNFLOWRATE"] if v.Ventilation_Type == "Natural"][0]
    assert (opening.Minimum_Indoor_Temperature, opening.Minimum_Outdoor_Temperature,
            opening.Maximum_Outdoor_Temperature, opening.Delta_Temperature) == (
        a["window_opening"]["min_indoor_c"], a["window_opening"]["outdoor_min_c"],
        a["window_opening"]["outdoor_max_c"], a["window_opening"]["delta_temperature_k"])
    partition = [c for c in idf.idfobjects["CONSTRUCTION"] if c.Name == "Partition"][0]
    mats = {m.Name: m for m in idf.idfobjects["MATERIAL"]}
    layers = [mats[partition.Outside_Layer], mats[partition.Layer_2], mats[partition.Layer_3]]
    p = a["partition"]
    plaster, brick = materials.get(p["plaster_material"]), materials.get(p["brick_material"])
    assert [m.Thickness for m in layers] == [p["plaster_thickness_m"], p["brick_thickness_m"],
                                             p["plaster_thickness_m"]]
    assert [m.Conductivity for m in layers] == [plaster.conductivity_w_mk, brick.conductivity_w_mk,
                                                plaster.conductivity_w_mk]
    assert layers[0].Name == layers[2].Name  # symmetric: one plaster material on both faces
