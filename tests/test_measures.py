"""Retrofit measures as pure functions: effects by hand, commutation, costs, bad input."""

from __future__ import annotations

import itertools

import pytest

import archetypes
from buildings import measures as M
from simulator.exceptions import UnknownNameError, ValidationError


@pytest.fixture(scope="module")
def old():
    return archetypes.load("old_estate_pre1990")


@pytest.mark.parametrize("name", archetypes.names())
@pytest.mark.parametrize("measure", sorted(M.catalogue()))
def test_every_measure_applies_to_every_archetype(name, measure):
    b = archetypes.load(name)
    r = M.apply(b, [measure])
    assert measure in r.measures
    assert r.floor_area_m2 == b.floor_area_m2


def test_measures_commute(old):
    ms = M.package("deep_retrofit")
    reference = M.apply(old, ms)
    for order in itertools.islice(itertools.permutations(ms), 0, 5040, 97):
        assert M.apply(old, order) == reference
    # applying one by one in any order gives the same building too
    step = old
    for m in reversed(ms):
        step = M.apply(step, [m])
    assert step == reference


def test_wall_insulation_u_value_by_hand(old):
    r = M.apply(old, ["wall_eps_70mm"])
    r_old = 1 / old.constructions.wall.u_value_w_m2k
    assert r.constructions.wall.u_value_w_m2k == pytest.approx(1 / (r_old + 0.005 / 0.93 + 0.070 / 0.039))
    # FS 2c: 370 brick + 60-80 mm EPS gives U about 0.44-0.53
    assert 0.38 < r.constructions.wall.u_value_w_m2k < 0.50
    assert r.constructions.roof == old.constructions.roof


def test_windows_set_glazing_and_cap_infiltration(old):
    r = M.apply(old, ["windows_pvc_double"])
    assert r.constructions.window.u_value_w_m2k == 2.5
    assert r.operation.infiltration_ach == 0.5
    tight = M.apply(old, ["windows_pvc_double", "airtight_0_3"])
    assert tight.operation.infiltration_ach == 0.3


def test_trv_adds_night_setback_and_metering(old):
    r = M.apply(old, ["trv_metering"])
    assert r.systems.heat_metering
    assert r.operation.heating_setback_c == 16.0
    assert r.operation.heating_hours.weekday[2] == 0.0 and r.operation.heating_hours.weekday[12] == 1.0


def test_led_target_by_building_type():
    office = archetypes.load("public_office")
    assert M.apply(office, ["led"]).operation.lighting_w_m2 == 6.0
    assert M.apply(archetypes.load("old_estate_pre1990"), ["led"]).operation.lighting_w_m2 == 3.5
    assert M.apply(office, ["led_lighting:target_w_m2=4.5"]).operation.lighting_w_m2 == 4.5


def test_heat_pump_replaces_source_and_split_acs():
    r = M.apply(archetypes.load("old_estate_pre1990"), ["ashp"])
    assert (r.systems.heating_source, r.systems.cooling_system) == ("ashp", "ashp")
    office = M.apply(archetypes.load("public_office"), ["ashp"])
    assert office.systems.cooling_system == "chiller"  # a chiller stays
    only = M.apply(archetypes.load("old_estate_pre1990"), ["ashp_heating_only"])
    assert only.systems.cooling_system == "split_ac"


def test_pv_capacity_from_roof_by_hand(old):
    r = M.apply(old, ["pv_50"])
    # 60 x 10 m roof, 50 % usable (FS 6), half of it, tilted rows at 115 Wp per m2 of usable roof
    assert r.systems.pv_capacity_kw == pytest.approx(600 * 0.5 * 0.5 * 0.115)
    assert r.systems.pv_tilt_deg == 25.0


def test_wall_capex_by_hand(old):
    g = old.geometry
    wall = 2 * (60 + 10) * 16.8
    windows = 60 * 16.8 * (0.35 + 0.25) + 10 * 16.8 * (0.02 + 0.02)
    cost = M.measure_cost(M.measure("wall_eps_70mm"), old)
    assert cost.quantity == pytest.approx(wall - windows)
    assert cost.unit_cost_cny == pytest.approx(80 + 70 * 1.0)
    assert cost.capex_cny == pytest.approx((wall - windows) * 150)
    assert g.floor_area_m2 == 3600


def test_heat_pump_is_sized_on_the_peak_load(old):
    cost = M.measure_cost(M.measure("ashp"), old, peak_heating_w=100_000)
    assert cost.quantity == pytest.approx(110.0) and cost.capex_cny == pytest.approx(110 * 1500)
    with pytest.raises(ValidationError, match="peak heating load"):
        M.measure_cost(M.measure("ashp"), old)


def test_envelope_package_cost_is_in_the_tianjin_range(old):
    capex = sum(M.measure_cost(m, old).capex_cny for m in M.package("envelope"))
    # FS 2c [E]: about 240 CNY per m2 of floor for the reference slab
    assert 150 < capex / old.floor_area_m2 < 300


@pytest.mark.parametrize("preset", ["envelope", "envelope_hp", "envelope_hp_pv"])
def test_required_presets_exist(preset):
    assert preset in M.packages()
    kinds = {m.kind for m in M.package(preset)}
    assert {"wall_insulation", "roof_insulation", "window_replacement", "airtightness"} <= kinds


def test_incompatible_measures_are_refused():
    with pytest.raises(ValidationError) as err:
        M.package("envelope,ashp,electric_storage,wall_eps_100mm")
    assert "only one wall_insulation" in str(err.value)
    assert "one heat source" in str(err.value)


@pytest.mark.parametrize(
    "spec, error, text",
    [
        ("wall_insulation:material=eps_board:thickness_mm=-5", ValidationError, "outside the allowed range 10..300 mm"),
        ("wall_insulation:material=straw:thickness_mm=50", ValidationError, "'straw' is not one of eps_board"),
        ("wall_insulation:thickness_mm=50", ValidationError, "material: required parameter is missing"),
        ("rooftop_pv:roof_share=1.5", ValidationError, "roof_share: 1.5"),
        ("teleporter", UnknownNameError, "valid names"),
    ],
)
def test_bad_measures_give_clear_errors(spec, error, text):
    with pytest.raises(error, match=text):
        M.package(spec)


def test_unknown_package_lists_presets():
    with pytest.raises(UnknownNameError) as err:
        M.package("gold_plated")
    assert "envelope_hp_pv" in str(err.value)
