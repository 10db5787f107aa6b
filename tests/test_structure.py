"""The code's structure: no import cycles between the project's modules, and each imports alone.

The import graph is read from the source (every ``import`` and ``from ... import``,
including those inside functions, and ``__import__("...")`` /
``importlib.import_module("...")`` with a literal name), so an import moved into a
function to hide a cycle is still an edge. A cycle is a strongly connected
component of more than one module (Tarjan's algorithm).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("simulator", "buildings", "archetypes", "weather")
#: Streamlit page scripts and the app entry run UI code when imported: graph only, not imported here.
SCRIPTS = ("simulator.app.pages.", "simulator.app.main")


def project_modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    out = {}
    for pkg in PACKAGES:
        for p in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(p.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = p
    return out


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name lives in (``a.b.c`` -> ``a.b`` if ``c`` is not a module)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _literal_import(node: ast.AST) -> str | None:
    """The module named by ``__import__("x")`` or ``importlib.import_module("x")``, else None."""
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return None
    f = node.func
    if (isinstance(f, ast.Name) and f.id == "__import__") or (isinstance(f, ast.Attribute)
                                                              and f.attr == "import_module"):
        return node.args[0].value
    return None


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports anywhere in its source."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for m, path in modules.items():
        package = m if path.name == "__init__.py" else m.rpartition(".")[0]
        targets: list[str] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                targets += [f"{base}.{a.name}" for a in node.names]
            elif (name := _literal_import(node)) is not None:
                targets.append(name)
        graph[m] = {t for t in (_resolve(x, modules) for x in targets) if t is not None and t != m}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_the_cycle_finder_finds_a_cycle():
    """The finder itself: a planted two- and three-module cycle are found, a chain is not."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a", "c"}, "g": set()}
    assert sorted(cycles(graph)) == [["a", "b"], ["c", "d", "e"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_imports_inside_functions(tmp_path):
    """An import inside a function, a relative import and ``__import__`` are all edges."""
    modules = {"p": tmp_path / "p" / "__init__.py", "p.x": tmp_path / "p" / "x.py",
               "p.y": tmp_path / "p" / "y.py", "p.z": tmp_path / "p" / "z.py"}
    modules["p"].parent.mkdir()
    modules["p"].write_text("")
    modules["p.x"].write_text("def f():\n    from p.y import g\n    return g\n")
    modules["p.y"].write_text("from . import z\n")
    modules["p.z"].write_text("def h():\n    return __import__('p.x', fromlist=['f'])\n")
    graph = import_graph(modules)
    assert graph["p.x"] == {"p.y"} and graph["p.y"] == {"p.z"} and graph["p.z"] == {"p.x"}
    assert cycles(graph) == [["p.x", "p.y", "p.z"]]


def test_no_import_cycles():
    found = cycles(import_graph(project_modules()))
    assert found == [], "import cycles (move what both sides need into a lower module): " + "; ".join(
        " <-> ".join(c) for c in found)


_IMPORT_EACH = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for m in [m for m in sys.modules if m.split(".")[0] in {packages!r}]:
        del sys.modules[m]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=-1).strip().splitlines()[-1])
print("\\n".join(failed))
"""


def test_each_module_imports_on_its_own():
    """Each module imports with none of the project's modules loaded before it (any import order works).

    One interpreter, the project's modules dropped from ``sys.modules`` before each
    import (third-party packages stay loaded: they cannot depend on ours).
    """
    names = [m for m in project_modules() if not m.startswith(SCRIPTS)]
    code = _IMPORT_EACH.format(packages=set(PACKAGES))
    done = subprocess.run([sys.executable, "-c", code, *names], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", done.stdout


# --------------------------------------------------------------------------- one loader of data files

#: Modules outside simulator/sourced_data.py that still read TOML or unwrap ``{value = ...}`` by hand,
#: each with the reason. A new module doing either fails the test; a module that stops doing it must
#: leave this list (the test fails on a stale entry), so the list only shrinks.
HAND_READERS_LEFT = {
    "simulator.system_params": "reads through sourced_data.read_toml; unpacks value/unit/range/source into ParamSpec",
    "simulator.district.cli": "`t['value']` is a roadmap target's result row, not a data file",
    "simulator.app.roadmap_view": "`d['value']` is a roadmap target's result row, not a data file",
    "simulator.reports.report": "`d['value']` is a row of the result's intervals chain, not a data file",
    "simulator.surrogate.weathers": "user training-weathers files (the lead's folder: parse_toml there later)",
}


def hand_reading(path: Path) -> list[str]:
    """How a module reads sourced data by hand: ``import tomllib``, ``x["value"]``, ``"value" in x``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Import) and any(a.name == "tomllib" for a in node.names)) or (
                isinstance(node, ast.ImportFrom) and node.module == "tomllib"):
            found.add("imports tomllib")
        elif (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
              and node.slice.value == "value"):
            found.add('indexes ["value"]')
        elif (isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and node.left.value == "value"
              and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)):
            found.add('tests "value" in')
    return sorted(found)


def test_the_hand_reader_finder_finds_a_copy(tmp_path):
    """The finder itself: a planted private ``_value`` and a tomllib reader are found, plain code is not."""
    copy = tmp_path / "copy.py"
    copy.write_text('import tomllib\n\ndef _value(x):\n    return x["value"] if "value" in x else x\n')
    assert hand_reading(copy) == ['imports tomllib', 'indexes ["value"]', 'tests "value" in']
    plain = tmp_path / "plain.py"
    plain.write_text('from simulator.sourced_data import value_of\n\ndef f(x):\n    return value_of(x["cost"])\n')
    assert hand_reading(plain) == []


