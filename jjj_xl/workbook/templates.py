"""The three workbook templates (``layout.TEMPLATES``), built with openpyxl.

Everything about where things go comes from :mod:`jjj_xl.workbook.layout`; this
module only decides how the sheets look (guide text, fills, drop-downs,
charts, print setup). Building is deterministic: the same code gives the
same cells, tables, names, validations and charts (the .xlsx bytes still
differ by the zip timestamps), so ``workbook_templates/`` can be checked
against the builder with :func:`snapshot`.

    python -c "from jjj_xl.workbook.templates import build_all; build_all('workbook_templates')"
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path

from .. import __version__
from . import layout
from ..i18n import INPUT_HEADERS_ZH, current as _lang_now, has_cjk as _has_cjk, language as _language, \
    tr as _tr
from ..methods.coupling import CCD10_LABELS, CCD10_THRESHOLDS
from ..datasets import load_sample
from .cells import INPUT_FILL, save_atomically, write_cell
from .styles import (fill as _fill, font as _font,
                     set_widths as _set_widths, text_height as _text_height,
                     validation as _validation, wrap as _wrap)

__all__ = ["build_template", "write_template", "build_all", "snapshot", "OUTPUT_NOTE"]

# ---------------------------------------------------------------- constants of this module
# (candidates for layout.py; see the module docstring of layout.py)

BUILD_DATE = datetime.datetime(2025, 1, 1, 0, 0, 0)   # fixed created/modified: deterministic files
CREATOR = "jjj-xl"

# bundled illustrative sample whose indicator table prefills tblIndicators
SAMPLE_FOR = {"entropy_topsis_ccd": "paper000", "ideal_solution_index": "paper004"}
U_HEADER = ("observation", "system 1", "system 2", "system 3")
CHARTS_SHEET = "Charts"      # sheets named only in the layout.Template.sheets tuples
FORMULAS_SHEET = "Formulas"

OUTPUT_NOTE = layout.OUTPUT_NOTE

# ribbon button -> output keys it writes (same as actions.ACTION_OUTPUTS, by key not template)
BUTTON_OUTPUTS = {"weights": ("weights",), "scores": ("scores", "tables", "growth"),
                  "coupling": ("coupling", "coupling_dimensions", "results")}

TAB_INPUT = "FFC000"     # yellow
TAB_OUTPUT = "5B9BD5"    # blue
TAB_GUIDE = "70AD47"     # green
TAB_OTHER = "A5A5A5"     # grey (Formulas, xlwings.conf)
TITLE_FILL = "D9D9D9"    # light grey title cells of output sheets
NOTE_COLOR = "C00000"

# chart helper areas (formulas on the Charts sheet that look result columns up by header)
HELPER_COL = 14          # column N: right of the charts
MAX_YEARS = 20
MAX_SERIES = 8           # dimensions (overall + 7) or regions shown per line chart
MAX_REGIONS = 13         # the 13 cities of Beijing-Tianjin-Hebei
MAX_ROWS = 60            # rows of a long result table read by a chart
SCAN_ROWS = 400          # rows scanned in long result tables (6 dimensions x 20 years x ...)
SCAN_COLS = 30           # header cells scanned for a column name

# ---------------------------------------------------------------- guide text

BUTTONS = (
    # key, label, label_zh, what it does (en), (zh)
    ("compute_all", "Compute all", "全部计算",
     "Checks the inputs, then computes everything and rewrites {sheets} and {notes} (the settings "
     "used and any warnings). If a problem is found nothing is computed: the first problem is shown "
     "and all of them are listed on {notes}.",
     "先校验输入，再完成全部计算，重写 {sheets_zh} 和 {notes}（所用设置与警告）。发现问题时不计算：显示第一个"
     "问题，全部问题列在 {notes} 表。"),
    ("weights", "Weights", "权重",
     "Only the indicator weights (the method follows the Settings): rewrites {sheets}.",
     "只计算指标权重（方法按设置表）：重写 {sheets_zh}。"),
    ("scores", "Scores", "得分",
     "Only the scores: {what}; rewrites {sheets}.",
     "只计算得分：{what_zh}；重写 {sheets_zh}。"),
    ("coupling", "Coupling", "耦合",
     "Only the coupling coordination degree (C, T, D, level, label, stage): rewrites {sheets}.",
     "只计算耦合协调度（C、T、D、等级、标签、阶段）：重写 {sheets_zh}。"),
    ("validate", "Validate", "校验数据",
     "Checks the inputs and settings without computing and writes a report to {notes}: one line per "
     "problem, naming its cell (e.g. {cell}) and what is needed.",
     "只检查输入与设置、不计算，在 {notes} 表写出校验报告：每个问题一行，指明单元格（如 {cell}）及应如何填写。"),
    ("clear_outputs", "Clear outputs", "清除结果",
     "Empties the output sheets ({outputs}). Inputs, settings and this Guide are never touched.",
     "清空结果表（{outputs_zh}）。输入表、设置表和本说明不受影响。"),
    ("new_from_template", "New from template", "新建模板",
     "Creates a new workbook from one of the jjj-xl templates ({templates}): example indicators "
     "where the template has them, empty data, ready to fill.",
     "按 jjj-xl 模板（{templates_zh}）新建工作簿：含示例指标（如模板有指标表）、数据为空，可直接填写。"),
    ("share", "Share", "共享",
     "Saves <name>-share.xlsx next to this (saved) workbook: every result is a native Excel "
     "formula over Data and Indicators, so colleagues without Python, the add-in or macros can "
     "change data values and see weights, scores, C, T, D and grades update (also "
     "jjj-xl share BOOK --out FILE; --lite makes an xlwings Lite copy instead).",
     "在本工作簿（需先保存）旁生成 <名称>-share.xlsx：所有结果均为 Excel 原生公式，同事无需 Python、"
     "加载项或宏即可修改数据并自动更新权重、得分、C、T、D 与等级（命令行：jjj-xl share BOOK --out FILE；"
     "--lite 生成 xlwings Lite 版本）。"),
)

SCORE_WHAT = {
    "entropy_topsis_ccd": ("TOPSIS closeness of every region-year, overall and per dimension",
                           "各地区-年份的 TOPSIS 贴近度（总体及各维度）"),
    "ideal_solution_index": ("the index I and its sub-indices per region and year, the region × year "
                             "tables and the average annual growth rates",
                             "各地区各年份的指数 I 与分项指数、地区×年份指数表及年均增长率"),
}

FUNCTIONS = (
    ("JJJ_STANDARDIZE(data, [directions], [method], [shift])",
     "The standardised matrix, same shape as data (method minmax/max/vector/share/zscore; zscore uses "
     "the sample standard deviation). Directions: + or -, middle 7 (best value 7), interval 10-20 "
     "(ideal band), also 中间型 7 / 区间型 10-20; several in one cell separated by ;.",
     "标准化后的矩阵，形状与 data 相同（方法 minmax/max/vector/share/zscore；zscore 用样本标准差）。"
     "方向：+ 或 -、middle 7（最优值 7）、interval 10-20（最优区间），也可写中间型 7 / 区间型 10-20；"
     "一个单元格写多个时用 ; 分隔。"),
    ("JJJ_POSITIVIZE(data, directions)",
     "The positivised matrix (larger is better): cost max − x, middle 1 − |x − best|/max|x − best|, "
     "interval 1 − distance to the band / its largest value. Middle 7: 5, 7, 8, 9 → 0, 1, 0.5, 0.",
     "正向化后的矩阵（越大越好）：负向 max − x，中间型 1 − |x − 最优值|/max|x − 最优值|，"
     "区间型 1 − 到区间的距离/最大距离。中间型 7：5、7、8、9 → 0、1、0.5、0。"),
    ("JJJ_ENTROPY_WEIGHTS(data, [directions], [method], [shift], [translate])",
     "Entropy weights w, one per indicator column (defaults: minmax with shift 1, as paper 000). "
     "translate \"spssau\" adds |min| + 0.01 to a standardised column with a value ≤ 0 (SPSSAU's "
     "non-negative translation; needed with method zscore).",
     "熵权 w，每个指标列一个（默认 minmax、平移量 1，同论文000）。translate 为 \"spssau\" 时，对含 ≤ 0 值的"
     "标准化列加 |min| + 0.01（SPSSAU 非负平移；method 为 zscore 时需要）。"),
    ("JJJ_ENTROPY_TABLE(data, [directions], [method], [shift], [header], [translate])",
     "The entropy table per indicator: e (entropy), d = 1 − e, w; header = TRUE adds a header row.",
     "各指标的熵值表：e（信息熵）、d = 1 − e、w；header = TRUE 时带表头。"),
    ("JJJ_HIER_WEIGHTS(dimensions)",
     "Hierarchical equal weights from the dimension of each indicator (paper 004).",
     "按各指标所属维度计算的层次等权权重（论文004）。"),
    ("JJJ_CRITIC_WEIGHTS(data, [directions])", "CRITIC weights.", "CRITIC 权重。"),
    ("JJJ_AHP(matrix, [header])",
     "AHP weights from an n × n pairwise comparison matrix (Saaty 1–9 scale; one triangle may be "
     "blank): n rows × 4, the weights in the first column, λmax, CI and CR in the first row "
     "(CR > 0.1: revise the comparisons).",
     "由 n × n 两两比较判断矩阵（Saaty 1–9 标度，可只填一个三角）计算的 AHP 权重：n 行 × 4 列，第一列为权重，"
     "第一行另给出 λmax、CI、CR（CR > 0.1 时应修改判断矩阵）。"),
    ("JJJ_COMBINE_WEIGHTS(w1, w2, [alpha], [method])",
     "Combined weights: linear alpha·w1 + (1 − alpha)·w2 (alpha default 0.5) or multiplicative "
     "w1·w2/Σ(w1·w2); shaped like w1.",
     "组合权重：线性 alpha·w1 + (1 − alpha)·w2（alpha 默认 0.5）或乘法合成 w1·w2/Σ(w1·w2)；形状同 w1。"),
    ("JJJ_TOPSIS(data, weights, [directions], [method], [closeness], [ideal])",
     "TOPSIS closeness of each row (method vector/minmax/max/share/zscore/none; closeness ratio or "
     "squared; ideal data).",
     "各行的 TOPSIS 贴近度（method 为 vector/minmax/max/share/zscore/none；贴近度 ratio 或 squared；理想解 data）。"),
    ("JJJ_TOPSIS_TABLE(...)",
     "Same arguments as JJJ_TOPSIS; the full table per row: d⁺, d⁻, closeness and rank.",
     "参数同 JJJ_TOPSIS；返回各行完整结果：d⁺、d⁻、贴近度与排名。"),
    ("JJJ_GREY_GRADE(data, [directions], [rho], [weights], [method], [header])",
     "Grey relational grade of each row against the ideal row (Deng, ρ = 0.5 by default) and its "
     "rank: 2 columns (grade, rank).",
     "各行与理想序列的灰色关联度（邓氏，分辨系数 ρ 默认 0.5）及排名：2 列（关联度、排名）。"),
    ("JJJ_GREY_DEGREE(series, reference, [rho], [normalize], [header])",
     "Grey relational degree of each factor series (a column of series) with the reference series "
     "(e.g. D over the years) and its rank: one row per factor (degree, rank); normalize mean "
     "(default), initial, minmax or none.",
     "各因素序列（series 的各列）与参考序列（如各年 D）的灰色关联度及排名：每个因素一行（关联度、排名）；"
     "normalize 为 mean（均值化，默认）、initial（初值化）、minmax 或 none。"),
    ("JJJ_COUPLING(u, [weights], [model], [header], [closed], [rescale], [lang])",
     "Coupling degree C, development index T and coordination degree D of each row of U (systems "
     "in columns): 3 columns, plus a header row with header = TRUE; weights are the α of T (empty: "
     "equal), model classic/ring/ring_printed/wang/fan. closed left or right adds level and label "
     "(intervals [a, b) or (a, b]); rescale TRUE puts each system into [0.01, 0.99] first (SPSSAU). "
     "Grades otherwise: JJJ_CCD_GRADE of the D column.",
     "U 每一行（各系统按列）的耦合度 C、综合发展指数 T 与协调度 D：3 列，header = TRUE 时带表头；"
     "weights 为 T 的权重 α（留空则等权），model 为 classic/ring/ring_printed/wang/fan。closed 为 left 或 "
     "right 时加等级与名称两列（区间 [a, b) 或 (a, b]）；rescale 为 TRUE 时先把各系统缩放到 [0.01, 0.99]"
     "（SPSSAU）。否则等级用 JJJ_CCD_GRADE。"),
    ("JJJ_CCD_GRADE(d, [lang], [scheme], [closed])",
     "The level and label of each coordination degree D: a cell or a column gives two columns "
     "(level, label), a row gives two rows (lang en or zh; scheme ccd10 or a table of lower bounds "
     "and labels such as {scheme_table}; closed left [a, b) or right (a, b]).",
     "各协调度 D 的等级序号与名称：单元格或一列输入得两列（等级、名称），一行输入得两行（lang 为 en 或 zh；"
     "scheme 为 ccd10 或下限-标签表，如 {scheme_table}；closed 为 left [a, b) 或 right (a, b]）。"),
    ("JJJ_REL_DEV(u, [ratio], [bounds], [lang], [labels], [header])",
     "Relative development degree of two systems: E = U2/U1 (ratio u2/u1, default) or U1/U2, its "
     "class and label (E ≤ 0.8, 0.8 < E ≤ 1.2, E > 1.2 by default): 3 columns; an infinite E "
     "(denominator 0) shows as ∞.",
     "两系统的相对发展度：E = U2/U1（ratio 为 u2/u1，默认）或 U1/U2，及其类别与名称（默认 E ≤ 0.8、"
     "0.8 < E ≤ 1.2、E > 1.2）：3 列；分母为 0 时 E 显示为 ∞。"),
    ("JJJ_OBSTACLE(data, weights, [directions], [top], [header], [method])",
     "The top obstacle indicators of each row and their obstacle degrees: 2 × top columns "
     "(indicator, degree, …); header = TRUE adds a header row; method none for data already "
     "standardised (values in [0, 1]).",
     "各行前 top 个主要障碍因子及其障碍度：2 × top 列（指标、障碍度……）；header = TRUE 时带表头；"
     "数据已标准化（取值 0–1）时 method 用 none。"),
    ("JJJ_VERSION()", "The version of jjj-xl that computes the functions.",
     "计算这些函数的 jjj-xl 版本。"),
)

METHODS_TEXT = (
    ("Standardisation 标准化",
     "minmax: benefit (x − min)/(max − min) + shift, cost (max − x)/(max − min) + shift (paper 000, "
     "shift 1); max: benefit x/max, cost min/x (paper 004); share: x/Σx, directions ignored; vector: "
     "x/√Σx² (classic TOPSIS). min, max and sums are over the pooled panel, or per region where the "
     "workflow says so.",
     "minmax：正向 (x−min)/(max−min)+平移量，负向 (max−x)/(max−min)+平移量（论文000，平移量1）；max：正向 "
     "x/max，负向 min/x（论文004）；share：x/Σx，忽略方向；vector：x/√Σx²（经典TOPSIS）。最小值、最大值与求和"
     "默认在全部样本上计算，流程规定时按地区分别计算。"),
    ("Weights 权重",
     "Entropy: p = z/Σz, e = −(1/ln m) Σ p ln p with 0·ln 0 = 0, d = 1 − e, w = d/Σd; the weight of a "
     "dimension is the sum of its indicators' w (paper 000, Table 2). Hierarchical equal weights: K "
     "dimensions each 1/K, split equally among their indicators (paper 004).",
     "熵权法：p = z/Σz，e = −(1/ln m) Σ p ln p（约定 0·ln 0 = 0），d = 1 − e，w = d/Σd；维度权重为其指标权重之和"
     "（论文000表2）。层次等权：K 个维度各 1/K，再在维度内各指标间平均分配（论文004）。"),
    ("TOPSIS",
     "V = R·w; ideal and anti-ideal are the best and worst of V over the pooled panel (data) or each "
     "region's own years (group, paper 004). d⁺, d⁻ are Euclidean distances on V (w2) or √Σ w(r − r*)² "
     "(w). Closeness ratio C = d⁻/(d⁺ + d⁻); squared F = d⁻²/(d⁺² + d⁻²) (paper 004). Rank 1 is best.",
     "V = R·w；正、负理想解取全部样本（data）或各地区自身年份（group，论文004）中 V 的最优、最劣值。d⁺、d⁻ 为 V 上的"
     "欧氏距离（w2）或 √Σw(r−r*)²（w）。贴近度 ratio：C = d⁻/(d⁺+d⁻)；squared：F = d⁻²/(d⁺²+d⁻²)（论文004）。"
     "排名1为最优。"),
    ("Coupling 耦合",
     "U has one row per observation and one column per system, values in [0, 1]. classic: C = n(ΠU)^(1/n)/ΣU; "
     "ring (paper 000): C = 2[ΠU_i/Π(U_i + U_i+1)]^(1/n) — the paper prints it without the factor 2, "
     "which caps C at 0.5 (ring_printed); wang (Wang Shujia et al. 2021): C = √{[1 − Σ|U_i − U_j|/Σk]·"
     "Π(U_i/max U)^(1/(n−1))}. T = Σ α U (α equal by default), D = √(C·T). Every model gives C = 1 "
     "when all U are equal and > 0.",
     "U 每行一个观测、每列一个系统，取值在 [0,1]。classic：C = n(ΠU)^(1/n)/ΣU；ring（论文000）："
     "C = 2[ΠU_i/Π(U_i+U_i+1)]^(1/n)——论文原式无系数2，此时 C 不超过 0.5（ring_printed）；wang（王淑佳等，2021）："
     "C = √{[1 − Σ|U_i−U_j|/Σk]·Π(U_i/max U)^(1/(n−1))}。T = ΣαU（默认等权），D = √(C·T)。各模型在所有 U "
     "相等且大于0时 C = 1。"),
    ("Grades and stages 等级与阶段",
     "D is graded with half-open intervals [a, b) (D = 1 is the top level), ccd10 by default (table "
     "below) or your own table. Stage of C: ≤ 0.3 low-level coupling, (0.3, 0.5] antagonism, "
     "(0.5, 0.8] running-in, (0.8, 1] high-level coupling. Two systems: U₁ − U₂ > threshold → system 2 "
     "lags; < −threshold → system 1 lags; otherwise synchronous.",
     "D 按左闭右开区间 [a, b) 分级（D = 1 为最高级），默认 ccd10（见下表），也可用自定义表。耦合阶段（按 C）："
     "≤0.3 低水平耦合，(0.3, 0.5] 拮抗，(0.5, 0.8] 磨合，(0.8, 1] 高水平耦合。两个系统时：U₁−U₂ > 阈值为系统2"
     "滞后，< −阈值为系统1滞后，否则为同步。"),
)

WORKFLOW_TEXT = {
    "entropy_topsis_ccd": (
        "Workflow (paper 000): 1. standardise the pooled panel (minmax, shift 1); 2. entropy weights "
        "and dimension weights; 3. TOPSIS closeness of every region-year, overall and per dimension, "
        "with the ideal over the pooled panel so that years compare; 4. coupling per year with U = the "
        "regions' scores that year (Tables 4–9), and optionally, per region-year, the coupling of its "
        "dimensions (Coupling orientation).",
        "流程（论文000）：1. 在全部样本上标准化（minmax，平移量1）；2. 熵权及维度权重；3. 各地区-年份的 TOPSIS "
        "贴近度（总体及各维度），理想解取全部样本，使各年份可比；4. 逐年以各地区得分为 U 计算地区间耦合协调度"
        "（表4–9），也可对每个地区-年份计算其各维度间的耦合（耦合方向设置）。"),
    "ideal_solution_index": (
        "Workflow (paper 004): standardise each region over its own years (max), hierarchical equal "
        "weights, ideal = that region's best and worst years, squared closeness; sub-indices per "
        "dimension; index table region × year; average annual growth (F_last/F_first)^(1/(years − 1)) − 1.",
        "流程（论文004）：各地区按自身年份标准化（max），层次等权，理想解为该地区自身最优、最劣年份，贴近度取 "
        "squared；计算各维度分项指数、地区×年份指数表及年均增长率 (F_末/F_初)^(1/(年数−1)) − 1。"),
    "coupling_coordination": (
        "Workflow: the U values are already computed (e.g. TOPSIS scores of each system); for each row "
        "jjj-xl gives C (coupling model setting), T with the α weights, D = √(C·T), the grade of D, the "
        "stage of C and, for two systems, the lagging type.",
        "流程：U 值已事先算好（如各系统的 TOPSIS 得分）；jjj-xl 对每一行计算 C（按耦合模型设置）、按权重 α 计算 T、"
        "D = √(C·T)、D 的等级、C 的耦合阶段，两个系统时还给出滞后类型。"),
}

REFERENCES = (
    ("paper 000",
     "Li, Du, Luo, Fang (2022). Research on Collaborative Development Level of Beijing-Tianjin-Hebei "
     "Smart City Based on Coupling Correlation Degree Analysis — entropy-weight TOPSIS, then coupling "
     "coordination of 6 cities per year (models minmax/shift 1, ring, grades ccd10).",
     "论文000：Li、Du、Luo、Fang（2022），英文论文，题名见上；方法为熵权 TOPSIS，再逐年计算 6 个城市的耦合协调度"
     "（minmax、平移量1，ring 模型，ccd10 等级）。"),
    ("paper 004",
     "Wu, Wang, Chen. Comparative Evaluation of Scientific and Technological Innovation Levels in the "
     "Beijing-Tianjin-Hebei Region — hierarchical equal-weight ideal-solution model (max, group ideal, "
     "squared closeness).",
     "论文004：Wu、Wang、Chen，英文论文，题名见上；方法为层次等权理想解模型（max 标准化、各地区自身理想解、squared 贴近度）。"),
    ("wang",
     "Wang Shujia et al. (2021), 自然资源学报 (Journal of Natural Resources) 36(3) — the corrected coupling "
     "model offered as coupling model = wang.",
     "王淑佳等（2021），《自然资源学报》36(3)——修正的耦合度模型，即耦合模型 wang。"),
)


# ---------------------------------------------------------------- deterministic properties

def _fixed_properties():
    """Document properties whose ``modified`` keeps its first value (openpyxl sets it on save)."""
    from openpyxl.packaging.core import DCTERMS_NS, DocumentProperties, QualifiedDateTime

    class _Pinned(QualifiedDateTime):
        def __set__(self, instance, value):
            if instance.__dict__.get(self.name) is not None:
                return
            super().__set__(instance, value)

    namespace = {k: v for k, v in vars(DocumentProperties).items()
                 if k in ("__elements__", "__attrs__", "__namespaced__", "__nested__")}
    namespace["modified"] = _Pinned(allow_none=True, namespace=DCTERMS_NS)
    cls = type("FixedDocumentProperties", (DocumentProperties,), namespace)
    return cls(creator=CREATOR, created=BUILD_DATE, modified=BUILD_DATE,
               title=None, description=f"jjj-xl {__version__} workbook template")


# ---------------------------------------------------------------- small helpers

def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col)


def _quote(sheet: str) -> str:
    """A sheet name as a formula prefix: bare when Excel allows it (Settings), else 'quoted'."""
    bare = (re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sheet)
            and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+|[RrCc]", sheet))
    return sheet if bare else "'" + sheet.replace("'", "''") + "'"


def _ref(sheet: str, row: int, col: int, row2: int | None = None, col2: int | None = None) -> str:
    """Absolute reference like Settings!$C$3 or Coupling!$A$3:$J$402."""
    ref = f"${_letter(col)}${row}"
    if row2 is not None:
        ref += f":${_letter(col2 or col)}${row2}"
    return f"{_quote(sheet)}!{ref}"


def _add_table(ws, name: str, header, row: int, col: int, rows: list[list] | None = None):
    """An Excel Table with ``header`` at (row, col); at least one (blank) body row."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    bold = _font(bold=True)
    fill = _fill(INPUT_FILL)
    for j, name_ in enumerate(header):
        c = write_cell(ws, row, col + j, str(name_))
        c.font = bold
        c.fill = fill
    rows = rows or []
    for i, values in enumerate(rows, start=1):
        for j, v in enumerate(values):
            write_cell(ws, row + i, col + j, v)
    last_row = row + max(len(rows), 1)
    ref = f"{_letter(col)}{row}:{_letter(col + len(header) - 1)}{last_row}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showFirstColumn=False,
                                          showLastColumn=False, showRowStripes=True,
                                          showColumnStripes=False)
    ws.add_table(table)
    return last_row


