"""Workbooks as Excel and analysts leave them, built by editing a template's zip in code.

No binary third-party file is committed: the VBA project, x14 data validation, data bars,
threaded comments, cached formula values and custom XML part are written here as the
parts Excel itself writes (ECMA-376 / MS-XLSX names and namespaces).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from jjj_xl.datasets import load_sample
from jjj_xl.workbook import layout
from jjj_xl.workbook.templates import build_template, fill_inputs

X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

# a compound-file header followed by filler: jjj-xl must copy it, never look inside
VBA_BYTES = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(range(256)) * 40


def filled(tmp_path: Path, name="entropy_topsis_ccd", sample=None, data=None, indicators=None,
           filename=None) -> Path:
    """A template filled with a bundled sample (or the given frames), saved by openpyxl."""
    wb = build_template(name)
    if name == "coupling_coordination":
        fill_inputs(wb, name, data=data)
    else:
        s = load_sample(sample or ("paper000" if name == "entropy_topsis_ccd" else "paper004"))
        fill_inputs(wb, name, s.indicators if indicators is None else indicators,
                    s.data if data is None else data)
    path = Path(tmp_path) / (filename or f"{name}.xlsx")
    wb.save(path)
    return path


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def order(path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [i.filename for i in zf.infolist()]


def rewrite(src, dst, edit) -> Path:
    """Copy a zip, letting ``edit(dict of parts)`` change, add or delete parts (order kept,
    new parts last)."""
    items = parts(src)
    names = list(items)
    new = edit(dict(items)) or {}
    out = dict(new) if new else items
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in names:
            if n in out:
                zf.writestr(n, out[n])
        for n in out:
            if n not in names:
                zf.writestr(n, out[n])
    return Path(dst)


def sheet_part(items: dict, sheet: str) -> str:
    wb = items["xl/workbook.xml"].decode()
    rid = re.search(rf'<sheet[^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', wb).group(1)
    rels = items["xl/_rels/workbook.xml.rels"].decode()
    rel = next(m for m in re.finditer(r"<Relationship\b[^>]*>", rels) if f'Id="{rid}"' in m.group(0))
    target = re.search(r'Target="([^"]+)"', rel.group(0)).group(1)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _add_rel(xml: bytes, rid: str, typ: str, target: str) -> bytes:
    text = xml.decode()
    return text.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{typ}" '
                                            f'Target="{target}"/></Relationships>').encode()


def _add_ct(items, element: str):
    items["[Content_Types].xml"] = items["[Content_Types].xml"].decode().replace(
        "</Types>", element + "</Types>").encode()


def _insert_before(xml: bytes, tags: tuple, element: str) -> bytes:
    text = xml.decode()
    for tag in tags:
        k = text.find(f"<{tag}")
        if k >= 0:
            return (text[:k] + element + text[k:]).encode()
    return text.replace("</worksheet>", element + "</worksheet>").encode()


def rich(tmp_path: Path, src: Path | None = None, name="rich.xlsm") -> Path:
    """The filled template plus a VBA project (.xlsm), an x14 data validation whose list is on
    another sheet, a data bar with its x14 extension, a threaded comment (with persons), a
    formula with a cached value in Data and a custom XML part."""
    src = src or filled(tmp_path, filename="plain_for_rich.xlsx")

    def edit(items):
        data = sheet_part(items, "Data")
        # cached formula: the first number of column C becomes =<value>*1 with its value saved
        text = items[data].decode()
        m = re.search(r'<c r="C2"([^>]*)><v>([^<]+)</v></c>', text)
        assert m, "fixture: Data!C2 not found"
        text = text[:m.start()] + f'<c r="C2"{m.group(1)}><f>{m.group(2)}*1</f><v>{m.group(2)}</v></c>' \
            + text[m.end():]
        # data bar (x14 extension carries the id) and x14 list validation from another sheet
        cf = ('<conditionalFormatting sqref="C2:C37"><cfRule type="dataBar" priority="1"><dataBar>'
              '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst>'
              f'<ext uri="{{B025F937-C7B1-47D3-B67F-A62EFF666E3E}}" xmlns:x14="{X14}">'
              '<x14:id>{8A7B3C2D-1111-2222-3333-444455556666}</x14:id></ext></extLst></cfRule>'
              '</conditionalFormatting>')
        text = _insert_before(text.encode(), ("dataValidations", "hyperlinks", "printOptions",
                                              "pageMargins"), cf).decode()
        ext = (f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">'
               f'<x14:dataValidations count="1" xmlns:xm="{XM}"><x14:dataValidation type="list" '
               'allowBlank="1" showInputMessage="1" showErrorMessage="1"><x14:formula1>'
               '<xm:f>Indicators!$A$2:$A$15</xm:f></x14:formula1><xm:sqref>A40:A41</xm:sqref>'
               '</x14:dataValidation></x14:dataValidations></ext>'
               f'<ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{X14}">'
               '<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="' + XM + '">'
               '<x14:cfRule type="dataBar" id="{8A7B3C2D-1111-2222-3333-444455556666}">'
               '<x14:dataBar minLength="0" maxLength="100" gradient="0"><x14:cfvo type="autoMin"/>'
               '<x14:cfvo type="autoMax"/><x14:negativeFillColor rgb="FFFF0000"/>'
               '<x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule><xm:sqref>C2:C37</xm:sqref>'
               '</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>')
        text = text.replace("</worksheet>", ext + "</worksheet>")
        items[data] = text.encode()
        # threaded comment on Data (with its person list on the workbook)
        rels = posixpath_rels(data)
        items["xl/threadedComments/threadedComment1.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments '
            'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<threadedComment ref="D3" dT="2026-11-01T10:00:00.00" '
            'personId="{11111111-2222-3333-4444-555555555555}" '
            'id="{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}"><text>Checked against the yearbook 已核对'
            '</text></threadedComment></ThreadedComments>').encode()
        items["xl/persons/person.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<personList '
            'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><person '
            'displayName="Analyst" id="{11111111-2222-3333-4444-555555555555}" userId="analyst" '
            'providerId="None"/></personList>').encode()
        items[rels] = _add_rel(items[rels], "rIdTc1",
                               "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
                               "../threadedComments/threadedComment1.xml")
        _add_ct(items, '<Override PartName="/xl/threadedComments/threadedComment1.xml" '
                       'ContentType="application/vnd.ms-excel.threadedcomments+xml"/>')
        _add_ct(items, '<Override PartName="/xl/persons/person.xml" '
                       'ContentType="application/vnd.ms-excel.person+xml"/>')
        wrels = "xl/_rels/workbook.xml.rels"
        items[wrels] = _add_rel(items[wrels], "rIdP1",
                                "http://schemas.microsoft.com/office/2017/10/relationships/person",
                                "persons/person.xml")
        # VBA project: .xlsm content type, part and relationship
        items["xl/vbaProject.bin"] = VBA_BYTES
        items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
            CT_MAIN.encode(), CT_MACRO_MAIN.encode())
        _add_ct(items, '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
        items[wrels] = _add_rel(items[wrels], "rIdVba1",
                                "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
                                "vbaProject.bin")
        # custom XML part with its properties
        items["customXml/item1.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?>\n<study '
                                        b'xmlns="urn:example:jjj-study"><region>Beijing-Tianjin-Hebei'
                                        b'</region><source>yearbook 2020</source></study>')
        items["customXml/itemProps1.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ds:datastoreItem '
            b'ds:itemID="{5A5A5A5A-0000-1111-2222-333333333333}" '
            b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
            b'<ds:schemaRefs/></ds:datastoreItem>')
        items["customXml/_rels/item1.xml.rels"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'customXmlProps" Target="itemProps1.xml"/></Relationships>')
        _add_ct(items, '<Override PartName="/customXml/itemProps1.xml" '
                       'ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>')
        items[wrels] = _add_rel(items[wrels], "rIdCx1", f"{REL}/customXml", "../customXml/item1.xml")
        return items

    return rewrite(src, Path(tmp_path) / name, edit)


def posixpath_rels(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def without_output_print_areas(workbook_xml: bytes, sheets) -> bytes:
    """workbook.xml without the print areas of ``sheets`` (jjj-xl run sets those from the
    results, issue 11: jjj_xl/workbook/printing.py), for comparing the rest byte for byte."""
    names = {s.replace("'", "''") for s in sheets}

    def drop(m):
        target = m.group(2).split(b"!")[0]
        target = target[1:-1] if target.startswith(b"'") else target
        return b"" if target.decode() in names else m.group(0)
    out = re.sub(rb'<(?:\w+:)?definedName\b[^>]*name="_xlnm\.Print_Area"[^>]*>()([^<]*)</(?:\w+:)?definedName>',
                 drop, workbook_xml)
    return re.sub(rb"<((?:\w+:)?)definedNames>\s*</\1definedNames>", b"", out)


def owned_parts(path, template: str) -> set[str]:
    """Parts jjj-xl may rewrite: output sheets, styles, workbook (calcPr only), charts."""
    items = parts(path)
    out = {sheet_part(items, s) for s in layout.TEMPLATES[template].output_sheets}
    out |= {"xl/styles.xml", "xl/workbook.xml"}
    out |= {n for n in items if n.startswith("xl/charts/chart")}
    return out


def u_book(tmp_path, U, **settings):
    """The coupling_coordination template filled with the U table and the given Settings
    (key=value), saved and opened as an OpenpyxlBook."""
    from jjj_xl.workbook.book import OpenpyxlBook
    tpl = layout.COUPLING_COORDINATION
    wb = build_template(tpl.name)
    fill_inputs(wb, tpl.name, data=U)
    for key, value in settings.items():
        sheet, row, col = tpl.setting_cell(key)
        wb[sheet].cell(row, col).value = value
    path = Path(tmp_path) / "u.xlsx"
    wb.save(path)
    return OpenpyxlBook(path)


def put_ahp_matrix(wb, items, cells):
    """Replace the AHP sheet's comparison matrix by one over ``items`` (diagonal 1);
    ``cells`` = {(i, j): value} (0-based item positions; text such as "1/3" kept as typed)."""
    from jjj_xl.workbook import layout
    ws = wb[layout.AHP_SHEET]
    b = layout.AHP_MATRIX
    for r in range(b.row, b.row + 20):
        for c in range(b.col, b.col + 20):
            ws.cell(r, c).value = None
    ws.cell(b.row, b.col).value = "item"
    for k, name in enumerate(items):
        ws.cell(b.row, b.col + 1 + k).value = name
        ws.cell(b.row + 1 + k, b.col).value = name
        ws.cell(b.row + 1 + k, b.col + 1 + k).value = 1
    for (i, j), v in cells.items():
        ws.cell(b.row + 1 + i, b.col + 1 + j).value = v
    return ws
