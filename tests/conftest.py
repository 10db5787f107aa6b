"""Shared fixtures: weather files, a per-session run cache, archetype buildings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from weather import heldout

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache_dir(tmp_path_factory):
    """Keep tests away from the user's cache: one fresh cache folder per session."""
    path = tmp_path_factory.mktemp("hongqiao-cache")
    old = os.environ.get("HONGQIAO_CACHE_DIR")
    os.environ["HONGQIAO_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("HONGQIAO_CACHE_DIR", None)
    else:
        os.environ["HONGQIAO_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def cswd_epw() -> Path:
    """The real Tianjin CSWD typical year from ../shared (validation only; skip when absent)."""
    if not heldout.CSWD.is_file():
        pytest.skip(heldout.skip_reason(heldout.CSWD))
    return heldout.CSWD


@pytest.fixture(scope="session")
def tianjin_epw(_isolated_cache_dir) -> Path:
    """The project's built-in Tianjin typical year, written as an EPW.

    ``HONGQIAO_TEST_EPW`` runs the EnergyPlus tests on another weather file instead.
    """
    override = os.environ.get("HONGQIAO_TEST_EPW")
    if override:
        return Path(override)
    import weather

    return Path(weather.epw_path("tianjin"))


@pytest.fixture(scope="session")
def builtin_epw(_isolated_cache_dir) -> Path:
    """The built-in Tianjin typical year as an EPW, whatever ``HONGQIAO_TEST_EPW`` says.

    For tests tied to that year: the surrogate is trained on it, the regression results pinned on it.
    """
    import weather

    return Path(weather.epw_path("tianjin"))


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory):
    """One run cache shared by the EnergyPlus tests, so a case runs once per session."""
    from simulator.cache import RunCache

    return RunCache(tmp_path_factory.mktemp("runs") / "runs.sqlite")


@pytest.fixture(scope="session")
def tianjin(_isolated_cache_dir):
    """The built-in Tianjin typical year as a Weather object."""
    import weather

    return weather.load("tianjin")