# ---------------------------------------------------------------- Guide

def _sample_codes(tpl: layout.Template) -> list[str]:
    """Indicator codes of the sample that prefills a template's indicator table."""
    return [str(c) for c in load_sample(SAMPLE_FOR[tpl.name]).indicators["code"]]


def _guide_rows(tpl: layout.Template) -> list[tuple]:
    """Rows of the Guide: (kind, A, B, C, D); kind title/h/p/th/td."""
    sheets_of = {}
    for key, block in tpl.outputs.items():
        sheets_of.setdefault(key, block.sheet)
    notes = tpl.outputs["notes"].sheet
    input_sheets = list(dict.fromkeys(b.sheet for b in tpl.inputs))
    inputs, inputs_zh = ", ".join(input_sheets), "、".join(input_sheets)
    outputs, outputs_zh = ", ".join(tpl.output_sheets), "、".join(tpl.output_sheets)
    rows: list[tuple] = [
        ("title", tpl.title),
        ("title", tpl.title_zh),
        ("p", "jjj-xl", f"Template {tpl.name} (jjj-xl {__version__}). Yellow tabs ({inputs}, "
                        f"{layout.SETTINGS_SHEET}) are yours to fill; blue tabs ({outputs}) are "
                        f"written by jjj-xl — do not type there, they are cleared and rewritten on "
                        f"every run."),
        ("p", "", f"模板 {tpl.name}（jjj-xl {__version__}）。黄色标签页（{inputs_zh}、{layout.SETTINGS_SHEET}）"
                  f"由您填写；蓝色标签页（{outputs_zh}）由 jjj-xl 写入——请勿在其中输入，每次计算都会清空重写。"),
        ("h", "What to fill 填写内容"),
    ]
    if tpl.name in SAMPLE_FOR:
        ind, data = tpl.inputs
        cols, cols_zh = ", ".join(layout.INDICATOR_COLUMNS), "、".join(layout.INDICATOR_COLUMNS)
        rows += [
            ("p", f"1. {ind.sheet}", f"Table {ind.table}: one row per indicator ({cols}). code is a "
                                     f"short name without spaces and is also the column header on "
                                     f"{data.sheet}; dimension groups indicators into subsystems; "
                                     f"direction is + (benefit 正向, larger is better) or - (cost 负向, "
                                     f"smaller is better). The example rows are the bundled "
                                     f"ILLUSTRATIVE sample ({SAMPLE_FOR[tpl.name]}; generated, not "
                                     f"official statistics): replace them with your own indicators."),
            ("p", "", f"表 {ind.table}：每个指标一行（{cols_zh}）。code 为不含空格的简称，同时是 {data.sheet} 表的"
                      f"列标题；dimension 为所属维度（子系统）；direction 为 +（正向，越大越好）或 -（负向，越小越好）。"
                      f"示例行来自内置的示意样本（{SAMPLE_FOR[tpl.name]}；随机生成，并非官方统计数据），请替换为您的指标。"),
            ("p", f"2. {data.sheet}", f"Table {data.table}: one row per region and year — region, year, "
                                      f"then one column per indicator code, numbers only. Type or paste "
                                      f"below the header; the Table grows by itself. If you change the "
                                      f"indicators, change these column headers to match."),
            ("p", "", f"表 {data.table}：每个地区-年份一行——region（地区）、year（年份），然后每个指标代码一列，只填数字。"
                      f"在表头下方输入或粘贴，表格会自动扩展。若修改了指标，请同步修改这些列标题。"),
        ]
    else:
        u = tpl.inputs[0]
        rows += [
            ("p", f"1. {u.sheet}", f"Table {u.table}: one row per observation (a year, a region-year) "
                                   f"— its label in the first column, then one column per system with "
                                   f"its evaluation value U in [0, 1] (e.g. TOPSIS scores). Rename the "
                                   f"system headers; add or delete system columns (at least 2)."),
            ("p", "", f"表 {u.table}：每个观测（某年份或某地区-年份）一行——第一列为其名称，之后每个系统一列，填该系统的"
                      f"评价值 U（0 到 1 之间，如 TOPSIS 得分）。可重命名系统列标题，可增删系统列（至少2列）。"),
        ]
    rows += [
        ("p", f"{len(tpl.inputs) + 1}. {layout.SETTINGS_SHEET}",
         "Choose the methods in column C (drop-downs); the options are explained below and next to "
         "each setting."),
        ("p", "", "在 C 列（下拉列表）选择方法；各选项的含义见下文及各设置旁的说明。"),
        ("h", "Buttons (JJJ ribbon tab) 按钮（JJJ 功能区）"),
    ]
    what, what_zh = SCORE_WHAT.get(tpl.name, ("", ""))
    for key, label, label_zh, en, zh in BUTTONS:
        sheets = [sheets_of[k] for k in BUTTON_OUTPUTS.get(key, ()) if k in sheets_of]
        if key == "compute_all":
            sheets = [s for s in tpl.output_sheets if s != notes]
        sheets = list(dict.fromkeys(sheets))
        if key in BUTTON_OUTPUTS and not sheets:
            en = ("Not used in this template: it has no separate step of this kind; Compute all "
                  "does everything the template offers.")
            zh = "本模板不使用此按钮：没有单独的这一步骤，“全部计算”会完成本模板的全部计算。"
        fmt = dict(sheets=", ".join(sheets), sheets_zh="、".join(sheets), notes=notes,
                   outputs=outputs, outputs_zh="、".join(tpl.output_sheets),
                   templates=", ".join(layout.TEMPLATES), templates_zh="、".join(layout.TEMPLATES),
                   what=what, what_zh=what_zh, cell=f"{tpl.inputs[-1].sheet}!C7")
        rows += [("p", f"{label} {label_zh}", en.format(**fmt)), ("p", "", zh.format(**fmt))]
    rows.append(("h", "Settings 设置"))
    rows += [
        ("p", layout.SETTINGS_SHEET,
         f"Each value in column C of {layout.SETTINGS_SHEET} is also a named cell (jjj_ + key, e.g. "
         f"{tpl.settings[0].name}) that formulas can use. A blank value means the default."),
        ("p", "", f"{layout.SETTINGS_SHEET} 表 C 列的每个取值同时是一个命名单元格（jjj_ 加设置名，如 "
                  f"{tpl.settings[0].name}），可在公式中引用。留空即用默认值。"),
    ]
    for s in tpl.settings:
        text = isinstance(s.default, str) and not s.choices
        choices = ", ".join(map(str, s.choices)) if s.choices else \
            ("numbers separated by commas" if text else "a number ≥ 0")
        choices_zh = "、".join(map(str, s.choices)) if s.choices else ("逗号分隔的数" if text else "≥ 0 的数")
        rows += [("p", f"{s.label} {s.label_zh}",
                  f"{s.name} — default {s.default}; choices: {choices}. {s.note}"),
                 ("p", "", f"{s.name}——默认 {s.default}；可选：{choices_zh}。{s.note_zh}")]
    if tpl.scheme is not None:
        cell = f"{tpl.scheme.sheet}!{_letter(tpl.scheme.col)}{tpl.scheme.row}"
        rows += [("p", "Custom grades 自定义等级",
                  f"Table {tpl.scheme.table} at {cell}: one row per level — lower bound of D, English "
                  f"label, 中文标签 — in ascending order from 0. It is used when Grade scheme = custom "
                  f"and is prefilled with ccd10; edit, add or delete rows."),
                 ("p", "", f"表 {tpl.scheme.table}（位于 {cell}）：每个等级一行——D 的下限、英文标签、中文标签，"
                           f"从 0 开始升序排列。等级划分选 custom 时使用；已预填 ccd10，可修改、增删行。")]
    rows.append(("h", "Excel functions 函数"))
    conf_key, conf_value = layout.CONF_ROWS[0]
    if tpl.name in SAMPLE_FOR:
        ind, data_block = tpl.inputs
        codes = _sample_codes(tpl)
        data = f"{data_block.table}[[{codes[0]}]:[{codes[-1]}]]"
        dirs = f"TRANSPOSE({ind.table}[direction])"
        example = (f"=JJJ_ENTROPY_WEIGHTS({data},{dirs},{tpl.settings[0].name})")
        args = (f"data is a block of numbers, indicators in columns (e.g. {data}); directions is a "
                f"row of + / - matching the columns (e.g. {dirs}); ")
        args_zh = (f"data 为数值区域，指标按列排列（如 {data}）；directions 为与各列对应的一行 + / -（如 {dirs}）；")
    else:
        u = tpl.inputs[0]
        data = f"{u.table}[[{U_HEADER[1]}]:[{U_HEADER[-1]}]]"
        example = f"=JJJ_COUPLING({data},,{tpl.setting('coupling_model').name},TRUE)"
        args = f"u is a block of U values, systems in columns (e.g. {data}); "
        args_zh = f"u 为 U 值区域，各系统按列排列（如 {data}）；"
    hint = hint_zh = ""
    if FORMULAS_SHEET in tpl.sheets:
        hint = f" The {FORMULAS_SHEET} sheet shows them at work on {tpl.inputs[1].table}."
        hint_zh = f"{FORMULAS_SHEET} 表给出了基于 {tpl.inputs[1].table} 的示例。"
    rows += [
        ("p", "How to use",
         f"Type them like any Excel function, e.g. {example}. {args[0].upper()}{args[1:]}optional "
         f"arguments [in brackets] can be left out; options are the same words as on the "
         f"{layout.SETTINGS_SHEET} sheet, and you can point to the named setting cells "
         f"({tpl.settings[0].name} …). Results are arrays: Excel 365 spills them; in older Excel "
         f"select the output range and press Ctrl+Shift+Enter. #NAME? means the functions are not "
         f"loaded: they come from the xlwings add-in, which reads {conf_key} = {conf_value} on the "
         f"{layout.CONF_SHEET} sheet." + hint),
        ("p", "使用方法",
         f"与普通 Excel 函数一样输入，如 {example}。{args_zh}方括号中的参数可省略；选项与 "
         f"{layout.SETTINGS_SHEET} 表中的取值相同，也可直接引用命名的设置单元格（{tpl.settings[0].name} 等）。"
         f"结果为数组：Excel 365 会自动溢出；旧版 Excel 请先选中输出区域再按 Ctrl+Shift+Enter。出现 #NAME? 表示"
         f"函数未加载：函数由 xlwings 加载项提供，它读取 {layout.CONF_SHEET} 表中的 {conf_key} = {conf_value}。"
         + hint_zh),
    ]
    for sig, en, zh in FUNCTIONS:
        st = dict(scheme_table=layout.SCHEME_BLOCK.table)
        rows += [("p", sig.split("(")[0], f"={sig}: {en.format(**st)}"), ("p", "", zh.format(**st))]
    rows.append(("h", "Methods 方法"))
    for head, en, zh in METHODS_TEXT:
        rows += [("p", head, en), ("p", "", zh)]
    en, zh = WORKFLOW_TEXT[tpl.name]
    rows += [("p", "Workflow 流程", en), ("p", "", zh)]
    rows.append(("h", "References 参考文献"))
    for key, en, zh in REFERENCES:
        rows += [("p", key, en), ("p", "", zh)]
    rows.append(("h", "Grades of D (scheme ccd10) 协调等级（ccd10）"))
    rows.append(("th", "level 等级", "D", "English", "中文"))
    for level, (lo, en, zh) in enumerate(zip(CCD10_THRESHOLDS, CCD10_LABELS["en"],
                                             CCD10_LABELS["zh"]), start=1):
        hi = CCD10_THRESHOLDS[level] if level < len(CCD10_THRESHOLDS) else None
        interval = f"[{lo:g}, {hi:g})" if hi is not None else f"[{lo:g}, 1.0]"
        rows.append(("td", level, interval, en, zh))
    return rows


