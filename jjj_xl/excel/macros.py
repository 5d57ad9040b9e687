"""Workbook macros: compute all, weights, scores, coupling, validate, clear outputs.

Three ways in, one implementation (:func:`jjj_xl.workbook.actions.run_action`):
- plain functions taking a book (an xlwings Book, or a book adapter) — used by
  the headless runner and tests;
- ``@script`` functions for xlwings Lite / Server (``book: xw.Book``);
- :func:`classic` for classic xlwings ``RunPython``, acting on the ACTIVE
  workbook (in an add-in, ``Book.caller()`` would be the add-in itself).

Macros write only output sheets; input cells are never changed.
"""

from __future__ import annotations

import xlwings as xw
from xlwings import script

from ..workbook.actions import run_action
from ..workbook.share_guard import refuse_share_workbook
from ..errors import InputError

ACTION_NAMES = ("compute_all", "weights", "scores", "coupling", "validate", "clear_outputs",
                "after_d")


def compute_all(book):
    return run_action(book, "compute_all")


def weights_only(book):
    return run_action(book, "weights")


def scores_only(book):
    return run_action(book, "scores")


def coupling_only(book):
    return run_action(book, "coupling")


def validate_data(book):
    return run_action(book, "validate")


def clear_outputs(book):
    return run_action(book, "clear_outputs")


def _for_excel(action: str, book):
    """Run an action; an InputError reaches Excel as its one-line message, not a traceback.
    A share workbook is refused (its results are formulas; Compute would replace them)."""
    try:
        refuse_share_workbook(book, action)
        return run_action(book, action)
    except InputError as err:   # the message box speaks the workbook's language (Settings lang)
        from ..i18n import tr
        from ..workbook.actions import book_lang
        raise xw.XlwingsError(tr(str(err), book_lang(book))) from None


# ---------------------------------------------------------------- xlwings Lite / Server

@script
def jjj_compute_all(book: xw.Book):
    """Compute weights, scores and coupling from the Indicators and Data sheets."""
    _for_excel("compute_all", book)


@script
def jjj_weights(book: xw.Book):
    """Compute the weights only."""
    _for_excel("weights", book)


@script
def jjj_scores(book: xw.Book):
    """Compute the scores only."""
    _for_excel("scores", book)


@script
def jjj_coupling(book: xw.Book):
    """Compute the coupling coordination only."""
    _for_excel("coupling", book)


@script
def jjj_validate(book: xw.Book):
    """Check the inputs and list every problem with its cell on the Notes sheet."""
    _for_excel("validate", book)


@script
def jjj_clear_outputs(book: xw.Book):
    """Clear the output sheets (inputs are kept)."""
    _for_excel("clear_outputs", book)


@script
def jjj_after_d(book: xw.Book):
    """After D: Moran's I, LISA, Theil/Dagum Gini, kernel density, GM(1,1), sensitivity."""
    _for_excel("after_d", book)


# ---------------------------------------------------------------- classic xlwings

def classic(action: str, book=None):
    """Classic entry: ``RunPython "import jjj_xl.excel.macros as m; m.classic('compute_all')"``."""
    if action not in ACTION_NAMES:
        raise InputError(f'unknown action "{action}"; use one of {", ".join(ACTION_NAMES)}')
    book = book if book is not None else xw.books.active
    return _for_excel(action, book)
