"""Hostile and odd inputs on the input side: weather files, names, numbers, measures, archetypes, uploads.

Classes (one results row each):

- ``epw_values``: bad numbers in an EPW (nan, inf, impossible values, wrong counts);
- ``epw_structure``: BOM, line ends, control characters, headers, truncation, size;
- ``non_regular_file``: /dev/zero, FIFOs, directories, symlinks, missing files;
- ``weather_name``: built-in names next to files and folders of the same name;
- ``numeric_flags``: NaN, infinity and absurd magnitudes in every numeric flag;
- ``measure_spec``: duplicated, unknown, non-finite and malformed measure parameters;
- ``archetype_file``: type confusions, sizes and odd files given as an archetype;
- ``surrogate_cache``: planted pickles and corrupt model files in the cache folder;
- ``app_upload``: uploads to the climate page (names, content, size, markdown).

Only the ``weather_name`` "ok" cases and the ``surrogate_cache`` cases run an
engine (EnergyPlus once each, or a surrogate training of ~10 s).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path

from benchmarks.hostile import cache_dir_of, canary

SURROGATE_ARGS = ["evaluate", "--archetype", "old_estate_pre1990", "--package", "envelope",
                  "--engine", "surrogate", "--json", "-q"]


@functools.cache
def epw_bytes() -> bytes:
    """A valid EPW: the built-in Tianjin year as the project writes it."""
    import weather

    return weather.load("tianjin").to_epw_text().encode("utf-8")


def _lines() -> list[bytes]:
    return epw_bytes().split(b"\n")


def _with_cells(edits: list[tuple[int, int, bytes]]) -> bytes:
    """The EPW with cells replaced: (1-based line, 0-based field, new bytes)."""
    lines = _lines()
    for line, field, value in edits:
        cells = lines[line - 1].split(b",")
        cells[field] = value
        lines[line - 1] = b",".join(cells)
    return b"\n".join(lines)


def _writer(name: str, blob_fn):
    def setup(tmpdir: Path) -> None:
        (tmpdir / name).write_bytes(blob_fn())
    return setup


def _epw_case(cls: str, name: str, blob_fn, expect: str = "error", mentions=None, check=None) -> dict:
    case = {"class": cls, "name": name, "argv": ["weather", "info", "w.epw"], "setup": _writer("w.epw", blob_fn),
            "expect": expect}
    if mentions:
        case["mentions"] = mentions
    if check:
        case["check"] = check
    return case


def _latitude_is(expected: float):
    def check(tmpdir: Path, proc: subprocess.CompletedProcess) -> str | None:
        if proc.returncode != 0:
            return None
        if f"{expected:.4f} N" not in proc.stdout:
            return f"site read at another latitude than {expected} N: {proc.stdout[:200]!r}"
        return None
    return check


# ----------------------------------------------------------------------------- EPW values

FIELDS = {6: "dry_bulb_c", 7: "dew_point_c", 8: "rel_humidity_pct", 9: "pressure_pa", 12: "horizontal_ir_wh_m2",
          13: "ghi_wh_m2", 14: "dni_wh_m2", 15: "dhi_wh_m2", 20: "wind_dir_deg", 21: "wind_speed_m_s",
          22: "total_sky_cover_tenths", 23: "opaque_sky_cover_tenths"}
IMPOSSIBLE = {6: [b"85", b"-95"], 7: [b"75", b"-80"], 8: [b"150", b"-3"], 9: [b"5000", b"200000"],
              12: [b"-10", b"5000"], 13: [b"-1", b"2000"], 14: [b"-5"], 15: [b"-2", b"1800"],
              20: [b"-10", b"400"], 21: [b"-1", b"75"], 22: [b"-1", b"15"], 23: [b"-1", b"12"]}


def epw_value_cases() -> list[dict]:
    out = []
    for field, name in FIELDS.items():
        for text in (b"nan", b"inf", b"-inf"):
            out.append(_epw_case("epw_values", f"{name}={text.decode()}", lambda f=field, t=text: _with_cells([(500, f, t)]),
                                 mentions=["line 500", name]))
        for text in IMPOSSIBLE[field]:
            out.append(_epw_case("epw_values", f"{name}={text.decode()}", lambda f=field, t=text: _with_cells([(777, f, t)]),
                                 mentions=["line 777", name]))
    for text in (b"NaN", b"Infinity", b"1_0", b"0x10", b"1e400", b"abc", b"--5", b"5..2"):
        out.append(_epw_case("epw_values", f"dry_bulb_c={text.decode()}", lambda t=text: _with_cells([(40, 6, t)]),
                             mentions=["line 40", "dry_bulb_c"]))
    for field, col in ((16, "global_illuminance_lux"), (30, "snow_depth_cm"), (32, "albedo"),
                       (33, "liquid_precipitation_depth_mm")):
        for text in (b"nan", b"1e300"):
            out.append(_epw_case("epw_values", f"{col}={text.decode()}", lambda f=field, t=text: _with_cells([(60, f, t)]),
                                 mentions=["line 60", col]))
    out.append(_epw_case("epw_values", "hour 25", lambda: _with_cells([(20, 3, b"25")]), mentions="line 20"))
    out.append(_epw_case("epw_values", "month 13", lambda: _with_cells([(20, 1, b"13")]), mentions="line 20"))
    out.append(_epw_case("epw_values", "hour 1.5", lambda: _with_cells([(20, 3, b"1.5")]), mentions="line 20"))
    out.append(_epw_case("epw_values", "missing-code gap too long",
                         lambda: _with_cells([(100 + i, 6, b"99.9") for i in range(10)]), mentions="dry_bulb_c"))
    out.append(_epw_case("epw_values", "blank dry bulb filled", lambda: _with_cells([(100, 6, b"")]), expect="ok"))
    out.append(_epw_case("epw_values", "LOCATION latitude 95", lambda: _set_location(6, b"95"),
                         mentions=["line 1", "latitude"]))
    out.append(_epw_case("epw_values", "LOCATION latitude nan",
                         lambda: _set_location(6, b"nan"), mentions=["line 1", "latitude"]))
    out.append(_epw_case("epw_values", "LOCATION longitude inf",
                         lambda: _set_location(7, b"inf"), mentions=["line 1", "longitude"]))
    out.append(_epw_case("epw_values", "LOCATION time zone 20", lambda: _set_location(8, b"20"),
                         mentions=["line 1", "time_zone"]))
    out.append(_epw_case("epw_values", "LOCATION elevation -1e9", lambda: _set_location(9, b"-1e9"),
                         mentions=["line 1", "elevation"]))
    return out


def _set_location(field: int, value: bytes) -> bytes:
    return _with_cells([(1, field, value)])


# ----------------------------------------------------------------------------- EPW structure


def epw_structure_cases() -> list[dict]:
    lat = float(_lines()[0].split(b",")[6])
    c = "epw_structure"
    md_name = b"![x](http://evil.example/x.png) [click](http://evil.example)"
    out = [
        _epw_case(c, "UTF-8 BOM read as the same site", lambda: b"\xef\xbb\xbf" + epw_bytes(), expect="ok",
                  check=_latitude_is(lat)),
        _epw_case(c, "CRLF line ends", lambda: epw_bytes().replace(b"\n", b"\r\n"), expect="ok", check=_latitude_is(lat)),
        _epw_case(c, "BOM and CRLF", lambda: b"\xef\xbb\xbf" + epw_bytes().replace(b"\n", b"\r\n"), expect="ok",
                  check=_latitude_is(lat)),
        _epw_case(c, "no final line end", lambda: epw_bytes().rstrip(b"\n"), expect="ok"),
        _epw_case(c, "Chinese site name", lambda: epw_bytes().replace(b"LOCATION,Tianjin", "LOCATION,天津".encode(), 1),
                  expect="ok"),
        _epw_case(c, "latin-1 site name", lambda: epw_bytes().replace(b"LOCATION,Tianjin", b"LOCATION,Tianj\xefn", 1),
                  expect="ok"),
        _epw_case(c, "markdown site name (CLI prints text)",
                  lambda: epw_bytes().replace(b"LOCATION,Tianjin", b"LOCATION," + md_name, 1), expect="ok"),
        _epw_case(c, "empty file", lambda: b"", mentions=["w.epw", "line 1"]),
        _epw_case(c, "one newline", lambda: b"\n", mentions="w.epw"),
        _epw_case(c, "random binary", lambda: os.urandom(5000), mentions="w.epw"),
        _epw_case(c, "NUL bytes", lambda: epw_bytes().replace(b"Tianjin", b"Tian\x00jin", 1), mentions="control character"),
        _epw_case(c, "form feed in a field", lambda: _with_cells([(300, 6, b"1\x0c2")]), mentions="line 300"),
        _epw_case(c, "vertical tab in a header", lambda: epw_bytes().replace(b"COMMENTS 1,", b"COMMENTS 1,\x0b", 1),
                  mentions="control character"),
        _epw_case(c, "UTF-16 file", lambda: epw_bytes().decode().encode("utf-16"), mentions="w.epw"),
        _epw_case(c, "truncated in the data", lambda: epw_bytes()[: len(epw_bytes()) // 2], mentions="truncated"),
        _epw_case(c, "truncated in the header", lambda: b"\n".join(_lines()[:4]), mentions="header"),
        _epw_case(c, "cut mid-line", lambda: epw_bytes()[:-40], mentions="line"),
        _epw_case(c, "extra data lines", lambda: epw_bytes() + b"\n".join(_lines()[8:20]) + b"\n", mentions="line"),
        _epw_case(c, "header line missing", lambda: b"\n".join(_lines()[:3] + _lines()[4:]), mentions="line 4"),
        _epw_case(c, "headers swapped", lambda: b"\n".join([_lines()[1], _lines()[0], *_lines()[2:]]), mentions="line 1"),
        _epw_case(c, "LOCATION with 9 fields", lambda: b"\n".join([b"LOCATION,a,b,CHN,x,1,39,117,8", *_lines()[1:]]),
                  mentions="line 1"),
        _epw_case(c, "LOCATION with 40 fields", lambda: b"\n".join([_lines()[0] + b",1" * 30, *_lines()[1:]]),
                  mentions="line 1"),
        _epw_case(c, "34 fields on a line", lambda: _drop_field(200), mentions="line 200"),
        _epw_case(c, "36 fields on a line", lambda: _with_cells([(201, 34, b"1,2")]), mentions="line 201"),
        _epw_case(c, "quarter-hourly data", lambda: epw_bytes().replace(b"DATA PERIODS,1,1,", b"DATA PERIODS,1,4,", 1),
                  mentions="line 8"),
        _epw_case(c, "hours out of order", lambda: _swap_lines(2000, 2001), mentions="line 2000"),
        _epw_case(c, "duplicated hour", lambda: b"\n".join(_lines()[:2000] + [_lines()[1999]] + _lines()[2001:]),
                  mentions="line"),
        _epw_case(c, "8784 lines without 29 February", lambda: epw_bytes() + b"\n".join(_lines()[8:32]) + b"\n",
                  mentions="line"),
        _epw_case(c, "21 MB file (comment padding)", lambda: epw_bytes() + b"#" * 21_000_000, mentions="too large"),
        _epw_case(c, "one line of 3 MB", lambda: _with_cells([(9, 6, b"1" * 3_000_000)]), mentions="line 9"),
        _epw_case(c, "CR-only line ends", lambda: epw_bytes().replace(b"\n", b"\r"), mentions="line"),
        _epw_case(c, "an archetype TOML given as weather",
                  lambda: (Path(__file__).resolve().parents[2] / "archetypes" / "data" / "estate_1990s.toml").read_bytes(),
                  mentions="line 1"),
    ]
    return out


def _drop_field(line: int) -> bytes:
    lines = _lines()
    lines[line - 1] = b",".join(lines[line - 1].split(b",")[:-1])
    return b"\n".join(lines)


def _swap_lines(a: int, b: int) -> bytes:
    lines = _lines()
    lines[a - 1], lines[b - 1] = lines[b - 1], lines[a - 1]
    return b"\n".join(lines)


# ----------------------------------------------------------------------------- non-regular files


def non_regular_cases() -> list[dict]:
    c = "non_regular_file"

    def fifo(tmpdir: Path) -> None:
        os.mkfifo(tmpdir / "w.epw")

    def link_zero(tmpdir: Path) -> None:
        os.symlink("/dev/zero", tmpdir / "w.epw")

    def dangling(tmpdir: Path) -> None:
        os.symlink(tmpdir / "nowhere.epw", tmpdir / "w.epw")

    def folder(tmpdir: Path) -> None:
        (tmpdir / "w.epw").mkdir()

    def sparse(tmpdir: Path) -> None:
        with (tmpdir / "w.epw").open("wb") as fh:
            fh.truncate(1 << 30)  # 1 GiB, no disk used

    out = []
    for name, argv, setup, mentions in [
        ("/dev/zero as EPW", ["weather", "info", "/dev/zero"], None, "not a regular file"),
        ("/dev/urandom as EPW", ["weather", "info", "/dev/urandom"], None, "not a regular file"),
        ("/dev/null as EPW", ["weather", "info", "/dev/null"], None, "not a regular file"),
        ("FIFO as EPW", ["weather", "info", "w.epw"], fifo, "not a regular file"),
        ("symlink to /dev/zero", ["weather", "info", "w.epw"], link_zero, "not a regular file"),
        ("dangling symlink", ["weather", "info", "w.epw"], dangling, "not found"),
        ("directory as EPW", ["weather", "info", "w.epw"], folder, "directory"),
        ("1 GiB sparse file", ["weather", "info", "w.epw"], sparse, "too large"),
        ("missing file", ["weather", "info", "missing.epw"], None, "not found"),
        ("/dev/zero as --weather", ["simulate", "--archetype", "public_school", "--weather", "/dev/zero"], None,
         "not a regular file"),
        ("FIFO as --weather", ["simulate", "--archetype", "public_school", "--weather", "w.epw"], fifo,
         "not a regular file"),
        ("directory as --weather", ["evaluate", "--archetype", "public_school", "--package", "envelope",
                                    "--weather", "w.epw"], folder, "directory"),
        ("/dev/zero as archetype", ["simulate", "--archetype", "/dev/zero"], None, "/dev/zero"),
        ("FIFO as archetype", ["simulate", "--archetype", "./w.epw"], fifo, "w.epw"),
        ("directory as archetype", ["simulate", "--archetype", "./w.epw"], folder, "w.epw"),
        ("/dev/zero as weather tianjin --out target", ["weather", "tianjin", "--out", "/proc/self/status"], None,
         "cannot write"),
    ]:
        case = {"class": c, "name": name, "argv": argv, "expect": "error", "mentions": mentions, "timeout_s": 60}
        if setup:
            case["setup"] = setup
        out.append(case)
    return out


# ----------------------------------------------------------------------------- weather names


def _used_built_in(tmpdir: Path, proc: subprocess.CompletedProcess) -> str | None:
    if proc.returncode != 0:
        return None
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        return f"no JSON on stdout: {proc.stdout[:100]!r}"
    if not str(out.get("weather", "")).startswith("tianjin-"):
        return f"weather {out.get('weather')!r} is not the built-in Tianjin year"
    return None


def weather_name_cases() -> list[dict]:
    c = "weather_name"

    def folder(tmpdir: Path) -> None:
        (tmpdir / "tianjin").mkdir()
        (tmpdir / "tianjin" / "x.epw").write_text("not weather")

    def garbage_file(tmpdir: Path) -> None:
        (tmpdir / "tianjin").write_text("LOCATION,Elsewhere,,,,,0,0,0,0\n")

    def garbage_epw(tmpdir: Path) -> None:
        (tmpdir / "tianjin.epw").write_text("garbage")

    sim = ["simulate", "--archetype", "public_school", "--json", "-q", "--weather"]
    return [
        {"class": c, "name": "folder named tianjin in cwd", "argv": [*sim, "tianjin"], "setup": folder,
         "expect": "ok", "check": _used_built_in, "timeout_s": 300},
        {"class": c, "name": "file named tianjin in cwd", "argv": [*sim, "tianjin"], "setup": garbage_file,
         "expect": "ok", "check": _used_built_in, "timeout_s": 300},
        {"class": c, "name": "tianjin.epw garbage is a file, not the built-in", "argv": [*sim, "tianjin.epw"],
         "setup": garbage_epw, "expect": "error", "mentions": "tianjin.epw"},
        {"class": c, "name": "./tianjin folder by path", "argv": [*sim, "./tianjin"], "setup": folder,
         "expect": "error", "mentions": "tianjin"},
        {"class": c, "name": "unknown name", "argv": [*sim, "beijing"], "expect": "error", "mentions": "tianjin"},
        {"class": c, "name": "name with a trailing space", "argv": [*sim, "tianjin "], "expect": "error",
         "mentions": "tianjin"},
        {"class": c, "name": "upper-case TIANJIN", "argv": [*sim, "TIANJIN"], "expect": "error", "mentions": "tianjin"},
        {"class": c, "name": "empty weather name", "argv": [*sim, ""], "expect": "error", "mentions": "weather"},
        {"class": c, "name": "batch: folder tianjin and an unknown name", "setup": folder,
         "argv": ["batch", "--archetypes", "public_school", "--weather", "tianjin,nowhere", "-q"], "expect": "error",
         "mentions": "nowhere"},
    ]


# ----------------------------------------------------------------------------- numeric flags


def numeric_cases() -> list[dict]:
    c = "numeric_flags"
    ev = ["evaluate", "--archetype", "old_estate_pre1990", "--package", "envelope", "--engine", "surrogate", "-q"]
    bad_numbers = ["nan", "NaN", "inf", "-inf", "1e309", "", "abc", "1,5", "0x10"]
    out = []
    for flag, extra in (("--subsidy-cny-m2", ["-1", "1e12", "10001"]), ("--horizon", ["0", "-5", "10000000", "2.5", "1e3"]),
                        ("--discount-rate", ["-1", "5", "1e-400x"])):
        for v in [*bad_numbers, *extra]:
            out.append({"class": c, "name": f"evaluate {flag} {v!r}", "argv": [*ev, flag, v], "expect": "error",
                        "mentions": flag})
    for v in ["nan", "inf", "-1", "1e300", "-inf"]:
        out.append({"class": c, "name": f"evaluate --grid {v!r}", "argv": [*ev, "--grid", v], "expect": "error",
                    "mentions": "grid"})
    out.append({"class": c, "name": "evaluate --grid unknown name", "argv": [*ev, "--grid", "mars"], "expect": "error",
                "mentions": "mars"})
    for v in ["0", "-1", "nan", "1e9", "2.5", "inf"]:
        out.append({"class": c, "name": f"batch --workers {v!r}",
                    "argv": ["batch", "--archetypes", "public_school", "--workers", v], "expect": "error",
                    "mentions": "--workers"})
    for v in ["0", "1e9", "nan", "-3"]:
        out.append({"class": c, "name": f"surrogate sample --n {v!r}",
                    "argv": ["surrogate", "sample", "--family", "office", "--n", v], "expect": "error",
                    "mentions": "--n"})
    for flag, v in (("--n", "1e6"), ("--n", "0"), ("--seed", "-1"), ("--seed", "nan"), ("--seed", "1e30"),
                    ("--workers", "0")):
        out.append({"class": c, "name": f"surrogate check {flag} {v!r}",
                    "argv": ["surrogate", "check", "--archetype", "public_office", flag, v], "expect": "error",
                    "mentions": flag})
    for v, mention in (("nan", "--year"), ("1e9", "--year"), ("2051", "2051"), ("-2050", "-2050")):
        out.append({"class": c, "name": f"weather tianjin --year {v!r}",
                    "argv": ["weather", "tianjin", "--out", "x.epw", "--scenario", "ssp245", "--year", v],
                    "expect": "error", "mentions": mention})
    return out


# ----------------------------------------------------------------------------- measure specs


def measure_cases() -> list[dict]:
    c = "measure_spec"
    ev = ["evaluate", "--archetype", "old_estate_pre1990", "--engine", "surrogate", "-q", "--package"]
    specs = [
        ("wall_insulation:thickness_mm=70:thickness_mm=90", "thickness_mm"),
        ("wall_insulation:material=eps_board:material=xps_board:thickness_mm=70", "material"),
        ("wall_insulation:material=eps_board:thickness_mm=nan", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm=inf", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm=1e999", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm=-1e999", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm=-70", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm=1e9", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm=", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm=70:colour=red", "colour"),
        ("wall_insulation:material=unobtainium:thickness_mm=70", "unobtainium"),
        ("wall_insulation:material=../../etc/passwd:thickness_mm=70", "material"),
        ("wall_insulation:material=eps_board;touch CANARY:thickness_mm=70", "material"),
        ("wall_insulation", "thickness_mm"),
        ("wall_insulation:", "thickness_mm"),
        ("wall_insulation:::", "thickness_mm"),
        ("wall_insulation:=70", "wall_insulation"),
        ("wall_insulation:material=eps_board:thickness_mm=true", "thickness_mm"),
        ("led_lighting:target_w_m2=nan", "target_w_m2"),
        ("ashp:replace_ac=maybe", "replace_ac"),
        ("ashp:replace_ac=1", "replace_ac"),
        ("no_such_kind:x=1", "no_such_kind"),
        ("", "package"),
        (",,,", "package"),
        ("envelope,envelope", "only one"),
        ("wall_eps_70mm,wall_insulation:material=eps_board:thickness_mm=90", "only one"),
        ("x" * 5000, "x"),
        ("墙体保温", "墙体保温"),
        ("wall_insulation:material=eps_board:thickness_mm=7\u200b0", "thickness_mm"),
        ("wall_insulation:material=eps_board:thickness_mm=\uff17\uff10", "thickness_mm"),
        ("pv:roof_share=2", "roof_share"),
        ("pv:roof_share=-0.5", "roof_share"),
    ]
    out = [{"class": c, "name": f"--package {spec[:60]!r}", "argv": [*ev, spec], "expect": "error",
            "mentions": mention} for spec, mention in specs]
    return out


# ----------------------------------------------------------------------------- archetype files

BASE = '[meta]\nbase = "old_estate_pre1990"\n'
WALL = BASE + '[constructions.wall]\nname = "w"\nlayers = '


def archetype_cases() -> list[dict]:
    c = "archetype_file"
    files = [
        ("meta is text", 'meta = "x"\n', "meta"),
        ("meta is a list", "meta = [1, 2]\n", "meta"),
        ("meta.base is a number", "[meta]\nbase = 5\n", "meta.base"),
        ("meta.base is a table", "[meta]\nbase = {a = 1}\n", "meta.base"),
        ("meta.base unknown", '[meta]\nbase = "castle"\n', "castle"),
        ("meta.base a path", '[meta]\nbase = "../../etc/passwd"\n', "archetype"),
        ("not TOML", "this is = not [toml\n", "TOML"),
        ("binary", None, "mine.toml"),
        ("empty file", "", "required"),
        ("geometry is a number", "geometry = 5\n" + BASE, "geometry"),
        ("storeys is text", BASE + '[geometry]\nstoreys = "six"\n', "storeys"),
        ("storeys nan", BASE + "[geometry]\nstoreys = nan\n", "storeys"),
        ("storeys inf", BASE + "[geometry]\nstoreys = inf\n", "storeys"),
        ("storeys negative", BASE + "[geometry]\nstoreys = -6\n", "storeys"),
        ("storeys 1e9", BASE + "[geometry]\nstoreys = 1000000000\n", "storeys"),
        ("storeys is true", BASE + "[geometry]\nstoreys = true\n", "storeys"),
        ("storeys 2.5", BASE + "[geometry]\nstoreys = 2.5\n", "storeys"),
        ("length 1e308", BASE + "[geometry]\nlength_m = 1e308\n", "length_m"),
        ("length 0", BASE + "[geometry]\nlength_m = 0\n", "length_m"),
        ("depth a table", BASE + "[geometry]\ndepth_m = {x = 1}\n", "depth_m"),
        ("sourced value is a list", BASE + '[geometry]\ndepth_m = {value = [1], source = "x"}\n', "depth_m"),
        ("azimuth nan", BASE + "[geometry]\nazimuth_deg = nan\n", "azimuth_deg"),
        ("window-to-wall 1.5", BASE + "[geometry.window_to_wall]\nsouth = 1.5\n", "south"),
        ("window-to-wall text", BASE + '[geometry.window_to_wall]\nsouth = "lots"\n', "south"),
        ("window-to-wall is a number", BASE + "[geometry]\nwindow_to_wall = 0.3\n", "window_to_wall"),
        ("unknown section", BASE + "[garden]\ntrees = 3\n", "garden"),
        ("unknown geometry field", BASE + "[geometry]\nmoat_m = 3\n", "moat_m"),
        ("layers not a list", WALL + '5\n', "layers"),
        ("layers empty", WALL + '[]\n', "layers"),
        ("layer material a list", WALL + '[{material = ["x"], thickness_m = 0.2}]\n',
         "layers[0]"),
        ("layer material unknown", WALL + '[{material = "unobtainium", thickness_m = 0.2}]\n',
         "unobtainium"),
        ("layer without material", WALL + '[{thickness_m = 0.2}]\n',
         "layers[0]"),
        ("layer is a number", WALL + '[3]\n', "layers[0]"),
        ("layer thickness nan", WALL + '[{material = "solid_clay_brick", thickness_m = nan}]\n',
         "thickness_m"),
        ("layer thickness negative", WALL + '[{material = "solid_clay_brick", thickness_m = -0.2}]\n',
         "thickness_m"),
        ("layer thickness 100 m", WALL + '[{material = "solid_clay_brick", thickness_m = 100.0}]\n',
         "thickness_m"),
        ("layer conductivity 0", WALL + '[{material = "solid_clay_brick", thickness_m = 0.2, conductivity_w_mk = 0}]\n',
         "conductivity"),
        ("window U 0", BASE + "[constructions.window]\nu_value_w_m2k = 0\n", "u_value"),
        ("window SHGC 2", BASE + "[constructions.window]\nshgc = 2\n", "shgc"),
        ("window is text", BASE + '[constructions]\nwindow = "double"\n', "window"),
        ("setpoint a table", BASE + "[operation]\nheating_setpoint_c = {x = 1}\n", "heating_setpoint_c"),
        ("setpoint nan", BASE + "[operation]\nheating_setpoint_c = nan\n", "heating_setpoint_c"),
        ("heating above cooling", BASE + "[operation]\nheating_setpoint_c = 30.0\n", "heating_setpoint_c"),
        ("schedule of 23 hours", BASE + "[operation.occupancy]\nweekday = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n",
         "weekday"),
        ("schedule with text", BASE + '[operation.occupancy]\nweekday = ["a",1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n',
         "weekday"),
        ("schedule value 5", BASE + "[operation.occupancy]\nweekday = [5,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]\n",
         "weekday"),
        ("season date 02-30", BASE + '[operation]\nheating_season = {start = "11-15", end = "02-30"}\n', "heating_season"),
        ("season is a number", BASE + "[operation]\nheating_season = 5\n", "heating_season"),
        ("heating source unknown", BASE + '[systems]\nheating_source = "dragon"\n', "heating_source"),
        ("heating source a list", BASE + '[systems]\nheating_source = ["a"]\n', "heating_source"),
        ("infiltration inf", BASE + "[operation]\ninfiltration_ach = inf\n", "infiltration_ach"),
        ("latitude 200", BASE + "[site]\nlatitude_deg = 200\n", "latitude_deg"),
        ("site name a number", BASE + "[site]\nname = 5\n", "name"),
        ("name a table", "name = {a = 1}\n" + BASE, "name"),
        ("description a number", "description = 5\n" + BASE, "description"),
        ("name with a terminal escape", 'name = "a\\u001b[2Jb"\n' + BASE, "control character"),
        ("description with NUL", 'description = "a\\u0000b"\n' + BASE, "description"),
        ("constructions is a list", "constructions = [1]\n" + BASE, "constructions"),
        ("3 MB file", BASE + "# " + "x" * 3_000_000 + "\n", "larger than"),
        ("deeply nested table", BASE + "[geometry]\n" + "x = " + "[" * 200 + "]" * 200 + "\n", "mine.toml"),
    ]
    out = []
    for name, text, mention in files:
        blob = os.urandom(3000) if text is None else text.encode("utf-8")
        out.append({"class": c, "name": name, "argv": ["simulate", "--archetype", "mine.toml", "-q"],
                    "setup": (lambda b: lambda tmpdir: (tmpdir / "mine.toml").write_bytes(b))(blob),
                    "expect": "error", "mentions": mention})
    out.append({"class": c, "name": "archetype name with a path", "argv": ["simulate", "--archetype", "../../etc/passwd"],
                "expect": "error", "mentions": "passwd"})
    out.append({"class": c, "name": "unknown archetype name", "argv": ["simulate", "--archetype", "castle"],
                "expect": "error", "mentions": "castle"})
    out.append({"class": c, "name": "empty archetype name", "argv": ["simulate", "--archetype", ""],
                "expect": "error", "mentions": "archetype"})
    return out


# ----------------------------------------------------------------------------- surrogate cache


def _planted(write):
    def setup(tmpdir: Path) -> None:
        d = cache_dir_of(tmpdir) / "surrogate"
        d.mkdir(parents=True, exist_ok=True)
        write(d / "residential_walkup.npz", canary(tmpdir))
        write(d / "residential_walkup.joblib", canary(tmpdir))  # the old pickle name too
    return setup


class _Bomb:
    """Pickles to a call of ``os.system`` that creates the case's canary file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _pickle_bomb(path: Path, marker: Path) -> None:
    import pickle

    path.write_bytes(pickle.dumps({"metadata": {}, "model": _Bomb(marker)}))


