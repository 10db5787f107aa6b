"""Bad-input catalogue, engine side (issue 10): IDF injection, cache faults, batch interrupts,
temp files, names, constructions, run folders.

``cases()`` returns one dict per case for the runner ``benchmarks/hostile_inputs.py``:
``argv`` runs as ``.venv/bin/retrofit ARGV`` in a fresh temporary folder with a
fresh ``HONGQIAO_CACHE_DIR``; ``setup(tmpdir)`` writes the hostile files first;
``check(tmpdir, proc)`` returns a description of a silent wrong result, data loss
or code execution, or None.

The buildings are a one-zone 10 m x 8 m single storey (the office archetype's
constructions and use), so a case costs about 1 s of EnergyPlus.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archetypes import CONTROL_CHARS  # the loader's own rule for control characters in text
from benchmarks.hostile import CANARY_NAME, cache_dir_of
from tests.procs import SIGINT_DEFAULT, alive, comm, descendants, make_read_only, ok_rows
from tests.tiny_building import toml_string, write_tiny

RETROFIT = str(Path(sys.executable).parent / "retrofit")
CLEAN = "clean.toml"
CACHE = "runs.sqlite"  # an explicit --cache file in the case folder

PWN_MODULE = """\
from pathlib import Path
from pyenergyplus.plugin import EnergyPlusPlugin


class Pwn(EnergyPlusPlugin):
    def on_begin_new_environment(self, state) -> int:
        Path(__file__).with_name("{canary}").write_text("code ran")
        return 0
"""


_s = toml_string


def _rows(proc) -> list[dict]:
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return []
    return data if isinstance(data, list) else [data]


def _write_plugin(tmp: Path) -> None:
    """The module an injected PythonPlugin:Instance would load; it creates the runner's canary file."""
    (tmp / "pwn.py").write_text(PWN_MODULE.replace("{canary}", CANARY_NAME))


def _pwned(tmp: Path) -> str | None:
    hits = [p for p in tmp.rglob(CANARY_NAME)]
    return f"code executed: {hits[0]}" if hits else None


def _same_as_clean(tmp: Path, proc) -> str | None:
    """A batch of [clean, hostile]: the hostile row must carry the clean physics."""
    if proc.returncode != 0:
        return None  # the runner classifies the failure itself
    rows = _rows(proc)
    if len(rows) != 2:
        return f"expected 2 result rows, got {len(rows)}"
    keys = ("heating_kwh_m2", "cooling_kwh_m2", "peak_heating_w_m2", "peak_cooling_w_m2")
    if any(rows[0].get(k) != rows[1].get(k) for k in keys):
        return f"silent wrong: hostile name changed the loads {[rows[1].get(k) for k in keys]} vs clean " \
               f"{[rows[0].get(k) for k in keys]}"
    return _pwned(tmp)


def _batch_pair(hostile_file: str) -> list[str]:
    return ["batch", "--archetypes", f"{CLEAN},{hostile_file}", "--workers", "1", "--json", "-q"]


def _run(tmp: Path, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "HONGQIAO_CACHE_DIR": str(tmp / "setup-cache")}
    return subprocess.run([RETROFIT, *args], cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout)


# --------------------------------------------------------------------------- IDF injection

INJECTIONS = {
    "issue payload (Building fields + PythonPlugin)": "Block 7,90,City,0.04,0.4,FullExterior,25,6;\n"
                                                      "PythonPlugin:Instance,Evil,No,pwn,Pwn;",
    "PythonPlugin with search path": "x;\nPythonPlugin:SearchPaths,sp,Yes,Yes,Yes,{tmp};\n"
                                     "PythonPlugin:Instance,p,No,pwn,Pwn;\n!",
    "rotate the building": "B,45,Suburbs;",
    "comment out the rest": "Block!,\n",
    "semicolon only": ";",
    "commas only": ",,,,,,,,",
    "CRLF object": "x;\r\nOutput:Variable,*,Zone Mean Air Temperature,Timestep;\r\n",
    "Zone multiplier": "x;\nZone,Extra,0,0,0,0,100;",
    "RunPeriod override": "x;\nRunPeriod,R2,7,1,,7,31,,Monday;",
    "injection after 150 chars": "y" * 150 + ";\nPythonPlugin:Instance,p,No,pwn,Pwn;",
    "control characters": "a\x00b\x07c\x1bd\x7f;",
    "unicode line separators": "x\u2028;\u2029Output:SQLite,SimpleAndTabular;",
}


