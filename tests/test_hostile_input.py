"""Hostile and odd input (issue 10, input side): one test per class of bad input.

Each bad input must end in the project's own error naming the field or file
(exit status 2 and one line on the command line), never a traceback, never a
silent wrong result, never code execution. The wider catalogue (hundreds of
inputs through the installed ``retrofit`` command) is
``benchmarks/hostile_inputs.py``; property-based fuzzing is tests/test_fuzz.py.
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import archetypes
import weather
from buildings import measures as M
from simulator import cli
from simulator.app.uploads import MAX_UPLOAD_BYTES, display_name, public_message
from simulator.evaluate import Options
from simulator.exceptions import RetrofitError, UnknownNameError, ValidationError, WeatherError
from simulator.surrogate import persistence as ps_
from simulator.surrogate import space as sp
from simulator.surrogate import training as tr_
from weather.epw import MAX_EPW_BYTES, parse_epw, read_epw
from weather.library import resolve

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


@pytest.fixture(scope="module")
def epw_bytes(_isolated_cache_dir) -> bytes:
    """A valid EPW: the built-in Tianjin year as the project writes it."""
    return weather.load("tianjin").to_epw_text().encode("utf-8")


def _with_cell(blob: bytes, line: int, field: int, value: bytes) -> bytes:
    """``blob`` with field ``field`` (0-based) of line ``line`` (1-based) replaced."""
    lines = blob.split(b"\n")
    cells = lines[line - 1].split(b",")
    cells[field] = value
    lines[line - 1] = b",".join(cells)
    return b"\n".join(lines)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


# ----------------------------------------------------------------------------- EPW reader


def test_bom_and_crlf_read_as_the_same_weather(tmp_path, epw_bytes):
    plain = tmp_path / "plain.epw"
    plain.write_bytes(epw_bytes)
    bom = tmp_path / "bom.epw"
    bom.write_bytes(b"\xef\xbb\xbf" + epw_bytes.replace(b"\n", b"\r\n"))
    a, b = read_epw(plain), read_epw(bom)
    assert b.site == a.site  # the BOM is not part of LOCATION: same latitude, not 0 N 0 E
    pd.testing.assert_frame_equal(a.data, b.data)


def test_a_bom_file_reaches_energyplus_as_a_normalised_copy(tmp_path, epw_bytes):
    bom = tmp_path / "site.epw"
    bom.write_bytes(b"\xef\xbb\xbf" + epw_bytes)
    path = resolve(str(bom))
    assert path != bom and path.stem == "site"
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert read_epw(path).site == read_epw(bom).site
    clean = tmp_path / "clean.epw"
    clean.write_bytes(epw_bytes)
    assert resolve(str(clean)) == clean  # already normalised: used as it is


@pytest.mark.parametrize("value", [b"nan", b"NaN", b"inf", b"-inf", b"Infinity", b"1_0"])
def test_nan_and_inf_refused_with_line_and_field(tmp_path, epw_bytes, value):
    p = tmp_path / "x.epw"
    p.write_bytes(_with_cell(epw_bytes, 20, 6, value))
    with pytest.raises(WeatherError, match=r"line 20: field 7 \(dry_bulb_c\)"):
        read_epw(p)


@pytest.mark.parametrize(("field", "value", "name"), [
    (6, b"85", "dry_bulb_c"), (7, b"-90", "dew_point_c"), (8, b"150", "rel_humidity_pct"),
    (9, b"5000", "pressure_pa"), (13, b"-5", "ghi_wh_m2"), (15, b"2000", "dhi_wh_m2"),
    (21, b"80", "wind_speed_m_s"), (20, b"1e300", "wind_dir_deg"),
])
def test_impossible_values_refused(tmp_path, epw_bytes, field, value, name):
    p = tmp_path / "x.epw"
    p.write_bytes(_with_cell(epw_bytes, 100, field, value))
    with pytest.raises(WeatherError, match=rf"line 100: .*{name}"):
        read_epw(p)


def test_control_characters_refused(tmp_path, epw_bytes):
    p = tmp_path / "x.epw"
    p.write_bytes(epw_bytes.replace(b"Tianjin", b"Tian\x0cjin", 1))
    with pytest.raises(WeatherError, match="line 1: control character"):
        read_epw(p)


def test_non_regular_files_and_size_bound(tmp_path, epw_bytes):
    with pytest.raises(WeatherError, match="not a regular file"):
        read_epw("/dev/zero")
    with pytest.raises(WeatherError, match="a directory"):
        read_epw(tmp_path)
    fifo = tmp_path / "fifo.epw"
    os.mkfifo(fifo)
    with pytest.raises(WeatherError, match="not a regular file"):  # does not wait for a writer
        read_epw(fifo)
    big = tmp_path / "big.epw"
    with big.open("wb") as fh:
        fh.write(epw_bytes)
        fh.truncate(MAX_EPW_BYTES + 1)  # sparse: no disk used
    with pytest.raises(WeatherError, match="too large"):
        read_epw(big)


def test_weather_info_on_dev_zero_ends_quickly():
    exe = Path(sys.executable).with_name("retrofit")
    proc = subprocess.run([str(exe), "weather", "info", "/dev/zero"], capture_output=True, text=True,
                          timeout=60)  # it used to read until memory ran out
    assert proc.returncode == 2
    assert "not a regular file" in proc.stderr and "Traceback" not in proc.stderr


def test_site_text_fields_cannot_break_the_location_line():
    with pytest.raises(WeatherError, match="name"):
        weather.Site("A,B", "CHN", 39.0, 117.0, 8.0, 5.0, "1")
    with pytest.raises(WeatherError, match="state"):
        weather.Site("A", "CHN", 39.0, 117.0, 8.0, 5.0, "1", state="x\nDESIGN CONDITIONS")


# ----------------------------------------------------------------------------- built-in names


def test_built_in_weather_not_shadowed_by_working_directory(tmp_path, monkeypatch):
    (tmp_path / "tianjin").mkdir()
    (tmp_path / "tianjin.epw").write_text("garbage")
    monkeypatch.chdir(tmp_path)
    assert cli.weather_path("tianjin") == Path(weather.epw_path("tianjin"))
    with pytest.raises(UnknownNameError, match="tianjin"):
        cli.weather_path("beijing")
    with pytest.raises(WeatherError, match="tianjin.epw"):  # a file is reached by its path
        cli.weather_path("./tianjin.epw")


def test_planted_cached_weather_file_is_not_reused(tmp_path):
    w = weather.load("tianjin")
    path = weather.write_cached_epw(w, tmp_path)
    good = path.read_bytes()
    path.write_bytes(good.replace(b"LOCATION,Tianjin", b"LOCATION,Elsewhere", 1))  # same name, other content
    assert weather.write_cached_epw(w, tmp_path) == path
    assert path.read_bytes() == good


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("flag", "value"), [
    ("--subsidy-cny-m2", "nan"), ("--subsidy-cny-m2", "inf"), ("--subsidy-cny-m2", "-5"),
    ("--subsidy-cny-m2", "1e12"), ("--horizon", "10000000"), ("--horizon", "0"), ("--horizon", "2.5"),
    ("--horizon", "nan"), ("--discount-rate", "nan"), ("--discount-rate", "-inf"), ("--discount-rate", "5"),
])
def test_numeric_flags_refused_with_the_flag_name(capsys, flag, value):
    code, _, err = run_cli(capsys, "evaluate", "--archetype", "old_estate_pre1990", "--package", "envelope",
                           "--engine", "surrogate", flag, value)
    assert code == 2
    assert flag in err and "Traceback" not in err


@pytest.mark.parametrize("grid", ["nan", "inf", "-1", "1e300"])
def test_grid_number_refused(capsys, grid):
    code, _, err = run_cli(capsys, "evaluate", "--archetype", "old_estate_pre1990", "--package", "envelope",
                           "--engine", "surrogate", "--grid", grid)
    assert code == 2 and "grid" in err


@pytest.mark.parametrize("kwargs", [
    {"subsidy_cny_m2": float("nan")}, {"subsidy_cny_m2": math.inf}, {"horizon_years": 10**7},
    {"discount_rate": float("nan")}, {"grid": float("inf")}, {"subsidy_cny_m2": True},
])
def test_options_refuse_nonfinite_and_absurd(kwargs):
    with pytest.raises(ValidationError, match=next(iter(kwargs))):
        Options(**kwargs)


def test_surrogate_and_batch_counts_bounded(capsys):
    for argv in (("surrogate", "sample", "--family", "office", "--n", "1e9"),
                 ("surrogate", "check", "--archetype", "public_office", "--seed", "-1"),
                 ("batch", "--workers", "0")):
        code, _, err = run_cli(capsys, *argv)
        assert code == 2 and argv[-2] in err


# ----------------------------------------------------------------------------- measures


def test_duplicated_measure_parameter_refused():
    with pytest.raises(ValidationError, match="thickness_mm: given more than once"):
        M.measure("wall_insulation:thickness_mm=70:thickness_mm=90")


@pytest.mark.parametrize("value", ["1e999", "-1e999"])
def test_infinite_measure_parameter_refused(value):
    with pytest.raises(ValidationError, match="thickness_mm"):
        M.measure(f"wall_insulation:material=eps_board:thickness_mm={value}")
    with pytest.raises(ValidationError, match="finite"):
        M.Measure.of("wall_insulation", material="eps_board", thickness_mm=float("nan"))


# ----------------------------------------------------------------------------- archetype files


def _archetype(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "mine.toml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(("text", "field"), [
    ('meta = "x"\n', "meta"),
    ('[meta]\nbase = 5\n', "meta.base"),
    ('[meta]\nbase = "../../etc/passwd"\n', "archetype"),
    ('[meta]\nbase = "old_estate_pre1990"\n[constructions.wall]\nlayers = [{material = ["x"]}]\n',
     "constructions.wall.layers"),
    ('[meta]\nbase = "old_estate_pre1990"\n[operation]\nheating_setpoint_c = {x = 1}\n', "heating_setpoint_c"),
    ('name = "a\\u001b[2Jb"\n[meta]\nbase = "old_estate_pre1990"\n', "name"),
])
def test_archetype_type_confusion_is_a_clear_error(tmp_path, text, field):
    with pytest.raises(RetrofitError, match=field.replace(".", r"\.")):
        archetypes.load(_archetype(tmp_path, text))


def test_oversized_archetype_file_refused(tmp_path):
    p = tmp_path / "big.toml"
    p.write_text("# " + "x" * 2_000_000)
    with pytest.raises(ValidationError, match="larger than"):
        archetypes.load(p)


# ----------------------------------------------------------------------------- surrogate persistence


@pytest.fixture(scope="module")
def small_models(tmp_path_factory):
    """Models of every kind on a small synthetic dataset (no EnergyPlus), trained once."""
    from .test_surrogate import _write_synthetic_dataset

    d = tmp_path_factory.mktemp("surrogate-data")
    _write_synthetic_dataset(d, n=24)
    fam = sp.get_family("residential_walkup")
    out = {}
    for kinds in ({"heating": "gp", "cooling": "hgb", "peak_heating": "mlp", "peak_cooling": "hgb",
                   "window_solar": "gp"},):
        out["mixed"] = tr_.train(fam, d, kinds=kinds, cv=False)
    return fam, d, out


def test_reloaded_model_predicts_the_same(tmp_path, small_models):
    fam, _, models = small_models
    model, meta = models["mixed"]
    path = tmp_path / "m.npz"
    ps_.save_model(model, meta, path)
    again, meta2 = ps_.read_model(path, fam)
    X = pd.DataFrame({f.name: np.linspace(f.low, f.high, 50) for f in fam.features})
    pd.testing.assert_frame_equal(model.predict(X), again.predict(X), check_exact=True)
    np.testing.assert_array_equal(model.predict_std(X), again.predict_std(X))
    assert meta2 == json.loads(json.dumps(meta))
    with np.load(path, allow_pickle=False) as npz:  # the file is arrays only
        assert all(npz[k].dtype != object for k in npz.files)


def test_planted_pickle_never_runs_and_a_bad_file_is_reported(tmp_path, small_models, monkeypatch, caplog):
    fam, d, models = small_models
    canary = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {canary}",))

    path = ps_._cache_file(fam, d)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"metadata": {}, "model": Boom()}, path)  # a pickle at the model's own path
    joblib.dump({"metadata": {}, "model": Boom()}, path.with_suffix(".joblib"))  # and at the old one
    tr_._memo.cache_clear()
    with caplog.at_level(logging.WARNING, logger="simulator.surrogate.model"):
        model, _ = tr_.load_model(fam, d)
    assert not canary.exists()
    assert any(str(path) in r.getMessage() and "moved aside" in r.getMessage() for r in caplog.records)
    assert list(path.parent.glob(path.name + ".unreadable-*"))  # kept for inspection
    X = pd.DataFrame({f.name: [f.low] for f in fam.features})
    assert np.isfinite(model.predict(X).to_numpy()).all()
    tr_._memo.cache_clear()


def test_a_model_of_an_older_format_is_retrained_not_kept_aside(small_models, monkeypatch, caplog):
    """A cached model written by another version (MODEL_FORMAT) is stale, not broken: retrained, no file kept aside."""
    fam, d, models = small_models
    path = ps_._cache_file(fam, d)
    path.parent.mkdir(parents=True, exist_ok=True)
    model, meta = tr_.load_model(fam, d)
    with monkeypatch.context() as m:
        m.setattr(ps_, "MODEL_FORMAT", "older")
        ps_.save_model(model, meta, path)
    with pytest.raises(ps_.OtherModelFormat, match="'older'"):
        ps_.read_model(path, fam)
    before = set(path.parent.iterdir())
    tr_._memo.cache_clear()
    with caplog.at_level(logging.INFO, logger="simulator.surrogate.model"):
        again, _ = tr_.load_model(fam, d)
    assert any("stale" in r.getMessage() and "'older'" in r.getMessage() for r in caplog.records)
    assert set(path.parent.iterdir()) == before  # overwritten in place: no file moved aside (.unreadable-*)
    ps_.read_model(path, fam)  # now of this format
    tr_._memo.cache_clear()


def test_tampered_arrays_are_refused(tmp_path, small_models):
    fam, _, models = small_models
    model, meta = models["mixed"]
    path = tmp_path / "m.npz"
    ps_.save_model(model, meta, path)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    state = json.loads(arrays["state.json"].tobytes())
    state["model"]["groups_"]["heating"]["kind"] = "os.system"
    arrays["state.json"] = np.frombuffer(json.dumps(state).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ValidationError, match="unknown regressor kind"):
        ps_.read_model(path, fam)


# ----------------------------------------------------------------------------- app uploads


def test_upload_names_and_messages_are_safe():
    assert display_name("..") == "upload.epw"
    assert display_name("../../etc/passwd") == "passwd"
    assert len(display_name("x" * 300 + ".epw")) <= 80
    assert "/tmp" not in public_message("/tmp/tmpab12/upload.epw: line 9: bad")
    assert public_message("12 kWh/m2 in 1/2 of the year") == "12 kWh/m2 in 1/2 of the year"


def test_streamlit_upload_limit_matches_the_code():
    import tomllib

    cfg = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["maxUploadSize"] * 1_000_000 >= MAX_UPLOAD_BYTES > 2_000_000  # an EPW fits


@pytest.fixture()
def climate_page(_isolated_cache_dir):
    # the page on its own: the app's first page would train the surrogate (~40 s in a fresh cache)
    at = AppTest.from_file(str(Path(APP).parent / "simulator" / "app" / "pages" / "climate.py"),
                           default_timeout=300)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    return at


def test_upload_site_name_is_plain_text_and_hostile_names_work(climate_page, epw_bytes):
    hostile = epw_bytes.replace(b"LOCATION,Tianjin", b"LOCATION,![x](http://evil.example/x.png) [a](http://e)", 1)
    climate_page.file_uploader(key="cl_upload").upload("..", hostile).run()
    assert not climate_page.exception
    assert not climate_page.error
    texts = [x.value for x in climate_page.text]
    assert any("![x](http://evil.example/x.png)" in v for v in texts)  # shown literally
    assert not any("evil.example" in m.value for m in climate_page.markdown)


def test_upload_errors_name_the_file_not_the_server(climate_page, epw_bytes):
    bad = _with_cell(epw_bytes, 30, 6, b"nan")
    climate_page.file_uploader(key="cl_upload").upload("a/../" + "y" * 300 + ".epw", bad).run()
    assert not climate_page.exception and climate_page.error
    message = " ".join(x.value for x in climate_page.text)
    assert "line 30" in message and "dry_bulb_c" in message
    assert "/tmp" not in message and "/work" not in message


def test_upload_over_the_limit_refused(climate_page):
    climate_page.file_uploader(key="cl_upload").upload("big.epw", b"0" * (MAX_UPLOAD_BYTES + 1)).run()
    assert not climate_page.exception and climate_page.error
    assert "limit" in " ".join(x.value for x in climate_page.text)


def test_parse_epw_of_upload_bytes_names_the_label(epw_bytes):
    with pytest.raises(WeatherError, match="^mine.epw: line 30"):
        parse_epw(_with_cell(epw_bytes, 30, 8, b"inf"), "mine.epw")
