"""Share workbooks: every result a native formula, recalculated by LibreOffice, equal to the engine.

For every option set: fill a template with a bundled sample, set the Settings, export the share
workbook, recalculate it with LibreOffice and compare EVERY cell of the output blocks with the
engine's Compute all (numbers to 1e-9 relative, 1e-12 absolute near 0; text equal). Then edit
input cells of the share workbook, recalculate again and compare with the engine on the edited
inputs. One LibreOffice conversion per workbook.
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl.i18n import tr
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import ACTION_OUTPUTS, run_action
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.datasets import load_sample
from jjj_xl.workbook.share import HELPER_SHEETS, share_book, share_workbook
from jjj_xl.workbook.templates import build_template, fill_inputs
from jjj_xl.workbook.cells import write_cell
from jjj_xl.errors import column_letter

from .libreoffice import convert

# functions Excel 2010 and LibreOffice both compute (kept here independently of share.py)
ALLOWED = {"SUM", "SUMPRODUCT", "SUMIF", "SUMIFS", "COUNTIF", "COUNTIFS", "LN", "EXP", "SQRT",
           "ABS", "MIN", "MAX", "INDEX", "MATCH", "LOOKUP", "IF", "IFERROR", "AND", "OR", "COUNT",
           "COUNTA", "POWER", "RANK", "ROUND", "SMALL", "TRIM", "LOWER", "NA", "ROWS", "ISNUMBER",
           "ISLOGICAL", "ADDRESS", "COLUMN", "SUBSTITUTE",
           "FIND", "LEFT", "MID"}       # AHP comparisons typed as text "1/3" (Excel 2010, LibreOffice)
FUNC = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
STRING = re.compile(r'"(?:[^"]|"")*"')
RTOL, ATOL = 1e-9, 1e-12

CUSTOM = [(0.0, "Low", "低"), (0.35, "Fair", "中"), (0.55, "Good", "良"), (0.75, "Top", "优")]


def _custom_scheme(wb, tpl):
    blk = tpl.scheme
    ws = wb[blk.sheet]
    for r in range(blk.row + 1, blk.row + 12):
        for c in range(blk.col, blk.col + 3):
            ws.cell(r, c).value = None
    for i, row in enumerate(CUSTOM):
        for k, v in enumerate(row):
            ws.cell(blk.row + 1 + i, blk.col + k).value = v


def _u_frame(systems: int) -> pd.DataFrame:
    rng = np.random.default_rng(7 + systems)
    names = ["economy", "environment", "society"][:systems]
    U = rng.uniform(0.05, 0.95, size=(12, systems)).round(4)
    U[3] = 0.5                    # equal U: C = 1
    U[5, 0] = 0.0                 # a zero: C = 0
    U[7, 1] = U[7, 0] + 0.03      # two systems nearly level: synchronous
    frame = pd.DataFrame(U, columns=names)
    frame.insert(0, "observation", [f"obs {2010 + i}" for i in range(len(U))])
    return frame


def _panel(sample, mutate=None, directions=None):
    s = load_sample(sample)
    data = s.data.copy()
    if mutate:
        data = mutate(data)
    ind = s.indicators
    if directions:
        ind = ind.copy()
        for code, d in directions.items():
            ind.loc[ind["code"] == code, "direction"] = d
    return ind, data


def _rename_beijing(d):
    d["region"] = d["region"].replace("Beijing", "=Beijing")
    return d


def _constant(d):
    # a constant column where no region-year ends up worst on every other indicator of the
    # dimension: such a row has closeness exactly 0 here but ~1e-17 from the engine (rounding),
    # which the coupling amplifies through U^(1/n) (C 0.001 instead of 0)
    d["road_freight"] = 42000.0
    return d


# name -> (template, sample or U systems, settings, data mutation, custom scheme, flip a direction)
CASES = {
    "ccd_defaults_eq_region": ("entropy_topsis_ccd", "paper000", {}, _rename_beijing, False, True),
    "ccd_shift001_squared_w_classic_zh": (
        "entropy_topsis_ccd", "paper000",
        {"shift": 0.01, "closeness": "squared", "distance": "w", "coupling_model": "classic",
         "lang": "zh"}, None, False, False),
    "ccd_max_ringprinted_regions_custom_constant": (
        "entropy_topsis_ccd", "paper000",
        {"method": "max", "distance": "w", "coupling_model": "ring_printed", "orientation": "regions",
         "scheme": "custom"}, _constant, True, False),
    "ccd_share_squared_wang_dimensions_zh_custom": (
        "entropy_topsis_ccd", "paper000",
        {"method": "share", "closeness": "squared", "coupling_model": "wang",
         "orientation": "dimensions", "lang": "zh", "scheme": "custom"}, None, True, False),
    "index_defaults": ("ideal_solution_index", "paper004", {}, None, False, True),
    "index_minmax_ratio_w": ("ideal_solution_index", "paper004",
                             {"method": "minmax", "closeness": "ratio", "distance": "w"},
                             None, False, False),
    "index_minmax_entropy_data": ("ideal_solution_index", "paper004",
                                  {"method": "minmax", "weights": "entropy", "ideal": "data"},
                                  None, False, False),
    "index_max_entropy_group_ratio_w": ("ideal_solution_index", "paper004",
                                        {"weights": "entropy", "closeness": "ratio", "distance": "w"},
                                        None, False, False),
    "u2_classic_alpha_lag": ("coupling_coordination", 2,
                             {"coupling_model": "classic", "alpha": "0.6,0.4", "lag_threshold": 0.05},
                             None, False, False),
    "u3_wang_alpha_zh_custom": ("coupling_coordination", 3,
                                {"coupling_model": "wang", "alpha": "0.5,0.3,0.2", "lang": "zh",
                                 "scheme": "custom"}, None, True, False),
    "u3_ring_equal": ("coupling_coordination", 3, {"coupling_model": "ring"}, None, False, False),
    "u3_defaults_classic": ("coupling_coordination", 3, {}, None, False, False),
    # fan (Fan, Ke & Cao 2024) with right-closed grades (a, b]: rows whose D lies exactly on a
    # bound (equal U: C = 1, D = √U = 0.5, 0.2) go to the lower level
    "u3_fan_right_bounds": ("coupling_coordination", 3, {"coupling_model": "fan", "closed": "right"},
                            lambda U: _on_bounds(U), False, False),
    "u2_fan_right_zh_custom": ("coupling_coordination", 2,
                               {"coupling_model": "fan", "closed": "right", "lang": "zh",
                                "scheme": "custom"}, None, True, False),
    # raw indices (not in [0, 1]) rescaled per system into [0.01, 0.99] (SPSSAU), fan, (a, b]
    "u2_fan_right_rescale": ("coupling_coordination", 2,
                             {"coupling_model": "fan", "closed": "right", "rescale": "0.01-0.99",
                              "lag_threshold": 0.05}, lambda U: _raw(U), False, False),
    "u3_classic_rescale_constant": ("coupling_coordination", 3, {"rescale": "0.01-0.99"},
                                    lambda U: _raw(U, constant="society"), False, False),
    # relative development degree E = U1/U2 with bounds 0.9, 1.1 (coupling.md C): U2 = 0 < U1
    # gives the text "∞", U1 = U2 = 0 gives E = 1 (synchronous), fan so that zeros keep C > 0
    "u2_fan_rd_u1u2_zeros": ("coupling_coordination", 2,
                             {"coupling_model": "fan", "rd_ratio": "u1/u2", "rd_bounds": "0.9, 1.1"},
                             lambda U: _rd_zeros(U), False, False),
    "ccd_right_closed_classic": ("entropy_topsis_ccd", "paper000",
                                 {"coupling_model": "fan", "closed": "right"}, None, False, False),
    # issue 9 (methods9): zscore (sample SD) with SPSSAU's entropy translation |min| + 0.01
    "ccd_zscore_spssau": ("entropy_topsis_ccd", "paper000",
                          {"method": "zscore", "translate": "spssau", "closeness": "squared"},
                          None, False, True),
    # grey relational grade as the score, with middle / interval indicators (DIRECTIONS)
    "ccd_grey_middle_interval": ("entropy_topsis_ccd", "paper000",
                                 {"score": "grey", "coupling_model": "classic"}, None, False, False),
    # middle / interval under minmax shift 0 + translation, TOPSIS; and paper 004 (per region)
    "ccd_middle_interval_shift0_spssau": ("entropy_topsis_ccd", "paper000",
                                          {"shift": 0, "translate": "spssau", "distance": "w"},
                                          None, False, False),
    "index_middle_interval_group": ("ideal_solution_index", "paper004", {}, None, False, False),
    # AHP weights by formulas (h_AHP, repeated squaring), alone and combined with entropy
    "ccd_ahp_dims": ("entropy_topsis_ccd", "paper000", {"weights": "ahp"}, None, False, False),
    "ccd_entropy_plus_ahp_dims_max": ("entropy_topsis_ccd", "paper000",
                                      {"weights": "entropy+ahp", "method": "max"}, None, False, True),
    "ccd_entropy_x_ahp_codes": ("entropy_topsis_ccd", "paper000",
                                {"weights": "entropy*ahp", "closeness": "squared"}, None, False, False),
}

DIMS000 = ["economy", "technology", "environment", "education", "life"]
CODES000 = ["gdp", "tertiary_va", "income_pc", "patent_apps", "patents_granted", "rd_share",
            "green_cover", "energy_reduction", "enroll_share", "edu_share", "colleges_per_100k",
            "unemployment", "road_freight", "road_passengers"]


def _saaty_upper(n, seed):
    """An upper triangle of Saaty-scale judgements, half typed as text fractions "1/k"."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n - 1):
        row = []
        for _ in range(i + 1, n):
            k = int(rng.integers(1, 10))
            row.append(k if rng.random() < 0.5 else (f"1/{k}" if k > 1 else "1"))
        out.append(row)
    return out


