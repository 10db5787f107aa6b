"""The retrofit command line, run as a user would (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import archetypes


def retrofit(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "simulator.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600)


def test_archetypes_lists_floor_area_and_u_values():
    out = retrofit("archetypes", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["archetype"]: r for r in json.loads(out.stdout)}
    assert set(rows) == set(archetypes.names())
    old = rows["old_estate_pre1990"]
    assert old["floor_area_m2"] == 3600.0
    assert old["wall_u_w_m2k"] == pytest.approx(1.531, abs=1e-3)
    table = retrofit("archetypes")
    assert "five_step_residential" in table.stdout and "wall_u_w_m2k" in table.stdout


def test_simulate_json_has_the_promised_keys(tianjin_epw, session_cache):
    out = retrofit("simulate", "--archetype", "public_school", "--weather", str(tianjin_epw), "--json",
                   "--cache", str(session_cache.path), "-q")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("archetype", "floor_area_m2", "heating_kwh", "cooling_kwh", "heating_kwh_m2", "cooling_kwh_m2",
                "peak_heating_w", "peak_cooling_w", "monthly_heating_kwh", "monthly_cooling_kwh", "weather"):
        assert key in data
    assert len(data["monthly_heating_kwh"]) == 12 and len(data["monthly_cooling_kwh"]) == 12
    assert data["heating_kwh_m2"] == pytest.approx(data["heating_kwh"] / data["floor_area_m2"], rel=1e-3)
    assert data["archetype"] == "public_school"
    env = data["envelope"]  # the wall's 1-D U and its mean U with thermal bridges, side by side
    assert env["wall_mean_u_w_m2k"] == pytest.approx(env["wall_u_w_m2k"] + env["wall_bridge_u_w_m2k"], abs=2e-4)
    assert env["wall_mean_u_w_m2k"] > env["wall_u_w_m2k"] and env["thermal_bridge_era"] == "frame_infill_2000s"
    # a second call is a cache hit with the same numbers
    again = json.loads(retrofit("simulate", "--archetype", "public_school", "--weather", str(tianjin_epw),
                                "--json", "--cache", str(session_cache.path), "-q").stdout)
    assert again["cached"] and again["heating_kwh"] == data["heating_kwh"]
    # the figures are those of the run itself (read back from the same cache), summed here
    from simulator.batch import Case, run_batch

    [r] = run_batch([Case(archetypes.load("public_school"), str(tianjin_epw))], cache=session_cache, workers=1)
    loads = r.loads
    month_hours = np.repeat(np.arange(12), np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) * 24)
    for s in ("heating", "cooling"):
        hourly = getattr(loads, f"hourly_{s}_kwh")
        # the JSON rounds kWh to 3 decimals and kWh/m2 to 4
        assert data[f"{s}_kwh"] == pytest.approx(hourly.sum(), abs=5e-4)
        assert data[f"{s}_kwh_m2"] == pytest.approx(hourly.sum() / 4480.0, abs=5e-5)
        monthly = np.bincount(month_hours, weights=hourly, minlength=12)
        assert data[f"monthly_{s}_kwh"] == pytest.approx(monthly, abs=5e-4)
        assert data[f"peak_{s}_w"] == pytest.approx(hourly.max() * 1000.0, abs=0.05)
    assert data["floor_area_m2"] == 4 * 70.0 * 16.0  # 4 storeys x 70 m x 16 m (public_school.toml)


def test_simulate_table_output(tianjin_epw, session_cache):
    out = retrofit("simulate", "--archetype", "public_school", "--weather", str(tianjin_epw),
                   "--cache", str(session_cache.path), "-q")
    assert out.returncode == 0, out.stderr
    assert "kWh/m2" in out.stdout and "heating MWh" in out.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("simulate",), "the following arguments are required: --archetype"),
        (("simulate", "--archetype", "castle"), "unknown archetype 'castle'; valid names:"),
        (("simulate", "--archetype", "public_office", "--weather", "/no/such.epw"), "weather file not found"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_exit_nonzero_with_one_line(args, message):
    out = retrofit(*args)
    assert out.returncode == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr
