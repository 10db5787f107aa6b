"""Year-by-year accounting of a sampled stock under a scenario, vectorised over buildings.

The chain is the single-building one (loads -> systems -> carbon -> bills), on
arrays:

1. **Variants.** Each existing building is split into its *variants*: as it
   is, and one per retrofit entry of the scenario that selects it. A variant's
   features are the building's with the package's effect
   (:mod:`simulator.district.packages`); its share of the building's floor
   area in year *y* is the entry's cumulative retrofitted area over the
   selected area (:class:`Plan`).
2. **Loads.** One vectorised surrogate prediction per family for every variant
   (:func:`simulator.surrogate.engine.predict_features`): heating by month,
   cooling [kWh/m2]; lighting and plug electricity are W/m2 x the family's
   full-load hours (the surrogate computes them exactly this way from the
   schedules). With ``[climate] method = "degree_days"`` heating and cooling
   are scaled by the morphed year's HDD18 and CDD26 ratios (an estimate).
3. **Systems.** The per-kWh factors of :func:`simulator.systems.annual_heating_factors`
   (district heat with and without metering, gas boiler, electric storage,
   heat pump by month and flow temperature) and
   :func:`simulator.systems.cooling_seasonal_cop`; heat-pump conversions and
   metering enter as shares of the area; boiler-house conversions as the
   served share of the district-heated area whose heat carries the converted
   plant's extra electricity, CO2 and ambient heat per GJ against its gas
   boilers (:func:`plant_factors`, from :mod:`simulator.plant`'s hourly LP); PV as kWp x the
   specific yield with the self-consumed share from
   :func:`simulator.systems.pv_self_consumption_curve` of the family's hourly
   demand.
4. **Totals.** Weighted sums per year and group (family x public institution x
   new construction) of additive quantities (:data:`TOTAL_COLUMNS`); CO2,
   kgce and the renewable share are computed from the totals with
   :mod:`simulator.carbon`'s formulas (:mod:`simulator.district.targets`).

Because every quantity is a weighted sum over buildings, the buildings can be
split into chunks (:func:`chunk_totals`) whose totals add up: that is how the
roadmap runs on Dask.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from simulator.district.packages import apply_effect, package_effect
from simulator.district.scenario import Scenario
from simulator.district.stock import archetype_systems, draw_features
from simulator.sourced_data import value_of

log = logging.getLogger(__name__)

GROUP_COLUMNS = ("family", "public_institution", "new_construction")
TOTAL_COLUMNS = (
    "area_m2", "heat_useful_kwh", "cooling_useful_kwh", "district_heat_kwh", "gas_m3", "el_heating_kwh",
    "el_cooling_kwh", "el_lighting_kwh", "el_equipment_kwh", "ambient_heat_kwh", "pv_kwh", "pv_self_kwh",
    "bills_cny", "heat_log_std_kwh", "plant_el_kwh", "plant_co2_kg", "dh_renewable_kwh",
)
#: Totals that scale with the heating load (for the surrogate's error in the Monte Carlo).
HEATING_LINEAR = ("heat_useful_kwh", "district_heat_kwh", "gas_m3", "el_heating_kwh", "ambient_heat_kwh",
                  "plant_el_kwh", "plant_co2_kg", "dh_renewable_kwh")
GJ_PER_KWH = 0.0036
NEW_PER_ENTRY = 12  # buildings drawn per new-construction entry (at least)


# --------------------------------------------------------------------------- new construction


def sample_new_buildings(scenario: Scenario, n_per_entry: int = NEW_PER_ENTRY, seed: int = 2021) -> pd.DataFrame:
    """Buildings standing for each new-construction entry (``cohort`` = entry index).

    Their ``weight_m2`` is 0 here: the yearly weight is the entry's cumulative
    built area / the number drawn (:func:`base_weights`).
    """
    rng = np.random.default_rng(seed)
    frames = []
    for j, nb in enumerate(scenario.new_construction):
        family, archetype, feats = draw_features(nb.building_type, nb.standard, n_per_entry, rng)
        residential = nb.building_type == "residential"
        frame = feats.assign(
            segment=-1, building_type=nb.building_type, period=nb.standard, envelope_state="new",
            heating_source="district_heat", public_institution=nb.public_institution, family=family,
            archetype=archetype, new_construction=True, heat_metering=residential, cohort=j,
            **archetype_systems(archetype))
        frame["footprint_m2"] = frame["length_m"] * frame["depth_m"]
        frame["floor_area_m2"] = frame["footprint_m2"] * frame["storeys"]
        frame["weight_m2"] = 0.0
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def with_new_buildings(existing: pd.DataFrame, scenario: Scenario, n_per_entry: int = NEW_PER_ENTRY,
                       seed: int = 2021) -> pd.DataFrame:
    """The existing sample plus the new-construction buildings, with unique ``building_id``."""
    ex = existing.assign(cohort=-1) if "cohort" not in existing else existing
    new = sample_new_buildings(scenario, n_per_entry, seed)
    out = pd.concat([ex, new], ignore_index=True) if len(new) else ex.copy()
    out["building_id"] = np.arange(len(out))
    return out


# --------------------------------------------------------------------------- plan


def _matches(b: pd.DataFrame, select: dict) -> np.ndarray:
    m = ~b["new_construction"].to_numpy(dtype=bool)
    for k, v in select.items():
        m &= (b[k].to_numpy() == v)
    return m


@dataclass(frozen=True)
class Plan:
    """The scenario turned into yearly shares of the sampled stock (computed once from all buildings).

    Attributes
    ----------
    retrofit_share
        Per retrofit entry: cumulative retrofitted share of its selected area, per year [-].
    demolished_share
        Per demolition entry: cumulative demolished share of its selected area, per year [-].
    conversion_share
        Per heat-pump conversion entry: cumulative converted share, per year [-].
    boiler_share
        Per boiler-house conversion: cumulative served share of the existing district-heated area [-].
    cohort_area_m2
        Per new-construction entry: cumulative built area, per year [m2].
    cohort_pv_area_m2
        Per new-construction entry: cumulative area built with PV on the roof (public institutions) [m2].
    cohort_count
        Buildings drawn per new-construction entry.
    retrofit_capex_cny_m2
        Per retrofit entry: capex per m2 of the selected buildings (area-weighted over archetypes) [CNY/m2].
    """

    retrofit_share: tuple
    demolished_share: tuple
    conversion_share: tuple
    boiler_share: tuple
    cohort_area_m2: tuple
    cohort_pv_area_m2: tuple
    cohort_count: tuple
    retrofit_capex_cny_m2: tuple
    selected_area_m2: dict = field(default_factory=dict)


def _cum_share(flow: np.ndarray, area: float) -> np.ndarray:
    if area <= 0:
        return np.zeros_like(flow)
    return np.minimum(np.cumsum(flow) / area, 1.0)


def make_plan(buildings: pd.DataFrame, scenario: Scenario) -> Plan:
    """Yearly shares of the scenario's flows over the sampled stock (see :class:`Plan`)."""
    w = buildings["weight_m2"].to_numpy(dtype=float)
    sel = {}
    retro, capex = [], []
    for j, r in enumerate(scenario.retrofits):
        m = _matches(buildings, r.select)
        area = float(w[m].sum())
        sel[f"retrofit {j}"] = area
        retro.append(_cum_share(r.area_m2, area))
        if area > 0:
            by_arch = pd.Series(w[m]).groupby(buildings["archetype"].to_numpy()[m]).sum()
            capex.append(float(sum(a * package_effect(arch, r.package).capex_cny_m2 for arch, a in by_arch.items())
                               / area))
        else:
            capex.append(0.0)
    demo = []
    for d in scenario.demolitions:
        m = _matches(buildings, d.select)
        demo.append(_cum_share(d.area_m2, float(w[m].sum())))
    conv = []
    for c in scenario.heat_pump_conversions:
        m = _matches(buildings, c.select) & np.isin(buildings["heating_source"].to_numpy(),
                                                    ("district_heat", "gas_boiler"))
        conv.append(_cum_share(c.area_m2, float(w[m].sum())))
    dh_area = float(w[_matches(buildings, {"heating_source": "district_heat"})].sum())
    boiler = [_cum_share(b.served_area_m2, dh_area) for b in scenario.boiler_conversions]
    total_boiler = sum(boiler) if boiler else np.zeros(len(scenario.years))
    if np.any(total_boiler > 1.0 + 1e-9):
        boiler = [b / np.maximum(total_boiler, 1.0) for b in boiler]
    cohort_area, cohort_pv, counts = [], [], []
    cohort = buildings["cohort"].to_numpy() if "cohort" in buildings else np.full(len(buildings), -1)
    for j, nb in enumerate(scenario.new_construction):
        cohort_area.append(np.cumsum(nb.area_m2))
        cohort_pv.append(np.cumsum(nb.area_m2 * scenario.pv_new_public_share) if nb.public_institution
                         else np.zeros(len(scenario.years)))
        counts.append(int((cohort == j).sum()))
    return Plan(tuple(retro), tuple(demo), tuple(conv), tuple(boiler), tuple(cohort_area), tuple(cohort_pv),
                tuple(counts), tuple(capex), sel)


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class Context:
    """Everything a chunk of buildings needs besides the buildings (picklable, built once)."""

    scenario: Scenario
    plan: Plan
    heating: object  # systems.AnnualHeatingFactors
    supply_grid_c: np.ndarray
    flh_lighting_h: dict
    flh_equipment_h: dict
    pv_yield_kwh_kwp: float
    pv_kwp_per_m2_footprint: float
    sc_curves: dict
    climate_heating: np.ndarray
    climate_cooling: np.ndarray
    cooling_params: dict
    prices: dict
    hp_supply_c: float
    plant: tuple = ()
    with_std: bool = False
    surrogate_dir: str | None = None


