"""Schedules: the operation's year as Schedule:Compact fields, and the schedules object group.

Day ``d`` of the year (1..365) runs Monday first (the run period starts on a
Monday, :mod:`simulator.idf.control`); consecutive days with the same profiles
share one ``Through:`` block.
"""

from __future__ import annotations

from buildings.model import Building, DayProfile, Period, day_of_year
from buildings.ventilation import has_heat_recovery
from simulator.idf.assumptions import COOL_OFF_C, HEAT_OFF_C
from simulator.idf.text import add_object as _add
from simulator.idf.text import idf_field
from simulator.units import DAYS_PER_YEAR, month_and_day

_fmt = idf_field  # schedule values are written with the same function


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
        rule = self._setpoint_rule(self.heating_days, op.heating_hours, op.heating_setpoint_c,
                                   op.heating_setback_c, HEAT_OFF_C)
        steady = tuple([op.heating_setpoint_c] * 24) if design_day else None
        return compact_schedule_fields(rule, steady)

    def cooling_setpoint(self) -> list[str]:
        op = self.op
        return compact_schedule_fields(self._setpoint_rule(self.cooling_days, op.cooling_hours,
                                                           op.cooling_setpoint_c, op.cooling_setback_c,
                                                           COOL_OFF_C))

    def _setpoint_rule(self, season_days, hours: DayProfile, on_c: float, setback_c: float, off_c: float):
        """Day rule of a thermostat: ``on_c`` in the profile's hours, ``setback_c`` outside, ``off_c`` out of season."""
        off = (tuple([off_c] * 24),) * 2

        def rule(d):
            if d not in season_days:
                return off
            return self._profile(hours, d, lambda v: on_c if v >= 0.5 else setback_c)

        return rule

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


def day_is_heating(b: Building, month_day: str) -> bool:
    """True if heating is available on that day ("MM-DD")."""
    season = b.operation.heating_season
    return season is None or day_of_year(month_day) in season.days()
