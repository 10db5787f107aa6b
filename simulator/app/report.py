"""Downloads: results as CSV and Excel, and a one-page HTML report of a package."""

from __future__ import annotations

import html
import io
from typing import Any

import pandas as pd

from simulator.app.charts import styled
from simulator.app.i18n import t


def results_frame(result: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """Baseline and retrofit side by side, one row per quantity (units in the row names)."""
    b, r = result["baseline"], result["retrofit"]
    keys = [k for k in b if isinstance(b[k], int | float) and not isinstance(b[k], bool)]
    rows = [{"quantity": k, t("Baseline", lang): b[k], t("Retrofit", lang): r.get(k)} for k in keys]
    return pd.DataFrame(rows)


def package_frame(result: dict[str, Any]) -> pd.DataFrame:
    """The package-level figures (capex, savings, payback, ...) as quantity/value rows."""
    keys = ["capex_cny", "capex_cny_m2", "subsidy_cny", "bill_savings_cny", "simple_payback_years", "npv_cny",
            "co2_saved_kg", "cost_of_conserved_carbon_cny_per_t", "renewable_share", "hp_scop", "pv_kwh",
            "discount_rate", "horizon_years"]
    rows = [{"quantity": k, "value": result.get(k)} for k in keys]
    rows += [{"quantity": f"capex_{m}_cny", "value": v} for m, v in result.get("capex_by_measure_cny", {}).items()]
    return pd.DataFrame(rows)


def to_csv(frames: dict[str, pd.DataFrame]) -> bytes:
    """All frames in one CSV, a 'table' column naming each."""
    parts = [f.assign(table=name) for name, f in frames.items()]
    return pd.concat(parts, ignore_index=True).to_csv(index=False).encode("utf-8-sig")


def to_excel(frames: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per frame (openpyxl)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, f in frames.items():
            f.to_excel(xw, sheet_name=name[:31], index=False)
    return buf.getvalue()


def html_report(title: str, result: dict[str, Any], figures: list, assumptions: dict[str, Any],
                lang: str = "en") -> bytes:
    """A self-contained one-page HTML report: key figures, charts and assumptions."""
    def fmt(v):
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:,.2f}"
        return html.escape(str(v))

    pkg = package_frame(result)
    key_rows = "".join(f"<tr><td>{html.escape(str(q))}</td><td>{fmt(v)}</td></tr>" for q, v in pkg.itertuples(index=False))
    res = results_frame(result, lang)
    res_rows = "".join("<tr>" + "".join(f"<td>{fmt(v)}</td>" for v in row) + "</tr>" for row in res.itertuples(index=False))
    charts = []
    for i, fig in enumerate(figures):
        charts.append(styled(fig).to_html(full_html=False, include_plotlyjs=(i == 0),
                                          config={"displayModeBar": False}))
    ass = "".join(f"<li>{html.escape(str(k))}: {fmt(v)}</li>" for k, v in assumptions.items())
    measures = ", ".join(html.escape(m) for m in result.get("measures", [])) or "-"
    page = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}td:first-child{{text-align:left}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>{t("Measures", lang)}: {measures}</p>
<p>Engine: {html.escape(str(result.get("engine")))}; floor area {result.get("floor_area_m2", 0):,.0f} m²</p>
<h2>{t("Package", lang)}</h2><table>{key_rows}</table>
{''.join(charts)}
<h2>{t("Baseline", lang)} / {t("Retrofit", lang)}</h2>
<table><tr><th>quantity</th><th>{t("Baseline", lang)}</th><th>{t("Retrofit", lang)}</th></tr>{res_rows}</table>
<h2>{t("Assumptions", lang)}</h2><ul>{ass}</ul>
<p>Heating and cooling are EnergyPlus ideal loads (or the surrogate trained on them); delivered energy,
bills and CO₂ follow from the systems, tariff and emission-factor data files of the Hongqiao retrofit simulator.</p>
</body></html>"""
    return page.encode("utf-8")
