r"""Build and install ``jjj_xl.xlam``: a classic xlwings add-in with the "JJJ 分析" ribbon tab.

The add-in is built on the user's machine from the ribbon add-in template that
ships inside the INSTALLED xlwings package (``quickstart_addin_ribbon.xlam``,
BSD-3 VBA by Zoomer Analytics); it is never shipped or committed. Steps:

1. copy every zip part of the template, replacing ``customUI/customUI.xml``
   (our tab, from :data:`jjj_xl.excel.ribbon.BUTTONS`), ``_rels/.rels`` (ribbon
   relationship type matched to the 2006/01 namespace, [MS-OI29500] 3.4.1.3),
   ``xl/workbook.xml`` (config sheet ``_myaddin.conf`` -> ``jjj_xl.conf``, enabled)
   and the config sheet itself, with the interpreter written next to
   ``Interpreter_Win`` (Windows) or ``Interpreter_Mac`` (macOS);
2. with pyOpenVBA (MIT, optional: ``pip install pyOpenVBA``) add the standard
   module ``JJJRibbon`` holding the single ribbon callback, set
   ``PROJECT_NAME = "jjj_xl"`` in the embedded ``xlwings`` module and name the VBA
   project ``jjj_xl`` (dir stream PROJECTNAME record and the PROJECT stream's
   ``Name=``, [MS-OVBA] 2.3.4.2.1.6 and 2.3.1.9);
3. check the VBA project with pyOpenVBA's ``validate()``, then move the file
   into place (written under a temporary name first).

How the add-in finds its Python (xlwings' own VBA, ``xlwings_custom_addin.bas``
``RunPython`` and ``GetConfig``, read from the installed xlwings 0.37): the key
``INTERPRETER_WIN`` / ``INTERPRETER_MAC`` is looked up, case-insensitively, in a
sheet named ``PROJECT_NAME & ".conf"`` of the ACTIVE workbook, then of the add-in
itself (``jjj_xl.conf``, written here), then in ``<workbook folder>/jjj_xl.conf``,
then in the user file ``%USERPROFILE%\.jjj_xl\jjj_xl.conf`` (Windows) or
``~/Library/Containers/com.microsoft.Excel/Data/jjj_xl.conf`` (Mac); if all are
empty, the legacy ``INTERPRETER`` key, default ``python`` on PATH. The add-in's VBA
also calls ``xlwings64-<version>.dll`` (Windows) and ``xlwings-<version>.applescript``
(Mac) by the version of the xlwings that built it: rebuild after upgrading
xlwings (:func:`doctor` says so).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..errors import InputError

ADDIN_FILENAME = "jjj_xl.xlam"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"

TAB_ID = "jjj_tab"
TAB_LABEL = "JJJ 分析"
CALLBACK_MODULE = "JJJRibbon"   # distinctive: ribbon callback names clash across add-ins (xlwings#973)
CALLBACK = "JJJ_OnAction"
ON_ACTION = f"{CALLBACK_MODULE}.{CALLBACK}"

CUSTOMUI_PART = "customUI/customUI.xml"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
REL_UI_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
REL_UI_2007 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

OLD_PROJECT = "myaddin"
NEW_PROJECT = "jjj_xl"
PROJECT_CONST = 'Public Const PROJECT_NAME As String = "{}"'
VERSION_CONST = re.compile(r'Public Const XLWINGS_VERSION As String = "([^"]*)"')
CONF_SHEET = f"{NEW_PROJECT}.conf"
PROJECTNAME_RECORD = 0x0004   # [MS-OVBA] 2.3.4.2.1.6

PIP_HINT = 'pip install pyOpenVBA (or pip install "jjj-xl[addin]")'
NOT_HERE = ("Excel add-ins can only be installed where Excel runs (Windows or macOS): copy "
            f"{ADDIN_FILENAME} to Excel's startup folder (XLSTART) on the machine running Excel, "
            f"or run `xlwings addin install --file {ADDIN_FILENAME}` there")
MAC_CONTAINER = Path("Library", "Group Containers", "UBF8T346G9.Office")
MAC_STARTUP = MAC_CONTAINER / "User Content.localized" / "Startup.localized" / "Excel"


# ---------------------------------------------------------------- ribbon XML and VBA

def customui_xml() -> str:
    """The customUI part: one tab "JJJ 分析", one group per ribbon.GROUPS, one button per BUTTONS."""
    from .ribbon import BUTTONS, GROUPS

    by_id = {b.id: b for b in BUTTONS}
    placed = [bid for *_, ids in GROUPS for bid in ids]
    if sorted(placed) != sorted(by_id) or len(set(placed)) != len(placed):
        raise ValueError("every ribbon button must sit in exactly one group (jjj_xl.excel.ribbon.GROUPS)")
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f"<customUI xmlns={quoteattr(CUSTOMUI_NS)}>",
        "  <ribbon>",
        "    <tabs>",
        f"      <tab id={quoteattr(TAB_ID)} label={quoteattr(TAB_LABEL)}>",
    ]
    for gid, en, zh, ids in GROUPS:
        lines.append(f"        <group id={quoteattr(gid)} label={quoteattr(f'{zh} {en}')}>")
        for bid in ids:
            b = by_id[bid]
            lines.append(
                f'          <button id={quoteattr(b.id)} label={quoteattr(b.label_zh)} size="large"'
                f" imageMso={quoteattr(b.image_mso)} screentip={quoteattr(b.label_en)}"
                f" onAction={quoteattr(ON_ACTION)} />")
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    text = "\n".join(lines)
    ET.fromstring(text.encode("utf-8"))  # must parse
    return text


def vba_callback_source() -> str:
    """The ``JJJRibbon`` VBA module: ASCII only (the project's code page is 1252)."""
    src = (
        f'Attribute VB_Name = "{CALLBACK_MODULE}"\r\n'
        "Option Explicit\r\n"
        "\r\n"
        "' Generated by jjj_xl.excel.addin. Every button of the JJJ ribbon tab calls this\r\n"
        "' one callback; Python (jjj_xl.excel.ribbon.dispatch) decides what the button does.\r\n"
        f"Public Sub {CALLBACK}(control As IRibbonControl)\r\n"
        "    ' RunPython passes ActiveWorkbook to Python; make sure there is one.\r\n"
        "    If ActiveWorkbook Is Nothing Then Workbooks.Add\r\n"
        "    RunPython \"import jjj_xl.excel.ribbon; jjj_xl.excel.ribbon.dispatch('\" & control.Id & \"')\"\r\n"
        "End Sub\r\n"
    )
    src.encode("ascii")
    return src


# ---------------------------------------------------------------- zip parts

def template_path() -> Path:
    """The ribbon add-in template inside the installed xlwings package."""
    import importlib.resources

    try:
        ref = importlib.resources.files("xlwings") / TEMPLATE_NAME
    except ModuleNotFoundError:
        raise InputError("xlwings is not installed: pip install xlwings") from None
    path = Path(str(ref))
    if not path.is_file():
        import xlwings

        raise InputError(f"xlwings {xlwings.__version__} has no {TEMPLATE_NAME} "
                         f"(expected at {path}); install a full xlwings: pip install -U xlwings")
    return path


def fix_package_rels(rels: bytes) -> bytes:
    """Point the ribbon relationship at customUI/customUI.xml with the 2006 type (the template
    ships the 2007 type with a 2006/01-namespace part). Other bytes stay as they were."""
    root = ET.fromstring(rels)
    ui = [r for r in root.findall(f"{{{PKG_REL_NS}}}Relationship")
          if r.get("Type") in (REL_UI_2006, REL_UI_2007)]
    text = rels.decode("utf-8")
    if not ui:  # a template without a ribbon: add the relationship
        ids = {r.get("Id") for r in root}
        rid = next(f"rIdJJJ{i}" for i in range(1, 100) if f"rIdJJJ{i}" not in ids)
        text = text.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{REL_UI_2006}" '
                                                f'Target="{CUSTOMUI_PART}"/></Relationships>')
    else:
        if len(ui) != 1 or ui[0].get("Target", "").lstrip("/") != CUSTOMUI_PART:
            raise ValueError(f"unexpected ribbon relationships in _rels/.rels: {[r.attrib for r in ui]}")
        text = text.replace(f'Type="{REL_UI_2007}"', f'Type="{REL_UI_2006}"')
    out = text.encode("utf-8")
    ET.fromstring(out)
    return out


