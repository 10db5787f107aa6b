"""Heat loss of a slab on ground by ISO 13370:2017 (steady state + monthly periodic parts).

Small pure functions for the hand calculation and the inputs EnergyPlus's
F-factor method needs (:mod:`simulator.idf` writes them):

* characteristic dimension ``B' = A / (0.5 P)`` (ISO 13370:2017, clause on the
  characteristic dimension of the floor; eq. (2) of the 2007 edition), ``P``
  the exposed perimeter;
* total equivalent thickness ``d_t = w + lambda (R_si + R_f + R_se)`` with
  ``w`` the full thickness of the walls (slab-on-ground clause, eq. (3) of
  2007);
* thermal transmittance of an uninsulated or all-over insulated slab:
  ``U = 2 lambda / (pi B' + d_t) ln(pi B' / d_t + 1)`` when ``d_t < B'``, else
  ``U = lambda / (0.457 B' + d_t)`` (eqs. (4) and (5) of 2007); no edge
  insulation, so the edge term ``psi_g`` is 0 and ``H_g = A U``;
* periodic coefficients of the monthly method (ISO 13370 annex on heat flow
  rates, Annex A of 2007): periodic penetration depth
  ``delta = sqrt(lambda t_year / (pi rho c))``,
  ``H_pi = A lambda / delta sqrt(2 / ((1 + d_t/delta)^2 + 1))``,
  ``H_pe = 0.37 P lambda ln(delta / d_t + 1)``;
* monthly heat flow
  ``Phi_m = H_g (Ti_mean - Te_mean) + H_pi (Ti_(m-alpha) - Ti_mean) - H_pe (Te_(m-beta) - Te_mean)``
  (positive: heat leaving the building), with the lags ``alpha = 0`` and
  ``beta = 1`` month of a slab on ground. Over a year the periodic parts
  cancel; the annual loss is ``H_g (Ti_mean - Te_mean) x hours``.

Layers of the material ``soil`` in a ground-floor construction belong to the
ground, not the floor: they are left out of ``R_f`` (the archetypes carried a
1 m soil layer as their earlier ground model) and give the ground's
conductivity when present.

Constants (soil, surface resistances, lags) are in ``buildings/data/ground.toml``
with their sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from simulator import units
from simulator.sourced_data import read_toml, strip

#: Material name of layers that stand for the ground under a slab.
SOIL_MATERIAL = "soil"
SECONDS_PER_YEAR = float(units.SECONDS_PER_YEAR)
MONTH_DAYS = np.array(units.DAYS_IN_MONTH, dtype=float)


@cache
def ground_data() -> dict:
    """``buildings/data/ground.toml`` as a dict of plain values (``{value, unit, source}`` -> value)."""
    return strip(read_toml("buildings", "data/ground.toml"))


def characteristic_dimension_m(area_m2: float, exposed_perimeter_m: float) -> float:
    """ISO 13370 characteristic dimension of a floor ``B' = A / (0.5 P)`` [m]."""
    if area_m2 <= 0 or exposed_perimeter_m <= 0:
        raise ValueError("floor area and exposed perimeter must be positive")
    return area_m2 / (0.5 * exposed_perimeter_m)


def equivalent_thickness_m(wall_thickness_m: float, soil_conductivity_w_mk: float, floor_r_m2k_w: float,
                           rsi_m2k_w: float, rse_m2k_w: float) -> float:
    """ISO 13370 total equivalent thickness ``d_t = w + lambda (R_si + R_f + R_se)`` [m].

    ``floor_r_m2k_w`` is the thermal resistance of the floor's layers above
    the ground (slab, screed, insulation) [m2 K/W].
    """
    return wall_thickness_m + soil_conductivity_w_mk * (rsi_m2k_w + floor_r_m2k_w + rse_m2k_w)


def slab_u_w_m2k(b_prime_m: float, d_t_m: float, soil_conductivity_w_mk: float) -> float:
    """ISO 13370 U-value of an uninsulated or all-over insulated slab on ground [W/(m2 K)]."""
    lam = soil_conductivity_w_mk
    if d_t_m < b_prime_m:
        return 2.0 * lam / (math.pi * b_prime_m + d_t_m) * math.log(math.pi * b_prime_m / d_t_m + 1.0)
    return lam / (0.457 * b_prime_m + d_t_m)


def penetration_depth_m(soil_conductivity_w_mk: float, heat_capacity_j_m3k: float) -> float:
    """Periodic penetration depth of the annual cycle ``sqrt(lambda t / (pi rho c))`` [m]."""
    return math.sqrt(soil_conductivity_w_mk * SECONDS_PER_YEAR / (math.pi * heat_capacity_j_m3k))


@dataclass(frozen=True)
class SlabOnGround:
    """ISO 13370 coefficients of one slab on ground.

    Attributes
    ----------
    area_m2, exposed_perimeter_m
        Floor area [m2] and exposed perimeter [m].
    b_prime_m, d_t_m, delta_m
        Characteristic dimension, total equivalent thickness, periodic penetration depth [m].
    u_w_m2k
        Steady-state U-value [W/(m2 K)].
    h_g_w_k, h_pi_w_k, h_pe_w_k
        Steady-state, internal periodic and external periodic heat transfer coefficients [W/K].
    """

    area_m2: float
    exposed_perimeter_m: float
    b_prime_m: float
    d_t_m: float
    delta_m: float
    u_w_m2k: float
    h_g_w_k: float
    h_pi_w_k: float
    h_pe_w_k: float

    @property
    def f_factor_w_mk(self) -> float:
        """Perimeter conductance ``F = H_g / P`` [W/(m K)] (EnergyPlus Construction:FfactorGroundFloor)."""
        return self.h_g_w_k / self.exposed_perimeter_m


