"""The Map sheet from Compute all (issue 11 item 3): ``jjj-xl run BOOK`` on the
entropy_topsis_ccd template adds (then refreshes) the Map sheet — coordinates table, grade
table, one native scatter chart per selected year — by transplanting it with its drawing and
charts into the user's package (jjj_xl/workbook/share_package.py ``assemble``); every other
part stays byte-identical, the user's coordinates survive a rerun, reruns are stable."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl import cli
from jjj_xl.datasets import load_sample
from jjj_xl.datasets_geo import load_centroids
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import MAP_NOTE, _map_step, run_action
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.maps import MAP_SHEET, default_years

from .libreoffice import convert, pdf_pages
from .rich_books import filled, order, owned_parts, parts, rich, sheet_part, without_output_print_areas

SAMPLE = load_sample("paper000")
YEARS = sorted(int(y) for y in SAMPLE.data["year"].unique())
MAPPED = default_years(YEARS)          # first, two between, last of 2014..2019


def _engine():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return jx.entropy_topsis_coupling(SAMPLE.data, SAMPLE.indicators)


def _quiet(wb_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # openpyxl: x14 extensions it does not model
        return load_workbook(wb_path)


def _map_parts(items: dict, sheet: str = MAP_SHEET) -> set[str]:
    """The Map sheet's (or ``sheet``'s) part and every part reachable from it (drawing,
    charts, rels)."""
    part = sheet_part(items, sheet)
    out, todo = set(), [part]
    while todo:
        p = todo.pop()
        out.add(p)
        folder, name = p.rsplit("/", 1)
        rels = f"{folder}/_rels/{name}.rels"
        if rels in items:
            out.add(rels)
            for t in re.findall(r'Target="([^"]+)"', items[rels].decode()):
                full = (t.lstrip("/") if t.startswith("/")          # absolute or relative
                        else "/".join(_norm(folder.split("/") + t.split("/"))))
                if full in items and full not in out:
                    todo.append(full)
    return out


def _norm(segs):
    out = []
    for s in segs:
        if s == "..":
            out.pop()
        elif s not in (".", ""):
            out.append(s)
    return out


def _chart_years(ws) -> list[int]:
    years = []
    for ch in ws._charts:
        text = "".join(r.t for p in ch.title.tx.rich.p for r in (p.r or []))
        years.append(int(re.search(r"(\d{4})", text).group(1)))
    return years


def _run(path, *extra):
    assert cli.main(["run", str(path), *extra]) == 0


def test_run_adds_the_map_sheet_and_keeps_every_other_part(tmp_path, capsys):
    src = rich(tmp_path)                      # .xlsm: VBA, x14 validations, threaded comments, ...
    before, order_before = parts(src), order(src)
    _run(src)
    from jjj_xl.cli import MAP_LINE
    assert MAP_LINE in capsys.readouterr().out.splitlines()  # the console says it wrote it
    after = parts(src)
    assert order(src)[:len(order_before)] == order_before    # zip entry order kept
    # allowed to change: output sheets, styles (appended), the Charts sheet's charts,
    # workbook.xml (checked below), its rels and content types (checked below)
    owned = owned_parts(src, "entropy_topsis_ccd") | {"xl/_rels/workbook.xml.rels",
                                                      "[Content_Types].xml"}
    charts = sheet_part(after, "Charts")
    for name, data in before.items():
        assert name in after, f"{name} was dropped"
        if name not in owned and name != charts:
            assert after[name] == data, f"{name} changed"
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]
    # the new parts are exactly the Map sheet's own
    new = set(after) - set(before)
    assert new == _map_parts(after)
    assert any(n.startswith("xl/drawings/") for n in new)
    assert sum(n.startswith("xl/charts/chart") and n.endswith(".xml") for n in new) == len(MAPPED)
    # rels and content types only gained entries
    for name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        old_entries = set(re.findall(rb"<(?:Relationship|Override|Default)\b[^>]*/>", before[name]))
        new_entries = set(re.findall(rb"<(?:Relationship|Override|Default)\b[^>]*/>", after[name]))
        assert old_entries <= new_entries, name
        assert all(b"Map" not in e and (e in old_entries or re.search(
            rb"sheet\d+\.xml|drawing\d+\.xml|chart\d+\.xml", e)) for e in new_entries - old_entries)
    # workbook.xml: beyond calcPr and the output sheets' print areas, only the Map sheet's
    # <sheet> entry and its print area
    outputs = (*layout.TEMPLATES["entropy_topsis_ccd"].output_sheets, MAP_SHEET)
    wb_b = re.sub(rb"<calcPr\b[^>]*>", b"", without_output_print_areas(before["xl/workbook.xml"], outputs))
    wb_a = re.sub(rb"<calcPr\b[^>]*>", b"", without_output_print_areas(after["xl/workbook.xml"], outputs))
    wb_a = re.sub(rb'<sheet name="' + MAP_SHEET.encode() + rb'"[^>]*/>', b"", wb_a)
    assert wb_b == wb_a
    # the sheet: coordinates from the bundled centroids, the grade table, one chart per year
    wb = _quiet(src)
    assert wb.sheetnames[-1] == MAP_SHEET and wb.sheetnames[:-1] == _quiet(tmp_path / "plain_for_rich.xlsx").sheetnames
    ws = wb[MAP_SHEET]
    assert _chart_years(ws) == MAPPED
    cen = load_centroids("city").set_index("region_en")
    regions = list(dict.fromkeys(SAMPLE.data["region"]))
    for i, name in enumerate(regions, start=5):
        assert ws.cell(i, 1).value == name
        assert ws.cell(i, 2).value == pytest.approx(cen.at[name, "lon"], abs=1e-9)
        assert ws.cell(i, 3).value == pytest.approx(cen.at[name, "lat"], abs=1e-9)
    # the grade table holds the engine's labels (an independent run of the workflow)
    dims = _engine().coupling_dimensions.set_index(["region", "year"])
    top = next(r for r in range(1, 80) if ws.cell(r, 1).value == "region 地区" and r > 4)
    head = [ws.cell(top, j).value for j in range(2, 2 + len(YEARS))]
    assert head == YEARS
    for i, name in enumerate(regions, start=1):
        for j, y in enumerate(YEARS, start=2):
            assert ws.cell(top + i, j).value == dims.loc[(name, y), "label"]
    # every map series points into the Map sheet itself (nothing else is referenced)
    for ch in ws._charts:
        for s in ch.series:
            assert s.xVal.numRef.f.startswith(f"'{MAP_SHEET}'!")
    assert ws.print_area and "$AD" not in ws.print_area          # helper area not printed


def _set_cell(path, sheet, ref, value: float):
    """Type a number into a cell the way Excel would save it (XML edit, nothing else)."""
    items = parts(path)
    part = sheet_part(items, sheet)
    text = items[part].decode()
    def cell(m):
        attrs = re.sub(r'\st="[^"]*"', "", m.group(1))     # a number, not a string
        return f'<c r="{ref}"{attrs}><v>{value}</v></c>'
    new, n = re.subn(rf'<c r="{ref}"([^>]*?)(?:/>|>.*?</c>)', cell, text, count=1, flags=re.S)
    assert n == 1
    items[part] = new.encode()
    names = order(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            zf.writestr(name, items[name])


def test_rerun_keeps_edited_coordinates_and_is_stable(tmp_path):
    src = rich(tmp_path)
    _run(src)
    first = parts(src)
    _run(src)
    assert parts(src) == first                     # a rerun changes nothing at all
    _set_cell(src, MAP_SHEET, "B5", 117.25)        # the user moves the first region
    _set_cell(src, MAP_SHEET, "C5", 40.5)
    _run(src)
    ws = _quiet(src)[MAP_SHEET]
    assert (ws["B5"].value, ws["C5"].value) == (117.25, 40.5)
    assert ws["D5"].value == "entered by the user 用户填写"
    edited = parts(src)
    assert set(edited) == set(first)               # no growth, no renamed parts
    _run(src)
    assert parts(src) == edited                    # stable again, the edit kept


def test_clear_outputs_keeps_the_coordinates_and_drops_the_maps(tmp_path):
    src = rich(tmp_path)
    _run(src)
    _set_cell(src, MAP_SHEET, "B6", 117.5)
    with_maps = parts(src)
    _run(src, "--action", "clear_outputs")
    cleared = parts(src)
    assert not (_map_parts(cleared) - {sheet_part(cleared, MAP_SHEET)})   # no drawing, no charts
    gone = _map_parts(with_maps) - {sheet_part(with_maps, MAP_SHEET)}
    assert gone and not (gone & set(cleared) - set(parts(tmp_path / "plain_for_rich.xlsx")))
    ws = _quiet(src)[MAP_SHEET]
    assert ws["B6"].value == 117.5 and ws["A5"].value == "Beijing"
    assert not ws._charts and ws["A12"].value is None
    _run(src)                                      # Compute all again: the maps come back
    ws = _quiet(src)[MAP_SHEET]
    assert ws["B6"].value == 117.5 and _chart_years(ws) == MAPPED


def test_no_map_without_known_regions_unless_the_sheet_is_there(tmp_path):
    data = SAMPLE.data.copy()
    data["region"] = data["region"].map({r: f"Zone {k}" for k, r in
                                         enumerate(dict.fromkeys(data["region"]), start=1)})
    path = filled(tmp_path, data=data)
    _run(path)
    assert MAP_SHEET not in _quiet(path).sheetnames


def test_zh_workbook_gets_a_chinese_map_sheet(tmp_path):
    src = filled(tmp_path)
    _run(src, "--lang", "zh")
    ws = _quiet(src)[MAP_SHEET]
    assert ws["A1"].value and re.search(r"[\u4e00-\u9fff]", ws["A1"].value) \
        and not re.search(r"[A-Za-z]{4}", ws["A1"].value)
    assert _chart_years(ws) == MAPPED


def test_openpyxl_book_compute_all_adds_the_map(tmp_path):
    wb = _quiet(filled(tmp_path))
    book = OpenpyxlBook(tmp_path / "x.xlsx", workbook=wb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        result = run_action(book, "compute_all")
    assert MAP_SHEET in result["written"] and MAP_SHEET in wb.sheetnames
    assert _chart_years(wb[MAP_SHEET]) == MAPPED
    run_action(book, "clear_outputs")
    assert not wb[MAP_SHEET]._charts and wb[MAP_SHEET]["A5"].value == "Beijing"


def test_other_adapters_are_told_where_the_map_comes_from():
    class Other:                          # e.g. XlwingsBook: no openpyxl charts there
        def has_sheet(self, sheet):
            return False
    notes = {}
    assert _map_step(Other(), _engine().coupling_dimensions, notes) == []
    assert notes == {"map": MAP_NOTE}
    from jjj_xl.i18n import tr
    assert tr(MAP_NOTE, "zh") != MAP_NOTE and "jjj-xl run" in tr(MAP_NOTE, "zh")


def test_libreoffice_renders_the_run_map_sheet(tmp_path):
    src = filled(tmp_path)
    _run(src)
    pdf = convert(src, "pdf", tmp_path / "pdf")
    assert pdf_pages(pdf) > len(MAPPED)
    if not shutil.which("pdftotext"):
        return
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    map_pages = [k for k, p in enumerate(pages, start=1) if re.search(r"Coordination grade.*\b\d{4}\b", p)
                 and "Shijiazhuang" in p]
    assert len(map_pages) >= len(MAPPED)
    for err in ("#N/A", "#NAME?", "#REF!", "#VALUE!", "Err:"):
        assert all(err not in pages[k - 1] for k in map_pages)
    if shutil.which("pdftoppm"):      # a picture to look at (kept in the test's tmp folder)
        k = map_pages[-1]
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(k), "-l", str(k), str(pdf),
                        str(tmp_path / "map_page")], check=True)
        assert list(tmp_path.glob("map_page*.png"))
