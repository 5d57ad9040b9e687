"""Assemble a share workbook into a copy of the user's package (issue 7 item 1: nothing lost).

:func:`jjj_xl.workbook.share.share_book` builds the share workbook with openpyxl, which does
not model every part of a package (threaded comments and persons, custom XML, x14 data
validations and data bars, cached formula values, ...). :func:`assemble` therefore takes
from that openpyxl rendering only the parts jjj-xl owns and puts them into a copy of the
ORIGINAL package, whose other zip entries are copied byte for byte (compressed bytes, same
order):

* **transplanted sheets** (``owned``): the output sheets, the Guide, the Charts sheet and the
  new helper sheets ``h_*`` are taken whole from the openpyxl rendering, with their
  drawings / charts / comments / tables (renamed where a name is taken). Their shared
  strings become inline strings (the user's ``sharedStrings.xml`` is not touched), their
  cell styles and conditional-format styles are *appended* to the user's ``styles.xml``
  (existing style indices never move).
* **guarded input sheets** (``guards``: Data and Indicators, or U, and Settings) are edited
  by XML surgery, nothing else in them changes: the ``s`` attribute of the editable input
  cells (a style appended: the cell's own style, unlocked, yellow fill), ``<dataValidation>``
  elements appended to ``<dataValidations>`` (created if absent; x14 validations in
  ``extLst`` stay), ``<sheetProtection>`` added when the sheet has none, a removed
  ``spans`` hint on the rows touched, and the few cells jjj-xl writes there (the frozen-
  settings note on Settings).
* **removed sheets** (the add-in's Formulas sheet and ``xlwings.conf``) and the VBA project
  (a share workbook is ``.xlsx``: no macros) are dropped with every part only they reached;
  ``calcChain.xml`` is dropped (Excel rebuilds it).
* ``workbook.xml``: the ``<sheets>`` list (new order, helper sheets at the end),
  ``localSheetId`` of defined names, ``activeTab``, ``calcPr fullCalcOnLoad``; the workbook
  relationships and ``[Content_Types].xml`` gain / lose the entries of added / removed parts.

Every other part — other sheets, tables, threaded comments, persons, custom XML, theme,
docProps, printer settings — is byte-identical to the original.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.sax.saxutils import escape

from .package import (CT_WORKSHEET, NS_REL, REL_WORKSHEET, Package, PackageBook, _Styles,
                      _bump_count, _clone_info, _full_calc_on_load, _insert_before_close, _new_info,
                      parse_ref)

CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

# CT_Worksheet child order (ECMA-376 Part 1, 18.3.1.99): what may follow each inserted element
_AFTER_PROTECTION = ("protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
                     "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
                     "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
                     "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
                     "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
                     "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                     "tableParts")
_AFTER_VALIDATIONS = _AFTER_PROTECTION[_AFTER_PROTECTION.index("hyperlinks"):]


class _Rendered:
    """The openpyxl rendering of the share workbook (a package in memory)."""

    def __init__(self, data: bytes):
        self.pkg = Package.__new__(Package)
        pkg = self.pkg
        pkg.path, pkg.display, pkg.data = None, "share workbook", data
        pkg.zf = zipfile.ZipFile(io.BytesIO(data))
        pkg.infos = pkg.zf.infolist()
        pkg.names = {i.filename for i in pkg.infos}
        pkg._cache = {}
        self.wb_part = next(t for typ, t in pkg.rels("").values() if typ.endswith("/officeDocument"))
        wb_rels = pkg.rels(self.wb_part)
        wb = pkg.read(self.wb_part).decode("utf-8")
        self.sheets = []   # (name, attrs text, part)
        for m in re.finditer(r"<sheet\b([^>]*?)/>", wb):
            attrs = m.group(1)
            name = _unescape(re.search(r'\bname="([^"]*)"', attrs).group(1))
            rid = re.search(r'\br:id="([^"]*)"', attrs).group(1)
            self.sheets.append((name, attrs, wb_rels[rid][1]))
        self.content_types = pkg.read("[Content_Types].xml").decode("utf-8")
        ss = next((t for typ, t in wb_rels.values() if typ.endswith("/sharedStrings")), None)
        self.strings = []
        if ss is not None and ss in pkg.names:
            text = pkg.read(ss).decode("utf-8")
            self.strings = [m.group(1) or "" for m in re.finditer(r"<si>(.*?)</si>|<si/>", text, re.S)]
        st = next(t for typ, t in wb_rels.values() if typ.endswith("/styles"))
        self.styles = pkg.read(st).decode("utf-8")

    def part(self, sheet: str) -> str:
        return next(p for n, _, p in self.sheets if n == sheet)

    def sheet_xml(self, sheet: str) -> str:
        return self.pkg.read(self.part(sheet)).decode("utf-8")

    def content_type(self, part: str) -> str | None:
        m = re.search(r'<Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*ContentType="([^"]*)"',
                      self.content_types)
        return m.group(1) if m else None


def _unescape(s: str) -> str:
    from xml.sax.saxutils import unescape
    return unescape(s, {"&quot;": '"', "&apos;": "'"})


def _elements(text: str, tag: str) -> list[str]:
    """The ``tag`` children (self-closing or not) inside the first ``<tag>s`` container."""
    m = re.search(rf"<{tag}s\b[^>]*?(?:/>|>(.*?)</{tag}s>)", text, re.S)
    if not m or not m.group(1):
        return []
    return re.findall(rf"<{tag}\b[^>]*?/>|<{tag}\b(?:[^>]*[^/])?>.*?</{tag}>", m.group(1), re.S)


def _canon(fragment: str, p: str) -> str:
    """An element compared by meaning: prefix dropped, attributes sorted, no whitespace."""
    text = re.sub(r">\s+<", "><", fragment.strip())
    if p:
        text = text.replace(f"<{p}", "<").replace(f"</{p}", "</")

    def attrs(m):
        items = sorted(re.findall(r'([\w:]+)="([^"]*)"', m.group(2)))
        return "<" + m.group(1) + "".join(f' {k}="{v}"' for k, v in items) + m.group(3) + ">"
    text = re.sub(r"<([\w:]+)((?:\s+[\w:]+=\"[^\"]*\")*)\s*(/?)>", attrs, text)
    return text


def _prefixed(fragment: str, p: str) -> str:
    """An unprefixed fragment (openpyxl writes the main namespace as default) in prefix ``p``."""
    if not p:
        return fragment
    return re.sub(r"<(/?)(\w+)(?=[\s/>])", rf"<\1{p}\2", fragment)


class StyleImporter:
    """Appends the rendering's cell / differential styles to the user's styles.xml."""

    def __init__(self, user_text: str, rendered_text: str):
        self.styles = _Styles(user_text)
        self.p = self.styles.p
        self.q = rendered_text
        self.q_fonts = _elements(rendered_text, "font")
        self.q_fills = _elements(rendered_text, "fill")
        self.q_borders = _elements(rendered_text, "border")
        m = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", rendered_text, re.S)
        self.q_xfs = re.findall(r"<xf\b[^>]*?/>|<xf\b(?:[^>]*[^/])?>.*?</xf>", m.group(1), re.S) if m else []
        self.q_dxfs = _elements(rendered_text, "dxf")
        self.q_numfmts = {int(a): _unescape(b) for a, b in
                          re.findall(r'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', rendered_text)}
        self._memo: dict = {}

    @property
    def changed(self) -> bool:
        return self.styles.changed

    @property
    def text(self) -> str:
        return self.styles.text

    def _list(self, tag: str) -> list[str]:
        p = re.escape(self.p)
        m = re.search(rf"<{p}{tag}s\b[^>]*?(?:/>|>(.*?)</{p}{tag}s>)", self.styles.text, re.S)
        if not m or not m.group(1):
            return []
        return re.findall(rf"<{p}{tag}\b[^>]*?/>|<{p}{tag}\b(?:[^>]*[^/])?>.*?</{p}{tag}>", m.group(1),
                          re.S)

    def _append(self, tag: str, fragment: str, before: tuple = ()) -> int:
        """Index of ``fragment`` (unprefixed) in the user's <tag>s list, appended if new."""
        key = (tag, _canon(fragment, ""))
        if key in self._memo:
            return self._memo[key]
        existing = self._list(tag)
        canon = [_canon(x, self.p) for x in existing]
        if key[1] in canon:
            idx = canon.index(key[1])
        else:
            p = self.p
            el = _prefixed(fragment, p)
            container = f"{p}{tag}s"
            if re.search(rf"<{re.escape(container)}\b", self.styles.text):
                self.styles.text = _insert_before_close(self.styles.text, container, el)
            else:   # e.g. no <dxfs>: create it before the first element that follows it
                new = f'<{container} count="0">{el}</{container}>'
                k = -1
                for nxt in before:
                    k = self.styles.text.find(f"<{p}{nxt}")
                    if k >= 0:
                        break
                if k < 0:
                    k = self.styles.text.rfind(f"</{p}styleSheet>")
                self.styles.text = self.styles.text[:k] + new + self.styles.text[k:]
            self.styles.text = _bump(self.styles.text, container, f"{p}{tag}")
            self.styles._xfs = None
            self.styles.changed = True
            idx = len(existing)
        self._memo[key] = idx
        return idx

    def _num_fmt(self, q_id: int) -> int:
        if q_id < 164 or q_id not in self.q_numfmts:
            return q_id
        return self.styles._num_fmt_id(self.q_numfmts[q_id])

    def xf(self, q_index: int) -> int:
        """The user's cellXfs index of the rendering's cellXfs entry ``q_index``."""
        key = ("xf", q_index)
        if key in self._memo:
            return self._memo[key]
        if not 0 <= q_index < len(self.q_xfs):
            return 0
        src = self.q_xfs[q_index]
        head = re.match(r"<xf\b([^>]*?)(/?)>", src, re.S)
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', head.group(1)))
        for k, lst, tag in (("fontId", self.q_fonts, "font"), ("fillId", self.q_fills, "fill"),
                            ("borderId", self.q_borders, "border")):
            i = int(attrs.get(k, 0))
            if 0 <= i < len(lst):
                attrs[k] = str(self._append(tag, lst[i]))
        attrs["numFmtId"] = str(self._num_fmt(int(attrs.get("numFmtId", 0))))
        attrs["xfId"] = "0"
        body = src[head.end():] if not head.group(2) else ""
        body = re.sub(r"</xf>\s*$", "", body)
        order = ["numFmtId", "fontId", "fillId", "borderId", "xfId"]
        text = "<xf" + "".join(f' {k}="{attrs[k]}"' for k in order if k in attrs) + \
            "".join(f' {k}="{v}"' for k, v in attrs.items() if k not in order)
        text += f">{body}</xf>" if body.strip() else "/>"
        idx = self._xf_index(text)
        self._memo[key] = idx
        return idx

    def _xf_index(self, fragment: str) -> int:
        xfs = self.styles._cell_xfs()
        canon = [_canon(x, self.p) for x in xfs]
        c = _canon(fragment, "")
        if c in canon:
            return canon.index(c)
        self.styles.text = _insert_before_close(self.styles.text, f"{self.p}cellXfs",
                                                _prefixed(fragment, self.p))
        self.styles.text = _bump_count(self.styles.text, f"{self.p}cellXfs")
        self.styles._xfs = None
        self.styles.changed = True
        return len(xfs)

    def dxf(self, q_index: int) -> int:
        if not 0 <= q_index < len(self.q_dxfs):
            return q_index
        return self._append("dxf", self.q_dxfs[q_index], before=("tableStyles", "colors", "extLst"))

    def unlocked(self, user_index: int, q_index: int) -> int:
        """The user's style ``user_index`` unlocked and with the fill of the rendering's
        style ``q_index`` (the yellow of editable input cells)."""
        key = ("unlocked", user_index, q_index)
        if key in self._memo:
            return self._memo[key]
        xfs = self.styles._cell_xfs()
        src = xfs[user_index] if 0 <= user_index < len(xfs) else xfs[0]
        src = _canon(src, self.p)    # unprefixed, attributes sorted
        q = self.q_xfs[q_index] if 0 <= q_index < len(self.q_xfs) else ""
        q_fill = re.search(r'\bfillId="(\d+)"', q)
        head = re.match(r"<xf\b([^>]*?)(/?)>", src, re.S)
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', head.group(1)))
        if q_fill and int(q_fill.group(1)) < len(self.q_fills):
            attrs["fillId"] = str(self._append("fill", self.q_fills[int(q_fill.group(1))]))
            attrs["applyFill"] = "1"
        attrs["applyProtection"] = "1"
        body = "" if head.group(2) else re.sub(r"</xf>$", "", src[head.end():])
        prot = re.search(r"<protection\b[^>]*?/>|<protection\b[^>]*>.*?</protection>", body, re.S)
        if prot:
            pattrs = dict(re.findall(r'([\w:]+)="([^"]*)"', prot.group(0)))
            pattrs["locked"] = "0"
            new = "<protection" + "".join(f' {k}="{v}"' for k, v in pattrs.items()) + "/>"
            body = body[:prot.start()] + new + body[prot.end():]
        else:
            al = re.search(r"<alignment\b[^>]*?/>|<alignment\b[^>]*>.*?</alignment>", body, re.S)
            k = al.end() if al else 0
            body = body[:k] + '<protection locked="0"/>' + body[k:]
        text = "<xf" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + f">{body}</xf>"
        idx = self._xf_index(text)
        self._memo[key] = idx
        return idx


