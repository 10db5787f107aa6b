"""Linear thermal bridges: psi data, junction lengths by hand, the mean U EnergyPlus simulates, ETICS."""

from __future__ import annotations

import dataclasses
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import archetypes
from buildings import measures as M
from buildings import thermal_bridges as tb
from buildings.model import (
    Construction,
    Layer,
    ThermalBridges,
    building_from_dict,
    surface_resistances,
)
from simulator import idf as idfw
from simulator.exceptions import UnknownNameError, ValidationError
from simulator.runner import run_energyplus

# brick_walkup_pre1990 in buildings/data/thermal_bridges.toml, written out so the sums below are by hand
PSI_PRE1990 = {"floor_slab_edge": 0.22, "balcony": 0.45, "window_reveal": 0.12, "roof_edge": 0.40,
               "wall_ground": 0.25, "internal_wall_column": 0.11}
PSI_PRE1990_ETICS = {"floor_slab_edge": 0.03, "balcony": 0.205, "window_reveal": 0.226, "roof_edge": 0.217,
                     "wall_ground": 0.25, "internal_wall_column": 0.02}


def test_data_file_gives_every_junction_a_sourced_psi_for_every_era():
    for era in tb.eras():
        d = tb.era_data(era)
        assert d["title"] and d["title_zh"]
        for table in ("psi_w_mk", "psi_after_external_insulation_w_mk"):
            assert set(d[table]) == set(tb.JUNCTIONS), (era, table)
            for j, x in d[table].items():
                assert x["unit"] == "W/(m K)" and x["source"].strip(), (era, j)
                # sanity bound: the largest mass-wall psi of ASHRAE 90.1-2022 A10 is 1.686 (unmitigated balcony at a sill)
                assert 0.0 <= x["value"] <= 1.686, (era, j)
        assert set(d["geometry"]) == set(tb.GEOMETRY_PARAMETERS)
        assert all(x["source"].strip() for x in d["geometry"].values())
    assert tb.psi_w_mk("brick_walkup_pre1990") == PSI_PRE1990
    assert tb.psi_w_mk("brick_walkup_pre1990", external_insulation=True) == PSI_PRE1990_ETICS
    with pytest.raises(UnknownNameError, match="brick_walkup_pre1990"):
        tb.psi_w_mk("victorian")


def test_old_estate_bridges_by_hand():
    b = archetypes.load("old_estate_pre1990")
    assert b.constructions.thermal_bridges == ThermalBridges("brick_walkup_pre1990", False)
    # 60 m x 10 m, 6 storeys of 2.8 m (H = 16.8 m, perimeter 140 m); WWR S 0.35, N 0.25, E/W 0.02
    windows = 0.35 * 60 * 16.8 + 0.25 * 60 * 16.8 + 2 * 0.02 * 10 * 16.8  # 611.52 m2
    wall = 2 * (60 + 10) * 16.8 - windows  # 1740.48 m2 opaque
    balcony = 0.5 * 60 * 5  # half the south facade, storeys 2..6: 150 m
    lengths = {
        "floor_slab_edge": 140 * 5 - balcony,  # 550 m
        "balcony": balcony,
        "window_reveal": windows / (1.5 * 1.5) * 2 * (1.5 + 1.5),  # 271.8 windows of 1.5 x 1.5 m: 1630.7 m
        "roof_edge": 140.0,
        "wall_ground": 140.0,
        "internal_wall_column": 140 / 3.3 * 16.8,  # a cross wall every 3.3 m, full height: 712.7 m
    }
    h_w_k = (550 * 0.22 + 150 * 0.45 + 1630.72 * 0.12 + 140 * 0.40 + 140 * 0.25 + 712.727 * 0.11)  # 553.6 W/K
    assert tb.building_junction_lengths_m(b) == pytest.approx(lengths, rel=1e-9)
    assert tb.opaque_wall_area_m2(b.geometry) == pytest.approx(wall, rel=1e-12)
    # hand sums above carry 4-5 significant digits (1630.72, 712.727): 1e-5
    assert tb.wall_bridge_u_w_m2k(b) == pytest.approx(h_w_k / wall, rel=1e-5)
    assert tb.wall_bridge_u_w_m2k(b) == pytest.approx(0.3181, abs=1e-4)
    assert b.u_values_w_m2k()["wall_mean"] == pytest.approx(1.5314 + 0.3181, abs=2e-4)


