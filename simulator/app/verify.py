"""The "verify with EnergyPlus" panel: runs through the bounded job queue, shows its position."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

import archetypes
from simulator.app.choices import Choices
from simulator.app.i18n import t
from simulator.app.jobs import JobQueue, QueueFull
from simulator.app.state import WEATHER, options_from, summarise
from simulator.app.uploads import public_message


@st.cache_resource(show_spinner=False)
def job_queue() -> JobQueue:
    """One queue per server: one EnergyPlus evaluation at a time (two processes), 20 waiting at most."""
    return JobQueue(max_running=1, max_queued=20)


def run_energyplus(archetype: str, choices: dict, assumptions: dict) -> dict:
    """Baseline and retrofit in EnergyPlus (batch runner: 2 processes, run cache) -> summary dict."""
    from simulator.evaluate import evaluate

    ev = evaluate(archetypes.load(archetype), Choices(**choices).measures(), weather=WEATHER, engine=None,
                  options=options_from(assumptions))
    return summarise(ev)


EXPECTED_S = 8.0

def comparison(surrogate: dict, energyplus: dict, lang: str) -> pd.DataFrame:
    """Surrogate vs EnergyPlus, rounded like the rest of the page (the report's table)."""
    from simulator.reports.report import comparison_table

    return comparison_table(surrogate, energyplus, lang)


def verify_panel(archetype: str, choices: dict, assumptions: dict, result: dict, lang: str) -> dict | None:
    """The button, the queue position or progress, and the comparison; returns the EnergyPlus result when done."""
    key = json.dumps([archetype, choices, assumptions], sort_keys=True)
    jobs: dict = st.session_state.setdefault("verify_jobs", {})
    queue = job_queue()
    if st.button(t("Verify with EnergyPlus", lang), key="verify"):
        try:
            jobs[key] = queue.submit(run_energyplus, archetype, choices, assumptions)
        except QueueFull as exc:
            st.error(public_message(exc))
    job_id = jobs.get(key)
    if job_id is None:
        return None
    job = queue.status(job_id)
    if job is None:
        jobs.pop(key, None)
        return None
    if job.state in ("queued", "running"):
        _poll(job_id, lang)
    elif job.state == "error":
        st.error(t("EnergyPlus run failed", lang))
        st.text(public_message(job.error))
    else:
        st.subheader(t("Surrogate vs EnergyPlus", lang))
        st.dataframe(comparison(result, job.result, lang), hide_index=True, width="stretch")
        st.caption(t("EnergyPlus run time: {s} s", lang, s=f"{job.finished - job.started:.1f}"))
        return job.result
    return None


@st.fragment(run_every=1.0)
def _poll(job_id: str, lang: str) -> None:
    job = job_queue().status(job_id)
    if job is None or job.state in ("done", "error"):
        st.rerun()
    if job.state == "queued":
        st.info(t("Queued: position {pos}", lang, pos=job.position))
    else:
        import time

        elapsed = time.time() - (job.started or time.time())
        # two annual runs in parallel take about 6-8 s here (benchmarks/results/engine.md)
        st.progress(min(elapsed / EXPECTED_S, 0.95), text=f"{t('Running EnergyPlus…', lang)} {elapsed:.0f} s")
