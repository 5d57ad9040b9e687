"""Hand-over printing (issue 11 item 2), checked on the PDF LibreOffice prints.

Every template (filled with its bundled sample and computed headlessly with ``jjj-xl run``,
the After D sheets too), a share workbook and the demo in English and Chinese are printed to
PDF; on every page: no error value, type of at least 8 pt (the font sizes written into the
page's content stream, ``/F n Tf``, which LibreOffice writes in page points after scaling),
the sheet name in the footer, and a bounded number of pages per sheet; the demo carries its
"illustrative data" banner on every page. The page plan itself (:mod:`jjj_xl.workbook.printing`)
is checked without LibreOffice: scale never below MIN_SCALE, one table per page width.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from jjj_xl.workbook import layout, printing
from jjj_xl.workbook.maps import MAP_SHEET
from jjj_xl.workbook.templates import CHARTS_SHEET, HELPER_COL, build_template

from .libreoffice import convert
from .rich_books import filled

ROOT = Path(__file__).resolve().parents[1]
# a printed error value is a cell of its own: the token alone between column gaps (two or more
# spaces) or line ends; the Guide's sentences that explain "#NAME? means …" are not cells
ERROR = re.compile(r"(?:^|\s{2,})(#N/A|#NAME\?|#VALUE!|#DIV/0!|#REF!|#NUM!|#NULL!)(?=\s{2,}|$)|Err:\d{3}",
                   re.M)
MIN_PT = 7.95          # 8 pt, less LibreOffice's rounding of the scaled size
# most pages any one sheet may print (the samples: 6 cities × 6 years, 11 regions × years, …)
PAGE_BOUND = {"Guide": 12, "Coupling": 8, "Notes": 6, "Sensitivity": 8, "Formulas": 6, "Kernel": 6,
              MAP_SHEET: 10, "Moran": 5, "h_Standardised": 5, "h_Entropy": 5, "h_Distances": 5}
DEFAULT_BOUND = 4


def _jjj(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "jjj_xl", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _sample_u():
    from jjj_xl.cli import _sample_u
    return _sample_u()


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """{label: xlsx} — every template computed by jjj-xl run, a share workbook, the demos."""
    d = tmp_path_factory.mktemp("print")
    out = {}
    for name in layout.TEMPLATES:
        src = filled(d, name, data=_sample_u() if name == "coupling_coordination" else None,
                     filename=f"{name}_in.xlsx")
        out[name] = d / f"{name}.xlsx"
        action = ["--action", "after_d"] if name == "entropy_topsis_ccd" else []
        _jjj("run", src, "--out", out[name], *action)
    out["share"] = d / "share.xlsx"
    _jjj("share", d / "entropy_topsis_ccd_in.xlsx", "--out", out["share"])
    for lang in ("en", "zh"):
        out[f"demo_{lang}"] = d / f"demo_{lang}.xlsx"
        _jjj("demo", "--out", out[f"demo_{lang}"], "--lang", lang)
    return out


@pytest.fixture(scope="module")
def pdfs(books, tmp_path_factory):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    d = tmp_path_factory.mktemp("pdf")
    return {k: convert(v, "pdf", d) for k, v in books.items()}


# ---------------------------------------------------------------- reading the PDF

def _objects(data: bytes) -> dict:
    return {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}


def _stream(objs: dict, body: bytes) -> bytes:
    m = re.search(rb"stream\r?\n", body)
    length = re.search(rb"/Length (\d+)( 0 R)?", body[:m.start()])
    n = int(length.group(1))
    if length.group(2):
        n = int(re.search(rb"\d+", objs[n]).group(0))
    raw = body[m.end():m.end() + n]
    return zlib.decompress(raw) if b"FlateDecode" in body[:m.start()] else raw


def font_sizes(pdf: Path) -> list[list[float]]:
    """Per page, the font sizes of its text (``/Fn size Tf`` of the page's content stream)."""
    data = pdf.read_bytes()
    objs = _objects(data)
    pages: list[int] = []

    def walk(n):
        body = objs[n]
        if re.search(rb"/Type\s*/Pages", body):
            for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[(.*?)\]", body, re.S).group(1)):
                walk(int(k))
        else:
            pages.append(n)
    root = int(re.search(rb"/Root (\d+) 0 R", data).group(1))
    walk(int(re.search(rb"/Pages (\d+) 0 R", objs[root]).group(1)))
    out = []
    for n in pages:
        refs = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", objs[n])
        text = b"".join(_stream(objs, objs[int(k)]) for k in re.findall(rb"(\d+) 0 R", refs.group(1))) \
            if refs else b""
        out.append([float(x) for x in re.findall(rb"/F\d+ ([\d.]+) Tf", text)])
    return out


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def footer_sheet(text: str, total: int) -> str | None:
    """The sheet name of the footer "SHEET … n / N" (jjj-xl's footer: &A and &P / &N)."""
    found = None
    for line in text.splitlines():
        m = re.match(rf"^\s*(\S.*?)\s+\d+ / {total}\s*$", line)
        if m:
            found = m.group(1).strip()
    return found


# ---------------------------------------------------------------- tests

@pytest.mark.parametrize("label", ["entropy_topsis_ccd", "ideal_solution_index",
                                   "coupling_coordination", "share", "demo_en", "demo_zh"])
def test_printed_pdf_is_readable_and_error_free(books, pdfs, label):
    pdf = pdfs[label]
    sizes, texts = font_sizes(pdf), page_texts(pdf)
    assert len(sizes) == len(texts) > 0
    per_sheet = Counter()
    for i, (sz, text) in enumerate(zip(sizes, texts), start=1):
        errors = ERROR.findall(text)
        assert not errors, f"{label} page {i}: error values printed {errors[:5]}"
        if sz:
            assert min(sz) >= MIN_PT, f"{label} page {i}: text printed at {min(sz)} pt"
        sheet = footer_sheet(text, len(texts))
        if text.strip():
            assert sheet, f"{label} page {i}: no sheet name in the footer"
            per_sheet[sheet] += 1
        if label.startswith("demo"):
            assert printing.DEMO_BANNER in text, f"{label} page {i}: no illustrative-data banner"
    for sheet, n in per_sheet.items():
        if label == "share" and sheet in layout.AFTER_D_OUTPUTS:
            continue   # carried from the user's workbook as they are (share writes no After D)
        assert n <= PAGE_BOUND.get(sheet, DEFAULT_BOUND), (label, sheet, n)
    wb = load_workbook(books[label])
    if label in layout.TEMPLATES:   # print areas cut no written table's title
        titles = [b.title for b in layout.TEMPLATES[label].outputs.values()
                  if b.title and wb[b.sheet].cell(b.row, b.col).value is not None]
        if label == "entropy_topsis_ccd":
            from jjj_xl.workbook.after_d import TITLES
            titles += list(TITLES.values())
        flat = re.sub(r"\s+", "", "".join(texts))
        for title in titles:
            assert re.sub(r"\s+", "", title) in flat, (label, title)
    visible = {ws.title for ws in wb.worksheets if ws.sheet_state == "visible"}
    assert visible <= set(per_sheet), f"{label}: sheets not printed {visible - set(per_sheet)}"


def test_level_label_and_growth_formats(books):
    wb = load_workbook(books["entropy_topsis_ccd"])
    ws = wb["Coupling"]
    header = [c.value for c in ws[2]]
    lvl, lab = header.index("level") + 1, header.index("label") + 1
    assert lab == lvl + 1
    assert ws.cell(3, lvl).number_format == layout.NUMBER_FORMATS["level"]
    assert isinstance(ws.cell(3, lvl).value, (int, float)) and isinstance(ws.cell(3, lab).value, str)
    wb = load_workbook(books["ideal_solution_index"])
    ws = wb["Growth"]
    block = layout.TEMPLATES["ideal_solution_index"].outputs["growth"]
    header = [c.value for c in ws[block.row]]
    for j, h in enumerate(header, start=1):
        if h in ("I", "input", "output", "environment"):
            assert ws.cell(block.row + 1, j).number_format == "0.00%", h
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("blank cell" in t and "F_first = 0" in t for t in texts)


def test_growth_prints_as_percent(pdfs):
    text = "\f".join(page_texts(pdfs["ideal_solution_index"]))
    growth = re.search(r"Average annual growth rate.*?(?=\f|$)", text, re.S).group(0)
    assert re.search(r"\d+\.\d\d%", growth)
    assert "F_first = 0" in growth


def test_charts_print_area_leaves_helpers_out():
    wb = build_template("entropy_topsis_ccd")
    ws = wb[CHARTS_SHEET]
    area = ws.print_area.split("!")[-1].replace("$", "")
    last_col = re.match(r"A1:([A-Z]+)\d+", area).group(1)
    from openpyxl.utils import column_index_from_string
    assert column_index_from_string(last_col) < HELPER_COL


def test_every_template_sheet_has_a4_footer_and_fixed_readable_scale():
    for name in layout.TEMPLATES:
        wb = build_template(name)
        for ws in wb.worksheets:
            ps = ws.page_setup
            assert str(ps.paperSize) == "9", (name, ws.title)
            assert not ws.sheet_properties.pageSetUpPr.fitToPage, (name, ws.title)
            assert printing.MIN_SCALE <= int(ps.scale) <= 100, (name, ws.title)
            assert ws.oddFooter.center.text == printing.FOOTER_CENTER


# ---------------------------------------------------------------- the plan (no LibreOffice)

@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.floats(4, 60)), min_size=1, max_size=4),
       st.integers(2, 30))
