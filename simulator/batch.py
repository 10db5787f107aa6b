"""Batch runs: many (building, weather) cases on a process pool or a Dask cluster.

Completed cases are read from the run cache and cost nothing; the rest run
in parallel (default: one worker per core). A failed case is recorded with
its error and the others still finish. Progress is reported through a
callback ``progress(done, total)``; the CLI draws it as a bar.

The same batch runs on a Dask distributed cluster when given a scheduler
address (or a ``distributed.Client``): each distinct weather file is sent to
the workers once, so they need no shared file system.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from buildings.model import Building
from simulator.cache import RunCache, case_key
from simulator.energyplus import EnergyPlusEngine
from simulator.exceptions import RetrofitError
from simulator.loads import Loads

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Case:
    """One simulation to run: a building on a weather file."""

    building: Building
    weather: str  # EPW path


@dataclass(frozen=True)
class CaseResult:
    """What became of one case."""

    index: int
    key: str
    loads: Loads | None
    error: str | None
    cached: bool
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return self.loads is not None


def weather_id_of(path: str | os.PathLike) -> str:
    """Content hash of an EPW file (the same id ``weather.read_epw(path).id`` gives)."""
    from weather.epw import content_hash

    try:
        return content_hash(Path(path).read_bytes())
    except OSError as exc:
        from simulator.exceptions import WeatherError

        raise WeatherError(f"{path}: weather file not found or unreadable ({exc.strerror})") from None


def _simulate_case(building: Building, epw: str, engine_options: dict) -> tuple[bytes | None, str | None, float]:
    """Worker: simulate one case; never raises (errors come back as text)."""
    t0 = time.perf_counter()
    try:
        loads = EnergyPlusEngine(**engine_options).simulate(building, epw)
        return loads.to_bytes(), None, time.perf_counter() - t0
    except RetrofitError as exc:
        return None, str(exc), time.perf_counter() - t0
    except Exception:  # noqa: BLE001 - a worker must report, not die
        return None, traceback.format_exc(limit=5), time.perf_counter() - t0


def _simulate_case_payload(building: Building, epw_payload: tuple[str, bytes], engine_options: dict):
    """Dask worker: write the weather (sent once per worker) to a local file, then simulate."""
    weather_id, data = epw_payload
    folder = Path(tempfile.gettempdir()) / "hongqiao-epw"
    folder.mkdir(exist_ok=True)
    path = folder / f"{weather_id}.epw"
    if not path.exists():
        tmp = folder / f".{weather_id}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return _simulate_case(building, str(path), engine_options)


def run_batch(
    cases: Sequence[Case],
    cache: RunCache | str | os.PathLike | None = None,
    workers: int | None = None,
    scheduler: str | object | None = None,
    progress: Progress | None = None,
    engine_options: dict | None = None,
    use_cache: bool = True,
) -> list[CaseResult]:
    """Run many cases; results come back in the order of ``cases``.

    Parameters
    ----------
    cases
        The (building, EPW path) pairs.
    cache
        A :class:`RunCache`, a path to its file, or None for the default file.
    workers
        Process-pool size (default: all cores). Ignored with ``scheduler``.
    scheduler
        A Dask scheduler address (``"tcp://host:8786"``) or a ``distributed.Client``:
        run on that cluster instead of the local pool.
    progress
        ``progress(done, total)``, called as cases finish (cache hits included).
    engine_options
        Keyword arguments of :class:`EnergyPlusEngine` (e.g. ``timeout_s``).
    use_cache
        False: run everything again (results are still stored).
    """
    engine_options = dict(engine_options or {})
    store = cache if isinstance(cache, RunCache) else RunCache(cache)
    engine_version = EnergyPlusEngine(**engine_options).version
    total = len(cases)
    weather_ids = {c.weather: weather_id_of(c.weather) for c in cases}
    keys = [case_key(c.building, weather_ids[c.weather], engine_version) for c in cases]
    results: dict[int, CaseResult] = {}
    done = 0

    def report():
        if progress is not None:
            progress(done, total)

    report()
    pending: list[int] = []
    first_of_key: dict[str, int] = {}
    for i, (case, key) in enumerate(zip(cases, keys, strict=True)):
        hit = store.get_loads(key) if use_cache else None
        if hit is not None:
            results[i] = CaseResult(i, key, _renamed(hit, case.building), None, True, 0.0)
            done += 1
        elif key in first_of_key:
            pass  # a duplicate of a pending case: filled in from the first one
        else:
            first_of_key[key] = i
            pending.append(i)
    report()

    def finish(i: int, blob: bytes | None, error: str | None, elapsed: float):
        nonlocal done
        case, key = cases[i], keys[i]
        if blob is not None:
            loads = Loads.from_bytes(blob)
            store.put(key, loads, elapsed)
            results[i] = CaseResult(i, key, loads, None, False, elapsed)
        else:
            log.warning("case %d (%s) failed: %s", i, case.building.name, (error or "").splitlines()[0:1])
            store.put_error(key, error or "unknown error", case.building.name, weather_ids[case.weather],
                            engine_version, elapsed)
            results[i] = CaseResult(i, key, None, error, False, elapsed)
        done += 1
        report()

    if pending:
        if scheduler is not None:
            _run_dask(cases, pending, scheduler, engine_options, weather_ids, finish)
        else:
            _run_pool(cases, pending, workers, engine_options, finish)

    # duplicates of cases run in this batch
    for i, key in enumerate(keys):
        if i not in results:
            first = results[first_of_key[key]]
            loads = _renamed(first.loads, cases[i].building) if first.loads is not None else None
            results[i] = CaseResult(i, key, loads, first.error, first.loads is not None, 0.0)
            done += 1
            report()
    return [results[i] for i in range(total)]


def _renamed(loads: Loads, building: Building) -> Loads:
    """A cached result carries the name of the building that asked for it."""
    if loads.building_name == building.name:
        return loads
    from dataclasses import replace

    return replace(loads, building_name=building.name)


def _run_pool(cases, pending, workers, engine_options, finish) -> None:
    n = max(1, min(workers or os.cpu_count() or 1, len(pending)))
    # fork is fastest and needs no __main__ guard, but is unsafe in a process
    # that runs threads (the Streamlit server, a Dask client): use forkserver there
    ctx = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
    with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
        futures = {
            pool.submit(_simulate_case, cases[i].building, str(cases[i].weather), engine_options): i
            for i in pending
        }
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                blob, error, elapsed = fut.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails its case only
                blob, error, elapsed = None, f"worker crashed: {exc!r}", 0.0
            finish(i, blob, error, elapsed)


def _run_dask(cases, pending, scheduler, engine_options, weather_ids, finish) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    own_client = not isinstance(scheduler, Client)
    client = Client(scheduler) if own_client else scheduler
    try:
        payloads = {}
        for path, wid in weather_ids.items():
            payloads[path] = client.scatter((wid, Path(path).read_bytes()), broadcast=True)
        futures = {}
        for i in pending:
            fut = client.submit(_simulate_case_payload, cases[i].building, payloads[cases[i].weather],
                                engine_options, pure=False)
            futures[fut] = i
        for fut in dask_completed(list(futures)):
            i = futures[fut]
            try:
                blob, error, elapsed = fut.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its case only
                blob, error, elapsed = None, f"dask task failed: {exc!r}", 0.0
            finish(i, blob, error, elapsed)
    finally:
        if own_client:
            client.close()
