"""Calibrate: your own building, its meters, a Bayesian calibration, savings with credible intervals.

No physics here: the page calls :mod:`simulator.calibration`. Uploaded and
pasted text is shown with ``st.text`` or in tables, never as markdown.
"""

from __future__ import annotations

import io
import json
import logging
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

import archetypes
from buildings import measures as M
from buildings.model import HEATING_SOURCES
from simulator.app.i18n import t
from simulator.app.main import archetype_title, assumptions, lang
from simulator.app.uploads import MAX_UPLOAD_BYTES, display_name, public_message, too_large_message
from simulator.calibration import charts
from simulator.calibration import messages as cal_msg
from simulator.calibration import own_building as ob
from simulator.calibration.calibrate import (
    WEATHER_METHODS,
    Options,
    calibrate,
    calibrated_toml,
    check_building,
    load_meter,
    plan_weather,
)
from simulator.exceptions import RetrofitError

log = logging.getLogger(__name__)
L = lang()
st.title(t("Calibrate to meters", L))
st.caption(t("Describe the building, load its meter data, and find the uncertain inputs that explain the meters "
             "(Bayesian calibration with the surrogate, checked in EnergyPlus).", L))

# --------------------------------------------------------------------------- 1. the building

st.header(t("1. The building", L))
SOURCES = ("library", "form", "upload")
source = st.radio(t("Building from", L), SOURCES, horizontal=True, key="cal_source",
                  format_func=lambda s: t({"library": "Library archetype (sidebar)", "form": "Own building form",
                                           "upload": "Upload an archetype file"}[s], L))

FORM_FIELDS = [("name", "Name", "text"), ("building_type", "Building type", "choice"),
               ("year_built", "Year built", "int"), ("storeys", "Storeys", "int"),
               ("length_m", "Length [m]", "float"), ("depth_m", "Depth [m]", "float"),
               ("azimuth_deg", "Front facade azimuth [°] (180 = south)", "float"),
               ("floor_area_m2", "Floor area [m²]", "float"), ("wwr_south", "Window share south [-]", "float"),
               ("wwr_north", "Window share north [-]", "float"), ("wwr_east", "Window share east [-]", "float"),
               ("wwr_west", "Window share west [-]", "float"), ("wall_type", "Wall type", "choice"),
               ("heating_source", "Heating source", "choice")]
CHOICES = {"building_type": ["residential", "office", "school"], "wall_type": [None, *ob.wall_types()],
           "heating_source": [None, *HEATING_SOURCES]}


def _spec_from_state() -> ob.OwnBuilding:
    s = st.session_state
    kw = {k: s.get(f"ob_{k}") for k, _, _ in FORM_FIELDS}
    kw["name"] = kw["name"] or ""
    kw["building_type"] = kw["building_type"] or "residential"
    return ob.OwnBuilding(**kw)


def _choice_label(key: str, v) -> str:
    if v is None:
        return t("(as the archetype)", L)
    if key == "wall_type":
        return ob.wall_types()[v]["label_zh" if L == "zh" else "label"]
    return str(v)


def package_label(p: str | None) -> str:
    """A preset package as people read it (its description, not its identifier)."""
    if p is None:
        return t("(none)", L)
    pkg = M.packages()[p]
    return pkg["description_zh"] if L == "zh" else pkg["description"].split(":")[0]


def warning_text(text: str, labels: dict[str, str] | None = None) -> str:
    """A library warning in the page's language (its template translated, the fields filled back in)."""
    found = cal_msg.parse(text)
    if found is None:
        return public_message(text)
    template, fields = found
    for key in ("name", "parameter"):
        if key in fields and labels:
            fields[key] = labels.get(fields[key], fields[key])
    for key in ("meter", "role"):
        if key in fields:
            fields[key] = t(ROLE_LABELS.get(fields[key], fields[key]), L)
    return public_message(t(template, L, **fields))


ROLE_LABELS = {"heat": "Heat", "electricity": "Electricity", "month": "Month", "start": "Start date",
               "end": "End date", "temperature": "Monthly mean temperature"}


