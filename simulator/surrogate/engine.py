"""The surrogate engine: same interface and result as the EnergyPlus engine, in milliseconds.

``SurrogateEngine().simulate(building, weather) -> Loads`` reads the building's
features (:func:`simulator.surrogate.space.features_of`), predicts its monthly
heating and cooling loads, peaks and window solar gains per m2 with the family's
trained model (:mod:`simulator.surrogate.model`), and returns the same
:class:`~simulator.loads.Loads` as :class:`~simulator.energyplus.EnergyPlusEngine`:

* ``hourly_lighting_kwh`` and ``hourly_equipment_kwh`` are computed exactly
  from the building's W/m2 and schedules (they match EnergyPlus to rounding);
* ``hourly_heating_kwh`` / ``hourly_cooling_kwh`` spread each predicted
  monthly total over the month's hours with the hourly shape of a two-node
  (air, mass) model of the building on the weather and its setpoint schedules,
  blended with degree-hour weights in months where that model gives little
  load (:mod:`simulator.surrogate.hourly`); their monthly sums equal the
  predictions, and hours above the predicted peak are clipped to it (the
  excess goes to the month's other hours);
* ``peak_heating_w`` / ``peak_cooling_w`` are *predicted* by the model (largest
  hourly load of the year as EnergyPlus reports it; the heating peak never
  above the capacity sized on the predicted design load, as in EnergyPlus);
* ``design_heating_w`` / ``design_cooling_w`` are predicted where the model
  learned them (every training row has them); else None;
* ``hourly_window_solar_kwh`` follows the irradiation on each facade, scaled to
  the predicted annual total.

The weather is an input: the model predicts on the weather given (the physical
estimate runs on its hours; :mod:`simulator.surrogate.features`). On a weather that
is not one of the training years the first prediction of a family runs the
family's base archetype and its measure anchors (the base with each single
measure) once in EnergyPlus on it and corrects every prediction of the family
there by those runs (:mod:`simulator.surrogate.anchor`;
``SurrogateEngine(anchor=False)`` skips it; ``loads.meta["anchor"]`` says what
was done). Beside them it runs the local check (``[surrogate_anchor] local_check``
random packages of the family on the weather): they join the per-measure fit of
the correction at ``[surrogate_anchor] local_weight`` of a measure anchor's weight, and the anchored
surrogate's leave-one-out errors on them widen the intervals where this weather needs it
(:func:`simulator.surrogate.intervals.local_quantiles`). Every prediction carries 90 % intervals (``loads.meta["intervals_90"]``: annual
heating and cooling [kWh/m2], peaks and design loads [W/m2];
:mod:`simulator.surrogate.intervals`).

Domain of applicability: a building whose features leave the training ranges,
which changes a property the family holds fixed, or a weather whose features
(:mod:`simulator.surrogate.weather_features`) leave the range of the training
weathers gets a :class:`SurrogateDomainWarning`; the violations are listed
by :meth:`SurrogateEngine.check_domain`, kept in ``loads.meta["domain_violations"]``
(and ``"domain_warnings"``) and in :attr:`SurrogateEngine.last_violations` (per
thread), so a caller can fall back to EnergyPlus::

    engine = SurrogateEngine()
    if engine.check_domain(building, weather):
        loads = EnergyPlusEngine().simulate(building, weather)
    else:
        loads = engine.simulate(building, weather)
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from buildings.model import Building
from simulator.loads import Loads
from simulator.surrogate import dataset as ds
from simulator.surrogate import hourly as H
from simulator.surrogate.model import MODEL_FORMAT, PREDICTED
from simulator.surrogate.space import (
    Family,
    base_building,
    domain_violations,
    family_of,
    features_of,
    get_family,
)
from simulator.surrogate.training import load_model
from simulator.units import HOURS_PER_YEAR, MONTH_HOURS

log = logging.getLogger(__name__)



#: ``--engine auto`` runs EnergyPlus where the surrogate's 90 % interval of annual heating or cooling
#: has a half width above this share of the prediction [%]. Estimate: the accuracy target of issue 12
#: for heating on held-out years (CV(RMSE) <= 5 %); a wider interval says the model is less sure of
#: this case than the target it is held to.
AUTO_MAX_HALF_WIDTH_PCT = 5.0
#: ... unless the half width is below this [kWh/m2 a] (a near-zero load: a relative width means little).
AUTO_MIN_HALF_WIDTH_KWH_M2 = 1.0


def too_wide(total_kwh_m2: float, lo_kwh_m2: float, hi_kwh_m2: float) -> bool:
    """Whether a 90 % interval of an annual load sends ``--engine auto`` to EnergyPlus.

    Half width above :data:`AUTO_MIN_HALF_WIDTH_KWH_M2` and above :data:`AUTO_MAX_HALF_WIDTH_PCT` of
    the prediction (any half width above the floor where the prediction is not positive).
    """
    half = (hi_kwh_m2 - lo_kwh_m2) / 2.0
    return bool(half > AUTO_MIN_HALF_WIDTH_KWH_M2
                and (total_kwh_m2 <= 0 or 100.0 * half / total_kwh_m2 > AUTO_MAX_HALF_WIDTH_PCT))


def fallback_reasons(loads: Loads) -> list[str]:
    """Why a surrogate result should be run in EnergyPlus instead (empty: keep it).

    Out of the domain, or a 90 % interval of annual heating or cooling wider
    than :data:`AUTO_MAX_HALF_WIDTH_PCT` (and :data:`AUTO_MIN_HALF_WIDTH_KWH_M2`), except for the
    anchor's own base building, whose annual loads are its EnergyPlus run on the weather
    (``meta["anchor"]["exact"]``; the interval shown stays the model's).
    """
    meta = loads.meta if isinstance(loads.meta, dict) else {}
    out = [f"outside the surrogate's domain: {v}" for v in meta.get("domain_violations", [])]
    area = loads.floor_area_m2
    anchor = meta.get("anchor")
    if isinstance(anchor, dict) and anchor.get("exact"):
        return out
    for col, total in (("heating_kwh_m2", loads.heating_kwh / area), ("cooling_kwh_m2", loads.cooling_kwh / area)):
        lo, hi = meta.get("intervals_90", {}).get(col, (total, total))
        if too_wide(total, lo, hi):
            out.append(f"the surrogate's 90 % interval of {col} is {lo:.1f} .. {hi:.1f} kWh/m2 around {total:.1f} "
                       f"(wider than +/- {AUTO_MAX_HALF_WIDTH_PCT:g} %)")
    return out


def auto_pair(base: Building, retro: Building, w) -> tuple[tuple[Loads, Loads] | None, list[str]]:
    """``--engine auto``: the surrogate's loads of both buildings, or None and the reasons to run EnergyPlus."""
    engine = SurrogateEngine(warn=False)
    pair = (engine.simulate(base, w), engine.simulate(retro, w))
    reasons = [f"{b.name}: {r}" for b, ld in zip((base, retro), pair, strict=True) for r in fallback_reasons(ld)]
    return (None if reasons else pair), reasons


class SurrogateDomainWarning(UserWarning):
    """The surrogate was asked about a building or weather outside its training domain."""


def predict_features(family: str | Family, X, directory=None, weather=None, intervals: bool = False) -> pd.DataFrame:
    """Vectorised prediction for a feature table (no hourly series): the fast path for many packages.

    Parameters
    ----------
    family
        Family name.
    X
        DataFrame with the family's feature columns (or an array in model order);
        derived features (the walk-up wall's inner heat capacity) may be left
        out and then take the base archetype's value.
    directory
        Dataset folder (default: the committed datasets).
    weather
        The weather of every row: a ``weather.Weather``, a built-in name or EPW
        path (default: the built-in year).
    intervals
        Add the 90 % intervals (``..._p05``, ``..._p95``; see
        :func:`simulator.surrogate.intervals.predict_intervals`).

    Returns
    -------
    DataFrame
        Per row, per m2 of floor: ``heating_kwh_m2``, ``cooling_kwh_m2``, monthly
        ``heating_kwh_m2_mMM`` / ``cooling_kwh_m2_mMM``, ``peak_heating_w_m2``,
        ``peak_cooling_w_m2``, ``window_solar_kwh_m2``.
    """
    fam = get_family(family)
    model, _ = load_model(fam, directory)
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(np.asarray(X, dtype=float).reshape(-1, len(fam.features)), columns=fam.feature_names)
    missing = [f.name for f in fam.features if f.derived and f.name not in X.columns]
    if missing:  # derived features default to the base archetype's value
        base = features_of(base_building(fam), fam)
        X = X.assign(**{name: base[name] for name in missing})
    w = None if weather is None else _weather(weather)
    if intervals:
        from simulator.surrogate.intervals import predict_intervals

        return predict_intervals(model, X, w)
    return model.predict(X, w)


_ANCHORS: dict[tuple, object] = {}
_ANCHOR_LOCK = threading.Lock()


def built_in_reference(model, directory=None) -> dict[str, dict[str, float]]:
    """:func:`~simulator.surrogate.anchor.anchor_reference` from the calibration set's anchor runs on the built-in year in ``directory``."""
    from simulator.surrogate import calset
    from simulator.surrogate.anchor import anchor_reference

    rows = calset.load(model.family, directory, anchors=True)
    if rows.empty:
        return {}
    return anchor_reference(model, rows[rows["weather_id"] == ds.WEATHER_NAME])


def anchor_for(family, weather, directory=None, cache=None, progress=None, workers: int | None = None):
    """The :class:`~simulator.surrogate.anchor.Anchor` of a family on a weather (None on a training weather).

    EnergyPlus runs of the family's base archetype and of its measure anchors
    (:func:`anchor_buildings`) on the weather, compared with the surrogate, and of the
    local check's random packages (:func:`~simulator.surrogate.anchor.local_buildings`), which
    join the per-measure fit and widen the load intervals there where needed (:func:`_with_local_check`).

    Parameters
    ----------
    family
        Family name or :class:`~simulator.surrogate.space.Family`.
    weather
        A ``weather.Weather``.
    directory
        Dataset folder of the model.
    cache
        Run cache (path or :class:`simulator.cache.RunCache`; default: the user's run cache),
        so the run is made once per weather, model-independent.
    progress
        Passed to :func:`simulator.batch.run_batch`.

    Raises
    ------
    EnergyPlusError
        If EnergyPlus fails on the base building (the message names the weather).
    ValidationError
        If the ``[surrogate_anchor]`` settings are invalid (:func:`~simulator.surrogate.anchor.local_settings`,
        :func:`~simulator.surrogate.anchor.local_weight`), before any run.
    """
    from simulator.batch import Case, run_batch
    from simulator.exceptions import EnergyPlusError
    from simulator.surrogate.anchor import (
        anchor_buildings,
        anchor_of_runs,
        local_buildings,
        local_weight,
    )
    from weather.library import write_cached_epw

    fam = get_family(family)
    model, meta = load_model(fam, directory)
    if model.physics_.is_training_weather(weather):
        return None
    key = (fam.name, weather.id, meta.get("data_sha256"), str(directory))
    with _ANCHOR_LOCK:
        hit = _ANCHORS.get(key)
    if hit is not None:
        return hit
    reference = built_in_reference(model, directory)
    runs = anchor_buildings(fam)
    if not reference:  # the measure anchors need their runs on the built-in year (the calibration set's)
        log.warning("no anchor runs of %s on the built-in year in the calibration set (%s): the measure anchors "
                    "are not used, the base's run alone corrects the surrogate", fam.name,
                    directory or "the committed dataset")
        runs = runs[:1]
    base = runs[0][1]
    local = local_buildings(fam)
    local_weight()  # a bad setting is refused before any run (ValidationError)
    epw = write_cached_epw(weather)
    t0 = time.perf_counter()
    results = run_batch([Case(b, str(epw)) for _, b in runs + local], cache=cache, workers=workers,
                        progress=progress)
    results, local_results = results[: len(runs)], results[len(runs):]
    res = results[0]
    if not res.ok:
        raise EnergyPlusError(f"EnergyPlus failed on {base.name} on weather {weather.name!r} "
                              f"(the surrogate's anchor run): {res.error}")
    elapsed = 0.0 if all(r.cached for r in results + local_results) else time.perf_counter() - t0
    for k in range(1, len(runs)):
        if not results[k].ok:
            log.warning("measure anchor %s of %s on %r failed and is left out: %s", runs[k][0], fam.name,
                        weather.name, results[k].error)
    ok = [k for k in range(len(runs)) if results[k].ok]
    X = pd.DataFrame([features_of(runs[k][1], fam) for k in ok])
    true = pd.DataFrame([ds.targets_of(results[k].loads) for k in ok])
    a = anchor_of_runs(model, weather, weather.id, base.name, [runs[k][0] for k in ok], X, true,
                       reference or None, energyplus_s=elapsed)
    a = _with_local_check(model, weather, a, fam, local, local_results)
    log.info("surrogate anchor %s on %s (%d runs, %d of them the local check): %s", fam.name, weather.name,
             a.to_dict()["runs"], int(a.local.get("n", 0)), a.to_dict()["factors"])
    with _ANCHOR_LOCK:
        if len(_ANCHORS) >= 64:
            _ANCHORS.pop(next(iter(_ANCHORS)))
        _ANCHORS[key] = a
    return a


def _with_local_check(model, weather, anchor, fam, local, results):
    """``anchor`` fitted also on the local check's packages (:func:`~simulator.surrogate.anchor.with_local`,
    at :func:`~simulator.surrogate.anchor.local_weight`) with their leave-one-out quantiles
    (:func:`~simulator.surrogate.intervals.local_quantiles`).

    Failed runs are left out with a logged warning; with fewer than 9 packages left the anchor has
    no local check (the calibration set's quantile alone), and says so in its summary.
    """
    from dataclasses import replace

    from simulator.surrogate.anchor import MEASURE_COLUMNS, MIN_LOCAL, local_weight, with_local
    from simulator.surrogate.intervals import local_quantiles

    if not local:
        return anchor
    ok = [k for k, r in enumerate(results) if r.ok]
    for k, r in enumerate(results):
        if not r.ok:
            log.warning("local check package %s on %r failed and is left out: %s", local[k][1].name,
                        weather.name, r.error)
    if len(ok) < MIN_LOCAL:
        return replace(anchor, local={"n": len(ok), "note": f"only {len(ok)} local check runs succeeded "
                                      f"({MIN_LOCAL} needed): the calibration set's intervals alone"})
    X = pd.DataFrame([features_of(local[k][1], fam) for k in ok])
    true = pd.DataFrame([ds.targets_of(results[k].loads) for k in ok])
    finite = np.isfinite(true[list(MEASURE_COLUMNS)].to_numpy(dtype=float)).all(axis=1)
    pred = model.predict(X, weather)
    finite &= np.isfinite(pred[list(MEASURE_COLUMNS)].to_numpy(dtype=float)).all(axis=1)
    fitted = with_local(anchor, X[finite], true[finite], pred[finite], local_weight())
    if fitted is not anchor and not finite.all():  # the leave-one-out scores need the fit's packages alone
        X, true = X[finite], true[finite]
    qs, summary = local_quantiles(model, weather, fitted, X, true)
    if len(X) < MIN_LOCAL:
        summary["note"] = (f"only {len(X)} local check runs have finite loads ({MIN_LOCAL} needed): the "
                           f"calibration set's intervals alone")
    return replace(fitted, local_q=qs, local=summary)


class SurrogateEngine:
    """Predict a building's loads with the trained surrogate of its family.

    Parameters
    ----------
    directory
        Dataset folder (default: the committed ``simulator/data/surrogate``).
    warn
        Issue :class:`SurrogateDomainWarning` for out-of-domain requests.

    Notes
    -----
    The engine holds no per-call state that other threads could see: the
    domain violations of a call travel in ``loads.meta["domain_violations"]``
    (also under ``"domain_warnings"``, the key :mod:`simulator.evaluate` reads),
    and :attr:`last_violations` is per thread.
    """

    name = "surrogate"

    def __init__(self, directory: str | os.PathLike | None = None, warn: bool = True, anchor: bool = True):
        self.directory = directory
        self.warn = warn
        self.anchor = anchor
        self._local = threading.local()  # one engine is shared by app sessions (threads)

    @property
    def last_violations(self) -> list[str]:
        """Domain violations of this thread's last :meth:`simulate` call (empty: inside the domain)."""
        return list(getattr(self._local, "violations", []))

    @property
    def version(self) -> str:
        """Model format, scikit-learn version and a hash of the training datasets (for cache keys)."""
        import sklearn

        folder = ds.data_dir() if self.directory is None else Path(self.directory)
        stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(Path(folder).glob("*.csv")))
        return f"surrogate {MODEL_FORMAT}; sklearn {sklearn.__version__}; data {_datasets_hash(str(folder), stamp)}"

    def model(self, family: str | Family):
        """The fitted model and metadata of a family (trained and cached on first use)."""
        return load_model(family, self.directory)

    def check_domain(self, building: Building, weather=None) -> list[str]:
        """Every reason the surrogate should not be trusted for this building (and weather).

        Returns
        -------
        list of str
            Empty when the building (and weather) are inside the training domain.
        """
        out = domain_violations(building)
        if weather is not None:
            out += self.weather_problems(building, _weather(weather))
        return out

    def weather_problems(self, building: Building, w) -> list[str]:
        """Why a weather lies outside the training weathers of the building's family (empty: inside).

        A training year itself is inside; any other year is compared feature by
        feature (:mod:`simulator.surrogate.weather_features`) with the range of
        the training weathers plus a slack.
        """
        from simulator.surrogate.weather_features import domain_problems

        try:
            fam = family_of(building)
        except Exception:  # noqa: BLE001 - no family: reported by domain_violations
            return []
        model, _ = load_model(fam, self.directory)
        if model.physics_.is_training_weather(w):
            return []
        from simulator.surrogate.model import _features_of

        problems = domain_problems(_features_of(w), model.physics_.weather_ranges())
        return [f"weather {w.name!r} (id {w.id}): {p}" for p in problems]

    def anchor_of(self, fam, w, progress=None):
        """The anchor of a family on a weather (:mod:`simulator.surrogate.anchor`) and a note.

        ``(None, why)`` on a training weather, with anchoring off, or when the anchor run
        fails (the failure is logged as a warning naming the weather; the prediction
        then goes on unanchored, with the ``unseen`` intervals). ``progress(done, total)``: the
        anchor's EnergyPlus runs as they finish (none when the anchor is already made).
        """
        if not self.anchor:
            return None, "anchoring off"
        from simulator.exceptions import RetrofitError

        try:
            a = anchor_for(fam, w, self.directory, progress=progress)
        except RetrofitError as exc:
            log.warning("surrogate anchor run on weather %r failed, predictions stay unanchored: %s", w.name, exc)
            return None, f"anchor run failed: {exc}"
        return a, (None if a is not None else "training weather: no anchor needed")

    def simulate(self, building: Building, weather) -> Loads:
        """Predict the loads of a building on a weather year (returns the EnergyPlus engine's ``Loads``)."""
        t0 = time.perf_counter()
        w = _weather(weather)
        fam = family_of(building)  # raises for building types no family covers
        violations = self.check_domain(building, w)
        self._local.violations = violations
        if violations and self.warn:
            warnings.warn(SurrogateDomainWarning(
                f"{building.name}: outside the surrogate's domain ({len(violations)} issue(s)): "
                + "; ".join(violations) + ". Use EnergyPlus for this case."), stacklevel=2)
        from simulator.surrogate.intervals import TARGET_OF, predict_intervals

        model, meta = load_model(fam, self.directory)
        x = pd.DataFrame([features_of(building, fam)])
        anchor, anchor_note = self.anchor_of(fam, w)
        full = predict_intervals(model, x, w, anchor).iloc[0]
        pred = full[[*PREDICTED, *(c for c in ds.DESIGN if c in full.index)]]
        intervals = {c: [float(full[f"{c}_p05"]), float(full[f"{c}_p95"])] for c in TARGET_OF.values()
                     if f"{c}_p05" in full.index}
        loads = loads_from_prediction(building, w, pred, engine=self.version,
                                      meta={"family": fam.name, "domain_violations": violations,
                                            "domain_warnings": violations,
                                            "model_data_sha256": meta.get("data_sha256"),
                                            "intervals_90": intervals,
                                            "interval_calibration": str(full["interval_calibration"]),
                                            "anchor": _anchor_meta(anchor, x) if anchor is not None else anchor_note,
                                            "peaks": "predicted; hourly series are shaped monthly totals"})
        loads.meta["surrogate_s"] = round(time.perf_counter() - t0, 4)
        return loads


