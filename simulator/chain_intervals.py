"""The surrogate's 90 % intervals carried through the systems, bills and carbon chain.

The surrogate gives 90 % intervals for the annual heating and cooling loads
(:mod:`simulator.surrogate.intervals`), not for what a building buys, pays or
emits. Those follow from the loads through the same chain every result uses
(:func:`simulator.evaluate.outcome`: systems hour by hour, tariffs, emission
factors). This module propagates the load intervals through that chain for the
savings of a package (baseline minus retrofit), with the delta method - the
same construction as :func:`simulator.surrogate.intervals.savings_interval`,
which it reproduces for the heating load itself (tested):

1. Sensitivities. For each state ``s`` (baseline, retrofit) and load group
   ``g`` (heating, cooling), the chain is run with that group's hourly loads
   multiplied by ``exp(+d)`` and ``exp(-d)`` (``d`` = 0.01):
   ``A_sg = dQ_s/dz_g = (Q(e^d) - Q(e^-d)) / (2 d) x (y_sg + 0.1) / y_sg``,
   ``z = log(y + 0.1)`` being the quantity the surrogate's error lives in
   (``y`` the annual load [kWh/m2]). A central difference: its error is
   about ``d^2 / 6`` of the slope (2e-5).
2. Errors of the loads. The GP's spreads of ``z`` for the two states
   (``s_b``, ``s_r``) and their posterior covariance ``c``
   (:meth:`~simulator.surrogate.regressors.SharedKernelGP.predict_spread_pair`),
   scaled by the conformal quantile ``q`` of the group's 90 % interval
   (:func:`error_spreads`).
3. Half width of the saving ``Q_b - Q_r``: per group
   ``q^2 [(A_b s_b)^2 + (A_r s_r)^2 - 2 A_b A_r c]``, plus, on a weather the
   surrogate was not trained on, the weather-level bias that moves both states
   alike, ``(q_u tau (A_b - A_r))^2``; the heating and cooling groups (two
   separate GPs) add in quadrature.

What is *not* in these intervals: prices, emission factors, capex and system
efficiencies are taken as known (the intervals are the surrogate's, not the
economy's), and the linearisation assumes the chain is smooth over the load
interval (tiered tariffs and PV self-consumption bend it a little; a Monte
Carlo check through the hourly chain agrees, tested). Loads not from the
surrogate (an EnergyPlus run) get no interval.

Quantities (:data:`QUANTITIES`): heating and cooling saved [kWh/m2 a],
electricity saved [kWh/a] (all electricity used on site; negative when a heat
pump replaces district heat), CO2 saved [kg/a], bill savings [CNY/a] (the
retrofit's O&M is a constant and moves both ends alike).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: saved quantity -> the Outcome.summary() key it is the baseline-minus-retrofit difference of
QUANTITIES = {"heating_saved_kwh_m2": "heating_kwh_m2", "cooling_saved_kwh_m2": "cooling_kwh_m2",
              "electricity_saved_kwh": "electricity_kwh", "co2_saved_kg": "co2_kg",
              "bill_savings_cny": "bills_total_cny"}
GROUPS = ("heating", "cooling")
STEP = 0.01
"""Relative step ``d`` of the central differences (1 %: well inside a load's 90 % interval, far above rounding)."""
LOG_OFFSET = 0.1  # z = log(y + 0.1): simulator.surrogate.model.LOG_OFFSET


@dataclass(frozen=True)
class Spread:
    """The surrogate's error of ``z = log(y + 0.1)`` for building pairs, one load group.

    Attributes
    ----------
    before, after
        GP predictive sd of ``z`` of each state (n,) [-]; 0 for a group without a GP.
    cov
        Their posterior covariance (n,) [-].
    q
        Conformal quantile of the in-weather 90 % interval (half width = ``q x sd``) [-].
    q_unseen, tau
        Quantile and weather-level bias scale on a weather the surrogate was not trained on (``tau`` = 0 otherwise).
    how
        ``"seen"``, ``"unseen"``, ``"anchored"`` or ``"none"`` (no calibration: the normal quantile).
    """

    before: np.ndarray
    after: np.ndarray
    cov: np.ndarray
    q: float
    q_unseen: float
    tau: float
    how: str


def error_spreads(before: list, after: list, weather) -> dict[str, Spread]:
    """The surrogate's error spreads of heating and cooling for building pairs (same family) on a weather.

    Parameters
    ----------
    before, after
        Buildings before and after a retrofit, pairwise.
    weather
        ``weather.Weather`` (None: the built-in year).
    """
    from simulator.surrogate.engine import SurrogateEngine
    from simulator.surrogate.intervals import Z_UNCALIBRATED, quantile
    from simulator.surrogate.model import SharedKernelGP
    from simulator.surrogate.space import family_of, features_of
    from simulator.surrogate.training import load_model

    fam = family_of(before[0])
    model, _ = load_model(fam)
    # the surrogate engine anchors its loads on a weather outside training; the spreads follow it (its
    # local check widens load intervals only, not these savings: intervals.savings_interval)
    anchored = weather is not None and SurrogateEngine(warn=False).anchor_of(fam, weather)[0] is not None
    _, Zb = model.physics_.design(pd.DataFrame([features_of(b, fam) for b in before]), weather)
    _, Za = model.physics_.design(pd.DataFrame([features_of(a, fam) for a in after]), weather)
    out = {}
    n = len(before)
    for g in GROUPS:
        reg = model.groups_.get(g)
        cal = getattr(model, "calibration_", {}).get(g)
        q = float(cal["seen"]) if cal else Z_UNCALIBRATED
        q_u, tau, how = quantile(model, g, weather, anchored=anchored)
        if isinstance(reg, SharedKernelGP):
            sb, sa, cov = reg.predict_spread_pair(Zb, Za)
        else:
            sb = sa = cov = np.zeros(n)
        out[g] = Spread(np.asarray(sb, float), np.asarray(sa, float), np.asarray(cov, float), q, q_u,
                        tau if how in ("unseen", "anchored") else 0.0, how)
    return out


def scaled_loads(loads, group: str, factor: float):
    """Loads with one group's hourly series and peak multiplied by ``factor``."""
    if group == "heating":
        return dataclasses.replace(loads, hourly_heating_kwh=loads.hourly_heating_kwh * factor,
                                   peak_heating_w=loads.peak_heating_w * factor)
    return dataclasses.replace(loads, hourly_cooling_kwh=loads.hourly_cooling_kwh * factor,
                               peak_cooling_w=loads.peak_cooling_w * factor)


def sensitivities(state, weather, options=None, step: float = STEP) -> dict[str, dict[str, float]]:
    """``dQ/dz_g`` of every quantity's summary key, per load group, for one state (an ``evaluate.Outcome``)."""
    from simulator.evaluate import outcome

    out: dict[str, dict[str, float]] = {}
    area = state.loads.floor_area_m2
    for g in GROUPS:
        y = float(getattr(state.loads, f"{g}_kwh")) / area
        if y <= 0:
            out[g] = {k: 0.0 for k in QUANTITIES.values()}
            continue
        up = outcome(state.building, scaled_loads(state.loads, g, math.exp(step)), weather, options).summary()
        down = outcome(state.building, scaled_loads(state.loads, g, math.exp(-step)), weather, options).summary()
        out[g] = {k: (float(up[k] or 0.0) - float(down[k] or 0.0)) / (2.0 * step) * (y + LOG_OFFSET) / y
                  for k in QUANTITIES.values()}
    return out


def half_width(a_before: float, a_after: float, spread: Spread, i: int = 0) -> float:
    """90 % half width of ``Q_b - Q_r`` from one load group (module notes, step 3) [unit of Q]."""
    var = ((a_before * spread.before[i]) ** 2 + (a_after * spread.after[i]) ** 2
           - 2.0 * a_before * a_after * spread.cov[i])
    h2 = spread.q**2 * max(var, 0.0)
    if spread.how in ("unseen", "anchored"):
        h2 += (spread.q_unseen * spread.tau * (a_before - a_after)) ** 2
    return math.sqrt(h2)


def savings_intervals(ev, weather, options=None) -> dict[str, dict[str, float]] | None:
    """90 % intervals of a package's savings from the surrogate's load intervals, through the chain.

    Parameters
    ----------
    ev
        :class:`simulator.evaluate.Evaluation` whose loads came from the surrogate.
    weather
        The ``weather.Weather`` the evaluation ran on.
    options
        The evaluation's :class:`simulator.evaluate.Options` (prices, factors).

    Returns
    -------
    dict or None
        ``{quantity: {"value", "p05", "p95"}}`` for :data:`QUANTITIES` (units in the keys); ``None`` when the
        loads are not the surrogate's (no interval to carry).
    """
    if not str(ev.engine).lower().startswith("surrogate"):
        return None
    spreads = error_spreads([ev.baseline.building], [ev.retrofit.building], weather)
    sb = sensitivities(ev.baseline, weather, options)
    sr = sensitivities(ev.retrofit, weather, options)
    b, r = ev.baseline.summary(), ev.retrofit.summary()
    out: dict[str, dict[str, float]] = {}
    for name, key in QUANTITIES.items():
        value = float(b[key] or 0.0) - float(r[key] or 0.0)
        if name == "bill_savings_cny":
            value = float(ev.annual_saving_cny)  # bills saved minus the retrofit's O&M (a constant)
        half = math.hypot(*(half_width(sb[g][key], sr[g][key], spreads[g]) for g in GROUPS))
        out[name] = {"value": value, "p05": value - half, "p95": value + half}
    return out


def flat(intervals: dict[str, dict[str, float]] | None) -> dict[str, Any]:
    """``{quantity, quantity_p05, quantity_p95}`` columns for a table (NaN when there is no interval)."""
    out: dict[str, Any] = {}
    for name in QUANTITIES:
        d = (intervals or {}).get(name)
        out[f"{name}_p05"] = d["p05"] if d else float("nan")
        out[f"{name}_p95"] = d["p95"] if d else float("nan")
    return out
