"""The surrogate: feature space, domain checks, model cache, and agreement with fresh EnergyPlus runs.

Tests that need a trained model on real data train the walk-up family once per
session from the committed dataset (about 15 s on 2 cores); the cache-logic
tests use a tiny synthetic dataset (targets from the physical estimate, no
EnergyPlus) so they run in seconds.
"""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import archetypes
from buildings import materials
from buildings import measures as M
from buildings.model import Layer
from simulator.batch import Case, run_batch
from simulator.exceptions import UnknownNameError, ValidationError
from simulator.surrogate import dataset as ds
from simulator.surrogate import model as mo
from simulator.surrogate import persistence as ps_
from simulator.surrogate import space as sp
from simulator.surrogate import training as tr_
from simulator.surrogate.engine import SurrogateDomainWarning, SurrogateEngine, predict_features
from simulator.surrogate.sampling import design, random_package

FAMILIES = sp.family_names()


# --------------------------------------------------------------------------- feature space


def _full_design(family, start, n, block=0):
    """Design points with their derived features, read from the buildings they make."""
    fam = sp.get_family(family)
    X = design(fam, start, n, block=block)
    rows = [sp.features_of(sp.building_from_features(fam, r.to_dict(), base=fam.bases[block]), fam)
            for _, r in X.iterrows()]
    return pd.DataFrame(rows, index=X.index)


@pytest.mark.parametrize("family", FAMILIES)
def test_features_round_trip(family):
    """features(building_from_features(x)) == x for points all over the family's box, every design block."""
    fam = sp.get_family(family)
    for block, base in enumerate(fam.bases):
        X = design(fam, 0, 48, seed=3, block=block)
        for _, row in X.iterrows():
            b = sp.building_from_features(fam, row.to_dict(), base=base)
            back = sp.features_of(b, fam)
            np.testing.assert_allclose([back[k] for k in X.columns], row.to_numpy(), rtol=1e-9, atol=1e-9)
            assert sp.domain_violations(b) == []
            # the full vector (derived features included) selects the same base and rebuilds the same building
            again = sp.building_from_features(fam, back)
            assert sp.feature_vector(again, fam) == pytest.approx(sp.feature_vector(b, fam), rel=1e-9)


def test_the_walkup_wall_heat_capacity_tells_the_two_bases_apart():
    old, lined = (sp.features_of(archetypes.load(n)) for n in ("old_estate_pre1990", "estate_1990s"))
    assert old["wall_inner_heat_capacity_kj_m2k"] == pytest.approx(184.8)
    assert lined["wall_inner_heat_capacity_kj_m2k"] == pytest.approx(33.6)  # inner EPS lining
    office = archetypes.load("public_office")
    layers = office.constructions.wall.layers
    eps = Layer("eps_board", 0.02, **materials.get("eps_board").properties())
    lining = dataclasses.replace(office.constructions.wall, layers=(*layers[:-1], eps, layers[-1]))
    inside = office.replace(constructions=dataclasses.replace(office.constructions, wall=lining))
    assert any("inner heat capacity" in v for v in sp.domain_violations(inside))


@pytest.mark.parametrize("name", archetypes.names())
def test_archetypes_and_preset_packages_are_in_their_family_domain(name):
    b = archetypes.load(name)
    fam = sp.family_of(b)
    assert name in fam.archetypes
    assert sp.domain_violations(b) == []
    for package in ("envelope", "old_estate_standard", "public_light_envelope", "heat_metering"):
        retrofit = M.apply(b, M.package(package))
        assert sp.domain_violations(retrofit) == [], package
    # a retrofitted archetype maps to lower U-values
    after = sp.features_of(M.apply(b, M.package("envelope")))
    assert after["wall_u_w_m2k"] < sp.features_of(b)["wall_u_w_m2k"]


def test_trv_measure_maps_to_the_night_setback_feature():
    b = M.apply(archetypes.load("old_estate_pre1990"), M.package("heat_metering"))
    assert sp.features_of(b)["heating_night_setback_k"] == pytest.approx(2.0)  # 18 C -> 16 C at night


