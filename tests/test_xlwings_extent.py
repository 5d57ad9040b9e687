"""Live Excel (xlwings): a far formatted cell costs nothing (issue 7 item 3) and Compute on a
share workbook is refused (issue 7 item 4). A fake xlwings book counts the cells crossing COM."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import jjj_xl as jx
from jjj_xl.datasets import load_sample
from jjj_xl.errors import InputError
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action
from jjj_xl.workbook.book import XlwingsBook
from jjj_xl.workbook.templates import build_template, fill_inputs

from .fake_xlwings import EXCEL_ROWS, FakeBook


def _filled_fake(formatted=None):
    wb = build_template("entropy_topsis_ccd")
    s = load_sample("paper000")
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, s.data)
    return FakeBook.from_openpyxl(wb, formatted)


def _weights(book):
    ws = book.sheets["Weights"]
    blk = layout.ENTROPY_TOPSIS_CCD.outputs["weights"]
    header = [ws.cells.get((blk.row, blk.col + k)) for k in range(12)]
    j = blk.col + header.index("w")
    return [ws.cells[(r, j)] for r in range(blk.row + 1, blk.row + 40) if (r, j) in ws.cells]


def _engine_weights():
    s = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return jx.entropy_topsis_coupling(s.data, s.indicators).weights["w"]


def test_a_far_formatted_cell_costs_nothing_in_live_excel():
    plain = _filled_fake()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(XlwingsBook(plain), "compute_all")
    far = _filled_fake({"Data": (EXCEL_ROWS, 1), "Indicators": (EXCEL_ROWS, 9)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(XlwingsBook(far), "compute_all")
    # the same numbers as the engine, with or without the far cell
    np.testing.assert_allclose(_weights(far), _engine_weights(), rtol=1e-12)
    np.testing.assert_allclose(_weights(plain), _weights(far), rtol=0)
    # and about the same COM traffic: a few bottom-row reads and end("up") calls, not a
    # million rows (reading used_range would transfer 1048576 x 16 cells for Data alone)
    assert far.cells_read < plain.cells_read + 2000, (far.cells_read, plain.cells_read)
    assert 0 < far.end_calls <= 2 * XlwingsBook.PROBE_COLS


def test_extent_is_the_data_not_the_used_range():
    book = _filled_fake({"Data": (EXCEL_ROWS, 200)})
    xb = XlwingsBook(book)
    assert xb.extent("Data") == (37, 16)                 # sample: 36 rows under the header
    assert book.cells_read <= 2 * 200      # the bottom row of the used range, one cell per column
    assert xb.table_ref("Data", "tblData") == (1, 1, 37, 16)
    assert xb.table_ref("Data", "nope") is None
    small = _filled_fake()
    assert XlwingsBook(small).extent("Data") == (37, 16) and small.end_calls == 0


def test_blank_rows_and_a_value_far_below_are_read_as_run_reads_them():
    book = _filled_fake({"Data": (EXCEL_ROWS, 1)})
    data = book.sheets["Data"]
    data.cells[(5000, 3)] = 1.0                          # a stray number far below the table
    xb = XlwingsBook(book)
    assert xb.extent("Data") == (5000, 16)
    frame = xb.read_block(layout.ENTROPY_TOPSIS_CCD.inputs[1])
    assert frame.attrs["rows"][-1] == 5000 and 38 in frame.attrs["blank_rows"]


# ---------------------------------------------------------------- share workbooks (item 4)

def _share_fake():
    book = _filled_fake()
    from .fake_xlwings import FakeSheet
    book.sheets.append(FakeSheet(book, "h_Checks", {(1, 1): "Input checks"}))
    book.name = "study-share.xlsx"
    return book


class _App:
    def __init__(self):
        self.alerts = []

    def alert(self, prompt, title=None, **kw):
        self.alerts.append(prompt)


@pytest.mark.parametrize("control", ["jjj_compute_all", "jjj_weights", "jjj_validate",
                                     "jjj_clear_outputs"])
def test_ribbon_refuses_a_share_workbook_in_one_line(control, monkeypatch):
    from jjj_xl.excel import ribbon
    from jjj_xl.workbook import actions

    calls = []
    monkeypatch.setattr(actions, "run_action", lambda *a, **k: calls.append(a))
    book, app = _share_fake(), _App()
    before = {s.name: dict(s.cells) for s in book.sheets}
    assert ribbon.dispatch(control, book=book, app=app) is None
    assert calls == [] and len(app.alerts) == 1
    msg = app.alerts[0]
    assert "\n" not in msg and "study-share.xlsx is a share workbook" in msg and "h_Checks" in msg
    assert {s.name: s.cells for s in book.sheets} == before           # nothing written
    assert book.cells_written == 0


def test_macros_refuse_a_share_workbook_and_still_run_a_template():
    from jjj_xl.excel import macros

    book = _share_fake()
    # (other test files reload xlwings' modules: compare the error by its class name)
    with pytest.raises(Exception, match="is a share workbook") as info:
        macros.classic("compute_all", book=book)
    assert type(info.value).__name__ == "XlwingsError"
    assert "\n" not in str(info.value) and book.cells_written == 0
    plain = _filled_fake()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        macros.classic("compute_all", book=plain)
    np.testing.assert_allclose(_weights(plain), _engine_weights(), rtol=1e-12)
    with pytest.raises(InputError, match="share workbook"):
        from jjj_xl.workbook.share_guard import refuse_share_workbook
        refuse_share_workbook(XlwingsBook(book), "validate")


def test_share_guard_reads_an_xlwings_book_by_its_sheets():
    """xlwings' Book.sheet_names is a property: the guard lists book.sheets instead."""
    from jjj_xl.workbook.share_guard import refuse_share_workbook

    class Book:                               # as xlwings 0.3x: sheet_names is a list property
        name = "b-share.xlsx"
        sheets = _share_fake().sheets

        @property
        def sheet_names(self):
            return [s.name for s in self.sheets]
    with pytest.raises(InputError, match="b-share.xlsx is a share workbook"):
        refuse_share_workbook(Book(), "compute_all")


def test_a_host_without_range_end_reads_the_used_range():
    from .fake_xlwings import FakeRange

    book = _filled_fake({"Data": (3000, 1)})
    end = FakeRange.end
    try:
        def missing(self, direction):
            raise NotImplementedError("end")
        FakeRange.end = missing
        assert XlwingsBook(book).extent("Data") == (3000, 16)
    finally:
        FakeRange.end = end
