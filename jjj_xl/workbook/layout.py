"""Workbook layout contract: the one place that says which sheet holds what, where.

The template builder, the macros (classic xlwings, xlwings Lite/Server), the
headless runner, the demo and the share export all read these objects;
nobody else hard-codes a sheet name or a cell address. Rows and columns are
1-based, as in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..methods._matrix import HEADER_SYNONYMS  # noqa: F401  one table: engine and workbook


@dataclass(frozen=True)
class Block:
    """A table on a sheet: header row at ``(row, col)``, data below it until a blank row.

    ``title`` is written one row above the header. ``table`` is the Excel Table
    (ListObject) name for input tables.
    """

    sheet: str
    row: int = 1
    col: int = 1
    title: str | None = None
    table: str | None = None
    is_input: bool = False


@dataclass(frozen=True)
class Setting:
    """One setting: a drop-down (or number) in column C of the Settings sheet, also a named cell."""

    key: str            # the engine keyword it feeds
    label: str
    label_zh: str
    default: object
    choices: tuple = ()  # empty: free number
    note: str = ""
    note_zh: str = ""

    @property
    def name(self) -> str:
        """The workbook-level defined name of the cell."""
        return f"jjj_{self.key}"


@dataclass(frozen=True)
class Template:
    name: str
    filename: str
    title: str
    title_zh: str
    inputs: tuple            # Blocks of input tables, in sheet order
    settings: tuple          # Settings, in row order
    outputs: dict            # result key -> Block
    output_sheets: tuple     # sheets the macros own (cleared and rewritten)
    sheets: tuple            # every sheet in order
    scheme: Block | None = None   # user grade scheme table on the Settings sheet
    extra: dict = field(default_factory=dict)

    def setting(self, key: str) -> Setting:
        return next(s for s in self.settings if s.key == key)

    def setting_cell(self, key: str) -> tuple[str, int, int]:
        """(sheet, row, col) of a setting's value cell."""
        k = [s.key for s in self.settings].index(key)
        return SETTINGS_SHEET, SETTINGS_FIRST_ROW + k, SETTINGS_VALUE_COL


# ---------------------------------------------------------------- shared pieces

GUIDE_SHEET = "Guide"
SETTINGS_SHEET = "Settings"
CONF_SHEET = "xlwings.conf"          # classic xlwings reads "UDF Modules" from here
CONF_ROWS = (("UDF Modules", "jjj_xl.excel.udfs"),)
NOTES_SHEET = "Notes"

# Settings sheet: row 1 marks the template, row 2 is the header, settings from row 3
MARKER_CELL = (SETTINGS_SHEET, 1, 1)  # "jjj-xl template" | name in column B
MARKER_TEXT = "jjj-xl template"
SETTINGS_HEADER = ("Setting", "设置", "Value 取值", "Choices 可选", "Note", "说明")
SETTINGS_FIRST_ROW = 3
SETTINGS_VALUE_COL = 3
# New settings go after the existing ones: a workbook built by an older jjj-xl has a blank
# cell there, which reads as the default.

INDICATOR_COLUMNS = ("code", "name", "name_zh", "dimension", "direction", "unit")

LANG = Setting("lang", "Language", "语言", "en", ("en", "zh"),
               "Language of the results: headers, grade and stage labels, notes and warnings "
               "(jjj-xl run --lang overrides it)",
               "结果的语言：表头、等级与阶段标签、说明与警告（jjj-xl run --lang 可临时指定）")
SCHEME = Setting("scheme", "Grade scheme", "等级划分", "ccd10", ("ccd10", "custom"),
                 "ccd10: 10 levels of 0.1; custom: the table to the right (lower bound, label, 中文)",
                 "ccd10：10级（步长0.1）；custom：使用右侧表（下限、标签、中文）")
