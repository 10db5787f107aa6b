"""Retrofit measures: pure functions Building -> Building, their costs, and packages.

A :class:`Measure` is data: a kind (``wall_insulation``, ``window_replacement``,
...) and its parameters. :func:`apply` turns a building and a set of measures
into the retrofitted building. Measures are applied in a fixed canonical
order of kinds, and each kind touches its own fields (or takes a minimum, as
airtightness and new windows both do for infiltration), so the order the
caller lists them in never changes the result. Two measures of one kind, or
two heat sources, are incompatible and raise an error.

Costs follow each kind's cost basis (CNY per m2 of wall, window, roof, ground
or floor; CNY per kW of heating capacity; CNY per kWp), with the quantities
taken from the building's geometry (and, for heat pumps, from the peak
heating load of the retrofitted building). Data: ``buildings/data/measures.toml``
and ``buildings/data/packages.toml``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from buildings import materials
from buildings.model import FACADES, Building, Glazing, Layer
from simulator.exceptions import UnknownNameError, ValidationError
from simulator.sourced_data import read_toml, value_of

#: Canonical order: envelope first, then operation, then systems.
KINDS = (
    "wall_insulation",
    "light_render",
    "roof_insulation",
    "cool_roof",
    "floor_insulation",
    "window_replacement",
    "airtightness",
    "mvhr",
    "heat_metering_trv",
    "led_lighting",
    "ashp",
    "electric_storage",
    "inverter_ac",
    "rooftop_pv",
)

#: Parameters each kind takes: name -> (type, low, high, unit); None bounds are open.
PARAMETERS: dict[str, dict[str, tuple]] = {
    "wall_insulation": {"material": (str, None, None, ""), "thickness_mm": (float, 10, 300, "mm")},
    "roof_insulation": {"material": (str, None, None, ""), "thickness_mm": (float, 10, 400, "mm")},
    "floor_insulation": {"material": (str, None, None, ""), "thickness_mm": (float, 10, 200, "mm")},
    "window_replacement": {"level": (str, None, None, "")},
    "light_render": {"solar_absorptance": (float, 0.1, 0.9, "-")},
    "cool_roof": {"solar_absorptance": (float, 0.1, 0.9, "-")},
    "airtightness": {"target_ach": (float, 0.1, 2.0, "1/h")},
    "mvhr": {"efficiency": (float, 0.5, 0.95, "-")},
    "heat_metering_trv": {},
    "led_lighting": {"target_w_m2": (float, 1.0, 20.0, "W/m2")},
    "ashp": {"replace_ac": (bool, None, None, "")},
    "electric_storage": {},
    "inverter_ac": {},
    "rooftop_pv": {"roof_share": (float, 0.0, 1.0, "-")},
}
OPTIONAL = {"led_lighting": {"target_w_m2"}, "ashp": {"replace_ac"}, "light_render": {"solar_absorptance"},
            "cool_roof": {"solar_absorptance"}, "mvhr": {"efficiency"}}
HEAT_SOURCE_KINDS = ("ashp", "electric_storage")


def _data() -> dict[str, Any]:
    """``buildings/data/measures.toml``, parsed once (never mutate)."""
    return read_toml("buildings", "data/measures.toml")


def _packages() -> dict[str, Any]:
    """``buildings/data/packages.toml``, parsed once (never mutate)."""
    return read_toml("buildings", "data/packages.toml")


def kind_data(kind: str) -> dict[str, Any]:
    """The data of a measure kind (cost basis, lifetime, levels...)."""
    try:
        return _data()["kinds"][kind]
    except KeyError:
        raise UnknownNameError("measure kind", kind, list(KINDS)) from None


@dataclass(frozen=True)
class Measure:
    """One retrofit measure: a kind and its parameters (hashable, immutable)."""

    kind: str
    params: tuple[tuple[str, Any], ...] = ()
    name: str = ""

    def __post_init__(self):
        problems = check_measure(self.kind, dict(self.params))
        if problems:
            raise ValidationError(problems, f"measure {self.label}")
        object.__setattr__(self, "params", tuple(sorted(self.params)))

    @classmethod
    def of(cls, kind: str, name: str = "", **params: Any) -> Measure:
        return cls(kind, tuple(params.items()), name)

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.params).get(key, default)

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        args = ",".join(f"{k}={v}" for k, v in self.params)
        return f"{self.kind}:{args}" if args else self.kind

    @property
    def lifetime_years(self) -> float:
        return float(value_of(kind_data(self.kind)["lifetime_years"]))


def check_measure(kind: str, params: dict[str, Any]) -> list[str]:
    """Every problem with a measure's kind and parameters, each naming the parameter and range."""
    if not isinstance(kind, str) or kind not in PARAMETERS:
        return [f"unknown measure kind {kind!r}; valid kinds: {', '.join(KINDS)}"]
    spec = PARAMETERS[kind]
    problems = []
    for key in params:
        if not isinstance(key, str) or key not in spec:
            problems.append(f"{kind}.{key}: unknown parameter; allowed: {', '.join(spec) or 'none'}")
    for key, (typ, lo, hi, unit) in spec.items():
        if key not in params:
            if key not in OPTIONAL.get(kind, set()):
                problems.append(f"{kind}.{key}: required parameter is missing")
            continue
        v = params[key]
        if typ is float:
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                problems.append(f"{kind}.{key}: expected a finite number [{unit}], got {v!r}")
            elif (lo is not None and v < lo) or (hi is not None and v > hi):
                problems.append(f"{kind}.{key}: {v} {unit} is outside the allowed range {lo}..{hi} {unit}")
        elif typ is bool and not isinstance(v, bool):
            problems.append(f"{kind}.{key}: expected true or false, got {v!r}")
        elif typ is str:
            allowed = _allowed_choices(kind, key)
            if v not in allowed:
                problems.append(f"{kind}.{key}: {v!r} is not one of {', '.join(allowed)}")
    return problems


