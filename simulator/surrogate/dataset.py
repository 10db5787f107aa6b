"""Training datasets: EnergyPlus runs over each family's design, committed as CSV.

One CSV per family and training weather with its provenance beside it
(EnergyPlus version, weather id and hash, archetype and library file hashes,
sampler and seed, dates, run time): ``simulator/data/surrogate/<family>.csv``
for the built-in Tianjin year, ``<family>@<weather stem>.csv`` for the other
training weathers (:mod:`simulator.surrogate.weathers`: future morphs and
synthetic variations; the plan is ``training_weathers.toml``).

Columns
-------
``point_id``
    ``block * 1_000_000 + i``: point ``i`` of the Sobol sequence of design block
    ``block`` (one block per design base of the family, the base archetype first).
features
    One column per feature (:mod:`simulator.surrogate.space`), read back from
    the simulated building; names carry units.
targets (per m2 of conditioned floor area)
    ``heating_kwh_m2``, ``cooling_kwh_m2`` (annual ideal loads [kWh/m2]);
    ``heating_kwh_m2_m01`` .. ``m12`` and ``cooling_kwh_m2_m01`` .. ``m12``
    (monthly [kWh/m2]); ``peak_heating_w_m2``, ``peak_cooling_w_m2`` (largest
    hourly mean [W/m2]); ``window_solar_kwh_m2`` (solar transmitted by the
    windows [kWh/m2]); ``lighting_kwh_m2``, ``equipment_kwh_m2`` (electricity,
    kept to check the surrogate's exact schedule computation);
    ``design_heating_w_m2``, ``design_cooling_w_m2`` (EnergyPlus zone-sizing
    design loads on the weather's own design days, :mod:`simulator.design_days`
    [W/m2]; empty in rows made before they were recorded).
``energyplus_s``
    Wall time of the EnergyPlus run [s] (0 when read from the run cache).
per-run provenance
    ``weather_id`` (training weather id, e.g. ``tianjin``,
    ``tianjin:ssp245:2050``, ``synthetic:dt=+1.5:...``), ``weather_sha256``
    (SHA-256 of the EPW bytes EnergyPlus read) and ``engine_version``
    (EnergyPlus build, IDF-writer and results-reader versions: the run
    cache's key, :func:`simulator.energyplus.engine_version`). A file written
    before these columns existed is read as the built-in year with the
    weather hash and engine version of its provenance file.

:func:`sample` generates or extends a dataset: it asks for points
``0 .. n-1`` of the sequence, skips those already in the file from the same
weather bytes and engine version (a row of another weather hash or engine
version is stale: it is run again and replaced), runs the rest
through :func:`simulator.batch.run_batch` (run cache, process pool or Dask) in
chunks and rewrites the file atomically after each chunk, so an interruption
loses at most one chunk, and that chunk's finished runs come back from the
run cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from simulator.exceptions import RetrofitError, ValidationError
from simulator.loads import Loads
from simulator.surrogate.sampling import BLOCK, DEFAULT_SEED, design, design_buildings
from simulator.surrogate.space import Family, features_of, get_family

log = logging.getLogger(__name__)

WEATHER_NAME = "tianjin"
MONTHS = tuple(range(1, 13))
HEATING_MONTHLY = tuple(f"heating_kwh_m2_m{m:02d}" for m in MONTHS)
COOLING_MONTHLY = tuple(f"cooling_kwh_m2_m{m:02d}" for m in MONTHS)
ANNUAL = ("heating_kwh_m2", "cooling_kwh_m2")
PEAKS = ("peak_heating_w_m2", "peak_cooling_w_m2")
EXTRA = ("window_solar_kwh_m2", "lighting_kwh_m2", "equipment_kwh_m2")
DESIGN = ("design_heating_w_m2", "design_cooling_w_m2")
#: Targets every dataset file has (files made before the design loads were recorded lack :data:`DESIGN`).
REQUIRED_TARGETS = (*ANNUAL, *HEATING_MONTHLY, *COOLING_MONTHLY, *PEAKS, *EXTRA)
TARGETS = (*REQUIRED_TARGETS, *DESIGN)
#: Per-run provenance columns.
RUN_COLUMNS = ("weather_id", "weather_sha256", "engine_version")
FLOAT_FORMAT = "%.6g"
CHUNK = 16

Progress = Callable[[int, int], None]


def data_dir() -> Path:
    """Folder of the committed datasets (``simulator/data/surrogate``)."""
    return Path(__file__).resolve().parent.parent / "data" / "surrogate"


def file_stem(family: str | Family, weather: str | None = None) -> str:
    """``<family>`` for the built-in year, else ``<family>@<weather stem>``."""
    from simulator.surrogate.weathers import parse_weather_id

    spec = parse_weather_id(weather or WEATHER_NAME)
    name = get_family(family).name
    return name if spec.is_built_in else f"{name}@{spec.stem}"


def dataset_path(family: str | Family, directory: str | os.PathLike | None = None,
                 weather: str | None = None) -> Path:
    """The CSV of a family on a training weather (default: the built-in year)."""
    return Path(directory or data_dir()) / f"{file_stem(family, weather)}.csv"


def provenance_path(family: str | Family, directory: str | os.PathLike | None = None,
                    weather: str | None = None) -> Path:
    return Path(directory or data_dir()) / f"{file_stem(family, weather)}.provenance.json"


def weather_files(family: str | Family, directory: str | os.PathLike | None = None) -> dict[str, Path]:
    """Every dataset file of a family: ``{weather id: path}``, the built-in year first when present."""
    from simulator.surrogate.weathers import canonical_id

    fam = get_family(family)
    folder = Path(directory or data_dir())
    out: dict[str, Path] = {}
    if dataset_path(fam, folder).is_file():
        out[WEATHER_NAME] = dataset_path(fam, folder)
    for p in sorted(folder.glob(f"{fam.name}@*.provenance.json")):
        try:
            wid = canonical_id(json.loads(p.read_text(encoding="utf-8"))["weather"]["name"])
        except (OSError, ValueError, KeyError, TypeError, RetrofitError) as exc:
            log.warning("%s: not a dataset provenance file (%s); its data are not used", p, exc)
            continue
        csv = dataset_path(fam, folder, wid)
        if csv.is_file():
            out[wid] = csv
    return out


def targets_of(loads: Loads) -> dict[str, float]:
    """The dataset targets of one EnergyPlus result (per m2 of floor area)."""
    a = loads.floor_area_m2
    out = {"heating_kwh_m2": loads.heating_kwh / a, "cooling_kwh_m2": loads.cooling_kwh / a}
    for name, values in (("heating", loads.monthly_heating_kwh), ("cooling", loads.monthly_cooling_kwh)):
        for m, v in zip(MONTHS, values, strict=True):
            out[f"{name}_kwh_m2_m{m:02d}"] = float(v) / a
    out["peak_heating_w_m2"] = loads.peak_heating_w / a
    out["peak_cooling_w_m2"] = loads.peak_cooling_w / a
    out["window_solar_kwh_m2"] = loads.window_solar_kwh / a
    out["lighting_kwh_m2"] = loads.lighting_kwh / a
    out["equipment_kwh_m2"] = loads.equipment_kwh / a
    for name in ("heating", "cooling"):
        w = getattr(loads, f"design_{name}_w")
        out[f"design_{name}_w_m2"] = float("nan") if w is None else w / a
    return out


def load_dataset(family: str | Family, directory: str | os.PathLike | None = None,
                 weather: str | None = None) -> pd.DataFrame:
    """The dataset of a family on one training weather (index ``point_id``; default the built-in year).

    Columns missing from a file written before they existed are filled: the
    design loads with NaN, ``weather_id`` with the file's weather, and
    ``weather_sha256`` / ``engine_version`` from its provenance file (empty
    when unknown).

    Raises
    ------
    ValidationError
        If the file is missing or lacks a feature or target column.
    """
    fam = get_family(family)
    path = dataset_path(fam, directory, weather)
    if not path.is_file():
        flag = "" if weather in (None, WEATHER_NAME) else f" --weather '{weather}'"
        raise ValidationError([f"no dataset for family {fam.name}: run `retrofit surrogate sample "
                               f"--family {fam.name} --n 300{flag}` first"], str(path))
    df = pd.read_csv(path, index_col="point_id", dtype={c: str for c in RUN_COLUMNS})
    missing = [c for c in (*fam.feature_names, *REQUIRED_TARGETS) if c not in df.columns]
    if missing:
        raise ValidationError([f"missing column {c}" for c in missing], str(path))
    return _fill_run_columns(df, read_provenance(fam, directory, weather) or {}, weather)


def _fill_run_columns(df: pd.DataFrame, prov: dict, weather: str | None) -> pd.DataFrame:
    """Add the columns a file written before they existed lacks (see :func:`load_dataset`)."""
    from simulator.surrogate.weathers import canonical_id

    df = df.copy()
    for c in DESIGN:
        if c not in df.columns:
            df[c] = float("nan")
    fill = {"weather_id": canonical_id(weather or WEATHER_NAME),
            "weather_sha256": (prov.get("weather") or {}).get("epw_sha256") or "",
            "engine_version": prov.get("engine_version") or ""}
    for c, v in fill.items():
        if c not in df.columns:
            df[c] = v
        else:
            df[c] = df[c].fillna(v)
    return df


def load_all(family: str | Family, directory: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every training weather's rows of a family in one frame (columns as :func:`load_dataset`).

    The index is ``point_id``; the same point appears once per weather (tell
    them apart by ``weather_id``).

    Raises
    ------
    ValidationError
        If the family has no dataset file, or a file lacks a column.
    """
    fam = get_family(family)
    files = weather_files(fam, directory)
    if not files:
        raise ValidationError([f"no dataset for family {fam.name}: run `retrofit surrogate sample "
                               f"--family {fam.name} --n 300` first"], str(dataset_path(fam, directory)))
    return pd.concat([load_dataset(fam, directory, wid) for wid in files])