def _injection_case(label: str, payload: str, field: str) -> dict:
    def setup(tmp: Path) -> None:
        text = payload.replace("{tmp}", str(tmp))
        _write_plugin(tmp)
        write_tiny(tmp, CLEAN)
        if field == "name":
            write_tiny(tmp, "evil.toml", name=text)
        elif field == "description":
            write_tiny(tmp, "evil.toml", description=text)
        else:  # the wall construction's name
            write_tiny(tmp, "evil.toml", extra=f"[constructions.wall]\nname = {_s(text)}\n")

    case = {"class": "IDF injection", "name": f"{field}: {label}", "argv": _batch_pair("evil.toml"),
            "setup": setup, "expect": "ok", "check": _same_as_clean}
    if CONTROL_CHARS.search(payload):  # the archetype loader refuses control characters in any text (terminal escapes)
        case.update(expect="error", mentions="control character", check=lambda tmp, proc: _pwned(tmp))
    return case


def _poisoning_case() -> dict:
    """The issue's attack: the injected archetype runs first, then the clean one must not get its result."""

    def setup(tmp: Path) -> None:
        write_tiny(tmp, CLEAN)
        write_tiny(tmp, "evil.toml", name=INJECTIONS["rotate the building"])
        _write_plugin(tmp)
        _run(tmp, ["simulate", "--archetype", "evil.toml", "--cache", CACHE, "-q"])

    def check(tmp: Path, proc) -> str | None:
        if proc.returncode != 0:
            return None
        fresh = _run(tmp, ["simulate", "--archetype", CLEAN, "--no-cache", "--json", "-q"])
        a, b = _rows(proc), _rows(fresh)
        if not a or not b or a[0]["heating_kwh"] != b[0]["heating_kwh"]:
            return "cache poisoned: the clean archetype got a result that differs from a fresh run"
        return _pwned(tmp)

    return {"class": "IDF injection", "name": "cache poisoning: injected name run first, clean second",
            "argv": ["simulate", "--archetype", CLEAN, "--cache", CACHE, "--json", "-q"], "setup": setup,
            "expect": "ok", "check": check}


# --------------------------------------------------------------------------- cache faults


def _moved_aside_check(original: bytes | None):
    def check(tmp: Path, proc) -> str | None:
        kept = sorted(tmp.glob(f"{CACHE}.unreadable-*"))
        kept = [k for k in kept if not k.name.endswith(("-wal", "-shm", "-journal"))]
        if original is not None:
            if not kept:
                return "data loss: the broken cache file was not kept"
            if kept[0].read_bytes() != original:
                return "data loss: the kept cache file differs from the original"
            if proc.stderr.count(CACHE) < 1:
                return "no message naming the cache file"
        if proc.stderr.count("\n") > 1:
            return f"more than one message: {proc.stderr!r}"
        return None

    return check


def _cache_case(label: str, make, expect_moved: bool = True) -> dict:
    state: dict = {}

    def setup(tmp: Path) -> None:
        write_tiny(tmp, CLEAN)
        make(tmp / CACHE)
        state["bytes"] = (tmp / CACHE).read_bytes() if (tmp / CACHE).is_file() else None

    def check(tmp: Path, proc) -> str | None:
        if os.geteuid() == 0 and (tmp / CACHE).is_file():
            subprocess.run(["chattr", "-i", str(tmp / CACHE)], check=False, capture_output=True)  # so it can be removed
        return _moved_aside_check(state.get("bytes") if expect_moved else None)(tmp, proc)

    return {"class": "cache faults", "name": label,
            "argv": ["simulate", "--archetype", CLEAN, "--cache", CACHE, "--json", "-q"],
            "setup": setup, "expect": "ok", "check": check}