def slab_on_ground(area_m2: float, exposed_perimeter_m: float, wall_thickness_m: float, floor_r_m2k_w: float,
                   soil_conductivity_w_mk: float | None = None, heat_capacity_j_m3k: float | None = None
                   ) -> SlabOnGround:
    """The ISO 13370 coefficients of a slab (soil defaults from ``ground.toml``)."""
    d = ground_data()
    lam = d["soil"]["conductivity_w_mk"] if soil_conductivity_w_mk is None else soil_conductivity_w_mk
    rho_c = d["soil"]["heat_capacity_j_m3k"] if heat_capacity_j_m3k is None else heat_capacity_j_m3k
    b_prime = characteristic_dimension_m(area_m2, exposed_perimeter_m)
    d_t = equivalent_thickness_m(wall_thickness_m, lam, floor_r_m2k_w, d["surface"]["rsi_m2k_w"],
                                 d["surface"]["rse_m2k_w"])
    u = slab_u_w_m2k(b_prime, d_t, lam)
    delta = penetration_depth_m(lam, rho_c)
    h_pi = area_m2 * lam / delta * math.sqrt(2.0 / ((1.0 + d_t / delta) ** 2 + 1.0))
    h_pe = 0.37 * exposed_perimeter_m * lam * math.log(delta / d_t + 1.0)
    return SlabOnGround(area_m2, exposed_perimeter_m, b_prime, d_t, delta, u, area_m2 * u, h_pi, h_pe)


def monthly_heat_flow_w(slab: SlabOnGround, internal_c, external_c, internal_lag_months: int | None = None,
                        external_lag_months: int | None = None) -> np.ndarray:
    """ISO 13370 monthly mean heat flow out through the slab [W], 12 values (positive: a loss).

    Parameters
    ----------
    internal_c, external_c
        Twelve monthly mean internal and external air temperatures [C].
    """
    d = ground_data()["periodic"]
    alpha = d["internal_lag_months"] if internal_lag_months is None else internal_lag_months
    beta = d["external_lag_months"] if external_lag_months is None else external_lag_months
    ti, te = np.asarray(internal_c, dtype=float), np.asarray(external_c, dtype=float)
    ti_mean, te_mean = _annual_mean(ti), _annual_mean(te)
    return (slab.h_g_w_k * (ti_mean - te_mean) + slab.h_pi_w_k * (np.roll(ti, alpha) - ti_mean)
            - slab.h_pe_w_k * (np.roll(te, beta) - te_mean))


def annual_heat_loss_kwh(slab: SlabOnGround, internal_c, external_c) -> float:
    """ISO 13370 annual heat lost through the slab [kWh]: the monthly flows times the month lengths."""
    return float(np.sum(monthly_heat_flow_w(slab, internal_c, external_c) * MONTH_DAYS * units.HOURS_PER_DAY) / 1000.0)


def equivalent_ground_temperatures_c(slab: SlabOnGround, external_c) -> list[float]:
    """Monthly temperatures [C] behind the slab's conductance ``H_g`` that give ISO 13370's external part.

    ``T_g,m = Te_mean + (H_pe / H_g) (Te_(m-beta) - Te_mean)``: a floor of
    conductance ``H_g`` to ``T_g,m`` loses ``H_g (Ti - Te_mean) - H_pe (Te_(m-beta) - Te_mean)``,
    the steady and external periodic parts of ISO 13370's monthly heat flow
    (the internal periodic part then acts through ``H_g`` instead of
    ``H_pi``; over a year it cancels either way, so the annual loss equals ISO
    13370's). These are EnergyPlus's Site:GroundTemperature:FCfactorMethod values.
    """
    beta = ground_data()["periodic"]["external_lag_months"]
    te = np.asarray(external_c, dtype=float)
    te_mean = _annual_mean(te)
    return [float(v) for v in te_mean + slab.h_pe_w_k / slab.h_g_w_k * (np.roll(te, beta) - te_mean)]


def _annual_mean(monthly) -> float:
    return float(np.sum(np.asarray(monthly, dtype=float) * MONTH_DAYS) / MONTH_DAYS.sum())


def floor_layers_r_m2k_w(construction) -> float:
    """Thermal resistance of a ground floor's layers above the ground (``soil`` layers left out) [m2 K/W]."""
    return sum(ly.r_value_m2k_w for ly in construction.layers if ly.material != SOIL_MATERIAL)


def soil_conductivity_of(construction) -> float:
    """The ground's conductivity [W/(m K)]: a ``soil`` layer's, else ``ground.toml``'s."""
    for ly in construction.layers:
        if ly.material == SOIL_MATERIAL:
            return ly.conductivity_w_mk
    return ground_data()["soil"]["conductivity_w_mk"]
