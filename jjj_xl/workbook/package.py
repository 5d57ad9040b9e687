"""Package-preserving workbook I/O for headless runs (``jjj-xl run``, ``validate``, clear outputs).

:class:`PackageBook` is a :class:`~jjj_xl.workbook.book.BookAdapter` over the .xlsx/.xlsm
package itself:

* **Reading** uses python-calamine (Rust ``calamine``): it reads the values Excel shows,
  including the cached results of formula cells, ignores formatted empty cells (a styled
  cell at ``A1048576`` costs nothing) and reads a 40,000-row sheet in a fraction of the
  time openpyxl needs. A light XML scan adds what calamine does not say: the Excel Tables
  (``xl/tables/*.xml``) and, only where a needed cell is blank, whether it holds a formula
  without a saved value.
* **Writing** is buffered. :meth:`PackageBook.save` rewrites only the parts jjj-xl owns:
  the ``sheetData`` (and ``cols``/``dimension``) of the output sheets that were written,
  number-format styles *appended* to ``styles.xml`` (existing style indices never move),
  the chart parts of the Charts sheet (trimmed to the results), the workbook/rels/content
  type entries of an output sheet that did not exist yet, ``fullCalcOnLoad`` in
  ``workbook.xml`` so formulas over the results refresh, the print setup of a rewritten
  output sheet (scale, orientation, column breaks in its XML; its ``_xlnm.Print_Area`` in
  ``workbook.xml``), planned from the results (:mod:`.printing`, issue 11), and ``calcChain.xml`` only when it
  lists cells of a rewritten output sheet (it is then dropped; Excel rebuilds it). Every
  other zip entry is copied byte for byte, in the same order; an ``.xlsm`` keeps its VBA
  project. Input sheets are never re-serialised.
* Files are written to a temporary file in the target folder, flushed, fsynced and renamed
  over the target (:func:`jjj_xl.workbook.cells.atomic_write`).
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import InputError, column_letter
from . import layout
from .book import BookAdapter, check_zip

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOC = NS_REL + "/officeDocument"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_TABLE = NS_REL + "/table"
REL_DRAWING = NS_REL + "/drawing"
REL_CHART = NS_REL + "/chart"
REL_STYLES = NS_REL + "/styles"
REL_CALC_CHAIN = NS_REL + "/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_index(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    """'C5' -> (row 5, col 3)."""
    m = _CELL_REF.match(ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_index(m.group(1))


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """'A1:P20' -> (row1, col1, row2, col2)."""
    a, _, b = ref.partition(":")
    r1, c1 = parse_ref(a)
    r2, c2 = parse_ref(b) if b else (r1, c1)
    return r1, c1, r2, c2


def _q(tag: str, ns: str = NS_MAIN) -> str:
    return f"{{{ns}}}{tag}"


class Package:
    """Raw access to the parts of an OOXML zip, with one-line errors naming file and part."""

    def __init__(self, path, display: str | None = None):
        self.path = Path(path)
        self.display = display or self.path.name
        check_zip(self.path)
        try:
            # the whole file in memory: the source may be replaced while we copy from it
            self.data = self.path.read_bytes()
            self.zf = zipfile.ZipFile(io.BytesIO(self.data))
            self.infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputError(f"{self.display}: the zip package is damaged ({exc}); open and save "
                             f"it in Excel, or use a copy from before") from None
        self.names = {i.filename for i in self.infos}
        self._cache: dict[str, bytes] = {}

    def close(self):
        self.zf.close()

    def damaged(self, part: str, reason) -> InputError:
        return InputError(f"{self.display}: part {part} is damaged ({reason}); open and save the "
                          f"workbook in Excel, or use a copy from before")

    def read(self, part: str) -> bytes:
        if part not in self._cache:
            if part not in self.names:
                raise self.damaged(part, "missing")
            try:
                self._cache[part] = self.zf.read(part)
            except (zipfile.BadZipFile, zlib_error(), OSError, EOFError, ValueError,
                    NotImplementedError) as exc:
                raise self.damaged(part, exc) from None
        return self._cache[part]

    def verify(self, info: zipfile.ZipInfo) -> None:
        """Decompress an entry and check its CRC (without keeping it), naming it if damaged."""
        try:
            with self.zf.open(info) as fh:
                while fh.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib_error(), OSError, EOFError, ValueError,
                NotImplementedError) as exc:
            raise self.damaged(info.filename, exc) from None

    def copy_raw(self, info: zipfile.ZipInfo, zout: zipfile.ZipFile) -> None:
        """Copy an entry's compressed bytes unchanged into ``zout`` (no recompression): the
        part stays byte-identical and a large input sheet costs one CRC check, not a deflate."""
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                                zipfile.ZIP_DEFLATED):
            zout.writestr(_clone_info(info), self.read(info.filename))
            return
        self.verify(info)
        data = self.data
        h = info.header_offset
        if data[h:h + 4] != b"PK\x03\x04":
            raise self.damaged(info.filename, "bad local header")
        n = int.from_bytes(data[h + 26:h + 28], "little")
        m = int.from_bytes(data[h + 28:h + 30], "little")
        start = h + 30 + n + m
        raw = memoryview(data)[start:start + info.compress_size]   # no copy of a big part
        if len(raw) != info.compress_size:
            raise self.damaged(info.filename, "truncated")
        zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
        zi.compress_type = info.compress_type
        zi.flag_bits = info.flag_bits & 0x800          # keep "UTF-8 name"; sizes are in the header
        zi.CRC, zi.compress_size, zi.file_size = info.CRC, info.compress_size, info.file_size
        zi.external_attr, zi.create_system = info.external_attr, info.create_system
        zi.create_version = max(info.create_version, 20)
        zi.extract_version = max(info.extract_version, 20)
        zi.extra = b""
        _write_raw(zout, zi, raw)

    def xml(self, part: str):
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring
        data = self.read(part)
        if not data.strip():
            raise self.damaged(part, "empty")
        try:
            return fromstring(data)
        except DefusedXmlException:
            raise self.damaged(part, "it declares XML entities or a DTD, refused") from None
        except (ParseError, ValueError, SyntaxError) as exc:
            raise self.damaged(part, f"not well-formed XML: {exc}") from None

    @staticmethod
    def rels_name(part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """{rId: (type, target part)} of a part ('' for the package)."""
        name = self.rels_name(part) if part else "_rels/.rels"
        if name not in self.names:
            return {}
        root = self.xml(name)
        out = {}
        base = posixpath.dirname(part)
        for rel in root:
            if rel.tag != _q("Relationship", NS_PKG_REL):
                continue
            rid, typ, target = rel.get("Id"), rel.get("Type", ""), rel.get("Target", "")
            if rel.get("TargetMode") == "External" or rid is None:
                continue
            if target.startswith("/"):
                full = target.lstrip("/")
            else:
                full = posixpath.normpath(posixpath.join(base, target))
            out[rid] = (typ, full)
        return out


def zlib_error():
    import zlib
    return zlib.error


class PackageBook(BookAdapter):
    """A workbook file read with python-calamine and written part by part (see module doc).

    ``display`` is the name used in messages (the user's file name, never a temp name).
    """

    def __init__(self, path, display: str | None = None):
        self.path = Path(path)
        self.display = display or self.path.name
        self.pkg = Package(self.path, self.display)
        self._read_structure()
        self._values: dict[str, list[list]] = {}
        self._formulas: dict[str, dict] = {}
        self._tables = None
        # sheet -> {r·_KEY + c: (value, fmt)} (an int key, not an (r, c) tuple: a third less
        # memory for a sheet of 300,000 result cells)
        self._edits: dict[str, dict] = {}
        self._cleared: set[str] = set()
        self._widths: dict[str, dict[int, float]] = {}
        self.rows_read = 0                     # rows materialised by the reader (for tests)
        self._calamine = None

    # ---------------------------------------------------------------- structure

    def _read_structure(self):
        pkg = self.pkg
        if "[Content_Types].xml" not in pkg.names:
            raise pkg.damaged("[Content_Types].xml", "missing")
        self.content_types = pkg.xml("[Content_Types].xml")
        if "_rels/.rels" not in pkg.names:
            raise pkg.damaged("_rels/.rels", "missing")
        root_rels = pkg.rels("")
        wb_part = next((t for typ, t in root_rels.values() if typ == REL_OFFICE_DOC
                        or typ.endswith("/officeDocument")), None)
        if wb_part is None:
            raise pkg.damaged("_rels/.rels", "it names no workbook part")
        self.wb_part = wb_part
        wb = pkg.xml(wb_part)
        if wb.tag == "{http://purl.oclc.org/ooxml/spreadsheetml/main}workbook":
            raise InputError(f"{self.display} is saved as Strict Open XML; save it in Excel as "
                             f'"Excel Workbook (.xlsx)" and try again')
        if Package.rels_name(wb_part) not in pkg.names:
            raise pkg.damaged(Package.rels_name(wb_part), "missing")
        self.wb_rels = pkg.rels(wb_part)
        sheets_el = wb.find(_q("sheets"))
        if sheets_el is None:
            raise pkg.damaged(wb_part, "no <sheets> list")
        self.sheets = []   # (name, sheetId, rId, part or None)
        for s in sheets_el:
            rid = s.get(_q("id", NS_REL))
            typ, part = self.wb_rels.get(rid, ("", None))
            if part is not None and typ != REL_WORKSHEET:
                part = None if not typ.endswith("/worksheet") else part
            self.sheets.append((s.get("name"), s.get("sheetId"), rid, part))
        self.styles_part = next((t for typ, t in self.wb_rels.values() if typ == REL_STYLES), None)
        if self.styles_part is not None:
            pkg.xml(self.styles_part)  # damaged styles: say so now, in one line

    def sheet_names(self):
        return [s[0] for s in self.sheets]

    def sheet_part(self, sheet: str) -> str | None:
        return next((p for n, _, _, p in self.sheets if n == sheet), None)

    # ---------------------------------------------------------------- reading

    def _workbook(self):
        if self._calamine is None:
            from python_calamine import CalamineWorkbook
            try:
                self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.pkg.data))
            except Exception as exc:  # calamine raises its own error types for damaged files
                raise InputError(f"{self.display} cannot be read as an Excel workbook "
                                 f"({_short(exc)}); open and save it in Excel") from None
        return self._calamine

    def _sheet_values(self, sheet: str) -> list[list]:
        if sheet in self._values:
            return self._values[sheet]
        part = self.sheet_part(sheet)
        if part is None:
            self._values[sheet] = []
            return []
        try:
            rows = self._workbook().get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except InputError:
            raise
        except Exception as exc:
            # a missing or unreadable part: one line naming it (the part is only decompressed
            # here, on failure: kept in memory it would double the peak for a big Data sheet)
            self.pkg.read(part)
            raise self.pkg.damaged(part, f"sheet {sheet}: {_short(exc)}") from None
        self.rows_read += len(rows)
        # converted in place (calamine's lists are ours): no second list of lists in memory;
        # plain non-whole floats, the bulk of a data sheet, stay as they are
        for r in rows:
            for j, v in enumerate(r):
                if type(v) is not float or v.is_integer():
                    r[j] = _value(v)
        self._values[sheet] = rows
        if len(rows) > 5000:
            _trim_heap()   # calamine's own copy of the sheet is freed: give its pages back
        return rows

    def _percent_styles(self) -> set:
        """Indexes into cellXfs whose number format shows a percentage (builtin 9 "0%", 10
        "0.00%", or a custom numFmt with an unquoted %)."""
        if "_pct_styles" in self.__dict__:
            return self._pct_styles
        from .book import is_percent_format
        found = set()
        if self.styles_part is not None:
            text = self.pkg.read(self.styles_part).decode("utf-8", "replace")
            ids = {9, 10}
            for m in re.finditer(r"<(?:\w+:)?numFmt\b([^>]*)/?>", text):
                a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
                if a.get("numFmtId", "").isdigit() and is_percent_format(_unescape(a.get("formatCode", ""))):
                    ids.add(int(a["numFmtId"]))
            m = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", text, re.S)
            xfs = re.findall(r"<(?:\w+:)?xf\b([^>]*)>", m.group(1)) if m else []
            for k, attrs in enumerate(xfs):
                n = re.search(r'numFmtId="(\d+)"', attrs)
                if n and int(n.group(1)) in ids:
                    found.add(k)
        self._pct_styles = found
        return found

    def percent_cells(self, sheet):
        """Cells whose style shows a percentage; the sheet XML is scanned only when styles.xml
        has such a style (one regular-expression pass, no parse)."""
        styles = self._percent_styles()
        part = self.sheet_part(sheet)
        if not styles or part is None or sheet in self._cleared or sheet in self._edits:
            return set()
        memo = self.__dict__.setdefault("_pct_cells", {})
        if sheet in memo:
            return memo[sheet]
        cached = part in self.pkg._cache
        data = self.pkg.read(part)
        if not cached:        # not kept: a big Data sheet's XML would double the reader's peak
            self.pkg._cache.pop(part, None)
        alt = "|".join(str(k) for k in sorted(styles)).encode()
        out = set()
        for m in re.finditer(rb'<(?:\w+:)?c\b(?=[^>]*\ss="(?:' + alt + rb')")[^>]*>', data):
            ref = re.search(rb'\sr="([A-Z]+)(\d+)"', m.group(0))
            if ref:
                out.add((int(ref.group(2)), col_index(ref.group(1).decode())))
        memo[sheet] = out
        return out

    def release_reads(self) -> None:
        """Forget what was read and not written (sheet values, tables read by ``read_block``,
        decompressed parts), so that saving does not hold the inputs in memory beside the
        output XML. Reading again afterwards reads the file again."""
        for sheet in [s for s in self._values if s not in self._edits]:
            del self._values[sheet]
        self.__dict__.pop("_blocks", None)
        self.pkg._cache.clear()
        _trim_heap()

    def _model(self, sheet: str) -> dict:
        """Cells of a written sheet: {(r, c): (value, fmt)}."""
        if sheet not in self._edits:
            cells = {}
            if sheet not in self._cleared:
                for i, r in enumerate(self._sheet_values(sheet), start=1):
                    for j, v in enumerate(r, start=1):
                        if v is not None:
                            cells[i * _KEY + j] = (v, None)
            self._edits[sheet] = cells
        return self._edits[sheet]

    def extent(self, sheet):
        if sheet in self._edits:
            cells = self._edits[sheet]
            return (max(cells, default=0) // _KEY, max((k % _KEY for k in cells), default=0))
        rows = self._sheet_values(sheet)
        return len(rows), max((len(r) for r in rows), default=0)

    def read(self, sheet, row, col, nrows, ncols):
        if nrows <= 0 or ncols <= 0:
            return []
        if sheet in self._edits:
            cells = self._edits[sheet]
            return [[cells.get(r * _KEY + c, (None,))[0] for c in range(col, col + ncols)]
                    for r in range(row, row + nrows)]
        rows = self._sheet_values(sheet)
        out = []
        a, b = col - 1, col - 1 + ncols
        pad = [None] * ncols
        for r in range(row - 1, row - 1 + nrows):
            part = rows[r][a:b] if r < len(rows) else []
            if len(part) < ncols:
                part += pad[len(part):]
            out.append(part)
        return out

    def table_ref(self, sheet: str, name: str):
        """(row1, col1, row2, col2) of the Excel Table ``name`` on ``sheet``, or None."""
        if self._tables is None:
            self._tables = {}
            for sname, _, _, part in self.sheets:
                if part is None or part not in self.pkg.names:
                    continue
                for typ, target in self.pkg.rels(part).values():
                    if typ != REL_TABLE or target not in self.pkg.names:
                        continue
                    t = self.pkg.xml(target)
                    try:
                        ref = parse_range(t.get("ref", ""))
                    except ValueError:
                        raise self.pkg.damaged(target, f'table ref "{t.get("ref")}"') from None
                    for key in {t.get("name"), t.get("displayName")} - {None}:
                        self._tables[(sname, key)] = ref
        return self._tables.get((sheet, name))

    def merged_ranges(self, sheet: str):
        """Merged areas from the sheet's <mergeCells> (after sheetData; found by a byte search)."""
        part = self.sheet_part(sheet)
        if part is None or part not in self.pkg.names:
            return []
        data = self.pkg.read(part)
        close = data.rfind(b"mergeCells")          # </mergeCells>
        if close < 0:
            return []
        start = max(data.rfind(b"mergeCells", 0, close), 0)   # <mergeCells count="…">
        out = []
        for ref in re.findall(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"', data[start:close]):
            try:
                out.append(parse_range(ref.decode("ascii")))
            except (ValueError, UnicodeDecodeError):
                continue
        return out

    def hidden_value(self, sheet: str, row: int, col: int):
        """What calamine shows as an empty cell but is not: ``("error", "#DIV/0!")`` for an
        error value, ``("formula", "=A1*2")`` for a formula without a saved value, else None.
        The sheet's XML is scanned once, and only when a needed cell reads as blank."""
        if sheet not in self._formulas:
            found = {}
            part = self.sheet_part(sheet)
            if part is not None and part in self.pkg.names:
                root = self.pkg.xml(part)
                data = root.find(_q("sheetData"))
                for c in (data.iter(_q("c")) if data is not None else ()):
                    f, v = c.find(_q("f")), c.find(_q("v"))
                    try:
                        key = parse_ref(c.get("r", ""))
                    except ValueError:
                        continue
                    if c.get("t") == "e" and v is not None and (v.text or "").strip():
                        found[key] = ("error", v.text.strip())
                    elif f is not None and (v is None or not (v.text or "").strip()) \
                            and c.find(_q("is")) is None \
                            and not (c.get("t") == "str" and v is not None):  # ="" is blank
                        found[key] = ("formula", "=" + (f.text or "").strip())
            self._formulas[sheet] = found
        return self._formulas[sheet].get((row, col))

    # ---------------------------------------------------------------- writing (buffered)

    def write(self, sheet, row, col, values, formats=None):
        from .cells import cell_value
        if sheet not in self.sheet_names():
            self.sheets.append((sheet, None, None, None))
        elif self.sheet_part(sheet) is None and any(n == sheet and rid for n, _, rid, _ in self.sheets):
            raise InputError(f'{self.display}: sheet "{sheet}" is not a worksheet (a chart sheet or '
                             f"macro sheet?); rename it so that jjj-xl can write its results")
        self._dirty(sheet)
        cells = self._model(sheet)
        plain = (str, int)
        for i, r in enumerate(values):
            fmts = formats if formats and i > 0 else ()
            base = (row + i) * _KEY + col
            for j, v in enumerate(r):
                t = type(v)
                if t is float:
                    v = None if v != v else v
                elif t not in plain:
                    v = cell_value(v)
                fmt = fmts[j] if j < len(fmts) else None
                if v is None:
                    cells.pop(base + j, None)
                else:
                    cells[base + j] = (v, fmt)

    def clear(self, sheet):
        if sheet not in self.sheet_names():
            return
        self._dirty(sheet)
        self._cleared.add(sheet)
        self._edits[sheet] = {}

    def fit_columns(self, sheet, col, values):
        widths = self._widths.setdefault(sheet, {})
        for j in range(max((len(r) for r in values), default=0)):
            texts = [r[j] for r in values[:300] if j < len(r) and r[j] is not None]
            width = max((len(f"{v:.4f}") if isinstance(v, float) else len(str(v)) for v in texts),
                        default=8)
            widths[col + j] = max(widths.get(col + j, 0), min(width + 2, 48))

    def _dirty(self, sheet):
        self._block_cache_drop(sheet)

    @property
    def written_sheets(self) -> list[str]:
        return [s for s in self.sheet_names() if s in self._edits]

    # ---------------------------------------------------------------- saving

    def save(self, path=None, *, template: str | None = None):
        """Write the package to ``path`` (default: the file read), replacing only owned parts.

        ``template``: the jjj-xl template name, to trim the charts of its Charts sheet.
        """
        from .cells import atomic_write
        target = Path(path) if path is not None else self.path
        self.release_reads()
        parts, removed, added = self._render(template)

        def write(fh):
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zout:
                for info in self.pkg.infos:
                    if info.filename in removed:
                        continue
                    data = parts.get(info.filename)
                    if data is None:
                        self.pkg.copy_raw(info, zout)
                    else:
                        _write_part(zout, _clone_info(info), data)
                for name in added:
                    _write_part(zout, _new_info(name), parts[name])

        return atomic_write(target, write, display=str(path) if path is not None else self.display)

    def _render(self, template):
        parts: dict[str, bytes] = {}
        removed: set[str] = set()
        added: list[str] = []
        styles = _Styles(self.pkg.read(self.styles_part).decode("utf-8")) \
            if self.styles_part else None
        new_sheets = []
        print_areas: dict[str, tuple] = {}
        for sheet in self.written_sheets:
            part = self.sheet_part(sheet)
            if part is None:
                part = self._new_sheet_part()
                new_sheets.append((sheet, part))
                added.append(part)
                original = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                            f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><sheetData/>'
                            f'</worksheet>')
            else:
                original = self.pkg.read(part).decode("utf-8")
            parts[part] = _render_sheet(self, sheet, part, original, styles, print_areas)
        if styles is not None and styles.changed:
            parts[self.styles_part] = styles.text.encode("utf-8")
        wb_text = self.pkg.read(self.wb_part).decode("utf-8")
        wb_rels_name = Package.rels_name(self.wb_part)
        wb_rels = self.pkg.read(wb_rels_name).decode("utf-8")
        ct = self.pkg.read("[Content_Types].xml").decode("utf-8")
        new_wb = wb_text
        if new_sheets:
            new_wb, wb_rels, ct = self._add_sheets(new_sheets, new_wb, wb_rels, ct)
        if self.written_sheets:
            new_wb = _full_calc_on_load(new_wb)
            new_wb = self._print_areas(new_wb, print_areas)
            wb_rels, ct = self._drop_calc_chain(wb_rels, ct, removed)
        if new_wb != wb_text:
            parts[self.wb_part] = new_wb.encode("utf-8")
        if wb_rels != self.pkg.read(wb_rels_name).decode("utf-8"):
            parts[wb_rels_name] = wb_rels.encode("utf-8")
        if ct != self.pkg.read("[Content_Types].xml").decode("utf-8"):
            parts["[Content_Types].xml"] = ct.encode("utf-8")
        if template is not None:
            parts.update(self._charts(template))
            parts.update(self._stale_chart_helpers(parts))
        return parts, removed, added

    def _refit_print(self, sheet: str, text: str, areas: dict) -> str:
        """Hand-over printing follows the results (issue 11): scale, orientation, column
        breaks and print area of a rewritten sheet planned from its cells and its charts'
        anchors (:mod:`.printing`)."""
        from .printing import drawing_anchors, refit_xml, widths_xml
        anchors = []
        part = self.sheet_part(sheet)
        if part is not None and part in self.pkg.names:
            for typ, target in self.pkg.rels(part).values():
                if typ == REL_DRAWING and target in self.pkg.names:
                    anchors += drawing_anchors(self.pkg.read(target).decode("utf-8", "replace"))
        cells = {divmod(k, _KEY): v for k, (v, _) in self._model(sheet).items()}
        text, area = refit_xml(text, cells, widths_xml(text), anchors)
        if area is not None:
            areas[sheet] = area
        return text

    def _print_areas(self, wb_text: str, areas: dict) -> str:
        from .printing import print_area_xml
        names = [s[0] for s in self.sheets]
        for sheet, area in areas.items():
            if sheet in names:
                wb_text = print_area_xml(wb_text, names.index(sheet), sheet, area)
        return wb_text

    def _stale_chart_helpers(self, parts) -> dict[str, bytes]:
        """The Charts sheet's helper formulas (jjj-xl's own) lose their saved results, so every
        program computes them on open: Excel honours ``fullCalcOnLoad``, but LibreOffice keeps
        the saved results of a file it saved itself unless a formula has none."""
        from .templates import CHARTS_SHEET
        part = self.sheet_part(CHARTS_SHEET)
        if not self.written_sheets or part is None or part in parts or part not in self.pkg.names:
            return {}
        text = self.pkg.read(part).decode("utf-8")
        new = _CACHED_FORMULA.sub(_drop_cached_value, text)
        return {part: new.encode("utf-8")} if new != text else {}

    def _new_sheet_part(self) -> str:
        k = 1
        taken = self.pkg.names
        while f"xl/worksheets/sheet{k}.xml" in taken or \
                any(p == f"xl/worksheets/sheet{k}.xml" for *_, p in self.sheets):
            k += 1
        return f"xl/worksheets/sheet{k}.xml"

    def _add_sheets(self, new_sheets, wb_text, wb_rels, ct):
        ids = [int(s[1]) for s in self.sheets if s[1] and str(s[1]).isdigit()]
        rids = set(re.findall(r'Id="([^"]+)"', wb_rels))
        for sheet, part in new_sheets:
            sheet_id = max(ids, default=0) + 1
            ids.append(sheet_id)
            k = 1
            while f"rIdjjj{k}" in rids:
                k += 1
            rid = f"rIdjjj{k}"
            rids.add(rid)
            target = posixpath.relpath(part, posixpath.dirname(self.wb_part))
            wb_rels = _insert_before_close(
                wb_rels, "Relationships",
                f'<Relationship Id="{rid}" Type="{REL_WORKSHEET}" Target="{target}"/>')
            m = re.search(r"<(\w+:)?sheets\b", wb_text)
            prefix = m.group(1) or "" if m else ""
            el = (f'<{prefix}sheet xmlns:r="{NS_REL}" name="{escape(sheet, {chr(34): "&quot;"})}" '
                  f'sheetId="{sheet_id}" r:id="{rid}"/>')
            wb_text = _insert_before_close(wb_text, f"{prefix}sheets", el)
            ct = _insert_before_close(
                ct, "Types", f'<Override PartName="/{part}" ContentType="{CT_WORKSHEET}"/>')
            i = next(i for i, s in enumerate(self.sheets) if s[0] == sheet)
            self.sheets[i] = (sheet, str(sheet_id), rid, part)
        return wb_text, wb_rels, ct

    def _drop_calc_chain(self, wb_rels, ct, removed):
        """Drop calcChain.xml when it lists a cell of a rewritten sheet (Excel rebuilds it;
        a chain entry pointing at a value cell makes Excel repair the file)."""
        chain = next((t for typ, t in self.wb_rels.values() if typ == REL_CALC_CHAIN), None)
        if chain is None or chain not in self.pkg.names:
            return wb_rels, ct
        ids = {s[1] for s in self.sheets if s[0] in self._edits and s[1]}
        text = self.pkg.read(chain).decode("utf-8", "replace")
        current, hit = None, False
        for m in re.finditer(r"<(?:\w+:)?c\b([^>]*)/?>", text):
            i = re.search(r'\bi="(\d+)"', m.group(1))
            if i:
                current = i.group(1)
            if current in ids:
                hit = True
                break
        if not hit:
            return wb_rels, ct
        removed.add(chain)
        wb_rels = re.sub(r"<Relationship\b[^>]*calcChain[^>]*/>", "", wb_rels)
        ct = re.sub(r'<Override\b[^>]*PartName="/' + re.escape(chain) + r'"[^>]*/>', "", ct)
        return wb_rels, ct

    def _charts(self, template: str) -> dict[str, bytes]:
        """Chart parts of the template's Charts sheet, trimmed to the results written."""
        from .templates import CHARTS_SHEET, chart_parts, chart_sizes
        part = self.sheet_part(CHARTS_SHEET)
        if part is None or part not in self.pkg.names or template not in layout.TEMPLATES:
            return {}
        drawing = next((t for typ, t in self.pkg.rels(part).values() if typ == REL_DRAWING), None)
        if drawing is None or drawing not in self.pkg.names:
            return {}
        rels = self.pkg.rels(drawing)
        order = re.findall(rb'\bid="([^"]+)"', b"".join(
            re.findall(rb"<(?:\w+:)?chart\b[^>]*>", self.pkg.read(drawing))))
        charts = [rels[r.decode()][1] for r in order
                  if r.decode() in rels and rels[r.decode()][0] == REL_CHART]
        full = chart_parts(template, {})
        if len(charts) != len(full) or any(c not in self.pkg.names for c in charts):
            return {}   # the user changed the Charts sheet: leave their charts alone
        pattern = re.compile(rb"<(?:\w+:)?f>([^<]*)</(?:\w+:)?f>")

        def refs(xml):
            return {r.replace(b"'", b"").replace(b"$", b"") for r in pattern.findall(xml)}
        for name, ours in zip(charts, full):
            theirs = refs(self.pkg.read(name))
            if not theirs or not all(_ref_within(r, refs(ours)) for r in theirs):
                return {}
        from .actions import book_lang
        trimmed = chart_parts(template, chart_sizes(self, template), book_lang(self))
        return {name: xml for name, xml in zip(charts, trimmed)
                if xml != self.pkg.read(name)}


_SPAN = re.compile(rb"(.+)!([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?")


def _ref_within(ref: bytes, full: set) -> bool:
    """``ref`` (quotes and $ removed) is one of the full-size chart's references, or one of its
    ranges cut short at the bottom: a chart jjj-xl trimmed before (``new --sample``, an earlier
    ``run``) is still jjj-xl's, so the next run trims it to the new results again."""
    if ref in full:
        return True
    m = _SPAN.fullmatch(ref)
    if m is None:
        return False
    sheet, c1, r1, c2, r2 = m.group(1), m.group(2), m.group(3), m.group(4) or m.group(2), \
        m.group(5) or m.group(3)
    for f in full:
        o = _SPAN.fullmatch(f)
        if o is not None and o.group(4) is not None \
                and (o.group(1), o.group(2), o.group(3), o.group(4)) == (sheet, c1, r1, c2) \
                and int(r1) <= int(r2) <= int(o.group(5)):
            return True
    return False


_CACHED_FORMULA = re.compile(
    r"<((?:\w+:)?c)\b([^>]*)>(<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)"
    r"<((?:\w+:)?v)>[^<]*</\4></\1>")


def _drop_cached_value(m) -> str:
    attrs = re.sub(r'\s+t="[^"]*"', "", m.group(2))
    return f"<{m.group(1)}{attrs}>{m.group(3)}</{m.group(1)}>"


def check_package(path, display: str | None = None, *, deep: bool = False) -> None:
    """Refuse, in one line naming the file and part, a workbook package jjj-xl cannot read:
    not a zip, encrypted, legacy .xls, damaged zip entries (CRC), missing or malformed
    [Content_Types].xml, relationships, workbook or styles part; with ``deep`` every XML part
    is parsed (with defusedxml: DTDs and entities are refused)."""
    book = PackageBook(path, display)
    pkg = book.pkg
    for info in pkg.infos:
        name = info.filename
        if name.endswith("/"):
            continue
        pkg.read(name)   # CRC and decompression errors name the part
        if deep and name.endswith((".xml", ".rels")):
            pkg.xml(name)
        pkg._cache.pop(name, None)
    for _, _, _, part in book.sheets:
        if part is not None and part not in pkg.names:
            raise pkg.damaged(part, "missing")


# ---------------------------------------------------------------- helpers

def _trim_heap() -> None:
    """Return freed heap pages to the system (glibc ``malloc_trim``; nothing elsewhere), so
    that memory freed after reading a big sheet does not stay in the process's peak."""
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        _MALLOC_TRIM = False
        try:
            import ctypes
            import ctypes.util
            name = ctypes.util.find_library("c")
            if name and sys.platform.startswith("linux"):
                _MALLOC_TRIM = ctypes.CDLL(name).malloc_trim
        except (OSError, AttributeError):
            pass
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM = None
_KEY = 1 << 15    # cell key r·_KEY + c (c ≤ 16,384 columns)


def _short(exc) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _value(v):
    """Calamine value -> what the actions expect ('' is an empty cell; whole floats are ints)."""
    if v == "" and isinstance(v, str):
        return None
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
        return int(v)
    return v


def _clone_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    out.compress_type = info.compress_type if info.compress_type in (zipfile.ZIP_STORED,
                                                                     zipfile.ZIP_DEFLATED) \
        else zipfile.ZIP_DEFLATED
    out.external_attr = info.external_attr
    out.create_system = info.create_system
    return out


def _write_raw(zout: zipfile.ZipFile, zi: zipfile.ZipInfo, raw: bytes) -> None:
    """Append an entry whose compressed bytes, CRC and sizes are already in ``zi`` / ``raw``."""
    fp = zout.fp
    fp.seek(zout.start_dir)
    zi.header_offset = fp.tell()
    fp.write(zi.FileHeader(zip64=None))
    fp.write(raw)
    zout.start_dir = fp.tell()
    zout.filelist.append(zi)
    zout.NameToInfo[zi.filename] = zi
    zout._didModify = True


class _Deflated:
    """A part deflated as it is produced (chunk by chunk), so a big output sheet is never held
    uncompressed in memory; written into the zip as it is (:func:`_write_raw`)."""

    def __init__(self, level: int = -1):
        import zlib
        self._z = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._crc32 = zlib.crc32
        self.pieces: list[bytes] = []
        self.crc = 0
        self.size = 0

    def feed(self, data: bytes) -> None:
        self.crc = self._crc32(data, self.crc)
        self.size += len(data)
        out = self._z.compress(data)
        if out:
            self.pieces.append(out)

    def close(self) -> "_Deflated":
        self.pieces.append(self._z.flush())
        self.raw = b"".join(self.pieces)
        self.pieces = []
        return self

    def write_to(self, zout: zipfile.ZipFile, zi: zipfile.ZipInfo) -> None:
        import zlib
        if zi.compress_type != zipfile.ZIP_DEFLATED:
            zout.writestr(zi, zlib.decompress(self.raw, -15))
            return
        zi.CRC, zi.compress_size, zi.file_size = self.crc, len(self.raw), self.size
        zi.flag_bits &= ~0x08
        _write_raw(zout, zi, self.raw)


def _write_part(zout: zipfile.ZipFile, zi: zipfile.ZipInfo, data) -> None:
    if isinstance(data, _Deflated):
        data.write_to(zout, zi)
    else:
        zout.writestr(zi, data)


def _new_info(name: str) -> zipfile.ZipInfo:
    out = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    out.compress_type = zipfile.ZIP_DEFLATED
    return out


def _insert_before_close(text: str, tag: str, element: str) -> str:
    close = f"</{tag}>"
    k = text.rfind(close)
    if k >= 0:
        return text[:k] + element + text[k:]
    m = re.search(rf"<{re.escape(tag)}\b([^>]*)/>", text)
    if m is None:
        raise InputError(f"cannot find <{tag}> to extend")
    return text[:m.start()] + f"<{tag}{m.group(1)}>{element}</{tag}>" + text[m.end():]


def _prefix_for(text: str, ns: str) -> str | None:
    m = re.search(r'xmlns:(\w+)="' + re.escape(ns) + '"', text)
    return m.group(1) if m else None


def _full_calc_on_load(wb_text: str) -> str:
    """Ask Excel/LibreOffice to recalculate formulas that read the results on open."""
    m = re.search(r"<(\w+:)?calcPr\b([^>]*?)(/?)>", wb_text)
    if m is None:
        prefix = (re.search(r"<(\w+:)?workbook\b", wb_text).group(1) or "") \
            if re.search(r"<(\w+:)?workbook\b", wb_text) else ""
        el = f'<{prefix}calcPr fullCalcOnLoad="1"/>'
        # calcPr follows definedNames/sheets and precedes oleSize, customWorkbookViews, ...
        for after in ("definedNames", "externalReferences", "sheets"):
            k = wb_text.find(f"</{prefix}{after}>")
            if k >= 0:
                k += len(f"</{prefix}{after}>")
                return wb_text[:k] + el + wb_text[k:]
        return wb_text
    attrs = m.group(2)
    if re.search(r'\bfullCalcOnLoad="(1|true)"', attrs):
        return wb_text
    attrs = re.sub(r'\s*\bfullCalcOnLoad="[^"]*"', "", attrs) + ' fullCalcOnLoad="1"'
    return wb_text[:m.start()] + f"<{m.group(1) or ''}calcPr{attrs}{m.group(3)}>" + wb_text[m.end():]


class _Styles:
    """styles.xml as text; number-format styles are appended, never renumbered."""

    def __init__(self, text: str):
        self.text = text
        self.changed = False
        m = re.search(r"<(\w+:)?styleSheet\b", text)
        self.p = (m.group(1) or "") if m else ""
        self._xfs = None
        self._memo = {}

    def _cell_xfs(self) -> list[str]:
        if self._xfs is None:
            p = re.escape(self.p)
            m = re.search(rf"<{p}cellXfs\b[^>]*>(.*?)</{p}cellXfs>", self.text, re.S)
            body = m.group(1) if m else ""
            self._xfs = re.findall(rf"<{p}xf\b[^>]*/>|<{p}xf\b[^>]*[^/]>.*?</{p}xf>", body, re.S)
        return self._xfs

    def _num_fmt_id(self, code: str) -> int:
        p = re.escape(self.p)
        for m in re.finditer(rf"<{p}numFmt\b([^>]*)/?>", self.text):
            a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
            if _unescape(a.get("formatCode", "")) == code:
                return int(a["numFmtId"])
        ids = [int(i) for i in re.findall(r'numFmtId="(\d+)"', self.text)]
        new = max([163] + ids) + 1
        el = f'<{self.p}numFmt numFmtId="{new}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
        if re.search(rf"<{p}numFmts\b", self.text):
            self.text = _insert_before_close(self.text, f"{self.p}numFmts", el)
            self.text = _bump_count(self.text, f"{self.p}numFmts")
        else:
            m = re.search(rf"<{p}styleSheet\b[^>]*>", self.text)
            self.text = self.text[:m.end()] + f'<{self.p}numFmts count="1">{el}</{self.p}numFmts>' \
                + self.text[m.end():]
        self._xfs = None
        self.changed = True
        return new

    def with_format(self, base: int, code: str) -> int:
        """Index of a cellXfs entry like ``base`` with number format ``code``."""
        key = (base, code)
        if key in self._memo:
            return self._memo[key]
        xfs = self._cell_xfs()
        if not xfs:
            return base
        fid = self._num_fmt_id(code)
        xfs = self._cell_xfs()
        src = xfs[base] if 0 <= base < len(xfs) else xfs[0]
        head = re.match(r"<[^>]*?(/?)>", src, re.S)
        attrs = re.sub(r'\s*\b(numFmtId|applyNumberFormat)="[^"]*"', "",
                       head.group(0)[len(f"<{self.p}xf"):-len(head.group(1) + ">")])
        attrs = "".join(f' {k}="{v}"' for k, v in re.findall(r'([\w:]+)="([^"]*)"', attrs))
        new_head = f'<{self.p}xf numFmtId="{fid}"{attrs} applyNumberFormat="1"{head.group(1)}>'
        new = new_head + src[head.end():]
        norm = [_norm_xf(x) for x in xfs]
        if _norm_xf(new) in norm:
            idx = norm.index(_norm_xf(new))
        else:
            self.text = _insert_before_close(self.text, f"{self.p}cellXfs", new)
            self.text = _bump_count(self.text, f"{self.p}cellXfs")
            self._xfs = None
            idx = len(xfs)
            self.changed = True
        self._memo[key] = idx
        return idx


def _norm_xf(xf: str) -> tuple:
    """An xf entry compared by meaning: attributes as a set, children as written."""
    head = re.match(r"<[^>]*?/?>", xf, re.S)
    return (frozenset(re.findall(r'([\w:]+)="([^"]*)"', head.group(0))),
            re.sub(r"\s+/>", "/>", xf[head.end():]))


def _unescape(s: str) -> str:
    from xml.sax.saxutils import unescape
    return unescape(s, {"&quot;": '"', "&apos;": "'"})


def _bump_count(text: str, tag: str) -> str:
    p = tag.rsplit(":", 1)[0] + ":" if ":" in tag else ""
    local = tag.rsplit(":", 1)[-1]
    m = re.search(rf"<{re.escape(tag)}\b[^>]*>(.*?)</{re.escape(tag)}>", text, re.S)
    if not m:
        return text
    child = {"numFmts": "numFmt", "cellXfs": "xf"}[local]
    n = len(re.findall(rf"<{re.escape(p)}{child}\b", m.group(1)))
    head_end = text.index(">", m.start())
    head = text[m.start():head_end]
    if 'count="' in head:
        head = re.sub(r'count="\d+"', f'count="{n}"', head)
    else:
        head += f' count="{n}"'
    return text[:m.start()] + head + text[head_end:]


def _render_sheet(book: PackageBook, sheet: str, part: str, original: str, styles,
                  print_areas: dict | None = None) -> "_Deflated":
    """The worksheet XML (UTF-8, deflated) of a written output sheet: the original with a new
    sheetData; its page setup re-planned for the results (``print_areas`` collects the new
    print area, :meth:`PackageBook._refit_print`)."""
    m = re.search(r"<(\w+:)?worksheet\b", original)
    p = (m.group(1) or "") if m else ""
    pe = re.escape(p)
    sd = re.search(rf"<{pe}sheetData\b[^>]*/>|<{pe}sheetData\b[^>]*>.*?</{pe}sheetData>", original, re.S)
    if sd is None:
        raise book.pkg.damaged(part, "no <sheetData>")
    # styles and row attributes of the original cells stay (formatting is the user's)
    cell_style: dict[tuple[int, int], int] = {}
    row_attrs: dict[int, str] = {}
    for rm in re.finditer(rf"<{pe}row\b([^>]*?)(/>|>(.*?)</{pe}row>)", sd.group(0), re.S):
        attrs = rm.group(1)
        r = re.search(r'\br="(\d+)"', attrs)
        if r is None:
            continue
        rn = int(r.group(1))
        kept = re.sub(r'\s*\b(r|spans|x14ac:dyDescent)="[^"]*"', "", attrs)
        if kept.strip():
            row_attrs[rn] = kept
        for cm in re.finditer(rf"<{pe}c\b([^>]*?)/?>", rm.group(3) or ""):
            ref = re.search(r'\br="([A-Z]+\d+)"', cm.group(1))
            s = re.search(r'\bs="(\d+)"', cm.group(1))
            if ref and s and s.group(1) != "0":
                cell_style[parse_ref(ref.group(1))] = int(s.group(1))
    cells = book._model(sheet)
    mark = f"<{p}sheetData/>"
    text = original[:sd.start()] + mark + original[sd.end():]
    # dimension
    if cells or cell_style:
        keys = [divmod(k, _KEY) for k in cells] + list(cell_style)
        r1, c1 = min(k[0] for k in keys), min(k[1] for k in keys)
        r2, c2 = max(k[0] for k in keys), max(k[1] for k in keys)
        del keys
        ref = f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}"
    else:
        ref = "A1"
    text = re.sub(rf'(<{pe}dimension\b[^>]*\bref=")[^"]*(")', rf"\g<1>{ref}\g<2>", text, count=1)
    widths = book._widths.get(sheet)
    if widths:
        text = _set_cols(text, p, widths)
    if print_areas is not None:
        text = book._refit_print(sheet, text, print_areas)
    head, _, tail = text.partition(mark)
    # the new sheetData is built row by row and deflated chunk by chunk: no XML string per
    # cell kept for the whole sheet, no uncompressed copy of the part (the memory peak of
    # saving a big sheet)
    row_cols: dict[int, list[int]] = {}
    for k in cells:
        r, c = divmod(k, _KEY)
        row_cols.setdefault(r, []).append(c)
    for (r, c) in cell_style:
        if r * _KEY + c not in cells:
            row_cols.setdefault(r, []).append(c)
    for r in row_attrs:
        row_cols.setdefault(r, [])
    fmt_style = {}
    st_attr = {0: ""}           # style index -> ' s="N"'
    sink = _Deflated(level=1)   # a results sheet: fast deflate (the file is ~20% larger)
    sink.feed(head.encode("utf-8"))
    out = [f"<{p}sheetData>"]
    append = out.append
    for r in sorted(row_cols):
        append(f'<{p}row r="{r}"{row_attrs.get(r, "")}>')
        base = r * _KEY
        for c in sorted(row_cols[r]):
            hit = cells.get(base + c)
            s = cell_style.get((r, c), 0) if cell_style else 0
            if hit is None:
                append(f'<{p}c r="{_letter(c)}{r}" s="{s}"/>')
                continue
            v, fmt = hit
            t = type(v)
            if fmt and styles is not None and (t is float or t is int):
                key = (s, fmt)
                if key not in fmt_style:
                    fmt_style[key] = styles.with_format(s, fmt)
                s = fmt_style[key]
            if t is float and v - v == 0:     # finite float, the bulk: as _cell_xml writes it
                st = st_attr.get(s)
                if st is None:
                    st = st_attr[s] = f' s="{s}"'
                append(f'<{p}c r="{_LETTERS.get(c) or _letter(c)}{r}"{st}><{p}v>{v!r}</{p}v></{p}c>')
            else:
                append(_cell_xml(p, r, c, v, s))
        append(f"</{p}row>")
        if len(out) > 20000:
            sink.feed("".join(out).encode("utf-8"))
            out.clear()      # (append is bound to this list)
    out.append(f"</{p}sheetData>")
    out.append(tail)
    sink.feed("".join(out).encode("utf-8"))
    return sink.close()


