"""The three workbook templates: layout contract, guide, validations, charts, and that the
committed files in workbook_templates/ are what the builder makes."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.formula import ArrayFormula

from jjj_xl.workbook import layout
from jjj_xl.methods.coupling import CCD10_LABELS
from jjj_xl.datasets import load_sample
from jjj_xl.workbook.templates import (unguard, CHARTS_SHEET, FORMULAS_SHEET, OUTPUT_NOTE, SAMPLE_FOR, U_HEADER,
                              build_template, snapshot, write_template)

from .conftest import ROOT, SHARED

NAMES = tuple(layout.TEMPLATES)
COMMITTED = ROOT / "workbook_templates"

# METHODS.md §4, copied here so that the test fails if either side drifts
CCD10_TABLE = [
    (1, "[0, 0.1)", "Extreme imbalance", "极度失调"),
    (2, "[0.1, 0.2)", "Serious imbalance", "严重失调"),
    (3, "[0.2, 0.3)", "Moderate imbalance", "中度失调"),
    (4, "[0.3, 0.4)", "Mild imbalance", "轻度失调"),
    (5, "[0.4, 0.5)", "On the verge of imbalance", "濒临失调"),
    (6, "[0.5, 0.6)", "Barely coordinated", "勉强协调"),
    (7, "[0.6, 0.7)", "Primary coordination", "初级协调"),
    (8, "[0.7, 0.8)", "Intermediate coordination", "中级协调"),
    (9, "[0.8, 0.9)", "Good coordination", "良好协调"),
    (10, "[0.9, 1.0]", "Quality coordination", "优质协调"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each template written to disk and read back (what a user opens)."""
    folder = tmp_path_factory.mktemp("templates")
    out = {}
    for name in NAMES:
        path = write_template(name, folder / layout.TEMPLATES[name].filename)
        out[name] = load_workbook(path)
    return out


def _cells(ws):
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def _guide_text(wb) -> str:
    return "\n".join(" | ".join("" if v is None else str(v) for v in row)
                     for row in wb[layout.GUIDE_SHEET].iter_rows(values_only=True))


def _resolve(wb, name):
    (sheet, coord), = list(wb.defined_names[name].destinations)
    return wb[sheet][coord.replace("$", "")]


def _validations_at(ws, coord):
    return [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]


# ---------------------------------------------------------------- structure

@pytest.mark.parametrize("name", NAMES)
def test_sheet_order_follows_layout(built, name):
    assert built[name].sheetnames == list(layout.TEMPLATES[name].sheets)
    assert built[name].active.title == layout.GUIDE_SHEET


def test_unknown_template_is_refused():
    with pytest.raises(ValueError, match="unknown template"):
        build_template("nope")


@pytest.mark.parametrize("name", NAMES)
def test_input_tables(built, name):
    tpl, wb = layout.TEMPLATES[name], built[name]
    for block in tpl.inputs:
        ws = wb[block.sheet]
        assert block.table in ws.tables, f"{block.sheet} has no table {block.table}"
        table = ws.tables[block.table]
        first, last = table.ref.split(":")
        assert first == ws.cell(row=block.row, column=block.col).coordinate
        assert int(re.sub(r"[A-Z]", "", last)) >= block.row + 1       # header + at least 1 row
        header = [ws.cell(row=block.row, column=block.col + j).value
                  for j in range(len(table.tableColumns))]
        assert header == [c.name for c in table.tableColumns]
        assert table.tableStyleInfo is not None
        assert ws.freeze_panes is not None
        assert coordinate_from_string(ws.freeze_panes)[1] == block.row + 1
        assert ws.sheet_properties.tabColor is not None


@pytest.mark.parametrize("name", list(SAMPLE_FOR))
def test_indicators_prefilled_and_data_empty(built, name):
    tpl, wb = layout.TEMPLATES[name], built[name]
    ind_block, data_block = tpl.inputs
    sample = load_sample(SAMPLE_FOR[name]).indicators
    ws = wb[ind_block.sheet]
    table = ws.tables[ind_block.table]
    assert [c.name for c in table.tableColumns] == list(layout.INDICATOR_COLUMNS)
    rows = list(ws.iter_rows(min_row=ind_block.row + 1, max_row=ind_block.row + len(sample),
                             min_col=ind_block.col, max_col=ind_block.col + 5, values_only=True))
    expected = [tuple(r) for r in sample[list(layout.INDICATOR_COLUMNS)].itertuples(index=False)]
    assert rows == expected
    assert ws.cell(row=ind_block.row + len(sample) + 1, column=ind_block.col).value is None

    ws = wb[data_block.sheet]
    header = [c.name for c in ws.tables[data_block.table].tableColumns]
    assert header == ["region", "year", *sample["code"]]
    assert ws.tables[data_block.table].ref.endswith(str(data_block.row + 1))   # one blank row
    assert all(v is None for row in ws.iter_rows(min_row=data_block.row + 1, values_only=True)
               for v in row)


