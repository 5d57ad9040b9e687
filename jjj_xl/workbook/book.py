"""Book adapters: one small interface over openpyxl (headless) and xlwings (Excel, Lite/Server).

The macros talk only to this interface and to :mod:`jjj_xl.workbook.layout`, so the
same code runs in Excel, in xlwings Lite/Server and in ``jjj-xl run``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from . import layout
from ..errors import InputError, column_letter
from .cells import FORMULA_STARTS, cell_value
from ..i18n import canonical_header

MAX_UNPACKED_BYTES = 512 * 1024 * 1024   # a template with data is a few MB; more is a zip bomb
MAX_COMPRESSION_RATIO = 200
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")   # compound file: .xls, or an encrypted .xlsx


def _ole_has_stream(path, name: str) -> bool:
    """Whether an OLE compound file names a stream (directory entries are UTF-16-LE)."""
    needle = name.encode("utf-16-le")
    with open(path, "rb") as fh:
        return needle in fh.read(64 * 1024 * 1024)


class BookAdapter:
    """What the macros need from a workbook. Rows/columns are 1-based."""

    def sheet_names(self) -> list[str]:
        raise NotImplementedError

    def extent(self, sheet: str) -> tuple[int, int]:
        """Last used row and column of a sheet."""
        raise NotImplementedError

    def read(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> list[list]:
        raise NotImplementedError

    def write(self, sheet: str, row: int, col: int, values: list[list], formats=None) -> None:
        """Write a 2-D block; ``formats``: one number format (or None) per column."""
        raise NotImplementedError

    def clear(self, sheet: str) -> None:
        """Clear the contents of a whole sheet (outputs only)."""
        raise NotImplementedError

    # ------------------------------------------------------------ shared logic

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self.sheet_names()

    def table_ref(self, sheet: str, name: str):
        """(row1, col1, row2, col2) of an Excel Table (ListObject), or None if unknown."""
        return None

    def hidden_value(self, sheet: str, row: int, col: int):
        """For a cell read as blank: ``("error", "#N/A")``, ``("formula", "=...")`` (a formula
        without a saved value) or None (really blank, or the adapter cannot tell)."""
        return None

    def merged_ranges(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """Merged cell areas of a sheet as (row1, col1, row2, col2); [] when the adapter cannot
        tell. A merged area's value is in its top-left cell (the others read blank)."""
        return []

    def percent_cells(self, sheet: str) -> set:
        """(row, column) of the cells formatted as a percentage (number format 0%, 0.00% or
        any code with an unquoted %): a typed "3%" is stored as the number 0.03 in such a cell.
        An empty set when there are none or the adapter cannot tell."""
        return set()

    def _block_cache_drop(self, sheet: str) -> None:
        cache = self.__dict__.get("_blocks")
        if cache:
            for key in [k for k in cache if k.sheet == sheet]:
                del cache[key]

    def read_block(self, block: layout.Block) -> pd.DataFrame:
        """The table whose header is at the block (or at its Excel Table's top-left cell).

        Columns: up to the first blank header cell. Rows: every row down to the last one
        holding a value in those columns, wherever the Excel Table ends (a blank row does
        not end the table). Fully blank rows are skipped; their Excel row numbers are in
        ``frame.attrs["blank_rows"]`` and the Excel row of each kept row in
        ``frame.attrs["rows"]``. Read once per book until the sheet is written.
        """
        cache = self.__dict__.setdefault("_blocks", {})
        if block in cache:
            return cache[block].copy()
        if not self.has_sheet(block.sheet):
            raise InputError(f'the workbook has no sheet "{block.sheet}"')
        top, left = block.row, block.col
        ref = self.table_ref(block.sheet, block.table) if block.table else None
        if ref is not None:
            top, left = ref[0], ref[1]
        last_row, last_col = self.extent(block.sheet)
        if ref is not None:
            last_col = max(last_col, ref[3])
        ncols = max(last_col - left + 1, 1)
        header = self.read(block.sheet, top, left, 1, ncols)[0] if last_row >= top else []
        names = []
        for v in header:
            if v is None or str(v).strip() == "":
                break
            names.append(str(v).strip())
        if block.is_input:     # headers a zh template writes (代码, 地区 …) read back; two
            canon = [canonical_header(n) for n in names]      # that would become one name stay
            names = [c if canon.count(c) == 1 and c not in names[:k] + names[k + 1:] else n
                     for k, (n, c) in enumerate(zip(names, canon))]   # as typed (ambiguous)
        if not names:
            raise InputError(f"sheet {block.sheet}: no header row at {column_letter(left - 1)}"
                             f"{top}")
        nrows = max(last_row - top, 0)
        body = self.read(block.sheet, top + 1, left, nrows, len(names)) if nrows else []
        rows, where, blank = [], [], []
        for i, r in enumerate(body):
            if all(v is None or (isinstance(v, str) and v.strip() == "") for v in r):
                blank.append(top + 1 + i)
                continue
            rows.append(r)
            where.append(top + 1 + i)
        notes = []
        if block.is_input and blank and len(rows) > 1:
            notes = _notes_below(rows, where, blank)
            if notes:
                rows, where = rows[:-len(notes)], where[:-len(notes)]
        last = where[-1] if where else top
        blank = [r for r in blank if r < last]
        frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else \
            pd.DataFrame(columns=names, dtype=object)
        frame.attrs["rows"] = ExcelRows(where)
        frame.attrs["blank_rows"] = ExcelRows(blank)
        frame.attrs["origin"] = (top, left)
        frame.attrs["notes_below"] = tuple(notes)
        cache[block] = frame
        return frame.copy()

    def write_frame(self, block: layout.Block, frame: pd.DataFrame) -> None:
        if block.title:
            self.write(block.sheet, block.row - 1, block.col, [[block.title]])
        values = [list(map(str, frame.columns))]
        values += [[cell_value(v) for v in row] for row in frame.to_numpy(dtype=object)]
        formats = [layout.NUMBER_FORMATS.get(str(c), layout.SCORE_FORMAT
                                             if pd.api.types.is_float_dtype(frame[c]) else None)
                   for c in frame.columns]
        self.write(block.sheet, block.row, block.col, values, formats)
        self.fit_columns(block.sheet, block.col, values)

    def fit_columns(self, sheet: str, col: int, values: list[list]) -> None:
        """Widen columns to their content where the host allows it (no-op by default)."""


