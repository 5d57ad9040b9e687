"""Findings of a new user's trial (/work/notes/trial.md), each on both workbook readers.

1. A Data cell holding 0.03 formatted as a percentage (how Excel and LibreOffice store a
   typed "3%") in a column of plain numbers was read silently as 0.03.
2. A region typed two ways in one row ("北京市" or "北　京" for 北京) gave only the engine's
   English "U has 0 rows" with no cell.
3. A source note one blank row under the table ("资料来源：…" in column A) was refused as
   "the year is blank".
4. The percent-text refusal gave the fixed example "type 6.3 or 0.063", not the user's number.

The workbooks are the paper000 sample (6 regions × 2014–2019, Data rows 2–37) filled into the
entropy_topsis_ccd template; each test edits one thing the way the trial user did.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl.i18n import tr
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action, validate_book
from jjj_xl.workbook.book import OpenpyxlBook, is_percent_format
from jjj_xl.workbook.package import PackageBook

from .rich_books import filled

TPL = layout.ENTROPY_TOPSIS_CCD
ADAPTERS = {"package": PackageBook, "openpyxl": OpenpyxlBook}
ZH_REGIONS = {"Beijing": "北京", "Tianjin": "天津", "Shijiazhuang": "石家庄", "Tangshan": "唐山",
              "Qinhuangdao": "秦皇岛", "Cangzhou": "沧州"}


@pytest.fixture(scope="module")
def clean_book(tmp_path_factory):
    return filled(tmp_path_factory.mktemp("trial"))


@pytest.fixture(scope="module")
def zh_book(tmp_path_factory, clean_book):
    """The sample with Chinese region names, as the trial user's books have them."""
    def edit(wb):
        ws = wb["Data"]
        for r in range(2, 38):
            ws.cell(r, 1).value = ZH_REGIONS[ws.cell(r, 1).value]
    return _edit(clean_book, tmp_path_factory.mktemp("zh") / "zh.xlsx", edit)


def _edit(src: Path, dst: Path, edit) -> Path:
    wb = load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def _compute(book):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        report = run_action(book, "compute_all")
    return report, book.read_block(TPL.outputs["scores"])


def _no_english(text: str, *names: str) -> None:
    """zh text keeps only user names, cell references and the sheets' names."""
    for name in names:
        text = text.replace(name, "")
    left = re.sub(r"[A-Za-z]+![A-Z]+\d+|Indicators|Data", "", text)
    assert not re.search(r"[A-Za-z]{3,}", left), text


# ---------------------------------------------------------------- 1. percent-formatted numbers

def test_percent_format_codes():
    for code in ("0%", "0.00%", "0.0%", "#,##0.0%", "[Red]0.00%;[Blue]-0.00%"):
        assert is_percent_format(code), code
    for code in ("General", "0.00", "#,##0", '0.0"%"', "0.0\\%", '"增长%"0.0', None):
        assert not is_percent_format(code), code


