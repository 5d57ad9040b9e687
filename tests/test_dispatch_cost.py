"""Issue 12 item 3 (dispatch cost), checked by counting work, not by timing.

xlwings 0.37.x tries ``from pyodide.ffi import JsNull`` once per converted cell; on CPython
each failing attempt searched sys.path. jjj_xl.excel marks the absent module so the import
fails without a search. Timings: benchmarks/bench_udf_dispatch.py.
"""

import sys

import pytest

import jjj_xl.excel as excel_pkg

from . import xlserver


class CountingFinder:
    def __init__(self):
        self.asked = []

    def find_spec(self, name, path=None, target=None):
        self.asked.append(name)
        return None


@pytest.fixture(scope="module")
def server():
    with xlserver.server_mode("jjj_xl.excel.udfs") as (xw, (udfs,)):
        yield xw, udfs


def count_pyodide_lookups(udfs, data):
    finder = CountingFinder()
    sys.meta_path.insert(0, finder)
    try:
        xlserver.call_udf(udfs, "jjj_entropy_weights", data, None, None, None)
    finally:
        sys.meta_path.remove(finder)
    return sum(1 for n in finder.asked if n.split(".")[0] == "pyodide")


def test_no_pyodide_search_per_cell(server, monkeypatch):
    if sys.modules.get("pyodide") is not None:
        pytest.skip("pyodide is importable here")
    _, udfs = server
    data = [[float(i + j + 1) for j in range(5)] for i in range(40)]
    assert sys.modules.get("pyodide", "unset") is None        # set by importing jjj_xl.excel
    assert count_pyodide_lookups(udfs, data) == 0
    # without the entry, xlwings searches for pyodide again and again (the cost we remove)
    monkeypatch.delitem(sys.modules, "pyodide")
    assert count_pyodide_lookups(udfs, data) >= 40
    monkeypatch.setitem(sys.modules, "pyodide", None)


def test_nothing_changes_where_pyodide_exists(monkeypatch):
    fake = type(sys)("pyodide")
    monkeypatch.setitem(sys.modules, "pyodide", fake)
    assert excel_pkg._pyodide_absent_fast() is False
    assert sys.modules["pyodide"] is fake


def test_numeric_fast_path_answers_exactly_like_the_engine():
    """JJJ_* functions hand a range of plain numbers to the engine as a float array (fast);
    the result must be the engine's own answer on the list, to the last bit."""
    import warnings

    import numpy as np

    import jjj_xl as jx
    from jjj_xl.excel import udfs

    rng = np.random.default_rng(8)
    for m, n in ((3, 2), (17, 5), (60, 12)):
        X = (rng.random((m, n)) * 10.0 ** rng.integers(-3, 6, size=n)).tolist()
        X[0][0] = int(X[0][0]) + 1                      # ints and floats mixed, as Excel sends
        w = list(np.full(n, 1 / n))
        assert isinstance(udfs._numeric(X), np.ndarray)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fast = udfs.jjj_topsis(X, [w], None, None, None, None)
            slow = jx.topsis(X, w).closeness
            assert [r[0] for r in fast] == list(map(float, slow))
            assert udfs.jjj_entropy_weights(X, None, None, None)[0] == \
                list(map(float, jx.entropy_weights(X).w))
    # anything but plain numbers keeps the engine's cell-by-cell path (and its message)
    for bad in (True, None, "1.5", {"type": "Error"}):
        Y = [[1.0, 2.0], [3.0, bad]]
        assert udfs._numeric(Y) is Y
