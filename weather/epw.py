"""EPW (EnergyPlus weather) files: the :class:`Weather` object, reading and writing.

Why not pvlib's ``read_epw`` (pvlib is a dependency for the PV chain): parsing
is the short part here, and pvlib's reader is lenient - it reads missing-value codes (99.9, 9999, ...)
as numbers and silently accepts truncated files or wrong field counts. This
reader is strict and every problem names the file and line:

- missing or unreadable file;
- fewer than 8 header lines, a header line out of order, a bad LOCATION;
- truncated data (fewer than 8760 hourly lines) or extra lines;
- a data line without exactly 35 fields, a non-numeric value, a date/time
  sequence that is not one hourly non-leap year starting 1 January 01:00;
- a value outside its physical range (see :data:`CHECKED_FIELDS`);
- ``nan`` / ``inf`` text in any numeric field (never read as "missing");
- anything that is not a regular file (a directory, a FIFO, ``/dev/zero``)
  and files larger than :data:`MAX_EPW_BYTES` (refused before reading).

Policies (documented choices):

- **Leap years**: a file with 8784 data lines (a leap year) is accepted and
  29 February is dropped, so every :class:`Weather` holds 8760 hours.
- **Missing values**: a blank field or an EPW missing code (dry bulb or dew
  point >= 99.9, RH >= 999, pressure >= 999999, radiation >= 9999, wind
  >= 999, sky cover >= 99; EnergyPlus uses the same ">= code" rule) in a
  checked field is *missing*. Gaps of at most :data:`MAX_FILLED_GAP_H` hours,
  with at most :data:`MAX_FILLED_PER_FIELD_H` missing hours per field in the
  year, are filled by linear interpolation in time and logged as a warning;
  more is a :class:`~simulator.exceptions.WeatherError`. A missing value is
  never turned into a zero.
- Direct normal values above :data:`SOFT_MAX_DNI_W_M2` are physically
  impossible at the surface but occur in distributed files (as sunrise/sunset
  artefacts); they are kept and logged as a warning, not rejected.

- **Byte-order mark and line ends**: a UTF-8 byte-order mark is stripped
  deliberately (logged) and both LF and CRLF line ends are read. EnergyPlus
  itself would read a BOM as part of ``LOCATION`` and place the site at 0 N 0 E,
  so EnergyPlus must never be given such a file as it is: the engine writes the
  validated :class:`Weather` back with :meth:`Weather.to_epw_text` (no BOM,
  LF line ends only) and gives EnergyPlus that.

Non-checked fields (illuminance, visibility, precipitation, ...) are kept as
read so a file round-trips; blanks there stay blank.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.exceptions import WeatherError
from simulator.units import (  # noqa: F401 (public names)
    DAYS_IN_MONTH,
    DAYS_PER_YEAR,
    HOURS_PER_DAY,
    HOURS_PER_LEAP_YEAR,
    HOURS_PER_YEAR,
    MONTH_OF_HOUR,
)

log = logging.getLogger(__name__)

N_HEADER_LINES = 8
N_FIELDS = 35
MAX_FILLED_GAP_H = 6
"""Longest run of missing hours filled by interpolation [h]."""
MAX_FILLED_PER_FIELD_H = 88
"""Most missing hours per field filled by interpolation (1 % of the year) [h]."""
SOFT_MAX_DNI_W_M2 = 1400.0
"""DNI above this (about the solar constant) is logged as implausible [W/m2]."""
MAX_LISTED_PROBLEMS = 20
MAX_EPW_BYTES = 20_000_000
"""Largest EPW file read [bytes]. A standard hourly EPW is about 1.6 MB; a leap
year with wide number formatting (35 fields of up to ~30 characters on 8784
lines) stays under 10 MB. 20 MB leaves room for long comment lines while
refusing a runaway input (``/dev/zero``, a crafted 200 MB upload) before it
costs memory."""
MAX_DATA_LINE_CHARS = 2000
"""Longest hourly data line [characters]: 35 fields of up to ~25 characters is about 900; longer
lines are refused before the fields become fixed-width text arrays (8760 x the longest cell)."""
MAX_ABS_VALUE = 1e7
"""Largest magnitude of any EPW number; the largest missing code is 999999 (illuminance)."""
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UTF8_BOM = b"\xef\xbb\xbf"

HEADER_KEYWORDS = (
    "LOCATION", "DESIGN CONDITIONS", "TYPICAL/EXTREME PERIODS", "GROUND TEMPERATURES",
    "HOLIDAYS/DAYLIGHT SAVINGS", "COMMENTS 1", "COMMENTS 2", "DATA PERIODS",
)

# The 35 EPW fields in file order, with the column names used in Weather.data.
EPW_COLUMNS = (
    "year", "month", "day", "hour", "minute", "data_source",
    "dry_bulb_c", "dew_point_c", "rel_humidity_pct", "pressure_pa",
    "ext_horizontal_wh_m2", "ext_direct_normal_wh_m2", "horizontal_ir_wh_m2",
    "ghi_wh_m2", "dni_wh_m2", "dhi_wh_m2",
    "global_illuminance_lux", "direct_illuminance_lux", "diffuse_illuminance_lux",
    "zenith_luminance_cd_m2", "wind_dir_deg", "wind_speed_m_s",
    "total_sky_cover_tenths", "opaque_sky_cover_tenths", "visibility_km", "ceiling_height_m",
    "present_weather_observation", "present_weather_codes", "precipitable_water_mm",
    "aerosol_optical_depth", "snow_depth_cm", "days_since_last_snowfall", "albedo",
    "liquid_precipitation_depth_mm", "liquid_precipitation_quantity_h",
)
INT_COLUMNS = ("year", "month", "day", "hour", "minute")
TEXT_COLUMNS = ("data_source", "present_weather_codes")


@dataclass(frozen=True)
class FieldCheck:
    """Physical range and missing-value code of one checked EPW field."""

    min: float
    max: float
    missing_at: float
    unit: str


CHECKED_FIELDS: dict[str, FieldCheck] = {
    "dry_bulb_c": FieldCheck(-70.0, 70.0, 99.9, "C"),
    "dew_point_c": FieldCheck(-70.0, 70.0, 99.9, "C"),
    "rel_humidity_pct": FieldCheck(0.0, 110.0, 999.0, "%"),
    "pressure_pa": FieldCheck(31000.0, 120000.0, 999999.0, "Pa"),
    "horizontal_ir_wh_m2": FieldCheck(0.0, 1000.0, 9999.0, "Wh/m2"),
    "ghi_wh_m2": FieldCheck(0.0, 1500.0, 9999.0, "Wh/m2"),
    "dni_wh_m2": FieldCheck(0.0, 9999.0, 9999.0, "Wh/m2"),
    "dhi_wh_m2": FieldCheck(0.0, 1500.0, 9999.0, "Wh/m2"),
    "wind_dir_deg": FieldCheck(0.0, 360.0, 999.0, "deg"),
    "wind_speed_m_s": FieldCheck(0.0, 40.0, 999.0, "m/s"),
    "total_sky_cover_tenths": FieldCheck(0.0, 10.0, 99.0, "tenths"),
    "opaque_sky_cover_tenths": FieldCheck(0.0, 10.0, 99.0, "tenths"),
}
"""Fields checked on read, with range and missing code (EnergyPlus Auxiliary Programs, EPW format)."""

CORE_COLUMNS = ("month", "day", "hour", *CHECKED_FIELDS)
"""Columns a :class:`Weather` must be given; the others get :data:`DEFAULT_VALUES`."""

DEFAULT_VALUES: dict[str, object] = {
    "year": 2017, "minute": 0, "data_source": "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9",
    "ext_horizontal_wh_m2": 9999.0, "ext_direct_normal_wh_m2": 9999.0,
    "global_illuminance_lux": 999999.0, "direct_illuminance_lux": 999999.0,
    "diffuse_illuminance_lux": 999999.0, "zenith_luminance_cd_m2": 9999.0,
    "visibility_km": 9999.0, "ceiling_height_m": 99999.0, "present_weather_observation": 9.0,
    "present_weather_codes": "999999999", "precipitable_water_mm": 999.0,
    "aerosol_optical_depth": 0.999, "snow_depth_cm": 0.0, "days_since_last_snowfall": 88.0,
    "albedo": 0.2, "liquid_precipitation_depth_mm": 0.0, "liquid_precipitation_quantity_h": 1.0,
}
"""Values for optional columns not given to :class:`Weather` (EPW missing codes where unknown)."""



def calendar_frame() -> pd.DataFrame:
    """Month, day, hour (1-24) and day of year of the 8760 hours of a non-leap year."""
    month = MONTH_OF_HOUR + 1
    day = np.concatenate([np.repeat(np.arange(1, n + 1), HOURS_PER_DAY) for n in DAYS_IN_MONTH])
    hour = np.tile(np.arange(1, HOURS_PER_DAY + 1), DAYS_PER_YEAR)
    doy = np.repeat(np.arange(1, DAYS_PER_YEAR + 1), HOURS_PER_DAY)
    return pd.DataFrame({"month": month, "day": day, "hour": hour, "day_of_year": doy})


@dataclass(frozen=True)
class Site:
    """Where a weather file was measured (the EPW LOCATION line).

    Parameters
    ----------
    name
        City or station name.
    country
        ISO 3166 alpha-3 country code, e.g. ``"CHN"``.
    latitude_deg, longitude_deg
        Position [deg], north and east positive.
    time_zone_h
        Offset of local standard time from UTC [h].
    elevation_m
        Station elevation above sea level [m].
    wmo
        WMO station number (or an own identifier).
    state
        Province or state (EPW field 2).
    source
        Data source label (EPW field 4).
    """

    name: str
    country: str
    latitude_deg: float
    longitude_deg: float
    time_zone_h: float
    elevation_m: float
    wmo: str
    state: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        problems = []
        for field in ("name", "country", "wmo", "state", "source"):
            value = getattr(self, field)
            if not isinstance(value, str):
                problems.append(f"{field} must be text, got {type(value).__name__}")
            elif _CONTROL_CHARS.search(value) or any(c in value for c in ",\r\n"):
                problems.append(f"{field} = {value[:40]!r} holds a comma, line break or control character")
        for field, lo, hi in (("latitude_deg", -90, 90), ("longitude_deg", -180, 180),
                              ("time_zone_h", -12, 14), ("elevation_m", -1000, 9000)):
            value = getattr(self, field)
            if not (isinstance(value, int | float) and lo <= value <= hi):
                problems.append(f"{field} = {value!r} outside {lo}..{hi}")
        if problems:
            raise WeatherError("invalid site: " + "; ".join(problems))

    def location_line(self) -> str:
        """The EPW LOCATION header line."""
        nums = (_fmt_number(v) for v in (self.latitude_deg, self.longitude_deg,
                                         self.time_zone_h, self.elevation_m))
        return ",".join(["LOCATION", self.name, self.state, self.country, self.source,
                         str(self.wmo), *nums])


@dataclass(frozen=True)
class EpwHeader:
    """EPW header lines 2-8, kept verbatim (without line ends) so a file round-trips."""

    design_conditions: str = "DESIGN CONDITIONS,0"
    typical_extreme_periods: str = "TYPICAL/EXTREME PERIODS,0"
    ground_temperatures: str = "GROUND TEMPERATURES,0"
    holidays_daylight_savings: str = "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0"
    comments_1: str = "COMMENTS 1,"
    comments_2: str = "COMMENTS 2,"
    data_periods: str = "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31"

    def lines(self) -> list[str]:
        """Header lines 2-8 in file order."""
        return [getattr(self, f.name) for f in dataclasses.fields(self)]

    def replace(self, **changes: str) -> EpwHeader:
        """A copy with some lines replaced."""
        return dataclasses.replace(self, **changes)


def comment_line(number: int, text: str) -> str:
    """A ``COMMENTS n`` header line; commas and quotes in ``text`` are made safe."""
    clean = text.replace('"', "'").replace("\n", " ")
    return f'COMMENTS {number},"{clean}"'


def ground_temperatures_line(temps_by_depth_c: dict[float, Iterable[float]]) -> str:
    """A ``GROUND TEMPERATURES`` header line from 12 monthly values [C] per depth [m]."""
    parts = ["GROUND TEMPERATURES", str(len(temps_by_depth_c))]
    for depth_m, temps in temps_by_depth_c.items():
        parts += [_fmt_number(depth_m), "", "", ""] + [f"{t:.2f}" for t in temps]
    return ",".join(parts)


def parse_ground_temperatures(line: str) -> dict[float, list[float]]:
    """Depth [m] -> 12 monthly ground temperatures [C] from a ``GROUND TEMPERATURES`` line.

    Raises
    ------
    WeatherError
        If the line does not follow the EPW layout.
    """
    f = [x.strip() for x in line.split(",")]
    try:
        n = int(f[1])
        out = {}
        for i in range(n):
            block = f[2 + 16 * i: 2 + 16 * (i + 1)]
            out[float(block[0])] = [float(x) for x in block[4:16]]
            if len(out[float(block[0])]) != 12:
                raise ValueError
    except (ValueError, IndexError) as exc:
        raise WeatherError(f"cannot parse GROUND TEMPERATURES line: {line[:80]!r}") from exc
    return out


class Weather:
    """One typical year of hourly weather at a site; treat as immutable.

    Parameters
    ----------
    site
        The site.
    data
        8760 hourly rows (1 Jan 01:00 to 31 Dec 24:00, non-leap year), with at
        least :data:`CORE_COLUMNS`; missing optional EPW columns get
        :data:`DEFAULT_VALUES`. Columns carry their unit in their name
        (``dry_bulb_c``, ``ghi_wh_m2``...); radiation is the energy received
        during the hour ending at ``hour`` [Wh/m2].
    header
        EPW header lines 2-8.
    name
        Short name (e.g. ``"tianjin"`` or a file stem).
    content_id
        Content hash when known (a read file's bytes); otherwise computed
        lazily from :meth:`to_epw_text`.
    source_path
        The file it was read from, if any.

    Notes
    -----
    ``data`` returns a copy-on-write view: changing it never changes the
    object. Derive new objects with :meth:`replace` or :func:`weather.morph`.
    """

    __slots__ = ("_site", "_data", "_header", "_name", "_id", "_source_path")

    def __init__(self, site: Site, data: pd.DataFrame, header: EpwHeader | None = None,
                 name: str | None = None, content_id: str | None = None,
                 source_path: Path | None = None):
        self._site = site
        self._data = _complete_frame(data)
        self._header = header or EpwHeader()
        self._name = name or site.name.lower()
        self._id = content_id
        self._source_path = Path(source_path) if source_path else None

    @property
    def site(self) -> Site:
        """The site (LOCATION line)."""
        return self._site

    @property
    def data(self) -> pd.DataFrame:
        """Hourly data, 8760 rows, all 35 EPW fields (copy-on-write copy)."""
        return self._data.copy(deep=False)

    @property
    def header(self) -> EpwHeader:
        """EPW header lines 2-8."""
        return self._header

    @property
    def name(self) -> str:
        """Short name."""
        return self._name

    @property
    def source_path(self) -> Path | None:
        """File the weather was read from, or None."""
        return self._source_path

    @property
    def id(self) -> str:
        """Short content hash: sha256 of the file bytes read, or of :meth:`to_epw_text` [12 hex]."""
        if self._id is None:
            self._id = content_hash(self.to_epw_text().encode("utf-8"))
        return self._id

    def replace(self, data: pd.DataFrame | None = None, header: EpwHeader | None = None,
                name: str | None = None, site: Site | None = None) -> Weather:
        """A new Weather with some parts replaced (content id recomputed)."""
        return Weather(site or self._site, self._data if data is None else data,
                       header or self._header, name or self._name)

    def to_epw_text(self) -> str:
        """The EPW file text (LF line ends)."""
        lines = [self._site.location_line(), *self._header.lines()]
        cols = [_format_column(self._data[c].to_numpy()) for c in EPW_COLUMNS]
        lines += [",".join(row) for row in zip(*cols, strict=True)]
        return "\n".join(lines) + "\n"

    def to_epw(self, path: str | os.PathLike) -> Path:
        """Write the EPW file; returns its path."""
        path = Path(path)
        path.write_text(self.to_epw_text(), encoding="utf-8", newline="\n")
        return path

    def __repr__(self) -> str:
        s = self._site
        return (f"Weather(name={self._name!r}, site={s.name!r} {s.latitude_deg:.2f}N "
                f"{s.longitude_deg:.2f}E, id={self._id or '...'})")


def content_hash(payload: bytes) -> str:
    """First 12 hex digits of the sha256 of ``payload``."""
    return hashlib.sha256(payload).hexdigest()[:12]


# ----------------------------------------------------------------------------- writing


def _fmt_number(value: float) -> str:
    """Shortest text that reads back as ``value`` (``8.0`` -> ``"8.0"``, ``39.08333``)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{float(value):.1f}"
    return repr(float(value))


def _format_column(values: np.ndarray) -> np.ndarray:
    """Format one column with the fewest decimals that keep every value exact."""
    if values.dtype.kind in "OUS":
        return np.array(["" if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v)
                         for v in values], dtype=object)
    v = values.astype(float) + 0.0  # + 0.0 turns -0.0 into 0.0
    finite = np.isfinite(v)
    for decimals in range(7):
        if np.array_equal(np.round(v[finite], decimals), v[finite]):
            fmt = "%d" if decimals == 0 else f"%.{decimals}f"
            out = np.char.mod(fmt, np.where(finite, np.round(v, decimals), 0.0)).astype(object)
            break
    else:
        out = np.array([repr(x) for x in v], dtype=object)
    out[~finite] = ""
    return out


