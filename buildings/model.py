"""The building model as typed, immutable data.

A :class:`Building` is plain frozen data: geometry (a rectangular block),
constructions (material layers whose U-values are computed, not typed in),
operation (setpoints, schedules, gains, infiltration, fresh air) and a systems
descriptor. It knows nothing about EnergyPlus; the engine in
:mod:`simulator.idf` turns it into an IDF.

Every field is validated by :func:`building_from_dict`, which collects all
problems of an input and raises one :class:`~simulator.exceptions.ValidationError`
naming each field and its allowed range.

Conventions
-----------
* SI units, named in identifiers: ``length_m``, ``u_value_w_m2k``, ``w_m2``.
* Facades are named for a block whose front faces south (``azimuth_deg`` =
  180); rotating the block keeps the names but turns the true orientation.
* Construction layers are listed from outside to inside.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from buildings import thermal_bridges as tb
from buildings.thermal_bridges import NO_THERMAL_BRIDGES
from simulator.exceptions import ValidationError
from simulator.sourced_data import read_toml
from simulator.units import DAYS_IN_MONTH, DAYS_PER_YEAR, MONTH_START_DAY
from simulator.units import HOURS_PER_DAY as HOURS

FACADES = ("south", "north", "east", "west")
ZONINGS = ("storey_ns", "storey")
#: What the ground-storey floor faces: the soil (slab on grade) or outdoor air
#: (a raised floor over an open ground storey, pilotis or a ventilated crawl space).
GROUND_FLOOR_EXPOSURES = ("ground", "outdoor_air")
HEATING_SOURCES = ("district_heat", "gas_boiler", "ashp", "electric_storage")
COOLING_SYSTEMS = ("split_ac", "chiller", "ashp", "none")
HEAT_EMITTERS = ("radiator", "floor_heating", "fan_coil")
BUILDING_TYPES = ("residential", "office", "school", "hospital", "mall")
SURFACE_TYPES = ("wall", "roof", "ground_floor", "internal_floor")
#: Surface properties of a layer that gives none: EnergyPlus's Material defaults
#: (Input Output Reference, Material: Thermal/Solar Absorptance 0.9/0.7).
DEFAULT_SOLAR_ABSORPTANCE = 0.7
DEFAULT_THERMAL_EMITTANCE = 0.9


def _rng(lo: float | None, hi: float | None, unit: str = "") -> dict:
    return {"range": (lo, hi), "unit": unit}


# --------------------------------------------------------------------------
# physics: pure functions
# --------------------------------------------------------------------------


def layer_r_value_m2k_w(thickness_m: float, conductivity_w_mk: float) -> float:
    """Thermal resistance of a homogeneous layer [m2 K/W]: d / lambda."""
    return thickness_m / conductivity_w_mk


def u_value_w_m2k(layer_r_values_m2k_w: list[float], rsi_m2k_w: float, rse_m2k_w: float) -> float:
    """U-value [W/(m2 K)] of layers in series with surface resistances.

    U = 1 / (Rsi + sum(R_layer) + Rse), GB 50176-2016 eq. 3.4.x / ISO 6946.
    """
    return 1.0 / (rsi_m2k_w + sum(layer_r_values_m2k_w) + rse_m2k_w)


@cache
def surface_resistances() -> dict[str, dict[str, float]]:
    """Standard surface resistances per surface type (data file, GB 50176-2016)."""
    return read_toml("buildings", "data/surface_resistances.toml")


# --------------------------------------------------------------------------
# data classes
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """Where the building stands (descriptive; the weather file drives the run)."""

    name: str = "Hongqiao, Tianjin"
    latitude_deg: float = field(default=39.17, metadata=_rng(-90, 90, "deg"))
    longitude_deg: float = field(default=117.15, metadata=_rng(-180, 180, "deg"))
    elevation_m: float = field(default=5.0, metadata=_rng(-500, 6000, "m"))
    time_zone_h: float = field(default=8.0, metadata=_rng(-12, 14, "h"))


@dataclass(frozen=True)
class Layer:
    """One homogeneous material layer of a construction."""

    material: str
    thickness_m: float = field(metadata=_rng(0.001, 2.0, "m"))
    conductivity_w_mk: float = field(metadata=_rng(0.005, 100.0, "W/(m K)"))
    density_kg_m3: float = field(metadata=_rng(5.0, 9000.0, "kg/m3"))
    specific_heat_j_kgk: float = field(metadata=_rng(100.0, 5000.0, "J/(kg K)"))
    # Surface properties of the layer's faces (used where the layer is the outermost
    # or innermost one). None keeps EnergyPlus's defaults (solar 0.7, thermal 0.9),
    # which every archetype used before these fields existed.
    solar_absorptance: float | None = field(default=None, metadata=_rng(0.02, 0.99, "-"))
    thermal_emittance: float | None = field(default=None, metadata=_rng(0.02, 0.99, "-"))

    @property
    def surface_properties(self) -> tuple[float, float]:
        """(solar absorptance, thermal emittance) the engine uses for this layer's faces [-]."""
        solar = DEFAULT_SOLAR_ABSORPTANCE if self.solar_absorptance is None else self.solar_absorptance
        thermal = DEFAULT_THERMAL_EMITTANCE if self.thermal_emittance is None else self.thermal_emittance
        return (solar, thermal)

    @property
    def r_value_m2k_w(self) -> float:
        """Thermal resistance of the layer [m2 K/W]."""
        return layer_r_value_m2k_w(self.thickness_m, self.conductivity_w_mk)


