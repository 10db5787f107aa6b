"""Training datasets: EnergyPlus runs over each family's design, committed as CSV.

One CSV per family in ``simulator/data/surrogate/<family>.csv`` with its
provenance in ``<family>.provenance.json`` (EnergyPlus version, weather id and
hash, archetype and library file hashes, sampler and seed, dates, run time).

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
    kept to check the surrogate's exact schedule computation).
``energyplus_s``
    Wall time of the EnergyPlus run [s] (0 when read from the run cache).

:func:`sample` generates or extends a dataset: it asks for points
``0 .. n-1`` of the sequence, skips those already in the file, runs the rest
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

from simulator.exceptions import ValidationError
from simulator.loads import Loads
from simulator.surrogate.sampling import BLOCK, DEFAULT_SEED, design
from simulator.surrogate.space import Family, building_from_features, features_of, get_family

log = logging.getLogger(__name__)

WEATHER_NAME = "tianjin"
MONTHS = tuple(range(1, 13))
HEATING_MONTHLY = tuple(f"heating_kwh_m2_m{m:02d}" for m in MONTHS)
COOLING_MONTHLY = tuple(f"cooling_kwh_m2_m{m:02d}" for m in MONTHS)
ANNUAL = ("heating_kwh_m2", "cooling_kwh_m2")
PEAKS = ("peak_heating_w_m2", "peak_cooling_w_m2")
EXTRA = ("window_solar_kwh_m2", "lighting_kwh_m2", "equipment_kwh_m2")
TARGETS = (*ANNUAL, *HEATING_MONTHLY, *COOLING_MONTHLY, *PEAKS, *EXTRA)
FLOAT_FORMAT = "%.6g"
CHUNK = 32

Progress = Callable[[int, int], None]


def data_dir() -> Path:
    """Folder of the committed datasets (``simulator/data/surrogate``)."""
    return Path(__file__).resolve().parent.parent / "data" / "surrogate"


def dataset_path(family: str | Family, directory: str | os.PathLike | None = None) -> Path:
    return Path(directory or data_dir()) / f"{get_family(family).name}.csv"


def provenance_path(family: str | Family, directory: str | os.PathLike | None = None) -> Path:
    return Path(directory or data_dir()) / f"{get_family(family).name}.provenance.json"


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
    return out


def load_dataset(family: str | Family, directory: str | os.PathLike | None = None) -> pd.DataFrame:
    """The dataset of a family (index ``point_id``).

    Raises
    ------
    ValidationError
        If the file is missing or lacks a feature or target column.
    """
    fam = get_family(family)
    path = dataset_path(fam, directory)
    if not path.is_file():
        raise ValidationError([f"no dataset for family {fam.name}: run `retrofit surrogate sample "
                               f"--family {fam.name} --n 300` first"], str(path))
    df = pd.read_csv(path, index_col="point_id")
    missing = [c for c in (*fam.feature_names, *TARGETS) if c not in df.columns]
    if missing:
        raise ValidationError([f"missing column {c}" for c in missing], str(path))
    return df


def file_sha256(path: str | os.PathLike) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_hash(family: str | Family, directory: str | os.PathLike | None = None) -> str:
    """SHA-256 of the dataset file (names the data a model was trained on)."""
    return file_sha256(dataset_path(family, directory))


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
               cpu_s: float, failed: list[int]) -> dict:
    """The provenance record of a dataset after a sampling session."""
    import scipy

    import weather
    from simulator.energyplus import EnergyPlusEngine
    from simulator.runner import energyplus_version

    prev = previous or {}
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    epw = weather.epw_path(WEATHER_NAME)
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
        "engine_version": EnergyPlusEngine().version,
        "weather": {"name": WEATHER_NAME, "id": weather.load(WEATHER_NAME).id,
                    "epw_sha256": file_sha256(epw)},
        "source_files_sha256": _source_files(fam),
        "created": prev.get("created", now),
        "updated": now,
        "energyplus_run_s_total": round(float(prev.get("energyplus_run_s_total", 0.0)) + cpu_s, 1),
        "sampling_wall_s_total": round(float(prev.get("sampling_wall_s_total", 0.0)) + added_s, 1),
        "notes": list(prev.get("notes", [])),
        "data_sha256": None,  # filled in after the CSV is written
    }


def read_provenance(family: str | Family, directory: str | os.PathLike | None = None) -> dict | None:
    p = provenance_path(family, directory)
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else None


def _write(fam: Family, df: pd.DataFrame, prov: dict, directory) -> None:
    path = dataset_path(fam, directory)
    df = df.sort_index()
    _write_atomic(path, df.to_csv(float_format=FLOAT_FORMAT, lineterminator="\n"))
    prov["data_sha256"] = file_sha256(path)
    _write_atomic(provenance_path(fam, directory), json.dumps(prov, indent=2) + "\n")


def sample(family: str | Family, n: int, *, directory: str | os.PathLike | None = None,
           cache=None, workers: int | None = None, scheduler=None, progress: Progress | None = None,
           seed: int | None = None, chunk: int = CHUNK, retry_failed: bool = False,
           base: str | None = None) -> pd.DataFrame:
    """Generate or extend a family's dataset to the first ``n`` points of a design block.

    Parameters
    ----------
    family
        Family name.
    n
        Wanted number of design points in the block (points already in the file
        are kept and not run again; a smaller ``n`` than the file holds changes nothing).
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
        Points per batch; the file is rewritten after each.
    retry_failed
        Run again the points whose EnergyPlus run failed in an earlier session
        (listed in the provenance as ``failed_point_ids``; skipped by default).
    base
        Design base (block) to sample (default: the family's base archetype);
        see :attr:`~simulator.surrogate.space.Family.bases`.

    Returns
    -------
    DataFrame
        The whole dataset after sampling.

    Raises
    ------
    ValidationError
        If the existing file was made over another feature space or seed.
    """
    import weather
    from simulator.batch import Case, run_batch

    fam = get_family(family)
    if n < 1:
        raise ValidationError([f"--n must be at least 1, got {n}"])
    base = base or fam.bases[0]
    if base not in fam.bases:
        raise ValidationError([f"{base!r} is not a design base of {fam.name}; bases: {', '.join(fam.bases)}"])
    block = fam.bases.index(base)
    prev = read_provenance(fam, directory)
    path = dataset_path(fam, directory)
    if path.is_file() and prev is not None:
        if prev.get("space_hash") != fam.space_hash():
            raise ValidationError([f"{path} was sampled over another feature space "
                                   f"({prev.get('space_hash')} != {fam.space_hash()}); move it away to start "
                                   "a new dataset"], str(path))
        file_seed = int(prev["sampler"]["seed"])
        if seed is not None and seed != file_seed:
            raise ValidationError([f"seed {seed} differs from the dataset's seed {file_seed}"], str(path))
        seed = file_seed
        df = pd.read_csv(path, index_col="point_id")
    else:
        df = pd.DataFrame(columns=[*fam.feature_names, *TARGETS, "energyplus_s"],
                          index=pd.Index([], name="point_id", dtype=int))
    seed = DEFAULT_SEED if seed is None else seed
    skip = set() if retry_failed else set((prev or {}).get("failed_point_ids", []))
    first = block * BLOCK
    todo = [i for i in range(first, first + n) if i not in df.index and i not in skip]
    total = len(todo)
    done = 0
    failed: list[int] = []
    if progress is not None:
        progress(0, total)
    epw = str(weather.epw_path(WEATHER_NAME))
    t_start = time.perf_counter()
    for k in range(0, total, chunk):
        ids = todo[k:k + chunk]
        pts = design(fam, min(ids) - first, max(ids) - min(ids) + 1, seed, block).loc[ids]
        buildings = [building_from_features(fam, row.to_dict(), name=f"{fam.name}-p{pid}", base=base)
                     for pid, row in pts.iterrows()]
        cases = [Case(b, epw) for b in buildings]
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
                log.warning("point %d of %s failed: %s", pid, fam.name, (res.error or "").splitlines()[:1])
                continue
            row = features_of(b, fam) | targets_of(res.loads)
            row["energyplus_s"] = 0.0 if res.cached else round(res.elapsed_s, 2)
            cpu_s += row["energyplus_s"]
            rows[pid] = row
        done += len(ids)
        new = pd.DataFrame.from_dict(rows, orient="index")
        new.index.name = "point_id"
        df = pd.concat([df, new]) if len(df) else new
        wall = time.perf_counter() - t0
        still_failed = [p for p in {*(prev or {}).get("failed_point_ids", []), *failed} if p not in df.index]
        prov = provenance(fam, df, seed, prev, wall, cpu_s, still_failed)
        _write(fam, df, prov, directory)
        prev = prov
        log.info("%s: %d/%d points, %.0f s", fam.name, done, total, time.perf_counter() - t_start)
    return df.sort_index()
