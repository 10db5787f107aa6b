"""The builder's weather: the built-in Tianjin year, its future morphs, or an uploaded EPW.

A weather is named by a short key the caches can hold: ``"tianjin"``, a morph
``"tianjin:<scenario>:<year>"`` (the scenarios of :func:`weather.future_scenarios`),
or ``"epw:<sha256 prefix>"`` for an uploaded file (parsed and validated by
:func:`weather.parse_epw`, kept by the app under that key). Free of Streamlit.
"""

from __future__ import annotations

import hashlib

import weather
from simulator.exceptions import UnknownNameError

BUILT_IN = "tianjin"
UPLOAD_PREFIX = "epw:"
#: Scenario names as people read them (the SSP of IPCC AR6).
SCENARIO_NAMES = {"ssp245": "SSP2-4.5", "ssp585": "SSP5-8.5"}


def builtin_keys() -> list[str]:
    """Today's year, then each morphed future year."""
    return [BUILT_IN, *(f"{BUILT_IN}:{s}:{y}" for s, y in weather.future_scenarios())]


def is_upload(key: str) -> bool:
    return key.startswith(UPLOAD_PREFIX)


def upload_key(data: bytes) -> str:
    """The key of an uploaded file: a prefix of the SHA-256 of its bytes (same file, same key)."""
    return UPLOAD_PREFIX + hashlib.sha256(data).hexdigest()[:16]


def label(key: str, lang: str, upload_name: str | None = None) -> str:
    """How a weather choice reads in the page (Chinese or English)."""
    zh = lang == "zh"
    if key == BUILT_IN:
        return "天津典型年（现状）" if zh else "Tianjin typical year (today)"
    if is_upload(key):
        name = upload_name or key[len(UPLOAD_PREFIX):]
        return f"上传的EPW：{name}" if zh else f"Uploaded EPW: {name}"
    _, scenario, year = key.split(":")
    ssp = SCENARIO_NAMES.get(scenario, scenario)
    return f"天津 {year} 年（{ssp}，形变法）" if zh else f"Tianjin {year}, {ssp} (morphed)"


def load_builtin(key: str) -> weather.Weather:
    """The Weather of a built-in key.

    Raises
    ------
    UnknownNameError
        For a key that is not one of :func:`builtin_keys`.
    """
    if key not in builtin_keys():
        raise UnknownNameError("weather", key, builtin_keys())
    if key == BUILT_IN:
        return weather.load(BUILT_IN)
    _, scenario, year = key.split(":")
    return weather.load(BUILT_IN, scenario, int(year))
