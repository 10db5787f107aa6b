"""Compare packages: every combination of chosen levels, Pareto front, MAC curve, sortable table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulator.app import charts
from simulator.app.choices import (
    LEVELS,
    MAX_COMBINATIONS,
    Choices,
    combinations,
    level_label,
    open_in_builder,
    picked_row,
)
from simulator.app.i18n import t, wan_cny
from simulator.app.main import archetype_title, assumptions, lang
from simulator.app.options import restore
from simulator.app.state import evaluate_choices

L = lang()
name = st.session_state.get("archetype", "old_estate_pre1990")
st.title(f"{t('Compare packages', L)} · {archetype_title(name)}")

LABELS = {
    "wall_mm": f"{t('Wall insulation', L)} EPS [mm]",
    "roof_mm": f"{t('Roof insulation', L)} XPS [mm]",
    "window_level": t("Window level", L),
    "airtight_ach": t("Airtightness [1/h]", L),
    "trv": t("Heat metering and TRVs", L),
    "led": t("LED lighting", L),
    "heat_source": t("Heat source", L),
    "pv_share_pct": t("PV share of usable roof [%]", L),
}
DEFAULTS = {"wall_mm": [0, 70, 100], "roof_mm": [0, 100], "window_level": ["keep", "pvc_double", "lowe_double"],
            "airtight_ach": [0.0, 0.5], "trv": [False], "led": [False], "heat_source": ["keep", "ashp"],
            "pv_share_pct": [0, 50]}



st.subheader(t("Levels to combine", L))
cols = st.columns(4)
levels = {}
for i, (key, options) in enumerate(LEVELS.items()):
    restore(st.session_state, f"c_{key}", list(options), lambda v, lang_, k=key: level_label(k, v, lang_), multi=True)
    levels[key] = tuple(cols[i % 4].multiselect(LABELS[key], list(options), default=DEFAULTS[key], key=f"c_{key}",
                                                format_func=lambda v, k=key: level_label(k, v, L)))
n = 1
for v in levels.values():
    n *= max(1, len(v))
if n > MAX_COMBINATIONS:
    st.error(f"{n} > {MAX_COMBINATIONS}: choose fewer levels / 请减少组合数")
    st.stop()

ass = assumptions()
combos = combinations(levels)
bar = st.progress(0.0, text=f"{len(combos)} {t('Package', L)}")
rows = []
for i, c in enumerate(combos):
    r = evaluate_choices(name, c.as_dict(), ass)
    rows.append({
        t("Package", L): r[f"title_{L}"],
        t("Capex [10⁴ CNY]", L): wan_cny(r["capex_cny"]),
        t("CO₂ saved [t/a]", L): r["co2_saved_t"],
        f"{t('Bill savings', L)} [{t('10⁴ CNY/a', L)}]": wan_cny(r["bill_savings_cny"]),
        f"{t('Payback', L)} [{t('years', L)}]": r["simple_payback_years"],
        f"{t('NPV', L)} [{t('10⁴ CNY', L)}]": wan_cny(r["npv_cny"]),
        t("Cost of conserved carbon [CNY/tCO₂]", L): r["cost_of_conserved_carbon_cny_per_t"],
        f"{t('Heating', L)} [kWh/m²]": r["heating_kwh_m2"],
        f"{t('Renewable share', L)} [%]": 100 * r["renewable_share"],
        "_choices": c.as_dict(),
    })
    if i % 10 == 0 or i == len(combos) - 1:
        bar.progress((i + 1) / len(combos), text=f"{i + 1}/{len(combos)}")
bar.empty()
df = pd.DataFrame(rows)
cap, saved, label = t("Capex [10⁴ CNY]", L), t("CO₂ saved [t/a]", L), t("Package", L)

st.subheader(f"{t('Capex [10⁴ CNY]', L)} vs {t('CO₂ saved [t/a]', L)}")
st.caption(t("Click a point or a table row to open that package in the builder.", L))
st.caption(t("Grey points: every package; red line: the Pareto front (no other package saves more CO₂ for "
             "less capex).", L))
chart_event = st.plotly_chart(
    charts.pareto_figure(df, cap, saved, label, cap, saved, t("All packages", L), t("Pareto front", L)),
    width="stretch", on_select="rerun", selection_mode="points", key="c_chart")

# marginal abatement cost curve of single measures (each on its own, at its middle chosen level)
singles = []
for key, vals in levels.items():
    active = [v for v in vals if v not in (0, 0.0, False, "keep")]
    if active:
        singles.append(Choices(**{key: active[len(active) // 2]}))
mac_rows = []
for c in singles:
    r = evaluate_choices(name, c.as_dict(), ass)
    if r["co2_saved_t"] and r["co2_saved_t"] > 0 and r["cost_of_conserved_carbon_cny_per_t"] is not None:
        mac_rows.append({"measure": r[f"title_{L}"], "ccc": r["cost_of_conserved_carbon_cny_per_t"],
                         "saved": r["co2_saved_t"]})
if mac_rows:
    st.subheader(t("Marginal abatement cost curve", L))
    st.caption(t("Each bar is one measure on its own (at its middle chosen level), not a step of a package: "
                 "the bars do not add up to any package's saving. Width = CO₂ saved, height = cost per tonne; "
                 "green bars save money over the horizon (negative cost), red bars cost money.", L))
    st.plotly_chart(charts.mac_curve_figure(pd.DataFrame(mac_rows), "ccc", "saved", "measure",
                                            t("CO₂ saved [t/a]", L), t("Cost of conserved carbon [CNY/tCO₂]", L)),
                    width="stretch")

st.subheader(t("All packages", L))
view = df.drop(columns=["_choices"])
event = st.dataframe(view, hide_index=True, width="stretch", on_select="rerun",
                     selection_mode="single-row", key="c_table",
                     column_config={c: st.column_config.NumberColumn(format="%.1f") for c in view.columns[1:]})
rows_picked = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
points = list(chart_event.selection.points) if chart_event is not None and hasattr(chart_event, "selection") else []
row = picked_row(rows_picked, points, len(df))
if row is not None:
    st.info(f"{t('Selected', L)}: {df.iloc[row][label]}")
    if st.button(t("Open in builder", L), key="c_open", type="primary"):
        open_in_builder(st.session_state, df.iloc[row]["_choices"])
        st.switch_page("simulator/app/pages/builder.py")
