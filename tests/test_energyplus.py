"""Real EnergyPlus runs: every archetype, physics directions, seasons, cache, batch, Dask, errors."""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import shutil

import numpy as np
import pytest

import archetypes
from buildings import materials
from buildings.model import Layer
from simulator import batch as batch_mod
from simulator.batch import Case, run_batch
from simulator.cache import RunCache
from simulator.energyplus import EnergyPlusEngine
from simulator.exceptions import EnergyPlusError, WeatherError
from simulator.loads import HOURS_PER_YEAR
from simulator.runner import run_energyplus


@pytest.fixture(scope="session")
def archetype_results(tianjin_epw, session_cache):
    """Every archetype on the built-in Tianjin year, run once per session on 2 workers."""
    names = archetypes.names()
    results = run_batch([Case(archetypes.load(n), str(tianjin_epw)) for n in names], cache=session_cache,
                        workers=2)
    return dict(zip(names, results, strict=True))


def _run(building, epw, cache):
    [r] = run_batch([Case(building, str(epw))], cache=cache, workers=1)
    assert r.ok, r.error
    return r.loads


@pytest.mark.parametrize("name", archetypes.names())
def test_every_archetype_runs(archetype_results, name):
    r = archetype_results[name]
    assert r.ok, r.error
    loads = r.loads
    assert loads.floor_area_m2 == archetypes.load(name).floor_area_m2
    assert loads.hourly_heating_kwh.shape == (HOURS_PER_YEAR,)
    assert loads.heating_kwh > 0 and loads.cooling_kwh > 0
    assert sum(loads.monthly_heating_kwh) == pytest.approx(loads.heating_kwh, rel=1e-9)
    assert loads.peak_heating_w == pytest.approx(loads.hourly_heating_kwh.max() * 1000)
    assert loads.lighting_kwh > 0 and loads.equipment_kwh > 0


def test_five_step_heating_below_35_percent_of_pre1990(archetype_results):
    old = archetype_results["old_estate_pre1990"].loads.heating_kwh_m2
    new = archetype_results["five_step_residential"].loads.heating_kwh_m2
    assert new < 0.35 * old


def test_steps_lower_heating(archetype_results):
    h = {n: archetype_results[n].loads.heating_kwh_m2 for n in archetype_results}
    assert h["old_estate_pre1990"] > h["estate_1990s"] > h["five_step_residential"]


def test_district_heated_homes_heat_only_in_season(archetype_results):
    heating = archetype_results["old_estate_pre1990"].loads.hourly_heating_kwh
    doy = np.arange(HOURS_PER_YEAR) // 24 + 1  # 1..365
    in_season = (doy <= 31 + 28 + 15) | (doy >= 304 + 15)  # Jan 1 - Mar 15, Nov 15 - Dec 31
    assert heating[~in_season].max() == 0.0
    assert heating[in_season].sum() > 0
    assert heating[doy == 319].sum() > 0  # Nov 15 itself is heated


def test_school_vacation_has_no_cooling_in_summer_break(archetype_results):
    cooling = archetype_results["public_school"].loads.hourly_cooling_kwh
    doy = np.arange(HOURS_PER_YEAR) // 24 + 1
    summer_break = (doy >= 181 + 13) & (doy <= 243)  # Jul 13 - Aug 31
    assert cooling[summer_break].max() == 0.0
    assert cooling[(doy >= 152) & (doy < 194)].sum() > 0  # June and early July are cooled


def _with_wall_insulation(b, thickness_m):
    eps = Layer("eps_board", thickness_m, **materials.get("eps_board").properties())
    wall = b.constructions.wall
    wall = dataclasses.replace(wall, layers=(eps, *wall.layers))
    return b.replace(constructions=dataclasses.replace(b.constructions, wall=wall))


