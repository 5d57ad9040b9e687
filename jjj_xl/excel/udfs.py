"""Excel functions (xlwings UDFs): one engine call each, results that spill.

Registered by ``UDF Modules = jjj_xl.excel.udfs`` (classic xlwings) or imported in
xlwings Lite / Server. Python names are lower case; Lite/Server show JJJ_*, classic
Excel the Python name (formulas ignore case, so =JJJ_TOPSIS works everywhere).
Ranges arrive as 2-D lists (blank cells None, Excel errors as "#DIV/0!"
text); a bad range fails with one line naming the cell inside the argument,
e.g. ``row 3, column 2 of data: text "n/a"; numbers only``. On the classic path that
line is raised as a COMException so Excel shows it, not a traceback. An optional
argument may be omitted or left empty (``=JJJ_COUPLING(U,,"ring",TRUE)``): either way it
means its default.
"""

from __future__ import annotations

import numpy as np
import xlwings as xw
from xlwings import arg, func

from .. import __version__
from ..methods._matrix import _describe_bad_cell
from ..methods.coupling import coupling, grade, make_scheme
from ..errors import InputError
from ..methods.obstacle import obstacle_degree
from ..methods.standardize import standardize
from ..methods.topsis import topsis
from ..methods.weights import critic_weights, entropy_weights, hierarchical_weights

DATA_DOC = "Numbers only: one row per observation (region-year), one column per indicator; no header."
DIR_DOC = "Optional. One direction per indicator, a row or a column: + or - (benefit/cost, 正向/负向). Default: all +."
WEIGHTS_DOC = "One weight per indicator (a row or a column), summing to 1, e.g. from JJJ_ENTROPY_WEIGHTS."
HEADER_DOC = "Optional. TRUE adds a header row. Default FALSE."


# Classic Excel (Windows, xlwings' COM server) puts the exception's text into the cell: for a
# COMException that is its description; for any other exception pywin32 writes "Unexpected
# Python Error" and the traceback. So on the classic path a one-line COMException is raised.
# xlwings' classic decorators live in xlwings.udfs; Lite/Server ones in xlwings.server.
_CLASSIC = getattr(func, "__module__", "") == "xlwings.udfs"
# Excel's own error for a bad argument (#VALUE!), as an HRESULT-style scode
_XL_VALUE_SCODE = -2146826273


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _missing(value) -> bool:
    """An omitted or empty argument: None, "", or a range/array of nothing but blanks.

    Classic Excel passes an omitted argument as "missing" (xlwings substitutes the default)
    but ``=F(a,,b)`` may arrive as an empty value instead; Lite/Server send ``[[None]]``.
    Either way it means the default.
    """
    if isinstance(value, (list, tuple)):
        return all(_missing(v) for v in value)
    return _blank(value)


def _flat(values):
    """A row or a column (or a single cell) as a flat list; None (or all blank) -> None."""
    if _missing(values):
        return None
    if not isinstance(values, (list, tuple)):
        return [values]
    flat = []
    for row in values:
        flat.extend(row if isinstance(row, (list, tuple)) else [row])
    return flat


def _scalar(value, name: str):
    """A single-cell argument: [[x]] -> x; a larger range is refused in words."""
    while isinstance(value, (list, tuple)):
        cells = [v for v in _flat(value) or []]
        if len(cells) != 1:
            raise InputError(f"{name} must be a single value, not a range of {len(cells)} cells")
        value = cells[0]
    return value


def _or(value, default, name: str = "argument"):
    """The argument, or ``default`` when it is omitted or empty."""
    return default if _missing(value) else _scalar(value, name)


def _number(value, default, name: str, *, whole: bool = False, minimum=None):
    """A numeric option (shift, top): omitted/empty -> default; text -> one line naming it."""
    v = _or(value, default, name)
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        try:
            v = float(str(v).strip())
        except ValueError:
            raise InputError(f'{name} is "{v}"; it must be a number, e.g. {default}, '
                             f"or left empty for {default}") from None
    v = float(v)
    if not np.isfinite(v):
        raise InputError(f"{name} is {v}; it must be a finite number")
    if whole:
        if v != int(v) or (minimum is not None and v < minimum):
            raise InputError(f"{name} is {v:g}; it must be a whole number ≥ {minimum}, e.g. {default}")
        return int(v)
    return v


