"""A scenario in the page address, so a link reproduces what was on screen.

``?lang=en&archetype=public_office&c=wall_mm-100~window_level-lowe_double~...`` carries the
language, the archetype and the builder's choices that differ from "no measures". Everything
read back from an address is checked against the options the widgets offer: an unknown key or
value is dropped, never passed on. Free of Streamlit (the query parameters are any mapping).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.app.choices import AIRTIGHT_ACH, HEAT_SOURCES, WALL_MATERIALS, WINDOW_LEVELS, Choices

#: allowed values of each choice (the builder's widget ranges)
ALLOWED: dict[str, tuple] = {
    "wall_material": WALL_MATERIALS,
    "wall_mm": tuple(range(0, 201, 10)),
    "roof_mm": tuple(range(0, 201, 10)),
    "floor_mm": tuple(range(0, 101, 10)),
    "window_level": WINDOW_LEVELS,
    "airtight_ach": AIRTIGHT_ACH,
    "trv": (False, True),
    "led": (False, True),
    "heat_source": HEAT_SOURCES,
    "inverter_ac": (False, True),
    "pv_share_pct": tuple(range(0, 101, 10)),
}
MAX_PARAM_CHARS = 400


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return f"{value:g}" if isinstance(value, float) else str(value)


def choices_to_param(choices: Mapping[str, Any]) -> str:
    """The choices that differ from no-measures, as ``key-value`` pairs joined by "~"."""
    default = Choices().as_dict()
    return "~".join(f"{k}-{_text(v)}" for k, v in choices.items() if k in ALLOWED and v != default[k])


def choices_from_param(text: str) -> dict[str, Any] | None:
    """Choices from :func:`choices_to_param` text; None when nothing valid is in it."""
    if not isinstance(text, str) or not text or len(text) > MAX_PARAM_CHARS:
        return None
    out = Choices().as_dict()
    found = False
    for pair in text.split("~"):
        key, _, raw = pair.partition("-")
        allowed = ALLOWED.get(key)
        if allowed is None:
            continue
        for option in allowed:
            if _text(option) == raw:
                out[key] = option
                found = True
                break
    return out if found else None


def read_scenario(params: Mapping[str, Any], langs: Mapping[str, str], archetypes: list[str]) -> dict[str, Any]:
    """The language, archetype and choices an address carries (only valid ones)."""
    out: dict[str, Any] = {}
    lang = params.get("lang")
    if lang in langs:
        out["lang"] = lang
    arch = params.get("archetype")
    if arch in archetypes:
        out["archetype"] = arch
    choices = choices_from_param(params.get("c", ""))
    if choices is not None:
        out["choices"] = choices
    return out
