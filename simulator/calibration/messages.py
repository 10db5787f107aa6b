"""The calibration's warnings as templates, so the app can show them in the reader's language.

The library writes every warning in English from one of the templates below
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

TEMPLATES = (NO_FLOOR_AREA, NO_WEATHER, EPW_NORMALISED, TEMPERATURES_NORMALISED, ON_METERED_WEATHER,
             TEMPERATURES_MORPHED, WEATHER_OUTSIDE, AUTO_DEGREE_DAYS, SHORT_CHAIN, RHAT, AT_BOUND, IGNORED_COLUMN, PARTLY_COVERED,
             ELECTRIC_CONFOUNDED)


@cache
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{rx}$", re.S)


def parse(text: str) -> tuple[str, dict[str, str]] | None:
    """(template, fields) of a warning written from one of :data:`TEMPLATES`; ``None`` for any other text."""
    for template in TEMPLATES:
        m = _pattern(template).match(text)
        if m:
            return template, m.groupdict()
    return None