def _notes_below(rows: list, where: list, blank: list) -> list:
    """The last rows of a table that are notes below it ("资料来源：中国统计年鉴" typed under
    the data after a blank row): only the first cell filled, with text that is not a number
    and not one of the table's first-column values, and a blank row between them and the
    data. [(excel row, text)] in order; [] when the table ends with data."""
    from ..methods._matrix import number_from_text
    k = len(rows)
    while k > 1:
        r = rows[k - 1]
        first = r[0] if r else None
        if not (isinstance(first, str) and first.strip()
                and all(v is None or (isinstance(v, str) and not v.strip()) for v in r[1:])
                and number_from_text(first)[1] == "text"):
            break
        k -= 1
    if k == len(rows) or not any(where[k - 1] < b < where[k] for b in blank):
        return []
    tail = [(where[i], rows[i][0].strip()) for i in range(k, len(rows))]
    known = {str(r[0]).strip() for r in rows[:k] if r and r[0] is not None}
    return [] if any(t in known for _, t in tail) else tail


def is_percent_format(code) -> bool:
    """A number format that shows a percentage: a % outside quotes and not escaped."""
    if not isinstance(code, str) or "%" not in code:
        return False
    return "%" in re.sub(r'"[^"]*"|\\.', "", code)


class ExcelRows(tuple):
    """Excel row numbers kept in ``DataFrame.attrs``: immutable, so pandas' deep copy of
    attrs on every operation is free (a list of 40,000 rows cost seconds)."""

    def __deepcopy__(self, memo):
        return self


def safe_text(value):
    """Text that would start a formula is marked as text for Excel (leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# ---------------------------------------------------------------- openpyxl (headless)

def check_zip(path) -> None:
    """Refuse a file that is not an .xlsx zip or whose unpacked size is absurd."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not an Excel workbook")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        if _ole_has_stream(path, "EncryptionInfo"):
            raise InputError(f"{path.name} is encrypted (password-protected); open it in Excel, "
                             f"remove the password (File > Info > Protect Workbook) and save a copy")
        raise InputError(f"{path.name} is a legacy .xls (Excel 97-2003) workbook; open it in Excel "
                         f"and save it as .xlsx")
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path.name} is not an Excel .xlsx workbook (not a zip package)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path.name}: the zip package is damaged ({exc}); open and save it "
                         f"in Excel, or use a copy from before") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNPACKED_BYTES or (total > 10 * 1024 * 1024 and total / packed > MAX_COMPRESSION_RATIO):
        raise InputError(f"{path.name} unpacks to {total / 1e6:.0f} MB from {packed / 1e6:.1f} MB; "
                         f"refusing it as a possible zip bomb")


