"""Embed jjj-xl in a workbook for xlwings Lite (``jjj-xl share BOOK --lite --out FILE``).

xlwings Lite keeps a workbook's Python code *inside the workbook*: ``main.py`` and
``requirements.txt`` are settings of the Lite add-in, which Office stores in the
package's web-extension part. :func:`embed_lite` writes a copy of a workbook whose
web extension references xlwings Lite and holds a ``main.py`` that registers every
JJJ_* function and workbook script and carries the jjj-xl modules they need (jjj-xl is
not on PyPI), plus a ``requirements.txt`` naming only numpy, pandas and xlwings;
:func:`read_lite` reads those settings back.

Format: what is confirmed, and by what
--------------------------------------
Confirmed by Microsoft's specifications and Office-written files:

- The parts and their wiring, [MS-OWEXML] "Office Web Extensibility Extensions to
  Office Open XML" (https://learn.microsoft.com/en-us/openspecs/office_file_formats/ms-owexml/):
  ``/xl/webextensions/taskpanes.xml`` (``wetp:taskpanes`` > ``wetp:taskpane`` >
  ``wetp:webextensionref r:id``), reached from the package root by a relationship of
  type ``http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes``;
  ``/xl/webextensions/webextensionN.xml`` (``we:webextension`` > ``we:reference``,
  ``we:alternateReferences``, ``we:properties`` > ``we:property name value``,
  ``we:bindings``, ``we:snapshot``), reached from taskpanes.xml by
  ``.../2011/relationships/webextension``; content types
  ``application/vnd.ms-office.webextensiontaskpanes+xml`` and
  ``application/vnd.ms-office.webextension+xml``. ``storeType="OMEX"`` means the
  Office store (CT_OsfWebExtensionReference, [MS-OWEXML] 2.2.5). Element order and
  attribute spelling follow files Excel wrote for a store add-in (e.g. GitHub
  dev-forhad/bhalojob ``xl/webextensions/webextension1.xml`` and ``taskpanes.xml``).
- Add-in settings (``Office.context.document.settings``, "stored in the host document
  as name/value pairs ... per add-in and per document",
  https://learn.microsoft.com/en-us/javascript/api/office/office.settings) are those
  ``we:property`` elements, each value JSON-serialised: a string setting is stored as
  ``value="&quot;...&quot;"`` (SheetJS/sheetjs issue #1952; an Office-written example
  ``<we:property name="claude.fileId" value="&quot;e1c6&quot;"/>`` is quoted in a
  public test fixture found by code search).
- xlwings Lite is an Office-store (AppSource) add-in with asset id ``WA200008175``
  (https://marketplace.microsoft.com/en-us/product/office/WA200008175); its docs say
  "Python code is stored inside the workbook" (https://lite.xlwings.org) and that
  dependencies live in ``requirements.txt`` (https://lite.xlwings.org/dependencies),
  with an upper bound rather than an exact pin recommended for xlwings itself.

Confirmed only by third-party inspection of a Lite workbook (xlwings' own
``taxi_local.xlsx`` example, unpacked in GitHub kuailexiaozixin/xlwings
``references/15-xlwings-lite-guidance.md`` §7.2-7.3; a second Lite-saved workbook in
another public repo shows the same store id ``wa200008175``):

- the web extension's ``we:reference id`` is ``wa200008175`` (OMEX);
- the code is in ``<we:property name="main.py" value="..."/>`` and the dependencies
  in ``<we:property name="requirements.txt" .../>``, each value a JSON string inside
  the XML attribute (recovered with XML-unescape + ``json.loads``);
- Lite also keeps ``xlwingsWorkbookId``, ``pyodideVersion``, ``addinVersion`` and
  workbook settings there; we do not write those (Lite adds them the first time it
  saves the workbook) and we keep them when replacing code in a Lite workbook.

Assumed (not confirmed here): the ``we:reference`` ``version="1.0.0.0"`` and
``store="en-US"`` plus an ``alternateReferences`` entry with ``store="WA200008175"``
(copied from how Excel writes other store add-ins); that a visible task pane
(``visibility="1"``) makes Excel load Lite on open; that Lite imports ``main.py`` as a
module and registers what its namespace holds with ``xlwings.server``'s
``custom_functions_meta``/``custom_scripts_meta`` (what xlwings Server does, and what
``tests/test_lite.py`` checks). Whether Excel with xlwings Lite opens the file and
installs ``jjj-xl`` (it must be on PyPI) cannot be checked without Excel.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from .. import __version__
from ..errors import InputError

LITE_STORE_ID = "WA200008175"
LITE_REFERENCE = {"id": LITE_STORE_ID.lower(), "version": "1.0.0.0", "store": "en-US",
                  "storeType": "OMEX"}
LITE_ALTERNATE = {"id": LITE_STORE_ID, "version": "1.0.0.0", "store": LITE_STORE_ID,
                  "storeType": "OMEX"}
MAIN_PY, REQUIREMENTS = "main.py", "requirements.txt"

NS_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
NS_WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
CT_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"

TASKPANES_PART = "xl/webextensions/taskpanes.xml"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'



def _udf_names() -> tuple:
    """Every function of jjj_xl/excel/udfs.py decorated with ``@func``, in file order (read
    from the source, so a function added there is registered in the Lite copy too)."""
    import ast

    tree = ast.parse(Path(__file__).with_name("udfs.py").read_text(encoding="utf-8"))

    def is_func(d):
        return (isinstance(d, ast.Name) and d.id == "func") or \
            (isinstance(d, ast.Attribute) and d.attr == "func")
    return tuple(node.name for node in tree.body
                 if isinstance(node, ast.FunctionDef) and any(map(is_func, node.decorator_list)))


# Excel functions (jjj_xl.excel.udfs) and workbook scripts (jjj_xl.excel.macros) that main.py registers.
FUNCTIONS = _udf_names()
SCRIPTS = ("jjj_compute_all", "jjj_weights", "jjj_scores", "jjj_validate", "jjj_clear_outputs")
# macros.jjj_coupling (a script) shares its name with the JJJ_COUPLING function; in one
# main.py namespace the script is therefore registered under this name.
COUPLING_SCRIPT = "jjj_coupling_only"


# ---------------------------------------------------------------- main.py / requirements.txt

# Where the embedded copy starts: the modules main.py imports; everything they import at
# module level inside jjj_xl is found by :func:`embedded_modules` (so the copy follows the
# package as it changes: it is generated at export and cannot drift).
LITE_ROOTS = ("jjj_xl.excel.udfs", "jjj_xl.excel.macros", "jjj_xl.workbook.actions",
              "jjj_xl.workbook.after_d")   # actions imports it inside run_action
# What the Lite copy may ask Lite to install: packages Pyodide ships (numpy, pandas) and
# xlwings from PyPI. jjj-xl itself is NOT on PyPI: it travels inside main.py.
LITE_REQUIREMENTS = ("numpy", "pandas", "xlwings")


def _package_root() -> Path:
    return Path(__file__).resolve().parent.parent      # .../jjj_xl


def _module_file(name: str) -> tuple[Path, bool]:
    """(source file, is a package) of module ``name`` inside jjj_xl."""
    rel = Path(*name.split(".")[1:])
    base = _package_root() / rel
    if (base / "__init__.py").is_file():
        return base / "__init__.py", True
    return base.with_suffix(".py"), False


def _top_level_imports(name: str, tree, is_pkg: bool) -> set[str]:
    """jjj_xl modules imported by ``name`` at module level (not inside functions)."""
    import ast

    found: set[str] = set()
    package = name if is_pkg else name.rpartition(".")[0]

    def visit(nodes):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.split(".")[0] == "jjj_xl")
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1])
                    mod = f"{base}.{node.module}" if node.module else base
                else:
                    mod = node.module or ""
                if mod.split(".")[0] != "jjj_xl":
                    continue
                found.add(mod)
                for alias in node.names:   # `from . import layout` imports a module
                    candidate = f"{mod}.{alias.name}"
                    if _module_file(candidate)[0].is_file():
                        found.add(candidate)
            for field in ("body", "orelse", "finalbody", "handlers"):
                visit(getattr(node, field, []) or [])

    visit(tree.body)
    return found


def embedded_modules() -> dict[str, tuple[bool, str]]:
    """``{module name: (is a package, source)}``: every jjj_xl module the Lite copy needs,
    read from this installed package now (its parent packages included)."""
    import ast

    todo, seen = list(LITE_ROOTS), {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))   # parent packages
        path, is_pkg = _module_file(name)
        source = path.read_text(encoding="utf-8")
        seen[name] = (is_pkg, source)
        todo.extend(_top_level_imports(name, ast.parse(source), is_pkg))
    return dict(sorted(seen.items()))


def _literal(text: str) -> str:
    """``text`` as a readable triple-quoted Python literal that evaluates to exactly ``text``."""
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    return f'"""{body}"""'


_LOADER = '''

class _EmbeddedJJJ(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the jjj_xl modules above. Appended to sys.meta_path, it is asked last:
    an installed jjj_xl (none in Lite: it is not on PyPI) would win."""

    def find_spec(self, name, path=None, target=None):
        if name not in _JJJ_MODULES:
            return None
        is_pkg = _JJJ_MODULES[name][0]
        return importlib.util.spec_from_loader(name, self, origin=f"main.py:{name}", is_package=is_pkg)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        is_pkg, source = _JJJ_MODULES[module.__name__]
        if is_pkg:
            module.__path__ = []
        module.__file__ = f"<main.py: {module.__name__}>"
        exec(compile(source, module.__file__, "exec"), module.__dict__)