# case -> (items, upper triangle as typed); the rest of the matrix blank (reciprocals)
AHP = {
    "ccd_ahp_dims": (DIMS000, [["3", "5", "1/2", "4"], ["2", "1/3", "3"], ["1/4", "2"], ["5"]]),
    "ccd_entropy_plus_ahp_dims_max": (DIMS000, [[2, "1/3", 4, "1/2"], [" 1 / 5 ", 3, "1"], [6, 2], ["1/3"]]),
    "ccd_entropy_x_ahp_codes": (CODES000, _saaty_upper(14, 3)),
}


def _ahp_fill(wb, items, upper):
    from .rich_books import put_ahp_matrix
    put_ahp_matrix(wb, items, {(i, i + 1 + k): v for i, row in enumerate(upper)
                               for k, v in enumerate(row)})

# methods9: middle / interval directions typed on the Indicators sheet (share formulas positivise)
DIRECTIONS = {
    "ccd_grey_middle_interval": {"green_cover": "middle 42", "enroll_share": "区间型 12-14",
                                 "rd_share": "中间型 2"},
    "ccd_middle_interval_shift0_spssau": {"green_cover": "middle 42", "enroll_share": "interval 12-14"},
    "index_middle_interval_group": {"rd_fte_per_10k": "interval 500-700",
                                    "tech_market_share": "middle 2"},
}


