"""The ribbon add-in: buttons <-> actions, customUI XML, the built .xlam, dispatch, install.

The add-in is always built into pytest's tmp_path, never into the repository.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
import zipfile

import pytest

from jjj_xl import InputError
from jjj_xl.excel import addin, ribbon
from jjj_xl.workbook import actions, layout
from jjj_xl.workbook.book import BookAdapter

NS = {"ui": addin.CUSTOMUI_NS}
ORIGINAL_MODULES = {"ThisWorkbook.cls", "Dictionary.cls", "RibbonMyAddin.bas", "Sheet2.cls",
                    "xlwings.bas"}


def _xml_buttons():
    root = ET.fromstring(addin.customui_xml().encode("utf-8"))
    return root, root.findall(".//ui:button", NS)


# ---------------------------------------------------------------- buttons <-> actions

def test_every_button_has_an_action_and_back():
    _, buttons = _xml_buttons()
    xml_ids = [b.get("id") for b in buttons]
    assert len(xml_ids) == len(set(xml_ids))
    assert set(xml_ids) == set(ribbon.ACTIONS)            # both directions
    assert [b.id for b in ribbon.BUTTONS] == list(ribbon.ACTIONS)
    # ids travel into a single-quoted Python literal and an AppleScript '|' list
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", i) for i in xml_ids)


def test_actions_are_known():
    simple = {a for a in ribbon.ACTIONS.values() if isinstance(a, str)}
    assert simple == {"compute_all", "weights", "scores", "coupling", "validate", "clear_outputs",
                      "after_d"}
    assert simple - {"validate", "clear_outputs", "after_d"} <= set(actions.ACTION_OUTPUTS)
    new = {a[1] for a in ribbon.ACTIONS.values() if isinstance(a, tuple) and a[0] == ribbon.NEW}
    assert new == set(layout.TEMPLATES)
    assert ribbon.ACTIONS["jjj_share"] == (ribbon.SHARE, "formulas")
    assert {a[0] for a in ribbon.ACTIONS.values() if isinstance(a, tuple)} == {ribbon.NEW, ribbon.SHARE}
    for tid in layout.TEMPLATES:
        assert ribbon.ACTIONS[f"jjj_new_{tid}"] == (ribbon.NEW, tid)


def test_ribbon_imports_without_xlwings():
    code = "import sys, jjj_xl.excel.ribbon, jjj_xl.excel.addin; print('xlwings' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- customUI XML

def test_customui_xml():
    root, buttons = _xml_buttons()
    assert root.tag == f"{{{addin.CUSTOMUI_NS}}}customUI"
    assert [t.get("label") for t in root.findall(".//ui:tab", NS)] == ["JJJ 分析"]
    assert len(root.findall(".//ui:group", NS)) == 3
    assert len(buttons) >= 6
    assert {b.get("onAction") for b in buttons} == {"JJJRibbon.JJJ_OnAction"}
    assert all(b.get("label") and b.get("imageMso") for b in buttons)


def test_vba_source_is_ascii_and_passes_control_id():
    src = addin.vba_callback_source()
    src.encode("ascii")  # the VBA project's code page is 1252: no Chinese in VBA
    assert "Public Sub JJJ_OnAction(control As IRibbonControl)" in src
    assert """RunPython "import jjj_xl.excel.ribbon; jjj_xl.excel.ribbon.dispatch('" & control.Id & "')\"""" in src
    assert "|" not in src.split("RunPython", 1)[1]  # Mac joins AppleScript arguments with '|'


# ---------------------------------------------------------------- the built add-in

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("pyopenvba")
    out = tmp_path_factory.mktemp("xlam") / "jjj_xl.xlam"
    assert addin.build_addin(out) == out.resolve()
    return out


