"""App shell: page config, language, shared sidebar widgets, navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import archetypes
from simulator import carbon
from simulator.app.i18n import DEFAULT_LANG, LANGS, t
from simulator.app.options import restore

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
        "discount_rate": st.session_state.get("discount_pct", 8) / 100.0,
        "horizon_years": 20,
        "subsidy_cny_m2": float(st.session_state.get("subsidy_cny_m2", 0)),
    }


def _sidebar() -> None:
    st.sidebar.radio("语言 / Language", list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)
    names = archetypes.names()
    restore(st.session_state, "archetype", names, archetype_title)  # labels follow the language
    current = lang()  # bound now: AppTest calls format_func outside the script run
    st.sidebar.selectbox(t("Archetype", lang()), names, index=names.index("old_estate_pre1990"),
                         format_func=lambda n: archetype_title(n, current), key="archetype")
    with st.sidebar.expander(t("Assumptions", lang())):
        grids = carbon.grid_factor_names()
        st.selectbox("Grid CO₂ factor / 电网排放因子", grids, index=grids.index("north_china_2023"), key="grid",
                     format_func=lambda g: f"{g} ({carbon.grid_factor_kgco2_kwh(grid=g)[1]:.4f} kg/kWh)")
        st.slider("Discount rate / 折现率 [%]", 0, 12, 8, key="discount_pct")
        st.number_input("Subsidy / 补贴 [CNY/m²]", 0, 500, 0, step=5, key="subsidy_cny_m2",
                        help="e.g. 45 CNY/m² central award for cold-zone residential retrofits")


def run() -> None:
    st.set_page_config(page_title="Hongqiao retrofit simulator · 红桥区建筑节能改造模拟器", page_icon=":material/apartment:",
                       layout="wide")
    if "lang" not in st.session_state:
        st.session_state["lang"] = DEFAULT_LANG
    pages = [
        st.Page(PAGES / f"{key}.py", title=t(title, lang()), icon=icon, url_path=key, default=(key == "explorer"))
        for key, (title, icon) in PAGE_FILES.items()
    ]
    nav = st.navigation(pages)
    _sidebar()
    nav.run()
