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

import re

import numpy as np
import xlwings as xw
from xlwings import arg, func

from .. import __version__
from ..methods._matrix import (DIRECTION_HELP, _describe_bad_cell, _split_direction_string,
                               direction_spec)
from ..methods.ahp import ahp_weights
from ..methods.coupling import coupling, grade, make_scheme
from ..methods.development import relative_development
from ..errors import InputError
from ..methods.grey import grey_relational_degree, grey_relational_grade
from ..methods.obstacle import obstacle_degree
from ..methods.standardize import positivize, standardize
from ..methods.topsis import topsis
from ..methods.weights import combine_weights, critic_weights, entropy_weights, hierarchical_weights

DATA_DOC = "Numbers only: one row per observation (region-year), one column per indicator; no header."
DIR_TYPES = ("+ or - (benefit/cost, 正向/负向), middle 7 (中间型 7: best value 7) or interval 10-20 "
             "(区间型 10-20: ideal band); several in one cell are separated by ;")
DIR_DOC = f"Optional. One direction per indicator, a row or a column: {DIR_TYPES}. Default: all +."
CLOSED_DOC = 'Optional. Grade intervals: "left" [a, b) (default) or "right" (a, b] as many papers print them.'
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
    if err.row is None and isinstance(err.column, (int, np.integer)):
        # a whole column: the engine's "column C of data" is the 3rd column of the argument
        return re.sub(r"\bcolumn [A-Z]+ of (?:data|U|series)\b", f"column {int(err.column) + 1} of {what}",
                      str(err), count=1)
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
    shown = re.search(r" is ([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\b[^;]*; ", str(err))
    if found is None and shown:     # the engine said the value in its own words ("… is 1.5 in row 1")
        return f"{place} is {shown.group(1)}; {tail}"
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


def _dirs(directions, data, name: str = "directions"):
    """One direction per column of data. Texts such as "middle 7" / "interval 10-20" /
    "中间型 7" / "区间型 10-20" pass through unchanged (the engine reads them); one text cell
    may hold several, separated by ; (e.g. "middle 7; -; interval 10-20")."""
    flat = _flat(directions)
    if flat is not None and len(flat) == 1 and isinstance(flat[0], str) and _width(data) > 1:
        parts = _split_direction_string(flat[0])
        if len(parts) > 1:
            directions = [parts]
    flat = _per_column(directions, data, name, "data", "direction (+ or -)")
    for k, v in enumerate(flat or [], start=1):
        if direction_spec(v) is None:
            what = f"value {k} of {name} is blank" if _blank(v) else \
                f'direction "{v}" (value {k} of {name}) is not understood'
            raise InputError(f"{what}; {DIRECTION_HELP}")
    return flat


def _weights(weights, data):
    return _per_column(weights, data, "weights", "data", "weight")


def _translate(value):
    """translate option: omitted/empty/FALSE/"none" -> None; anything else to the engine."""
    v = _or(value, None, "translate")
    if v is False or (isinstance(v, str) and v.strip().lower() in ("none", "false")):
        return None
    return v


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _rescale(value):
    """rescale option: empty/FALSE -> None; TRUE -> True ((0.01, 0.99)); two cells -> (low, high)."""
    if _missing(value):
        return None
    flat = _flat(value)
    if len(flat) == 1:
        v = flat[0]
        if isinstance(v, str) and v.strip().upper() in ("TRUE", "FALSE"):
            v = v.strip().upper() == "TRUE"
        if isinstance(v, (bool, np.bool_)):
            return True if v else None
        raise InputError(f'rescale is "{v}"; use TRUE for [0.01, 0.99], two cells (low, high), '
                         f"or leave it empty for none")
    if len(flat) != 2 or not all(_is_number(v) for v in flat):
        raise InputError(f"rescale has {len(flat)} cells; give TRUE or two numbers (low, high), "
                         f"e.g. 0.01 and 0.99")
    return float(flat[0]), float(flat[1])


