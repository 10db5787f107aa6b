"""Electrically heated buildings at the meter: air-source heat pumps and electric heat storage.

A building heated by an air-source heat pump (``ashp``) or an electric
heat-storage boiler (``electric_storage``) buys no heat: its heating shows up in
the electricity meter. The calibration then compares the electricity meter with

    electricity_m = lighting_m + plugs_m + cooling_m / COP_cool + heating electricity_m

and the heating electricity comes from the model's useful heat through the
system model of :mod:`simulator.systems` (the same functions :func:`simulator.systems.deliver`
runs), split into a part the uncertain system parameter scales and a fixed part::

    heating electricity_m = Q_m * (s_m * v_ref / v + f_m)                      [kWh]

* heat pump: ``v`` = ``hp_cop_factor`` (multiplies the hourly COP of the
  Staffell et al. 2012 regression with the EPRI defrost penalty, ``v_ref = 1``),
  ``s_m`` = compressor electricity per kWh useful heat in month *m*, ``f_m`` =
  backup heater and circulator electricity per kWh (not scaled by the COP);
* storage: ``v`` = ``storage_efficiency`` (electricity -> heat, ``v_ref`` =
  the systems file's value), ``s_m`` = charging electricity per kWh useful
  (each 24 h block charged in the valley window, so a little of the 1st of a
  month's heat is charged on the evening before), ``f_m = 0``.

``s_m`` and ``f_m`` are computed once per calibration, hour by hour on the
weather of the metered period, from the hourly heating profile of the
archetype (the surrogate's monthly heating spread over the hours,
:mod:`simulator.surrogate.hourly`) and the heat pump sized on its design load,
as :func:`simulator.systems.deliver` does. Taking them as fixed while the
sampler moves the building's parameters assumes the monthly COP does not depend
on how much heat is needed, only on when: the heat pump is sized on the
design load, so capacity and load scale together (the backup share moves a
little with the load; on the old estate on the built-in year the heat pump, sized at 1.1 x the design
load with its -25 C cut-off, covers all the heat and the backup share is 0).

What the data can identify
--------------------------
With an electricity meter only, the envelope (wall/roof U, infiltration,
indoor temperature) and the COP are confounded: the winter readings fix
``Q / COP``, not ``Q`` and ``COP`` apart. A leakier building with a better heat
pump gives the same bill. The monthly pattern separates them only weakly (the COP
falls in cold months while the heat rises), so the COP factor's posterior stays
close to its prior and the envelope parameters are identified only as far as
their priors allow; the ratio - the heating electricity - is well identified.
:func:`confounding` reports it: the 90 % intervals of the heat demand and of the
heating electricity over posterior draws, and the posterior correlation of the
COP factor (or storage efficiency) with the heat demand and each envelope parameter. A heat meter on the heat pump's output
(``heat_kwh``: useful heat at the building) breaks the confounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from buildings.model import Building
from simulator.design_days import sizing_load_w
from simulator.exceptions import ValidationError
from simulator.loads import monthly_sums
from simulator.system_params import load_system_params

ELECTRIC_SOURCES = ("ashp", "electric_storage")
PARAMETER = {"ashp": "hp_cop_factor", "electric_storage": "storage_efficiency"}
ENVELOPE_PARAMETERS = ("heating_setpoint_c", "infiltration_factor", "envelope_u_factor")


def is_electric(building: Building) -> bool:
    """True when the building's heating is in its electricity meter."""
    return building.systems.heating_source in ELECTRIC_SOURCES


def system_overrides(source: str, names, theta) -> dict:
    """``systems.toml`` overrides (``{section: {key: value}}``) that put a parameter draw into the system model.

    ``hp_cop_factor`` k multiplies the three Staffell coefficients, hence every
    hour's COP (the vertex of the quadratic, where the COP is held, does not move);
    ``storage_efficiency`` replaces ``electric_storage.efficiency``.
    """
    values = dict(zip(names, np.asarray(theta, dtype=float).tolist(), strict=True))
    p = load_system_params()
    if source == "ashp" and "hp_cop_factor" in values:
        k = values["hp_cop_factor"]
        return {"ashp": {c: p["ashp"][c] * k for c in ("cop_c0", "cop_c1", "cop_c2")}}
    if source == "electric_storage" and "storage_efficiency" in values:
        return {"electric_storage": {"efficiency": values["storage_efficiency"]}}
    return {}


@dataclass(frozen=True)
class HeatingElectricity:
    """Monthly heating electricity per kWh of useful heat of an electric heat source.

    Attributes
    ----------
    source
        ``"ashp"`` or ``"electric_storage"``.
    parameter
        The calibration parameter that scales ``scaled_kwh_per_kwh`` (``v`` in the module notes).
    reference
        The parameter value the factors were computed at (``v_ref``).
    scaled_kwh_per_kwh
        Electricity per kWh useful heat that the parameter scales, by month [-] (12).
    fixed_kwh_per_kwh
        Electricity per kWh useful heat it does not scale (backup, circulator), by month [-] (12).
    seasonal_kwh_per_kwh
        Annual heating electricity / annual useful heat at ``reference`` [-] (1 / system SCOP).
    """

    source: str
    parameter: str
    reference: float
    scaled_kwh_per_kwh: np.ndarray
    fixed_kwh_per_kwh: np.ndarray
    seasonal_kwh_per_kwh: float

    def monthly_kwh(self, heat_kwh: np.ndarray, value: np.ndarray | float | None = None) -> np.ndarray:
        """Heating electricity [kWh] for useful heat ``heat_kwh`` (n, 12) or (12,) at parameter ``value`` (n,)."""
        heat = np.atleast_2d(np.asarray(heat_kwh, dtype=float))
        v = np.broadcast_to(np.asarray(self.reference if value is None else value, dtype=float), (len(heat),))
        out = heat * (self.scaled_kwh_per_kwh[None, :] * (self.reference / v)[:, None] + self.fixed_kwh_per_kwh[None, :])
        return out if np.ndim(heat_kwh) > 1 else out[0]

    def to_dict(self) -> dict:
        return {"source": self.source, "parameter": self.parameter, "reference": self.reference,
                "seasonal_kwh_per_kwh": round(self.seasonal_kwh_per_kwh, 4),
                "seasonal_cop": round(1.0 / self.seasonal_kwh_per_kwh, 3) if self.seasonal_kwh_per_kwh > 0 else None,
                "monthly_kwh_per_kwh": [round(float(a + b), 4) for a, b in
                                        zip(self.scaled_kwh_per_kwh, self.fixed_kwh_per_kwh, strict=True)]}


