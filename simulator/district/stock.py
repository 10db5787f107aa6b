"""The district building stock: segments as data, sampled into individually parameterised buildings.

A *segment* is floor area of one building type x construction period x
envelope state x heating source, with a public-institution flag (ResStock's
spirit: the stock as a table of characteristics with their shares). The
built-in Hongqiao stock (``simulator/district/data/hongqiao_stock.toml``)
gives every floor area with its source; a user stock is a CSV or Excel file
with the columns of :data:`COLUMNS` (``envelope_state`` optional, default
"original"), validated by :func:`read_stock` with every problem in one message.

:func:`sample_buildings` draws individually parameterised buildings (storeys,
length, depth, orientation, window shares, envelope U-values and air
tightness, indoor temperature, lighting and plug power as the occupancy
proxy) from the ranges of ``data/classes.toml``, reproducibly from a seed. Each
building carries ``weight_m2``, the floor area it stands for; the weights of a
segment add up to its floor area, so the district total is exact whatever the
sample size.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.exceptions import ValidationError
from simulator.sourced_data import parse_toml, read_toml

log = logging.getLogger(__name__)

COLUMNS = ("building_type", "period", "envelope_state", "heating_source", "public_institution", "floor_area_m2")
REQUIRED = ("building_type", "period", "heating_source", "public_institution", "floor_area_m2")
ENVELOPE_STATES = ("original", "retrofitted")
HEATING_SOURCES = ("district_heat", "gas_boiler", "ashp", "electric_storage")
DEFAULT_STOCK = "hongqiao_stock.toml"
MAX_ROWS = 10_000
MAX_FILE_BYTES = 20_000_000
#: Largest number of buildings :func:`sample_buildings` draws (memory: about 1 kB per building).
MAX_BUILDINGS = 1_000_000


@dataclass(frozen=True)
class Stock:
    """A district stock: segments and where they came from.

    Attributes
    ----------
    name
        Stock name.
    segments
        One row per segment with :data:`COLUMNS` (and ``source`` for the built-in file).
    origin
        File it was read from.
    """

    name: str
    segments: pd.DataFrame
    origin: str

    @property
    def floor_area_m2(self) -> float:
        """District floor area [m2]."""
        return float(self.segments["floor_area_m2"].sum())


def classes() -> dict:
    """The class table (``data/classes.toml``): archetype and parameter ranges per type x period.

    Parsed once (:func:`simulator.sourced_data.read_toml`); never mutate.
    """
    return read_toml("simulator.district", "data/classes.toml")


def class_spec(building_type: str, period: str) -> dict:
    """The class of a building type and period (or new-construction standard).

    Raises
    ------
    ValidationError
        Unknown combination (lists the valid ones).
    """
    table = classes()["class"]
    if building_type not in table or period not in table[building_type]:
        raise ValidationError([f"no class for building_type {building_type!r} and period {period!r}; "
                               f"valid: {', '.join(valid_classes())}"], source="classes.toml")
    return table[building_type][period]


def valid_classes() -> list[str]:
    """``building_type/period`` pairs the sampler knows."""
    return [f"{t}/{p}" for t, periods in classes()["class"].items() for p in periods]


def load_stock(path: str | os.PathLike | None = None) -> Stock:
    """The built-in Hongqiao stock (``path=None``) or a user's CSV, Excel or TOML file.

    Raises
    ------
    ValidationError
        Every problem of the file at once, naming the row and column.
    """
    if path is None:
        return _from_toml(read_toml("simulator.district", f"data/{DEFAULT_STOCK}"),
                          f"simulator/district/data/{DEFAULT_STOCK}")
    return read_stock(path)


def _from_toml(raw: dict, origin: str) -> Stock:
    problems: list[str] = []
    rows = []
    segs = raw.get("segment")
    if not isinstance(segs, list) or not segs:
        raise ValidationError(["no [[segment]] entries"], source=origin)
    for i, seg in enumerate(segs, start=1):
        row = dict(seg)
        fa = row.get("floor_area_m2")
        if isinstance(fa, dict):
            if "source" not in fa:
                problems.append(f"segment {i}: floor_area_m2 has no source")
            row["source"] = fa.get("source", "")
            row["floor_area_m2"] = fa.get("value")
        rows.append(row)
    frame = pd.DataFrame(rows)
    segments = validate_segments(frame, origin, problems)
    return Stock(str(raw.get("name", Path(origin).stem)), segments, origin)


def read_stock(path: str | os.PathLike) -> Stock:
    """Read and validate a user stock file (CSV, Excel ``.xlsx``, or TOML like the built-in one).

    Raises
    ------
    ValidationError
        A missing or unreadable file, or every problem of its rows at once.
    """
    p = Path(path)
    origin = p.name
    if not p.is_file():
        raise ValidationError([f"stock file {str(p)!r} not found"], source="stock")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ValidationError([f"file is {p.stat().st_size} bytes; at most {MAX_FILE_BYTES}"], source=origin)
    suffix = p.suffix.lower()
    try:
        if suffix == ".toml":
            return _from_toml(parse_toml(p.read_bytes(), origin), origin)
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(p, dtype=object)
        elif suffix in (".csv", ".txt"):
            frame = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)
        else:
            raise ValidationError([f"unknown file type {suffix!r}; use .csv, .xlsx or .toml"], source=origin)
    except ValidationError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, ImportError) as exc:
        raise ValidationError([f"cannot read the file: {type(exc).__name__}: {str(exc)[:200]}"],
                              source=origin) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return Stock(p.stem, validate_segments(frame, origin, []), origin)


def _as_bool(v) -> bool | None:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | float) and not (isinstance(v, float) and math.isnan(v)):
        return bool(v) if v in (0, 1) else None
    text = str(v).strip().lower()
    if text in ("true", "yes", "1", "y", "public", "是"):
        return True
    if text in ("false", "no", "0", "n", "", "否"):
        return False
    return None


def _as_float(v) -> float | None:
    try:
        x = float(str(v).strip().replace(",", "")) if not isinstance(v, int | float) else float(v)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def validate_segments(frame: pd.DataFrame, origin: str, problems: list[str] | None = None) -> pd.DataFrame:
    """Check a segment table; return it with clean types.

    Every problem is collected (missing columns, unknown building types,
    periods, envelope states and heat sources, flags that are not yes/no,
    floor areas that are not positive numbers) and raised together.

    Raises
    ------
    ValidationError
        Listing every problem with its row (1 = first data row) and column.
    """
    problems = list(problems or [])
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}; the columns are {', '.join(COLUMNS)}")
        raise ValidationError(problems, source=origin)
    unknown_cols = [c for c in frame.columns if c not in (*COLUMNS, "source", "name", "note")]
    if unknown_cols:
        problems.append(f"unknown column(s) {', '.join(map(repr, unknown_cols))}; the columns are {', '.join(COLUMNS)}")
    if len(frame) == 0:
        problems.append("no rows")
    if len(frame) > MAX_ROWS:
        problems.append(f"{len(frame)} rows; at most {MAX_ROWS}")
        raise ValidationError(problems, source=origin)
    table = classes()["class"]
    out = []
    for i, row in enumerate(frame.to_dict("records"), start=1):
        btype = str(row.get("building_type", "")).strip()
        period = str(row.get("period", "")).strip()
        state_raw = row.get("envelope_state", "original")
        state = "original" if state_raw is None or (isinstance(state_raw, float) and math.isnan(state_raw)) \
            or str(state_raw).strip() == "" else str(state_raw).strip()
        source = str(row.get("heating_source", "")).strip()
        public = _as_bool(row.get("public_institution"))
        area = _as_float(row.get("floor_area_m2"))
        where = f"row {i}"
        if btype not in table:
            problems.append(f"{where}: building_type {btype[:40]!r} unknown; valid: {', '.join(table)}")
        elif period not in table[btype]:
            problems.append(f"{where}: period {period[:40]!r} unknown for {btype}; valid: {', '.join(table[btype])}")
        if state not in ENVELOPE_STATES:
            problems.append(f"{where}: envelope_state {state[:40]!r} unknown; valid: {', '.join(ENVELOPE_STATES)}")
        if source not in HEATING_SOURCES:
            problems.append(f"{where}: heating_source {source[:40]!r} unknown; valid: {', '.join(HEATING_SOURCES)}")
        if public is None:
            problems.append(f"{where}: public_institution {str(row.get('public_institution'))[:40]!r} "
                            "must be yes/no (true/false, 1/0)")
        if area is None or area <= 0:
            problems.append(f"{where}: floor_area_m2 {str(row.get('floor_area_m2'))[:40]!r} must be a number > 0 [m2]")
        elif area > 1e9:
            problems.append(f"{where}: floor_area_m2 {area:g} is more than 1e9 m2")
        out.append({"building_type": btype, "period": period, "envelope_state": state, "heating_source": source,
                    "public_institution": bool(public), "floor_area_m2": area,
                    "source": str(row.get("source", "user file"))})
    if problems:
        raise ValidationError(problems, source=origin)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- sampling


def _range(spec: dict, name: str) -> tuple[float, float] | None:
    entry = spec.get(name)
    if isinstance(entry, dict) and "low" in entry:
        return float(entry["low"]), float(entry["high"])
    return None


@cache
def _base_features(archetype: str) -> tuple[str, dict]:
    import archetypes
    from simulator.surrogate.space import family_of, features_of

    b = archetypes.load(archetype)
    fam = family_of(b)
    return fam.name, features_of(b, fam)


@cache
def archetype_systems(archetype: str) -> dict:
    """The systems of an archetype as plain values (cooling system, emitter, flow temperature)."""
    import archetypes

    s = archetypes.load(archetype).systems
    return {"cooling_system": s.cooling_system, "heat_emitter": s.heat_emitter,
            "supply_temperature_c": float(s.supply_temperature_c), "split_ac_inverter": bool(s.split_ac_inverter)}


def draw_features(building_type: str, period: str, n: int, rng: np.random.Generator) -> tuple[str, str, pd.DataFrame]:
    """``n`` buildings of a class: (family, archetype, feature table).

    Each feature with a range in the class or the family defaults is drawn
    uniformly (storeys as integers); the rest keep the archetype's value.
    Draws are clipped to the family's training range. Derived features (the
    walls' thermal-bridge U) are read from each drawn building.
    """
    from simulator.surrogate.space import get_family

    spec = class_spec(building_type, period)
    archetype = spec["archetype"]
    family, base = _base_features(archetype)
    fam = get_family(family)
    defaults = classes()["family_defaults"].get(family, {})
    cols = {}
    for f in fam.features:
        rng_spec = _range(spec, f.name) or _range(defaults, f.name)
        if rng_spec is None:
            cols[f.name] = np.full(n, float(base[f.name]))
            continue
        lo, hi = max(rng_spec[0], f.low), min(rng_spec[1], f.high)
        if f.integer:
            cols[f.name] = rng.integers(int(math.ceil(lo)), int(math.floor(hi)) + 1, size=n).astype(float)
        else:
            cols[f.name] = rng.uniform(lo, hi, size=n)
    X = pd.DataFrame(cols)
    derived = [f.name for f in fam.features if f.derived]
    if derived and n:  # read from each drawn building (the thermal bridges follow its geometry)
        from simulator.surrogate.space import building_from_features, features_of

        rows = [features_of(building_from_features(fam, r, strict=False), fam) for r in X.to_dict("records")]
        for name in derived:
            X[name] = [r[name] for r in rows]
    return family, archetype, X


def segment_counts(areas: np.ndarray, n: int, min_per_segment: int = 2) -> np.ndarray:
    """Buildings per segment: proportional to floor area, at least ``min_per_segment`` each."""
    areas = np.asarray(areas, dtype=float)
    share = areas / areas.sum()
    return np.maximum(np.round(share * n).astype(int), min_per_segment)


def sample_buildings(stock: Stock, n: int = 2000, seed: int = 2020, min_per_segment: int = 2) -> pd.DataFrame:
    """Individually parameterised buildings of a stock (reproducible from ``seed``).

    Parameters
    ----------
    stock
        The stock.
    n
        About how many buildings (each segment gets its floor-area share, at least ``min_per_segment``).
    seed
        Random seed.

    Returns
    -------
    DataFrame
        One row per building: the segment's characteristics, ``family``,
        ``archetype``, the surrogate features (NaN where a family lacks one),
        ``floor_area_m2`` and ``footprint_m2`` of the building itself, and
        ``weight_m2`` (floor area of the district it stands for; per segment
        they add up to the segment's floor area).
    """
    if not isinstance(n, int | np.integer) or n < 1 or n > MAX_BUILDINGS:
        raise ValidationError([f"n = {n!r}: number of buildings must be an integer in [1, {MAX_BUILDINGS}]"],
                              source="sample_buildings")
    rng = np.random.default_rng(seed)
    segs = stock.segments.reset_index(drop=True)
    counts = segment_counts(segs["floor_area_m2"].to_numpy(), int(n), min_per_segment)
    state_pkg = classes()["envelope_state"]["retrofitted"]["package"]
    frames = []
    for k, (seg, count) in enumerate(zip(segs.to_dict("records"), counts, strict=True)):
        family, archetype, feats = draw_features(seg["building_type"], seg["period"], int(count), rng)
        if seg["envelope_state"] == "retrofitted":
            from simulator.district.packages import apply_effect, package_effect

            feats = apply_effect(feats, package_effect(archetype, state_pkg))
        frame = feats.assign(
            segment=k, building_type=seg["building_type"], period=seg["period"],
            envelope_state=seg["envelope_state"], heating_source=seg["heating_source"],
            public_institution=bool(seg["public_institution"]), family=family, archetype=archetype,
            new_construction=False, heat_metering=False,
            **archetype_systems(archetype))
        frame["footprint_m2"] = frame["length_m"] * frame["depth_m"]
        frame["floor_area_m2"] = frame["footprint_m2"] * frame["storeys"]
        frame["weight_m2"] = seg["floor_area_m2"] / count
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "building_id", np.arange(len(out)))
    return out