def _flag(value, name: str) -> bool:
    """TRUE/FALSE options (header): omitted/empty -> FALSE; 1/0 and "TRUE"/"FALSE" accepted."""
    v = _or(value, False, name)
    if isinstance(v, str) and v.strip().upper() in ("TRUE", "FALSE"):
        return v.strip().upper() == "TRUE"
    if isinstance(v, (bool, np.bool_, int, float)) and not (isinstance(v, float) and np.isnan(v)):
        return bool(v)
    raise InputError(f'{name} is "{v}"; use TRUE or FALSE (or leave it empty for FALSE)')


def _numeric(data):
    """Fast path for a range of plain numbers: a float array, so the engine skips its
    cell-by-cell check (10,000 × 30: ~0.05 s instead of ~0.8 s). Anything else (blanks,
    text, logicals, error values) is passed on unchanged and the engine names the cell."""
    if not (isinstance(data, list) and data and isinstance(data[0], list)):
        return data
    number = (int, float)
    if not all(type(v) in number for row in data for v in row):   # bool is not int here
        return data
    try:
        return np.array(data, dtype=float)
    except ValueError:       # ragged rows: let the engine explain
        return data


def _width(data) -> int:
    if isinstance(data, (list, tuple)) and data and isinstance(data[0], (list, tuple)):
        return len(data[0])
    return 1 if data is not None else 0


def _per_column(values, data, name: str, what: str, per: str):
    """A row/column with one value per column of ``what``; the count is checked in words."""
    flat = _flat(values)
    n = _width(data)
    if flat is not None and n and len(flat) != n:
        word = "value" if len(flat) == 1 else "values"
        raise InputError(f"{name} has {len(flat)} {word} but {what} has {n} columns; "
                         f"give one {per} per column of {what}")
    return flat


def _cell_message(err: InputError, what: str) -> str:
    """Engine error -> 'row R, column C of <what> ...' in the argument's own coordinates."""
    numeric = isinstance(err.found, (int, float, np.integer, np.floating)) and not isinstance(err.found, bool)
    if err.row is not None and err.column is None and numeric and "; " in str(err):
        return f"row {err.row + 1} of {what} is {float(err.found):g}; {str(err).split('; ', 1)[1]}"
    if err.row is None or err.column is None:
        return str(err)
    place = f"row {err.row + 1}, column {err.column + 1} of {what}"
    found = err.found
    if isinstance(found, (str, bool)) or (found is None and "blank" in str(err)):
        if found is None:
            return f"{place} is blank; fill it"
        text = _describe_bad_cell(found)
        text = text[4:] if text.startswith("has ") else text
        return f"{place}: {text}"
    tail = str(err).split("; ", 1)[1] if "; " in str(err) else (err.needed or "")
    if isinstance(found, (int, float, np.integer, np.floating)):
        return f"{place} is {float(found):g}; {tail}".rstrip("; ")
    return f"{place}: {err}"


def _fail(message: str):
    """Raise ``message`` so that it reaches the cell as that one line."""
    message = " ".join(str(message).split()) or "the function failed"
    if _CLASSIC:
        from win32com.server.exception import COMException

        # pywin32 hands a COMException's description to VBA as Err.Description, which
        # xlwings' generated wrapper returns to the cell ("failed: f = Err.Description")
        raise COMException(description=message, scode=_XL_VALUE_SCODE)
    raise xw.XlwingsError(message)


def _excel(call, what="data"):
    """Run an engine call; any bad input reaches the cell as one line (never a traceback)."""
    try:
        return call()
    except InputError as err:
        message = _cell_message(err, what)
    except xw.XlwingsError as err:
        message = str(err)
    except Exception as err:  # an unexpected failure still reads as one line in a cell
        first = str(err).splitlines()[0] if str(err) else ""
        message = f"unexpected {type(err).__name__}: {first}"
    _fail(message)


def _rows(a) -> list:
    a = np.asarray(a, dtype=object)
    if a.ndim == 1:
        a = a[:, None]
    return [[v.item() if isinstance(v, np.generic) else v for v in r] for r in a.tolist()]


def _dirs(directions, data):
    return _per_column(directions, data, "directions", "data", "direction (+ or -)")