def rename_conf_sheet(workbook_xml: bytes, active: bool) -> bytes:
    old = f'name="_{OLD_PROJECT}.conf"'.encode()
    new = f'name="{"" if active else "_"}{NEW_PROJECT}.conf"'.encode()
    if workbook_xml.count(old) != 1:
        raise ValueError(f"expected one sheet {old.decode()} in xl/workbook.xml of the template")
    out = workbook_xml.replace(old, new)
    ET.fromstring(out)
    return out


def interpreter_key(platform: str | None = None) -> str:
    """The config key xlwings' add-in VBA reads on this platform (``#If Mac``)."""
    return "Interpreter_Mac" if (platform or sys.platform) == "darwin" else "Interpreter_Win"


def set_interpreter(sheet_xml: bytes, sst_xml: bytes, interpreter: str, platform: str) -> bytes:
    """Write the interpreter into column B next to Interpreter_Win (or Interpreter_Mac)."""
    return set_config(sheet_xml, sst_xml, {interpreter_key(platform): interpreter})


def set_config(sheet_xml: bytes, sst_xml: bytes, values: dict[str, str]) -> bytes:
    """Write ``values`` into column B next to the template's keys in column A."""
    sst = ET.fromstring(sst_xml)
    strings = ["".join(si.itertext()) for si in sst.findall(f"{{{SPREADSHEET_NS}}}si")]
    text = sheet_xml.decode("utf-8")
    for key, value in values.items():
        idx = strings.index(key)
        m = re.search(rf'<row r="(\d+)" spans="1:1"([^>]*)><c r="A\1" s="1" t="s"><v>{idx}</v></c></row>',
                      text)
        if not m:
            raise ValueError(f"{key} row not found in the template's config sheet")
        row = m.group(1)
        new_row = (f'<row r="{row}" spans="1:2"{m.group(2)}><c r="A{row}" s="1" t="s"><v>{idx}</v></c>'
                   f'<c r="B{row}" s="1" t="inlineStr"><is><t>{escape(str(value))}</t></is></c></row>')
        text = text[: m.start()] + new_row + text[m.end():]
    out = text.encode("utf-8")
    ET.fromstring(out)
    return out


