"""The building model (plain typed data) and, later, the retrofit measures."""

from buildings.model import (
    Building,
    Construction,
    Constructions,
    DayProfile,
    Geometry,
    Glazing,
    Layer,
    Operation,
    Period,
    Site,
    Systems,
    ThermalBridges,
    WindowToWall,
    building_from_dict,
)

__all__ = [
    "Building",
    "Construction",
    "Constructions",
    "DayProfile",
    "Geometry",
    "Glazing",
    "Layer",
    "Operation",
    "Period",
    "Site",
    "Systems",
    "ThermalBridges",
    "WindowToWall",
    "building_from_dict",
]
