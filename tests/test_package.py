"""Package-preserving writes (issue 7 items 1-3): the file you give jjj-xl is the file you
get back, plus results. Every action is run on workbooks carrying a VBA project, x14
validations, data bars, threaded comments, cached formula values and a custom XML part, and
on a workbook as LibreOffice leaves it; the packages are compared part by part."""

from __future__ import annotations

import re
import shutil
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl import cli
from jjj_xl.datasets import load_sample
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action
from jjj_xl.workbook.package import PackageBook

from .libreoffice import convert, require_soffice
from .rich_books import filled, order, owned_parts, parts, rewrite, rich, sheet_part, without_output_print_areas

ACTIONS = ("compute_all", "weights", "scores", "coupling", "validate", "clear_outputs")


def _engine(sample="paper000"):
    s = load_sample(sample)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return jx.entropy_topsis_coupling(s.data, s.indicators)


def _column(ws, name, kind=(int, float)):
    """Values below the header cell ``name`` in row 2 of an output sheet."""
    header = [c.value for c in ws[2]]
    j = header.index(name)
    return [r[j] for r in ws.iter_rows(min_row=3, values_only=True)
            if isinstance(r[j], kind) and not isinstance(r[j], bool)]


def _act(path, action, template="entropy_topsis_ccd"):
    book = PackageBook(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        result = run_action(book, action)
    book.save(template=template)
    return result


def _assert_only_owned_changed(before: dict, after_path, template, order_before):
    after = parts(after_path)
    assert order(after_path)[:len(order_before)] == order_before     # zip entry order kept
    owned = owned_parts(after_path, template)
    charts = sheet_part(after, "Charts")
    for name, data in before.items():
        assert name in after, f"{name} was dropped"
        if name == charts and after[name] != data:
            # the only change allowed on the Charts sheet: its helper formulas lose their saved
            # results (so LibreOffice computes them on open); the formulas themselves stay
            from jjj_xl.workbook.package import _CACHED_FORMULA, _drop_cached_value
            stripped = _CACHED_FORMULA.sub(_drop_cached_value, data.decode()).encode()
            assert after[name] == stripped, f"{name} changed beyond cached formula results"
            assert after[name].count(b"<f") == data.count(b"<f")
        elif name not in owned:
            assert after[name] == data, f"{name} changed"
    outputs = layout.TEMPLATES[template].output_sheets
    wb_before = re.sub(rb"<calcPr\b[^>]*>", b"", without_output_print_areas(before["xl/workbook.xml"], outputs))
    wb_after = re.sub(rb"<calcPr\b[^>]*>", b"", without_output_print_areas(after["xl/workbook.xml"], outputs))
    assert wb_before == wb_after, "workbook.xml changed beyond calcPr and the output sheets' print areas"
    styles_b, styles_a = before["xl/styles.xml"], after["xl/styles.xml"]
    # styles are appended, never renumbered: every original cellXfs entry is still there, in order
    xf = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)
    cx_b = xf.findall(re.search(rb"<cellXfs.*?</cellXfs>", styles_b, re.S).group(0))
    cx_a = xf.findall(re.search(rb"<cellXfs.*?</cellXfs>", styles_a, re.S).group(0))
    assert [x.replace(b" />", b"/>") for x in cx_a[:len(cx_b)]] == \
        [x.replace(b" />", b"/>") for x in cx_b]
    return after


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_keeps_every_other_part_byte_identical(tmp_path, action):
    src = rich(tmp_path)
    before, order_before = parts(src), order(src)
    path = tmp_path / f"{action}.xlsm"
    shutil.copy(src, path)
    _act(path, action)
    after = _assert_only_owned_changed(before, path, "entropy_topsis_ccd", order_before)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]
    data = sheet_part(after, "Data")
    assert after[data] == before[data]             # input sheets are never re-serialised
    assert b"x14:dataValidation" in after[data] and b"<f>" in after[data]
    # the written output sheets parse and hold the engine's numbers
    wb = load_workbook(path)                       # openpyxl reads .xlsm packages too
    res = _engine()
    if action in ("compute_all", "scores"):
        np.testing.assert_allclose(_column(wb["Scores"], "overall"), res.scores["overall"],
                                   rtol=1e-12)
    if action in ("compute_all", "weights"):
        np.testing.assert_allclose(_column(wb["Weights"], "w"), res.weights["w"], rtol=1e-12)
    if action == "clear_outputs":
        assert wb["Scores"]["A3"].value is None and wb["Scores"]["A1"].value  # titles stay
    if action == "validate":
        assert wb["Notes"]["A3"].value == "No problems found 未发现问题"


