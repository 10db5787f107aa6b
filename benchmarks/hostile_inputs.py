"""Run the catalogue of hostile and odd inputs through the installed ``retrofit`` command.

Every module of ``benchmarks/hostile/`` that defines ``cases()`` contributes
cases (see ``benchmarks/hostile/__init__.py`` for the case contract). Each
case runs as a subprocess, ``.venv/bin/retrofit ARGV``, in a fresh working
directory with a fresh ``HONGQIAO_CACHE_DIR``, under a timeout, and is
classified as one of:

- ``clear_error``: expected a refusal; exit status 2, no traceback, the message
  on stderr (naming what the case says it must name);
- ``ok``: expected success; exit status 0 and the case's check passed;
- ``traceback``: "Traceback" on stderr;
- ``silent_wrong``: a bad input accepted (exit 0) or a check found a wrong result;
- ``hang``: the timeout passed (the process group is killed);
- ``data_loss``: a check found something already computed lost;
- ``code_execution``: an injection payload ran (its canary file exists);
- ``other_failure``: anything else (wrong exit status, message not naming the
  field, a valid input refused).

Writes ``benchmarks/results/hostile_inputs.json`` (every case) and
``hostile_inputs.md`` (counts per class, then every case that is not clean).

Usage::

    .venv/bin/python benchmarks/hostile_inputs.py [--classes a,b] [--jobs 2] [--timeout-s 120]
"""

from __future__ import annotations

import argparse
import collections
import importlib
import json
import os
import pkgutil
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.hostile import cache_dir_of, canary  # noqa: E402

RESULTS = HERE / "results"
RETROFIT = REPO / ".venv" / "bin" / "retrofit"
OUTCOMES = ("clear_error", "ok", "traceback", "silent_wrong", "hang", "data_loss", "code_execution",
            "other_failure")


def load_cases(classes: set[str] | None = None) -> list[dict]:
    """Every case of every ``benchmarks/hostile`` module with ``cases()``, optionally filtered by class."""
    import benchmarks.hostile as pkg

    out = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"benchmarks.hostile.{info.name}")
        if not callable(getattr(mod, "cases", None)):
            continue
        for case in mod.cases():
            case = {**case, "module": info.name}
            if classes is None or case["class"] in classes:
                out.append(case)
    names = collections.Counter((c["class"], c["name"]) for c in out)
    dup = [k for k, n in names.items() if n > 1]
    if dup:
        raise SystemExit(f"duplicate case names: {dup}")
    return out


def classify(case: dict, proc: subprocess.CompletedProcess | None, tmpdir: Path,
             problem: str | None) -> tuple[str, str]:
    """The outcome of one case and a short reason."""
    if canary(tmpdir).exists():
        return "code_execution", f"canary {canary(tmpdir).name} was created"
    if proc is None:
        return "hang", "timeout"
    err = proc.stderr or ""
    if "Traceback (most recent call last)" in err:
        return "traceback", err.strip().splitlines()[-1][:200] if err.strip() else "traceback"
    if problem:
        low = problem.lower()
        if low.startswith(("code exec", "code ran")):
            return "code_execution", problem
        if low.startswith("data loss"):
            return "data_loss", problem
        return "silent_wrong", problem
    if case["expect"] == "ok":
        if proc.returncode == 0:
            return "ok", ""
        return "other_failure", f"valid input refused (exit {proc.returncode}): {_last_line(err)}"
    if proc.returncode == 0:
        return "silent_wrong", "bad input accepted (exit 0)"
    if proc.returncode != 2:
        return "other_failure", f"exit {proc.returncode}, expected 2: {_last_line(err)}"
    if not err.strip():
        return "other_failure", "exit 2 without a message"
    mentions = case.get("mentions") or []
    mentions = [mentions] if isinstance(mentions, str) else list(mentions)
    missing = [m for m in mentions if m.lower() not in err.lower()]
    if missing:
        return "other_failure", f"message does not name {missing}: {_last_line(err)}"
    return "clear_error", ""


def _last_line(text: str) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def run_case(case: dict, timeout_s: float) -> dict:
    """Run one case in fresh folders; returns its result row."""
    base = Path(tempfile.mkdtemp(prefix="hostile-"))
    tmpdir = base / "work"
    tmpdir.mkdir()
    cache_dir_of(tmpdir).mkdir()
    env = {**os.environ, "HONGQIAO_CACHE_DIR": str(cache_dir_of(tmpdir)), "PYTHONUNBUFFERED": "1"}
    row = {"class": case["class"], "name": case["name"], "module": case["module"],
           "argv": [str(a) for a in case["argv"]], "expect": case["expect"]}
    t0 = time.perf_counter()
    proc, problem = None, None
    try:
        if case.get("setup"):
            case["setup"](tmpdir)
        cmd = [sys.executable, *row["argv"]] if case.get("python") else [str(RETROFIT), *row["argv"]]
        p = subprocess.Popen(cmd, cwd=tmpdir, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=case.get("timeout_s", timeout_s))
            proc = subprocess.CompletedProcess(p.args, p.returncode, out, err)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)  # the whole group: EnergyPlus and workers too
            p.communicate()
        if proc is not None and case.get("check"):
            problem = case["check"](tmpdir, proc)
    except Exception as exc:  # noqa: BLE001 - a broken case is reported, the catalogue goes on
        problem = f"case setup/check failed: {type(exc).__name__}: {exc}"
    row["seconds"] = round(time.perf_counter() - t0, 2)
    row["outcome"], row["reason"] = classify(case, proc, tmpdir, problem)
    if problem and problem.startswith("case setup/check failed"):
        row["outcome"] = "other_failure"
    row["exit"] = None if proc is None else proc.returncode
    row["stderr_last_line"] = "" if proc is None else _last_line(proc.stderr)
    shutil.rmtree(base, ignore_errors=True)
    return row