_LETTERS: dict[int, str] = {}


def _letter(c: int) -> str:
    if c not in _LETTERS:
        _LETTERS[c] = column_letter(c - 1)
    return _LETTERS[c]


def _cell_xml(p: str, r: int, c: int, v, s: int) -> str:
    ref = f"{_letter(c)}{r}"
    st = f' s="{s}"' if s else ""
    t = type(v)
    if t is float and v - v == 0:      # finite float: the common case first
        return f'<{p}c r="{ref}"{st}><{p}v>{v!r}</{p}v></{p}c>'
    if t is int:
        return f'<{p}c r="{ref}"{st}><{p}v>{v}</{p}v></{p}c>'
    if isinstance(v, bool):
        return f'<{p}c r="{ref}"{st} t="b"><{p}v>{int(v)}</{p}v></{p}c>'
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            return f'<{p}c r="{ref}"{st} t="e"><{p}v>#NUM!</{p}v></{p}c>'
        return f'<{p}c r="{ref}"{st}><{p}v>{repr(float(v)) if isinstance(v, float) else v}</{p}v></{p}c>'
    if hasattr(v, "isoformat"):
        v = v.isoformat()
    text = _ILLEGAL_XML.sub("", str(v))[:32767]
    return (f'<{p}c r="{ref}"{st} t="inlineStr"><{p}is><{p}t xml:space="preserve">{escape(text)}'
            f"</{p}t></{p}is></{p}c>")