def _anchor_meta(anchor, x: pd.DataFrame) -> dict:
    """The anchor's report plus the factors it applied to this building's annual heating and cooling."""
    from simulator.surrogate.anchor import MEASURE_COLUMNS

    out = anchor.to_dict()
    out["building_factors"] = {c: round(float(np.exp(anchor.correction(x, c)[0])), 4) for c in MEASURE_COLUMNS}
    # the base building itself: its annual loads are the anchor's EnergyPlus run (fallback_reasons)
    out["exact"] = bool(anchor.at_base(x)[0])
    return out


@lru_cache(maxsize=8)
def _datasets_hash(folder: str, stamp: tuple) -> str:
    """SHA-256 (12 hex) over the dataset files of a folder; ``stamp`` (names, mtimes, sizes) keys the cache."""
    h = hashlib.sha256()
    for name, _, _ in stamp:
        h.update(name.encode())
        h.update((Path(folder) / name).read_bytes())
    return h.hexdigest()[:12]


def _weather(weather):
    from simulator.energyplus import resolve_weather

    return resolve_weather(weather)[0]


def _design(pred: pd.Series, col: str, area: float) -> float | None:
    """A predicted design load [W], or None where the model has none (trained without design loads)."""
    v = float(pred.get(col, float("nan")))
    return v * area if np.isfinite(v) else None