def summarise(rows: list[dict]) -> list[dict]:
    """Counts per class, in the order the classes first appear."""
    table: dict[str, collections.Counter] = {}
    for r in rows:
        table.setdefault(r["class"], collections.Counter())[r["outcome"]] += 1
    return [{"class": k, "tried": sum(c.values()), **{o: c.get(o, 0) for o in OUTCOMES}} for k, c in table.items()]


def markdown(summary: list[dict], rows: list[dict], meta: dict) -> str:
    head = ["class", "tried", "clear errors", "handled ok", "tracebacks", "silent wrong", "hangs",
            "data loss", "code executions", "other failures"]
    keys = ["class", "tried", *OUTCOMES]
    total = {k: sum(s[k] for s in summary) for k in keys[1:]}
    wall = f"about {meta['wall_s']:.0f} s wall over several runs" if meta.get("assembled") else f"{meta['wall_s']:.0f} s wall"
    lines = [f"Hostile and odd inputs through `retrofit` ({meta['cases']} cases, {wall}, "
             f"{meta['jobs']} jobs, timeout {meta['timeout_s']:.0f} s per case, on the shared machine under load; "
        f"{meta['when']}).", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in [*summary, {"class": "**total**", **total}]:
        lines.append("| " + " | ".join(str(s[k]) for k in keys) + " |")
    bad = [r for r in rows if r["outcome"] not in ("clear_error", "ok")]
    lines += ["", f"Cases not clean: {len(bad)}."]
    for r in bad:
        lines.append(f"- {r['class']} / {r['name']}: **{r['outcome']}** - {r['reason']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--classes", default=None, help="comma-separated classes to run (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    ap.add_argument("--timeout-s", type=float, default=120.0, help="hang limit per case [s]")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--out", default="hostile_inputs", help="results file stem in benchmarks/results")
    ap.add_argument("--update", action="store_true",
                    help="keep the other classes' rows of the existing results file (rerun a subset)")
    args = ap.parse_args(argv)
    if not RETROFIT.exists():
        raise SystemExit(f"{RETROFIT} not found: run `make install` first")
    classes = None if args.classes is None else {c.strip() for c in args.classes.split(",") if c.strip()}
    cases = load_cases(classes)
    if args.list:
        for c in cases:
            print(f"{c['class']:<28} {c['name']:<40} {c['expect']:<6} retrofit {' '.join(map(str, c['argv']))[:80]}")
        return 0
    t0 = time.perf_counter()
    rows: list[dict] = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for i, row in enumerate(pool.map(lambda c: run_case(c, args.timeout_s), cases), 1):
            rows.append(row)
            flag = "" if row["outcome"] in ("clear_error", "ok") else f"  <-- {row['reason']}"
            print(f"[{i}/{len(cases)}] {row['class']}/{row['name']}: {row['outcome']} ({row['seconds']} s){flag}",
                  flush=True)
    wall_s = round(time.perf_counter() - t0, 1)
    previous = RESULTS / f"{args.out}.json"
    if args.update and previous.is_file():
        ran = {r["class"] for r in rows}
        old = json.loads(previous.read_text())
        rows = [r for r in old["cases"] if r["class"] not in ran] + rows
        wall_s = round(wall_s + sum(r["seconds"] for r in old["cases"] if r["class"] not in ran) / max(1, args.jobs), 1)
    summary = summarise(rows)
    meta = {"cases": len(rows), "wall_s": wall_s, "jobs": args.jobs,
            "timeout_s": args.timeout_s, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "command": "python benchmarks/hostile_inputs.py" + (f" --classes {args.classes}" if args.classes else ""),
            "assembled": bool(args.update and previous.is_file())}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps({"meta": meta, "summary": summary, "cases": rows},
                                                         indent=2, ensure_ascii=False) + "\n")
    md = markdown(summary, rows, meta)
    (RESULTS / f"{args.out}.md").write_text(md)
    print(md)
    clean = all(r["outcome"] in ("clear_error", "ok") for r in rows)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
