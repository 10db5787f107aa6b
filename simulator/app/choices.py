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

WALL_MATERIALS = ("eps_board", "rock_wool_board", "xps_board")
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
            mat = {"eps_board": "EPS", "rock_wool_board": "岩棉" if zh else "rock wool", "xps_board": "XPS"}
            parts.append(f"{'外墙' if zh else 'wall '}{mat[self.wall_material]} {self.wall_mm} mm")
        if self.roof_mm > 0:
            parts.append(f"{'屋面' if zh else 'roof '}XPS {self.roof_mm} mm")
        if self.floor_mm > 0:
            parts.append(f"{'地面' if zh else 'floor '}XPS {self.floor_mm} mm")
        if self.window_level != "keep":
            parts.append({"pvc_double": ("塑钢中空窗", "PVC double windows"),
                          "lowe_double": ("Low-E中空窗", "Low-E double windows"),
                          "triple_lowe": ("三玻Low-E窗", "triple Low-E windows")}[self.window_level][0 if zh else 1])
        if self.airtight_ach > 0:
            parts.append(f"{'气密' if zh else 'airtight '}{self.airtight_ach:g} {'次/h' if zh else 'ach'}")
        if self.trv:
            parts.append("计量+恒温阀" if zh else "metering + TRVs")
        if self.led:
            parts.append("LED照明" if zh else "LED lighting")
        if self.heat_source != "keep":
            parts.append({"ashp": ("空气源热泵", "air-source heat pump"),
                          "electric_storage": ("蓄热电锅炉", "electric storage heating")}[self.heat_source][0 if zh else 1])
        if self.inverter_ac and self.heat_source != "ashp":
            parts.append("变频空调" if zh else "inverter ACs")
        if self.pv_share_pct > 0:
            parts.append(f"{'光伏' if zh else 'PV '}{self.pv_share_pct}%{'屋面' if zh else ' of roof'}")
        return " + ".join(parts) or ("不改造" if zh else "no measures")

    def as_dict(self) -> dict:
        return asdict(self)


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
