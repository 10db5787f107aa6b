"""Operational CO2, primary energy (kgce) and renewable share of a building-year.

Data sit in ``simulator/data/emission_factors.toml`` (each number with unit
and source), read by :func:`load_emission_factors`. The grid factor is chosen
by name (:func:`grid_factor_names`; default ``"north_china_2023"``, the North
China regional average 0.6361 kgCO2/kWh of the MEE & NBS 2023 notice), or
given as a number in kgCO2/kWh.

Accounting choices
------------------
- Electricity: grid import *after* PV self-consumption times the average
  grid factor (location-based, as in the MEE/NBS notices). PV sent to the
  grid is **not** deducted from the building's CO2; the CO2 it would avoid at
  the same factor is reported separately (``pv_export_avoided_co2_kg``,
  ``Emissions.net_co2_kg``), so a district total can credit it once.
- Gas: 55.54 kgCO2/GJ of LHV (GB/T 32151 defaults), applied to
  ``gas_m3 x LHV`` with the LHV the systems step used
  (``Delivered.notes["gas_lhv_mj_m3"]``), else 38.931 MJ/m3 (2.162 kgCO2/m3).
  District heat: 110 kgCO2/GJ bought (public-building GHG accounting
  guideline default).
- Primary energy in kgce (GB/T 2589-2020): heat and gas by calorific value
  (gas: m3 x LHV / 29.3076 MJ/kgce, so 1.2143 kgce/m3 at 35.59 MJ/m3);
  electricity by calorific equivalent (当量值, 0.1229 kgce/kWh, default) or
  by the power plants' supply coal consumption (等价值, about 0.300 kgce/kWh).
- Renewable share: see :func:`renewable_share`.

References
----------
.. [1] MEE & NBS, 关于发布2022年 / 2023年电力二氧化碳排放因子的公告.
.. [2] GB/T 2589-2020 综合能耗计算通则 (General principles for calculation of
   the comprehensive energy consumption).
.. [3] GB 55015-2021 建筑节能与可再生能源利用通用规范: air-source heat pumps'
   heat drawn from the air counts as renewable energy.
.. [4] MOHURD (2022) "十四五"建筑节能与绿色建筑发展规划 and the Tianjin /
   Hongqiao carbon-peak plans: urban building renewable-energy substitution
   rate (城镇建筑可再生能源替代率) 8 % by 2025.
.. [5] EN ISO 52000-1:2017 and Directive (EU) 2018/2001 (RED II) Annex VII:
   renewable share of gross final energy, heat-pump ambient heat counted in
   numerator and denominator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from simulator.delivered import Delivered
from simulator.exceptions import UnknownNameError, ValidationError
from simulator.sourced_data import is_number, load_data, raw
from simulator.tariffs import grid_import_by_use_kwh

__all__ = [
    "Emissions",
    "PrimaryEnergy",
    "ELECTRICITY_METHODS",
    "RENEWABLE_BASES",
    "load_emission_factors",
    "grid_factor_names",
    "grid_factor_kgco2_kwh",
    "gas_lhv_mj_m3",
    "emissions_kg",
    "primary_energy_kgce",
    "renewable_energy_kwh",
    "renewable_share",
    "renewable_share_of_totals",
    "co2_kg_of_totals",
    "primary_kgce_of_totals",
]

GJ_PER_KWH = 0.0036
"""1 kWh = 3.6 MJ = 0.0036 GJ."""

ELECTRICITY_METHODS = ("calorific", "supply")
"""Coal-equivalent methods for electricity: calorific equivalent (当量值) or supply coal consumption (等价值)."""

RENEWABLE_BASES = ("final_kwh", "kgce_calorific", "kgce_supply")
"""Unit bases of :func:`renewable_share`."""


def load_emission_factors(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Emission and coal-equivalent factors as plain values (a fresh copy each call).

    Parameters
    ----------
    overrides
        Values to replace, nested or dotted, e.g.
        ``{"grid.north_china_2023": 0.62, "district_heat.co2_kg_gj": 80}``.

    Returns
    -------
    dict
        Keys ``default_grid``, ``grid`` (name -> kgCO2/kWh), ``gas``
        (``co2_kg_gj``, fallback ``lhv_mj_m3``), ``district_heat`` (``co2_kg_gj``) and
        ``kgce`` (conversion factors); units in the key names and the file.

    Raises
    ------
    ValidationError
        Unknown override keys, wrong types or negative factors.
    """
    f = load_data("emission_factors", overrides)
    problems: list[str] = []
    for path, x in _numbers(f):
        if x < 0:
            problems.append(f"{path} = {x!r}: factors must be >= 0")
    if f["default_grid"] not in f["grid"]:
        problems.append(
            f"default_grid = {f['default_grid']!r}: valid names: {', '.join(sorted(f['grid']))}"
        )
    if problems:
        raise ValidationError(problems, "emission factors")
    return f


