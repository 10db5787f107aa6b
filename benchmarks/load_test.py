"""Public-demo load test: 20 simultaneous browser sessions against a local app server.

Starts `streamlit run` on 127.0.0.1 (or uses --url), lets one visitor open
the builder first (warm-up), then opens N sessions in headless Chromium
(Debian's, via Playwright), all at once or spread over --ramp-s seconds. In
each: open the package builder, switch to English, move the wall-insulation
slider with the keyboard to a thickness of its own, wait until the server
has answered, read the heating metric back. Checks: every session renders
without an exception; each session shows the library's number for its own
thickness (no session's inputs leak into another's); a few sessions press
"Verify with EnergyPlus" and see their queue position. Also splits the
machine's CPU time between the app server and the browsers.
Bounded: N sessions (default 20), one scenario each, a hard time limit.

    .venv/bin/python benchmarks/load_test.py [--sessions 20] [--verify 4] [--ramp-s 0] [--out load_test.json]

Prints a summary and saves it to benchmarks/results/ (--out); a failing
session leaves a screenshot there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from results_io import RESULTS as OUT
from results_io import save

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.appdriver import (  # noqa: E402 - the repository root is on the path only now
    APP_IDLE_JS,
    CHROMIUM_ARGS,
    builder_heating_kwh_m2,
    chromium_path,
    cpu_seconds,
    start_server,
    stop_server,
)

TIME_LIMIT_S = 600
EXTRA = os.environ.get("LT_EXTRA", "").split()  # e.g. "--server.fileWatcherType auto" to compare


async def settle(page, timeout_s=240) -> None:
    """Wait until the page has been idle (APP_IDLE_JS) for 0.5 s."""
    await page.wait_for_selector("h1", timeout=timeout_s * 1000)
    quiet = None
    t_end = time.time() + timeout_s
    while time.time() < t_end:
        if not await page.evaluate(APP_IDLE_JS):
            quiet = None
        elif quiet is None:
            quiet = time.time()
        elif time.time() - quiet > 0.5:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("page did not settle")


async def metric_text(page) -> list[str]:
    return (await page.locator('[data-testid="stMetric"]').first.inner_text(timeout=60_000)).split("\n")


async def until_changed(page, before: list[str], timeout_s=120) -> float:
    """Wait until the first metric differs from `before` (the server has answered), then settle.

    Returns the time [s] at which the new number appeared (the settling after it is not counted).
    """
    t_end = time.time() + timeout_s
    while await metric_text(page) == before:
        if time.time() > t_end:
            raise TimeoutError(f"metric stayed {before}")
        await asyncio.sleep(0.05)
    changed = time.time()
    await settle(page)
    return changed


# wall thicknesses the sessions move to: every slider stop except the preset's 70 mm,
# so each session must see its metric change away from the default
TARGETS_MM = [mm for mm in range(0, 210, 10) if mm != 70]


async def session(browser, url: str, i: int, verify: bool, delay_s: float) -> dict:
    await asyncio.sleep(delay_s)
    ctx = await browser.new_context(viewport={"width": 1300, "height": 1400})
    page = await ctx.new_page()
    page.set_default_timeout(240_000)  # 20 renderers share 2 cores with the server
    out: dict = {"session": i, "ok": False, "start_s": round(delay_s, 1)}
    t0 = time.time()
    try:
        await page.goto(f"{url}/builder")
        await settle(page)
        out["first_render_s"] = round(time.time() - t0, 2)
        before = await metric_text(page)
        t1 = time.time()
        await page.get_by_text("English").click()
        out["language_render_s"] = round(await until_changed(page, before) - t1, 2)
        target = TARGETS_MM[i % len(TARGETS_MM)]
        out["target_mm"] = target
        slider = page.get_by_role("slider").first
        await slider.focus()
        steps = (target - 70) // 10
        before = await metric_text(page)
        t1 = time.time()
        for _ in range(abs(steps)):
            await page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
        out["slider_render_s"] = round(await until_changed(page, before) - t1, 2)
        out["wall_mm"] = int(await slider.get_attribute("aria-valuetext"))
        out["heating_text"] = await metric_text(page)
        out["exceptions"] = await page.locator('[data-testid="stException"]').count()
        if verify:
            await page.get_by_text("Verify with EnergyPlus").click()
            await page.wait_for_timeout(1500)
            body = await page.locator("body").inner_text()
            out["queue_text"] = next((ln for ln in body.splitlines() if "Queued" in ln or "Running" in ln), "")
        out["ok"] = out["exceptions"] == 0 and out["wall_mm"] == target
    except Exception as exc:  # noqa: BLE001 - report per session
        out["error"] = f"{type(exc).__name__}: {exc}"
        try:
            shot = OUT / f"load_test_error_{i}.png"
            await page.screenshot(path=str(shot), timeout=30_000)
            out["error_screenshot"] = str(shot.relative_to(REPO))
            out["error_page_text"] = (await page.locator("body").inner_text(timeout=30_000))[:2000]
        except Exception:  # noqa: BLE001 - best effort
            pass
    finally:
        await ctx.close()
    return out


async def main_async(url: str, sessions: int, verify: int, ramp_s: float) -> list[dict]:
    from playwright.async_api import async_playwright

    chromium = chromium_path()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        tasks = [session(browser, url, i, i < verify, ramp_s * i / max(sessions - 1, 1)) for i in range(sessions)]
        results = await asyncio.wait_for(asyncio.gather(*tasks), TIME_LIMIT_S)
        await browser.close()
    return list(results)


def shown_heating(text: list[str]) -> float | None:
    """The metric's value from its text lines (label, value, delta)."""
    numbers = [x for x in text[1:] if x.strip().replace(",", "").replace(".", "", 1).isdigit()]
    return float(numbers[0].replace(",", "")) if numbers else None