def problem_lines(exc: RetrofitError) -> list[str]:
    """Every problem of an error in the page's language, each naming its file (the library's templates translated)."""
    source = getattr(exc, "source", None)
    lines = getattr(exc, "problems", None) or [str(exc)]
    out = [warning_text(line) for line in lines]
    return [t("{file}: {problem}", L, file=public_message(source), problem=line) if source else line for line in out]


def meter_table(meter) -> pd.DataFrame:
    """The meter readings per calendar month with translated headers."""
    f = meter.to_frame().round(1)
    return pd.DataFrame({t("Month", L): f["month"], t("Period", L): f["label"],
                         t("Heat [kWh]", L): f["heat_kwh"], t("Electricity [kWh]", L): f["electricity_kwh"]})


METHOD_LABELS = {"auto": "automatic (surrogate inside its training weathers, else degree-days)",
                 "surrogate": "the surrogate predicts on that weather", "degree-days": "degree-day normalisation"}
REPORT_LABELS = {"html": "Download report (HTML)", "pdf": "Download report (PDF)", "csv": "Download CSV",
                 "xlsx": "Download Excel"}


def calibrated_downloads(path: Path, package: str, ass: dict) -> list:
    """The report of ``package`` on a calibrated archetype file, with its credible intervals, four ways."""
    from simulator.app import report
    from simulator.app.choices import options_from
    from simulator.app.state import engine, weather_obj
    from simulator.evaluate import evaluate
    from simulator.reports.report import summarise

    b = archetypes.load(path)
    result = summarise(evaluate(b, package, weather=weather_obj(), engine=engine(), options=options_from(ass)))
    meta = archetypes.raw(path).get("meta", {})
    title = str(meta.get("title_zh" if L == "zh" else "title") or b.name)
    return report.downloads(b, str(path), result, L, ass, "tianjin", None, title,
                            int(st.session_state.get("cal_report_draws", 100)))


def _upload_bytes(up, fallback: str) -> tuple[bytes | None, str]:
    """An upload's bytes and its safe display name; ``None`` (with the message shown) when it is too large."""
    shown = display_name(up.name, fallback)
    if up.size > MAX_UPLOAD_BYTES:
        st.error(t("Could not read this file", L))
        st.text(f"{shown}: {too_large_message(up.size)}")
        return None, shown
    return up.getvalue(), shown


def _submit_form() -> None:
    st.session_state["ob_submitted"] = True


building_text: str | None = None  # archetype file text for the calibration (form or upload)
building_label = st.session_state.get("archetype", "old_estate_pre1990")

if source == "form":
    errors = ob.field_errors(_spec_from_state()) if st.session_state.get("ob_submitted") else {}
    cols = st.columns(3)
    for i, (key, label, kind) in enumerate(FORM_FIELDS):
        with cols[i % 3]:
            if kind == "text":
                st.text_input(t(label, L), key=f"ob_{key}", max_chars=ob.MAX_NAME_CHARS)
            elif kind == "choice":
                st.selectbox(t(label, L), CHOICES[key], key=f"ob_{key}",
                             format_func=lambda v, key=key: _choice_label(key, v))
            elif kind == "int":
                st.number_input(t(label, L), value=None, step=1, key=f"ob_{key}")
            else:
                st.number_input(t(label, L), value=None, key=f"ob_{key}", format="%.2f")
            if key in errors:
                st.error(f"{t(label, L)}: {errors[key]}")
    st.caption(t("Empty fields keep the archetype's value and its source.", L))
    st.button(t("Make the archetype file", L), on_click=_submit_form, key="ob_make")
    if st.session_state.get("ob_submitted") and not errors:
        try:
            building_text = ob.own_building_toml(_spec_from_state())
        except RetrofitError as exc:
            st.error(t("Could not make the archetype file", L))
            st.text(public_message(exc))
        else:
            name = _spec_from_state().name
            building_label = name
            st.success(t("Archetype file made; it extends {base}", L,
                         base=ob.base_archetype(_spec_from_state())))
            st.download_button(t("Download the archetype file", L), building_text, "own_building.toml",
                               "application/toml", key="ob_download")
