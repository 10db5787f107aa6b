"""Hostile and odd input, engine side (issue 10): IDF injection, cache key and cache faults,
names and run folders, constructions EnergyPlus cannot take, batch interrupts, temp files.

Real EnergyPlus throughout. To keep the time small, runs use a one-zone 10 m x 8 m
single-storey variant of the office archetype (about 1 s of EnergyPlus).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import archetypes
from buildings import materials
from buildings.model import MAX_CONSTRUCTION_LAYERS, Layer
from simulator import idf as idfw
from simulator.batch import Case, run_batch
from simulator.cache import RunCache, open_cache
from simulator.energyplus import (
    FAILED_MARKER,
    EnergyPlusEngine,
    make_run_folder,
    name_slug,
    prune_failed_runs,
)
from simulator.exceptions import CacheError, ValidationError
from simulator.loads import HOURS_PER_YEAR, Loads
from tests.procs import (
    SIGINT_DEFAULT,
    alive,
    comm,
    descendants,
    make_read_only,
    make_writable,
    ok_rows,
)
from tests.tiny_building import write_tiny

RETROFIT = [str(Path(sys.executable).parent / "retrofit")]  # the installed console script

INJECTION = ("Block 7,90,City,0.04,0.4,FullExterior,25,6;\n"
             "PythonPlugin:Instance,Evil,No,evil_module,Evil;\n"
             "! the rest is a comment")
ODD_NAMES = ["Block 3/4", "Block A, Building 3", "红桥区 3号楼", "x" * 300, "../../etc/passwd", ".", "..",
             "tab\there", "nul\x00byte", "semi;colon!bang", "  padded  ", "\u202eright-to-left", "🏠 emoji"]

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return archetypes.load(write_tiny(tmp_path_factory.mktemp("tiny")))


def idf_objects(text: str) -> list[list[str]]:
    """Parse IDF text the way EnergyPlus does: "!" starts a comment, "," ends a field, ";" an object."""
    body = "\n".join(line.split("!", 1)[0] for line in text.splitlines())
    objects = []
    for chunk in body.split(";")[:-1]:
        fields = [f.strip() for f in chunk.split(",")]
        objects.append(fields)
    return objects


def _cli(args: list[str], cache_dir: Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "HONGQIAO_CACHE_DIR": str(cache_dir)}
    return subprocess.run([*RETROFIT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


# --------------------------------------------------------------------------- the identifier writer


@pytest.mark.parametrize("text", [INJECTION, *ODD_NAMES])
def test_idf_name_is_safe_bounded_and_stable(text):
    name = idfw.idf_name(text)
    assert not set(name) & set(idfw.IDF_SYNTAX_CHARACTERS + "\\\n\r")
    assert all(" " <= ch <= "~" for ch in name)
    assert 0 < len(name) <= idfw.MAX_ALPHA_LENGTH
    assert name == name.strip() and "  " not in name
    assert idfw.idf_name(name) == name  # safe text passes unchanged


def test_idf_name_keeps_different_texts_different():
    texts = [INJECTION, *ODD_NAMES, "Block 3_4", "Block 3\\4", "x" * 301, "红桥区 4号楼", "Block A_ Building 3"]
    names = [idfw.idf_name(t) for t in texts]
    assert len({n.upper() for n in names}) == len(texts)  # EnergyPlus compares names case-insensitively


def test_idf_field_refuses_non_finite_numbers():
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError, match="non-finite"):
            idfw.idf_field(bad)
    assert idfw.idf_field(2.5) == "2.5" and idfw.idf_field(3.0) == "3" and idfw.idf_field(4) == "4"


def test_injected_names_leave_exactly_the_clean_objects(tiny, tianjin):
    """A building and material name full of IDF syntax gives the same IDF text as clean names."""
    engine = EnergyPlusEngine()
    wall = tiny.constructions.wall
    evil_layers = tuple(dataclasses.replace(ly, material=INJECTION) for ly in wall.layers)
    evil = tiny.replace(
        name=INJECTION, description=INJECTION,
        constructions=dataclasses.replace(tiny.constructions,
                                          wall=dataclasses.replace(wall, name=INJECTION, layers=evil_layers)))
    clean_text = engine.idf_text(tiny, tianjin)
    evil_text = engine.idf_text(evil, tianjin)
    objects = idf_objects(evil_text)
    kinds = [o[0].upper() for o in objects]
    assert kinds.count("BUILDING") == 1
    assert "PYTHONPLUGIN:INSTANCE" not in kinds
    [building] = [o for o in objects if o[0].upper() == "BUILDING"]
    assert building[1:] == [idfw.BUILDING_OBJECT_NAME, "0", "City", "0.04", "0.4", "FullExterior", "25", "6"]
    assert idf_objects(clean_text) == objects
    assert evil_text == clean_text  # user text never reaches the IDF: same text, same cache key


# --------------------------------------------------------------------------- cache key and poisoning


@pytest.fixture(scope="module")
def fresh_cli_run(tmp_path_factory):
    """The clean tiny building through the CLI with --no-cache, pointed at a garbage cache file.

    Returns the parsed JSON; asserts the cache file was never opened (not moved aside, no -wal/-shm).
    """
    tmp = tmp_path_factory.mktemp("fresh")
    clean = write_tiny(tmp, "clean.toml")
    garbage = tmp / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    proc = _cli(["simulate", "--archetype", str(clean), "--json", "-q", "--no-cache", "--cache", str(garbage)],
                tmp / "cache", tmp)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and garbage.read_bytes() == b"not a database" * 100
    assert [p.name for p in tmp.glob("garbage.sqlite*")] == ["garbage.sqlite"]  # no -wal, -shm or moved copy
    return json.loads(proc.stdout)


def test_injected_name_cannot_poison_the_cache(tmp_path, fresh_cli_run):
    """Issue 10's attack, end to end through the CLI: run the injected archetype first, then the clean one."""
    cache_dir = tmp_path / "cache"
    evil = write_tiny(tmp_path, "evil.toml", name=INJECTION)
    clean = write_tiny(tmp_path, "clean.toml")
    first = _cli(["simulate", "--archetype", str(evil), "--json", "-q"], cache_dir, tmp_path)
    assert first.returncode == 0, first.stderr
    second = _cli(["simulate", "--archetype", str(clean), "--json", "-q"], cache_dir, tmp_path)
    a, b, c = json.loads(first.stdout), json.loads(second.stdout), fresh_cli_run
    assert b["cached"] and not c["cached"]
    # the shared cache entry is the clean physics: equal to a fresh run, to the last digit
    for k in ("heating_kwh", "cooling_kwh", "peak_heating_w", "monthly_heating_kwh"):
        assert a[k] == b[k] == c[k]


