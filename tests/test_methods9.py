"""Issue 9, the remaining surfaces (helper methods9): middle / interval indicators in the
Python workflows, Validate listing AHP matrix problems, zscore + SPSSAU translation and the
grey relational score as template Settings. Share-workbook formulas for these options are
tested in tests/test_share.py (LibreOffice recalculation equal to the engine to 1e-9)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import jjj_xl as jx
from jjj_xl.datasets import load_sample
from jjj_xl.errors import InputError
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action, validate_book
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.templates import build_template, fill_inputs

ETC = layout.ENTROPY_TOPSIS_CCD


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return fn(*a, **k)


def _mutated(code="gdp"):
    s = load_sample("paper000")
    data = s.data.copy()
    k = len(data)
    x = np.array([5.0, 7.0, 8.0, 9.0, 12.0, 15.0, 25.0, 6.5] * (k // 8 + 1))[:k]
    data[code] = x
    return s.indicators.copy(), data, x


# ---------------------------------------------------------------- item 5: workflows accept middle / interval

@pytest.mark.parametrize("typed", ["middle 7", "中间型 7", "interval 10-20", "区间型 10-20",
                                   ("middle", 7), ("interval", 10, 20)])
def test_entropy_topsis_coupling_accepts_middle_and_interval(typed, tmp_path):
    """jx.entropy_topsis_coupling from Python positivises a middle / interval indicator over
    the whole panel first (issue 9: middle 1 − |x − best|/max|x − best|; interval
    1 − (max(a − x, 0) + max(x − b, 0))/M, M = max(a − min, max − b)), exactly as the
    template's Compute all does."""
    ind, data, x = _mutated()
    ind["direction"] = ind["direction"].astype(object)
    ind.loc[ind["code"] == "gdp", "direction"] = [typed] if isinstance(typed, tuple) else typed
    if isinstance(typed, tuple):
        ind.at[int(np.flatnonzero(ind["code"] == "gdp")[0]), "direction"] = typed
    res = _quiet(jx.entropy_topsis_coupling, data, ind)
    # hand-computed positivisation of x = 5, 7, 8, 9, 12, 15, 25, 6.5, …
    middle = (typed[0] if isinstance(typed, tuple) else typed).startswith(("middle", "中间"))
    if middle:      # max |x − 7| = 18 (x = 25)
        pos = 1 - np.abs(x - 7) / 18
    else:           # M = max(10 − 5, 25 − 20) = 5
        pos = 1 - (np.clip(10 - x, 0, None) + np.clip(x - 20, 0, None)) / 5
    ref_ind = ind.copy()
    ref_ind.loc[ref_ind["code"] == "gdp", "direction"] = "+"
    ref_data = data.copy()
    ref_data["gdp"] = pos
    ref = _quiet(jx.entropy_topsis_coupling, ref_data, ref_ind)
    assert list(res.weights["w"]) == pytest.approx(list(ref.weights["w"]), rel=1e-12)
    assert list(res.scores["overall"]) == pytest.approx(list(ref.scores["overall"]), rel=1e-12)
    assert list(res.coupling["D"]) == pytest.approx(list(ref.coupling["D"]), rel=1e-12)
    assert res.weights.loc[res.weights["code"] == "gdp", "direction"].iloc[0] == \
        ("middle 7" if middle else "interval 10-20")
    assert "gdp (" in res.notes["positivised"]
    # the template path (Compute all) gives the same numbers
    wb = build_template("entropy_topsis_ccd")
    t_ind = ind.copy()
    t_ind["direction"] = [str(jx.methods._matrix.direction_spec(d)) for d in t_ind["direction"]]
    fill_inputs(wb, "entropy_topsis_ccd", t_ind, data)
    path = tmp_path / "etc.xlsx"
    wb.save(path)
    book = OpenpyxlBook(path)
    _quiet(run_action, book, "compute_all")
    w = book.read_block(ETC.outputs["weights"])
    assert list(w["w"].astype(float)) == pytest.approx(list(res.weights["w"]), rel=1e-12)


def test_ideal_solution_index_accepts_middle_direction():
    s = load_sample("paper004")
    ind = s.indicators.copy()
    code = ind["code"].iloc[0]
    col = s.data[code].to_numpy(dtype=float)
    best = float(np.median(col))
    ind.loc[ind["code"] == code, "direction"] = f"middle {best:g}"
    res = _quiet(jx.ideal_solution_index, s.data, ind)
    ref_ind = ind.copy()
    ref_ind.loc[ref_ind["code"] == code, "direction"] = "+"
    ref_data = s.data.copy()
    ref_data[code] = 1 - np.abs(col - best) / np.abs(col - best).max()
    ref = _quiet(jx.ideal_solution_index, ref_data, ref_ind)
    assert list(res.scores["I"]) == pytest.approx(list(ref.scores["I"]), rel=1e-12)


def test_workflow_unknown_direction_one_line():
    ind, data, _ = _mutated()
    ind.loc[ind["code"] == "gdp", "direction"] = "middle"
    with pytest.raises(InputError, match=r'direction "middle" is not understood; use \+ or -.*middle 7'):
        jx.entropy_topsis_coupling(data, ind)


