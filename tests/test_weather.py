"""Tests of the weather package: EPW reading/writing, statistics, built-in year, morphing, CLI."""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import weather
from simulator.exceptions import UnknownNameError, WeatherError
from weather import cli, synthetic
from weather.epw import read_epw
from weather.heldout import CSWD, TMYX, skip_reason

needs_cswd = pytest.mark.skipif(not CSWD.is_file(), reason=skip_reason(CSWD))
needs_tmyx = pytest.mark.skipif(not TMYX.is_file(), reason=skip_reason(TMYX))

# Monthly table of /work/shared/weather/README.md for the CSWD file:
# mean DB, mean daily max, mean daily min [C], mean RH [%], GHI [kWh/m2], mean wind [m/s].
README_CSWD = {
    1: (-2.4, 3.1, -6.9, 73, 61.1, 2.1), 2: (-1.6, 3.7, -5.6, 73, 78.9, 1.9),
    3: (6.8, 13.1, 1.6, 76, 124.4, 2.6), 4: (14.4, 20.8, 8.9, 78, 145.7, 2.8),
    5: (20.7, 26.7, 14.6, 79, 175.3, 2.4), 6: (24.2, 29.3, 19.6, 79, 153.8, 2.1),
    7: (26.1, 30.2, 22.5, 79, 140.6, 1.7), 8: (25.5, 30.3, 21.6, 79, 137.6, 1.7),
    9: (20.7, 27.0, 15.5, 79, 125.6, 2.1), 10: (14.4, 20.0, 10.0, 78, 96.3, 2.1),
    11: (5.3, 11.0, 0.8, 75, 57.7, 2.0), 12: (-0.6, 5.0, -4.9, 74, 58.4, 1.9),
}
# README values are rounded to the digits shown, so a correct computation lies within half a
# unit of the last digit (plus float slack).
HALF_TENTH, HALF_UNIT = 0.0501, 0.501


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    """Never write into the user's cache from tests."""
    monkeypatch.setenv("HONGQIAO_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def builtin() -> weather.Weather:
    return weather.load("tianjin")


@pytest.fixture(scope="module")
def builtin_text(builtin) -> str:
    return builtin.to_epw_text()


@pytest.fixture(scope="module")
def cswd() -> weather.Weather:
    if not CSWD.is_file():
        pytest.skip(skip_reason(CSWD))
    return read_epw(CSWD)


@pytest.fixture(scope="module")
def cswd_stats(cswd) -> weather.ClimateStats:
    return weather.stats(cswd)


# ----------------------------------------------------------------------------- statistics


@needs_cswd
@pytest.mark.parametrize("month", range(1, 13))
def test_cswd_monthly_stats_match_readme(cswd_stats, month):
    row = cswd_stats.monthly.loc[month]
    t, tmax, tmin, rh, ghi, wind = README_CSWD[month]
    assert row["dry_bulb_mean_c"] == pytest.approx(t, abs=HALF_TENTH)
    assert row["dry_bulb_max_mean_c"] == pytest.approx(tmax, abs=HALF_TENTH)
    assert row["dry_bulb_min_mean_c"] == pytest.approx(tmin, abs=HALF_TENTH)
    assert row["rel_humidity_mean_pct"] == pytest.approx(rh, abs=HALF_UNIT)
    assert row["ghi_kwh_m2"] == pytest.approx(ghi, abs=HALF_TENTH)
    assert row["wind_speed_mean_m_s"] == pytest.approx(wind, abs=HALF_TENTH)


@needs_cswd
def test_cswd_annual_stats_match_readme(cswd_stats):
    s = cswd_stats
    assert s.annual["dry_bulb_mean_c"] == pytest.approx(12.9, abs=HALF_TENTH)
    assert s.annual["dry_bulb_max_mean_c"] == pytest.approx(18.4, abs=HALF_TENTH)
    assert s.annual["dry_bulb_min_mean_c"] == pytest.approx(8.2, abs=HALF_TENTH)
    assert s.annual["rel_humidity_mean_pct"] == pytest.approx(77, abs=HALF_UNIT)
    assert s.annual["ghi_kwh_m2"] == pytest.approx(1355, abs=HALF_UNIT)
    assert s.hdd18_kd == pytest.approx(2735, abs=HALF_UNIT)
    assert s.cdd26_kd == pytest.approx(56, abs=HALF_UNIT)
    assert s.cdd18_kd == pytest.approx(867, abs=HALF_UNIT)
    assert s.heating_season_mean_c == pytest.approx(-0.16, abs=0.0051)
    assert s.heating_season_hdd18_kd == pytest.approx(2198, abs=HALF_UNIT)
    assert s.days_mean_at_or_below_5c == 112
    assert (s.dry_bulb_min_c, s.dry_bulb_max_c) == (-13.9, 36.9)


@needs_tmyx
def test_tmyx_stats_match_readme():
    s = weather.stats(read_epw(TMYX))
    assert s.hdd18_kd == pytest.approx(2555, abs=HALF_UNIT)
    assert s.cdd26_kd == pytest.approx(136, abs=HALF_UNIT)
    assert s.heating_season_mean_c == pytest.approx(0.74, abs=0.0051)
    assert s.annual["ghi_kwh_m2"] == pytest.approx(1604, abs=HALF_UNIT)
    assert s.monthly["rel_humidity_mean_pct"].round().tolist() == [54, 52, 38, 44, 48, 55, 75, 74, 65, 57, 65, 44]


def test_stats_to_dict_is_json(builtin):
    d = weather.stats(builtin).to_dict()
    assert len(d["monthly"]["ghi_kwh_m2"]) == 12
    json.dumps(d)


# ----------------------------------------------------------------------------- built-in year


def test_builtin_meets_its_own_monthly_table(builtin):
    """The generator enforces the table's monthly means exactly (up to EPW rounding)."""
    table = synthetic.load_tianjin_monthly().table
    s = weather.stats(builtin)
    # dry bulb is written to 0.1 K: the monthly mean of rounded values is within ~0.01 K
    assert np.allclose(s.monthly["dry_bulb_mean_c"], table["dry_bulb_mean_c"], atol=0.05)
    # GHI is written in whole Wh/m2 per hour: rounding errors of ~400 hours sum to < 0.05 kWh/m2
    assert np.allclose(s.monthly["ghi_kwh_m2"], table["ghi_kwh_m2"], atol=0.05)
    # wind to 0.1 m/s, RH to 1 %: means within a small fraction of the last digit
    assert np.allclose(s.monthly["wind_speed_mean_m_s"], table["wind_speed_mean_m_s"], atol=0.02)
    assert np.allclose(s.monthly["rel_humidity_mean_pct"], table["rel_humidity_mean_pct"], atol=0.5)
    # the diurnal range is calibrated; the mean daily max/min also depend on the fixed diurnal shape
    assert np.allclose(s.monthly["dry_bulb_max_mean_c"], table["dry_bulb_max_mean_c"], atol=0.6)
    assert np.allclose(s.monthly["dry_bulb_min_mean_c"], table["dry_bulb_min_mean_c"], atol=0.6)


@needs_cswd
def test_builtin_close_to_cswd(builtin, cswd_stats):
    """Validation targets of the built-in year against the CSWD typical year."""
    s, ref = weather.stats(builtin), cswd_stats
    # monthly means come from the CSWD statistics: 0.7 K allows for a differently rounded table
    assert np.all(np.abs(s.monthly["dry_bulb_mean_c"] - ref.monthly["dry_bulb_mean_c"]) <= 0.7)
    # HDD18 depends mostly on the monthly means, with day-to-day spread in spring and autumn: 3 %
    assert s.hdd18_kd == pytest.approx(ref.hdd18_kd, rel=0.03)
    # CDD26 is a tail statistic of July/August (56 K d from ~40 days); one random year: 25 %
    assert s.cdd26_kd == pytest.approx(ref.cdd26_kd, rel=0.25)
    assert s.annual["ghi_kwh_m2"] == pytest.approx(ref.annual["ghi_kwh_m2"], rel=0.03)
    # the 99.6 % value rests on ~35 coldest hours of one year: 1.5 K
    assert s.heating_design_996_c == pytest.approx(ref.heating_design_996_c, abs=1.5)
    # Tianjin's hazy sky: diffuse share between CSWD's 0.42 and 0.55
    assert 0.40 <= s.diffuse_fraction <= 0.55
    # synoptic variability: SD of the day-to-day change of daily mean within 30 %
    assert s.daily_mean_change_sd_k == pytest.approx(ref.daily_mean_change_sd_k, rel=0.30)


@needs_tmyx
def test_builtin_humidity_realistic(builtin):
    """Dry winters and humid summers like the measured TMYx file, not CSWD's flat 73-79 %."""
    rh = weather.stats(builtin).monthly["rel_humidity_mean_pct"]
    rh_tmyx = weather.stats(read_epw(TMYX)).monthly["rel_humidity_mean_pct"]
    assert rh[[12, 1, 2]].mean() < 62
    assert rh[[7, 8]].mean() > 70
    # the table holds long-term normals (estimate); each TMYx month is one single year (March 2015
    # and December 2017 were dry), so months may differ by up to 15 %RH, the year by 8 %RH
    assert np.all(np.abs(rh - rh_tmyx) <= 15)
    assert abs(rh.mean() - rh_tmyx.mean()) <= 8
    d = builtin.data
    assert d["rel_humidity_pct"].between(1, 100).all()
    assert (d["dew_point_c"] <= d["dry_bulb_c"] + 0.1).all()


def test_builtin_physical_consistency(builtin):
    d = builtin.data
    night = d["ext_horizontal_wh_m2"] == 0
    assert (d.loc[night, ["ghi_wh_m2", "dni_wh_m2", "dhi_wh_m2"]] == 0).all().all()
    assert (d["dhi_wh_m2"] <= d["ghi_wh_m2"]).all()
    assert d["dni_wh_m2"].max() <= 1050
    assert (d["ghi_wh_m2"] <= d["ext_horizontal_wh_m2"]).all()
    assert d["total_sky_cover_tenths"].between(0, 10).all()
    hourly_t = d["dry_bulb_c"].to_numpy().reshape(365, 24).mean(axis=0)
    assert 13 <= int(np.argmax(hourly_t)) + 1 <= 16  # warmest around 15:00
    assert 4 <= int(np.argmin(hourly_t)) + 1 <= 8  # coldest around sunrise
    assert builtin.site.latitude_deg == pytest.approx(39.08)
    assert builtin.site.wmo == "545270" and builtin.site.source == "HQ-SYN"


def test_generation_is_deterministic_and_fast():
    climate = synthetic.load_tianjin_monthly()
    t0 = time.perf_counter()
    a = synthetic.generate_year(climate, synthetic.TIANJIN_SITE).to_epw_text()
    elapsed = time.perf_counter() - t0
    b = synthetic.generate_year(climate, synthetic.TIANJIN_SITE).to_epw_text()
    assert a == b
    other = synthetic.generate_year(climate, synthetic.TIANJIN_SITE, seed=1).to_epw_text()
    assert other != a
    assert elapsed < 2.0  # about 0.1 s measured; generous for a loaded CI machine


def test_builtin_header(builtin_text):
    lines = builtin_text.splitlines()
    assert len(lines) == 8 + 8760
    assert lines[0].startswith("LOCATION,Tianjin,Tianjin,CHN,HQ-SYN,545270,39.08,117.07,8.0,3.0")
    assert lines[3].startswith("GROUND TEMPERATURES,3,")
    assert lines[7] == "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31"
    assert all(len(line.split(",")) == 35 for line in lines[8:])
    assert lines[8].startswith("2017,1,1,1,0,")


def test_committed_files_carry_no_third_party_weather_text():
    root = Path(__file__).resolve().parents[1]
    files = [*root.joinpath("weather").rglob("*.py"), *root.joinpath("weather", "data").glob("*"),
             Path(__file__)]
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "CSWD China Standard" + " Weather" not in text, f
        assert "Climate.One" + "Building" not in text, f


# ----------------------------------------------------------------------------- read / write


def test_round_trip_builtin(builtin, tmp_path):
    path = builtin.to_epw(tmp_path / "t.epw")
    back = read_epw(path)
    pd.testing.assert_frame_equal(back.data, builtin.data)
    assert back.site == builtin.site
    assert back.header == builtin.header
    assert back.id == builtin.id == hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert back.name == "t" and back.source_path == path


@needs_cswd
def test_round_trip_cswd(cswd, tmp_path):
    back = read_epw(cswd.to_epw(tmp_path / "c.epw"))
    pd.testing.assert_frame_equal(back.data, cswd.data)
    assert back.site == cswd.site and back.header == cswd.header


@needs_cswd
def test_cswd_missing_dni_codes_are_filled_not_zeroed(cswd):
    """CSWD has five isolated DNI values >= 9999 (EnergyPlus's missing code): interpolated, not zeroed."""
    raw = pd.read_csv(CSWD, skiprows=8, header=None)[14].to_numpy()
    missing = np.flatnonzero(raw >= 9999)
    assert len(missing) == 5
    dni = cswd.data["dni_wh_m2"].to_numpy()
    assert np.allclose(dni[missing], (raw[missing - 1] + raw[missing + 1]) / 2)
    others = np.setdiff1d(np.arange(8760), missing)
    assert np.array_equal(dni[others], raw[others])
    assert cswd.id == hashlib.sha256(CSWD.read_bytes()).hexdigest()[:12]


def test_crlf_file_reads_the_same(builtin, builtin_text, tmp_path):
    path = tmp_path / "crlf.epw"
    path.write_bytes(builtin_text.replace("\n", "\r\n").encode())
    pd.testing.assert_frame_equal(read_epw(path).data, builtin.data)


def test_weather_data_is_read_only(builtin):
    d = builtin.data
    d.loc[0, "dry_bulb_c"] = 99.0
    d["extra"] = 1
    assert builtin.data.loc[0, "dry_bulb_c"] != 99.0
    assert "extra" not in builtin.data.columns


def test_weather_from_core_columns_only(builtin, tmp_path):
    core = builtin.data[list(weather.epw.CORE_COLUMNS)]
    w = weather.Weather(builtin.site, core, name="core")
    back = read_epw(w.to_epw(tmp_path / "core.epw"))
    pd.testing.assert_frame_equal(back.data[list(core.columns)], core)


def test_site_validation():
    with pytest.raises(WeatherError, match="latitude_deg"):
        weather.Site("X", "CHN", 100.0, 117.0, 8.0, 3.0, "0")


# ----------------------------------------------------------------------------- bad input


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "bad.epw"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _set_field(line: str, field: int, value: str) -> str:
    parts = line.split(",")
    parts[field] = value
    return ",".join(parts)


DB = 6  # 0-based index of the dry-bulb field


def _truncate(lines):
    return lines[:-100]


def _drop_field(lines):
    lines[19] = lines[19].rsplit(",", 1)[0]
    return lines


def _text_value(lines):
    lines[99] = _set_field(lines[99], DB, "abc")
    return lines


def _out_of_range(lines):
    lines[199] = _set_field(lines[199], DB, "85.0")
    return lines


def _long_gap(lines):
    for i in range(299, 309):
        lines[i] = _set_field(lines[i], DB, "99.9")
    return lines


def _blank_gap(lines):
    for i in range(299, 309):
        lines[i] = _set_field(lines[i], 13, "")
    return lines


def _header_order(lines):
    lines[1], lines[2] = lines[2], lines[1]
    return lines


def _bad_location(lines):
    lines[0] = _set_field(lines[0], 6, "north")
    return lines


def _calendar(lines):
    lines[500], lines[501] = lines[501], lines[500]
    return lines


def _extra_lines(lines):
    return lines + lines[-5:]


def _negative_ghi(lines):
    lines[4000] = _set_field(lines[4000], 13, "-5")
    return lines


def _non_integer_hour(lines):
    lines[600] = _set_field(lines[600], 3, "1.5")
    return lines


@pytest.mark.parametrize(("mangle", "line", "words"), [
    (_truncate, 8669, "truncated"),
    (_drop_field, 20, "34 fields"),
    (_text_value, 100, "not a number"),
    (_out_of_range, 200, "outside"),
    (_long_gap, 300, "missing"),
    (_blank_gap, 300, "missing"),
    (_header_order, 2, "expected header"),
    (_bad_location, 1, "must be numbers"),
    (_calendar, 501, "expected"),
    (_extra_lines, 8769, "8765 hourly data lines"),
    (_negative_ghi, 4001, "outside"),
    (_non_integer_hour, 601, "not an integer"),
])
def test_bad_input_names_file_and_line(builtin_text, tmp_path, mangle, line, words):
    path = _write(tmp_path, mangle(builtin_text.splitlines()))
    with pytest.raises(WeatherError) as err:
        read_epw(path)
    msg = str(err.value)
    assert str(path) in msg
    assert f"line {line}" in msg
    assert words in msg


def test_missing_file_is_weather_error(tmp_path):
    with pytest.raises(WeatherError, match="not found") as err:
        read_epw(tmp_path / "nope.epw")
    assert str(tmp_path / "nope.epw") in str(err.value)


def test_short_header_is_weather_error(tmp_path):
    path = _write(tmp_path, ["LOCATION,a,b,CHN,x,1,39,117,8,3"])
    with pytest.raises(WeatherError, match="line 2"):
        read_epw(path)


def test_short_gap_is_interpolated_not_zeroed(builtin_text, tmp_path, caplog):
    lines = builtin_text.splitlines()
    for i in range(1008, 1011):  # 3 h of missing dry bulb
        lines[i] = _set_field(lines[i], DB, "99.9")
    with caplog.at_level(logging.WARNING, logger="weather.epw"):
        w = read_epw(_write(tmp_path, lines))
    t = w.data["dry_bulb_c"].to_numpy()
    before, after = t[1000 - 1], t[1003]
    assert np.all((t[1000:1003] >= min(before, after) - 1e-9) & (t[1000:1003] <= max(before, after) + 1e-9))
    assert "filled 3 missing values" in caplog.text


def test_leap_year_drops_feb_29(builtin_text, tmp_path):
    lines = builtin_text.splitlines()
    feb28 = [i for i, ln in enumerate(lines[8:], start=8) if ln.split(",")[1:3] == ["2", "28"]]
    leap = [_set_field(lines[i], 2, "29") for i in feb28]
    lines[feb28[-1] + 1:feb28[-1] + 1] = leap
    w = read_epw(_write(tmp_path, lines))
    assert len(w.data) == 8760
    assert not ((w.data["month"] == 2) & (w.data["day"] == 29)).any()


# ----------------------------------------------------------------------------- morphing


def test_uniform_morph_shifts(builtin):
    deltas = weather.MonthlyDeltas.uniform(dry_bulb_mean_change_k=1.5, dry_bulb_max_change_k=1.2,
                                           dry_bulb_min_change_k=1.8, ghi_change_pct=5.0,
                                           rel_humidity_change_pct_points=-3.0, wind_speed_change_pct=-4.0)
    future = weather.morph(builtin, deltas)
    s0, s1 = weather.stats(builtin).monthly, weather.stats(future).monthly
    # the stretch term averages to zero within a month; 0.05 K covers the 0.1 K rounding of the file
    assert np.allclose(s1["dry_bulb_mean_c"] - s0["dry_bulb_mean_c"], 1.5, atol=0.05)
    # mean diurnal range changes by dTmax - dTmin = -0.6 K (daily extremes of rounded hourly values)
    dr = (s1["dry_bulb_max_mean_c"] - s1["dry_bulb_min_mean_c"]) - (s0["dry_bulb_max_mean_c"] - s0["dry_bulb_min_mean_c"])
    assert np.allclose(dr, -0.6, atol=0.1)
    # radiation is scaled; whole-Wh rounding keeps the ratio within 0.2 %
    assert np.allclose(s1["ghi_kwh_m2"] / s0["ghi_kwh_m2"], 1.05, atol=0.002)
    assert np.allclose(s1["rel_humidity_mean_pct"] - s0["rel_humidity_mean_pct"], -3.0, atol=0.1)
    assert np.allclose(s1["wind_speed_mean_m_s"] / s0["wind_speed_mean_m_s"], 0.96, atol=0.01)
    d = future.data
    assert (d["dew_point_c"] <= d["dry_bulb_c"] + 0.1).all()
    assert future.name == "tianjin-uniform" and future.id != builtin.id


@pytest.mark.parametrize(("scenario", "year"), [("ssp245", 2030), ("ssp245", 2050),
                                                ("ssp585", 2030), ("ssp585", 2050)])
def test_future_scenarios_apply_table(builtin, scenario, year):
    future = weather.load("tianjin", scenario=scenario, year=year)
    deltas = weather.future_deltas(scenario, year).table
    s0, s1 = weather.stats(builtin), weather.stats(future)
    shift = s1.monthly["dry_bulb_mean_c"] - s0.monthly["dry_bulb_mean_c"]
    assert np.allclose(shift, deltas["dry_bulb_mean_change_k"], atol=0.05)
    assert np.allclose(s1.monthly["ghi_kwh_m2"] / s0.monthly["ghi_kwh_m2"],
                       1 + deltas["ghi_change_pct"] / 100, atol=0.002)
    assert np.allclose(s1.monthly["rel_humidity_mean_pct"] - s0.monthly["rel_humidity_mean_pct"],
                       deltas["rel_humidity_change_pct_points"], atol=0.1)
    assert s1.hdd18_kd < s0.hdd18_kd and s1.cdd26_kd > s0.cdd26_kd
    g0 = weather.epw.parse_ground_temperatures(builtin.header.ground_temperatures)
    g1 = weather.epw.parse_ground_temperatures(future.header.ground_temperatures)
    assert np.mean(g1[0.5]) - np.mean(g0[0.5]) == pytest.approx(deltas["dry_bulb_mean_change_k"].mean(), abs=0.02)
    assert future.name == f"tianjin-{scenario}-{year}"


def test_future_deltas_magnitudes():
    """Annual warming vs 1995-2014 as stated in the table's header (estimate)."""
    expected = {("ssp245", 2030): 1.0, ("ssp245", 2050): 1.7, ("ssp585", 2030): 1.2, ("ssp585", 2050): 2.3}
    assert weather.future_scenarios() == sorted(expected)
    for (scenario, year), dt in expected.items():
        t = weather.future_deltas(scenario, year).table
        assert t["dry_bulb_mean_change_k"].mean() == pytest.approx(dt, abs=0.01)


# ----------------------------------------------------------------------------- library and cache


def test_unknown_names():
    with pytest.raises(UnknownNameError, match="tianjin"):
        weather.load("beijing")
    with pytest.raises(UnknownNameError, match="ssp245/2030"):
        weather.load("tianjin", scenario="ssp126", year=2050)
    with pytest.raises(WeatherError, match="both scenario and year"):
        weather.load("tianjin", scenario="ssp245")


def test_epw_path_writes_once(builtin, tmp_path):
    path = weather.epw_path("tianjin")
    assert path.parent == tmp_path / "cache" / "weather"
    assert path.name == f"tianjin-{builtin.id}.epw"
    assert hashlib.sha256(path.read_bytes()).hexdigest()[:12] == builtin.id
    mtime = path.stat().st_mtime_ns
    assert weather.epw_path("tianjin") == path and path.stat().st_mtime_ns == mtime
    future = weather.epw_path("tianjin", scenario="ssp585", year=2050)
    assert future.name.startswith("tianjin-ssp585-2050-") and future != path


def test_concurrent_cache_writes(builtin, tmp_path):
    directory = tmp_path / "shared-cache"
    with ThreadPoolExecutor(max_workers=4) as pool:
        paths = list(pool.map(lambda _: weather.write_cached_epw(builtin, directory), range(8)))
    assert len(set(paths)) == 1
    assert [p.name for p in directory.iterdir()] == [paths[0].name]  # no temporary files left
    assert read_epw(paths[0]).id == builtin.id


def test_import_has_no_side_effects(tmp_path):
    env = {**os.environ, "HONGQIAO_CACHE_DIR": str(tmp_path / "c"), "HOME": str(tmp_path / "h")}
    code = "import weather, weather.cli, weather.synthetic; import sys; sys.exit(0)"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path(__file__).resolve().parents[1])
    assert not (tmp_path / "c").exists() and not (tmp_path / "h").exists()


