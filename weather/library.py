"""Built-in weather: ``load(name)`` and ``epw_path(name)`` with an on-disk EPW cache.

The built-in years are generated on first use (about 0.1 s), never at import,
and kept in a small in-process cache (they are immutable). EnergyPlus needs a
file: :func:`epw_path` writes the EPW once into the cache directory under a
name that carries its content hash, atomically (temporary file +
``os.replace``), so concurrent processes can call it safely.

Cache directory: ``$HONGQIAO_CACHE_DIR/weather`` if that variable is set,
else ``$XDG_CACHE_HOME/hongqiao-retrofit/weather``, else
``~/.cache/hongqiao-retrofit/weather``.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from pathlib import Path

from simulator.exceptions import UnknownNameError, WeatherError

from .epw import Weather
from .morphing import future_deltas, morph
from .synthetic import SEED, TIANJIN_SITE, generate_year, load_tianjin_monthly

log = logging.getLogger(__name__)

BUILT_IN = ("tianjin",)
"""Names accepted by :func:`load`."""
CACHE_ENV = "HONGQIAO_CACHE_DIR"


def cache_dir() -> Path:
    """Directory for cached EPW files (see the module docstring); not created here."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]) / "weather"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hongqiao-retrofit" / "weather"


def load(name: str, scenario: str | None = None, year: int | None = None) -> Weather:
    """A built-in weather year.

    Parameters
    ----------
    name
        Built-in name: ``"tianjin"`` (synthetic typical year, see :mod:`weather.synthetic`).
    scenario
        ``None`` for the baseline, or a future scenario ``"ssp245"`` / ``"ssp585"``.
    year
        Horizon for a scenario: 2030 or 2050.

    Returns
    -------
    Weather
        Shared, immutable object (cached per process).

    Raises
    ------
    UnknownNameError
        Unknown name, or scenario/year not in ``weather/data/future_deltas.csv``.
    WeatherError
        A scenario without a year or a year without a scenario.
    """
    if name not in BUILT_IN:
        raise UnknownNameError("weather", name, list(BUILT_IN))
    if (scenario is None) != (year is None):
        raise WeatherError(f"weather {name!r}: give both scenario and year (e.g. scenario='ssp245', "
                           f"year=2050) or neither; got scenario={scenario!r}, year={year!r}")
    return _load_cached(name, scenario, None if year is None else int(year))


@functools.lru_cache(maxsize=16)
def _load_cached(name: str, scenario: str | None, year: int | None) -> Weather:
    if scenario is not None:
        return morph(_load_cached(name, None, None), future_deltas(scenario, year))
    return generate_year(load_tianjin_monthly(), TIANJIN_SITE, seed=SEED, name=name)


def write_cached_epw(w: Weather, directory: Path | None = None) -> Path:
    """Write ``w`` as ``{name}-{id}.epw`` into the cache directory unless already there.

    The write is atomic (temporary file in the same directory, then
    ``os.replace``), so concurrent callers never see a partial file.
    """
    directory = directory or cache_dir()
    path = directory / f"{w.name}-{w.id}.epw"
    if path.is_file():
        return path
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(w.to_epw_text())
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache is meant to be shared
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise WeatherError(f"{directory}: cannot write cached weather file: {exc}") from exc
    log.info("wrote %s", path)
    return path


def epw_path(name: str, scenario: str | None = None, year: int | None = None) -> Path:
    """Path of the EPW file of a built-in weather year, written once into the cache directory.

    Parameters are those of :func:`load`. The file name includes the content
    hash, e.g. ``tianjin-ssp245-2050-1a2b3c4d5e6f.epw``.
    """
    return write_cached_epw(load(name, scenario, year))
