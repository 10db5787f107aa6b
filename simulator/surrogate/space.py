"""The surrogate's parameter space: archetype families, their features and ranges.

A *family* groups archetypes that share a form and a use (schedules, gains
profiles, storey height, cooling regime). Within a family a building is
described by a short vector of continuous *features*: the quantities that the
archetypes and the envelope and operation retrofit measures move. Everything
else is fixed at the family's base archetype; :func:`domain_violations` reports
where a building departs from it, so the caller can fall back to EnergyPlus.

Families
--------
================== ============================ =====================================
family             base archetype               members (building type, storeys)
================== ============================ =====================================
residential_walkup old_estate_pre1990           old_estate_pre1990, estate_1990s
                                                (residential, <= 7 storeys)
residential_highrise five_step_residential      five_step_residential (residential, >= 8)
office             public_office                public_office (office)
school             public_school                public_school (school)
================== ============================ =====================================

Features and ranges
-------------------
Ranges cover every archetype of the family and every level of the envelope and
operation measures (:mod:`buildings.measures`) applied to them: the catalogue
(wall 60-120 mm, roof 100-150 mm, floor 50 mm, the three window levels,
airtightness 0.3-0.5 1/h (the measure allows 0.1), heat recovery, TRVs, LED) and the range the accuracy check draws
from (wall 50-150 mm, roof 60-200 mm, floor 30-100 mm of any library
material). Thicker insulation than that (the measure validation allows up to
300-400 mm) can leave the range: the domain check then says so. ``log`` marks
features sampled uniformly in log space (U-values: retrofits crowd the low end).

=========================== ========= ============= ============= ============ ============ =====
feature                     unit      walk-up       high-rise     office       school       scale
=========================== ========= ============= ============= ============ ============ =====
wall_u_w_m2k                W/(m2 K)  0.12-2.1      0.12-1.2      0.12-1.2     0.12-1.2     log
roof_u_w_m2k                W/(m2 K)  0.09-1.6      0.07-1.0      0.09-1.0     0.09-1.0     log
ground_floor_u_w_m2k        W/(m2 K)  0.2-1.2       0.15-1.2      0.2-1.2      0.2-1.2      log
window_u_w_m2k              W/(m2 K)  1.0-6.5       1.0-4.0       1.0-4.0      1.0-4.0      log
window_shgc                 -         0.3-0.8       0.3-0.7       0.3-0.7      0.3-0.7      lin
wwr_south                   -         0.2-0.5       0.25-0.55     0.25-0.6     0.3-0.6      lin
wwr_north                   -         0.1-0.4       0.15-0.4      0.2-0.5      0.2-0.5      lin
infiltration_ach            1/h       0.1-1.2       0.1-0.8       0.1-0.8      0.1-0.8      lin
heat_recovery_efficiency    -         0 or 0-0.95   0 or 0-0.95   0 or 0-0.95  0 or 0-0.95  lin
heating_setpoint_c          C         16-22         16-22         18-22        16-20        lin
heating_night_setback_k     K         0-5           0-5           -            -            lin
heating_setback_c           C         -             -             8-16         8-16         lin
lighting_w_m2               W/m2      2-8           2-8           4-12         4-12         lin
equipment_w_m2              W/m2      2-6           2-6           8-20         3-8          lin
storeys                     -         4-7           10-30         3-8          2-5          int
length_m                    m         30-80         25-60         40-80        50-90        lin
depth_m                     m         9-13          12-18         14-22        12-20        lin
azimuth_deg                 deg       150-210       150-210       150-210      150-210      lin
wall_inner_heat_capacity_   kJ/(m2 K) 33.6-184.8    -             -            -            derived
kj_m2k
wall_bridge_u_w_m2k         W/(m2 K)  0.14-0.72     0.06-0.2      0.15-0.6     0.17-0.63    derived
=========================== ========= ============= ============= ============ ============ =====

``wall_u_w_m2k`` stays the wall's one-dimensional U (from its layers, sampled);
``wall_bridge_u_w_m2k`` is what its linear thermal bridges add,
sum(psi L) / A_wall (:mod:`buildings.thermal_bridges`), so the wall EnergyPlus
simulates has their sum, the mean U. The bridge term is not sampled: it is read
from the building, and follows from the design base's construction era, the
sampled geometry (storeys, length, depth, window-to-wall ratios) and whether
the wall was insulated outside (a sampled wall U below the base's adds an outer
layer, which switches to the era's psi-values after external insulation, as
the ``wall_insulation`` measure does). Sampling the mean U instead would make
low targets infeasible (the bridges alone reach 0.2-0.7 W/(m2 K)) and would
hide from the model how geometry and retrofit move the bridges; the ranges
above are those of 512 design points per base, widened slightly. A building
without bridges (era ``"none"``) is outside every family's range, so the
domain check sends it to EnergyPlus.

``wall_inner_heat_capacity_kj_m2k`` is the heat capacity of the wall layers on
the room side of its insulation (at most 10 cm, ISO 13786 Annex A): 184.8 for
brick insulated outside, 33.6 for the 1990s wall with its inner EPS lining. It
is not sampled: the walk-up design has two blocks, one starting from each base
archetype (``Family.design_bases``), and the feature is read from the building.
The other families hold it at their base archetype's value (a building with
insulation inside is then outside their domain).

``heat_recovery_efficiency`` is the sensible efficiency of a heat-recovery
ventilation unit (the ``mvhr`` measure, 0.75 by default); half the design has
none (exactly 0, ``Feature.zero_share``), the other half is spread over
0-0.95. Infiltration reaches down to 0.1 1/h, the airtightness measure's
lower bound; homes are still ventilated at the hygiene rate of GB 50736-2012
(window airing or the unit, :mod:`buildings.ventilation`), which follows from
the family's fixed occupancy density and is not a feature. The unit's fan
electricity is added downstream of the loads, so it is not a feature either.

``heating_night_setback_k`` is how far the heating setpoint drops in the night
hours of the TRV measure (23:00-06:00): 0 is continuous heating, the
``heat_metering_trv`` measure on an 18 C home gives 2 K. ``heating_setback_c``
is the setpoint outside the occupied heating hours of offices and schools.
East and west window-to-wall ratios stay at the base archetype's values.

Building a building from features
---------------------------------
:func:`building_from_features` starts from the family's base archetype (or the
design base whose derived features match) and sets each sampled feature. A target U-value below the base construction's is reached as the
retrofit measures do it: an outer insulation layer (wall: 5 mm render + EPS;
roof: 30 mm concrete topping + XPS + membrane) or, for the ground floor, XPS and
a 30 mm screed on the slab, with the insulation thickness solved for the target.
A target above the base U-value thins the most insulating layers first (lowest
conductivity, e.g. the base's EPS, then the masonry), removing a layer when
less than 5 mm would remain. Thermal mass therefore follows the base
construction; a retrofit with another insulation material (rock wool instead of
EPS) maps to the same features. The window keeps its visible transmittance;
window U and SHGC are set directly.

:func:`features_of` is the inverse: it reads the features of any building of
the family (a retrofitted archetype maps to its features), so
``features_of(building_from_features(x)) == x`` within rounding.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from buildings import materials
from buildings.model import Building, Construction, Layer
from buildings.thermal_bridges import wall_bridge_u_w_m2k
from simulator.exceptions import UnknownNameError, ValidationError

#: Bumped when the meaning of a feature or the feature -> building mapping changes.
#: 2: infiltration on the room air volume, hygiene ventilation, heat recovery (issue 11).
SPACE_VERSION = "2"
#: Highest heat-recovery efficiency sampled [-] (the mvhr measure's upper bound).
HEAT_RECOVERY_MAX = 0.95
#: Lowest infiltration sampled [1/h]: what the airtightness measure reaches.
INFILTRATION_MIN_ACH = 0.1

MIN_LAYER_M = 0.005  # a thinned layer thinner than this is removed [m]
_REL_TOL = 1e-6


@dataclass(frozen=True)
class Feature:
    """One input of the surrogate.

    Attributes
    ----------
    name
        Column name, carrying the unit (``wall_u_w_m2k``).
    low, high
        Range covered by the training data [unit].
    unit
        Unit text for tables.
    description
        What the feature is.
    log
        Sample uniformly in log space.
    integer
        Whole numbers only (storeys).
    derived
        Not sampled: read from the building a design base gives (the wall's
        inner heat capacity differs between the walk-up bases).
    zero_share
        Share of the design placed exactly at ``low`` (a measure absent), the
        rest spread over the range: heat recovery is either absent (0) or
        present, and both must be in the training data.
    """

    name: str
    low: float
    high: float
    unit: str
    description: str
    log: bool = False
    integer: bool = False
    derived: bool = False
    zero_share: float = 0.0

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map values in [0, 1) to the range (log or linear; integers rounded; ``zero_share`` at ``low``)."""
        u = np.asarray(u, dtype=float)
        if self.zero_share > 0:
            rest = (u - self.zero_share) / (1.0 - self.zero_share)
            return np.where(u < self.zero_share, self.low, self.low + rest.clip(0.0, 1.0) * (self.high - self.low))
        if self.integer:
            # equal probability for each whole value
            return np.floor(self.low + u * (self.high - self.low + 1)).clip(self.low, self.high)
        if self.log:
            return np.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)


