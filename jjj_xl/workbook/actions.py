"""What the ribbon buttons do, on any book adapter: validate, compute, write, clear.

Only output sheets are written; input cells are never touched. Everything
about where things are comes from :mod:`jjj_xl.workbook.layout`.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import __version__
from . import layout
from ..methods._matrix import (DIRECTION_HELP, SharedOrigin, _describe_bad_cell, direction_spec,
                               number_from_text, parse_year, positivize_column, resolve_headers,
                               synonyms_hint)
from .book import BookAdapter, ExcelRows, as_adapter
from ..methods.coupling import coupling, lag_type, make_scheme, rescale_columns
from ..methods.development import relative_development

INF_TEXT = "∞"   # E = U₂/U₁ with U₁ = 0 < U₂ (a float inf cannot go in a cell)
from ..errors import InputError, JJJWarning, column_letter
from ..i18n import LANGS, tr_rows
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

def validate_book(book, *, dry_run: bool = True, warnings_out: list | None = None) -> list[str]:
    """Every problem in the inputs, each one line naming its cell; [] when all is well.

    The same checks as Compute: the cell checks below, then (``dry_run``) the computation
    itself, so that anything Compute would refuse is reported here too. ``warnings_out``
    collects what Compute would only warn about (an AHP matrix with CR > 0.1).
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
        _validate_panel(book, tpl, problems, missing=settings.get("missing") or "refuse",
                        per_year=tpl.name == "entropy_topsis_ccd"
                        and settings.get("orientation") != "dimensions")
    if tpl.name == "entropy_topsis_ccd":
        _validate_ahp(book, settings, problems, warnings_out)
    if not problems and dry_run:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                book.__dict__["_last_compute"] = _compute(book, tpl)
        except InputError as err:
            problems.append(str(err))
    return problems


def _validate_ahp(book, settings, problems, warnings_out=None):
    """The AHP sheet's comparison matrix, every problem with its cell: not square, items
    across ≠ items down, more than 15 items, text or TRUE/FALSE, a value ≤ 0, a diagonal ≠ 1,
    a pair blank on both sides, a pair that is not reciprocal (a_ij·a_ji ≠ 1 beyond 2 %),
    items that are neither the dimensions nor the indicator codes when Settings weights uses
    AHP; CR > 0.1 goes to ``warnings_out`` (Compute warns, Saaty 1990 §4)."""
    from ..methods.ahp import RECIPROCAL_TOLERANCE, _cell, ahp_weights

    if not book.has_sheet(layout.AHP_SHEET):
        return
    block = layout.AHP_MATRIX
    table = book.read_block(block)
    if table.shape[1] < 2 or len(table) == 0:
        return
    top, left = table.attrs.get("origin", (block.row, block.col))
    rows = _rows(table, block)
    names = [_show(v) for v in table.iloc[:, 0]]
    cols = [str(c).strip() for c in table.columns[1:]]
    M = table.iloc[:, 1:]
    n_r, n_c = M.shape
    typed = [(i, j) for i in range(n_r) for j in range(n_c) if i != j and not _blank(M.iat[i, j])]
    if not typed:
        return
    sheet = layout.AHP_SHEET
    pre = f"sheet {sheet}: "

    def at(i, j):
        return cell_ref(sheet, rows[i], left + 1 + j)
    before = len(problems)
    if n_r != n_c:
        problems.append(f"{pre}{cell_ref(sheet, top, left)}: the comparison matrix has {n_r} rows but "
                        f"{n_c} columns of items; it must be square (the same items across and down)")
        return
    if n_r > layout.AHP_MAX_ITEMS:
        problems.append(f"{pre}{cell_ref(sheet, top, left)}: {n_r} items; at most {layout.AHP_MAX_ITEMS} "
                        f"(Saaty's random index table stops there): compare dimensions, not indicators")
    for k, (a, b) in enumerate(zip(names, cols)):
        if a != b:
            problems.append(f'{pre}{cell_ref(sheet, rows[k], left)}: row item {k + 1} is "{a}" but column '
                            f'item {k + 1} ({cell_ref(sheet, top, left + 1 + k)}) is "{b}"; list the '
                            f"same items in the same order across and down")
    A = np.full((n_r, n_r), np.nan)
    for i in range(n_r):
        for j in range(n_r):
            try:
                A[i, j] = _cell(M.iat[i, j], i, j)
            except InputError:
                problems.append(f'{pre}{at(i, j)} of the comparison matrix is "{_show(M.iat[i, j])}"; '
                                f"a positive number (1–9 or 1/9–1, e.g. 3 or 1/3) is needed")
                A[i, j] = np.inf
                continue
            if np.isfinite(A[i, j]) and A[i, j] <= 0:
                problems.append(f"{pre}{at(i, j)} of the comparison matrix is {A[i, j]:g}; comparisons "
                                f"must be positive numbers (1–9 or 1/9–1)")
                A[i, j] = np.inf
            elif i == j and np.isfinite(A[i, j]) and abs(A[i, j] - 1) > 1e-9:
                problems.append(f"{pre}{at(i, j)} of the comparison matrix is {A[i, j]:g}; an item "
                                f"compared with itself must be 1 (or blank)")
    for i in range(n_r):
        for j in range(i + 1, n_r):
            a, b = A[i, j], A[j, i]
            if np.isnan(a) and np.isnan(b):
                problems.append(f"{pre}{at(i, j)} of the comparison matrix and its mirror "
                                f"({at(j, i)}) are both blank; fill one of them (the other takes "
                                f"the reciprocal)")
            elif np.isfinite(a) and np.isfinite(b) and abs(a * b - 1) > RECIPROCAL_TOLERANCE:
                problems.append(f"{pre}{at(i, j)} of the comparison matrix is {a:.4g} but its mirror "
                                f"{at(j, i)} is {b:.4g}; they must be reciprocal ({a:.4g} and "
                                f"1/{a:.4g}): clear one of them")
    choice = settings.get("weights") or "entropy"
    if choice != "entropy":
        ind = book.read_block(layout.ENTROPY_TOPSIS_CCD.inputs[0])
        low = {str(c).strip().lower(): c for c in ind.columns}
        codes = {_show(v) for v in ind[low["code"]]} if "code" in low else set()
        dims = {_show(v) for v in ind[low["dimension"]]} if "dimension" in low else set()
        if set(names) not in (codes, dims):
            s_sheet, s_row, s_col = layout.ENTROPY_TOPSIS_CCD.setting_cell("weights")
            problems.append(f"{pre}{cell_ref(sheet, top, left)}: the items ({', '.join(names)}) are neither "
                            f"all the dimensions nor all the indicator codes, which "
                            f"{cell_ref(s_sheet, s_row, s_col)} = {choice} needs; list exactly one "
                            f"of those across and down")
    if len(problems) > before or warnings_out is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        try:
            r = ahp_weights(np.where(np.isnan(A), 1.0 / A.T, A))
        except InputError:
            return
    if r.CR is not None and r.CR > 0.1:
        warnings_out.append(f"{cell_ref(sheet, top, left)}: AHP consistency ratio CR = {r.CR:.3f} > "
                            f"0.1 (λmax {r.lambda_max:.3f}, CI {r.CI:.3f}, RI {r.RI:g}); Compute "
                            f"uses the weights but the judgements should be revised (Saaty)")


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