elif source == "upload":
    up = st.file_uploader(t("Archetype file (.toml)", L), type=["toml"], key="cal_arch_upload")
    data, shown = _upload_bytes(up, "archetype.toml") if up is not None else (None, "")
    if data is not None:
        try:
            text = data.decode("utf-8")
            b = ob.check_text(text, shown)
        except UnicodeDecodeError:
            st.error(t("Could not read this file", L))
            st.text(f"{shown}: not UTF-8 text")
        except RetrofitError as exc:
            st.error(t("The archetype file has problems", L))
            for line in getattr(exc, "problems", [str(exc)]):
                st.text(public_message(line))
        else:
            building_text, building_label = text, b.name
            st.success(t("Archetype file read", L))
            st.text(f"{b.name}: {b.floor_area_m2:,.0f} m², {b.geometry.storeys} {t('storeys', L)}")
else:
    st.text(f"{t('Archetype', L)}: {archetype_title(building_label, L)}")

# --------------------------------------------------------------------------- 2. the meters

st.header(t("2. Meter data", L))
st.caption(t("CSV or Excel: a month column (month / 月份: 1-12 or YYYY-MM) or billing periods (start, end / "
             "开始日期, 结束日期); heat with its unit (heat_gj, heat_kwh, 供热量(GJ)); electricity_kwh / 用电量(kWh).", L))
c1, c2 = st.columns(2)
meter_up = c1.file_uploader(t("Meter file", L), type=["csv", "xlsx", "txt"], key="cal_meter_upload")
pasted = c2.text_area(t("…or paste the table (CSV)", L), key="cal_meter_text", height=150)
c3, c4, c5 = st.columns(3)
heat_meter = c3.radio(t("Heat metered at", L), ["building", "substation"], key="cal_heat_meter",
                      format_func=lambda s: t({"building": "the building", "substation": "the substation"}[s], L))
area_in = c4.number_input(t("Metered floor area [m²] (empty: the building's)", L), value=None, key="cal_area")
epw_up = c5.file_uploader(t("Weather of the metered period (EPW, optional)", L), type=None, key="cal_epw")

meter_bytes, meter_name = None, None
if meter_up is not None:
    meter_bytes, meter_name = _upload_bytes(meter_up, "meter.csv")
elif pasted.strip():
    meter_bytes, meter_name = pasted.encode("utf-8"), "pasted.csv"


@st.cache_resource(show_spinner=False)
def _tmpdir() -> str:
    """One private folder for this server's temporary archetype and weather files."""
    return tempfile.mkdtemp(prefix="hongqiao-calibrate-")


def _archetype_arg(tmp: Path) -> str:
    if building_text is None:
        return building_label
    p = tmp / "building.toml"
    p.write_text(building_text, encoding="utf-8")
    return str(p)


