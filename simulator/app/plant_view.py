"""Tables and plotly figures of the heat-plant page (no physics: they read a :class:`~simulator.plant.PlantResult`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simulator.app.charts import COLORS
from simulator.app.i18n import t, wan_cny
from simulator.plant.demand import coldest_window_start

SOURCE_COLORS = {"gas_boiler": COLORS["heating"], "heat_pump": "#ff7f0e", "electric_boiler": "#9467bd",
                 "chp": "#8c564b", "discharge": "#e377c2"}
SOURCE_LABELS = {"gas_boiler": "Gas boilers", "heat_pump": "Heat pumps", "electric_boiler": "Electric boilers",
                 "chp": "CHP heat", "discharge": "From storage"}


def option_label(o, lang: str) -> str:
    """The option's label in ``lang`` (spec labels, name as fallback)."""
    return (o.label_zh if lang == "zh" else o.label) or o.name


def options_frame(res, lang: str) -> pd.DataFrame:
    """One row per option: capex, cost and CO2 per GJ, grid figures, turning points (units in the headers)."""
    rows = []
    last_year = max(res.grid_path)
    for o in res.options:
        tp = o.turning
        rows.append({
            t("Option", lang): option_label(o, lang),
            t("Capex [万元]", lang): round(wan_cny(o.capex_cny)),
            t("Cost of heat [CNY/GJ]", lang): round(o.cost_cny_per_gj, 1),
            t("CO₂ [kg/GJ]", lang): round(o.co2_kg_per_gj, 1),
            t("CO₂ with green power [kg/GJ]", lang): round(o.co2_at(0.0) / o.heat_delivered_gj, 1),
            t("CO₂ on the grid path in {year} [kg/GJ]", lang, year=last_year):
                round(o.co2_at(res.grid_path[last_year]) / o.heat_delivered_gj, 1),
            t("Grid peak [kW]", lang): round(o.peak_grid_kw),
            t("Valley share of electricity [%]", lang): None if o.valley_share is None else round(100 * o.valley_share),
            t("Grid factor where CO₂ ranking turns [kg/kWh]", lang): _r(tp.get("grid_factor_turn_kg_kwh"), 3),
            t("Tariff multiplier where cost ranking turns [-]", lang): _r(tp.get("electricity_price_turn_factor"), 2),
            t("Gas price where cost ranking turns [CNY/m³]", lang): _r(tp.get("gas_price_turn_cny_m3"), 2),
        })
    return pd.DataFrame(rows)


def _r(x, nd):
    return None if x is None else round(float(x), nd)


def _times(res) -> pd.DatetimeIndex:
    ld = res.load
    start_month = res.spec.season_start[0]
    wraps = res.spec.season_start > res.spec.season_end
    year = np.where(wraps & (ld.month >= start_month), 2000, 2001) if wraps else np.full(len(ld.month), 2001)
    return pd.to_datetime({"year": year, "month": ld.month, "day": ld.day, "hour": ld.clock_hour})


