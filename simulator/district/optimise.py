"""What it takes: the levers that matter (tornado) and the cheapest programme meeting the targets (LP).

:func:`tornado`
    Each lever of :func:`simulator.district.scenario.with_levers` set low and
    high, everything else as in the scenario; reports CO2 in 2030 and 2035,
    the 2025 renewable share, the public institutions' 2025 energy change and
    the peak year. The loads are predicted once; each variant costs the
    yearly accounting only.

:func:`cheapest_programme`
    A linear program (``scipy.optimize.linprog``, HiGHS) over the retrofit
    area of every candidate (part of the stock x package, ``data/programme_candidates.toml``)
    in every year 2021-2030, on top of the scenario's other measures (new
    construction, PV policy, metering, conversions, grid path):

    minimise   sum_c,y capex_c x_c,y (1 + r)^-(y - 2020)          (present value, r the finance file's rate)
    subject to renewable share 2025 >= 8 %        (numerator - 0.08 denominator >= 0, linear)
               public kgce/m2 2025 <= 0.95 x 2020, public CO2/m2 2025 <= 0.93 x 2020
               CO2(t) <= CO2(2029) - 1 t for t = 2030..2035       (the peak before 2030)
               sum_y x_c,y over the packages of a part <= its floor area
               sum capex x <= budget                              (if given)

    Each retrofitted m2 changes every later year's totals by the candidate's
    mean per-m2 change over the part's sampled buildings (the same
    accounting as the roadmap, so the LP is exact for the model up to the
    renewable share's linearisation, which is exact as a constraint). If the
    targets cannot all be met, a first LP minimises the scaled shortfalls and
    the result reports them. The programme found is run through the roadmap
    again (``check``) to confirm the targets.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator import carbon
from simulator.district import accounting as A
from simulator.district import roadmap as R
from simulator.district import targets as T
from simulator.district.scenario import Flow, Scenario, with_levers
from simulator.exceptions import ValidationError
from simulator.sourced_data import read_toml

log = logging.getLogger(__name__)

LEVERS = {
    "rollout": ({"rollout": 0.0}, {"rollout": 2.0}, "x0", "x2"),
    "pv_share": ({"pv_share": 0.0}, {"pv_share": 1.0}, "0 %", "100 %"),
    "heat_pumps": ({"heat_pump": 0.0}, {"heat_pump": 3.0}, "x0", "x3"),
    "grid_path": ({"grid_scale_2035": 0.0}, {"grid_scale_2035": 1.5}, "flat", "x1.5"),
    "metering": ({"metering": 0.0}, {"metering": 2.0}, "x0", "x2"),
    "new_build": ({"new_build": 0.5}, {"new_build": 1.5}, "x0.5", "x1.5"),
}
PROGRAMME_YEARS = (2021, 2030)


@dataclass(frozen=True)
class Lever:
    """One lever's low and high results."""

    lever: str
    low_label: str
    high_label: str
    co2_2030_t_low: float
    co2_2030_t_high: float
    co2_2035_t_low: float
    co2_2035_t_high: float
    renewable_share_2025_low: float
    renewable_share_2025_high: float
    public_kgce_m2_2025_change_low: float
    public_kgce_m2_2025_change_high: float
    peak_year_low: int
    peak_year_high: int
    targets_met_low: int
    targets_met_high: int

    @property
    def swing_co2_2030_t(self) -> float:
        return abs(self.co2_2030_t_high - self.co2_2030_t_low)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["swing_co2_2030_t"] = self.swing_co2_2030_t
        return d


def _summary(road: R.Roadmap) -> dict:
    y = road.years.set_index("year")
    return {"co2_2030": float(y.loc[2030, "co2_t"]), "co2_2035": float(y.iloc[-1]["co2_t"]),
            "rs_2025": float(y.loc[2025, "renewable_share"]),
            "pub_2025": float(y.loc[2025, "public_kgce_m2_vs_2020"]), "peak": road.peak_year,
            "met": sum(t.met for t in road.targets)}


