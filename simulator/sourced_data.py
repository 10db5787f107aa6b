"""The one loader of the project's sourced data files.

Each number in these TOML files is a ``{ value, unit, source }`` table (some add
``range``). This module reads a packaged file once (:func:`read_toml`, cached),
replaces every such table by its value (:func:`strip`, :func:`value_of`), lists
the sources (:func:`walk_sources`, :func:`data_sources`) or the numbers without
one (:func:`missing_sources`), and merges validated overrides given as nested
mappings or dotted paths (:func:`load_data`).

Users: the files of ``simulator/data`` named in :data:`DATA_KINDS`
(:mod:`simulator.tariffs`, :mod:`simulator.finance`, :mod:`simulator.carbon`,
:mod:`simulator.idf`); ``systems.toml`` (:mod:`simulator.system_params`, which
adds the ``range`` check); ``simulator/plant/data/plant.toml``
(:mod:`simulator.plant.params`); the plant spec (:mod:`simulator.plant.spec`);
the archetype files (:mod:`archetypes`); the files of ``buildings/data``
(materials, surface resistances, measures and packages, ventilation, thermal
bridges, ground, standards); ``sizing.toml`` (:mod:`simulator.design_days`);
the ASHRAE 140 cases; the district's ``uncertainty.toml``, ``classes.toml``
and ``programme_candidates.toml``; the reports' tariff, finance and standards
files; the calibration's priors and own-building data. User files
(archetypes, scenarios, stocks, plant specs) are parsed by :func:`parse_toml`
after their reader's size check; :func:`is_value_table` is their rule of a
value table (the source may be missing).
``tests/test_structure.py`` fails on a new module that reads TOML or unwraps
``{value = ...}`` by hand.
"""

from __future__ import annotations

import copy
import functools
import math
import tomllib
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from simulator.exceptions import UnknownNameError, ValidationError

DATA_KINDS = ("tariffs", "finance", "emission_factors", "model_assumptions", "app_help")
"""The sourced data files of ``simulator/data`` this loader reads."""

def data_path(kind: str) -> Path:
    """Path of ``simulator/data/{kind}.toml``; an unknown kind lists the valid ones."""
    if kind not in DATA_KINDS:
        raise UnknownNameError("data file", kind, list(DATA_KINDS))
    return Path(str(resources.files("simulator").joinpath("data", f"{kind}.toml")))


@functools.cache
def read_toml(package: str, relpath: str) -> dict[str, Any]:
    """A TOML data file shipped in ``package`` at ``relpath``, parsed (cached; never mutate).

    Raises
    ------
    ValidationError
        If the file cannot be read or parsed, naming the file.
    """
    p = Path(str(resources.files(package).joinpath(relpath)))
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([f"cannot read data file: {exc}"], str(p)) from exc


def raw(kind: str) -> dict[str, Any]:
    """Parsed data file, with values still carrying unit and source (cached; never mutate)."""
    data_path(kind)  # an unknown kind lists the valid ones
    return read_toml("simulator", f"data/{kind}.toml")


def parse_toml(text: str | bytes, origin: str) -> dict[str, Any]:
    """TOML text a user gave (an archetype, scenario, stock or plant file), parsed.

    The caller keeps its own size limit and reads the file; this is the one place
    TOML text is parsed, so every bad file ends in the same message.

    Parameters
    ----------
    text
        The file's text, or its bytes (decoded as UTF-8).
    origin
        The file's name, the header of the error.

    Raises
    ------
    ValidationError
        ``not valid TOML: ...`` (bad syntax or not UTF-8), naming ``origin``.
    """
    try:
        return tomllib.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([f"not valid TOML: {str(exc)[:200]}"], origin) from None


def is_sourced(node: Any) -> bool:
    """True for a ``{ value, ..., source }`` table."""
    return isinstance(node, dict) and "value" in node and "source" in node


VALUE_TABLE_KEYS = frozenset({"value", "unit", "source"})
"""The keys a value table of a user file may have (:func:`is_value_table`)."""


def is_value_table(node: Any, keys: frozenset[str] = VALUE_TABLE_KEYS) -> bool:
    """True for a ``{ value, ... }`` table whose other keys are only ``keys`` (``source`` may be absent).

    The rule of user files (archetypes): a number written ``{ value = 0.5 }``
    without its source is still a number (the missing source is reported
    elsewhere), while a table with any other key is a table of the model.
    """
    return isinstance(node, dict) and "value" in node and set(node) <= keys


