"""The surrogate estimator: physics-informed scikit-learn regressors per output group.

:class:`SurrogateModel` is a scikit-learn estimator (parameters in ``__init__``,
learning in :meth:`~SurrogateModel.fit`, learned attributes ending in ``_``).
It predicts, per m2 of floor, the annual and monthly heating and cooling ideal
loads, the peak loads and the solar transmitted by the windows from a
family's feature table.

How
---
1. :class:`PhysicsFeatures` adds to the raw features the heat-loss coefficients,
   solar apertures and the logarithms of a fast physical estimate of the loads
   (:mod:`simulator.surrogate.physics`); the regressors learn the correction.
2. One regressor per output group on standardised inputs:

   ``heating`` / ``cooling``
       ``log(annual + 0.1)`` and, for the months that carry load in the
       training data, the monthly share of the annual total minus the physical
       estimate's share. Monthly values are the annual prediction times the
       shares (clipped at 0 and renormalised), so months always add up to the year.
   ``peak_heating``
       ``log(peak + 0.1)`` [W/m2]; where the design loads are learned, the
       prediction is capped as EnergyPlus caps it: its ideal loads cannot heat
       above ``f D`` (``D`` the design heating load, ``f`` the heating capacity
       factor of ``simulator/data/sizing.toml``, :func:`simulator.idf.write_sizing`),
       so ``peak = min(peak_pred, f D_pred)`` with the model's own design load.
       (Learning the peak as its share of ``f D`` was tried: better on the
       built-in year alone, twice as bad on the multi-weather data,
       ``benchmarks/bench_surrogate_peak.py``.)
   ``peak_cooling``
       ``log(peak + 0.1)`` [W/m2].
   ``design_heating`` / ``design_cooling`` (when every training row has them)
       ``log(D + 0.1)`` minus the log of the steady-state loss at the year's
       99.6 % dry bulb (heating; carries over to any year), or ``log(D + 0.1)``
       (cooling) [W/m2].
   ``window_solar``
       ``log(annual + 0.1)`` [kWh/m2].

   Kinds: ``"gp"`` (Gaussian process, ARD Matern 5/2 x constant + white noise,
   hyperparameters fitted on the group's first column by maximum marginal
   likelihood, the other columns solved with the same kernel), ``"hgb"``
   (histogram gradient boosting, one per column) and ``"mlp"`` (multi-layer
   perceptron on standardised targets). :func:`compare_models` ranks them by
   K-fold cross-validation; :data:`DEFAULT_KINDS` holds the choice.

Code by concern: the regressors are in :mod:`simulator.surrogate.regressors`,
the scores, K-fold selection, training and the model cache in
:mod:`simulator.surrogate.training`, the storage without pickle in
:mod:`simulator.surrogate.persistence`; this module keeps the estimator
(:class:`PhysicsFeatures`, the output groups, :class:`SurrogateModel`). The
names of the other three modules are still importable from here.

Persistence: :func:`load_model` trains from the committed dataset on first use
and caches the fitted model with its metadata (feature names with units,
valid ranges, data hash, library versions, CV scores) in the cache folder
(``$HONGQIAO_CACHE_DIR/surrogate``); a changed dataset, library version or
model format retrains. Nothing fitted is ever committed.

The cache folder is writable by others than the code's authors, so a cached
model is *data that cannot run code*: the fitted parameters (arrays and
numbers) in one ``.npz`` file read with ``allow_pickle=False``, plus a JSON
description of the object structure, rebuilt by this module's own
constructors (:func:`model_state` / :func:`model_from_state`). No pickle
(joblib) is ever loaded. A cached file that cannot be read is reported (a
warning naming the path), moved aside with a timestamp, and the model is
retrained.
"""


from __future__ import annotations

import dataclasses
import logging
import threading

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin

from simulator.exceptions import ValidationError
from simulator.surrogate import dataset as ds
from simulator.surrogate import physics
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
from simulator.surrogate.weather_features import MODEL_INPUTS, feature_ranges, weather_features

log = logging.getLogger(__name__)

