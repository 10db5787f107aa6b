"""One package on one building as a report: HTML, PDF, CSV and Excel, in Chinese or English.

The library builds the report (:func:`build_report` evaluates, :func:`make_report` takes a result
already computed, as the app does); the app and ``retrofit report`` only call it. Every table
carries labels and units in the report's language (万元, tCO₂, GJ), numbers rounded, no ``nan``.
User text (a package spec, an archetype file's name) is escaped before it reaches HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from buildings.model import Building
from simulator.exceptions import RetrofitError
from simulator.reports import standards as S
from simulator.sourced_data import read_toml, value_of

log = logging.getLogger(__name__)

#: Noto Sans CJK (Debian fonts-noto-cjk, installed by `make fonts`); index 2 of the collection is SC.
CJK_FONT_PATHS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc")
CJK_FONT_INDEX_SC = 2


class MissingFontError(RetrofitError):
    """The CJK font the PDF needs is not installed."""


# ---------------------------------------------------------------- labels: key -> (zh, en, unit zh, unit en, scale)
WAN = 1e-4  # CNY -> 万元
Q: dict[str, tuple[str, str, str, str, float, int]] = {
    # key: (label zh, label en, unit zh, unit en, factor, decimals)
    "heating_kwh_m2": ("供暖需求", "Heating demand", "kWh/(m²·年)", "kWh/(m²·a)", 1, 1),
    "cooling_kwh_m2": ("供冷需求", "Cooling demand", "kWh/(m²·年)", "kWh/(m²·a)", 1, 1),
    "district_heat_gj": ("外购市政热量", "District heat bought", "GJ/年", "GJ/a", 1, 0),
    "gas_m3": ("天然气", "Gas", "m³/年", "m³/a", 1, 0),
    "electricity_kwh": ("用电量", "Electricity use", "MWh/年", "MWh/a", 1e-3, 1),
    "grid_import_kwh": ("电网购电", "Grid electricity bought", "MWh/年", "MWh/a", 1e-3, 1),
    "pv_kwh": ("光伏发电", "PV generation", "MWh/年", "MWh/a", 1e-3, 1),
    "primary_kgce": ("标准煤", "Standard coal", "吨标准煤/年", "tce/a", 1e-3, 1),
    "co2_kg": ("二氧化碳排放", "CO₂ emissions", "吨CO₂/年", "tCO₂/a", 1e-3, 1),
    "bills_cny": ("能源费用", "Energy bills", "万元/年", "10⁴ CNY/a", WAN, 2),
    "renewable_share": ("可再生能源利用率", "Renewable share", "%", "%", 100, 1),
    "hp_scop": ("热泵季节能效", "Heat-pump SCOP", "-", "-", 1, 2),
}
P: dict[str, tuple[str, str, str, str, float, int]] = {
    "capex_gross_cny": ("投资（补贴前）", "Capex before subsidy", "万元", "10⁴ CNY", WAN, 1),
    "subsidy_cny": ("补贴", "Subsidy", "万元", "10⁴ CNY", WAN, 1),
    "capex_cny": ("投资（补贴后）", "Capex after subsidy", "万元", "10⁴ CNY", WAN, 1),
    "capex_gross_cny_m2": ("单位面积投资（补贴前）", "Capex per m² before subsidy", "元/m²", "CNY/m²", 1, 0),
    "bill_savings_cny": ("年节省费用（扣除运维）", "Annual savings (net of O&M)", "万元/年", "10⁴ CNY/a", WAN, 2),
    "simple_payback_years": ("静态回收期", "Simple payback", "年", "years", 1, 1),
    "npv_cny": ("净现值", "Net present value", "万元", "10⁴ CNY", WAN, 1),
    "co2_saved_kg": ("年减碳", "CO₂ saved", "吨CO₂/年", "tCO₂/a", 1e-3, 1),
    "coal_saved_kgce": ("年节约标准煤", "Standard coal saved", "吨标准煤/年", "tce/a", 1e-3, 1),
    "heat_saved_gj": ("年减少外购热量", "District heat saved", "GJ/年", "GJ/a", 1, 0),
    "cost_of_conserved_carbon_cny_per_t": ("减碳成本", "Cost of conserved carbon", "元/吨CO₂", "CNY/tCO₂", 1, 0),
}
A: dict[str, tuple[str, str]] = {
    "building": ("建筑", "Building"), "package": ("改造方案", "Package"), "measures": ("措施", "Measures"),
    "engine": ("计算引擎", "Engine"), "weather": ("气象数据", "Weather"), "date": ("日期", "Date"),
    "floor_area": ("建筑面积", "Floor area"), "grid": ("电网排放因子", "Grid emission factor"),
    "discount_rate": ("折现率（实际）", "Discount rate (real)"), "horizon": ("分析期", "Analysis period"),
    "subsidy": ("补贴", "Subsidy"), "electricity_price": ("电价", "Electricity price"),
    "heat_price": ("热价", "Heat price"), "gas_price": ("气价", "Gas price"),
    "baseline": ("改造前", "Before"), "retrofit": ("改造后", "After"), "change": ("变化", "Change"),
    "quantity": ("指标", "Quantity"), "unit": ("单位", "Unit"), "value": ("数值", "Value"),
    "month": ("月份", "Month"), "source": ("来源", "Source"), "standard": ("标准", "Standard"),
    "limit": ("限值", "Limit"), "verdict": ("结论", "Verdict"), "note": ("说明", "Note"),
    "heating_b": ("供暖负荷·改造前", "Heating load, before"), "heating_r": ("供暖负荷·改造后", "Heating load, after"),
    "cooling_b": ("供冷负荷·改造前", "Cooling load, before"), "cooling_r": ("供冷负荷·改造后", "Cooling load, after"),
    "pv_r": ("光伏发电·改造后", "PV generation, after"),
    "summary": ("方案结果", "Package results"), "results": ("改造前后对比", "Before and after"),
    "monthly": ("逐月负荷", "Monthly loads"), "standards": ("标准符合性", "Standards"),
    "assumptions": ("假设条件", "Assumptions"), "sources": ("数据来源", "Sources"),
    "energyplus": ("EnergyPlus 校核", "EnergyPlus check"), "surrogate": ("代理模型", "Surrogate"),
    "difference": ("偏差", "Difference"), "title": ("建筑节能改造评估报告", "Building retrofit assessment"),
    "envelope": ("围护结构", "Envelope"), "energy_level": ("能耗水平", "Energy performance"),
    "step_reached": ("达到的节能标准", "Energy-saving step met"),
    "level_reached": ("达到的能效等级", "Energy level reached"),
    "none_reached": ("未达到", "none"),
    "method": ("供暖、供冷为 EnergyPlus 理想负荷（或以其训练的代理模型）；外购能源、费用与碳排放由本模拟器的系统、电价与排放因子数据文件计算。",
               "Heating and cooling are EnergyPlus ideal loads (or the surrogate trained on them); delivered energy, "
               "bills and CO₂ follow from the simulator's systems, tariff and emission-factor data files."),
    "no_check": ("未进行 EnergyPlus 校核（结果来自代理模型）。", "No EnergyPlus check was run (results from the surrogate)."),
    "mwh": ("负荷 [MWh]", "Load [MWh]"), "co2_chart": ("年二氧化碳排放 [吨CO₂/年]", "Annual CO₂ [tCO₂/a]"),
    "monthly_chart": ("逐月供暖（红）与供冷（蓝）负荷", "Monthly heating (red) and cooling (blue) load"),
    "intervals": ("节能效果的 90 % 可信区间（校准后的建筑）", "Savings with 90 % credible intervals (calibrated building)"),
    "point": ("后验均值", "Posterior mean"), "p05": ("下限 (5 %)", "Low (5 %)"), "p95": ("上限 (95 %)", "High (95 %)"),
    "intervals_note": ("区间由校准后验抽样 {n} 次（每次叠加代理模型自身的不确定性）经同一套系统、费用、碳排放与财务计算得出，取第 5 至第 95 "
                       "百分位；点值为后验均值建筑的结果。{outside}",
                       "Intervals from {n} posterior draws of the calibrated parameters, each with the surrogate's own "
                       "uncertainty, through the same systems, bills, carbon and finance code: 5th to 95th percentile. "
                       "The point value is the posterior-mean building's. {outside}"),
    "ranges": ("节能效果的 90 % 区间（代理模型）", "Savings with the surrogate's 90 % intervals"),
    "ranges_note": ("p05 至 p95 为代理模型供暖与制冷负荷的 90 % 区间经同一套系统、电价与碳排放计算链传递所得"
                    "（德尔塔法，采用改造前后两种状态的高斯过程协方差；simulator/chain_intervals.py）；能源价格与排放因子视为已知。",
                    "p05 to p95 carry the surrogate's 90 % heating and cooling intervals through the same systems, "
                    "tariff and carbon chain (delta method with the GP's covariance of a building and its retrofit; "
                    "simulator/chain_intervals.py); prices and emission factors are taken as known."),
    "intervals_outside": ("其中 {k} 次抽样超出代理模型训练范围。", "{k} draws leave the surrogate's training range."),
}
#: rows of the credible-interval table: key -> (label zh, label en, unit zh, unit en, factor, decimals)
I_ROWS: dict[str, tuple[str, str, str, str, float, int]] = {
    "heating_kwh_m2": ("供暖需求（改造后）", "Heating demand (after)", "kWh/(m²·年)", "kWh/(m²·a)", 1, 1),
    "heating_saved_kwh_m2": ("供暖需求节约", "Heating demand saved", "kWh/(m²·年)", "kWh/(m²·a)", 1, 1),
    "heating_saved_pct": ("供暖需求节约率", "Heating demand saved", "%", "%", 1, 1),
    **{k: P[k] for k in ("heat_saved_gj", "co2_saved_kg", "bill_savings_cny", "simple_payback_years", "npv_cny")},
}
#: rows of the surrogate's range table: key of simulator.chain_intervals.QUANTITIES -> (label zh, label en, unit zh,
#: unit en, factor, decimals)
R_ROWS: dict[str, tuple[str, str, str, str, float, int]] = {
    "heating_saved_kwh_m2": ("供暖需求节约", "Heating demand saved", "kWh/(m²·年)", "kWh/(m²·a)", 1, 1),
    "cooling_saved_kwh_m2": ("供冷需求节约", "Cooling demand saved", "kWh/(m²·年)", "kWh/(m²·a)", 1, 1),
    "electricity_saved_kwh": ("年节电", "Electricity saved", "MWh/年", "MWh/a", 1e-3, 1),
    "co2_saved_kg": P["co2_saved_kg"],
    "bill_savings_cny": P["bill_savings_cny"],
}
MONTHS = {"zh": [f"{m}月" for m in range(1, 13)],
          "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]}


def label(key: str, lang: str) -> str:
    """A fixed text of the report in ``lang``."""
    zh, en = A[key]
    return zh if lang == "zh" else en


def fmt(value: Any, decimals: int = 1) -> str:
    """A number rounded for reading ("-" for None/NaN), thousands separated."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.{decimals}f}"
    return str(value)


