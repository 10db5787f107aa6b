"""Every page through Streamlit's own AppTest: widgets driven, numbers move the right way."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
PAGE = "simulator/app/pages/{}.py"


def metric(at: AppTest, label_start: str) -> str:
    for m in at.metric:
        if m.label.startswith(label_start):
            return m.value
    raise AssertionError(f"no metric starting {label_start!r}: {[m.label for m in at.metric]}")


def preset_box(at: AppTest):
    """The builder's preset selectbox (its key names the preset it shows: b_preset_<name>)."""
    return next(s for s in at.selectbox if str(s.key).startswith("b_preset_"))


def number(text: str) -> float:
    return float(text.replace(",", "").split()[0])


@pytest.fixture()
def app(_isolated_cache_dir):
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    return at


def test_explorer_shows_archetype_and_changes_with_it(app):
    old_heat = number(metric(app, "Heating intensity"))
    assert number(metric(app, "Floor area")) == 3600
    app.radio(key="archetype").set_value("five_step_residential").run()
    assert not app.exception
    new_heat = number(metric(app, "Heating intensity"))
    assert new_heat < 0.35 * old_heat
    assert len(app.dataframe) >= 1


def test_builder_numbers_move_the_right_way(app):
    app.switch_page(PAGE.format("builder")).run()
    assert not app.exception
    app.slider(key="b_wall_mm").set_value(0).run()
    h0 = number(metric(app, "Heating"))
    coal0, heat0 = number(metric(app, "Standard coal saved")), number(metric(app, "District heat bought"))
    app.slider(key="b_wall_mm").set_value(150).run()
    h150 = number(metric(app, "Heating"))
    assert h150 < h0
    # CO2 saved carries its 90 % interval through the chain (simulator/chain_intervals.py), around the figure shown
    co2 = next(m for m in app.metric if m.label.startswith("CO₂ saved"))
    lo, hi = (number(x) for x in co2.delta.split(": ")[1].split("–"))
    assert lo < number(co2.value) < hi
    assert number(metric(app, "Standard coal saved")) > coal0 > 0
    assert number(metric(app, "District heat bought")) < heat0
    capex_before = number(metric(app, "Capex"))
    app.slider(key="b_pv_share_pct").set_value(100).run()
    assert number(metric(app, "Renewable share")) > 0
    assert number(metric(app, "Capex")) > capex_before
    app.radio(key="b_heat_source").set_value("ashp").run()
    assert not app.exception
    scop = number(metric(app, "Heat-pump SCOP"))
    assert 1.5 < scop < 4.0


def test_builder_preset_fills_the_widgets(app):
    app.switch_page(PAGE.format("builder")).run()
    preset_box(app).set_value("deep_retrofit").run()
    assert not app.exception
    assert app.slider(key="b_wall_mm").value == 120
    assert app.radio(key="b_window_level").value == "triple_lowe"
    assert app.radio(key="b_heat_source").value == "ashp"


def test_builder_in_chinese_by_default(_isolated_cache_dir):
    at = AppTest.from_file(APP, default_timeout=300)
    at.switch_page(PAGE.format("builder")).run()
    assert not at.exception
    assert any(m.label.startswith("供暖") for m in at.metric)


def test_compare_lists_every_combination(_isolated_cache_dir):
    """The table holds one row per combination of the chosen levels, each package named, and follows a level
    added in its multiselect. The levels are set before the page's first run (4 packages, then 8), not after a
    first run on the page's defaults (144 packages: the test took 300 s under load); the defaults' run is
    walked by test_every_page_walked_has_no_untranslated_text."""
    from simulator.app.choices import combinations

    levels = {"wall_mm": [0, 100], "roof_mm": [0], "window_level": ["keep"], "airtight_ach": [0.0], "trv": [False],
              "led": [False], "heat_source": ["keep", "ashp"], "pv_share_pct": [0]}
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "en"
    for key, value in levels.items():
        at.session_state[f"c_{key}"] = value
    at.switch_page(PAGE.format("compare")).run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert sorted(table["Package"]) == sorted(c.short_label("en") for c in combinations(levels))
    assert len(table) == 4
    capex = table.filter(like="Capex").iloc[:, 0]
    assert capex.min() == 0 and capex.max() > 0
    at.multiselect(key="c_pv_share_pct").set_value([0, 50]).run()
    assert not at.exception
    table = at.dataframe[-1].value
    levels["pv_share_pct"] = [0, 50]
    assert sorted(table["Package"]) == sorted(c.short_label("en") for c in combinations(levels))
    assert len(table) == 8


def test_climate_page_has_degree_days(app):
    app.switch_page(PAGE.format("climate")).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert "HDD18 [K·d]" in table.columns
    today = table.iloc[0]
    assert 2500 < today["HDD18 [K·d]"] < 3000