def _bump(text: str, container: str, child: str) -> str:
    m = re.search(rf"<{re.escape(container)}\b[^>]*>(.*?)</{re.escape(container)}>", text, re.S)
    if not m:
        return text
    n = len(re.findall(rf"<{re.escape(child)}\b", m.group(1)))
    head_end = text.index(">", m.start())
    head = text[m.start():head_end]
    head = re.sub(r'count="\d+"', f'count="{n}"', head) if 'count="' in head else head + f' count="{n}"'
    return text[:m.start()] + head + text[head_end:]


# ---------------------------------------------------------------- sheet XML

def _cell_pattern(p: str):
    pe = re.escape(p)
    return re.compile(rf"<{pe}c\b([^>]*?)(?:/>|>(.*?)</{pe}c>)", re.S)


def convert_cells(xml: str, q: _Rendered, styles: StyleImporter) -> str:
    """A rendered sheet's XML with shared strings made inline and styles mapped to the user's."""
    strings = q.strings

    def cell(m):
        attrs, body = m.group(1), m.group(2)
        s = re.search(r'\bs="(\d+)"', attrs)
        if s:
            attrs = attrs[:s.start()] + f's="{styles.xf(int(s.group(1)))}"' + attrs[s.end():]
        if re.search(r'\bt="s"', attrs) and body is not None:
            v = re.search(r"<v>(\d+)</v>", body)
            if v and int(v.group(1)) < len(strings):
                attrs = re.sub(r'\bt="s"', 't="inlineStr"', attrs)
                return f"<c{attrs}><is>{strings[int(v.group(1))]}</is></c>"
        return f"<c{attrs}/>" if body is None else f"<c{attrs}>{body}</c>"
    sd = re.search(r"<sheetData\b.*?</sheetData>|<sheetData/>", xml, re.S)
    if sd is None:
        return xml
    data = _cell_pattern("").sub(cell, sd.group(0))
    data = re.sub(r'(<row\b[^>]*?\bs=")(\d+)(")',
                  lambda m: m.group(1) + str(styles.xf(int(m.group(2)))) + m.group(3), data)
    head = xml[:sd.start()]
    head = re.sub(r'(<col\b[^>]*?\bstyle=")(\d+)(")',
                  lambda m: m.group(1) + str(styles.xf(int(m.group(2)))) + m.group(3), head)
    tail = re.sub(r'(<cfRule\b[^>]*?\bdxfId=")(\d+)(")',
                  lambda m: m.group(1) + str(styles.dxf(int(m.group(2)))) + m.group(3),
                  xml[sd.end():])
    return head + data + tail


