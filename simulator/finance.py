"""Investment appraisal: money over time for retrofits (pure functions and finance defaults).

:func:`load_finance` reads ``simulator/data/finance.toml`` (discount rate,
horizon, escalation, PV O&M; every number with unit and source). The pure
functions: :func:`annuity_factor`, :func:`capital_recovery_factor`,
:func:`present_value_cny`, :func:`npv_cny`, :func:`simple_payback_years`,
:func:`life_cycle_cost_cny`, :func:`annualised_cost_cny`,
:func:`cost_of_conserved_energy_cny_per_kwh`,
:func:`cost_of_conserved_carbon_cny_per_t`, and for packages of measures with
different lifetimes :func:`package_annualised_cost_cny`, :func:`package_npv_cny`
and :func:`package_cost_of_conserved_carbon_cny_per_t`.

Conventions: money in CNY of constant purchasing power (real), rates as
fractions per year (0.05 = 5 %/a), cash flows at the end of each year, the
investment at time 0.

The closed-form annuity, present-value and NPV formulas stay here rather than
in numpy-financial: its ``npv``/``pv``/``pmt`` would replace one line each but
know neither real escalation nor residual value, and the input checks that
make up most of these functions would remain ours.

References
----------
.. [1] NDRC & MOHURD (2006), 《建设项目经济评价方法与参数》(第三版): social
   discount rate 8 %.
.. [2] Meier, A. K. (1982), Supply curves of conserved energy, LBL-14686;
   Meier, Wright & Rosenfeld (1983), Supplying Energy Through Greater
   Efficiency: cost of conserved energy = annualised investment / annual
   energy saved.
.. [3] McKinsey & Company (2009), Pathways to a Low-Carbon Economy (global GHG
   abatement cost curve v2): abatement cost = (annualised investment +
   operating cost - energy savings) / tCO2e avoided.
.. [4] EN 15459-1:2017, Energy performance of buildings - Economic evaluation
   procedure: replacement within the calculation period, linear residual value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.exceptions import ValidationError
from simulator.sourced_data import is_number, load_data


def load_finance(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Finance defaults (discount rate, horizon, escalation, PV O&M) as plain values.

    See ``simulator/data/finance.toml`` for units and sources; the default
    discount rate is the 8 % social discount rate of [1]_.
    """
    finance = load_data("finance", overrides)
    problems: list[str] = []
    _check_rate("discount_rate", finance["discount_rate"], problems)
    _check_rate("energy_price_escalation", finance["energy_price_escalation"], problems)
    _check_years("horizon_years", finance["horizon_years"], problems, integer=True)
    _check_nonnegative("pv_om_cny_w_a", finance["pv_om_cny_w_a"], problems)
    if problems:
        raise ValidationError(problems, "finance")
    return finance


# --------------------------------------------------------------------------- input checks


def _check_finite(name: str, x: Any, problems: list[str]) -> bool:
    if not is_number(x) and not isinstance(x, np.number):
        problems.append(f"{name} = {x!r}: must be a number")
        return False
    if not math.isfinite(float(x)):
        problems.append(f"{name} = {x!r}: must be finite")
        return False
    return True


def _check_rate(name: str, r: Any, problems: list[str]) -> None:
    if _check_finite(name, r, problems) and not -1.0 < float(r) <= 1.0:
        problems.append(
            f"{name} = {r!r}: must be a fraction per year in (-1, 1], e.g. 0.05 for 5 %/a"
        )


def _check_years(name: str, n: Any, problems: list[str], integer: bool) -> None:
    if not _check_finite(name, n, problems):
        return
    if integer and float(n) != int(n):
        problems.append(f"{name} = {n!r}: must be a whole number of years >= 1")
    elif float(n) <= 0 or (integer and n < 1):
        problems.append(
            f"{name} = {n!r}: must be > 0 years" + (" (a whole number >= 1)" if integer else "")
        )


def _check_nonnegative(name: str, x: Any, problems: list[str]) -> None:
    if _check_finite(name, x, problems) and float(x) < 0:
        problems.append(f"{name} = {x!r}: must be >= 0")


