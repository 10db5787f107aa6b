"""Geometry: modelled storeys, vertices, windows and overhangs, the slab on ground, and the zones with their surfaces.

Coordinates in metres, building-relative (``GlobalGeometryRules`` Relative,
upper-left corner first, counter-clockwise seen from outside); x runs along
the length (south facade at y = 0), z up.
"""

from __future__ import annotations

from dataclasses import dataclass

from buildings.model import Building
from buildings.ventilation import room_air_volume_m3
from simulator.idf.assumptions import ASSUMPTIONS, WINDOW_SILL_MARGIN_M
from simulator.idf.text import add_object as _add


@dataclass(frozen=True)
class Storey:
    """A storey that is modelled: its index, height of its floor and multiplier."""

    index: int  # 0 = ground storey
    z_m: float
    multiplier: int
    is_ground: bool
    is_top: bool


def modelled_storeys(storeys: int, storey_height_m: float, use_multipliers: bool) -> list[Storey]:
    """The storeys written to the IDF; repeated middle storeys collapse to one with a multiplier.

    The representative middle storey sits at mid-height so its wind exposure is typical.
    """
    if not use_multipliers or storeys <= 3:
        return [
            Storey(i, i * storey_height_m, 1, i == 0, i == storeys - 1) for i in range(storeys)
        ]
    mid = storeys // 2
    return [
        Storey(0, 0.0, 1, True, False),
        Storey(mid, mid * storey_height_m, storeys - 2, False, False),
        Storey(storeys - 1, (storeys - 1) * storey_height_m, 1, False, True),
    ]


def wall_vertices(origin_xy, direction_xy, u0: float, u1: float, z0: float, z1: float):
    """Vertices of a vertical rectangle, counter-clockwise seen from outside, upper-left first.

    ``direction_xy`` is the unit vector running left to right as seen from outside.
    """
    ox, oy = origin_xy
    ex, ey = direction_xy
    a = (ox + u0 * ex, oy + u0 * ey)
    b = (ox + u1 * ex, oy + u1 * ey)
    return [(a[0], a[1], z1), (a[0], a[1], z0), (b[0], b[1], z0), (b[0], b[1], z1)]


def horizontal_vertices(x0: float, y0: float, x1: float, y1: float, z: float, facing_up: bool):
    """Vertices of a horizontal rectangle, counter-clockwise seen from outside."""
    if facing_up:
        return [(x0, y1, z), (x0, y0, z), (x1, y0, z), (x1, y1, z)]
    return [(x1, y1, z), (x1, y0, z), (x0, y0, z), (x0, y1, z)]


def window_box(width_m: float, height_m: float, ratio: float) -> tuple[float, float, float, float] | None:
    """An aggregated window (u0, u1, z0, z1) covering ``ratio`` of a wall, or None if negligible.

    The window is centred along the wall; its height is ``geometry.window_height_m``
    (1.5 m) where it fits, growing when the ratio needs it; the sill is at most
    ``geometry.max_sill_height_m`` (0.9 m) (simulator/data/model_assumptions.toml).
    """
    area = ratio * width_m * height_m
    if area < 0.01:
        return None
    m = WINDOW_SILL_MARGIN_M
    geo = ASSUMPTIONS["geometry"]
    h = min(geo["window_height_m"], height_m - 2 * m)
    w = area / h
    if w > width_m - 2 * m:
        w = width_m - 2 * m
        h = area / w
    sill = max(m, min(geo["max_sill_height_m"], height_m - m - h))
    u0 = (width_m - w) / 2
    return (u0, u0 + w, sill, sill + h)


def _add_surface(idf, name, stype, construction, zone, bc, bc_object, vertices, sun=True):
    fields = {
        "Name": name,
        "Surface_Type": stype,
        "Construction_Name": construction,
        "Zone_Name": zone,
        "Outside_Boundary_Condition": bc,
        "Outside_Boundary_Condition_Object": bc_object,
        "Sun_Exposure": "SunExposed" if sun else "NoSun",
        "Wind_Exposure": "WindExposed" if sun else "NoWind",
        "Number_of_Vertices": len(vertices),
    }
    for i, (x, y, z) in enumerate(vertices, start=1):
        fields[f"Vertex_{i}_Xcoordinate"] = round(x, 4)
        fields[f"Vertex_{i}_Ycoordinate"] = round(y, 4)
        fields[f"Vertex_{i}_Zcoordinate"] = round(z, 4)
    _add(idf, "BuildingSurface:Detailed", **fields)