def rendered_cells(xml: str) -> dict[tuple[int, int], str]:
    """{(row, col): cell XML} of a rendered (unprefixed) sheet."""
    out = {}
    for m in _cell_pattern("").finditer(xml):
        ref = re.search(r'\br="([A-Z]+\d+)"', m.group(1))
        if ref:
            out[parse_ref(ref.group(1))] = m.group(0)
    return out


def edit_cells(xml: str, styles: dict, cells: dict, damaged) -> str:
    """Surgery on a user's sheet: ``styles`` {(r, c): new s}, ``cells`` {(r, c): cell XML
    (unprefixed)}; everything else in the sheet stays as written."""
    m = re.search(r"<(\w+:)?worksheet\b", xml)
    p = (m.group(1) or "") if m else ""
    pe = re.escape(p)
    sd = re.search(rf"<{pe}sheetData\b[^>]*/>|<{pe}sheetData\b[^>]*>.*?</{pe}sheetData>", xml, re.S)
    if sd is None:
        raise damaged("no <sheetData>")
    wanted: dict[int, dict[int, tuple]] = {}
    for (r, c), s in styles.items():
        wanted.setdefault(r, {})[c] = ("s", s)
    for (r, c), x in cells.items():
        wanted.setdefault(r, {})[c] = ("cell", _prefixed(x, p))
    if not wanted:
        return xml
    cpat = _cell_pattern(p)

    def new_cell(r, c, what):
        from .package import _letter
        if what[0] == "cell":
            return what[1]
        return f'<{p}c r="{_letter(c)}{r}" s="{what[1]}"/>'

    def edit_row(r, attrs, body, todo):
        out, pos, done = [], 0, set()
        for cm in cpat.finditer(body):
            ref = re.search(r'\br="([A-Z]+)(\d+)"', cm.group(1))
            if ref is None:
                raise damaged(f"a cell of row {r} has no reference")
            c = parse_ref(ref.group(1) + ref.group(2))[1]
            for c2 in sorted(todo):                 # missing cells before this one
                if c2 < c and c2 not in done:
                    out.append(body[pos:cm.start()])
                    pos = cm.start()
                    out.append(new_cell(r, c2, todo[c2]))
                    done.add(c2)
            out.append(body[pos:cm.start()])
            pos = cm.end()
            if c in todo:
                what = todo[c]
                done.add(c)
                if what[0] == "cell":
                    out.append(what[1])
                else:
                    a = cm.group(1)
                    s = re.search(r'\bs="\d+"', a)
                    a = a[:s.start()] + f's="{what[1]}"' + a[s.end():] if s else a + f' s="{what[1]}"'
                    out.append(f"<{p}c{a}/>" if cm.group(2) is None else f"<{p}c{a}>{cm.group(2)}</{p}c>")
            else:
                out.append(cm.group(0))
        out.append(body[pos:])
        out.extend(new_cell(r, c2, todo[c2]) for c2 in sorted(todo) if c2 not in done)
        attrs = re.sub(r'\s+spans="[^"]*"', "", attrs)
        return f"<{p}row{attrs}>" + "".join(out) + f"</{p}row>"

    text = sd.group(0)
    rpat = re.compile(rf"<{pe}row\b([^>]*?)(?:/>|>(.*?)</{pe}row>)", re.S)
    out, pos, seen = [], 0, set()
    open_tag = re.match(rf"<{pe}sheetData\b[^>]*?(/?)>", text)
    if open_tag.group(1):                     # <sheetData/>
        text = f"<{p}sheetData></{p}sheetData>"
        open_tag = re.match(rf"<{pe}sheetData\b[^>]*?>", text)
    pos = open_tag.end()
    out.append(text[:pos])
    for rm in rpat.finditer(text, pos):
        rr = re.search(r'\br="(\d+)"', rm.group(1))
        if rr is None:
            raise damaged("a row has no row number")
        r = int(rr.group(1))
        for r2 in sorted(wanted):
            if r2 < r and r2 not in seen:
                out.append(text[pos:rm.start()])
                pos = rm.start()
                out.append(edit_row(r2, f' r="{r2}"', "", wanted[r2]))
                seen.add(r2)
        out.append(text[pos:rm.start()])
        pos = rm.end()
        if r in wanted:
            seen.add(r)
            out.append(edit_row(r, rm.group(1), rm.group(2) or "", wanted[r]))
        else:
            out.append(rm.group(0))
    close = text.rfind(f"</{p}sheetData>")
    out.append(text[pos:close])
    out.extend(edit_row(r2, f' r="{r2}"', "", wanted[r2]) for r2 in sorted(wanted) if r2 not in seen)
    out.append(text[close:])
    return xml[:sd.start()] + "".join(out) + xml[sd.end():]


