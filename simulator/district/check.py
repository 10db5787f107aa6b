"""EnergyPlus check of the stock sample: how far is the surrogate on the district's own buildings?

:func:`check_sample` draws ``n`` random rows of a prepared roadmap (buildings
as they are and their retrofit variants), rebuilds each as a
:class:`~buildings.model.Building` from its features
(:func:`simulator.surrogate.space.building_from_features`), runs them through
the batch runner (:func:`simulator.batch.run_batch`: process pool or Dask, run
cache, progress callback) on the built-in Tianjin year, and compares annual
heating and cooling with the surrogate's prediction used by the roadmap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.exceptions import ValidationError

MAX_CHECK = 2000


@dataclass(frozen=True)
class SampleCheck:
    """Surrogate vs EnergyPlus on a random sample of the stock.

    Attributes
    ----------
    cases
        One row per building: ids, family, heating and cooling by both engines [kWh/m2], errors [%].
    failed
        Cases EnergyPlus could not run (name, first error line).
    """

    cases: pd.DataFrame
    failed: list

    def to_dict(self) -> dict:
        c = self.cases
        out: dict = {"n": int(len(c) + len(self.failed)), "n_ok": int(len(c)), "failed": self.failed}
        if len(c):
            for what in ("heating", "cooling"):
                ep, sg = c[f"{what}_energyplus_kwh_m2"].to_numpy(), c[f"{what}_surrogate_kwh_m2"].to_numpy()
                err = np.where(ep > 0, (sg - ep) / np.where(ep > 0, ep, 1.0) * 100.0, np.nan)
                out[f"{what}_error_mean_pct"] = float(np.nanmean(err))
                out[f"{what}_error_max_abs_pct"] = float(np.nanmax(np.abs(err)))
                out[f"{what}_cvrmse_pct"] = float(np.sqrt(np.mean((sg - ep) ** 2)) / np.mean(ep) * 100.0) \
                    if np.mean(ep) > 0 else None
                out[f"{what}_total_error_pct"] = float((sg.sum() - ep.sum()) / ep.sum() * 100.0) if ep.sum() > 0 else None
            out["cases"] = c.round(4).to_dict("records")
        return out


def check_sample(p, n: int, seed: int = 1, progress: Callable[[int, int], None] | None = None,
                 workers: int | None = None, scheduler=None, cache=None) -> SampleCheck:
    """Run ``n`` random sampled buildings in EnergyPlus and compare with the surrogate (see the module notes)."""
    import weather
    from simulator.batch import Case, run_batch
    from simulator.surrogate.space import building_from_features, get_family

    if not isinstance(n, int | np.integer) or not 1 <= n <= MAX_CHECK:
        raise ValidationError([f"n = {n!r}: number of buildings to check must be in [1, {MAX_CHECK}]"],
                              source="EnergyPlus check")
    rng = np.random.default_rng(seed)
    rows = p.rows
    pick = rng.choice(len(rows), size=min(int(n), len(rows)), replace=False)
    epw = str(weather.epw_path("tianjin"))
    cases, meta = [], []
    for i in pick:
        r = rows.iloc[i]
        fam = get_family(r["family"])
        x = {f.name: float(r[f.name]) for f in fam.features if not f.derived}
        name = f"stock-{int(r['building_id'])}-v{int(r['variant'])}"
        cases.append(Case(building_from_features(fam, x, name=name, strict=False), epw))
        meta.append((i, r))
    results = run_batch(cases, cache=cache, workers=workers, scheduler=scheduler, progress=progress)
    recs, failed = [], []
    for (i, r), res in zip(meta, results, strict=True):
        if res.loads is None:
            failed.append({"building": res.index, "error": (res.error or "").splitlines()[:1]})
            continue
        recs.append({"building_id": int(r["building_id"]), "variant": int(r["variant"]), "family": r["family"],
                     "segment": f"{r['building_type']}/{r['period']}/{r['envelope_state']}",
                     "heating_energyplus_kwh_m2": res.loads.heating_kwh_m2,
                     "heating_surrogate_kwh_m2": float(p.loads["heating_kwh_m2"].iloc[i]),
                     "cooling_energyplus_kwh_m2": res.loads.cooling_kwh_m2,
                     "cooling_surrogate_kwh_m2": float(p.loads["cooling_kwh_m2"].iloc[i])})
    return SampleCheck(pd.DataFrame(recs), failed)