@dataclass(frozen=True)
class Construction:
    """An opaque construction: layers from outside to inside."""

    name: str
    surface_type: str  # one of SURFACE_TYPES, selects the surface resistances
    layers: tuple[Layer, ...]

    @property
    def r_layers_m2k_w(self) -> float:
        """Sum of the layer resistances [m2 K/W] (no surface films)."""
        return sum(layer.r_value_m2k_w for layer in self.layers)

    @property
    def u_value_w_m2k(self) -> float:
        """U-value [W/(m2 K)] with the standard surface resistances (GB 50176-2016 B.4)."""
        rs = surface_resistances()[self.surface_type]
        return u_value_w_m2k(
            [layer.r_value_m2k_w for layer in self.layers], rs["rsi_m2k_w"], rs["rse_m2k_w"]
        )

    @property
    def thickness_m(self) -> float:
        """Total thickness [m]."""
        return sum(layer.thickness_m for layer in self.layers)


@dataclass(frozen=True)
class Glazing:
    """A window as whole-window performance (EnergyPlus simple glazing model)."""

    name: str
    u_value_w_m2k: float = field(metadata=_rng(0.5, 7.0, "W/(m2 K)"))
    shgc: float = field(metadata=_rng(0.1, 0.9, "-"))
    visible_transmittance: float = field(default=0.7, metadata=_rng(0.1, 0.95, "-"))


@dataclass(frozen=True)
class ThermalBridges:
    """Which linear thermal bridges the walls have (psi-values in ``buildings/data/thermal_bridges.toml``).

    ``construction_era`` names a set of psi-values and junction geometry there
    (:func:`buildings.thermal_bridges.eras`), or ``"none"`` for walls at their
    one-dimensional U; ``external_insulation`` selects the set after an
    external-insulation retrofit (set by the ``wall_insulation`` measure).
    """

    construction_era: str = NO_THERMAL_BRIDGES
    external_insulation: bool = False


@dataclass(frozen=True)
class Constructions:
    """The envelope: one construction per surface type, the windows and the walls' thermal bridges."""

    wall: Construction
    roof: Construction
    ground_floor: Construction
    internal_floor: Construction
    window: Glazing
    thermal_bridges: ThermalBridges = field(default_factory=ThermalBridges)


