"""A bounded queue for EnergyPlus runs started from the app.

A crowd at a public demo must not exhaust the machine: at most
``max_running`` jobs run at once (each EnergyPlus evaluation itself uses two
processes), at most ``max_queued`` wait, and each job knows its position so
the page can show it; a job may report its progress (a fraction and a short
detail) while it runs. Jobs are identified by random ids kept in each
session's state, so one session never sees another's job. Plain threading,
no Streamlit: tested on its own.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.exceptions import RetrofitError


class QueueFull(RetrofitError):
    """Too many jobs are waiting; try again later."""


@dataclass
class Job:
    id: str
    state: str = "queued"  # queued | running | done | error
    result: Any = None
    error: str | None = None
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    position: int = 0  # 1 = next to run; 0 when running or finished
    progress: float = 0.0  # fraction [0-1] the running job reported (see JobQueue.submit)
    detail: Any = None  # what the job reported with it


class JobQueue:
    """Runs submitted callables on a small thread pool, first come first served."""

    def __init__(self, max_running: int = 1, max_queued: int = 20, keep_finished: int = 200):
        self.max_running = max_running
        self.max_queued = max_queued
        self.keep_finished = keep_finished
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._waiting: list[str] = []
        self._pool = ThreadPoolExecutor(max_workers=max_running, thread_name_prefix="eplus-job")

    def submit(self, fn: Callable[..., Any], *args, reports_progress: bool = False, **kwargs) -> str:
        """Queue ``fn(*args, **kwargs)``; returns the job id.

        With ``reports_progress``, ``fn`` also receives ``progress=callback``;
        ``callback(fraction, detail=None)`` sets the job's ``progress`` (it only grows) and ``detail``.

        Raises
        ------
        QueueFull
            When ``max_queued`` jobs are already waiting.
        """
        with self._lock:
            if len(self._waiting) >= self.max_queued:
                raise QueueFull(f"{len(self._waiting)} EnergyPlus runs are waiting; please try again in a few minutes")
            job = Job(id=uuid.uuid4().hex)
            self._jobs[job.id] = job
            self._waiting.append(job.id)
            self._trim()
        if reports_progress:
            kwargs = {**kwargs, "progress": lambda fraction, detail=None: self._progress(job.id, fraction, detail)}
        self._pool.submit(self._run, job.id, fn, args, kwargs)
        return job.id

    def _progress(self, job_id: str, fraction: float, detail: Any = None) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state == "running":
                job.progress = max(job.progress, min(max(float(fraction), 0.0), 1.0))
                job.detail = detail

    def _run(self, job_id: str, fn, args, kwargs) -> None:
        with self._lock:
            job = self._jobs[job_id]
            self._waiting.remove(job_id)
            job.state, job.started = "running", time.time()
        try:
            result = fn(*args, **kwargs)
            with self._lock:
                job.result, job.state = result, "done"
        except Exception as exc:  # noqa: BLE001 - a failed run is reported to its session
            with self._lock:
                job.error = str(exc) if isinstance(exc, RetrofitError) else traceback.format_exc(limit=3)
                job.state = "error"
        finally:
            job.finished = time.time()

    def status(self, job_id: str) -> Job | None:
        """A snapshot of the job (None for an unknown id)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            pos = self._waiting.index(job_id) + 1 if job_id in self._waiting else 0
            return replace(job, position=pos)

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def _trim(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state in ("done", "error")]
        for k in finished[: max(0, len(finished) - self.keep_finished)]:
            del self._jobs[k]

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
