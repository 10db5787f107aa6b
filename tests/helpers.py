"""Small builders shared by the tests."""

from __future__ import annotations

import numpy as np

from simulator.delivered import HOURS, Delivered


def hourly(x) -> np.ndarray:
    """8760 hourly values: a scalar is held constant."""
    return np.full(HOURS, float(x)) if np.isscalar(x) else np.asarray(x, dtype=float)


def make_delivered(building_type: str = "residential", floor_area_m2: float = 1000.0, heating=0.0, cooling=0.0,
                   lighting=0.0, equipment=0.0, pv=0.0, **kw) -> Delivered:
    """A Delivered year from hand-made hourly values [kWh per hour] (scalars are constant)."""
    return Delivered(
        floor_area_m2=floor_area_m2,
        building_type=building_type,
        hourly_electricity_kwh={"heating": hourly(heating), "cooling": hourly(cooling),
                                "lighting": hourly(lighting), "equipment": hourly(equipment)},
        hourly_pv_kwh=hourly(pv),
        **kw,
    )
