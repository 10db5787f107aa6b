"""The compare page's incremental MAC curve: a builder package split into its measures (no physics here).

The curve itself is :func:`simulator.abatement.incremental_mac`; this module
maps a :class:`~simulator.app.choices.Choices` to its measures (one per
widget field), draws the bars and makes the table, in Chinese or English.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simulator.abatement import IncrementalMac, incremental_mac
from simulator.app.charts import COLORS, styled
from simulator.app.choices import Choices
from simulator.app.i18n import t

#: the builder fields that are one measure each (the wall material goes with the wall thickness)
LEVER_FIELDS = ("wall_mm", "roof_mm", "floor_mm", "window_level", "airtight_ach", "trv", "led", "heat_source",
                "inverter_ac", "pv_share_pct")
_DEFAULT = Choices()


def steps_of(choices: Choices) -> list[str]:
    """The fields of a package that are measures: those whose removal changes the package's measures."""
    full = choices.measures()
    return [f for f in LEVER_FIELDS
            if dataclasses.replace(choices, **{f: getattr(_DEFAULT, f)}).measures() != full]


def subset(choices: Choices, fields) -> Choices:
    """The package reduced to some of its measures (the others at their "not taken" value)."""
    return dataclasses.replace(_DEFAULT, wall_material=choices.wall_material,
                               **{f: getattr(choices, f) for f in fields})


def step_label(choices: Choices, field: str, lang: str) -> str:
    """One measure of the package as people read it."""
    return subset(choices, [field]).short_label(lang)


def package_mac(choices: Choices, evaluate: Callable[[dict], dict[str, Any]]) -> IncrementalMac:
    """The incremental MAC curve of a builder package; ``evaluate`` maps a Choices dict to its result."""
    return incremental_mac(steps_of(choices), lambda fields: evaluate(subset(choices, fields).as_dict()))


def _texts(lang: str) -> dict[str, str]:
    return {"x": t("Cumulative CO₂ saved [t/a]", lang),
            "y": t("Cost per tonne, given the measures before [CNY/tCO₂]", lang),
            "per_t": t("Cost per tonne", lang), "saved": t("CO₂ saved", lang),
            "net": t("Net annual cost", lang), "cum": t("Cumulative", lang),
            "t_a": t("t/a", lang), "cny_t": t("CNY/tCO₂", lang), "wan_a": t("10⁴ CNY/a", lang)}


def figure(mac: IncrementalMac, choices: Choices, lang: str) -> go.Figure:
    """Bars in the order taken: width = CO₂ saved, height = cost per tonne, area = net annual cost.

    Green bars save money over their life (negative cost), red ones cost money; each bar is numbered
    as in :func:`steps_table` (no rotated labels); the hover gives every figure with its unit.
    """
    tx = _texts(lang)
    widths = np.array([s.co2_saved_t for s in mac.steps])
    heights = np.array([s.cost_per_t_cny for s in mac.steps])
    left = np.array(mac.left_edges_t)
    names = [f"{i}. {step_label(choices, s.measure, lang)}" for i, s in enumerate(mac.steps, start=1)]
    custom = [[s.co2_saved_t, s.net_cost_cny / 1e4, s.cumulative_co2_t] for s in mac.steps]
    fig = go.Figure(go.Bar(
        x=(left + widths / 2).tolist(), y=heights.tolist(), width=widths.tolist(), text=[str(i) for i in range(1, len(names) + 1)],
        textposition="outside", hovertext=names, customdata=custom,
        marker={"color": [COLORS["saving"] if h < 0 else COLORS["cost"] for h in heights],
                "line": {"color": "white", "width": 1}},
        hovertemplate=(f"%{{hovertext}}<br>{tx['per_t']}: %{{y:,.0f}} {tx['cny_t']}<br>{tx['saved']}: "
                       f"%{{customdata[0]:,.1f}} {tx['t_a']}<br>{tx['net']}: %{{customdata[1]:,.2f}} {tx['wan_a']}"
                       f"<br>{tx['cum']}: %{{customdata[2]:,.1f}} {tx['t_a']}<extra></extra>")))
    fig.add_hline(y=0, line={"color": "#444", "width": 1})
    fig.update_layout(xaxis_title=tx["x"], yaxis_title=tx["y"], height=420, bargap=0, showlegend=False,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_xaxes(range=[0, max(mac.co2_saved_t, 1e-9) * 1.02])
    return styled(fig)


def steps_table(mac: IncrementalMac, choices: Choices, lang: str) -> pd.DataFrame:
    """One row per bar (numbered as in the figure) and a total row equal to the package."""
    tx = _texts(lang)
    rows = [{"#": str(i), t("Measure", lang): step_label(choices, s.measure, lang),
             f"{tx['saved']} [{tx['t_a']}]": round(s.co2_saved_t, 1),
             f"{tx['per_t']} [{tx['cny_t']}]": round(s.cost_per_t_cny),
             f"{tx['net']} [{tx['wan_a']}]": round(s.net_cost_cny / 1e4, 2)} for i, s in enumerate(mac.steps, start=1)]
    if mac.steps:
        rows.append({"#": "Σ", t("Measure", lang): t("Package", lang),
                     f"{tx['saved']} [{tx['t_a']}]": round(mac.co2_saved_t, 1),
                     f"{tx['per_t']} [{tx['cny_t']}]": round(mac.net_cost_cny / mac.co2_saved_t),
                     f"{tx['net']} [{tx['wan_a']}]": round(mac.net_cost_cny / 1e4, 2)})
    return pd.DataFrame(rows)
