"""Excel functions (xlwings UDFs): one engine call each, results that spill.

Registered by ``UDF Modules = jjj_xl.excel.udfs`` (classic xlwings) or imported in
xlwings Lite / Server. Python names are lower case; Excel shows JJJ_*.
Ranges arrive as 2-D lists (blank cells None, Excel errors as "#DIV/0!"
text); a bad range fails with one line naming the cell inside the argument,
e.g. ``row 3, column 2 of data: text "n/a"; numbers only``.
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


def _flat(values):
    """A row or a column (or a single cell) as a flat list; None stays None."""
    if values is None:
        return None
    if not isinstance(values, (list, tuple)):
        return [values]
    flat = []
    for row in values:
        flat.extend(row if isinstance(row, (list, tuple)) else [row])
    return flat


def _or(value, default):
    return default if value is None or value == "" else value


def _cell_message(err: InputError, what: str) -> str:
    """Engine error -> 'row R, column C of <what>: <what was found>; <what is needed>'."""
    if err.row is None or err.column is None:
        return str(err)
    place = f"row {err.row + 1}, column {err.column + 1} of {what}"
    found = err.found
    if isinstance(found, (str, bool)) or (found is None and "blank" in str(err)):
        text = "is blank" if found is None else _describe_bad_cell(found)
        text = text[4:] if text.startswith("has ") else text
        if found is None:
            text += "; fill it"
        return f"{place}: {text}"
    return f"{place}: {err}"


def _excel(call, what="data"):
    """Run an engine call; any bad input reaches the cell as one line (never a traceback)."""
    try:
        return call()
    except InputError as err:
        raise xw.XlwingsError(_cell_message(err, what)) from None
    except xw.XlwingsError:
        raise
    except Exception as err:  # an unexpected failure still reads as one line in a cell
        raise xw.XlwingsError(f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}") from None


def _rows(a) -> list:
    a = np.asarray(a, dtype=object)
    if a.ndim == 1:
        a = a[:, None]
    return [[v.item() if isinstance(v, np.generic) else v for v in r] for r in a.tolist()]


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default), "max", "vector", "share".')
@arg("shift", doc="Optional. Added after min-max (paper 000 uses 1). Default 0.")
def jjj_standardize(data, directions, method="minmax", shift=0):
    """Standardised matrix (min-max, x/max, vector or share), same shape as data."""
    return _excel(lambda: _rows(standardize(data, _flat(directions), method=_or(method, "minmax"),
                                            shift=float(_or(shift, 0)))))


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default, with shift), "share" (x/Σx) or "max".')
@arg("shift", doc="Optional. Shift after min-max; default 1 (paper 000).")
def jjj_entropy_weights(data, directions=None, method="minmax", shift=1):
    """Entropy weights, one per indicator (a row), summing to 1."""
    return _excel(lambda: [list(map(float, entropy_weights(
        data, _flat(directions), method=_or(method, "minmax"), shift=float(_or(shift, 1))).w))])


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. "minmax" (default, with shift), "share" or "max".')
@arg("shift", doc="Optional. Shift after min-max; default 1 (paper 000).")
@arg("header", doc=HEADER_DOC)
def jjj_entropy_table(data, directions=None, method="minmax", shift=1, header=False):
    """Entropy e, utility d = 1 − e and weight w of each indicator (one row each)."""
    def run():
        res = entropy_weights(data, _flat(directions), method=_or(method, "minmax"),
                              shift=float(_or(shift, 1)))
        rows = [[float(e), float(d), float(w)] for e, d, w in zip(res.e, res.d, res.w)]
        return ([["e", "d", "w"]] if header else []) + rows
    return _excel(run)


@func
@arg("dimensions", ndim=2, doc="The dimension name of each indicator, a column or a row.")
def jjj_hier_weights(dimensions):
    """Hierarchical equal weights: each dimension 1/K, split equally among its indicators."""
    def run():
        w = [float(v) for v in hierarchical_weights(_flat(dimensions)).w]
        as_row = len(dimensions) == 1 and len(dimensions[0]) > 1
        return [w] if as_row else [[v] for v in w]
    return _excel(run, "dimensions")


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
def jjj_critic_weights(data, directions=None):
    """CRITIC weights (contrast × conflict), one per indicator (a row)."""
    return _excel(lambda: [list(map(float, critic_weights(data, _flat(directions)).w))])


def _topsis(data, weights, directions, method, closeness, ideal):
    ideal = _or(ideal, "data")
    if ideal == "group":
        raise InputError('ideal "group" needs the region of each row: use the workbook\'s '
                         'Compute all (ideal_solution_index template) instead')
    return topsis(data, _flat(weights), _flat(directions), method=_or(method, "vector"),
                  closeness=_or(closeness, "ratio"), ideal=ideal)


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("weights", ndim=2, err_to_str=True, doc=WEIGHTS_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("method", doc='Optional. Standardisation: "vector" (default), "minmax", "max", "share", "none".')
@arg("closeness", doc='Optional. "ratio" d⁻/(d⁺+d⁻) (default) or "squared" (paper 004).')
@arg("ideal", doc='Optional. "data": best and worst of all rows (default).')
def jjj_topsis(data, weights, directions=None, method="vector", closeness="ratio", ideal="data"):
    """TOPSIS closeness of each row (a column of values in [0, 1])."""
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
    """TOPSIS d⁺, d⁻, closeness and rank (1 = best) of each row."""
    def run():
        res = _topsis(data, weights, directions, method, closeness, ideal)
        rows = [[float(a), float(b), float(c), int(r)]
                for a, b, c, r in zip(res.d_plus, res.d_minus, res.closeness, res.rank)]
        return ([["d_plus", "d_minus", "closeness", "rank"]] if header else []) + rows
    return _excel(run)


@func
@arg("u", ndim=2, err_to_str=True, doc="U values in [0, 1]: one row per observation, one column per system.")
@arg("weights", ndim=2, err_to_str=True, doc="Optional. T weights α, one per system, summing to 1. Default equal.")
@arg("model", doc='Optional. "classic" (default), "ring" (paper 000), "ring_printed", "wang".')
@arg("header", doc=HEADER_DOC)
def jjj_coupling(u, weights=None, model="classic", header=False):
    """Coupling degree C, development index T and coordination degree D of each row."""
    def run():
        res = coupling(u, weights=_flat(weights), model=_or(model, "classic"))
        rows = [[float(c), float(t), float(d)] for c, t, d in zip(res.C, res.T, res.D)]
        return ([["C", "T", "D"]] if header else []) + rows
    return _excel(run, "u")


@func
@arg("d", ndim=2, err_to_str=True, doc="Coordination degrees D in [0, 1] (a column or a row).")
@arg("lang", doc='Optional. "en" (default) or "zh".')
@arg("scheme", ndim=2, doc='Optional. "ccd10" (default) or a range of rows: lower bound, label[, 中文].')
def jjj_ccd_grade(d, lang="en", scheme="ccd10"):
    """Grade level (1 = lowest) and label of each D."""
    def run():
        sch = "ccd10"
        if scheme is not None and not (len(scheme) == 1 and len(scheme[0]) == 1):
            sch = make_scheme(scheme)
        elif scheme is not None and scheme[0][0] not in (None, ""):
            sch = scheme[0][0]
        level, label = grade(_flat(d), sch, _or(lang, "en"))
        return [[int(lv), str(lb)] for lv, lb in zip(level, label)]
    return _excel(run, "d")


@func
@arg("data", ndim=2, err_to_str=True, doc=DATA_DOC)
@arg("weights", ndim=2, err_to_str=True, doc=WEIGHTS_DOC)
@arg("directions", ndim=2, err_to_str=True, doc=DIR_DOC)
@arg("top", doc="Optional. How many obstacles per row (default 3).")
def jjj_obstacle(data, weights, directions=None, top=3):
    """Top obstacle indicators (by column number) and their obstacle degrees for each row."""
    def run():
        names = [f"indicator {j + 1}" for j in range(len(data[0]) if data else 0)]
        import pandas as pd
        frame = pd.DataFrame(data, columns=names) if data else data
        res = obstacle_degree(frame, _flat(weights), _flat(directions), top=int(_or(top, 3)))
        table = res.top
        return [list(table.columns)] + [[v.item() if isinstance(v, np.generic) else v for v in row]
                                        for row in table.itertuples(index=False)]
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
