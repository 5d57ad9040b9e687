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
import pandas as pd

from . import layout

FORMULA_STARTS = ("=", "+", "-", "@")
HEADER_FILL = "DDEBF7"
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


def write_frame(ws, frame: pd.DataFrame, block: layout.Block) -> tuple[int, int]:
    """Write ``frame`` with its header at the block; returns (last_row, last_col)."""
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=INPUT_FILL if block.is_input else HEADER_FILL)
    if block.title:
        write_cell(ws, block.row - 1, block.col, block.title).font = Font(bold=True, size=12)
    for j, name in enumerate(frame.columns):
        c = write_cell(ws, block.row, block.col + j, str(name))
        c.font = bold
        c.fill = fill
    values = frame.to_numpy(dtype=object)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            c = write_cell(ws, block.row + 1 + i, block.col + j, values[i, j])
            fmt = layout.NUMBER_FORMATS.get(str(frame.columns[j]))
            if fmt is None and isinstance(c.value, float):
                fmt = layout.SCORE_FORMAT
            if fmt and isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                c.number_format = fmt
    for j, name in enumerate(frame.columns):
        width = max([len(str(name))] + [len(str(v)) for v in values[:200, j]]) if len(values) else len(str(name))
        letter = ws.cell(row=block.row, column=block.col + j).column_letter
        ws.column_dimensions[letter].width = min(max(width + 2, 8), 48)
    return block.row + values.shape[0], block.col + values.shape[1] - 1


def write_notes(ws, notes: dict, block: layout.Block):
    frame = pd.DataFrame({"setting": list(notes.keys()), "value": [str(v) for v in notes.values()]})
    return write_frame(ws, frame, block)


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


def write_paper000_workbook(path, data: pd.DataFrame, indicators: pd.DataFrame, result,
                            description: str | None = None) -> Path:
    """Sheets Indicators, Data, Weights, Scores, Coupling for the paper 000 workflow."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in layout.DEMO_SHEETS}
    ind_cols = [c for c in layout.INDICATOR_COLUMNS if c in indicators.columns]
    write_frame(sheets[layout.INDICATORS.sheet], indicators[ind_cols], layout.INDICATORS)
    last_row, _ = write_frame(sheets[layout.DATA.sheet], data, layout.DATA)
    if description:
        write_cell(sheets[layout.DATA.sheet], last_row + 2, 1, description)
    write_frame(sheets[layout.WEIGHTS.sheet], result.weights, layout.WEIGHTS)
    write_notes(sheets[layout.WEIGHTS_NOTES.sheet], result.notes, layout.WEIGHTS_NOTES)
    write_frame(sheets[layout.SCORES.sheet], result.scores, layout.SCORES)
    write_frame(sheets[layout.COUPLING.sheet], result.coupling, layout.COUPLING)
    write_frame(sheets[layout.COUPLING_DIMENSIONS.sheet], result.coupling_dimensions,
                layout.COUPLING_DIMENSIONS)
    for ws in wb.worksheets:
        block = {b.sheet: b for b in (layout.INDICATORS, layout.DATA, layout.WEIGHTS,
                                      layout.SCORES, layout.COUPLING)}[ws.title]
        ws.freeze_panes = ws.cell(row=block.row + 1, column=1)
    return save_atomically(wb, path)
