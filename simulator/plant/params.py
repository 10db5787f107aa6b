"""Techno-economic defaults of heat plants: ``simulator/plant/data/plant.toml``.

Every entry is ``{ value, unit, source }``; :func:`load_plant_params` returns
the plain values with validated overrides (unknown keys and wrong types are
all reported together as a :class:`~simulator.exceptions.ValidationError`).
"""

from __future__ import annotations

import copy
import math
from typing import Any

from simulator.exceptions import ValidationError
from simulator.sourced_data import is_sourced, read_toml, value_of, walk_sources

DATA_FILE = "data/plant.toml"


_is_entry = is_sourced


def _raw() -> dict[str, Any]:
    return read_toml("simulator.plant", DATA_FILE)


def _plain(node: Any, where: str, problems: list[str]) -> Any:
    if _is_entry(node):
        if "unit" not in node:
            problems.append(f"{where}: missing unit")
        return value_of(node)
    if isinstance(node, dict):
        return {k: _plain(v, f"{where}.{k}" if where else k, problems) for k, v in node.items()}
    return node


def parameter_sources() -> dict[str, str]:
    """Source of every default, by dotted key (``"heat_pump.capex_cny_kw"`` -> text)."""
    out: dict[str, str] = {}
    walk_sources(_raw(), "", out, [])
    return out


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if isinstance(default, list):
        return isinstance(value, list) and all(_same_kind(default[0], v) for v in value) if default else True
    return isinstance(value, type(default))


def _merge(base: dict, over: Any, where: str, problems: list[str]) -> None:
    if not isinstance(over, dict):
        problems.append(f"{where or 'params'}: expected a table of keys ({', '.join(base)}), got {over!r}")
        return
    for key, value in over.items():
        path = f"{where}.{key}" if where else key
        if key not in base:
            problems.append(f"unknown key {path!r}; valid keys: {', '.join(k for k in base if k != 'schema_version')}")
        elif isinstance(base[key], dict):
            _merge(base[key], value, path, problems)
        elif not _same_kind(base[key], value):
            problems.append(f"{path} = {value!r}: must be of the same kind as the default {base[key]!r}")
        elif isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            problems.append(f"{path} = {value!r}: must be >= 0")
        else:
            base[key] = value


def load_plant_params(overrides: dict | None = None, source: str = "plant params") -> dict[str, Any]:
    """Plant defaults as plain values (a fresh copy), with validated overrides.

    Parameters
    ----------
    overrides
        Nested ``{section: {key: value}}``, e.g. ``{"chp": {"heat_price_cny_gj": 35}}``.
    source
        Names the origin of the overrides in error messages (a spec file's path).

    Raises
    ------
    ValidationError
        Unknown sections or keys (valid ones listed), values of the wrong kind, negative numbers.
    """
    problems: list[str] = []
    params = copy.deepcopy(_plain(_raw(), "", problems))
    if problems:
        raise ValidationError(problems, source=f"simulator/plant/{DATA_FILE}")
    if overrides:
        _merge(params, overrides, "", problems)
        if problems:
            raise ValidationError(problems, source=source)
    return params