def _zh_guide(rows: list[tuple]) -> list[tuple]:
    """The Guide in Chinese only: of each (English paragraph, Chinese paragraph) pair the
    Chinese one under the Chinese key; English titles dropped; bilingual headings cut."""
    out = []
    for k, row in enumerate(rows):
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        if row[0] == "title":
            if any("\u4e00" <= ch <= "\u9fff" for ch in str(row[1])):
                out.append(row)
            continue
        if row[0] == "p" and row[1] != "" and nxt is not None and nxt[0] == "p" and (
                nxt[1] == "" or (_has_cjk(nxt[1]) and not _has_cjk(row[2]))):
            continue            # the English paragraph: its Chinese follows
        if row[0] == "p" and row[1] == "" and k > 0 and rows[k - 1][0] == "p":
            out.append(("p", _tr(rows[k - 1][1], "zh"), row[2]))
            continue
        if row[0] in ("th", "td") and len(row) == 5:    # the grade table: one label column
            row = (row[0], row[1], row[2], "协调等级" if row[0] == "th" else row[4])
        out.append(tuple([row[0], *[_tr(v, "zh") for v in row[1:]]]))
    return out


def _write_guide(ws, tpl: layout.Template):
    from openpyxl.styles import Alignment

    widths = {1: 21, 2: 80, 3: 22, 4: 10}   # 133 characters: one A4 landscape page width at 80 %
    _set_widths(ws, widths)
    r = 0
    rows = _guide_rows(tpl)
    for kind, *values in (_zh_guide(rows) if _lang_now() == "zh" else rows):
        r += 1
        if kind == "title":
            write_cell(ws, r, 1, values[0]).font = _font(bold=True, size=14)
        elif kind == "h":
            r += 1  # a blank row before each section
            c = write_cell(ws, r, 1, values[0])
            c.font = _font(bold=True, size=12)
            c.fill = _fill(TITLE_FILL)
            ws.cell(row=r, column=2).fill = _fill(TITLE_FILL)
        elif kind == "p":
            key, text = values
            if key:
                write_cell(ws, r, 1, key).font = _font(bold=True)
                ws.cell(row=r, column=1).alignment = _wrap()
            write_cell(ws, r, 2, text).alignment = _wrap()
            ws.row_dimensions[r].height = max(_text_height(text, widths[2]),
                                              _text_height(key, widths[1]))
        elif kind in ("th", "td"):
            for j, v in enumerate(values, start=1):
                c = write_cell(ws, r, j, v)
                c.alignment = Alignment(horizontal="left")
                if kind == "th":
                    c.font = _font(bold=True)
                    c.fill = _fill(TITLE_FILL)
    ws.sheet_properties.tabColor = TAB_GUIDE


