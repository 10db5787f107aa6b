"""The district roadmap: a stock and a scenario -> per-year energy, CO2, indicators and targets.

::

    from simulator.district import roadmap
    r = roadmap.run_roadmap()                      # built-in stock, default scenario, 2,000 buildings
    r.years[["year", "co2_t", "renewable_share"]]
    [t.to_dict() for t in r.targets]

:func:`prepare` samples the buildings and predicts every variant's loads once;
:func:`evaluate` turns a scenario into totals on those loads (a what-if that
keeps the scenario's entries - :func:`simulator.district.scenario.with_levers` -
costs only the yearly accounting). With ``scheduler`` the buildings are split
into chunks that run on a Dask cluster and their totals are added.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.district import accounting as A
from simulator.district import targets as T
from simulator.district.scenario import Scenario, load_scenario
from simulator.district.stock import Stock, load_stock, sample_buildings
from simulator.exceptions import ValidationError

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
DEFAULT_BUILDINGS = 2000
CLIMATE_NOTE = ("Loads come from the surrogate trained on the built-in Tianjin typical year; every year uses that "
                "year unless the scenario asks for degree-day scaling (an estimate). A weather-aware surrogate "
                "(issue 12) is needed for a climate path through the model.")
PLANT_NOTE = ("Boiler-house conversions use the plant model (simulator/plant, hourly LP dispatch on the built-in "
              "year): the served district heat keeps the 110 kgCO2/GJ factor and adds the converted plant's extra "
              "electricity (at each year's grid factor) and change of gas CO2 against the same plant's gas boilers; "
              "its heat pumps' ambient heat counts as renewable; capex per m2 served from the plant's option.")
BILLS_NOTE = ("Bills use each building class's flat or first-tier prices (simulator/data/tariffs.toml); the hourly "
              "tiered and time-of-use billing of simulator.economics.annual_bills is not applied at district scale.")


@dataclass(frozen=True)
class Prepared:
    """Sampled buildings, their variants and predicted loads, and the shared context."""

    stock: Stock
    buildings: pd.DataFrame
    rows: pd.DataFrame
    loads: pd.DataFrame
    ctx: A.Context
    seconds: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Roadmap:
    """Result of a roadmap run.

    Attributes
    ----------
    scenario
        The scenario.
    stock_name
        Name of the stock.
    years
        Indicators per year (:func:`simulator.district.targets.year_table`) plus ``capex_cny``.
    targets
        The targets (:func:`simulator.district.targets.targets`).
    totals
        Additive totals per year and group.
    n_buildings
        Buildings sampled (existing + new construction).
    seconds
        Wall times of the steps [s].
    notes
        What the figures include and leave out.
    """

    scenario: Scenario
    stock_name: str
    years: pd.DataFrame
    targets: list
    totals: pd.DataFrame
    n_buildings: int
    seconds: dict
    notes: tuple

    @property
    def peak_year(self) -> int:
        return T.peak_year(self.years)

    def to_dict(self) -> dict:
        """JSON-able: ``years`` (one object per year) and ``targets`` (one object per target) and metadata."""
        years = []
        for rec in self.years.to_dict("records"):
            years.append({k: (int(v) if k == "year" else T._num(v)) for k, v in rec.items()})
        return {
            "scenario": self.scenario.name,
            "scenario_title": self.scenario.title,
            "stock": self.stock_name,
            "n_buildings": self.n_buildings,
            "peak_year": self.peak_year,
            "years": years,
            "targets": [t.to_dict() for t in self.targets],
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "notes": list(self.notes),
            "sources": dict(self.scenario.sources),
        }


def prepare(stock: Stock | str | None = None, scenario: Scenario | str | None = None,
            n_buildings: int = DEFAULT_BUILDINGS, seed: int = 2020, with_std: bool = False,
            buildings: pd.DataFrame | None = None) -> Prepared:
    """Sample the stock, add new construction, predict every variant's loads (see the module notes)."""
    t0 = time.perf_counter()
    st = stock if isinstance(stock, Stock) else load_stock(stock)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if buildings is None:
        existing = sample_buildings(st, n_buildings, seed)
        buildings = A.with_new_buildings(existing, sc, seed=seed + 1)
    t1 = time.perf_counter()
    ctx = A.make_context(buildings, sc, with_std=with_std)
    t2 = time.perf_counter()
    rows = A.variant_rows(buildings, sc)
    loads = A.predict_loads(rows, with_std)
    t3 = time.perf_counter()
    return Prepared(st, buildings, rows, loads, ctx,
                    {"sample_s": t1 - t0, "context_s": t2 - t1, "loads_s": t3 - t2})


