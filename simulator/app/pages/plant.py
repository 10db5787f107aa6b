"""Heat plant: boiler-house conversion options, cold-week dispatch, sizing sweep (the library does the work)."""

from __future__ import annotations

import streamlit as st

from simulator.app import plant_view as V
from simulator.app.i18n import t
from simulator.app.main import lang
from simulator.plant import run_plant

L = lang()
st.title(t("Heat plant: boiler-house conversions", L))
st.caption(t("A gas boiler house of 73 × 10⁴ m² (old-estate and 1990s blocks) and its options, dispatched hour by "
             "hour over the heating season at least cost or least CO₂ (linear program, HiGHS).", L))

objective = st.radio(t("Dispatch objective", L), ["cost", "co2"], horizontal=True, key="pl_objective",
                     format_func=lambda k: t("Least cost", L) if k == "cost" else t("Least CO₂", L))


@st.cache_data(show_spinner=False, max_entries=4)
def plant_result(objective: str):
    # one run per objective and server process: season demand, every option's LP, the sweep, the turning points
    return run_plant(None, objective=objective, sweep=True)


with st.spinner(t("Computing", L)):  # a spinner, not st.progress: a cached function must not update page elements
    res = plant_result(objective)

ld = res.load
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("Floor area", L), f"{ld.floor_area_m2 / 1e4:,.0f} ×10⁴ m²")
c2.metric(t("Heat to buildings", L), f"{ld.demand_kwh * 0.0036:,.0f} GJ")
c3.metric(t("Network losses", L), f"{100 * ld.loss_kwh / (ld.demand_kwh + ld.loss_kwh):.1f} %")
c4.metric(t("Design load", L), f"{ld.design_load_kw / 1000:,.1f} MW")

st.subheader(t("Options", L))
st.dataframe(V.options_frame(res, L), hide_index=True, width="stretch")
st.caption(t("Cost of heat: annualised new capex (capital recovery factor, {rate_pct:g} % real) + O&M + energy, per GJ delivered "
             "to the buildings. Turning points are against the first option (today's gas boilers).", L, rate_pct=100 * res.context.discount_rate))

st.subheader(t("Cold week, hour by hour", L))
names = [o.name for o in res.options]
choice = st.selectbox(t("Option", L), names, index=names.index("ashp_storage_gas") if "ashp_storage_gas" in names else 0,
                      format_func=lambda n: V.option_label(res.option(n), L), key="pl_option")
st.plotly_chart(V.dispatch_figure(res, choice, L), width="stretch")
st.caption(t("Grey bands: peak-tariff hours. Stacked areas: heat by source; dotted: stored heat.", L))

st.subheader(t("Sizing sweep: heat pumps × storage (gas peak boilers kept)", L))
s1, s2 = st.columns(2)
s1.plotly_chart(V.sweep_figure(res, "cost_cny_per_gj", L), width="stretch")
s2.plotly_chart(V.sweep_figure(res, "co2_kg_per_gj", L), width="stretch")
with st.expander(t("Sweep table", L)):
    st.dataframe(V.sweep_frame(res, L), hide_index=True, width="stretch")

st.subheader(t("CO₂ against the grid factor", L))
st.plotly_chart(V.co2_vs_grid_figure(res, L), width="stretch")
