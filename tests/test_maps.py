"""Map sheet (jjj_xl.workbook.maps): coordinates table, grade table, one scatter map per year."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import warnings
import zipfile
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import jjj_xl as jx
from jjj_xl.datasets import load_sample
from jjj_xl.datasets_geo import load_centroids
from jjj_xl.errors import InputError
from jjj_xl.workbook.maps import (
    MAP_SHEET, PALETTE_10, TEXT, _axis_ranges, add_map_sheet, default_years, level_colors,
)

from .libreoffice import convert, pdf_pages

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


@pytest.fixture(scope="module")
def grades():
    s = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = jx.entropy_topsis_coupling(s.data, s.indicators)
    return res.coupling_dimensions


@pytest.fixture(scope="module")
def book(grades, tmp_path_factory):
    wb = Workbook()
    wb.remove(wb.active)
    add_map_sheet(wb, grades, [2014, 2019])
    path = tmp_path_factory.mktemp("maps") / "map.xlsx"
    wb.save(path)
    return path


def _find(ws, text):
    """First cell holding ``text`` in the printed part (left of the helper area)."""
    for row in ws.iter_rows(max_col=20):
        for c in row:
            if c.value == text:
                return c.row, c.column
    raise AssertionError(f"{text!r} not on the sheet")


def test_palette_is_colorbrewer_rdylgn10():
    # ColorBrewer 2.0, RdYlGn, 10 data classes (Brewer, Harrower & PSU; colorbrewer2.org):
    # a50026 d73027 f46d43 fdae61 fee08b d9ef8b a6d96a 66bd63 1a9850 006837
    assert [c.lower() for c in level_colors(10)] == (
        "a50026 d73027 f46d43 fdae61 fee08b d9ef8b a6d96a 66bd63 1a9850 006837".split())
    four = level_colors(4)
    assert len(four) == 4 and four[0] == PALETTE_10[0] and four[-1] == PALETTE_10[-1]
    # red falls and green rises from level 1 to the top level
    reds = [int(c[:2], 16) for c in level_colors(7)]
    greens = [int(c[2:4], 16) for c in level_colors(7)]
    assert reds[0] > reds[-1] and greens[0] < greens[-1]
    with pytest.raises(InputError):
        level_colors(0)


def test_default_years():
    assert default_years([2019, 2014, 2015]) == [2014, 2015, 2019]
    assert default_years(range(2014, 2020)) == [2014, 2016, 2017, 2019]
    assert default_years(range(2012, 2023)) == [2012, 2015, 2019, 2022]


def test_coordinates_table_prefilled_from_bundled_centroids(book, grades):
    ws = load_workbook(book)[MAP_SHEET]
    r0, c0 = _find(ws, TEXT["region"])
    city = load_centroids("city").set_index("region_en")
    regions = list(dict.fromkeys(grades["region"]))
    for i, name in enumerate(regions, start=1):
        assert ws.cell(r0 + i, c0).value == name
        assert ws.cell(r0 + i, c0 + 1).value == pytest.approx(city.at[name, "lon"])
        assert ws.cell(r0 + i, c0 + 2).value == pytest.approx(city.at[name, "lat"])
        assert city.at[name, "code"] in ws.cell(r0 + i, c0 + 3).value


def test_grade_table_fills_match_levels(book, grades):
    ws = load_workbook(book)[MAP_SHEET]
    top, _ = _find(ws, TEXT["grades"])
    top += 1
    years = [ws.cell(top, j).value for j in range(2, 8)]
    assert years == list(range(2014, 2020))
    colors = level_colors(10)
    n = 0
    for r in grades.itertuples():
        i = list(dict.fromkeys(grades["region"])).index(r.region) + 1
        cell = ws.cell(top + i, 2 + years.index(r.year))
        assert ws.cell(top + i, 1).value == r.region
        assert cell.value == r.label
        assert cell.fill.fgColor.rgb[-6:] == colors[r.level - 1], (r.region, r.year)
        n += 1
    assert n == len(grades) == 36
    # the legend lists each level present once, filled with its colour
    lr, lc = _find(ws, TEXT["level"])
    present = sorted(grades["level"].unique())
    for k, lvl in enumerate(present, start=1):
        assert ws.cell(lr + k, lc).value == lvl
        assert ws.cell(lr + k, lc).fill.fgColor.rgb[-6:] == colors[lvl - 1]


def _charts(path):
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))
        return [ET.fromstring(z.read(n)) for n in names]


def _ref_rows(ref):
    m = re.search(r"\$([A-Z]+)\$(\d+)(?::\$[A-Z]+\$(\d+))?$", ref)
    a = int(m.group(2))
    return m.group(1), a, int(m.group(3) or a)


def test_chart_series_and_refs(book, grades):
    from openpyxl.utils import column_index_from_string

    charts = _charts(book)
    assert len(charts) == 2                      # one map per selected year
    ws = load_workbook(book)[MAP_SHEET]
    n_regions = grades["region"].nunique()
    for root, year in zip(charts, (2014, 2019)):
        assert root.find(f".//{C}scatterChart") is not None
        title = "".join(t.text or "" for t in root.find(f".//{C}title").iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/main}t"))
        assert str(year) in title
        sers = root.findall(f".//{C}ser")
        g = grades[grades["year"] == year]
        levels = sorted(g["level"].unique())
        assert len(sers) == len(levels) + n_regions
        # grade series: named "<level> <label>", their rows hold exactly that level's regions
        for ser, lvl in zip(sers[:len(levels)], levels):
            name = ser.find(f"{C}tx/{C}v").text
            assert name == f"{lvl} {g[g['level'] == lvl]['label'].iloc[0]}"
            xcol, a, b = _ref_rows(ser.find(f"{C}xVal/{C}numRef/{C}f").text)
            ycol, a2, b2 = _ref_rows(ser.find(f"{C}yVal/{C}numRef/{C}f").text)
            assert (a, b) == (a2, b2) and column_index_from_string(ycol) == column_index_from_string(xcol) + 1
            helper_regions = {ws.cell(r, column_index_from_string(xcol) - 1).value for r in range(a, b + 1)}
            assert helper_regions == set(g[g["level"] == lvl]["region"])
            for r in range(a, b + 1):  # coordinates are formulas on the coordinates table
                assert str(ws.cell(r, column_index_from_string(xcol)).value).startswith("=IF(ISNUMBER($B$")
        # label series: one per region, named by a cell, data label = series name, no legend entry
        for ser in sers[len(levels):]:
            assert ser.find(f"{C}tx/{C}strRef/{C}f") is not None
            assert ser.find(f"{C}dLbls/{C}showSerName").get("val") == "1"
        deleted = root.findall(f".//{C}legend/{C}legendEntry")
        assert sorted(int(e.find(f"{C}idx").get("val")) for e in deleted) == list(
            range(len(levels), len(levels) + n_regions))


def test_axes_equal_scaled_and_whole_degrees(book):
    root = _charts(book)[0]
    axes = root.findall(f".//{C}valAx")
    lims = [(float(a.find(f"{C}scaling/{C}min").get("val")), float(a.find(f"{C}scaling/{C}max").get("val")))
            for a in axes]
    (x0, x1), (y0, y1) = lims
    city = load_centroids("city")
    assert x0 < city["lon"].min() and x1 > 119.19  # Qinhuangdao inside
    assert all(v == int(v) for v in (x0, x1, y0, y1))
    lay = root.find(f".//{C}plotArea/{C}layout/{C}manualLayout")
    w = float(lay.find(f"{C}w").get("val"))
    h = float(lay.find(f"{C}h").get("val"))
    ext_w, ext_h = 15.5, 13.0  # chart size (cm) for a few regions
    phi = math.radians((y0 + y1) / 2)
    assert (w * ext_w) / (h * ext_h) == pytest.approx((x1 - x0) * math.cos(phi) / (y1 - y0), rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(74, 134), st.floats(4, 53)), min_size=1, max_size=40))
def test_axis_ranges_property(points):
    lons, lats = zip(*points)
    lon0, lon1, lat0, lat1, unit, phi, w, h = _axis_ranges(lons, lats, 0.84, 0.58)
    assert lon0 < min(lons) and max(lons) < lon1 and lat0 < min(lats) and max(lats) < lat1
    assert 0 < w <= 0.84 + 1e-12 and 0 < h <= 0.58 + 1e-12
    assert (w * 15.5) / (h * 13.0) == pytest.approx(
        (lon1 - lon0) * math.cos(math.radians(phi)) / (lat1 - lat0), rel=1e-9)
    assert max(lon1 - lon0, lat1 - lat0) / unit <= 12
    for v in (lon0, lon1, lat0, lat1):
        assert abs(v - round(v)) < 1e-9 or unit == 0.5


def test_user_coordinates_survive_a_rebuild_and_unknown_regions_stay_blank(grades, tmp_path):
    g = grades.copy()
    extra = g[g["region"] == "Cangzhou"].assign(region="Xiong'an")  # not a bundled region
    g = pd.concat([g, extra], ignore_index=True)
    wb = Workbook()
    wb.remove(wb.active)
    ws = add_map_sheet(wb, g, [2019])
    r0, _ = _find(ws, TEXT["region"])
    names = [ws.cell(r0 + i, 1).value for i in range(1, 8)]
    k = names.index("Xiong'an") + 1
    assert ws.cell(r0 + k, 2).value is None and ws.cell(r0 + k, 3).value is None
    assert ws.cell(r0 + k, 4).value == TEXT["missing"]
    # the user fills Xiong'an and moves Beijing; save, reopen (charts are dropped), rebuild
    ws.cell(r0 + k, 2).value, ws.cell(r0 + k, 3).value = 115.9, 39.0
    ws.cell(r0 + 1, 2).value = 116.40
    path = tmp_path / "m.xlsx"
    wb.save(path)
    wb2 = load_workbook(path)
    ws2 = add_map_sheet(wb2, g, [2019])
    assert wb2.sheetnames == [MAP_SHEET]
    assert (ws2.cell(r0 + k, 2).value, ws2.cell(r0 + k, 3).value) == (115.9, 39.0)
    assert ws2.cell(r0 + 1, 2).value == 116.40
    assert ws2.cell(r0 + k, 4).value == TEXT["user"]
    assert ws2.cell(r0 + 1, 4).value == TEXT["user"]          # moved by the user
    assert "130100" in ws2.cell(r0 + 3, 4).value               # untouched: still the bundled one
    assert len(ws2._charts) == 1


def test_bad_input_is_one_line(grades):
    wb = Workbook()
    with pytest.raises(InputError, match="no column 'level'"):
        add_map_sheet(wb, grades.drop(columns="level"))
    with pytest.raises(InputError, match=r"year 2030 has no grades; years with grades: 2014, 2015"):
        add_map_sheet(wb, grades, [2030])
    with pytest.raises(InputError, match='map year "last" is not a year'):
        add_map_sheet(wb, grades, ["last"])
    assert add_map_sheet(wb, grades, ["2019年", "2014"])._charts[0].title is not None
    with pytest.raises(InputError, match="twice"):
        add_map_sheet(wb, pd.concat([grades, grades.head(1)]))
    with pytest.raises(InputError, match="empty"):
        add_map_sheet(wb, grades.head(0))


def test_provinces_in_chinese_get_large_maps(tmp_path):
    prov = load_centroids("province")
    rows = [(z, 2020, 1 + i % 10, f"L{1 + i % 10}") for i, z in enumerate(prov["region_zh"])]
    g = pd.DataFrame(rows, columns=["region", "year", "level", "label"])
    wb = Workbook()
    wb.remove(wb.active)
    ws = add_map_sheet(wb, g)
    assert ws._charts[0].width == 24.0
    r0, _ = _find(ws, TEXT["region"])
    assert ws.cell(r0 + 3, 1).value == "河北省"
    assert ws.cell(r0 + 3, 2).value == pytest.approx(prov.set_index("region_zh").at["河北省", "lon"])
    labels = {ws.cell(r, 35).value for r in range(1, 80)}
    assert {"北京", "新疆", "内蒙古", "广西"} <= labels  # short names on the map


def test_libreoffice_renders_the_map_sheet(book, tmp_path):
    pdf = convert(book, "pdf", tmp_path)
    assert pdf_pages(pdf) >= 2  # tables, then the maps
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        for word in ("Shijiazhuang", "Good coordination", "2019", "116.4107"):
            assert word in text
        for err in ("#N/A", "#NAME?", "#REF!", "#VALUE!", "Err:"):
            assert err not in text


NAMES = ["Beijing", "天津市", "Shijiazhuang", "唐山", "Hengshui", "河北省", "Shanxi", "Nowhere", "X-1"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=9, unique=True),
       st.lists(st.integers(2000, 2025), min_size=1, max_size=6, unique=True), st.data())
def test_any_grade_table_builds_consistently(regions, years, data):
    """Whatever regions (known, unknown, Chinese, English), years and levels (some
    missing): one chart per year, series = levels present + regions graded that
    year, every graded cell filled with its level's colour, ungraded cells marked."""
    rows = []
    for r in regions:
        for y in years:
            lvl = data.draw(st.one_of(st.none(), st.integers(1, 10)))
            rows.append((r, y, lvl, None if lvl is None else f"grade {lvl}"))
    g = pd.DataFrame(rows, columns=["region", "year", "level", "label"])
    wb = Workbook()
    wb.remove(wb.active)
    ws = add_map_sheet(wb, g, years)
    assert len(ws._charts) == len(years)
    colors = level_colors(10)
    for ch, y in zip(ws._charts, years):
        graded = g[(g["year"] == y) & g["level"].notna()]
        assert len(ch.series) == graded["level"].nunique() + len(graded)
    top = _find(ws, TEXT["grades"])[0] + 1
    ys = sorted(years)
    for r in g.itertuples():
        cell = ws.cell(top + 1 + regions.index(r.region), 2 + ys.index(r.year))
        if pd.isna(r.level):
            assert cell.value == TEXT["blank_year"]
        else:
            assert cell.value == r.label and cell.fill.fgColor.rgb[-6:] == colors[int(r.level) - 1]
