"""Options of a heat plant: size, dispatch, cost and CO2 per GJ, sizing sweep and turning points.

Cost of heat (levelised, CNY per GJ of heat delivered to the buildings)::

    cost/GJ = (sum_i capex_i x CRF(r, n_i) + fixed O&M + energy + variable O&M) / heat delivered

with ``CRF`` the capital recovery factor (:func:`simulator.economics.capital_recovery_factor`,
the discount rate of ``simulator/data/finance.toml``) over each item's
lifetime; capex counts *new* equipment only (the existing gas boilers, up to
``boiler_house.existing_gas_boiler_share`` of the design load, are sunk, but
their fixed O&M is charged while they stay in service). Heat delivered is the
buildings' season demand (network losses are a cost of every option alike).

CO2 per GJ = (gas LHV x 55.54 kg/GJ + electricity x grid factor + CHP heat x
CHP factor) / heat delivered, location-based; ``co2_kg_per_gj_green_power``
takes the electricity as covered by green-power purchases (factor 0).

Turning points (each option against the reference option, the first in the
spec): for a *fixed dispatch*, CO2 is linear in the grid factor and cost is
linear in each price, so the factor or price at which the two lines cross is
found analytically. Under the cost objective the dispatch does not depend on
the grid factor, so the grid-factor turning point is exact. For the
electricity-tariff multiplier the dispatch does adapt to prices; the
analytic crossing is refined by re-solving both dispatches at the trial
multiplier (secant steps, at most ``refine_steps``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from simulator.economics import load_finance
from simulator.plant import physics as P
from simulator.plant.demand import PlantLoad
from simulator.plant.dispatch import Dispatch, DispatchProblem, solve_dispatch
from simulator.plant.prices import KWH_PER_GJ, Prices
from simulator.plant.spec import OptionSpec, PlantSpec

log = logging.getLogger(__name__)
M3_PER_KWH_PER_MJ = 3.6
MAX_GRID_FACTOR = 2.0


@dataclass(frozen=True)
class Sizes:
    """Installed capacities of one option [kW, kWh, m3]."""

    gas_boiler_kw: float
    heat_pump_design_kw: float
    heat_pump_rated_kw: float
    heat_pump_max_electric_kw: float
    electric_boiler_kw: float
    chp_kw: float
    storage_kwh: float
    storage_m3: float | None
    storage_medium: str


@dataclass(frozen=True)
class OptionResult:
    """One option's season: sizes, money, carbon, grid figures and the hourly dispatch."""

    name: str
    label: str
    label_zh: str
    sizes: Sizes
    capex_items_cny: dict
    capex_cny: float
    annualised_capex_cny: float
    fixed_om_cny: float
    variable_om_cny: float
    electricity_cost_cny: float
    gas_cost_cny: float
    chp_cost_cny: float
    heat_delivered_gj: float
    sendout_gj: float
    heat_by_source_gj: dict
    electricity_kwh: float
    electricity_hourly_kw: np.ndarray
    gas_m3: float
    chp_heat_gj: float
    co2_nonelectric_kg: float
    grid_kg_kwh: float
    peak_grid_kw: float
    valley_share: float | None
    unmet_heat_kwh: float
    storage_losses_kwh: float
    hp_seasonal_cop: float | None
    dispatch: Dispatch = field(repr=False)
    solve_s: float = 0.0
    turning: dict = field(default_factory=dict)

    @property
    def annual_cost_cny(self) -> float:
        """Annualised capex + fixed O&M + energy + variable O&M [CNY/a]."""
        return (self.annualised_capex_cny + self.fixed_om_cny + self.variable_om_cny + self.electricity_cost_cny
                + self.gas_cost_cny + self.chp_cost_cny)

    @property
    def co2_kg(self) -> float:
        """Season CO2 at the spec's grid factor [kg]."""
        return self.co2_at(self.grid_kg_kwh)

    def co2_at(self, grid_kg_kwh: float) -> float:
        """Season CO2 [kg] at another grid factor (same dispatch)."""
        return self.co2_nonelectric_kg + self.electricity_kwh * grid_kg_kwh

    @property
    def cost_cny_per_gj(self) -> float:
        """Levelised cost of heat delivered to the buildings [CNY/GJ]."""
        return self.annual_cost_cny / self.heat_delivered_gj

    @property
    def co2_kg_per_gj(self) -> float:
        """CO2 per GJ of heat delivered [kg/GJ]."""
        return self.co2_kg / self.heat_delivered_gj

    def to_dict(self, grid_path: dict | None = None) -> dict:
        """JSON-ready summary; units in the key names."""
        s = self.sizes
        out = {
            "name": self.name, "label": self.label, "label_zh": self.label_zh,
            "capex_cny": self.capex_cny, "capex_items_cny": dict(self.capex_items_cny),
            "annualised_capex_cny": self.annualised_capex_cny, "fixed_om_cny": self.fixed_om_cny,
            "variable_om_cny": self.variable_om_cny, "electricity_cost_cny": self.electricity_cost_cny,
            "gas_cost_cny": self.gas_cost_cny, "chp_cost_cny": self.chp_cost_cny,
            "annual_cost_cny": self.annual_cost_cny, "cost_cny_per_gj": self.cost_cny_per_gj,
            "co2_kg_per_gj": self.co2_kg_per_gj, "co2_t": self.co2_kg / 1000.0,
            "co2_kg_per_gj_green_power": self.co2_at(0.0) / self.heat_delivered_gj,
            "co2_nonelectric_kg_per_gj": self.co2_nonelectric_kg / self.heat_delivered_gj,
            "electricity_kwh_per_gj": self.electricity_kwh / self.heat_delivered_gj,
            "grid_kg_kwh": self.grid_kg_kwh,
            "peak_grid_kw": self.peak_grid_kw, "valley_share": self.valley_share,
            "electricity_kwh": self.electricity_kwh, "gas_m3": self.gas_m3, "chp_heat_gj": self.chp_heat_gj,
            "heat_delivered_gj": self.heat_delivered_gj, "sendout_gj": self.sendout_gj,
            "heat_by_source_gj": dict(self.heat_by_source_gj), "unmet_heat_kwh": self.unmet_heat_kwh,
            "storage_losses_kwh": self.storage_losses_kwh, "hp_seasonal_cop": self.hp_seasonal_cop,
            "gas_boiler_kw": s.gas_boiler_kw, "heat_pump_design_kw": s.heat_pump_design_kw,
            "heat_pump_rated_kw": s.heat_pump_rated_kw, "electric_boiler_kw": s.electric_boiler_kw,
            "chp_kw": s.chp_kw, "storage_kwh": s.storage_kwh, "storage_m3": s.storage_m3,
            "storage_medium": s.storage_medium, "solve_s": self.solve_s, "turning": dict(self.turning),
        }
        if grid_path:
            out["co2_kg_per_gj_grid_path"] = {str(y): self.co2_at(g) / self.heat_delivered_gj
                                              for y, g in grid_path.items()}
        return out