def _raw(U, constant=None):
    systems = list(U.columns[1:])
    U[systems] = U[systems] * np.array([120.0, 7.5, 3000.0][:len(systems)]) - 2.0
    if constant:            # no range: the engine and the formulas put it at (lo + hi)/2
        U[constant] = 42.0
    return U


def _rd_zeros(U):
    U.loc[1, "environment"] = 0.0     # E = U1/U2 = ∞ (text)
    U.loc[2, ["economy", "environment"]] = 0.0     # 0/0: E = 1
    U.loc[4, ["economy", "environment"]] = [0.45, 0.5]   # E = 0.9 exactly: class 1 (≤ 0.9)
    return U


def _on_bounds(U):
    systems = U.columns[1:]
    U.loc[9, systems] = 0.25        # C = 1, T = 0.25, D = 0.5: level 6 left, 5 right
    U.loc[10, systems] = 0.04       # D = 0.2: level 3 left, 2 right
    U.loc[11, systems] = 0.0        # D = 0: level 1 either way
    return U


def _filled(tmp_path, case):
    name, sample, settings, mutate, custom, _ = CASES[case]
    tpl = layout.TEMPLATES[name]
    wb = build_template(name)
    if name == "coupling_coordination":
        fill_inputs(wb, name, data=mutate(_u_frame(sample)) if mutate else _u_frame(sample))
    else:
        fill_inputs(wb, name, *_panel(sample, mutate, DIRECTIONS.get(case)))
    for key, value in settings.items():
        sheet, row, col = tpl.setting_cell(key)
        wb[sheet].cell(row, col).value = value
    if custom:
        _custom_scheme(wb, tpl)
    if case in AHP:
        _ahp_fill(wb, *AHP[case])
    path = tmp_path / f"{case}.xlsx"
    wb.save(path)
    return path


