"""The "JJJ 分析" ribbon tab: its buttons and what each one does.

:data:`BUTTONS` is the one source of truth: the add-in's customUI XML
(:func:`jjj_xl.excel.addin.customui_xml`) and :data:`ACTIONS` are both derived
from it. Every button calls one VBA callback, which runs::

    RunPython "import jjj_xl.excel.ribbon; jjj_xl.excel.ribbon.dispatch('<control id>')"

so :func:`dispatch` is the only Python entry point of the add-in. It acts on
the ACTIVE workbook (in an add-in ``Book.caller()`` would be the add-in
itself) and shows an input problem as a one-line Excel alert, not a traceback.

Importing this module needs neither Excel nor xlwings; xlwings is imported
inside the functions that talk to Excel.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import NamedTuple, Union

from ..workbook import actions
from ..workbook.share_guard import refuse_share_workbook
from ..errors import InputError


class Button(NamedTuple):
    id: str            # customUI control id, passed to dispatch(); [A-Za-z_][A-Za-z0-9_]*
    label_en: str
    label_zh: str
    image_mso: str     # built-in Office icon; an unknown name only loses the icon
    action: Union[str, tuple]  # an actions.run_action name, or ("new", template name)


NEW = "new"
SHARE = "share"

BUTTONS: tuple[Button, ...] = (
    Button("jjj_compute_all", "Compute all", "全部计算", "MacroPlay", "compute_all"),
    Button("jjj_weights", "Weights", "熵权", "AutoSum", "weights"),
    Button("jjj_scores", "Scores", "TOPSIS 得分", "SortDescendingExcel", "scores"),
    Button("jjj_coupling", "Coupling", "耦合协调", "FunctionWizard", "coupling"),
    Button("jjj_validate", "Check data", "检查数据", "DataValidation", "validate"),
    Button("jjj_clear_outputs", "Clear outputs", "清除结果", "ClearAll", "clear_outputs"),
    Button("jjj_new_entropy_topsis_ccd", "New: entropy-TOPSIS-CCD", "新建 熵权-TOPSIS-耦合",
           "FileNew", (NEW, "entropy_topsis_ccd")),
    Button("jjj_new_ideal_solution_index", "New: ideal solution index", "新建 理想解指数",
           "FileNew", (NEW, "ideal_solution_index")),
    Button("jjj_new_coupling_coordination", "New: coupling coordination", "新建 耦合协调度",
           "FileNew", (NEW, "coupling_coordination")),
    Button("jjj_share", "Share (formulas)", "共享（公式版）", "FileSaveAs", (SHARE, "formulas")),
    Button("jjj_after_d", "After D", "D 之后", "ChartTypeXYScatterInsertGallery", "after_d"),
)

# (group id, English label, 中文 label, button ids in order). Every button sits in exactly
# one group; addin.customui_xml() refuses to build otherwise.
GROUPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("jjj_grp_compute", "Compute", "计算",
     ("jjj_compute_all", "jjj_weights", "jjj_scores", "jjj_coupling", "jjj_after_d")),
    ("jjj_grp_data", "Data", "数据", ("jjj_validate", "jjj_clear_outputs", "jjj_share")),
    ("jjj_grp_templates", "Templates", "模板",
     ("jjj_new_entropy_topsis_ccd", "jjj_new_ideal_solution_index", "jjj_new_coupling_coordination")),
)

ACTIONS: dict[str, Union[str, tuple]] = {b.id: b.action for b in BUTTONS}

NEW_BOOK_FOLDER = "jjj-xl"      # under the user's Documents folder
ALERT_TITLE = "jjj-xl"


# ---------------------------------------------------------------- where new books go

def documents_folder(platform: str | None = None, home: Path | None = None) -> Path:
    """The user's Documents folder (Windows: the real one, even when redirected to OneDrive)."""
    platform = platform or sys.platform
    if platform == "win32" and home is None:
        try:
            import ctypes
            from ctypes import wintypes

            buf = ctypes.create_unicode_buffer(wintypes.MAX_PATH)
            # CSIDL_PERSONAL = 5, SHGFP_TYPE_CURRENT = 0
            if ctypes.windll.shell32.SHGetFolderPathW(None, 5, None, 0, buf) == 0 and buf.value:
                return Path(buf.value)
        except Exception:  # noqa: BLE001 - any failure: fall back to ~/Documents
            pass
    home = Path(home) if home is not None else Path.home()
    docs = home / "Documents"
    return docs if docs.is_dir() else home


