"""What a retrofit package does to a sampled building's features, systems and costs.

The measures themselves live in :mod:`buildings.measures` (pure Building ->
Building functions). A district holds many buildings that differ from the
archetype, so the package is applied once to the archetype with the real
measure code and its effect is carried over to each sampled building by kind
of feature:

- **opaque U-values** (wall, roof, ground floor): the measures add layers in
  series, so the added thermal resistance ``dR = 1/U_after - 1/U_before`` of
  the archetype is added to each building: ``U' = 1 / (1/U + dR)`` (exact for
  layered constructions with the same surface resistances);
- **windows** (U, SHGC): replaced, so every building gets the new window's values;
- **caps** (infiltration, lighting power, heating setback): the measures set
  ``min(current, target)``, so each building keeps its own value if lower;
- **TRV night setback**: set to the measure's value;
- **systems**: the heat source, cooling system, flow temperature and heat
  metering of the retrofitted archetype; PV as kWp per m2 of footprint.

Costs are per m2 of floor of the archetype (:func:`buildings.measures.measure_cost`,
heat sources sized on the surrogate's predicted peak of the retrofitted
archetype), applied to every building of the class: geometry differences
change the cost per m2 by a few per cent, which the roadmap does not resolve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from buildings import measures as M

#: Features whose change adds a series resistance.
RESISTANCE_FEATURES = ("wall_u_w_m2k", "roof_u_w_m2k", "ground_floor_u_w_m2k")
#: Features the measures replace.
REPLACED_FEATURES = ("window_u_w_m2k", "window_shgc", "heating_night_setback_k", "wall_bridge_u_w_m2k")
#: Features the measures cap at a target (``min(current, target)``).
CAPPED_FEATURES = ("infiltration_ach", "lighting_w_m2", "heating_setback_c")
_REL_TOL = 1e-6


@dataclass(frozen=True)
class PackageEffect:
    """A package's effect on any building of one archetype.

    Attributes
    ----------
    package
        Package name (or measure list).
    archetype
        Archetype it was derived on.
    added_resistance_m2k_w
        Feature -> added series resistance [m2 K/W].
    replaced
        Feature -> new value.
    capped
        Feature -> cap (``min(current, cap)``).
    heating_source, cooling_system, supply_temperature_c, heat_metering
        Systems after the package (None: unchanged).
    pv_kwp_per_m2_footprint
        Added PV [kWp per m2 of roof footprint].
    capex_cny_m2
        Capital cost per m2 of floor [CNY/m2].
    capex_by_measure_cny_m2
        The same by measure.
    """

    package: str
    archetype: str
    added_resistance_m2k_w: dict = field(default_factory=dict)
    replaced: dict = field(default_factory=dict)
    capped: dict = field(default_factory=dict)
    heating_source: str | None = None
    cooling_system: str | None = None
    supply_temperature_c: float | None = None
    heat_metering: bool | None = None
    pv_kwp_per_m2_footprint: float = 0.0
    capex_cny_m2: float = 0.0
    capex_by_measure_cny_m2: dict = field(default_factory=dict)


def _changed(a: float, b: float) -> bool:
    return not math.isclose(a, b, rel_tol=_REL_TOL, abs_tol=1e-9)


@lru_cache(maxsize=128)
def package_effect(archetype: str, package: str) -> PackageEffect:
    """The effect of ``package`` derived on ``archetype`` (cached; see the module notes).

    Raises
    ------
    UnknownNameError
        Unknown archetype, package or measure (the message lists the valid names).
    """
    import archetypes
    from simulator.surrogate.engine import predict_features
    from simulator.surrogate.space import family_of, features_of

    before = archetypes.load(archetype)
    measures = M.package(package)
    after = M.apply(before, measures)
    fam = family_of(before)
    fb, fa = features_of(before, fam), features_of(after, fam)
    added, replaced, capped = {}, {}, {}
    for name in fam.feature_names:
        if name not in fb or not _changed(fb[name], fa[name]):
            continue
        if name in RESISTANCE_FEATURES:
            added[name] = 1.0 / fa[name] - 1.0 / fb[name]
        elif name in REPLACED_FEATURES:
            replaced[name] = fa[name]
        elif name in CAPPED_FEATURES:
            capped[name] = fa[name]
    pred = predict_features(fam, pd.DataFrame([fa]))
    # heat sources are sized on the design heating load; a surrogate without that target gives the peak
    per_m2 = "design_heating_w_m2" if "design_heating_w_m2" in pred.columns else "peak_heating_w_m2"
    design_w = float(pred[per_m2].iloc[0]) * after.floor_area_m2
    costs = [M.measure_cost(m, before, design_heating_w=design_w) for m in measures]
    area = before.floor_area_m2
    sb, sa = before.systems, after.systems
    return PackageEffect(
        package=package,
        archetype=archetype,
        added_resistance_m2k_w=added,
        replaced=replaced,
        capped=capped,
        heating_source=sa.heating_source if sa.heating_source != sb.heating_source else None,
        cooling_system=sa.cooling_system if sa.cooling_system != sb.cooling_system else None,
        supply_temperature_c=sa.supply_temperature_c if sa.supply_temperature_c != sb.supply_temperature_c else None,
        heat_metering=True if (sa.heat_metering and not sb.heat_metering) else None,
        pv_kwp_per_m2_footprint=(sa.pv_capacity_kw - sb.pv_capacity_kw) / before.geometry.footprint_m2,
        capex_cny_m2=sum(c.capex_cny for c in costs) / area,
        capex_by_measure_cny_m2={c.measure: c.capex_cny / area for c in costs},
    )


def apply_effect(features: pd.DataFrame, effect: PackageEffect) -> pd.DataFrame:
    """The feature table after the package (a new frame; columns the effect names but the table lacks are skipped).

    Parameters
    ----------
    features
        One row per building, the family's feature columns.
    effect
        From :func:`package_effect`.
    """
    out = features.copy()
    for name, dr in effect.added_resistance_m2k_w.items():
        if name in out:
            out[name] = 1.0 / (1.0 / out[name].to_numpy(dtype=float) + dr)
    for name, value in effect.replaced.items():
        if name in out:
            out[name] = value
    for name, cap in effect.capped.items():
        if name in out:
            out[name] = np.minimum(out[name].to_numpy(dtype=float), cap)
    return out
