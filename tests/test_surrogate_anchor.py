"""The surrogate's anchor on a weather outside training (simulator/surrogate/anchor.py).

Hand values first (the log-ratio correction, the monthly split and the
per-measure correction), then real EnergyPlus runs: the anchor makes the
family's base building exact on a new weather and moves the other buildings
by the anchors' correction at their features.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.surrogate import anchor as A

MONTHS = range(1, 13)


def _row(heating: float, cooling: float, heat_months: dict[int, float], cool_months: dict[int, float]) -> dict:
    row = {"heating_kwh_m2": heating, "cooling_kwh_m2": cooling, "peak_heating_w_m2": 40.0,
           "peak_cooling_w_m2": 60.0}
    for m in MONTHS:
        row[f"heating_kwh_m2_m{m:02d}"] = heat_months.get(m, 0.0)
        row[f"cooling_kwh_m2_m{m:02d}"] = cool_months.get(m, 0.0)
    return row


def test_the_anchor_is_the_log_ratio_and_keeps_months_adding_up():
    # base building: surrogate 50 kWh/m2 (Jan 30, Feb 20), EnergyPlus 60 (Jan 40, Feb 20)
    pred = pd.Series(_row(50.0, 20.0, {1: 30.0, 2: 20.0}, {7: 20.0}))
    true = pd.Series(_row(60.0, 25.0, {1: 40.0, 2: 20.0}, {7: 25.0}))
    a = A.anchor_from("office", "w", "public_office", true, pred)
    assert a.log_ratio["heating_kwh_m2"] == pytest.approx(math.log(60.1 / 50.1), rel=1e-12)
    assert a.log_ratio["peak_heating_w_m2"] == pytest.approx(0.0, abs=1e-15)
    # shares: EnergyPlus 2/3 and 1/3 against the surrogate's 0.6 and 0.4
    assert a.month_ratio["heating"][0] == pytest.approx((2 / 3) / 0.6) and a.month_ratio["heating"][2] == 1.0
    frame = pd.DataFrame([pred, pd.Series(_row(20.0, 10.0, {1: 12.0, 2: 8.0}, {7: 10.0}))])
    out = A.apply(frame, a)
    # the base building becomes EnergyPlus's, annual and monthly
    assert out.loc[0, "heating_kwh_m2"] == pytest.approx(60.0, rel=1e-12)
    assert out.loc[0, "heating_kwh_m2_m01"] == pytest.approx(40.0, rel=1e-12)
    assert out.loc[0, "cooling_kwh_m2_m07"] == pytest.approx(25.0, rel=1e-12)
    # another building moves by the same log ratio: (20 + 0.1) x 60.1 / 50.1 - 0.1
    assert out.loc[1, "heating_kwh_m2"] == pytest.approx(20.1 * 60.1 / 50.1 - 0.1, rel=1e-12)
    months = out.loc[1, [f"heating_kwh_m2_m{m:02d}" for m in MONTHS]].sum()
    assert months == pytest.approx(out.loc[1, "heating_kwh_m2"], rel=1e-12)
    # Jan's share: 0.6 x (2/3)/0.6 = 2/3 against Feb's 0.4 x (1/3)/0.4 = 1/3, renormalised
    assert out.loc[1, "heating_kwh_m2_m01"] / out.loc[1, "heating_kwh_m2"] == pytest.approx(2 / 3, rel=1e-12)
    assert A.apply(frame, None) is frame


def test_a_month_with_almost_no_load_keeps_its_share():
    pred = pd.Series(_row(100.0, 1.0, {1: 99.5, 3: 0.5}, {7: 1.0}))
    true = pd.Series(_row(100.0, 1.0, {1: 99.9, 3: 0.1}, {7: 1.0}))
    a = A.anchor_from("office", "w", "b", true, pred)
    assert a.month_ratio["heating"][2] == 1.0  # 0.5 % and 0.1 %: below MIN_SHARE, a ratio of noise


def test_a_large_correction_is_reported():
    pred = pd.Series(_row(10.0, 20.0, {1: 10.0}, {7: 20.0}))
    true = pd.Series(_row(30.0, 20.0, {1: 30.0}, {7: 20.0}))
    a = A.anchor_from("office", "w", "b", true, pred)
    assert len(a.problems) == 1 and "heating_kwh_m2" in a.problems[0] and "prefer EnergyPlus" in a.problems[0]
    assert a.to_dict()["factors"]["heating_kwh_m2"] == pytest.approx(30.1 / 10.1, abs=1e-4)


def _measure_anchor(ridge: float):
    """Base (a, b) = (0, 0) with log ratio 0.1 on heating; measure anchors at (1, 0) (ratio 0.3) and
    (0, 1) (ratio 0.0), and one at the base's features (a measure the features do not see)."""
    pred = pd.Series(_row(50.0, 20.0, {1: 50.0}, {7: 20.0}))
    true = pred.copy()
    true["heating_kwh_m2"] = (50.0 + 0.1) * math.exp(0.1) - 0.1
    a = A.anchor_from("office", "w", "b", true, pred)
    points = pd.DataFrame({"a": [1.0, 0.0, 0.0], "b": [0.0, 1.0, 0.0]})
    mpred = pd.DataFrame([pred, pred, pred])
    mtrue = mpred.copy()
    mtrue["heating_kwh_m2"] = [(50.1 * math.exp(r)) - 0.1 for r in (0.3, 0.0, 0.5)]
    return A.with_measures(a, ("a", "b"), (1.0, 1.0), pd.Series({"a": 0.0, "b": 0.0}), ["m1", "m2", "none"],
                           points, mtrue, mpred, ridge)