def plant_factors(scenario: Scenario) -> tuple[dict, ...]:
    """Per boiler-house conversion: what one GJ of district heat from the converted plant changes.

    From :func:`simulator.plant.cost_and_co2_per_gj` of the option and of the
    plant's ``baseline_option`` (its gas boilers), per GJ delivered:

    ``el_kwh_per_gj``
        Extra electricity of the plant [kWh/GJ] (CO2 at each year's grid factor).
    ``co2_nonel_kg_per_gj``
        Change of the plant's non-electric CO2 (gas) [kg/GJ].
    ``renewable_per_gj``
        Ambient heat of the plant's heat pumps per GJ delivered [GJ/GJ]:
        heat-pump heat x (1 - 1/SCOP) / heat delivered (renewable under GB 55015).
    ``capex_cny_m2``
        Capital cost per m2 of served floor area [CNY/m2].

    The district keeps its district-heat factor (110 kgCO2/GJ) for the heat
    bought and adds these changes, so a conversion counts what the plant's
    dispatch changes, not the difference between two accounting conventions.
    """
    if not scenario.boiler_conversions:
        return ()
    from simulator.plant import cost_and_co2_per_gj

    out = []
    for b in scenario.boiler_conversions:
        opt = cost_and_co2_per_gj(b.plant_option, b.plant_spec)
        base = cost_and_co2_per_gj(b.baseline_option, b.plant_spec)
        hp_gj = float(opt["heat_by_source_gj"].get("heat_pump", 0.0))
        scop = opt.get("hp_seasonal_cop") or 0.0
        ambient = hp_gj * (1.0 - 1.0 / scop) if scop > 1.0 else 0.0
        out.append({
            "option": b.plant_option,
            "el_kwh_per_gj": float(opt["electricity_kwh_per_gj"] - base["electricity_kwh_per_gj"]),
            "co2_nonel_kg_per_gj": float(opt["co2_nonelectric_kg_per_gj"] - base["co2_nonelectric_kg_per_gj"]),
            "renewable_per_gj": ambient / float(opt["heat_delivered_gj"]),
            "capex_cny_m2": float(opt["capex_cny"] - base["capex_cny"]) / float(opt["plant_floor_area_m2"]),
            "cost_cny_per_gj": float(opt["cost_cny_per_gj"]),
            "co2_kg_per_gj": float(opt["co2_kg_per_gj"]),
            "baseline_co2_kg_per_gj": float(base["co2_kg_per_gj"]),
        })
    return tuple(out)


