"""The app's "verify with EnergyPlus" run, in a process of its own (``python -m simulator.app.verify_job``).

The Streamlit server runs the page scripts as its ``__main__`` module, so a
process pool started inside it (forkserver or spawn) re-imports the app
script in every worker: about 2 s and 45 warnings per verify (issue 16). Here
the main module is this one, which runs nothing on import, and the process is
single-threaded, so the batch runner forks its two workers directly and
EnergyPlus gets its death signal.

Protocol: one JSON request on stdin,
``{"archetype": NAME, "choices": {...}, "assumptions": {...}, "weather": KEY | {"epw_b64": ..., "name": ...}}``
(a built-in weather key of :mod:`simulator.app.weather_choice`, or an uploaded EPW's bytes);
JSON lines on stdout: ``{"cases": [f0, f1]}`` as EnergyPlus simulates the
baseline and the retrofit (fraction of the year of each), then either
``{"result": SUMMARY}`` (:func:`simulator.reports.report.summarise`) or
``{"error": MESSAGE}``. Logs go to stderr. No Streamlit here.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import signal
import sys
from collections.abc import Callable
from typing import Any

import archetypes
import weather as weather_mod
from buildings import measures as M
from simulator import runner
from simulator.app import weather_choice
from simulator.app.choices import Choices, options_from
from simulator.batch import Case, run_batch
from simulator.energyplus import resolve_weather
from simulator.evaluate import evaluate, resolve_weather_spec
from simulator.exceptions import RetrofitError, WeatherError
from simulator.reports.report import summarise

log = logging.getLogger(__name__)

def weather_of(spec: str | dict[str, Any]) -> weather_mod.Weather:
    """The weather of a request: a built-in key, an uploaded file's bytes (validated), or an EPW path.

    Raises
    ------
    WeatherError, UnknownNameError
        A file that is not a valid EPW (named), or an unknown key.
    """
    if isinstance(spec, dict):
        try:
            data = base64.b64decode(str(spec.get("epw_b64", "")), validate=True)
        except ValueError:
            raise WeatherError("the uploaded weather file did not reach the EnergyPlus run intact") from None
        return weather_mod.parse_epw(data, str(spec.get("name", "upload.epw")))
    if spec in weather_choice.builtin_keys():
        return weather_choice.load_builtin(spec)
    return resolve_weather(resolve_weather_spec(spec))[0]


def verify_energyplus(archetype: str, choices: dict[str, Any], assumptions: dict[str, Any],
                      weather: str | dict[str, Any] = "tianjin",
                      progress: Callable[[list[float]], None] | None = None) -> dict[str, Any]:
    """Baseline and retrofit of the builder's choices in EnergyPlus, as the page's summary dict.

    Parameters
    ----------
    archetype
        Archetype name (:func:`archetypes.names`).
    choices
        The builder's choices (:class:`simulator.app.choices.Choices` fields).
    assumptions
        Grid, discount rate, horizon and subsidy (:func:`simulator.app.choices.options_from`).
    weather
        A built-in weather key, an uploaded file (``{"epw_b64": ..., "name": ...}``) or an EPW path.
    progress
        Called with the fraction [0-1] of the year EnergyPlus has simulated for the
        baseline and the retrofit, as it prints it (about every 20 simulated days).
    """
    building = archetypes.load(archetype)
    spec = Choices(**choices).measures()
    retro = M.apply(building, list(M.package(spec))) if spec else building
    w = weather_of(weather)
    path = weather_mod.write_cached_epw(w)  # named by its content hash, in the cache folder
    fractions = [0.0, 0.0]

    def case_progress(i: int, fraction: float) -> None:
        if fraction > fractions[i]:
            fractions[i] = fraction
            if progress is not None:
                progress(list(fractions))

    results = run_batch([Case(building, str(path)), Case(retro, str(path))], workers=2,
                        case_progress=case_progress)
    for r in results:
        if not r.ok:
            raise RetrofitError(r.error or "EnergyPlus run failed")
    ev = evaluate(building, spec if spec else [], weather=w, options=options_from(assumptions),
                  loads=(results[0].loads, results[1].loads))
    return summarise(ev)


def _clean(x: Any) -> Any:
    """JSON-safe: NaN and infinities become None."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(_clean(message), allow_nan=False) + "\n")
    sys.stdout.flush()


def main() -> int:
    """Read the request on stdin, run it, write progress and the result as JSON lines."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    runner.die_with_parent(signal.SIGTERM)  # the server went: stop (the pool workers then stop EnergyPlus)
    try:
        request = json.loads(sys.stdin.read())
        result = verify_energyplus(request["archetype"], request["choices"], request["assumptions"],
                                   request.get("weather", "tianjin"),
                                   progress=lambda cases: _emit({"cases": cases}))
    except RetrofitError as exc:
        _emit({"error": str(exc)})
        return 1
    except Exception:  # noqa: BLE001 - the page gets a message, the log the traceback
        log.exception("verify failed")
        _emit({"error": "EnergyPlus verification failed (internal error; see the server log)"})
        return 1
    _emit({"result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