def _weights(weights, data):
    return _per_column(weights, data, "weights", "data", "weight")


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default), "max", "vector", "share".')
@arg("shift", doc="Optional. Added after min-max (paper 000 uses 1). Default 0.")
def jjj_standardize(data, directions=None, method="minmax", shift=0):
    """Standardised matrix (min-max, x/max, vector or share): same shape as data (m × n).

    Source: METHODS.md, standardisation (paper 000 min-max with shift; paper 004 x/max).
    """
    return _excel(lambda: _rows(standardize(_numeric(data), _dirs(directions, data),
                                            method=_or(method, "minmax", "method"),
                                            shift=_number(shift, 0, "shift"))))


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default, with shift), "share" (x/Σx) or "max".')
@arg("shift", doc="Optional. Shift after min-max; default 1 (paper 000).")
def jjj_entropy_weights(data, directions=None, method="minmax", shift=1):
    """Entropy weights: one row of n weights (one per indicator column), summing to 1."""
    return _excel(lambda: [list(map(float, entropy_weights(
        _numeric(data), _dirs(directions, data), method=_or(method, "minmax", "method"),
        shift=_number(shift, 1, "shift")).w))])


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default, with shift), "share" or "max".')
@arg("shift", doc="Optional. Shift after min-max; default 1 (paper 000).")
@arg("header", doc=HEADER_DOC)
def jjj_entropy_table(data, directions=None, method="minmax", shift=1, header=False):
    """Entropy e, utility d = 1 − e and weight w of each indicator: n rows × 3 (+1 header row)."""
    def run():
        res = entropy_weights(_numeric(data), _dirs(directions, data), method=_or(method, "minmax", "method"),
                              shift=_number(shift, 1, "shift"))
        rows = [[float(e), float(d), float(w)] for e, d, w in zip(res.e, res.d, res.w)]
        return ([["e", "d", "w"]] if _flag(header, "header") else []) + rows
    return _excel(run)


@func
@arg("dimensions", ndim=2, doc="The dimension name of each indicator, a column or a row.")
def jjj_hier_weights(dimensions):
    """Hierarchical equal weights: each dimension 1/K, split equally among its indicators.

    Same orientation as ``dimensions``: a row in, a row out (1 × n); a column in, n × 1.
    """
    def run():
        w = [float(v) for v in hierarchical_weights(_flat(dimensions)).w]
        as_row = len(dimensions) == 1 and len(dimensions[0]) > 1
        return [w] if as_row else [[v] for v in w]
    return _excel(run, "dimensions")


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
def jjj_critic_weights(data, directions=None):
    """CRITIC weights (contrast × conflict): one row of n weights."""
    return _excel(lambda: [list(map(float, critic_weights(_numeric(data), _dirs(directions, data)).w))])


