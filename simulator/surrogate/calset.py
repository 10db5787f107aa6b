"""The calibration set of the surrogate's intervals: retrofit packages of every archetype, run in EnergyPlus.

Split conformal prediction (Vovk et al. 2005, "Algorithmic learning in a random
world"; Lei et al. 2018, JASA 113:1094) calibrates an interval on data the model
never saw, drawn as the predictions will be asked. The training design is a
Sobol sample over a family's whole feature space; a user's question is a
retrofit package on an archetype: the archetype's geometry and use stay, some
features move. The surrogate's error near one archetype is largely shared by
every package of it, which cross-validation over the Sobol points cannot see
(with the cross-validation calibration, the built-in year's office cooling
intervals held 43 % of 30 fresh packages, the school's 20 %).

This set is drawn the way ``retrofit surrogate check`` draws (random packages
of the catalogue's measures on the archetype, :func:`check_buildings`) with
seeds of its own (the checks use 301-305 and the held-out benchmark 1; the
plan file says which), plus each archetype's as-is building. It is never
trained on. Weathers (``simulator/data/surrogate/calibration_set.toml``): the
built-in year (the ``seen`` quantile of every training weather) and generator
years that are not training weathers (the ``anchored`` and ``unseen``
quantiles: a year the model never saw, anchored on the family base's run on it,
as :mod:`simulator.surrogate.anchor` does in use).

Files: ``simulator/data/surrogate/calibration/<archetype>@<weather stem>.csv``,
one row per run with the family's features, the targets, the package label and
the run's provenance (weather id and EPW hash, engine version); and on each
weather ``anchors-<family>@<weather stem>.csv``, the family's anchor runs
there (:func:`simulator.surrogate.anchor.anchor_buildings`: the base and its
measure anchors): on the generator years the ``anchored`` quantile scores the
correction used in practice, and on the built-in year they are the measure
anchors' reference (:func:`simulator.surrogate.anchor.anchor_reference`). Generation is resumable (a complete file is skipped) and writes each
file atomically.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulator.exceptions import ValidationError
from simulator.sourced_data import read_toml
from simulator.surrogate import dataset as ds
from simulator.surrogate.space import Family, family_of_archetype, features_of, get_family

log = logging.getLogger(__name__)

PLAN_FILE = "data/surrogate/calibration_set.toml"
#: Columns of a calibration file besides the family's features and the targets.
META_COLUMNS = ("archetype", "package", "row", "weather_id", "weather_sha256", "engine_version")


@dataclass(frozen=True)
class CalibrationWeather:
    """One weather of the calibration set: its id, the packages' seed and their number per archetype."""

    id: str
    seed: int
    n: int
    why: str


def plan(path: str | os.PathLike | None = None) -> tuple[CalibrationWeather, ...]:
    """The calibration weathers of the plan file (default: the committed one), in order."""
    from simulator.sourced_data import parse_toml
    from simulator.surrogate.weathers import canonical_id

    if path is None:
        raw = read_toml("simulator", PLAN_FILE)
    else:
        try:
            raw = parse_toml(Path(path).read_bytes(), str(path))
        except OSError as exc:
            raise ValidationError([f"cannot read the calibration plan: {exc.strerror}"], str(path)) from None
    origin = str(path or PLAN_FILE)
    out = []
    for i, w in enumerate(raw.get("weather", [])):
        try:
            cw = CalibrationWeather(canonical_id(str(w["id"])), int(w["seed"]), int(w["n"]), str(w.get("why", "")))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError([f"weather[{i}]: needs id, seed and n ({exc})"], origin) from None
        if not 1 <= cw.n <= 1000 or cw.seed < 0:
            raise ValidationError([f"weather[{i}]: n must be 1-1000 and seed >= 0, got n={cw.n}, seed={cw.seed}"], origin)
        out.append(cw)
    return tuple(out)


def calibration_dir(directory: str | os.PathLike | None = None) -> Path:
    """Folder of the calibration files (``calibration`` inside the dataset folder)."""
    return Path(directory or ds.data_dir()) / "calibration"


def file_path(archetype: str, weather_id: str, directory: str | os.PathLike | None = None) -> Path:
    from simulator.surrogate.weathers import parse_weather_id

    return calibration_dir(directory) / f"{archetype}@{parse_weather_id(weather_id).stem}.csv"


def anchor_file_path(family: str | Family, weather_id: str, directory: str | os.PathLike | None = None) -> Path:
    """The file of a family's anchor runs on a calibration weather."""
    from simulator.surrogate.weathers import parse_weather_id

    return calibration_dir(directory) / f"anchors-{get_family(family).name}@{parse_weather_id(weather_id).stem}.csv"


def _all_archetypes() -> list[str]:
    from simulator.surrogate.space import families

    return [a for f in families().values() for a in f.archetypes]