if not any(isinstance(f, _EmbeddedJJJ) or type(f).__name__ == "_EmbeddedJJJ" for f in sys.meta_path):
    sys.meta_path.append(_EmbeddedJJJ())
'''


def lite_main_py() -> str:
    """The ``main.py`` embedded for xlwings Lite: self-contained.

    It carries the jjj_xl modules the functions and scripts need (:func:`embedded_modules`:
    the engine ``jjj_xl.methods``, ``jjj_xl.errors``, the workbook actions and the Excel
    adapters), verbatim, as strings served by a small import hook, so Lite needs only
    numpy, pandas (both shipped with Pyodide) and xlwings. Lite registers the decorated
    functions found in main.py's namespace, so the decorated objects of
    :mod:`jjj_xl.excel.udfs` and :mod:`jjj_xl.excel.macros` are imported by name. The
    script ``jjj_coupling`` is the one exception: its name belongs to the JJJ_COUPLING
    function here, so a thin script ``jjj_coupling_only`` runs the same action.
    """
    funcs = "".join(f"    {name},\n" for name in FUNCTIONS)
    scripts = "".join(f"    {name},\n" for name in SCRIPTS)
    modules = embedded_modules()
    listing = "".join(f"#   {name}\n" for name in modules)
    table = "".join(f"    {name!r}: ({is_pkg}, {_literal(src)}),\n\n"
                    for name, (is_pkg, src) in modules.items())
    return f'''"""jjj-xl in xlwings Lite: entropy weights, TOPSIS and coupling coordination degree.

Written by `jjj-xl share --lite` (jjj-xl {__version__}). Self-contained: the jjj-xl code is
embedded below (jjj-xl is not on PyPI), so requirements.txt needs only numpy, pandas and
xlwings. To update it, export again with a newer jjj-xl rather than editing by hand.

Excel functions: =JJJ_ENTROPY_WEIGHTS(data, directions), =JJJ_TOPSIS(...), =JJJ_COUPLING(...), ...
Scripts (run from the xlwings Lite task pane) work on a jjj-xl template workbook:
jjj_compute_all, jjj_weights, jjj_scores, {COUPLING_SCRIPT}, jjj_validate, jjj_clear_outputs.
"""

