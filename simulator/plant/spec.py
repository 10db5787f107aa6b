"""Plant specification files: the boiler house, the buildings it heats, the options to compare.

A spec is a TOML file (see ``simulator/plant/data/default_plant.toml``);
:func:`load_spec` reads and validates it, reporting every problem at once with
the file and field, as :class:`~simulator.exceptions.ValidationError`.
Numbers may be plain or ``{ value, unit, source }`` tables (the default file
gives every number its source).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.exceptions import RetrofitError, ValidationError
from simulator.sourced_data import parse_toml, read_toml, value_of
from simulator.units import DAYS_IN_MONTH

DEFAULT_SPEC = "data/default_plant.toml"
OBJECTIVES = ("cost", "co2", "weighted")
ENGINES = ("surrogate", "energyplus")
ELECTRICITY_TARIFFS = ("residential_heating_tou", "commercial_tou")
GAS_TARIFFS = ("residential", "non_residential")
STORAGE_MEDIA = ("water_tank", "solid")
SHARE_KEYS = ("gas_boiler_share", "heat_pump_share", "electric_boiler_share", "chp_share")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_DATE = re.compile(r"^(\d{2})-(\d{2})$")
MAX_SHARE = 5.0
MAX_STORAGE_H = 200.0


@dataclass(frozen=True)
class BuildingGroup:
    """Buildings of one archetype served by the plant.

    Attributes
    ----------
    archetype
        Archetype name or path of an archetype TOML file.
    floor_area_m2
        Total floor area of these buildings [m2]; the archetype's loads are scaled to it.
    package
        Optional retrofit package (preset name or comma-separated measures) applied first.
    """

    archetype: str
    floor_area_m2: float
    package: str = ""


@dataclass(frozen=True)
class OptionSpec:
    """One supply option: capacities as shares of the design load, storage in hours of it.

    Attributes
    ----------
    name, label, label_zh
        Identifier (lower case, digits, _) and display labels.
    gas_boiler_share, heat_pump_share, electric_boiler_share, chp_share
        Heat capacity of each source as a share of the design load [-]; the
        heat pumps' at the design outdoor and supply temperatures.
    storage_h
        Storage capacity in hours of the design load [h].
    storage_medium
        "water_tank" or "solid" (parameters in plant.toml [storage.*]).
    """

    name: str
    label: str = ""
    label_zh: str = ""
    gas_boiler_share: float = 0.0
    heat_pump_share: float = 0.0
    electric_boiler_share: float = 0.0
    chp_share: float = 0.0
    storage_h: float = 0.0
    storage_medium: str = "water_tank"


@dataclass(frozen=True)
class SweepSpec:
    """Sizing sweep: heat-pump share x storage hours, with a gas peak boiler share."""

    heat_pump_shares: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    storage_h: tuple[float, ...] = (0.0, 3.0, 6.0, 12.0)
    gas_boiler_share: float = 1.2
    storage_medium: str = "water_tank"


@dataclass(frozen=True)
class SupplyCurve:
    """Supply-temperature curve of the network against outdoor temperature (radiator law)."""

    design_supply_c: float = 60.0
    design_return_c: float = 45.0
    design_outdoor_c: float = -10.8
    room_c: float = 18.0
    emitter_exponent: float = 1.3
    min_supply_c: float = 40.0


@dataclass(frozen=True)
class PlantSpec:
    """A heat plant, the buildings it heats and the options to compare (see module docstring)."""

    name: str
    buildings: tuple[BuildingGroup, ...]
    options: tuple[OptionSpec, ...]
    title: str = ""
    title_zh: str = ""
    engine: str = "surrogate"
    weather: str = "tianjin"
    objective: str = "cost"
    carbon_price_cny_t: float = 0.0
    grid: str = "north_china_2023"
    electricity_tariff: str = "residential_heating_tou"
    gas_tariff: str = "residential"
    season_start: tuple[int, int] = (11, 15)
    season_end: tuple[int, int] = (3, 15)
    supply: SupplyCurve = field(default_factory=SupplyCurve)
    existing_gas_boiler_share: float = 1.2
    sweep: SweepSpec = field(default_factory=SweepSpec)
    params: dict = field(default_factory=dict, compare=False, hash=False)
    source: str = "default plant"

    def option(self, name: str) -> OptionSpec:
        """The option called ``name``; unknown names raise an error listing the valid ones."""
        for o in self.options:
            if o.name == name:
                return o
        from simulator.exceptions import UnknownNameError

        raise UnknownNameError("plant option", name, [o.name for o in self.options])


_num = value_of


def _number(table: dict, key: str, where: str, problems: list[str], lo: float, hi: float,
            default: float | None = None, required: bool = False) -> float | None:
    if key not in table:
        if required:
            problems.append(f"{where}.{key}: missing (a number in [{lo}, {hi}])")
        return default
    x = _num(table[key])
    if isinstance(x, bool) or not isinstance(x, int | float) or not (lo <= x <= hi) or x != x:
        problems.append(f"{where}.{key} = {x!r}: must be a number in [{lo}, {hi}]")
        return default
    return float(x)


def _choice(table: dict, key: str, where: str, problems: list[str], valid: tuple[str, ...], default: str) -> str:
    x = table.get(key, default)
    if x not in valid:
        problems.append(f"{where}{key} = {x!r}: valid values: {', '.join(valid)}")
        return default
    return x


def _text(table: dict, key: str, where: str, problems: list[str], default: str = "") -> str:
    x = table.get(key, default)
    if not isinstance(x, str) or len(x) > 200:
        problems.append(f"{where}.{key}: must be a text of at most 200 characters")
        return default
    return x


def _date(text: Any, where: str, problems: list[str]) -> tuple[int, int] | None:
    m = _DATE.match(text) if isinstance(text, str) else None
    if m is None or not (1 <= int(m.group(1)) <= 12) or not (1 <= int(m.group(2)) <= DAYS_IN_MONTH[int(m.group(1)) - 1]):
        problems.append(f"{where} = {text!r}: must be a date 'MM-DD' (e.g. '11-15')")
        return None
    return int(m.group(1)), int(m.group(2))


_KNOWN_TOP = {"schema_version", "name", "title", "title_zh", "engine", "weather", "objective", "carbon_price_cny_t",
              "grid", "electricity_tariff", "gas_tariff", "tariff_note", "heating_season", "buildings", "supply",
              "boiler_house", "options", "sweep", "params"}
_OPTION_KEYS = {"name", "label", "label_zh", "storage_h", "storage_medium", *SHARE_KEYS}


def _near(path: str, base_dir: Path | None) -> str:
    """A relative path resolved against the spec file's folder when the file is there."""
    p = Path(path)
    if base_dir is not None and not p.is_absolute() and (base_dir / p).is_file():
        return str(base_dir / p)
    return path


