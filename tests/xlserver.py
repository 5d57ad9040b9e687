"""Drive xlwings Server/Lite dispatch (custom functions and scripts) without Excel.

xlwings decides what ``func``/``arg``/``script`` are when it is first imported:
with ``XLWINGS_ON_SERVER=true`` (and a licence key; ``noncommercial`` is enough
for tests, xlwings' pro folder being PolyForm Noncommercial) they are the
Office.js decorators used by xlwings Server and Lite. :func:`server_mode` sets
the environment, re-imports xlwings and our modules, and restores everything
afterwards so the rest of the suite sees ordinary xlwings.
"""


from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import os
import re
import sys

XLWINGS_ENV = {"XLWINGS_LICENSE_KEY": "noncommercial", "XLWINGS_ON_SERVER": "true"}


# ----------------------------------------------------------------- import state


def _purge(prefix):
    for name in list(sys.modules):
        if name == prefix or name.startswith(prefix + "."):
            del sys.modules[name]
            # also forget it on the parent package, else `from pkg import mod` finds the stale one
            parent, _, child = name.rpartition(".")
            if parent in sys.modules and getattr(sys.modules[parent], child, None) is not None:
                delattr(sys.modules[parent], child)


def fresh_xlwings(*our_modules):
    """Import xlwings in server mode (env must already be set) plus our modules.

    If xlwings was imported earlier WITHOUT the env vars, its decorators are
    no-ops and the remote engine is missing: purge xlwings and our modules from
    sys.modules and import again. Returns (xlwings, [our modules]).
    """
    for k, v in XLWINGS_ENV.items():
        if os.environ.get(k) != v:
            raise RuntimeError(f"set {k}={v} before calling fresh_xlwings()")
    xw = sys.modules.get("xlwings")
    stale = xw is not None and not (
        getattr(xw, "on_server", False) and getattr(xw, "__pro__", False)
    )
    if stale:
        _purge("xlwings")
    mods = []
    for name in our_modules:
        mod = sys.modules.get(name)
        if stale or (mod is not None and _has_noop_decorators(mod)):
            _purge(name)
        mods.append(importlib.import_module(name))
    import xlwings
    import xlwings.server  # noqa: F401  (the dispatch functions live here)

    return xlwings, mods


def _has_noop_decorators(mod):
    """True if no member carries xlwings server metadata (decorators were no-ops)."""
    return not any(
        hasattr(obj, "__xlfunc__") or hasattr(obj, "__xlscript__")
        for obj in vars(mod).values()
    )


# ----------------------------------------------------------------- custom functions


def cf_data(func_name, *args, runtime="1.4", date_format=None, caller_address=None):
    """The body Office.js POSTs to /xlwings/custom-functions-call.

    Each Excel argument is a 2-D list (all params are dimensionality "matrix"):
    a cell -> [[v]], a range -> [[...], ...], an omitted optional argument ->
    None, an empty cell -> "" (or None), an error -> {"type": "Error",
    "basicValue": "#DIV/0!", "errorType": "Div0"}.
    """
    import xlwings as xw

    data = {
        "client": "Office.js",
        "version": xw.__version__,
        "runtime": runtime,  # CustomFunctionsRuntime; >= 1.4 -> errors/dates as dicts
        "func_name": func_name,  # the PYTHON name (dispatch key), not the Excel name
        "args": list(args),
        "caller_address": caller_address,
        "culture_info_name": "en-US",
        "date_format": date_format,
    }
    return data


def call_udf(module, func_name, *args, **kw):
    """Run a custom function exactly as xlwings Server/Lite do; returns a 2-D list.

    Exceptions raised by the function propagate unchanged.
    """
    import xlwings.server

    return asyncio.run(
        xlwings.server.custom_functions_call(cf_data(func_name, *args, **kw), module)
    )


def cell(value):
    """A single cell argument."""
    return [[value]]


# ----------------------------------------------------------------- book JSON


def _cell_json(v):
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat(timespec="milliseconds") + "Z"
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day).isoformat(timespec="milliseconds") + "Z"
    return v


def _rect(values):
    values = [list(r) for r in (values or [[]])]
    width = max((len(r) for r in values), default=0)
    if width == 0:
        return [[]]
    return [[_cell_json(v) for v in r] + [""] * (width - len(r)) for r in values]


def _abs(a1):
    (r1, c1), (r2, c2) = _a1_cells(a1)
    addr = f"${_col(c1)}${r1}"
    if (r1, c1) != (r2, c2):
        addr += f":${_col(c2)}${r2}"
    return addr


def _col(n):
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def _a1_cells(a1):
    parts = a1.replace("$", "").upper().split(":")
    out = []
    for p in parts:
        m = re.fullmatch(r"([A-Z]+)(\d+)", p)
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        out.append((int(m.group(2)), col))
    return out[0], out[-1]