def _top_level_end(xml: str, p: str) -> int:
    """Where children may be inserted before a top-level <extLst> (else before </worksheet>)."""
    close = xml.rfind(f"</{p}worksheet>")
    body = xml[:close].rstrip()
    if body.endswith(f"</{p}extLst>"):
        depth, k = 0, len(body)
        for m in reversed(list(re.finditer(rf"<(/?){re.escape(p)}extLst\b[^>]*?(/?)>", body))):
            if m.group(2):
                continue
            depth += 1 if m.group(1) else -1
            if depth == 0:
                return m.start()
        return k
    return close


def insert_child(xml: str, tag: str, element: str, following: tuple) -> str:
    """Insert a top-level worksheet child before the first of ``following`` present."""
    m = re.search(r"<(\w+:)?worksheet\b", xml)
    p = (m.group(1) or "") if m else ""
    sd = re.search(rf"</{re.escape(p)}sheetData>|<{re.escape(p)}sheetData\b[^>]*/>", xml)
    start = sd.end() if sd else 0
    end = _top_level_end(xml, p)
    k = end
    for nxt in following:
        j = xml.find(f"<{p}{nxt}", start, end)
        while j >= 0 and xml[j + len(p) + 1 + len(nxt)] not in " />":
            j = xml.find(f"<{p}{nxt}", j + 1, end)
        if 0 <= j < k:
            k = j
    return xml[:k] + _prefixed(element, p) + xml[k:]


