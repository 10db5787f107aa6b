"""The surrogate estimator: physics-informed scikit-learn regressors per output group.

:class:`SurrogateModel` is a scikit-learn estimator (parameters in ``__init__``,
learning in :meth:`~SurrogateModel.fit`, learned attributes ending in ``_``).
It predicts, per m2 of floor, the annual and monthly heating and cooling ideal
loads, the peak loads and the solar transmitted by the windows from a
family's feature table.

How
---
1. :class:`~simulator.surrogate.features.PhysicsFeatures` adds to the raw
   features the heat-loss coefficients, solar apertures and the logarithms of a
   fast physical estimate of the loads (:mod:`simulator.surrogate.physics`);
   the regressors learn the correction.
2. One regressor per output group (``heating``, ``cooling``, ``peak_heating``,
   ``peak_cooling``, ``window_solar``, and ``design_heating`` /
   ``design_cooling`` when every training row has them) on standardised
   inputs, each learning its group's encoding of the targets
   (:mod:`simulator.surrogate.groups`: logs of the annual totals and peaks,
   monthly shares against the physical estimate's, the peak heating capped at
   the capacity sized on the predicted design load). On a weather outside the
   training years the monthly heating split comes from
   :class:`~simulator.surrogate.groups.MonthlyHeating`.

   Kinds: ``"gp"`` (Gaussian process, ARD Matern 5/2 x constant + white noise,
   hyperparameters fitted on the group's first column by maximum marginal
   likelihood, the other columns solved with the same kernel), ``"hgb"``
   (histogram gradient boosting, one per column) and ``"mlp"`` (multi-layer
   perceptron on standardised targets). :func:`compare_models` ranks them by
   K-fold cross-validation; :data:`DEFAULT_KINDS` holds the choice.

Code by concern: the model inputs (:class:`PhysicsFeatures`, the per-process
climate and weather-feature caches) are in :mod:`simulator.surrogate.features`,
the output-group encoders (:class:`_Group`, :class:`MonthlyHeating`, the
heating capacity factor) in :mod:`simulator.surrogate.groups`, the regressors
in :mod:`simulator.surrogate.regressors`, the scores, K-fold selection,
training and the model cache in :mod:`simulator.surrogate.training`, the
storage without pickle in :mod:`simulator.surrogate.persistence`; this module
keeps the estimator (:class:`SurrogateModel`, :func:`refit_fixed`,
:func:`headline_z`, :data:`PREDICTED`, :data:`MODEL_FORMAT`). The names of
features, groups and regressors are still importable from here; training and
persistence (``load_model``, ``train``, ``metrics``, ``read_model``...) are
imported from their own modules: this module imports neither, so there is no
import cycle, hidden or not.

Persistence: :func:`simulator.surrogate.training.load_model` trains from the committed dataset on first use
and caches the fitted model with its metadata (feature names with units,
valid ranges, data hash, library versions, CV scores) in the cache folder
(``$HONGQIAO_CACHE_DIR/surrogate``); a changed dataset, library version or
model format retrains. Nothing fitted is ever committed.

The cache folder is writable by others than the code's authors, so a cached
model is *data that cannot run code*: the fitted parameters (arrays and
numbers) in one ``.npz`` file read with ``allow_pickle=False``, plus a JSON
description of the object structure, rebuilt by this package's own
constructors (:func:`model_state` / :func:`model_from_state`). No pickle
(joblib) is ever loaded. A cached file that cannot be read is reported (a
warning naming the path), moved aside with a timestamp, and the model is
retrained.
"""


from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from simulator.exceptions import ValidationError
from simulator.surrogate import dataset as ds
from simulator.surrogate.features import (  # noqa: F401 - re-exported
    _CACHE_LOCK,
    _CLIMATES,
    _FEATURES,
    LOG_OFFSET,
    MAX_CACHED_WEATHERS,
    MIN_WEATHERS_FOR_INPUTS,
    PHYS_INPUTS,
    PHYS_LOGS,
    PhysicsFeatures,
    _climate_of,
    _features_of,
    _has_weather,
)
from simulator.surrogate.groups import (  # noqa: F401 - re-exported
    GROUPS,
    OPTIONAL_GROUPS,
    MonthlyHeating,
    _active_months,
    _Group,
    _has_design,
    _log,
    _shares,
    _unlog,
    capacity_factor,
)
from simulator.surrogate.regressors import (  # noqa: F401 - re-exported
    _CLASS_OF,
    _KIND_OF,
    KINDS,
    PREDICT_CHUNK,
    PerColumnHGB,
    ScaledMLP,
    SharedKernelGP,
    _f64,
    _scaler_from_state,
    _scaler_state,
    make_regressor,
    single_threaded,
)
from simulator.surrogate.space import get_family

log = logging.getLogger(__name__)

#: Bumped when the model's structure, its stored form or what its calibration records changes (invalidates caches).
MODEL_FORMAT = "10"
#: Groups whose headline output gets an interval (annual heating and cooling, the peaks; the design
#: loads too where the model has them, :meth:`SurrogateModel.interval_groups`).
INTERVAL_GROUPS = ("heating", "cooling", "peak_heating", "peak_cooling")
#: Regressor kind per output group (from ``retrofit surrogate train --compare``; see README).
DEFAULT_KINDS = {g: "gp" for g in GROUPS}