#: Bumped when the model's structure or its stored form changes (invalidates caches).
MODEL_FORMAT = "8"
#: Fewest distinct training weathers with which the regressors also see weather numbers.
MIN_WEATHERS_FOR_INPUTS = 4
LOG_OFFSET = 0.1  # added before taking logs of loads [kWh/m2 or W/m2]
GROUPS = ("heating", "cooling", "peak_heating", "peak_cooling", "window_solar")
#: Groups fitted only when every training row has the target (the design loads, recorded since issue 12).
OPTIONAL_GROUPS = ("design_heating", "design_cooling")
#: Groups whose headline output gets an interval (annual heating and cooling, the peaks; the design
#: loads too where the model has them, :meth:`SurrogateModel.interval_groups`).
INTERVAL_GROUPS = ("heating", "cooling", "peak_heating", "peak_cooling")
#: Regressor kind per output group (from ``retrofit surrogate train --compare``; see README).
DEFAULT_KINDS = {g: "gp" for g in GROUPS}
PHYS_INPUTS = ("h_wall_w_m2k", "h_window_w_m2k", "h_roof_w_m2k", "h_ground_w_m2k", "h_air_w_m2k",
               "h_total_w_m2k", "solar_aperture_south", "solar_aperture_north", "phys_cooling_transfer_kwh_m2")
PHYS_LOGS = ("phys_heating_kwh_m2", "phys_cooling_kwh_m2", "phys_peak_heating_w_m2", "phys_peak_cooling_w_m2",
             "phys_window_solar_kwh_m2", "phys_heating_loss_kwh_m2", "phys_heating_gains_kwh_m2",
             "phys_cooling_gains_kwh_m2", "phys_latent_kwh_m2")


# --------------------------------------------------------------------------- inputs


