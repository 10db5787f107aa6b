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
   ``peak_heating`` / ``peak_cooling``
       ``log(peak + 0.1)`` [W/m2].
   ``window_solar``
       ``log(annual + 0.1)`` [kWh/m2].

   Kinds: ``"gp"`` (Gaussian process, ARD Matern 5/2 x constant + white noise,
   hyperparameters fitted on the group's first column by maximum marginal
   likelihood, the other columns solved with the same kernel), ``"hgb"``
   (histogram gradient boosting, one per column) and ``"mlp"`` (multi-layer
   perceptron on standardised targets). :func:`compare_models` ranks them by
   K-fold cross-validation; :data:`DEFAULT_KINDS` holds the choice.

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
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

from simulator.exceptions import ValidationError
from simulator.surrogate import dataset as ds
from simulator.surrogate import physics
from simulator.surrogate.space import Family, get_family

log = logging.getLogger(__name__)

#: Bumped when the model's structure or its stored form changes (invalidates caches).
MODEL_FORMAT = "2"
LOG_OFFSET = 0.1  # added before taking logs of loads [kWh/m2 or W/m2]
KINDS = ("gp", "hgb", "mlp")
GROUPS = ("heating", "cooling", "peak_heating", "peak_cooling", "window_solar")
#: Regressor kind per output group (from ``retrofit surrogate train --compare``; see README).
DEFAULT_KINDS = {g: "gp" for g in GROUPS}
CV_FOLDS = 5
PREDICT_CHUNK = 256  # rows per block of GP prediction

PHYS_INPUTS = ("h_wall_w_m2k", "h_window_w_m2k", "h_roof_w_m2k", "h_ground_w_m2k", "h_air_w_m2k",
               "h_total_w_m2k", "solar_aperture_south", "solar_aperture_north")
PHYS_LOGS = ("phys_heating_kwh_m2", "phys_cooling_kwh_m2", "phys_peak_heating_w_m2", "phys_peak_cooling_w_m2",
             "phys_window_solar_kwh_m2")


