"""A stand-in for an ``xlwings.Book`` in live Excel, built from an openpyxl workbook, that
counts what crosses COM: every cell read or written through ``Range.value`` and every
``Range.end`` call. Enough of xlwings' object model for :class:`XlwingsBook` and the ribbon."""

from __future__ import annotations

EXCEL_ROWS = 1048576


class FakeRange:
    def __init__(self, sheet, r1, c1, r2=None, c2=None):
        self.sheet, self.row, self.column = sheet, r1, c1
        self.last = (r2 if r2 is not None else r1, c2 if c2 is not None else c1)
        self.number_format = None

    @property
    def shape(self):
        return self.last[0] - self.row + 1, self.last[1] - self.column + 1

    @property
    def last_cell(self):
        return FakeRange(self.sheet, *self.last)

    def options(self, ndim=None, **kw):
        out = FakeRange(self.sheet, self.row, self.column, *self.last)
        out.ndim = ndim
        return out

    @property
    def value(self):
        n, m = self.shape
        self.sheet.book.cells_read += n * m
        block = [[self.sheet.cells.get((r, c)) for c in range(self.column, self.column + m)]
                 for r in range(self.row, self.row + n)]
        if getattr(self, "ndim", None) == 2:
            return block
        if n == 1 and m == 1:                 # xlwings: a single cell is a scalar,
            return block[0][0]
        return block[0] if n == 1 else [r[0] for r in block] if m == 1 else block  # 1-D rows

    @value.setter
    def value(self, values):
        rows = values if isinstance(values, list) and values and isinstance(values[0], list) \
            else [[values]]
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                self.sheet.book.cells_written += 1
                key = (self.row + i, self.column + j)
                if v is None or v == "":
                    self.sheet.cells.pop(key, None)
                else:
                    self.sheet.cells[key] = v

    def end(self, direction):
        assert direction == "up"
        self.sheet.book.end_calls += 1
        above = [r for (r, c) in self.sheet.cells if c == self.column and r < self.row]
        return FakeRange(self.sheet, max(above, default=1), self.column)

    def clear_contents(self):
        for key in [k for k in self.sheet.cells if self.row <= k[0] <= self.last[0]
                    and self.column <= k[1] <= self.last[1]]:
            del self.sheet.cells[key]


class FakeTable:
    def __init__(self, name, rng):
        self.name, self.range = name, rng


class FakeSheet:
    def __init__(self, book, name, cells, formatted=None, tables=()):
        self.book, self.name, self.cells = book, name, cells
        self.formatted = formatted          # a far formatted (empty) cell: Excel's used range
        self.tables = FakeSheets(tables)     # a collection indexed by position or name

    @property
    def used_range(self):
        rows = max([r for r, _ in self.cells] + [self.formatted[0] if self.formatted else 1])
        cols = max([c for _, c in self.cells] + [self.formatted[1] if self.formatted else 1])
        return FakeRange(self, 1, 1, rows, cols)

    def range(self, a, b=None):
        if b is None:
            return FakeRange(self, *a)
        return FakeRange(self, a[0], a[1], b[0], b[1])


class FakeSheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            for s in self:
                if s.name == key:
                    return s
            raise KeyError(key)
        return list.__getitem__(self, key)

    def add(self, name, after=None):
        sheet = FakeSheet(self[0].book, name, {})
        self.append(sheet)
        return sheet


class FakeBook:
    """``FakeBook.from_openpyxl(wb, formatted={"Data": (1048576, 1)})``."""

    def __init__(self):
        self.sheets = FakeSheets()
        self.cells_read = self.cells_written = self.end_calls = 0
        self.fullname = ""

    @classmethod
    def from_openpyxl(cls, wb, formatted=None):
        from jjj_xl.workbook.package import parse_range
        book = cls()
        for ws in wb.worksheets:
            cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                     if c.value is not None}
            sheet = FakeSheet(book, ws.title, cells, (formatted or {}).get(ws.title))
            for name, ref in ws.tables.items():
                r1, c1, r2, c2 = parse_range(ref)
                sheet.tables.append(FakeTable(name, FakeRange(sheet, r1, c1, r2, c2)))
            book.sheets.append(sheet)
        return book