class PhysicsFeatures(TransformerMixin, BaseEstimator):
    """Raw features plus physical estimates (model inputs) of a family, on any weather year.

    Parameters
    ----------
    family
        Family name.
    weather_name
        Built-in weather of rows that name none (the default weather).
    weather_inputs
        Give the regressors the weather numbers of
        :data:`simulator.surrogate.weather_features.MODEL_INPUTS` as well (only
        when the training data hold at least :data:`MIN_WEATHERS_FOR_INPUTS`
        weathers; else the weather enters through the physical estimate alone).

    Notes
    -----
    A feature table may carry a ``weather_id`` column (training weather ids,
    :mod:`simulator.surrogate.weathers`): each row is then estimated on its
    own weather. Otherwise :meth:`design` takes one ``weather.Weather`` for
    every row (None: the default weather).
    """

    def __init__(self, family: str = "residential_walkup", weather_name: str = ds.WEATHER_NAME,
                 weather_inputs: bool = False):
        self.family = family
        self.weather_name = weather_name
        self.weather_inputs = weather_inputs

    def fit(self, X, y=None):
        import weather
        from simulator.surrogate.weathers import canonical_id, load_weather

        fam = get_family(self.family)
        self.climate_ = physics.climate(fam, weather.load(self.weather_name))
        self.residential_ = fam.residential
        self.feature_names_in_ = np.array(fam.feature_names, dtype=object)
        self.n_features_in_ = len(fam.feature_names)
        ids = sorted({canonical_id(i) for i in X["weather_id"]}) if _has_weather(X) \
            else [canonical_id(self.weather_name)]
        self.weather_features_ = {}
        self.weather_hash_ = {}
        for wid in ids:
            w = load_weather(wid)
            self.weather_features_[wid] = weather_features(w)
            self.weather_hash_[wid] = w.id
        use = self.weather_inputs and len(ids) >= MIN_WEATHERS_FOR_INPUTS
        self.weather_input_names_ = np.array(MODEL_INPUTS if use else (), dtype=object)
        return self

    def weather_ranges(self) -> dict[str, tuple[float, float]]:
        """Range of each weather feature over the training weathers."""
        return feature_ranges(list(self.weather_features_.values()))

    def is_training_weather(self, w) -> bool:
        """True if ``w`` (a ``weather.Weather``; None: the default) is one of the training years, byte for byte."""
        return w is None or w.id in set(self.weather_hash_.values()) or w.id == self.climate_.weather_id

    def _climate(self, w):
        if w is None or w.id == self.climate_.weather_id:
            return self.climate_
        return _climate_of(self.family, w)

    def estimate(self, X, w=None) -> pd.DataFrame:
        """The physical estimates of each row on weather ``w`` (see :func:`simulator.surrogate.physics.estimate`)."""
        return physics.estimate(self._frame(X), self._climate(w), self.residential_)

    def _frame(self, X) -> pd.DataFrame:
        names = list(self.feature_names_in_)
        if isinstance(X, pd.DataFrame):
            missing = [n for n in names if n not in X.columns]
            if missing:
                raise ValidationError([f"missing feature column {n}" for n in missing])
            return X[names]
        arr = np.asarray(X, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != len(names):
            raise ValidationError([f"expected {len(names)} feature columns ({', '.join(names)}), got {arr.shape}"])
        return pd.DataFrame(arr, columns=names)

    def inputs(self, X, est: pd.DataFrame | None = None, w=None) -> np.ndarray:
        """Model inputs on weather ``w``: raw features, heat-loss coefficients, solar apertures, log estimates."""
        frame = self._frame(X)
        est = self.estimate(frame, w) if est is None else est
        logs = np.log(est[list(PHYS_LOGS)].to_numpy() + LOG_OFFSET)
        cols = [frame.to_numpy(dtype=float), est[list(PHYS_INPUTS)].to_numpy(), logs]
        names = [str(n) for n in getattr(self, "weather_input_names_", ())]
        if names:
            feats = self._weather_feats(w)
            cols.append(np.tile([feats[n] for n in names], (len(frame), 1)))
        return np.column_stack(cols)

    def _weather_feats(self, w) -> dict[str, float]:
        if w is None:
            from simulator.surrogate.weathers import canonical_id

            return self.weather_features_[canonical_id(self.weather_name)]
        return _features_of(w)

    def design(self, X, w=None) -> tuple[pd.DataFrame, np.ndarray]:
        """Physical estimates (rows in order, index 0..n-1) and model inputs, each row on its weather.

        Rows on their ``weather_id`` when ``X`` has that column, else all on ``w``.
        """
        if not _has_weather(X):
            frame = self._frame(X).reset_index(drop=True)
            est = self.estimate(frame, w).reset_index(drop=True)
            return est, self.inputs(frame, est, w)
        from simulator.surrogate.weathers import load_weather

        frame = self._frame(X).reset_index(drop=True)
        ids = np.asarray(X["weather_id"], dtype=object)
        ests, Z = [], None
        for wid in dict.fromkeys(ids):
            pos = np.flatnonzero(ids == wid)
            wo = load_weather(wid)
            part = frame.iloc[pos]
            est = self.estimate(part, wo)
            est.index = pos
            z = self.inputs(part, est, wo)
            if Z is None:
                Z = np.empty((len(frame), z.shape[1]))
            Z[pos] = z
            ests.append(est)
        return pd.concat(ests).sort_index(), Z

    def transform(self, X):
        return self.inputs(X)

    def _state(self) -> dict:
        c = self.climate_
        return {"params": self.get_params(), "residential_": bool(self.residential_),
                "feature_names_in_": [str(n) for n in self.feature_names_in_],
                "climate_": {f.name: getattr(c, f.name) for f in dataclasses.fields(c)},
                "weather_features_": {k: {n: float(v) for n, v in f.items()} for k, f in self.weather_features_.items()},
                "weather_hash_": {k: str(v) for k, v in self.weather_hash_.items()},
                "weather_input_names_": [str(n) for n in self.weather_input_names_]}

    @classmethod
    def _from_state(cls, st: dict) -> PhysicsFeatures:
        self = cls(**st["params"])
        fields = {f.name: f for f in dataclasses.fields(physics.Climate)}
        given = st["climate_"]
        if set(given) != set(fields):
            raise ValidationError([f"climate tables {sorted(given)} do not match {sorted(fields)}"])
        values = {}
        for name, value in given.items():
            if isinstance(value, np.ndarray):
                if value.dtype.kind not in "fiub":
                    raise ValidationError([f"climate table {name} has dtype {value.dtype}"])
                values[name] = value
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                values[name] = value
            else:
                raise ValidationError([f"climate field {name}: {type(value).__name__}"])
        self.climate_ = physics.Climate(**values)
        self.weather_features_ = {str(k): {str(n): float(v) for n, v in f.items()}
                                  for k, f in st["weather_features_"].items()}
        self.weather_hash_ = {str(k): str(v) for k, v in st["weather_hash_"].items()}
        names = [str(n) for n in st["weather_input_names_"]]
        if not set(names) <= set(MODEL_INPUTS):
            raise ValidationError([f"unknown weather inputs {names}"])
        self.weather_input_names_ = np.array(names, dtype=object)
        self.residential_ = bool(st["residential_"])
        self.feature_names_in_ = np.array([str(n) for n in st["feature_names_in_"]], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def get_feature_names_out(self, input_features=None):
        return np.array([*self.feature_names_in_, *PHYS_INPUTS, *(f"log_{n}" for n in PHYS_LOGS),
                         *(f"weather_{n}" for n in self.weather_input_names_)], dtype=object)


def _has_weather(X) -> bool:
    return isinstance(X, pd.DataFrame) and "weather_id" in X.columns


_CLIMATES: dict[tuple[str, str], physics.Climate] = {}
_FEATURES: dict[str, dict[str, float]] = {}
_CACHE_LOCK = threading.Lock()
MAX_CACHED_WEATHERS = 16


def _climate_of(family: str, w) -> physics.Climate:
    """The physics tables of a family on a weather year (cached per process by content hash)."""
    key = (family, w.id)
    with _CACHE_LOCK:
        hit = _CLIMATES.get(key)
    if hit is None:
        hit = physics.climate(family, w)
        with _CACHE_LOCK:
            if len(_CLIMATES) >= MAX_CACHED_WEATHERS * 4:
                _CLIMATES.pop(next(iter(_CLIMATES)))
            _CLIMATES[key] = hit
    return hit


def _features_of(w) -> dict[str, float]:
    """:func:`weather_features` of a weather year (cached per process by content hash)."""
    with _CACHE_LOCK:
        hit = _FEATURES.get(w.id)
    if hit is None:
        hit = weather_features(w)
        with _CACHE_LOCK:
            if len(_FEATURES) >= MAX_CACHED_WEATHERS * 4:
                _FEATURES.pop(next(iter(_FEATURES)))
            _FEATURES[w.id] = hit
    return hit


# --------------------------------------------------------------------------- targets per group


def _log(x):
    return np.log(np.clip(np.asarray(x, dtype=float), 0.0, None) + LOG_OFFSET)


def _unlog(z):
    return np.clip(np.exp(z) - LOG_OFFSET, 0.0, None)


def _shares(monthly: np.ndarray) -> np.ndarray:
    tot = monthly.sum(axis=1, keepdims=True)
    return np.divide(monthly, tot, out=np.zeros_like(monthly), where=tot > 0)


class _Group:
    """How one output group is encoded for its regressor and decoded back.

    ``capacity_factor`` (peak heating only, where the design loads are learned):
    the decoded peak is never above the heating capacity ``f D`` sized on the
    predicted design load.
    """

    def __init__(self, name: str, active_months: list[int] | None = None, capacity_factor: float | None = None):
        self.name = name
        self.active_months = active_months or []
        self.capacity_factor = capacity_factor

    def encode(self, Y: pd.DataFrame, est: pd.DataFrame) -> np.ndarray:
        if self.name in ("heating", "cooling"):
            annual = _log(Y[f"{self.name}_kwh_m2"])
            cols = [f"{self.name}_kwh_m2_m{m:02d}" for m in self.active_months]
            share = _shares(Y[cols].to_numpy(dtype=float))
            return np.column_stack([annual, share - self._phys_shares(est)])
        if self.name == "window_solar":
            return _log(Y["window_solar_kwh_m2"])[:, None]
        if self.name == "design_heating":  # relative to the steady-state design-day loss: carries over to any year
            return (_log(Y["design_heating_w_m2"]) - _log(est["phys_design_heating_w_m2"]))[:, None]
        return _log(Y[f"{self.name}_w_m2"])[:, None]

    def _phys_shares(self, est: pd.DataFrame) -> np.ndarray:
        cols = [f"phys_{self.name}_kwh_m2_m{m:02d}" for m in self.active_months]
        s = _shares(est[cols].to_numpy(dtype=float))
        s[s.sum(axis=1) == 0] = 1.0 / max(len(cols), 1)
        return s

    def decode(self, Z: np.ndarray, est: pd.DataFrame, design_heating_w_m2: np.ndarray | None = None,
               ) -> dict[str, np.ndarray]:
        """Outputs of the group from its regressor's predictions (``design_heating_w_m2``: the
        predicted design loads, needed by a peak encoded against the capacity)."""
        if self.name in ("heating", "cooling"):
            annual = _unlog(Z[:, 0])
            share = np.clip(self._phys_shares(est) + Z[:, 1:], 0.0, None)
            share = _shares(share)
            out = {f"{self.name}_kwh_m2": annual}
            for m in range(1, 13):
                out[f"{self.name}_kwh_m2_m{m:02d}"] = np.zeros(len(Z))
            for j, m in enumerate(self.active_months):
                out[f"{self.name}_kwh_m2_m{m:02d}"] = annual * share[:, j]
            return out
        if self.name == "window_solar":
            return {"window_solar_kwh_m2": _unlog(Z[:, 0])}
        if self.name == "design_heating":
            return {"design_heating_w_m2": _unlog(Z[:, 0] + _log(est["phys_design_heating_w_m2"]))}
        if self.capacity_factor is not None:
            if design_heating_w_m2 is None:
                raise ValidationError(["the peak heating is encoded against the design load, which was not predicted"])
            # as EnergyPlus's ideal loads: never above the capacity sized on the design day
            return {"peak_heating_w_m2": np.minimum(_unlog(Z[:, 0]), self.capacity_factor * design_heating_w_m2)}
        return {f"{self.name}_w_m2": _unlog(Z[:, 0])}

    def state(self) -> dict:
        return {"name": self.name, "active_months": [int(m) for m in self.active_months],
                "capacity_factor": None if self.capacity_factor is None else float(self.capacity_factor)}

    @classmethod
    def from_state(cls, st: dict) -> _Group:
        months = [int(m) for m in st["active_months"]]
        if st["name"] not in (*GROUPS, *OPTIONAL_GROUPS) or not all(1 <= m <= 12 for m in months):
            raise ValidationError([f"output group {st['name']!r} with months {months}"])
        factor = st.get("capacity_factor")
        if factor is not None and (st["name"] != "peak_heating" or not 0.5 <= float(factor) <= 5.0):
            raise ValidationError([f"output group {st['name']!r} with capacity factor {factor!r}"])
        return cls(str(st["name"]), months, None if factor is None else float(factor))

    def target_columns(self) -> list[str]:
        if self.name in ("heating", "cooling"):
            return [f"{self.name}_kwh_m2", *(f"{self.name}_kwh_m2_m{m:02d}" for m in range(1, 13))]
        if self.name == "window_solar":
            return ["window_solar_kwh_m2"]
        return [f"{self.name}_w_m2"]


class MonthlyHeating:
    """Monthly heating split on a weather outside the training years, learned per (row, month).

    The target is ``log(E_m + 0.1) - log(P_m + 0.1)`` for each month ``m`` with load:
    EnergyPlus's month ``E_m`` against the physical estimate's ``P_m`` [kWh/m2]. The
    inputs are the row's model inputs, the month's physical load ``log(P_m + 0.1)`` and
    share ``P_m / sum(P)``, and the month (one-hot: the season starts on the 15th of
    November and ends on the 15th of March). So the correction follows how heavy the
    month is on the year asked about, not the calendar of the training years (the
    shares' correction of the ``heating`` group is learned per calendar month, and on
    CSWD it moved November the wrong way). Gradient boosting (:class:`PerColumnHGB`)
    on the stacked (row, month) table. The months are the annual prediction times the
    normalised ``(P_m + 0.1) exp(c_m) - 0.1`` (clipped at 0).
    """

    def __init__(self, months: list[int]):
        self.months = [int(m) for m in months]

    def _stack(self, Z: np.ndarray, est: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        phys = est[[f"phys_heating_kwh_m2_m{m:02d}" for m in self.months]].to_numpy(dtype=float)
        share = _shares(phys)
        blocks = []
        for j in range(len(self.months)):
            onehot = np.zeros((len(Z), len(self.months)))
            onehot[:, j] = 1.0
            blocks.append(np.column_stack([Z, _log(phys[:, j]), share[:, j], onehot]))
        return np.vstack(blocks), phys

    def fit(self, Z: np.ndarray, est: pd.DataFrame, Y: pd.DataFrame) -> MonthlyHeating:
        A, phys = self._stack(Z, est)
        true = Y[[f"heating_kwh_m2_m{m:02d}" for m in self.months]].to_numpy(dtype=float)
        target = (_log(true) - _log(phys)).T.ravel()  # month-major, as the stacked rows
        self.regressor_ = PerColumnHGB().fit(A, target[:, None])
        return self

    def shares(self, Z: np.ndarray, est: pd.DataFrame) -> np.ndarray:
        """Share of the annual heating in each of :attr:`months` per row (rows sum to 1, or 0 without load)."""
        A, phys = self._stack(Z, est)
        c = self.regressor_.predict(A)[:, 0].reshape(len(self.months), len(Z)).T
        return _shares(np.clip((phys + LOG_OFFSET) * np.exp(c) - LOG_OFFSET, 0.0, None))

    def _state(self) -> dict:
        return {"months": self.months, "regressor_": self.regressor_._state()}

    @classmethod
    def _from_state(cls, st: dict) -> MonthlyHeating:
        months = [int(m) for m in st["months"]]
        if not months or not all(1 <= m <= 12 for m in months):
            raise ValidationError([f"monthly heating model with months {months}"])
        self = cls(months)
        self.regressor_ = PerColumnHGB._from_state(st["regressor_"])
        return self


def capacity_factor(family: str) -> float:
    """Heating capacity / design heating load of a family's buildings [-] (``simulator/data/sizing.toml``)."""
    from simulator.design_days import heating_capacity_factor

    return heating_capacity_factor(get_family(family).building_type)


def _has_design(y: pd.DataFrame, group: str) -> bool:
    """Every training row has the design load of the group, above 0 (recorded since issue 12)."""
    col = f"{group}_w_m2"
    return col in y.columns and bool(y[col].notna().all()) and bool((y[col].to_numpy(dtype=float) > 0).all())


def _active_months(Y: pd.DataFrame, name: str) -> list[int]:
    return [m for m in range(1, 13) if (Y[f"{name}_kwh_m2_m{m:02d}"] > 0).any()]


# --------------------------------------------------------------------------- the estimator


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



#: Names defined in :mod:`simulator.surrogate.training` and :mod:`simulator.surrogate.persistence`,
#: importable from here as before the split.
_MOVED = {
    "training": ("CV_FOLDS", "scores", "metrics", "cross_validate", "compare_models",
                 "selection_path", "chosen_kinds", "train", "load_model", "_memo", "_load_model_cached",
                 "_load_or_train"),
    "persistence": ("model_cache_dir", "versions", "_cache_file", "_move_aside", "model_state",
                    "model_from_state", "read_model", "save_model"),
}


def __getattr__(name: str):
    import importlib

    for module, names in _MOVED.items():
        if name in names:
            return getattr(importlib.import_module(f"simulator.surrogate.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
