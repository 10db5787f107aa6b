"""Chinese and English labels of the app (Chinese is the default).

``t(text, lang)`` returns the Chinese label of an English text, or the text
itself in English; a text with no translation falls back to English, so a
missing entry never breaks a page (tests check every label used has one).
"""

from __future__ import annotations

from simulator.calibration import messages as cal_msg

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
    # heat plant (simulator/app/pages/plant.py)
    "Heat plant": "锅炉房",
    "Heat plant: boiler-house conversions": "锅炉房改造：热泵、电蓄热与热电联产",
    "A gas boiler house of 73 × 10⁴ m² (old-estate and 1990s blocks) and its options, dispatched hour by hour over the heating season at least cost or least CO₂ (linear program, HiGHS).":
        "一座供热面积73万平方米的燃气锅炉房（老旧小区与1990年代住宅）及其改造方案，按采暖季逐时优化调度（成本最低或碳排放最低，线性规划，HiGHS求解）。",
    "Dispatch objective": "调度目标",
    "Least cost": "成本最低",
    "Least CO₂": "碳排放最低",
    "Computing": "计算中",
    "Heat to buildings": "建筑供热量",
    "Network losses": "管网热损失",
    "Design load": "设计热负荷",
    "Options": "方案",
    "Option": "方案",
    "Cost of heat [CNY/GJ]": "供热成本 [元/GJ]",
    "CO₂ [kg/GJ]": "二氧化碳 [kg/GJ]",
    "CO₂ with green power [kg/GJ]": "购绿电时二氧化碳 [kg/GJ]",
    "Grid peak [kW]": "电网最大负荷 [kW]",
    "Valley share of electricity [%]": "谷电占比 [%]",
    "Grid factor where CO₂ ranking turns [kg/kWh]": "碳排放排序反转的电网因子 [kg/kWh]",
    "Tariff multiplier where cost ranking turns [-]": "成本排序反转的电价倍数 [-]",
    "Gas price where cost ranking turns [CNY/m³]": "成本排序反转的气价 [元/m³]",
    "Cost of heat: annualised new capex (capital recovery factor, {rate_pct:g} % real) + O&M + energy, per GJ delivered to the buildings. Turning points are against the first option (today's gas boilers).":
        "供热成本：新增投资按资本回收系数（实际折现率{rate_pct:g}%）年化，加运维与能源费用，按送到建筑的每GJ热量计。反转点均相对第一个方案（现状燃气锅炉）。",
    "Cold week, hour by hour": "最冷一周逐时调度",
    "Gas boilers": "燃气锅炉",
    "Heat pumps": "空气源热泵",
    "Electric boilers": "电锅炉",
    "CHP heat": "热电联产供热",
    "From storage": "蓄热放热",
    "Demand + network losses": "热负荷 + 管网损失",
    "Storage level [MWh]": "蓄热量 [MWh]",
    "Heat [MW]": "热量 [MW]",
    "Grey bands: peak-tariff hours. Stacked areas: heat by source; dotted: stored heat.":
        "灰色区域：峰时电价时段。堆积面积：各热源供热；点线：蓄热量。",
    "Sizing sweep: heat pumps × storage (gas peak boilers kept)": "容量扫描：热泵 × 蓄热（保留燃气调峰锅炉）",
    "Capex [CNY]": "投资 [元]",
    "Storage [h of design load]": "蓄热容量 [设计负荷小时数]",
    "Heat-pump capacity [% of design load]": "热泵容量 [占设计负荷 %]",
    "CO₂ against the grid factor": "二氧化碳与电网排放因子",
    "Grid factor [kgCO₂/kWh]": "电网排放因子 [kgCO₂/kWh]",
    "CO₂ on the grid path in {year} [kg/GJ]": "按电网因子路径{year}年二氧化碳 [kg/GJ]",
    "Sweep table": "扫描结果表",
    "Weather file read": "已读取气象文件",
    "EnergyPlus run failed": "EnergyPlus 计算失败",
    "EnergyPlus runs": "EnergyPlus 计算",
    # calibrate page (simulator/app/pages/calibrate.py, simulator/calibration/charts.py)
    "Calibrate to meters": "按计量数据校准",
    "Describe the building, load its meter data, and find the uncertain inputs that explain the meters (Bayesian calibration with the surrogate, checked in EnergyPlus).": "描述建筑、载入计量数据，找出能解释计量读数的不确定参数（基于代理模型的贝叶斯校准，并以 EnergyPlus 复核）。",
    "1. The building": "1. 建筑",
    "2. Meter data": "2. 计量数据",
    "3. Calibration": "3. 校准",
    "4. Results": "4. 结果",
    "Building from": "建筑来源",
    "Library archetype (sidebar)": "原型库（侧栏所选）",
    "Own building form": "填写本楼信息",
    "Upload an archetype file": "上传原型文件",
    "Name": "名称",
    "Building type": "建筑类型",
    "Year built": "建成年份",
    "Length [m]": "长度 [m]",
    "Depth [m]": "进深 [m]",
    "Front facade azimuth [°] (180 = south)": "正立面朝向 [°]（180 = 正南）",
    "Floor area [m²]": "建筑面积 [m²]",
    "Window share south [-]": "南向窗墙比 [-]",
    "Window share north [-]": "北向窗墙比 [-]",
    "Window share east [-]": "东向窗墙比 [-]",
    "Window share west [-]": "西向窗墙比 [-]",
    "Wall type": "外墙类型",
    "Heating source": "热源",
    "(as the archetype)": "（同原型）",
    "Empty fields keep the archetype's value and its source.": "留空的项沿用原型的数值及其来源。",
    "Make the archetype file": "生成原型文件",
    "Could not make the archetype file": "无法生成原型文件",
    "Archetype file made; it extends {base}": "原型文件已生成，基于 {base}",
    "Download the archetype file": "下载原型文件",
    "Archetype file (.toml)": "原型文件（.toml）",
    "The archetype file has problems": "原型文件有问题",
    "Archetype file read": "已读取原型文件",
    "storeys": "层",
    "CSV or Excel: a month column (month / 月份: 1-12 or YYYY-MM) or billing periods (start, end / 开始日期, 结束日期); heat with its unit (heat_gj, heat_kwh, 供热量(GJ)); electricity_kwh / 用电量(kWh).": "CSV 或 Excel：月份列（month / 月份：1-12 或 YYYY-MM）或计费周期（start, end / 开始日期, 结束日期）；热量须带单位（heat_gj、heat_kwh、供热量(GJ)）；用电量(kWh) / electricity_kwh。",
    "Meter file": "计量数据文件",
    "…or paste the table (CSV)": "……或粘贴表格（CSV）",
    "Heat metered at": "热量计量位置",
    "the building": "楼栋",
    "the substation": "换热站",
    "Metered floor area [m²] (empty: the building's)": "计量面积 [m²]（留空：取建筑面积）",
    "Weather of the metered period (EPW, optional)": "计量期气象数据（EPW，可选）",
    "The meter data or the building cannot be used": "计量数据或建筑无法使用",
    "Meter data read: {n} months": "已读取计量数据：{n} 个月",
    "Package for the savings": "计算节能量的改造方案",
    "(none)": "（无）",
    "MCMC settings": "MCMC 设置",
    "Walkers": "游走者数",
    "Steps": "步数",
    "Burn-in steps": "预烧步数",
    "EnergyPlus check": "EnergyPlus 复核",
    "Calibrate": "开始校准",
    "Calibrating…": "校准中……",
    "Calibration failed": "校准失败",
    "Runtime {s} s": "用时 {s} 秒",
    "ASHRAE Guideline 14 (monthly): CV(RMSE) ≤ 15 %, |NMBE| ≤ 5 %": "ASHRAE Guideline 14（逐月）：CV(RMSE) ≤ 15 %，|NMBE| ≤ 5 %",
    "Model": "模型",
    "Meter": "计量表",
    "Heat": "热量",
    "Electricity": "电量",
    "Months": "月数",
    "Surrogate": "代理模型",
    "Uncalibrated archetype": "未校准原型",
    "Measured vs simulated: heat": "实测与模拟对比：热量",
    "Measured vs simulated: electricity": "实测与模拟对比：电量",
    "Measured": "实测",
    "Surrogate (posterior mean)": "代理模型（后验均值）",
    "EnergyPlus (posterior mean)": "EnergyPlus（后验均值）",
    "Heat [MWh]": "热量 [MWh]",
    "Electricity [MWh]": "电量 [MWh]",
    "Posterior": "后验分布",
    "Grey dotted: prior 90 %; red dashed: posterior 90 %": "灰色点线：先验 90 % 区间；红色虚线：后验 90 % 区间",
    "Parameter": "参数",
    "Mean": "均值",
    "Prior 90 %": "先验 90 %",
    "Acceptance": "接受率",
    "burn-in": "预烧",
    "Heating savings of {p} (90 % credible interval)": "{p} 的供暖节能量（90 % 可信区间）",
    "Before calibration (prior)": "校准前（先验）",
    "After calibration (posterior)": "校准后（后验）",
    "Saved [kWh/m²·a]": "节约 [kWh/(m²·年)]",
    "Saved [%]": "节约 [%]",
    "Download the calibrated archetype": "下载校准后的原型",
    "Download results (JSON)": "下载结果（JSON）",
    "Download monthly table (CSV)": "下载逐月表（CSV）",
    "Monthly mean temperatures found: the built-in year is morphed to them as the weather of the metered period":
        "已读取月平均气温：将内置典型年按其调整，作为计量期的气象数据",
    # calibration warnings (simulator/calibration/messages.py templates; the fields are filled back in)
    cal_msg.NO_FLOOR_AREA: "未给出计量面积：取建筑面积 {area_m2} m²",
    cal_msg.NO_WEATHER: "未给出计量期的气象数据：以内置天津典型年作为计量年的气象；计量年冬季偏暖或偏冷会使校准参数产生偏差",
    cal_msg.EPW_NORMALISED: "近似处理（选择了度日法）：校准前已将热量读数按逐月采暖度日数（HDD18 之比）折算到内置天津典型年。"
                            "EnergyPlus 复核则在所给气象上对照原始读数进行。",
    cal_msg.TEMPERATURES_NORMALISED: "近似处理（选择了度日法）：计量期气象取内置天津典型年，并按计量文件的月平均气温平移（Belcher 等 2005 年的气象变形法），"
                                     "且校准前已将热量读数按逐月采暖度日数（HDD18 之比）折算到内置典型年。",
    cal_msg.ON_METERED_WEATHER: "代理模型在计量期的气象上预测计量读数；它未用该年训练，因此其自身不确定性按新气象年计",
    cal_msg.TEMPERATURES_MORPHED: "计量期气象取内置天津典型年，并按计量文件的月平均气温平移（Belcher 等 2005 年的气象变形法）",
    cal_msg.AUTO_DEGREE_DAYS: "计量期气象超出代理模型训练气象的范围（{features}），因此改为将热量读数按采暖度日数折算到内置典型年（自动选择；"
                              "如需强制使用代理模型，请在 MCMC 设置中选择“代理模型在该气象上预测”）",
    cal_msg.WEATHER_OUTSIDE: "计量期气象超出代理模型训练气象的范围，其预测属外推（请参看 EnergyPlus 复核）：{features}",
    cal_msg.SHORT_CHAIN: "马尔可夫链（保留 {kept} 步，有效样本数 {ess}）短于 {factor} 个自相关时间（{tau} 步），或有效样本少于 {ess_min}：请增加步数",
    cal_msg.RHAT: "分半 R-hat 为 {rhat}，不低于 {limit}：各游走者结果不一致；请增加步数",
    cal_msg.REFINED: "已细化一次：首次后验均值的 EnergyPlus 校核 CV(RMSE) / NMBE 为热量 {heat_before}、电量 {electricity_before}；代理模型按该处 EnergyPlus 与其之比校正（供暖 ×{heating}，制冷 ×{cooling}），后验重新抽样：EnergyPlus 校核现为热量 {heat_after}、电量 {electricity_after}",
    cal_msg.REFINE_NO_DEGREE_DAYS: "已要求始终细化（refine always），但无法进行：热量已按度日数归一化，EnergyPlus 与代理模型所用气象不同",
    cal_msg.REFINE_NO_ENERGYPLUS: "已要求始终细化（refine always），但无法进行：EnergyPlus 校核已关闭",
    cal_msg.REFINE_REFUSED: "未细化：后验均值处 EnergyPlus 与代理模型之差为供暖 ×{heating}、制冷 ×{cooling}（超出 ×{limit}）：单一校正无法承载；报告首次结果，且此建筑与气象下不宜信任代理模型",
    cal_msg.REFINE_NOT_KEPT: "细化后的结果满足 Guideline 14 的计量项少于首次：报告首次结果（细化结果见 refinement.refined_pass）",
    cal_msg.AT_BOUND: "“{name}”的后验分布落在取值范围 {low}..{high} 的边界（先验或代理模型的训练范围）：计量数据要求的值超出了模型允许的范围",
    cal_msg.IGNORED_COLUMN: "列 {column} 不是计量数据列，已忽略",
    cal_msg.PARTLY_COVERED: "{meter}：只覆盖部分天数的月份 {months} 已舍去",
    cal_msg.ELECTRIC_CONFOUNDED: "供暖用电计入电表：“{parameter}”与供暖需求相互混淆（后验相关系数 {r}）；电表确定的是供暖用电量（90 % 区间宽为其均值的 {electricity} %），而不能分别确定供暖需求（区间宽 {demand} %）与系统效率——在供热出口加装热量表可将二者区分",
    "Period": "计量期",
    "Heat [kWh]": "热量 [kWh]",
    "Electricity [kWh]": "电量 [kWh]",
    "5. Report of a package on the calibrated building": "5. 校准后建筑的改造方案报告",
    "Its savings carry 90 % credible intervals: posterior draws kept in the calibrated file, each with the surrogate's own uncertainty, through the same systems, bills and carbon code.":
        "报告中的节能效果附 90 % 可信区间：取校准文件中保存的后验抽样，每次叠加代理模型自身的不确定性，经同一套系统、费用与碳排放计算得出。",
    "Could not build the report": "无法生成报告",
    "Metered year other than the built-in one": "计量年不是内置典型年时",
    "automatic (surrogate inside its training weathers, else degree-days)": "自动（在训练气象范围内用代理模型，否则用度日法）",
    "the surrogate predicts on that weather": "代理模型在该气象上预测",
    "degree-day normalisation": "度日法折算",
    "Posterior draws for the report's credible intervals": "报告可信区间所用的后验抽样数",
    # district roadmap (simulator/app/pages/roadmap.py, roadmap_view.py)
    "District roadmap": "区域路线图",
    "Hongqiao's building stock (about 2 × 10⁷ m²) year by year from 2020 to 2035 against the carbon-peak targets: {n} sampled buildings through the surrogate, systems and carbon accounting.":
        "红桥区建筑存量（约 2 × 10⁷ m²）2020—2035 年逐年对照碳达峰目标：{n} 栋抽样建筑经代理模型、系统与碳排放核算。",
    "Announced programme": "已公布的规划",
    "Do nothing": "不作为",
    "What if": "情景推演",
    "Retrofit rollout speed [×]": "改造推进速度 [倍]",
    "PV on public-institution roofs [%]": "公共机构屋顶光伏覆盖率 [%]",
    "Heat-pump and boiler-house conversions [×]": "热泵与锅炉房改造规模 [倍]",
    "Grid decarbonisation speed [×]": "电网降碳速度 [倍]",
    "Uncertainty bands ({n} Monte Carlo draws)": "不确定性区间（{n} 次蒙特卡洛抽样）",
    "CO₂ in 2025": "2025年二氧化碳",
    "Peak year of building CO₂": "建筑碳排放峰值年份",
    "Renewable share 2025": "2025年可再生能源替代率",
    "Investment 2021-2035": "2021—2035年投资",
    "Targets": "目标",
    "Target": "目标",
    "Value": "数值",
    "Target value": "目标值",
    "Met": "是否达成",
    "Probability met [%]": "达成概率 [%]",
    "Trajectories": "逐年轨迹",
    "Building CO₂ [kt/a]": "建筑二氧化碳 [千吨/年]",
    "Renewable share [%]": "可再生能源替代率 [%]",
    "Public institutions: energy per m² vs 2020 [%]": "公共机构单位面积能耗较2020年 [%]",
    "Public institutions: CO₂ per m² vs 2020 [%]": "公共机构单位面积碳排放较2020年 [%]",
    "target 8 %": "目标 8 %",
    "target −5 %": "目标 −5 %",
    "target −7 %": "目标 −7 %",
    "5-95 % band": "5—95 % 区间",
    "Year": "年份",
    "Energy [GWh/a]": "能耗 [GWh/年]",
    "Ambient heat (heat pumps)": "空气热能（热泵）",
    "What it takes": "如何实现目标",
    "Show the levers and the cheapest programme (about 10 s the first time)": "显示关键措施影响与最低成本方案（首次约10秒）",
    "CO₂ in 2030 with each lever at its low and high setting, everything else as in the scenario.":
        "各措施取低、高设定时的2030年二氧化碳排放，其余与所选情景相同。",
    "CO₂ in 2030 [kt]": "2030年二氧化碳 [千吨]",
    "Low setting": "低设定",
    "High setting": "高设定",
    "lever: rollout": "改造推进速度",
    "lever: pv_share": "公共机构屋顶光伏",
    "lever: heat_pumps": "热泵与锅炉房改造",
    "lever: grid_path": "电网排放因子路径",
    "lever: metering": "供热计量推广",
    "lever: new_build": "新建规模",
    "In plain words": "通俗解读",
    "Downloads": "下载",
    "Years (CSV)": "逐年结果（CSV）",
    "Targets (CSV)": "目标（CSV）",
    "Renewable substitution rate 2025 ≥ 8 %": "2025年建筑可再生能源替代率 ≥ 8 %",
    "PV on new public-institution roofs ≥ 50 %": "新建公共机构屋顶光伏覆盖率 ≥ 50 %",
    "Public institutions: energy per m² −5 % (2025 vs 2020)": "公共机构单位面积能耗下降5 %（2025年比2020年）",
    "Public institutions: CO₂ per m² −7 % (2025 vs 2020)": "公共机构单位面积碳排放下降7 %（2025年比2020年）",
    "New homes to the five-step standard: 100 %": "新建住宅全面执行五步节能标准",
    "Green buildings: 100 % of new floor area": "新建建筑中绿色建筑占比100 %",
    "Heat pumps / electric storage at boiler houses": "锅炉房热泵与电蓄热改造",
    "Building CO₂ peaks before 2030": "建筑碳排放2030年前达峰",
    "Rooftop PV": "屋顶光伏",
    "Insulation + heat pump + PV": "保温 + 热泵 + 光伏",
    "Old-estate standard retrofit": "老旧小区标准节能改造",
    "Deep retrofit": "深度改造",
    "Envelope retrofit": "围护结构改造",
    "Heat metering": "供热计量",
    "LED, low-E windows and roof": "LED照明、Low-E窗与屋面",
    "With this scenario, the district's building CO₂ is {co2:,.0f} thousand tonnes in 2025 and peaks in {peak}.":
        "在此情景下，全区建筑2025年二氧化碳排放约 {co2:,.0f} 千吨，峰值出现在 {peak} 年。",
    "Renewable energy (rooftop PV and heat pumps' ambient heat) covers {rs:.1f} % of the buildings' energy in 2025; the target is 8 %.":
        "2025年可再生能源（屋顶光伏与热泵吸收的空气热能）占建筑用能的 {rs:.1f} %，目标为 8 %。",
    "{n} of {total} targets are met.": "{total} 项目标中达成 {n} 项。",
    "The cheapest programme found that meets the 2025 targets and peaks before 2030 costs {cost:,.1f} 亿元 of investment, mostly: {parts}.":
        "能实现2025年各项目标并在2030年前达峰的最低成本方案需投资约 {cost:,.1f} 亿元，主要包括：{parts}。",
    "No programme from the candidate packages meets every target; the closest costs {cost:,.1f} 亿元, mostly: {parts}.":
        "候选改造方案无法实现全部目标；最接近的方案需投资约 {cost:,.1f} 亿元，主要包括：{parts}。",
    'Loads come from the surrogate trained on the built-in Tianjin typical year; every year uses that year unless the scenario asks for degree-day scaling (an estimate). A weather-aware surrogate (issue 12) is needed for a climate path through the model.':
        '各年份负荷均来自以内置天津典型年训练的代理模型；除非情景要求按度日数缩放（估算），每年使用同一气象年。要沿气候路径经模型计算，需要可输入气象的代理模型（issue 12）。',
    "Boiler-house conversions use the plant model (simulator/plant, hourly LP dispatch on the built-in year): the served district heat keeps the 110 kgCO2/GJ factor and adds the converted plant's extra electricity (at each year's grid factor) and change of gas CO2 against the same plant's gas boilers; its heat pumps' ambient heat counts as renewable; capex per m2 served from the plant's option.":
        '锅炉房改造采用锅炉房模型（simulator/plant，内置气象年逐时线性规划调度）：所供区域的市政热力仍按 110 kgCO2/GJ 计，另加改造后锅炉房相对原燃气锅炉增加的用电（按当年电网排放因子）与燃气排放变化；其热泵吸收的空气热能计为可再生能源；投资按锅炉房方案单位供热面积计。',
    "Bills use each building class's flat or first-tier prices (simulator/data/tariffs.toml); the hourly tiered and time-of-use billing of simulator.economics.annual_bills is not applied at district scale.":
        '能源费用按各类建筑的平价或第一档电价计（simulator/data/tariffs.toml）；区域尺度未采用 simulator.economics.annual_bills 的逐时阶梯与分时计价。',
    # committee-grade app and reports (issue 16)
    "10⁴ CNY": "万元",
    "10⁴ CNY/a": "万元/年",
    "t/a": "吨/年",
    "tce/a": "吨标准煤/年",
    "GJ/a": "GJ/年",
    "MWh/a": "MWh/年",
    "CNY/m²": "元/m²",
    "Capex [10⁴ CNY]": "投资 [万元]",
    "Capex before subsidy": "投资（补贴前）",
    "Capex after subsidy": "投资（补贴后）",
    "subsidy": "补贴",
    "Inverter ACs (grade 1)": "一级能效变频空调",
    "(PV + heat-pump ambient heat) / total final energy use": "（光伏发电 + 热泵从环境中提取的热量）/ 终端能源消费总量",
    "GB/T 2589-2020: heat {heat_kgce_gj:g} kgce/GJ, electricity {electricity_kgce_kwh:g} kgce/kWh (calorific equivalent)":
        "GB/T 2589-2020：热力 {heat_kgce_gj:g} 千克标准煤/GJ，电力 {electricity_kgce_kwh:g} 千克标准煤/kWh（当量值）",
    "district heat + gas + grid electricity": "市政热力 + 天然气 + 电网电力",
    "Heating is billed per m² of floor (area fee): saved heat lowers CO₂ and the heat plant's costs, not the owner's heating bill. Heat metering turns savings into lower bills.":
        "供热按面积收费：节约的热量降低碳排放和热源成本，但不减少业主的热费。实行供热计量后节能才体现在账单上。",
    "This package makes the building worse on CO₂ or bills: check it suits this archetype.":
        "该方案使本建筑的碳排放或能源费用增加：请检查它是否适合此类建筑。",
    "The package raises the U-value of: {parts}. The building already has a better construction than this measure installs.":
        "该方案使以下部位的传热系数变大：{parts}。本建筑现有构造已优于该措施安装的构造。",
    "Standards": "标准符合性",
    "Energy-saving step met": "达到的节能标准",
    "GB/T 51350 level": "GB/T 51350 能效等级",
    "Report and downloads": "报告与下载",
    "Prepare the report (HTML, PDF, CSV, Excel)": "生成报告（HTML、PDF、CSV、Excel）",
    "Building the report…": "正在生成报告…",
    "Download report (PDF)": "下载报告（PDF）",
    "EnergyPlus run time: {s} s": "EnergyPlus 计算用时 {s} 秒",
    "Grid CO₂ factor": "电网排放因子",
    "Discount rate [%]": "折现率 [%]",
    "Subsidy [CNY/m²]": "补贴 [元/m²]",
    "e.g. {subsidy_example_cny_m2:g} CNY/m² central award for cold-zone residential retrofits": "例如：寒冷地区居住建筑节能改造中央财政奖励 {subsidy_example_cny_m2:g} 元/m²",

    # archetype texts (archetypes/data/*.toml), for the explorer in Chinese
    "6-storey walk-up of the late 1990s built to Tianjin DB29-1-97 (= JGJ 26-95, 50 % step): 370 mm brick with an inner insulation lining, plastic-steel windows with double glazing.":
        "1990年代后期建成的6层无电梯住宅，按天津 DB29-1-97（即 JGJ 26-95，二步节能50%）设计：370 mm 砖墙加内保温，塑钢双玻窗。",
    "18-storey shear-wall high-rise slab to the 83 % (five-step) standard: 120 mm EPS ETICS, 150 mm XPS roof, low-E double-glazed windows, airtight.":
        "18层剪力墙板式高层住宅，按五步节能（83%）标准：120 mm EPS 外保温，150 mm XPS 屋面，Low-E 双玻窗，气密性好。",
    "6-storey brick-concrete walk-up slab of a Tianjin old housing estate: uninsulated 370 mm solid brick, single-glazed steel windows, leaky; district heated, split ACs used part-time.":
        "天津老旧小区6层砖混结构无电梯住宅：370 mm 实心砖墙无保温，单玻钢窗，气密性差；市政集中供热，分体空调间歇使用。",
    "5-storey frame office of a public institution, aerated-concrete infill with thin insulation, aluminium double glazing; district heating, water-cooled chiller.":
        "公共机构5层框架结构办公楼：加气混凝土填充墙加薄保温，铝合金双玻窗；市政集中供热，水冷冷水机组。",
    "4-storey school teaching block (classrooms on a corridor), 2000s envelope; district heating; split ACs in classrooms; winter and summer vacations.":
        "4层学校教学楼（内廊式教室），2000年代围护结构；市政集中供热；教室分体空调；有寒暑假。",
    "370 mm brick + 25 mm EPS inner lining": "370 mm 砖墙 + 25 mm EPS 内保温",
    "RC slab, 50 mm EPS, slag screed": "钢筋混凝土板 + 50 mm EPS + 炉渣找坡",
    "Plastic-steel frame, double clear glazing": "塑钢窗框，普通双层玻璃",
    "Uninsulated concrete slab on grade": "无保温混凝土地面",
    "200 mm RC shear wall + 120 mm EPS ETICS": "200 mm 钢筋混凝土剪力墙 + 120 mm EPS 外保温",
    "RC slab + 150 mm XPS, inverted roof": "钢筋混凝土板 + 150 mm XPS 倒置式屋面",
    "PVC/aluminium thermal-break, low-E double glazing, warm edge": "塑料/断桥铝窗框，Low-E 双玻，暖边间隔条",
    "Slab on grade with 60 mm XPS": "地面 + 60 mm XPS 保温",
    "370 mm solid brick, plastered": "370 mm 实心砖墙，抹灰",
    "Hollow-core slab, perlite and slag screed, felt": "预制空心板，珍珠岩与炉渣找坡，油毡防水",
    "Single-glazed steel frame": "钢窗框，单层玻璃",
    "200 mm aerated concrete + 30 mm EPS": "200 mm 加气混凝土 + 30 mm EPS",
    "RC slab + 50 mm XPS": "钢筋混凝土板 + 50 mm XPS",
    "Aluminium frame, double clear glazing": "铝合金窗框，普通双层玻璃",
    "Uninsulated slab on grade": "无保温地面",
    "Standard step": "节能标准",
    "not regulated as U": "不按传热系数限定",
    "U-value against the standard steps": "传热系数与各步节能标准对比",
    "✓ meets": "✓ 满足",
    "✗ exceeds": "✗ 超出",
    "Limit": "限值",
    "Verdict": "结论",
    "Quantity": "指标",
    "Each bar is one measure on its own (at its middle chosen level), not a step of a package: the bars do not add up to any package's saving. Width = CO₂ saved, height = cost per tonne; green bars save money over the horizon (negative cost), red bars cost money.":
        "每根柱为单项措施单独实施（取所选水平的中间档），不是方案中的一步：各柱之和不等于任何方案的减碳量。宽度 = 年减碳量，高度 = 每吨减碳成本；绿色柱在分析期内节省费用（成本为负），红色柱需要花钱。",
    "Grey points: every package; red line: the Pareto front (no other package saves more CO₂ for less capex).":
        "灰色点：全部方案；红线：帕累托前沿（没有其他方案能以更少投资减更多碳）。",
    # compare page: incremental MAC curve (simulator/app/pages/compare.py, simulator/app/mac_view.py)
    "Marginal abatement cost curve of one package": "单个方案的边际减排成本曲线",
    "No package of these levels saves CO₂: no curve to draw.": "所选水平组合出的方案均不减碳：无曲线可画。",
    "Package to split into its measures (Pareto front, most CO₂ saved first)": "拆分为各项措施的方案（帕累托前沿，按减碳量从多到少）",
    "The package is built one measure at a time, cheapest per tonne first: each bar is a measure's cost and CO₂ saving given the measures before it, so the bars add up to the package. Width = CO₂ saved [t/a]; height = cost per tonne [CNY/tCO₂]: capex after subsidy annuitised over the measure's life, plus O&M, minus bill savings, per tonne; area = net annual cost. Green bars (below zero) save more on bills than they cost; red bars cost money for the CO₂ they save. Measures interact (a smaller heat load needs a smaller heat pump), so a later bar can be lower than an earlier one.":
        "方案按每吨减碳成本从低到高逐项加入：每根柱是在前面各项措施已实施的前提下，该措施的成本与减碳量，因此各柱相加正好等于该方案。"
        "宽度 = 年减碳量 [吨/年]；高度 = 每吨减碳成本 [元/吨CO₂]：补贴后投资按措施寿命年金化，加运维费，减去节省的能源费用，再除以减碳量；"
        "面积 = 年净成本。绿色柱（零线以下）节省的费用多于其成本；红色柱为减碳需要付出的费用。各措施相互影响（热负荷减小后所需热泵也更小），"
        "因此后面的柱可能低于前面的柱。",
    "Left off the curve (no CO₂ saved on top of the measures before): {m}": "未列入曲线（在前面措施基础上不再减碳）：{m}",
    "Cumulative CO₂ saved [t/a]": "累计年减碳量 [吨/年]",
    "Cost per tonne, given the measures before [CNY/tCO₂]": "在前序措施基础上的每吨减碳成本 [元/吨CO₂]",
    "Cost per tonne": "每吨减碳成本",
    "Net annual cost": "年净成本",
    "Cumulative": "累计",
    "CNY/tCO₂": "元/吨CO₂",
    "Measure": "措施",
    "The surrogate predicts every package on this weather year (issue 12: weather is one of its inputs); future years are the typical year morphed to the climate scenario.":
        "代理模型在所选气象年上预测每个方案（issue 12：气象是其输入之一）；未来年份为按气候情景变形的典型年。",
    "Heating saved": "供暖节约",
    "The surrogate was not trained on this weather year: it corrects itself by EnergyPlus runs of the archetype and of it with each single measure on it, and checks and refines itself on nine random packages there (the first time takes 35-45 s); its intervals carry the uncertainty it has for a new weather.":
        "代理模型未用该气象年训练：它先用 EnergyPlus 对该原型及其逐项单一措施在此气象年上运行并据此校正，再以九个随机改造方案在该气象年上自检并细化校正（首次约需 35-45 秒）；区间按新气象年的不确定性计。",
    "This weather year is not one the surrogate was trained on: it is anchored on EnergyPlus runs of the archetype and of it with each single measure, and checked and refined on nine random packages (35-45 s the first time)…":
        "代理模型未用该气象年训练：正以 EnergyPlus 对原型及其逐项单一措施的运行为其锚定，并以九个随机改造方案自检、细化（首次约需 35-45 秒）…",
    "Local check: random packages of this weather run in EnergyPlus refine the per-measure correction; each scored on the correction fitted without it, they widen the load intervals where they erred more than the calibration set":
        "本地自检：在该气象年上以 EnergyPlus 运行随机改造方案，用于细化逐项措施校正；每个方案以不含其自身的校正评分，若误差大于校准集所见，负荷区间相应放宽",
    "Local check: EnergyPlus against the anchored surrogate on random packages of this weather; the load intervals widen where it found larger errors than the calibration set":
        "本地自检：在该气象年上以随机改造方案比较 EnergyPlus 与锚定后的代理模型；若误差大于校准集所见，负荷区间相应放宽",
    "Local check": "本地自检",
    "Anchored: this weather is not one the surrogate was trained on, so it was corrected by EnergyPlus runs of the archetype and of it with each single measure":
        "已锚定：代理模型未用该气象年训练，已按 EnergyPlus 对原型及其逐项单一措施的运行校正",
    "Heating saved: the surrogate's estimate on the chosen weather, with its 90 % interval (p05 to p95: the surrogate's own uncertainty, calibrated against EnergyPlus runs it was not trained on).":
        "供暖节约：代理模型在所选气象上的估计及其 90 % 区间（p05 至 p95：代理模型自身的不确定性，已用其未训练过的 EnergyPlus 结果校准）。",
    "heating season mean [°C]": "采暖季平均气温 [°C]",
    "99.6 % heating design [°C]": "99.6 % 供暖设计温度 [°C]",
    "0.4 % cooling design [°C]": "0.4 % 供冷设计温度 [°C]",
    "Built-in Tianjin typical year generated from monthly climate statistics; future years by morphing (Belcher et al. 2005) with the deltas in weather/data/future_deltas.csv.":
        "内置天津典型年由逐月气候统计生成；未来年份按 Belcher 等（2005）的形变法，以 weather/data/future_deltas.csv 中的增量生成。",
    "Surrogate model": "代理模型",
    "Energy level of the building as it is": "现状能耗水平",
    "U with thermal bridges [W/(m²·K)]": "含热桥平均传热系数 [W/(m²·K)]",
    "Wall U: from its layers (1-D) and the mean with the linear thermal bridges of slab edges, balconies, window reveals, roof edge, plinth and columns; the simulation uses the mean.":
        "外墙传热系数：主体部位（一维）与计入楼板边、阳台、窗口、屋面檐口、勒脚和构造柱等线性热桥后的平均传热系数；模拟采用平均传热系数。",
    # issue 16 leftovers (h16): verify progress and result, presets, surrogate warm-up
    "EnergyPlus check of another package (the inputs have changed since): {package}":
        "以下为另一方案的EnergyPlus复核（输入已更改）：{package}",
    "Running EnergyPlus… {pct} % of the year simulated · {s} s": "正在运行EnergyPlus…已模拟全年的 {pct} % · {s} 秒",
    "Surrogate and EnergyPlus agree within the surrogate's measured error band (heating ±{h:.1f}, cooling ±{c:.1f} kWh/m²: {source}).":
        "代理模型与EnergyPlus的差异在代理模型实测误差范围内（供暖 ±{h:.1f}、制冷 ±{c:.1f} kWh/m²：{source}）。",
    "Surrogate and EnergyPlus differ by more than the surrogate's measured error band ({source}): {parts}. Trust the EnergyPlus figures for this package.":
        "代理模型与EnergyPlus的差异超出代理模型实测误差范围（{source}）：{parts}。此方案请以EnergyPlus结果为准。",
    "The surrogate model for this building type is being trained on this fresh server (once, about 10-30 s); the results appear as soon as it is ready.":
        "本服务器首次启动，正在训练此类建筑的代理模型（仅一次，约10-30秒）；训练完成后即显示结果。",
    "other assumptions": "其他假设参数",
    "the largest error of the surrogate's cross-validation for the {family} family ({n} EnergyPlus runs)":
        "{family}代理模型交叉验证中的最大误差（{n} 次EnergyPlus计算）",
    "worse {parts} than this building has": "{parts}比本建筑现有的差",
    "Energy by carrier": "分能源品种能耗",
    "Upload an EPW file…": "上传EPW气象文件…",
    "EnergyPlus lies inside the surrogate's 90 % interval for the annual heating and cooling, before and after the package.":
        "EnergyPlus结果落在代理模型90 %区间内（全年供暖与制冷，改造前后）。",
    "{what} ({side}): EnergyPlus {ep:.1f}, interval {lo:.1f}–{hi:.1f} kWh/m²": "{what}（{side}）：EnergyPlus {ep:.1f}，区间 {lo:.1f}–{hi:.1f} kWh/m²",
    "EnergyPlus lies outside the surrogate's 90 % interval: {parts}. Trust the EnergyPlus figures for this package.":
        "EnergyPlus结果超出代理模型90 %区间：{parts}。此方案请以EnergyPlus结果为准。",
    "Surrogate's 90 % interval: heating after the package {lo:.1f}–{hi:.1f} kWh/m²": "代理模型90 %区间：改造后供暖 {lo:.1f}–{hi:.1f} kWh/m²",
    "heating saved {lo:.0f}–{hi:.0f} %": "供暖节约 {lo:.0f}–{hi:.0f} %",
    "EPW weather file": "EPW气象文件",
    "This file cannot be used as weather; the results use today's typical year.": "该文件不能用作气象数据；结果按现状典型年计算。",
    "Until a file is chosen, the results use today's typical year.": "选择文件之前，结果按现状典型年计算。",
    "{what} ({side}): {d:+.1f} kWh/m² (band ±{b:.1f})": "{what}（{side}）：{d:+.1f} kWh/m²（范围 ±{b:.1f}）",

    # ventilation (issue 11, h11v)
    "Heat-recovery ventilation (MVHR)": "新风热回收",
    "Fresh air": "新风",
    "Airtightness {inf:.2f} 1/h is below the hygiene fresh-air rate {hyg:.2f} 1/h (GB 50736-2012) and "
    "there is no heat-recovery ventilation: the results assume residents air the flats by windows "
    "({makeup:.2f} 1/h, its heat loss counted). Add heat-recovery ventilation or keep airtightness at "
    "or above {hyg:.2f} 1/h.":
        "渗透换气 {inf:.2f} 次/h 低于卫生最小换气次数 {hyg:.2f} 次/h（GB 50736-2012），且未设新风热回收："
        "结果假定住户开窗通风补足（{makeup:.2f} 次/h，其热损失已计入）。请加设新风热回收，"
        "或使气密性不低于 {hyg:.2f} 次/h。",

    # calibration: meter-file problems (simulator/calibration/messages.py templates; issue 13, h13)
    cal_msg.NOT_EXCEL: "不是可读取的 Excel 文件：{error}",
    cal_msg.UNSUPPORTED_TYPE: "不支持的文件类型 {suffix}；请使用 .csv 或 .xlsx",
    cal_msg.NOT_TEXT: "不是 UTF-8 或 GBK 编码的文本文件",
    cal_msg.NOT_CSV: "不是可读取的 CSV 表格：{error}",
    cal_msg.CANNOT_READ: "无法读取计量文件：{error}",
    cal_msg.FILE_TOO_LARGE: "文件大小 {size} 字节；最多 {limit} 字节",
    cal_msg.NO_DATA_ROWS: "表格没有数据行",
    cal_msg.TOO_MANY_ROWS: "共 {n} 行；最多 {limit} 行",
    cal_msg.HEAT_METER_LOCATION: "热量表位置 {value} 不是 {allowed} 之一",
    cal_msg.FLOOR_AREA: "计量面积须为正数 [m²]，现为 {value}",
    cal_msg.SECOND_COLUMN: "列 {column}：又一个{role}列（第一个为 {first}）；请只保留一个",
    cal_msg.TEMPERATURE_UNIT: "列 {column}：温度单位 {unit} 无法识别；请用 °C（或不写单位）",
    cal_msg.NO_UNIT: "列 {column}：缺少单位；请按 {hint} 命名",
    cal_msg.UNKNOWN_UNIT: "列 {column}：单位 {unit} 无法识别；请用 {allowed}",
    cal_msg.NO_ENERGY_COLUMN: "没有热量列或电量列（heat_kwh、heat_gj、electricity_kwh、供热量(GJ)、用电量(kWh)）",
    cal_msg.MONTHS_AND_PERIODS: "同时有月份列和开始/结束日期列；请只给月份或只给计费周期",
    cal_msg.PERIOD_COLUMNS: "计费周期需要开始日期列和结束日期列（开始日期、结束日期）",
    cal_msg.NO_MONTH_COLUMN: "没有月份列（month、月份），也没有计费周期（start、end / 开始日期、结束日期）",
    cal_msg.EMPTY_CELL: "第 {row} 行，列 {column}：为空；没有用量请填 0",
    cal_msg.NOT_A_NUMBER: "第 {row} 行，列 {column}：{value} 不是数字",
    cal_msg.NEGATIVE: "第 {row} 行，列 {column}：负值 {value}",
    cal_msg.IMPLAUSIBLE_TEMPERATURE: "第 {row} 行，列 {column}：{value} ℃ 不是合理的月平均气温（{low}..{high} ℃）",
    cal_msg.NOT_A_MONTH: "第 {row} 行，列 {column}：{value} 不是月份（1-12 或 YYYY-MM）",
    cal_msg.MIXED_MONTHS: "列 {column}：月份数字与 YYYY-MM 混用；请统一为一种写法",
    cal_msg.DUPLICATE_MONTH: "第 {row} 行，列 {column}：月份 {month} 重复（第 {first} 行已有）",
    cal_msg.REPEATED_CALENDAR_MONTH: "第 {row} 行，列 {column}：{month} 与第 {first} 行同为日历月份 {cal}；气象数据只有一年，"
                                     "每个日历月份只能出现一次",
    cal_msg.MONTH_OUTSIDE_YEAR: "第 {row} 行，列 {column}：{month} 不在气象年 {year} 之内",
    cal_msg.MISSING_MONTHS_IN_RUN: "列 {column}：计量的连续月份中缺少月份 {months}",
    cal_msg.MISSING_MONTHS: "列 {column}：缺少月份 {months}",
    cal_msg.TEMPERATURES_NEED_MONTHS: "列 {column}：月平均气温需要按月的数据行，不能用计费周期",
    cal_msg.NOT_A_DATE: "第 {row} 行，列 {column}：{value} 不是日期（YYYY-MM-DD）",
    cal_msg.END_BEFORE_START: "第 {row} 行：结束日期 {end} 早于开始日期 {start}",
    cal_msg.PERIOD_OUTSIDE_YEAR: "第 {row} 行：周期 {start}..{end} 不在气象年 {year} 之内",
    cal_msg.OVERLAP: "第 {row} 行与第 {row2} 行：周期 {start1}..{end1} 与 {start2}..{end2} 重叠",
    cal_msg.GAP: "第 {row} 行与第 {row2} 行：{start} 至 {end} 没有读数（周期之间缺少天数）",
    cal_msg.BILLING_REPEATS: "{month} 与 {other} 同为日历月份 {cal}；气象数据只有一年，计费周期最多跨 12 个月",
    cal_msg.NO_MONTH_COVERED: "计费周期没有完整覆盖任何一个日历月份",
    "Start date": "开始日期",
    "End date": "结束日期",
    "Monthly mean temperature": "月平均气温",
    "{file}: {problem}": "{file}：{problem}",
    "Cooling saved": "制冷节约",
    "Electricity saved": "节电",
    "CO₂ saved, bill savings, cooling and electricity saved: p05 to p95 carry the surrogate's heating and "
    "cooling intervals through the same systems, tariff and carbon chain (delta method with the GP's "
    "covariance of a building and its retrofit); prices and emission factors are taken as known.":
        "年减碳、年节省费用、制冷节约与节电：p05 至 p95 为代理模型供暖与制冷负荷的区间经同一套系统、电价与碳排放计算链"
        "传递所得（德尔塔法，采用改造前后两种状态的高斯过程协方差）；能源价格与排放因子视为已知。",
    # CO2 and bill ranges (issue 16, h16)
    "90 %: {lo}–{hi}": "90 %区间：{lo}–{hi}",
    "CO₂ and bill ranges: these load intervals carried through the same systems, emission factors and tariffs":
        "碳排放与费用区间：上述负荷区间经同一套系统、排放因子与价格计算",
}


