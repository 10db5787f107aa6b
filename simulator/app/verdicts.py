"""The standards verdicts as the pages show them (tables and one line), from simulator/reports/standards.py."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from buildings.model import Building
from simulator.app.i18n import t
from simulator.reports import standards as S
from simulator.reports.report import make_report, standards_table


@st.cache_data(show_spinner=False, max_entries=500)
def u_values(archetype: str, measures: tuple[str, ...]) -> tuple[dict[str, float], dict[str, float]]:
    """U-values [W/(m²·K)] of the archetype before and after the measures."""
    import archetypes
    from buildings import measures as M

    b = archetypes.load(archetype)
    after = M.apply(b, list(measures)) if measures else b
    return b.u_values_w_m2k(), after.u_values_w_m2k()


def standards_frame(building: Building, result: dict[str, Any], lang: str) -> pd.DataFrame:
    """Every check before and after the package (the report's table)."""
    return standards_table(make_report(building, building.name, result, lang))


def verdict_line(building: Building, result: dict[str, Any], lang: str) -> str:
    """One line: the energy-saving step and the GB/T 51350 level, before → after."""
    from simulator.reports.report import applied

    after = applied(building, result)
    none = "未达到" if lang == "zh" else "none"
    area = result["floor_area_m2"]
    steps = [S.step_reached(S.envelope_checks(b), lang) for b in (building, after)]
    levels = [S.energy_levels_reached(S.energy_checks(result[side], building.building_type, area), lang)
              for side in ("baseline", "retrofit")]
    steps = [s if s != "-" else none for s in steps]
    levels = [s if s != "-" else none for s in levels]
    if building.building_type != "residential":  # needs a GB 50189 reference building: see the table's note
        levels = [S.verdict_symbol(None, lang)] * 2
    return (f"{t('Energy-saving step met', lang)}: **{steps[0]}** → **{steps[1]}** · "
            f"{t('GB/T 51350 level', lang)}: **{levels[0]}** → **{levels[1]}**")
