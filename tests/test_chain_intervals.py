"""The surrogate's intervals carried through systems, bills and carbon (simulator/chain_intervals.py).

Real surrogate, real hourly systems chain; the reference values are recomputed by other code paths
(the surrogate's own savings interval; a Monte Carlo of the surrogate's error through the hourly chain).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import archetypes
from simulator import chain_intervals as CI


@pytest.fixture(scope="module")
def evaluations(tianjin):
    from simulator.evaluate import evaluate, get_engine

    b = archetypes.load("old_estate_pre1990")
    return {p: evaluate(b, p, weather=tianjin, engine=get_engine("surrogate")) for p in ("envelope", "envelope_hp_pv")}


@pytest.mark.parametrize("group", ["heating", "cooling"])
def test_load_savings_reproduce_the_surrogates_own_interval(evaluations, tianjin, group):
    """For the loads themselves the chain is the identity, so the delta method must give the surrogate's own
    savings interval (simulator/surrogate/intervals.py savings_interval, a separate implementation)."""
    from buildings import measures as M
    from simulator.surrogate.intervals import savings_interval
    from simulator.surrogate.space import family_of, features_of
    from simulator.surrogate.training import load_model

    ev = evaluations["envelope"]
    iv = CI.savings_intervals(ev, tianjin)[f"{group}_saved_kwh_m2"]
    b = ev.baseline.building
    fam = family_of(b)
    model, _ = load_model(fam)
    r = M.apply(b, M.package("envelope"))
    ref = savings_interval(model, pd.DataFrame([features_of(b, fam)]), pd.DataFrame([features_of(r, fam)]),
                           tianjin, group).iloc[0]
    width = ref["savings_kwh_m2_p95"] - ref["savings_kwh_m2_p05"]
    assert width > 0
    assert iv["value"] == pytest.approx(ref["savings_kwh_m2"], rel=1e-6)
    # central differences with d = 0.01 are exact to about d^2 / 6 = 2e-5 of the slope; 1e-3 of the width covers it
    assert iv["p05"] == pytest.approx(ref["savings_kwh_m2_p05"], abs=1e-3 * width)
    assert iv["p95"] == pytest.approx(ref["savings_kwh_m2_p95"], abs=1e-3 * width)


def test_chain_intervals_agree_with_a_monte_carlo_through_the_hourly_chain(evaluations, tianjin):
    """Heat pump, PV and tiered tariffs bend the chain: the linearised interval is checked against draws of
    the surrogate's own error (simulator/calibration/calibrate.py surrogate_error_factors: the GP's joint
    spread of a building and its retrofit, scaled by the conformal quantile) run through the hourly chain."""
    from simulator.calibration.calibrate import surrogate_error_factors
    from simulator.evaluate import outcome

    ev = evaluations["envelope_hp_pv"]
    iv = CI.savings_intervals(ev, tianjin)
    n = 300
    f = surrogate_error_factors([ev.baseline.building] * n, [ev.retrofit.building] * n, tianjin,
                                np.random.default_rng(0))
    b0, r0 = ev.baseline.summary(), ev.retrofit.summary()
    draws = {k: [] for k in CI.QUANTITIES}
    for i in range(n):
        lb = CI.scaled_loads(CI.scaled_loads(ev.baseline.loads, "heating", f["heating"][0][i]), "cooling",
                             f["cooling"][0][i])
        lr = CI.scaled_loads(CI.scaled_loads(ev.retrofit.loads, "heating", f["heating"][1][i]), "cooling",
                             f["cooling"][1][i])
        sb, sr = outcome(ev.baseline.building, lb, tianjin).summary(), outcome(ev.retrofit.building, lr, tianjin).summary()
        for k, key in CI.QUANTITIES.items():
            draws[k].append(sb[key] - sr[key])
    assert iv["electricity_saved_kwh"]["value"] < 0  # the heat pump adds electricity: a negative saving
    for k, key in CI.QUANTITIES.items():
        d = iv[k]
        shift = d["value"] - (b0[key] - r0[key])  # the bill saving is net of the PV's O&M, a constant
        lo, hi = np.quantile(np.asarray(draws[k]) + shift, [0.05, 0.95])
        width = d["p95"] - d["p05"]
        assert width > 0, k
        # a 5 % / 95 % quantile from 300 draws has a sd of about 0.12 sd of the draws, i.e. ~4 % of a 90 %
        # interval's width (3.3 sd); 15 % is about 4 of those sds and leaves the linearisation a few %
        assert abs(lo - d["p05"]) < 0.15 * width and abs(hi - d["p95"]) < 0.15 * width, (k, d, lo, hi)


def test_no_interval_without_the_surrogate_and_none_width_without_a_measure(evaluations, tianjin):
    from simulator.evaluate import evaluate, get_engine

    ev = evaluations["envelope"]
    assert CI.savings_intervals(dataclasses.replace(ev, engine="energyplus"), tianjin) is None
    same = evaluate(ev.baseline.building, [], weather=tianjin, engine=get_engine("surrogate"))
    for k, d in CI.savings_intervals(same, tianjin).items():
        # a building against itself: the same prediction, fully correlated, saving 0 +- 0 (float rounding)
        assert abs(d["value"]) < 1e-6 and d["p95"] - d["p05"] < 1e-6 * max(1.0, abs(ev.baseline.summary()[
            CI.QUANTITIES[k]])), k


def test_compare_page_shows_co2_bill_cooling_and_electricity_intervals(_isolated_cache_dir):
    lang = "zh"  # the default language; the labels come from i18n.t, the same for English
    from streamlit.testing.v1 import AppTest

    from tests.test_calibration import APP

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = lang
    for key, value in {"c_wall_mm": [0, 100], "c_roof_mm": [0], "c_window_level": ["keep"], "c_airtight_ach": [0.0],
                       "c_trv": [False], "c_led": [False], "c_heat_source": ["keep"], "c_pv_share_pct": [0]}.items():
        at.session_state[key] = value
    at.switch_page("simulator/app/pages/compare.py").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert len(table) == 2
    from simulator.app.i18n import t

    co2 = t("CO₂ saved [t/a]", lang)
    cool, elec = f"{t('Cooling saved', lang)} [kWh/m²]", f"{t('Electricity saved', lang)} [MWh/a]"
    bills = f"{t('Bill savings', lang)} [{t('10⁴ CNY/a', lang)}]"
    for label in (co2, cool, elec, bills):
        v, lo, hi = table[label], table[f"{label} p05"], table[f"{label} p95"]
        assert ((lo <= v + 1e-9) & (v <= hi + 1e-9)).all(), label
    walls = table[co2].idxmax()  # the row with 100 mm of wall insulation
    assert table.loc[walls, f"{co2} p95"] - table.loc[walls, f"{co2} p05"] > 0
    captions = " ".join(c.value for c in at.caption)
    assert ("德尔塔法" if lang == "zh" else "delta method") in captions
