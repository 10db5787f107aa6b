"""Ground heat loss (ISO 13370 through EnergyPlus's F-factor method) and the heating capacity limit.

One real EnergyPlus run of the old estate (about 3 s) with the floor's
conduction and the zones' air temperatures added as outputs; the ISO 13370
hand calculation is written out here again, independently of
:mod:`buildings.ground`, from the standard's equations.
"""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest

import archetypes
from buildings import ground as G
from buildings import measures as M
from simulator import idf as idfw
from simulator.design_days import design_days, heating_capacity_factor, monthly_mean_c
from simulator.results import read_design_loads_w, read_hourly_kwh, read_hourly_sum
from simulator.runner import run_energyplus

MONTH_HOURS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) * 24.0
VAR_CONDUCTION = "Surface Inside Face Conduction Heat Transfer Energy"
VAR_AIR = "Zone Mean Air Temperature"


def iso13370_annual_kwh(area_m2, perimeter_m, wall_m, floor_r, lam, internal_c, external_c):
    """ISO 13370:2017 slab on ground, written out from the standard (not from buildings.ground).

    B' = A / (0.5 P); d_t = w + lambda (Rsi + Rf + Rse) with Rsi = 0.17 (ISO 6946,
    heat flow down) and Rse = 0.04; U = 2 lambda / (pi B' + d_t) ln(pi B'/d_t + 1)
    for d_t < B'. The monthly periodic parts (H_pi, H_pe) add up to zero over
    a year, so the annual loss is H_g (mean Ti - mean Te) x 8760 h with the
    month-length-weighted means of the twelve monthly temperatures.
    """
    b_prime = area_m2 / (0.5 * perimeter_m)
    d_t = wall_m + lam * (0.17 + floor_r + 0.04)
    assert d_t < b_prime  # the old estate's slab is the "uninsulated" case of the standard
    u = 2 * lam / (math.pi * b_prime + d_t) * math.log(math.pi * b_prime / d_t + 1)
    ti = np.sum(np.asarray(internal_c) * MONTH_HOURS) / MONTH_HOURS.sum()
    te = np.sum(np.asarray(external_c) * MONTH_HOURS) / MONTH_HOURS.sum()
    return area_m2 * u * (ti - te) * MONTH_HOURS.sum() / 1000.0, u


@pytest.fixture(scope="module")
def old_estate():
    return archetypes.load("old_estate_pre1990")


@pytest.fixture(scope="module")
def slab_run(old_estate, tianjin, tmp_path_factory):
    """The old estate's annual run with the floors' conduction and the zones' air temperatures."""
    from simulator.energyplus import normalised_epw

    idf = idfw.build_idf(old_estate, monthly_mean_c(tianjin), design_days=design_days(tianjin))
    floors = [s.Name for s in idf.idfobjects["BUILDINGSURFACE:DETAILED"]
              if s.Outside_Boundary_Condition == "GroundFCfactorMethod"]
    for name in floors:
        idf.newidfobject("OUTPUT:VARIABLE", Key_Value=name, Variable_Name=VAR_CONDUCTION, Reporting_Frequency="Hourly")
    idf.newidfobject("OUTPUT:VARIABLE", Key_Value="*", Variable_Name=VAR_AIR, Reporting_Frequency="Hourly")
    run_dir = tmp_path_factory.mktemp("slab")
    (run_dir / "in.epw").write_bytes(normalised_epw(tianjin).data)
    sql = run_energyplus(idfw.idf_text(idf), run_dir / "in.epw", run_dir)
    with sqlite3.connect(sql) as con:
        rows = con.execute(
            "SELECT rdd.Name, rdd.KeyValue, SUM(rd.Value), COUNT(*) FROM ReportData rd "
            "JOIN ReportDataDictionary rdd USING(ReportDataDictionaryIndex) JOIN Time t USING(TimeIndex) "
            "JOIN EnvironmentPeriods ep USING(EnvironmentPeriodIndex) "
            "WHERE ep.EnvironmentType = 3 AND (t.WarmupFlag IS NULL OR t.WarmupFlag = 0) AND rdd.Name = ? "
            "GROUP BY rdd.KeyValue", (VAR_CONDUCTION,)).fetchall()
        air = con.execute(
            "SELECT rdd.KeyValue, t.Month, AVG(rd.Value) FROM ReportData rd "
            "JOIN ReportDataDictionary rdd USING(ReportDataDictionaryIndex) JOIN Time t USING(TimeIndex) "
            "JOIN EnvironmentPeriods ep USING(EnvironmentPeriodIndex) "
            "WHERE ep.EnvironmentType = 3 AND (t.WarmupFlag IS NULL OR t.WarmupFlag = 0) AND rdd.Name = ? "
            "AND rdd.KeyValue LIKE 'F01%' GROUP BY rdd.KeyValue, t.Month", (VAR_AIR,)).fetchall()
    assert {r[1].upper() for r in rows} == {f.upper() for f in floors} and all(r[3] == 8760 for r in rows)
    # positive conduction at the inside face is heat into the zone: the loss is its negative
    loss_kwh = -sum(r[2] for r in rows) / 3.6e6
    monthly_air = np.array([np.mean([v for _k, m, v in air if m == month]) for month in range(1, 13)])
    meters = read_hourly_kwh(sql, (idfw.METER_HEATING,))
    return {"slab_loss_kwh": loss_kwh, "internal_c": monthly_air, "design": read_design_loads_w(sql),
            "heating": meters[idfw.METER_HEATING], "unmet_h": read_hourly_sum(sql, idfw.VAR_HEATING_UNMET)}


