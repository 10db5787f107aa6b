"""The building model: layered U-values by hand, validation, immutability."""

from __future__ import annotations

import dataclasses

import pytest

import archetypes
from buildings import materials
from buildings.model import Construction, Layer, building_from_dict, u_value_w_m2k
from simulator.exceptions import UnknownNameError, ValidationError


def _layer(name: str, thickness_m: float) -> Layer:
    return Layer(material=name, thickness_m=thickness_m, **materials.get(name).properties())


def test_u_value_370_brick_wall_by_hand():
    # GB 50176: Rsi 0.11, Rse 0.04; 20 mm cement mortar (0.93), 370 brick (0.81), 20 mm lime mortar (0.81)
    r = 0.11 + 0.020 / 0.93 + 0.370 / 0.81 + 0.020 / 0.81 + 0.04
    wall = Construction("w", "wall", (_layer("cement_mortar", 0.02), _layer("solid_clay_brick", 0.37),
                                      _layer("lime_mortar", 0.02)))
    assert wall.u_value_w_m2k == pytest.approx(1 / r, rel=1e-12)
    # and the fact sheet's 1.53 W/(m2 K) for this wall (FS 2a), to its two decimals
    assert wall.u_value_w_m2k == pytest.approx(1.53, abs=0.005)


def test_u_value_with_eps_insulation_by_hand():
    r_wall = 0.11 + 0.020 / 0.93 + 0.370 / 0.81 + 0.020 / 0.81 + 0.04
    assert u_value_w_m2k([0.020 / 0.93, 0.370 / 0.81, 0.020 / 0.81, 0.08 / 0.039], 0.11, 0.04) == pytest.approx(
        1 / (r_wall + 0.08 / 0.039), rel=1e-12)


@pytest.mark.parametrize("name", archetypes.names())
def test_archetype_u_values_match_their_layers(name):
    b = archetypes.load(name)
    for surface in ("wall", "roof"):
        c = getattr(b.constructions, surface)
        r = 0.11 + 0.04 + sum(ly.thickness_m / ly.conductivity_w_mk for ly in c.layers)
        assert c.u_value_w_m2k == pytest.approx(1 / r, rel=1e-12)
    g = b.constructions.ground_floor
    assert g.u_value_w_m2k == pytest.approx(1 / (0.11 + sum(ly.thickness_m / ly.conductivity_w_mk for ly in g.layers)))


def test_building_is_immutable():
    b = archetypes.load("old_estate_pre1990")
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.geometry.storeys = 3  # type: ignore[misc]


def test_round_trip_through_dict():
    b = archetypes.load("public_school")
    assert building_from_dict(b.to_dict()) == b


def test_validation_reports_every_problem_with_field_and_range():
    d = archetypes.load("old_estate_pre1990").to_dict()
    d["geometry"]["storeys"] = 0
    d["geometry"]["window_to_wall"]["south"] = 1.5
    d["operation"]["infiltration_ach"] = -1
    d["constructions"]["wall"]["layers"][1]["thickness_m"] = -0.1
    d["systems"]["heating_source"] = "coal_stove"
    with pytest.raises(ValidationError) as err:
        building_from_dict(d, source="test.toml")
    msg = str(err.value)
    assert len(err.value.problems) == 5
    assert "geometry.storeys: 0 - is outside the allowed range 1..60" in msg
    assert "geometry.window_to_wall.south" in msg and "0.0..0.85" in msg
    assert "operation.infiltration_ach" in msg
    assert "constructions.wall.layers[1].thickness_m" in msg
    assert "'coal_stove' is not one of district_heat" in msg
    assert msg.startswith("test.toml: 5 problems")


def test_cross_field_check_setpoints():
    d = archetypes.load("old_estate_pre1990").to_dict()
    d["operation"]["heating_setpoint_c"] = 26.0
    d["operation"]["heating_setback_c"] = 18.0
    d["operation"]["cooling_setpoint_c"] = 24.0
    with pytest.raises(ValidationError, match="must be below cooling_setpoint_c"):
        building_from_dict(d)


def test_unknown_material_lists_valid_names():
    with pytest.raises(UnknownNameError, match="valid names: .*eps_board"):
        materials.get("unobtainium")


def test_shape_factor_of_reference_slab():
    # FS 2b: 60 x 10 x 6 storeys x 2.8 m has shape factor 0.29
    g = archetypes.load("old_estate_pre1990").geometry
    assert g.shape_factor_1_m == pytest.approx((2 * 70 * 16.8 + 600) / (600 * 16.8))
    assert round(g.shape_factor_1_m, 2) == 0.29
