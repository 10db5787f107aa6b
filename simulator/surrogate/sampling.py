"""Space-filling designs over a family's features, and random retrofit packages.

The training design is a scrambled Sobol sequence (:class:`scipy.stats.qmc.Sobol`)
with a fixed seed: point ``i`` of a family is always the same, so a dataset
grows by asking for more points of the same sequence, and an interrupted run
resumes where it stopped.

:func:`random_package` draws the retrofit packages of the accuracy check: a
random subset of the envelope and operation measures of
:mod:`buildings.measures`, each with a random level or thickness. Systems
measures (heat pump, storage, PV) are left out: they do not change the loads.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
from scipy.stats import qmc

from buildings import measures as M
from buildings.model import Building
from simulator.exceptions import ValidationError
from simulator.surrogate.space import Family, building_from_features, features_of, get_family

log = logging.getLogger(__name__)

#: Seed of the training designs (all families).
DEFAULT_SEED = 20250

#: Thickness ranges [mm] and materials the accuracy check draws from (about the
#: catalogue's range, which spans 50-150 mm; the measure validation allows more).
CHECK_THICKNESS_MM = {"wall_insulation": (50, 150), "roof_insulation": (60, 200), "floor_insulation": (30, 100)}
CHECK_AIRTIGHT_ACH = (0.1, 0.6)  # down to the airtightness measure's lower bound
#: Probability that a measure kind is part of a random package.
CHECK_P_MEASURE = 0.55


def sobol_unit(dim: int, start: int, n: int, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Points ``start .. start + n - 1`` of a scrambled Sobol sequence in [0, 1)^dim."""
    sampler = qmc.Sobol(d=dim, scramble=True, seed=seed)
    if start:
        sampler.fast_forward(start)
    with warnings.catch_warnings():  # balance properties want powers of two; any n is fine here
        warnings.simplefilter("ignore", UserWarning)
        return sampler.random(n)


#: Point ids of design block ``b`` (one per design base) start at ``b * BLOCK``.
BLOCK = 1_000_000


def design(family: str | Family, start: int, n: int, seed: int = DEFAULT_SEED, block: int = 0) -> pd.DataFrame:
    """Design points ``start .. start + n - 1`` of a family's block, scaled to its feature ranges.

    Block ``b`` (design base ``family.bases[b]``) uses the Sobol seed ``seed + b``.

    Returns
    -------
    DataFrame
        Index ``point_id`` (``block * BLOCK + i``); one column per sampled feature
        (names carry units; derived features are read from the building each point gives).
    """
    fam = get_family(family)
    feats = fam.sampled_features
    u = sobol_unit(len(feats), start, n, seed + block)
    cols = {f.name: f.from_unit(u[:, j]) for j, f in enumerate(feats)}
    first = block * BLOCK + start
    X = pd.DataFrame(cols, index=pd.RangeIndex(first, first + n, name="point_id"))
    derived = [f.name for f in fam.features if f.derived]
    if derived:  # read from the building each point gives (thermal bridges follow geometry and insulation)
        base = fam.bases[block]
        rows = [features_of(building_from_features(fam, row, strict=False, base=base), fam)
                for row in X.to_dict("records")]
        for name in derived:
            X[name] = [r[name] for r in rows]
        X = X[fam.feature_names]
    return X


def design_buildings(family: str | Family, pts: pd.DataFrame, base: str | None = None,
                     name: bool = False) -> tuple[dict[int, Building], list[int]]:
    """The buildings of design points (rows of :func:`design`), and the points left out.

    A point's building can leave a feature's range by a little (a derived feature such as the wall's
    thermal bridges follows the layers built: office points 1714 and 1922 reach 0.618 W/(m2 K) against
    0.6); such a point is left out with its reason logged, so a campaign goes on.
    """
    fam = get_family(family)
    built: dict[int, Building] = {}
    left_out: list[int] = []
    for pid, row in pts.iterrows():
        try:
            built[int(pid)] = building_from_features(fam, row.to_dict(), base=base,
                                                     name=f"{fam.name}-p{pid}" if name else None)
        except ValidationError as exc:
            left_out.append(int(pid))
            log.warning("point %d of %s left out: %s", pid, fam.name, "; ".join(exc.problems)[:300])
    return built, left_out


def envelope_kinds() -> tuple[str, ...]:
    """Measure kinds that change the EnergyPlus loads (envelope and operation)."""
    return ("wall_insulation", "roof_insulation", "floor_insulation", "window_replacement",
            "airtightness", "mvhr", "heat_metering_trv", "led_lighting")


def random_package(rng: np.random.Generator, building: Building | None = None) -> tuple[M.Measure, ...]:
    """A random package of envelope and operation measures (never empty).

    Each kind is included with probability :data:`CHECK_P_MEASURE`; thicknesses
    are uniform in :data:`CHECK_THICKNESS_MM` (rounded to 10 mm), materials and
    window levels uniform over the library's choices.
    """
    del building  # the same draw applies to every archetype
    while True:
        out = []
        for kind in envelope_kinds():
            if rng.random() >= CHECK_P_MEASURE:
                continue
            data = M.kind_data(kind)
            if kind in CHECK_THICKNESS_MM:
                lo, hi = CHECK_THICKNESS_MM[kind]
                thickness = int(round(rng.uniform(lo, hi) / 10.0) * 10)
                material = str(rng.choice(list(data["materials"])))
                out.append(M.Measure.of(kind, material=material, thickness_mm=thickness))
            elif kind == "window_replacement":
                out.append(M.Measure.of(kind, level=str(rng.choice(list(data["levels"])))))
            elif kind == "airtightness":
                out.append(M.Measure.of(kind, target_ach=round(float(rng.uniform(*CHECK_AIRTIGHT_ACH)), 2)))
            else:
                out.append(M.Measure.of(kind))
        if out:
            return tuple(out)


def check_buildings(archetype: str, n: int, seed: int):
    """The archetype and ``n`` retrofitted variants with their package labels (deterministic in ``seed``)."""
    import archetypes
    from buildings import measures as M

    base = archetypes.load(archetype)
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        pkg = random_package(rng, base)
        b = M.apply(base, pkg).replace(name=f"{archetype}-check-s{seed}-{i:03d}")
        out.append((b, " + ".join(m.label for m in pkg)))
    return base, out