@dataclass(frozen=True)
class WindowToWall:
    """Window-to-wall ratio per facade [-]."""

    south: float = field(default=0.3, metadata=_rng(0.0, 0.85, "-"))
    north: float = field(default=0.2, metadata=_rng(0.0, 0.85, "-"))
    east: float = field(default=0.05, metadata=_rng(0.0, 0.85, "-"))
    west: float = field(default=0.05, metadata=_rng(0.0, 0.85, "-"))

    def ratio(self, facade: str) -> float:
        return float(getattr(self, facade))


@dataclass(frozen=True)
class Overhangs:
    """Depth of a horizontal overhang along each facade at every storey's ceiling level [m].

    It runs the full width of the facade (a continuous balcony slab or eaves
    above the windows); 0 = none.
    """

    south: float = field(default=0.0, metadata=_rng(0.0, 5.0, "m"))
    north: float = field(default=0.0, metadata=_rng(0.0, 5.0, "m"))
    east: float = field(default=0.0, metadata=_rng(0.0, 5.0, "m"))
    west: float = field(default=0.0, metadata=_rng(0.0, 5.0, "m"))

    def depth_m(self, facade: str) -> float:
        return float(getattr(self, facade))


@dataclass(frozen=True)
class Geometry:
    """A rectangular block: length along the front (south) facade, depth across it."""

    length_m: float = field(metadata=_rng(4.0, 300.0, "m"))
    depth_m: float = field(metadata=_rng(4.0, 100.0, "m"))
    storeys: int = field(metadata=_rng(1, 60, "-"))
    storey_height_m: float = field(metadata=_rng(2.2, 8.0, "m"))
    azimuth_deg: float = field(default=180.0, metadata=_rng(0.0, 360.0, "deg"))
    window_to_wall: WindowToWall = field(default_factory=WindowToWall)
    zoning: str = "storey_ns"  # one of ZONINGS
    use_multipliers: bool = True  # model repeated middle storeys once
    ground_floor_exposure: str = "ground"  # one of GROUND_FLOOR_EXPOSURES
    overhangs: Overhangs = field(default_factory=Overhangs)

    @property
    def floor_area_m2(self) -> float:
        """Conditioned floor area [m2] (gross, outer dimensions)."""
        return self.length_m * self.depth_m * self.storeys

    @property
    def footprint_m2(self) -> float:
        return self.length_m * self.depth_m

    @property
    def height_m(self) -> float:
        return self.storeys * self.storey_height_m

    def facade_area_m2(self, facade: str) -> float:
        """Gross area of one facade over all storeys [m2]."""
        width = self.length_m if facade in ("south", "north") else self.depth_m
        return width * self.height_m

    def window_area_m2(self, facade: str) -> float:
        return self.facade_area_m2(facade) * self.window_to_wall.ratio(facade)

    @property
    def shape_factor_1_m(self) -> float:
        """Shape factor S = envelope area / heated volume [1/m] (JGJ 26 definition, ground excluded)."""
        walls = 2 * (self.length_m + self.depth_m) * self.height_m
        volume = self.footprint_m2 * self.height_m
        return (walls + self.footprint_m2) / volume


def _hours(default: float = 1.0) -> tuple[float, ...]:
    return tuple([default] * HOURS)


@dataclass(frozen=True)
class DayProfile:
    """Hourly values for weekdays and weekends (index 0 = 00:00-01:00)."""

    weekday: tuple[float, ...] = field(default_factory=_hours)
    weekend: tuple[float, ...] = field(default_factory=_hours)


@dataclass(frozen=True)
class Period:
    """A date range within the year, inclusive, month/day ("11-15"); may wrap the year end."""

    start: str
    end: str

    def days(self) -> set[int]:
        """Days of a non-leap year (1..365) inside the period."""
        a, b = day_of_year(self.start), day_of_year(self.end)
        if a <= b:
            return set(range(a, b + 1))
        return set(range(a, DAYS_PER_YEAR + 1)) | set(range(1, b + 1))


