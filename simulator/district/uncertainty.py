"""Monte Carlo of the roadmap: bands on every trajectory and the probability of meeting each target.

Each draw scales the additive totals of a roadmap run (so a draw costs the
yearly accounting of a few dozen groups, not a new surrogate run):

- **grid factor path**: ``x (1 + sd(y) z)``, one ``z`` per draw for all years,
  ``sd`` growing after the last verified year;
- **district heat and gas CO2 factors**: ``x (1 + sd z)``;
- **surrogate**: heating-linear totals of each family (useful heat, district
  heat, gas, heating electricity, ambient heat) ``x exp(sd_f z_f)``, ``sd_f``
  the area- and load-weighted mean of the Gaussian process's predictive
  standard deviation of log heating over the family's buildings (or the
  README's measured CV(RMSE) when larger), one ``z_f`` per family and draw;
- **costs**: capex ``x exp(sd z - sd^2 / 2)`` (log-normal, mean kept).

Standard deviations and their sources are in ``data/uncertainty.toml``.
Calibrated posteriors (issue on calibration) are not in the library yet, so
the archetype parameters' uncertainty enters only through the stock's sampled
spread. Reproducible from ``seed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator import carbon
from simulator.district import targets as T
from simulator.district.accounting import HEATING_LINEAR
from simulator.exceptions import ValidationError
from simulator.sourced_data import read_toml, strip

BAND_COLUMNS = ("energy_kwh", "co2_t", "renewable_share", "public_kgce_m2_vs_2020", "public_co2_kg_m2_vs_2020",
                "capex_cny")
MAX_DRAWS = 100_000


def load_uncertainty() -> dict:
    """The standard deviations of ``data/uncertainty.toml`` as plain values (a fresh copy)."""
    plain = strip(read_toml("simulator.district", "data/uncertainty.toml"))
    return {sec: tab for sec, tab in plain.items() if isinstance(tab, dict)}


@dataclass(frozen=True)
class MonteCarlo:
    """Monte Carlo result.

    Attributes
    ----------
    draws
        Number of draws.
    bands
        Per year and column of :data:`BAND_COLUMNS`: ``p05``, ``p50``, ``p95``.
    probabilities
        Target name -> share of draws meeting it [-].
    peak_years
        Peak year of each draw.
    family_sd
        Relative sd of heating used per family [-].
    samples
        Per draw and year, the band columns (long format).
    """

    draws: int
    bands: pd.DataFrame
    probabilities: dict
    peak_years: np.ndarray
    family_sd: dict
    samples: pd.DataFrame

    def to_dict(self) -> dict:
        return {"draws": self.draws, "probabilities": {k: float(v) for k, v in self.probabilities.items()},
                "peak_year_distribution": {int(y): int(c) for y, c in zip(*np.unique(self.peak_years, return_counts=True),
                                                                        strict=True)},
                "surrogate_relative_sd": {k: float(v) for k, v in self.family_sd.items()},
                "bands": [{k: (int(v) if k == "year" else T._num(v)) for k, v in r.items()}
                          for r in self.bands.to_dict("records")]}


def family_sd(totals: pd.DataFrame, floor: float) -> dict:
    """Load-weighted mean predictive sd of log heating per family [-], at least ``floor``."""
    first = totals[totals["year"] == totals["year"].min()]
    g = first.groupby("family")[["heat_log_std_kwh", "heat_useful_kwh"]].sum()
    out = {}
    for fam, r in g.iterrows():
        sd = r["heat_log_std_kwh"] / r["heat_useful_kwh"] if r["heat_useful_kwh"] > 0 else 0.0
        out[str(fam)] = max(float(sd), floor)
    return out


def monte_carlo(totals: pd.DataFrame, scenario, capex: pd.DataFrame, gas_lhv_mj_m3: float, draws: int = 200,
                seed: int = 1, progress: Callable[[int, int], None] | None = None) -> MonteCarlo:
    """Run the Monte Carlo on a roadmap's totals (see the module notes).

    Parameters
    ----------
    totals
        Roadmap totals (with ``heat_log_std_kwh`` from a run with the GP's std, else the floor is used).
    scenario
        The scenario.
    capex
        :func:`simulator.district.roadmap.capex_by_year`.
    gas_lhv_mj_m3
        Gas LHV of the totals [MJ/m3].
    draws
        Number of draws.
    """
    if not isinstance(draws, int | np.integer) or not 1 <= draws <= MAX_DRAWS:
        raise ValidationError([f"draws = {draws!r}: must be an integer in [1, {MAX_DRAWS}]"], source="monte carlo")
    u = load_uncertainty()
    rng = np.random.default_rng(seed)
    base_f = carbon.load_emission_factors()
    years = scenario.years.astype(int)
    last = int(u["grid"]["last_verified_year"])
    sd_grid = u["grid"]["relative_sd_verified"] + u["grid"]["relative_sd_growth_per_year"] * np.maximum(years - last, 0)
    fsd = family_sd(totals, float(u["surrogate"]["relative_sd_floor"]))
    fams = sorted(fsd)
    fam_col = totals["family"].astype(str).to_numpy()
    lin = list(HEATING_LINEAR)
    base_lin = totals[lin].to_numpy()
    sd_cost = float(u["costs"]["relative_sd"])
    recs, probs, peaks = [], {}, []
    for d in range(draws):
        z = rng.standard_normal(3 + len(fams))
        grid = np.maximum(scenario.grid_kgco2_kwh * (1.0 + sd_grid * z[0]), 0.0)
        f = dict(base_f)
        f["district_heat"] = dict(base_f["district_heat"])
        f["district_heat"]["co2_kg_gj"] = max(base_f["district_heat"]["co2_kg_gj"]
                                              * (1.0 + u["district_heat"]["relative_sd"] * z[1]), 0.0)
        f["gas"] = dict(base_f["gas"])
        f["gas"]["co2_kg_gj"] = max(base_f["gas"]["co2_kg_gj"] * (1.0 + u["gas"]["relative_sd"] * z[2]), 0.0)
        mult = np.ones(len(totals))
        for k, fam in enumerate(fams):
            mult[fam_col == fam] = np.exp(fsd[fam] * z[3 + k])
        t = totals.copy()
        t[lin] = base_lin * mult[:, None]
        table = T.year_table(t, scenario, gas_lhv_mj_m3, f, grid)
        cost = capex["capex_cny"].to_numpy() * np.exp(sd_cost * rng.standard_normal() - sd_cost ** 2 / 2)
        table["capex_cny"] = cost
        for tg in T.targets(table, scenario):
            probs[tg.name] = probs.get(tg.name, 0) + int(tg.met)
        peaks.append(T.peak_year(table))
        sub = table[["year", *BAND_COLUMNS]].assign(draw=d)
        recs.append(sub)
        if progress is not None:
            progress(d + 1, draws)
    samples = pd.concat(recs, ignore_index=True)
    q = samples.groupby("year")[list(BAND_COLUMNS)].quantile([0.05, 0.5, 0.95]).unstack()
    q.columns = [f"{c}_p{int(round(p * 100)):02d}" for c, p in q.columns]
    bands = q.reset_index()
    return MonteCarlo(draws, bands, {k: v / draws for k, v in probs.items()}, np.array(peaks), fsd, samples)
