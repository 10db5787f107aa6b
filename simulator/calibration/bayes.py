"""Bayesian calibration: the surrogate as forward model, emcee as sampler, and diagnostics.

Forward model
-------------
For a parameter vector theta (:mod:`.priors`), the archetype's surrogate
features are moved (setpoint replaced; infiltration, lighting and plug
densities, wall and roof U multiplied) and the family's surrogate predicts the
monthly heating and cooling per m2 (:func:`simulator.surrogate.engine.predict_features`,
vectorised over walkers). The meters are then::

    heat_m        = heating_kwh_m2_m * A / eta                       [kWh]
    electricity_m = (P_light * L_m + P_plug * E_m + cooling_kwh_m2_m / COP_cool) * A   [kWh]
                    (+ the heating electricity of a heat pump or electric storage, :mod:`.electric`)

with ``A`` the metered floor area, ``eta`` the network efficiency (1 when the
heat is metered at the building), ``L_m``, ``E_m`` the month's full-load hours
of the lighting and plug schedules [h] / 1000 and ``COP_cool`` the seasonal
cooling COP of the building's cooling system (``simulator/data/systems.toml``).
Lighting and plugs are exact (the same schedules EnergyPlus uses).

Likelihood
----------
Independent Gaussian errors per month, ``sd_m = y_m * sqrt(r^2 + s_gp^2)`` with
``r`` the relative sd of the error model (priors file) and ``s_gp`` the
surrogate's own predictive sd of log annual heating at the archetype (heat
only; the GP's sd varies little over the prior range). A floor of 1 % of the
mean reading keeps zero months finite.

Sampler and diagnostics
-----------------------
emcee's ensemble sampler (Foreman-Mackey et al. 2013, PASP 125:306) with
differential-evolution moves: 80 % ``DEMove`` (ter Braak 2006, Stat. Comput.
16:239) and 20 % ``DESnookerMove`` (ter Braak & Vrugt 2008, Stat. Comput.
18:435), the mixture emcee's documentation suggests for correlated
posteriors. Setpoint, infiltration and envelope U all raise heating, so the
posterior is a correlated ridge; on the synthetic-truth case the DE mixture
halves the autocorrelation time of the default stretch move (about 10 vs 21
steps, 48 walkers, 500 steps) and brings split R-hat from 1.18 to 1.05.
Walkers start from prior draws. Reported:

* mean acceptance fraction (0.2-0.5 is healthy, Foreman-Mackey et al. 2013);
* integrated autocorrelation time ``tau`` per parameter
  (:func:`emcee.autocorr.integrated_time`) and the effective sample size
  ``n_steps_kept * n_walkers / tau``. emcee asks for chains longer than
  50 tau for a precise tau (reported as ``chain_longer_than_50_tau``); the
  intervals themselves are flagged as unreliable (``chain_ok`` false, and a
  warning) when the kept chain is shorter than 20 tau or the ESS is below 400
  (our choice: 400 effective draws put the 5 % and 95 % quantiles within
  about +-1 percentage point of probability);
* split R-hat across walkers (Gelman et al., *Bayesian Data Analysis* 3rd ed.,
  section 11.4): every walker's kept chain split in halves. Ensemble walkers
  are not independent chains, so R-hat here is a check for walkers stuck
  apart, not a proof of convergence; values below 1.1 are taken as passing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import emcee
import numpy as np
import pandas as pd

from buildings.model import Building
from simulator.calibration.priors import Prior
from simulator.exceptions import ValidationError
from simulator.loads import monthly_sums
from simulator.surrogate import hourly as H
from simulator.surrogate.model import single_threaded
from simulator.surrogate.space import Family
from simulator.surrogate.training import load_model

log = logging.getLogger(__name__)

RHAT_LIMIT = 1.1
TAU_FACTOR = 50  # emcee: tau itself is precise when the chain is longer than 50 tau
TAU_FACTOR_MIN = 20  # below 20 tau (or ESS_MIN) the intervals are flagged as unreliable (our choice)
ESS_MIN = 400  # effective samples for 5 %/95 % quantiles to about +-0.01 in probability (binomial sd)
SD_FLOOR_FRACTION = 0.01
Z90 = 1.6449  # standard normal quantile of 0.95: a 90 % interval is +-1.645 sd
POSTERIOR_DRAWS_STORED = 200
"""Draws written into a calibrated file (our choice: 200 x 5 numbers keep the file under ~10 kB)."""
DRAW_MODES = ("absolute", "factor", "meter")


def cooling_cop(building: Building) -> float | None:
    """Seasonal COP of the building's cooling system (systems data file); ``None`` without cooling."""
    from simulator.systems import load_system_params

    c = load_system_params()["cooling"]
    s = building.systems
    if s.cooling_system == "none":
        return None
    if s.cooling_system == "split_ac":
        return c["split_ac_inverter_seasonal_cop"] if s.split_ac_inverter else c["split_ac_seasonal_cop"]
    if s.cooling_system == "chiller":
        return c["chiller_plant_cop"]
    return c["ashp_cooling_eer"]


