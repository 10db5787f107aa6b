"""ASHRAE Guideline 14 goodness-of-fit: CV(RMSE) and NMBE of a calibrated model.

Definitions (ASHRAE Guideline 14-2014, *Measurement of Energy, Demand, and
Water Savings*, section 5.2.11.3 "Modeling Uncertainty"), with measured values
``y_i``, simulated values ``yhat_i``, ``n`` data points (months) and ``p``
model parameters::

    CV(RMSE) = 100 * sqrt( sum_i (y_i - yhat_i)^2 / (n - p) ) / ybar      [%]
    NMBE     = 100 * sum_i (y_i - yhat_i) / ((n - p) * ybar)              [%]

``ybar`` is the mean of the measured values. Calibration limits for *monthly*
data (Guideline 14-2014 section 5.3.2.4 f / Table 5-2 note 2): CV(RMSE) at
most 15 % and NMBE within +-5 %.

Choices where sources differ
----------------------------
* **Degrees of freedom.** The guideline divides by ``n - p``; the FEMP and
  IPMVP forms divide by ``n``. We take ``p = 1`` (:data:`DEFAULT_P`), the value
  used for calibrated simulation in the literature reviewed by Ruiz & Bandera
  (2017), *Validation of calibrated energy models: common errors*, Energies
  10(10):1587, doi:10.3390/en10101587. ``p = 0`` gives the ``n`` form.
  For 12 months ``p = 1`` makes CV(RMSE) ``sqrt(12/11)`` = 4.4 % (relative)
  larger than the ``n`` form: the stricter choice.
* **Sign.** Measured minus simulated, as in the guideline: a *positive* NMBE
  means the model *under*-predicts the meter.
* **Which months.** Every month that has a meter reading is compared. For heat,
  months outside the heating season with zero measured and zero simulated heat
  carry no information and are left out (:func:`active_months`); they would
  otherwise change ``n`` and ``ybar`` without testing the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.exceptions import ValidationError

#: Guideline 14-2014 monthly limits [%].
CVRMSE_MONTHLY_LIMIT_PCT = 15.0
NMBE_MONTHLY_LIMIT_PCT = 5.0
#: Number of model parameters p in n - p (see the module notes).
DEFAULT_P = 1


def _arrays(measured, simulated, p: int) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(measured, dtype=float).ravel()
    yhat = np.asarray(simulated, dtype=float).ravel()
    problems = []
    if y.shape != yhat.shape:
        problems.append(f"measured has {y.size} values, simulated {yhat.size}")
    elif y.size - p < 1:
        problems.append(f"need more than p = {p} data points, got {y.size}")
    elif not (np.isfinite(y).all() and np.isfinite(yhat).all()):
        problems.append("values must be finite numbers")
    elif y.mean() <= 0:
        problems.append(f"mean measured value must be positive, got {y.mean():g}")
    if problems:
        raise ValidationError(problems, "Guideline 14 metrics")
    return y, yhat


def cvrmse_pct(measured, simulated, p: int = DEFAULT_P) -> float:
    """Coefficient of variation of the RMSE [%] (ASHRAE Guideline 14-2014, 5.2.11.3).

    Parameters
    ----------
    measured, simulated
        Values per period (months) [any energy unit, the same for both].
    p
        Number of model parameters subtracted from ``n`` (default 1).
    """
    y, yhat = _arrays(measured, simulated, p)
    return float(100.0 * np.sqrt(np.sum((y - yhat) ** 2) / (y.size - p)) / y.mean())


def nmbe_pct(measured, simulated, p: int = DEFAULT_P) -> float:
    """Normalised mean bias error [%] (ASHRAE Guideline 14-2014, 5.2.11.3); positive = model under-predicts.

    Parameters
    ----------
    measured, simulated
        Values per period (months) [any energy unit, the same for both].
    p
        Number of model parameters subtracted from ``n`` (default 1).
    """
    y, yhat = _arrays(measured, simulated, p)
    return float(100.0 * np.sum(y - yhat) / ((y.size - p) * y.mean()))


def active_months(measured, simulated) -> np.ndarray:
    """Mask of months where the meter or the model is non-zero (the months compared)."""
    y = np.asarray(measured, dtype=float)
    yhat = np.asarray(simulated, dtype=float)
    return (np.abs(y) > 0) | (np.abs(yhat) > 0)


@dataclass(frozen=True)
class G14:
    """Guideline 14 metrics of one meter.

    Attributes
    ----------
    cvrmse_pct, nmbe_pct
        The metrics [%].
    n_months
        Months compared.
    p
        Parameters subtracted from ``n``.
    """

    cvrmse_pct: float
    nmbe_pct: float
    n_months: int
    p: int = DEFAULT_P

    @property
    def cvrmse_ok(self) -> bool:
        return self.cvrmse_pct <= CVRMSE_MONTHLY_LIMIT_PCT

    @property
    def nmbe_ok(self) -> bool:
        return abs(self.nmbe_pct) <= NMBE_MONTHLY_LIMIT_PCT

    @property
    def calibrated(self) -> bool:
        """Both monthly limits met (CV(RMSE) <= 15 %, |NMBE| <= 5 %)."""
        return self.cvrmse_ok and self.nmbe_ok

    def to_dict(self) -> dict:
        return {"cvrmse_pct": round(self.cvrmse_pct, 3), "nmbe_pct": round(self.nmbe_pct, 3),
                "n_months": self.n_months, "p": self.p,
                "cvrmse_limit_pct": CVRMSE_MONTHLY_LIMIT_PCT, "nmbe_limit_pct": NMBE_MONTHLY_LIMIT_PCT,
                "calibrated": self.calibrated}


def g14(measured, simulated, p: int = DEFAULT_P, drop_inactive: bool = True) -> G14:
    """Both metrics over the months with data (and, if ``drop_inactive``, some energy).

    ``NaN`` in ``measured`` marks a month without a reading; it is skipped.
    """
    y = np.asarray(measured, dtype=float).ravel()
    yhat = np.asarray(simulated, dtype=float).ravel()
    keep = np.isfinite(y)
    if drop_inactive:
        keep &= active_months(np.nan_to_num(y), yhat)
    return G14(cvrmse_pct(y[keep], yhat[keep], p), nmbe_pct(y[keep], yhat[keep], p), int(keep.sum()), p)