def _truncated(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE runs (key TEXT PRIMARY KEY, status TEXT NOT NULL, loads BLOB, error TEXT, "
                "building TEXT, weather_id TEXT, engine TEXT, elapsed_s REAL, created REAL)")
    con.execute("PRAGMA application_id=1213288003")
    con.execute("PRAGMA user_version=2")
    con.executemany("INSERT INTO runs (key, status, loads) VALUES (?, 'ok', ?)",
                    [(f"k{i}", os.urandom(2000)) for i in range(300)])
    con.commit()
    con.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    con.execute("INSERT INTO customers VALUES (1, 'keep me')")
    con.commit()
    con.close()


def _old_schema(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE runs (key TEXT PRIMARY KEY, status TEXT NOT NULL, loads BLOB, error TEXT, "
                "building TEXT, weather_id TEXT, engine TEXT, elapsed_s REAL, created REAL)")
    con.execute("INSERT INTO runs (key, status) VALUES ('old', 'ok')")
    con.commit()
    con.close()


def _bad_blobs(path: Path) -> None:
    """A valid cache whose stored results are garbage (they must be ignored, not trusted)."""
    tmp = path.parent
    _run(tmp, ["simulate", "--archetype", CLEAN, "--cache", CACHE, "-q"])
    con = sqlite3.connect(path)
    con.execute("UPDATE runs SET loads = ?", (b"\x00garbage" * 50,))
    con.commit()
    con.close()


def _read_only_file(path: Path) -> None:
    _run(path.parent, ["simulate", "--archetype", CLEAN, "--cache", CACHE, "-q"])  # a good, used cache
    make_read_only(path)


def _read_only_dir_case() -> dict:
    def setup(tmp: Path) -> None:
        write_tiny(tmp, CLEAN)
        (tmp / "ro").mkdir()
        make_read_only(tmp / "ro")

    def check(tmp: Path, proc) -> str | None:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(tmp / "ro")], check=False)
        if proc.returncode == 0 and "ro/runs.sqlite" not in proc.stderr:
            return "read-only cache folder not reported"
        return None

    return {"class": "cache faults", "name": "cache in a read-only folder", "setup": setup, "check": check,
            "argv": ["simulate", "--archetype", CLEAN, "--cache", "ro/runs.sqlite", "--json", "-q"],
            "expect": "ok"}


def _no_cache_case(label: str, make) -> dict:
    state: dict = {}

    def setup(tmp: Path) -> None:
        write_tiny(tmp, CLEAN)
        make(tmp / CACHE)
        state["listing"] = sorted(p.name for p in tmp.iterdir())
        state["bytes"] = (tmp / CACHE).read_bytes() if (tmp / CACHE).is_file() else None

    def check(tmp: Path, proc) -> str | None:
        if sorted(p.name for p in tmp.iterdir()) != state["listing"]:
            return "--no-cache touched the cache folder"
        if state["bytes"] is not None and (tmp / CACHE).read_bytes() != state["bytes"]:
            return "--no-cache changed the cache file"
        return None

    return {"class": "cache faults", "name": f"--no-cache with {label}", "setup": setup, "check": check,
            "argv": ["simulate", "--archetype", CLEAN, "--cache", CACHE, "--no-cache", "--json", "-q"],
            "expect": "ok"}


def _symlinked_cache_case() -> dict:
    victim = b"victim file: must stay as it is\n" * 10

    def setup(tmp: Path) -> None:
        write_tiny(tmp, CLEAN)
        (tmp / "victim.txt").write_bytes(victim)
        os.symlink(tmp / "victim.txt", tmp / CACHE)

    def check(tmp: Path, proc) -> str | None:
        if (tmp / "victim.txt").read_bytes() != victim:
            return "data loss: the file the cache symlink points to was changed"
        return None

    return {"class": "cache faults", "name": "cache path is a symlink to another file", "setup": setup,
            "check": check, "argv": ["simulate", "--archetype", CLEAN, "--cache", CACHE, "--json", "-q"],
            "expect": "ok"}


