"""Prediction intervals of the surrogate: the GP's spread, calibrated by conformal prediction.

Each headline output (annual heating and cooling, the two peaks, and the
design loads where the model has them; groups
:meth:`~simulator.surrogate.model.SurrogateModel.interval_groups`) is predicted as
``z = log(y + 0.1)`` with a spread ``s(x)`` (the Gaussian process's predictive
standard deviation, :meth:`~simulator.surrogate.regressors.SharedKernelGP.predict_spread`;
1 for a group without one). A Gaussian process's spread is only as good as its
kernel, so it is calibrated on data the model did not see (normalised split
conformal prediction, Lei et al. 2018, "Distribution-free predictive inference
for regression", JASA 113:1094; Papadopoulos et al. 2002): the scores
``|z_true - z_pred| / s`` of out-of-fold predictions give the quantile ``q``
at the level ``ceil((n + 1) 0.9) / n``, and the 90 % interval is
``z_pred +/- q s``, mapped back to ``y`` (so it is asymmetric in ``y`` and
never below 0).

Calibrations per group (:func:`calibrate`):

``seen``
    5-fold cross-validation over all rows: the weather of a predicted row was
    trained on (the built-in year, a morph, a synthetic training year).
``unseen``
    leave-one-weather-out over the training weathers other than the built-in
    year (which always stays in training): the weather is new to the model,
    as an uploaded EPW or a real metered year is. A new weather shifts all its
    predictions alike, so the score divides by ``sqrt(s^2 + tau^2)``, ``tau``
    being the RMS of the per-weather mean residual. Needs at least two such
    weathers; else it is missing and a new weather gets the ``seen`` quantile
    (and, being outside the single training year, the domain warning).

``anchored``
    the same leave-one-weather-out, with the left-out weather's predictions
    anchored (:mod:`simulator.surrogate.anchor`) on its training row nearest
    the family's base building: that row's residual is taken from the others'
    (the anchor run is of the base itself, so this is the harder case), and
    ``tau`` is the RMS of the per-weather mean of what is left. The base alone
    (no measure anchors: the training weathers have none); the calibration set
    below replaces it with the anchoring used in practice (the base, its measure
    anchors and, where the local check joins their fit, nine of the year's own
    packages in turn, the others scored: :func:`_anchored_fits`).

Every fold keeps the test rows' buildings out of training on every weather
(:func:`building_folds`): the training design is crossed (the same building
on several weathers), and a row-wise split let the GP read a test row's answer
off its twin on another weather (the office's CV(RMSE) of heating was 1.9 %
row-wise and 3.6 % by building). All reuse the kernel of the full fit (each
fold only re-solves the GP), as the K-fold scores of
:func:`simulator.surrogate.training.train` do; that is slightly optimistic.

**The calibration set** (:mod:`simulator.surrogate.calset`), where it exists,
replaces these cross-validation quantiles (kept as ``cv_<name>``): retrofit
packages of every archetype run in EnergyPlus and never trained on, on the
built-in year (``seen``) and on six generator years that are no training
weather (``unseen``, ``anchored``; the weather-level scales ``tau`` stay those
of the leave-one-weather-out). This is split conformal prediction in its plain
form: the scores come from the kind of question the user asks (a package on an
archetype), whose error near the archetype is shared by all its packages and
invisible to cross-validation over the Sobol design. The coverage measured
against other fresh EnergyPlus runs (``retrofit surrogate check``, other seeds)
is the figure that counts.

**The local check** (:func:`local_quantiles`): on a weather outside training the
anchor (:func:`simulator.surrogate.engine.anchor_for`) also runs nine random
packages of the family there (``[surrogate_anchor] local_check``), which also join
the anchor's per-measure fit (at ``local_weight``), and scores the anchored
surrogate on each, fitted without it (leave-one-out), as the ``anchored``
calibration does; the load intervals on that weather take the calibration
quantile scaled by the ratio of the nine scores' RMS to the calibration
scores' RMS, never narrower (:func:`scaled_quantile`; the savings intervals
do not: below). The calibration set's years come from the project's own
generator, and a real year can leave larger errors than any of them: on the
real CSWD and TMYx years the anchored load intervals held 72-98 % before this
check (README, "Surrogate"). Nine is the fewest packages with a 90 %
split-conformal quantile (the largest of the nine scores); that quantile
alone, or the larger of it and the calibration's (the rule before), varies
from draw to draw far more than the RMS of the nine
(``benchmarks/bench_local_rule.py``).

Savings (:func:`savings_interval`): the baseline and the retrofitted building
share most of their error, so the spread of the saving uses the GP's
posterior covariance of the two predictions (delta method in ``y``); on a new
weather the weather-level bias, which scales both loads alike, adds
``tau |saving|`` in quadrature. The spread takes the loads' in-weather
quantile (as :mod:`simulator.chain_intervals` does): a quantile of the savings
themselves, from pairs of out-of-sample predictions (each package against its
archetype's as-is building in the calibration set), was narrower and held only
50-67 % of the office's and school's savings on the real held-out years
against 100 % with the loads' quantile (README, "Surrogate").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.surrogate.model import (
    LOG_OFFSET,
    SharedKernelGP,
    SurrogateModel,
    headline_z,
    refit_fixed,
)

LEVEL = 0.9
#: Normal quantile for the level, used where no calibration exists (a GP taken at its word).
Z_UNCALIBRATED = 1.6449
#: Output column of each interval group (the group's first target).
TARGET_OF = {"heating": "heating_kwh_m2", "cooling": "cooling_kwh_m2",
             "peak_heating": "peak_heating_w_m2", "peak_cooling": "peak_cooling_w_m2",
             "design_heating": "design_heating_w_m2", "design_cooling": "design_cooling_w_m2"}
CV_FOLDS = 5
#: Random draws of the local check's nine packages per calibration year (:func:`_anchored_fits`); each
#: scores the year's other packages, so a year's scores weigh alike whatever the draw.
LOCAL_SPLITS = 20


def conformal_quantile(scores: np.ndarray, level: float = LEVEL) -> float:
    """The split-conformal quantile: the ``ceil((n + 1) level)``-th smallest score (inf if n is too small)."""
    s = np.sort(np.asarray(scores, dtype=float)[np.isfinite(scores)])
    k = math.ceil((len(s) + 1) * level)
    return float(s[k - 1]) if 0 < k <= len(s) else float("inf")


def building_ids(model: SurrogateModel, X: pd.DataFrame) -> np.ndarray:
    """Integer id of each row's building: rows with equal family features (any weather) share one.

    The training design is crossed: the first points of each Sobol block are run on
    every training weather, so the same building appears on several weathers.
    """
    from simulator.surrogate.space import get_family

    names = get_family(model.family).feature_names
    _, ids = np.unique(np.round(X[names].to_numpy(dtype=float), 9), axis=0, return_inverse=True)
    return np.asarray(ids).ravel()


def building_folds(ids: np.ndarray, k: int, random_state: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """K folds of row positions (train, test) in which no building is on both sides.

    A fold that splits rows at random would keep a test row's building in training on
    the other weathers, and the Gaussian process interpolates across weather from it:
    the scores of new packages, which are what users ask about, would be optimistic.
    """
    uniq = np.unique(ids)
    k = max(2, min(k, len(uniq)))
    fold_of = np.empty(len(uniq), dtype=int)
    fold_of[np.random.default_rng(random_state).permutation(len(uniq))] = np.arange(len(uniq)) % k
    fold = fold_of[np.searchsorted(uniq, ids)]
    return [(np.flatnonzero(fold != i), np.flatnonzero(fold == i)) for i in range(k)]


@dataclass
class _Fold:
    """One refit's out-of-sample predictions of a test set (positions ``test`` in the full table)."""

    test: np.ndarray
    mean: dict[str, np.ndarray]  # z of each interval group
    spread: dict[str, np.ndarray]  # the GP spread in z (1 without a GP)
    pred: pd.DataFrame | None  # the model's full prediction table of the test rows, if asked for