def _engine(path, edits=()):
    wb = load_workbook(path)
    _apply(wb, edits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(OpenpyxlBook(workbook=wb), "compute_all")
    return wb


def _apply(wb, edits):
    for sheet, row, col, value in edits:
        write_cell(wb[sheet], row, col, value)      # text starting with "=" stays text


def _blocks(name, wb):
    """Output blocks Compute all wrote (header present), with their width and row count."""
    tpl = layout.TEMPLATES[name]
    out = []
    for key in ACTION_OUTPUTS["compute_all"][name]:
        b = tpl.outputs[key]
        ws = wb[b.sheet]
        width = 0
        while ws.cell(b.row, b.col + width).value not in (None, ""):
            width += 1
        if not width:
            continue
        rows = 0
        while any(ws.cell(b.row + 1 + rows, b.col + k).value not in (None, "") for k in range(width)):
            rows += 1
        out.append((b, width, rows))
    return out


def _same(e, got) -> bool:
    if isinstance(e, (int, float)) and not isinstance(e, bool):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and \
            math.isclose(e, got, rel_tol=RTOL, abs_tol=ATOL)
    if e in (None, ""):
        return got in (None, "")
    return e == got


def _compare(name, engine_wb, lo_wb) -> int:
    """Every cell of every output block; returns the number of numeric cells compared."""
    numbers = 0
    diffs = []
    for b, width, rows in _blocks(name, engine_wb):
        we, wl = engine_wb[b.sheet], lo_wb[b.sheet]
        for r in range(b.row, b.row + rows + 2):          # header, body and the blank row below
            for c in range(b.col, b.col + width):
                e, got = we.cell(r, c).value, wl.cell(r, c).value
                numbers += isinstance(e, float)
                if not _same(e, got):
                    diffs.append(f"{b.sheet}!{wl.cell(r, c).coordinate}: engine {e!r}, LibreOffice {got!r}")
    assert not diffs, f"{len(diffs)} cells differ: " + "; ".join(diffs[:8])
    return numbers


def _formula_checks(name, engine_wb, share_wb):
    """Every number and every level/label/stage of the outputs is a formula in the share book."""
    for b, width, rows in _blocks(name, engine_wb):
        we, ws = engine_wb[b.sheet], share_wb[b.sheet]
        header = [we.cell(b.row, b.col + k).value for k in range(width)]
        for k, h in enumerate(header):
            for r in range(b.row + 1, b.row + 1 + rows):
                e = we.cell(r, b.col + k).value
                cell = ws.cell(r, b.col + k)
                if isinstance(e, float) or h in ("level", "label", "stage", "lag_type"):
                    assert cell.data_type == "f", f"{b.sheet}!{cell.coordinate} is not a formula"


def _static_checks(path, name):
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert not any("vbaProject" in n for n in names)
        assert "macroEnabled" not in zf.read("[Content_Types].xml").decode()
        assert any(n.startswith("xl/charts/chart") for n in names), "charts kept"
    wb = load_workbook(path)
    formulas = 0
    tpl = layout.TEMPLATES[name]
    written = {*tpl.output_sheets, layout.GUIDE_SHEET, layout.SETTINGS_SHEET, "Charts",
               *(b.sheet for b in tpl.inputs), *HELPER_SHEETS}
    for ws in wb.worksheets:
        # every sheet the share workbook writes or guards is protected; the others (AHP, After D,
        # the user's own sheets) are the original's, byte for byte
        assert ws.protection.sheet or ws.title not in written, f"sheet {ws.title} is not protected"
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                formulas += 1
                text = str(c.value)
                assert "JJJ_" not in text.upper(), f"{ws.title}!{c.coordinate}: {text}"
                used = {m.upper() for m in FUNC.findall(STRING.sub('""', text))}
                assert used <= ALLOWED, f"{ws.title}!{c.coordinate} uses {used - ALLOWED}"
    assert formulas > 50
    # helper sheets grouped at the end; the add-in sheets are gone
    helpers = [s for s in wb.sheetnames if s.startswith("h_")]
    assert helpers and wb.sheetnames[-len(helpers):] == helpers
    assert set(helpers) <= set(HELPER_SHEETS)
    assert "Formulas" not in wb.sheetnames and layout.CONF_SHEET not in wb.sheetnames
    # input cells unlocked, structure and outputs locked
    tpl = layout.TEMPLATES[name]
    block = tpl.inputs[-1]
    ws = wb[block.sheet]
    assert ws.cell(block.row + 1, block.col + 2).protection.locked is False
    width = 0
    while ws.cell(block.row, block.col + width).value not in (None, ""):
        width += 1
    assert ws.cell(block.row + 3, block.col + width - 1).protection.locked is False
    assert ws.cell(block.row + 1, block.col).protection.locked is True   # region / observation
    out = next(iter(tpl.outputs.values()))
    assert wb[out.sheet].cell(out.row + 1, out.col + 2).protection.locked is True
    guide = " ".join(str(c.value) for row in wb[layout.GUIDE_SHEET].iter_rows(max_row=8) for c in row
                     if c.value)
    notes = [c.value for row in wb[layout.NOTES_SHEET].iter_rows() for c in row]
    from jjj_xl.workbook.actions import book_lang
    if book_lang(OpenpyxlBook(workbook=wb)) == "zh":   # one language (jjj_xl/i18n.py): Chinese only
        assert "共享工作簿" in guide and "SHARE WORKBOOK" not in guide
        assert "固化的设置" in notes
    else:
        assert "SHARE WORKBOOK" in guide and "共享工作簿" in guide
        assert "settings frozen" in notes
    assert wb[block.sheet].freeze_panes
    from jjj_xl.workbook.printing import MIN_SCALE   # issue 11: A4, fixed readable scale
    assert all(str(w.page_setup.paperSize) == "9" and MIN_SCALE <= int(w.page_setup.scale) <= 100
               and not w.sheet_properties.pageSetUpPr.fitToPage for w in wb.worksheets)
    return wb


def _edits(name, case, wb):
    """Edits of input cells: scaled values, one row at the ideal, maybe a flipped direction."""
    tpl = layout.TEMPLATES[name]
    flip = CASES[case][5]
    block = tpl.inputs[-1]
    ws = wb[block.sheet]
    last_row = block.row
    while ws.cell(last_row + 1, block.col).value not in (None, ""):
        last_row += 1
    width = 0
    while ws.cell(block.row, block.col + width).value not in (None, ""):
        width += 1
    if name == "coupling_coordination":
        return [(block.sheet, block.row + 1, block.col + 1, 0.91),
                (block.sheet, block.row + 2, block.col + 2, 0.07),
                (block.sheet, block.row + 6, block.col + 1, 0.33)], None
    edits = []
    first_val = block.col + 2
    for r, c, f in ((block.row + 1, first_val, 1.5), (block.row + 4, first_val + 3, 0.6),
                    (block.row + 9, first_val + 5, 1.2)):
        edits.append((block.sheet, r, c, float(ws.cell(r, c).value) * f))
    ind = wb[tpl.inputs[0].sheet]
    ih = {str(ind.cell(tpl.inputs[0].row, k).value).strip().lower(): k for k in range(1, 8)}
    dirs = {str(ind.cell(r, ih["code"]).value): str(ind.cell(r, ih["direction"]).value).strip()
            for r in range(tpl.inputs[0].row + 1, ind.max_row + 1) if ind.cell(r, ih["code"]).value}
    if flip:
        r = tpl.inputs[0].row + 2
        code = str(ind.cell(r, ih["code"]).value)
        dirs[code] = "-" if dirs[code] == "+" else "+"
        edits.append((tpl.inputs[0].sheet, r, ih["direction"], dirs[code]))
        edits.append((tpl.inputs[0].sheet, r, ih["name"], "=renamed indicator"))
    # one row at the ideal: best value of every indicator (within its region for paper 004)
    ideal_row = block.row + 5
    region = ws.cell(ideal_row, block.col).value
    same = [r for r in range(block.row + 1, last_row + 1)
            if CASES[case][2].get("ideal", "group") == "data" or name != "ideal_solution_index"
            or ws.cell(r, block.col).value == region]
    for c in range(first_val, block.col + width):
        code = str(ws.cell(block.row, c).value)
        col = [float(ws.cell(r, c).value) for r in same]
        best = max(col) * 2 if dirs.get(code, "+") == "+" else min(col) / 2
        edits.append((block.sheet, ideal_row, c, best))
    if case in AHP:          # an AHP judgement changed in the share workbook, typed as text
        b = layout.AHP_MATRIX
        edits.append((layout.AHP_SHEET, b.row + 1, b.col + 3, "1/7"))
        edits.append((layout.AHP_SHEET, b.row + 2, b.col + 3, None))      # a_23 cleared …
        edits.append((layout.AHP_SHEET, b.row + 3, b.col + 2, "4"))       # … a_32 typed instead
    return edits, ideal_row


@pytest.fixture(scope="module")
def lo_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("lo")


# every option set compact (the default above STEPS_MAX_CELLS data cells); three also with the
# full z and p·ln p matrices ("show the steps", the default for these small samples)
STEPS = {"ccd_defaults_eq_region", "ccd_max_ringprinted_regions_custom_constant",
         "index_max_entropy_group_ratio_w", "ccd_zscore_spssau", "ccd_grey_middle_interval",
         "index_middle_interval_group"}
RUNS = [(case, False) for case in CASES] + [(case, True) for case in CASES if case in STEPS]


@pytest.mark.parametrize("case,steps", RUNS, ids=[f"{c}-{'steps' if s else 'compact'}" for c, s in RUNS])
def test_share_matches_engine_in_libreoffice(case, steps, tmp_path, lo_dir):
    name = CASES[case][0]
    src = _filled(tmp_path, case)
    out = share_workbook(src, tmp_path / f"{case}-share.xlsx", steps=steps)
    lo_dir = lo_dir / ("steps" if steps else "compact")
    share = _static_checks(out, name)
    engine = _engine(src)
    _formula_checks(name, engine, share)
    recalc = load_workbook(convert(out, "xlsx", lo_dir / case), data_only=True)
    assert _compare(name, engine, recalc) > 10

    # edit inputs in the share workbook, recalculate, compare with the engine on the same edits
    edits, ideal_row = _edits(name, case, share)
    _apply(share, edits)
    edited = tmp_path / f"{case}-edited.xlsx"
    share.save(edited)
    recalc2 = load_workbook(convert(edited, "xlsx", lo_dir / f"{case}-edited"), data_only=True)
    engine2 = _engine(src, edits)
    _compare(name, engine2, recalc2)
    if ideal_row is not None and CASES[case][2].get("method") != "share" and case not in DIRECTIONS \
            and CASES[case][2].get("score") != "grey":
        tpl = layout.TEMPLATES[name]
        scores = tpl.outputs["scores"]
        ws = recalc2[scores.sheet]
        data = recalc2[tpl.inputs[-1].sheet]
        key = (data.cell(ideal_row, 1).value, data.cell(ideal_row, 2).value)
        row = next(r for r in range(scores.row + 1, ws.max_row + 1)
                   if (ws.cell(r, 1).value, ws.cell(r, 2).value) == key)
        assert ws.cell(row, scores.col + 2).value == 1      # a row at the ideal: closeness 1
    # the charts' helper formulas read the formula outputs
    charts = [c.value for row in recalc2["Charts"].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith(("#REF", "#VALUE", "#DIV", "#NAME"))
                   for v in charts)
    assert sum(isinstance(v, float) for v in charts) >= 6
    if case == "ccd_defaults_eq_region":
        # text that looks like a formula stays text, in the formula book and after LibreOffice
        data = share[layout.ENTROPY_TOPSIS_CCD.inputs[1].sheet]
        assert data["A2"].value == "=Beijing" and data["A2"].data_type == "s"
        assert recalc["Scores"]["A3"].value == "=Beijing"
        assert recalc2["Weights"]["B4"].value == "=renamed indicator"
        # the grades are coloured by level: one rule per level
        rules = [r for rng in share["Coupling"].conditional_formatting for r in rng.rules]
        assert len(rules) >= 2 * 10


def test_share_refuses_bad_inputs_and_second_share(tmp_path):
    src = _filled(tmp_path, "index_defaults")
    before = src.read_bytes()
    share_workbook(src, tmp_path / "first-share.xlsx")
    assert src.read_bytes() == before                  # the original is never touched
    wb = load_workbook(src)
    wb["Data"]["D5"].value = "n/a"
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(jx.InputError, match=r"Data!D5"):
        share_workbook(tmp_path / "bad.xlsx", tmp_path / "bad-share.xlsx")
    out = share_workbook(src, tmp_path / "ok-share.xlsx")
    with pytest.raises(jx.InputError, match="already a share workbook"):
        share_book(load_workbook(out))
    with pytest.raises(jx.InputError, match=r"\.xlsx"):
        share_workbook(src, tmp_path / "x.xlsm")
    with pytest.raises(jx.InputError, match="overwrite"):
        share_workbook(src, src)


def test_share_book_keeps_engine_layout_without_libreoffice(tmp_path):
    """Structure cells (regions, years, dimensions) are the engine's; results are formulas."""
    src = _filled(tmp_path, "ccd_defaults_eq_region")
    engine = _engine(src)
    shared = share_book(load_workbook(src))
    tpl = layout.ENTROPY_TOPSIS_CCD
    for key in ("scores", "coupling", "coupling_dimensions"):
        b = tpl.outputs[key]
        for r in range(b.row, b.row + 40):
            for c in (b.col, b.col + 1):
                assert shared[b.sheet].cell(r, c).value == engine[b.sheet].cell(r, c).value
    assert shared["Scores"]["C3"].data_type == "f"


# ---------------------------------------------------------------- guarded inputs (issue 7 item 6)

KEY_COLUMNS = {"region", "year", "dimension", "indicator", "direction", "index", "first_year",
               "last_year", "observation"}
KEY_COLUMNS |= {tr(k, "zh") for k in KEY_COLUMNS}    # the same headers in a zh workbook


def _is_error(v) -> bool:
    return isinstance(v, str) and v.startswith("#")


def _result_cells(name, engine_wb):
    """(sheet, row, col, body index) of every data-dependent result cell of the output blocks."""
    out = []
    for b, width, rows in _blocks(name, engine_wb):
        ws = engine_wb[b.sheet]
        for k in range(width):
            if str(ws.cell(b.row, b.col + k).value) in KEY_COLUMNS:
                continue
            for i in range(rows):
                out.append((b.sheet, b.row + 1 + i, b.col + k, i))
    return out


def _input_cells(name, wb):
    """Unlocked numeric input cells (sheet, row, col) of the share workbook."""
    block = layout.TEMPLATES[name].inputs[-1]
    ws = wb[block.sheet]
    first = block.col + (1 if name == "coupling_coordination" else 2)
    cells = []
    r = block.row + 1
    while ws.cell(r, block.col).value not in (None, ""):
        c = first
        while ws.cell(block.row, c).value not in (None, ""):
            assert ws.cell(r, c).protection.locked is False
            cells.append((block.sheet, r, c))
            c += 1
        r += 1
    return cells


# name -> (case, edit sets); an edit value is a number, or a kind that no method accepts
BAD = ("text", "blank", "true", "false")
FUZZ = {
    "ccd": ("ccd_shift001_squared_w_classic_zh",
            [("text", "blank", "true", 1e12), (-5.0, 1e12, 0.0, -1e9)]),     # minmax: negatives valid
    "index": ("index_defaults",                                               # method max: x ≥ 0
              [(-3.0, 2.5), ("false", "text", 0.5), (1e12, 0.0, 7.25, 0.0), ("true",)]),
    # methods9: zscore + SPSSAU translation (any number valid); grey score with middle / interval
    "ccd_zscore": ("ccd_zscore_spssau", [("text", -3.0, 1e12, 0.0), (-1e9, 0.5)]),
    "ccd_grey_pos": ("ccd_grey_middle_interval", [("blank", "false", -7.0), (1e12, 0.0, -2.5)]),
    "u3": ("u3_wang_alpha_zh_custom",
           [("text", "blank", -0.2, 1.5, "true", 0.0, 1.0, 0.37)]),
}


def _note(ws) -> str:
    """The output note at the top of a result sheet (the input-problem flag when inputs are bad)."""
    return next(str(c.value) for c in ws[1] if isinstance(c.value, str)
                and c.value.startswith(("⚠", "output")))


def _value(kind, rng, original):
    if kind == "text":
        return str(round(float(original) if original is not None else 99999))   # "99999"-style
    if kind == "blank":
        return None
    if kind in ("true", "false"):
        return kind == "true"
    return float(kind)


def _valid(name, method, value) -> bool:
    if value is None or isinstance(value, (str, bool)):
        return False
    if name == "coupling_coordination":
        return 0.0 <= value <= 1.0
    if method in ("max", "share"):
        return value > 0 or (value == 0 and method == "share")   # max: cost indicators need > 0
    return True


@pytest.mark.parametrize("key", list(FUZZ))
def test_share_guards_inputs_fuzz(key, tmp_path, lo_dir):
    """Differential fuzz: random unlocked input cells get text numbers, blanks, TRUE/FALSE, out-of-
    range and huge values; after LibreOffice recalculation every result cell is an error value or
    equals the engine on the same (valid) data. The first problem is named on h_Checks and in the
    note at the top of the result sheets."""
    case, sets = FUZZ[key]
    name = CASES[case][0]
    method = {**{"method": layout.TEMPLATES[name].setting("method").default
                 if name != "coupling_coordination" else None}, **CASES[case][2]}.get("method")
    src = _filled(tmp_path, case)
    out = share_workbook(src, tmp_path / f"{case}-share.xlsx", steps=False)
    share = load_workbook(out)
    cells = _input_cells(name, share)
    rng = np.random.default_rng(sum(map(ord, key)))
    dv = [d for ws in share.worksheets for d in ws.data_validations.dataValidation]
    assert any(d.type == "decimal" and d.prompt and "数" in d.prompt for d in dv)
    if name == "coupling_coordination":
        assert any(d.formula1 == "0" and d.formula2 == "1" for d in dv)
    for k, kinds in enumerate(sets):
        picked = rng.choice(len(cells), size=len(kinds), replace=False)
        edits, bad = [], []
        for kind, idx in zip(kinds, picked):
            sheet, r, c = cells[idx]
            v = _value(kind, rng, share[sheet].cell(r, c).value)
            edits.append((sheet, r, c, v))
            if not _valid(name, method, v):
                bad.append((r, c, v))
        wb = load_workbook(out)
        _apply(wb, edits)
        edited = tmp_path / f"{case}-fuzz{k}.xlsx"
        wb.save(edited)
        got = load_workbook(convert(edited, "xlsx", lo_dir / f"fuzz-{key}-{k}"), data_only=True)
        if name == "coupling_coordination":
            # rows are independent: a bad row shows errors, the others equal the engine on the
            # table with the bad cells left as they were
            bad_rows = {r for r, _, _ in bad}
            good_edits = [e for e in edits if e[1] not in bad_rows]
            engine = _engine(src, good_edits)
            first = layout.TEMPLATES[name].inputs[0].row + 1
            results = layout.TEMPLATES[name].outputs["results"]
            for sheet, r, c, i in _result_cells(name, engine):
                v = got[sheet].cell(r, c).value
                if first + i in bad_rows:
                    assert _is_error(v), f"{sheet}!{got[sheet].cell(r, c).coordinate}: {v!r} for a bad U row"
                else:
                    assert _same(engine[sheet].cell(r, c).value, v), (sheet, r, c, v)
            msg = got["h_Checks"]["B5"].value
            assert (f"row {min(bad_rows)} " in msg) if bad_rows else msg.startswith("OK"), msg
            assert results.sheet in got.sheetnames
            continue
        try:                            # the engine decides whether the edited data are valid
            if any(isinstance(e[3], str) and e[3].strip() for e in edits):
                # Compute all reads a number stored as text (with a warning, issue 11); a share
                # workbook's guard flags it (#N/A) rather than guess
                raise jx.InputError("text in an input cell of a share workbook")
            engine = _engine(src, edits)
            bad = []
        except jx.InputError:
            engine = _engine(src)
            bad = bad or [(r, c, v) for _, r, c, v in edits]
        checked = 0
        for sheet, r, c, _ in _result_cells(name, engine):
            e, v = engine[sheet].cell(r, c).value, got[sheet].cell(r, c).value
            if e in (None, ""):
                continue
            checked += 1
            if bad:
                # hierarchical weights do not depend on the data: they stay (equal to the engine)
                fixed = sheet == "Weights" and CASES[case][2].get("weights", "hierarchical") == \
                    "hierarchical" and name == "ideal_solution_index"
                assert _is_error(v) or (fixed and _same(e, v)), \
                    f"{sheet}!{got[sheet].cell(r, c).coordinate} = {v!r} after {edits}"
            else:
                assert _same(e, v), f"{sheet}!{got[sheet].cell(r, c).coordinate}: engine {e!r}, got {v!r}"
        assert checked > 20
        msg = got["h_Checks"]["B5"].value
        note = _note(got[layout.TEMPLATES[name].outputs["scores"].sheet])
        if not bad:
            assert msg.startswith("OK") and not note.startswith("⚠")
            continue
        assert note.startswith("⚠ check"), note
        types = [(r, c) for r, c, v in bad if v is None or isinstance(v, (str, bool))]
        if types:                       # not a number: the first bad row (and cell) is named
            r0 = min(r for r, _ in types)
            assert f"row {r0}:" in msg or any(f"!{column_letter(c - 1)}{r0}:" in msg
                                              for r, c in types if r == r0), msg
        else:                           # out of range: the column is named
            assert any(f"column {column_letter(c - 1)} " in msg for _, c, v in bad), msg


def test_share_refuses_unsupported_input_formula(tmp_path):
    """A formula with a function outside the share whitelist: one line naming sheet, cell and function."""
    src = _filled(tmp_path, "index_defaults")
    wb = load_workbook(src)
    wb["Indicators"]["B3"].value = '=INDIRECT("A1")'
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(jx.InputError, match=r"sheet Indicators, cell B3: the formula uses INDIRECT") as err:
        share_workbook(tmp_path / "f.xlsx", tmp_path / "f-share.xlsx")
    assert "\n" not in str(err.value)


def test_share_steps_option_and_threshold(tmp_path):
    """Show the steps: the full z / p·ln p matrices only when asked (or at most STEPS_MAX_CELLS
    data cells); the CLI passes --steps / --no-steps; compact books keep O(rows + indicators)
    formulas (per data row: a fixed number, not one per indicator)."""
    from jjj_xl.cli import main
    from jjj_xl.workbook.share import STEPS_MAX_CELLS

    src = _filled(tmp_path, "ccd_defaults_eq_region")
    assert 36 * 14 <= STEPS_MAX_CELLS
    counts = {}
    for flag in ("--steps", "--no-steps"):
        out = tmp_path / f"cli{flag}.xlsx"
        assert main(["share", str(src), "--out", str(out), flag]) == 0
        wb = load_workbook(out)
        counts[flag] = {ws.title: sum(c.data_type == "f" for row in ws.iter_rows() for c in row)
                        for ws in wb.worksheets}
        notes = " ".join(str(c.value) for row in wb[layout.NOTES_SHEET].iter_rows() for c in row if c.value)
        assert "show the steps" in notes and ("on (" if flag == "--steps" else "off (") in notes
        guide = " ".join(str(c.value) for row in wb[layout.GUIDE_SHEET].iter_rows(max_row=6) for c in row
                         if c.value)
        assert "Show the steps" in guide and "显示计算步骤" in guide
    m, n = 36, 14
    # the z matrix (m × n) and the p·ln p matrix (m × n) are the difference
    assert counts["--steps"]["h_Standardised"] - counts["--no-steps"]["h_Standardised"] == m * n
    assert counts["--steps"]["h_Entropy"] - counts["--no-steps"]["h_Entropy"] == m * n + n
    assert counts["--no-steps"]["h_Standardised"] < 30 * n and counts["--no-steps"]["h_Entropy"] < 10 * n
    # default: steps for this small panel
    default = load_workbook(share_workbook(src, tmp_path / "default.xlsx"))
    assert sum(c.data_type == "f" for row in default["h_Entropy"].iter_rows() for c in row) == \
        counts["--steps"]["h_Entropy"]


def test_direction_words_analysts_type_work_in_share_workbooks(tmp_path, lo_dir):
    """正向指标 / 负向指标 / 越大越好 / 越小越好 (as statistical yearbooks and papers write them) are
    read as benefit / cost by Compute all and by the share workbook's formulas alike (a new
    user found the share workbook turning 正向指标 into #N/A)."""
    s = load_sample("paper000")
    words = {"+": ["正向指标", "越大越好", "效益型"], "-": ["负向指标", "越小越好", "逆向指标"]}
    ind = s.indicators.copy()
    ind["direction"] = [words[d][i % 3] for i, d in enumerate(ind["direction"])]
    assert set(s.indicators["direction"]) == {"+", "-"}
    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", ind, s.data)
    src = tmp_path / "words.xlsx"
    wb.save(src)
    out = share_workbook(src, tmp_path / "words-share.xlsx")
    recalc = load_workbook(convert(out, "xlsx", lo_dir / "words"), data_only=True)
    engine = _engine(src)
    assert _compare("entropy_topsis_ccd", engine, recalc) > 100
    # and the words give exactly the numbers of + and −
    plain = build_template("entropy_topsis_ccd")
    fill_inputs(plain, "entropy_topsis_ccd", s.indicators, s.data)
    plain_path = tmp_path / "plain.xlsx"
    plain.save(plain_path)
    assert _compare("entropy_topsis_ccd", _engine(plain_path), recalc) > 100


def test_share_ahp_saaty_1990_house_example(tmp_path, lo_dir):
    """Saaty (1990) EJOR 48:9–26, house example (8 criteria): printed priority vector .173 .054
    .188 .018 .031 .036 .167 .333, λmax = 9.669, C.I. = 0.238, C.R. = 0.169. The share
    workbook's h_AHP formulas (repeated squaring, no add-in) recalculated by LibreOffice give
    them, and equal the engine (numpy.linalg.eig) to 1e-9. With weights = entropy the AHP block
    is informational, so the items need not be the indicators."""
    from tests.test_template_variants import HOUSE, HOUSE_UPPER

    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", *_panel("paper000"))
    _ahp_fill(wb, HOUSE, HOUSE_UPPER)
    src = tmp_path / "house.xlsx"
    wb.save(src)
    out = share_workbook(src, tmp_path / "house-share.xlsx", steps=False)
    recalc = load_workbook(convert(out, "xlsx", lo_dir / "house"), data_only=True)
    engine = _engine(src)
    assert _compare("entropy_topsis_ccd", engine, recalc) > 100
    b = layout.ENTROPY_TOPSIS_CCD.outputs["ahp"]
    ws = recalc[b.sheet]
    got = {ws.cell(r, b.col).value: ws.cell(r, b.col + 1).value for r in range(b.row + 1, b.row + 14)}
    assert [got[h] for h in HOUSE] == pytest.approx([.173, .054, .188, .018, .031, .036, .167, .333],
                                                    abs=5e-4)
    assert round(got["λmax"], 3) == 9.669 and round(got["CI"], 3) == 0.238
    assert round(got["CR"], 3) == 0.169 and got["RI"] == 1.41
    assert got["consistent (CR ≤ 0.1)"].startswith("no")
    assert share_wb_formula(out, b.sheet, b.row + 1, b.col + 1).startswith("='h_AHP'!")


def share_wb_formula(path, sheet, row, col):
    return str(load_workbook(path)[sheet].cell(row, col).value)


def test_share_bad_ahp_comparison_is_flagged(tmp_path, lo_dir):
    """An AHP judgement made invalid in the share workbook (text "x"; a pair not reciprocal)
    turns the results into #N/A and h_Checks!B5 names the AHP sheet (Compute refuses both)."""
    src = _filled(tmp_path, "ccd_ahp_dims")
    out = share_workbook(src, tmp_path / "ahp-share.xlsx", steps=False)
    b = layout.AHP_MATRIX
    for k, (cell, value) in enumerate((((b.row + 1, b.col + 2), "x"),
                                       ((b.row + 2, b.col + 1), "3"))):   # a_12 = 3 and a_21 = 3
        wb = load_workbook(out)
        _apply(wb, [(layout.AHP_SHEET, *cell, value)])
        bad = tmp_path / f"ahp-bad{k}.xlsx"
        wb.save(bad)
        with pytest.raises(jx.InputError, match=r"^sheet AHP: AHP!"):
            _engine(src, [(layout.AHP_SHEET, *cell, value)])
        got = load_workbook(convert(bad, "xlsx", lo_dir / f"ahp-bad{k}"), data_only=True)
        assert got["h_Checks"]["B5"].value.startswith("check sheet AHP"), got["h_Checks"]["B5"].value
        assert _is_error(got["Scores"]["C3"].value) and _is_error(got["Weights"]["E3"].value)
        assert _note(got["Scores"]).startswith("⚠ check sheet AHP")