@dataclass(frozen=True)
class Context:
    """Everything an option's evaluation needs besides its own sizes."""

    load: PlantLoad
    prices: Prices
    params: dict
    ashp: dict
    cop: np.ndarray
    hp_cap_rel: np.ndarray
    hp_design_rel: float
    discount_rate: float
    existing_gas_kw: float
    objective: str
    carbon_price_cny_kg: float


def make_context(spec: PlantSpec, load: PlantLoad, prices: Prices, params: dict) -> Context:
    """Precompute hourly heat-pump COP and capacity and the finance inputs of a plant."""
    from simulator.systems import load_system_params

    ashp = load_system_params()["ashp"]
    cop, cap = P.heat_pump_hourly(load.outdoor_c, load.dew_point_c, load.pressure_pa, load.supply_c, ashp,
                                  params["heat_pump"])
    design_rel = P.hp_design_relative_capacity(spec.supply.design_outdoor_c, spec.supply.design_supply_c, ashp,
                                               params["heat_pump"])
    return Context(load=load, prices=prices, params=params, ashp=ashp, cop=cop, hp_cap_rel=cap,
                   hp_design_rel=design_rel, discount_rate=float(load_finance()["discount_rate"]),
                   existing_gas_kw=spec.existing_gas_boiler_share * load.design_load_kw,
                   objective=spec.objective, carbon_price_cny_kg=spec.carbon_price_cny_t / 1000.0)