@dataclass(frozen=True)
class Family:
    """A group of archetypes that one surrogate model covers.

    Attributes
    ----------
    name
        Family name (``residential_walkup``).
    base_archetype
        Archetype every training building starts from.
    archetypes
        Archetypes of the family (the accuracy check draws from these).
    building_type
        Building type of its members.
    min_storeys, max_storeys
        Storey counts that select the family for a building of its type.
    features
        The inputs, in model order.
    description
        One line.
    design_bases
        Archetypes the training designs start from, one design block each
        (default: the base archetype alone). Point ``i`` of block ``b`` has
        ``point_id = b * BLOCK + i``.
    """

    name: str
    base_archetype: str
    archetypes: tuple[str, ...]
    building_type: str
    min_storeys: int
    max_storeys: int
    features: tuple[Feature, ...]
    description: str
    design_bases: tuple[str, ...] = ()

    @property
    def bases(self) -> tuple[str, ...]:
        """Design bases (the base archetype first)."""
        return self.design_bases or (self.base_archetype,)

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features]

    @property
    def sampled_features(self) -> tuple[Feature, ...]:
        """Features the design samples (all but the derived ones)."""
        return tuple(f for f in self.features if not f.derived)

    def feature(self, name: str) -> Feature:
        for f in self.features:
            if f.name == name:
                return f
        raise UnknownNameError("feature", name, self.feature_names)

    @property
    def residential(self) -> bool:
        return self.building_type == "residential"

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Feature name -> (low, high)."""
        return {f.name: (f.low, f.high) for f in self.features}

    def space_hash(self) -> str:
        """Hash of the feature definitions and the mapping version (names a dataset's space)."""
        feats = [{k: v for k, v in dataclasses.asdict(f).items() if not (k in ("derived", "zero_share") and not v)}
                 for f in self.features]
        payload = {"version": SPACE_VERSION, "base": self.base_archetype, "features": feats}
        if len(self.bases) > 1:
            payload["bases"] = list(self.bases)
        payload = json.dumps(payload, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _envelope(wall, roof, floor, window, shgc, wwr_s, wwr_n, inf) -> list[Feature]:
    return [
        Feature("wall_u_w_m2k", *wall, "W/(m2 K)", "external wall U-value", log=True),
        Feature("roof_u_w_m2k", *roof, "W/(m2 K)", "roof U-value", log=True),
        Feature("ground_floor_u_w_m2k", *floor, "W/(m2 K)", "ground-floor U-value (slab + 1 m soil)", log=True),
        Feature("window_u_w_m2k", *window, "W/(m2 K)", "whole-window U-value", log=True),
        Feature("window_shgc", *shgc, "-", "window solar heat gain coefficient"),
        Feature("wwr_south", *wwr_s, "-", "window-to-wall ratio of the front (south) facade"),
        Feature("wwr_north", *wwr_n, "-", "window-to-wall ratio of the back (north) facade"),
        Feature("infiltration_ach", *inf, "1/h", "infiltration air change rate (room air volume)"),
        Feature("heat_recovery_efficiency", 0.0, HEAT_RECOVERY_MAX, "-",
                "sensible efficiency of heat-recovery ventilation (0 = none)", zero_share=0.5),
    ]


def _bridges(low: float, high: float) -> Feature:
    return Feature("wall_bridge_u_w_m2k", low, high, "W/(m2 K)",
                   "addition of the walls' linear thermal bridges to their U, sum(psi L) / A_wall", derived=True)


def _geometry(storeys, length, depth) -> list[Feature]:
    return [
        Feature("storeys", *storeys, "-", "number of storeys", integer=True),
        Feature("length_m", *length, "m", "length along the front facade"),
        Feature("depth_m", *depth, "m", "depth across the block"),
        Feature("azimuth_deg", 150.0, 210.0, "deg", "direction the front facade faces (180 = south)"),
    ]


@cache
def families() -> dict[str, Family]:
    """The surrogate families, by name."""
    walkup = Family(
        "residential_walkup", "old_estate_pre1990", ("old_estate_pre1990", "estate_1990s"),
        "residential", 1, 7,
        tuple(_envelope(wall=(0.12, 2.1), roof=(0.09, 1.6), floor=(0.2, 1.2), window=(1.0, 6.5), shgc=(0.3, 0.8),
                        wwr_s=(0.2, 0.5), wwr_n=(0.1, 0.4), inf=(INFILTRATION_MIN_ACH, 1.2))
              + [Feature("heating_setpoint_c", 16.0, 22.0, "C", "heating setpoint"),
                 Feature("heating_night_setback_k", 0.0, 5.0, "K", "setpoint drop 23:00-06:00 (TRVs)"),
                 Feature("lighting_w_m2", 2.0, 8.0, "W/m2", "lighting power density"),
                 Feature("equipment_w_m2", 2.0, 6.0, "W/m2", "plug and cooking power density")]
              + _geometry((4, 7), (30.0, 80.0), (9.0, 13.0))
              + [Feature("wall_inner_heat_capacity_kj_m2k", 33.6, 184.8, "kJ/(m2 K)",
                         "areal heat capacity of the wall on the room side of its insulation (10 cm rule)",
                         derived=True), _bridges(0.14, 0.72)]),
        "multi-storey brick walk-ups of the old estates and later steps",
        design_bases=("old_estate_pre1990", "estate_1990s"),
    )
    highrise = Family(
        "residential_highrise", "five_step_residential", ("five_step_residential",),
        "residential", 8, 60,
        tuple(_envelope(wall=(0.12, 1.2), roof=(0.07, 1.0), floor=(0.15, 1.2), window=(1.0, 4.0), shgc=(0.3, 0.7),
                        wwr_s=(0.25, 0.55), wwr_n=(0.15, 0.4), inf=(INFILTRATION_MIN_ACH, 0.8))
              + [Feature("heating_setpoint_c", 16.0, 22.0, "C", "heating setpoint"),
                 Feature("heating_night_setback_k", 0.0, 5.0, "K", "setpoint drop 23:00-06:00 (TRVs)"),
                 Feature("lighting_w_m2", 2.0, 8.0, "W/m2", "lighting power density"),
                 Feature("equipment_w_m2", 2.0, 6.0, "W/m2", "plug and cooking power density")]
              + _geometry((10, 30), (25.0, 60.0), (12.0, 18.0)) + [_bridges(0.06, 0.2)]),
        "residential towers (shear-wall slabs)",
    )
    office = Family(
        "office", "public_office", ("public_office",), "office", 1, 60,
        tuple(_envelope(wall=(0.12, 1.2), roof=(0.09, 1.0), floor=(0.2, 1.2), window=(1.0, 4.0), shgc=(0.3, 0.7),
                        wwr_s=(0.25, 0.6), wwr_n=(0.2, 0.5), inf=(INFILTRATION_MIN_ACH, 0.8))
              + [Feature("heating_setpoint_c", 18.0, 22.0, "C", "heating setpoint in occupied hours"),
                 Feature("heating_setback_c", 8.0, 16.0, "C", "heating setpoint outside occupied hours"),
                 Feature("lighting_w_m2", 4.0, 12.0, "W/m2", "lighting power density"),
                 Feature("equipment_w_m2", 8.0, 20.0, "W/m2", "equipment power density")]
              + _geometry((3, 8), (40.0, 80.0), (14.0, 22.0)) + [_bridges(0.15, 0.6)]),
        "public-institution offices",
    )
    school = Family(
        "school", "public_school", ("public_school",), "school", 1, 60,
        tuple(_envelope(wall=(0.12, 1.2), roof=(0.09, 1.0), floor=(0.2, 1.2), window=(1.0, 4.0), shgc=(0.3, 0.7),
                        wwr_s=(0.3, 0.6), wwr_n=(0.2, 0.5), inf=(INFILTRATION_MIN_ACH, 0.8))
              + [Feature("heating_setpoint_c", 16.0, 20.0, "C", "heating setpoint in occupied hours"),
                 Feature("heating_setback_c", 8.0, 16.0, "C", "heating setpoint outside occupied hours"),
                 Feature("lighting_w_m2", 4.0, 12.0, "W/m2", "lighting power density"),
                 Feature("equipment_w_m2", 3.0, 8.0, "W/m2", "equipment power density")]
              + _geometry((2, 5), (50.0, 90.0), (12.0, 20.0)) + [_bridges(0.17, 0.63)]),
        "school teaching blocks with vacations",
    )
    return {f.name: f for f in (walkup, highrise, office, school)}


def family_names() -> list[str]:
    return list(families())


def get_family(name: str | Family) -> Family:
    """The family called ``name`` (an unknown name lists the valid ones)."""
    if isinstance(name, Family):
        return name
    try:
        return families()[name]
    except KeyError:
        raise UnknownNameError("surrogate family", name, family_names()) from None


def family_of(building: Building) -> Family:
    """The family whose model covers ``building`` (by building type and storeys).

    Raises
    ------
    UnknownNameError
        No family covers the building type (the message lists the covered types).
    """
    for fam in families().values():
        if fam.building_type == building.building_type and \
                fam.min_storeys <= building.geometry.storeys <= fam.max_storeys:
            return fam
    covered = sorted({f"{f.building_type}" for f in families().values()})
    raise UnknownNameError("surrogate building type", building.building_type, covered)


def family_of_archetype(name: str) -> Family:
    """The family an archetype belongs to."""
    for fam in families().values():
        if name in fam.archetypes:
            return fam
    import archetypes

    return family_of(archetypes.load(name))


@cache
def base_building(family: str | Family, base: str | None = None) -> Building:
    """The base archetype of a family, or one of its design bases (cached; buildings are immutable)."""
    import archetypes

    fam = get_family(family)
    if base is not None and base not in fam.bases:
        raise UnknownNameError(f"design base of {fam.name}", base, list(fam.bases))
    return archetypes.load(base or fam.base_archetype)


KAPPA_DEPTH_M = 0.10  # ISO 13786:2017 Annex A: layers within 10 cm of the room
INSULATION_CONDUCTIVITY_W_MK = 0.1  # a layer below this conductivity decouples what lies behind it


def inner_heat_capacity_j_m2k(layers_room_side_first) -> float:
    """Areal heat capacity of a construction seen from the room [J/(m2 K)].

    Sums rho c d over the layers nearest the room, up to 10 cm (ISO 13786:2017
    Annex A, simplified) or up to the first insulating layer
    (conductivity < 0.1 W/(m K)), whichever comes first.
    """
    total, depth = 0.0, 0.0
    for ly in layers_room_side_first:
        if ly.conductivity_w_mk < INSULATION_CONDUCTIVITY_W_MK:
            break
        d = min(ly.thickness_m, KAPPA_DEPTH_M - depth)
        total += ly.density_kg_m3 * ly.specific_heat_j_kgk * d
        depth += d
        if depth >= KAPPA_DEPTH_M - 1e-12:
            break
    return total


def wall_inner_heat_capacity_kj_m2k(b: Building) -> float:
    """Inner areal heat capacity of the external wall [kJ/(m2 K)] (layers listed outside to inside)."""
    return inner_heat_capacity_j_m2k(reversed(b.constructions.wall.layers)) / 1000.0


@cache
def trv_night_hours() -> tuple[int, ...]:
    """Night hours of the ``heat_metering_trv`` measure (0 = 00:00-01:00)."""
    from buildings.measures import kind_data
    from simulator.sourced_data import value_of

    return tuple(sorted(int(h) for h in value_of(kind_data("heat_metering_trv")["night_hours"])))


# --------------------------------------------------------------------------- features of a building


def features_of(building: Building, family: str | Family | None = None) -> dict[str, float]:
    """The feature values of a building (its family's features, in model order).

    Features read what the building *is*, whatever produced it (archetype file,
    measures or :func:`building_from_features`). Departures from the family's
    fixed properties are not reported here: see :func:`domain_violations`.
    """
    fam = family_of(building) if family is None else get_family(family)
    g, c, op = building.geometry, building.constructions, building.operation
    values: dict[str, float] = {
        "wall_u_w_m2k": c.wall.u_value_w_m2k,
        "roof_u_w_m2k": c.roof.u_value_w_m2k,
        "ground_floor_u_w_m2k": c.ground_floor.u_value_w_m2k,
        "window_u_w_m2k": c.window.u_value_w_m2k,
        "window_shgc": c.window.shgc,
        "wwr_south": g.window_to_wall.south,
        "wwr_north": g.window_to_wall.north,
        "infiltration_ach": op.infiltration_ach,
        "heat_recovery_efficiency": op.heat_recovery_efficiency,
        "heating_setpoint_c": op.heating_setpoint_c,
        "lighting_w_m2": op.lighting_w_m2,
        "equipment_w_m2": op.equipment_w_m2,
        "storeys": float(g.storeys),
        "length_m": g.length_m,
        "depth_m": g.depth_m,
        "azimuth_deg": g.azimuth_deg,
        "wall_inner_heat_capacity_kj_m2k": wall_inner_heat_capacity_kj_m2k(building),
        "wall_bridge_u_w_m2k": wall_bridge_u_w_m2k(building),
    }
    if fam.residential:
        values["heating_night_setback_k"] = _night_setback_k(building)
    else:
        values["heating_setback_c"] = op.heating_setback_c
    return {name: float(values[name]) for name in fam.feature_names}


def feature_vector(building: Building, family: str | Family | None = None) -> np.ndarray:
    """:func:`features_of` as an array in model order."""
    return np.array(list(features_of(building, family).values()), dtype=float)


def _night_setback_k(b: Building) -> float:
    """Setpoint drop in the TRV night hours [K] (0 when heating runs through the night)."""
    op = b.operation
    night = trv_night_hours()
    off = [h for h in night if op.heating_hours.weekday[h] < 0.5]
    if not off:
        return 0.0
    return max(0.0, op.heating_setpoint_c - op.heating_setback_c)


# --------------------------------------------------------------------------- building from features


def _layer(material: str, thickness_m: float) -> Layer:
    return Layer(material, thickness_m, **materials.get(material).properties())


def _u(cons: Construction) -> float:
    return cons.u_value_w_m2k


def _insulating_order(layers) -> list[int]:
    """Layer indices, most insulating material first (lowest conductivity, then largest R)."""
    return sorted(range(len(layers)), key=lambda i: (layers[i].conductivity_w_mk, -layers[i].r_value_m2k_w))


def construction_with_u(cons: Construction, target_u_w_m2k: float, insulation: str,
                        outer: tuple[tuple[str, float], ...] = (), inner: tuple[tuple[str, float], ...] = (),
                        inside: bool = False) -> Construction:
    """``cons`` changed to reach ``target_u_w_m2k`` [W/(m2 K)].

    Parameters
    ----------
    cons
        The base construction.
    target_u_w_m2k
        Wanted U-value [W/(m2 K)].
    insulation
        Material of the added insulation layer (target below the base U-value).
    outer, inner
        (material, thickness [m]) layers placed outside / inside the added
        insulation, as the retrofit measure builds them (render, topping, screed).
    inside
        Add the new layers on the inner face (ground floors) instead of outside.

    Notes
    -----
    Below the base U-value an insulation layer of the thickness that closes the
    gap is added (with the measure's extra layers when the gap is large enough
    to hold them and 5 mm of insulation). Above it, the layers are thinned in
    order of rising conductivity (insulation first, then masonry); a layer
    thinner than 5 mm is removed.
    """
    base_u = _u(cons)
    if abs(target_u_w_m2k - base_u) <= _REL_TOL * base_u:
        return cons
    gap_r = 1.0 / target_u_w_m2k - 1.0 / base_u  # resistance to add [m2 K/W]
    k = materials.get(insulation).conductivity_w_mk
    if gap_r > 0:
        extra = [_layer(m, t) for m, t in (*outer, *inner)]
        extra_r = sum(ly.r_value_m2k_w for ly in extra)
        if gap_r - extra_r >= MIN_LAYER_M / k:
            ins = _layer(insulation, k * (gap_r - extra_r))
            new = (*[_layer(m, t) for m, t in outer], ins, *[_layer(m, t) for m, t in inner])
            layers = (*cons.layers, *new) if inside else (*new, *cons.layers)
            return dataclasses.replace(cons, name=f"{cons.name} + surrogate insulation", layers=layers)
        # a small step: thicken the most insulating existing layer instead of adding a sliver
        layers = list(cons.layers)
        i = _insulating_order(layers)[0]
        ly = layers[i]
        layers[i] = dataclasses.replace(ly, thickness_m=ly.thickness_m + gap_r * ly.conductivity_w_mk)
        return dataclasses.replace(cons, name=f"{cons.name} (thickened)", layers=tuple(layers))
    # thin the most insulating layers first
    need = -gap_r  # resistance to remove
    layers = list(cons.layers)
    for i in _insulating_order(layers):
        ly = layers[i]
        if ly.r_value_m2k_w <= need + 1e-12:
            need -= ly.r_value_m2k_w
            layers[i] = None
            continue
        t = (ly.r_value_m2k_w - need) * ly.conductivity_w_mk
        if t < MIN_LAYER_M:  # too thin to keep: remove and take the rest from the next layer
            need -= ly.r_value_m2k_w
            layers[i] = None
            continue
        layers[i] = dataclasses.replace(ly, thickness_m=t)
        need = 0.0
        break
    kept = tuple(ly for ly in layers if ly is not None)
    if need > 1e-9 or not kept:
        raise ValidationError([f"{cons.surface_type} U-value {target_u_w_m2k:.3f} W/(m2 K) cannot be reached "
                               f"by thinning the layers of {cons.name!r} (base {base_u:.3f})"])
    return dataclasses.replace(cons, name=f"{cons.name} (thinned)", layers=kept)


def _check_vector(fam: Family, values: dict[str, float], strict: bool) -> None:
    problems = []
    for f in fam.features:
        if f.name not in values:
            if not f.derived:
                problems.append(f"{f.name}: missing feature [{f.unit}]")
            continue
        v = values[f.name]
        if not isinstance(v, int | float | np.floating | np.integer) or not math.isfinite(float(v)):
            problems.append(f"{f.name}: expected a number [{f.unit}], got {v!r}")
        elif strict and not f.low - 1e-9 <= v <= f.high + 1e-9:
            problems.append(f"{f.name}: {v:g} {f.unit} is outside the family range {f.low:g}..{f.high:g} {f.unit}")
    extra = set(values) - set(fam.feature_names)
    problems += [f"{n}: not a feature of family {fam.name}; features: {', '.join(fam.feature_names)}"
                 for n in sorted(extra)]
    if problems:
        raise ValidationError(problems, f"surrogate features ({fam.name})")


def building_from_features(family: str | Family, x, name: str | None = None, strict: bool = True,
                           base: str | None = None) -> Building:
    """A building of the family with the given feature values.

    Parameters
    ----------
    family
        Family name or :class:`Family`.
    x
        Feature values: a mapping name -> value, or a sequence in model order
        (all features, or the sampled ones only).
    name
        Name of the building (default: ``<family>-surrogate``).
    strict
        Refuse values outside the family ranges (:class:`ValidationError`).
    base
        Design base to start from (default: the base whose derived features,
        e.g. the wall's inner heat capacity, are nearest to ``x``; else the
        family's base archetype). Derived features follow from the base.
    """
    fam = get_family(family)
    if isinstance(x, dict):
        values = {k: float(v) for k, v in x.items()}
    else:
        arr = np.asarray(x, dtype=float).ravel()
        names = fam.feature_names if arr.size == len(fam.features) else [f.name for f in fam.sampled_features]
        if arr.size != len(names):
            raise ValidationError([f"expected {len(fam.features)} feature values "
                                   f"({', '.join(fam.feature_names)}), got {arr.size}"])
        values = dict(zip(names, arr.tolist(), strict=True))
    _check_vector(fam, values, strict)
    b = base_building(fam, base or _nearest_base(fam, values))
    c, g, op = b.constructions, b.geometry, b.operation

    wall = construction_with_u(c.wall, values["wall_u_w_m2k"], "eps_board", outer=(("cement_mortar", 0.005),))
    roof = construction_with_u(c.roof, values["roof_u_w_m2k"], "xps_board",
                               outer=(("fine_aggregate_concrete", 0.03),),
                               inner=(("waterproofing_membrane", 0.004),))
    floor = construction_with_u(c.ground_floor, values["ground_floor_u_w_m2k"], "xps_board",
                                inner=(("cement_mortar", 0.03),), inside=True)
    window = dataclasses.replace(c.window, name="surrogate window", u_value_w_m2k=values["window_u_w_m2k"],
                                 shgc=values["window_shgc"])
    bridges = dataclasses.replace(c.thermal_bridges, external_insulation=c.thermal_bridges.external_insulation
                                  or values["wall_u_w_m2k"] < c.wall.u_value_w_m2k * (1.0 - _REL_TOL))
    constructions = dataclasses.replace(c, wall=wall, roof=roof, ground_floor=floor, window=window,
                                        thermal_bridges=bridges)

    wwr = dataclasses.replace(g.window_to_wall, south=values["wwr_south"], north=values["wwr_north"])
    geometry = dataclasses.replace(g, storeys=int(round(values["storeys"])), length_m=values["length_m"],
                                   depth_m=values["depth_m"], azimuth_deg=values["azimuth_deg"],
                                   window_to_wall=wwr)

    setpoint = values["heating_setpoint_c"]
    changes = dict(heating_setpoint_c=setpoint, infiltration_ach=values["infiltration_ach"],
                   heat_recovery_efficiency=values["heat_recovery_efficiency"],
                   lighting_w_m2=values["lighting_w_m2"], equipment_w_m2=values["equipment_w_m2"])
    if fam.residential:
        drop = values["heating_night_setback_k"]
        if drop > 1e-9:
            night = set(trv_night_hours())
            hours = op.heating_hours

            def cut(p):
                return tuple(0.0 if h in night else v for h, v in enumerate(p))

            changes["heating_hours"] = dataclasses.replace(hours, weekday=cut(hours.weekday), weekend=cut(hours.weekend))
            changes["heating_setback_c"] = setpoint - drop
        else:
            changes["heating_setback_c"] = setpoint if op.heating_setback_c >= op.heating_setpoint_c \
                else min(op.heating_setback_c, setpoint)
    else:
        changes["heating_setback_c"] = min(values["heating_setback_c"], setpoint)
    operation = dataclasses.replace(op, **changes)
    return b.replace(name=name or f"{fam.name}-surrogate", constructions=constructions, geometry=geometry,
                     operation=operation, description=f"surrogate training point of family {fam.name}",
                     measures=())


def _nearest_base(fam: Family, values: dict[str, float]) -> str:
    """The design base whose derived features are nearest to the given ones (the first base if none are given)."""
    derived = [f for f in fam.features if f.derived and f.name in values]
    if len(fam.bases) == 1 or not derived:
        return fam.bases[0]

    def gap(base: str) -> float:
        # derived features of the building this base gives for these values: the thermal-bridge
        # term depends on the sampled geometry and wall U as well as on the base's era
        own = features_of(building_from_features(fam, values, strict=False, base=base), fam)
        return sum(abs(own[f.name] - values[f.name]) / (f.high - f.low) for f in derived)

    return min(fam.bases, key=gap)


# --------------------------------------------------------------------------- domain of applicability


def _fixed_fields(b: Building) -> dict[str, object]:
    """Properties the surrogate holds fixed at the family's base archetype."""
    g, op = b.geometry, b.operation
    return {
        "building_type": b.building_type,
        "geometry.storey_height_m": g.storey_height_m,
        "geometry.window_to_wall.east": g.window_to_wall.east,
        "geometry.window_to_wall.west": g.window_to_wall.west,
        "geometry.zoning": g.zoning,
        "geometry.use_multipliers": g.use_multipliers,
        "operation.cooling_setpoint_c": op.cooling_setpoint_c,
        "operation.cooling_setback_c": op.cooling_setback_c,
        "operation.heating_season": op.heating_season,
        "operation.cooling_season": op.cooling_season,
        "operation.cooling_hours": op.cooling_hours,
        "operation.occupancy_m2_per_person": op.occupancy_m2_per_person,
        "operation.activity_w_per_person": op.activity_w_per_person,
        "operation.occupancy": op.occupancy,
        "operation.lighting": op.lighting,
        "operation.equipment": op.equipment,
        "operation.fresh_air_m3_h_person": op.fresh_air_m3_h_person,
        "operation.natural_ventilation_ach": op.natural_ventilation_ach,
        "operation.hygiene_ventilation": op.hygiene_ventilation,
        "operation.vacations": op.vacations,
        # no surrogate feature describes surface finishes or these model options: the training data keep
        # the base archetype's finishes, or the measures' new outer layers where a U is below the base's
        "constructions.wall outer surface (solar absorptance, thermal emittance)":
            b.constructions.wall.layers[0].surface_properties,
        "constructions.roof outer surface (solar absorptance, thermal emittance)":
            b.constructions.roof.layers[0].surface_properties,
        "geometry.ground_floor_exposure": g.ground_floor_exposure,
        "geometry.overhangs": g.overhangs,
        "operation.equipment_radiant_fraction": op.equipment_radiant_fraction,
    }


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def domain_violations(building: Building, family: str | Family | None = None) -> list[str]:
    """Every way the building leaves the surrogate's domain of applicability (empty: inside).

    Checks the family (building type and storeys), each feature against its
    training range, and every property the family holds fixed (schedules,
    seasons, cooling setpoint, storey height, east/west glazing, ventilation).
    """
    try:
        fam = family_of(building) if family is None else get_family(family)
    except UnknownNameError as exc:
        return [str(exc)]
    out = []
    if building.building_type != fam.building_type:
        out.append(f"building_type {building.building_type!r}: family {fam.name} covers {fam.building_type!r}")
    for name, v in features_of(building, fam).items():
        f = fam.feature(name)
        tol = 1e-6 * max(abs(f.low), abs(f.high), 1.0)
        if not f.low - tol <= v <= f.high + tol:
            out.append(f"{name} = {v:.4g} {f.unit} is outside the training range {f.low:g}..{f.high:g} {f.unit}")
    base = _fixed_fields(base_building(fam))
    # outer surfaces: the training buildings get the retrofit measures' own outer layers where their U
    # is below the base's (e.g. the roof's new membrane), so compare with the building the features give
    try:
        rebuilt = _fixed_fields(building_from_features(fam, features_of(building, fam), strict=False))
        base |= {k: v for k, v in rebuilt.items() if "outer surface" in k}
    except (ValidationError, UnknownNameError, ValueError):
        pass  # out-of-range features are reported above
    for key, value in _fixed_fields(building).items():
        if not _same(value, base[key]):
            shown = value if not hasattr(value, "__dataclass_fields__") else "a different profile"
            out.append(f"{key} = {shown} is not modelled: family {fam.name} holds it at its base archetype "
                       f"{fam.base_archetype}")
    if "wall_inner_heat_capacity_kj_m2k" not in fam.feature_names:
        kappa, kappa_base = (wall_inner_heat_capacity_kj_m2k(x) for x in (building, base_building(fam)))
        if not math.isclose(kappa, kappa_base, rel_tol=0.02, abs_tol=1.0):
            out.append(f"wall inner heat capacity {kappa:.0f} kJ/(m2 K) (insulation inside or lighter inner "
                       f"layers) is not modelled: family {fam.name} holds it at {kappa_base:.0f}")
    out += _heating_hours_violations(building, fam)
    return out


def _heating_hours_violations(b: Building, fam: Family) -> list[str]:
    base = base_building(fam).operation.heating_hours
    hours = b.operation.heating_hours
    if hours == base:
        return []
    if fam.residential:
        night = set(trv_night_hours())

        def cut(p):
            return tuple(0.0 if h in night else v for h, v in enumerate(p))

        if hours.weekday == cut(base.weekday) and hours.weekend == cut(base.weekend):
            return []
        return [f"operation.heating_hours differ from the base profile other than by the TRV night setback "
                f"({min(night):02d}..{max(night):02d} h): not modelled by family {fam.name}"]
    return [f"operation.heating_hours differ from the base archetype's: not modelled by family {fam.name}"]


def markdown_table() -> str:
    """The feature ranges of every family as a markdown table (README)."""
    fams = list(families().values())
    names = list(dict.fromkeys(f.name for fam in fams for f in fam.features))
    head = "| feature | unit | " + " | ".join(f.name for f in fams) + " | sampling |"
    sep = "|" + "---|" * (len(fams) + 3)
    rows = [head, sep]
    for n in names:
        feat = next(f for fam in fams for f in fam.features if f.name == n)
        cells = []
        for fam in fams:
            if n in fam.feature_names:
                f = fam.feature(n)
                cells.append(f"{f.low:g}-{f.high:g}")
            else:
                cells.append("-")
        scale = "derived" if feat.derived else ("integer" if feat.integer else ("log" if feat.log else "linear"))
        rows.append(f"| `{n}` | {feat.unit} | " + " | ".join(cells) + f" | {scale} |")
    return "\n".join(rows)
