"""Charts sheet of entropy_topsis_ccd in zh and en (trial report item 3).

A zh workbook's result headers are Chinese (维度, 年份 …), and the chart trimming once looked
them up by their English names only: the charts of a zh book kept the full helper area (D lines
falling to 0 after the last year, legend entries "Column U/V", weight bars squashed into 60
slots), and the D chart's title came out half translated ("D by 各维度协调度 D"). These tests
build the books through the command line (``new --sample``, ``run``), read the charts back with
openpyxl and compare their ranges with counts taken from the bundled sample itself (number of
years, dimensions + the overall score, indicators), not from jjj-xl's output.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings

import pytest
from openpyxl import load_workbook

from jjj_xl import cli, datasets
from jjj_xl.workbook.templates import CHARTS_SHEET, build_template, fill_inputs

from .libreoffice import convert

TEMPLATE = "entropy_topsis_ccd"
SAMPLE = datasets.load_sample("paper000")
N_YEARS = SAMPLE.data["year"].nunique()                       # 6 (2014–2019)
N_SERIES = SAMPLE.indicators["dimension"].nunique() + 1       # the dimensions and "overall"
N_INDICATORS = len(SAMPLE.indicators)                         # one weight bar each
SPAN = re.compile(r"^'?(?P<sheet>[^'!]+)'?!\$?(?P<c1>[A-Z]+)\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Z]+)\$?(?P<r2>\d+))?$")


def _span(ref):
    m = SPAN.match(ref)
    assert m, ref
    return m["sheet"], m["c1"], int(m["r1"]), m["c2"] or m["c1"], int(m["r2"] or m["r1"])


def _texts(title):
    """Every run of text of an openpyxl chart/axis title."""
    if title is None or title.tx is None or title.tx.rich is None:
        return ""
    return "".join(r.t or "" for p in title.tx.rich.p for r in (p.r or []))


def _helper_header_row(ws, text):
    """Row of the helper grid's header cell ``text`` in the first helper column (N)."""
    rows = [c.row for c in ws["N"] if c.value == text]
    assert rows, f"no helper header {text!r} in column N"
    return rows[0]


