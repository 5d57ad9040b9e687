"""What the ribbon buttons do, on any book adapter: validate, compute, write, clear.

Only output sheets are written; input cells are never touched. Everything
about where things are comes from :mod:`jjj_xl.workbook.layout`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .. import __version__
from . import layout
from ..methods._matrix import (DIRECTION_HELP, SharedOrigin, _describe_bad_cell, direction_spec,
                               positivize_column)
from .book import BookAdapter, ExcelRows, as_adapter
from ..methods.coupling import coupling, lag_type, make_scheme, rescale_columns
from ..methods.development import relative_development

INF_TEXT = "∞"   # E = U₂/U₁ with U₁ = 0 < U₂ (a float inf cannot go in a cell)
from ..errors import InputError, JJJWarning, column_letter
from ..methods.workflows import entropy_topsis_coupling, ideal_solution_index

ACTION_OUTPUTS = {
    # action -> template -> output keys written
    "compute_all": {"entropy_topsis_ccd": ("weights", "scores", "coupling", "coupling_dimensions",
                                           "ahp"),
                    "ideal_solution_index": ("scores", "tables", "growth", "weights"),
                    "coupling_coordination": ("results",)},
    "weights": {"entropy_topsis_ccd": ("weights", "ahp"), "ideal_solution_index": ("weights",)},
    "scores": {"entropy_topsis_ccd": ("scores",),
               "ideal_solution_index": ("scores", "tables", "growth")},
    "coupling": {"entropy_topsis_ccd": ("coupling", "coupling_dimensions"),
                 "coupling_coordination": ("results",)},
}


def cell_ref(sheet: str, row: int, col: int) -> str:
    return f"{sheet}!{column_letter(col - 1)}{row}"


# ---------------------------------------------------------------- reading

def detect_template(book: BookAdapter) -> layout.Template:
    sheet, row, col = layout.MARKER_CELL
    if not book.has_sheet(sheet):
        raise InputError(f'this workbook is not a jjj-xl template (no "{sheet}" sheet); '
                         f"start from one with New from template / jjj-xl new")
    marker = book.read(sheet, row, col, 1, 2)[0]
    name = str(marker[1]).strip() if marker[1] is not None else ""
    if str(marker[0]).strip() != layout.MARKER_TEXT or name not in layout.TEMPLATES:
        raise InputError(f"this workbook is not a jjj-xl template ({cell_ref(sheet, row, col)} "
                         f'should say "{layout.MARKER_TEXT}" and name the template); start from '
                         f"one with New from template / jjj-xl new")
    return layout.TEMPLATES[name]


def read_settings(book: BookAdapter, tpl: layout.Template, problems: list | None = None) -> dict:
    """Setting values by key; bad ones are reported (or raised) with their cell."""
    out = {}
    for s in tpl.settings:
        sheet, row, col = tpl.setting_cell(s.key)
        value = book.read(sheet, row, col, 1, 1)[0][0]
        where = f"{cell_ref(sheet, row, col)} ({s.label} {s.label_zh})"
        try:
            out[s.key] = _parse_setting(s, value, where)
        except InputError as err:
            if problems is None:
                raise
            problems.append(str(err))
            out[s.key] = s.default
    return out


def _parse_setting(s: layout.Setting, value, where: str):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        value = s.default
        if s.choices or s.key == "rd_bounds":
            return _parse_setting(s, value, where)
        return value
    if s.key == "alpha":
        text = str(value).strip()
        if text.lower() == "equal":
            return None
        try:
            return [float(p) for p in text.replace("，", ",").split(",") if p.strip()]
        except ValueError:
            raise InputError(f'{where}: "{value}" is not "equal" or numbers separated by commas') from None
    if s.key == "rd_bounds":   # "0.8, 1.2" -> (0.8, 1.2): positive, ascending
        text = str(value).strip().replace("，", ",")
        try:
            b = tuple(float(p) for p in text.split(",") if p.strip())
        except ValueError:
            b = ()
        if len(b) != 2 or not all(np.isfinite(x) and x > 0 for x in b) or not b[0] < b[1]:
            raise InputError(f'{where}: "{value}" is not two ascending positive numbers '
                             f'separated by a comma, e.g. 0.8, 1.2')
        return b
    if s.choices:
        text = str(value).strip()
        if text not in s.choices:
            raise InputError(f'{where}: "{value}" is not one of {", ".join(s.choices)}')
        if s.key == "rescale":   # "none" -> None, "0.01-0.99" -> (0.01, 0.99)
            return None if text == "none" else tuple(float(p) for p in text.split("-"))
        return text
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(str(value).strip())
        except ValueError:
            raise InputError(f'{where}: "{value}" is not a number') from None
    if not np.isfinite(value) or value < 0:
        raise InputError(f"{where}: {value:g} must be a number ≥ 0")
    if s.key == "lag_threshold" and not value < 1:
        raise InputError(f"{where}: {value:g} must be in [0, 1) (U values lie in [0, 1])")
    return float(value)


def read_scheme(book: BookAdapter, tpl: layout.Template, settings: dict, problems=None):
    if settings.get("scheme") != "custom" or tpl.scheme is None:
        return "ccd10"
    table = book.read_block(tpl.scheme)
    rows = [tuple(r) for r in table.itertuples(index=False)]
    top, left = table.attrs.get("origin", (tpl.scheme.row, tpl.scheme.col))
    try:
        scheme = make_scheme(rows)
        if scheme.thresholds[0] != 0:
            r = table.attrs["rows"][0] if len(table.attrs.get("rows", ())) else top + 1
            raise InputError(f"{cell_ref(tpl.scheme.sheet, r, left)}: the lowest lower bound is "
                             f"{scheme.thresholds[0]:g}; it must be 0 so that every D gets a grade")
        return scheme
    except InputError as err:
        text = str(err)
        msg = text if text.startswith(f"{tpl.scheme.sheet}!") else \
            f"sheet {tpl.scheme.sheet}, custom grade table at {cell_ref(tpl.scheme.sheet, top, left)}: {text}"
        if problems is None:
            raise InputError(msg) from None
        problems.append(msg)
        return "ccd10"


# ---------------------------------------------------------------- validation

def validate_book(book, *, dry_run: bool = True) -> list[str]:
    """Every problem in the inputs, each one line naming its cell; [] when all is well.

    The same checks as Compute: the cell checks below, then (``dry_run``) the computation
    itself, so that anything Compute would refuse is reported here too.
    """
    book = as_adapter(book)
    try:
        tpl = detect_template(book)
    except InputError as err:
        return [str(err)]
    problems: list[str] = []
    settings = read_settings(book, tpl, problems)
    read_scheme(book, tpl, settings, problems)
    if tpl.name == "coupling_coordination":
        _validate_u(book, tpl, problems, rescaled=settings.get("rescale") is not None)
    else:
        _validate_panel(book, tpl, problems)
    if not problems and dry_run:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                book.__dict__["_last_compute"] = _compute(book, tpl)
        except InputError as err:
            problems.append(str(err))
    return problems


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and v.strip() == "")


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)) \
        and np.isfinite(float(v))


_NUMBER_TYPES = (int, float, np.int64, np.int32, np.float64, np.float32)


def _numbers(values: pd.Series) -> np.ndarray:
    """Vectorised :func:`_is_number` over a column (True where the cell is a finite number)."""
    types = values.map(type)
    ok = np.array(types.isin(_NUMBER_TYPES), dtype=bool)
    if ok.any():
        nums = pd.to_numeric(values[ok], errors="coerce").to_numpy(dtype=float)
        ok[np.flatnonzero(ok)] = np.isfinite(nums)
    return ok


def _rows(frame, block) -> list[int]:
    """Excel row number of each row of a frame read by ``read_block``."""
    rows = frame.attrs.get("rows")
    if rows is None or len(rows) != len(frame):
        return [block.row + 1 + i for i in range(len(frame))]
    return list(rows)


def _left(frame, block) -> int:
    return frame.attrs.get("origin", (block.row, block.col))[1]


def _show(v) -> str:
    """A cell value as the user would read it (never Python's None/nan)."""
    if _blank(v):
        return "(blank)"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v).strip()