def _num(value: Any, factor: float, decimals: int) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(float(value) * factor, decimals)


# ---------------------------------------------------------------- the evaluation as plain data
def summarise(ev) -> dict[str, Any]:
    """An :class:`simulator.evaluate.Evaluation` as a plain dict (numbers, monthly series)."""
    from simulator.loads import monthly_sums

    d = ev.to_dict()
    for tag, out in (("baseline", ev.baseline), ("retrofit", ev.retrofit)):
        loads, dl = out.loads, out.delivered
        d[tag]["monthly_heating_kwh"] = loads.monthly_heating_kwh.tolist()
        d[tag]["monthly_cooling_kwh"] = loads.monthly_cooling_kwh.tolist()
        d[tag]["monthly_pv_kwh"] = monthly_sums(dl.hourly_pv_kwh).tolist()
        d[tag]["lighting_kwh"] = loads.lighting_kwh
        d[tag]["equipment_kwh"] = loads.equipment_kwh
        d[tag]["heat_co2_kg"] = out.emissions.heat_co2_kg
        d[tag]["gas_co2_kg"] = out.emissions.gas_co2_kg
        d[tag]["electricity_co2_kg"] = out.emissions.electricity_co2_kg
    d["costs"] = [asdict(c) for c in ev.costs]
    return d