def test_build_zip_parts_and_relationships(built):
    assert [p.name for p in built.parent.iterdir()] == ["jjj_xl.xlam"]  # no temp file left
    with zipfile.ZipFile(built) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        assert z.read(addin.CUSTOMUI_PART) == addin.customui_xml().encode("utf-8")
        rels = ET.fromstring(z.read("_rels/.rels"))
        ui = [r for r in rels if "ui/extensibility" in r.get("Type", "")]
        assert [(r.get("Type"), r.get("Target")) for r in ui] == [(addin.REL_UI_2006, addin.CUSTOMUI_PART)]
        for r in rels:
            assert r.get("Target").lstrip("/") in names, r.attrib
        assert len({r.get("Id") for r in rels}) == len(rels)
        wb_rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        for r in wb_rels:
            assert "xl/" + r.get("Target") in names, r.attrib
        ct = ET.fromstring(z.read("[Content_Types].xml"))
        defaults = {d.get("Extension"): d.get("ContentType") for d in ct if d.tag.endswith("Default")}
        assert defaults["xml"] == "application/xml"  # covers customUI/customUI.xml
        wbxml = z.read("xl/workbook.xml").decode()
        # enabled (no leading underscore) and named after PROJECT_NAME, as xlwings' GetConfig reads it
        assert 'name="jjj_xl.conf"' in wbxml and "myaddin" not in wbxml
    with zipfile.ZipFile(addin.template_path()) as t, zipfile.ZipFile(built) as b:
        assert t.namelist() == b.namelist()
        changed = {"xl/workbook.xml", "xl/vbaProject.bin", addin.CUSTOMUI_PART, "_rels/.rels",
                   "xl/worksheets/sheet1.xml"}
        for n in set(t.namelist()) - changed:
            assert t.read(n) == b.read(n), n


def _olevba_modules(path):
    from oletools.olevba import VBA_Parser

    vp = VBA_Parser(str(path))
    try:
        assert vp.detect_vba_stomping() is False
        return {f: code for _, _, f, code in vp.extract_macros()}
    finally:
        vp.close()


def test_olevba_reads_callback_and_original_modules(built):
    pytest.importorskip("oletools.olevba")
    before, after = _olevba_modules(addin.template_path()), _olevba_modules(built)
    assert set(after) == ORIGINAL_MODULES | {"JJJRibbon.bas"}
    code = after["JJJRibbon.bas"]
    assert "control.Id" in code and "jjj_xl.excel.ribbon.dispatch" in code
    assert "Sub JJJ_OnAction(control As IRibbonControl)" in code
    for name in ORIGINAL_MODULES - {"xlwings.bas"}:
        assert after[name].strip() == before[name].strip(), name
    assert 'PROJECT_NAME As String = "jjj_xl"' in after["xlwings.bas"]
    assert after["xlwings.bas"].replace('"jjj_xl"', '"myaddin"', 1).strip() == before["xlwings.bas"].strip()


def test_fresh_build_names_this_python_in_an_enabled_conf_sheet(built):
    """Issue 8: the add-in shipped `_jjj_xl.conf` (disabled) without an interpreter, so the
    buttons ran whatever `python` was on PATH."""
    info = addin.read_addin(built)
    assert info["conf_sheet"] == "jjj_xl.conf"
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    assert info["config"][key] == sys.executable
    # the other keys of xlwings' template stay, empty, in column A (GetConfigFromSheet reads
    # A1 down to the first blank, so the rows must stay contiguous)
    assert {"PYTHONPATH", "UDF MODULES", "CONDA PATH", "CONDA ENV"} <= set(info["config"])
    assert info["project"] == "jjj_xl"
    import xlwings
    assert info["xlwings"] == xlwings.__version__


def test_conf_sheet_name_is_what_xlwings_vba_reads(built):
    """The sheet xlwings' VBA looks for is PROJECT_NAME & ".conf" (GetConfigFromSheet in the
    installed xlwings_custom_addin.bas); the user file is ~/.<name>/<name>.conf."""
    import importlib.resources
    bas = (importlib.resources.files("xlwings") / "xlwings_custom_addin.bas").read_text(errors="replace")
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in bas
    assert 'GetConfig("INTERPRETER_WIN", "")' in bas and 'GetConfig("INTERPRETER_MAC", "")' in bas
    assert 'd.Add UCase(cell.Value)' in bas       # keys are matched upper-cased
    assert re.search(r'Environ\("USERPROFILE"\) & "\\\." & PROJECT_NAME & "\\" & PROJECT_NAME & "\.conf"', bas)
    after = _olevba_modules(built)["xlwings.bas"]
    name = re.search(r'PROJECT_NAME As String = "([^"]+)"', after).group(1)
    assert f"{name}.conf" == addin.CONF_SHEET == addin.read_addin(built)["conf_sheet"]