def loads_from_prediction(building: Building, w, pred: pd.Series, engine: str = "surrogate",
                          meta: dict | None = None) -> Loads:
    """Build a :class:`Loads` from per-m2 predictions (monthly, peaks, window solar) and hourly shapes."""
    area = building.floor_area_m2
    data = w.data
    t_out = data["dry_bulb_c"].to_numpy(dtype=float)
    ghi = data["ghi_wh_m2"].to_numpy(dtype=float)
    lighting = H.lighting_hourly_kwh(building)
    equipment = H.equipment_hourly_kwh(building)
    solar_shape = H.window_solar_shape(building, data, w.site)  # [Wh]

    # hourly shapes: a two-node model of the building, blended with degree-hour weights
    from simulator.energyplus import slab_ground_temperatures_c
    from simulator.surrogate.physics import AIR_WH_M3K, PEOPLE_SENSIBLE_FRACTION

    op, g = building.operation, building.geometry
    u = building.u_values_w_m2k()
    a_win = sum(g.window_area_m2(f) for f in ("south", "north", "east", "west"))
    a_wall = sum(g.facade_area_m2(f) for f in ("south", "north", "east", "west")) - a_win
    h_total = (u["wall_mean"] * a_wall + u["window"] * a_win + (u["roof"] + u["ground_floor"]) * g.footprint_m2
               + AIR_WH_M3K * op.infiltration_ach * g.footprint_m2 * g.storey_height_m * g.storeys) / area
    people = (H.profile_hourly(building, op.occupancy) * op.activity_w_per_person / op.occupancy_m2_per_person
              * PEOPLE_SENSIBLE_FRACTION)
    gains_w_m2 = (lighting + equipment) * 1000.0 / area + people
    solar_w_m2 = solar_shape * building.constructions.window.shgc / area
    heat_on = H.heating_on_hours(building) > 0
    free_rise = float(np.mean(gains_w_m2[heat_on])) / h_total if heat_on.any() else 0.0
    heat_w = H.heating_weights(building, t_out + 0.5 * solar_w_m2 / h_total, free_rise)
    cool_w = H.cooling_weights(building, t_out, ghi, free_rise)
    t_ground = np.repeat(np.asarray(slab_ground_temperatures_c(w), dtype=float), MONTH_HOURS)
    heat_rc, cool_rc = H.two_node_loads_w_m2(building, t_out, t_ground, solar_w_m2, gains_w_m2)

    heating_m = np.array([pred[f"heating_kwh_m2_m{m:02d}"] for m in range(1, 13)]) * area
    cooling_m = np.array([pred[f"cooling_kwh_m2_m{m:02d}"] for m in range(1, 13)]) * area
    peak_heating_w = float(pred["peak_heating_w_m2"]) * area if heating_m.sum() > 0 else 0.0
    peak_cooling_w = float(pred["peak_cooling_w_m2"]) * area if cooling_m.sum() > 0 else 0.0
    heating = H.blend_spread(heating_m, heat_rc * area / 1000.0, heat_w, H.heating_on_hours(building))
    cooling = H.blend_spread(cooling_m, cool_rc * area / 1000.0, cool_w, H.cooling_on_hours(building))
    heating = H.cap_hourly(heating, peak_heating_w / 1000.0)
    cooling = H.cap_hourly(cooling, peak_cooling_w / 1000.0)
    total_solar = float(pred["window_solar_kwh_m2"]) * area
    window_solar = solar_shape / solar_shape.sum() * total_solar if solar_shape.sum() > 0 \
        else np.zeros(HOURS_PER_YEAR)
    return Loads(
        floor_area_m2=area,
        hourly_heating_kwh=heating,
        hourly_cooling_kwh=cooling,
        hourly_lighting_kwh=lighting,
        hourly_equipment_kwh=equipment,
        hourly_window_solar_kwh=window_solar,
        peak_heating_w=peak_heating_w,
        peak_cooling_w=peak_cooling_w,
        engine=engine,
        design_heating_w=_design(pred, "design_heating_w_m2", area),
        design_cooling_w=_design(pred, "design_cooling_w_m2", area),
        weather_id=w.id,
        building_name=building.name,
        meta=dict(meta or {}),
    )
