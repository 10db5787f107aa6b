"""Hourly dispatch of a heat plant as one linear program (scipy HiGHS), all season hours at once.

Variables per hour t (T hours): gas-boiler heat ``g``, heat-pump heat ``h``,
electric-boiler electricity ``e``, CHP heat ``c``, storage charge ``q+`` and
discharge ``q-`` (heat), unserved heat ``u``; and the storage's state of
charge ``s_0..s_T`` [kWh]. Constraints:

- heat balance: ``g + h + eta_e e + c - q+ + q- + u = D_t`` (building demand + network losses);
- storage: ``s_{t+1} = (1 - lambda) s_t + eta_c q+ - q- / eta_d``, ``0 <= s <= S``, cyclic ``s_T = s_0``;
- capacities: ``g <= G``, ``h <= H_t`` (heat-pump capacity of the hour), ``e <= E``, ``c <= C``.

Objective: cost, CO2, or cost + carbon price x CO2 (all linear), with a large
penalty on ``u``. Costs per unit of each variable are hourly arrays (tariff
bands, COP, boiler efficiency), so the program stays linear; the boilers'
part-load efficiency depends on their output and is handled by solving twice
(the second pass uses the efficiency of the first pass's output).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from simulator.exceptions import RetrofitError

log = logging.getLogger(__name__)

BLOCKS = ("gas", "hp", "eb", "chp", "charge", "discharge", "unmet")


class DispatchError(RetrofitError):
    """The dispatch LP could not be solved (the solver's status is in the message)."""


@dataclass(frozen=True)
class DispatchProblem:
    """Inputs of one dispatch LP (arrays of length T, per unit of the variable).

    Attributes
    ----------
    sendout_kw
        Heat to supply each hour (demand + losses) [kW].
    gas_kw, eb_kw, chp_kw
        Gas-boiler heat, electric-boiler electric and CHP heat capacities [kW].
    hp_cap_kw
        Heat-pump heat capacity of each hour [kW].
    eb_efficiency
        Electric boiler heat per electricity [-].
    storage_kwh, storage_loss_1_h, charge_efficiency, discharge_efficiency
        Storage capacity [kWh], standing loss [1/h], efficiencies [-].
    cost_gas, cost_hp, cost_eb, cost_chp
        Cost per kWh of gas-boiler heat, heat-pump heat, electric-boiler
        electricity and CHP heat [CNY/kWh], hourly.
    co2_gas, co2_hp, co2_eb, co2_chp
        CO2 per kWh of the same [kg/kWh], hourly.
    """

    sendout_kw: np.ndarray
    gas_kw: float
    hp_cap_kw: np.ndarray
    eb_kw: float
    chp_kw: float
    eb_efficiency: float
    storage_kwh: float
    storage_loss_1_h: float
    charge_efficiency: float
    discharge_efficiency: float
    cost_gas: np.ndarray
    cost_hp: np.ndarray
    cost_eb: np.ndarray
    cost_chp: np.ndarray
    co2_gas: np.ndarray
    co2_hp: np.ndarray
    co2_eb: np.ndarray
    co2_chp: np.ndarray


@dataclass(frozen=True)
class Dispatch:
    """Optimal hourly operation (arrays of length T; ``soc_kwh`` has T + 1 values)."""

    gas_heat_kw: np.ndarray
    hp_heat_kw: np.ndarray
    eb_electricity_kw: np.ndarray
    eb_heat_kw: np.ndarray
    chp_heat_kw: np.ndarray
    charge_kw: np.ndarray
    discharge_kw: np.ndarray
    unmet_kw: np.ndarray
    soc_kwh: np.ndarray
    objective: float
    solve_s: float

    @property
    def supply_kw(self) -> np.ndarray:
        """Heat produced by all sources each hour [kW] (before storage)."""
        return self.gas_heat_kw + self.hp_heat_kw + self.eb_heat_kw + self.chp_heat_kw


def _arr(x, n: int) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return np.full(n, float(a)) if a.ndim == 0 else a


def objective_vector(p: DispatchProblem, objective: str, carbon_price_cny_kg: float = 0.0,
                     unmet_penalty: float = 100.0, tiebreak: float = 1e-3) -> np.ndarray:
    """Cost vector of the LP for ``objective`` in ("cost", "co2", "weighted") (storage charge gets 1e-6 CNY/kWh
    so charging and discharging in the same hour is never chosen for nothing)."""
    n = len(p.sendout_kw)
    cost = [_arr(p.cost_gas, n), _arr(p.cost_hp, n), _arr(p.cost_eb, n), _arr(p.cost_chp, n)]
    co2 = [_arr(p.co2_gas, n), _arr(p.co2_hp, n), _arr(p.co2_eb, n), _arr(p.co2_chp, n)]
    if objective == "cost":
        main = cost
    elif objective == "co2":
        main = [c2 + tiebreak * c1 for c1, c2 in zip(cost, co2, strict=True)]
    elif objective == "weighted":
        main = [c1 + carbon_price_cny_kg * c2 for c1, c2 in zip(cost, co2, strict=True)]
    else:
        raise ValueError(f"objective {objective!r}: valid: cost, co2, weighted")
    return np.concatenate([*main, np.full(n, 1e-6), np.zeros(n), np.full(n, unmet_penalty), np.zeros(n + 1)])


def solve_dispatch(p: DispatchProblem, objective: str = "cost", carbon_price_cny_kg: float = 0.0,
                   unmet_penalty: float = 100.0, tiebreak: float = 1e-3) -> Dispatch:
    """Solve the season's dispatch LP with HiGHS (see module docstring).

    Raises
    ------
    DispatchError
        If HiGHS does not report an optimum (the problem is always feasible
        thanks to the unserved-heat variable, so this means a numerical failure).
    """
    t0 = time.perf_counter()
    n = len(p.sendout_kw)
    nb = len(BLOCKS)
    nv = nb * n + n + 1
    col = {b: i * n for i, b in enumerate(BLOCKS)}
    soc0 = nb * n
    r = np.arange(n)
    one = np.ones(n)
    # heat balance rows 0..n-1
    rows = [r, r, r, r, r, r, r]
    cols = [col["gas"] + r, col["hp"] + r, col["eb"] + r, col["chp"] + r, col["charge"] + r, col["discharge"] + r,
            col["unmet"] + r]
    vals = [one, one, one * p.eb_efficiency, one, -one, one, one]
    # storage rows n..2n-1:  s_{t+1} - (1-l) s_t - eta_c q+ + q-/eta_d = 0
    rows += [n + r, n + r, n + r, n + r]
    cols += [soc0 + r + 1, soc0 + r, col["charge"] + r, col["discharge"] + r]
    vals += [one, -(1.0 - p.storage_loss_1_h) * one, -p.charge_efficiency * one, one / p.discharge_efficiency]
    # cyclic row 2n: s_T - s_0 = 0
    rows += [np.array([2 * n, 2 * n])]
    cols += [np.array([soc0 + n, soc0])]
    vals += [np.array([1.0, -1.0])]
    a_eq = sp.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(2 * n + 1, nv))
    b_eq = np.concatenate([np.asarray(p.sendout_kw, dtype=float), np.zeros(n + 1)])
    has_storage = p.storage_kwh > 0
    ub = np.concatenate([
        np.full(n, p.gas_kw), _arr(p.hp_cap_kw, n), np.full(n, p.eb_kw), np.full(n, p.chp_kw),
        np.full(n, np.inf if has_storage else 0.0), np.full(n, np.inf if has_storage else 0.0), np.full(n, np.inf),
        np.full(n + 1, p.storage_kwh),
    ])
    bounds = np.column_stack([np.zeros(nv), ub])
    c = objective_vector(p, objective, carbon_price_cny_kg, unmet_penalty, tiebreak)
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0 or res.x is None:
        raise DispatchError(f"dispatch LP not solved: HiGHS status {res.status}: {res.message}")
    x = np.maximum(res.x, 0.0)
    part = {b: x[col[b]: col[b] + n] for b in BLOCKS}
    dt = time.perf_counter() - t0
    log.info("dispatch LP: %d hours, %d variables, solved in %.2f s", n, nv, dt)
    return Dispatch(gas_heat_kw=part["gas"], hp_heat_kw=part["hp"], eb_electricity_kw=part["eb"],
                    eb_heat_kw=part["eb"] * p.eb_efficiency, chp_heat_kw=part["chp"], charge_kw=part["charge"],
                    discharge_kw=part["discharge"], unmet_kw=part["unmet"], soc_kwh=x[soc0:], objective=float(res.fun),
                    solve_s=dt)