def dispatch_figure(res, option_name: str, lang: str, hours: int = 168) -> go.Figure:
    """Cold-week dispatch: stacked heat by source [MW], send-out line, storage level [MWh], peak-tariff shading."""
    o = res.option(option_name)
    d = o.dispatch
    i0 = coldest_window_start(res.load.outdoor_c, hours)
    sl = slice(i0, i0 + hours)
    x = _times(res)[sl]
    fig = go.Figure()
    series = {"gas_boiler": d.gas_heat_kw, "heat_pump": d.hp_heat_kw, "electric_boiler": d.eb_heat_kw,
              "chp": d.chp_heat_kw, "discharge": d.discharge_kw}
    for key, y in series.items():
        if float(np.sum(y[sl])) <= 0:
            continue
        fig.add_scatter(x=x, y=y[sl] / 1000, name=t(SOURCE_LABELS[key], lang), stackgroup="supply", mode="none",
                        fillcolor=SOURCE_COLORS[key])
    fig.add_scatter(x=x, y=res.load.sendout_kw[sl] / 1000, name=t("Demand + network losses", lang), mode="lines",
                    line={"color": "black", "width": 1.5})
    if o.sizes.storage_kwh > 0:
        fig.add_scatter(x=x, y=d.soc_kwh[:-1][sl] / 1000, name=t("Storage level [MWh]", lang), mode="lines",
                        line={"color": "#1f77b4", "dash": "dot"}, yaxis="y2")
    band = res.context.prices.band[sl]
    peak = band == "peak"
    edges = np.flatnonzero(np.diff(np.concatenate([[0], peak.astype(int), [0]])))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        fig.add_vrect(x0=x.iloc[a], x1=x.iloc[b - 1] + pd.Timedelta(hours=1), fillcolor="#bbbbbb", opacity=0.25,
                      line_width=0, layer="below")
    fig.update_layout(height=420, margin={"t": 30}, xaxis={"tickformat": "%m-%d"},
                      yaxis={"title": t("Heat [MW]", lang), "rangemode": "tozero"},
                      yaxis2={"title": t("Storage level [MWh]", lang), "overlaying": "y", "side": "right",
                              "showgrid": False, "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.2})
    return fig


def sweep_figure(res, metric: str, lang: str) -> go.Figure:
    """Heatmap of a sweep metric over heat-pump share (rows) x storage hours (columns)."""
    df = pd.DataFrame(list(res.sweep))
    table = df.pivot(index="heat_pump_share", columns="storage_h", values=metric)
    titles = {"cost_cny_per_gj": "Cost of heat [CNY/GJ]", "co2_kg_per_gj": "CO₂ [kg/GJ]",
              "peak_grid_kw": "Grid peak [kW]", "capex_cny": "Capex [CNY]"}
    fig = go.Figure(go.Heatmap(z=table.to_numpy(), x=[f"{c:g}" for c in table.columns],
                               y=[f"{100 * r:g} %" for r in table.index], colorscale="Reds",
                               colorbar={"title": t(titles[metric], lang)},
                               text=np.round(table.to_numpy(), 1), texttemplate="%{text}"))
    fig.update_layout(height=340, margin={"t": 40}, title=t(titles[metric], lang),
                      xaxis_title=t("Storage [h of design load]", lang),
                      yaxis_title=t("Heat-pump capacity [% of design load]", lang))
    return fig


def co2_vs_grid_figure(res, lang: str, max_factor: float = 1.0) -> go.Figure:
    """CO2 per GJ of each option against the grid factor (straight lines for fixed dispatches)."""
    g = np.linspace(0.0, max_factor, 41)
    fig = go.Figure()
    for o in res.options:
        fig.add_scatter(x=g, y=(o.co2_nonelectric_kg + o.electricity_kwh * g) / o.heat_delivered_gj, mode="lines",
                        name=option_label(o, lang))
    fig.add_vline(x=res.context.prices.grid_kg_kwh, line_dash="dash", line_color="#888888")
    for year, factor in res.grid_path.items():  # the grid-factor path (plant.toml [grid_path])
        fig.add_vline(x=factor, line_dash="dot", line_color="#bbbbbb", annotation_text=str(year),
                      annotation_position="top")
    fig.update_layout(height=360, margin={"t": 30}, xaxis_title=t("Grid factor [kgCO₂/kWh]", lang),
                      yaxis_title=t("CO₂ [kg/GJ]", lang), legend={"orientation": "h", "y": -0.25})
    return fig


def sweep_frame(res, lang: str) -> pd.DataFrame:
    """The sizing sweep as a table (units in the headers)."""
    return pd.DataFrame([{
        t("Heat-pump capacity [% of design load]", lang): round(100 * r["heat_pump_share"]),
        t("Storage [h of design load]", lang): r["storage_h"],
        t("Capex [万元]", lang): round(wan_cny(r["capex_cny"])),
        t("Cost of heat [CNY/GJ]", lang): round(r["cost_cny_per_gj"], 1),
        t("CO₂ [kg/GJ]", lang): round(r["co2_kg_per_gj"], 1),
        t("Grid peak [kW]", lang): round(r["peak_grid_kw"]),
        t("Valley share of electricity [%]", lang): None if r["valley_share"] is None else round(100 * r["valley_share"]),
    } for r in res.sweep])