def _raise(problems: list[str], where: str) -> None:
    if problems:
        raise ValidationError(problems, where)


# --------------------------------------------------------------------------- money and time


def annuity_factor(discount_rate: float, years: float) -> float:
    """Present value of 1 CNY paid at the end of each year for ``years`` years.

    .. math:: AF = \\frac{1 - (1 + r)^{-n}}{r}, \\quad AF = n \\text{ for } r = 0

    Parameters
    ----------
    discount_rate
        Real discount rate r [1/a], in (-1, 1].
    years
        Number of years n [a], > 0 (need not be whole).

    Returns
    -------
    float
        Annuity (present-worth) factor [a].
    """
    problems: list[str] = []
    _check_rate("discount_rate", discount_rate, problems)
    _check_years("years", years, problems, integer=False)
    _raise(problems, "annuity_factor")
    r, n = float(discount_rate), float(years)
    if r == 0.0:
        return n
    return (1.0 - (1.0 + r) ** -n) / r


def capital_recovery_factor(discount_rate: float, years: float) -> float:
    """Capital recovery factor: equal annual payment that repays 1 CNY over ``years``.

    .. math:: CRF = \\frac{r (1 + r)^n}{(1 + r)^n - 1} = 1 / AF, \\quad CRF = 1/n \\text{ for } r = 0

    Parameters
    ----------
    discount_rate
        Real discount rate r [1/a], in (-1, 1].
    years
        Lifetime n [a], > 0.

    Returns
    -------
    float
        CRF [1/a].
    """
    return 1.0 / annuity_factor(discount_rate, years)


def present_value_cny(
    annual_amount_cny: float, years: int, discount_rate: float, escalation: float = 0.0
) -> float:
    """Present value of a yearly amount over ``years`` years, escalating in real terms.

    The amount in year t (t = 1..n, paid at the end of the year) is
    ``annual_amount_cny * (1 + escalation) ** (t - 1)``.

    Parameters
    ----------
    annual_amount_cny
        Amount in year 1 [CNY/a].
    years
        Whole number of years [a], >= 1.
    discount_rate
        Real discount rate [1/a], in (-1, 1].
    escalation
        Real growth of the amount [1/a], in (-1, 1]; 0 keeps it constant.

    Returns
    -------
    float
        Present value at time 0 [CNY].
    """
    problems: list[str] = []
    _check_finite("annual_amount_cny", annual_amount_cny, problems)
    _check_years("years", years, problems, integer=True)
    _check_rate("discount_rate", discount_rate, problems)
    _check_rate("escalation", escalation, problems)
    _raise(problems, "present_value_cny")
    t = np.arange(1, int(years) + 1, dtype=float)
    flows = float(annual_amount_cny) * (1.0 + float(escalation)) ** (t - 1.0)
    return float(np.sum(flows / (1.0 + float(discount_rate)) ** t))


def _check_cash_flow(where: str, capex_cny, annual: tuple[str, float], residual_value_cny, years,
                     discount_rate, escalation) -> None:
    """The checks shared by NPV and LCC: capex, a yearly amount, residual value, whole years, rates."""
    problems: list[str] = []
    _check_nonnegative("capex_cny", capex_cny, problems)
    _check_finite(annual[0], annual[1], problems)
    _check_finite("residual_value_cny", residual_value_cny, problems)
    _check_years("years", years, problems, integer=True)
    _check_rate("discount_rate", discount_rate, problems)
    _check_rate("escalation", escalation, problems)
    _raise(problems, where)


