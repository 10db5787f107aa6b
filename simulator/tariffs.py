"""Energy bills: Tianjin tariffs and the bills of a delivered year.

:func:`load_tariffs` reads ``simulator/data/tariffs.toml`` (every number with
unit and source; ``overrides`` replace any value by its path, e.g.
``{"heat": {"residential": {"area_fee_cny_m2": 30}}}`` or
``{"heat.residential.area_fee_cny_m2": 30}``; unknown paths raise
:class:`~simulator.exceptions.ValidationError` listing the valid keys).
:func:`tiered_cost_cny` prices block tariffs; :func:`annual_bills`, the one
orchestrator, turns a :class:`~simulator.delivered.Delivered` year into
:class:`Bills`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from simulator import units
from simulator.delivered import ELECTRIC_END_USES, HOURS, Delivered
from simulator.exceptions import UnknownNameError, ValidationError
from simulator.finance import _raise
from simulator.sourced_data import is_number, load_data

log = logging.getLogger(__name__)

HEATING_BILLING = ("area", "metered")
"""District-heat billing modes: area-based fee per season, or Tianjin's metered two-part tariff."""

MONTH_OF_HOUR = units.MONTH_OF_HOUR + 1
"""Month 1..12 of each hour of the year."""
"""Calendar month (1-12) of each hour of a non-leap year; index 0 = Jan 1, 00:00-01:00."""
HOUR_OF_DAY = np.arange(HOURS) % 24
"""Clock hour (0-23) at the start of each hour of the year."""


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
    tariffs = load_data("tariffs", overrides)
    _validate_tariffs(tariffs)
    return tariffs


def _validate_tariffs(t: dict[str, Any]) -> None:
    problems: list[str] = []

    def nonneg(path: str, x: Any) -> None:
        xs = x if isinstance(x, list) else [x]
        if not all(is_number(v) and math.isfinite(v) and v >= 0 for v in xs):
            problems.append(f"{path} = {x!r}: prices and fees must be finite and >= 0")

    def tiers(path: str, upper: list, prices: list) -> None:
        nonneg(f"{path} prices", prices)
        if len(prices) != len(upper) + 1:
            problems.append(
                f"{path}: {len(upper)} tier thresholds need {len(upper) + 1} prices, got {len(prices)}"
            )
        if any(not is_number(u) or u <= 0 for u in upper) or any(
            b <= a for a, b in zip(upper, upper[1:], strict=False)
        ):
            problems.append(f"{path}: tier thresholds {upper!r} must be positive and increasing")

    if not (is_number(t["household"]["flat_area_m2"]) and t["household"]["flat_area_m2"] > 0):
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
    if not (is_number(t["heat"]["billing_area_factor"]) and t["heat"]["billing_area_factor"] > 0):
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
        t = load_data("tariffs", overrides, base=tariffs)
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
