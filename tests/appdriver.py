"""Driving the app in a real browser: shared by tests/test_browser.py and benchmarks/ (load test, speed).

Starts `streamlit run` on a free localhost port, finds Debian's Chromium,
says when a page has finished its run, measures CPU time from /proc, and
gives the heating figure the builder must show (computed with the library).
Playwright itself is driven by the callers (sync in the tests, async in the
load test); they share the idle check as one JavaScript predicate.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# True when the script run has finished and nothing on the page is left from the previous run:
# Streamlit marks its root with data-test-script-state and stale elements with data-stale="true".
APP_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-stale="true"]') === null
    && document.querySelector('[data-testid="stStatusWidget"]') === null;
}"""


def chromium_path() -> str:
    """Debian's chromium; raises FileNotFoundError with the way to install it."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise FileNotFoundError("Chromium is not installed: `make browser` installs Debian's chromium")
    return path


def start_server(env: dict[str, str] | None = None, extra_args: list[str] | tuple = (),
                 timeout_s: float = 60) -> tuple[subprocess.Popen, str]:
    """`streamlit run streamlit_app.py` on a free 127.0.0.1 port; returns the process and its URL.

    The server's output goes to a temporary log file, whose tail is in the error if it does not start.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         *extra_args],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = log.name  # removed by stop_server
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    tail = Path(log.name).read_text()[-2000:]
    stop_server(proc)
    raise RuntimeError(f"streamlit did not start within {timeout_s:.0f} s: {tail}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server from start_server and delete its log."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    log_path = getattr(proc, "log_path", None)
    if log_path:
        Path(log_path).unlink(missing_ok=True)


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far [s]: by one process and its reaped children, or (pid None) by the whole machine."""
    tick = os.sysconf("SC_CLK_TCK")
    if pid is None:
        fields = [int(f) for f in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        return (sum(fields) - fields[3] - fields[4]) / tick  # all but idle and iowait
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in stat[11:15]) / tick  # utime, stime, cutime, cstime


def builder_heating_kwh_m2(wall_mm: int) -> float:
    """The retrofit heating [kWh/m2, 1 decimal] the builder shows for the envelope preset at this wall thickness."""
    from dataclasses import replace

    import archetypes
    import weather
    from simulator.app.choices import from_preset
    from simulator.evaluate import evaluate, get_engine

    choices = replace(from_preset("envelope"), wall_mm=wall_mm)
    ev = evaluate(archetypes.load("old_estate_pre1990"), choices.measures(), weather=weather.load("tianjin"),
                  engine=get_engine("surrogate"))
    return round(ev.retrofit.loads.heating_kwh_m2, 1)