def add_validations(xml: str, validations: list[str]) -> str:
    if not validations:
        return xml
    m = re.search(r"<(\w+:)?worksheet\b", xml)
    p = (m.group(1) or "") if m else ""
    body = "".join(_prefixed(v, p) for v in validations)
    if re.search(rf"<{re.escape(p)}dataValidations\b", xml):
        xml = _insert_before_close(xml, f"{p}dataValidations", body)
        return _bump(xml, f"{p}dataValidations", f"{p}dataValidation")
    return insert_child(xml, "dataValidations",
                        f'<dataValidations count="{len(validations)}">{"".join(validations)}'
                        f"</dataValidations>", _AFTER_VALIDATIONS)


def add_protection(xml: str, element: str) -> str:
    m = re.search(r"<(\w+:)?worksheet\b", xml)
    p = (m.group(1) or "") if m else ""
    old = re.search(rf"<{re.escape(p)}sheetProtection\b[^>]*?/>", xml)
    if old is not None:
        if re.search(r'\bsheet="(1|true)"', old.group(0)):
            return xml                       # the user's own protection (maybe a password) stays
        return xml[:old.start()] + _prefixed(element, p) + xml[old.end():]
    return insert_child(xml, "sheetProtection", element, _AFTER_PROTECTION)


def _select_tab(xml: str, selected: bool) -> str:
    xml = re.sub(r'(<sheetView\b[^>]*?)\s+tabSelected="[^"]*"', r"\1", xml)
    if selected:
        xml = re.sub(r"<sheetView\b", '<sheetView tabSelected="1"', xml, count=1)
    return xml


# ---------------------------------------------------------------- assembly

