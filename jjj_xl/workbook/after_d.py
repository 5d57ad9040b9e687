"""After D: the optional sheets of the entropy_topsis_ccd template (issue 10).

One action ("After D / D 之后", action key ``after_d``) computes, per year, global Moran's I
of D and of the overall score, the LISA cluster of every region, Theil and Dagum Gini by a
group column, kernel density curves, a GM(1,1) forecast per region and the weight-
sensitivity and rank-reversal tables, and writes them to six output sheets.

Inputs (the analyst's, read only):
- sheet ``After D``: the options (column C) and the groups table (region | group | weight);
- sheet ``Neighbours``: a neighbours list (region | neighbour), a square 0/1 table (regions
  down column A and along the header row) or coordinates (region | lon | lat, or x | y).

D is recomputed from the inputs, not read back from the Coupling sheet: the action first
runs Compute all (so the Weights/Scores/Coupling sheets and the After D sheets always agree,
whatever the ``orientation`` setting and however stale the outputs were), then the same
workflow call in memory. D per region and year is the coupling of the dimensions per
region-year (``coupling_dimensions``); the overall score is the TOPSIS closeness.

The action talks to the book only through :class:`~jjj_xl.workbook.book.BookAdapter`
(``read_block``, ``read``, ``write``, ``clear``), so it runs in Excel (xlwings), in Lite and
headless. :func:`build_sheets` and :func:`add_charts` are the template side (openpyxl).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from . import layout
from ..errors import InputError, JJJWarning, column_letter

# ---------------------------------------------------------------- where things are

OPTIONS_SHEET, NEIGHBOURS_SHEET = layout.AFTER_D_INPUTS
MORAN, LISA, DISPARITY, KERNEL, FORECAST, SENSITIVITY = layout.AFTER_D_OUTPUTS

OPTIONS_BLOCK = layout.Block(OPTIONS_SHEET, row=3, col=1, is_input=True)
GROUPS_BLOCK = layout.Block(OPTIONS_SHEET, row=3, col=8, table="tblGroups", is_input=True)
NEIGHBOURS_BLOCK = layout.Block(NEIGHBOURS_SHEET, row=2, col=1, table="tblNeighbours",
                                is_input=True)
OPTIONS_HEADER = ("Option", "选项", "Value 取值", "Choices 可选", "Note", "说明")
GROUPS_HEADER = ("region", "group", "weight")

MAX_YEARS = 20          # rows reserved for per-year tables (and read by the charts)
MAX_HORIZON = 10
MAX_POINTS = 400
MAX_CHART_REGIONS = 13  # forecast chart: the 13 cities of Beijing-Tianjin-Hebei
TOP = 3                 # header row of the first table on every output sheet
SECOND = TOP + MAX_YEARS + 3   # header row of the second per-year table (Moran of the score)
MORAN_CHART_ROW = SECOND + MAX_YEARS + 7   # below the two tables and "How to read"
KERNEL_TOP = 28         # Kernel: bandwidth row (its header above); grid header below it
FORECAST_PARAMS = TOP + MAX_YEARS + MAX_HORIZON + 3   # Forecast: header of the parameters

S = layout.Setting
OPTIONS = (
    S("variable", "Variable for LISA, disparity, kernel, forecast", "分析变量", "D",
      ("D", "overall"), "D: coupling coordination of the dimensions per region-year (Coupling "
      "sheet, right table); overall: the TOPSIS overall score. Moran's I is given for both.",
      "D：各地区-年份维度耦合协调度；overall：TOPSIS 综合得分。全局莫兰指数两者都算。"),
    S("weights", "Spatial weights", "空间权重", "auto", ("auto", "contiguity", "distance", "knn"),
      "auto: contiguity for a neighbours list or 0/1 table, inverse distance for coordinates",
      "auto：邻接表→邻接权重，坐标→反距离权重"),
    S("metric", "Coordinates", "坐标类型", "auto", ("auto", "arc", "euclidean"),
      "auto: lon/lat columns → arc (great-circle km), x/y → euclidean",
      "auto：经纬度→球面距离（千米），x/y→欧氏距离"),
    S("cutoff", "Distance cutoff (km)", "距离阈值（千米）", None, (),
      "Inverse distance only: pairs farther apart get weight 0; blank = every pair",
      "仅反距离：超过阈值的地区对权重为0；空白=全部"),
    S("power", "Distance power", "距离幂次", 1.0, (), "w = 1/d^power (1 or 2 are usual)",
      "w = 1/d^幂次（常用1或2）"),
    S("k", "k nearest neighbours", "近邻数 k", 4, (), "knn only", "仅 knn"),
    S("transform", "W standardisation", "权重标准化", "r", ("r", "b", "none"),
      "r: row-standardised (GeoDa, esda, spdep); b: binary; none: as given",
      "r：行标准化；b：二值；none：原值"),
    S("permutations", "Permutations", "置换次数", 999, (),
      "For p (permutation); all n! when n! ≤ this (exact)", "置换检验次数；n!≤此值时穷举"),
    S("seed", "Random seed", "随机种子", 12345, (), "Same seed, same p (permutation)",
      "相同种子得到相同的置换 p 值"),
    S("alpha", "Significance level", "显著性水平", 0.05, (),
      "LISA: a region is in a cluster when p (permutation) ≤ this", "LISA：置换 p ≤ 此值为显著聚类"),
    S("theil_weights", "Theil weights", "泰尔指数权重", "none", ("none", "weight"),
      "none: each region counts once; weight: the weight column of the groups table (e.g. "
      "population)", "none：各地区权重相同；weight：分组表的权重列（如人口）"),
    S("bandwidth", "Kernel bandwidth", "核密度带宽", "silverman", ("silverman", "normal", "scott"),
      "silverman: 0.9·min(s, IQR/1.34)·n^(−1/5) (R bw.nrd0); normal: 1.06·s·n^(−1/5); "
      "scott: s·n^(−1/5); or type a number", "silverman（R 默认）、normal、scott，或输入数值"),
    S("points", "Kernel grid points", "核密度网格点数", 100, (), f"10 to {MAX_POINTS}",
      f"10 至 {MAX_POINTS}"),
    S("horizon", "Forecast years", "预测年数", 3, (), f"GM(1,1) steps ahead, 1 to {MAX_HORIZON}",
      f"GM(1,1) 向前预测年数，1 至 {MAX_HORIZON}"),
    S("residuals", "GM(1,1) residuals for C, P", "后验差检验残差", "all", ("all", "from2"),
      "all: k = 1..n (ε(1) = 0); from2: k = 2..n", "all：k=1..n；from2：k=2..n"),
    S("perturb", "Weight changes", "权重扰动", "-0.2, -0.1, 0.1, 0.2", (),
      "Relative changes of each weight in turn, separated by commas (−0.2 = −20 %)",
      "逐一改变每个权重的相对幅度，逗号分隔（−0.2 即 −20%）"),
    S("reweight", "Rank reversal weights", "逆序检验权重", "fixed", ("fixed", "entropy"),
      "fixed: keep the weights; entropy: recompute entropy weights without the dropped row",
      "fixed：权重不变；entropy：去掉样本后重算熵权"),
)
del S

CLUSTER_LABELS = {"HH": "HH 高-高", "LL": "LL 低-低", "LH": "LH 低-高", "HL": "HL 高-低",
                  "not significant": "not significant 不显著"}
CLUSTER_COLORS = {"HH": "F4B183", "LL": "9DC3E6", "LH": "DEEBF7", "HL": "FBE5D6",
                  "not": "E7E6E6"}
MORAN_HEADER = ("year 年份", "I 莫兰指数", "E[I] 期望", "z", "p (normal) 正态 p",
                "p (permutation) 置换 p", "n 地区数", "note 说明")
DISPARITY_HEADER = ("year 年份", "T 泰尔指数", "within 组内", "between 组间",
                    "between share 组间占比", "G 总体基尼系数", "Gw 组内贡献", "Gnb 组间净值贡献",
                    "Gt 超变密度贡献", "Gw share 占比", "Gnb share 占比", "Gt share 占比", "note 说明")
FORECAST_HEADER = ("region 地区", "a 发展系数", "b 灰色作用量", "C 后验差比", "P 小误差概率",
                   "grade 精度等级", "MAPE 平均相对误差", "note 说明")
THEIL_GROUP_NAMES = {"group": "group 组别", "n": "n 地区数", "P_g": "P_g weight share 权重份额",
                     "Y_g": "Y_g value share 数值份额", "mean": "mean 均值", "T_g": "T_g 组内泰尔",
                     "within_contribution": "within contribution 组内贡献",
                     "share_of_T": "share of T 贡献率"}
TITLES = {
    MORAN: "Global Moran's I by year 全局莫兰指数",
    LISA: "LISA clusters (local Moran's I) 局部空间聚类",
    DISPARITY: "Disparity by year: Theil index and Dagum Gini 区域差异（泰尔指数、Dagum 基尼系数）",
    KERNEL: "Kernel density curves by year 核密度曲线",
    FORECAST: "GM(1,1) grey forecast 灰色预测",
    SENSITIVITY: "Weight sensitivity and rank reversal 权重敏感性与排序逆转",
}
NOTE_OUT = layout.OUTPUT_NOTE


def _variable_name(var: str) -> str:
    return "D (coupling coordination 耦合协调度)" if var == "D" else "overall score 综合得分"


# ---------------------------------------------------------------- reading the inputs

def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or \
        (isinstance(v, str) and v.strip() == "")


def _where(sheet, row, col) -> str:
    return f"{sheet}!{column_letter(col - 1)}{row}"


def read_options(book) -> dict:
    """Option values by key from the ``After D`` sheet (matched by the English label in
    column A; a missing row or a blank value gives the default). One-line InputError naming
    the cell for a bad value."""
    table = book.read_block(OPTIONS_BLOCK)
    cols = list(table.columns)
    if len(cols) < 3:
        raise InputError(f"sheet {OPTIONS_SHEET}: the options table at A{OPTIONS_BLOCK.row} needs "
                         f"the columns {', '.join(OPTIONS_HEADER[:3])}")
    by_label = {}
    for i, rec in enumerate(table.itertuples(index=False)):
        if not _blank(rec[0]):
            by_label[str(rec[0]).strip()] = (rec[2], OPTIONS_BLOCK.row + 1 + i)
    out = {}
    for s in OPTIONS:
        value, row = by_label.get(s.label, by_label.get(s.label_zh, (None, None)))   # zh template
        where = (f"{_where(OPTIONS_SHEET, row, OPTIONS_BLOCK.col + 2)} ({s.label} {s.label_zh})"
                 if row else s.label)
        out[s.key] = _parse_option(s, value, where)
    return out


def _show(value) -> str:
    """A cell value inside a one-line message: newlines shown as ⏎, at most 40 characters."""
    text = str(value).replace("\r", "").replace("\n", " ⏎ ")
    return text if len(text) <= 40 else text[:39] + "…"


def _number(value, where):
    if isinstance(value, bool):
        raise InputError(f'{where}: "{_show(value)}" is not a number')
    if isinstance(value, (int, float, np.number)):
        v = float(value)
    else:
        try:
            v = float(str(value).strip().replace("，", ","))
        except ValueError:
            raise InputError(f'{where}: "{_show(value)}" is not a number') from None
    if not math.isfinite(v):
        raise InputError(f"{where}: {_show(value)} is not a finite number")
    return v


DEFAULT_PERTURB = [-0.2, -0.1, 0.1, 0.2]


def _parse_option(s, value, where):
    if _blank(value):
        return list(DEFAULT_PERTURB) if s.key == "perturb" else s.default
    key = s.key
    if key == "bandwidth":
        text = str(value).strip()
        if text in s.choices:
            return text
        v = _number(value, where + f" (use {', '.join(s.choices)} or a positive number)")
        if v <= 0:
            raise InputError(f"{where}: bandwidth {v:g} must be > 0")
        return v
    if key == "perturb":
        parts = [p for p in str(value).replace("，", ",").replace("%", "").split(",") if p.strip()]
        try:
            out = [float(p.replace("−", "-")) for p in parts]
        except ValueError:
            raise InputError(f'{where}: "{_show(value)}" is not numbers separated by commas, e.g. '
                             f"-0.2, -0.1, 0.1, 0.2") from None
        if "%" in str(value):
            out = [d / 100 for d in out]
        if not out:
            return list(DEFAULT_PERTURB)
        if not all(math.isfinite(d) for d in out):
            raise InputError(f'{where}: "{_show(value)}" must be finite numbers, e.g. -0.2, -0.1, 0.1, 0.2')
        return out
    if s.choices:
        text = str(value).strip()
        if text not in s.choices:
            raise InputError(f'{where}: "{_show(value)}" is not one of {", ".join(s.choices)}')
        return text
    v = _number(value, where)
    whole = {"k": (1, 10 ** 4), "permutations": (0, 99999), "seed": (0, 2 ** 32 - 1),
             "points": (10, MAX_POINTS), "horizon": (1, MAX_HORIZON)}
    if key in whole:
        lo, hi = whole[key]
        if v != int(v) or not lo <= v <= hi:
            raise InputError(f"{where}: {v:g} must be a whole number from {lo} to {hi}")
        return int(v)
    if key == "alpha" and not 0 < v < 1:
        raise InputError(f"{where}: {v:g} must be between 0 and 1 (0.05 is usual)")
    if key in ("cutoff", "power") and v <= 0:
        raise InputError(f"{where}: {v:g} must be > 0")
    return v


def read_groups(book) -> pd.DataFrame | None:
    """region → group (and weight) from the groups table; None when it is empty."""
    table = book.read_block(GROUPS_BLOCK)
    if len(table) == 0:
        return None
    names = [str(c).split()[0].lower() for c in table.columns]
    if len(names) < 2 or names[0] != "region" or names[1] != "group":
        raise InputError(f"sheet {OPTIONS_SHEET}: the groups table at "
                         f"{_where(OPTIONS_SHEET, GROUPS_BLOCK.row, GROUPS_BLOCK.col)} needs the "
                         f"columns region, group (and optionally weight)")
    rows = []
    for i, rec in enumerate(table.itertuples(index=False)):
        r = GROUPS_BLOCK.row + 1 + i
        region, group = rec[0], rec[1]
        if _blank(region):
            raise InputError(f"{_where(OPTIONS_SHEET, r, GROUPS_BLOCK.col)}: the region is blank")
        if _blank(group):
            raise InputError(f'{_where(OPTIONS_SHEET, r, GROUPS_BLOCK.col + 1)}: region '
                             f'"{region}" has no group; fill it (e.g. 京津 / 河北)')
        weight = rec[2] if len(rec) > 2 and names[2] == "weight" else None
        rows.append((str(region).strip(), str(group).strip(), weight, r))
    out = pd.DataFrame(rows, columns=["region", "group", "weight", "row"]).set_index("region")
    dup = out.index[out.index.duplicated()]
    if len(dup):
        raise InputError(f'sheet {OPTIONS_SHEET}: region "{dup[0]}" is listed twice in the '
                         f"groups table")
    return out


def _kind_of(table: pd.DataFrame) -> str:
    names = [str(c).split()[0].lower() for c in table.columns]
    if len(names) >= 3 and names[1] in ("lon", "longitude", "经度") and \
            names[2] in ("lat", "latitude", "纬度"):
        return "lonlat"
    if len(names) >= 3 and names[1] == "x" and names[2] == "y":
        return "xy"
    if len(names) == 2 or (len(names) >= 2 and names[1].startswith(("neighbour", "neighbor",
                                                                        "邻接"))):
        return "pairs"
    return "square"


def spatial_weights(book, regions: list[str], options: dict) -> tuple[pd.DataFrame, str, list]:
    """W (regions × regions, raw, in the order of ``regions``), a description, notes.

    Rows of the Neighbours table for regions that are not in the data are left out (noted);
    a data region missing from the table is refused naming it."""
    from ..methods.spatial import contiguity_weights, distance_weights, knn_weights

    table = book.read_block(NEIGHBOURS_BLOCK)
    where = f"sheet {NEIGHBOURS_SHEET}"
    if len(table) == 0:
        raise InputError(f"{where}: no neighbours list, 0/1 table or coordinates below the header "
                         f"in row {NEIGHBOURS_BLOCK.row}; fill one (see the Guide)")
    kind = _kind_of(table)
    notes = []
    want = options["weights"]
    if kind in ("lonlat", "xy"):
        first = table.iloc[:, 0]
        if any(_blank(v) for v in first):
            i = next(i for i, v in enumerate(first) if _blank(v))
            raise InputError(f"{_where(NEIGHBOURS_SHEET, NEIGHBOURS_BLOCK.row + 1 + i, 1)}: the "
                             f"region is blank")
        coords = table.iloc[:, 1:3].copy()
        coords.index = [str(v).strip() for v in first]
        for j in range(2):
            for i, v in enumerate(coords.iloc[:, j]):
                if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or _blank(v):
                    raise InputError(f"{_where(NEIGHBOURS_SHEET, NEIGHBOURS_BLOCK.row + 1 + i, 2 + j)}:"
                                     f' {table.columns[1 + j]} of "{coords.index[i]}" is '
                                     f"{'blank' if _blank(v) else repr(v)}; a number is needed")
        coords = coords.astype(float)
        metric = options["metric"]
        if metric == "auto":
            metric = "arc" if kind == "lonlat" else "euclidean"
        missing = [r for r in regions if r not in coords.index]
        if missing:
            raise InputError(f'{where}: region "{missing[0]}" of the Data sheet has no coordinates; '
                             f"add a row for it or correct the spelling")
        extra = [r for r in coords.index if r not in regions]
        if extra:
            notes.append(f"Neighbours: {', '.join(extra)} not in the data, left out")
        coords = coords.loc[regions]
        unit = "km" if metric == "arc" else "units"
        if want in ("auto", "distance"):
            W = distance_weights(coords, cutoff=options["cutoff"], power=options["power"],
                                 metric=metric)
            cut = "every pair" if options["cutoff"] is None else f"cutoff {options['cutoff']:g} {unit}"
            desc = f"inverse distance 1/d^{options['power']:g} ({metric}, {cut})"
        elif want == "knn":
            if options["k"] > len(regions) - 1:
                raise InputError(f"k nearest neighbours: k = {options['k']} but there are only "
                                 f"{len(regions)} regions; use k ≤ {len(regions) - 1}")
            W = knn_weights(coords, k=options["k"], metric=metric)
            desc = f"{options['k']} nearest neighbours ({metric})"
        else:
            raise InputError(f'{where} holds coordinates but the option Spatial weights is '
                             f'"contiguity"; use auto, distance or knn, or paste a neighbours list')
        return W, desc, notes
    if want in ("distance", "knn"):
        raise InputError(f'{where} holds a neighbours table but the option Spatial weights is '
                         f'"{want}"; paste coordinates (region | lon | lat) or use contiguity')
    if kind == "pairs":
        pairs = table.iloc[:, :2]
        for i, rec in enumerate(pairs.itertuples(index=False)):
            for j, v in enumerate(rec):
                if _blank(v):
                    raise InputError(f"{_where(NEIGHBOURS_SHEET, NEIGHBOURS_BLOCK.row + 1 + i, 1 + j)}: "
                                     f"blank; each row is one pair (region, neighbour)")
        pairs = [(str(a).strip(), str(b).strip()) for a, b in pairs.itertuples(index=False)]
        named = {r for p in pairs for r in p}
        extra = sorted(named - set(regions))
        if extra:
            notes.append(f"Neighbours: {', '.join(extra)} not in the data, left out")
        pairs = [p for p in pairs if p[0] in regions and p[1] in regions]
        lonely = [r for r in regions if r not in {x for p in pairs for x in p}]
        if lonely:
            raise InputError(f'{where}: region "{lonely[0]}" of the Data sheet has no neighbour in '
                             f"the list (an island); add its pairs or use coordinates")
        W = contiguity_weights(pairs, names=regions)
        return W, "contiguity (neighbours list)", notes
    square = table.copy()
    square.index = [str(v).strip() for v in square.iloc[:, 0]]
    square = square.iloc[:, 1:]
    square.columns = [str(c).strip() for c in square.columns]
    square = square.map(lambda v: 0.0 if _blank(v) else v)
    missing = [r for r in regions if r not in square.index or r not in square.columns]
    if missing:
        raise InputError(f'{where}: region "{missing[0]}" of the Data sheet is not in the 0/1 table '
                         f"(row and column); add it or correct the spelling")
    extra = [r for r in square.index if r not in regions]
    if extra:
        notes.append(f"Neighbours: {', '.join(extra)} not in the data, left out")
    W = contiguity_weights(square.loc[regions, regions])
    return W, "contiguity (0/1 table)", notes


# ---------------------------------------------------------------- computing

def _panel_results(book):
    """Run the workflow as Compute all does; returns (result, settings, panel)."""
    from .actions import _with_origin, detect_template, read_panel_inputs, read_scheme, read_settings
    from ..methods.workflows import entropy_topsis_coupling, read_panel

    tpl = detect_template(book)
    if tpl.name != "entropy_topsis_ccd":
        raise InputError(f"After D works on the entropy_topsis_ccd template (this is "
                         f"{tpl.name}); start from New: entropy-TOPSIS-CCD")
    settings = read_settings(book, tpl)
    scheme = read_scheme(book, tpl, settings)
    # read as Compute all reads them (title rows, header synonyms, text numbers, 2019年)
    ind, data, _, problems = read_panel_inputs(book, tpl)
    if problems:
        raise InputError(problems[0])
    data = _with_origin(data, tpl.inputs[1])
    missing = settings.get("missing") or "refuse"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)   # Compute all has written them to Notes
        res = entropy_topsis_coupling(
            data, ind, method=settings["method"], shift=settings["shift"],
            closeness=settings["closeness"], distance=settings["distance"],
            coupling_model=settings["coupling_model"], scheme=scheme, lang=settings["lang"],
            closed=settings["closed"], missing=missing)
        panel = read_panel(data, ind, missing=missing)
    return res, settings, panel


def _wide(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """regions × years, regions in order of first appearance."""
    regions = list(dict.fromkeys(frame["region"]))
    w = frame.pivot(index="region", columns="year", values=value).reindex(regions)
    w.columns = [int(c) for c in w.columns]
    return w.astype(float)


def _caught(call):
    """(result, warning texts) or (None, [error text]) for one engine call."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JJJWarning)
        try:
            res = call()
        except InputError as err:
            return None, [str(err)], True
    return res, [str(w.message) for w in caught if issubclass(w.category, JJJWarning)], False