@cache
def _threadpools():
    """A threadpoolctl controller (introspecting the loaded BLAS/OpenMP libraries once per process)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


_LIMIT_LOCK = threading.Lock()
_limit_users = 0
_limiter = None


@contextmanager
def single_threaded():
    """Context: BLAS and OpenMP on one thread while any caller is inside.

    The surrogate's linear algebra is small (hundreds of points): extra threads
    add overhead, and on a shared busy machine (EnergyPlus runs, other users)
    spinning BLAS/OpenMP threads slowed training and batch prediction 10-100x
    in measurements here. The limit is process-wide (a property of the BLAS
    and OpenMP libraries): the first caller sets it, the last one to leave
    restores the original, so nesting and concurrent threads (Streamlit
    sessions) are safe. Setting it costs about 20 ms.
    """
    global _limit_users, _limiter
    with _LIMIT_LOCK:
        if _limit_users == 0:
            _limiter = _threadpools().limit(limits=1)
        _limit_users += 1
    try:
        yield
    finally:
        with _LIMIT_LOCK:
            _limit_users -= 1
            if _limit_users == 0 and _limiter is not None:
                _limiter.restore_original_limits()
                _limiter = None


# --------------------------------------------------------------------------- inputs


class PhysicsFeatures(TransformerMixin, BaseEstimator):
    """Raw features plus physical estimates (model inputs) of a family.

    Parameters
    ----------
    family
        Family name.
    weather_name
        Built-in weather the physical estimate uses (the training weather).
    """

    def __init__(self, family: str = "residential_walkup", weather_name: str = ds.WEATHER_NAME):
        self.family = family
        self.weather_name = weather_name

    def fit(self, X, y=None):
        import weather

        fam = get_family(self.family)
        self.climate_ = physics.climate(fam, weather.load(self.weather_name))
        self.residential_ = fam.residential
        self.feature_names_in_ = np.array(fam.feature_names, dtype=object)
        self.n_features_in_ = len(fam.feature_names)
        return self

    def estimate(self, X) -> pd.DataFrame:
        """The physical estimates of each row (see :func:`simulator.surrogate.physics.estimate`)."""
        return physics.estimate(self._frame(X), self.climate_, self.residential_)

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

    def inputs(self, X, est: pd.DataFrame | None = None) -> np.ndarray:
        """Model inputs: raw features, heat-loss coefficients, solar apertures, log estimates."""
        frame = self._frame(X)
        est = self.estimate(frame) if est is None else est
        logs = np.log(est[list(PHYS_LOGS)].to_numpy() + LOG_OFFSET)
        return np.column_stack([frame.to_numpy(dtype=float), est[list(PHYS_INPUTS)].to_numpy(), logs])

    def transform(self, X):
        return self.inputs(X)

    def _state(self) -> dict:
        c = self.climate_
        return {"params": self.get_params(), "residential_": bool(self.residential_),
                "feature_names_in_": [str(n) for n in self.feature_names_in_],
                "climate_": {f.name: getattr(c, f.name) for f in dataclasses.fields(c)}}

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
        self.residential_ = bool(st["residential_"])
        self.feature_names_in_ = np.array([str(n) for n in st["feature_names_in_"]], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def get_feature_names_out(self, input_features=None):
        return np.array([*self.feature_names_in_, *PHYS_INPUTS, *(f"log_{n}" for n in PHYS_LOGS)], dtype=object)


# --------------------------------------------------------------------------- regressors


class SharedKernelGP(RegressorMixin, BaseEstimator):
    """Gaussian process for several outputs sharing one kernel.

    The kernel (constant x ARD Matern 5/2 + white noise, on standardised
    inputs) is fitted by maximum marginal likelihood on output column
    ``primary``; every column is then solved with that kernel, so prediction
    evaluates the kernel once for all outputs.

    Parameters
    ----------
    nu
        Matern smoothness (1.5, 2.5 or ``inf`` for RBF).
    n_restarts_optimizer
        Extra optimiser starts from random hyperparameters.
    primary
        Column whose likelihood sets the hyperparameters.
    max_opt_points
        Fit the hyperparameters on a random subset of at most this many points
        (the solve for the outputs uses every point).
    max_iter
        Iteration cap of the L-BFGS-B search.
    noise_floor
        Lower bound of the white-noise variance (standardised units): keeps the
        kernel matrix well conditioned.
    random_state
        Seed of the optimiser restarts.
    """

    def __init__(self, nu: float = 2.5, n_restarts_optimizer: int = 0, primary: int = 0,
                 max_opt_points: int = 200, max_iter: int = 150, noise_floor: float = 1e-6, random_state: int = 0):
        self.nu = nu
        self.n_restarts_optimizer = n_restarts_optimizer
        self.primary = primary
        self.max_opt_points = max_opt_points
        self.max_iter = max_iter
        self.noise_floor = noise_floor
        self.random_state = random_state

    def _kernel(self, n_dims: int):
        from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel

        base = RBF(np.full(n_dims, 10.0), (1e-2, 1e3)) if np.isinf(self.nu) else \
            Matern(np.full(n_dims, 10.0), (1e-2, 1e3), nu=self.nu)
        return ConstantKernel(1.0, (1e-2, 1e2)) * base + WhiteKernel(1e-4, (self.noise_floor, 1e-1))

    def _optimizer(self, obj_func, initial_theta, bounds):
        """L-BFGS-B on the log marginal likelihood, capped at ``max_iter`` iterations."""
        from scipy.optimize import minimize

        res = minimize(obj_func, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds,
                       options={"maxiter": self.max_iter})
        return res.x, res.fun

    def fit(self, X, y):
        with single_threaded():  # hundreds of small Cholesky factorisations
            return self._fit(X, y)

    def _fit(self, X, y):
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.preprocessing import StandardScaler

        X = np.asarray(X, dtype=float)
        Y = np.asarray(y, dtype=float)
        Y = Y[:, None] if Y.ndim == 1 else Y
        self.n_outputs_ = Y.shape[1]
        self.scaler_ = StandardScaler().fit(X)
        Xs = self.scaler_.transform(X)
        opt = np.arange(len(Xs))
        if self.max_opt_points and len(Xs) > self.max_opt_points:  # hyperparameters from a subset: O(n^3) per step
            opt = np.sort(np.random.default_rng(self.random_state).choice(len(Xs), self.max_opt_points, replace=False))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            first = GaussianProcessRegressor(self._kernel(X.shape[1]), normalize_y=True, optimizer=self._optimizer,
                                             n_restarts_optimizer=self.n_restarts_optimizer,
                                             random_state=self.random_state).fit(Xs[opt], Y[opt, self.primary])
        self.kernel_ = first.kernel_
        self.log_marginal_likelihood_ = float(first.log_marginal_likelihood_value_)
        return self._solve(Xs, Y)

    def _solve(self, Xs: np.ndarray, Y: np.ndarray):
        """Posterior weights of every output column with the fitted kernel."""
        from sklearn.gaussian_process import GaussianProcessRegressor

        self.gp_ = GaussianProcessRegressor(self.kernel_, optimizer=None, normalize_y=True).fit(Xs, Y)
        self.x_train_, self.y_train_ = Xs, Y
        k = self.kernel_  # ConstantKernel * (Matern | RBF) + WhiteKernel
        self.constant_ = float(k.k1.k1.constant_value)
        self.length_scale_ = np.asarray(k.k1.k2.length_scale, dtype=float)
        self.x_train_scaled_ = np.ascontiguousarray(Xs / self.length_scale_)
        self.x_train_sq_ = (self.x_train_scaled_**2).sum(axis=1)
        alpha = self.gp_.alpha_.reshape(len(Xs), -1)
        std = np.atleast_1d(self.gp_._y_train_std)
        self.weights_ = np.ascontiguousarray(self.constant_ * alpha * std[None, :])
        self.offset_ = np.atleast_1d(self.gp_._y_train_mean)
        return self

    def refit_fixed(self, X, y):
        """A copy fitted on other data with this kernel (no hyperparameter search): fast K-fold scores."""
        out = clone(self)
        out.n_outputs_ = self.n_outputs_
        out.scaler_ = self.scaler_
        out.kernel_ = self.kernel_
        Y = np.asarray(y, dtype=float)
        with single_threaded():
            return out._solve(self.scaler_.transform(np.asarray(X, dtype=float)), Y[:, None] if Y.ndim == 1 else Y)

    def _correlation(self, Xs: np.ndarray) -> np.ndarray:
        """Kernel correlation between rows and the training points (matrix product form: fast)."""
        a = Xs / self.length_scale_
        sq = (a**2).sum(axis=1)[:, None] + self.x_train_sq_[None, :] - 2.0 * (a @ self.x_train_scaled_.T)
        np.maximum(sq, 0.0, out=sq)
        if np.isinf(self.nu):
            return np.exp(-0.5 * sq, out=sq)
        d = np.sqrt(sq, out=sq)
        if self.nu == 2.5:
            d *= np.sqrt(5.0)
            return (1.0 + d + d * d / 3.0) * np.exp(-d)
        if self.nu == 1.5:
            d *= np.sqrt(3.0)
            return (1.0 + d) * np.exp(-d)
        return self.kernel_.k1.k2(Xs, self.x_train_)

    def _gp(self):
        """The fitted scikit-learn GP (rebuilt from the stored arrays after loading; for the std only)."""
        from sklearn.gaussian_process import GaussianProcessRegressor

        if getattr(self, "gp_", None) is None:
            with single_threaded():  # as in fit: the same factorisation, bit for bit
                self.gp_ = GaussianProcessRegressor(self.kernel_, optimizer=None, normalize_y=True).fit(
                    self.x_train_, self.y_train_)
        return self.gp_

    def _state(self) -> dict:
        k = self.kernel_
        return {"params": self.get_params(), "n_outputs_": self.n_outputs_, "scaler_": _scaler_state(self.scaler_),
                "kernel": {"constant": self.constant_, "length_scale": self.length_scale_,
                           "noise_level": float(k.k2.noise_level)},
                "x_train_": self.x_train_, "y_train_": self.y_train_, "x_train_scaled_": self.x_train_scaled_,
                "x_train_sq_": self.x_train_sq_, "weights_": self.weights_, "offset_": self.offset_,
                "log_marginal_likelihood_": self.log_marginal_likelihood_}

    @classmethod
    def _from_state(cls, st: dict) -> SharedKernelGP:
        self = cls(**st["params"])
        self.n_outputs_ = int(st["n_outputs_"])
        self.scaler_ = _scaler_from_state(st["scaler_"])
        self.x_train_, self.y_train_ = _f64(st["x_train_"], 2), _f64(st["y_train_"], 2)
        kern = st["kernel"]
        self.kernel_ = self._kernel(self.x_train_.shape[1]).set_params(
            k1__k1__constant_value=float(kern["constant"]), k1__k2__length_scale=_f64(kern["length_scale"], 1),
            k2__noise_level=float(kern["noise_level"]))
        self.constant_ = float(kern["constant"])
        self.length_scale_ = _f64(kern["length_scale"], 1)
        self.x_train_scaled_ = _f64(st["x_train_scaled_"], 2)
        self.x_train_sq_ = _f64(st["x_train_sq_"], 1)
        self.weights_ = _f64(st["weights_"], 2)
        self.offset_ = _f64(st["offset_"], 1)
        self.log_marginal_likelihood_ = float(st["log_marginal_likelihood_"])
        self.gp_ = None
        return self

    def predict(self, X, return_std: bool = False):
        Xs = self.scaler_.transform(np.asarray(X, dtype=float))
        if return_std:
            mean, std = self._gp().predict(Xs, return_std=True)
            return mean.reshape(len(Xs), -1), np.asarray(std).reshape(len(Xs), -1)
        out = np.empty((len(Xs), self.weights_.shape[1]))
        with single_threaded():
            for i in range(0, len(Xs), PREDICT_CHUNK):  # blocks that stay in cache: about 2x faster
                out[i:i + PREDICT_CHUNK] = self._correlation(Xs[i:i + PREDICT_CHUNK]) @ self.weights_
        return out + self.offset_[None, :]


class PerColumnHGB(RegressorMixin, BaseEstimator):
    """Histogram gradient boosting, one model per output column.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf
        Passed to :class:`sklearn.ensemble.HistGradientBoostingRegressor`.
    """

    def __init__(self, max_iter: int = 600, learning_rate: float = 0.05, max_leaf_nodes: int = 15,
                 min_samples_leaf: int = 8, random_state: int = 0):
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def fit(self, X, y):
        from sklearn.ensemble import HistGradientBoostingRegressor
        Y = np.asarray(y, dtype=float)
        Y = Y[:, None] if Y.ndim == 1 else Y
        with single_threaded():
            models = [HistGradientBoostingRegressor(
                max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
                min_samples_leaf=self.min_samples_leaf, random_state=self.random_state).fit(X, Y[:, j])
                for j in range(Y.shape[1])]
        self.columns_ = [_TreeSum.of(m) for m in models]
        self.n_features_in_ = models[0].n_features_in_
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValidationError([f"expected {self.n_features_in_} input columns, got shape {X.shape}"])
        with single_threaded():
            return np.column_stack([c.predict(X) for c in self.columns_])

    def _state(self) -> dict:
        return {"params": self.get_params(), "n_features_in_": self.n_features_in_,
                "columns_": [c.state() for c in self.columns_]}

    @classmethod
    def _from_state(cls, st: dict) -> PerColumnHGB:
        self = cls(**st["params"])
        self.n_features_in_ = int(st["n_features_in_"])
        self.columns_ = [_TreeSum.from_state(c) for c in st["columns_"]]
        return self


class _TreeSum:
    """The fitted trees of one gradient-boosting model: baseline plus the sum of the trees.

    Prediction is what :meth:`HistGradientBoostingRegressor.predict` computes for
    numerical features and the squared-error loss (identity link): the baseline
    plus each tree's value, added in the same order, so the result is identical.
    Kept as plain arrays so the fitted model can be stored without pickle.
    """

    def __init__(self, baseline: np.ndarray, nodes: list[np.ndarray], binned_bitsets: list[np.ndarray],
                 raw_bitsets: list[np.ndarray], known_cat_bitsets: np.ndarray, f_idx_map: np.ndarray):
        from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor

        self.baseline = baseline
        self.known_cat_bitsets, self.f_idx_map = known_cat_bitsets, f_idx_map
        self.trees = [TreePredictor(n, b, r) for n, b, r in zip(nodes, binned_bitsets, raw_bitsets, strict=True)]

    @classmethod
    def of(cls, model) -> _TreeSum:
        """From a fitted single-output ``HistGradientBoostingRegressor`` (numerical features only)."""
        if model.n_trees_per_iteration_ != 1 or model.is_categorical_ is not None:
            raise ValidationError(["gradient boosting with categorical features or several trees per "
                                   "iteration cannot be stored"])
        known, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        trees = [it[0] for it in model._predictors]
        return cls(np.asarray(model._baseline_prediction, dtype=np.float64), [t.nodes for t in trees],
                   [t.binned_left_cat_bitsets for t in trees], [t.raw_left_cat_bitsets for t in trees],
                   known, f_idx_map)

    def predict(self, X: np.ndarray) -> np.ndarray:
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

        n_threads = _openmp_effective_n_threads(None)
        raw = np.zeros((X.shape[0], 1), dtype=self.baseline.dtype, order="F")
        raw += self.baseline
        for tree in self.trees:
            raw[:, 0] += tree.predict(X, self.known_cat_bitsets, self.f_idx_map, n_threads)
        return raw.ravel()

    def state(self) -> dict:
        """Plain arrays: the trees' node tables concatenated with their offsets."""
        def packed(arrays):
            sizes = np.array([len(a) for a in arrays], dtype=np.int64)
            return {"data": np.concatenate(arrays), "sizes": sizes}

        return {"baseline": self.baseline, "nodes": packed([t.nodes for t in self.trees]),
                "binned_bitsets": packed([t.binned_left_cat_bitsets for t in self.trees]),
                "raw_bitsets": packed([t.raw_left_cat_bitsets for t in self.trees]),
                "known_cat_bitsets": self.known_cat_bitsets, "f_idx_map": self.f_idx_map}

    @classmethod
    def from_state(cls, st: dict) -> _TreeSum:
        from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE

        def unpacked(p, dtype=None):
            data, sizes = np.asarray(p["data"]), np.asarray(p["sizes"], dtype=np.int64)
            if dtype is not None and data.dtype != dtype:
                raise ValidationError([f"tree table has dtype {data.dtype}, expected {dtype}"])
            if sizes.sum() != len(data) or (sizes < 0).any():
                raise ValidationError(["tree table sizes do not add up"])
            return np.split(data, np.cumsum(sizes)[:-1])

        nodes = unpacked(st["nodes"], PREDICTOR_RECORD_DTYPE)
        for n in nodes:  # child indices inside the tree: a corrupt table must not read out of bounds
            inner = n["is_leaf"] == 0
            if len(n) == 0 or (inner & ((n["left"] >= len(n)) | (n["right"] >= len(n)))).any():
                raise ValidationError(["tree node table refers to nodes outside the tree"])
        return cls(_f64(st["baseline"], None), nodes, unpacked(st["binned_bitsets"]), unpacked(st["raw_bitsets"]),
                   np.asarray(st["known_cat_bitsets"]), np.asarray(st["f_idx_map"]))