def test_one_loader_of_sourced_data_files():
    """Only simulator/sourced_data.py reads TOML data files and unwraps ``{value, unit, source}`` tables.

    The module list is read from the source, so a new private copy (a ``_value``
    helper, a ``tomllib.loads`` of a packaged file) fails here; the modules left
    are named in :data:`HAND_READERS_LEFT` with the reason.
    """
    found = {m: hand_reading(p) for m, p in project_modules().items() if m != "simulator.sourced_data"}
    found = {m: how for m, how in found.items() if how}
    new = {m: how for m, how in found.items() if m not in HAND_READERS_LEFT}
    assert new == {}, f"read sourced data through simulator.sourced_data (read_toml, strip, value_of): {new}"
    stale = sorted(set(HAND_READERS_LEFT) - set(found))
    assert stale == [], f"no longer reads by hand, remove from HAND_READERS_LEFT: {stale}"


# --------------------------------------------------------------------------- one calendar

_DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  # written here, not imported: the test's own
_MONTH_STARTS = [sum(_DAYS_IN_MONTH[:m]) for m in range(13)]  # 0, 31, 59, ..., 365
#: Numbers of the calendar no module but simulator/units.py may write as a literal constant:
#: hours per year (and leap year), days per year, hours per day, seconds per year.
_CALENDAR_NUMBERS = {8760, 8784, 365, 366, 24, 365 * 86400}
_CALENDAR_WORDS = ("HOUR", "DAY", "MONTH", "YEAR")


def _folded(node: ast.AST) -> float | None:
    """The value of a literal number or of arithmetic on literal numbers (``365.0 * 86400.0``), else None."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult):
        a, b = _folded(node.left), _folded(node.right)
        if a is not None and b is not None:
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}[type(node.op)]
    return None


def calendar_copies(path: Path) -> list[str]:
    """Where a module writes its own calendar: 8760/8784 anywhere, a days-per-month or month-start list,
    or a module constant named for hours/days/months/years set to a calendar number (``HOURS = 24``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value in (8760, 8784):
            out.append(f"line {node.lineno}: {node.value}")
        elif isinstance(node, ast.Tuple | ast.List):
            values = [_folded(e) for e in node.elts]
            if len(values) >= 12 and None not in values and (
                    values == _DAYS_IN_MONTH or values in (_MONTH_STARTS, _MONTH_STARTS[:12], _MONTH_STARTS[1:])):
                out.append(f"line {node.lineno}: a list of month lengths or starts")
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) and node.value is not None else []
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if names and any(w in n.upper() for n in names for w in _CALENDAR_WORDS) \
                and _folded(node.value) in _CALENDAR_NUMBERS:
            out.append(f"line {node.lineno}: {', '.join(names)} = {_folded(node.value):g}")
    return out


def test_the_calendar_copy_finder_finds_copies(tmp_path):
    """The finder itself: planted copies of each kind are found; the same numbers used otherwise are not."""
    copy = tmp_path / "copy.py"
    copy.write_text("HOURS = 24\nSECONDS_PER_YEAR = 365.0 * 86400.0\n"
                    "_MONTH_START = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365)\n"
                    "def f(x):\n    days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]\n    return x[:8760]\n")
    assert sorted(calendar_copies(copy)) == ["line 1: HOURS = 24", "line 2: SECONDS_PER_YEAR = 3.1536e+07",
                                             "line 3: a list of month lengths or starts",
                                             "line 5: a list of month lengths or starts", "line 6: 8760"]
    plain = tmp_path / "plain.py"
    plain.write_text("from simulator.units import HOURS_PER_DAY as HOURS\nWIDTH = 24\n"
                     "def f(x):\n    return x.reshape(-1, 24)\n")
    assert calendar_copies(plain) == []


def test_one_calendar():
    """Hours per year, days per month and month starts are written once, in simulator/units.py."""
    found = {m: c for m, p in project_modules().items() if m != "simulator.units" and (c := calendar_copies(p))}
    assert found == {}, f"use simulator.units (HOURS_PER_YEAR, DAYS_IN_MONTH, MONTH_START_DAY, ...): {found}"


# --------------------------------------------------------------------------- the held-out weather files

_HELD_OUT_STEM = "CHN_TJ_" + "Tianjin.545270"  # split so this file does not name the files itself


def held_out_names(path: Path) -> list[int]:
    """Lines where a module's code (not a docstring or comment) writes a held-out weather file's name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    return sorted(n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and _HELD_OUT_STEM in n.value and id(n) not in docstrings)


def test_the_held_out_name_finder_finds_a_copy(tmp_path):
    copy = tmp_path / "copy.py"
    copy.write_text(f'"""Reads {_HELD_OUT_STEM}_CSWD.epw."""\n# {_HELD_OUT_STEM}_CSWD.epw\n'
                    f'X = "../shared/weather/{_HELD_OUT_STEM}_CSWD.epw"\n')
    assert held_out_names(copy) == [3]


def test_held_out_weather_files_named_once():
    """The real Tianjin years' file names are written in weather/heldout.py only (tests and benchmarks import it)."""
    files = [*project_modules().values(), *sorted((ROOT / "tests").rglob("*.py")),
             *sorted((ROOT / "benchmarks").rglob("*.py"))]
    found = {str(p.relative_to(ROOT)): lines for p in files
             if p != ROOT / "weather" / "heldout.py" and (lines := held_out_names(p))}
    assert found == {}, f"use weather.heldout (CSWD, TMYX, FOLDER, paths, present): {found}"
