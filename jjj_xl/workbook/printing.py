"""Hand-over printing (issue 11 item 2): A4, one table per page width, readable type.

Every sheet jjj-xl writes prints on A4 at a fixed scale of at least :data:`MIN_SCALE` %
(11 pt body text prints at ≥ 8.25 pt): no "fit to one page wide", which shrinks a wide
sheet to 3 pt. The plan is made from the cells themselves:

* **tables** are runs of occupied columns separated by empty columns (titles alone in a
  column, such as the "do not type here" note right of a result table, do not count);
  each table after the first starts on a new page (a manual column break), so tables
  printed side by side on screen print one per page width;
* **scale** is the largest (≤ 100 %) at which the widest table fits the page width,
  never below :data:`MIN_SCALE` (a wider table continues on the next page, at a readable
  size); **orientation** is portrait when the widest table fits it at 100 %, else
  landscape;
* **print area** is the tables' columns and rows (notes and helper areas to their right
  are left out); **footer**: the sheet name and "page n of N" on every page; the header
  can carry a banner (the demo's "illustrative data").

:func:`apply` sets this on an openpyxl worksheet (template build, demo);
:func:`refit_xml` / :func:`print_area_xml` redo it in a worksheet's / workbook's XML after
``jjj-xl run`` rewrote an output sheet (:class:`~jjj_xl.workbook.package.PackageBook`),
so the plan follows the results' width and length.
"""

from __future__ import annotations

import math
import re

__all__ = ["MIN_SCALE", "plan", "apply", "refit_xml", "print_area_xml", "FOOTER_CENTER",
           "FOOTER_RIGHT", "DEMO_BANNER"]

MIN_SCALE = 80            # % — 11 pt prints at 8.8 pt, 10 pt (chart text) at 8 pt
A4_PORTRAIT = (595.28, 841.89)   # points (210 × 297 mm)
MARGIN_LR = 0.5           # inches, left and right
MARGIN_TB = 0.75          # inches, top and bottom (header / footer at 0.3)
DEFAULT_WIDTH = 8.43      # Excel's default column width (characters)
SLACK = 0.97              # a little room for rounding
FOOTER_CENTER = "&A"      # sheet name
FOOTER_RIGHT = "&P / &N"  # page n of N
DEMO_BANNER = "示例数据 / illustrative data: invented numbers under real names"


def column_points(width: float | None) -> float:
    """Printed width (points, at 100 %) of a column ``width`` characters wide.

    LibreOffice prints one character of column width as 7 pt (measured on its PDFs: a width
    of 22 prints 154 pt wide); Excel as about 5.25 pt (7 px of 0.75 pt, plus 5 px padding).
    Planning with the wider measure keeps the table inside the page in both."""
    w = DEFAULT_WIDTH if not width else float(width)
    return max(w * 7.0, (w * 7 + 5) * 0.75)


def tables(cells: dict, max_gap: int = 1) -> list[tuple[int, int]]:
    """Column spans (c1, c2) of the tables in ``cells`` ({(row, col): value}).

    A column counts when it holds values in at least two rows (a title or a note alone in
    its column does not); spans separated by at least ``max_gap`` empty columns are
    separate tables.
    """
    rows_in: dict[int, set] = {}
    for (r, c), v in cells.items():
        if v is None or v == "":
            continue
        rows_in.setdefault(c, set()).add(r)
    cols = sorted(c for c, rs in rows_in.items() if len(rs) >= 2)
    spans: list[list[int]] = []
    for c in cols:
        if spans and c - spans[-1][1] <= max_gap:
            spans[-1][1] = c
        else:
            spans.append([c, c])
    return [tuple(s) for s in spans]


ROW_POINTS = 15.0          # default row height (points)
EMU_PER_POINT = 12700


def chart_cells(anchors, widths: dict) -> dict:
    """Pseudo-cells {(row, col): "chart"} covering charts, so that a chart counts as a table
    of its own in :func:`plan`. ``anchors``: (row, col, width pt, height pt), 1-based cell
    of the top-left corner."""
    out = {}
    for row, col, w_pt, h_pt in anchors:
        c2, acc = col, column_points(widths.get(col))
        while acc < w_pt:
            c2 += 1
            acc += column_points(widths.get(c2))
        r2 = row + max(1, math.ceil(h_pt / ROW_POINTS)) - 1
        for r in (row, r2):
            for c in range(col, c2 + 1):
                out[(r, c)] = "chart"
    return out


def openpyxl_anchors(ws) -> list[tuple]:
    """(row, col, width pt, height pt) of the charts of an openpyxl worksheet."""
    from openpyxl.utils import coordinate_to_tuple

    out = []
    for ch in getattr(ws, "_charts", ()):
        a = ch.anchor
        r, c = coordinate_to_tuple(a) if isinstance(a, str) else (a._from.row + 1, a._from.col + 1)
        out.append((r, c, ch.width / 2.54 * 72, ch.height / 2.54 * 72))
    return out