MODEL = Setting("coupling_model", "Coupling model", "耦合模型", "ring",
                ("ring", "classic", "ring_printed", "wang", "fan"),
                "ring: paper 000 with factor 2; classic: n(ΠU)^(1/n)/ΣU; ring_printed: as printed "
                "(C ≤ 0.5); wang: Wang Shujia et al. 2021; fan: Fan, Ke & Cao 2024, C = 1 − 2·σ "
                "(population SD of U)",
                "ring：论文000（含系数2）；classic：经典模型；ring_printed：论文原式（C≤0.5）；"
                "wang：王淑佳等（2021）修正模型；fan：范等（2024）修正模型，C = 1 − 2σ")
# coupling_coordination: the field's standard model by default, as jx.coupling
MODEL_CLASSIC = replace(MODEL, default="classic",
                        choices=("classic", "ring", "ring_printed", "wang", "fan"),
                        note="classic (default, as jx.coupling): n(ΠU)^(1/n)/ΣU; " + MODEL.note.replace(
                            "; classic: n(ΠU)^(1/n)/ΣU", ""),
                        note_zh="classic（默认，与 jx.coupling 相同）：经典模型；" + MODEL.note_zh.replace(
                            "；classic：经典模型", ""))
CLOSED = Setting("closed", "Grade intervals", "等级区间", "left", ("left", "right"),
                 "left: [a, b), D = 1 in the top level (METHODS.md); right: (a, b] as many papers "
                 "print them, D = 0 in level 1",
                 "left：左闭右开 [a, b)；right：左开右闭 (a, b]（多数论文的印法），D = 0 归入第1级")
RESCALE = Setting("rescale", "Rescale U", "U区间化", "none", ("none", "0.01-0.99"),
                  "0.01-0.99: each system min-max over all rows into [0.01, 0.99] first (SPSSAU's "
                  "default for raw indices); none: U must be in [0, 1]",
                  "0.01-0.99：每个系统按所有行极差缩放到[0.01, 0.99]（SPSSAU默认）；none：U须在[0,1]内")
RD_RATIO = Setting("rd_ratio", "Relative development E", "相对发展度", "u2/u1", ("u2/u1", "u1/u2"),
                   "Two systems: E = U₂/U₁ (or U₁/U₂); classes E ≤ 0.8, 0.8 < E ≤ 1.2, E > 1.2 "
                   "(bounds below); U₁ = 0 < U₂ gives E = ∞",
                   "两个系统：E = U₂/U₁（或U₁/U₂）；分类 E≤0.8、0.8<E≤1.2、E>1.2（界限见下）；"
                   "分母为0时 E = ∞")
RD_BOUNDS = Setting("rd_bounds", "E class bounds", "E分类界限", "0.8, 1.2", (),
                    "Two ascending positive numbers separated by a comma (right-closed classes)",
                    "两个递增的正数，用逗号分隔（右闭分类）")
CLOSENESS = Setting("closeness", "TOPSIS closeness", "贴近度", "ratio", ("ratio", "squared"),
                    "ratio: d⁻/(d⁺+d⁻); squared: d⁻²/(d⁺²+d⁻²) (paper 004)",
                    "ratio：d⁻/(d⁺+d⁻)；squared：d⁻²/(d⁺²+d⁻²)（论文004）")
DISTANCE = Setting("distance", "Distance", "距离", "w2", ("w2", "w"),
                   "w2: distances on V = R·w; w: √Σ w (r − r*)²",
                   "w2：加权矩阵V=R·w上的欧氏距离；w：√Σw(r−r*)²")
# issue 9 (methods9): entropy on z-scores needs a translation; grey relational grade as the score
TRANSLATE = Setting("translate", "Entropy translation", "熵权平移", "none", ("none", "spssau"),
                    "spssau: SPSSAU's non-negative translation (非负平移) for the entropy weights: a "
                    "column whose standardised values include one ≤ 0 gets |min| + 0.01 added "
                    "(needed with zscore); none: no translation",
                    "spssau：SPSSAU 非负平移，标准化后含 ≤ 0 值的列加上 |最小值| + 0.01（zscore 时必需）；"
                    "none：不平移")
