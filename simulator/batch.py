"""Batch runs: many (building, weather) cases on a process pool or a Dask cluster.

Each case is prepared in this process - the IDF text and the normalised
weather EnergyPlus will receive (:func:`simulator.energyplus.prepare`) - and
its run-cache key is a hash of exactly those. Completed cases are read from
the run cache and cost nothing; the rest run in parallel (default: one
worker per core), starting while later cases are still being prepared. A
failed case is recorded with its error and the others still finish.
Progress is reported through a callback ``progress(done, total)``; the CLI
draws it as a bar.

The same batch runs on a Dask distributed cluster when given a scheduler
address (or a ``distributed.Client``): each distinct weather file is sent to
the workers once, as bytes, and written into each run's own folder, so they
need no shared file system and reuse no file another user could plant.

Stopping: the first Ctrl-C (``KeyboardInterrupt``) cancels the queued cases,
terminates the workers (each kills its EnergyPlus process group), keeps the
finished results in the cache and re-raises, so the CLI exits with status
130 within seconds. Workers also end when their parent dies (Linux
``PR_SET_PDEATHSIG``), and EnergyPlus ends when its worker dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace

from buildings.model import Building
from simulator import runner
from simulator.cache import RunCache, open_cache
from simulator.energyplus import (
    NormalisedEpw,
    PreparedRun,
    normalised_epw,
    prepare,
    resolve_weather,
    run_prepared,
)
from simulator.exceptions import RetrofitError
from simulator.loads import Loads

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
CaseProgress = Callable[[int, float], None]
_PROGRESS_QUEUE = None  # in a pool worker: where the running case's progress goes (see run_batch's case_progress)


@dataclass(frozen=True)
class Case:
    """One simulation to run: a building on a weather file."""

    building: Building
    weather: str  # EPW path


@dataclass(frozen=True)
class CaseResult:
    """What became of one case."""

    index: int
    key: str  # run-cache key ("" if the case failed before its IDF was written)
    loads: Loads | None
    error: str | None
    cached: bool
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return self.loads is not None


# --------------------------------------------------------------------------- workers


def _worker_init(progress_queue=None) -> None:
    """Pool worker setup: the parent decides about Ctrl-C; die with the parent; SIGTERM kills EnergyPlus first.

    ``progress_queue`` (a multiprocessing ``SimpleQueue``) receives ``(case index, fraction)`` of each run.
    """
    global _PROGRESS_QUEUE
    _PROGRESS_QUEUE = progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_sigterm)
    runner.die_with_parent(signal.SIGTERM)


def _worker_sigterm(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    runner.kill_running()
    os._exit(128 + signum)


def _simulate_prepared(prepared: PreparedRun, epw_data: bytes, engine_options: dict,
                       index: int | None = None) -> tuple[bytes | None, str | None, float]:
    """Worker: run one prepared case; never raises (errors come back as text).

    With ``index`` and a progress queue (pool workers of a batch with ``case_progress``), the
    run's progress goes to the parent as ``(index, fraction)``.
    """
    t0 = time.perf_counter()
    queue = _PROGRESS_QUEUE
    report = None if queue is None or index is None else (lambda f: queue.put((index, f)))
    try:
        loads = run_prepared(prepared, epw_data, **engine_options, progress=report)
        return loads.to_bytes(), None, time.perf_counter() - t0
    except RetrofitError as exc:
        return None, str(exc), time.perf_counter() - t0
    except Exception:  # noqa: BLE001 - a worker must report, not die
        return None, traceback.format_exc(limit=5), time.perf_counter() - t0


# --------------------------------------------------------------------------- batch


def run_batch(
    cases: Sequence[Case],
    cache: RunCache | str | os.PathLike | None = None,
    workers: int | None = None,
    scheduler: str | object | None = None,
    progress: Progress | None = None,
    engine_options: dict | None = None,
    use_cache: bool = True,
    case_progress: CaseProgress | None = None,
) -> list[CaseResult]:
    """Run many cases; results come back in the order of ``cases``.

    Parameters
    ----------
    cases
        The (building, EPW path) pairs.
    cache
        A :class:`RunCache`, a path to its file, None for the default file, or
        False for no cache (as ``use_cache=False``). A cache that cannot be used gives one warning and the batch runs without it.
    workers
        Process-pool size (default: all cores). Ignored with ``scheduler``.
    scheduler
        A Dask scheduler address (``"tcp://host:8786"``) or a ``distributed.Client``:
        run on that cluster instead of the local pool.
    progress
        ``progress(done, total)``, called as cases finish (cache hits included).
    engine_options
        Keyword arguments of :func:`simulator.energyplus.run_prepared`
        (``runs_dir``, ``keep_runs``, ``timeout_s``).
    use_cache
        False: never open the cache (nothing is read or stored).
    case_progress
        ``case_progress(index, fraction)``: the fraction [0-1] of a case's run period
        EnergyPlus has simulated, as it prints it (local pool only; about every 20
        simulated days), and 1.0 when the case is finished (cache hits included).
        Called from a helper thread.

    Raises
    ------
    KeyboardInterrupt
        After cancelling the queued cases and ending the running ones; finished
        results are already in the cache.
    """
    engine_options = dict(engine_options or {})
    store = open_cache(cache) if use_cache and cache is not False else None
    total = len(cases)
    results: dict[int, CaseResult] = {}
    state = {"done": 0}

    def report():
        if progress is not None:
            progress(state["done"], total)

    def record(i: int, res: CaseResult) -> None:
        results[i] = res
        state["done"] += 1
        report()
        if case_progress is not None:
            case_progress(i, 1.0)

    report()
    weathers: dict[str, tuple[object, NormalisedEpw] | str] = {}
    prepared: dict[int, PreparedRun] = {}
    first_of_key: dict[str, int] = {}

    def prepared_cases():
        """Prepare each case in turn; yield those that must run (cache misses, first of their key)."""
        for i, case in enumerate(cases):
            path = str(case.weather)
            if path not in weathers:
                try:
                    w, _ = resolve_weather(path)
                    weathers[path] = (w, normalised_epw(w))
                except RetrofitError as exc:
                    weathers[path] = str(exc)
            wx = weathers[path]
            if isinstance(wx, str):
                record(i, CaseResult(i, "", None, wx, False, 0.0))
                continue
            w, epw = wx
            try:
                p = prepare(case.building, w, epw)
            except RetrofitError as exc:
                record(i, CaseResult(i, "", None, str(exc), False, 0.0))
                continue
            prepared[i] = p
            key = p.key
            hit = store.get_loads(key) if store is not None else None
            if hit is not None:
                record(i, CaseResult(i, key, _renamed(hit, case.building), None, True, 0.0))
            elif key not in first_of_key:
                first_of_key[key] = i
                yield i, p, epw

    def finish(i: int, blob: bytes | None, error: str | None, elapsed: float):
        p = prepared[i]
        if blob is not None:
            loads = Loads.from_bytes(blob)
            if store is not None:
                store.put(p.key, loads, elapsed)
            record(i, CaseResult(i, p.key, loads, None, False, elapsed))
        else:
            log.warning("case %d (%s) failed: %s", i, p.building_name, (error or "").splitlines()[0:1])
            if store is not None:
                store.put_error(p.key, error or "unknown error", p.building_name, p.weather_id,
                                p.engine_version, elapsed)
            record(i, CaseResult(i, p.key, None, error, False, elapsed))

    if scheduler is not None:
        _run_dask(prepared_cases(), scheduler, engine_options, finish)
    else:
        _run_pool(prepared_cases(), workers, total, engine_options, finish, case_progress)

    # duplicates of cases run in this batch
    for i in range(total):
        if i not in results:
            first = results[first_of_key[prepared[i].key]]
            loads = _renamed(first.loads, cases[i].building) if first.loads is not None else None
            record(i, CaseResult(i, first.key, loads, first.error, first.loads is not None, 0.0))
    return [results[i] for i in range(total)]


def _renamed(loads: Loads, building: Building) -> Loads:
    """A cached result carries the name of the building that asked for it."""
    if loads.building_name == building.name:
        return loads
    return replace(loads, building_name=building.name)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued cases and end the workers now (each kills its EnergyPlus on SIGTERM)."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public API before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + 5.0
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()


def _pass_progress(queue, case_progress: CaseProgress | None) -> None:
    """Pass the workers' ``(index, fraction)`` messages waiting in ``queue`` on (never blocks)."""
    while queue is not None and not queue.empty():
        msg = queue.get()
        try:
            case_progress(*msg)
        except Exception:  # noqa: BLE001 - a failing display must not stop the batch
            log.debug("case_progress failed", exc_info=True)