def sizes_of(option: OptionSpec, ctx: Context) -> Sizes:
    """Capacities of an option from its shares of the design load."""
    design = ctx.load.design_load_kw
    hp_design = option.heat_pump_share * design
    hp_rated = hp_design / ctx.hp_design_rel if hp_design > 0 else 0.0
    hp_el = float(np.max(hp_rated * ctx.hp_cap_rel / ctx.cop)) if hp_rated > 0 else 0.0
    storage = option.storage_h * design
    dt = ctx.params["storage"][option.storage_medium]["delta_t_k"]
    m3 = storage / (P.WATER_KWH_M3K * dt) if storage > 0 and dt > 0 else None
    return Sizes(gas_boiler_kw=option.gas_boiler_share * design, heat_pump_design_kw=hp_design,
                 heat_pump_rated_kw=hp_rated, heat_pump_max_electric_kw=hp_el,
                 electric_boiler_kw=option.electric_boiler_share * design / ctx.params["electric_boiler"]["efficiency"],
                 chp_kw=option.chp_share * design, storage_kwh=storage, storage_m3=m3,
                 storage_medium=option.storage_medium)


def _problem(s: Sizes, ctx: Context, gas_eff: np.ndarray, price_factor: float = 1.0) -> DispatchProblem:
    pr, pa = ctx.prices, ctx.params
    price = pr.electricity_cny_kwh * price_factor
    g_aux = ctx_aux(ctx)["gas"]
    hp_aux = ctx_aux(ctx)["hp"]
    vom = {k: pa[k]["variable_om_cny_mwh"] / 1000.0 for k in ("gas_boiler", "heat_pump", "electric_boiler")}
    eb_eff = pa["electric_boiler"]["efficiency"]
    st = pa["storage"][s.storage_medium]
    el_per_hp = 1.0 / ctx.cop + hp_aux
    return DispatchProblem(
        sendout_kw=ctx.load.sendout_kw, gas_kw=s.gas_boiler_kw, hp_cap_kw=s.heat_pump_rated_kw * ctx.hp_cap_rel,
        eb_kw=s.electric_boiler_kw, chp_kw=s.chp_kw, eb_efficiency=eb_eff, storage_kwh=s.storage_kwh,
        storage_loss_1_h=st["standing_loss_1_h"], charge_efficiency=st["charge_efficiency"],
        discharge_efficiency=st["discharge_efficiency"],
        cost_gas=pr.gas_cny_kwh / gas_eff + vom["gas_boiler"] + price * g_aux,
        cost_hp=price * el_per_hp + vom["heat_pump"],
        cost_eb=price + vom["electric_boiler"] * eb_eff,
        cost_chp=np.full_like(price, pr.chp_cny_gj / KWH_PER_GJ),
        co2_gas=pr.gas_kg_kwh / gas_eff + pr.grid_kg_kwh * g_aux,
        co2_hp=pr.grid_kg_kwh * el_per_hp,
        co2_eb=np.full_like(price, pr.grid_kg_kwh),
        co2_chp=np.full_like(price, pr.chp_kg_gj / KWH_PER_GJ),
    )


def ctx_aux(ctx: Context) -> dict:
    """Auxiliary electricity per kWh of heat of gas boilers and heat pumps [kWh_e/kWh_th] (systems.toml)."""
    from simulator.systems import load_system_params

    sysp = load_system_params()
    return {"gas": sysp["gas_boiler"]["aux_electricity_fraction"], "hp": ctx.ashp["aux_electricity_fraction"]}