def test_domain_violations_name_the_problem():
    b = archetypes.load("old_estate_pre1990")
    cooler = b.replace(operation=dataclasses.replace(b.operation, cooling_setpoint_c=24.0))
    assert any("cooling_setpoint_c" in v for v in sp.domain_violations(cooler))
    leaky = b.replace(operation=dataclasses.replace(b.operation, infiltration_ach=2.5))
    [v] = sp.domain_violations(leaky)
    assert "infiltration_ach" in v and "0.1..1.2" in v
    hospital = b.replace(building_type="hospital")
    with pytest.raises(UnknownNameError, match="hospital"):
        sp.family_of(hospital)


def test_building_from_features_rejects_out_of_range_values():
    fam = sp.get_family("office")
    x = sp.features_of(archetypes.load("public_office"))
    with pytest.raises(ValidationError, match="wall_u_w_m2k"):
        sp.building_from_features(fam, {**x, "wall_u_w_m2k": 5.0})


def test_random_packages_are_valid_and_deterministic():
    a = [random_package(np.random.default_rng(5)) for _ in range(3)]
    b = [random_package(np.random.default_rng(5)) for _ in range(3)]
    assert a == b and all(len(p) >= 1 for p in a)


# --------------------------------------------------------------------------- model cache on a tiny synthetic dataset


def _write_synthetic_dataset(directory, family="residential_walkup", n=24, scale=1.0):
    """A dataset whose targets come from the physical estimate (no EnergyPlus)."""
    import weather

    fam = sp.get_family(family)
    X = _full_design(fam, 0, n)
    est = mo.PhysicsFeatures(fam.name).fit(X).estimate(X)
    df = X.copy()
    for kind in ("heating", "cooling"):
        for m in range(1, 13):
            df[f"{kind}_kwh_m2_m{m:02d}"] = scale * 1.1 * est[f"phys_{kind}_kwh_m2_m{m:02d}"]
        df[f"{kind}_kwh_m2"] = df[[f"{kind}_kwh_m2_m{m:02d}" for m in range(1, 13)]].sum(axis=1)
    df["peak_heating_w_m2"] = 1.3 * est["phys_peak_heating_w_m2"]
    df["peak_cooling_w_m2"] = 1.6 * est["phys_peak_cooling_w_m2"]
    df["window_solar_kwh_m2"] = 0.5 * est["phys_window_solar_kwh_m2"]
    df["lighting_kwh_m2"] = 0.0
    df["equipment_kwh_m2"] = 0.0
    df["energyplus_s"] = 0.0
    directory.mkdir(parents=True, exist_ok=True)
    df.to_csv(ds.dataset_path(fam, directory), float_format=ds.FLOAT_FORMAT)
    prov = {"family": fam.name, "space_hash": fam.space_hash(), "sampler": {"seed": 20250},
            "weather": {"name": "tianjin", "id": weather.load("tianjin").id}, "synthetic": True}
    ds.provenance_path(fam, directory).write_text(json.dumps(prov))
    return df


def test_training_on_a_tiny_dataset(tmp_path):
    # training time is measured in benchmarks/bench_surrogate.py, not asserted here (a wall-clock limit
    # fails on a loaded machine: 23 s against 20 s at load average 15 on 2 cores)
    _write_synthetic_dataset(tmp_path, n=24)
    model, meta = tr_.train("residential_walkup", tmp_path)
    assert meta["n_train"] == 24
    assert {f["name"] for f in meta["features"]} == set(sp.get_family("residential_walkup").feature_names)
    assert "heating_kwh_m2_cvrmse_pct" in meta["cv"]
    assert meta["versions"]["sklearn"]