def test_measure_anchors_correct_each_package_per_feature_change():
    a = _measure_anchor(ridge=0.0)
    assert a.measures == ("m1", "m2")  # the anchor at the base's features tells nothing per feature: left out
    X = pd.DataFrame({"a": [0.0, 1.0, 0.0, 0.5], "b": [0.0, 0.0, 1.0, 0.5]})
    r = a.correction(X, "heating_kwh_m2")
    # exact at the base and (no penalty) at each measure anchor; halfway to both: 0.1 + 0.1 - 0.05
    np.testing.assert_allclose(r, [0.1, 0.3, 0.0, 0.15], atol=1e-12)
    # cooling had no measure effect (same ratio as the base's, 0): no change; peaks keep the base's ratio
    np.testing.assert_allclose(a.correction(X, "cooling_kwh_m2"), 0.0, atol=1e-12)
    np.testing.assert_allclose(a.correction(X, "peak_heating_w_m2"), 0.0, atol=1e-12)
    frame = pd.DataFrame([pd.Series(_row(50.0, 20.0, {1: 50.0}, {7: 20.0}))] * 4)
    out = A.apply(frame, a, X)
    np.testing.assert_allclose(out["heating_kwh_m2"], 50.1 * np.exp(r) - 0.1, rtol=1e-12)
    np.testing.assert_allclose(out["heating_kwh_m2_m01"], out["heating_kwh_m2"], rtol=1e-12)
    with pytest.raises(ValueError, match="features"):
        A.apply(frame, a)  # a per-package correction without the packages' features
    assert a.to_dict()["runs"] == 3 and a.to_dict()["measure_factors"]["heating_kwh_m2"]["m1"] == pytest.approx(
        math.exp(0.2), abs=1e-4)
    # a penalty shrinks the per-measure terms toward the base's ratio (never past it)
    shrunk = _measure_anchor(ridge=1.0).correction(X, "heating_kwh_m2")
    assert shrunk[0] == pytest.approx(0.1, abs=1e-12)
    assert 0.1 < shrunk[1] < 0.3 and 0.0 < shrunk[2] < 0.1