@dataclass(frozen=True)
class Report:
    """Everything a report shows (plain data; rendered by :func:`to_html`, :func:`to_pdf`, ...)."""

    lang: str
    archetype: str
    building_title: str
    building_type: str
    package_title: str
    measures: tuple[str, ...]
    engine: str
    weather: str
    created: str
    result: dict[str, Any]
    assumptions: tuple[tuple[str, str, str], ...]  # (label, value with unit, source)
    envelope_before: tuple[S.Check, ...]
    envelope_after: tuple[S.Check, ...]
    energy_before: tuple[S.Check, ...]
    energy_after: tuple[S.Check, ...]
    energyplus: dict[str, Any] | None = None
    sources: tuple[str, ...] = field(default=())
    intervals: dict[str, Any] | None = None  # simulator.calibration.intervals, for a calibrated building


def _data(name: str) -> dict[str, Any]:
    """A data file of ``simulator/data``, parsed once (never mutate)."""
    return read_toml("simulator", f"data/{name}")


def assumption_rows(building: Building, assumptions: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(label, value with unit, source) of the prices, factors and finance the result used."""
    from simulator import carbon

    zh = lang == "zh"
    tariffs, finance = _data("tariffs.toml"), _data("finance.toml")
    grid_name, grid_value = carbon.grid_factor_kgco2_kwh(grid=assumptions.get("grid"))
    grids = _data("emission_factors.toml")["grid"]
    rows = [(label("grid", lang), f"{grid_name}: {grid_value:.3f} kgCO₂/kWh",
             grids.get(grid_name, {}).get("source", "") if isinstance(grids.get(grid_name), dict) else "")]
    rate = assumptions.get("discount_rate")
    rate = value_of(finance["discount_rate"]) if rate is None else rate
    rows.append((label("discount_rate", lang), f"{100 * rate:.1f} %", finance["discount_rate"]["source"]))
    horizon = assumptions.get("horizon_years") or value_of(finance["horizon_years"])
    rows.append((label("horizon", lang), f"{horizon} {'年' if zh else 'years'}", finance["horizon_years"]["source"]))
    subsidy = float(assumptions.get("subsidy_cny_m2") or 0.0)
    rows.append((label("subsidy", lang), f"{subsidy:,.0f} {'元/m²' if zh else 'CNY/m²'}",
                 "user input" if not zh else "用户输入"))
    cls = tariffs["building_classes"].get(building.building_type, tariffs["building_classes"]["residential"])
    el = tariffs["electricity"][cls["electricity"]]
    price = el.get("price_cny_kwh") or {"value": value_of(el["tier_price_cny_kwh"])[0],
                                        "source": el["tier_price_cny_kwh"]["source"]}
    rows.append((label("electricity_price", lang), f"{value_of(price):.2f} {'元/kWh' if zh else 'CNY/kWh'}"
                 + (" (第一档)" if zh and "tier_price_cny_kwh" in el else " (tier 1)" if "tier_price_cny_kwh" in el else ""),
                 price["source"]))
    heat = tariffs["heat"][cls["heat"]]
    rows.append((label("heat_price", lang),
                 f"{value_of(heat['area_fee_cny_m2']):.0f} {'元/m²·采暖季（按面积）' if zh else 'CNY/m² per season (by area)'}; "
                 f"{value_of(heat['energy_price_cny_kwh']):.2f} {'元/kWh（计量）' if zh else 'CNY/kWh (metered)'}",
                 heat["area_fee_cny_m2"]["source"]))
    gas = tariffs["gas"][cls["gas"]]
    rows.append((label("gas_price", lang), f"{value_of(gas['price_cny_m3']):.2f} {'元/m³' if zh else 'CNY/m³'}",
                 gas["price_cny_m3"]["source"]))
    return rows


def make_report(building: Building, archetype: str, result: dict[str, Any], lang: str = "zh",
                assumptions: dict[str, Any] | None = None, weather: str = "tianjin",
                energyplus: dict[str, Any] | None = None, building_title: str | None = None,
                package_title: str | None = None, created: dt.datetime | None = None,
                intervals: dict[str, Any] | None = None) -> Report:
    """A report of a result already computed (the app's path: nothing is evaluated again).

    Parameters
    ----------
    building
        The building before the package (the standards verdicts use it and the package applied).
    archetype
        Its name or file name (shown escaped).
    result
        :func:`summarise` of the evaluation.
    energyplus
        :func:`summarise` of the same package in EnergyPlus, when a check was run.
    intervals
        Credible intervals of the package on a calibrated building (:func:`calibrated_intervals`).
    """
    if lang not in ("zh", "en"):
        raise RetrofitError(f"report language {lang!r}: use zh or en")
    assumptions = assumptions or {}
    after = applied(building, result)
    area = result["floor_area_m2"]
    created = created or dt.datetime.now().astimezone()
    sources = ["GB/T 51350-2019 近零能耗建筑技术标准", "GB/T 51161-2016 民用建筑能耗标准",
               "JGJ 26-2018 / DB29-1 (Tianjin residential energy-saving steps)", "GB/T 2589-2020 (standard coal)",
               "buildings/data/standards.toml", "simulator/data/standards_levels.toml", "simulator/data/tariffs.toml",
               "simulator/data/emission_factors.toml", "simulator/data/finance.toml", "buildings/data/measures.toml"]
    return Report(
        lang=lang, archetype=Path(str(archetype)).name, building_title=building_title or building.name,
        building_type=building.building_type, package_title=package_title or result.get("package", ""),
        measures=tuple(result.get("measures", [])), engine=str(result.get("engine", "")), weather=str(weather),
        created=created.strftime("%Y-%m-%d %H:%M %Z").strip(), result=result,
        assumptions=tuple(assumption_rows(building, assumptions, lang)),
        envelope_before=tuple(S.envelope_checks(building)), envelope_after=tuple(S.envelope_checks(after)),
        energy_before=tuple(S.energy_checks(result["baseline"], building.building_type, area)),
        energy_after=tuple(S.energy_checks(result["retrofit"], building.building_type, area)),
        energyplus=energyplus, sources=tuple(sources), intervals=intervals)


def calibrated_intervals(archetype: str | Path, result: dict[str, Any], weather: Any = "tianjin",
                         assumptions: dict[str, Any] | None = None, n_draws: int | None = None,
                         progress: Callable[[float, str], None] | None = None) -> dict[str, Any] | None:
    """Credible intervals of a result's package when ``archetype`` is a calibrated file, else ``None``.

    The figures of every posterior draw go through the surrogate and the shared downstream code
    (:mod:`simulator.calibration.intervals`); ``assumptions`` are the report's (grid, rates, subsidy).
    """
    from simulator.calibration.intervals import DEFAULT_DRAWS, for_archetype
    from simulator.evaluate import Options

    a = assumptions or {}
    opts = Options(grid=a.get("grid"), discount_rate=a.get("discount_rate"), horizon_years=a.get("horizon_years"),
                   subsidy_cny_m2=float(a.get("subsidy_cny_m2") or 0.0))
    return for_archetype(archetype, package_spec(result), weather, opts, n_draws or DEFAULT_DRAWS, progress)


def package_spec(result: dict[str, Any]) -> list[str] | str:
    """The measure specs of a result: the app's choices, else the package the evaluation was given."""
    if result.get("choices"):
        from simulator.app.choices import Choices

        return Choices(**result["choices"]).measures()
    return result.get("package") or []


def applied(building: Building, result: dict[str, Any]) -> Building:
    """The building with the result's package applied."""
    from buildings import measures as M

    spec = package_spec(result)
    return M.apply(building, M.package(spec)) if spec else building


def build_report(archetype: str | Path, package: str | list, lang: str = "zh", engine: str = "surrogate",
                 weather: str = "tianjin", options=None, check_energyplus: bool = False,
                 progress: Callable[[float, str], None] | None = None, credible_draws: int | None = None) -> Report:
    """Evaluate ``package`` on ``archetype`` and make its report (the CLI's path).

    Parameters
    ----------
    engine
        "surrogate" (seconds) or "energyplus".
    check_energyplus
        With the surrogate, also run EnergyPlus and show the comparison.
    progress
        Called with (fraction 0..1, what is being done).
    credible_draws
        Posterior draws for the credible intervals of a calibrated archetype (default
        :data:`simulator.calibration.intervals.DEFAULT_DRAWS`; 0: none).
    """
    import archetypes
    from simulator.evaluate import evaluate, get_engine

    def step(f: float, what: str) -> None:
        if progress is not None:
            progress(f, what)

    step(0.0, "archetype")
    building = archetypes.load(archetype)
    step(0.1, engine)
    eng = None if engine == "energyplus" else get_engine(engine)
    ev = evaluate(building, package, weather=weather, engine=eng, options=options)
    result = summarise(ev)
    if eng is not None:  # the savings' 90 % intervals through the chain (simulator/chain_intervals.py)
        result["intervals_chain"] = chain_ranges(ev, weather, options)
    ep = None
    if check_energyplus and eng is not None:
        step(0.5, "energyplus")
        ep = summarise(evaluate(building, package, weather=weather, engine=None, options=options))
    step(0.9, "report")
    name = str(archetype)
    meta = archetypes.raw(archetype).get("meta", {})  # library name or file (a calibrated file has a title)
    title = str(meta.get("title_zh" if lang == "zh" else "title") or meta.get("title") or building.name)
    ass = {} if options is None else {"grid": options.grid, "discount_rate": options.discount_rate,
                                      "horizon_years": options.horizon_years, "subsidy_cny_m2": options.subsidy_cny_m2}
    ass["horizon_years"] = ass.get("horizon_years") or result.get("horizon_years")
    ass["discount_rate"] = ass.get("discount_rate") if ass.get("discount_rate") is not None else result.get("discount_rate")
    intervals = None
    if credible_draws != 0:
        intervals = calibrated_intervals(archetype, result, weather, ass, credible_draws,
                                         lambda f, m: step(0.6 + 0.3 * f, m))
    rep = make_report(building, name, result, lang, ass, Path(str(weather)).stem, ep, title,
                      package_label(result, lang), intervals=intervals)
    step(1.0, "done")
    return rep


def chain_ranges(ev, weather: Any = "tianjin", options=None) -> dict[str, Any] | None:
    """The savings' 90 % intervals of a surrogate evaluation (:func:`simulator.chain_intervals.savings_intervals`);
    None for an EnergyPlus result or when they cannot be made (logged)."""
    from simulator import chain_intervals
    from simulator.energyplus import resolve_weather
    from simulator.evaluate import resolve_weather_spec

    try:
        return chain_intervals.savings_intervals(ev, resolve_weather(resolve_weather_spec(weather))[0], options)
    except Exception:  # noqa: BLE001 - a report without intervals is still a report; the reason goes to the log
        log.warning("no chain intervals for %s", ev.package, exc_info=True)
        return None


def package_label(result: dict[str, Any], lang: str) -> str:
    """A readable package name: the app's short label when present, else the measure specs."""
    return result.get(f"title_{lang}") or result.get("package") or " + ".join(result.get("measures", [])) or "-"


# ---------------------------------------------------------------- tables
def _derived(result: dict[str, Any]) -> dict[str, Any]:
    b, r = result["baseline"], result["retrofit"]
    capex = result.get("capex_cny") or 0.0
    subsidy = result.get("subsidy_cny") or 0.0
    return {
        **result,
        "capex_gross_cny": capex + subsidy,
        "capex_gross_cny_m2": (capex + subsidy) / result["floor_area_m2"],
        "coal_saved_kgce": b["primary_kgce"] - r["primary_kgce"],
        "heat_saved_gj": b["district_heat_gj"] - r["district_heat_gj"],
    }


def summary_table(rep: Report) -> pd.DataFrame:
    """Package figures: quantity, value, unit (in the report's language)."""
    zh = rep.lang == "zh"
    d = _derived(rep.result)
    rows = []
    for key, (lz, le, uz, ue, f, n) in P.items():
        rows.append({label("quantity", rep.lang): lz if zh else le, label("value", rep.lang): _num(d.get(key), f, n),
                     label("unit", rep.lang): uz if zh else ue})
    return pd.DataFrame(rows)


def results_table(rep: Report) -> pd.DataFrame:
    """Before / after / change per quantity."""
    zh = rep.lang == "zh"
    b, r = rep.result["baseline"], rep.result["retrofit"]
    rows = []
    for key, (lz, le, uz, ue, f, n) in Q.items():
        vb, vr = _num(b.get(key), f, n), _num(r.get(key), f, n)
        rows.append({label("quantity", rep.lang): lz if zh else le, label("unit", rep.lang): uz if zh else ue,
                     label("baseline", rep.lang): vb, label("retrofit", rep.lang): vr,
                     label("change", rep.lang): None if vb is None or vr is None else round(vr - vb, n)})
    return pd.DataFrame(rows)


def monthly_table(rep: Report) -> pd.DataFrame:
    """Monthly heating/cooling loads before and after and PV [MWh], with an annual total row."""
    b, r = rep.result["baseline"], rep.result["retrofit"]
    cols = {"heating_b": b["monthly_heating_kwh"], "heating_r": r["monthly_heating_kwh"],
            "cooling_b": b["monthly_cooling_kwh"], "cooling_r": r["monthly_cooling_kwh"],
            "pv_r": r.get("monthly_pv_kwh", [0.0] * 12)}
    frame = pd.DataFrame({f"{label(k, rep.lang)} [MWh]": [round(v / 1000, 1) for v in vals]
                          for k, vals in cols.items()})
    total = frame.sum().round(1)
    frame.insert(0, label("month", rep.lang), MONTHS[rep.lang])
    frame.loc[len(frame)] = ["合计" if rep.lang == "zh" else "Year", *total.tolist()]
    return frame


def standards_table(rep: Report) -> pd.DataFrame:
    """Every check before and after: standard, quantity, before, after, limit, verdicts."""
    lang = rep.lang
    rows = []
    pairs = list(zip(rep.envelope_before, rep.envelope_after, strict=True)) + \
        list(zip(rep.energy_before, rep.energy_after, strict=True))
    for cb, ca in pairs:
        std, qty, note = ca.text(lang)
        lim = "-" if ca.limit is None else f"{'≥' if ca.at_least else '≤'} {fmt(ca.limit, 2 if ca.unit.startswith('W') else 1)}"
        rows.append({label("standard", lang): std, label("quantity", lang): qty, label("unit", lang): ca.unit or "-",
                     label("limit", lang): lim,
                     label("baseline", lang): fmt(cb.value, 2 if cb.unit.startswith("W") else 1),
                     f"{label('verdict', lang)} · {label('baseline', lang)}": S.verdict_symbol(cb.passed, lang),
                     label("retrofit", lang): fmt(ca.value, 2 if ca.unit.startswith("W") else 1),
                     f"{label('verdict', lang)} · {label('retrofit', lang)}": S.verdict_symbol(ca.passed, lang),
                     label("note", lang): note or "-"})
    return pd.DataFrame(rows)


def info_table(rep: Report) -> pd.DataFrame:
    """Building, package, engine, weather, date and the assumptions with their sources."""
    lang = rep.lang
    zh = lang == "zh"
    rows = [(label("building", lang), f"{rep.building_title} ({rep.archetype})", ""),
            (label("floor_area", lang), f"{rep.result['floor_area_m2']:,.0f} m²", ""),
            (label("package", lang), rep.package_title, ""),
            (label("measures", lang), " + ".join(rep.measures) or ("无" if zh else "none"), ""),
            (label("engine", lang), rep.engine, ""), (label("weather", lang), rep.weather, ""),
            (label("date", lang), rep.created, ""), *rep.assumptions]
    return pd.DataFrame(rows, columns=[label("quantity", lang), label("value", lang), label("source", lang)])


def energyplus_table(rep: Report) -> pd.DataFrame | None:
    """Surrogate vs EnergyPlus for the headline figures (None when no check was run)."""
    if rep.energyplus is None:
        return None
    return comparison_table(rep.result, rep.energyplus, rep.lang)


def comparison_table(surrogate: dict[str, Any], energyplus: dict[str, Any], lang: str) -> pd.DataFrame:
    """Surrogate and EnergyPlus side by side, rounded like the rest of the page, with the difference in %."""
    zh = lang == "zh"
    items = [("heating_kwh_m2", "retrofit", Q), ("cooling_kwh_m2", "retrofit", Q), ("co2_kg", "retrofit", Q),
             ("co2_saved_kg", None, P), ("bill_savings_cny", None, P), ("npv_cny", None, P)]
    rows = []
    for key, side, table in items:
        lz, le, uz, ue, f, n = table[key]
        s = surrogate[side][key] if side else surrogate.get(key)
        e = energyplus[side][key] if side else energyplus.get(key)
        name = lz if zh else le
        if side:
            name += f"（{label('retrofit', lang)}）" if zh else f" ({label('retrofit', lang).lower()})"
        diff = None if s is None or e is None or e == 0 else round(100 * (s - e) / abs(e), 1)
        rows.append({label("quantity", lang): name, label("unit", lang): uz if zh else ue,
                     label("surrogate", lang): _num(s, f, n), "EnergyPlus": _num(e, f, n),
                     f"{label('difference', lang)} [%]": diff})
    return pd.DataFrame(rows)


def _point(result: dict[str, Any], key: str) -> float | None:
    """The result's own value of a credible-interval row (the posterior-mean building's)."""
    b, r = result["baseline"], result["retrofit"]
    if key == "heating_kwh_m2":
        return r.get(key)
    if key in ("heating_saved_kwh_m2", "heating_saved_pct"):
        if b.get("heating_kwh_m2") is None or r.get("heating_kwh_m2") is None:
            return None
        saved = b["heating_kwh_m2"] - r["heating_kwh_m2"]
        return saved if key == "heating_saved_kwh_m2" else (100 * saved / b["heating_kwh_m2"]
                                                             if b["heating_kwh_m2"] else None)
    return _derived(result).get(key)


def intervals_table(rep: Report) -> pd.DataFrame | None:
    """Quantity, unit, point value, 90 % interval bounds (None when the building is not calibrated)."""
    if not rep.intervals:
        return None
    lang = rep.lang
    zh = lang == "zh"
    rows = []
    for key, (lz, le, uz, ue, f, n) in I_ROWS.items():
        q = rep.intervals["quantities"].get(key)
        if q is None:
            continue
        rows.append({label("quantity", lang): lz if zh else le, label("unit", lang): uz if zh else ue,
                     label("point", lang): _num(_point(rep.result, key), f, n),
                     label("p05", lang): _num(q["p05"], f, n), label("p95", lang): _num(q["p95"], f, n)})
    return pd.DataFrame(rows)


def intervals_note(rep: Report) -> str:
    """How the intervals were made (draws, uncertainty sources), in the report's language."""
    if not rep.intervals:
        return ""
    k = int(rep.intervals.get("draws_outside_surrogate_range", 0))
    outside = label("intervals_outside", rep.lang).format(k=k) if k else ""
    return label("intervals_note", rep.lang).format(n=rep.intervals["n_draws"], outside=outside).strip()


def ranges_table(rep: Report) -> pd.DataFrame | None:
    """Quantity, unit, value and the 90 % interval of each saving (None without intervals, e.g. EnergyPlus)."""
    chain = rep.result.get("intervals_chain")
    if not chain:
        return None
    zh = rep.lang == "zh"
    rows = []
    for key, (lz, le, uz, ue, f, n) in R_ROWS.items():
        d = chain.get(key)
        if d is None:
            continue
        rows.append({label("quantity", rep.lang): lz if zh else le, label("unit", rep.lang): uz if zh else ue,
                     label("value", rep.lang): _num(d["value"], f, n), label("p05", rep.lang): _num(d["p05"], f, n),
                     label("p95", rep.lang): _num(d["p95"], f, n)})
    return pd.DataFrame(rows)


def ranges_note(rep: Report) -> str:
    """How the intervals were made, in the report's language."""
    return label("ranges_note", rep.lang) if rep.result.get("intervals_chain") else ""


def tables(rep: Report) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed by its title in the report's language."""
    out = {label("assumptions", rep.lang): info_table(rep), label("summary", rep.lang): summary_table(rep),
           label("results", rep.lang): results_table(rep), label("monthly", rep.lang): monthly_table(rep),
           label("standards", rep.lang): standards_table(rep)}
    rg = ranges_table(rep)
    if rg is not None:
        out[label("ranges", rep.lang)] = rg
    ci = intervals_table(rep)
    if ci is not None:
        out[label("intervals", rep.lang)] = ci
    ep = energyplus_table(rep)
    if ep is not None:
        out[label("energyplus", rep.lang)] = ep
    return out


def file_name(rep: Report, ext: str) -> str:
    """A file name that says what is inside: archetype, package, engine, language, date."""
    preset = str(rep.result.get("package") or "")
    pkg = preset if re.fullmatch(r"[a-z0-9_]{1,40}", preset) else "+".join(rep.measures)[:80] or "baseline"
    raw = f"retrofit_{Path(rep.archetype).stem}_{pkg}_{rep.engine.split()[0]}_{rep.lang}_{rep.created[:10]}"
    safe = re.sub(r"[^A-Za-z0-9_.+-]+", "-", raw)[:150].strip("-")
    return f"{safe}.{ext}"


# ---------------------------------------------------------------- CSV / Excel
def to_csv(rep: Report) -> bytes:
    """All tables in one CSV (UTF-8 with BOM, so Excel shows Chinese): a title line before each table."""
    buf = io.StringIO()
    notes = {label("intervals", rep.lang): intervals_note(rep), label("ranges", rep.lang): ranges_note(rep)}
    for title, frame in tables(rep).items():
        buf.write(f"# {title}\n")
        frame.to_csv(buf, index=False, na_rep="-")
        if notes.get(title):
            buf.write(f"# {notes[title]}\n")
        buf.write("\n")
    return buf.getvalue().encode("utf-8-sig")


def to_excel(rep: Report) -> bytes:
    """One sheet per table (openpyxl), columns widened to their text."""
    buf = io.BytesIO()
    notes = {label("intervals", rep.lang): intervals_note(rep), label("ranges", rep.lang): ranges_note(rep)}
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for title, frame in tables(rep).items():
            sheet = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
            frame.to_excel(xw, sheet_name=sheet, index=False, na_rep="-")
            ws = xw.sheets[sheet]
            if notes.get(title):
                ws.cell(row=len(frame) + 3, column=1, value=notes[title])
            for i, col in enumerate(frame.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in frame.iloc[:, i - 1]]) + 2
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width * 1.2)
    return buf.getvalue()