# ---------------------------------------------------------------- input tables as analysts fill them

def _table_origin(book, block) -> tuple[int, int]:
    ref = book.table_ref(block.sheet, block.table) if block.table else None
    return (ref[0], ref[1]) if ref is not None else (block.row, block.col)


def _find_header(book, sheet, top, left, group, needed):
    """The first row from ``top`` (at most HEADER_SEARCH_ROWS rows) whose cells name every
    ``needed`` header (synonyms read), or None."""
    last_row, last_col = book.extent(sheet)
    n = min(layout.HEADER_SEARCH_ROWS, last_row - top + 1)
    if n <= 0:
        return None
    for k, values in enumerate(book.read(sheet, top, left, n, max(last_col - left + 1, 1))):
        cols = [str(v).strip() for v in values if not _blank(v)]
        if set(needed) <= set(resolve_headers(cols, group)[0].values()):
            return top + k
    return None


SYSTEMS = "systems"   # read_input(numeric=SYSTEMS): the U table's columns after the first


def _find_text_header(book, sheet, top, left, min_cols: int = 3):
    """A U table below a title: the first row (of HEADER_SEARCH_ROWS) with ≥ ``min_cols``
    text cells side by side from the left, followed by a row holding a number after its
    first cell; None if there is none."""
    last_row, last_col = book.extent(sheet)
    n = min(layout.HEADER_SEARCH_ROWS + 1, last_row - top + 1)
    if n <= 1:
        return None
    rows = book.read(sheet, top, left, n, max(last_col - left + 1, 1))
    for k in range(n - 1):
        head = []
        for v in rows[k]:
            if _blank(v):
                break
            head.append(v)
        if len(head) < min_cols or not all(isinstance(v, str) and number_from_text(v)[1] == "text"
                                           for v in head):
            continue
        below = rows[k + 1][1:len(head)]
        if any(_is_number(v) or number_from_text(v)[1] == "number" for v in below):
            return top + k
    return None


