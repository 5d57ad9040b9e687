"""Turn user input (arrays, nested lists, DataFrames) into checked float matrices.

Every refusal is one :class:`InputError` line naming indicator, column and
row (METHODS.md §8). Labels of a DataFrame are kept so results can carry them.
"""

from __future__ import annotations

import numbers
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, column_letter, warn

EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}

MISSING_MODES = ("refuse", "drop", "interpolate")
MISSING_HELP = ('use "refuse" (blanks are errors), "drop" (rows with a blank left out) or '
                '"interpolate" (linear over the years of the same region)')


# ---------------------------------------------------------------- spellings analysts paste
# Numbers and years as statistical yearbooks and web tables give them: stored as text,
# with thousands separators, in full-width digits (６．３), with spaces around, "2019年".

_EXTRA_SPACE = "\u200b\ufeff"          # zero-width space, BOM (str.strip keeps them)
_PLAIN_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_PERCENT = re.compile(r"^[-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*%$")
_YEAR_TEXT = re.compile(r"^(\d{4})(?:\.0+)?\s*(?:年度|年)?$")
PERCENT_FIX = "type 6.3 or 0.063 as a number and state the unit (% or share) in the Indicators unit column"


def percent_fix(text: str) -> str:
    """The fix for a percent text, with the analyst's own number: "3%" -> "type 3 or 0.03 …"
    (:data:`PERCENT_FIX` when the number cannot be read back)."""
    from decimal import Decimal, InvalidOperation
    body = _normal_text(text).rstrip("%").strip().replace(",", "")
    try:
        x = Decimal(body)
    except InvalidOperation:
        return PERCENT_FIX
    if not x.is_finite():
        return PERCENT_FIX

    def show(d):
        t = format(d, "f")
        return t.rstrip("0").rstrip(".") if "." in t else t
    return (f"type {show(x)} or {show(x.scaleb(-2))} as a number and state the unit (% or share) "
            f"in the Indicators unit column")


def _normal_text(text: str) -> str:
    """NFKC (full-width digits, ．，％ and spaces to ASCII), minus signs to '-', trimmed."""
    text = unicodedata.normalize("NFKC", text).strip().strip(_EXTRA_SPACE).strip()
    return text.replace("\u2212", "-").replace("\u2013", "-")


def number_from_text(value):
    """Read text as analysts paste numbers: ``(number, "number")`` for "6.3", " 6.3 ",
    "226,113" (thousands separators in groups of three), "６．３" (full-width) and "-1e3";
    ``(None, "percent")`` for "6.3%" (refused: the unit would be guessed); ``(None, "text")``
    for anything else ("n/a", "—", "6,3", "inf", "nan", "")."""
    if not isinstance(value, str):
        return None, "text"
    text = _normal_text(value)
    if _PLAIN_NUMBER.match(text):
        return float(text), "number"
    if _THOUSANDS.match(text):
        return float(text.replace(",", "")), "number"
    if _PERCENT.match(text):
        return None, "percent"
    return None, "text"