def monthly_kwh_m2(family: Family, X: pd.DataFrame, weather=None, anchor=None,
                   surrogate=None) -> tuple[np.ndarray, np.ndarray]:
    """Monthly heating and cooling [kWh/m2], shape (n, 12) each: the surrogate's two load groups only.

    Same numbers as :func:`simulator.surrogate.engine.predict_features` (tested),
    without the peak and window-solar regressors the meters do not need
    (about 3x faster inside the sampler). ``weather``: a ``weather.Weather``
    (None: the built-in year), the weather-aware surrogate of issue 12. ``anchor``: the
    family's anchor on that weather (:mod:`simulator.surrogate.anchor`), or None. ``surrogate``: the
    family's fitted model when the caller holds it (None: :func:`load_model`, which hashes the
    family's data files on every call, about 6 ms: a sampler's forward model loads it once).
    """
    from simulator.surrogate.anchor import apply_monthly

    model = load_model(family)[0] if surrogate is None else surrogate
    with single_threaded():
        est, Z = model.physics_.design(X, weather)
        out = {}
        for g in ("heating", "cooling"):
            out.update(model.encoders_[g].decode(model.groups_[g].predict(Z), est))
    heat = np.column_stack([out[f"heating_kwh_m2_m{m:02d}"] for m in range(1, 13)])
    cool = np.column_stack([out[f"cooling_kwh_m2_m{m:02d}"] for m in range(1, 13)])
    return apply_monthly(heat, cool, anchor, X)


