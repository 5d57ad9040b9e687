"""Spellings analysts type and paste from statistical yearbooks (issue 11, item 4).

Every reading path reads them alike — the headless PackageBook (``jjj-xl run`` /
``validate``), the openpyxl BookAdapter and the Python API:

* numbers stored as text ("6.3"), thousands separators ("226,113"), full-width digits
  ("６．３") and spaces around them are read as numbers with ONE warning line per column
  naming sheet, cell, indicator and row; percent text ("6.3%") is refused with the fix;
* years "2019年" / "2019" read as 2019;
* header synonyms (地区 / 城市 / 省份 / region …, 年份 / 年 / year, 方向 …);
* a title row above the header, merged title / region cells read; a merged header refused;
* direction words 正向指标 / 逆向指标 / 越大越好 / benefit / larger is better …;
* Settings Missing values: refuse / drop / interpolate (linear within a region, over years).

The oracle throughout is the clean workbook (or the clean DataFrame): the same data typed as
numbers must give exactly the same results; interpolated values are computed by hand here.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl.datasets import load_sample
from jjj_xl.methods._matrix import (_BENEFIT, _COST, HEADER_SYNONYMS, direction_code,
                                    interpolate_panel, number_from_text, parse_year)
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action, validate_book
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.package import PackageBook
from jjj_xl.workbook.share import share_workbook

from .rich_books import filled, u_book

TPL = layout.ENTROPY_TOPSIS_CCD
ADAPTERS = {"package": PackageBook, "openpyxl": OpenpyxlBook}
FULL_WIDTH = str.maketrans("0123456789.,-+%", "０１２３４５６７８９．，－＋％")
SAMPLE = load_sample("paper000")
CODES = list(SAMPLE.indicators["code"])
NAMES = dict(zip(SAMPLE.indicators["code"], SAMPLE.indicators["name"]))


def _letter(k: int) -> str:       # 1 -> A
    return chr(64 + k)


# ---------------------------------------------------------------- the parsers, over whole kinds

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(x=finite, style=st.sampled_from(["repr", "comma", "full", "full_comma", "pad", "sci"]),
       pad=st.sampled_from(["", " ", "  ", "\u3000", "\u00a0", "\t"]))
def test_numbers_as_text_read_as_the_number(x, style, pad):
    # the text is built from Python's own formatting; float() of the plain form is the oracle
    plain = repr(x)
    text = {"repr": plain, "comma": format(x, ","), "full": plain.translate(FULL_WIDTH),
            "full_comma": format(x, ",").translate(FULL_WIDTH), "pad": plain,
            "sci": f"{x:.17e}"}[style]
    value, kind = number_from_text(pad + text + pad)
    assert kind == "number"
    assert value == float(plain if style != "sci" else f"{x:.17e}")


@settings(max_examples=200, deadline=None)
@given(x=st.floats(min_value=0, max_value=1e6, allow_nan=False), full=st.booleans(),
       space=st.sampled_from(["", " "]))
def test_percent_text_is_refused_not_guessed(x, full, space):
    text = f"{x:g}{space}%"
    assert number_from_text(text.translate(FULL_WIDTH) if full else text) == (None, "percent")


@pytest.mark.parametrize("text", ["n/a", "—", "...", "6,3", "1,23,456", "inf", "-inf", "nan",
                                  "NaN", "", "  ", "1.2.3", "6.3万", "(123)", "#N/A", "1 234"])
def test_other_text_is_not_a_number(text):
    assert number_from_text(text)[0] is None


@settings(max_examples=200, deadline=None)
@given(y=st.integers(1000, 9999),
       style=st.sampled_from(["int", "float", "text", "nian", "niandu", "full", "pad"]))
def test_years_as_typed(y, style):
    value = {"int": y, "float": float(y), "text": str(y), "nian": f"{y}年", "niandu": f"{y}年度",
             "full": f"{y}年".translate(FULL_WIDTH), "pad": f" {y} 年 "}[style]
    assert parse_year(value) == y


@pytest.mark.parametrize("value", [2019.5, "19年", "2019-2020", True, None, "year", float("nan")])
def test_not_years(value):
    assert parse_year(value) is None


BENEFIT_WORDS = ["正向指标", "正向", "越大越好", "效益型", "效益型指标", "正指标", "极大型", "正向型",
                 "越高越好", "benefit", "Benefit", "positive", "larger is better",
                 "higher is better", "the larger the better", "benefit-type", "+", "1", "＋"]
COST_WORDS = ["负向指标", "逆向指标", "负向", "逆向", "越小越好", "成本型", "成本型指标", "逆指标",
              "负指标", "极小型", "越低越好", "cost", "COST", "negative", "smaller is better",
              "lower is better", "the smaller the better", "cost-type", "-", "-1", "－", "−"]


@settings(max_examples=200, deadline=None)
@given(word=st.sampled_from(BENEFIT_WORDS + COST_WORDS),
       left=st.sampled_from(["", " ", "\u3000"]), right=st.sampled_from(["", " ", "  ", "\u3000"]))
def test_direction_words(word, left, right):
    expected = 1 if word in BENEFIT_WORDS else -1
    assert direction_code(left + word + right) == expected


def test_share_formulas_compare_the_same_words_as_the_engine():
    """The share workbook's sign formula compares TRIM(LOWER(text)) with exactly the engine's
    word lists: every spelling the engine reads by strip + lower is in them."""
    for word in BENEFIT_WORDS + COST_WORDS:
        typed = word.strip().lower()
        assert typed in _BENEFIT or typed in _COST or typed in ("−",) or \
            number_from_text(typed)[0] in (1.0, -1.0)


def test_one_synonyms_table():
    assert layout.HEADER_SYNONYMS is HEADER_SYNONYMS
    for word in ("地区", "城市", "省份", "市", "区域", "region", "city", "province"):
        assert word in HEADER_SYNONYMS["panel"]["region"]
    for word in ("年份", "年", "year"):
        assert word in HEADER_SYNONYMS["panel"]["year"]
    # no spelling means two things within a table
    for group in HEADER_SYNONYMS.values():
        seen = [w for words in group.values() for w in words]
        assert len(seen) == len(set(seen))


# ---------------------------------------------------------------- interpolation by hand

def test_interpolation_hand_computed():
    # region a: 2014 → 1, 2015 blank, 2017 → 4 (no 2016 row): 1 + (4 − 1)·(2015 − 2014)/(2017 − 2014)
    # = 2; region b: 2014 blank before its first known year → not extrapolated (NaN);
    # region c: 2014 → 10, 2015 blank, 2016 blank, 2017 → 16: 12 and 14
    regions = ["a", "a", "a", "b", "b", "c", "c", "c", "c"]
    years = [2017, 2015, 2014, 2014, 2015, 2014, 2015, 2016, 2017]
    x = np.array([[4.0], [np.nan], [1.0], [np.nan], [3.0], [10.0], [np.nan], [np.nan], [16.0]])
    out, filled_cells = interpolate_panel(x, regions, years)
    assert out[1, 0] == pytest.approx(2.0)
    assert np.isnan(out[3, 0])
    assert out[6, 0] == pytest.approx(12.0) and out[7, 0] == pytest.approx(14.0)
    assert [(i, j) for i, j, _ in filled_cells] == [(1, 0), (6, 0), (7, 0)]


def test_python_api_interpolate_equals_the_hand_filled_panel():
    data = SAMPLE.data.copy()
    i = 2                                           # Beijing 2016: between 2015 and 2017
    assert (data.region[i], data.year[i]) == ("Beijing", 2016)
    hand = (data.gdp[1] + data.gdp[3]) / 2          # equal year steps: the mean of neighbours
    data.loc[i, "gdp"] = np.nan
    with pytest.warns(jx.JJJWarning, match=r'indicator "GDP" \(column C\): 1 blank filled by '
                                           r"linear interpolation .* row 3 \(Beijing 2016\)"):
        got = jx.entropy_topsis_coupling(data, SAMPLE.indicators, missing="interpolate")
    ref = SAMPLE.data.copy()
    ref.loc[i, "gdp"] = hand
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        want = jx.entropy_topsis_coupling(ref, SAMPLE.indicators)
    pd.testing.assert_frame_equal(got.scores, want.scores)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        idx = jx.ideal_solution_index(data, SAMPLE.indicators, missing="interpolate")
        idx_ref = jx.ideal_solution_index(ref, SAMPLE.indicators)
    pd.testing.assert_frame_equal(idx.scores, idx_ref.scores)


def test_interpolate_needs_a_panel_and_says_so():
    with pytest.raises(jx.InputError, match='missing="interpolate" needs a region × year panel'):
        jx.entropy_weights(np.array([[1.0, 2.0], [np.nan, 3.0], [2.0, 4.0]]), missing="interpolate")
    with pytest.raises(jx.InputError, match='"refuse".*"drop".*"interpolate"'):
        jx.entropy_weights(np.array([[1.0, 2.0], [2.0, 3.0]]), missing="mean")


# ---------------------------------------------------------------- the Python API

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(st.integers(0, 35), st.integers(0, len(CODES) - 1),
                                st.sampled_from(["repr", "comma", "full", "pad"])),
                      min_size=1, max_size=12, unique_by=lambda t: t[:2]),
       region=st.sampled_from(HEADER_SYNONYMS["panel"]["region"]),
       year=st.sampled_from(HEADER_SYNONYMS["panel"]["year"]),
       year_style=st.sampled_from(["int", "text", "nian"]))
def test_python_api_reads_pasted_data(cells, region, year, year_style):
    data = SAMPLE.data.copy().astype(object)
    for i, j, style in cells:
        v = SAMPLE.data[CODES[j]].iloc[i]
        data.iat[i, 2 + j] = _styled(v, style)
    data["year"] = [{"int": y, "text": str(y), "nian": f"{y}年"}[year_style] for y in SAMPLE.data.year]
    data = data.rename(columns={"region": region, "year": year})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", jx.JJJWarning)
        got = jx.entropy_topsis_coupling(data, SAMPLE.indicators)
    pd.testing.assert_frame_equal(got.scores, _clean_api().scores)
    text_lines = [str(w.message) for w in caught if "stored as text" in str(w.message)]
    per_col = {}
    for i, j, _ in cells:
        per_col.setdefault(j, []).append(i)
    assert len(text_lines) == len(per_col)       # one line per column
    for j, rows in per_col.items():
        line = next(t for t in text_lines if f'indicator "{NAMES[CODES[j]]}" (column {_letter(3 + j)})' in t)
        assert "\n" not in line
        assert f"{len(rows)} number{'s' if len(rows) > 1 else ''} stored as text" in line
        first = sorted(rows)[0]
        assert f"row {first + 1} ({SAMPLE.data.region[first]} {SAMPLE.data.year[first]})" in line


_CLEAN = {}


def _clean_api():
    if "api" not in _CLEAN:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jx.JJJWarning)
            _CLEAN["api"] = jx.entropy_topsis_coupling(SAMPLE.data, SAMPLE.indicators)
    return _CLEAN["api"]


def _styled(v, style: str) -> str:
    plain = repr(float(v)) if isinstance(v, float) else str(int(v))
    return {"repr": plain, "comma": format(v, ","), "full": plain.translate(FULL_WIDTH),
            "pad": f"  {plain}\u3000", "full_comma": format(v, ",").translate(FULL_WIDTH)}[style]


def test_python_api_percent_text_refused_with_the_fix():
    data = SAMPLE.data.copy().astype(object)
    data.loc[4, "gdp"] = "6.3%"
    with pytest.raises(jx.InputError) as err:
        jx.entropy_topsis_coupling(data, SAMPLE.indicators)
    assert str(err.value) == ('indicator "GDP" (column C) has the percent text "6.3%" in row 5 '
                              "(Beijing 2018); type 6.3 or 0.063 as a number and state the unit "
                              "(% or share) in the Indicators unit column")


def test_python_api_indicator_header_synonyms_and_words():
    ind = SAMPLE.indicators.rename(columns={"code": "指标代码", "dimension": "准则层",
                                            "direction": "指标属性"})
    ind["指标属性"] = ind["指标属性"].map({"+": "正向指标", "-": "逆向指标"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        got = jx.entropy_topsis_coupling(SAMPLE.data, ind)
    pd.testing.assert_frame_equal(got.scores, _clean_api().scores)


# ---------------------------------------------------------------- workbooks: both readers

@pytest.fixture(scope="module")
def clean_book(tmp_path_factory):
    return filled(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def clean_results(clean_book):
    return _results(OpenpyxlBook(clean_book))


def _results(book) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        report = run_action(book, "compute_all")
    out = {k: book.read_block(TPL.outputs[k]) for k in ("weights", "scores", "coupling")}
    out["warnings"] = report["warnings"]
    out["notes"] = dict(zip(*[list(c) for _, c in book.read_block(TPL.outputs["notes"]).items()]))
    return out


def _same(a: dict, b: dict) -> None:
    for key in ("weights", "scores", "coupling"):
        x, y = a[key], b[key]
        assert list(x.columns) == list(y.columns), key
        assert x.shape == y.shape, key
        for c in x.columns:
            u, v = list(x[c]), list(y[c])
            if all(isinstance(t, (int, float)) for t in u + v):
                np.testing.assert_allclose(np.asarray(u, float), np.asarray(v, float),
                                           rtol=1e-12, atol=1e-15, err_msg=f"{key}.{c}")
            else:
                assert u == v, f"{key}.{c}"


def _edit(src: Path, dst: Path, edit) -> Path:
    wb = load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def _title(ws, k: int, merged: bool, move_table: bool):
    """k title rows above the header, as a yearbook paste leaves them."""
    ws.insert_rows(1, k)
    ws.cell(1, 1).value = "表1 京津冀各市指标 Table 1 indicators of the JJJ cities"
    if k > 1:
        ws.cell(2, 1).value = "单位：亿元"
    if merged:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    if move_table:       # Excel moves the Table with the inserted rows; openpyxl does not
        t = ws.tables[TPL.inputs[1].table if ws.title == "Data" else TPL.inputs[0].table]
        a, b = t.ref.split(":")
        t.ref = f"A{int(a[1:]) + k}:{''.join(ch for ch in b if ch.isalpha())}" \
                f"{int(''.join(ch for ch in b if ch.isdigit())) + k}"


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(0, 35), st.integers(0, len(CODES) - 1),
                                st.sampled_from(["repr", "comma", "full", "pad", "full_comma"])),
                      min_size=0, max_size=10, unique_by=lambda t: t[:2]),
       titles=st.integers(0, 3), merged=st.booleans(), move_table=st.booleans(),
       ind_titles=st.integers(0, 2),
       region=st.sampled_from(["region", "地区", "城市", "省份", "市", "区域", "City", "province"]),
       year=st.sampled_from(["year", "年份", "年", "Year"]),
       year_style=st.sampled_from(["int", "text", "nian"]),
       words=st.booleans())
def test_workbook_readers_read_pasted_data(tmp_path, clean_book, clean_results, cells, titles, merged,
                                           move_table, ind_titles, region, year, year_style, words):
    def edit(wb):
        ws = wb["Data"]
        ws["A1"], ws["B1"] = region, year
        for i, j, style in cells:
            ws.cell(2 + i, 3 + j).value = _styled(ws.cell(2 + i, 3 + j).value, style)
        for r in range(2, 38):
            y = ws.cell(r, 2).value
            ws.cell(r, 2).value = {"int": y, "text": str(y), "nian": f"{y}年"}[year_style]
        if words:
            ind = wb["Indicators"]
            for r in range(2, 2 + len(CODES)):
                ind.cell(r, 5).value = {"+": "正向指标", "-": "越小越好"}[ind.cell(r, 5).value]
        if titles:
            _title(ws, titles, merged, move_table)
        if ind_titles:
            _title(wb["Indicators"], ind_titles, merged, move_table)
    path = _edit(clean_book, tmp_path / "pasted.xlsx", edit)
    for name, adapter in ADAPTERS.items():
        book = adapter(path)
        assert validate_book(book) == [], name
        got = _results(adapter(path))
        _same(got, clean_results)
        lines = got["warnings"]
        assert all("\n" not in w for w in lines)
        per_col = {}
        for i, j, _ in cells:
            per_col.setdefault(j, []).append(i)
        text_lines = [w for w in lines if "stored as text" in w]
        assert len(text_lines) == len(per_col), (name, text_lines)
        for j, rows in per_col.items():
            line = next(w for w in text_lines
                        if f'sheet Data, indicator "{NAMES[CODES[j]]}" (column {_letter(3 + j)})' in w)
            first = sorted(rows)[0]
            r = 2 + first + titles
            assert f"at Data!{_letter(3 + j)}{r} (row {r}, {SAMPLE.data.region[first]} " \
                   f"{SAMPLE.data.year[first]})" in line, line
            assert f"{len(rows)} number{'s' if len(rows) > 1 else ''} stored as text" in line
        if titles and not move_table:
            assert f"sheet Data: the header row is row {titles + 1}; " in " ".join(lines)


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_percent_text_refused_in_one_line_with_the_fix(tmp_path, clean_book, adapter):
    path = _edit(clean_book, tmp_path / "pct.xlsx", lambda wb: wb["Data"].__setitem__("C5", "6.3%"))
    problems = validate_book(ADAPTERS[adapter](path))
    assert problems == ['Data!C5: indicator "GDP" (column C) has the percent text "6.3%" in row 5 '
                        "(Beijing 2017); type 6.3 or 0.063 as a number and state the unit (% or "
                        "share) in the Indicators unit column"]
    with pytest.raises(jx.InputError, match="percent text"):
        run_action(ADAPTERS[adapter](path), "compute_all")


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_merged_region_cells_read_merged_header_refused(tmp_path, clean_book, clean_results, adapter):
    def regions(wb):                  # 北京 merged down its six years, as yearbooks print it
        ws = wb["Data"]
        for r in range(3, 8):
            ws.cell(r, 1).value = None
        ws.merge_cells("A2:A7")
    path = _edit(clean_book, tmp_path / "mr.xlsx", regions)
    assert validate_book(ADAPTERS[adapter](path)) == []
    got = _results(ADAPTERS[adapter](path))
    _same(got, clean_results)
    assert 'Data!A2:A7: merged region cell read as "Beijing" in rows 2–7' in got["warnings"]

    def header(wb):                   # a two-row header: "GDP" over C1:C2
        ws = wb["Data"]
        ws.merge_cells("C1:D1")
    path = _edit(clean_book, tmp_path / "mh.xlsx", header)
    problems = validate_book(ADAPTERS[adapter](path))
    assert problems[0] == ("Data!C1:D1 is a merged header cell; unmerge it (Home > Merge & Center) "
                           "and type one header per column in row 1")

    def body(wb):
        wb["Data"]["D3"] = None
        wb["Data"].merge_cells("D2:D3")
    path = _edit(clean_book, tmp_path / "mb.xlsx", body)
    assert ("Data!D2:D3: merged cells inside the Data table; unmerge them (Home > Merge & Center) "
            "and type one value per cell") in validate_book(ADAPTERS[adapter](path))


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_two_region_columns_are_refused_in_one_line(tmp_path, clean_book, adapter):
    def edit(wb):
        ws = wb["Data"]
        ws["A1"] = "城市"
        ws.insert_cols(1)
        ws["A1"] = "省份"
        for r in range(2, 38):
            ws.cell(r, 1).value = "河北"
    path = _edit(clean_book, tmp_path / "two.xlsx", edit)
    problems = validate_book(ADAPTERS[adapter](path))
    assert 'sheet Data: "省份" (column A) and "城市" (column B) could each be the "region" column; ' \
           'rename the one to use to "region"' in problems


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_indicator_headers_in_chinese(tmp_path, clean_book, clean_results, adapter):
    def edit(wb):
        ws = wb["Indicators"]
        for c, text in zip(range(1, 7), ("指标代码", "指标名称", "中文名称", "准则层", "指标属性", "单位")):
            ws.cell(1, c).value = text
        for r in range(2, 2 + len(CODES)):
            ws.cell(r, 5).value = {"+": "效益型", "-": "成本型"}[ws.cell(r, 5).value]
    path = _edit(clean_book, tmp_path / "zh.xlsx", edit)
    assert validate_book(ADAPTERS[adapter](path)) == []
    _same(_results(ADAPTERS[adapter](path)), clean_results)


# ---------------------------------------------------------------- Settings: Missing values

def _setting(wb, key, value):
    sheet, row, col = TPL.setting_cell(key)
    wb[sheet].cell(row, col).value = value


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_missing_values_setting(tmp_path, clean_book, adapter):
    # Data!C4 = GDP of Beijing 2016 (row 4); Beijing 2015 and 2017 are rows 3 and 5
    s = SAMPLE.data
    hand = (s.gdp[1] + s.gdp[3]) / 2
    sheet, row, col = TPL.setting_cell("missing")
    cell = f"{sheet}!{_letter(col)}{row}"
    # refuse (default): the blank is named with the fix that points at the setting
    path = _edit(clean_book, tmp_path / "refuse.xlsx", lambda wb: wb["Data"].__setitem__("C4", None))
    assert validate_book(ADAPTERS[adapter](path)) == [
        f'Data!C4: indicator "GDP" (column C) in row 4 (Beijing 2016) is blank; fill it (or set '
        f"{cell} Missing values 缺失值 to drop or interpolate)"]

    # interpolate: equal to the workbook with the hand-interpolated number typed in
    def interp(wb):
        wb["Data"]["C4"] = None
        _setting(wb, "missing", "interpolate")
    got = _results(ADAPTERS[adapter](_edit(clean_book, tmp_path / "interp.xlsx", interp)))

    def typed(wb):
        wb["Data"]["C4"] = hand
    want = _results(ADAPTERS[adapter](_edit(clean_book, tmp_path / "typed.xlsx", typed)))
    _same(got, want)
    assert got["notes"]["missing values 缺失值"].startswith("interpolate: blanks filled linearly")
    assert any(w.startswith('indicator "GDP" (column C of sheet Data): 1 blank filled by linear '
                            'interpolation over the years of the same region: Data!C4 in Data row 4 '
                            '(Beijing 2016) = ') for w in got["warnings"])

    # an end year is not extrapolated: the row is left out (as drop does), the cell named
    def end(wb):
        wb["Data"]["C2"] = None
        _setting(wb, "missing", "interpolate")
    got = _results(ADAPTERS[adapter](_edit(clean_book, tmp_path / "end.xlsx", end)))
    assert any("not extrapolated) left out: Data row 2 (Beijing 2014): Data!C2 \"GDP\" blank" in w
               for w in got["warnings"])

    def drop(wb):
        wb["Data"]["C2"] = None
        _setting(wb, "missing", "drop")
    dropped = _results(ADAPTERS[adapter](_edit(clean_book, tmp_path / "drop.xlsx", drop)))
    assert dropped["notes"]["missing values 缺失值"].startswith("drop:")
    pd.testing.assert_frame_equal(got["scores"], dropped["scores"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        api = jx.entropy_topsis_coupling(s.drop(index=0), SAMPLE.indicators, missing="drop")
    np.testing.assert_allclose(dropped["scores"]["overall"].astype(float),
                               api.scores["overall"].to_numpy(float), rtol=1e-12)
    assert len(dropped["scores"]) == len(s) - 1


def test_missing_setting_on_the_index_template(tmp_path):
    src = filled(tmp_path, "ideal_solution_index")
    tpl = layout.IDEAL_SOLUTION_INDEX
    assert tpl.setting("missing").choices == ("refuse", "drop", "interpolate")

    def edit(wb):
        wb["Data"]["D4"] = None
        sheet, row, col = tpl.setting_cell("missing")
        wb[sheet].cell(row, col).value = "interpolate"
    path = _edit(src, tmp_path / "i.xlsx", edit)
    book = PackageBook(path)
    assert validate_book(book) == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        report = run_action(book, "compute_all")
    assert any("filled by linear interpolation" in w for w in report["warnings"])


# ---------------------------------------------------------------- U sheet, share, CLI, LibreOffice

def test_u_values_stored_as_text(tmp_path):
    U = pd.DataFrame({"observation": ["a", "b", "c"], "economy": [0.2, 0.5, 0.9],
                      "environment": [0.3, 0.4, 0.8]})
    clean = u_book(tmp_path, U)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(clean, "compute_all")
    want = clean.read_block(layout.COUPLING_COORDINATION.outputs["results"])
    texts = U.astype(object)
    texts.loc[1, "economy"] = " 0.5 "
    texts.loc[2, "environment"] = "０．８"
    (tmp_path / "t").mkdir()
    book = u_book(tmp_path / "t", texts)
    assert validate_book(book) == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        report = run_action(book, "compute_all")
    got = book.read_block(layout.COUPLING_COORDINATION.outputs["results"])
    pd.testing.assert_frame_equal(got, want)
    assert sum("stored as text" in w for w in report["warnings"]) == 2


SHARE_REFUSALS = {
    "title": (lambda wb: _title(wb["Data"], 2, True, False),
              "sheet Data: the header is in row 3 below a title; share formulas read the table "
              "from Data!A1: delete the rows above the header and export again"),
    "text": (lambda wb: wb["Data"].__setitem__("C4", "26,703.46"),
             'sheet Data, indicator "GDP" (column C): 1 number stored as text: "26,703.46" at '
             "Data!C4 (row 4, Beijing 2016); share formulas need numbers: retype them as numbers "
             "(or Data > Text to Columns) and export again"),
    "missing": (lambda wb: _setting(wb, "missing", "interpolate"),
                "Settings!C{row} (Missing values 缺失值) is interpolate; share formulas need every Data "
                "cell filled: fill the blanks and set it to refuse, or use Compute all"),
    # (方向, the header a zh template writes, is read by share too: jjj_xl.i18n.HEADER_SYNONYMS)
    "ind_header": (lambda wb: wb["Indicators"].__setitem__("E1", "指标属性"),
                   'sheet Indicators: header "指标属性" is read as "direction" by Compute all, but share '
                   "formulas look for the template's headers: rename it to \"direction\" and export "
                   "again"),
    "direction_space": (lambda wb: wb["Indicators"].__setitem__("E2", "正向指标\u3000"),
                        'Indicators!E2: direction "正向指标\u3000" has spaces or full-width letters '
                        "that share formulas do not read; retype it as + or - (or 正向指标 / 逆向指标) "
                        "and export again"),
}


@pytest.mark.parametrize("case", list(SHARE_REFUSALS))
def test_share_export_refuses_what_its_formulas_cannot_read(tmp_path, clean_book, case):
    edit, message = SHARE_REFUSALS[case]
    path = _edit(clean_book, tmp_path / f"{case}.xlsx", edit)
    with pytest.raises(jx.InputError) as err:
        share_workbook(path, tmp_path / f"{case}-share.xlsx")
    row = layout.ENTROPY_TOPSIS_CCD.setting_cell("missing")[1]
    assert str(err.value) == message.replace("{row}", str(row))


def test_share_workbook_of_chinese_headers_and_text_years_in_libreoffice(tmp_path, clean_book):
    """地区 / 年份 headers, years typed "2016年" and direction words: the share workbook's formulas,
    recalculated by LibreOffice, give the engine's numbers (regions and years are frozen
    structure; the indicator columns are read by position)."""
    from .libreoffice import convert
    from .test_share import _compare, _engine

    def edit(wb):
        ws = wb["Data"]
        ws["A1"], ws["B1"] = "地区", "年份"
        for r in range(2, 38):
            ws.cell(r, 2).value = f"{ws.cell(r, 2).value}年"
        ind = wb["Indicators"]
        for r in range(2, 2 + len(CODES)):
            ind.cell(r, 5).value = {"+": "越大越好", "-": "逆向指标"}[ind.cell(r, 5).value]
    src = _edit(clean_book, tmp_path / "zh.xlsx", edit)
    out = share_workbook(src, tmp_path / "zh-share.xlsx")
    recalc = load_workbook(convert(out, "xlsx", tmp_path / "lo"), data_only=True)
    assert _compare("entropy_topsis_ccd", _engine(src), recalc) > 100


def test_libreoffice_saved_text_numbers_read_headless(tmp_path, clean_book, clean_results):
    """A workbook with text numbers, a title row and 地区/年份 as LibreOffice saves it."""
    from .libreoffice import convert

    def edit(wb):
        ws = wb["Data"]
        ws["A1"], ws["B1"] = "城市", "年"
        ws["C3"] = "23,373.03"
        ws["D5"] = "\u3000" + str(ws["D5"].value)
        ws["E6"] = str(ws["E6"].value).translate(FULL_WIDTH)
        _title(ws, 1, True, False)
    src = _edit(clean_book, tmp_path / "paste.xlsx", edit)
    lo = convert(src, "xlsx", tmp_path / "lo")
    got = _results(PackageBook(lo))
    _same(got, clean_results)
    assert sum("stored as text" in w for w in got["warnings"]) == 3


def test_cli_validate_and_run_on_pasted_data(tmp_path, clean_book):
    def edit(wb):
        ws = wb["Data"]
        ws["A1"], ws["B1"] = "地区", "年份"
        ws["C3"] = "23,373.03"
        _title(ws, 1, False, False)
    path = _edit(clean_book, tmp_path / "cli.xlsx", edit)
    env_cmd = [sys.executable, "-m", "jjj_xl"]
    ok = subprocess.run(env_cmd + ["validate", str(path)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    run = subprocess.run(env_cmd + ["run", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    # the run's report lists every warning, one line each (issue 11 item 5)
    assert ': sheet Data, indicator "GDP" (column C): 1 number stored as text read as number: ' \
           '"23,373.03" at Data!C4 (row 4, Beijing 2015)' in run.stdout
    pct = _edit(clean_book, tmp_path / "pct.xlsx", lambda wb: wb["Data"].__setitem__("C5", "6.3%"))
    bad = subprocess.run(env_cmd + ["validate", str(pct)], capture_output=True, text=True)
    assert bad.returncode != 0
    assert "Data!C5: indicator \"GDP\" (column C) has the percent text \"6.3%\"" in bad.stdout + bad.stderr


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_indicator_dimensions_merged_and_a_title_without_a1(tmp_path, clean_book, clean_results,
                                                            adapter):
    """Papers print each dimension once, merged down its indicators; the Data title sits in C1
    (A1 blank): both read as the clean workbook."""
    def edit(wb):
        ws = wb["Data"]
        ws.insert_rows(1, 2)
        ws["C1"] = "表1 京津冀各市指标"
        ind = wb["Indicators"]
        last = 1 + len(CODES)
        start = 2
        for r in range(3, last + 2):
            if r <= last and ind.cell(r, 4).value == ind.cell(start, 4).value:
                ind.cell(r, 4).value = None
                continue
            if r - 1 > start:
                ind.merge_cells(start_row=start, start_column=4, end_row=r - 1, end_column=4)
            start = r
    path = _edit(clean_book, tmp_path / "dims.xlsx", edit)
    assert validate_book(ADAPTERS[adapter](path)) == []
    got = _results(ADAPTERS[adapter](path))
    _same(got, clean_results)
    merged = [w for w in got["warnings"] if "merged dimension cell" in w]
    assert merged[0] == 'Indicators!D2:D4: merged dimension cell read as "economy" in rows 2–4'
    assert len(merged) == len(set(SAMPLE.indicators["dimension"]))
    assert "sheet Data: the header row is row 3; rows 1–2 above it (\"表1 京津冀各市指标\") read as " \
           "a title and left out" in got["warnings"]


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(blanks=st.lists(st.tuples(st.integers(0, 35), st.integers(0, len(CODES) - 1)),
                       min_size=1, max_size=8, unique=True),
       mode=st.sampled_from(["refuse", "drop", "interpolate"]))
def test_blanks_in_every_mode_against_pandas(tmp_path, clean_book, blanks, mode):
    """Random blank Data cells, each Missing values mode, both readers. Oracle: pandas —
    refuse names every blank cell in one line; drop equals the API on the rows pandas keeps;
    interpolate equals the API on the panel filled by pandas' own
    ``interpolate(method="index", limit_area="inside")`` per region (ends left blank, rows
    with a blank left out)."""
    def edit(wb):
        for i, j in blanks:
            wb["Data"].cell(2 + i, 3 + j).value = None
        _setting(wb, "missing", mode)
    path = _edit(clean_book, tmp_path / f"blank-{mode}.xlsx", edit)
    df = SAMPLE.data.copy()
    for i, j in blanks:
        df.iat[i, 2 + j] = np.nan
    if mode == "interpolate":
        parts = []
        for _, g in df.groupby("region", sort=False):
            g = g.set_index("year")
            g[CODES] = g[CODES].interpolate(method="index", limit_area="inside")
            parts.append(g.reset_index()[list(df.columns)])
        df = pd.concat(parts).loc[lambda d: d[CODES].notna().all(axis=1)].reset_index(drop=True)
    elif mode == "drop":
        df = df[df[CODES].notna().all(axis=1)].reset_index(drop=True)
    for name, adapter in ADAPTERS.items():
        if mode == "refuse":
            problems = validate_book(adapter(path))
            sheet, row, col = TPL.setting_cell("missing")
            want = {f'Data!{_letter(3 + j)}{2 + i}: indicator "{NAMES[CODES[j]]}" (column '
                    f"{_letter(3 + j)}) in row {2 + i} ({SAMPLE.data.region[i]} {SAMPLE.data.year[i]}) "
                    f"is blank; fill it (or set {sheet}!{_letter(col)}{row} Missing values 缺失值 to "
                    f"drop or interpolate)" for i, j in blanks}
            assert set(problems) == want, name
            continue
        got = _results(adapter(path))["scores"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jx.JJJWarning)
            # no blank is left in df: "drop" only lets the coupling skip years with a region out
            api = jx.entropy_topsis_coupling(df, SAMPLE.indicators, missing="drop").scores
        assert [(r, int(y)) for r, y in zip(got.region, got.year)] == \
            [(r, int(y)) for r, y in zip(api.region, api.year)], name
        for c in api.columns[2:]:
            np.testing.assert_allclose(got[c].astype(float), api[c].to_numpy(float), rtol=1e-12,
                                       err_msg=f"{name} {mode} {c}")


def test_u_table_below_a_title(tmp_path):
    """U values pasted from a paper's table with its caption above (and a unit line)."""
    U = pd.DataFrame({"observation": ["2019", "2020", "2021"], "economy": [0.2, 0.5, 0.9],
                      "environment": [0.3, 0.4, 0.8], "society": [0.25, 0.6, 0.7]})
    clean = u_book(tmp_path, U)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(clean, "compute_all")
    want = clean.read_block(layout.COUPLING_COORDINATION.outputs["results"])

    def edit(wb):
        ws = wb[layout.COUPLING_COORDINATION.inputs[0].sheet]
        ws.insert_rows(1, 2)
        ws["A1"] = "表3 京津冀三系统综合评价值 U"
        ws["A2"] = "（无量纲）"
        ws["C5"] = "０．４"             # environment 2020
    path = _edit(clean.path, tmp_path / "u-title.xlsx", edit)
    for name, adapter in ADAPTERS.items():
        book = adapter(path)
        assert validate_book(book) == [], name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jx.JJJWarning)
            report = run_action(adapter(path), "compute_all")
        got = _results_u(adapter(path))
        pd.testing.assert_frame_equal(got, want)
        assert "sheet U: the header row is row 3; rows 1–2 above it read as a title and left out" \
            in report["warnings"]
        assert any(w.startswith('sheet U, system "environment" (column C): 1 number stored as text')
                   for w in report["warnings"])
    with pytest.raises(jx.InputError, match="sheet U: the header is in row 3 below a title; share"):
        share_workbook(path, tmp_path / "u-share.xlsx")


def _results_u(book):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(book, "compute_all")
    return book.read_block(layout.COUPLING_COORDINATION.outputs["results"])