def evaluate(p: Prepared, scenario: Scenario | None = None) -> pd.DataFrame:
    """Totals per year and group of a scenario on prepared loads.

    ``scenario`` must have the same retrofit and new-construction entries as the
    prepared one (a :func:`~simulator.district.scenario.with_levers` variant);
    default: the prepared scenario.
    """
    ctx = p.ctx
    if scenario is not None and scenario is not ctx.scenario:
        _check_same_structure(ctx.scenario, scenario)
        ctx = _with_scenario(p, scenario)
    q = A.row_quantities(p.rows, p.loads, ctx)
    return A.totals_from_rows(p.rows, q, ctx.scenario.years)


def _check_same_structure(a: Scenario, b: Scenario) -> None:
    same = ([r.package for r in a.retrofits] == [r.package for r in b.retrofits]
            and [r.select for r in a.retrofits] == [r.select for r in b.retrofits]
            and [(n.building_type, n.standard) for n in a.new_construction]
            == [(n.building_type, n.standard) for n in b.new_construction]
            and list(a.years) == list(b.years))
    if not same:
        raise ValidationError(["the scenario's retrofit and new-construction entries differ from the prepared "
                               "ones: prepare it anew"], source="roadmap")


def _with_scenario(p: Prepared, scenario: Scenario) -> A.Context:
    import dataclasses

    return dataclasses.replace(p.ctx, scenario=scenario, plan=A.make_plan(p.buildings, scenario),
                               plant=A.plant_factors(scenario),
                               climate_heating=A.climate_ratios(scenario.climate_method, scenario.climate_scenario,
                                                                tuple(int(y) for y in scenario.years))[0],
                               climate_cooling=A.climate_ratios(scenario.climate_method, scenario.climate_scenario,
                                                                tuple(int(y) for y in scenario.years))[1])


def capex_by_year(p: Prepared, scenario: Scenario | None = None) -> pd.DataFrame:
    """Capital cost per year of the scenario's retrofits, PV and heat-pump conversions [CNY].

    Retrofits: area actually retrofitted (capped at the selected area) x the
    package's cost per m2 (:func:`simulator.district.packages.package_effect`).
    PV: kWp added on public roofs x the PV measure's cost per kWp. Heat-pump
    conversions: area x the ``ashp`` measure's cost per m2 on the archetype.
    Boiler-house conversions: served area x the plant option's extra capex per
    m2 served. New buildings are not costed (they are built in any case).
    """
    import archetypes
    from buildings import measures as M
    from simulator.district.packages import package_effect

    s = scenario or p.ctx.scenario
    plan = p.ctx.plan if scenario is None else A.make_plan(p.buildings, s)
    b = p.buildings
    n = len(s.years)
    retro = np.zeros(n)
    for j, _r in enumerate(s.retrofits):
        area = plan.selected_area_m2.get(f"retrofit {j}", 0.0)
        done = np.diff(np.r_[0.0, plan.retrofit_share[j]]) * area
        retro += done * plan.retrofit_capex_cny_m2[j]
    pv_cost_kwp = M.unit_cost_cny(M.package(s.pv_measure)[0], archetypes.load("public_office"))
    ex = (b["public_institution"] & ~b["new_construction"]).to_numpy()
    roof_m2 = float((b["weight_m2"] * b["footprint_m2"] / b["floor_area_m2"])[ex].sum())
    kwp_fp = p.ctx.pv_kwp_per_m2_footprint
    pv = np.diff(np.r_[s.pv_existing_public_share[0], s.pv_existing_public_share]) * roof_m2 * kwp_fp * pv_cost_kwp
    for j, nb in enumerate(s.new_construction):
        if nb.public_institution:
            m = (b["cohort"] == j).to_numpy() if "cohort" in b else np.zeros(len(b), bool)
            ratio = float((b["footprint_m2"] / b["floor_area_m2"])[m].mean()) if m.any() else 0.0
            pv += nb.area_m2 * s.pv_new_public_share * ratio * kwp_fp * pv_cost_kwp
    hp = np.zeros(n)
    for c in s.heat_pump_conversions:
        m = A._matches(b, c.select)
        archs = b.loc[m, "archetype"]
        if len(archs):
            cost = float(np.average([package_effect(a, "ashp").capex_cny_m2 for a in archs],
                                    weights=b.loc[m, "weight_m2"]))
            hp += c.area_m2 * cost
    plant_ctx = p.ctx.plant if scenario is None else A.plant_factors(s)
    plant = np.zeros(n)
    for b, pf in zip(s.boiler_conversions, plant_ctx, strict=True):
        plant += b.served_area_m2 * pf["capex_cny_m2"]
    return pd.DataFrame({"year": s.years.astype(int), "capex_retrofit_cny": retro, "capex_pv_cny": pv,
                         "capex_heat_pump_cny": hp, "capex_boiler_house_cny": plant,
                         "capex_cny": retro + pv + hp + plant})


