"""The compare page's weather choice and the surrogate's intervals of its packages (no physics here).

The weather choices and the intervals are the weather-aware surrogate's
(:mod:`simulator.surrogate.api`, :mod:`simulator.surrogate.intervals`): every
package's heating saving on the chosen weather with its 90 % interval, in one
vectorised call (the GP's covariance of the building and its retrofit, scaled
by the conformal quantile; plus the weather-level bias on a weather the
surrogate was not trained on).
"""

from __future__ import annotations

import pandas as pd

from buildings import measures as M
from buildings.model import Building
from simulator.app.choices import Choices


def heating_savings_intervals(building: Building, choices: list[Choices], weather) -> pd.DataFrame:
    """Heating saving of each package [% of the baseline] with its 90 % interval, on ``weather``.

    Returns
    -------
    DataFrame
        One row per package: ``savings_pct``, ``savings_pct_p05``, ``savings_pct_p95`` (and the same in kWh/m2).
    """
    from simulator.surrogate.engine import SurrogateEngine
    from simulator.surrogate.intervals import savings_interval
    from simulator.surrogate.space import family_of, features_of
    from simulator.surrogate.training import load_model

    fam = family_of(building)
    model, _ = load_model(fam)
    anchor, _ = SurrogateEngine(warn=False).anchor_of(fam, weather)  # as the surrogate's loads on this weather
    base = features_of(building, fam)
    Xb = pd.DataFrame([base] * len(choices))
    Xr = pd.DataFrame([features_of(M.apply(building, M.package(c.measures())), fam) if c.measures() else base
                       for c in choices])
    return savings_interval(model, Xb, Xr, weather, anchor=anchor).reset_index(drop=True)


def trained_on(building: Building, weather) -> bool:
    """True when ``weather`` is one of the surrogate's training years for this building's family (no anchor runs)."""
    from simulator.surrogate.space import family_of
    from simulator.surrogate.training import load_model

    return bool(load_model(family_of(building))[0].physics_.is_training_weather(weather))


def outside_training(building: Building, weather) -> bool:
    """True when ``weather`` lies outside the surrogate's training weathers for this building's family."""
    from simulator.surrogate.engine import SurrogateEngine

    return bool(SurrogateEngine(warn=False).weather_problems(building, weather))


def with_chain_intervals(df: pd.DataFrame, column: str, quantities: dict[str, tuple[str, float]]) -> pd.DataFrame:
    """``df`` with the chain intervals of each row (``df[column]``: :func:`simulator.chain_intervals.savings_intervals`)
    as ``<label> p05`` and ``<label> p95`` columns after ``<label>`` (added with the value when missing).

    ``quantities``: quantity -> (column label, factor to the label's unit). A row without intervals gets NaN.
    """
    out = df.copy()
    for q, (label, factor) in quantities.items():
        def part(key: str, q=q, factor=factor) -> list[float]:
            return [d[q][key] * factor if isinstance(d, dict) and q in d else float("nan") for d in out[column]]

        if label not in out.columns:
            out.insert(list(out.columns).index(column), label, part("value"))
        at = list(out.columns).index(label) + 1
        out.insert(at, f"{label} p05", part("p05"))
        out.insert(at + 1, f"{label} p95", part("p95"))
    return out
