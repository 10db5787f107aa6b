"""Simulation control, site and outputs: timestep, run period, the slab's ground temperatures, and the meters and variables the reader needs."""

from __future__ import annotations

from buildings.model import Building
from simulator.idf.assumptions import ASSUMPTIONS, TIMESTEPS_PER_HOUR
from simulator.idf.geometry import slab_of
from simulator.idf.text import BUILDING_OBJECT_NAME
from simulator.idf.text import add_object as _add

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
