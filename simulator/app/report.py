"""Downloads of the builder: the library's report (simulator/reports) as HTML, PDF, CSV and Excel.

Built on request (a button), not on every rerun: a report is about 4.8 MB of HTML with plotly.js.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.exceptions import RetrofitError
from simulator.reports import report as R


@dataclass(frozen=True)
class Download:
    """One file to offer: button label key, bytes, file name, MIME type (data None: ``error`` says why)."""

    kind: str
    data: bytes | None
    file_name: str
    mime: str
    error: str = ""


MIMES = {"html": "text/html", "pdf": "application/pdf", "csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def downloads(building, archetype: str, result: dict[str, Any], lang: str, assumptions: dict[str, Any],
              weather: Any, energyplus: dict[str, Any] | None, building_title: str,
              credible_draws: int | None = None, weather_label: str | None = None) -> list[Download]:
    """Every download of one result (the report made once, rendered four ways).

    ``weather`` is what the evaluation used (a built-in name or a ``weather.Weather``); ``weather_label``
    names it in the report (default: ``weather`` itself).
    """
    rep = R.make_report(building, archetype, result, lang, assumptions, weather_label or str(weather), energyplus,
                        building_title,
                        R.package_label(result, lang),
                        intervals=R.calibrated_intervals(archetype, result, weather, assumptions, credible_draws))
    out = []
    for kind, render in (("html", R.to_html), ("pdf", None), ("csv", R.to_csv), ("xlsx", R.to_excel)):
        try:
            if render is None:
                from simulator.reports.pdf import to_pdf

                data = to_pdf(rep)
            else:
                data = render(rep)
            out.append(Download(kind, data, R.file_name(rep, kind), MIMES[kind]))
        except RetrofitError as exc:  # e.g. the CJK font of the PDF is missing
            out.append(Download(kind, None, R.file_name(rep, kind), MIMES[kind], str(exc)))
    return out