def test_local_packages_join_the_measure_fit_at_their_weight():
    """The local check's packages enter the ridge fit as weighted rows; the base stays exact; leave-one-out drops one."""
    a = _measure_anchor(ridge=0.1)
    pred = pd.DataFrame([pd.Series(_row(50.0, 20.0, {1: 50.0}, {7: 20.0}))] * 3)
    X = pd.DataFrame({"a": [1.0, 0.5, 1.0], "b": [1.0, 0.0, 0.5]})
    true = pred.copy()
    ratios = np.array([0.5, 0.4, 0.3])  # log ratios on heating, far from the measure anchors' additive 0.3 + 0.0
    true["heating_kwh_m2"] = 50.1 * np.exp(ratios) - 0.1
    fitted = A.with_local(a, X, true, pred, 0.25)
    assert fitted.local_weight == 0.25 and len(fitted.local_points) == 3
    # the same weighted ridge solved in its primal form, independently of the anchor's dual form
    D = np.array([[1.0, 0.0], [0.0, 1.0]] + [[1.0, 1.0], [0.5, 0.0], [1.0, 0.5]])
    e = np.array([0.2, -0.1] + list(ratios - 0.1))
    wt = np.array([1.0, 1.0, 0.25, 0.25, 0.25])
    beta = np.linalg.solve(D.T @ (wt[:, None] * D) + 0.1 * np.eye(2), D.T @ (wt * e))
    Q = pd.DataFrame({"a": [0.0, 1.0, 0.3], "b": [0.0, 1.0, 0.7]})
    np.testing.assert_allclose(fitted.correction(Q, "heating_kwh_m2"), 0.1 + Q.to_numpy() @ beta, atol=1e-12)
    assert fitted.correction(Q, "heating_kwh_m2")[0] == pytest.approx(0.1, abs=1e-12)  # exact at the base
    # the packages pull the fit: at (1, 1) the measure anchors alone say less than the package's 0.5
    assert a.correction(Q, "heating_kwh_m2")[1] < fitted.correction(Q, "heating_kwh_m2")[1]
    # weight 0 or no measure anchors: nothing changes
    assert A.with_local(a, X, true, pred, 0.0) is a
    bare = A.anchor_from("office", "w", "b", pred.iloc[0], pred.iloc[0])
    assert A.with_local(bare, X, true, pred, 0.25) is bare
    # leave-one-out: without package 1 the fit is that of packages 0 and 2
    loo = fitted.without_local(1)
    ref = A.with_local(a, X.iloc[[0, 2]], true.iloc[[0, 2]], pred.iloc[[0, 2]], 0.25)
    np.testing.assert_allclose(loo.correction(Q, "heating_kwh_m2"), ref.correction(Q, "heating_kwh_m2"), atol=1e-12)
    assert not fitted.problems  # every package within x1.5 of the base's ratio
    far = true.copy()
    far.loc[1, "heating_kwh_m2"] = 50.1 * np.exp(0.1 + np.log(1.6)) - 0.1  # x1.6 beyond the base's ratio
    (p,) = A.with_local(a, X, far, pred, 0.25).problems
    assert "local check package's heating_kwh_m2 is off by x1.60" in p and "prefer EnergyPlus" in p
    bad = true.copy()
    bad.loc[0, "cooling_kwh_m2"] = float("nan")
    with pytest.raises(ValueError, match="cooling_kwh_m2"):
        A.with_local(a, X, bad, pred, 0.25)


def test_local_weight_outside_zero_to_one_is_refused(monkeypatch):
    from simulator.exceptions import ValidationError

    real = A.load_data
    setting = {}

    def fake(kind, *args, **kw):
        d = real(kind, *args, **kw)
        if kind == "model_assumptions":
            d["surrogate_anchor"]["local_weight"] = setting["value"]
        return d

    monkeypatch.setattr(A, "load_data", fake)
    for bad in (-0.1, 1.5, "much", float("nan")):
        setting["value"] = bad
        with pytest.raises(ValidationError, match=r"model_assumptions.toml \[surrogate_anchor\] local_weight"):
            A.local_weight()
    setting["value"] = 0.3
    assert A.local_weight() == 0.3


def test_anchor_buildings_are_the_base_and_each_measure_that_changes_a_feature():
    from simulator.surrogate.space import features_of, get_family

    fam = get_family("office")
    runs = A.anchor_buildings(fam)
    labels = [label for label, _ in runs]
    assert labels[0] == "" and runs[0][1].name == "public_office"
    assert set(labels[1:]) <= set(A.anchor_measures()) and "mvhr" in labels
    # the thermostatic valves change nothing the office's features see: no run for them
    assert "heat_metering_trv" in A.anchor_measures() and "heat_metering_trv" not in labels
    base = features_of(runs[0][1], fam)
    for label, b in runs[1:]:
        assert features_of(b, fam) != base, label
    assert A.anchor_ridge() > 0


