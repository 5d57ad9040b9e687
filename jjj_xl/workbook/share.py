"""Share workbooks for analysts without Python: every result as a native Excel formula.

:func:`share_book` turns a FILLED template workbook (entropy_topsis_ccd,
ideal_solution_index, coupling_coordination) into a workbook in which every
numeric result cell of the output blocks, and every level / label / stage, is
an ordinary Excel formula over the input sheets (Data / Indicators, or U), in
exactly the cells where ``actions.run_action(book, "compute_all")`` writes its
values. Intermediate steps live on helper sheets at the end (``h_Checks``,
``h_Standardised``, ``h_Entropy``, ``h_Distances``, ``h_Coupling``, ``h_Grades``).

Compact by default (issue 12): O(rows + indicators) formulas. Per-column constants of
z = (x^E − A)/R + S sit in helper rows lined up with the Data columns; entropy is one
SUMPRODUCT per column (0·ln 0 as z·LN(z + (z = 0))); each row gets one
SUMPRODUCT per score and distance over its Data row. "Show the steps" (``steps=True``, the
default up to :data:`STEPS_MAX_CELLS` data cells) also writes the full z and p·ln p matrices.

Guarded inputs (issue 7): data validation on every unlocked input cell, and formula checks on
h_Checks (text, blanks, TRUE/FALSE, out-of-range values, unknown directions) that turn the
results into #N/A and name the first cell to fix in h_Checks!B5 and the note cell of each
result sheet.

How it is built: the engine runs first (that validates the inputs, writes the
exact layout, the method notes and the structure cells — regions, years,
dimensions), then the numbers are overwritten by formulas. The method settings
are read once and frozen into the formulas; the formulas cover exactly the
filled rows of the input table. Only functions that Excel 2010+ and
LibreOffice both compute are used (:data:`SHARE_FUNCTIONS`): no dynamic arrays,
no LAMBDA/LET, no add-in functions, no VBA.

What stays live and what is frozen: input numbers (Data values, U values) and the
indicator directions, names and units are editable (unlocked, yellow) and everything
recalculates; regions, years, indicator codes, dimensions, the number of rows and
the Settings are structure, frozen at export (locked; export again to change them).
Fully blank rows inside Data (or U) are skipped as ``jjj-xl run`` skips them: the formulas
run over the rows actually read (per run of consecutive rows where a formula spans rows; the
blank rows stay blank and locked, so COUNT / MIN / MAX / SUM and the counts n ignore them), and
the engine's warning naming them is on the Notes. A table moved from the template cell
(its Excel Table elsewhere) is followed. Every Settings option of the three templates is
supported. The share copy keeps every part of the user's package that jjj-xl does not own
(:func:`share_workbook`, :mod:`jjj_xl.workbook.share_package`). Refused, with a one-line
:class:`InputError`: inputs that Validate rejects, a Data table in long layout, a
workbook that is already a share workbook, an output name not ending in .xlsx or
equal to the source.

Numerics mirror the engine (METHODS.md): 0·ln 0 = 0, a constant column is
standardised to 1 (+ shift) with entropy 1 and weight 0, a row at the ideal
gets closeness 1, C is clipped to [0, 1], D and C are rounded to 12 decimals
before grading.

    from jjj_xl.workbook.share import share_workbook
    share_workbook("filled.xlsx", "filled-share.xlsx")
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import __version__
from . import layout
from ..methods._matrix import _BENEFIT, _COST      # direction spellings the engine accepts
from .actions import book_lang, detect_template, read_scheme, read_settings, run_action, share_refusal
from .book import OpenpyxlBook
from ..methods.coupling import LAG_LABELS, STAGE_LABELS, STAGE_UPPER, lag_label, make_scheme
from ..errors import InputError, JJJWarning, column_letter
from .templates import CHARTS_SHEET, FORMULAS_SHEET, restore_charts
from .cells import INPUT_FILL, write_cell
from .styles import fill as _fill, font as _font
from .styles import validation as _validation

__all__ = ["share_workbook", "share_book", "SHARE_FUNCTIONS", "HELPER_SHEETS"]

# ---------------------------------------------------------------- layout of the share workbook
# (constants of this module; candidates for layout.py)

# helper sheet names live in share_guard (light: the macros import it to refuse share workbooks)
from .share_guard import (H_AHP, H_CHECKS, H_COUPLING, H_DISTANCES, H_ENTROPY,  # noqa: E402
                          H_GRADES, H_STANDARDISED, HELPER_SHEETS)
AHP_SQUARINGS = 12             # B ← B²/ΣB² twelve times: A^4096, the principal eigenvector
REMOVED_SHEETS = (FORMULAS_SHEET, layout.CONF_SHEET)   # add-in formulas / xlwings config: not shared

# every helper sheet: column A label (region / score / dimension), B year or group number;
# on h_Standardised, h_Entropy and the weight rows of h_Distances indicator j sits in the column
# of its Data column (so row formulas can run over a Data row and the constants side by side)
HELPER_FIRST_COL = 4           # first column of the d⁺ / d⁻ table and of the tolerance table
HELPER_TITLE_ROW = 1
HELPER_NOTE_ROW = 2
# h_Standardised rows (per indicator column): column statistics, check, constants of
# z = (x^E − A)/R + S, z at the column min / max, ideal and anti-ideal
STD_ROWS = dict(code=4, dimension=5, direction_text=6, sign=7, count=8, min=9, max=10, range=11,
                sum=12, check=13, A=15, R=16, S=17, zlo=18, zhi=19, best=20, worst=21, Bbest=22,
                Bworst=23,
                # issue 9 (methods9), written only when used: zscore's sample SD; SPSSAU's entropy
                # translation T; positivisation y = x·Q + (1 − Q) − H·(|a − x| + |x − b| + a − b)
                # of middle / interval columns (Q = 1, H = 0 elsewhere); grey relational grade:
                # best end Gb, divisor Gr, column Δmax Gd
                sd=24, T=25, Pq=26, Pa=27, Pb=28, Ph=29, Gb=30, Gr=31, Gd=32)
OPTIONAL_STD_ROWS = ("sd", "T", "Pq", "Pa", "Pb", "Ph", "Gb", "Gr", "Gd")
STD_GROUP_TOP = 34             # within-region blocks (ideal = group) start here
GREY_RHO = 0.5                 # Deng's distinguishing coefficient (as jx.grey_relational_grade)
# within-region constants; B* = x^E of the best / worst row, so that z − z* = (x^E − B*)/R;
# A, S and the ideal rows in z only with "show the steps" (the z matrix needs them)
GROUP_KEYS = ("min", "max", "sum", "R", "Bbest", "Bworst", "A", "S", "best", "worst")
# h_Entropy summary rows
ENT_M_CELL = (3, 2)            # m (number of rows) in B3
ENT_ROWS = dict(code=4, dimension=5, S=6, sum_zlnz=7, e=8, d=9, w=10)
ENT_MATRIX_TOP = 12            # title of the p·ln p matrix (show the steps)
# h_Distances: weight vectors from row 5 (header row 4)
DIST_WEIGHT_HEADER = 4
# h_Grades
GRADES_HEADER = 3              # level | lower bound | label ; stage table below
# h_Checks: overall OK (TRUE / FALSE), the first problem as text, per-row checks
CHK_OK = (4, 2)
CHK_MSG = (5, 2)
CHK_AUX = 6                    # first bad row | first bad cell's column | first bad column
CHK_HEADER = 8
CHK_TOP = 9
# "show the steps" (full z and p·ln p matrices) by default up to this many data cells
STEPS_MAX_CELLS = 2000
SHARE_SETTINGS_NOTE = (layout.SETTINGS_SHEET, 1, 4)   # "settings frozen" note on Settings
CHARTS_NOTE = (CHARTS_SHEET, 1, 4)  # the Charts sheet's note cell (templates._write_charts), reworded
SHARE_NOTES_GAP = 2            # blank rows between the engine's notes and the share notes

TAB_HELPER = "A5A5A5"
TITLE_FILL = "D9D9D9"
# conditional formatting of grades: red -> yellow -> green (Excel's 3-colour scale colours)
GRADE_COLOURS = ((0xF8, 0x69, 0x6B), (0xFF, 0xEB, 0x84), (0x63, 0xBE, 0x7B))

# Excel 2010 functions that LibreOffice computes too; nothing else appears in a share formula
SHARE_FUNCTIONS = frozenset({
    "ABS", "ADDRESS", "AND", "COLUMN", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "EXP", "IF",
    "IFERROR", "INDEX", "ISLOGICAL", "ISNUMBER", "LN", "LOOKUP", "LOWER", "MATCH", "MAX", "MIN",
    "FIND", "LEFT", "MID",          # methods9: AHP comparisons typed as text "1/3"
    "NA", "OR", "POWER", "RANK", "ROUND", "ROWS", "SMALL", "SQRT", "SUBSTITUTE", "SUM", "SUMIF",
    "SUMIFS", "SUMPRODUCT", "TRIM",
})
_FUNCTION_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


# ---------------------------------------------------------------- small formula helpers

def _q(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _L(col: int) -> str:
    return column_letter(col - 1)


def _ref(sheet, row, col, fix: str = "", here: str | None = None) -> str:
    """A1 reference; ``fix`` contains "r" and/or "c" for $row / $col."""
    a = ("$" if "c" in fix else "") + _L(col) + ("$" if "r" in fix else "") + str(row)
    return a if sheet is None or sheet == here else f"{_q(sheet)}!{a}"


def _rng(sheet, r1, c1, r2, c2, here: str | None = None) -> str:
    a = f"${_L(c1)}${r1}:${_L(c2)}${r2}"
    return a if sheet is None or sheet == here else f"{_q(sheet)}!{a}"


def _num(x) -> str:
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    r = repr(x)
    return r.upper() if "e" in r else r


def _str(s) -> str:
    return '"' + str(s).replace('"', '""') + '"'


def _row_runs(sheet, row, cols: list[int]) -> list[str]:
    """References to the cells (row, col) for cols, consecutive columns merged into ranges."""
    runs: list[list[int]] = []
    for c in sorted(cols):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return [_ref(sheet, row, a) if a == b else
            (f"{_q(sheet)}!" if sheet else "") + f"{_L(a)}{row}:{_L(b)}{row}" for a, b in runs]


def _col_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive sheet rows merged into (first, last) runs."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    return [(a, b) for a, b in runs]


def formula_functions(formula: str) -> set[str]:
    """Function names called in a formula (string literals ignored)."""
    return {m.group(1).upper() for m in _FUNCTION_TOKEN.finditer(_STRING_LITERAL.sub('""', formula))}


# ---------------------------------------------------------------- what the inputs look like

@dataclass
class _Panel:
    """Where the panel sits in the workbook, row by row and indicator by indicator."""

    codes: list
    names: list
    dims: list              # dimension of each indicator
    dimensions: list        # dimension names, first appearance order
    data_rows: list         # sheet row of each panel row
    data_cols: list         # sheet column of each indicator on Data
    regions: list           # region of each panel row
    years: list             # year of each panel row
    region_order: list      # regions in order of first appearance
    ind_rows: list          # Indicators sheet row of each indicator
    ind_cols: dict          # Indicators column by lower-case header
    data_sheet: str = ""
    ind_sheet: str = ""
    positivise: dict = None     # code -> Direction of middle / interval indicators (methods9)
    typed: dict = None          # code -> direction cell text as typed

    @property
    def m(self):
        return len(self.data_rows)

    @property
    def n(self):
        return len(self.codes)

    def group_of(self, i):
        return self.region_order.index(self.regions[i]) + 1

    def members(self, dim):
        return [j for j, d in enumerate(self.dims) if d == dim]


def _read_panel_positions(book: OpenpyxlBook, tpl: layout.Template) -> _Panel:
    from ..methods.workflows import read_panel

    ind_block, data_block = tpl.inputs
    ind = book.read_block(ind_block)
    data = book.read_block(data_block)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        panel = read_panel(data, ind)
    header = [str(c).strip() for c in data.columns]
    lower = {c.lower(): c for c in header}
    if len(panel.keys) != len(data):
        raise InputError(f"sheet {data_block.sheet}: the share workbook needs the Data table in "
                         f"wide layout (region, year, one column per indicator code)")
    _, data_left = data.attrs.get("origin", (data_block.row, data_block.col))
    _, ind_left = ind.attrs.get("origin", (ind_block.row, ind_block.col))
    data_rows = list(data.attrs.get("rows") or range(data_block.row + 1, data_block.row + 1 + len(data)))
    ind_rows = list(ind.attrs.get("rows") or range(ind_block.row + 1, ind_block.row + 1 + len(ind)))
    cols = []
    for _, row in panel.indicators.iterrows():
        col = next((c for c in (row["code"], row["name"]) if c in header), None)
        col = col or lower.get(str(row["code"]).lower()) or lower.get(str(row["name"]).lower())
        if col is None:
            raise InputError(f'sheet {data_block.sheet}: no column for indicator "{row["code"]}"; the '
                             f"share workbook needs one column per indicator code")
        cols.append(data_left + header.index(col))
    ind_cols = {str(c).strip().lower(): ind_left + k for k, c in enumerate(ind.columns)}
    regions = list(panel.keys["region"])
    typed = {}
    if "direction" in ind_cols:
        dcol = [str(c).strip().lower() for c in ind.columns].index("direction")
        typed = {str(c).strip(): ind.iat[k, dcol] for k, c in enumerate(panel.indicators["code"])}
    return _Panel(codes=list(panel.indicators["code"]), names=list(panel.indicators["name"]),
                  dims=list(panel.indicators["dimension"]), dimensions=list(panel.dimensions),
                  data_rows=data_rows, data_cols=cols,
                  regions=regions, years=[int(y) for y in panel.keys["year"]],
                  region_order=list(dict.fromkeys(regions)),
                  ind_rows=ind_rows[:len(panel.indicators)],
                  ind_cols=ind_cols, data_sheet=data_block.sheet, ind_sheet=ind_block.sheet,
                  positivise=dict(panel.indicators.attrs.get("positivise", {})), typed=typed)


# ---------------------------------------------------------------- helper sheets

def _helper(wb, name: str, title: str, note: str):
    ws = wb.create_sheet(name)
    write_cell(ws, HELPER_TITLE_ROW, 1, title).font = _font(bold=True, size=12)
    write_cell(ws, HELPER_NOTE_ROW, 1, note).font = _font(italic=True, color="595959")
    ws.sheet_properties.tabColor = TAB_HELPER
    ws.column_dimensions["A"].width = 22
    return ws


def _head(ws, row, col, text):
    c = write_cell(ws, row, col, text)
    c.font = _font(bold=True)
    c.fill = _fill(TITLE_FILL)
    return c


def _set(ws, row, col, formula: str, fmt: str | None = None):
    """Write a formula (never through write_cell, which keeps '=' text as text)."""
    c = ws.cell(row=row, column=col)
    c.value = formula
    if fmt:
        c.number_format = fmt
    return c


class _Builder:
    """Writes the helper sheets of one panel template and remembers where things are.

    Helper columns are aligned with the Data sheet: indicator j sits in the column of its
    Data column on h_Standardised, h_Entropy and h_Distances, so a row formula can run
    SUMPRODUCT over a Data row and the helper rows of per-column constants side by side.
    Standardisation of every method is z = (x^E − A)/R + S with per-column constants
    (minmax: A = min or max, R = ±range, S = shift; max: E = ±1, R = max or 1/min; share:
    R = Σx), applied in the row formulas ("compact") or written cell by cell on
    h_Standardised ("show the steps"); both use the same arithmetic.
    """

    def __init__(self, wb, tpl, p: _Panel, settings: dict, workflow: str, steps: bool):
        self.wb, self.tpl, self.p, self.s, self.workflow = wb, tpl, p, settings, workflow
        self.steps = steps
        self.method = settings["method"]
        if self.method not in ("minmax", "max", "share", "zscore"):
            raise InputError(f'{layout.SETTINGS_SHEET}: standardisation "{self.method}" cannot be '
                             f"exported to a share workbook")
        self.shift = float(settings.get("shift", 0.0)) if workflow == "ccd" and self.method == "minmax" \
            else 0.0
        self.c0, self.c1 = min(p.data_cols), max(p.data_cols)
        self.ok = _ref(H_CHECKS, *CHK_OK, "rc")
        self.z_top = {}              # steps: first row of the pooled / group z matrix
        self.group_rows = {}         # (key, g) -> row of a within-region constant
        self.groups = {}             # g -> sheet rows of its Data rows
        # methods9: middle / interval columns (positivised by formulas), SPSSAU translation, grey
        self.pos = {j: p.positivise[code] for j, code in enumerate(p.codes) if code in (p.positivise or {})}
        self.translate = workflow == "ccd" and settings.get("translate") == "spssau"
        self.grey = workflow == "ccd" and settings.get("score") == "grey"

    # ---------------------------------------------------------------- positivisation (methods9)
    def _pk(self, key, c) -> str:
        return _ref(H_STANDARDISED, STD_ROWS[key], c, "rc")

    def y_cell(self, x, c) -> str:
        """The value of Data cells ``x`` (a cell or a column range) of sheet column c after
        positivisation: 1 − H·(|a − x| + |x − b| + a − b), H = 1/(2M), for a middle / interval
        column (= 1 − (max(a − x, 0) + max(x − b, 0))/M; middle: a = b = best); x elsewhere."""
        j = self.p.data_cols.index(c)
        if j not in self.pos:
            return x
        a, b, H = (self._pk(k, c) for k in ("Pa", "Pb", "Ph"))
        return f"(1-{H}*(ABS({a}-{x})+ABS({x}-{b})+{a}-{b}))"

    def y_span(self, x, cols: tuple | None = None) -> str:
        """Positivised Data row span ``x`` over cols: x·Q + (1 − Q) − H·(…) element-wise."""
        a_, b_ = cols or (self.c0, self.c1)
        if not any(a_ <= self.col(j) <= b_ for j in self.pos):
            return x
        Q, a, b, H = (self.span(H_STANDARDISED, STD_ROWS[k], cols) for k in ("Pq", "Pa", "Pb", "Ph"))
        return f"({x}*{Q}+(1-{Q})-{H}*(ABS({a}-{x})+ABS({x}-{b})+{a}-{b}))"

    def col(self, j) -> int:
        return self.p.data_cols[j]

    def span(self, sheet, row, cols: tuple | None = None) -> str:
        """A row across the Data span, or across cols = (first, last) column (absolute)."""
        a, b = cols or (self.c0, self.c1)
        return _rng(sheet, row, a, row, b)

    def score_span(self, members: list) -> tuple:
        """Columns a score's SUMPRODUCT runs over: its indicators' Data columns when they are
        side by side (a dimension's own block), else the whole Data span (zero weights)."""
        cols = sorted(self.col(j) for j in members)
        return (cols[0], cols[-1]) if cols == list(range(cols[0], cols[-1] + 1)) else (self.c0, self.c1)

    # ---------------------------------------------------------------- the z formula
    def z_expr(self, x, A, R, S, E) -> str:
        if self.method in ("minmax", "zscore"):
            return f"({x}-{A})/{R}+{S}"
        if self.method == "max":
            return f"{x}^{E}/{R}+{S}"
        return f"{x}/{R}+{S}"

    def _consts(self, kind, g=None):
        """Row numbers of A, R, S, E on h_Standardised for the pooled panel or group g."""
        if kind == "pooled":
            R = STD_ROWS
            return R["A"], R["R"], R["S"], R["sign"]
        return (self.group_rows[("A", g)], self.group_rows[("R", g)], self.group_rows[("S", g)],
                STD_ROWS["sign"])

    def z_row(self, i, kind, cols: tuple | None = None) -> str:
        """z of Data row i over the Data span (or cols): a range (steps) or an array expression."""
        p = self.p
        g = p.group_of(i)
        if self.steps:
            return self.span(H_STANDARDISED, self.z_top[kind] + i, cols)
        rA, rR, rS, rE = self._consts(kind, g)
        return "(" + self.z_expr(
            self.y_span(self.span(p.data_sheet, p.data_rows[i], cols), cols),
            *(self.span(H_STANDARDISED, rk, cols) for rk in (rA, rR, rS, rE))) + ")"

    def dist_sq(self, i, kind, W, which, cols, name=None) -> str:
        """Σ W·(z − z*)² of Data row i (which: "best" / "worst"); W is "W" or "W,W" (w2)."""
        p = self.p
        if self.steps:
            best, worst = self.ideal(p.group_of(i) if kind == "group" else None, cols)
            A = best if which == "best" else worst
            return f"SUMPRODUCT({W},({self.z_row(i, kind, cols)}-{A})^2)"
        g = p.group_of(i)
        rows = self._rows(kind, g)
        x = self.y_span(self.span(p.data_sheet, p.data_rows[i], cols), cols)
        if self.method == "max":
            x = f"{x}^{self.span(H_STANDARDISED, STD_ROWS['sign'], cols)}"
        B = self.span(H_STANDARDISED, rows["B" + which], cols)
        fold = getattr(self, "fold_rows", {}).get(name)
        if fold is not None and kind == "pooled":     # K = w/R (or √w/R) on h_Distances
            return f"SUMPRODUCT((({x}-{B})*{self.span(None, fold, cols)})^2)"
        if fold is not None:                          # w² on h_Distances
            W = self.span(None, fold, cols)
        R = self.span(H_STANDARDISED, rows["R"], cols)
        return f"SUMPRODUCT({W},(({x}-{B})/{R})^2)"

    def _rows(self, kind, g) -> dict:
        if kind == "pooled":
            return STD_ROWS
        return {k: self.group_rows[(k, g)] for k in ("R", "Bbest", "Bworst")}

    def z_col(self, j, run: tuple | None = None) -> str:
        """Pooled z of indicator j over all rows (or the Data rows ``run`` = (first, last)):
        a range (steps) or an array expression."""
        p, c = self.p, self.col(j)
        if self.steps:
            top = self.z_top["pooled"]
            return _rng(H_STANDARDISED, top, c, top + p.m - 1, c)
        R = STD_ROWS
        a, b = run or (p.data_rows[0], p.data_rows[-1])
        return "(" + self.z_expr(self.y_cell(_rng(p.data_sheet, a, c, b, c), c),
                                 *(_ref(H_STANDARDISED, R[k], c, "rc") for k in ("A", "R", "S", "sign"))) + ")"

    def z_cols(self, j) -> list[str]:
        """z_col of indicator j split at fully blank Data rows (skipped, as ``run`` does): one
        expression per run of consecutive data rows (one when there is no blank row)."""
        if self.steps:
            return [self.z_col(j)]
        return [self.z_col(j, run) for run in _col_runs(self.p.data_rows)]

    def _write_consts(self, ws, c, rows: dict, mn, mx, rg, sm, sg, m: int, shift: float):
        """R, B⁺, B⁻ of one column, and A, S, z(min), z(max), best, worst where ``rows`` has them
        (rows: key -> sheet row). z − z* = (x^E − B*)/R, with B* the x^E of the best / worst
        observation (z is monotone in x^E/R)."""
        ok = self.ok
        method = self.method
        if method == "minmax":
            A = f"IF({rg}=0,{mn},IF({sg}>0,{mn},{mx}))"
            R = f"IF({rg}=0,1,IF({sg}>0,{rg},-{rg}))"
            S = f"IF({rg}=0,{_num(1.0 + shift)},{_num(shift)})"
        elif method == "max":
            A, R, S = "0", f"IF({sg}>0,IF({mx}=0,1,{mx}),1/{mn})", f"IF(AND({sg}>0,{mx}=0),1,0)"
        elif method == "zscore":      # (x − mean)/s, s the sample SD (row sd); constant → 0
            sd = _ref(None, STD_ROWS["sd"], c)
            A, R, S = f"IF({rg}=0,{mn},{sm}/{m})", f"IF({rg}=0,1,IF({sg}>0,{sd},-{sd}))", "0"
        else:
            A, R, S = "0", f"IF({sm}=0,1,{sm})", f"IF({sm}=0,1/{m},0)"
        _set(ws, rows["R"], c, f"=IF({ok},{R},NA())")
        R = _ref(None, rows["R"], c)
        lo, hi = (f"{mn}^{sg}", f"{mx}^{sg}") if method == "max" else (mn, mx)
        # which end is best: z rises with x^E/R; under share z = x/Σx keeps the data's
        # orientation, so a cost column's ideal is its minimum (as the engine's TOPSIS does)
        up = f"{sg}>0" if method == "share" else f"{R}>0"
        _set(ws, rows["Bbest"], c, f"=IF({up},MAX({lo},{hi}),MIN({lo},{hi}))")
        _set(ws, rows["Bworst"], c, f"=IF({up},MIN({lo},{hi}),MAX({lo},{hi}))")
        if "A" not in rows:
            return
        if A == "0":
            ws.cell(rows["A"], c).value = 0
        else:
            _set(ws, rows["A"], c, "=" + A)
        _set(ws, rows["S"], c, "=" + S)
        A, S = (_ref(None, rows[k], c) for k in ("A", "S"))
        zlo, zhi = self.z_expr(mn, A, R, S, sg), self.z_expr(mx, A, R, S, sg)
        if "zlo" in rows:
            _set(ws, rows["zlo"], c, "=" + zlo, "0.000000")
            _set(ws, rows["zhi"], c, "=" + zhi, "0.000000")
            zlo, zhi = _ref(None, rows["zlo"], c), _ref(None, rows["zhi"], c)
        if method == "share":
            _set(ws, rows["best"], c, f"=IF({sg}>0,MAX({zlo},{zhi}),MIN({zlo},{zhi}))", "0.000000")
            _set(ws, rows["worst"], c, f"=IF({sg}>0,MIN({zlo},{zhi}),MAX({zlo},{zhi}))", "0.000000")
        else:
            _set(ws, rows["best"], c, f"=MAX({zlo},{zhi})", "0.000000")
            _set(ws, rows["worst"], c, f"=MIN({zlo},{zhi})", "0.000000")

    # ---------------------------------------------------------------- h_Standardised
    def standardised(self, pooled: bool, group: bool):
        p = self.p
        method, shift = self.method, self.shift
        rule = {"minmax": "z = (x − A)/R + S: benefit (x − min)/(max − min), cost (max − x)/(max − min)"
                          + (f", + shift {shift:g}" if shift else "") + "; a constant column gives 1"
                          + (" + shift" if shift else ""),
                "max": "z = x^E/R + S: benefit x/max (E = 1, R = max), cost min/x (E = −1, R = 1/min)",
                "share": "z = x/R + S with R = Σx (directions ignored)",
                "zscore": "z = (x − A)/R: A = mean, R = ±s, s the sample standard deviation "
                          "(cost: (mean − x)/s); a constant column gives 0"}[method]
        if self.translate:
            rule += ("; entropy on z + T, T = |min z| + 0.01 where min z ≤ 0 (SPSSAU non-negative "
                     "translation)")
        if self.pos:
            rule += ("; middle / interval columns positivised first over the pooled panel: y = 1 − "
                     "H·(|a − x| + |x − b| + a − b), H = 1/(2M), M = max(a − min, max − b) (middle: "
                     "a = b = best)")
        if self.grey:
            rule += "; grey relational grade: Δ = |y − Gb|/Gr (min-max distance to the ideal)"
        ws = _helper(
            self.wb, H_STANDARDISED, "Standardised matrix 标准化矩阵",
            f"method {method}; {rule}. Columns line up with the Data sheet; direction signs follow the "
            "Indicators sheet (+1 benefit, −1 cost). "
            + ("The full z matrix is written below (show the steps)." if self.steps else
               "Compact: the row formulas on h_Distances apply A, R, S to each Data row (export with "
               "show-the-steps for the full z matrix).") + " 公式，请勿输入。")
        R = STD_ROWS
        labels = {"code": "code 指标代码", "dimension": "dimension 维度",
                  "direction_text": "direction (as typed) 方向", "sign": "sign E (+1 / −1) 方向符号",
                  "count": "numbers in the column 数值个数", "min": "min 最小值", "max": "max 最大值",
                  "range": "max − min 极差", "sum": "sum Σx 合计",
                  "check": "column check (0 = OK) 列检查", "A": "A (subtracted) 减数",
                  "R": "R (divisor; #N/A if an input check fails) 除数", "S": "S (added) 加数",
                  "zlo": "z at the column min", "zhi": "z at the column max",
                  "best": "ideal A⁺ (best z) 正理想解", "worst": "anti-ideal A⁻ (worst z) 负理想解",
                  "Bbest": "B⁺ = x^E of the best row: z − A⁺ = (x^E − B⁺)/R",
                  "Bworst": "B⁻ = x^E of the worst row: z − A⁻ = (x^E − B⁻)/R",
                  "sd": "s sample standard deviation 样本标准差",
                  "T": "T SPSSAU translation for entropy 非负平移量",
                  "Pq": "Q (1 = not positivised) 非正向化", "Pa": "a (middle: best) 区间下限/最优值",
                  "Pb": "b (middle: best) 区间上限/最优值", "Ph": "H = 1/(2M) positivisation 正向化系数",
                  "Gb": "grey: best end Gb (max, cost min) 灰色关联参考端",
                  "Gr": "grey: divisor Gr = max − min", "Gd": "grey: column Δmax 列最大差"}
        used = {"sd": method == "zscore", "T": self.translate, "Gb": self.grey, "Gr": self.grey,
                "Gd": self.grey, **{k: bool(self.pos) for k in ("Pq", "Pa", "Pb", "Ph")}}
        for key, row in R.items():
            if key in OPTIONAL_STD_ROWS and not used[key]:
                continue
            _head(ws, row, 1, labels[key])
        dir_col = p.ind_cols.get("direction")
        benefit, cost = sorted(_BENEFIT), sorted(_COST)
        need = {"minmax": "", "max": "AND({mn}>=0,OR({sg}>0,{mn}>0))", "share": "{mn}>=0",
                "zscore": ""}[method]
        for j in range(p.n):
            c = self.col(j)
            write_cell(ws, R["code"], c, p.codes[j]).font = _font(bold=True)
            write_cell(ws, R["dimension"], c, p.dims[j])
            d = _ref(p.ind_sheet, p.ind_rows[j], dir_col)
            _set(ws, R["direction_text"], c, f'=TRIM(LOWER({d}&""))')
            t = _ref(None, R["direction_text"], c)
            is_b = ",".join(f"{t}={_str(v)}" for v in benefit)
            is_c = ",".join(f"{t}={_str(v)}" for v in cost)
            col = _rng(p.data_sheet, p.data_rows[0], c, p.data_rows[-1], c)
            if j in self.pos:     # middle / interval: frozen at export; its text as typed, or #N/A
                typed = " ".join(str(p.typed.get(p.codes[j], "")).split()).lower()
                _set(ws, R["sign"], c, f"=IF({t}={_str(typed)},1,NA())")
                spec = self.pos[j]
                a, b = (spec.best, spec.best) if spec.kind == "middle" else (spec.a, spec.b)
                ws.cell(R["Pq"], c).value = 0
                ws.cell(R["Pa"], c).value = float(a)
                ws.cell(R["Pb"], c).value = float(b)
                pa, pb = _ref(None, R["Pa"], c), _ref(None, R["Pb"], c)
                M = f"MAX({pa}-MIN({col}),MAX({col})-{pb})"
                _set(ws, R["Ph"], c, f"=IF({M}<=0,0,1/(2*{M}))")
            else:
                _set(ws, R["sign"], c, f"=IF(OR({is_b}),1,IF(OR({is_c}),-1,NA()))")
                if self.pos:
                    for key, v in (("Pq", 1), ("Pa", 0), ("Pb", 0), ("Ph", 0)):
                        ws.cell(R[key], c).value = v
            y = self.y_cell(col, c)
            # the positivised values and squared deviations run by run of consecutive Data
            # rows: a fully blank row (skipped) would read as 0 inside element-wise arithmetic
            ys = [self.y_cell(_rng(p.data_sheet, a, c, b, c), c) for a, b in _col_runs(p.data_rows)]
            _set(ws, R["count"], c, f"=COUNT({col})")
            if j in self.pos:
                _set(ws, R["min"], c, "=MIN(" + ",".join(f"SUMPRODUCT(MIN({v}))" for v in ys) + ")")
                _set(ws, R["max"], c, "=MAX(" + ",".join(f"SUMPRODUCT(MAX({v}))" for v in ys) + ")")
            else:
                _set(ws, R["min"], c, f"=MIN({col})")
                _set(ws, R["max"], c, f"=MAX({col})")
            mn, mx = _ref(None, R["min"], c), _ref(None, R["max"], c)
            _set(ws, R["range"], c, f"={mx}-{mn}")
            _set(ws, R["sum"], c, "=" + "+".join(f"SUMPRODUCT({v})" for v in ys) if j in self.pos
                 else f"=SUM({col})")
            if method == "zscore":
                sm = _ref(None, R["sum"], c)
                _set(ws, R["sd"], c, "=SQRT((" + "+".join(f"SUMPRODUCT(({v}-{sm}/{p.m})^2)" for v in ys)
                     + f")/{p.m - 1})")
            sg = _ref(None, R["sign"], c)
            cond = f"ISNUMBER({sg})" + ("," + need.format(mn=mn, sg=sg) if need else "")
            _set(ws, R["check"], c, f"=IFERROR(IF(AND({cond}),0,{c}),{c})")
            self._write_consts(ws, c, R, mn, mx, _ref(None, R["range"], c), _ref(None, R["sum"], c),
                               sg, p.m, shift)
            if self.translate:    # SPSSAU: |min z| + 0.01 where min z ≤ 0 (entropy only)
                zmin = f"MIN({_ref(None, R['zlo'], c)},{_ref(None, R['zhi'], c)})"
                _set(ws, R["T"], c, f"=IF({zmin}<=0,ABS({zmin})+0.01,0)")
            if self.grey:         # min-max distance to the ideal end: Δ = |y − Gb|/Gr
                rg = _ref(None, R["range"], c)
                _set(ws, R["Gb"], c, f"=IF({sg}>0,{mx},{mn})")
                _set(ws, R["Gr"], c, f"=IF({self.ok},IF({rg}=0,1,{rg}),NA())")
                _set(ws, R["Gd"], c, f"=ABS(IF({sg}>0,{mn},{mx})-{_ref(None, R['Gb'], c)})/"
                                     f"{_ref(None, R['Gr'], c)}")
        r = STD_GROUP_TOP
        G = len(p.region_order)
        if group:
            for g, region in enumerate(p.region_order, start=1):
                self.groups[g] = [p.data_rows[i] for i in range(p.m) if p.group_of(i) == g]
            titles = {"min": "within-region min 地区内最小值", "max": "within-region max 地区内最大值",
                      "sum": "within-region sum 地区内合计",
                      "A": "within-region A", "R": "within-region R", "S": "within-region S",
                      "best": "within-region ideal A⁺ 地区内正理想解",
                      "worst": "within-region anti-ideal A⁻ 地区内负理想解",
                      "Bbest": "within-region B⁺", "Bworst": "within-region B⁻"}
            keys = [k for k in GROUP_KEYS if (k != "sum" or method == "share")
                    and (self.steps or k not in ("A", "S", "best", "worst"))]
            for key in keys:
                _head(ws, r, 1, titles[key])
                _head(ws, r, 2, "group 组")
                for g, region in enumerate(p.region_order, start=1):
                    self.group_rows[(key, g)] = r + g
                    write_cell(ws, r + g, 1, region)
                    ws.cell(r + g, 2).value = g
                r += G + 2
            for g in range(1, G + 1):
                rows = {k: self.group_rows[(k, g)] for k in keys}
                runs = _col_runs(self.groups[g])
                for j in range(p.n):
                    c = self.col(j)
                    parts = [_rng(p.data_sheet, a, c, b, c) if a != b else
                             _ref(p.data_sheet, a, c) for a, b in runs]
                    cells = ",".join(parts)
                    for key, fn in (("min", "MIN"), ("max", "MAX"), ("sum", "SUM")):
                        if key in rows and j in self.pos:   # positivised values, run by run
                            inner = "" if fn == "SUM" else fn
                            _set(ws, rows[key], c, f"={fn}(" + ",".join(
                                f"SUMPRODUCT({inner}({self.y_cell(x, c)}))" if inner else
                                f"SUMPRODUCT({self.y_cell(x, c)})" for x in parts) + ")")
                        elif key in rows:
                            _set(ws, rows[key], c, f"={fn}({cells})")
                    mn, mx = _ref(None, rows["min"], c), _ref(None, rows["max"], c)
                    sm = _ref(None, rows["sum"], c) if "sum" in rows else None
                    self._write_consts(ws, c, rows, mn, mx, f"({mx}-{mn})", sm,
                                       _ref(None, R["sign"], c), len(self.groups[g]), 0.0)
        if self.steps:
            kinds = (["pooled"] if pooled else []) + (["group"] if group else [])
            for kind in kinds:
                title = ("z over the pooled panel 全部样本标准化" if kind == "pooled"
                         else "z within each region (its own years) 各地区按自身年份标准化")
                _head(ws, r, 1, title)
                hdr = r + 1
                for k, h in enumerate(("region 地区", "year 年份")):
                    _head(ws, hdr, 1 + k, h)
                for j in range(p.n):
                    _head(ws, hdr, self.col(j), p.codes[j])
                top = self.z_top[kind] = hdr + 1
                for i in range(p.m):
                    rr = top + i
                    write_cell(ws, rr, 1, p.regions[i])
                    ws.cell(rr, 2).value = p.years[i]
                    rA, rR, rS, rE = self._consts(kind, p.group_of(i))
                    for j in range(p.n):
                        c = self.col(j)
                        x = self.y_cell(_ref(p.data_sheet, p.data_rows[i], c), c)
                        _set(ws, rr, c, "=" + self.z_expr(x, *(_ref(None, rk, c, "r")
                                                               for rk in (rA, rR, rS, rE))), "0.000000")
                r = top + p.m + 1
        ws.freeze_panes = ws.cell(row=R["code"] + 1, column=max(self.c0, 2))
        for j in range(p.n):
            ws.column_dimensions[_L(self.col(j))].width = 12
        ws.column_dimensions["A"].width = 30

    # ---------------------------------------------------------------- h_Checks
    def checks(self):
        """Per-row input checks (numbers only, no TRUE/FALSE) and the overall OK / message."""
        p = self.p
        ws = _check_sheet(self.wb)
        _head(ws, CHK_HEADER, 1, "region 地区")
        _head(ws, CHK_HEADER, 2, "year 年份")
        _head(ws, CHK_HEADER, 3, f"row check: 0 = OK, else the {p.data_sheet} row 行检查")
        cols = sorted(p.data_cols)
        for i in range(p.m):
            r, dr = CHK_TOP + i, p.data_rows[i]
            write_cell(ws, r, 1, p.regions[i])
            ws.cell(r, 2).value = p.years[i]
            runs = ",".join(_row_runs(p.data_sheet, dr, cols))
            logical = "+".join(f"ISLOGICAL({_ref(p.data_sheet, dr, c)})" for c in cols)
            _set(ws, r, 3, f"=IF(AND(COUNT({runs})={p.n},{logical}=0),0,{dr})")
        rows = _rng(None, CHK_TOP, 3, CHK_TOP + p.m - 1, 3)
        colchk = self.span(H_STANDARDISED, STD_ROWS["check"])
        _set(ws, *CHK_OK, f"=AND(SUM({rows})=0,SUM({colchk})=0)")
        # first bad row, first bad cell in it (blank / text; TRUE/FALSE in LibreOffice: row only)
        r_bad, c_bad, col_bad = (_ref(None, CHK_AUX, k, "rc") for k in (2, 3, 4))
        _head(ws, CHK_AUX, 1, "first bad row / cell column / column 首个问题位置")
        _set(ws, CHK_AUX, 2, f"=IF(SUM({rows})=0,0,SMALL({rows},COUNTIF({rows},0)+1))")
        contiguous = cols == list(range(self.c0, self.c1 + 1))
        if contiguous:
            block = _rng(p.data_sheet, p.data_rows[0], self.c0, p.data_rows[-1], self.c1)
            line = f"INDEX({block},{r_bad}-{p.data_rows[0] - 1},0)"
            _set(ws, CHK_AUX, 3, f"=IF({r_bad}=0,0,SUMPRODUCT(MIN(COLUMN({line})+1E+9*ISNUMBER({line}))))")
        else:
            ws.cell(CHK_AUX, 3).value = 0
        _set(ws, CHK_AUX, 4, f"=IF(SUM({colchk})=0,0,SMALL({colchk},COUNTIF({colchk},0)+1))")
        sheet = _str(p.data_sheet)
        rule = {"minmax": "", "max": " values ≥ 0, and > 0 for a cost indicator (max: min/x);",
                "share": " values ≥ 0 (share: x/Σx);", "zscore": ""}[self.method]
        cell = f'ADDRESS({r_bad},{c_bad},4)'
        letter = f'SUBSTITUTE(ADDRESS(1,{col_bad},4),"1","")'
        _set(ws, *CHK_MSG,
             f'=IF({self.ok},"OK: every input is a valid number 输入全部有效",'
             f'IF({r_bad}>0,"check "&{sheet}&"!"&IF(AND({c_bad}>0,{c_bad}<1E+9),{cell},"row "&{r_bad})'
             f'&": a number is needed (not text, blank or TRUE/FALSE); results show #N/A until fixed. '
             f'请检查 "&{sheet}&"!"&IF(AND({c_bad}>0,{c_bad}<1E+9),{cell},"第 "&{r_bad}&" 行")'
             f'&"：须为数值（不能是文本、空白或 TRUE/FALSE）",'
             f'"check column "&{letter}&" of "&{sheet}&" and its direction on {p.ind_sheet} (+ or -):'
             f'{rule} results show #N/A until fixed. 请检查 "&{sheet}&" 表 "&{letter}&" 列及其方向"))')
        ws.column_dimensions["C"].width = 30

    # ---------------------------------------------------------------- h_Entropy
    def entropy(self):
        p = self.p
        ws = _helper(
            self.wb, H_ENTROPY, "Entropy weights 熵权",
            "S = Σz and Σ z·ln z over each column (0·ln 0 = 0 as z·LN(z + (z = 0))); "
            "e = −(Σ z·ln z / S − ln S) / ln m = −Σ p·ln p / ln m with p = z/S; a constant column gets "
            "e = 1; d = 1 − e; w = d/Σd." + (" The p·ln p matrix below shows the steps." if self.steps
                                             else "") + " 公式，请勿输入。")
        R = ENT_ROWS
        _head(ws, ENT_M_CELL[0], 1, "m (rows) 样本数")
        ws.cell(*ENT_M_CELL).value = p.m
        m = _ref(None, *ENT_M_CELL, "rc")
        labels = {"code": "code 指标代码", "dimension": "dimension 维度", "S": "S = Σz",
                  "sum_zlnz": "Σ z·ln z", "e": "e entropy 熵值", "d": "d = 1 − e",
                  "w": "w weight 权重"}
        for key, row in R.items():
            _head(ws, row, 1, labels[key])
        d_row = self.span(None, R["d"])
        for j in range(p.n):
            c = self.col(j)
            write_cell(ws, R["code"], c, p.codes[j]).font = _font(bold=True)
            write_cell(ws, R["dimension"], c, p.dims[j])
            zcs = self.z_cols(j)
            if self.translate:    # SPSSAU non-negative translation (h_Standardised row T)
                T = _ref(H_STANDARDISED, STD_ROWS['T'], c, 'rc')
                zcs = [f"({zc}+{T})" for zc in zcs]
            S = _ref(None, R["S"], c, "r")
            _set(ws, R["S"], c, f"=SUM({zcs[0]})" if self.steps and not self.translate else
                 "=" + "+".join(f"SUMPRODUCT({zc})" for zc in zcs))
            _set(ws, R["sum_zlnz"], c, "=" + "+".join(f"SUMPRODUCT({zc}*LN({zc}+({zc}=0)))" for zc in zcs))
            rng_ = _ref(H_STANDARDISED, STD_ROWS["range"], c, "r")
            _set(ws, R["e"], c, f"=IF(OR({rng_}=0,{S}<=0),1,MAX(0,MIN(1,"
                                f"-({_ref(None, R['sum_zlnz'], c)}/{S}-LN({S}))/LN({m}))))", "0.0000")
            _set(ws, R["d"], c, f"=1-{_ref(None, R['e'], c)}", "0.0000")
            _set(ws, R["w"], c, f"={_ref(None, R['d'], c)}/SUM({d_row})", "0.0000")
        if self.steps:
            _head(ws, ENT_MATRIX_TOP, 1, "p·ln p, p = z/S (0 where z = 0); column sums = Σ p·ln p")
            hdr = ENT_MATRIX_TOP + 1
            for k, h in enumerate(("region 地区", "year 年份")):
                _head(ws, hdr, 1 + k, h)
            top = hdr + 1
            _head(ws, top + p.m, 1, "Σ p·ln p")
            for j in range(p.n):
                c = self.col(j)
                _head(ws, hdr, c, p.codes[j])
                S = _ref(None, R["S"], c, "r")
                for i in range(p.m):
                    z = _ref(H_STANDARDISED, self.z_top["pooled"] + i, c)
                    if self.translate:
                        z = f"({z}+{_ref(H_STANDARDISED, STD_ROWS['T'], c, 'rc')})"
                    _set(ws, top + i, c, f"=IF({z}>0,({z}/{S})*LN({z}/{S}),0)", "0.000000")
                _set(ws, top + p.m, c, f"=SUM({_rng(None, top, c, top + p.m - 1, c)})", "0.000000")
            for i in range(p.m):
                write_cell(ws, top + i, 1, p.regions[i])
                ws.cell(top + i, 2).value = p.years[i]
        ws.freeze_panes = ws.cell(row=R["code"] + 1, column=max(self.c0, 2))
        for j in range(p.n):
            ws.column_dimensions[_L(self.col(j))].width = 12

    def w_ref(self, j) -> str:
        """The formula (without =) of the weight of indicator j."""
        if self.s["weights"] == "entropy":
            return _ref(H_ENTROPY, ENT_ROWS["w"], self.col(j), "r")
        if self.s["weights"] in AHP_CHOICES:      # methods9: h_AHP, weights used
            return _ref(H_AHP, self.ahp_used_row, self.col(j), "r")
        # hierarchical equal weights: K dimensions × 1/K, split equally among its indicators
        K = len(self.p.dimensions)
        count = len(self.p.members(self.p.dims[j]))
        return f"1/{K}/{count}"

    # ---------------------------------------------------------------- h_Distances
    def distances(self, score_names: list, kind: str):
        """Weight vectors, zero tolerances and d⁺ / d⁻ of every row for every score."""
        p, F = self.p, HELPER_FIRST_COL
        distance = self.s["distance"]
        self.kind = kind
        if self.grey:
            ws = _helper(self.wb, H_DISTANCES, "Grey relational grade 灰色关联度",
                         "score = grey relational grade against the ideal (Deng, ρ = 0.5): Δ = |y − Gb|/Gr "
                         "(h_Standardised), ξ = (Δmin + ρΔmax)/(Δ + ρΔmax), grade = Σ w·ξ with the "
                         "score's weights renormalised within its indicators. 公式，请勿输入。")
        else:
            ws = _helper(
                self.wb, H_DISTANCES, "TOPSIS distances 距离",
                ("ideal and anti-ideal = best / worst z within each region (h_Standardised, within-region "
                 "blocks)" if kind == "group" else
                 "ideal and anti-ideal = best / worst z over the pooled panel (h_Standardised rows A⁺, A⁻)")
                + ("; d = √Σ (w·(z − z*))² (distance w2)" if distance == "w2" else
                   "; d = √Σ w·(z − z*)² (distance w)")
                + ("" if self.steps else "; compact: z − z* = (x^E − B*)/R with B* on h_Standardised")
                + "; a score's weights are renormalised within its indicators; a distance below the "
                  "tolerance 1E−12·‖A⁺ − A⁻‖ counts as 0 (as the engine). One formula per row and score: "
                  "SUMPRODUCT over the Data row. 公式，请勿输入。")
        hdr = DIST_WEIGHT_HEADER
        _head(ws, hdr, 1, "weights of each score 各得分权重")
        _head(ws, hdr, 2, "Σw")
        for j in range(p.n):
            _head(ws, hdr, self.col(j), p.codes[j])
        self.weight_rows = {}
        self.spans = {}
        all_dims = [None] + list(p.dimensions)
        for k, (name, dim) in enumerate(zip(score_names, all_dims)):
            r = hdr + 1 + k
            self.weight_rows[name] = r
            write_cell(ws, r, 1, name).font = _font(bold=True)
            members = list(range(p.n)) if dim is None else p.members(dim)
            self.spans[name] = self.score_span(members)
            if self.s["weights"] == "entropy":
                cells = _row_runs(H_ENTROPY, ENT_ROWS["w"], [self.col(j) for j in members])
            else:
                cells = _row_runs(None, hdr + 1, [self.col(j) for j in members])
            if dim is None:
                _set(ws, r, 2, f"=SUM({self.span(None, r)})", "0.0000")
                for j in range(p.n):
                    _set(ws, r, self.col(j), "=" + self.w_ref(j), "0.0000")
                continue
            _set(ws, r, 2, "=" + self._sum_of(cells), "0.0000")
            tot = _ref(None, r, 2, "c")
            for j in range(p.n):
                if j in members:
                    w = self.w_ref(j) if self.s["weights"] == "entropy" else _ref(None, hdr + 1, self.col(j), "r")
                    _set(ws, r, self.col(j), f"=IF({tot}<=0,1/{len(members)},{w}/{tot})", "0.0000")
                else:
                    ws.cell(r, self.col(j)).value = 0
        if self.grey:
            return self._grey(ws, score_names, hdr + len(score_names) + 2)
        # the weights folded into per-column constants, so that each row formula names three or
        # four ranges instead of five or six (LibreOffice's cost grows with the references):
        # pooled ideal K = w/R (w2) or √w/R (w), d² = Σ ((x^E − B)·K)²; within-region ideal
        # (R per region) w² (w2), d² = Σ w²·((x^E − B)/R)²
        self.fold_rows = {}
        r = hdr + len(score_names) + 2
        if not self.steps and (kind == "pooled" or distance == "w2"):
            _head(ws, r, 1, "K = w/R per column 权重/R" if kind == "pooled" else "w² per column 权重平方")
            for k, name in enumerate(score_names):
                rf = r + 1 + k
                self.fold_rows[name] = rf
                write_cell(ws, rf, 1, name)
                a, b = self.spans[name]
                for c in range(a, b + 1):
                    w = _ref(None, self.weight_rows[name], c)
                    if kind == "pooled":
                        Rc = _ref(H_STANDARDISED, STD_ROWS["R"], c, "r")
                        _set(ws, rf, c, f"={w}/{Rc}" if distance == "w2" else f"=SQRT({w})/{Rc}")
                    else:
                        _set(ws, rf, c, f"={w}*{w}")
            r += len(score_names) + 2
        # zero tolerance per score (columns) and group (rows)
        _head(ws, r, 1, "zero tolerance 1E−12·‖A⁺ − A⁻‖ 零容差")
        _head(ws, r, 2, "group 组")
        for k, name in enumerate(score_names):
            _head(ws, r, F + k, name)
        groups = list(range(1, len(p.region_order) + 1)) if kind == "group" else [None]
        self.tol = {}
        for gi, g in enumerate(groups):
            rr = r + 1 + gi
            write_cell(ws, rr, 1, "all rows" if g is None else p.region_order[g - 1])
            if g is not None:
                ws.cell(rr, 2).value = g
            rows = self._rows("pooled" if g is None else "group", g)
            for k, name in enumerate(score_names):
                cols = self.spans[name]
                B1, B0, Rr = (self.span(H_STANDARDISED, rows[key], cols) for key in ("Bbest", "Bworst", "R"))
                W = self.span(None, self.weight_rows[name], cols)
                W = f"{W},{W}" if distance == "w2" else W
                # + 1E-200: the same number whenever the tolerance is > 0 (it is then at least
                # 1E-12·√(smallest double) ≈ 2E-174, where 1E-200 is below half an ulp), and
                # 1E-200 when A⁺ = A⁻, so that "d < tolerance" alone also catches d = 0 (a
                # distance that is not 0 is at least √(smallest double) ≈ 2E-162): the closeness
                # formulas need no OR(d < tol, d = 0), a third of LibreOffice's time on them
                _set(ws, rr, F + k, f"=1E-12*SQRT(SUMPRODUCT({W},(({B1}-{B0})/{Rr})^2))+1E-200")
                self.tol[(name, g)] = _ref(H_DISTANCES, rr, F + k, "rc")
        r = r + 1 + len(groups) + 1
        _head(ws, r, 1, "d⁺ and d⁻ of every row 各行距离")
        hdr2 = r + 1
        for k, h in enumerate(("region 地区", "year 年份", "group 组")):
            _head(ws, hdr2, 1 + k, h)
        self.d_cols = {}
        for k, name in enumerate(score_names):
            self.d_cols[name] = (F + 2 * k, F + 2 * k + 1)
            _head(ws, hdr2, F + 2 * k, f"{name} d+")
            _head(ws, hdr2, F + 2 * k + 1, f"{name} d-")
        top = self.d_top = hdr2 + 1
        for i in range(p.m):
            rr = top + i
            write_cell(ws, rr, 1, p.regions[i])
            ws.cell(rr, 2).value = p.years[i]
            g = p.group_of(i)
            ws.cell(rr, 3).value = g
            for name in score_names:
                cols = self.spans[name]
                W = self.span(None, self.weight_rows[name], cols)
                W = f"{W},{W}" if distance == "w2" else W
                for which, col in zip(("best", "worst"), self.d_cols[name]):
                    _set(ws, rr, col, f"=SQRT({self.dist_sq(i, kind, W, which, cols, name)})",
                         "0.000000")
        ws.freeze_panes = ws.cell(row=hdr + 1, column=F)
        for c in range(F, F + 2 * len(score_names)):
            ws.column_dimensions[_L(c)].width = 12

    def _grey(self, ws, score_names, r):
        """Grey relational grade of every row for every score (methods9): Δ_ij = |y_ij − Gb_j|/Gr_j
        (min-max distance to the ideal, reference = 1), Δmin = 0 (each column's best row),
        Δmax = max of the score's columns' Δmax; grade = Σ w·(Δmin + ρΔmax)/(Δ + ρΔmax), all
        Δmax = 0 → 1 (Deng 1982, ρ = 0.5, as jx.grey_relational_grade)."""
        p, F = self.p, HELPER_FIRST_COL
        rho = _num(GREY_RHO)
        _head(ws, r, 1, "grey relational grade: Δmin, Δmax per score 灰色关联 两级最小/最大差")
        _head(ws, r + 1, 1, "Δmin")
        _head(ws, r + 2, 1, "Δmax")
        dm = {}
        for k, name in enumerate(score_names):
            _head(ws, r, F + k, name)
            members = list(range(p.n)) if k == 0 else p.members(p.dimensions[k - 1])
            ws.cell(r + 1, F + k).value = 0
            cells = _row_runs(H_STANDARDISED, STD_ROWS["Gd"], [self.col(j) for j in members])
            _set(ws, r + 2, F + k, "=MAX(" + ",".join(cells) + ")")
            dm[name] = (_ref(None, r + 1, F + k, "rc"), _ref(None, r + 2, F + k, "rc"))
        r += 4
        _head(ws, r, 1, f"grey relational grade of every row (ρ = {GREY_RHO:g}) 各行灰色关联度")
        hdr2 = r + 1
        for k, h in enumerate(("region 地区", "year 年份")):
            _head(ws, hdr2, 1 + k, h)
        self.d_cols = {}
        for k, name in enumerate(score_names):
            self.d_cols[name] = (F + k,)
            _head(ws, hdr2, F + k, f"{name} grade")
        top = self.d_top = hdr2 + 1
        for i in range(p.m):
            rr = top + i
            write_cell(ws, rr, 1, p.regions[i])
            ws.cell(rr, 2).value = p.years[i]
            for name in score_names:
                cols = self.spans[name]
                W = self.span(None, self.weight_rows[name], cols)
                y = self.y_span(self.span(p.data_sheet, p.data_rows[i], cols), cols)
                Gb, Gr = (self.span(H_STANDARDISED, STD_ROWS[k], cols) for k in ("Gb", "Gr"))
                dmin, dmax = dm[name]
                _set(ws, rr, self.d_cols[name][0],
                     f"=IF({dmax}=0,1,SUMPRODUCT({W},({dmin}+{rho}*{dmax})/(ABS({y}-{Gb})/{Gr}+{rho}*{dmax})))",
                     "0.000000")
        ws.freeze_panes = ws.cell(row=DIST_WEIGHT_HEADER + 1, column=F)

    def ideal(self, g, cols: tuple | None = None):
        """(A⁺, A⁻) row ranges on h_Standardised: pooled (g None) or within group g."""
        if g is None:
            return (self.span(H_STANDARDISED, STD_ROWS["best"], cols),
                    self.span(H_STANDARDISED, STD_ROWS["worst"], cols))
        return (self.span(H_STANDARDISED, self.group_rows[("best", g)], cols),
                self.span(H_STANDARDISED, self.group_rows[("worst", g)], cols))

    @staticmethod
    def _sum_of(cells: list[str]) -> str:
        return "SUM(" + ",".join(cells) + ")" if cells else "0"

    def closeness(self, name, i) -> str:
        if self.grey:
            return f"={_ref(H_DISTANCES, self.d_top + i, self.d_cols[name][0])}"
        dp_col, dm_col = self.d_cols[name]
        dp = _ref(H_DISTANCES, self.d_top + i, dp_col)
        dm = _ref(H_DISTANCES, self.d_top + i, dm_col)
        tol = self.tol[(name, self.p.group_of(i) if self.kind == "group" else None)]
        # d⁻/(d⁺ + d⁻) = 1/(1 + d⁺/d⁻) and d⁻²/(d⁺² + d⁻²) = 1/(1 + (d⁺/d⁻)²), each distance named
        # once (d⁺, d⁻ ≥ tol > 0 here; the same number to an ulp or two)
        core = f"1/(1+{dp}/{dm})" if self.s["closeness"] == "ratio" else f"1/(1+({dp}/{dm})^2)"
        return f"=IF({dp}<{tol},1,IF({dm}<{tol},0,{core}))"   # tol > 0: see distances()


# ---------------------------------------------------------------- grades and coupling

class _Grades:
    """h_Grades: the grade table (frozen scheme, chosen language) and the coupling stages."""

    def __init__(self, wb, scheme, lang: str, closed: str = "left"):
        sch = make_scheme(scheme)
        self.closed = closed
        rule = ("level = MATCH(ROUND(D, 12), lower bounds, 1), intervals [a, b)" if closed == "left" else
                "level = MAX(1, SUMPRODUCT((lower bounds < ROUND(D, 12))*1)), intervals (a, b], "
                "the lowest bound in level 1")
        ws = self.ws = _helper(wb, H_GRADES, "Grades of D and stages of C 等级与阶段",
                               f"scheme {sch.name} ({lang}), frozen at export: {rule}; stage by upper "
                               f"bounds of C (≤0.3, ≤0.5, ≤0.8, ≤1).")
        h = GRADES_HEADER
        for k, t in enumerate(("level 等级", "lower bound 下限", "label 标签")):
            _head(ws, h, 1 + k, t)
        labels = sch.label_list(lang)
        self.levels = len(sch.thresholds)
        for k, (lo, lab) in enumerate(zip(sch.thresholds, labels), start=1):
            ws.cell(h + k, 1).value = k
            ws.cell(h + k, 2).value = float(lo)
            write_cell(ws, h + k, 3, lab)
        self.bounds = _rng(H_GRADES, h + 1, 2, h + self.levels, 2)
        self.labels = _rng(H_GRADES, h + 1, 3, h + self.levels, 3)
        s = h + self.levels + 2
        for k, t in enumerate(("stage 阶段", "upper bound of C 上限", "label 标签")):
            _head(ws, s, 1 + k, t)
        for k, (up, lab) in enumerate(zip(STAGE_UPPER, STAGE_LABELS[lang]), start=1):
            ws.cell(s + k, 1).value = k
            ws.cell(s + k, 2).value = float(up)
            write_cell(ws, s + k, 3, lab)
        self.uppers = _rng(H_GRADES, s + 1, 2, s + len(STAGE_UPPER), 2)
        self.stage_labels = _rng(H_GRADES, s + 1, 3, s + len(STAGE_UPPER), 3)
        ws.column_dimensions["B"].width = 18
        ws.column_dimensions["C"].width = 30
        ws.freeze_panes = ws.cell(row=h + 1, column=1)


class _Coupling:
    """h_Coupling: blocks of U rows (copies of scores or U cells) that C, T read."""

    def __init__(self, wb, model: str):
        self.ws = _helper(wb, H_COUPLING, "Coupling: U rows 耦合：U 值",
                          f"coupling model {model} (frozen); U copied from the scores / U sheet; "
                          f"for ring models the first system is repeated after the last (U_n+1 = U_1); "
                          f"wang uses U sorted ascending and the coefficients 2k − n − 1. 公式，请勿输入。")
        self.model = model
        self.next_row = 4
        self.ws.column_dimensions["A"].width = 24

    def block(self, title, label_header, systems, alpha, rows):
        """``rows``: list of (label, year or None, [U formulas]). Returns per row the U range,
        the shifted range (ring) and the sorted range (wang)."""
        ws, F = self.ws, HELPER_FIRST_COL
        n = len(systems)
        r = self.next_row
        _head(ws, r, 1, title)
        ar = r + 1
        _head(ws, ar, 1, "α (T weights) 权重")
        for k, a in enumerate(alpha):
            ws.cell(ar, F + k).value = float(a)
        wrap = F + n
        sort0 = F + n + 2
        if self.model == "wang":
            _head(ws, ar + 1, 1, "2k − n − 1")
            for k in range(n):
                ws.cell(ar + 1, sort0 + k).value = 2 * (k + 1) - n - 1
        hdr = ar + 2
        _head(ws, hdr, 1, label_header)
        _head(ws, hdr, 2, "year 年份")
        for k, s in enumerate(systems):
            _head(ws, hdr, F + k, str(s))
        if self.model in ("ring", "ring_printed"):
            _head(ws, hdr, wrap, f"{systems[0]} (U_n+1)")
        if self.model == "wang":
            for k in range(n):
                _head(ws, hdr, sort0 + k, f"sorted {k + 1}")
        out = []
        for i, (label, year, cells) in enumerate(rows):
            rr = hdr + 1 + i
            write_cell(ws, rr, 1, label)
            if year is not None:
                ws.cell(rr, 2).value = year
            for k, f in enumerate(cells):
                _set(ws, rr, F + k, "=" + f, "0.000000")
            U = _rng(H_COUPLING, rr, F, rr, F + n - 1)
            info = {"U": U, "n": n, "row": rr, "alpha": _rng(H_COUPLING, ar, F, ar, F + n - 1)}
            if self.model in ("ring", "ring_printed"):
                _set(ws, rr, wrap, f"={_ref(None, rr, F)}", "0.000000")
                info["next"] = _rng(H_COUPLING, rr, F + 1, rr, wrap)
            if self.model == "wang":
                Ul = _rng(None, rr, F, rr, F + n - 1)
                for k in range(n):
                    _set(ws, rr, sort0 + k, f"=SMALL({Ul},{k + 1})", "0.000000")
                info["sorted"] = _rng(H_COUPLING, rr, sort0, rr, sort0 + n - 1)
                info["coef"] = _rng(H_COUPLING, ar + 1, sort0, ar + 1, sort0 + n - 1)
            out.append(info)
        self.next_row = hdr + 1 + len(rows) + 2
        return out

    def direct(self, title, systems, alpha, rows):
        """U read in place, one row range per output row (e.g. the dimension scores on Scores):
        only the α row is written here. ``rows``: (sheet, row, first column) of each U row."""
        ws, F = self.ws, HELPER_FIRST_COL
        n = len(systems)
        r = self.next_row
        _head(ws, r, 1, title)
        for k, s in enumerate(systems):
            _head(ws, r, F + k, str(s))
        ar = r + 1
        _head(ws, ar, 1, "α (T weights) 权重")
        for k, a in enumerate(alpha):
            ws.cell(ar, F + k).value = float(a)
        alpha_rng = _rng(H_COUPLING, ar, F, ar, F + n - 1)
        self.next_row = ar + 2
        return [{"U": _rng(sh, rr, c, rr, c + n - 1), "n": n, "alpha": alpha_rng,
                 "head": _rng(sh, rr, c, rr, c + n - 2), "tail": _rng(sh, rr, c + 1, rr, c + n - 1),
                 "first": _ref(sh, rr, c), "last": _ref(sh, rr, c + n - 1)} for sh, rr, c in rows]

    def C(self, info) -> str:
        U, n = info["U"], info["n"]
        if self.model == "classic":
            core = f"{n}*EXP(SUMPRODUCT(LN({U}))/{n})/SUM({U})"
        elif self.model in ("ring", "ring_printed"):
            if "next" in info:
                core = f"EXP(SUMPRODUCT(LN({U})-LN({U}+{info['next']}))/{n})"
            else:      # U in place: Σ ln U_k − Σ_{k<n} ln(U_k + U_k+1) − ln(U_n + U_1)
                core = (f"EXP((SUMPRODUCT(LN({U}))-SUMPRODUCT(LN({info['head']}+{info['tail']}))"
                        f"-LN({info['last']}+{info['first']}))/{n})")
            if self.model == "ring":
                core = "2*" + core
        elif self.model == "wang":
            if "sorted" in info:
                ranked = f"SUMPRODUCT({info['sorted']},{info['coef']})"
            else:      # U in place: Σ (2k − n − 1)·SMALL(U, k)
                ranked = "(" + "+".join(f"{2 * k - n - 1}*SMALL({U},{k})" for k in range(1, n + 1)
                                        if 2 * k - n - 1) + ")"
            spread = f"MAX(0,1-{ranked}/{_num(n * (n - 1) / 2)})"
            prod = f"EXP(SUMPRODUCT(LN({U})-LN(MAX({U})))/{n - 1})"
            return f"=IF(MIN({U})<=0,0,MAX(0,MIN(1,SQRT({spread}*{prod}))))"
        elif self.model == "fan":   # C = 1 − 2σ (population SD of the row); a 0 does not force C = 0
            return (f"=IF(MAX({U})=MIN({U}),1,MAX(0,MIN(1,1-2*SQRT(MAX(0,"
                    f"SUMPRODUCT(({U}-SUM({U})/{n})^2)/{n})))))")
        else:
            raise InputError(f'{layout.SETTINGS_SHEET}: coupling model "{self.model}" cannot be '
                             f"exported to a share workbook")
        return f"=IF(MIN({U})<=0,0,MAX(0,MIN(1,{core})))"

    @staticmethod
    def T(info) -> str:
        return f"=SUMPRODUCT({info['U']},{info['alpha']})"


def _write_ctd(ws, row, cols: dict, info, coupling: _Coupling, grades: _Grades):
    """C, T, D, level, label, stage of one output row (cols: name -> column)."""
    C = _ref(None, row, cols["C"])
    T = _ref(None, row, cols["T"])
    D = _ref(None, row, cols["D"])
    lvl = _ref(None, row, cols["level"])
    _set(ws, row, cols["C"], coupling.C(info))
    _set(ws, row, cols["T"], coupling.T(info))
    _set(ws, row, cols["D"], f"=SQRT({C}*{T})")
    if grades.closed == "right":   # (a, b]: the number of lower bounds below D, at least 1
        _set(ws, row, cols["level"], f"=MAX(1,SUMPRODUCT(({grades.bounds}<ROUND({D},12))*1))",
             layout.NUMBER_FORMATS["level"])   # padded: never runs into the label (issue 11)
    else:
        _set(ws, row, cols["level"], f"=MATCH(ROUND({D},12),{grades.bounds},1)",
             layout.NUMBER_FORMATS["level"])
    _set(ws, row, cols["label"], f"=INDEX({grades.labels},{lvl})")
    if "stage" in cols:
        _set(ws, row, cols["stage"],
             f"=INDEX({grades.stage_labels},MIN(3,SUMPRODUCT(({grades.uppers}<ROUND({C},12))*1))+1)")


# ---------------------------------------------------------------- output blocks

def _block_header(ws, block: layout.Block) -> list:
    out = []
    c = block.col
    while True:
        v = ws.cell(block.row, c).value
        if v is None or str(v).strip() == "":
            return out
        out.append(str(v).strip())
        c += 1


def _block_rows(ws, block: layout.Block) -> int:
    r = block.row + 1
    width = max(len(_block_header(ws, block)), 1)
    while any(ws.cell(r, block.col + k).value not in (None, "") for k in range(width)):
        r += 1
    return r - block.row - 1


def _expect(ws, block, expected: list):
    header = _block_header(ws, block)
    if header != [str(e) for e in expected]:
        raise RuntimeError(f"share: unexpected header on {block.sheet}: {header} (expected {expected})")
    return {name: block.col + k for k, name in enumerate(header)}


def _check_keys(ws, block, k, expected: tuple):
    got = tuple(ws.cell(block.row + 1 + k, block.col + c).value for c in range(len(expected)))
    if tuple(str(v) for v in got) != tuple(str(v) for v in expected):
        raise RuntimeError(f"share: row {block.row + 1 + k} of {block.sheet} is {got}, expected {expected}")


def _fmt(name: str) -> str:
    return layout.NUMBER_FORMATS.get(name, layout.SCORE_FORMAT)


# ---------------------------------------------------------------- AHP weights (methods9)

AHP_CHOICES = ("ahp", "entropy+ahp", "entropy*ahp")


def _ahp_helper(wb, p: _Panel, b: _Builder, choice: str):
    """h_AHP: the AHP sheet's comparison matrix as formulas (METHODS.md §2, Saaty 1980/1990).

    P: each typed cell read as a number (text "1/3" split at "/"; text "3" as a number; blank
    → ""); A: diagonal 1, a blank cell the reciprocal of its mirror; check: every a_ij > 0 and
    |a_ij·a_ji − 1| ≤ 0.02 (the engine's tolerance), else #N/A; B₀ = A/ΣA, then
    :data:`AHP_SQUARINGS` times B ← B²/ΣB² with (B²)_ij = SUMPRODUCT(row i of B, row j of Bᵀ):
    B ∝ A^4096 whose row sums ∝ the principal right eigenvector w (Perron). λmax = Σ_j
    (column sum j of A)·w_j (1ᵀAw = λ·1ᵀw); CI = (λmax − n)/(n − 1); CR = CI/RI (Saaty's RI).
    Indicator weights: AHP over the codes, or a dimension's weight split equally; combined
    with entropy as Settings weights says. Returns {item: cell, "λmax": …} for the Weights
    sheet's AHP block, or None when the AHP sheet has no comparisons."""
    from .actions import read_ahp_matrix
    from ..methods.ahp import RECIPROCAL_TOLERANCE, RI_SAATY

    book = OpenpyxlBook(workbook=wb)
    M = read_ahp_matrix(book)
    if M is None:
        return None
    n = M.shape[0]
    items = [str(v) for v in M.index]
    top, left = M.attrs["origin"]
    rows = M.attrs["rows"] or [top + 1 + i for i in range(n)]
    src = wb[layout.AHP_SHEET]
    ws = _helper(wb, H_AHP, "AHP weights 层次分析法权重",
                 "Comparisons of the AHP sheet read as numbers (\"1/3\" as text is split at \"/\"; a blank "
                 "cell takes the reciprocal of its mirror); principal eigenvector by repeated squaring "
                 f"(B ← B²/ΣB², {AHP_SQUARINGS} times: A^{2 ** AHP_SQUARINGS}); λmax = Σ column sum·w; "
                 "CI = (λmax − n)/(n − 1); CR = CI/RI (Saaty). #N/A when a comparison is not a positive "
                 "number or a pair is not reciprocal (a_ij·a_ji within 2 % of 1). 公式，请勿输入。")
    fill = _fill(INPUT_FILL)
    from openpyxl.styles import Protection
    for i in range(n):                  # the comparisons stay editable in the share workbook
        for j in range(n):
            cell = src.cell(rows[i], left + 1 + j)
            cell.protection = Protection(locked=False)
            cell.fill = fill
    r = 4
    blocks = {}

    def block(title, key, formula, fmt="0.000000"):
        nonlocal r
        _head(ws, r, 1, title)
        for k, name in enumerate(items):
            _head(ws, r, 2 + k, name)
            write_cell(ws, r + 1 + k, 1, name)
        blocks[key] = r + 1
        for i in range(n):
            for j in range(n):
                _set(ws, r + 1 + i, 2 + j, "=" + formula(i, j), fmt)
        r += n + 2

    def at(key, i, j, fix=""):
        return _ref(None, blocks[key] + i, 2 + j, fix)

    def whole(key):
        return _rng(None, blocks[key], 2, blocks[key] + n - 1, 1 + n)

    def parse(i, j):
        v = _ref(layout.AHP_SHEET, rows[i], left + 1 + j)
        t = f'TRIM({v}&"")'
        f = f'FIND("/",{t})'
        return (f'IF(ISNUMBER({v}),{v},IF({t}="","",IF(ISNUMBER({f}),'
                f'LEFT({t},{f}-1)/MID({t},{f}+1,99),{t}*1)))')
    block("P: comparisons as numbers 判断值", "P", parse)

    def fill_a(i, j):
        pij, pji = at("P", i, j), at("P", j, i)
        if i == j:
            return f'IF({pij}="",1,IF(ABS({pij}-1)>1E-9,NA(),1))'
        return f'IF({pij}="",1/{pji},{pij})'
    block("A: comparison matrix (reciprocals filled) 判断矩阵", "A", fill_a)
    block("Aᵀ", "AT", lambda i, j: at("A", j, i))
    chk = r
    _head(ws, chk, 1, "check: 0 = positive and reciprocal 检查")
    _set(ws, chk, 2, f"=SUMPRODUCT(({whole('A')}<=0)+(ABS({whole('A')}*{whole('AT')}-1)>"
                     f"{_num(RECIPROCAL_TOLERANCE)}))")
    ok = _ref(None, chk, 2, "rc")
    _flag_ahp_in_checks(wb, _ref(H_AHP, chk, 2, "rc"))
    r += 2
    block("B₀ = A/ΣA", "B0", lambda i, j: f"IF({ok}=0,{at('A', i, j)}/SUM({whole('A')}),NA())")
    prev = "B0"
    for k in range(1, AHP_SQUARINGS + 1):
        block(f"B{k - 1}ᵀ", f"T{k - 1}", lambda i, j, q=prev: at(q, j, i))
        tp = f"T{k - 1}"
        # Σ(B²) = Σ_l (column sum l)(row sum l) of B, in one cell
        _head(ws, r, 1, f"Σ B{k - 1}²")
        rs = "+".join(f"SUM({_rng(None, blocks[prev] + l, 2, blocks[prev] + l, 1 + n)})"
                      f"*SUM({_rng(None, blocks[tp] + l, 2, blocks[tp] + l, 1 + n)})" for l in range(n))
        _set(ws, r, 2, "=" + rs)
        total = _ref(None, r, 2, "rc")
        r += 2

        def sq(i, j, q=prev, t=tp, tot=total):
            row_i = _rng(None, blocks[q] + i, 2, blocks[q] + i, 1 + n)
            col_j = _rng(None, blocks[t] + j, 2, blocks[t] + j, 1 + n)
            return f"SUMPRODUCT({row_i},{col_j})/{tot}"
        block(f"B{k} = B{k - 1}²/ΣB{k - 1}²", f"B{k}", sq, "0.000000000")
        prev = f"B{k}"
    # weights, λmax, CI, RI, CR
    _head(ws, r, 1, "item 项目")
    for k, h in enumerate(("w (row sums of B, normalised) 权重", "column sum of A 列和")):
        _head(ws, r, 2 + k, h)
    wtop = r + 1
    last = whole(prev)
    for i, name in enumerate(items):
        write_cell(ws, wtop + i, 1, name)
        _set(ws, wtop + i, 2, f"=SUM({_rng(None, blocks[prev] + i, 2, blocks[prev] + i, 1 + n)})/SUM({last})",
             "0.000000")
        _set(ws, wtop + i, 3, f"=SUM({_rng(None, blocks['AT'] + i, 2, blocks['AT'] + i, 1 + n)})", "0.000000")
    wcol = _rng(None, wtop, 2, wtop + n - 1, 2)
    r = wtop + n + 1
    RI = RI_SAATY[n - 1]
    stats = {}
    for key, formula in (("λmax", f"=SUMPRODUCT({_rng(None, wtop, 3, wtop + n - 1, 3)},{wcol})"),
                         ("CI", None), ("RI", None), ("CR", None), ("consistent (CR ≤ 0.1)", None)):
        write_cell(ws, r, 1, key).font = _font(bold=True)
        stats[key] = _ref(H_AHP, r, 2)
        if key == "λmax":
            _set(ws, r, 2, formula, "0.0000")
            lam = _ref(None, r, 2)
        elif key == "CI":
            x = f"({lam}-{n})/{n - 1}" if n > 2 else "0"
            _set(ws, r, 2, f"=IF(ABS({x})<1E-12,MAX({x},0),{x})" if n > 2 else "=0", "0.0000")
            ci = _ref(None, r, 2)
        elif key == "RI":
            ws.cell(r, 2).value = RI
            ri = _ref(None, r, 2)
        elif key == "CR":
            _set(ws, r, 2, f"={ci}/{ri}" if n > 2 else "=0", "0.0000")
            cr = _ref(None, r, 2)
        else:
            _set(ws, r, 2, f'=IF({cr}<=0.1,"yes 是","no 否 — revise the matrix 请修改判断矩阵")')
        r += 1
    for i, name in enumerate(items):
        stats[name] = _ref(H_AHP, wtop + i, 2)
    if choice not in AHP_CHOICES:      # informational: the AHP block of the Weights sheet only
        return stats
    # indicator weights, aligned with the Data columns
    r += 1
    codes, dims = [str(c) for c in p.codes], [str(d) for d in p.dims]
    level = "codes" if set(items) == set(codes) else "dims"
    _head(ws, r, 1, "AHP weight of each indicator 指标AHP权重")
    _head(ws, r + 1, 1, "weights used 使用的权重 (" + choice + ")")
    for j in range(p.n):
        c = b.col(j)
        _head(ws, r - 1, c, p.codes[j])
        if level == "codes":
            _set(ws, r, c, f"={_ref(None, wtop + items.index(codes[j]), 2)}", "0.000000")
        else:
            _set(ws, r, c, f"={_ref(None, wtop + items.index(dims[j]), 2)}/{dims.count(dims[j])}",
                 "0.000000")
        wa = _ref(None, r, c)
        we = _ref(H_ENTROPY, ENT_ROWS["w"], c)
        if choice == "ahp":
            f = f"={wa}"
        elif choice == "entropy+ahp":
            f = f"=0.5*{we}+0.5*{wa}"
        else:
            f = (f"={we}*{wa}/SUMPRODUCT({b.span(H_ENTROPY, ENT_ROWS['w'])},"
                 f"{b.span(None, r)})")
        _set(ws, r + 1, c, f, "0.000000")
    b.ahp_used_row = r + 1
    ws.column_dimensions["A"].width = 34
    return stats


def _flag_ahp_in_checks(wb, check: str):
    """h_Checks: the all-OK flag also needs the AHP matrix valid, and the message names the AHP
    sheet first when it is not (text, a value ≤ 0, a pair not reciprocal)."""
    ws = wb[H_CHECKS]
    bad = f"IFERROR({check},1)<>0"
    old_ok = str(ws.cell(*CHK_OK).value)[1:]
    _set(ws, *CHK_OK, f"=AND({old_ok},IFERROR({check},1)=0)")
    old_msg = str(ws.cell(*CHK_MSG).value)[1:]
    _set(ws, *CHK_MSG, f'=IF({bad},"check sheet {layout.AHP_SHEET}: every comparison must be a positive '
                       f'number (e.g. 3 or 1/3) and each pair reciprocal; results show #N/A until fixed. '
                       f'请检查 {layout.AHP_SHEET} 表：判断值须为正数且两两互为倒数",{old_msg})')


# ---------------------------------------------------------------- the two panel workflows

def _share_ccd(wb, tpl, p: _Panel, settings, scheme, written: dict, steps: bool):
    choice = settings.get("weights") or "entropy"
    b = _Builder(wb, tpl, p, {**settings, "weights": choice}, "ccd", steps)
    b.checks()
    b.standardised(pooled=True, group=False)
    b.entropy()
    ahp = _ahp_helper(wb, p, b, choice)       # methods9: None without comparisons
    scores = ["overall"] + list(p.dimensions)
    b.distances(scores, "pooled")
    grades = _Grades(wb, scheme, settings["lang"], settings.get("closed", "left"))
    cf = []
    # Weights (paper 000 Table 2 layout; with AHP weights the entropy weights in entropy_w)
    blk = tpl.outputs["weights"]
    ws = wb[blk.sheet]
    combined = choice in AHP_CHOICES
    cols = _expect(ws, blk, ["dimension", "indicator", "direction"]
                   + (["entropy_w"] if combined else ["e", "d"]) + ["w", "dimension_weight"])
    for j in range(p.n):
        r = blk.row + 1 + j
        _check_keys(ws, blk, j, (p.dims[j],))
        _weights_row(ws, r, cols, j, p, b, entropy=not combined)
        if combined:
            c = b.col(j)
            _set(ws, r, cols["entropy_w"], f"={_ref(H_ENTROPY, ENT_ROWS['w'], c)}", _fmt("w"))
    if ahp is not None:       # the AHP block on Weights: weights, λmax, CI, RI, CR, consistent
        blk = tpl.outputs["ahp"]
        ws = wb[blk.sheet]
        r = blk.row + 1
        while ws.cell(r, blk.col).value not in (None, ""):
            key = str(ws.cell(r, blk.col).value)
            if key in ahp:
                _set(ws, r, blk.col + 1, "=" + ahp[key])
            r += 1
    # Scores
    blk = tpl.outputs["scores"]
    ws = wb[blk.sheet]
    cols = _expect(ws, blk, ["region", "year", *scores])
    for i in range(p.m):
        _check_keys(ws, blk, i, (p.regions[i], p.years[i]))
        for name in scores:
            _set(ws, blk.row + 1 + i, cols[name], b.closeness(name, i), layout.SCORE_FORMAT)
    score_row = {(p.regions[i], p.years[i]): blk.row + 1 + i for i in range(p.m)}
    score_col = {name: cols[name] for name in scores}
    coupling = _Coupling(wb, settings["coupling_model"])
    if written.get("coupling"):
        blk = tpl.outputs["coupling"]
        ws = wb[blk.sheet]
        cols = _expect(ws, blk, ["dimension", "year", "C", "T", "D", "level", "label", "stage"])
        years = sorted(set(p.years))
        regions = p.region_order
        rows = [(name, y, [_ref(tpl.outputs["scores"].sheet, score_row[(reg, y)], score_col[name])
                           for reg in regions]) for name in scores for y in years]
        n = len(regions)
        infos = coupling.block("U = the regions' scores per year 各年各地区得分", "dimension 维度",
                               regions, [1.0 / n] * n, rows)
        for k, info in enumerate(infos):
            _check_keys(ws, blk, k, rows[k][:2])
            _write_ctd(ws, blk.row + 1 + k, cols, info, coupling, grades)
        cf.append((ws, blk, cols, len(rows)))
    if written.get("coupling_dimensions") and len(p.dimensions) >= 2:
        blk = tpl.outputs["coupling_dimensions"]
        ws = wb[blk.sheet]
        cols = _expect(ws, blk, ["region", "year", "C", "T", "D", "level", "label", "stage"])
        sheet = tpl.outputs["scores"].sheet
        rows = [(p.regions[i], p.years[i],
                 [_ref(sheet, score_row[(p.regions[i], p.years[i])], score_col[d]) for d in p.dimensions])
                for i in range(p.m)]
        n = len(p.dimensions)
        dcols = [score_col[d] for d in p.dimensions]
        if dcols == list(range(dcols[0], dcols[0] + n)):     # side by side on Scores: read in place
            infos = coupling.direct(f"U = the dimension scores of each region-year, read in place on "
                                    f"{sheet} 各地区-年份各维度得分（直接读取）", p.dimensions, [1.0 / n] * n,
                                    [(sheet, score_row[(p.regions[i], p.years[i])], dcols[0])
                                     for i in range(p.m)])
        else:
            infos = coupling.block("U = the dimension scores of each region-year 各地区-年份各维度得分",
                                   "region 地区", p.dimensions, [1.0 / n] * n, rows)
        for k, info in enumerate(infos):
            _check_keys(ws, blk, k, rows[k][:2])
            _write_ctd(ws, blk.row + 1 + k, cols, info, coupling, grades)
        cf.append((ws, blk, cols, len(rows)))
    return cf, grades


def _weights_row(ws, r, cols, j, p: _Panel, b: _Builder, entropy: bool):
    c = b.col(j)
    name_col = p.ind_cols.get("name")
    code = p.codes[j]
    if name_col is not None:
        nm = _ref(p.ind_sheet, p.ind_rows[j], name_col)
        text = f'IF(TRIM({nm}&"")="",{_str(code)},{nm})'
        zh_col = p.ind_cols.get("name_zh")
        if b.s.get("lang") == "zh" and zh_col is not None:   # zh: the name_zh, as Compute all
            zh = _ref(p.ind_sheet, p.ind_rows[j], zh_col)
            text = f'IF(TRIM({zh}&"")="",{text},{zh})'
        _set(ws, r, cols["indicator"], f"={text}")
    sign = _ref(H_STANDARDISED, STD_ROWS["sign"], c)
    plus = _str(str(b.pos[j])) if j in b.pos else '"+"'     # middle / interval: as the engine shows it
    _set(ws, r, cols["direction"], f'=IF({sign}>0,{plus},"-")')
    if entropy:
        for key in ("e", "d", "w"):
            _set(ws, r, cols[key], f"={_ref(H_ENTROPY, ENT_ROWS[key], c)}", _fmt(key))
    else:
        overall = next(iter(b.weight_rows))          # the first weight row: all indicators
        _set(ws, r, cols["w"], f"={_ref(H_DISTANCES, b.weight_rows[overall], c)}", _fmt("w"))
    dim_row = b.weight_rows[p.dims[j]]
    _set(ws, r, cols["dimension_weight"], f"={_ref(H_DISTANCES, dim_row, 2)}", _fmt("dimension_weight"))


def _share_index(wb, tpl, p: _Panel, settings, steps: bool):
    entropy = settings["weights"] == "entropy"
    group = settings["ideal"] == "group"
    b = _Builder(wb, tpl, p, settings, "index", steps)
    b.checks()
    b.standardised(pooled=entropy or not group, group=group)
    if entropy:
        b.entropy()
    scores = ["I"] + list(p.dimensions)
    b.distances(scores, "group" if group else "pooled")
    # Index: rows sorted by region (first appearance) then year
    order = sorted(range(p.m), key=lambda i: (p.region_order.index(p.regions[i]), p.years[i]))
    blk = tpl.outputs["scores"]
    ws = wb[blk.sheet]
    cols = _expect(ws, blk, ["region", "year", *scores])
    index_cell = {}
    for k, i in enumerate(order):
        _check_keys(ws, blk, k, (p.regions[i], p.years[i]))
        for name in scores:
            _set(ws, blk.row + 1 + k, cols[name], b.closeness(name, i), layout.SCORE_FORMAT)
            index_cell[(name, p.regions[i], p.years[i])] = _ref(blk.sheet, blk.row + 1 + k, cols[name])
    # IndexTables: stacked region × year tables
    blk = tpl.outputs["tables"]
    ws = wb[blk.sheet]
    years = sorted(set(p.years))
    cols = _expect(ws, blk, ["index", "region", *map(str, years)])
    k = 0
    for name in scores:
        for reg in p.region_order:
            _check_keys(ws, blk, k, (name, reg))
            for y in years:
                ref = index_cell.get((name, reg, y))
                if ref is not None:
                    _set(ws, blk.row + 1 + k, cols[str(y)], f"={ref}", layout.SCORE_FORMAT)
            k += 1
    # Growth
    blk = tpl.outputs["growth"]
    ws = wb[blk.sheet]
    cols = _expect(ws, blk, ["region", "first_year", "last_year", *scores])
    for k, reg in enumerate(p.region_order):
        ys = sorted(y for r_, y in zip(p.regions, p.years) if r_ == reg)
        _check_keys(ws, blk, k, (reg, ys[0], ys[-1]))
        span = ys[-1] - ys[0] + 1
        for name in scores:
            c = ws.cell(blk.row + 1 + k, cols[name])
            if span < 2:
                c.value = None
                continue
            first, last = index_cell[(name, reg, ys[0])], index_cell[(name, reg, ys[-1])]
            _set(ws, blk.row + 1 + k, cols[name],
                 f'=IF({first}<=0,"",({last}/{first})^(1/{span - 1})-1)', layout.GROWTH_FORMAT)
    # Weights
    blk = tpl.outputs["weights"]
    ws = wb[blk.sheet]
    expected = ["dimension", "indicator", "direction"] + (["e", "d"] if entropy else []) \
        + ["w", "dimension_weight"]
    cols = _expect(ws, blk, expected)
    for j in range(p.n):
        _check_keys(ws, blk, j, (p.dims[j],))
        _weights_row(ws, blk.row + 1 + j, cols, j, p, b, entropy=entropy)
    return [], None


# ---------------------------------------------------------------- the U template

def _check_sheet(wb):
    """h_Checks with its title, note and the labels of the overall OK and message cells."""
    ws = _helper(wb, H_CHECKS, "Input checks 输入检查",
                 "Every input must be a number (not text such as \"99999\", a blank or TRUE/FALSE) in "
                 "the range the method needs; otherwise the results depending on it show #N/A and B5 "
                 "names the first cell to fix. Excel data validation on the input cells warns when "
                 "typing, but not when pasting: these checks catch both. 公式，请勿输入。")
    _head(ws, CHK_OK[0], 1, "all inputs OK 输入全部有效")
    _head(ws, CHK_MSG[0], 1, "first problem 首个问题")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 14
    return ws


def _u_rows(book, ublock):
    """The U table's block where it really starts (its Excel Table may have moved) and the
    sheet row of each of its rows (fully blank rows skipped, as ``run`` does)."""
    from dataclasses import replace

    table = book.read_block(ublock)
    top, left = table.attrs.get("origin", (ublock.row, ublock.col))
    rows = list(table.attrs.get("rows") or range(top + 1, top + 1 + len(table)))
    return table, replace(ublock, row=top, col=left), rows


def _u_checks(wb, ublock, wsu, m: int, n: int, rescaled: bool = False, urows=None) -> list[str]:
    """Per-row checks of the U table (numbers in [0, 1]; any numbers when ``rescaled``);
    returns the check cell of each row."""
    ws = _check_sheet(wb)
    _head(ws, CHK_HEADER, 1, str(wsu.cell(ublock.row, ublock.col).value or "observation"))
    _head(ws, CHK_HEADER, 3, f"row check: 0 = OK, else the {ublock.sheet} row 行检查")
    out = []
    for i in range(m):
        r, ur = CHK_TOP + i, (urows[i] if urows else ublock.row + 1 + i)
        write_cell(ws, r, 1, wsu.cell(ur, ublock.col).value)
        row = _rng(ublock.sheet, ur, ublock.col + 1, ur, ublock.col + n)
        logical = "+".join(f"ISLOGICAL({_ref(ublock.sheet, ur, ublock.col + 1 + k)})" for k in range(n))
        if rescaled:
            _set(ws, r, 3, f"=IF(AND(COUNT({row})={n},{logical}=0),0,{ur})")
        else:
            _set(ws, r, 3, f"=IF(AND(COUNT({row})={n},{logical}=0),IF(AND(MIN({row})>=0,MAX({row})<=1),0,"
                           f"{ur}),{ur})")
        out.append(_ref(H_CHECKS, r, 3, "rc"))
    rows = _rng(None, CHK_TOP, 3, CHK_TOP + m - 1, 3)
    _set(ws, *CHK_OK, f"=SUM({rows})=0")
    r_bad = _ref(None, CHK_AUX, 2, "rc")
    _head(ws, CHK_AUX, 1, "first bad row 首个问题行")
    _set(ws, CHK_AUX, 2, f"=IF(SUM({rows})=0,0,SMALL({rows},COUNTIF({rows},0)+1))")
    sheet = _str(ublock.sheet)
    rng_en, rng_zh = ("", "") if rescaled else (" in [0, 1]", " 0 到 1 之间的")
    _set(ws, *CHK_MSG,
         f'=IF({_ref(None, *CHK_OK, "rc")},"OK: every U is a number{rng_en} 输入全部有效",'
         f'"check row "&{r_bad}&" of "&{sheet}&": every U must be a number{rng_en} (not text, '
         f'blank or TRUE/FALSE); the results of that row show #N/A until fixed. 请检查 "&{sheet}&'
         f'" 表第 "&{r_bad}&" 行：U 须为{rng_zh}数值")')
    return out


def _share_u(wb, tpl, settings, scheme):
    from ..methods._matrix import parse_weights

    ublock = tpl.inputs[0]
    wsu = wb[ublock.sheet]
    book = OpenpyxlBook(workbook=wb)
    table, ublock, urows = _u_rows(book, ublock)
    systems = [str(c) for c in table.columns[1:]]
    n = len(systems)
    m = len(table)
    alpha = np.full(n, 1.0 / n) if settings["alpha"] is None else \
        parse_weights(settings["alpha"], n, systems, what="system weights")
    bounds = settings.get("rescale")
    checks = _u_checks(wb, ublock, wsu, m, n, rescaled=bounds is not None, urows=urows)
    grades = _Grades(wb, scheme, settings["lang"], settings.get("closed", "left"))
    coupling = _Coupling(wb, settings["coupling_model"])
    if bounds is not None:
        # SPSSAU-style rescaling: each system min-max over all rows into [lo, hi], written
        # lo·(1 − z) + hi·z as the engine does (jjj_xl.methods.coupling.rescale_columns)
        hc, F, r0 = coupling.ws, HELPER_FIRST_COL, coupling.next_row
        lo, hi = (float(v) for v in bounds)
        _head(hc, r0, 1, f"U rescaled into [{lo:g}, {hi:g}] per system over all rows (SPSSAU) U区间化")
        _head(hc, r0 + 1, 1, "min 最小值")
        _head(hc, r0 + 2, 1, "max 最大值")
        mn, mx = [], []
        for k, name in enumerate(systems):
            _head(hc, r0, F + k, name)
            col = _rng(ublock.sheet, urows[0], ublock.col + 1 + k, urows[-1], ublock.col + 1 + k)
            _set(hc, r0 + 1, F + k, f"=MIN({col})", "0.000000")
            _set(hc, r0 + 2, F + k, f"=MAX({col})", "0.000000")
            mn.append(_ref(None, r0 + 1, F + k, "rc"))
            mx.append(_ref(None, r0 + 2, F + k, "rc"))
        coupling.next_row = r0 + 4

        def u_cell(x, k):
            z = f"(({x})-{mn[k]})/({mx[k]}-{mn[k]})"
            return (f"IF({mx[k]}={mn[k]},{_num((lo + hi) / 2)},"
                    f"{_num(lo)}*(1-{z})+{_num(hi)}*{z})")
    else:
        def u_cell(x, k):
            return x
    rows = []
    for i in range(m):
        r = urows[i]
        label = wsu.cell(r, ublock.col).value
        label = str(label) if label is not None else f"row {i + 1}"
        rows.append((label, None, [f"IF({checks[i]}=0,{u_cell(_ref(ublock.sheet, r, ublock.col + 1 + k), k)},NA())"
                                   for k in range(n)]))
    infos = coupling.block("U rows of the U sheet 各观测 U 值", str(table.columns[0]), systems, alpha, rows)
    blk = tpl.outputs["results"]
    ws = wb[blk.sheet]
    expected = [str(table.columns[0]), "C", "T", "D", "level", "label", "stage"] + \
        (["lag_type", "E", "development"] if n == 2 else [])
    cols = _expect(ws, blk, expected)
    lag = None
    if n == 2:
        t = float(settings["lag_threshold"])
        _, sync = LAG_LABELS[settings["lang"]]
        hc = coupling.ws
        r = coupling.next_row
        _head(hc, r, 1, "lagging type labels 滞后类型")
        labels = (lag_label(systems[1], settings["lang"]), lag_label(systems[0], settings["lang"]), sync)
        for k, (h, text) in enumerate(zip(("U1 − U2 > t", "U1 − U2 < −t", "otherwise"), labels)):
            write_cell(hc, r + 1 + k, 1, h)
            write_cell(hc, r + 1 + k, 2, text)
        write_cell(hc, r + 4, 1, "threshold t 阈值")
        hc.cell(r + 4, 2).value = t
        lag = [_ref(H_COUPLING, r + 1 + k, 2, "rc") for k in range(3)] + [_ref(H_COUPLING, r + 4, 2, "rc")]
        # relative development degree E (jjj_xl.methods.development.relative_development):
        # class labels and right-closed bounds in helper cells, frozen at export like the lag
        r += 6
        ratio = settings.get("rd_ratio", "u2/u1")
        b1, b2 = settings.get("rd_bounds", (0.8, 1.2))
        low = 1 if ratio == "u2/u1" else 0      # E small: the numerator system lags
        rd_labels = (lag_label(systems[low], settings["lang"]), sync,
                     lag_label(systems[1 - low], settings["lang"]))
        _head(hc, r, 1, f"relative development E = {'U2/U1' if ratio == 'u2/u1' else 'U1/U2'} 相对发展度")
        for k, (h, text) in enumerate(zip((f"E ≤ {b1:g}", f"{b1:g} < E ≤ {b2:g}", f"E > {b2:g}"),
                                          rd_labels)):
            write_cell(hc, r + 1 + k, 1, h)
            write_cell(hc, r + 1 + k, 2, text)
        write_cell(hc, r + 4, 1, "bound 1 界限1")
        hc.cell(r + 4, 2).value = float(b1)
        write_cell(hc, r + 5, 1, "bound 2 界限2")
        hc.cell(r + 5, 2).value = float(b2)
        rd = [_ref(H_COUPLING, r + 1 + k, 2, "rc") for k in range(5)]
        coupling.next_row = r + 7
    for k, info in enumerate(infos):
        rr = blk.row + 1 + k
        _check_keys(ws, blk, k, (rows[k][0],))
        _write_ctd(ws, rr, cols, info, coupling, grades)
        if lag:
            u1 = _ref(H_COUPLING, info["row"], HELPER_FIRST_COL)
            u2 = _ref(H_COUPLING, info["row"], HELPER_FIRST_COL + 1)
            diff = f"ROUND({u1}-{u2},12)"
            _set(ws, rr, cols["lag_type"],
                 f"=IF({diff}>{lag[3]},{lag[0]},IF({diff}<-{lag[3]},{lag[1]},{lag[2]}))")
            num, den = (u2, u1) if ratio == "u2/u1" else (u1, u2)
            # E = ∞ (den = 0 < num) is the text "∞" as the engine writes it; 0/0 is 1

            def cls(e):
                return f"IF(ROUND({e},12)<={rd[3]},{rd[0]},IF(ROUND({e},12)<={rd[4]},{rd[1]},{rd[2]}))"
            _set(ws, rr, cols["E"], f'=IF({den}=0,IF({num}=0,1,"∞"),{num}/{den})', _fmt("E"))
            _set(ws, rr, cols["development"],
                 f"=IF({den}=0,IF({num}=0,{cls('1')},{rd[2]}),{cls(f'{num}/{den}')})")
    return [(ws, blk, cols, m)], grades


# ---------------------------------------------------------------- finishing touches

def _grade_colours(levels: int) -> list[str]:
    out = []
    for k in range(levels):
        t = 1.0 if levels == 1 else k / (levels - 1)
        a, b = (GRADE_COLOURS[0], GRADE_COLOURS[1]) if t <= 0.5 else (GRADE_COLOURS[1], GRADE_COLOURS[2])
        u = t / 0.5 if t <= 0.5 else (t - 0.5) / 0.5
        out.append("".join(f"{round(x + (y - x) * u):02X}" for x, y in zip(a, b)))
    return out


def _colour_grades(cf_blocks, grades: _Grades):
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    colours = _grade_colours(grades.levels)
    for ws, blk, cols, nrows in cf_blocks:
        if nrows == 0:
            continue
        lvl = _L(cols["level"])
        first, last = blk.row + 1, blk.row + nrows
        area = f"{lvl}{first}:{_L(cols['label'])}{last}"
        for k, colour in enumerate(colours, start=1):
            fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
            ws.conditional_formatting.add(area, FormulaRule(formula=[f"${lvl}{first}={k}"], fill=fill))


def _protect(wb, tpl, p: _Panel | None, settings: dict):
    """Unlock and colour the editable input cells, add their data validation and protect the
    sheets. What is done to the user's input sheets is also recorded in
    ``wb._jjj_share_guards`` ({sheet: {"unlocked": {(r, c)}, "validations": [XML],
    "protect": True}}): :func:`share_workbook` applies exactly that to the original package
    (:mod:`jjj_xl.workbook.share_package`), so nothing else in those sheets changes."""
    from openpyxl.styles import Protection

    unlocked = Protection(locked=False)
    fill = _fill(INPUT_FILL)
    cells = []
    guards = wb.__dict__.setdefault("_jjj_share_guards", {})

    def validation(ws, sqref, **kw):
        first, *more = sqref.split()       # several ranges (columns or rows around blank rows)
        dv = _validation(ws, first, **kw)
        for ref in more:
            dv.add(ref)
        # the DataValidation itself: serialised at assembly, after the language boundary
        # (share_book translates prompts in zh)
        guards.setdefault(ws.title, {}).setdefault("validations", []).append(dv)
        return dv
    if p is not None:
        ws = wb[p.data_sheet]
        cells += [ws.cell(r, c) for r in p.data_rows for c in p.data_cols]
        ref = " ".join(f"{_L(a)}{r1}:{_L(b)}{r2}" for a, b in _col_runs(p.data_cols)
                       for r1, r2 in _col_runs(p.data_rows))
        if settings.get("method") in ("max", "share"):
            rule = dict(operator="greaterThanOrEqual", formula1="0")
            en = (f"A number ≥ 0 (method {settings['method']}"
                  + ("; > 0 for a cost indicator" if settings["method"] == "max" else "") + ").")
            zh = "须为 ≥ 0 的数值" + ("（逆向指标须 > 0）" if settings["method"] == "max" else "") + "。"
        else:
            rule = dict(operator="between", formula1="-1E+307", formula2="1E+307")
            en, zh = "A number.", "须为数值。"
        text = (f"{en} Not text, blank or TRUE/FALSE: results show #N/A and h_Checks names the cell. "
                f"{zh}不能是文本、空白或 TRUE/FALSE，否则结果显示 #N/A。")
        validation(ws, ref, type="decimal", allow_blank=False, showErrorMessage=True,
                   showInputMessage=True, errorTitle="Number needed 须为数值", error=text,
                   promptTitle="Input 输入", prompt=text, **rule)
        ind = wb[p.ind_sheet]
        for key in ("direction", "name", "name_zh", "unit"):
            c = p.ind_cols.get(key)
            if c is None:
                continue
            cells += [ind.cell(r, c) for r in p.ind_rows]
            ref = " ".join(f"{_L(c)}{r1}:{_L(c)}{r2}" for r1, r2 in _col_runs(p.ind_rows))
            if key == "direction":
                validation(ind, ref, type="list", formula1='"+,-"', allow_blank=False,
                           showErrorMessage=True, showInputMessage=True, errorStyle="warning",
                           errorTitle="Direction 方向", promptTitle="Direction 方向",
                           error="+ (benefit) or - (cost); other spellings give #N/A unless the "
                                 "engine knows them (benefit / cost, 正向 / 逆向). + 为正向，- 为逆向。",
                           prompt="+ benefit (larger is better) or - cost. + 正向指标，- 逆向指标。")
            else:
                validation(ind, ref, type="textLength", operator="lessThanOrEqual", formula1="255",
                           allow_blank=True, showErrorMessage=True, showInputMessage=True,
                           errorTitle="Text 文本", error="At most 255 characters. 最多 255 个字符。",
                           promptTitle="Label 标签", prompt="Free text, shown in the results. 自由文本。")
    else:
        table, ub, urows = _u_rows(OpenpyxlBook(workbook=wb), tpl.inputs[0])
        ws = wb[ub.sheet]
        m, n = len(table), len(table.columns) - 1
        cells += [ws.cell(urows[i], ub.col + k) for i in range(m) for k in range(1, n + 1)]
        ref = " ".join(f"{_L(ub.col + 1)}{r1}:{_L(ub.col + n)}{r2}" for r1, r2 in _col_runs(urows))
        if m and n and settings.get("rescale") is not None:   # raw values, rescaled by formulas
            text = ("A number (rescaled per system, see h_Coupling). Not text, blank or TRUE/FALSE: "
                    "that row's results show #N/A. 须为数值（按系统区间化），否则该行结果显示 #N/A。")
            validation(ws, ref, type="decimal",
                       operator="between", formula1="-1E+307", formula2="1E+307", allow_blank=False,
                       showErrorMessage=True, showInputMessage=True, errorTitle="U value U 值",
                       error=text, promptTitle="U value U 值", prompt=text)
        elif m and n:
            text = ("A number in [0, 1]. Not text, blank or TRUE/FALSE: that row's results show #N/A "
                    "and h_Checks names the row. 须为 0 到 1 之间的数值，否则该行结果显示 #N/A。")
            validation(ws, ref, type="decimal",
                       operator="between", formula1="0", formula2="1", allow_blank=False,
                       showErrorMessage=True, showInputMessage=True, errorTitle="U in [0, 1] U 值",
                       error=text, promptTitle="U value U 值", prompt=text)
    for c in cells:                       # editable cells: unlocked and yellow
        c.protection = unlocked
        c.fill = fill
        guards.setdefault(c.parent.title, {}).setdefault("unlocked", set()).add((c.row, c.column))
    for name in guards:
        guards[name]["protect"] = True
    for ws in wb.worksheets:
        ws.protection.sheet = True
        ws.protection.formatColumns = False   # analysts may widen columns
        ws.protection.formatRows = False


def _status_flags(wb, tpl):
    """The output-note cell of every output sheet shows the first input problem, if any."""
    ok = _ref(H_CHECKS, *CHK_OK, "rc")
    msg = _ref(H_CHECKS, *CHK_MSG, "rc")
    for name in tpl.output_sheets:
        if name not in wb.sheetnames or name == layout.NOTES_SHEET:
            continue
        ws = wb[name]
        for c in range(1, min(ws.max_column, 60) + 1):
            cell = ws.cell(1, c)
            if cell.value == layout.OUTPUT_NOTE:
                _set(ws, 1, c, f'=IF({ok},{_str(layout.OUTPUT_NOTE)},"⚠ "&{msg})')
                cell.font = _font(italic=True, color="C00000")
                break


def _settings_summary(tpl, settings) -> str:
    parts = []
    for s in tpl.settings:
        v = settings.get(s.key)
        if s.key == "alpha":
            v = "equal" if v is None else ",".join(f"{a:g}" for a in v)
        if isinstance(v, float):
            v = f"{v:g}"
        parts.append(f"{s.key} = {v}")
    return "; ".join(parts)


def _guide_rows(tpl, settings, steps: bool = False) -> list[tuple[str, str]]:
    outputs = ", ".join(s for s in tpl.output_sheets if s != layout.NOTES_SHEET)
    helpers = ", ".join(h for h in HELPER_SHEETS
                        if (tpl.name != "coupling_coordination" and h != H_AHP)
                        or h in (H_CHECKS, H_COUPLING, H_GRADES)
                        or (h == H_AHP and settings.get("weights") in AHP_CHOICES))
    frozen = _settings_summary(tpl, settings)
    if tpl.name == "coupling_coordination":
        u = tpl.inputs[0].sheet
        raw = settings.get("rescale") is not None
        edit_en = (f"You may edit the yellow U values on {u} "
                   f"({'any numbers, rescaled per system on h_Coupling' if raw else 'numbers in [0, 1]'}); "
                   f"everything recalculates. "
                   f"Locked (structure, frozen at export): the observation labels and system names, "
                   f"the number of rows and systems, and the {layout.SETTINGS_SHEET} ({frozen}).")
        edit_zh = (f"可修改 {u} 表中黄色的 U 值（{'任意数值，在 h_Coupling 表中按系统区间化' if raw else '0 到 1 之间的数'}），结果自动重算。已锁定（导出时固定的结构）：观测名称与系统名称、"
                   f"行数与系统数，以及 {layout.SETTINGS_SHEET} 表中的设置（{frozen}）。")
    else:
        ind, data = (b.sheet for b in tpl.inputs)
        edit_en = (f"You may edit the yellow cells: the numbers on {data}, and on {ind} the direction "
                   f"(+ / -), name, 中文名 and unit of each indicator; everything recalculates. Locked "
                   f"(structure, frozen at export): regions, years, indicator codes and dimensions, the "
                   f"number of rows, and the {layout.SETTINGS_SHEET} ({frozen}). A middle / interval "
                   f"direction (middle 7, interval 10-20) is structure too: its best value or band is "
                   f"frozen; the AHP sheet's comparisons stay editable.")
        edit_zh = (f"可修改黄色单元格：{data} 表中的数值，以及 {ind} 表中各指标的方向（+ / -）、名称、中文名与单位，结果自动重算。"
                   f"已锁定（导出时固定的结构）：地区、年份、指标代码与维度、行数，以及 {layout.SETTINGS_SHEET} 表中的设置"
                   f"（{frozen}）。")
    en = (f"SHARE WORKBOOK (jjj-xl {__version__} share). Every result on {outputs} is an ordinary Excel "
          f"formula; the steps are on the helper sheets at the end ({helpers}). It needs no add-in, no "
          f"macros and no Python: Excel 2010 or later, or LibreOffice. {edit_en} Adding rows or "
          f"indicators, or changing a setting, needs the original workbook: change it there and export "
          f"a new share workbook (jjj-xl share BOOK --out FILE). The ribbon buttons and JJJ_ functions "
          f"described below are not used here. Sheets are protected without a password (Review ▸ "
          f"Unprotect Sheet) only against accidental edits of formulas. Inputs are checked: a value "
          f"that is not a number (text such as \"99999\", a blank, TRUE/FALSE) or out of range makes "
          f"the results #N/A, and the note at the top of each result sheet and {H_CHECKS} name the "
          f"first cell to fix." + ("" if tpl.name == "coupling_coordination" else
          f" Show the steps: {'on' if steps else 'off'} in this workbook (on by default up to "
          f"{STEPS_MAX_CELLS:,} data cells; jjj-xl share --steps / --no-steps): "
          + ("h_Standardised and h_Entropy hold the full standardised and p·ln p matrices."
             if steps else "results use one formula per row and score over the Data row; export "
                           "with --steps for the full standardised and p·ln p matrices.")))
    zh = (f"共享工作簿（jjj-xl {__version__} share 导出）。{outputs.replace(', ', '、')} 中的全部结果均为普通 Excel 公式，"
          f"计算步骤见末尾的辅助表（{helpers.replace(', ', '、')}）。无需加载项、宏或 Python：Excel 2010 及以上版本或 "
          f"LibreOffice 均可使用。{edit_zh}如需增加行或指标、或修改设置，请在原工作簿中修改后重新导出共享工作簿"
          f"（jjj-xl share BOOK --out FILE）。下文介绍的功能区按钮与 JJJ_ 函数在本工作簿中不使用。各工作表均已保护（无密码，"
          f"可通过“审阅 ▸ 撤消工作表保护”取消），仅为防止误改公式。输入已检查：非数值（如文本“99999”、空白、TRUE/FALSE）或超出范围的"
          f"值会使结果显示 #N/A，各结果表顶部的提示与 {H_CHECKS} 表指出首个需修改的单元格。"
          + ("" if tpl.name == "coupling_coordination" else
             f"显示计算步骤：本工作簿{'已开启' if steps else '未开启'}（数据单元格不超过 {STEPS_MAX_CELLS:,} 个时默认开启；"
             f"jjj-xl share --steps / --no-steps）。"))
    return [("Share workbook 共享工作簿", en), ("", zh)]


def _write_guide(wb, tpl, settings, steps: bool):
    from openpyxl.styles import Alignment

    ws = wb[layout.GUIDE_SHEET]
    rows = _guide_rows(tpl, settings, steps)
    if settings.get("lang") == "zh":    # one language: the Chinese paragraph under the Chinese key
        from ..i18n import mostly_cjk, tr
        rows = [(tr(rows[k - 1][0], "zh") if k and not key else tr(key, "zh"), text)
                for k, (key, text) in enumerate(rows) if mostly_cjk(text)]
    at = 3                                  # below the two title rows
    k = len(rows) + 1
    last = ws.max_row
    heights = {r: ws.row_dimensions[r].height for r in range(at, last + 1)}
    ws.move_range(f"A{at}:{_L(max(ws.max_column, 4))}{last}", rows=k)
    for r in range(last, at - 1, -1):
        ws.row_dimensions[r + k].height = heights.get(r)
    for r in range(at, at + k):
        ws.row_dimensions[r].height = None
    for i, (key, text) in enumerate(rows):
        r = at + i
        if key:
            c = write_cell(ws, r, 1, key)
            c.font = _font(bold=True, color="C00000")
            c.alignment = Alignment(wrap_text=True, vertical="top")
        c = write_cell(ws, r, 2, text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        c.fill = _fill("FFF2CC")
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
        ws.row_dimensions[r].height = 15.0 * max(1, -(-units // 96))


def _write_notes(wb, tpl, settings, scheme_name: str, steps: bool):
    ws = wb[layout.NOTES_SHEET]
    blk = tpl.outputs["notes"]
    top = blk.row + 1 + _block_rows(ws, blk) + SHARE_NOTES_GAP
    c = write_cell(ws, top, blk.col, "Share workbook: method notes 共享工作簿方法说明")
    c.font = _font(bold=True, size=12)
    c.fill = _fill(TITLE_FILL)
    rows = [
        ("share workbook", "every result is an Excel formula over the input sheets (Excel 2010+ / "
                           "LibreOffice functions only); no add-in, no macros"),
        ("settings frozen", _settings_summary(tpl, settings)
         + "; the values on the Settings sheet are not read by the formulas"),
        ("grade scheme", f"{scheme_name} ({settings.get('lang', 'en')}), table on {H_GRADES}"),
        ("how to edit", "change numbers in the unlocked input cells (Data / U"
                        + ("; directions on Indicators" if tpl.name != "coupling_coordination" else "")
                        + "): everything recalculates. Rows, regions, years, indicators and settings "
                          "are structure: change them in the original workbook and export again "
                          "(jjj-xl share BOOK --out FILE)"),
        ("input checks", "every input must be a number (max: ≥ 0 and cost > 0; share: ≥ 0; U in "
                         "[0, 1]); text such as \"99999\", a blank, TRUE/FALSE or a value out of range "
                         f"makes the results #N/A and {H_CHECKS}!B5 (and the note at the top of each "
                         "result sheet) names the first cell to fix; a direction that is not + or - "
                         "gives #N/A too. Data validation on the input cells warns when typing, not "
                         "when pasting"),
        ("notes above", "computed by the jjj-xl engine at export time (its warnings refer to the data "
                        "as exported)"),
    ]
    if tpl.name != "coupling_coordination":
        rows.append(("show the steps", ("on" if steps else "off")
                     + f" (default on up to {STEPS_MAX_CELLS:,} data cells = rows × indicators; "
                       "jjj-xl share BOOK --out FILE --steps / --no-steps). "
                     + ("h_Standardised and h_Entropy hold the full z and p·ln p matrices; the results "
                        "are the same without them" if steps else
                        "Compact: per-column constants in helper rows and one SUMPRODUCT per row and "
                        "score over the Data row; export with --steps for the full z and p·ln p "
                        "matrices (teaching, small panels)")))
    helpers = {
        H_CHECKS: "input checks: per-row check, all-OK flag, first problem",
        H_AHP: "AHP sheet's comparisons read as numbers, reciprocals filled, repeated squaring to the "
               "principal eigenvector, λmax, CI, RI, CR, indicator weights used",
        H_STANDARDISED: "direction signs, column min / max / range / sum, constants of z = (x^E − A)/R "
                        "+ S, ideal / anti-ideal" + (", standardised matrix z" if steps else ""),
        H_ENTROPY: "S = Σz, Σ z·ln z, e, d, w" + (", p·ln p matrix" if steps else ""),
        H_DISTANCES: "weights of each score, zero tolerances, d⁺ and d⁻ of every row",
        H_COUPLING: "U rows (scores per year, dimension scores, U values) read by C and T",
        H_GRADES: "grade and stage tables",
    }
    for name in HELPER_SHEETS:
        if name in wb.sheetnames:
            rows.append((name, helpers[name]))
    for k, (key, value) in enumerate(rows, start=1):
        write_cell(ws, top + k, blk.col, key).font = _font(bold=True)
        write_cell(ws, top + k, blk.col + 1, value)


def _check_formulas(wb):
    for ws in wb.worksheets:
        for c in ws._cells.values():        # only the cells that exist (iter_rows creates cells)
            if c.data_type == "f" and isinstance(c.value, str):
                bad = formula_functions(c.value) - SHARE_FUNCTIONS
                if bad:
                    raise InputError(
                        f"sheet {ws.title}, cell {c.coordinate}: the formula uses "
                        f"{', '.join(sorted(bad))}, which a share workbook cannot carry (Excel 2010 "
                        f"and LibreOffice functions only); replace the formula by its value in the "
                        f"original workbook and export again")


# ---------------------------------------------------------------- entry points

def share_book(wb, *, steps: bool | None = None, lang: str | None = None):
    """Turn a filled template workbook (openpyxl) into a share workbook, in place; returns it.

    ``steps``: also write the full standardised (z) and p·ln p matrices on h_Standardised and
    h_Entropy ("show the steps", for teaching and small panels). ``None`` (default) shows them
    when the panel has at most :data:`STEPS_MAX_CELLS` data cells (rows × indicators). Without
    the steps the workbook holds O(rows + indicators) formulas: per-column constants in helper
    rows and one SUMPRODUCT per row and score. The results are the same either way.

    Raises :class:`InputError` (one line naming the place) when the inputs are not valid or
    the workbook is already a share workbook. ``lang``: the language of the labels, notes
    and grades (None: the workbook's Settings lang); formulas are the same in both.
    """
    book = OpenpyxlBook(workbook=wb)
    tpl = detect_template(book)
    if any(h in wb.sheetnames for h in HELPER_SHEETS):
        raise InputError(f"this is already a share workbook (it has the sheet "
                         f"{next(h for h in HELPER_SHEETS if h in wb.sheetnames)}); share the "
                         f"original template workbook instead")
    settings = read_settings(book, tpl)
    lang = book_lang(book, lang)
    if "lang" in settings:
        settings["lang"] = lang
    scheme = read_scheme(book, tpl, settings)
    refusal = share_refusal(book, tpl)   # title rows, merged cells, text numbers, missing ≠ refuse
    if refusal:
        raise InputError(refusal)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        run_action(book, "compute_all", lang="en")   # validates; writes layout, structure, notes
        # (in English: the builders below check the result headers; translated at the end)
    p = None
    if tpl.name == "coupling_coordination":
        cf, grades = _share_u(wb, tpl, settings, scheme)
    else:
        p = _read_panel_positions(book, tpl)
        if steps is None:
            steps = p.m * p.n <= STEPS_MAX_CELLS
        if sorted(p.data_cols) != list(range(min(p.data_cols), max(p.data_cols) + 1)):
            steps = True        # other columns between the indicators: row formulas read z rows
        if tpl.name == "entropy_topsis_ccd":
            orientation = settings["orientation"]
            written = {"coupling": orientation in ("both", "regions"),
                       "coupling_dimensions": orientation in ("both", "dimensions")}
            cf, grades = _share_ccd(wb, tpl, p, settings, scheme, written, steps)
        else:
            cf, grades = _share_index(wb, tpl, p, settings, steps)
    if grades is not None:
        _colour_grades(cf, grades)
    for name in REMOVED_SHEETS:
        if name in wb.sheetnames:
            del wb[name]
    _write_guide(wb, tpl, settings, bool(steps))
    _write_notes(wb, tpl, settings, make_scheme(scheme).name, bool(steps))
    _status_flags(wb, tpl)
    sheet, row, col = SHARE_SETTINGS_NOTE
    write_cell(wb[sheet], row, col, "Share workbook: these settings are frozen into the formulas; "
                                    "changing them here changes nothing. 共享工作簿：设置已固化在公式中，"
                                    "在此修改无效。").font = _font(bold=True, color="C00000")
    restore_charts(wb, tpl.name, lang=lang)
    if CHARTS_NOTE[0] in wb.sheetnames:
        write_cell(wb[CHARTS_NOTE[0]], CHARTS_NOTE[1], CHARTS_NOTE[2],
                   "图表通过右侧灰色标题区域的公式读取结果表，随数据修改自动更新。"
                   ).font = _font(italic=True, color="C00000")
        write_cell(wb[CHARTS_NOTE[0]], CHARTS_NOTE[1] + 1, 1,
                   "Charts read the result sheets through the formulas in the grey-titled areas on the "
                   "right; they follow the data as you edit it.").font = _font(italic=True, color="C00000")
    _protect(wb, tpl, p, settings)
    _check_formulas(wb)
    if lang == "zh":                 # the language boundary: every label, title and note
        from ..i18n import localize_sheet, localize_validations
        from .actions import _indicator_names_zh
        from .templates import _typed_cells
        names = _indicator_names_zh(book, tpl)
        written_here = set(tpl.output_sheets) | set(HELPER_SHEETS)   # English, from this export
        for ws in wb.worksheets:
            if ws.title != layout.CONF_SHEET:
                localize_sheet(ws, "zh", names, skip=_typed_cells(ws, tpl),   # a zh template's
                               keep_chinese=ws.title not in written_here)       # text: once
                localize_validations(ws, "zh")
    from .templates import print_setup_book
    print_setup_book(wb, tpl.name)   # hand-over printing (issue 11): A4, readable, one table per page
    # helper sheets grouped at the end, in HELPER_SHEETS order
    wb._sheets = [ws for ws in wb._sheets if ws.title not in HELPER_SHEETS] + \
        [wb[h] for h in HELPER_SHEETS if h in wb.sheetnames]
    if getattr(wb, "vba_archive", None) is not None:
        wb.vba_archive = None
    wb.active = 0
    return wb


def share_workbook(src_path, out_path, *, steps: bool | None = None, lang: str | None = None) -> Path:
    """Read a filled template workbook and write its share workbook (``.xlsx``) to ``out_path``.

    Every numeric result cell of the output blocks becomes an Excel formula over the input
    sheets, in the cells where Compute all writes values; returns the path written.
    ``steps``: see :func:`share_book`.

    Nothing of the user's file is lost (issue 7): the share workbook is a copy of the
    original package in which only jjj-xl's parts are replaced — the output sheets, Guide,
    Charts and the new helper sheets ``h_*`` (built by :func:`share_book` with openpyxl and
    transplanted), styles appended, the workbook's sheet list — and the input sheets (Data,
    Indicators or U, Settings) change only by the guards: the ``s`` attribute of the
    editable input cells (unlocked, yellow), appended ``<dataValidation>`` elements, a
    ``<sheetProtection>`` element and the frozen-settings note cell on Settings. Every
    other part (threaded comments, custom XML, x14 validations and data bars, cached
    values of input formulas, other sheets, ...) is byte-identical. The add-in's Formulas
    and ``xlwings.conf`` sheets are removed, and so is a VBA project (a share workbook is
    an .xlsx without macros; a note on the Notes sheet says so). See
    :mod:`jjj_xl.workbook.share_package`.
    """
    import io

    from .share_package import assemble, vba_parts, write

    src, out = Path(src_path), Path(out_path)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out.name}: a share workbook is saved as .xlsx (no macros); use a name "
                         f"ending in .xlsx")
    if out.exists() and src.exists() and out.resolve() == src.resolve():
        raise InputError(f"{out.name}: the share workbook must not overwrite the original; choose "
                         f"another --out file")
    book = OpenpyxlBook(src)
    wb = book.wb
    share_book(wb, steps=steps, lang=lang)
    tpl = detect_template(OpenpyxlBook(workbook=wb))
    if vba_parts(src):
        _note_dropped_macros(wb, tpl, src.name, book_lang(OpenpyxlBook(workbook=wb), lang))
    rendered = io.BytesIO()
    wb.save(rendered)
    from openpyxl.xml.functions import tostring
    guards = {k: dict(v) for k, v in wb.__dict__.get("_jjj_share_guards", {}).items()}
    for g in guards.values():
        if "validations" in g:
            g["validations"] = [x if isinstance(x, str) else tostring(x.to_tree()).decode("utf-8")
                                for x in g["validations"]]
    sheet, row, col = SHARE_SETTINGS_NOTE
    guards.setdefault(sheet, {}).update(cells=[(row, col)], protect=True)
    owned = set(tpl.output_sheets) | {layout.GUIDE_SHEET, CHARTS_SHEET} | set(HELPER_SHEETS)
    owned -= set(guards)
    pkg, parts, removed, added = assemble(src, rendered.getvalue(), owned=owned, guards=guards,
                                          remove=set(REMOVED_SHEETS), display=src.name)
    return write(pkg, parts, removed, added, out, display=str(out))


def _note_dropped_macros(wb, tpl, name: str, lang: str = "en") -> None:
    """One row at the end of the share notes: the VBA project is not carried."""
    from ..i18n import tr
    ws = wb[layout.NOTES_SHEET]
    col = tpl.outputs["notes"].col
    row = ws.max_row + 1
    write_cell(ws, row, col, tr("macros", lang)).font = _font(bold=True)
    write_cell(ws, row, col + 1, tr(f"the VBA project of {name} is not in this share workbook (an .xlsx "
                                    f"has no macros); the original workbook keeps it", lang))
