"""Evaluate a retrofit package end to end: loads -> delivered energy -> bills, CO2, money.

One orchestrator for the committee's question "what does this package do for
this building". Loads come from either engine (EnergyPlus through the batch
runner and its cache, or the surrogate); everything after the loads - the
systems step, bills, carbon, capex, payback, NPV - is shared, so both engines
are judged by the same downstream code.

All money is in real CNY; all energy in kWh (GJ, kgce and tCO2 only for display).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from buildings import measures as M
from buildings.model import Building
from buildings.ventilation import hygiene_warning
from simulator import carbon, economics, systems
from simulator.delivered import Delivered
from simulator.design_days import sizing_load_w
from simulator.exceptions import RetrofitError, ValidationError
from simulator.loads import Loads

KWH_PER_GJ = 1e6 / 3600.0


# Plausibility bounds of the per-run options (input checks, not defaults).
MAX_HORIZON_YEARS = 100
"""Longest analysis period [a]: beyond a building's structural life (50-70 a) a present value means nothing."""
MAX_SUBSIDY_CNY_M2 = 10_000.0
"""Largest subsidy [CNY/m2]: estimate: ten times a deep envelope + heat-pump retrofit (~1000 CNY/m2)."""
MAX_GRID_KGCO2_KWH = 2.0
"""Largest grid factor [kgCO2/kWh]: estimate: about twice an all-coal grid (~1.0 kgCO2/kWh)."""


def _finite_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def check_options(grid: Any = None, discount_rate: Any = None, horizon_years: Any = None,
                  subsidy_cny_m2: Any = 0.0) -> list[str]:
    """Every problem with the per-run options, each naming the field and its allowed range.

    The CLI flags and the app fields go through this one check (via
    :class:`Options`), so NaN, infinity and absurd magnitudes are refused
    before any money is computed.
    """
    problems = []
    if grid is not None and not isinstance(grid, str):
        if not _finite_number(grid) or not 0.0 <= grid <= MAX_GRID_KGCO2_KWH:
            problems.append(f"grid = {grid!r}: a grid emission factor must be a name or a number in "
                            f"0..{MAX_GRID_KGCO2_KWH:g} kgCO2/kWh")
    if discount_rate is not None and (not _finite_number(discount_rate) or not -1.0 < discount_rate <= 1.0):
        problems.append(f"discount_rate = {discount_rate!r}: must be a fraction per year in (-1, 1], "
                        "e.g. 0.06 for 6 %/a")
    if horizon_years is not None and (not _finite_number(horizon_years) or horizon_years != int(horizon_years)
                                      or not 1 <= horizon_years <= MAX_HORIZON_YEARS):
        problems.append(f"horizon_years = {horizon_years!r}: must be a whole number of years in "
                        f"1..{MAX_HORIZON_YEARS}")
    if not _finite_number(subsidy_cny_m2) or not 0.0 <= subsidy_cny_m2 <= MAX_SUBSIDY_CNY_M2:
        problems.append(f"subsidy_cny_m2 = {subsidy_cny_m2!r}: must be a number in "
                        f"0..{MAX_SUBSIDY_CNY_M2:g} CNY/m2")
    return problems


@dataclass(frozen=True)
class Options:
    """Everything a user may override per run (defaults come from the data files).

    Attributes
    ----------
    grid
        Grid emission factor: a name from ``carbon.grid_factor_names()`` or a
        number [kgCO2/kWh]; None = the file's default.
    discount_rate
        Real discount rate [1/a]; None = finance.toml.
    horizon_years
        Analysis period [a]; None = finance.toml.
    subsidy_cny_m2
        Subsidy per m2 of floor area [CNY/m2], deducted from the capex
        (e.g. 45 CNY/m2, the central cold-zone retrofit award, FS 2c [S12]).
    systems_params, tariff_overrides, emission_overrides, finance_overrides
        Overrides of systems.toml, tariffs.toml, emission_factors.toml, finance.toml.
    """

    grid: str | float | None = None
    discount_rate: float | None = None
    horizon_years: int | None = None
    subsidy_cny_m2: float = 0.0
    systems_params: dict | None = None
    tariff_overrides: dict | None = None
    emission_overrides: dict | None = None
    finance_overrides: dict | None = None

    def __post_init__(self) -> None:
        problems = check_options(self.grid, self.discount_rate, self.horizon_years, self.subsidy_cny_m2)
        if problems:
            raise ValidationError(problems, "options")

    def finance(self) -> dict[str, Any]:
        f = economics.load_finance(self.finance_overrides)
        if self.discount_rate is not None:
            f["discount_rate"] = self.discount_rate
        if self.horizon_years is not None:
            f["horizon_years"] = self.horizon_years
        return f


