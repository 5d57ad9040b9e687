"""Excel surfaces: xlwings functions (UDFs), workbook scripts (macros), the ribbon add-in
and the xlwings Lite copy. Thin converters over :mod:`jjj_xl.methods` and :mod:`jjj_xl.workbook`."""

import importlib.util
import sys


def _pyodide_absent_fast() -> bool:
    """Make a failing ``import pyodide`` fail at once where Pyodide does not exist.

    xlwings 0.37.x's ``xlwings.utils.is_jsnull`` runs ``from pyodide.ffi import JsNull`` for
    every cell it converts (``conversion/standard.py``); on CPython (xlwings Server, the
    tests) each attempt is a fresh, failing search of sys.path — measured 8.2 s instead of
    0.9 s for a 2,000 × 30 range (benchmarks/bench_udf_dispatch.py). Marking the missing
    module as ``None`` in ``sys.modules`` is Python's own "known to be absent" entry: the
    import raises the same ModuleNotFoundError, without the search. Done only when Pyodide
    cannot be found (in Pyodide/Lite nothing changes). The real fix belongs upstream
    (look JsNull up once per process in xlwings.utils).
    Returns True when the entry was set.
    """
    if "pyodide" in sys.modules:
        return False
    try:
        if importlib.util.find_spec("pyodide") is not None:
            return False
    except (ImportError, ValueError):
        pass
    sys.modules["pyodide"] = None
    return True


_pyodide_absent_fast()
