"""The surrogate for the app and reports: one building (or a pair) on a chosen weather, with 90 % intervals.

::

    from simulator.surrogate import api

    w = api.choose_weather("tianjin:ssp245:2050")      # or None (built-in), a Weather, an EPW path
    p = api.predict(building, w)
    p.heating_kwh_m2.value, p.heating_kwh_m2.interval.low, p.heating_kwh_m2.interval.high
    s = api.predict_savings(baseline, retrofit, w)
    s.heating_savings_pct.value, s.heating_savings_pct.interval

An uploaded EPW is parsed by the caller with :func:`weather.parse_epw` (bytes,
validated, a clear :class:`~simulator.exceptions.WeatherError` on bad input)
and passed as a ``weather.Weather``. ``domain_problems`` lists why the
surrogate should not be trusted (building or weather outside the training
domain); the intervals say how sure it is inside (:mod:`simulator.surrogate.intervals`).
On a weather that is not a training year the first prediction of a family runs
its base archetype and its measure anchors once in EnergyPlus and corrects the
surrogate by them (:mod:`simulator.surrogate.anchor`; ``anchor=False`` skips it).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import pandas as pd

from buildings.model import Building
from simulator.surrogate.intervals import LEVEL, TARGET_OF, predict_intervals, savings_interval
from simulator.surrogate.space import family_of, features_of
from simulator.surrogate.training import load_model

MONTHS = tuple(range(1, 13))


@dataclass(frozen=True)
class Interval:
    """A prediction interval: ``low`` .. ``high`` holds the true value with probability ``level``."""

    low: float
    high: float
    level: float = LEVEL


@dataclass(frozen=True)
class Value:
    """A predicted number with its unit and interval."""

    value: float
    unit: str
    interval: Interval


@dataclass(frozen=True)
class Prediction:
    """The surrogate's headline numbers of one building on one weather (per m2 of floor)."""

    building: str
    family: str
    weather_name: str
    weather_id: str
    heating_kwh_m2: Value
    cooling_kwh_m2: Value
    peak_heating_w_m2: Value
    peak_cooling_w_m2: Value
    monthly_heating_kwh_m2: tuple[Value, ...]
    monthly_cooling_kwh_m2: tuple[Value, ...]
    calibration: str
    domain_problems: tuple[str, ...]
    #: Design heating and cooling loads (zone sizing on the design days); None if the model has none.
    design_heating_w_m2: Value | None = None
    design_cooling_w_m2: Value | None = None
    #: The anchor run that corrected the prediction on a weather outside training
    #: (:meth:`simulator.surrogate.anchor.Anchor.to_dict`), or None.
    anchor: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SavingsPrediction:
    """Baseline, retrofit and the heating saving (baseline - retrofit) with its interval."""

    baseline: Prediction
    retrofit: Prediction
    heating_savings_kwh_m2: Value
    heating_savings_pct: Value

    def to_dict(self) -> dict:
        return asdict(self)


def weather_choices() -> list[tuple[str, str]]:
    """``(id, English label)`` of the built-in weather choices: today's year and each future morph."""
    from weather import future_scenarios

    out = [("tianjin", "Tianjin typical year (today)")]
    out += [(f"tianjin:{s}:{y}", f"Tianjin {y}, {s.upper()} (morphed)") for s, y in future_scenarios()]
    return out


def choose_weather(choice=None):
    """A ``weather.Weather`` from a choice: None or ``"tianjin"``, a morph id (``"tianjin:ssp245:2050"``),
    a training weather id, a Weather, or a path to an EPW file.

    Raises
    ------
    UnknownNameError, WeatherError
        An unknown id, or a file that is not a valid EPW (the message names it).
    """
    from weather import Weather

    if choice is None:
        choice = "tianjin"
    if isinstance(choice, Weather):
        return choice
    text = str(choice)
    if text.startswith(("tianjin", "synthetic")) and "/" not in text and not text.endswith(".epw"):
        from simulator.surrogate.weathers import load_weather

        return load_weather(text)
    from simulator.energyplus import resolve_weather

    return resolve_weather(text)[0]