def unique_path(folder: Path, filename: str) -> Path:
    """``folder/filename``, or ``name (2).xlsx``, ``name (3).xlsx`` ...: never an existing file."""
    stem, suffix = Path(filename).stem, Path(filename).suffix
    path = folder / filename
    n = 2
    while path.exists():
        path = folder / f"{stem} ({n}){suffix}"
        n += 1
    return path


def new_from_template(template: str, folder: Path | None = None) -> Path:
    """Write a fresh copy of a template into ``folder`` (default Documents/jjj-xl); returns its path."""
    from ..workbook import layout

    if template not in layout.TEMPLATES:
        raise InputError(f'unknown template "{template}"; use one of {", ".join(layout.TEMPLATES)}')
    folder = Path(folder) if folder is not None else documents_folder() / NEW_BOOK_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = unique_path(folder, layout.TEMPLATES[template].filename)
    templates = importlib.import_module("jjj_xl.workbook.templates")
    templates.write_template(template, path)
    return path


def share_active_book(book) -> Path:
    """Write ``<name>-share.xlsx`` beside the (saved) workbook: every result a native formula.

    The share export reads the file on disk, so the workbook must have been saved.
    """
    src = Path(getattr(book, "fullname", "") or "")
    if not src.is_file():
        raise InputError("save the workbook first: Share reads the saved file and writes "
                         "<name>-share.xlsx next to it")
    share = importlib.import_module("jjj_xl.workbook.share")
    out = unique_path(src.parent, f"{src.stem}-share.xlsx")
    return share.share_workbook(src, out)


# ---------------------------------------------------------------- the entry point

def _alert(app, message: str) -> bool:
    """Show a message box; False if Excel could not show it (the caller decides what then)."""
    try:
        if app is None:
            import xlwings as xw

            app = xw.apps.active
        app.alert(message, title=ALERT_TITLE)
        return True
    except Exception:  # noqa: BLE001 - an alert is best effort (e.g. no Excel, old Mac Excel)
        return False


def validation_message(result: dict) -> str:
    problems = result.get("problems") or []
    if not problems:
        return "No problems found 未发现问题"
    n = len(problems)
    where = " - see the Notes sheet 见 Notes 表" if result.get("written") else ""
    return f"{n} problem{'s' if n != 1 else ''} found 发现 {n} 个问题{where}\n{problems[0]}"


def dispatch(control_id: str, *, book=None, app=None, folder: Path | None = None,
             open_book=None):
    """Run the ribbon button ``control_id`` (classic xlwings ``RunPython`` entry).

    ``book`` (default: the active workbook), ``app`` (default: the active Excel, for
    alerts), ``folder`` (where new books go) and ``open_book`` (default ``xw.Book``)
    can be injected for tests. Returns run_action's result, or the new book's path.
    An :class:`InputError` is shown as a one-line alert and not raised (it is raised
    only if the alert itself cannot be shown). An unknown id raises InputError.
    """
    if control_id not in ACTIONS:
        raise InputError(f'unknown ribbon control "{control_id}"; use one of {", ".join(ACTIONS)}')
    action = ACTIONS[control_id]
    try:
        if isinstance(action, tuple) and action[0] == NEW:
            path = new_from_template(action[1], folder)
            if open_book is None:
                import xlwings as xw

                open_book = xw.Book
            open_book(str(path))
            return path
        if book is None:
            import xlwings as xw

            book = xw.books.active
        if isinstance(action, tuple) and action[0] == SHARE:
            path = share_active_book(book)
            _alert(app, f"Share workbook written: {path}")
            return path
        refuse_share_workbook(book, action)          # its results are formulas, not values
        result = actions.run_action(book, action)
        if action == "validate":
            _alert(app, validation_message(result))
        return result
    except InputError as err:
        if not _alert(app, str(err)):
            raise
        return None