def test_run_twice_is_stable_and_styles_do_not_grow(tmp_path):
    path = rich(tmp_path)
    assert cli.main(["run", str(path)]) == 0
    first = parts(path)
    assert cli.main(["run", str(path)]) == 0
    second = parts(path)
    assert first.keys() == second.keys()
    assert first["xl/styles.xml"] == second["xl/styles.xml"]
    for name in first:
        assert first[name] == second[name], name


def test_run_in_place_on_xlsm_keeps_the_macro_workbook(tmp_path, capsys):
    path = rich(tmp_path)
    before = parts(path)
    assert cli.main(["run", str(path)]) == 0
    assert "wrote" in capsys.readouterr().out
    after = parts(path)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    for name in ("customXml/item1.xml", "customXml/itemProps1.xml", "xl/persons/person.xml",
                 "xl/threadedComments/threadedComment1.xml"):
        assert after[name] == before[name]
    # and a copy cannot silently change the package type
    assert cli.main(["run", str(path), "--out", str(tmp_path / "copy.xlsx")]) == 2
    assert "type" in capsys.readouterr().err
    assert not (tmp_path / "copy.xlsx").exists()


def test_cached_formula_values_are_read_as_excel_shows_them(tmp_path):
    path = rich(tmp_path)
    book = PackageBook(path)
    data = book.read_block(layout.ENTROPY_TOPSIS_CCD.inputs[1])
    s = load_sample("paper000")
    assert data["gdp"].iloc[0] == pytest.approx(s.data["gdp"].iloc[0])   # =<v>*1, cached
    assert isinstance(data["gdp"].iloc[0], (int, float))


def test_formula_without_saved_value_asks_to_save_in_excel(tmp_path, capsys):
    src = filled(tmp_path)

    def edit(items):
        part = sheet_part(items, "Data")
        items[part] = re.sub(rb'<c r="D3"([^>]*)><v>[^<]+</v></c>', rb'<c r="D3"\1><f>1+1</f></c>',
                             items[part])
        return items
    path = rewrite(src, tmp_path / "nocache.xlsx", edit)
    before = parts(path)
    assert cli.main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Data!D3" in err and "=1+1" in err and "save it" in err
    assert parts(path) == before                    # refused input: the file is not touched


def test_libreoffice_saved_workbook(tmp_path):
    """A workbook as LibreOffice leaves it (soffice --convert-to xlsx round trip)."""
    require_soffice()
    src = filled(tmp_path)
    lo = convert(src, "xlsx", tmp_path / "lo")
    path = tmp_path / "lo_saved.xlsx"
    shutil.copy(lo, path)
    before, order_before = parts(path), order(path)
    assert cli.main(["run", str(path)]) == 0
    after = parts(path)
    owned = owned_parts(path, "entropy_topsis_ccd")
    # the Map sheet run adds (issue 11 item 3; tests/test_map_run.py): its relationship and
    # content-type entries are new, nothing else in those two parts changes
    from jjj_xl.workbook.maps import MAP_SHEET
    for name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        entries = re.compile(rb"<(?:Relationship|Override|Default)\b[^>]*/>")
        assert set(entries.findall(before[name])) <= set(entries.findall(after[name]))
        assert re.sub(rb"<(?:Relationship|Override|Default)\b[^>]*/>", b"", before[name]) == \
            re.sub(rb"<(?:Relationship|Override|Default)\b[^>]*/>", b"", after[name])
        owned.add(name)
    assert MAP_SHEET in load_workbook(path).sheetnames
    charts = sheet_part(after, "Charts")
    from jjj_xl.workbook.package import _CACHED_FORMULA, _drop_cached_value
    for name, data in before.items():
        if name == charts:   # only the helper formulas' saved results go (see package.py)
            assert after[name] == _CACHED_FORMULA.sub(_drop_cached_value, data.decode()).encode()
        elif name not in owned:
            assert after[name] == data, name
    assert order(path)[:len(order_before)] == order_before
    wb = load_workbook(path)
    got = [r[2] for r in wb["Scores"].iter_rows(min_row=3, values_only=True) if r[2] is not None]
    np.testing.assert_allclose(got, _engine().scores["overall"], rtol=1e-12)
    # and LibreOffice opens its own workbook as jjj-xl left it, showing the results — also on
    # the Charts sheet, whose helper formulas it saved as #N/A before the run (LibreOffice keeps
    # the saved results of its own files; fullCalcOnLoad alone did not make it recompute)
    back = load_workbook(convert(path, "xlsx", tmp_path / "lo2"), data_only=True)
    np.testing.assert_allclose(_column(back["Coupling"], "D"), _engine().coupling["D"], rtol=1e-9)
    helper = [r for r in back["Charts"].iter_rows(values_only=True)
              if any(isinstance(v, float) for v in r)]
    overall_d = [v for r in helper for v in r if isinstance(v, float)]
    engine_d = _engine().coupling.query("dimension == 'overall'")["D"].to_list()
    assert all(any(abs(d - v) < 1e-9 for v in overall_d) for d in engine_d)


