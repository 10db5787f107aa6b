"""The surrogate's inputs: raw features plus physical estimates, on any weather year.

:class:`PhysicsFeatures` (a scikit-learn transformer) adds to a family's raw
features the heat-loss coefficients [W/m2K], the solar apertures and the
logarithms ``log(x + 0.1)`` of a fast physical estimate of the loads
[kWh/m2, W/m2] (:mod:`simulator.surrogate.physics`), each row on its own
weather year; the regressors of :mod:`simulator.surrogate.model` learn the
correction. With at least :data:`MIN_WEATHERS_FOR_INPUTS` training weathers the
regressors may also see the weather numbers of
:data:`simulator.surrogate.weather_features.MODEL_INPUTS`.

The physics tables of a family on a weather (:func:`_climate_of`) and a
weather's features (:func:`_features_of`) are cached per process by the
weather's content hash, at most ``4 x`` :data:`MAX_CACHED_WEATHERS` entries
each (the oldest goes first), under one lock (the app's sessions are threads
of one process).
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from simulator.exceptions import ValidationError
from simulator.surrogate import dataset as ds
from simulator.surrogate import physics
from simulator.surrogate.space import get_family
from simulator.surrogate.weather_features import MODEL_INPUTS, feature_ranges, weather_features

#: Fewest distinct training weathers with which the regressors also see weather numbers.
MIN_WEATHERS_FOR_INPUTS = 4
LOG_OFFSET = 0.1  # added before taking logs of loads [kWh/m2 or W/m2]
PHYS_INPUTS = ("h_wall_w_m2k", "h_window_w_m2k", "h_roof_w_m2k", "h_ground_w_m2k", "h_air_w_m2k",
               "h_total_w_m2k", "solar_aperture_south", "solar_aperture_north", "phys_cooling_transfer_kwh_m2")
PHYS_LOGS = ("phys_heating_kwh_m2", "phys_cooling_kwh_m2", "phys_peak_heating_w_m2", "phys_peak_cooling_w_m2",
             "phys_window_solar_kwh_m2", "phys_heating_loss_kwh_m2", "phys_heating_gains_kwh_m2",
             "phys_cooling_gains_kwh_m2", "phys_latent_kwh_m2")


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
