"""Materials and constructions: the envelope's layers (walls with their thermal bridges), the internal floors, the partition and the window."""

from __future__ import annotations

from buildings import materials
from buildings.model import Building, Construction, Glazing
from simulator.idf.assumptions import ASSUMPTIONS
from simulator.idf.text import add_object as _add


def partition_layers() -> list[tuple]:
    """Layers (label, thickness, k, rho, cp) of the partition between a storey's halves, outside to inside.

    Brick plastered both sides; thicknesses in simulator/data/model_assumptions.toml
    ``[partition]``, materials from buildings/data/materials.toml. Symmetric, so
    both halves use the same construction.
    """
    p = ASSUMPTIONS["partition"]

    def layer(material: str, thickness_m: float) -> tuple:
        m = materials.get(material)
        return (material, thickness_m, m.conductivity_w_mk, m.density_kg_m3, m.specific_heat_j_kgk)

    plaster = layer(p["plaster_material"], p["plaster_thickness_m"])
    return [plaster, layer(p["brick_material"], p["brick_thickness_m"]), plaster]


def _add_construction(idf, name: str, layers) -> None:
    """Materials and a construction; ``layers`` run outside to inside.

    Identical layers share one Material object, so a symmetric construction is
    its own reverse (EnergyPlus compares an interzone surface's layers with
    its neighbour's, object by object).
    """
    names = []
    made = {}
    for layer in layers:
        _mat, thick, k, rho, cp = layer[:5]
        # the material's label is not physics: it stays out of the IDF
        props = (thick, k, rho, cp, *layer[5:])
        if props not in made:
            made[props] = f"{name} M{len(made) + 1}"
            _add(
                idf,
                "Material",
                Name=made[props],
                Roughness="MediumRough",
                Thickness=thick,
                Conductivity=k,
                Density=rho,
                Specific_Heat=cp,
                **_surface_fields(layer[5:]),
            )
        names.append(made[props])
    fields = {"Name": name, "Outside_Layer": names[0]}
    for i, n in enumerate(names[1:], start=2):
        fields[f"Layer_{i}"] = n
    _add(idf, "Construction", **fields)


def _surface_fields(surface: tuple) -> dict[str, float]:
    """Material fields of a layer's surface properties ``(solar_absorptance, thermal_emittance)``.

    Written only when set, so a layer without them gives the same IDF text as
    before these properties existed (EnergyPlus defaults: thermal 0.9, solar 0.7).
    """
    fields = {}
    if surface and surface[1] is not None:
        fields["Thermal_Absorptance"] = surface[1]
    if surface and surface[0] is not None:
        fields["Solar_Absorptance"] = surface[0]
    return fields


def _layers(c: Construction):
    """(label, thickness, k, rho, cp[, solar absorptance, thermal emittance]) per layer."""
    out = []
    for ly in c.layers:
        props = (ly.material, ly.thickness_m, ly.conductivity_w_mk, ly.density_kg_m3, ly.specific_heat_j_kgk)
        if ly.solar_absorptance is not None or ly.thermal_emittance is not None:
            props += (ly.solar_absorptance, ly.thermal_emittance)
        out.append(props)
    return out


def wall_layers_with_bridges(b: Building):
    """The wall's layers with conductivities raised so the wall's U is its mean U including bridges.

    Every layer's conductivity is multiplied by one factor
    (:func:`buildings.thermal_bridges.conductivity_factor`): the wall then
    conducts ``U_1D + sum(psi L) / A_wall`` at the standard surface
    resistances, and its thickness, density and specific heat - its heat
    capacity and where that sits - are unchanged. A building without bridges
    (era ``"none"``) keeps its layers, so its IDF text is as before.
    """
    from buildings.thermal_bridges import conductivity_factor, wall_bridge_u_w_m2k

    layers = _layers(b.constructions.wall)
    extra = wall_bridge_u_w_m2k(b)
    if extra <= 0.0:
        return layers
    wall = b.constructions.wall
    factor = conductivity_factor(wall, wall.u_value_w_m2k + extra)
    return [(ly[0], ly[1], ly[2] * factor, *ly[3:]) for ly in layers]


def _add_window_construction(idf, name: str, g: Glazing) -> None:
    _add(
        idf,
        "WindowMaterial:SimpleGlazingSystem",
        Name=f"{name} glazing",
        UFactor=g.u_value_w_m2k,
        Solar_Heat_Gain_Coefficient=g.shgc,
        Visible_Transmittance=g.visible_transmittance,
    )
    _add(idf, "Construction", Name=name, Outside_Layer=f"{name} glazing")


def write_constructions(idf, b: Building) -> None:
    """Materials and constructions of the envelope, the internal floors, the partition and the window."""
    c = b.constructions
    _add_construction(idf, "Wall", wall_layers_with_bridges(b))
    _add_construction(idf, "Roof", _layers(c.roof))
    if b.geometry.ground_floor_exposure != "ground":  # a slab on ground is an F-factor floor per zone
        _add_construction(idf, "Ground Floor", _layers(c.ground_floor))
    # internal_floor layers are listed top to bottom: a ceiling's outside is the storey above
    _add_construction(idf, "Ceiling", _layers(c.internal_floor))
    _add_construction(idf, "Floor", list(reversed(_layers(c.internal_floor))))
    _add_construction(idf, "Partition", partition_layers())
    _add_window_construction(idf, "Window", c.window)
