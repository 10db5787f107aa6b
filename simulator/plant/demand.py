"""Hourly heat the plant must send out: buildings' loads over the season, plus network losses.

:func:`plant_load` runs each building group's archetype (optionally after a
retrofit package) through the surrogate (default) or EnergyPlus, scales its
hourly heating to the group's floor area, keeps the heating season's hours in
chronological order, and adds the buried network's hourly losses (supply and
return temperatures on the heating curve, ground temperature at pipe depth).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.plant import physics as P
from simulator.plant.spec import PlantSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlantLoad:
    """Season hours of one plant (arrays of equal length T, chronological).

    Attributes
    ----------
    hour_index
        Index of each season hour in the 8760-hour year (clock hour = index mod 24).
    month, day, clock_hour
        Calendar of each hour.
    outdoor_c, dew_point_c, pressure_pa
        Weather [C, C, Pa].
    demand_kw
        Heat the buildings take (ideal loads, scaled to the floor areas) [kW = kWh per hour].
    supply_c, return_c, ground_c
        Network supply and return temperatures and ground temperature at pipe depth [C].
    loss_kw
        Network heat losses [kW].
    floor_area_m2
        Total heated floor area [m2].
    groups
        Per building group: archetype, package, floor area [m2], season heat [kWh] and [kWh/m2].
    network_ua_kw_k
        Network loss coefficient [kW/K].
    """

    hour_index: np.ndarray
    month: np.ndarray
    day: np.ndarray
    clock_hour: np.ndarray
    outdoor_c: np.ndarray
    dew_point_c: np.ndarray
    pressure_pa: np.ndarray
    demand_kw: np.ndarray
    supply_c: np.ndarray
    return_c: np.ndarray
    ground_c: np.ndarray
    loss_kw: np.ndarray
    floor_area_m2: float
    groups: tuple[dict, ...]
    network_ua_kw_k: float

    @property
    def sendout_kw(self) -> np.ndarray:
        """Heat the plant must send out each hour: demand + losses [kW]."""
        return self.demand_kw + self.loss_kw

    @property
    def design_load_kw(self) -> float:
        """Design load [kW]: the buildings' design heating loads plus the network's largest hourly loss.

        The buildings' design loads are EnergyPlus's design-day loads
        (``design_heating_kw`` of each group, scaled to its floor area):
        steady, without the season-start reheating or a morning warm-up. Where
        a group has none (an engine without design loads), the largest hourly
        send-out of the season is used instead.
        """
        design = [g.get("design_heating_kw") for g in self.groups]
        if design and all(d is not None and d > 0 for d in design):
            return float(sum(design) + self.loss_kw.max(initial=0.0))
        return float(self.sendout_kw.max())

    @property
    def demand_kwh(self) -> float:
        """Season heat delivered to the buildings [kWh]."""
        return float(self.demand_kw.sum())

    @property
    def loss_kwh(self) -> float:
        """Season network losses [kWh]."""
        return float(self.loss_kw.sum())


def resolve_weather(name_or_path: str):
    """A :class:`weather.Weather` and an EPW path: a built-in name (``"tianjin"``) or an EPW file."""
    import weather

    if name_or_path in weather.BUILT_IN:
        path = weather.epw_path(name_or_path)
        return weather.load(name_or_path), path
    from simulator.energyplus import resolve_weather as _resolve

    return _resolve(name_or_path)


def building_hourly_heat_kwh(spec: PlantSpec, w, epw_path, progress: Callable[[int, int], None] | None = None
                             ) -> tuple[np.ndarray, list[dict]]:
    """Summed 8760-hour heating of all building groups [kWh], and per-group figures.

    Each archetype (with its package) is simulated once per distinct
    (archetype, package) and scaled by ``floor_area_m2 / building floor area``.
    """
    import archetypes
    from buildings import measures as M

    if spec.engine == "energyplus":
        from simulator.energyplus import EnergyPlusEngine

        engine, wx = EnergyPlusEngine(), epw_path
    else:
        from simulator.surrogate.engine import SurrogateEngine

        engine, wx = SurrogateEngine(warn=False), w
    total = np.zeros(P.HOURS)
    groups = []
    n = len(spec.buildings)
    for i, g in enumerate(spec.buildings):
        b = archetypes.load(g.archetype)
        if g.package:
            b = M.apply(b, M.package(g.package))
        loads = engine.simulate(b, wx)
        scale = g.floor_area_m2 / float(loads.floor_area_m2)
        heat = np.asarray(loads.hourly_heating_kwh, dtype=float) * scale
        total += heat
        groups.append({"archetype": g.archetype, "package": g.package, "floor_area_m2": g.floor_area_m2,
                       "annual_heating_kwh_m2": float(loads.heating_kwh_m2),
                       "design_heating_kw": (None if loads.design_heating_w is None
                                             else float(loads.design_heating_w) * scale / 1000.0),
                       "domain_violations": list(loads.meta.get("domain_violations", []))})
        if progress is not None:
            progress(i + 1, n)
    return total, groups


def plant_load(spec: PlantSpec, params: dict, progress: Callable[[int, int], None] | None = None) -> PlantLoad:
    """The plant's hourly season load: building demand and network losses.

    Parameters
    ----------
    spec
        The plant (buildings, season, supply curve, engine, weather).
    params
        :func:`simulator.plant.params.load_plant_params` values (``network`` section).
    progress
        Called as ``progress(done, total)`` after each building group.
    """
    w, epw = resolve_weather(spec.weather)
    d = w.data
    heat, groups = building_hourly_heat_kwh(spec, w, epw, progress)
    month, day = d["month"].to_numpy(), d["day"].to_numpy()
    idx = P.season_hour_index(month, day, spec.season_start, spec.season_end)
    t_out = d["dry_bulb_c"].to_numpy(dtype=float)
    c = spec.supply
    supply, ret = P.supply_return_c(t_out[idx], c.design_supply_c, c.design_return_c, c.design_outdoor_c, c.room_c,
                                    c.emitter_exponent, c.min_supply_c)
    net = params["network"]
    ground = P.ground_from_air_c(t_out, net["pipe_depth_m"], net["soil_diffusivity_m2_day"])[idx]
    demand = heat[idx]
    if not demand.sum() > 0.0:
        from simulator.exceptions import ValidationError

        raise ValidationError([f"heating_season {spec.season_start[0]:02d}-{spec.season_start[1]:02d} to "
                               f"{spec.season_end[0]:02d}-{spec.season_end[1]:02d}: the buildings need no heat in "
                               "these days; choose heating-season dates"], source=spec.source)
    mean_water = float(np.mean(0.5 * (supply + ret)))
    ua = P.network_ua_kw_k(float(demand.mean()), mean_water, float(ground.mean()), net["transport_efficiency"])
    loss = P.network_loss_kw(ua, supply, ret, ground)
    area = float(sum(g.floor_area_m2 for g in spec.buildings))
    log.info("plant %s: %d season hours, demand %.0f MWh, losses %.0f MWh", spec.name, len(idx), demand.sum() / 1e3,
             loss.sum() / 1e3)
    return PlantLoad(hour_index=idx, month=month[idx], day=day[idx], clock_hour=idx % 24, outdoor_c=t_out[idx],
                     dew_point_c=d["dew_point_c"].to_numpy(dtype=float)[idx],
                     pressure_pa=d["pressure_pa"].to_numpy(dtype=float)[idx], demand_kw=demand, supply_c=supply,
                     return_c=ret, ground_c=ground, loss_kw=loss, floor_area_m2=area, groups=tuple(groups),
                     network_ua_kw_k=ua)


def coldest_window_start(outdoor_c: np.ndarray, hours: int = 168) -> int:
    """Start index of the ``hours``-long window with the lowest mean outdoor temperature (a cold week)."""
    t = np.asarray(outdoor_c, dtype=float)
    if len(t) <= hours:
        return 0
    run = np.convolve(t, np.ones(hours) / hours, mode="valid")
    return int(np.argmin(run))