def _run_pool(todo, workers, total, engine_options, finish, case_progress: CaseProgress | None = None) -> None:
    n = max(1, min(workers or os.cpu_count() or 1, total))
    # fork is fastest and needs no __main__ guard, but is unsafe in a process
    # that runs threads (the Streamlit server, a Dask client): use forkserver there
    ctx = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
    # progress comes back on a queue polled here between completions (no thread: fork stays safe)
    queue = ctx.SimpleQueue() if case_progress is not None else None
    pool = None
    futures = {}
    try:
        for i, p, epw in todo:
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_init,
                                           initargs=(queue,))
            futures[pool.submit(_simulate_prepared, p, epw.data, engine_options, i)] = i
            _pass_progress(queue, case_progress)
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=None if queue is None else 0.25, return_when=FIRST_COMPLETED)
            _pass_progress(queue, case_progress)  # a finished case's last messages before its 1.0
            for fut in done:
                i = futures[fut]
                try:
                    blob, error, elapsed = fut.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails its case only
                    blob, error, elapsed = None, f"worker crashed: {exc!r}", 0.0
                finish(i, blob, error, elapsed)
    except BaseException:
        if pool is not None:
            _stop_pool(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        if queue is not None:
            queue.close()


def _run_dask(todo, scheduler, engine_options, finish) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    own_client = not isinstance(scheduler, Client)
    client = Client(scheduler) if own_client else scheduler
    futures = {}
    try:
        payloads = {}
        for i, p, epw in todo:
            if epw.sha256 not in payloads:
                payloads[epw.sha256] = client.scatter(epw.data, broadcast=True)
            fut = client.submit(_simulate_prepared, p, payloads[epw.sha256], engine_options, pure=False)
            futures[fut] = i
        for fut in dask_completed(list(futures)):
            i = futures[fut]
            try:
                blob, error, elapsed = fut.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its case only
                blob, error, elapsed = None, f"dask task failed: {exc!r}", 0.0
            finish(i, blob, error, elapsed)
    except BaseException:
        if futures:
            client.cancel(list(futures))
        raise
    finally:
        if own_client:
            client.close()

