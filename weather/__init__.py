"""Weather for the Hongqiao retrofit simulator.

- :func:`read_epw` / :meth:`Weather.to_epw`: strict EPW reading and writing;
- :func:`stats` (in :mod:`weather.climate`): climate statistics (monthly table, HDD18,
  CDD26, design temperatures);
- :func:`load` / :func:`epw_path`: the built-in synthetic Tianjin typical year,
  optionally morphed to a future climate (``scenario="ssp245"``, ``year=2050``);
- :func:`morph` (in :mod:`weather.morphing`): morph any weather year with monthly deltas (Belcher et al. 2005).

Importing the package has no side effects: nothing is generated or written until asked.
"""

from .climate import ClimateStats, stats
from .epw import EpwHeader, Site, Weather, parse_epw, read_epw
from .library import BUILT_IN, cache_dir, epw_path, load, write_cached_epw
from .morphing import MonthlyDeltas, future_deltas, future_scenarios, morph

__all__ = [
    "BUILT_IN", "ClimateStats", "EpwHeader", "MonthlyDeltas", "Site", "Weather", "cache_dir",
    "epw_path", "future_deltas", "future_scenarios", "load", "morph", "parse_epw", "read_epw", "stats",
    "write_cached_epw",
]