def assemble(src, rendered: bytes, *, owned: set, guards: dict, remove: set = frozenset(),
             display: str | None = None, keep_macros: bool = False):
    """Parts of the share package: returns ``(book, parts, removed, added)`` for
    :func:`write`, where ``book`` is the user's package (a :class:`PackageBook`).

    ``owned``: sheet names taken whole from ``rendered`` (the openpyxl rendering). ``remove``:
    sheets of the original to drop (they must be missing from ``rendered``); Excel 4 macro
    sheets are dropped too (no macros in an .xlsx). Any other sheet the rendering lacks is
    kept as it is, before the helper sheets. ``guards``: {sheet: {"unlocked":
    [(r, c)], "validations": [dataValidation XML], "cells": [(r, c)] copied from the
    rendering, "protect": bool}} for the user's sheets edited by surgery.
    ``keep_macros``: keep the VBA project and the package type (``jjj-xl run`` refreshing
    the Map sheet of a .xlsm; a share workbook drops them). Parts that only an owned sheet
    of the original reached (its drawing, charts) give their names back to the rendering's
    parts, so refreshing a sheet again and again neither grows nor renames the package.
    """
    book = PackageBook(src, display)
    P = book.pkg
    Q = _Rendered(rendered)
    q_names = [n for n, _, _ in Q.sheets]
    p_sheets = {n: (sid, rid, part) for n, sid, rid, part in book.sheets}
    styles_part = book.styles_part
    if styles_part is None:
        raise P.damaged("xl/styles.xml", "missing")
    importer = StyleImporter(P.read(styles_part).decode("utf-8"), Q.styles)
    parts: dict[str, bytes] = {}
    rels_text: dict[str, str | None] = {}       # rels files rewritten (None: deleted)
    new_ct: list[tuple[str, str]] = []           # (part, content type) overrides to add
    defaults: dict[str, str] = {}                # extension -> content type needed
    taken = set(P.names)
    owned_old = {p_sheets[n][2] for n in owned if n in p_sheets and p_sheets[n][2]}
    if owned_old:   # names only the replaced sheets reached are free again (stable reruns)
        def _reach(skip):
            seen, todo = set(), [""]
            while todo:
                x = todo.pop()
                rels = Package.rels_name(x) if x else "_rels/.rels"
                if rels not in P.names:
                    continue
                for _, t in P.rels(x).values():
                    if t not in seen and t not in skip:
                        seen.add(t)
                        todo.append(t)
            return seen
        free = _reach(set()) - _reach(owned_old) - owned_old
        taken -= free | {Package.rels_name(x) for x in free}
    wb_text = P.read(book.wb_part).decode("utf-8")
    active = _active_sheet(wb_text, [n for n, *_ in book.sheets])
    if active not in q_names:
        active = q_names[0]

    def fresh(name: str) -> str:
        if name not in taken:
            taken.add(name)
            return name
        folder, base = posixpath.split(name)
        stem, ext = posixpath.splitext(base)
        stem = re.sub(r"\d+$", "", stem)
        k = 1
        while posixpath.join(folder, f"{stem}{k}{ext}") in taken:
            k += 1
        out = posixpath.join(folder, f"{stem}{k}{ext}")
        taken.add(out)
        return out

    table_ids = [int(x) for n in P.names if n.startswith("xl/tables/")
                 for x in re.findall(rb'<(?:\w+:)?table\b[^>]*?\bid="(\d+)"', P.read(n))[:1]]

    def import_part(q_part: str, done: dict) -> str:
        """Copy a part of the rendering (and what it refers to) under a free name."""
        if q_part in done:
            return done[q_part]
        new = fresh(q_part)
        done[q_part] = new
        data = Q.pkg.read(q_part)
        if q_part.startswith("xl/tables/"):
            table_ids.append(max(table_ids, default=0) + 1)
            data = re.sub(rb'(<table\b[^>]*?\bid=")\d+(")',
                          lambda m: m.group(1) + str(table_ids[-1]).encode() + m.group(2), data, count=1)
        parts[new] = data
        ct = Q.content_type(q_part)
        if ct:
            new_ct.append((new, ct))
        else:
            ext = posixpath.splitext(q_part)[1].lstrip(".").lower()
            m = re.search(r'<Default\b[^>]*Extension="' + re.escape(ext) + r'"[^>]*ContentType="([^"]*)"',
                          Q.content_types, re.I)
            if m:
                defaults[ext] = m.group(1)
        rels_for(q_part, new, done)
        return new

    def rels_for(q_part: str, new_part: str, done: dict) -> None:
        name = Package.rels_name(q_part)
        new_rels = Package.rels_name(new_part)
        if name not in Q.pkg.names:
            rels_text[new_rels] = None
            return
        text = Q.pkg.read(name).decode("utf-8")
        base = posixpath.dirname(q_part)

        def retarget(m):
            rel = m.group(0)
            if 'TargetMode="External"' in rel:
                return rel
            t = re.search(r'Target="([^"]*)"', rel)
            target = t.group(1)
            full = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(base, target))
            if full not in Q.pkg.names:
                return rel
            new_target = posixpath.relpath(import_part(full, done), posixpath.dirname(new_part))
            return rel[:t.start(1)] + escape(new_target) + rel[t.end(1):]
        rels_text[new_rels] = re.sub(r"<Relationship\b[^>]*/>", retarget, text)

    # transplanted sheets
    added_sheets = []          # (name, part, attrs from the rendering)
    for name, attrs, q_part in Q.sheets:
        if name not in owned:
            continue
        if name in p_sheets and p_sheets[name][2] is not None:
            part = p_sheets[name][2]
        else:
            part = fresh("xl/worksheets/sheet1.xml")
            added_sheets.append((name, part, attrs))
            new_ct.append((part, CT_WORKSHEET))
        xml = convert_cells(Q.sheet_xml(name), Q, importer)
        parts[part] = _select_tab(xml, name == active).encode("utf-8")
        rels_for(q_part, part, {})
    # guarded input sheets: surgery
    for name, g in guards.items():
        part = p_sheets.get(name, (None, None, None))[2]
        if part is None or name not in q_names:
            continue
        xml = P.read(part).decode("utf-8")
        q_xml = Q.sheet_xml(name)
        q_cells = rendered_cells(q_xml)
        user_s = _user_styles(xml)
        new_s = {}
        for rc in g.get("unlocked", ()):
            qs = re.search(r'\bs="(\d+)"', q_cells.get(rc, ""))
            new_s[rc] = importer.unlocked(user_s.get(rc, 0), int(qs.group(1)) if qs else 0)
        copied = {}
        for rc in g.get("cells", ()):
            if rc in q_cells:
                copied[rc] = convert_cells(f"<sheetData>{q_cells[rc]}</sheetData>", Q, importer)[11:-12]
        new = edit_cells(xml, new_s, copied, lambda why, part=part: P.damaged(part, why))
        new = add_validations(new, list(g.get("validations", ())))
        if g.get("protect"):
            prot = re.search(r"<sheetProtection\b[^>]*?/>", q_xml)
            if prot:
                new = add_protection(new, prot.group(0))
        if new != xml:
            parts[part] = new.encode("utf-8")
    if importer.changed:
        parts[styles_part] = importer.text.encode("utf-8")
    # workbook.xml, its relationships, content types
    wb_rels_name = Package.rels_name(book.wb_part)
    wb_rels = P.read(wb_rels_name).decode("utf-8")
    removed_names = [n for n in p_sheets if n not in q_names and (
        n in remove or "macrosheet" in book.wb_rels.get(p_sheets[n][1], ("", ""))[0].lower())]
    drop_rids = {p_sheets[n][1] for n in removed_names if p_sheets[n][1]}
    for rid, (typ, target) in book.wb_rels.items():
        if (typ == REL_VBA and not keep_macros) or (typ.endswith("/calcChain") and (
                not keep_macros or _chain_lists(P, target, {p_sheets[n][0] for n in owned
                                                            if n in p_sheets}))):
            drop_rids.add(rid)

    def keep_rel(m):
        rid = re.search(r'\bId="([^"]*)"', m.group(0))
        return "" if rid and rid.group(1) in drop_rids else m.group(0)
    wb_rels = re.sub(r"<Relationship\b[^>]*/>", keep_rel, wb_rels)
    rids = set(re.findall(r'\bId="([^"]+)"', wb_rels))
    ids = [int(sid) for sid, _, _ in p_sheets.values() if sid and str(sid).isdigit()]
    sheet_els = {}
    m = re.search(r"<(\w+:)?sheets\b[^>]*>(.*?)</(\w+:)?sheets>", wb_text, re.S)
    if m is None:
        raise P.damaged(book.wb_part, "no <sheets> list")
    wp = m.group(1) or ""
    for el in re.findall(r"<(?:\w+:)?sheet\b[^>]*?/>|<(?:\w+:)?sheet\b[^>]*>.*?</(?:\w+:)?sheet>",
                         m.group(2), re.S):
        nm = re.search(r'\bname="([^"]*)"', el)
        if nm:
            sheet_els[_unescape(nm.group(1))] = el
    root = re.search(r"<(?:\w+:)?workbook\b[^>]*>", wb_text)
    r_prefix = next((k for k, v in re.findall(r'xmlns:(\w+)="([^"]*)"', root.group(0) if root else "")
                     if v == NS_REL), None)
    for name, part, attrs in added_sheets:
        k = 1
        while f"rIdjjj{k}" in rids:
            k += 1
        rid = f"rIdjjj{k}"
        rids.add(rid)
        sid = max(ids, default=0) + 1
        ids.append(sid)
        target = posixpath.relpath(part, posixpath.dirname(book.wb_part))
        wb_rels = _insert_before_close(wb_rels, "Relationships",
                                       f'<Relationship Id="{rid}" Type="{REL_WORKSHEET}" Target="{target}"/>')
        state = re.search(r'\bstate="([^"]*)"', attrs)
        rattr = f'{r_prefix}:id="{rid}"' if r_prefix else f'xmlns:r="{NS_REL}" r:id="{rid}"'
        sheet_els[name] = (f'<{wp}sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{sid}"'
                           + (f' state="{state.group(1)}"' if state else "") + f" {rattr}/>")
    old_order = [n for n, *_ in book.sheets]
    new_order = [n for n in q_names if n in sheet_els and n in p_sheets]
    new_order += [n for n in old_order if n not in new_order and n not in removed_names]
    new_order += [n for n in q_names if n in sheet_els and n not in new_order]
    new_wb = wb_text[:m.start(2)] + "".join(sheet_els[n] for n in new_order) + wb_text[m.end(2):]
    new_wb = _defined_names(new_wb, old_order, new_order)
    k_active = new_order.index(active) if active in new_order else 0
    if not keep_macros or active not in old_order or old_order.index(active) != k_active:
        new_wb = _book_view(new_wb, k_active)     # (a refresh in place keeps the view as it is)
    new_wb = _full_calc_on_load(new_wb)
    parts[book.wb_part] = new_wb.encode("utf-8")
    parts[wb_rels_name] = wb_rels.encode("utf-8")
    rels_text.setdefault(wb_rels_name, wb_rels)
    # every part now reachable; parts reachable before but not now are dropped
    for name, text in rels_text.items():
        if text is None:
            continue
        parts[name] = text.encode("utf-8")

    def rels_of(part: str) -> dict:
        name = Package.rels_name(part) if part else "_rels/.rels"
        if name in rels_text and rels_text[name] is None:
            return {}
        if name in parts:
            data = parts[name]
        elif name in P.names:
            data = P.read(name)
        else:
            return {}
        base = posixpath.dirname(part)
        out = set()
        for rel in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*/?>", data):
            if b'TargetMode="External"' in rel:
                continue
            t = re.search(rb'Target="([^"]*)"', rel)
            if not t:
                continue
            target = _unescape(t.group(1).decode("utf-8"))
            out.add(target.lstrip("/") if target.startswith("/") else
                    posixpath.normpath(posixpath.join(base, target)))
        return out

    def reach(rels) -> set:
        seen, todo = set(), [""]
        while todo:
            x = todo.pop()
            for t in rels(x):
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        return seen

    def old_rels(part):
        name = Package.rels_name(part) if part else "_rels/.rels"
        return {t for _, t in P.rels(part).values()} if name in P.names else set()
    before = reach(old_rels)
    now = reach(rels_of)
    dropped = {x for x in before - now if x in P.names}
    dropped |= {Package.rels_name(x) for x in dropped if Package.rels_name(x) in P.names}
    dropped |= {n for n, t in rels_text.items() if t is None and n in P.names}
    for name in list(parts):
        if name in dropped:
            del parts[name]
    ct = P.read("[Content_Types].xml").decode("utf-8")
    if not keep_macros:
        ct = ct.replace(f'ContentType="{CT_MACRO_MAIN}"', f'ContentType="{CT_MAIN}"')
    for name in dropped:
        ct = re.sub(r'<Override\b[^>]*PartName="/' + re.escape(name) + r'"[^>]*/>', "", ct)
    if not any(n.lower().endswith(".bin") for n in (P.names - dropped) | set(parts)):
        ct = re.sub(r'<Default\b[^>]*Extension="bin"[^>]*ContentType="application/vnd\.ms-office\.vbaProject"'
                    r'[^>]*/>', "", ct, flags=re.I)
    for part, typ in new_ct:
        if re.search(r'<Override\b[^>]*PartName="/' + re.escape(part) + '"', ct):
            continue   # a reused name (see keep_macros above): its entry is there already
        ct = _insert_before_close(ct, "Types", f'<Override PartName="/{part}" ContentType="{typ}"/>')
    for ext, typ in defaults.items():
        if not re.search(r'<Default\b[^>]*Extension="' + re.escape(ext) + '"', ct, re.I):
            ct = _insert_before_close(ct, "Types", f'<Default Extension="{ext}" ContentType="{typ}"/>')
    parts["[Content_Types].xml"] = ct.encode("utf-8")
    added = [n for n in parts if n not in P.names]
    # unchanged bytes need not be rewritten
    for name in list(parts):
        if name in P.names and parts[name] == P.read(name):
            del parts[name]
    return book, parts, dropped, added


