"""Heat plants: buildings' hourly heat -> network losses -> hourly dispatch (LP, HiGHS) -> cost and CO2 per GJ.

A plant spec (TOML; default ``simulator/plant/data/default_plant.toml``, a gas
boiler house of 73 x 10^4 m2 serving old-estate and 1990s blocks) lists the
buildings served (archetypes with floor areas and optional packages), the
heating season, the supply-temperature curve and the options to compare:
gas boilers (staged, part-load efficiency), air-source heat pumps (COP and
capacity from outdoor and supply temperature, defrost; the physics of
:mod:`simulator.systems`), electric boilers with water-tank or solid storage,
heat bought from the CHP network, and hybrids. For each option one linear
program (scipy HiGHS) dispatches every hour of the season at once under
Tianjin's time-of-use tariff; capex, O&M and lifetimes come from
``simulator/plant/data/plant.toml`` (each number with its source).

Entry points
------------
:func:`run_plant`
    ``run_plant(spec=None, objective=None, sweep=True) -> PlantResult``: every
    option, the sizing sweep (heat-pump share x storage hours) and the
    turning points (grid factor, electricity tariff, gas price, CHP price at
    which each option's ranking against the first option turns).
:func:`cost_and_co2_per_gj`
    For the district roadmap (boiler-house conversions)::

        from simulator.plant import cost_and_co2_per_gj
        d = cost_and_co2_per_gj("ashp_gas_hybrid")            # default plant
        d["cost_cny_per_gj"], d["co2_kg_per_gj"]
        # CO2 at another grid factor g [kgCO2/kWh], same dispatch:
        d["co2_nonelectric_kg_per_gj"] + d["electricity_kwh_per_gj"] * g

    Returns the option's dict (see :meth:`OptionResult.to_dict`; keys carry
    units: ``capex_cny``, ``cost_cny_per_gj``, ``co2_kg_per_gj``,
    ``co2_kg_per_gj_green_power``, ``peak_grid_kw``, ``valley_share`` ...).
    Results are cached per spec within the process.
:func:`load_spec`
    Read and validate a spec file (all problems listed with file and field).

Cost of heat and carbon accounting: see :mod:`simulator.plant.appraise`;
the LP: :mod:`simulator.plant.dispatch`; demand and network losses:
:mod:`simulator.plant.demand`; physics: :mod:`simulator.plant.physics`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from simulator.plant.appraise import (
    Context,
    OptionResult,
    evaluate_option,
    grid_path_kg_kwh,
    make_context,
    sizing_sweep,
    turning_points,
)
from simulator.plant.demand import PlantLoad, plant_load
from simulator.plant.params import load_plant_params
from simulator.plant.prices import KWH_PER_GJ, plant_prices
from simulator.plant.spec import OBJECTIVES, PlantSpec, load_spec, parse_spec

__all__ = ["PlantResult", "PlantSpec", "OptionResult", "load_spec", "parse_spec", "run_plant",
           "cost_and_co2_per_gj", "load_plant_params", "OBJECTIVES"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlantResult:
    """Everything one plant run produced.

    Attributes
    ----------
    spec, load, context
        The plant, its hourly season load and the dispatch context (prices, COP...).
    options
        One :class:`OptionResult` per option of the spec (first = reference).
    sweep
        Sizing-sweep rows (see :func:`simulator.plant.appraise.sizing_sweep`), or [] if not run.
    grid_path
        Grid factor by year [kgCO2/kWh] for the carbon path.
    timings_s
        Wall time of the steps [s]: demand, options (all dispatches), sweep, turning points.
    """

    spec: PlantSpec
    load: PlantLoad
    context: Context
    options: tuple[OptionResult, ...]
    sweep: tuple[dict, ...]
    grid_path: dict
    timings_s: dict

    def option(self, name: str) -> OptionResult:
        """The result of the option called ``name`` (unknown names list the valid ones)."""
        for o in self.options:
            if o.name == name:
                return o
        from simulator.exceptions import UnknownNameError

        raise UnknownNameError("plant option", name, [o.name for o in self.options])

    def to_dict(self) -> dict:
        """JSON-ready result: plant figures, ``options`` (list of dicts), ``sweep``, timings."""
        ld = self.load
        p = self.context.prices
        return {
            "plant": {
                "name": self.spec.name, "title": self.spec.title, "source": self.spec.source,
                "engine": self.spec.engine, "objective": self.spec.objective,
                "floor_area_m2": ld.floor_area_m2, "season_hours": int(len(ld.demand_kw)),
                "heat_demand_gj": ld.demand_kwh / KWH_PER_GJ,
                "heat_demand_kwh_m2": ld.demand_kwh / ld.floor_area_m2,
                "network_losses_gj": ld.loss_kwh / KWH_PER_GJ,
                "network_loss_share": ld.loss_kwh / (ld.demand_kwh + ld.loss_kwh),
                "design_load_kw": ld.design_load_kw, "design_load_w_m2": ld.design_load_kw * 1000 / ld.floor_area_m2,
                "existing_gas_boiler_kw": self.context.existing_gas_kw,
                "grid": p.grid_name, "grid_kg_kwh": p.grid_kg_kwh, "gas_cny_m3": p.gas_cny_m3,
                "chp_heat_price_cny_gj": p.chp_cny_gj, "electricity_tariff": self.spec.electricity_tariff,
                "discount_rate": self.context.discount_rate, "buildings": list(ld.groups),
            },
            "options": [o.to_dict(self.grid_path) for o in self.options],
            "sweep": list(self.sweep),
            "grid_path_kg_kwh": {str(k): v for k, v in self.grid_path.items()},
            "timings_s": dict(self.timings_s),
        }


def run_plant(spec: PlantSpec | str | None = None, objective: str | None = None, sweep: bool = True,
              turning: bool = True, progress: Callable[[str, int, int], None] | None = None) -> PlantResult:
    """Run a plant: demand, every option's dispatch, the sizing sweep and the turning points.

    Parameters
    ----------
    spec
        A :class:`PlantSpec`, a path to a spec TOML, or None for the default plant.
    objective
        "cost", "co2" or "weighted" to override the spec's objective.
    sweep, turning
        Whether to run the sizing sweep and the turning-point search.
    progress
        Called as ``progress(stage, done, total)``, stage in ("demand", "options", "sweep").

    Raises
    ------
    ValidationError
        Bad spec file or objective (every problem listed).
    """
    from simulator.exceptions import ValidationError

    if not isinstance(spec, PlantSpec):
        spec = load_spec(spec)
    if objective is not None:
        if objective not in OBJECTIVES:
            raise ValidationError([f"objective {objective!r}: valid: {', '.join(OBJECTIVES)}"], source="plant")
        spec = replace(spec, objective=objective)
    params = load_plant_params(spec.params, source=spec.source)

    def stage(name):
        return (lambda d, n: progress(name, d, n)) if progress is not None else None

    timings = {}
    t0 = time.perf_counter()
    load = plant_load(spec, params, stage("demand"))
    timings["demand_s"] = time.perf_counter() - t0
    prices = plant_prices(spec, load.month, load.clock_hour, params)
    ctx = make_context(spec, load, prices, params)
    t0 = time.perf_counter()
    results = []
    for i, opt in enumerate(spec.options):
        results.append(evaluate_option(opt, ctx))
        if progress is not None:
            progress("options", i + 1, len(spec.options))
    timings["options_s"] = time.perf_counter() - t0
    timings["dispatch_solve_s_per_option"] = {r.name: r.solve_s for r in results}
    if turning and len(results) > 1:
        t0 = time.perf_counter()
        results = turning_points(results, list(spec.options), ctx)
        timings["turning_s"] = time.perf_counter() - t0
    rows: list[dict] = []
    if sweep:
        t0 = time.perf_counter()
        rows = sizing_sweep(spec, ctx, stage("sweep"))
        timings["sweep_s"] = time.perf_counter() - t0
    return PlantResult(spec=spec, load=load, context=ctx, options=tuple(results), sweep=tuple(rows),
                       grid_path=grid_path_kg_kwh(prices, params), timings_s=timings)


_CACHE: dict[str, PlantResult] = {}
_LOCK = threading.Lock()


def _key(spec: PlantSpec) -> str:
    return repr(spec) + json.dumps(spec.params, sort_keys=True, default=str)


def cost_and_co2_per_gj(option_name: str, spec: PlantSpec | str | None = None) -> dict:
    """Cost [CNY/GJ] and CO2 [kg/GJ] of one option of a plant (default plant if ``spec`` is None).

    Returns the option's :meth:`OptionResult.to_dict` (with the grid path),
    plus ``plant_heat_demand_gj`` and ``plant_floor_area_m2``. The plant is
    run once per spec and process (options and turning points, no sweep).

    Raises
    ------
    UnknownNameError
        ``option_name`` is not an option of the spec (the valid names are listed).
    ValidationError
        Bad spec.
    """
    if not isinstance(spec, PlantSpec):
        spec = load_spec(spec)
    key = _key(spec)
    with _LOCK:
        res = _CACHE.get(key)
    if res is None:
        res = run_plant(spec, sweep=False)
        with _LOCK:
            _CACHE[key] = res
    out = res.option(option_name).to_dict(res.grid_path)
    out["plant_heat_demand_gj"] = res.load.demand_kwh / KWH_PER_GJ
    out["plant_floor_area_m2"] = res.load.floor_area_m2
    return out
