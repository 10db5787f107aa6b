"""Future-climate weather by morphing (Belcher, Hacker & Powell 2005).

Each hour of a baseline year is changed by its month's deltas:

- dry bulb, shift and stretch: ``T' = T + dT_mean + a (T - <T>_m)`` with
  ``a = (dT_max - dT_min) / (<T_max>_m - <T_min>_m)``, where ``<.>_m`` are
  the month's mean and mean daily max/min. The monthly mean moves by exactly
  ``dT_mean`` (the stretch term averages to zero) and the mean diurnal range
  by ``dT_max - dT_min``;
- global, direct and diffuse radiation, stretch: ``x' = x (1 + dGHI / 100)``
  (keeps the diffuse fraction);
- relative humidity, shift in percentage points, clipped to 1-100 % (kept to
  0.1 %); the dew point is recomputed from the new dry bulb and RH (Magnus formula);
- wind speed, stretch;
- horizontal IR rescaled by the change of ``eps_sky T^4`` of the EnergyPlus
  sky model (new dry bulb and dew point, same opaque cover);
- the header's ground temperatures shift by the annual mean ``dT_mean``.

Reference
---------
Belcher, S. E., Hacker, J. N. & Powell, D. S. (2005). Constructing design
weather data for future climates. *Building Services Engineering Research
and Technology* 26(1), 49-61.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from simulator.exceptions import UnknownNameError, WeatherError

from . import meteo
from .climate import daily_dry_bulb_c
from .epw import Weather, comment_line, ground_temperatures_line, parse_ground_temperatures

log = logging.getLogger(__name__)

DELTA_COLUMNS = ("dry_bulb_mean_change_k", "dry_bulb_max_change_k", "dry_bulb_min_change_k",
                 "ghi_change_pct", "rel_humidity_change_pct_points", "wind_speed_change_pct")


@dataclass(frozen=True)
class MonthlyDeltas:
    """Monthly changes to apply to a baseline year.

    ``table`` has 12 rows (index month 1-12) and :data:`DELTA_COLUMNS`:
    changes of monthly mean, mean daily max and mean daily min dry bulb [K],
    relative change of GHI [%], change of RH [percentage points], relative
    change of wind speed [%]. ``label`` names the case (e.g. ``"ssp245-2050"``).
    """

    table: pd.DataFrame
    label: str

    def __post_init__(self) -> None:
        missing = [c for c in DELTA_COLUMNS if c not in self.table.columns]
        if missing or list(self.table.index) != list(range(1, 13)):
            raise WeatherError(f"deltas {self.label!r}: need 12 rows indexed 1-12 and columns "
                               f"{list(DELTA_COLUMNS)}; missing {missing}")

    @classmethod
    def uniform(cls, label: str = "uniform", **changes: float) -> MonthlyDeltas:
        """Same change every month, e.g. ``MonthlyDeltas.uniform(dry_bulb_mean_change_k=1.5)``.

        Unspecified max/min changes default to the mean change; others to 0.
        """
        unknown = set(changes) - set(DELTA_COLUMNS)
        if unknown:
            raise WeatherError(f"unknown delta names {sorted(unknown)}; valid: {list(DELTA_COLUMNS)}")
        dt = changes.get("dry_bulb_mean_change_k", 0.0)
        row = {c: changes.get(c, dt if c in ("dry_bulb_max_change_k", "dry_bulb_min_change_k") else 0.0)
               for c in DELTA_COLUMNS}
        return cls(pd.DataFrame([row] * 12, index=pd.RangeIndex(1, 13, name="month")), label)


@cache
def _deltas_csv() -> pd.DataFrame:
    """The parsed package table, read once per process (callers get copies: see :func:`_deltas_table`)."""
    ref = resources.files("weather") / "data" / "future_deltas.csv"
    return pd.read_csv(StringIO(ref.read_text(encoding="utf-8")), comment="#")


def _deltas_table() -> pd.DataFrame:
    return _deltas_csv().copy()


@cache
def _scenario_pairs() -> tuple[tuple[str, int], ...]:
    t = _deltas_csv()
    return tuple(sorted({(str(s), int(y)) for s, y in zip(t["scenario"], t["year"], strict=True)}))


def future_scenarios() -> list[tuple[str, int]]:
    """(scenario, year) pairs in ``weather/data/future_deltas.csv``.

    The table is package data, read once per process: the surrogate's weather-id parser asks for the
    pairs hundreds of times per evaluation (a read each cost the compare page about 45 s of its 144 packages).
    """
    return list(_scenario_pairs())


def future_deltas(scenario: str, year: int) -> MonthlyDeltas:
    """Monthly deltas for Tianjin for a scenario (``"ssp245"``, ``"ssp585"``) and year (2030, 2050).

    Raises
    ------
    UnknownNameError
        For a scenario or year not in the table, listing the valid ones.
    """
    t = _deltas_table()
    valid = future_scenarios()
    if (scenario, year) not in valid:
        raise UnknownNameError("weather scenario", f"{scenario}/{year}", [f"{s}/{y}" for s, y in valid])
    rows = t[(t["scenario"] == scenario) & (t["year"] == year)].set_index("month").sort_index()
    return MonthlyDeltas(rows[list(DELTA_COLUMNS)].astype(float), f"{scenario}-{year}")


def morph_dry_bulb_c(dry_bulb_c: np.ndarray, month: np.ndarray, deltas: pd.DataFrame) -> np.ndarray:
    """Shift-and-stretch of hourly dry bulb [C] (Belcher et al. 2005).

    Parameters
    ----------
    dry_bulb_c
        8760 hourly values [C].
    month
        Month (1-12) of each hour.
    deltas
        Table with :data:`DELTA_COLUMNS`, index month.
    """
    frame = pd.DataFrame({"dry_bulb_c": dry_bulb_c, "month": month,
                          "day": np.repeat(np.arange(365), 24)})
    daily = daily_dry_bulb_c(frame)
    mean_m = frame.groupby("month")["dry_bulb_c"].mean()
    range_m = daily.groupby("month")["max_c"].mean() - daily.groupby("month")["min_c"].mean()
    alpha = (deltas["dry_bulb_max_change_k"] - deltas["dry_bulb_min_change_k"]) / range_m
    return (dry_bulb_c + deltas["dry_bulb_mean_change_k"].reindex(month).to_numpy()
            + alpha.reindex(month).to_numpy() * (dry_bulb_c - mean_m.reindex(month).to_numpy()))


def morph(w: Weather, deltas: MonthlyDeltas) -> Weather:
    """Morph a weather year with monthly deltas (see the module docstring).

    Parameters
    ----------
    w
        Baseline weather.
    deltas
        Monthly changes.

    Returns
    -------
    Weather
        Named ``"{w.name}-{deltas.label}"``; values rounded to EPW precision.
    """
    d = w.data
    month = d["month"].to_numpy()
    table = deltas.table

    def per_hour(col: str) -> np.ndarray:
        return table[col].reindex(month).to_numpy()

    t_old = d["dry_bulb_c"].to_numpy(dtype=float)
    t_new = np.round(morph_dry_bulb_c(t_old, month, table), 1)
    # RH keeps one decimal: rounding to whole percent would turn a -0.5 %RH change of
    # integer values into ties and bias the monthly shift
    rh_new = np.round(np.clip(d["rel_humidity_pct"].to_numpy() + per_hour("rel_humidity_change_pct_points"),
                              1.0, 100.0), 1)
    dew_new = np.round(meteo.dew_point_c(t_new, rh_new), 1)
    sky = d["opaque_sky_cover_tenths"].to_numpy(dtype=float)
    ir_ratio = (meteo.horizontal_ir_wh_m2(t_new, dew_new, sky)
                / meteo.horizontal_ir_wh_m2(t_old, d["dew_point_c"].to_numpy(dtype=float), sky))
    solar_factor = 1.0 + per_hour("ghi_change_pct") / 100.0
    d["dry_bulb_c"] = t_new
    d["rel_humidity_pct"] = rh_new
    d["dew_point_c"] = dew_new
    d["horizontal_ir_wh_m2"] = np.round(d["horizontal_ir_wh_m2"].to_numpy() * ir_ratio)
    for col in ("ghi_wh_m2", "dni_wh_m2", "dhi_wh_m2"):
        d[col] = np.round(d[col].to_numpy() * solar_factor)
    d["ghi_wh_m2"] = np.clip(d["ghi_wh_m2"], 0.0, 1500.0)
    d["wind_speed_m_s"] = np.round(d["wind_speed_m_s"].to_numpy() * (1.0 + per_hour("wind_speed_change_pct") / 100.0), 1)

    annual_dt = float(np.average(table["dry_bulb_mean_change_k"], weights=np.bincount(month)[1:]))
    header = w.header.replace(comments_2=comment_line(
        2, f"Morphed (Belcher et al. 2005) with deltas {deltas.label}: annual mean dry bulb "
           f"{annual_dt:+.2f} K; baseline {w.name} id {w.id}"))
    try:
        ground = parse_ground_temperatures(w.header.ground_temperatures)
        if ground:
            header = header.replace(ground_temperatures=ground_temperatures_line(
                {z: [t + annual_dt for t in temps] for z, temps in ground.items()}))
    except WeatherError as exc:
        log.warning("%s: ground temperatures kept unshifted: %s", w.name, exc)
    return w.replace(data=d, header=header, name=f"{w.name}-{deltas.label}")