def _complete_frame(data: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in CORE_COLUMNS if c not in data.columns]
    if missing:
        raise WeatherError(f"weather data lacks columns {missing}; required: {list(CORE_COLUMNS)}")
    if len(data) != HOURS_PER_YEAR:
        raise WeatherError(f"weather data has {len(data)} rows; expected {HOURS_PER_YEAR} (one non-leap year)")
    out = pd.DataFrame(index=pd.RangeIndex(HOURS_PER_YEAR))
    for col in EPW_COLUMNS:
        if col in data.columns:
            values = data[col].to_numpy()
        else:
            values = np.full(HOURS_PER_YEAR, DEFAULT_VALUES[col], dtype=object if col in TEXT_COLUMNS else None)
        if col in INT_COLUMNS:
            values = np.asarray(values).astype(np.int64)
        elif col in TEXT_COLUMNS:
            values = np.asarray(values).astype(str).astype(object)
        else:
            values = np.asarray(values, dtype=float)
        out[col] = values
    cal = calendar_frame()
    if not (np.array_equal(out["month"], cal["month"]) and np.array_equal(out["day"], cal["day"])
            and np.array_equal(out["hour"], cal["hour"])):
        raise WeatherError("weather data month/day/hour columns are not the 8760 hours of a non-leap year in order")
    return out


