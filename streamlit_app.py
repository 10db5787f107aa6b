"""Streamlit entry point (``make run``).

A first page until the app issue lands: the archetype library with its key
figures. Pages hold no physics: they call the library.
"""

import pandas as pd
import streamlit as st

import archetypes


@st.cache_data
def archetype_table() -> pd.DataFrame:
    rows = []
    for name in archetypes.names():
        b = archetypes.load(name)
        u = b.u_values_w_m2k()
        rows.append({
            "archetype": name,
            "type": b.building_type,
            "storeys": b.geometry.storeys,
            "floor area [m2]": round(b.floor_area_m2),
            "wall U [W/(m2 K)]": round(u["wall"], 2),
            "roof U [W/(m2 K)]": round(u["roof"], 2),
            "window U [W/(m2 K)]": round(u["window"], 2),
            "infiltration [1/h]": b.operation.infiltration_ach,
            "heating": b.systems.heating_source,
        })
    return pd.DataFrame(rows)


def main() -> None:
    st.set_page_config(page_title="Hongqiao retrofit simulator", layout="wide")
    st.title("红桥区建筑节能改造模拟器 · Hongqiao retrofit simulator")
    st.write(
        "Archetype buildings of Hongqiao district (Tianjin), simulated in EnergyPlus 25.2. "
        "Run `retrofit simulate --archetype NAME` for annual loads; the interactive package "
        "builder arrives with the surrogate model."
    )
    st.dataframe(archetype_table(), hide_index=True, use_container_width=True)


main()