def test_vba_streams_parse_strictly_and_project_is_renamed(built):
    """olevba in strict mode (relaxed=False raises on any unexpected dir record) reads back
    the project pyOpenVBA wrote; the project is jjj_xl, not the template's MyAddin."""
    pytest.importorskip("oletools.olevba")
    from oletools.olevba import VBA_Parser, VBA_Project

    def project_name(path):
        vp = VBA_Parser(str(path), relaxed=False)
        try:
            (sub,) = vp.ole_subfiles        # the zip's xl/vbaProject.bin
            (found,) = sub.find_vba_projects()
            project = VBA_Project(sub.ole_file, *found, relaxed=False)
            project.parse_project_stream()
            return project.projectname, len(list(vp.extract_macros()))
        finally:
            vp.close()

    assert project_name(built) == ("jjj_xl", len(ORIGINAL_MODULES) + 1)
    assert project_name(addin.template_path()) == ("MyAddin", len(ORIGINAL_MODULES))


def test_rename_dir_project_record():
    import struct
    raw = (struct.pack("<HIi", 1, 4, 3) + struct.pack("<HIH", 3, 2, 1252)
           + struct.pack("<HI", 4, 7) + b"MyAddin" + b"REST")
    new, delta = addin.rename_dir_project(raw, "jjj_xl")
    assert delta == -1 and new.endswith(struct.pack("<HI", 4, 6) + b"jjj_xl" + b"REST")
    with pytest.raises(ValueError):
        addin.rename_dir_project(raw, "x" * 129)
    with pytest.raises(ValueError, match="PROJECTNAME"):
        addin.rename_dir_project(struct.pack("<HI", 9, 0), "jjj_xl")


def test_pyopenvba_validates(built):
    from pyopenvba import ExcelFile

    with ExcelFile(built) as wb:
        assert wb.validate() == []
        assert "JJJRibbon" in wb.module_names()


def test_build_with_interpreter_and_rebuild_replaces(tmp_path):
    pytest.importorskip("pyopenvba")
    exe = r"C:\Users\me\AppData\Local\Programs\Python\Python311\python.exe"
    out = tmp_path / "jjj_xl.xlam"
    addin.build_addin(out)
    addin.build_addin(out, interpreter=exe, platform="win32")  # over an existing file
    with zipfile.ZipFile(out) as z:
        assert 'name="jjj_xl.conf"' in z.read("xl/workbook.xml").decode()
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    b1 = sheet.find(".//s:c[@r='B1']", {"s": addin.SPREADSHEET_NS})
    assert b1 is not None and "".join(b1.itertext()) == exe
    assert [p.name for p in tmp_path.iterdir()] == ["jjj_xl.xlam"]
    mac = tmp_path / "mac" / "jjj_xl.xlam"
    addin.build_addin(mac, interpreter="/Users/me/venv/bin/python", platform="darwin")
    cfg = addin.read_addin(mac)["config"]
    assert cfg["INTERPRETER_MAC"] == "/Users/me/venv/bin/python" and cfg["INTERPRETER_WIN"] == ""


# ---------------------------------------------------------------- doctor

class Ran:
    def __init__(self, returncode=0, stdout="", stderr=""):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def test_doctor_all_good_runs_the_interpreter(built):
    import xlwings
    calls = []

    def run(cmd, **kw):
        calls.append(cmd)
        return Ran(0, f"0.1.0\n{xlwings.__version__}\n{cmd[0]}\n")

    ok, lines = addin.doctor(built, platform="win32", run=run)
    assert ok, lines
    assert calls and calls[0][0] == sys.executable and "import sys, jjj_xl, xlwings" in calls[0][2]
    text = "\n".join(lines)
    assert sys.executable in text and f"built with {xlwings.__version__}" in text


def test_doctor_really_imports_jjj_xl_in_a_subprocess(built):
    ok, lines = addin.doctor(built, platform="win32")
    assert ok, lines
    assert any(line.startswith("that interpreter imports jjj_xl") for line in lines)