def test_changed_dataset_invalidates_the_cached_model(tmp_path):
    _write_synthetic_dataset(tmp_path, n=20)
    _, meta1 = tr_.load_model("residential_walkup", tmp_path)
    cache_file = ps_._cache_file(sp.get_family("residential_walkup"), tmp_path)
    assert cache_file.is_file()
    tr_._memo.cache_clear()  # a new process: read back from disk, no retraining
    _, meta2 = tr_.load_model("residential_walkup", tmp_path)
    assert meta2["created"] == meta1["created"] and meta2["data_sha256"] == meta1["data_sha256"]
    _write_synthetic_dataset(tmp_path, n=20, scale=1.5)  # the data change
    tr_._memo.cache_clear()
    model3, meta3 = tr_.load_model("residential_walkup", tmp_path)
    assert meta3["data_sha256"] != meta1["data_sha256"]
    assert meta3["data_sha256"] == ds.data_hash("residential_walkup", tmp_path)
    # and the retrained model learned the new data (targets scaled by 1.5)
    df = ds.load_dataset("residential_walkup", tmp_path)
    pred = model3.predict(df[sp.get_family("residential_walkup").feature_names])
    assert np.median(pred["heating_kwh_m2"] / df["heating_kwh_m2"]) == pytest.approx(1.0, rel=0.05)


def test_predictions_are_consistent(tmp_path):
    df = _write_synthetic_dataset(tmp_path, n=24)
    model, _ = tr_.load_model("residential_walkup", tmp_path)
    X = design("residential_walkup", 100, 500)  # derived features left out: the base archetype's value
    pred = predict_features("residential_walkup", X, directory=tmp_path)
    assert len(pred) == 500 and (pred >= 0).all().all()
    monthly = pred[list(ds.HEATING_MONTHLY)].sum(axis=1)
    np.testing.assert_allclose(monthly, pred["heating_kwh_m2"], rtol=1e-9)
    # months without load in the training data are exactly zero
    assert (pred["heating_kwh_m2_m07"] == 0).all()
    assert df["heating_kwh_m2_m07"].max() == 0


def test_engine_warns_outside_its_domain(tmp_path, builtin_epw):
    _write_synthetic_dataset(tmp_path, n=20)
    engine = SurrogateEngine(tmp_path)
    b = archetypes.load("old_estate_pre1990")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SurrogateDomainWarning)
        engine.simulate(b, builtin_epw)  # inside: no warning
    assert engine.last_violations == []
    leaky = b.replace(operation=dataclasses.replace(b.operation, infiltration_ach=3.0))
    assert engine.check_domain(leaky)
    with pytest.warns(SurrogateDomainWarning, match="infiltration_ach"):
        loads = engine.simulate(leaky, builtin_epw)
    assert engine.last_violations and loads.meta["domain_violations"] == engine.last_violations


def test_other_weather_is_outside_the_domain(tmp_path):
    import weather

    _write_synthetic_dataset(tmp_path, n=20)
    engine = SurrogateEngine(tmp_path)
    future = weather.load("tianjin", scenario="ssp245", year=2050)
    problems = engine.check_domain(archetypes.load("old_estate_pre1990"), future)
    assert any("training weather" in p for p in problems)


def test_dataset_from_another_space_is_refused(tmp_path):
    _write_synthetic_dataset(tmp_path, n=10)
    p = ds.provenance_path("residential_walkup", tmp_path)
    p.write_text(json.dumps({**json.loads(p.read_text()), "space_hash": "0000"}))
    with pytest.raises(ValidationError, match="another feature space"):
        tr_.train("residential_walkup", tmp_path)


def test_cli_space_lists_every_family(capsys):
    import argparse

    from simulator.surrogate import cli

    parser = argparse.ArgumentParser(prog="retrofit")
    cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["surrogate", "space", "--json"])
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == set(FAMILIES)


# --------------------------------------------------------------------------- against EnergyPlus (real runs)


@pytest.mark.slow
def test_sample_extends_a_dataset_and_resumes(tmp_path, session_cache):
    """Sampling asks for points 0..n-1; a second call runs only the new ones."""
    ds.sample("office", 2, directory=tmp_path, cache=session_cache, workers=2)
    prov1 = ds.read_provenance("office", tmp_path)
    df = ds.sample("office", 3, directory=tmp_path, cache=session_cache, workers=2)
    assert list(df.index) == [0, 1, 2]
    prov2 = ds.read_provenance("office", tmp_path)
    assert prov2["created"] == prov1["created"] and prov2["n"] == 3
    assert prov2["energyplus_version"].startswith("EnergyPlus")
    assert prov2["data_sha256"] == ds.data_hash("office", tmp_path)
    # the stored features are those of the simulated building, the design's up to rounding
    X = design("office", 0, 3)
    np.testing.assert_allclose(df[X.columns].to_numpy(), X.to_numpy(), rtol=1e-5)