def file_sha256(path: str | os.PathLike) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_hash(family: str | Family, directory: str | os.PathLike | None = None, weather: str | None = None) -> str:
    """SHA-256 of a dataset file (names the data a model was trained on)."""
    return file_sha256(dataset_path(family, directory, weather))


def data_hash_all(family: str | Family, directory: str | os.PathLike | None = None) -> str:
    """SHA-256 naming every dataset file of a family (the built-in file's own hash when it is the only one)."""
    files = weather_files(family, directory)
    if list(files) == [WEATHER_NAME]:
        return file_sha256(files[WEATHER_NAME])
    h = hashlib.sha256()
    for wid, path in sorted(files.items()):
        h.update(f"{wid}\0{file_sha256(path)}\n".encode())
    return h.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _source_files(fam: Family) -> dict[str, str]:
    """SHA-256 of every data file that decides the training buildings."""
    import archetypes
    from buildings import measures, model

    files: dict[str, str] = {}
    names = [fam.base_archetype, *fam.archetypes]
    seen = set()
    while names:
        name = names.pop()
        if name in seen:
            continue
        seen.add(name)
        p = archetypes.path(name)
        files[f"archetypes/data/{p.name}"] = file_sha256(p)
        base = archetypes.raw(name).get("meta", {}).get("base")
        if base:
            names.append(base)
    lib = Path(model.__file__).parent / "data"
    for fname in ("materials.toml", "measures.toml", "surface_resistances.toml"):
        files[f"buildings/data/{fname}"] = file_sha256(lib / fname)
    del measures
    return dict(sorted(files.items()))


