"""``jjj-xl share`` keeps the user's package whole (issue 7 item 1): the share workbook is a copy
of the original in which only jjj-xl's parts are replaced. Run on workbooks carrying a VBA
project, x14 validations, a data bar, a threaded comment with its person list, a cached formula
value and a custom XML part (tests/rich_books.py); unzipped before and after and compared part
by part. LibreOffice then recalculates the share copy to the engine's numbers."""

from __future__ import annotations

import re
import warnings

import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl import cli
from jjj_xl.workbook import layout
from jjj_xl.workbook.share import HELPER_SHEETS, share_workbook

from .libreoffice import convert
from .rich_books import filled, order, parts, rich, sheet_part
from .test_share import _compare, _engine, _formula_checks, _static_checks

TPL = layout.ENTROPY_TOPSIS_CCD


def _rels(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _reachable(items: dict, start: str) -> set[str]:
    """Parts reached from ``start`` through relationships (internal targets)."""
    import posixpath
    seen, todo = set(), [start]
    while todo:
        part = todo.pop()
        rels = _rels(part)
        if rels not in items:
            continue
        for t in re.findall(rb'<Relationship\b[^>]*?Target="([^"]+)"(?![^>]*External)', items[rels]):
            t = t.decode()
            full = t.lstrip("/") if t.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(part), t))
            if full not in seen:
                seen.add(full)
                todo.append(full)
    return seen