def _topsis(data, weights, directions, method, closeness, ideal):
    ideal = _or(ideal, "data", "ideal")
    if ideal == "group":
        raise InputError('ideal "group" needs the region of each row: use the workbook\'s '
                         'Compute all (ideal_solution_index template) instead')
    if _missing(weights):
        raise InputError("weights is empty; give one weight per column of data, "
                         "e.g. the row from JJJ_ENTROPY_WEIGHTS")
    return topsis(_numeric(data), _weights(weights, data), _dirs(directions, data),
                  method=_or(method, "vector", "method"),
                  closeness=_or(closeness, "ratio", "closeness"), ideal=ideal)


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("weights", ndim=2, err_to_str=True, doc=WEIGHTS_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. Standardisation: "vector" (default), "minmax", "max", "share", "none".')
@arg("closeness", doc='Optional. "ratio" d⁻/(d⁺+d⁻) (default) or "squared" (paper 004).')
@arg("ideal", doc='Optional. "data": best and worst of all rows (default).')
def jjj_topsis(data, weights, directions=None, method="vector", closeness="ratio", ideal="data"):
    """TOPSIS closeness of each row: a column of m values in [0, 1]."""
    return _excel(lambda: [[float(c)] for c in _topsis(data, weights, directions, method,
                                                      closeness, ideal).closeness])


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("weights", ndim=2, err_to_str=True, doc=WEIGHTS_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. Standardisation: "vector" (default), "minmax", "max", "share", "none".')
@arg("closeness", doc='Optional. "ratio" (default) or "squared".')
@arg("ideal", doc='Optional. "data" (default).')
@arg("header", doc=HEADER_DOC)
def jjj_topsis_table(data, weights, directions=None, method="vector", closeness="ratio",
                     ideal="data", header=False):
    """TOPSIS d⁺, d⁻, closeness and rank (1 = best) of each row: m rows × 4 (+1 header row)."""
    def run():
        res = _topsis(data, weights, directions, method, closeness, ideal)
        rows = [[float(a), float(b), float(c), int(r)]
                for a, b, c, r in zip(res.d_plus, res.d_minus, res.closeness, res.rank)]
        return ([["d_plus", "d_minus", "closeness", "rank"]] if _flag(header, "header") else []) + rows
    return _excel(run)


@func
@arg("u", ndim=2, err_to_str=True, doc="U values in [0, 1]: one row per observation, one column per system.")
@arg("weights", ndim=2, err_to_str=True, doc="Optional. T weights α, one per system, summing to 1. Default equal.")
@arg("model", doc='Optional. "classic" (default), "ring" (paper 000), "ring_printed", "wang".')
@arg("header", doc=HEADER_DOC)
def jjj_coupling(u, weights=None, model="classic", header=False):
    """Coupling degree C, development index T and coordination degree D of each row of U:
    m rows × 3 (+1 header row). Grades: JJJ_CCD_GRADE of the D column."""
    def run():
        w = _per_column(weights, u, "weights", "u", "weight α")
        res = coupling(_numeric(u), weights=w, model=_or(model, "classic", "model"))
        rows = [[float(c), float(t), float(d)] for c, t, d in zip(res.C, res.T, res.D)]
        return ([["C", "T", "D"]] if _flag(header, "header") else []) + rows
    return _excel(run, "u")


@func
@arg("d", ndim=2, err_to_str=True, doc="Coordination degrees D in [0, 1] (a cell, a column or a row).")
@arg("lang", doc='Optional. "en" (default) or "zh".')
@arg("scheme", ndim=2, doc='Optional. "ccd10" (default) or a range of rows: lower bound, label[, 中文].')
def jjj_ccd_grade(d, lang="en", scheme="ccd10"):
    """Grade level (1 = lowest) and label of each D.

    A cell or a column of m values gives m rows × 2 (level, label); a row of n values gives
    2 rows × n (levels above labels), so the result lines up with the D it grades.
    """
    def run():
        sch = "ccd10"
        if not _missing(scheme) and not (len(scheme) == 1 and len(scheme[0]) == 1):
            sch = make_scheme(scheme)
        elif not _missing(scheme):
            sch = scheme[0][0]
        values = _flat(d)
        if values is None:
            raise InputError("d is empty; give coordination degrees D in [0, 1]")
        level, label = grade(values, sch, _or(lang, "en", "lang"))
        pairs = [[int(lv), str(lb)] for lv, lb in zip(level, label)]
        as_row = isinstance(d, (list, tuple)) and len(d) == 1 and _width(d) > 1
        return [[p[0] for p in pairs], [p[1] for p in pairs]] if as_row else pairs
    return _excel(run, "d")


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("weights", ndim=2, err_to_str=True, doc=WEIGHTS_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("top", doc="Optional. How many obstacles per row (default 3).")
@arg("header", doc=HEADER_DOC)
def jjj_obstacle(data, weights, directions=None, top=3, header=False):
    """The top obstacle indicators (by column number) and their obstacle degrees for each row:
    m rows × 2·top (indicator, degree pairs; +1 header row)."""
    def run():
        import pandas as pd

        if _missing(weights):
            raise InputError("weights is empty; give one weight per column of data")
        names = [f"indicator {j + 1}" for j in range(_width(data))]
        frame = pd.DataFrame(data, columns=names) if data else data
        res = obstacle_degree(frame, _weights(weights, data), _dirs(directions, data),
                              top=_number(top, 3, "top", whole=True, minimum=1))
        table = res.top
        body = [[v.item() if isinstance(v, np.generic) else v for v in row]
                for row in table.itertuples(index=False)]
        return ([list(table.columns)] if _flag(header, "header") else []) + body
    return _excel(run)


@func
def jjj_version():
    """The jjj-xl version."""
    return __version__


# ---------------------------------------------------------------- After D (issue 10): scalar functions
# Proposed and checked by helper "spatial" (notes/spatial.md (d)); wired by helper "afterd".

from ..methods.disparity import dagum_gini, theil  # noqa: E402
from ..methods.forecast import gm11  # noqa: E402
from ..methods.spatial import morans_i  # noqa: E402

Y_DOC = "One value per region (a column or a row), e.g. D of one year."
W_DOC = ("Spatial weights: a square range, one row and one column per region in the order of y; "
         "1 = neighbour, 0 or blank = not (or inverse distances). No header.")
GROUPS_DOC = "One group label per region (a column or a row), e.g. Beijing-Tianjin / Hebei."


def _square(w):
    rows = [list(r) for r in w] if isinstance(w, (list, tuple)) else [[w]]
    return [[0.0 if v is None or v == "" else v for v in r] for r in rows]


@func
@arg("y", ndim=2, err_to_str=True, doc=Y_DOC)
@arg("w", ndim=2, err_to_str=True, doc=W_DOC)
@arg("stat", doc='Optional. "I" (default), "E" (E[I] = −1/(n−1)), "z", "p_norm", "p_sim", or "all" (with a note).')
@arg("permutations", doc="Optional. Random permutations for p_sim; default 999. Exact when n! ≤ this.")
@arg("seed", doc="Optional. Integer seed for p_sim (reproducible). Default 12345.")
@arg("transform", doc='Optional. "r" row-standardised (default), "b" binary, "none".')
def jjj_moran(y, w, stat="I", permutations=999, seed=12345, transform="r"):
    """Global Moran's I of y with weights w (row-standardised by default; Moran 1950)."""
    import warnings

    from ..errors import JJJWarning

    def run():
        st = str(_or(stat, "I"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", JJJWarning)
            res = morans_i(_flat(y), _square(w), permutations=int(_or(permutations, 999)),
                           seed=int(_or(seed, 12345)), transform=_or(transform, "r"))
        values = {"I": res.I, "E": res.expected, "z": res.z, "p_norm": res.p_norm,
                  "p_sim": res.p_sim}
        if st == "all":
            note = "; ".join(str(m.message) for m in caught if issubclass(m.category, JJJWarning))
            return [list(values) + ["note"],
                    [float(v) if v is not None else "" for v in values.values()] + [note]]
        if st not in values:
            raise InputError(f'stat "{st}" is not known; use I, E, z, p_norm, p_sim or all')
        return float(values[st]) if values[st] is not None else ""
    return _excel(run, "y")


@func
@arg("y", ndim=2, err_to_str=True, doc=Y_DOC)
@arg("groups", ndim=2, err_to_str=True, doc="Optional. " + GROUPS_DOC + " Without: T only.")
@arg("part", doc='Optional. "T" (default), "within", "between", or "all".')
@arg("weights", ndim=2, err_to_str=True, doc="Optional. Population (or other) weights; default each region counts once.")
def jjj_theil(y, groups=None, part="T", weights=None):
    """Theil T index of y, and its within/between-group parts (Theil 1967; Shorrocks 1980)."""
    def run():
        res = theil(_flat(y), _flat(groups), weights=_flat(weights))
        values = {"T": res.T, "within": res.within, "between": res.between}
        p = str(_or(part, "T"))
        if p == "all":
            return [list(values), [float(v) for v in values.values()]]
        if p not in values:
            raise InputError(f'part "{p}" is not known; use T, within, between or all')
        return float(values[p])
    return _excel(run, "y")


@func
@arg("y", ndim=2, err_to_str=True, doc=Y_DOC)
@arg("groups", ndim=2, err_to_str=True, doc=GROUPS_DOC)
@arg("part", doc='Optional. "G" (default), "Gw", "Gnb", "Gt", or "all" (with contribution shares).')
def jjj_gini(y, groups, part="G"):
    """Dagum (1997) Gini of y and its decomposition G = Gw + Gnb + Gt."""
    def run():
        res = dagum_gini(_flat(y), _flat(groups))
        values = {"G": res.G, "Gw": res.Gw, "Gnb": res.Gnb, "Gt": res.Gt}
        p = str(_or(part, "G"))
        if p == "all":
            shares = res.shares
            return [["", "G", "Gw", "Gnb", "Gt"],
                    ["value", *[float(v) for v in values.values()]],
                    ["share", 1.0, float(shares["Gw"]), float(shares["Gnb"]), float(shares["Gt"])]]
        if p not in values:
            raise InputError(f'part "{p}" is not known; use G, Gw, Gnb, Gt or all')
        return float(values[p])
    return _excel(run, "y")


@func
@arg("x0", ndim=2, err_to_str=True, doc="The series, oldest first (a column or a row), at least 4 positive numbers.")
@arg("horizon", doc="Optional. Steps ahead; default 1.")
@arg("header", doc=HEADER_DOC)
def jjj_gm11(x0, horizon=1, header=False):
    """GM(1,1) (Deng) fitted values and forecast (one column); with header, then a, b, C, P, grade."""
    def run():
        res = gm11(_flat(x0), horizon=int(_or(horizon, 1)))
        rows = [[float(v)] for v in list(res.fitted) + list(res.forecast)]
        tail = [["a"], [res.a], ["b"], [res.b], ["C"], [res.C], ["P"], [res.P], ["grade"],
                [res.grade]]
        return ([["fitted / forecast"]] if header else []) + rows + (tail if header else [])
    return _excel(run, "x0")