@cache
def _weather():
    import weather

    return weather.load("tianjin")


@cache
def _flh(family: str) -> tuple[float, float]:
    """Full-load hours of lighting and plug power of a family's schedules [h/a]."""
    from simulator.surrogate import hourly as H
    from simulator.surrogate.space import base_building

    b = base_building(family)
    op = b.operation
    kw_l = op.lighting_w_m2 * b.floor_area_m2 / 1000.0
    kw_e = op.equipment_w_m2 * b.floor_area_m2 / 1000.0
    return float(H.lighting_hourly_kwh(b).sum() / kw_l), float(H.equipment_hourly_kwh(b).sum() / kw_e)


@cache
def _sc_curve(family: str, tilt_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """PV self-consumption curve on the hourly electricity demand of the family's base archetype."""
    from simulator import pv as pvmod
    from simulator import systems
    from simulator.surrogate.engine import SurrogateEngine
    from simulator.surrogate.space import base_building

    b = base_building(family)
    w = _weather()
    loads = SurrogateEngine(warn=False).simulate(b, w)
    d = systems.deliver(loads, b, w)
    return systems.pv_self_consumption_curve(pvmod.per_kwp_profile(w, tilt_deg, 180.0), d.hourly_demand_kwh)


@cache
def climate_ratios(method: str, scenario: str, years: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Heating and cooling multipliers per year [-] (1 with ``method="none"``).

    ``"degree_days"``: HDD18 and CDD26 of the built-in year morphed to the
    scenario's 2030 and 2050 horizons (:mod:`weather.morphing`) over those of
    the built-in year, interpolated linearly from 1 in 2020. An estimate: the
    loads do not respond to degree days alone (solar, gains, setbacks), which a
    weather-aware surrogate (issue 12) would capture.
    """
    n = len(years)
    if method == "none":
        return np.ones(n), np.ones(n)
    import weather
    from weather.climate import stats

    base = stats(weather.load("tianjin"))
    xs, h, c = [2020], [1.0], [1.0]
    for y in (2030, 2050):
        s = stats(weather.load("tianjin", scenario=scenario, year=y))
        xs.append(y)
        h.append(s.hdd18_kd / base.hdd18_kd)
        c.append(s.cdd26_kd / base.cdd26_kd if base.cdd26_kd > 0 else 1.0)
    return np.interp(years, xs, h), np.interp(years, xs, c)


def _prices() -> dict:
    from simulator import economics

    t = economics.load_tariffs()
    out = {}
    for btype, cls in t["building_classes"].items():
        el = t["electricity"][cls["electricity"]]
        el_price = el["tier_price_cny_kwh"][0] if el["scheme"] == "tiered" else el["price_cny_kwh"]
        heat = t["heat"][cls["heat"]]
        out[btype] = {"electricity_cny_kwh": float(el_price), "gas_cny_m3": float(t["gas"][cls["gas"]]["price_cny_m3"]),
                      "heat_area_cny_m2": float(heat["area_fee_cny_m2"]), "heat_basic_cny_m2": float(heat["basic_fee_cny_m2"]),
                      "heat_energy_cny_kwh": float(heat["energy_price_cny_kwh"])}
    return out


def make_context(buildings: pd.DataFrame, scenario: Scenario, with_std: bool = False,
                 surrogate_dir: str | None = None) -> Context:
    """Build the shared context: plan, systems factors, schedules, PV, climate and prices."""
    from buildings import measures as M
    from simulator import pv as pvmod
    from simulator import systems

    w = _weather()
    grid_c = np.array([35.0, 40.0, 45.0, 50.0, 55.0, 60.0])
    heating = systems.annual_heating_factors(w, tuple(grid_c))
    pv_kind = M.kind_data("rooftop_pv")
    tilt = float(value_of(pv_kind["tilt_deg"]))
    pv_yield = float(pvmod.per_kwp_profile(w, tilt, 180.0).sum())
    families = sorted(set(buildings["family"]))
    # kWp per m2 of footprint of the scenario's PV measure (the same on every archetype: roof fraction x Wp/m2)
    kwp_fp = {}
    for arch in sorted(set(buildings["archetype"])):
        kwp_fp[arch] = package_effect(arch, scenario.pv_measure).pv_kwp_per_m2_footprint
    public_arch = sorted(set(buildings.loc[buildings["public_institution"], "archetype"])) or sorted(kwp_fp)
    h, c = climate_ratios(scenario.climate_method, scenario.climate_scenario, tuple(int(y) for y in scenario.years))
    return Context(
        scenario=scenario,
        plan=make_plan(buildings, scenario),
        heating=heating,
        supply_grid_c=grid_c,
        flh_lighting_h={f: _flh(f)[0] for f in families},
        flh_equipment_h={f: _flh(f)[1] for f in families},
        pv_yield_kwh_kwp=pv_yield,
        pv_kwp_per_m2_footprint=float(np.mean([kwp_fp[a] for a in public_arch])),
        sc_curves={f: _sc_curve(f, tilt) for f in families},
        climate_heating=h,
        climate_cooling=c,
        cooling_params=systems.load_system_params(),
        prices=_prices(),
        hp_supply_c=float(value_of(M.kind_data("ashp")["supply_temperature_c"])),
        plant=plant_factors(scenario),
        with_std=with_std,
        surrogate_dir=surrogate_dir,
    )


# --------------------------------------------------------------------------- rows


def variant_rows(buildings: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """One row per building and variant (``variant`` = -1 as is, else the retrofit entry index).

    Features of a retrofit variant carry the package's effect; its systems
    columns (``heating_source``, ``supply_temperature_c``, ``heat_metering``,
    ``cooling_system``) and ``pv_package_kwp_m2`` (kWp per m2 of floor from the
    package) too.
    """
    base = buildings.assign(variant=-1, pv_package_kwp_m2=0.0, capex_cny_m2=0.0)
    frames = [base]
    for j, r in enumerate(scenario.retrofits):
        m = _matches(buildings, r.select)
        if not m.any():
            continue
        sub = buildings[m]
        parts = []
        for arch, grp in sub.groupby("archetype", sort=False):
            eff = package_effect(arch, r.package)
            g = apply_effect(grp, eff).assign(variant=j, capex_cny_m2=eff.capex_cny_m2)
            if eff.heating_source is not None:
                g["heating_source"] = eff.heating_source
            if eff.supply_temperature_c is not None:
                g["supply_temperature_c"] = np.minimum(g["supply_temperature_c"], eff.supply_temperature_c)
            if eff.cooling_system is not None:
                g["cooling_system"] = eff.cooling_system
            if eff.heat_metering:
                g["heat_metering"] = True
            g["pv_package_kwp_m2"] = eff.pv_kwp_per_m2_footprint * g["footprint_m2"] / g["floor_area_m2"]
            parts.append(g)
        frames.append(pd.concat(parts))
    return pd.concat(frames, ignore_index=True)


def predict_loads(rows: pd.DataFrame, with_std: bool = False, directory=None) -> pd.DataFrame:
    """Surrogate loads per m2 of every row, one vectorised call per family.

    Returns
    -------
    DataFrame
        ``heating_kwh_m2``, ``cooling_kwh_m2``, ``heating_kwh_m2_m01``..``m12``
        (and ``heating_log_std`` with ``with_std``: the GP's posterior std of
        log(heating + 0.1), a relative uncertainty), aligned with ``rows``.
    """
    from simulator.surrogate.engine import predict_features
    from simulator.surrogate.space import get_family
    from simulator.surrogate.training import load_model

    out = []
    for fam_name, grp in rows.groupby("family", sort=False):
        fam = get_family(fam_name)
        X = grp[[c for c in fam.feature_names if c in grp.columns]]
        pred = predict_features(fam, X, directory)
        cols = ["heating_kwh_m2", "cooling_kwh_m2", *[f"heating_kwh_m2_m{m:02d}" for m in range(1, 13)]]
        p = pred[cols].copy()
        p.index = grp.index
        if with_std:
            model, _ = load_model(fam, directory)
            p["heating_log_std"] = _std_with_derived(model, fam, X)
        out.append(p)
    return pd.concat(out).loc[rows.index]


def _std_with_derived(model, fam, X: pd.DataFrame) -> np.ndarray:
    from simulator.surrogate.space import base_building, features_of

    base = features_of(base_building(fam), fam)
    missing = {f.name: base[f.name] for f in fam.features if f.name not in X}
    return model.predict_std(X.assign(**missing)[fam.feature_names], "heating")


# --------------------------------------------------------------------------- yearly quantities


def base_weights(rows: pd.DataFrame, ctx: Context) -> np.ndarray:
    """Floor area [m2] each row stands for, per year (rows x years), before variant shares."""
    s, plan = ctx.scenario, ctx.plan
    n_years = len(s.years)
    w = np.repeat(rows["weight_m2"].to_numpy(dtype=float)[:, None], n_years, axis=1)
    alive = np.ones((len(rows), n_years))
    for d, share in zip(s.demolitions, plan.demolished_share, strict=True):
        m = _matches(rows, d.select)
        alive[m] -= share[None, :]
    w *= np.clip(alive, 0.0, 1.0)
    cohort = rows["cohort"].to_numpy() if "cohort" in rows else np.full(len(rows), -1)
    for j in range(len(s.new_construction)):
        m = cohort == j
        if m.any() and plan.cohort_count[j] > 0:
            w[m] = plan.cohort_area_m2[j][None, :] / plan.cohort_count[j]
    return w


def variant_shares(rows: pd.DataFrame, ctx: Context) -> np.ndarray:
    """Share of its building's area each row holds, per year (rows x years)."""
    s, plan = ctx.scenario, ctx.plan
    n_years = len(s.years)
    variant = rows["variant"].to_numpy()
    bid = rows["building_id"].to_numpy()
    share = np.zeros((len(rows), n_years))
    for j in range(len(s.retrofits)):
        m = variant == j
        share[m] = plan.retrofit_share[j][None, :]
    # per building, the retrofit shares add up to at most 1; the rest is "as is"
    total = np.zeros((int(bid.max()) + 1 if len(bid) else 0, n_years))
    np.add.at(total, bid[variant >= 0], share[variant >= 0])
    scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-12), 1.0)
    share[variant >= 0] *= scale[bid[variant >= 0]]
    as_is = variant < 0
    share[as_is] = 1.0 - np.minimum(total, 1.0)[bid[as_is]]
    return share