@pytest.mark.parametrize("adapter", list(ADAPTERS))
@pytest.mark.parametrize("fmt", ["0%", "0.00%", "0.0%"])   # builtin 9, builtin 10, a custom numFmt
def test_percent_formatted_number_among_plain_ones_refused(tmp_path, clean_book, adapter, fmt):
    # rd_share (R&D share of GDP, column H) is 5.98 in Data row 4 (Beijing 2016); the user
    # types "5.98%": Excel stores 0.0598 with a percent format
    def edit(wb):
        c = wb["Data"]["H4"]
        assert c.value == 5.98
        c.value, c.number_format = 0.0598, fmt
    path = _edit(clean_book, tmp_path / "pct.xlsx", edit)
    expected = ('Data!H4: indicator "R&D share of GDP" shows 5.98% (the number 0.0598) in row 4 '
                "(Beijing 2016) while its other cells are plain numbers: type 5.98 as a plain number "
                "(and state the unit in the Indicators sheet), or enter the whole column as "
                "percentages")
    assert validate_book(ADAPTERS[adapter](path)) == [expected]
    with pytest.raises(jx.InputError) as err:
        run_action(ADAPTERS[adapter](path), "compute_all")
    assert str(err.value).startswith(expected)
    zh = tr(expected, "zh")
    assert zh.startswith("Data!H4：") and "5.98%" in zh and "普通数值 5.98" in zh
    _no_english(zh, "R&D share of GDP", "Beijing")


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_several_percent_cells_named_in_one_line(tmp_path, clean_book, adapter):
    def edit(wb):
        ws = wb["Data"]
        for ref in ("H4", "H9", "H20"):
            ws[ref].value, ws[ref].number_format = ws[ref].value / 100, "0.00%"
    path = _edit(clean_book, tmp_path / "pct3.xlsx", edit)
    problems = validate_book(ADAPTERS[adapter](path))
    assert len(problems) == 1 and problems[0].startswith('Data!H4: indicator "R&D share of GDP" shows')
    assert problems[0].endswith("; the same in rows 9, 20"), problems[0]
    assert tr(problems[0], "zh").endswith("；第 9, 20 行同样如此")


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_a_column_formatted_as_percent_throughout_is_accepted(tmp_path, clean_book, adapter):
    """Shares typed as percentages in every cell are consistent: the numbers are the shares,
    and (min-max standardisation being scale-free) the scores equal the plain column's."""
    def edit(wb):
        ws = wb["Data"]
        for r in range(2, 38):
            ws.cell(r, 8).value, ws.cell(r, 8).number_format = ws.cell(r, 8).value / 100, "0.00%"
    path = _edit(clean_book, tmp_path / "allpct.xlsx", edit)
    assert validate_book(ADAPTERS[adapter](path)) == []
    _, scores = _compute(ADAPTERS[adapter](path))
    _, base = _compute(ADAPTERS[adapter](clean_book))
    num = [c for c in base.columns if c not in ("region", "year")]
    np.testing.assert_allclose(scores[num].to_numpy(float), base[num].to_numpy(float), rtol=1e-9)


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_one_plain_number_in_a_percent_column_refused(tmp_path, clean_book, adapter):
    def edit(wb):
        ws = wb["Data"]
        for r in range(2, 38):
            if r != 10:
                ws.cell(r, 8).value, ws.cell(r, 8).number_format = ws.cell(r, 8).value / 100, "0.00%"
    path = _edit(clean_book, tmp_path / "oneplain.xlsx", edit)
    problems = validate_book(ADAPTERS[adapter](path))
    v = load_workbook(clean_book)["Data"]["H10"].value
    assert problems == [f'Data!H10: indicator "R&D share of GDP" is the plain number {v:.12g} in row 10 '
                        f"(Tianjin 2016) while its other cells are formatted as percentages: type it as "
                        f"{v:.12g}% if that is meant, or type the whole column as plain numbers"]


def test_percent_styles_only_scanned_when_present(clean_book):
    """The headless reader reads no sheet XML for the check when styles.xml has no percent
    style (big workbooks: the Data sheet's XML is not decompressed twice)."""
    book = PackageBook(clean_book)
    assert book._percent_styles() == set()
    reads = []
    real = book.pkg.read
    book.pkg.read = lambda part: reads.append(part) or real(part)
    assert book.percent_cells("Data") == set()
    assert reads == []


# ---------------------------------------------------------------- 2. a region typed two ways

@pytest.mark.parametrize("adapter", list(ADAPTERS))
@pytest.mark.parametrize("variant", ["北京市", "北\u3000京"])
def test_region_spelled_differently_in_one_row(tmp_path, zh_book, adapter, variant):
    path = _edit(zh_book, tmp_path / "var.xlsx", lambda wb: wb["Data"].__setitem__("A4", variant))
    shown = variant.strip()
    expected = (f'Data!A4: region "{shown}" appears in 1 year only while the other regions have 6: '
                f'is it "北京"? use one spelling per region')
    assert validate_book(ADAPTERS[adapter](path)) == [expected]
    with pytest.raises(jx.InputError) as err:
        run_action(ADAPTERS[adapter](path), "compute_all")
    assert str(err.value) == expected
    zh = tr(expected, "zh")
    assert zh == (f"Data!A4：地区“{shown}”只出现在 1 个年份，而其他地区有 6 个：是否就是“北京”？"
                  f"同一地区请只用一种写法")


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_region_typo_with_no_complete_year_named(tmp_path, clean_book, adapter):
    """A misspelling that does not look like the region ("Bejing"): no year has every region,
    so the regions cannot be coupled per year; the line names the rare region's cell."""
    path = _edit(clean_book, tmp_path / "typo.xlsx", lambda wb: wb["Data"].__setitem__("A4", "Bejing"))
    problems = validate_book(ADAPTERS[adapter](path))
    assert problems == ['Data!A4: region "Bejing" appears in 1 year only (2016) while the other '
                        "regions have up to 6, and no year has every region, so the regions cannot be "
                        "coupled per year: check its spelling (one spelling per region) or fill its "
                        "other years"]
    _no_english(tr(problems[0], "zh"), "Bejing")


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_a_missing_region_year_still_computes(tmp_path, zh_book, adapter):
    """A region-year truly missing (河北 2019 deleted in the trial) is not a spelling: none of
    the new lines; what the engine says about it (refused under Missing values = refuse,
    computed with a warning under drop/interpolate) is unchanged."""
    def edit(wb):
        ws = wb["Data"]
        ws.delete_rows(7)                     # 北京 2019
        t = ws.tables[TPL.inputs[1].table]
        t.ref = "A1:P36"
    path = _edit(zh_book, tmp_path / "unbalanced.xlsx", edit)
    problems = validate_book(ADAPTERS[adapter](path))
    assert not any("appears in" in p or "spelling" in p for p in problems), problems