def compute(book) -> dict:
    """Everything the After D sheets show, as plain tables (no writing)."""
    from ..methods.disparity import dagum_gini, kernel_density, theil
    from ..methods.forecast import gm11
    from ..methods.sensitivity import rank_reversal, rank_sensitivity
    from ..methods.spatial import local_morans, morans_i
    from ..methods.weights import entropy_weights

    res, settings, panel = _panel_results(book)
    opts = read_options(book)
    out = {"options": opts, "notes": []}
    overall = _wide(res.scores, "overall")
    have_d = len(res.coupling_dimensions) > 0
    D = _wide(res.coupling_dimensions, "D") if have_d else None
    years = list(overall.columns)
    regions = [str(r) for r in overall.index]
    overall.index = regions
    if D is not None:
        D.index = [str(r) for r in D.index]
    var = opts["variable"]
    if var == "D" and D is None:
        out["notes"].append("D per region needs at least 2 dimensions; the overall score is "
                            "analysed instead")
        var = "overall"
    Y = D if var == "D" else overall
    out["variable"] = var
    out["years"], out["regions"] = years, regions
    out["Y"] = Y
    if len(years) > MAX_YEARS:
        out["notes"].append(f"{len(years)} years: the charts show the first {MAX_YEARS}")

    # ---- spatial weights, Moran, LISA
    try:
        W, wdesc, wnotes = spatial_weights(book, regions, opts)
        out["notes"] += wnotes
        werr = None
    except InputError as err:
        W, wdesc, werr = None, None, str(err)
    out["W"], out["W_desc"], out["W_error"] = W, wdesc, werr
    sp = dict(permutations=opts["permutations"], seed=opts["seed"], transform=opts["transform"])
    moran = {}
    for name, table in (("D", D), ("overall", overall)):
        rows = []
        for yr in years:
            if table is None:
                rows.append([yr, None, None, None, None, None, len(regions),
                             "D per region needs at least 2 dimensions"])
                continue
            if W is None:
                rows.append([yr, None, None, None, None, None, len(regions), werr])
                continue
            mi, msgs, failed = _caught(lambda: morans_i(table[yr], W, alpha=opts["alpha"], **sp))
            if failed:
                rows.append([yr, None, None, None, None, None, len(regions), msgs[0]])
            else:
                rows.append([yr, mi.I, mi.expected, mi.z, mi.p_norm, mi.p_sim, mi.n,
                             "; ".join(msgs)])
        moran[name] = pd.DataFrame(rows, columns=list(MORAN_HEADER))
    out["moran"] = moran

    lisa_wide = pd.DataFrame(index=regions, columns=years, dtype=object)
    lisa_long, lisa_notes = [], []
    for yr in years:
        if W is None:
            lisa_notes.append(f"{yr}: {werr}")
            continue
        lm, msgs, failed = _caught(lambda: local_morans(Y[yr], W, alpha=opts["alpha"], **sp))
        if failed:
            lisa_notes.append(f"{yr}: {msgs[0]}")
            continue
        for m in msgs:
            lisa_notes.append(f"{yr}: {m}")
        for r in regions:
            lisa_wide.at[r, yr] = CLUSTER_LABELS[str(lm.cluster[r])]
            lisa_long.append([r, yr, float(Y.at[r, yr]), float(lm.Is[r]), str(lm.quadrant[r]),
                              float(lm.p_sim[r]) if np.isfinite(lm.p_sim[r]) else None,
                              CLUSTER_LABELS[str(lm.cluster[r])]])
    out["lisa_wide"], out["lisa_notes"] = lisa_wide, list(dict.fromkeys(lisa_notes))
    out["lisa_long"] = pd.DataFrame(lisa_long, columns=[
        "region 地区", "year 年份", "value 值", "I_i 局部莫兰指数", "quadrant 象限",
        "p (permutation) 置换 p", "cluster 聚类类型"])

    # ---- disparity
    try:
        groups = read_groups(book)
        gerr = None
    except InputError as err:
        groups, gerr = None, str(err)
    if groups is not None:
        missing = [r for r in regions if r not in groups.index]
        if missing:
            gerr = (f'sheet {OPTIONS_SHEET}: region "{missing[0]}" has no group in the groups '
                    f"table; add it")
            groups = None
    if groups is None and gerr is None:
        out["notes"].append("no groups table: one group; Theil and Gini are not decomposed")
    labels = [groups.at[r, "group"] for r in regions] if groups is not None else ["all"] * len(regions)
    weights = None
    if opts["theil_weights"] == "weight":
        if groups is None:
            gerr = gerr or "Theil weights: the groups table is empty; fill its weight column"
        else:
            bad = [(r, groups.at[r, "weight"], groups.at[r, "row"]) for r in regions
                   if isinstance(groups.at[r, "weight"], bool)
                   or not isinstance(groups.at[r, "weight"], (int, float, np.number))
                   or _blank(groups.at[r, "weight"])]
            if bad:
                r, v, row = bad[0]
                gerr = (f'{_where(OPTIONS_SHEET, row, GROUPS_BLOCK.col + 2)}: the weight of "{r}" '
                        f"is {'blank' if _blank(v) else repr(v)}; Theil weights need a number "
                        f"for every region (or set Theil weights to none)")
            else:
                weights = [float(groups.at[r, "weight"]) for r in regions]
    out["groups"], out["groups_error"] = labels, gerr
    disp_rows, theil_groups, gini_between = [], [], []
    for yr in years:
        if gerr:
            disp_rows.append([yr] + [None] * 11 + [gerr])
            continue
        y = Y[yr]
        th, m1, f1 = _caught(lambda: theil(y, labels, weights=weights))
        dg, m2, f2 = _caught(lambda: dagum_gini(y, labels))
        row = [yr]
        row += [th.T, th.within, th.between, th.between / th.T if th.T else None] if not f1 else [None] * 4
        if not f2:
            sh = dg.shares
            row += [dg.G, dg.Gw, dg.Gnb, dg.Gt, float(sh["Gw"]), float(sh["Gnb"]), float(sh["Gt"])]
        else:
            row += [None] * 7
        row.append("; ".join(dict.fromkeys(m1 + m2)))
        disp_rows.append(row)
        if not f1:
            g = th.groups.reset_index().rename(columns=THEIL_GROUP_NAMES)
            g.insert(0, "year 年份", yr)
            theil_groups.append(g)
        if not f2:
            B = dg.between
            for a in B.index:
                for b in B.columns:
                    gini_between.append([yr, str(a), str(b), float(B.at[a, b])])
    out["disparity"] = pd.DataFrame(disp_rows, columns=list(DISPARITY_HEADER))
    out["theil_groups"] = pd.concat(theil_groups, ignore_index=True) if theil_groups else None
    out["gini_between"] = pd.DataFrame(gini_between, columns=[
        "year 年份", "group j 组 j", "group h 组 h", "G_jh (diagonal G_jj) 组内/组间基尼"])

    # ---- kernel density
    kd, msgs, failed = _caught(lambda: kernel_density(Y, bandwidth=opts["bandwidth"],
                                                      points=opts["points"]))
    out["kernel"], out["kernel_notes"] = (None if failed else kd), msgs

    # ---- GM(1,1)
    fc_rows, fitted, notes_fc = [], {}, []
    future = [years[-1] + h for h in range(1, opts["horizon"] + 1)]
    for r in regions:
        g, msgs, failed = _caught(lambda: gm11(Y.loc[r], horizon=opts["horizon"],
                                               residuals=opts["residuals"]))
        if failed:
            fc_rows.append([r, None, None, None, None, None, None, msgs[0]])
            continue
        msgs = msgs + _outside_unit_interval(g.forecast, future)
        fc_rows.append([r, g.a, g.b, g.C, g.P, g.grade_label, g.mape, "; ".join(msgs)])
        fitted[r] = list(np.asarray(g.fitted, float)) + list(np.asarray(g.forecast, float))
    out["forecast"] = pd.DataFrame(fc_rows, columns=list(FORECAST_HEADER))
    out["fitted"], out["future"] = fitted, future

    # ---- sensitivity on the pooled panel (the base = the Scores sheet's overall score)
    X = panel.values.copy()
    X.index = [f"{r} {y}" for r, y in X.index]
    X.columns = list(panel.indicators["name"])
    dirs = panel.indicators["direction"].to_numpy()
    w = res.weights["w"].to_numpy(float)
    topt = dict(method=settings["method"], shift=settings["shift"],
                closeness=settings["closeness"], distance=settings["distance"], ideal="data")
    sens, msgs, failed = _caught(lambda: rank_sensitivity(X, w, dirs, perturb=opts["perturb"],
                                                          **topt))
    out["sensitivity"], out["sensitivity_notes"] = (None if failed else sens), msgs
    if opts["reweight"] == "entropy":
        def reweight(sub, d):
            return entropy_weights(sub, d, method=settings["method"], shift=settings["shift"])
    else:
        reweight = None
    rev, msgs, failed = _caught(lambda: rank_reversal(X, w, dirs, reweight=reweight, **topt))
    out["reversal"], out["reversal_notes"] = (None if failed else rev), msgs
    out["settings"] = settings
    return out


