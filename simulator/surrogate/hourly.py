"""Hourly series for the surrogate: exact schedules, and physical shapes for loads.

The surrogate model predicts monthly heating and cooling totals; EnergyPlus
returns 8760 hours, and downstream systems need them (heat-pump COP hour by
hour, PV self-consumption). This module turns monthly totals into hours:

* lighting and plug loads are not learned: they are W/m2 x floor area x the
  hourly schedule fraction, exactly as EnergyPlus computes them from the
  building's schedules (weekday/weekend profiles, vacations run on the weekend
  profile, the year starting on a Monday; see :class:`simulator.idf.ScheduleSet`);
* heating and cooling in month *m* are spread over the month's hours with the
  hourly loads of a two-node (air, mass) model of the building
  (:func:`two_node_loads_w_m2`, a simplified ISO 13790 hourly method with the
  building's setpoint schedules, setbacks, seasons and summer window
  ventilation), scaled to the predicted monthly total. Where that model gives
  little load in a month (season edges) its shape is blended
  (:func:`blend_spread`) with degree-hour weights: heating
  ``max(T_set(h) - dT_free - T_eff(h), 0)`` (``T_set`` the hourly heating
  setpoint, ``T_eff`` the outdoor temperature smoothed by a 24 h exponential
  filter, ``dT_free`` the rise sustained by internal gains), cooling
  ``max(T_eff(h) + a * GHI(h) - (T_cool(h) - dT_free), 0)`` within the cooling
  hours (``a`` a sol-air increment, 0.01 K per W/m2). Hours above the
  predicted peak are clipped and their excess spread over the month
  (:func:`cap_hourly`);
* window solar gains follow the solar radiation on each facade (beam + isotropic
  diffuse + ground reflection) times each facade's window area, scaled to the
  predicted annual total.

The shapes are assumptions (simplified ISO 13790 / degree-hour methods), so
hourly values are approximate (correlation with EnergyPlus about 0.9-0.98 on
the archetypes) while monthly totals carry the model's accuracy.

References
----------
.. [1] Duffie, J. A. & Beckman, W. A. (2013). *Solar Engineering of Thermal
   Processes*, 4th ed.: eq. 1.6.3 (incidence angle), 2.15.1 (isotropic sky).
.. [2] ISO 13790:2008, *Energy performance of buildings - Calculation of energy
   use for space heating and cooling*, 12.2 (hourly method, 5R1C network;
   ``H_ms = 9.1 W/(m2 K) x A_m``, ``A_m = 2.5 A_f`` for medium mass).
.. [3] ISO 13786:2017, *Thermal performance of building components - Dynamic
   thermal characteristics*, Annex A (effective thickness, 10 cm rule).
"""

from __future__ import annotations

import numpy as np

from buildings.model import Building, DayProfile, Period
from simulator.idf import COOL_OFF_C, HEAT_OFF_C
from simulator.units import AIR_WH_M3K, DAYS_PER_YEAR, HOURS_PER_YEAR, MONTH_OF_HOUR, day_of_year

DAYS = DAYS_PER_YEAR
_MONTH_OF_HOUR = MONTH_OF_HOUR
SOL_AIR_K_PER_W_M2 = 0.01
GROUND_ALBEDO = 0.2
SMOOTHING_H = 24.0


def _days(period: Period | None) -> np.ndarray:
    """Boolean per day of the year (index 0 = Jan 1) inside a period (None: every day)."""
    out = np.zeros(DAYS, dtype=bool)
    if period is None:
        out[:] = True
    else:
        out[np.array(sorted(period.days())) - 1] = True
    return out


def weekend_profile_days(b: Building) -> np.ndarray:
    """Boolean per day: True where the weekend profile applies.

    The run period starts on a Monday (``simulator.idf``), so days 5 and 6 of
    each week are Saturday and Sunday; vacation days run on the weekend profile.
    """
    weekend = (np.arange(DAYS) % 7) >= 5
    for p in b.operation.vacations:
        weekend |= _days(p)
    return weekend


def profile_hourly(b: Building, profile: DayProfile) -> np.ndarray:
    """8760 hourly values of a weekday/weekend day profile (vacations on the weekend profile)."""
    wd = np.asarray(profile.weekday, dtype=float)
    we = np.asarray(profile.weekend, dtype=float)
    days = np.where(weekend_profile_days(b)[:, None], we[None, :], wd[None, :])
    return days.ravel()