# ---------------------------------------------------------------- 3. a note below the table

NOTE = "资料来源：中国统计年鉴（2015—2020），各省市统计年鉴"


@pytest.mark.parametrize("adapter", list(ADAPTERS))
@pytest.mark.parametrize("lines", [1, 2])
def test_source_note_below_the_table_read_as_a_note(tmp_path, clean_book, adapter, lines):
    def edit(wb):
        ws = wb["Data"]
        ws["A39"] = NOTE
        if lines == 2:
            ws["A40"] = "注：2019 年为初步数"
    path = _edit(clean_book, tmp_path / "note.xlsx", edit)
    assert validate_book(ADAPTERS[adapter](path)) == []
    report, scores = _compute(ADAPTERS[adapter](path))
    _, base = _compute(ADAPTERS[adapter](clean_book))
    assert scores.equals(base)
    shown = NOTE            # 27 characters: quoted whole (a longer note is cut at 40 with …)
    assert f'Data!A39: "{shown}" below the table (after a blank row) is read as a note and left out' \
        in report["warnings"]
    if lines == 2:
        assert 'Data!A40: "注：2019 年为初步数" below the table (after a blank row) is read as a note ' \
               "and left out" in report["warnings"]
    assert not any("blank row" in w and "skipped" in w for w in report["warnings"]), report["warnings"]
    zh = tr(f'Data!A39: "{shown}" below the table (after a blank row) is read as a note and left out', "zh")
    assert zh == f"Data!A39：表格下方的“{shown}”（空行之后）按注释读取，不参与计算"


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_text_right_under_the_data_is_still_a_row(tmp_path, clean_book, adapter):
    """No blank row between: the row is part of the table and its blank year is refused."""
    path = _edit(clean_book, tmp_path / "under.xlsx", lambda wb: wb["Data"].__setitem__("A38", NOTE))
    problems = validate_book(ADAPTERS[adapter](path))
    assert any(p.startswith("Data!B38: the year is blank") for p in problems), problems


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_a_region_alone_below_a_blank_row_is_not_a_note(tmp_path, clean_book, adapter):
    path = _edit(clean_book, tmp_path / "reg.xlsx", lambda wb: wb["Data"].__setitem__("A39", "Beijing"))
    problems = validate_book(ADAPTERS[adapter](path))
    assert any(p.startswith("Data!B39: the year is blank") for p in problems), problems


# ---------------------------------------------------------------- 4. the user's number in the fix

@pytest.mark.parametrize("adapter", list(ADAPTERS))
@pytest.mark.parametrize("text, fix", [("3%", "type 3 or 0.03"), ("13.85％", "type 13.85 or 0.1385"),
                                       ("0.5 %", "type 0.5 or 0.005")])
def test_percent_text_fix_uses_the_typed_number(tmp_path, clean_book, adapter, text, fix):
    path = _edit(clean_book, tmp_path / "pcttext.xlsx", lambda wb: wb["Data"].__setitem__("H4", text))
    problems = validate_book(ADAPTERS[adapter](path))
    assert problems == [f'Data!H4: indicator "R&D share of GDP" (column H) has the percent text '
                        f'"{text.strip()}" in row 4 (Beijing 2016); {fix} as a number and state the unit '
                        f"(% or share) in the Indicators unit column"]
    a, b = fix.split()[1], fix.split()[3]
    zh = tr(problems[0], "zh")
    assert f"请输入数字 {a} 或 {b}" in zh and "百分数文本" in zh, zh