def test_libreoffice_opens_the_result_and_shows_the_numbers(tmp_path):
    """LibreOffice opens what ``run`` wrote (macro workbook with every extra part) and its own
    copy of it shows the results."""
    require_soffice()
    path = rich(tmp_path)
    assert cli.main(["run", str(path)]) == 0
    back = convert(path, "xlsx", tmp_path / "lo")
    wb = load_workbook(back, data_only=True)
    np.testing.assert_allclose(_column(wb["Scores"], "overall"), _engine().scores["overall"],
                               rtol=1e-9)
    np.testing.assert_allclose(_column(wb["Weights"], "w"), _engine().weights["w"], rtol=1e-9)
    np.testing.assert_allclose(_column(wb["Coupling"], "D"), _engine().coupling["D"], rtol=1e-9)


# ---------------------------------------------------------------- reading what the user sees

def _with_blank_rows(tmp_path, at: list[int], name="blank.xlsx"):
    """The sample panel with fully blank rows inserted so that they sit at Excel rows ``at``."""
    s = load_sample("paper000")
    rows = [r for r in s.data.astype(object).itertuples(index=False)]
    blank = tuple([None] * s.data.shape[1])
    for excel_row in sorted(at):
        rows.insert(excel_row - 2, blank)
    data = pd.DataFrame(rows, columns=s.data.columns)
    return filled(tmp_path, data=data, filename=name)


@pytest.mark.parametrize("at", [[14], [2, 3], [9, 20, 21]])
def test_blank_rows_inside_the_table_are_skipped_and_noted(tmp_path, at, capsys):
    path = _with_blank_rows(tmp_path, at)
    assert cli.main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    assert "skipped" in out and str(at[0]) in out
    wb = load_workbook(path)
    got = [r for r in wb["Scores"].iter_rows(min_row=3, values_only=True) if r[2] is not None]
    assert len(got) == 36                                   # all 6 cities x 6 years scored
    np.testing.assert_allclose([r[2] for r in got], _engine().scores["overall"], rtol=1e-12)
    notes = " ".join(str(c) for row in wb["Notes"].iter_rows(values_only=True) for c in row if c)
    assert "blank row" in notes and all(str(r) in notes for r in at)


def test_partly_blank_row_is_refused_naming_its_empty_cells(tmp_path, capsys):
    s = load_sample("paper000")
    data = s.data.astype(object).copy()
    data.loc[12, ["gdp", "income_pc"]] = None         # Excel row 14
    path = filled(tmp_path, data=data)
    assert cli.main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert "Data!C14" in out and "Data!E14" in out and "blank" in out


def test_total_row_message_has_no_python_none(tmp_path, capsys):
    s = load_sample("paper000")
    total = {c: (s.data[c].sum() if c not in ("region", "year") else None) for c in s.data.columns}
    total["region"] = "Total"
    data = pd.concat([s.data.astype(object), pd.DataFrame([total])], ignore_index=True)
    path = filled(tmp_path, data=data)
    assert cli.main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "None" not in err and "Data!B38" in err and "\n" not in err.strip()