def day_of_year(month_day: str) -> int:
    """Day of a non-leap year (1..365) of an "MM-DD" string."""
    try:
        m_text, d_text = month_day.split("-")
        month, day = int(m_text), int(d_text)
    except ValueError as exc:
        raise ValueError(f"date {month_day!r} is not MM-DD") from exc
    if not 1 <= month <= 12 or not 1 <= day <= DAYS_IN_MONTH[month - 1]:
        raise ValueError(f"date {month_day!r} is not a day of a non-leap year")
    return MONTH_START_DAY[month - 1] + day


@dataclass(frozen=True)
class Operation:
    """How the building is used: setpoints, schedules, gains and air exchange."""

    heating_setpoint_c: float = field(metadata=_rng(10.0, 26.0, "C"))
    cooling_setpoint_c: float = field(metadata=_rng(20.0, 32.0, "C"))
    heating_setback_c: float = field(default=12.0, metadata=_rng(0.0, 26.0, "C"))
    cooling_setback_c: float = field(default=37.0, metadata=_rng(20.0, 50.0, "C"))
    heating_season: Period | None = None  # None: heating available all year
    cooling_season: Period | None = None  # None: cooling available all year
    heating_hours: DayProfile = field(default_factory=DayProfile)  # 1 = setpoint, 0 = setback
    cooling_hours: DayProfile = field(default_factory=DayProfile)  # 1 = on at setpoint, 0 = setback
    occupancy_m2_per_person: float = field(default=30.0, metadata=_rng(1.0, 500.0, "m2/person"))
    activity_w_per_person: float = field(default=110.0, metadata=_rng(70.0, 400.0, "W/person"))
    occupancy: DayProfile = field(default_factory=DayProfile)
    lighting_w_m2: float = field(default=5.0, metadata=_rng(0.0, 40.0, "W/m2"))
    lighting: DayProfile = field(default_factory=DayProfile)
    equipment_w_m2: float = field(default=4.0, metadata=_rng(0.0, 80.0, "W/m2"))
    equipment: DayProfile = field(default_factory=DayProfile)
    equipment_radiant_fraction: float = field(default=0.3, metadata=_rng(0.0, 1.0, "-"))
    infiltration_ach: float = field(default=0.5, metadata=_rng(0.0, 5.0, "1/h"))
    fresh_air_m3_h_person: float = field(default=0.0, metadata=_rng(0.0, 100.0, "m3/(h person)"))
    natural_ventilation_ach: float = field(default=0.0, metadata=_rng(0.0, 20.0, "1/h"))
    # Sensible efficiency of a heat-recovery ventilation unit (0 = none). With a
    # unit, homes get their hygiene air change mechanically (buildings/ventilation.py).
    heat_recovery_efficiency: float = field(default=0.0, metadata=_rng(0.0, 0.95, "-"))
    # Homes get the hygiene air change of GB 50736-2012 whatever their airtightness; False
    # only for test cases whose specification fixes the air change (ASHRAE 140).
    hygiene_ventilation: bool = True
    # Heating limited to the design-day load x the capacity factor of simulator/data/sizing.toml (issue 11);
    # False only for test cases whose specification sets an unlimited heater (ASHRAE 140: 1000 kW).
    heating_capacity_limited: bool = True
    vacations: tuple[Period, ...] = ()  # days run on the weekend profiles


@dataclass(frozen=True)
class Systems:
    """What delivers heat and cold, and rooftop PV (all applied downstream of the loads).

    Nothing here changes the EnergyPlus model: the run cache ignores it.
    """

    heating_source: str = "district_heat"  # one of HEATING_SOURCES
    cooling_system: str = "split_ac"  # one of COOLING_SYSTEMS
    heat_emitter: str = "radiator"  # one of HEAT_EMITTERS
    supply_temperature_c: float = field(default=50.0, metadata=_rng(25.0, 95.0, "C"))
    heat_metering: bool = False  # metered heat with TRVs: no overheating allowance downstream
    split_ac_inverter: bool = False  # new inverter split ACs (higher seasonal COP downstream)
    # Specific fan power of the heat-recovery ventilation unit (both fans), W per m3/h of outdoor air
    ventilation_fan_w_per_m3_h: float = field(default=0.0, metadata=_rng(0.0, 3.0, "W/(m3/h)"))
    pv_capacity_kw: float = field(default=0.0, metadata=_rng(0.0, 100000.0, "kWp"))
    pv_tilt_deg: float = field(default=30.0, metadata=_rng(0.0, 90.0, "deg"))
    pv_azimuth_deg: float = field(default=180.0, metadata=_rng(0.0, 360.0, "deg"))


