"""The "verify with EnergyPlus" panel: a queued run in its own process, its progress, and the comparison.

The run itself is :mod:`simulator.app.verify_job`, started as a separate
Python process (``python -m simulator.app.verify_job``) so that its worker
processes never re-import the app script. Its progress is EnergyPlus's own
(the simulated date it prints), passed on as JSON lines.

A result stays with the package it belongs to: each session keeps its runs
keyed by (archetype, choices, assumptions). When the inputs change, the last
run stays on the page, labelled with its package, and is compared with the
surrogate's result for *that* package; it goes into the report only when it
matches the inputs shown.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from simulator.app import weather_choice
from simulator.app.choices import Choices
from simulator.app.i18n import t
from simulator.app.jobs import JobQueue, QueueFull
from simulator.app.state import WEATHER, building, engine, evaluate_choices, uploaded
from simulator.app.uploads import public_message
from simulator.exceptions import RetrofitError

log = logging.getLogger(__name__)

#: Wall-time limit of one verify [s]: two annual runs side by side, each under the runner's own
#: limit (simulator.runner.DEFAULT_TIMEOUT_S = 600 s), plus preparing and reading the results.
TIMEOUT_S = 660.0


@st.cache_resource(show_spinner=False)
def job_queue() -> JobQueue:
    """One queue per server: one EnergyPlus evaluation at a time (two processes), 20 waiting at most."""
    return JobQueue(max_running=1, max_queued=20)


def run_energyplus(archetype: str, choices: dict, assumptions: dict, weather: str | dict = WEATHER,
                   progress: Callable[..., None] | None = None) -> dict:
    """Baseline and retrofit in EnergyPlus, in a process of its own -> the page's summary dict.

    Parameters
    ----------
    weather
        A built-in weather key, or ``{"epw_b64": ..., "name": ...}`` for an uploaded file
        (:func:`simulator.app.verify_job.weather_of`).
    progress
        ``progress(fraction, detail)``: the mean fraction [0-1] of the year simulated by the two
        runs, and the fractions of each (baseline, retrofit).

    Raises
    ------
    RetrofitError
        The run's own message (bad input, EnergyPlus failure, time limit).
    """
    from simulator.exceptions import EnergyPlusError

    request = {"archetype": archetype, "choices": choices, "assumptions": assumptions, "weather": weather}
    with tempfile.TemporaryFile("w+", prefix="verify-", suffix=".log") as err:
        proc = subprocess.Popen([sys.executable, "-m", "simulator.app.verify_job"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=err, text=True, env=os.environ.copy(),
                                start_new_session=True)  # its own group: a stop ends it and its workers
        timer = threading.Timer(TIMEOUT_S, _kill, args=(proc,))
        timer.start()
        outcome: dict[str, Any] = {}
        try:
            proc.stdin.write(json.dumps(request))
            proc.stdin.close()
            for line in proc.stdout:
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if "cases" in msg and progress is not None:
                    cases = [float(f) for f in msg["cases"]]
                    progress(sum(cases) / len(cases), cases)
                elif "result" in msg or "error" in msg:
                    outcome = msg
            proc.wait()
        except BaseException:
            _kill(proc)
            raise
        finally:
            timer.cancel()
        if "result" in outcome:
            return outcome["result"]
        if "error" in outcome:
            raise RetrofitError(outcome["error"])
        err.seek(0)
        tail = err.read()[-2000:]
        log.warning("verify process ended with status %s: %s", proc.returncode, tail)
        if proc.returncode == -signal.SIGKILL:
            raise EnergyPlusError(f"EnergyPlus verification did not finish within {TIMEOUT_S:.0f} s")
        raise EnergyPlusError(f"EnergyPlus verification stopped (exit status {proc.returncode})")


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass


def comparison(surrogate: dict, energyplus: dict, lang: str) -> pd.DataFrame:
    """Surrogate vs EnergyPlus, rounded like the rest of the page (the report's table)."""
    from simulator.reports.report import comparison_table

    return comparison_table(surrogate, energyplus, lang)


# the comparison's cells wrap, slightly smaller: five columns fit the results column at 1024 px and a phone
TABLE_CSS = """<style>.st-key-verify_result table th, .st-key-verify_result table td { white-space: normal !important;
  overflow-wrap: anywhere; font-size: 0.9rem; }</style>"""


def shown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison for a static table: the unit joined to the quantity ("Heating demand (after) [kWh/(m²·a)]",
    one column less), numbers as rounded text ("1,234.5"; st.table would print 20.6 as "20.6000"), "-" for none."""

    def decimals(v: Any) -> int:
        return len(repr(v).split(".")[1]) if isinstance(v, float) and "." in repr(v) and "e" not in repr(v) else 0

    def text(v: Any, n: int) -> Any:
        if v is None or (isinstance(v, float) and v != v):
            return "-"
        return f"{v:,.{n}f}" if isinstance(v, int | float) and not isinstance(v, bool) else v

    quantity, unit = frame.columns[0], frame.columns[1]
    out = frame.astype(object)
    for i, row in frame.iterrows():  # a row's numbers with the same decimals (0.50 and 0.47, not 0.5 and 0.47)
        n = max((decimals(v) for v in row.iloc[2:4]), default=0)  # surrogate and EnergyPlus alike
        out.loc[i] = [text(v, n if 2 <= j < 4 else decimals(v)) for j, v in enumerate(row)]
    out[quantity] = out[quantity] + " [" + out[unit] + "]"
    return out.drop(columns=[unit])


# ---------------------------------------------------------------- how far the surrogate may be off
def error_band(archetype: str) -> dict[str, Any] | None:
    """The surrogate's measured error band for an archetype's family, from its cross-validation.

    Returns
    -------
    dict or None
        ``family``, ``n_runs`` (EnergyPlus runs it was trained on), and the largest absolute
        cross-validated error of the annual heating and cooling loads, ``heating_kwh_m2`` and
        ``cooling_kwh_m2`` [kWh/m²]; None when the surrogate or its metadata is unavailable.
    """
    eng = engine()
    if eng is None:
        return None
    try:
        from simulator.surrogate.space import family_of

        fam = family_of(building(archetype))
        _, meta = eng.model(fam)
        cv = meta.get("cv", {})
        band = {"family": fam.name, "n_runs": int(meta.get("n_train", 0)),
                "heating_kwh_m2": float(cv["heating_kwh_m2_max_abs_error"]),
                "cooling_kwh_m2": float(cv["cooling_kwh_m2_max_abs_error"])}
    except Exception:  # noqa: BLE001 - no band: the comparison is shown without a verdict
        log.debug("no surrogate error band for %s", archetype, exc_info=True)
        return None
    return band


def disagreements(surrogate: dict, energyplus: dict, band: dict[str, Any]) -> list[tuple[str, str, float, float]]:
    """Loads where surrogate and EnergyPlus differ by more than the band.

    Returns
    -------
    list of (quantity, side, difference [kWh/m²], band [kWh/m²])
        ``quantity`` is "heating_kwh_m2" or "cooling_kwh_m2", ``side`` "baseline" or "retrofit";
        the difference is surrogate minus EnergyPlus.
    """
    out = []
    for key in ("heating_kwh_m2", "cooling_kwh_m2"):
        for side in ("baseline", "retrofit"):
            diff = float(surrogate[side][key]) - float(energyplus[side][key])
            if abs(diff) > band[key]:
                out.append((key, side, diff, band[key]))
    return out


#: The surrogate's building families (simulator/surrogate/space.py) as people read them (Chinese, English).
FAMILY_NAMES = {"residential_walkup": ("多层住宅", "walk-up housing"), "residential_highrise": ("高层住宅", "high-rise housing"),
                "office": ("办公建筑", "office"), "school": ("学校", "school")}


LOADS = ("heating_kwh_m2", "cooling_kwh_m2")
SIDES = ("baseline", "retrofit")


def outside_interval(surrogate: dict, energyplus: dict) -> list[tuple[str, str, float, float, float]] | None:
    """Loads where EnergyPlus lies outside the surrogate's 90 % interval.

    Returns
    -------
    list of (quantity, side, EnergyPlus value, low, high) [kWh/m²], or None
        None when the surrogate result carries no intervals (``intervals_90``).
    """
    intervals = surrogate.get("intervals_90") or {}
    if not all(key in intervals.get(side, {}) for side in SIDES for key in LOADS):
        return None
    out = []
    for key in LOADS:
        for side in SIDES:
            lo, hi = intervals[side][key]
            ep = float(energyplus[side][key])
            if not lo <= ep <= hi:
                out.append((key, side, ep, float(lo), float(hi)))
    return out


def _what(key: str, side: str, lang: str) -> tuple[str, str]:
    return (t("Heating" if key == "heating_kwh_m2" else "Cooling", lang),
            t("Baseline" if side == "baseline" else "Retrofit", lang))


def _agreement_comment(surrogate: dict, energyplus: dict, archetype: str, lang: str) -> None:
    """Whether EnergyPlus agrees with the surrogate: its 90 % interval, else its measured error band."""
    found = outside_interval(surrogate, energyplus)
    if found is None:
        _band_comment(surrogate, energyplus, error_band(archetype), lang)
        return
    if not found:
        st.caption(t("EnergyPlus lies inside the surrogate's 90 % interval for the annual heating and cooling, "
                     "before and after the package.", lang))
        return
    parts = "; ".join(t("{what} ({side}): EnergyPlus {ep:.1f}, interval {lo:.1f}–{hi:.1f} kWh/m²", lang,
                        what=_what(k, side, lang)[0], side=_what(k, side, lang)[1], ep=ep, lo=lo, hi=hi)
                      for k, side, ep, lo, hi in found)
    st.warning(t("EnergyPlus lies outside the surrogate's 90 % interval: {parts}. Trust the EnergyPlus figures "
                 "for this package.", lang, parts=parts))


def _band_comment(surrogate: dict, energyplus: dict, band: dict[str, Any] | None, lang: str) -> None:
    if band is None:
        return
    found = disagreements(surrogate, energyplus, band)
    zh, en = FAMILY_NAMES.get(band["family"], (band["family"], band["family"]))
    source = t("the largest error of the surrogate's cross-validation for the {family} family "
               "({n} EnergyPlus runs)", lang, family=zh if lang == "zh" else en, n=band["n_runs"])
    if not found:
        st.caption(t("Surrogate and EnergyPlus agree within the surrogate's measured error band "
                     "(heating ±{h:.1f}, cooling ±{c:.1f} kWh/m²: {source}).", lang,
                     h=band["heating_kwh_m2"], c=band["cooling_kwh_m2"], source=source))
        return
    parts = "; ".join(t("{what} ({side}): {d:+.1f} kWh/m² (band ±{b:.1f})", lang,
                        what=t("Heating" if k == "heating_kwh_m2" else "Cooling", lang),
                        side=t("Baseline" if side == "baseline" else "Retrofit", lang), d=d, b=b)
                      for k, side, d, b in found)
    st.warning(t("Surrogate and EnergyPlus differ by more than the surrogate's measured error band "
                 "({source}): {parts}. Trust the EnergyPlus figures for this package.", lang,
                 source=source, parts=parts))


# ---------------------------------------------------------------- the panel
def _key(archetype: str, choices: dict, assumptions: dict, weather_key: str) -> str:
    return json.dumps([archetype, choices, assumptions, weather_key], sort_keys=True)


def _weather_request(weather_key: str) -> str | dict:
    """What the verify process needs to rebuild the weather: a built-in key, or the uploaded bytes."""
    if not weather_choice.is_upload(weather_key):
        return weather_key
    _, data, name = uploaded(weather_key)
    return {"epw_b64": base64.b64encode(data).decode("ascii"), "name": name}


def verify_panel(archetype: str, choices: dict, assumptions: dict, result: dict, lang: str,
                 title: Callable[[str], str] = str, weather_key: str = WEATHER) -> dict | None:
    """The button, the queue position or progress, and the comparison.

    Returns the EnergyPlus result when it belongs to the inputs shown (for the report), else None.
    ``title`` names an archetype in the page's language; ``weather_key`` is the builder's weather.
    """
    key = _key(archetype, choices, assumptions, weather_key)
    runs: dict = st.session_state.setdefault("verify_runs", {})  # key -> the inputs and the job id
    queue = job_queue()
    if st.button(t("Verify with EnergyPlus", lang), key="verify"):
        try:
            job_id = queue.submit(run_energyplus, archetype, choices, assumptions, _weather_request(weather_key),
                                  reports_progress=True)
            runs[key] = {"job": job_id, "archetype": archetype, "choices": choices, "assumptions": assumptions,
                         "weather": weather_key}
            st.session_state["verify_last"] = key
        except (QueueFull, RetrofitError) as exc:
            st.error(public_message(exc))
    shown = key if key in runs else st.session_state.get("verify_last")
    run = runs.get(shown) if shown else None
    if run is None:
        return None
    job = queue.status(run["job"])
    if job is None:  # the server forgot it (restarted or trimmed)
        runs.pop(shown, None)
        return None
    current = shown == key
    package = Choices(**run["choices"]).short_label(lang)
    if not current:
        st.info(t("EnergyPlus check of another package (the inputs have changed since): {package}", lang,
                  package=_describe(run, archetype, assumptions, weather_key, package, title, lang)))
    if job.state in ("queued", "running"):
        _poll(job.id, package, lang)
    elif job.state == "error":
        st.error(t("EnergyPlus run failed", lang) + f" · {package}")
        st.text(public_message(job.error))
    else:
        surrogate = result if current else _surrogate_of(run)
        if surrogate is None:
            return None
        with st.container(key="verify_result"):  # the browser test finds the comparison by this key
            st.subheader(t("Surrogate vs EnergyPlus", lang))
            st.caption(f"{t('Package', lang)}: {package}")
            # a static table: its cells wrap, so the EnergyPlus and difference columns stay in view in the
            # narrow results column (a data grid scrolled them off the right edge at 1024 px and on a phone)
            st.markdown(TABLE_CSS, unsafe_allow_html=True)
            st.table(shown_table(comparison(surrogate, job.result, lang)), hide_index=True)
            _agreement_comment(surrogate, job.result, run["archetype"], lang)
            st.caption(t("EnergyPlus run time: {s} s", lang, s=f"{job.finished - job.started:.1f}"))
        return job.result if current else None
    return None


def _surrogate_of(run: dict) -> dict | None:
    """The surrogate's result for a verified package (None if its uploaded weather is gone)."""
    try:
        return evaluate_choices(run["archetype"], run["choices"], run["assumptions"], run["weather"])
    except RetrofitError as exc:
        st.info(public_message(exc))
        return None


def _describe(run: dict, archetype: str, assumptions: dict, weather_key: str, package: str,
              title: Callable[[str], str], lang: str) -> str:
    """The verified package, with its archetype, assumptions and weather when they differ from the page's."""
    parts = [package]
    if run["archetype"] != archetype:
        parts.insert(0, title(run["archetype"]))
    if run["assumptions"] != assumptions:
        parts.append(t("other assumptions", lang))
    if run["weather"] != weather_key:
        parts.append(weather_choice.label(run["weather"], lang, _upload_name(run["weather"])))
    return " · ".join(parts)


def _upload_name(key: str) -> str | None:
    if not weather_choice.is_upload(key):
        return None
    try:
        return uploaded(key)[2]
    except RetrofitError:
        return None


@st.fragment(run_every=1.0)
def _poll(job_id: str, package: str, lang: str) -> None:
    job = job_queue().status(job_id)
    if job is None or job.state in ("done", "error"):
        st.rerun()
    if job.state == "queued":
        st.info(t("Queued: position {pos}", lang, pos=job.position) + f" · {package}")
        return
    elapsed = time.time() - (job.started or time.time())
    # EnergyPlus's own progress: the simulated date it prints (simulator.runner.progress_of_line)
    st.progress(job.progress, text=t("Running EnergyPlus… {pct} % of the year simulated · {s} s", lang,
                                     pct=f"{100 * job.progress:.0f}", s=f"{elapsed:.0f}") + f" · {package}")