# --------------------------------------------------------------------------- cache faults


def _loads(value: float) -> Loads:
    hourly = np.full(HOURS_PER_YEAR, value)
    return Loads(floor_area_m2=80.0, hourly_heating_kwh=hourly, hourly_cooling_kwh=hourly,
                 hourly_lighting_kwh=hourly, hourly_equipment_kwh=hourly, hourly_window_solar_kwh=hourly,
                 peak_heating_w=value * 1000, peak_cooling_w=value * 1000, engine="test", weather_id="w",
                 building_name="b", meta={})


def _truncated(path: Path) -> None:
    RunCache(path).put("key-0", _loads(0.0))
    con = sqlite3.connect(path)
    with con:  # many rows at once (one transaction), so half the file cuts through the table
        con.executemany("INSERT INTO runs (key, status, loads) VALUES (?, 'ok', ?)",
                        [(f"key-{i}", os.urandom(2000)) for i in range(1, 300)])
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = path.read_bytes()
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.write_bytes(data[: len(data) // 2])


def _foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE runs (key TEXT, something_else BLOB)")
    con.commit()
    con.close()


@pytest.mark.parametrize("make", [
    lambda p: p.write_bytes(os.urandom(4096)),  # garbage
    lambda p: p.write_bytes(b""),  # empty file: a fresh cache, nothing moved
    lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200),  # a bare header
    _truncated,
    _foreign,
], ids=["garbage", "empty", "header-only", "truncated", "foreign"])
def test_broken_cache_is_moved_aside_with_one_message(tmp_path, caplog, make):
    path = tmp_path / "runs.sqlite"
    make(path)
    before = path.read_bytes()
    with caplog.at_level(logging.WARNING, logger="simulator.cache"):
        cache = RunCache(path)
        cache.put("k", _loads(1.0))
        assert cache.get_loads("k").heating_kwh == pytest.approx(HOURS_PER_YEAR)
    kept = list(tmp_path.glob("runs.sqlite.unreadable-*"))
    messages = [r.getMessage() for r in caplog.records]
    if not before:
        assert not kept and not messages
        return
    assert len(kept) == 1 and kept[0].read_bytes() == before  # kept as it was, never deleted
    assert len(messages) == 1 and str(path) in messages[0] and str(kept[0]) in messages[0]


def test_cache_broken_while_in_use_is_moved_aside_not_fatal(tmp_path, caplog):
    path = tmp_path / "runs.sqlite"
    cache = RunCache(path)
    cache.put("k", _loads(1.0))
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.write_bytes(b"overwritten by something else" * 200)  # another program, a disk fault...
    with caplog.at_level(logging.WARNING, logger="simulator.cache"):
        assert cache.get_loads("k") is None  # a miss, not a traceback
        assert cache.put("k", _loads(2.0))  # the fresh cache takes the new result
    assert len(list(tmp_path.glob("runs.sqlite.unreadable-*"))) == 1
    assert len(caplog.records) == 1 and str(path) in caplog.records[0].getMessage()
    assert cache.get_loads("k").heating_kwh == pytest.approx(2.0 * HOURS_PER_YEAR)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_cache_gives_a_message_and_no_cache(tmp_path, caplog, what):
    path = tmp_path / "c" / "runs.sqlite"
    RunCache(path).put("k", _loads(2.0))
    target = path if what == "file" else path.parent
    make_read_only(target)
    try:
        with caplog.at_level(logging.WARNING, logger="simulator.cache"):
            assert open_cache(path) is None
        with pytest.raises(CacheError, match=re.escape(str(path))):
            RunCache(path)
    finally:
        make_writable(target)
    assert [str(path) in r.getMessage() for r in caplog.records] == [True]
    assert RunCache(path).get_loads("k").heating_kwh == pytest.approx(2.0 * HOURS_PER_YEAR)  # nothing lost


def test_failed_run_never_replaces_a_good_result(tmp_path):
    cache = RunCache(tmp_path / "runs.sqlite")
    cache.put("k", _loads(3.0))
    cache.put_error("k", "EnergyPlus failed")
    assert cache.get("k").status == "ok" and cache.get_loads("k").heating_kwh == pytest.approx(3 * HOURS_PER_YEAR)
    cache.put_error("e", "first failure")
    cache.put_error("e", "second failure")
    assert cache.get("e").error == "second failure"
    cache.put("e", _loads(4.0))  # a later success replaces a failure
    assert cache.get("e").status == "ok"


def test_cli_runs_with_a_read_only_cache(tmp_path, fresh_cli_run):
    clean = write_tiny(tmp_path, "clean.toml")
    ro = tmp_path / "ro"
    ro.mkdir()
    make_read_only(ro)
    try:
        run = _cli(["simulate", "--archetype", str(clean), "--json", "-q", "--cache", str(ro / "runs.sqlite")],
                   tmp_path / "cache", tmp_path)
    finally:
        make_writable(ro)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("\n") == 1 and str(ro / "runs.sqlite") in run.stderr and "Traceback" not in run.stderr
    assert json.loads(run.stdout)["heating_kwh"] == fresh_cli_run["heating_kwh"]
    assert not list(ro.iterdir())


# --------------------------------------------------------------------------- names and run folders


@pytest.mark.parametrize("name", ODD_NAMES)
def test_run_folder_names_are_safe(tmp_path, name):
    folder = make_run_folder(name, tmp_path)
    assert folder.parent == tmp_path and folder.is_dir()
    assert re.fullmatch(r"eplus-[A-Za-z0-9_-]+-[A-Za-z0-9_]+", folder.name)
    assert len(folder.name) < 60
    assert name_slug(name) not in ("", ".", "..")


def test_ordinary_and_odd_names_simulate_like_the_clean_building(tmp_path, tiny, tianjin_epw):
    """Slashes, commas, Chinese and 300 characters: all run, with the loads of the clean name."""
    buildings = [tiny, *(tiny.replace(name=n) for n in ODD_NAMES)]
    results = run_batch([Case(b, str(tianjin_epw)) for b in buildings], cache=tmp_path / "runs.sqlite", workers=1,
                        engine_options={"runs_dir": tmp_path / "runs"})
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert len({r.key for r in results}) == 1  # one IDF, one run, one cache entry
    assert [r.loads.building_name for r in results] == [b.name for b in buildings]
    for r in results[1:]:
        assert np.array_equal(r.loads.hourly_heating_kwh, results[0].loads.hourly_heating_kwh)
    assert not list((tmp_path / "runs").iterdir())  # successful run folders are removed


def test_failed_run_folders_are_pruned_to_the_newest(tmp_path):
    for i in range(5):
        d = tmp_path / f"eplus-old{i}-x"
        d.mkdir()
        (d / FAILED_MARKER).write_text("failed")
        os.utime(d / FAILED_MARKER, (1000 + i, 1000 + i))
    (tmp_path / "eplus-ok-x").mkdir()  # not failed: never pruned
    (tmp_path / "other").mkdir()
    os.symlink(tmp_path / "other", tmp_path / "eplus-link-x")  # a planted link: never followed
    (tmp_path / "other" / FAILED_MARKER).write_text("bait")
    assert prune_failed_runs(tmp_path, keep=2) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eplus-link-x", "eplus-ok-x", "eplus-old3-x",
                                                          "eplus-old4-x", "other"]
    assert (tmp_path / "other" / FAILED_MARKER).exists()