def _cache_cases() -> list[dict]:
    return [
        _cache_case("garbage bytes", lambda p: p.write_bytes(os.urandom(8192))),
        _cache_case("empty file (a fresh cache)", lambda p: p.write_bytes(b""), expect_moved=False),
        _cache_case("SQLite header only", lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)),
        _cache_case("truncated cache", _truncated),
        _cache_case("another program's database", _foreign),
        _cache_case("older cache format", _old_schema),
        _cache_case("text file", lambda p: p.write_text("hello\n" * 100)),
        _cache_case("stored results are garbage", _bad_blobs, expect_moved=False),
        _cache_case("read-only cache file", _read_only_file, expect_moved=False),
        {"class": "cache faults", "name": "cache path is a folder", "expect": "ok",
         "setup": lambda tmp: (write_tiny(tmp, CLEAN), (tmp / CACHE).mkdir()),
         "argv": ["simulate", "--archetype", CLEAN, "--cache", CACHE, "--json", "-q"]},
        {"class": "cache faults", "name": "cache path is /dev/zero", "expect": "ok",
         "setup": lambda tmp: write_tiny(tmp, CLEAN),
         "argv": ["simulate", "--archetype", CLEAN, "--cache", "/dev/zero", "--json", "-q"]},
        {"class": "cache faults", "name": "cache path is a FIFO (would block a reader)", "expect": "ok",
         "setup": lambda tmp: (write_tiny(tmp, CLEAN), os.mkfifo(tmp / CACHE)),
         "argv": ["simulate", "--archetype", CLEAN, "--cache", CACHE, "--json", "-q"]},
        {"class": "cache faults", "name": "cache under a path through a file", "expect": "ok",
         "setup": lambda tmp: (write_tiny(tmp, CLEAN), (tmp / "afile").write_text("x")),
         "argv": ["simulate", "--archetype", CLEAN, "--cache", "afile/runs.sqlite", "--json", "-q"]},
        _read_only_dir_case(),
        _symlinked_cache_case(),
        _no_cache_case("a garbage cache", lambda p: p.write_bytes(b"garbage" * 100)),
        _no_cache_case("a truncated cache", _truncated),
        _no_cache_case("no cache file", lambda p: None),
    ]


# --------------------------------------------------------------------------- batch interrupt