def npv_cny(
    capex_cny: float,
    annual_saving_cny: float,
    years: int,
    discount_rate: float,
    escalation: float = 0.0,
    residual_value_cny: float = 0.0,
) -> float:
    """Net present value of a retrofit investment.

    .. math:: NPV = -I_0 + \\sum_{t=1}^{n} \\frac{S (1+g)^{t-1}}{(1+r)^t} + \\frac{R}{(1+r)^n}

    Parameters
    ----------
    capex_cny
        Investment I0 at time 0 [CNY], >= 0.
    annual_saving_cny
        Net saving S in year 1 (energy cost saving minus any extra O&M) [CNY/a];
        may be negative.
    years
        Analysis period n [a], a whole number >= 1.
    discount_rate
        Real discount rate r [1/a], in (-1, 1]; see :func:`load_finance` (8 % [1]_).
    escalation
        Real escalation g of the saving (energy prices) [1/a], in (-1, 1].
    residual_value_cny
        Value R left at the end of year n [CNY] (e.g. the unused life of a
        long-lived measure, see :func:`package_npv_cny`).

    Returns
    -------
    float
        NPV [CNY]; > 0 means the measure pays for itself at this rate.

    Examples
    --------
    >>> round(npv_cny(100_000, 12_000, 20, 0.05), 1)
    49546.5
    """
    _check_cash_flow("npv_cny", capex_cny, ("annual_saving_cny", annual_saving_cny), residual_value_cny, years,
                     discount_rate, escalation)
    pv_savings = present_value_cny(annual_saving_cny, years, discount_rate, escalation)
    pv_residual = float(residual_value_cny) / (1.0 + float(discount_rate)) ** int(years)
    return -float(capex_cny) + pv_savings + pv_residual


def simple_payback_years(capex_cny: float, annual_saving_cny: float) -> float:
    """Simple payback time: investment divided by the first-year saving.

    Parameters
    ----------
    capex_cny
        Investment [CNY], >= 0.
    annual_saving_cny
        Annual net saving [CNY/a].

    Returns
    -------
    float
        Payback [a]. ``math.inf`` when the saving is <= 0 (the measure never
        pays back); ``inf`` rather than ``None`` so that results sort and
        compare (``payback <= 10``) without special cases. 0 for a free measure
        with a positive saving.
    """
    problems: list[str] = []
    _check_nonnegative("capex_cny", capex_cny, problems)
    _check_finite("annual_saving_cny", annual_saving_cny, problems)
    _raise(problems, "simple_payback_years")
    if annual_saving_cny <= 0:
        return math.inf
    return float(capex_cny) / float(annual_saving_cny)


def life_cycle_cost_cny(
    capex_cny: float,
    annual_cost_cny: float,
    years: int,
    discount_rate: float,
    escalation: float = 0.0,
    residual_value_cny: float = 0.0,
) -> float:
    """Life-cycle cost: investment plus present value of running costs, less residual value.

    .. math:: LCC = I_0 + \\sum_{t=1}^{n} \\frac{C (1+g)^{t-1}}{(1+r)^t} - \\frac{R}{(1+r)^n}

    Parameters
    ----------
    capex_cny
        Investment at time 0 [CNY], >= 0.
    annual_cost_cny
        Running cost in year 1: energy bills plus O&M [CNY/a] (e.g.
        ``Bills.total_cny`` + maintenance).
    years
        Analysis period [a], a whole number >= 1.
    discount_rate, escalation
        Real rates [1/a], in (-1, 1]; escalation applies to the running cost.
    residual_value_cny
        Value left at the end of the period [CNY].

    Returns
    -------
    float
        LCC [CNY] (present value at time 0). Compare options with the same
        ``years``; the cheapest LCC is the cost-optimal one (EN 15459-1 [4]_).
    """
    _check_cash_flow("life_cycle_cost_cny", capex_cny, ("annual_cost_cny", annual_cost_cny), residual_value_cny,
                     years, discount_rate, escalation)
    return (
        float(capex_cny)
        + present_value_cny(annual_cost_cny, years, discount_rate, escalation)
        - float(residual_value_cny) / (1.0 + float(discount_rate)) ** int(years)
    )


def annualised_cost_cny(capex_cny: float, lifetime_years: float, discount_rate: float) -> float:
    """Equivalent annual cost of an investment over its lifetime: ``capex * CRF``.

    Parameters
    ----------
    capex_cny
        Investment [CNY], >= 0.
    lifetime_years
        Service life [a], > 0.
    discount_rate
        Real discount rate [1/a], in (-1, 1].

    Returns
    -------
    float
        Annualised cost [CNY/a].
    """
    problems: list[str] = []
    _check_nonnegative("capex_cny", capex_cny, problems)
    _check_years("lifetime_years", lifetime_years, problems, integer=False)
    _check_rate("discount_rate", discount_rate, problems)
    _raise(problems, "annualised_cost_cny")
    return float(capex_cny) * capital_recovery_factor(discount_rate, lifetime_years)