def _allowed_choices(kind: str, key: str) -> list[str]:
    data = kind_data(kind)
    if key == "material":
        return list(data["materials"])
    if key == "level":
        return list(data["levels"])
    return []


# --------------------------------------------------------------------------- catalogue


def catalogue() -> dict[str, Measure]:
    """The named measures of the library."""
    out = {}
    for name, spec in _data()["catalogue"].items():
        spec = dict(spec)
        kind = spec.pop("kind")
        out[name] = Measure(kind, tuple(spec.items()), name)
    return out


def measure(spec: str | Measure) -> Measure:
    """A measure from a catalogue name or ``kind:key=value:key=value`` text.

    >>> measure("wall_eps_70mm").get("thickness_mm")
    70
    >>> measure("wall_insulation:material=xps_board:thickness_mm=90").kind
    'wall_insulation'
    """
    if isinstance(spec, Measure):
        return spec
    if not isinstance(spec, str):
        raise ValidationError([f"a measure is a name or kind:key=value text, got {type(spec).__name__}"])
    cat = catalogue()
    if spec in cat:
        return cat[spec]
    kind, _, rest = spec.partition(":")
    if kind not in PARAMETERS:
        raise UnknownNameError("measure", spec, list(cat) + [f"{k}:..." for k in KINDS])
    params: dict[str, Any] = {}
    problems = []
    for part in filter(None, rest.split(":")):
        key, eq, text = part.partition("=")
        key = key.strip()
        if not eq:
            problems.append(f"parameter {part!r} is not key=value")
        elif key in params:
            problems.append(f"{kind}.{key}: given more than once")
        else:
            params[key] = _parse_value(text.strip())
    if problems:
        raise ValidationError(problems, f"measure {spec!r}")
    return Measure(kind, tuple(params.items()))


def _parse_value(text: str) -> Any:
    if not text.isascii():  # int() would read full-width or Arabic-Indic digits as numbers
        return text
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text


def packages() -> dict[str, dict[str, Any]]:
    """The preset packages: name -> {description, measures, source}."""
    return dict(_packages())


def package(spec: str | list[str] | tuple) -> tuple[Measure, ...]:
    """The measures of a preset name, or of a comma-separated list of measures and presets.

    Raises
    ------
    UnknownNameError
        For a name that is neither a preset nor a measure (lists both).
    ValidationError
        For incompatible measures (two of a kind, two heat sources).
    """
    if isinstance(spec, list | tuple):
        items = list(spec)
    elif not isinstance(spec, str):
        raise ValidationError([f"a package is a preset name or comma-separated measures, got {type(spec).__name__}"])
    elif spec in _packages():
        items = list(_packages()[spec]["measures"])
    else:
        items = []
        for part in (s.strip() for s in spec.split(",")):
            if part in _packages():  # a preset inside a list expands to its measures
                items += _packages()[part]["measures"]
            elif part:
                items.append(part)
        if not items:
            raise UnknownNameError("package", spec, list(_packages()))
        unknown = [s for s in items if not isinstance(s, Measure) and s not in catalogue()
                   and s.partition(":")[0] not in PARAMETERS]
        if unknown:
            raise UnknownNameError("package or measure", unknown[0], list(_packages()) + list(catalogue()))
    measures = tuple(measure(m) for m in items)
    check_compatible(measures)
    return measures


