"""The calibration's warnings and meter-file problems as templates, so the app can show them in the reader's language.

The library writes every warning, and every problem of a meter file
(:mod:`.meters`), in English from one of the templates below
(``TEMPLATE.format(**fields)``); :func:`parse` recovers the template and the
fields of a warning text, and the app translates the template
(:mod:`simulator.app.i18n`) and fills the same fields back in. A warning that
matches no template (a future one) is returned as ``None`` and shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

NO_FLOOR_AREA = "no metered floor area given: the building's {area_m2} m2 is taken"
NO_WEATHER = ("no weather of the metered period given: the built-in Tianjin typical year is taken as the metered "
              "year's weather; a warmer or colder metered winter biases the calibrated parameters")
EPW_NORMALISED = ("APPROXIMATION (degree-day method chosen): the heat readings were degree-day normalised (HDD18 ratio "
                  "per month) to the built-in Tianjin year before calibration. The EnergyPlus check runs on the given "
                  "weather against the readings as metered.")
TEMPERATURES_NORMALISED = (
    "APPROXIMATION (degree-day method chosen): the weather of the metered period is the built-in Tianjin year shifted "
    "to the meter file's monthly mean temperatures (morphing, Belcher et al. 2005), and the heat readings were "
    "degree-day normalised (HDD18 ratio per month) to the built-in year before calibration.")
ON_METERED_WEATHER = ("the surrogate predicts the meters on the weather of the metered period; it was not trained on "
                      "that year, so its own uncertainty there is the one it has for a new weather")
TEMPERATURES_MORPHED = ("the weather of the metered period is the built-in Tianjin year shifted to the meter file's "
                        "monthly mean temperatures (morphing, Belcher et al. 2005)")
WEATHER_OUTSIDE = ("the weather of the metered period lies outside the surrogate's training weathers, so its "
                   "predictions there are extrapolations (check the EnergyPlus re-run): {features}")
SHORT_CHAIN = ("the chain ({kept} kept steps, ESS {ess}) is shorter than {factor} autocorrelation times ({tau} steps) "
               "or has fewer than {ess_min} effective samples: run longer")
RHAT = "split R-hat {rhat} >= {limit}: walkers disagree; run longer"
REFINED = ("refined once: the EnergyPlus check of the first posterior mean gave CV(RMSE) / NMBE heat {heat_before}, "
           "electricity {electricity_before}; the surrogate was corrected by EnergyPlus's ratio to it there (heating "
           "x{heating}, cooling x{cooling}) and the posterior sampled again: EnergyPlus check now heat {heat_after}, "
           "electricity {electricity_after}")
REFINE_NO_DEGREE_DAYS = ("refine 'always' was asked but cannot run: the heat was degree-day normalised, so "
                         "EnergyPlus and the surrogate ran on different weathers")
REFINE_NO_ENERGYPLUS = "refine 'always' was asked but cannot run: the EnergyPlus check is off"
AT_BOUND = ("posterior of {name} sits at a bound of its support {low}..{high} (prior or surrogate range): the meters "
            "ask for more than the model allows")
IGNORED_COLUMN = "column {column} is not a meter column and was ignored"
PARTLY_COVERED = "{meter}: partly covered month(s) {months} dropped"

AUTO_DEGREE_DAYS = ("the weather of the metered period lies outside the surrogate's training weathers ({features}), "
                    "so the heat readings were degree-day normalised to the built-in year instead (automatic choice; "
                    "force the surrogate with the weather method 'surrogate')")
ELECTRIC_CONFOUNDED = ("the heating is in the electricity meter: {parameter} and the heat demand are confounded "
                       "(posterior correlation {r}); the meters fix the heating electricity (90 % interval {electricity} % "
                       "of its mean wide), not the heat demand ({demand} % wide) and the system efficiency apart - a heat "
                       "meter on the heat output separates them")

REFINE_REFUSED = ("no refinement: EnergyPlus differs from the surrogate at the posterior mean by heating x{heating}, "
                  "cooling x{cooling} (beyond x{limit}): too far for one correction; the first pass is reported, and "
                  "the surrogate should not be trusted for this building and weather")
REFINE_NOT_KEPT = ("the refined pass met Guideline 14 on fewer meters than the first: the first pass is reported "
                   "(the refined one is under refinement.refined_pass)")

TEMPLATES = (NO_FLOOR_AREA, NO_WEATHER, EPW_NORMALISED, TEMPERATURES_NORMALISED, ON_METERED_WEATHER,
             TEMPERATURES_MORPHED, WEATHER_OUTSIDE, AUTO_DEGREE_DAYS, SHORT_CHAIN, RHAT, AT_BOUND, IGNORED_COLUMN, PARTLY_COVERED,
             ELECTRIC_CONFOUNDED, REFINED, REFINE_REFUSED, REFINE_NOT_KEPT,
             REFINE_NO_DEGREE_DAYS, REFINE_NO_ENERGYPLUS)


# --------------------------------------------------------------------------- meter-file problems (meters.py)
# {column}, {value}, {unit}, {first} are the file's own text, quoted (repr); {role} a meter role name.

NOT_EXCEL = "not a readable Excel file: {error}"
UNSUPPORTED_TYPE = "unsupported file type {suffix}; use .csv or .xlsx"
NOT_TEXT = "not a text file in UTF-8 or GBK"
NOT_CSV = "not a readable CSV table: {error}"
CANNOT_READ = "cannot read the meter file: {error}"
FILE_TOO_LARGE = "file is {size} bytes; at most {limit}"
NO_DATA_ROWS = "the table has no data rows"
TOO_MANY_ROWS = "{n} rows; at most {limit}"
HEAT_METER_LOCATION = "heat meter location {value} is not one of {allowed}"
FLOOR_AREA = "metered floor area must be a positive number [m2], got {value}"
SECOND_COLUMN = "column {column}: a second {role} column (first: {first}); keep one"
TEMPERATURE_UNIT = "column {column}: unknown temperature unit {unit}; use °C (or no unit)"
NO_UNIT = "column {column}: no unit; name it like {hint}"
UNKNOWN_UNIT = "column {column}: unknown unit {unit}; use {allowed}"
NO_ENERGY_COLUMN = "no heat or electricity column (heat_kwh, heat_gj, electricity_kwh, 供热量(GJ), 用电量(kWh))"
MONTHS_AND_PERIODS = "both a month column and start/end columns; give months or billing periods, not both"
PERIOD_COLUMNS = "billing periods need both a start and an end column (开始日期, 结束日期)"
NO_MONTH_COLUMN = "no month column (month, 月份) and no billing periods (start, end / 开始日期, 结束日期)"
EMPTY_CELL = "row {row}, column {column}: empty; write 0 if nothing was used"
NOT_A_NUMBER = "row {row}, column {column}: {value} is not a number"
NEGATIVE = "row {row}, column {column}: negative value {value}"
IMPLAUSIBLE_TEMPERATURE = "row {row}, column {column}: {value} C is not a plausible monthly mean ({low}..{high} C)"
NOT_A_MONTH = "row {row}, column {column}: {value} is not a month (1-12 or YYYY-MM)"
MIXED_MONTHS = "column {column}: mixes month numbers and YYYY-MM; use one form"
DUPLICATE_MONTH = "row {row}, column {column}: duplicate month {month} (also row {first})"
REPEATED_CALENDAR_MONTH = ("row {row}, column {column}: {month} repeats calendar month {cal} of row {first}; the weather "
                           "is one year, so a calendar month may appear once")
MONTH_OUTSIDE_YEAR = "row {row}, column {column}: {month} is outside the weather year {year}"
MISSING_MONTHS_IN_RUN = "column {column}: missing month(s) {months} inside the metered run of months"
MISSING_MONTHS = "column {column}: missing month(s) {months}"
TEMPERATURES_NEED_MONTHS = "column {column}: monthly mean temperatures need monthly rows, not billing periods"
NOT_A_DATE = "row {row}, column {column}: {value} is not a date (YYYY-MM-DD)"
END_BEFORE_START = "row {row}: end {end} is before start {start}"
PERIOD_OUTSIDE_YEAR = "row {row}: period {start}..{end} is outside the weather year {year}"
OVERLAP = "rows {row} and {row2}: periods {start1}..{end1} and {start2}..{end2} overlap"
GAP = "rows {row} and {row2}: no reading from {start} to {end} (missing days between periods)"
BILLING_REPEATS = ("{month} repeats calendar month {cal} ({other}); the weather is one year, so the periods may span "
                   "at most 12 months")
NO_MONTH_COVERED = "no calendar month is fully covered by the billing periods"

#: in matching order: a template that is the start of another comes after it
METER_PROBLEMS = (NOT_EXCEL, UNSUPPORTED_TYPE, NOT_TEXT, NOT_CSV, CANNOT_READ, FILE_TOO_LARGE, NO_DATA_ROWS,
                  TOO_MANY_ROWS, HEAT_METER_LOCATION, FLOOR_AREA, SECOND_COLUMN, TEMPERATURE_UNIT, NO_UNIT,
                  UNKNOWN_UNIT, NO_ENERGY_COLUMN, MONTHS_AND_PERIODS, PERIOD_COLUMNS, NO_MONTH_COLUMN, EMPTY_CELL,
                  NEGATIVE, IMPLAUSIBLE_TEMPERATURE, NOT_A_MONTH, NOT_A_DATE, NOT_A_NUMBER, MIXED_MONTHS,
                  DUPLICATE_MONTH, REPEATED_CALENDAR_MONTH, MONTH_OUTSIDE_YEAR, MISSING_MONTHS_IN_RUN, MISSING_MONTHS,
                  TEMPERATURES_NEED_MONTHS, END_BEFORE_START, PERIOD_OUTSIDE_YEAR, OVERLAP, GAP, BILLING_REPEATS,
                  NO_MONTH_COVERED)


@cache
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{rx}$", re.S)


def parse(text: str) -> tuple[str, dict[str, str]] | None:
    """(template, fields) of a warning or meter-file problem written from one of :data:`TEMPLATES` or
    :data:`METER_PROBLEMS`; ``None`` for any other text."""
    for template in (*TEMPLATES, *METER_PROBLEMS):
        m = _pattern(template).match(text)
        if m:
            return template, m.groupdict()
    return None
