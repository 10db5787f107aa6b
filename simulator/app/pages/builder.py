"""Package builder: pick measures, see energy, CO2 and money instantly; verify with EnergyPlus."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from buildings import measures as M
from buildings.ventilation import HYGIENE_MARK
from simulator.app import charts, report
from simulator.app.choices import (
    AIRTIGHT_ACH,
    HEAT_SOURCES,
    WALL_MATERIALS,
    WINDOW_LEVELS,
    Choices,
    from_preset,
    hygiene_note,
    level_label,
)
from simulator.app.i18n import engine_name, t, wan_cny
from simulator.app.main import archetype_title, assumptions, lang
from simulator.app.options import restore
from simulator.app.state import WEATHER, building, evaluate_choices
from simulator.app.verdicts import standards_frame, u_values, verdict_line

L = lang()
name = st.session_state.get("archetype", "old_estate_pre1990")
st.title(f"{t('Package builder', L)} · {archetype_title(name)}")
b_type = building(name).building_type
# the note fits the building type: households in housing, the owner in public buildings
HEAT_BILLING_NOTE = (
    "Heating is billed per m² of floor (area fee): saved heat lowers CO₂ and the heat plant's costs, not the "
    "households' bills. Heat metering with TRVs turns savings into lower bills." if b_type == "residential" else
    "Heating is billed per m² of floor (area fee): saved heat lowers CO₂ and the heat plant's costs, not the "
    "owner's heating bill. Heat metering turns savings into lower bills.")
DOWNLOAD_LABELS = {"html": "Download report (HTML)", "pdf": "Download report (PDF)", "csv": "Download CSV",
                   "xlsx": "Download Excel"}

# ---------------------------------------------------------------- choice widgets: key -> (options, label)
PRESETS = ("custom", *M.packages())


def preset_label(p: str, lang_: str) -> str:
    if p == "custom":
        return t("Custom", lang_)
    pkg = M.packages()[p]
    return pkg["description_zh"] if lang_ == "zh" else pkg["description"].split(":")[0]


# the labels depend on the language, see simulator/app/options.py
CHOICE_WIDGETS = {f"b_preset_{p}": (PRESETS, preset_label) for p in PRESETS} | {
    f"b_{field}": (options, lambda v, lang_, f=field: level_label(f, v, lang_))
    for field, options in [("wall_material", WALL_MATERIALS), ("window_level", WINDOW_LEVELS),
                           ("airtight_ach", AIRTIGHT_ACH), ("heat_source", HEAT_SOURCES)]
}


def label_of(key: str):
    """The format_func of a choice widget in the page's language."""
    label = preset_label if key.startswith("b_preset") else CHOICE_WIDGETS[key][1]
    return lambda v: label(v, L)


def _restore_choices() -> None:
    for key, (options, label) in CHOICE_WIDGETS.items():
        restore(st.session_state, key, options, label)


# ---------------------------------------------------------------- widget state that survives page changes
FIELDS = Choices().as_dict()
_restore_choices()
if "choices" not in st.session_state:
    st.session_state["choices"] = from_preset("envelope").as_dict()
    st.session_state["preset_applied"] = "envelope"
for key, value in st.session_state["choices"].items():
    if f"b_{key}" not in st.session_state:
        st.session_state[f"b_{key}"] = value


def _remember() -> None:
    _restore_choices()
    st.session_state["choices"] = {k: st.session_state.get(f"b_{k}", v)
                                   for k, v in st.session_state["choices"].items()}


def _edited() -> None:
    """A widget moved by the user: the preset shown becomes "custom" unless the choices still equal it."""
    _remember()


def shown_preset(choices: dict) -> str:
    """The preset the choices are (the last one applied, while nobody has edited them), else "custom"."""
    applied = st.session_state.get("preset_applied", "custom")
    if applied != "custom" and from_preset(applied).as_dict() == choices:
        return applied
    return "custom"


def _apply_preset(key: str) -> None:
    """The user picked a preset: fill the widgets with its choices.

    The preset box's key names the preset it showed (``b_preset_<name>``), so when an edit turns it
    into "custom" the box is a new widget: a rerun the browser sent before it heard of the edit
    carries the old box's value, which no longer exists and cannot re-apply the old preset.
    """
    restore(st.session_state, key, PRESETS, preset_label)
    preset = st.session_state.get(key, "custom")
    if key == f"b_preset_{preset}":
        return  # the box already showed this preset (a stale label of it came back): nothing was picked
    st.session_state["b_preset"] = preset
    if preset == "custom":
        st.session_state["preset_applied"] = "custom"
        return
    st.session_state["preset_applied"] = preset
    for k, value in from_preset(preset).as_dict().items():
        st.session_state[f"b_{k}"] = value
    _remember()