def test_builder_survives_a_stale_chinese_label_after_switching_to_english(_isolated_cache_dir):
    """A browser may still send the Chinese label of the preset after the switch to English
    (Streamlit maps choice values back through the current labels). Seen under load in
    benchmarks/load_test.py: it used to raise an unknown-package error and reset the sliders."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.testing.v1.element_tree import Selectbox

    at = AppTest.from_file(APP, default_timeout=300)
    at.switch_page(PAGE.format("builder")).run()
    from simulator.app.presets import short_name

    zh_label = short_name("envelope", "zh")
    assert zh_label in preset_box(at).options
    at.radio(key="lang").set_value("en").run()
    assert not at.exception

    class StaleSelectbox(Selectbox):
        @property
        def _widget_state(self):
            return WidgetState(id=self.id, string_value=zh_label)

    preset_box(at).__class__ = StaleSelectbox
    at.run()
    assert not at.exception
    assert preset_box(at).value == "envelope"
    preset_box(at).__class__ = StaleSelectbox
    at.slider(key="b_wall_mm").set_value(150).run()
    assert not at.exception
    assert preset_box(at).value == "custom"  # the user edited the preset's choices
    assert at.slider(key="b_wall_mm").value == 150
    assert at.session_state["choices"]["wall_mm"] == 150


def test_builder_preset_turns_custom_on_edit_and_shows_gross_and_net_capex(app):
    app.switch_page(PAGE.format("builder")).run()
    app.session_state["subsidy_cny_m2"] = 45
    preset_box(app).set_value("envelope").run()
    assert preset_box(app).value == "envelope"
    gross, net = number(metric(app, "Capex before subsidy")), number(metric(app, "Capex after subsidy"))
    area = 3600  # old estate floor area [m2] (test_explorer_shows_archetype_and_changes_with_it checks it)
    assert gross - net == pytest.approx(45 * area / 1e4, abs=0.11)  # both rounded to 0.1 (10^4 CNY)
    app.slider(key="b_wall_mm").set_value(150).run()
    assert not app.exception
    assert preset_box(app).value == "custom"
    assert any(t.startswith("Energy-saving step met") for t in (m.value for m in app.markdown))


def test_a_link_restores_language_archetype_and_scenario(_isolated_cache_dir):
    """The address written by one session (lang, archetype, choices) reproduces the page in a new one."""
    at = AppTest.from_file(APP, default_timeout=300)
    at.switch_page(PAGE.format("builder")).run()
    at.radio(key="lang").set_value("en").run()
    at.radio(key="archetype").set_value("estate_1990s").run()
    at.slider(key="b_roof_mm").set_value(150).run()
    at.radio(key="b_heat_source").set_value("ashp").run()
    params = dict(at.query_params)
    heat = metric(at, "Heating")
    assert params["lang"] == ["en"] or params["lang"] == "en"
    fresh = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        fresh.query_params[key] = value[0] if isinstance(value, list) else value
    fresh.switch_page(PAGE.format("builder")).run()
    assert not fresh.exception
    assert fresh.session_state["lang"] == "en" and fresh.session_state["archetype"] == "estate_1990s"
    assert fresh.slider(key="b_roof_mm").value == 150 and fresh.radio(key="b_heat_source").value == "ashp"
    assert metric(fresh, "Heating") == heat


# Listed one by one so that any new untranslated text still fails the test (none left: the calibrate
# page's preset and archetype identifiers are translated since issue 13's follow-up). The meter-file help
# names the column headers a file must have, in both languages by design.
KNOWN_UNTRANSLATED: dict[str, set[str]] = {"zh": set(), "en": set()}
KNOWN_PREFIXES = ("CSV 或 Excel：月份列（month / 月份", "CSV or Excel: a month column (month / 月份")


# The first of these walks trains the four families' surrogate in the session's fresh cache (twelve weathers,
# 4,352 rows: about 110 s of CPU on an idle 2-core machine before the 320 active-learning rows, benchmarks/bench_surrogate.py) before it walks the
# seven pages; the project's 300 s per-test limit (pyproject.toml) leaves too little margin for that on a
# loaded machine (a CI run with other jobs hit it).
@pytest.mark.timeout(600)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_walked_has_no_untranslated_text(_isolated_cache_dir, lang):
    """Every page in one language: no visible label, markdown, metric, option, table header or chart text
    in the other language (zh: no 4+ letter Latin word outside proper names and units; en: no CJK),
    see tests/i18n_walk.py for what is walked and the allow-lists."""
    from simulator.app.main import PAGE_FILES
    from tests.i18n_walk import untranslated, visible_texts

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = lang
    at.run()
    found, walked = {}, 0
    for key, value in {"c_wall_mm": [0, 100], "c_roof_mm": [0], "c_window_level": ["keep"], "c_airtight_ach": [0.0],
                       "c_heat_source": ["keep", "ashp"], "c_pv_share_pct": [0]}.items():
        at.session_state[key] = value  # compare: 4 packages, not 144 (the labels are the same)
    for page in PAGE_FILES:
        if page != "explorer":
            at.switch_page(PAGE.format(page)).run()
        assert not at.exception, page
        texts = visible_texts(at)
        walked += len(texts)
        bad = sorted({s for s in texts if untranslated(s, lang) and s not in KNOWN_UNTRANSLATED[lang]
                      and not s.startswith(KNOWN_PREFIXES)})
        if bad:
            found[page] = bad
    print(f"translation walk ({lang}): {walked} strings on {len(PAGE_FILES)} pages")
    assert walked > 500  # the walk really saw the pages (about 2000 strings per language)
    assert found == {}