async def warm_up(url: str) -> float:
    """One session opens the builder first, as at a demo where the server is already up; returns s."""
    from playwright.async_api import async_playwright

    t0 = time.time()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        page = await browser.new_page()
        await page.goto(f"{url}/builder")
        await settle(page)
        await browser.close()
    return round(time.time() - t0, 2)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--verify", type=int, default=4, help="sessions that also queue an EnergyPlus check")
    ap.add_argument("--ramp-s", type=float, default=0.0,
                    help="spread the session starts evenly over this many seconds (0: all at once)")
    ap.add_argument("--url", default=None, help="use a running server instead of starting one")
    ap.add_argument("--out", default="load_test.json", help="file name under benchmarks/results/")
    args = ap.parse_args(argv)
    try:
        chromium_path()
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server(extra_args=EXTRA)
    try:
        warm_s = asyncio.run(warm_up(url))
        t0, cpu0 = time.time(), cpu_seconds()
        server_cpu0 = cpu_seconds(proc.pid) if proc else None
        results = asyncio.run(main_async(url, args.sessions, args.verify, args.ramp_s))
        wall = time.time() - t0
        cpu = cpu_seconds() - cpu0
        server_cpu = cpu_seconds(proc.pid) - server_cpu0 if proc else None
    finally:
        if proc is not None:
            stop_server(proc)
    leaks = []
    for r in results:
        shown = shown_heating(r.get("heating_text", []))
        if "wall_mm" in r and shown is not None:
            r["heating_shown"] = shown
            r["heating_expected"] = builder_heating_kwh_m2(r["wall_mm"])
            if abs(shown - r["heating_expected"]) > 0.05:
                leaks.append(r["session"])
                r["ok"] = False
    ok = sum(r["ok"] for r in results)

    def stat(key):
        xs = [r[key] for r in results if key in r]
        return {"median": round(statistics.median(xs), 2), "max": max(xs)} if xs else None

    summary = {
        "sessions": args.sessions, "ramp_s": args.ramp_s, "ok": ok, "wall_s": round(wall, 1),
        "warm_up_first_page_s": warm_s,
        "first_render_s": stat("first_render_s"),
        "language_switch_s": stat("language_render_s"),
        "slider_render_s": stat("slider_render_s"),
        "distinct_values_shown": len({r.get("heating_shown") for r in results if "heating_shown" in r}),
        "sessions_showing_a_number_not_their_own": leaks,
        "queue_texts": [r.get("queue_text") for r in results if r.get("queue_text")],
        "errors": [r.get("error") for r in results if r.get("error")],
        "cpu_s_machine": round(cpu, 1),
        "cpu_s_app_server": round(server_cpu, 1) if server_cpu is not None else None,
        "cpu_s_browsers_and_rest": round(cpu - server_cpu, 1) if server_cpu is not None else None,
        "machine": f"{os.cpu_count()} cores",
    }
    save(args.out, {"summary": summary, "sessions": results}, show=summary)
    return 0 if ok == args.sessions and not leaks else 1


if __name__ == "__main__":
    sys.exit(main())