def read_input(book, block, numeric=(), label=None, names=None):
    """An input table as analysts fill it: ``(frame, warnings, problems)``, each message one
    line naming sheet and cell.

    * a title above the header ("表1 京津冀各市指标" in A1, header in row 2 or 3): the header
      row is the first of :data:`layout.HEADER_SEARCH_ROWS` rows that names the table's
      identifying headers (:data:`layout.INPUT_HEADERS`); a warning says so;
    * header synonyms (地区/城市/省份 → region, 年份/年 → year, 方向 → direction, …;
      :data:`layout.HEADER_SYNONYMS`) are renamed to the canonical headers;
    * merged cells: a merged header cell is refused (unmerge it); a merged region / year /
      dimension cell (:data:`layout.FILL_MERGED`) is read as its top-left value in every row;
      other merged cells in the table are refused;
    * ``numeric`` columns: numbers stored as text ("6.3", "226,113", "６．３", " 6.3 ") become
      numbers, one warning per column naming the cells; percent text stays (validation
      refuses it with the fix);
    * the year column: 2019, "2019", "2019年" become the integer 2019.

    ``label(frame, i)`` describes row i ("Beijing 2016"); ``names`` maps a column to the
    name used in messages (indicator names)."""
    warns, problems = [], []
    group, needed = layout.INPUT_HEADERS.get(block.sheet, (None, ()))
    sheet = block.sheet
    try:
        frame, err = book.read_block(block), None
    except InputError as exc:
        if group is None:
            raise
        frame, err = None, exc

    def canon(cols):
        return set(resolve_headers([str(c) for c in cols], group)[0].values())
    if group and (frame is None or not set(needed) <= canon(frame.columns)):
        top, left = frame.attrs["origin"] if frame is not None else _table_origin(book, block)
        hit = _find_header(book, sheet, top, left, group, needed)
        if hit is not None and hit != top:
            frame = book.read_block(replace(block, row=hit, col=left, table=None))
            above = [str(v).strip() for r in book.read(sheet, top, left, hit - top, 8)
                     for v in r if not _blank(v)]
            title = f' ("{above[0][:40]}")' if above else ""
            span = f"row {top}" if hit - top == 1 else f"rows {top}–{hit - 1}"
            warns.append(f"sheet {sheet}: the header row is row {hit}; {span} above it{title} "
                         f"read as a title and left out")
    if group is None and frame is not None and len(frame.columns) < 3:   # U: a title above?
        top, left = frame.attrs["origin"]
        hit = _find_text_header(book, sheet, top, left)
        if hit is not None and hit != top:
            frame = book.read_block(replace(block, row=hit, col=left, table=None))
            span = f"row {top}" if hit - top == 1 else f"rows {top}–{hit - 1}"
            warns.append(f"sheet {sheet}: the header row is row {hit}; {span} above it read as a "
                         f"title and left out")
    if frame is None:
        raise err
    top, left = frame.attrs.get("origin", (block.row, block.col))
    for r, text in frame.attrs.get("notes_below", ()):
        shown = text if len(text) <= 40 else text[:40] + "…"
        warns.append(f'{cell_ref(sheet, r, left)}: "{shown}" below the table (after a blank row) '
                     f"is read as a note and left out")
    if numeric == SYSTEMS:             # U: every column after the observation column
        numeric = list(frame.columns[1:])
        names = {c: f'system "{c}"' for c in numeric}
    if group:
        mapping, ambiguous = resolve_headers([str(c) for c in frame.columns], group)
        for key, cols in ambiguous:
            shown = " and ".join(f'"{c}" (column {column_letter(left + list(frame.columns).index(c) - 1)})'
                                 for c in cols)
            problems.append(f'sheet {sheet}: {shown} could each be the "{key}" column; rename the '
                            f'one to use to "{key}"')
        frame = frame.rename(columns=mapping)
    # merged cells (value in the top-left cell, the others read blank)
    ncols = len(frame.columns)
    right = left + ncols - 1
    fill = layout.FILL_MERGED.get(sheet, ())
    rows = _rows(frame, block)
    where = {r: i for i, r in enumerate(rows)}
    for r1, c1, r2, c2 in sorted(book.merged_ranges(sheet)):
        if c2 < left or c1 > right or r2 < top or (r1 == r2 and c1 == c2):
            continue
        ref = f"{cell_ref(sheet, r1, c1)}:{column_letter(c2 - 1)}{r2}"
        if r1 <= top:
            problems.append(f"{ref} is a merged header cell; unmerge it (Home > Merge & Center) and "
                            f"type one header per column in row {top}")
            continue
        col = frame.columns[c1 - left] if c1 == c2 and left <= c1 <= right else None
        if col in fill:
            value = book.read(sheet, r1, c1, 1, 1)[0][0]
            k = frame.columns.get_loc(col)
            for r in range(r1, r2 + 1):
                if r in where and _blank(frame.iat[where[r], k]):
                    frame.iat[where[r], k] = value
            warns.append(f'{ref}: merged {col} cell read as "{_show(value)}" in rows {r1}–{r2}')
        else:
            problems.append(f"{ref}: merged cells inside the {sheet} table; unmerge them (Home > "
                            f"Merge & Center) and type one value per cell")
    if "year" in frame.columns and group == "panel":
        k = frame.columns.get_loc("year")
        for i, v in enumerate(frame["year"]):
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
                y = parse_year(v)
                if y is not None:
                    frame.iat[i, k] = y
    for col in numeric:
        if col not in frame.columns:
            continue
        k = frame.columns.get_loc(col)
        if not isinstance(k, int):
            continue
        values = frame.iloc[:, k]
        kind = pd.api.types.infer_dtype(values, skipna=True)   # one C pass over the column
        if kind in NUMERIC_KINDS:
            frame.isetitem(k, values.astype(float))   # all numbers (None → NaN): the fast path
            continue
        texts = np.flatnonzero(np.fromiter((type(v) is str for v in values.to_numpy()), bool,
                                           count=len(values)))
        hits = []
        for i in texts:
            x, kind = number_from_text(values.iat[i])
            if kind == "number":
                hits.append((i, values.iat[i]))
                frame.iat[i, k] = x
        if hits and pd.api.types.infer_dtype(frame.iloc[:, k], skipna=True) in NUMERIC_KINDS:
            frame.isetitem(k, frame.iloc[:, k].astype(float))
        if hits:
            letter = column_letter(left + k - 1)
            what = (names or {}).get(col, col)
            shown = ", ".join(f'"{t.strip()}" at {cell_ref(sheet, rows[i], left + k)} (row {rows[i]}'
                              + (f", {label(frame, i)})" if label else ")") for i, t in hits[:3])
            more = f" and {len(hits) - 3} more" if len(hits) > 3 else ""
            warns.append(f'sheet {sheet}, {what} (column {letter}): {len(hits)} number'
                         f'{"s" if len(hits) != 1 else ""} stored as text read as number'
                         f'{"s" if len(hits) != 1 else ""}: {shown}{more}; retype them as numbers '
                         f"(or Data > Text to Columns) to silence this warning")
    if numeric and len(frame):
        problems += _percent_format_problems(book, frame, sheet, left, rows, numeric, names,
                                             label, unit=group == "panel")
    return frame, warns, problems


