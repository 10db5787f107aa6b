"""Regenerate ``eplusout_severe.err``: a real EnergyPlus 25.2 error file.

The IDF of old_estate_pre1990 with one wall given a construction that does
not exist; EnergyPlus stops with Severe and Fatal errors. Run from the repo:
``.venv/bin/python tests/data/make_eplusout_severe.py PATH/TO/WEATHER.epw``.
"""

import shutil
import sys
import tempfile
from pathlib import Path

import archetypes
from simulator.energyplus import EnergyPlusEngine
from simulator.exceptions import EnergyPlusError
from simulator.runner import run_energyplus

HERE = Path(__file__).resolve().parent


def broken_idf(epw: str) -> str:
    text = EnergyPlusEngine().idf_text(archetypes.load("old_estate_pre1990"), epw)
    marker = "    F01S Wall south,\n    Wall,\n    Wall,"
    assert marker in text
    return text.replace(marker, "    F01S Wall south,\n    Wall,\n    No Such Construction,", 1)


def main(epw: str) -> None:
    run_dir = Path(tempfile.mkdtemp())
    try:
        run_energyplus(broken_idf(epw), Path(epw), run_dir)
    except EnergyPlusError:
        shutil.copy(run_dir / "eplusout.err", HERE / "eplusout_severe.err")
        print("wrote", HERE / "eplusout_severe.err")
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1])