class ScaledMLP(RegressorMixin, BaseEstimator):
    """Multi-layer perceptron on standardised inputs and targets.

    Parameters
    ----------
    hidden_layer_sizes, activation, alpha, max_iter, tol
        Passed to :class:`sklearn.neural_network.MLPRegressor` (L-BFGS solver). The
        defaults (one tanh layer of 32, strong L2 penalty) were the best of a small
        search on the walk-up data (K-fold CV(RMSE) of annual heating 1.9 % vs
        10.5 % for two relu layers of 64).
    """

    def __init__(self, hidden_layer_sizes=(32,), activation: str = "tanh", alpha: float = 0.1,
                 max_iter: int = 5000, tol: float = 1e-7, random_state: int = 0):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, X, y):
        from sklearn.neural_network import MLPRegressor
        from sklearn.preprocessing import StandardScaler
        Y = np.asarray(y, dtype=float)
        Y = Y[:, None] if Y.ndim == 1 else Y
        self.x_scaler_ = StandardScaler().fit(X)
        self.y_scaler_ = StandardScaler().fit(Y)
        with warnings.catch_warnings(), single_threaded():
            warnings.simplefilter("ignore", ConvergenceWarning)
            Ys = self.y_scaler_.transform(Y)
            self.mlp_ = MLPRegressor(hidden_layer_sizes=self.hidden_layer_sizes, activation=self.activation,
                                     alpha=self.alpha, solver="lbfgs", max_iter=self.max_iter, tol=self.tol,
                                     random_state=self.random_state).fit(
                self.x_scaler_.transform(X), Ys[:, 0] if Ys.shape[1] == 1 else Ys)
        return self

    def predict(self, X):
        out = self.mlp_.predict(self.x_scaler_.transform(X))
        return self.y_scaler_.inverse_transform(out.reshape(len(out), -1))

    def _state(self) -> dict:
        m = self.mlp_
        return {"params": {**self.get_params(), "hidden_layer_sizes": list(self.hidden_layer_sizes)},
                "x_scaler_": _scaler_state(self.x_scaler_), "y_scaler_": _scaler_state(self.y_scaler_),
                "coefs_": list(m.coefs_), "intercepts_": list(m.intercepts_), "n_outputs_": m.n_outputs_,
                "out_activation_": m.out_activation_, "n_features_in_": m.n_features_in_}

    @classmethod
    def _from_state(cls, st: dict) -> ScaledMLP:
        from sklearn.neural_network import MLPRegressor

        params = {**st["params"], "hidden_layer_sizes": tuple(int(n) for n in st["params"]["hidden_layer_sizes"])}
        self = cls(**params)
        self.x_scaler_ = _scaler_from_state(st["x_scaler_"])
        self.y_scaler_ = _scaler_from_state(st["y_scaler_"])
        m = MLPRegressor(hidden_layer_sizes=self.hidden_layer_sizes, activation=self.activation, alpha=self.alpha,
                         solver="lbfgs", max_iter=self.max_iter, tol=self.tol, random_state=self.random_state)
        m.coefs_ = [_f64(c, 2) for c in st["coefs_"]]
        m.intercepts_ = [_f64(c, 1) for c in st["intercepts_"]]
        m.n_layers_ = len(m.coefs_) + 1
        m.n_outputs_ = int(st["n_outputs_"])
        m.out_activation_ = str(st["out_activation_"])
        m.n_features_in_ = int(st["n_features_in_"])
        self.mlp_ = m
        return self


