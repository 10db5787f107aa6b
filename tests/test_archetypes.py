"""Archetype library: names, loading by name and path, sources, bad files."""

from __future__ import annotations

import pytest

import archetypes
from simulator.exceptions import UnknownNameError, ValidationError

REQUIRED = {"old_estate_pre1990", "estate_1990s", "five_step_residential", "public_office", "public_school"}


def test_required_archetypes_exist():
    assert REQUIRED <= set(archetypes.names())


def test_unknown_name_lists_valid_ones():
    with pytest.raises(UnknownNameError) as err:
        archetypes.load("old_estate_1850")
    for name in REQUIRED:
        assert name in str(err.value)


@pytest.mark.parametrize("name", archetypes.names())
def test_every_number_has_a_source(name):
    assert archetypes.missing_sources(name) == []


@pytest.mark.parametrize("name", archetypes.names())
def test_loads_and_names_itself(name):
    b = archetypes.load(name)
    assert b.name == name
    assert b.floor_area_m2 > 0


def test_steps_get_better_envelope():
    old, s50, s83 = (archetypes.load(n) for n in ("old_estate_pre1990", "estate_1990s", "five_step_residential"))
    for part in ("wall", "roof", "window"):
        assert old.u_values_w_m2k()[part] > s50.u_values_w_m2k()[part] > s83.u_values_w_m2k()[part]
    # DB29-1-97 50 % step limits (FS 1a [S1]) met by the 1990s estate: wall 0.82, roof 0.60, window 4.0
    u = s50.u_values_w_m2k()
    assert u["wall"] <= 0.82 and u["roof"] <= 0.60 and u["window"] <= 4.0


def test_five_step_is_a_high_rise_with_multipliers():
    b = archetypes.load("five_step_residential")
    assert 16 <= b.geometry.storeys <= 20
    assert b.geometry.use_multipliers


def test_school_has_vacations_and_heating_season():
    op = archetypes.load("public_school").operation
    assert len(op.vacations) == 2
    assert op.heating_season is not None and op.heating_season.start == "11-15"


def test_user_file_by_path(tmp_path):
    text = archetypes.path("old_estate_pre1990").read_text(encoding="utf-8")
    p = tmp_path / "my_block.toml"
    p.write_text(text.replace('name = "old_estate_pre1990"', 'name = "my_block"'), encoding="utf-8")
    b = archetypes.load(p)
    assert b.name == "my_block"
    assert b.geometry == archetypes.load("old_estate_pre1990").geometry


def test_corrupted_file_gives_clear_error(tmp_path):
    p = tmp_path / "broken.toml"
    p.write_text('name = "x"\n[geometry\nlength_m = 3\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"broken\.toml: not valid TOML"):
        archetypes.load(p)


def test_bad_values_all_reported_with_file(tmp_path):
    text = archetypes.path("old_estate_pre1990").read_text(encoding="utf-8")
    text = text.replace("storeys = { value = 6,", "storeys = { value = -2,")
    text = text.replace('material = "solid_clay_brick"', 'material = "adobe"')
    p = tmp_path / "bad.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        archetypes.load(p)
    msg = str(err.value)
    assert "bad.toml" in msg
    assert "unknown material 'adobe'" in msg
    assert "geometry.storeys: -2" in msg


def test_missing_file_is_clear(tmp_path):
    with pytest.raises(ValidationError, match="archetype file not found"):
        archetypes.load(tmp_path / "nothing.toml")
