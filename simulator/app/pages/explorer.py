"""Archetype explorer: massing, constructions against the standard steps, baseline energy."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulator.app import charts
from simulator.app.choices import Choices
from simulator.app.i18n import engine_name, t, wan_cny
from simulator.app.main import archetype_title, assumptions, lang
from simulator.app.state import building, evaluate_choices, wait_for_surrogate
from simulator.reports import standards as S

L = lang()
name = st.session_state.get("archetype", "old_estate_pre1990")
b = building(name)
st.title(f"{t('Archetype explorer', L)} · {archetype_title(name)}")
st.caption(t(b.description, L))


def construction_table(lang_: str) -> pd.DataFrame:
    """Element, construction and its U-value [W/(m²·K)]."""
    u = b.u_values_w_m2k()
    c = b.constructions
    rows = []
    for key, label, cons in (("wall", "Wall", c.wall.name), ("roof", "Roof", c.roof.name),
                             ("window", "Window", c.window.name), ("ground_floor", "Ground floor", c.ground_floor.name)):
        rows.append({t("Element", lang_): t(label, lang_), t("Construction", lang_): t(cons, lang_),
                     "U [W/(m²·K)]": f"{u[key]:.2f}",
                     t("U with thermal bridges [W/(m²·K)]", lang_): f"{u['wall_mean']:.2f}" if key == "wall" else "-"})
    return pd.DataFrame(rows)


def steps_table(lang_: str) -> pd.DataFrame:
    """One row per standard step: each element's limit with ✓ (met) or ✗ (exceeded); narrow enough for a phone."""
    rows: dict[str, dict[str, str]] = {}
    for c in S.envelope_checks(b):
        std = c.standard_zh if lang_ == "zh" else c.standard
        el = c.quantity.split()[0].capitalize()  # "wall U-value" -> "Wall"
        mark = "✓" if c.passed else "✗"
        rows.setdefault(std, {t("Standard step", lang_): std})[t(el, lang_)] = f"≤ {c.limit:.2f} {mark}"
    return pd.DataFrame(list(rows.values()))


def energy_table(lang_: str, base: dict, area: float) -> pd.DataFrame:
    """GB/T 51350 / GB/T 51161 checks of the building as it is."""
    rows = []
    for c in S.energy_checks(base, b.building_type, area):
        std, qty, note = c.text(lang_)
        lim = "-" if c.limit is None else f"{'≥' if c.at_least else '≤'} {c.limit:g} {c.unit}"
        val = "-" if c.value is None else f"{c.value:g} {c.unit}"
        rows.append({t("Standard step", lang_): std, t("Quantity", lang_): qty, t("This building", lang_): val,
                     t("Limit", lang_): lim,
                     t("Verdict", lang_): S.verdict_symbol(c.passed, lang_) if c.passed is not None else note})
    return pd.DataFrame(rows)


left, right = st.columns([1, 1])
with left:
    st.plotly_chart(charts.massing_figure(b, lambda s: t(s, L)), width="stretch")
    g = b.geometry
    c1, c2, c3 = st.columns(3)
    c1.metric(f"{t('Floor area', L)} [m²]", f"{b.floor_area_m2:,.0f}")
    c2.metric(t("Storeys", L), g.storeys)
    c3.metric(f"{t('Shape factor', L)} [1/m]", f"{g.shape_factor_1_m:.2f}")
with right:
    st.subheader(t("U-value [W/(m²·K)]", L))
    st.dataframe(construction_table(L), hide_index=True, width="stretch")
    st.caption(t("Wall U: from its layers (1-D) and the mean with the linear thermal bridges of slab edges, balconies, "
                 "window reveals, roof edge, plinth and columns; the simulation uses the mean.", L))
    st.markdown(f"**{t('U-value against the standard steps', L)}** [W/(m²·K)]")
    st.dataframe(steps_table(L), hide_index=True, width="stretch")
    wait_for_surrogate(name, L)
    res = evaluate_choices(name, Choices().as_dict(), assumptions())
    base = res["baseline"]
    area = res["floor_area_m2"]
    c1, c2 = st.columns(2)
    c1.metric(f"{t('Heating intensity', L)} [kWh/m²]", f"{base['heating_kwh_m2']:.1f}")
    c2.metric(f"{t('Cooling intensity', L)} [kWh/m²]", f"{base['cooling_kwh_m2']:.1f}")
    c1.metric(f"{t('Annual CO₂', L)} [{t('t/a', L)}]", f"{base['co2_kg'] / 1000:,.1f}")
    c2.metric(f"{t('Annual bills', L)} [{t('10⁴ CNY/a', L)}]", f"{wan_cny(base['bills_cny']):,.1f}")

st.plotly_chart(charts.monthly_figure(
    {t("Heating", L): [v / 1000 for v in base["monthly_heating_kwh"]],
     t("Cooling", L): [v / 1000 for v in base["monthly_cooling_kwh"]]},
    L, t("Monthly heating and cooling load", L), t("Load [MWh]", L),
    colors=[charts.COLORS["heating"], charts.COLORS["cooling"]]), width="stretch")

carriers = pd.DataFrame(
    {t("District heat", L): [base["district_heat_kwh"] / 1000],
     t("Gas", L): [base["gas_kwh"] / 1000],
     f"{t('Grid electricity', L)} · {t('Heating', L)}": [base["electricity_heating_kwh"] / 1000],
     f"{t('Grid electricity', L)} · {t('Cooling', L)}": [base["electricity_cooling_kwh"] / 1000],
     f"{t('Grid electricity', L)} · {t('Lighting', L)}": [base["electricity_lighting_kwh"] / 1000],
     f"{t('Grid electricity', L)} · {t('Plugs', L)}": [base["electricity_equipment_kwh"] / 1000]},
    index=[t("Baseline", L)])
st.plotly_chart(charts.stacked_bar(carriers, t("Energy by end use and carrier", L), t("Energy [MWh/a]", L),
                                   [charts.COLORS[c] for c in ("district_heat", "gas", "heating_light", "cooling_light",
                                                               "lighting", "equipment")]),
                width="stretch")
st.subheader(t("Energy level of the building as it is", L))
st.dataframe(energy_table(L, base, area), hide_index=True, width="stretch")
st.caption(f"{area:,.0f} m² · {engine_name(res['engine'], L)}")
