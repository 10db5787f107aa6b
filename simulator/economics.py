"""Energy bills and investment appraisal of retrofits.

Three layers, as in pvlib:

- **Data**, behind one accessor per kind: :func:`load_tariffs` and
  :func:`load_finance` read ``simulator/data/tariffs.toml`` and
  ``finance.toml`` (every number there carries its unit and source;
  :func:`data_sources` lists them). ``overrides`` replace any value by its
  path, e.g. ``{"heat": {"residential": {"area_fee_cny_m2": 30}}}`` or
  ``{"heat.residential.area_fee_cny_m2": 30}``; unknown paths raise
  :class:`~simulator.exceptions.ValidationError` listing the valid keys.
- **Pure functions** of money and time: :func:`annuity_factor`,
  :func:`capital_recovery_factor`, :func:`present_value_cny`, :func:`npv_cny`,
  :func:`simple_payback_years`, :func:`life_cycle_cost_cny`,
  :func:`annualised_cost_cny`, :func:`cost_of_conserved_energy_cny_per_kwh`,
  :func:`cost_of_conserved_carbon_cny_per_t`, and for packages of measures
  with different lifetimes :func:`package_annualised_cost_cny`,
  :func:`package_npv_cny` and :func:`package_cost_of_conserved_carbon_cny_per_t`;
  :func:`tiered_cost_cny` for block tariffs.
- **One orchestrator**, :func:`annual_bills`, from a
  :class:`~simulator.delivered.Delivered` year to :class:`Bills`.

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

import copy
import functools
import logging
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from simulator.delivered import ELECTRIC_END_USES, HOURS, Delivered
from simulator.exceptions import UnknownNameError, ValidationError

__all__ = [
    "Bills",
    "MeasureCost",
    "HEATING_BILLING",
    "load_tariffs",
    "load_finance",
    "data_sources",
    "missing_sources",
    "annual_bills",
    "grid_import_by_use_kwh",
    "tiered_cost_cny",
    "annuity_factor",
    "capital_recovery_factor",
    "present_value_cny",
    "npv_cny",
    "simple_payback_years",
    "life_cycle_cost_cny",
    "annualised_cost_cny",
    "cost_of_conserved_energy_cny_per_kwh",
    "cost_of_conserved_carbon_cny_per_t",
    "package_annualised_cost_cny",
    "package_npv_cny",
    "package_cost_of_conserved_carbon_cny_per_t",
]

log = logging.getLogger(__name__)

HEATING_BILLING = ("area", "metered")
"""District-heat billing modes: area-based fee per season, or Tianjin's metered two-part tariff."""

_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
MONTH_OF_HOUR = np.repeat(np.arange(1, 13), _DAYS_IN_MONTH * 24)
"""Calendar month (1-12) of each hour of a non-leap year; index 0 = Jan 1, 00:00-01:00."""
HOUR_OF_DAY = np.arange(HOURS) % 24
"""Clock hour (0-23) at the start of each hour of the year."""

_DATA_KINDS = ("tariffs", "finance", "emission_factors")


# --------------------------------------------------------------------------- data files


def _data_path(kind: str) -> Path:
    if kind not in _DATA_KINDS:
        raise UnknownNameError("data file", kind, list(_DATA_KINDS))
    return Path(str(resources.files("simulator").joinpath("data", f"{kind}.toml")))


@functools.cache
def _raw(kind: str) -> dict[str, Any]:
    """Parsed data file, with values still carrying unit and source (cached; never mutate)."""
    p = _data_path(kind)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([f"cannot read data file: {exc}"], str(p)) from exc


def _is_sourced(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and "source" in node


def _strip(node: Any) -> Any:
    """Replace every ``{value, unit, source}`` table by its value."""
    if _is_sourced(node):
        return copy.deepcopy(node["value"])
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items()}
    return copy.deepcopy(node)


def _walk_sources(node: Any, prefix: str, out: dict[str, str], missing: list[str]) -> None:
    if _is_sourced(node):
        out[prefix] = str(node["source"])
        return
    if isinstance(node, dict):
        for k, v in node.items():
            _walk_sources(v, f"{prefix}.{k}" if prefix else k, out, missing)
        return
    is_number = isinstance(node, (int, float)) and not isinstance(node, bool)
    is_number_list = isinstance(node, list) and any(
        isinstance(x, (int, float)) and not isinstance(x, bool) for x in node
    )
    if (is_number or is_number_list) and prefix.split(".")[-1] != "schema_version":
        missing.append(prefix)