SCORE = Setting("score", "Score method", "评价得分方法", "topsis", ("topsis", "grey"),
                "topsis: TOPSIS closeness (paper 000); grey: grey relational grade against the ideal "
                "(Deng, ρ = 0.5): min-max standardised columns (cost turned round), reference = the "
                "best of each column, grade = Σ w·ξ with the indicator weights",
                "topsis：TOPSIS 贴近度（论文000）；grey：以理想解为参考序列的灰色关联度（邓聚龙，ρ = 0.5），"
                "极差标准化，关联度 = Σ 权重·关联系数")

MISSING = Setting("missing", "Missing values", "缺失值", "refuse", ("refuse", "drop", "interpolate"),
                  "refuse: a blank Data cell is an error; drop: region-years with a blank are left "
                  "out; interpolate: linear over the years of the same region (blanks before the first "
                  "or after the last known year are not extrapolated: those rows are left out). "
                  "Notes lists every cell filled or row left out",
                  "refuse：空白单元格报错；drop：删除含空白的地区-年份行；interpolate：在同一地区内按年份"
                  "线性插值（首尾年份不外推，这些行被删除）。Notes表列出每个插值单元格和删除的行")

# ---------------------------------------------------------------- spellings the readers accept
# Input sheets whose header row is matched against HEADER_SYNONYMS (jjj_xl.methods._matrix):
# sheet -> (synonym group, headers that identify the header row)
INPUT_HEADERS = {"Data": ("panel", ("region", "year")),
                 "Indicators": ("indicators", ("code", "direction"))}
HEADER_SEARCH_ROWS = 10   # a title above the header: the header row is looked for this far down
# columns whose merged cells are read as the top-left value in every row of the merge
FILL_MERGED = {"Data": ("region", "year"), "Indicators": ("dimension",)}

SCHEME_BLOCK = Block(SETTINGS_SHEET, row=2, col=8, title=None, table="tblScheme", is_input=True)
SCHEME_COLUMNS = ("lower bound 下限", "label", "标签")


# ---------------------------------------------------------------- After D (issue 10), optional sheets
# of entropy_topsis_ccd; blocks and options in jjj_xl/workbook/after_d.py
AFTER_D_INPUTS = ("After D", "Neighbours")     # the analyst's: options + groups, neighbours
AFTER_D_OUTPUTS = ("Moran", "LISA", "Disparity", "Kernel", "Forecast", "Sensitivity")

# ---------------------------------------------------------------- AHP (issue 9), optional input sheet
# of entropy_topsis_ccd: a pairwise comparison matrix (items × same items, Saaty 1–9 scale); its
# weights, λmax, CI, RI and CR are written by Compute all to the "ahp" block of the Weights sheet
AHP_SHEET = "AHP"
AHP_MATRIX = Block(AHP_SHEET, row=4, col=1,
                   title="Pairwise comparison matrix (Saaty 1–9 scale) 两两比较判断矩阵", is_input=True)
AHP_MAX_ITEMS = 15          # Saaty's random index table stops at n = 15

# ---------------------------------------------------------------- entropy-TOPSIS-CCD (paper 000)

