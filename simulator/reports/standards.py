"""Verdicts against the standards, before and after a package.

- The envelope against the Tianjin / JGJ 26 residential energy-saving steps (50/65/75/83 %) or
  GB 50189 for public buildings (``buildings/data/standards.toml``).
- GB/T 51350-2019 ultra-low / nearly-zero / zero-energy levels from the heating demand and the
  renewable share (residential; public buildings need a reference building: not assessed).
- GB/T 51161-2016 non-heating energy use of offices (schools have no indicator: not assessed).

Every limit comes from a data file with its source; a check that cannot be made says so
(``passed is None``) instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from buildings.model import Building
from buildings.standards import envelope_steps, wall_u_basis
from simulator.sourced_data import read_toml, value_of

ELEMENTS = ("wall", "roof", "window")
ELEMENT_NAMES = {"wall": ("外墙", "wall"), "roof": ("屋面", "roof"), "window": ("外窗", "window")}


def envelope_steps_data(building_type: str) -> dict[str, Any]:
    """The envelope steps of a building type: residential steps, or GB 50189 for public buildings."""
    return envelope_steps(building_type)


def levels_data() -> dict[str, Any]:
    """simulator/data/standards_levels.toml (GB/T 51350 and GB/T 51161 limits), parsed once (never mutate)."""
    return read_toml("simulator", "data/standards_levels.toml")


@dataclass(frozen=True)
class Check:
    """One comparison of a value with a limit (``passed`` None = not assessed, see ``note``).

    Attributes
    ----------
    standard, standard_zh
        Name of the standard or step (English, Chinese).
    quantity, quantity_zh
        What is compared (English, Chinese).
    value
        The building's value [unit] (None when not assessed).
    limit
        The limit [unit]; ``value <= limit`` passes (``at_least``: ``value >= limit``).
    unit
        Unit of value and limit.
    source
        Where the limit comes from.
    """

    standard: str
    standard_zh: str
    quantity: str
    quantity_zh: str
    value: float | None
    limit: float | None
    unit: str
    source: str
    at_least: bool = False
    note: str = ""
    note_zh: str = ""

    @property
    def passed(self) -> bool | None:
        if self.value is None or self.limit is None:
            return None
        return self.value >= self.limit if self.at_least else self.value <= self.limit + 1e-9

    def text(self, lang: str) -> tuple[str, str, str]:
        """(standard, quantity, note) in ``lang``."""
        zh = lang == "zh"
        return (self.standard_zh if zh else self.standard, self.quantity_zh if zh else self.quantity,
                self.note_zh if zh else self.note)


def envelope_checks(building: Building) -> list[Check]:
    """Wall, roof and window U-values against every step of the building's group.

    The wall is compared with its mean U including its linear thermal bridges,
    as JGJ 26-2018 (cl. 2.1.3, App. B) and GB 50189-2015 (App. A) check it
    (``wall_u_basis`` in ``buildings/data/standards.toml``); the note gives its
    one-dimensional U beside it.
    """
    u = building.u_values_w_m2k()
    mean = wall_u_basis() == "mean"
    out = []
    for key, step in envelope_steps_data(building.building_type).items():
        if key.startswith("baseline"):  # the pre-code baseline is a reference, not a step to meet
            continue
        for el in ELEMENTS:
            zh, en = ELEMENT_NAMES[el]
            if el == "wall" and mean:
                out.append(Check(step["label"], step["label_zh"], "wall mean U-value (with thermal bridges)",
                                 "外墙平均传热系数（含热桥）", round(u["wall_mean"], 2), value_of(step[el]), "W/(m²·K)",
                                 step[el]["source"], note=f"1-D U of the layers {u['wall']:.2f}",
                                 note_zh=f"主体部位传热系数 {u['wall']:.2f}"))
                continue
            out.append(Check(step["label"], step["label_zh"], f"{en} U-value", f"{zh}传热系数",
                             round(u[el], 2), value_of(step[el]), "W/(m²·K)", step[el]["source"]))
    return out


def step_reached(checks: list[Check], lang: str = "en") -> str:
    """The strictest step whose every element passes ("-" when none)."""
    best = "-"
    by_step: dict[str, list[Check]] = {}
    for c in checks:
        by_step.setdefault(c.standard, []).append(c)
    for items in by_step.values():  # the file lists the steps from loosest to strictest
        if all(c.passed for c in items):
            best = items[0].standard_zh if lang == "zh" else items[0].standard
    return best


def _non_heating_kwh_m2(side: dict[str, Any], area_m2: float) -> float:
    """Electricity for everything but heating [kWh/(m² a)] (GB/T 51161's non-heating energy use)."""
    return (side["electricity_kwh"] - side.get("electricity_heating_kwh", 0.0)) / area_m2


def energy_checks(side: dict[str, Any], building_type: str, area_m2: float) -> list[Check]:
    """GB/T 51350 levels and GB/T 51161 limits for one side (baseline or retrofit) of a result.

    Parameters
    ----------
    side
        ``result["baseline"]`` or ``result["retrofit"]`` of an evaluation summary: needs
        ``heating_kwh_m2`` [kWh/(m² a)], ``renewable_share`` [-], ``electricity_kwh`` and
        ``electricity_heating_kwh`` [kWh/a].
    building_type
        "residential", "office", "school", ...
    area_m2
        Floor area [m²].
    """
    lv = levels_data()
    out: list[Check] = []
    if building_type == "residential":
        r = lv["gbt51350"]["residential"]
        heat, share = side["heating_kwh_m2"], side["renewable_share"]
        std = ("GB/T 51350-2019", "GB/T 51350-2019")
        out.append(Check(f"{std[0]} ultra-low energy", f"{std[1]} 超低能耗", "heating demand", "供暖需求",
                         round(heat, 1), value_of(r["ultra_low_heating_kwh_m2"]), "kWh/(m²·a)",
                         r["ultra_low_heating_kwh_m2"]["source"]))
        out.append(Check(f"{std[0]} nearly zero energy", f"{std[1]} 近零能耗", "heating demand", "供暖需求",
                         round(heat, 1), value_of(r["nearly_zero_heating_kwh_m2"]), "kWh/(m²·a)",
                         r["nearly_zero_heating_kwh_m2"]["source"]))
        out.append(Check(f"{std[0]} nearly zero energy", f"{std[1]} 近零能耗", "renewable share", "可再生能源利用率",
                         round(100 * share, 1), 100 * value_of(r["nearly_zero_renewable_share"]), "%",
                         r["nearly_zero_renewable_share"]["source"], at_least=True))
        out.append(Check(f"{std[0]} zero energy", f"{std[1]} 零能耗", "renewable share", "可再生能源利用率",
                         round(100 * share, 1), 100 * value_of(r["zero_renewable_share"]), "%",
                         r["zero_renewable_share"]["source"], at_least=True,
                         note="also needs the nearly-zero heating demand", note_zh="同时须满足近零能耗供暖需求"))
        out.append(Check(std[0], std[1], "not checked", "未核查", None, None, "", "SF 4",
                         note=r["not_checked"], note_zh=r["not_checked_zh"]))
    else:
        p = lv["gbt51350"]["public"]
        out.append(Check("GB/T 51350-2019", "GB/T 51350-2019", "energy level", "能效等级", None, None, "", "SF 4",
                         note=p["not_checked"], note_zh=p["not_checked_zh"]))
    if building_type == "office":
        o = lv["gbt51161"]["office"]
        value = round(_non_heating_kwh_m2(side, area_m2), 1)
        out.append(Check(f"GB/T 51161-2016 constraint ({o['class']})", f"GB/T 51161-2016 约束值（{o['class_zh']}）",
                         "non-heating energy use", "非供暖能耗", value, value_of(o["non_heating_limit_kwh_m2"]),
                         "kWh/(m²·a)", o["non_heating_limit_kwh_m2"]["source"]))
        out.append(Check(f"GB/T 51161-2016 guide ({o['class']})", f"GB/T 51161-2016 引导值（{o['class_zh']}）",
                         "non-heating energy use", "非供暖能耗", value, value_of(o["non_heating_guide_kwh_m2"]),
                         "kWh/(m²·a)", o["non_heating_guide_kwh_m2"]["source"]))
    elif building_type == "school":
        s = lv["gbt51161"]["school"]
        out.append(Check("GB/T 51161-2016", "GB/T 51161-2016", "non-heating energy use", "非供暖能耗", None, None,
                         "", "SF 5", note=s["not_checked"], note_zh=s["not_checked_zh"]))
    return out


def energy_levels_reached(checks: list[Check], lang: str = "en") -> str:
    """The best GB/T 51350 level all of whose checks pass ("-" when none or not assessed)."""
    best = "-"
    need: list[Check] = []
    for en, zh in (("ultra-low energy", "超低能耗"), ("nearly zero energy", "近零能耗"), ("zero energy", "零能耗")):
        items = [c for c in checks if c.standard == f"GB/T 51350-2019 {en}"]
        need = items + (need if en == "zero energy" else [])  # zero energy also needs the nearly-zero limits
        if not items or not all(c.passed for c in need):
            break
        best = zh if lang == "zh" else en
    return best


def verdict_symbol(passed: bool | None, lang: str) -> str:
    """✓ / ✗ / "not assessed" in the language."""
    if passed is None:
        return "未评价" if lang == "zh" else "not assessed"
    if lang == "zh":
        return "✓ 满足" if passed else "✗ 不满足"
    return "✓ pass" if passed else "✗ fail"
