"""Delivered (final) energy of a building by carrier: the systems step's result.

:class:`Delivered` is the contract between the systems step
(:mod:`simulator.systems`: ideal loads -> energy bought by carrier, heat pump
COP, PV) and economics and carbon (:mod:`simulator.economics`,
:mod:`simulator.carbon`). Both engines' loads pass through the same systems
step, so everything downstream is shared.

Units: kWh for electricity and heat, m3 (standard, LHV basis) for gas.
Hourly series hold 8760 values [kWh per hour].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.units import HOURS_PER_YEAR as HOURS

ELECTRIC_END_USES = ("heating", "cooling", "lighting", "equipment")


@dataclass(frozen=True, eq=False)
class Delivered:
    """One year of delivered energy of one building.

    Attributes
    ----------
    floor_area_m2
        Conditioned floor area [m2].
    building_type
        "residential", "office", ... (selects tariffs).
    hourly_electricity_kwh
        Grid-side electricity demand by end use before PV [kWh], 8760 values each;
        keys are ELECTRIC_END_USES ("heating" covers heat pumps, backup heaters and
        electric storage charging; "cooling" split ACs or chillers).
    hourly_pv_kwh
        PV AC output [kWh], 8760 values (zeros without PV).
    district_heat_kwh
        Heat bought from the district network at the building's substation [kWh].
    gas_m3
        Natural gas burnt in the building's boiler [m3].
    useful_heat_kwh, useful_cooling_kwh
        Heating and cooling the systems delivered (the ideal loads) [kWh].
    ambient_heat_kwh
        Heat a heat pump drew from the outdoor air (useful heat minus its
        electricity, backup excluded) [kWh]; renewable under GB 55015-2021.
    hp_scop
        Seasonal COP of the heat pump (heat out / electricity in, backup and
        defrost included), None without a heat pump.
    notes
        Free-form details of the systems step (efficiencies used, backup share...).
    """

    floor_area_m2: float
    building_type: str
    hourly_electricity_kwh: dict[str, np.ndarray]
    hourly_pv_kwh: np.ndarray
    district_heat_kwh: float = 0.0
    gas_m3: float = 0.0
    useful_heat_kwh: float = 0.0
    useful_cooling_kwh: float = 0.0
    ambient_heat_kwh: float = 0.0
    hp_scop: float | None = None
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        for use in ELECTRIC_END_USES:
            arr = np.asarray(self.hourly_electricity_kwh.get(use, np.zeros(HOURS)), dtype=float)
            if arr.shape != (HOURS,):
                raise ValueError(f"hourly_electricity_kwh[{use!r}] must hold {HOURS} values")
            self.hourly_electricity_kwh[use] = arr
        pv = np.asarray(self.hourly_pv_kwh, dtype=float)
        if pv.shape != (HOURS,):
            raise ValueError(f"hourly_pv_kwh must hold {HOURS} values")
        object.__setattr__(self, "hourly_pv_kwh", pv)

    @property
    def hourly_demand_kwh(self) -> np.ndarray:
        """Total electricity demand before PV [kWh], hourly."""
        return sum(self.hourly_electricity_kwh[u] for u in ELECTRIC_END_USES)

    @property
    def hourly_grid_import_kwh(self) -> np.ndarray:
        """Electricity bought from the grid after PV self-consumption [kWh], hourly."""
        return np.maximum(self.hourly_demand_kwh - self.hourly_pv_kwh, 0.0)

    @property
    def hourly_export_kwh(self) -> np.ndarray:
        """PV sent to the grid [kWh], hourly."""
        return np.maximum(self.hourly_pv_kwh - self.hourly_demand_kwh, 0.0)

    @property
    def electricity_kwh(self) -> float:
        """Annual electricity demand before PV [kWh]."""
        return float(self.hourly_demand_kwh.sum())

    @property
    def grid_import_kwh(self) -> float:
        return float(self.hourly_grid_import_kwh.sum())

    @property
    def pv_kwh(self) -> float:
        return float(self.hourly_pv_kwh.sum())

    @property
    def pv_self_consumed_kwh(self) -> float:
        return self.pv_kwh - float(self.hourly_export_kwh.sum())

    @property
    def pv_export_kwh(self) -> float:
        return float(self.hourly_export_kwh.sum())

    def electricity_by_use_kwh(self) -> dict[str, float]:
        """Annual electricity demand by end use [kWh]."""
        return {u: float(self.hourly_electricity_kwh[u].sum()) for u in ELECTRIC_END_USES}
