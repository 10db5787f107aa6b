"""Active learning: add the training points where the surrogate is least sure.

:func:`active_points` looks at the next ``pool`` points of a family's Sobol
block after the last one in its dataset file (points never run), predicts
them with the current model on the weather, and returns the ``n`` whose
predictive spread is largest (:meth:`SurrogateModel.predict_z`: the GP's
spread of log annual heating and cooling, in units of each group's conformal
quantile, the larger of the two). ``retrofit surrogate sample --active`` runs
them through the same resumable, chunked sampler as the random points.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from simulator.surrogate import dataset as ds
from simulator.surrogate.sampling import BLOCK, DEFAULT_SEED, design, design_buildings
from simulator.surrogate.space import features_of, get_family

#: Candidates looked at per call [points]: 8 per point added, at least 256.
POOL_PER_POINT = 8
MIN_POOL = 256


def active_points(family: str, n: int, *, weather: str | None = None, base: str | None = None,
                  directory: str | os.PathLike | None = None, pool: int | None = None) -> list[int]:
    """Point ids (in the base's block) of the ``n`` candidates with the largest predictive spread."""
    from simulator.exceptions import ValidationError
    from simulator.surrogate.intervals import quantile
    from simulator.surrogate.training import load_model
    from simulator.surrogate.weathers import canonical_id, load_weather

    fam = get_family(family)
    base = base or fam.bases[0]
    if base not in fam.bases:
        raise ValidationError([f"{base!r} is not a design base of {fam.name}; bases: {', '.join(fam.bases)}"])
    block = fam.bases.index(base)
    wid = canonical_id(weather or ds.WEATHER_NAME)
    first = block * BLOCK
    ids = [int(i) for frame in ds.weather_files(fam, directory) for i in ds.load_dataset(fam, directory, frame).index]
    in_block = [i for i in ids if first <= i < first + BLOCK]
    start = (max(in_block) - first + 1) if in_block else 0
    pool = pool or max(MIN_POOL, POOL_PER_POINT * n)
    pts = design(fam, start, pool, _seed(fam, directory), block)
    built, _ = design_buildings(fam, pts, base)  # a candidate whose building leaves a range is left out
    if not built:
        raise ValidationError([f"{fam.name}: none of the {pool} candidates after point {first + start} lies inside "
                               "the family's feature ranges"])
    X = pd.DataFrame([features_of(b, fam) for b in built.values()], index=list(built))
    model, _ = load_model(fam, directory)
    w = load_weather(wid)
    _, spread, _ = model.predict_z(X, w)
    score = np.zeros(len(X))
    for g in ("heating", "cooling"):
        q, tau, _ = quantile(model, g, w)
        score = np.maximum(score, q * np.sqrt(spread[g] ** 2 + tau**2))
    order = np.argsort(-score, kind="stable")[:n]
    return sorted(int(i) for i in X.index[order])


def _seed(fam, directory) -> int:
    prov = ds.read_provenance(fam, directory) or {}
    return int((prov.get("sampler") or {}).get("seed", DEFAULT_SEED))
