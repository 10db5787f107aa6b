"""The package builder's results: metrics, warnings, charts, standards, EnergyPlus check, downloads.

One component per section, called in order by :func:`results_panel` (issue 18
item 7: the builder page holds the widgets, this module the results). No physics:
everything shown comes from the evaluation dict of :func:`simulator.app.state.evaluate_choices`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from buildings.ventilation import HYGIENE_MARK
from simulator.app import charts, report
from simulator.app.choices import Choices, hygiene_note
from simulator.app.help_values import help_values
from simulator.app.i18n import engine_name, t, wan_cny
from simulator.app.state import WEATHER, building, weather_for
from simulator.app.verdicts import standards_frame, u_values, verdict_line

#: how the CO2 and bill intervals are made (the compare page's caption, simulator/chain_intervals.py)
CHAIN_METHOD = ("CO₂ saved, bill savings, cooling and electricity saved: p05 to p95 carry the surrogate's heating and "
                "cooling intervals through the same systems, tariff and carbon chain (delta method with the GP's "
                "covariance of a building and its retrofit); prices and emission factors are taken as known.")
DOWNLOAD_LABELS = {"html": "Download report (HTML)", "pdf": "Download report (PDF)", "csv": "Download CSV",
                   "xlsx": "Download Excel"}


def capex_gross_cny(res: dict[str, Any]) -> float:
    """Capex before the subsidy [CNY]."""
    return res["capex_cny"] + res["subsidy_cny"]


def payback_text(res: dict[str, Any], lang: str) -> str:
    pb = res["simple_payback_years"]
    return t("never", lang) if pb is None else f"{pb:.1f} {t('years', lang)}"


def heating_interval(res: dict[str, Any]) -> tuple[float, float] | None:
    """The surrogate's 90 % interval of the retrofit's heating [kWh/m²] (None from EnergyPlus)."""
    iv = (res.get("intervals_90") or {}).get("retrofit", {}).get("heating_kwh_m2")
    return None if not iv else (float(iv[0]), float(iv[1]))


def interval_caption(res: dict[str, Any], saving: dict[str, Any] | None, lang: str) -> str | None:
    """One line: the 90 % intervals of the heating after the package and of the heating saved."""
    heat = heating_interval(res)
    if heat is None:
        return None
    text = t("Surrogate's 90 % interval: heating after the package {lo:.1f}–{hi:.1f} kWh/m²", lang,
             lo=heat[0], hi=heat[1])
    if saving is not None:
        text += " · " + t("heating saved {lo:.0f}–{hi:.0f} %", lang, lo=saving["pct"][1], hi=saving["pct"][2])
    return text


def chain_range(res: dict[str, Any], key: str, factor: float = 1.0) -> tuple[float, float] | None:
    """The 90 % interval of a saving carried from the surrogate's load intervals through the systems, tariff
    and carbon chain (``res["intervals_chain"]``, :mod:`simulator.chain_intervals`), times ``factor``; None
    without one (EnergyPlus)."""
    d = (res.get("intervals_chain") or {}).get(key)
    return None if not d else (factor * float(d["p05"]), factor * float(d["p95"]))


def range_text(res: dict[str, Any], key: str, factor: float, decimals: int, lang: str) -> str | None:
    """A saving's 90 % interval as the metric's second line ("90 %: 80.1–90.2"), or None."""
    iv = chain_range(res, key, factor)
    if iv is None:
        return None
    return t("90 %: {lo}–{hi}", lang, lo=f"{iv[0]:,.{decimals}f}", hi=f"{iv[1]:,.{decimals}f}")


def headline_metrics(res: dict[str, Any], lang: str, saving: dict[str, Any] | None = None) -> None:
    """Energy, CO₂ and money, three per row (at 1024 px four did not fit their numbers: "18..." for a payback);
    the surrogate's 90 % intervals under the first row."""
    L = lang
    base, after = res["baseline"], res["retrofit"]
    area = res["floor_area_m2"]
    capex_gross = capex_gross_cny(res)
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('Heating', L)} [kWh/m²]", f"{after['heating_kwh_m2']:.1f}",
              f"{after['heating_kwh_m2'] - base['heating_kwh_m2']:+.1f}", delta_color="inverse")
    # the savings' 90 % intervals carried from the load intervals through the same chain (simulator/chain_intervals.py)
    c2.metric(f"{t('CO₂ saved', L)} [{t('t/a', L)}]", f"{res['co2_saved_t']:,.1f}",
              range_text(res, "co2_saved_kg", 1e-3, 1, L), delta_color="off", delta_arrow="off")
    c3.metric(f"{t('Bill savings', L)} [{t('10⁴ CNY/a', L)}]", f"{wan_cny(res['bill_savings_cny']):,.2f}",
              range_text(res, "bill_savings_cny", 1e-4, 2, L), delta_color="off", delta_arrow="off")
    caption = interval_caption(res, saving, L)
    if caption:
        chain = bool(res.get("intervals_chain"))
        if chain:
            caption += " · " + t("CO₂ and bill ranges: these load intervals carried through the same systems, "
                                 "emission factors and tariffs", L)
        st.caption(caption, help=t(CHAIN_METHOD, L) if chain else None)
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('Capex before subsidy', L)} [{t('10⁴ CNY', L)}]", f"{wan_cny(capex_gross):,.1f}",
              f"{capex_gross / area:,.0f} {t('CNY/m²', L)}", delta_color="off")
    c2.metric(f"{t('Capex after subsidy', L)} [{t('10⁴ CNY', L)}]", f"{wan_cny(res['capex_cny']):,.1f}",
              f"-{wan_cny(res['subsidy_cny']):,.1f} {t('10⁴ CNY', L)} {t('subsidy', L)}" if res["subsidy_cny"] else None,
              delta_color="off")
    c3.metric(t("Payback", L), payback_text(res, L))
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('NPV', L)} [{t('10⁴ CNY', L)}]", f"{wan_cny(res['npv_cny']):,.1f}")
    c2.metric(f"{t('Renewable share', L)} [%]", f"{100 * res['renewable_share']:.1f}",
              help=t("(PV + heat-pump ambient heat) / total final energy use", L))
    c3.metric(t("Heat-pump SCOP", L), "-" if res["hp_scop"] is None else f"{res['hp_scop']:.2f}")
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('Standard coal saved', L)} [{t('tce/a', L)}]",
              f"{(base['primary_kgce'] - after['primary_kgce']) / 1000:,.1f}",
              help=t("GB/T 2589-2020: heat {heat_kgce_gj:g} kgce/GJ, electricity {electricity_kgce_kwh:g} kgce/kWh (calorific equivalent)", L, **help_values()))
    c2.metric(f"{t('District heat bought', L)} [{t('GJ/a', L)}]", f"{after['district_heat_gj']:,.0f}",
              f"{after['district_heat_gj'] - base['district_heat_gj']:+,.0f}", delta_color="inverse")
    c3.metric(f"{t('Energy bought', L)} [{t('MWh/a', L)}]", f"{after['energy_bought_kwh'] / 1000:,.0f}",
              f"{(after['energy_bought_kwh'] - base['energy_bought_kwh']) / 1000:+,.0f}", delta_color="inverse",
              help=t("district heat + gas + grid electricity", L))


