"""Which preset packages the builder offers for an archetype, and which of them make it worse.

A preset is offered where its ``building_types`` (buildings/data/packages.toml)
include the archetype's type (all types when absent). A preset that would
install a worse construction than the building has (a higher U-value, e.g. the
old-estate PVC windows, U 2.5, on the five-step tower's U 1.3 windows) stays
offered but carries a warning in its label, is never the default, and the page
warns when it is applied. Free of Streamlit: tested on its own.
"""

from __future__ import annotations

from functools import lru_cache

import archetypes
from buildings import measures as M

CUSTOM = "custom"

#: Short names of the presets for the builder's box (zh, en): the data file's descriptions run to 40-80
#: characters and were cut at 1024 px; the full description is shown under the box.
SHORT_NAMES = {
    "envelope": ("围护结构改造", "Envelope retrofit"),
    "envelope_hp": ("围护结构 + 热泵", "Envelope + heat pump"),
    "envelope_hp_pv": ("围护结构 + 热泵 + 光伏", "Envelope + heat pump + PV"),
    "old_estate_standard": ("老旧小区标准做法", "Old-estate standard"),
    "deep_retrofit": ("深度改造", "Deep retrofit"),
    "public_light_envelope": ("公建：照明 + 窗 + 屋面", "Public: LED + windows + roof"),
    "heat_metering": ("仅供热计量", "Heat metering only"),
    "pv_only": ("仅屋顶光伏", "Rooftop PV only"),
}


def short_name(preset: str, lang: str) -> str:
    """A preset's short name in the language; a preset added to the data file without one: its description
    up to the first colon."""
    if preset in SHORT_NAMES:
        return SHORT_NAMES[preset][0 if lang == "zh" else 1]
    pkg = M.packages()[preset]
    return pkg["description_zh"].split("：")[0] if lang == "zh" else pkg["description"].split(":")[0]


def description(preset: str, lang: str) -> str:
    """A preset's full description in the language (the data file's)."""
    pkg = M.packages()[preset]
    return pkg["description_zh"] if lang == "zh" else pkg["description"]


def preset_types(preset: str) -> tuple[str, ...] | None:
    """The building types a preset is written for (None: every type)."""
    types = M.packages()[preset].get("building_types")
    return None if types is None else tuple(types)


@lru_cache(maxsize=64)
def presets_for(archetype: str) -> tuple[str, ...]:
    """The presets offered for an archetype, in the data file's order."""
    b_type = archetypes.load(archetype).building_type
    return tuple(p for p in M.packages() if preset_types(p) is None or b_type in preset_types(p))


@lru_cache(maxsize=256)
def worse_parts(archetype: str, preset: str) -> tuple[str, ...]:
    """The envelope parts whose U-value [W/(m²·K)] the preset raises on this archetype (empty: none).

    Compared with a margin of 1e-6 W/(m²·K), below any U-value the data files state.
    """
    b = archetypes.load(archetype)
    before = b.u_values_w_m2k()
    after = M.apply(b, list(M.package(preset))).u_values_w_m2k()
    return tuple(k for k, u in before.items() if after[k] > u + 1e-6)


def default_preset(archetype: str) -> str:
    """The preset the builder starts from: the first offered one that makes nothing worse, else "custom"."""
    return next((p for p in presets_for(archetype) if not worse_parts(archetype, p)), CUSTOM)
