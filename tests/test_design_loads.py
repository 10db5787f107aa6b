"""Design loads (EnergyPlus zone sizing on design days) and the sensible/latent cooling split.

Real EnergyPlus runs: the ASHRAE 140 case 600 box (one zone, < 1 s) and one
archetype through the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest

import weather
from simulator import energyplus as E
from simulator import idf as idfw
from simulator.design_days import design_days
from simulator.loads import SERIES, Loads
from simulator.results import read_hourly_kwh
from simulator.runner import run_energyplus
from simulator.validation.ashrae140 import build_case
from weather.climate import stats
from weather.epw import read_epw

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tianjin():
    return read_epw(weather.epw_path("tianjin"))


@pytest.fixture(scope="module")
def box_loads(tianjin):
    """Case 600's box on the Tianjin year: humid summers give a real latent part."""
    return E.EnergyPlusEngine().simulate(build_case("600"), tianjin)


def test_design_days_follow_the_climate_statistics(tianjin):
    dd, st = design_days(tianjin), stats(tianjin)
    assert dd.heating_dry_bulb_c == pytest.approx(st.heating_design_996_c, abs=0.01)
    assert dd.cooling_dry_bulb_c == pytest.approx(st.cooling_design_004_c, abs=0.01)
    assert dd.heating_month in (1, 12, 2) and dd.cooling_month in (6, 7, 8)
    assert dd.heating_dew_point_c <= dd.heating_dry_bulb_c
    assert dd.cooling_dew_point_c < dd.cooling_dry_bulb_c
    assert 3.0 < dd.cooling_daily_range_k < 15.0


def test_cooling_split_sums_to_total(box_loads):
    L = box_loads
    # both parts come from the same ideal-loads supply air as the DistrictCooling meter:
    # equal to float summation error
    assert L.cooling_sensible_kwh + L.cooling_latent_kwh == pytest.approx(L.cooling_kwh, rel=1e-9)
    assert L.cooling_latent_kwh > 0.01 * L.cooling_kwh  # Tianjin summers are humid
    assert L.peak_cooling_sensible_w <= L.peak_cooling_w + 1e-6


def test_design_heating_is_the_steady_heat_balance(box_loads, tianjin):
    """Design heating of the box against a hand calculation: sum(U A) + infiltration, minus the gains.

    The hand calculation uses the standard's whole-window U and GB 50176 film
    resistances; EnergyPlus computes its own films (and a still-air film under
    the raised floor), so they agree within 10 %.
    """
    b = build_case("600")
    g = b.geometry
    dd = design_days(tianjin)
    u = b.u_values_w_m2k()
    window = g.window_area_m2("south")
    walls = 2 * (g.length_m + g.depth_m) * g.storey_height_m - window
    ua = u["wall"] * walls + u["roof"] * g.footprint_m2 + u["ground_floor"] * g.footprint_m2 + u["window"] * window
    volume = g.footprint_m2 * g.storey_height_m
    h_inf = 1.25 * 1006.0 * volume * b.operation.infiltration_ach / 3600.0  # rho ~1.25 kg/m3 near 0 C
    gains = b.operation.equipment_w_m2 * b.floor_area_m2
    expected_w = (ua + h_inf) * (b.operation.heating_setpoint_c - dd.heating_dry_bulb_c) - gains
    assert box_loads.design_heating_w == pytest.approx(expected_w, rel=0.10)
    assert box_loads.design_cooling_w > 0


def test_design_days_leave_the_annual_run_unchanged(tianjin):
    """Zone sizing runs apart from the weather-file period: hourly loads are bit-identical."""
    b = build_case("900")
    epw = E.normalised_epw(tianjin)
    gt = E.slab_ground_temperatures_c(tianjin)
    out = []
    for text in (idfw.idf_text(idfw.build_idf(b, gt)),
                 idfw.idf_text(idfw.build_idf(b, gt, design_days=design_days(tianjin), cooling_split=True))):
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "in.epw"
            p.write_bytes(epw.data)
            out.append(read_hourly_kwh(run_energyplus(text, p, Path(d)), idfw.METERS))
    for meter in idfw.METERS:
        assert np.array_equal(out[0][meter], out[1][meter]), meter


def test_loads_blob_without_the_new_fields_still_reads(box_loads):
    """A cached blob written before the split and design loads existed reads back with None."""
    new = ("cooling_sensible_kwh", "cooling_latent_kwh", "peak_cooling_sensible_w", "design_heating_w",
           "design_cooling_w")
    head = {k: v for k, v in json.loads(_head(box_loads.to_bytes())).items() if k not in new}
    head_b = json.dumps(head, sort_keys=True).encode()
    series = np.stack([getattr(box_loads, f"hourly_{n}_kwh") for n in SERIES]).astype("<f8").tobytes()
    old = Loads.from_bytes(zlib.compress(len(head_b).to_bytes(4, "little") + head_b + series))
    assert all(getattr(old, n) is None for n in new)
    assert old.heating_kwh == box_loads.heating_kwh
    assert old.summary()["design_heating_w"] is None
    back = Loads.from_bytes(box_loads.to_bytes())
    assert back.equals(box_loads) and back.design_heating_w == box_loads.design_heating_w


def _head(blob: bytes) -> bytes:
    raw = zlib.decompress(blob)
    n = int.from_bytes(raw[:4], "little")
    return raw[4 : 4 + n]


def test_simulate_json_reports_split_and_design_loads(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "simulate", "--archetype", "estate_1990s", "--json", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["cooling_sensible_kwh"] + d["cooling_latent_kwh"] == pytest.approx(d["cooling_kwh"], abs=0.01)
    assert d["design_heating_w"] == pytest.approx(d["design_heating_w_m2"] * d["floor_area_m2"], rel=1e-4)
    # a 50 % step walk-up at -9.8 C: between the 83 % tower's and the old estate's loss rates
    assert 20.0 < d["design_heating_w_m2"] < 80.0
    assert d["design_cooling_w"] > 0