def _blank_cell(book, sheet, r, c, what: str) -> str:
    """The message for a needed cell that is blank (or a formula without a saved value)."""
    hidden = book.hidden_value(sheet, r, c)
    if hidden and hidden[0] == "error":
        found, _, needed = _describe_bad_cell(hidden[1]).partition(";")
        return f"{cell_ref(sheet, r, c)}: {what} {found}" + (f";{needed}" if needed else "")
    if hidden:
        return (f"{cell_ref(sheet, r, c)}: {what} is a formula ({hidden[1][:60]}) with no saved "
                f"value; open the workbook in Excel (or LibreOffice) and save it, or type the number")
    return f"{cell_ref(sheet, r, c)}: {what} is blank; fill it"


def _validate_indicators(book, block, problems) -> pd.DataFrame:
    ind = book.read_block(block)
    cols = {c.lower(): c for c in ind.columns}
    for need in ("code", "dimension", "direction"):
        if need not in cols:
            problems.append(f'sheet {block.sheet}: the header row needs a "{need}" column')
    if problems and any(p.startswith(f"sheet {block.sheet}: the header") for p in problems):
        return ind
    seen = {}
    left = _left(ind, block)
    for r, row in zip(_rows(ind, block), ind.itertuples(index=False)):
        rec = dict(zip(ind.columns, row))
        code = rec[cols["code"]]
        for key in ("code", "dimension"):
            if _blank(rec[cols[key]]):
                c = left + list(ind.columns).index(cols[key])
                problems.append(_blank_cell(book, block.sheet, r, c, f"the {key}")
                                .replace("fill it", "every indicator needs one"))
        d = rec[cols["direction"]]
        if _blank(d):
            c = left + list(ind.columns).index(cols["direction"])
            problems.append(f'{cell_ref(block.sheet, r, c)}: the direction of indicator '
                            f'"{_show(code)}" is blank; use + or - (正向/负向)')
        elif direction_spec(d) is None:
            c = left + list(ind.columns).index(cols["direction"])
            problems.append(f'{cell_ref(block.sheet, r, c)}: direction "{_show(d)}" of indicator '
                            f'"{_show(code)}" is not understood; {DIRECTION_HELP}')
        if not _blank(code):
            key = str(code).strip()
            if key in seen:
                problems.append(f'{cell_ref(block.sheet, r, left)}: code "{key}" is already '
                                f"used in row {seen[key]}")
            seen[key] = r
    if len(ind) == 0:
        problems.append(f"sheet {block.sheet}: no indicators listed below the header")
    return ind


