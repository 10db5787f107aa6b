"""The defaults of the systems step and rooftop PV: ``simulator/data/systems.toml``.

Every entry is ``{ value, unit, range, source }``. :func:`parameter_specs`
reads and checks the file once; :func:`load_system_params` returns the plain
values with validated per-call overrides. Both :mod:`simulator.systems` and
:mod:`simulator.pv` read their parameters here (this module imports neither,
so the two do not import each other).
"""

from __future__ import annotations

import copy
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from simulator.exceptions import ValidationError
from simulator.sourced_data import is_sourced, read_toml

DATA_FILE = "data/systems.toml"


# --------------------------------------------------------------------------
# parameters: one data file, validated overrides
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamSpec:
    """One default of systems.toml: value, unit, allowed range and source."""

    value: Any
    unit: str
    range: str
    source: str

    def problem(self, where: str, value: Any) -> str | None:
        """A message if ``value`` is not allowed (type or range), else None."""
        if self.range == "bool":
            return None if isinstance(value, bool) else f"{where} = {value!r}: must be true or false"
        if self.range == "names":
            ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
            return None if ok else f"{where} = {value!r}: must be a list of names (strings)"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{where} = {value!r}: must be a number [{self.unit}] in {self.range}"
        if isinstance(self.value, int) and not isinstance(self.value, bool) and not isinstance(value, int):
            return f"{where} = {value!r}: must be an integer [{self.unit}] in {self.range}"
        lo_incl, lo, hi, hi_incl = _parse_range(self.range)
        ok = (math.isfinite(value) and (value >= lo if lo_incl else value > lo)
              and (value <= hi if hi_incl else value < hi))
        return None if ok else f"{where} = {value!r}: outside the allowed range {self.range} [{self.unit}]"


@functools.cache
def _parse_range(text: str) -> tuple[bool, float, float, bool]:
    m = re.fullmatch(r"\s*([\[(])\s*([^,\s]+)\s*,\s*([^\])\s]+)\s*([\])])\s*", text)
    if not m:
        raise ValueError(f"bad range {text!r} in {DATA_FILE}")
    return m.group(1) == "[", float(m.group(2)), float(m.group(3)), m.group(4) == "]"


@functools.cache
def parameter_specs() -> dict[str, dict[str, Any]]:
    """Every default of systems.toml as :class:`ParamSpec`, by section (nested tables as dicts).

    Raises
    ------
    ValidationError
        If an entry lacks unit, range or source, or its own default is outside its range.
    """
    raw = read_toml("simulator", DATA_FILE)
    problems: list[str] = []
    specs: dict[str, dict[str, Any]] = {}
    for section, table in raw.items():
        if not isinstance(table, dict):
            continue  # schema_version
        specs[section] = _specs_of(table, section, problems)
    if problems:
        raise ValidationError(problems, source=f"simulator/{DATA_FILE}")
    return specs


def _specs_of(table: dict, where: str, problems: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, entry in table.items():
        path = f"{where}.{key}"
        if is_sourced(entry):
            missing = [f for f in ("unit", "range", "source") if f not in entry]
            if missing:
                problems.append(f"{path}: missing {', '.join(missing)}")
                continue
            spec = ParamSpec(entry["value"], entry["unit"], entry["range"], entry["source"])
            if (msg := spec.problem(path, spec.value)) is not None:
                problems.append(f"default {msg}")
            out[key] = spec
        elif isinstance(entry, dict):
            out[key] = _specs_of(entry, path, problems)
        else:
            problems.append(f"{path}: expected {{ value, unit, range, source }}")
    return out


def _values(specs: dict[str, Any]) -> dict[str, Any]:
    return {k: (_values(v) if isinstance(v, dict) else copy.deepcopy(v.value)) for k, v in specs.items()}


def load_system_params(overrides: dict | None = None) -> dict[str, dict[str, Any]]:
    """Systems defaults (plain values) with validated per-call overrides.

    Parameters
    ----------
    overrides
        ``{section: {key: value}}``, e.g. ``{"ashp": {"cutoff_c": -20}}``;
        nested tables take partial dicts (``{"pv": {"usable_roof_fraction":
        {"office": 0.5}}}``).

    Returns
    -------
    dict
        A fresh nested dict (safe to change) ``{section: {key: value}}``.

    Raises
    ------
    ValidationError
        Listing every unknown section or key (with the valid ones) and every
        value of the wrong type or outside its allowed range.
    """
    specs = parameter_specs()
    params = _values(specs)
    if not overrides:
        return params
    problems: list[str] = []
    if not isinstance(overrides, dict):
        raise ValidationError([f"params must be a dict of sections ({', '.join(specs)}), "
                               f"got {type(overrides).__name__}"], source="systems params")
    for section, table in overrides.items():
        if section not in specs:
            problems.append(f"unknown section {section!r}; valid sections: {', '.join(specs)}")
            continue
        _apply(table, specs[section], params[section], section, problems)
    _cross_checks(params, problems)
    if problems:
        raise ValidationError(problems, source="systems params")
    return params


def _apply(table: Any, specs: dict, target: dict, where: str, problems: list[str]) -> None:
    if not isinstance(table, dict):
        problems.append(f"{where}: expected a dict of keys ({', '.join(specs)}), got {table!r}")
        return
    for key, value in table.items():
        path = f"{where}.{key}"
        if key not in specs:
            problems.append(f"unknown key {path!r}; valid keys of [{where}]: {', '.join(specs)}")
        elif isinstance(specs[key], dict):
            _apply(value, specs[key], target[key], path, problems)
        elif (msg := specs[key].problem(path, value)) is not None:
            problems.append(msg)
        else:
            target[key] = list(value) if isinstance(value, tuple) else value


def _cross_checks(p: dict, problems: list[str]) -> None:
    s = p["electric_storage"]
    if s["valley_start_hour"] == s["valley_end_hour"]:
        problems.append("electric_storage.valley_start_hour and valley_end_hour must differ "
                        "(the valley window needs at least one hour)")