def parse_year(value) -> int | None:
    """A year from 2019, 2019.0, "2019", " 2019 ", "2019年", "２０１９年", "2019年度"; None else
    (logical values, fractions, other text). The range is the caller's to check."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        return None
    if isinstance(value, numbers.Real):
        v = float(value)
        return int(v) if np.isfinite(v) and v == int(v) else None
    if isinstance(value, str):
        m = _YEAR_TEXT.match(_normal_text(value))
        return int(m.group(1)) if m else None
    return None


# Header synonyms of the input tables: canonical column -> spellings read as it (compared
# after NFKC, trimming and lower-casing). One table for the engine (read_panel,
# read_indicators) and the workbook readers (jjj_xl.workbook.layout.HEADER_SYNONYMS).
HEADER_SYNONYMS = {
    "panel": {
        "region": ("region", "regions", "city", "cities", "province", "provinces", "area",
                   "地区", "城市", "省份", "省", "市", "区域", "地市", "省市", "省区", "省区市",
                   "地区名称", "城市名称", "省份名称", "行政区", "行政区划"),
        "year": ("year", "years", "yr", "年份", "年", "年度", "时间"),
    },
    "indicators": {
        "code": ("code", "indicator code", "id", "代码", "编号", "指标代码", "指标编号", "代号"),
        "name": ("name", "indicator", "indicator name", "名称", "指标", "指标名称", "英文名"),
        "name_zh": ("name_zh", "name (zh)", "chinese name", "中文名", "中文名称", "指标中文名"),
        "dimension": ("dimension", "subsystem", "system", "criterion", "维度", "子系统", "系统",
                      "系统层", "准则层", "一级指标", "目标层"),
        "direction": ("direction", "type", "attribute", "方向", "指标方向", "属性", "指标属性",
                      "指标类型", "类型", "性质", "指标性质", "正负"),
        "unit": ("unit", "units", "单位", "计量单位"),
    },
}


def header_key(text) -> str:
    """How a header is compared with the synonyms: NFKC, trimmed, lower case."""
    return _normal_text(str(text)).lower() if text is not None else ""


def resolve_headers(columns, group: str):
    """Which column is which canonical header: ``({column: canonical}, [(canonical,
    [columns])])``, the second list naming canonical headers that several columns could be
    (ambiguous: none of them is taken). A column already named canonically wins; otherwise
    exactly one synonym column is taken."""
    table = HEADER_SYNONYMS[group]
    keys = {c: header_key(c) for c in columns}
    found, ambiguous = {}, []
    for canon, words in table.items():
        exact = [c for c in columns if keys[c] == canon]
        if exact:
            found[exact[0]] = canon
            continue
        hits = [c for c in columns if keys[c] in words and c not in found]
        if len(hits) == 1:
            found[hits[0]] = canon
        elif len(hits) > 1:
            ambiguous.append((canon, hits))
    return found, ambiguous


def synonyms_hint(group: str, canon: str, k: int = 4) -> str:
    """'region (or 地区, 城市, 省份 …)' for messages."""
    words = [w for w in HEADER_SYNONYMS[group][canon] if w != canon]
    zh = [w for w in words if not w.isascii()][:k]
    return f'"{canon}" (or {", ".join(zh)} …)' if zh else f'"{canon}"'

BLOCK_ROWS = 2048  # rows per block: ~0.5 MB at 30 columns, stays in cache


def row_blocks(m: int, block: int = BLOCK_ROWS):
    for start in range(0, m, block):
        yield start, min(start + block, m)


WIDE = 512   # target width of a "wide" row: k rows of n columns side by side


def wide_factor(values: np.ndarray) -> int:
    """How many consecutive rows to lay side by side (k) so numpy's inner loops are
    ~512 wide instead of n: per-column broadcasting and reductions over n = 30 columns
    are several times slower than over long rows. 1 when the matrix is not C-contiguous."""
    n = values.shape[1]
    if not values.flags.c_contiguous or n == 0:
        return 1
    return max(1, WIDE // n)


def wide_blocks(values: np.ndarray, block: int = BLOCK_ROWS):
    """Yield (first row, end row, view, k): the first ⌊m/k⌋·k rows as (rows/k) × (k·n)
    views (k consecutive rows side by side, no copy), the rest as ordinary blocks (k = 1)."""
    m, n = values.shape
    k = wide_factor(values)
    full = (m // k) * k if k > 1 else 0
    if full:
        wide = values[:full].reshape(full // k, k * n)
        step = max(1, block // k)
        for a in range(0, wide.shape[0], step):
            b = min(a + step, wide.shape[0])
            yield a * k, b * k, wide[a:b], k
    for a, b in row_blocks(m - full, block):
        yield full + a, full + b, values[full + a:full + b], 1


def column_min_max(values: np.ndarray):
    """Column minima and maxima in one blocked pass (NaN and ±inf show through).

    A C-contiguous m × n matrix is viewed as (m/k) × (k·n) so each reduction runs over
    long rows (numpy's inner loop is then SIMD-wide instead of n = 30 wide); the k
    partial results per column are folded at the end. Same values, ~2× faster."""
    m, n = values.shape
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    k = max(1, 512 // max(n, 1))
    full = (m // k) * k if values.flags.c_contiguous and k > 1 else 0
    if full:
        wide = values[:full].reshape(full // k, k * n)
        wlo = np.full(k * n, np.inf)
        whi = np.full(k * n, -np.inf)
        step = max(1, BLOCK_ROWS // k)
        for a in range(0, wide.shape[0], step):
            blk = wide[a:a + step]
            np.minimum(wlo, blk.min(axis=0), out=wlo)
            np.maximum(whi, blk.max(axis=0), out=whi)
        np.minimum(lo, wlo.reshape(k, n).min(axis=0), out=lo)
        np.maximum(hi, whi.reshape(k, n).max(axis=0), out=hi)
    for a, b in row_blocks(m - full):
        blk = values[full + a:full + b]
        np.minimum(lo, blk.min(axis=0), out=lo)
        np.maximum(hi, blk.max(axis=0), out=hi)
    return lo, hi


@dataclass
class Matrix:
    """A checked m × n float matrix plus the labels needed to report on it."""

    values: np.ndarray
    names: list | None = None          # indicator (column) names, if known
    index: pd.Index | None = None      # row labels of a DataFrame
    what: str = "data"                 # how the matrix is called in messages
    row_word: str = "row"
    col_word: str = "indicator"
    kept_rows: np.ndarray | None = None  # positions kept after missing="drop"
    labelled: bool = False             # results should be pandas objects
    extra: dict = field(default_factory=dict)
    sheet: str | None = None           # where the data came from (a workbook's Data sheet)
    letters: list | None = None        # that sheet's column letter of each column
    row_numbers: list | None = None    # that sheet's (Excel) row number of each row

    @property
    def shape(self):
        return self.values.shape

    def col(self, j: int) -> str:
        if self.letters is not None:
            return describe_sheet_column(self.names[j] if self.names else None,
                                         self.letters[j], self.sheet, self.col_word)
        return describe_column(j, self.names, self.what, self.col_word)

    def error(self, tail: str, i: int, j: int, found=None, needed=None) -> InputError:
        """An error at cell (i, j): '<indicator ...> <tail> in <row ...>'."""
        return _place_error(tail, i, j, self.names, self.index, self.what, found,
                            needed, self.row_word, self.col_word, self.kept_rows)

    def column_error(self, tail: str, j: int, found=None, needed=None) -> InputError:
        """An error about a whole column: '<indicator ...> <tail>'."""
        return InputError(f"{self.col(j)} {tail}", indicator=self.names[j] if self.names else None,
                          column=j, found=found, needed=needed)

    def row(self, i: int) -> str:
        if self.row_numbers is not None:
            pos = int(self.kept_rows[i]) if self.kept_rows is not None else int(i)
            text = f"{self.sheet + ' ' if self.sheet else ''}row {self.row_numbers[pos]}"
            if self.index is not None and not isinstance(self.index, pd.RangeIndex):
                label = self.index[i]
                if isinstance(label, tuple):
                    label = " ".join(str(p) for p in label)
                text += f" ({label})"
            return text
        return describe_row(i, self.index, self.kept_rows, self.row_word)

    def cell(self, i: int, j: int) -> str | None:
        """'Data!C5' when the matrix came from a sheet (origin known), else None."""
        if self.sheet and self.letters is not None and self.row_numbers is not None:
            pos = int(self.kept_rows[i]) if self.kept_rows is not None else int(i)
            return f"{self.sheet}!{self.letters[j]}{self.row_numbers[pos]}"
        return None

    def place(self, i: int, j: int) -> str:
        """'Data!C5 in Data row 5 (Beijing 2016)' or 'row 5 (Beijing 2016)'."""
        cell = self.cell(i, j)
        return f"{cell} in {self.row(i)}" if cell else self.row(i)

    def column_min_max(self):
        """Column minima and maxima, computed once (the finiteness check already did)."""
        if "min_max" not in self.extra:
            self.extra["min_max"] = column_min_max(self.values)
        return self.extra["min_max"]

    def take_columns(self, cols) -> "Matrix":
        """A Matrix of some columns (a copy of their values), keeping labels, the origin and
        the cached column minima / maxima, so a second method needs no new pass."""
        cols = np.asarray(cols)
        if cols.dtype == bool:
            cols = np.flatnonzero(cols)
        sub = Matrix(values=np.ascontiguousarray(self.values[:, cols]),
                     names=[self.names[j] for j in cols] if self.names is not None else None,
                     index=self.index, what=self.what, row_word=self.row_word,
                     col_word=self.col_word, kept_rows=self.kept_rows, labelled=self.labelled,
                     sheet=self.sheet,
                     letters=[self.letters[j] for j in cols] if self.letters is not None else None,
                     row_numbers=self.row_numbers)
        if "min_max" in self.extra:
            lo, hi = self.extra["min_max"]
            sub.extra["min_max"] = (lo[cols], hi[cols])
        return sub

    def col_names(self) -> list:
        if self.names is not None:
            return list(self.names)
        return [column_letter(j) for j in range(self.values.shape[1])]


def describe_column(j: int, names, what: str = "data", col_word: str = "indicator",
                    letter_at: int | None = None) -> str:
    """'indicator "GDP" (column C)'; ``letter_at`` puts the letter of another position."""
    letter = column_letter(j if letter_at is None else letter_at)
    name = names[j] if names is not None else None
    if name is not None and str(name) != column_letter(j):
        return f'{col_word} "{name}" (column {letter})'
    return f"column {letter} of {what}"


def describe_sheet_column(name, letter: str, sheet: str | None, col_word: str = "indicator") -> str:
    """'indicator "GDP" (column C of sheet Data)'."""
    where = f"column {letter}" + (f" of sheet {sheet}" if sheet else "")
    return f'{col_word} "{name}" ({where})' if name is not None else where


ORIGIN_ATTR = "jjj_origin"


class SharedOrigin(dict):
    """``attrs["jjj_origin"]``: built once and never changed, so pandas' deep copy of attrs on
    every operation (a dict of 40,000 row labels cost seconds per run) just shares it."""

    def __deepcopy__(self, memo):
        return self


def sheet_origin(frame: pd.DataFrame, n_rows: int, names):
    """(sheet, letters, row numbers) from ``frame.attrs["jjj_origin"]``, if present.

    The contract for adapters that read a workbook: ``{"sheet": "Data", "columns":
    {column name: "C", ...}, "rows": {index label: Excel row, ...}}`` (either mapping may
    be missing). Warnings and errors then name the sheet's column and Excel row."""
    origin = frame.attrs.get(ORIGIN_ATTR) if isinstance(frame, pd.DataFrame) else None
    if not origin:
        return None, None, None
    cols = origin.get("columns") or {}
    letters = [cols.get(c) for c in frame.columns]
    letters = letters if all(v is not None for v in letters) and len(letters) == len(names or letters) else None
    rows = origin.get("rows") or {}
    numbers = [rows.get(k) for k in frame.index]
    numbers = numbers if len(numbers) == n_rows and all(v is not None for v in numbers) else None
    return origin.get("sheet"), letters, numbers


def describe_row(i: int, index=None, kept_rows=None, row_word: str = "row") -> str:
    pos = int(kept_rows[i]) if kept_rows is not None else int(i)
    text = f"{row_word} {pos + 1}"
    if index is not None and not isinstance(index, pd.RangeIndex):
        label = index[i]
        if isinstance(label, tuple):
            label = " ".join(str(p) for p in label)
        text += f" ({label})"
    return text


def _place_error(message_tail: str, i: int, j: int, names, index, what,
                 found=None, needed=None, row_word="row", col_word="indicator",
                 kept_rows=None) -> InputError:
    """An InputError whose text can be re-rendered with shifted coordinates."""
    if kept_rows is not None:
        i = int(kept_rows[i])
        index = None

    # the place comes before what is needed: '... has text "n/a" in row 7; numbers only'
    found_text, _, needed_text = message_tail.partition(";")
    needed_text = f";{needed_text}" if needed_text else ""

    def template(row, col):
        # keep the row label (e.g. "Beijing 2016") when only the column moved
        return (f"{describe_column(j, names, what, col_word, letter_at=col)} {found_text} in "
                f"{describe_row(row, index if row == i else None, None, row_word)}{needed_text}")

    msg = template(i, j)
    indicator = names[j] if names is not None else None
    return InputError(msg, indicator=indicator, column=j, row=i, found=found,
                      needed=needed, template=template)


def _describe_bad_cell(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return f"has the logical value {str(bool(value)).upper()}; numbers only"
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in EXCEL_ERRORS:
            return f"has the Excel error {text.upper()}; numbers only"
        if text == "":
            return "is blank"
        _, kind = number_from_text(value)
        if kind == "percent":
            return f'has the percent text "{text}"; {percent_fix(text)}'
        return f'has text "{value}"; numbers only'
    return f"has {type(value).__name__} value {value!r}; numbers only"


def _is_number(v) -> bool:
    return (isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))) or v is None


