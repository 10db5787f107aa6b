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
SELECT rdd.Name, rd.Value
FROM ReportData rd
JOIN ReportDataDictionary rdd ON rd.ReportDataDictionaryIndex = rdd.ReportDataDictionaryIndex
JOIN Time t ON rd.TimeIndex = t.TimeIndex
JOIN EnvironmentPeriods ep ON t.EnvironmentPeriodIndex = ep.EnvironmentPeriodIndex
WHERE ep.EnvironmentType = ? AND rdd.ReportingFrequency = 'Hourly'
  AND (t.WarmupFlag IS NULL OR t.WarmupFlag = 0)
ORDER BY rd.ReportDataDictionaryIndex, t.TimeIndex
"""


def read_hourly_meters_kwh(sql_path: Path, meters: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Hourly values [kWh] of the named meters over the weather-file run period.

    A meter EnergyPlus did not create (e.g. no cooling anywhere) gives zeros.
    """
    with sqlite3.connect(f"file:{sql_path}?mode=ro", uri=True) as con:
        rows = con.execute(_QUERY, (WEATHER_RUN_PERIOD,)).fetchall()
    values: dict[str, list[float]] = {}
    for name, value in rows:
        values.setdefault(name, []).append(float(value))
    out = {}
    for meter in meters:
        series = values.get(meter)
        if series is None:
            out[meter] = np.zeros(HOURS_PER_YEAR)
            continue
        if len(series) != HOURS_PER_YEAR:
            raise EnergyPlusError(f"{sql_path}: meter {meter} has {len(series)} hourly values, expected {HOURS_PER_YEAR}")
        out[meter] = np.asarray(series) / J_PER_KWH
    return out
