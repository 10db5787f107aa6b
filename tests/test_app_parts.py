"""App pieces without a browser: choices, job queue, charts, downloads, translations."""

from __future__ import annotations

import ast
import re
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import archetypes
from buildings import measures as M
from simulator.app import charts
from simulator.app.choices import Choices, combinations, from_preset
from simulator.app.i18n import ZH, t
from simulator.app.jobs import JobQueue, QueueFull

APP = Path(__file__).resolve().parents[1] / "simulator" / "app"


@pytest.mark.parametrize("preset", ["envelope", "envelope_hp", "envelope_hp_pv", "deep_retrofit", "old_estate_standard"])
def test_presets_round_trip_through_choices(preset):
    b = archetypes.load("old_estate_pre1990")
    via_choices = M.apply(b, from_preset(preset).measures())
    direct = M.apply(b, M.package(preset))
    assert via_choices.u_values_w_m2k() == direct.u_values_w_m2k()
    assert via_choices.operation == direct.operation
    assert via_choices.systems == direct.systems


def test_no_choices_no_measures():
    assert Choices().measures() == []


def test_combinations_cover_the_product():
    combos = combinations({"wall_mm": (0, 70, 100), "heat_source": ("keep", "ashp"), "pv_share_pct": ()})
    assert len(combos) == 6 and len(set(combos)) == 6
    with pytest.raises(ValueError, match="choose fewer"):
        combinations({"wall_mm": tuple(range(0, 200, 10)), "roof_mm": tuple(range(0, 200, 10)),
                      "window_level": ("keep", "pvc_double")})
    with pytest.raises(KeyError, match="unknown choice"):
        combinations({"gold_leaf_mm": (1,)})


def test_job_queue_runs_in_order_with_positions_and_bounds():
    q = JobQueue(max_running=1, max_queued=3)
    gate = threading.Event()
    first = q.submit(gate.wait, 10)
    time.sleep(0.2)
    second = q.submit(lambda: 42)
    third = q.submit(lambda: 1 / 0)
    assert q.status(first).state == "running"
    assert q.status(second).position == 1 and q.status(third).position == 2
    q.submit(lambda: None)  # the third waiting job
    with pytest.raises(QueueFull):
        q.submit(lambda: None)
    gate.set()
    deadline = time.time() + 10
    while q.status(third).state not in ("done", "error") and time.time() < deadline:
        time.sleep(0.05)
    assert q.status(second).result == 42
    assert q.status(third).state == "error" and "ZeroDivisionError" in q.status(third).error
    assert q.status("not-a-job") is None
    q.shutdown()


def test_pareto_mask_by_hand():
    cost = np.array([1.0, 2.0, 2.0, 3.0, 0.5])
    benefit = np.array([1.0, 3.0, 2.0, 2.5, 0.2])
    # (0.5, 0.2), (1, 1), (2, 3) are not beaten; (2, 2) and (3, 2.5) are dominated by (2, 3)
    assert charts.pareto_mask(cost, benefit).tolist() == [True, True, False, False, True]


@pytest.mark.parametrize("name", archetypes.names())
def test_massing_has_block_and_windows(name):
    fig = charts.massing_figure(archetypes.load(name))
    names = [tr.name for tr in fig.data]
    assert "Block" in names and "Windows" in names


def _t_literals() -> set[str]:
    found = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def test_every_label_has_a_chinese_translation():
    missing = sorted(s for s in _t_literals() if s not in ZH and not re.search("[\u4e00-\u9fff]", s))  # a Chinese key is its own label
    assert missing == []


def test_translation_fills_fields():
    assert t("Queued: position {pos}", "en", pos=3) == "Queued: position 3"
    assert t("Queued: position {pos}", "zh", pos=3) == "排队中：第 3 位"


