"""Standardisation (METHODS.md §1), computed in row blocks.

A :class:`Standardizer` is fitted from one pass of column statistics and then
applied block by block, so entropy weights and TOPSIS on a million rows never
build a full-size standardised copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._matrix import BLOCK_ROWS, Matrix, as_matrix, column_min_max, parse_directions, row_blocks  # noqa: F401
from ..errors import InputError, warn
from ._results import wrap_matrix

METHODS = ("minmax", "max", "vector", "share", "interval", "none")


@dataclass
class Standardizer:
    """z = scale * x + offset per column, except ``max`` on cost columns (z = min / x)."""

    method: str
    scale: np.ndarray
    offset: np.ndarray
    reciprocal: np.ndarray            # columns where z = numerator / x
    numerator: np.ndarray
    interval: list | None = None      # per column (a, b, M) for the interval method
    constant: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    col_min: np.ndarray | None = None
    col_max: np.ndarray | None = None

    def apply(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Standardise a block of rows (any number of rows, all columns)."""
        if out is None:
            out = np.empty_like(x, dtype=float)
        if self.interval is not None:
            return self._apply_interval(x, out)
        np.multiply(x, self.scale, out=out)
        out += self.offset
        if self.reciprocal.any():
            cols = self.reciprocal
            out[:, cols] = self.numerator[cols] / x[:, cols]
        return out

    def _apply_interval(self, x, out):
        for j, spec in enumerate(self.interval):
            col = x[:, j]
            if spec is None:
                out[:, j] = col * self.scale[j] + self.offset[j]
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
        if self.method == "vector":
            # vector keeps the original orientation: cost columns are best at their minimum
            best = np.where(directions > 0, hi, lo)
            worst = np.where(directions > 0, lo, hi)
        elif self.method == "interval":
            best = np.full_like(lo, np.nan)
            worst = np.full_like(lo, np.nan)
        else:
            best, worst = np.maximum(lo, hi), np.minimum(lo, hi)
        return best, worst


def fit_standardizer(mat: Matrix, directions: np.ndarray, method: str = "minmax",
                     shift: float = 0.0, interval=None, *, col_min=None, col_max=None,
                     warn_constant: bool = True) -> Standardizer:
    """Column parameters of a standardisation over all rows of ``mat``."""
    if method not in METHODS:
        raise InputError(f'method "{method}" is not known; use one of {", ".join(METHODS[:-1])}')
    if not np.isfinite(shift) or shift < 0:
        raise InputError(f"shift is {shift}; it must be a number ≥ 0 (paper 000 uses 1)")
    X = mat.values
    m, n = X.shape
    if col_min is None or col_max is None:
        col_min, col_max = mat.column_min_max()
    scale = np.ones(n)
    offset = np.zeros(n)
    reciprocal = np.zeros(n, dtype=bool)
    numerator = np.zeros(n)
    constant = col_max == col_min
    spec_interval = None

    if method in ("minmax", "interval"):
        rng = np.where(constant, 1.0, col_max - col_min)
        scale = np.where(directions > 0, 1.0, -1.0) / rng
        offset = np.where(directions > 0, -col_min, col_max) / rng + shift
        # a constant column standardises to 1 (+ shift): entropy 1, weight 0
        scale = np.where(constant, 0.0, scale)
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
        benefit = directions > 0
        zero_col = benefit & (col_max == 0)
        scale = np.where(benefit, 1.0 / np.where(col_max == 0, 1.0, col_max), 0.0)
        scale = np.where(zero_col, 0.0, scale)
        offset = np.where(zero_col, 1.0, 0.0)
        reciprocal = ~benefit & ~constant
        numerator = np.where(reciprocal, col_min, 0.0)
        scale = np.where(~benefit & constant, 0.0, scale)
        offset = np.where(~benefit & constant, 1.0, offset)
    elif method == "vector":
        norms = np.sqrt(_column_sum_squares(X))
        zero = norms == 0
        scale = np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, norms))
    elif method == "share":
        for j in range(n):
            if col_min[j] < 0:
                i = int(np.argmin(X[:, j]))
                raise mat.error(f"has the negative value {X[i, j]:g}; method \"share\" (x / Σx) "
                                f"needs values ≥ 0", i, j, found=X[i, j], needed="≥ 0")
        sums = X.sum(axis=0)
        zero = sums == 0
        scale = np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, sums))
        offset = np.where(zero, 1.0 / m, 0.0)
        if (directions < 0).any():
            names = ", ".join(mat.col(j) for j in np.flatnonzero(directions < 0))
            warn(f'method "share" uses raw proportions and ignores directions; cost direction '
                 f"not applied to {names}")
    # method "none": the data are already standardised, identity transform

    if warn_constant and constant.any() and method != "none":
        names = ", ".join(mat.col(j) for j in np.flatnonzero(constant))
        warn(f"{names} is the same in every row (constant): it cannot separate observations "
             f"and gets entropy 1, weight 0")
    return Standardizer(method=method, scale=scale, offset=offset, reciprocal=reciprocal,
                        numerator=numerator, interval=spec_interval, constant=constant,
                        col_min=col_min, col_max=col_max)


def _column_sum_squares(X):
    m, n = X.shape
    total = np.zeros(n)
    for a, b in row_blocks(m):
        blk = X[a:b]
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
    """Standardise the columns of ``X`` (METHODS.md §1).

    method: ``minmax`` (x−min)/(max−min)+shift, cost (max−x)/(max−min)+shift;
    ``max`` x/max, cost min/x; ``vector`` x/√Σx²; ``share`` x/Σx (directions
    ignored); ``interval`` 1 inside [a, b], falling linearly to 0 at the
    farthest observed value outside. A constant column becomes 1 (+ shift)
    with a warning. Returns an array, or a DataFrame with the labels of ``X``.
    """
    mat = as_matrix(X, missing=missing)
    dirs = parse_directions(directions, mat.shape[1], mat.names)
    std = fit_standardizer(mat, dirs, method, shift, interval)
    return wrap_matrix(std.apply(mat.values), mat)
