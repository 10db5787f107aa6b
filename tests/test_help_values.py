"""The app's help texts quote the numbers the library computes with, read from the sourced data files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from simulator import carbon, finance
from simulator.app.help_values import help_values
from simulator.app.i18n import t
from simulator.sourced_data import data_sources, missing_sources

ROOT = Path(__file__).resolve().parents[1]


def test_help_values_are_the_numbers_the_library_uses():
    """Equal (not close): the help text must show the very factor the calculation multiplies by."""
    hv, k = help_values(), carbon.load_emission_factors()["kgce"]
    assert hv["heat_kgce_gj"] == k["heat_kgce_gj"]
    assert hv["electricity_kgce_kwh"] == k["electricity_calorific_kgce_kwh"]
    assert hv["discount_rate_pct"] == 100 * finance.load_finance()["discount_rate"]


def test_app_help_file_has_a_source_for_every_number():
    assert missing_sources("app_help") == []
    assert all(s.strip() for s in data_sources("app_help").values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_texts_show_the_data(lang):
    hv = help_values()
    text = t("GB/T 2589-2020: heat {heat_kgce_gj:g} kgce/GJ, electricity {electricity_kgce_kwh:g} kgce/kWh "
             "(calorific equivalent)", lang, **hv)
    assert f"{hv['heat_kgce_gj']:g} " in text and f"{hv['electricity_kgce_kwh']:g} " in text
    assert "{" not in text  # every field filled, in both languages
    text = t("e.g. {subsidy_example_cny_m2:g} CNY/m² central award for cold-zone residential retrofits", lang, **hv)
    assert f"{hv['subsidy_example_cny_m2']:g} " in text and "{" not in text


#: A number with a unit written into an app text literal (the help-text factors of issue 18).
_FACTOR = re.compile(r"\d+(?:\.\d+)?\s?(?:kgce|CNY|元|kWh|W/|% real)")


def factor_literals(path: Path) -> list[str]:
    """String literals of ``help=`` arguments and ``st.caption`` calls that write a factor with its unit."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.keyword) and node.arg == "help":
            roots = [node.value]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "caption":
            roots = list(node.args)
        else:
            continue
        for root in roots:
            for c in ast.walk(root):
                if isinstance(c, ast.Constant) and isinstance(c.value, str) and _FACTOR.search(c.value):
                    out.append(f"line {c.lineno}: {c.value[:80]}")
    return out


def test_the_factor_finder_finds_a_written_factor(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('st.metric("x", 1, help=t("heat 34.12 kgce/GJ", L))\nst.caption(t("rate {r:g} % real", L, r=8))\n'
                    'st.caption("capex (capital recovery factor, 8 % real)")\n')
    assert sorted(factor_literals(page)) == ["line 1: heat 34.12 kgce/GJ", "line 3: capex (capital recovery factor, 8 % real)"]


def test_no_app_help_text_writes_a_factor():
    """Help texts and captions of the app take their factors from help_values, never a literal."""
    found = {str(p.relative_to(ROOT)): f for p in sorted((ROOT / "simulator" / "app").rglob("*.py"))
             if p.name != "i18n.py" and (f := factor_literals(p))}
    assert found == {}, f"fill the factor in from simulator.app.help_values: {found}"