def cost_of_conserved_energy_cny_per_kwh(
    capex_cny: float, lifetime_years: float, discount_rate: float, annual_energy_saved_kwh: float
) -> float:
    """Cost of conserved energy (Meier 1982 [2]_): annualised investment per kWh saved.

    .. math:: CCE = \\frac{I_0 \\cdot CRF(r, n)}{\\Delta E}

    Compare it with the energy price: a measure is worth doing when CCE is
    below the price of the energy it saves. Independent of energy prices.

    Returns
    -------
    float
        CCE [CNY/kWh]; ``math.nan`` when ``annual_energy_saved_kwh <= 0``
        (no energy is conserved, the ratio is meaningless).
    """
    problems: list[str] = []
    _check_finite("annual_energy_saved_kwh", annual_energy_saved_kwh, problems)
    _raise(problems, "cost_of_conserved_energy_cny_per_kwh")
    annual = annualised_cost_cny(capex_cny, lifetime_years, discount_rate)
    if annual_energy_saved_kwh <= 0:
        return math.nan
    return annual / float(annual_energy_saved_kwh)


def cost_of_conserved_carbon_cny_per_t(
    capex_cny: float,
    lifetime_years: float,
    discount_rate: float,
    annual_cost_saving_cny: float,
    annual_co2_saved_kg: float,
) -> float:
    """Cost of conserved carbon (marginal abatement cost) of a measure.

    .. math:: CCC = \\frac{I_0 \\cdot CRF(r, n) - \\Delta C}{\\Delta CO_2 / 1000}

    the standard definition of abatement cost curves (McKinsey 2009 [3]_),
    the carbon analogue of Meier's cost of conserved energy [2]_. Negative
    values mean the measure saves money while it saves CO2.

    Parameters
    ----------
    capex_cny
        Investment [CNY], >= 0.
    lifetime_years
        Service life of the measure [a], > 0.
    discount_rate
        Real discount rate [1/a], in (-1, 1].
    annual_cost_saving_cny
        Annual energy-cost saving net of extra O&M [CNY/a].
    annual_co2_saved_kg
        Annual CO2 saved [kg/a] (e.g. difference of ``Emissions.total_co2_kg``).

    Returns
    -------
    float
        CCC [CNY/tCO2]; ``math.nan`` when ``annual_co2_saved_kg <= 0`` (the
        measure does not abate carbon, so it has no abatement cost).
    """
    problems: list[str] = []
    _check_finite("annual_cost_saving_cny", annual_cost_saving_cny, problems)
    _check_finite("annual_co2_saved_kg", annual_co2_saved_kg, problems)
    _raise(problems, "cost_of_conserved_carbon_cny_per_t")
    annual = annualised_cost_cny(capex_cny, lifetime_years, discount_rate)
    if annual_co2_saved_kg <= 0:
        return math.nan
    return (annual - float(annual_cost_saving_cny)) / (float(annual_co2_saved_kg) / 1000.0)


# --------------------------------------------------------------------------- packages


@dataclass(frozen=True)
class MeasureCost:
    """Cost data of one measure of a package.

    Attributes
    ----------
    name
        Measure name (for messages).
    capex_cny
        Investment [CNY], >= 0.
    lifetime_years
        Service life [a], > 0.
    annual_om_cny
        Extra operation and maintenance cost [CNY/a] (e.g. PV O&M
        ``finance["pv_om_cny_w_a"] * capacity_w``).
    """

    name: str
    capex_cny: float
    lifetime_years: float
    annual_om_cny: float = 0.0

    def __post_init__(self):
        problems: list[str] = []
        _check_nonnegative(f"{self.name}.capex_cny", self.capex_cny, problems)
        _check_years(f"{self.name}.lifetime_years", self.lifetime_years, problems, integer=False)
        _check_finite(f"{self.name}.annual_om_cny", self.annual_om_cny, problems)
        _raise(problems, "MeasureCost")