YEAR_RANGE = (1000, 9999)


def _validate_panel(book, tpl, problems):
    ind_block, data_block = tpl.inputs
    ind = _validate_indicators(book, ind_block, problems)
    data = book.read_block(data_block)
    header = list(data.columns)
    rows = _rows(data, data_block)
    left = _left(data, data_block)
    sheet = data_block.sheet
    for need in ("region", "year"):
        if need not in header:
            problems.append(f'sheet {sheet}: the header row needs a "{need}" column')
    if len(data) < 2:
        problems.append(f"sheet {sheet}: fewer than 2 rows of data below the header; "
                        f"fill one row per region and year")

    def label(i):
        rec = data.iloc[i]
        parts = [_show(rec.get(k)) for k in ("region", "year") if k in header and not _blank(rec.get(k))]
        return " ".join(parts) or "no region/year"

    if "code" in [c.lower() for c in ind.columns]:
        code_col = next(c for c in ind.columns if c.lower() == "code")
        name_col = next((c for c in ind.columns if c.lower() == "name"), code_col)
        for code, name in zip(ind[code_col], ind[name_col]):
            if _blank(code):
                continue
            code = str(code).strip()
            name = code if _blank(name) else str(name).strip()
            if code not in header:
                problems.append(f'sheet {sheet}: no column for indicator "{code}" ({name}); '
                                f"add it to the header row")
                continue
            c = left + header.index(code)
            values = data[code]
            for i in np.flatnonzero(~_numbers(values)):
                v = values.iloc[i]
                r = rows[i]
                if _blank(v):
                    msg = _blank_cell(book, sheet, r, c, f'indicator "{name}" (column '
                                      f"{column_letter(c - 1)}) in row {r} ({label(i)})")
                    problems.append(msg)
                    continue
                found, _, needed = _describe_bad_cell(v).partition(";")
                problems.append(f'{cell_ref(sheet, r, c)}: indicator "{name}" (column '
                                f"{column_letter(c - 1)}) {found} in row {r} ({label(i)})"
                                + (f";{needed}" if needed else ""))
    if "region" in header and "year" in header:
        seen = {}
        rc, yc = left + header.index("region"), left + header.index("year")
        for i, (reg, yr) in enumerate(zip(data["region"], data["year"])):
            r = rows[i]
            if _blank(reg):
                problems.append(_blank_cell(book, sheet, r, rc, "the region"))
            if _blank(yr):
                problems.append(_blank_cell(book, sheet, r, yc, "the year"))
                continue
            if not _is_number(yr) or float(yr) != int(float(yr)) \
                    or not YEAR_RANGE[0] <= float(yr) <= YEAR_RANGE[1]:
                problems.append(f'{cell_ref(sheet, r, yc)}: the year "{_show(yr)}" is not a '
                                f"whole number from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}")
                continue
            key = (str(reg).strip(), int(float(yr)))
            if key in seen:
                problems.append(f"{cell_ref(sheet, r, left)}: {key[0]} {key[1]} "
                                f"appears twice (first in row {seen[key]})")
            seen[key] = r