@pytest.fixture(scope="module")
def walkup_check(builtin_epw, session_cache):
    """Three fresh random packages on the old estate and its baseline, in EnergyPlus and the surrogate."""
    base = archetypes.load("old_estate_pre1990")
    rng = np.random.default_rng(20251125)  # not a seed the training design uses (Sobol)
    buildings = [base] + [M.apply(base, random_package(rng)).replace(name=f"test-surrogate-{i}") for i in range(3)]
    results = run_batch([Case(b, str(builtin_epw)) for b in buildings], cache=session_cache, workers=2)
    assert all(r.ok for r in results), [r.error for r in results]
    engine = SurrogateEngine()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SurrogateDomainWarning)
        surrogate = [engine.simulate(b, builtin_epw) for b in buildings]
    return buildings, [r.loads for r in results], surrogate


def test_surrogate_agrees_with_fresh_energyplus_runs(walkup_check):
    """Annual heating within 5 %, cooling within 10 %, monthly heating within 10 % of the year.

    Tolerances: the issue's targets are CV(RMSE) 5 % (heating) and 10 % (cooling)
    over many packages; the check command measures about 1 % on this family, so
    a single point outside these limits signals a real regression, not noise.
    """
    _, eplus, surrogate = walkup_check
    for e, s in zip(eplus, surrogate, strict=True):
        assert s.heating_kwh == pytest.approx(e.heating_kwh, rel=0.05)
        assert s.cooling_kwh == pytest.approx(e.cooling_kwh, rel=0.10)
        np.testing.assert_allclose(s.monthly_heating_kwh, e.monthly_heating_kwh, atol=0.10 * e.heating_kwh / 5)


@pytest.mark.xfail(strict=True, reason=(
    "known, measured 2026-12-01 on the multi-weather dataset (walk-up 1,088 runs): the surrogate caps its peak at "
    "the capacity sized on its own design load, as EnergyPlus does, but on the deep retrofit with MVHR (package 3 "
    "of this fixture) it gives 20.4 W/m2 (90 % interval 18.5-22.5) against EnergyPlus's 24.7 (design load 25.4, "
    "predicted 25.5): 17 % low, limit 15 %; the cap only lowers a prediction. Learning the peak as its share of "
    "the capacity gave 22.3 here on the built-in year alone but was twice as bad over the multi-weather data "
    "(benchmarks/bench_surrogate_peak.py). strict: a pass is noticed"))
def test_surrogate_peak_heating_agrees_with_energyplus(walkup_check):
    """Annual heating peak within 15 % (a peak is one hour; the check measures 3 % CV(RMSE) on this family)."""
    _, eplus, surrogate = walkup_check
    for e, s in zip(eplus, surrogate, strict=True):
        assert s.peak_heating_w == pytest.approx(e.peak_heating_w, rel=0.15)


def test_surrogate_peak_heating_never_exceeds_the_sized_capacity(walkup_check):
    """The rule EnergyPlus applies: no hour above the heating capacity sized on the design load (sizing.toml)."""
    from simulator.surrogate.model import capacity_factor

    _, _, surrogate = walkup_check
    for s in surrogate:
        assert s.peak_heating_w <= capacity_factor("residential_walkup") * s.design_heating_w * (1 + 1e-9)