# ---------------------------------------------------------------- inputs

def _write_indicators(ws, block: layout.Block, sample: str):
    ind = load_sample(sample).indicators
    rows = [[rec[c] for c in layout.INDICATOR_COLUMNS] for _, rec in ind.iterrows()]
    last = _add_table(ws, block.table, layout.INDICATOR_COLUMNS, block.row, block.col, rows)
    j = layout.INDICATOR_COLUMNS.index("direction")
    col = _letter(block.col + j)
    _validation(ws, f"{col}{block.row + 1}:{col}{max(last, block.row + 200)}", type="list",
                formula1='"+,-"', allow_blank=True, showInputMessage=True, showErrorMessage=True,
                errorStyle="information",   # middle 7 / interval 10-20 are typed, not listed
                promptTitle="Direction 方向",
                prompt="+ benefit 正向: larger is better 越大越好\n- cost 负向: smaller is better 越小越好"
                       "\nmiddle 7 中间型 7: best 7\ninterval 10-20 区间型 10-20: best in [10, 20]",
                errorTitle="Direction 方向",
                error="+ (benefit, 正向), - (cost, 负向), middle 7 (中间型 7) or interval 10-20 "
                      "(区间型 10-20). Not share workbooks: + or - only. 共享工作簿仅支持 + 或 -。")
    _set_widths(ws, {block.col + k: w for k, w in enumerate((22, 44, 30, 14, 10, 10))})
    ws.freeze_panes = ws.cell(row=block.row + 1, column=block.col)
    return [str(c) for c in ind["code"]]


def _write_data(ws, block: layout.Block, codes: list[str]):
    header = ["region", "year", *codes]
    _add_table(ws, block.table, header, block.row, block.col)
    _set_widths(ws, {block.col + k: max(10, len(h) + 3) for k, h in enumerate(header)})
    ws.freeze_panes = ws.cell(row=block.row + 1, column=block.col + 2)


def _write_u(ws, block: layout.Block):
    _add_table(ws, block.table, U_HEADER, block.row, block.col)
    _set_widths(ws, {block.col + k: 14 for k in range(len(U_HEADER))})
    ws.freeze_panes = ws.cell(row=block.row + 1, column=block.col + 1)
    col1, col2 = _letter(block.col + 1), _letter(block.col + len(U_HEADER) + 7)
    _validation(ws, f"{col1}{block.row + 1}:{col2}{block.row + 1000}", type="decimal",
                operator="between", formula1="0", formula2="1", allow_blank=True,
                showInputMessage=True, showErrorMessage=True, promptTitle="U",
                errorStyle="warning",   # raw indices are allowed when Settings "Rescale U" is set
                prompt="Evaluation value of the system, in [0, 1] (raw values: set Rescale U). "
                       "系统评价值，取值 0 到 1（原始值：设置 U区间化）。",
                errorTitle="U", error="U must be in [0, 1] unless Settings Rescale U is 0.01-0.99. "
                                      "U 须在 0 到 1 之间，除非设置 U区间化 为 0.01-0.99。")


AHP_HELP = (
    "AHP (Saaty 1980, 1990): type how much more important the ROW item is than the COLUMN item, "
    "1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme (2, 4, 6, 8 between; 1/3 … 1/9 the "
    "reverse). Fill the upper triangle; a blank cell takes the reciprocal of its mirror. Items: "
    "the dimensions (or up to 15 indicators), the same across and down. Compute all writes the "
    "weights, λmax, CI, RI and CR to the Weights sheet (right); CR > 0.1 is warned on Notes. "
    "Leave the comparisons blank to skip AHP.",
    "层次分析法（Saaty）：填写行项目相对列项目的重要程度，1 同等、3 稍重要、5 明显重要、7 强烈重要、"
    "9 极端重要（2、4、6、8 为中间值，1/3…1/9 为反向）。填写上三角即可，空格自动取对称位置的倒数。"
    "项目为各维度（或不超过15个指标），行列一致。“全部计算”将权重、λmax、CI、RI、CR 写入权重表右侧；"
    "CR > 0.1 在 Notes 中提示。比较值全部留空则不计算 AHP。")


def _write_ahp(ws, items: list[str]):
    """The AHP sheet: help, then the pairwise comparison matrix of ``items`` (diagonal 1,
    the rest blank, typed as text so that Excel keeps "1/3" instead of making it a date)."""
    b = layout.AHP_MATRIX
    span = max(len(items) + 1, 6)       # the help wraps over the matrix's width (issue 11:
    for k, text in enumerate(AHP_HELP[1:] if _lang_now() == "zh" else AHP_HELP, start=1):   # it prints on the matrix's page)
        c = write_cell(ws, k, 1, text)
        c.alignment = _wrap()
        ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=span)
        ws.row_dimensions[k].height = max(62, _text_height(text, 14 * span))
    write_cell(ws, b.row - 1, b.col, b.title).font = _font(bold=True)
    head = write_cell(ws, b.row, b.col, "item 项目")
    head.font = _font(bold=True)
    n = len(items)
    for k, name in enumerate(items):
        write_cell(ws, b.row, b.col + 1 + k, name).font = _font(bold=True)
        write_cell(ws, b.row + 1 + k, b.col, name).font = _font(bold=True)
    for i in range(n):
        for j in range(n):
            c = ws.cell(row=b.row + 1 + i, column=b.col + 1 + j)
            c.number_format = "@"
            if i == j:
                c.value = 1
            elif j > i:
                c.fill = _fill(INPUT_FILL)
    _set_widths(ws, {b.col + k: 14 for k in range(n + 1)})
    ws.freeze_panes = ws.cell(row=b.row + 1, column=b.col + 1)
    ws.sheet_properties.tabColor = TAB_INPUT


def _write_settings(wb, ws, tpl: layout.Template):
    from openpyxl.workbook.defined_name import DefinedName

    sheet, mrow, mcol = layout.MARKER_CELL
    assert sheet == ws.title
    write_cell(ws, mrow, mcol, layout.MARKER_TEXT).font = _font(bold=True)
    write_cell(ws, mrow, mcol + 1, tpl.name).font = _font(bold=True)
    header_row = layout.SETTINGS_FIRST_ROW - 1
    for j, h in enumerate(layout.SETTINGS_HEADER, start=1):
        c = write_cell(ws, header_row, j, h)
        c.font = _font(bold=True)
        c.fill = _fill(INPUT_FILL)
    for s in tpl.settings:
        _, row, col = tpl.setting_cell(s.key)
        write_cell(ws, row, 1, s.label).alignment = _wrap()
        write_cell(ws, row, 2, s.label_zh).alignment = _wrap()
        value = write_cell(ws, row, col, s.default)
        value.alignment = _wrap()
        value.fill = _fill(INPUT_FILL)
        value.font = _font(bold=True)
        choices = ", ".join(map(str, s.choices)) if s.choices else \
            ("numbers, comma-separated 逗号分隔的数" if isinstance(s.default, str) else "number ≥ 0 数值≥0")
        write_cell(ws, row, 4, choices).alignment = _wrap()
        write_cell(ws, row, 5, s.note).alignment = _wrap()
        write_cell(ws, row, 6, s.note_zh).alignment = _wrap()
        ws.row_dimensions[row].height = max(_text_height(s.note, 60), _text_height(s.note_zh, 50))
        addr = f"{_letter(col)}{row}"
        title = s.label if len(s.label) <= 32 else s.label[:32]
        if s.choices:
            fixed = len(s.choices) > 1
            prompt = (f"Choose from the list 从列表中选择: {', '.join(map(str, s.choices))}"
                      if fixed else
                      f"{', '.join(map(str, s.choices))} or your own value (see the note) 或自定义取值（见说明）")
            _validation(ws, addr, type="list", formula1='"' + ",".join(map(str, s.choices)) + '"',
                        allow_blank=True, showInputMessage=True, showErrorMessage=True,
                        errorStyle="stop" if fixed else "information",
                        promptTitle=title, prompt=prompt, errorTitle=title,
                        error=f"Use one of: {', '.join(map(str, s.choices))}. 请从列表中选择。"
                        if fixed else "Not in the list; check the note. 不在列表中，请核对说明。")
        elif isinstance(s.default, str):   # numbers as text, e.g. "0.8, 1.2": a prompt only
            _validation(ws, addr, allow_blank=True, showInputMessage=True, promptTitle=title,
                        prompt=f"{s.note} {s.note_zh}"[:255])
        else:
            value.number_format = "0.####"
            _validation(ws, addr, type="decimal", operator="greaterThanOrEqual", formula1="0",
                        allow_blank=True, showInputMessage=True, showErrorMessage=True,
                        promptTitle=title, prompt="A number ≥ 0. 填写不小于 0 的数。",
                        errorTitle=title, error="A number ≥ 0 is needed. 须为不小于 0 的数。")
        wb.defined_names[s.name] = DefinedName(s.name, attr_text=_ref(ws.title, row, col))
    if tpl.scheme is not None:
        b = tpl.scheme
        rows = []
        for k, lo in enumerate(CCD10_THRESHOLDS):
            rows.append([float(lo), CCD10_LABELS["en"][k], CCD10_LABELS["zh"][k]])
        _add_table(ws, b.table, layout.SCHEME_COLUMNS, b.row, b.col, rows)
        for i in range(len(rows)):
            ws.cell(row=b.row + 1 + i, column=b.col).number_format = "0.00"
        _set_widths(ws, {b.col: 16, b.col + 1: 28, b.col + 2: 12})
    _set_widths(ws, {1: 24, 2: 14, 3: 16, 4: 34, 5: 60, 6: 50})
    ws.freeze_panes = ws.cell(row=layout.SETTINGS_FIRST_ROW, column=1)


