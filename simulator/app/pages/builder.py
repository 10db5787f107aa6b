"""Package builder: pick measures, see energy, CO2 and money instantly; verify with EnergyPlus."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from buildings import measures as M
from simulator.app import charts, report
from simulator.app.choices import (
    AIRTIGHT_ACH,
    HEAT_SOURCES,
    WALL_MATERIALS,
    WINDOW_LEVELS,
    Choices,
    from_preset,
    level_label,
)
from simulator.app.i18n import t, wan_cny
from simulator.app.main import archetype_title, assumptions, lang
from simulator.app.options import restore
from simulator.app.state import evaluate_choices

L = lang()
name = st.session_state.get("archetype", "old_estate_pre1990")
st.title(f"{t('Package builder', L)} · {archetype_title(name)}")

# ---------------------------------------------------------------- choice widgets: key -> (options, label)
PRESETS = ("custom", *M.packages())


def preset_label(p: str, lang_: str) -> str:
    if p == "custom":
        return t("Custom", lang_)
    return M.packages()[p]["description_zh"] if lang_ == "zh" else p


# the labels depend on the language, see simulator/app/options.py
CHOICE_WIDGETS = {"b_preset": (PRESETS, preset_label)} | {
    f"b_{field}": (options, lambda v, lang_, f=field: level_label(f, v, lang_))
    for field, options in [("wall_material", WALL_MATERIALS), ("window_level", WINDOW_LEVELS),
                           ("airtight_ach", AIRTIGHT_ACH), ("heat_source", HEAT_SOURCES)]
}


def label_of(key: str):
    """The format_func of a choice widget in the page's language."""
    label = CHOICE_WIDGETS[key][1]
    return lambda v: label(v, L)


def _restore_choices() -> None:
    for key, (options, label) in CHOICE_WIDGETS.items():
        restore(st.session_state, key, options, label)


# ---------------------------------------------------------------- widget state that survives page changes
FIELDS = Choices().as_dict()
_restore_choices()
if "choices" not in st.session_state:
    st.session_state["choices"] = from_preset("envelope").as_dict()
    st.session_state.setdefault("b_preset", "envelope")
    st.session_state["preset_applied"] = st.session_state["b_preset"]
for key, value in st.session_state["choices"].items():
    if f"b_{key}" not in st.session_state:
        st.session_state[f"b_{key}"] = value


def _remember() -> None:
    _restore_choices()
    st.session_state["choices"] = {k: st.session_state.get(f"b_{k}", v)
                                   for k, v in st.session_state["choices"].items()}


def _apply_preset() -> None:
    _restore_choices()
    preset = st.session_state.get("b_preset", "custom")
    if preset == st.session_state.get("preset_applied"):
        return  # a stale label of the same preset came back from the browser: keep the user's edits
    st.session_state["preset_applied"] = preset
    if preset != "custom":
        for key, value in from_preset(preset).as_dict().items():
            st.session_state[f"b_{key}"] = value
        _remember()


inputs, results = st.columns([1, 2], gap="large")
with inputs:
    st.subheader(t("Measures", L))
    st.selectbox(t("Preset", L), PRESETS, key="b_preset", on_change=_apply_preset, format_func=label_of("b_preset"))
    st.selectbox(f"{t('Wall insulation', L)} · {t('Insulation material', L)}", WALL_MATERIALS,
                 format_func=label_of("b_wall_material"), key="b_wall_material", on_change=_remember)
    st.slider(f"{t('Wall insulation', L)} · {t('Thickness [mm]', L)}", 0, 200, step=10, key="b_wall_mm",
              on_change=_remember)
    st.slider(f"{t('Roof insulation', L)} (XPS) · {t('Thickness [mm]', L)}", 0, 200, step=10, key="b_roof_mm",
              on_change=_remember)
    st.slider(f"{t('Ground floor', L)} (XPS) · {t('Thickness [mm]', L)}", 0, 100, step=10, key="b_floor_mm",
              on_change=_remember)
    st.selectbox(t("Window level", L), WINDOW_LEVELS, format_func=label_of("b_window_level"), key="b_window_level",
                 on_change=_remember)
    st.select_slider(t("Airtightness [1/h]", L), options=AIRTIGHT_ACH, format_func=label_of("b_airtight_ach"),
                     key="b_airtight_ach", on_change=_remember)
    st.toggle(t("Heat metering and TRVs", L), key="b_trv", on_change=_remember)
    st.toggle(t("LED lighting", L), key="b_led", on_change=_remember)
    st.radio(t("Heat source", L), HEAT_SOURCES, format_func=label_of("b_heat_source"), key="b_heat_source", on_change=_remember)
    st.toggle("一级能效变频空调 / inverter ACs", key="b_inverter_ac", on_change=_remember,
              disabled=st.session_state["b_heat_source"] == "ashp")
    st.slider(t("PV share of usable roof [%]", L), 0, 100, step=10, key="b_pv_share_pct", on_change=_remember)

choices = {k: st.session_state[f"b_{k}"] for k in FIELDS}
st.session_state["choices"] = choices
ass = assumptions()
res = evaluate_choices(name, choices, ass)
base, after = res["baseline"], res["retrofit"]

