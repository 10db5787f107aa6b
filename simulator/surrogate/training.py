"""Scores, K-fold model selection, training, and the cached model of each family.

:func:`load_model` trains from the committed dataset on first use and caches
the fitted model with its metadata in ``$HONGQIAO_CACHE_DIR/surrogate``
(:mod:`simulator.surrogate.persistence`); a changed dataset, library version
or model format retrains. Log messages go to the ``simulator.surrogate.model``
logger (as before the module split).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone

from simulator.exceptions import ValidationError
from simulator.surrogate import calset
from simulator.surrogate import dataset as ds
from simulator.surrogate.model import (
    DEFAULT_KINDS,
    GROUPS,
    MODEL_FORMAT,
    PREDICTED,
    SurrogateModel,
    refit_fixed,
)
from simulator.surrogate.persistence import (
    OtherModelFormat,
    _cache_file,
    _move_aside,
    read_model,
    save_model,
    versions,
)
from simulator.surrogate.regressors import KINDS
from simulator.surrogate.space import Family, get_family

log = logging.getLogger("simulator.surrogate.model")

CV_FOLDS = 5


# --------------------------------------------------------------------------- scores


def scores(y_true: pd.DataFrame, y_pred: pd.DataFrame) -> dict[str, float]:
    """R2, CV(RMSE) [%], NMBE [%] and max error of annual and monthly outputs.

    CV(RMSE) and NMBE follow ASHRAE Guideline 14: RMSE and mean bias over the
    mean of the true values; monthly figures pool every (point, month) pair of
    the months with load.
    """
    out: dict[str, float] = {}
    for name in (*ds.ANNUAL, *ds.PEAKS, "window_solar_kwh_m2", *ds.DESIGN):
        if name in y_true and name in y_pred and y_true[name].notna().all() and y_pred[name].notna().all():
            out.update({f"{name}_{k}": v for k, v in metrics(y_true[name], y_pred[name]).items()})
    for kind, cols in (("heating", ds.HEATING_MONTHLY), ("cooling", ds.COOLING_MONTHLY)):
        t = y_true[list(cols)].to_numpy(dtype=float)
        p = y_pred[list(cols)].to_numpy(dtype=float)
        active = t.max(axis=0) > 0
        out.update({f"monthly_{kind}_{k}": v for k, v in metrics(t[:, active].ravel(), p[:, active].ravel()).items()})
    return out


def metrics(y_true, y_pred) -> dict[str, float]:
    """``r2``, ``cvrmse_pct``, ``nmbe_pct``, ``max_abs_error`` of one output."""
    t = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    e = p - t
    mean = t.mean() if len(t) else np.nan
    ss = np.sum((t - mean) ** 2)
    return {
        "r2": float(1.0 - np.sum(e**2) / ss) if ss > 0 else float("nan"),
        "cvrmse_pct": float(100.0 * np.sqrt(np.mean(e**2)) / mean) if mean else float("nan"),
        "nmbe_pct": float(100.0 * e.mean() / mean) if mean else float("nan"),
        "max_abs_error": float(np.abs(e).max()) if len(e) else float("nan"),
    }


def cross_validate(model: SurrogateModel, X: pd.DataFrame, Y: pd.DataFrame, folds: int = CV_FOLDS,
                   refit_hyperparameters: bool = True, random_state: int = 0) -> tuple[dict, pd.DataFrame]:
    """K-fold cross-validated scores and out-of-fold predictions.

    Parameters
    ----------
    model
        A fitted model (with ``refit_hyperparameters=False``, its GP kernels are
        kept and each fold only solves the GP on its training part: fast but
        slightly optimistic) or an unfitted one.
    refit_hyperparameters
        Fit every fold from scratch (honest, as slow as ``folds`` trainings).

    The folds keep each building's runs on every weather on one side
    (:func:`simulator.surrogate.intervals.building_folds`), as the calibration's do.
    """
    from simulator.surrogate.intervals import building_folds, building_ids

    split = building_folds(building_ids(model, X), folds, random_state)
    parts = []
    for tr, te in split:
        Xtr, Ytr, Xte = X.iloc[tr], Y.iloc[tr], X.iloc[te]
        if refit_hyperparameters:
            m = clone(model).fit(Xtr, Ytr)
        else:
            m = refit_fixed(model, Xtr, Ytr)
        parts.append(m.predict(Xte))
    pred = pd.concat(parts)
    pred = pred.iloc[np.argsort(np.concatenate([te for _, te in split]))]
    pred.index = X.index
    return scores(Y, pred), pred


def compare_models(family: str | Family, directory=None, folds: int = CV_FOLDS,
                   kinds: tuple[str, ...] = KINDS, progress: Callable[[int, int], None] | None = None) -> dict:
    """Rank the regressor kinds per output group by K-fold cross-validation (hyperparameters refitted per fold).

    Returns
    -------
    dict
        ``{"scores": {kind: {metric: value}}, "choice": {group: kind}, "fit_s": {kind: s}}``;
        the choice minimises the group's CV(RMSE) (annual for heating/cooling, with
        the monthly CV(RMSE) added).
    """
    fam = get_family(family)
    df = ds.load_dataset(fam, directory)
    X, Y = df[fam.feature_names], df
    results, fit_s = {}, {}
    for i, kind in enumerate(kinds):
        t0 = time.perf_counter()
        results[kind], _ = cross_validate(SurrogateModel(fam.name, {g: kind for g in GROUPS}), X, Y, folds)
        fit_s[kind] = round((time.perf_counter() - t0) / folds, 2)
        if progress is not None:
            progress(i + 1, len(kinds))
    crit = {
        "heating": lambda s: s["heating_kwh_m2_cvrmse_pct"] + s["monthly_heating_cvrmse_pct"],
        "cooling": lambda s: s["cooling_kwh_m2_cvrmse_pct"] + s["monthly_cooling_cvrmse_pct"],
        "peak_heating": lambda s: s["peak_heating_w_m2_cvrmse_pct"],
        "peak_cooling": lambda s: s["peak_cooling_w_m2_cvrmse_pct"],
        "window_solar": lambda s: s["window_solar_kwh_m2_cvrmse_pct"],
    }
    choice = {g: min(kinds, key=lambda k, g=g: crit[g](results[k])) for g in GROUPS}
    return {"family": fam.name, "n": len(df), "folds": folds, "data_sha256": ds.data_hash(fam, directory),
            "scores": results, "choice": choice, "fit_s_per_fold": fit_s}


# --------------------------------------------------------------------------- training and the model cache


def selection_path(family: str | Family, directory=None) -> Path:
    """Committed model-selection record of a family (written by ``train --compare``)."""
    return Path(directory or ds.data_dir()) / f"{get_family(family).name}.model_selection.json"


def chosen_kinds(family: str | Family, directory=None) -> dict[str, str]:
    """Regressor kinds of a family: the committed selection, else :data:`DEFAULT_KINDS`."""
    p = selection_path(family, directory)
    if p.is_file():
        choice = json.loads(p.read_text(encoding="utf-8")).get("choice", {})
        return {**DEFAULT_KINDS, **{g: k for g, k in choice.items() if g in GROUPS and k in KINDS}}
    return dict(DEFAULT_KINDS)


def train(family: str | Family, directory=None, kinds: dict | None = None, cv: bool = True,
          weather_inputs: bool = False) -> tuple[SurrogateModel, dict]:
    """Fit a family's model on its datasets (every training weather); returns the model and its metadata.

    With ``cv`` the intervals are calibrated too (:func:`simulator.surrogate.intervals.calibrate`).

    The CV scores in the metadata are the calibration's K folds by building (a
    building's runs on every weather stay in one fold), with the GP kernels of the
    full fit (each fold re-solves the GP, hyperparameters kept; other kinds refit),
    so training stays within seconds; ``compare_models`` gives fully refitted scores.
    """
    from simulator.surrogate.intervals import calibrate

    fam = get_family(family)
    df = ds.load_all(fam, directory).reset_index()
    prov = ds.read_provenance(fam, directory) or {}
    if prov.get("space_hash") not in (None, fam.space_hash()):
        raise ValidationError([f"the {fam.name} dataset was sampled over another feature space "
                               f"({prov.get('space_hash')}, now {fam.space_hash()}): resample it with "
                               f"`retrofit surrogate sample --family {fam.name}`"])
    if len(df) < 8:
        raise ValidationError([f"the {fam.name} dataset has {len(df)} points; at least 8 are needed"])
    kinds = {**chosen_kinds(fam, directory), **(kinds or {})}
    X, Y = df[[*fam.feature_names, "weather_id"]], df
    t0 = time.perf_counter()
    model = SurrogateModel(fam.name, kinds, weather_inputs=weather_inputs).fit(X, Y)
    fit_s = time.perf_counter() - t0
    oof: list[pd.DataFrame] = []
    cal_rows = calset.load(fam, directory) if cv else pd.DataFrame()
    cal_sha = calset.files_hash(fam, directory)
    cal_anchors = calset.load(fam, directory, anchors=True) if cv else pd.DataFrame()
    model.calibration_ = calibrate(model, X, Y, oof=oof, calset=cal_rows, calset_anchors=cal_anchors) if cv else {}
    # the CV scores come from the calibration's folds (no building on both sides of a fold)
    cv_scores = scores(Y, pd.concat(oof).sort_index().set_axis(Y.index)) if cv else {}
    weathers = {w: int((df["weather_id"] == w).sum()) for w in dict.fromkeys(df["weather_id"])}
    meta = {
        "family": fam.name,
        "model_format": MODEL_FORMAT,
        "kinds": kinds,
        "features": [{"name": f.name, "unit": f.unit, "low": f.low, "high": f.high} for f in fam.features],
        "targets": list(PREDICTED),
        "space_hash": fam.space_hash(),
        "data_sha256": training_data_hash(fam, directory, cal_sha),
        "calibration_set": {"n": int(len(cal_rows)), "sha256": cal_sha,
                            "weathers": sorted(set(cal_rows.get("weather_id", [])))},
        "n_train": int(len(df)),
        "training_weathers": weathers,
        "weather_inputs": [str(n) for n in model.physics_.weather_input_names_],
        "interval_calibration": model.calibration_,
        "weather_id": (prov.get("weather") or {}).get("id"),
        "engine_version": prov.get("engine_version"),
        "versions": versions(),
        "cv": {"folds": min(CV_FOLDS, len(df)), "method": "K-fold by building (a building's runs on every weather in one fold), GP kernels from the full fit", **cv_scores},
        "fit_s": round(fit_s, 2),
        "train_s": round(time.perf_counter() - t0, 2),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    log.info("trained %s on %d points in %.1f s", fam.name, len(df), fit_s)
    return model, meta


def load_model(family: str | Family, directory=None, retrain: bool = False) -> tuple[SurrogateModel, dict]:
    """The fitted model of a family: from the disk cache, or trained now and cached.

    A cached model is used only if its dataset hash, feature space, library
    versions and model format all match; otherwise it is retrained. A cached
    file that cannot be read is logged (warning, with its path), moved aside
    (renamed ``*.unreadable-<UTC time>``) and the model retrained.
    """
    fam = get_family(family)
    return _load_model_cached(fam.name, None if directory is None else str(Path(directory).resolve()),
                              training_data_hash(fam, directory), retrain)


def training_data_hash(family: str | Family, directory=None, calset_sha: str | None = None) -> str:
    """SHA-256 of what a model is fitted and calibrated on: the datasets and, if any, the calibration set
    (with the anchor's measures, penalty and local check, which score its anchored quantile).

    ``calset_sha``: :func:`simulator.surrogate.calset.files_hash` when the caller has it already.
    """
    import hashlib

    key = None
    if calset_sha is None:  # the same files unchanged since the last call: the same hash (no re-hashing)
        key = (get_family(family).name, str(directory), _files_state(directory))
        hit = _HASHES.get(key)
        if hit is not None:
            return hit
    from simulator.surrogate.anchor import (
        anchor_measures,
        anchor_ridge,
        local_settings,
        local_weight,
    )

    data = ds.data_hash_all(family, directory)
    extra = calset.files_hash(family, directory) if calset_sha is None else calset_sha
    if extra:  # the anchored quantile is scored with the anchor's measures, penalty and local check: they name the model too
        extra = (f"{extra}\0anchor:{'|'.join(anchor_measures())}:{anchor_ridge()!r}"
                 f":local:{local_settings()[0]}:{local_weight()!r}")
    out = data if not extra else hashlib.sha256(f"{data}\0{extra}".encode()).hexdigest()
    if key is not None:
        if len(_HASHES) >= 64:
            _HASHES.clear()
        _HASHES[key] = out
    return out


_HASHES: dict[tuple, str] = {}


def _files_state(directory) -> tuple:
    """Path, size and modification time of every file a training hash reads (the dataset folder, its
    calibration folder and the committed plan files): a rewritten file changes its key."""
    roots = {ds.data_dir()} | ({Path(directory)} if directory is not None else set())
    out = []
    for root in roots:
        for folder in (root, root / "calibration"):
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for e in entries:
                if e.is_file():
                    st = e.stat()
                    out.append((e.path, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


@cache
def _memo(name: str, directory: str | None, data_sha: str):
    return _load_or_train(name, directory, data_sha, False)


def _load_model_cached(name, directory, data_sha, retrain):
    if retrain:
        _memo.cache_clear()
        return _load_or_train(name, directory, data_sha, True)
    return _memo(name, directory, data_sha)


def _load_or_train(name: str, directory: str | None, data_sha: str, retrain: bool):
    fam = get_family(name)
    path = _cache_file(fam, directory)
    if path.is_file() and not retrain:
        try:
            model, meta = read_model(path, fam)
        except OtherModelFormat as exc:  # written by another version of this code: stale, overwritten below
            log.info("cached %s model is stale (%s): retraining", name, exc.problems[0])
        except Exception as exc:  # noqa: BLE001 - any fault in a data file: report, keep it aside, retrain
            aside = _move_aside(path)
            log.warning("cached surrogate model %s cannot be read (%s: %s); %s; retraining",
                        path, type(exc).__name__, str(exc)[:200],
                        f"moved aside to {aside.name}" if aside else "could not move it aside")
        else:
            if (meta.get("data_sha256") == data_sha and meta.get("space_hash") == fam.space_hash()
                    and meta.get("versions") == versions()):
                return model, meta
            log.info("cached %s model is stale (data, space or versions changed): retraining", name)
    model, meta = train(fam, directory)
    save_model(model, meta, path)
    return model, meta


