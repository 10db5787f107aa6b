"""The calibration parameters and their priors (``simulator/data/calibration_priors.toml``).

Each parameter is an uncertain input that the surrogate can move:

========================= ========= ==================================================
parameter                 mode      surrogate features it moves
========================= ========= ==================================================
heating_setpoint_c        absolute  heating_setpoint_c (effective indoor temperature)
infiltration_factor       factor    infiltration_ach
internal_gains_factor     factor    lighting_w_m2, equipment_w_m2
envelope_u_factor         factor    wall_u_w_m2k, roof_u_w_m2k (degradation, workmanship)
network_efficiency        meter     none: substation heat = building heat / efficiency
hp_cop_factor             meter     none: heat-pump electricity (x hourly COP), ashp only
storage_efficiency        meter     none: storage electricity = heat / efficiency, electric_storage only
========================= ========= ==================================================

A prior is a normal distribution truncated to ``[low, high]`` from the data
file, cut further to the values that keep every feature the parameter moves
inside the surrogate family's training range (:func:`support`): the
surrogate is not trusted outside it, so the posterior cannot go there either.
A posterior piled against such a bound is reported (``at_bound``).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import stats

from simulator.exceptions import ValidationError
from simulator.sourced_data import read_toml

PRIORS_FILE = "data/calibration_priors.toml"
MODES = ("absolute", "factor", "meter")


@dataclass(frozen=True)
class Prior:
    """Truncated normal prior of one parameter.

    Attributes
    ----------
    name
        Parameter name (unit in the name or in ``unit``).
    label, label_zh
        Display names (English, Chinese).
    unit
        Unit text.
    mode
        ``absolute`` (replaces the archetype value), ``factor`` (multiplies it)
        or ``meter`` (acts on the meter comparison only).
    features
        Surrogate features the parameter moves.
    mean, sd
        Of the untruncated normal [unit].
    low, high
        Support [unit] (after cutting to the surrogate's range).
    sources
        Source text of mean, sd, low, high.
    """

    name: str
    label: str
    label_zh: str
    unit: str
    mode: str
    features: tuple[str, ...]
    mean: float
    sd: float
    low: float
    high: float
    sources: tuple[tuple[str, str], ...] = ()
    only_for_heat_meter: str | None = None
    only_for_heating_source: str | None = None

    def applies(self, heat_meter: str, heating_source: str) -> bool:
        """True when the parameter belongs to a calibration with this heat meter and heat source."""
        return ((self.only_for_heat_meter is None or self.only_for_heat_meter == heat_meter)
                and (self.only_for_heating_source is None or self.only_for_heating_source == heating_source))

    def _dist(self):
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        """Log density [1/unit]; ``-inf`` outside ``[low, high]``."""
        x = np.asarray(x, dtype=float)
        inside = (x >= self.low) & (x <= self.high)
        out = np.full(x.shape, -np.inf)
        out[inside] = -0.5 * ((x[inside] - self.mean) / self.sd) ** 2
        return out

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self._dist().rvs(size=n, random_state=rng)

    def quantiles(self, q) -> np.ndarray:
        return self._dist().ppf(q)

    def with_support(self, low: float, high: float) -> Prior:
        import dataclasses

        return dataclasses.replace(self, low=max(self.low, low), high=min(self.high, high))

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "sd": self.sd, "low": round(self.low, 6), "high": round(self.high, 6),
                "unit": self.unit, "mode": self.mode, "features": list(self.features),
                "distribution": "truncated normal", "sources": dict(self.sources)}


@cache
def _raw_text() -> str:
    return resources.files("simulator").joinpath(PRIORS_FILE).read_text(encoding="utf-8")


def priors_sha256() -> str:
    """SHA-256 of the priors file (provenance)."""
    return hashlib.sha256(_raw_text().encode("utf-8")).hexdigest()


def _num(entry: Any, where: str, problems: list[str]) -> float:
    v = entry.get("value") if isinstance(entry, dict) else entry
    if not isinstance(entry, dict) or not str(entry.get("source", "")).strip():
        problems.append(f"{where}: needs {{ value, source }}")
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        problems.append(f"{where}: expected a number, got {v!r}")
        return math.nan
    return float(v)


def parse_priors(data: dict[str, Any], label: str = PRIORS_FILE) -> tuple[dict[str, Prior], dict[str, float]]:
    """Priors and error model from parsed TOML; every problem reported at once."""
    problems: list[str] = []
    out: dict[str, Prior] = {}
    for name, p in (data.get("parameters") or {}).items():
        w = f"parameters.{name}"
        vals = {k: _num(p.get(k), f"{w}.{k}", problems) for k in ("mean", "sd", "low", "high")}
        if p.get("mode") not in MODES:
            problems.append(f"{w}.mode: {p.get('mode')!r} is not one of {', '.join(MODES)}")
        if vals["sd"] <= 0:
            problems.append(f"{w}.sd must be positive")
        if not vals["low"] < vals["high"]:
            problems.append(f"{w}: low must be below high")
        out[name] = Prior(name=name, label=str(p.get("label", name)), label_zh=str(p.get("label_zh", name)),
                          unit=str(p.get("unit", "-")), mode=str(p.get("mode")),
                          features=tuple(p.get("features", ())), **vals,
                          sources=tuple((k, str(p[k].get("source", ""))) for k in ("mean", "sd", "low", "high")
                                        if isinstance(p.get(k), dict)),
                          only_for_heat_meter=p.get("only_for_heat_meter"),
                          only_for_heating_source=p.get("only_for_heating_source"))
    err = {k: _num(v, f"error_model.{k}", problems) for k, v in (data.get("error_model") or {}).items()}
    for k in ("heat_relative_sd", "electricity_relative_sd"):
        if k not in err:
            problems.append(f"error_model.{k}: missing")
    if not out:
        problems.append("no [parameters.*] tables")
    if problems:
        raise ValidationError(problems, label)
    return out, err


@cache
def load_priors() -> tuple[dict[str, Prior], dict[str, float]]:
    """The shipped priors and error model (cached; Priors are frozen)."""
    return parse_priors(read_toml("simulator", PRIORS_FILE))


def support(prior: Prior, base_features: dict[str, float], ranges: dict[str, tuple[float, float]]) -> Prior:
    """``prior`` cut to the values that keep its features inside the surrogate's ranges.

    Parameters
    ----------
    prior
        The data-file prior.
    base_features
        The archetype's feature values.
    ranges
        Feature name -> (low, high) of the surrogate family.
    """
    low, high = prior.low, prior.high
    for f in prior.features:
        lo, hi = ranges[f]
        if prior.mode == "absolute":
            low, high = max(low, lo), min(high, hi)
        elif prior.mode == "factor":
            base = base_features[f]
            if base > 0:
                low, high = max(low, lo / base), min(high, hi / base)
    if not low < high:
        raise ValidationError([f"{prior.name}: the archetype's {', '.join(prior.features)} leave no room inside the "
                               f"surrogate's training range (support {low:.3g}..{high:.3g})"], "calibration priors")
    return prior.with_support(low, high)
