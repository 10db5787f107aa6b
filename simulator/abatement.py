"""Incremental marginal abatement cost (MAC) curve of one package: bars that add up to the package.

A MAC curve of single measures, each evaluated on its own, does not add up:
insulation and a heat pump each save CO2 on the old building, but after the
insulation the heat pump has less heat left to save. The incremental curve
builds the package one measure at a time and gives every measure the cost and
the CO2 saving *given the measures before it*::

    dCO2_k  = CO2_saved(P_k) - CO2_saved(P_k-1)                       [t/a]
    dN_k    = N(P_k) - N(P_k-1)                                        [CNY/a]
    cost_k  = dN_k / dCO2_k                                            [CNY/tCO2]

with ``P_k`` the first ``k`` measures and ``N(P)`` the package's net annual
cost: its measures' capex (after the subsidy) annuitised over their own
lifetimes at the discount rate, plus O&M, minus the bill savings - the
numerator of the cost of conserved carbon (:func:`simulator.finance.package_cost_of_conserved_carbon_cny_per_t`),
so ``N(P) = CCC(P) x CO2_saved(P)``. The widths add up to the package's CO2
saved and the areas (width x height) to its net annual cost, exactly.

Order: cheapest per tonne first, greedily - at each step every remaining
measure is tried on top of the ones already taken and the one with the lowest
incremental cost per tonne goes next (the order a budget-constrained owner
would follow; McKinsey-style curves rank single measures instead, which is what
makes them non-additive). A measure that saves no CO2 on top of the ones before
(``dCO2 <= 0``) has no cost per tonne and is left off the curve, named.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

MIN_SAVED_T = 1e-3
"""Smallest incremental saving that counts as abatement [tCO2/a] (1 kg/a: below the figures' rounding)."""


@dataclass(frozen=True)
class Step:
    """One bar: a measure on top of the ones before it.

    Attributes
    ----------
    measure
        The measure's name (as given).
    co2_saved_t
        Incremental CO2 saved [tCO2/a] (the bar's width).
    net_cost_cny
        Incremental net annual cost [CNY/a] (the bar's area; negative: saves money).
    cost_per_t_cny
        Incremental cost of conserved carbon [CNY/tCO2] (the bar's height).
    cumulative_co2_t
        CO2 saved by this measure and the ones before [tCO2/a] (the bar's right edge).
    """

    measure: str
    co2_saved_t: float
    net_cost_cny: float
    cost_per_t_cny: float
    cumulative_co2_t: float


@dataclass(frozen=True)
class IncrementalMac:
    """The curve of a package: its steps in order, and the measures left off."""

    steps: tuple[Step, ...]
    not_abating: tuple[str, ...]
    co2_saved_t: float
    net_cost_cny: float
    evaluations: int

    @property
    def left_edges_t(self) -> list[float]:
        """Left edge of every bar [tCO2/a]."""
        return [s.cumulative_co2_t - s.co2_saved_t for s in self.steps]


def net_annual_cost_cny(result: dict[str, Any]) -> float:
    """Net annual cost of an evaluated package [CNY/a]: CCC x CO2 saved (0 for no measures).

    Parameters
    ----------
    result
        :meth:`simulator.evaluate.Evaluation.to_dict` (``co2_saved_kg``,
        ``cost_of_conserved_carbon_cny_per_t``).

    Returns
    -------
    float
        ``nan`` when the package saves no CO2 (its CCC is undefined).
    """
    co2_t = (result.get("co2_saved_kg") or 0.0) / 1000.0
    ccc = result.get("cost_of_conserved_carbon_cny_per_t")
    if not result.get("measures"):
        return 0.0
    if co2_t <= 0 or ccc is None or not math.isfinite(ccc):
        return math.nan
    return float(ccc) * co2_t


def incremental_mac(measures: Sequence[str], evaluate: Callable[[tuple[str, ...]], dict[str, Any]]) -> IncrementalMac:
    """The incremental MAC curve of the package made of ``measures`` (greedy, cheapest per tonne first).

    Parameters
    ----------
    measures
        The package's measures (names the callback understands).
    evaluate
        Callback: a tuple of measures (in the order taken) -> the evaluation
        dict of that package (``co2_saved_kg``, ``cost_of_conserved_carbon_cny_per_t``,
        ``measures``). Called ``k (k + 1) / 2`` times at most for ``k`` measures;
        cache it if it is slow.

    Returns
    -------
    IncrementalMac
        Steps whose widths and areas add up to the package of the measures on
        the curve (all of them unless some save no CO2 on top of the others).
    """
    taken: list[str] = []
    left = list(measures)
    co2_now, cost_now = 0.0, 0.0
    steps: list[Step] = []
    calls = 0
    while left:
        best = None
        for m in left:
            r = evaluate((*taken, m))
            calls += 1
            co2 = (r.get("co2_saved_kg") or 0.0) / 1000.0
            cost = net_annual_cost_cny(r)
            d_co2 = co2 - co2_now
            if d_co2 < MIN_SAVED_T or not math.isfinite(cost):
                continue
            per_t = (cost - cost_now) / d_co2
            if best is None or per_t < best[1]:
                best = (m, per_t, co2, cost)
        if best is None:
            break
        m, per_t, co2, cost = best
        steps.append(Step(m, co2 - co2_now, cost - cost_now, per_t, co2))
        taken.append(m)
        left.remove(m)
        co2_now, cost_now = co2, cost
    return IncrementalMac(tuple(steps), tuple(left), co2_now, cost_now, calls)