# ---------------------------------------------------------------- figures and HTML
def figures(rep: Report) -> list:
    """Coloured plotly figures of the report (monthly loads; CO₂ and energy by carrier)."""
    from simulator.app import charts

    lang = rep.lang
    zh = lang == "zh"
    b, r = rep.result["baseline"], rep.result["retrofit"]
    monthly = charts.monthly_figure(
        {label("heating_b", lang): [v / 1000 for v in b["monthly_heating_kwh"]],
         label("heating_r", lang): [v / 1000 for v in r["monthly_heating_kwh"]],
         label("cooling_b", lang): [v / 1000 for v in b["monthly_cooling_kwh"]],
         label("cooling_r", lang): [v / 1000 for v in r["monthly_cooling_kwh"]]},
        lang, label("monthly_chart", lang), label("mwh", lang),
        colors=[charts.COLORS[c] for c in ("heating_light", "heating", "cooling_light", "cooling")])
    idx = [label("baseline", lang), label("retrofit", lang)]
    co2 = pd.DataFrame([{("市政热力" if zh else "District heat"): d["heat_co2_kg"] / 1000,
                         ("天然气" if zh else "Gas"): d["gas_co2_kg"] / 1000,
                         ("电网电力" if zh else "Grid electricity"): d["electricity_co2_kg"] / 1000} for d in (b, r)],
                       index=idx)
    co2_fig = charts.stacked_bar(co2, label("co2_chart", lang), "tCO₂/a" if not zh else "吨CO₂/年",
                                 [charts.COLORS[c] for c in ("district_heat", "gas", "electricity")])
    return [monthly, co2_fig]


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            text = fmt(v, 2) if isinstance(v, float) else ("-" if v is None else str(v))
            if isinstance(v, float):  # keep the decimals the table was rounded to
                text = f"{v:,}" if math.isfinite(v) else "-"
            cls = ' class="pass"' if text.startswith("✓") else ' class="fail"' if text.startswith("✗") else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


