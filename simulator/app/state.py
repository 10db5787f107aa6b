"""Cached resources and results of the app.

The surrogate engine and the weather are loaded once per server process
(``st.cache_resource``; never mutated). The surrogate's models are loaded -
or, on a fresh server without ``make run``'s pre-training, trained - in one
background thread from the first visit on (:func:`warmup`); a page that needs
a model not yet ready says so while it waits (:func:`wait_for_surrogate`), and the first
visit on a weather outside training shows the anchor's EnergyPlus runs (:func:`make_anchor`). Evaluations are cached as plain dicts
(``st.cache_data``), keyed by archetype, choices and assumptions, so every
session gets its own copy and no session's inputs reach another.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from typing import Any

import streamlit as st

import archetypes
from simulator.app import weather_choice
from simulator.app.choices import Choices, options_from
from simulator.reports.report import summarise

log = logging.getLogger(__name__)

WEATHER = weather_choice.BUILT_IN
DEFAULT_ARCHETYPE = "old_estate_pre1990"


@st.cache_resource(show_spinner=False)
def engine():
    """The instant engine: the surrogate (None = EnergyPlus with its run cache, if the surrogate cannot load)."""
    from simulator.evaluate import get_engine

    try:
        return get_engine("surrogate")
    except Exception as exc:  # noqa: BLE001 - the app must still work, slower
        log.warning("surrogate unavailable (%s); using EnergyPlus with its run cache", exc)
        return None


class SurrogateWarmup:
    """Loads (or trains) each family's surrogate model in one background thread, in the given order.

    ``ready[family]`` is set when the family's model is in memory (or failed: the engine then
    reports the failure itself); one thread, so no model is trained twice at once.
    """

    def __init__(self, eng, families: list[str]):
        self.ready = {f: threading.Event() for f in families}
        self.thread = threading.Thread(target=self._run, args=(eng, families), daemon=True,
                                       name="surrogate-warmup")
        self.thread.start()

    def _run(self, eng, families: list[str]) -> None:
        for i, fam in enumerate(families):
            if i == 1:
                _lower_priority()  # the first visitor's model is in; the others must not slow the pages
            try:
                eng.model(fam)
            except Exception:  # noqa: BLE001 - the page's own call reports it
                log.warning("surrogate warm-up: the %s model failed to load", fam, exc_info=True)
            finally:
                self.ready[fam].set()


def _lower_priority(niceness: int = 10) -> None:
    """Lower this thread's CPU priority (Linux: a thread's id is a process id to setpriority)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (OSError, AttributeError):
        pass


@st.cache_resource(show_spinner=False)
def warmup() -> SurrogateWarmup | None:
    """Start loading every family's model, once per server (None without a surrogate).

    The first visitor's archetype comes first (the default one, or the one a link names).
    """
    from simulator.surrogate.space import family_names, family_of

    eng = engine()
    if eng is None:
        return None
    archetype = st.session_state.get("archetype", DEFAULT_ARCHETYPE)
    first = family_of(building(archetype if archetype in archetypes.names() else DEFAULT_ARCHETYPE)).name
    return SurrogateWarmup(eng, [first, *(f for f in family_names() if f != first)])


def wait_for_surrogate(archetype: str, lang: str, timeout_s: float = 900.0) -> None:
    """Block until the archetype's surrogate model is ready, with a visible message while it trains.

    ``timeout_s`` [s]: after it the page goes on (the engine then loads or trains the model itself).
    """
    from simulator.app.i18n import t
    from simulator.surrogate.space import family_of

    w = warmup()
    if w is None:
        return
    try:
        event = w.ready.get(family_of(building(archetype)).name)
    except Exception:  # noqa: BLE001 - no family for this building: the engine's own message follows
        return
    if event is None or event.is_set():
        return
    box = st.empty()
    box.info(t("The surrogate model for this building type is being trained on this fresh server (once, "
               "about 10-30 s); the results appear as soon as it is ready.", lang), icon=":material/hourglass_top:")
    event.wait(timeout_s)
    box.empty()


def make_anchor(archetype: str, weather, text: str) -> None:
    """Make the surrogate's anchor of the archetype's family on ``weather`` now, with a progress bar.

    The anchor's EnergyPlus runs (17-18 the first time a family meets a weather it was not trained
    on; :mod:`simulator.surrogate.anchor`) are kept in memory and in the run cache, so the
    evaluation that follows finds them; the bar (``text done/total``) shows only while runs are
    made. A failure is logged and the surrogate goes on unanchored
    (:meth:`~simulator.surrogate.engine.SurrogateEngine.anchor_of`).
    """
    from simulator.surrogate.engine import SurrogateEngine
    from simulator.surrogate.space import family_of

    slot = st.empty()
    SurrogateEngine(warn=False).anchor_of(family_of(building(archetype)), weather, progress=lambda done, total: (
        slot.progress(min(1.0, done / max(total, 1)), text=f"{text} {done}/{total}")))
    slot.empty()


