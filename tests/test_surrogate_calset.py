"""The calibration set of the surrogate's intervals and the building-wise folds (simulator/surrogate/calset.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.exceptions import ValidationError
from simulator.surrogate import calset
from simulator.surrogate import dataset as ds
from simulator.surrogate.intervals import building_folds, conformal_quantile
from simulator.surrogate.model import headline_z
from simulator.surrogate.space import features_of, get_family


def test_building_folds_keep_each_building_on_one_side():
    # 30 buildings, each on 1-4 weathers (the crossed training design): no building may be on both sides
    rng = np.random.default_rng(3)
    ids = np.repeat(np.arange(30), rng.integers(1, 5, 30))
    folds = building_folds(ids, 5, random_state=0)
    assert len(folds) == 5
    tested = np.concatenate([te for _, te in folds])
    assert sorted(tested.tolist()) == list(range(len(ids)))  # every row tested once
    for tr, te in folds:
        assert not set(ids[tr]) & set(ids[te])
        assert len(np.union1d(tr, te)) == len(ids)


def test_bad_calibration_plan_names_the_file(tmp_path):
    bad = tmp_path / "plan.toml"
    bad.write_text('[[weather]]\nid = "tianjin"\nseed = 1\n', encoding="utf-8")  # no n
    with pytest.raises(ValidationError, match="weather\\[0\\]: needs id, seed and n") as err:
        calset.plan(bad)
    assert str(bad) in str(err.value)
    bad.write_text('[[weather]]\nid = "tianjin"\nseed = 1\nn = 0\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="n must be 1-1000"):
        calset.plan(bad)


def test_a_broken_calibration_file_is_left_out_with_its_name(tmp_path, caplog):
    plan = calset.plan()
    good = calset.file_path("public_school", plan[0].id, tmp_path)
    good.parent.mkdir(parents=True)
    good.write_text("archetype,row\npublic_school,0\n", encoding="utf-8")  # lacks the features
    with caplog.at_level("WARNING"):
        assert calset.load("school", tmp_path).empty
    assert good.name in caplog.text and "lacks" in caplog.text
    assert calset.files_hash("school", tmp_path) != ""  # the file still names the model's data


def test_calibration_set_runs_packages_in_energyplus_and_resumes(tmp_path, session_cache):
    """One package of the public office and the office family's anchor runs on a generator year (the year
    of tests/test_surrogate_anchor.py, whose anchor runs the session's run cache may already hold)."""
    from simulator.surrogate.anchor import anchor_buildings
    from simulator.surrogate.sampling import check_buildings
    from simulator.surrogate.weathers import canonical_id, epw_path

    wid = canonical_id("synthetic:dt=+0.5:ghi=1.05:seed=14")
    plan = tmp_path / "plan.toml"
    plan.write_text(f'[[weather]]\nid = "{wid}"\nseed = 7\nn = 1\n', encoding="utf-8")
    written = calset.generate(tmp_path, archetypes=["public_office"], plan_file=plan, workers=2, cache=session_cache)
    assert written == [calset.file_path("public_office", wid, tmp_path), calset.anchor_file_path("office", wid, tmp_path)]
    df = pd.read_csv(written[0])
    # row 0 is the as-is building, row 1 the seed's package, both as the check draws them
    base, variants = check_buildings("public_office", 1, 7)
    assert df["row"].tolist() == [0, 1] and df["package"].fillna("").tolist() == ["", variants[0][1]]
    fam = get_family("office")
    for i, b in enumerate([base, variants[0][0]]):
        for name, value in features_of(b, fam).items():
            assert df.loc[i, name] == pytest.approx(value, rel=1e-5)
    assert (df["heating_kwh_m2"] > 0).all() and (df["cooling_kwh_m2"] > 0).all()
    assert set(df["weather_sha256"]) == {ds.file_sha256(epw_path(wid))}
    # the anchor runs: the base (the same run as row 0 above) and each measure anchor, labelled
    anchors = pd.read_csv(written[1])
    runs = anchor_buildings(fam)
    assert anchors["row"].tolist() == list(range(len(runs)))
    assert anchors["package"].fillna("").tolist() == [label for label, _ in runs]
    assert anchors.loc[0, "heating_kwh_m2"] == pytest.approx(df.loc[0, "heating_kwh_m2"], rel=1e-6)
    assert (anchors.loc[1:, "heating_kwh_m2"] != anchors.loc[0, "heating_kwh_m2"]).sum() >= 6  # the measures act
    # resumable: complete files are kept; an anchor file missing a run (a failed one) is run again
    assert calset.generate(tmp_path, archetypes=["public_office"], plan_file=plan, workers=2, cache=session_cache) == []
    anchors.iloc[:-1].to_csv(written[1], index=False)
    assert calset.generate(tmp_path, archetypes=["public_office"], plan_file=plan, workers=2,
                           cache=session_cache) == [written[1]]
    assert len(pd.read_csv(written[1])) == len(runs)


