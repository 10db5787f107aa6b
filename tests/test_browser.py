"""End to end in a real headless Chromium: `streamlit run` on localhost, every page renders.

Screenshots of each page are saved in tests/artifacts/ (kept out of git).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PAGES = ["explorer", "builder", "compare", "climate"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium (make browser)")
    return path


@pytest.fixture(scope="module")
def server(_isolated_cache_dir):
    port = _free_port()
    env = {**os.environ, "HONGQIAO_CACHE_DIR": str(_isolated_cache_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"streamlit did not start: {proc.stdout.read()[-2000:]}")
    yield url
    proc.terminate()
    proc.wait(10)


def wait_rendered(page, timeout_s: float = 300) -> None:
    """Wait until the script has finished running (no status widget for 1 s) and a title is shown."""
    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    deadline = time.time() + timeout_s
    quiet_since = None
    while time.time() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since > 1.0:
            return
        time.sleep(0.2)
    raise AssertionError("page did not finish rendering")


def test_every_page_renders_in_chromium(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for name in PAGES:
            page.goto(f"{server}/{name}")
            wait_rendered(page)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            assert page.locator('[data-testid="stException"]').count() == 0, f"{name}: exception shown"
            assert page.locator(".js-plotly-plot").count() > 0, f"{name}: no chart rendered"
        # a garbage upload gives a message in the page, and the app keeps working
        page.goto(f"{server}/climate")
        wait_rendered(page)
        page.locator('input[type="file"]').set_input_files(
            files=[{"name": "garbage.epw", "mimeType": "application/octet-stream", "buffer": b"\x00\x01not an epw"}])
        wait_rendered(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() > 0
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "climate_bad_upload.png"), full_page=True)
        # the builder reacts to a widget: switch the language and see English labels
        page.goto(f"{server}/builder")
        wait_rendered(page)
        page.get_by_text("English").click()
        wait_rendered(page)
        assert page.get_by_text("Package builder").count() > 0
        browser.close()
    assert errors == []