def _numbers(values, name: str, example: str):
    """A row or column of numbers (bounds, a reference series) as floats; one line otherwise."""
    flat = _flat(values)
    if flat is None:
        return None
    for k, v in enumerate(flat, start=1):
        if not _is_number(v):
            if _blank(v):
                raise InputError(f"cell {k} of {name} is blank; fill it ({example})")
            text = _describe_bad_cell(v).split("; ")[0]
            text = text[4:] if text.startswith("has ") else text
            raise InputError(f"cell {k} of {name}: {text}; {example}")
    return [float(v) for v in flat]


def _orient(values, like):
    """A flat result shaped like the argument ``like``: a row stays a row, else a column."""
    as_row = isinstance(like, (list, tuple)) and len(like) == 1 and _width(like) > 1
    return [list(values)] if as_row else [[v] for v in values]


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default), "max", "vector", "share", "zscore" '
                   '((x − mean)/s, s the sample standard deviation).')
@arg("shift", doc="Optional. Added after min-max (paper 000 uses 1). Default 0.")
def jjj_standardize(data, directions=None, method="minmax", shift=0):
    """Standardised matrix (min-max, x/max, vector, share or z-score): same shape as data (m × n).

    Middle and interval directions are positivised first, then standardised as benefit.
    Source: METHODS.md, standardisation (paper 000 min-max with shift; paper 004 x/max;
    z-score with the sample standard deviation, ddof = 1).
    """
    return _excel(lambda: _rows(standardize(_numeric(data), _dirs(directions, data),
                                            method=_or(method, "minmax", "method"),
                                            shift=_number(shift, 0, "shift"))))


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=f"One direction per indicator, a row or a column: {DIR_TYPES}.")
def jjj_positivize(data, directions):
    """Positivised matrix (正向化, larger is better): same shape as data (m × n).

    benefit x; cost max − x; middle (best x*) 1 − |x − x*|/max|x − x*|; interval [a, b]
    1 − (max(a − x, 0) + max(x − b, 0))/M, M = max(a − min, max − b). Example, middle 7:
    5, 7, 8, 9 → 0, 1, 0.5, 0. Source: METHODS.md §1 (indicator types); SPSSAU 正向化.
    """
    def run():
        if _missing(directions):
            raise InputError("directions is empty; give one direction per column of data "
                             "(+, -, middle 7 or interval 10-20)")
        return _rows(positivize(_numeric(data), _dirs(directions, data)))
    return _excel(run)


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default, with shift), "share" (x/Σx), "max", "zscore" '
                   '(needs translate "spssau") or "none".')
@arg("shift", doc="Optional. Shift after min-max; default 1 (paper 000).")
@arg("translate", doc='Optional. "spssau": SPSSAU\'s non-negative translation, |min| + 0.01 added '
                      'to a standardised column with a value ≤ 0. Default: none.')
def jjj_entropy_weights(data, directions=None, method="minmax", shift=1, translate=None):
    """Entropy weights: one row of n weights (one per indicator column), summing to 1.

    Source: METHODS.md §2; translate "spssau" per spssau.net/helps/entropy.html."""
    return _excel(lambda: [list(map(float, entropy_weights(
        _numeric(data), _dirs(directions, data), method=_or(method, "minmax", "method"),
        shift=_number(shift, 1, "shift"), translate=_translate(translate)).w))])


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default, with shift), "share", "max", "zscore" or "none".')
@arg("shift", doc="Optional. Shift after min-max; default 1 (paper 000).")
@arg("header", doc=HEADER_DOC)
@arg("translate", doc='Optional. "spssau": |min| + 0.01 added to a standardised column with a '
                      'value ≤ 0 (SPSSAU). Default: none.')
def jjj_entropy_table(data, directions=None, method="minmax", shift=1, header=False, translate=None):
    """Entropy e, utility d = 1 − e and weight w of each indicator: n rows × 3 (+1 header row)."""
    def run():
        res = entropy_weights(_numeric(data), _dirs(directions, data), method=_or(method, "minmax", "method"),
                              shift=_number(shift, 1, "shift"), translate=_translate(translate))
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