def provenance(fam: Family, df: pd.DataFrame, seed: int, previous: dict | None, added_s: float,
               cpu_s: float, failed: list[int], weather_id: str = WEATHER_NAME) -> dict:
    """The provenance record of a dataset after a sampling session."""
    import scipy

    from simulator.energyplus import EnergyPlusEngine
    from simulator.runner import energyplus_version
    from simulator.surrogate.weathers import epw_path, load_weather

    prev = previous or {}
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    epw = epw_path(weather_id)
    engine = EnergyPlusEngine().version
    return {
        "family": fam.name,
        "base_archetype": fam.base_archetype,
        "space_hash": fam.space_hash(),
        "features": [{"name": f.name, "unit": f.unit, "low": f.low, "high": f.high,
                      "scale": "derived" if f.derived else ("integer" if f.integer else ("log" if f.log else "linear"))}
                     for f in fam.features],
        "targets": list(TARGETS),
        "n": int(len(df)),
        "design_bases": {b: int(((df.index >= i * BLOCK) & (df.index < (i + 1) * BLOCK)).sum())
                         for i, b in enumerate(fam.bases)},
        "failed_point_ids": sorted(set(failed)),
        "sampler": {"method": "scipy.stats.qmc.Sobol", "scramble": True, "seed": seed,
                    "scipy": scipy.__version__},
        "energyplus_version": energyplus_version(),
        "engine_version": engine,
        "weather": {"name": weather_id, "id": load_weather(weather_id).id, "epw_sha256": file_sha256(epw)},
        "stale_rows": int(((df["engine_version"] != engine) | (df["weather_sha256"] != file_sha256(epw))).sum()),
        "source_files_sha256": _source_files(fam),
        "created": prev.get("created", now),
        "updated": now,
        "energyplus_run_s_total": round(float(prev.get("energyplus_run_s_total", 0.0)) + cpu_s, 1),
        "sampling_wall_s_total": round(float(prev.get("sampling_wall_s_total", 0.0)) + added_s, 1),
        "notes": list(prev.get("notes", [])),
        "data_sha256": None,  # filled in after the CSV is written
    }