def drawing_anchors(xml: str) -> list[tuple]:
    """(row, col, width pt, height pt) of the one-cell and two-cell anchors of a drawing part."""
    out = []
    for m in re.finditer(r"<(?:\w+:)?(oneCellAnchor|twoCellAnchor)\b.*?</(?:\w+:)?\1>", xml, re.S):
        body = m.group(0)
        fr = re.search(r"<(?:\w+:)?from>.*?<(?:\w+:)?col>(\d+)<.*?<(?:\w+:)?row>(\d+)<", body, re.S)
        if fr is None:
            continue
        col, row = int(fr.group(1)) + 1, int(fr.group(2)) + 1
        ext = re.search(r'<(?:\w+:)?ext\b[^>]*cx="(\d+)"[^>]*cy="(\d+)"', body)
        to = re.search(r"<(?:\w+:)?to>.*?<(?:\w+:)?col>(\d+)<.*?<(?:\w+:)?row>(\d+)<", body, re.S)
        if ext is not None:
            out.append((row, col, int(ext.group(1)) / EMU_PER_POINT, int(ext.group(2)) / EMU_PER_POINT))
        elif to is not None:
            c2, r2 = int(to.group(1)) + 1, int(to.group(2)) + 1
            out.append((row, col, (c2 - col + 1) * column_points(None), (r2 - row + 1) * ROW_POINTS))
    return out


def plan(cells: dict, widths: dict, area: tuple | None = None) -> dict:
    """Print plan of a sheet: {"area": (r1, c1, r2, c2) or None, "orientation", "scale",
    "breaks": [last column before each new table]}. ``area`` fixes the print area (one
    table: no breaks)."""
    spans = [(area[1], area[3])] if area is not None else tables(cells)
    if not spans:
        return {"area": None, "orientation": "portrait", "scale": 100, "breaks": []}
    span_pt = [sum(column_points(widths.get(c)) for c in range(a, b + 1)) for a, b in spans]
    widest = max(span_pt)
    portrait = A4_PORTRAIT[0] - 2 * 72 * MARGIN_LR
    landscape = A4_PORTRAIT[1] - 2 * 72 * MARGIN_LR
    if widest <= portrait * SLACK:
        orientation, scale = "portrait", 100
    else:
        orientation = "landscape"
        scale = max(MIN_SCALE, min(100, math.floor(100 * landscape * SLACK / widest)))
    if area is None:
        rows = [r for (r, c), v in cells.items()
                if v not in (None, "") and spans[0][0] <= c <= spans[-1][1]]
        area = (min(rows), spans[0][0], max(rows), spans[-1][1])
    breaks = [a - 1 for a, _ in spans[1:]]
    return {"area": area, "orientation": orientation, "scale": scale, "breaks": breaks}


def _letter(c: int) -> str:
    s = ""
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def area_ref(area) -> str:
    r1, c1, r2, c2 = area
    return f"${_letter(c1)}${r1}:${_letter(c2)}${r2}"


def apply(ws, *, title_rows: str | None = None, header: str | None = None,
          area: tuple | None = None, cells: dict | None = None, set_area: bool = True) -> dict:
    """Set A4 page setup, scale, column breaks, print area, print titles and footer on the
    openpyxl worksheet ``ws`` from its cells (or ``cells``); ``area`` overrides the print
    area (e.g. the charts of the Charts sheet, without their helper columns). Returns the plan."""
    from openpyxl.worksheet.pagebreak import Break, ColBreak

    if cells is None:
        cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                 if c.value is not None}
    widths = {}
    for key, dim in ws.column_dimensions.items():
        if dim.width and dim.customWidth:
            from openpyxl.utils import column_index_from_string
            lo = dim.min or column_index_from_string(key)
            hi = dim.max or lo
            for c in range(lo, hi + 1):
                widths[c] = dim.width
    cells = {**cells, **chart_cells(openpyxl_anchors(ws), widths)}
    p = plan(cells, widths, area)
    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A4
    ps.orientation = p["orientation"]
    ps.scale = p["scale"]
    ps.fitToWidth = None
    ps.fitToHeight = None
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins.left = ws.page_margins.right = MARGIN_LR
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TB
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.col_breaks = ColBreak()
    for b in p["breaks"]:
        ws.col_breaks.append(Break(id=b))
    # a chart below other content starts a new page rather than being cut by a page end
    have = {b.id for b in ws.row_breaks.brk}
    for r, _, _, _ in openpyxl_anchors(ws):
        if r > 4 and not any(r - 4 <= b <= r - 1 for b in have) and \
                (area is None or area[0] <= r <= area[2]):
            ws.row_breaks.append(Break(id=r - 1))
            have.add(r - 1)
    if p["area"] is not None and set_area:   # input sheets grow with the user's data: no area
        ws.print_area = area_ref(p["area"])
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER_CENTER
    ws.oddFooter.right.text = FOOTER_RIGHT
    if header:
        ws.oddHeader.center.text = header
    return p