@pytest.mark.slow
def test_the_anchor_run_makes_the_base_exact_on_a_new_weather(session_cache):
    """The office family's anchor runs (base and measure anchors) on a synthetic year that is not a training year."""
    import archetypes
    from buildings import measures as M
    from simulator.surrogate import dataset as ds
    from simulator.surrogate import weathers as wx
    from simulator.surrogate.engine import SurrogateEngine, anchor_for
    from simulator.surrogate.space import features_of, get_family
    from simulator.surrogate.training import load_model

    w = wx.load_weather("synthetic:dt=+0.5:ghi=1.05:seed=14")
    fam = get_family("office")
    model, _ = load_model(fam)
    assert not model.physics_.is_training_weather(w)
    a = anchor_for(fam, w, cache=session_cache)
    assert a is not None and a.building == "public_office" and a.weather_id == w.id
    # the training year needs none
    assert anchor_for(fam, wx.load_weather("tianjin"), cache=session_cache) is None

    from simulator.batch import Case, run_batch
    from weather.library import write_cached_epw

    base = archetypes.load("public_office")
    true = ds.targets_of(run_batch([Case(base, str(write_cached_epw(w)))], cache=session_cache)[0].loads)
    loads = SurrogateEngine(warn=False).simulate(base, w)
    area = loads.floor_area_m2
    assert loads.heating_kwh / area == pytest.approx(true["heating_kwh_m2"], rel=1e-9)
    assert loads.cooling_kwh / area == pytest.approx(true["cooling_kwh_m2"], rel=1e-9)
    assert loads.meta["interval_calibration"] == "anchored" and loads.meta["anchor"]["building"] == "public_office"
    # it is the anchor's own EnergyPlus run: --engine auto keeps it whatever its interval
    from simulator.surrogate.engine import fallback_reasons

    assert loads.meta["anchor"]["exact"] is True and fallback_reasons(loads) == []
    lo, hi = loads.meta["intervals_90"]["heating_kwh_m2"]
    assert lo < true["heating_kwh_m2"] < hi
    # the measure anchors: the base with each single measure of model_assumptions.toml, run on the year
    assert len(a.measures) >= 6 and a.to_dict()["runs"] == 1 + len(a.measures) + 9
    # the local check: 9 random packages on the year, their anchored errors scored as the intervals are
    from simulator.surrogate.intervals import quantile
    from simulator.surrogate.model import headline_z

    local = A.local_buildings(fam)
    assert a.local["n"] == len(local) == 9 and set(a.local_q) >= {"heating", "cooling"}
    lres = run_batch([Case(b, str(write_cached_epw(w))) for _, b in local], cache=session_cache)
    assert all(r.cached for r in lres)  # anchor_for ran them
    xl = pd.DataFrame([features_of(b, fam) for _, b in local])
    tl = pd.DataFrame([ds.targets_of(r.loads) for r in lres])
    mean, spread, _ = model.predict_z(xl, w)
    q, tau, _ = quantile(model, "heating", w, anchored=True)
    # the nine also join the per-measure fit (at local_weight), so each is scored on the fit without it
    assert len(a.local_points) == 9 and a.local_weight == A.local_weight() > 0
    loo = np.array([a.without_local(k).correction(xl.iloc[[k]], "heating_kwh_m2")[0] for k in range(9)])
    score = np.abs(headline_z(tl, "heating") - mean["heating"] - loo) / np.sqrt(spread["heating"] ** 2 + tau**2)
    # the calibration quantile scaled by the nine scores' RMS over the calibration set's, never below it
    rms_cal = model.calibration_["heating"]["rms_anchored"]
    expected = q * max(1.0, float(np.sqrt(np.mean(score**2))) / rms_cal)
    assert a.local_q["heating"] == pytest.approx(expected, rel=1e-9)
    in_fit = np.abs(headline_z(tl, "heating") - mean["heating"] - a.correction(xl, "heating_kwh_m2"))
    assert not np.allclose(in_fit, np.abs(headline_z(tl, "heating") - mean["heating"] - loo))
    assert a.local["quantile_over_calibration"]["heating"] == pytest.approx(expected / q, abs=1e-3)
    # a retrofitted office moves by the anchors' correction at its features, not to its own EnergyPlus value
    r = M.apply(base, M.package("envelope"))
    xr = pd.DataFrame([features_of(r, fam)])
    raw = model.predict(xr, w).iloc[0]["heating_kwh_m2"]
    retro = SurrogateEngine(warn=False).simulate(r, w)
    assert retro.meta["anchor"]["exact"] is False
    got = retro.heating_kwh / area
    assert got == pytest.approx((raw + 0.1) * np.exp(a.correction(xr, "heating_kwh_m2")[0]) - 0.1, rel=1e-9)
    unanchored = SurrogateEngine(warn=False, anchor=False).simulate(r, w)
    assert unanchored.meta["anchor"] == "anchoring off"
    assert unanchored.heating_kwh / area == pytest.approx(raw, rel=1e-9)


