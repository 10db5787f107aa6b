"""Training weathers of the surrogate: ids, how each year is made, and the training plan.

A training weather is named by a short id; the id alone reproduces the year
byte for byte (no file is committed):

``tianjin``
    The built-in synthetic Tianjin typical year (:func:`weather.load`).
``tianjin:<scenario>:<year>``
    Its morph to a future climate, e.g. ``tianjin:ssp245:2050`` (the
    scenarios and years of ``weather/data/future_deltas.csv``).
``synthetic:dt=<K>:ghi=<factor>:rh=<%RH>:amp=<factor>:seed=<int>[:dif=<factor>]``
    A variation of the built-in year from the project's generator
    (:func:`weather.synthetic.generate_year`) on an altered monthly table:
    every monthly dry bulb (mean, mean max, mean min) is moved by ``dt`` [K]
    plus ``(amp - 1)`` times the month's departure from the annual mean (so
    ``amp > 1`` gives colder winters and hotter summers), the monthly global
    horizontal irradiation is multiplied by ``ghi`` (sunnier or duller), the
    monthly mean relative humidity is moved by ``rh`` [%RH], and ``seed``
    draws another day-to-day sequence (cold spells, cloudy weeks) with the
    same monthly statistics; ``dif`` multiplies each hour's diffuse fraction
    (same GHI, more beam for ``dif < 1``: clearer, less hazy skies). Parameters
    may be left out (defaults ``dt=0``, ``ghi=1``, ``rh=0``, ``amp=1``,
    ``seed`` = the built-in year's, ``dif=1``); the canonical id
    (:attr:`WeatherSpec.id`) writes all of them except ``dif`` when it is 1, so
    the ids made before ``dif`` existed (and their EPW bytes) are unchanged.

The real Tianjin CSWD and TMYx years in ``../shared/weather`` are never
training weathers: an id is never a file path, so the held-out years cannot
enter a training plan by mistake.

The plan (:func:`training_plan`) lives in the data file
``simulator/data/surrogate/training_weathers.toml``: the weathers in priority
order with the design points to run per family and design base.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from simulator.exceptions import UnknownNameError, WeatherError

BUILT_IN_ID = "tianjin"
SYNTHETIC_PREFIX = "synthetic"

#: Allowed ranges of the synthetic parameters (wider than any plan uses; they keep the
#: monthly table physical: min < mean < max is kept by construction, RH stays in (5, 100) %).
#: ``dif`` (factor on the hourly diffuse fraction): the generator's Erbs split gives the built-in
#: year an annual diffuse fraction of 0.48, the real Tianjin years have 0.42 (CSWD) and 0.34 (TMYx
#: 2011-2025) (weather.climate.ClimateSummary of ../shared/weather/CHN_TJ_Tianjin.545270_CSWD.epw
#: and ..._TMYx.2011-2025.epw); 0.6 .. 1.2 spans about 0.30 .. 0.56, a little beyond the clearest
#: and the haziest of these, while above 1.2 the clipped fraction (at most 1) stops scaling.
SYNTHETIC_LIMITS = {"dt": (-6.0, 6.0), "ghi": (0.6, 1.4), "rh": (-30.0, 30.0), "amp": (0.7, 1.3),
                    "seed": (0, 2**32 - 1), "dif": (0.6, 1.2)}
RH_BOUNDS_PCT = (5.0, 100.0)
_NUMBER = r"[+-]?\d+(?:\.\d+)?"


def plan_path() -> Path:
    """The committed training plan ``simulator/data/surrogate/training_weathers.toml``."""
    return Path(__file__).resolve().parent.parent / "data" / "surrogate" / "training_weathers.toml"


@dataclass(frozen=True)
class WeatherSpec:
    """A training weather (see the module docstring for the ids).

    Attributes
    ----------
    kind
        ``"builtin"``, ``"morph"`` or ``"synthetic"``.
    scenario, year
        Future scenario and horizon of a morph (else None).
    dt_k
        Shift of every monthly dry bulb [K] (synthetic).
    ghi_factor
        Factor on the monthly global horizontal irradiation [-] (synthetic).
    rh_pct
        Shift of the monthly mean relative humidity [%RH] (synthetic).
    amplitude
        Factor on the monthly dry bulbs' departure from the annual mean [-] (synthetic).
    seed
        Seed of the day-to-day sequence (synthetic; None: the built-in year's).
    diffuse_factor
        Factor on each hour's diffuse fraction [-] (synthetic; 1: the generator's Erbs split).
    """

    kind: str
    scenario: str | None = None
    year: int | None = None
    dt_k: float = 0.0
    ghi_factor: float = 1.0
    rh_pct: float = 0.0
    amplitude: float = 1.0
    seed: int | None = None
    diffuse_factor: float = 1.0

    @property
    def id(self) -> str:
        """Canonical id (parses back to an equal spec)."""
        if self.kind == "builtin":
            return BUILT_IN_ID
        if self.kind == "morph":
            return f"{BUILT_IN_ID}:{self.scenario}:{self.year}"
        return (f"{SYNTHETIC_PREFIX}:dt={self.dt_k:+.1f}:ghi={self.ghi_factor:.2f}:rh={self.rh_pct:+.0f}"
                f":amp={self.amplitude:.2f}:seed={self._seed()}"
                + ("" if self.diffuse_factor == 1.0 else f":dif={self.diffuse_factor:.2f}"))

    @property
    def stem(self) -> str:
        """File-name stem of the id (letters, digits, ``+-._`` only)."""
        return re.sub(r"[^A-Za-z0-9+._-]", "_", self.id.replace("=", ""))

    @property
    def is_built_in(self) -> bool:
        return self.kind == "builtin"

    def _seed(self) -> int:
        from weather.synthetic import SEED

        return SEED if self.seed is None else int(self.seed)


def parse_weather_id(text: str) -> WeatherSpec:
    """The :class:`WeatherSpec` of a weather id.

    Raises
    ------
    UnknownNameError
        If the id is none of the three forms (the message lists them).
    WeatherError
        If a synthetic parameter is unknown, repeated or outside :data:`SYNTHETIC_LIMITS`.
    """
    from weather import future_scenarios

    s = str(text).strip()
    forms = [BUILT_IN_ID, *[f"{BUILT_IN_ID}:{sc}:{y}" for sc, y in future_scenarios()],
             f"{SYNTHETIC_PREFIX}:dt=<K>:ghi=<factor>:rh=<%RH>:amp=<factor>:seed=<int>[:dif=<factor>]"]
    if s == BUILT_IN_ID:
        return WeatherSpec("builtin")
    m = re.fullmatch(rf"{BUILT_IN_ID}:([a-z0-9]+):(\d{{4}})", s)
    if m:
        if (m.group(1), int(m.group(2))) not in future_scenarios():
            raise UnknownNameError("training weather", s, forms)
        return WeatherSpec("morph", scenario=m.group(1), year=int(m.group(2)))
    if not s.startswith(SYNTHETIC_PREFIX + ":") and s != SYNTHETIC_PREFIX:
        raise UnknownNameError("training weather", s[:80], forms)
    values: dict[str, float] = {}
    for part in [p for p in s[len(SYNTHETIC_PREFIX) + 1:].split(":") if p]:
        m = re.fullmatch(rf"([a-z]+)=({_NUMBER})", part)
        if not m or m.group(1) not in SYNTHETIC_LIMITS:
            raise WeatherError(f"weather id {s[:80]!r}: cannot read {part[:40]!r}; parameters are "
                               f"{', '.join(f'{k}=<number>' for k in SYNTHETIC_LIMITS)}")
        key, value = m.group(1), float(m.group(2))
        if key in values:
            raise WeatherError(f"weather id {s[:80]!r}: {key} given twice")
        lo, hi = SYNTHETIC_LIMITS[key]
        if not lo <= value <= hi or (key == "seed" and value != int(value)):
            raise WeatherError(f"weather id {s[:80]!r}: {key}={m.group(2)} outside {lo:g} .. {hi:g}"
                               + (" (an integer)" if key == "seed" else ""))
        values[key] = value
    return WeatherSpec("synthetic", dt_k=values.get("dt", 0.0), ghi_factor=values.get("ghi", 1.0),
                       rh_pct=values.get("rh", 0.0), amplitude=values.get("amp", 1.0),
                       seed=None if "seed" not in values else int(values["seed"]),
                       diffuse_factor=values.get("dif", 1.0))


def canonical_id(text: str) -> str:
    """The canonical form of a weather id (``synthetic:dt=1`` -> ``synthetic:dt=+1.0:ghi=1.00:...``)."""
    return parse_weather_id(text).id


def altered_climate(spec: WeatherSpec):
    """The monthly table of a synthetic variation (:class:`weather.synthetic.MonthlyClimate`)."""
    from weather.synthetic import MonthlyClimate, load_tianjin_monthly

    base = load_tianjin_monthly()
    t = base.table.copy()
    annual = t["dry_bulb_mean_c"].mean()
    shift = spec.dt_k + (spec.amplitude - 1.0) * (t["dry_bulb_mean_c"] - annual)
    for col in ("dry_bulb_mean_c", "dry_bulb_max_mean_c", "dry_bulb_min_mean_c"):
        t[col] = t[col] + shift
    t["ghi_kwh_m2"] = t["ghi_kwh_m2"] * spec.ghi_factor
    t["rel_humidity_mean_pct"] = (t["rel_humidity_mean_pct"] + spec.rh_pct).clip(*RH_BOUNDS_PCT)
    return MonthlyClimate(t, f"{base.source} altered for {spec.id}")


@cache
def load_weather(weather_id: str):
    """The :class:`weather.Weather` of a training weather id (cached per process, immutable)."""
    import weather
    from weather.synthetic import TIANJIN_SITE, generate_year

    spec = parse_weather_id(weather_id)
    if spec.kind == "builtin":
        return weather.load(BUILT_IN_ID)
    if spec.kind == "morph":
        return weather.load(BUILT_IN_ID, spec.scenario, spec.year)
    return generate_year(altered_climate(spec), TIANJIN_SITE, seed=spec._seed(), name=spec.stem,
                         diffuse_factor=spec.diffuse_factor)


def epw_path(weather_id: str) -> Path:
    """The EPW file of a training weather, written once into the weather cache (name carries its hash)."""
    import weather

    spec = parse_weather_id(weather_id)
    if spec.kind == "builtin":
        return weather.epw_path(BUILT_IN_ID)
    if spec.kind == "morph":
        return weather.epw_path(BUILT_IN_ID, spec.scenario, spec.year)
    return weather.write_cached_epw(load_weather(spec.id))


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedWeather:
    """One weather of the training plan.

    Attributes
    ----------
    id
        Canonical weather id.
    priority
        Run order (1 first).
    why
        What the weather adds to the training set.
    points
        Design points to run: ``{family: {design base: n}}`` (the first ``n``
        points of the base's Sobol block).
    active
        Points added after those by active learning, ``{family: {design base: n}}``
        (``retrofit surrogate sample --active``: where the model trained on the rest was least sure).
    """

    id: str
    priority: int
    why: str
    points: dict[str, dict[str, int]] = field(hash=False)
    active: dict[str, dict[str, int]] = field(default_factory=dict, hash=False)

    @property
    def runs(self) -> int:
        """EnergyPlus runs of this weather [-]."""
        return sum(n for part in (self.points, self.active) for bases in part.values() for n in bases.values())

    def total(self, family: str, base: str) -> int:
        """Design points of a family's base on this weather, random and active [-]."""
        return self.points.get(family, {}).get(base, 0) + self.active.get(family, {}).get(base, 0)


def training_plan(path: str | Path | None = None) -> tuple[PlannedWeather, ...]:
    """The training weathers in priority order (``training_weathers.toml``).

    Each ``[[weather]]`` entry has ``id``, ``priority``, ``why`` and either its own
    ``points`` table or ``sizes = "<name>"`` naming a table of ``[sizes.<name>]``.

    Raises
    ------
    WeatherError
        If the file is unreadable, an id is invalid or repeated, or a family or base is unknown.
    """
    from simulator.surrogate.space import families

    p = Path(path) if path is not None else plan_path()
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WeatherError(f"{p}: cannot read the training plan: {exc}") from exc
    sizes = raw.get("sizes", {})
    fams = families()
    out, seen = [], set()
    for i, entry in enumerate(raw.get("weather", [])):
        where = f"{p.name}: weather {i + 1}"
        try:
            wid = canonical_id(entry["id"])
            pts = entry["points"] if "points" in entry else sizes[entry["sizes"]]
            prio = int(entry["priority"])
        except (KeyError, TypeError, ValueError) as exc:
            raise WeatherError(f"{where}: needs id, priority and points or sizes ({exc})") from exc
        if wid in seen:
            raise WeatherError(f"{where}: {wid} appears twice")
        seen.add(wid)
        parts = []
        for table in (pts, entry.get("active", {})):
            part: dict[str, dict[str, int]] = {}
            if not isinstance(table, dict):
                raise WeatherError(f"{where}: points and active are tables of families")
            for fam, bases in table.items():
                if fam not in fams:
                    raise WeatherError(f"{where}: unknown family {fam!r}")
                for base, n in bases.items():
                    if base not in fams[fam].bases or not isinstance(n, int) or n < 1:
                        raise WeatherError(f"{where}: {fam}.{base} = {n!r} (need a design base of {fam} "
                                           f"({', '.join(fams[fam].bases)}) and a positive integer)")
                part[fam] = dict(bases)
            parts.append(part)
        out.append(PlannedWeather(wid, prio, str(entry.get("why", "")), parts[0], parts[1]))
    return tuple(sorted(out, key=lambda w: (w.priority, w.id)))


def plan_commands(plan: tuple[PlannedWeather, ...] | None = None, step: int = 128) -> list[str]:
    """Shell commands that run the plan, in priority order, growing each file by ``step`` points per call.

    Each command is resumable; committing the CSV files between calls gives chunked commits.
    """
    plan = plan if plan is not None else training_plan()
    out = []
    for w in plan:
        flag = "" if w.id == BUILT_IN_ID else f" --weather {w.id}"  # no shell-special characters in ids
        for fam, bases in w.points.items():
            for base, n in bases.items():
                for k in [*range(step, n, step), n]:
                    out.append(f"retrofit surrogate sample --family {fam} --base {base} --n {k}{flag}")
    for w in plan:  # active points last: they need the model
        flag = "" if w.id == BUILT_IN_ID else f" --weather {w.id}"
        for fam, bases in w.active.items():
            for base, n in bases.items():
                out.append(f"retrofit surrogate sample --family {fam} --base {base} --active --n {n}{flag}")
    return out


def with_points(w: PlannedWeather, points: dict[str, dict[str, int]]) -> PlannedWeather:
    """A copy of ``w`` with other design points."""
    return replace(w, points=points)