def test_no_bridges_era_keeps_the_1d_wall_and_the_idf():
    b = archetypes.load("old_estate_pre1990")
    plain = b.replace(constructions=dataclasses.replace(b.constructions, thermal_bridges=ThermalBridges()))
    assert tb.wall_bridge_u_w_m2k(plain) == 0.0
    assert tb.wall_mean_u_w_m2k(plain) == plain.constructions.wall.u_value_w_m2k
    assert idfw.wall_layers_with_bridges(plain) == idfw._layers(plain.constructions.wall)


def test_unknown_era_is_refused_naming_the_field():
    data = archetypes.load("old_estate_pre1990").to_dict()
    data["constructions"]["thermal_bridges"]["construction_era"] = "victorian"
    with pytest.raises(ValidationError, match="constructions.thermal_bridges.construction_era.*brick_walkup_1990s"):
        building_from_dict(data)


@pytest.mark.parametrize("name", archetypes.names())
def test_idf_wall_has_the_mean_u_and_the_same_heat_capacity(name):
    b = archetypes.load(name)
    wall = b.constructions.wall
    layers = idfw.wall_layers_with_bridges(b)
    rs = surface_resistances()["wall"]
    u_idf = 1.0 / (rs["rsi_m2k_w"] + rs["rse_m2k_w"] + sum(d / k for _, d, k, *_ in layers))
    assert u_idf == pytest.approx(tb.wall_mean_u_w_m2k(b), rel=1e-12)
    assert u_idf > wall.u_value_w_m2k  # every archetype has bridges
    heat_capacity = [d * rho * cp for _, d, _, rho, cp, *_ in layers]
    assert heat_capacity == [ly.thickness_m * ly.density_kg_m3 * ly.specific_heat_j_kgk for ly in wall.layers]


def test_conductivity_factor_refuses_a_u_beyond_the_surface_films():
    wall = Construction("w", "wall", (Layer("brick", 0.24, 0.81, 1800.0, 1050.0),))
    assert tb.conductivity_factor(wall, wall.u_value_w_m2k) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="surface resistances"):
        tb.conductivity_factor(wall, 1.0 / 0.15)


def test_external_insulation_lowers_1d_and_mean_u_with_the_after_etics_psi():
    b = archetypes.load("old_estate_pre1990")
    r = M.apply(b, ["wall_eps_70mm"])
    assert r.constructions.thermal_bridges == ThermalBridges("brick_walkup_pre1990", True)
    assert tb.building_psi_w_mk(r) == PSI_PRE1990_ETICS
    lengths = tb.building_junction_lengths_m(b)  # the geometry does not change
    wall = tb.opaque_wall_area_m2(b.geometry)
    d_u_before = sum(PSI_PRE1990[j] * lengths[j] for j in lengths) / wall
    d_u_after = sum(PSI_PRE1990_ETICS[j] * lengths[j] for j in lengths) / wall
    u1d_before, u1d_after = b.constructions.wall.u_value_w_m2k, r.constructions.wall.u_value_w_m2k
    # 1-D: 5 mm render + 70 mm EPS (0.039) in series with the old wall
    assert u1d_after == pytest.approx(1 / (1 / u1d_before + 0.005 / 0.93 + 0.070 / 0.039), rel=1e-9)
    assert tb.wall_mean_u_w_m2k(r) == pytest.approx(u1d_after + d_u_after, rel=1e-12)
    assert tb.wall_mean_u_w_m2k(b) == pytest.approx(u1d_before + d_u_before, rel=1e-12)
    assert u1d_after < u1d_before and tb.wall_mean_u_w_m2k(r) < tb.wall_mean_u_w_m2k(b)
    # the slab edges, ring beams and columns are covered; the window reveals are not
    assert d_u_after < d_u_before
    # the ETICS flag is idempotent and commutes with the other measures
    again = M.apply(r, ["windows_pvc_double"])
    assert again.constructions.thermal_bridges == r.constructions.thermal_bridges


VAR_WALL_CONDUCTION = "Surface Inside Face Conduction Heat Transfer Energy"


def _winter_wall_conduction_j(building, epw: Path, run_dir: Path) -> float:
    """Heat conducted into the rooms through the external walls, Dec-Feb [J] (negative: a loss)."""
    from simulator.energyplus import normalised_epw, prepare
    from weather.epw import read_epw

    w = read_epw(epw)
    normalised = normalised_epw(w)
    text = prepare(building, w, normalised).idf_text + f"\nOutput:Variable,*,{VAR_WALL_CONDUCTION},Hourly;\n"
    run_dir.mkdir(parents=True)
    (run_dir / "weather.epw").write_bytes(normalised.data)
    sql = run_energyplus(text, run_dir / "weather.epw", run_dir / "run")
    query = ("SELECT d.KeyValue, SUM(r.Value) FROM ReportData r "
             "JOIN ReportDataDictionary d ON r.ReportDataDictionaryIndex = d.ReportDataDictionaryIndex "
             "JOIN Time t ON r.TimeIndex = t.TimeIndex JOIN EnvironmentPeriods e "
             "ON t.EnvironmentPeriodIndex = e.EnvironmentPeriodIndex "
             "WHERE d.Name = ? AND e.EnvironmentType = 3 AND (t.Month <= 2 OR t.Month = 12) GROUP BY d.KeyValue")
    with sqlite3.connect(f"file:{sql}?mode=ro", uri=True) as con:
        rows = con.execute(query, (VAR_WALL_CONDUCTION,)).fetchall()
    walls = [v for key, v in rows if " WALL " in key.upper()]
    assert walls
    return float(sum(walls))