# ----------------------------------------------------------------------------- reading


def read_epw(path: str | os.PathLike) -> Weather:
    """Read and validate an EPW file.

    Parameters
    ----------
    path
        The ``.epw`` file.

    Returns
    -------
    Weather
        Named after the file stem; ``id`` is the hash of the file bytes.

    Raises
    ------
    simulator.exceptions.WeatherError
        On any problem, naming the file and line (all problems of a kind are
        reported together).
    """
    path = Path(path)
    return parse_epw(read_epw_bytes(path), path, source_path=path)


def parse_epw(raw: bytes, label: str | os.PathLike, source_path: Path | None = None) -> Weather:
    """Parse and validate EPW file bytes (see :func:`read_epw`).

    Parameters
    ----------
    raw
        The file's bytes (at most :data:`MAX_EPW_BYTES`).
    label
        How messages name the file (a path, or an uploaded file's display name).
    source_path
        The file the bytes came from, if any.

    Raises
    ------
    simulator.exceptions.WeatherError
        On any problem, naming ``label`` and the line.
    """
    if len(raw) > MAX_EPW_BYTES:
        raise WeatherError(f"{label}: {len(raw) / 1e6:.1f} MB is too large for an EPW file "
                           f"(limit {MAX_EPW_BYTES / 1e6:.0f} MB)")
    path = label
    if raw.startswith(UTF8_BOM):
        log.info("%s: UTF-8 byte-order mark stripped (EnergyPlus is given a copy without it)", path)
        raw_text = raw[len(UTF8_BOM):]
    else:
        raw_text = raw
    try:
        text = raw_text.decode("utf-8")
    except UnicodeDecodeError:
        text = raw_text.decode("latin-1")
    bad = _CONTROL_CHARS.search(text)
    if bad:
        raise WeatherError(f"{path}: line {text.count(chr(10), 0, bad.start()) + 1}: control character "
                           f"{bad.group()!r}; an EPW file is plain text")
    # Lines end at LF only (with an optional CR before it), as EnergyPlus reads them;
    # str.splitlines would also split at form feeds and other separators inside a field.
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    if lines and lines[-1] == "":  # the final line end
        lines.pop()
    site, header = _parse_header(lines, path)
    data = _parse_data(lines[N_HEADER_LINES:], path)
    name = Path(str(label)).stem if source_path is None else Path(source_path).stem
    return Weather(site, data, header, name=name or "upload", content_id=content_hash(raw),
                   source_path=source_path)


