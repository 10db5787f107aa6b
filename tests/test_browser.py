"""End to end in a real headless Chromium: `streamlit run` on localhost, every page renders.

Screenshots of each page are saved in tests/artifacts/ (kept out of git).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from tests.appdriver import (
    APP_IDLE_JS,
    CHROMIUM_ARGS,
    builder_heating_kwh_m2,
    chromium_path,
    cpu_seconds,
    start_server,
    stop_server,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PAGES = ["explorer", "builder", "compare", "climate"]
# issue 16: a projector at 1024 px and a 390 x 844 phone, each page in both languages
SIZES = {"1024": {"width": 1024, "height": 768}, "phone": {"width": 390, "height": 844}}
# Streamlit scrolls inside its main block, so a screenshot shows the viewport: tall ones show the page
SHOT_SIZES = {"1024": {"width": 1024, "height": 2200}, "phone": {"width": 390, "height": 2600}}
# metric labels and values, and widget labels (toggles: "Heat metering an..."), whose text is cut off
# (an ellipsis: wider content than box)
TRUNCATED_JS = """() => [...document.querySelectorAll(
  '[data-testid="stMetricLabel"] p, [data-testid="stMetricValue"] div, [data-testid="stWidgetLabel"] .stMarkdownEllipsis')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


# select boxes whose shown value is wider than the box (long archetype, grid, preset or package names were cut
# at 1024 px, issue 16); the value is the text of the box's input, whose scrollWidth is the text's width
SELECT_CUT_JS = """() => [...document.querySelectorAll('[data-testid="stSelectbox"] input[role="combobox"]')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => `${e.value} (${e.scrollWidth} > ${e.clientWidth} px)`)"""


# the verify bar's text, read at once (the bar goes away when the run ends)
PROGRESS_TEXT_JS = """() => { const e = document.querySelector('[data-testid="stProgress"]'); return e ? e.innerText : ''; }"""


def chromium() -> str:
    try:
        return chromium_path()
    except FileNotFoundError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def server(_isolated_cache_dir):
    try:
        proc, url = start_server(env={**os.environ, "HONGQIAO_CACHE_DIR": str(_isolated_cache_dir)})
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield SimpleNamespace(url=url, pid=proc.pid, log_path=proc.log_path)
    stop_server(proc)


def wait_rendered(page, timeout_s: float = 300) -> None:
    """Wait until the page has been idle (APP_IDLE_JS) for 1 s."""
    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    deadline = time.time() + timeout_s
    quiet_since = None
    while time.time() < deadline:
        if not page.evaluate(APP_IDLE_JS):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since > 1.0:
            return
        time.sleep(0.2)
    raise AssertionError("page did not finish rendering")


def first_metric(page, label: str | None = None) -> list[str]:
    """The first metric's lines (label, value, delta), or the first one whose text has ``label`` (waited for)."""
    loc = page.locator('[data-testid="stMetric"]')
    if label is not None:
        loc = loc.filter(has_text=label)
        loc.first.wait_for(timeout=60_000)
    return loc.first.inner_text().split("\n")


def test_every_page_renders_in_chromium(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for name in PAGES:
            page.goto(f"{server.url}/{name}")
            wait_rendered(page)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            assert page.locator('[data-testid="stException"]').count() == 0, f"{name}: exception shown"
            assert page.locator(".js-plotly-plot").count() > 0, f"{name}: no chart rendered"
        # a point of the Pareto front opens its package in the builder
        page.goto(f"{server.url}/compare")
        wait_rendered(page)
        page.locator(".js-plotly-plot .scatterlayer .trace").nth(1).locator(".point").nth(2).click(force=True)
        wait_rendered(page)
        selected = [ln for ln in page.locator("body").inner_text().splitlines() if ln.startswith("已选")]
        assert len(selected) == 1, "clicking a chart point selects no package"
        page.get_by_role("button", name="在方案页打开").click()
        wait_rendered(page)
        assert urlparse(page.url).path.endswith("/builder")
        wall = re.search(r"外墙\S+ (\d+) mm", selected[0])
        assert page.get_by_role("slider").first.get_attribute("aria-valuetext") == (wall.group(1) if wall else "0")
        assert page.locator('[data-testid="stException"]').count() == 0
        # a garbage upload gives a message in the page, and the app keeps working
        page.goto(f"{server.url}/climate")
        wait_rendered(page)
        page.locator('input[type="file"]').set_input_files(
            files=[{"name": "garbage.epw", "mimeType": "application/octet-stream", "buffer": b"\x00\x01not an epw"}])
        wait_rendered(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() > 0
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "climate_bad_upload.png"), full_page=True)
        # the builder reacts to a widget: switch the language and see English labels
        page.goto(f"{server.url}/builder")
        wait_rendered(page)
        page.get_by_text("English").click()
        wait_rendered(page)
        assert page.get_by_text("Package builder").count() > 0
        # a slider moved with the keyboard reaches the server: the heating shown is the
        # library's for the new wall thickness (envelope preset, 70 -> 100 mm)
        before = first_metric(page)
        slider = page.get_by_role("slider").first
        slider.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        deadline = time.time() + 120
        while first_metric(page) == before and time.time() < deadline:
            time.sleep(0.2)
        wait_rendered(page)
        assert slider.get_attribute("aria-valuetext") == "100"
        shown = float(first_metric(page)[2])
        assert shown == pytest.approx(builder_heating_kwh_m2(wall_mm=100), abs=0.05)
        assert shown < float(before[2])
        # an open page costs the server nothing while nobody touches it (Streamlit's file
        # watcher once held a core at 100 % here; .streamlit/config.toml turns it off)
        cpu0 = cpu_seconds(server.pid)
        time.sleep(3)
        assert cpu_seconds(server.pid) - cpu0 < 0.5
        browser.close()
    assert errors == []


def test_two_sessions_keep_their_own_inputs(server):
    """Two visitors at once move the same slider to different places; each sees only their own number."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        pages = [browser.new_context(viewport={"width": 1300, "height": 1400}).new_page() for _ in range(2)]
        for page in pages:
            page.goto(f"{server.url}/builder")
        for page in pages:
            wait_rendered(page)
        before = [first_metric(page) for page in pages]
        assert before[0] == before[1]  # both start on the envelope preset (70 mm)
        # session 0 goes to 100 mm, session 1 to 0 mm; keys go to both before either waits
        for page, key, presses in [(pages[0], "ArrowRight", 3), (pages[1], "ArrowLeft", 7)]:
            page.get_by_role("slider").first.focus()
            for _ in range(presses):
                page.keyboard.press(key)
        for page, b in zip(pages, before, strict=True):
            deadline = time.time() + 120
            while first_metric(page) == b and time.time() < deadline:
                time.sleep(0.2)
            wait_rendered(page)
        walls = [page.get_by_role("slider").first.get_attribute("aria-valuetext") for page in pages]
        shown = [float(first_metric(page)[2]) for page in pages]
        browser.close()
    assert walls == ["100", "0"]
    assert shown[0] == pytest.approx(builder_heating_kwh_m2(wall_mm=100), abs=0.05)
    assert shown[1] == pytest.approx(builder_heating_kwh_m2(wall_mm=0), abs=0.05)



def test_phone_headline_stays_in_view_and_screens_at_1024_and_phone(server):
    """On a phone the compact headline stays in view while a slider moves (and shows the new number);
    each page is screenshot at 1024 px and phone size in both languages; the report built on request
    downloads with its colours (no placeholder colorway)."""
    from playwright.sync_api import sync_playwright

    from simulator.app.main import PAGE_FILES

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        phone = browser.new_page(viewport=SIZES["phone"], device_scale_factor=1)
        phone.goto(f"{server.url}/builder")
        wait_rendered(phone)
        headline = phone.locator(".st-key-headline")
        before = headline.inner_text()
        slider = phone.get_by_role("slider").last  # the PV share, two screens below the title
        slider.scroll_into_view_if_needed()
        slider.focus()
        t0 = time.time()
        for _ in range(3):
            phone.keyboard.press("ArrowRight")
        deadline = time.time() + 120
        while headline.inner_text() == before and time.time() < deadline:
            time.sleep(0.05)
        slider_to_number_s = time.time() - t0
        box = headline.bounding_box()
        assert headline.inner_text() != before, "the headline did not follow the slider"
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= SIZES["phone"]["height"], box
        # and nothing covers it (Streamlit's header bar once did): the point at its middle is the headline's
        assert headline.evaluate("""e => { const r = e.getBoundingClientRect();
            return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"""), box
        print(f"phone: slider to headline number {slider_to_number_s:.1f} s (wall clock, shared machine)")
        wait_rendered(phone)
        phone.screenshot(path=str(ARTIFACTS / "builder_phone_slider.png"))
        # every page, both languages, 1024 px and phone
        for size, viewport in SHOT_SIZES.items():
            page = browser.new_page(viewport=viewport)
            for lang in ("zh", "en"):
                for name in (PAGE_FILES if lang == "zh" else ("explorer", "builder")):
                    page.goto(f"{server.url}/{name}?lang={lang}")
                    wait_rendered(page)
                    assert page.locator('[data-testid="stException"]').count() == 0, f"{name} {lang} {size}"
                    page.screenshot(path=str(ARTIFACTS / f"{name}_{lang}_{size}.png"))
                    assert page.evaluate(TRUNCATED_JS) == [], f"{name} {lang} {size}: key figures cut off"
                    if size == "1024":
                        assert page.evaluate(SELECT_CUT_JS) == [], f"{name} {lang} {size}: select box values cut"
            page.close()
        # the report, built on request, downloads with its colours
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{server.url}/builder?lang=en")
        wait_rendered(page)
        assert page.get_by_role("button", name="Download report (HTML)").count() == 0  # not built on every run
        page.get_by_role("button", name="Prepare the report (HTML, PDF, CSV, Excel)").click()
        wait_rendered(page)
        with page.expect_download() as dl:
            page.get_by_role("button", name="Download report (HTML)").click()
        html = Path(dl.value.path()).read_text(encoding="utf-8")
        assert "#000001" not in html and "#d62728" in html and "#1f77b4" in html
        assert dl.value.suggested_filename.startswith("retrofit_old_estate_pre1990_")
        browser.close()


def test_verify_shows_energyplus_progress_and_keeps_its_result(server):
    """Verify with EnergyPlus: the bar follows EnergyPlus's own progress (the simulated date), the result
    stays on the page labelled with its package when an input moves, and the server never re-ran the app
    script in worker processes (that printed Streamlit's "missing ScriptRunContext" warnings, 45 a run)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{server.url}/builder?lang=en")
        wait_rendered(page)
        # 90 mm walls: a package no other test runs, so its retrofit is simulated now, not read from the cache
        slider = page.get_by_role("slider").first
        slider.focus()
        for _ in range(2):
            page.keyboard.press("ArrowRight")
        wait_rendered(page)
        assert slider.get_attribute("aria-valuetext") == "90"
        page.get_by_role("button", name="Verify with EnergyPlus").click()
        shown = set()
        deadline = time.time() + 600
        while page.get_by_text("Surrogate vs EnergyPlus").count() == 0 and time.time() < deadline:
            m = re.search(r"(\d+) % of the year simulated", page.evaluate(PROGRESS_TEXT_JS))
            if m:
                shown.add(int(m.group(1)))
            time.sleep(0.3)
        wait_rendered(page)
        assert page.get_by_text("Surrogate vs EnergyPlus").count() == 1, "no EnergyPlus result"
        assert any(0 < pct < 100 for pct in shown), f"the bar showed no progress between 0 and 100 %: {shown}"
        # the comparison on a projector and a phone: Streamlit scrolls inside its main block, so a screenshot holds
        # only the viewport; the table is scrolled to the middle of it and must lie inside the captured area
        for size in ("1024", "phone"):
            page.set_viewport_size(SIZES[size])
            table = page.locator('.st-key-verify_result [data-testid="stTable"]')
            table.evaluate("e => e.scrollIntoView({block: 'center'})")
            time.sleep(0.5)  # the scroll and the new layout settle
            box = table.bounding_box()
            assert box is not None and box["height"] > 50, f"{size}: no comparison table shown: {box}"
            assert 0 <= box["y"] and box["y"] + box["height"] <= SIZES[size]["height"], (size, box)
            assert 0 <= box["x"] and box["x"] + box["width"] <= SIZES[size]["width"], (size, box)
            # every column in view: the EnergyPlus and difference columns are not scrolled off the right edge
            assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), f"{size}: the table scrolls sideways"
            last = table.locator("th").last.bounding_box()
            assert last is not None and last["x"] + last["width"] <= box["x"] + box["width"] + 1, (size, last, box)
            assert "EnergyPlus" in table.inner_text() and "Difference" in table.inner_text()
            page.screenshot(path=str(ARTIFACTS / f"builder_verify_done_{size}.png"))
        page.set_viewport_size({"width": 1280, "height": 1400})
        # the wall slider moves on: the result stays, labelled as another package's
        slider.focus()
        page.keyboard.press("ArrowRight")
        wait_rendered(page)
        assert page.get_by_text("Surrogate vs EnergyPlus").count() == 1
        assert page.get_by_text("EnergyPlus check of another package").count() == 1
        assert "wall EPS 90 mm" in page.get_by_text("EnergyPlus check of another package").inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()
    log = Path(server.log_path).read_text(errors="replace")
    assert "ScriptRunContext" not in log, log[-2000:]


def test_a_fresh_server_says_the_surrogate_is_training(tmp_path):
    """A server with an empty cache (no `make run` pre-training): the first visitor sees a message while the
    surrogate trains, then the page's numbers - never a blank result."""
    from playwright.sync_api import sync_playwright

    try:
        proc, url = start_server(env={**os.environ, "HONGQIAO_CACHE_DIR": str(tmp_path)})
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            # the school: the smallest training set (256 EnergyPlus runs), and the first family trained
            # when the first visitor asks for it
            page.goto(f"{url}/explorer?lang=en&archetype=public_school")
            page.get_by_text("The surrogate model for this building type is being trained").wait_for(timeout=60_000)
            wait_rendered(page)
            assert page.get_by_text("is being trained").count() == 0
            assert page.locator('[data-testid="stMetric"]').count() > 0
            assert page.locator('[data-testid="stException"]').count() == 0
            browser.close()
    finally:
        stop_server(proc)


def test_builder_takes_an_uploaded_weather_file(server):
    """The builder's weather "Upload an EPW file…": a copy of the built-in year gives the built-in year's
    numbers and is named under the results; a garbage file gives a message and today's year."""
    from playwright.sync_api import sync_playwright

    import weather

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(f"{server.url}/builder?lang=en")
        wait_rendered(page)
        # by its label: the page draws its metrics section by section, and "first" can be another one for a moment
        heating = "Heating [kWh/m²]"
        today = first_metric(page, heating)
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Weather").click()
        page.get_by_role("option", name="Upload an EPW file…").click()
        wait_rendered(page)
        page.locator('input[type="file"]').set_input_files(files=[{
            "name": "tianjin_copy.epw", "mimeType": "application/octet-stream",
            "buffer": weather.epw_path("tianjin").read_bytes()}])
        wait_rendered(page)
        assert page.get_by_text("Uploaded EPW: tianjin_copy.epw").count() >= 1
        assert first_metric(page, heating) == today  # the same year, so the same numbers
        page.screenshot(path=str(ARTIFACTS / "builder_uploaded_weather.png"))
        page.locator('input[type="file"]').set_input_files(files=[{
            "name": "garbage.epw", "mimeType": "application/octet-stream", "buffer": b"\x00\x01not an epw"}])
        wait_rendered(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() > 0
        assert first_metric(page, heating) == today
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()
