"""Shared fixtures: weather files, a per-session run cache, archetype buildings.

Surrogate training in the background: a fresh session trains the four surrogate families (about
4.5 min of one core on the 2-core CI machine, office alone 2.5 min) the first time a test asks for
one. The suite's other tests (EnergyPlus, hand-written physics) used on average about one of the two
cores (``time .ci/run``: 14 min 58 s CPU in 14 min 18 s). So a whole-suite session trains the models
in a child process (:func:`simulator.surrogate.training.load_model`, the library's own
train-once-and-cache path, into this session's cache folder) while the tests that use no surrogate
run first; the first test that may use one waits for the child. The models, the data they are
trained on and every test are unchanged; only the order of the files and who trains first differ.
A run of only surrogate tests (or only others) trains nothing in the background.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


#: Test files that never load a surrogate model (checked each session: see
#: :func:`pytest_runtest_protocol`); they run first, while the models train in the background.
NO_SURROGATE_FILES = frozenset({
    "test_archetypes.py", "test_ashrae140.py", "test_buildings.py", "test_carbon.py", "test_cli.py",
    "test_design_loads.py", "test_economics.py", "test_energyplus.py", "test_fuzz.py", "test_ground.py",
    "test_help_values.py", "test_hostile_engine.py", "test_idf.py", "test_measures.py", "test_pv.py",
    "test_regression.py", "test_sizing.py", "test_sourced_data.py", "test_structure.py",
    "test_systems.py", "test_thermal_bridges.py", "test_units.py", "test_ventilation.py",
    "test_weather.py", "test_weather_energyplus.py",
})
_TRAIN_ALL = """
import logging, sys
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
from simulator.surrogate.space import family_names
from simulator.surrogate.training import load_model
for name in family_names():
    load_model(name)
"""
_trainer: dict = {}


def _uses_no_surrogate(item) -> bool:
    return Path(str(item.fspath)).name in NO_SURROGATE_FILES


def pytest_collection_modifyitems(session, config, items):
    """Files without surrogate first (stable: the order inside each group is unchanged)."""
    free = [it for it in items if _uses_no_surrogate(it)]
    if free and len(free) < len(items):
        items[:] = free + [it for it in items if not _uses_no_surrogate(it)]
        _trainer["wanted"] = True


@pytest.fixture(scope="session", autouse=True)
def _background_surrogate_training(_isolated_cache_dir):
    """Start the child that trains every surrogate family into this session's cache (whole-suite runs)."""
    if _trainer.get("wanted"):
        log = open(_isolated_cache_dir / "background-training.log", "w", encoding="utf-8")
        _trainer["log"] = log
        _trainer["proc"] = subprocess.Popen([sys.executable, "-c", _TRAIN_ALL], cwd=REPO, stdout=log,
                                            stderr=subprocess.STDOUT,
                                            env={**os.environ, "HONGQIAO_CACHE_DIR": str(_isolated_cache_dir)})
    yield
    proc = _trainer.pop("proc", None)
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
    if "log" in _trainer:
        _trainer.pop("log").close()


def _surrogates_loaded_here() -> int:
    training = sys.modules.get("simulator.surrogate.training")
    return training._memo.cache_info().currsize if training is not None else 0


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """A test that may use a surrogate first waits for the background training to end.

    Outside pytest-timeout's wrapper: the wait belongs to no test's 300 s (a test that trained a family
    itself counted it), and it ends with the child (killed at teardown) in any case.
    """
    proc = _trainer.get("proc")
    if proc is not None:
        if _surrogates_loaded_here() and "misplaced" not in _trainer:
            _trainer["misplaced"] = (f"a surrogate model was loaded in this process before {item.nodeid}: "
                                     f"a file in tests/conftest.py's NO_SURROGATE_FILES uses one")
        if not _uses_no_surrogate(item):
            rc = proc.wait()
            _trainer.pop("proc")
            if rc != 0:
                _trainer["failed"] = (f"background surrogate training exited with {rc} (log: "
                                      f"{_trainer['log'].name}); the tests trained on first use instead")
    yield


def pytest_terminal_summary(terminalreporter):
    for key in ("misplaced", "failed"):
        if key in _trainer:
            terminalreporter.write_line(f"conftest: {_trainer[key]}", yellow=True)