def gas_lhv(p: Prepared) -> float:
    return float(p.ctx.heating.gas_lhv_mj_m3)


def result(p: Prepared, totals: pd.DataFrame, scenario: Scenario | None = None, seconds: dict | None = None,
           factors: dict | None = None) -> Roadmap:
    """Assemble a :class:`Roadmap` from totals."""
    s = scenario or p.ctx.scenario
    table = T.year_table(totals, s, gas_lhv(p), factors)
    table = table.merge(capex_by_year(p, s), on="year")
    notes = [CLIMATE_NOTE if s.climate_method == "none" else
             "Climate: heating and cooling scaled by the degree days of the morphed year (estimate). " + CLIMATE_NOTE,
             PLANT_NOTE, BILLS_NOTE]
    return Roadmap(s, p.stock.name, table, T.targets(table, s), totals, len(p.buildings), dict(seconds or {}),
                   tuple(notes))


def run_roadmap(stock: Stock | str | None = None, scenario: Scenario | str | None = None,
                n_buildings: int = DEFAULT_BUILDINGS, seed: int = 2020, scheduler=None, chunks: int | None = None,
                progress: Progress | None = None) -> Roadmap:
    """Run the roadmap (locally, or on a Dask cluster with ``scheduler``).

    Parameters
    ----------
    stock
        A :class:`Stock`, a stock file, or None for the built-in Hongqiao stock.
    scenario
        A :class:`Scenario`, a built-in name or a file (default ``"default"``).
    n_buildings
        Existing buildings to sample.
    seed
        Sampling seed.
    scheduler
        Dask scheduler address or ``distributed.Client``: the buildings are
        split into ``chunks`` (default 2 per worker) whose totals are added.
    progress
        ``progress(done, total)`` over the steps (or chunks).
    """
    t0 = time.perf_counter()
    st = stock if isinstance(stock, Stock) else load_stock(stock)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if scheduler is None:
        steps = 3
        _report(progress, 0, steps)
        p = prepare(st, sc, n_buildings, seed)
        _report(progress, 2, steps)
        totals = evaluate(p)
        _report(progress, 3, steps)
        secs = dict(p.seconds, total_s=time.perf_counter() - t0)
        return result(p, totals, seconds=secs)
    existing = sample_buildings(st, n_buildings, seed)
    buildings = A.with_new_buildings(existing, sc, seed=seed + 1)
    ctx = A.make_context(buildings, sc)
    totals = _run_dask(buildings, ctx, scheduler, chunks, progress)
    rows_stub = Prepared(st, buildings, pd.DataFrame(), pd.DataFrame(), ctx)
    return result(rows_stub, totals, seconds={"total_s": time.perf_counter() - t0})


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def split_chunks(buildings: pd.DataFrame, n_chunks: int) -> list[pd.DataFrame]:
    """Split buildings into ``n_chunks`` contiguous chunks (at least one building each)."""
    n_chunks = max(1, min(int(n_chunks), len(buildings)))
    edges = np.linspace(0, len(buildings), n_chunks + 1).astype(int)
    return [buildings.iloc[a:b] for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def _run_dask(buildings: pd.DataFrame, ctx: A.Context, scheduler, chunks: int | None,
              progress: Progress | None) -> pd.DataFrame:
    from distributed import Client, as_completed

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        parts = split_chunks(buildings, chunks or 2 * n_workers)
        ctx_f = client.scatter(ctx, broadcast=True)
        futures = [client.submit(A.chunk_totals, part, ctx_f, pure=False) for part in parts]
        out, done = [], 0
        _report(progress, 0, len(futures))
        for fut in as_completed(futures):
            out.append(fut.result())
            done += 1
            _report(progress, done, len(futures))
        return A.add_totals(out)
    finally:
        if own:
            client.close()