def test_more_insulation_lowers_heating(tianjin_epw, session_cache, archetype_results):
    from buildings.model import FACADES
    from weather.epw import read_epw

    base = archetypes.load("old_estate_pre1990")
    h0 = archetype_results["old_estate_pre1990"].loads.heating_kwh
    insulated = _with_wall_insulation(base, 0.08)
    h80 = _run(insulated, tianjin_epw, session_cache).heating_kwh
    saving = 1 - h80 / h0
    # Bounds by hand (steady state). 80 mm EPS (0.039 W/(m K)) cuts the wall U from 1.53 to
    # 0.37 W/(m2 K): the wall conductance falls by dUA = A_wall (U0 - U1).
    g, c = base.geometry, base.constructions
    window_m2 = sum(g.window_area_m2(f) for f in FACADES)
    wall_m2 = sum(g.facade_area_m2(f) for f in FACADES) - window_m2
    d_ua = wall_m2 * (c.wall.u_value_w_m2k - insulated.constructions.wall.u_value_w_m2k)
    volume_m3 = g.footprint_m2 * g.storeys * g.storey_height_m
    ua = (wall_m2 * c.wall.u_value_w_m2k + window_m2 * c.window.u_value_w_m2k
          + g.footprint_m2 * (c.roof.u_value_w_m2k + c.ground_floor.u_value_w_m2k)
          + base.operation.infiltration_ach * volume_m3 / 3600 * 1.2 * 1005)  # air rho cp [J/(m3 K)]
    # Lower: the wall's share of all conductance (floor counted at its full U, so UA is an
    # upper estimate); free gains cover a fixed part of the loss, which makes the relative
    # saving larger, not smaller.
    # Upper: every heating-season degree-hour below 18 C saved at the wall's dUA, i.e. no
    # sun on the wall and no loss of gain utilisation.
    w = read_epw(tianjin_epw).data
    doy = np.arange(HOURS_PER_YEAR) // 24 + 1
    season = (doy <= 31 + 28 + 15) | (doy >= 304 + 15)  # 15 Nov - 15 Mar (FS 4)
    degree_hours = np.maximum(18.0 - w["dry_bulb_c"].to_numpy(), 0.0)[season].sum()
    lower, upper = d_ua / ua, d_ua * degree_hours / 1000.0 / h0
    assert lower < saving < upper, (lower, saving, upper)


def test_more_south_glazing_raises_winter_solar_gains(tianjin_epw, session_cache, archetype_results):
    base = archetypes.load("old_estate_pre1990")
    g = base.geometry
    bigger = base.replace(geometry=dataclasses.replace(
        g, window_to_wall=dataclasses.replace(g.window_to_wall, south=0.6)))
    winter = [0, 1, 11]  # Jan, Feb, Dec
    s0 = archetype_results["old_estate_pre1990"].loads.monthly_window_solar_kwh[winter].sum()
    s1 = _run(bigger, tianjin_epw, session_cache).monthly_window_solar_kwh[winter].sum()
    # south glass grows from 0.35 to 0.60 of the facade: gains grow, by less than 0.60/0.35
    assert 1.2 < s1 / s0 < 0.60 / 0.35


def test_single_zone_per_storey_is_close_to_north_south_zoning(tianjin_epw, session_cache, archetype_results):
    b = archetypes.load("old_estate_pre1990")
    single = b.replace(geometry=dataclasses.replace(b.geometry, zoning="storey"))
    h_ns = archetype_results["old_estate_pre1990"].loads.heating_kwh
    h_single = _run(single, tianjin_epw, session_cache).heating_kwh
    # a single zone shares south sun with the north rooms: less heating, by a few percent
    assert h_single == pytest.approx(h_ns, rel=0.10)


def test_cache_hit_is_identical_and_starts_no_energyplus(tianjin_epw, session_cache, archetype_results, monkeypatch):
    def no_runs(*args, **kwargs):
        raise AssertionError("EnergyPlus was started for a cached case")

    monkeypatch.setattr(batch_mod, "ProcessPoolExecutor", no_runs)
    [again] = run_batch([Case(archetypes.load("old_estate_pre1990"), str(tianjin_epw))], cache=session_cache)
    assert again.cached
    assert again.loads.equals(archetype_results["old_estate_pre1990"].loads)


def test_cache_key_is_what_energyplus_receives(tianjin_epw):
    """The key hashes the IDF text, the EPW bytes and the engine: names never reach it, physics always does."""
    engine = EnergyPlusEngine()
    b = archetypes.load("old_estate_pre1990")
    p, epw = engine.prepare(b, tianjin_epw)
    renamed, _ = engine.prepare(b.replace(name="renamed", description="x"), tianjin_epw)
    assert renamed.idf_text == p.idf_text and renamed.key == p.key
    insulated, _ = engine.prepare(_with_wall_insulation(b, 0.05), tianjin_epw)
    assert insulated.key != p.key
    assert dataclasses.replace(p, epw_sha256="0" * 64).key != p.key
    assert dataclasses.replace(p, engine_version=p.engine_version + "x").key != p.key
    assert hashlib.sha256(epw.data).hexdigest() == p.epw_sha256


def test_failed_case_is_recorded_and_others_finish(tianjin_epw, tmp_path):
    broken = tmp_path / "truncated.epw"
    broken.write_text("\n".join(tianjin_epw.read_text().splitlines()[:500]) + "\n")
    cache = RunCache(tmp_path / "runs.sqlite")
    b = archetypes.load("public_school")
    results = run_batch([Case(b, str(broken)), Case(b, str(tianjin_epw))], cache=cache, workers=2)
    assert not results[0].ok and "truncated.epw" in results[0].error
    assert results[0].key == ""  # refused before an IDF was written: nothing to cache
    assert results[1].ok
    assert cache.stats() == {"ok": 1}