# English labels whose key is not the English text (keys written with a Chinese unit)
EN: dict[str, str] = {
    "Capex [万元]": "Capex [10⁴ CNY]",
    "亿元": "10⁸ CNY",
    "The cheapest programme found that meets the 2025 targets and peaks before 2030 costs {cost:,.1f} 亿元 of investment, mostly: {parts}.":
        "The cheapest programme found that meets the 2025 targets and peaks before 2030 costs {cost:,.1f} × 10⁸ CNY of investment, mostly: {parts}.",
    "No programme from the candidate packages meets every target; the closest costs {cost:,.1f} 亿元, mostly: {parts}.":
        "No programme from the candidate packages meets every target; the closest costs {cost:,.1f} × 10⁸ CNY, mostly: {parts}.",
}


def t(text: str, lang: str = DEFAULT_LANG, **kwargs) -> str:
    """The label of ``text`` in ``lang`` ("zh" or "en"), with ``{name}`` fields filled in."""
    out = ZH.get(text, text) if lang == "zh" else EN.get(text, text)
    return out.format(**kwargs) if kwargs else out


def wan_cny(cny: float) -> float:
    """CNY as 万元 (ten thousand yuan), the unit a committee reads budgets in."""
    return cny / 1e4


def engine_name(engine: str, lang: str) -> str:
    """The engine of a result as people read it ("surrogate 2" -> "Surrogate model (version 2)")."""
    text = str(engine)
    if text.lower().startswith("surrogate"):
        version = text[len("surrogate"):].strip()
        name = t("Surrogate model", lang)
        return f"{name} (v{version})" if version else name
    return text