# ---------------------------------------------------------------- outputs

def _write_output_sheet(ws, tpl: layout.Template):
    blocks = [b for b in tpl.outputs.values() if b.sheet == ws.title]
    for b in blocks:
        if b.title:
            c = write_cell(ws, b.row - 1, b.col, b.title)
            c.font = _font(bold=True, size=12)
            c.fill = _fill(TITLE_FILL)
    row, note_col = layout.output_note_cell(tpl, ws.title)
    write_cell(ws, row, note_col, OUTPUT_NOTE).font = _font(italic=True, color=NOTE_COLOR)
    ws.freeze_panes = ws.cell(row=min(b.row for b in blocks) + 1, column=1)
    ws.sheet_properties.tabColor = TAB_OUTPUT


# ---------------------------------------------------------------- charts

def _helper_title(ws, row: int, col: int, text: str, comment: str):
    from openpyxl.comments import Comment

    c = write_cell(ws, row, col, text)
    c.font = _font(bold=True)
    c.fill = _fill(TITLE_FILL)
    c.comment = Comment(comment, CREATOR, width=420, height=160)


def _line_chart(title: str, x_title: str, y_title: str, y_max: float | None = 1.0):
    from openpyxl.chart import LineChart

    ch = LineChart()
    ch.title = _tr(title, _lang_now())
    ch.x_axis.title = _tr(x_title, _lang_now())
    ch.y_axis.title = _tr(y_title, _lang_now())
    ch.y_axis.scaling.min = 0
    if y_max is not None:
        ch.y_axis.scaling.max = y_max
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.display_blanks = "gap"
    ch.width, ch.height = 18, 9
    return ch


def _match(name: str, hdr: str) -> str:
    """MATCH of a result column by its header, in either language of the results (Settings
    lang): "year" or its Chinese header, so the charts read an en or a zh workbook."""
    zh = _tr(name, "zh")
    if zh == name:
        return f'MATCH("{name}",{hdr},0)'
    return f'IFERROR(MATCH("{name}",{hdr},0),MATCH("{zh}",{hdr},0))'


def _pivot_long(ws, top: int, col: int, src: layout.Block, key_col_name: str | None, value: str,
                n_series: int, n_cats: int, fmt: str):
    """Helper grid (categories down, series across) from a long table: series = blocks of rows.

    Assumes the long table is sorted by series then category with the same number of
    categories per series (the engine writes dimension-then-year); that number is
    counted from the rows of the first series.
    """
    body = (src.row + 1, src.row + SCAN_ROWS)
    key = _ref(src.sheet, body[0], src.col, body[1])
    first = _ref(src.sheet, body[0], src.col)
    area = _ref(src.sheet, body[0], src.col, body[1], src.col + 9)
    hdr = _ref(src.sheet, src.row, src.col, src.row, src.col + 9)
    n = f"${_letter(col + 1)}${top}"
    write_cell(ws, top, col, "rows per series")
    ws.cell(row=top, column=col + 1).value = f'=IF({first}="",0,COUNTIF({key},{first}))'
    head = top + 1
    write_cell(ws, head, col, key_col_name).font = _font(bold=True)
    for k in range(1, n_series + 1):
        ws.cell(row=head, column=col + k).value = (
            f'=IF(AND({n}>0,COUNTA({key})>={k}*{n}),INDEX({key},{k - 1}*{n}+1),"")')
        ws.cell(row=head, column=col + k).font = _font(bold=True)
    for i in range(1, n_cats + 1):
        r = head + i
        ws.cell(row=r, column=col).value = (
            f'=IF({i}<={n},INDEX({area},{i},{_match(key_col_name, hdr)}),"")')
        for k in range(1, n_series + 1):
            name = f"{_letter(col + k)}${head}"
            c = ws.cell(row=r, column=col + k)
            c.value = (f'=IF(AND({i}<={n},{name}<>""),'
                       f'INDEX({area},{k - 1}*{n}+{i},MATCH("{value}",{hdr},0)),NA())')
            c.number_format = fmt
    return head


def _list_long(ws, top: int, col: int, src: layout.Block, label: str | None, values: tuple,
               n_rows: int, fmt: str, label_header: str):
    """Helper list (label, values...) from the first ``n_rows`` rows of a long table."""
    body = (src.row + 1, src.row + n_rows)
    first_col = _ref(src.sheet, body[0], src.col, body[1])
    area = _ref(src.sheet, body[0], src.col, body[1], src.col + 9)
    hdr = _ref(src.sheet, src.row, src.col, src.row, src.col + 9)
    n = f"${_letter(col + 1)}${top}"
    write_cell(ws, top, col, "rows")
    ws.cell(row=top, column=col + 1).value = f"=COUNTA({first_col})"
    head = top + 1
    write_cell(ws, head, col, label_header).font = _font(bold=True)
    for j, v in enumerate(values, start=1):
        write_cell(ws, head, col + j, v).font = _font(bold=True)
    label_expr = (f'IFERROR(INDEX({area},{{i}},{_match(label, hdr)}),INDEX({area},{{i}},1))'
                  if label else f"INDEX({area},{{i}},1)")
    for i in range(1, n_rows + 1):
        r = head + i
        ws.cell(row=r, column=col).value = f'=IF({i}<={n},{label_expr.format(i=i)},"")'
        for j, v in enumerate(values, start=1):
            c = ws.cell(row=r, column=col + j)
            c.value = f'=IF({i}<={n},INDEX({area},{i},MATCH("{v}",{hdr},0)),NA())'
            c.number_format = fmt
    return head


def _pivot_wide(ws, top: int, col: int, src: layout.Block, n_series: int, n_cats: int, fmt: str):
    """Helper grid (years down, regions across) from a region × year table whose header is at src.

    The region column is found by its header "region" (the first column otherwise); the
    years are the header cells to its right. When a column precedes "region" (the name of
    a stacked table, e.g. I / input / output), only the rows of the first table are used.
    """
    body = (src.row + 1, src.row + MAX_ROWS)
    first_col = _ref(src.sheet, body[0], src.col, body[1])
    first = _ref(src.sheet, body[0], src.col)
    area = _ref(src.sheet, body[0], src.col, body[1], src.col + SCAN_COLS - 1)
    hdr = _ref(src.sheet, src.row, src.col, src.row, src.col + SCAN_COLS - 1)
    rc, nreg, nyr = (f"${_letter(col + 1)}${top + k}" for k in range(3))
    write_cell(ws, top, col, "region column")
    ws.cell(row=top, column=col + 1).value = f'=IFERROR({_match("region", hdr)},1)'
    write_cell(ws, top + 1, col, "regions")
    ws.cell(row=top + 1, column=col + 1).value = (
        f'=IF({first}="",0,IF({rc}=1,COUNTA({first_col}),COUNTIF({first_col},{first})))')
    write_cell(ws, top + 2, col, "years")
    ws.cell(row=top + 2, column=col + 1).value = f"=MAX(0,COUNTA({hdr})-{rc})"
    head = top + 3
    write_cell(ws, head, col, "year").font = _font(bold=True)
    for k in range(1, n_series + 1):
        c = ws.cell(row=head, column=col + k)
        c.value = f'=IF({k}<={nreg},INDEX({area},{k},{rc}),"")'
        c.font = _font(bold=True)
    for i in range(1, n_cats + 1):
        r = head + i
        ws.cell(row=r, column=col).value = f'=IF({i}<={nyr},INDEX({hdr},1,{rc}+{i}),"")'
        for k in range(1, n_series + 1):
            c = ws.cell(row=r, column=col + k)
            c.value = f"=IF(AND({i}<={nyr},{k}<={nreg}),INDEX({area},{k},{rc}+{i}),NA())"
            c.number_format = fmt
    return head


# Series colours written into the chart (Office 2007 accents 1-6, then their darker shades, as
# Excel's default chart style draws them): a chart that leaves its colours to the workbook theme
# draws no lines at all in a workbook without a theme part (one LibreOffice saved; trial item 3).
SERIES_COLOURS = ("4F81BD", "C0504D", "9BBB59", "8064A2", "4BACC6", "F79646",
                  "2C4D75", "772C2A", "5F7530", "4D3B62", "276A7C", "B65708", "7F7F7F")
GRID_COLOUR, AXIS_COLOUR = "D9D9D9", "868686"


def _chart_data(ch, ws, head: int, col: int, n_series: int, n_cats: int):
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.axis import ChartLines
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties

    ch.add_data(Reference(ws, min_col=col + 1, max_col=col + n_series, min_row=head,
                          max_row=head + n_cats), titles_from_data=True)
    ch.set_categories(Reference(ws, min_col=col, min_row=head + 1, max_row=head + n_cats))
    bar = isinstance(ch, BarChart)
    for k, s in enumerate(ch.series):
        s.smooth = False   # openpyxl's line series default to smoothed curves
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        s.graphicalProperties = (
            GraphicalProperties(solidFill=colour, ln=LineProperties(solidFill=colour)) if bar
            else GraphicalProperties(ln=LineProperties(solidFill=colour, w=28575, prstDash="solid")))
    ch.y_axis.majorGridlines = ChartLines(
        spPr=GraphicalProperties(ln=LineProperties(solidFill=GRID_COLOUR, w=9525)))
    for ax in (ch.x_axis, ch.y_axis):
        ax.spPr = GraphicalProperties(ln=LineProperties(solidFill=AXIS_COLOUR, w=9525))