def test_plan_one_table_per_page_width(tables, rows):
    """Tables placed side by side (gap of two empty columns): each after the first starts a
    new page; the scale fits the widest table to the page (never below MIN_SCALE)."""
    cells, widths, col, starts = {}, {}, 1, []
    for ncols, width in tables:
        starts.append(col)
        for c in range(col, col + ncols):
            widths[c] = width
            for r in range(1, rows + 1):
                cells[(r, c)] = 1.0
        col += ncols + 2
    p = printing.plan(cells, widths)
    assert p["breaks"] == [s - 1 for s in starts[1:]]
    assert printing.MIN_SCALE <= p["scale"] <= 100
    widest = max(sum(printing.column_points(w) for _ in range(n)) for n, w in tables)
    page = (841.89 if p["orientation"] == "landscape" else 595.28) - 2 * 72 * printing.MARGIN_LR
    if p["scale"] > printing.MIN_SCALE:
        assert widest * p["scale"] / 100 <= page   # fits one page width
    assert p["area"] == (1, 1, rows, col - 3)


def test_refit_xml_and_print_area_xml():
    xml = ('<worksheet xmlns="x"><sheetData/><pageMargins/><pageSetup orientation="portrait" '
           'paperSize="9" scale="100"/><headerFooter/></worksheet>')
    cells = {(r, c): 1 for r in (1, 2, 3) for c in (*range(1, 9), *range(11, 19))}
    new, area = printing.refit_xml(xml, cells, {c: 30 for c in range(1, 19)})
    assert area == (1, 1, 3, 18)
    assert 'orientation="landscape"' in new and re.search(r'scale="(\d+)"', new)
    assert '<colBreaks count="1" manualBreakCount="1"><brk id="10"' in new
    assert new.index("<headerFooter/>") < new.index("<colBreaks")
    wb = '<workbook xmlns="x"><sheets><sheet name="A"/><sheet name="B c"/></sheets></workbook>'
    out = printing.print_area_xml(wb, 1, "B c", area)
    assert '<definedName name="_xlnm.Print_Area" localSheetId="1">\'B c\'!$A$1:$R$3</definedName>' in out
    again = printing.print_area_xml(out, 1, "B c", (1, 1, 9, 2))
    assert again.count("_xlnm.Print_Area") == 1 and "$A$1:$B$9" in again