def write(book, parts: dict, removed: set, added: list, target, display: str | None = None):
    """Write the assembled package through :func:`jjj_xl.workbook.cells.atomic_write`."""
    from .cells import atomic_write

    def writer(fh):
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in book.pkg.infos:
                if info.filename in removed:
                    continue
                data = parts.get(info.filename)
                if data is None:
                    book.pkg.copy_raw(info, zout)
                else:
                    zout.writestr(_clone_info(info), data)
            for name in added:
                zout.writestr(_new_info(name), parts[name])
    return atomic_write(target, writer, display=display)


def _chain_lists(P, chain: str, sheet_ids: set) -> bool:
    """Whether calcChain.xml lists a cell of a sheet with one of ``sheet_ids`` (then it goes:
    Excel rebuilds it; an entry pointing at a rewritten cell makes Excel repair the file)."""
    if chain not in P.names:
        return False
    current = None
    for m in re.finditer(r"<(?:\w+:)?c\b([^>]*)/?>", P.read(chain).decode("utf-8", "replace")):
        i = re.search(r'\bi="(\d+)"', m.group(1))
        if i:
            current = i.group(1)
        if current in sheet_ids:
            return True
    return False


def _user_styles(xml: str) -> dict[tuple[int, int], int]:
    out = {}
    m = re.search(r"<(\w+:)?worksheet\b", xml)
    p = (m.group(1) or "") if m else ""
    for cm in re.finditer(rf"<{re.escape(p)}c\b([^>]*?)/?>", xml):
        ref = re.search(r'\br="([A-Z]+\d+)"', cm.group(1))
        s = re.search(r'\bs="(\d+)"', cm.group(1))
        if ref and s:
            out[parse_ref(ref.group(1))] = int(s.group(1))
    return out