@dataclass(frozen=True)
class Outcome:
    """One building state (before or after retrofit) carried through systems, bills and carbon."""

    building: Building
    loads: Loads
    delivered: Delivered
    bills: economics.Bills
    emissions: carbon.Emissions
    primary: carbon.PrimaryEnergy
    renewable_share: float

    def summary(self) -> dict[str, Any]:
        """Flat figures with units in the keys."""
        d, area = self.delivered, self.loads.floor_area_m2
        gas_kwh = d.gas_m3 * carbon.gas_lhv_mj_m3(d) / 3.6
        out: dict[str, Any] = {
            "heating_kwh": self.loads.heating_kwh,
            "heating_kwh_m2": self.loads.heating_kwh_m2,
            "cooling_kwh": self.loads.cooling_kwh,
            "cooling_kwh_m2": self.loads.cooling_kwh_m2,
            "district_heat_kwh": d.district_heat_kwh,
            "district_heat_gj": d.district_heat_kwh / KWH_PER_GJ,
            "gas_m3": d.gas_m3,
            "gas_kwh": gas_kwh,
            "electricity_kwh": d.electricity_kwh,
            "grid_import_kwh": d.grid_import_kwh,
            "pv_kwh": d.pv_kwh,
            "pv_self_consumed_kwh": d.pv_self_consumed_kwh,
            "pv_export_kwh": d.pv_export_kwh,
            "energy_bought_kwh": d.district_heat_kwh + gas_kwh + d.grid_import_kwh,
            "hp_scop": d.hp_scop,
            "bills_cny": self.bills.total_cny,
            "co2_kg": self.emissions.total_co2_kg,
            "co2_kg_m2": self.emissions.total_co2_kg / area,
            "primary_kgce": self.primary.total_kgce,
            "renewable_share": self.renewable_share,
            "heating_billing": self.bills.heating_billing,
        }
        out.update({f"electricity_{k}_kwh": v for k, v in d.electricity_by_use_kwh().items()})
        out.update({f"bills_{k}": v for k, v in self.bills.as_dict().items()})
        return out