CSS = """body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",Arial,sans-serif;
max-width:1000px;margin:auto;padding:0 12px;color:#222;font-size:14px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:22px;border-bottom:2px solid #d62728;padding-bottom:2px}
table{border-collapse:collapse;margin:6px 0;width:100%}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right;
vertical-align:top}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
td.pass{color:#1a7f37;font-weight:600}td.fail{color:#b42318;font-weight:600}.small{font-size:12px;color:#555}
.kpi{display:flex;flex-wrap:wrap;gap:8px}.kpi div{border:1px solid #ddd;border-radius:6px;padding:6px 10px;min-width:150px}
.kpi b{display:block;font-size:18px}@media print{.plotly-graph-div{page-break-inside:avoid}h2{page-break-after:avoid}
body{max-width:none}}"""


def to_html(rep: Report) -> bytes:
    """A self-contained HTML report (plotly.js inline, so it opens offline)."""
    from simulator.app.charts import styled

    lang = rep.lang
    esc = html.escape
    d = _derived(rep.result)
    kpis = []
    for key in ("capex_gross_cny", "capex_cny", "co2_saved_kg", "bill_savings_cny", "simple_payback_years",
                "heat_saved_gj"):
        lz, le, uz, ue, f, n = P[key]
        value = _num(d.get(key), f, n)
        shown = "-" if value is None else f"{fmt(value, n)} {uz if lang == 'zh' else ue}"
        kpis.append(f"<div>{esc(lz if lang == 'zh' else le)}<b>{esc(shown)}</b></div>")
    charts_html = "".join(
        styled(fig).to_html(full_html=False, include_plotlyjs=(i == 0), config={"displayModeBar": False})
        for i, fig in enumerate(figures(rep)))
    step_b = S.step_reached(list(rep.envelope_before), lang)
    step_a = S.step_reached(list(rep.envelope_after), lang)
    lev_b = S.energy_levels_reached(list(rep.energy_before), lang)
    lev_a = S.energy_levels_reached(list(rep.energy_after), lang)
    none = label("none_reached", lang)
    verdict = (f"<p>{esc(label('step_reached', lang))}: {esc(label('baseline', lang))} <b>{esc(step_b if step_b != '-' else none)}</b>"
               f" → {esc(label('retrofit', lang))} <b>{esc(step_a if step_a != '-' else none)}</b>. "
               f"{esc(label('level_reached', lang))} (GB/T 51350): {esc(label('baseline', lang))} "
               f"<b>{esc(lev_b if lev_b != '-' else none)}</b> → {esc(label('retrofit', lang))} "
               f"<b>{esc(lev_a if lev_a != '-' else none)}</b>.</p>")
    ep = energyplus_table(rep)
    ep_html = _html_table(ep) if ep is not None else f"<p class='small'>{esc(label('no_check', lang))}</p>"
    sections = [
        f"<h1>{esc(label('title', lang))} · {esc(rep.building_title)}</h1>",
        f"<p class='small'>{esc(rep.package_title)} · {esc(rep.engine)} · {esc(rep.created)}</p>",
        f"<div class='kpi'>{''.join(kpis)}</div>",
        f"<h2>{esc(label('assumptions', lang))}</h2>{_html_table(info_table(rep))}",
        f"<h2>{esc(label('summary', lang))}</h2>{_html_table(summary_table(rep))}",
        *([f"<h2>{esc(label('ranges', lang))}</h2>{_html_table(ranges_table(rep))}"
           f"<p class='small'>{esc(ranges_note(rep))}</p>"] if ranges_table(rep) is not None else []),
        *([f"<h2>{esc(label('intervals', lang))}</h2>{_html_table(intervals_table(rep))}"
           f"<p class='small'>{esc(intervals_note(rep))}</p>"] if rep.intervals else []),
        f"<h2>{esc(label('results', lang))}</h2>{_html_table(results_table(rep))}",
        charts_html,
        f"<h2>{esc(label('monthly', lang))}</h2>{_html_table(monthly_table(rep))}",
        f"<h2>{esc(label('standards', lang))}</h2>{verdict}{_html_table(standards_table(rep))}",
        f"<h2>{esc(label('energyplus', lang))}</h2>{ep_html}",
        f"<h2>{esc(label('sources', lang))}</h2><p class='small'>{esc(label('method', lang))}</p><ul class='small'>"
        + "".join(f"<li>{esc(s)}</li>" for s in rep.sources) + "</ul>",
    ]
    page = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(label('title', lang))} · {esc(rep.building_title)}</title><style>{CSS}</style></head>"
            f"<body>{''.join(sections)}</body></html>")
    return page.encode("utf-8")