def test_doctor_names_each_problem_and_its_fix(built, tmp_path):
    ok, lines = addin.doctor(built, platform="win32",
                             run=lambda cmd, **kw: Ran(1, "", "Traceback...\nModuleNotFoundError: "
                                                              "No module named 'jjj_xl'"))
    assert not ok
    problem = [line for line in lines if line.startswith("PROBLEM")]
    assert len(problem) == 1 and "No module named 'jjj_xl'" in problem[0] and "pip install jjj-xl" in problem[0]
    ok, lines = addin.doctor(built, platform="win32", run=lambda cmd, **kw: Ran(0, "0.1.0\n0.99.1\n"))
    assert not ok and any("rebuild after every xlwings upgrade" in line for line in lines)
    # an add-in for another Python: its interpreter does not exist here
    other = tmp_path / "jjj_xl.xlam"
    addin.build_addin(other, interpreter=str(tmp_path / "nowhere" / "python.exe"), platform="win32")
    ok, lines = addin.doctor(other, platform="win32")
    assert not ok and any("does not exist" in line for line in lines)
    # macOS: the AppleScript of that xlwings version must be installed
    ok, lines = addin.doctor(built, platform="darwin", home=tmp_path,
                             run=lambda cmd, **kw: Ran(0, "0.1.0\n" + addin.read_addin(built)["xlwings"]))
    assert not ok and any("xlwings runpython install" in line for line in lines)
    ok, lines = addin.doctor(tmp_path / "missing.xlam", platform="win32")
    assert not ok and "jjj-xl addin install" in lines[-1]
    ok, lines = addin.doctor(None, platform="linux")
    assert not ok and "--file" in lines[-1]


def test_doctor_flags_the_old_disabled_conf_sheet(tmp_path):
    """An add-in as the old build made it: `_jjj_xl.conf`, no interpreter."""
    src = addin.template_path()
    old = tmp_path / "old.xlam"
    with zipfile.ZipFile(src) as z:
        wbxml = z.read("xl/workbook.xml").replace(b'name="_myaddin.conf"', b'name="_jjj_xl.conf"')
    addin.rewrite_zip(src, old, {"xl/workbook.xml": wbxml})
    ok, lines = addin.doctor(old, platform="win32", run=lambda *a, **k: Ran(0))
    assert not ok
    text = "\n".join(lines)
    assert "no enabled jjj_xl.conf sheet" in text and "MyAddin" in text


def test_build_refuses_other_suffix(tmp_path):
    with pytest.raises(InputError, match=r"\.xlam"):
        addin.build_addin(tmp_path / "jjj_xl.xlsm")


def test_build_without_pyopenvba_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyopenvba", None)  # import raises ImportError
    with pytest.raises(InputError, match="pip install pyOpenVBA"):
        addin.build_addin(tmp_path / "jjj_xl.xlam")
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- dispatch

class FakeApp:
    def __init__(self):
        self.alerts = []

    def alert(self, prompt, title=None, **kw):
        self.alerts.append(prompt)


class EmptyBook(BookAdapter):
    """A workbook with no sheets: not a jjj-xl template."""

    def sheet_names(self):
        return []


@pytest.mark.parametrize("control_id", [b.id for b in ribbon.BUTTONS if isinstance(b.action, str)])
def test_dispatch_calls_run_action(control_id, monkeypatch):
    calls = []
    monkeypatch.setattr(actions, "run_action",
                        lambda book, action: calls.append((book, action)) or {"written": [], "problems": []})
    book, app = object(), FakeApp()
    ribbon.dispatch(control_id, book=book, app=app)
    assert calls == [(book, ribbon.ACTIONS[control_id])]
    assert len(app.alerts) == (1 if control_id == "jjj_validate" else 0)


def test_dispatch_input_error_becomes_alert():
    app = FakeApp()
    assert ribbon.dispatch("jjj_compute_all", book=EmptyBook(), app=app) is None
    assert len(app.alerts) == 1
    assert "not a jjj-xl template" in app.alerts[0] and "\n" not in app.alerts[0]


def test_dispatch_input_error_raised_when_alert_fails():
    class BrokenApp:
        def alert(self, *a, **k):
            raise RuntimeError("no Excel")

    with pytest.raises(InputError, match="not a jjj-xl template"):
        ribbon.dispatch("jjj_weights", book=EmptyBook(), app=BrokenApp())


def test_dispatch_validate_shows_problem_count():
    app = FakeApp()
    result = ribbon.dispatch("jjj_validate", book=EmptyBook(), app=app)
    assert len(result["problems"]) == 1
    assert app.alerts[0].startswith("1 problem found") and "not a jjj-xl template" in app.alerts[0]
    assert ribbon.validation_message({"problems": [], "written": []}).startswith("No problems found")


def test_dispatch_unknown_id_lists_valid_ids():
    with pytest.raises(InputError, match="jjj_compute_all") as info:
        ribbon.dispatch("jjj_nope", book=object(), app=FakeApp())
    assert all(i in str(info.value) for i in ribbon.ACTIONS)