HEADLINE_CSS = """<style>
/* Streamlit wraps the container in a stLayoutWrapper of the same height: the wrapper must be the sticky one */
[data-testid="stLayoutWrapper"]:has(> .st-key-headline), .st-key-headline { display: none; }
@media (max-width: 640px) {
  [data-testid="stLayoutWrapper"]:has(> .st-key-headline) { display: block; position: sticky; top: 0;
    z-index: 999; background: #fff; border-bottom: 2px solid #d62728; }
  .st-key-headline { display: block; padding: 4px 2px; font-size: 0.9rem; }
}
</style>"""


# the result of the choices as they stand (widget values are in the session state before the widgets are drawn),
# so the compact headline below can sit above the sliders on a phone
choices = {k: st.session_state[f"b_{k}"] for k in FIELDS}
st.session_state["choices"] = choices
ass = assumptions()
res = evaluate_choices(name, choices, ass)
base, after = res["baseline"], res["retrofit"]
pb = res["simple_payback_years"]
payback_text = t("never", L) if pb is None else f"{pb:.1f} {t('years', L)}"
capex_gross = res["capex_cny"] + res["subsidy_cny"]

# phone: a compact headline that stays in view while the sliders move (hidden on wide screens)
st.markdown(HEADLINE_CSS, unsafe_allow_html=True)
with st.container(key="headline"):
    st.markdown(
        f"**{t('Heating', L)}** {after['heating_kwh_m2']:.1f} kWh/m² · **{t('CO₂ saved', L)}** "
        f"{res['co2_saved_t']:,.1f} {t('t/a', L)} · **{t('Capex', L)}** {wan_cny(capex_gross):,.1f} {t('10⁴ CNY', L)} · "
        f"**{t('Payback', L)}** {payback_text}")

inputs, results = st.columns([1, 2], gap="large")
with inputs:
    st.subheader(t("Measures", L))
    shown = shown_preset({k: st.session_state[f"b_{k}"] for k in FIELDS})
    preset_key = f"b_preset_{shown}"
    st.selectbox(t("Preset", L), PRESETS, index=PRESETS.index(shown), key=preset_key, on_change=_apply_preset,
                 args=(preset_key,), format_func=label_of("b_preset"))
    st.selectbox(f"{t('Wall insulation', L)} · {t('Insulation material', L)}", WALL_MATERIALS,
                 format_func=label_of("b_wall_material"), key="b_wall_material", on_change=_edited)
    st.slider(f"{t('Wall insulation', L)} · {t('Thickness [mm]', L)}", 0, 200, step=10, key="b_wall_mm",
              on_change=_edited)
    st.slider(f"{t('Roof insulation', L)} (XPS) · {t('Thickness [mm]', L)}", 0, 200, step=10, key="b_roof_mm",
              on_change=_edited)
    st.slider(f"{t('Ground floor', L)} (XPS) · {t('Thickness [mm]', L)}", 0, 100, step=10, key="b_floor_mm",
              on_change=_edited)
    st.selectbox(t("Window level", L), WINDOW_LEVELS, format_func=label_of("b_window_level"), key="b_window_level",
                 on_change=_edited)
    st.select_slider(t("Airtightness [1/h]", L), options=AIRTIGHT_ACH, format_func=label_of("b_airtight_ach"),
                     key="b_airtight_ach", on_change=_edited)
    st.toggle(t("Heat-recovery ventilation (MVHR)", L), key="b_mvhr", on_change=_edited)
    st.toggle(t("Heat metering and TRVs", L), key="b_trv", on_change=_edited)
    st.toggle(t("LED lighting", L), key="b_led", on_change=_edited)
    st.radio(t("Heat source", L), HEAT_SOURCES, format_func=label_of("b_heat_source"), key="b_heat_source", on_change=_edited)
    st.toggle(t("Inverter ACs (grade 1)", L), key="b_inverter_ac", on_change=_edited,
              disabled=st.session_state["b_heat_source"] == "ashp")
    st.slider(t("PV share of usable roof [%]", L), 0, 100, step=10, key="b_pv_share_pct", on_change=_edited)

