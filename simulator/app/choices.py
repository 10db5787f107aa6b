"""Widget choices <-> measure specs: the package builder's state as plain data.

Kept free of Streamlit so the mapping is tested on its own: a ``Choices``
becomes a list of measure specs for :func:`buildings.measures.package`, and a
preset becomes a ``Choices`` that fills the widgets.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, MutableMapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from buildings import measures as M
from buildings.model import Building
from buildings.ventilation import hygiene_check
from simulator.app.i18n import t
from simulator.sourced_data import value_of

WALL_MATERIALS = ("eps_board", "rock_wool_board", "xps_board")
AIRTIGHT_ACH = (0.0, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1)  # 0 = unchanged

# names of the levels, (Chinese, English)
MATERIAL_NAMES = {"eps_board": ("EPS", "EPS"), "rock_wool_board": ("岩棉", "rock wool"), "xps_board": ("XPS", "XPS")}
WINDOW_NAMES = {"pvc_double": ("塑钢中空窗", "PVC double windows"), "lowe_double": ("Low-E中空窗", "Low-E double windows"),
                "triple_lowe": ("三玻Low-E窗", "triple Low-E windows")}
SOURCE_NAMES = {"ashp": ("空气源热泵", "air-source heat pump"), "electric_storage": ("蓄热电锅炉", "electric storage heating")}


def _name(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    return names[key][0 if lang == "zh" else 1]


def level_label(field: str, value: Any, lang: str = "zh") -> str:
    """How one level of a builder field reads in a widget (Chinese or English).

    Windows carry their U-value from the measure data, so the choice shows what it buys.
    """
    if field == "wall_material":
        return _name(MATERIAL_NAMES, value, lang)
    if field == "window_level":
        if value == "keep":
            return t("Keep existing", lang)
        u = value_of(M.kind_data("window_replacement")["levels"][value]["u_value_w_m2k"])
        return f"{_name(WINDOW_NAMES, value, lang)} (U {u:g})"
    if field == "heat_source":
        return t("Keep district heat", lang) if value == "keep" else _name(SOURCE_NAMES, value, lang)
    if field == "airtight_ach":
        return t("Unchanged", lang) if value == 0 else f"{value:g}"
    if isinstance(value, bool):
        return t("Yes", lang) if value else t("No", lang)
    return str(value)
WINDOW_LEVELS = ("keep", "pvc_double", "lowe_double", "triple_lowe")
HEAT_SOURCES = ("keep", "ashp", "electric_storage")


@dataclass(frozen=True)
class Choices:
    """The builder's inputs (0 / "keep" / False = measure not taken)."""

    wall_material: str = "eps_board"
    wall_mm: int = 0
    roof_mm: int = 0
    floor_mm: int = 0
    window_level: str = "keep"
    airtight_ach: float = 0.0  # 0 = keep
    mvhr: bool = False  # heat-recovery ventilation
    trv: bool = False
    led: bool = False
    heat_source: str = "keep"
    inverter_ac: bool = False
    pv_share_pct: int = 0

    def measures(self) -> list[str]:
        """Measure specs (``kind:key=value``) of these choices."""
        out = []
        if self.wall_mm > 0:
            out.append(f"wall_insulation:material={self.wall_material}:thickness_mm={self.wall_mm}")
        if self.roof_mm > 0:
            out.append(f"roof_insulation:material=xps_board:thickness_mm={self.roof_mm}")
        if self.floor_mm > 0:
            out.append(f"floor_insulation:material=xps_board:thickness_mm={self.floor_mm}")
        if self.window_level != "keep":
            out.append(f"window_replacement:level={self.window_level}")
        if self.airtight_ach > 0:
            out.append(f"airtightness:target_ach={self.airtight_ach}")
        if self.mvhr:
            out.append("mvhr")
        if self.trv:
            out.append("heat_metering_trv")
        if self.led:
            out.append("led_lighting")
        if self.heat_source == "ashp":
            out.append("ashp:replace_ac=true")
        elif self.heat_source == "electric_storage":
            out.append("electric_storage")
        if self.inverter_ac and self.heat_source != "ashp":
            out.append("inverter_ac")
        if self.pv_share_pct > 0:
            out.append(f"rooftop_pv:roof_share={self.pv_share_pct / 100:.2f}")
        return out

    def label(self) -> str:
        """The measure specs joined by " + " (exact; used in downloads)."""
        return " + ".join(self.measures()) or "none"

    def short_label(self, lang: str = "zh") -> str:
        """A readable name of the package for charts and tables, in Chinese ("zh") or English."""
        zh = lang == "zh"
        parts = []
        if self.wall_mm > 0:
            parts.append(f"{'外墙' if zh else 'wall '}{_name(MATERIAL_NAMES, self.wall_material, lang)} {self.wall_mm} mm")
        if self.roof_mm > 0:
            parts.append(f"{'屋面' if zh else 'roof '}XPS {self.roof_mm} mm")
        if self.floor_mm > 0:
            parts.append(f"{'地面' if zh else 'floor '}XPS {self.floor_mm} mm")
        if self.window_level != "keep":
            parts.append(_name(WINDOW_NAMES, self.window_level, lang))
        if self.airtight_ach > 0:
            parts.append(f"{'气密' if zh else 'airtight '}{self.airtight_ach:g} {'次/h' if zh else 'ach'}")
        if self.mvhr:
            parts.append("新风热回收" if zh else "heat-recovery ventilation")
        if self.trv:
            parts.append("计量+恒温阀" if zh else "metering + TRVs")
        if self.led:
            parts.append("LED照明" if zh else "LED lighting")
        if self.heat_source != "keep":
            parts.append(_name(SOURCE_NAMES, self.heat_source, lang))
        if self.inverter_ac and self.heat_source != "ashp":
            parts.append("变频空调" if zh else "inverter ACs")
        if self.pv_share_pct > 0:
            parts.append(f"{'光伏' if zh else 'PV '}{self.pv_share_pct}%{'屋面' if zh else ' of roof'}")
        return " + ".join(parts) or ("不改造" if zh else "no measures")

    def as_dict(self) -> dict:
        return asdict(self)


