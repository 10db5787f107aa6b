"""Roadmap scenarios as data: what the district does, year by year.

A scenario file (TOML, see ``simulator/district/data/scenarios/default.toml``)
holds, for each year from ``start_year`` to ``end_year``:

- ``[grid]``: the grid emission-factor path [kgCO2/kWh];
- ``[climate]``: ``method = "none"`` (the built-in typical year every year) or
  ``"degree_days"`` (heating and cooling scaled by the HDD18/CDD26 of the
  morphed future year, ``scenario = "ssp245"``; an estimate until the surrogate
  takes weather, issue 12);
- ``[[retrofit]]``: floor area per year of the buildings matching ``select``
  that get ``package`` (a preset of ``buildings/data/packages.toml`` or a
  comma-separated measure list);
- ``[[new_construction]]``: floor area per year built to a ``standard``
  (a class of ``data/classes.toml``: ``five_step``, ``ultra_low``,
  ``new_public``, ``new_commercial``), with its public-institution flag and
  green-building share;
- ``[[demolition]]``: floor area per year removed from the matching buildings;
- ``[pv]``: the share of existing public-institution roofs with PV (a path)
  and of new public-institution roofs (per construction year), with the PV
  ``measure`` that sizes a covered roof;
- ``[[heat_pump_conversion]]``: floor area per year of matching buildings
  switched to air-source heat pumps;
- ``[heat_metering]``: the metered share of the matching district-heated area (a path);
- ``[[boiler_house_conversion]]``: floor area served by a converted boiler house
  (per year of conversion) and the ``plant_option`` it is converted to, an
  option of the plant spec ``plant_spec`` (default: the built-in gas boiler
  house of :mod:`simulator.plant`), whose hourly dispatch (LP, HiGHS) gives the
  electricity, CO2 and cost per GJ (:func:`simulator.plant.cost_and_co2_per_gj`).

Series are tables year -> value. *Flows* (``area_m2``, ``served_area_m2``)
count only the years listed (0 elsewhere); *paths* (``kgco2_kwh``, shares) are
interpolated linearly between the years listed and held flat outside them.
Every entry needs a ``source``. :func:`load_scenario` reports every problem of
a file in one :class:`~simulator.exceptions.ValidationError`.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from simulator.exceptions import UnknownNameError, ValidationError
from simulator.sourced_data import parse_toml

BUILTIN = ("default", "do_nothing")
SELECT_KEYS = ("building_type", "period", "envelope_state", "heating_source", "public_institution")
CLIMATE_METHODS = ("none", "degree_days")
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Flow:
    """An amount per year of something applied to the buildings matching ``select``.

    Attributes
    ----------
    name
        Label.
    select
        Column -> required value (see :data:`SELECT_KEYS`); empty matches all.
    area_m2
        Floor area per year of the scenario's years [m2/a].
    package
        Retrofit package (retrofits only).
    source
        Where the numbers come from.
    """

    name: str
    select: dict
    area_m2: np.ndarray
    package: str = ""
    source: str = ""


@dataclass(frozen=True)
class NewBuild:
    """New construction of one standard [m2 per year]."""

    name: str
    building_type: str
    standard: str
    public_institution: bool
    green_share: float
    area_m2: np.ndarray
    source: str = ""


@dataclass(frozen=True)
class BoilerConversion:
    """A boiler house converted to a plant option; ``served_area_m2`` per year of conversion.

    ``baseline_option`` is the plant option the boiler house runs today (the
    conversion's effect is counted against it).
    """

    name: str
    plant_option: str
    served_area_m2: np.ndarray
    plant_spec: str | None = None
    baseline_option: str = "gas_boiler"
    source: str = ""


@dataclass(frozen=True)
class Scenario:
    """A roadmap scenario, every series resolved to one value per year of :attr:`years`."""

    name: str
    title: str
    title_zh: str
    years: np.ndarray
    grid_kgco2_kwh: np.ndarray
    climate_method: str = "none"
    climate_scenario: str = "ssp245"
    retrofits: tuple[Flow, ...] = ()
    new_construction: tuple[NewBuild, ...] = ()
    demolitions: tuple[Flow, ...] = ()
    pv_measure: str = "pv_50"
    pv_existing_public_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pv_new_public_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    heat_pump_conversions: tuple[Flow, ...] = ()
    metering_select: dict = field(default_factory=dict)
    metering_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    boiler_conversions: tuple[BoilerConversion, ...] = ()
    sources: dict = field(default_factory=dict)
    origin: str = ""

    @property
    def start_year(self) -> int:
        return int(self.years[0])

    def year_index(self, year: int) -> int:
        """Position of ``year`` in :attr:`years` (a ValidationError outside)."""
        i = int(year) - self.start_year
        if not 0 <= i < len(self.years):
            raise ValidationError([f"year {year} outside the scenario's {self.years[0]}-{self.years[-1]}"],
                                  source=self.name)
        return i


def scenario_path(name: str) -> Path:
    """Path of a built-in scenario."""
    if name not in BUILTIN:
        raise UnknownNameError("scenario", name, list(BUILTIN))
    return Path(str(resources.files("simulator.district").joinpath("data", "scenarios", f"{name}.toml")))


def load_scenario(spec: str | os.PathLike | None = None) -> Scenario:
    """A built-in scenario by name (default ``"default"``) or a scenario file.

    Raises
    ------
    ValidationError
        Every problem of the file at once, naming the entry and field.
    UnknownNameError
        A name that is neither a built-in scenario nor an existing file.
    """
    spec = "default" if spec is None else spec
    if isinstance(spec, str) and spec in BUILTIN:
        path = scenario_path(spec)
        origin = f"simulator/district/data/scenarios/{spec}.toml"
    else:
        path = Path(spec)
        origin = path.name
        if not path.is_file():
            if isinstance(spec, str) and not spec.lower().endswith(".toml") and "/" not in spec:
                raise UnknownNameError("scenario", spec, list(BUILTIN))
            raise ValidationError([f"scenario file {str(path)!r} not found"], source="scenario")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError([f"file is {path.stat().st_size} bytes; at most {MAX_FILE_BYTES}"], source=origin)
    raw = parse_toml(path.read_bytes(), origin)
    return parse_scenario(raw, origin)


# --------------------------------------------------------------------------- parsing


class _Checker:
    def __init__(self, years: np.ndarray):
        self.years = years
        self.problems: list[str] = []

    def add(self, msg: str) -> None:
        self.problems.append(msg)

    def number(self, where: str, x, lo: float = 0.0, hi: float = math.inf) -> float:
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x) or not lo <= x <= hi:
            self.add(f"{where} = {str(x)[:40]!r}: must be a number in [{lo:g}, {hi:g}]")
            return 0.0
        return float(x)

    def _points(self, where: str, table, lo: float, hi: float) -> dict[int, float]:
        if not isinstance(table, dict) or not table:
            self.add(f"{where}: must be a table year -> value, e.g. {{ 2021 = 1.0 }}")
            return {}
        out = {}
        for k, v in table.items():
            try:
                year = int(k)
            except ValueError:
                self.add(f"{where}: key {str(k)[:20]!r} is not a year")
                continue
            if not MIN_YEAR <= year <= MAX_YEAR:
                self.add(f"{where}: year {year} outside {MIN_YEAR}-{MAX_YEAR}")
                continue
            out[year] = self.number(f"{where}.{year}", v, lo, hi)
        return out

    def flow(self, where: str, table, hi: float = 1e9) -> np.ndarray:
        pts = self._points(where, table, 0.0, hi)
        out = np.zeros(len(self.years))
        for year, v in pts.items():
            i = year - int(self.years[0])
            if not 0 <= i < len(self.years):
                self.add(f"{where}: year {year} outside the scenario's {self.years[0]}-{self.years[-1]}")
                continue
            out[i] = v
        return out

    def path(self, where: str, table, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
        pts = self._points(where, table, lo, hi)
        if not pts:
            return np.zeros(len(self.years))
        xs = sorted(pts)
        return np.interp(self.years, xs, [pts[x] for x in xs])

    def select(self, where: str, sel) -> dict:
        from simulator.district.stock import ENVELOPE_STATES, HEATING_SOURCES, classes

        if sel is None:
            return {}
        if not isinstance(sel, dict):
            self.add(f"{where}.select: must be a table, e.g. {{ building_type = \"residential\" }}")
            return {}
        table = classes()["class"]
        allowed = {"building_type": list(table), "period": sorted({p for t in table.values() for p in t}),
                   "envelope_state": list(ENVELOPE_STATES), "heating_source": list(HEATING_SOURCES)}
        out = {}
        for k, v in sel.items():
            if k not in SELECT_KEYS:
                self.add(f"{where}.select: unknown key {str(k)[:30]!r}; valid: {', '.join(SELECT_KEYS)}")
            elif k == "public_institution":
                if not isinstance(v, bool):
                    self.add(f"{where}.select.public_institution = {str(v)[:20]!r}: must be true or false")
                out[k] = bool(v)
            elif not isinstance(v, str) or v not in allowed[k]:
                self.add(f"{where}.select.{k} = {str(v)[:40]!r}: valid: {', '.join(allowed[k])}")
            else:
                out[k] = v
        return out

    def source(self, where: str, entry: dict) -> str:
        s = entry.get("source")
        if not isinstance(s, str) or not s.strip():
            self.add(f"{where}: every entry needs a source (where the numbers come from, or 'estimate: why')")
            return ""
        return s

    def keys(self, where: str, entry: dict, allowed: tuple[str, ...]) -> None:
        for k in entry:
            if k not in allowed:
                self.add(f"{where}: unknown key {str(k)[:30]!r}; valid: {', '.join(allowed)}")


def _entries(raw: dict, key: str, c: _Checker) -> list[tuple[str, dict]]:
    items = raw.get(key, [])
    if not isinstance(items, list):
        c.add(f"{key}: must be an array of tables ([[{key}]])")
        return []
    out = []
    for i, e in enumerate(items, start=1):
        if not isinstance(e, dict):
            c.add(f"{key} {i}: must be a table")
            continue
        out.append((f"{key} {i} ({str(e.get('name', ''))[:40]})", e))
    return out


def parse_scenario(raw: dict, origin: str = "scenario") -> Scenario:
    """Validate a parsed scenario file (see the module notes) and resolve its series.

    Raises
    ------
    ValidationError
        Every problem at once.
    """
    from buildings import measures as M
    from simulator.district.stock import classes

    top = ("schema_version", "name", "title", "title_zh", "start_year", "end_year", "grid", "climate", "retrofit",
           "new_construction", "demolition", "pv", "heat_pump_conversion", "heat_metering",
           "boiler_house_conversion", "description")
    pre: list[str] = []
    for k in raw:
        if k not in top:
            pre.append(f"unknown key {str(k)[:30]!r}; valid: {', '.join(top)}")
    y0, y1 = raw.get("start_year", 2020), raw.get("end_year", 2035)
    if not (isinstance(y0, int) and isinstance(y1, int) and MIN_YEAR <= y0 < y1 <= MAX_YEAR):
        raise ValidationError(pre + [f"start_year {y0!r} / end_year {y1!r}: integers with "
                                     f"{MIN_YEAR} <= start < end <= {MAX_YEAR}"], source=origin)
    years = np.arange(y0, y1 + 1)
    c = _Checker(years)
    c.problems.extend(pre)
    sources: dict[str, str] = {}

    grid = raw.get("grid")
    if not isinstance(grid, dict) or "kgco2_kwh" not in grid:
        c.add("[grid]: needs kgco2_kwh = { year = factor, ... } [kgCO2/kWh] and a source")
        grid_path = np.zeros(len(years))
    else:
        c.keys("[grid]", grid, ("kgco2_kwh", "unit", "source"))
        grid_path = c.path("grid.kgco2_kwh", grid["kgco2_kwh"], 0.0, 2.0)
        sources["grid"] = c.source("[grid]", grid)

    climate = raw.get("climate", {"method": "none", "source": "default: the built-in year"})
    method, clim_scen = "none", "ssp245"
    if not isinstance(climate, dict):
        c.add("[climate]: must be a table")
    else:
        c.keys("[climate]", climate, ("method", "scenario", "source"))
        method = climate.get("method", "none")
        if method not in CLIMATE_METHODS:
            c.add(f"climate.method = {str(method)[:30]!r}: valid: {', '.join(CLIMATE_METHODS)}")
        clim_scen = str(climate.get("scenario", "ssp245"))
        if method == "degree_days":
            from weather.morphing import future_scenarios

            valid = sorted({s for s, _ in future_scenarios()})
            if clim_scen not in valid:
                c.add(f"climate.scenario = {clim_scen[:30]!r}: valid: {', '.join(valid)}")
        sources["climate"] = str(climate.get("source", ""))

    packages = M.packages()
    retrofits = []
    for where, e in _entries(raw, "retrofit", c):
        c.keys(where, e, ("name", "select", "package", "area_m2", "source"))
        pkg = e.get("package")
        if not isinstance(pkg, str) or not pkg:
            c.add(f"{where}.package: a package name ({', '.join(packages)}) or a comma-separated measure list")
            pkg = ""
        elif pkg not in packages:
            try:
                M.package(pkg)
            except Exception as exc:  # noqa: BLE001 - the library's own message
                c.add(f"{where}.package = {pkg[:60]!r}: {str(exc)[:200]}")
        retrofits.append(Flow(str(e.get("name", pkg)), c.select(where, e.get("select")),
                              c.flow(f"{where}.area_m2", e.get("area_m2")), pkg, c.source(where, e)))

    standards = {f"{t}/{s}" for t, ss in classes()["class"].items() for s in ss}
    new = []
    for where, e in _entries(raw, "new_construction", c):
        c.keys(where, e, ("name", "building_type", "standard", "public_institution", "green_share", "area_m2",
                          "source"))
        key = f"{e.get('building_type')}/{e.get('standard')}"
        if key not in standards:
            c.add(f"{where}: building_type/standard {key[:60]!r} unknown; valid: {', '.join(sorted(standards))}")
        public = e.get("public_institution", False)
        if not isinstance(public, bool):
            c.add(f"{where}.public_institution = {str(public)[:20]!r}: must be true or false")
            public = False
        new.append(NewBuild(str(e.get("name", key)), str(e.get("building_type")), str(e.get("standard")),
                            bool(public), c.number(f"{where}.green_share", e.get("green_share", 0.0), 0.0, 1.0),
                            c.flow(f"{where}.area_m2", e.get("area_m2")), c.source(where, e)))

    demolitions = []
    for where, e in _entries(raw, "demolition", c):
        c.keys(where, e, ("name", "select", "area_m2", "source"))
        demolitions.append(Flow(str(e.get("name", "")), c.select(where, e.get("select")),
                                c.flow(f"{where}.area_m2", e.get("area_m2")), "", c.source(where, e)))

    pv = raw.get("pv", {})
    pv_measure, pv_existing, pv_new = "pv_50", np.zeros(len(years)), np.zeros(len(years))
    if not isinstance(pv, dict):
        c.add("[pv]: must be a table")
    elif pv:
        c.keys("[pv]", pv, ("measure", "existing_public_roof_share", "new_public_roof_share", "source"))
        pv_measure = str(pv.get("measure", "pv_50"))
        try:
            ms = M.package(pv_measure)
            if not all(m.kind == "rooftop_pv" for m in ms):
                c.add(f"pv.measure = {pv_measure[:40]!r}: must be a rooftop_pv measure (pv_50, pv_100)")
        except Exception as exc:  # noqa: BLE001 - the library's own message
            c.add(f"pv.measure = {pv_measure[:40]!r}: {str(exc)[:200]}")
        if "existing_public_roof_share" in pv:
            pv_existing = c.path("pv.existing_public_roof_share", pv["existing_public_roof_share"])
        if "new_public_roof_share" in pv:
            pv_new = c.path("pv.new_public_roof_share", pv["new_public_roof_share"])
        sources["pv"] = c.source("[pv]", pv)

    conversions = []
    for where, e in _entries(raw, "heat_pump_conversion", c):
        c.keys(where, e, ("name", "select", "area_m2", "source"))
        conversions.append(Flow(str(e.get("name", "")), c.select(where, e.get("select")),
                                c.flow(f"{where}.area_m2", e.get("area_m2")), "", c.source(where, e)))

    metering = raw.get("heat_metering", {})
    m_select, m_share = {}, np.zeros(len(years))
    if not isinstance(metering, dict):
        c.add("[heat_metering]: must be a table")
    elif metering:
        c.keys("[heat_metering]", metering, ("select", "share", "source"))
        m_select = c.select("[heat_metering]", metering.get("select"))
        m_share = c.path("heat_metering.share", metering.get("share"))
        sources["heat_metering"] = c.source("[heat_metering]", metering)

    boilers = []
    for where, e in _entries(raw, "boiler_house_conversion", c):
        c.keys(where, e, ("name", "plant_option", "plant_spec", "baseline_option", "served_area_m2", "source"))
        spec = e.get("plant_spec")
        option, baseline = e.get("plant_option"), e.get("baseline_option", "gas_boiler")
        valid = _plant_options(spec, where, c)
        if valid is not None:
            for key, name in (("plant_option", option), ("baseline_option", baseline)):
                if name not in valid:
                    c.add(f"{where}.{key} = {str(name)[:40]!r}: valid: {', '.join(valid)}")
        boilers.append(BoilerConversion(str(e.get("name", "")), str(option),
                                        c.flow(f"{where}.served_area_m2", e.get("served_area_m2")),
                                        str(spec) if spec is not None else None, str(baseline),
                                        c.source(where, e)))
    if c.problems:
        raise ValidationError(c.problems, source=origin)
    return Scenario(
        name=str(raw.get("name", Path(origin).stem))[:80], title=str(raw.get("title", ""))[:200],
        title_zh=str(raw.get("title_zh", ""))[:200], years=years, grid_kgco2_kwh=grid_path,
        climate_method=method, climate_scenario=clim_scen, retrofits=tuple(retrofits),
        new_construction=tuple(new), demolitions=tuple(demolitions), pv_measure=pv_measure,
        pv_existing_public_share=pv_existing, pv_new_public_share=pv_new,
        heat_pump_conversions=tuple(conversions), metering_select=m_select, metering_share=m_share,
        boiler_conversions=tuple(boilers), sources=sources, origin=origin,
    )


def _plant_options(spec, where: str, c: _Checker) -> list[str] | None:
    """Option names of a plant spec (None, with a problem recorded, if the spec cannot be read)."""
    from simulator.exceptions import RetrofitError
    from simulator.plant import load_spec

    try:
        return [o.name for o in load_spec(spec).options]
    except RetrofitError as exc:
        c.add(f"{where}.plant_spec: {str(exc)[:200]}")
        return None


# --------------------------------------------------------------------------- levers


def with_levers(s: Scenario, rollout: float = 1.0, pv_share: float | None = None, heat_pump: float = 1.0,
                grid_scale_2035: float = 1.0, new_build: float = 1.0, metering: float = 1.0,
                boiler: float = 1.0) -> Scenario:
    """A what-if variant of a scenario.

    Parameters
    ----------
    rollout
        Multiplies every retrofit flow [-].
    pv_share
        Share of public-institution roofs with PV: new roofs from the second
        year, existing roofs reached along the scenario's path (its shape
        rescaled; a 10-year ramp if it is flat) (None: unchanged) [-].
    heat_pump
        Multiplies the heat-pump and boiler-house conversion flows [-].
    grid_scale_2035
        Multiplies the grid factor's change from the first year, so 1 keeps the
        path, 0 holds the first year's factor, 1.5 falls 50 % faster [-].
    new_build
        Multiplies new construction [-].
    metering
        Multiplies the metered share (capped at 1) [-].
    boiler
        Multiplies the boiler-house conversions (on top of ``heat_pump``) [-].
    """
    problems = [f"{k} = {v!r}: must be a number >= 0" for k, v in
                dict(rollout=rollout, heat_pump=heat_pump, grid_scale_2035=grid_scale_2035, new_build=new_build,
                     metering=metering, boiler=boiler).items()
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0]
    if pv_share is not None and not (isinstance(pv_share, int | float) and 0 <= pv_share <= 1):
        problems.append(f"pv_share = {pv_share!r}: must be in [0, 1]")
    if problems:
        raise ValidationError(problems, source="scenario levers")

    def scale(flows, k):
        return tuple(dataclasses.replace(f, area_m2=f.area_m2 * k) for f in flows)

    g0 = s.grid_kgco2_kwh[0]
    out = dataclasses.replace(
        s,
        retrofits=scale(s.retrofits, rollout),
        heat_pump_conversions=scale(s.heat_pump_conversions, heat_pump),
        new_construction=tuple(dataclasses.replace(n, area_m2=n.area_m2 * new_build) for n in s.new_construction),
        boiler_conversions=tuple(dataclasses.replace(b, served_area_m2=b.served_area_m2 * heat_pump * boiler)
                                 for b in s.boiler_conversions),
        grid_kgco2_kwh=np.maximum(g0 + (s.grid_kgco2_kwh - g0) * grid_scale_2035, 0.0),
        metering_share=np.minimum(s.metering_share * metering, 1.0),
    )
    if pv_share is not None:
        ex = s.pv_existing_public_share
        top = float(ex.max())
        first = float(ex[0])
        # the existing-roof path keeps its shape, rescaled to reach pv_share; new roofs get pv_share from year 2
        ramp = (ex - first) / (top - first) if top > first else np.clip((s.years - s.years[0]) / 10.0, 0.0, 1.0)
        out = dataclasses.replace(
            out,
            pv_existing_public_share=first + (max(pv_share, first) - first) * ramp,
            pv_new_public_share=np.where(np.arange(len(s.years)) >= 1, pv_share, s.pv_new_public_share))
    return out