def tornado(p: R.Prepared, progress: Callable[[int, int], None] | None = None) -> list[Lever]:
    """Each lever low and high (see the module notes), sorted by the swing of CO2 in 2030."""
    base = p.ctx.scenario
    out = []
    for k, (name, (lo, hi, lo_l, hi_l)) in enumerate(LEVERS.items()):
        res = []
        for kw in (lo, hi):
            s = with_levers(base, **kw)
            res.append(_summary(R.result(p, R.evaluate(p, s), s)))
        a, b = res
        out.append(Lever(name, lo_l, hi_l, a["co2_2030"], b["co2_2030"], a["co2_2035"], b["co2_2035"],
                         a["rs_2025"], b["rs_2025"], a["pub_2025"], b["pub_2025"], a["peak"], b["peak"],
                         a["met"], b["met"]))
        if progress is not None:
            progress(k + 1, len(LEVERS))
    return sorted(out, key=lambda lv: -lv.swing_co2_2030_t)


# --------------------------------------------------------------------------- cheapest programme


def candidates() -> list[tuple[dict, str]]:
    """(select, package) pairs of ``data/programme_candidates.toml``."""
    raw = read_toml("simulator.district", "data/programme_candidates.toml")
    return [(dict(c["select"]), pkg) for c in raw["candidate"] for pkg in c["packages"]]


def programme_scenario(base: Scenario, cands: list[tuple[dict, str]], areas: np.ndarray | None = None) -> Scenario:
    """The base scenario with its retrofits replaced by the candidates (areas: candidates x years, default 0)."""
    n = len(base.years)
    flows = []
    for k, (sel, pkg) in enumerate(cands):
        a = np.zeros(n) if areas is None else np.asarray(areas[k], dtype=float)
        flows.append(Flow(f"{pkg} on {sel}", sel, a, pkg, "cheapest programme (linear program)"))
    return dataclasses.replace(base, retrofits=tuple(flows))


@dataclass(frozen=True)
class Programme:
    """The cheapest programme (or the smallest shortfall when the targets cannot be met)."""

    status: str
    feasible: bool
    cost_cny: float
    cost_present_value_cny: float
    budget_cny: float | None
    areas: pd.DataFrame
    shortfalls: dict
    check_targets: list
    message: str
    solve_s: float

    def to_dict(self) -> dict:
        by_cand = self.areas.groupby(["part", "package"], as_index=False)[["area_m2", "capex_cny"]].sum()
        by_cand = by_cand[by_cand["area_m2"] > 0.5]
        return {"status": self.status, "feasible": self.feasible, "cost_cny": self.cost_cny,
                "cost_present_value_cny": self.cost_present_value_cny, "budget_cny": self.budget_cny,
                "message": self.message, "shortfalls": self.shortfalls, "solve_s": round(self.solve_s, 3),
                "programme": by_cand.to_dict("records"),
                "by_year": [{k: (int(v) if k == "year" else v) for k, v in r.items()} for r in
                            self.areas[self.areas["area_m2"] > 0.5].to_dict("records")],
                "check_targets": [t.to_dict() for t in self.check_targets]}


def _row_indicators(q: dict, grid: np.ndarray, lhv: float, f: dict) -> dict:
    """Per-m2 CO2, renewable numerator and denominator, kgce of every row and year."""
    demand = q["el_heating_kwh"] + q["el_cooling_kwh"] + q["el_lighting_kwh"] + q["el_equipment_kwh"]
    gridkwh = demand - q["pv_self_kwh"]
    co2 = carbon.co2_kg_of_totals(gridkwh, q["gas_m3"], q["district_heat_kwh"], grid[None, :], lhv, f)["total_co2_kg"]
    co2 = co2 + q["plant_co2_kg"] + q["plant_el_kwh"] * grid[None, :]
    num = q["pv_kwh"] + q["ambient_heat_kwh"] + q["dh_renewable_kwh"]
    den = demand + q["district_heat_kwh"] + q["ambient_heat_kwh"] + q["gas_m3"] * lhv / 3.6
    kgce = carbon.primary_kgce_of_totals(gridkwh, q["gas_m3"], q["district_heat_kwh"], lhv, "calorific", f)
    return {"co2": co2, "num": num, "den": den, "kgce": kgce}


