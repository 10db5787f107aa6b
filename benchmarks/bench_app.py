"""App speed: first load and the re-render after a slider change (Streamlit AppTest, server side).

Prints and saves benchmarks/results/app.json. The browser adds its own
network and drawing time on top (see load_test.py for timings in Chromium).

    .venv/bin/python benchmarks/bench_app.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from results_io import save
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def main() -> int:
    t0 = time.perf_counter()
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    first_load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    at.switch_page("simulator/app/pages/builder.py").run()
    builder_first_s = time.perf_counter() - t0
    assert not at.exception, at.exception
    times = []
    for mm in [80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190]:
        t0 = time.perf_counter()
        at.slider(key="b_wall_mm").set_value(mm).run()
        times.append(time.perf_counter() - t0)
        assert not at.exception
    # the same values again: served from the evaluation cache
    cached = []
    for mm in [80, 120, 160]:
        t0 = time.perf_counter()
        at.slider(key="b_wall_mm").set_value(mm).run()
        cached.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    at.switch_page("simulator/app/pages/compare.py").run()
    compare_s = time.perf_counter() - t0
    n_packages = len(at.dataframe[-1].value) if at.dataframe else 0
    report = {
        "first_load_explorer_s": round(first_load_s, 2),
        "builder_first_render_s": round(builder_first_s, 2),
        "slider_change_new_value_ms_median": round(1000 * statistics.median(times), 1),
        "slider_change_new_value_ms_max": round(1000 * max(times), 1),
        "slider_change_cached_value_ms_median": round(1000 * statistics.median(cached), 1),
        "compare_page_s": round(compare_s, 2),
        "compare_packages": n_packages,
        "note": "server-side script time measured with streamlit.testing AppTest; surrogate engine",
    }
    save("app.json", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
