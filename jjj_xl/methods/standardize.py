"""Standardisation (METHODS.md §1), computed in row blocks.

A :class:`Standardizer` is fitted from one pass of column statistics and then
applied block by block, so entropy weights and TOPSIS on a million rows never
build a full-size standardised copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ._matrix import (BLOCK_ROWS, wide_blocks, Matrix, as_matrix, column_min_max, parse_direction_specs,  # noqa: F401
                      parse_directions, positivize_column, resolve_directions, row_blocks)
from ..errors import InputError, warn
from ._results import wrap_matrix

METHODS = ("minmax", "max", "vector", "share", "zscore", "interval", "none")
# methods whose standardised value keeps the data's orientation (a cost column is still
# "smaller is better" afterwards, so TOPSIS takes its minimum as the ideal)
ORIENTATION_KEPT = ("vector", "share", "none")
# a column whose largest |x| is outside [2^-500, 2^500] is first scaled by a power of two
# (exact), so sums of squares, sums and ranges neither overflow nor underflow
_SAFE = 2.0 ** 500


@dataclass
class Standardizer:
    """z = (x·pre − center − center2) / div + offset per column; ``max`` on cost columns
    z = numerator / x instead.

    ``pre`` (a power of two per column, or None) keeps huge or tiny columns in range;
    ``div`` is ∞ for a column that standardises to a constant (``offset``). Min-max
    endpoints are exact: the row at the column minimum gets 0 and at the maximum 1
    (+ shift), because (max − min)/(max − min) = 1 in floating point.
    """

    method: str
    center: np.ndarray
    div: np.ndarray
    offset: np.ndarray
    reciprocal: np.ndarray            # columns where z = numerator / x
    numerator: np.ndarray
    pre: np.ndarray | None = None
    center2: np.ndarray | None = None
    interval: list | None = None      # per column (a, b, M, shift) for the interval method
    constant: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    col_min: np.ndarray | None = None
    col_max: np.ndarray | None = None
    inv: np.ndarray | None = None     # 1/div: multiply instead of divide (fast, not exact)

    def apply(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Standardise a block of rows (any number of rows, all columns)."""
        if out is None:
            out = np.empty_like(x, dtype=float)
        if self.interval is not None:
            return self._apply_interval(x, out)
        src = x
        if self.pre is not None:
            np.multiply(x, self.pre, out=out)
            src = out
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if self.center.any():
                np.subtract(src, self.center, out=out)
                src = out
            if self.center2 is not None:
                np.subtract(src, self.center2, out=out)
                src = out
            if self.inv is not None:
                np.multiply(src, self.inv, out=out)
            else:
                np.divide(src, self.div, out=out)
            if self.offset.any():
                out += self.offset
            elif self.inv is None and self.center.any():
                out += 0.0   # -0.0 (cost column at its maximum) becomes 0.0
            if self.reciprocal.any():
                cols = self.reciprocal
                out[:, cols] = self.numerator[cols] / x[:, cols]
        return out

    def weighted(self, mult: np.ndarray) -> "Standardizer":
        """The same standardisation times ``mult`` per column (weights folded in), computed
        with a multiplication (the endpoints may then be off by an ulp: fine for distances
        and entropy, which is what it is for)."""
        with np.errstate(divide="ignore"):
            div = np.where(mult == 0, np.inf, self.div / np.where(mult == 0, 1.0, mult))
        return replace(self, div=div, inv=1.0 / div, offset=self.offset * mult,
                       numerator=self.numerator * mult)

    def tiled(self, k: int) -> "Standardizer":
        """The same standardisation for k rows laid side by side (k·n columns)."""
        if k == 1:
            return self
        if self.interval is not None:
            raise ValueError("interval standardisation cannot be tiled")
        t = (lambda a: None if a is None else np.tile(a, k))
        return replace(self, center=t(self.center), center2=t(self.center2), div=t(self.div),
                       inv=t(self.inv), offset=t(self.offset), reciprocal=t(self.reciprocal),
                       numerator=t(self.numerator), pre=t(self.pre), constant=t(self.constant))

    def fast(self) -> "Standardizer":
        """Multiply by 1/div instead of dividing (≤ 1 ulp different; not for outputs that
        promise exact endpoints)."""
        return replace(self, inv=1.0 / self.div)

    def _apply_interval(self, x, out):
        for j, spec in enumerate(self.interval):
            col = x[:, j]
            if spec is None:
                out[:, j] = (col - self.center[j]) / self.div[j] + self.offset[j]
                continue
            a, b, span, shift = spec
            if span == 0:
                out[:, j] = 1.0 + shift
                continue
            below = np.clip(a - col, 0, None)
            above = np.clip(col - b, 0, None)
            out[:, j] = 1.0 - (below + above) / span + shift
        return out

    def best_worst(self, directions: np.ndarray):
        """Standardised value of the best and worst observation of each column."""
        lo = self.apply(self.col_min[None, :])[0]
        hi = self.apply(self.col_max[None, :])[0]
        if self.method in ORIENTATION_KEPT:
            # these keep the original orientation: cost columns are best at their minimum
            best = np.where(directions > 0, hi, lo)
            worst = np.where(directions > 0, lo, hi)
        elif self.method == "interval":
            best = np.full_like(lo, np.nan)
            worst = np.full_like(lo, np.nan)
        else:
            best, worst = np.maximum(lo, hi), np.minimum(lo, hi)
        return best, worst