@dataclass(frozen=True, eq=False)
class ForwardModel:
    """The meters predicted by the surrogate for parameter vectors.

    Attributes
    ----------
    family
        Surrogate family.
    base_features
        The archetype's features.
    priors
        The sampled parameters, in vector order.
    floor_area_m2
        Metered floor area [m2].
    lighting_h, equipment_h
        Monthly full-load hours of the lighting / plug schedules / 1000 [kh] (12).
    cooling_cop
        Seasonal COP of cooling, or ``None``.
    weather
        The weather the surrogate predicts on (``weather.Weather``; None: the built-in year).
    anchor
        The surrogate's anchor on that weather when it is not a training year (EnergyPlus runs
        of the family's base archetype and its measure anchors, :mod:`simulator.surrogate.anchor`),
        else None.
    surrogate
        The family's fitted surrogate model, loaded once for the sampler's thousands of calls
        (None: loaded on each call).
    correction
        Factors on the surrogate's heating and cooling loads [-] (``(1, 1)``: none): the
        EnergyPlus-to-surrogate ratio at a first posterior mean, when the calibration refines
        (:func:`simulator.calibration.calibrate.refine_factors`).
    """

    family: Family
    base_features: dict[str, float]
    priors: tuple[Prior, ...]
    floor_area_m2: float
    lighting_h: np.ndarray
    equipment_h: np.ndarray
    cooling_cop: float | None
    weather: Any = None
    heating_electricity: Any = None  # electric.HeatingElectricity of a heat pump / electric storage, else None
    anchor: Any = None
    surrogate: Any = None
    correction: tuple[float, float] = (1.0, 1.0)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.priors]

    def features(self, theta: np.ndarray) -> pd.DataFrame:
        """Feature table (one row per parameter vector)."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        X = pd.DataFrame({k: np.full(len(theta), v) for k, v in self.base_features.items()})
        for j, p in enumerate(self.priors):
            for f in p.features:
                X[f] = theta[:, j] if p.mode == "absolute" else self.base_features[f] * theta[:, j]
        if "heating_setback_c" in X and any("heating_setpoint_c" in p.features for p in self.priors):
            X["heating_setback_c"] = np.minimum(X["heating_setback_c"], X["heating_setpoint_c"])
        return X

    def meter_parameter(self, theta: np.ndarray, name: str) -> np.ndarray | None:
        """Values of a meter-side parameter per vector, or ``None`` when it is not sampled."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        names = self.names
        return theta[:, names.index(name)] if name in names else None

    def efficiency(self, theta: np.ndarray) -> np.ndarray:
        """Network efficiency per vector (1 when the heat is metered at the building)."""
        eta = self.meter_parameter(theta, "network_efficiency")
        return np.ones(len(np.atleast_2d(theta))) if eta is None else eta

    def predict(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Monthly heat and electricity at the meters [kWh], each shape (n, 12)."""
        X = self.features(theta)
        heat_m2, cool_m2 = monthly_kwh_m2(self.family, X, self.weather, self.anchor, self.surrogate)
        heat_m2, cool_m2 = heat_m2 * self.correction[0], cool_m2 * self.correction[1]
        a = self.floor_area_m2
        heat = heat_m2 * a / self.efficiency(theta)[:, None]
        elec = (X["lighting_w_m2"].to_numpy()[:, None] * self.lighting_h[None, :]
                + X["equipment_w_m2"].to_numpy()[:, None] * self.equipment_h[None, :]) * a
        if self.cooling_cop:
            elec = elec + cool_m2 * a / self.cooling_cop
        he = self.heating_electricity
        if he is not None:  # heat pump / electric storage: the useful heat reaches the electricity meter
            elec = elec + he.monthly_kwh(heat_m2 * a, self.meter_parameter(theta, he.parameter))
        return heat, elec

    def surrogate_log_sd(self) -> float:
        """The surrogate's sd of log annual heating at the archetype on the model's weather [-].

        From its calibrated 90 % interval (:func:`simulator.surrogate.intervals.predict_intervals`:
        the GP spread scaled by the conformal quantile, plus the weather-bias term on a weather it
        was not trained on): ``log((p95 + 0.1) / (p05 + 0.1)) / (2 x 1.645)``.
        """
        from simulator.surrogate.intervals import predict_intervals
        from simulator.surrogate.model import LOG_OFFSET

        model, _ = load_model(self.family)
        row = predict_intervals(model, self.features(np.array([[p.mean for p in self.priors]])), self.weather,
                                self.anchor).iloc[0]
        lo, hi = row["heating_kwh_m2_p05"] + LOG_OFFSET, row["heating_kwh_m2_p95"] + LOG_OFFSET
        return float(np.log(hi / lo) / (2.0 * Z90)) if lo > 0 and np.isfinite(hi) else 0.0


def forward_model(building: Building, family: Family, base_features: dict[str, float],
                  priors: tuple[Prior, ...], floor_area_m2: float, weather=None,
                  heating_electricity=None) -> ForwardModel:
    """Build the forward model of a building (schedules' monthly hours, cooling COP) on a weather.

    ``heating_electricity``: the :class:`~simulator.calibration.electric.HeatingElectricity` of an
    electrically heated building (its heating goes into the electricity meter), else None.
    """
    area = building.floor_area_m2
    op = building.operation
    light = monthly_sums(H.lighting_hourly_kwh(building)) / (op.lighting_w_m2 * area) if op.lighting_w_m2 > 0 \
        else monthly_sums(H.profile_hourly(building, op.lighting)) / 1000.0
    equip = monthly_sums(H.equipment_hourly_kwh(building)) / (op.equipment_w_m2 * area) if op.equipment_w_m2 > 0 \
        else monthly_sums(H.profile_hourly(building, op.equipment)) / 1000.0
    from simulator.surrogate.engine import SurrogateEngine

    anchor = SurrogateEngine(warn=False).anchor_of(family, weather)[0] if weather is not None else None
    return ForwardModel(family, dict(base_features), tuple(priors), float(floor_area_m2), light, equip,
                        cooling_cop(building), weather, heating_electricity, anchor, load_model(family)[0])


@dataclass(frozen=True, eq=False)
class Likelihood:
    """Gaussian log-likelihood of the meter readings (NaN = no reading).

    Attributes
    ----------
    heat_kwh, electricity_kwh
        Readings per calendar month [kWh] (12; NaN = none).
    heat_sd_kwh, electricity_sd_kwh
        Standard deviation per month [kWh] (12).
    """

    heat_kwh: np.ndarray
    electricity_kwh: np.ndarray
    heat_sd_kwh: np.ndarray
    electricity_sd_kwh: np.ndarray

    def __call__(self, heat: np.ndarray, elec: np.ndarray) -> np.ndarray:
        out = np.zeros(len(heat))
        for y, sd, yhat in ((self.heat_kwh, self.heat_sd_kwh, heat), (self.electricity_kwh, self.electricity_sd_kwh, elec)):
            keep = np.isfinite(y)
            if keep.any():
                out -= 0.5 * np.sum(((yhat[:, keep] - y[keep]) / sd[keep]) ** 2, axis=1)
        return out


def _sd(y: np.ndarray, rel: float) -> np.ndarray:
    finite = y[np.isfinite(y)]
    floor = SD_FLOOR_FRACTION * (finite.mean() if finite.size and finite.mean() > 0 else 1.0)
    return np.maximum(np.nan_to_num(y) * rel, floor)


def likelihood(heat_kwh: np.ndarray, electricity_kwh: np.ndarray, heat_rel_sd: float, electricity_rel_sd: float,
               surrogate_log_sd: float = 0.0) -> Likelihood:
    """The likelihood of readings with relative sds (heat's combined with the surrogate's sd in quadrature)."""
    heat_rel = float(np.hypot(heat_rel_sd, surrogate_log_sd))
    return Likelihood(np.asarray(heat_kwh, float), np.asarray(electricity_kwh, float),
                      _sd(np.asarray(heat_kwh, float), heat_rel), _sd(np.asarray(electricity_kwh, float), electricity_rel_sd))


# --------------------------------------------------------------------------- diagnostics


def split_rhat(chain: np.ndarray) -> np.ndarray:
    """Split R-hat per parameter (Gelman et al. BDA3 section 11.4), chains = walkers split in halves.

    Parameters
    ----------
    chain
        Samples, shape (n_steps, n_chains, n_params).
    """
    n = chain.shape[0] // 2
    if n < 2:
        return np.full(chain.shape[2], np.nan)
    halves = np.concatenate([chain[:n], chain[n:2 * n]], axis=1)  # (n, 2 m, d)
    means = halves.mean(axis=0)
    b = n * means.var(axis=0, ddof=1)
    w = halves.var(axis=0, ddof=1).mean(axis=0)
    var_plus = (n - 1) / n * w + b / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(var_plus / w)


def autocorr_time(chain: np.ndarray) -> np.ndarray:
    """Integrated autocorrelation time per parameter [steps] (emcee's estimator, no error on short chains).

    emcee's own warning for chains shorter than 50 tau is silenced here: the
    caller reports it through :meth:`Posterior.diagnostics`.
    """
    emcee_log = logging.getLogger("emcee.autocorr")
    level = emcee_log.level
    emcee_log.setLevel(logging.ERROR)
    try:
        return np.asarray(emcee.autocorr.integrated_time(chain, quiet=True), dtype=float)
    finally:
        emcee_log.setLevel(level)


@dataclass(frozen=True, eq=False)
class Posterior:
    """Posterior samples and their diagnostics.

    Attributes
    ----------
    names
        Parameter names.
    samples
        Kept samples, shape (n, d) (all walkers, after burn-in).
    chain
        Kept chain, shape (steps, walkers, d).
    log_prob
        Log posterior of the kept chain, shape (steps, walkers).
    acceptance_fraction
        Mean acceptance fraction of the walkers [-].
    tau_steps
        Integrated autocorrelation time per parameter [steps].
    rhat
        Split R-hat per parameter [-].
    settings
        Walkers, steps, burn-in, seed.
    runtime_s
        Sampling time [s].
    """

    names: tuple[str, ...]
    samples: np.ndarray
    chain: np.ndarray
    log_prob: np.ndarray
    acceptance_fraction: float
    tau_steps: np.ndarray
    rhat: np.ndarray
    settings: dict = field(default_factory=dict)
    runtime_s: float = 0.0

    @property
    def mean(self) -> np.ndarray:
        return self.samples.mean(axis=0)

    @property
    def ess(self) -> np.ndarray:
        """Effective sample size per parameter: kept samples / tau."""
        return self.samples.shape[0] / np.maximum(self.tau_steps, 1.0)

    def quantiles(self, q) -> np.ndarray:
        return np.quantile(self.samples, q, axis=0)

    def summary(self, priors: tuple[Prior, ...] | None = None) -> dict[str, dict[str, float]]:
        """Per parameter: mean, sd, p05, p50, p95, tau, ESS, R-hat (and the prior's p05/p95, whether at a bound)."""
        q = self.quantiles([0.05, 0.5, 0.95])
        out = {}
        for j, name in enumerate(self.names):
            row = {"mean": float(self.mean[j]), "sd": float(self.samples[:, j].std(ddof=1)),
                   "p05": float(q[0, j]), "p50": float(q[1, j]), "p95": float(q[2, j]),
                   "tau_steps": float(self.tau_steps[j]), "ess": float(self.ess[j]), "rhat": float(self.rhat[j])}
            if priors is not None:
                p = priors[j]
                pq = p.quantiles([0.05, 0.95])
                span = p.high - p.low
                row.update(prior_mean=p.mean, prior_p05=float(pq[0]), prior_p95=float(pq[1]), low=p.low, high=p.high,
                           unit=p.unit,
                           at_bound=bool(min(q[1, j] - p.low, p.high - q[1, j]) < 0.02 * span))
            out[name] = row
        return out

    def diagnostics(self) -> dict:
        steps = self.chain.shape[0]
        tau_max = float(np.nanmax(self.tau_steps))
        return {"acceptance_fraction": round(self.acceptance_fraction, 4),
                "tau_max_steps": round(tau_max, 2), "ess_min": round(float(np.nanmin(self.ess)), 1),
                "rhat_max": round(float(np.nanmax(self.rhat)), 4),
                "chain_longer_than_50_tau": bool(steps > TAU_FACTOR * tau_max),
                "chain_ok": bool(steps > TAU_FACTOR_MIN * tau_max and np.nanmin(self.ess) >= ESS_MIN),
                "rhat_ok": bool(np.nanmax(self.rhat) < RHAT_LIMIT),
                "acceptance_ok": bool(0.15 <= self.acceptance_fraction <= 0.6),
                **self.settings}


def sample(model: ForwardModel, like: Likelihood, n_walkers: int = 32, n_steps: int = 1500, burn: int = 500,
           seed: int = 0, progress: Callable[[float, str], None] | None = None,
           priors: tuple[Prior, ...] | None = None) -> Posterior:
    """Run emcee on the posterior ``prior x likelihood``.

    Parameters
    ----------
    model
        The forward model (its ``priors`` are the parameters).
    like
        The likelihood of the readings.
    n_walkers, n_steps, burn
        Ensemble size, steps, and steps discarded as burn-in.
    seed
        Random seed (walker start and moves).
    progress
        Called with (fraction done, message).
    priors
        Priors to evaluate (default: the model's).
    """
    priors = tuple(priors or model.priors)
    d = len(priors)
    n_walkers = max(n_walkers, 2 * d + 2)
    n_walkers += n_walkers % 2
    rng = np.random.default_rng(seed)
    p0 = np.column_stack([p.sample(n_walkers, rng) for p in priors])

    def log_prob(theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        lp = np.zeros(len(theta))
        for j, p in enumerate(priors):
            lp += p.logpdf(theta[:, j])
        ok = np.isfinite(lp)
        if ok.any():
            heat, elec = model.predict(theta[ok])
            lp[ok] += like(heat, elec)
        return lp

    t0 = time.perf_counter()
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(n_walkers, d, log_prob, vectorize=True, moves=moves)
    sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()  # reproducible moves
    every = max(1, n_steps // 50)
    for i, _ in enumerate(sampler.sample(p0, iterations=n_steps)):
        if progress and (i + 1) % every == 0:
            progress((i + 1) / n_steps, f"MCMC step {i + 1}/{n_steps}")
    runtime = time.perf_counter() - t0
    chain = sampler.get_chain(discard=burn)
    logp = sampler.get_log_prob(discard=burn)
    post = Posterior(names=tuple(p.name for p in priors), samples=chain.reshape(-1, d), chain=chain, log_prob=logp,
                     acceptance_fraction=float(np.mean(sampler.acceptance_fraction)),
                     tau_steps=autocorr_time(chain), rhat=split_rhat(chain),
                     settings={"sampler": f"emcee {emcee.__version__} EnsembleSampler, moves 0.8 DEMove + 0.2 DESnookerMove",
                               "n_walkers": n_walkers, "n_steps": n_steps, "burn_in_steps": burn, "seed": seed},
                     runtime_s=runtime)
    log.info("MCMC %d walkers x %d steps in %.1f s, acceptance %.2f", n_walkers, n_steps, runtime,
             post.acceptance_fraction)
    return post


# --------------------------------------------------------------------------- draws kept with a calibrated file


@dataclass(frozen=True, eq=False)
class PosteriorDraws:
    """Posterior draws stored with a calibrated building.

    Attributes
    ----------
    names
        Parameter names (``simulator/data/calibration_priors.toml``).
    modes
        ``absolute``, ``factor`` or ``meter`` per parameter.
    mean
        Posterior mean per parameter (the values the calibrated file holds) [unit of each].
    values
        Draws, shape (n, d) [unit of each parameter].
    """

    names: tuple[str, ...]
    modes: tuple[str, ...]
    mean: np.ndarray
    values: np.ndarray

    def to_toml(self) -> dict[str, Any]:
        """Plain TOML data (6 significant digits per draw; the mean exact)."""
        return {"names": list(self.names), "modes": list(self.modes),
                "mean": [float(v) for v in self.mean],
                "values": [[float(f"{v:.6g}") for v in row] for row in self.values],
                "note": "random subset of the kept MCMC samples (simulator/calibration/intervals.py)"}

    @classmethod
    def from_toml(cls, data: Any, label: str) -> PosteriorDraws:
        """Read :meth:`to_toml` data back; every problem named (``meta.calibration.posterior_draws.*``)."""
        where = "meta.calibration.posterior_draws"
        if not isinstance(data, dict):
            raise ValidationError([f"{where}: expected a table"], label)
        problems = []
        names, modes = data.get("names"), data.get("modes")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            problems.append(f"{where}.names: expected a list of parameter names")
            names = []
        if not isinstance(modes, list) or len(modes) != len(names) or any(m not in DRAW_MODES for m in modes):
            problems.append(f"{where}.modes: expected one of {', '.join(DRAW_MODES)} per name")
        d = len(names)
        try:
            mean = np.asarray(data.get("mean"), dtype=float)
            values = np.asarray(data.get("values"), dtype=float)
        except (TypeError, ValueError):
            raise ValidationError(problems + [f"{where}.mean / values: expected numbers"], label) from None
        if mean.shape != (d,) or not np.all(np.isfinite(mean)):
            problems.append(f"{where}.mean: expected {d} finite numbers")
        if values.ndim != 2 or values.shape[1] != d or len(values) < 2 or not np.all(np.isfinite(values)):
            problems.append(f"{where}.values: expected rows of {d} finite numbers (at least 2 rows)")
        for j, m in enumerate(modes if not problems else []):
            if m == "factor" and (mean[j] <= 0 or np.any(values[:, j] <= 0)):
                problems.append(f"{where}: factor {names[j]} must be positive")
        if problems:
            raise ValidationError(problems, label)
        return cls(tuple(names), tuple(modes), mean, values)


def stored_draws(names, modes, samples: np.ndarray, n: int = POSTERIOR_DRAWS_STORED, seed: int = 0) -> PosteriorDraws:
    """A random subset of ``n`` posterior samples (shape (N, d)) to keep in the calibrated file."""
    samples = np.asarray(samples, dtype=float)
    rng = np.random.default_rng(seed + 7)
    idx = np.sort(rng.choice(len(samples), size=min(n, len(samples)), replace=False))
    return PosteriorDraws(tuple(names), tuple(modes), samples.mean(axis=0), samples[idx])