@dataclass(frozen=True)
class Building:
    """A whole building: the unit the engines simulate."""

    name: str
    building_type: str  # one of BUILDING_TYPES
    geometry: Geometry
    constructions: Constructions
    operation: Operation
    systems: Systems = field(default_factory=Systems)
    site: Site = field(default_factory=Site)
    description: str = ""
    measures: tuple[str, ...] = ()  # retrofit measures applied, in canonical order

    @property
    def floor_area_m2(self) -> float:
        return self.geometry.floor_area_m2

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (JSON-able); the inverse of :func:`building_from_dict`."""
        return _to_plain(self)

    def replace(self, **changes: Any) -> Building:
        return dataclasses.replace(self, **changes)

    def u_values_w_m2k(self) -> dict[str, float]:
        """Key U-values [W/(m2 K)] of the envelope.

        ``wall`` is the one-dimensional U of the wall's layers; ``wall_mean`` the
        wall's mean U including its linear thermal bridges
        (:func:`buildings.thermal_bridges.wall_mean_u_w_m2k`), which the engine simulates.
        """
        c = self.constructions
        return {
            "wall": c.wall.u_value_w_m2k,
            "wall_mean": tb.wall_mean_u_w_m2k(self),
            "roof": c.roof.u_value_w_m2k,
            "ground_floor": c.ground_floor.u_value_w_m2k,
            "window": c.window.u_value_w_m2k,
        }


def _to_plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: _to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [_to_plain(v) for v in obj]
    return obj


# --------------------------------------------------------------------------
# construction from plain data, with validation collecting every problem
# --------------------------------------------------------------------------

_CHOICES = {
    ("Building", "building_type"): BUILDING_TYPES,
    ("Geometry", "zoning"): ZONINGS,
    ("Geometry", "ground_floor_exposure"): GROUND_FLOOR_EXPOSURES,
    ("Construction", "surface_type"): SURFACE_TYPES,
    ("Systems", "heating_source"): HEATING_SOURCES,
    ("Systems", "cooling_system"): COOLING_SYSTEMS,
    ("Systems", "heat_emitter"): HEAT_EMITTERS,
}

_NESTED = {
    "site": Site,
    "geometry": Geometry,
    "window_to_wall": WindowToWall,
    "overhangs": Overhangs,
    "constructions": Constructions,
    "operation": Operation,
    "systems": Systems,
    "heating_hours": DayProfile,
    "cooling_hours": DayProfile,
    "occupancy": DayProfile,
    "lighting": DayProfile,
    "equipment": DayProfile,
}


def _build(cls: type, data: Any, path: str, problems: list[str]) -> Any:
    """Build dataclass ``cls`` from ``data``, appending problems instead of raising."""
    if not isinstance(data, dict):
        problems.append(f"{path}: expected a table of fields, got {type(data).__name__}")
        return None
    names = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in names:
            problems.append(f"{path}.{key}: unknown field; allowed: {', '.join(names)}")
    kwargs: dict[str, Any] = {}
    for name, f in names.items():
        where = f"{path}.{name}" if path else name
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.append(f"{where}: required field is missing")
            continue
        kwargs[name] = _field_value(cls, f, data[name], where, problems)
    if len(problems) and any(v is None for v in kwargs.values()):
        return None
    try:
        return cls(**kwargs)
    except TypeError:
        return None  # a missing required field, already reported


def _field_value(cls: type, f: dataclasses.Field, value: Any, where: str, problems: list[str]) -> Any:
    name = f.name
    if cls is Constructions:
        if name == "window":
            return _build(Glazing, value, where, problems)
        if name == "thermal_bridges":
            return _build(ThermalBridges, value, where, problems)
        return _build_construction(value, where, problems)
    if name in ("heating_season", "cooling_season"):
        return None if value in (None, "none", "") else _build_period(value, where, problems)
    if name in _NESTED:
        return _build(_NESTED[name], value, where, problems)
    if name == "vacations":
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list of periods")
            return ()
        return tuple(_build_period(v, f"{where}[{i}]", problems) for i, v in enumerate(value))
    if name in ("weekday", "weekend"):
        return _hourly(value, where, problems)
    if name == "measures":
        return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()
    choices = _CHOICES.get((cls.__name__, name))
    if choices is not None:
        if value not in choices:
            problems.append(f"{where}: {value!r} is not one of {', '.join(choices)}")
        return value
    if f.type in ("str",):
        if not isinstance(value, str):
            problems.append(f"{where}: expected text, got {value!r}")
        return value
    if f.type == "bool":
        if not isinstance(value, bool):
            problems.append(f"{where}: expected true or false, got {value!r}")
        return value
    if f.type in ("float", "int"):
        return _number(f, value, where, problems)
    if f.type == "float | None":
        return None if value is None else _number(f, value, where, problems)
    return value


def _number(f: dataclasses.Field, value: Any, where: str, problems: list[str]) -> Any:
    lo, hi = f.metadata.get("range", (None, None))
    unit = f.metadata.get("unit", "")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"{where}: expected a finite number [{unit}], got {value!r}")
        return value
    if f.type == "int" and int(value) != value:
        problems.append(f"{where}: expected a whole number, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        problems.append(f"{where}: {value} {unit} is outside the allowed range {lo}..{hi} {unit}")
    return int(value) if f.type == "int" else float(value)  # "float" and "float | None"


def _hourly(value: Any, where: str, problems: list[str]) -> tuple[float, ...]:
    if not isinstance(value, list | tuple) or len(value) != HOURS:
        problems.append(f"{where}: expected {HOURS} hourly values, got {value!r}")
        return _hours()
    out = []
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= v <= 1.0:
            problems.append(f"{where}[{i}]: hourly fraction must be a number in 0..1, got {v!r}")
            v = 0.0
        out.append(float(v))
    return tuple(out)


def _build_period(value: Any, where: str, problems: list[str]) -> Period | None:
    if isinstance(value, dict) and set(value) == {"start", "end"}:
        try:
            day_of_year(str(value["start"]))
            day_of_year(str(value["end"]))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            return None
        return Period(str(value["start"]), str(value["end"]))
    problems.append(f"{where}: expected {{start = \"MM-DD\", end = \"MM-DD\"}}, got {value!r}")
    return None


def _build_construction(value: Any, where: str, problems: list[str]) -> Construction | None:
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a construction table")
        return None
    surface_type = where.rsplit(".", 1)[-1]
    layers_data = value.get("layers")
    if not isinstance(layers_data, list) or not layers_data:
        problems.append(f"{where}.layers: expected a non-empty list of layers (outside to inside)")
        return None
    layers = []
    for i, layer in enumerate(layers_data):
        built = _build(Layer, layer, f"{where}.layers[{i}]", problems)
        if built is not None:
            layers.append(built)
    if len(layers) != len(layers_data):
        return None
    return Construction(name=str(value.get("name", surface_type)), surface_type=surface_type, layers=tuple(layers))


def building_from_dict(data: dict[str, Any], source: str | None = None) -> Building:
    """Build and validate a :class:`Building` from plain nested data.

    Raises
    ------
    ValidationError
        With every problem found, each naming its field and allowed range.
    """
    problems: list[str] = []
    building = _build(Building, data, "", problems)
    if building is not None and not problems:  # cross-field checks need well-typed fields
        problems.extend(check_consistency(building))
    if problems or building is None:
        raise ValidationError(problems or ["building could not be built"], source)
    return building


#: Most layers EnergyPlus accepts in one Construction object ("Up to 10 layers
#: total", Energy+.idd 25.2, object Construction).
MAX_CONSTRUCTION_LAYERS = 10

# EnergyPlus computes conduction transfer functions (CTF) by the state-space
# method (Construction.cc, calculateTransferFunction; Engineering Reference,
# "Conduction Transfer Function Module"): each layer gets between 6 and 19
# finite-difference nodes, spaced sqrt(2 alpha dt) apart; a layer at the
# 19-node cap sets the CTF time step rho c dx^2 / k, rounded to whole zone
# time steps, and the CTF series may have at most 18 history terms at a time
# step of at most 4 h. Past that EnergyPlus stops with "CTF calculation
# convergence problem" or, for very massive walls, crashes (a 10 x 2 m
# concrete wall: segmentation fault after 50 s).
CTF_MIN_NODES_PER_LAYER = 6
CTF_MAX_NODES_PER_LAYER = 19
CTF_MAX_TIMESTEP_H = 4.0
#: Zone time step the checks assume [h]: 1 / simulator.idf.TIMESTEPS_PER_HOUR.
ZONE_TIMESTEP_H = 0.25
#: Most conduction modes slower than :data:`CTF_MAX_TIMESTEP_H` a construction
#: may have. Measured with EnergyPlus 25.2 on walls of n equal concrete layers
#: (1.74 W/(m K), 2500 kg/m3, 920 J/(kg K)): 7 x 0.5 m (10 such modes) runs,
#: 8 x 0.45 m (11), 4 x 1 m (12) and 2 x 2 m (12) fail; 3 x 1 m (9),
#: 2 x 1.3 m (8) and 1 x 2 m (6) run. Insulated walls of real buildings have
#: 1 or 2 (tests/test_hostile_engine.py).
CTF_MAX_SLOW_MODES = 10


def ctf_layer_timestep_h(thickness_m: float, conductivity_w_mk: float, density_kg_m3: float,
                         specific_heat_j_kgk: float, zone_timestep_h: float = ZONE_TIMESTEP_H) -> float:
    """The CTF time step [h] EnergyPlus derives from one layer (0 if the layer does not set it).

    A layer whose node count ``d / sqrt(2 alpha dt)`` reaches the cap of
    :data:`CTF_MAX_NODES_PER_LAYER` sets the step ``rho c (d / 19)^2 / k``,
    which EnergyPlus rounds to whole zone time steps.
    """
    alpha = conductivity_w_mk / (density_kg_m3 * specific_heat_j_kgk)  # [m2/s]
    nodes = int(thickness_m / math.sqrt(2.0 * alpha * zone_timestep_h * 3600.0))
    if nodes < CTF_MAX_NODES_PER_LAYER:
        return 0.0
    step_h = (thickness_m / CTF_MAX_NODES_PER_LAYER) ** 2 / alpha / 3600.0
    return round(step_h / zone_timestep_h) * zone_timestep_h


def conduction_time_constants_h(layers, zone_timestep_h: float = ZONE_TIMESTEP_H) -> list[float]:
    """Time constants [h] of the conduction modes of a construction, slowest first.

    The eigenvalues of the finite-difference network EnergyPlus builds for its
    CTFs (nodes per layer as EnergyPlus places them; both surfaces held at
    their temperatures): each mode decays as exp(-t / tau).

    Parameters
    ----------
    layers
        :class:`Layer` objects, outside to inside.
    """
    import numpy as np

    conductances, capacities = [], []
    for ly in layers:
        alpha = ly.conductivity_w_mk / (ly.density_kg_m3 * ly.specific_heat_j_kgk)
        n = int(ly.thickness_m / math.sqrt(2.0 * alpha * zone_timestep_h * 3600.0))
        n = min(max(n, CTF_MIN_NODES_PER_LAYER), CTF_MAX_NODES_PER_LAYER)
        dx = ly.thickness_m / n
        conductances += [ly.conductivity_w_mk / dx] * n  # [W/(m2 K)]
        capacities += [ly.density_kg_m3 * ly.specific_heat_j_kgk * dx] * n  # [J/(m2 K)]
    g = np.asarray(conductances)
    c = np.asarray(capacities)
    node_c = (np.concatenate([c, [0.0]]) + np.concatenate([[0.0], c])) / 2.0  # half of each element per node
    k = np.diag(np.concatenate([g, [0.0]]) + np.concatenate([[0.0], g])) - np.diag(g, 1) - np.diag(g, -1)
    k, node_c = k[1:-1, 1:-1], node_c[1:-1]  # the surface nodes are boundary conditions
    scale = 1.0 / np.sqrt(node_c)
    rates = np.linalg.eigvalsh(scale[:, None] * k * scale[None, :])  # [1/s]
    return sorted((1.0 / rates / 3600.0).tolist(), reverse=True)


def energyplus_limits(b: Building, zone_timestep_h: float = ZONE_TIMESTEP_H) -> list[str]:
    """Problems of constructions EnergyPlus cannot simulate, each naming the construction and field.

    Checked before every run (a measure can add a layer) and when a building is
    validated, so such a building is refused with a message instead of failing
    inside EnergyPlus.
    """
    problems = []
    for surface in SURFACE_TYPES:
        c = getattr(b.constructions, surface)
        where = f"constructions.{surface}.layers"
        if len(c.layers) > MAX_CONSTRUCTION_LAYERS:
            problems.append(f"{where}: {len(c.layers)} layers; EnergyPlus accepts at most "
                            f"{MAX_CONSTRUCTION_LAYERS} per construction (merge thin layers)")
            continue
        too_slow = False
        for i, ly in enumerate(c.layers):
            step_h = ctf_layer_timestep_h(ly.thickness_m, ly.conductivity_w_mk, ly.density_kg_m3,
                                          ly.specific_heat_j_kgk, zone_timestep_h)
            if step_h > CTF_MAX_TIMESTEP_H:
                alpha = ly.conductivity_w_mk / (ly.density_kg_m3 * ly.specific_heat_j_kgk)
                max_d = CTF_MAX_NODES_PER_LAYER * math.sqrt((CTF_MAX_TIMESTEP_H + zone_timestep_h / 2) * 3600 * alpha)
                problems.append(f"{where}[{i}].thickness_m: {ly.thickness_m:g} m of {ly.material!r} needs a "
                                f"conduction-transfer-function time step of {step_h:g} h; EnergyPlus allows at "
                                f"most {CTF_MAX_TIMESTEP_H:g} h (split it into layers of at most {max_d:.2f} m)")
                too_slow = True
        if too_slow:
            continue
        slow = sum(1 for tau in conduction_time_constants_h(c.layers, zone_timestep_h) if tau > CTF_MAX_TIMESTEP_H)
        if slow > CTF_MAX_SLOW_MODES:
            problems.append(f"{where}: this {c.thickness_m:g} m construction has {slow} conduction modes slower "
                            f"than {CTF_MAX_TIMESTEP_H:g} h; EnergyPlus's conduction transfer functions handle at "
                            f"most {CTF_MAX_SLOW_MODES} (use thinner or lighter layers)")
    return problems


def check_consistency(b: Building) -> list[str]:
    """Cross-field checks that single-field ranges cannot express."""
    problems = list(energyplus_limits(b))
    era = b.constructions.thermal_bridges.construction_era
    if era != NO_THERMAL_BRIDGES and era not in tb.eras():
        problems.append(f"constructions.thermal_bridges.construction_era: {era!r} is not one of "
                        f"{', '.join([NO_THERMAL_BRIDGES, *tb.eras()])}")
    op = b.operation
    if op.heating_setpoint_c >= op.cooling_setpoint_c:
        problems.append(
            f"operation: heating_setpoint_c {op.heating_setpoint_c} must be below cooling_setpoint_c {op.cooling_setpoint_c}"
        )
    if op.heating_setback_c > op.heating_setpoint_c:
        problems.append("operation.heating_setback_c must not exceed heating_setpoint_c")
    if op.cooling_setback_c < op.cooling_setpoint_c:
        problems.append("operation.cooling_setback_c must not be below cooling_setpoint_c")
    return problems