def _pct(v: float) -> str:
    return f"{round(float(v) * 100, 10):.12g}"


def _percent_format_problems(book, frame, sheet, left, rows, numeric, names, label, unit=True):
    """A column mixing percent-formatted numbers with plain ones (a typed "3%" is stored as
    0.03 in a cell formatted 0%): one problem per column naming its minority's first cell."""
    pct = book.percent_cells(sheet)
    if not pct:
        return []
    out = []
    for col in dict.fromkeys(numeric):
        if col not in frame.columns:
            continue
        k = frame.columns.get_loc(col)
        if not isinstance(k, int):
            continue
        c = left + k
        values = frame.iloc[:, k]
        shown, plain = [], []
        for i, v in enumerate(values):
            if not _is_number(v) or v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            (shown if (rows[i], c) in pct else plain).append(i)
        if not shown or not plain:
            continue            # one format for the whole column: consistent
        what = (names or {}).get(col, col)
        at = (lambda i: f" ({label(frame, i)})") if label else (lambda i: "")
        odd = shown if len(shown) <= len(plain) else plain
        i = odd[0]
        more = ""
        if len(odd) > 1:
            more = (f"; the same in row{'s' if len(odd) > 2 else ''} "
                    + ", ".join(str(rows[j]) for j in odd[1:6]) + (", …" if len(odd) > 6 else ""))
        v = float(values.iat[i])
        if odd is shown:
            out.append(f"{cell_ref(sheet, rows[i], c)}: {what} shows {_pct(v)}% (the number {v:.12g}) "
                       f"in row {rows[i]}{at(i)} while its other cells are plain numbers: type "
                       f"{_pct(v)} as a plain number"
                       + (" (and state the unit in the Indicators sheet)" if unit else "")
                       + ", or enter the whole column as percentages" + more)
        else:
            out.append(f"{cell_ref(sheet, rows[i], c)}: {what} is the plain number {v:.12g} in row "
                       f"{rows[i]}{at(i)} while its other cells are formatted as percentages: type it as "
                       f"{v:.12g}% if that is meant, or type the whole column as plain numbers" + more)
    return out


NUMERIC_KINDS = ("floating", "integer", "mixed-integer-float", "empty")   # pandas infer_dtype


def _region_year(frame, i) -> str:
    parts = [_show(frame["region"].iat[i]) if "region" in frame.columns else "",
             _show(frame["year"].iat[i]) if "year" in frame.columns else ""]
    return " ".join(p for p in parts if p and p != "(blank)") or "no region/year"


def read_panel_inputs(book, tpl):
    """Indicators and Data of a panel template read as :func:`read_input` reads them:
    ``(indicators, data, warnings, problems)``; Data's indicator columns are numeric."""
    ind_block, data_block = tpl.inputs
    ind, w1, p1 = read_input(book, ind_block)
    codes, names = [], {}
    if "code" in ind.columns:
        name_col = "name" if "name" in ind.columns else "code"
        for code, name in zip(ind["code"], ind[name_col]):
            if not _blank(code):
                said = f'indicator "{_show(name) if not _blank(name) else _show(code)}"'
                for key in {str(code).strip(), str(name).strip()}:   # a column named either way
                    codes.append(key)
                    names[key] = said
    data, w2, p2 = read_input(book, data_block, numeric=codes, label=_region_year, names=names)
    return ind, data, w1 + w2, p1 + p2