def _add_window(idf, name, wall_name, vertices):
    fields = {
        "Name": name,
        "Surface_Type": "Window",
        "Construction_Name": "Window",
        "Building_Surface_Name": wall_name,
        "Number_of_Vertices": 4,
    }
    for i, (x, y, z) in enumerate(vertices, start=1):
        fields[f"Vertex_{i}_Xcoordinate"] = round(x, 4)
        fields[f"Vertex_{i}_Ycoordinate"] = round(y, 4)
        fields[f"Vertex_{i}_Zcoordinate"] = round(z, 4)
    _add(idf, "FenestrationSurface:Detailed", **fields)


def overhang_vertices(origin_xy, direction_xy, width_m: float, z_m: float, depth_m: float):
    """A horizontal overhang along a wall's top edge, ``depth_m`` outwards, counter-clockwise from above.

    The outward normal of a wall whose left-to-right direction seen from
    outside is (ex, ey) is (ey, -ex).
    """
    ox, oy = origin_xy
    ex, ey = direction_xy
    nx, ny = ey, -ex
    a, b = (ox, oy), (ox + width_m * ex, oy + width_m * ey)
    a_out, b_out = (a[0] + depth_m * nx, a[1] + depth_m * ny), (b[0] + depth_m * nx, b[1] + depth_m * ny)
    return [(*a, z_m), (*a_out, z_m), (*b_out, z_m), (*b, z_m)]


def _add_overhang(idf, name, wall_name, origin, direction, width, z, depth) -> None:
    fields = {"Name": name, "Base_Surface_Name": wall_name, "Number_of_Vertices": 4}
    for i, (x, y, zv) in enumerate(overhang_vertices(origin, direction, width, z, depth), start=1):
        fields[f"Vertex_{i}_Xcoordinate"] = round(x, 4)
        fields[f"Vertex_{i}_Ycoordinate"] = round(y, 4)
        fields[f"Vertex_{i}_Zcoordinate"] = round(zv, 4)
    _add(idf, "Shading:Zone:Detailed", **fields)


def zone_layout(b: Building) -> list[tuple[str, float, float]]:
    """(suffix, y0, y1) of the zones of one storey."""
    d = b.geometry.depth_m
    if b.geometry.zoning == "storey":
        return [("", 0.0, d)]
    return [("S", 0.0, d / 2), ("N", d / 2, d)]


def slab_of(b: Building):
    """The ISO 13370 coefficients of the building's slab on ground (:func:`buildings.ground.slab_on_ground`).

    The whole footprint with its whole perimeter exposed; the wall thickness
    is the exterior wall's; the floor's own layers (no ``soil`` layer) give R_f.
    """
    from buildings import ground as gnd

    g, c = b.geometry, b.constructions
    return gnd.slab_on_ground(g.length_m * g.depth_m, 2.0 * (g.length_m + g.depth_m), c.wall.thickness_m,
                              gnd.floor_layers_r_m2k_w(c.ground_floor), gnd.soil_conductivity_of(c.ground_floor))


def exposed_perimeter_m(b: Building, y0: float, y1: float) -> float:
    """Exposed perimeter [m] of the ground-floor part between y0 and y1 (edges on the building's outline)."""
    g = b.geometry
    return 2.0 * (y1 - y0) + g.length_m * ((y0 == 0.0) + (y1 == g.depth_m))


def _add_slab_floor(idf, b: Building, zone: str, y0: float, y1: float) -> str:
    """A Construction:FfactorGroundFloor for one zone's slab; returns its name.

    ``F = U A_zone / P_zone`` with the whole slab's ISO 13370 U, so the zones'
    conductances add up to the slab's ``H_g``.
    """
    area = b.geometry.length_m * (y1 - y0)
    perimeter = exposed_perimeter_m(b, y0, y1)
    name = f"{zone} Slab"
    _add(idf, "Construction:FfactorGroundFloor", Name=name, FFactor=slab_of(b).u_w_m2k * area / perimeter,
         Area=area, PerimeterExposed=perimeter)
    return name


def write_zones_and_surfaces(idf, b: Building) -> list[str]:
    """Zones, their floors, ceilings/roofs, walls, windows, overhangs and partitions; the zone names."""
    g = b.geometry
    storeys = modelled_storeys(g.storeys, g.storey_height_m, g.use_multipliers)
    layout = zone_layout(b)
    linked = not (g.use_multipliers and g.storeys > 3)
    zones = []
    for st in storeys:
        for suffix, y0, y1 in layout:
            zone = f"F{st.index + 1:02d}{suffix}"
            _add(idf, "Zone", Name=zone, Multiplier=st.multiplier,
                 Volume=round(room_air_volume_m3(g.length_m * (y1 - y0), b), 4))
            _write_floor_and_ceiling(idf, b, st, zone, suffix, y0, y1, linked)
            _write_walls(idf, b, st, zone, y0, y1)
            if len(layout) == 2:
                _write_partition(idf, b, st, zone, suffix)
            zones.append(zone)
    return zones