def part_name(part: str, lang: str) -> str:
    """An envelope part ("wall", "roof", "ground_floor", "window") in the page's language."""
    return t("Ground floor", lang) if part == "ground_floor" else t(part.capitalize(), lang)


def heat_billing_note(building_type: str, lang: str) -> str:
    """Why saved heat does not lower area-billed heating bills, for the building type (households only for homes)."""
    if building_type == "residential":
        return t("Heating is billed per m² of floor (area fee): saved heat lowers CO₂ and the heat plant's costs, "
                 "not the households' bills. Heat metering with TRVs turns savings into lower bills.", lang)
    return t("Heating is billed per m² of floor (area fee): saved heat lowers CO₂ and the heat plant's costs, not the "
             "owner's heating bill. Heat metering turns savings into lower bills.", lang)


def package_notes(name: str, choices: dict[str, Any], res: dict[str, Any], lang: str) -> None:
    """The area-billing note, and a warning when the package makes the building worse."""
    L = lang
    base, after = res["baseline"], res["retrofit"]
    if after["heating_billing"] == "area" and 0 < after["district_heat_kwh"] < 0.95 * base["district_heat_kwh"]:
        st.info(heat_billing_note(building(name).building_type, L))
    if after["co2_kg"] > base["co2_kg"] or after["bills_cny"] > base["bills_cny"] * 1.001:
        st.warning(t("This package makes the building worse on CO₂ or bills: check it suits this archetype.", L))
    base_u, after_u = u_values(name, tuple(Choices(**choices).measures()))
    worse = [k for k, v in base_u.items() if k != "wall_mean" and after_u[k] > v + 1e-6]  # the wall: 1-D U
    if worse:
        st.warning(t("The package raises the U-value of: {parts}. The building already has a better "
                     "construction than this measure installs.", L,
                     parts=", ".join(part_name(p, L) for p in worse)))


