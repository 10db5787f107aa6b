"""The envelope energy-saving steps (``buildings/data/standards.toml``), read in one place."""

from __future__ import annotations

from typing import Any

from simulator.sourced_data import read_toml, value_of


def _data() -> dict[str, Any]:
    """``buildings/data/standards.toml``, parsed once (never mutate)."""
    return read_toml("buildings", "data/standards.toml")


def envelope_steps(building_type: str) -> dict[str, Any]:
    """The steps of a building type: the residential steps, or GB 50189 for every public building (never mutate)."""
    return _data()["residential" if building_type == "residential" else "public"]


def wall_u_basis() -> str:
    """Which wall U the envelope limits are compared with: ``"mean"`` (with thermal bridges) or ``"1d"``."""
    return str(value_of(_data()["wall_u_basis"]))
