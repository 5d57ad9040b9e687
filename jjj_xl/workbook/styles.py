"""openpyxl styling helpers shared by the template builder and the share workbooks.

One place for fonts, fills, wrapping, row heights, print setup, column widths and
data validation (issue 7 item 8); openpyxl is imported lazily so that importing
this module costs nothing.
"""

from __future__ import annotations

import math

__all__ = ["font", "fill", "wrap", "text_height", "print_setup", "validation", "set_widths"]


def font(**kw):
    """An openpyxl ``Font`` (keyword arguments as openpyxl's)."""
    from openpyxl.styles import Font
    return Font(**kw)


def fill(color: str):
    """A solid ``PatternFill`` in ``color`` (RGB hex, e.g. "FFF2CC")."""
    from openpyxl.styles import PatternFill
    return PatternFill("solid", fgColor=color)


def wrap(vertical="top"):
    """Wrapped text aligned to ``vertical``."""
    from openpyxl.styles import Alignment
    return Alignment(wrap_text=True, vertical=vertical)


def text_height(text: str, width: float) -> float:
    """Row height (points) for wrapped ``text`` in a column of ``width`` characters
    (CJK characters count as two)."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text))
    lines = max(1, math.ceil(units / max(width - 2, 1)))
    return 15.0 * lines


def print_setup(ws):
    """Landscape A4, fit to one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def validation(ws, sqref: str, **kw):
    """Add an Excel data validation (openpyxl ``DataValidation(**kw)``) over ``sqref``.

    Raises ValueError when a prompt / error text is longer than Excel accepts (255
    characters; titles 32) — Excel would refuse to open the file.
    """
    from openpyxl.worksheet.datavalidation import DataValidation

    for key, limit in (("prompt", 255), ("error", 255), ("promptTitle", 32), ("errorTitle", 32)):
        if kw.get(key) and len(kw[key]) > limit:
            raise ValueError(f"{key} longer than Excel's {limit} characters: {kw[key]!r}")
    dv = DataValidation(**kw)
    dv.add(sqref)
    ws.add_data_validation(dv)
    return dv


def set_widths(ws, widths: dict):
    """Column widths: {1-based column: width in characters}."""
    from openpyxl.utils import get_column_letter
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