def test_restore_maps_a_label_in_either_language_back_to_its_option():
    from simulator.app.options import restore

    def label(option, lang):
        return {"zh": {"keep": "保留", "ashp": "空气源热泵"}, "en": {"keep": "Keep", "ashp": "Heat pump"}}[lang][option]

    options = ("keep", "ashp")
    state = {"a": "空气源热泵", "b": "Heat pump", "c": "ashp", "d": "garbage", "m": ["保留", "nonsense", "ashp"]}
    for key in "abcd":
        restore(state, key, options, label)
    restore(state, "m", options, label, multi=True)
    restore(state, "absent", options, label)
    assert state == {"a": "ashp", "b": "ashp", "c": "ashp", "m": ["keep", "ashp"]}


def test_picked_row_prefers_the_table_then_the_chart_and_ignores_garbage():
    from simulator.app.choices import picked_row

    assert picked_row([3], [{"customdata": 5}], 10) == 3
    assert picked_row([], [{"customdata": 5}], 10) == 5
    assert picked_row([], [{"customdata": [7]}], 10) == 7
    assert picked_row([], [{"customdata": 12}, {"x": 1}], 10) is None
    assert picked_row([], [], 10) is None


def test_open_in_builder_fills_the_widget_state():
    from simulator.app.choices import open_in_builder

    state = {"b_preset": "envelope", "preset_applied": "envelope"}
    chosen = Choices(wall_mm=120, heat_source="ashp", pv_share_pct=50).as_dict()
    open_in_builder(state, chosen)
    assert state["b_wall_mm"] == 120 and state["b_heat_source"] == "ashp" and state["b_pv_share_pct"] == 50
    assert state["b_preset"] == "custom" == state["preset_applied"]
    assert state["choices"] == chosen
    with pytest.raises(TypeError):
        open_in_builder(state, {"wall_thickness": 3})


def test_short_labels_are_readable_and_tell_packages_apart():
    c = Choices(wall_mm=100, heat_source="ashp", pv_share_pct=50)
    assert c.short_label("zh") == "外墙EPS 100 mm + 空气源热泵 + 光伏50%屋面"
    assert c.short_label("en") == "wall EPS 100 mm + air-source heat pump + PV 50% of roof"
    assert Choices().short_label("zh") == "不改造"
    levels = {"wall_mm": (0, 70, 100), "window_level": ("keep", "pvc_double", "triple_lowe"),
              "airtight_ach": (0.0, 0.5), "trv": (False, True), "heat_source": ("keep", "ashp", "electric_storage"),
              "pv_share_pct": (0, 50)}
    combos = combinations(levels)
    for lang in ("zh", "en"):
        labels = [c.short_label(lang) for c in combos]
        assert len(set(labels)) == len(combos) == 216
        assert not any(":" in label for label in labels)


def test_window_levels_show_the_u_value_of_the_measure_data():
    from simulator.app.choices import level_label

    u = M.kind_data("window_replacement")["levels"]["lowe_double"]["u_value_w_m2k"]["value"]
    assert level_label("window_level", "lowe_double", "en") == f"Low-E double windows (U {u:g})"
    assert level_label("window_level", "keep", "zh") == t("Keep existing", "zh")
    assert level_label("airtight_ach", 0.0, "zh") == "不改"


def test_verify_table_joins_units_and_writes_numbers_alike():
    """The verify comparison as a static table: unit in the quantity, a row's two figures with the same
    decimals (0.50 next to 0.47), thousands separated, "-" for none."""
    import pandas as pd

    from simulator.app.verify import shown_table

    frame = pd.DataFrame({"Quantity": ["Savings", "CO₂"], "Unit": ["10⁴ CNY/a", "t/a"], "Surrogate": [0.5, 1234.5],
                          "EnergyPlus": [0.47, None], "Difference [%]": [7.3, None]})
    out = shown_table(frame)
    assert list(out.columns) == ["Quantity", "Surrogate", "EnergyPlus", "Difference [%]"]
    assert out.iloc[0].tolist() == ["Savings [10⁴ CNY/a]", "0.50", "0.47", "7.3"]
    assert out.iloc[1].tolist() == ["CO₂ [t/a]", "1,234.5", "-", "-"]
