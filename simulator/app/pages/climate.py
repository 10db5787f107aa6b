"""Climate: Tianjin's monthly temperatures, degree days and solar, today and in future scenarios."""

from __future__ import annotations

import logging

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import weather
from simulator.app.charts import months
from simulator.app.i18n import t
from simulator.app.main import lang
from simulator.app.options import restore
from simulator.app.uploads import MAX_UPLOAD_BYTES, display_name, public_message, too_large_message
from simulator.exceptions import RetrofitError

log = logging.getLogger(__name__)
L = lang()
st.title(t("Climate", L))


@st.cache_data(show_spinner=False)
def scenario_stats() -> dict[str, dict]:
    out = {}
    for label, scenario, year in [("Today", None, None), *[(f"{s} {y}", s, y) for s, y in weather.future_scenarios()]]:
        s = weather.stats(weather.load("tianjin", scenario=scenario, year=year))
        out[label] = {"monthly": s.monthly.to_dict(orient="list"), "hdd18_kd": s.hdd18_kd, "cdd26_kd": s.cdd26_kd,
                      "heating_season_mean_c": s.heating_season_mean_c,
                      "heating_design_996_c": s.heating_design_996_c, "cooling_design_004_c": s.cooling_design_004_c,
                      "ghi_kwh_m2": float(sum(s.monthly["ghi_kwh_m2"]))}
    return out


stats = scenario_stats()
restore(st.session_state, "cl_scenarios", list(stats), lambda k, lang_: t("Today", lang_) if k == "Today" else k,
        multi=True)
chosen = st.multiselect(t("Scenario", L), list(stats), default=["Today", "ssp245 2050", "ssp585 2050"],
                        format_func=lambda k: t("Today", L) if k == "Today" else k, key="cl_scenarios")
temp = go.Figure()
for k in chosen:
    temp.add_scatter(x=months(L), y=stats[k]["monthly"]["dry_bulb_mean_c"], mode="lines+markers",
                     name=t("Today", L) if k == "Today" else k)
temp.update_layout(yaxis_title=t("Monthly mean temperature [°C]", L), height=360, margin={"t": 30})
st.plotly_chart(temp, width="stretch")

table = pd.DataFrame([{
    t("Scenario", L): t("Today", L) if k == "Today" else k,
    "HDD18 [K·d]": round(v["hdd18_kd"]), "CDD26 [K·d]": round(v["cdd26_kd"]),
    t("heating season mean [°C]", L): round(v["heating_season_mean_c"], 1),
    t("99.6 % heating design [°C]", L): round(v["heating_design_996_c"], 1),
    t("0.4 % cooling design [°C]", L): round(v["cooling_design_004_c"], 1),
    "GHI [kWh/m²·a]": round(v["ghi_kwh_m2"]),
} for k, v in stats.items() if k in chosen])
st.subheader(t("Degree days [K·d]", L))
st.dataframe(table, hide_index=True, width="stretch")

solar = go.Figure()
for k in chosen:
    solar.add_bar(x=months(L), y=stats[k]["monthly"]["ghi_kwh_m2"], name=t("Today", L) if k == "Today" else k)
solar.update_layout(yaxis_title=t("Monthly global solar radiation [kWh/m²]", L), height=320, margin={"t": 30})
st.plotly_chart(solar, width="stretch")
st.caption(t("Built-in Tianjin typical year generated from monthly climate statistics; future years by morphing "
             "(Belcher et al. 2005) with the deltas in weather/data/future_deltas.csv.", L))

st.subheader(t("Upload an EPW file", L))
upload = st.file_uploader("EPW", type=None, key="cl_upload")
if upload is not None:
    shown_name = display_name(upload.name)
    if upload.size > MAX_UPLOAD_BYTES:
        st.error(t("Could not read this file", L))
        st.text(f"{shown_name}: {too_large_message(upload.size)}")
    else:
        try:
            w = weather.parse_epw(upload.getvalue(), shown_name)
            s = weather.stats(w)
        except RetrofitError as exc:
            st.error(t("Could not read this file", L))
            st.text(public_message(exc))
        except Exception:  # noqa: BLE001 - any garbage upload must end in a message, not a traceback
            log.exception("climate page: unexpected error reading an upload")
            st.error(t("Could not read this file", L))
            st.text(f"{shown_name}: not a readable EPW file")
        else:
            st.success(t("Weather file read", L))
            # file text is shown as plain text, never markdown (no links or remote images)
            st.text(f"{w.site.name} ({w.site.latitude_deg:.2f}, {w.site.longitude_deg:.2f}): "
                    f"HDD18 {s.hdd18_kd:.0f} K·d, CDD26 {s.cdd26_kd:.0f} K·d, "
                    f"GHI {sum(s.monthly['ghi_kwh_m2']):.0f} kWh/m²")
            st.dataframe(s.monthly.round(1), width="stretch")