def book_json(sheets, *, active=0, selection="A1", names=None, tables=None,
              name="Book1.xlsx"):
    """Office.js-shaped workbook payload for ``xw.Book(json=...)``.

    sheets: {sheet_name: 2-D values from A1} (None -> "", dates -> ISO "Z" strings,
            ragged rows padded, as Office.js sends them).
    names:  {defined_name: (sheet_name, "C3")} workbook-scoped named ranges.
    tables: {sheet_name: {table_name: "A1:C5"}} tables WITH a header row.
    """
    order = list(sheets)
    names_json = [
        {
            "name": n,
            "sheet_index": order.index(sh),
            "address": _abs(addr),
            "scope_sheet_name": None,
            "scope_sheet_index": None,
            "book_scope": True,
        }
        for n, (sh, addr) in (names or {}).items()
    ]
    sheets_json = []
    for sh, values in sheets.items():
        tbls = []
        for tname, addr in ((tables or {}).get(sh) or {}).items():
            (r1, c1), (r2, c2) = _a1_cells(addr)
            tbls.append({
                "name": tname,
                "range_address": _abs(addr),
                "header_row_range_address": _abs(f"{_col(c1)}{r1}:{_col(c2)}{r1}"),
                "data_body_range_address": _abs(f"{_col(c1)}{r1 + 1}:{_col(c2)}{r2}"),
                "total_row_range_address": None,
                "show_headers": True,
                "show_totals": False,
                "table_style": "TableStyleMedium2",
                "show_autofilter": True,
            })
        sheets_json.append({"name": sh, "values": _rect(values), "pictures": [],
                            "tables": tbls})
    import xlwings as xw

    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": active, "selection": selection},
        "names": names_json,
        "sheets": sheets_json,
    }


def run_script(module, script_name, payload, *args):
    """Run an @script like xlwings Server does; returns the response dict {"actions": [...]}."""
    import xlwings as xw
    import xlwings.server

    book = xw.Book(json=payload)
    try:
        book = asyncio.run(
            xlwings.server.custom_scripts_call(
                module, script_name, typehint_to_value={xw.Book: book}, args=list(args)
            )
        )
        return book.json()
    finally:
        book.close()  # else the remote engine keeps every book alive


# ----------------------------------------------------------------- replay actions


def apply_actions(payload, response):
    """Replay the returned actions on the payload's values -> {sheet: 2-D grid}.

    Handles setValues, sheetClear/sheetClearContents, addSheet, sheetDelete,
    setSheetName; other actions (formatting, autofit, ...) are ignored. Cells are
    "" when empty; the grid is trimmed of trailing empty rows/columns.
    """
    order = [s["name"] for s in payload["sheets"]]
    grids = {s["name"]: [list(r) for r in s["values"] if r] for s in payload["sheets"]}
    for a in response["actions"]:
        f, pos = a["func"], a["sheet_position"]
        if f == "addSheet":
            ix, new = a["args"]
            order.insert(ix, new)
            grids[new] = []
        elif f == "sheetDelete":
            grids.pop(order.pop(pos))
        elif f == "setSheetName":
            old = order[pos]
            order[pos] = a["args"][0]
            grids[order[pos]] = grids.pop(old)
        elif f in ("sheetClear", "sheetClearContents"):
            grids[order[pos]] = []
        elif f == "setValues":
            g = grids[order[pos]]
            r0, c0 = a["start_row"], a["start_column"]
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    while len(g) <= r0 + i:
                        g.append([])
                    line = g[r0 + i]
                    while len(line) <= c0 + j:
                        line.append("")
                    line[c0 + j] = v
    return {name: _trim(grids[name]) for name in order}


def _trim(g):
    g = [list(r) for r in g]
    width = max((len(r) for r in g), default=0)
    g = [r + [""] * (width - len(r)) for r in g]
    while g and all(v == "" for v in g[-1]):
        g.pop()
    while g and g[0] and all(r[-1] == "" for r in g):
        g = [r[:-1] for r in g]
    return g


def written_sheets(payload, response):
    """Names of the sheets that received setValues, in order of first write."""
    order = [s["name"] for s in payload["sheets"]]
    seen = []
    for a in response["actions"]:
        f, pos = a["func"], a["sheet_position"]
        if f == "addSheet":
            order.insert(a["args"][0], a["args"][1])
        elif f == "sheetDelete":
            order.pop(pos)
        elif f == "setSheetName":
            order[pos] = a["args"][0]
        elif f == "setValues" and order[pos] not in seen:
            seen.append(order[pos])
    return seen



import contextlib  # noqa: E402


@contextlib.contextmanager
def server_mode(*our_modules):
    """Context: xlwings in server mode and ``our_modules`` imported under it."""
    saved = {k: os.environ.get(k) for k in XLWINGS_ENV}
    os.environ.update(XLWINGS_ENV)
    try:
        yield fresh_xlwings(*our_modules)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        _purge("xlwings")
        for name in our_modules:
            _purge(name)
