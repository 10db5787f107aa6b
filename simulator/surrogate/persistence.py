"""Storage of fitted surrogate models without pickle, and the model cache folder.

The cache folder is writable by others than the code's authors, so a cached
model is *data that cannot run code*: the fitted parameters (arrays and
numbers) in one ``.npz`` file read with ``allow_pickle=False``, plus a JSON
description of the object structure, rebuilt by the package's own
constructors (:func:`model_state` / :func:`model_from_state`). Log messages
go to the ``simulator.surrogate.model`` logger (as before the module split).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import platform
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.exceptions import ValidationError
from simulator.surrogate.model import MODEL_FORMAT, SurrogateModel
from simulator.surrogate.space import Family, get_family

log = logging.getLogger("simulator.surrogate.model")


def model_cache_dir() -> Path:
    from simulator.cache import default_cache_dir

    return default_cache_dir() / "surrogate"


def versions() -> dict[str, str]:
    import scipy
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "sklearn": sklearn.__version__, "pandas": pd.__version__, "model_format": MODEL_FORMAT}


def _cache_file(fam: Family, directory) -> Path:
    tag = "" if directory is None else "-" + hashlib.sha256(str(Path(directory).resolve()).encode()).hexdigest()[:8]
    return model_cache_dir() / f"{fam.name}{tag}.npz"


def _move_aside(path: Path) -> Path | None:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    try:
        os.replace(path, aside)
    except OSError:
        return None
    return aside


# --------------------------------------------------------------------------- storage without pickle

_STATE_KEY = "state.json"
_ARRAY_TAG = "__array__"
_TEXT_ARRAY_TAG = "__text_array__"


def model_state(model: SurrogateModel, meta: dict) -> tuple[dict, dict[str, np.ndarray]]:
    """The fitted model as a JSON-able tree plus named numeric arrays (no Python objects)."""
    arrays: dict[str, np.ndarray] = {}

    def enc(x):
        if isinstance(x, np.ndarray):
            if x.dtype.kind == "O":
                return {_TEXT_ARRAY_TAG: [str(v) for v in x]}
            key = f"a{len(arrays)}"
            arrays[key] = x
            return {_ARRAY_TAG: key}
        if isinstance(x, np.generic):
            return x.item()
        if isinstance(x, dict):
            if not all(isinstance(k, str) and not k.startswith("__") for k in x):
                raise ValidationError([f"cannot store a mapping with keys {list(x)[:5]}"])
            return {k: enc(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [enc(v) for v in x]
        if x is None or isinstance(x, bool | int | float | str):
            return x
        raise ValidationError([f"cannot store a {type(x).__name__} in a surrogate model file"])

    return {"format": MODEL_FORMAT, "metadata": meta, "model": enc(model._state())}, arrays


def model_from_state(state: dict, arrays) -> tuple[SurrogateModel, dict]:
    """Rebuild a model from :func:`model_state` output; only this module's constructors run."""
    def dec(x):
        if isinstance(x, dict):
            if set(x) == {_ARRAY_TAG}:
                return arrays[x[_ARRAY_TAG]]
            if set(x) == {_TEXT_ARRAY_TAG}:
                return np.array([str(v) for v in x[_TEXT_ARRAY_TAG]], dtype=object)
            return {k: dec(v) for k, v in x.items()}
        if isinstance(x, list):
            return [dec(v) for v in x]
        return x

    if not isinstance(state, dict):
        raise ValidationError([f"model file holds no model state, expected format {MODEL_FORMAT!r}"])
    if state.get("format") != MODEL_FORMAT:
        raise OtherModelFormat([f"model file format {state.get('format')!r}, expected {MODEL_FORMAT!r}"])
    return SurrogateModel._from_state(dec(state["model"])), state["metadata"]


class OtherModelFormat(ValidationError):
    """A readable model file of another :data:`~simulator.surrogate.model.MODEL_FORMAT` (stale, not broken)."""


def read_model(path: Path, family: Family | None = None) -> tuple[SurrogateModel, dict]:
    """Read a model file written by :func:`save_model` (``numpy.load`` with ``allow_pickle=False``).

    The rebuilt model is checked by predicting the family's feature-space
    corners: it must give finite values.

    Raises
    ------
    ValidationError, OSError, ValueError, KeyError, TypeError
        For a file that is not a valid model file (the caller moves it aside).
    """
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    state = json.loads(arrays.pop(_STATE_KEY).tobytes().decode("utf-8"))
    model, meta = model_from_state(state, arrays)
    fam = family or get_family(model.family)
    corners = pd.DataFrame([[f.low for f in fam.features], [f.high for f in fam.features]],
                           columns=fam.feature_names)
    if not np.isfinite(model.predict(corners).to_numpy(dtype=float)).all():
        raise ValidationError([f"{path}: the stored model predicts non-finite values"])
    return model, meta


def save_model(model: SurrogateModel, meta: dict, path: Path) -> None:
    """Write model + metadata atomically as ``.npz`` (no pickle), and the metadata as JSON beside it."""
    state, arrays = model_state(model, meta)
    arrays[_STATE_KEY] = np.frombuffer(json.dumps(state).encode("utf-8"), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
