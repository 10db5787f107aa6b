"""Linear thermal bridges of the external walls: psi-values, junction lengths, mean U.

The wall's mean U including its linear thermal bridges (GB 50176-2016 App. C.2,
ISO 14683:2017 cl. 4, the "平均传热系数" JGJ 26-2018 checks) is

    U_mean = U_1D + sum_j(psi_j * L_j) / A_wall

with the psi-values of the building's construction era (or of its era after an
external-insulation retrofit) from ``buildings/data/thermal_bridges.toml``,
the junction lengths L_j from the block's geometry (:func:`junction_lengths_m`,
formulas in the data file's header) and A_wall the opaque wall area (outer
dimensions, windows taken off).

The engine simulates U_mean (:func:`conductivity_factor`): every wall layer's
conductivity is multiplied by one factor so that the layers' resistance
becomes 1/U_mean - Rsi - Rse, while thickness, density and specific heat -
hence the wall's heat capacity and where it sits - stay as they are.

>>> import archetypes
>>> b = archetypes.load("old_estate_pre1990")
>>> round(wall_mean_u_w_m2k(b), 2) > round(b.constructions.wall.u_value_w_m2k, 2)
True
"""

from __future__ import annotations

from typing import Any, Protocol

from simulator.exceptions import UnknownNameError
from simulator.sourced_data import read_toml, value_of

#: Construction era of a building without linear thermal bridges (walls at their 1-D U).
NO_THERMAL_BRIDGES = "none"
_FACADES = ("south", "north", "east", "west")  # buildings.model.FACADES (this module sits below the model)


class Geometry(Protocol):
    """What the junction lengths read of :class:`buildings.model.Geometry` (this module cannot import it)."""

    length_m: float
    depth_m: float
    storeys: int

    @property
    def height_m(self) -> float: ...

    def facade_area_m2(self, facade: str) -> float: ...

    def window_area_m2(self, facade: str) -> float: ...


class Construction(Protocol):
    """What the conductivity factor reads of :class:`buildings.model.Construction`."""

    @property
    def u_value_w_m2k(self) -> float: ...

    @property
    def r_layers_m2k_w(self) -> float: ...


class Building(Protocol):
    """What the mean U reads of :class:`buildings.model.Building`.

    ``geometry`` (a :class:`Geometry`) and ``constructions`` (with ``wall``,
    ``roof``, ``ground_floor``, ``window`` and ``thermal_bridges``).
    """

    geometry: Any
    constructions: Any

#: Junction types, in the data file's order.
JUNCTIONS = ("floor_slab_edge", "balcony", "window_reveal", "roof_edge", "wall_ground", "internal_wall_column")
#: Geometry parameters each era gives.
GEOMETRY_PARAMETERS = ("window_width_m", "window_height_m", "balcony_share_south", "junction_spacing_m")


def _data() -> dict[str, Any]:
    """``buildings/data/thermal_bridges.toml``, parsed once (never mutate)."""
    return read_toml("buildings", "data/thermal_bridges.toml")


def _value(x: Any) -> float:
    return float(value_of(x))


def eras() -> list[str]:
    """Construction eras with psi-values (the data file's ``eras`` tables)."""
    return list(_data()["eras"])


def era_data(era: str) -> dict[str, Any]:
    """The data of one era (titles, geometry, both psi sets, with sources; never mutate).

    Raises
    ------
    UnknownNameError
        For an unknown era; the message lists the valid ones.
    """
    try:
        return _data()["eras"][era]
    except KeyError:
        raise UnknownNameError("construction era", era, eras()) from None


def psi_w_mk(era: str, external_insulation: bool = False) -> dict[str, float]:
    """Psi-value of every junction type [W/(m K)] of an era, before or after external insulation.

    ``"none"`` gives zeros (no bridges).
    """
    if era == NO_THERMAL_BRIDGES:
        return dict.fromkeys(JUNCTIONS, 0.0)
    d = era_data(era)
    table = d["psi_after_external_insulation_w_mk" if external_insulation else "psi_w_mk"]
    return {j: _value(table[j]) for j in JUNCTIONS}


def geometry_parameters(era: str) -> dict[str, float]:
    """Window size [m], balcony share of the south facade [-] and junction spacing [m] of an era."""
    g = era_data(era)["geometry"]
    return {k: _value(g[k]) for k in GEOMETRY_PARAMETERS}


def window_area_m2(g: Geometry) -> float:
    """Window area of all facades [m2]."""
    return sum(g.window_area_m2(f) for f in _FACADES)


def opaque_wall_area_m2(g: Geometry) -> float:
    """Opaque external wall area [m2]: facades (outer dimensions) less the windows."""
    return sum(g.facade_area_m2(f) for f in _FACADES) - window_area_m2(g)