def test_surrogate_design_loads_agree_with_energyplus(walkup_check):
    """Design heating within 3 %, design cooling within 10 % of EnergyPlus's zone sizing, each with an interval.

    Tolerances: the check against 30 fresh EnergyPlus runs per archetype measured design heating
    R2 0.9999 on this archetype (README, about 0.3 % CV(RMSE) in K-fold), so 3 % is ten times
    that, and a regression, not noise, would break it; design cooling has no issue target and its
    K-fold CV(RMSE) is 1.4 %, so the issue's cooling target (10 %) bounds a single package.
    """
    _, eplus, surrogate = walkup_check
    for e, s in zip(eplus, surrogate, strict=True):
        assert s.design_heating_w == pytest.approx(e.design_heating_w, rel=0.03)
        assert s.design_cooling_w == pytest.approx(e.design_cooling_w, rel=0.10)
        for col, total in (("design_heating_w_m2", s.design_heating_w), ("design_cooling_w_m2", s.design_cooling_w)):
            lo, hi = s.meta["intervals_90"][col]
            assert lo <= total / s.floor_area_m2 <= hi and lo < hi


def test_surrogate_savings_agree_with_energyplus(walkup_check):
    """Heating savings of each package within 3 percentage points of the baseline (issue target)."""
    _, eplus, surrogate = walkup_check
    for e, s in zip(eplus[1:], surrogate[1:], strict=True):
        err_pp = 100 * abs((surrogate[0].heating_kwh - s.heating_kwh) - (eplus[0].heating_kwh - e.heating_kwh)) \
            / eplus[0].heating_kwh
        assert err_pp < 3.0


def test_surrogate_loads_have_the_energyplus_form(walkup_check):
    """Same Loads fields; lighting and plugs exact; hourly series add up to the monthly predictions."""
    buildings, eplus, surrogate = walkup_check
    for b, e, s in zip(buildings, eplus, surrogate, strict=True):
        assert s.floor_area_m2 == e.floor_area_m2 and s.building_name == b.name
        np.testing.assert_allclose(s.hourly_lighting_kwh, e.hourly_lighting_kwh, atol=1e-9)
        np.testing.assert_allclose(s.hourly_equipment_kwh, e.hourly_equipment_kwh, atol=1e-9)
        assert s.weather_id == e.weather_id and s.engine.startswith("surrogate")
        assert (s.hourly_heating_kwh >= 0).all() and (s.hourly_cooling_kwh >= 0).all()
        # heat only in the heating season, cold only in the cooling season
        assert s.monthly_heating_kwh[5:9].sum() == 0 and s.monthly_cooling_kwh[[0, 1, 2, 10, 11]].sum() == 0
        # the hourly shape follows EnergyPlus (degree-hour shape; information, loose bound)
        assert np.corrcoef(s.hourly_heating_kwh, e.hourly_heating_kwh)[0, 1] > 0.8
        assert s.window_solar_kwh == pytest.approx(e.window_solar_kwh, rel=0.05)


def test_model_metadata_travels_with_the_model():
    _, meta = tr_.load_model("residential_walkup")
    # the model names every dataset file it was trained on (all training weathers) and its calibration set
    assert meta["data_sha256"] == tr_.training_data_hash("residential_walkup")
    assert meta["data_sha256"] != ds.data_hash_all("residential_walkup")  # the committed set is part of it
    assert meta["calibration_set"]["n"] > 0
    assert meta["n_train"] >= 200
    assert meta["cv"]["heating_kwh_m2_cvrmse_pct"] < 5.0
    assert all("unit" in f and f["low"] < f["high"] for f in meta["features"])
    df = pd.read_csv(ds.dataset_path("residential_walkup"))
    assert set(sp.get_family("residential_walkup").feature_names) <= set(df.columns)


def test_capping_hours_at_the_peak_keeps_every_month_total():
    """Hours above the peak give their excess to the month's other hours, even when every loaded hour is full."""
    from simulator.surrogate.hourly import cap_hourly

    h = np.zeros(8760)
    h[:3] = 10.0  # January: 30 kWh in three hours, a cap of 4 kWh leaves no loaded hour with room
    h[744:744 + 48] = 1.0  # February: 48 kWh, two loaded hours above a cap that others can take
    h[745] = h[746] = 6.0
    out = cap_hourly(h, 4.0)
    assert out.max() <= 4.0 + 1e-12
    assert out[:744].sum() == pytest.approx(30.0, rel=1e-12)  # by hand: the January total
    assert out[744:1416].sum() == pytest.approx(h[744:1416].sum(), rel=1e-12)
    assert (out[3:744] > 0).all()  # the excess went to January's other hours