def _strip_guards(xml: bytes, before: bytes, cells=()) -> bytes:
    """An input sheet without what the share guards may change: cell style indices, the
    ``spans`` hint of rows, sheetProtection, dataValidation elements not in the original, and
    the cells ``cells`` jjj-xl writes there (the frozen-settings note on Settings)."""
    text = xml.decode()
    for ref in cells:
        text = re.sub(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', "", text, flags=re.S)
    text = re.sub(r'(<c\b[^>]*?)\s+s="\d+"', r"\1", text)
    text = re.sub(r'(<row\b[^>]*?)\s+spans="[^"]*"', r"\1", text)
    text = re.sub(r"<sheetProtection\b[^>]*/>", "", text)
    old = before.decode()
    text = re.sub(r"<dataValidation\b.*?</dataValidation>",
                  lambda m: m.group(0) if m.group(0) in old else "", text, flags=re.S)
    text = re.sub(r'<dataValidations count="\d+">', "<dataValidations>", text)
    text = re.sub(r"<dataValidations>\s*</dataValidations>", "", text)
    return text.encode()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("share_pkg")
    src = rich(tmp)
    before, order_before = parts(src), order(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        out = share_workbook(src, tmp / "rich-share.xlsx")
    return tmp, src, before, order_before, out, parts(out)


def test_share_keeps_every_other_part_byte_identical(shared):
    tmp, src, before, order_before, out, after = shared
    owned_sheets = {*TPL.output_sheets, layout.GUIDE_SHEET, "Charts"}
    owned = {sheet_part(before, s) for s in owned_sheets}
    owned_deps = set().union(*(_reachable(before, p) for p in owned))
    guarded = {sheet_part(before, s) for s in ("Data", "Indicators", layout.SETTINGS_SHEET)}
    removed_sheets = {sheet_part(before, s) for s in ("Formulas", layout.CONF_SHEET)}
    may_go = removed_sheets | {_rels(p) for p in removed_sheets} | owned_deps \
        | {_rels(p) for p in owned | owned_deps} | {"xl/vbaProject.bin", "xl/calcChain.xml"}
    rewritten = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                 "xl/styles.xml"}
    checked = 0
    for name, data in before.items():
        if name in may_go and name not in after:
            continue
        assert name in after, f"{name} was dropped"
        if name in owned or name in rewritten or name in may_go:
            continue
        if name in guarded:
            note = ("D1",) if name == sheet_part(before, layout.SETTINGS_SHEET) else ()
            assert _strip_guards(after[name], data, note) == _strip_guards(data, data, note), \
                f"{name} changed beyond the share guards"
            continue
        assert after[name] == data, f"{name} changed"
        checked += 1
    assert checked >= 20
    # zip entry order of what was kept is the original's
    kept = [n for n in order_before if n in after]
    assert [n for n in order(out) if n in before] == kept
    # what the fixture carries is there, byte for byte
    for name in ("xl/threadedComments/threadedComment1.xml", "xl/persons/person.xml",
                 "customXml/item1.xml", "customXml/itemProps1.xml", "customXml/_rels/item1.xml.rels",
                 "xl/theme/theme1.xml", "docProps/core.xml"):
        assert after[name] == before[name], name
    data = after[sheet_part(after, "Data")].decode()
    assert "<f>" in data and re.search(r"<f>[^<]+\*1</f><v>[^<]+</v>", data)   # cached value kept
    assert "x14:dataValidation" in data and "x14:dataBar" in data and "<dataBar>" in data
    assert "threadedComment" in after[_rels(sheet_part(after, "Data"))].decode()
    # the workbook still names the person list and the custom XML part
    wb_rels = after["xl/_rels/workbook.xml.rels"].decode()
    assert "relationships/person" in wb_rels and "customXml" in wb_rels
    # .xlsx without macros: the VBA project is gone, deliberately, and the Notes say so
    assert "xl/vbaProject.bin" not in after and "vbaProject" not in wb_rels
    ct = after["[Content_Types].xml"].decode()
    assert "macroEnabled" not in ct and "vbaProject" not in ct
    notes = [c.value for row in load_workbook(out)[layout.NOTES_SHEET].iter_rows() for c in row]
    assert "macros" in notes
    # styles were appended, never renumbered
    xf = re.compile(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)
    cx_b = xf.findall(re.search(rb"<cellXfs.*?</cellXfs>", before["xl/styles.xml"], re.S).group(0))
    cx_a = xf.findall(re.search(rb"<cellXfs.*?</cellXfs>", after["xl/styles.xml"], re.S).group(0))
    assert cx_a[:len(cx_b)] == cx_b and len(cx_a) > len(cx_b)
    # every part named in [Content_Types].xml exists, and every relationship target too
    for part in re.findall(r'PartName="/([^"]+)"', ct):
        assert part in after, f"content type for a missing part {part}"
    for name in after:
        if name.endswith(".rels"):
            base = name.replace("_rels/", "").removesuffix(".rels")
            for t in _reachable({name: after[name]}, base) if base else ():
                assert t in after, f"{name} points at a missing part {t}"


def test_share_input_sheets_only_change_by_the_guards(shared):
    """Exactly the editable Data cells changed style, and they are unlocked; the share's
    validations and protection are on the sheet."""
    tmp, src, before, _, out, after = shared
    part = sheet_part(before, "Data")
    old, new = before[part].decode(), after[part].decode()
    def styles(xml):
        out = {}
        for attrs in re.findall(r"<c\b([^>]*?)/?>", xml):
            ref, s = re.search(r'r="([A-Z]+\d+)"', attrs), re.search(r'\bs="(\d+)"', attrs)
            out[ref.group(1)] = s.group(1) if s else None
        return out
    s_old, s_new = styles(old), styles(new)
    changed = {ref for ref in s_new if s_new[ref] != s_old.get(ref)}
    wb = load_workbook(out)
    ws = wb["Data"]
    data_cells = {c.coordinate for row in ws.iter_rows(min_row=2, max_row=37, min_col=3,
                                                       max_col=ws.max_column) for c in row
                  if isinstance(c.value, (int, float)) or c.data_type == "f"}
    assert changed == data_cells
    assert all(ws[ref].protection.locked is False for ref in data_cells)
    assert ws["A2"].protection.locked is True and ws.protection.sheet
    assert "<sheetProtection" in new and new.count("<dataValidation ") >= 1


def test_share_copy_recalculates_to_the_engine_in_libreoffice(shared):
    tmp, src, before, _, out, after = shared
    name = TPL.name
    share = _static_checks(out, name)
    engine = _engine(filled(tmp, filename="plain_for_rich.xlsx"))
    _formula_checks(name, engine, share)
    recalc = load_workbook(convert(out, "xlsx", tmp / "lo"), data_only=True)
    assert _compare(name, engine, recalc) > 10
    assert [s for s in recalc.sheetnames if s.startswith("h_")] == \
        [h for h in HELPER_SHEETS if h in recalc.sheetnames]


def test_share_of_a_libreoffice_saved_book_keeps_its_parts(tmp_path):
    """A workbook as LibreOffice leaves it (its own styles, shared strings, cached values)."""
    src = filled(tmp_path)
    lo = convert(src, "xlsx", tmp_path / "lo")
    before = parts(lo)
    out = tmp_path / "lo-share.xlsx"
    assert cli.main(["share", str(lo), "--out", str(out)]) == 0
    after = parts(out)
    for name in ("xl/sharedStrings.xml", "xl/theme/theme1.xml", "docProps/app.xml"):
        if name in before:
            assert after[name] == before[name], name
    for sheet in ("AHP", "Neighbours"):
        if sheet in load_workbook(lo).sheetnames:
            p = sheet_part(before, sheet)
            assert after[p] == before[p], sheet
    engine = _engine(src)
    recalc = load_workbook(convert(out, "xlsx", tmp_path / "lo2"), data_only=True)
    assert _compare(TPL.name, engine, recalc) > 10