def _gas_efficiency(ctx: Context, gas_kw: float, gas_heat_kw: np.ndarray) -> np.ndarray:
    g = ctx.params["gas_boiler"]
    return P.boiler_efficiency(gas_heat_kw, gas_kw, int(g["unit_count"]), ctx.load.supply_c,
                               g["nominal_efficiency_lhv"], g["curve_c"], g["curve_plr_min"])


def dispatch_option(s: Sizes, ctx: Context, price_factor: float = 1.0) -> tuple[Dispatch, np.ndarray, float]:
    """Solve an option's dispatch (two passes for the boilers' part-load efficiency).

    Returns
    -------
    tuple
        The dispatch, the hourly gas-boiler efficiency of its output, and the total solve time [s].
    """
    pa = ctx.params
    eff = _gas_efficiency(ctx, s.gas_boiler_kw, np.minimum(ctx.load.sendout_kw, s.gas_boiler_kw))
    total = 0.0
    passes = 2 if s.gas_boiler_kw > 0 else 1
    for _ in range(passes):
        d = solve_dispatch(_problem(s, ctx, eff, price_factor), ctx.objective, ctx.carbon_price_cny_kg,
                           pa["dispatch"]["unmet_penalty_cny_kwh"], pa["dispatch"]["co2_tiebreak_cny_per_kg"])
        total += d.solve_s
        # hours where the boilers were off are priced at one unit's full load (a boiler that starts runs
        # staged), not at the curve's lowest part load: otherwise the second pass would avoid them for nothing
        unit_kw = s.gas_boiler_kw / int(pa["gas_boiler"]["unit_count"])
        eff = _gas_efficiency(ctx, s.gas_boiler_kw, np.where(d.gas_heat_kw > 1e-6, d.gas_heat_kw, unit_kw))
    eff = _gas_efficiency(ctx, s.gas_boiler_kw, d.gas_heat_kw)  # accounting: the efficiency of the final output
    return d, eff, total


def _capex(s: Sizes, ctx: Context) -> tuple[dict, float, float]:
    pa = ctx.params
    r = ctx.discount_rate
    grid = pa["grid_connection"]["capex_cny_kw"]
    st = pa["storage"][s.storage_medium]
    items = {  # name: (capex CNY, lifetime a)
        "gas_boiler": (max(s.gas_boiler_kw - ctx.existing_gas_kw, 0.0) * pa["gas_boiler"]["capex_cny_kw"],
                       pa["gas_boiler"]["lifetime_a"]),
        "heat_pump": (s.heat_pump_rated_kw * pa["heat_pump"]["capex_cny_kw"], pa["heat_pump"]["lifetime_a"]),
        "heat_pump_grid_connection": (s.heat_pump_max_electric_kw * grid, pa["heat_pump"]["lifetime_a"]),
        "electric_boiler": (s.electric_boiler_kw * pa["electric_boiler"]["capex_cny_kw"],
                            pa["electric_boiler"]["lifetime_a"]),
        "electric_boiler_grid_connection": (s.electric_boiler_kw * grid, pa["electric_boiler"]["lifetime_a"]),
        "chp_connection": (s.chp_kw * pa["chp"]["capex_cny_kw"], pa["chp"]["lifetime_a"]),
        "storage": (s.storage_kwh * st["capex_cny_kwh"], st["lifetime_a"]),
    }
    capex = {k: v[0] for k, v in items.items() if v[0] > 0}
    annual = sum(c * P.crf(r, n) for c, n in items.values() if c > 0)
    fixed = (s.gas_boiler_kw * pa["gas_boiler"]["fixed_om_cny_kw_a"]
             + s.heat_pump_rated_kw * pa["heat_pump"]["fixed_om_cny_kw_a"]
             + s.electric_boiler_kw * pa["electric_boiler"]["fixed_om_cny_kw_a"]
             + s.chp_kw * pa["chp"]["fixed_om_cny_kw_a"]
             + s.storage_kwh * st["capex_cny_kwh"] * st["fixed_om_share_a"])
    return capex, annual, fixed