def _fold(model: SurrogateModel, X: pd.DataFrame, Y: pd.DataFrame, train: np.ndarray, test: np.ndarray,
          table: bool = False) -> _Fold:
    m = refit_fixed(model, X.iloc[train], Y.iloc[train])
    mean, spread, _ = m.predict_z(X.iloc[test])
    pred = m.predict(X.iloc[test]) if table else None
    return _Fold(test, mean, {g: np.maximum(s, 1e-12) for g, s in spread.items()}, pred)


def calibrate(model: SurrogateModel, X: pd.DataFrame, Y: pd.DataFrame, level: float = LEVEL,
              random_state: int = 0, oof: list | None = None,
              calset: pd.DataFrame | None = None,
              calset_anchors: pd.DataFrame | None = None) -> dict[str, dict[str, float]]:
    """Conformal quantiles per interval group (``seen``, ``unseen``, ``anchored``; see the module).

    Returns ``{group: {"seen": q, "unseen": q, "anchored": q, "tau", "tau_anchored", "n_seen",
    "n_unseen", "level"}}``. ``X`` may carry ``weather_id``; the unseen and
    anchored entries are NaN with fewer than two non-built-in weathers. ``oof``: a list that
    receives the seen folds' out-of-sample prediction tables (the training's CV scores use them).
    ``calset_anchors``: the calibration set's anchor runs (:func:`simulator.surrogate.calset.load`
    with ``anchors=True``), which anchor its generator years as in use (base and measure anchors).

    Every fold keeps the test rows' buildings out of training on every weather
    (:func:`building_folds`): a prediction is asked for a new package.
    """
    from simulator.surrogate.dataset import WEATHER_NAME

    n = len(X)
    groups = model.interval_groups()
    ids = building_ids(model, X)
    wid = np.asarray(X["weather_id"], dtype=object) if "weather_id" in X.columns else np.full(n, WEATHER_NAME)
    seen = {g: [] for g in groups}
    for tr, te in building_folds(ids, min(CV_FOLDS, n), random_state):
        f = _fold(model, X, Y, tr, te, table=oof is not None)
        if oof is not None:
            oof.append(f.pred.set_axis(te))
        for g in groups:
            seen[g].append(np.abs(headline_z(Y.iloc[te], g) - f.mean[g]) / f.spread[g])
    out = {}
    for g in groups:
        s_seen = np.concatenate(seen[g])
        out[g] = {"seen": conformal_quantile(s_seen, level), "n_seen": float(len(s_seen)),
                  "unseen": float("nan"), "tau": 0.0, "n_unseen": 0.0, "level": level}
    others = [w for w in dict.fromkeys(wid) if w != WEATHER_NAME]
    if len(others) >= 2:
        _calibrate_new_weather(model, X, Y, ids, wid, others, level, random_state, out)
    if calset is not None and len(calset):
        _calibrate_on_set(model, calset, level, out, calset_anchors)
    return out


