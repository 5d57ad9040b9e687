"""Share workbooks' helper sheet names and the refusal of jjj-xl actions on a share workbook.

Light on purpose (no numpy, openpyxl or xlwings): the ribbon and the macros import it, also in
the xlwings Lite copy. :mod:`jjj_xl.workbook.share` builds the helper sheets named here.
"""

from __future__ import annotations

from ..errors import InputError

H_STANDARDISED = "h_Standardised"
H_ENTROPY = "h_Entropy"
H_DISTANCES = "h_Distances"
H_COUPLING = "h_Coupling"
H_GRADES = "h_Grades"
H_CHECKS = "h_Checks"
H_AHP = "h_AHP"                # AHP weights by formulas (entropy_topsis_ccd)
HELPER_SHEETS = (H_CHECKS, H_STANDARDISED, H_ENTROPY, H_AHP, H_DISTANCES, H_COUPLING, H_GRADES)


def refuse_share_workbook(book, action: str = "compute_all") -> None:
    """Refuse, in one line, a jjj-xl action (Compute all, Weights, ..., Validate, Clear
    outputs) on a share workbook: its results are live formulas that Compute would replace
    by values (what ``jjj-xl run`` refuses too). ``book``: an xlwings Book or a book
    adapter; a book whose sheets cannot be listed is let through (the action says why)."""
    try:
        # a book adapter lists its sheets; an xlwings Book has .sheets (its sheet_names is a
        # property in recent xlwings, a method nowhere: do not call it)
        names = book.sheet_names() if not hasattr(book, "sheets") else [s.name for s in book.sheets]
    except Exception:  # noqa: BLE001 - not a workbook we can inspect
        return
    helper = next((h for h in HELPER_SHEETS if h in names), None)
    if helper is None:
        return
    what = {"compute_all": "Compute all", "validate": "Validate", "clear_outputs": "Clear outputs",
            "after_d": "After D"}.get(action, action.replace("_", " ").capitalize())
    name = getattr(book, "name", None) or "this workbook"
    raise InputError(f"{name} is a share workbook (it has the sheet {helper}): its results are "
                     f"formulas that update when Data changes, and {what} would replace them by "
                     f"values; use {what} in the original template workbook instead")