def test_u_table(built):
    tpl = layout.TEMPLATES["coupling_coordination"]
    block = tpl.inputs[0]
    ws = built[tpl.name][block.sheet]
    assert [c.name for c in ws.tables[block.table].tableColumns] == list(U_HEADER)
    assert U_HEADER == ("observation", "system 1", "system 2", "system 3")
    assert ws.tables[block.table].ref == f"A{block.row}:D{block.row + 1}"
    dv = _validations_at(ws, ws.cell(row=block.row + 1, column=block.col + 1).coordinate)
    assert dv and dv[0].type == "decimal" and (dv[0].formula1, dv[0].formula2) == ("0", "1")


@pytest.mark.parametrize("name", list(SAMPLE_FOR))
def test_direction_drop_down(built, name):
    block = layout.TEMPLATES[name].inputs[0]
    ws = built[name][block.sheet]
    col = block.col + layout.INDICATOR_COLUMNS.index("direction")
    for row in (block.row + 1, block.row + 30):
        dvs = _validations_at(ws, ws.cell(row=row, column=col).coordinate)
        assert len(dvs) == 1
        dv = dvs[0]
        assert dv.type == "list" and dv.formula1 == '"+,-"'
        assert "正向" in dv.prompt and "负向" in dv.prompt
        assert dv.showInputMessage and dv.showErrorMessage


# ---------------------------------------------------------------- settings

@pytest.mark.parametrize("name", NAMES)
def test_settings_sheet(built, name):
    tpl, wb = layout.TEMPLATES[name], built[name]
    sheet, row, col = layout.MARKER_CELL
    ws = wb[sheet]
    assert ws.cell(row=row, column=col).value == layout.MARKER_TEXT
    assert ws.cell(row=row, column=col + 1).value == name
    header = [ws.cell(row=layout.SETTINGS_FIRST_ROW - 1, column=j + 1).value
              for j in range(len(layout.SETTINGS_HEADER))]
    assert header == list(layout.SETTINGS_HEADER)
    assert ws.freeze_panes == f"A{layout.SETTINGS_FIRST_ROW}"
    for s in tpl.settings:
        sheet_, r, c = tpl.setting_cell(s.key)
        cell = wb[sheet_].cell(row=r, column=c)
        assert cell.value == s.default, s.key
        assert ws.cell(row=r, column=1).value == s.label
        assert ws.cell(row=r, column=2).value == s.label_zh
        assert ws.cell(row=r, column=5).value == s.note
        assert ws.cell(row=r, column=6).value == s.note_zh
        # the defined name points at the value cell
        assert s.name in wb.defined_names
        target = _resolve(wb, s.name)
        assert (target.parent.title, target.row, target.column) == (sheet_, r, c)
        assert target.value == s.default
        dvs = _validations_at(wb[sheet_], cell.coordinate)
        assert len(dvs) == 1, s.key
        dv = dvs[0]
        if s.choices:
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(s.choices) + '"'
            assert str(s.default) in s.choices
            assert ws.cell(row=r, column=4).value == ", ".join(s.choices)
        elif isinstance(s.default, str):   # numbers as text ("0.8, 1.2"): a prompt, no type
            assert dv.type is None and dv.showInputMessage and dv.prompt
        else:
            assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert set(wb.defined_names) == {s.name for s in tpl.settings}


def test_single_choice_setting_allows_own_value(built):
    """alpha offers "equal" but also takes numbers: its drop-down must not refuse them."""
    tpl = layout.TEMPLATES["coupling_coordination"]
    sheet, r, c = tpl.setting_cell("alpha")
    ws = built[tpl.name][sheet]
    dv, = _validations_at(ws, ws.cell(row=r, column=c).coordinate)
    assert dv.errorStyle in ("information", "warning")


