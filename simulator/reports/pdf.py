"""The report as PDF (fpdf2 with Noto Sans CJK, so Chinese renders; charts drawn as vector bars)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulator.app.charts import COLORS
from simulator.reports import standards as S
from simulator.reports.report import (
    CJK_FONT_INDEX_SC,
    CJK_FONT_PATHS,
    MONTHS,
    MissingFontError,
    P,
    Report,
    _derived,
    _num,
    energyplus_table,
    fmt,
    info_table,
    intervals_note,
    intervals_table,
    label,
    monthly_table,
    ranges_note,
    ranges_table,
    results_table,
    standards_table,
    summary_table,
)

FONT = "NotoSansSC"
# glyphs Noto Sans CJK lacks (subscript two, ballot x) -> ones it has
MISSING_GLYPHS = str.maketrans({"₂": "2", "✗": "×"})


def cjk_font_path() -> Path:
    """The Noto Sans CJK collection; MissingFontError naming the package when it is absent."""
    for p in CJK_FONT_PATHS:
        if Path(p).is_file():
            return Path(p)
    raise MissingFontError(
        "PDF reports need the Noto Sans CJK font (NotoSansCJK-Regular.ttc), not found in "
        + " or ".join(CJK_FONT_PATHS)
        + ": install the Debian package fonts-noto-cjk (`make fonts`), or write HTML (--out report.html)")


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _table(pdf, frame: pd.DataFrame, widths: tuple[float, ...] | None = None, size: float = 7.5) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, size=size)
    pdf.set_fill_color(255, 255, 255)
    head_style = FontFace(emphasis="", fill_color=(243, 243, 243))
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=size * 0.55, wrapmode="CHAR",
                   headings_style=head_style, first_row_as_headings=True) as table:
        head = table.row()
        for c in frame.columns:
            head.cell(str(c))
        for row in frame.itertuples(index=False):
            r = table.row()
            for v in row:
                if isinstance(v, float):
                    text = f"{v:,}" if v == v else "-"
                else:
                    text = "-" if v is None else str(v)
                r.cell(text)
    pdf.ln(2)


def _heading(pdf, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, size=12)
    pdf.set_text_color(*_rgb(COLORS["heating"]))
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _bars(pdf, x: float, y: float, w: float, h: float, categories: list[str],
          series: list[tuple[str, str, list[float]]], y_title: str, stacked: bool = False) -> None:
    """Grouped (or stacked) bars with a y axis, ticks and a legend, in mm on the page."""
    totals = [sum(s[2][i] for s in series) for i in range(len(categories))] if stacked else \
        [max(s[2][i] for s in series) for i in range(len(categories))]
    top = max(max(totals), 1e-9)
    step = 10 ** int(f"{top:e}".split("e")[1])
    for m in (1, 2, 5, 10):
        if top / (m * step) <= 5:
            step *= m
            break
    n_ticks = int(top // step) + 1
    top = n_ticks * step
    left, bottom, plot_h = x + 14, y + h - 10, h - 16
    pdf.set_font(FONT, size=6.5)
    pdf.set_draw_color(200, 200, 200)
    for k in range(n_ticks + 1):
        yy = bottom - plot_h * k / n_ticks
        pdf.line(left, yy, x + w, yy)
        pdf.set_xy(x, yy - 1.5)
        pdf.cell(13, 3, f"{k * step:,.0f}" if step >= 1 else f"{k * step:g}", align="R")
    pdf.set_xy(x, y)
    pdf.cell(40, 3, y_title)
    slot = (x + w - left) / len(categories)
    bar_w = slot * 0.8 / (1 if stacked else len(series))
    for i, cat in enumerate(categories):
        base = 0.0
        for j, (_, color, values) in enumerate(series):
            v = values[i]
            pdf.set_fill_color(*_rgb(color))
            bh = plot_h * v / top
            bx = left + i * slot + slot * 0.1 + (0 if stacked else j * bar_w)
            by = bottom - bh - (plot_h * base / top if stacked else 0)
            if bh > 0:
                pdf.rect(bx, by, bar_w, bh, style="F")
            base += v if stacked else 0
        pdf.set_xy(left + i * slot, bottom + 0.5)
        pdf.cell(slot, 3, cat, align="C")
    lx = left
    pdf.set_y(bottom + 4.5)
    for name, color, _ in series:
        pdf.set_fill_color(*_rgb(color))
        pdf.rect(lx, bottom + 5.2, 3, 2.2, style="F")
        pdf.set_xy(lx + 3.5, bottom + 4.6)
        width = pdf.get_string_width(name) + 2
        pdf.cell(width, 3.5, name)
        lx += width + 7
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_y(y + h + 1)


def to_pdf(rep: Report) -> bytes:
    """The report as an A4 PDF (a few pages)."""
    from fpdf import FPDF

    class _PDF(FPDF):
        def normalize_text(self, text):
            return super().normalize_text(text.translate(MISSING_GLYPHS))

    font = cjk_font_path()
    lang = rep.lang
    zh = lang == "zh"
    pdf = _PDF(format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_margins(12, 12, 12)
    pdf.add_font(FONT, "", str(font), collection_font_number=CJK_FONT_INDEX_SC)
    pdf.set_title(f"{label('title', lang)} - {rep.building_title}")
    pdf.set_creator("Hongqiao retrofit simulator")
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 8, f"{label('title', lang)} · {rep.building_title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8.5)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(0, 4.5, f"{rep.package_title} · {rep.engine} · {rep.created}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)
    d = _derived(rep.result)
    # headline figures in boxes
    keys = ("capex_gross_cny", "capex_cny", "co2_saved_kg", "bill_savings_cny", "simple_payback_years",
            "heat_saved_gj")
    box_w = (pdf.w - 24) / 3
    y0 = pdf.get_y()
    for i, key in enumerate(keys):
        lz, le, uz, ue, f, n = P[key]
        bx, by = 12 + (i % 3) * box_w, y0 + (i // 3) * 13
        pdf.set_draw_color(210, 210, 210)
        pdf.rect(bx + 0.5, by, box_w - 1, 12)
        pdf.set_xy(bx + 2, by + 0.8)
        pdf.set_font(FONT, size=7.5)
        pdf.cell(box_w - 4, 4, lz if zh else le)
        pdf.set_xy(bx + 2, by + 5)
        pdf.set_font(FONT, size=11)
        value = _num(d.get(key), f, n)
        pdf.cell(box_w - 4, 6, "-" if value is None else f"{fmt(value, n)} {uz if zh else ue}")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(y0 + 28)
    _heading(pdf, label("assumptions", lang))
    _table(pdf, info_table(rep), (40, 60, 90), size=6.5)
    _heading(pdf, label("summary", lang))
    _table(pdf, summary_table(rep), (80, 40, 40))
    for key, table, note in (("ranges", ranges_table, ranges_note), ("intervals", intervals_table, intervals_note)):
        rows = table(rep)
        if rows is not None:
            _heading(pdf, label(key, lang))
            _table(pdf, rows, (62, 32, 32, 30, 30))
            pdf.set_font(FONT, size=7)
            pdf.multi_cell(0, 3.8, note(rep), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, label("results", lang))
    _table(pdf, results_table(rep), (55, 30, 30, 30, 30))
    b, r = rep.result["baseline"], rep.result["retrofit"]
    if pdf.get_y() > pdf.h - 80:
        pdf.add_page()
    _heading(pdf, label("monthly_chart", lang))
    _bars(pdf, 12, pdf.get_y(), pdf.w - 24, 62, MONTHS[lang], [
        (label("heating_b", lang), COLORS["heating_light"], [v / 1000 for v in b["monthly_heating_kwh"]]),
        (label("heating_r", lang), COLORS["heating"], [v / 1000 for v in r["monthly_heating_kwh"]]),
        (label("cooling_b", lang), COLORS["cooling_light"], [v / 1000 for v in b["monthly_cooling_kwh"]]),
        (label("cooling_r", lang), COLORS["cooling"], [v / 1000 for v in r["monthly_cooling_kwh"]]),
    ], "MWh")
    _heading(pdf, label("co2_chart", lang))
    carriers = [("市政热力" if zh else "District heat", COLORS["district_heat"], "heat_co2_kg"),
                ("天然气" if zh else "Gas", COLORS["gas"], "gas_co2_kg"),
                ("电网电力" if zh else "Grid electricity", COLORS["electricity"], "electricity_co2_kg")]
    _bars(pdf, 12, pdf.get_y(), 100, 50, [label("baseline", lang), label("retrofit", lang)],
          [(n, c, [b[k] / 1000, r[k] / 1000]) for n, c, k in carriers], "吨CO₂/年" if zh else "tCO₂/a", stacked=True)
    _heading(pdf, label("monthly", lang))
    _table(pdf, monthly_table(rep), (20, 34, 34, 34, 34, 30), size=7)
    _heading(pdf, label("standards", lang))
    pdf.set_font(FONT, size=8)
    none = label("none_reached", lang)
    steps = [S.step_reached(list(x), lang) for x in (rep.envelope_before, rep.envelope_after)]
    levels = [S.energy_levels_reached(list(x), lang) for x in (rep.energy_before, rep.energy_after)]
    pdf.multi_cell(0, 4.5, f"{label('step_reached', lang)}: {steps[0] if steps[0] != '-' else none} → "
                   f"{steps[1] if steps[1] != '-' else none};  {label('level_reached', lang)} (GB/T 51350): "
                   f"{levels[0] if levels[0] != '-' else none} → {levels[1] if levels[1] != '-' else none}",
                   new_x="LMARGIN", new_y="NEXT")
    _table(pdf, standards_table(rep), (34, 20, 16, 14, 13, 17, 13, 17, 42), size=6)
    _heading(pdf, label("energyplus", lang))
    ep = energyplus_table(rep)
    if ep is None:
        pdf.set_font(FONT, size=8)
        pdf.multi_cell(0, 4.5, label("no_check", lang), new_x="LMARGIN", new_y="NEXT")
    else:
        _table(pdf, ep, (60, 30, 30, 30, 30))
    _heading(pdf, label("sources", lang))
    pdf.set_font(FONT, size=7)
    pdf.multi_cell(0, 4, label("method", lang), new_x="LMARGIN", new_y="NEXT")
    for s in rep.sources:
        pdf.multi_cell(0, 3.8, f"· {s}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