def _buildings(raw: Any, problems: list[str], base_dir: Path | None = None) -> tuple[BuildingGroup, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("buildings: at least one [[buildings]] table with archetype and floor_area_m2")
        return ()
    import archetypes

    names = archetypes.names()
    out = []
    for i, b in enumerate(raw):
        where = f"buildings[{i}]"
        if not isinstance(b, dict):
            problems.append(f"{where}: must be a table with archetype and floor_area_m2")
            continue
        unknown = set(b) - {"archetype", "floor_area_m2", "package"}
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}; valid: archetype, floor_area_m2, package")
        arch = b.get("archetype")
        if isinstance(arch, str) and arch.endswith(".toml"):
            arch = _near(arch, base_dir)
        if not isinstance(arch, str) or not arch:
            problems.append(f"{where}.archetype: missing; valid names: {', '.join(names)} (or a TOML path)")
        elif arch not in names and not (arch.endswith(".toml") and Path(arch).is_file()):
            problems.append(f"{where}.archetype = {arch!r}: unknown name or missing file; valid names: "
                            f"{', '.join(names)} (or the path of an archetype TOML file)")
        area = _number(b, "floor_area_m2", where, problems, 1.0, 1.0e8, required=True)
        package = b.get("package", "")
        if not isinstance(package, str):
            problems.append(f"{where}.package: must be a preset name or comma-separated measures")
            package = ""
        elif package:
            try:
                from buildings import measures as M

                M.package(package)
            except RetrofitError as exc:
                problems.append(f"{where}.package = {package!r}: {exc}")
        if isinstance(arch, str) and arch and area is not None:
            out.append(BuildingGroup(arch, area, package))
    return tuple(out)


