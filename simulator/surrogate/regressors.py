"""Regressors of the surrogate's output groups, and the thread limit of their linear algebra.

:class:`SharedKernelGP` (Gaussian process, one kernel for several outputs),
:class:`PerColumnHGB` (histogram gradient boosting) and :class:`ScaledMLP`
(multi-layer perceptron); :func:`make_regressor` builds one by kind. Each can
give its fitted state as plain arrays and numbers (``_state`` /
``_from_state``) for :mod:`simulator.surrogate.persistence`, which never
stores a pickle. :func:`single_threaded` keeps BLAS/OpenMP on one thread.
"""

from __future__ import annotations

import os
import threading
import warnings
from contextlib import contextmanager
from functools import cache

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import ConvergenceWarning

from simulator.exceptions import UnknownNameError, ValidationError

#: Regressor kinds (:func:`make_regressor`).
KINDS = ("gp", "hgb", "mlp")
#: Rows per block of GP prediction [-]: 64 rows by ~1,500 training points (0.75 MB) stay in cache
#: (10,000 walk-up packages on one thread, 2-core machine: 2.77 s at 64 rows, 3.99 s at 256;
#: ``benchmarks/bench_predict_blocks.py``).
PREDICT_CHUNK = 64


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what this process may use (affinity, containers' cpusets)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


#: Threads over the blocks of a batch prediction [-]: the usable CPUs, at most 4 (each block alone
#: on its thread, BLAS and the tree predictor on one thread: the numbers do not depend on it;
#: 1.4-2.3x faster with 2 on the 2-core machine). Small batches (one block: the app's single
#: building, the calibration sampler's walkers) stay on the caller's thread.
PREDICT_THREADS = max(1, min(4, _usable_cpus()))


def map_blocks(fn, items) -> list:
    """``[fn(x) for x in items]``, on :data:`PREDICT_THREADS` threads when there are two items or more.

    For blocks of a batch prediction that are independent and mostly numpy (which frees the GIL):
    each block is computed as it would be alone, so the results do not depend on the threads. Call
    inside :func:`single_threaded` (BLAS on one thread per block).
    """
    items = list(items)
    if len(items) > 1 and PREDICT_THREADS > 1:
        from concurrent.futures import ThreadPoolExecutor

        # a pool per call (starting threads costs microseconds): no thread outlives the prediction, so a
        # later EnergyPlus batch still sees one thread and forks (simulator.batch), and nothing is shared
        with ThreadPoolExecutor(min(PREDICT_THREADS, len(items)), thread_name_prefix="surrogate-predict") as pool:
            return list(pool.map(fn, items))
    return [fn(x) for x in items]


#: Training points the GP's predictive spread is conditioned on (a fixed random subset when there are
#: more): the spread of a GP posterior on fewer points is wider, never narrower, and the conformal
#: calibration (:mod:`simulator.surrogate.intervals`) scales it to the measured errors; 256 points
#: keep 10,000 spreads at about 0.3 s (10,000 x 256^2 multiply-adds).
SPREAD_POINTS = 256


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
            _blas_control_here()
            _limiter = _threadpools().limit(limits=1)
        _limit_users += 1
    try:
        yield
    finally:
        with _LIMIT_LOCK:
            _limit_users -= 1
            if _limit_users == 0 and _limiter is not None:
                _blas_control_here()
                _limiter.restore_original_limits()
                _limiter = None


def _blas_control_here() -> None:
    """Let this thread set OpenBLAS's process-wide thread count (call under ``_LIMIT_LOCK``).

    threadpoolctl (3.6 and later) lets only one "controlling" thread change a pthreads OpenBLAS: the
    first that ever did, while it lives; any other thread's limit and restore do nothing. Here every
    change goes through :func:`single_threaded` under one lock, whichever thread enters first or
    leaves last, so that thread takes control (older threadpoolctl: nothing to do).
    """
    try:
        from threadpoolctl import OpenBLASController
    except ImportError:
        return
    clear = getattr(OpenBLASController, "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)


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
        self.y_std_ = std.astype(float)
        self._spread_basis(Xs)
        return self

    def _spread_basis(self, Xs: np.ndarray) -> None:
        """Precompute the predictive spread on :data:`SPREAD_POINTS` training points (see there)."""
        n = len(Xs)
        idx = np.arange(n) if n <= SPREAD_POINTS else \
            np.sort(np.random.default_rng(self.random_state).choice(n, SPREAD_POINTS, replace=False))
        noise = float(self.kernel_.k2.noise_level)
        sub = Xs[idx] / self.length_scale_
        self.spread_x_ = np.ascontiguousarray(sub)
        self.spread_x_sq_ = (sub**2).sum(axis=1)
        corr = self._corr_to(Xs[idx], sub, self.spread_x_sq_)
        kmm = self.constant_ * corr + noise * np.eye(len(idx))
        chol = np.linalg.cholesky(kmm)
        self.spread_a_ = np.ascontiguousarray(np.linalg.inv(chol) * self.constant_)  # A c: v = A c r
        self.noise_ = noise

    def _corr_to(self, Xs: np.ndarray, train_scaled: np.ndarray, train_sq: np.ndarray) -> np.ndarray:
        a = Xs / self.length_scale_
        sq = (a**2).sum(axis=1)[:, None] + train_sq[None, :] - 2.0 * (a @ train_scaled.T)
        np.maximum(sq, 0.0, out=sq)
        return self._matern(sq)

    def _matern(self, sq: np.ndarray) -> np.ndarray:
        """The kernel's correlation at squared scaled distances ``sq`` (overwritten: computed in place).

        In place on ``sq`` and one temporary: the elementwise work, not the matrix product, is most
        of a batch prediction's time (1.8x faster than with a temporary per operation; the same
        values to 2e-15 relative).
        """
        if np.isinf(self.nu):
            sq *= -0.5
            return np.exp(sq, out=sq)
        d = np.sqrt(sq, out=sq)
        if self.nu == 2.5:  # (1 + d + d^2 / 3) exp(-d), d = sqrt(5) r
            d *= np.sqrt(5.0)
            poly = d * (1.0 / 3.0)
            poly += 1.0
            poly *= d
        elif self.nu == 1.5:  # (1 + d) exp(-d), d = sqrt(3) r
            d *= np.sqrt(3.0)
            poly = d.copy()
        else:
            raise ValidationError([f"predictive spread needs nu 1.5, 2.5 or inf, got {self.nu}"])
        poly += 1.0
        np.negative(d, out=d)
        poly *= np.exp(d, out=d)
        return poly

    def _spread_v(self, X) -> np.ndarray:
        Xs = self.scaler_.transform(np.asarray(X, dtype=float))
        out = np.empty((len(Xs), len(self.spread_x_)))

        def block(i: int) -> None:
            r = self._corr_to(Xs[i:i + PREDICT_CHUNK], self.spread_x_, self.spread_x_sq_)
            out[i:i + PREDICT_CHUNK] = r @ self.spread_a_.T

        with single_threaded():
            map_blocks(block, range(0, len(Xs), PREDICT_CHUNK))
        return out

    def predict_spread(self, X) -> np.ndarray:
        """Predictive standard deviation of every output column [target units] (rows x outputs).

        The GP posterior on the spread subset (:data:`SPREAD_POINTS`): latent
        variance ``c - |v|^2`` plus the white noise, times each column's scale.
        """
        v = self._spread_v(X)
        var = np.clip(self.constant_ - (v**2).sum(axis=1), 0.0, None) + self.noise_
        return np.sqrt(var)[:, None] * self.y_std_[None, :]

    def predict_spread_pair(self, X1, X2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Spreads of two row-aligned tables and their posterior covariance (first output column).

        Returns ``(sd1, sd2, cov)`` in target units: the spread of a difference
        ``f(x1) - f(x2)`` (a saving) is ``sqrt(sd1^2 + sd2^2 - 2 cov)``.
        """
        v1, v2 = self._spread_v(X1), self._spread_v(X2)
        s1 = self.scaler_.transform(np.asarray(X1, dtype=float)) / self.length_scale_
        s2 = self.scaler_.transform(np.asarray(X2, dtype=float)) / self.length_scale_
        rho = self._matern(((s1 - s2) ** 2).sum(axis=1))
        scale = self.y_std_[0]
        var1 = np.clip(self.constant_ - (v1**2).sum(axis=1), 0.0, None) + self.noise_
        var2 = np.clip(self.constant_ - (v2**2).sum(axis=1), 0.0, None) + self.noise_
        cov = self.constant_ * rho - (v1 * v2).sum(axis=1) + self.noise_ * (rho >= 1.0 - 1e-12)
        return np.sqrt(var1) * scale, np.sqrt(var2) * scale, cov * scale**2

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
        if not (np.isinf(self.nu) or self.nu in (1.5, 2.5)):
            return self.kernel_.k1.k2(Xs, self.x_train_)
        a = Xs / self.length_scale_
        sq = a @ self.x_train_scaled_.T
        sq *= -2.0
        sq += (a**2).sum(axis=1)[:, None]
        sq += self.x_train_sq_[None, :]
        np.maximum(sq, 0.0, out=sq)
        return self._matern(sq)

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
                "log_marginal_likelihood_": self.log_marginal_likelihood_, "y_std_": self.y_std_,
                "spread_x_": self.spread_x_, "spread_x_sq_": self.spread_x_sq_, "spread_a_": self.spread_a_,
                "noise_": self.noise_}

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
        self.y_std_ = _f64(st["y_std_"], 1)
        self.spread_x_, self.spread_x_sq_ = _f64(st["spread_x_"], 2), _f64(st["spread_x_sq_"], 1)
        self.spread_a_, self.noise_ = _f64(st["spread_a_"], 2), float(st["noise_"])
        self.gp_ = None
        return self

    def predict(self, X, return_std: bool = False):
        Xs = self.scaler_.transform(np.asarray(X, dtype=float))
        if return_std:
            mean, std = self._gp().predict(Xs, return_std=True)
            return mean.reshape(len(Xs), -1), np.asarray(std).reshape(len(Xs), -1)
        out = np.empty((len(Xs), self.weights_.shape[1]))

        def block(i: int) -> None:  # blocks that stay in cache: about 2x faster
            out[i:i + PREDICT_CHUNK] = self._correlation(Xs[i:i + PREDICT_CHUNK]) @ self.weights_

        with single_threaded():  # BLAS on one thread; the blocks on PREDICT_THREADS (numpy frees the GIL)
            map_blocks(block, range(0, len(Xs), PREDICT_CHUNK))
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
        with single_threaded():  # the columns' trees on PREDICT_THREADS (sklearn's tree predictor frees the GIL)
            # one OpenMP thread each, said explicitly: an OpenMP limit holds only on the thread that set it
            return np.column_stack(map_blocks(lambda c: c.predict(X, n_threads=1), self.columns_))

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

    def predict(self, X: np.ndarray, n_threads: int | None = None) -> np.ndarray:
        """The sum of the trees for each row of ``X``; ``n_threads`` OpenMP threads (None: this thread's limit)."""
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

        n_threads = _openmp_effective_n_threads(n_threads)
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

    raise UnknownNameError("surrogate model kind", kind, list(KINDS))


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

