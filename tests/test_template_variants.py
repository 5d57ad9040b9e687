"""Issue 9, remaining template surfaces: relative development degree E on the
coupling_coordination Results sheet (Settings rd_ratio, rd_bounds).

Expected numbers are hand computations (arithmetic in the comments), not our own output.
Classes (coupling.md section C, METHODS.md §4 proposal): E ≤ b1, b1 < E ≤ b2, E > b2.
"""

import pandas as pd
import pytest

from jjj_xl.errors import InputError
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action, validate_book
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.templates import build_template, fill_inputs

CC = layout.COUPLING_COORDINATION

U_SMALL = pd.DataFrame({"region": ["a", "b", "c", "d", "e"],
                        "economy": [0.5, 0.0, 0.4, 0.2, 0.0],
                        "environment": [0.3, 0.6, 0.4, 0.25, 0.0]})


def _book(tmp_path, U, **settings):
    wb = build_template("coupling_coordination")
    fill_inputs(wb, "coupling_coordination", data=U)
    for key, value in settings.items():
        sheet, row, col = CC.setting_cell(key)
        wb[sheet].cell(row, col).value = value
    path = tmp_path / "u.xlsx"
    wb.save(path)
    return OpenpyxlBook(path)


def _results(book):
    return book.read_block(CC.outputs["results"]).set_index("region")


def _notes(book):
    notes = book.read_block(CC.outputs["notes"])
    return dict(zip(notes["setting"], notes["value"]))


def test_relative_development_default_u2_over_u1(tmp_path):
    book = _book(tmp_path, U_SMALL)
    run_action(book, "compute_all")
    res = _results(book)
    cols = list(res.columns)
    # E and its class label right after lag_type
    assert cols[cols.index("lag_type") + 1:cols.index("lag_type") + 3] == ["E", "development"]
    # a: 0.3/0.5 = 0.6 ≤ 0.8 → environment (U2, the numerator) lags
    assert res.loc["a", "E"] == pytest.approx(0.6, abs=1e-12)
    assert res.loc["a", "development"] == "environment lags"
    # b: U1 = 0 < U2 → E = ∞, written as the text "∞"; class 3 (economy lags)
    assert res.loc["b", "E"] == "∞"
    assert res.loc["b", "development"] == "economy lags"
    # c: 0.4/0.4 = 1 → 0.8 < E ≤ 1.2 synchronous
    assert res.loc["c", "E"] == pytest.approx(1.0, abs=1e-12)
    assert res.loc["c", "development"] == "Synchronous"
    # d: 0.25/0.2 = 1.25 > 1.2 → economy lags
    assert res.loc["d", "E"] == pytest.approx(1.25, abs=1e-12)
    assert res.loc["d", "development"] == "economy lags"
    # e: 0/0 taken as 1 → synchronous
    assert res.loc["e", "E"] == pytest.approx(1.0, abs=1e-12)
    assert res.loc["e", "development"] == "Synchronous"
    notes = _notes(book)
    assert "E = U₂/U₁" in notes["relative development"]
    warns = " | ".join(v for k, v in notes.items() if k.startswith("warning"))
    assert "infinite" in warns and "(b)" in warns
    assert "0/0" in warns and "(e)" in warns


def test_relative_development_u1_over_u2_custom_bounds_zh(tmp_path):
    book = _book(tmp_path, U_SMALL, rd_ratio="u1/u2", rd_bounds="0.9，1.7", lang="zh")
    run_action(book, "compute_all")
    res = _results(book)
    # a: 0.5/0.3 = 1.6667: 0.9 < E ≤ 1.7 → 同步
    assert res.loc["a", "E"] == pytest.approx(0.5 / 0.3, rel=1e-12)
    assert res.loc["a", "development"] == "同步"
    # b: 0/0.6 = 0 ≤ 0.9 → economy (the numerator U1) lags
    assert res.loc["b", "E"] == pytest.approx(0.0, abs=1e-15)
    assert "economy" in res.loc["b", "development"]
    # d: 0.2/0.25 = 0.8 ≤ 0.9 → economy lags
    assert res.loc["d", "E"] == pytest.approx(0.8, abs=1e-12)
    assert res.loc["d", "development"] == res.loc["b", "development"]
    assert "E = U₁/U₂" in _notes(book)["relative development"]


def test_three_systems_have_no_relative_development(tmp_path):
    U = U_SMALL.assign(society=[0.2, 0.3, 0.4, 0.5, 0.6])
    book = _book(tmp_path, U)
    run_action(book, "compute_all")
    assert "E" not in _results(book).columns


@pytest.mark.parametrize("value", ["1.2, 0.8", "0.8", "0, 1", "a, b", "0.8, 1.2, 2"])
def test_bad_bounds_is_one_line_naming_the_cell(tmp_path, value):
    book = _book(tmp_path, U_SMALL, rd_bounds=value)
    problems = validate_book(book)
    sheet, row, col = CC.setting_cell("rd_bounds")
    cell = f"{sheet}!{chr(64 + col)}{row}"
    assert any(cell in p and "ascending positive" in p and "\n" not in p for p in problems), problems
    with pytest.raises(InputError, match="ascending positive"):
        run_action(book, "compute_all")


def test_older_workbook_blank_rd_cells_read_the_defaults(tmp_path):
    # a workbook built before these settings has blank cells there: u2/u1 and (0.8, 1.2)
    book = _book(tmp_path, U_SMALL, rd_ratio=None, rd_bounds=None)
    run_action(book, "compute_all")
    res = _results(book)
    assert res.loc["d", "E"] == pytest.approx(1.25, abs=1e-12)      # 0.25/0.2
    assert res.loc["d", "development"] == "economy lags"            # 1.25 > 1.2
