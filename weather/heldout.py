"""The held-out real Tianjin weather years: where they are and what their files are called.

The CSWD typical year and the TMYx 2011-2025 year of Tianjin (WMO 545270) are
third-party files kept outside the repository, in ``../shared/weather`` next to
the repository folder. They are read at test and benchmark time only: never
copied into the repository, never a training weather of the surrogate
(:mod:`simulator.surrogate.weathers` takes ids, not file paths). In an
installed copy without that folder every path here is simply absent, so the
tests and benchmarks that need a file skip it (:func:`present`,
:func:`skip_reason`).

>>> from weather import heldout
>>> heldout.CSWD.name
'CHN_TJ_Tianjin.545270_CSWD.epw'
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
"""The repository folder (this file is ``weather/heldout.py`` in it)."""
FOLDER = REPO.parent / "shared" / "weather"
"""``../shared/weather``: the folder of the held-out files, beside the repository."""

CSWD_NAME = "CHN_TJ_Tianjin.545270_CSWD.epw"
TMYX_NAME = "CHN_TJ_Tianjin.545270_TMYx.2011-2025.epw"
FILES = {"CSWD": CSWD_NAME, "TMYx 2011-2025": TMYX_NAME}
"""Label -> file name of each held-out year, in the order the reports list them."""

CSWD = FOLDER / CSWD_NAME
"""Path of the CSWD typical year (may be absent)."""
TMYX = FOLDER / TMYX_NAME
"""Path of the TMYx 2011-2025 year (may be absent)."""


def paths(folder: str | Path | None = None) -> dict[str, Path]:
    """Label -> path of every held-out year, present or not.

    Parameters
    ----------
    folder
        Where the files are (default :data:`FOLDER`).
    """
    base = FOLDER if folder is None else Path(folder)
    return {label: base / name for label, name in FILES.items()}


def present(folder: str | Path | None = None) -> dict[str, Path]:
    """Label -> path of the held-out years whose file exists (empty when the folder is absent)."""
    return {label: p for label, p in paths(folder).items() if p.is_file()}


def skip_reason(path: Path) -> str:
    """The message a test or benchmark gives when a held-out file is absent."""
    return f"../shared/weather {path.name} not present (the held-out real years are read from there only)"