def read_epw_bytes(path: str | os.PathLike, max_bytes: int = MAX_EPW_BYTES) -> bytes:
    """The bytes of an EPW file, refusing non-regular and oversized files.

    The file is opened without blocking (a FIFO would otherwise wait for a
    writer), checked to be a regular file of at most ``max_bytes`` bytes, and
    read with that bound (a file growing while read is cut off and refused).

    Raises
    ------
    simulator.exceptions.WeatherError
        Missing, unreadable, not a regular file, or too large.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise WeatherError(f"{path}: weather file not found") from None
    except (OSError, ValueError) as exc:
        raise WeatherError(f"{path}: cannot read weather file: "
                           f"{getattr(exc, 'strerror', None) or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise WeatherError(f"{path}: {kind}; a weather file must be a regular .epw file")
        if st.st_size > max_bytes:
            raise WeatherError(f"{path}: {st.st_size / 1e6:.1f} MB is too large for an EPW file "
                               f"(limit {max_bytes / 1e6:.0f} MB; a year of hourly data is about 1.6 MB)")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise WeatherError(f"{path}: more than {max_bytes / 1e6:.0f} MB; too large for an EPW file")
        return b"".join(chunks)
    except OSError as exc:
        raise WeatherError(f"{path}: cannot read weather file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _raise(path: Path, problems: list[str]) -> None:
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        if len(shown) == 1 and not more:
            raise WeatherError(f"{path}: {shown[0]}")
        raise WeatherError(f"{path}: invalid EPW file:\n  " + "\n  ".join(shown) + tail)


def _parse_header(lines: list[str], path: Path) -> tuple[Site, EpwHeader]:
    if len(lines) < N_HEADER_LINES:
        raise WeatherError(f"{path}: line {len(lines) + 1}: file ends inside the header "
                           f"({len(lines)} lines; an EPW has {N_HEADER_LINES} header lines)")
    problems = []
    for i, key in enumerate(HEADER_KEYWORDS):
        if not lines[i].upper().startswith(key):
            problems.append(f"line {i + 1}: expected header {key!r}, found {lines[i][:40]!r}")
    _raise(path, problems)
    f = [x.strip() for x in lines[0].split(",")]
    if len(f) != 10:
        raise WeatherError(f"{path}: line 1: LOCATION has {len(f)} fields, expected 10 "
                           "(LOCATION,city,state,country,source,WMO,lat,lon,tz,elevation)")
    try:
        lat, lon, tz, elev = (float(x) for x in f[6:10])
    except ValueError:
        raise WeatherError(f"{path}: line 1: LOCATION latitude/longitude/time zone/elevation "
                           f"must be numbers, found {f[6:10]}") from None
    try:
        site = Site(name=f[1], state=f[2], country=f[3], source=f[4], wmo=f[5],
                    latitude_deg=lat, longitude_deg=lon, time_zone_h=tz, elevation_m=elev)
    except WeatherError as exc:
        raise WeatherError(f"{path}: line 1: {exc}") from None
    periods = [x.strip() for x in lines[7].split(",")]
    if len(periods) > 2 and periods[2] not in ("1", ""):
        raise WeatherError(f"{path}: line 8: {periods[2]} records per hour; only hourly files (1) are supported")
    return site, EpwHeader(*lines[1:N_HEADER_LINES])


def _parse_data(data_lines: list[str], path: Path) -> pd.DataFrame:
    first = N_HEADER_LINES + 1
    while data_lines and not data_lines[-1].strip():
        data_lines = data_lines[:-1]
    n = len(data_lines)
    if n < HOURS_PER_YEAR:
        raise WeatherError(f"{path}: line {first + n}: truncated: {n} hourly data lines after the header, "
                           f"expected {HOURS_PER_YEAR} (or {HOURS_PER_LEAP_YEAR} for a leap year)")
    if n not in (HOURS_PER_YEAR, HOURS_PER_LEAP_YEAR):
        raise WeatherError(f"{path}: line {first + HOURS_PER_YEAR}: {n} hourly data lines, expected "
                           f"{HOURS_PER_YEAR} (or {HOURS_PER_LEAP_YEAR} for a leap year)")
    _raise(path, [f"line {first + i}: {len(ln)} characters; an EPW data line has at most "
                  f"{MAX_DATA_LINE_CHARS}" for i, ln in enumerate(data_lines) if len(ln) > MAX_DATA_LINE_CHARS][:5])
    rows = [ln.split(",") for ln in data_lines]
    _raise(path, [f"line {first + i}: {len(r)} fields, expected {N_FIELDS}"
                  for i, r in enumerate(rows) if len(r) != N_FIELDS])
    cells = np.array(rows, dtype=object)
    line_no = np.arange(first, first + n)
    frame, problems = {}, []
    for j, col in enumerate(EPW_COLUMNS):
        raw = cells[:, j]
        if col in TEXT_COLUMNS:
            frame[col] = raw.astype(str)
            continue
        values, bad = _to_float(raw)
        problems += _listed(bad, line_no, raw, f"field {j + 1} ({col})", "is not a number")
        wild = ~bad & ~np.isnan(values) & (np.abs(values) > MAX_ABS_VALUE)
        problems += _listed(wild, line_no, raw, f"field {j + 1} ({col})",
                            f"is beyond +-{MAX_ABS_VALUE:g} (larger than any EPW value or missing code)")
        if col in INT_COLUMNS:
            nonint = ~bad & (np.isnan(values) | (values != np.round(values)))
            problems += _listed(nonint, line_no, raw, f"field {j + 1} ({col})", "is not an integer")
        frame[col] = values
    _raise(path, problems)
    df = pd.DataFrame(frame)
    if n == HOURS_PER_LEAP_YEAR:
        keep = ~((df["month"] == 2) & (df["day"] == 29)).to_numpy()
        if keep.sum() != HOURS_PER_YEAR:
            raise WeatherError(f"{path}: {n} data lines (a leap year?) but not 24 hours of 29 February to drop")
        log.info("%s: leap year; 29 February dropped", path)
        df, line_no = df[keep].reset_index(drop=True), line_no[keep]
    _check_calendar(df, line_no, path)
    _check_and_fill(df, line_no, path)
    for col in INT_COLUMNS:
        df[col] = df[col].astype(np.int64)
    return df


def _listed(mask: np.ndarray, line_no: np.ndarray, raw: np.ndarray, field: str, what: str,
            shown: int = 5) -> list[str]:
    """Problem lines for the first ``shown`` hits of ``mask``, plus a count of the rest."""
    hits = np.flatnonzero(mask)
    out = [f"line {line_no[i]}: {field} = {str(raw[i]).strip()} {what}" for i in hits[:shown]]
    if hits.size > shown:
        out.append(f"{field}: {hits.size - shown} more lines with the same problem")
    return out


def _to_float(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floats from text cells; blanks -> NaN. Returns (values, not-a-number mask).

    ``nan``, ``inf``, ``infinity`` and Python's digit separators (``1_000``)
    count as "not a number": EnergyPlus does not read them as numbers, and a
    ``nan`` must never pass for a missing value to be filled.
    """
    text = np.char.lower(np.char.strip(raw.astype(str)))
    odd = (np.char.find(text, "n") >= 0) | (np.char.find(text, "_") >= 0)  # nan, inf(inity)
    try:
        values = raw.astype(float)
        bad = np.zeros(len(raw), dtype=bool)
    except ValueError:
        values = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(values) & (text != "")
    if odd.any():
        values = np.where(odd, np.nan, values)
        bad |= odd
    return values, bad