def prescale(col_min: np.ndarray, col_max: np.ndarray):
    """Per-column power of two bringing the largest |x| near 1 where it is outside
    [2^-500, 2^500] (None when no column needs it). Multiplying by it is exact."""
    mag = np.maximum(np.abs(col_min), np.abs(col_max))
    need = (mag > _SAFE) | ((mag < 1.0 / _SAFE) & (mag > 0))
    if not need.any():
        return None
    _, expo = np.frexp(np.where(need, mag, 1.0))
    # at most 2^1000 up (subnormal data), so the factor itself stays finite
    return np.where(need, np.ldexp(1.0, np.minimum(-expo, 1000)), 1.0)


def fit_standardizer(mat: Matrix, directions: np.ndarray, method: str = "minmax",
                     shift: float = 0.0, interval=None, *, col_min=None, col_max=None,
                     warn_constant: bool = True, sumsq=None) -> Standardizer:
    """Column parameters of a standardisation over all rows of ``mat``.

    ``warn_constant``: warn about constant columns in the words of :func:`standardize`
    (callers with their own consequence, e.g. TOPSIS or entropy, pass False and say theirs).
    """
    if method not in METHODS:
        raise InputError(f'method "{method}" is not known; use one of {", ".join(METHODS[:-1])}'
                         f' (or none for data already standardised)')
    if not np.isfinite(shift) or shift < 0:
        raise InputError(f"shift is {shift}; it must be a number ≥ 0 (paper 000 uses 1)")
    X = mat.values
    m, n = X.shape
    if col_min is None or col_max is None:
        col_min, col_max = mat.column_min_max()
    pre = prescale(col_min, col_max) if method not in ("none", "interval") else None
    lo, hi = (col_min, col_max) if pre is None else (col_min * pre, col_max * pre)
    center = np.zeros(n)
    center2 = None
    div = np.ones(n)
    offset = np.zeros(n)
    reciprocal = np.zeros(n, dtype=bool)
    numerator = np.zeros(n)
    constant = col_max == col_min
    spec_interval = None
    benefit = directions > 0

    if method in ("minmax", "interval"):
        # (x − min)/(max − min) and (x − max)/(min − max): subtract first (exact near the
        # endpoints, so a shift of the data by 1e15 changes nothing), then divide
        center = np.where(benefit, lo, hi)
        div = np.where(benefit, hi - lo, lo - hi)
        offset = np.full(n, float(shift))
        # a constant column standardises to 1 (+ shift): entropy 1, weight 0
        center = np.where(constant, 0.0, center)
        div = np.where(constant, np.inf, div)
        offset = np.where(constant, 1.0 + shift, offset)
        if method == "interval":
            spec_interval = _interval_specs(mat, interval, col_min, col_max, shift)
    elif method == "max":
        for j in range(n):
            if col_min[j] < 0:
                i = int(np.argmin(X[:, j]))
                raise mat.error(f"has the negative value {X[i, j]:g}; method \"max\" needs values ≥ 0",
                                i, j, found=X[i, j], needed="≥ 0")
            if directions[j] < 0 and col_min[j] == 0:
                i = int(np.argmin(X[:, j]))
                raise mat.error("is 0; the cost formula min/x of method \"max\" needs values > 0",
                                i, j, found=0.0, needed="> 0")
        zero_col = benefit & (col_max == 0)
        div = np.where(benefit & ~zero_col, hi, np.inf)
        offset = np.where(zero_col | (~benefit & constant), 1.0, 0.0)
        reciprocal = ~benefit & ~constant
        numerator = np.where(reciprocal, col_min, 0.0)   # min / x in data units
    elif method == "vector":
        # Σx² may come from an earlier pass over the same data (entropy + TOPSIS)
        norms = np.sqrt(sumsq if sumsq is not None and pre is None
                        else _column_sum_squares(X, pre))
        div = np.where(norms == 0, np.inf, norms)
    elif method == "share":
        for j in range(n):
            if col_min[j] < 0:
                i = int(np.argmin(X[:, j]))
                raise mat.error(f"has the negative value {X[i, j]:g}; method \"share\" (x / Σx) "
                                f"needs values ≥ 0", i, j, found=X[i, j], needed="≥ 0")
        sums = _column_sums(X, pre)
        zero = sums == 0
        div = np.where(zero, np.inf, sums)
        offset = np.where(zero, 1.0 / m, 0.0)
    elif method == "zscore":
        if m < 2:
            raise InputError("method \"zscore\" needs at least 2 rows (sample standard deviation)")
        # centred on the minimum first (exact), so a shift of the data changes nothing
        center = lo.copy()
        mean_d = _column_sums(X, pre, lo) / m
        sd = np.sqrt(_column_sum_squares(X, pre, lo, mean_d) / (m - 1))
        center2 = np.where(constant, 0.0, mean_d)
        center = np.where(constant, 0.0, center)
        div = np.where(constant | (sd == 0), np.inf, np.where(benefit, sd, -sd))
    # method "none": the data are already standardised, identity transform

    if warn_constant and constant.any() and method != "none":
        names = ", ".join(mat.col(j) for j in np.flatnonzero(constant))
        becomes = {"minmax": f"{1 + shift:g}", "interval": f"{1 + shift:g}", "max": "1",
                   "zscore": "0", "vector": "x/√Σx²", "share": "1/m"}[method]
        warn(f"{names} is the same in every row (constant): it cannot separate observations; "
             f"standardised it is {becomes} in every row")
    return Standardizer(method=method, center=center, div=div, offset=offset,
                        reciprocal=reciprocal, numerator=numerator, pre=pre, center2=center2,
                        interval=spec_interval, constant=constant, col_min=col_min,
                        col_max=col_max)