def _set_anchor(model: SurrogateModel, rows: pd.DataFrame, weather, reference: dict | None = None):
    """The :class:`~simulator.surrogate.anchor.Anchor` of a generator year from its anchor runs (row 0: the base)."""
    from simulator.surrogate.anchor import anchor_of_runs
    from simulator.surrogate.space import get_family

    fam = get_family(model.family)
    rows = rows.sort_values("row").reset_index(drop=True)
    if not len(rows) or int(rows["row"].iloc[0]) != 0:
        return None
    # without the built-in year's runs the base alone, as in use (engine.anchor_for)
    return anchor_of_runs(model, weather, str(rows["weather_id"].iloc[0]), fam.base_archetype,
                          rows["package"].fillna("").astype(str).tolist(), rows[list(fam.feature_names)], rows,
                          reference or None)


def _calibrate_on_set(model: SurrogateModel, cs: pd.DataFrame, level: float, out: dict,
                      anchors: pd.DataFrame | None = None) -> None:
    """Quantiles from the calibration set (:mod:`simulator.surrogate.calset`), written over the CV ones in ``out``.

    The built-in year's rows give ``seen``; the rows on generator years that are no training weather give
    ``unseen`` and ``anchored`` (anchored as in use, on the family's anchor runs of that weather in
    ``anchors`` where they exist, else on the family base archetype's as-is row there alone),
    with the weather-level scales ``tau`` of the leave-one-weather-out kept (eleven
    training weathers estimate a spread between years better than six calibration years). The CV
    quantiles stay under
    ``cv_<name>``.
    """
    from simulator.surrogate.anchor import anchor_reference
    from simulator.surrogate.dataset import WEATHER_NAME
    from simulator.surrogate.space import get_family
    from simulator.surrogate.weathers import load_weather

    fam = get_family(model.family)
    groups = model.interval_groups()
    scores = {(g, k): [] for g in groups for k in ("seen", "unseen", "anchored")}
    reference = {}
    if anchors is not None and len(anchors) and "weather_id" in anchors.columns:
        reference = anchor_reference(model, anchors[anchors["weather_id"] == WEATHER_NAME])
    weather_no = 0
    for w, rows_w in cs.groupby("weather_id", sort=False):
        rows_w = rows_w.reset_index(drop=True)
        weather = None if w == WEATHER_NAME else load_weather(w)
        seen = weather is None or model.physics_.is_training_weather(weather)
        X = rows_w[list(fam.feature_names)]
        mean, spread, _ = model.predict_z(X, weather)
        base = np.flatnonzero((rows_w["archetype"] == fam.base_archetype) & (rows_w["row"] == 0))
        anc = None
        if not seen and anchors is not None and len(anchors) and "weather_id" in anchors.columns:
            anc = _set_anchor(model, anchors[anchors["weather_id"] == w], weather, reference)
        fits = _anchored_fits(model, rows_w, X, weather, anc, base, weather_no) if len(base) else []
        weather_no += 0 if seen else 1
        for g in groups:
            e = headline_z(rows_w, g) - mean[g]
            s = np.maximum(spread[g], 1e-12)
            if seen:
                scores[(g, "seen")].append(np.abs(e) / s)
                continue
            tau, tau_a = out[g].get("tau", 0.0), out[g].get("tau_anchored", 0.0)
            scores[(g, "unseen")].append(np.abs(e) / np.sqrt(s**2 + tau**2))
            for fit, keep in fits:  # the base's own row is exact by construction: never scored
                shift = fit.correction(X, TARGET_OF[g]) if fit is not None else np.full(len(e), e[base[0]])
                scores[(g, "anchored")].append(np.abs(e[keep] - shift[keep]) / np.sqrt(s[keep] ** 2 + tau_a**2))
    for (g, k), parts in scores.items():
        if parts:
            out[g][f"cv_{k}"] = out[g].get(k, float("nan"))
            out[g][k] = conformal_quantile(np.concatenate(parts), level)
            out[g][f"n_set_{k}"] = float(sum(len(p) for p in parts))
            if k == "anchored":  # the local check's scale (scaled_quantile)
                out[g]["rms_anchored"] = _rms(np.concatenate(parts))