def run_file(archetype: str, w: CalibrationWeather, *, cache=None, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """EnergyPlus runs of ``archetype``'s as-is building and ``w.n`` random packages on ``w`` (failed runs left out)."""
    from simulator.surrogate.sampling import check_buildings

    base, variants = check_buildings(archetype, w.n, w.seed)
    runs = [("", base)] + [(label, b) for b, label in variants]
    return _run_rows(family_of_archetype(archetype), archetype, runs, w, cache, workers, progress)


def run_anchor_file(family: str | Family, w: CalibrationWeather, *, cache=None, workers: int | None = None,
                    progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """EnergyPlus runs of a family's anchor buildings on ``w`` (row 0 the base; failed runs left out)."""
    from simulator.surrogate.anchor import anchor_buildings

    fam = get_family(family)
    return _run_rows(fam, fam.base_archetype, anchor_buildings(fam), w, cache, workers, progress)


def _run_rows(fam: Family, archetype: str, runs: list, w: CalibrationWeather, cache, workers, progress) -> pd.DataFrame:
    """One calibration-file row per EnergyPlus run of ``runs`` (``(package label, building)``, row = position)."""
    from simulator.batch import Case, run_batch
    from simulator.energyplus import engine_version
    from simulator.surrogate.weathers import epw_path

    epw = epw_path(w.id)
    results = run_batch([Case(b, str(epw)) for _, b in runs], cache=cache, workers=workers, progress=progress)
    sha, engine = ds.file_sha256(epw), engine_version()
    rows = []
    for i, ((label, b), r) in enumerate(zip(runs, results, strict=True)):
        if not r.ok:
            log.warning("calibration run %s on %s failed: %s", b.name, w.id, r.error)
            continue
        rows.append({"archetype": archetype, "package": label, "row": i, **features_of(b, fam),
                     **ds.targets_of(r.loads), "weather_id": w.id, "weather_sha256": sha, "engine_version": engine})
    return pd.DataFrame(rows)


def _write(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    df.to_csv(tmp, index=False, float_format="%.6g")
    os.replace(tmp, path)


def generate(directory: str | os.PathLike | None = None, *, archetypes: list[str] | None = None, cache=None,
             workers: int | None = None, progress: Callable[[int, int], None] | None = None,
             plan_file: str | os.PathLike | None = None) -> list[Path]:
    """Write every missing calibration file of the plan (resumable: complete files are kept); returns those written.

    Besides each archetype's file per weather, each family of the archetypes gets its anchor runs
    on every weather (:func:`anchor_file_path`; on the built-in year they are the reference of the
    measure anchors, :func:`simulator.surrogate.anchor.anchor_reference`).
    """
    from simulator.surrogate.anchor import anchor_buildings

    names = archetypes or _all_archetypes()
    weathers = plan(plan_file)
    fams = list(dict.fromkeys(family_of_archetype(a).name for a in names))
    todo = [("archetype", a, w) for w in weathers for a in names if not _complete(file_path(a, w.id, directory), w)]
    labels = {f: [label for label, _ in anchor_buildings(f)] for f in fams}
    todo += [("anchors", f, w) for w in weathers for f in fams
             if not _complete_anchors(anchor_file_path(f, w.id, directory), labels[f])]
    written = []
    for k, (what, name, w) in enumerate(todo):
        if what == "archetype":
            log.info("calibration set %d/%d: %s on %s (%d packages)", k + 1, len(todo), name, w.id, w.n)
            df, path = run_file(name, w, cache=cache, workers=workers), file_path(name, w.id, directory)
        else:
            log.info("calibration set %d/%d: the anchor runs of %s on %s", k + 1, len(todo), name, w.id)
            df, path = run_anchor_file(name, w, cache=cache, workers=workers), anchor_file_path(name, w.id, directory)
        _write(df, path)
        written.append(path)
        if progress:
            progress(k + 1, len(todo))
    return written


def _read(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError):
        return None


def _complete(path: Path, w: CalibrationWeather) -> bool:
    """Whether a calibration file exists, reads, and reaches row ``w.n``."""
    df = _read(path)
    return df is not None and len(df) > 0 and "row" in df.columns and int(df["row"].max()) >= w.n


def _complete_anchors(path: Path, labels: list[str]) -> bool:
    """Whether an anchor file holds exactly the anchor runs ``labels`` (base first), none failed.

    A file with a failed run, or written for another list of measure anchors, is run again
    (its runs come from the run cache where they were made before).
    """
    df = _read(path)
    if df is None or not {"row", "package"} <= set(df.columns):
        return False
    return df["row"].tolist() == list(range(len(labels))) and df["package"].fillna("").astype(str).tolist() == labels


def files_hash(family: str | Family, directory: str | os.PathLike | None = None) -> str:
    """SHA-256 naming the family's calibration files on the plan's weathers ("" if there is none)."""
    import hashlib

    fam = get_family(family)
    h, n = hashlib.sha256(), 0
    for w in plan():
        for name, path in [(a, file_path(a, w.id, directory)) for a in fam.archetypes] + \
                [(f"anchors-{fam.name}", anchor_file_path(fam, w.id, directory))]:
            if path.is_file():
                h.update(f"{name}@{w.id}\0{ds.file_sha256(path)}\n".encode())
                n += 1
    return h.hexdigest() if n else ""


def load(family: str | Family, directory: str | os.PathLike | None = None, anchors: bool = False) -> pd.DataFrame:
    """Every calibration row of a family's archetypes on the plan's weathers (empty if none was generated).

    ``anchors``: the family's anchor runs instead (:func:`anchor_file_path`; row 0 of each weather is
    the base). Rows whose file is missing, unreadable or lacks a family feature are left out with a
    logged warning.
    """
    fam = get_family(family)
    parts = []
    for w in plan():
        paths = [anchor_file_path(fam, w.id, directory)] if anchors else \
            [file_path(a, w.id, directory) for a in fam.archetypes]
        for path in paths:
            if not path.is_file():
                continue
            try:
                df = pd.read_csv(path)
            except (OSError, ValueError, pd.errors.ParserError) as exc:
                log.warning("%s: unreadable calibration file (%s); left out", path, exc)
                continue
            missing = [c for c in (*fam.feature_names, *META_COLUMNS) if c not in df.columns]
            if missing:
                log.warning("%s: lacks %s; left out", path, missing[:3])
                continue
            df["weather_id"] = w.id
            parts.append(df)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