def default_interpreter() -> str:
    """The Python running jjj-xl now (``sys.executable``): the one that has jjj-xl installed,
    and what ``xlwings config create`` writes too."""
    return str(Path(sys.executable))


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes]) -> None:
    """Copy every part in the original order and compression; swap the given parts."""
    with zipfile.ZipFile(src) as zin:
        infos = zin.infolist()
        parts = [(i, replace.get(i.filename, zin.read(i.filename))) for i in infos]
    missing = set(replace) - {i.filename for i in infos}
    with zipfile.ZipFile(dst, "w") as zout:
        for info, data in parts:
            zi = zipfile.ZipInfo(info.filename, info.date_time)
            zi.compress_type = info.compress_type
            zi.external_attr = info.external_attr
            zi.create_system = info.create_system
            zout.writestr(zi, data)
        for name in sorted(missing):
            zout.writestr(name, replace[name], compress_type=zipfile.ZIP_DEFLATED)


def rename_dir_project(dir_raw: bytes, name: str) -> tuple[bytes, int]:
    """The decompressed ``dir`` stream with its PROJECTNAME record holding ``name``.

    The records before PROJECTNAME (SYSKIND, COMPATVERSION, LCID, LCIDINVOKE, CODEPAGE)
    are all ``Id (2) Size (4) Data (Size)``, [MS-OVBA] 2.3.4.2.1. Returns the new
    stream and the change in length."""
    import struct

    new = name.encode("ascii")
    if not 1 <= len(new) <= 128:
        raise ValueError("a VBA project name is 1 to 128 characters")
    at = 0
    while at + 6 <= len(dir_raw):
        ident, size = struct.unpack_from("<HI", dir_raw, at)
        if ident == PROJECTNAME_RECORD:
            record = struct.pack("<HI", ident, len(new)) + new
            return dir_raw[:at] + record + dir_raw[at + 6 + size:], len(new) - size
        if ident not in (0x0001, 0x004A, 0x0002, 0x0014, 0x0003):
            break
        at += 6 + size
    raise ValueError("no PROJECTNAME record at the start of the VBA dir stream")


