"""Pinned EnergyPlus results: every archetype's annual and monthly loads on the built-in year.

The figures live in ``tests/regression/energyplus_baseline.json``; a change to the IDF
writer (or to an archetype, a material, EnergyPlus) that moves any load by more than
``REL_TOL`` fails here. If the change is intended, run
``.venv/bin/python tests/regression/regenerate.py``, review the diff it prints, and
commit the new file with the change. The tolerance is justified in tests/regression/pinned.py.
"""

from __future__ import annotations

import pytest

import archetypes
import weather
from simulator.batch import Case, run_batch
from tests.regression.pinned import REL_TOL, differences, figures, load_baseline

PINNED = load_baseline()


@pytest.fixture(scope="session")
def builtin_year_results(builtin_epw, session_cache):
    """Every archetype on the built-in Tianjin year (always that year, whatever HONGQIAO_TEST_EPW says).

    Shares the session run cache, so test_energyplus reuses these runs on the built-in year.
    """
    epw = str(builtin_epw)
    names = archetypes.names()
    results = run_batch([Case(archetypes.load(n), epw) for n in names], cache=session_cache, workers=2)
    return dict(zip(names, results, strict=True))


def test_every_archetype_is_pinned():
    assert set(PINNED["archetypes"]) == set(archetypes.names())
    assert PINNED["weather"]["id"] == weather.load("tianjin").id  # pinned on this built-in year


@pytest.mark.parametrize("name", archetypes.names())
def test_loads_match_the_pinned_run(builtin_year_results, name):
    r = builtin_year_results[name]
    assert r.ok, r.error
    diffs = differences(PINNED["archetypes"][name], figures(r.loads), REL_TOL)
    assert not diffs, (f"{name} moved against tests/regression/energyplus_baseline.json "
                       "(if intended and reviewed: tests/regression/regenerate.py):\n  " + "\n  ".join(diffs))


def test_comparison_catches_a_small_change():
    """The comparison itself: a 0.05 % move of annual heating, or of one month, is caught."""
    pinned = PINNED["archetypes"]["old_estate_pre1990"]
    assert differences(pinned, dict(pinned)) == []
    moved = {**pinned, "heating_kwh": pinned["heating_kwh"] * 1.0005}
    assert [d.split(":")[0] for d in differences(pinned, moved)] == ["heating_kwh"]
    months = list(pinned["monthly_cooling_kwh"])
    months[6] += 5e-4 * pinned["cooling_kwh"]
    assert [d.split(":")[0] for d in differences(pinned, {**pinned, "monthly_cooling_kwh": months})] == [
        "monthly_cooling_kwh[7]"]
