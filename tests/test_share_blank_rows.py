"""Share workbooks skip fully blank rows inside the input tables, as ``jjj-xl run`` does
(issue 7 item 3): their results are the engine's on the same workbook, the counts n and the
column constants ignore the blank rows, and the engine's warning naming them is on the share
Notes. The input guards keep working on the rows around them."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl.workbook import layout
from jjj_xl.workbook.share import H_CHECKS, H_ENTROPY, ENT_M_CELL, share_workbook

from .libreoffice import convert
from .rich_books import filled
from .test_package import _with_blank_rows
from .test_share import _apply, _compare, _engine, _formula_checks, _static_checks, _u_frame


def _share(src, out, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return share_workbook(src, out, **kw)


@pytest.mark.parametrize("at,steps", [([14], False), ([2, 3], False), ([9, 20, 21], True)])
def test_share_with_blank_rows_matches_the_engine(tmp_path, at, steps):
    name = layout.ENTROPY_TOPSIS_CCD.name
    src = _with_blank_rows(tmp_path, at)
    out = _share(src, tmp_path / "blank-share.xlsx", steps=steps)
    # (_static_checks looks at Data rows 2 and 4 as input cells)
    share = _static_checks(out, name) if not {2, 4} & set(at) else load_workbook(out)
    engine = _engine(src)
    _formula_checks(name, engine, share)
    # the panel without the blank rows is what the engine scores: 36 rows (6 cities x 6 years)
    assert share[H_ENTROPY].cell(*ENT_M_CELL).value == 36
    notes = " ".join(str(c) for row in share[layout.NOTES_SHEET].iter_rows(values_only=True)
                     for c in row if c)
    assert "blank row" in notes and all(str(r) in notes for r in at)
    # blank rows stay locked: nobody can type a 37th row into them
    assert all(share["Data"].cell(r, 3).protection.locked for r in at)
    recalc = load_workbook(convert(out, "xlsx", tmp_path / "lo"), data_only=True)
    assert _compare(name, engine, recalc) > 10
    # the numbers equal the engine's on the panel without any blank row
    plain = _engine(filled(tmp_path, filename="plain.xlsx"))
    assert _compare(name, plain, recalc) > 10
    # an edit below the last blank row recalculates like the engine on the same edit
    row = max(at) + 1
    edits = [("Data", row, 4, float(share["Data"].cell(row, 4).value) * 1.5)]
    _apply(share, edits)
    share.save(tmp_path / "edited.xlsx")
    recalc2 = load_workbook(convert(tmp_path / "edited.xlsx", "xlsx", tmp_path / "lo2"), data_only=True)
    _compare(name, _engine(src, edits), recalc2)
    # a guard still fires: text in a data cell next to a blank row gives #N/A and names the cell
    _apply(share, [("Data", row, 5, "99999")])
    share.save(tmp_path / "text.xlsx")
    recalc3 = load_workbook(convert(tmp_path / "text.xlsx", "xlsx", tmp_path / "lo3"), data_only=True)
    assert f"Data!E{row}" in str(recalc3[H_CHECKS]["B5"].value)


def test_share_u_table_with_a_blank_row_matches_the_engine(tmp_path):
    from jjj_xl.workbook.templates import build_template, fill_inputs

    tpl = layout.COUPLING_COORDINATION
    U = _u_frame(3)
    rows = [tuple(r) for r in U.astype(object).itertuples(index=False)]
    rows.insert(4, tuple([None] * U.shape[1]))
    wb = build_template(tpl.name)
    fill_inputs(wb, tpl.name, data=pd.DataFrame(rows, columns=U.columns))
    src = tmp_path / "u-blank.xlsx"
    wb.save(src)
    out = _share(src, tmp_path / "u-share.xlsx")
    engine = _engine(src)
    recalc = load_workbook(convert(out, "xlsx", tmp_path / "lo"), data_only=True)
    assert _compare(tpl.name, engine, recalc) > 10
    # the engine on the table without the blank row gives the same numbers
    wb2 = build_template(tpl.name)
    fill_inputs(wb2, tpl.name, data=U)
    wb2.save(tmp_path / "u-plain.xlsx")
    assert _compare(tpl.name, _engine(tmp_path / "u-plain.xlsx"), recalc) > 10
    got = [r[3] for r in recalc["Results"].iter_rows(min_row=3, values_only=True) if r[3] is not None]
    assert len(got) == len(U) and np.isfinite(got).all()


def test_share_follows_a_data_table_moved_from_the_template_cell(tmp_path):
    """The Data table (its Excel Table tblData) moved two rows down and one column right: the
    share formulas follow it, and LibreOffice gives the engine's numbers on the original."""
    from openpyxl.utils import get_column_letter

    src = filled(tmp_path)
    wb = load_workbook(src)
    ws = wb["Data"]
    last_col, last_row = ws.max_column, ws.max_row
    ws.move_range(f"A1:{get_column_letter(last_col)}{last_row}", rows=2, cols=1)
    ws.tables["tblData"].ref = f"B3:{get_column_letter(last_col + 1)}{last_row + 2}"
    moved = tmp_path / "moved.xlsx"
    wb.save(moved)
    out = _share(moved, tmp_path / "moved-share.xlsx")
    share = load_workbook(out)
    assert share["Data"]["D4"].protection.locked is False        # first number, moved
    assert share["Data"]["C2"].protection.locked is True
    recalc = load_workbook(convert(out, "xlsx", tmp_path / "lo"), data_only=True)
    assert _compare(layout.ENTROPY_TOPSIS_CCD.name, _engine(src), recalc) > 10


@pytest.mark.parametrize("case", ["index_max_entropy_group_ratio_w", "index_minmax_entropy_data",
                                  "ccd_share_squared_wang_dimensions_zh_custom",
                                  "u2_fan_right_rescale",
                                  # issue 9 options (zscore + SPSSAU translation, grey score with
                                  # middle / interval indicators, per-region positivisation, AHP)
                                  "ccd_zscore_spssau", "ccd_grey_middle_interval",
                                  "ccd_middle_interval_shift0_spssau", "index_middle_interval_group",
                                  "ccd_entropy_x_ahp_codes"])
@pytest.mark.parametrize("steps", [False, True])
def test_share_skips_blank_rows_for_every_kind_of_option(tmp_path, case, steps):
    """Blank rows inserted in the input table of an option set (within-region ideal,
    standardisation max / share, rescaled U): LibreOffice gives the engine's numbers on the
    same workbook and on the workbook without the blank rows."""
    from .test_share import CASES, _filled

    name = CASES[case][0]
    src = _filled(tmp_path, case)
    wb = load_workbook(src)
    block = layout.TEMPLATES[name].inputs[-1]
    ws = wb[block.sheet]
    for r in (block.row + 4, block.row + 8, block.row + 9):
        ws.insert_rows(r)
    blank = tmp_path / "blank.xlsx"
    wb.save(blank)
    out = _share(blank, tmp_path / "blank-share.xlsx", steps=steps)
    recalc = load_workbook(convert(out, "xlsx", tmp_path / "lo"), data_only=True)
    assert _compare(name, _engine(blank), recalc) > 10
    assert _compare(name, _engine(src), recalc) > 10