def result_charts(res: dict[str, Any], lang: str) -> None:
    """Monthly loads before/after (heating red, cooling blue); energy and CO₂ by carrier."""
    L = lang
    base, after = res["baseline"], res["retrofit"]
    monthly = charts.monthly_figure(
        {f"{t('Heating', L)} · {t('Baseline', L)}": [v / 1000 for v in base["monthly_heating_kwh"]],
         f"{t('Heating', L)} · {t('Retrofit', L)}": [v / 1000 for v in after["monthly_heating_kwh"]],
         f"{t('Cooling', L)} · {t('Baseline', L)}": [v / 1000 for v in base["monthly_cooling_kwh"]],
         f"{t('Cooling', L)} · {t('Retrofit', L)}": [v / 1000 for v in after["monthly_cooling_kwh"]]},
        L, t("Monthly heating and cooling load", L), t("Load [MWh]", L),
        colors=[charts.COLORS[c] for c in ("heating_light", "heating", "cooling_light", "cooling")])
    st.plotly_chart(monthly, width="stretch", config={"displayModeBar": False})

    def energy_row(d):
        return {t("District heat", L): d["district_heat_kwh"] / 1000, t("Gas", L): d["gas_kwh"] / 1000,
                t("Grid electricity", L): d["grid_import_kwh"] / 1000,
                t("PV", L): d["pv_self_consumed_kwh"] / 1000}

    energy = pd.DataFrame([energy_row(base), energy_row(after)], index=[t("Baseline", L), t("Retrofit", L)])
    co2 = pd.DataFrame([{t("District heat", L): d["heat_co2_kg"] / 1000, t("Gas", L): d["gas_co2_kg"] / 1000,
                         t("Grid electricity", L): d["electricity_co2_kg"] / 1000} for d in (base, after)],
                       index=energy.index)
    carrier_colors = [charts.COLORS[c] for c in ("district_heat", "gas", "electricity", "pv")]
    # "by carrier": these bars split by carrier only (and the longer title was cut at 1024 px)
    e_fig = charts.stacked_bar(energy, t("Energy by carrier", L), t("Energy [MWh/a]", L), carrier_colors)
    c_fig = charts.stacked_bar(co2, t("Annual CO₂", L), t("CO₂ [t/a]", L), carrier_colors[:3])
    a, b_ = st.columns(2)
    a.plotly_chart(e_fig, width="stretch", config={"displayModeBar": False})
    b_.plotly_chart(c_fig, width="stretch", config={"displayModeBar": False})


def standards_section(name: str, res: dict[str, Any], lang: str) -> None:
    """The verdicts against the standards, before and after the package."""
    st.subheader(t("Standards", lang))
    st.markdown(verdict_line(building(name), res, lang))
    st.dataframe(standards_frame(building(name), res, lang), hide_index=True, width="stretch")