def test_the_model_takes_its_quantiles_from_the_committed_calibration_set():
    from simulator.surrogate.training import load_model

    fam = get_family("office")
    rows = calset.load(fam)
    if rows.empty:
        pytest.skip("no calibration set committed")
    model, meta = load_model(fam)
    assert meta["calibration_set"]["n"] == len(rows)
    built_in = rows[rows["weather_id"] == ds.WEATHER_NAME]
    mean, spread, _ = model.predict_z(built_in[list(fam.feature_names)])
    for g in ("heating", "cooling"):
        # recomputed here from the rows: the in-weather quantile is the set's, not the cross-validation's
        scores = np.abs(headline_z(built_in, g) - mean[g]) / np.maximum(spread[g], 1e-12)
        cal = model.calibration_[g]
        assert cal["seen"] == pytest.approx(conformal_quantile(scores))
        assert cal["n_set_seen"] == len(built_in)
        assert np.isfinite(cal["cv_seen"])
        # the new-weather quantiles come from the set's generator years, anchored on the base's row there
        assert cal["n_set_anchored"] > 0 and np.isfinite(cal["anchored"]) and np.isfinite(cal["cv_anchored"])
    # ... anchored as in use: the family's anchor runs (base and measure anchors) on each generator year
    from simulator.surrogate.anchor import anchor_buildings

    anchors = calset.load(fam, anchors=True)
    assert set(anchors["weather_id"]) == {w.id for w in calset.plan()}  # the built-in year: the reference
    for _, rows in anchors.groupby("weather_id"):
        assert sorted(rows["row"]) == list(range(len(anchor_buildings(fam))))


def test_the_anchored_quantile_scores_the_anchor_as_in_use_with_the_local_check_in_its_fit():
    """On a generator year the calibration fits the anchor with nine of the year's packages (as the engine
    does with its local check) and scores only the others; the nine move the correction."""
    from simulator.surrogate.anchor import local_settings, local_weight
    from simulator.surrogate.intervals import LOCAL_SPLITS, _anchored_fits, _set_anchor
    from simulator.surrogate.training import load_model
    from simulator.surrogate.weathers import load_weather

    fam = get_family("residential_walkup")
    rows, anchors = calset.load(fam), calset.load(fam, anchors=True)
    if rows.empty or anchors.empty:
        pytest.skip("no calibration set committed")
    n_local, weight = local_settings()[0], local_weight()
    if n_local == 0 or weight <= 0:
        pytest.skip("the local check does not join the anchor's fit in model_assumptions.toml")
    model, _ = load_model(fam)
    wid = next(w for w in dict.fromkeys(rows["weather_id"]) if w != ds.WEATHER_NAME)
    year = rows[rows["weather_id"] == wid].reset_index(drop=True)
    weather = load_weather(wid)
    from simulator.surrogate.anchor import anchor_reference

    ref = anchor_reference(model, anchors[anchors["weather_id"] == ds.WEATHER_NAME])
    anc = _set_anchor(model, anchors[anchors["weather_id"] == wid], weather, ref)
    X = year[list(fam.feature_names)]
    base = np.flatnonzero((year["archetype"] == fam.base_archetype) & (year["row"] == 0))
    fits = _anchored_fits(model, year, X, weather, anc, base, 0)
    assert len(fits) == LOCAL_SPLITS
    as_is = set(np.flatnonzero(year["row"] == 0))
    for fit, keep in fits:
        assert len(fit.local_points) == n_local and fit.local_weight == weight
        local = np.flatnonzero(~keep)
        assert base[0] in local and len(local) == n_local + 1  # the base and the nine are never scored
        picked = [i for i in local if i != base[0]]
        assert not as_is & set(picked)  # packages, never an archetype as is
        # the archetypes take turns, as local_buildings draws them
        counts = year.iloc[picked]["archetype"].value_counts()
        assert counts.max() - counts.min() <= 1 and len(counts) == len(fam.archetypes)
        np.testing.assert_allclose(np.asarray(fit.local_points), X.iloc[picked].to_numpy(dtype=float), rtol=1e-9)
    moved = [np.max(np.abs(f.correction(X, "heating_kwh_m2") - anc.correction(X, "heating_kwh_m2"))) for f, _ in fits]
    assert min(moved) > 1e-4  # the nine are in the fit, not only left out of the scores
    assert len({tuple(np.flatnonzero(~k)) for _, k in fits}) > LOCAL_SPLITS // 2  # different draws
    # the model's anchored quantile pools exactly these scores over every generator year
    n_years = len({w for w in rows["weather_id"] if w != ds.WEATHER_NAME})
    per_year = [len(r) - 1 - n_local for w, r in rows.groupby("weather_id") if w != ds.WEATHER_NAME]
    assert n_years >= 2
    assert model.calibration_["heating"]["n_set_anchored"] == LOCAL_SPLITS * sum(per_year)