def _per_kwh(part_kwh: np.ndarray, heat_m: np.ndarray) -> np.ndarray:
    return np.where(heat_m > 0, monthly_sums(part_kwh) / np.maximum(heat_m, 1e-12), 0.0)


def heating_electricity(building: Building, loads, weather, params: dict | None = None) -> HeatingElectricity:
    """Monthly heating electricity factors of the building's electric heat source on a weather year.

    Parameters
    ----------
    building
        Its ``systems`` give the source, flow temperature and emitter.
    loads
        :class:`~simulator.loads.Loads` on ``weather`` (hourly useful heat; design load for the heat pump's size).
    weather
        :class:`weather.Weather` of the loads (outdoor temperature, dew point, pressure for the COP).
    params
        Overrides of ``systems.toml``.

    Raises
    ------
    ValidationError
        The heat source is not electric, or the loads carry no heat.
    """
    source = building.systems.heating_source
    if source not in ELECTRIC_SOURCES:
        raise ValidationError([f"systems.heating_source {source!r} is not electric ({', '.join(ELECTRIC_SOURCES)})"],
                              building.name)
    p = load_system_params(params)
    heat = np.asarray(loads.hourly_heating_kwh, dtype=float)
    heat_m = monthly_sums(heat)
    if heat_m.sum() <= 0:
        raise ValidationError(["the building needs no heat on this weather: nothing to calibrate against the "
                               "heating electricity"], building.name)
    d = weather.data
    if source == "ashp":
        from simulator.systems import ashp_heating

        res = ashp_heating(heat, d["dry_bulb_c"].to_numpy(float), d["dew_point_c"].to_numpy(float),
                           d["pressure_pa"].to_numpy(float), building.systems.supply_temperature_c,
                           building.systems.heat_emitter, p["ashp"],
                           design_heat_kw=sizing_load_w(loads, "heating") / 1000.0)
        scaled, fixed = res.electricity_hp_kwh, res.electricity_backup_kwh + res.electricity_aux_kwh
        reference = 1.0
    else:
        from simulator.systems import storage_charging_kwh

        s = p["electric_storage"]
        scaled = storage_charging_kwh(heat, s["efficiency"], s["standing_loss_fraction"],
                                      s["valley_start_hour"], s["valley_end_hour"])
        fixed = np.zeros_like(heat)
        reference = float(s["efficiency"])
    return HeatingElectricity(source, PARAMETER[source], reference, _per_kwh(scaled, heat_m), _per_kwh(fixed, heat_m),
                              float((scaled.sum() + fixed.sum()) / heat_m.sum()))


def _interval(x: np.ndarray) -> dict[str, float]:
    q = np.quantile(x, [0.05, 0.95])
    return {"mean": round(float(x.mean()), 2), "p05": round(float(q[0]), 2), "p95": round(float(q[1]), 2),
            "relative_width_90": round(float((q[1] - q[0]) / x.mean()), 3) if x.mean() > 0 else None}


def confounding(model, samples: np.ndarray, n_draws: int = 400, seed: int = 0) -> dict:
    """What the meters identify: heat demand, heating electricity and the system parameter over posterior draws.

    Parameters
    ----------
    model
        The :class:`~simulator.calibration.bayes.ForwardModel` (with its ``heating_electricity``).
    samples
        Posterior samples (n, parameters).
    n_draws
        Draws predicted (a random subset; 400 put a correlation within about +-0.05).

    Returns
    -------
    dict
        90 % intervals of the annual heating demand and heating electricity [kWh/(m2 a)] and of the
        system parameter, and the posterior correlation of the parameter with the heating demand and with
        each envelope parameter [-]. A correlation near +1 with the heating demand (more heat needs a
        better COP or storage efficiency for the same electricity) says the meters fix their ratio, not each.
    """
    he = model.heating_electricity
    names = list(model.names)
    if he is None or he.parameter not in names:
        return {}
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(samples), size=min(n_draws, len(samples)), replace=False)
    theta = samples[idx]
    heat, _ = model.predict(theta)
    value = theta[:, names.index(he.parameter)]
    area = model.floor_area_m2
    demand = heat.sum(axis=1) / area
    elec = he.monthly_kwh(heat, value).sum(axis=1) / area

    def corr(a, b) -> float:
        r = np.corrcoef(a, b)[0, 1]
        return round(float(r), 3) if np.isfinite(r) else 0.0

    return {"heating_demand_kwh_m2": _interval(demand), "heating_electricity_kwh_m2": _interval(elec),
            he.parameter: _interval(value),
            "correlation_with_heating_demand": corr(value, demand),
            "correlation_with_envelope": {n: corr(value, theta[:, names.index(n)])
                                          for n in ENVELOPE_PARAMETERS if n in names},
            "n_draws": int(len(idx))}
