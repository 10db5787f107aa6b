"""End to end in a real headless Chromium: `streamlit run` on localhost, every page renders.

Screenshots of each page are saved in tests/artifacts/ (kept out of git).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from types import SimpleNamespace

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
    yield SimpleNamespace(url=url, pid=proc.pid)
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


def first_metric(page) -> list[str]:
    return page.locator('[data-testid="stMetric"]').first.inner_text().split("\n")


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
        assert page.url.endswith("/builder")
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