def _cli(*args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cli.main([str(a) for a in args]) == 0


def _check_charts(path, lang, n_years=N_YEARS):
    """The two charts of the Charts sheet end at the last result row and have one series per
    dimension (D chart) / one bar series over every indicator (weights)."""
    wb = load_workbook(path)
    ws = wb[CHARTS_SHEET]
    line, bar = ws._charts
    year_hdr = "年份" if lang == "zh" else "year"
    ind_hdr = "指标" if lang == "zh" else "indicator"
    head = _helper_header_row(ws, year_hdr)
    whead = _helper_header_row(ws, ind_hdr)

    assert len(line.series) == N_SERIES
    for k, s in enumerate(line.series):
        sheet, c1, r1, c2, r2 = _span(s.val.numRef.f)
        assert (sheet, c1 == c2, r1, r2) == (CHARTS_SHEET, True, head + 1, head + n_years), \
            s.val.numRef.f
        assert _span(s.cat.numRef.f) == (CHARTS_SHEET, "N", head + 1, "N", head + n_years)
    assert len(bar.series) == 1
    sheet, _, r1, _, r2 = _span(bar.series[0].val.numRef.f)
    assert (sheet, r1, r2) == (CHARTS_SHEET, whead + 1, whead + N_INDICATORS)

    # colours written into the chart, not left to a theme (a LibreOffice-saved book has none)
    for s in line.series:
        assert s.graphicalProperties.line.solidFill.srgbClr is not None
    assert bar.series[0].graphicalProperties.solidFill.srgbClr is not None

    titles = [_texts(t) for ch in (line, bar) for t in (ch.title, ch.x_axis.title, ch.y_axis.title)]
    assert all(titles), titles
    if lang == "zh":
        # fully Chinese: symbols (D, w) only, no English word of two letters or more
        for t in titles:
            assert not re.search(r"[A-Za-z]{2,}", t), t
        assert titles[0] == "各维度逐年协调度 D"
    else:
        assert titles[0] == "D by year per dimension 各维度协调度 D"
        assert titles[1] == "year 年份"
    return wb


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_new_sample_then_run_trims_the_charts(tmp_path, lang):
    book = tmp_path / f"sample_{lang}.xlsx"
    _cli("new", TEMPLATE, book, "--sample", "--lang", lang)
    _check_charts(book, lang)
    out = tmp_path / f"run_{lang}.xlsx"
    _cli("run", book, "--out", out)
    _check_charts(out, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_run_trims_full_size_charts(tmp_path, lang):
    """A template whose charts still span the whole helper area (as built, 20 years × 8
    series, 60 weight rows): ``run`` trims them to the results, in zh as in en."""
    wb = build_template(TEMPLATE, lang=lang)
    fill_inputs(wb, TEMPLATE, SAMPLE.indicators, SAMPLE.data)
    book = tmp_path / f"full_{lang}.xlsx"
    wb.save(book)
    full = load_workbook(book)[CHARTS_SHEET]._charts[0]
    assert len(full.series) > N_SERIES           # the precondition: not trimmed yet
    out = tmp_path / f"run_{lang}.xlsx"
    _cli("run", book, "--out", out)
    _check_charts(out, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_second_run_trims_again(tmp_path, lang):
    """Charts trimmed by an earlier ``new --sample`` are still jjj-xl's: after the last year is
    deleted from the data, ``run`` trims them to one year fewer."""
    book = tmp_path / "s.xlsx"
    _cli("new", TEMPLATE, book, "--sample", "--lang", lang)
    wb = load_workbook(book)
    ws = wb["Data"]
    last = SAMPLE.data["year"].max()
    year_col = next(c.column for c in ws[1] if c.value in ("year", "年份"))
    rows = [c.row for c in ws.iter_cols(min_col=year_col, max_col=year_col).__next__()
            if c.value == last]
    assert len(rows) == SAMPLE.data["region"].nunique()
    for r in sorted(rows, reverse=True):
        ws.delete_rows(r)
    wb.save(book)
    out = tmp_path / "r.xlsx"
    _cli("run", book, "--out", out)
    _check_charts(out, lang, n_years=N_YEARS - 1)


def _png_of_charts_page(xlsx, tmp_path, title):
    """The Charts sheet rendered by LibreOffice: PDF, then the page with ``title`` as a PNG."""
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils (pdftotext, pdftoppm) not installed")
    pdf = convert(xlsx, "pdf", tmp_path / "pdf")
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout).group(1))
    for page in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                               "-"], capture_output=True, text=True, check=True).stdout
        if title in text:
            stem = tmp_path / f"charts-{xlsx.stem}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page),
                            "-singlefile", str(pdf), str(stem)], check=True)
            return text, stem.with_suffix(".png")
    raise AssertionError(f"no page of {pdf.name} shows the chart title {title!r}")


def _coloured_pixels(png):
    """Pixels of a saturated colour (chart lines; text and grid lines are grey or black)."""
    import numpy as np
    from PIL import Image
    rgb = np.asarray(Image.open(png).convert("RGB"), dtype=int)
    rgb = rgb[int(rgb.shape[0] * 0.13):]       # below the red note in the sheet's first row
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 80).sum())


@pytest.mark.parametrize("lo_saved", [False, True], ids=["jjj-xl", "libreoffice-saved"])
def test_libreoffice_draws_the_zh_d_chart(tmp_path, lo_saved):
    """LibreOffice renders the zh D chart with its lines and only the dimensions in the legend,
    also for a book LibreOffice saved before ``run`` (trial item 3: no lines at all)."""
    book = tmp_path / "zh.xlsx"
    _cli("new", TEMPLATE, book, "--sample", "--lang", "zh")
    if lo_saved:
        book = convert(book, "xlsx", tmp_path / "lo")
    out = tmp_path / ("run_lo.xlsx" if lo_saved else "run.xlsx")
    _cli("run", book, "--out", out)
    _check_charts(out, "zh")
    text, png = _png_of_charts_page(out, tmp_path, "各维度逐年协调度")
    assert "Column" not in text and "D by" not in text
    dims = [str(d) for d in dict.fromkeys(SAMPLE.indicators["dimension"])]
    # the legend names the dimensions as the zh results write them (Coupling!A)
    legend = {c.value for c in load_workbook(out)["Coupling"]["A"][2:] if c.value}
    assert len(legend) == len(dims) + 1 and all(name in text for name in legend), (legend, text)
    assert _coloured_pixels(png) > 300, png          # lines drawn (not an empty plot)