@pytest.mark.parametrize("name", [n for n, t in layout.TEMPLATES.items() if t.scheme])
def test_scheme_table(built, name):
    block = layout.TEMPLATES[name].scheme
    ws = built[name][block.sheet]
    table = ws.tables[block.table]
    assert [c.name for c in table.tableColumns] == list(layout.SCHEME_COLUMNS)
    assert table.ref.split(":")[0] == ws.cell(row=block.row, column=block.col).coordinate
    rows = list(ws.iter_rows(min_row=block.row + 1, max_row=block.row + 10, min_col=block.col,
                             max_col=block.col + 2, values_only=True))
    assert rows == [(round(0.1 * k, 1), en, zh) for k, (en, zh) in
                    enumerate(zip(CCD10_LABELS["en"], CCD10_LABELS["zh"]))]
    assert ws.cell(row=block.row + 11, column=block.col).value is None


# ---------------------------------------------------------------- outputs, charts, formulas

@pytest.mark.parametrize("name", NAMES)
def test_output_sheets_are_empty_but_titled(built, name):
    tpl, wb = layout.TEMPLATES[name], built[name]
    input_tab = wb[tpl.inputs[0].sheet].sheet_properties.tabColor.rgb
    for sheet in tpl.output_sheets:
        ws = wb[sheet]
        blocks = [b for b in tpl.outputs.values() if b.sheet == sheet]
        expected = {ws.cell(row=b.row - 1, column=b.col).coordinate: b.title for b in blocks}
        cells = _cells(ws)
        notes = [k for k, v in cells.items() if v == OUTPUT_NOTE]
        assert len(notes) == 1, sheet
        del cells[notes[0]]
        assert cells == expected, sheet
        assert ws.freeze_panes == f"A{min(b.row for b in blocks) + 1}"
        assert ws.sheet_properties.tabColor.rgb != input_tab
        assert not ws.tables
    assert "结果区" in OUTPUT_NOTE and "do not type" in OUTPUT_NOTE


def _series_refs(chart):
    return [s.val.numRef.f for s in chart.series]


@pytest.mark.parametrize("name,kinds,source", [
    ("entropy_topsis_ccd", ["LineChart", "BarChart"], ("coupling", "weights")),
    ("ideal_solution_index", ["LineChart"], ("tables",)),
    ("coupling_coordination", ["LineChart"], ("results",)),
])
def test_charts(built, name, kinds, source):
    tpl, wb = layout.TEMPLATES[name], built[name]
    ws = wb[CHARTS_SHEET]
    assert [type(c).__name__ for c in ws._charts] == kinds
    for chart in ws._charts:
        refs = _series_refs(chart)
        assert refs and all(r.startswith(f"'{CHARTS_SHEET}'!") for r in refs)
    # the helper formulas behind the charts read the output blocks
    formulas = " ".join(v for v in _cells(ws).values() if isinstance(v, str) and v.startswith("="))
    for key in source:
        block = tpl.outputs[key]
        assert f"{block.sheet}!${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[block.col - 1]}${block.row + 1}" \
            in formulas, key
    line = ws._charts[0]
    assert len(line.series) >= 3 and all(s.smooth is False for s in line.series)