def _interrupt_experiment(how: str, need_result: bool):
    """A check that runs the experiment: start a real batch, stop it, look for orphans and lost results."""

    def check(tmp: Path, proc) -> str | None:  # noqa: ARG001 - the probe process is not the experiment
        db = tmp / "interrupt.sqlite"
        batch = subprocess.Popen(
            [*SIGINT_DEFAULT, RETROFIT, "batch", "--archetypes", f"{CLEAN},public_office,estate_1990s", "--workers", "2",
             "--cache", str(db), "-q"], cwd=tmp, env={**os.environ, "HONGQIAO_CACHE_DIR": str(tmp / "ic")},
            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                running = any(comm(p) == "energyplus" for p in descendants(batch.pid))
                if running and (ok_rows(db) >= 1 or not need_result):
                    break
                time.sleep(0.05)
            else:
                return "batch never started EnergyPlus"
            below = descendants(batch.pid)
            t0 = time.monotonic()
            if how == "sigint":
                os.killpg(batch.pid, signal.SIGINT)
            elif how == "sigint-twice":
                os.killpg(batch.pid, signal.SIGINT)
                time.sleep(0.2)
                os.killpg(batch.pid, signal.SIGINT)
            elif how == "sigterm":
                os.kill(batch.pid, signal.SIGTERM)
            else:
                os.kill(batch.pid, signal.SIGKILL)
            try:
                _, err = batch.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                return f"hang: the batch did not stop within 15 s of {how}"
            stop_s = time.monotonic() - t0
            end = time.monotonic() + 10
            while time.monotonic() < end and any(alive(p) for p in below):
                time.sleep(0.05)
            left = [(p, comm(p)) for p in below if alive(p)]
            if left:
                return f"orphans left running after {how}: {left}"
            # a second Ctrl-C may land while Python shuts down (handlers reset): death by SIGINT,
            # which a shell reports as status 130 too
            allowed = (130, -signal.SIGINT) if how == "sigint-twice" else (130,)
            if how.startswith("sigint") and batch.returncode not in allowed:
                return f"exit status {batch.returncode}, expected 130"
            if how.startswith("sigint") and "Traceback" in err:
                return "traceback on Ctrl-C"
            if need_result and ok_rows(db) < 1:
                return "data loss: the finished case is not in the cache"
            if stop_s > 10:
                return f"slow stop: {stop_s:.1f} s"
            return None
        finally:
            if batch.poll() is None:
                batch.kill()

    return check


def _interrupt_cases() -> list[dict]:
    out = []
    for how, need, label in [("sigint", True, "Ctrl-C after the first result"),
                             ("sigint", False, "Ctrl-C while the first cases run"),
                             ("sigint-twice", False, "Ctrl-C twice"),
                             ("sigterm", False, "SIGTERM to the parent"),
                             ("sigkill", False, "kill -9 of the parent")]:
        out.append({"class": "batch interrupt", "name": f"{label} (experiment in check)",
                    "argv": ["archetypes", "--json"], "setup": lambda tmp: write_tiny(tmp, CLEAN),
                    "expect": "ok", "check": _interrupt_experiment(how, need)})
    return out


# --------------------------------------------------------------------------- temp files


def _planted_tmp_case(label: str, plant) -> dict:
    """Plant things in the system temp folder where old versions put files; the run must not follow them."""
    tmp_root = Path(tempfile.gettempdir())
    state: dict = {}

    def setup(tmp: Path) -> None:
        write_tiny(tmp, CLEAN)
        victim = tmp / "victim"
        victim.mkdir()
        (victim / FAILED).write_text("victim\n")
        state["victim"] = victim
        state["planted"] = plant(victim, tmp_root)

    def check(tmp: Path, proc) -> str | None:
        victim = state["victim"]
        for p in state.get("planted", []):
            p.unlink(missing_ok=True)
        if sorted(x.name for x in victim.iterdir()) != [FAILED] or (victim / FAILED).read_text() != "victim\n":
            return f"data loss or planted write: {sorted(x.name for x in victim.iterdir())}"
        return None

    return {"class": "temp files", "name": label, "setup": setup, "check": check, "expect": "ok",
            "argv": ["batch", "--archetypes", CLEAN, "--workers", "1", "--no-cache", "--json", "-q"]}


FAILED = "failed.txt"


def _plant_old_epw_dir(victim: Path, tmp_root: Path) -> list[Path]:
    """Old versions reused /tmp/hongqiao-epw/{id}.epw unchecked: plant it as a link to the victim."""
    link = tmp_root / "hongqiao-epw"
    if link.exists() or link.is_symlink():
        return []  # somebody's real folder: leave it alone (the case then only shows it is not used)
    os.symlink(victim, link)
    return [link]


def _plant_run_folder_links(victim: Path, tmp_root: Path) -> list[Path]:
    """Links named like run folders (eplus-<slug>-...) to a folder holding a failure marker: pruning bait."""
    links = []
    for i in range(30):
        link = tmp_root / f"eplus-tiny-planted{os.getpid()}x{i}"
        os.symlink(victim, link)
        links.append(link)
    return links


def _tampered_weather_case() -> dict:
    """The built-in weather's cached EPW in the case's cache folder is tampered (-30 C all year)."""

    def setup(tmp: Path) -> None:
        write_tiny(tmp, CLEAN)
        env = {**os.environ, "HONGQIAO_CACHE_DIR": str(cache_dir_of(tmp))}
        subprocess.run([RETROFIT, "weather", "info", "tianjin"], cwd=tmp, env=env, capture_output=True, timeout=120)
        subprocess.run([sys.executable, "-c", "import weather; weather.epw_path('tianjin')"], cwd=tmp, env=env,
                       capture_output=True, timeout=120)
        for epw in (cache_dir_of(tmp) / "weather").glob("*.epw"):
            lines = epw.read_text().splitlines()
            lines[8:] = [",".join("-30" if i == 6 else f for i, f in enumerate(ln.split(","))) for ln in lines[8:]]
            epw.write_text("\n".join(lines) + "\n")

    def check(tmp: Path, proc) -> str | None:
        if proc.returncode != 0:
            return None
        if not list((cache_dir_of(tmp) / "weather").glob("*.epw")):
            return "setup wrote no cached weather file to tamper with"
        ref = _run(tmp, ["simulate", "--archetype", CLEAN, "--no-cache", "--json", "-q"])
        a, b = _rows(proc), _rows(ref)
        if not a or not b or a[0]["heating_kwh"] != b[0]["heating_kwh"]:
            return "silent wrong: the tampered cached weather file reached EnergyPlus"
        return None

    return {"class": "temp files", "name": "tampered built-in weather file in the cache folder",
            "argv": ["simulate", "--archetype", CLEAN, "--no-cache", "--json", "-q"], "setup": setup,
            "expect": "ok", "check": check}


def _temp_cases() -> list[dict]:
    return [
        _tampered_weather_case(),
        _planted_tmp_case("old weather temp folder planted as a symlink", _plant_old_epw_dir),
        _planted_tmp_case("30 symlinks named like failed run folders", _plant_run_folder_links),
    ]


# --------------------------------------------------------------------------- names and run folders

ODD_NAMES = {
    "slash": "Block 3/4", "comma": "Block A, Building 3", "Chinese": "红桥区 3号楼", "300 characters": "x" * 300,
    "path traversal": "../../etc/passwd", "dot": ".", "dot dot": "..", "tab": "tab\there", "NUL": "nul\x00byte",
    "IDF syntax": "semi;colon!bang", "padded": "  padded  ", "right-to-left override": "\u202eright-to-left",
    "emoji": "🏠 emoji", "only spaces": "   ", "backslash": "C:\\Windows\\x", "markdown": "**bold** [x](http://e)",
    "shell": f"$(touch {CANARY_NAME}); `touch {CANARY_NAME}`", "long Chinese": "红桥区" * 120,
}


def _name_cases() -> list[dict]:
    out = []
    for label, name in ODD_NAMES.items():
        def setup(tmp: Path, name=name) -> None:
            write_tiny(tmp, CLEAN)
            write_tiny(tmp, "odd.toml", name=name)

        case = {"class": "names", "name": label, "argv": _batch_pair("odd.toml"), "setup": setup,
                "expect": "ok", "check": _same_as_clean}
        if CONTROL_CHARS.search(name):  # the archetype loader refuses control characters in any text
            case = {**case, "expect": "error", "mentions": "control character"}
            del case["check"]
        out.append(case)
    for label, rel in [("file in a folder with spaces and Chinese", "我的 文件夹/楼 1.toml"),
                       ("file name with a comma-free odd name", "Block #3 (old).toml")]:
        def setup(tmp: Path, rel=rel) -> None:
            write_tiny(tmp, rel)

        out.append({"class": "names", "name": label, "argv": ["simulate", "--archetype", rel, "--json", "-q"],
                    "setup": setup, "expect": "ok"})
    return out


def _run_folder_case(label: str, name: str) -> dict:
    token = f"rf{os.getpid()}{time.time_ns() % 10**8}"
    tmp_root = Path(tempfile.gettempdir())

    def setup(tmp: Path) -> None:
        write_tiny(tmp, CLEAN, name=f"{token}{name}")

    def check(tmp: Path, proc) -> str | None:
        left = [p for p in tmp_root.iterdir() if token in p.name]
        if left:
            return f"run folder left behind after success: {left[0]}"
        for where in (tmp, tmp_root.parent, Path("/")):
            if any(token in x.name for x in where.iterdir()):
                return f"a run folder escaped the temp folder into {where}"
        return None

    return {"class": "run folders", "name": label, "argv": ["simulate", "--archetype", CLEAN, "--no-cache",
                                                             "--json", "-q"],
            "setup": setup, "expect": "ok", "check": check}


def _run_folder_cases() -> list[dict]:
    return [_run_folder_case("name with ../", "/../../x"), _run_folder_case("name with slashes", "/a/b/c"),
            _run_folder_case("300-character name", "y" * 300), _run_folder_case("Chinese name", "红桥区")]


# --------------------------------------------------------------------------- constructions


def _layers_toml(surface: str, material: str, n: int, thickness_m: float) -> str:
    layer = f'{{ material = "{material}", thickness_m = {thickness_m} }}'
    return f"[constructions.{surface}]\nlayers = [{', '.join([layer] * n)}]\n"


def _construction_case(label: str, extra: str, expect: str) -> dict:
    surface = extra.split("[constructions.", 1)[1].split("]", 1)[0] if "[constructions." in extra else "wall"
    return {"class": "constructions", "name": label, "expect": expect, "mentions": f"constructions.{surface}",
            "setup": lambda tmp: write_tiny(tmp, "c.toml", extra=extra),
            "argv": ["simulate", "--archetype", "c.toml", "--json", "-q", "--no-cache"]}


def _construction_cases() -> list[dict]:
    rc = "reinforced_concrete"
    out = [
        _construction_case("11-layer wall", _layers_toml("wall", rc, 11, 0.02), "error"),
        _construction_case("11-layer roof", _layers_toml("roof", rc, 11, 0.02), "error"),
        _construction_case("11-layer internal floor", _layers_toml("internal_floor", rc, 11, 0.02), "error"),
        _construction_case("30-layer ground floor", _layers_toml("ground_floor", rc, 30, 0.02), "error"),
        _construction_case("10 x 2 m concrete wall (segfault before)", _layers_toml("wall", rc, 10, 2.0), "error"),
        _construction_case("2 x 2 m concrete wall", _layers_toml("wall", rc, 2, 2.0), "error"),
        _construction_case("8 x 0.45 m concrete wall", _layers_toml("wall", rc, 8, 0.45), "error"),
        _construction_case("2 m solid brick wall", _layers_toml("wall", "solid_clay_brick", 1, 2.0), "error"),
        _construction_case("10 x 2 m concrete roof", _layers_toml("roof", rc, 10, 2.0), "error"),
        _construction_case("10-layer wall (the limit)", _layers_toml("wall", rc, 10, 0.02), "ok"),
        _construction_case("7 x 0.5 m concrete wall (runs)", _layers_toml("wall", rc, 7, 0.5), "ok"),
        _construction_case("empty layer list", "[constructions.wall]\nlayers = []\n", "error"),
        _construction_case("zero thickness", _layers_toml("wall", rc, 1, 0.0), "error"),
        _construction_case("negative thickness", _layers_toml("wall", rc, 1, -0.2), "error"),
        _construction_case("nan thickness", "[constructions.wall]\nlayers = [{ material = \"reinforced_concrete\","
                                            " thickness_m = nan }]\n", "error"),
        _construction_case("inf conductivity", "[constructions.wall]\nlayers = [{ material = \"reinforced_concrete\","
                                               " thickness_m = 0.2, conductivity_w_mk = inf }]\n", "error"),
        _construction_case("unknown material with injection", "[constructions.wall]\nlayers = [{ material = "
                                                                "\"x;\\nPythonPlugin:Instance,p,No,pwn,Pwn;\","
                                                                " thickness_m = 0.2 }]\n", "error"),
    ]
    # a retrofit measure that pushes a 10-layer wall past the limit
    out.append({"class": "constructions", "name": "wall insulation on a 10-layer wall (11 after the measure)",
                "expect": "error", "setup": lambda tmp: write_tiny(tmp, "c.toml",
                                                                    extra=_layers_toml("wall", rc, 10, 0.02)),
                "argv": ["evaluate", "--archetype", "c.toml", "--package",
                         "wall_insulation:material=eps_board:thickness_mm=80", "--json"],
                "check": lambda tmp, proc: None if "constructions.wall.layers" in proc.stderr
                else "the message does not name the construction"})
    return out


def cases() -> list[dict]:
    """Every engine-side bad-input case (see the module docstring)."""
    out = [_injection_case(label, payload, "name") for label, payload in INJECTIONS.items()]
    out += [_injection_case(label, payload, field)
            for label, payload in list(INJECTIONS.items())[:3] for field in ("description", "construction name")]
    out.append(_poisoning_case())
    out += _cache_cases()
    out += _interrupt_cases()
    out += _temp_cases()
    out += _name_cases()
    out += _run_folder_cases()
    out += _construction_cases()
    return out