def make_regressor(kind: str):
    """A fresh regressor of a kind (``gp``, ``hgb``, ``mlp``)."""
    if kind == "gp":
        return SharedKernelGP()
    if kind == "hgb":
        return PerColumnHGB()
    if kind == "mlp":
        return ScaledMLP()
    from simulator.exceptions import UnknownNameError

    raise UnknownNameError("surrogate model kind", kind, list(KINDS))


# --------------------------------------------------------------------------- targets per group


def _log(x):
    return np.log(np.clip(np.asarray(x, dtype=float), 0.0, None) + LOG_OFFSET)


def _unlog(z):
    return np.clip(np.exp(z) - LOG_OFFSET, 0.0, None)


def _shares(monthly: np.ndarray) -> np.ndarray:
    tot = monthly.sum(axis=1, keepdims=True)
    return np.divide(monthly, tot, out=np.zeros_like(monthly), where=tot > 0)


class _Group:
    """How one output group is encoded for its regressor and decoded back."""

    def __init__(self, name: str, active_months: list[int] | None = None):
        self.name = name
        self.active_months = active_months or []

    def encode(self, Y: pd.DataFrame, est: pd.DataFrame) -> np.ndarray:
        if self.name in ("heating", "cooling"):
            annual = _log(Y[f"{self.name}_kwh_m2"])
            cols = [f"{self.name}_kwh_m2_m{m:02d}" for m in self.active_months]
            share = _shares(Y[cols].to_numpy(dtype=float))
            return np.column_stack([annual, share - self._phys_shares(est)])
        if self.name == "window_solar":
            return _log(Y["window_solar_kwh_m2"])[:, None]
        return _log(Y[f"{self.name}_w_m2"])[:, None]

    def _phys_shares(self, est: pd.DataFrame) -> np.ndarray:
        cols = [f"phys_{self.name}_kwh_m2_m{m:02d}" for m in self.active_months]
        s = _shares(est[cols].to_numpy(dtype=float))
        s[s.sum(axis=1) == 0] = 1.0 / max(len(cols), 1)
        return s

    def decode(self, Z: np.ndarray, est: pd.DataFrame) -> dict[str, np.ndarray]:
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
        return {f"{self.name}_w_m2": _unlog(Z[:, 0])}

    def state(self) -> dict:
        return {"name": self.name, "active_months": [int(m) for m in self.active_months]}

    @classmethod
    def from_state(cls, st: dict) -> _Group:
        months = [int(m) for m in st["active_months"]]
        if st["name"] not in GROUPS or not all(1 <= m <= 12 for m in months):
            raise ValidationError([f"output group {st['name']!r} with months {months}"])
        return cls(str(st["name"]), months)

    def target_columns(self) -> list[str]:
        if self.name in ("heating", "cooling"):
            return [f"{self.name}_kwh_m2", *(f"{self.name}_kwh_m2_m{m:02d}" for m in range(1, 13))]
        if self.name == "window_solar":
            return ["window_solar_kwh_m2"]
        return [f"{self.name}_w_m2"]


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
                 weather_name: str = ds.WEATHER_NAME):
        self.family = family
        self.kinds = kinds
        self.weather_name = weather_name

    def _kinds(self) -> dict[str, str]:
        return {**DEFAULT_KINDS, **(self.kinds or {})}

    def fit(self, X: pd.DataFrame, y: pd.DataFrame):
        with single_threaded():
            return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y: pd.DataFrame):
        fam = get_family(self.family)
        self.physics_ = PhysicsFeatures(fam.name, self.weather_name).fit(X)
        self.feature_names_in_ = self.physics_.feature_names_in_
        self.n_features_in_ = len(self.feature_names_in_)
        est = self.physics_.estimate(X)
        Z = self.physics_.inputs(X, est)
        self.encoders_, self.groups_ = {}, {}
        for g in GROUPS:
            enc = _Group(g, _active_months(y, g) if g in ("heating", "cooling") else None)
            self.encoders_[g] = enc
            self.groups_[g] = make_regressor(self._kinds()[g]).fit(Z, enc.encode(y, est))
        return self

    def predict(self, X) -> pd.DataFrame:
        """Targets per row (:data:`simulator.surrogate.dataset.TARGETS` without lighting/equipment)."""
        with single_threaded():
            est = self.physics_.estimate(X)
            Z = self.physics_.inputs(X, est)
            out: dict[str, np.ndarray] = {}
            for g in GROUPS:
                out.update(self.encoders_[g].decode(self.groups_[g].predict(Z), est))
        index = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame(out, index=index)[list(PREDICTED)]

    def _state(self) -> dict:
        return {"params": {"family": self.family, "kinds": self.kinds, "weather_name": self.weather_name},
                "physics_": self.physics_._state(),
                "encoders_": {g: e.state() for g, e in self.encoders_.items()},
                "groups_": {g: {"kind": _KIND_OF[type(r)], "state": r._state()} for g, r in self.groups_.items()}}

    @classmethod
    def _from_state(cls, st: dict) -> SurrogateModel:
        self = cls(**st["params"])
        self.physics_ = PhysicsFeatures._from_state(st["physics_"])
        self.feature_names_in_ = self.physics_.feature_names_in_
        self.n_features_in_ = len(self.feature_names_in_)
        if set(st["encoders_"]) != set(GROUPS) or set(st["groups_"]) != set(GROUPS):
            raise ValidationError([f"output groups {sorted(st['groups_'])}, expected {sorted(GROUPS)}"])
        self.encoders_ = {g: _Group.from_state(st["encoders_"][g]) for g in GROUPS}
        self.groups_ = {}
        for g in GROUPS:
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


