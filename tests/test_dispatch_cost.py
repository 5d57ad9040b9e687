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
