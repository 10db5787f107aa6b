"""Archetype buildings of Hongqiao district, as data files.

One TOML file per archetype in ``archetypes/data/``. Every number is written
either plain or as ``{ value = ..., source = "..." }``; the shipped archetypes
give a source (a standard's clause, a report, or "estimate: why") for every
number, which :func:`missing_sources` checks. Construction layers name a
material of :mod:`buildings.materials` and a thickness; the material's
conductivity, density and specific heat come from that library unless the
layer overrides them.

>>> import archetypes
>>> archetypes.names()[:2]
['estate_1990s', 'five_step_residential']
>>> b = archetypes.load("old_estate_pre1990")
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from buildings import materials
from buildings.model import Building, building_from_dict
from simulator.exceptions import UnknownNameError, ValidationError
from simulator.sourced_data import is_value_table, parse_toml, strip

__all__ = ["names", "load", "load_file", "path", "sources", "missing_sources", "raw"]

_SUFFIX = ".toml"
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")  # terminal escapes, NUL; tabs and newlines pass
MAX_FILE_BYTES = 1_000_000
"""Largest archetype file read [bytes]; the shipped ones are 3-8 kB."""


def _data_dir() -> Path:
    return Path(str(resources.files("archetypes").joinpath("data")))


def names() -> list[str]:
    """Names of the built-in archetypes, sorted."""
    return sorted(p.stem for p in _data_dir().glob(f"*{_SUFFIX}"))


def path(name: str) -> Path:
    """Path of a built-in archetype's data file.

    Raises
    ------
    UnknownNameError
        If ``name`` is not a built-in archetype; the message lists the valid names.
    """
    p = _data_dir() / f"{name}{_SUFFIX}"
    if not p.is_file():
        raise UnknownNameError("archetype", name, names())
    return p


def load(name_or_path: str | Path) -> Building:
    """Load a built-in archetype by name, or a user's archetype file by path."""
    text = str(name_or_path)
    if text.endswith(_SUFFIX) or "/" in text or "\\" in text:
        return load_file(Path(name_or_path))
    return load_file(path(text))


def raw(name_or_path: str | Path) -> dict[str, Any]:
    """The archetype file as parsed TOML (values still carrying their sources)."""
    p = Path(name_or_path) if str(name_or_path).endswith(_SUFFIX) else path(str(name_or_path))
    return _read_toml(p)


def _read_toml(p: Path, _seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Parse an archetype file; ``meta.base`` names an archetype it extends."""
    if not p.is_file():
        raise ValidationError([f"archetype file not found: {p}"], str(p))
    try:
        with p.open("rb") as fh:
            blob = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ValidationError([f"cannot read archetype file: {exc.strerror or exc}"], str(p)) from None
    if len(blob) > MAX_FILE_BYTES:
        raise ValidationError([f"larger than {MAX_FILE_BYTES // 1000} kB; an archetype file is a few kB"], str(p))
    data = parse_toml(blob, str(p))
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        raise ValidationError([f"meta: must be a table ([meta] with name, description, base...), "
                               f"got {type(meta).__name__}"], str(p))
    base = meta.get("base")
    if base is None:
        return data
    if not isinstance(base, str):
        raise ValidationError([f"meta.base: must be the name of a built-in archetype, got {base!r}"], str(p))
    if base in _seen:
        raise ValidationError([f"meta.base: circular inheritance {' -> '.join((*_seen, base))}"], str(p))
    return _merge(_read_toml(path(base), (*_seen, base)), data)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key, anything else (numbers, lists) replaces."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not is_value_table(v):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def load_file(p: Path) -> Building:
    """Load and validate an archetype file; every problem is reported at once."""
    return from_data(_read_toml(Path(p)), str(p))


def from_data(data: dict[str, Any], source: str) -> Building:
    """Validate parsed archetype data (values may carry sources) into a :class:`Building`.

    Raises
    ------
    ValidationError
        Every problem found, naming the field, with ``source`` as the header.
    """
    p = source
    if not isinstance(data, dict):
        raise ValidationError([f"an archetype is a table of tables, got {type(data).__name__}"], source)
    problems: list[str] = [f"{where}: control character {bad.group()!r} in text"
                           for where, value in _walk(data, "") if isinstance(value, str)
                           for bad in [CONTROL_CHARS.search(value)] if bad]
    plain = _strip_sources(data, "", problems)
    plain = _resolve_layers(plain, problems)
    plain.pop("meta", None)
    try:
        building = building_from_dict(plain, source=str(p))
    except ValidationError as exc:
        raise ValidationError(problems + exc.problems, str(p)) from None
    if problems:
        raise ValidationError(problems, str(p))
    return building


def _strip_sources(node: Any, where: str, problems: list[str]) -> Any:
    """Replace every ``{value, source}`` table by its value (in lists too)."""
    return strip(node, is_entry=is_value_table, lists=True)


_PLACEHOLDER = {"conductivity_w_mk": 1.0, "density_kg_m3": 1000.0, "specific_heat_j_kgk": 1000.0}


def _resolve_layers(plain: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    cons = plain.get("constructions")
    if not isinstance(cons, dict):
        return plain
    for surface, spec in cons.items():
        if surface == "window" or not isinstance(spec, dict):
            continue
        layers = spec.get("layers")
        if not isinstance(layers, list):
            continue
        resolved = []
        for i, layer in enumerate(layers):
            if not isinstance(layer, dict) or not isinstance(layer.get("material"), str):
                problems.append(f"constructions.{surface}.layers[{i}]: needs a material name (text)")
                resolved.append(layer)
                continue
            try:
                props = materials.get(layer["material"]).properties()
            except UnknownNameError as exc:
                problems.append(f"constructions.{surface}.layers[{i}].material: {exc}")
                props = _PLACEHOLDER  # keeps the rest of the file checkable
            resolved.append({**props, **layer})
        spec["layers"] = resolved
    return plain


def _walk(node: Any, where: str):
    if is_value_table(node):
        yield where, node
        return
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{where}.{k}" if where else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{where}[{i}]")
    else:
        yield where, node


def sources(name_or_path: str | Path) -> dict[str, str]:
    """Field path -> source text, for every sourced number of an archetype."""
    return {
        k: v.get("source", "")
        for k, v in _walk(raw(name_or_path), "")
        if isinstance(v, dict)
    }


def missing_sources(name_or_path: str | Path) -> list[str]:
    """Field paths of numbers written without a source (should be empty for shipped files)."""
    out = []
    for where, v in _walk(raw(name_or_path), ""):
        if where.startswith("meta"):
            continue
        if isinstance(v, dict):
            if not str(v.get("source", "")).strip():
                out.append(where)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out.append(where)
    return out