def _ashp_per_kwh(rows_supply_c: np.ndarray, monthly_share: np.ndarray, ctx: Context, table: dict) -> np.ndarray:
    """Per-kWh heat-pump electricity (or ambient heat) of each row from its monthly heat shares [-]."""
    temps = ctx.supply_grid_c
    mat = np.stack([table[float(t)] for t in temps])  # temps x 12
    per_month = np.stack([np.interp(rows_supply_c, temps, mat[:, m]) for m in range(12)], axis=1)  # rows x 12
    return (per_month * monthly_share).sum(axis=1)


def row_quantities(rows: pd.DataFrame, loads: pd.DataFrame, ctx: Context) -> dict[str, np.ndarray]:
    """Per-m2 annual quantities of every row and year (rows x years) and the row weights [m2].

    Returns
    -------
    dict
        ``weight_m2`` and one array per name of :data:`TOTAL_COLUMNS`
        (``area_m2`` is 1: per m2), all rows x years; quantities are per m2 of floor.
    """
    s, plan, hf = ctx.scenario, ctx.plan, ctx.heating
    n, ny = len(rows), len(s.years)
    weight = base_weights(rows, ctx) * variant_shares(rows, ctx)
    heat = loads["heating_kwh_m2"].to_numpy(dtype=float)[:, None] * ctx.climate_heating[None, :]
    cool = loads["cooling_kwh_m2"].to_numpy(dtype=float)[:, None] * ctx.climate_cooling[None, :]
    monthly = loads[[f"heating_kwh_m2_m{m:02d}" for m in range(1, 13)]].to_numpy(dtype=float)
    msum = monthly.sum(axis=1, keepdims=True)
    mshare = np.divide(monthly, msum, out=np.full_like(monthly, 1.0 / 12), where=msum > 0)
    fam = rows["family"].to_numpy()
    light = rows["lighting_w_m2"].to_numpy(dtype=float) * np.array([ctx.flh_lighting_h[f] for f in fam]) / 1000.0
    equip = rows["equipment_w_m2"].to_numpy(dtype=float) * np.array([ctx.flh_equipment_h[f] for f in fam]) / 1000.0

    source = rows["heating_source"].to_numpy()
    is_dh, is_gas = source == "district_heat", source == "gas_boiler"
    is_hp, is_st = source == "ashp", source == "electric_storage"
    supply = rows["supply_temperature_c"].to_numpy(dtype=float)
    # conversions: heat pumps for matching DH/gas rows, boiler houses for DH rows
    conv = np.zeros((n, ny))
    for c, share in zip(s.heat_pump_conversions, plan.conversion_share, strict=True):
        m = _matches(rows, {k: v for k, v in c.select.items() if k != "heating_source"}) & (is_dh | is_gas)
        if "heating_source" in c.select:
            m &= rows["heating_source"].to_numpy() == c.select["heating_source"]
        conv[m] += share[None, :]
    conv = np.minimum(conv, 1.0)
    own = 1.0 - conv
    hp_conv_supply = np.minimum(supply, ctx.hp_supply_c)
    e_hp_own = _ashp_per_kwh(supply, mshare, ctx, hf.ashp_kwh_per_kwh)
    a_hp_own = _ashp_per_kwh(supply, mshare, ctx, hf.ashp_ambient_kwh_per_kwh)
    e_hp_conv = _ashp_per_kwh(hp_conv_supply, mshare, ctx, hf.ashp_kwh_per_kwh)
    a_hp_conv = _ashp_per_kwh(hp_conv_supply, mshare, ctx, hf.ashp_ambient_kwh_per_kwh)
    # metering
    metered = np.repeat(rows["heat_metering"].to_numpy(dtype=float)[:, None], ny, axis=1)
    if s.metering_select or np.any(s.metering_share > 0):
        m = _matches(rows, s.metering_select)
        metered[m] = np.maximum(metered[m], s.metering_share[None, :])
    dh_factor = metered * hf.district_heat_metered_kwh_per_kwh + (1 - metered) * hf.district_heat_kwh_per_kwh
    dh = heat * own * is_dh[:, None] * dh_factor
    gas = heat * own * is_gas[:, None] * hf.gas_m3_per_kwh
    el_heat = heat * (own * (is_gas * hf.gas_aux_kwh_per_kwh + is_st * hf.storage_kwh_per_kwh
                             + is_hp * e_hp_own)[:, None] + conv * e_hp_conv[:, None])
    ambient = heat * (own * (is_hp * a_hp_own)[:, None] + conv * a_hp_conv[:, None])
    # boiler-house conversions: the served share of district heat carries the plant's changes
    plant_el, plant_co2, dh_ren = np.zeros((n, ny)), np.zeros((n, ny)), np.zeros((n, ny))
    for pf, share in zip(ctx.plant, plan.boiler_share, strict=True):
        gj = dh * GJ_PER_KWH * share[None, :]
        plant_el += gj * pf["el_kwh_per_gj"]
        plant_co2 += gj * pf["co2_nonel_kg_per_gj"]
        dh_ren += gj * pf["renewable_per_gj"] / GJ_PER_KWH
    cop = np.array([systems_cop(cs, bool(inv), ctx.cooling_params)
                    for cs, inv in zip(rows["cooling_system"], rows["split_ac_inverter"], strict=True)])
    el_cool = cool / cop[:, None]
    demand = el_heat + el_cool + light[:, None] + equip[:, None]
    # PV: package PV always; public roofs by the scenario's shares
    kwp_cover = ctx.pv_kwp_per_m2_footprint * rows["footprint_m2"].to_numpy(dtype=float) / \
        rows["floor_area_m2"].to_numpy(dtype=float)
    public = rows["public_institution"].to_numpy(dtype=bool)
    new = rows["new_construction"].to_numpy(dtype=bool)
    cover = np.zeros((n, ny))
    cover[public & ~new] = s.pv_existing_public_share[None, :]
    cohort = rows["cohort"].to_numpy() if "cohort" in rows else np.full(n, -1)
    for j in range(len(s.new_construction)):
        m = (cohort == j) & public
        if m.any():
            area = plan.cohort_area_m2[j]
            cover[m] = np.divide(plan.cohort_pv_area_m2[j], area, out=np.zeros(ny), where=area > 0)[None, :]
    pkg_kwp = rows["pv_package_kwp_m2"].to_numpy(dtype=float)
    kwp = pkg_kwp[:, None] + cover * np.where(pkg_kwp > 0, 0.0, kwp_cover)[:, None]
    pv = kwp * ctx.pv_yield_kwh_kwp
    # self-consumption of a building with PV: from its own ratio of PV (when installed) to demand
    pv_installed = (pkg_kwp[:, None] + np.where(pkg_kwp > 0, 0.0, kwp_cover)[:, None]) * ctx.pv_yield_kwh_kwp
    ratio = np.divide(pv_installed, demand, out=np.zeros_like(demand), where=demand > 0)
    sc = np.empty_like(ratio)
    for f in set(fam):
        m = fam == f
        xs, ys = ctx.sc_curves[f]
        sc[m] = np.interp(ratio[m], xs, ys)
    pv_self = np.minimum(pv * sc, demand)
    grid = demand - pv_self
    # bills at the flat / first-tier prices of each building class
    btype = rows["building_type"].to_numpy()
    price = {k: np.array([ctx.prices[b][k] for b in btype]) for k in next(iter(ctx.prices.values()))}
    heat_fee = own * is_dh[:, None] * ((1 - metered) * price["heat_area_cny_m2"][:, None]
                                       + metered * price["heat_basic_cny_m2"][:, None])
    heat_fee += heat * own * is_dh[:, None] * metered * hf.district_heat_metered_kwh_per_kwh \
        * price["heat_energy_cny_kwh"][:, None]
    bills = heat_fee + gas * price["gas_cny_m3"][:, None] + grid * price["electricity_cny_kwh"][:, None]
    std = loads["heating_log_std"].to_numpy(dtype=float)[:, None] if "heating_log_std" in loads else np.zeros((n, 1))
    return {
        "weight_m2": weight,
        "area_m2": np.ones((n, ny)),
        "heat_useful_kwh": heat,
        "cooling_useful_kwh": cool,
        "district_heat_kwh": dh,
        "gas_m3": gas,
        "el_heating_kwh": el_heat,
        "el_cooling_kwh": el_cool,
        "el_lighting_kwh": np.repeat(light[:, None], ny, axis=1),
        "el_equipment_kwh": np.repeat(equip[:, None], ny, axis=1),
        "ambient_heat_kwh": ambient,
        "pv_kwh": pv,
        "pv_self_kwh": pv_self,
        "bills_cny": bills,
        "heat_log_std_kwh": heat * std,
        "plant_el_kwh": plant_el,
        "plant_co2_kg": plant_co2,
        "dh_renewable_kwh": dh_ren,
    }


