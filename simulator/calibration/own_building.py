"""Your own building: an archetype file from what an engineer knows about a block.

An engineer knows the year a block was built (or the energy-saving step it was
built to), its storeys, length, depth, orientation, window shares, wall type,
heating source and floor area. :func:`own_building_toml` turns that into an
archetype file that *extends* the nearest library archetype (``meta.base``):

* every value the engineer gave is written with ``source = "user: ..."``
  (:data:`USER_SOURCE`), so the file says which numbers are the user's;
* every value not given is inherited from the base archetype with its own
  source (nothing is copied, so nothing loses its source);
* a chosen wall type copies the wall of the library archetype that has it,
  layer by layer, with that file's sources.

The text is written by :mod:`tomli_w` (every string escaped by a TOML writer,
never concatenated raw) and then loaded back with :func:`archetypes.load_file`,
so a file this module returns always loads and validates.

Nearest archetype
-----------------
The construction year gives the Tianjin energy-saving step
(``simulator/data/own_building.toml``, with sources); the nearest archetype of
a step is the library archetype of the same building type whose wall and
window U-values are closest to the step's limits
(``buildings/data/standards.toml``), by the sum of
``|ln(U_archetype / U_step)|`` over wall and window. Residential steps before
65 % map to the walk-ups, 75 % and 83 % to the five-step tower.

Floor area
----------
The model's floor area is length x depth x storeys (outer dimensions). When
the floor area is given with the three, they must agree within
:data:`FLOOR_AREA_TOLERANCE`; given with two of them, it sets the third; given
with the storeys only, it sets the length at the base archetype's depth.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

import archetypes
from buildings.model import BUILDING_TYPES, HEATING_SOURCES, Geometry, WindowToWall
from buildings.standards import envelope_steps
from simulator.exceptions import ValidationError
from simulator.sourced_data import read_toml, value_of

#: Source text of every value the user gave.
USER_SOURCE = "user: given in the own-building form"
#: Relative disagreement allowed between the given floor area and length x depth x storeys [-]
#: (estimate: gross vs. net area and rounding of the outer dimensions differ by a few percent).
FLOOR_AREA_TOLERANCE = 0.10
MAX_NAME_CHARS = 80
MAX_DESCRIPTION_CHARS = 500
_NAME_OK = re.compile(r"^[^\x00-\x1f\x7f]+$")  # printable: no control characters (newlines, NUL, ESC)

_FACADES = ("south", "north", "east", "west")


@dataclass(frozen=True)
class OwnBuilding:
    """What an engineer knows about a block; ``None`` = not known (the archetype's value is kept).

    Attributes
    ----------
    name
        Name of the building (free text, printable, at most 80 characters).
    building_type
        One of ``buildings.model.BUILDING_TYPES`` covered by the library
        (residential, office, school).
    year_built
        Year the block was completed; selects the energy-saving step.
    step
        Energy-saving step (``step_50``, ``gb50189_2005``...); overrides the year.
    storeys
        Number of storeys [-].
    length_m, depth_m
        Outer length along the front facade and depth across it [m].
    azimuth_deg
        Direction the front facade faces [deg] (180 = south).
    floor_area_m2
        Heated floor area [m2].
    wwr_south, wwr_north, wwr_east, wwr_west
        Window-to-wall ratio per facade [-].
    wall_type
        A key of ``wall_types`` in ``simulator/data/own_building.toml``.
    heating_source
        One of ``buildings.model.HEATING_SOURCES``.
    description
        Free text (escaped when written).
    """

    name: str
    building_type: str = "residential"
    year_built: int | None = None
    step: str | None = None
    storeys: int | None = None
    length_m: float | None = None
    depth_m: float | None = None
    azimuth_deg: float | None = None
    floor_area_m2: float | None = None
    wwr_south: float | None = None
    wwr_north: float | None = None
    wwr_east: float | None = None
    wwr_west: float | None = None
    wall_type: str | None = None
    heating_source: str | None = None
    description: str = ""


def _data() -> dict[str, Any]:
    """``simulator/data/own_building.toml``, parsed once (never mutate)."""
    return read_toml("simulator", "data/own_building.toml")


def wall_types() -> dict[str, dict[str, str]]:
    """Wall type key -> ``{label, label_zh, archetype}``."""
    return dict(_data()["wall_types"])


def _group(building_type: str) -> str:
    return "residential" if building_type == "residential" else "public"


def steps(building_type: str = "residential") -> list[str]:
    """Energy-saving steps of a building type, oldest first."""
    return [s["step"] for s in _data()[f"{_group(building_type)}_steps"]]


def step_of_year(year: int, building_type: str = "residential") -> str:
    """The energy-saving step a block completed in ``year`` was built to (data file, with sources)."""
    chosen = None
    for s in _data()[f"{_group(building_type)}_steps"]:
        if year >= value_of(s["from_year"]):
            chosen = s["step"]
    return chosen or steps(building_type)[0]


def _library_types() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in archetypes.names():
        out.setdefault(archetypes.load(name).building_type, []).append(name)
    return out


def nearest_archetype(building_type: str, step: str) -> str:
    """The library archetype of ``building_type`` whose wall and window U are nearest the step's limits.

    Distance: ``|ln(U_wall / U_wall,step)| + |ln(U_window / U_window,step)|``.
    """
    limits = envelope_steps(building_type)[step]
    candidates = _library_types().get(building_type, [])
    if not candidates:
        raise ValidationError([f"building_type: {building_type!r} has no library archetype; "
                               f"covered: {', '.join(sorted(_library_types()))}"])

    def gap(name: str) -> float:
        u = archetypes.load(name).u_values_w_m2k()
        u["wall"] = u["wall_mean"]  # the step limits are mean U with thermal bridges (JGJ 26-2018 cl. 2.1.3)
        return sum(abs(math.log(u[k] / value_of(limits[k]))) for k in ("wall", "window"))

    return min(sorted(candidates), key=gap)


# --------------------------------------------------------------------------- field checks


def _meta(cls, name: str) -> tuple[tuple[float | None, float | None], str]:
    f = {f.name: f for f in dataclasses.fields(cls)}[name]
    return f.metadata["range"], f.metadata.get("unit", "")


def _number_error(value: Any, lo: float | None, hi: float | None, unit: str, integer: bool = False) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
        return f"expected a number [{unit}], got {value!r}"
    if integer and int(value) != value:
        return f"expected a whole number, got {value!r}"
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return f"{value:g} {unit} is outside the allowed range {lo:g}..{hi:g} {unit}"
    return None


def field_errors(spec: OwnBuilding) -> dict[str, str]:
    """Every problem of the form, by field name (empty: the form is valid).

    Checks types and the ranges of :class:`buildings.model.Geometry` /
    :class:`~buildings.model.WindowToWall`, the choices, and the floor area
    against length x depth x storeys.
    """
    errors: dict[str, str] = {}
    if not isinstance(spec.name, str) or not spec.name.strip():
        errors["name"] = "a name is required"
    elif len(spec.name) > MAX_NAME_CHARS or not _NAME_OK.match(spec.name):
        errors["name"] = f"at most {MAX_NAME_CHARS} printable characters (no line breaks or control characters)"
    if not isinstance(spec.description, str) or len(spec.description) > MAX_DESCRIPTION_CHARS:
        errors["description"] = f"text of at most {MAX_DESCRIPTION_CHARS} characters"
    types = _library_types()
    if spec.building_type not in types:
        valid = [t for t in BUILDING_TYPES if t in types]
        errors["building_type"] = f"{spec.building_type!r} is not one of {', '.join(valid)}"
    if spec.year_built is not None:
        msg = _number_error(spec.year_built, 1900, 2100, "year", integer=True)
        if msg:
            errors["year_built"] = msg
    if spec.step is not None and "building_type" not in errors and spec.step not in steps(spec.building_type):
        errors["step"] = f"{spec.step!r} is not one of {', '.join(steps(spec.building_type))}"
    for name, cls, key in (("storeys", Geometry, "storeys"), ("length_m", Geometry, "length_m"),
                           ("depth_m", Geometry, "depth_m"), ("azimuth_deg", Geometry, "azimuth_deg"),
                           *((f"wwr_{f}", WindowToWall, f) for f in _FACADES)):
        value = getattr(spec, name)
        if value is None:
            continue
        (lo, hi), unit = _meta(cls, key)
        msg = _number_error(value, lo, hi, unit, integer=name == "storeys")
        if msg:
            errors[name] = msg
    if spec.floor_area_m2 is not None:
        msg = _number_error(spec.floor_area_m2, 20.0, 1_000_000.0, "m2")
        if msg:
            errors["floor_area_m2"] = msg
    if spec.wall_type is not None and spec.wall_type not in wall_types():
        errors["wall_type"] = f"{spec.wall_type!r} is not one of {', '.join(wall_types())}"
    if spec.heating_source is not None and spec.heating_source not in HEATING_SOURCES:
        errors["heating_source"] = f"{spec.heating_source!r} is not one of {', '.join(HEATING_SOURCES)}"
    if not errors:
        try:
            _dimensions(spec, _base_geometry(spec))
        except ValidationError as exc:
            errors["floor_area_m2"] = exc.problems[0]
    return errors


# --------------------------------------------------------------------------- the file


def base_archetype(spec: OwnBuilding) -> str:
    """The library archetype the file extends (from the step, else the year, else the oldest step)."""
    step = spec.step or (step_of_year(spec.year_built, spec.building_type) if spec.year_built is not None
                         else steps(spec.building_type)[0])
    return nearest_archetype(spec.building_type, step)


def _base_geometry(spec: OwnBuilding):
    return archetypes.load(base_archetype(spec)).geometry


def _dimensions(spec: OwnBuilding, base) -> dict[str, tuple[float, str]]:
    """Length, depth and storeys to write: name -> (value, source); floor area resolved."""
    given = {k: getattr(spec, k) for k in ("length_m", "depth_m", "storeys") if getattr(spec, k) is not None}
    out = {k: (float(v) if k != "storeys" else int(v), USER_SOURCE) for k, v in given.items()}
    area = spec.floor_area_m2
    if area is None:
        return out
    derived = f"derived: user floor area {area:g} m2 / the other two dimensions"
    if len(given) == 3:
        model = given["length_m"] * given["depth_m"] * given["storeys"]
        if abs(model - area) > FLOOR_AREA_TOLERANCE * area:
            raise ValidationError([f"{area:g} m2 differs from length x depth x storeys = {model:g} m2 by "
                                   f"{100 * abs(model - area) / area:.0f} % (allowed {100 * FLOOR_AREA_TOLERANCE:.0f} %)"])
        return out
    storeys = given.get("storeys", base.storeys)
    if "storeys" not in given and {"length_m", "depth_m"} <= set(given):
        storeys = max(1, round(area / (given["length_m"] * given["depth_m"])))
        out["storeys"] = (int(storeys), derived)
    if "depth_m" in given and "length_m" not in given:
        out["length_m"] = (area / (storeys * given["depth_m"]), derived)
    elif "length_m" in given and "depth_m" not in given:
        out["depth_m"] = (area / (storeys * given["length_m"]), derived)
    elif not given.keys() & {"length_m", "depth_m"}:
        out["length_m"] = (area / (storeys * base.depth_m), derived + " (depth of the base archetype)")
    problems = []
    for key in ("length_m", "depth_m", "storeys"):
        if key in out and out[key][1].startswith("derived"):
            (lo, hi), unit = _meta(Geometry, key)
            msg = _number_error(out[key][0], lo, hi, unit)
            if msg:
                problems.append(f"the floor area gives {key} = {out[key][0]:.4g}: {msg}")
    if problems:
        raise ValidationError(problems)
    return out


def _sourced(value: Any, source: str = USER_SOURCE) -> dict[str, Any]:
    return {"value": value, "source": source}


def own_building_dict(spec: OwnBuilding) -> dict[str, Any]:
    """The archetype file as a TOML-ready dict (``meta.base`` = the nearest archetype).

    Raises
    ------
    ValidationError
        Every field problem, as ``"field: message"``.
    """
    errors = field_errors(spec)
    if errors:
        raise ValidationError([f"{k}: {v}" for k, v in errors.items()], "own building")
    base = base_archetype(spec)
    base_building = archetypes.load(base)
    step = spec.step or (step_of_year(spec.year_built, spec.building_type) if spec.year_built is not None else None)
    meta: dict[str, Any] = {"base": base, "schema_version": 1, "title": spec.name,
                            "created_by": "simulator.calibration.own_building"}
    if spec.year_built is not None:
        meta["year_built"] = _sourced(int(spec.year_built))
    if step is not None:
        meta["step"] = step
    geometry: dict[str, Any] = {k: _sourced(v, src) for k, (v, src) in _dimensions(spec, base_building.geometry).items()}
    if spec.azimuth_deg is not None:
        geometry["azimuth_deg"] = _sourced(float(spec.azimuth_deg))
    wwr = {f: _sourced(float(getattr(spec, f"wwr_{f}"))) for f in _FACADES if getattr(spec, f"wwr_{f}") is not None}
    if wwr:
        geometry["window_to_wall"] = wwr
    doc: dict[str, Any] = {"name": spec.name, "building_type": spec.building_type,
                           "description": spec.description or f"own building based on {base}", "meta": meta}
    if geometry:
        doc["geometry"] = geometry
    if spec.wall_type is not None:
        wall_from = wall_types()[spec.wall_type]["archetype"]
        if wall_from != base:
            doc["constructions"] = {"wall": archetypes.raw(wall_from)["constructions"]["wall"]}
        meta["wall_type"] = spec.wall_type
    if spec.heating_source is not None:
        doc["systems"] = {"heating_source": spec.heating_source}
    return doc


def own_building_toml(spec: OwnBuilding) -> str:
    """The archetype file's text, checked by loading it back with :func:`archetypes.load_file`.

    Raises
    ------
    ValidationError
        A field problem, or (should the written file not validate) the loader's problems.
    """
    doc = own_building_dict(spec)
    header = ("# Own building written by the Hongqiao retrofit simulator (simulator/calibration/own_building.py).\n"
              f"# It extends the library archetype {doc['meta']['base']}: values marked \"user: ...\" were given,\n"
              "# everything else is inherited with its source.\n\n")
    text = header + tomli_w.dumps(doc)
    check_text(text, "own building")
    return text


def check_text(text: str, label: str = "archetype file"):
    """Load and validate archetype-file text (written to a private temp file); returns the Building."""
    with tempfile.TemporaryDirectory(prefix="hongqiao-own-") as tmp:
        p = Path(tmp) / "own_building.toml"
        p.write_text(text, encoding="utf-8")
        try:
            return archetypes.load_file(p)
        except ValidationError as exc:
            raise ValidationError(exc.problems, label) from None


def write_own_building(spec: OwnBuilding, path: str | Path) -> Path:
    """Write the validated archetype file to ``path``; returns the path."""
    text = own_building_toml(spec)
    p = Path(path)
    p.write_text(text, encoding="utf-8")
    return p
