"""``jjj-xl share --lite``: jjj-xl embedded in a workbook's xlwings Lite web extension.

Checks the package (parts, XML, content types, relationships, the JSON-in-attribute
settings), that the copy still opens (openpyxl, LibreOffice), and that the embedded
main.py, imported as a module, registers and runs every function and script through
xlwings' own Server/Lite dispatch. Opening the copy in Excel with the Lite add-in
cannot be checked here.
"""

import json
import posixpath
import sys
import warnings
import zipfile

import defusedxml.ElementTree as DET
import numpy as np
import pytest
from openpyxl import load_workbook

import jjj_xl as jx
from jjj_xl.workbook import layout
from jjj_xl.excel import lite
from jjj_xl.datasets import load_sample
from jjj_xl.errors import InputError
from jjj_xl.workbook.templates import build_template

from . import xlserver
from .libreoffice import convert, pdf_pages
from .test_macros_server import filled, frame_at, payload_of, touched_sheets

WE = "{http://schemas.microsoft.com/office/webextensions/webextension/2010/11}"
WETP = "{http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("lite")
    src = d / "template.xlsx"
    build_template("entropy_topsis_ccd").save(src)
    out = lite.embed_lite(src, d / "template_lite.xlsx")
    return src, out


def parts_of(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def rels(parts, name):
    return [el.attrib for el in DET.fromstring(parts[name]).iter(f"{PKG}Relationship")]


def overrides(parts):
    root = DET.fromstring(parts["[Content_Types].xml"])
    return {el.get("PartName"): el.get("ContentType") for el in root.iter(f"{CT}Override")}


# ---------------------------------------------------------------- the package


def test_parts_relationships_and_content_types(books):
    src, out = books
    parts = parts_of(out)
    for name, data in parts.items():  # every XML part still parses
        if name.endswith((".xml", ".rels")):
            DET.fromstring(data)
    # nothing else changed: same parts, same bytes, plus the web-extension parts
    before = parts_of(src)
    changed = {n for n in before if before[n] != parts[n]}
    assert changed == {"[Content_Types].xml", "_rels/.rels"}
    assert set(parts) - set(before) == {"xl/webextensions/taskpanes.xml",
                                        "xl/webextensions/_rels/taskpanes.xml.rels",
                                        "xl/webextensions/webextension1.xml"}
    # package root -> task panes -> web extension
    (root_rel,) = [r for r in rels(parts, "_rels/.rels") if r["Type"] == lite.REL_TASKPANES]
    assert root_rel["Target"] == "xl/webextensions/taskpanes.xml"
    assert len({r["Id"] for r in rels(parts, "_rels/.rels")}) == len(rels(parts, "_rels/.rels"))
    taskpanes = DET.fromstring(parts["xl/webextensions/taskpanes.xml"])
    (pane,) = taskpanes.findall(f"{WETP}taskpane")
    assert pane.get("dockstate") == "right" and pane.get("visibility") == "1"
    rid = pane.find(f"{WETP}webextensionref").get(R_ID)
    (tp_rel,) = rels(parts, "xl/webextensions/_rels/taskpanes.xml.rels")
    assert tp_rel["Id"] == rid and tp_rel["Type"] == lite.REL_WEBEXTENSION
    target = posixpath.join("xl/webextensions", tp_rel["Target"])
    assert target == "xl/webextensions/webextension1.xml"
    ct = overrides(parts)
    assert ct["/xl/webextensions/taskpanes.xml"] == "application/vnd.ms-office.webextensiontaskpanes+xml"
    assert ct["/xl/webextensions/webextension1.xml"] == "application/vnd.ms-office.webextension+xml"
    assert ct == {**overrides(before), "/xl/webextensions/taskpanes.xml": lite.CT_TASKPANES,
                  "/xl/webextensions/webextension1.xml": lite.CT_WEBEXTENSION}


def test_web_extension_references_lite_and_holds_the_code(books):
    _, out = books
    webext = DET.fromstring(parts_of(out)["xl/webextensions/webextension1.xml"])
    assert webext.tag == f"{WE}webextension" and webext.get("id").startswith("{")
    assert [child.tag[len(WE):] for child in webext] == [
        "reference", "alternateReferences", "properties", "bindings", "snapshot"]
    ref = webext.find(f"{WE}reference")
    assert ref.get("id").upper() == "WA200008175" and ref.get("storeType") == "OMEX"
    props = {p.get("name"): p.get("value") for p in webext.iter(f"{WE}property")}
    assert set(props) == {"main.py", "requirements.txt"}
    # Office settings are JSON: the attribute holds a JSON string, newlines escaped
    assert props["main.py"].startswith('"') and "\n" not in props["main.py"]
    assert json.loads(props["main.py"]) == lite.lite_main_py()
    assert json.loads(props["requirements.txt"]) == lite.lite_requirements()


def test_read_lite_round_trip(books):
    src, out = books
    got = lite.read_lite(out)
    assert got == {"main.py": lite.lite_main_py(), "requirements.txt": lite.lite_requirements()}
    reqs = got["requirements.txt"].splitlines()
    assert not any(r.startswith("jjj") for r in reqs)   # not on PyPI: embedded in main.py instead
    assert any(r.startswith("xlwings") for r in reqs)
    compile(got["main.py"], "main.py", "exec")
    assert lite.read_lite(src) == {}


def grid(ws):
    """Cell values; array formulas (compared by identity in openpyxl) as (ref, text)."""
    def value(v):
        return ("array", v.ref, v.text) if hasattr(v, "ref") and hasattr(v, "text") else v
    return [[value(c.value) for c in r] for r in ws.iter_rows()]


def test_still_opens_with_openpyxl(books):
    src, out = books
    a, b = load_workbook(src), load_workbook(out)
    assert a.sheetnames == b.sheetnames
    for ws in a.worksheets:
        assert grid(ws) == grid(b[ws.title])
    assert set(a.defined_names) == set(b.defined_names)


def test_embedding_again_replaces_the_code_and_keeps_lite_settings(books, tmp_path):
    _, out = books
    # a Lite-saved workbook also carries Lite's own settings: add one, as Lite would
    parts = parts_of(out)
    name = "xl/webextensions/webextension1.xml"
    parts[name] = parts[name].replace(
        b"<we:properties>",
        b'<we:properties><we:property name="xlwingsWorkbookId" value="&quot;abc-123&quot;"/>')
    lite_saved = tmp_path / "saved_by_lite.xlsx"
    with zipfile.ZipFile(lite_saved, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    again = lite.embed_lite(lite_saved, tmp_path / "again.xlsx", main_py="print('hi')\n")
    got = lite.read_lite(again)
    assert got == {"xlwingsWorkbookId": "abc-123", "main.py": "print('hi')\n",
                   "requirements.txt": lite.lite_requirements()}
    new = parts_of(again)
    assert sorted(n for n in new if "webextension" in n) == sorted(n for n in parts if "webextension" in n)
    assert new["[Content_Types].xml"] == parts["[Content_Types].xml"]
    assert new["_rels/.rels"] == parts["_rels/.rels"]
    # in place works too (temp file, then rename)
    lite.embed_lite(again, again)
    assert lite.read_lite(again)["main.py"] == lite.lite_main_py()
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def test_other_add_ins_are_kept(books, tmp_path):
    _, out = books
    other = tmp_path / "other_addin.xlsx"
    parts = parts_of(out)
    name = "xl/webextensions/webextension1.xml"
    parts[name] = parts[name].replace(b'id="wa200008175"', b'id="wa104381504"').replace(
        b'id="WA200008175"', b'id="WA104381504"').replace(b'store="WA200008175"', b'store="WA104381504"')
    with zipfile.ZipFile(other, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert lite.read_lite(other) == {}
    both = parts_of(lite.embed_lite(other, tmp_path / "both.xlsx"))
    for n, data in both.items():
        if n.endswith((".xml", ".rels")):
            DET.fromstring(data)
    assert both[name] == parts[name]  # the other add-in is untouched
    panes = DET.fromstring(both["xl/webextensions/taskpanes.xml"]).findall(f"{WETP}taskpane")
    tp_rels = {r["Id"]: r["Target"] for r in rels(both, "xl/webextensions/_rels/taskpanes.xml.rels")}
    targets = [tp_rels[p.find(f"{WETP}webextensionref").get(R_ID)] for p in panes]
    assert targets == ["webextension1.xml", "webextension2.xml"]
    assert overrides(both)["/xl/webextensions/webextension2.xml"] == lite.CT_WEBEXTENSION
    assert lite.read_lite(tmp_path / "both.xlsx")["main.py"] == lite.lite_main_py()


def test_bad_inputs(books, tmp_path):
    src, _ = books
    with pytest.raises(InputError, match=r"\.xlsx or \.xlsm"):
        lite.embed_lite(src, tmp_path / "copy.csv")
    text = tmp_path / "not_a_book.xlsx"
    text.write_text("hello")
    with pytest.raises(InputError, match="not an Excel"):
        lite.embed_lite(text, tmp_path / "out.xlsx")
    with pytest.raises(InputError, match="does not exist"):
        lite.embed_lite(tmp_path / "missing.xlsx", tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_libreoffice_opens_the_lite_copy(books, tmp_path):
    _, out = books
    pdf = convert(out, "pdf", tmp_path)
    assert pdf_pages(pdf) >= 1


# ---------------------------------------------------------------- the embedded main.py, run


@pytest.fixture(scope="module")
def main(books, tmp_path_factory):
    """The embedded main.py imported as module ``main`` with xlwings in Server/Lite mode."""
    code_dir = tmp_path_factory.mktemp("lite_main")
    (code_dir / "main.py").write_text(lite.read_lite(books[1])["main.py"], encoding="utf-8")
    if "main" in sys.modules:
        pytest.skip("a module named 'main' is already imported")
    sys.path.insert(0, str(code_dir))
    try:
        with xlserver.server_mode("jjj_xl.excel.udfs", "jjj_xl.excel.macros", "main") as (xw, (_, _, mod)):
            assert mod.__file__ == str(code_dir / "main.py")
            yield xw, mod
    finally:
        sys.path.remove(str(code_dir))
        sys.modules.pop("main", None)
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_EmbeddedJJJ"]


def test_main_registers_every_function_and_script(main):
    xw, mod = main
    import xlwings.server

    meta = xlwings.server.custom_functions_meta(mod)
    assert sorted(f["name"] for f in meta["functions"]) == sorted(n.upper() for n in lite.FUNCTIONS)
    assert all(f["description"].strip() for f in meta["functions"])
    scripts = {s["function_name"] for s in xlwings.server.custom_scripts_meta(mod)}
    assert scripts == set(lite.SCRIPTS) | {lite.COUPLING_SCRIPT}


def test_main_functions_answer_like_the_engine(main):
    _, mod = main
    assert xlserver.call_udf(mod, "jjj_version") == [[jx.__version__]]
    s = load_sample("paper000")
    X = s.data[list(s.indicators["code"])].to_numpy().tolist()
    dirs = list(s.indicators["direction"])
    w = xlserver.call_udf(mod, "jjj_entropy_weights", X, [dirs], None, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        ref = jx.entropy_weights(np.array(X), dirs)
    np.testing.assert_allclose(w[0], ref.w, rtol=1e-12)


def run(mod, script, payload):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xlserver.run_script(mod, script, payload)


def test_main_scripts_write_the_output_sheets(main):
    _, mod = main
    tpl = layout.ENTROPY_TOPSIS_CCD
    payload = payload_of(filled())
    response = run(mod, "jjj_compute_all", payload)
    assert touched_sheets(payload, response) <= set(tpl.output_sheets)
    assert set(xlserver.written_sheets(payload, response)) == set(tpl.output_sheets)
    grids = xlserver.apply_actions(payload, response)
    s = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.entropy_topsis_coupling(s.data, s.indicators)
    scores = frame_at(grids["Scores"], tpl.outputs["scores"])
    np.testing.assert_allclose(scores["overall"].astype(float), res.scores["overall"], rtol=1e-12)
    # the coupling script, renamed beside the JJJ_COUPLING function
    coupling = run(mod, lite.COUPLING_SCRIPT, payload)
    assert touched_sheets(payload, coupling) == {"Coupling", "Notes"}
    coup = frame_at(xlserver.apply_actions(payload, coupling)["Coupling"], tpl.outputs["coupling"])
    np.testing.assert_allclose(coup["D"].astype(float), res.coupling["D"], rtol=1e-12)


def test_main_script_errors_are_one_line(main):
    xw, mod = main
    payload = xlserver.book_json({"Sheet1": [[1, 2], [3, 4]]})
    for name in ("jjj_compute_all", lite.COUPLING_SCRIPT):
        with pytest.raises(xw.XlwingsError, match="not a jjj-xl template") as err:
            run(mod, name, payload)
        assert "\n" not in str(err.value)


def test_lite_embeds_every_module_its_code_imports_even_inside_functions():
    """main.py embeds jjj_xl's modules by their module-level imports; an import inside a
    function (actions imports after_d when the After D button is pressed) must be embedded
    too, or that button fails in Lite. Only headless-only modules may be left out."""
    import ast

    headless_only = {"jjj_xl.workbook.templates",   # building templates (openpyxl)
                     "jjj_xl.workbook.package",     # files on disk (python-calamine)
                     "jjj_xl.workbook.maps"}        # Map sheet: openpyxl / package books only
    embedded = lite.embedded_modules()
    assert "jjj_xl.workbook.after_d" in embedded
    referenced = {}
    for name, (is_pkg, source) in embedded.items():
        package = name if is_pkg else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                mod = f"{base}.{node.module}" if node.module else base
                for cand in [mod] + [f"{mod}.{a.name}" for a in node.names]:
                    if lite._module_file(cand)[0].is_file():
                        referenced.setdefault(cand, set()).add(name)
    missing = {m: sorted(by) for m, by in referenced.items()
               if m not in embedded and m not in headless_only}
    assert not missing, missing
