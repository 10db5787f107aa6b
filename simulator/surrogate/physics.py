"""A fast physical estimate of the loads: the surrogate learns only its correction.

For every row of a feature table this computes, vectorised over buildings, a
daily quasi-steady-state heat balance on the family's fixed schedules and the
training weather:

* heat-loss coefficient per m2 of floor [W/(m2 K)]: walls, windows, roof and
  infiltration to outdoor air, ground floor to the monthly ground temperature
  (geometry from the features, storey height and east/west glazing from the
  family's base archetype; air 0.335 Wh/(m3 K));
* gains per m2: lighting and equipment (W/m2 x schedule), people (sensible
  60 % of the activity level), and solar: SHGC x window area x irradiation on
  each facade (isotropic sky, :mod:`simulator.surrogate.hourly`);
* heating on day *d* of the heating season:
  ``max(0, H * DH_d(T_set, T_setback) + floor_d - G_d)`` where ``DH_d`` are the
  day's degree-hours below the setpoint (occupied / TRV-free hours) and below
  the setback (other hours), the day's gains fully usable (a day's heat
  storage); cooling on day *d* of the cooling season:
  ``max(0, G_d + H * sum_h (T_out - T_cool))`` over the whole day (heat that
  builds up while the air conditioner is off is removed when it runs).
* long-wave loss to the sky (ISO 13790's sky term with the hourly sky
  temperature of the weather file's horizontal infrared radiation):
  ``R_se h_r (F_roof H_roof + F_wall (H_wall + H_window)) (T_out - T_sky)``,
  added to the heating loss and taken from the cooling load;
* latent cooling on the cooling hours: the outdoor air (the row's air change;
  offices and schools also their per-person fresh air) brings moisture above
  that of room air at the cooling setpoint and an assumed room humidity
  (model_assumptions ``zone_relative_humidity_pct``, an estimate),
  ``rho n V max(0, w_out - w_room) h_fg``, plus the latent heat of the
  occupants; EnergyPlus's ideal loads remove it as condensate where their
  supply air is colder than the room's dew point (no humidity control).

This is a simplified degree-hour method (cf. ISO 52016-1 / EN ISO 13790
quasi-steady-state monthly method with a utilisation of 1 within a day). It is
typically within 10-30 % of EnergyPlus; its value is that it carries the
sensitivities (U x A, SHGC x window area, setpoints, gains, storeys) in
physically right form, so the learned correction is smooth and small.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from buildings import ventilation as V
from simulator.sourced_data import load_data
from simulator.surrogate import hourly as H
from simulator.surrogate.regressors import map_blocks
from simulator.surrogate.space import Family, base_building, get_family, trv_night_hours
from simulator.units import (  # noqa: F401 (AIR_WH_M3K: public name)
    AIR_WH_M3K,
    DAYS_PER_YEAR,
    MONTH_OF_DAY,
    STEFAN_BOLTZMANN_W_M2K4,
    humidity_ratio_kg_kg,
    saturation_vapour_pressure_pa,
)

#: Sensible share of metabolic heat [-]: simulator/data/model_assumptions.toml [people].
PEOPLE_SENSIBLE_FRACTION = load_data("model_assumptions")["people"]["sensible_fraction"]
#: Sky and latent terms: simulator/data/model_assumptions.toml [surrogate_physics] (values, units, sources).
SURROGATE_PHYSICS = load_data("model_assumptions")["surrogate_physics"]
T_GRID_C = np.arange(0.0, 30.01, 0.25)
AZ_GRID_DEG = np.arange(140.0, 220.01, 2.0)
FACADES = ("south", "north", "east", "west")
DAYS = DAYS_PER_YEAR


@dataclass(frozen=True)
class Climate:
    """Tables of one family on one weather year, precomputed for vectorised estimates.

    Attributes
    ----------
    weather_id
        Content hash of the weather.
    dh_a_kh, dh_b_kh
        Heating degree-hours [K h] per day (365) and grid setpoint (``T_GRID_C``)
        over the hours of set A (setpoint) and B (setback) in the heating season.
    dh_cool_kh
        Signed cooling degree-hours ``sum(T_out - T_cool)`` per day [K h] (cooling season days; else 0).
    heat_day, cool_day
        Boolean per day: in the heating / cooling season.
    cool_hours
        Cooling-on hours per day [h].
    light_day_h, equip_day_h
        Per day: sum of the lighting / equipment schedule fractions [h] (x W/m2 gives Wh/m2).
    people_day_wh_m2
        Sensible people gains per day [Wh/m2].
    solar_day_wh_m2
        Irradiation per day on each facade [Wh/m2], shape (len(AZ_GRID_DEG), 4, 365).
    ground_day_c
        Ground temperature under the slab per day [C].
    month_of_day
        Month index (0-11) per day.
    storey_height_m, wwr_east, wwr_west
        The family's fixed geometry.
    clear_height_m
        Room clear height [m] (the air volume per m2 of floor).
    hygiene_ach
        Hygiene air change of homes [1/h] (GB 50736-2012; 0 for offices and schools).
    heating_design_c
        99.6 % heating design dry bulb of the year [C] (:func:`simulator.design_days.design_days`).
    sky_heat_kh
        Per day: sum of ``T_out - T_sky`` over the heating hours (sets A and B) [K h].
    sky_cool_kh
        Per day: sum of ``T_out - T_sky`` over the 24 hours of cooling days (else 0) [K h].
    moisture_day_h
        Per day: sum of ``max(0, w_out - w_room)`` over the cooling-on hours [h] (humidity ratios in kg/kg).
    latent_fixed_day_wh_m2
        Per day: latent heat of the occupants and of the family's per-person fresh air over the
        cooling-on hours [Wh/m2].
    """

    weather_id: str
    dh_a_kh: np.ndarray
    dh_b_kh: np.ndarray
    dh_cool_kh: np.ndarray
    heat_day: np.ndarray
    cool_day: np.ndarray
    cool_hours: np.ndarray
    light_day_h: np.ndarray
    equip_day_h: np.ndarray
    people_day_wh_m2: np.ndarray
    solar_day_wh_m2: np.ndarray
    ground_day_c: np.ndarray
    month_of_day: np.ndarray
    storey_height_m: float
    wwr_east: float
    wwr_west: float
    clear_height_m: float
    hygiene_ach: float
    heating_design_c: float
    sky_heat_kh: np.ndarray
    sky_cool_kh: np.ndarray
    moisture_day_h: np.ndarray
    latent_fixed_day_wh_m2: np.ndarray


def sky_temperature_c(weather_data) -> np.ndarray:
    """Hourly sky temperature [C] from the horizontal infrared radiation: ``(IR / sigma)^(1/4)``."""
    ir = np.clip(weather_data["horizontal_ir_wh_m2"].to_numpy(dtype=float), 1.0, None)
    return (ir / STEFAN_BOLTZMANN_W_M2K4) ** 0.25 - 273.15


def outdoor_humidity_ratio(weather_data) -> np.ndarray:
    """Hourly outdoor humidity ratio [kg/kg] from the dew point and the station pressure."""
    p = weather_data["pressure_pa"].to_numpy(dtype=float)
    return humidity_ratio_kg_kg(saturation_vapour_pressure_pa(weather_data["dew_point_c"].to_numpy(dtype=float)), p)


def room_humidity_ratio(weather_data, setpoint_c: np.ndarray) -> np.ndarray:
    """Hourly humidity ratio of room air at ``setpoint_c`` and the assumed room humidity [kg/kg]."""
    p = weather_data["pressure_pa"].to_numpy(dtype=float)
    e = SURROGATE_PHYSICS["zone_relative_humidity_pct"] / 100.0 * saturation_vapour_pressure_pa(setpoint_c)
    return humidity_ratio_kg_kg(e, p)


def latent_wh_per_m3_h() -> float:
    """Latent heat of 1 m3 of air per unit of humidity ratio [Wh/m3]: ``rho h_fg / 3600``."""
    return SURROGATE_PHYSICS["air_density_kg_m3"] * SURROGATE_PHYSICS["latent_heat_vaporisation_j_kg"] / 3600.0


def sky_coefficient(h_roof: np.ndarray, h_wall: np.ndarray, h_window: np.ndarray) -> np.ndarray:
    """Long-wave loss to the sky per kelvin of ``T_out - T_sky``, per m2 of floor [W/(m2 K)]."""
    sp = SURROGATE_PHYSICS
    rh = sp["exterior_surface_resistance_m2k_w"] * sp["sky_radiative_coefficient_w_m2k"]
    return rh * (sp["sky_form_factor_roof"] * h_roof + sp["sky_form_factor_wall"] * (h_wall + h_window))


def _degree_hours_table(t_out: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per day and grid temperature: sum over masked hours of max(T - T_out, 0) [K h]."""
    t = t_out.reshape(DAYS, 24)
    m = mask.reshape(DAYS, 24)
    out = np.empty((DAYS, len(T_GRID_C)))
    for j, tg in enumerate(T_GRID_C):
        out[:, j] = (np.clip(tg - t, 0.0, None) * m).sum(axis=1)
    return out