@func
@arg("matrix", ndim=2, err_to_str=True,
     doc='The n × n pairwise comparison matrix on Saaty\'s 1–9 scale: row i, column j says how much '
         'more important item i is than item j; 1 on the diagonal; 1/3 as a number or the text '
         '"1/3"; one triangle may be left blank (the reciprocals are used).')
@arg("header", doc=HEADER_DOC)
def jjj_ahp(matrix, header=False):
    """AHP weights: n rows × 4 (+1 header row) — the weight w of each item (principal
    eigenvector, sum 1) in the first column; λmax, CI = (λmax − n)/(n − 1) and CR = CI/RI
    (Saaty's RI) in the first row only, blank below. CR > 0.1: revise the comparisons.
    CR shows "n/a" for n > 15 (no RI). Source: Saaty (1980); Saaty (1990) EJOR 48: 9–26.
    """
    def run():
        if _missing(matrix):
            raise InputError("matrix is empty; give the n × n pairwise comparison matrix")
        res = ahp_weights(matrix)
        cr = "n/a" if res.CR is None else float(res.CR)
        rows = [[float(w), "", "", ""] for w in np.asarray(res.w, dtype=float)]
        rows[0][1:] = [float(res.lambda_max), float(res.CI), cr]
        return ([["w", "lambda_max", "CI", "CR"]] if _flag(header, "header") else []) + rows
    return _excel(run, "matrix")


@func
@arg("w1", ndim=2, err_to_str=True, doc="The first weights (e.g. AHP, subjective): one per indicator, "
                                        "a row or a column, summing to 1.")
@arg("w2", ndim=2, err_to_str=True, doc="The second weights (e.g. entropy, objective): as many as "
                                        "w1, summing to 1.")
@arg("alpha", doc="Optional. Linear: w = alpha·w1 + (1 − alpha)·w2. Default 0.5; not used by "
                  "multiplicative.")
@arg("method", doc='Optional. "linear" (default) or "multiplicative": w = w1·w2/Σ(w1·w2).')
def jjj_combine_weights(w1, w2, alpha=0.5, method="linear"):
    """Combined weights, one per indicator, shaped like w1 (a row in, a row out)."""
    def run():
        a, b = _flat(w1), _flat(w2)
        if a is None or b is None:
            raise InputError(f"{'w1' if a is None else 'w2'} is empty; give one weight per "
                             f"indicator, e.g. the row from JJJ_AHP or JJJ_ENTROPY_WEIGHTS")
        if len(a) != len(b):
            raise InputError(f"w2 has {len(b)} value{'s' if len(b) != 1 else ''} but w1 has "
                             f"{len(a)}; give one weight per indicator in each")
        res = combine_weights(a, b, alpha=_number(alpha, 0.5, "alpha"),
                              method=_or(method, "linear", "method"))
        return _orient([float(v) for v in np.asarray(res.w, dtype=float)], w1)
    return _excel(run, "weights")


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
@arg("method", doc='Optional. Standardisation: "vector" (default), "minmax", "max", "share", "zscore", "none".')
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
@arg("method", doc='Optional. Standardisation: "vector" (default), "minmax", "max", "share", "zscore", "none".')
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
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("rho", doc="Optional. Distinguishing coefficient ρ in (0, 1]; default 0.5.")
@arg("weights", ndim=2, err_to_str=True, doc="Optional. One weight per indicator, summing to 1. "
                                              "Default equal.")
@arg("method", doc='Optional. "minmax" (default: min-max standardised first) or "none" (data '
                   'already standardised, larger is better).')
@arg("header", doc=HEADER_DOC)
def jjj_grey_grade(data, directions=None, rho=0.5, weights=None, method="minmax", header=False):
    """Grey relational grade of each row against the ideal row and its rank (1 = closest):
    m rows × 2 (+1 header row). ξ = (Δmin + ρΔmax)/(Δ + ρΔmax), grade = Σ w ξ.
    Source: Deng (1982); METHODS.md (grey relational analysis)."""
    def run():
        res = grey_relational_grade(_numeric(data), _dirs(directions, data), rho=_number(rho, 0.5, "rho"),
                                    weights=_weights(weights, data), method=_or(method, "minmax", "method"))
        rows = [[float(g), int(r)] for g, r in zip(np.asarray(res.grade), np.asarray(res.rank))]
        return ([["grade", "rank"]] if _flag(header, "header") else []) + rows
    return _excel(run)