def cheapest_programme(p: R.Prepared, budget_cny: float | None = None, rs_target: float = 0.08,
                       cands: list[tuple[dict, str]] | None = None) -> Programme:
    """The cheapest programme meeting the 2025 targets and the peak before 2030 (see the module notes).

    Parameters
    ----------
    p
        A prepared roadmap (its stock sample and scenario are the base).
    budget_cny
        Largest total capex [CNY] (None: no limit).
    rs_target
        Renewable share to reach in 2025 [-].
    cands
        Candidates (default: the data file).
    """
    import time

    from scipy.optimize import linprog

    from simulator import economics

    if budget_cny is not None and (not math.isfinite(budget_cny) or budget_cny < 0):
        raise ValidationError([f"budget = {budget_cny!r}: must be a number >= 0 [CNY]"], source="cheapest programme")
    t0 = time.perf_counter()
    cands = candidates() if cands is None else cands
    base = p.ctx.scenario
    s0 = programme_scenario(base, cands)
    lp = R.prepare(p.stock, s0, buildings=p.buildings)
    q = A.row_quantities(lp.rows, lp.loads, lp.ctx)
    f = carbon.load_emission_factors()
    lhv = R.gas_lhv(lp)
    years = s0.years.astype(int)
    ny = len(years)
    ind = _row_indicators(q, s0.grid_kgco2_kwh, lhv, f)
    bw = A.base_weights(lp.rows, lp.ctx)
    rows = lp.rows
    bid = rows["building_id"].to_numpy()
    variant = rows["variant"].to_numpy()
    public = rows["public_institution"].to_numpy(dtype=bool)
    as_is_of = {b: i for i, b in enumerate(bid) if variant[i] < 0}
    # base totals (no programme) from the roadmap accounting
    base_totals = R.evaluate(lp)
    table = T.year_table(base_totals, s0, lhv, f)
    yi = {int(y): i for i, y in enumerate(years)}
    by_year = base_totals.assign(demand=base_totals[["el_heating_kwh", "el_cooling_kwh", "el_lighting_kwh",
                                                     "el_equipment_kwh"]].sum(axis=1)).groupby("year").sum(
        numeric_only=True)
    num0 = (by_year["pv_kwh"] + by_year["ambient_heat_kwh"] + by_year["dh_renewable_kwh"]).to_numpy()
    den0 = (by_year["demand"] + by_year["district_heat_kwh"] + by_year["ambient_heat_kwh"]
            + by_year["gas_m3"] * lhv / 3.6).to_numpy()
    co2_0 = table["co2_t"].to_numpy() * 1000.0
    pub_area = table["public_floor_area_m2"].to_numpy()
    pub_kgce0 = table["public_kgce_m2"].to_numpy() * pub_area
    pub_co20 = table["public_co2_kg_m2"].to_numpy() * pub_area
    # per-m2 change of each candidate, per year
    nc = len(cands)
    d = {k: np.zeros((nc, ny)) for k in ("co2", "num", "den", "pub_kgce", "pub_co2")}
    part_area = np.zeros(nc)
    capex = np.zeros(nc)
    parts = []
    for j, (sel, _pkg) in enumerate(cands):
        m = np.where(variant == j)[0]
        parts.append(_part_label(sel))
        if len(m) == 0:
            continue
        base_rows = np.array([as_is_of[b] for b in bid[m]])
        w = bw[base_rows]
        area2020 = w[:, 0].sum()
        part_area[j] = area2020
        capex[j] = lp.ctx.plan.retrofit_capex_cny_m2[j]
        for key, src in (("co2", "co2"), ("num", "num"), ("den", "den")):
            d[key][j] = (w * (ind[src][m] - ind[src][base_rows])).sum(axis=0) / area2020
        pm = public[m]
        d["pub_kgce"][j] = (w[pm] * (ind["kgce"][m][pm] - ind["kgce"][base_rows][pm])).sum(axis=0) / area2020
        d["pub_co2"][j] = (w[pm] * (ind["co2"][m][pm] - ind["co2"][base_rows][pm])).sum(axis=0) / area2020
    y_lo, y_hi = PROGRAMME_YEARS
    prog_years = [y for y in years if y_lo <= y <= y_hi]
    nv = nc * len(prog_years)

    def vidx(j, k):
        return j * len(prog_years) + k

    def effect(key, t_year):
        """Coefficients of the change of a total in year t_year."""
        row = np.zeros(nv)
        t = yi[t_year]
        for j in range(nc):
            for k, y in enumerate(prog_years):
                if y <= t_year:
                    row[vidx(j, k)] = d[key][j, t]
        return row

    r = float(economics.load_finance()["discount_rate"])
    cost_row = np.array([capex[j] for j in range(nc) for _ in prog_years])
    disc = np.array([(1 + r) ** -(y - years[0]) for _ in range(nc) for y in prog_years])
    c_obj = cost_row * disc
    # target constraints as A x <= b (with a scale for the shortfall stage)
    cons = []
    t25 = 2025
    cons.append(("renewable_share_2025", -(effect("num", t25) - rs_target * effect("den", t25)),
                 num0[yi[t25]] - rs_target * den0[yi[t25]], den0[yi[t25]], "-"))
    i2020_k = pub_kgce0[0] / pub_area[0]
    i2020_c = pub_co20[0] / pub_area[0]
    cons.append(("public_energy_per_m2_2025", effect("pub_kgce", t25),
                 0.95 * i2020_k * pub_area[yi[t25]] - pub_kgce0[yi[t25]], pub_area[yi[t25]] * i2020_k, "-"))
    cons.append(("public_co2_per_m2_2025", effect("pub_co2", t25),
                 0.93 * i2020_c * pub_area[yi[t25]] - pub_co20[yi[t25]], pub_area[yi[t25]] * i2020_c, "-"))
    for t in range(2030, int(years[-1]) + 1):
        cons.append((f"co2_{t}_below_2029", effect("co2", t) - effect("co2", 2029),
                     co2_0[yi[2029]] - co2_0[yi[t]] - 1000.0, co2_0[yi[2029]], "kgCO2"))
    A_ub = [c[1] for c in cons]
    b_ub = [c[2] for c in cons]
    # each part's area at most once
    part_keys = sorted(set(parts))
    for pk in part_keys:
        row = np.zeros(nv)
        for j in range(nc):
            if parts[j] == pk:
                row[[vidx(j, k) for k in range(len(prog_years))]] = 1.0
        A_ub.append(row)
        b_ub.append(max(part_area[[j for j in range(nc) if parts[j] == pk]].max(), 0.0))
    if budget_cny is not None:
        A_ub.append(cost_row)
        b_ub.append(budget_cny)
    A_ub, b_ub = np.array(A_ub), np.array(b_ub)
    n_t = len(cons)
    bounds = [(0, part_area[j] if part_area[j] > 0 else 0) for j in range(nc) for _ in prog_years]
    # stage 1: smallest scaled shortfall
    A1 = np.hstack([A_ub, np.zeros((len(A_ub), n_t))])
    for i, c in enumerate(cons):
        A1[i, nv + i] = -c[3]  # slack s_i in units of the target's scale
    res1 = linprog(np.r_[np.zeros(nv), np.ones(n_t)], A_ub=A1, b_ub=b_ub, bounds=bounds + [(0, None)] * n_t,
                   method="highs")
    if res1.status != 0:
        raise ValidationError([f"linear program failed: {res1.message}"], source="cheapest programme")
    slack = res1.x[nv:]
    shortfalls = {c[0]: float(slack[i] * c[3]) for i, c in enumerate(cons) if slack[i] > 1e-7}
    feasible = not shortfalls
    if feasible:
        res = linprog(c_obj, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
        x = res.x if res.status == 0 else res1.x[:nv]
        status = "optimal" if res.status == 0 else f"stage 2 failed: {res.message}"
        message = "the cheapest programme meeting the 2025 targets and the peak before 2030"
    else:
        # cheapest among the smallest shortfalls
        A2 = np.vstack([A1, np.r_[np.zeros(nv), np.ones(n_t)]])
        b2 = np.r_[b_ub, slack.sum() * (1 + 1e-6) + 1e-9]
        res = linprog(np.r_[c_obj, np.zeros(n_t)], A_ub=A2, b_ub=b2, bounds=bounds + [(0, None)] * n_t,
                      method="highs")
        x = (res.x if res.status == 0 else res1.x)[:nv]
        status = "infeasible"
        message = ("the candidates cannot meet every target" + (" within the budget" if budget_cny is not None
                                                                else "") + "; shortfalls in the targets' units "
                   "(renewable share: kWh of renewable energy missing; public: kgce or kgCO2; peak: kgCO2)")
    areas = np.zeros((nc, ny))
    recs = []
    for j, (_sel, pkg) in enumerate(cands):
        for k, y in enumerate(prog_years):
            a = float(x[vidx(j, k)])
            areas[j, yi[y]] = a
            recs.append({"part": parts[j], "package": pkg, "year": int(y), "area_m2": a, "capex_cny": a * capex[j]})
    check_s = programme_scenario(base, cands, areas)
    check = R.result(lp, R.evaluate(lp, check_s), check_s)
    return Programme(status, feasible, float(cost_row @ x), float(c_obj @ x), budget_cny, pd.DataFrame(recs),
                     shortfalls, list(check.targets), message, time.perf_counter() - t0)


def _part_label(sel: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(sel.items()))