def _set_cols(text: str, p: str, widths: dict[int, float]) -> str:
    """Widen columns (never narrow) in the sheet's <cols>."""
    pe = re.escape(p)
    m = re.search(rf"<{pe}cols\b[^>]*>(.*?)</{pe}cols>", text, re.S)
    ranges = []
    if m:
        for cm in re.finditer(rf"<{pe}col\b([^>]*?)/?>", m.group(1)):
            a = dict(re.findall(r'([\w:]+)="([^"]*)"', cm.group(1)))
            try:
                ranges.append([int(a["min"]), int(a["max"]), a])
            except (KeyError, ValueError):
                continue
    for col, w in sorted(widths.items()):
        hit = next((rg for rg in ranges if rg[0] <= col <= rg[1]), None)
        if hit is None:
            ranges.append([col, col, {"min": str(col), "max": str(col), "width": f"{w:g}",
                                      "customWidth": "1"}])
            continue
        try:
            cur = float(hit[2].get("width", "0"))
        except ValueError:
            cur = 0.0
        if cur >= w:
            continue
        lo, hi, a = hit
        ranges.remove(hit)
        for a_, b_ in ((lo, col - 1), (col + 1, hi)):
            if a_ <= b_:
                ranges.append([a_, b_, {**a, "min": str(a_), "max": str(b_)}])
        ranges.append([col, col, {**a, "min": str(col), "max": str(col), "width": f"{w:g}",
                                  "customWidth": "1"}])
    ranges.sort(key=lambda x: x[0])
    body = "".join(f"<{p}col " + " ".join(f'{k}="{v}"' for k, v in a.items()) + "/>"
                   for _, _, a in ranges)
    new = f"<{p}cols>{body}</{p}cols>"
    if m:
        return text[:m.start()] + new + text[m.end():]
    k = re.search(rf"<{pe}sheetData\b", text).start()
    return text[:k] + new + text[k:]