def _cell_to_float(v) -> float:
    if v is None:
        return np.nan
    return float(v)


def _from_objects(obj: np.ndarray, names, index, what, row_word, col_word,
                  as_text: list | None = None) -> np.ndarray:
    """Convert an object array cell by cell, refusing the first non-number. Numbers stored
    as text ("6.3", "226,113", "６．３") are read as numbers and listed in ``as_text`` as
    (row, column, text) so the caller can warn; percent text is refused."""
    m, n = obj.shape
    if set(map(type, obj.ravel().tolist())) <= {float, int, type(None)}:
        return obj.astype(float)   # only numbers and blanks (None → NaN): no cell to refuse
    out = np.empty((m, n), dtype=float)
    for i in range(m):
        row = obj[i]
        for j in range(n):
            v = row[j]
            if isinstance(v, str):
                x, kind = number_from_text(v)
                if kind == "number":
                    out[i, j] = x
                    if as_text is not None:
                        as_text.append((i, j, v))
                    continue
                if _normal_text(v) == "":
                    v = None
            if not _is_number(v):
                raise _place_error(_describe_bad_cell(v), i, j, names, index,
                                   what, found=v, needed="a number", row_word=row_word,
                                   col_word=col_word)
            out[i, j] = _cell_to_float(v)
    return out