class OpenpyxlBook(BookAdapter):
    """A workbook file read and written with openpyxl (``jjj-xl run``)."""

    def __init__(self, path=None, *, workbook=None):
        self.path = Path(path) if path is not None else None
        if workbook is not None:
            self.wb = workbook
            # the file it was loaded from, for the saved values of formula cells
            self._source = getattr(workbook, "_jjj_source", None)
            return
        self._source = self.path
        check_zip(path)
        import defusedxml  # noqa: F401  openpyxl parses XML with defusedxml when it is installed
        from openpyxl import load_workbook
        try:
            self.wb = load_workbook(self.path)
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            raise InputError(f"{self.path.name} cannot be read as an .xlsx workbook ({exc})") from None
        self.wb._jjj_source = self.path

    def sheet_names(self):
        return list(self.wb.sheetnames)

    def table_ref(self, sheet, name):
        from .package import parse_range
        table = self.wb[sheet].tables.get(name) if sheet in self.wb.sheetnames else None
        try:
            return parse_range(table.ref) if table is not None else None
        except ValueError:
            return None

    def extent(self, sheet):
        ws = self.wb[sheet]
        return ws.max_row, ws.max_column

    def merged_ranges(self, sheet):
        if sheet not in self.wb.sheetnames:
            return []
        return [(r.min_row, r.min_col, r.max_row, r.max_col)
                for r in self.wb[sheet].merged_cells.ranges]

    def percent_cells(self, sheet):
        if sheet not in self.wb.sheetnames:
            return set()
        memo = self.__dict__.setdefault("_pct_cells", {})
        if sheet not in memo:
            memo[sheet] = {(c.row, c.column) for row in self.wb[sheet].iter_rows() for c in row
                           if c.data_type == "n" and c.value is not None
                           and is_percent_format(c.number_format)}
        return memo[sheet]

    def read(self, sheet, row, col, nrows, ncols):
        """Values as Excel shows them: a formula cell gives its saved (cached) result, read
        with python-calamine from the file (None when it has none: see hidden_value)."""
        ws = self.wb[sheet]
        if nrows <= 0 or ncols <= 0:
            return []
        out = []
        for r in ws.iter_rows(min_row=row, max_row=row + nrows - 1, min_col=col,
                              max_col=col + ncols - 1):
            values = []
            for c in r:
                v = c.value
                if c.data_type == "f" or (isinstance(v, str) and v.startswith("=")
                                          and c.data_type not in ("s", "inlineStr")):
                    v = self._cached(sheet, c.row, c.column)
                elif not isinstance(v, (str, int, float, bool, type(None))) and c.data_type == "f":
                    v = self._cached(sheet, c.row, c.column)
                values.append(v)
            out.append(values)
        return out

    def _cached(self, sheet, row, col):
        """The saved value of a formula cell (from the file as last saved), or None."""
        cache = self.__dict__.setdefault("_cached_values", {})
        if sheet not in cache:
            rows = []
            source = getattr(self, "_source", None)
            if source is not None and Path(source).exists():
                try:
                    from python_calamine import CalamineWorkbook
                    from .package import _value
                    rows = [[_value(v) for v in r] for r in CalamineWorkbook.from_path(
                        str(source)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)]
                except Exception:  # noqa: BLE001  no saved values to offer: the cell reads blank
                    rows = []
            cache[sheet] = rows
        rows = cache[sheet]
        return rows[row - 1][col - 1] if row - 1 < len(rows) and col - 1 < len(rows[row - 1]) else None

    def hidden_value(self, sheet, row, col):
        if sheet not in self.wb.sheetnames:
            return None
        c = self.wb[sheet].cell(row=row, column=col)
        if c.data_type == "f" and self._cached(sheet, row, col) is None:
            return ("formula", str(c.value))
        if c.data_type == "e" and c.value:
            return ("error", str(c.value))
        return None

    def write(self, sheet, row, col, values, formats=None):
        from .cells import write_cell
        self._block_cache_drop(sheet)
        self.__dict__.get("_pct_cells", {}).pop(sheet, None)
        if sheet not in self.wb.sheetnames:
            self.wb.create_sheet(sheet)
        ws = self.wb[sheet]
        for i, r in enumerate(values):
            for j, v in enumerate(r):
                c = write_cell(ws, row + i, col + j, v)
                if formats and i > 0 and formats[j] and isinstance(c.value, (int, float)) \
                        and not isinstance(c.value, bool):
                    c.number_format = formats[j]

    def fit_columns(self, sheet, col, values):
        """Column widths from the text written (Excel would need a manual autofit)."""
        ws = self.wb[sheet]
        from openpyxl.utils import get_column_letter
        for j in range(max((len(r) for r in values), default=0)):
            texts = [r[j] for r in values[:300] if j < len(r) and r[j] is not None]
            width = max((len(f"{v:.4f}") if isinstance(v, float) else len(str(v)) for v in texts),
                        default=8)
            letter = get_column_letter(col + j)
            current = ws.column_dimensions[letter].width or 8
            ws.column_dimensions[letter].width = max(current, min(width + 2, 48))

    def clear(self, sheet):
        self._block_cache_drop(sheet)
        if sheet not in self.wb.sheetnames:
            return
        ws = self.wb[sheet]
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    c.value = None

    def save(self, path=None):
        from .cells import save_atomically
        return save_atomically(self.wb, path or self.path)