# ----------------------------------------------------------------------------- CLI


def _run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="retrofit")
    cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_tianjin_and_info(tmp_path, capsys, builtin):
    out = tmp_path / "tj.epw"
    assert _run_cli(["weather", "tianjin", "--out", str(out)]) == 0
    assert read_epw(out).id == builtin.id
    capsys.readouterr()
    assert _run_cli(["weather", "info", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["site"]["wmo"] == "545270"
    assert info["stats"]["hdd18_kd"] == pytest.approx(weather.stats(builtin).hdd18_kd, abs=0.01)
    assert _run_cli(["weather", "info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "| Jan |" in text and "HDD18" in text


def test_cli_future_year(tmp_path, capsys):
    out = tmp_path / "f.epw"
    assert _run_cli(["weather", "tianjin", "--out", str(out), "--scenario", "ssp245", "--year", "2050"]) == 0
    assert "tianjin-ssp245-2050" in capsys.readouterr().out


def test_cli_errors_propagate(tmp_path):
    with pytest.raises(WeatherError, match="not found"):
        _run_cli(["weather", "info", str(tmp_path / "missing.epw")])
    with pytest.raises(UnknownNameError):
        _run_cli(["weather", "tianjin", "--out", str(tmp_path / "x.epw"), "--scenario", "ssp1", "--year", "2050"])
    assert _run_cli(["weather"]) == 2


def test_held_out_paths_name_both_years_and_list_only_present_files(tmp_path):
    """weather.heldout: labels and file names of the real years; ``present`` keeps only existing files."""
    from weather import heldout

    assert heldout.CSWD.parent == heldout.TMYX.parent == heldout.FOLDER
    assert heldout.FOLDER == Path(__file__).resolve().parents[2] / "shared" / "weather"  # beside the repo
    assert heldout.paths() == {"CSWD": heldout.CSWD, "TMYx 2011-2025": heldout.TMYX}
    assert heldout.present(tmp_path) == {}  # an empty folder: nothing, no error
    (tmp_path / heldout.TMYX_NAME).write_text("x")
    assert heldout.present(tmp_path) == {"TMYx 2011-2025": tmp_path / heldout.TMYX_NAME}
    assert heldout.present(tmp_path / "absent") == {}
    assert heldout.CSWD_NAME in heldout.skip_reason(heldout.CSWD)
