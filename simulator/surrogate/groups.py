"""The surrogate's outputs: how each output group is encoded for its regressor and decoded back.

One regressor per output group (:class:`simulator.surrogate.model.SurrogateModel`);
:class:`_Group` turns a target table into what the group's regressor learns, and
its predictions back into outputs per m2 of floor:

``heating`` / ``cooling``
    ``log(annual + 0.1)`` and, for the months that carry load in the
    training data, the monthly share of the annual total minus the physical
    estimate's share. Monthly values are the annual prediction times the
    shares (clipped at 0 and renormalised), so months always add up to the year.
``peak_heating``
    ``log(peak + 0.1)`` [W/m2]; where the design loads are learned, the
    prediction is capped as EnergyPlus caps it: its ideal loads cannot heat
    above ``f D`` (``D`` the design heating load, ``f`` the heating capacity
    factor of ``simulator/data/sizing.toml``, :func:`capacity_factor`,
    :func:`simulator.idf.write_sizing`), so ``peak = min(peak_pred, f D_pred)``
    with the model's own design load. (Learning the peak as its share of
    ``f D`` was tried: better on the built-in year alone, twice as bad on the
    multi-weather data, ``benchmarks/bench_surrogate_peak.py``.)
``peak_cooling``
    ``log(peak + 0.1)`` [W/m2].
``design_heating`` / ``design_cooling`` (when every training row has them)
    ``log(D + 0.1)`` minus the log of the steady-state loss at the year's
    99.6 % dry bulb (heating; carries over to any year), or ``log(D + 0.1)``
    (cooling) [W/m2].
``window_solar``
    ``log(annual + 0.1)`` [kWh/m2].

On a weather outside the training years the monthly heating split comes from
a second model, :class:`MonthlyHeating`, learned per (row, month).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.exceptions import ValidationError
from simulator.surrogate.features import LOG_OFFSET
from simulator.surrogate.regressors import PerColumnHGB
from simulator.surrogate.space import get_family

#: Output groups every model has, one regressor each.
GROUPS = ("heating", "cooling", "peak_heating", "peak_cooling", "window_solar")
#: Groups fitted only when every training row has the target (the design loads, recorded since issue 12).
OPTIONAL_GROUPS = ("design_heating", "design_cooling")


def _log(x):
    return np.log(np.clip(np.asarray(x, dtype=float), 0.0, None) + LOG_OFFSET)


def _unlog(z):
    return np.clip(np.exp(z) - LOG_OFFSET, 0.0, None)


def _shares(monthly: np.ndarray) -> np.ndarray:
    tot = monthly.sum(axis=1, keepdims=True)
    return np.divide(monthly, tot, out=np.zeros_like(monthly), where=tot > 0)


class _Group:
    """How one output group is encoded for its regressor and decoded back.

    ``capacity_factor`` (peak heating only, where the design loads are learned):
    the decoded peak is never above the heating capacity ``f D`` sized on the
    predicted design load.
    """

    def __init__(self, name: str, active_months: list[int] | None = None, capacity_factor: float | None = None):
        self.name = name
        self.active_months = active_months or []
        self.capacity_factor = capacity_factor

    def encode(self, Y: pd.DataFrame, est: pd.DataFrame) -> np.ndarray:
        if self.name in ("heating", "cooling"):
            annual = _log(Y[f"{self.name}_kwh_m2"])
            cols = [f"{self.name}_kwh_m2_m{m:02d}" for m in self.active_months]
            share = _shares(Y[cols].to_numpy(dtype=float))
            return np.column_stack([annual, share - self._phys_shares(est)])
        if self.name == "window_solar":
            return _log(Y["window_solar_kwh_m2"])[:, None]
        if self.name == "design_heating":  # relative to the steady-state design-day loss: carries over to any year
            return (_log(Y["design_heating_w_m2"]) - _log(est["phys_design_heating_w_m2"]))[:, None]
        return _log(Y[f"{self.name}_w_m2"])[:, None]

    def _phys_shares(self, est: pd.DataFrame) -> np.ndarray:
        cols = [f"phys_{self.name}_kwh_m2_m{m:02d}" for m in self.active_months]
        s = _shares(est[cols].to_numpy(dtype=float))
        s[s.sum(axis=1) == 0] = 1.0 / max(len(cols), 1)
        return s

    def decode(self, Z: np.ndarray, est: pd.DataFrame, design_heating_w_m2: np.ndarray | None = None,
               ) -> dict[str, np.ndarray]:
        """Outputs of the group from its regressor's predictions (``design_heating_w_m2``: the
        predicted design loads, needed by a peak encoded against the capacity)."""
        if self.name in ("heating", "cooling"):
            annual = _unlog(Z[:, 0])
            share = np.clip(self._phys_shares(est) + Z[:, 1:], 0.0, None)
            share = _shares(share)
            out = {f"{self.name}_kwh_m2": annual}
            for m in range(1, 13):
                out[f"{self.name}_kwh_m2_m{m:02d}"] = np.zeros(len(Z))
            for j, m in enumerate(self.active_months):
                out[f"{self.name}_kwh_m2_m{m:02d}"] = annual * share[:, j]
            return out
        if self.name == "window_solar":
            return {"window_solar_kwh_m2": _unlog(Z[:, 0])}
        if self.name == "design_heating":
            return {"design_heating_w_m2": _unlog(Z[:, 0] + _log(est["phys_design_heating_w_m2"]))}
        if self.capacity_factor is not None:
            if design_heating_w_m2 is None:
                raise ValidationError(["the peak heating is encoded against the design load, which was not predicted"])
            # as EnergyPlus's ideal loads: never above the capacity sized on the design day
            return {"peak_heating_w_m2": np.minimum(_unlog(Z[:, 0]), self.capacity_factor * design_heating_w_m2)}
        return {f"{self.name}_w_m2": _unlog(Z[:, 0])}

    def state(self) -> dict:
        return {"name": self.name, "active_months": [int(m) for m in self.active_months],
                "capacity_factor": None if self.capacity_factor is None else float(self.capacity_factor)}

    @classmethod
    def from_state(cls, st: dict) -> _Group:
        months = [int(m) for m in st["active_months"]]
        if st["name"] not in (*GROUPS, *OPTIONAL_GROUPS) or not all(1 <= m <= 12 for m in months):
            raise ValidationError([f"output group {st['name']!r} with months {months}"])
        factor = st.get("capacity_factor")
        if factor is not None and (st["name"] != "peak_heating" or not 0.5 <= float(factor) <= 5.0):
            raise ValidationError([f"output group {st['name']!r} with capacity factor {factor!r}"])
        return cls(str(st["name"]), months, None if factor is None else float(factor))

    def target_columns(self) -> list[str]:
        if self.name in ("heating", "cooling"):
            return [f"{self.name}_kwh_m2", *(f"{self.name}_kwh_m2_m{m:02d}" for m in range(1, 13))]
        if self.name == "window_solar":
            return ["window_solar_kwh_m2"]
        return [f"{self.name}_w_m2"]


class MonthlyHeating:
    """Monthly heating split on a weather outside the training years, learned per (row, month).

    The target is ``log(E_m + 0.1) - log(P_m + 0.1)`` for each month ``m`` with load:
    EnergyPlus's month ``E_m`` against the physical estimate's ``P_m`` [kWh/m2]. The
    inputs are the row's model inputs, the month's physical load ``log(P_m + 0.1)`` and
    share ``P_m / sum(P)``, and the month (one-hot: the season starts on the 15th of
    November and ends on the 15th of March). So the correction follows how heavy the
    month is on the year asked about, not the calendar of the training years (the
    shares' correction of the ``heating`` group is learned per calendar month, and on
    CSWD it moved November the wrong way). Gradient boosting (:class:`PerColumnHGB`)
    on the stacked (row, month) table. The months are the annual prediction times the
    normalised ``(P_m + 0.1) exp(c_m) - 0.1`` (clipped at 0).
    """

    def __init__(self, months: list[int]):
        self.months = [int(m) for m in months]

    def _stack(self, Z: np.ndarray, est: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        phys = est[[f"phys_heating_kwh_m2_m{m:02d}" for m in self.months]].to_numpy(dtype=float)
        share = _shares(phys)
        blocks = []
        for j in range(len(self.months)):
            onehot = np.zeros((len(Z), len(self.months)))
            onehot[:, j] = 1.0
            blocks.append(np.column_stack([Z, _log(phys[:, j]), share[:, j], onehot]))
        return np.vstack(blocks), phys

    def fit(self, Z: np.ndarray, est: pd.DataFrame, Y: pd.DataFrame) -> MonthlyHeating:
        A, phys = self._stack(Z, est)
        true = Y[[f"heating_kwh_m2_m{m:02d}" for m in self.months]].to_numpy(dtype=float)
        target = (_log(true) - _log(phys)).T.ravel()  # month-major, as the stacked rows
        self.regressor_ = PerColumnHGB().fit(A, target[:, None])
        return self

    def shares(self, Z: np.ndarray, est: pd.DataFrame) -> np.ndarray:
        """Share of the annual heating in each of :attr:`months` per row (rows sum to 1, or 0 without load)."""
        A, phys = self._stack(Z, est)
        c = self.regressor_.predict(A)[:, 0].reshape(len(self.months), len(Z)).T
        return _shares(np.clip((phys + LOG_OFFSET) * np.exp(c) - LOG_OFFSET, 0.0, None))

    def _state(self) -> dict:
        return {"months": self.months, "regressor_": self.regressor_._state()}

    @classmethod
    def _from_state(cls, st: dict) -> MonthlyHeating:
        months = [int(m) for m in st["months"]]
        if not months or not all(1 <= m <= 12 for m in months):
            raise ValidationError([f"monthly heating model with months {months}"])
        self = cls(months)
        self.regressor_ = PerColumnHGB._from_state(st["regressor_"])
        return self


def capacity_factor(family: str) -> float:
    """Heating capacity / design heating load of a family's buildings [-] (``simulator/data/sizing.toml``)."""
    from simulator.design_days import heating_capacity_factor

    return heating_capacity_factor(get_family(family).building_type)


def _has_design(y: pd.DataFrame, group: str) -> bool:
    """Every training row has the design load of the group, above 0 (recorded since issue 12)."""
    col = f"{group}_w_m2"
    return col in y.columns and bool(y[col].notna().all()) and bool((y[col].to_numpy(dtype=float) > 0).all())


def _active_months(Y: pd.DataFrame, name: str) -> list[int]:
    return [m for m in range(1, 13) if (Y[f"{name}_kwh_m2_m{m:02d}"] > 0).any()]
