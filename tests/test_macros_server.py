"""The workbook scripts through xlwings Server/Lite: ``xw.Book(json=...)`` + ``custom_scripts_call``."""

import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

import jjj_xl as jx
from jjj_xl.workbook import layout
from jjj_xl.datasets import load_sample
from jjj_xl.workbook.templates import build_template, fill_inputs

from . import xlserver


@pytest.fixture(scope="module")
def server():
    with xlserver.server_mode("jjj_xl.excel.macros") as (xw, (macros,)):
        yield xw, macros


def payload_of(wb):
    """The Office.js book JSON of an openpyxl workbook: values, tables and defined names."""
    sheets, tables = {}, {}
    for ws in wb.worksheets:
        sheets[ws.title] = [[c.value for c in row] for row in ws.iter_rows()] or [[None]]
        if ws.tables:
            tables[ws.title] = {t.displayName: t.ref for t in ws.tables.values()}
    names = {}
    for name, dn in wb.defined_names.items():
        sheet, addr = dn.attr_text.split("!")
        names[name] = (sheet.strip("'"), addr.replace("$", ""))
    return xlserver.book_json(sheets, names=names, tables=tables)


def filled(name="entropy_topsis_ccd", sample="paper000", mutate=None):
    wb = build_template(name)
    s = load_sample(sample)
    data = mutate(s.data.copy()) if mutate else s.data
    fill_inputs(wb, name, s.indicators, data)
    return wb


def run(server, script, payload):
    xw, macros = server
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xlserver.run_script(macros, script, payload)


def frame_at(grid, block):
    header = grid[block.row - 1][block.col - 1:]
    header = header[:header.index("")] if "" in header else header
    rows = []
    for r in grid[block.row:]:
        cells = r[block.col - 1:block.col - 1 + len(header)]
        if all(v == "" for v in cells):
            break
        rows.append(cells)
    return pd.DataFrame(rows, columns=header)


def touched_sheets(payload, response):
    order = [s["name"] for s in payload["sheets"]]
    return {order[a["sheet_position"]] for a in response["actions"] if a["func"] != "addSheet"}


def test_compute_all_writes_only_output_sheets(server):
    tpl = layout.ENTROPY_TOPSIS_CCD
    payload = payload_of(filled())
    response = run(server, "jjj_compute_all", payload)
    assert touched_sheets(payload, response) <= set(tpl.output_sheets)
    assert set(xlserver.written_sheets(payload, response)) == set(tpl.output_sheets)
    grids = xlserver.apply_actions(payload, response)
    s = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.entropy_topsis_coupling(s.data, s.indicators)
    scores = frame_at(grids["Scores"], tpl.outputs["scores"])
    np.testing.assert_allclose(scores["overall"].astype(float), res.scores["overall"], rtol=1e-12)
    coup = frame_at(grids["Coupling"], tpl.outputs["coupling"])
    np.testing.assert_allclose(coup["D"].astype(float), res.coupling["D"], rtol=1e-12)
    assert list(coup["label"]) == list(res.coupling["label"])
    # the input sheets come back exactly as sent
    for sheet in ("Indicators", "Data", "Settings"):
        sent = next(s["values"] for s in payload["sheets"] if s["name"] == sheet)
        assert grids[sheet] == xlserver._trim(sent)


def test_single_steps_and_clear(server):
    payload = payload_of(filled())
    assert touched_sheets(payload, run(server, "jjj_weights", payload)) == {"Weights", "Notes"}
    assert touched_sheets(payload, run(server, "jjj_scores", payload)) == {"Scores", "Notes"}
    assert touched_sheets(payload, run(server, "jjj_coupling", payload)) == {"Coupling", "Notes"}
    cleared = run(server, "jjj_clear_outputs", payload)
    assert touched_sheets(payload, cleared) == set(layout.ENTROPY_TOPSIS_CCD.output_sheets)


def test_ideal_solution_index_script(server):
    tpl = layout.IDEAL_SOLUTION_INDEX
    payload = payload_of(filled("ideal_solution_index", "paper004"))
    response = run(server, "jjj_compute_all", payload)
    assert touched_sheets(payload, response) <= set(tpl.output_sheets)
    grids = xlserver.apply_actions(payload, response)
    s = load_sample("paper004")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.ideal_solution_index(s.data, s.indicators)
    got = frame_at(grids["Index"], tpl.outputs["scores"])
    np.testing.assert_allclose(got["I"].astype(float), res.scores["I"], rtol=1e-12)


def test_validate_and_bad_data(server):
    xw, _ = server

    def spoil(d):
        d = d.astype(object)
        d.loc[3, "gdp"] = "n/a"
        return d
    payload = payload_of(filled(mutate=spoil))
    response = run(server, "jjj_validate", payload)
    assert touched_sheets(payload, response) == {"Notes"}
    notes = xlserver.apply_actions(payload, response)["Notes"]
    assert any('Data!C5: indicator "GDP"' in str(v) for r in notes for v in r)
    with pytest.raises(xw.XlwingsError) as err:
        run(server, "jjj_compute_all", payload)
    assert "\n" not in str(err.value) and "Data!C5" in str(err.value) and "n/a" in str(err.value)


def test_not_a_template(server):
    xw, _ = server
    payload = xlserver.book_json({"Sheet1": [[1, 2], [3, 4]]})
    with pytest.raises(xw.XlwingsError, match="not a jjj-xl template"):
        run(server, "jjj_compute_all", payload)


def test_cells_are_addressed_like_excel():
    assert get_column_letter(layout.SETTINGS_VALUE_COL) == "C"
