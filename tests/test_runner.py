"""Headless runner and workbook actions: outputs right, inputs untouched, bad books refused."""

import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl import cli
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action, validate_book
from jjj_xl.workbook.book import OpenpyxlBook, check_zip
from jjj_xl.datasets import load_sample
from jjj_xl.workbook.templates import build_template, fill_inputs


def _filled(tmp_path, name="entropy_topsis_ccd", mutate=None, sample="paper000"):
    wb = build_template(name)
    s = load_sample(sample)
    data = s.data.copy()
    if mutate:
        data = mutate(data)
    fill_inputs(wb, name, s.indicators, data)
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    return path


def _cells(path, sheets):
    wb = load_workbook(path)
    return {s: [[c.value for c in row] for row in wb[s].iter_rows()] for s in sheets}


def _inputs(tpl):
    return [b.sheet for b in tpl.inputs] + [layout.SETTINGS_SHEET]


@pytest.mark.parametrize("name,sample", [("entropy_topsis_ccd", "paper000"),
                                         ("ideal_solution_index", "paper004")])
def test_run_keeps_inputs_and_matches_engine(tmp_path, name, sample, capsys):
    path = _filled(tmp_path, name, sample=sample)
    tpl = layout.TEMPLATES[name]
    before = _cells(path, _inputs(tpl))
    out = tmp_path / "out.xlsx"
    assert cli.main(["run", str(path), "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert _cells(out, _inputs(tpl)) == before          # input cells byte-identical in value
    assert _cells(path, _inputs(tpl)) == before          # and the source file untouched
    book = OpenpyxlBook(out)
    s = load_sample(sample)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        if name == "entropy_topsis_ccd":
            res = jx.entropy_topsis_coupling(s.data, s.indicators)
            got = book.read_block(tpl.outputs["scores"])
            np.testing.assert_allclose(got["overall"].astype(float), res.scores["overall"], rtol=1e-12)
            coup = book.read_block(tpl.outputs["coupling"])
            np.testing.assert_allclose(coup["D"].astype(float), res.coupling["D"], rtol=1e-12)
            dims = book.read_block(tpl.outputs["coupling_dimensions"])
            assert len(dims) == len(res.coupling_dimensions)
        else:
            res = jx.ideal_solution_index(s.data, s.indicators)
            got = book.read_block(tpl.outputs["scores"])
            np.testing.assert_allclose(got["I"].astype(float), res.scores["I"], rtol=1e-12)
            growth = book.read_block(tpl.outputs["growth"])
            np.testing.assert_allclose(growth["I"].astype(float), res.growth["I"], rtol=1e-12)
    notes = book.read_block(tpl.outputs["notes"])
    assert "template" in list(notes["setting"])
    # charts come back after openpyxl's load/save (it drops them on load)
    with zipfile.ZipFile(out) as zf:
        assert any(n.startswith("xl/charts/chart") for n in zf.namelist())


def test_settings_change_numbers_and_are_noted(tmp_path):
    path = _filled(tmp_path)
    wb = load_workbook(path)
    tpl = layout.ENTROPY_TOPSIS_CCD
    for key, value in (("coupling_model", "classic"), ("lang", "zh"), ("orientation", "regions")):
        sheet, row, col = tpl.setting_cell(key)
        wb[sheet].cell(row, col).value = value
    wb.save(path)
    book = OpenpyxlBook(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(book, "compute_all")
    coup = book.read_block(tpl.outputs["coupling"])
    s = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.entropy_topsis_coupling(s.data, s.indicators, coupling_model="classic", lang="zh")
    np.testing.assert_allclose(coup["C"].astype(float), res.coupling["C"], rtol=1e-12)
    from jjj_xl.methods.coupling import CCD10_LABELS
    assert set(coup["协调等级"]) <= set(CCD10_LABELS["zh"])    # lang zh: headers in Chinese too
    # orientation "regions": the dimensions table is not written
    dims = tpl.outputs["coupling_dimensions"]
    assert book.read(dims.sheet, dims.row, dims.col, 1, 1)[0][0] is None
    notes = book.read_block(tpl.outputs["notes"])
    assert any("classic" in str(v) for v in notes["取值"])


def test_custom_grade_scheme_from_settings_table(tmp_path):
    path = _filled(tmp_path)
    wb = load_workbook(path)
    tpl = layout.ENTROPY_TOPSIS_CCD
    sheet, row, col = tpl.setting_cell("scheme")
    wb[sheet].cell(row, col).value = "custom"
    blk = tpl.scheme
    ws = wb[blk.sheet]
    for r in range(blk.row + 1, blk.row + 12):
        for c in range(blk.col, blk.col + 3):
            ws.cell(r, c).value = None
    for i, (t, en, zh) in enumerate([(0, "Low", "低"), (0.5, "Mid", "中"), (0.7, "High", "高")]):
        ws.cell(blk.row + 1 + i, blk.col).value = t
        ws.cell(blk.row + 1 + i, blk.col + 1).value = en
        ws.cell(blk.row + 1 + i, blk.col + 2).value = zh
    wb.save(path)
    book = OpenpyxlBook(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(book, "compute_all")
    coup = book.read_block(tpl.outputs["coupling"])
    D = coup["D"].astype(float)
    expected = np.where(D >= 0.7, "High", np.where(D >= 0.5, "Mid", "Low"))
    assert list(coup["label"]) == list(expected)
    assert set(coup["level"]) <= {1, 2, 3}


def test_validate_reports_every_problem_with_its_cell(tmp_path):
    def spoil(d):
        d = d.astype(object)
        d.loc[3, "gdp"] = "n/a"          # sheet row 5, column C
        d.loc[7, "unemployment"] = None  # sheet row 9, column N
        return d
    path = _filled(tmp_path, mutate=spoil)
    wb = load_workbook(path)
    wb["Indicators"].cell(3, 5).value = "up"   # direction of the 2nd indicator
    wb.save(path)
    before = _cells(path, _inputs(layout.ENTROPY_TOPSIS_CCD))
    problems = validate_book(path)
    text = "\n".join(problems)
    assert 'Data!C5: indicator "GDP" (column C) has text "n/a" in row 5 (Beijing 2017); numbers only' in problems
    assert "Data!N9" in text and "blank" in text
    assert 'Indicators!E3: direction "up"' in text
    assert len(problems) == 3 and all("\n" not in p for p in problems)
    # compute refuses with the first problem in one line, and writes the report to Notes
    book = OpenpyxlBook(path)
    with pytest.raises(jx.InputError) as err:
        run_action(book, "compute_all")
    assert "\n" not in str(err.value) and "2 more" in str(err.value)
    notes = book.read_block(layout.ENTROPY_TOPSIS_CCD.outputs["notes"])
    assert len(notes) == 3
    assert _cells(path, _inputs(layout.ENTROPY_TOPSIS_CCD)) == before


def test_run_bad_data_one_line_exit_2(tmp_path, capsys):
    path = _filled(tmp_path, mutate=lambda d: d.astype(object).assign(
        gdp=lambda x: x.gdp.where(x.index != 0, "#DIV/0!")))
    assert cli.main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Data!C2" in err and "#DIV/0!" in err


def test_clear_outputs_and_steps(tmp_path):
    path = _filled(tmp_path)
    book = OpenpyxlBook(path)
    tpl = layout.ENTROPY_TOPSIS_CCD
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        assert run_action(book, "weights")["written"] == ["Weights", "Notes"]
        assert len(book.read_block(tpl.outputs["weights"])) == 14
        assert book.read(tpl.outputs["scores"].sheet, tpl.outputs["scores"].row, 1, 1, 1)[0][0] is None
        run_action(book, "compute_all")
    run_action(book, "clear_outputs")
    for key in ("weights", "scores", "coupling"):
        b = tpl.outputs[key]
        assert book.read(b.sheet, b.row, b.col, 1, 1)[0][0] is None
        assert book.read(b.sheet, b.row - 1, b.col, 1, 1)[0][0] == b.title   # titles stay
    with pytest.raises(jx.InputError, match="no \"coupling\" step"):
        run_action(OpenpyxlBook(_filled(tmp_path, "ideal_solution_index", sample="paper004")), "coupling")


def test_coupling_template(tmp_path):
    wb = build_template("coupling_coordination")
    U = pd.DataFrame({"observation": ["2019", "2020", "2021"], "economy": [0.4, 0.5, 0.9],
                      "environment": [0.3, 0.52, 0.2]})
    fill_inputs(wb, "coupling_coordination", data=U)
    path = tmp_path / "u.xlsx"
    wb.save(path)
    book = OpenpyxlBook(path)
    run_action(book, "compute_all")
    res = book.read_block(layout.COUPLING_COORDINATION.outputs["results"])
    direct = jx.coupling(U.set_index("observation"), model="ring")
    np.testing.assert_allclose(res["D"].astype(float), direct.D, rtol=1e-12)
    assert list(res["lag_type"]) == ["Synchronous", "Synchronous", "Environment lags"]


def test_not_a_template_and_zip_bomb(tmp_path, capsys):
    from openpyxl import Workbook
    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    assert cli.main(["run", str(plain)]) == 2
    assert "not a jjj-xl template" in capsys.readouterr().err
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (600 * 1024 * 1024))
    with pytest.raises(jx.InputError, match="zip bomb"):
        check_zip(bomb)
    assert cli.main(["run", str(bomb)]) == 2
    text = tmp_path / "notes.xlsx"
    text.write_text("hello")
    assert cli.main(["run", str(text)]) == 2
    assert "not an Excel .xlsx" in capsys.readouterr().err


def test_xml_entities_are_not_expanded(tmp_path, capsys):
    """A billion-laughs workbook.xml is refused in one line naming the part, by every reader
    (the package reader parses with defusedxml; openpyxl alone accepted it)."""
    src = _filled(tmp_path)
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                        + body)
            zout.writestr(item, data)
    from jjj_xl.workbook.package import PackageBook
    with pytest.raises(jx.InputError, match="xl/workbook.xml.*entities"):
        PackageBook(evil)
    for argv in (["run", str(evil)], ["validate", str(evil)],
                 ["share", str(evil), "--out", str(tmp_path / "s.xlsx")]):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "evil.xlsx" in err and "xl/workbook.xml" in err


def test_new_copies_shipped_template(tmp_path, capsys):
    target = tmp_path / "mine.xlsx"
    assert cli.main(["new", "ideal_solution_index", str(target)]) == 0
    wb = load_workbook(target)
    assert wb.sheetnames == list(layout.IDEAL_SOLUTION_INDEX.sheets)
    assert cli.main(["new", "ideal_solution_index", str(target)]) == 2   # never overwrites
    assert "already exists" in capsys.readouterr().err


def test_classic_entry_acts_on_the_given_or_active_book(tmp_path):
    """Classic RunPython calls macros.classic(action): same actions, errors as one line."""
    import xlwings as xw

    from jjj_xl.excel import macros
    path = _filled(tmp_path)
    book = OpenpyxlBook(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        result = macros.classic("compute_all", book=book)
    # an openpyxl book also gets the Map sheet (issue 11 item 3; in Excel: a Notes line)
    assert result["written"] == ["Weights", "Scores", "Coupling", "Notes", "Map 地图"]
    with pytest.raises(jx.InputError, match="unknown action"):
        macros.classic("explode", book=book)
    from openpyxl import Workbook
    plain = OpenpyxlBook(workbook=Workbook())
    with pytest.raises(xw.XlwingsError, match="not a jjj-xl template"):
        macros.classic("compute_all", book=plain)