def package_annualised_cost_cny(measures: Sequence[MeasureCost], discount_rate: float) -> float:
    """Equivalent annual cost of a package of measures with different lifetimes.

    Each measure's investment is annuitised over its *own* lifetime
    (``capex * CRF(r, lifetime)``) and its O&M added. This is the project's
    default way to combine lifetimes: it equals replacing every measure
    like-for-like forever, needs no analysis horizon, and is what abatement
    cost curves use [2]_ [3]_. For a finite horizon with explicit
    replacements and residual values use :func:`package_npv_cny`.

    Returns
    -------
    float
        Annualised cost of the package [CNY/a].
    """
    return float(
        sum(
            annualised_cost_cny(m.capex_cny, m.lifetime_years, discount_rate) + m.annual_om_cny
            for m in measures
        )
    )


def _capex_pv_with_replacements_cny(m: MeasureCost, horizon_years: int, r: float) -> float:
    """PV of a measure's first investment, its replacements before the horizon, minus residual value."""
    pv = 0.0
    t = 0.0
    last = 0.0
    while t < horizon_years:
        pv += m.capex_cny / (1.0 + r) ** t
        last = t
        t += m.lifetime_years
    remaining_fraction = (last + m.lifetime_years - horizon_years) / m.lifetime_years
    residual = m.capex_cny * max(remaining_fraction, 0.0)
    return pv - residual / (1.0 + r) ** horizon_years


def package_npv_cny(
    measures: Sequence[MeasureCost],
    annual_saving_cny: float,
    horizon_years: int,
    discount_rate: float,
    escalation: float = 0.0,
) -> float:
    """NPV of a package over a fixed horizon, with replacements and residual value.

    Each measure is bought at time 0 and bought again at the end of each
    lifetime that ends before the horizon; at the horizon the unused part of
    its last life is credited as a straight-line residual value (EN 15459-1
    [4]_). Its O&M is paid every year.

    Parameters
    ----------
    measures
        The package's measures.
    annual_saving_cny
        Energy-cost saving of the whole package in year 1 [CNY/a].
    horizon_years
        Analysis period [a], a whole number >= 1.
    discount_rate, escalation
        Real rates [1/a], in (-1, 1]; escalation applies to the saving.

    Returns
    -------
    float
        NPV [CNY].
    """
    problems: list[str] = []
    _check_finite("annual_saving_cny", annual_saving_cny, problems)
    _check_years("horizon_years", horizon_years, problems, integer=True)
    _check_rate("discount_rate", discount_rate, problems)
    _check_rate("escalation", escalation, problems)
    _raise(problems, "package_npv_cny")
    r = float(discount_rate)
    capex_pv = sum(_capex_pv_with_replacements_cny(m, int(horizon_years), r) for m in measures)
    om = sum(m.annual_om_cny for m in measures)
    return (
        -capex_pv
        + present_value_cny(annual_saving_cny, horizon_years, r, escalation)
        - present_value_cny(om, horizon_years, r)
    )


def package_cost_of_conserved_carbon_cny_per_t(
    measures: Sequence[MeasureCost],
    discount_rate: float,
    annual_cost_saving_cny: float,
    annual_co2_saved_kg: float,
) -> float:
    """Cost of conserved carbon of a package [CNY/tCO2], measures annuitised by their own lifetimes.

    ``(package_annualised_cost_cny - annual_cost_saving_cny) / (annual_co2_saved_kg / 1000)``;
    ``math.nan`` when no CO2 is saved. See :func:`cost_of_conserved_carbon_cny_per_t`.
    """
    problems: list[str] = []
    _check_finite("annual_cost_saving_cny", annual_cost_saving_cny, problems)
    _check_finite("annual_co2_saved_kg", annual_co2_saved_kg, problems)
    _raise(problems, "package_cost_of_conserved_carbon_cny_per_t")
    annual = package_annualised_cost_cny(measures, discount_rate)
    if annual_co2_saved_kg <= 0:
        return math.nan
    return (annual - float(annual_cost_saving_cny)) / (float(annual_co2_saved_kg) / 1000.0)