_CLASS_OF = {"gp": SharedKernelGP, "hgb": PerColumnHGB, "mlp": ScaledMLP}
_KIND_OF = {cls: kind for kind, cls in _CLASS_OF.items()}


def _f64(x, ndim: int | None) -> np.ndarray:
    """A float64 array of ``ndim`` dimensions (any if None) from stored data (refuses anything else)."""
    a = np.asarray(x)
    if a.dtype.kind not in "fiu" or (ndim is not None and a.ndim != ndim):
        raise ValidationError([f"expected a {ndim}-d numeric array, got {a.dtype} with shape {a.shape}"])
    return a.astype(np.float64, copy=False)


def _scaler_state(sc) -> dict:
    return {"mean_": sc.mean_, "scale_": sc.scale_, "var_": sc.var_, "n_samples_seen_": sc.n_samples_seen_,
            "n_features_in_": sc.n_features_in_}


def _scaler_from_state(st: dict):
    from sklearn.preprocessing import StandardScaler

    sc = StandardScaler()
    sc.mean_, sc.scale_, sc.var_ = _f64(st["mean_"], 1), _f64(st["scale_"], 1), _f64(st["var_"], 1)
    seen = st["n_samples_seen_"]
    sc.n_samples_seen_ = np.asarray(seen, dtype=np.int64) if isinstance(seen, np.ndarray) else int(seen)
    sc.n_features_in_ = int(st["n_features_in_"])
    if not (len(sc.mean_) == len(sc.scale_) == sc.n_features_in_):
        raise ValidationError(["scaler arrays do not match its feature count"])
    return sc


