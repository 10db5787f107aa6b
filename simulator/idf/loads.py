"""Loads and sizing: internal gains, ventilation and infiltration, the ideal-loads air systems, and zone sizing on the design days."""

from __future__ import annotations

from buildings.model import Building, day_of_year
from buildings.ventilation import has_heat_recovery, mechanical_ach, window_makeup_ach
from simulator.idf.assumptions import (
    ASSUMPTIONS,
    NAT_VENT_MIN_INDOOR_C,
    NAT_VENT_OUTDOOR_RANGE_C,
    TIMESTEPS_PER_HOUR,
)
from simulator.idf.schedules import (
    SCHEDULE_HEAT_RECOVERY,
    SCHEDULE_OCCUPANCY_BYPASS,
    SCHEDULE_OCCUPANCY_RECOVERY,
    ScheduleSet,
)
from simulator.idf.text import add_object as _add
from simulator.units import month_and_day

IDEAL_LOADS_SUFFIX = " Ideal Loads"  # ideal-loads system name = zone name + suffix
DESIGN_HEATING_DAY = "Heating 99.6% design day"
DESIGN_COOLING_DAY = "Cooling 0.4% design day"


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
             Delta_Temperature=ASSUMPTIONS["window_opening"]["delta_temperature_k"],
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