def account(option: OptionSpec, s: Sizes, ctx: Context, d: Dispatch, eff: np.ndarray, solve_s: float,
            price_factor: float = 1.0) -> OptionResult:
    """Money, carbon and grid figures of a solved dispatch (recomputed from the hourly results)."""
    pr, pa = ctx.prices, ctx.params
    aux = ctx_aux(ctx)
    price = pr.electricity_cny_kwh * price_factor
    hp_el = d.hp_heat_kw * (1.0 / ctx.cop + aux["hp"])
    elec = hp_el + d.eb_electricity_kw + d.gas_heat_kw * aux["gas"]
    gas_fuel_kwh = d.gas_heat_kw / eff
    gas_m3 = float(gas_fuel_kwh.sum()) * M3_PER_KWH_PER_MJ / pr.gas_lhv_mj_m3
    chp_kwh = float(d.chp_heat_kw.sum())
    capex, annual, fixed = _capex(s, ctx)
    vom = (float(d.gas_heat_kw.sum()) * pa["gas_boiler"]["variable_om_cny_mwh"]
           + float(d.hp_heat_kw.sum()) * pa["heat_pump"]["variable_om_cny_mwh"]
           + float(d.eb_heat_kw.sum()) * pa["electric_boiler"]["variable_om_cny_mwh"]) / 1000.0
    total_el = float(elec.sum())
    valley = float(elec[pr.band == "valley"].sum()) / total_el if total_el > 0 else None
    hp_el_sum = float((d.hp_heat_kw / ctx.cop).sum())
    storage_losses = float(d.charge_kw.sum() - d.discharge_kw.sum() - (d.soc_kwh[-1] - d.soc_kwh[0]))
    return OptionResult(
        name=option.name, label=option.label or option.name, label_zh=option.label_zh or option.label or option.name,
        sizes=s, capex_items_cny=capex, capex_cny=float(sum(capex.values())), annualised_capex_cny=annual,
        fixed_om_cny=fixed, variable_om_cny=vom, electricity_cost_cny=float((elec * price).sum()),
        gas_cost_cny=float(gas_fuel_kwh.sum()) * pr.gas_cny_kwh, chp_cost_cny=chp_kwh / KWH_PER_GJ * pr.chp_cny_gj,
        heat_delivered_gj=ctx.load.demand_kwh / KWH_PER_GJ, sendout_gj=float(ctx.load.sendout_kw.sum()) / KWH_PER_GJ,
        heat_by_source_gj={"gas_boiler": float(d.gas_heat_kw.sum()) / KWH_PER_GJ,
                           "heat_pump": float(d.hp_heat_kw.sum()) / KWH_PER_GJ,
                           "electric_boiler": float(d.eb_heat_kw.sum()) / KWH_PER_GJ,
                           "chp": chp_kwh / KWH_PER_GJ},
        electricity_kwh=total_el, electricity_hourly_kw=elec, gas_m3=gas_m3, chp_heat_gj=chp_kwh / KWH_PER_GJ,
        co2_nonelectric_kg=float(gas_fuel_kwh.sum()) * pr.gas_kg_kwh + chp_kwh / KWH_PER_GJ * pr.chp_kg_gj,
        grid_kg_kwh=pr.grid_kg_kwh, peak_grid_kw=float(elec.max(initial=0.0)), valley_share=valley,
        unmet_heat_kwh=float(d.unmet_kw.sum()), storage_losses_kwh=storage_losses,
        hp_seasonal_cop=float(d.hp_heat_kw.sum()) / hp_el_sum if hp_el_sum > 0 else None,
        dispatch=d, solve_s=solve_s,
    )


def evaluate_option(option: OptionSpec, ctx: Context, price_factor: float = 1.0) -> OptionResult:
    """Size, dispatch and account one option."""
    s = sizes_of(option, ctx)
    d, eff, t = dispatch_option(s, ctx, price_factor)
    return account(option, s, ctx, d, eff, t, price_factor)


# --------------------------------------------------------------------------
# turning points
# --------------------------------------------------------------------------