def as_matrix(X, *, what: str = "data", names=None, missing: str = "refuse",
              min_rows: int = 1, min_cols: int = 1, one_d: str = "column",
              row_word: str = "row", col_word: str = "indicator") -> Matrix:
    """Check and convert ``X``; refuse text, blanks (unless dropped) and infinities.

    A :class:`Matrix` is passed through as it is (already checked), so a pipeline can run
    several methods on one checked matrix with its column minima / maxima computed once."""
    if isinstance(X, Matrix):
        m, n = X.shape
        if m < min_rows:
            raise InputError(f"{X.what} has {m} {X.row_word}{'s' if m != 1 else ''}; at least "
                             f"{min_rows} {X.row_word}s (observations) are needed")
        return X
    if missing not in MISSING_MODES:
        raise InputError(f'missing="{missing}" is not an option; {MISSING_HELP}')
    index = None
    labelled = False
    as_text: list = []
    if isinstance(X, pd.Series):
        X = X.to_frame() if one_d == "column" else X.to_frame().T
    if isinstance(X, pd.DataFrame):
        labelled = True
        index = X.index
        if names is None:
            names = [str(c) for c in X.columns]
        values = _frame_values(X, names, index, what, row_word, col_word, as_text)
    else:
        values = _array_values(X, names, what, row_word, col_word, as_text)
        if values.ndim == 1:
            values = values[:, None] if one_d == "column" else values[None, :]
    if values.ndim != 2:
        raise InputError(f"{what} must be a table (rows × columns); got {values.ndim} dimensions")
    m, n = values.shape
    if names is not None and len(names) != n:
        raise InputError(f"{len(names)} names given for {n} columns of {what}")
    mat = Matrix(values=values, names=list(names) if names is not None else None,
                 index=index, what=what, row_word=row_word, col_word=col_word,
                 labelled=labelled)
    if labelled:
        mat.sheet, mat.letters, mat.row_numbers = sheet_origin(X, values.shape[0], mat.names)
    if as_text:
        warn_text_numbers(mat, as_text)
    _check_finite(mat, missing)
    m, n = mat.values.shape
    if n < min_cols:
        raise InputError(f"{what} has {n} {col_word} column{'s' if n != 1 else ''}; "
                         f"at least {min_cols} needed")
    if m < min_rows:
        raise InputError(f"{what} has {m} {row_word}{'s' if m != 1 else ''}; at least "
                         f"{min_rows} {row_word}s (observations) are needed")
    return mat