def _option(o: Any, i: int, problems: list[str], seen: set[str]) -> OptionSpec | None:
    where = f"options[{i}]"
    if not isinstance(o, dict):
        problems.append(f"{where}: must be a table")
        return None
    unknown = set(o) - _OPTION_KEYS
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}; valid: {', '.join(sorted(_OPTION_KEYS))}")
    name = o.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(f"{where}.name = {name!r}: must be lower-case letters, digits and _ (start with a letter, "
                        "at most 48 characters)")
        name = None
    elif name in seen:
        problems.append(f"{where}.name = {name!r}: used twice")
    else:
        seen.add(name)
    shares = {k: _number(o, k, where, problems, 0.0, MAX_SHARE, 0.0) for k in SHARE_KEYS}
    storage = _number(o, "storage_h", where, problems, 0.0, MAX_STORAGE_H, 0.0)
    medium = _choice(o, "storage_medium", f"{where}.", problems, STORAGE_MEDIA, "water_tank")
    if sum(shares.values()) <= 0:
        problems.append(f"{where}: no heat source (set at least one of {', '.join(SHARE_KEYS)} > 0)")
    if name is None:
        return None
    return OptionSpec(name=name, label=_text(o, "label", where, problems, name),
                      label_zh=_text(o, "label_zh", where, problems, ""), storage_h=storage,
                      storage_medium=medium, **shares)


def _floats(raw: Any, where: str, problems: list[str], lo: float, hi: float) -> tuple[float, ...] | None:
    vals = raw if isinstance(raw, list) else None
    if not vals or len(vals) > 12 or any(isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi
                                         for v in vals):
        problems.append(f"{where}: must be a list of 1-12 numbers in [{lo}, {hi}]")
        return None
    return tuple(float(v) for v in vals)


def _sweep(raw: Any, problems: list[str]) -> SweepSpec:
    if raw is None:
        return SweepSpec()
    if not isinstance(raw, dict):
        problems.append("sweep: must be a table")
        return SweepSpec()
    unknown = set(raw) - {"heat_pump_shares", "storage_h", "gas_boiler_share", "storage_medium"}
    if unknown:
        problems.append(f"sweep: unknown keys {', '.join(sorted(unknown))}")
    d = SweepSpec()
    hp = _floats(raw.get("heat_pump_shares", list(d.heat_pump_shares)), "sweep.heat_pump_shares", problems, 0, MAX_SHARE)
    st = _floats(raw.get("storage_h", list(d.storage_h)), "sweep.storage_h", problems, 0, MAX_STORAGE_H)
    gas = _number(raw, "gas_boiler_share", "sweep", problems, 0.0, MAX_SHARE, d.gas_boiler_share)
    medium = _choice(raw, "storage_medium", "sweep.", problems, STORAGE_MEDIA, d.storage_medium)
    return SweepSpec(hp or d.heat_pump_shares, st or d.storage_h, gas, medium)


