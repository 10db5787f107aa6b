"""Compare packages: every combination of chosen levels, Pareto front, MAC curve, sortable table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulator.app import charts, compare_view, mac_view, weather_choice
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
from simulator.app.state import (
    building,
    evaluate_choices,
    make_anchor,
    wait_for_surrogate,
    weather_for,
)

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
wait_for_surrogate(name, L)
wid = st.selectbox(t("Weather", L), weather_choice.builtin_keys(), key="c_weather",
                   format_func=lambda w: weather_choice.label(w, L),
                   help=t("The surrogate predicts every package on this weather year (issue 12: weather is one of "
                          "its inputs); future years are the typical year morphed to the climate scenario.", L))
if wid != "tianjin" and not compare_view.trained_on(building(name), weather_for(wid)):
    st.warning(t("The surrogate was not trained on this weather year: it corrects itself by EnergyPlus runs of "
                 "the archetype and of it with each single measure on it, and checks and refines itself on nine "
                 "random packages there (the first time takes 35-45 s); its intervals carry the uncertainty it has "
                 "for a new weather.", L))
    make_anchor(name, weather_for(wid), t("EnergyPlus runs", L))
combos = combinations(levels)
bar = st.progress(0.0, text=f"{len(combos)} {t('Package', L)}")
rows = []
for i, c in enumerate(combos):
    r = evaluate_choices(name, c.as_dict(), ass, wid)
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
        "_intervals": r.get("intervals_chain"),
        "_choices": c.as_dict(),
    })
    if i % 10 == 0 or i == len(combos) - 1:
        bar.progress((i + 1) / len(combos), text=f"{i + 1}/{len(combos)}")
bar.empty()
df = pd.DataFrame(rows)
sav = compare_view.heating_savings_intervals(building(name), [Choices(**c) for c in df["_choices"]],
                                             None if wid == "tianjin" else weather_for(wid))
saved_col = f"{t('Heating saved', L)} [%]"
df.insert(len(df.columns) - 1, saved_col, sav["savings_pct"].to_numpy())
df.insert(len(df.columns) - 1, f"{saved_col} p05", sav["savings_pct_p05"].to_numpy())
df.insert(len(df.columns) - 1, f"{saved_col} p95", sav["savings_pct_p95"].to_numpy())
df = compare_view.with_chain_intervals(df, "_intervals", {
    "co2_saved_kg": (t("CO₂ saved [t/a]", L), 1e-3),
    "bill_savings_cny": (f"{t('Bill savings', L)} [{t('10⁴ CNY/a', L)}]", 1e-4),
    "cooling_saved_kwh_m2": (f"{t('Cooling saved', L)} [kWh/m²]", 1.0),
    "electricity_saved_kwh": (f"{t('Electricity saved', L)} [MWh/a]", 1e-3)})
cap, saved, label = t("Capex [10⁴ CNY]", L), t("CO₂ saved [t/a]", L), t("Package", L)

st.subheader(f"{t('Capex [10⁴ CNY]', L)} vs {t('CO₂ saved [t/a]', L)}")
st.caption(t("Click a point or a table row to open that package in the builder.", L))
st.caption(t("Grey points: every package; red line: the Pareto front (no other package saves more CO₂ for "
             "less capex).", L))
pareto = charts.pareto_figure(df, cap, saved, label, cap, saved, t("All packages", L), t("Pareto front", L))
pareto.update_traces(hovertemplate=f"%{{text}}<br>{t('Capex', L)}: %{{x:,.1f}} {t('10⁴ CNY', L)}<br>"
                                   f"{t('CO₂ saved', L)}: %{{y:,.1f}} {t('t/a', L)}<extra></extra>")
chart_event = st.plotly_chart(pareto, width="stretch", on_select="rerun", selection_mode="points", key="c_chart")

# incremental marginal abatement cost curve of one package: bars that add up to it
st.subheader(t("Marginal abatement cost curve of one package", L))
front_rows = [int(i) for i in df.index[charts.pareto_mask(df[cap].to_numpy(), df[saved].to_numpy())]]
front_rows = sorted((i for i in front_rows if df.iloc[i][saved] > 0), key=lambda i: -df.iloc[i][saved])
if not front_rows:
    st.info(t("No package of these levels saves CO₂: no curve to draw.", L))
else:
    # the box names a package by its rank, CO₂ saved and capex (the package names ran past the box at 1024 px,
    # issue 16); the full name is written under it
    mac_row = st.selectbox(t("Package to split into its measures (Pareto front, most CO₂ saved first)", L),
                           front_rows, key="c_mac_package",
                           format_func=lambda i: f"{front_rows.index(i) + 1}. {t('CO₂ saved', L)} {df.iloc[i][saved]:,.1f} "
                                                 f"{t('t/a', L)} · {t('Capex', L)} {df.iloc[i][cap]:,.1f} "
                                                 f"{t('10⁴ CNY', L)}")
    st.caption(f"{t('Package', L)}: {df.iloc[mac_row][label]}")
    mac_choices = Choices(**df.iloc[mac_row]["_choices"])
    mac = mac_view.package_mac(mac_choices, lambda c: evaluate_choices(name, c, ass, wid))
    st.caption(t("The package is built one measure at a time, cheapest per tonne first: each bar is a measure's "
                 "cost and CO₂ saving given the measures before it, so the bars add up to the package. Width = CO₂ "
                 "saved [t/a]; height = cost per tonne [CNY/tCO₂]: capex after subsidy annuitised over the "
                 "measure's life, plus O&M, minus bill savings, per tonne; area = net annual cost. Green bars "
                 "(below zero) save more on bills than they cost; red bars cost money for the CO₂ they save. Measures interact (a smaller heat load needs a smaller heat "
                 "pump), so a later bar can be lower than an earlier one.", L))
    st.plotly_chart(mac_view.figure(mac, mac_choices, L), width="stretch", key="c_mac_chart")
    st.dataframe(mac_view.steps_table(mac, mac_choices, L), hide_index=True, width="stretch")
    if mac.not_abating:
        st.caption(t("Left off the curve (no CO₂ saved on top of the measures before): {m}", L,
                     m=", ".join(mac_view.step_label(mac_choices, f, L) for f in mac.not_abating)))

st.subheader(t("All packages", L))
st.caption(t("Heating saved: the surrogate's estimate on the chosen weather, with its 90 % interval (p05 to p95: the "
             "surrogate's own uncertainty, calibrated against EnergyPlus runs it was not trained on).", L))
st.caption(t("CO₂ saved, bill savings, cooling and electricity saved: p05 to p95 carry the surrogate's heating and "
             "cooling intervals through the same systems, tariff and carbon chain (delta method with the GP's "
             "covariance of a building and its retrofit); prices and emission factors are taken as known.", L))
view = df.drop(columns=["_choices", "_intervals"])
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
