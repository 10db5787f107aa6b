"""Public-demo load test: 20 simultaneous browser sessions against a local app server.

Starts `streamlit run` on 127.0.0.1 (or uses --url), opens N sessions at once
in headless Chromium (Debian's, via Playwright), and in each: opens the
package builder in English, moves the wall-insulation slider to a thickness
of its own, waits for the page, and reads the heating metric back. Checks:
every session renders without an exception; each session shows the number
for its own thickness (no session's inputs leak into another's); a few
sessions press "Verify with EnergyPlus" and see their queue position.
Bounded: N sessions (default 20), one scenario each, a hard time limit.

    .venv/bin/python benchmarks/load_test.py [--sessions 20] [--verify 4]

Prints a summary and saves benchmarks/results/load_test.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "results"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
TIME_LIMIT_S = 600


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py"),
                             "--server.headless", "true", "--server.port", str(port), "--server.address",
                             "127.0.0.1", "--browser.gatherUsageStats", "false"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start")


async def settle(page, timeout_s=180) -> None:
    await page.wait_for_selector("h1", timeout=timeout_s * 1000)
    quiet = None
    t_end = time.time() + timeout_s
    while time.time() < t_end:
        if await page.locator('[data-testid="stStatusWidget"]').count():
            quiet = None
        elif quiet is None:
            quiet = time.time()
        elif time.time() - quiet > 0.8:
            return
        await asyncio.sleep(0.15)
    raise TimeoutError("page did not settle")


async def session(browser, url: str, i: int, verify: bool) -> dict:
    ctx = await browser.new_context(viewport={"width": 1300, "height": 1400})
    page = await ctx.new_page()
    page.set_default_timeout(240_000)  # 20 renderers share 2 cores with the server
    out: dict = {"session": i, "ok": False}
    t0 = time.time()
    try:
        await page.goto(f"{url}/builder")
        await settle(page)
        await page.get_by_text("English").click()
        await settle(page)
        out["first_render_s"] = round(time.time() - t0, 2)
        # wall slider: default 70 mm (the envelope preset); session i moves it to 10 * (i % 16) mm
        target = 10 * (i % 16)
        slider = page.get_by_role("slider").first
        await slider.focus()
        steps = (target - 70) // 10
        t1 = time.time()
        for _ in range(abs(steps)):
            await page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
        await settle(page)
        out["slider_render_s"] = round(time.time() - t1, 2)
        out["wall_mm"] = int(await slider.get_attribute("aria-valuetext"))
        metric = page.locator('[data-testid="stMetric"]').first
        out["heating_text"] = (await metric.inner_text()).split("\n")
        out["exceptions"] = await page.locator('[data-testid="stException"]').count()
        if verify:
            await page.get_by_text("Verify with EnergyPlus").click()
            await page.wait_for_timeout(1500)
            body = await page.locator("body").inner_text()
            out["queue_text"] = next((ln for ln in body.splitlines() if "Queued" in ln or "Running" in ln), "")
        out["ok"] = out["exceptions"] == 0 and out["wall_mm"] == target
    except Exception as exc:  # noqa: BLE001 - report per session
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        await ctx.close()
    return out


async def main_async(url: str, sessions: int, verify: int) -> list[dict]:
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Chromium not found: run `make browser`")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        tasks = [session(browser, url, i, i < verify) for i in range(sessions)]
        results = await asyncio.wait_for(asyncio.gather(*tasks), TIME_LIMIT_S)
        await browser.close()
    return list(results)


def expected_heating(wall_mm: int) -> float:
    """The heating [kWh/m2] the builder should show for the envelope preset at this wall thickness."""
    from dataclasses import replace

    import archetypes
    import weather
    from simulator.app.choices import from_preset
    from simulator.evaluate import evaluate, get_engine

    c = replace(from_preset("envelope"), wall_mm=wall_mm)
    ev = evaluate(archetypes.load("old_estate_pre1990"), c.measures(), weather=weather.load("tianjin"),
                  engine=get_engine("surrogate"))
    return round(ev.retrofit.loads.heating_kwh_m2, 1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--verify", type=int, default=4, help="sessions that also queue an EnergyPlus check")
    ap.add_argument("--url", default=None, help="use a running server instead of starting one")
    args = ap.parse_args(argv)
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server()
    t0 = time.time()
    try:
        results = asyncio.run(main_async(url, args.sessions, args.verify))
    finally:
        if proc is not None:
            proc.terminate()
    wall = time.time() - t0
    leaks = []
    for r in results:
        numbers = [x for x in r.get("heating_text", [])[1:] if x.strip().replace(",", "").replace(".", "", 1).isdigit()]
        if "wall_mm" in r and numbers:
            shown = float(numbers[0].replace(",", ""))
            want = expected_heating(r["wall_mm"])
            r["heating_expected"] = want
            if abs(shown - want) > 0.05:
                leaks.append(r["session"])
    ok = sum(r["ok"] for r in results)
    firsts = [r["first_render_s"] for r in results if "first_render_s" in r]
    sliders = [r["slider_render_s"] for r in results if "slider_render_s" in r]
    summary = {
        "sessions": args.sessions, "ok": ok, "wall_s": round(wall, 1),
        "first_render_s_median": round(statistics.median(firsts), 2) if firsts else None,
        "first_render_s_max": max(firsts) if firsts else None,
        "slider_render_s_median": round(statistics.median(sliders), 2) if sliders else None,
        "slider_render_s_max": max(sliders) if sliders else None,
        "sessions_showing_another_sessions_numbers": leaks,
        "queue_texts": [r.get("queue_text") for r in results if r.get("queue_text")],
        "errors": [r.get("error") for r in results if r.get("error")],
        "machine": f"{os.cpu_count()} cores",
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "load_test.json").write_text(json.dumps({"summary": summary, "sessions": results}, indent=2))
    print(json.dumps(summary, indent=2))
    return 0 if ok == args.sessions and not leaks else 1


if __name__ == "__main__":
    sys.exit(main())