def _npz_with_object_array(path: Path, marker: Path) -> None:
    import numpy as np

    with path.open("wb") as fh:
        np.savez(fh, **{"state.json": np.array([_Bomb(marker)], dtype=object)})


def _garbage(path: Path, marker: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _truncated_zip(path: Path, marker: Path) -> None:
    import numpy as np

    with path.open("wb") as fh:
        np.savez(fh, a=np.arange(1000))
    path.write_bytes(path.read_bytes()[:300])


def _json_kind(path: Path, marker: Path) -> None:
    import numpy as np

    state = {"format": "2", "metadata": {}, "model": {"params": {"family": "residential_walkup"},
                                                      "groups_": {"heating": {"kind": "os.system"}}}}
    with path.open("wb") as fh:
        np.savez(fh, **{"state.json": np.frombuffer(json.dumps(state).encode(), dtype=np.uint8)})


def _moved_aside(tmpdir: Path, proc: subprocess.CompletedProcess) -> str | None:
    d = cache_dir_of(tmpdir) / "surrogate"
    if proc.returncode != 0:
        return None
    if not list(d.glob("residential_walkup.npz.unreadable-*")):
        return "the unreadable cached model was not moved aside (silently replaced)"
    return None


def surrogate_cases() -> list[dict]:
    c = "surrogate_cache"
    return [{"class": c, "name": name, "argv": SURROGATE_ARGS, "setup": _planted(fn), "expect": "ok",
             "check": _moved_aside, "timeout_s": 300}
            for name, fn in (("pickle with os.system payload", _pickle_bomb),
                             ("npz holding a pickled object array", _npz_with_object_array),
                             ("random bytes", _garbage), ("truncated npz", _truncated_zip),
                             ("state naming another class", _json_kind))]


# ----------------------------------------------------------------------------- app uploads

DRIVER = Path(__file__).resolve().parent / "upload_driver.py"


def _upload_case(name: str, upload_name: str, blob_fn, expect: str, mentions=None) -> dict:
    def setup(tmpdir: Path) -> None:
        (tmpdir / "content.bin").write_bytes(blob_fn())
        (tmpdir / "spec.json").write_text(json.dumps({"name": upload_name, "path": str(tmpdir / "content.bin")}))

    def check(tmpdir: Path, proc: subprocess.CompletedProcess) -> str | None:
        try:
            shown = json.loads(proc.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None if proc.returncode else f"no report from the driver: {proc.stdout[:100]!r}"
        every = " ".join(shown["texts"] + shown["errors"] + shown["success"] + shown["markdown"])
        if "evil.example" in " ".join(shown["markdown"] + shown["errors"] + shown["success"]):
            return "file text rendered as markdown (links or images)"
        for server in ("/tmp/", "/work/", str(tmpdir)):
            if server in every:
                return f"server path {server!r} shown to the user"
        return None

    case = {"class": "app_upload", "name": name, "python": True, "argv": [str(DRIVER), "spec.json"],
            "setup": setup, "expect": expect, "check": check, "timeout_s": 180}
    if mentions:
        case["mentions"] = mentions
    return case


def upload_cases() -> list[dict]:
    md = b"![x](http://evil.example/x.png) [click](http://evil.example)"
    return [
        _upload_case("valid EPW", "tianjin.epw", epw_bytes, "ok"),
        _upload_case("file named ..", "..", epw_bytes, "ok"),
        _upload_case("file named ../../etc/passwd", "../../etc/passwd", epw_bytes, "ok"),
        _upload_case("file name of 300 characters", "y" * 300 + ".epw", epw_bytes, "ok"),
        _upload_case("file name with newline and NUL", "a\nb\x00c.epw", epw_bytes, "ok"),
        _upload_case("markdown site name", "md.epw", lambda: epw_bytes().replace(b"LOCATION,Tianjin", b"LOCATION," + md, 1),
                     "ok"),
        _upload_case("nan temperature", "nan.epw", lambda: _with_cells([(30, 6, b"nan")]), "error",
                     mentions=["line 30", "dry_bulb_c"]),
        _upload_case("6 MB upload", "big.epw", lambda: epw_bytes() + b"#" * 6_000_000, "error", mentions="limit"),
        _upload_case("random bytes named .epw", "x.epw", lambda: os.urandom(3000), "error", mentions="x.epw"),
        _upload_case("empty upload", "empty.epw", lambda: b"", "error", mentions="empty.epw"),
        _upload_case("markdown in an error message", "bad.epw",
                     lambda: b"\n".join([b"LOCATION," + md, *_lines()[1:4]]), "error", mentions="bad.epw"),
    ]


def cases() -> list[dict]:
    """Every input-side case."""
    return [*epw_value_cases(), *epw_structure_cases(), *non_regular_cases(), *weather_name_cases(),
            *numeric_cases(), *measure_cases(), *archetype_cases(), *surrogate_cases(), *upload_cases()]