def test_charts_fill_in_after_compute(tmp_path):
    """Compute all on the template with the sample data; the chart helpers then point at results."""
    actions = pytest.importorskip("jjj_xl.workbook.actions")
    book_mod = pytest.importorskip("jjj_xl.workbook.book")
    tpl = layout.TEMPLATES["entropy_topsis_ccd"]
    wb = build_template(tpl.name)
    data = load_sample("paper000").data
    ws = wb[tpl.inputs[1].sheet]
    for i, row in enumerate(data.itertuples(index=False), start=tpl.inputs[1].row + 1):
        for j, v in enumerate(row, start=tpl.inputs[1].col):
            ws.cell(row=i, column=j, value=v.item() if hasattr(v, "item") else v)
    book = book_mod.OpenpyxlBook(workbook=wb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = actions.run_action(book, "compute_all")
    assert result["problems"] == []
    coupling = tpl.outputs["coupling"]
    header = [c.value for c in wb[coupling.sheet][coupling.row]][:8]
    # the helper looks these columns up by name
    assert {"year", "D"} <= set(header) and header[0] == "dimension"


def test_formulas_sheet(built):
    tpl = layout.TEMPLATES["entropy_topsis_ccd"]
    ws = built[tpl.name][FORMULAS_SHEET]
    texts = {}
    arrays = {}
    for coord, v in _cells(ws).items():
        if isinstance(v, ArrayFormula):
            arrays[coord] = ArrayFormula(v.ref, unguard(v.text))
            texts[coord] = unguard(v.text)
        elif isinstance(v, str) and v.startswith("="):
            texts[coord] = unguard(v)
    joined = " ".join(texts.values())
    codes = list(load_sample("paper000").indicators["code"])
    data = f"tblData[[{codes[0]}]:[{codes[-1]}]]"
    assert "=JJJ_VERSION()" in texts.values()
    assert f"=JJJ_ENTROPY_WEIGHTS({data},TRANSPOSE(tblIndicators[direction])" in joined
    assert f"=JJJ_TOPSIS({data}," in joined
    for fn in ("JJJ_HIER_WEIGHTS", "JJJ_CRITIC_WEIGHTS", "JJJ_CCD_GRADE", "JJJ_COUPLING",
               "JJJ_ENTROPY_TABLE"):
        assert f"={fn}(" in joined, fn
    # the named settings are used, and they exist
    for s in ("jjj_method", "jjj_shift", "jjj_closeness"):
        assert s in joined and s in built[tpl.name].defined_names
    # row-vector results span one column per indicator
    weights = next(a for a in arrays.values() if a.text.startswith("=JJJ_ENTROPY_WEIGHTS"))
    first, last = weights.ref.split(":")
    assert ws[last].column - ws[first].column + 1 == len(codes)
    # every formula has a label in column A
    for coord in texts:
        row = ws[coord].row
        assert any(ws.cell(row=r, column=1).value for r in range(row - 2, row + 1)), coord
    assert FORMULAS_SHEET not in layout.TEMPLATES["ideal_solution_index"].sheets


@pytest.mark.parametrize("name", NAMES)
def test_xlwings_conf(built, name):
    ws = built[name][layout.CONF_SHEET]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert rows == [tuple(r) for r in layout.CONF_ROWS]
    assert layout.CONF_ROWS[0] == ("UDF Modules", "jjj_xl.excel.udfs")


@pytest.mark.parametrize("name", NAMES)
def test_print_setup_and_properties(built, name):
    wb = built[name]
    from jjj_xl.workbook.printing import MIN_SCALE
    for ws in wb.worksheets:   # issue 11: A4 at a fixed readable scale (tests/test_printing.py)
        assert ws.page_setup.orientation in ("portrait", "landscape"), ws.title
        assert str(ws.page_setup.paperSize) == "9", ws.title          # A4
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert MIN_SCALE <= int(ws.page_setup.scale) <= 100, ws.title
    assert wb.properties.creator == "jjj-xl"
    assert wb.properties.created == wb.properties.modified


# ---------------------------------------------------------------- guide

@pytest.mark.parametrize("name", NAMES)
def test_guide(built, name):
    tpl, wb = layout.TEMPLATES[name], built[name]
    text = _guide_text(wb)
    assert re.search(r"[\u4e00-\u9fff]{4}", text) and re.search(r"[A-Za-z]{4} [A-Za-z]{4}", text)
    assert tpl.title in text and tpl.title_zh in text
    for button in ("Compute all 全部计算", "Weights 权重", "Scores 得分", "Coupling 耦合",
                   "Validate 校验数据", "Clear outputs 清除结果", "New from template 新建模板",
                   "Share 共享"):
        assert button in text, button
    for s in tpl.settings:
        assert s.name in text and s.note in text and s.note_zh in text, s.key
    for block in tpl.inputs:
        assert block.sheet in text and block.table in text
    for fn in ("JJJ_STANDARDIZE", "JJJ_ENTROPY_WEIGHTS", "JJJ_ENTROPY_TABLE", "JJJ_HIER_WEIGHTS",
               "JJJ_CRITIC_WEIGHTS", "JJJ_TOPSIS", "JJJ_TOPSIS_TABLE", "JJJ_COUPLING",
               "JJJ_CCD_GRADE", "JJJ_OBSTACLE", "JJJ_VERSION"):
        assert f"={fn}(" in text, fn
    for ref in ("Li, Du, Luo, Fang (2022)", "Wu, Wang, Chen", "Wang Shujia et al. (2021)",
                "自然资源学报", "36(3)", "paper 000", "paper 004"):
        assert ref in text, ref
    ws = wb[layout.GUIDE_SHEET]
    assert ws.column_dimensions["B"].width >= 80
    assert any(c.alignment.wrap_text for row in ws.iter_rows() for c in row if c.value)


@pytest.mark.parametrize("name", NAMES)
def test_guide_has_full_ccd10_table(built, name):
    ws = built[name][layout.GUIDE_SHEET]
    rows = [tuple(r[:4]) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == 1 and r[1] == "[0, 0.1)")
    assert rows[start:start + 10] == CCD10_TABLE
    assert [r[2] for r in CCD10_TABLE] == list(CCD10_LABELS["en"])
    assert [r[3] for r in CCD10_TABLE] == list(CCD10_LABELS["zh"])


def test_ccd10_table_matches_methods_md():
    path = SHARED / "METHODS.md"
    if not path.exists():
        pytest.skip(f"{path} not found")
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"^\| (\d+) \| (\[[^|]+[)\]]) \| ([^|]+) \| ([^|]+) \|$", text, re.M)
    assert [(int(a), b, c.strip(), d.strip()) for a, b, c, d in found] == CCD10_TABLE


