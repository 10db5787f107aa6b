"""Systems step: ideal loads -> delivered energy by carrier (+ rooftop PV).

:func:`deliver` converts the hourly ideal heating and cooling loads of a
:class:`~simulator.loads.Loads` into what the building buys, hour by hour:

- **district heat**: heat bought = useful / (1 - L), L the substation and
  distribution losses combined with the overheating of unbalanced,
  area-billed networks;
- **gas boiler**: m3 = useful / (seasonal efficiency x LHV), plus a little
  auxiliary electricity;
- **air-source heat pump** (air-to-water): hourly COP from the Staffell et al.
  (2012) regression on the lift (supply minus outdoor temperature), a
  humidity-driven defrost penalty (EPRI model of the EnergyPlus Engineering
  Reference), a capacity falling with outdoor temperature, sized to the
  peak load at the design temperature, a low-temperature cut-off, electric
  backup for the rest, circulator energy;
- **electric heat storage** (蓄热式电锅炉): each day's heat charged at
  constant power in the 20:00-08:00 valley tariff window, with conversion
  and standing losses;
- **cooling** by split ACs, a chiller plant or the heat pump at a seasonal COP;
- lighting and plug electricity pass through; the fans of a heat-recovery
  ventilation unit (:func:`buildings.ventilation.hourly_fan_kwh`) are added to
  the equipment end use (``notes["ventilation_fan_kwh"]`` gives them apart);
- **PV** from ``building.systems.pv_capacity_kw`` (:mod:`simulator.pv`).

All defaults live in ``simulator/data/systems.toml`` with unit, allowed range
and source; :func:`load_system_params` returns them with per-call overrides
validated (unknown keys and out-of-range values raise
:class:`~simulator.exceptions.ValidationError` listing every problem).

References
----------
.. [1] Staffell, I., Brett, D., Brandon, N. & Hawkes, A. (2012). A review of
   domestic heat pumps. *Energy Environ. Sci.* 5, 9291-9306.
   doi:10.1039/C2EE22653G.
.. [2] U.S. DOE (2024). EnergyPlus Engineering Reference, "Single-speed
   electric heat pump DX air heating coil": frost adjustment and demand
   defrost (EPRI algorithm).
.. [3] Alduchov, O. A. & Eskridge, R. E. (1996). Improved Magnus form
   approximation of saturation vapor pressure. *J. Appl. Meteorol.* 35,
   601-609.
.. [4] EN 442-2 (radiators) and EN 1264 (floor heating): heat output
   proportional to the emitter temperature excess to the power n.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from buildings.ventilation import hourly_fan_kwh
from simulator import pv as pvmod
from simulator.delivered import ELECTRIC_END_USES, Delivered
from simulator.design_days import equipment_margin, sizing_load_w
from simulator.exceptions import ValidationError, WeatherError
from simulator.system_params import DATA_FILE, ParamSpec, load_system_params, parameter_specs  # noqa: F401 (public names)
from simulator.units import HOURS_PER_YEAR as HOURS
from simulator.units import KWH_PER_MJ, humidity_ratio_kg_kg, saturation_vapour_pressure_pa  # noqa: F401 (public names)

log = logging.getLogger(__name__)

HEATING_SOURCES = ("district_heat", "gas_boiler", "ashp", "electric_storage")
COOLING_SYSTEMS = ("split_ac", "chiller", "ashp", "none")
STATUTORY_HEATING_SEASON = ((11, 15), (3, 15))
"""Tianjin statutory heating season, (month, day) start and end inclusive (FS 4)."""


# --------------------------------------------------------------------------
# physics: pure functions
# --------------------------------------------------------------------------


def staffell_cop(delta_t_k: np.ndarray, c0: float = 6.81, c1: float = -0.121, c2: float = 0.00063,
                 delta_t_min_k: float = 15.0, cop_min: float = 1.0) -> np.ndarray:
    """Air-source heat-pump COP [-] from the temperature lift, Staffell et al. (2012) [1]_.

    ``COP = c0 + c1 dT + c2 dT^2`` with ``dT = T_supply - T_outdoor`` [K]
    (fitted for 15-60 K); lifts below ``delta_t_min_k`` are clamped to it.
    Above 60 K the quadratic is extrapolated, but only up to its vertex
    ``-c1 / (2 c2)`` (96 K), so the COP never rises again with the lift; the
    result is floored at ``cop_min``.
    """
    dt = np.maximum(np.asarray(delta_t_k, dtype=float), delta_t_min_k)
    if c2 > 0.0:
        dt = np.minimum(dt, max(-c1 / (2.0 * c2), delta_t_min_k))
    return np.maximum(c0 + c1 * dt + c2 * dt * dt, cop_min)


def defrost_time_fraction(outdoor_c: np.ndarray, dew_point_c: np.ndarray, pressure_pa: np.ndarray,
                          coil_slope: float = 0.82, coil_offset_c: float = -8.589,
                          time_constant: float = 0.01446, max_outdoor_c: float = 5.0) -> np.ndarray:
    """Fraction of the hour an air-source heat pump spends defrosting [-] (EPRI demand defrost) [2]_.

    The outdoor coil runs at ``T_coil = 0.82 T_out - 8.589`` [C]; frost grows
    with ``dw = w_out - w_sat(T_coil)`` [kg/kg] (saturation over ice below
    0 C), and ``t = 1 / (1 + 0.01446 / dw)``. Zero above ``max_outdoor_c`` or
    when the air is too dry to frost the coil. The penalty is therefore
    largest around 0 to +5 C in humid weather and fades in cold, dry air.
    """
    t_out = np.asarray(outdoor_c, dtype=float)
    p = np.asarray(pressure_pa, dtype=float)
    w_out = humidity_ratio_kg_kg(saturation_vapour_pressure_pa(dew_point_c), p)
    t_coil = coil_slope * t_out + coil_offset_c
    w_coil = humidity_ratio_kg_kg(saturation_vapour_pressure_pa(t_coil, over_ice=t_coil < 0.0), p)
    dw = np.maximum(w_out - w_coil, 1.0e-6)
    frac = 1.0 / (1.0 + time_constant / dw)
    return np.where(t_out <= max_outdoor_c, frac, 0.0)


def capacity_ratio(outdoor_c: np.ndarray, rated_outdoor_c: float, slope_1_k: float) -> np.ndarray:
    """Heat-pump capacity relative to its rating point [-]: ``1 - slope (T_rated - T)``, floored at 0.05.

    Linear fit of low-ambient (EVI) data: about 75 % of the A7 capacity at -20 C (FS 4a).
    """
    return np.maximum(1.0 - slope_1_k * (rated_outdoor_c - np.asarray(outdoor_c, dtype=float)), 0.05)


def heating_flow_temperature_c(outdoor_c: np.ndarray, design_supply_c: float, design_outdoor_c: float,
                         room_c: float = 20.0, emitter_exponent: float = 1.3,
                         compensated: bool = False, min_supply_c: float = 28.0) -> np.ndarray:
    """Heating flow temperature [C], fixed or on a heating curve.

    Fixed: ``design_supply_c`` all year. Heating curve (weather compensation):
    the emitter must deliver the load fraction
    ``f = (T_room - T_out) / (T_room - T_design)``, and an emitter's output
    goes as its temperature excess to the power n (EN 442 / EN 1264) [4]_, so
    ``T_supply = T_room + (T_design_supply - T_room) f^(1/n)``, floored at
    ``min_supply_c`` (flow temperature used for the excess: a simplification).
    """
    t = np.asarray(outdoor_c, dtype=float)
    if not compensated:
        return np.full_like(t, float(design_supply_c))
    f = np.clip((room_c - t) / (room_c - design_outdoor_c), 0.0, 1.0)
    curve = room_c + (design_supply_c - room_c) * f ** (1.0 / emitter_exponent)
    return np.clip(curve, min(min_supply_c, design_supply_c), design_supply_c)


@dataclass(frozen=True)
class HeatPumpResult:
    """Hourly operation of an air-source heat pump with electric backup (8760 values each).

    Attributes
    ----------
    heat_hp_kwh, heat_backup_kwh
        Heat delivered by the heat pump and by the backup heater [kWh].
    electricity_hp_kwh, electricity_backup_kwh, electricity_aux_kwh
        Compressor (defrost included), backup heater and circulator electricity [kWh].
    cop
        Hourly COP of the heat pump (defrost included) [-].
    supply_c
        Flow temperature [C].
    capacity_kw
        Heat-pump capacity available each hour (0 below the cut-off) [kW].
    capacity_design_kw
        Heat-pump capacity at the design outdoor temperature [kW].
    """

    heat_hp_kwh: np.ndarray
    heat_backup_kwh: np.ndarray
    electricity_hp_kwh: np.ndarray
    electricity_backup_kwh: np.ndarray
    electricity_aux_kwh: np.ndarray
    cop: np.ndarray
    supply_c: np.ndarray
    capacity_kw: np.ndarray
    capacity_design_kw: float

    @property
    def electricity_kwh(self) -> np.ndarray:
        """All heating electricity [kWh], hourly."""
        return self.electricity_hp_kwh + self.electricity_backup_kwh + self.electricity_aux_kwh

    @property
    def heat_kwh(self) -> float:
        return float(self.heat_hp_kwh.sum() + self.heat_backup_kwh.sum())

    @property
    def scop(self) -> float | None:
        """System seasonal COP: all heat / all electricity (backup, defrost, circulator included)."""
        e = float(self.electricity_kwh.sum())
        return self.heat_kwh / e if e > 0.0 else None

    @property
    def ambient_heat_kwh(self) -> float:
        """Heat drawn from outdoor air: heat-pump heat minus compressor electricity [kWh]."""
        return float(self.heat_hp_kwh.sum() - self.electricity_hp_kwh.sum())

    @property
    def backup_share(self) -> float:
        """Share of the heat from the backup heater [-]."""
        total = self.heat_kwh
        return float(self.heat_backup_kwh.sum()) / total if total > 0.0 else 0.0


def ashp_heating(heat_kwh: np.ndarray, outdoor_c: np.ndarray, dew_point_c: np.ndarray,
                 pressure_pa: np.ndarray, design_supply_c: float, heat_emitter: str,
                 ashp_params: dict[str, Any], design_heat_kw: float | None = None) -> HeatPumpResult:
    """Run an air-to-water heat pump with electric backup against hourly heating loads.

    Parameters
    ----------
    heat_kwh
        Useful heat each hour [kWh] (ideal loads), 8760 values.
    outdoor_c, dew_point_c, pressure_pa
        Outdoor dry bulb [C], dew point [C] and pressure [Pa], hourly.
    design_supply_c
        Flow temperature at the design outdoor temperature [C].
    heat_emitter
        "radiator", "floor_heating" or "fan_coil" (heating-curve exponent).
    ashp_params
        The ``[ashp]`` table of :func:`load_system_params`.
    design_heat_kw
        Design heating load [kW] the heat pump is sized on
        (:func:`simulator.design_days.sizing_load_w`: EnergyPlus's design-day
        load); None sizes on the largest value of ``heat_kwh`` (synthetic
        load profiles have no design load).

    Notes
    -----
    Capacity at the design temperature is ``sizing_factor`` x the design
    heating load (``design_heat_kw``), and scales with :func:`capacity_ratio` and ``(1 - defrost
    fraction)`` at other temperatures. Below ``cutoff_c`` the heat pump is
    off. The backup heater covers whatever the heat pump cannot.
    """
    p = ashp_params
    q = np.maximum(np.asarray(heat_kwh, dtype=float), 0.0)
    t = np.asarray(outdoor_c, dtype=float)
    exponents = p["emitter_exponent"]
    if heat_emitter not in exponents:
        raise ValidationError([f"heat_emitter {heat_emitter!r} unknown; valid: {', '.join(exponents)}"],
                              source="systems")
    supply = heating_flow_temperature_c(t, design_supply_c, p["design_outdoor_c"], p["room_temperature_c"],
                                  exponents[heat_emitter], p["weather_compensation"],
                                  p["compensation_min_supply_c"])
    if p["defrost"]:
        tdef = defrost_time_fraction(t, dew_point_c, pressure_pa, p["defrost_coil_slope"],
                                     p["defrost_coil_offset_c"], p["defrost_time_constant"],
                                     p["defrost_max_outdoor_c"])
    else:
        tdef = np.zeros_like(t)
    cop_steady = staffell_cop(supply - t, p["cop_c0"], p["cop_c1"], p["cop_c2"], p["delta_t_min_k"],
                              p["cop_min"])
    cop = np.maximum(cop_steady * (1.0 - tdef), p["cop_min"])
    sized_on_kw = float(q.max(initial=0.0)) if design_heat_kw is None else float(design_heat_kw)
    cap_design = p["sizing_factor"] * sized_on_kw
    ratio = capacity_ratio(t, p["rated_outdoor_c"], p["capacity_slope_1_k"])
    ratio_design = float(capacity_ratio(p["design_outdoor_c"], p["rated_outdoor_c"], p["capacity_slope_1_k"]))
    capacity = cap_design * ratio / ratio_design * (1.0 - tdef)
    capacity = np.where(t >= p["cutoff_c"], capacity, 0.0)
    q_hp = np.minimum(q, capacity)
    q_backup = q - q_hp
    return HeatPumpResult(
        heat_hp_kwh=q_hp,
        heat_backup_kwh=q_backup,
        electricity_hp_kwh=q_hp / cop,
        electricity_backup_kwh=q_backup / p["backup_efficiency"],
        electricity_aux_kwh=q * p["aux_electricity_fraction"],
        cop=cop,
        supply_c=supply,
        capacity_kw=capacity,
        capacity_design_kw=cap_design,
    )


def storage_heater_kw(design_heat_kw: float, valley_hours: int, efficiency: float,
                      standing_loss_fraction: float) -> float:
    """Electric heater of a heat-storage boiler [kW]: a design day's heat charged in the valley hours.

    ``design_heat_kw x 24 h / valley_hours / (efficiency x (1 - standing loss))``:
    on the design day the store must take 24 h of the design load in the
    valley window (20:00-08:00: 12 h, hence about twice the design load).
    """
    if valley_hours <= 0:
        raise ValidationError(["electric_storage valley window must be at least 1 h"], source="systems")
    return design_heat_kw * 24.0 / valley_hours / (efficiency * (1.0 - standing_loss_fraction))


def district_heat_loss_fraction(network_loss_fraction: float, overheating_loss_fraction: float) -> float:
    """Combined share of bought heat that does not reach the ideal load [-]: ``1 - (1-a)(1-b)``."""
    return 1.0 - (1.0 - network_loss_fraction) * (1.0 - overheating_loss_fraction)


def district_heat_bought_kwh(useful_kwh: np.ndarray, loss_fraction: float) -> np.ndarray:
    """Heat bought at the substation [kWh]: ``useful / (1 - L)``."""
    return np.asarray(useful_kwh, dtype=float) / (1.0 - loss_fraction)


def gas_boiler_m3(useful_kwh: np.ndarray, seasonal_efficiency_lhv: float, gas_lhv_mj_m3: float) -> np.ndarray:
    """Natural gas burnt [m3]: ``useful [kWh] x 3.6 MJ/kWh / (efficiency x LHV [MJ/m3])``."""
    return np.asarray(useful_kwh, dtype=float) / (seasonal_efficiency_lhv * gas_lhv_mj_m3 * KWH_PER_MJ)


def storage_charging_kwh(heat_kwh: np.ndarray, efficiency: float, standing_loss_fraction: float,
                         valley_start_hour: int = 20, valley_end_hour: int = 8) -> np.ndarray:
    """Electricity of an electric heat-storage boiler charged in the valley window [kWh], hourly.

    The year is cut into 24 h blocks starting at ``valley_start_hour`` (20:00
    -> 20:00, wrapping the year end, a typical year being cyclic); each block's
    heat, divided by ``efficiency x (1 - standing loss)``, is charged at
    constant power over the block's valley hours (20:00-08:00: 12 h). Hour
    index ``i`` covers clock hours ``[i mod 24, i mod 24 + 1)`` (EPW hour ``i + 1``).
    """
    q = np.asarray(heat_kwh, dtype=float)
    n_valley = (valley_end_hour - valley_start_hour) % 24
    blocks = np.roll(q, -valley_start_hour).reshape(-1, 24)
    per_block = blocks.sum(axis=1) / (efficiency * (1.0 - standing_loss_fraction))
    charge = np.zeros_like(blocks)
    charge[:, :n_valley] = (per_block / n_valley)[:, None]
    return np.roll(charge.ravel(), valley_start_hour)


def valley_mask(valley_start_hour: int = 20, valley_end_hour: int = 8) -> np.ndarray:
    """True for the 8760 hours inside the valley tariff window (hour index i = clock [i mod 24, +1))."""
    clock = np.arange(HOURS) % 24
    if valley_start_hour < valley_end_hour:
        return (clock >= valley_start_hour) & (clock < valley_end_hour)
    return (clock >= valley_start_hour) | (clock < valley_end_hour)


# --------------------------------------------------------------------------
# orchestration
# --------------------------------------------------------------------------


def _weather_arrays(weather) -> dict[str, np.ndarray]:
    d = weather.data
    need = ("month", "day", "hour", "dry_bulb_c", "dew_point_c", "pressure_pa")
    missing = [c for c in need if c not in d.columns]
    if missing or len(d) != HOURS:
        raise ValidationError([f"weather needs {HOURS} hourly rows with {', '.join(need)}; got "
                               f"{len(d)} rows, missing {missing or 'none'}"], source="systems")
    return {c: d[c].to_numpy(dtype=float) for c in need}


def _resolve_weather(weather):
    if isinstance(weather, str | os.PathLike):
        from simulator.energyplus import resolve_weather

        return resolve_weather(weather)[0]
    return weather


def _heating_season_mask(month: np.ndarray, day: np.ndarray) -> np.ndarray:
    (m0, d0), (m1, d1) = STATUTORY_HEATING_SEASON
    key = month * 100 + day
    return (key >= m0 * 100 + d0) | (key <= m1 * 100 + d1)


def synthetic_heat_profile_kwh(outdoor_c: np.ndarray, month: np.ndarray, day: np.ndarray,
                               base_c: float = 18.0) -> np.ndarray:
    """Degree-hour heating profile [kWh per K-h]: ``max(base - T_out, 0)`` in the statutory season.

    A stand-in load shape (HDD18 basis of JGJ 26) for seasonal COPs without a building.
    """
    dh = np.maximum(base_c - np.asarray(outdoor_c, dtype=float), 0.0)
    return np.where(_heating_season_mask(np.asarray(month), np.asarray(day)), dh, 0.0)


def hp_seasonal_cop(weather, supply_temperature_c: float, hourly_heat_kwh: np.ndarray | None = None,
                    params: dict | None = None, heat_emitter: str = "radiator") -> float:
    """System seasonal COP of an air-source heat pump on a weather year [-].

    Parameters
    ----------
    weather
        :class:`weather.Weather` or an EPW path.
    supply_temperature_c
        Design flow temperature [C].
    hourly_heat_kwh
        Hourly heating load [kWh]; default: a degree-hour profile (base
        18 C) in the statutory heating season 15 Nov - 15 Mar.
    params
        Overrides of systems.toml (see :func:`load_system_params`).
    heat_emitter
        Selects the heating-curve exponent (only with ``weather_compensation``).

    Returns
    -------
    float
        Heat delivered / electricity (compressor, defrost, backup, circulator).
    """
    p = load_system_params(params)
    w = _weather_arrays(_resolve_weather(weather))
    if hourly_heat_kwh is None:
        hourly_heat_kwh = synthetic_heat_profile_kwh(w["dry_bulb_c"], w["month"], w["day"])
    q = np.asarray(hourly_heat_kwh, dtype=float)
    if q.shape != (HOURS,) or q.sum() <= 0.0:
        raise ValidationError([f"hourly_heat_kwh must hold {HOURS} values with a positive sum"],
                              source="hp_seasonal_cop")
    res = ashp_heating(q, w["dry_bulb_c"], w["dew_point_c"], w["pressure_pa"], supply_temperature_c,
                       heat_emitter, p["ashp"])
    return float(res.scop)


def check_same_weather(loads, weather) -> None:
    """Raise :class:`~simulator.exceptions.WeatherError` if loads and weather come from different files.

    ``loads.weather_id`` is the content id of the weather file the loads were
    simulated on; ``weather.id`` that of the weather given for the systems step
    (outdoor temperature for the heat pump, sun for PV). Hour-by-hour systems on
    another year's weather would pair, say, a cold night's load with a mild
    night's COP. An empty id (loads built by hand) is not checked.
    """
    loads_id = getattr(loads, "weather_id", "") or ""
    weather_id = getattr(weather, "id", "") or ""
    if loads_id and weather_id and loads_id != weather_id:
        loads_name = (getattr(loads, "meta", None) or {}).get("weather", "?")
        raise WeatherError(
            f"loads and weather come from different weather files: the loads were simulated on "
            f"{loads_name!r} (id {loads_id}), the weather given is {getattr(weather, 'name', '?')!r} "
            f"(id {weather_id}); pass the weather the loads were simulated on")


def deliver(loads, building, weather, params: dict | None = None) -> Delivered:
    """Delivered energy by carrier for one building on one weather year.

    Parameters
    ----------
    loads
        :class:`~simulator.loads.Loads` (ideal heating/cooling, lighting and plug electricity).
    building
        :class:`~buildings.model.Building`: ``systems`` selects the heating
        source, cooling system, emitter, flow temperature and PV;
        ``systems.heat_metering`` switches district heat to the metered
        overheating allowance, ``systems.split_ac_inverter`` to inverter ACs.
    weather
        :class:`weather.Weather` (or an EPW path) of the same file as the loads
        (checked by content id, see :func:`check_same_weather`).
    params
        Overrides of systems.toml, ``{section: {key: value}}``.

    Returns
    -------
    Delivered
        Hourly electricity by end use, PV, district heat, gas, useful heat and
        cooling, heat-pump ambient heat and SCOP (a *system* SCOP: compressor
        with defrost, backup heater and circulator all in the denominator); ``notes`` records the
        efficiencies used and diagnostics (backup share, unmet cooling...).

    Raises
    ------
    ValidationError
        Bad params, an unknown heating source or cooling system, or a weather
        year without 8760 hours.
    WeatherError
        If the loads were simulated on another weather file (:func:`check_same_weather`).
    """
    p = load_system_params(params)
    w_obj = _resolve_weather(weather)
    check_same_weather(loads, w_obj)
    w = _weather_arrays(w_obj)
    sysd = building.systems
    problems = []
    if sysd.heating_source not in HEATING_SOURCES:
        problems.append(f"building.systems.heating_source {sysd.heating_source!r}; valid: {', '.join(HEATING_SOURCES)}")
    if sysd.cooling_system not in COOLING_SYSTEMS:
        problems.append(f"building.systems.cooling_system {sysd.cooling_system!r}; valid: {', '.join(COOLING_SYSTEMS)}")
    if problems:
        raise ValidationError(problems, source=f"building {building.name!r}")

    heat = np.asarray(loads.hourly_heating_kwh, dtype=float)
    cool = np.asarray(loads.hourly_cooling_kwh, dtype=float)
    elec = {use: np.zeros(HOURS) for use in ELECTRIC_END_USES}
    elec["lighting"] = np.array(loads.hourly_lighting_kwh, dtype=float)
    elec["equipment"] = np.array(loads.hourly_equipment_kwh, dtype=float)
    notes: dict[str, Any] = {"heating_source": sysd.heating_source, "cooling_system": sysd.cooling_system}
    fans = hourly_fan_kwh(building)  # heat-recovery ventilation fans: auxiliary electricity, with equipment
    if fans.any():
        elec["equipment"] = elec["equipment"] + fans
        notes["ventilation_fan_kwh"] = float(fans.sum())
    district_heat_kwh = gas_m3 = ambient = 0.0
    scop = None

    source = sysd.heating_source
    if source == "district_heat":
        dh = p["district_heat"]
        metered = building.systems.heat_metering
        over = dh["overheating_loss_fraction_metered"] if metered else dh["overheating_loss_fraction"]
        loss = district_heat_loss_fraction(dh["network_loss_fraction"], over)
        district_heat_kwh = float(district_heat_bought_kwh(heat, loss).sum())
        notes.update(district_heat_loss_fraction=loss, district_heat_metered=metered)
    elif source == "gas_boiler":
        g = p["gas_boiler"]
        gas_m3 = float(gas_boiler_m3(heat, g["seasonal_efficiency_lhv"], g["gas_lhv_mj_m3"]).sum())
        elec["heating"] = heat * g["aux_electricity_fraction"]
        notes.update(boiler_efficiency_lhv=g["seasonal_efficiency_lhv"], gas_lhv_mj_m3=g["gas_lhv_mj_m3"])
    elif source == "ashp":
        res = ashp_heating(heat, w["dry_bulb_c"], w["dew_point_c"], w["pressure_pa"],
                           sysd.supply_temperature_c, sysd.heat_emitter, p["ashp"],
                           design_heat_kw=sizing_load_w(loads, "heating") / 1000.0)
        elec["heating"] = res.electricity_kwh
        ambient = res.ambient_heat_kwh
        scop = res.scop
        on = heat > 0.0
        notes.update(
            hp_capacity_design_kw=res.capacity_design_kw,
            hp_backup_heat_kwh=float(res.heat_backup_kwh.sum()),
            hp_backup_share=res.backup_share,
            hp_aux_electricity_kwh=float(res.electricity_aux_kwh.sum()),
            hp_supply_temperature_c=sysd.supply_temperature_c,
            hp_weather_compensation=p["ashp"]["weather_compensation"],
            hp_mean_cop_running=(float(res.heat_hp_kwh.sum() / res.electricity_hp_kwh.sum())
                                 if res.electricity_hp_kwh.sum() > 0 else None),
            hp_min_cop=float(res.cop[on].min()) if on.any() else None,
        )
    else:  # electric_storage
        s = p["electric_storage"]
        elec["heating"] = storage_charging_kwh(heat, s["efficiency"], s["standing_loss_fraction"],
                                               s["valley_start_hour"], s["valley_end_hour"])
        n_valley = (s["valley_end_hour"] - s["valley_start_hour"]) % 24
        notes.update(storage_efficiency=s["efficiency"], storage_standing_loss_fraction=s["standing_loss_fraction"],
                     storage_heater_kw=storage_heater_kw(sizing_load_w(loads, "heating") / 1000.0, n_valley,
                                                         s["efficiency"], s["standing_loss_fraction"]))

    cooling_system = sysd.cooling_system
    useful_cooling = float(cool.sum())
    if cooling_system == "none":
        notes["unmet_cooling_kwh"] = useful_cooling
        useful_cooling = 0.0
    else:
        cop = cooling_seasonal_cop(cooling_system, p, building.systems.split_ac_inverter)
        elec["cooling"] = cool / cop
        notes["cooling_seasonal_cop"] = cop
        notes["cooling_capacity_kw"] = sizing_load_w(loads, "cooling") / 1000.0 * equipment_margin("cooling")

    pv_kw = float(sysd.pv_capacity_kw)
    if pv_kw > 0.0:
        pv = pvmod.pv_hourly_kwh(w_obj, pv_kw, sysd.pv_tilt_deg, sysd.pv_azimuth_deg, p["pv"])
        notes.update(pv_capacity_kw=pv_kw, pv_specific_yield_kwh_kwp=float(pv.sum()) / pv_kw)
    else:
        pv = np.zeros(HOURS)

    return Delivered(
        floor_area_m2=float(loads.floor_area_m2),
        building_type=building.building_type,
        hourly_electricity_kwh=elec,
        hourly_pv_kwh=pv,
        district_heat_kwh=district_heat_kwh,
        gas_m3=gas_m3,
        useful_heat_kwh=float(heat.sum()),
        useful_cooling_kwh=useful_cooling,
        ambient_heat_kwh=ambient,
        hp_scop=scop,
        notes=notes,
    )


# --------------------------------------------------------------------------
# annual factors: the same physics for arrays of buildings (district roadmap)
# --------------------------------------------------------------------------


def cooling_seasonal_cop(cooling_system: str, params: dict, split_ac_inverter: bool = False) -> float:
    """Seasonal COP of a cooling system [-] (``params`` from :func:`load_system_params`).

    ``"none"`` returns ``inf`` (no electricity; the load is unmet).
    """
    if cooling_system not in COOLING_SYSTEMS:
        raise ValidationError([f"cooling_system {cooling_system!r}; valid: {', '.join(COOLING_SYSTEMS)}"],
                              source="systems")
    c = params["cooling"]
    if cooling_system == "none":
        return math.inf
    if cooling_system == "split_ac":
        return float(c["split_ac_inverter_seasonal_cop"] if split_ac_inverter else c["split_ac_seasonal_cop"])
    if cooling_system == "chiller":
        return float(c["chiller_plant_cop"])
    return float(c["ashp_cooling_eer"])


@dataclass(frozen=True)
class AnnualHeatingFactors:
    """Energy bought per kWh of useful heat, by heat source, for annual (vectorised) accounting.

    The hourly systems step (:func:`deliver`) is linear in the heating load for
    district heat, gas boilers and electric storage, so its annual result is a
    constant per kWh; for the heat pump the per-kWh electricity and ambient
    heat depend on when the heat is needed, and are given per month from
    :func:`ashp_heating` run on the degree-hour profile of the weather
    (:func:`synthetic_heat_profile_kwh`).

    Attributes
    ----------
    district_heat_kwh_per_kwh
        Heat bought per kWh useful, area-billed network [-].
    district_heat_metered_kwh_per_kwh
        Same with heat metering (metered overheating allowance) [-].
    gas_m3_per_kwh
        Boiler gas per kWh useful [m3/kWh].
    gas_aux_kwh_per_kwh
        Boiler auxiliary electricity per kWh useful [-].
    gas_lhv_mj_m3
        LHV used for the gas [MJ/m3].
    storage_kwh_per_kwh
        Electric storage electricity per kWh useful [-].
    ashp_kwh_per_kwh
        Heat-pump electricity (compressor, defrost, backup, circulator) per kWh
        useful, by month (12) and supply temperature: ``{supply_c: array(12)}``.
    ashp_ambient_kwh_per_kwh
        Ambient heat drawn per kWh useful, by month and supply temperature.
    """

    district_heat_kwh_per_kwh: float
    district_heat_metered_kwh_per_kwh: float
    gas_m3_per_kwh: float
    gas_aux_kwh_per_kwh: float
    gas_lhv_mj_m3: float
    storage_kwh_per_kwh: float
    ashp_kwh_per_kwh: dict
    ashp_ambient_kwh_per_kwh: dict


def annual_heating_factors(weather, supply_temperatures_c=(35.0, 40.0, 45.0, 50.0, 55.0, 60.0),
                           heat_emitter: str = "radiator", params: dict | None = None) -> AnnualHeatingFactors:
    """Per-kWh factors of every heat source on a weather year (see :class:`AnnualHeatingFactors`).

    Parameters
    ----------
    weather
        :class:`weather.Weather` or an EPW path.
    supply_temperatures_c
        Heat-pump design flow temperatures to tabulate [C].
    heat_emitter
        Emitter for the heating curve.
    params
        Overrides of systems.toml.
    """
    p = load_system_params(params)
    w = _weather_arrays(_resolve_weather(weather))
    dh = p["district_heat"]
    g = p["gas_boiler"]
    s = p["electric_storage"]
    shape = synthetic_heat_profile_kwh(w["dry_bulb_c"], w["month"], w["day"])
    month = w["month"].astype(int) - 1
    heat_m = np.bincount(month, weights=shape, minlength=12)
    el, amb = {}, {}
    for t_supply in supply_temperatures_c:
        res = ashp_heating(shape, w["dry_bulb_c"], w["dew_point_c"], w["pressure_pa"], float(t_supply),
                           heat_emitter, p["ashp"])
        el_m = np.bincount(month, weights=res.electricity_kwh, minlength=12)
        amb_m = np.bincount(month, weights=res.heat_hp_kwh - res.electricity_hp_kwh, minlength=12)
        scop = float(res.electricity_kwh.sum() / shape.sum())
        # months without degree hours in the season: the seasonal ratio (a load there is rare)
        el[float(t_supply)] = np.where(heat_m > 0, el_m / np.maximum(heat_m, 1e-12), scop)
        amb[float(t_supply)] = np.where(heat_m > 0, amb_m / np.maximum(heat_m, 1e-12),
                                        float((res.heat_hp_kwh - res.electricity_hp_kwh).sum() / shape.sum()))
    return AnnualHeatingFactors(
        district_heat_kwh_per_kwh=float(district_heat_bought_kwh(
            1.0, district_heat_loss_fraction(dh["network_loss_fraction"], dh["overheating_loss_fraction"]))),
        district_heat_metered_kwh_per_kwh=float(district_heat_bought_kwh(
            1.0, district_heat_loss_fraction(dh["network_loss_fraction"], dh["overheating_loss_fraction_metered"]))),
        gas_m3_per_kwh=float(gas_boiler_m3(1.0, g["seasonal_efficiency_lhv"], g["gas_lhv_mj_m3"])),
        gas_aux_kwh_per_kwh=float(g["aux_electricity_fraction"]),
        gas_lhv_mj_m3=float(g["gas_lhv_mj_m3"]),
        storage_kwh_per_kwh=1.0 / (s["efficiency"] * (1.0 - s["standing_loss_fraction"])),
        ashp_kwh_per_kwh=el,
        ashp_ambient_kwh_per_kwh=amb,
    )


def pv_self_consumption_curve(pv_kwh_per_kwp: np.ndarray, demand_kwh: np.ndarray,
                              ratios=None) -> tuple[np.ndarray, np.ndarray]:
    """Share of PV used on site as a function of annual PV / demand, for one demand shape.

    Scales the hourly PV profile so that its annual sum is ``ratio`` x the
    annual demand and computes ``sum(min(pv, demand)) / sum(pv)`` (the same
    hour-by-hour balance as :class:`~simulator.delivered.Delivered`).

    Parameters
    ----------
    pv_kwh_per_kwp
        Hourly PV output per kWp [kWh], 8760 values.
    demand_kwh
        Hourly electricity demand of the building [kWh], 8760 values.
    ratios
        Annual PV / demand ratios to tabulate [-] (default 0 to 5).

    Returns
    -------
    (ratios, self_consumed_share)
        Arrays for :func:`numpy.interp`.
    """
    r = np.asarray(np.concatenate([np.linspace(0.0, 1.0, 21)[1:], np.linspace(1.2, 5.0, 20)])
                   if ratios is None else ratios, dtype=float)
    pv = np.asarray(pv_kwh_per_kwp, dtype=float)
    d = np.asarray(demand_kwh, dtype=float)
    if pv.sum() <= 0 or d.sum() <= 0:
        return np.r_[0.0, r], np.ones(len(r) + 1)
    unit = pv / pv.sum() * d.sum()
    share = np.array([np.minimum(unit * x, d).sum() / (unit.sum() * x) for x in r])
    return np.r_[0.0, r], np.r_[1.0, share]
