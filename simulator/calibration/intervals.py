"""Savings of any package on a calibrated building, with 90 % credible intervals (reports, builder, CLI).

A calibrated archetype file (:func:`simulator.calibration.calibrate.calibrated_toml`)
keeps a random subset of the posterior draws in ``meta.calibration.posterior_draws``
(:class:`PosteriorDraws`), so the uncertainty travels with the file. For a
package, each draw gives one possible building and one possible result:

1. the calibrated building (the posterior mean) moved to the draw
   (:func:`building_of_draw`): a ``factor`` parameter multiplies by
   ``draw / posterior mean``, an ``absolute`` one replaces the value;
   ``meter`` parameters (network efficiency) act on the meter comparison only
   and leave the building unchanged;
2. the surrogate predicts the loads of that building and of the package
   applied to it; each state's heating and cooling are multiplied by the
   surrogate's own error draw (:func:`simulator.calibration.calibrate.surrogate_error_factors`:
   its calibrated 90 % interval, with the GP's correlation between a
   building and its retrofit, and the weather-level bias on a weather it was
   not trained on);
3. the shared downstream code (:func:`simulator.evaluate.evaluate` with those
   loads: systems, bills, CO2, capex, payback, NPV) turns the loads into every
   figure of the report.

The interval of a quantity is the 5th to 95th percentile over the draws
(equal-tailed 90 % credible interval). With the default 100 draws the
percentiles' own Monte Carlo error is about +-2 percentage points of
probability (binomial sd of 0.05 at n = 100): enough for a report, stated in it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from buildings import measures as M
from buildings.model import Building
from simulator.calibration.bayes import PosteriorDraws
from simulator.calibration.calibrate import apply_parameters, surrogate_error_factors

log = logging.getLogger(__name__)

DEFAULT_DRAWS = 100
"""Draws per interval (our choice: about 8 s of surrogate evaluations on an idle core, see the module notes)."""
CREDIBLE = (0.05, 0.95)

#: quantity key -> where it is read from an evaluation's ``to_dict()`` (top level or the retrofit's summary)
QUANTITIES = ("heating_kwh_m2", "heating_saved_kwh_m2", "heating_saved_pct", "heat_saved_gj", "co2_saved_kg",
              "bill_savings_cny", "simple_payback_years", "npv_cny")
METHOD = ("posterior draws of the calibrated parameters x the surrogate's own GP uncertainty of heating and cooling; "
          "every figure through the shared systems, bills, carbon and finance code; 5th-95th percentile")

Progress = Callable[[float, str], None]


def draws_of(archetype) -> PosteriorDraws | None:
    """The posterior draws of a calibrated archetype (name or file); ``None`` for any other archetype."""
    import archetypes

    cal = (archetypes.raw(archetype).get("meta") or {}).get("calibration")
    if not isinstance(cal, dict) or "posterior_draws" not in cal:
        return None
    return PosteriorDraws.from_toml(cal["posterior_draws"], str(archetype))


def building_of_draw(calibrated: Building, draws: PosteriorDraws, row: np.ndarray) -> Building:
    """The calibrated building (posterior mean) moved to one draw's parameter values."""
    names, theta = [], []
    for j, (name, mode) in enumerate(zip(draws.names, draws.modes, strict=True)):
        if mode == "factor":
            names.append(name)
            theta.append(row[j] / draws.mean[j])
        elif mode == "absolute":
            names.append(name)
            theta.append(row[j])
    return apply_parameters(calibrated, names, theta) if names else calibrated


def _noisy(loads, f_heat: float, f_cool: float):
    """Loads with heating and cooling (series and peaks) scaled by the surrogate's own error factors."""
    return dataclasses.replace(loads, hourly_heating_kwh=loads.hourly_heating_kwh * f_heat,
                               peak_heating_w=loads.peak_heating_w * f_heat,
                               hourly_cooling_kwh=loads.hourly_cooling_kwh * f_cool,
                               peak_cooling_w=loads.peak_cooling_w * f_cool)