def test_the_anchored_quantile_and_scale_are_those_of_the_pooled_draws():
    """Recomputed from the committed rows: the office's anchored quantile and RMS (the local check's scale) pool
    every generator year's draws, each scoring only the packages outside the fit."""
    from simulator.surrogate.anchor import anchor_reference
    from simulator.surrogate.intervals import TARGET_OF, _anchored_fits, _set_anchor
    from simulator.surrogate.training import load_model
    from simulator.surrogate.weathers import load_weather

    fam = get_family("office")
    rows, anchors = calset.load(fam), calset.load(fam, anchors=True)
    if rows.empty or anchors.empty:
        pytest.skip("no calibration set committed")
    model, _ = load_model(fam)
    ref = anchor_reference(model, anchors[anchors["weather_id"] == ds.WEATHER_NAME])
    scores = {"heating": [], "cooling": []}
    n_year = 0
    for wid, year in rows.groupby("weather_id", sort=False):
        if wid == ds.WEATHER_NAME:
            continue
        year = year.reset_index(drop=True)
        w = load_weather(wid)
        X = year[list(fam.feature_names)]
        mean, spread, _ = model.predict_z(X, w)
        anc = _set_anchor(model, anchors[anchors["weather_id"] == wid], w, ref)
        base = np.flatnonzero(((year["archetype"] == fam.base_archetype) & (year["row"] == 0)).to_numpy())
        for fit, keep in _anchored_fits(model, year, X, w, anc, base, n_year):
            for g in scores:
                tau = model.calibration_[g]["tau_anchored"]
                e = headline_z(year, g) - mean[g] - fit.correction(X, TARGET_OF[g])
                scores[g].append(np.abs(e[keep]) / np.sqrt(np.maximum(spread[g][keep], 1e-12) ** 2 + tau**2))
        n_year += 1
    for g, parts in scores.items():
        pooled = np.concatenate(parts)
        cal = model.calibration_[g]
        assert cal["anchored"] == pytest.approx(conformal_quantile(pooled), rel=1e-9)
        assert cal["rms_anchored"] == pytest.approx(float(np.sqrt(np.mean(pooled**2))), rel=1e-9)


def test_the_local_quantile_rescales_the_calibration_by_the_local_scores_rms():
    from simulator.surrogate.intervals import scaled_quantile

    nine = np.array([0.5, -1.0, 2.0, 0.1, 1.5, -0.3, 0.8, 1.2, -2.5])
    rms = float(np.sqrt(np.mean(nine**2)))  # 1.3
    assert scaled_quantile(1.6, np.abs(nine), 1.0) == pytest.approx(1.6 * rms)
    assert scaled_quantile(1.6, np.abs(nine), 2.0) == pytest.approx(1.6)  # smaller errors: never narrower
    assert scaled_quantile(1.6, np.abs(nine[:8]), 1.0) == float("inf")  # 8 scores: no 90 % quantile
    with_nan = np.append(np.abs(nine[:8]), np.nan)
    assert scaled_quantile(1.6, with_nan, 1.0) == float("inf")  # only finite scores count
    assert scaled_quantile(1.6, np.abs(nine), float("nan")) == pytest.approx(2.5)  # no recorded scale: the largest