def _numbers(node: Any, prefix: str = ""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _numbers(v, f"{prefix}.{k}" if prefix else k)
    elif is_number(node) and prefix.split(".")[-1] != "schema_version":
        yield prefix, node


def grid_factor_names() -> list[str]:
    """Names of the built-in grid emission factors, sorted."""
    return sorted(k for k, v in raw("emission_factors")["grid"].items() if isinstance(v, dict))


def grid_factor_kgco2_kwh(
    grid: str | float | None = None, factors: Mapping[str, Any] | None = None
) -> tuple[str, float]:
    """Resolve a grid factor.

    Parameters
    ----------
    grid
        A name of :func:`grid_factor_names`, a number [kgCO2/kWh] (named
        "custom"), or None for the file's ``default_grid``.
    factors
        Factors as returned by :func:`load_emission_factors`; default: the built-in file.

    Returns
    -------
    tuple of (str, float)
        Name and factor [kgCO2/kWh].

    Raises
    ------
    UnknownNameError
        Unknown name; the message lists the valid names.
    ValidationError
        A number that is negative or not finite.
    """
    f = load_emission_factors() if factors is None else factors
    if grid is None:
        grid = f["default_grid"]
    if is_number(grid):
        if not math.isfinite(grid) or grid < 0:
            raise ValidationError(
                [f"grid = {grid!r}: a grid factor must be a finite number >= 0 kgCO2/kWh"]
            )
        return "custom", float(grid)
    if not isinstance(grid, str) or grid not in f["grid"]:
        raise UnknownNameError("grid emission factor", str(grid), list(f["grid"]))
    return grid, float(f["grid"][grid])


def _factors(
    factors: Mapping[str, Any] | None, overrides: Mapping[str, Any] | None
) -> dict[str, Any]:
    if factors is None:
        return load_emission_factors(overrides)
    if overrides:
        return load_data("emission_factors", overrides, base=factors)
    return dict(factors)


def gas_lhv_mj_m3(delivered: Delivered, factors: Mapping[str, Any] | None = None) -> float:
    """Lower heating value of the gas in ``delivered.gas_m3`` [MJ/m3].

    The value the systems step used, ``delivered.notes["gas_lhv_mj_m3"]``, so
    that m3, CO2 and kgce are consistent; else the fallback
    ``gas.lhv_mj_m3`` of the emission-factor file (38.931 MJ/m3).
    """
    lhv = delivered.notes.get("gas_lhv_mj_m3") if isinstance(delivered.notes, Mapping) else None
    if is_number(lhv) and math.isfinite(lhv) and lhv > 0:
        return float(lhv)
    f = load_emission_factors() if factors is None else factors
    return float(f["gas"]["lhv_mj_m3"])


@dataclass(frozen=True, eq=False)
class Emissions:
    """Operational CO2 of one building-year [kg].

    Attributes
    ----------
    electricity_co2_kg
        Grid electricity bought (after PV self-consumption) x grid factor [kg/a].
    gas_co2_kg
        Gas burnt in the building [kg/a].
    heat_co2_kg
        District heat bought [kg/a].
    electricity_by_use_co2_kg
        ``electricity_co2_kg`` by end use [kg/a]; read-only mapping.
    pv_self_consumed_avoided_co2_kg
        Grid CO2 avoided by PV used on site [kg/a] (already reflected in
        ``electricity_co2_kg``; informative).
    pv_export_avoided_co2_kg
        Grid CO2 that the exported PV would avoid at the same factor [kg/a];
        *not* deducted from ``total_co2_kg``.
    grid
        Name of the grid factor used ("custom" for a number).
    grid_kgco2_kwh
        Grid factor [kgCO2/kWh].
    floor_area_m2
        Floor area [m2].
    """

    electricity_co2_kg: float
    gas_co2_kg: float
    heat_co2_kg: float
    electricity_by_use_co2_kg: Mapping[str, float]
    pv_self_consumed_avoided_co2_kg: float
    pv_export_avoided_co2_kg: float
    grid: str
    grid_kgco2_kwh: float
    floor_area_m2: float

    def __post_init__(self):
        object.__setattr__(
            self,
            "electricity_by_use_co2_kg",
            MappingProxyType(dict(self.electricity_by_use_co2_kg)),
        )

    @property
    def total_co2_kg(self) -> float:
        """Building CO2: electricity + gas + heat, no credit for exported PV [kg/a]."""
        return self.electricity_co2_kg + self.gas_co2_kg + self.heat_co2_kg

    @property
    def net_co2_kg(self) -> float:
        """``total_co2_kg`` minus the credit for exported PV [kg/a]."""
        return self.total_co2_kg - self.pv_export_avoided_co2_kg

    @property
    def total_co2_kg_m2(self) -> float:
        """Building CO2 per m2 of floor [kg/(m2 a)]."""
        return self.total_co2_kg / self.floor_area_m2

    def as_dict(self) -> dict[str, float | str]:
        """Flat mapping with unit-suffixed keys."""
        out: dict[str, float | str] = {
            "electricity_co2_kg": self.electricity_co2_kg,
            "gas_co2_kg": self.gas_co2_kg,
            "heat_co2_kg": self.heat_co2_kg,
            "total_co2_kg": self.total_co2_kg,
            "total_co2_kg_m2": self.total_co2_kg_m2,
            "pv_self_consumed_avoided_co2_kg": self.pv_self_consumed_avoided_co2_kg,
            "pv_export_avoided_co2_kg": self.pv_export_avoided_co2_kg,
            "net_co2_kg": self.net_co2_kg,
            "grid": self.grid,
            "grid_kgco2_kwh": self.grid_kgco2_kwh,
        }
        out.update(
            {f"electricity_{u}_co2_kg": v for u, v in self.electricity_by_use_co2_kg.items()}
        )
        return out


def emissions_kg(
    delivered: Delivered,
    factors: Mapping[str, Any] | None = None,
    grid: str | float | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Emissions:
    """Operational CO2 of a building-year by carrier.

    .. math::

        CO_2 = E_{grid} f_{grid} + V_{gas} f_{gas} + Q_{DH} \\cdot 0.0036 \\, f_{DH}

    with E_grid the grid import after PV self-consumption [kWh], V_gas [m3],
    Q_DH [kWh]. Exported PV is not credited in ``total_co2_kg`` (see module notes).

    Parameters
    ----------
    delivered
        Delivered energy of the building-year.
    factors
        Factors as returned by :func:`load_emission_factors`; default: the built-in file.
    grid
        Grid factor name (see :func:`grid_factor_names`), a number
        [kgCO2/kWh], or None for the default (``north_china_2023``).
    overrides
        Values to replace in the factors, e.g. ``{"district_heat.co2_kg_gj": 80}``.

    Returns
    -------
    Emissions

    Raises
    ------
    UnknownNameError
        Unknown grid name (the message lists the valid ones).
    ValidationError
        Bad overrides or a bad grid number.
    """
    f = _factors(factors, overrides)
    name, f_grid = grid_factor_kgco2_kwh(grid, f)
    by_use = grid_import_by_use_kwh(delivered)
    by_use_co2 = {u: float(v.sum()) * f_grid for u, v in by_use.items()}
    co2 = co2_kg_of_totals(delivered.grid_import_kwh, delivered.gas_m3, delivered.district_heat_kwh, f_grid,
                           gas_lhv_mj_m3(delivered, f), f)
    return Emissions(
        electricity_co2_kg=float(co2["electricity_co2_kg"]),
        gas_co2_kg=float(co2["gas_co2_kg"]),
        heat_co2_kg=float(co2["heat_co2_kg"]),
        electricity_by_use_co2_kg=by_use_co2,
        pv_self_consumed_avoided_co2_kg=delivered.pv_self_consumed_kwh * f_grid,
        pv_export_avoided_co2_kg=delivered.pv_export_kwh * f_grid,
        grid=name,
        grid_kgco2_kwh=f_grid,
        floor_area_m2=delivered.floor_area_m2,
    )


@dataclass(frozen=True)
class PrimaryEnergy:
    """Energy bought by a building-year in standard coal equivalent [kgce].

    Attributes
    ----------
    electricity_kgce, gas_kgce, heat_kgce
        By carrier [kgce/a]; electricity is the grid import after PV self-consumption.
    electricity_method
        "calorific" (当量值) or "supply" (等价值).
    floor_area_m2
        Floor area [m2].
    """

    electricity_kgce: float
    gas_kgce: float
    heat_kgce: float
    electricity_method: str
    floor_area_m2: float

    @property
    def total_kgce(self) -> float:
        """Total [kgce/a]."""
        return self.electricity_kgce + self.gas_kgce + self.heat_kgce

    @property
    def total_kgce_m2(self) -> float:
        """Total per m2 of floor [kgce/(m2 a)], the unit of Chinese energy-use quotas."""
        return self.total_kgce / self.floor_area_m2

    def as_dict(self) -> dict[str, float | str]:
        """Flat mapping with unit-suffixed keys."""
        return {
            "electricity_kgce": self.electricity_kgce,
            "gas_kgce": self.gas_kgce,
            "heat_kgce": self.heat_kgce,
            "total_kgce": self.total_kgce,
            "total_kgce_m2": self.total_kgce_m2,
            "electricity_method": self.electricity_method,
        }


def _electricity_kgce_kwh(f: Mapping[str, Any], method: str) -> float:
    if method not in ELECTRICITY_METHODS:
        raise ValidationError(
            [f"electricity_method = {method!r}: must be one of {', '.join(ELECTRICITY_METHODS)}"]
        )
    key = (
        "electricity_calorific_kgce_kwh" if method == "calorific" else "electricity_supply_kgce_kwh"
    )
    return float(f["kgce"][key])


def primary_energy_kgce(
    delivered: Delivered,
    factors: Mapping[str, Any] | None = None,
    electricity_method: str = "calorific",
    overrides: Mapping[str, Any] | None = None,
) -> PrimaryEnergy:
    """Energy bought by a building-year in kgce (GB/T 2589-2020 [2]_).

    Electricity counted is the grid import after PV self-consumption (on-site
    PV is renewable and not bought); heat at 34.12 kgce/GJ, gas at
    m3 x LHV / 29.3076 MJ/kgce (see :func:`gas_lhv_mj_m3`).

    Parameters
    ----------
    delivered
        Delivered energy of the building-year.
    factors, overrides
        As in :func:`emissions_kg`.
    electricity_method
        "calorific" (当量值, 0.1229 kgce/kWh, default; used by public-institution
        energy statistics) or "supply" (等价值, power plants' supply coal
        consumption, about 0.300 kgce/kWh).

    Returns
    -------
    PrimaryEnergy
    """
    f = _factors(factors, overrides)
    e = _electricity_kgce_kwh(f, electricity_method)
    k = f["kgce"]
    return PrimaryEnergy(
        electricity_kgce=delivered.grid_import_kwh * e,
        gas_kgce=delivered.gas_m3 * gas_lhv_mj_m3(delivered, f) / k["mj_per_kgce"],
        heat_kgce=delivered.district_heat_kwh * GJ_PER_KWH * k["heat_kgce_gj"],
        electricity_method=electricity_method,
        floor_area_m2=delivered.floor_area_m2,
    )


def renewable_energy_kwh(
    delivered: Delivered, include_pv_export: bool = True, solar_thermal_kwh: float = 0.0
) -> dict[str, float]:
    """Renewable energy a building-year uses or produces, by source [kWh].

    Returns
    -------
    dict
        ``pv_self_consumed_kwh``, ``pv_export_kwh`` (0 unless
        ``include_pv_export``), ``ambient_heat_kwh`` (heat pumps, GB 55015 [3]_),
        ``solar_thermal_kwh``, and ``total_kwh``.
    """
    if not (
        is_number(solar_thermal_kwh)
        and math.isfinite(solar_thermal_kwh)
        and solar_thermal_kwh >= 0
    ):
        raise ValidationError(
            [f"solar_thermal_kwh = {solar_thermal_kwh!r}: must be a finite number >= 0"]
        )
    out = {
        "pv_self_consumed_kwh": delivered.pv_self_consumed_kwh,
        "pv_export_kwh": delivered.pv_export_kwh if include_pv_export else 0.0,
        "ambient_heat_kwh": float(delivered.ambient_heat_kwh),
        "solar_thermal_kwh": float(solar_thermal_kwh),
    }
    out["total_kwh"] = sum(out.values())
    return out


def renewable_share(
    delivered: Delivered,
    include_pv_export: bool = True,
    basis: str = "final_kwh",
    solar_thermal_kwh: float = 0.0,
    factors: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> float:
    """Building renewable-energy substitution rate (建筑可再生能源替代率).

    .. math::

        RS = \\frac{E_{PV,self} + E_{PV,exp} + Q_{amb} + Q_{sol}}
                  {E_{demand} + Q_{DH} + V_{gas} H_i + Q_{amb} + Q_{sol}}

    Renewable energy the building produces or draws (PV used on site, PV
    exported if ``include_pv_export``, heat pumps' ambient heat - renewable
    under GB 55015-2021 [3]_ - and solar-thermal heat) over the building's
    total energy use including that renewable energy: electricity demand
    (grid import + PV self-consumed), district heat, gas at its LHV
    (:func:`gas_lhv_mj_m3`) and the renewable heat. Counting ambient heat in both
    numerator and denominator follows the gross-final-energy convention
    (RED II Annex VII, EN ISO 52000-1 [5]_) and keeps the share <= 1 for a
    building without export.

    The indicator is the one of the MOHURD 14th five-year plan and the Tianjin
    and Hongqiao carbon-peak plans (8 % by 2025) [4]_; those plans do not
    publish a formula, and GB 55015-2021 / GB/T 51350-2019 define renewable
    use but not this rate (not found in the sources searched). Choices here:
    exported rooftop PV counts by default, because district statistics count
    building PV generation whole; the default basis is final energy in kWh,
    transparent and independent of coal factors.

    Parameters
    ----------
    delivered
        Delivered energy of the building-year.
    include_pv_export
        Count PV sent to the grid in the numerator (default True). The share
        can then exceed 1 for a building that exports more than it uses.
    basis
        "final_kwh" (default): all terms in kWh of final energy.
        "kgce_calorific" / "kgce_supply": all terms in kgce (GB/T 2589-2020),
        electricity (demand and PV alike) at 0.1229 or about 0.300 kgce/kWh,
        heat (district, ambient, solar) at 34.12 kgce/GJ, gas by its LHV.
        "kgce_supply" values PV as the coal it displaces in power plants
        (substitution method of Chinese energy statistics).
    solar_thermal_kwh
        Solar-thermal heat used [kWh/a] (not part of :class:`Delivered`).
    factors, overrides
        As in :func:`emissions_kg`.

    Returns
    -------
    float
        Share [-]; ``math.nan`` for a building that uses no energy.

    Raises
    ------
    ValidationError
        Unknown ``basis`` or negative ``solar_thermal_kwh``.
    """
    if basis not in RENEWABLE_BASES:
        raise ValidationError(
            [f"basis = {basis!r}: must be one of {', '.join(RENEWABLE_BASES)}"], "renewable_share"
        )
    r = renewable_energy_kwh(delivered, include_pv_export, solar_thermal_kwh)
    f = _factors(factors, overrides)
    return float(renewable_share_of_totals(
        pv_kwh=r["pv_self_consumed_kwh"] + r["pv_export_kwh"],
        renewable_heat_kwh=r["ambient_heat_kwh"] + r["solar_thermal_kwh"],
        electricity_kwh=delivered.electricity_kwh,
        district_heat_kwh=delivered.district_heat_kwh,
        gas_m3=delivered.gas_m3,
        gas_lhv_mj_m3=gas_lhv_mj_m3(delivered, f),
        basis=basis,
        factors=f,
    ))


def renewable_share_of_totals(pv_kwh, renewable_heat_kwh, electricity_kwh, district_heat_kwh, gas_m3,
                              gas_lhv_mj_m3: float, basis: str = "final_kwh",
                              factors: Mapping[str, Any] | None = None):
    """The formula of :func:`renewable_share` on annual totals (scalars or arrays).

    Used by :func:`renewable_share` for one building and by the district
    roadmap (:mod:`simulator.district`) for the district's totals, so both
    report the same indicator.

    Parameters
    ----------
    pv_kwh
        PV counted as renewable (self-consumed, plus exported where counted) [kWh].
    renewable_heat_kwh
        Heat-pump ambient heat plus solar-thermal heat [kWh].
    electricity_kwh
        Electricity demand before PV (grid import + PV self-consumed) [kWh].
    district_heat_kwh
        District heat bought [kWh].
    gas_m3
        Gas burnt [m3].
    gas_lhv_mj_m3
        Its lower heating value [MJ/m3].
    basis
        As in :func:`renewable_share`.
    factors
        As returned by :func:`load_emission_factors` (default: the built-in file).

    Returns
    -------
    float or ndarray
        Share [-]; NaN where no energy is used.
    """
    if basis not in RENEWABLE_BASES:
        raise ValidationError(
            [f"basis = {basis!r}: must be one of {', '.join(RENEWABLE_BASES)}"], "renewable_share"
        )
    f = load_emission_factors() if factors is None else factors
    if basis == "final_kwh":
        w_el = w_heat = 1.0
        gas_unit = gas_lhv_mj_m3 / 3.6
    else:
        w_el = _electricity_kgce_kwh(f, "calorific" if basis == "kgce_calorific" else "supply")
        w_heat = f["kgce"]["heat_kgce_gj"] * GJ_PER_KWH
        gas_unit = gas_lhv_mj_m3 / f["kgce"]["mj_per_kgce"]
    numerator = np.asarray(pv_kwh, dtype=float) * w_el + np.asarray(renewable_heat_kwh, dtype=float) * w_heat
    denominator = (
        np.asarray(electricity_kwh, dtype=float) * w_el
        + (np.asarray(district_heat_kwh, dtype=float) + renewable_heat_kwh) * w_heat
        + np.asarray(gas_m3, dtype=float) * gas_unit
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def co2_kg_of_totals(grid_import_kwh, gas_m3, district_heat_kwh, grid_kgco2_kwh, gas_lhv_mj_m3: float,
                     factors: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The formula of :func:`emissions_kg` on annual totals (scalars or arrays) [kg].

    Returns
    -------
    dict
        ``electricity_co2_kg``, ``gas_co2_kg``, ``heat_co2_kg``, ``total_co2_kg``.
    """
    f = load_emission_factors() if factors is None else factors
    out = {
        "electricity_co2_kg": np.asarray(grid_import_kwh, dtype=float) * grid_kgco2_kwh,
        "gas_co2_kg": np.asarray(gas_m3, dtype=float) * gas_lhv_mj_m3 / 1000.0 * f["gas"]["co2_kg_gj"],
        "heat_co2_kg": np.asarray(district_heat_kwh, dtype=float) * GJ_PER_KWH * f["district_heat"]["co2_kg_gj"],
    }
    out["total_co2_kg"] = out["electricity_co2_kg"] + out["gas_co2_kg"] + out["heat_co2_kg"]
    return out


def primary_kgce_of_totals(grid_import_kwh, gas_m3, district_heat_kwh, gas_lhv_mj_m3: float,
                           electricity_method: str = "calorific",
                           factors: Mapping[str, Any] | None = None):
    """The formula of :func:`primary_energy_kgce` on annual totals (scalars or arrays) [kgce]."""
    f = load_emission_factors() if factors is None else factors
    e = _electricity_kgce_kwh(f, electricity_method)
    k = f["kgce"]
    return (np.asarray(grid_import_kwh, dtype=float) * e
            + np.asarray(gas_m3, dtype=float) * gas_lhv_mj_m3 / k["mj_per_kgce"]
            + np.asarray(district_heat_kwh, dtype=float) * GJ_PER_KWH * k["heat_kgce_gj"])