def _frame_values(df: pd.DataFrame, names, index, what, row_word, col_word,
                  as_text=None) -> np.ndarray:
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
           for t in df.dtypes):
        return df.to_numpy(dtype=float, na_value=np.nan)
    obj = df.astype(object).to_numpy()
    # pandas missing markers (pd.NA, NaT) count as blanks
    obj = np.where(pd.isna(obj), None, obj)
    return _from_objects(obj, names, index, what, row_word, col_word, as_text)


def _array_values(X, names, what, row_word, col_word, as_text=None) -> np.ndarray:
    if isinstance(X, np.ndarray) and X.dtype.kind in "fiu":
        return np.asarray(X, dtype=float)
    if isinstance(X, np.ndarray) and X.dtype.kind == "b":
        X = X.astype(object)
    if not isinstance(X, np.ndarray):
        if isinstance(X, (list, tuple)) and X and all(isinstance(r, (list, tuple, np.ndarray)) for r in X):
            lengths = [len(r) for r in X]
            if len(set(lengths)) > 1:
                bad = next(i for i, k in enumerate(lengths) if k != lengths[0])
                raise InputError(f"{what}: {row_word} {bad + 1} has {lengths[bad]} values but "
                                 f"{row_word} 1 has {lengths[0]}; every {row_word} needs the same number")
        try:
            arr = np.array(X, dtype=object)
        except Exception as exc:  # pragma: no cover - numpy refuses odd nesting
            raise InputError(f"{what} is not a table of numbers ({exc})") from None
        if arr.ndim == 0:
            arr = arr.reshape(1, 1)
    else:
        arr = X
    if arr.dtype.kind in "fiu":
        return arr.astype(float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise InputError(f"{what} must be a table (rows × columns); got {arr.ndim} dimensions")
    out = _from_objects(arr, names, None, what, row_word, col_word, as_text)
    return out


SHOWN_CELLS = 3      # cells named in one warning line; the rest are counted


def warn_text_numbers(mat: Matrix, cells: list) -> None:
    """One warning per column of numbers stored as text that were read as numbers."""
    by_col: dict = {}
    for i, j, text in cells:
        by_col.setdefault(j, []).append((i, text))
    for j, hits in by_col.items():
        shown = ", ".join(f'"{t.strip()}" at {mat.place(i, j)}' for i, t in hits[:SHOWN_CELLS])
        more = f" and {len(hits) - SHOWN_CELLS} more" if len(hits) > SHOWN_CELLS else ""
        warn(f"{mat.col(j)}: {len(hits)} number{'s' if len(hits) != 1 else ''} stored as text "
             f"read as number{'s' if len(hits) != 1 else ''}: {shown}{more}; retype them as "
             f"numbers (or use Data > Text to Columns) to silence this warning")


def interpolate_panel(values: np.ndarray, regions, years):
    """Fill blanks (NaN) by linear interpolation over the years of the same region, column by
    column: x(y) = x(y₀) + (x(y₁) − x(y₀))·(y − y₀)/(y₁ − y₀) between the nearest known years
    y₀ < y < y₁ (numpy.interp on the year values, so uneven year steps count). Blanks before
    a region's first or after its last known year are not extrapolated (left NaN).
    Returns (filled copy, [(row, column, value)] of the cells filled)."""
    out = np.array(values, dtype=float, copy=True)
    regions = np.asarray([str(r) for r in regions], dtype=object)
    years = np.asarray(years, dtype=float)
    filled = []
    for region in dict.fromkeys(regions):
        rows = np.flatnonzero(regions == region)
        rows = rows[np.argsort(years[rows], kind="stable")]
        y = years[rows]
        for j in np.flatnonzero(np.isnan(out[rows]).any(axis=0)):
            col = out[rows, j]
            known = ~np.isnan(col)
            if known.sum() < 2:
                continue
            lo, hi = y[known].min(), y[known].max()
            inner = ~known & (y > lo) & (y < hi)
            if inner.any():
                col[inner] = np.interp(y[inner], y[known], col[known])
                out[rows, j] = col
                filled += [(int(rows[k]), int(j), float(col[k])) for k in np.flatnonzero(inner)]
    return out, sorted(filled)


def _interpolate(mat: Matrix) -> None:
    """missing="interpolate": needs the (region, year) rows of a panel."""
    index = mat.index
    if not isinstance(index, pd.MultiIndex) or index.nlevels < 2:
        raise InputError(f'missing="interpolate" needs a region × year panel (a DataFrame indexed by '
                         f'region and year, or the workflows with region and year columns); '
                         f'{mat.what} has none: use missing="drop" or fill the blanks')
    years = [parse_year(y) for y in index.get_level_values(-1)]
    if any(y is None for y in years):
        k = next(k for k, y in enumerate(years) if y is None)
        raise InputError(f'missing="interpolate": the year "{index.get_level_values(-1)[k]}" of '
                         f"{mat.row(k)} is not a year number")
    values, filled = interpolate_panel(mat.values, index.get_level_values(0), years)
    if filled:
        by_col: dict = {}
        for i, j, x in filled:
            by_col.setdefault(j, []).append((i, x))
        for j, hits in by_col.items():
            shown = ", ".join(f"{mat.place(i, j)} = {x:.6g}" for i, x in hits[:SHOWN_CELLS])
            more = f" and {len(hits) - SHOWN_CELLS} more" if len(hits) > SHOWN_CELLS else ""
            warn(f"{mat.col(j)}: {len(hits)} blank{'s' if len(hits) != 1 else ''} filled by linear "
                 f"interpolation over the years of the same region: {shown}{more}")
    mat.values = values


def _check_finite(mat: Matrix, missing: str) -> None:
    v = mat.values
    if v.size == 0:
        return
    # one blocked pass: column min/max are finite unless a NaN or infinity is there, and the
    # standardisation reuses them
    lo, hi = column_min_max(v)
    if np.isfinite(lo).all() and np.isfinite(hi).all():
        mat.extra["min_max"] = (lo, hi)
        return
    bad = ~np.isfinite(v)
    inf_cells = np.argwhere(np.isinf(v))
    if len(inf_cells):
        i, j = inf_cells[0]
        raise mat.error("has an infinite value", int(i), int(j),
                        found=float(v[i, j]), needed="a finite number")
    if missing == "refuse":
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise mat.error('is blank; fill it or choose missing="drop" or "interpolate"', i, j,
                        found=None, needed="a number")
    why = "with blanks left out"
    if missing == "interpolate":
        _interpolate(mat)
        v = mat.values
        bad = ~np.isfinite(v)
        if not bad.any():
            return
        why = ("with blanks that cannot be interpolated (before the region's first or after its "
               "last known year: not extrapolated) left out")
    rows_bad = bad.any(axis=1)
    kept = np.flatnonzero(~rows_bad)
    dropped = np.flatnonzero(rows_bad)

    def blank_in(i):   # 'Data row 7 (Beijing 2016): Data!E7 "income" blank'
        j = int(np.flatnonzero(bad[i])[0])
        name = f' "{mat.names[j]}"' if mat.names else ""
        where = mat.cell(i, j) or f"column {mat.letters[j] if mat.letters else column_letter(j)}"
        return f"{mat.row(i)}: {where}{name} blank"
    shown = ", ".join(blank_in(int(i)) for i in dropped[:10])
    more = f" and {len(dropped) - 10} more" if len(dropped) > 10 else ""
    warn(f"{len(dropped)} {mat.row_word}(s) of {mat.what} {why}: {shown}{more}")
    mat.values = v[kept]
    mat.kept_rows = kept
    if mat.index is not None:
        mat.index = mat.index[kept]


# ---------------------------------------------------------------- directions

_BENEFIT = {"+", "1", "+1", "benefit", "positive", "正", "正向", "max", "larger",
            "＋", "b", "pos",
            # as analysts and statistical yearbooks write them
            "正向指标", "正指标", "效益型", "效益型指标", "越大越好", "极大型", "极大型指标",
            "larger is better", "higher is better", "larger-the-better",
            "正向型", "正向型指标", "越高越好", "效益", "收益型", "收益型指标", "效益指标", "正",
            "benefit type", "benefit-type", "benefit indicator", "positive indicator",
            "larger-is-better", "higher-is-better", "the larger the better", "the higher the better",
            "more is better", "max is best"}
_COST = {"-", "-1", "cost", "negative", "负", "负向", "逆向", "min", "smaller",
         "−", "－", "–", "c", "neg",
         "负向指标", "逆向指标", "负指标", "成本型", "成本型指标", "越小越好", "极小型",
         "极小型指标", "smaller is better", "lower is better", "smaller-the-better",
         "负向型", "负向型指标", "逆向型", "逆向型指标", "逆指标", "越低越好", "成本", "成本指标",
         "损耗型", "cost type", "cost-type", "cost indicator", "negative indicator",
         "smaller-is-better", "lower-is-better", "the smaller the better", "the lower the better",
         "less is better", "min is best"}


def direction_code(value) -> int | None:
    """+1 for a benefit spelling, -1 for a cost spelling, None if unknown."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, numbers.Real):
        if value == 1:
            return 1
        if value == -1:
            return -1
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _BENEFIT:
            return 1
        if text in _COST:
            return -1
        # full-width letters / signs, 正向指标（+）: compared once more after NFKC
        text = " ".join(_normal_text(value).lower().split())
        if text in _BENEFIT:
            return 1
        if text in _COST:
            return -1
    return None


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_MIDDLE_WORDS = ("middle", "mid", "moderate", "中间型", "中间", "适度型", "适度")
_INTERVAL_WORDS = ("interval", "range", "区间型", "区间")
_RANGE_RE = re.compile(rf"^\s*({_NUMBER})\s*(?:-|~|～|—|–|−|,|，|、|to|至|到)\s*({_NUMBER})\s*$")
_ONE_RE = re.compile(rf"^\s*({_NUMBER})\s*$")


@dataclass(frozen=True)
class Direction:
    """One indicator type: ``benefit`` / ``cost`` (code +1 / -1), ``middle`` (best value) or
    ``interval`` (ideal band [a, b])."""

    kind: str
    best: float | None = None
    a: float | None = None
    b: float | None = None

    @property
    def code(self) -> int:
        return -1 if self.kind == "cost" else 1

    @property
    def positivised(self) -> bool:
        return self.kind in ("middle", "interval")

    def __str__(self) -> str:
        if self.kind == "middle":
            return f"middle {self.best:g}"
        if self.kind == "interval":
            return f"interval {self.a:g}-{self.b:g}"
        return "+" if self.kind == "benefit" else "-"


BENEFIT = Direction("benefit")
COST = Direction("cost")


def _direction_words(text: str, words) -> str | None:
    """The rest of ``text`` after one of ``words`` (and an optional ':' or '='), else None."""
    low = text.strip().lower()
    for word in words:
        if low.startswith(word):
            rest = text.strip()[len(word):].strip()
            rest = rest.lstrip(":：=").strip().strip("[]()（）【】").strip()
            return rest
    return None


def direction_spec(value) -> Direction | None:
    """A :class:`Direction` from any accepted spelling, or None if not understood.

    Spellings: + - 1 -1 benefit cost positive negative 正向 负向 逆向 …;
    ``("middle", 7)`` / ``"middle 7"`` / ``"中间型 7"`` (best value 7);
    ``("interval", 10, 20)`` / ``"interval 10-20"`` / ``"区间型 10-20"`` (ideal band).
    """
    if isinstance(value, Direction):
        return value
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], str):
        kind = value[0].strip().lower()
        nums = list(value[1:])
        try:
            nums = [float(v) for v in nums]
        except (TypeError, ValueError):
            return None
        if not all(np.isfinite(nums)):
            return None
        if _direction_words(kind, _MIDDLE_WORDS) == "" and len(nums) == 1:
            return Direction("middle", best=nums[0])
        if _direction_words(kind, _INTERVAL_WORDS) == "" and len(nums) == 2 and nums[0] <= nums[1]:
            return Direction("interval", a=nums[0], b=nums[1])
        return None
    code = direction_code(value)
    if code is not None:
        return BENEFIT if code > 0 else COST
    if isinstance(value, str):
        rest = _direction_words(value, _MIDDLE_WORDS)
        if rest is not None:
            m = _ONE_RE.match(rest)
            return Direction("middle", best=float(m.group(1))) if m else None
        rest = _direction_words(value, _INTERVAL_WORDS)
        if rest is not None:
            m = _RANGE_RE.match(rest)
            if m and float(m.group(1)) <= float(m.group(2)):
                return Direction("interval", a=float(m.group(1)), b=float(m.group(2)))
    return None


DIRECTION_HELP = ("use + or - (also 1/-1, benefit/cost, 正向/负向), middle 7 (中间型 7: best "
                  "value 7) or interval 10-20 (区间型 10-20: ideal band)")


def parse_direction_specs(directions, n: int, names=None) -> list:
    """One :class:`Direction` per indicator (benefit when ``directions`` is None)."""
    if directions is None:
        return [BENEFIT] * n
    if isinstance(directions, pd.Series) and names is not None and \
            set(map(str, directions.index)) >= set(map(str, names)):
        directions = [directions[str(k)] if str(k) in directions.index else directions[k]
                      for k in names]
    elif isinstance(directions, (pd.Series, pd.DataFrame)):
        directions = np.asarray(directions, dtype=object).ravel().tolist()
    elif isinstance(directions, str):
        directions = [directions] if n == 1 else _split_direction_string(directions)
    elif isinstance(directions, (numbers.Real, Direction)):
        directions = [directions]
    elif isinstance(directions, tuple) and directions and isinstance(directions[0], str) \
            and n == 1 and _direction_words(directions[0], _MIDDLE_WORDS + _INTERVAL_WORDS) == "":
        directions = [directions]     # ("middle", 7) for a single indicator
    else:
        directions = (list(directions) if isinstance(directions, (list, tuple))
                      else np.asarray(directions, dtype=object).ravel().tolist())
    if len(directions) != n:
        raise InputError(f"{len(directions)} direction{'s' if len(directions) != 1 else ''} "
                         f"given for {n} indicator{'s' if n != 1 else ''}; one per indicator needed")
    out = []
    for j, d in enumerate(directions):
        spec = direction_spec(d)
        if spec is None:
            shown = d if not isinstance(d, (tuple, list)) else ", ".join(map(str, d))
            raise InputError(f'direction "{shown}" for {describe_column(j, names, "data")} is not '
                             f"understood; {DIRECTION_HELP}",
                             indicator=names[j] if names else None, column=j, found=d,
                             needed="+ or -")
        out.append(spec)
    return out


def parse_directions(directions, n: int, names=None) -> np.ndarray:
    """Directions as an int array of +1 / -1, one per indicator (benefit and cost only;
    middle and interval types need the data: see :func:`resolve_directions`)."""
    specs = parse_direction_specs(directions, n, names)
    for j, s in enumerate(specs):
        if s.positivised:
            raise InputError(f'direction "{s}" for {describe_column(j, names, "data")} needs the '
                             f"data to be positivised first; only + or - can be used here",
                             indicator=names[j] if names else None, column=j, found=str(s),
                             needed="+ or -")
    return np.array([s.code for s in specs], dtype=np.int8)


def positivize_column(x: np.ndarray, spec: Direction, col_min=None, col_max=None) -> np.ndarray:
    """Positivise one column (larger is better afterwards); see :func:`positivize`."""
    lo = float(np.min(x)) if col_min is None else float(col_min)
    hi = float(np.max(x)) if col_max is None else float(col_max)
    if spec.kind == "cost":
        return hi - x
    if spec.kind == "middle":
        dev = np.abs(x - spec.best)
        top = float(dev.max())
        if top == 0:
            return np.ones_like(x, dtype=float)
        return 1.0 - dev / top
    if spec.kind == "interval":
        span = max(spec.a - lo, hi - spec.b, 0.0)
        if span == 0:
            return np.ones_like(x, dtype=float)
        return 1.0 - (np.clip(spec.a - x, 0, None) + np.clip(x - spec.b, 0, None)) / span
    return np.asarray(x, dtype=float)


def resolve_directions(mat: "Matrix", directions) -> np.ndarray:
    """Parse ``directions``; positivise middle and interval columns of ``mat`` in place (on a
    copy of its values) and return +1 / -1 codes (positivised columns become +1)."""
    n = mat.shape[1]
    specs = parse_direction_specs(directions, n, mat.names)
    codes = np.array([s.code for s in specs], dtype=np.int8)
    if any(s.positivised for s in specs):
        values = np.array(mat.values, dtype=float, copy=True)
        lo, hi = mat.column_min_max()
        for j, s in enumerate(specs):
            if s.positivised:
                values[:, j] = positivize_column(values[:, j], s, lo[j], hi[j])
        mat.values = values
        mat.extra.pop("min_max", None)
        mat.extra["positivise"] = (specs, lo, hi)
    return codes


def _split_direction_string(text: str) -> list:
    """'++-+' or '+,+,-' or '正向 负向' -> list of spellings; with middle/interval words
    ('middle 7; +; interval 10-20') only ';', '；' and '|' separate."""
    low = text.lower()
    if any(w in low for w in _MIDDLE_WORDS + _INTERVAL_WORDS):
        return [p.strip() for p in text.replace("；", ";").replace("|", ";").split(";")
                if p.strip()]
    for sep in (",", ";", " ", "，"):
        if sep in text.strip():
            return [p for p in text.replace("，", ",").replace(sep, ",").split(",") if p.strip()]
    if all(ch in "+-−－＋" for ch in text):
        return list(text)
    return [text]


def direction_symbol(code) -> str:
    return "+" if code > 0 else "-"


# ---------------------------------------------------------------- weights

WEIGHT_SUM_TOLERANCE = 1e-3  # rounded published weights (4 decimals) may sum to 0.9999


def parse_weights(weights, n: int, names=None, *, what: str = "weights") -> np.ndarray:
    """One non-negative weight per column, summing to 1 (rounding tolerated)."""
    if isinstance(weights, pd.Series) and names is not None and \
            set(map(str, weights.index)) >= set(map(str, names)):
        weights = [weights[k] for k in names]
    if hasattr(weights, "w") and not isinstance(weights, (np.ndarray, list, tuple)):
        weights = weights.w  # a weights result object
        if isinstance(weights, pd.Series) and names is not None and \
                set(map(str, weights.index)) >= set(map(str, names)):
            weights = [weights[k] for k in names]
    arr = np.asarray(weights, dtype=object).ravel()
    if len(arr) != n:
        raise InputError(f"{len(arr)} {what} given for {n} indicator{'s' if n != 1 else ''}; "
                         f"one per indicator needed")
    out = np.empty(n, dtype=float)
    for j, v in enumerate(arr):
        if not _is_number(v) or v is None or not np.isfinite(float(v)):
            shown = "blank" if v is None or (isinstance(v, float) and np.isnan(v)) else f'"{v}"'
            raise InputError(f"{what[:-1] if what.endswith('s') else what} for "
                             f"{describe_column(j, names, 'data')} is {shown}; a number ≥ 0 needed",
                             indicator=names[j] if names else None, column=j, found=v)
        out[j] = float(v)
        if out[j] < 0:
            raise InputError(f"{what[:-1] if what.endswith('s') else what} for "
                             f"{describe_column(j, names, 'data')} is {out[j]:g}; weights must be ≥ 0",
                             indicator=names[j] if names else None, column=j, found=out[j])
    total = out.sum()
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise InputError(f"{what} sum to {total:.6g}; they must sum to 1")
    if total != 1.0:
        out = out / total
    return out