with results:
    surrogate = str(res["engine"]).lower().startswith("surrogate")
    st.subheader(t("Results (surrogate model)", L) if surrogate else t("Results (EnergyPlus)", L))
    for w in res["warnings"]:
        st.warning(t("Outside the surrogate's training range", L) + f": {w}")
    area = res["floor_area_m2"]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(f"{t('Heating', L)} [kWh/m²]", f"{after['heating_kwh_m2']:.1f}",
              f"{after['heating_kwh_m2'] - base['heating_kwh_m2']:+.1f}", delta_color="inverse")
    c2.metric(f"{t('CO₂ saved', L)} [t/a]", f"{res['co2_saved_t']:,.1f}")
    c3.metric(f"{t('Capex', L)} [万元]", f"{wan_cny(res['capex_cny']):,.1f}", f"{res['capex_cny_m2']:,.0f} CNY/m²",
              delta_color="off")
    c4.metric(f"{t('Bill savings', L)} [万元/a]", f"{wan_cny(res['bill_savings_cny']):,.2f}")
    c1, c2, c3, c4 = st.columns(4)
    pb = res["simple_payback_years"]
    c1.metric(t("Payback", L), t("never", L) if pb is None else f"{pb:.1f} {t('years', L)}")
    c2.metric(f"{t('NPV', L)} [万元]", f"{wan_cny(res['npv_cny']):,.1f}")
    c3.metric(t("Renewable share", L), f"{100 * res['renewable_share']:.1f} %",
              help="(PV + heat-pump ambient heat) / total final energy use")
    c4.metric(t("Heat-pump SCOP", L), "-" if res["hp_scop"] is None else f"{res['hp_scop']:.2f}")
    c1, c2, c3, _ = st.columns(4)
    c1.metric(f"{t('Standard coal saved', L)} [tce/a]", f"{(base['primary_kgce'] - after['primary_kgce']) / 1000:,.1f}",
              help="GB/T 2589-2020: heat 34.12 kgce/GJ, electricity 0.1229 kgce/kWh (calorific equivalent)")
    c2.metric(f"{t('District heat bought', L)} [GJ/a]", f"{after['district_heat_gj']:,.0f}",
              f"{after['district_heat_gj'] - base['district_heat_gj']:+,.0f}", delta_color="inverse")
    c3.metric(f"{t('Energy bought', L)} [MWh/a]", f"{after['energy_bought_kwh'] / 1000:,.0f}",
              f"{(after['energy_bought_kwh'] - base['energy_bought_kwh']) / 1000:+,.0f}", delta_color="inverse",
              help="district heat + gas + grid electricity")

    if after["heating_billing"] == "area" and 0 < after["district_heat_kwh"] < 0.95 * base["district_heat_kwh"]:
        st.info(t("Heating is billed per m² of floor (area fee): saved heat lowers CO₂ and the heat plant's "
                  "costs, not the households' bills. Heat metering with TRVs turns savings into lower bills.", L))
    monthly = charts.monthly_figure(
        {f"{t('Heating', L)} · {t('Baseline', L)}": [v / 1000 for v in base["monthly_heating_kwh"]],
         f"{t('Heating', L)} · {t('Retrofit', L)}": [v / 1000 for v in after["monthly_heating_kwh"]],
         f"{t('Cooling', L)} · {t('Baseline', L)}": [v / 1000 for v in base["monthly_cooling_kwh"]],
         f"{t('Cooling', L)} · {t('Retrofit', L)}": [v / 1000 for v in after["monthly_cooling_kwh"]]},
        L, t("Monthly heating and cooling load", L), t("Load [MWh]", L),
        colors=[charts.COLORS[c] for c in ("heating_light", "heating", "cooling_light", "cooling")])
    st.plotly_chart(monthly, width="stretch")

    def energy_row(d):
        return {t("District heat", L): d["district_heat_kwh"] / 1000, t("Gas", L): d["gas_kwh"] / 1000,
                t("Grid electricity", L): d["grid_import_kwh"] / 1000,
                t("PV", L): d["pv_self_consumed_kwh"] / 1000}

    energy = pd.DataFrame([energy_row(base), energy_row(after)], index=[t("Baseline", L), t("Retrofit", L)])
    co2 = pd.DataFrame([{t("District heat", L): d["heat_co2_kg"] / 1000, t("Gas", L): d["gas_co2_kg"] / 1000,
                         t("Grid electricity", L): d["electricity_co2_kg"] / 1000} for d in (base, after)],
                       index=energy.index)
    carrier_colors = [charts.COLORS[c] for c in ("district_heat", "gas", "electricity", "pv")]
    e_fig = charts.stacked_bar(energy, t("Energy by end use and carrier", L), t("Energy [MWh/a]", L), carrier_colors)
    c_fig = charts.stacked_bar(co2, t("Annual CO₂", L), t("CO₂ [t/a]", L), carrier_colors[:3])
    a, b_ = st.columns(2)
    a.plotly_chart(e_fig, width="stretch")
    b_.plotly_chart(c_fig, width="stretch")

    # ------------------------------------------------------------ EnergyPlus verification through the queue
    from simulator.app.verify import verify_panel

    verify_panel(name, choices, ass, res, L)

    # ------------------------------------------------------------ downloads
    frames = {"package": report.package_frame(res), "results": report.results_frame(res, L)}
    title = f"{archetype_title(name)} · {res[f'title_{L}']}"
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("Download CSV", L), report.to_csv(frames), "retrofit_results.csv", "text/csv")
    d2.download_button(t("Download Excel", L), report.to_excel(frames), "retrofit_results.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    d3.download_button(t("Download report (HTML)", L),
                       report.html_report(title, res, [monthly, e_fig, c_fig], ass, L),
                       "retrofit_report.html", "text/html")
    st.caption(f"{area:,.0f} m² · {res['engine']} · {res[f'title_{L}']} ({res['label']})")