def systems_cop(cooling_system: str, inverter: bool, params: dict) -> float:
    """Seasonal cooling COP through :func:`simulator.systems.cooling_seasonal_cop` (cached per system)."""
    return _cop(cooling_system, inverter, id(params), params)


_COP_CACHE: dict = {}


def _cop(cooling_system, inverter, key, params) -> float:
    from simulator import systems

    k = (cooling_system, inverter, key)
    if k not in _COP_CACHE:
        _COP_CACHE[k] = systems.cooling_seasonal_cop(cooling_system, params, inverter)
    return _COP_CACHE[k]


def chunk_totals(buildings: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Weighted totals of a chunk of buildings, per year and group (additive over chunks).

    Returns
    -------
    DataFrame
        Columns ``year``, :data:`GROUP_COLUMNS` and :data:`TOTAL_COLUMNS`
        (energy in kWh, gas in m3, money in CNY, area in m2).
    """
    rows = variant_rows(buildings, ctx.scenario)
    loads = predict_loads(rows, ctx.with_std, ctx.surrogate_dir)
    q = row_quantities(rows, loads, ctx)
    return totals_from_rows(rows, q, ctx.scenario.years)


def totals_from_rows(rows: pd.DataFrame, q: dict, years: np.ndarray) -> pd.DataFrame:
    """Sum the rows' per-m2 quantities x weights by year and group."""
    w = q["weight_m2"]
    grouped = rows.groupby(list(GROUP_COLUMNS), sort=True)
    inv = grouped.ngroup().to_numpy()
    keys = list(grouped.groups.keys())
    frames = []
    for col in TOTAL_COLUMNS:
        acc = np.zeros((len(keys), len(years)))
        np.add.at(acc, inv, q[col] * w)
        frames.append(acc)
    recs = []
    for g, (fam, pub, new) in enumerate(keys):
        for yi, year in enumerate(years):
            rec = {"year": int(year), "family": str(fam), "public_institution": bool(pub),
                   "new_construction": bool(new)}
            rec.update({col: frames[c][g, yi] for c, col in enumerate(TOTAL_COLUMNS)})
            recs.append(rec)
    return pd.DataFrame(recs)


def add_totals(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Add chunk totals (same years and groups)."""
    df = pd.concat(parts, ignore_index=True)
    return df.groupby(["year", *GROUP_COLUMNS], as_index=False)[list(TOTAL_COLUMNS)].sum()