ENTROPY_TOPSIS_CCD = Template(
    name="entropy_topsis_ccd",
    filename="entropy_topsis_ccd.xlsx",
    title="Entropy weights → TOPSIS → coupling coordination degree (paper 000 workflow)",
    title_zh="熵权-TOPSIS-耦合协调度（论文000流程）",
    inputs=(Block("Indicators", table="tblIndicators", is_input=True),
            Block("Data", table="tblData", is_input=True)),
    settings=(
        Setting("method", "Standardisation", "标准化方法", "minmax", ("minmax", "max", "share",
                                                                     "zscore"),
                "minmax: (x−min)/(max−min)+shift, cost (max−x)/(max−min)+shift; max: x/max, "
                "cost min/x; share: x/Σx (directions ignored); zscore: (x−mean)/s, s the sample "
                "standard deviation, cost (mean−x)/s (entropy needs Translation spssau)",
                "minmax：极差标准化＋平移；max：x/max，负向 min/x；share：比重法（忽略方向）；"
                "zscore：Z标准化 (x−均值)/样本标准差（熵权需将“熵权平移”设为 spssau）"),
        Setting("shift", "Shift after min-max", "平移量", 1.0, (),
                "Added after min-max so that ln p is defined; paper 000 uses 1 (0.0001, 0.01 are common)",
                "极差标准化后加上的平移量，论文000取1（常见0.0001、0.01）"),
        CLOSENESS, DISTANCE, MODEL,
        Setting("orientation", "Coupling orientation", "耦合方向", "both",
                ("both", "regions", "dimensions"),
                "regions: couple the regions year by year (paper 000 Tables 4–9); dimensions: couple "
                "each region-year's dimensions",
                "regions：逐年对各地区耦合（论文000表4–9）；dimensions：对每个地区-年份的各维度耦合"),
        SCHEME, LANG, CLOSED,
        Setting("weights", "Indicator weights", "指标权重", "entropy",
                ("entropy", "ahp", "entropy+ahp", "entropy*ahp"),
                "entropy (paper 000); ahp: the AHP sheet's weights; entropy+ahp: 0.5·entropy + "
                "0.5·AHP; entropy*ahp: entropy·AHP/Σ (multiplicative). AHP items are the indicator "
                "codes, or the dimensions (a dimension's AHP weight split equally among its "
                "indicators)",
                "entropy：熵权（论文000）；ahp：AHP表的权重；entropy+ahp：0.5·熵权+0.5·AHP；"
                "entropy*ahp：乘法合成 熵权·AHP/Σ。AHP项目为指标代码，或各维度（维度权重在其指标间平分）"),
        TRANSLATE,      # issue 9 (methods9): SPSSAU's non-negative translation for entropy
        SCORE,         # issue 9 (methods9): TOPSIS closeness or grey relational grade
        MISSING),
    outputs={
        "weights": Block("Weights", row=2, title="Entropy weights (paper 000 Table 2 layout) 熵权"),
        "scores": Block("Scores", row=2, title="TOPSIS closeness by region and year 贴近度"),
        "coupling": Block("Coupling", row=2,
                          title="Coupling of the regions, year by year (Tables 4–9 layout) 地区耦合协调"),
        "coupling_dimensions": Block("Coupling", row=2, col=11,
                                     title="Coupling of the dimensions, per region and year 维度耦合协调"),
        "ahp": Block("Weights", row=2, col=12,
                     title="AHP weights of the AHP sheet's matrix (Saaty) 层次分析法权重"),
        "notes": Block(NOTES_SHEET, row=2, title="Method notes 方法说明"),
    },
    output_sheets=("Weights", "Scores", "Coupling", NOTES_SHEET),
    sheets=(GUIDE_SHEET, "Indicators", "Data", SETTINGS_SHEET, AHP_SHEET, "Weights", "Scores", "Coupling",
            "Charts", *AFTER_D_INPUTS, *AFTER_D_OUTPUTS, "Formulas", NOTES_SHEET, CONF_SHEET),
    scheme=SCHEME_BLOCK,
)

# ---------------------------------------------------------------- ideal-solution index (paper 004)

