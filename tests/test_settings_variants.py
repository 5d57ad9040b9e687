"""Issue 9 on the template surface: the coupling variants as Settings (model fan, grade
intervals closed left/right, Rescale U), defaults that agree with the Python API, and
warnings that name the Data sheet's column and Excel row.

Expected numbers are hand computations (arithmetic in the comments), not our own output.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl.datasets import load_sample
from jjj_xl.errors import InputError
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action, validate_book
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.templates import build_template, fill_inputs

from .rich_books import u_book  # noqa: E402

CC = layout.COUPLING_COORDINATION
ETC = layout.ENTROPY_TOPSIS_CCD


_u_book = u_book   # tests/rich_books.py


def _notes(book, tpl):
    notes = book.read_block(tpl.outputs["notes"])
    return dict(zip(notes["setting"], notes["value"]))


def test_defaults_agree_with_the_python_api():
    # coupling_coordination: classic, as jx.coupling; entropy_topsis_ccd: ring, as
    # jx.entropy_topsis_coupling (paper 000); grade intervals left, no rescale
    import inspect
    assert CC.setting("coupling_model").default == \
        inspect.signature(jx.coupling).parameters["model"].default == "classic"
    assert ETC.setting("coupling_model").default == \
        inspect.signature(jx.entropy_topsis_coupling).parameters["coupling_model"].default == "ring"
    for tpl in (CC, ETC):
        assert tpl.setting("closed").default == "left"
        assert "fan" in tpl.setting("coupling_model").choices
        # new settings come last, so that an older workbook's blank cell reads as the default
        assert [s.key for s in tpl.settings][-1] in ("closed", "rescale", "rd_bounds", "weights", "score",
                                                     "missing")
    assert CC.setting("rescale").default == "none"


def test_fan_rescale_hand_computed(tmp_path):
    # raw indices, not in [0, 1]: allowed only with Rescale U
    U = pd.DataFrame({"observation": ["a", "b", "c"], "economy": [10.0, 20.0, 30.0],
                      "environment": [6.0, 5.0, 7.0]})
    book = _u_book(tmp_path, U, coupling_model="fan", rescale="0.01-0.99")
    assert validate_book(book) == []
    run_action(book, "compute_all")
    res = book.read_block(CC.outputs["results"])
    # rescaled: economy 0.01, 0.5, 0.99; environment 0.5, 0.01, 0.99
    # a: (0.01, 0.5): mean 0.255, population SD 0.245, C = 1 − 2·0.245 = 0.51, T = 0.255,
    #    D = √(0.51·0.255) = √0.13005 = 0.360624... → level 4 ([0.3, 0.4))
    # b: (0.5, 0.01): the same; c: (0.99, 0.99): C = 1, T = 0.99, D = √0.99 → level 10
    np.testing.assert_allclose(res["C"].astype(float), [0.51, 0.51, 1.0], atol=1e-12)
    np.testing.assert_allclose(res["T"].astype(float), [0.255, 0.255, 0.99], atol=1e-12)
    np.testing.assert_allclose(res["D"].astype(float),
                               [math.sqrt(0.13005), math.sqrt(0.13005), math.sqrt(0.99)], atol=1e-12)
    assert list(res["level"].astype(int)) == [4, 4, 10]
    notes = _notes(book, CC)
    assert "Fan" in notes["coupling model"]
    assert "0.01" in notes["U rescaled"] and "0.99" in notes["U rescaled"]


def test_raw_u_without_rescale_names_cell_and_setting(tmp_path):
    U = pd.DataFrame({"observation": ["a", "b"], "economy": [10.0, 20.0], "environment": [0.5, 0.4]})
    book = _u_book(tmp_path, U)
    problems = validate_book(book)
    sheet, row, col = CC.setting_cell("rescale")
    assert len(problems) == 2
    assert problems[0].startswith("U!B2:") and f"Settings!C{row}" in problems[0]
    assert "\n" not in problems[0]


def test_closed_right_puts_bounds_in_the_lower_level(tmp_path):
    # fan, equal U: C = 1 exactly; D = √T: (0.25, 0.25) → D = 0.5; (0.04, 0.04) → D = 0.2;
    # (0, 0) → D = 0. left [a, b): 0.5 → level 6, 0.2 → level 3, 0 → level 1;
    # right (a, b]: 0.5 → level 5, 0.2 → level 2, 0 → level 1 (lowest bound in level 1)
    U = pd.DataFrame({"observation": ["x", "y", "z"], "economy": [0.25, 0.04, 0.0],
                      "environment": [0.25, 0.04, 0.0]})
    levels = {}
    for closed in ("left", "right"):
        book = _u_book(tmp_path, U, coupling_model="fan", closed=closed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jx.JJJWarning)
            run_action(book, "compute_all")
        res = book.read_block(CC.outputs["results"])
        np.testing.assert_allclose(res["D"].astype(float), [0.5, 0.2, 0.0], atol=1e-15)
        levels[closed] = list(res["level"].astype(int))
        note = _notes(book, CC)["grade scheme"]
        assert ("right-closed" in note) == (closed == "right")
    assert levels == {"left": [6, 3, 1], "right": [5, 2, 1]}


def test_entropy_topsis_ccd_closed_right_matches_engine(tmp_path):
    wb = build_template("entropy_topsis_ccd")
    s = load_sample("paper000")
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, s.data)
    sheet, row, col = ETC.setting_cell("closed")
    wb[sheet].cell(row, col).value = "right"
    path = tmp_path / "e.xlsx"
    wb.save(path)
    book = OpenpyxlBook(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(book, "compute_all")
        want = jx.entropy_topsis_coupling(s.data, s.indicators, closed="right")
    got = book.read_block(ETC.outputs["coupling"])
    assert list(got["level"].astype(int)) == list(want.coupling["level"].astype(int))
    assert "right-closed" in _notes(book, ETC)["grade scheme"]


@pytest.mark.parametrize("key,value", [("closed", "middle"), ("rescale", "0-1"),
                                       ("coupling_model", "fann")])
def test_bad_variant_setting_is_one_line_naming_its_cell(tmp_path, key, value):
    U = pd.DataFrame({"observation": ["a", "b"], "economy": [0.1, 0.2], "environment": [0.5, 0.4]})
    book = _u_book(tmp_path, U, **{key: value})
    sheet, row, col = CC.setting_cell(key)
    with pytest.raises(InputError) as err:
        run_action(book, "compute_all")
    text = str(err.value)
    assert text.startswith(f"Settings!C{row} ({CC.setting(key).label}") and f'"{value}"' in text
    assert "\n" not in text


def test_older_workbook_without_the_new_rows_reads_defaults(tmp_path):
    # a workbook built before these settings existed: the rows are blank
    U = pd.DataFrame({"observation": ["a", "b"], "economy": [0.1, 0.2], "environment": [0.5, 0.4]})
    book = _u_book(tmp_path, U, closed=None, rescale=None)
    run_action(book, "compute_all")
    res = book.read_block(CC.outputs["results"])
    want = jx.coupling(U.set_index("observation"))
    np.testing.assert_allclose(res["D"].astype(float), want.D, rtol=1e-12)


def test_warnings_name_the_data_sheet_excel_row_after_a_skipped_blank_row(tmp_path):
    # a blank row inside the Data table is skipped by the reader; warnings about later rows
    # must still name their Excel row (read back from the sheet here, not from our output)
    wb = build_template("entropy_topsis_ccd")
    s = load_sample("paper000")
    data = s.data.copy()
    code = s.indicators["code"].iloc[2]
    data[code] = 5.0                                  # a constant indicator
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, data)
    ws = wb["Data"]
    ws.insert_rows(5)                                 # blank Excel row 5
    path = tmp_path / "blank.xlsx"
    wb.save(path)
    book = OpenpyxlBook(path)
    out = run_action(book, "compute_all")
    text = " | ".join(out["warnings"])
    assert "blank row 5" in text
    import re
    header = [c.value for c in ws[ETC.inputs[1].row]]
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index(code)]
    assert f"(column {letter} of sheet Data)" in text   # the constant indicator's column
    hits = re.findall(r"Data row (\d+) \((\S+) (\d{4})\)", text)
    assert hits and any(int(r) > 5 for r, _, _ in hits)
    for r, region, year in hits:                      # each named row holds that region-year
        assert ws.cell(int(r), header.index("region") + 1).value == region
        assert int(ws.cell(int(r), header.index("year") + 1).value) == int(year)