def _rename_project(wb, name: str) -> None:
    """Name the VBA project (the VBE shows it; References list it). pyOpenVBA 6.5 keeps the
    project-information records of ``dir`` and the PROJECT stream as read, so both are
    edited here before its save() serialises them."""
    project = wb.vba_project()
    raw, delta = rename_dir_project(project.dir_raw, name)
    project.dir_raw = raw
    project.dir_modules_offset += delta
    project.dir_structure_dirty = True
    project.name = name
    cfb = wb._get_cfb()  # noqa: SLF001 - pyOpenVBA pinned <7 (pyproject)
    text = cfb.get_stream("PROJECT").decode("latin-1")
    text, n = re.subn(r'(?m)^Name="[^"\r\n]*"', f'Name="{name}"', text)
    if n != 1:
        raise ValueError("no Name= line in the VBA PROJECT stream")
    cfb.write_stream("PROJECT", text.encode("latin-1"))


def _edit_vba(staging: Path, dest: Path) -> list[str]:
    from pyopenvba import ExcelFile

    source = vba_callback_source()
    with ExcelFile(staging) as wb:
        if CALLBACK_MODULE in wb.module_names():
            wb.set_module(CALLBACK_MODULE, source)
        else:
            wb.vba_project().add_module(CALLBACK_MODULE, source)  # standard module
        src = wb.get_module("xlwings")
        old, new = PROJECT_CONST.format(OLD_PROJECT), PROJECT_CONST.format(NEW_PROJECT)
        if src.count(old) == 1:
            wb.set_module("xlwings", src.replace(old, new))
        elif src.count(new) != 1:
            raise ValueError("PROJECT_NAME constant not found in the template's xlwings module")
        _rename_project(wb, NEW_PROJECT)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. a signature being dropped: fail loudly
            wb.save(dest)
    with ExcelFile(dest) as wb:
        return wb.validate()


# ---------------------------------------------------------------- build