with results:
    surrogate = str(res["engine"]).lower().startswith("surrogate")
    st.subheader(t("Results (surrogate model)", L) if surrogate else t("Results (EnergyPlus)", L))
    for w in res["warnings"]:
        if HYGIENE_MARK not in w:  # shown below in the page's language
            st.warning(t("Outside the surrogate's training range", L) + f": {w}")
    hygiene = hygiene_note(building(name), Choices(**res["choices"]), L)
    if hygiene:
        st.warning(f"{t('Fresh air', L)}: {hygiene}")
    area = res["floor_area_m2"]
    # three per row: at 1024 px four did not fit their numbers ("18..." for a payback)
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('Heating', L)} [kWh/m²]", f"{after['heating_kwh_m2']:.1f}",
              f"{after['heating_kwh_m2'] - base['heating_kwh_m2']:+.1f}", delta_color="inverse")
    c2.metric(f"{t('CO₂ saved', L)} [{t('t/a', L)}]", f"{res['co2_saved_t']:,.1f}")
    c3.metric(f"{t('Bill savings', L)} [{t('10⁴ CNY/a', L)}]", f"{wan_cny(res['bill_savings_cny']):,.2f}")
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('Capex before subsidy', L)} [{t('10⁴ CNY', L)}]", f"{wan_cny(capex_gross):,.1f}",
              f"{capex_gross / area:,.0f} {t('CNY/m²', L)}", delta_color="off")
    c2.metric(f"{t('Capex after subsidy', L)} [{t('10⁴ CNY', L)}]", f"{wan_cny(res['capex_cny']):,.1f}",
              f"-{wan_cny(res['subsidy_cny']):,.1f} {t('10⁴ CNY', L)} {t('subsidy', L)}" if res["subsidy_cny"] else None,
              delta_color="off")
    c3.metric(t("Payback", L), payback_text)
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('NPV', L)} [{t('10⁴ CNY', L)}]", f"{wan_cny(res['npv_cny']):,.1f}")
    c2.metric(f"{t('Renewable share', L)} [%]", f"{100 * res['renewable_share']:.1f}",
              help=t("(PV + heat-pump ambient heat) / total final energy use", L))
    c3.metric(t("Heat-pump SCOP", L), "-" if res["hp_scop"] is None else f"{res['hp_scop']:.2f}")
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('Standard coal saved', L)} [{t('tce/a', L)}]",
              f"{(base['primary_kgce'] - after['primary_kgce']) / 1000:,.1f}",
              help=t("GB/T 2589-2020: heat 34.12 kgce/GJ, electricity 0.1229 kgce/kWh (calorific equivalent)", L))
    c2.metric(f"{t('District heat bought', L)} [{t('GJ/a', L)}]", f"{after['district_heat_gj']:,.0f}",
              f"{after['district_heat_gj'] - base['district_heat_gj']:+,.0f}", delta_color="inverse")
    c3.metric(f"{t('Energy bought', L)} [{t('MWh/a', L)}]", f"{after['energy_bought_kwh'] / 1000:,.0f}",
              f"{(after['energy_bought_kwh'] - base['energy_bought_kwh']) / 1000:+,.0f}", delta_color="inverse",
              help=t("district heat + gas + grid electricity", L))

    if after["heating_billing"] == "area" and 0 < after["district_heat_kwh"] < 0.95 * base["district_heat_kwh"]:
        st.info(t(HEAT_BILLING_NOTE, L))
    if after["co2_kg"] > base["co2_kg"] or after["bills_cny"] > base["bills_cny"] * 1.001:
        st.warning(t("This package makes the building worse on CO₂ or bills: check it suits this archetype.", L))
    base_u, after_u = u_values(name, tuple(Choices(**choices).measures()))
    worse = [k for k, v in base_u.items() if k != "wall_mean" and after_u[k] > v + 1e-6]  # the wall: 1-D U
    if worse:
        st.warning(t("The package raises the U-value of: {parts}. The building already has a better "
                     "construction than this measure installs.", L, parts=", ".join(t(p.capitalize(), L) if
                                                                                   p != "ground_floor" else
                                                                                   t("Ground floor", L)
                                                                                   for p in worse)))
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
    e_fig = charts.stacked_bar(energy, t("Energy by end use and carrier", L), t("Energy [MWh/a]", L), carrier_colors)
    c_fig = charts.stacked_bar(co2, t("Annual CO₂", L), t("CO₂ [t/a]", L), carrier_colors[:3])
    a, b_ = st.columns(2)
    a.plotly_chart(e_fig, width="stretch", config={"displayModeBar": False})
    b_.plotly_chart(c_fig, width="stretch", config={"displayModeBar": False})

    # ------------------------------------------------------------ verdicts against the standards
    st.subheader(t("Standards", L))
    verdicts = standards_frame(building(name), res, L)
    st.markdown(verdict_line(building(name), res, L))
    st.dataframe(verdicts, hide_index=True, width="stretch")

    # ------------------------------------------------------------ EnergyPlus verification through the queue
    from simulator.app.verify import verify_panel

    ep_result = verify_panel(name, choices, ass, res, L)

    # ------------------------------------------------------------ downloads, built on request
    st.subheader(t("Report and downloads", L))
    report_key = json.dumps([name, choices, ass, L, ep_result is not None], sort_keys=True)
    built = st.session_state.get("b_report")
    if built is None or built[0] != report_key:
        if st.button(t("Prepare the report (HTML, PDF, CSV, Excel)", L), key="b_make_report"):
            with st.spinner(t("Building the report…", L)):
                files = report.downloads(building(name), name, res, L, ass, WEATHER, ep_result,
                                         archetype_title(name))
            st.session_state["b_report"] = built = (report_key, files)
    if built is not None and built[0] == report_key:
        cols = st.columns(4)
        for col, f in zip(cols, built[1], strict=True):
            if f.data is None:
                col.warning(f.error)
            else:
                col.download_button(t(DOWNLOAD_LABELS[f.kind], L), f.data, f.file_name, f.mime,
                                    key=f"b_dl_{f.kind}")
    st.caption(f"{area:,.0f} m² · {engine_name(res['engine'], L)} · {res[f'title_{L}']}")