def _active_sheet(wb_text: str, names: list[str]) -> str | None:
    m = re.search(r'<(?:\w+:)?workbookView\b[^>]*?\bactiveTab="(\d+)"', wb_text)
    k = int(m.group(1)) if m else 0
    return names[k] if 0 <= k < len(names) else (names[0] if names else None)


def _book_view(wb_text: str, active: int) -> str:
    def view(m):
        el = m.group(0)
        el = re.sub(r'\s+(activeTab|firstSheet)="[^"]*"', "", el)
        if active:
            el = re.sub(r"(<(?:\w+:)?workbookView\b)", rf'\1 activeTab="{active}"', el, count=1)
        return el
    return re.sub(r"<(?:\w+:)?workbookView\b[^>]*?/?>", view, wb_text, count=1)


def _defined_names(wb_text: str, old: list[str], new: list[str]) -> str:
    """``localSheetId`` of defined names follow their sheet; names of a removed sheet go."""
    def name(m):
        el = m.group(0)
        k = re.search(r'\blocalSheetId="(\d+)"', el)
        if not k:
            return el
        i = int(k.group(1))
        sheet = old[i] if 0 <= i < len(old) else None
        if sheet not in new:
            return ""
        return el[:k.start()] + f'localSheetId="{new.index(sheet)}"' + el[k.end():]
    text = re.sub(r"<(?:\w+:)?definedName\b[^>]*?(?:/>|>.*?</(?:\w+:)?definedName>)", name, wb_text,
                  flags=re.S)
    return re.sub(r"<(\w+:)?definedNames\b[^>]*>\s*</(\w+:)?definedNames>", "", text)


def vba_parts(src) -> bool:
    """Whether the package carries a VBA project."""
    book = PackageBook(src)
    return any(typ == REL_VBA for typ, _ in book.wb_rels.values())


__all__ = ["assemble", "write", "vba_parts", "StyleImporter", "edit_cells", "convert_cells"]