def data_sources(kind: str) -> dict[str, str]:
    """Source of every sourced value of a data file, by dotted path.

    Parameters
    ----------
    kind
        "tariffs", "finance" or "emission_factors".
    """
    out: dict[str, str] = {}
    _walk_sources(_raw(kind), "", out, [])
    return out


def missing_sources(kind: str) -> list[str]:
    """Dotted paths of numbers in a data file that carry no source (should be empty)."""
    missing: list[str] = []
    _walk_sources(_raw(kind), "", {}, missing)
    return missing


def _expand_dotted(overrides: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = str(key).split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValidationError([f"override {key!r} conflicts with another override"])
        if isinstance(value, Mapping) and not _is_sourced(dict(value)):
            existing = node.setdefault(parts[-1], {})
            if not isinstance(existing, dict):
                raise ValidationError([f"override {key!r} conflicts with another override"])
            existing.update(_expand_dotted(value))
        else:
            node[parts[-1]] = value
    return out


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _merge(base: dict, overrides: Mapping, path: str, problems: list[str]) -> None:
    """Merge ``overrides`` into ``base`` in place; unknown keys and wrong types become problems."""
    for key, value in overrides.items():
        here = f"{path}.{key}" if path else key
        if _is_sourced(value if isinstance(value, dict) else None):
            value = value["value"]
        if key not in base:
            problems.append(f"unknown key {here!r}; valid keys here: {', '.join(sorted(base))}")
            continue
        old = base[key]
        if isinstance(old, dict):
            if not isinstance(value, Mapping):
                problems.append(
                    f"{here} is a table; give a mapping of its keys ({', '.join(sorted(old))})"
                )
            else:
                _merge(old, value, here, problems)
        elif _is_number(old):
            if not _is_number(value) or not math.isfinite(value):
                problems.append(f"{here} = {value!r}: must be a finite number")
            else:
                base[key] = value
        elif isinstance(old, list):
            if not isinstance(value, (list, tuple)):
                problems.append(f"{here} = {value!r}: must be a list")
            else:
                base[key] = list(value)
        elif isinstance(old, bool):
            if not isinstance(value, bool):
                problems.append(f"{here} = {value!r}: must be true or false")
            else:
                base[key] = value
        else:
            if not isinstance(value, type(old)):
                problems.append(f"{here} = {value!r}: must be a {type(old).__name__}")
            else:
                base[key] = value


def _load(
    kind: str, overrides: Mapping[str, Any] | None = None, base: Mapping | None = None
) -> dict:
    data = _strip(dict(base)) if base is not None else _strip(_raw(kind))
    if overrides:
        problems: list[str] = []
        _merge(data, _expand_dotted(overrides), "", problems)
        if problems:
            raise ValidationError(problems, f"{kind} overrides")
    return data


def load_tariffs(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Tianjin energy tariffs as plain values (a fresh copy on every call).

    Parameters
    ----------
    overrides
        Values to replace, as a nested mapping or with dotted keys,
        e.g. ``{"electricity.commercial.scheme": "tou"}``.

    Returns
    -------
    dict
        The structure of ``simulator/data/tariffs.toml`` with each
        ``{value, unit, source}`` replaced by its value. Units are in the key
        names (``price_cny_kwh``, ``area_fee_cny_m2`` ...) and in the file.

    Raises
    ------
    ValidationError
        If an override names an unknown key or has the wrong type, or a price
        or tier table is invalid; all problems are reported together.
    """
    tariffs = _load("tariffs", overrides)
    _validate_tariffs(tariffs)
    return tariffs


def load_finance(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Finance defaults (discount rate, horizon, escalation, PV O&M) as plain values.

    See ``simulator/data/finance.toml`` for units and sources; the default
    discount rate is the 8 % social discount rate of [1]_.
    """
    finance = _load("finance", overrides)
    problems: list[str] = []
    _check_rate("discount_rate", finance["discount_rate"], problems)
    _check_rate("energy_price_escalation", finance["energy_price_escalation"], problems)
    _check_years("horizon_years", finance["horizon_years"], problems, integer=True)
    _check_nonnegative("pv_om_cny_w_a", finance["pv_om_cny_w_a"], problems)
    if problems:
        raise ValidationError(problems, "finance")
    return finance


def _validate_tariffs(t: dict[str, Any]) -> None:
    problems: list[str] = []

    def nonneg(path: str, x: Any) -> None:
        xs = x if isinstance(x, list) else [x]
        if not all(_is_number(v) and math.isfinite(v) and v >= 0 for v in xs):
            problems.append(f"{path} = {x!r}: prices and fees must be finite and >= 0")

    def tiers(path: str, upper: list, prices: list) -> None:
        nonneg(f"{path} prices", prices)
        if len(prices) != len(upper) + 1:
            problems.append(
                f"{path}: {len(upper)} tier thresholds need {len(upper) + 1} prices, got {len(prices)}"
            )
        if any(not _is_number(u) or u <= 0 for u in upper) or any(
            b <= a for a, b in zip(upper, upper[1:], strict=False)
        ):
            problems.append(f"{path}: tier thresholds {upper!r} must be positive and increasing")

    if not (_is_number(t["household"]["flat_area_m2"]) and t["household"]["flat_area_m2"] > 0):
        problems.append(f"household.flat_area_m2 = {t['household']['flat_area_m2']!r}: must be > 0")
    for cls, e in t["electricity"].items():
        p = f"electricity.{cls}"
        scheme = e.get("scheme")
        if scheme == "tiered":
            tiers(p, e["tier_upper_kwh"], e["tier_price_cny_kwh"])
            if e.get("tier_period") not in ("month", "year"):
                problems.append(
                    f"{p}.tier_period = {e.get('tier_period')!r}: must be 'month' or 'year'"
                )
        elif scheme == "flat":
            nonneg(f"{p}.price_cny_kwh", e["price_cny_kwh"])
        elif scheme == "tou":
            pass
        else:
            problems.append(f"{p}.scheme = {scheme!r}: must be 'tiered', 'flat' or 'tou'")
        if scheme == "tou" or "tou" in e:
            tou = e.get("tou")
            if tou is None:
                problems.append(f"{p}: scheme 'tou' needs a [{p}.tou] table")
            else:
                nonneg(f"{p}.tou.flat_price_cny_kwh", tou["flat_price_cny_kwh"])
                nonneg(f"{p}.tou ratios", [tou["peak_ratio"], tou["valley_ratio"]])
                periods = tou["hour_periods"]
                if len(periods) != 24 or not set(periods) <= {"peak", "flat", "valley"}:
                    problems.append(
                        f"{p}.tou.hour_periods: need 24 entries of 'peak', 'flat' or 'valley'"
                    )
        h = e.get("heating_tou")
        if h is not None:
            nonneg(f"{p}.heating_tou prices", [h["peak_price_cny_kwh"], h["valley_price_cny_kwh"]])
            if not set(h["months"]) <= set(range(1, 13)):
                problems.append(f"{p}.heating_tou.months = {h['months']!r}: month numbers 1-12")
            if not 0 <= h["peak_start_hour"] <= h["peak_end_hour"] <= 24:
                problems.append(
                    f"{p}.heating_tou: need 0 <= peak_start_hour <= peak_end_hour <= 24"
                )
            if h.get("applies_to") not in ("heating", "all"):
                problems.append(
                    f"{p}.heating_tou.applies_to = {h.get('applies_to')!r}: must be 'heating' or 'all'"
                )
    for cls, g in t["gas"].items():
        p = f"gas.{cls}"
        if g.get("scheme") == "flat":
            nonneg(f"{p}.price_cny_m3", g["price_cny_m3"])
        elif g.get("scheme") == "tiered":
            if "tier_upper_m3" not in g or "tier_price_cny_m3" not in g:
                problems.append(f"{p}: scheme 'tiered' needs tier_upper_m3 and tier_price_cny_m3")
            else:
                tiers(p, g["tier_upper_m3"], g["tier_price_cny_m3"])
        else:
            problems.append(f"{p}.scheme = {g.get('scheme')!r}: must be 'flat' or 'tiered'")
    for cls, h in t["heat"].items():
        if isinstance(h, dict):
            for k in ("area_fee_cny_m2", "basic_fee_cny_m2", "energy_price_cny_kwh"):
                nonneg(f"heat.{cls}.{k}", h[k])
    if not (_is_number(t["heat"]["billing_area_factor"]) and t["heat"]["billing_area_factor"] > 0):
        problems.append("heat.billing_area_factor: must be > 0")
    nonneg("pv_export.price_cny_kwh", t["pv_export"]["price_cny_kwh"])
    for btype, classes in t["building_classes"].items():
        for carrier in ("electricity", "gas", "heat"):
            cls = classes.get(carrier)
            valid = [k for k, v in t[carrier].items() if isinstance(v, dict)]
            if cls not in valid:
                problems.append(
                    f"building_classes.{btype}.{carrier} = {cls!r}: valid classes: {', '.join(valid)}"
                )
    if problems:
        raise ValidationError(problems, "tariffs")


# --------------------------------------------------------------------------- input checks


def _check_finite(name: str, x: Any, problems: list[str]) -> bool:
    if not _is_number(x) and not isinstance(x, np.number):
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


# --------------------------------------------------------------------------- bills


def tiered_cost_cny(
    consumption: float | np.ndarray, tier_upper: Sequence[float], tier_prices: Sequence[float]
):
    """Cost of a consumption under an increasing-block (tiered) tariff.

    Parameters
    ----------
    consumption
        Consumption per billing unit and period (e.g. kWh per household per
        month), scalar or array, >= 0.
    tier_upper
        Upper bound of each tier but the last, increasing (e.g. [220, 400]).
    tier_prices
        Price of each tier [CNY per unit]; one more than ``tier_upper``.

    Returns
    -------
    float or numpy.ndarray
        Cost [CNY] per billing unit and period, same shape as ``consumption``.

    Examples
    --------
    >>> float(tiered_cost_cny(500.0, [220, 400], [0.49, 0.54, 0.79]))
    284.0
    """
    upper = [float(u) for u in tier_upper]
    prices = [float(p) for p in tier_prices]
    problems: list[str] = []
    if len(prices) != len(upper) + 1:
        problems.append(
            f"{len(upper)} tier thresholds need {len(upper) + 1} prices, got {len(prices)}"
        )
    if any(b <= a for a, b in zip([0.0, *upper], upper, strict=False)):
        problems.append(f"tier thresholds {upper!r} must be positive and increasing")
    c = np.asarray(consumption, dtype=float)
    if np.any(~np.isfinite(c)) or np.any(c < 0):
        problems.append("consumption must be finite and >= 0")
    _raise(problems, "tiered_cost_cny")
    bounds = [0.0, *upper, math.inf]
    cost = np.zeros_like(c)
    for lo, hi, price in zip(bounds[:-1], bounds[1:], prices, strict=True):
        cost = cost + np.clip(c - lo, 0.0, hi - lo) * price
    return float(cost) if cost.ndim == 0 else cost


def grid_import_by_use_kwh(delivered: Delivered) -> dict[str, np.ndarray]:
    """Hourly grid electricity by end use after PV self-consumption [kWh].

    PV covers every end use in proportion to its share of the hour's demand,
    so ``sum(result.values()) == delivered.hourly_grid_import_kwh``.
    """
    demand = delivered.hourly_demand_kwh
    share = np.divide(
        delivered.hourly_grid_import_kwh, demand, out=np.zeros(HOURS), where=demand > 0
    )
    return {u: delivered.hourly_electricity_kwh[u] * share for u in ELECTRIC_END_USES}


def _households(floor_area_m2: float, tariffs: dict) -> float:
    """Number of households in a residential building (at least 1) [-]."""
    return max(floor_area_m2 / tariffs["household"]["flat_area_m2"], 1.0)


def _period_index(tier_period: str) -> np.ndarray:
    return MONTH_OF_HOUR - 1 if tier_period == "month" else np.zeros(HOURS, dtype=int)


def _residential_electricity_cny(
    by_use: dict[str, np.ndarray], tariff: dict, households: float, heating_tou: bool
) -> dict[str, float]:
    cost = {u: 0.0 for u in ELECTRIC_END_USES}
    tiered_kwh = dict(by_use)
    h = tariff.get("heating_tou")
    if heating_tou and h is not None:
        window = np.isin(MONTH_OF_HOUR, h["months"])
        peak = (HOUR_OF_DAY >= h["peak_start_hour"]) & (HOUR_OF_DAY < h["peak_end_hour"])
        price_h = np.where(peak, h["peak_price_cny_kwh"], h["valley_price_cny_kwh"])
        uses = ("heating",) if h["applies_to"] == "heating" else ELECTRIC_END_USES
        for u in uses:
            cost[u] += float(np.sum(by_use[u] * window * price_h))
            tiered_kwh[u] = by_use[u] * ~window
    idx = _period_index(tariff["tier_period"])
    n_periods = 12 if tariff["tier_period"] == "month" else 1
    per_period = {
        u: np.bincount(idx, weights=tiered_kwh[u], minlength=n_periods) for u in ELECTRIC_END_USES
    }
    total = sum(per_period.values())
    period_cost = (
        tiered_cost_cny(total / households, tariff["tier_upper_kwh"], tariff["tier_price_cny_kwh"])
        * households
    )
    for u in ELECTRIC_END_USES:
        share = np.divide(per_period[u], total, out=np.zeros(n_periods), where=total > 0)
        cost[u] += float(np.sum(period_cost * share))
    return cost


def _hourly_price_cny_kwh(tariff: dict) -> np.ndarray:
    tou = tariff["tou"]
    ratio = {"peak": tou["peak_ratio"], "flat": 1.0, "valley": tou["valley_ratio"]}
    by_hour = np.array([tou["flat_price_cny_kwh"] * ratio[p] for p in tou["hour_periods"]])
    return by_hour[HOUR_OF_DAY]


def _electricity_cny(
    d: Delivered, tariff: dict, tariffs: dict, heating_tou: bool | None
) -> dict[str, float]:
    by_use = grid_import_by_use_kwh(d)
    scheme = tariff["scheme"]
    if scheme == "tiered":
        use_tou = (
            tariff.get("heating_tou", {}).get("enabled", False)
            if heating_tou is None
            else heating_tou
        )
        return _residential_electricity_cny(
            by_use, tariff, _households(d.floor_area_m2, tariffs), use_tou
        )
    if scheme == "tou":
        price_h = _hourly_price_cny_kwh(tariff)
        return {u: float(np.sum(by_use[u] * price_h)) for u in ELECTRIC_END_USES}
    return {u: float(by_use[u].sum()) * tariff["price_cny_kwh"] for u in ELECTRIC_END_USES}


def _gas_cny(d: Delivered, tariff: dict, tariffs: dict) -> float:
    if d.gas_m3 <= 0:
        return 0.0
    if tariff["scheme"] == "tiered":
        hh = _households(d.floor_area_m2, tariffs)
        return (
            tiered_cost_cny(d.gas_m3 / hh, tariff["tier_upper_m3"], tariff["tier_price_cny_m3"])
            * hh
        )
    return d.gas_m3 * tariff["price_cny_m3"]


def _heat_cny(d: Delivered, tariff: dict, tariffs: dict, heating_billing: str) -> float:
    """District-heat bill of one heating season; zero when the building buys no district heat."""
    if d.district_heat_kwh <= 0:
        return 0.0
    area_m2 = d.floor_area_m2 * tariffs["heat"]["billing_area_factor"]
    area_fee = tariff["area_fee_cny_m2"] * area_m2
    if heating_billing == "area":
        return area_fee
    metered = (
        tariff["basic_fee_cny_m2"] * area_m2 + tariff["energy_price_cny_kwh"] * d.district_heat_kwh
    )
    if tariffs["heat"]["cap_metered_at_area_fee"]:
        return min(metered, area_fee)
    return metered


@dataclass(frozen=True, eq=False)
class Bills:
    """One year of energy bills of one building [CNY].

    Attributes
    ----------
    electricity_cny
        Grid electricity bought (after PV self-consumption) [CNY/a].
    gas_cny
        Natural gas [CNY/a].
    heat_cny
        District heat, one heating season [CNY/a].
    pv_export_revenue_cny
        Revenue from PV sold to the grid [CNY/a] (reduces ``total_cny``).
    electricity_by_use_cny
        ``electricity_cny`` split by end use ("heating", "cooling", "lighting",
        "equipment") [CNY/a]; read-only mapping.
    floor_area_m2
        Floor area of the building [m2].
    tariff_classes
        Tariff class used per carrier, e.g. ``{"electricity": "residential", ...}``.
    heating_billing
        "area" or "metered".
    """

    electricity_cny: float
    gas_cny: float
    heat_cny: float
    pv_export_revenue_cny: float
    electricity_by_use_cny: Mapping[str, float]
    floor_area_m2: float
    tariff_classes: Mapping[str, str] = field(default_factory=dict)
    heating_billing: str = "area"

    def __post_init__(self):
        object.__setattr__(
            self, "electricity_by_use_cny", MappingProxyType(dict(self.electricity_by_use_cny))
        )
        object.__setattr__(self, "tariff_classes", MappingProxyType(dict(self.tariff_classes)))

    @property
    def total_cny(self) -> float:
        """Net energy cost: electricity + gas + heat - PV export revenue [CNY/a]."""
        return self.electricity_cny + self.gas_cny + self.heat_cny - self.pv_export_revenue_cny

    @property
    def total_cny_m2(self) -> float:
        """Net energy cost per m2 of floor [CNY/(m2 a)]."""
        return self.total_cny / self.floor_area_m2

    def as_dict(self) -> dict[str, float]:
        """Flat mapping with unit-suffixed keys, e.g. for a results table."""
        out = {
            "electricity_cny": self.electricity_cny,
            "gas_cny": self.gas_cny,
            "heat_cny": self.heat_cny,
            "pv_export_revenue_cny": self.pv_export_revenue_cny,
            "total_cny": self.total_cny,
            "total_cny_m2": self.total_cny_m2,
        }
        out.update({f"electricity_{u}_cny": v for u, v in self.electricity_by_use_cny.items()})
        return out


def annual_bills(
    delivered: Delivered,
    tariffs: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    heating_billing: str = "area",
    heating_tou: bool | None = None,
) -> Bills:
    """Energy bills of one building-year under Tianjin tariffs.

    Electricity is billed on the hourly grid import after PV self-consumption:

    - residential: increasing-block tariff per household (households = floor
      area / ``household.flat_area_m2``), by month (Tianjin's 220 / 400
      kWh/month tiers) or by year as ``tier_period`` says; with
      ``heating_tou`` the heating electricity from 1 Nov to 31 Mar is billed at
      the coal-to-electricity TOU tariff (0.49 peak 08-20 h / 0.30 valley) and
      left out of the tiers - i.e. the heat pump or storage heater is taken to
      be on its own 煤改电 meter (``applies_to = "all"`` puts the whole
      household on TOU in that window instead);
    - schools: the residential price for non-household users (flat);
    - office, hospital, mall: general commercial, flat average price by
      default, or hour-by-hour TOU with ``electricity.commercial.scheme = "tou"``.

    Gas is billed flat per m3 (tiers per household if the tariff has them).
    District heat, when the building buys any, is either the area-based fee
    per heating season times floor area, or the metered two-part tariff
    (basic fee per m2 + price per kWh of metered heat, 津发改价管〔2015〕1092号).
    PV export is paid at the export price and reduces ``total_cny``.

    Parameters
    ----------
    delivered
        Delivered energy of the building-year.
    tariffs
        Tariff data as returned by :func:`load_tariffs`; default: the built-in file.
    overrides
        Values to replace in ``tariffs`` (see :func:`load_tariffs`).
    heating_billing
        "area" (default) or "metered".
    heating_tou
        Use the coal-to-electricity heating TOU for residential electric
        heating; ``None`` takes ``heating_tou.enabled`` from the tariffs.

    Returns
    -------
    Bills

    Raises
    ------
    ValidationError
        Bad ``heating_billing``, floor area <= 0, or bad overrides.
    UnknownNameError
        ``delivered.building_type`` has no tariff class; the message lists the valid types.
    """
    if heating_billing not in HEATING_BILLING:
        raise ValidationError(
            [f"heating_billing = {heating_billing!r}: must be one of {', '.join(HEATING_BILLING)}"],
            "annual_bills",
        )
    if not (math.isfinite(delivered.floor_area_m2) and delivered.floor_area_m2 > 0):
        raise ValidationError(
            [f"floor_area_m2 = {delivered.floor_area_m2!r}: must be > 0"], "annual_bills"
        )
    if tariffs is None:
        t = load_tariffs(overrides)
    else:
        t = _load("tariffs", overrides, base=tariffs)
        _validate_tariffs(t)
    classes = t["building_classes"].get(delivered.building_type)
    if classes is None:
        raise UnknownNameError(
            "building type", delivered.building_type, list(t["building_classes"])
        )
    e_tariff = t["electricity"][classes["electricity"]]
    by_use = _electricity_cny(delivered, e_tariff, t, heating_tou)
    return Bills(
        electricity_cny=float(sum(by_use.values())),
        gas_cny=float(_gas_cny(delivered, t["gas"][classes["gas"]], t)),
        heat_cny=float(_heat_cny(delivered, t["heat"][classes["heat"]], t, heating_billing)),
        pv_export_revenue_cny=delivered.pv_export_kwh * t["pv_export"]["price_cny_kwh"],
        electricity_by_use_cny=by_use,
        floor_area_m2=delivered.floor_area_m2,
        tariff_classes={k: classes[k] for k in ("electricity", "gas", "heat")},
        heating_billing=heating_billing,
    )
