"""Numbers quoted in the app's help texts, each read from the data file the library uses.

A help text that quotes a factor (a kgce conversion, the discount rate, an
example subsidy) fills it in from here, so the text cannot drift from the
number the calculation uses: the kgce factors from
``simulator/data/emission_factors.toml``, the discount rate from
``simulator/data/finance.toml``, and numbers no calculation uses from
``simulator/data/app_help.toml``.
"""

from __future__ import annotations

from simulator.sourced_data import raw, value_of


def help_values() -> dict[str, float]:
    """The numbers help texts quote, by name (units in the names)."""
    kgce = raw("emission_factors")["kgce"]
    return {
        "heat_kgce_gj": float(value_of(kgce["heat_kgce_gj"])),
        "electricity_kgce_kwh": float(value_of(kgce["electricity_calorific_kgce_kwh"])),
        "discount_rate_pct": 100.0 * float(value_of(raw("finance")["discount_rate"])),
        "subsidy_example_cny_m2": float(value_of(
            raw("app_help")["subsidy"]["central_award_cold_zone_residential_cny_m2"])),
    }