def check_compatible(measures: tuple[Measure, ...] | list[Measure]) -> None:
    """Raise ValidationError if the measures cannot be combined."""
    problems = []
    kinds = [m.kind for m in measures]
    for k in sorted(set(kinds)):
        if kinds.count(k) > 1:
            labels = [m.label for m in measures if m.kind == k]
            problems.append(f"incompatible measures {', '.join(labels)}: only one {k} per package")
    sources = [m.label for m in measures if m.kind in HEAT_SOURCE_KINDS]
    if len(sources) > 1:
        problems.append(f"incompatible measures {', '.join(sources)}: a building has one heat source")
    hp_cools = [m.label for m in measures if m.kind == "ashp" and m.get("replace_ac", True)]
    if hp_cools and "inverter_ac" in kinds:
        problems.append(f"incompatible measures {hp_cools[0]}, inverter_ac: the heat pump already replaces "
                        "the split ACs (use ashp_heating_only)")
    if problems:
        raise ValidationError(problems)


# --------------------------------------------------------------------------- application


def apply(building: Building, measures) -> Building:
    """The building with the measures applied (in canonical order; caller's order is irrelevant)."""
    ms = tuple(measure(m) for m in measures)
    check_compatible(ms)
    out = building
    for m in sorted(ms, key=lambda m: KINDS.index(m.kind)):
        out = _APPLY[m.kind](out, m)
    labels = tuple(sorted({*building.measures, *(m.label for m in ms)}))
    return dataclasses.replace(out, measures=labels)


def _insulation_layer(material: str, thickness_mm: float) -> Layer:
    return Layer(material=material, thickness_m=thickness_mm / 1000.0, **materials.get(material).properties())


def _add_outer_layers(b: Building, surface: str, layers: tuple[Layer, ...]) -> Building:
    c = b.constructions
    cons = getattr(c, surface)
    new = dataclasses.replace(cons, name=f"{cons.name} + retrofit", layers=(*layers, *cons.layers))
    return b.replace(constructions=dataclasses.replace(c, **{surface: new}))


def _wall(b: Building, m: Measure) -> Building:
    render = value_of(kind_data("wall_insulation")["render_thickness_m"])
    layers = (
        Layer("cement_mortar", render, **materials.get("cement_mortar").properties()),
        _insulation_layer(m.get("material"), m.get("thickness_mm")),
    )
    return with_external_wall_insulation(_add_outer_layers(b, "wall", layers))


def with_external_wall_insulation(b: Building) -> Building:
    """The building with its walls' thermal bridges switched to the era's set after external insulation.

    ETICS covers the slab edges, ring beams and columns, so their psi-values
    fall; ``buildings/data/thermal_bridges.toml`` gives both sets per era.
    """
    c = b.constructions
    tb = dataclasses.replace(c.thermal_bridges, external_insulation=True)
    return b.replace(constructions=dataclasses.replace(c, thermal_bridges=tb))


def _roof(b: Building, m: Measure) -> Building:
    d = kind_data("roof_insulation")
    layers = (
        Layer("fine_aggregate_concrete", value_of(d["protection_thickness_m"]),
              **materials.get("fine_aggregate_concrete").properties()),
        _insulation_layer(m.get("material"), m.get("thickness_mm")),
        Layer("waterproofing_membrane", value_of(d["membrane_thickness_m"]),
              **materials.get("waterproofing_membrane").properties()),
    )
    return _add_outer_layers(b, "roof", layers)


def _finish(b: Building, m: Measure, surface: str) -> Building:
    """A thin finish (``finish_thickness_m`` of the kind, 1 mm) outside ``surface`` with the finish material's surface properties.

    Applied after the insulation measures (canonical order), so the finish is
    always the outermost layer; ``solar_absorptance`` overrides the finish's.
    """
    name = kind_data(m.kind)["finish"]
    mat = materials.get(name)
    surface_props = mat.surface()
    if m.get("solar_absorptance") is not None:
        surface_props["solar_absorptance"] = float(m.get("solar_absorptance"))
    thickness_m = value_of(kind_data(m.kind)["finish_thickness_m"])
    return _add_outer_layers(b, surface, (Layer(name, thickness_m, **mat.properties(), **surface_props),))