def _setpoint_hourly_c(b: Building, hours: DayProfile, setpoint_c: float, setback_c: float, season,
                       off_c: float) -> np.ndarray:
    """Setpoint in the profile's on-hours, setback in the others, ``off_c`` outside the season."""
    sp = np.where(profile_hourly(b, hours) >= 0.5, setpoint_c, setback_c)
    return np.where(np.repeat(_days(season), 24), sp, off_c)


def heating_setpoint_hourly_c(b: Building) -> np.ndarray:
    """Hourly heating setpoint [C]; :data:`simulator.idf.HEAT_OFF_C` outside the heating season."""
    op = b.operation
    return _setpoint_hourly_c(b, op.heating_hours, op.heating_setpoint_c, op.heating_setback_c, op.heating_season,
                              HEAT_OFF_C)


def cooling_setpoint_hourly_c(b: Building) -> np.ndarray:
    """Hourly cooling setpoint [C]; :data:`simulator.idf.COOL_OFF_C` outside the cooling season."""
    op = b.operation
    return _setpoint_hourly_c(b, op.cooling_hours, op.cooling_setpoint_c, op.cooling_setback_c, op.cooling_season,
                              COOL_OFF_C)


def lighting_hourly_kwh(b: Building) -> np.ndarray:
    """Hourly lighting electricity [kWh]: W/m2 x floor area x schedule fraction."""
    return b.operation.lighting_w_m2 * b.floor_area_m2 * profile_hourly(b, b.operation.lighting) / 1000.0


def equipment_hourly_kwh(b: Building) -> np.ndarray:
    """Hourly plug and equipment electricity [kWh]: W/m2 x floor area x schedule fraction."""
    return b.operation.equipment_w_m2 * b.floor_area_m2 * profile_hourly(b, b.operation.equipment) / 1000.0


def smoothed_temperature_c(t_out_c: np.ndarray, tau_h: float = SMOOTHING_H) -> np.ndarray:
    """Outdoor temperature through a first-order filter of time constant ``tau_h`` [h] (wrapping the year)."""
    t = np.asarray(t_out_c, dtype=float)
    a = 1.0 - np.exp(-1.0 / tau_h)
    out = np.empty_like(t)
    state = float(t[-int(5 * tau_h):].mean())  # warm start from the end of the year
    for i, v in enumerate(t):
        state += a * (v - state)
        out[i] = state
    return out


