"""The app's EnergyPlus check and presets without a browser: EnergyPlus's own progress, the verify
process, the job queue's progress, the surrogate's error band, archetype-aware presets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import date

import pytest

import archetypes
from buildings import measures as M
from simulator.app.choices import from_preset
from simulator.app.jobs import JobQueue
from simulator.app.presets import default_preset, presets_for, worse_parts
from simulator.runner import progress_of_line

#: The builder's first state on the old estate: its default preset and the sidebar's defaults
#: (the AppTest of the verify panel asks for the same package, so its EnergyPlus runs are cache hits).
REQUEST = {"archetype": "old_estate_pre1990", "choices": from_preset("envelope").as_dict(),
           "assumptions": {"grid": "north_china_2023", "discount_rate": 0.08, "horizon_years": 20,
                           "subsidy_cny_m2": 0.0}}


def test_progress_of_energyplus_lines_by_hand():
    # the lines EnergyPlus 25.2 prints on an annual run (seen in a run of old_estate_pre1990)
    assert progress_of_line("Warming up {1}", None) == (None, None)
    assert progress_of_line("Continuing Simulation at 01/21/2007 for ANNUAL", None) == (None, None)  # before start
    assert progress_of_line("Starting Simulation at 01/01/2007 for ANNUAL", None) == (0.0, 1)
    f, start = progress_of_line("Continuing Simulation at 01/21/2007 for ANNUAL", 1)
    assert start == 1 and f == pytest.approx(20 / 365)
    f, _ = progress_of_line(" Continuing Simulation at 12/27 for ANNUAL", 1)
    assert f == pytest.approx((date(2001, 12, 27).timetuple().tm_yday - 1) / 365)
    assert progress_of_line("Writing final SQL reports", 1) == (1.0, 1)
    assert progress_of_line("Continuing Simulation at 02/30/2007", 1) == (None, 1)  # no such day


def test_job_queue_passes_progress_that_only_grows():
    q = JobQueue(max_running=1, max_queued=2)
    gate, reported = threading.Event(), threading.Event()

    def work(progress):
        progress(0.4, "a")
        progress(0.2, "b")  # a late, smaller report does not move the bar back
        progress(7.0)  # clamped to 1
        reported.set()
        gate.wait(10)
        return "ok"

    job_id = q.submit(work, reports_progress=True)
    assert reported.wait(10)
    job = q.status(job_id)
    assert job.state == "running" and job.progress == 1.0 and job.detail is None
    gate.set()
    deadline = time.time() + 10
    while q.status(job_id).state != "done" and time.time() < deadline:
        time.sleep(0.05)
    assert q.status(job_id).result == "ok"
    q.shutdown()


def test_verify_process_reports_energyplus_progress_and_the_library_result(_isolated_cache_dir):
    """`python -m simulator.app.verify_job`: EnergyPlus's own progress for both runs, then the same
    result as the library's EnergyPlus evaluation (which then reads the runs from the run cache)."""
    from simulator.app.choices import Choices, options_from
    from simulator.evaluate import evaluate
    from simulator.reports.report import summarise

    proc = subprocess.run([sys.executable, "-m", "simulator.app.verify_job"], input=json.dumps(REQUEST),
                          capture_output=True, text=True, timeout=600, env=os.environ.copy())
    messages = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0, proc.stderr[-2000:]
    steps = [m["cases"] for m in messages if "cases" in m]
    # one report per shading update (every 20 simulated days: 18 a year) per run, at least
    assert len(steps) >= 18
    for i in (0, 1):
        series = [s[i] for s in steps]
        assert series == sorted(series) and series[-1] == 1.0
    assert "streamlit" not in proc.stderr.lower()  # nothing of the app was imported or run
    result = messages[-1]["result"]
    ev = evaluate(archetypes.load(REQUEST["archetype"]), Choices(**REQUEST["choices"]).measures(),
                  engine="energyplus", options=options_from(REQUEST["assumptions"]))
    expected = summarise(ev)  # exact: the same runs (from the cache), the same rounding, JSON keeps floats
    assert result["engine"] == expected["engine"] and result["engine"].startswith("EnergyPlus")
    for side in ("baseline", "retrofit"):
        for key in ("heating_kwh_m2", "cooling_kwh_m2", "co2_kg", "bills_cny"):
            assert result[side][key] == expected[side][key], (side, key)