def _anchored_fits(model: SurrogateModel, rows: pd.DataFrame, X: pd.DataFrame, weather, anchor, base: np.ndarray,
                   seed: int) -> list[tuple[object, np.ndarray]]:
    """The anchored predictors of one calibration year and the rows each is scored on, as in use.

    Without a local check that joins the fit (``[surrogate_anchor] local_check`` 0 or ``local_weight``
    0): one pair, the anchor and every row but the family base's as-is row (``base``). With one, but
    no measure anchors on this year (``anchor`` None: the base's row alone corrects) or too few
    packages: that pair :data:`LOCAL_SPLITS` times, so the year weighs as much as the others. Otherwise, as the engine does
    on a new weather (:func:`simulator.surrogate.engine.anchor_for`), the anchor's per-measure fit also
    takes nine packages of the year (the family's archetypes in turn, none an archetype as is), which
    are then left out of the scores: :data:`LOCAL_SPLITS` random draws of them (deterministic in
    ``seed``), each scoring the other rows, so the quantile is that of the anchored surrogate as it
    predicts, packages it did not fit on (before, the local packages were not in the fit here and
    the quantile measured a weaker correction than the one in use: on the real years the load
    intervals held 97-100 % on seven of ten pairs).
    """
    from simulator.surrogate.anchor import local_settings, local_weight, with_local
    from simulator.surrogate.space import get_family

    every = np.arange(len(rows)) != base[0]
    n_local, _ = local_settings()
    weight = local_weight()
    if n_local == 0 or weight <= 0:
        return [(anchor, every)]
    pools = {a: np.flatnonzero(((rows["archetype"] == a) & (rows["row"] != 0)).to_numpy())
             for a in get_family(model.family).archetypes}
    order = [a for a in pools if len(pools[a])]
    if anchor is None or not anchor.points or sum(len(pools[a]) for a in order) < n_local + 1:
        # no fit to take the packages (or too few): the year's scores as they are, weighed as the other years'
        return [(anchor, every)] * LOCAL_SPLITS
    rng = np.random.default_rng(seed)
    pred = model.predict(X, weather)
    out = []
    for _ in range(LOCAL_SPLITS):
        left = {a: list(rng.permutation(pools[a])) for a in order}
        local: list[int] = []
        k = 0
        while len(local) < n_local:
            a = order[k % len(order)]
            k += 1
            if left[a]:
                local.append(int(left[a].pop()))
        idx = np.array(sorted(local))
        fit = with_local(anchor, X.iloc[idx], rows.iloc[idx], pred.iloc[idx], weight)
        keep = every.copy()
        keep[idx] = False
        out.append((fit, keep))
    return out


