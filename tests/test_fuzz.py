"""Property-based fuzzing of the input readers: nothing but the project's own errors comes out.

The archetype loader, the measure-spec parser and the EPW reader are given
mutated valid inputs and random text; each call must either succeed or raise
a :class:`~simulator.exceptions.RetrofitError` (never a ``TypeError``,
``KeyError``, ``AttributeError``...).

Settings: ``max_examples`` is kept to 60-150 per property so each property
runs in a few seconds on the shared 2-core machine (the EPW reader parses
8760 lines per example, ~50 ms); ``deadline=None`` because one example's time
depends on the machine's load, not on the input, and a timing failure here
would say nothing about robustness. ``derandomize=True`` makes each run try
the same examples, so a failure reproduces (CI and local runs agree).
"""

from __future__ import annotations

import copy
import math
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archetypes
from buildings import measures as M
from simulator.exceptions import RetrofitError
from weather.epw import read_epw
from weather.heldout import TMYX as EPW
from weather.heldout import skip_reason

FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# ----------------------------------------------------------------------------- archetype loader

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", "x", "concrete", "eps_board", "district", "residential", "0", "-1", "1e400"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4),
    st.fixed_dictionaries({"value": inner, "source": st.text(max_size=5)})), max_leaves=8)

BASE = {name: tomllib.loads(archetypes.path(name).read_text(encoding="utf-8")) for name in archetypes.names()}


def _paths(node, prefix=()):
    """Every key path of a nested dict/list."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _set(node, path, value, delete=False):
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value


@st.composite
def mutated_archetype(draw):
    data = copy.deepcopy(BASE[draw(st.sampled_from(sorted(BASE)))])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        try:
            if action == "delete":
                _set(data, path, None, delete=True)
            elif action == "add":
                parent = path[:-1]
                node = data
                for key in parent:
                    node = node[key]
                if isinstance(node, dict):
                    node[draw(st.text(max_size=12))] = draw(VALUES)
            else:
                _set(data, path, draw(VALUES))
        except (KeyError, IndexError, TypeError):  # path gone after an earlier mutation
            pass
    return data


@FUZZ
@given(mutated_archetype())
def test_archetype_loader_fuzz(data):
    try:
        archetypes.from_data(data, "fuzz.toml")
    except RetrofitError:
        pass


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_archetype_file_fuzz(tmp_path, blob):
    p = tmp_path / "fuzz.toml"
    p.write_bytes(blob)
    try:
        archetypes.load(p)
    except RetrofitError:
        pass


# ----------------------------------------------------------------------------- measure specs

KEYS = st.sampled_from(["material", "thickness_mm", "level", "u_w_m2k", "ach", "target_w_m2",
                        "replace_ac", "roof_share", "", "=", "x"])
VALUE_TEXT = st.one_of(st.sampled_from(["nan", "inf", "-inf", "1e999", "1e-999", "0", "-1", "70", "70.0",
                                        "true", "False", "eps_board", "", "=", ":", ","]),
                       st.text(max_size=12))


@st.composite
def measure_spec(draw):
    kind = draw(st.sampled_from([*M.KINDS, "", "x", "wall_insulation "]) | st.text(max_size=10))
    parts = draw(st.lists(st.tuples(KEYS | st.text(max_size=6), VALUE_TEXT), max_size=4))
    sep = draw(st.sampled_from(["=", "", "==", " = "]))
    return kind + "".join(f":{k}{sep}{v}" for k, v in parts)


@FUZZ
@given(measure_spec() | st.text(max_size=60))
def test_measure_parser_fuzz(spec):
    for parse in (M.measure, M.package):
        try:
            out = parse(spec)
        except RetrofitError:
            continue
        measures = out if isinstance(out, tuple) else (out,)
        for m in measures:  # what is accepted is in range and finite
            for _, v in m.params:
                assert not (isinstance(v, float) and not math.isfinite(v))


@FUZZ
@given(st.one_of(st.none(), st.integers(), st.floats(), st.lists(st.text(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)))
def test_measure_parser_wrong_types(spec):
    for parse in (M.measure, M.package):
        try:
            parse(spec)
        except RetrofitError:
            pass


# ----------------------------------------------------------------------------- EPW reader

@pytest.fixture(scope="module")
def epw_lines() -> list[bytes]:
    if not EPW.is_file():
        pytest.skip(skip_reason(EPW))
    return EPW.read_bytes().split(b"\n")


CELL = st.one_of(st.sampled_from([b"nan", b"NaN", b"inf", b"-inf", b"1e999", b"", b" ", b"99.9", b"9999",
                                  b"-999", b"1_0", b"0x10", b"\xef\xbb\xbf", b"\x00", b"\r", b"\x0c", b'"', b",",
                                  b"1e7", b"-80", b"200"]),
                 st.binary(max_size=8))


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 8768), st.integers(0, 36), CELL), min_size=1, max_size=4),
       st.sampled_from(["none", "truncate", "bom", "crlf", "dup"]))
def test_epw_reader_fuzz(tmp_path, epw_lines, edits, whole):
    lines = list(epw_lines)
    for line, field, cell in edits:
        fields = lines[line].split(b",")
        fields[min(field, len(fields) - 1)] = cell
        lines[line] = b",".join(fields)
    blob = b"\n".join(lines)
    if whole == "truncate":
        blob = blob[: len(blob) * edits[0][0] // 8769]
    elif whole == "bom":
        blob = b"\xef\xbb\xbf" + blob
    elif whole == "crlf":
        blob = blob.replace(b"\n", b"\r\n")
    elif whole == "dup":
        blob = blob + blob[-200:]
    p = tmp_path / "fuzz.epw"
    p.write_bytes(blob)
    try:
        w = read_epw(p)
    except RetrofitError:
        return
    data = w.data  # what is accepted is finite and in range
    assert data["dry_bulb_c"].between(-70, 70).all()
    assert data["rel_humidity_pct"].between(0, 110).all()


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_epw_reader_random_bytes(tmp_path, blob):
    p = tmp_path / "fuzz.epw"
    p.write_bytes(blob)
    with pytest.raises(RetrofitError):
        read_epw(p)