def test_verify_process_reports_a_bad_request_as_a_message():
    bad = {**REQUEST, "archetype": "no_such_building"}
    proc = subprocess.run([sys.executable, "-m", "simulator.app.verify_job"], input=json.dumps(bad),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    message = json.loads(proc.stdout.splitlines()[-1])["error"]
    assert "no_such_building" in message and "Traceback" not in message


def test_disagreements_beyond_the_band_by_hand():
    from simulator.app.verify import disagreements

    sur = {"baseline": {"heating_kwh_m2": 100.0, "cooling_kwh_m2": 10.0},
           "retrofit": {"heating_kwh_m2": 60.0, "cooling_kwh_m2": 11.0}}
    ep = {"baseline": {"heating_kwh_m2": 101.0, "cooling_kwh_m2": 10.2},
          "retrofit": {"heating_kwh_m2": 57.0, "cooling_kwh_m2": 11.0}}
    band = {"heating_kwh_m2": 1.5, "cooling_kwh_m2": 0.5}
    found = disagreements(sur, ep, band)
    assert [(k, side) for k, side, _, _ in found] == [("heating_kwh_m2", "retrofit")]
    assert found[0][2] == pytest.approx(3.0) and found[0][3] == 1.5


def test_outside_the_interval_by_hand():
    from simulator.app.verify import outside_interval

    sur = {"intervals_90": {"baseline": {"heating_kwh_m2": [98.0, 102.0], "cooling_kwh_m2": [9.5, 10.5]},
                            "retrofit": {"heating_kwh_m2": [58.0, 62.0], "cooling_kwh_m2": [10.5, 11.5]}}}
    ep = {"baseline": {"heating_kwh_m2": 101.0, "cooling_kwh_m2": 10.5},
          "retrofit": {"heating_kwh_m2": 57.0, "cooling_kwh_m2": 11.0}}
    assert outside_interval(sur, ep) == [("heating_kwh_m2", "retrofit", 57.0, 58.0, 62.0)]  # the edge is inside
    assert outside_interval({"intervals_90": {}}, ep) is None  # EnergyPlus results carry no interval


def test_presets_fit_the_building_type():
    for name in archetypes.names():
        b_type = archetypes.load(name).building_type
        offered = presets_for(name)
        for p in M.packages():
            types = M.packages()[p].get("building_types")
            assert (p in offered) == (types is None or b_type in types), (name, p)
    assert "public_light_envelope" not in presets_for("old_estate_pre1990")
    assert "envelope" not in presets_for("public_office") and "public_light_envelope" in presets_for("public_school")


def test_a_preset_that_installs_worse_windows_is_flagged_and_never_the_default():
    """The issue's case: the old-estate envelope preset's PVC windows on the five-step tower's better ones."""
    tower = archetypes.load("five_step_residential")
    pvc_u = M.kind_data("window_replacement")["levels"]["pvc_double"]["u_value_w_m2k"]["value"]
    assert pvc_u > tower.u_values_w_m2k()["window"]  # what makes the preset worse there, from the data
    assert worse_parts("five_step_residential", "envelope") == ("window",)
    assert worse_parts("old_estate_pre1990", "envelope") == ()
    for name in archetypes.names():
        d = default_preset(name)
        assert d == "custom" or (d in presets_for(name) and worse_parts(name, d) == ())
    assert default_preset("old_estate_pre1990") == "envelope"  # the first preset: it fits the old estate


# ---------------------------------------------------------------- the same, in the page (AppTest)
def _comparison(at):
    return next((d.value for d in at.table if "EnergyPlus" in d.value.columns), None)


def test_verify_result_stays_with_its_package_when_the_inputs_change(_isolated_cache_dir):
    """The check runs (its two EnergyPlus runs are cache hits after the test above), then the wall slider
    moves: the result stays on the page, labelled as another package's, until the inputs match again."""
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, PAGE

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "en"
    at.switch_page(PAGE.format("builder")).run()
    assert at.session_state["choices"] == REQUEST["choices"]  # the old estate starts on its default preset
    at.button(key="verify").click().run()
    deadline = time.time() + 600
    while _comparison(at) is None and time.time() < deadline:
        time.sleep(1)
        at.run()
    assert not at.exception
    table = _comparison(at)
    assert table is not None, [e.value for e in at.error]
    assert not any("another package" in i.value for i in at.info)
    # the comparison says whether EnergyPlus lies inside the surrogate's 90 % interval (one of the two)
    inside = [c for c in at.caption if c.value.startswith("EnergyPlus lies inside the surrogate's 90 % interval")]
    outside = [w for w in at.warning if w.value.startswith("EnergyPlus lies outside the surrogate's 90 % interval")]
    assert len(inside) + len(outside) == 1
    at.slider(key="b_wall_mm").set_value(150).run()
    assert not at.exception
    assert any(i.value.startswith("EnergyPlus check of another package") and "wall EPS 70 mm" in i.value
               for i in at.info)
    assert _comparison(at) is not None and _comparison(at).equals(table)  # the same run, against its own package
    at.slider(key="b_wall_mm").set_value(70).run()
    assert not any("another package" in i.value for i in at.info) and _comparison(at) is not None


def test_builder_presets_follow_the_archetype(_isolated_cache_dir):
    """On the five-step tower the builder starts from a preset that makes nothing worse; the old-estate
    envelope preset is offered with its warning and, applied, warns about the windows."""
    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, PAGE, preset_box

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "en"
    at.session_state["archetype"] = "five_step_residential"
    at.switch_page(PAGE.format("builder")).run()
    assert not at.exception
    box = preset_box(at)
    assert box.value == default_preset("five_step_residential")
    assert not any("raises the U-value" in w.value for w in at.warning)
    labels = dict(zip(box.options, ["custom", *presets_for("five_step_residential")], strict=True))
    flagged = [p for label, p in labels.items() if "⚠" in label]
    assert flagged == [p for p in presets_for("five_step_residential") if worse_parts("five_step_residential", p)]
    assert "envelope" in flagged
    box.set_value("envelope").run()
    assert any("raises the U-value of: Window" in w.value for w in at.warning)
    # an office is offered the public-building preset, not the housing ones; its note speaks of the owner
    at.radio(key="archetype").set_value("public_office").run()
    assert not at.exception
    assert preset_box(at).options == ["Custom", *[labels_en(p) for p in presets_for("public_office")]]
    assert not any("households" in i.value for i in at.info)


def labels_en(preset: str) -> str:
    from simulator.app.presets import short_name

    return short_name(preset, "en")


# ---------------------------------------------------------------- the builder's weather
def test_weather_keys_labels_and_uploads():
    import base64

    import weather
    from simulator.app import weather_choice as W
    from simulator.app.verify_job import weather_of
    from simulator.energyplus import normalised_epw
    from simulator.exceptions import UnknownNameError, WeatherError

    keys = W.builtin_keys()
    assert keys[0] == "tianjin" and len(keys) == 1 + len(weather.future_scenarios())
    for key in keys:
        for lang in ("zh", "en"):
            assert "ssp" not in W.label(key, lang) and ":" not in W.label(key, lang)  # no raw identifiers
        assert W.load_builtin(key).id == weather_of(key).id
    with pytest.raises(UnknownNameError):
        W.load_builtin("tianjin:ssp999:2100")
    # an uploaded copy of the built-in year is the built-in year, byte for byte where EnergyPlus reads it
    data = weather.epw_path("tianjin").read_bytes()
    assert W.upload_key(data) == W.upload_key(bytes(data)) and W.is_upload(W.upload_key(data))
    copy = weather_of({"epw_b64": base64.b64encode(data).decode(), "name": "copy.epw"})
    assert normalised_epw(copy).sha256 == normalised_epw(weather.load("tianjin")).sha256
    with pytest.raises(WeatherError, match="garbage.epw"):
        weather_of({"epw_b64": base64.b64encode(b"\x00not an epw").decode(), "name": "garbage.epw"})


def test_builder_weather_and_intervals(_isolated_cache_dir):
    """The weather picked in the builder is the one evaluated: a warmer future year (SSP5-8.5, 2050) needs less
    heating and is named under the results. The heating carries the surrogate's 90 % interval, around it."""
    import re

    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP, PAGE, metric, number

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "en"
    at.switch_page(PAGE.format("builder")).run()
    today = number(metric(at, "Heating"))
    caption = next(c.value for c in at.caption if c.value.startswith("Surrogate's 90 % interval"))
    lo, hi = (float(x) for x in re.search(r"package ([\d.]+)–([\d.]+) kWh/m²", caption).groups())
    assert lo <= today <= hi and lo < hi
    assert re.search(r"heating saved \d+–\d+ %", caption)
    future = next(k for k in at.selectbox(key="b_weather").options if "2050" in k and "SSP5-8.5" in k)
    at.selectbox(key="b_weather").set_value("tianjin:ssp585:2050").run()
    assert not at.exception
    assert at.selectbox(key="b_weather").value == "tianjin:ssp585:2050"
    assert 0 < number(metric(at, "Heating")) < today
    assert any(future in c.value for c in at.caption)  # the weather is named under the results