def _supply(raw: Any, problems: list[str]) -> SupplyCurve:
    d = SupplyCurve()
    if raw is None:
        return d
    if not isinstance(raw, dict):
        problems.append("supply: must be a table")
        return d
    known = set(SupplyCurve.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        problems.append(f"supply: unknown keys {', '.join(sorted(unknown))}; valid: {', '.join(sorted(known))}")
    c = SupplyCurve(
        design_supply_c=_number(raw, "design_supply_c", "supply", problems, 25.0, 130.0, d.design_supply_c),
        design_return_c=_number(raw, "design_return_c", "supply", problems, 15.0, 100.0, d.design_return_c),
        design_outdoor_c=_number(raw, "design_outdoor_c", "supply", problems, -40.0, 10.0, d.design_outdoor_c),
        room_c=_number(raw, "room_c", "supply", problems, 10.0, 26.0, d.room_c),
        emitter_exponent=_number(raw, "emitter_exponent", "supply", problems, 0.8, 2.0, d.emitter_exponent),
        min_supply_c=_number(raw, "min_supply_c", "supply", problems, 20.0, 100.0, d.min_supply_c),
    )
    if c.design_return_c >= c.design_supply_c:
        problems.append(f"supply.design_return_c = {c.design_return_c}: must be below design_supply_c = {c.design_supply_c}")
    if c.min_supply_c > c.design_supply_c:
        problems.append(f"supply.min_supply_c = {c.min_supply_c}: must not exceed design_supply_c = {c.design_supply_c}")
    if c.room_c <= c.design_outdoor_c:
        problems.append("supply.room_c must be above design_outdoor_c")
    return c


def parse_spec(raw: dict, source: str, base_dir: Path | None = None) -> PlantSpec:
    """Validate a parsed spec (a dict as read from TOML) into a :class:`PlantSpec`.

    Relative archetype and weather paths are looked up in ``base_dir`` (the
    spec file's folder) first, then in the working directory.

    Raises
    ------
    ValidationError
        Listing every problem with its field, headed by ``source``.
    """
    from simulator import carbon
    from simulator.plant.params import load_plant_params

    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ValidationError(["the file must hold TOML tables"], source=source)
    unknown = set(raw) - _KNOWN_TOP
    if unknown:
        problems.append(f"unknown top-level keys {', '.join(sorted(unknown))}; valid: {', '.join(sorted(_KNOWN_TOP))}")
    name = raw.get("name", "plant")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(f"name = {name!r}: must be lower-case letters, digits and _ (start with a letter)")
        name = "plant"
    engine = _choice(raw, "engine", "", problems, ENGINES, "surrogate")
    weather = raw.get("weather", "tianjin")
    if isinstance(weather, str) and weather.lower().endswith(".epw"):
        weather = _near(weather, base_dir)
    import weather as weather_lib

    if not isinstance(weather, str) or not (weather in weather_lib.BUILT_IN or Path(weather).is_file()):
        problems.append(f"weather = {weather!r}: must be a built-in weather name "
                        f"({', '.join(weather_lib.BUILT_IN)}) or the path of an EPW file")
        weather = "tianjin"
    objective = _choice(raw, "objective", "", problems, OBJECTIVES, "cost")
    grids = carbon.grid_factor_names()
    grid = _choice(raw, "grid", "", problems, tuple(grids), "north_china_2023")
    elec = _choice(raw, "electricity_tariff", "", problems, ELECTRICITY_TARIFFS, "residential_heating_tou")
    gas = _choice(raw, "gas_tariff", "", problems, GAS_TARIFFS, "residential")
    cprice = _number(raw, "carbon_price_cny_t", "spec", problems, 0.0, 1.0e5, 0.0)
    season = raw.get("heating_season", {"start": "11-15", "end": "03-15"})
    if not isinstance(season, dict):
        problems.append("heating_season: must be a table with start and end ('MM-DD')")
        season = {"start": "11-15", "end": "03-15"}
    start = _date(season.get("start"), "heating_season.start", problems) or (11, 15)
    end = _date(season.get("end"), "heating_season.end", problems) or (3, 15)
    if start == end:
        problems.append("heating_season: start and end must differ")
    buildings = _buildings(raw.get("buildings"), problems, base_dir)
    options_raw = raw.get("options")
    options: list[OptionSpec] = []
    if not isinstance(options_raw, list) or not options_raw:
        problems.append("options: at least one [[options]] table with a name and capacity shares")
    else:
        seen: set[str] = set()
        for i, o in enumerate(options_raw):
            opt = _option(o, i, problems, seen)
            if opt is not None:
                options.append(opt)
    house = raw.get("boiler_house", {})
    if isinstance(house, dict) and set(house) - {"existing_gas_boiler_share"}:
        problems.append(f"boiler_house: unknown keys {', '.join(sorted(set(house) - {'existing_gas_boiler_share'}))}; "
                        "valid: existing_gas_boiler_share")
    existing = _number(house if isinstance(house, dict) else {}, "existing_gas_boiler_share", "boiler_house",
                       problems, 0.0, MAX_SHARE, 1.2)
    params = raw.get("params", {})
    try:
        load_plant_params(params, source=f"{source} [params]")
    except ValidationError as exc:
        problems.extend(f"params: {p}" for p in exc.problems)
        params = {}
    spec = PlantSpec(
        name=name, buildings=buildings, options=tuple(options),
        title=_text(raw, "title", "spec", problems, name), title_zh=_text(raw, "title_zh", "spec", problems, ""),
        engine=engine, weather=weather, objective=objective, carbon_price_cny_t=cprice, grid=grid,
        electricity_tariff=elec, gas_tariff=gas, season_start=start, season_end=end,
        supply=_supply(raw.get("supply"), problems), existing_gas_boiler_share=existing,
        sweep=_sweep(raw.get("sweep"), problems), params=params if isinstance(params, dict) else {}, source=source,
    )
    if problems:
        raise ValidationError(problems, source=source)
    return spec


def load_spec(path: str | Path | None = None) -> PlantSpec:
    """Read and validate a plant spec; ``None`` gives the default plant.

    Raises
    ------
    ValidationError
        A missing or unreadable file, bad TOML, or any bad field (all listed, with file and field).
    """
    if path is None:
        raw = copy.deepcopy(read_toml("simulator.plant", DEFAULT_SPEC))
        return parse_spec(raw, source=f"simulator/plant/{DEFAULT_SPEC}")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError([f"cannot read the plant file: {type(exc).__name__}: {exc.strerror or exc}"
                               if isinstance(exc, OSError) else "cannot read the plant file: not UTF-8 text"],
                              source=str(p)) from None
    raw = parse_toml(text, str(p))
    return parse_spec(raw, source=str(p), base_dir=p.resolve().parent)
