"""Synthetic meter data with known ("hidden") parameters, for testing the calibration.

EnergyPlus simulates the archetype with the hidden parameter values
(:func:`simulator.calibration.calibrate.apply_parameters`); its monthly heat
(divided by a hidden network efficiency for a substation meter) and
electricity (lighting + plugs + cooling / seasonal COP, plus the heating
electricity of a heat pump or electric storage from the system model with a
hidden COP factor or storage efficiency) get multiplicative
Gaussian noise and are written as a meter CSV. A calibration that works
finds the hidden values inside its credible intervals.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from buildings.model import Building
from simulator.calibration.bayes import cooling_cop
from simulator.calibration.calibrate import energyplus_meters


def synthetic_meter_csv(building: Building, hidden: dict[str, float], weather, noise: float = 0.05,
                        seed: int = 0, heat_unit: str | None = "gj", floor_area_m2: float | None = None,
                        months: list[int] | None = None) -> tuple[bytes, dict]:
    """A meter CSV from EnergyPlus with hidden parameters and relative noise.

    Parameters
    ----------
    building
        The archetype.
    hidden
        Parameter name -> true value.
    weather
        EPW path or Weather for the EnergyPlus run.
    noise
        Relative sd of the multiplicative Gaussian noise [-] (0.05 = 5 %).
    seed
        Noise seed.
    heat_unit
        ``"gj"`` or ``"kwh"`` (column ``heat_gj`` / ``heat_kwh``); ``None``: no heat column (an
        electrically heated building metered by its electricity meter only).
    floor_area_m2
        Metered floor area [m2] (default: the building's).
    months
        Calendar months to write (default: all 12).

    Returns
    -------
    bytes, dict
        The CSV file and the noise-free monthly values [kWh] (``heat_kwh``, ``electricity_kwh``).
    """
    area = floor_area_m2 or building.floor_area_m2
    names = list(hidden)
    heat, elec = energyplus_meters(building, names, [hidden[n] for n in names], weather, area, cooling_cop(building))
    rng = np.random.default_rng(seed)
    heat_n = heat * (1.0 + noise * rng.standard_normal(12))
    elec_n = elec * (1.0 + noise * rng.standard_normal(12))
    months = months or list(range(1, 13))
    idx = [m - 1 for m in months]
    divisor = 1e9 / 3.6e6 if heat_unit == "gj" else 1.0
    df = pd.DataFrame({"month": months, f"heat_{heat_unit}": np.round(np.maximum(heat_n[idx], 0.0) / divisor, 3),
                       "electricity_kwh": np.round(np.maximum(elec_n[idx], 0.0), 1)})
    if heat_unit is None:
        df = df.drop(columns=f"heat_{heat_unit}")
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8"), {"heat_kwh": heat, "electricity_kwh": elec}