def _light_render(b: Building, m: Measure) -> Building:
    return _finish(b, m, "wall")


def _cool_roof(b: Building, m: Measure) -> Building:
    return _finish(b, m, "roof")


def _floor(b: Building, m: Measure) -> Building:
    # insulation on top of the existing slab, under a new screed: inside of the old layers
    c = b.constructions
    g = c.ground_floor
    new_layers = (*g.layers, _insulation_layer(m.get("material"), m.get("thickness_mm")),
                  Layer("cement_mortar", value_of(kind_data("floor_insulation")["screed_thickness_m"]),
                        **materials.get("cement_mortar").properties()))
    new = dataclasses.replace(g, name=f"{g.name} + retrofit", layers=new_layers)
    return b.replace(constructions=dataclasses.replace(c, ground_floor=new))


def _windows(b: Building, m: Measure) -> Building:
    level = kind_data("window_replacement")["levels"][m.get("level")]
    glazing = Glazing(
        name=f"retrofit {m.get('level')}",
        u_value_w_m2k=value_of(level["u_value_w_m2k"]),
        shgc=value_of(level["shgc"]),
        visible_transmittance=value_of(level["visible_transmittance"]),
    )
    op = b.operation
    ach = min(op.infiltration_ach, value_of(level["infiltration_ach_max"]))
    return b.replace(
        constructions=dataclasses.replace(b.constructions, window=glazing),
        operation=dataclasses.replace(op, infiltration_ach=ach),
    )


def _airtight(b: Building, m: Measure) -> Building:
    op = b.operation
    return b.replace(operation=dataclasses.replace(op, infiltration_ach=min(op.infiltration_ach, m.get("target_ach"))))


def _mvhr(b: Building, m: Measure) -> Building:
    """Mechanical ventilation with heat recovery: sensible efficiency and the unit's specific fan power.

    Homes then get their hygiene air change from the unit, offices and schools
    their per-person fresh air through it (:mod:`buildings.ventilation`);
    airtightness is unchanged. ``efficiency`` overrides the data file's.
    """
    from buildings.ventilation import mvhr_default

    eta = m.get("efficiency")
    eta = mvhr_default("sensible_efficiency") if eta is None else float(eta)
    sfp = mvhr_default("specific_fan_power_w_per_m3_h")
    return b.replace(operation=dataclasses.replace(b.operation, heat_recovery_efficiency=eta),
                     systems=dataclasses.replace(b.systems, ventilation_fan_w_per_m3_h=sfp))


def _trv(b: Building, m: Measure) -> Building:
    d = kind_data("heat_metering_trv")
    night = set(value_of(d["night_hours"]))
    setback = min(b.operation.heating_setback_c, value_of(d["night_setback_c"]))
    op = b.operation
    hours = op.heating_hours

    def cut(profile):
        return tuple(0.0 if h in night else v for h, v in enumerate(profile))

    new_hours = dataclasses.replace(hours, weekday=cut(hours.weekday), weekend=cut(hours.weekend))
    return b.replace(
        operation=dataclasses.replace(op, heating_hours=new_hours, heating_setback_c=setback),
        systems=dataclasses.replace(b.systems, heat_metering=True),
    )


def led_target_w_m2(b: Building, m: Measure) -> float:
    target = m.get("target_w_m2")
    if target is None:
        table = kind_data("led_lighting")["target_w_m2"]
        target = value_of(table.get(b.building_type, table["office"]))
    return float(target)


def _led(b: Building, m: Measure) -> Building:
    op = b.operation
    return b.replace(operation=dataclasses.replace(op, lighting_w_m2=min(op.lighting_w_m2, led_target_w_m2(b, m))))


def _ashp(b: Building, m: Measure) -> Building:
    s = b.systems
    cooling = "ashp" if (m.get("replace_ac", True) and s.cooling_system in ("split_ac", "none")) else s.cooling_system
    supply = min(s.supply_temperature_c, value_of(kind_data("ashp")["supply_temperature_c"]))
    return b.replace(systems=dataclasses.replace(s, heating_source="ashp", cooling_system=cooling,
                                                 supply_temperature_c=supply))


def _inverter_ac(b: Building, m: Measure) -> Building:
    return b.replace(systems=dataclasses.replace(b.systems, split_ac_inverter=True))


def _storage(b: Building, m: Measure) -> Building:
    return b.replace(systems=dataclasses.replace(b.systems, heating_source="electric_storage"))