# ---------------------------------------------------------------- xlwings (Excel, Lite, Server)

class XlwingsBook(BookAdapter):
    """An ``xlwings.Book``: classic Excel (the active workbook) or Lite/Server (``Book(json=...)``).

    Table extents come from the data actually present, not from ``used_range`` alone: one
    formatted cell at ``A1048576`` makes ``used_range`` a million rows, and reading that over
    COM takes minutes. :meth:`extent` therefore asks Excel where each column's data ends
    (``Range.end("up")`` from the bottom of the used range: one cheap call per column) when
    the used range is taller than :attr:`PROBE_ROWS`; a table that is an Excel Table
    (ListObject) gives its own top-left cell (:meth:`table_ref`).
    """

    PROBE_ROWS = 1000        # used ranges up to this many rows are read as they are
    PROBE_COLS = 512         # columns probed for their last value (tables sit far left of this)

    def __init__(self, book):
        self.book = book

    def sheet_names(self):
        return [s.name for s in self.book.sheets]

    def extent(self, sheet):
        ws = self.book.sheets[sheet]
        last = ws.used_range.last_cell
        rows, cols = last.row, last.column
        if rows <= self.PROBE_ROWS:
            return rows, cols
        return self._data_extent(ws, rows, cols)

    def _data_extent(self, ws, rows: int, cols: int) -> tuple[int, int]:
        """(last row, last column) holding a value, found with one read of the bottom row of
        the used range and one ``end("up")`` per column (at most :attr:`PROBE_COLS`)."""
        bottom = ws.range((rows, 1), (rows, cols)).options(ndim=2).value[0]
        if any(v is not None and v != "" for v in bottom):
            return rows, cols
        last_row, last_col = 0, 0
        try:
            for c in range(1, min(cols, self.PROBE_COLS) + 1):
                top = ws.range((rows, c)).end("up")
                r = top.row
                if r == 1 and (top.value is None or top.value == ""):
                    continue                  # nothing in this column
                last_row, last_col = max(last_row, r), c
        except (AttributeError, NotImplementedError):   # a host without Range.end: as before
            return rows, cols
        return max(last_row, 1), max(last_col, 1)

    def table_ref(self, sheet, name):
        """(row1, col1, row2, col2) of the Excel Table ``name`` (ListObject), or None where the
        host has no tables (xlwings Lite / Server) or the sheet has none of that name."""
        try:
            tables = self.book.sheets[sheet].tables
            if name not in [t.name for t in tables]:
                return None
            rng = tables[name].range
            return rng.row, rng.column, rng.row + rng.shape[0] - 1, rng.column + rng.shape[1] - 1
        except Exception:  # noqa: BLE001 - no ListObjects on this host: the block's own cell
            return None

    def read(self, sheet, row, col, nrows, ncols):
        if nrows <= 0 or ncols <= 0:
            return []
        rng = self.book.sheets[sheet].range((row, col), (row + nrows - 1, col + ncols - 1))
        values = rng.options(ndim=2).value
        return [list(r) for r in values]

    def write(self, sheet, row, col, values, formats=None):
        self._block_cache_drop(sheet)
        if sheet not in self.sheet_names():
            self.book.sheets.add(sheet, after=self.book.sheets[len(self.book.sheets) - 1])
        ws = self.book.sheets[sheet]
        if not values:
            return
        clean = [[safe_text(cell_value(v)) for v in r] for r in values]
        ws.range((row, col)).value = clean
        if formats and len(values) > 1:
            for j, fmt in enumerate(formats):
                if fmt:
                    ws.range((row + 1, col + j), (row + len(values) - 1, col + j)).number_format = fmt

    def clear(self, sheet):
        self._block_cache_drop(sheet)
        if sheet in self.sheet_names():
            self.book.sheets[sheet].used_range.clear_contents()


def as_adapter(book) -> BookAdapter:
    if isinstance(book, BookAdapter):
        return book
    if isinstance(book, (str, Path)):
        return OpenpyxlBook(book)
    return XlwingsBook(book)