# ---------------------------------------------------------------- determinism and committed files

def test_building_twice_gives_the_same_workbook(built, tmp_path):
    for name in NAMES:
        again = load_workbook(write_template(name, tmp_path / f"{name}.xlsx"))
        assert snapshot(again) == snapshot(built[name]), name


def test_formulas_survive_round_trip(built):
    wb = build_template("entropy_topsis_ccd")
    before = {c: v for c, v in _cells(wb[FORMULAS_SHEET]).items()}
    after = _cells(built["entropy_topsis_ccd"][FORMULAS_SHEET])
    assert before.keys() == after.keys()
    for coord, v in before.items():
        w = after[coord]
        if isinstance(v, ArrayFormula):
            assert isinstance(w, ArrayFormula) and (w.ref, w.text) == (v.ref, v.text)
        else:
            assert w == v


@pytest.mark.parametrize("name", NAMES)
def test_committed_templates_are_in_sync(built, name):
    path = COMMITTED / layout.TEMPLATES[name].filename
    assert path.exists(), (f"{path} is missing; run: python -c \"from jjj_xl.workbook.templates import "
                           f"build_all; build_all('workbook_templates')\"")
    committed = snapshot(load_workbook(path))
    fresh = snapshot(built[name])
    for key in fresh:
        assert committed.get(key) == fresh[key], (
            f"{path.name}: {key} differs from the builder; regenerate with build_all('workbook_templates')")
    assert committed.keys() == fresh.keys()


def test_snapshot_sees_differences(built, tmp_path):
    """The sync check is only as good as the snapshot: a changed cell, name or validation shows."""
    name = "coupling_coordination"
    base = snapshot(built[name])
    for change in ("cell", "name", "validation", "table"):
        wb = build_template(name)
        if change == "cell":
            wb[layout.GUIDE_SHEET]["B5"] = "edited"
        elif change == "name":
            del wb.defined_names["jjj_lang"]
        elif change == "validation":
            wb[layout.SETTINGS_SHEET].data_validations.dataValidation.pop()
        else:
            wb[layout.TEMPLATES[name].inputs[0].sheet].tables["tblU"].ref = "A1:D3"
        path = tmp_path / f"{change}.xlsx"
        wb.save(path)
        assert snapshot(load_workbook(path)) != base, change


# ---------------------------------------------------------------- charts in a spreadsheet program

