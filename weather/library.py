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
import re
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


def safe_file_stem(name: str, max_chars: int = 60) -> str:
    """``name`` as a file-name stem: letters, digits, ``._-`` only, at most ``max_chars``, never hidden."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name))[:max_chars].lstrip(".")
    return stem or "weather"


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
    path = directory / f"{safe_file_stem(w.name)}-{w.id}.epw"
    text = w.to_epw_text().encode("utf-8")
    if _holds(path, text):
        return path
    _write_atomic(path, text, "cached weather file")
    log.info("wrote %s", path)
    return path


def _holds(path: Path, data: bytes) -> bool:
    """True if ``path`` is a regular file holding exactly ``data`` (a planted or stale file is not reused)."""
    try:
        return path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) \
            and path.read_bytes() == data
    except OSError:
        return False


def _write_atomic(path: Path, data: bytes, what: str) -> None:
    """Write ``data`` to ``path`` through a random temporary name in the same folder, then ``os.replace``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache is meant to be shared
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise WeatherError(f"{path.parent}: cannot write the {what}: {exc.strerror or exc}") from exc


def is_built_in(spec: str) -> bool:
    """True if ``spec`` is a built-in weather name (these are never looked up as files)."""
    return spec in BUILT_IN


def resolve(spec: str) -> Path:
    """The EPW path for a weather argument: a built-in name, or a path to an EPW file.

    A built-in name (:data:`BUILT_IN`) always means the built-in weather, even
    if a file or folder of that name exists in the working directory (write
    ``./tianjin`` for such a file). Any other text is a file path; the file is
    read and validated (:func:`weather.read_epw`), and if its bytes are not
    exactly what EnergyPlus should read (a byte-order mark, CR line ends, filled
    missing values), a normalised copy is written to the cache and returned, so
    EnergyPlus and the reader see the same data.

    Raises
    ------
    UnknownNameError
        ``spec`` is neither a built-in name nor an existing path.
    WeatherError
        The file is not a valid EPW file.
    """
    from .epw import read_epw, read_epw_bytes

    if is_built_in(spec):
        return epw_path(spec)
    path = Path(spec)
    if not (spec.lower().endswith(".epw") or "/" in spec or os.sep in spec) and not path.exists():
        raise UnknownNameError("weather (built-in name, or a path to an .epw file)", spec, list(BUILT_IN))
    w = read_epw(path)
    text = w.to_epw_text().encode("utf-8")
    if read_epw_bytes(path) == text:
        return path
    return _write_normalised(w, path.stem, text)


def _write_normalised(w: Weather, stem: str, text: bytes) -> Path:
    """Write the normalised EPW text as ``normalised/{id}/{stem}.epw`` in the cache (atomic)."""
    path = cache_dir() / "normalised" / w.id / f"{safe_file_stem(stem)}.epw"
    if not _holds(path, text):
        _write_atomic(path, text, "normalised weather file")
        log.info("%s: EnergyPlus gets the normalised copy %s", stem, path)
    return path


def epw_path(name: str, scenario: str | None = None, year: int | None = None) -> Path:
    """Path of the EPW file of a built-in weather year, written once into the cache directory.

    Parameters are those of :func:`load`. The file name includes the content
    hash, e.g. ``tianjin-ssp245-2050-1a2b3c4d5e6f.epw``.
    """
    return write_cached_epw(load(name, scenario, year))
