"""The envelope energy-saving steps (``buildings/data/standards.toml``), read in one place."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads(resources.files("buildings").joinpath("data/standards.toml").read_text(encoding="utf-8"))


def envelope_steps(building_type: str) -> dict[str, Any]:
    """The steps of a building type: the residential steps, or GB 50189 for every public building (never mutate)."""
    return _data()["residential" if building_type == "residential" else "public"]


def wall_u_basis() -> str:
    """Which wall U the envelope limits are compared with: ``"mean"`` (with thermal bridges) or ``"1d"``."""
    return str(_data()["wall_u_basis"]["value"])