def _fill_and_compute(name: str, path: Path) -> Path:
    """The template with the bundled sample (or fixed U values), computed with Compute all."""
    actions = pytest.importorskip("jjj_xl.workbook.actions")
    book_mod = pytest.importorskip("jjj_xl.workbook.book")
    tpl = layout.TEMPLATES[name]
    wb = build_template(name)
    block = tpl.inputs[-1]
    ws = wb[block.sheet]
    if name in SAMPLE_FOR:
        rows = [list(r) for r in load_sample(SAMPLE_FOR[name]).data.itertuples(index=False)]
    else:
        rows = [[2010 + i, 0.2 + 0.05 * i, 0.9 - 0.04 * i, 0.5 + 0.01 * i] for i in range(12)]
    for i, row in enumerate(rows, start=block.row + 1):
        for j, v in enumerate(row, start=block.col):
            ws.cell(row=i, column=j, value=v.item() if hasattr(v, "item") else v)
    table = ws.tables[block.table]
    table.ref = f"{table.ref.split(':')[0]}:{re.sub(r'[0-9]+', '', table.ref.split(':')[1])}" \
                f"{block.row + len(rows)}"
    book = book_mod.OpenpyxlBook(workbook=wb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert actions.run_action(book, "compute_all")["problems"] == []
    wb.save(path)
    return path


def _range_values(wb, ref: str) -> list:
    sheet, cells = ref.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    cells = cells.replace("$", "")
    if ":" not in cells:
        return [ws[cells].value]
    return [c.value for row in ws[cells] for c in row]


def _numbers(values) -> list:
    return [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _block_frame(wb, block):
    import pandas as pd
    ws = wb[block.sheet]
    header = []
    for c in ws[block.row][block.col - 1:]:
        if c.value in (None, ""):
            break
        header.append(str(c.value))
    rows = []
    for r in ws.iter_rows(min_row=block.row + 1, min_col=block.col,
                          max_col=block.col + len(header) - 1, values_only=True):
        if all(v is None for v in r):
            break
        rows.append(r)
    return pd.DataFrame(rows, columns=header)


@pytest.mark.parametrize("name", NAMES)
def test_chart_data_recalculated_by_libreoffice(built, name, tmp_path):
    """LibreOffice stands in for Excel: after Compute all and a recalculation, every chart
    series holds exactly the numbers on the output sheets."""
    try:
        from .libreoffice import convert
    except ImportError:
        pytest.skip("tests/libreoffice.py not available")
    tpl = layout.TEMPLATES[name]
    computed = _fill_and_compute(name, tmp_path / f"{name}.xlsx")
    wb = load_workbook(convert(computed, "xlsx", tmp_path / "lo"), data_only=True)
    charts = built[name][CHARTS_SHEET]._charts
    series = [(chart, s) for chart in charts for s in chart.series]

    def observed(s):
        title = _range_values(wb, s.tx.strRef.f)[0]
        return title, _numbers(_range_values(wb, s.val.numRef.f)), \
            [v for v in _range_values(wb, s.cat.numRef.f if s.cat.numRef else s.cat.strRef.f)
             if v not in (None, "")]

    if name == "entropy_topsis_ccd":
        coupling = _block_frame(wb, tpl.outputs["coupling"])
        weights = _block_frame(wb, tpl.outputs["weights"])
        dims = list(dict.fromkeys(coupling["dimension"]))
        line = [observed(s) for c, s in series if type(c).__name__ == "LineChart"]
        shown = [(t, v, cat) for t, v, cat in line if t not in (None, "")]
        assert [t for t, _, _ in shown] == dims
        for t, values, cats in shown:
            part = coupling[coupling["dimension"] == t]
            assert values == pytest.approx(list(part["D"]), abs=1e-9)
            assert [int(y) for y in cats] == list(part["year"])
        (_, w, labels), = [observed(s) for c, s in series if type(c).__name__ == "BarChart"]
        assert w == pytest.approx(list(weights["w"]), abs=1e-9)
        assert labels == list(weights["indicator"])
    elif name == "ideal_solution_index":
        tables = _block_frame(wb, tpl.outputs["tables"])
        first = tables[tables.iloc[:, 0] == tables.iloc[0, 0]]
        years = [c for c in tables.columns[2:]]
        shown = [o for o in map(observed, (s for _, s in series)) if o[0] not in (None, "")]
        assert [t for t, _, _ in shown] == list(first["region"])
        for (t, values, cats), (_, row) in zip(shown, first.iterrows()):
            assert values == pytest.approx([float(row[y]) for y in years], abs=1e-9)
            assert [str(c) for c in cats] == years
    else:
        results = _block_frame(wb, tpl.outputs["results"])
        for t, values, cats in map(observed, (s for _, s in series)):
            assert values == pytest.approx(list(results[t]), abs=1e-9)
            assert [str(c) for c in cats] == [str(o) for o in results.iloc[:, 0]]
