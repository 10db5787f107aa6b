"""Walk every page of the app with AppTest in one language and collect the visible text.

Used by tests/test_app.py (translation walk) and benchmarks: what counts as visible is every
title, header, markdown, caption, alert, metric (label, value, delta, help), widget (label,
options as displayed, help), button, table (column headers and text cells), expander and tab
label, and plotly chart text (title, axis titles, trace names, text categories).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd

# zh mode: no word of 4+ Latin letters except these proper names, units and file formats
ZH_ALLOWED = (
    "EnergyPlus", "HiGHS", "MCMC", "ASHRAE", "Guideline", "SCOP", "RMSE", "NMBE", "Low-E", "ETICS", "Excel",
    "HTML", "JSON", "TOML", "EPW", "CSV", "kgce", "kgCO", "tCO", "kWh", "MWh", "GWh", "HDD18", "CDD26", "Tianjin",
    "Hongqiao", "Noto", "WDH20", "DDH28", "Bayesian", "Belcher",
    "issue",  # references to the project's issue tracker ("issue 12")
)
# file paths and code names (weather/data/future_deltas.csv, simulator.economics.annual_bills) are names, not words
PATH = re.compile(r"[\w.]*\w[/_.]\w[\w./]*")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
# the language switch names both languages by design (whole strings, either mode)
SWITCH = {"语言 / Language", "中文", "English"}
EN_ALLOWED: tuple[str, ...] = ()
STYLE = re.compile(r"^\s*<style", re.S)


def untranslated(text: str, lang: str) -> bool:
    """True when ``text`` holds words of the other language (outside the allow-lists)."""
    if text in SWITCH:
        return False
    if lang == "zh":
        rest = PATH.sub(" ", text)
        for word in ZH_ALLOWED:
            rest = rest.replace(word, " ")
        return bool(LATIN_WORD.search(rest))
    rest = text
    for word in EN_ALLOWED:
        rest = rest.replace(word, " ")
    return bool(CJK.search(rest))


def _leaves(node) -> Iterator:
    kids = getattr(node, "children", None)
    if isinstance(kids, dict) and kids:
        yield node
        for k in kids.values():
            yield from _leaves(k)
    else:
        yield node


def _plotly_texts(spec: str) -> list[str]:
    fig = json.loads(spec)
    out = []
    layout = fig.get("layout", {})

    def title(obj):
        t = obj.get("title") if isinstance(obj, dict) else None
        return t.get("text") if isinstance(t, dict) else t

    if title(layout):
        out.append(title(layout))
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and title(axis):
            out.append(title(axis))
    scene = layout.get("scene")
    for axis in scene.values() if isinstance(scene, dict) else []:
        if isinstance(axis, dict) and title(axis):
            out.append(title(axis))
    for trace in fig.get("data", []):
        if trace.get("name"):
            out.append(trace["name"])
        for k in ("x", "text"):
            v = trace.get(k)
            if isinstance(v, list):
                out += [s for s in v if isinstance(s, str)]
    return [str(s) for s in out if s]


def visible_texts(at) -> list[str]:
    """Every visible string of the page AppTest ``at`` shows now."""
    out: list[str] = []
    for node in _leaves(at._tree):
        kind = type(node).__name__
        proto = getattr(node, "proto", None)
        for attr in ("label",):
            v = getattr(node, attr, None)
            if isinstance(v, str) and v:
                out.append(v)
        if kind in ("Markdown", "Caption", "Title", "Header", "Subheader", "Info", "Warning", "Error",
                    "Success", "Code", "Text", "Latex"):
            v = getattr(node, "value", "")
            if isinstance(v, str) and not STYLE.match(v):
                out.append(v)
        elif kind == "Metric":
            out += [str(node.value), str(getattr(proto, "body", "") or ""), str(getattr(proto, "delta", "") or "")]
        elif kind == "Dataframe":
            frame = node.value
            if isinstance(frame, pd.DataFrame):
                out += [str(c) for c in frame.columns]
                for col in frame.columns:
                    out += [v for v in frame[col].tolist() if isinstance(v, str)]
        elif kind == "UnknownElement" and type(proto).__name__ == "PlotlyChart" and proto.spec:
            out += _plotly_texts(proto.spec)
        options = getattr(node, "options", None)
        if isinstance(options, list | tuple) and kind not in ("Dataframe",):
            out += [str(o) for o in options]
        helptext = getattr(proto, "help", "") if proto is not None else ""
        if isinstance(helptext, str) and helptext:
            out.append(helptext)
    return [s for s in out if s.strip()]
