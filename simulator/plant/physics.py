"""Plant physics as small pure functions: season hours, supply curve, ground, network losses, boilers, heat pumps.

The heat-pump COP (Staffell et al. 2012), its defrost penalty (EPRI demand
defrost) and its capacity ratio against outdoor temperature are those of
:mod:`simulator.systems` (one copy of the physics); this module adds only
what a plant needs on top: the leaving-water dependence of capacity, the
network's supply/return temperatures and losses, the ground temperature and
the boilers' part-load efficiency.

References
----------
.. [1] Kasuda, T. & Archenbach, P. R. (1965). Earth temperature and thermal
   diffusivity at selected stations in the United States. ASHRAE Trans. 71(1).
.. [2] EnergyPlus 25.2 DataSets/Boilers.idf, ``NonCondensingBoilerEff``
   (Viessmann, Condensing Technology, 2004).
.. [3] EN 442-2: radiator output proportional to the temperature excess^n.
.. [4] JGJ 26-2010 5.2.4: outdoor network heat-transport efficiency 0.92.
"""

from __future__ import annotations

import math

import numpy as np

from simulator import systems
from simulator.units import DAYS_PER_YEAR, HOURS_PER_DAY
from simulator.units import HOURS_PER_YEAR as HOURS

WATER_KWH_M3K = 1.163
"""Volumetric heat capacity of water [kWh/(m3 K)] (4.186 kJ/(kg K) x 1000 kg/m3 / 3600)."""


def season_hour_index(month: np.ndarray, day: np.ndarray, start: tuple[int, int], end: tuple[int, int]) -> np.ndarray:
    """Hour indices (0..8759) of the heating season in chronological order, start to end inclusive.

    A season that wraps the year end (15 Nov - 15 Mar) runs from its start to
    31 Dec, then from 1 Jan (a typical year is cyclic).
    """
    key = np.asarray(month) * 100 + np.asarray(day)
    k0, k1 = start[0] * 100 + start[1], end[0] * 100 + end[1]
    idx = np.arange(len(key))
    if k0 <= k1:
        return idx[(key >= k0) & (key <= k1)]
    return np.concatenate([idx[key >= k0], idx[key <= k1]])


def load_fraction(outdoor_c: np.ndarray, room_c: float, design_outdoor_c: float) -> np.ndarray:
    """Share of the design emitter load at an outdoor temperature: ``(T_room - T_out) / (T_room - T_design)``, in [0, 1]."""
    return np.clip((room_c - np.asarray(outdoor_c, dtype=float)) / (room_c - design_outdoor_c), 0.0, 1.0)


def supply_return_c(outdoor_c: np.ndarray, design_supply_c: float, design_return_c: float, design_outdoor_c: float,
                    room_c: float, emitter_exponent: float, min_supply_c: float) -> tuple[np.ndarray, np.ndarray]:
    """Network supply and return temperatures [C] on a heating curve.

    Supply from :func:`simulator.systems.heating_flow_temperature_c` (radiator
    law, EN 442 [3]_, floored at ``min_supply_c``); with constant flow the
    supply-return spread falls in proportion to the load fraction:
    ``T_return = T_supply - (T_s,design - T_r,design) f``.
    """
    t = np.asarray(outdoor_c, dtype=float)
    supply = systems.heating_flow_temperature_c(t, design_supply_c, design_outdoor_c, room_c, emitter_exponent,
                                                compensated=True, min_supply_c=min_supply_c)
    f = load_fraction(t, room_c, design_outdoor_c)
    return supply, supply - (design_supply_c - design_return_c) * f