# ---------------------------------------------------------------- writing

def _table(book, sheet, row, col, header, rows, formats=None):
    values = [list(header)] + [list(r) for r in rows]
    book.write(sheet, row, col, values, formats)
    book.fit_columns(sheet, col, values)
    return row + len(values)


def _sheet_start(book, sheet, subtitle=None):
    book.clear(sheet)
    book.write(sheet, 1, 1, [[TITLES[sheet]]])
    book.write(sheet, 1, 10, [[NOTE_OUT]])
    if subtitle:
        book.write(sheet, TOP - 1, 1, [[subtitle]])


def _plain(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _frame_rows(frame: pd.DataFrame):
    return [[_plain(v) for v in rec] for rec in frame.astype(object).itertuples(index=False)]


def write_results(book, out: dict) -> list[str]:
    var = _variable_name(out["variable"])
    opts = out["options"]
    years = out["years"]
    # Moran
    _sheet_start(book, MORAN, f"Moran's I of D by year 协调度 D 的全局莫兰指数 — W: "
                              f"{out['W_desc'] or 'not available'}, transform {opts['transform']}")
    fmts = [None, "0.0000", "0.0000", "0.000", "0.0000", "0.0000", "0", None]
    _table(book, MORAN, TOP, 1, MORAN_HEADER, _frame_rows(out["moran"]["D"]), fmts)
    book.write(MORAN, SECOND - 1, 1, [["Moran's I of the overall score by year 综合得分的全局莫兰指数"]])
    end = _table(book, MORAN, SECOND, 1, MORAN_HEADER, _frame_rows(out["moran"]["overall"]), fmts)
    lines = [["How to read 说明"],
             ["I > E[I] = −1/(n−1): similar values cluster in space; I < E[I]: neighbours differ. "
              "p (permutation) is one-sided toward the observed I (esda); p (normal) two-sided."],
             ["I 大于 E[I]：相似值空间集聚；小于：相邻地区差异大。置换 p 为单侧检验，正态 p 为双侧。"]]
    if out["W_error"]:
        lines.append([f"Spatial weights 空间权重: {out['W_error']}"])
    book.write(MORAN, max(end, SECOND + MAX_YEARS + 1) + 1, 1, lines)

    # LISA
    _sheet_start(book, LISA, f"LISA cluster of {var} (p (permutation) ≤ {opts['alpha']:g}) "
                             f"局部聚类类型")
    wide = out["lisa_wide"]
    rows = [[r] + [wide.at[r, y] for y in years] for r in out["regions"]]
    end = _table(book, LISA, TOP, 1, ["region 地区"] + [int(y) for y in years], rows)
    info = ["HH 高-高: high value, high neighbours 高值被高值包围; LL 低-低; LH 低-高: low among "
            "high; HL 高-低: high among low; not significant 不显著."]
    info += out["lisa_notes"][:30]
    book.write(LISA, end + 1, 1, [[t] for t in info])
    top2 = end + len(info) + 3
    book.write(LISA, top2 - 1, 1, [["Local Moran's I_i, quadrant and p (permutation) 局部莫兰指数明细"]])
    _table(book, LISA, top2, 1, list(out["lisa_long"].columns), _frame_rows(out["lisa_long"]),
           [None, None, "0.0000", "0.0000", None, "0.000", None])

    # Disparity
    _sheet_start(book, DISPARITY, f"Theil index and Dagum Gini of {var} by group 按组分解")
    end = _table(book, DISPARITY, TOP, 1, DISPARITY_HEADER, _frame_rows(out["disparity"]),
                 [None] + ["0.0000"] * 3 + ["0.0%"] + ["0.0000"] * 4 + ["0.0%"] * 3 + [None])
    top2 = max(end, TOP + MAX_YEARS + 1) + 2
    if out["theil_groups"] is not None:
        tg = out["theil_groups"]
        book.write(DISPARITY, top2 - 1, 1, [["Theil by group 分组泰尔指数"]])
        fm = [None, None] + ["0" if str(c).startswith("n ") else "0.0000" for c in tg.columns[2:]]
        top2 = _table(book, DISPARITY, top2, 1, [str(c) for c in tg.columns], _frame_rows(tg),
                      fm) + 2
    gb = out["gini_between"]
    if len(gb):
        book.write(DISPARITY, top2 - 1, 1, [["Dagum Gini within (G_jj) and between (G_jh) groups "
                                             "组内与组间基尼系数"]])
        _table(book, DISPARITY, top2, 1, list(gb.columns), _frame_rows(gb),
               [None, None, None, "0.0000"])

    # Kernel
    _sheet_start(book, KERNEL, f"Gaussian kernel density of {var}, bandwidth {opts['bandwidth']} "
                               f"高斯核密度")
    kd = out["kernel"]
    if kd is None:
        book.write(KERNEL, KERNEL_TOP, 1, [[m] for m in out["kernel_notes"]])
    else:
        bw = kd.bandwidth
        book.write(KERNEL, KERNEL_TOP - 1, 1,
                   [["bandwidth 带宽"] + [int(c) for c in kd.density.columns],
                    ["h"] + [float(bw[c]) for c in kd.density.columns]],
                   [None] + ["0.0000"] * len(kd.density.columns))
        header = [f"{var.split()[0]} grid 网格"] + [int(c) for c in kd.density.columns]
        rows = [[float(x)] + [float(v) for v in kd.density.loc[x]] for x in kd.density.index]
        end = _table(book, KERNEL, KERNEL_TOP + 1, 1, header, rows, ["0.0000"] * len(header))
        if out["kernel_notes"]:
            book.write(KERNEL, end + 1, 1, [[m] for m in out["kernel_notes"]])

    # Forecast
    _sheet_start(book, FORECAST, f"GM(1,1) of {var}: actual, fitted and {opts['horizon']}-year "
                                 f"forecast 实际值、拟合值与预测值")
    header = ["year 年份"]
    for r in out["regions"]:
        header += [f"{r} actual 实际", f"{r} GM(1,1)"]
    Y = out["Y"]
    rows = []
    for i, yr in enumerate(years + out["future"]):
        row = [int(yr)]
        for r in out["regions"]:
            row.append(float(Y.at[r, yr]) if yr in Y.columns else None)
            fit = out["fitted"].get(r)
            row.append(fit[i] if fit is not None else None)
        rows.append(row)
    _table(book, FORECAST, TOP, 1, header, rows, [None] + ["0.0000"] * (len(header) - 1))
    top2 = FORECAST_PARAMS
    book.write(FORECAST, top2 - 1, 1, [["GM(1,1) parameters and accuracy 模型参数与精度检验 "
                                        "(grade: C ≤ 0.35 & P ≥ 0.95 good 好; ≤ 0.50 & ≥ 0.80 "
                                        "qualified 合格; ≤ 0.65 & ≥ 0.70 barely 勉强合格)"]])
    _table(book, FORECAST, top2, 1, FORECAST_HEADER, _frame_rows(out["forecast"]),
           [None, "0.0000", "0.0000", "0.000", "0.000", None, "0.0%", None])

    # Sensitivity
    _sheet_start(book, SENSITIVITY, "One weight changed at a time, the others rescaled (ratios kept); "
                                    "TOPSIS on the pooled panel as Compute all 逐一扰动权重")
    sens = out["sensitivity"]
    if sens is None:
        book.write(SENSITIVITY, TOP, 1, [[m] for m in out["sensitivity_notes"]])
        end = TOP + 2
    else:
        ranks = sens.ranks
        scen = [c for c in ranks.columns if c != "base"]
        shift = (ranks[scen].sub(ranks["base"], axis=0)).abs().max()
        rows = []
        for c in scen:
            name, _, delta = c.rpartition(" ")
            rows.append([c, name, delta, float(sens.spearman[c]), int(sens.changed[c].sum()),
                         int(shift[c])])
        end = _table(book, SENSITIVITY, TOP, 1,
                     ["scenario 情景", "indicator 指标", "change 变化", "Spearman ρ 秩相关",
                      "rows whose rank changed 排名变化数", "largest rank shift 最大位移"], rows,
                     [None, None, None, "0.0000", "0", "0"])
        book.write(SENSITIVITY, end + 1, 1, [[f"Rank of every region-year over the {len(scen)} "
                                              f"scenarios 各样本在所有情景下的排名范围"]])
        rows = [[str(idx), int(ranks.at[idx, "base"]), int(ranks.loc[idx, scen].min()),
                 int(ranks.loc[idx, scen].max()), int(sens.changed.loc[idx].sum())]
                for idx in ranks.index]
        end = _table(book, SENSITIVITY, end + 2, 1,
                     ["region year 地区 年份", "base 基准排名", "best 最好", "worst 最差",
                      "scenarios with a change 排名变化的情景数"], rows, [None, "0", "0", "0", "0"])
    rev = out["reversal"]
    top2 = end + 2
    book.write(SENSITIVITY, top2, 1, [["Rank reversal: drop each region-year, re-rank the rest "
                                       f"(weights {opts['reweight']}) 排序逆转检验"]])
    if rev is None:
        book.write(SENSITIVITY, top2 + 1, 1, [[m] for m in out["reversal_notes"]])
    else:
        sm = rev.summary.reset_index()
        end = _table(book, SENSITIVITY, top2 + 1, 1, [str(c) for c in sm.columns], _frame_rows(sm))
        rv = rev.reversals
        if len(rv):
            book.write(SENSITIVITY, end + 1, 1, [[f"Reversed pairs 逆转的排序对 ({len(rv)}; first "
                                                  f"500 shown)"]])
            _table(book, SENSITIVITY, end + 2, 1, [str(c) for c in rv.columns],
                   _frame_rows(rv.head(500)))
        else:
            book.write(SENSITIVITY, end + 1, 1, [["No rank reversal 无排序逆转"]])
    return [MORAN, LISA, DISPARITY, KERNEL, FORECAST, SENSITIVITY]


def _append_notes(book, out: dict, warnings_: list[str]) -> None:
    """The options used and the warnings, below Compute all's notes on the Notes sheet."""
    last, _ = book.extent(layout.NOTES_SHEET)
    opts = out["options"]
    rows = [["After D (options used) D 之后（所用选项）", ""],
            ["variable analysed 分析变量", _variable_name(out["variable"])],
            ["spatial weights 空间权重", out["W_desc"] or out["W_error"]]]
    for s in OPTIONS:
        v = opts[s.key]
        shown = ("blank (every pair)" if v is None else
                 ", ".join(f"{d:g}" for d in v) if isinstance(v, list) else str(v))
        rows.append([f"{s.label} {s.label_zh}", shown])
    rows += [[f"After D warning {k}", w] for k, w in enumerate(warnings_, start=1)]
    book.write(layout.NOTES_SHEET, last + 2, 1, rows)


def run_after_d(book) -> dict:
    """The After D action: Compute all (checks the inputs, refreshes Weights/Scores/Coupling),
    then every After D sheet. Returns {"written": [...], "problems": [], "warnings": [...]}."""
    from .actions import run_action
    from .book import as_adapter

    book = as_adapter(book)
    first = run_action(book, "compute_all")
    out = compute(book)
    written = write_results(book, out)
    notes = list(out["notes"])
    if out["W_error"]:
        notes.append(f"Moran/LISA: {out['W_error']}")
    if out["groups_error"]:
        notes.append(f"Theil/Gini: {out['groups_error']}")
    for df in (out["moran"]["D"], out["moran"]["overall"]):
        notes += [t for t in df["note 说明"] if t]
    notes += [f"LISA: {t.partition(': ')[2]}" for t in out["lisa_notes"]]
    notes = list(dict.fromkeys(notes))
    _append_notes(book, out, notes)
    return {"written": list(first.get("written", [])) + written, "problems": [],
            "warnings": list(dict.fromkeys(notes))}


def _outside_unit_interval(forecast, years) -> list[str]:
    """A note when a GM(1,1) forecast leaves [0, 1], where D and TOPSIS scores live: the model
    is an exponential without bounds, so such a value is a trend, not a possible D."""
    vals = np.asarray(forecast, float)
    bad = [(y, v) for y, v in zip(years, vals) if not 0.0 <= v <= 1.0]
    if not bad:
        return []
    y, v = bad[0]
    return [f"forecast {v:.3f} in {y} is outside [0, 1], the range of D and of the scores; "
            f"GM(1,1) is an unbounded exponential: read it as a trend, not as a value "
            f"预测值超出 [0, 1]，仅表示趋势"]


# ---------------------------------------------------------------- template side (openpyxl)

def _style():
    from openpyxl.styles import Alignment, Font, PatternFill
    return Font, PatternFill, Alignment


def build_sheets(wb, tpl) -> None:
    """Fill the After D sheets of a freshly built template (openpyxl Workbook): the options
    table with drop-downs, the groups and neighbours tables of the bundled sample (6 cities,
    approximate city-centre coordinates), titles of the output sheets, the LISA colours
    (conditional formatting on the cluster text) and the charts."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table, TableStyleInfo

    Font, PatternFill, Alignment = _style()
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="D9D9D9")
    yellow = PatternFill("solid", fgColor="FFF2CC")
    note_font = Font(italic=True, color="C00000")

    ws = wb[OPTIONS_SHEET]
    ws["A1"] = "After D: spatial autocorrelation, disparity, forecast, robustness  D 之后：空间自相关、差异、预测、稳健性"
    ws["A1"].font = Font(bold=True, size=12)
    ws["A2"] = ("Fill the options (column C), the groups table (right) and the Neighbours sheet, "
                "then press After D. It runs Compute all first, then writes Moran, LISA, Disparity, "
                "Kernel, Forecast, Sensitivity. 填写选项、分组表和 Neighbours 表后点击“D 之后”。")
    ws["A2"].font = note_font
    for j, h in enumerate(OPTIONS_HEADER, start=1):
        c = ws.cell(OPTIONS_BLOCK.row, j, h)
        c.font, c.fill = bold, grey
    for i, s in enumerate(OPTIONS, start=OPTIONS_BLOCK.row + 1):
        ws.cell(i, 1, s.label)
        ws.cell(i, 2, s.label_zh)
        c = ws.cell(i, 3, s.default)
        c.fill = yellow
        ws.cell(i, 4, ", ".join(s.choices) + (", or a number" if s.key == "bandwidth" else ""))
        ws.cell(i, 5, s.note).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(i, 6, s.note_zh).alignment = Alignment(wrap_text=True, vertical="top")
        lines = max(math.ceil(len(s.note) / 62), math.ceil(len(s.note_zh) / 22), 1)
        ws.row_dimensions[i].height = 15.0 * lines
        if s.choices and s.key != "bandwidth":
            dv = DataValidation(type="list", formula1='"' + ",".join(s.choices) + '"',
                                allow_blank=True, showErrorMessage=True,
                                errorTitle=s.label, error="Choose one of: " + ", ".join(s.choices))
            ws.add_data_validation(dv)
            dv.add(ws.cell(i, 3))
    ws.cell(OPTIONS_BLOCK.row - 1, GROUPS_BLOCK.col, "Groups 分组 (region | group | optional weight)").font = bold
    groups = [("Beijing", "Beijing-Tianjin 京津", None), ("Tianjin", "Beijing-Tianjin 京津", None),
              ("Shijiazhuang", "Hebei 河北", None), ("Tangshan", "Hebei 河北", None),
              ("Qinhuangdao", "Hebei 河北", None), ("Cangzhou", "Hebei 河北", None)]
    _input_table(ws, GROUPS_BLOCK, GROUPS_HEADER, groups, Table, TableStyleInfo, bold, yellow)
    for col, width in zip("ABCDEFGHIJ", (40, 16, 20, 28, 60, 44, 2, 16, 22, 10)):
        ws.column_dimensions[col].width = width
    ws.sheet_properties.tabColor = "FFC000"

    ws = wb[NEIGHBOURS_SHEET]
    ws["A1"] = ("Neighbours 邻接: either region | neighbour (one row per pair), or a square 0/1 table "
                "(regions down column A and along row 2), or region | lon | lat (or x | y). The "
                "sample: approximate city-centre coordinates 样例为城市中心近似坐标")
    ws["A1"].font = note_font
    coords = [("Beijing", 116.40, 39.90), ("Tianjin", 117.20, 39.13),
              ("Shijiazhuang", 114.51, 38.04), ("Tangshan", 118.18, 39.63),
              ("Qinhuangdao", 119.60, 39.94), ("Cangzhou", 116.84, 38.30)]
    _input_table(ws, NEIGHBOURS_BLOCK, ("region", "lon", "lat"), coords, Table, TableStyleInfo,
                 bold, yellow)
    for col, width in zip("ABC", (18, 12, 12)):
        ws.column_dimensions[col].width = width
    # the note wraps over the table's width, so that it prints on the table's page (issue 11)
    ws.merge_cells("A1:C1")
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 15.0 * math.ceil(len(ws["A1"].value) / 36)
    ws.sheet_properties.tabColor = "FFC000"

    for sheet in layout.AFTER_D_OUTPUTS:
        ws = wb[sheet]
        ws["A1"] = TITLES[sheet]
        ws["A1"].font = Font(bold=True, size=12)
        ws["A1"].fill = grey
        ws.cell(1, 10, NOTE_OUT).font = note_font
        ws.sheet_properties.tabColor = "5B9BD5"
        ws.column_dimensions["A"].width = 18
        ws.freeze_panes = ws.cell(TOP + 1, 2)
    from openpyxl.worksheet.pagebreak import Break
    wb[MORAN].row_breaks.append(Break(id=MORAN_CHART_ROW - 2))   # the chart prints on page 2
    wb[KERNEL].print_title_rows = f"{KERNEL_TOP + 1}:{KERNEL_TOP + 1}"   # years on every page
    ws = wb[LISA]
    rng = "B4:AZ400"
    for code, color in CLUSTER_COLORS.items():
        n = len(code)
        ws.conditional_formatting.add(
            rng, FormulaRule(formula=[f'LEFT(B4,{n})="{code}"'],
                             fill=PatternFill("solid", fgColor=color, bgColor=color),
                             stopIfTrue=True))
    _write_guide(wb[layout.GUIDE_SHEET], bold, grey, Alignment)
    add_charts(wb)


GUIDE = (
    ("What 内容",
     "After D adds what coupling-coordination papers report next to D: global Moran's I of D and of "
     "the overall score per year, the LISA cluster of every region, Theil and Dagum Gini by group, "
     "kernel density curves, a GM(1,1) forecast and weight sensitivity / rank reversal, with charts. "
     "The sheets are optional: nothing is computed until you press After D (ribbon: Compute → After "
     "D). Compute all and Clear outputs do not touch them; press After D again after changing data.",
     "“D 之后”给出耦合协调论文在 D 之后常做的分析：逐年 D 与综合得分的全局莫兰指数、各地区 LISA 聚类、"
     "按组的泰尔指数与 Dagum 基尼系数、核密度曲线、GM(1,1) 预测、权重敏感性与排序逆转，并附图表。"
     "这些表为可选：只有点击“D 之后”才计算；“全部计算”和“清除结果”不改动它们，数据变动后请再次点击。"),
    ("Inputs 输入",
     f"{OPTIONS_SHEET}: the options in column C (each explained beside it) and the groups table "
     f"(region | group | optional weight, e.g. population). {NEIGHBOURS_SHEET}: a neighbours list "
     f"(region | neighbour, one row per pair), a square 0/1 table, or coordinates (region | lon | lat, "
     f"or x | y). Spell regions as on Data; extra regions are left out. The example rows fit the "
     f"bundled sample (jjj-xl new --sample): approximate city-centre coordinates.",
     f"{OPTIONS_SHEET} 表：C 列为选项（旁边有说明），右侧为分组表（地区 | 组别 | 可选权重，如人口）。"
     f"{NEIGHBOURS_SHEET} 表：邻接对列表、0/1 方阵或坐标（地区 | 经度 | 纬度，或 x | y）。地区名称须与 Data "
     f"一致。示例行对应内置样例数据（城市中心近似坐标）。"),
    ("Which D 使用的 D",
     "After D runs Compute all first (same checks, fresh Weights/Scores/Coupling), then uses D of "
     "the dimensions coupled per region-year (right table of Coupling) and the overall score.",
     "“D 之后”先执行“全部计算”，再使用各地区-年份维度耦合的 D（Coupling 表右侧）和综合得分。"),
    ("Outputs 输出",
     f"{', '.join(layout.AFTER_D_OUTPUTS)}: one row per year (Moran, Disparity), region × year "
     f"clusters coloured HH red, LL blue, LH light blue, HL pink, not significant grey (LISA), "
     f"curves (Kernel), actual, fitted and forecast per region with C, P and the accuracy grade "
     f"(Forecast), Spearman ρ per weight change and the rank-reversal check (Sensitivity). A "
     f"region-year that cannot be computed gets a blank and its one-line reason in the note column.",
     "Moran、Disparity 逐年一行；LISA 为地区×年份聚类表（HH 红、LL 蓝、LH 浅蓝、HL 粉、不显著灰）；"
     "Kernel 为曲线；Forecast 为实际值、拟合值、预测值及 C、P 与精度等级；Sensitivity 为各权重扰动的"
     "Spearman 秩相关与排序逆转检验。无法计算的项留空，并在说明列给出原因。"),
    ("n = 3 三个地区",
     "Beijing, Tianjin, Hebei: with contiguity each borders the other two, so Moran's I = −1/(n−1) = "
     "−0.5 whatever the data; it is refused and the reason is written on Moran. With distance "
     "weights I is shown with a warning: only 3! = 6 permutations exist, so p ≥ 1/6 and nothing "
     "can be significant (LISA: p ≥ 0.5). Read it as descriptive; use the 13 cities for inference.",
     "京、津、冀三地互相接壤，邻接权重下莫兰指数恒为 −1/(n−1) = −0.5，与数据无关，因此拒绝计算并在 "
     "Moran 表说明原因；距离权重下给出 I 但附警告：只有 3! = 6 种置换，p ≥ 1/6，不可能显著。"
     "请仅作描述，推断请使用13个地级市。"),
    ("Without Excel 无 Excel",
     "jjj-xl run book.xlsx --action after_d (Compute all, then After D; only the output sheets "
     "of the file are rewritten)",
     "命令行：jjj-xl run book.xlsx --action after_d（先全部计算，再计算“D 之后”；只改写结果表）。"),
)


def _write_guide(ws, bold, grey, Alignment):
    """Append the After D section to the Guide sheet."""
    r = ws.max_row + 2
    ws.cell(r, 1, "After D (optional sheets) D 之后（可选）").font = bold
    ws.cell(r, 1).fill = grey
    ws.cell(r, 2).fill = grey
    from ..i18n import current
    zh_only = current() == "zh"
    for key, en, zh in GUIDE:
        for text in ((zh,) if zh_only else (en, zh)):
            r += 1
            if text is en or zh_only:
                from ..i18n import tr
                ws.cell(r, 1, tr(key, "zh") if zh_only else key).font = bold
            ws.cell(r, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
            units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
            ws.row_dimensions[r].height = 15.0 * max(1, math.ceil(units / 96))


def _input_table(ws, block, header, rows, Table, TableStyleInfo, bold, yellow):
    for j, h in enumerate(header):
        c = ws.cell(block.row, block.col + j, h)
        c.font, c.fill = bold, yellow
    for i, rec in enumerate(rows, start=1):
        for j, v in enumerate(rec):
            ws.cell(block.row + i, block.col + j, v)
    ref = (f"{column_letter(block.col - 1)}{block.row}:"
           f"{column_letter(block.col + len(header) - 2)}{block.row + max(len(rows), 1)}")
    t = Table(displayName=block.table, ref=ref)
    t.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(t)


def chart_sizes(wb) -> dict:
    """Years, regions and kernel grid rows present on the After D sheets (for trimming)."""
    from .book import OpenpyxlBook

    book = OpenpyxlBook(workbook=wb)
    sizes = {}
    try:
        m = book.read(MORAN, TOP + 1, 1, MAX_YEARS, 1)
        sizes["years"] = sum(1 for r in m if r[0] is not None) or MAX_YEARS
        k = book.read(KERNEL, KERNEL_TOP + 1, 1, 1, MAX_YEARS + 1)[0]
        sizes["kernel_series"] = sum(1 for v in k[1:] if v is not None) or MAX_YEARS
        rows = book.read(KERNEL, KERNEL_TOP + 2, 1, MAX_POINTS, 1)
        sizes["kernel_rows"] = sum(1 for r in rows if r[0] is not None) or MAX_POINTS
        f = book.read(FORECAST, TOP, 2, 1, 2 * MAX_CHART_REGIONS)[0]
        sizes["regions"] = (sum(1 for v in f if v is not None) // 2) or MAX_CHART_REGIONS
        fr = book.read(FORECAST, TOP + 1, 1, MAX_YEARS + MAX_HORIZON, 1)
        sizes["forecast_rows"] = sum(1 for r in fr if r[0] is not None) or MAX_YEARS + MAX_HORIZON
    except Exception:   # no results yet: chart the whole reserved area
        return {}
    return sizes


PALETTE = ("C00000", "0070C0", "00B050", "7030A0", "ED7D31", "FFC000", "5B9BD5", "A5A5A5",
           "264478", "9E480E", "636363", "997300", "43682B")


def _scatter(title, x_title, y_title):
    from openpyxl.chart import ScatterChart

    from ..i18n import current, tr
    ch = ScatterChart()
    ch.title = tr(title, current())
    ch.style = 13
    ch.x_axis.title = tr(x_title, current())
    ch.y_axis.title = tr(y_title, current())
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.x_axis.majorGridlines = None
    ch.x_axis.crosses = "min"        # the x axis at the bottom even when every y is negative
    ch.x_axis.number_format = "0"
    ch.display_blanks = "gap"
    ch.width, ch.height = 18, 9
    return ch


def _series(ws, xcol, ycol, first, last, title, color, smooth=False, marker=None, line=True,
            dash=None):
    """One scatter series; ``title``: a row number (the header cell above ``ycol``) or text."""
    from openpyxl.chart import Reference, Series
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.marker import Marker
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties

    s = Series(Reference(ws, min_col=ycol, min_row=first, max_row=last),
               Reference(ws, min_col=xcol, min_row=first, max_row=last))
    if isinstance(title, int):
        s.tx = SeriesLabel(strRef=StrRef(f"'{ws.title}'!${column_letter(ycol - 1)}${title}"))
    else:
        from ..i18n import current, tr
        s.tx = SeriesLabel(v=tr(title, current()))
    s.smooth = smooth
    if marker:
        s.marker = Marker(symbol=marker, size=6)
        s.marker.graphicalProperties = GraphicalProperties(solidFill=color)
        s.marker.graphicalProperties.line = LineProperties(solidFill=color)
    else:
        s.marker = Marker(symbol="none")
    s.graphicalProperties = GraphicalProperties()
    if line:
        s.graphicalProperties.line = LineProperties(solidFill=color, w=22000, prstDash=dash)
    else:
        s.graphicalProperties.line = LineProperties(noFill=True)
    return s


def add_charts(wb, sizes: dict | None = None) -> None:
    """(Re)create the After D charts; ``sizes`` (from :func:`chart_sizes`) trims them to the
    results, else they read the whole reserved area (blank cells are gaps)."""
    sizes = sizes or {}
    for sheet in (MORAN, DISPARITY, KERNEL, FORECAST):
        wb[sheet]._charts = []
    ny = sizes.get("years", MAX_YEARS)

    ws = wb[MORAN]
    ch = _scatter("Moran's I over years 全局莫兰指数", "year 年份", "Moran's I")
    ch.series.append(_series(ws, 1, 2, TOP + 1, TOP + ny, "I of D 协调度", PALETTE[0],
                             marker="circle"))
    ch.series.append(_series(ws, 1, 2, SECOND + 1, SECOND + ny, "I of the overall score 综合得分",
                             PALETTE[1], marker="square"))
    ch.series.append(_series(ws, 1, 3, TOP + 1, TOP + ny, "E[I] = −1/(n−1)", PALETTE[7],
                             dash="dash"))
    ch.legend.position = "b"
    ws.add_chart(ch, f"A{MORAN_CHART_ROW}")   # below the tables: long notes never run under it

    ws = wb[DISPARITY]
    ch = _scatter("Dagum Gini and its parts, Theil T 基尼系数分解与泰尔指数", "year 年份", "index 指数")
    for k, (col, name) in enumerate(((6, "G 总体"), (7, "Gw 组内"), (8, "Gnb 组间"),
                                     (9, "Gt 超变密度"))):
        ch.series.append(_series(ws, 1, col, TOP + 1, TOP + ny, name, PALETTE[k], marker="circle"))
    ch.series.append(_series(ws, 1, 2, TOP + 1, TOP + ny, "Theil T 泰尔", PALETTE[4], dash="dash"))
    ch.legend.position = "b"
    ws.add_chart(ch, "O3")

    ws = wb[KERNEL]
    ch = _scatter("Kernel density by year 核密度曲线", "value 值", "density 密度")
    rows = sizes.get("kernel_rows", MAX_POINTS)
    for k in range(sizes.get("kernel_series", MAX_YEARS)):
        ch.series.append(_series(ws, 1, 2 + k, KERNEL_TOP + 2, KERNEL_TOP + 1 + rows,
                                 KERNEL_TOP + 1, PALETTE[k % len(PALETTE)], smooth=True))
    ch.legend.position = "r"
    ch.width, ch.height = 20, 11
    ws.add_chart(ch, "A3")

    ws = wb[FORECAST]
    ch = _scatter("GM(1,1): actual (dots) and fitted/forecast (lines) 实际值与预测值", "year 年份",
                  "value 值")
    fr = sizes.get("forecast_rows", MAX_YEARS + MAX_HORIZON)
    for k in range(min(sizes.get("regions", MAX_CHART_REGIONS), MAX_CHART_REGIONS)):
        color = PALETTE[k % len(PALETTE)]
        ch.series.append(_series(ws, 1, 2 + 2 * k, TOP + 1, TOP + fr, TOP, color,
                                 marker="circle", line=False))
        ch.series.append(_series(ws, 1, 3 + 2 * k, TOP + 1, TOP + fr, TOP, color))
    ch.legend.position = "r"
    ch.width, ch.height = 22, 12
    ws.add_chart(ch, f"J{FORECAST_PARAMS}")


def restore_charts(wb) -> None:
    """Rebuild the After D charts trimmed to the results (openpyxl drops charts on load)."""
    if all(s in wb.sheetnames for s in layout.AFTER_D_OUTPUTS):
        add_charts(wb, chart_sizes(wb))
