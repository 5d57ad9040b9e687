"""Run xlwings' own CLASSIC (Windows, COM) UDF dispatch on Linux, with pywin32 stubbed.

On Windows, Excel calls ``XLPython.CallUDF`` (xlwings/com_server.py) through the VBA that
``xlwings.udfs.generate_vba_wrapper`` writes; it calls ``xlwings.udfs.call_udf``, which
reads each argument with ``xlwings._xlwindows.Range`` (for a range) or directly (for a
value), calls the function and converts the result. Here the real xlwings modules
(``_xlwindows``, ``udfs``, ``com_server``) are imported with stand-ins for the pywin32
modules (``pythoncom``, ``pywintypes``, ``win32api``, ``win32com.*`` …) so that the very
same code runs; only COM itself is faked:

- a range argument is a :class:`FakeComRange` (``.Value`` is a tuple of tuples, Excel
  errors as their integer codes, as COM delivers them; its type-info IID is Excel's Range);
- an omitted argument is ``MISSING`` (``-2147352572``, DISP_E_PARAMNOTFOUND, which VBA's
  ``Array(...)`` passes for a missing Optional), an empty one ``None`` (VT_EMPTY);
- ``win32com.server.exception.COMException`` is a small class with pywin32's keywords.

:func:`classic_mode` restores every module and attribute it touched afterwards.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import importlib
import sys
import types
from unittest import mock

MISSING = -2147352572           # DISP_E_PARAMNOTFOUND: an omitted Optional argument
RANGE_IID = "{00020846-0000-0000-C000-000000000046}"   # Excel's Range interface
XL_ERRORS = {"#DIV/0!": -2146826281, "#N/A": -2146826246, "#NAME?": -2146826259,
             "#NULL!": -2146826288, "#NUM!": -2146826252, "#REF!": -2146826265,
             "#VALUE!": -2146826273}

PYWIN32 = ("pythoncom", "pywintypes", "win32api", "win32con", "win32gui", "win32process",
           "win32timezone", "win32event", "winerror", "win32com", "win32com.client",
           "win32com.client.gencache", "win32com.server", "win32com.server.exception",
           "win32com.server.util", "win32com.server.policy", "win32com.server.dispatcher",
           "win32com.server.register")
XLWINGS_CLASSIC = ("xlwings._xlwindows", "xlwings.udfs", "xlwings.com_server")
OURS = "jjj_xl.excel.udfs"


class COMException(Exception):
    """pywin32's win32com.server.exception.COMException: its ``description`` becomes the
    EXCEPINFO description, i.e. VBA's ``Err.Description``."""

    def __init__(self, description=None, scode=None, source=None, helpfile=None,
                 helpContext=None, desc=None, hresult=None):
        self.description = description or desc
        self.scode = scode if scode is not None else hresult
        super().__init__(self.description)


class _Stub(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = mock.MagicMock(name=f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


class FakeComRange:
    """What pywin32 hands Python for a Range passed from VBA: ``.Value`` as a tuple of tuples."""

    def __init__(self, rows):
        self.Value = tuple(tuple(r) for r in rows)
        # where the range sits (xlwings asks for its sheet -> book -> app -> engine)
        app = mock.MagicMock(name="Excel.Application")
        self.Worksheet = types.SimpleNamespace(Parent=types.SimpleNamespace(Application=app))
        self.Row, self.Column = 1, 1
        self.Rows = types.SimpleNamespace(Count=len(self.Value))
        self.Columns = types.SimpleNamespace(Count=len(self.Value[0]) if self.Value else 0)
        self.Count = self.Rows.Count * self.Columns.Count
        attr = types.SimpleNamespace(iid=RANGE_IID)
        info = types.SimpleNamespace(GetTypeAttr=lambda: attr)
        self._oleobj_ = types.SimpleNamespace(GetTypeInfo=lambda: info)


def _stubs():
    mods = {name: _Stub(name) for name in PYWIN32}
    mods["pythoncom"].__file__ = "pythoncom311.dll"
    mods["pywintypes"].TimeType = dt.datetime      # pywin32's time type subclasses datetime
    mods["pywintypes"].IID = lambda text: text

    class com_error(Exception):
        pass

    mods["pywintypes"].com_error = com_error
    mods["pywintypes"].error = com_error
    mods["win32com.server.exception"].COMException = COMException

    def unwrap(obj):   # FromVariant: our objects are not wrapped Python COM objects
        raise TypeError("not a wrapped object")

    mods["win32com.server.util"].unwrap = unwrap
    for name, mod in mods.items():   # packages know their children
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(mods[parent], child, mod)
    return mods


@contextlib.contextmanager
def classic_mode():
    """Yield ``(xlwings.udfs, xlwings.com_server, jjj_xl.excel.udfs)`` as on Windows."""
    import xlwings

    saved_modules = {n: sys.modules.get(n) for n in (*PYWIN32, *XLWINGS_CLASSIC, OURS)}
    saved_ctypes = {n: getattr(ctypes, n, None) for n in ("windll", "oledll", "PyDLL")}
    saved_xw = {n: getattr(xlwings, n, None) for n in ("func", "arg", "ret", "script", "sub")}
    saved_engines = (list(xlwings.engines.engines), dict(xlwings.engines.engines_by_name),
                     xlwings.engines.active)
    parent = sys.modules.get("jjj_xl.excel")
    saved_attr = getattr(parent, "udfs", None) if parent else None
    try:
        sys.modules.update(_stubs())
        for name in (*XLWINGS_CLASSIC, OURS):
            sys.modules.pop(name, None)
        ctypes.windll = mock.MagicMock(name="windll")
        ctypes.oledll = mock.MagicMock(name="oledll")
        ctypes.PyDLL = mock.MagicMock(name="PyDLL")   # _xlwindows: PyDLL(pythoncom.__file__)
        xlwindows = importlib.import_module("xlwings._xlwindows")
        ctypes.PyDLL = saved_ctypes["PyDLL"]
        # what xlwings/__init__.py does on Windows with pywin32
        xlwings.engines.add(xlwings.main.Engine(impl=xlwindows.engine))
        xlwings.engines.active = xlwings.engines["excel"]
        udfs = importlib.import_module("xlwings.udfs")
        com_server = importlib.import_module("xlwings.com_server")
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        xlwings.script = xlwings.sub = udfs.xlsub
        ours = importlib.import_module(OURS)
        yield udfs, com_server, ours
    finally:
        for name, mod in saved_modules.items():
            if mod is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = mod
        for name, value in saved_ctypes.items():
            if value is None:
                if hasattr(ctypes, name):
                    delattr(ctypes, name)
            else:
                setattr(ctypes, name, value)
        for name, value in saved_xw.items():
            setattr(xlwings, name, value)
        engines, by_name, active = saved_engines
        xlwings.engines.engines[:] = engines
        xlwings.engines.engines_by_name.clear()
        xlwings.engines.engines_by_name.update(by_name)
        xlwings.engines.active = active
        if parent is not None:
            if saved_attr is None:
                if hasattr(parent, "udfs"):
                    delattr(parent, "udfs")
            else:
                parent.udfs = saved_attr


def call(udfs, name, *args):
    """``xlwings.udfs.call_udf`` as com_server calls it (no workbook, no caller cell)."""
    return udfs.call_udf(OURS, name, args, None, None)