def spread_monthly(monthly_kwh: np.ndarray, weights: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Hourly series whose month sums equal ``monthly_kwh``, shaped by ``weights``.

    A month whose weights sum to zero uses ``fallback`` (e.g. the hours the
    system is on), and a flat shape if that is zero too.
    """
    monthly = np.asarray(monthly_kwh, dtype=float)
    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    out = np.zeros(HOURS_PER_YEAR)
    for m in range(12):
        if monthly[m] <= 0:
            continue
        sl = _MONTH_OF_HOUR == m
        shape = w[sl]
        if shape.sum() <= 0:
            shape = np.clip(np.asarray(fallback, dtype=float)[sl], 0.0, None)
        if shape.sum() <= 0:
            shape = np.ones(sl.sum())
        out[sl] = monthly[m] * shape / shape.sum()
    return out


def heating_weights(b: Building, t_out_c: np.ndarray, free_rise_k: float) -> np.ndarray:
    """Degree-hour weights of the heating shape [K]."""
    sp = heating_setpoint_hourly_c(b)
    t_eff = smoothed_temperature_c(t_out_c)
    on = sp > HEAT_OFF_C
    return np.where(on, np.clip(sp - free_rise_k - t_eff, 0.0, None), 0.0)


def cooling_weights(b: Building, t_out_c: np.ndarray, ghi_w_m2: np.ndarray, free_rise_k: float) -> np.ndarray:
    """Degree-hour weights of the cooling shape [K]."""
    sp = cooling_setpoint_hourly_c(b)
    t_eff = 0.5 * np.asarray(t_out_c, dtype=float) + 0.5 * smoothed_temperature_c(t_out_c, 12.0)
    sol_air = t_eff + SOL_AIR_K_PER_W_M2 * np.asarray(ghi_w_m2, dtype=float)
    on = sp < COOL_OFF_C
    return np.where(on, np.clip(sol_air - (sp - free_rise_k), 0.0, None), 0.0)


def cooling_on_hours(b: Building) -> np.ndarray:
    """1 where the cooling setpoint applies, else 0."""
    op = b.operation
    sp = cooling_setpoint_hourly_c(b)
    return (sp <= op.cooling_setpoint_c + 1e-9).astype(float)


def heating_on_hours(b: Building) -> np.ndarray:
    """1 where heating is available (setpoint or setback), else 0."""
    return (heating_setpoint_hourly_c(b) > HEAT_OFF_C).astype(float)


# --------------------------------------------------------------------------- solar


def solar_position(data, latitude_deg: float, longitude_deg: float, time_zone_h: float):
    """cos(zenith) and solar azimuth [deg from north, clockwise] at the middle of each hour.

    ``data`` is a weather frame with ``month``, ``day``, ``hour`` (1-24, the hour
    ending at ``hour``). Spencer declination and equation of time from
    :mod:`weather.solar`; zenith and azimuth by pvlib's analytical formulas
    (``pvlib.solarposition.solar_zenith_analytical``, ``solar_azimuth_analytical``).
    """
    from pvlib import solarposition

    from weather.solar import declination_deg, equation_of_time_min

    month = data["month"].to_numpy()
    day = data["day"].to_numpy()
    hour = data["hour"].to_numpy().astype(float)
    doy = day_of_year(month, day)
    clock = hour - 0.5
    solar_time = clock + (4.0 * (longitude_deg - 15.0 * time_zone_h) + equation_of_time_min(doy)) / 60.0
    omega = np.radians(15.0 * (solar_time - 12.0))
    phi = np.radians(latitude_deg)
    delta = np.radians(declination_deg(doy))
    zenith = solarposition.solar_zenith_analytical(phi, omega, delta)
    az = np.degrees(solarposition.solar_azimuth_analytical(phi, omega, delta, zenith))
    return np.cos(zenith), az


def vertical_irradiance_wh_m2(weather_data, cos_z: np.ndarray, sun_az_deg: np.ndarray,
                              surface_az_deg: float) -> np.ndarray:
    """Hourly irradiation on a vertical surface facing ``surface_az_deg`` [Wh/m2] (isotropic sky)."""
    dni = weather_data["dni_wh_m2"].to_numpy(dtype=float)
    dhi = weather_data["dhi_wh_m2"].to_numpy(dtype=float)
    ghi = weather_data["ghi_wh_m2"].to_numpy(dtype=float)
    sin_z = np.sqrt(np.clip(1.0 - cos_z**2, 0.0, 1.0))
    cos_inc = sin_z * np.cos(np.radians(sun_az_deg - surface_az_deg))
    beam = np.where(cos_z > 0, dni * np.clip(cos_inc, 0.0, None), 0.0)
    return beam + 0.5 * dhi + 0.5 * GROUND_ALBEDO * ghi


def window_solar_shape(b: Building, weather_data, site) -> np.ndarray:
    """Hourly solar on the building's windows [Wh]: sum over facades of window area x irradiation."""
    g = b.geometry
    cos_z, az = solar_position(weather_data, site.latitude_deg, site.longitude_deg, site.time_zone_h)
    front = g.azimuth_deg
    facing = {"south": front, "north": front + 180.0, "east": front - 90.0, "west": front + 90.0}
    out = np.zeros(len(cos_z))
    for facade, surface_az in facing.items():
        area = g.window_area_m2(facade)
        if area > 0:
            out += area * vertical_irradiance_wh_m2(weather_data, cos_z, az, surface_az % 360.0)
    return out


# --------------------------------------------------------------------------- a two-node hourly model for shapes

H_MS_W_M2K = 9.1  # heat transfer coefficient between air/surface and mass node per m2 of mass area (ISO 13790 12.2.2)
MASS_AREA_PER_FLOOR = 2.5  # mass-exposed area per m2 of floor, "medium" class (ISO 13790 Table 12)


def areal_heat_capacity_wh_m2k(layers_room_side_first) -> float:
    """Heat capacity of the layers nearest the room [Wh/(m2 K)] (10 cm or up to the insulation)."""
    from simulator.surrogate.space import inner_heat_capacity_j_m2k

    return inner_heat_capacity_j_m2k(layers_room_side_first) / 3600.0


def two_node_loads_w_m2(b: Building, t_out_c: np.ndarray, t_ground_c: np.ndarray, solar_w_m2: np.ndarray,
                        internal_w_m2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hourly heating and cooling loads [W/m2 floor] of a two-node (air, mass) model of the building.

    A simplified ISO 13790 hourly method: windows and air exchange couple the
    air node to outdoors; opaque walls and roof couple the mass node to
    outdoors, the ground floor to the ground; the mass node (capacity of the
    layers near the room, internal floors included) exchanges with the air
    node through ``9.1 W/(m2 K) x 2.5 m2/m2``. Half the internal gains and the
    solar gains go to the mass, the rest to the air. The heating and cooling
    setpoint schedules and summer window ventilation are those of the
    building. Used only for hourly *shapes*; the totals come from the model.

    Parameters
    ----------
    b
        The building.
    t_out_c, t_ground_c
        Hourly outdoor and ground temperatures [C].
    solar_w_m2, internal_w_m2
        Hourly solar (transmitted) and internal sensible gains [W/m2 floor].
    """
    from buildings.thermal_bridges import wall_mean_u_w_m2k
    from simulator.idf import NAT_VENT_MIN_INDOOR_C, NAT_VENT_OUTDOOR_RANGE_C

    g, c, op = b.geometry, b.constructions, b.operation
    area = b.floor_area_m2
    a_win = sum(g.window_area_m2(f) for f in ("south", "north", "east", "west"))
    a_wall = sum(g.facade_area_m2(f) for f in ("south", "north", "east", "west")) - a_win
    h_w = (c.window.u_value_w_m2k * a_win / area + AIR_WH_M3K * op.infiltration_ach * g.storey_height_m)
    h_nv = AIR_WH_M3K * op.natural_ventilation_ach * g.storey_height_m
    h_op = (wall_mean_u_w_m2k(b) * a_wall + c.roof.u_value_w_m2k * g.footprint_m2) / area  # walls with bridges
    h_g = c.ground_floor.u_value_w_m2k * g.footprint_m2 / area
    h_ms = H_MS_W_M2K * MASS_AREA_PER_FLOOR
    kappa = (areal_heat_capacity_wh_m2k(reversed(c.wall.layers)) * a_wall
             + areal_heat_capacity_wh_m2k(reversed(c.roof.layers)) * g.footprint_m2
             + areal_heat_capacity_wh_m2k(reversed(c.ground_floor.layers)) * g.footprint_m2
             + (areal_heat_capacity_wh_m2k(c.internal_floor.layers)
                + areal_heat_capacity_wh_m2k(reversed(c.internal_floor.layers))) * g.footprint_m2 * (g.storeys - 1))
    c_m = max(kappa / area, 5.0)  # [Wh/(m2 K)]
    heat_sp = heating_setpoint_hourly_c(b)
    cool_sp = cooling_setpoint_hourly_c(b)
    vent_ok = ((np.repeat(~_days(op.heating_season), 24) if op.heating_season is not None else np.zeros(len(t_out_c), bool))
               & (t_out_c > NAT_VENT_OUTDOOR_RANGE_C[0]) & (t_out_c < NAT_VENT_OUTDOOR_RANGE_C[1]))
    g_air = 0.5 * np.asarray(internal_w_m2, dtype=float)
    g_mass = 0.5 * np.asarray(internal_w_m2, dtype=float) + np.asarray(solar_w_m2, dtype=float)
    heat = np.zeros(len(t_out_c))
    cool = np.zeros(len(t_out_c))
    t_m = float(np.mean(heat_sp[heat_sp > -20])) if (heat_sp > -20).any() else 20.0
    to, tg, hs, cs, vo = (t_out_c.tolist(), np.asarray(t_ground_c).tolist(), heat_sp.tolist(), cool_sp.tolist(),
                          vent_ok.tolist())
    ga, gm = g_air.tolist(), g_mass.tolist()
    for _ in range(2):  # second pass starts from the year-end mass temperature
        for i in range(len(to)):
            hw = h_w
            # implicit mass step with the air node in steady state
            # air: 0 = hw (To - Ti) + h_ms (Tm' - Ti) + Ga + Q ; mass: Cm (Tm' - Tm) = h_ms (Ti - Tm') + h_op (To - Tm') + h_g (Tg - Tm') + Gm
            for _try in range(2):
                a11 = hw + h_ms
                # free floating: solve for Ti, Tm'
                # Ti = (hw To + h_ms Tm' + Ga) / a11 ; substitute into mass equation
                k = c_m + h_ms + h_op + h_g - h_ms * h_ms / a11
                tm_free = (c_m * t_m + h_ms * (hw * to[i] + ga[i]) / a11 + h_op * to[i] + h_g * tg[i] + gm[i]) / k
                ti_free = (hw * to[i] + h_ms * tm_free + ga[i]) / a11
                if hw == h_w and vo[i] and ti_free > NAT_VENT_MIN_INDOOR_C and h_nv > 0:
                    hw = h_w + h_nv
                    continue
                break
            if ti_free < hs[i]:
                ti = hs[i]
            elif ti_free > cs[i]:
                ti = cs[i]
            else:
                t_m = tm_free
                continue
            tm_new = (c_m * t_m + h_ms * ti + h_op * to[i] + h_g * tg[i] + gm[i]) / (c_m + h_ms + h_op + h_g)
            q = hw * (ti - to[i]) + h_ms * (ti - tm_new) - ga[i]
            if q > 0:
                heat[i] = q
            else:
                cool[i] = -q
            t_m = tm_new
    return heat, cool


def blend_spread(monthly_kwh: np.ndarray, model_kwh: np.ndarray, weights: np.ndarray,
                 fallback: np.ndarray) -> np.ndarray:
    """Spread monthly totals over hours with a model's hourly shape, leaning on ``weights`` where it is thin.

    In each month the shape is ``lam * model + (1 - lam) * weights`` (each
    normalised to the month), ``lam = min(1, model month total / wanted total)``:
    a month where the two-node model gives little load (the start and end of a
    season) does not pile the wanted total onto its few hours.
    """
    monthly = np.asarray(monthly_kwh, dtype=float)
    model = np.clip(np.asarray(model_kwh, dtype=float), 0.0, None)
    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    shape = np.zeros(HOURS_PER_YEAR)
    for m in range(12):
        if monthly[m] <= 0:
            continue
        sl = _MONTH_OF_HOUR == m
        ms, ws = model[sl].sum(), w[sl].sum()
        lam = min(1.0, ms / monthly[m]) if ms > 0 else 0.0
        part = np.zeros(sl.sum())
        if ms > 0:
            part += lam * model[sl] / ms
        if ws > 0:
            part += (1.0 - lam) * w[sl] / ws
        elif lam < 1.0 and ms > 0:
            part = model[sl] / ms
        shape[sl] = part
    return spread_monthly(monthly, shape, fallback)


def cap_hourly(hourly_kwh: np.ndarray, cap_kwh: float, iterations: int = 20) -> np.ndarray:
    """Clip hours above ``cap_kwh`` and give the excess to the month's other hours (month totals kept).

    The excess goes to the loaded hours below the cap in proportion to their load; when every loaded
    hour is at the cap, evenly to the month's other hours.
    """
    out = np.asarray(hourly_kwh, dtype=float).copy()
    if cap_kwh <= 0:
        return out
    for m in range(12):
        sl = np.flatnonzero(_MONTH_OF_HOUR == m)
        h = out[sl]
        for _ in range(iterations):
            excess = np.clip(h - cap_kwh, 0.0, None).sum()
            if excess <= 1e-12:
                break
            h = np.minimum(h, cap_kwh)
            room = (h > 0) & (h < cap_kwh)
            if room.any():
                h[room] += excess * h[room] / h[room].sum()
                continue
            # every loaded hour is at the cap: the rest of the month's total goes evenly to its other hours
            room = h < cap_kwh
            if not room.any():  # the month's total exceeds the cap in every hour: nothing can hold it
                break
            h[room] += excess / room.sum()
        out[sl] = h
    return out
