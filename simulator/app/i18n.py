"""Chinese and English labels of the app (Chinese is the default).

``t(text, lang)`` returns the Chinese label of an English text, or the text
itself in English; a text with no translation falls back to English, so a
missing entry never breaks a page (tests check every label used has one).
"""

from __future__ import annotations

LANGS = {"zh": "中文", "en": "English"}
DEFAULT_LANG = "zh"

ZH: dict[str, str] = {
    # navigation and common
    "Hongqiao retrofit simulator": "红桥区建筑节能改造模拟器",
    "Archetype explorer": "建筑原型",
    "Package builder": "改造方案",
    "Compare packages": "方案比选",
    "Climate": "气候",
    "About": "说明",
    "Language": "语言",
    "Archetype": "建筑原型",
    "Block": "建筑体块",
    "Windows": "窗",
    "Baseline": "改造前",
    "Retrofit": "改造后",
    "Heating": "供暖",
    "Cooling": "制冷",
    "Lighting": "照明",
    "Plugs": "插座设备",
    "Equipment": "设备",
    "Month": "月份",
    "Floor area": "建筑面积",
    "Storeys": "层数",
    "Shape factor": "体形系数",
    "Element": "部位",
    "Wall": "外墙",
    "Roof": "屋面",
    "Ground floor": "地面",
    "Window": "外窗",
    "Construction": "构造",
    "This building": "本建筑",
    "U-value [W/(m²·K)]": "传热系数 [W/(m²·K)]",
    "Monthly heating and cooling load": "逐月供暖与制冷负荷",
    "Load [MWh]": "负荷 [MWh]",
    "Energy by end use and carrier": "分项、分能源品种能耗",
    "Energy [MWh/a]": "能耗 [MWh/年]",
    "District heat": "市政热力",
    "Gas": "天然气",
    "Grid electricity": "电网电力",
    "PV": "光伏",
    "CO₂ [t/a]": "二氧化碳 [吨/年]",
    "Bills [万元/a]": "能源费用 [万元/年]",
    "Annual CO₂": "年二氧化碳排放",
    "Annual bills": "年能源费用",
    "Heating intensity": "供暖强度",
    "Cooling intensity": "制冷强度",
    # builder
    "Measures": "改造措施",
    "Wall insulation": "外墙保温",
    "Insulation material": "保温材料",
    "Thickness [mm]": "厚度 [mm]",
    "None": "无",
    "Roof insulation": "屋面保温",
    "Window level": "外窗",
    "Keep existing": "保留原窗",
    "Unchanged": "不改",
    "Yes": "是",
    "No": "否",
    "Airtightness [1/h]": "换气次数 [1/h]",
    "Heat metering and TRVs": "供热计量与恒温阀",
    "LED lighting": "LED照明",
    "Heat source": "热源",
    "Keep district heat": "保留市政供热",
    "PV share of usable roof [%]": "光伏占可用屋面 [%]",
    "Preset": "预设方案",
    "Custom": "自定义",
    "Results (surrogate model)": "结果（代理模型）",
    "Results (EnergyPlus)": "结果（EnergyPlus）",
    "Heating is billed per m² of floor (area fee): saved heat lowers CO₂ and the heat plant's costs, not the households' bills. Heat metering with TRVs turns savings into lower bills.":
        "供热按面积收费：节约的热量降低碳排放和热源成本，但不减少住户热费。实行供热计量（恒温阀）后节能才体现在账单上。",
    "Capex": "投资",
    "CO₂ saved": "年减碳",
    "Bill savings": "年节省费用",
    "Payback": "回收期",
    "NPV": "净现值",
    "Renewable share": "可再生能源替代率",
    "years": "年",
    "never": "不回收",
    "Heat-pump SCOP": "热泵季节能效",
    "Standard coal saved": "节约标准煤",
    "District heat bought": "外购市政热量",
    "Energy bought": "外购能源",
    "Click a point or a table row to open that package in the builder.": "点击图中的点或表格中的一行，可在改造方案页打开该方案。",
    "Selected": "已选",
    "Verify with EnergyPlus": "用EnergyPlus校核",
    "Surrogate vs EnergyPlus": "代理模型与EnergyPlus对比",
    "Queued: position {pos}": "排队中：第 {pos} 位",
    "Running EnergyPlus…": "正在运行EnergyPlus…",
    "Outside the surrogate's training range": "超出代理模型训练范围",
    "Download CSV": "下载CSV",
    "Download Excel": "下载Excel",
    "Download report (HTML)": "下载报告（HTML）",
    "Assumptions": "假设条件",
    # compare
    "Levels to combine": "组合的措施水平",
    "Capex [万元]": "投资 [万元]",
    "CO₂ saved [t/a]": "年减碳 [吨/年]",
    "Cost of conserved carbon [CNY/tCO₂]": "减碳成本 [元/吨CO₂]",
    "Pareto front": "帕累托前沿",
    "All packages": "全部方案",
    "Marginal abatement cost curve": "边际减排成本曲线",
    "Open in builder": "在方案页打开",
    "Package": "方案",
    # climate
    "Weather": "气象",
    "Scenario": "情景",
    "Today": "现状",
    "Monthly mean temperature [°C]": "月平均气温 [°C]",
    "Monthly global solar radiation [kWh/m²]": "月太阳总辐射 [kWh/m²]",
    "Degree days [K·d]": "度日数 [K·d]",
    "Upload an EPW file": "上传EPW气象文件",
    "Could not read this file": "无法读取该文件",
}


def t(text: str, lang: str = DEFAULT_LANG, **kwargs) -> str:
    """The label of ``text`` in ``lang`` ("zh" or "en"), with ``{name}`` fields filled in."""
    out = ZH.get(text, text) if lang == "zh" else text
    return out.format(**kwargs) if kwargs else out


def wan_cny(cny: float) -> float:
    """CNY as 万元 (ten thousand yuan), the unit a committee reads budgets in."""
    return cny / 1e4