def build_addin(out_path, interpreter: str | None = None, *, platform: str | None = None,
                template: str | Path | None = None) -> Path:
    """Build ``jjj_xl.xlam`` at ``out_path`` (must end in .xlam); returns its absolute path.

    ``interpreter``: the Python executable the buttons run, written into the add-in's
    own, enabled ``jjj_xl.conf`` sheet (Interpreter_Win, or Interpreter_Mac when
    ``platform`` is "darwin"). Default :func:`default_interpreter`: the Python that runs
    this build, i.e. the one that has jjj-xl installed. A ``jjj_xl.conf`` sheet in the
    active workbook still overrides it (xlwings reads that first).
    """
    out = Path(out_path).expanduser().resolve()
    if out.suffix.lower() != ".xlam":
        raise InputError(f"the add-in file must end in .xlam, not {out.name!r}")
    try:
        import pyopenvba  # noqa: F401
    except ImportError:
        raise InputError(f"building the add-in needs pyOpenVBA: {PIP_HINT}") from None
    platform = platform or sys.platform
    interpreter = str(interpreter) if interpreter else default_interpreter()
    template = Path(template) if template is not None else template_path()
    with zipfile.ZipFile(template) as z:
        rels, wbxml = z.read("_rels/.rels"), z.read("xl/workbook.xml")
        sheet, sst = z.read("xl/worksheets/sheet1.xml"), z.read("xl/sharedStrings.xml")
    replace = {
        CUSTOMUI_PART: customui_xml().encode("utf-8"),
        "_rels/.rels": fix_package_rels(rels),
        "xl/workbook.xml": rename_conf_sheet(wbxml, active=True),
        "xl/worksheets/sheet1.xml": set_interpreter(sheet, sst, interpreter, platform),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.tmp.xlam")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            staging = Path(tmp) / "staging.xlam"
            rewrite_zip(template, staging, replace)
            problems = _edit_vba(staging, tmp_out)
        if problems:
            raise RuntimeError(f"pyOpenVBA validate() reported: {problems}")
        os.replace(tmp_out, out)
    finally:
        tmp_out.unlink(missing_ok=True)
    return out


# ---------------------------------------------------------------- install

def startup_folder(platform: str | None = None, environ=None, home: Path | None = None) -> Path:
    """Excel's per-user startup folder (XLSTART); InputError where Excel cannot run."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    if platform == "win32":
        appdata = environ.get("APPDATA")
        if not appdata:
            raise InputError("APPDATA is not set, so Excel's XLSTART folder is unknown: copy "
                             f"{ADDIN_FILENAME} to %APPDATA%\\Microsoft\\Excel\\XLSTART yourself")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        home = Path(home) if home is not None else Path.home()
        if not (home / MAC_CONTAINER).is_dir():
            raise InputError(f"Excel for Mac's folder {home / MAC_CONTAINER} was not found: start "
                             f"Excel once, or run `xlwings addin install --file {ADDIN_FILENAME}`")
        return home / MAC_STARTUP
    raise InputError(NOT_HERE)


def install_addin(path=None, *, interpreter: str | None = None, platform: str | None = None,
                  environ=None, home: Path | None = None) -> Path:
    """Put the add-in into Excel's startup folder as ``jjj_xl.xlam``; returns the installed path.

    ``path``: an add-in built with :func:`build_addin`; None builds a fresh one in place,
    naming ``interpreter`` (default: this Python) in its config sheet.
    Restart Excel afterwards. On macOS also run ``xlwings runpython install`` once.
    """
    folder = startup_folder(platform, environ, home)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / ADDIN_FILENAME
    if path is None:  # build for this Python (or --interpreter)
        return build_addin(dest, interpreter, platform=platform)
    src = Path(path).expanduser()
    if not src.is_file():
        raise InputError(f"no add-in at {src}: build it first with jjj-xl addin build")
    tmp = folder / f".{dest.stem}.{uuid.uuid4().hex[:8]}.tmp.xlam"
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except PermissionError:
        raise InputError(f"cannot replace {dest}: it is in use, close Excel and try again") from None
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def install_hint(platform: str | None = None) -> str:
    """What to do after installing (ASCII, safe for any console)."""
    platform = platform or sys.platform
    text = ("Restart Excel: the JJJ tab appears on the ribbon. Check it with `jjj-xl addin doctor`; "
            "rebuild (`jjj-xl addin install`) after every xlwings upgrade.")
    if platform == "darwin":
        text += " Run `xlwings runpython install` once so Excel can start Python."
    return text


# ---------------------------------------------------------------- doctor

APPLESCRIPT_DIR = Path("Library", "Application Scripts", "com.microsoft.Excel")
PROBE = ("import sys, jjj_xl, xlwings; "
         "print(jjj_xl.__version__); print(xlwings.__version__); print(sys.executable)")


def read_addin(path) -> dict:
    """What a built add-in will do: ``{"conf_sheet": name or None, "config": {KEY: value},
    "project": VBA project name or None, "xlwings": version its VBA was taken from or None}``.

    Config keys are upper-cased, as xlwings' ``GetConfigFromSheet`` stores them. The
    VBA part needs pyOpenVBA; without it ``project`` and ``xlwings`` are None.
    """
    path = Path(path)
    info: dict = {"conf_sheet": None, "config": {}, "project": None, "xlwings": None}
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        strings = []
        if "xl/sharedStrings.xml" in z.namelist():
            sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
            strings = ["".join(si.itertext()) for si in sst.findall(f"{{{SPREADSHEET_NS}}}si")]
        for sh in wb.iter(f"{{{SPREADSHEET_NS}}}sheet"):
            if sh.get("name", "").lower() != CONF_SHEET.lower():
                continue
            info["conf_sheet"] = sh.get("name")
            target = rels[sh.get(f"{{{rel_ns}}}id")].lstrip("/")
            part = target if target.startswith("xl/") else f"xl/{target}"
            cells = {}
            for c in ET.fromstring(z.read(part)).iter(f"{{{SPREADSHEET_NS}}}c"):
                v = c.find(f"{{{SPREADSHEET_NS}}}v")
                if c.get("t") == "s" and v is not None:
                    val = strings[int(v.text)]
                elif c.get("t") == "inlineStr":
                    val = "".join(c.find(f"{{{SPREADSHEET_NS}}}is").itertext())
                else:
                    val = v.text if v is not None else ""
                cells[c.get("r")] = val
            rows = sorted({int(re.sub(r"\D", "", r)) for r in cells if r.startswith("A")})
            for r in rows:
                if cells.get(f"A{r}"):
                    info["config"][cells[f"A{r}"].upper()] = cells.get(f"B{r}", "") or ""
    try:
        from pyopenvba import ExcelFile
    except ImportError:
        return info
    with ExcelFile(path) as wbv:
        info["project"] = wbv.vba_project().name
        if "xlwings" in wbv.module_names():
            m = VERSION_CONST.search(wbv.get_module("xlwings"))
            info["xlwings"] = m.group(1) if m else None
    return info


def doctor(path=None, *, platform: str | None = None, environ=None, home: Path | None = None,
           run=None) -> tuple[bool, list[str]]:
    """Check what Excel will run when a JJJ button is pressed; ``(all good, report lines)``.

    ``path``: the add-in (default: the one installed in Excel's startup folder). The
    interpreter named in its config sheet is started in a subprocess (``run``, default
    :func:`subprocess.run`) to see whether it imports jjj_xl and which xlwings it has.
    """
    import subprocess

    run = run or subprocess.run
    platform = platform or sys.platform
    lines: list[str] = []
    ok = True

    def bad(text):
        nonlocal ok
        ok = False
        lines.append("PROBLEM: " + text)

    if path is None:
        try:
            path = startup_folder(platform, environ, home) / ADDIN_FILENAME
        except InputError as err:
            return False, [f"PROBLEM: {err}", "Pass the add-in to check: jjj-xl addin doctor --file jjj_xl.xlam"]
    path = Path(path).expanduser()
    lines.append(f"add-in: {path}")
    if not path.is_file():
        bad(f"no add-in at {path}. Fix: jjj-xl addin install (builds it for this Python)")
        return ok, lines
    try:
        info = read_addin(path)
    except (zipfile.BadZipFile, KeyError, ET.ParseError) as err:
        bad(f"{path.name} is not a readable add-in ({type(err).__name__}). Fix: jjj-xl addin install")
        return ok, lines
    if info["project"] is not None:
        lines.append(f"VBA project: {info['project']}")
        if info["project"].lower() == OLD_PROJECT:
            bad("the VBA project is still the template's MyAddin. Fix: jjj-xl addin install")
    if info["conf_sheet"] is None:
        bad(f"the add-in has no enabled {CONF_SHEET} sheet, so Excel runs `python` from PATH. "
            "Fix: jjj-xl addin install")
    key = interpreter_key(platform)
    exe = info["config"].get(key.upper(), "")
    lines.append(f"interpreter ({key} in {CONF_SHEET}): {exe or '(empty)'}")
    if info["conf_sheet"] is not None and not exe:
        bad(f"no {key} in the add-in, so Excel runs `python` from PATH "
            "(Windows: often the Microsoft Store stub; macOS: none). Fix: jjj-xl addin install")
    here = None
    try:
        import xlwings

        here = xlwings.__version__
    except ImportError:
        pass
    lines.append(f"xlwings: add-in built with {info['xlwings'] or 'unknown'}; this Python has {here or 'none'}")
    if exe:
        expanded = os.path.expandvars(exe)
        if not Path(expanded).is_file():
            bad(f"{expanded} does not exist here. Fix: jjj-xl addin install (with the Python that has "
                "jjj-xl), or --interpreter PATH")
        else:
            try:
                res = run([expanded, "-c", PROBE], capture_output=True, text=True, timeout=180)
            except (OSError, subprocess.SubprocessError) as err:
                res = None
                bad(f"{expanded} could not be started: {err}")
            if res is not None and res.returncode != 0:
                last = (res.stderr or res.stdout or "").strip().splitlines()[-1:] or ["no output"]
                bad(f"{expanded} cannot import jjj_xl and xlwings: {last[0]}. Fix: {expanded} -m pip "
                    "install jjj-xl, or rebuild with --interpreter pointing at the Python that has it")
            elif res is not None:
                out = res.stdout.strip().splitlines()
                jv, xv = (out + ["?", "?"])[:2]
                lines.append(f"that interpreter imports jjj_xl {jv} and xlwings {xv}")
                if info["xlwings"] and xv != info["xlwings"]:
                    bad(f"the add-in was built with xlwings {info['xlwings']} but the interpreter has "
                        f"{xv}; the add-in's VBA calls xlwings64-{info['xlwings']}.dll / "
                        f"xlwings-{info['xlwings']}.applescript. Fix: rebuild after every xlwings "
                        "upgrade: jjj-xl addin install")
    if platform == "darwin" and info["xlwings"]:
        home = Path(home) if home is not None else Path.home()
        script = home / APPLESCRIPT_DIR / f"xlwings-{info['xlwings']}.applescript"
        if not script.is_file():
            bad(f"{script} is missing, so Excel cannot start Python. Fix: xlwings runpython install")
    if ok:
        lines.append("OK: the JJJ buttons will run this interpreter. (A jjj_xl.conf sheet in the "
                     "active workbook would override it.)")
    return ok, lines