@st.cache_data(show_spinner=False, max_entries=1000)
def heating_saving_interval(archetype: str, choices: dict, weather_key: str = WEATHER) -> dict[str, Any] | None:
    """The surrogate's heating saving with its 90 % interval (:func:`simulator.surrogate.api.predict_savings`).

    Returns ``{"pct": [value, low, high], "kwh_m2": [value, low, high]}``, or None without a surrogate or
    measures. The interval accounts for the error the baseline and retrofit predictions share.
    """
    from buildings import measures as M
    from simulator.surrogate import api

    spec = Choices(**choices).measures()
    if engine() is None or not spec:
        return None
    base = building(archetype)
    try:
        s = api.predict_savings(base, M.apply(base, list(M.package(spec))), weather_for(weather_key))
    except Exception:  # noqa: BLE001 - no interval shown; the results themselves report any problem
        log.debug("no savings interval for %s %s", archetype, spec, exc_info=True)
        return None
    return {name: [v.value, v.interval.low, v.interval.high]
            for name, v in (("pct", s.heating_savings_pct), ("kwh_m2", s.heating_savings_kwh_m2))}


@st.cache_resource(show_spinner=False)
def weather_obj(key: str = WEATHER):
    """A built-in weather by key (:mod:`simulator.app.weather_choice`): today's year or a future morph."""
    return weather_choice.load_builtin(key)


class UploadedWeathers:
    """The EPW files visitors uploaded, parsed, by key (the hash of their bytes); the newest ``keep``."""

    def __init__(self, keep: int = 16):
        self.keep = keep
        self.lock = threading.Lock()
        self.items: OrderedDict[str, tuple[Any, bytes, str]] = OrderedDict()  # key -> (Weather, bytes, name)


@st.cache_resource(show_spinner=False)
def uploaded_weathers() -> UploadedWeathers:
    return UploadedWeathers()


def register_upload(data: bytes, name: str) -> str:
    """Parse an uploaded EPW and keep it under its key; returns the key.

    Raises
    ------
    WeatherError
        The file is not a valid EPW (the message names it and the line or field).
    """
    import weather

    key = weather_choice.upload_key(data)
    reg = uploaded_weathers()
    with reg.lock:
        if key in reg.items:
            reg.items.move_to_end(key)
            return key
    w = weather.parse_epw(data, name)
    with reg.lock:
        reg.items[key] = (w, data, name)
        while len(reg.items) > reg.keep:
            reg.items.popitem(last=False)
    return key


def uploaded(key: str) -> tuple[Any, bytes, str]:
    """(Weather, bytes, name) of an uploaded weather.

    Raises
    ------
    WeatherError
        When the server no longer holds it (restarted, or more than ``keep`` newer uploads).
    """
    from simulator.exceptions import WeatherError

    reg = uploaded_weathers()
    with reg.lock:
        item = reg.items.get(key)
    if item is None:
        raise WeatherError("the uploaded weather file is no longer on the server: upload it again")
    return item


def weather_for(key: str):
    """The Weather of a key: built-in, a future morph, or an uploaded file."""
    return uploaded(key)[0] if weather_choice.is_upload(key) else weather_obj(key)


@st.cache_resource(show_spinner=False)
def building(name: str):
    return archetypes.load(name)


@st.cache_data(show_spinner=False, max_entries=4000)
def evaluate_choices(archetype: str, choices: dict, assumptions: dict, weather_key: str = WEATHER) -> dict[str, Any]:
    """Surrogate evaluation of the builder's choices on a weather (cached per inputs; an upload by its hash)."""
    from simulator import chain_intervals
    from simulator.evaluate import evaluate

    c = Choices(**choices)
    spec = c.measures()
    ev = evaluate(building(archetype), spec if spec else [], weather=weather_for(weather_key), engine=engine(),
                  options=options_from(assumptions))
    out = summarise(ev)
    # the surrogate's 90 % intervals of the annual loads [kWh/m2] (simulator/surrogate/intervals.py); none from EnergyPlus
    out["intervals_90"] = {side: {k: list(v) for k, v in (o.loads.meta or {}).get("intervals_90", {}).items()}
                           for side, o in (("baseline", ev.baseline), ("retrofit", ev.retrofit))}
    # the anchor run that corrected the surrogate on a weather outside training (simulator/surrogate/anchor.py)
    anchor = (ev.baseline.loads.meta or {}).get("anchor")
    out["anchor"] = anchor if isinstance(anchor, dict) else None
    # the savings' 90 % intervals carried through systems, bills and carbon (simulator/chain_intervals.py; h13)
    out["intervals_chain"] = chain_intervals.savings_intervals(ev, weather_for(weather_key), options_from(assumptions))
    out["choices"] = choices
    out["label"] = c.label()
    out["title_zh"], out["title_en"] = c.short_label("zh"), c.short_label("en")
    return out