def _write_charts(ws, tpl: layout.Template, sizes: dict | None = None):
    """Charts over helper formulas; ``sizes`` (from :func:`chart_sizes`) trims each chart to
    the rows and series that hold results (a blank template charts the full helper area)."""
    from openpyxl.chart import BarChart

    sizes = sizes or {}

    write_cell(ws, 1, 1, "Charts 图表").font = _font(bold=True, size=12)
    ws.cell(row=1, column=1).fill = _fill(TITLE_FILL)
    # two short lines, so that the printed page (columns A:M) shows them whole
    write_cell(ws, 1, 4, "图表通过右侧灰色标题区域的公式读取结果表，执行“全部计算”后自动显示。"
               ).font = _font(italic=True, color=NOTE_COLOR)
    write_cell(ws, 2, 1, "Charts read the result sheets through the formulas in the grey-titled "
                         "areas on the right; they fill in after Compute all."
               ).font = _font(italic=True, color=NOTE_COLOR)
    col = HELPER_COL
    if tpl.name == "entropy_topsis_ccd":
        src = tpl.outputs["coupling"]
        _helper_title(ws, 2, col, "Chart data: D by year per dimension 图表数据（公式，请勿输入）",
                      f"Formulas over {src.sheet}!{_letter(src.col)}{src.row} (long table: dimension, "
                      f"year, C, T, D, …). Assumes rows sorted by dimension then year with the same "
                      f"years for every dimension (as jjj-xl writes it); shows up to {MAX_SERIES} "
                      f"dimensions × {MAX_YEARS} years. Columns are found by their header names.")
        head = _pivot_long(ws, 3, col, src, "year", "D", MAX_SERIES, MAX_YEARS,
                           layout.NUMBER_FORMATS["D"])
        ch = _line_chart("D by year per dimension 各维度协调度 D", "year 年份", "D")
        _chart_data(ch, ws, head, col, sizes.get("series", MAX_SERIES), sizes.get("cats", MAX_YEARS))
        ws.add_chart(ch, "A3")

        wsrc = tpl.outputs["weights"]
        top = head + MAX_YEARS + 3
        _helper_title(ws, top - 1, col, "Chart data: weights 图表数据（公式，请勿输入）",
                      f"Formulas over {wsrc.sheet}!{_letter(wsrc.col)}{wsrc.row} (dimension, [code], "
                      f"indicator, direction, e, d, w, dimension_weight); first {MAX_ROWS} rows; "
                      f"columns found by header name.")
        whead = _list_long(ws, top, col, wsrc, "indicator", ("w",), MAX_ROWS,
                           layout.NUMBER_FORMATS["w"], "indicator")
        bar = BarChart()
        bar.type = "bar"
        bar.title = _tr("Entropy weights w 熵权", _lang_now())
        bar.x_axis.title = _tr("indicator 指标", _lang_now())
        bar.y_axis.title = "w"
        bar.x_axis.delete = False
        bar.y_axis.delete = False
        bar.x_axis.scaling.orientation = "maxMin"   # first indicator on top
        bar.legend = None
        bar.width, bar.height = 18, 14
        _chart_data(bar, ws, whead, col, 1, sizes.get("rows", MAX_ROWS))
        ws.add_chart(bar, "A23")
        from openpyxl.worksheet.pagebreak import Break, RowBreak
        ws.row_breaks = RowBreak()
        ws.row_breaks.append(Break(id=21))     # each chart on its own printed page
    elif tpl.name == "ideal_solution_index":
        src = tpl.outputs["tables"]
        _helper_title(ws, 2, col, "Chart data: I by region and year 图表数据（公式，请勿输入）",
                      f"Formulas over {src.sheet}!{_letter(src.col)}{src.row} (region × year table; "
                      f"a first column naming stacked tables, e.g. I / input, is allowed: only the "
                      f"first table, I, is read). Up to {MAX_REGIONS} regions × {MAX_YEARS} years.")
        head = _pivot_wide(ws, 3, col, src, MAX_REGIONS, MAX_YEARS, layout.SCORE_FORMAT)
        ch = _line_chart("Index I by region 各地区指数 I", "year 年份", "I")
        _chart_data(ch, ws, head, col, sizes.get("series", MAX_REGIONS), sizes.get("cats", MAX_YEARS))
        ws.add_chart(ch, "A3")
    else:
        src = tpl.outputs["results"]
        _helper_title(ws, 2, col, "Chart data: D per observation 图表数据（公式，请勿输入）",
                      f"Formulas over {src.sheet}!{_letter(src.col)}{src.row} (observation, C, T, D, "
                      f"level, label, stage[, lag]); first {MAX_ROWS} rows; columns found by header "
                      f"name.")
        head = _list_long(ws, 3, col, src, None, ("D", "C", "T"), MAX_ROWS,
                          layout.NUMBER_FORMATS["D"], "observation")
        ch = _line_chart("Coupling coordination D (with C and T) 耦合协调度 D", "observation 观测",
                         "value 值")
        _chart_data(ch, ws, head, col, 3, sizes.get("rows", MAX_ROWS))
        ws.add_chart(ch, "A3")
    _set_widths(ws, {col: 16})
    ws.sheet_properties.tabColor = TAB_OUTPUT


# ---------------------------------------------------------------- live formulas

# Result widths of the example formulas (tests/test_formulas_sheet.py computes each function's
# actual result for these inputs and compares it with the range reserved here).
GRADE_COLS = 2                       # JJJ_CCD_GRADE of one D: level, label
COUPLING_COLS = 3                    # JJJ_COUPLING: C, T, D
ENTROPY_TABLE_COLS = 3               # JJJ_ENTROPY_TABLE: e, d, w
COUPLING_EXAMPLE_U = ((0.4, 0.9, 0.6), (0.55, 0.6, 0.5))
# issue 9 examples: Fan et al. (2024) with right-closed grades (issue 9: (0.2, 0.8) → C 0.4,
# T 0.5, D 0.447214; (0.25, 0.25) → D 0.5 → level 5), AHP with "1/3" typed as text, the
# middle type (best 7: 5, 7, 8, 9 → 0, 1, 0.5, 0), relative development
FAN_EXAMPLE_U = ((0.2, 0.8), (0.25, 0.25))
GRADED_COUPLING_COLS = 5             # JJJ_COUPLING with closed: C, T, D, level, label
AHP_EXAMPLE = ((1, 3, 5), ("1/3", 1, 3), ("1/5", "1/3", 1))
AHP_COLS = 4                         # JJJ_AHP: w, lambda_max, CI, CR
MIDDLE_EXAMPLE = (5, 7, 8, 9)
REL_DEV_EXAMPLE_U = ((0.5, 0.2), (0.3, 0.3), (0.2, 0.5))
REL_DEV_COLS = 3                     # JJJ_REL_DEV: E, class, label


def _array_constant(rows) -> str:
    """{1,3,5;"1/3",1,3} — an Excel array constant (text quoted)."""
    def cell(v):
        return f'"{v}"' if isinstance(v, str) else f"{v:g}"
    return "{" + ";".join(",".join(cell(v) for v in r) for r in rows) + "}"


def _write_formulas(ws, tpl: layout.Template, codes: list[str]):
    """Example JJJ_* formulas over the Data table (legacy array formulas: they work in every Excel)."""
    from openpyxl.worksheet.formula import ArrayFormula

    ind, data_block = tpl.inputs
    data = f"{data_block.table}[[{codes[0]}]:[{codes[-1]}]]"
    dirs = f"TRANSPOSE({ind.table}[direction])"
    name = {s.key: s.name for s in tpl.settings}
    n = len(codes)
    first, last = 3, 3 + n - 1           # result columns C.. for row vectors
    wrow = 8                              # row of the entropy weights
    weights = f"${_letter(first)}${wrow}:${_letter(last)}${wrow}"

    write_cell(ws, 1, 1, "Excel functions at work 公式示例").font = _font(bold=True, size=12)
    write_cell(ws, 2, 1, "How to 说明").font = _font(bold=True)
    en_how = (f"Live formulas over {data_block.table} (sheet {data_block.sheet}) and "
               f"{ind.table}; they show results once {data_block.sheet} is filled and the jjj-xl "
               f"functions are loaded (a note in each result cell otherwise; see the Guide). They "
               f"are array formulas over fixed ranges; rows beyond the data stay blank. They assume the indicator columns "
               f"{codes[0]} … {codes[-1]}: edit them if you change the indicators.")
    if _lang_now() != "zh":   # zh: the Chinese paragraph only (row 3)
        write_cell(ws, 2, 2, en_how).alignment = _wrap()
    write_cell(ws, 3, 2,
               f"基于 {data_block.table}（{data_block.sheet} 表）和 {ind.table} 的实时公式；填好 "
               f"{data_block.sheet} 表并加载 jjj-xl 函数后即显示结果（否则结果单元格显示提示，见 Guide）。这些是固定区域的"
               f"数组公式，超出数据的行留空。公式假定指标列为 {codes[0]} … {codes[-1]}，修改指标后请相应修改公式。"
               ).alignment = _wrap()
    for r in (2, 3):
        if ws.cell(row=r, column=2).value:
            ws.row_dimensions[r].height = _text_height(ws.cell(row=r, column=2).value, 60)
    for j, h in enumerate(("function 函数", "what it shows 说明",
                           f"result 结果 → ({NOT_LOADED} : jjj-xl functions not loaded 未加载函数)"),
                          start=1):
        c = write_cell(ws, 5, j, h)
        c.font = _font(bold=True)
        c.fill = _fill(TITLE_FILL)

    def label(row, fn, en, zh):
        write_cell(ws, row, 1, fn).font = _font(bold=True)
        write_cell(ws, row, 2, f"{en} / {zh}").alignment = _wrap()
        ws.row_dimensions[row].height = _text_height(f"{en} / {zh}", 60)

    def row_array(row, formula, fmt=None):
        ref = f"{_letter(first)}{row}:{_letter(last)}{row}"
        ws.cell(row=row, column=first).value = ArrayFormula(ref, formula)
        if fmt:
            for c in range(first, last + 1):
                ws.cell(row=row, column=c).number_format = fmt

    label(6, "JJJ_VERSION", "version of jjj-xl", "jjj-xl 版本")
    ws.cell(row=6, column=first).value = "=JJJ_VERSION()"
    label(7, "codes", f"indicator codes (plain Excel: TRANSPOSE of {ind.table}[code])",
          "指标代码（普通 Excel 公式）")
    row_array(7, f"=TRANSPOSE({ind.table}[code])")
    label(wrow, "JJJ_ENTROPY_WEIGHTS",
          f"entropy weight of each indicator, with the Settings {name['method']} and {name['shift']}",
          "各指标熵权，使用设置表中的标准化方法与平移量")
    row_array(wrow, f"=JJJ_ENTROPY_WEIGHTS({data},{dirs},{name['method']},{name['shift']})",
              layout.NUMBER_FORMATS["w"])
    label(9, "JJJ_HIER_WEIGHTS", f"hierarchical equal weights from {ind.table}[dimension]",
          "按维度的层次等权权重")
    row_array(9, f"=JJJ_HIER_WEIGHTS(TRANSPOSE({ind.table}[dimension]))", layout.NUMBER_FORMATS["w"])
    label(10, "JJJ_CRITIC_WEIGHTS", "CRITIC weights", "CRITIC 权重")
    row_array(10, f"=JJJ_CRITIC_WEIGHTS({data},{dirs})", layout.NUMBER_FORMATS["w"])
    label(11, "JJJ_CCD_GRADE", f"level and label of D = 0.65 in the language of {name['lang']}",
          "D = 0.65 的等级与名称（语言按设置）")
    ws.cell(row=11, column=first).value = ArrayFormula(
        f"{_letter(first)}11:{_letter(first + GRADE_COLS - 1)}11", f"=JJJ_CCD_GRADE(0.65,{name['lang']})")
    label(12, "JJJ_CCD_GRADE", "the same in Chinese", "中文等级")
    ws.cell(row=12, column=first).value = ArrayFormula(
        f"{_letter(first)}12:{_letter(first + GRADE_COLS - 1)}12", '=JJJ_CCD_GRADE(0.65,"zh")')
    label(13, "JJJ_COUPLING", f"C, T, D of two rows of U, with a header row ({name['coupling_model']}); "
          f"grades: JJJ_CCD_GRADE of the D column", "两行 U 的 C、T、D（含表头，模型按设置）；等级用 JJJ_CCD_GRADE")
    u_rows = len(COUPLING_EXAMPLE_U)
    ws.cell(row=13, column=first).value = ArrayFormula(
        f"{_letter(first)}13:{_letter(first + COUPLING_COLS - 1)}{13 + u_rows}",
        f"=JJJ_COUPLING({{{';'.join(','.join(f'{v:g}' for v in r) for r in COUPLING_EXAMPLE_U)}}},,"
        f"{name['coupling_model']},TRUE)")

    # issue 9 variants (literal inputs: they show results as soon as the functions load)
    def block(row, height, width, formula):
        ref = f"{_letter(first)}{row}:{_letter(first + width - 1)}{row + height - 1}"
        ws.cell(row=row, column=first).value = ArrayFormula(ref, formula)

    r = 17
    label(r, "JJJ_COUPLING", "Fan, Ke & Cao (2024) model with right-closed grades (a, b] and a header "
          "row: (0.2, 0.8) → C 0.4, T 0.5, D 0.447; (0.25, 0.25) → D 0.5, level 5",
          "范等（2024）模型，左开右闭等级 (a, b]，含表头：(0.2, 0.8) → C 0.4、T 0.5、D 0.447；"
          "(0.25, 0.25) → D 0.5，第5级")
    block(r, len(FAN_EXAMPLE_U) + 1, GRADED_COUPLING_COLS,
          f'=JJJ_COUPLING({_array_constant(FAN_EXAMPLE_U)},,"fan",TRUE,"right",,{name["lang"]})')
    r += len(FAN_EXAMPLE_U) + 2
    label(r, "JJJ_AHP", "AHP weights of three items from their pairwise comparison matrix (1/3 "
          "typed as text; in a range one triangle may be left blank), with λmax, CI and CR in the "
          "first row", "由三项的两两比较判断矩阵计算 AHP 权重（1/3 可写作文本；在单元格区域中可只填一个三角），"
          "第一行另给出 λmax、CI、CR")
    block(r, len(AHP_EXAMPLE) + 1, AHP_COLS, f"=JJJ_AHP({_array_constant(AHP_EXAMPLE)},TRUE)")
    r += len(AHP_EXAMPLE) + 2
    label(r, "JJJ_POSITIVIZE", "middle-type indicator, best value 7: 5, 7, 8, 9 → 0, 1, 0.5, 0",
          "中间型指标，最优值 7：5、7、8、9 → 0、1、0.5、0")
    block(r, len(MIDDLE_EXAMPLE), 1,
          f'=JJJ_POSITIVIZE({_array_constant([[v] for v in MIDDLE_EXAMPLE])},"middle 7")')
    r += len(MIDDLE_EXAMPLE) + 1
    label(r, "JJJ_REL_DEV", "relative development E = U2/U1 of two systems, class and label, with a "
          "header row", "两系统相对发展度 E = U2/U1、类别与名称，含表头")
    block(r, len(REL_DEV_EXAMPLE_U) + 1, REL_DEV_COLS,
          f"=JJJ_REL_DEV({_array_constant(REL_DEV_EXAMPLE_U)},,,{name['lang']},,TRUE)")
    r += len(REL_DEV_EXAMPLE_U) + 2

    top = r
    for j, h in enumerate(("region", "year", "closeness 贴近度"), start=first):
        c = write_cell(ws, top, j, h)
        c.font = _font(bold=True)
        c.fill = _fill(TITLE_FILL)
    label(top, "JJJ_TOPSIS",
          f"TOPSIS closeness of every row of {data_block.table} with the weights of row {wrow} "
          f"(region and year alongside are plain Excel)",
          f"{data_block.table} 各行的 TOPSIS 贴近度，权重取第 {wrow} 行（地区、年份列为普通 Excel 公式）")
    r1, r2 = top + 1, top + MAX_ROWS
    for j, f in ((first, f"={data_block.table}[region]"), (first + 1, f"={data_block.table}[year]"),
                 (first + 2, f"=JJJ_TOPSIS({data},{weights},{dirs},{name['method']},"
                             f"{name['closeness']})")):
        ref = f"{_letter(j)}{r1}:{_letter(j)}{r2}"
        ws.cell(row=r1, column=j).value = ArrayFormula(ref, f)
    for r in range(r1, r2 + 1):
        ws.cell(row=r, column=first + 2).number_format = layout.NUMBER_FORMATS["closeness"]
    etop = first + 4
    label(top + 2, "JJJ_ENTROPY_TABLE", f"entropy table e, d, w with a header row (columns "
          f"{_letter(etop)}:{_letter(etop + ENTROPY_TABLE_COLS - 1)})", "带表头的熵值表 e、d、w")
    ref = f"{_letter(etop)}{top}:{_letter(etop + ENTROPY_TABLE_COLS - 1)}{top + n}"
    ws.cell(row=top, column=etop).value = ArrayFormula(
        ref, f"=JJJ_ENTROPY_TABLE({data},{dirs},{name['method']},{name['shift']},TRUE)")
    _set_widths(ws, {1: 22, 2: 60, **{c: 11 for c in range(first, max(last, etop + ENTROPY_TABLE_COLS - 1) + 1)}})
    _guard_formulas(ws, (r1, r2, f"ROWS({data_block.table}[region])"))
    ws.freeze_panes = ws.cell(row=6, column=first)
    ws.sheet_properties.tabColor = TAB_OTHER


