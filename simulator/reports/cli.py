"""``retrofit report``: a report of one package on one archetype as HTML or PDF."""

from __future__ import annotations

import sys
from pathlib import Path

from simulator.exceptions import RetrofitError


def add_parser(subparsers) -> None:
    """Register ``report`` on the main CLI's subparsers."""
    from simulator.cli_args import DEFAULT_WEATHER, number_arg
    from simulator.evaluate import MAX_HORIZON_YEARS, MAX_SUBSIDY_CNY_M2

    p = subparsers.add_parser("report", help="a report of a package on an archetype (HTML, PDF, CSV or Excel)")
    p.add_argument("--archetype", required=True, help="archetype name or path to a TOML file")
    p.add_argument("--package", required=True, help="preset name or comma-separated measures")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="report language (default zh)")
    p.add_argument("--out", default=None,
                   help="output file: .html, .pdf, .csv or .xlsx (default: a name that says what is inside, .html)")
    p.add_argument("--engine", default="surrogate", choices=["surrogate", "energyplus"])
    p.add_argument("--check-energyplus", action="store_true",
                   help="with the surrogate, also run EnergyPlus and include the comparison")
    p.add_argument("--weather", default=DEFAULT_WEATHER, help="EPW file or built-in weather name")
    p.add_argument("--grid", default=None, help="grid emission factor name or kgCO2/kWh")
    p.add_argument("--discount-rate", type=number_arg("--discount-rate", -0.99, 1.0), default=None)
    p.add_argument("--horizon", type=number_arg("--horizon", 1, MAX_HORIZON_YEARS, integer=True), default=None)
    p.add_argument("--subsidy-cny-m2", type=number_arg("--subsidy-cny-m2", 0.0, MAX_SUBSIDY_CNY_M2), default=0.0)
    p.add_argument("--credible-draws", type=number_arg("--credible-draws", 0, 200, integer=True), default=None,
                   help="posterior draws for the 90 %% credible intervals of a calibrated archetype file "
                        "(default 100; 0: none)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_report)


def render(rep, suffix: str) -> bytes:
    """The report in the format of a file suffix (.html, .pdf, .csv, .xlsx)."""
    from simulator.reports import report as R

    if suffix == ".pdf":
        from simulator.reports.pdf import to_pdf

        return to_pdf(rep)
    writers = {".html": R.to_html, ".htm": R.to_html, ".csv": R.to_csv, ".xlsx": R.to_excel}
    if suffix not in writers:
        raise RetrofitError(f"--out: unknown report format {suffix or '(none)'!r}; use .html, .pdf, .csv or .xlsx")
    return writers[suffix](rep)


def cmd_report(args) -> int:
    from tqdm import tqdm

    from simulator.cli_args import evaluation_options
    from simulator.reports.report import build_report, file_name

    out = Path(args.out) if args.out else None
    suffix = out.suffix.lower() if out else ".html"
    if suffix == ".pdf":
        from simulator.reports.pdf import cjk_font_path

        cjk_font_path()  # fail before the evaluation when the font is missing
    elif suffix not in (".html", ".htm", ".csv", ".xlsx"):
        render(None, suffix)  # raises the clear message
    opts = evaluation_options(args)
    bar = tqdm(total=100, disable=args.quiet, file=sys.stderr, unit="%")

    def progress(f: float, what: str) -> None:
        bar.set_description(what)
        bar.update(int(100 * f) - bar.n)

    rep = build_report(args.archetype, args.package, args.lang, args.engine, args.weather, opts,
                       args.check_energyplus, progress, args.credible_draws)
    data = render(rep, suffix)
    bar.close()
    path = out or Path(file_name(rep, "html"))
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise RetrofitError(f"--out {path}: cannot write ({exc.strerror or exc})") from None
    print(f"{path} ({len(data) / 1e3:,.0f} kB)")
    return 0