@func
@arg("series", ndim=2, err_to_str=True,
     doc="Numbers only: one column per factor (indicator series), one row per point (year); no header.")
@arg("reference", ndim=2, err_to_str=True,
     doc="The reference series (e.g. D over the years): a column or a row, one value per row of series.")
@arg("rho", doc="Optional. Distinguishing coefficient ρ in (0, 1]; default 0.5.")
@arg("normalize", doc='Optional. "mean" (均值化, default), "initial" (初值化), "minmax" or "none".')
@arg("header", doc=HEADER_DOC)
def jjj_grey_degree(series, reference, rho=0.5, normalize="mean", header=False):
    """Grey relational degree of each factor series with the reference and its rank
    (1 = most related): k rows × 2 (+1 header row), one row per column of series.
    Source: Deng (1982), 邓聚龙《灰色系统基本方法》."""
    def run():
        ref = _numbers(reference, "reference", "numbers only, one per row of series")
        if ref is None:
            raise InputError("reference is empty; give the reference series, one value per row "
                             "of series")
        res = grey_relational_degree(_numeric(series), ref, rho=_number(rho, 0.5, "rho"),
                                     normalize=_or(normalize, "mean", "normalize"))
        rows = [[float(g), int(r)] for g, r in zip(np.asarray(res.grade), np.asarray(res.rank))]
        return ([["degree", "rank"]] if _flag(header, "header") else []) + rows
    return _excel(run, "series")


@func
@arg("u", ndim=2, err_to_str=True, doc="U values in [0, 1]: one row per observation, one column per system.")
@arg("weights", ndim=2, err_to_str=True, doc="Optional. T weights α, one per system, summing to 1. Default equal.")
@arg("model", doc='Optional. "classic" (default), "ring" (paper 000), "ring_printed", "wang", '
                  '"fan" (Fan, Ke & Cao 2024: C = 1 − 2·σ of U).')
@arg("header", doc=HEADER_DOC)
@arg("closed", doc='Optional. "left" [a, b) or "right" (a, b]: adds the columns level and label '
                   '(D graded by ccd10 with these intervals). Default: empty, C, T, D only.')
@arg("rescale", ndim=2, doc="Optional. TRUE: each system min-max over all rows into [0.01, 0.99] "
                            "first (SPSSAU's default for raw indices); or two cells low, high. "
                            "Default: empty/FALSE, U used as given.")
@arg("lang", doc='Optional. Language of the labels when closed is given: "en" (default) or "zh".')
def jjj_coupling(u, weights=None, model="classic", header=False, closed=None, rescale=None,
                 lang="en"):
    """Coupling degree C, development index T and coordination degree D of each row of U:
    m rows × 3 (+1 header row); with ``closed``, m rows × 5 (C, T, D, level, label).
    Grades otherwise: JJJ_CCD_GRADE of the D column. Source: METHODS.md §4; fan model as the
    R package coupling 0.2 implements Fan, Ke & Cao (2024), 统计与决策 40(22): 41–46."""
    def run():
        w = _per_column(weights, u, "weights", "u", "weight α")
        graded = not _missing(closed)
        res = coupling(_numeric(u), weights=w, model=_or(model, "classic", "model"),
                       lang=_or(lang, "en", "lang"), closed=_or(closed, "left", "closed"),
                       rescale=_rescale(rescale))
        if graded:
            rows = [[float(c), float(t), float(d), int(lv), str(lb)]
                    for c, t, d, lv, lb in zip(res.C, res.T, res.D, res.level, res.label)]
            head = ["C", "T", "D", "level", "label"]
        else:
            rows = [[float(c), float(t), float(d)] for c, t, d in zip(res.C, res.T, res.D)]
            head = ["C", "T", "D"]
        return ([head] if _flag(header, "header") else []) + rows
    return _excel(run, "u")