@pytest.mark.slow
def test_cli_anchor_reports_the_anchor_and_its_local_check(session_cache, capsys):
    """``retrofit surrogate anchor``: the office's anchor on the year above (its runs are in the cache by now)."""
    import json

    from simulator import cli
    from simulator.surrogate import weathers as wx
    from weather.library import write_cached_epw

    epw = write_cached_epw(wx.load_weather("synthetic:dt=+0.5:ghi=1.05:seed=14"))
    code = cli.main(["surrogate", "anchor", "--weather", str(epw), "--family", "office", "--cache",
                     str(session_cache.path), "--json", "-q"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    d = out["families"]["office"]
    assert d["building"] == "public_office" and d["local_check"]["n"] == 9
    assert d["runs"] == 1 + len(d["measure_factors"]["heating_kwh_m2"]) + 9
    assert set(d["local_check"]["quantile_over_calibration"]) >= {"heating", "cooling"}
    # the built-in year is a training weather: nothing to run
    assert cli.main(["surrogate", "anchor", "--weather", "tianjin", "--family", "office", "-q"]) == 0
    assert "a training weather of the surrogate, no anchor needed" in capsys.readouterr().out


def test_the_monthly_fast_path_gives_the_same_months():
    pred = pd.Series(_row(50.0, 20.0, {1: 30.0, 2: 20.0}, {7: 20.0}))
    true = pd.Series(_row(60.0, 25.0, {1: 40.0, 2: 20.0}, {6: 5.0, 7: 20.0}))
    a = A.anchor_from("office", "w", "b", true, pred)
    frame = pd.DataFrame([pred, pd.Series(_row(20.0, 9.0, {1: 12.0, 2: 8.0}, {6: 1.0, 7: 8.0}))])
    full = A.apply(frame, a)
    h = frame[[f"heating_kwh_m2_m{m:02d}" for m in MONTHS]].to_numpy()
    c = frame[[f"cooling_kwh_m2_m{m:02d}" for m in MONTHS]].to_numpy()
    h2, c2 = A.apply_monthly(h, c, a)
    np.testing.assert_allclose(h2, full[[f"heating_kwh_m2_m{m:02d}" for m in MONTHS]].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(c2, full[[f"cooling_kwh_m2_m{m:02d}" for m in MONTHS]].to_numpy(), rtol=1e-12)


def test_the_local_check_widens_the_intervals_to_hold_its_own_packages():
    """An anchor whose local check found errors beyond the calibration set's quantile widens to hold them."""
    from dataclasses import replace

    from simulator.surrogate import weathers as wx
    from simulator.surrogate.intervals import local_quantiles, predict_intervals, quantile
    from simulator.surrogate.model import LOG_OFFSET
    from simulator.surrogate.space import features_of, get_family
    from simulator.surrogate.training import load_model

    fam = get_family("office")
    model, _ = load_model(fam)
    w = wx.load_weather("synthetic:dt=+0.5:ghi=1.05:seed=14")
    flat = {"heating": (1.0,) * 12, "cooling": (1.0,) * 12}
    a = A.Anchor("office", w.id, "public_office", {"heating_kwh_m2": 0.05, "cooling_kwh_m2": -0.02}, flat)
    X = pd.DataFrame([features_of(b, fam) for _, b in A.local_buildings(fam)])
    assert len(X) == 9
    mean, spread, _ = model.predict_z(X, w)
    q, tau, how = quantile(model, "heating", w, anchored=True)
    assert how == "anchored"
    # EnergyPlus "results" with scores 1.5 x (the calibration quantile or the calibration scores' RMS, the
    # larger), alternately above and below the anchored prediction: beyond the calibration quantile, and
    # their RMS (the score itself) 1.5 times or more the calibration scores', so the intervals scale
    rms_h = model.calibration_["heating"]["rms_anchored"]
    score = 1.5 * max(q, rms_h)
    sign = np.where(np.arange(9) % 2 == 0, 1.0, -1.0)
    z_true = mean["heating"] + 0.05 + sign * score * np.sqrt(spread["heating"] ** 2 + tau**2)
    qc, tc, _ = quantile(model, "cooling", w, anchored=True)
    rms_c = model.calibration_["cooling"]["rms_anchored"]
    zc = mean["cooling"] - 0.02 + 0.5 * rms_c * np.sqrt(spread["cooling"] ** 2 + tc**2)  # half the usual scale
    true = pd.DataFrame({"heating_kwh_m2": np.exp(z_true) - LOG_OFFSET, "cooling_kwh_m2": np.exp(zc) - LOG_OFFSET})
    qs, summary = local_quantiles(model, w, a, X, true)
    factor = score / rms_h
    assert factor >= 1.5
    assert qs["heating"] == pytest.approx(q * factor, rel=1e-6)
    assert summary["n"] == 9
    assert summary["quantile_over_calibration"]["heating"] == pytest.approx(factor, abs=1e-3)
    plain = predict_intervals(model, X, w, a)
    wide = predict_intervals(model, X, w, replace(a, local_q=qs, local=summary))
    t = true["heating_kwh_m2"].to_numpy()
    # the calibration set's intervals miss every one of them; the widened ones are wider by the factor (in log)
    assert not ((plain["heating_kwh_m2_p05"] <= t) & (t <= plain["heating_kwh_m2_p95"])).any()
    log_half = lambda f: np.log(f["heating_kwh_m2_p95"] + LOG_OFFSET) - np.log(f["heating_kwh_m2"] + LOG_OFFSET)  # noqa: E731
    np.testing.assert_allclose(log_half(wide), factor * log_half(plain), rtol=1e-6)
    # a local check with smaller errors than the calibration set's (cooling) leaves the intervals as they were
    assert qs["cooling"] == pytest.approx(qc, rel=1e-9)
    np.testing.assert_allclose(wide["cooling_kwh_m2_p95"], plain["cooling_kwh_m2_p95"], rtol=1e-12)
    np.testing.assert_allclose(wide["heating_kwh_m2"], plain["heating_kwh_m2"], rtol=1e-12)  # points unchanged
    # the savings' intervals keep the in-weather quantile: the local check does not widen them
    from simulator.surrogate.intervals import savings_interval

    base = pd.DataFrame([features_of(A.local_buildings(fam)[0][1], fam)] * 9)
    s_plain = savings_interval(model, base, X, w, anchor=a)
    s_wide = savings_interval(model, base, X, w, anchor=replace(a, local_q=qs, local=summary))
    np.testing.assert_allclose(s_wide.to_numpy(dtype=float), s_plain.to_numpy(dtype=float), rtol=1e-12)


def test_local_packages_in_the_fit_are_scored_leave_one_out():
    """With the local packages in the per-measure fit, each one's score is that of the fit without it, per group."""
    from simulator.surrogate import weathers as wx
    from simulator.surrogate.intervals import local_quantiles, quantile
    from simulator.surrogate.model import LOG_OFFSET, headline_z
    from simulator.surrogate.space import features_of, get_family
    from simulator.surrogate.training import load_model

    fam = get_family("office")
    model, _ = load_model(fam)
    w = wx.load_weather("synthetic:dt=+0.5:ghi=1.05:seed=14")
    runs = A.anchor_buildings(fam)
    X = pd.DataFrame([features_of(b, fam) for _, b in runs])
    pred = model.predict(X, w)
    true = pred.copy()  # synthetic "EnergyPlus": each measure anchor off by its own factor
    true["heating_kwh_m2"] = (pred["heating_kwh_m2"] + LOG_OFFSET) * np.exp(0.05 + 0.03 * np.arange(len(X))) - LOG_OFFSET
    a = A.anchor_of_runs(model, w, w.id, "public_office", [m for m, _ in runs], X, true, {})
    assert len(a.points) >= 6
    assert a.at_base(X).tolist() == [True] + [False] * (len(X) - 1)  # row 0 is the base, the rest its measures
    assert not A.anchor_from("office", w.id, "public_office", true.iloc[0], pred.iloc[0]).at_base(X).any()  # no features kept
    xl = pd.DataFrame([features_of(b, fam) for _, b in A.local_buildings(fam)])
    pl = model.predict(xl, w)
    tl = pl.copy()
    rng = np.random.default_rng(3)
    for c in ("heating_kwh_m2", "cooling_kwh_m2"):
        tl[c] = (pl[c] + LOG_OFFSET) * np.exp(rng.normal(0.05, 0.04, len(xl))) - LOG_OFFSET
    fitted = A.with_local(a, xl, tl, pl, 0.1)
    qs, summary = local_quantiles(model, w, fitted, xl, tl)
    assert summary["weight_in_fit"] == 0.1 and summary["n"] == 9
    mean, spread, _ = model.predict_z(xl, w)
    for g, col in (("heating", "heating_kwh_m2"), ("cooling", "cooling_kwh_m2")):
        q, tau, how = quantile(model, g, w, anchored=True)
        assert how == "anchored"
        loo = np.array([fitted.without_local(k).correction(xl.iloc[[k]], col)[0] for k in range(9)])
        score = np.abs(headline_z(tl, g) - mean[g] - loo) / np.sqrt(spread[g] ** 2 + tau**2)
        rms_cal = model.calibration_[g]["rms_anchored"]
        assert qs[g] == pytest.approx(q * max(1.0, float(np.sqrt(np.mean(score**2))) / rms_cal), rel=1e-9)
        in_fit = np.abs(headline_z(tl, g) - mean[g] - fitted.correction(xl, col)) / np.sqrt(spread[g] ** 2 + tau**2)
        # a package the fit saw looks better than it is: why leave-one-out
        assert np.mean(in_fit**2) < np.mean(score**2)
    with pytest.raises(ValueError, match="9 local packages, 8 given"):
        local_quantiles(model, w, fitted, xl.iloc[:8], tl.iloc[:8])


def test_local_check_packages_are_fixed_and_inside_the_domain():
    from simulator.surrogate.space import domain_violations, get_family

    fam = get_family("residential_walkup")
    one, two = A.local_buildings(fam), A.local_buildings(fam)
    assert [b.name for _, b in one] == [b.name for _, b in two] and [m for m, _ in one] == [m for m, _ in two]
    assert len(one) == A.local_settings()[0] == 9
    # the family's archetypes take turns, and no building leaves the domain
    assert {b.name.split("-local-")[0] for _, b in one} == set(fam.archetypes)
    assert not any(domain_violations(b, fam) for _, b in one)
    # none is a package of the accuracy checks that measure the intervals' coverage (seeds 1, 301-305)
    from simulator.surrogate.sampling import check_buildings

    for f in ("residential_walkup", "residential_highrise", "office", "school"):
        fam_f = get_family(f)
        local = {(b.name.split("-local-")[0], label) for label, b in A.local_buildings(fam_f)}
        for arch in fam_f.archetypes:
            for seed in (1, 301, 302, 303, 304, 305):
                checked = {(arch, label) for _, label in check_buildings(arch, 30, seed)[1]}
                assert not local & checked, (f, arch, seed)