def _validate_u(book, tpl, problems, rescaled: bool = False):
    block = tpl.inputs[0]
    table = book.read_block(block)
    systems = list(table.columns[1:])
    rows = _rows(table, block)
    left = _left(table, block)
    if len(systems) < 2:
        problems.append(f"sheet {block.sheet}: coupling needs at least 2 system columns after "
                        f"the observation column")
    if len(table) == 0:
        problems.append(f"sheet {block.sheet}: no rows of U below the header")
    for j, name in enumerate(systems, start=1):
        c = left + j
        for i, v in enumerate(table[name]):
            r = rows[i]
            where = cell_ref(block.sheet, r, c)
            if _blank(v):
                problems.append(_blank_cell(book, block.sheet, r, c, f'system "{name}" in row {r}'))
            elif not _is_number(v):
                found, _, needed = _describe_bad_cell(v).partition(";")
                problems.append(f'{where}: system "{name}" {found} in row {r};{needed}')
            elif not rescaled and not 0 <= float(v) <= 1:
                s_sheet, s_row, s_col = tpl.setting_cell("rescale")
                problems.append(f'{where}: system "{name}" is {v:g} in row {r}; U values must be '
                                f"in [0, 1] (or set {cell_ref(s_sheet, s_row, s_col)} Rescale U "
                                f"to 0.01-0.99 for raw indices)")


def _blank_row_notes(book, tpl) -> list[str]:
    """One warning per input table with fully blank rows inside it (skipped)."""
    out = []
    for block in tpl.inputs:
        try:
            blank = book.read_block(block).attrs.get("blank_rows", [])
        except InputError:
            continue
        if blank:
            shown = ", ".join(map(str, blank[:20])) + (f", … ({len(blank)} rows)" if len(blank) > 20 else "")
            out.append(f"sheet {block.sheet}: blank row{'s' if len(blank) > 1 else ''} {shown} "
                       f"inside the table {'were' if len(blank) > 1 else 'was'} skipped")
    return out


# ---------------------------------------------------------------- computing

