"""Building -> EnergyPlus IDF, built with eppy and written as text fast.

This package is the one place that writes EnergyPlus objects. Heating and
cooling are *ideal loads* (``ZoneHVAC:IdealLoadsAirSystem``): the energy the
zones need, not what a boiler, district network or heat pump consumes.
Conversion to delivered energy by carrier happens downstream in the systems
step (see DESIGN.md), shared by the EnergyPlus and surrogate engines.

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

One module per concern, each holding the writer of its object group;
:func:`build_idf` (here) calls them in order, and every name the callers use
is importable from ``simulator.idf`` as before:

* :mod:`simulator.idf.text`: the eppy IDF, safe names and fields
  (:func:`idf_name`, :func:`idf_field`) and the fast text writer
  (:func:`idf_text`);
* :mod:`simulator.idf.assumptions`: the model's sourced assumptions and
  :data:`IDF_WRITER_VERSION`;
* :mod:`simulator.idf.control`: simulation control, run period, ground
  temperatures and outputs;
* :mod:`simulator.idf.schedules`: compact schedules and the thermostat;
* :mod:`simulator.idf.constructions`: materials and constructions;
* :mod:`simulator.idf.geometry`: zones, surfaces, windows, overhangs, the slab;
* :mod:`simulator.idf.loads`: internal gains, ventilation, ideal loads and
  zone sizing.
"""

from __future__ import annotations

from buildings.model import Building
from simulator.idf.assumptions import (
    ASSUMPTIONS,
    COOL_OFF_C,
    HEAT_OFF_C,
    IDF_WRITER_VERSION,
    NAT_VENT_MIN_INDOOR_C,
    NAT_VENT_OUTDOOR_RANGE_C,
    TIMESTEPS_PER_HOUR,
    WINDOW_SILL_MARGIN_M,
)
from simulator.idf.constructions import (
    _add_construction,
    _layers,
    partition_layers,
    wall_layers_with_bridges,
    write_constructions,
)
from simulator.idf.control import (
    _MONTHS,
    METER_COOLING,
    METER_EQUIPMENT,
    METER_HEATING,
    METER_LIGHTING,
    METERS,
    VAR_COOLING_LATENT,
    VAR_COOLING_SENSIBLE,
    VAR_HEATING_UNMET,
    VAR_WINDOW_SOLAR,
    write_outputs,
    write_simulation_control,
)
from simulator.idf.geometry import (
    Storey,
    exposed_perimeter_m,
    horizontal_vertices,
    modelled_storeys,
    overhang_vertices,
    slab_of,
    wall_vertices,
    window_box,
    write_zones_and_surfaces,
    zone_layout,
)
from simulator.idf.loads import (
    DESIGN_COOLING_DAY,
    DESIGN_HEATING_DAY,
    IDEAL_LOADS_SUFFIX,
    design_day_date,
    write_ideal_loads,
    write_internal_gains,
    write_sizing,
    write_ventilation,
)
from simulator.idf.schedules import (
    SCHEDULE_HEAT_RECOVERY,
    SCHEDULE_OCCUPANCY_BYPASS,
    SCHEDULE_OCCUPANCY_RECOVERY,
    ScheduleSet,
    compact_schedule_fields,
    day_is_heating,
    write_schedules,
)
from simulator.idf.text import (
    BUILDING_OBJECT_NAME,
    IDF_SYNTAX_CHARACTERS,
    IDF_VERSION,
    MAX_ALPHA_LENGTH,
    NAME_HASH_DIGITS,
    idd_path,
    idf_field,
    idf_name,
    idf_text,
    new_idf,
)

__all__ = [
    "ASSUMPTIONS", "BUILDING_OBJECT_NAME", "COOL_OFF_C", "DESIGN_COOLING_DAY", "DESIGN_HEATING_DAY",
    "HEAT_OFF_C", "IDEAL_LOADS_SUFFIX", "IDF_SYNTAX_CHARACTERS", "IDF_VERSION", "IDF_WRITER_VERSION",
    "MAX_ALPHA_LENGTH", "METERS", "METER_COOLING", "METER_EQUIPMENT", "METER_HEATING", "METER_LIGHTING",
    "NAME_HASH_DIGITS", "NAT_VENT_MIN_INDOOR_C", "NAT_VENT_OUTDOOR_RANGE_C", "SCHEDULE_HEAT_RECOVERY",
    "SCHEDULE_OCCUPANCY_BYPASS", "SCHEDULE_OCCUPANCY_RECOVERY", "ScheduleSet", "Storey", "TIMESTEPS_PER_HOUR",
    "VAR_COOLING_LATENT", "VAR_COOLING_SENSIBLE", "VAR_HEATING_UNMET", "VAR_WINDOW_SOLAR", "WINDOW_SILL_MARGIN_M",
    "_MONTHS", "_add_construction", "_layers", "build_idf", "compact_schedule_fields", "day_is_heating",
    "design_day_date", "exposed_perimeter_m", "horizontal_vertices", "idd_path", "idf_field", "idf_name",
    "idf_text", "modelled_storeys", "new_idf", "overhang_vertices", "partition_layers", "slab_of",
    "wall_layers_with_bridges", "wall_vertices", "window_box", "write_constructions", "write_ideal_loads",
    "write_internal_gains", "write_outputs", "write_schedules", "write_simulation_control", "write_sizing",
    "write_ventilation", "write_zones_and_surfaces", "zone_layout",
]


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
