"""``retrofit validate ...``: validation suites through the project's own model and engine.

:func:`add_parser` registers the command group on the main CLI's subparsers::

    retrofit validate ashrae140 [--cases 600,900] [--epw PATH] [--json]

Exit code 0 when every case run is in range, 1 when one is not (the table or
JSON says which and why); library errors propagate to the main CLI (exit 2).
"""

from __future__ import annotations

import json
import sys


def _fmt_range(bounds: list[float] | None) -> str:
    return "-" if bounds is None else f"{bounds[0]:.2f}-{bounds[1]:.2f}"


def table_rows(report: dict) -> list[list[str]]:
    """Rows of the ASHRAE 140 table (value and range per quantity)."""
    rows = []
    for c in report["cases"]:
        row = [c["case"]]
        for q in ("heating_mwh", "cooling_mwh", "peak_heating_kw", "peak_cooling_kw"):
            r = c["ranges"][q]
            bounds = r.get("acceptance", r.get("reference_programs"))
            mark = "" if c["checks"].get(q, True) else " ✗"
            row.append(f"{c[q]:.2f}{mark} ({_fmt_range(bounds)})")
        row.append("yes" if c["in_range"] else "no")
        rows.append(row)
    return rows


TABLE_HEAD = ["case", "heating MWh", "sensible cooling MWh", "peak heating kW", "peak sensible cooling kW",
              "in range"]


def markdown_table(report: dict) -> str:
    """The result table as Markdown (ranges in brackets; ✗ = outside)."""
    lines = ["| " + " | ".join(TABLE_HEAD) + " |", "|" + "---|" * len(TABLE_HEAD)]
    lines += ["| " + " | ".join(r) + " |" for r in table_rows(report)]
    return "\n".join(lines)


def cmd_ashrae140(args) -> int:
    from simulator.validation import ashrae140 as A

    cases = [c.strip() for c in args.cases.split(",")] if args.cases else None
    bar = None
    update = None
    if not args.json:
        from tqdm import tqdm

        bar = tqdm(total=len(cases or A.case_names()), desc="ASHRAE 140", unit="case", file=sys.stderr)

        def update(done: int, _total: int) -> None:
            bar.n = done
            bar.refresh()

    try:
        report = A.run(cases, epw=args.epw, progress=update).to_dict()
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"{report['edition']}\nweather: {report['weather']} (ranges computed on {report['weather_specified']})")
        print("annual heating/cooling against the acceptance criteria, peaks against the reference programs")
        widths = [max(len(r[i]) for r in [TABLE_HEAD, *table_rows(report)]) for i in range(len(TABLE_HEAD))]
        for r in [TABLE_HEAD, *table_rows(report)]:
            print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
        for note in report["notes"]:
            print(f"note: {note}")
        print(f"not expressible by the model: {', '.join(d['case'] for d in report['not_run'])} "
              "(reasons in --json)")
    return 0 if all(c["in_range"] for c in report["cases"]) else 1


def add_parser(sub) -> None:
    """Register ``validate`` and its suites on the main CLI's subparsers."""
    v = sub.add_parser("validate", help="validation suites (ASHRAE Standard 140) through the project's model")
    vs = v.add_subparsers(dest="suite", required=True)
    a = vs.add_parser("ashrae140", help="ASHRAE 140 thermal fabric cases on the wheel's Colorado TMY3 weather")
    a.add_argument("--cases", default=None, help="comma-separated cases (default: all the model expresses)")
    a.add_argument("--epw", default=None,
                   help="weather file (default: the EnergyPlus wheel's USA_CO_Golden-NREL.724666_TMY3.epw)")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.set_defaults(func=cmd_ashrae140)