def test_dispatch_new_writes_unique_file_and_opens_it(tmp_path, monkeypatch):
    written, opened = [], []

    def write_template(name, path):
        written.append((name, path))
        path.write_bytes(b"fake workbook")

    monkeypatch.setitem(sys.modules, "jjj_xl.workbook.templates",
                        types.SimpleNamespace(write_template=write_template))
    folder = tmp_path / "Documents" / "jjj-xl"
    app = FakeApp()
    first = ribbon.dispatch("jjj_new_coupling_coordination", folder=folder, open_book=opened.append, app=app)
    second = ribbon.dispatch("jjj_new_coupling_coordination", folder=folder, open_book=opened.append, app=app)
    assert first == folder / "coupling_coordination.xlsx"
    assert second == folder / "coupling_coordination (2).xlsx"
    assert first.read_bytes() == b"fake workbook"            # never overwritten
    assert written == [("coupling_coordination", first), ("coupling_coordination", second)]
    assert opened == [str(first), str(second)]
    assert app.alerts == []


def test_dispatch_new_with_real_templates(tmp_path):
    pytest.importorskip("jjj_xl.workbook.templates")
    from jjj_xl.workbook.book import OpenpyxlBook

    opened = []
    path = ribbon.dispatch("jjj_new_entropy_topsis_ccd", folder=tmp_path, open_book=opened.append,
                           app=FakeApp())
    assert opened == [str(path)] and path.name == "entropy_topsis_ccd.xlsx"
    assert actions.detect_template(OpenpyxlBook(path)).name == "entropy_topsis_ccd"


def test_documents_folder(tmp_path):
    assert ribbon.documents_folder("linux", home=tmp_path) == tmp_path
    (tmp_path / "Documents").mkdir()
    assert ribbon.documents_folder("darwin", home=tmp_path) == tmp_path / "Documents"


# ---------------------------------------------------------------- install

def test_install_elsewhere_explains_what_to_do(tmp_path):
    src = tmp_path / "jjj_xl.xlam"
    src.write_bytes(b"addin")
    with pytest.raises(InputError) as info:
        addin.install_addin(src, platform="linux")
    msg = str(info.value)
    assert "\n" not in msg
    assert "startup folder" in msg and "xlwings addin install --file jjj_xl.xlam" in msg


def test_install_windows_copies_into_xlstart(tmp_path):
    src = tmp_path / "build" / "jjj_xl.xlam"
    src.parent.mkdir()
    src.write_bytes(b"addin v1")
    env = {"APPDATA": str(tmp_path / "Roaming")}
    dest = addin.install_addin(src, platform="win32", environ=env)
    xlstart = tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    assert dest == xlstart / "jjj_xl.xlam" and dest.read_bytes() == b"addin v1"
    src.write_bytes(b"addin v2")
    addin.install_addin(src, platform="win32", environ=env)   # reinstall replaces
    assert [p.name for p in xlstart.iterdir()] == ["jjj_xl.xlam"]
    assert dest.read_bytes() == b"addin v2"
    with pytest.raises(InputError, match="build it first"):
        addin.install_addin(tmp_path / "missing.xlam", platform="win32", environ=env)


def test_startup_folder_mac(tmp_path):
    with pytest.raises(InputError, match="start Excel once"):
        addin.startup_folder("darwin", home=tmp_path)
    (tmp_path / addin.MAC_CONTAINER).mkdir(parents=True)
    assert addin.startup_folder("darwin", home=tmp_path) == (
        tmp_path / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel")


def test_share_button_writes_beside_the_saved_book(tmp_path):
    """The Share button: needs a saved workbook, writes <name>-share.xlsx next to it."""
    import warnings

    from jjj_xl.workbook.book import OpenpyxlBook
    from jjj_xl.datasets import load_sample
    from jjj_xl.workbook.templates import build_template, fill_inputs

    class FakeBook:
        fullname = ""

    class FakeApp:
        messages = []

        def alert(self, message, title=None):
            self.messages.append(message)

    app = FakeApp()
    assert ribbon.dispatch("jjj_share", book=FakeBook(), app=app) is None
    assert "save the workbook first" in app.messages[-1]
    wb = build_template("entropy_topsis_ccd")
    s = load_sample("paper000")
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, s.data)
    src = tmp_path / "study.xlsx"
    wb.save(src)
    book = FakeBook()
    book.fullname = str(src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = ribbon.dispatch("jjj_share", book=book, app=app)
    assert path == tmp_path / "study-share.xlsx" and path.exists()
    assert "study-share.xlsx" in app.messages[-1]
    assert OpenpyxlBook(path).has_sheet("Data")