def _check_calendar(df: pd.DataFrame, line_no: np.ndarray, path: Path) -> None:
    cal = calendar_frame()
    for col in ("month", "day", "hour"):
        got = df[col].to_numpy()
        wrong = np.flatnonzero(got != cal[col].to_numpy())
        if wrong.size:
            i = wrong[0]
            raise WeatherError(
                f"{path}: line {line_no[i]}: month/day/hour = {int(df['month'][i])}/{int(df['day'][i])}/"
                f"{int(df['hour'][i])}, expected {cal['month'][i]}/{cal['day'][i]}/{cal['hour'][i]} "
                "(an EPW must hold every hour of 1 Jan - 31 Dec in order)")


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of True in ``mask``."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(s), int(e - s)) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def _check_and_fill(df: pd.DataFrame, line_no: np.ndarray, path: Path) -> None:
    """Range-check the checked fields in place; fill short gaps of missing values."""
    problems = []
    for col, chk in CHECKED_FIELDS.items():
        v = df[col].to_numpy(dtype=float).copy()
        missing = np.isnan(v) | (v >= chk.missing_at)
        out = ~missing & ((v < chk.min) | (v > chk.max))
        problems += _listed(out, line_no, np.char.mod("%g", v), col,
                            f"is outside {chk.min:g}..{chk.max:g} {chk.unit}")
        if not missing.any():
            continue
        runs = _runs(missing)
        longest = max(runs, key=lambda r: r[1])
        if longest[1] > MAX_FILLED_GAP_H or missing.sum() > MAX_FILLED_PER_FIELD_H:
            problems.append(
                f"line {line_no[longest[0]]}: {col}: {int(missing.sum())} missing values (blank or >= "
                f"{chk.missing_at:g}), longest gap {longest[1]} h; only gaps up to {MAX_FILLED_GAP_H} h "
                f"and {MAX_FILLED_PER_FIELD_H} h per year are filled")
            continue
        idx = np.arange(len(v))
        v[missing] = np.interp(idx[missing], idx[~missing], v[~missing])
        df[col] = v
        log.warning("%s: %s: filled %d missing values by linear interpolation (first at line %d)",
                    path, col, int(missing.sum()), line_no[runs[0][0]])
    _raise(path, problems)
    high = np.flatnonzero(df["dni_wh_m2"].to_numpy() > SOFT_MAX_DNI_W_M2)
    if high.size:
        log.warning("%s: %d hours with DNI above %g W/m2 (physically implausible; kept), first at line %d",
                    path, high.size, SOFT_MAX_DNI_W_M2, line_no[high[0]])