def _compute(book: BookAdapter, tpl: layout.Template) -> tuple[dict, dict]:
    """Run the template's workflow; returns ({output key: DataFrame}, notes)."""
    settings = read_settings(book, tpl)
    scheme = read_scheme(book, tpl, settings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JJJWarning)
        if tpl.name == "entropy_topsis_ccd":
            ind = book.read_block(tpl.inputs[0])
            data = _with_origin(book.read_block(tpl.inputs[1]), tpl.inputs[1])
            ind, data, typed, pos_notes = positivise_inputs(ind, data)
            kw = dict(method=settings["method"], shift=settings["shift"],
                      closeness=settings["closeness"], distance=settings["distance"],
                      coupling_model=settings["coupling_model"], scheme=scheme,
                      lang=settings["lang"], closed=settings["closed"])
            res = entropy_topsis_coupling(data, ind, **kw)
            choice = settings.get("weights") or "entropy"
            if choice != "entropy":
                w, w_note = _ahp_indicator_weights(book, res.weights, choice)
                entropy_table = res.weights
                with warnings.catch_warnings():    # the entropy run has said its warnings
                    warnings.simplefilter("ignore", JJJWarning)
                    res = entropy_topsis_coupling(data, ind, weights=list(w), **kw)
                res.weights.insert(list(res.weights.columns).index("w"), "entropy_w",
                                   np.asarray(entropy_table["w"], dtype=float))
                res.notes = {**res.notes, "weights": w_note}
            frames = {"weights": _typed_directions(res.weights, typed).drop(columns=["code"]),
                      "scores": res.scores,
                      "coupling": res.coupling, "coupling_dimensions": res.coupling_dimensions}
            orientation = settings["orientation"]
            if orientation == "regions":
                frames["coupling_dimensions"] = None
            elif orientation == "dimensions":
                frames["coupling"] = None
            notes = {**res.notes, **pos_notes}
            frames["ahp"], ahp_notes = _compute_ahp(book)
            notes = {**notes, **ahp_notes}
        elif tpl.name == "ideal_solution_index":
            ind = book.read_block(tpl.inputs[0])
            data = _with_origin(book.read_block(tpl.inputs[1]), tpl.inputs[1])
            ind, data, typed, pos_notes = positivise_inputs(ind, data)
            res = ideal_solution_index(data, ind, method=settings["method"],
                                       weights=settings["weights"], closeness=settings["closeness"],
                                       ideal=settings["ideal"], distance=settings["distance"])
            stacked = [t.reset_index().assign(index=name)[["index", "region", *t.columns]]
                       for name, t in res.tables.items()]
            tables = pd.concat(stacked, ignore_index=True)
            tables.columns = [str(c) for c in tables.columns]
            frames = {"scores": res.scores, "tables": tables, "growth": res.growth,
                      "weights": _typed_directions(res.weights, typed).drop(columns=["code"])}
            notes = {**res.notes, **pos_notes}
        else:
            frames, notes = _compute_u(book, tpl, settings, scheme)
    notes = {"template": tpl.name, "jjj-xl version": __version__, **notes}
    messages = _blank_row_notes(book, tpl) + [str(w.message) for w in caught
                                              if issubclass(w.category, JJJWarning)]
    for k, text in enumerate(messages, start=1):
        notes[f"warning {k}"] = text
    return frames, notes


def positivise_inputs(ind: pd.DataFrame, data: pd.DataFrame):
    """Middle and interval indicators of the Indicators sheet (direction "middle 7",
    "interval 10-20", 中间型 7, 区间型 10-20): their Data column is positivised over the whole
    panel first (jx.positivize: middle 1 − |x − best|/max|x − best|; interval 1 inside [a, b],
    1 − distance/max(a − min, max − b) outside; METHODS.md §1) and their direction becomes +.
    Returns (indicators, data, {code: direction as typed}, notes); the inputs are not changed
    (copies). A column that is not all numbers is left as it is: the panel reader then names
    the bad cell."""
    cols = {str(c).strip().lower(): c for c in ind.columns}
    if "direction" not in cols or "code" not in cols:
        return ind, data, {}, {}
    dcol, ccol = cols["direction"], cols["code"]
    specs = {}
    for i in range(len(ind)):
        d = direction_spec(ind.iat[i, list(ind.columns).index(dcol)])
        if d is not None and d.positivised:
            specs[i] = d
    if not specs:
        return ind, data, {}, {}
    ind = ind.copy()
    out = data.copy()
    out.attrs = dict(data.attrs)
    typed, done = {}, []
    for i, d in specs.items():
        code = str(ind.iat[i, list(ind.columns).index(ccol)]).strip()
        typed[code] = str(d)
        ind.iat[i, list(ind.columns).index(dcol)] = "+"
        col = next((c for c in out.columns if str(c).strip() == code), None)
        if col is None:
            continue
        values = list(out[col])
        if not values or not all(isinstance(v, (int, float, np.integer, np.floating))
                                 and not isinstance(v, (bool, np.bool_)) and np.isfinite(v)
                                 for v in values):
            continue
        out[col] = positivize_column(np.asarray(values, dtype=float), d)
        done.append(f"{code} ({d})")
    notes = {"positivised": "middle / interval indicators positivised over the whole panel before "
                            "standardisation (larger is better afterwards, direction +): "
                            + ", ".join(done)} if done else {}
    return ind, out, typed, notes