def _calibrate_new_weather(model, X, Y, ids, wid, others, level, random_state, out) -> None:
    """Leave-one-weather-out quantiles (``unseen``, ``anchored``) and scales ``tau``, written into ``out``.

    Each left-out weather's buildings are split in two halves; one half (alternating between
    weathers) is predicted by a refit without that weather and without the half's buildings on
    any weather: one refit per weather, as many as a plain leave-one-weather-out.
    """
    groups = model.interval_groups()
    res = {g: [] for g in groups}  # per weather: (signed residual in z, spread)
    res_a = {g: [] for g in groups}
    for i, w in enumerate(others):
        on_w = np.flatnonzero(wid == w)
        near = on_w[_nearest_to_base(model, X.iloc[on_w])]
        half = on_w[building_folds(ids[on_w], 2, random_state)[i % 2][1]]
        te = np.union1d(half, [near])  # the anchor's row is predicted too (its building may stay in training)
        f = _fold(model, X, Y, np.flatnonzero(~(np.isin(ids, ids[half]) | (wid == w))), te)
        k = int(np.searchsorted(te, near))
        rows = np.flatnonzero(np.isin(te, half))
        keep = rows[rows != k]
        for g in groups:
            e = headline_z(Y.iloc[te], g) - f.mean[g]
            res[g].append((e[rows], f.spread[g][rows]))
            res_a[g].append((e[keep] - e[k], f.spread[g][keep]))
    for g in groups:
        # a new weather shifts every prediction on it alike: the weather-level bias scale tau is the
        # RMS of the per-weather mean residual, and the score adds it to the point's own spread
        tau = float(np.sqrt(np.mean([np.mean(e) ** 2 for e, _ in res[g]])))
        scores = np.concatenate([np.abs(e) / np.sqrt(s**2 + tau**2) for e, s in res[g]])
        tau_a = float(np.sqrt(np.mean([np.mean(e) ** 2 for e, _ in res_a[g]])))
        scores_a = np.concatenate([np.abs(e) / np.sqrt(s**2 + tau_a**2) for e, s in res_a[g]])
        out[g].update(unseen=conformal_quantile(scores, level), tau=tau, n_unseen=float(len(scores)),
                      anchored=conformal_quantile(scores_a, level), tau_anchored=tau_a, rms_anchored=_rms(scores_a))


def _rms(scores: np.ndarray) -> float:
    """Root mean square of the finite scores (NaN if none)."""
    s = np.asarray(scores, dtype=float)
    s = s[np.isfinite(s)]
    return float(np.sqrt(np.mean(s**2))) if len(s) else float("nan")