def kasuda_ground_c(day_of_year: np.ndarray, depth_m: float, diffusivity_m2_day: float, mean_c: float,
                    amplitude_k: float, coldest_day: float) -> np.ndarray:
    """Undisturbed ground temperature [C] at a depth, Kasuda & Archenbach (1965) [1]_.

    ``T = T_mean - A exp(-d sqrt(pi / (365 a))) cos(2 pi / 365 (day - day_0 - d / 2 sqrt(365 / (pi a))))``
    with the surface mean and amplitude taken from the air temperature.
    """
    damp = depth_m * math.sqrt(math.pi / (365.0 * diffusivity_m2_day))
    phase = 2.0 * math.pi / 365.0 * (np.asarray(day_of_year, dtype=float) - coldest_day) - damp
    return mean_c - amplitude_k * math.exp(-damp) * np.cos(phase)


def ground_from_air_c(outdoor_c: np.ndarray, depth_m: float, diffusivity_m2_day: float) -> np.ndarray:
    """Hourly ground temperature [C] at ``depth_m`` from an 8760-hour air temperature year.

    Mean and amplitude are those of the daily mean air temperature (half the
    range of its 31-day running mean), the phase its coldest day; see
    :func:`kasuda_ground_c`.
    """
    t = np.asarray(outdoor_c, dtype=float)
    daily = t[:HOURS].reshape(DAYS_PER_YEAR, HOURS_PER_DAY).mean(axis=1)
    smooth = np.convolve(np.concatenate([daily[-15:], daily, daily[:15]]), np.ones(31) / 31.0, mode="valid")
    amplitude = 0.5 * (smooth.max() - smooth.min())
    day = np.arange(len(t)) / 24.0
    return kasuda_ground_c(day, depth_m, diffusivity_m2_day, float(daily.mean()), float(amplitude),
                           float(np.argmin(smooth)))


def network_ua_kw_k(mean_load_kw: float, mean_water_c: float, mean_ground_c: float, transport_efficiency: float) -> float:
    """Network heat-loss coefficient [kW/K] from a transport efficiency at mean season conditions [4]_.

    Losses at mean conditions are ``(1 - eta) / eta`` of the mean building
    load (heat sent = load / eta): ``UA = (1/eta - 1) Q_mean / (T_w,mean - T_g,mean)``.
    """
    dt = max(mean_water_c - mean_ground_c, 1.0)
    return (1.0 / transport_efficiency - 1.0) * mean_load_kw / dt


def network_loss_kw(ua_kw_k: float, supply_c: np.ndarray, return_c: np.ndarray, ground_c: np.ndarray) -> np.ndarray:
    """Hourly heat lost by the buried network [kW]: ``UA ((T_s + T_r) / 2 - T_ground)``, at least 0."""
    mean_water = 0.5 * (np.asarray(supply_c, dtype=float) + np.asarray(return_c, dtype=float))
    return np.maximum(ua_kw_k * (mean_water - np.asarray(ground_c, dtype=float)), 0.0)


def boiler_curve(plr: np.ndarray, leaving_c: np.ndarray, c: list[float]) -> np.ndarray:
    """Bicubic boiler efficiency curve of EnergyPlus (x = part-load ratio, y = leaving water [C]) [2]_."""
    x = np.asarray(plr, dtype=float)
    y = np.asarray(leaving_c, dtype=float)
    return (c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y + c[6] * x ** 3
            + c[7] * y ** 3 + c[8] * x * x * y + c[9] * x * y * y)


def boiler_efficiency(heat_kw: np.ndarray, capacity_kw: float, unit_count: int, leaving_c: np.ndarray,
                      nominal_efficiency: float, curve: list[float], plr_min: float) -> np.ndarray:
    """Hourly efficiency of a staged boiler plant [-] (LHV).

    ``n = ceil(Q / (C / N))`` units run, each at ``PLR = Q / (n C / N)``; the
    efficiency is ``eta_nom x f(PLR, T_leaving) / f(1, 60 C)`` with the
    EnergyPlus non-condensing curve [2]_ (PLR floored at ``plr_min``, leaving
    water clamped to the curve's 20-80 C).
    """
    q = np.maximum(np.asarray(heat_kw, dtype=float), 0.0)
    y = np.clip(np.asarray(leaving_c, dtype=float), 20.0, 80.0)
    if capacity_kw <= 0:
        return np.full_like(q, nominal_efficiency)
    unit = capacity_kw / unit_count
    n_on = np.clip(np.ceil(q / unit - 1e-9), 1, unit_count)
    plr = np.clip(q / (n_on * unit), plr_min, 1.0)
    ref = float(boiler_curve(1.0, 60.0, curve))
    return nominal_efficiency * boiler_curve(plr, y, curve) / ref