@func
@arg("d", ndim=2, err_to_str=True, doc="Coordination degrees D in [0, 1] (a cell, a column or a row).")
@arg("lang", doc='Optional. "en" (default) or "zh".')
@arg("scheme", ndim=2, doc='Optional. "ccd10" (default) or a range of rows: lower bound, label[, 中文].')
@arg("closed", doc=CLOSED_DOC)
def jjj_ccd_grade(d, lang="en", scheme="ccd10", closed="left"):
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
        level, label = grade(values, sch, _or(lang, "en", "lang"), closed=_or(closed, "left", "closed"))
        pairs = [[int(lv), str(lb)] for lv, lb in zip(level, label)]
        as_row = isinstance(d, (list, tuple)) and len(d) == 1 and _width(d) > 1
        return [[p[0] for p in pairs], [p[1] for p in pairs]] if as_row else pairs
    return _excel(run, "d")


@func
@arg("u", ndim=2, err_to_str=True, doc="U₁ and U₂ in [0, 1]: one row per observation, two columns (systems).")
@arg("ratio", doc='Optional. "u2/u1" (default: E = U₂/U₁) or "u1/u2".')
@arg("bounds", ndim=2, err_to_str=True,
     doc="Optional. Ascending upper bounds of the right-closed classes. Default 0.8, 1.2 "
         "(E ≤ 0.8, 0.8 < E ≤ 1.2, E > 1.2).")
@arg("lang", doc='Optional. "en" (default) or "zh".')
@arg("labels", ndim=2, err_to_str=True,
     doc="Optional. One label per class (one more than bounds). Default: which system lags / "
         "synchronous; needed when bounds are not two numbers.")
@arg("header", doc=HEADER_DOC)
def jjj_rel_dev(u, ratio="u2/u1", bounds=None, lang="en", labels=None, header=False):
    """Relative development degree E of two systems, its class (1 = lowest E) and label:
    m rows × 3 (+1 header row). Where the denominator is 0 and the numerator is not, E is
    infinite and shown as the text "∞" (the class is the top one); 0/0 gives E = 1.
    Source: METHODS.md §4 (relative development degree, classes as issue 9 gives them)."""
    def run():
        b = _numbers(bounds, "bounds", "numbers such as 0.8 and 1.2")
        lab = _flat(labels)
        res = relative_development(_numeric(u), ratio=_or(ratio, "u2/u1", "ratio"),
                                   bounds=b if b is not None else (0.8, 1.2),
                                   labels=None if lab is None else [str(x) for x in lab],
                                   lang=_or(lang, "en", "lang"))
        rows = [[float(e) if np.isfinite(e) else "∞", int(c), str(lb)]
                for e, c, lb in zip(np.asarray(res.E, dtype=float), res.cls, res.label)]
        return ([["E", "class", "label"]] if _flag(header, "header") else []) + rows
    return _excel(run, "u")


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("weights", ndim=2, err_to_str=True, doc=WEIGHTS_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("top", doc="Optional. How many obstacles per row (default 3).")
@arg("header", doc=HEADER_DOC)
@arg("method", doc='Optional. "minmax" (default: data standardised first) or "none" (data already '
                   'standardised, values in [0, 1], larger is better).')
def jjj_obstacle(data, weights, directions=None, top=3, header=False, method="minmax"):
    """The top obstacle indicators (by column number) and their obstacle degrees for each row:
    m rows × 2·top (indicator, degree pairs; +1 header row)."""
    def run():
        import pandas as pd

        if _missing(weights):
            raise InputError("weights is empty; give one weight per column of data")
        names = [f"indicator {j + 1}" for j in range(_width(data))]
        frame = pd.DataFrame(data, columns=names) if data else data
        res = obstacle_degree(frame, _weights(weights, data), _dirs(directions, data),
                              top=_number(top, 3, "top", whole=True, minimum=1),
                              method=_or(method, "minmax", "method"))
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