def grid_factor_turn_kg_kwh(opt: OptionResult, ref: OptionResult) -> float | None:
    """Grid factor [kgCO2/kWh] at which ``opt`` and ``ref`` emit the same CO2 per GJ (fixed dispatches).

    CO2/GJ = a + b g for each; ``g* = (a_ref - a_opt) / (b_opt - b_ref)``; None
    if the lines are parallel or cross outside [0, 2] kgCO2/kWh (beyond any
    real grid: the worst coal plants emit about 1.1 kg/kWh).
    """
    a_o, b_o = opt.co2_nonelectric_kg / opt.heat_delivered_gj, opt.electricity_kwh / opt.heat_delivered_gj
    a_r, b_r = ref.co2_nonelectric_kg / ref.heat_delivered_gj, ref.electricity_kwh / ref.heat_delivered_gj
    if abs(b_o - b_r) < 1e-9:
        return None
    g = (a_r - a_o) / (b_o - b_r)
    return g if 0.0 <= g <= MAX_GRID_FACTOR else None


def _cost_gap(option: OptionSpec, ref_option: OptionSpec, ctx: Context, factor: float) -> float:
    return (evaluate_option(option, ctx, factor).cost_cny_per_gj
            - evaluate_option(ref_option, ctx, factor).cost_cny_per_gj)


def electricity_price_turn_factor(opt: OptionResult, ref: OptionResult, option: OptionSpec, ref_option: OptionSpec,
                                  ctx: Context, refine_steps: int = 2) -> float | None:
    """Multiplier of the whole electricity tariff at which ``opt`` costs as much per GJ as ``ref``.

    Fixed-dispatch crossing ``m* = 1 + (C_ref - C_opt) / (E_opt - E_ref)`` (E:
    electricity cost per GJ at today's tariff), refined by secant steps that
    re-solve both dispatches at the trial multiplier. None if the lines are
    parallel, or the crossing is outside (0, 20].
    """
    e_o, e_r = opt.electricity_cost_cny / opt.heat_delivered_gj, ref.electricity_cost_cny / ref.heat_delivered_gj
    if abs(e_o - e_r) < 1e-9:
        return None
    m = 1.0 + (ref.cost_cny_per_gj - opt.cost_cny_per_gj) / (e_o - e_r)
    if not (0.0 < m <= 20.0):
        return None
    m_prev, gap_prev = 1.0, opt.cost_cny_per_gj - ref.cost_cny_per_gj
    for _ in range(refine_steps):
        gap = _cost_gap(option, ref_option, ctx, m)
        if abs(gap) < 0.01 or abs(gap - gap_prev) < 1e-12:
            break
        m, m_prev, gap_prev = m - gap * (m - m_prev) / (gap - gap_prev), m, gap
        if not (0.0 < m <= 20.0):
            return None
    return m


def price_crossing(price_now: float, value_opt: float, value_ref: float, qty_opt: float, qty_ref: float
                   ) -> float | None:
    """Price at which two options' values per GJ are equal, each linear in the price (fixed dispatches).

    ``v(p) = v_now + (p - p_now) q`` (q: quantity bought at that price per GJ), so
    ``p* = p_now + (v_ref - v_opt) / (q_opt - q_ref)``; None if parallel or ``p* <= 0``.
    """
    if abs(qty_opt - qty_ref) < 1e-12:
        return None
    p = price_now + (value_ref - value_opt) / (qty_opt - qty_ref)
    return p if p > 0 else None


def gas_price_turn_cny_m3(opt: OptionResult, ref: OptionResult, prices: Prices) -> float | None:
    """Gas price [CNY/m3] at which ``opt`` and ``ref`` cost the same per GJ (fixed dispatches, analytic)."""
    return price_crossing(prices.gas_cny_m3, opt.cost_cny_per_gj, ref.cost_cny_per_gj,
                          opt.gas_m3 / opt.heat_delivered_gj, ref.gas_m3 / ref.heat_delivered_gj)


def chp_price_turn_cny_gj(opt: OptionResult, ref: OptionResult, prices: Prices) -> float | None:
    """CHP heat price [CNY/GJ] at which ``opt`` and ``ref`` cost the same per GJ (fixed dispatches, analytic)."""
    return price_crossing(prices.chp_cny_gj, opt.cost_cny_per_gj, ref.cost_cny_per_gj,
                          opt.chp_heat_gj / opt.heat_delivered_gj, ref.chp_heat_gj / ref.heat_delivered_gj)