# ---------------------------------------------------------------- item 6: Validate lists AHP problems

def _ahp_book(tmp_path, items, cells, weights=None):
    """entropy_topsis_ccd with the AHP matrix of ``items``; ``cells`` = {(i, j): value}."""
    s = load_sample("paper000")
    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, s.data)
    ws = wb[layout.AHP_SHEET]
    b = layout.AHP_MATRIX
    for r in range(b.row, b.row + 20):
        for c in range(b.col, b.col + 20):
            ws.cell(r, c).value = None
    ws.cell(b.row, b.col).value = "item"
    for k, name in enumerate(items):
        ws.cell(b.row, b.col + 1 + k).value = name
        ws.cell(b.row + 1 + k, b.col).value = name
        ws.cell(b.row + 1 + k, b.col + 1 + k).value = 1
    for (i, j), v in cells.items():
        ws.cell(b.row + 1 + i, b.col + 1 + j).value = v
    if weights:
        sheet, row, col = ETC.setting_cell("weights")
        wb[sheet].cell(row, col).value = weights
    path = tmp_path / "ahp.xlsx"
    wb.save(path)
    return OpenpyxlBook(path)


def test_validate_lists_every_ahp_problem_with_its_cell(tmp_path):
    # 4 items a..d at AHP!B5:E8 (header row 4, items down column A)
    book = _ahp_book(tmp_path, ["a", "b", "c", "d"],
                     {(0, 1): "3", (1, 0): "1/2",          # not reciprocal: 3 × 1/2 ≠ 1
                      (0, 2): "x",                          # text
                      (0, 3): -2,                           # not positive
                      (2, 2): 2,                            # diagonal ≠ 1
                      (1, 2): "5"})                         # (1, 3)/(3, 1) and (2, 3)/(3, 2) blank
    problems = validate_book(book)
    text = "\n".join(problems)
    assert 'AHP!D5 of the comparison matrix is "x"' in text
    assert "AHP!E5 of the comparison matrix is -2" in text
    assert "AHP!D7 of the comparison matrix is 2; an item compared with itself must be 1" in text
    assert "AHP!C5 of the comparison matrix is 3 but its mirror AHP!B6 is 0.5" in text
    assert "AHP!E6 of the comparison matrix and its mirror (AHP!C8) are both blank" in text
    assert "AHP!E7 of the comparison matrix and its mirror (AHP!D8) are both blank" in text
    assert all(p.startswith("sheet AHP: AHP!") for p in problems if "AHP" in p)
    assert all("\n" not in p for p in problems)
    # Compute refuses with the first one and counts the others
    with pytest.raises(InputError, match=r"^sheet AHP: AHP!.*\(and \d+ more"):
        run_action(book, "compute_all")


def test_validate_ahp_not_square_and_item_mismatch(tmp_path):
    b = layout.AHP_MATRIX
    book = _ahp_book(tmp_path, ["a", "b", "c"], {(0, 1): 3})
    book.wb[layout.AHP_SHEET].cell(b.row, b.col + 4).value = "d"   # a 4th column item, 3 rows
    assert any("3 rows but 4 columns" in p and p.startswith("sheet AHP: AHP!A4")
               for p in validate_book(book))
    book = _ahp_book(tmp_path, ["a", "b", "c"], {(0, 1): 3})
    book.wb[layout.AHP_SHEET].cell(b.row + 2, b.col).value = "B"   # row item 2 "B", column "b"
    problems = validate_book(book)
    assert any(p.startswith('sheet AHP: AHP!A6: row item 2 is "B" but column item 2 (AHP!C4) is "b"')
               for p in problems), problems


def test_validate_ahp_items_must_match_indicators_when_used(tmp_path):
    book = _ahp_book(tmp_path, ["a", "b", "c"], {(0, 1): 3, (0, 2): 5, (1, 2): 2}, weights="ahp")
    problems = validate_book(book)
    assert any("neither all the dimensions nor all the indicator codes" in p and "Settings!C" in p
               for p in problems), problems
    # with entropy weights the same (valid) matrix is informational: no problem
    book2 = _ahp_book(tmp_path, ["a", "b", "c"], {(0, 1): 3, (0, 2): 5, (1, 2): 2})
    assert validate_book(book2) == []


def test_validate_warns_cr_above_saaty_limit(tmp_path):
    """Saaty (1990) EJOR 48:9–26, house example: CR = 0.169 > 0.1 — a warning (Compute uses the
    weights), not a problem."""
    from tests.test_template_variants import HOUSE, HOUSE_UPPER
    cells = {(i, i + 1 + k): v for i, row in enumerate(HOUSE_UPPER) for k, v in enumerate(row)}
    book = _ahp_book(tmp_path, HOUSE, cells)
    found = []
    assert validate_book(book, warnings_out=found) == []
    assert len(found) == 1 and "CR = 0.169 > 0.1" in found[0] and found[0].startswith("AHP!A4")
    out = run_action(book, "validate")
    assert out["problems"] == [] and out["warnings"] == found
    report = book.read_block(ETC.outputs["notes"]).iloc[:, 0].tolist()
    assert report[0].startswith("No problems") and "CR = 0.169" in report[1]