@dataclass(frozen=True)
class Evaluation:
    """A package on a building: both outcomes, the costs and the money and carbon figures."""

    building_name: str
    package: str
    measures: tuple[str, ...]
    engine: str
    baseline: Outcome
    retrofit: Outcome
    costs: tuple[M.MeasureCost, ...]
    capex_cny: float  # after subsidy
    subsidy_cny: float
    annual_om_cny: float
    annual_saving_cny: float  # bills before - bills after - O&M
    co2_saved_kg: float
    simple_payback_years: float
    npv_cny: float
    lcc_baseline_cny: float
    lcc_retrofit_cny: float
    cost_of_conserved_carbon_cny_per_t: float
    discount_rate: float
    horizon_years: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def floor_area_m2(self) -> float:
        return self.baseline.loads.floor_area_m2

    def to_dict(self) -> dict[str, Any]:
        """JSON-able result; every key carries its unit."""
        b, r = self.baseline.summary(), self.retrofit.summary()
        area = self.floor_area_m2

        def clean(x):
            if isinstance(x, float) and not math.isfinite(x):
                return None
            return round(x, 4) if isinstance(x, float) else x

        return {
            "building": self.building_name,
            "package": self.package,
            "measures": list(self.measures),
            "engine": self.engine,
            "floor_area_m2": area,
            "baseline": {k: clean(v) for k, v in b.items()},
            "retrofit": {k: clean(v) for k, v in r.items()},
            "heating_kwh": clean(r["heating_kwh"]),
            "heating_kwh_m2": clean(r["heating_kwh_m2"]),
            "heating_saved_pct": clean(100 * (1 - r["heating_kwh"] / b["heating_kwh"]) if b["heating_kwh"] else None),
            "co2_kg": clean(r["co2_kg"]),
            "co2_saved_kg": clean(self.co2_saved_kg),
            "co2_saved_t": clean(self.co2_saved_kg / 1000),
            "capex_cny": clean(self.capex_cny),
            "capex_cny_m2": clean(self.capex_cny / area),
            "subsidy_cny": clean(self.subsidy_cny),
            "capex_by_measure_cny": {c.measure: clean(c.capex_cny) for c in self.costs},
            "annual_om_cny": clean(self.annual_om_cny),
            "bills_baseline_cny": clean(b["bills_cny"]),
            "bills_retrofit_cny": clean(r["bills_cny"]),
            "bill_savings_cny": clean(self.annual_saving_cny),
            "simple_payback_years": clean(self.simple_payback_years),
            "npv_cny": clean(self.npv_cny),
            "lcc_baseline_cny": clean(self.lcc_baseline_cny),
            "lcc_retrofit_cny": clean(self.lcc_retrofit_cny),
            "cost_of_conserved_carbon_cny_per_t": clean(self.cost_of_conserved_carbon_cny_per_t),
            "renewable_share": clean(r["renewable_share"]),
            "hp_scop": clean(r["hp_scop"]),
            "pv_kwh": clean(r["pv_kwh"]),
            "discount_rate": self.discount_rate,
            "horizon_years": self.horizon_years,
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- steps


def outcome(building: Building, loads: Loads, weather, options: Options | None = None) -> Outcome:
    """Systems, bills and carbon of one building state from its loads."""
    opt = options or Options()
    delivered = systems.deliver(loads, building, weather, params=opt.systems_params)
    billing = "metered" if building.systems.heat_metering else "area"
    bills = economics.annual_bills(delivered, overrides=opt.tariff_overrides, heating_billing=billing)
    emissions = carbon.emissions_kg(delivered, grid=opt.grid, overrides=opt.emission_overrides)
    primary = carbon.primary_energy_kgce(delivered, overrides=opt.emission_overrides)
    share = carbon.renewable_share(delivered, overrides=opt.emission_overrides)
    return Outcome(building, loads, delivered, bills, emissions, primary, share)


def _simulate_pair(base: Building, retro: Building, weather_spec, engine, cache) -> tuple[Loads, Loads, Any]:
    """Loads of the baseline and the retrofit (EnergyPlus: both at once through the batch runner)."""
    from simulator.energyplus import resolve_weather

    reasons: list[str] = []
    if engine == "auto":  # the surrogate, or EnergyPlus where it is unsure (simulator/surrogate/engine.py)
        from simulator.surrogate.engine import auto_pair

        pair, reasons = auto_pair(base, retro, resolve_weather(weather_spec)[0])
        if pair is not None:
            return (*pair, resolve_weather(weather_spec)[0])
    if engine is None or engine in ("energyplus", "auto"):
        from simulator.batch import Case, run_batch

        w, path = resolve_weather(weather_spec)
        if path is None:
            import weather as weather_mod

            path = weather_mod.write_cached_epw(w)
        results = run_batch([Case(base, str(path)), Case(retro, str(path))], cache=cache, workers=2)
        for r in results:
            if not r.ok:
                raise RetrofitError(r.error or "EnergyPlus run failed")
        for r in results[:1]:  # --engine auto: say why EnergyPlus ran (once, on the baseline)
            r.loads.meta.setdefault("domain_warnings", []).extend(f"EnergyPlus used: {x}" for x in reasons)
        return results[0].loads, results[1].loads, w
    if isinstance(engine, str):
        engine = get_engine(engine)
    w, _ = resolve_weather(weather_spec)
    return engine.simulate(base, w), engine.simulate(retro, w), w


def get_engine(name: str):
    """An engine by name: "energyplus" or "surrogate" ("auto" is handled by :func:`evaluate` per pair)."""
    if name == "energyplus":
        from simulator.energyplus import EnergyPlusEngine

        return EnergyPlusEngine()
    if name == "surrogate":
        from simulator.surrogate.engine import SurrogateEngine

        return SurrogateEngine()
    from simulator.exceptions import UnknownNameError

    raise UnknownNameError("engine", name, ["energyplus", "surrogate"])


def resolve_weather_spec(spec):
    """A Weather/EPW path for a name ("tianjin"), a path, or a Weather."""
    if isinstance(spec, str) and not spec.lower().endswith(".epw") and "/" not in spec:
        import weather as weather_mod

        return weather_mod.epw_path(spec)
    return spec


def evaluate(
    building: Building,
    package: str | list | tuple,
    weather="tianjin",
    engine=None,
    options: Options | None = None,
    cache=None,
    loads: tuple[Loads, Loads] | None = None,
) -> Evaluation:
    """Evaluate a retrofit package on a building.

    Parameters
    ----------
    building
        The building as it is (the baseline).
    package
        A preset name, a comma-separated list of measures, or a list of measures.
    weather
        A built-in weather name, an EPW path or a ``weather.Weather``.
    engine
        None or "energyplus" (batch runner with its cache), "surrogate", or an
        engine object with ``simulate(building, weather) -> Loads``.
    options
        Per-run overrides of prices, factors, rates and system parameters.
    cache
        Run cache (path or ``RunCache``) for EnergyPlus runs; False: none is opened.
    loads
        Precomputed (baseline, retrofit) loads; skips the engine.
    """
    opt = options or Options()
    measures = M.package(package)
    label = package if isinstance(package, str) else ",".join(m.label for m in measures)
    retro = M.apply(building, measures)
    spec = resolve_weather_spec(weather)
    warnings: list[str] = []
    if loads is None:
        base_loads, retro_loads, w = _simulate_pair(building, retro, spec, engine, cache)
    else:
        from simulator.energyplus import resolve_weather

        base_loads, retro_loads = loads
        w, _ = resolve_weather(spec)
    engine_name = base_loads.engine.split(";")[0] if base_loads.engine else str(engine)
    for ld in (base_loads, retro_loads):
        for note in ld.meta.get("domain_warnings", []) if isinstance(ld.meta, dict) else []:
            warnings.append(note)
    hygiene = hygiene_warning(retro)  # airtight home without heat-recovery ventilation
    if hygiene is not None:
        warnings.append(f"{label}: {hygiene}")
    base = outcome(building, base_loads, w, opt)
    after = outcome(retro, retro_loads, w, opt)
    return _appraise(building, label, measures, engine_name, base, after, opt, tuple(warnings))


def _appraise(building, label, measures, engine_name, base: Outcome, after: Outcome, opt: Options,
              warnings: tuple[str, ...]) -> Evaluation:
    fin = opt.finance()
    r, horizon = float(fin["discount_rate"]), int(fin["horizon_years"])
    costs = tuple(M.measure_cost(m, building, design_heating_w=sizing_load_w(after.loads)) for m in measures)
    gross = sum(c.capex_cny for c in costs)
    if opt.subsidy_cny_m2 < 0:
        raise ValidationError([f"subsidy_cny_m2: {opt.subsidy_cny_m2} must be >= 0"])
    subsidy = min(gross, opt.subsidy_cny_m2 * building.floor_area_m2)
    pv_w = after.building.systems.pv_capacity_kw * 1000.0
    om = float(fin["pv_om_cny_w_a"]) * pv_w
    # each measure carries its share of the subsidy, so replacements are not subsidised twice
    share = (1 - subsidy / gross) if gross > 0 else 1.0
    fin_costs = [economics.MeasureCost(c.measure, c.capex_cny * share, c.lifetime_years,
                                       om if c.kind == "rooftop_pv" else 0.0) for c in costs]
    capex = gross - subsidy
    saving = base.bills.total_cny - after.bills.total_cny - om
    co2_saved = base.emissions.total_co2_kg - after.emissions.total_co2_kg
    npv = economics.package_npv_cny(fin_costs, base.bills.total_cny - after.bills.total_cny, horizon, r,
                                    float(fin["energy_price_escalation"])) if fin_costs else 0.0
    lcc_base = economics.life_cycle_cost_cny(0.0, base.bills.total_cny, horizon, r)
    lcc_retro = lcc_base - npv
    ccc = economics.package_cost_of_conserved_carbon_cny_per_t(
        fin_costs, r, base.bills.total_cny - after.bills.total_cny, co2_saved) if fin_costs else math.nan
    payback = economics.simple_payback_years(capex, saving) if capex > 0 else 0.0
    return Evaluation(
        building_name=building.name, package=label, measures=tuple(m.label for m in measures),
        engine=engine_name, baseline=base, retrofit=after, costs=costs, capex_cny=capex,
        subsidy_cny=subsidy, annual_om_cny=om, annual_saving_cny=saving, co2_saved_kg=co2_saved,
        simple_payback_years=payback, npv_cny=npv, lcc_baseline_cny=lcc_base, lcc_retrofit_cny=lcc_retro,
        cost_of_conserved_carbon_cny_per_t=ccc, discount_rate=r, horizon_years=horizon, warnings=warnings,
    )