def junction_lengths_m(g: Geometry, window_width_m: float, window_height_m: float,
                       balcony_share_south: float, junction_spacing_m: float) -> dict[str, float]:
    """Length of each junction type [m] of a rectangular block (outer dimensions).

    Parameters
    ----------
    g
        The block: length L, depth D, n storeys of height h [m].
    window_width_m, window_height_m
        Size of a typical window [m]; the window area divided by it is the
        (equivalent, unrounded) window count.
    balcony_share_south
        Share of the south facade's length with balcony slabs, on every storey
        above the ground storey [-].
    junction_spacing_m
        Spacing of the cross walls or columns meeting the facades [m].

    Returns
    -------
    dict
        ``floor_slab_edge`` = P (n - 1) - balcony, ``balcony`` = share L (n - 1),
        ``window_reveal`` = N_win 2 (w + h_win), ``roof_edge`` = ``wall_ground`` = P,
        ``internal_wall_column`` = (P / spacing) H, with P = 2 (L + D) and H = n h.
    """
    perimeter = 2.0 * (g.length_m + g.depth_m)
    floors_above_ground = g.storeys - 1
    balcony = balcony_share_south * g.length_m * floors_above_ground
    windows = window_area_m2(g) / (window_width_m * window_height_m)
    return {
        "floor_slab_edge": perimeter * floors_above_ground - balcony,
        "balcony": balcony,
        "window_reveal": windows * 2.0 * (window_width_m + window_height_m),
        "roof_edge": perimeter,
        "wall_ground": perimeter,
        "internal_wall_column": perimeter / junction_spacing_m * g.height_m,
    }


def building_junction_lengths_m(b: Building) -> dict[str, float]:
    """:func:`junction_lengths_m` of a building with its era's geometry parameters (zeros for ``"none"``)."""
    era = b.constructions.thermal_bridges.construction_era
    if era == NO_THERMAL_BRIDGES:
        return dict.fromkeys(JUNCTIONS, 0.0)
    return junction_lengths_m(b.geometry, **geometry_parameters(era))


def bridge_conductance_w_k(psi: dict[str, float], lengths_m: dict[str, float]) -> float:
    """Heat transfer coefficient of the linear bridges [W/K]: sum of psi_j L_j."""
    return sum(psi[j] * lengths_m[j] for j in JUNCTIONS)


def building_psi_w_mk(b: Building) -> dict[str, float]:
    """The psi-values [W/(m K)] that apply to a building (its era, before or after external insulation)."""
    tb = b.constructions.thermal_bridges
    return psi_w_mk(tb.construction_era, tb.external_insulation)


def wall_bridge_u_w_m2k(b: Building) -> float:
    """Addition of the linear bridges to the wall's U [W/(m2 K)]: sum(psi L) / A_wall (0 without bridges)."""
    area = opaque_wall_area_m2(b.geometry)
    if area <= 0.0:
        return 0.0
    return bridge_conductance_w_k(building_psi_w_mk(b), building_junction_lengths_m(b)) / area


def wall_mean_u_w_m2k(b: Building) -> float:
    """Mean U of the external walls including the linear thermal bridges [W/(m2 K)]."""
    return b.constructions.wall.u_value_w_m2k + wall_bridge_u_w_m2k(b)


def conductivity_factor(wall: Construction, u_mean_w_m2k: float) -> float:
    """Factor on every layer's conductivity that makes the wall's U equal ``u_mean_w_m2k`` [-].

    The layers' resistance R is scaled to R' = 1/U_mean - Rsi - Rse, so the
    factor is R / R'; thickness, density and specific heat (the heat
    capacity) are unchanged. It is 1 when U_mean is the 1-D U. Rsi + Rse are
    the films the wall's 1-D U was computed with: 1/U_1D - R.

    Raises
    ------
    ValueError
        If U_mean is at or above 1 / (Rsi + Rse): no layer resistance could give it.
    """
    films = 1.0 / wall.u_value_w_m2k - wall.r_layers_m2k_w
    target = 1.0 / u_mean_w_m2k - films
    if target <= 0.0:
        raise ValueError(f"a wall U of {u_mean_w_m2k:g} W/(m2 K) is beyond the surface resistances "
                         f"({1.0 / films:g} W/(m2 K) at most)")
    return wall.r_layers_m2k_w / target


def envelope_u_summary(b: Building) -> dict[str, Any]:
    """The envelope's U-values for reports [W/(m2 K)], the wall's 1-D and mean U side by side.

    Keys carry units: ``wall_u_w_m2k`` (1-D, layers), ``wall_bridge_u_w_m2k``
    (sum(psi L) / A_wall), ``wall_mean_u_w_m2k`` (their sum, what the engine
    simulates and JGJ 26-2018 checks), ``roof_u_w_m2k``, ``ground_floor_u_w_m2k``,
    ``window_u_w_m2k``, and the bridges' era and ETICS state.
    """
    c = b.constructions
    return {
        "wall_u_w_m2k": round(c.wall.u_value_w_m2k, 4),
        "wall_bridge_u_w_m2k": round(wall_bridge_u_w_m2k(b), 4),
        "wall_mean_u_w_m2k": round(wall_mean_u_w_m2k(b), 4),
        "roof_u_w_m2k": round(c.roof.u_value_w_m2k, 4),
        "ground_floor_u_w_m2k": round(c.ground_floor.u_value_w_m2k, 4),
        "window_u_w_m2k": round(c.window.u_value_w_m2k, 4),
        "thermal_bridge_era": c.thermal_bridges.construction_era,
        "external_insulation": c.thermal_bridges.external_insulation,
    }