IDEAL_SOLUTION_INDEX = Template(
    name="ideal_solution_index",
    filename="ideal_solution_index.xlsx",
    title="Hierarchical equal-weight ideal-solution index (paper 004 workflow)",
    title_zh="层次等权理想解指数（论文004流程）",
    inputs=(Block("Indicators", table="tblIndicators", is_input=True),
            Block("Data", table="tblData", is_input=True)),
    settings=(
        Setting("method", "Standardisation", "标准化方法", "max", ("max", "minmax"),
                "max: x/max, cost min/x, each region over its own years (paper 004)",
                "max：x/max，负向 min/x，各地区按自身年份标准化（论文004）"),
        Setting("weights", "Weights", "权重", "hierarchical", ("hierarchical", "entropy"),
                "hierarchical: each dimension 1/K, split equally among its indicators",
                "hierarchical：层次等权，每个维度1/K，再在其指标间平均分配"),
        Setting("closeness", "Closeness", "贴近度", "squared", ("squared", "ratio"),
                CLOSENESS.note, CLOSENESS.note_zh),
        Setting("ideal", "Ideal solution", "理想解", "group", ("group", "data"),
                "group: each region's own best and worst years (paper 004); data: pooled panel",
                "group：各地区自身最优/最劣年份（论文004）；data：全部样本"),
        DISTANCE, LANG, MISSING),
    outputs={
        "scores": Block("Index", row=2, title="Index I and sub-indices by region and year 指数"),
        "tables": Block("IndexTables", row=2, title="Index tables, region × year 指数表"),
        "growth": Block("Growth", row=2, title="Average annual growth rate 年均增长率"),
        "weights": Block("Weights", row=2, title="Weights 权重"),
        "notes": Block(NOTES_SHEET, row=2, title="Method notes 方法说明"),
    },
    output_sheets=("Index", "IndexTables", "Growth", "Weights", NOTES_SHEET),
    sheets=(GUIDE_SHEET, "Indicators", "Data", SETTINGS_SHEET, "Index", "IndexTables", "Growth",
            "Weights", "Charts", NOTES_SHEET, CONF_SHEET),
)

# ---------------------------------------------------------------- coupling coordination of U

COUPLING_COORDINATION = Template(
    name="coupling_coordination",
    filename="coupling_coordination.xlsx",
    title="Coupling coordination degree of U values (systems in columns)",
    title_zh="耦合协调度（各系统评价值U按列排列）",
    inputs=(Block("U", table="tblU", is_input=True),),
    settings=(MODEL_CLASSIC, Setting("alpha", "T weights (α)", "系统权重α", "equal", ("equal",),
                             "equal, or numbers separated by commas, one per system, summing to 1",
                             "equal（等权），或用逗号分隔的数字，每个系统一个，和为1"),
              Setting("lag_threshold", "Lag threshold", "滞后阈值", 0.1, (),
                      "Two systems: U₁ − U₂ > t → system 2 lags; < −t → system 1 lags",
                      "两个系统：U₁−U₂>t 系统2滞后；<−t 系统1滞后；否则同步"),
              SCHEME, LANG, CLOSED, RESCALE, RD_RATIO, RD_BOUNDS),
    outputs={
        "results": Block("Results", row=2, title="C, T, D, grade, stage 耦合协调结果"),
        "notes": Block(NOTES_SHEET, row=2, title="Method notes 方法说明"),
    },
    output_sheets=("Results", NOTES_SHEET),
    sheets=(GUIDE_SHEET, "U", SETTINGS_SHEET, "Results", "Charts", NOTES_SHEET, CONF_SHEET),
    scheme=SCHEME_BLOCK,
)

TEMPLATES = {t.name: t for t in (ENTROPY_TOPSIS_CCD, IDEAL_SOLUTION_INDEX, COUPLING_COORDINATION)}

# ---------------------------------------------------------------- output sheets

OUTPUT_NOTE = "output — computed by jjj-xl, do not type here / 结果区，由 jjj-xl 计算，请勿输入"


def output_note_cell(template: Template, sheet: str) -> tuple[int, int]:
    """Where the "do not type here" note of an output sheet goes: right of its blocks."""
    blocks = [b for b in template.outputs.values() if b.sheet == sheet]
    return max(min(b.row for b in blocks) - 1, 1), max(b.col for b in blocks) + 8


# number formats of result columns
NUMBER_FORMATS = {"e": "0.0000", "d": "0.0000", "w": "0.0000", "dimension_weight": "0.000",
                  "C": "0.000", "T": "0.000", "D": "0.000", "E": "0.000", "closeness": "0.0000",
                  # the grade level, padded so that it never runs into the label (issue 11)
                  "level": "0_0_0"}
GROWTH_FORMAT = "0.00%"   # average annual growth rates (issue 11)
SCORE_FORMAT = "0.0000"