class SurrogateModel(RegressorMixin, BaseEstimator):
    """Predicts a family's loads per m2 from its feature table.

    Parameters
    ----------
    family
        Family name (:mod:`simulator.surrogate.space`).
    kinds
        Regressor kind per output group (default :data:`DEFAULT_KINDS`).
    weather_name
        Training weather of the physical estimate.

    Attributes
    ----------
    physics_ : PhysicsFeatures
    groups_ : dict
        Group name -> fitted regressor.
    encoders_ : dict
        Group name -> target encoding (active months).
    feature_names_in_ : ndarray
    """

    def __init__(self, family: str = "residential_walkup", kinds: dict | None = None,
                 weather_name: str = ds.WEATHER_NAME, weather_inputs: bool = False):
        self.family = family
        self.kinds = kinds
        self.weather_name = weather_name
        self.weather_inputs = weather_inputs

    def _kinds(self) -> dict[str, str]:
        return {**DEFAULT_KINDS, **(self.kinds or {})}

    def fit(self, X: pd.DataFrame, y: pd.DataFrame):
        with single_threaded():
            return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y: pd.DataFrame):
        fam = get_family(self.family)
        self.physics_ = PhysicsFeatures(fam.name, self.weather_name, self.weather_inputs).fit(X)
        self.feature_names_in_ = self.physics_.feature_names_in_
        self.n_features_in_ = len(self.feature_names_in_)
        est, Z = self.physics_.design(X)
        self.encoders_, self.groups_ = {}, {}
        design = {g: _has_design(y, g) for g in OPTIONAL_GROUPS}
        for g in GROUPS:
            factor = capacity_factor(fam.name) if g == "peak_heating" and design["design_heating"] else None
            enc = _Group(g, _active_months(y, g) if g in ("heating", "cooling") else None, factor)
            self.encoders_[g] = enc
            self.groups_[g] = make_regressor(self._kinds()[g]).fit(Z, enc.encode(y, est))
        for g in OPTIONAL_GROUPS:
            if design[g]:
                enc = _Group(g)
                self.encoders_[g] = enc
                self.groups_[g] = make_regressor("gp").fit(Z, enc.encode(y, est))
        months = self.encoders_["heating"].active_months
        self.monthly_heating_ = MonthlyHeating(months).fit(Z, est, y) if months else None
        self.calibration_ = {}
        return self

    def predict(self, X, weather=None) -> pd.DataFrame:
        """Targets per row (:data:`simulator.surrogate.dataset.TARGETS` without lighting/equipment).

        Parameters
        ----------
        X
            Feature table (rows on their ``weather_id`` if it has that column).
        weather
            A ``weather.Weather`` for every row (default: the built-in year).
        """
        with single_threaded():
            est, Z = self.physics_.design(X, weather)
            out = self._decode_all(Z, est, self._new_weather(X, weather))
        index = X.index if isinstance(X, pd.DataFrame) else None
        design = [c for c in ds.DESIGN if c in out]  # only where the model has the design-load groups
        return pd.DataFrame(out, index=index)[[*PREDICTED, *design]]

    def _new_weather(self, X, weather) -> bool:
        """True if every row is on a weather that is none of the training years (byte for byte)."""
        return not _has_weather(X) and not self.physics_.is_training_weather(weather)

    def _decode_all(self, Z: np.ndarray, est: pd.DataFrame, new_weather: bool = False) -> dict[str, np.ndarray]:
        """Every group's outputs; the design loads first (a peak encoded against the capacity needs them).

        On a new weather the monthly heating split comes from :class:`MonthlyHeating`.
        """
        out: dict[str, np.ndarray] = {}
        for g in sorted(self.groups_, key=lambda g: g not in OPTIONAL_GROUPS):
            out.update(self.encoders_[g].decode(self.groups_[g].predict(Z), est, out.get("design_heating_w_m2")))
        monthly = getattr(self, "monthly_heating_", None)
        if new_weather and monthly is not None:
            share = monthly.shares(Z, est)
            for j, m in enumerate(monthly.months):
                out[f"heating_kwh_m2_m{m:02d}"] = out["heating_kwh_m2"] * share[:, j]
        return out

    def interval_groups(self) -> tuple[str, ...]:
        """Groups whose headline output gets an interval: :data:`INTERVAL_GROUPS` and the design loads if learned."""
        return (*INTERVAL_GROUPS, *(g for g in OPTIONAL_GROUPS if g in self.groups_))

    def predict_z(self, X, weather=None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], pd.DataFrame]:
        """Predictions of each interval group's headline output as ``z = log(y + 0.1)``, their spreads, and the estimates.

        The spread is the GP's predictive standard deviation of the group's first column
        (:meth:`SharedKernelGP.predict_spread`; in z, since the encodings differ from z by
        known terms only). For a group without one (boosting, MLP) it is 1, so the
        conformal quantile is an absolute width.
        """
        with single_threaded():
            est, Z = self.physics_.design(X, weather)
            out = self._decode_all(Z, est)
            mean, spread = {}, {}
            for g in self.interval_groups():
                reg = self.groups_[g]
                mean[g] = _log(out[_HEADLINE[g]])
                spread[g] = reg.predict_spread(Z)[:, 0] if isinstance(reg, SharedKernelGP) else np.ones(len(Z))
        return mean, spread, est

    def _state(self) -> dict:
        return {"params": {"family": self.family, "kinds": self.kinds, "weather_name": self.weather_name,
                           "weather_inputs": bool(self.weather_inputs)},
                "physics_": self.physics_._state(),
                "calibration_": {g: {k: float(v) for k, v in c.items()} for g, c in self.calibration_.items()},
                "encoders_": {g: e.state() for g, e in self.encoders_.items()},
                "monthly_heating_": None if self.monthly_heating_ is None else self.monthly_heating_._state(),
                "groups_": {g: {"kind": _KIND_OF[type(r)], "state": r._state()} for g, r in self.groups_.items()}}

    @classmethod
    def _from_state(cls, st: dict) -> SurrogateModel:
        self = cls(**st["params"])
        self.physics_ = PhysicsFeatures._from_state(st["physics_"])
        self.feature_names_in_ = self.physics_.feature_names_in_
        self.n_features_in_ = len(self.feature_names_in_)
        names = set(st["groups_"])
        if set(st["encoders_"]) != names or not set(GROUPS) <= names <= {*GROUPS, *OPTIONAL_GROUPS}:
            raise ValidationError([f"output groups {sorted(st['groups_'])}, expected {sorted(GROUPS)}"])
        present = [*GROUPS, *(g for g in OPTIONAL_GROUPS if g in names)]
        self.encoders_ = {g: _Group.from_state(st["encoders_"][g]) for g in present}
        monthly = st.get("monthly_heating_")
        self.monthly_heating_ = None if monthly is None else MonthlyHeating._from_state(monthly)
        self.calibration_ = {str(g): {str(k): float(v) for k, v in c.items()}
                             for g, c in st.get("calibration_", {}).items()}
        self.groups_ = {}
        for g in present:
            kind = st["groups_"][g]["kind"]
            if kind not in _CLASS_OF:
                raise ValidationError([f"group {g}: unknown regressor kind {kind!r}"])
            self.groups_[g] = _CLASS_OF[kind]._from_state(st["groups_"][g]["state"])
        return self

    def predict_std(self, X, group: str = "heating") -> np.ndarray:
        """Posterior standard deviation of log(annual + 0.1) of a GP group (a relative uncertainty [-])."""
        reg = self.groups_[group]
        if not isinstance(reg, SharedKernelGP):
            raise ValidationError([f"group {group} uses {type(reg).__name__}, which gives no uncertainty"])
        return reg.predict(self.physics_.inputs(X), return_std=True)[1][:, 0]

    def score(self, X, y, sample_weight=None):
        """R2 of annual heating."""
        from sklearn.metrics import r2_score

        return r2_score(y["heating_kwh_m2"], self.predict(X)["heating_kwh_m2"], sample_weight=sample_weight)