def _nearest_to_base(model: SurrogateModel, X: pd.DataFrame) -> int:
    """Position of the row of ``X`` nearest the family's base building (features scaled by their ranges)."""
    from simulator.surrogate.space import base_building, features_of, get_family

    fam = get_family(model.family)
    base = features_of(base_building(fam), fam)
    names = fam.feature_names
    span = np.array([max(f.high - f.low, 1e-12) for f in fam.features])
    d = (((X[names].to_numpy(dtype=float) - np.array([base[n] for n in names], dtype=float)) / span) ** 2).sum(axis=1)
    return int(np.argmin(d))


def quantile(model: SurrogateModel, group: str, weather=None, anchored: bool = False) -> tuple[float, float, str]:
    """The quantile and weather-bias scale ``tau`` for a group on a weather, and which calibration gave them.

    The half width in ``z`` is ``q sqrt(s^2 + tau^2)``; ``tau`` is 0 on a training weather.
    ``anchored``: the predictions were corrected by anchor runs (:mod:`simulator.surrogate.anchor`).
    """
    cal = getattr(model, "calibration_", {}).get(group)
    if not cal:
        return Z_UNCALIBRATED, 0.0, "none"
    if model.physics_.is_training_weather(weather) or not np.isfinite(cal.get("unseen", float("nan"))):
        return float(cal["seen"]), 0.0, "seen"
    if anchored and np.isfinite(cal.get("anchored", float("nan"))):
        return float(cal["anchored"]), float(cal.get("tau_anchored", 0.0)), "anchored"
    return float(cal["unseen"]), float(cal.get("tau", 0.0)), "unseen"


def scaled_quantile(q_cal: float, scores: np.ndarray, rms_cal: float) -> float:
    """The local check's quantile: the calibration quantile scaled by the local scores' RMS over the calibration's.

    ``q_cal x max(1, RMS(scores) / rms_cal)``: the year's scores are taken to be the calibration
    set's, rescaled by what the local packages show; never narrower than the calibration. Inf
    (no quantile) with fewer finite scores than a 90 % split-conformal quantile needs (9).
    Without ``rms_cal`` (NaN: a calibration that did not record it) the scores' own conformal
    quantile (their largest of nine). Why the RMS and not the nine scores' own quantile (the
    rule before): the largest of nine scores covers 90 % only on average, one draw anywhere
    from about 70 to 100 %, and taking the larger of it and the calibration quantile held
    93.8-95.2 % on average on the calibration set's generator years (each year in turn the new
    one, ``benchmarks/bench_local_rule.py``); the scaled quantile held 92.1-93.4 %, with half
    widths x1.11-1.39 of the calibration's against x1.26-2.25.
    """
    sc = np.asarray(scores, dtype=float)
    sc = sc[np.isfinite(sc)]
    own = conformal_quantile(sc)
    if not np.isfinite(own):
        return float("inf")
    if not (np.isfinite(rms_cal) and rms_cal > 0):
        return own
    return float(q_cal * max(1.0, _rms(sc) / rms_cal))