def test_library_matches_the_hand_calculation(old_estate, tianjin):
    b = old_estate
    g, c = b.geometry, b.constructions
    floor_r = sum(ly.thickness_m / ly.conductivity_w_mk for ly in c.ground_floor.layers if ly.material != "soil")
    internal = [18.0] * 3 + [22.0] * 8 + [18.0]
    external = monthly_mean_c(tianjin)
    hand, u_hand = iso13370_annual_kwh(g.length_m * g.depth_m, 2 * (g.length_m + g.depth_m),
                                       sum(ly.thickness_m for ly in c.wall.layers), floor_r, 1.5, internal, external)
    slab = idfw.slab_of(b)
    assert slab.u_w_m2k == pytest.approx(u_hand, rel=1e-12)
    # the library sums the monthly method (periodic parts included); they cancel over the year up to
    # the unequal month lengths the shifted months are weighted with (0.006 % here): 1e-3 bounds that
    assert G.annual_heat_loss_kwh(slab, internal, external) == pytest.approx(hand, rel=1e-3)
    # the F-factor floors' conductances add up to H_g = A U
    idf = idfw.build_idf(b, external)
    ff = idf.idfobjects["CONSTRUCTION:FFACTORGROUNDFLOOR"]
    assert sum(o.FFactor * o.PerimeterExposed for o in ff) == pytest.approx(slab.h_g_w_k, rel=1e-9)
    assert sum(o.Area for o in ff) == pytest.approx(g.length_m * g.depth_m)
    # the ground temperatures keep the outdoor annual mean (so the annual loss is ISO 13370's), up to
    # the month lengths the one-month-shifted part is weighted with (4e-5 here): 1e-3 bounds that
    gt = idf.idfobjects["SITE:GROUNDTEMPERATURE:FCFACTORMETHOD"][0]
    temps = [gt[f"{m}_Ground_Temperature"] for m in idfw._MONTHS]
    assert np.sum(np.array(temps) * MONTH_HOURS) == pytest.approx(np.sum(np.array(external) * MONTH_HOURS), rel=1e-3)
    assert temps != pytest.approx(list(external))  # damped and lagged, not the air temperatures


def test_energyplus_slab_loss_matches_iso_13370(old_estate, tianjin, slab_run):
    """The old estate's annual slab loss in EnergyPlus within 20 % of the ISO 13370 hand calculation.

    Internal temperatures: EnergyPlus's monthly mean air temperatures of the
    ground-storey zones; external: the weather's monthly means. 20 % (the
    issue's tolerance) covers what the hand calculation leaves out: sun on the
    floor behind south windows and the inside film EnergyPlus computes
    instead of ISO 6946's fixed 0.17 m2 K/W.
    """
    b = old_estate
    g, c = b.geometry, b.constructions
    floor_r = sum(ly.thickness_m / ly.conductivity_w_mk for ly in c.ground_floor.layers if ly.material != "soil")
    hand, _u = iso13370_annual_kwh(g.length_m * g.depth_m, 2 * (g.length_m + g.depth_m),
                                   sum(ly.thickness_m for ly in c.wall.layers), floor_r, 1.5,
                                   slab_run["internal_c"], monthly_mean_c(tianjin))
    assert hand > 0
    assert slab_run["slab_loss_kwh"] == pytest.approx(hand, rel=0.20)


def test_floor_insulation_acts_through_the_f_factor(old_estate, tianjin):
    insulated = M.apply(old_estate, M.package(["floor_xps_50mm"]))
    slab0, slab1 = idfw.slab_of(old_estate), idfw.slab_of(insulated)
    assert slab1.u_w_m2k < slab0.u_w_m2k
    ff0 = idfw.build_idf(old_estate, monthly_mean_c(tianjin)).idfobjects["CONSTRUCTION:FFACTORGROUNDFLOOR"]
    ff1 = idfw.build_idf(insulated, monthly_mean_c(tianjin)).idfobjects["CONSTRUCTION:FFACTORGROUNDFLOOR"]
    assert all(a.FFactor < b.FFactor for a, b in zip(ff1, ff0, strict=True))


def test_walkup_heating_peak_bounded_by_the_sized_capacity(old_estate, slab_run):
    """The annual heating peak cannot exceed the design heating load times the capacity factor.

    X = design_heating_w (EnergyPlus zone sizing, before any factor) x the
    residential heating capacity factor of sizing.toml: the ideal loads are
    limited to it zone by zone, so the building's hourly peak is at most
    their sum. 1e-6 relative covers EnergyPlus's float output.
    """
    x_w = slab_run["design"]["heating"] * heating_capacity_factor(old_estate.building_type)
    peak_w = float(slab_run["heating"].max() * 1000.0)
    assert 0 < peak_w <= x_w * (1 + 1e-6)
    assert slab_run["unmet_h"] is not None and slab_run["unmet_h"] >= 0


def test_heating_capacity_limited_except_where_the_specification_says_unlimited(old_estate, tianjin):
    """Archetypes: ideal-loads heating autosized on the design day; ASHRAE 140 (a 1000 kW heater): no limit."""
    from simulator.validation.ashrae140 import build_case

    dd = design_days(tianjin)
    for b, limit in ((old_estate, "LimitCapacity"), (build_case("600"), "NoLimit")):
        systems = idfw.build_idf(b, monthly_mean_c(tianjin), design_days=dd).idfobjects["ZONEHVAC:IDEALLOADSAIRSYSTEM"]
        assert systems and {s.Heating_Limit for s in systems} == {limit}
    # without zone sizing there is nothing to size on: no limit
    plain = idfw.build_idf(old_estate, monthly_mean_c(tianjin)).idfobjects["ZONEHVAC:IDEALLOADSAIRSYSTEM"]
    assert {s.Heating_Limit for s in plain} == {"NoLimit"}
