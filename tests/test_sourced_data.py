"""The one loader of sourced data (simulator/sourced_data.py): the parts user files go through."""

from __future__ import annotations

import pytest

from simulator.exceptions import ValidationError
from simulator.sourced_data import is_sourced, is_value_table, parse_toml, strip, value_of


def test_parse_toml_reads_text_and_bytes_alike():
    text = 'name = "walk-up"\n[geometry]\nstoreys = { value = 6, source = "survey" }\n'
    want = {"name": "walk-up", "geometry": {"storeys": {"value": 6, "source": "survey"}}}
    assert parse_toml(text, "a.toml") == want
    assert parse_toml(text.encode("utf-8"), "a.toml") == want


@pytest.mark.parametrize("blob", ["storeys = = 6\n", b"name = '\xff\xfe'\n", "[a]\n[a]\n"],
                         ids=["bad syntax", "not UTF-8", "table twice"])
def test_parse_toml_names_the_file_on_bad_text(blob):
    with pytest.raises(ValidationError, match=r"^mine\.toml: not valid TOML: ") as info:
        parse_toml(blob, "mine.toml")
    assert info.value.source == "mine.toml" and len(info.value.problems) == 1
    assert len(info.value.problems[0]) <= len("not valid TOML: ") + 200  # the parser's text, cut at 200 characters


def test_value_table_rule_of_user_files():
    """A value with only unit/source beside it is a number (source may be missing); any other key is a table."""
    assert is_value_table({"value": 0.5})
    assert is_value_table({"value": 0.5, "source": "estimate: why", "unit": "W/(m2 K)"})
    assert not is_value_table({"value": 0.5, "source": "s", "range": [0, 1]})  # packaged files' ranges: not here
    assert not is_value_table({"value": 0.5, "material": "eps_board"})
    assert not is_value_table({"source": "s"}) and not is_value_table([0.5]) and not is_value_table(0.5)
    # the packaged-file rule needs the source
    assert not is_sourced({"value": 0.5}) and is_sourced({"value": 0.5, "source": "s", "range": [0, 1]})


def test_strip_with_the_user_rule_unwraps_lists_and_keeps_other_tables():
    layer = {"material": "eps_board", "thickness_m": {"value": 0.08, "source": "drawing"}}
    data = {"u": {"value": 1.2}, "layers": [layer], "step": {"value": 1, "note": "kept"}}
    assert strip(data, is_entry=is_value_table, lists=True) == {
        "u": 1.2, "layers": [{"material": "eps_board", "thickness_m": 0.08}], "step": {"value": 1, "note": "kept"}}
    assert value_of({"value": [1, 2], "source": "s"}) == [1, 2] and value_of(3.0) == 3.0
