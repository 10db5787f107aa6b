"""Tables, plotly figures and the plain-language summary of the district roadmap page (no physics)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from simulator.app.charts import COLORS
from simulator.app.i18n import t

TARGET_LABELS = {
    "renewable_share_2025": "Renewable substitution rate 2025 ≥ 8 %",
    "pv_new_public_roofs_2025": "PV on new public-institution roofs ≥ 50 %",
    "public_energy_per_m2_2025": "Public institutions: energy per m² −5 % (2025 vs 2020)",
    "public_co2_per_m2_2025": "Public institutions: CO₂ per m² −7 % (2025 vs 2020)",
    "new_homes_five_step": "New homes to the five-step standard: 100 %",
    "green_new_buildings": "Green buildings: 100 % of new floor area",
    "boiler_house_heat_pumps_storage": "Heat pumps / electric storage at boiler houses",
    "co2_peak_before_2030": "Building CO₂ peaks before 2030",
}
PERCENT_TARGETS = {"renewable_share_2025", "pv_new_public_roofs_2025", "public_energy_per_m2_2025",
                   "public_co2_per_m2_2025", "new_homes_five_step", "green_new_buildings"}


def _fmt_target_value(name: str, x) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if name in PERCENT_TARGETS:
        return f"{100 * x:.1f} %"
    if name == "co2_peak_before_2030":
        return f"{int(x)}"
    return f"{x / 1e4:,.0f} ×10⁴ m²"


def targets_frame(targets: list, probabilities: dict | None, lang: str) -> pd.DataFrame:
    """One row per target: label, value, target, met, margin, probability (units in the cells)."""
    rows = []
    for tg in targets:
        d = tg.to_dict()
        row = {t("Target", lang): t(TARGET_LABELS.get(d["name"], d["name"]), lang),
               t("Value", lang): _fmt_target_value(d["name"], d["value"]),
               t("Target value", lang): _fmt_target_value(d["name"], d["target"]),
               t("Met", lang): "✓" if d["met"] else "✗"}
        if probabilities is not None:
            p = probabilities.get(d["name"])
            row[t("Probability met [%]", lang)] = None if p is None else round(100 * p)
        rows.append(row)
    return pd.DataFrame(rows)


def trajectory_figure(years: pd.DataFrame, bands: pd.DataFrame | None, column: str, scale: float, y_title: str,
                      lang: str, target: float | None = None, target_year: int | None = None,
                      target_label: str = "", base: pd.DataFrame | None = None) -> go.Figure:
    """A yearly trajectory with its 5-95 % band, the do-nothing line and the target drawn on it."""
    fig = go.Figure()
    x = years["year"]
    if bands is not None and f"{column}_p05" in bands:
        fig.add_trace(go.Scatter(x=bands["year"], y=bands[f"{column}_p95"] * scale, mode="lines",
                                 line={"width": 0}, showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=bands["year"], y=bands[f"{column}_p05"] * scale, mode="lines", fill="tonexty",
                                 line={"width": 0}, fillcolor="rgba(31,119,180,0.2)", name=t("5-95 % band", lang)))
    if base is not None:
        fig.add_trace(go.Scatter(x=base["year"], y=base[column] * scale, mode="lines",
                                 line={"dash": "dot", "color": "#7f7f7f"}, name=t("Do nothing", lang)))
    fig.add_trace(go.Scatter(x=x, y=years[column] * scale, mode="lines+markers", name=t("Scenario", lang),
                             line={"color": COLORS.get("heating", "#1f77b4")}))
    if target is not None:
        fig.add_hline(y=target * scale, line_dash="dash", line_color="#d62728",
                      annotation_text=target_label, annotation_position="top left")
    if target_year is not None:
        fig.add_vline(x=target_year, line_dash="dot", line_color="#d62728")
    fig.update_layout(xaxis_title=t("Year", lang), yaxis_title=y_title, height=340,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"})
    return fig


def carrier_figure(years: pd.DataFrame, lang: str) -> go.Figure:
    """Final energy by carrier per year [GWh], stacked."""
    fig = go.Figure()
    for col, label, color in (("district_heat_kwh", "District heat", COLORS.get("heating", "#d62728")),
                              ("electricity_kwh", "Grid electricity", "#1f77b4"),
                              ("gas_kwh", "Gas", "#ff7f0e"),
                              ("pv_kwh", "PV", "#2ca02c"),
                              ("ambient_heat_kwh", "Ambient heat (heat pumps)", "#17becf")):
        fig.add_trace(go.Bar(x=years["year"], y=years[col] / 1e6, name=t(label, lang), marker_color=color))
    fig.update_layout(barmode="stack", xaxis_title=t("Year", lang), yaxis_title=t("Energy [GWh/a]", lang),
                      height=340, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"})
    return fig


def levers_figure(levers: list, lang: str) -> go.Figure:
    """Tornado: CO2 in 2030 with each lever low and high [kt]."""
    names = [t(f"lever: {lv.lever}", lang) for lv in levers][::-1]
    lo = [lv.co2_2030_t_low / 1e3 for lv in levers][::-1]
    hi = [lv.co2_2030_t_high / 1e3 for lv in levers][::-1]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=lo, orientation="h", name=t("Low setting", lang), marker_color="#9ecae1"))
    fig.add_trace(go.Bar(y=names, x=hi, orientation="h", name=t("High setting", lang), marker_color="#3182bd"))
    fig.update_layout(barmode="group", xaxis_title=t("CO₂ in 2030 [kt]", lang), height=340,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"})
    return fig


def summary(road, programme, lang: str) -> list[str]:
    """Plain-language sentences for the public: where the district stands and what it must do."""
    y = road.years.set_index("year")
    met = {tg.name: tg for tg in road.targets}
    out = [t("With this scenario, the district's building CO₂ is {co2:,.0f} thousand tonnes in 2025 and peaks in "
             "{peak}.", lang, co2=y.loc[2025, "co2_t"] / 1e3, peak=road.peak_year)]
    rs = met["renewable_share_2025"]
    out.append(t("Renewable energy (rooftop PV and heat pumps' ambient heat) covers {rs:.1f} % of the buildings' "
                 "energy in 2025; the target is 8 %.", lang, rs=100 * rs.value))
    n_met = sum(tg.met for tg in road.targets)
    out.append(t("{n} of {total} targets are met.", lang, n=n_met, total=len(road.targets)))
    if programme is not None:
        d = programme.to_dict()
        top = sorted(d["programme"], key=lambda r: -r["capex_cny"])[:3]
        parts = "; ".join(f"{t(_package_label(r['package']), lang)} ({r['area_m2'] / 1e4:,.0f} ×10⁴ m²)" for r in top)
        if programme.feasible:
            out.append(t("The cheapest programme found that meets the 2025 targets and peaks before 2030 costs "
                         "{cost:,.1f} 亿元 of investment, mostly: {parts}.", lang, cost=programme.cost_cny / 1e8,
                         parts=parts))
        else:
            out.append(t("No programme from the candidate packages meets every target; the closest costs "
                         "{cost:,.1f} 亿元, mostly: {parts}.", lang, cost=programme.cost_cny / 1e8, parts=parts))
    return out


def _package_label(name: str) -> str:
    return {"pv_only": "Rooftop PV", "envelope_hp_pv": "Insulation + heat pump + PV",
            "old_estate_standard": "Old-estate standard retrofit", "deep_retrofit": "Deep retrofit",
            "envelope": "Envelope retrofit", "heat_metering": "Heat metering",
            "public_light_envelope": "LED, low-E windows and roof"}.get(name, name)