def pv_capacity_kw(b: Building, roof_share: float) -> float:
    """PV capacity [kWp] on ``roof_share`` of the usable roof at the measure's rack tilt.

    The usable roof fraction and the Wp per m2 of the layout come from the PV
    model's data (:func:`simulator.pv.roof_pv_capacity_kw`).
    """
    from simulator.pv import roof_pv_capacity_kw

    tilt = value_of(kind_data("rooftop_pv")["tilt_deg"])
    racked = b.replace(systems=dataclasses.replace(b.systems, pv_tilt_deg=tilt))
    return roof_pv_capacity_kw(racked) * roof_share


def _pv(b: Building, m: Measure) -> Building:
    d = kind_data("rooftop_pv")
    kw = pv_capacity_kw(b, m.get("roof_share"))
    s = b.systems
    return b.replace(systems=dataclasses.replace(
        s, pv_capacity_kw=s.pv_capacity_kw + kw, pv_tilt_deg=value_of(d["tilt_deg"]),
        pv_azimuth_deg=b.geometry.azimuth_deg))


_APPLY = {
    "wall_insulation": _wall,
    "light_render": _light_render,
    "roof_insulation": _roof,
    "cool_roof": _cool_roof,
    "floor_insulation": _floor,
    "window_replacement": _windows,
    "airtightness": _airtight,
    "mvhr": _mvhr,
    "heat_metering_trv": _trv,
    "led_lighting": _led,
    "ashp": _ashp,
    "electric_storage": _storage,
    "inverter_ac": _inverter_ac,
    "rooftop_pv": _pv,
}


# --------------------------------------------------------------------------- costs


def quantities(b: Building) -> dict[str, float]:
    """Areas the cost bases multiply [m2]."""
    g = b.geometry
    window = sum(g.window_area_m2(f) for f in FACADES)
    gross_wall = sum(g.facade_area_m2(f) for f in FACADES)
    return {
        "cny_per_m2_wall": gross_wall - window,
        "cny_per_m2_window": window,
        "cny_per_m2_roof": g.footprint_m2,
        "cny_per_m2_ground": g.footprint_m2,
        "cny_per_m2_floor": g.floor_area_m2,
    }


@dataclass(frozen=True)
class MeasureCost:
    """Capital cost of one measure on one building."""

    measure: str
    kind: str
    cost_basis: str
    quantity: float  # in the unit of the basis (m2, kW or kWp)
    unit_cost_cny: float  # CNY per unit of quantity
    capex_cny: float
    lifetime_years: float
    details: dict = field(default_factory=dict)


def unit_cost_cny(m: Measure, b: Building) -> float:
    """Cost per unit of the measure's cost basis [CNY/m2, CNY/kW or CNY/kWp]."""
    d = kind_data(m.kind)
    if "cost" in d:  # material tables: fixed + per mm
        c = d["cost"][m.get("material")]
        return c["fixed_cny"] + c["per_mm_cny"] * m.get("thickness_mm")
    if m.kind == "window_replacement":
        return value_of(d["levels"][m.get("level")]["cost_cny_m2"])
    if m.kind in ("ashp", "electric_storage"):
        return value_of(d["cost_cny_kw"])
    if m.kind == "rooftop_pv":
        table = d["cost_cny_kwp"]
        return value_of(table.get(b.building_type, table["office"]))
    return value_of(d["cost_cny_m2"])


def measure_cost(m: Measure, before: Building, design_heating_w: float | None = None) -> MeasureCost:
    """Capital cost of a measure on the building it is applied to.

    Parameters
    ----------
    m
        The measure.
    before
        The building before retrofit (areas come from its geometry).
    design_heating_w
        Design heating load of the retrofitted building [W]
        (:func:`simulator.design_days.sizing_load_w`); needed for heat
        sources, which are sized on it.
    """
    d = kind_data(m.kind)
    basis = d["cost_basis"]
    details: dict[str, Any] = {}
    if basis == "cny_per_kw_heating":
        if design_heating_w is None:
            raise ValidationError([f"{m.label}: sizing a heat source needs the design heating load [W]"])
        qty = design_heating_w / 1000.0 * value_of(d["sizing_factor"])
        if m.kind == "electric_storage":
            details["note"] = "heater sized at 2x the design heating load to recharge a design day in the 12 valley hours"
    elif basis == "cny_per_kwp":
        qty = pv_capacity_kw(before, m.get("roof_share"))
    else:
        qty = quantities(before)[basis]
    unit = unit_cost_cny(m, before)
    return MeasureCost(m.label, m.kind, basis, qty, unit, qty * unit, m.lifetime_years, details)