def test_energyplus_wall_conduction_with_bridges(tianjin_epw, tmp_path):
    """The winter wall loss grows by the ratio of the wall's conductances, with EnergyPlus's own films.

    Scaling every layer's conductivity by f turns the layers' resistance R into
    R' = R / f (at the standard films Rsi + Rse = 0.15 m2K/W the wall's U becomes
    U_mean). EnergyPlus computes its own surface heat transfer, so the loss grows by
    (F + R) / (F + R') with F its total film resistance. F lies between 0.15
    (GB 50176 standard films, with the radiant exchange counted at air temperature)
    and 0.65 m2K/W (inside natural convection alone, 1.31 dT^(1/3) W/(m2 K) at dT = 2 K
    by the ASHRAE/TARP vertical-wall correlation, plus 0.04 outside): the ratio must lie
    between those two bounds.
    """
    b = archetypes.load("old_estate_pre1990")
    small = b.replace(geometry=dataclasses.replace(b.geometry, length_m=20.0, storeys=4))  # 3 modelled storeys
    plain = small.replace(constructions=dataclasses.replace(small.constructions, thermal_bridges=ThermalBridges()))
    with ThreadPoolExecutor(2) as pool:
        q_bridged, q_plain = pool.map(lambda x: _winter_wall_conduction_j(x[0], tianjin_epw, tmp_path / x[1]),
                                      [(small, "bridged"), (plain, "plain")])
    assert q_plain < 0 and q_bridged < 0  # winter: heat leaves through the walls
    r = small.constructions.wall.r_layers_m2k_w
    r_eff = r / tb.conductivity_factor(small.constructions.wall, tb.wall_mean_u_w_m2k(small))
    lower, upper = (0.65 + r) / (0.65 + r_eff), (0.15 + r) / (0.15 + r_eff)
    assert upper == pytest.approx(tb.wall_mean_u_w_m2k(small) / small.constructions.wall.u_value_w_m2k)
    assert lower < q_bridged / q_plain < upper, (lower, q_bridged / q_plain, upper)


def test_standards_compare_the_wall_mean_u_and_show_the_1d_u():
    from buildings.standards import wall_u_basis
    from simulator.reports import standards as S

    assert wall_u_basis() == "mean"  # JGJ 26-2018 cl. 2.1.3 / App. B (buildings/data/standards.toml)
    b = archetypes.load("estate_1990s")
    u = b.u_values_w_m2k()
    walls = [c for c in S.envelope_checks(b) if c.quantity.startswith("wall")]
    assert walls and all(c.value == round(u["wall_mean"], 2) for c in walls)
    assert all("thermal bridges" in c.quantity and "含热桥" in c.quantity_zh for c in walls)
    assert all(f"{u['wall']:.2f}" in c.note and f"{u['wall']:.2f}" in c.note_zh for c in walls)
    # the 1990s wall (1-D 0.77) met the 50 % step's 0.82 only without its inner lining's bridges
    step_50 = next(c for c in walls if c.standard.startswith("50 %"))
    assert u["wall"] < step_50.limit < u["wall_mean"] and step_50.passed is False


def test_cli_and_summary_give_the_wall_u_with_and_without_bridges():
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "simulator.cli", "archetypes", "--json"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = {r["archetype"]: r for r in json.loads(out.stdout)}
    for name, row in rows.items():
        b = archetypes.load(name)
        assert row["wall_mean_u_w_m2k"] == round(tb.wall_mean_u_w_m2k(b), 3)
        assert row["wall_mean_u_w_m2k"] > row["wall_u_w_m2k"]
    s = tb.envelope_u_summary(archetypes.load("old_estate_pre1990"))
    assert s["wall_mean_u_w_m2k"] == pytest.approx(s["wall_u_w_m2k"] + s["wall_bridge_u_w_m2k"], abs=2e-4)
    assert s["thermal_bridge_era"] == "brick_walkup_pre1990" and s["external_insulation"] is False
