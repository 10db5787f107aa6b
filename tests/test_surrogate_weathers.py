"""Training weathers of the surrogate: ids, the plan, per-run provenance and multi-weather sampling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.exceptions import UnknownNameError, WeatherError
from simulator.surrogate import dataset as ds
from simulator.surrogate import weathers as wx

SHARED_WEATHER = Path(__file__).resolve().parents[1].parent / "shared" / "weather"


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize("text, canonical", [
    ("tianjin", "tianjin"),
    ("tianjin:ssp245:2050", "tianjin:ssp245:2050"),
    ("synthetic:dt=1.5:ghi=1.25", "synthetic:dt=+1.5:ghi=1.25:rh=+0:amp=1.00:seed=54527"),
    ("synthetic:seed=3:rh=-15:amp=0.9:dt=-1:ghi=0.85", "synthetic:dt=-1.0:ghi=0.85:rh=-15:amp=0.90:seed=3"),
])
def test_weather_ids_have_one_canonical_form(text, canonical):
    assert wx.canonical_id(text) == canonical
    assert wx.canonical_id(canonical) == canonical  # idempotent
    assert all(c.isalnum() or c in "+-._@" for c in wx.parse_weather_id(text).stem)


@pytest.mark.parametrize("text, error", [
    ("../shared/weather/CHN_TJ_Tianjin.545270_CSWD.epw", UnknownNameError),  # never a file
    ("tianjin:ssp999:2050", UnknownNameError),
    ("synthetic:dt=9", WeatherError),
    ("synthetic:dt=1:dt=2", WeatherError),
    ("synthetic:wind=2", WeatherError),
    ("synthetic:seed=1.5", WeatherError),
])
def test_bad_weather_ids_are_refused_with_a_message(text, error):
    with pytest.raises(error):
        wx.parse_weather_id(text)


def test_synthetic_parameters_do_what_they_say():
    from weather import stats

    base = stats(wx.load_weather("tianjin")).annual
    warm = stats(wx.load_weather("synthetic:dt=1.5:ghi=1.2:seed=54527")).annual
    # the generator meets the monthly table exactly (weather/synthetic.py step 11), so the annual
    # mean moves by dt and the GHI by the factor, up to the EPW's rounding (0.05 K, 0.5 %)
    assert warm["dry_bulb_mean_c"] - base["dry_bulb_mean_c"] == pytest.approx(1.5, abs=0.05)
    assert warm["ghi_kwh_m2"] / base["ghi_kwh_m2"] == pytest.approx(1.2, rel=0.005)
    other = wx.load_weather("synthetic:seed=7")
    assert other.id != wx.load_weather("tianjin").id  # another day-to-day sequence, other bytes


# --------------------------------------------------------------------------- the plan


def test_the_plan_puts_the_built_in_year_first_at_the_dataset_sizes():
    plan = wx.training_plan()
    assert plan[0].id == "tianjin"
    ids = [w.id for w in plan]
    assert len(set(ids)) == len(ids)
    assert any(i.startswith("tianjin:") for i in ids) and any(i.startswith("synthetic:") for i in ids)
    for w in plan:  # every id makes a year (and is none of the held-out real files)
        spec = wx.parse_weather_id(w.id)
        assert spec.kind in ("builtin", "morph", "synthetic")
    for fam, bases in plan[0].points.items():  # the regeneration keeps the committed design sizes
        prov = ds.read_provenance(fam) or {}
        if prov:
            assert {b: n for b, n in bases.items()} == prov["design_bases"], fam
    cmds = wx.plan_commands(plan, step=128)
    assert cmds[0].startswith("retrofit surrogate sample --family ")
    assert sum("--weather" not in c for c in cmds) >= len(plan[0].points)


def test_a_bad_plan_names_its_problem(tmp_path):
    p = tmp_path / "plan.toml"
    p.write_text('[[weather]]\nid = "tianjin"\npriority = 1\npoints = { office = { nowhere = 3 } }\n')
    with pytest.raises(WeatherError, match="nowhere"):
        wx.training_plan(p)


# --------------------------------------------------------------------------- dataset files


def test_a_file_without_the_run_columns_reads_as_the_built_in_year(tmp_path):
    """Files written before the per-run provenance and design loads still load."""
    src = ds.dataset_path("office")
    old = pd.read_csv(src, index_col="point_id").head(5)
    old = old.drop(columns=[c for c in (*ds.RUN_COLUMNS, *ds.DESIGN) if c in old.columns])
    old.to_csv(ds.dataset_path("office", tmp_path))
    prov = {"weather": {"name": "tianjin", "epw_sha256": "ab" * 32}, "engine_version": "EnergyPlus x; idf-writer 2"}
    ds.provenance_path("office", tmp_path).write_text(json.dumps(prov))
    df = ds.load_dataset("office", tmp_path)
    assert (df["weather_id"] == "tianjin").all() and (df["weather_sha256"] == "ab" * 32).all()
    assert (df["engine_version"] == "EnergyPlus x; idf-writer 2").all()
    assert df[list(ds.DESIGN)].isna().all().all()
    assert list(ds.weather_files("office", tmp_path)) == ["tianjin"]


@pytest.mark.slow
def test_sampling_on_a_training_weather_records_each_run(tmp_path, session_cache):
    """Two EnergyPlus runs on a synthetic year: per-run provenance, design loads, resume, stale rows."""
    from simulator.energyplus import engine_version

    wid = "synthetic:dt=+1.5:ghi=1.25:rh=-15:amp=1.00:seed=101"
    df = ds.sample("office", 2, directory=tmp_path, cache=session_cache, workers=2, weather=wid, chunk=1)
    path = ds.dataset_path("office", tmp_path, wid)
    assert path.name == "office@synthetic_dt+1.5_ghi1.25_rh-15_amp1.00_seed101.csv"
    sha = ds.file_sha256(wx.epw_path(wid))
    assert list(df.index) == [0, 1]
    assert (df["weather_id"] == wid).all() and (df["weather_sha256"] == sha).all()
    assert (df["engine_version"] == engine_version()).all()
    assert (df[list(ds.DESIGN)] > 0).all().all()
    # the design heating load [W/m2] is above the hourly peak of the year only if the design day is
    # colder than the year's coldest hours; both are of the same order (within a factor 3)
    ratio = df["design_heating_w_m2"] / df["peak_heating_w_m2"]
    assert ((ratio > 1 / 3) & (ratio < 3)).all()
    assert ds.weather_files("office", tmp_path) == {wid: path}
    prov = ds.read_provenance("office", tmp_path, wid)
    assert prov["weather"]["name"] == wid and prov["weather"]["epw_sha256"] == sha and prov["stale_rows"] == 0

    # a stale row (another engine version) is run again and replaced; fresh rows are kept as they are
    raw = pd.read_csv(path, index_col="point_id", dtype={c: str for c in ds.RUN_COLUMNS})
    raw.loc[1, "engine_version"] = "EnergyPlus 0; idf-writer 0"
    raw.loc[0, "energyplus_s"] = 123.0  # marks a row that must not be rewritten
    raw.to_csv(path)
    ds.provenance_path("office", tmp_path, wid).write_text(json.dumps({**prov, "stale_rows": 1}))
    again = ds.sample("office", 2, directory=tmp_path, cache=session_cache, workers=2, weather=wid)
    assert (again["engine_version"] == engine_version()).all()
    assert again.loc[0, "energyplus_s"] == 123 and again.loc[1, "energyplus_s"] == 0  # from the run cache
    np.testing.assert_allclose(again["heating_kwh_m2"], df["heating_kwh_m2"], rtol=1e-5)