def read_provenance(family: str | Family, directory: str | os.PathLike | None = None,
                    weather: str | None = None) -> dict | None:
    p = provenance_path(family, directory, weather)
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else None


def _write(fam: Family, df: pd.DataFrame, prov: dict, directory, weather_id: str = WEATHER_NAME) -> None:
    path = dataset_path(fam, directory, weather_id)
    known = [*fam.feature_names, *TARGETS, "energyplus_s", *RUN_COLUMNS]
    df = df.sort_index()[[*known, *[c for c in df.columns if c not in known]]]
    _write_atomic(path, df.to_csv(float_format=FLOAT_FORMAT, lineterminator="\n"))
    prov["data_sha256"] = file_sha256(path)
    _write_atomic(provenance_path(fam, directory, weather_id), json.dumps(prov, indent=2) + "\n")


def sample(family: str | Family, n: int, *, directory: str | os.PathLike | None = None,
           cache=None, workers: int | None = None, scheduler=None, progress: Progress | None = None,
           seed: int | None = None, chunk: int = CHUNK, retry_failed: bool = False,
           base: str | None = None, weather: str | None = None,
           point_ids: list[int] | None = None) -> pd.DataFrame:
    """Generate or extend a family's dataset on one weather to the first ``n`` points of a design block.

    Parameters
    ----------
    family
        Family name.
    n
        Wanted number of design points in the block (points already in the file
        from the same weather bytes and engine version are kept and not run
        again; stale ones, of another weather hash or engine version, are run
        again and replaced; a smaller ``n`` than the file holds changes nothing).
    directory
        Dataset folder (default: the committed ``simulator/data/surrogate``).
    cache, workers, scheduler
        Passed to :func:`simulator.batch.run_batch` (run cache, pool size, Dask).
    progress
        ``progress(done, total)`` over the points still to run.
    seed
        Sobol seed; must match the existing file's (default: the file's, else
        :data:`~simulator.surrogate.sampling.DEFAULT_SEED`).
    chunk
        Points per batch; the file is rewritten (atomically) after each.
    retry_failed
        Run again the points whose EnergyPlus run failed in an earlier session
        (listed in the provenance as ``failed_point_ids``; skipped by default).
    base
        Design base (block) to sample (default: the family's base archetype);
        see :attr:`~simulator.surrogate.space.Family.bases`.
    weather
        Training weather id (:mod:`simulator.surrogate.weathers`; default the
        built-in year ``tianjin``). Each weather has its own file.
    point_ids
        Run these points of the block instead of ``0 .. n-1`` (active learning,
        :func:`simulator.surrogate.active.active_points`; ``n`` is then ignored).

    Returns
    -------
    DataFrame
        The whole dataset of the family on this weather after sampling.

    Raises
    ------
    ValidationError
        If the existing file was made over another feature space or seed.
    """
    from simulator.batch import Case, run_batch
    from simulator.energyplus import engine_version
    from simulator.surrogate.weathers import canonical_id, epw_path

    fam = get_family(family)
    weather_id = canonical_id(weather or WEATHER_NAME)
    if n < 1:
        raise ValidationError([f"--n must be at least 1, got {n}"])
    if chunk < 1:
        raise ValidationError([f"--chunk must be at least 1, got {chunk}"])
    base = base or fam.bases[0]
    if base not in fam.bases:
        raise ValidationError([f"{base!r} is not a design base of {fam.name}; bases: {', '.join(fam.bases)}"])
    block = fam.bases.index(base)
    prev = read_provenance(fam, directory, weather_id)
    path = dataset_path(fam, directory, weather_id)
    if path.is_file() and prev is not None:
        if prev.get("space_hash") != fam.space_hash():
            raise ValidationError([f"{path} was sampled over another feature space "
                                   f"({prev.get('space_hash')} != {fam.space_hash()}); move it away to start "
                                   "a new dataset"], str(path))
        file_seed = int(prev["sampler"]["seed"])
        if seed is not None and seed != file_seed:
            raise ValidationError([f"seed {seed} differs from the dataset's seed {file_seed}"], str(path))
        seed = file_seed
        df = load_dataset(fam, directory, weather_id)
    else:
        df = pd.DataFrame(columns=[*fam.feature_names, *TARGETS, "energyplus_s", *RUN_COLUMNS],
                          index=pd.Index([], name="point_id", dtype=int))
    seed = DEFAULT_SEED if seed is None else seed
    epw = epw_path(weather_id)
    epw_sha, engine = file_sha256(epw), engine_version()
    fresh = set(df.index[(df["engine_version"] == engine) & (df["weather_sha256"] == epw_sha)])
    skip = set() if retry_failed else set((prev or {}).get("failed_point_ids", []))
    first = block * BLOCK
    wanted = range(first, first + n) if point_ids is None else sorted(set(point_ids))
    if point_ids is not None and any(not first <= i < first + BLOCK for i in wanted):
        raise ValidationError([f"point ids must lie in block {block} ({first} .. {first + BLOCK - 1})"])
    todo = [i for i in wanted if i not in fresh and i not in skip]
    n_stale = sum(1 for i in todo if i in df.index)
    if n_stale:
        log.info("%s on %s: %d rows of another engine version or weather are run again", fam.name,
                 weather_id, n_stale)
    total = len(todo)
    done = 0
    failed: list[int] = []
    if progress is not None:
        progress(0, total)
    t_start = time.perf_counter()
    for k in range(0, total, chunk):
        chunk_ids = todo[k:k + chunk]
        pts = design(fam, min(chunk_ids) - first, max(chunk_ids) - min(chunk_ids) + 1, seed, block).loc[chunk_ids]
        built, left_out = design_buildings(fam, pts, base, name=True)
        failed += left_out
        ids, buildings = list(built), list(built.values())
        cases = [Case(b, str(epw)) for b in buildings]
        base_done = done

        def chunk_progress(d, _t, base=base_done):
            if progress is not None:
                progress(base + d, total)

        t0 = time.perf_counter()
        results = run_batch(cases, cache=cache, workers=workers, scheduler=scheduler, progress=chunk_progress)
        rows, cpu_s = {}, 0.0
        for pid, b, res in zip(ids, buildings, results, strict=True):
            if not res.ok:
                failed.append(pid)
                log.warning("point %d of %s on %s failed: %s", pid, fam.name, weather_id,
                            (res.error or "").splitlines()[:1])
                continue
            row = features_of(b, fam) | targets_of(res.loads)
            row["energyplus_s"] = 0.0 if res.cached else round(res.elapsed_s, 2)
            row.update(weather_id=weather_id, weather_sha256=epw_sha, engine_version=res.loads.engine or engine)
            cpu_s += row["energyplus_s"]
            rows[pid] = row
        done += len(chunk_ids)
        new = pd.DataFrame.from_dict(rows, orient="index")
        new.index.name = "point_id"
        if len(new):
            df = pd.concat([df.drop(index=[i for i in new.index if i in df.index]), new]) if len(df) else new
        wall = time.perf_counter() - t0
        still_failed = [p for p in {*(prev or {}).get("failed_point_ids", []), *failed} if p not in df.index]
        prov = provenance(fam, df, seed, prev, wall, cpu_s, still_failed, weather_id)
        _write(fam, df, prov, directory, weather_id)
        prev = prov
        log.info("%s on %s: %d/%d points, %.0f s", fam.name, weather_id, done, total, time.perf_counter() - t_start)
    return df.sort_index()