def local_quantiles(model: SurrogateModel, weather, anchor, X: pd.DataFrame,
                    true: pd.DataFrame) -> tuple[dict[str, float], dict]:
    """Split-conformal quantiles of the anchored surrogate on the local check's packages of one weather.

    ``X`` the packages' features, ``true`` their EnergyPlus targets on ``weather``, ``anchor`` the
    family's anchor there. The scores are those of the ``anchored`` calibration (the same ``tau``),
    so they compare with it directly: each group's quantile is the calibration's scaled by their
    RMS over the calibration scores' (:func:`scaled_quantile`), never below it, and the intervals
    on the weather take it (:func:`predict_intervals`). The calibration set's generator years were drawn from the
    project's own weather generator; a real year can differ from all of them (wind, sky, the
    sequence of days) and leave the surrogate's error larger than they did, which only runs on the
    year itself reveal. Returns ``(quantiles, summary)``; the quantile of a group is missing when
    fewer than 9 packages have finite scores (no 90 % split-conformal quantile exists then) or when
    the model has no ``anchored`` calibration for it (then nothing is widened). Only the load
    intervals use them: the savings intervals (:func:`savings_interval`) keep the in-weather
    quantile, as the packages' errors on a weather are largely shared by their baseline.

    When the anchor's per-measure fit took these packages (:func:`~simulator.surrogate.anchor.with_local`;
    ``anchor.local_points`` one per row of ``X``, in order), each is scored, and its CV(RMSE) taken,
    on the anchor fitted without it (leave-one-out), so the quantile and the summary are those of
    packages the fit did not see (the jackknife form of a conformal quantile, Barber et al. 2021,
    Ann. Statist. 49:486; the plain jackknife used here, unlike their jackknife+, has no
    finite-sample guarantee, but each score is of a fit on eight packages where the correction in
    use has nine, so it errs wide).
    """
    from simulator.surrogate.anchor import apply

    X = X.reset_index(drop=True)
    true = true.reset_index(drop=True)
    loo = bool(anchor.local_points)
    if loo and len(anchor.local_points) != len(X):
        raise ValueError(f"local_quantiles: the anchor's fit took {len(anchor.local_points)} local packages, "
                         f"{len(X)} given")
    fits = [anchor.without_local(k) for k in range(len(X))] if loo else [anchor] * len(X)

    def correction(col: str) -> np.ndarray:
        if not loo:
            return anchor.correction(X, col, len(X))
        return np.array([fits[k].correction(X.iloc[[k]], col, 1)[0] for k in range(len(X))])

    mean, spread, _ = model.predict_z(X, weather)
    qs, vs = {}, {}
    for g in model.interval_groups():
        col = TARGET_OF[g]
        if col not in true.columns:
            continue
        q, tau, how = quantile(model, g, weather, anchored=True)
        if how != "anchored":  # the intervals widen only an anchored calibration (predict_intervals)
            continue
        z = mean[g] + correction(col)
        sc = np.abs(headline_z(true, g) - z) / np.sqrt(np.maximum(spread[g], 1e-12) ** 2 + tau**2)
        ql = scaled_quantile(q, sc, model.calibration_[g].get("rms_anchored", float("nan")))
        if np.isfinite(ql):
            qs[g] = ql
            vs[g] = round(ql / q, 3) if q > 0 else float("inf")
    raw = model.predict(X, weather)
    pred = pd.concat([apply(raw.iloc[[k]], fits[k], X.iloc[[k]]) for k in range(len(X))]) if loo else apply(raw, anchor, X)
    summary: dict = {"n": len(X), "quantile_over_calibration": vs,
                     "weight_in_fit": float(anchor.local_weight) if loo else 0.0}
    for col in ("heating_kwh_m2", "cooling_kwh_m2"):
        t, p = true[col].to_numpy(dtype=float), pred[col].to_numpy(dtype=float)
        ok = np.isfinite(t) & np.isfinite(p)
        if ok.sum() >= 2 and t[ok].mean() > 0:
            kind = col.split("_")[0]
            summary[f"{kind}_cvrmse_pct"] = round(float(100.0 * np.sqrt(np.mean((p[ok] - t[ok]) ** 2)) / t[ok].mean()), 2)
            summary[f"{kind}_max_error_kwh_m2"] = round(float(np.abs(p[ok] - t[ok]).max()), 3)
    return qs, summary


