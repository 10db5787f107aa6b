"""Argument types, table printing and progress bars shared by the command lines.

:mod:`simulator.cli` registers the commands of every sub-CLI
(:mod:`simulator.surrogate.cli`, :mod:`simulator.reports.cli`, ...); those
take their shared helpers from here, a module that imports none of them, so
no command line imports the one that registers it.
"""

from __future__ import annotations

import argparse
import math
import sys

DEFAULT_WEATHER = "tianjin"

MAX_WORKERS = 256
"""Largest process-pool size accepted on the command line (more than any machine here has cores)."""


def number_arg(flag: str, low: float, high: float, integer: bool = False):
    """An argparse ``type`` for a numeric flag: a finite number in ``low..high`` (whole if ``integer``).

    NaN, infinity, and values outside the range are refused with the flag's
    name and the allowed range (argparse then exits with status 2).
    """
    kind = "a whole number" if integer else "a number"

    def parse(text: str):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r}: expected {kind}") from None
        if not math.isfinite(value) or not low <= value <= high or (integer and value != int(value)):
            raise argparse.ArgumentTypeError(f"{text[:40]!r}: must be {kind} in {low:g}..{high:g}")
        return int(value) if integer else value

    parse.__name__ = flag  # argparse names the type in some messages
    return parse


def print_table(rows: list[dict]) -> None:
    """Print rows (dicts) as a plain-text table, columns in order of first appearance."""
    if not rows:
        return
    cols = list(dict.fromkeys(k for r in rows for k in r))
    cells = [[str(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def progress_bar(desc: str, quiet: bool):
    """A tqdm bar on stderr and its ``update(done, total)`` callback, or ``(None, None)`` when quiet."""
    if quiet:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=0, desc=desc, unit="run", file=sys.stderr)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    return bar, update


def evaluation_options(args: argparse.Namespace):
    """The :class:`simulator.evaluate.Options` of the ``--grid`` (factor or scenario name), ``--discount-rate``,
    ``--horizon`` and ``--subsidy-cny-m2`` flags of ``evaluate`` and ``report``."""
    from simulator.evaluate import Options

    grid: str | float | None = args.grid
    if grid is not None:
        try:
            grid = float(grid)
        except ValueError:
            pass  # a named grid factor, checked by Options
    return Options(grid=grid, discount_rate=args.discount_rate, horizon_years=args.horizon,
                   subsidy_cny_m2=args.subsidy_cny_m2)
