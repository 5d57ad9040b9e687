"""Writing result tables to .xlsx with openpyxl, safely.

Text that starts with = + - @ is written as text (never as a formula), and
files are written to a temporary name beside the target and then renamed,
so an interrupted run never leaves half a workbook.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np


FORMULA_STARTS = ("=", "+", "-", "@")
INPUT_FILL = "FFF2CC"


def cell_value(value):
    """A value openpyxl can store; NaN becomes an empty cell."""
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def write_cell(ws, row: int, col: int, value):
    """Write one cell; strings that look like formulas stay text."""
    cell = ws.cell(row=row, column=col)
    value = cell_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.value = value
        cell.data_type = "s"  # stored as a shared string, never evaluated
    else:
        cell.value = value
    return cell


def save_atomically(wb, path) -> Path:
    """Save to a temporary file in the target folder, then rename over the target."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
