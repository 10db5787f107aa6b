"""The material library: thermal properties with their sources.

``materials.get(name)`` returns a locked :class:`Material`; an unknown name
raises :class:`~simulator.exceptions.UnknownNameError` listing the valid ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from simulator.exceptions import UnknownNameError
from simulator.sourced_data import read_toml


@dataclass(frozen=True)
class Material:
    """Properties of a homogeneous opaque material."""

    name: str
    description: str
    conductivity_w_mk: float
    density_kg_m3: float
    specific_heat_j_kgk: float
    source: str
    # Surface properties of the material as an exposed face (a finish); None: not given.
    solar_absorptance: float | None = None
    thermal_emittance: float | None = None
    surface_source: str = ""
    # True: every layer of this material carries its surface properties (issue 11: the bitumen felt).
    surface_applied: bool = False

    def properties(self) -> dict[str, float]:
        """The thermal properties as layer fields.

        Surface properties are included only for materials whose
        ``surface_applied`` is true (the bitumen felt of flat roofs, issue 11);
        the other layers keep EnergyPlus's defaults (solar 0.7, thermal 0.9)
        until the surrogate is retrained on sourced values (see
        ``surface_source``); a measure that puts a finish outside uses
        :meth:`surface`.
        """
        props = {
            "conductivity_w_mk": self.conductivity_w_mk,
            "density_kg_m3": self.density_kg_m3,
            "specific_heat_j_kgk": self.specific_heat_j_kgk,
        }
        if self.surface_applied:
            props.update(self.surface())
        return props

    def surface(self) -> dict[str, float]:
        """The surface properties as layer fields (only those the data gives)."""
        out = {}
        if self.solar_absorptance is not None:
            out["solar_absorptance"] = self.solar_absorptance
        if self.thermal_emittance is not None:
            out["thermal_emittance"] = self.thermal_emittance
        return out


@cache
def _library() -> dict[str, Material]:
    return {name: Material(name=name, **spec) for name, spec in read_toml("buildings", "data/materials.toml").items()}


def names() -> list[str]:
    """Names of the library's materials."""
    return sorted(_library())


def get(name: str) -> Material:
    """The material called ``name``."""
    try:
        return _library()[name]
    except KeyError:
        raise UnknownNameError("material", name, names()) from None