PREDICTED = (*ds.ANNUAL, *ds.HEATING_MONTHLY, *ds.COOLING_MONTHLY, *ds.PEAKS, "window_solar_kwh_m2")
#: Headline output of each group with an interval (its ``z = log(y + 0.1)`` is what the interval is about).
_HEADLINE = {"heating": "heating_kwh_m2", "cooling": "cooling_kwh_m2", "peak_heating": "peak_heating_w_m2",
             "peak_cooling": "peak_cooling_w_m2", "design_heating": "design_heating_w_m2",
             "design_cooling": "design_cooling_w_m2"}


def headline_z(Y: pd.DataFrame, group: str) -> np.ndarray:
    """``log(y + 0.1)`` of a group's headline output in a target table (what its interval is about)."""
    return _log(Y[_HEADLINE[group]])


def refit_fixed(model: SurrogateModel, X: pd.DataFrame, Y: pd.DataFrame) -> SurrogateModel:
    """A copy of ``model`` refitted on (X, Y) with its fitted kernels and encoders kept (cross-validation folds)."""
    from sklearn.base import clone

    out = clone(model)
    out.physics_ = model.physics_
    out.feature_names_in_ = model.feature_names_in_
    out.n_features_in_ = model.n_features_in_
    est, Z = model.physics_.design(X)
    out.encoders_ = model.encoders_
    out.calibration_ = model.calibration_
    out.monthly_heating_ = getattr(model, "monthly_heating_", None)  # used on new weathers only, not refitted
    out.groups_ = {}
    for g, reg in model.groups_.items():
        target = model.encoders_[g].encode(Y, est)
        out.groups_[g] = reg.refit_fixed(Z, target) if isinstance(reg, SharedKernelGP) else clone(reg).fit(Z, target)
    return out


_refit_fixed = refit_fixed  # the name before the split
