"""Anchoring the surrogate to EnergyPlus runs on a weather year it was not trained on.

On a new weather most of the surrogate's error is shared by every building of
a family: the physical estimate and its learned correction carry over from
the training weathers only as far as those weathers resemble the new one, and
the training weathers (the built-in year, its morphs and synthetic variations
from one generator) differ from each other less than real years differ from
them. On the real Tianjin CSWD and TMYx 2011-2025 years (never trained on) the
mean error of annual heating reached 10 % and of cooling 16 %, nearly alike for
every package of an archetype (``benchmarks/results/surrogate_heldout.md``).

One EnergyPlus run measures most of that shared error: the family's base archetype
(:func:`simulator.surrogate.space.base_building`) is simulated on the weather
(once; the run cache keeps it), predicted by the surrogate, and every
prediction of the family on that weather is then corrected by the ratio
(an :class:`Anchor`):

* each headline output ``y`` (annual heating and cooling [kWh/m2], the peaks
  and design loads [W/m2]): ``log(y + 0.1)`` moves by
  ``log(y_EnergyPlus + 0.1) - log(y_surrogate + 0.1)`` of the base building;
* the monthly split of heating and cooling: each month's share is multiplied
  by the base building's ratio of EnergyPlus to surrogate share (months where
  either share is below :data:`MIN_SHARE` keep theirs), then renormalised, so
  months still add up to the year.

The correction is exact for the base building and carries the shared part of
the error to the others; what it leaves is calibrated on the calibration set's
generator years, anchored there as in use (the ``anchored`` quantile,
:func:`simulator.surrogate.intervals.calibrate`; leave-one-weather-out over the
training weathers without a calibration set). A training weather needs no
anchor (:func:`simulator.surrogate.engine.anchor_for` makes the run and returns None there).

**Measure anchors.** What one run cannot carry is the part of the error that
depends on the package: on a real year the surrogate misjudges what some
measures save (on TMYx 2011-2025 it over-predicts what heat recovery saves in
the office and under-predicts the envelope measures; on CSWD the floor
insulation), so a single ratio leaves savings errors of 4-6 percentage points
there. So the anchor also runs the base with each single measure of
``[surrogate_anchor] measures`` in ``simulator/data/model_assumptions.toml``
(eight runs: wall, roof and floor insulation, windows, airtightness, heat
recovery, thermostatic valves, LED lighting). Each measure anchor ``j`` gives
``e_j``: its log ratio less the base's, less the same on the built-in year (a
training year: the calibration set's anchor runs there, committed), so only
what the new weather changes in the surrogate's error on the measure is
carried, not the error it has on its training years too (which a package
does not share with the anchor). The annual heating and cooling of a
building ``x`` then move by ``r_0 + d(x) . beta``, where ``d`` is ``x``'s
feature change from the base in units of the feature ranges and ``beta`` the
ridge solution (penalty ``ridge``, same file) of ``D beta = e`` over the
measure anchors' changes ``D``: a first-order, per-measure correction, exact
at the base, that a package takes in proportion to how far it moves each
feature. The peaks, design loads and month shares keep the base's ratio.

This module holds the correction and the anchor buildings (no model fitting,
no EnergyPlus run), so the interval and calibration-set code can use it
without an import cycle.

**Local check.** Beside those runs the anchor runs ``local_check`` random
packages of the family on the weather (:func:`local_buildings`, nine by
default). They join the per-measure fit as rows of weight ``local_weight``
(0.1; a measure anchor's is 1; :func:`with_local`): a package mixes several
measures and carries the surrogate's own residual, so it counts less than a
clean single-measure run, but it shows what the measure anchors miss (on the
calibration set's generator years the sum over the five archetypes of the
savings error p95 fell from 15.5 to 13.3 pp, ``benchmarks/bench_local_weight.py``).
The anchored surrogate's errors on them, each on the fit without it
(leave-one-out), rescale the calibration set's quantile on that weather
itself where they are larger than the calibration set's (:attr:`Anchor.local_q`,
:func:`simulator.surrogate.intervals.local_quantiles`).

The anchor costs one EnergyPlus run of the base, one per measure anchor and
nine for the local check per family and weather (17-18 runs, 31-43 s on two
cores, ``benchmarks/bench_anchor_cost.py``; the run cache keeps them);
predictions after it stay in milliseconds. Without the
measure anchors' runs on the built-in year (a dataset folder without them)
the base's run alone anchors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from buildings.model import Building
from simulator.sourced_data import load_data
from simulator.surrogate.groups import _log, _shares, _unlog

log = logging.getLogger(__name__)

#: A month's share of the annual load below which its anchor ratio is not used [-] (1 %: a ratio of
#: two near-zero shares is noise, and such months carry under 1 % of the year).
MIN_SHARE = 0.01
#: Largest correction of an annual output by an anchor, as a factor [-]: beyond it the weather is
#: too far from the training weathers for a correction to be trusted (the run still anchors, and
#: the caller is told through :attr:`Anchor.problems`). Estimate: twice the largest held-out error.
MAX_FACTOR = 1.5
HEADLINE = ("heating_kwh_m2", "cooling_kwh_m2", "peak_heating_w_m2", "peak_cooling_w_m2",
            "design_heating_w_m2", "design_cooling_w_m2")
#: Outputs the measure anchors correct per package (the others keep the base's ratio).
MEASURE_COLUMNS = ("heating_kwh_m2", "cooling_kwh_m2")
KINDS = ("heating", "cooling")


@dataclass(frozen=True)
class Anchor:
    """The correction of one family's predictions on one weather.

    Attributes
    ----------
    family
        Family name.
    weather_id
        Content hash of the weather.
    building
        Name of the base building that was simulated.
    log_ratio
        Headline column -> ``log(y_E+ + 0.1) - log(y_sur + 0.1)`` of the base building [-].
    month_ratio
        ``"heating"``/``"cooling"`` -> 12 factors on the monthly shares [-].
    energyplus_s
        Wall time of the EnergyPlus runs (0 when they came from the run cache) [s].
    measures
        Labels of the measure anchors (empty: the base run alone).
    feature_names, base_point, points, span
        The family's features, the base building's and each measure anchor's values of them, and
        the features' ranges (the unit of a feature change).
    point_log_ratio
        Column of :data:`MEASURE_COLUMNS` -> each measure anchor's log ratio [-].
    ridge
        Ridge penalty of the per-measure fit [-] (in squared feature changes per range).
    point_reference
        Column -> each measure anchor's log ratio less the base's on the built-in year [-], a
        training year (0 where unknown): the part of the surrogate's error on a measure that it has
        on its own training years too; the fit uses only the change on the new weather.
    local_q
        Interval group -> the calibration set's quantile scaled by the RMS of the anchored surrogate's
        scores on the local check's packages over the calibration scores' RMS, never below it (each
        package scored leave-one-out when they are in the per-measure fit;
        :func:`simulator.surrogate.intervals.local_quantiles`); the intervals on this weather take it.
        Empty: no local check.
    local
        Summary of the local check (number of packages, CV(RMSE) of annual heating and cooling [%],
        largest error [kWh/m2], each group's quantile against the calibration set's) for reports.
    local_points, local_log_ratio, local_weight
        The local check's packages' features and log ratios (column of :data:`MEASURE_COLUMNS` ->
        one per package) and their weight in the per-measure fit against a measure anchor's 1
        (:func:`with_local`). Empty: the measure anchors alone fit.
    """

    def correction(self, X: pd.DataFrame | None, column: str, n: int | None = None) -> np.ndarray:
        """The log correction of ``column`` for each row of ``X`` (the base's ratio where no measure fit applies).

        ``X`` holds the family's features; it may be None for a column without a measure fit or an
        anchor without measure anchors (then ``n`` rows, default 1, get the base's ratio).
        """
        r0 = self.log_ratio.get(column, 0.0)
        rows = len(X) if X is not None else (n or 1)
        if not self.points or column not in self.point_log_ratio:
            return np.full(rows, r0)
        if X is None:
            raise ValueError(f"the measure anchors of {self.family} correct {column} per building: pass its features")
        beta = self._beta(column)
        d = (np.asarray(X[list(self.feature_names)], dtype=float) - np.asarray(self.base_point)) / np.asarray(self.span)
        return r0 + d @ beta

    def _beta(self, column: str) -> np.ndarray:
        """Per-feature slope of the log correction.

        The ridge fit over the measure anchors and, weighted by :attr:`local_weight`, the local
        check's packages: minimises ``sum_j (d_j . beta - e_j)^2 + w sum_i (d_i . beta - e_i)^2 +
        ridge |beta|^2`` (``j`` measure anchors, ``i`` local packages).
        """
        b, span = np.asarray(self.base_point), np.asarray(self.span)
        D = (np.asarray(self.points) - b) / span
        e = np.asarray(self.point_log_ratio[column]) - self.log_ratio.get(column, 0.0)
        e = e - np.asarray(self.point_reference.get(column, np.zeros(len(e))))
        if self.local_points and self.local_weight > 0 and column in self.local_log_ratio:
            sw = np.sqrt(self.local_weight)
            D = np.vstack([D, sw * (np.asarray(self.local_points) - b) / span])
            e = np.concatenate([e, sw * (np.asarray(self.local_log_ratio[column]) - self.log_ratio.get(column, 0.0))])
        return D.T @ np.linalg.solve(D @ D.T + self.ridge * np.eye(len(D)), e)

    def at_base(self, X: pd.DataFrame) -> np.ndarray:
        """Whether each row of ``X`` is the anchor's base building (its features, to 1e-9): there the
        anchored prediction of every corrected output is the base's EnergyPlus run on this weather.

        All False for an anchor that did not record the base's features (no measure anchors).
        """
        if not self.base_point or not self.feature_names or not set(self.feature_names) <= set(X.columns):
            return np.zeros(len(X), dtype=bool)
        v = np.asarray(X[list(self.feature_names)], dtype=float)
        return np.isclose(v, np.asarray(self.base_point, dtype=float), rtol=1e-9, atol=1e-12).all(axis=1)

    def without_local(self, k: int) -> Anchor:
        """This anchor with the local check's package ``k`` left out of the fit (its leave-one-out score)."""
        from dataclasses import replace

        keep = [i for i in range(len(self.local_points)) if i != k]
        return replace(self, local_points=tuple(self.local_points[i] for i in keep),
                       local_log_ratio={c: tuple(v[i] for i in keep) for c, v in self.local_log_ratio.items()})

    @property
    def measure_effects(self) -> dict[str, dict[str, float]]:
        """Column -> measure label -> what the weather changes in the surrogate's error on the measure, as a factor [-].

        The measure anchor's log ratio less the base's, less the same on the built-in year.
        """
        out = {}
        for c, rs in self.point_log_ratio.items():
            ref = self.point_reference.get(c, (0.0,) * len(rs))
            out[c] = {m: float(np.exp(r - self.log_ratio.get(c, 0.0) - f))
                      for m, r, f in zip(self.measures, rs, ref, strict=True)}
        return out

    family: str
    weather_id: str
    building: str
    log_ratio: dict[str, float] = field(hash=False)
    month_ratio: dict[str, tuple[float, ...]] = field(hash=False)
    energyplus_s: float = 0.0
    measures: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()
    base_point: tuple[float, ...] = ()
    points: tuple[tuple[float, ...], ...] = ()
    point_log_ratio: dict[str, tuple[float, ...]] = field(default_factory=dict, hash=False)
    span: tuple[float, ...] = ()
    ridge: float = 0.0
    point_reference: dict[str, tuple[float, ...]] = field(default_factory=dict, hash=False)
    local_q: dict[str, float] = field(default_factory=dict, hash=False)
    local: dict = field(default_factory=dict, hash=False)
    local_points: tuple[tuple[float, ...], ...] = ()
    local_log_ratio: dict[str, tuple[float, ...]] = field(default_factory=dict, hash=False)
    local_weight: float = 0.0

    @property
    def factors(self) -> dict[str, float]:
        """Headline column -> multiplicative correction at the base building's load [-]."""
        return {c: float(np.exp(r)) for c, r in self.log_ratio.items()}

    @property
    def problems(self) -> list[str]:
        """Corrections beyond :data:`MAX_FACTOR` either way, as sentences (empty: none)."""
        out = [f"the anchor run corrects {c} by x{f:.2f} (beyond x{MAX_FACTOR:g} or /{MAX_FACTOR:g}): "
               f"the weather is far from the training weathers; prefer EnergyPlus"
               for c, f in self.factors.items() if not 1.0 / MAX_FACTOR <= f <= MAX_FACTOR]
        out += [f"the measure anchor {m} changes the correction of {c} by x{f:.2f} (beyond x{MAX_FACTOR:g} or "
                f"/{MAX_FACTOR:g}): the surrogate misjudges that measure on this weather; prefer EnergyPlus"
                for c, d in self.measure_effects.items() for m, f in d.items()
                if not 1.0 / MAX_FACTOR <= f <= MAX_FACTOR]
        for c, rs in self.local_log_ratio.items():  # the local packages in the fit: the worst one per output
            f = float(np.exp(max((r - self.log_ratio.get(c, 0.0) for r in rs), key=abs, default=0.0)))
            if not 1.0 / MAX_FACTOR <= f <= MAX_FACTOR:
                out.append(f"a local check package's {c} is off by x{f:.2f} more than the base's (beyond "
                           f"x{MAX_FACTOR:g} or /{MAX_FACTOR:g}): the surrogate misjudges packages on this weather; "
                           f"prefer EnergyPlus")
        return out

    def to_dict(self) -> dict:
        return {"family": self.family, "weather_id": self.weather_id, "building": self.building,
                "factors": {c: round(f, 4) for c, f in self.factors.items()},
                "runs": 1 + len(self.points) + int(self.local.get("n", 0)),
                "local_check": dict(self.local),
                "measure_factors": {c: {m: round(f, 4) for m, f in d.items()} for c, d in self.measure_effects.items()},
                "energyplus_s": round(self.energyplus_s, 1), "problems": self.problems}


def _months(frame: pd.DataFrame | pd.Series, kind: str) -> np.ndarray:
    """The 12 monthly loads of ``kind`` of each row, shape (n, 12) [kWh/m2]."""
    cols = [f"{kind}_kwh_m2_m{m:02d}" for m in range(1, 13)]
    return np.asarray(frame[cols], dtype=float).reshape(-1, 12)


def _corrected_months(monthly: np.ndarray, annual: np.ndarray, ratio) -> np.ndarray:
    """Months (n, 12) re-split by the anchor's share ratios (renormalised) and scaled to ``annual`` (n,)."""
    return _shares(_shares(monthly) * np.asarray(ratio)[None, :]) * annual[:, None]


def anchor_from(family: str, weather_id: str, building: str, true: pd.Series, pred: pd.Series,
                energyplus_s: float = 0.0) -> Anchor:
    """The anchor from the base building's EnergyPlus targets ``true`` and surrogate prediction ``pred``."""
    log_ratio = {}
    for c in HEADLINE:
        if c in pred.index and c in true.index and np.isfinite(pred[c]) and np.isfinite(true[c]):
            log_ratio[c] = float(_log(true[c]) - _log(pred[c]))
    month_ratio = {}
    for kind in KINDS:
        st, sp = _shares(_months(true, kind))[0], _shares(_months(pred, kind))[0]
        ok = (st >= MIN_SHARE) & (sp >= MIN_SHARE)
        month_ratio[kind] = tuple(float(x) for x in np.where(ok, st / np.where(ok, sp, 1.0), 1.0))
    return Anchor(family, weather_id, building, log_ratio, month_ratio, energyplus_s)


def with_measures(anchor: Anchor, feature_names, span, base_x: pd.Series, labels, points_x: pd.DataFrame,
                  true: pd.DataFrame, pred: pd.DataFrame, ridge: float, energyplus_s: float | None = None,
                  reference: dict[str, dict[str, float]] | None = None) -> Anchor:
    """``anchor`` with measure anchors: ``labels`` and their features ``points_x``, EnergyPlus ``true`` and surrogate ``pred``.

    ``reference``: measure label -> column -> the same anchor's log ratio less the base's on the
    built-in year (:attr:`Anchor.point_reference`; a label missing there counts 0). A measure
    anchor whose features equal the base's (the measure changes nothing the family's features
    see) or whose targets are not finite is left out.
    """
    from dataclasses import replace

    names = list(feature_names)
    b = np.asarray(base_x[names], dtype=float)
    P = np.asarray(points_x[names], dtype=float).reshape(-1, len(names))
    keep = [k for k in range(len(P)) if not np.allclose(P[k], b, rtol=0, atol=1e-12)
            and all(np.isfinite(true.iloc[k][c]) and np.isfinite(pred.iloc[k][c]) for c in MEASURE_COLUMNS)]
    if not keep:
        return anchor
    ratios = {c: tuple(float(_log(true.iloc[k][c]) - _log(pred.iloc[k][c])) for k in keep) for c in MEASURE_COLUMNS}
    ref = reference or {}
    refs = {c: tuple(float(ref.get(str(labels[k]), {}).get(c, 0.0)) for k in keep) for c in MEASURE_COLUMNS}
    return replace(anchor, measures=tuple(str(labels[k]) for k in keep), feature_names=tuple(names),
                   base_point=tuple(float(v) for v in b), points=tuple(tuple(float(v) for v in P[k]) for k in keep),
                   point_log_ratio=ratios, span=tuple(float(max(v, 1e-12)) for v in span), ridge=float(ridge),
                   point_reference=refs,
                   energyplus_s=anchor.energyplus_s if energyplus_s is None else float(energyplus_s))


def with_local(anchor: Anchor, X: pd.DataFrame, true: pd.DataFrame, pred: pd.DataFrame, weight: float) -> Anchor:
    """``anchor`` whose per-measure fit also takes the local check's packages, at ``weight`` each.

    ``X`` the packages' features, ``true`` their EnergyPlus targets on the anchor's weather and
    ``pred`` the surrogate's predictions there (rows alike; every value of :data:`MEASURE_COLUMNS`
    finite). A package's log ratio less the base's is what the fit matches at its feature change,
    as a measure anchor's is; unlike a measure anchor it has no built-in-year reference (the
    packages are not run on the built-in year; there the surrogate's error on a package is its
    training residual, ~1-2 %, which the fit then takes as part of what the weather changes: noise
    the small weight keeps small). Without measure anchors (no fit) or at ``weight`` 0 the anchor is
    returned unchanged.
    """
    from dataclasses import replace

    if not anchor.points or weight <= 0 or not len(X):
        return anchor
    ratios = {}
    for c in MEASURE_COLUMNS:
        r = np.asarray(_log(true[c].to_numpy(dtype=float)) - _log(pred[c].to_numpy(dtype=float)), dtype=float)
        if not np.isfinite(r).all():
            raise ValueError(f"with_local: non-finite {c} in the local check's runs or predictions")
        ratios[c] = tuple(float(v) for v in r)
    P = np.asarray(X[list(anchor.feature_names)], dtype=float).reshape(-1, len(anchor.feature_names))
    return replace(anchor, local_points=tuple(tuple(float(v) for v in row) for row in P), local_log_ratio=ratios,
                   local_weight=float(weight))


def anchor_of_runs(model, weather, weather_id: str, building: str, labels, X: pd.DataFrame, true: pd.DataFrame,
                   reference: dict[str, dict[str, float]] | None, ridge: float | None = None,
                   energyplus_s: float = 0.0) -> Anchor:
    """The anchor from a family's anchor runs on a weather: row 0 the base, the others its measure anchors.

    ``X`` the runs' features, ``true`` their EnergyPlus targets, ``labels`` their measures (row 0's
    ignored). ``reference`` None: the base alone (no measure anchors); a mapping (possibly empty):
    the measure anchors with that built-in-year reference (:func:`with_measures`). ``ridge``
    defaults to :func:`anchor_ridge`. The base is predicted alone, as a single building is in use
    (the physical estimate runs in float32, and batches of other sizes differ by ~1e-7), so it
    comes out exactly as EnergyPlus's.
    """
    from simulator.surrogate.space import get_family

    fam = get_family(model.family)
    X = X.reset_index(drop=True)
    true = true.reset_index(drop=True)
    pred = model.predict(X.iloc[:1], weather)
    if len(X) > 1:
        pred = pd.concat([pred, model.predict(X.iloc[1:], weather)], ignore_index=True)
    a = anchor_from(fam.name, weather_id, building, true.iloc[0], pred.iloc[0], energyplus_s)
    if len(X) > 1 and reference is not None:
        a = with_measures(a, fam.feature_names, [f.high - f.low for f in fam.features], X.iloc[0], list(labels)[1:],
                          X.iloc[1:], true.iloc[1:], pred.iloc[1:], anchor_ridge() if ridge is None else ridge,
                          reference=reference)
    return a


def apply(pred: pd.DataFrame, anchor: Anchor | None, X: pd.DataFrame | None = None) -> pd.DataFrame:
    """Predictions corrected by an anchor (a new frame; ``anchor`` None returns ``pred`` unchanged).

    Headline outputs move by the anchor's log correction (the base's ratio, and for the annual
    heating and cooling the measure anchors' per-package term, which needs the rows' features
    ``X``); the monthly heating and cooling take the corrected annual totals split by the corrected
    shares.
    """
    if anchor is None:
        return pred
    out = pred.copy()
    for c in anchor.log_ratio:
        if c in out.columns:
            out[c] = _unlog(_log(out[c]) + anchor.correction(X, c, len(out)))
    for kind in KINDS:
        cols = [f"{kind}_kwh_m2_m{m:02d}" for m in range(1, 13)]
        if set(cols) <= set(out.columns):
            out[cols] = _corrected_months(_months(pred, kind), out[f"{kind}_kwh_m2"].to_numpy(),
                                          anchor.month_ratio[kind])
    return out


def apply_monthly(heating_m: np.ndarray, cooling_m: np.ndarray, anchor: Anchor | None,
                  X: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`apply` on monthly arrays only (n, 12) [kWh/m2] (the calibration sampler's fast path)."""
    if anchor is None:
        return heating_m, cooling_m
    out = []
    for kind, monthly in (("heating", heating_m), ("cooling", cooling_m)):
        annual = _unlog(_log(monthly.sum(axis=1)) + anchor.correction(X, f"{kind}_kwh_m2", len(monthly)))
        out.append(_corrected_months(monthly, annual, anchor.month_ratio[kind]))
    return out[0], out[1]


def anchor_measures() -> tuple[str, ...]:
    """The measure anchors' measures (``model_assumptions.toml [surrogate_anchor] measures``)."""
    return tuple(load_data("model_assumptions")["surrogate_anchor"]["measures"])


def anchor_ridge() -> float:
    """Ridge penalty of the measure anchors' fit [-] (``model_assumptions.toml [surrogate_anchor] ridge``)."""
    return float(load_data("model_assumptions")["surrogate_anchor"]["ridge"])


def anchor_buildings(family) -> list[tuple[str, Building]]:
    """The anchor runs of a family: ``("", base)`` first, then ``(measure, base with it)`` per measure anchor.

    A measure that does not apply to the base (a validation error), whose building leaves the
    family's domain or whose features equal the base's (the thermostatic valves in the office) is
    left out with a logged note.
    """
    from buildings import measures as M
    from simulator.exceptions import ValidationError
    from simulator.surrogate.space import base_building, domain_violations, features_of, get_family

    fam = get_family(family)
    base = base_building(fam)
    base_x = features_of(base, fam)
    out = [("", base)]
    for spec in anchor_measures():
        try:
            b = M.apply(base, M.package([spec]))
        except ValidationError as exc:
            log.info("measure anchor %s does not apply to %s: %s", spec, base.name, exc)
            continue
        if domain_violations(b, fam):
            log.info("measure anchor %s leaves the domain of %s; left out", spec, fam.name)
            continue
        if np.allclose(list(features_of(b, fam).values()), list(base_x.values()), rtol=0, atol=1e-12):
            log.info("measure anchor %s changes no feature of %s; left out", spec, fam.name)
            continue
        out.append((spec, b.replace(name=f"{base.name}-anchor-{spec.split(':')[0]}")))
    return out


#: Fewest packages for which a 90 % split-conformal quantile exists: ceil((n + 1) 0.9) <= n.
MIN_LOCAL = 9


def local_settings() -> tuple[int, int]:
    """Packages and seed of the local check (``model_assumptions.toml [surrogate_anchor] local_check, local_seed``).

    Raises
    ------
    ValidationError
        If ``local_check`` is neither 0 (no local check) nor at least :data:`MIN_LOCAL`.
    """
    from simulator.exceptions import ValidationError

    d = load_data("model_assumptions")["surrogate_anchor"]
    n = int(d.get("local_check", 0))
    if n != 0 and n < MIN_LOCAL:
        raise ValidationError([f"model_assumptions.toml [surrogate_anchor] local_check: {n} packages give no 90 % "
                               f"conformal quantile; use 0 (no local check) or at least {MIN_LOCAL}"])
    return n, int(d.get("local_seed", 0))


def local_weight() -> float:
    """Weight of a local check package in the per-measure fit, a measure anchor's being 1 [-].

    ``model_assumptions.toml [surrogate_anchor] local_weight``; 0: the local check corrects nothing.

    Raises
    ------
    ValidationError
        If it is not a finite number between 0 and 1.
    """
    from simulator.exceptions import ValidationError

    v = load_data("model_assumptions")["surrogate_anchor"].get("local_weight", 0.0)
    w = float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else float("nan")
    if not 0.0 <= w <= 1.0:
        raise ValidationError([f"model_assumptions.toml [surrogate_anchor] local_weight: {v!r} is not a number "
                               f"from 0 (the local check corrects nothing) to 1 (as much as a measure anchor)"])
    return w


def local_buildings(family, n: int | None = None, seed: int | None = None) -> list[tuple[str, Building]]:
    """The local check's buildings: ``n`` random packages (:func:`~simulator.surrogate.sampling.random_package`).

    The archetypes of the family take turns; a package whose building leaves the family's domain is
    drawn again. Deterministic in ``seed``, so the run cache keeps them per weather.
    """
    import archetypes
    from buildings import measures as M
    from simulator.exceptions import ValidationError
    from simulator.surrogate.sampling import random_package
    from simulator.surrogate.space import domain_violations, get_family

    fam = get_family(family)
    n0, s0 = local_settings()
    n = n0 if n is None else n
    rng = np.random.default_rng(s0 if seed is None else seed)
    bases = [archetypes.load(a) for a in fam.archetypes]
    out: list[tuple[str, Building]] = []
    tries = 0
    while len(out) < n and tries < 20 * max(n, 1):
        base = bases[len(out) % len(bases)]
        pkg = random_package(rng, base)
        tries += 1
        try:
            b = M.apply(base, pkg).replace(name=f"{base.name}-local-{len(out):03d}")
        except ValidationError:  # a package that does not apply to this archetype: draw again
            continue
        if not domain_violations(b, fam):
            out.append((" + ".join(m.label for m in pkg), b))
    if len(out) < n:
        log.warning("local check of %s: only %d of %d random packages stayed inside the domain", fam.name, len(out), n)
    return out


def anchor_reference(model, rows: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Measure label -> output -> its anchor run's log ratio less the base's, on the built-in year.

    ``rows``: a family's anchor runs on the built-in year (the calibration set's
    ``anchors-<family>@tianjin.csv``; row 0 the base). Empty without them (the measure anchors then
    carry the whole of their error; :attr:`simulator.surrogate.anchor.Anchor.point_reference`).
    """
    from simulator.surrogate.space import get_family

    fam = get_family(model.family)
    rows = rows.sort_values("row").reset_index(drop=True)
    if not len(rows) or int(rows["row"].iloc[0]) != 0:
        return {}
    pred = model.predict(rows[list(fam.feature_names)])
    r = {c: np.asarray(_log(rows[c]) - _log(pred[c]), dtype=float) for c in MEASURE_COLUMNS}
    return {str(rows["package"].iloc[k]): {c: float(r[c][k] - r[c][0]) for c in MEASURE_COLUMNS}
            for k in range(1, len(rows))}
