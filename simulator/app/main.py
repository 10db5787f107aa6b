"""App shell: page config, language, shared sidebar widgets, navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import archetypes
from simulator import carbon
from simulator.app.help_values import help_values
from simulator.app.i18n import DEFAULT_LANG, LANGS, t
from simulator.app.options import restore
from simulator.app.state import warmup

PAGES = Path(__file__).resolve().parent / "pages"
PAGE_FILES = {
    "explorer": ("Archetype explorer", ":material/apartment:"),
    "builder": ("Package builder", ":material/construction:"),
    "compare": ("Compare packages", ":material/scatter_plot:"),
    "climate": ("Climate", ":material/thermostat:"),
    "plant": ("Heat plant", ":material/factory:"),
    "calibrate": ("Calibrate to meters", ":material/tune:"),
    "roadmap": ("District roadmap", ":material/timeline:"),
}


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def archetype_title(name: str, lang_: str | None = None) -> str:
    meta = archetypes.raw(name).get("meta", {})
    return meta.get("title_zh" if (lang_ or lang()) == "zh" else "title", name)


def assumptions() -> dict:
    """The shared assumptions chosen in the sidebar."""
    return {
        "grid": st.session_state.get("grid", "north_china_2023"),
        "discount_rate": st.session_state.get("discount_pct", help_values()["discount_rate_pct"]) / 100.0,
        "horizon_years": 20,
        "subsidy_cny_m2": float(st.session_state.get("subsidy_cny_m2", 0)),
    }


GRID_NAMES = {  # grid-factor identifiers of simulator/data/emission_factors.toml as read by people
    "north_china_2023": ("华北电网 2023", "North China grid 2023"),
    "north_china_2022": ("华北电网 2022", "North China grid 2022"),
    "tianjin_2022": ("天津 2022", "Tianjin 2022"),
    "national_2023": ("全国平均 2023", "national average 2023"),
    "national_2022": ("全国平均 2022", "national average 2022"),
    "national_2021": ("全国平均 2021", "national average 2021"),
    "national_excl_green_2023": ("全国（不含绿电）2023", "national excl. green power 2023"),
    "national_fossil_2023": ("全国火电 2023", "national fossil power 2023"),
    "mee_reporting_2023_2025": ("生态环境部核算 2023-2025", "MEE reporting 2023-2025"),
}


def grid_label(name: str, lang_: str) -> str:
    """A grid factor as people read it, with its value."""
    zh, en = GRID_NAMES.get(name, (name, name))
    unit = "千克CO₂/千瓦时" if lang_ == "zh" else "kgCO₂/kWh"
    return f"{zh if lang_ == 'zh' else en} ({carbon.grid_factor_kgco2_kwh(grid=name)[1]:.3f} {unit})"


# Printing gives the page, not the widgets (issue 16): sidebar, toolbar, buttons and sliders are hidden;
# and the page-wide rules below.
PRINT_CSS = """<style>@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  .stButton, .stDownloadButton, [data-testid="stSlider"], [data-testid="stSelectbox"], [data-testid="stRadio"],
  [data-testid="stCheckbox"], [data-testid="stMultiSelect"], [data-testid="stExpander"] summary,
  .modebar-container, [data-testid="stElementToolbar"] { display: none !important; }
  [data-testid="stMain"], [data-testid="stAppViewContainer"] { margin: 0 !important; padding: 0 !important; }
  .js-plotly-plot, [data-testid="stMetric"] { break-inside: avoid; }
}
/* key figures are never cut off (issue 16: "18..." for a payback at 1024 px): labels wrap, values shrink */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important; }
[data-testid="stMetricValue"] { font-size: clamp(1.2rem, 2.0vw, 2.0rem) !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { overflow: visible !important;
  text-overflow: clip !important; }
/* widget labels wrap instead of ending in "..." (issue 16: "Heat metering an..." on a toggle at 1024 px) */
[data-testid="stWidgetLabel"] .stMarkdownEllipsis, [data-testid="stWidgetLabel"] .stMarkdownEllipsis * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
@media (max-width: 640px) { h1 { font-size: 1.6rem !important; } }
</style>"""


def _apply_link() -> None:
    """Once per session: the language, archetype and builder choices of the address (if valid)."""
    if st.session_state.get("_link_read"):
        return
    st.session_state["_link_read"] = True
    from simulator.app.links import read_scenario

    found = read_scenario(st.query_params, LANGS, archetypes.names())
    for key in ("lang", "archetype"):
        if key in found:
            st.session_state[key] = found[key]
    if "choices" in found:
        st.session_state["choices"] = found["choices"]
        for k, v in found["choices"].items():
            st.session_state[f"b_{k}"] = v
        st.session_state["b_preset"] = st.session_state["preset_applied"] = "custom"


def write_link() -> None:
    """Keep the address in step with the scenario (a reload or a shared link reproduces it)."""
    from simulator.app.links import choices_to_param

    params = {"lang": lang(), "archetype": st.session_state.get("archetype", "old_estate_pre1990")}
    if "choices" in st.session_state:
        params["c"] = choices_to_param(st.session_state["choices"])
    for key, value in params.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def _sidebar() -> None:
    st.sidebar.radio("语言 / Language", list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)
    names = archetypes.names()
    restore(st.session_state, "archetype", names, archetype_title)  # labels follow the language
    current = lang()  # bound now: AppTest calls format_func outside the script run
    # radios, not select boxes: their labels wrap, where a select box cut the long archetype and grid names
    # at 1024 px (issue 16)
    st.sidebar.radio(t("Archetype", lang()), names, index=names.index("old_estate_pre1990"),
                     format_func=lambda n: archetype_title(n, current), key="archetype")
    with st.sidebar.expander(t("Assumptions", lang())):
        grids = carbon.grid_factor_names()
        restore(st.session_state, "grid", grids, grid_label)
        st.radio(t("Grid CO₂ factor", current), grids, index=grids.index("north_china_2023"), key="grid",
                 format_func=lambda g: grid_label(g, current))
        st.slider(t("Discount rate [%]", current), 0, 12, round(help_values()["discount_rate_pct"]), key="discount_pct")
        st.number_input(t("Subsidy [CNY/m²]", current), 0, 500, 0, step=5, key="subsidy_cny_m2",
                        help=t("e.g. {subsidy_example_cny_m2:g} CNY/m² central award for cold-zone residential retrofits", current, **help_values()))


def run() -> None:
    st.set_page_config(page_title="Hongqiao retrofit simulator · 红桥区建筑节能改造模拟器", page_icon=":material/apartment:",
                       layout="wide")
    _apply_link()
    if "lang" not in st.session_state:
        st.session_state["lang"] = DEFAULT_LANG
    st.markdown(PRINT_CSS, unsafe_allow_html=True)
    pages = [
        st.Page(PAGES / f"{key}.py", title=t(title, lang()), icon=icon, url_path=key, default=(key == "explorer"))
        for key, (title, icon) in PAGE_FILES.items()
    ]
    nav = st.navigation(pages)
    warmup()  # from the first visit on, every family's surrogate model loads (or trains) in the background
    _sidebar()
    write_link()
    nav.run()
    write_link()