def turning_points(results: list[OptionResult], options: list[OptionSpec], ctx: Context, refine_steps: int = 2
                   ) -> list[OptionResult]:
    """Each option's turning points against the first (reference) option."""
    ref, ref_opt = results[0], options[0]
    out = [replace(ref, turning={"reference": ref.name})]
    for res, opt in zip(results[1:], options[1:], strict=True):
        g = grid_factor_turn_kg_kwh(res, ref)
        t = {
            "reference": ref.name,
            "cheaper_than_reference": res.cost_cny_per_gj < ref.cost_cny_per_gj,
            "lower_co2_than_reference": res.co2_kg_per_gj < ref.co2_kg_per_gj,
            "grid_factor_turn_kg_kwh": g,
            "grid_factor_turn_note": ("CO2 per GJ equal to the reference at this grid factor; below it the option "
                                      f"emits {'less' if res.electricity_kwh > ref.electricity_kwh else 'more'}"
                                      if g is not None else "no crossing between 0 and 2 kgCO2/kWh"),
            "electricity_price_turn_factor": electricity_price_turn_factor(res, ref, opt, ref_opt, ctx, refine_steps),
            "gas_price_turn_cny_m3": gas_price_turn_cny_m3(res, ref, ctx.prices),
            "chp_price_turn_cny_gj": chp_price_turn_cny_gj(res, ref, ctx.prices),
        }
        out.append(replace(res, turning=t))
    return out


# --------------------------------------------------------------------------
# sweep and orchestration
# --------------------------------------------------------------------------


def sizing_sweep(spec: PlantSpec, ctx: Context, progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Heat-pump share x storage hours (with the sweep's gas peak share): one row per point.

    Rows hold the shares, the sizes [kW, kWh], ``capex_cny``,
    ``annual_cost_cny``, ``cost_cny_per_gj``, ``co2_kg_per_gj``,
    ``peak_grid_kw``, ``valley_share`` and ``unmet_heat_kwh``.
    """
    sw = spec.sweep
    pts = [(h, s) for h in sw.heat_pump_shares for s in sw.storage_h]
    rows = []
    for i, (h, s) in enumerate(pts):
        opt = OptionSpec(name=f"sweep_hp{h:g}_st{s:g}".replace(".", "p"), heat_pump_share=h, storage_h=s,
                         gas_boiler_share=sw.gas_boiler_share, storage_medium=sw.storage_medium)
        r = evaluate_option(opt, ctx)
        rows.append({"heat_pump_share": h, "storage_h": s, "heat_pump_design_kw": r.sizes.heat_pump_design_kw,
                     "storage_kwh": r.sizes.storage_kwh, "capex_cny": r.capex_cny, "annual_cost_cny": r.annual_cost_cny,
                     "cost_cny_per_gj": r.cost_cny_per_gj, "co2_kg_per_gj": r.co2_kg_per_gj,
                     "co2_kg_per_gj_green_power": r.co2_at(0.0) / r.heat_delivered_gj,
                     "peak_grid_kw": r.peak_grid_kw, "valley_share": r.valley_share,
                     "unmet_heat_kwh": r.unmet_heat_kwh, "solve_s": r.solve_s})
        if progress is not None:
            progress(i + 1, len(pts))
    return rows


def grid_path_kg_kwh(prices: Prices, params: dict) -> dict[int, float]:
    """Grid factor by year [kgCO2/kWh]: the spec's factor in the first year, declining at ``grid_path.decline_per_a``."""
    gp = params["grid_path"]
    y0 = gp["years"][0]
    return {int(y): prices.grid_kg_kwh * (1.0 - gp["decline_per_a"]) ** (y - y0) for y in gp["years"]}


def finite_or_none(x):
    """Float for JSON: None for None/NaN/inf."""
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def timed(fn, *args, **kwargs):
    """Call ``fn`` and return (result, wall seconds)."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0
