"""App speed as a visitor sees it: Chromium against a local server on an idle machine.

Starts `streamlit run`, lets one visit warm the server up (surrogate loaded),
then in a fresh headless Chromium page (Debian's chromium via Playwright):
times the builder's first render, and for single key presses on the
wall-insulation slider the time from the key press until the new heating
number is on screen. Values not seen before by the server, then values seen
before (served from the evaluation cache).

    .venv/bin/python benchmarks/bench_browser.py

Prints and saves benchmarks/results/browser.json.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_test as lt  # noqa: E402 - the server and page helpers
from results_io import save  # noqa: E402


async def step(page, key: str) -> float:
    """Press `key` on the focused slider; seconds until the first metric shows a new number."""
    before = await lt.metric_text(page)
    t0 = time.perf_counter()
    await page.keyboard.press(key)
    t_end = time.time() + 60
    while await lt.metric_text(page) == before:
        if time.time() > t_end:
            raise TimeoutError("the number did not change")
        await asyncio.sleep(0.01)
    dt = time.perf_counter() - t0
    await lt.settle(page)
    return dt


async def measure(url: str) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=lt.chromium_path(), args=lt.CHROMIUM_ARGS, headless=True)
        page = await browser.new_page(viewport={"width": 1300, "height": 1400})
        t0 = time.perf_counter()
        await page.goto(f"{url}/builder")
        await page.locator('[data-testid="stMetric"]').first.wait_for()
        first_metric_s = time.perf_counter() - t0
        await lt.settle(page)
        slider = page.get_by_role("slider").first
        await slider.focus()
        await page.keyboard.press("Home")  # 0 mm
        await lt.settle(page)
        new = [await step(page, "ArrowRight") for _ in range(15)]  # 10 ... 150 mm; 70 mm was the warm-up's
        cached = [await step(page, "ArrowLeft") for _ in range(10)]  # 140 ... 50 mm again
        await browser.close()
    return {
        "builder_first_number_on_screen_s": round(first_metric_s, 2),
        "slider_step_new_value_ms": {"median": round(1000 * statistics.median(new)),
                                     "max": round(1000 * max(new)), "n": len(new)},
        "slider_step_cached_value_ms": {"median": round(1000 * statistics.median(cached)),
                                        "max": round(1000 * max(cached)), "n": len(cached)},
    }


def main() -> int:
    try:
        lt.chromium_path()
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None
    proc, url = lt.start_server()
    try:
        warm_s = asyncio.run(lt.warm_up(url))
        report = asyncio.run(measure(url))
    finally:
        lt.stop_server(proc)
    report = {"warm_up_first_visit_s": warm_s, **report,
              "note": "key press to new number on screen, headless Chromium and server on the same idle machine",
              "machine": f"{os.cpu_count()} cores"}
    save("browser.json", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