def share_refusal(book, tpl) -> str | None:
    """Why the share workbook's positional formulas cannot carry these inputs as read by
    :func:`read_input` (one line with the fix), or None. Share formulas address the input
    cells from the template's header cell and compare the typed text: a title row above the
    header, merged cells, numbers stored as text, header synonyms on Indicators, a direction
    spelled with spaces or full-width letters that Excel's TRIM(LOWER()) does not reduce, and a
    Missing values setting other than refuse are refused (Compute all reads them all)."""
    from ..methods._matrix import _BENEFIT, _COST, direction_code

    settings = read_settings(book, tpl)
    if settings.get("missing", "refuse") != "refuse":
        sheet, row, col = tpl.setting_cell("missing")
        return (f"{cell_ref(sheet, row, col)} (Missing values 缺失值) is {settings['missing']}; share "
                f"formulas need every Data cell filled: fill the blanks and set it to refuse, or "
                f"use Compute all")
    if tpl.name == "coupling_coordination":
        block = tpl.inputs[0]
        frames = [(block, *read_input(book, block, numeric=SYSTEMS))]
        if book.read_block(block).attrs.get("origin") != frames[0][1].attrs.get("origin"):
            top = frames[0][1].attrs["origin"][0]
            return (f"sheet {block.sheet}: the header is in row {top} below a title; share "
                    f"formulas read the table from {cell_ref(block.sheet, block.row, block.col)}: "
                    f"delete the rows above the header and export again")
    else:
        ind, data, warns, problems = read_panel_inputs(book, tpl)
        frames = [(None, None, warns, problems)]
        for block, frame in zip(tpl.inputs, (ind, data)):
            raw = book.read_block(block)
            if raw.attrs.get("origin") != frame.attrs.get("origin"):
                top = frame.attrs["origin"][0]
                return (f"sheet {block.sheet}: the header is in row {top} below a title; share "
                        f"formulas read the table from {cell_ref(block.sheet, block.row, block.col)}: "
                        f"delete the rows above the header and export again")
        if any(str(c).strip().lower() != str(k) for c, k in zip(book.read_block(tpl.inputs[0]).columns,
                                                                 ind.columns)):
            c, k = next((c, k) for c, k in zip(book.read_block(tpl.inputs[0]).columns, ind.columns)
                        if str(c).strip().lower() != str(k))
            return (f'sheet {tpl.inputs[0].sheet}: header "{c}" is read as "{k}" by Compute all, but '
                    f'share formulas look for the template\'s headers: rename it to "{k}" and export again')
        if "direction" in ind.columns:
            k = ind.columns.get_loc("direction")
            rows, left = _rows(ind, tpl.inputs[0]), _left(ind, tpl.inputs[0])
            for i, d in enumerate(ind["direction"]):
                if isinstance(d, str) and direction_code(d) is not None:
                    typed = " ".join(p for p in d.lower().split(" ") if p)   # Excel TRIM(LOWER())
                    if typed not in _BENEFIT and typed not in _COST:
                        return (f'{cell_ref(tpl.inputs[0].sheet, rows[i], left + k)}: direction '
                                f'"{d}" has spaces or full-width letters that share formulas do not '
                                f"read; retype it as + or - (or 正向指标 / 逆向指标) and export again")
    for block, frame, warns, problems in frames:
        if problems:
            return problems[0]
        for text in warns:
            if "stored as text" in text:
                head = text.split("; retype them")[0].replace(" read as numbers", "").replace(
                    " read as number", "")
                return (head + "; share formulas need numbers: retype them as numbers (or Data > "
                               "Text to Columns) and export again")
            if ": merged " in text:
                return (text.split(": merged ")[0] + ": merged cells; share formulas read every "
                        "cell: unmerge them, fill every cell and export again")
    return None


def _validate_indicators(book, block, problems, ind=None) -> pd.DataFrame:
    ind = book.read_block(block) if ind is None else ind
    cols = {c.lower(): c for c in ind.columns}
    for need in ("code", "dimension", "direction"):
        if need not in cols:
            problems.append(f'sheet {block.sheet}: the header row needs a '
                            f'{synonyms_hint("indicators", need)} column')
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


def _validate_panel(book, tpl, problems, missing: str = "refuse", per_year: bool = False):
    ind_block, data_block = tpl.inputs
    ind, data, _, read_problems = read_panel_inputs(book, tpl)
    problems += read_problems
    ind = _validate_indicators(book, ind_block, problems, ind)
    header = list(data.columns)
    rows = _rows(data, data_block)
    left = _left(data, data_block)
    sheet = data_block.sheet
    for need in ("region", "year"):
        if need not in header:
            problems.append(f'sheet {sheet}: the header row needs a {synonyms_hint("panel", need)} '
                            f"column")
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
                if _blank(v) and missing != "refuse" and not book.hidden_value(sheet, r, c):
                    continue       # Settings: missing = drop / interpolate
                if _blank(v):
                    msg = _blank_cell(book, sheet, r, c, f'indicator "{name}" (column '
                                      f"{column_letter(c - 1)}) in row {r} ({label(i)})")
                    if msg.endswith("fill it") and any(x.key == "missing" for x in tpl.settings):
                        msg += (f" (or set {cell_ref(*tpl.setting_cell('missing'))} Missing values "
                                f"缺失值 to drop or interpolate)")
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
        problems += _region_spelling_problems(seen, sheet, rc, per_year)


_REGION_SUFFIX = re.compile(r"(?:特别行政区|自治区|省|市|地区)$")