# --------------------------------------------------------------------------- constructions


def _with_wall_layers(b, n: int, thickness_m: float, material: str = "reinforced_concrete"):
    props = materials.get(material).properties()
    layers = tuple(Layer(material, thickness_m, **props) for _ in range(n))
    wall = dataclasses.replace(b.constructions.wall, layers=layers)
    return b.replace(constructions=dataclasses.replace(b.constructions, wall=wall))


def test_too_many_layers_are_refused_before_the_run(tmp_path, tiny, tianjin_epw):
    eleven = _with_wall_layers(tiny, MAX_CONSTRUCTION_LAYERS + 1, 0.02)
    with pytest.raises(ValidationError, match=r"constructions\.wall\.layers: 11 layers"):
        EnergyPlusEngine(runs_dir=tmp_path / "runs").simulate(eleven, tianjin_epw)
    assert not (tmp_path / "runs").exists()
    [r] = run_batch([Case(eleven, str(tianjin_epw))], cache=False)
    assert not r.ok and "constructions.wall.layers" in r.error


# --------------------------------------------------------------------------- batch interrupts





def _start_batch(tmp_path: Path):
    """A real ``retrofit batch`` on 2 workers: a 1 s case first, then two full archetypes."""
    tiny_path = write_tiny(tmp_path)
    cache_dir = tmp_path / "cache"
    env = {**os.environ, "HONGQIAO_CACHE_DIR": str(cache_dir)}
    proc = subprocess.Popen([*SIGINT_DEFAULT, *RETROFIT, "batch", "--archetypes", f"{tiny_path},public_office,estate_1990s",
                             "--workers", "2", "-q"], cwd=tmp_path, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, cache_dir / "runs.sqlite"


def _wait_for(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _energyplus_running(proc) -> bool:
    return any(comm(p) == "energyplus" for p in descendants(proc.pid))


# Exit and clean-up bounds: the stop sends SIGTERM, waits for the workers up to 5 s
# (batch._stop_pool), and each worker kills its EnergyPlus group at once; 10 s leaves
# room for a loaded 2-core CI machine.
STOP_WITHIN_S = 10.0


def test_first_ctrl_c_stops_the_batch_and_keeps_finished_results(tmp_path):
    proc, db = _start_batch(tmp_path)
    try:
        assert _wait_for(lambda: ok_rows(db) >= 1 and _energyplus_running(proc), 90), "batch never got going"
        below = descendants(proc.pid)
        t0 = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
        _, err = proc.communicate(timeout=STOP_WITHIN_S)
        assert time.monotonic() - t0 < STOP_WITHIN_S
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert _wait_for(lambda: not any(alive(p) for p in below), STOP_WITHIN_S), \
        [(p, comm(p)) for p in below if alive(p)]
    assert ok_rows(db) >= 1  # the finished case stays in the cache


def test_workers_and_energyplus_die_with_a_killed_parent(tmp_path):
    proc, _ = _start_batch(tmp_path)
    try:
        assert _wait_for(lambda: _energyplus_running(proc), 90), "batch never got going"
        below = descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=STOP_WITHIN_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _wait_for(lambda: not any(alive(p) for p in below), STOP_WITHIN_S), \
        [(p, comm(p)) for p in below if alive(p)]


# EnergyPlus 25.2 outcomes measured on the tiny building's wall (benchmarks/bench_ctf_limits.py
# reruns them): n layers x thickness [m] of a material -> runs?
MEASURED_CTF = [
    ("reinforced_concrete", 1, 2.0, True), ("reinforced_concrete", 2, 1.3, True),
    ("reinforced_concrete", 3, 1.0, True), ("reinforced_concrete", 7, 0.5, True),
    ("reinforced_concrete", 8, 0.45, False), ("reinforced_concrete", 4, 1.0, False),
    ("reinforced_concrete", 2, 2.0, False), ("reinforced_concrete", 10, 2.0, False),  # the wall: segfault
    ("solid_clay_brick", 1, 1.5, True), ("solid_clay_brick", 1, 2.0, False),
]


def test_ctf_check_assumes_the_engine_timestep():
    from buildings import model

    assert model.ZONE_TIMESTEP_H == 1.0 / idfw.TIMESTEPS_PER_HOUR


@pytest.mark.parametrize("material, n, thickness_m, runs", MEASURED_CTF)
def test_ctf_check_matches_what_energyplus_can_run(tiny, material, n, thickness_m, runs):
    from buildings.model import energyplus_limits

    problems = energyplus_limits(_with_wall_layers(tiny, n, thickness_m, material))
    assert (problems == []) == runs, problems
    assert all(p.startswith("constructions.wall.layers") for p in problems)


def test_shipped_constructions_and_retrofits_pass_the_ctf_check():
    from buildings import measures as M
    from buildings.model import energyplus_limits

    for name in archetypes.names():
        b = archetypes.load(name)
        assert energyplus_limits(b) == []
        for package in M.packages():
            assert energyplus_limits(M.apply(b, M.package(package))) == [], (name, package)


def test_massive_wall_is_refused_before_energyplus_starts(tmp_path, tiny, tianjin_epw):
    """The issue's 10 x 2 m concrete wall made EnergyPlus crash after 50 s; now a message names it at once."""
    wall = _with_wall_layers(tiny, 10, 2.0)
    t0 = time.perf_counter()
    with pytest.raises(ValidationError, match=r"constructions\.wall\.layers: .* conduction modes"):
        EnergyPlusEngine(runs_dir=tmp_path / "runs").simulate(wall, tianjin_epw)
    assert time.perf_counter() - t0 < 5.0  # refused up front (EnergyPlus took 50 s to crash)
    assert not (tmp_path / "runs").exists()
