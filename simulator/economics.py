"""Energy bills and investment appraisal of retrofits (the public names of three modules).

Kept so that ``from simulator import economics`` and ``economics.annual_bills``
work as before. The code lives by concept:

- :mod:`simulator.tariffs`: Tianjin tariffs (:func:`load_tariffs`), block
  tariffs (:func:`tiered_cost_cny`) and the bills of a delivered year
  (:func:`annual_bills`, :class:`Bills`);
- :mod:`simulator.finance`: money over time (annuities, present value, NPV,
  payback, life-cycle cost, cost of conserved energy and carbon, packages of
  measures with different lifetimes) and :func:`load_finance`;
- :mod:`simulator.sourced_data`: the one loader of the sourced data files
  (:func:`data_sources`, :func:`missing_sources`).
"""

from __future__ import annotations

from simulator.finance import (
    MeasureCost,
    annualised_cost_cny,
    annuity_factor,
    capital_recovery_factor,
    cost_of_conserved_carbon_cny_per_t,
    cost_of_conserved_energy_cny_per_kwh,
    life_cycle_cost_cny,
    load_finance,
    npv_cny,
    package_annualised_cost_cny,
    package_cost_of_conserved_carbon_cny_per_t,
    package_npv_cny,
    present_value_cny,
    simple_payback_years,
)
from simulator.sourced_data import data_sources, missing_sources
from simulator.tariffs import (
    HEATING_BILLING,
    Bills,
    annual_bills,
    grid_import_by_use_kwh,
    load_tariffs,
    tiered_cost_cny,
)

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