def heat_pump_hourly(outdoor_c: np.ndarray, dew_point_c: np.ndarray, pressure_pa: np.ndarray, supply_c: np.ndarray,
                     ashp: dict, plant_hp: dict) -> tuple[np.ndarray, np.ndarray]:
    """Hourly COP [-] and capacity per kW of design capacity [-] of air-to-water heat pumps.

    COP: :func:`simulator.systems.staffell_cop` on the lift ``T_supply -
    T_out``, times ``(1 - defrost fraction)`` (:func:`simulator.systems.defrost_time_fraction`),
    floored at ``cop_min`` - as in :func:`simulator.systems.ashp_heating`.
    Capacity: :func:`simulator.systems.capacity_ratio` of the outdoor
    temperature, ``x (1 - s (T_supply - T_rated,supply))`` for the leaving
    water, ``x (1 - defrost fraction)``, zero below the cut-off or above the
    maximum leaving water; relative to the rating point (A7, rated leaving
    water): multiply by the rated capacity [kW].
    """
    t = np.asarray(outdoor_c, dtype=float)
    s = np.asarray(supply_c, dtype=float)
    if ashp["defrost"]:
        tdef = systems.defrost_time_fraction(t, dew_point_c, pressure_pa, ashp["defrost_coil_slope"],
                                             ashp["defrost_coil_offset_c"], ashp["defrost_time_constant"],
                                             ashp["defrost_max_outdoor_c"])
    else:
        tdef = np.zeros_like(t)
    cop = systems.staffell_cop(s - t, ashp["cop_c0"], ashp["cop_c1"], ashp["cop_c2"], ashp["delta_t_min_k"],
                               ashp["cop_min"])
    cop = np.maximum(cop * (1.0 - tdef), ashp["cop_min"])
    ratio = systems.capacity_ratio(t, ashp["rated_outdoor_c"], ashp["capacity_slope_1_k"])
    water = supply_water_factor(s, plant_hp["capacity_supply_slope_1_k"], plant_hp["rated_supply_c"])
    cap = ratio * water * (1.0 - tdef)
    cap = np.where((t >= ashp["cutoff_c"]) & (s <= plant_hp["max_supply_c"]), cap, 0.0)
    return cop, cap


def hp_design_relative_capacity(design_outdoor_c: float, design_supply_c: float, ashp: dict, plant_hp: dict) -> float:
    """Heat-pump capacity at the design outdoor and supply temperatures relative to its rating [-] (no defrost)."""
    ratio = float(systems.capacity_ratio(design_outdoor_c, ashp["rated_outdoor_c"], ashp["capacity_slope_1_k"]))
    water = float(supply_water_factor(design_supply_c, plant_hp["capacity_supply_slope_1_k"], plant_hp["rated_supply_c"]))
    return ratio * water


def supply_water_factor(supply_c: np.ndarray, slope_1_k: float, rated_supply_c: float) -> np.ndarray:
    """Heat-pump capacity relative to its rated leaving water [-]: ``1 - s (T_supply - T_rated)``, in [0.05, 1.2]."""
    return np.clip(1.0 - slope_1_k * (np.asarray(supply_c, dtype=float) - rated_supply_c), 0.05, 1.2)


def crf(discount_rate: float, lifetime_a: float) -> float:
    """Capital recovery factor [1/a] (delegates to :func:`simulator.economics.capital_recovery_factor`)."""
    from simulator.economics import capital_recovery_factor

    return capital_recovery_factor(discount_rate, lifetime_a)