def climate(family: str | Family, weather) -> Climate:
    """Precompute the tables of a family on a weather year (a ``weather.Weather``)."""
    from simulator.energyplus import slab_ground_temperatures_c

    fam = get_family(family)
    b = base_building(fam)
    data = weather.data
    t_out = data["dry_bulb_c"].to_numpy(dtype=float)
    op = b.operation
    heat_season = np.repeat(H._days(op.heating_season), 24)
    on = H.profile_hourly(b, op.heating_hours) >= 0.5
    if fam.residential:  # A: hours never cut by the TRVs; B: the TRV night hours
        night = np.tile(np.isin(np.arange(24), trv_night_hours()), DAYS)
        a = heat_season & on & ~night
        bset = heat_season & on & night
    else:  # A: occupied heating hours; B: the rest of the season (setback)
        a = heat_season & on
        bset = heat_season & ~on
    cool_sp = H.cooling_setpoint_hourly_c(b)
    cool_on = cool_sp <= op.cooling_setpoint_c + 1e-9
    cool_season = np.repeat(H._days(op.cooling_season), 24)
    cool_day = cool_season.reshape(DAYS, 24).any(axis=1) & cool_on.reshape(DAYS, 24).any(axis=1)
    dh_cool = ((t_out - op.cooling_setpoint_c).reshape(DAYS, 24)).sum(axis=1) * cool_day

    light = H.profile_hourly(b, op.lighting).reshape(DAYS, 24).sum(axis=1)
    equip = H.profile_hourly(b, op.equipment).reshape(DAYS, 24).sum(axis=1)
    people = (H.profile_hourly(b, op.occupancy).reshape(DAYS, 24).sum(axis=1)
              * op.activity_w_per_person / op.occupancy_m2_per_person * PEOPLE_SENSIBLE_FRACTION)

    site = weather.site
    cos_z, az = H.solar_position(data, site.latitude_deg, site.longitude_deg, site.time_zone_h)
    solar = np.empty((len(AZ_GRID_DEG), 4, DAYS))
    for i, front in enumerate(AZ_GRID_DEG):
        facing = (front, front + 180.0, front - 90.0, front + 90.0)
        for k, surface_az in enumerate(facing):
            solar[i, k] = H.vertical_irradiance_wh_m2(data, cos_z, az, surface_az % 360.0).reshape(DAYS, 24).sum(1)
    ground = np.asarray(slab_ground_temperatures_c(weather), dtype=float)[MONTH_OF_DAY]
    g = b.geometry
    sky_dt = t_out - sky_temperature_c(data)
    cool_hour = cool_on & np.repeat(cool_day, 24)
    moisture = np.clip(outdoor_humidity_ratio(data) - room_humidity_ratio(data, cool_sp), 0.0, None) * cool_hour
    occ = H.profile_hourly(b, op.occupancy)
    fresh_m3_h_m2 = op.fresh_air_m3_h_person * occ / op.occupancy_m2_per_person
    latent_fixed = (occ * op.activity_w_per_person / op.occupancy_m2_per_person * (1.0 - PEOPLE_SENSIBLE_FRACTION)
                    + fresh_m3_h_m2 * latent_wh_per_m3_h() * moisture) * cool_hour
    from simulator.design_days import design_days

    return Climate(
        weather_id=weather.id,
        dh_a_kh=_degree_hours_table(t_out, a),
        dh_b_kh=_degree_hours_table(t_out, bset),
        dh_cool_kh=dh_cool,
        heat_day=heat_season.reshape(DAYS, 24).any(axis=1),
        cool_day=cool_day,
        cool_hours=cool_on.reshape(DAYS, 24).sum(axis=1).astype(float),
        light_day_h=light,
        equip_day_h=equip,
        people_day_wh_m2=people,
        solar_day_wh_m2=solar,
        ground_day_c=ground,
        month_of_day=MONTH_OF_DAY.copy(),
        storey_height_m=g.storey_height_m,
        wwr_east=g.window_to_wall.east,
        wwr_west=g.window_to_wall.west,
        clear_height_m=V.clear_height_m(b),
        hygiene_ach=V.hygiene_ach(b),
        heating_design_c=float(design_days(weather).heating_dry_bulb_c),
        sky_heat_kh=(sky_dt * (a | bset)).reshape(DAYS, 24).sum(axis=1),
        sky_cool_kh=sky_dt.reshape(DAYS, 24).sum(axis=1) * cool_day,
        moisture_day_h=moisture.reshape(DAYS, 24).sum(axis=1),
        latent_fixed_day_wh_m2=latent_fixed.reshape(DAYS, 24).sum(axis=1),
    )


