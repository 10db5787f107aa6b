"""Command-line functions for weather: ``weather info EPW`` and ``weather tianjin --out FILE``.

The project's main CLI registers them with :func:`add_parser`; every handler
takes the parsed arguments, prints, and returns an exit code. Bad input
raises :class:`~simulator.exceptions.WeatherError` (or another
``RetrofitError``), which the main CLI prints as one line (exit code 2).
``python -m weather.cli ...`` runs the same commands on their own.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from simulator.exceptions import RetrofitError, WeatherError

from .climate import stats
from .epw import read_epw
from .library import load


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``weather`` command group on an argparse subparsers object.

    Each leaf parser sets ``func``: call ``args.func(args)`` to run it (returns an int).
    """
    parser = subparsers.add_parser("weather", help="weather files: statistics, built-in Tianjin year",
                                   description=__doc__.splitlines()[0])
    parser.set_defaults(func=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="weather_command", metavar="COMMAND")

    info = sub.add_parser("info", help="site and climate statistics of an EPW file")
    info.add_argument("epw", type=Path, help="EPW weather file")
    info.add_argument("--json", action="store_true", help="print JSON instead of a table")
    info.set_defaults(func=cmd_info)

    tianjin = sub.add_parser("tianjin", help="write the built-in Tianjin typical year as EPW")
    tianjin.add_argument("--out", type=Path, required=True, help="output .epw file")
    tianjin.add_argument("--scenario", help="future climate: ssp245 or ssp585 (needs --year)")
    tianjin.add_argument("--year", type=int, help="future horizon: 2030 or 2050 (needs --scenario)")
    tianjin.set_defaults(func=cmd_tianjin)
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def cmd_info(args: argparse.Namespace) -> int:
    """Print the site and the climate statistics of ``args.epw``."""
    w = read_epw(args.epw)
    s = stats(w)
    if args.json:
        print(json.dumps({"name": w.name, "id": w.id, "site": dataclasses.asdict(w.site),
                          "stats": s.to_dict()}, indent=2))
        return 0
    site = w.site
    print(f"{args.epw}  (id {w.id})")
    print(f"Site: {site.name}, {site.state}, {site.country}  WMO {site.wmo}  source {site.source}")
    print(f"      {site.latitude_deg:.4f} N  {site.longitude_deg:.4f} E  UTC{site.time_zone_h:+g} h  "
          f"elevation {site.elevation_m:g} m\n")
    print(s.to_markdown())
    return 0


def cmd_tianjin(args: argparse.Namespace) -> int:
    """Write the built-in Tianjin year (optionally morphed) to ``args.out``."""
    w = load("tianjin", scenario=args.scenario, year=args.year)
    try:
        path = w.to_epw(args.out)
    except OSError as exc:
        raise WeatherError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {path} ({w.name}, id {w.id})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the weather commands on their own (``python -m weather.cli weather info X.epw``)."""
    parser = argparse.ArgumentParser(prog="python -m weather.cli")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RetrofitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