# ---------------------------------------------------------------- the workbook

NOT_LOADED = "–"   # a result cell without the jjj-xl functions (the header says so)
_GUARD_HEAD = "=IFERROR("
_GUARD_TAIL = f',"{NOT_LOADED}")'


def guard(formula: str, rows: tuple | None = None) -> str:
    """``=JJJ_X(...)`` wrapped so that no error value is shown or printed (issue 11): without
    the jjj-xl functions (#NAME?) the cells say so in words; ``rows`` = (first row, last
    row, count expression) blanks the rows of a fixed array range beyond the data (a legacy
    array formula fills them with #N/A). :func:`unguard` gives the formula back."""
    inner = formula[1:]
    if rows is not None:
        r1, r2, count = rows
        inner = f'IF(ROW($A${r1}:$A${r2})-{r1 - 1}<={count},{inner},"")'
    return _GUARD_HEAD + inner + _GUARD_TAIL


def unguard(formula: str) -> str:
    """The ``=JJJ_X(...)`` inside a :func:`guard` formula (other formulas unchanged)."""
    if not (formula.startswith(_GUARD_HEAD) and formula.endswith(_GUARD_TAIL)):
        return formula
    inner = formula[len(_GUARD_HEAD):-len(_GUARD_TAIL)]
    m = re.match(r"IF\(ROW\(\$A\$\d+:\$A\$\d+\)-\d+<=[^,]*,(.*),\"\"\)$", inner)
    return "=" + (m.group(1) if m else inner)


def _guard_formulas(ws, rows):
    """Guard every formula of the Formulas sheet's examples; the fixed-length block (rows
    rows[0]..rows[1]) also blanks the rows beyond the data."""
    from openpyxl.worksheet.formula import ArrayFormula

    for row in ws.iter_rows():
        for c in row:
            v = c.value
            text = v.text if isinstance(v, ArrayFormula) else v
            if not (isinstance(text, str) and text.startswith("=")):
                continue
            r1, r2, count = rows
            span = None
            if isinstance(v, ArrayFormula):
                top, bottom = (int(x) for x in re.findall(r"\d+", v.ref.split(":")[0] + " " +
                                                         v.ref.split(":")[-1]))
                span = rows if (top, bottom) == (r1, r2) else None
            new = guard(text, span)
            c.value = ArrayFormula(v.ref, new) if isinstance(v, ArrayFormula) else new


def build_template(name: str, lang: str = "en"):
    """The template workbook ``name`` (a key of ``layout.TEMPLATES``) as an openpyxl Workbook.

    ``lang="zh"``: Guide, headers (input headers too: 代码, 地区, 年份 … are read back),
    Settings labels and notes, chart titles in Chinese, and Settings lang = zh."""
    with _language(lang):
        wb = _build_template(name)
        if _lang_now() == "zh":
            _localize_template(wb, layout.TEMPLATES[name])
        print_setup_book(wb, name, computed=False)   # after the words are final (widths)
    return wb


def _localize_template(wb, tpl: layout.Template) -> None:
    """The built template in Chinese: input headers (and their Excel Table columns and the
    structured references to them), every text cell, validation prompts; Settings lang zh."""
    import re as _re

    from ..i18n import localize_sheet, localize_validations
    renamed = {}
    for block in tpl.inputs:
        ws = wb[block.sheet]
        table = ws.tables.get(block.table) if block.table else None
        for j in range(60):
            c = ws.cell(block.row, block.col + j)
            if c.value is None:
                break
            zh = INPUT_HEADERS_ZH.get(str(c.value))
            if zh:
                renamed[(block.table, str(c.value))] = zh
                c.value = zh
        if table is not None:
            table.tableColumns = []     # openpyxl regenerates them from the header cells
            table.autoFilter = None
    for ws in wb.worksheets:
        if ws.title == layout.CONF_SHEET:
            continue
        skip = _typed_cells(ws, tpl)      # the user's data and the keywords typed in Settings
        localize_sheet(ws, "zh", skip=skip, keep_chinese=ws.title == layout.GUIDE_SHEET)
        localize_validations(ws, "zh")
        for row in ws.iter_rows():       # structured references to renamed input columns
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("=") and renamed:
                    text = c.value
                    for (table, en), zh in renamed.items():
                        text = _re.sub(_re.escape(f"{table}[{en}]"), f"{table}[{zh}]", text)
                        text = _re.sub(_re.escape(f"{table}[[{en}]"), f"{table}[[{zh}]", text)
                    c.value = text
    if "lang" in [s.key for s in tpl.settings]:
        sheet, row, col = tpl.setting_cell("lang")
        wb[sheet].cell(row, col).value = "zh"


def _typed_cells(ws, tpl: layout.Template) -> set:
    """(row, col) of cells a zh template keeps as they are: input table bodies (sample names),
    Settings values and choices (keywords such as entropy, minmax), the custom grade table."""
    from .after_d import GROUPS_BLOCK, NEIGHBOURS_BLOCK, OPTIONS_BLOCK
    skip = set()
    bodies = [b for b in tpl.inputs if b.sheet == ws.title]
    bodies += [b for b in (GROUPS_BLOCK, NEIGHBOURS_BLOCK) if b.sheet == ws.title]
    if tpl.scheme is not None and tpl.scheme.sheet == ws.title:
        bodies.append(tpl.scheme)
    for b in bodies:                       # header row too: a zh template renames its own
        skip |= {(c.row, c.column) for row in ws.iter_rows(min_row=b.row) for c in row
                 if c.column >= b.col}
    if ws.title == layout.SETTINGS_SHEET:
        skip |= {(r, c) for r in range(layout.SETTINGS_FIRST_ROW, ws.max_row + 1)
                 for c in (layout.SETTINGS_VALUE_COL, layout.SETTINGS_VALUE_COL + 1)
                 if not _has_cjk(ws.cell(r, c).value)}   # keywords; "number ≥ 0 数值≥0" is text
        skip.add(layout.MARKER_CELL[1:])
        skip.add((layout.MARKER_CELL[1], layout.MARKER_CELL[2] + 1))
    if ws.title == OPTIONS_BLOCK.sheet:
        skip |= {(r, c) for r in range(OPTIONS_BLOCK.row + 1, ws.max_row + 1)
                 for c in (OPTIONS_BLOCK.col + 2, OPTIONS_BLOCK.col + 3)}
        skip |= {(OPTIONS_BLOCK.row, c) for c in range(1, 12)}   # headers the reader checks
    if tpl.scheme is not None and tpl.scheme.sheet == ws.title:
        skip |= {(tpl.scheme.row, tpl.scheme.col + k) for k in (1, 2)}   # en | 中文 label columns
    return skip