def value_of(node: Any) -> Any:
    """The value of a ``{value, ...}`` table; anything else unchanged."""
    return node["value"] if isinstance(node, dict) and "value" in node else node


def strip(node: Any, is_entry: Callable[[Any], bool] = is_sourced, lists: bool = False) -> Any:
    """Replace every sourced table (``is_entry``) by a copy of its value.

    Parameters
    ----------
    node
        A parsed data file or part of one.
    is_entry
        What counts as a sourced table (default :func:`is_sourced`: has value and source).
    lists
        Also look inside lists (archetype files hold lists of layers).
    """
    if is_entry(node):
        return copy.deepcopy(node["value"])
    if isinstance(node, dict):
        return {k: strip(v, is_entry, lists) for k, v in node.items()}
    if lists and isinstance(node, list):
        return [strip(v, is_entry, lists) for v in node]
    return copy.deepcopy(node)


def walk_sources(node: Any, prefix: str, out: dict[str, str], missing: list[str]) -> None:
    """Collect the source of every sourced value into ``out`` and unsourced numbers into ``missing``."""
    if is_sourced(node):
        out[prefix] = str(node["source"])
        return
    if isinstance(node, dict):
        for k, v in node.items():
            walk_sources(v, f"{prefix}.{k}" if prefix else k, out, missing)
        return
    is_number = isinstance(node, (int, float)) and not isinstance(node, bool)
    is_number_list = isinstance(node, list) and any(
        isinstance(x, (int, float)) and not isinstance(x, bool) for x in node
    )
    if (is_number or is_number_list) and prefix.split(".")[-1] != "schema_version":
        missing.append(prefix)


def data_sources(kind: str) -> dict[str, str]:
    """Source of every sourced value of a data file, by dotted path.

    Parameters
    ----------
    kind
        "tariffs", "finance" or "emission_factors".
    """
    out: dict[str, str] = {}
    walk_sources(raw(kind), "", out, [])
    return out


def missing_sources(kind: str) -> list[str]:
    """Dotted paths of numbers in a data file that carry no source (should be empty)."""
    missing: list[str] = []
    walk_sources(raw(kind), "", {}, missing)
    return missing


def expand_dotted(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Nested overrides from dotted keys (``{"a.b": 1}`` -> ``{"a": {"b": 1}}``)."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = str(key).split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValidationError([f"override {key!r} conflicts with another override"])
        if isinstance(value, Mapping) and not is_sourced(dict(value)):
            existing = node.setdefault(parts[-1], {})
            if not isinstance(existing, dict):
                raise ValidationError([f"override {key!r} conflicts with another override"])
            existing.update(expand_dotted(value))
        else:
            node[parts[-1]] = value
    return out


def is_number(x: Any) -> bool:
    """A real number (int or float, not bool)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def merge(base: dict, overrides: Mapping, path: str, problems: list[str]) -> None:
    """Merge ``overrides`` into ``base`` in place; unknown keys and wrong types become problems."""
    for key, value in overrides.items():
        here = f"{path}.{key}" if path else key
        if is_sourced(value if isinstance(value, dict) else None):
            value = value["value"]
        if key not in base:
            problems.append(f"unknown key {here!r}; valid keys here: {', '.join(sorted(base))}")
            continue
        old = base[key]
        if isinstance(old, dict):
            if not isinstance(value, Mapping):
                problems.append(
                    f"{here} is a table; give a mapping of its keys ({', '.join(sorted(old))})"
                )
            else:
                merge(old, value, here, problems)
        elif is_number(old):
            if not is_number(value) or not math.isfinite(value):
                problems.append(f"{here} = {value!r}: must be a finite number")
            else:
                base[key] = value
        elif isinstance(old, list):
            if not isinstance(value, (list, tuple)):
                problems.append(f"{here} = {value!r}: must be a list")
            else:
                base[key] = list(value)
        elif isinstance(old, bool):
            if not isinstance(value, bool):
                problems.append(f"{here} = {value!r}: must be true or false")
            else:
                base[key] = value
        else:
            if not isinstance(value, type(old)):
                problems.append(f"{here} = {value!r}: must be a {type(old).__name__}")
            else:
                base[key] = value


def load_data(
    kind: str, overrides: Mapping[str, Any] | None = None, base: Mapping | None = None
) -> dict:
    """The plain values of a data file (or of ``base``) with ``overrides`` merged and validated."""
    data = strip(dict(base)) if base is not None else strip(raw(kind))
    if overrides:
        problems: list[str] = []
        merge(data, expand_dotted(overrides), "", problems)
        if problems:
            raise ValidationError(problems, f"{kind} overrides")
    return data
