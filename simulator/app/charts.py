"""Plotly figures of the app: pure functions from library objects to figures.

No Streamlit here, so every chart can be built and checked in tests.
Axis titles carry units; labels come translated through ``t``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from buildings.model import Building
from simulator.idf import window_box

# One palette for the app and the reports: heating red, cooling blue, everywhere.
COLORS = {"baseline": "#8c8c8c", "retrofit": "#1f77b4", "heating": "#d62728", "heating_light": "#f4a3a3",
          "cooling": "#1f77b4", "cooling_light": "#9ecae1", "lighting": "#ffbf00", "equipment": "#9467bd",
          "pv": "#2ca02c", "district_heat": "#c0392b", "gas": "#ff7f0e", "electricity": "#6a51a3",
          "front": "#d62728", "points": "#9db4c0", "saving": "#2ca02c", "cost": "#d62728"}
COLORWAY = ["#d62728", "#1f77b4", "#ff7f0e", "#6a51a3", "#2ca02c", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf"]
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, Arial, sans-serif"


def _template() -> go.layout.Template:
    """The project's plotly template: explicit colours (Streamlit's default template holds only
    placeholders ``#000001``... that its own page replaces, so a figure saved elsewhere would be
    black), readable fonts, axes that make room for their tick labels."""
    axis = {"automargin": True, "gridcolor": "#e5e5e5", "linecolor": "#444", "ticks": "outside",
            "title": {"standoff": 8}, "zerolinecolor": "#bbb"}
    return go.layout.Template(layout={
        "colorway": COLORWAY, "font": {"family": FONT, "size": 13, "color": "#222"},
        "paper_bgcolor": "white", "plot_bgcolor": "white", "xaxis": axis, "yaxis": axis,
        "legend": {"orientation": "h", "y": -0.18, "yanchor": "top"},
        "title": {"x": 0.0, "xanchor": "left", "font": {"size": 15}},
        "hoverlabel": {"font": {"family": FONT}},
    })


TEMPLATE = _template()


def styled(fig: go.Figure) -> go.Figure:
    """Apply the project template (call on every figure, also ones built elsewhere)."""
    fig.update_layout(template=TEMPLATE)
    return fig


MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_ZH = [f"{m}月" for m in range(1, 13)]


def months(lang: str) -> list[str]:
    return MONTHS_ZH if lang == "zh" else MONTHS_EN


def _box_mesh(x0, x1, y0, y1, z0, z1, color, name, opacity=1.0, show=True):
    x = [x0, x1, x1, x0, x0, x1, x1, x0]
    y = [y0, y0, y1, y1, y0, y0, y1, y1]
    z = [z0, z0, z0, z0, z1, z1, z1, z1]
    i = [0, 0, 4, 4, 0, 0, 1, 1, 2, 2, 3, 3]
    j = [1, 2, 5, 6, 1, 5, 2, 6, 3, 7, 0, 4]
    k = [2, 3, 6, 7, 5, 4, 6, 5, 7, 6, 4, 7]
    return go.Mesh3d(x=x, y=y, z=z, i=i, j=j, k=k, color=color, opacity=opacity, name=name,
                     flatshading=True, showlegend=show, hoverinfo="name")


def massing_figure(b: Building, t=lambda s: s) -> go.Figure:
    """3D massing of the block with its windows (one aggregated window per storey and facade)."""
    g = b.geometry
    L, D, H = g.length_m, g.depth_m, g.storey_height_m
    rot = np.radians(g.azimuth_deg - 180.0)  # building axes turned clockwise from south-facing

    def turn(x, y):
        xs, ys = np.asarray(x, float) - L / 2, np.asarray(y, float) - D / 2
        return xs * np.cos(rot) + ys * np.sin(rot), -xs * np.sin(rot) + ys * np.cos(rot)

    fig = go.Figure()
    body = _box_mesh(0, L, 0, D, 0, g.height_m, "#d9d2c5", t("Block"), opacity=1.0)
    bx, by = turn(body.x, body.y)
    body.update(x=bx, y=by)
    fig.add_trace(body)
    # windows as thin quads just outside each facade: (origin, direction, width, outward offset)
    facades = {
        "south": ((0.0, 0.0), (1.0, 0.0), L, (0.0, -0.05)),
        "north": ((L, D), (-1.0, 0.0), L, (0.0, 0.05)),
        "east": ((L, 0.0), (0.0, 1.0), D, (0.05, 0.0)),
        "west": ((0.0, D), (0.0, -1.0), D, (-0.05, 0.0)),
    }
    xs, ys, zs, ii, jj, kk = [], [], [], [], [], []
    for facade, (origin, direction, width, off) in facades.items():
        box = window_box(width, H, g.window_to_wall.ratio(facade))
        if box is None:
            continue
        u0, u1, w0, w1 = box
        for s in range(g.storeys):
            z0 = s * H
            pts = []
            for u, zz in ((u0, z0 + w0), (u1, z0 + w0), (u1, z0 + w1), (u0, z0 + w1)):
                pts.append((origin[0] + u * direction[0] + off[0], origin[1] + u * direction[1] + off[1], zz))
            n = len(xs)
            px, py = turn([p[0] for p in pts], [p[1] for p in pts])
            xs += list(px)
            ys += list(py)
            zs += [p[2] for p in pts]
            ii += [n, n]
            jj += [n + 1, n + 2]
            kk += [n + 2, n + 3]
    if xs:
        fig.add_trace(go.Mesh3d(x=xs, y=ys, z=zs, i=ii, j=jj, k=kk, color="#3a6ea5", name=t("Windows"),
                                flatshading=True, showlegend=True, hoverinfo="name"))
    # a north arrow on the ground
    r = max(L, D) * 0.6
    fig.add_trace(go.Scatter3d(x=[0, 0], y=[r * 0.7, r], z=[0, 0], mode="lines+text", text=["", "N"],
                               line={"color": "black", "width": 5}, showlegend=False, hoverinfo="skip"))
    fig.update_layout(
        scene={"xaxis": {"title": "x [m] (E)"}, "yaxis": {"title": "y [m] (N)"}, "zaxis": {"title": "z [m]"},
               "aspectmode": "data", "camera": {"eye": {"x": 1.2, "y": -1.8, "z": 0.9}}},
        margin={"l": 0, "r": 0, "t": 30, "b": 0}, height=420,
    )
    return styled(fig)


def monthly_figure(series: dict[str, np.ndarray], lang: str, title: str, y_title: str,
                   colors: list[str] | None = None) -> go.Figure:
    """Grouped monthly bars, one trace per named 12-value series (``colors``: one per series)."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        marker = {"color": colors[i]} if colors else None
        fig.add_bar(x=months(lang), y=np.asarray(values), name=name, marker=marker,
                    hovertemplate=f"%{{x}}: %{{y:,.1f}} {_unit(y_title)}<extra>{name}</extra>")
    fig.update_layout(title=title, yaxis_title=y_title, barmode="group", height=380,
                      margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return styled(fig)


def _unit(title: str) -> str:
    """The unit in an axis title "Name [unit]" (empty when there is none)."""
    return title[title.rfind("[") + 1:title.rfind("]")] if "[" in title else ""


def stacked_bar(frame: pd.DataFrame, title: str, y_title: str, colors: list[str] | None = None) -> go.Figure:
    """Stacked bars: index = bars (e.g. baseline / retrofit), columns = components (``colors``: one per column)."""
    fig = go.Figure()
    for i, col in enumerate(frame.columns):
        marker = {"color": colors[i]} if colors else None
        fig.add_bar(x=list(frame.index), y=frame[col].to_numpy(), name=str(col), marker=marker,
                    hovertemplate=f"%{{x}}: %{{y:,.1f}} {_unit(y_title)}<extra>{col}</extra>")
    fig.update_layout(title=title, yaxis_title=y_title, barmode="stack", height=380,
                      margin={"l": 10, "r": 10, "t": 50, "b": 10})
    # level bar names: plotly rotates them in a narrow chart (half a 1024 px page) and the legend cut them off
    fig.update_xaxes(tickangle=0, automargin=True)
    return styled(fig)


def pareto_mask(cost: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """True for points no other point beats on both lower cost and higher benefit."""
    cost, benefit = np.asarray(cost, float), np.asarray(benefit, float)
    order = np.lexsort((-benefit, cost))
    mask = np.zeros(len(cost), bool)
    best = -np.inf
    for i in order:
        if benefit[i] > best:
            mask[i] = True
            best = benefit[i]
    return mask


def pareto_figure(df: pd.DataFrame, x: str, y: str, label: str, x_title: str, y_title: str,
                  title: str, front_name: str) -> go.Figure:
    """Scatter of all packages with the Pareto front (low x, high y) highlighted."""
    mask = pareto_mask(df[x].to_numpy(), df[y].to_numpy())
    fig = go.Figure()
    fig.add_scatter(x=df[x], y=df[y], mode="markers", name=title, text=df[label],
                    marker={"color": COLORS["points"], "size": 7}, customdata=np.arange(len(df)),
                    hovertemplate="%{text}<br>%{x:,.0f}, %{y:,.1f}<extra></extra>")
    front = df[mask].sort_values(x)
    fig.add_scatter(x=front[x], y=front[y], mode="lines+markers", name=front_name, text=front[label],
                    marker={"color": COLORS["front"], "size": 9}, line={"color": COLORS["front"]},
                    customdata=front.index.to_numpy(),
                    hovertemplate="%{text}<br>%{x:,.0f}, %{y:,.1f}<extra></extra>")
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title, height=420,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return styled(fig)


def mac_curve_figure(df: pd.DataFrame, cost_col: str, saved_col: str, label: str, x_title: str,
                     y_title: str) -> go.Figure:
    """Marginal abatement cost curve: bars of width = tCO2 saved, height = CNY/tCO2, cheapest first."""
    d = df.sort_values(cost_col).reset_index(drop=True)
    widths = d[saved_col].to_numpy(float)
    left = np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    colors = np.where(d[cost_col] < 0, COLORS["saving"], COLORS["cost"])
    fig = go.Figure(go.Bar(x=left + widths / 2, y=d[cost_col], width=widths, marker_color=colors,
                           text=d[label], customdata=widths,
                           hovertemplate=f"%{{text}}<br>%{{y:,.0f}} {_unit(y_title)}<br>%{{customdata:,.1f}} "
                                         f"{_unit(x_title)}<extra></extra>"))
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title, height=420, bargap=0,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return styled(fig)
