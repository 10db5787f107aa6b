"""Anchoring the surrogate to one EnergyPlus run on a weather year it was not trained on.

On a new weather most of the surrogate's error is shared by every building of
a family: the physical estimate and its learned correction carry over from
the training weathers only as far as those weathers resemble the new one, and
the training weathers (the built-in year, its morphs and synthetic variations
from one generator) differ from each other less than real years differ from
them. On the real Tianjin CSWD and TMYx 2011-2025 years (never trained on) the
mean error of annual heating reached 10 % and of cooling 16 %, nearly alike for
every package of an archetype (``benchmarks/results/surrogate_heldout.md``).

One EnergyPlus run measures that shared error: the family's base archetype
(:func:`simulator.surrogate.space.base_building`) is simulated on the weather
(once; the run cache keeps it), predicted by the surrogate, and every
prediction of the family on that weather is then corrected by the ratio
(an :class:`Anchor`):

* each headline output ``y`` (annual heating and cooling [kWh/m2], the peaks
  and design loads [W/m2]): ``log(y + 0.1)`` moves by
  ``log(y_EnergyPlus + 0.1) - log(y_surrogate + 0.1)`` of the base building;
* the monthly split of heating and cooling: each month's share is multiplied
  by the base building's ratio of EnergyPlus to surrogate share (months where
  either share is below :data:`MIN_SHARE` keep theirs), then renormalised, so
  months still add up to the year.

The correction is exact for the base building and carries the shared part of
the error to the others; what it leaves is calibrated by leave-one-weather-out
over the training weathers (the ``anchored`` quantile,
:func:`simulator.surrogate.intervals.calibrate`). A training weather needs no
anchor (:func:`simulator.surrogate.engine.anchor_for` makes the run and returns None there).

This module holds the correction only (no model, no EnergyPlus), so the
interval code can use it without an import cycle.

The anchor costs one EnergyPlus run per family and weather (about 5-20 s on
one core); predictions after it stay in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.surrogate.groups import _log, _shares, _unlog

#: A month's share of the annual load below which its anchor ratio is not used [-] (1 %: a ratio of
#: two near-zero shares is noise, and such months carry under 1 % of the year).
MIN_SHARE = 0.01
#: Largest correction of an annual output by an anchor, as a factor [-]: beyond it the weather is
#: too far from the training weathers for a correction to be trusted (the run still anchors, and
#: the caller is told through :attr:`Anchor.problems`). Estimate: twice the largest held-out error.
MAX_FACTOR = 1.5
HEADLINE = ("heating_kwh_m2", "cooling_kwh_m2", "peak_heating_w_m2", "peak_cooling_w_m2",
            "design_heating_w_m2", "design_cooling_w_m2")
KINDS = ("heating", "cooling")


@dataclass(frozen=True)
class Anchor:
    """The correction of one family's predictions on one weather.

    Attributes
    ----------
    family
        Family name.
    weather_id
        Content hash of the weather.
    building
        Name of the base building that was simulated.
    log_ratio
        Headline column -> ``log(y_E+ + 0.1) - log(y_sur + 0.1)`` of the base building [-].
    month_ratio
        ``"heating"``/``"cooling"`` -> 12 factors on the monthly shares [-].
    energyplus_s
        Wall time of the EnergyPlus run (0 when it came from the run cache) [s].
    """

    family: str
    weather_id: str
    building: str
    log_ratio: dict[str, float] = field(hash=False)
    month_ratio: dict[str, tuple[float, ...]] = field(hash=False)
    energyplus_s: float = 0.0

    @property
    def factors(self) -> dict[str, float]:
        """Headline column -> multiplicative correction at the base building's load [-]."""
        return {c: float(np.exp(r)) for c, r in self.log_ratio.items()}

    @property
    def problems(self) -> list[str]:
        """Corrections beyond :data:`MAX_FACTOR` either way, as sentences (empty: none)."""
        return [f"the anchor run corrects {c} by x{f:.2f} (beyond x{MAX_FACTOR:g} or /{MAX_FACTOR:g}): "
                f"the weather is far from the training weathers; prefer EnergyPlus"
                for c, f in self.factors.items() if not 1.0 / MAX_FACTOR <= f <= MAX_FACTOR]

    def to_dict(self) -> dict:
        return {"family": self.family, "weather_id": self.weather_id, "building": self.building,
                "factors": {c: round(f, 4) for c, f in self.factors.items()},
                "energyplus_s": round(self.energyplus_s, 1), "problems": self.problems}


def _months(frame: pd.DataFrame | pd.Series, kind: str) -> np.ndarray:
    """The 12 monthly loads of ``kind`` of each row, shape (n, 12) [kWh/m2]."""
    cols = [f"{kind}_kwh_m2_m{m:02d}" for m in range(1, 13)]
    return np.asarray(frame[cols], dtype=float).reshape(-1, 12)


def _corrected_months(monthly: np.ndarray, annual: np.ndarray, ratio) -> np.ndarray:
    """Months (n, 12) re-split by the anchor's share ratios (renormalised) and scaled to ``annual`` (n,)."""
    return _shares(_shares(monthly) * np.asarray(ratio)[None, :]) * annual[:, None]


def anchor_from(family: str, weather_id: str, building: str, true: pd.Series, pred: pd.Series,
                energyplus_s: float = 0.0) -> Anchor:
    """The anchor from the base building's EnergyPlus targets ``true`` and surrogate prediction ``pred``."""
    log_ratio = {}
    for c in HEADLINE:
        if c in pred.index and c in true.index and np.isfinite(pred[c]) and np.isfinite(true[c]):
            log_ratio[c] = float(_log(true[c]) - _log(pred[c]))
    month_ratio = {}
    for kind in KINDS:
        st, sp = _shares(_months(true, kind))[0], _shares(_months(pred, kind))[0]
        ok = (st >= MIN_SHARE) & (sp >= MIN_SHARE)
        month_ratio[kind] = tuple(float(x) for x in np.where(ok, st / np.where(ok, sp, 1.0), 1.0))
    return Anchor(family, weather_id, building, log_ratio, month_ratio, energyplus_s)


def apply(pred: pd.DataFrame, anchor: Anchor | None) -> pd.DataFrame:
    """Predictions corrected by an anchor (a new frame; ``anchor`` None returns ``pred`` unchanged).

    Headline outputs move by the anchor's log ratio; the monthly heating and
    cooling take the corrected annual totals split by the corrected shares.
    """
    if anchor is None:
        return pred
    out = pred.copy()
    for c, r in anchor.log_ratio.items():
        if c in out.columns:
            out[c] = _unlog(_log(out[c]) + r)
    for kind in KINDS:
        cols = [f"{kind}_kwh_m2_m{m:02d}" for m in range(1, 13)]
        if set(cols) <= set(out.columns):
            out[cols] = _corrected_months(_months(pred, kind), out[f"{kind}_kwh_m2"].to_numpy(),
                                          anchor.month_ratio[kind])
    return out


def apply_monthly(heating_m: np.ndarray, cooling_m: np.ndarray, anchor: Anchor | None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`apply` on monthly arrays only (n, 12) [kWh/m2] (the calibration sampler's fast path)."""
    if anchor is None:
        return heating_m, cooling_m
    out = []
    for kind, monthly in (("heating", heating_m), ("cooling", cooling_m)):
        annual = _unlog(_log(monthly.sum(axis=1)) + anchor.log_ratio.get(f"{kind}_kwh_m2", 0.0))
        out.append(_corrected_months(monthly, annual, anchor.month_ratio[kind]))
    return out[0], out[1]