PREDICTED = (*ds.ANNUAL, *ds.HEATING_MONTHLY, *ds.COOLING_MONTHLY, *ds.PEAKS, "window_solar_kwh_m2")


# --------------------------------------------------------------------------- scores


def scores(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> dict[str, float]:
    """R2, CV(RMSE) [%], NMBE [%] and max error of annual and monthly outputs.

    CV(RMSE) and NMBE follow ASHRAE Guideline 14: RMSE and mean bias over the
    mean of the true values; monthly figures pool every (point, month) pair of
    the months with load.
    """
    out: dict[str, float] = {}
    for name in (*ds.ANNUAL, *ds.PEAKS, "window_solar_kwh_m2"):
        if name in y_true and name in y_pred:
            out.update({f"{name}_{k}": v for k, v in metrics(y_true[name], y_pred[name]).items()})
    for kind, cols in (("heating", ds.HEATING_MONTHLY), ("cooling", ds.COOLING_MONTHLY)):
        t = y_true[list(cols)].to_numpy(dtype=float)
        p = y_pred[list(cols)].to_numpy(dtype=float)
        active = t.max(axis=0) > 0
        out.update({f"monthly_{kind}_{k}": v for k, v in metrics(t[:, active].ravel(), p[:, active].ravel()).items()})
    return out


def metrics(y_true, y_pred) -> dict[str, float]:
    """``r2``, ``cvrmse_pct``, ``nmbe_pct``, ``max_abs_error`` of one output."""
    t = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    e = p - t
    mean = t.mean() if len(t) else np.nan
    ss = np.sum((t - mean) ** 2)
    return {
        "r2": float(1.0 - np.sum(e**2) / ss) if ss > 0 else float("nan"),
        "cvrmse_pct": float(100.0 * np.sqrt(np.mean(e**2)) / mean) if mean else float("nan"),
        "nmbe_pct": float(100.0 * e.mean() / mean) if mean else float("nan"),
        "max_abs_error": float(np.abs(e).max()) if len(e) else float("nan"),
    }


def cross_validate(model: SurrogateModel, X: pd.DataFrame, Y: pd.DataFrame, folds: int = CV_FOLDS,
                   refit_hyperparameters: bool = True, random_state: int = 0) -> tuple[dict, pd.DataFrame]:
    """K-fold cross-validated scores and out-of-fold predictions.

    Parameters
    ----------
    model
        A fitted model (with ``refit_hyperparameters=False``, its GP kernels are
        kept and each fold only solves the GP on its training part: fast but
        slightly optimistic) or an unfitted one.
    refit_hyperparameters
        Fit every fold from scratch (honest, as slow as ``folds`` trainings).
    """
    kf = KFold(folds, shuffle=True, random_state=random_state)
    parts = []
    for tr, te in kf.split(X):
        Xtr, Ytr, Xte = X.iloc[tr], Y.iloc[tr], X.iloc[te]
        if refit_hyperparameters:
            m = clone(model).fit(Xtr, Ytr)
        else:
            m = _refit_fixed(model, Xtr, Ytr)
        parts.append(m.predict(Xte))
    pred = pd.concat(parts).loc[X.index]
    return scores(Y, pred), pred


def _refit_fixed(model: SurrogateModel, X: pd.DataFrame, Y: pd.DataFrame) -> SurrogateModel:
    out = clone(model)
    out.physics_ = model.physics_
    out.feature_names_in_ = model.feature_names_in_
    out.n_features_in_ = model.n_features_in_
    est = model.physics_.estimate(X)
    Z = model.physics_.inputs(X, est)
    out.encoders_ = model.encoders_
    out.groups_ = {}
    for g, reg in model.groups_.items():
        target = model.encoders_[g].encode(Y, est)
        out.groups_[g] = reg.refit_fixed(Z, target) if isinstance(reg, SharedKernelGP) else clone(reg).fit(Z, target)
    return out


def compare_models(family: str | Family, directory=None, folds: int = CV_FOLDS,
                   kinds: tuple[str, ...] = KINDS, progress: Callable[[int, int], None] | None = None) -> dict:
    """Rank the regressor kinds per output group by K-fold cross-validation (hyperparameters refitted per fold).

    Returns
    -------
    dict
        ``{"scores": {kind: {metric: value}}, "choice": {group: kind}, "fit_s": {kind: s}}``;
        the choice minimises the group's CV(RMSE) (annual for heating/cooling, with
        the monthly CV(RMSE) added).
    """
    fam = get_family(family)
    df = ds.load_dataset(fam, directory)
    X, Y = df[fam.feature_names], df
    results, fit_s = {}, {}
    for i, kind in enumerate(kinds):
        t0 = time.perf_counter()
        results[kind], _ = cross_validate(SurrogateModel(fam.name, {g: kind for g in GROUPS}), X, Y, folds)
        fit_s[kind] = round((time.perf_counter() - t0) / folds, 2)
        if progress is not None:
            progress(i + 1, len(kinds))
    crit = {
        "heating": lambda s: s["heating_kwh_m2_cvrmse_pct"] + s["monthly_heating_cvrmse_pct"],
        "cooling": lambda s: s["cooling_kwh_m2_cvrmse_pct"] + s["monthly_cooling_cvrmse_pct"],
        "peak_heating": lambda s: s["peak_heating_w_m2_cvrmse_pct"],
        "peak_cooling": lambda s: s["peak_cooling_w_m2_cvrmse_pct"],
        "window_solar": lambda s: s["window_solar_kwh_m2_cvrmse_pct"],
    }
    choice = {g: min(kinds, key=lambda k, g=g: crit[g](results[k])) for g in GROUPS}
    return {"family": fam.name, "n": len(df), "folds": folds, "data_sha256": ds.data_hash(fam, directory),
            "scores": results, "choice": choice, "fit_s_per_fold": fit_s}


# --------------------------------------------------------------------------- training and the model cache


def selection_path(family: str | Family, directory=None) -> Path:
    """Committed model-selection record of a family (written by ``train --compare``)."""
    return Path(directory or ds.data_dir()) / f"{get_family(family).name}.model_selection.json"


def chosen_kinds(family: str | Family, directory=None) -> dict[str, str]:
    """Regressor kinds of a family: the committed selection, else :data:`DEFAULT_KINDS`."""
    p = selection_path(family, directory)
    if p.is_file():
        choice = json.loads(p.read_text(encoding="utf-8")).get("choice", {})
        return {**DEFAULT_KINDS, **{g: k for g, k in choice.items() if g in GROUPS and k in KINDS}}
    return dict(DEFAULT_KINDS)


def model_cache_dir() -> Path:
    from simulator.cache import default_cache_dir

    return default_cache_dir() / "surrogate"


def versions() -> dict[str, str]:
    import scipy
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "sklearn": sklearn.__version__, "pandas": pd.__version__, "model_format": MODEL_FORMAT}


