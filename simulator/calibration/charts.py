"""Plotly figures of a calibration: pure functions from a result's JSON to figures (no Streamlit).

Axis titles carry units; labels come translated through the ``t`` argument.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simulator.calibration.metrics import CVRMSE_MONTHLY_LIMIT_PCT, NMBE_MONTHLY_LIMIT_PCT

MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_ZH = [f"{m}月" for m in range(1, 13)]
SERIES = (("measured", "Measured", "#222222"), ("surrogate", "Surrogate (posterior mean)", "#1f77b4"),
          ("energyplus", "EnergyPlus (posterior mean)", "#d62728"), ("uncalibrated", "Uncalibrated archetype", "#aaaaaa"))


def _months(lang: str) -> list[str]:
    return MONTHS_ZH if lang == "zh" else MONTHS_EN


def monthly_figure(monthly: list[dict], meter: str, t=lambda s: s, lang: str = "en") -> go.Figure:
    """Measured vs simulated monthly energy [MWh] of one meter (``"heat"`` or ``"electricity"``)."""
    fig = go.Figure()
    x = _months(lang)
    for key, label, color in SERIES:
        col = f"{meter}_{key}_kwh"
        y = [None if r.get(col) is None else r[col] / 1000.0 for r in monthly]
        if all(v is None for v in y):
            continue
        if key == "measured":
            fig.add_bar(x=x, y=y, name=t(label), marker_color=color, opacity=0.35)
        else:
            fig.add_scatter(x=x, y=y, name=t(label), mode="lines+markers", line={"color": color,
                            "dash": "dot" if key == "uncalibrated" else "solid"})
    title = "Heat [MWh]" if meter == "heat" else "Electricity [MWh]"
    fig.update_layout(yaxis_title=t(title), height=340, margin={"t": 30}, legend={"orientation": "h"})
    return fig


def posterior_figure(samples: dict[str, list[float]], posterior: dict[str, dict], labels: dict[str, str],
                     t=lambda s: s) -> go.Figure:
    """Posterior histograms, one panel per parameter, with the prior's and the posterior's 90 % intervals."""
    names = list(samples)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[labels.get(n, n) for n in names])
    for i, n in enumerate(names, start=1):
        fig.add_histogram(x=np.asarray(samples[n]), nbinsx=40, histnorm="probability density", showlegend=False,
                          marker_color="#1f77b4", row=1, col=i)
        p = posterior[n]
        for key, color, dash in (("prior_p05", "#aaaaaa", "dot"), ("prior_p95", "#aaaaaa", "dot"),
                                 ("p05", "#d62728", "dash"), ("p95", "#d62728", "dash")):
            fig.add_vline(x=p[key], line={"color": color, "dash": dash, "width": 1}, row=1, col=i)
    fig.update_layout(height=300, margin={"t": 40}, title_text=t("Grey dotted: prior 90 %; red dashed: posterior 90 %"),
                      title_font_size=12)
    return fig


def metrics_rows(metrics: dict[str, dict], t=lambda s: s) -> list[dict]:
    """Table rows: engine, meter, CV(RMSE) and NMBE against the Guideline 14 monthly limits."""
    rows = []
    for engine, label in (("energyplus", "EnergyPlus"), ("surrogate", "Surrogate"),
                          ("uncalibrated_surrogate", "Uncalibrated archetype")):
        for meter, m in metrics.get(engine, {}).items():
            rows.append({t("Model"): t(label), t("Meter"): t("Heat" if meter == "heat" else "Electricity"),
                         "CV(RMSE) [%]": round(m["cvrmse_pct"], 1), f"≤ {CVRMSE_MONTHLY_LIMIT_PCT:g} %": "✓" if m["cvrmse_pct"] <= CVRMSE_MONTHLY_LIMIT_PCT else "✗",
                         "NMBE [%]": round(m["nmbe_pct"], 1), f"±{NMBE_MONTHLY_LIMIT_PCT:g} %": "✓" if abs(m["nmbe_pct"]) <= NMBE_MONTHLY_LIMIT_PCT else "✗",
                         t("Months"): m["n_months"]})
    return rows
