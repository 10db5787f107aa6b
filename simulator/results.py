"""Read hourly meter series from EnergyPlus's ``Output:SQLite`` file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from simulator.exceptions import EnergyPlusError
from simulator.loads import HOURS_PER_YEAR

J_PER_KWH = 3.6e6
WEATHER_RUN_PERIOD = 3  # EnvironmentPeriods.EnvironmentType of the weather-file run period

_QUERY = """
SELECT rdd.Name, rdd.KeyValue, rd.Value
FROM ReportData rd
JOIN ReportDataDictionary rdd ON rd.ReportDataDictionaryIndex = rdd.ReportDataDictionaryIndex
JOIN Time t ON rd.TimeIndex = t.TimeIndex
JOIN EnvironmentPeriods ep ON t.EnvironmentPeriodIndex = ep.EnvironmentPeriodIndex
WHERE ep.EnvironmentType = ? AND rdd.ReportingFrequency = 'Hourly'
  AND (t.WarmupFlag IS NULL OR t.WarmupFlag = 0)
ORDER BY rd.ReportDataDictionaryIndex, t.TimeIndex
"""


def _hourly_rows(sql_path: Path) -> tuple[list, dict[str, float]]:
    with sqlite3.connect(f"file:{sql_path}?mode=ro", uri=True) as con:
        rows = con.execute(_QUERY, (WEATHER_RUN_PERIOD,)).fetchall()
        multipliers = {
            name.upper(): float(m) * float(lm)
            for name, m, lm in con.execute("SELECT ZoneName, Multiplier, ListMultiplier FROM Zones")
        }
    return rows, multipliers


def read_hourly_kwh(sql_path: Path, meters: tuple[str, ...], zone_variables: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Hourly values [kWh] over the weather-file run period.

    ``meters`` are facility meters (zone multipliers already applied by
    EnergyPlus); ``zone_variables`` are per-zone (or per-enclosure) energy
    variables, summed over zones with their multipliers. A series EnergyPlus
    did not create (e.g. no cooling anywhere) gives zeros.
    """
    rows, multipliers = _hourly_rows(sql_path)
    values: dict[str, list[float]] = {}
    for name, key, value in rows:
        if name in meters:
            values.setdefault(name, []).append(float(value))
        elif name in zone_variables:
            mult = multipliers.get(str(key).upper(), 1.0)
            values.setdefault(f"{name}|{key}", []).append(float(value) * mult)
    out = {}
    for meter in meters:
        out[meter] = _series(sql_path, meter, values.get(meter))
    for var in zone_variables:
        total = np.zeros(HOURS_PER_YEAR)
        for k, series in values.items():
            if k.startswith(var + "|"):
                total += _series(sql_path, k, series)
        out[var] = total
    return out


def read_design_loads_w(sql_path: Path) -> dict[str, float] | None:
    """Design heating and cooling loads [W] of the building from EnergyPlus zone sizing.

    Sums ``ZoneSizes.CalcDesLoad`` (the calculated zone design load, before any
    sizing factor; EnergyPlus has already multiplied it by the zone
    multiplier, as it does the ideal-loads energy variables) over zones. Zone
    peaks are summed as they occur (not coincident across zones), as a plant
    serving every zone is sized. Cooling is the sensible zone load
    (EnergyPlus's default "Sensible Load Only" zone sizing). None when the
    run did no zone sizing.

    Returns
    -------
    ``{"heating": W, "cooling": W}``
    """
    with sqlite3.connect(f"file:{sql_path}?mode=ro", uri=True) as con:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'ZoneSizes'").fetchone():
            return None
        rows = con.execute("SELECT ZoneName, LoadType, CalcDesLoad FROM ZoneSizes").fetchall()
    if not rows:
        return None
    out = {"heating": 0.0, "cooling": 0.0}
    for _zone, load_type, load_w in rows:
        kind = str(load_type).strip().lower()
        if kind in out:
            out[kind] += float(load_w)
    return out


def read_hourly_sum(sql_path: Path, variable: str) -> float | None:
    """Sum over the weather-file run of an hourly variable's values (in its own unit), or None if absent.

    Used for ``Facility Heating Setpoint Not Met Time`` [h]: the hours in which
    some zone was below its heating setpoint.
    """
    query = _QUERY.replace("ORDER BY", "AND rdd.Name = ? ORDER BY")
    with sqlite3.connect(f"file:{sql_path}?mode=ro", uri=True) as con:
        values = [float(v) for _name, _key, v in con.execute(query, (WEATHER_RUN_PERIOD, variable))]
    return round(sum(values), 3) if values else None


def _series(sql_path: Path, name: str, series: list[float] | None) -> np.ndarray:
    if series is None:
        return np.zeros(HOURS_PER_YEAR)
    if len(series) != HOURS_PER_YEAR:
        raise EnergyPlusError(f"{sql_path}: {name} has {len(series)} hourly values, expected {HOURS_PER_YEAR}")
    return np.asarray(series) / J_PER_KWH
