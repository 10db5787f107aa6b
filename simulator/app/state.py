"""Cached resources and results of the app.

The surrogate engine and the weather are loaded once per server process
(``st.cache_resource``; never mutated). Evaluations are cached as plain dicts
(``st.cache_data``), keyed by archetype, choices and assumptions, so every
session gets its own copy and no session's inputs reach another.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

import archetypes
from simulator.app.choices import Choices
from simulator.reports.report import summarise

log = logging.getLogger(__name__)

WEATHER = "tianjin"


@st.cache_resource(show_spinner=False)
def engine():
    """The instant engine: the surrogate (None = EnergyPlus with its run cache, if the surrogate cannot load)."""
    from simulator.evaluate import get_engine

    try:
        return get_engine("surrogate")
    except Exception as exc:  # noqa: BLE001 - the app must still work, slower
        log.warning("surrogate unavailable (%s); using EnergyPlus with its run cache", exc)
        return None


@st.cache_resource(show_spinner=False)
def weather_obj():
    import weather

    return weather.load(WEATHER)


@st.cache_resource(show_spinner=False)
def building(name: str):
    return archetypes.load(name)


def options_from(assumptions: dict[str, Any]):
    from simulator.evaluate import Options

    return Options(grid=assumptions.get("grid"), discount_rate=assumptions.get("discount_rate"),
                   horizon_years=assumptions.get("horizon_years"),
                   subsidy_cny_m2=float(assumptions.get("subsidy_cny_m2", 0.0)))


@st.cache_data(show_spinner=False, max_entries=4000)
def evaluate_choices(archetype: str, choices: dict, assumptions: dict) -> dict[str, Any]:
    """Surrogate evaluation of the builder's choices (cached per inputs)."""
    from simulator.evaluate import evaluate

    c = Choices(**choices)
    spec = c.measures()
    ev = evaluate(building(archetype), spec if spec else [], weather=weather_obj(), engine=engine(),
                  options=options_from(assumptions))
    out = summarise(ev)
    out["choices"] = choices
    out["label"] = c.label()
    out["title_zh"], out["title_en"] = c.short_label("zh"), c.short_label("en")
    return out