def _bounds(z: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo = np.clip(np.exp(z - half) - LOG_OFFSET, 0.0, None)
    hi = np.clip(np.exp(z + half) - LOG_OFFSET, 0.0, None)
    return lo, hi


def predict_intervals(model: SurrogateModel, X, weather=None, anchor=None) -> pd.DataFrame:
    """Point predictions with 90 % intervals.

    ``anchor``: an :class:`simulator.surrogate.anchor.Anchor` of the family on ``weather``
    (predictions and intervals corrected by it, the ``anchored`` calibration, widened to its
    local check's quantile where that is larger), or None.

    Returns
    -------
    DataFrame
        Every column of :meth:`SurrogateModel.predict`, plus ``<target>_p05`` and
        ``<target>_p95`` for the annual heating and cooling [kWh/m2] and the
        peaks [W/m2], ``<monthly>_p05/_p95`` for each month (the annual
        interval's ratios applied to the month), and ``interval_calibration``
        (``seen``, ``unseen``, ``anchored`` or ``none``, see :func:`quantile`).
    """
    from simulator.surrogate.anchor import apply

    pred = apply(model.predict(X, weather), anchor, X)
    mean, spread, _ = model.predict_z(X, weather)
    how = "none"
    for g in model.interval_groups():
        q, tau, how_g = quantile(model, g, weather, anchored=anchor is not None)
        if anchor is not None and how_g == "anchored":  # the local check on this weather, where it is wider
            q = max(q, float(anchor.local_q.get(g, 0.0)))
        how = how_g if g == "heating" else how
        col = TARGET_OF[g]
        z = mean[g] + (anchor.correction(X, col, len(X)) if anchor is not None else 0.0)
        lo, hi = _bounds(z, q * np.sqrt(spread[g] ** 2 + tau**2))
        # the point prediction is inside its interval by construction (both from the same z)
        pred[f"{col}_p05"] = lo
        pred[f"{col}_p95"] = hi
        if g in ("heating", "cooling"):
            total = pred[col].to_numpy()
            with np.errstate(invalid="ignore", divide="ignore"):
                r_lo = np.where(total > 0, lo / total, 0.0)
                r_hi = np.where(total > 0, hi / total, 0.0)
            for m in range(1, 13):
                mc = f"{g}_kwh_m2_m{m:02d}"
                pred[f"{mc}_p05"] = pred[mc].to_numpy() * r_lo
                pred[f"{mc}_p95"] = pred[mc].to_numpy() * r_hi
    pred["interval_calibration"] = how
    return pred


def savings_interval(model: SurrogateModel, X_base, X_retrofit, weather=None, group: str = "heating",
                     anchor=None) -> pd.DataFrame:
    """Saving ``baseline - retrofit`` [kWh/m2] per row pair with its 90 % interval.

    ``anchor``: corrects both predictions as in :func:`predict_intervals`; its local check
    (:attr:`~simulator.surrogate.anchor.Anchor.local_q`) does not widen the saving's interval,
    which takes the in-weather quantile (below).

    Returns
    -------
    DataFrame
        ``savings_kwh_m2``, ``savings_kwh_m2_p05``, ``savings_kwh_m2_p95`` and the
        same in percent of the predicted baseline (``savings_pct...``).
    """
    from simulator.surrogate.anchor import apply

    col = TARGET_OF[group]
    pb = apply(model.predict(X_base, weather), anchor, X_base)[col].to_numpy()
    pr = apply(model.predict(X_retrofit, weather), anchor, X_retrofit)[col].to_numpy()
    # the weather-level bias of a new weather moves baseline and retrofit alike and cancels in the
    # saving, so the saving takes the in-weather (seen) quantile
    cal = getattr(model, "calibration_", {}).get(group)
    q = float(cal["seen"]) if cal else Z_UNCALIBRATED
    reg = model.groups_[group]
    if isinstance(reg, SharedKernelGP):
        _, Zb = model.physics_.design(X_base, weather)
        _, Zr = model.physics_.design(X_retrofit, weather)
        sb, sr, cov = reg.predict_spread_pair(Zb, Zr)
    else:
        sb = sr = np.ones(len(pb))
        cov = np.zeros(len(pb))
    gb, gr = pb + LOG_OFFSET, pr + LOG_OFFSET  # dy/dz = y + 0.1
    var = (gb * sb) ** 2 + (gr * sr) ** 2 - 2.0 * gb * gr * cov
    half = q * np.sqrt(np.clip(var, 0.0, None))
    sav = pb - pr
    q_u, tau, how = quantile(model, group, weather, anchored=anchor is not None)
    if how in ("unseen", "anchored"):  # a weather-level bias scales both loads alike: it moves the saving by ~ tau x saving
        half = np.sqrt(half**2 + (q_u * tau * sav) ** 2)
    out = pd.DataFrame({"savings_kwh_m2": sav, "savings_kwh_m2_p05": sav - half, "savings_kwh_m2_p95": sav + half})
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in list(out.columns):
            out[c.replace("kwh_m2", "pct")] = np.where(pb > 0, 100.0 * out[c] / pb, np.nan)
    return out
