"""The result both engines return: building loads, annual, monthly and hourly.

Heating and cooling are *ideal loads* [kWh of heat or cold delivered to the
zones], not fuel or electricity: the systems step converts them to delivered
energy by carrier. Lighting and plug loads are electricity [kWh].
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from simulator.units import HOURS_PER_YEAR, MONTH_HOURS, MONTH_OF_HOUR  # noqa: F401 (public names)

#: Hourly series a Loads carries, each 8760 values [kWh per hour = mean kW].
SERIES = ("heating", "cooling", "lighting", "equipment", "window_solar")


#: Scalars compared by :meth:`Loads.equals` (besides the hourly series).
_SCALARS = ("floor_area_m2", "peak_heating_w", "peak_cooling_w", "engine", "weather_id", "cooling_sensible_kwh",
            "cooling_latent_kwh", "peak_cooling_sensible_w", "design_heating_w", "design_cooling_w")


def _round_or_none(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def monthly_sums(hourly: np.ndarray) -> np.ndarray:
    """Sum an 8760-hour series into 12 months (non-leap year)."""
    return np.bincount(MONTH_OF_HOUR, weights=hourly, minlength=12)


@dataclass(frozen=True, eq=False)
class Loads:
    """Annual, monthly and hourly loads of one building on one weather year.

    Attributes
    ----------
    floor_area_m2
        Conditioned floor area [m2].
    hourly_heating_kwh, hourly_cooling_kwh, hourly_lighting_kwh, hourly_equipment_kwh
        8760 hourly values [kWh] (equal to the hour's mean power in kW).
    hourly_window_solar_kwh
        Solar radiation transmitted through the windows [kWh] (a gain, for diagnosis).
    peak_heating_w, peak_cooling_w
        Largest hourly-mean heating and cooling load [W].
    cooling_sensible_kwh, cooling_latent_kwh
        Annual sensible and latent parts of the cooling [kWh] (EnergyPlus
        ideal-loads supply-air split; their sum is ``cooling_kwh``). None where
        the engine does not split cooling (the surrogate, runs cached before
        the split existed).
    peak_cooling_sensible_w
        Largest hourly-mean sensible cooling load [W], or None.
    design_heating_w, design_cooling_w
        Design loads [W] from EnergyPlus zone sizing on the 99.6 % heating
        and 0.4 % cooling design days of the weather (see
        :mod:`simulator.design_days`), or None.
    """

    floor_area_m2: float
    hourly_heating_kwh: np.ndarray
    hourly_cooling_kwh: np.ndarray
    hourly_lighting_kwh: np.ndarray
    hourly_equipment_kwh: np.ndarray
    hourly_window_solar_kwh: np.ndarray
    peak_heating_w: float
    peak_cooling_w: float
    engine: str = ""
    weather_id: str = ""
    building_name: str = ""
    meta: dict = field(default_factory=dict)
    cooling_sensible_kwh: float | None = None
    cooling_latent_kwh: float | None = None
    peak_cooling_sensible_w: float | None = None
    design_heating_w: float | None = None
    design_cooling_w: float | None = None

    def __post_init__(self):
        for name in SERIES:
            arr = np.asarray(getattr(self, f"hourly_{name}_kwh"), dtype=float)
            if arr.shape != (HOURS_PER_YEAR,):
                raise ValueError(f"hourly_{name}_kwh must hold {HOURS_PER_YEAR} values, got {arr.shape}")
            arr.setflags(write=False)
            object.__setattr__(self, f"hourly_{name}_kwh", arr)

    # annual totals [kWh]
    @property
    def heating_kwh(self) -> float:
        return float(self.hourly_heating_kwh.sum())

    @property
    def cooling_kwh(self) -> float:
        return float(self.hourly_cooling_kwh.sum())

    @property
    def lighting_kwh(self) -> float:
        return float(self.hourly_lighting_kwh.sum())

    @property
    def equipment_kwh(self) -> float:
        return float(self.hourly_equipment_kwh.sum())

    @property
    def window_solar_kwh(self) -> float:
        return float(self.hourly_window_solar_kwh.sum())

    # intensities [kWh/m2]
    @property
    def heating_kwh_m2(self) -> float:
        return self.heating_kwh / self.floor_area_m2

    @property
    def cooling_kwh_m2(self) -> float:
        return self.cooling_kwh / self.floor_area_m2

    @property
    def lighting_kwh_m2(self) -> float:
        return self.lighting_kwh / self.floor_area_m2

    @property
    def equipment_kwh_m2(self) -> float:
        return self.equipment_kwh / self.floor_area_m2

    @property
    def window_solar_kwh_m2(self) -> float:
        return self.window_solar_kwh / self.floor_area_m2

    # monthly [kWh]
    @property
    def monthly_heating_kwh(self) -> np.ndarray:
        return monthly_sums(self.hourly_heating_kwh)

    @property
    def monthly_cooling_kwh(self) -> np.ndarray:
        return monthly_sums(self.hourly_cooling_kwh)

    @property
    def monthly_lighting_kwh(self) -> np.ndarray:
        return monthly_sums(self.hourly_lighting_kwh)

    @property
    def monthly_equipment_kwh(self) -> np.ndarray:
        return monthly_sums(self.hourly_equipment_kwh)

    @property
    def monthly_window_solar_kwh(self) -> np.ndarray:
        return monthly_sums(self.hourly_window_solar_kwh)

    def summary(self) -> dict[str, Any]:
        """Annual and monthly figures as a JSON-able dict, keys carrying units."""
        out: dict[str, Any] = {"floor_area_m2": round(self.floor_area_m2, 3)}
        for name in SERIES:
            out[f"{name}_kwh"] = round(getattr(self, f"{name}_kwh"), 3)
            out[f"{name}_kwh_m2"] = round(getattr(self, f"{name}_kwh_m2"), 4)
        out["peak_heating_w"] = round(self.peak_heating_w, 1)
        out["peak_cooling_w"] = round(self.peak_cooling_w, 1)
        out["peak_heating_w_m2"] = round(self.peak_heating_w / self.floor_area_m2, 3)
        out["peak_cooling_w_m2"] = round(self.peak_cooling_w / self.floor_area_m2, 3)
        for name in ("cooling_sensible_kwh", "cooling_latent_kwh"):
            out[name] = _round_or_none(getattr(self, name), 3)
        for name in ("design_heating", "design_cooling"):
            w = getattr(self, f"{name}_w")
            out[f"{name}_w"] = _round_or_none(w, 1)
            out[f"{name}_w_m2"] = _round_or_none(None if w is None else w / self.floor_area_m2, 3)
        # hours some zone was below its heating setpoint: the heating capacity is limited to the design
        # load x a factor (issue 11); None where the engine does not report it (surrogate, older runs)
        unmet = self.meta.get("heating_unmet_h") if isinstance(self.meta, dict) else None
        out["heating_unmet_h"] = _round_or_none(unmet, 2)
        for name in SERIES:
            out[f"monthly_{name}_kwh"] = [round(float(v), 3) for v in getattr(self, f"monthly_{name}_kwh")]
        return out

    # serialisation for the run cache
    def to_bytes(self) -> bytes:
        """Compact lossless serialisation (JSON header + float64 series, zlib)."""
        head = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if not f.name.startswith("hourly_")
        }
        head_b = json.dumps(head, sort_keys=True).encode()
        series = np.stack([getattr(self, f"hourly_{n}_kwh") for n in SERIES]).astype("<f8").tobytes()
        return zlib.compress(len(head_b).to_bytes(4, "little") + head_b + series, 6)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Loads:
        raw = zlib.decompress(blob)
        n = int.from_bytes(raw[:4], "little")
        head = json.loads(raw[4 : 4 + n])
        arr = np.frombuffer(raw[4 + n :], dtype="<f8").reshape(len(SERIES), HOURS_PER_YEAR)
        return cls(**head, **{f"hourly_{name}_kwh": arr[i].copy() for i, name in enumerate(SERIES)})

    def equals(self, other: Loads) -> bool:
        """Exact equality of every simulated number, engine and weather (run timings aside)."""
        same_series = all(
            np.array_equal(getattr(self, f"hourly_{n}_kwh"), getattr(other, f"hourly_{n}_kwh")) for n in SERIES
        )
        return same_series and all(getattr(self, n) == getattr(other, n) for n in _SCALARS)