def _interp_rows(table_t: np.ndarray, grid: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Rows of ``table_t`` (grid x days) linearly interpolated at each ``x``: (len(x), days)."""
    pos = np.clip((x - grid[0]) / (grid[1] - grid[0]), 0.0, len(grid) - 1.000001)
    j = np.floor(pos).astype(np.intp)
    f = (pos - j).astype(table_t.dtype)[:, None]
    lo = table_t[j]
    return lo + (table_t[j + 1] - lo) * f


def _month_matrix(month_of_day: np.ndarray) -> np.ndarray:
    """(365, 12) indicator: daily @ matrix sums days into months."""
    out = np.zeros((len(month_of_day), 12), dtype=np.float32)
    out[np.arange(len(month_of_day)), month_of_day] = 1.0
    return out


CHUNK_ROWS = 2048


def estimate(X: pd.DataFrame, clim: Climate, residential: bool) -> pd.DataFrame:
    """Physical estimates for each row of a feature table (columns named as the features).

    Returns
    -------
    DataFrame
        ``h_wall_w_m2k``, ``h_window_w_m2k``, ``h_roof_w_m2k``, ``h_ground_w_m2k``,
        ``h_air_w_m2k``, ``h_total_w_m2k`` (heat-loss coefficients per m2 of floor),
        ``solar_aperture_south``, ``solar_aperture_north`` (SHGC x window area per
        m2 of floor [-]), ``phys_heating_kwh_m2_m01..12``, ``phys_cooling_kwh_m2_m01..12``,
        ``phys_heating_kwh_m2``, ``phys_cooling_kwh_m2`` [kWh/m2], ``phys_peak_heating_w_m2``,
        ``phys_peak_cooling_w_m2`` (largest daily-mean load [W/m2]), ``phys_window_solar_kwh_m2``
        (SHGC x window area x facade irradiation [kWh/m2 a]); the parts of the balance:
        ``phys_heating_loss_kwh_m2`` and ``phys_heating_gains_kwh_m2`` (heat loss and gains
        summed over the heating-season days), ``phys_cooling_gains_kwh_m2`` (gains over the
        cooling days) and ``phys_cooling_transfer_kwh_m2`` (heat gained through the envelope and
        infiltration over the cooling days at the cooling setpoint, negative when the outside
        is cooler on balance) [kWh/m2]; ``phys_design_heating_w_m2``: steady-state loss at the
        99.6 % design dry bulb, no gains [W/m2].
    """
    parts = map_blocks(lambda i: _estimate(X.iloc[i:i + CHUNK_ROWS], clim, residential), range(0, len(X), CHUNK_ROWS))
    if not parts:
        return _estimate(X, clim, residential)
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def _col(X: pd.DataFrame, name: str) -> np.ndarray:
    return X[name].to_numpy(dtype=float)


def outdoor_air_ach(X: pd.DataFrame, hygiene_ach: float) -> np.ndarray:
    """Heating-season outdoor air of each row as heat loss [1/h] (:mod:`buildings.ventilation`'s model).

    Homes get at least the hygiene rate: infiltration plus window make-up,
    ``max(n_inf, n_hyg)``; with a heat-recovery unit (efficiency ``eta``) the
    unit supplies the hygiene rate and only ``(1 - eta)`` of it is a loss:
    ``n_inf + n_hyg (1 - eta)``. Offices and schools (``hygiene_ach`` 0): infiltration only
    (their per-person fresh air is held by the family and learnt by the regressor).
    """
    inf = _col(X, "infiltration_ach")
    eta = _col(X, "heat_recovery_efficiency") if "heat_recovery_efficiency" in X else np.zeros(len(X))
    with_unit = inf + hygiene_ach * (1.0 - eta)
    return np.where(eta > 0.0, with_unit, np.maximum(inf, hygiene_ach))


def moisture_air_ach(X: pd.DataFrame, hygiene_ach: float) -> np.ndarray:
    """Outdoor air of each row that brings its moisture in [1/h]: :func:`outdoor_air_ach` before heat recovery.

    A heat-recovery unit recovers sensible heat only, so its hygiene flow brings all its moisture:
    ``n_inf + n_hyg`` with a unit, ``max(n_inf, n_hyg)`` without.
    """
    inf = _col(X, "infiltration_ach")
    eta = _col(X, "heat_recovery_efficiency") if "heat_recovery_efficiency" in X else np.zeros(len(X))
    return np.where(eta > 0.0, inf + hygiene_ach, np.maximum(inf, hygiene_ach))


def _estimate(X: pd.DataFrame, clim: Climate, residential: bool) -> pd.DataFrame:
    f32 = np.float32
    h = clim.storey_height_m
    n_st, length, depth = _col(X, "storeys"), _col(X, "length_m"), _col(X, "depth_m")
    area_floor = length * depth * n_st
    a_long = length * n_st * h  # south or north facade [m2]
    a_short = depth * n_st * h  # east or west facade [m2]
    win = {"south": _col(X, "wwr_south") * a_long, "north": _col(X, "wwr_north") * a_long,
           "east": clim.wwr_east * a_short, "west": clim.wwr_west * a_short}
    a_win = sum(win.values())
    a_opaque = 2 * a_long + 2 * a_short - a_win
    bridges = _col(X, "wall_bridge_u_w_m2k") if "wall_bridge_u_w_m2k" in X else 0.0  # linear thermal bridges
    h_wall = (_col(X, "wall_u_w_m2k") + bridges) * a_opaque / area_floor
    h_window = _col(X, "window_u_w_m2k") * a_win / area_floor
    h_roof = _col(X, "roof_u_w_m2k") / n_st
    h_ground = _col(X, "ground_floor_u_w_m2k") / n_st
    h_air = AIR_WH_M3K * outdoor_air_ach(X, clim.hygiene_ach) * clim.clear_height_m
    h_out = h_wall + h_window + h_roof + h_air  # to outdoor air [W/(m2 K)]
    shgc = _col(X, "window_shgc")

    # gains per day [Wh/m2 of floor]: solar interpolated on the azimuth grid
    az = _col(X, "azimuth_deg")
    pos = np.clip((az - AZ_GRID_DEG[0]) / (AZ_GRID_DEG[1] - AZ_GRID_DEG[0]), 0.0, len(AZ_GRID_DEG) - 1.000001)
    j = np.floor(pos).astype(np.intp)
    fr = (pos - j).astype(f32)[:, None]
    solar_tab = clim.solar_day_wh_m2.astype(f32)
    gains = (_col(X, "lighting_w_m2")[:, None].astype(f32) * clim.light_day_h.astype(f32)[None, :]
             + _col(X, "equipment_w_m2")[:, None].astype(f32) * clim.equip_day_h.astype(f32)[None, :]
             + clim.people_day_wh_m2.astype(f32)[None, :])
    annual_tab = clim.solar_day_wh_m2.sum(axis=2)  # (azimuth, facade) [Wh/m2 a]
    window_solar = np.zeros(len(X))
    for k, facade in enumerate(FACADES):
        aperture = shgc * win[facade] / area_floor
        lo = solar_tab[j, k]
        irr = lo + (solar_tab[j + 1, k] - lo) * fr
        gains += aperture.astype(f32)[:, None] * irr
        frk = fr[:, 0].astype(float)
        window_solar += aperture * (annual_tab[j, k] * (1.0 - frk) + annual_tab[j + 1, k] * frk) / 1000.0

    sp = _col(X, "heating_setpoint_c")
    setback = sp - _col(X, "heating_night_setback_k") if residential \
        else np.minimum(_col(X, "heating_setback_c"), sp)
    dh = (_interp_rows(clim.dh_a_kh.T.astype(f32), T_GRID_C, sp)
          + _interp_rows(clim.dh_b_kh.T.astype(f32), T_GRID_C, setback))
    ground = (h_ground * 24.0).astype(f32)[:, None] * np.clip(
        sp.astype(f32)[:, None] - clim.ground_day_c.astype(f32)[None, :], 0.0, None)
    k_sky = sky_coefficient(h_roof, h_wall, h_window)
    heat_daily = dh
    heat_daily *= h_out.astype(f32)[:, None]
    heat_daily += ground
    heat_daily += k_sky.astype(f32)[:, None] * clim.sky_heat_kh.astype(f32)[None, :]
    season = clim.heat_day.astype(f32)
    heating_loss = (heat_daily @ season).astype(float) / 1000.0  # with the sky term
    heating_gains = (gains @ season).astype(float) / 1000.0
    # gains usable within the day: ISO 13790's utilisation factor on the day's gain/loss ratio, with the
    # time constant of a medium-mass building (a day's heat storage is full use only for heavy buildings)
    tau_h = SURROGATE_PHYSICS["mass_heat_capacity_wh_m2k"] / np.maximum(h_out + h_ground, 1e-6)
    a_exp = (SURROGATE_PHYSICS["utilisation_a0"]
             + tau_h / SURROGATE_PHYSICS["utilisation_tau0_h"]).astype(f32)[:, None]
    gamma = np.divide(gains, heat_daily, out=np.full_like(gains, 1e6), where=heat_daily > 0)
    near_one = np.abs(gamma - 1.0) < 1e-4
    # (1 - g^a) / (1 - g^(a+1)), written in 1/g above 1 so that no power overflows
    g = np.where(near_one, 0.5, np.where(gamma > 1.0, 1.0 / gamma, gamma))
    below = (1.0 - g**a_exp) / (1.0 - g ** (a_exp + 1.0))
    above = (g - g ** (a_exp + 1.0)) / (1.0 - g ** (a_exp + 1.0))
    eta = np.where(near_one, a_exp / (a_exp + 1.0), np.where(gamma > 1.0, above, below))
    heat_daily -= eta * gains
    np.clip(heat_daily, 0.0, None, out=heat_daily)
    heat_daily *= clim.heat_day.astype(f32)[None, :]
    cool_season = clim.cool_day.astype(f32)
    cooling_gains = (gains @ cool_season).astype(float) / 1000.0
    cooling_transfer = h_out * float((clim.dh_cool_kh * clim.cool_day).sum()) / 1000.0
    cool_daily = gains
    cool_daily += h_out.astype(f32)[:, None] * clim.dh_cool_kh.astype(f32)[None, :]
    cool_daily -= k_sky.astype(f32)[:, None] * clim.sky_cool_kh.astype(f32)[None, :]
    np.clip(cool_daily, 0.0, None, out=cool_daily)
    # latent: moisture of the outdoor air
    latent_daily = ((moisture_air_ach(X, clim.hygiene_ach) * clim.clear_height_m * latent_wh_per_m3_h()).astype(f32)[:, None]
                    * clim.moisture_day_h.astype(f32)[None, :] + clim.latent_fixed_day_wh_m2.astype(f32)[None, :])
    cool_daily += latent_daily
    cool_daily *= clim.cool_day.astype(f32)[None, :]
    months = _month_matrix(clim.month_of_day)
    heat_m = (heat_daily @ months).astype(float) / 1000.0
    cool_m = (cool_daily @ months).astype(float) / 1000.0
    cool_hours = np.where(clim.cool_hours > 0, clim.cool_hours, 24.0).astype(f32)
    out = {
        "h_wall_w_m2k": h_wall, "h_window_w_m2k": h_window, "h_roof_w_m2k": h_roof,
        "h_ground_w_m2k": h_ground, "h_air_w_m2k": h_air, "h_total_w_m2k": h_out + h_ground,
        "solar_aperture_south": shgc * win["south"] / area_floor,
        "solar_aperture_north": shgc * win["north"] / area_floor,
    }
    for m in range(12):
        out[f"phys_heating_kwh_m2_m{m + 1:02d}"] = heat_m[:, m]
    for m in range(12):
        out[f"phys_cooling_kwh_m2_m{m + 1:02d}"] = cool_m[:, m]
    out["phys_heating_kwh_m2"] = heat_m.sum(axis=1)
    out["phys_cooling_kwh_m2"] = cool_m.sum(axis=1)
    out["phys_window_solar_kwh_m2"] = window_solar
    out["phys_heating_loss_kwh_m2"] = heating_loss
    out["phys_heating_gains_kwh_m2"] = heating_gains
    out["phys_cooling_gains_kwh_m2"] = cooling_gains
    out["phys_cooling_transfer_kwh_m2"] = cooling_transfer
    out["phys_latent_kwh_m2"] = (latent_daily @ cool_season).astype(float) / 1000.0
    out["phys_sky_heating_kwh_m2"] = k_sky * float((clim.sky_heat_kh * clim.heat_day).sum()) / 1000.0
    # steady state on the heating design day: no sun, no gains, the coldest month's ground
    out["phys_design_heating_w_m2"] = (h_out * np.clip(sp - clim.heating_design_c, 0.0, None)
                                       + h_ground * np.clip(sp - float(np.min(clim.ground_day_c)), 0.0, None))
    out["phys_peak_heating_w_m2"] = heat_daily.max(axis=1).astype(float) / 24.0
    out["phys_peak_cooling_w_m2"] = (cool_daily / cool_hours[None, :]).max(axis=1).astype(float)
    return pd.DataFrame(out, index=X.index)
