"""District roadmap: trajectories against the carbon-peak targets, what-if levers, downloads (the library does the work)."""

from __future__ import annotations

import streamlit as st

from simulator.app import roadmap_view as V
from simulator.app.i18n import t
from simulator.app.main import lang
from simulator.district import optimise as O
from simulator.district import roadmap as R
from simulator.district import uncertainty as U
from simulator.district.scenario import load_scenario, with_levers

L = lang()
N_BUILDINGS = 1000  # sampled buildings: about 5 s to prepare once per server process
DRAWS = 100

st.title(t("District roadmap", L))
st.caption(t("Hongqiao's building stock (about 2 × 10⁷ m²) year by year from 2020 to 2035 against the carbon-peak "
             "targets: {n} sampled buildings through the surrogate, systems and carbon accounting.", L, n=N_BUILDINGS))


@st.cache_resource(show_spinner=False, max_entries=2)
def prepared(scenario_name: str):
    # one sample and one surrogate prediction per scenario and server process; never mutated
    return R.prepare(None, scenario_name, N_BUILDINGS, seed=2020, with_std=True)


@st.cache_resource(show_spinner=False, max_entries=2)
def baseline(scenario_name: str):
    # the do-nothing trajectory on the same existing buildings, for the dotted line
    p = prepared(scenario_name)
    s = load_scenario("do_nothing")
    q = R.prepare(p.stock, s, buildings=p.buildings.loc[~p.buildings["new_construction"]])
    return R.result(q, R.evaluate(q), s).years


@st.cache_resource(show_spinner=False, max_entries=2)
def programme(scenario_name: str):
    return O.cheapest_programme(prepared(scenario_name))


@st.cache_resource(show_spinner=False, max_entries=2)
def levers(scenario_name: str):
    return O.tornado(prepared(scenario_name))


scenario_name = st.selectbox(t("Scenario", L), ["default", "do_nothing"], key="rm_scenario",
                             format_func=lambda n: t("Announced programme", L) if n == "default" else t("Do nothing", L))
with st.spinner(t("Computing", L)):
    p = prepared(scenario_name)

st.subheader(t("What if", L))
c1, c2, c3, c4 = st.columns(4)
rollout = c1.slider(t("Retrofit rollout speed [×]", L), 0.0, 3.0, 1.0, 0.25, key="rm_rollout")
pv = c2.slider(t("PV on public-institution roofs [%]", L), 0, 100, 50, 5, key="rm_pv")
hp = c3.slider(t("Heat-pump and boiler-house conversions [×]", L), 0.0, 3.0, 1.0, 0.25, key="rm_hp")
grid = c4.slider(t("Grid decarbonisation speed [×]", L), 0.0, 2.0, 1.0, 0.25, key="rm_grid")
show_bands = st.toggle(t("Uncertainty bands ({n} Monte Carlo draws)", L, n=DRAWS), value=True, key="rm_bands")

base_s = p.ctx.scenario
s = with_levers(base_s, rollout=rollout, pv_share=pv / 100.0, heat_pump=hp, grid_scale_2035=grid)
totals = R.evaluate(p, s)
road = R.result(p, totals, s)
mc = U.monte_carlo(totals, s, road.years[["year", "capex_cny"]], R.gas_lhv(p), DRAWS, seed=1) if show_bands else None
bands = mc.bands if mc is not None else None
base_years = baseline(scenario_name)

m1, m2, m3, m4 = st.columns(4)
y = road.years.set_index("year")
m1.metric(t("CO₂ in 2025", L), f"{y.loc[2025, 'co2_t'] / 1e3:,.0f} kt")
m2.metric(t("Peak year of building CO₂", L), f"{road.peak_year}")
m3.metric(t("Renewable share 2025", L), f"{100 * y.loc[2025, 'renewable_share']:.2f} %")
m4.metric(t("Investment 2021-2035", L), f"{road.years['capex_cny'].sum() / 1e8:,.2f} {t('亿元', L)}")

st.subheader(t("Targets", L))
st.dataframe(V.targets_frame(road.targets, mc.probabilities if mc is not None else None, L), hide_index=True,
             width="stretch")

st.subheader(t("Trajectories", L))
g1, g2 = st.columns(2)
g1.plotly_chart(V.trajectory_figure(road.years, bands, "co2_t", 1e-3, t("Building CO₂ [kt/a]", L), L,
                                    target_year=2030, target_label="", base=base_years), width="stretch")
g2.plotly_chart(V.trajectory_figure(road.years, bands, "renewable_share", 100.0, t("Renewable share [%]", L), L,
                                    target=0.08, target_year=2025, target_label=t("target 8 %", L), base=base_years),
                width="stretch")
g3, g4 = st.columns(2)
g3.plotly_chart(V.trajectory_figure(road.years, bands, "public_kgce_m2_vs_2020", 100.0,
                                    t("Public institutions: energy per m² vs 2020 [%]", L), L, target=-0.05,
                                    target_year=2025, target_label=t("target −5 %", L), base=base_years),
                width="stretch")
g4.plotly_chart(V.trajectory_figure(road.years, bands, "public_co2_kg_m2_vs_2020", 100.0,
                                    t("Public institutions: CO₂ per m² vs 2020 [%]", L), L, target=-0.07,
                                    target_year=2025, target_label=t("target −7 %", L), base=base_years),
                width="stretch")
st.plotly_chart(V.carrier_figure(road.years, L), width="stretch")

st.subheader(t("What it takes", L))
if st.toggle(t("Show the levers and the cheapest programme (about 10 s the first time)", L), key="rm_what_it_takes"):
    with st.spinner(t("Computing", L)):
        lv = levers(scenario_name)
        prog = programme(scenario_name)
    st.plotly_chart(V.levers_figure(lv, L), width="stretch")
    st.caption(t("CO₂ in 2030 with each lever at its low and high setting, everything else as in the scenario.", L))
else:
    prog = None

st.subheader(t("In plain words", L))
for line in V.summary(road, prog, L):
    st.markdown(f"- {line}")

st.subheader(t("Downloads", L))
d1, d2 = st.columns(2)
d1.download_button(t("Years (CSV)", L), road.years.to_csv(index=False).encode("utf-8"), "roadmap_years.csv",
                   "text/csv", key="rm_dl_years")
d2.download_button(t("Targets (CSV)", L), V.targets_frame(road.targets, mc.probabilities if mc else None, "en")
                   .to_csv(index=False).encode("utf-8"), "roadmap_targets.csv", "text/csv", key="rm_dl_targets")
for note in road.notes:
    st.caption(t(note, L))