def _column_sums(X, pre=None, center=None):
    m, n = X.shape
    total = np.zeros(n)
    for a, b in row_blocks(m):
        blk = X[a:b]
        if pre is not None:
            blk = blk * pre
        if center is not None:
            blk = blk - center
        total += blk.sum(axis=0)
    return total


def _column_sum_squares(X, pre=None, center=None, center2=None):
    m, n = X.shape
    total = np.zeros(n)
    for a, b in row_blocks(m):
        blk = X[a:b]
        if pre is not None:
            blk = blk * pre
        if center is not None:
            blk = blk - center
        if center2 is not None:
            blk = blk - center2
        total += np.einsum("ij,ij->j", blk, blk)
    return total


def _interval_specs(mat: Matrix, interval, col_min, col_max, shift):
    n = mat.values.shape[1]
    if interval is None:
        raise InputError('method "interval" needs interval=(a, b): the ideal band of the '
                         "indicator(s), one pair or one pair per indicator")
    pairs = list(interval)
    if len(pairs) == 2 and all(np.isscalar(v) for v in pairs):
        pairs = [tuple(pairs)] * n
    if len(pairs) != n:
        raise InputError(f"{len(pairs)} intervals given for {n} indicators; one (a, b) per "
                         f"indicator needed (None keeps min-max for that indicator)")
    specs = []
    for j, pair in enumerate(pairs):
        if pair is None:
            specs.append(None)
            continue
        a, b = (float(v) for v in pair)
        if not a <= b:
            raise mat.column_error(f"has interval ({a:g}, {b:g}); the lower bound must not "
                                   f"exceed the upper", j)
        span = max(a - col_min[j], col_max[j] - b, 0.0)
        specs.append((a, b, span, shift))
    return specs