# ---------------------------------------------------------------- package XML (jjj-xl run)

def refit_xml(text: str, cells: dict, widths: dict, anchors=()) -> tuple[str, tuple | None]:
    """A worksheet's XML with scale, orientation and column breaks planned for ``cells``
    ({(row, col): value}) and ``widths`` ({col: characters}); returns (xml, print area).
    Only ``pageSetup``'s scale/orientation and ``colBreaks`` are touched; a sheet without
    a ``pageSetup`` (not made by jjj-xl) is returned unchanged."""
    m = re.search(r"<(\w+:)?worksheet\b", text)
    p = (m.group(1) or "") if m else ""
    pe = re.escape(p)
    ps = re.search(rf"<{pe}pageSetup\b[^>]*/>", text)
    if ps is None:
        return text, None
    pl = plan({**cells, **chart_cells(anchors, widths)}, widths)
    el = ps.group(0)
    for attr, value in (("orientation", pl["orientation"]), ("scale", str(pl["scale"]))):
        if re.search(rf'\b{attr}="', el):
            el = re.sub(rf'\b{attr}="[^"]*"', f'{attr}="{value}"', el)
        else:
            el = el[:-2].rstrip() + f' {attr}="{value}"/>'
    text = text[:ps.start()] + el + text[ps.end():]
    text = re.sub(rf"<{pe}colBreaks\b[^>]*/>|<{pe}colBreaks\b[^>]*>.*?</{pe}colBreaks>", "", text,
                  flags=re.S)
    if pl["breaks"]:
        brk = "".join(f'<{p}brk id="{b}" max="1048575" man="1"/>' for b in pl["breaks"])
        new = f'<{p}colBreaks count="{len(pl["breaks"])}" manualBreakCount="{len(pl["breaks"])}">{brk}</{p}colBreaks>'
        # colBreaks follows rowBreaks / headerFooter / pageSetup (CT_Worksheet order)
        anchor = None
        for tag in ("rowBreaks", "headerFooter", "pageSetup"):
            am = re.search(rf"<{pe}{tag}\b[^>]*/>|<{pe}{tag}\b[^>]*>.*?</{pe}{tag}>", text, re.S)
            if am:
                anchor = am
                break
        text = text[:anchor.end()] + new + text[anchor.end():]
    return text, pl["area"]


def print_area_xml(wb_text: str, sheet_index: int, sheet_name: str, area) -> str:
    """workbook.xml with the print area of sheet ``sheet_index`` (0-based) set to ``area``;
    only an existing ``_xlnm.Print_Area`` of that sheet is replaced (jjj-xl's templates
    define one for every output sheet); otherwise the text is returned unchanged."""
    if area is None:
        return wb_text
    quoted = "'" + sheet_name.replace("'", "''") + "'"
    pat = re.compile(rf'(<(?:\w+:)?definedName\b(?=[^>]*\bname="_xlnm\.Print_Area")'
                     rf'(?=[^>]*\blocalSheetId="{sheet_index}")[^>]*>)([^<]*)(</(?:\w+:)?definedName>)')
    ref = f"{quoted}!{area_ref(area)}"
    new, n = pat.subn(lambda m: m.group(1) + ref + m.group(3), wb_text, count=1)
    if n:
        return new
    m = re.search(r"<(\w+:)?workbook\b", wb_text)
    p = (m.group(1) or "") if m else ""
    el = f'<{p}definedName name="_xlnm.Print_Area" localSheetId="{sheet_index}">{ref}</{p}definedName>'
    close = re.search(rf"</{re.escape(p)}definedNames>", wb_text)
    if close:
        return wb_text[:close.start()] + el + wb_text[close.start():]
    sheets = re.search(rf"</{re.escape(p)}sheets>", wb_text)
    if sheets is None:
        return wb_text
    return wb_text[:sheets.end()] + f"<{p}definedNames>{el}</{p}definedNames>" + wb_text[sheets.end():]


def widths_xml(text: str) -> dict:
    """{column: width} from a worksheet's ``<cols>``."""
    out = {}
    for m in re.finditer(r"<(?:\w+:)?col\b([^>]*?)/?>", text):
        a = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
        try:
            lo, hi, w = int(a["min"]), int(a["max"]), float(a["width"])
        except (KeyError, ValueError):
            continue
        for c in range(lo, min(hi, lo + 200) + 1):
            out[c] = w
    return out