def _write_floor_and_ceiling(idf, b: Building, st: Storey, zone: str, suffix: str, y0: float, y1: float,
                             linked: bool) -> None:
    g = b.geometry
    z0, z1 = st.z_m, st.z_m + g.storey_height_m
    fv = horizontal_vertices(0, y0, g.length_m, y1, z0, facing_up=False)
    if st.is_ground and g.ground_floor_exposure == "outdoor_air":
        # raised floor: outdoor air below, no sun, sheltered from wind
        _add_surface(idf, f"{zone} Floor", "Floor", "Ground Floor", zone, "Outdoors", "", fv, sun=False)
    elif st.is_ground:
        slab = _add_slab_floor(idf, b, zone, y0, y1)
        _add_surface(idf, f"{zone} Floor", "Floor", slab, zone, "GroundFCfactorMethod", "", fv, sun=False)
    elif linked:
        below = f"F{st.index:02d}{suffix} Ceiling"
        _add_surface(idf, f"{zone} Floor", "Floor", "Floor", zone, "Surface", below, fv, sun=False)
    else:
        _add_surface(idf, f"{zone} Floor", "Floor", "Floor", zone, "Adiabatic", "", fv, sun=False)
    cv = horizontal_vertices(0, y0, g.length_m, y1, z1, facing_up=True)
    if st.is_top:
        _add_surface(idf, f"{zone} Roof", "Roof", "Roof", zone, "Outdoors", "", cv)
    elif linked:
        above = f"F{st.index + 2:02d}{suffix} Floor"
        _add_surface(idf, f"{zone} Ceiling", "Ceiling", "Ceiling", zone, "Surface", above, cv, sun=False)
    else:
        _add_surface(idf, f"{zone} Ceiling", "Ceiling", "Ceiling", zone, "Adiabatic", "", cv, sun=False)


def _write_walls(idf, b: Building, st: Storey, zone: str, y0: float, y1: float) -> None:
    """Exterior walls of a zone with their windows and overhangs."""
    g = b.geometry
    h, length, depth = g.storey_height_m, g.length_m, g.depth_m
    z0, z1 = st.z_m, st.z_m + h
    # (facade, origin, direction, width)
    walls = [
        ("east", (length, y0), (0.0, 1.0), y1 - y0),
        ("west", (0.0, y1), (0.0, -1.0), y1 - y0),
    ]
    if y0 == 0.0:
        walls.append(("south", (0.0, 0.0), (1.0, 0.0), length))
    if y1 == depth:
        walls.append(("north", (length, depth), (-1.0, 0.0), length))
    for facade, origin, direction, width in walls:
        wname = f"{zone} Wall {facade}"
        _add_surface(idf, wname, "Wall", "Wall", zone, "Outdoors", "",
                     wall_vertices(origin, direction, 0.0, width, z0, z1))
        overhang_m = g.overhangs.depth_m(facade)
        if overhang_m > 0:
            _add_overhang(idf, f"{zone} Overhang {facade}", wname, origin, direction, width, z1, overhang_m)
        box = window_box(width, h, g.window_to_wall.ratio(facade))
        if box is not None:
            u0, u1, wz0, wz1 = box
            _add_window(idf, f"{zone} Window {facade}", wname,
                        wall_vertices(origin, direction, u0, u1, z0 + wz0, z0 + wz1))


def _write_partition(idf, b: Building, st: Storey, zone: str, suffix: str) -> None:
    """The partition between a storey's south and north halves (an interzone surface pair)."""
    g = b.geometry
    z0, z1 = st.z_m, st.z_m + g.storey_height_m
    ym = g.depth_m / 2
    other = "N" if suffix == "S" else "S"
    if suffix == "S":
        pv = wall_vertices((g.length_m, ym), (-1.0, 0.0), 0.0, g.length_m, z0, z1)
    else:
        pv = wall_vertices((0.0, ym), (1.0, 0.0), 0.0, g.length_m, z0, z1)
    _add_surface(idf, f"{zone} Partition", "Wall", "Partition", zone, "Surface",
                 f"F{st.index + 1:02d}{other} Partition", pv, sun=False)
