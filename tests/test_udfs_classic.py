"""Classic Excel (Windows): xlwings' own call_udf / XLPython.CallUDF run our UDFs (pywin32 stubbed).

Issue 8: on the classic path an error must reach the cell as one line, never a traceback;
an omitted or empty optional argument must mean its default; Excel error values in a range
must be named by their cell. See tests/xlclassic.py for what is real and what is faked.
"""

import warnings

import numpy as np
import pytest

import jjj_xl as jx

from . import xlclassic
from .xlclassic import MISSING, XL_ERRORS, FakeComRange


@pytest.fixture(scope="module")
def classic():
    with xlclassic.classic_mode() as mods:
        yield mods


def call(classic, name, *args):
    return xlclassic.call(classic[0], name, *args)


def error_of(classic, name, *args):
    with pytest.raises(xlclassic.COMException) as info:
        call(classic, name, *args)
    text = info.value.description
    assert "\n" not in text and "Traceback" not in text and 'File "' not in text, text
    return text


U = [[0.4, 0.9, 0.6], [0.55, 0.6, 0.5]]


def test_our_module_is_decorated_by_classic_xlwings(classic):
    udfs, _, ours = classic
    assert ours._CLASSIC
    # the VBA wrapper is named after the Python function; VBA and Excel formulas ignore case,
    # so =JJJ_COUPLING(...) calls it
    assert ours.jjj_coupling.__xlfunc__["name"].upper() == "JJJ_COUPLING"


@pytest.mark.parametrize("skipped", [MISSING, None, ""], ids=["missing", "empty", "blank-text"])
def test_skipped_middle_argument_means_default(classic, skipped):
    """=JJJ_COUPLING(U,,"ring",TRUE) with U a range."""
    ref = jx.coupling(U, model="ring")
    out = call(classic, "jjj_coupling", FakeComRange(U), skipped, "ring", True)
    assert out[0] == ["C", "T", "D"]
    np.testing.assert_allclose(np.array(out[1:], dtype=float),
                               np.column_stack([ref.C, ref.T, ref.D]), rtol=1e-12)
    # every optional left out: the defaults (classic model, no header)
    plain = call(classic, "jjj_coupling", FakeComRange(U), MISSING, MISSING, MISSING)
    np.testing.assert_allclose(np.array(plain, dtype=float)[:, 2], jx.coupling(U).D, rtol=1e-12)


def test_array_constant_argument(classic):
    """A literal {0.4,0.9,0.6;0.55,0.6,0.5} arrives as a tuple of tuples, not a Range."""
    out = call(classic, "jjj_coupling", tuple(map(tuple, U)), MISSING, "ring", True)
    assert len(out) == 3 and len(out[0]) == 3


def test_weights_and_scores_match_the_engine(classic):
    X = [[1.0, 10.0, 5.0], [3.0, 30.0, 4.0], [2.0, 25.0, 1.0], [4.0, 12.0, 2.0]]
    dirs = ["+", "+", "-"]
    w = call(classic, "jjj_entropy_weights", FakeComRange(X), FakeComRange([dirs]), MISSING, MISSING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        ref = jx.entropy_weights(np.array(X), dirs)
        np.testing.assert_allclose(w[0], ref.w, rtol=1e-12)
        c = call(classic, "jjj_topsis", FakeComRange(X), FakeComRange([list(ref.w)]),
                 FakeComRange([dirs]), "minmax", MISSING, MISSING)
        np.testing.assert_allclose([r[0] for r in c],
                                   jx.topsis(np.array(X), ref.w, dirs, method="minmax").closeness,
                                   rtol=1e-12)


@pytest.mark.parametrize("code", ["#DIV/0!", "#N/A"])
def test_excel_error_in_a_range_is_named_by_its_cell(classic, code):
    X = [[1.0, 2.0], [XL_ERRORS[code], 4.0], [2.0, 3.0]]
    text = error_of(classic, "jjj_entropy_weights", FakeComRange(X), MISSING, MISSING, MISSING)
    assert text == f"row 2, column 1 of data: the Excel error {code}; numbers only"


def test_bad_options_are_one_line(classic):
    assert error_of(classic, "jjj_standardize", FakeComRange([[1, 2], [3, 4]]), MISSING, MISSING,
                    "one") == 'shift is "one"; it must be a number, e.g. 0, or left empty for 0'
    assert error_of(classic, "jjj_coupling", FakeComRange([[0.5, 0.5]]), MISSING, "ringg",
                    MISSING).startswith('coupling model "ringg" is not known; use one of classic, ring')


def test_unexpected_failure_is_one_line(classic, monkeypatch):
    _, _, ours = classic

    def boom(*a, **k):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(ours, "coupling", boom)
    assert error_of(classic, "jjj_coupling", FakeComRange(U), MISSING, MISSING, MISSING) == \
        "unexpected RuntimeError: disk on fire"


def test_through_xlpython_calludf(classic):
    """The COM server method Excel's VBA calls: XLPy.CallUDF(module, name, Array(...), wb, caller).

    A 1 × 1 result comes back as a scalar, a 1 × n one as a flat row (com_server.CallUDF)."""
    _, com_server, _ = classic
    server = com_server.XLPython()
    assert server.CallUDF(xlclassic.OURS, "jjj_version", (), None, None) == jx.__version__
    row = server.CallUDF(xlclassic.OURS, "jjj_ccd_grade", (0.65, MISSING, MISSING), None, None)
    assert list(row) == [7, "Primary coordination"]
    with pytest.raises(xlclassic.COMException) as info:
        server.CallUDF(xlclassic.OURS, "jjj_ccd_grade", (FakeComRange([[1.5]]), "en", MISSING),
                       None, None)
    assert info.value.description == "D is 1.5 in row 1; the coordination degree must be in [0, 1]"