def _value(row: pd.Series, col: str, unit: str) -> Value:
    return Value(float(row[col]), unit, Interval(float(row[f"{col}_p05"]), float(row[f"{col}_p95"])))


def _optional_value(row: pd.Series, col: str, unit: str) -> Value | None:
    return _value(row, col, unit) if f"{col}_p05" in row.index else None


def _prediction(building: Building, fam, row: pd.Series, w, problems: list[str], anchor=None) -> Prediction:
    return Prediction(
        building=building.name, family=fam.name, weather_name=w.name, weather_id=w.id,
        heating_kwh_m2=_value(row, TARGET_OF["heating"], "kWh/m2"),
        cooling_kwh_m2=_value(row, TARGET_OF["cooling"], "kWh/m2"),
        peak_heating_w_m2=_value(row, TARGET_OF["peak_heating"], "W/m2"),
        peak_cooling_w_m2=_value(row, TARGET_OF["peak_cooling"], "W/m2"),
        monthly_heating_kwh_m2=tuple(_value(row, f"heating_kwh_m2_m{m:02d}", "kWh/m2") for m in MONTHS),
        monthly_cooling_kwh_m2=tuple(_value(row, f"cooling_kwh_m2_m{m:02d}", "kWh/m2") for m in MONTHS),
        calibration=str(row["interval_calibration"]), domain_problems=tuple(problems),
        design_heating_w_m2=_optional_value(row, TARGET_OF["design_heating"], "W/m2"),
        design_cooling_w_m2=_optional_value(row, TARGET_OF["design_cooling"], "W/m2"),
        anchor=anchor.to_dict() if anchor is not None else None)


def predict(building: Building, weather=None, directory: str | os.PathLike | None = None,
            anchor: bool = True) -> Prediction:
    """The surrogate's prediction of one building on a weather (see :func:`choose_weather`).

    ``anchor``: on a weather outside training, correct by EnergyPlus runs of the family's
    base archetype and its measure anchors, and widen the load intervals by the local check's
    runs where needed (:mod:`simulator.surrogate.anchor`; made once per weather, then cached).
    """
    from simulator.surrogate.engine import SurrogateEngine

    w = choose_weather(weather)
    fam = family_of(building)
    model, _ = load_model(fam, directory)
    x = pd.DataFrame([features_of(building, fam)])
    engine = SurrogateEngine(directory, warn=False, anchor=anchor)
    a, _ = engine.anchor_of(fam, w)
    row = predict_intervals(model, x, w, a).iloc[0]
    problems = engine.check_domain(building, w)
    return _prediction(building, fam, row, w, problems, a)


def predict_savings(baseline: Building, retrofit: Building, weather=None,
                    directory: str | os.PathLike | None = None, anchor: bool = True) -> SavingsPrediction:
    """Both predictions and the heating saving with an interval that accounts for their shared error."""
    from simulator.surrogate.engine import SurrogateEngine

    w = choose_weather(weather)
    fam = family_of(baseline)
    if family_of(retrofit).name != fam.name:
        from simulator.exceptions import ValidationError

        raise ValidationError([f"{baseline.name} and {retrofit.name} belong to different surrogate families"])
    model, _ = load_model(fam, directory)
    xb = pd.DataFrame([features_of(baseline, fam)])
    xr = pd.DataFrame([features_of(retrofit, fam)])
    a, _ = SurrogateEngine(directory, warn=False, anchor=anchor).anchor_of(fam, w)
    sav = savings_interval(model, xb, xr, w, anchor=a).iloc[0]
    return SavingsPrediction(
        baseline=predict(baseline, w, directory, anchor), retrofit=predict(retrofit, w, directory, anchor),
        heating_savings_kwh_m2=Value(float(sav["savings_kwh_m2"]), "kWh/m2",
                                     Interval(float(sav["savings_kwh_m2_p05"]), float(sav["savings_kwh_m2_p95"]))),
        heating_savings_pct=Value(float(sav["savings_pct"]), "%",
                                  Interval(float(sav["savings_pct_p05"]), float(sav["savings_pct_p95"]))))
