"""Meter data in: monthly or billing-period heat and electricity from CSV or Excel.

A meter file is a table with one row per month or per billing period:

============================== ==================================================
column (English / 中文)         meaning
============================== ==================================================
``month`` / 月份 (月, 年月)      1-12, or ``YYYY-MM`` (an Excel date cell also works)
``start``, ``end`` /            first and last day of a billing period (``YYYY-MM-DD``),
开始日期, 结束日期                instead of ``month``
``heat_kwh``, ``heat_gj``,       heat; the unit is part of the name: ``_kwh``,
``heat (GJ)`` / 供热量(GJ)        ``_mwh``, ``_gj`` or in brackets: (kWh) (MWh) (GJ) (吉焦)
``electricity_kwh`` /            electricity in kWh or MWh (度 and 千瓦时 are kWh)
用电量(kWh)
``mean_temp_c`` / 月平均气温(℃)    optional: the month's mean outdoor temperature [C];
                                 it morphs the built-in year into the metered year's
                                 weather (monthly rows only)
============================== ==================================================

At least one of heat and electricity is needed. Other columns (notes, 备注)
are ignored with a warning. CSV files may be UTF-8 (with or without BOM) or
GBK (what Chinese Excel writes); Excel files are read from their first sheet.

Every problem of a file is collected and raised at once in one
:class:`~simulator.exceptions.ValidationError` naming the row (as the
spreadsheet numbers it: the header is row 1) and the column; nothing is
half-loaded.

Billing periods
---------------
Both dates belong to the period, unless every period starts on the day the
previous one ends: then the dates are meter-reading dates and the end day
belongs to the next period. Periods must neither overlap nor leave gaps. Each
period's energy is spread over its days (*day-weighting*); heat is spread over
the heating-season days of the period only, when the building's heating season
is given (no heat is metered outside it). A month is kept when every one of its
days is covered (for heat: every heating-season day); the partly covered
months at the ends are dropped with a warning.

Weather
-------
The calibration compares with one weather year. With a typical year (the
built-in Tianjin year) a month is a calendar month, so a calendar month may
appear once only (two Januaries are a duplicate). With an EPW of a real year
(``weather_year``), every month must fall inside that year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibration import messages as msg
from simulator.exceptions import ValidationError

KWH_PER_GJ = 1e9 / 3.6e6  # 277.78 kWh per GJ (1 kWh = 3.6 MJ)
UNITS_KWH = {"kwh": 1.0, "mwh": 1000.0, "gj": KWH_PER_GJ, "吉焦": KWH_PER_GJ, "千瓦时": 1.0, "度": 1.0,
             "兆瓦时": 1000.0}
HEAT_METERS = ("building", "substation")
MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 400

_ROLES = {
    "month": ("month", "year_month", "月份", "月", "年月"),
    "start": ("start", "start_date", "period_start", "from", "开始日期", "起始日期", "开始", "起始"),
    "end": ("end", "end_date", "period_end", "to", "结束日期", "截止日期", "结束", "截止"),
    "heat": ("heat", "heat_energy", "heating", "供热量", "热量", "用热量", "耗热量"),
    "electricity": ("electricity", "electricity_use", "electric", "用电量", "电量", "耗电量"),
    "temperature": ("mean_temp", "temperature", "outdoor_temperature", "mean_temperature", "月平均气温", "平均气温",
                    "室外平均温度", "气温"),
}
TEMPERATURE_UNITS = (None, "c", "°c", "℃", "degc", "deg_c")
TEMPERATURE_RANGE_C = (-40.0, 45.0)  # plausible monthly means anywhere people meter heat
_ENERGY = ("heat", "electricity")


@dataclass(frozen=True)
class MeterData:
    """Monthly meter readings on the calendar of one weather year.

    Attributes
    ----------
    source
        File name (for messages and provenance).
    sha256
        SHA-256 of the file's bytes.
    heat_kwh, electricity_kwh
        Per calendar month (index 0 = January) [kWh]; ``NaN`` = no reading.
    labels
        Per calendar month, the month as read (``"2023-11"``, ``"11"``) or ``""``.
    kind
        ``"monthly"`` or ``"billing"``.
    heat_meter
        ``"building"`` (heat entering the building) or ``"substation"`` (heat
        leaving the substation, network losses included).
    floor_area_m2
        Floor area the meters serve [m2] (``None``: the building's).
    warnings
        Things done that the user should know (ignored columns, dropped partial months).
    """

    source: str
    sha256: str
    heat_kwh: np.ndarray
    electricity_kwh: np.ndarray
    labels: tuple[str, ...]
    kind: str
    heat_meter: str = "building"
    floor_area_m2: float | None = None
    warnings: tuple[str, ...] = field(default=())
    mean_temp_c: np.ndarray | None = None

    @property
    def has_temperatures(self) -> bool:
        return self.mean_temp_c is not None and bool(np.isfinite(self.mean_temp_c).any())

    @property
    def has_heat(self) -> bool:
        return bool(np.isfinite(self.heat_kwh).any())

    @property
    def has_electricity(self) -> bool:
        return bool(np.isfinite(self.electricity_kwh).any())

    def to_frame(self) -> pd.DataFrame:
        """One row per calendar month with its readings [kWh]."""
        return pd.DataFrame({"month": range(1, 13), "label": self.labels, "heat_kwh": self.heat_kwh,
                             "electricity_kwh": self.electricity_kwh})


# --------------------------------------------------------------------------- headers


def _norm(text: str) -> str:
    t = str(text).strip().replace("（", "(").replace("）", ")").replace("【", "[").replace("】", "]")
    return re.sub(r"\s+", " ", t)


def parse_header(header: str) -> tuple[str | None, str | None, str]:
    """(role, unit, base) of a column header; role ``None`` = not a meter column.

    ``unit`` is the lower-case unit text found (``"gj"``, ``"kwh"``, ``"btu"``...)
    or ``None`` when the header carries none.
    """
    h = _norm(header)
    unit = None
    m = re.match(r"^(?P<base>.+?)\s*[(\[]\s*(?P<unit>[^)\]]*)\s*[)\]]$", h)
    if m:
        base, unit = m["base"], m["unit"].strip().lower()
    else:
        base = h
        m = re.match(r"^(?P<base>[a-z_ ]+?)[_ ](?P<unit>[a-z0-9]+)$", h.lower())
        if m and m["base"].replace(" ", "_") in _ROLES["heat"] + _ROLES["electricity"] + _ROLES["temperature"]:
            base, unit = m["base"], m["unit"]
    key = base.strip().lower().replace(" ", "_")
    for role, names in _ROLES.items():
        if key in names:
            return role, unit, base
    return None, unit, base


# --------------------------------------------------------------------------- reading the table


def _read_table(data: bytes, name: str) -> pd.DataFrame:
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object, engine="openpyxl")
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a corrupt file
            raise ValidationError([msg.NOT_EXCEL.format(error=exc)], name) from None
    if suffix not in (".csv", ".txt", ""):
        raise ValidationError([msg.UNSUPPORTED_TYPE.format(suffix=repr(suffix))], name)
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError([msg.NOT_TEXT], name)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValidationError([msg.NOT_CSV.format(error=exc)], name) from None


def _cell_text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def _number(v) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float) and not (isinstance(v, float) and math.isnan(v)):
        return float(v)
    text = _cell_text(v).replace(",", "").replace(" ", "")
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _month(v) -> tuple[int | None, int] | None:
    """(year or None, month) of a month cell, or None if unreadable."""
    if isinstance(v, dt.datetime | dt.date | pd.Timestamp):
        return v.year, v.month
    if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() and 1 <= v <= 12:
        return None, int(v)
    text = _cell_text(v)
    m = re.fullmatch(r"(\d{1,2})(?:\.0)?\s*月?", text)
    if m and 1 <= int(m[1]) <= 12:
        return None, int(m[1])
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]\d{1,2}(?: 00:00:00)?)?", text)
    if m and 1 <= int(m[2]) <= 12:
        return int(m[1]), int(m[2])
    return None


def _date(v) -> dt.date | None:
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    text = _cell_text(v)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?: 00:00:00)?", text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass
class _Columns:
    month: str | None = None
    start: str | None = None
    end: str | None = None
    heat: str | None = None
    electricity: str | None = None
    temperature: str | None = None
    factor: dict[str, float] = field(default_factory=dict)


def _columns(df: pd.DataFrame, problems: list[str], warnings: list[str]) -> _Columns:
    cols = _Columns()
    for col in df.columns:
        role, unit, _ = parse_header(col)
        if role is None:
            warnings.append(msg.IGNORED_COLUMN.format(column=repr(col)))
            continue
        if getattr(cols, role) is not None:
            problems.append(msg.SECOND_COLUMN.format(column=repr(col), role=role, first=repr(getattr(cols, role))))
            continue
        if role == "temperature" and unit not in TEMPERATURE_UNITS:
            problems.append(msg.TEMPERATURE_UNIT.format(column=repr(col), unit=repr(unit)))
            continue
        if role in _ENERGY:
            if unit is None:
                hint = "heat_gj / heat_kwh / 供热量(GJ)" if role == "heat" else "electricity_kwh / 用电量(kWh)"
                problems.append(msg.NO_UNIT.format(column=repr(col), hint=hint))
                continue
            factor = UNITS_KWH.get(unit)
            if factor is None or (role == "electricity" and unit in ("gj", "吉焦")):
                allowed = "kWh, MWh, GJ" if role == "heat" else "kWh, MWh"
                problems.append(msg.UNKNOWN_UNIT.format(column=repr(col), unit=repr(unit), allowed=allowed))
                continue
            cols.factor[role] = factor
        setattr(cols, role, col)
    if cols.heat is None and cols.electricity is None and not any("column" in p for p in problems):
        problems.append(msg.NO_ENERGY_COLUMN)
    if cols.month is not None and (cols.start is not None or cols.end is not None):
        problems.append(msg.MONTHS_AND_PERIODS)
    elif cols.month is None and (cols.start is None) != (cols.end is None):
        problems.append(msg.PERIOD_COLUMNS)
    elif cols.month is None and cols.start is None:
        problems.append(msg.NO_MONTH_COLUMN)
    return cols


def _energies(df: pd.DataFrame, cols: _Columns, problems: list[str]) -> dict[str, np.ndarray]:
    out = {}
    for role in _ENERGY:
        col = getattr(cols, role)
        if col is None:
            continue
        vals = np.full(len(df), np.nan)
        for i, v in enumerate(df[col].tolist()):
            row = i + 2
            x = _number(v)
            if _cell_text(v) == "":
                problems.append(msg.EMPTY_CELL.format(row=row, column=repr(col)))
            elif x is None:
                problems.append(msg.NOT_A_NUMBER.format(row=row, column=repr(col), value=repr(_cell_text(v))))
            elif x < 0:
                problems.append(msg.NEGATIVE.format(row=row, column=repr(col), value=f"{x:g}"))
            else:
                vals[i] = x * cols.factor[role]
        out[role] = vals
    return out


def _temperatures(df: pd.DataFrame, cols: _Columns, problems: list[str]) -> np.ndarray | None:
    """Monthly mean outdoor temperatures of the rows [C] (NaN where empty), or None without the column."""
    col = cols.temperature
    if col is None:
        return None
    lo, hi = TEMPERATURE_RANGE_C
    vals = np.full(len(df), np.nan)
    for i, v in enumerate(df[col].tolist()):
        if _cell_text(v) == "":
            continue
        x = _number(v)
        if x is None:
            problems.append(msg.NOT_A_NUMBER.format(row=i + 2, column=repr(col), value=repr(_cell_text(v))))
        elif not lo <= x <= hi:
            problems.append(msg.IMPLAUSIBLE_TEMPERATURE.format(row=i + 2, column=repr(col), value=f"{x:g}", low=f"{lo:g}",
                                                                high=f"{hi:g}"))
        else:
            vals[i] = x
    return vals


# --------------------------------------------------------------------------- monthly files


def _monthly(df, cols, energies, weather_year, problems) -> tuple[dict, list[str]]:
    col = cols.month
    months: list[tuple[int | None, int] | None] = []
    for i, v in enumerate(df[col].tolist()):
        m = _month(v)
        if m is None:
            problems.append(msg.NOT_A_MONTH.format(row=i + 2, column=repr(col), value=repr(_cell_text(v))))
        months.append(m)
    ok = [m for m in months if m is not None]
    if ok and len({m[0] is None for m in ok}) > 1:
        problems.append(msg.MIXED_MONTHS.format(column=repr(col)))
        return {}, []
    seen: dict = {}
    for i, m in enumerate(months):
        if m is None:
            continue
        key = m if m[0] is not None else m[1]
        cal = m[1]
        if key in seen:
            problems.append(msg.DUPLICATE_MONTH.format(row=i + 2, column=repr(col), month=_label(m), first=seen[key] + 2))
        elif cal in {(k[1] if isinstance(k, tuple) else k) for k in seen}:
            first = next(r for k, r in seen.items() if (k[1] if isinstance(k, tuple) else k) == cal)
            problems.append(msg.REPEATED_CALENDAR_MONTH.format(row=i + 2, column=repr(col), month=_label(m), cal=cal,
                                                              first=first + 2))
        else:
            seen[key] = i
        if weather_year is not None and m[0] is not None and m[0] != weather_year:
            problems.append(msg.MONTH_OUTSIDE_YEAR.format(row=i + 2, column=repr(col), month=_label(m), year=weather_year))
    keys = list(seen)
    if keys and isinstance(keys[0], tuple):
        ords = sorted(k[0] * 12 + k[1] - 1 for k in keys)
        missing = [o for o in range(ords[0], ords[-1] + 1) if o not in ords]
        if missing:
            problems.append(msg.MISSING_MONTHS.format(column=repr(col), months=", ".join(f"{o // 12}-{o % 12 + 1:02d}"
                                                                                       for o in missing)))
    elif keys:
        missing = _cyclic_gaps(sorted(keys))
        if missing:
            problems.append(msg.MISSING_MONTHS_IN_RUN.format(column=repr(col), months=", ".join(str(m) for m in missing)))
    by_month = {}
    for i, m in enumerate(months):
        if m is not None and seen.get(m if m[0] is not None else m[1]) == i:
            by_month[m[1]] = (i, _label(m))
    return by_month, []


def _cyclic_gaps(months: list[int]) -> list[int]:
    """Months missing inside a cyclic run of calendar months (the largest gap is the unmetered season)."""
    present = set(months)
    absent = [m for m in range(1, 13) if m not in present]
    if not absent:
        return []
    # group absent months into cyclic runs; the longest run is the season without readings
    runs, run = [], []
    for m in range(1, 25):
        mm = (m - 1) % 12 + 1
        if mm in present:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(mm)
    runs = [r for r in runs if len(r) < 12]
    uniq = {tuple(sorted(set(r))) for r in runs}
    if len(uniq) <= 1:
        return []
    longest = max(uniq, key=len)
    return sorted(m for r in uniq if r != longest for m in r)


def _label(m: tuple[int | None, int]) -> str:
    return f"{m[0]}-{m[1]:02d}" if m[0] is not None else str(m[1])


# --------------------------------------------------------------------------- billing periods


def _billing(df, cols, weather_year, problems) -> list[tuple[int, dt.date, dt.date]]:
    periods = []
    for i, (a, b) in enumerate(zip(df[cols.start].tolist(), df[cols.end].tolist(), strict=True)):
        row = i + 2
        start, end = _date(a), _date(b)
        if start is None:
            problems.append(msg.NOT_A_DATE.format(row=row, column=repr(cols.start), value=repr(_cell_text(a))))
        if end is None:
            problems.append(msg.NOT_A_DATE.format(row=row, column=repr(cols.end), value=repr(_cell_text(b))))
        if start is None or end is None:
            continue
        if end < start:
            problems.append(msg.END_BEFORE_START.format(row=row, end=end, start=start))
            continue
        if weather_year is not None and (start.year != weather_year or end.year != weather_year):
            problems.append(msg.PERIOD_OUTSIDE_YEAR.format(row=row, start=start, end=end, year=weather_year))
        periods.append((i, start, end))
    return sorted(periods, key=lambda p: p[1])


def _reading_dates(periods) -> bool:
    """True when every period starts on the day the previous one ends (meter-reading dates)."""
    return len(periods) > 1 and all(b[1] == a[2] for a, b in zip(periods, periods[1:], strict=False))


def _check_periods(periods, reading: bool, problems: list[str]) -> list[tuple[int, dt.date, dt.date]]:
    """Overlaps and gaps; returns periods as inclusive day ranges."""
    out = [(i, s, e - dt.timedelta(days=1) if reading and k < len(periods) - 1 else e)
           for k, (i, s, e) in enumerate(periods)]
    if reading:  # the last period: its end is a reading date as well
        i, s, e = out[-1]
        out[-1] = (i, s, max(s, e - dt.timedelta(days=1)))
    for (i, s1, e1), (j, s2, e2) in zip(out, out[1:], strict=False):
        if s2 <= e1:
            problems.append(msg.OVERLAP.format(row=i + 2, row2=j + 2, start1=s1, end1=e1, start2=s2, end2=e2))
        elif (s2 - e1).days > 1:
            problems.append(msg.GAP.format(row=i + 2, row2=j + 2, start=e1 + dt.timedelta(days=1),
                                           end=s2 - dt.timedelta(days=1)))
    return out


def _doy(d: dt.date) -> int:
    """Day of a non-leap year (Feb 29 counts as Feb 28)."""
    day = min(d.day, 28) if d.month == 2 else d.day
    return dt.date(2001, d.month, day).timetuple().tm_yday


def billing_to_monthly(periods, values: np.ndarray, heating_days: set[int] | None = None
                       ) -> tuple[dict[tuple[int, int], float], set[tuple[int, int]]]:
    """Spread each period's energy over its days and sum per month (day-weighting).

    Parameters
    ----------
    periods
        ``(row, start, end)`` with inclusive dates, sorted, not overlapping.
    values
        Energy of each period [kWh], in the order of ``periods``.
    heating_days
        Days of a non-leap year (1-365) with heating: heat is spread over these
        days of the period only; ``None``: all days (electricity).

    Returns
    -------
    monthly, complete
        ``(year, month) -> kWh`` and the months whose every day (every heating
        day, for heat) is covered.
    """
    def weight(d: dt.date) -> float:
        return 1.0 if heating_days is None or _doy(d) in heating_days else 0.0

    monthly: dict[tuple[int, int], float] = {}
    covered: dict[tuple[int, int], int] = {}
    covered_weighted: dict[tuple[int, int], int] = {}
    for (_, s, e), v in zip(periods, values, strict=True):
        days = [s + dt.timedelta(days=k) for k in range((e - s).days + 1)]
        w = np.array([weight(d) for d in days])
        if w.sum() == 0:
            w = np.ones(len(days))
        for d, wd in zip(days, w / w.sum(), strict=True):
            key = (d.year, d.month)
            monthly[key] = monthly.get(key, 0.0) + float(v) * wd
            covered[key] = covered.get(key, 0) + 1
            covered_weighted[key] = covered_weighted.get(key, 0) + (weight(d) > 0)
    complete = set()
    for (y, m), n in covered.items():
        days = calendar.monthrange(y, m)[1]
        weighted = sum(weight(dt.date(y, m, d)) > 0 for d in range(1, days + 1))
        if n >= days or (heating_days is not None and weighted > 0 and covered_weighted[(y, m)] >= weighted):
            complete.add((y, m))
    return monthly, complete


# --------------------------------------------------------------------------- entry point


def read_meter(data: bytes | str | Path, name: str | None = None, *, heat_meter: str = "building",
               floor_area_m2: float | None = None, weather_year: int | None = None,
               heating_days: set[int] | None = None) -> MeterData:
    """Read and check a meter file; every problem is reported at once.

    Parameters
    ----------
    data
        The file's bytes, or its path.
    name
        File name (decides CSV or Excel by its suffix; default: the path's name).
    heat_meter
        Where the heat is metered: ``"building"`` or ``"substation"``.
    floor_area_m2
        Floor area the meters serve [m2], or ``None`` (the building's).
    weather_year
        Calendar year of the weather (an EPW of a real year); ``None`` for a typical year.
    heating_days
        Heating-season days of a non-leap year, to day-weight heat in billing periods.

    Raises
    ------
    ValidationError
        Listing every problem with its row and column.
    """
    if isinstance(data, str | Path):
        p = Path(data)
        name = name or p.name
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise ValidationError([msg.CANNOT_READ.format(error=exc.strerror)], str(p)) from None
    name = name or "meter file"
    problems: list[str] = []
    if heat_meter not in HEAT_METERS:
        problems.append(msg.HEAT_METER_LOCATION.format(value=repr(heat_meter), allowed=", ".join(HEAT_METERS)))
    if floor_area_m2 is not None and (not isinstance(floor_area_m2, int | float) or not math.isfinite(floor_area_m2)
                                      or floor_area_m2 <= 0):
        problems.append(msg.FLOOR_AREA.format(value=repr(floor_area_m2)))
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError([msg.FILE_TOO_LARGE.format(size=len(data), limit=MAX_FILE_BYTES)], name)
    df = _read_table(data, name)
    df = df.loc[~df.apply(lambda r: all(_cell_text(v) == "" for v in r), axis=1)]  # blank lines
    if df.empty:
        raise ValidationError(problems + [msg.NO_DATA_ROWS], name)
    if len(df) > MAX_ROWS:
        raise ValidationError(problems + [msg.TOO_MANY_ROWS.format(n=len(df), limit=MAX_ROWS)], name)
    df = df.reset_index(drop=True)
    warnings: list[str] = []
    cols = _columns(df, problems, warnings)
    if problems and (cols.heat is None and cols.electricity is None or
                     cols.month is None and (cols.start is None or cols.end is None)):
        raise ValidationError(problems, name)
    energies = _energies(df, cols, problems)
    heat = np.full(12, np.nan)
    elec = np.full(12, np.nan)
    labels = [""] * 12
    temps_rows = _temperatures(df, cols, problems)
    temps = None if temps_rows is None else np.full(12, np.nan)
    if temps_rows is not None and cols.month is None:
        problems.append(msg.TEMPERATURES_NEED_MONTHS.format(column=repr(cols.temperature)))
    if cols.month is not None:
        by_month, _ = _monthly(df, cols, energies, weather_year, problems)
        kind = "monthly"
        for m, (i, label) in by_month.items():
            labels[m - 1] = label
            if temps is not None:
                temps[m - 1] = temps_rows[i]
            if "heat" in energies:
                heat[m - 1] = energies["heat"][i]
            if "electricity" in energies:
                elec[m - 1] = energies["electricity"][i]
    else:
        kind = "billing"
        periods = _billing(df, cols, weather_year, problems)
        reading = _reading_dates(periods)
        if periods:
            periods = _check_periods(periods, reading, problems)
        if not problems:
            for role, target in (("heat", heat), ("electricity", elec)):
                if role not in energies:
                    continue
                vals = [energies[role][i] for i, _, _ in periods]
                monthly, complete = billing_to_monthly(periods, vals, heating_days if role == "heat" else None)
                dropped = sorted(set(monthly) - complete)
                if dropped:
                    warnings.append(msg.PARTLY_COVERED.format(
                        meter=role, months=", ".join(f"{y}-{m:02d}" for y, m in dropped)))
                for (y, m) in sorted(complete):
                    if labels[m - 1] and labels[m - 1] != f"{y}-{m:02d}":
                        problems.append(msg.BILLING_REPEATS.format(month=f"{y}-{m:02d}", cal=m, other=labels[m - 1]))
                        continue
                    labels[m - 1] = f"{y}-{m:02d}"
                    target[m - 1] = monthly[(y, m)]
            if not (np.isfinite(heat).any() or np.isfinite(elec).any()):
                problems.append(msg.NO_MONTH_COVERED)
    if problems:
        raise ValidationError(problems, name)
    return MeterData(source=name, sha256=hashlib.sha256(data).hexdigest(), heat_kwh=heat, electricity_kwh=elec,
                     labels=tuple(labels), kind=kind, heat_meter=heat_meter,
                     floor_area_m2=None if floor_area_m2 is None else float(floor_area_m2),
                     warnings=tuple(warnings), mean_temp_c=temps)