with tempfile.TemporaryDirectory(dir=_tmpdir()) as tmp_name:
    tmp = Path(tmp_name)
    weather_path = None
    epw_bytes, epw_name = _upload_bytes(epw_up, "metered.epw") if epw_up is not None else (None, "")
    if epw_bytes is not None:
        import weather

        try:
            w = weather.parse_epw(epw_bytes, epw_name)
            weather_path = w.to_epw(tmp / "metered.epw")  # EnergyPlus reads a normalised copy, never the upload
        except RetrofitError as exc:
            st.error(t("Could not read this file", L))
            st.text(public_message(exc))
    ready = False
    if meter_bytes is not None and (source == "library" or building_text is not None):
        try:
            arch = _archetype_arg(tmp)
            b = archetypes.load(arch)
            check_building(b, building_label)
            plan = plan_weather(weather_path)
            meter = load_meter(meter_bytes, meter_name, b, plan, heat_meter, area_in)
        except RetrofitError as exc:
            st.error(t("The meter data or the building cannot be used", L))
            for line in problem_lines(exc):
                st.text(line)
        except Exception:  # noqa: BLE001 - any garbage must end in a message, not a traceback
            log.exception("calibrate page: unexpected error reading the meter data")
            st.error(t("The meter data or the building cannot be used", L))
        else:
            ready = True
            n_months = int((np.isfinite(meter.heat_kwh) | np.isfinite(meter.electricity_kwh)).sum())
            st.success(t("Meter data read: {n} months", L, n=n_months))
            st.dataframe(meter_table(meter), hide_index=True, width="stretch")
            if meter.has_temperatures:
                st.info(t("Monthly mean temperatures found: the built-in year is morphed to them as the weather "
                          "of the metered period", L))
            for wmsg in (*plan.warnings, *meter.warnings):
                st.warning(warning_text(wmsg))

    # ----------------------------------------------------------------------- 3. calibration
    st.header(t("3. Calibration", L))
    packages = list(M.packages())
    package = st.selectbox(t("Package for the savings", L), [None, *packages], key="cal_package",
                           format_func=package_label)
    with st.expander(t("MCMC settings", L)):
        e1, e2, e3, e4 = st.columns(4)
        walkers = e1.number_input(t("Walkers", L), 8, 256, 64, step=8, key="cal_walkers")
        steps = e2.number_input(t("Steps", L), 50, 5000, 1000, step=50, key="cal_steps")
        burn = e3.number_input(t("Burn-in steps", L), 10, 4000, 300, step=50, key="cal_burn")
        run_ep = e4.checkbox(t("EnergyPlus check", L), value=True, key="cal_energyplus")
        st.number_input(t("Posterior draws for the report's credible intervals", L), 20, 200, 100, step=10,
                        key="cal_report_draws")
        method = st.radio(t("Metered year other than the built-in one", L), WEATHER_METHODS, horizontal=True,
                          key="cal_weather_method", format_func=lambda m: t(METHOD_LABELS[m], L))
    if st.button(t("Calibrate", L), disabled=not ready, key="cal_run", type="primary"):
        bar = st.progress(0.0, text=t("Calibrating…", L))
        try:
            result = calibrate(arch, meter_bytes, meter_name=meter_name, weather_path=weather_path,
                               heat_meter=heat_meter, floor_area_m2=area_in,
                               options=Options(n_walkers=int(walkers), n_steps=int(steps),
                                               burn=min(int(burn), int(steps) - 10), energyplus=run_ep,
                                               package=package, weather_method=method),
                               progress=lambda f, m: bar.progress(min(1.0, f), text=m))
            thin = result.posterior.samples[:: max(1, len(result.posterior.samples) // 3000)]
            st.session_state["cal_result"] = {
                "json": result.to_dict(), "toml": calibrated_toml(result),
                "samples": {n: thin[:, j].tolist() for j, n in enumerate(result.posterior.names)},
                "labels": {p.name: (p.label_zh if L == "zh" else p.label) for p in result.priors}}
        except RetrofitError as exc:
            st.error(t("Calibration failed", L))
            for line in problem_lines(exc):
                st.text(line)
        bar.empty()

# --------------------------------------------------------------------------- 4. results

res = st.session_state.get("cal_result")
if res:
    d = res["json"]
    st.header(t("4. Results", L))
    st.caption(t("Runtime {s} s", L, s=f"{d['runtime_s']:.1f}"))
    st.subheader(t("ASHRAE Guideline 14 (monthly): CV(RMSE) ≤ 15 %, |NMBE| ≤ 5 %", L))
    st.dataframe(pd.DataFrame(charts.metrics_rows(d["metrics"], lambda s: t(s, L))), hide_index=True,
                 width="stretch")
    for meter_key in ("heat", "electricity"):
        if any(r.get(f"{meter_key}_measured_kwh") is not None for r in d["monthly"]):
            st.subheader(t("Measured vs simulated: heat" if meter_key == "heat" else
                           "Measured vs simulated: electricity", L))
            st.plotly_chart(charts.monthly_figure(d["monthly"], meter_key, lambda s: t(s, L), L), width="stretch")
    st.subheader(t("Posterior", L))
    st.plotly_chart(charts.posterior_figure(res["samples"], d["posterior"], res["labels"], lambda s: t(s, L)),
                    width="stretch")
    st.dataframe(pd.DataFrame([{t("Parameter", L): res["labels"].get(k, k), t("Mean", L): round(v["mean"], 3),
                                "p05": round(v["p05"], 3), "p95": round(v["p95"], 3),
                                t("Prior 90 %", L): f"{v['prior_p05']:.3f} – {v['prior_p95']:.3f}",
                                "ESS": round(v["ess"]), "R-hat": round(v["rhat"], 3)}
                               for k, v in d["posterior"].items()]), hide_index=True, width="stretch")
    dg = d["diagnostics"]
    st.text(f"{t('Acceptance', L)} {dg['acceptance_fraction']:.2f} · τ {dg['tau_max_steps']:.0f} · "
            f"{dg['n_walkers']} × {dg['n_steps']} ({t('burn-in', L)} {dg['burn_in_steps']})")
    s = d.get("savings")
    if s:
        st.subheader(t("Heating savings of {p} (90 % credible interval)", L, p=package_label(s["package"])))
        rows = []
        for key, label in (("before", "Before calibration (prior)"), ("after", "After calibration (posterior)")):
            r, pc = s[key]["saved_kwh_m2"], s[key]["saved_pct"]
            rows.append({"": t(label, L), t("Saved [kWh/m²·a]", L): f"{r['mean']:.1f} ({r['p05']:.1f} – {r['p95']:.1f})",
                         t("Saved [%]", L): f"{pc['mean']:.0f} ({pc['p05']:.0f} – {pc['p95']:.0f})"})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    for wmsg in d["warnings"]:
        st.warning(warning_text(wmsg, res["labels"]))
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("Download the calibrated archetype", L), res["toml"], "calibrated_archetype.toml",
                       "application/toml", key="cal_dl_toml")
    c2.download_button(t("Download results (JSON)", L), json.dumps(d, indent=2, ensure_ascii=False),
                       "calibration.json", "application/json", key="cal_dl_json")
    buf = io.StringIO()
    pd.DataFrame(d["monthly"]).to_csv(buf, index=False)
    c3.download_button(t("Download monthly table (CSV)", L), buf.getvalue(), "calibration_monthly.csv", "text/csv",
                       key="cal_dl_csv")

    # ----------------------------------------------------------------------- 5. report on the calibrated building
    st.header(t("5. Report of a package on the calibrated building", L))
    st.caption(t("Its savings carry 90 % credible intervals: posterior draws kept in the calibrated file, each with "
                 "the surrogate's own uncertainty, through the same systems, bills and carbon code.", L))
    presets = list(M.packages())
    rep_pkg = st.selectbox(t("Package", L), presets, key="cal_report_package", format_func=package_label,
                           index=presets.index(s["package"]) if s and s.get("package") in presets else 0)
    ass = assumptions()
    rkey = json.dumps([res["toml"], rep_pkg, ass, L, st.session_state.get("cal_report_draws")], sort_keys=True)
    built = st.session_state.get("cal_report")
    if (built is None or built[0] != rkey) and st.button(t("Prepare the report (HTML, PDF, CSV, Excel)", L),
                                                         key="cal_make_report"):
        with st.spinner(t("Building the report…", L)), tempfile.TemporaryDirectory(dir=_tmpdir()) as tmp_name:
            path = Path(tmp_name) / "calibrated_archetype.toml"
            path.write_text(res["toml"], encoding="utf-8")
            try:
                files = calibrated_downloads(path, rep_pkg, ass)
            except RetrofitError as exc:
                st.error(t("Could not build the report", L))
                st.text(public_message(exc))
                files = None
        if files is not None:
            st.session_state["cal_report"] = built = (rkey, files)
    if built is not None and built[0] == rkey:
        for col, f in zip(st.columns(4), built[1], strict=True):
            if f.data is None:
                col.warning(public_message(f.error))
            else:
                col.download_button(t(REPORT_LABELS[f.kind], L), f.data, f.file_name, f.mime, key=f"cal_report_dl_{f.kind}")