def test_broken_epw_fails_before_energyplus_starts(tianjin_epw, tmp_path):
    broken = tmp_path / "bad.epw"
    lines = tianjin_epw.read_text().splitlines()
    lines[100] = lines[100].replace(",", ";", 3)
    broken.write_text("\n".join(lines) + "\n")
    engine = EnergyPlusEngine(runs_dir=tmp_path / "runs")
    with pytest.raises(WeatherError, match="bad.epw"):
        engine.simulate(archetypes.load("old_estate_pre1990"), broken)
    assert not (tmp_path / "runs").exists()  # no run folder: EnergyPlus never started
    with pytest.raises(WeatherError, match="not found"):
        engine.simulate(archetypes.load("old_estate_pre1990"), tmp_path / "missing.epw")


def test_energyplus_severe_error_carries_err_lines(tianjin_epw, tmp_path):
    from tests.data.make_eplusout_severe import broken_idf

    with pytest.raises(EnergyPlusError) as err:
        run_energyplus(broken_idf(str(tianjin_epw)), tianjin_epw, tmp_path / "run")
    assert any("invalid Construction Name" in ln for ln in err.value.err_lines)
    assert "NO SUCH CONSTRUCTION" in str(err.value)


def _writer(path: str, start: int, n: int, blob_source: str) -> None:
    from simulator.cache import RunCache as Cache
    from simulator.loads import Loads

    cache = Cache(path)
    loads = Loads.from_bytes(bytes.fromhex(blob_source))
    for i in range(start, start + n):
        cache.put(f"key-{i}", loads)


def test_two_processes_writing_at_once_lose_nothing(tmp_path, archetype_results):
    path = str(tmp_path / "shared.sqlite")
    RunCache(path)
    blob = archetype_results["public_office"].loads.to_bytes().hex()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, k * 150, 150, blob)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    cache = RunCache(path)
    assert len(cache) == 300
    assert cache.get_loads("key-0").equals(archetype_results["public_office"].loads)


@pytest.mark.slow
def test_dask_batch_equals_process_pool_batch(tianjin_epw, tmp_path):
    from distributed import Client, LocalCluster

    b = archetypes.load("estate_1990s")
    cases = [Case(b, str(tianjin_epw)), Case(_with_wall_insulation(b, 0.06), str(tianjin_epw))]
    pool = run_batch(cases, cache=tmp_path / "pool.sqlite", workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask = run_batch(cases, cache=tmp_path / "dask.sqlite", scheduler=client)
        dask_by_address = run_batch(cases, cache=tmp_path / "dask.sqlite", scheduler=cluster.scheduler_address)
    assert all(r.ok for r in pool + dask)
    for p, d in zip(pool, dask, strict=True):
        assert not d.cached
        assert p.loads.equals(d.loads)
    assert all(r.cached for r in dask_by_address)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_builtin_year_gives_cswd_loads(tianjin_epw, cswd_epw, session_cache, archetype_results):
    """Issue 3: the built-in year stands in for the CSWD year in EnergyPlus."""
    builtin = archetype_results["old_estate_pre1990"].loads
    cswd = _run(archetypes.load("old_estate_pre1990"), cswd_epw, session_cache)
    assert builtin.heating_kwh == pytest.approx(cswd.heating_kwh, rel=0.05)
    # Cooling: 15.7 % apart since issue 11. The two years' monthly means agree within 0.04 K, so the
    # ISO 13370 slab now sees the same ground in both; before, each file's header ground temperatures
    # (the CSWD header's lagged by about two months) offset part of the years' hourly solar and humidity
    # difference (13 % then). 0.20 is the gap the hourly weather alone gives, rounded up.
    assert builtin.cooling_kwh == pytest.approx(cswd.cooling_kwh, rel=0.20)


@pytest.mark.parametrize("name", ["old_estate_pre1990", "public_office"])
def test_energyplus_accepts_the_surfaces_without_warnings(tianjin_epw, tmp_path, name):
    """No GetSurfaceData warning (e.g. an interzone partition whose two faces do not mirror each other);
    the only warning left is EnergyPlus's note that the zone volumes we enter (the room air: floor area x
    clear height) differ from the outer volumes. (The note that Tianjin's ground is colder than 15-25 C
    went with Site:GroundTemperature:BuildingSurface: the slab is an F-factor floor since issue 11.)"""
    EnergyPlusEngine(runs_dir=tmp_path, keep_runs=True).simulate(archetypes.load(name), tianjin_epw)
    err = next(tmp_path.glob("*/eplusout.err")).read_text()
    assert "EnergyPlus Completed Successfully" in err, "eplusout.err not read?"
    warnings = [ln.strip() for ln in err.splitlines() if "** Warning **" in ln]
    expected = ("Entered Zone Volumes differ from calculated",)
    assert all(any(e in w for e in expected) for w in warnings), warnings