import importlib.abc
import importlib.util
import sys

# ---------------------------------------------------------------- embedded jjj-xl {__version__}
# The source of these modules of the jjj_xl package, verbatim:
{listing}
_JJJ_MODULES = {{
{table}}}
{_LOADER}
# ---------------------------------------------------------------- what Lite registers

import xlwings as xw  # noqa: E402
from xlwings import script  # noqa: E402

from jjj_xl.workbook.actions import run_action  # noqa: E402
from jjj_xl.errors import InputError  # noqa: E402

# Excel functions (custom functions): the decorated objects themselves
from jjj_xl.excel.udfs import (  # noqa: F401,E402
{funcs})

# Workbook scripts
from jjj_xl.excel.macros import (  # noqa: F401,E402
{scripts})


@script
def {COUPLING_SCRIPT}(book: xw.Book):
    """Compute the coupling coordination only (the name JJJ_COUPLING is the Excel function's)."""
    try:
        run_action(book, "coupling")
    except InputError as err:
        raise xw.XlwingsError(str(err)) from None
'''


def lite_requirements() -> str:
    """The ``requirements.txt`` embedded for xlwings Lite: only :data:`LITE_REQUIREMENTS`.

    numpy and pandas are not pinned: Pyodide provides them and their version is tied to
    the Pyodide release ("don't pin it", https://lite.xlwings.org/dependencies). xlwings
    gets a floor (the version the dispatch was tested with at export) and the upper bound
    Lite's docs recommend.
    """
    import xlwings

    return ("# jjj-xl itself is embedded in main.py; numpy and pandas come with Pyodide\n"
            "numpy\n"
            "pandas\n"
            f"xlwings>={xlwings.__version__},<1.0.0\n")


# ---------------------------------------------------------------- XML helpers

def _attr(value) -> str:
    return escape(str(value), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _setting(value) -> str:
    """A setting value as Office stores it: JSON, then XML-attribute escaped."""
    return _attr(json.dumps(value, ensure_ascii=False))


def _parse(data: bytes):
    import defusedxml.ElementTree as DET

    return DET.fromstring(data)


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(source_part: str, target: str) -> str:
    """A relationship target -> part name (no leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target))


def _relationships(parts: dict, rels_part: str) -> list[dict]:
    if rels_part not in parts:
        return []
    root = _parse(parts[rels_part])
    return [dict(el.attrib) for el in root.iter(f"{{{NS_PKG_REL}}}Relationship")]


def _new_rel_id(rels: list[dict]) -> str:
    taken = {r.get("Id") for r in rels}
    n = 1
    while f"rId{n}" in taken:
        n += 1
    return f"rId{n}"


def _insert_before_close(xml: bytes, local_name: str, fragment: str) -> bytes:
    """Insert ``fragment`` before the root's closing tag ``</[prefix:]local_name>``.

    The rest of the part is kept byte for byte.
    """
    text = xml.decode("utf-8")
    found = list(re.finditer(rf"</(?:[\w.-]+:)?{local_name}\s*>", text))
    if not found:
        raise InputError(f"damaged workbook package: no </{local_name}> in a package part")
    at = found[-1].start()
    return (text[:at] + fragment + text[at:]).encode("utf-8")


def _add_override(content_types: bytes, part: str, content_type: str) -> bytes:
    root = _parse(content_types)
    for el in root.iter(f"{{{NS_CT}}}Override"):
        if el.get("PartName", "").lstrip("/") == part:
            if el.get("ContentType") != content_type:
                raise InputError(f"/{part} is already declared as {el.get('ContentType')}")
            return content_types
    frag = f'<Override PartName="/{_attr(part)}" ContentType="{_attr(content_type)}"/>'
    return _insert_before_close(content_types, "Types", frag)


def _webextension_xml(properties: dict, *, ext_id: str, reference=None, alternates=None) -> bytes:
    """A ``we:webextension`` part; ``properties`` values are already JSON text."""
    ref = reference or LITE_REFERENCE
    alts = LITE_ALTERNATE if alternates is None else alternates
    alts = [alts] if isinstance(alts, dict) else list(alts)

    def reference_el(attrs):
        keys = ("id", "version", "store", "storeType")
        return "<we:reference " + " ".join(f'{k}="{_attr(attrs[k])}"' for k in keys if k in attrs) + "/>"

    props = "".join(f'<we:property name="{_attr(name)}" value="{_attr(raw)}"/>'
                    for name, raw in properties.items())
    alt = ("<we:alternateReferences>" + "".join(reference_el(a) for a in alts)
           + "</we:alternateReferences>") if alts else "<we:alternateReferences/>"
    xml = (f'{XML_DECL}<we:webextension xmlns:we="{NS_WE}" id="{_attr(ext_id)}">'
           f"{reference_el(ref)}{alt}"
           f"<we:properties>{props}</we:properties><we:bindings/>"
           f'<we:snapshot xmlns:r="{NS_R}"/></we:webextension>')
    return xml.encode("utf-8")


def _taskpane(rel_id: str, row: int, *, declare: bool = False) -> str:
    """A visible task pane docked right; ``declare`` binds ``wetp:`` locally (for
    insertion into a part that may use another prefix)."""
    xmlns = f' xmlns:wetp="{NS_WETP}"' if declare else ""
    return (f'<wetp:taskpane{xmlns} dockstate="right" visibility="1" width="400" row="{row}">'
            f'<wetp:webextensionref xmlns:r="{NS_R}" r:id="{_attr(rel_id)}"/></wetp:taskpane>')


def _is_lite(webext_root) -> bool:
    refs = [webext_root.find(f"{{{NS_WE}}}reference")]
    refs += webext_root.findall(f"{{{NS_WE}}}alternateReferences/{{{NS_WE}}}reference")
    return any(r is not None and r.get("id", "").upper() == LITE_STORE_ID for r in refs)


def _taskpane_webextensions(parts: dict) -> tuple[str | None, list[str]]:
    """(taskpanes part or None, the web-extension parts its task panes reference)."""
    for rel in _relationships(parts, "_rels/.rels"):
        if rel.get("Type") == REL_TASKPANES:
            taskpanes = _resolve("", rel.get("Target", ""))
            if taskpanes not in parts:
                raise InputError(f"damaged workbook package: {taskpanes} is referenced but missing")
            by_id = {r.get("Id"): _resolve(taskpanes, r.get("Target", ""))
                     for r in _relationships(parts, _rels_path(taskpanes))
                     if r.get("Type") == REL_WEBEXTENSION}
            root = _parse(parts[taskpanes])
            refs = [el.get(f"{{{NS_R}}}id") for el in root.iter(f"{{{NS_WETP}}}webextensionref")]
            return taskpanes, [by_id[r] for r in refs if r in by_id and by_id[r] in parts]
    return None, []


def _lite_part(parts: dict) -> str | None:
    _, webexts = _taskpane_webextensions(parts)
    for part in webexts:
        if _is_lite(_parse(parts[part])):
            return part
    return None


# ---------------------------------------------------------------- package read/write

def _read_package(path: Path) -> tuple[list[zipfile.ZipInfo], dict]:
    from ..workbook.book import check_zip

    check_zip(path)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        parts = {i.filename: zf.read(i.filename) for i in infos}
    for needed in ("[Content_Types].xml", "_rels/.rels"):
        if needed not in parts:
            raise InputError(f"{path.name} is not an Excel workbook package ({needed} missing)")
    return infos, parts


def _write_package(out: Path, infos, parts: dict) -> None:
    known = {i.filename for i in infos}
    tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.tmp{out.suffix}")
    try:
        with zipfile.ZipFile(tmp, "w") as zout:
            for info in infos:
                zi = zipfile.ZipInfo(info.filename, info.date_time)
                zi.compress_type = info.compress_type
                zi.external_attr = info.external_attr
                zi.create_system = info.create_system
                zout.writestr(zi, parts[info.filename])
            for name in parts:
                if name not in known:
                    zout.writestr(name, parts[name], compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def embed_lite(src_xlsx, out_xlsx, *, main_py: str | None = None,
               requirements: str | None = None) -> Path:
    """Write a copy of ``src_xlsx`` to ``out_xlsx`` with jjj-xl embedded for xlwings Lite.

    Adds the xlwings Lite web extension (task pane part, web-extension part, their
    relationships and content types) holding ``main.py`` (default :func:`lite_main_py`)
    and ``requirements.txt`` (default :func:`lite_requirements`). If the workbook
    already carries xlwings Lite, only those two settings are replaced (its other
    settings and any other add-ins stay). The copy is written to a temporary name and
    renamed, so ``out_xlsx`` is never left half written; it may equal ``src_xlsx``.
    Returns the absolute output path.
    """
    src = Path(src_xlsx).expanduser()
    out = Path(out_xlsx).expanduser().resolve()
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"the Lite copy must be an .xlsx or .xlsm file, not {out.name!r}")
    infos, parts = _read_package(src)
    ours = {MAIN_PY: json.dumps(lite_main_py() if main_py is None else main_py, ensure_ascii=False),
            REQUIREMENTS: json.dumps(lite_requirements() if requirements is None else requirements,
                                     ensure_ascii=False)}

    existing = _lite_part(parts)
    if existing is not None:  # a Lite workbook: replace the code, keep the rest
        root = _parse(parts[existing])
        props = {el.get("name"): el.get("value", "")
                 for el in root.iter(f"{{{NS_WE}}}property")}
        props.update(ours)
        ref = root.find(f"{{{NS_WE}}}reference")
        alts = [dict(el.attrib) for el in
                root.findall(f"{{{NS_WE}}}alternateReferences/{{{NS_WE}}}reference")]
        parts[existing] = _webextension_xml(
            props, ext_id=root.get("id") or _new_ext_id(),
            reference=dict(ref.attrib) if ref is not None else None, alternates=alts)
    else:
        taskpanes, _ = _taskpane_webextensions(parts)
        n = 1
        while f"xl/webextensions/webextension{n}.xml" in parts:
            n += 1
        webext = f"xl/webextensions/webextension{n}.xml"
        parts[webext] = _webextension_xml(ours, ext_id=_new_ext_id())
        ct = _add_override(parts["[Content_Types].xml"], webext, CT_WEBEXTENSION)
        if taskpanes is None:
            taskpanes = TASKPANES_PART
            if taskpanes in parts:
                raise InputError(f"{src.name} has a {taskpanes} that the package does not reference")
            parts[taskpanes] = (f'{XML_DECL}<wetp:taskpanes xmlns:wetp="{NS_WETP}">'
                                f"{_taskpane('rId1', 1)}</wetp:taskpanes>").encode("utf-8")
            parts[_rels_path(taskpanes)] = (
                f'{XML_DECL}<Relationships xmlns="{NS_PKG_REL}">'
                f'<Relationship Id="rId1" Type="{REL_WEBEXTENSION}" '
                f'Target="{posixpath.basename(webext)}"/></Relationships>').encode("utf-8")
            root_rels = _relationships(parts, "_rels/.rels")
            parts["_rels/.rels"] = _insert_before_close(
                parts["_rels/.rels"], "Relationships",
                f'<Relationship Id="{_new_rel_id(root_rels)}" Type="{REL_TASKPANES}" '
                f'Target="{taskpanes}"/>')
            ct = _add_override(ct, taskpanes, CT_TASKPANES)
        else:  # other add-ins' task panes: add ours beside them
            tp_rels_part = _rels_path(taskpanes)
            tp_rels = _relationships(parts, tp_rels_part)
            rel_id = _new_rel_id(tp_rels)
            rel = (f'<Relationship Id="{rel_id}" Type="{REL_WEBEXTENSION}" '
                   f'Target="{posixpath.basename(webext)}"/>')
            if tp_rels_part in parts:
                parts[tp_rels_part] = _insert_before_close(parts[tp_rels_part], "Relationships", rel)
            else:
                parts[tp_rels_part] = (f'{XML_DECL}<Relationships xmlns="{NS_PKG_REL}">{rel}'
                                       f"</Relationships>").encode("utf-8")
            rows = [int(el.get("row", "0") or 0)
                    for el in _parse(parts[taskpanes]).iter(f"{{{NS_WETP}}}taskpane")]
            parts[taskpanes] = _insert_before_close(parts[taskpanes], "taskpanes",
                                                    _taskpane(rel_id, max(rows, default=0) + 1,
                                                              declare=True))
        parts["[Content_Types].xml"] = ct

    out.parent.mkdir(parents=True, exist_ok=True)
    _write_package(out, infos, parts)
    return out


def _new_ext_id() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


def read_lite(path) -> dict:
    """The xlwings Lite settings embedded in a workbook, e.g. ``{"main.py": ..., "requirements.txt": ...}``.

    Values are decoded from JSON (a value that is not JSON is returned as stored).
    Returns ``{}`` when the workbook carries no xlwings Lite web extension.
    """
    _, parts = _read_package(Path(path).expanduser())
    part = _lite_part(parts)
    if part is None:
        return {}
    out = {}
    for el in _parse(parts[part]).iter(f"{{{NS_WE}}}property"):
        raw = el.get("value", "")
        try:
            out[el.get("name")] = json.loads(raw)
        except ValueError:
            out[el.get("name")] = raw
    return out