def _ahp_indicator_weights(book, table: pd.DataFrame, choice: str):
    """Indicator weights for Settings weights = ahp / entropy+ahp / entropy*ahp: the AHP
    sheet's weights per indicator (items = the indicator codes, or the dimensions with a
    dimension's weight split equally among its indicators), alone or combined with the
    entropy weights (jx.combine_weights, linear 0.5 / multiplicative). Returns (w, note)."""
    from ..methods.weights import combine_weights

    sheet, row, col = layout.ENTROPY_TOPSIS_CCD.setting_cell("weights")
    where = f"{cell_ref(sheet, row, col)} (Indicator weights 指标权重) is {choice}"
    M = read_ahp_matrix(book)
    if M is None:
        raise InputError(f"{where} but the {layout.AHP_SHEET} sheet has no comparisons; fill "
                         f"its matrix (items: the dimensions or the indicator codes) or choose entropy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)   # CR is warned by _compute_ahp
        frame, _ = _compute_ahp(book)
    items = [str(v) for v in frame.iloc[:len(M), 0]]
    aw = dict(zip(items, map(float, frame.iloc[:len(M), 1])))
    codes = [str(c) for c in table["code"]]
    dims = [str(d) for d in table["dimension"]]
    if set(items) == set(codes):
        w_ahp = np.array([aw[c] for c in codes])
        level = "indicators"
    elif set(items) == set(dims):
        count = {d: dims.count(d) for d in set(dims)}
        w_ahp = np.array([aw[d] / count[d] for d in dims])
        level = "dimensions (split equally within each dimension)"
    else:
        raise InputError(f"{where} but the {layout.AHP_SHEET} sheet's items ({', '.join(items)}) are "
                         f"neither all the dimensions ({', '.join(dict.fromkeys(dims))}) nor all the "
                         f"indicator codes; list exactly one of those across and down")
    if choice == "ahp":
        return w_ahp, f"AHP weights of the {layout.AHP_SHEET} sheet over the {level}"
    w_e = np.asarray(table["w"], dtype=float)
    method = "linear" if choice == "entropy+ahp" else "multiplicative"
    comb = combine_weights(w_e, w_ahp, 0.5, method)
    text = ("0.5 × entropy + 0.5 × AHP" if method == "linear" else "entropy × AHP / Σ (multiplicative)")
    return np.asarray(comb.w, dtype=float), (f"combined {text}; AHP over the {level}; entropy_w "
                                             f"column: the entropy weights")


def _typed_directions(weights: pd.DataFrame, typed: dict) -> pd.DataFrame:
    """The Weights table's direction column as typed for positivised indicators."""
    if not typed or "direction" not in weights.columns:
        return weights
    out = weights.copy()
    out["direction"] = [typed.get(str(c), d) for c, d in zip(out["code"], out["direction"])]
    return out


def read_ahp_matrix(book: BookAdapter) -> pd.DataFrame | None:
    """The AHP sheet's comparison matrix (items × items, object values as typed), or None when
    the sheet is missing (an older workbook) or no comparison is typed (diagonal aside)."""
    if not book.has_sheet(layout.AHP_SHEET):
        return None
    block = layout.AHP_MATRIX
    table = book.read_block(block)
    if table.shape[1] < 2 or len(table) == 0:
        return None
    names = [str(v).strip() if v is not None else "" for v in table.iloc[:, 0]]
    M = table.iloc[:, 1:]
    typed = [(i, j) for i in range(M.shape[0]) for j in range(M.shape[1])
             if i != j and not (M.iat[i, j] is None or (isinstance(M.iat[i, j], str) and not M.iat[i, j].strip())
                                or (isinstance(M.iat[i, j], float) and np.isnan(M.iat[i, j])))]
    if not typed:
        return None
    top, left = table.attrs.get("origin", (block.row, block.col))
    where = f"sheet {layout.AHP_SHEET}, comparison matrix at {cell_ref(block.sheet, top, left)}"
    cols = [str(c).strip() for c in M.columns]
    if M.shape[0] != M.shape[1]:
        raise InputError(f"{where}: {M.shape[0]} rows but {M.shape[1]} columns of items; the "
                         f"matrix must be square (the same items across and down)")
    if M.shape[0] > layout.AHP_MAX_ITEMS:
        raise InputError(f"{where}: {M.shape[0]} items; at most {layout.AHP_MAX_ITEMS} (Saaty's "
                         f"random index table stops there): compare dimensions, not indicators")
    for k, (a, b) in enumerate(zip(names, cols)):
        if a != b:
            raise InputError(f"{where}: row item {k + 1} is \"{a}\" but column item {k + 1} is "
                             f"\"{b}\"; list the same items in the same order across and down")
    M = M.copy()
    M.columns = cols
    M.index = names
    M.attrs = {"origin": (top, left), "rows": list(table.attrs.get("rows") or [])}
    return M


def _compute_ahp(book: BookAdapter):
    """AHP weights of the AHP sheet's matrix (jx.ahp_weights): (frame or None, notes)."""
    import re

    from ..methods.ahp import ahp_weights

    M = read_ahp_matrix(book)
    if M is None:
        return None, {}
    top, left = M.attrs["origin"]

    rows = M.attrs["rows"]

    def cell(m):   # "row i, column j" of the matrix -> the AHP sheet's cell
        i = int(m.group(1))
        return cell_ref(layout.AHP_SHEET, rows[i - 1] if i <= len(rows) else top + i,
                        left + int(m.group(2)))
    try:
        from ..methods.ahp import _cell
        for i in range(M.shape[0]):      # a typed value ≤ 0 (the engine would call it blank)
            for j in range(M.shape[1]):
                v = _cell(M.iat[i, j], i, j)
                if np.isfinite(v) and v <= 0:
                    raise InputError(f"row {i + 1}, column {j + 1} of the comparison matrix is "
                                     f"{v:g}; comparisons must be positive numbers (1–9 or 1/9–1)")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", JJJWarning)
            r = ahp_weights(M)
    except InputError as err:
        raise InputError(f"sheet {layout.AHP_SHEET}: " +
                         re.sub(r"row (\d+), column (\d+)", cell, str(err))) from None
    for w in caught:     # CR > 0.1: to Notes through the caller's recorder
        warnings.warn(f"sheet {layout.AHP_SHEET}: {w.message}", w.category, stacklevel=2)
    w = np.asarray(r.w, dtype=float)
    items = list(M.index) + ["λmax", "CI", "RI", "CR", "consistent (CR ≤ 0.1)"]
    values = [*map(float, w), float(r.lambda_max), float(r.CI),
              float(r.RI) if r.RI is not None else "", float(r.CR) if r.CR is not None else "",
              ("yes 是" if r.consistent else "no 否 — revise the matrix 请修改判断矩阵")
              if r.CR is not None else ""]
    frame = pd.DataFrame({"item 项目": items, "AHP weight 权重": values})
    return frame, {"AHP weights": f"sheet {layout.AHP_SHEET}: " + r.notes["weights"]
                   + "; Weights sheet, right-hand table. Informational: the entropy weights "
                     "drive TOPSIS"}


def _with_origin(frame: pd.DataFrame, block: layout.Block) -> pd.DataFrame:
    """The Data table with ``attrs["jjj_origin"]`` (sheet, Excel row of each kept row, first
    column), so that the workflows' warnings and errors name the sheet's column and Excel row
    (blank rows skipped by the reader are accounted for). The workflow places its errors in
    sheet coordinates itself; nothing here relocates them again. A shallow copy: the
    adapter's cached frame is left as read."""
    out = frame.copy(deep=False)
    out.attrs = {**frame.attrs, "jjj_origin": SharedOrigin(
        {"sheet": block.sheet, "rows": ExcelRows(_rows(frame, block)), "first_col": _left(frame, block)})}
    return out


def _compute_u(book, tpl, settings, scheme):
    table = book.read_block(tpl.inputs[0])
    labels = table.iloc[:, 0].tolist()
    U = table.iloc[:, 1:]
    U.index = [str(v) if v is not None else f"row {i + 1}" for i, v in enumerate(labels)]
    res = coupling(U, weights=settings["alpha"], model=settings["coupling_model"], scheme=scheme,
                   lang=settings["lang"], closed=settings["closed"], rescale=settings["rescale"])
    out = res.table.reset_index().rename(columns={"index": table.columns[0]})
    if U.shape[1] == 2:
        if settings["rescale"] is not None:   # the lag compares the rescaled U, as C, T, D do
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", JJJWarning)   # coupling() has said it
                U = pd.DataFrame(rescale_columns(U.to_numpy(dtype=float), *settings["rescale"]),
                                 index=U.index, columns=U.columns)
        out["lag_type"] = np.asarray(lag_type(U, threshold=settings["lag_threshold"],
                                              lang=settings["lang"]))
        # relative development degree E and its class (coupling.md C): a float inf cannot go in
        # a cell, so E = ∞ (U₁ = 0 < U₂) is written as the text "∞"; the warning says which rows
        rd = relative_development(U, ratio=settings["rd_ratio"], bounds=settings["rd_bounds"],
                                  lang=settings["lang"])
        E = np.asarray(rd.E, dtype=float)
        out["E"] = np.array([INF_TEXT if np.isinf(e) else float(e) for e in E], dtype=object)
        out["development"] = np.asarray(rd.label)
        notes = {**res.notes, **rd.notes}
        return {"results": out}, notes
    return {"results": out}, res.notes


def run_action(book, action: str, *, more_hint: str | None = None) -> dict:
    """Run one ribbon action on a book.

    Returns {"written": [sheets], "problems": [...], "warnings": [...]}. Compute actions
    check the inputs first with :func:`validate_book` (the same checks, one read of the
    inputs); when there are problems the report goes to the Notes sheet and an InputError
    names the first one. ``more_hint`` replaces "see the Notes sheet" in that message (the
    command line, which does not save a workbook whose inputs are refused).
    """
    book = as_adapter(book)
    if action == "validate":
        problems = validate_book(book)
        tpl = detect_template(book) if not problems or "not a jjj-xl template" not in problems[0] else None
        if tpl is not None:
            _write_report(book, tpl, problems)
        return {"written": [layout.NOTES_SHEET] if tpl else [], "problems": problems,
                "warnings": []}
    if action == "after_d":   # After D sheets (issue 10): jjj_xl/workbook/after_d.py
        from .after_d import run_after_d
        return run_after_d(book)
    tpl = detect_template(book)
    if action == "clear_outputs":
        for sheet in tpl.output_sheets:
            if book.has_sheet(sheet):
                _clear_sheet(book, tpl, sheet)
        return {"written": [s for s in tpl.output_sheets if book.has_sheet(s)], "problems": [],
                "warnings": []}
    if action not in ACTION_OUTPUTS:
        raise InputError(f'unknown action "{action}"')
    keys = ACTION_OUTPUTS[action].get(tpl.name)
    if not keys:
        raise InputError(f'the {tpl.name} template has no "{action}" step; use Compute all')
    book.__dict__.pop("_last_compute", None)
    problems = validate_book(book)
    if problems:
        if more_hint is None:
            _write_report(book, tpl, problems)
            hint = f"see the {layout.NOTES_SHEET} sheet"
        else:
            hint = more_hint
        more = f" (and {len(problems) - 1} more: {hint})" if len(problems) > 1 else ""
        raise InputError(problems[0] + more)
    frames, notes = book.__dict__.pop("_last_compute", None) or _compute(book, tpl)
    release = getattr(book, "release_reads", None)
    if release is not None:   # inputs read and computed: free them before the outputs are built
        release()
    blocks = {k: tpl.outputs[k] for k in keys}
    sheets = list(dict.fromkeys([b.sheet for b in blocks.values()] + [layout.NOTES_SHEET]))
    for sheet in sheets:
        _clear_sheet(book, tpl, sheet)
    for key, block in blocks.items():
        if frames.get(key) is not None:
            book.write_frame(block, frames[key])
    notes_frame = pd.DataFrame({"setting": list(notes), "value": [str(v) for v in notes.values()]})
    book.write_frame(tpl.outputs["notes"], notes_frame)
    return {"written": sheets, "problems": [],
            "warnings": [str(v) for k, v in notes.items() if str(k).startswith("warning")]}


def _clear_sheet(book, tpl, sheet):
    """Blank an output sheet, then put back its titles and its "do not type here" note."""
    book.clear(sheet)
    for block in tpl.outputs.values():
        if block.sheet == sheet and block.title:
            book.write(sheet, block.row - 1, block.col, [[block.title]])
    if any(b.sheet == sheet for b in tpl.outputs.values()):
        row, col = layout.output_note_cell(tpl, sheet)
        book.write(sheet, row, col, [[layout.OUTPUT_NOTE]])


def _write_report(book, tpl, problems):
    _clear_sheet(book, tpl, layout.NOTES_SHEET)
    block = tpl.outputs["notes"]
    rows = problems or ["No problems found 未发现问题"]
    frame = pd.DataFrame({"validation report 数据校验": rows})
    book.write_frame(block, frame)