def _region_key(name: str) -> str:
    """A region name as compared for spellings: NFKC, no spaces (also the full-width 　),
    case-folded, without a trailing 省/市/自治区/特别行政区/地区."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()
    return _REGION_SUFFIX.sub("", text) or text


def _region_spelling_problems(seen: dict, sheet: str, rc: int, per_year: bool) -> list[str]:
    """A region typed two ways ("北京" in four years, "北京市" or "北　京" in the fifth): the
    variant makes an unbalanced panel whose per-year coupling has no complete year. One line
    per variant naming its first cell and the region it looks like; with ``per_year`` (regions
    coupled per year) a panel where no year has every region is refused naming the region
    with the fewest years."""
    years: dict[str, dict[int, int]] = {}
    for (reg, yr), r in seen.items():
        if reg:
            years.setdefault(reg, {})[yr] = r
    if len(years) < 2:
        return []
    most = max(len(v) for v in years.values())
    out, named = [], set()
    for reg, ys in years.items():
        if len(ys) >= most:
            continue
        like = [o for o, oy in years.items() if o != reg and not set(oy) & set(ys)
                and len(oy) >= len(ys)
                and (_region_key(o) == _region_key(reg)
                     or (min(len(_region_key(o)), len(_region_key(reg))) >= 2
                         and (_region_key(o).startswith(_region_key(reg))
                              or _region_key(reg).startswith(_region_key(o)))))]
        if like:
            r = min(ys.values())
            n = len(ys)
            out.append(f'{cell_ref(sheet, r, rc)}: region "{reg}" appears in {n} year'
                       f'{"s" if n != 1 else ""} only while the other regions have {most}: is it '
                       f'"{like[0]}"? use one spelling per region')
            named.add(reg)
    if out or not per_year:
        return out
    every = set(years)
    complete = [y for y in {y for v in years.values() for y in v}
                if all(y in years[g] for g in every)]
    if complete:
        return []
    reg = min(years, key=lambda g: (len(years[g]), min(years[g].values())))
    ys = years[reg]
    n = len(ys)
    return [f'{cell_ref(sheet, min(ys.values()), rc)}: region "{reg}" appears in {n} year'
            f'{"s" if n != 1 else ""} only ({", ".join(map(str, sorted(ys)))}) while the other regions '
            f"have up to {most}, and no year has every region, so the regions cannot be coupled "
            f"per year: check its spelling (one spelling per region) or fill its other years"]


def _validate_u(book, tpl, problems, rescaled: bool = False):
    block = tpl.inputs[0]
    table, _, read_problems = read_input(book, block, numeric=SYSTEMS)
    problems += read_problems
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
            blank = read_input(book, block)[0].attrs.get("blank_rows", [])
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
            ind, data = _panel_for_compute(book, tpl)
            ind, data, typed, pos_notes = positivise_inputs(ind, data)
            kw = dict(method=settings["method"], shift=settings["shift"],
                      closeness=settings["closeness"], distance=settings["distance"],
                      coupling_model=settings["coupling_model"], scheme=scheme,
                      lang=settings["lang"], closed=settings["closed"],
                      missing=settings.get("missing") or "refuse")
            kw.update(_score_settings(tpl, settings))
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
            notes = {**res.notes, **pos_notes, **_missing_note(settings)}
            frames["ahp"], ahp_notes = _compute_ahp(book)
            notes = {**notes, **ahp_notes}
        elif tpl.name == "ideal_solution_index":
            ind, data = _panel_for_compute(book, tpl)
            ind, data, typed, pos_notes = positivise_inputs(ind, data)
            res = ideal_solution_index(data, ind, method=settings["method"],
                                       weights=settings["weights"], closeness=settings["closeness"],
                                       ideal=settings["ideal"], distance=settings["distance"],
                                       missing=settings.get("missing") or "refuse")
            stacked = [t.reset_index().assign(index=name)[["index", "region", *t.columns]]
                       for name, t in res.tables.items()]
            tables = pd.concat(stacked, ignore_index=True)
            tables.columns = [str(c) for c in tables.columns]
            frames = {"scores": res.scores, "tables": tables, "growth": res.growth,
                      "weights": _typed_directions(res.weights, typed).drop(columns=["code"])}
            notes = {**res.notes, **pos_notes, **_missing_note(settings)}
        else:
            frames, notes = _compute_u(book, tpl, settings, scheme)
    notes = {"template": tpl.name, "jjj-xl version": __version__, **notes}
    messages = _blank_row_notes(book, tpl) + [str(w.message) for w in caught
                                              if issubclass(w.category, JJJWarning)]
    for k, text in enumerate(messages, start=1):
        notes[f"warning {k}"] = text
    return frames, notes


def _score_settings(tpl: layout.Template, settings: dict) -> dict:
    """Settings translate (SPSSAU's |min| + 0.01 for entropy) and score (topsis / grey) as
    workflow keywords; zscore without the translation is refused naming both cells."""
    translate = settings.get("translate") or "none"
    if settings.get("method") == "zscore" and translate == "none":
        (s1, r1, c1), (s2, r2, c2) = tpl.setting_cell("method"), tpl.setting_cell("translate")
        raise InputError(f"{cell_ref(s1, r1, c1)} (Standardisation) is zscore, whose values are "
                         f"negative below the mean, but {cell_ref(s2, r2, c2)} (Entropy translation) "
                         f"is none: entropy needs values ≥ 0; set it to spssau (adds |min| + 0.01)")
    return {"translate": None if translate == "none" else translate,
            "score": settings.get("score") or "topsis"}


MISSING_NOTES = {
    "refuse": "refuse: every Data cell of an indicator must be a number (Settings: Missing values)",
    "drop": "drop: region-years with a blank Data cell are left out (warnings name them)",
    "interpolate": "interpolate: blanks filled linearly over the years of the same region, "
                   "x = x₀ + (x₁ − x₀)(y − y₀)/(y₁ − y₀) between the nearest known years; blanks "
                   "before the first or after the last known year are not extrapolated, those "
                   "region-years are left out (warnings name every cell)",
}


def _missing_note(settings) -> dict:
    return {"missing values 缺失值": MISSING_NOTES[settings.get("missing") or "refuse"]}


def _panel_for_compute(book, tpl):
    """Indicators and Data as :func:`read_panel_inputs` reads them (its warnings said through
    the caller's recorder), Data with its sheet origin for the workflow's messages."""
    ind, data, warns, problems = read_panel_inputs(book, tpl)
    if problems:
        raise InputError(problems[0])
    for text in warns:
        warnings.warn(text, JJJWarning, stacklevel=2)
    return ind, _with_origin(data, tpl.inputs[1])


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
    table, warns, problems = read_input(book, tpl.inputs[0], numeric=SYSTEMS)
    if problems:
        raise InputError(problems[0])
    for text in warns:
        warnings.warn(text, JJJWarning, stacklevel=2)
    labels = table.iloc[:, 0].tolist()
    U = table.iloc[:, 1:]
    U.index = [str(v) if v is not None else f"row {i + 1}" for i, v in enumerate(labels)]
    if len(set(U.index)) == len(U):   # warnings name the U sheet's Excel row and column
        block, left = tpl.inputs[0], _left(table, tpl.inputs[0])
        U.attrs = {**table.attrs, "jjj_origin": {
            "sheet": block.sheet, "rows": dict(zip(U.index, _rows(table, block))),
            "columns": {c: column_letter(left + j) for j, c in enumerate(U.columns)}}}
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


class LocalizedBook(BookAdapter):
    """The language boundary of the actions: every text cell written goes through
    :func:`jjj_xl.i18n.tr` (headers, titles, notes, warnings, labels); reading is the wrapped
    book's. ``names``: indicator name → name_zh (zh: indicator names use name_zh)."""

    def __init__(self, inner: BookAdapter, lang: str, names: dict | None = None):
        self.inner, self.lang, self.names = inner, lang, dict(names or {})

    def __getattr__(self, name):          # save, wb, path, … of the wrapped adapter
        return getattr(self.inner, name)

    def sheet_names(self):
        return self.inner.sheet_names()

    def extent(self, sheet):
        return self.inner.extent(sheet)

    def read(self, sheet, row, col, nrows, ncols):
        return self.inner.read(sheet, row, col, nrows, ncols)

    def read_block(self, block):
        return self.inner.read_block(block)

    def has_sheet(self, sheet):
        return self.inner.has_sheet(sheet)

    def table_ref(self, sheet, name):
        return self.inner.table_ref(sheet, name)

    def hidden_value(self, sheet, row, col):
        return self.inner.hidden_value(sheet, row, col)

    def merged_ranges(self, sheet):
        return self.inner.merged_ranges(sheet)

    def percent_cells(self, sheet):
        return self.inner.percent_cells(sheet)

    def clear(self, sheet):
        return self.inner.clear(sheet)

    def fit_columns(self, sheet, col, values):
        return self.inner.fit_columns(sheet, col, values)

    def _block_cache_drop(self, sheet):
        return self.inner._block_cache_drop(sheet)

    def write(self, sheet, row, col, values, formats=None):
        self.inner.write(sheet, row, col, tr_rows(values, self.lang, self.names), formats)


def book_lang(book, override: str | None = None) -> str:
    """The language of a template workbook's outputs: ``override`` (``--lang``), else its
    Settings ``lang`` cell, else "en" (no such setting, or not a template)."""
    if override in LANGS:
        return override
    try:
        book = as_adapter(book)
        tpl = detect_template(book)
        if "lang" not in [s.key for s in tpl.settings]:
            return "en"
        sheet, row, col = tpl.setting_cell("lang")
        value = book.read(sheet, row, col, 1, 1)[0][0]
    except Exception:   # noqa: BLE001  never fails: the action itself reports a bad workbook
        return "en"
    value = str(value).strip().lower() if value is not None else ""
    return value if value in LANGS else "en"


def _indicator_names_zh(book, tpl) -> dict:
    """Indicator name → name_zh from the Indicators sheet, where name_zh is filled (codes stay:
    a message naming a code names what the user typed)."""
    if not tpl.inputs or tpl.inputs[0].sheet != "Indicators":
        return {}
    try:
        ind = book.read_block(tpl.inputs[0])
    except InputError:
        return {}
    cols = {str(c).strip().lower(): c for c in ind.columns}
    if "name_zh" not in cols:
        return {}
    out = {}
    for key in ("name",):
        if key in cols:
            for a, b in zip(ind[cols[key]], ind[cols["name_zh"]]):
                if not _blank(a) and not _blank(b) and str(a).strip() not in out:
                    out[str(a).strip()] = str(b).strip()
    return out


def localized(book, lang: str | None = None):
    """``book`` wrapped so that what the actions write is in ``lang`` (None: the workbook's
    Settings lang); en returns the book itself (English is the source text)."""
    book = as_adapter(book)
    if isinstance(book, LocalizedBook):
        return book
    lang = book_lang(book, lang)
    if lang == "en":
        return book
    try:
        names = _indicator_names_zh(book, detect_template(book))
    except InputError:
        names = {}
    return LocalizedBook(book, lang, names)


def run_action(book, action: str, *, more_hint: str | None = None, lang: str | None = None) -> dict:
    """Run one ribbon action on a book.

    Returns {"written": [sheets], "problems": [...], "warnings": [...]}. Compute actions
    check the inputs first with :func:`validate_book` (the same checks, one read of the
    inputs); when there are problems the report goes to the Notes sheet and an InputError
    names the first one. ``more_hint`` replaces "see the Notes sheet" in that message (the
    command line, which does not save a workbook whose inputs are refused). ``lang``: the
    language of everything written (None: the workbook's Settings lang; see :mod:`jjj_xl.i18n`).
    """
    book = localized(book, lang)
    if action == "validate":
        found: list[str] = []
        problems = validate_book(book, warnings_out=found)
        tpl = detect_template(book) if not problems or "not a jjj-xl template" not in problems[0] else None
        if tpl is not None:
            _write_report(book, tpl, problems, [f"warning: {w}" for w in found])
        return {"written": [layout.NOTES_SHEET] if tpl else [], "problems": problems,
                "warnings": found}
    if action == "after_d":   # After D sheets (issue 10): jjj_xl/workbook/after_d.py
        from .after_d import run_after_d
        return run_after_d(book)
    tpl = detect_template(book)
    if action == "clear_outputs":
        for sheet in tpl.output_sheets:
            if book.has_sheet(sheet):
                _clear_sheet(book, tpl, sheet)
        _map_clear(book)
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
            if key == "growth":
                _growth_layout(book, block, frames[key])
    if "coupling_dimensions" in keys:
        sheets += _map_step(book, frames.get("coupling_dimensions"), notes)
    notes_frame = pd.DataFrame({"setting": list(notes), "value": [str(v) for v in notes.values()]})
    book.write_frame(tpl.outputs["notes"], notes_frame)
    return {"written": sheets, "problems": [],
            "warnings": [str(v) for k, v in notes.items() if str(k).startswith("warning")]}


MAP_NOTE = "map: the Map sheet (schematic maps, grade table) is added by jjj-xl run BOOK"


def _map_step(book, grades, notes) -> list[str]:
    """The Map sheet after Compute all (issue 11 item 3, :mod:`.maps`): drawn on an openpyxl
    workbook; a package book keeps the grades for ``jjj-xl run`` (which transplants the
    sheet with its charts, :func:`.maps.refresh_map_package`); Excel via xlwings cannot
    build openpyxl charts, so Notes says where the map comes from. Returns the sheets written."""
    from .book import OpenpyxlBook
    inner = getattr(book, "inner", book)
    if grades is None or not len(grades):
        return []
    if type(inner).__name__ not in ("OpenpyxlBook", "PackageBook"):
        notes["map"] = MAP_NOTE            # Excel (xlwings, Lite): maps.py is headless only
        return []
    from .maps import MAP_SHEET, add_map_sheet, map_wanted
    if not map_wanted(grades, book.has_sheet(MAP_SHEET)):
        return []
    if isinstance(inner, OpenpyxlBook):
        from ..i18n import language
        with language(getattr(book, "lang", "en")):
            add_map_sheet(inner.wb, grades)
        return [MAP_SHEET]
    inner.map_grades = grades              # PackageBook: cli.cmd_run draws it after saving
    return []


def _map_clear(book) -> None:
    """Clear outputs on the Map sheet: the coordinates table stays (:func:`.maps.clear_map_sheet`)."""
    from .book import OpenpyxlBook
    inner = getattr(book, "inner", book)
    if type(inner).__name__ not in ("OpenpyxlBook", "PackageBook"):
        return                             # Excel: the Map sheet is jjj-xl run's (headless)
    from .maps import MAP_SHEET, clear_map_sheet
    if not book.has_sheet(MAP_SHEET):
        return
    if isinstance(inner, OpenpyxlBook):
        from ..i18n import language
        with language(getattr(book, "lang", "en")):
            clear_map_sheet(inner.wb)
    else:
        inner.map_clear = True             # cli.cmd_run clears it after saving


GROWTH_NOTE = (   # short lines in the column right of the table (its header cell blank, so
    # read_block does not take it for a column); each line prints whole
    "growth = (F_last/F_first)^(1/(years−1)) − 1",
    "a blank cell: F_first = 0, growth undefined",
    "年均增长率 = (末年/首年)^(1/(年数−1)) − 1",
    "空白：首年值为 0，增长率无定义")


def _growth_layout(book, block, frame):
    """Growth rates as percentages (0.00%) and, right of the table, what a blank cell means."""
    rates = [j for j, c in enumerate(frame.columns) if c not in ("region", "first_year", "last_year")]
    if not rates:
        return
    body = frame.to_numpy(dtype=object)
    for j in rates:
        values = [[None if v is None or v != v else float(v)] for v in body[:, j]]
        book.write(block.sheet, block.row, block.col + j, [[str(frame.columns[j])], *values],
                   [layout.GROWTH_FORMAT])
    col = block.col + len(frame.columns)
    book.write(block.sheet, block.row + 1, col, [["   " + t] for t in GROWTH_NOTE])   # indented
    book.fit_columns(block.sheet, col, [["x" * 46]])


def _clear_sheet(book, tpl, sheet):
    """Blank an output sheet, then put back its titles and its "do not type here" note."""
    book.clear(sheet)
    for block in tpl.outputs.values():
        if block.sheet == sheet and block.title:
            book.write(sheet, block.row - 1, block.col, [[block.title]])
    if any(b.sheet == sheet for b in tpl.outputs.values()):
        row, col = layout.output_note_cell(tpl, sheet)
        book.write(sheet, row, col, [[layout.OUTPUT_NOTE]])


def _write_report(book, tpl, problems, extra=()):
    _clear_sheet(book, tpl, layout.NOTES_SHEET)
    block = tpl.outputs["notes"]
    rows = (problems or ["No problems found 未发现问题"]) + list(extra)
    frame = pd.DataFrame({"validation report 数据校验": rows})
    book.write_frame(block, frame)