def train(family: str | Family, directory=None, kinds: dict | None = None, cv: bool = True) -> tuple[SurrogateModel, dict]:
    """Fit a family's model on its dataset; returns the model and its metadata.

    The CV scores in the metadata are K-fold with the GP kernels of the full fit
    (each fold re-solves the GP, hyperparameters kept; other kinds refit), so
    training stays within seconds; ``compare_models`` gives fully refitted scores.
    """
    fam = get_family(family)
    df = ds.load_dataset(fam, directory)
    prov = ds.read_provenance(fam, directory) or {}
    if prov.get("space_hash") not in (None, fam.space_hash()):
        raise ValidationError([f"the {fam.name} dataset was sampled over another feature space "
                               f"({prov.get('space_hash')}, now {fam.space_hash()}): resample it with "
                               f"`retrofit surrogate sample --family {fam.name}`"])
    if len(df) < 8:
        raise ValidationError([f"the {fam.name} dataset has {len(df)} points; at least 8 are needed"])
    kinds = {**chosen_kinds(fam, directory), **(kinds or {})}
    X, Y = df[fam.feature_names], df
    t0 = time.perf_counter()
    model = SurrogateModel(fam.name, kinds).fit(X, Y)
    fit_s = time.perf_counter() - t0
    cv_scores = cross_validate(model, X, Y, min(CV_FOLDS, len(df)), refit_hyperparameters=False)[0] if cv else {}
    meta = {
        "family": fam.name,
        "model_format": MODEL_FORMAT,
        "kinds": kinds,
        "features": [{"name": f.name, "unit": f.unit, "low": f.low, "high": f.high} for f in fam.features],
        "targets": list(PREDICTED),
        "space_hash": fam.space_hash(),
        "data_sha256": ds.data_hash(fam, directory),
        "n_train": int(len(df)),
        "weather_id": (prov.get("weather") or {}).get("id"),
        "engine_version": prov.get("engine_version"),
        "versions": versions(),
        "cv": {"folds": min(CV_FOLDS, len(df)), "method": "K-fold, GP kernels from the full fit", **cv_scores},
        "fit_s": round(fit_s, 2),
        "train_s": round(time.perf_counter() - t0, 2),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    log.info("trained %s on %d points in %.1f s", fam.name, len(df), fit_s)
    return model, meta


def _cache_file(fam: Family, directory) -> Path:
    tag = "" if directory is None else "-" + hashlib.sha256(str(Path(directory).resolve()).encode()).hexdigest()[:8]
    return model_cache_dir() / f"{fam.name}{tag}.npz"


def load_model(family: str | Family, directory=None, retrain: bool = False) -> tuple[SurrogateModel, dict]:
    """The fitted model of a family: from the disk cache, or trained now and cached.

    A cached model is used only if its dataset hash, feature space, library
    versions and model format all match; otherwise it is retrained. A cached
    file that cannot be read is logged (warning, with its path), moved aside
    (renamed ``*.unreadable-<UTC time>``) and the model retrained.
    """
    fam = get_family(family)
    return _load_model_cached(fam.name, None if directory is None else str(Path(directory).resolve()),
                              ds.data_hash(fam, directory), retrain)


@cache
def _memo(name: str, directory: str | None, data_sha: str):
    return _load_or_train(name, directory, data_sha, False)


def _load_model_cached(name, directory, data_sha, retrain):
    if retrain:
        _memo.cache_clear()
        return _load_or_train(name, directory, data_sha, True)
    return _memo(name, directory, data_sha)


def _load_or_train(name: str, directory: str | None, data_sha: str, retrain: bool):
    fam = get_family(name)
    path = _cache_file(fam, directory)
    if path.is_file() and not retrain:
        try:
            model, meta = read_model(path, fam)
        except Exception as exc:  # noqa: BLE001 - any fault in a data file: report, keep it aside, retrain
            aside = _move_aside(path)
            log.warning("cached surrogate model %s cannot be read (%s: %s); %s; retraining",
                        path, type(exc).__name__, str(exc)[:200],
                        f"moved aside to {aside.name}" if aside else "could not move it aside")
        else:
            if (meta.get("data_sha256") == data_sha and meta.get("space_hash") == fam.space_hash()
                    and meta.get("versions") == versions()):
                return model, meta
            log.info("cached %s model is stale (data, space or versions changed): retraining", name)
    model, meta = train(fam, directory)
    save_model(model, meta, path)
    return model, meta


def _move_aside(path: Path) -> Path | None:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    try:
        os.replace(path, aside)
    except OSError:
        return None
    return aside


# --------------------------------------------------------------------------- storage without pickle

_STATE_KEY = "state.json"
_ARRAY_TAG = "__array__"
_TEXT_ARRAY_TAG = "__text_array__"


def model_state(model: SurrogateModel, meta: dict) -> tuple[dict, dict[str, np.ndarray]]:
    """The fitted model as a JSON-able tree plus named numeric arrays (no Python objects)."""
    arrays: dict[str, np.ndarray] = {}

    def enc(x):
        if isinstance(x, np.ndarray):
            if x.dtype.kind == "O":
                return {_TEXT_ARRAY_TAG: [str(v) for v in x]}
            key = f"a{len(arrays)}"
            arrays[key] = x
            return {_ARRAY_TAG: key}
        if isinstance(x, np.generic):
            return x.item()
        if isinstance(x, dict):
            if not all(isinstance(k, str) and not k.startswith("__") for k in x):
                raise ValidationError([f"cannot store a mapping with keys {list(x)[:5]}"])
            return {k: enc(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [enc(v) for v in x]
        if x is None or isinstance(x, bool | int | float | str):
            return x
        raise ValidationError([f"cannot store a {type(x).__name__} in a surrogate model file"])

    return {"format": MODEL_FORMAT, "metadata": meta, "model": enc(model._state())}, arrays


def model_from_state(state: dict, arrays) -> tuple[SurrogateModel, dict]:
    """Rebuild a model from :func:`model_state` output; only this module's constructors run."""
    def dec(x):
        if isinstance(x, dict):
            if set(x) == {_ARRAY_TAG}:
                return arrays[x[_ARRAY_TAG]]
            if set(x) == {_TEXT_ARRAY_TAG}:
                return np.array([str(v) for v in x[_TEXT_ARRAY_TAG]], dtype=object)
            return {k: dec(v) for k, v in x.items()}
        if isinstance(x, list):
            return [dec(v) for v in x]
        return x

    if not isinstance(state, dict) or state.get("format") != MODEL_FORMAT:
        raise ValidationError([f"model file format {state.get('format') if isinstance(state, dict) else None!r}, "
                               f"expected {MODEL_FORMAT!r}"])
    return SurrogateModel._from_state(dec(state["model"])), state["metadata"]


def read_model(path: Path, family: Family | None = None) -> tuple[SurrogateModel, dict]:
    """Read a model file written by :func:`save_model` (``numpy.load`` with ``allow_pickle=False``).

    The rebuilt model is checked by predicting the family's feature-space
    corners: it must give finite values.

    Raises
    ------
    ValidationError, OSError, ValueError, KeyError, TypeError
        For a file that is not a valid model file (the caller moves it aside).
    """
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    state = json.loads(arrays.pop(_STATE_KEY).tobytes().decode("utf-8"))
    model, meta = model_from_state(state, arrays)
    fam = family or get_family(model.family)
    corners = pd.DataFrame([[f.low for f in fam.features], [f.high for f in fam.features]],
                           columns=fam.feature_names)
    if not np.isfinite(model.predict(corners).to_numpy(dtype=float)).all():
        raise ValidationError([f"{path}: the stored model predicts non-finite values"])
    return model, meta


def save_model(model: SurrogateModel, meta: dict, path: Path) -> None:
    """Write model + metadata atomically as ``.npz`` (no pickle), and the metadata as JSON beside it."""
    state, arrays = model_state(model, meta)
    arrays[_STATE_KEY] = np.frombuffer(json.dumps(state).encode("utf-8"), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