def test_far_formatted_empty_cell_costs_nothing(tmp_path):
    """Data!A1048576 formatted but empty: the reader never materialises a million rows and the
    Data sheet is not rewritten (benchmark-ish: rows read, not seconds)."""
    src = filled(tmp_path)

    def edit(items):
        part = sheet_part(items, "Data")
        items[part] = items[part].replace(
            b"</sheetData>", b'<row r="1048576"><c r="A1048576" s="1"/></row></sheetData>')
        return items
    path = rewrite(src, tmp_path / "far.xlsx", edit)
    before = parts(path)
    book = PackageBook(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(book, "compute_all")
    rows_read = book.rows_read        # what Compute read (saving reads the output sheets back)
    book.save(template="entropy_topsis_ccd")
    normal = PackageBook(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        run_action(normal, "compute_all")
    assert rows_read == normal.rows_read < 1000     # the far cell adds no row at all
    after = parts(path)
    data = sheet_part(before, "Data")
    assert after[data] == before[data]


def test_error_value_in_data_is_named(tmp_path, capsys):
    s = load_sample("paper000")
    data = s.data.astype(object).copy()
    data.loc[3, "gdp"] = "#N/A"                       # openpyxl writes it as an error cell
    path = filled(tmp_path, data=data)
    assert cli.main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Data!C5" in err and "#N/A" in err


def test_rows_past_the_excel_table_count(tmp_path):
    """Rows typed below an Excel Table that did not grow (LibreOffice does not grow tables)
    are data too: extents come from the data present, not only the Table's ref."""
    src = filled(tmp_path)

    def edit(items):
        for name in items:
            if name.startswith("xl/tables/") and b'name="tblData"' in items[name]:
                items[name] = re.sub(rb'ref="A1:([A-Z]+)\d+"', rb'ref="A1:\g<1>20"', items[name])
        return items
    path = rewrite(src, tmp_path / "short_table.xlsx", edit)
    book = PackageBook(path)
    assert len(book.read_block(layout.ENTROPY_TOPSIS_CCD.inputs[1])) == 36


def test_new_output_sheet_is_added_when_missing(tmp_path):
    """A user deleted the Notes sheet: run adds it (workbook, rels, content types)."""
    src = filled(tmp_path)
    from openpyxl import load_workbook as lw
    wb = lw(src)
    del wb["Notes"]
    path = tmp_path / "no_notes.xlsx"
    wb.save(path)
    assert cli.main(["run", str(path)]) == 0
    wb = load_workbook(path)
    assert "Notes" in wb.sheetnames and wb["Notes"]["A3"].value == "template"
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None


def _with_calc_chain(tmp_path, sheet_ids, name):
    src = filled(tmp_path, filename=f"src_{name}")

    def edit(items):
        cells = "".join(f'<c r="A{k}" i="{i}"/>' for k, i in enumerate(sheet_ids, start=1))
        items["xl/calcChain.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns='
            f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">{cells}</calcChain>').encode()
        rels = "xl/_rels/workbook.xml.rels"
        items[rels] = items[rels].replace(
            b"</Relationships>", b'<Relationship Id="rIdCc" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
        items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
        return items
    return rewrite(src, tmp_path / name, edit)


def test_calc_chain_is_kept_unless_it_lists_a_rewritten_sheet(tmp_path):
    """Excel's calcChain.xml lists formula cells; an entry on a sheet jjj-xl rewrote with values
    makes Excel repair the file, so then (only then) the chain is dropped with its rel and
    content type; otherwise it is copied like every other part."""
    wb = load_workbook(filled(tmp_path, filename="ids.xlsx"))
    ids = {ws.title: k for k, ws in enumerate(wb.worksheets, start=1)}   # openpyxl: sheetId = order
    keep = _with_calc_chain(tmp_path, [ids["Formulas"], ids["Charts"]], "keep.xlsx")
    before = parts(keep)
    assert cli.main(["run", str(keep)]) == 0
    assert parts(keep)["xl/calcChain.xml"] == before["xl/calcChain.xml"]
    drop = _with_calc_chain(tmp_path, [ids["Formulas"], ids["Scores"]], "drop.xlsx")
    assert cli.main(["run", str(drop)]) == 0
    after = parts(drop)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]
    load_workbook(drop)


# ---------------------------------------------------------------- property: one reader, one checker

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

CODES = list(load_sample("paper000").indicators["code"])


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(blank_at=st.lists(st.integers(0, 36), max_size=3, unique=True),
       holes=st.lists(st.tuples(st.integers(0, 35), st.sampled_from(CODES)), max_size=2,
                      unique=True))
def test_blank_rows_and_holes_validate_and_run_agree(tmp_path_factory, blank_at, holes):
    """Any mix of fully blank rows (skipped) and empty cells (refused, each named by its cell):
    Validate reports exactly the holes, run refuses iff Validate does, and otherwise writes
    the engine's scores for the 36 real rows."""
    from jjj_xl.workbook.actions import validate_book
    tmp = tmp_path_factory.mktemp("prop")
    s = load_sample("paper000")
    data = s.data.astype(object).copy()
    for i, code in holes:
        data.loc[i, code] = None
    rows = list(data.itertuples(index=False))
    excel_row = {}
    out, k = [], 0
    for pos in range(len(rows) + len(blank_at)):
        if pos in blank_at and pos > 0:          # never before the first data row's header
            out.append(tuple([None] * data.shape[1]))
        elif k < len(rows):
            excel_row[k] = len(out) + 2
            out.append(rows[k])
            k += 1
    while k < len(rows):
        excel_row[k] = len(out) + 2
        out.append(rows[k])
        k += 1
    path = filled(tmp, data=pd.DataFrame(out, columns=data.columns))
    problems = validate_book(PackageBook(path))
    letters = {c: chr(ord("A") + list(data.columns).index(c)) for c in data.columns}
    expected = {f"Data!{letters[code]}{excel_row[i]}" for i, code in holes}
    named = {p.split(":")[0] for p in problems}
    assert named == expected, (problems, expected)
    rc = cli.main(["run", str(path)])
    assert rc == (2 if holes else 0)
    if not holes:
        wb = load_workbook(path)
        np.testing.assert_allclose(_column(wb["Scores"], "overall"), _engine().scores["overall"],
                                   rtol=1e-12)