def downloads_section(name: str, choices: dict[str, Any], ass: dict[str, Any], res: dict[str, Any], lang: str,
                      ep_result: dict | None, title: str, weather_key: str = WEATHER,
                      weather_label: str | None = None) -> None:
    """The report and data files, built on request (not on every rerun)."""
    L = lang
    st.subheader(t("Report and downloads", L))
    report_key = json.dumps([name, choices, ass, L, ep_result is not None, weather_key], sort_keys=True)
    built = st.session_state.get("b_report")
    if built is None or built[0] != report_key:
        if st.button(t("Prepare the report (HTML, PDF, CSV, Excel)", L), key="b_make_report"):
            with st.spinner(t("Building the report…", L)):
                files = report.downloads(building(name), name, res, L, ass, weather_for(weather_key), ep_result,
                                         title, weather_label=weather_label)
            st.session_state["b_report"] = built = (report_key, files)
    if built is not None and built[0] == report_key:
        cols = st.columns(4)
        for col, f in zip(cols, built[1], strict=True):
            if f.data is None:
                col.warning(f.error)
            else:
                col.download_button(t(DOWNLOAD_LABELS[f.kind], L), f.data, f.file_name, f.mime,
                                    key=f"b_dl_{f.kind}")


def results_panel(name: str, choices: dict[str, Any], ass: dict[str, Any], res: dict[str, Any], lang: str,
                  title: Callable[[str], str], weather_key: str = WEATHER, weather_label: str | None = None,
                  saving: dict[str, Any] | None = None) -> None:
    """Every result section of the builder, in order.

    ``title`` names an archetype in the page's language; ``weather_key`` is the builder's weather
    (:mod:`simulator.app.weather_choice`) and ``weather_label`` its name on the page; ``saving`` the
    heating saving with its interval (:func:`simulator.app.state.heating_saving_interval`).
    """
    from simulator.app.verify import verify_panel

    L = lang
    surrogate = str(res["engine"]).lower().startswith("surrogate")
    st.subheader(t("Results (surrogate model)", L) if surrogate else t("Results (EnergyPlus)", L))
    for w in res["warnings"]:
        if HYGIENE_MARK not in w:  # shown below in the page's language
            st.warning(t("Outside the surrogate's training range", L) + f": {w}")
    hygiene = hygiene_note(building(name), Choices(**res["choices"]), L)
    if hygiene:
        st.warning(f"{t('Fresh air', L)}: {hygiene}")
    headline_metrics(res, L, saving)
    package_notes(name, choices, res, L)
    result_charts(res, L)
    standards_section(name, res, L)
    ep_result = verify_panel(name, choices, ass, res, L, title, weather_key)
    downloads_section(name, choices, ass, res, L, ep_result, title(name), weather_key, weather_label)
    where = f" · {weather_label}" if weather_label else ""
    st.caption(f"{res['floor_area_m2']:,.0f} m² · {engine_name(res['engine'], L)}{where} · {res[f'title_{L}']}")
    if res.get("anchor"):
        a = res["anchor"]
        lc = a.get("local_check") or {}
        st.caption(t("Anchored: this weather is not one the surrogate was trained on, so it was corrected by "
                     "EnergyPlus runs of the archetype and of it with each single measure", L)
                   + f": {a['building']}, {a.get('runs', 1) - int(lc.get('n', 0))} × EnergyPlus; " + ", ".join(
            f"{t(k.split('_')[0].title(), L)} ×{v:.2f}" for k, v in a.get("building_factors", a["factors"]).items()
            if k in ("heating_kwh_m2", "cooling_kwh_m2")))
        if lc.get("quantile_over_calibration"):
            widen = lc["quantile_over_calibration"]
            what = (t("Local check: random packages of this weather run in EnergyPlus refine the per-measure correction; "
                      "each scored on the correction fitted without it, they widen the load intervals where they erred "
                      "more than the calibration set", L) if lc.get("weight_in_fit") else
                    t("Local check: EnergyPlus against the anchored surrogate on random packages of this weather; "
                      "the load intervals widen where it found larger errors than the calibration set", L))
            st.caption(what
                       + f": {lc['n']} × EnergyPlus; CV(RMSE) {t('Heating', L)} "
                       f"{lc.get('heating_cvrmse_pct', float('nan')):.1f} %, {t('Cooling', L)} "
                       f"{lc.get('cooling_cvrmse_pct', float('nan')):.1f} %; " + ", ".join(
                           f"{t(g.title(), L)} ×{max(1.0, f):.2f}" for g, f in widen.items()
                           if g in ("heating", "cooling")))
        elif lc.get("note"):
            st.caption(t("Local check", L) + f": {lc['note']}")
