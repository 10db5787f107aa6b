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