def _figures(ev) -> dict[str, float]:
    d = ev.to_dict()
    b, r = d["baseline"], d["retrofit"]
    saved = (b["heating_kwh_m2"] or 0.0) - (r["heating_kwh_m2"] or 0.0)
    out = {"heating_kwh_m2": r["heating_kwh_m2"], "heating_saved_kwh_m2": saved,
           "heating_saved_pct": 100.0 * saved / b["heating_kwh_m2"] if b["heating_kwh_m2"] else None,
           "heat_saved_gj": b["district_heat_gj"] - r["district_heat_gj"]}
    out.update({k: d[k] for k in ("co2_saved_kg", "bill_savings_cny", "simple_payback_years", "npv_cny")})
    return {k: (np.nan if v is None else float(v)) for k, v in out.items()}


def _summary(x: np.ndarray) -> dict[str, float] | None:
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return None
    q = np.quantile(x, [CREDIBLE[0], 0.5, CREDIBLE[1]])
    return {"mean": float(x.mean()), "p05": float(q[0]), "p50": float(q[1]), "p95": float(q[2])}


def savings_intervals(calibrated: Building, draws: PosteriorDraws, package, weather="tianjin", options=None,
                      n_draws: int = DEFAULT_DRAWS, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """90 % credible intervals of a package's figures on a calibrated building.

    Parameters
    ----------
    calibrated
        The calibrated building (posterior mean), before the package.
    draws
        Its posterior draws (:func:`draws_of`).
    package
        Preset name, comma-separated measures or a list of measure specs.
    weather
        Built-in weather name, EPW path or Weather (the surrogate's weather).
    options
        :class:`simulator.evaluate.Options` (grid factor, discount rate, horizon, subsidy).
    n_draws
        Draws used (at most the number stored).
    seed
        Seed of the draw choice and of the surrogate error draws.
    progress
        Called with (fraction done, message).

    Returns
    -------
    dict
        ``quantities``: key -> {mean, p05, p50, p95} in the evaluation's units
        (kWh/m2, %, GJ, kg, CNY, years); ``n_draws``, ``draws_outside_surrogate_range``,
        ``method``, ``credible_interval``, ``package``, ``measures``.
    """
    from simulator.energyplus import resolve_weather
    from simulator.evaluate import evaluate, resolve_weather_spec
    from simulator.surrogate.engine import SurrogateEngine
    from simulator.surrogate.space import domain_violations

    say = progress or (lambda f, m: None)
    measures = M.package(package)
    rng = np.random.default_rng(seed)
    n = max(2, min(int(n_draws), len(draws.values)))
    rows = draws.values[np.sort(rng.choice(len(draws.values), size=n, replace=False))]
    before = [building_of_draw(calibrated, draws, r) for r in rows]
    after = [M.apply(b, measures) for b in before]
    w = resolve_weather(resolve_weather_spec(weather))[0]  # once: evaluate() would write the EPW per call
    err = surrogate_error_factors(before, after, w, rng)
    engine = SurrogateEngine(warn=False)
    outside = 0
    values: dict[str, list[float]] = {k: [] for k in QUANTITIES}
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        outside += bool(domain_violations(b) or domain_violations(a))
        lb = _noisy(engine.simulate(b, w), err["heating"][0][i], err["cooling"][0][i])
        la = _noisy(engine.simulate(a, w), err["heating"][1][i], err["cooling"][1][i])
        ev = evaluate(b, measures and [m.label for m in measures], weather=w, options=options, loads=(lb, la))
        for k, v in _figures(ev).items():
            values[k].append(v)
        if i % 10 == 9 or i == n - 1:
            say((i + 1) / n, f"credible intervals: draw {i + 1}/{n}")
    quantities = {k: s for k, v in values.items() if (s := _summary(np.asarray(v, dtype=float))) is not None}
    if outside:
        log.warning("%d of %d draws leave the surrogate's training range", outside, n)
    return {"package": package if isinstance(package, str) else ",".join(map(str, package)),
            "measures": [m.label for m in measures], "quantities": quantities, "n_draws": n,
            "draws_outside_surrogate_range": outside, "credible_interval": "90 % (p05-p95)", "method": METHOD,
            "parameters": list(draws.names)}


def for_archetype(archetype, package, weather="tianjin", options=None, n_draws: int = DEFAULT_DRAWS,
                  progress: Progress | None = None) -> dict[str, Any] | None:
    """Intervals of ``package`` when ``archetype`` is a calibrated file with posterior draws, else ``None``."""
    import archetypes

    draws = draws_of(archetype)
    if draws is None:
        return None
    return savings_intervals(archetypes.load(archetype), draws, package, weather, options, n_draws,
                             progress=progress)