def options_from(assumptions: Mapping[str, Any]):
    """The sidebar's assumptions (grid, discount rate, horizon, subsidy) as :class:`simulator.evaluate.Options`."""
    from simulator.evaluate import Options

    return Options(grid=assumptions.get("grid"), discount_rate=assumptions.get("discount_rate"),
                   horizon_years=assumptions.get("horizon_years"),
                   subsidy_cny_m2=float(assumptions.get("subsidy_cny_m2", 0.0)))


def from_preset(name: str) -> Choices:
    """The builder choices equivalent to a preset package."""
    c = Choices()
    for m in M.package(name):
        k = m.kind
        if k == "wall_insulation":
            c = replace(c, wall_material=m.get("material"), wall_mm=int(m.get("thickness_mm")))
        elif k == "roof_insulation":
            c = replace(c, roof_mm=int(m.get("thickness_mm")))
        elif k == "floor_insulation":
            c = replace(c, floor_mm=int(m.get("thickness_mm")))
        elif k == "window_replacement":
            c = replace(c, window_level=m.get("level"))
        elif k == "airtightness":
            c = replace(c, airtight_ach=float(m.get("target_ach")))
        elif k == "mvhr":
            c = replace(c, mvhr=True)
        elif k == "heat_metering_trv":
            c = replace(c, trv=True)
        elif k == "led_lighting":
            c = replace(c, led=True)
        elif k in ("ashp", "electric_storage"):
            c = replace(c, heat_source=k)
        elif k == "inverter_ac":
            c = replace(c, inverter_ac=True)
        elif k == "rooftop_pv":
            c = replace(c, pv_share_pct=int(round(100 * m.get("roof_share"))))
    return c


def hygiene_note(b: Building, choices: Choices, lang: str = "zh") -> str | None:
    """A warning when the chosen package leaves a home's infiltration below the hygiene air change.

    None for non-residential buildings, with heat-recovery ventilation, or
    when infiltration stays at or above the hygiene rate of GB 50736-2012.
    """
    check = hygiene_check(M.apply(b, choices.measures()))
    if check is None or not check.relies_on_windows:
        return None
    return t("Airtightness {inf:.2f} 1/h is below the hygiene fresh-air rate {hyg:.2f} 1/h (GB 50736-2012) and "
             "there is no heat-recovery ventilation: the results assume residents air the flats by windows "
             "({makeup:.2f} 1/h, its heat loss counted). Add heat-recovery ventilation or keep airtightness at "
             "or above {hyg:.2f} 1/h.", lang, inf=check.infiltration_ach, hyg=check.hygiene_ach,
             makeup=check.window_makeup_ach)


#: The measure levels the compare page offers, per input.
LEVELS = {
    "wall_mm": (0, 50, 70, 100, 150),
    "roof_mm": (0, 80, 100, 150),
    "window_level": WINDOW_LEVELS,
    "airtight_ach": (0.0, 0.5, 0.3),
    "trv": (False, True),
    "led": (False, True),
    "heat_source": HEAT_SOURCES,
    "pv_share_pct": (0, 50, 100),
}
MAX_COMBINATIONS = 600


def combinations(levels: dict[str, tuple], base: Choices | None = None) -> list[Choices]:
    """Every combination of the chosen levels (itertools.product), at most MAX_COMBINATIONS."""
    base = base or Choices()
    keys = [k for k in levels if levels[k]]
    names = {f.name for f in fields(Choices)}
    for k in keys:
        if k not in names:
            raise KeyError(f"unknown choice {k!r}; valid: {', '.join(sorted(names))}")
    out = []
    for values in itertools.product(*(levels[k] for k in keys)):
        out.append(replace(base, **dict(zip(keys, values, strict=True))))
        if len(out) > MAX_COMBINATIONS:
            raise ValueError(f"more than {MAX_COMBINATIONS} combinations: choose fewer levels")
    return out


def picked_row(table_rows: list[int], chart_points: list[dict], n_rows: int) -> int | None:
    """The package a user picked on the compare page: a selected table row wins, else a clicked chart point.

    Chart points carry their table row in ``customdata`` (an int, or a one-item list).
    """
    for r in table_rows:
        if 0 <= int(r) < n_rows:
            return int(r)
    for p in chart_points:
        c = p.get("customdata")
        c = c[0] if isinstance(c, list | tuple) and c else c
        if isinstance(c, int | float) and 0 <= int(c) < n_rows:
            return int(c)
    return None


def open_in_builder(state: MutableMapping[str, Any], choices: Mapping[str, Any]) -> None:
    """Fill the builder's widget state (``b_<field>``) with these choices; the preset becomes "custom"."""
    chosen = Choices(**choices).as_dict()  # validates the field names
    state["choices"] = chosen
    for k, v in chosen.items():
        state[f"b_{k}"] = v
    state["b_preset"] = state["preset_applied"] = "custom"
