"""Archetype explorer: massing, constructions against the standard steps, baseline energy."""

from __future__ import annotations

import tomllib
from importlib import resources

import pandas as pd
import streamlit as st

from simulator.app import charts
from simulator.app.choices import Choices
from simulator.app.i18n import t, wan_cny
from simulator.app.main import archetype_title, assumptions, lang
from simulator.app.state import building, evaluate_choices

L = lang()
name = st.session_state.get("archetype", "old_estate_pre1990")
b = building(name)
st.title(f"{t('Archetype explorer', L)} · {archetype_title(name)}")
st.caption(b.description)


@st.cache_data(show_spinner=False)
def standards() -> dict:
    text = resources.files("buildings").joinpath("data/standards.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def construction_table(lang_: str) -> pd.DataFrame:
    u = b.u_values_w_m2k()
    c = b.constructions
    group = standards()["residential" if b.building_type == "residential" else "public"]
    rows = []
    for key, label, cons in (("wall", "Wall", c.wall.name), ("roof", "Roof", c.roof.name),
                             ("window", "Window", c.window.name)):
        row = {t("Element", lang_): t(label, lang_), t("Construction", lang_): cons,
               f"{t('This building', lang_)} [W/(m²·K)]": round(u[key], 2)}
        for step in group.values():
            row[step["label_zh" if lang_ == "zh" else "label"]] = step[key]["value"]
        rows.append(row)
    rows.append({t("Element", lang_): t("Ground floor", lang_), t("Construction", lang_): c.ground_floor.name,
                 f"{t('This building', lang_)} [W/(m²·K)]": round(u["ground_floor"], 2)})
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
    res = evaluate_choices(name, Choices().as_dict(), assumptions())
    base = res["baseline"]
    area = res["floor_area_m2"]
    c1, c2 = st.columns(2)
    c1.metric(f"{t('Heating intensity', L)} [kWh/m²]", f"{base['heating_kwh_m2']:.1f}")
    c2.metric(f"{t('Cooling intensity', L)} [kWh/m²]", f"{base['cooling_kwh_m2']:.1f}")
    c1.metric(f"{t('Annual CO₂', L)} [t/a]", f"{base['co2_kg'] / 1000:,.1f}")
    c2.metric(f"{t('Annual bills', L)} [万元/a]", f"{wan_cny(base['bills_cny']):,.1f}")

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
st.caption(f"{area:,.0f} m² · {res['engine']}")