def _build_template(name: str):
    from openpyxl import Workbook

    if name not in layout.TEMPLATES:
        raise ValueError(f'unknown template "{name}"; valid names: {", ".join(layout.TEMPLATES)}')
    tpl = layout.TEMPLATES[name]
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties = _fixed_properties()
    sheets = {s: wb.create_sheet(s) for s in tpl.sheets}
    codes: list[str] = []
    if name in SAMPLE_FOR:               # inputs: indicator table, then the panel
        ind, data = tpl.inputs
        codes = _write_indicators(sheets[ind.sheet], ind, SAMPLE_FOR[name])
        _write_data(sheets[data.sheet], data, codes)
    else:                                # inputs: the U table
        _write_u(sheets[tpl.inputs[0].sheet], tpl.inputs[0])
    for block in tpl.inputs:
        sheets[block.sheet].sheet_properties.tabColor = TAB_INPUT
    if layout.AHP_SHEET in sheets:       # AHP comparison matrix of the sample's dimensions
        dims = load_sample(SAMPLE_FOR[name]).indicators["dimension"]
        _write_ahp(sheets[layout.AHP_SHEET], [str(d) for d in dict.fromkeys(dims)])
    _write_guide(sheets[layout.GUIDE_SHEET], tpl)
    _write_settings(wb, sheets[layout.SETTINGS_SHEET], tpl)
    sheets[layout.SETTINGS_SHEET].sheet_properties.tabColor = TAB_INPUT
    for sheet in tpl.output_sheets:
        _write_output_sheet(sheets[sheet], tpl)
    if CHARTS_SHEET in sheets:
        _write_charts(sheets[CHARTS_SHEET], tpl)
    if FORMULAS_SHEET in sheets:
        _write_formulas(sheets[FORMULAS_SHEET], tpl, codes)
    if all(s in sheets for s in layout.AFTER_D_OUTPUTS):   # After D sheets (issue 10)
        from .after_d import build_sheets
        build_sheets(wb, tpl)
    conf = sheets[layout.CONF_SHEET]
    for i, (key, value) in enumerate(layout.CONF_ROWS, start=1):
        write_cell(conf, i, 1, key)
        write_cell(conf, i, 2, value)
    _set_widths(conf, {1: 16, 2: 20})
    conf.sheet_properties.tabColor = TAB_OTHER
    wb.active = 0
    return wb


def write_template(name: str, path, lang: str = "en") -> Path:
    """Build template ``name`` (in ``lang``) and save it to ``path`` (atomically)."""
    return save_atomically(build_template(name, lang=lang), path)


def print_setup_book(wb, name: str, header: str | None = None, computed: bool = True):
    """Hand-over printing on every sheet of template ``name``'s workbook ``wb`` (openpyxl):
    A4 at a readable fixed scale, one table per page width, repeated header rows, print areas
    that leave helper areas out, sheet name and page numbers in the footer, ``header`` (e.g.
    :data:`~jjj_xl.workbook.printing.DEMO_BANNER`) on every page. See
    :mod:`jjj_xl.workbook.printing`. ``computed=False`` (a template before Compute all): the
    output sheets get no print area yet (``jjj-xl run`` sets it from the results; in Excel
    the whole used range prints)."""
    from . import printing
    from .maps import MAP_SHEET

    tpl = layout.TEMPLATES[name]
    titles = {}
    for block in (*tpl.inputs, *tpl.outputs.values()):
        if block.sheet not in titles and block.sheet in wb.sheetnames:
            first = block.row - 1 if block.title else block.row
            titles[block.sheet] = f"{max(first, 1)}:{block.row}"
    inputs = {b.sheet for b in tpl.inputs} | {layout.SETTINGS_SHEET, layout.AHP_SHEET,
                                               *layout.AFTER_D_INPUTS}
    if not computed:   # results not written yet: an area now would cut them off later
        inputs |= {*tpl.output_sheets, *layout.AFTER_D_OUTPUTS}
    headers = {}   # an input table's header counts as a table even before data is typed
    for block in tpl.inputs:
        if block.sheet in wb.sheetnames:
            ws = wb[block.sheet]
            for c in range(block.col, ws.max_column + 1):
                if ws.cell(block.row, c).value is not None:
                    headers.setdefault(block.sheet, {})[(block.row + 1, c)] = "header"
    for ws in wb.worksheets:
        area = None
        if ws.title == CHARTS_SHEET:     # the charts, not their helper formulas (#N/A)
            area = (1, 1, CHARTS_PRINT_ROWS, HELPER_COL - 1)
        elif ws.title == MAP_SHEET:      # tables and maps, not the helper area
            from .maps import print_map
            print_map(ws, header=header)
            continue
        cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                 if c.value is not None}
        printing.apply(ws, title_rows=titles.get(ws.title), header=header, area=area,
                       cells={**headers.get(ws.title, {}), **cells},
                       set_area=ws.title not in inputs)
    return wb


CHARTS_PRINT_ROWS = 52   # the two charts of the Charts sheet end above this row




def build_all(folder, lang: str = "en") -> list[Path]:
    """Write every template into ``folder`` under its ``layout`` file name (in ``lang``)."""
    folder = Path(folder)
    return [write_template(name, folder / tpl.filename, lang)
            for name, tpl in layout.TEMPLATES.items()]


# ---------------------------------------------------------------- comparing workbooks

def snapshot(wb) -> dict:
    """What a template is, as plain data: sheets, cells, formats, tables, names, validations,
    charts, print setup. Two workbooks with equal snapshots are the same template (use it on
    workbooks loaded from files: openpyxl completes tables and anchors on save)."""
    from openpyxl.worksheet.formula import ArrayFormula

    def value(v):
        if isinstance(v, ArrayFormula):
            return ("array", v.ref, v.text)
        if isinstance(v, datetime.datetime):
            return v.isoformat()
        return v

    def ref_of(obj):
        for attr in ("numRef", "strRef"):
            r = getattr(obj, attr, None) if obj is not None else None
            if r is not None:
                return r.f
        return None

    out = {"sheets": list(wb.sheetnames),
           "defined_names": {k: v.attr_text for k, v in sorted(wb.defined_names.items())},
           "properties": (wb.properties.creator, value(wb.properties.created),
                          value(wb.properties.modified))}
    for ws in wb.worksheets:
        cells, formats = {}, {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    cells[c.coordinate] = value(c.value)
                if c.number_format != "General":
                    formats[c.coordinate] = c.number_format
        charts = []
        for ch in ws._charts:
            anchor = ch.anchor
            where = anchor if isinstance(anchor, str) else (anchor._from.col, anchor._from.row)
            series = [(ref_of(s.tx), ref_of(s.val), ref_of(s.cat)) for s in ch.series]
            charts.append((type(ch).__name__, str(where), series))
        ps = ws.page_setup
        out[ws.title] = {
            "cells": cells,
            "formats": formats,
            "tables": {t.displayName: (t.ref, [c.name for c in t.tableColumns])
                       for t in ws.tables.values()},
            "validations": sorted((str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2,
                                   dv.errorStyle, dv.promptTitle, dv.prompt)
                                  for dv in ws.data_validations.dataValidation),
            "charts": charts,
            "freeze": ws.freeze_panes,
            "tab": ws.sheet_properties.tabColor.rgb if ws.sheet_properties.tabColor else None,
            "print": (ps.orientation, str(ps.paperSize), ps.fitToWidth, ps.fitToHeight,
                      ws.sheet_properties.pageSetUpPr.fitToPage),
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.width},
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        }
    return out


# ---------------------------------------------------------------- filling and restoring

def fill_inputs(wb, name: str, indicators=None, data=None):
    """Write an indicator table and a panel (or a U table as ``data``) into a template's
    input Tables, resizing them; used by ``jjj-xl demo`` and ``jjj-xl new --sample``."""
    tpl = layout.TEMPLATES[name]
    if name in SAMPLE_FOR:
        ind_block, data_block = tpl.inputs
        if indicators is not None:
            frame = indicators.reindex(columns=list(layout.INDICATOR_COLUMNS))
            _replace_table(wb[ind_block.sheet], ind_block, frame)
        if data is not None:
            _replace_table(wb[data_block.sheet], data_block, data)
    elif data is not None:
        _replace_table(wb[tpl.inputs[0].sheet], tpl.inputs[0], data)
    return wb


def _replace_table(ws, block: layout.Block, frame):
    """Header and rows of ``frame`` at the block; the Excel Table's ref follows them."""
    import pandas as pd

    table = ws.tables[block.table]
    if _has_cjk(ws.cell(block.row, block.col).value):   # a zh template: its input headers in zh
        frame = frame.rename(columns=lambda c: INPUT_HEADERS_ZH.get(str(c), c))
    old_last_row = ws.max_row
    for r in range(block.row, old_last_row + 1):
        for c in range(block.col, max(ws.max_column, block.col + len(frame.columns)) + 1):
            ws.cell(r, c).value = None
    for j, name_ in enumerate(frame.columns):
        c = write_cell(ws, block.row, block.col + j, str(name_))
        c.font = _font(bold=True)
        c.fill = _fill(INPUT_FILL)
    for i, values in enumerate(frame.itertuples(index=False), start=1):
        for j, v in enumerate(values):
            write_cell(ws, block.row + i, block.col + j, None if pd.isna(v) else v)
    last_row = block.row + max(len(frame), 1)
    table.ref = f"{_letter(block.col)}{block.row}:{_letter(block.col + len(frame.columns) - 1)}{last_row}"
    # openpyxl regenerates the table's column list from the header cells when saving
    table.tableColumns = []
    table.autoFilter = None


def chart_sizes(wb, name: str) -> dict:
    """How many series / categories / rows the results in ``wb`` (an openpyxl workbook or a
    BookAdapter) hold, for trimming charts."""
    from .book import BookAdapter, OpenpyxlBook

    from ..i18n import canonical_header

    tpl = layout.TEMPLATES[name]
    book = wb if isinstance(wb, BookAdapter) else OpenpyxlBook(workbook=wb)
    sizes = {}
    try:
        if name == "entropy_topsis_ccd":
            # a zh workbook's result headers are Chinese (维度, 年份): read them by the same key
            c = book.read_block(tpl.outputs["coupling"]).rename(columns=canonical_header)
            w = book.read_block(tpl.outputs["weights"])
            if len(c):
                sizes.update(series=min(c["dimension"].nunique(), MAX_SERIES),
                             cats=min(c["year"].nunique(), MAX_YEARS))
            if len(w):
                sizes["rows"] = min(len(w), MAX_ROWS)
        elif name == "ideal_solution_index":
            t = book.read_block(tpl.outputs["tables"])
            if len(t):
                first = t[t.iloc[:, 0] == t.iloc[0, 0]]
                sizes.update(series=min(len(first), MAX_REGIONS),
                             cats=min(len(t.columns) - 2, MAX_YEARS))
        else:
            r = book.read_block(tpl.outputs["results"])
            if len(r):
                sizes["rows"] = min(len(r), MAX_ROWS)
    except Exception:  # no results yet (or an unexpected layout): chart the full helper area
        return {}
    return sizes


def restore_charts(wb, name: str, lang: str | None = None):
    """Rebuild the Charts sheet, trimmed to the results: openpyxl drops charts when it
    loads a file, and a chart sized to the data reads better than one with empty slots."""
    if CHARTS_SHEET not in wb.sheetnames:
        return wb
    from .actions import book_lang
    from .book import OpenpyxlBook
    lang = book_lang(OpenpyxlBook(workbook=wb), lang)
    ws = wb[CHARTS_SHEET]
    ws._charts = []
    for row in ws.iter_rows():
        for c in row:
            c.value = None
    with _language(lang):
        _write_charts(ws, layout.TEMPLATES[name], chart_sizes(wb, name))
        if lang == "zh":
            from ..i18n import localize_sheet
            localize_sheet(ws, lang)
        from .after_d import restore_charts as restore_after_d   # After D sheets (issue 10)
        restore_after_d(wb)
    return wb


def chart_parts(name: str, sizes: dict, lang: str = "en") -> list[bytes]:
    """The chart parts (chartSpace XML, in drawing order) of a template's Charts sheet trimmed
    to ``sizes``; what :func:`restore_charts` would write, for package-preserving saves."""
    from openpyxl import Workbook
    from openpyxl.xml.functions import tostring

    ws = Workbook().active
    ws.title = CHARTS_SHEET
    with _language(lang):
        _write_charts(ws, layout.TEMPLATES[name], sizes)
    return [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + tostring(ch._write())
            for ch in ws._charts]