def standardize(X, directions=None, method: str = "minmax", shift: float = 0.0,
                interval=None, *, missing: str = "refuse"):
    """Standardise the columns of ``X`` (m × n; METHODS.md §1). Returns m × n.

    method: ``minmax`` (x−min)/(max−min)+shift, cost (max−x)/(max−min)+shift
    (endpoints exactly 0 and 1 + shift); ``max`` x/max, cost min/x; ``vector``
    x/√Σx²; ``share`` x/Σx (directions ignored, with a warning); ``zscore``
    (x − mean)/s with the sample standard deviation s (ddof = 1), cost
    (mean − x)/s; ``interval`` 1 inside [a, b], falling linearly to 0 at the
    farthest observed value outside; ``none`` returns the data.
    ``directions``: + / - (benefit / cost), ``("middle", best)`` / ``"middle 7"``
    / ``"中间型 7"`` or ``("interval", a, b)`` / ``"interval 10-20"`` /
    ``"区间型 10-20"``; middle and interval columns are positivised first
    (:func:`positivize`) and then standardised as benefit columns.
    Invariance: minmax, zscore and interval are unchanged by x → a·x + b (a > 0;
    the band moved with the data); max, vector and share by x → a·x only.
    A constant column becomes a constant (1 + shift for minmax) with a warning.
    Returns an array, or a DataFrame with the labels of ``X``.
    """
    mat = as_matrix(X, missing=missing)
    dirs = resolve_directions(mat, directions)
    std = fit_standardizer(mat, dirs, method, shift, interval)
    if method == "share" and (dirs < 0).any():
        names = ", ".join(mat.col(j) for j in np.flatnonzero(dirs < 0))
        warn(f'method "share" uses raw proportions and ignores directions; cost direction '
             f"not applied to {names}")
    return wrap_matrix(std.apply(mat.values), mat)


def positivize(X, directions, *, missing: str = "refuse"):
    """Positivise the columns of ``X`` (m × n) so that larger is better (正向化).

    benefit: x; cost: max − x; middle (best value x*): 1 − |x − x*| / max|x − x*|;
    interval [a, b]: 1 − (max(a − x, 0) + max(x − b, 0)) / M with
    M = max(a − min, max − b). A middle or interval column with no deviation at all
    becomes 1. Example, middle 7: [5, 7, 8, 9] → [0, 1, 0.5, 0]. Returns an array or a
    DataFrame with the labels of ``X``. (SPSSAU "数据处理 → 生成变量" uses the same
    formulas; in :func:`standardize`, :func:`~jjj_xl.topsis` and the weights, middle and
    interval columns are positivised this way and then standardised, while cost columns
    keep each method's own cost formula.)
    """
    mat = as_matrix(X, missing=missing)
    specs = parse_direction_specs(directions, mat.shape[1], mat.names)
    lo, hi = mat.column_min_max()
    out = np.empty_like(mat.values)
    for j, spec in enumerate(specs):
        out[:, j] = positivize_column(mat.values[:, j], spec, lo[j], hi[j])
    return wrap_matrix(out, mat)
