"""Grey relational analysis (Deng Julong 1982; 邓聚龙《灰色系统基本方法》).

Relational coefficient of series i at point k against a reference x0:
ξ_i(k) = (Δmin + ρ·Δmax) / (Δ_i(k) + ρ·Δmax), Δ_i(k) = |x0(k) − x_i(k)|, with Δmin and
Δmax the two-level minimum and maximum over all i and k, ρ the distinguishing coefficient
(0.5 by default). The relational grade is the (weighted) mean of ξ over k.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._matrix import as_matrix, parse_weights, resolve_directions
from ._results import wrap_columns, wrap_matrix, wrap_rows
from ..errors import InputError, warn
from .standardize import fit_standardizer
from .topsis import rank_desc

GREY_NORMALIZE = ("mean", "initial", "minmax", "none")


@dataclass
class GreyResult:
    grade: object            # one grade per compared series (rows for the grade, columns
    coefficients: object     # for the degree); ξ, same shape as the compared data
    rank: object = None
    notes: dict = field(default_factory=dict)


def _rho(rho) -> float:
    if isinstance(rho, (bool, np.bool_)) or not isinstance(rho, numbers.Real) or \
            not 0 < float(rho) <= 1:
        raise InputError(f"rho is {rho!r}; the distinguishing coefficient must be in (0, 1] "
                         f"(0.5 is usual)")
    return float(rho)


def relational_coefficients(delta: np.ndarray, rho: float = 0.5) -> np.ndarray:
    """ξ = (Δmin + ρΔmax)/(Δ + ρΔmax) with the two-level min and max of |Δ|. All Δ = 0
    (every series equals the reference) gives ξ = 1."""
    dmin = float(delta.min())
    dmax = float(delta.max())
    if dmax == 0:
        return np.ones_like(delta)
    return (dmin + rho * dmax) / (delta + rho * dmax)


def grey_relational_grade(X, directions=None, rho: float = 0.5, weights=None, *,
                          method: str = "minmax", missing: str = "refuse") -> GreyResult:
    """Grey relational grade of each row of ``X`` (m × n) against the ideal row.

    The columns are standardised by ``method`` (``minmax`` by default, cost columns turned
    round, middle / interval directions positivised first; ``none`` for data already
    standardised, larger is better); the reference series is the best value of each column
    (the ideal, 1 under minmax); ξ_ij per the module formula with Δmin, Δmax over all rows
    and columns; grade_i = Σ_j w_j ξ_ij (equal weights 1/n unless ``weights``). Returns
    ``grade`` (m), ``coefficients`` (m × n) and ``rank`` (1 = closest to the ideal).
    Source: Deng (1982); e.g. 刘思峰等《灰色系统理论及其应用》 (grey relational grade with
    the ideal as reference sequence).
    """
    rho = _rho(rho)
    if method not in ("minmax", "none"):
        raise InputError(f'grey method "{method}" is not known; use minmax or none')
    mat = as_matrix(X, missing=missing, min_rows=2)
    m, n = mat.shape
    w = np.full(n, 1.0 / n) if weights is None else parse_weights(weights, n, mat.names)
    dirs = resolve_directions(mat, directions)
    if method == "none":
        if (dirs < 0).any():
            raise InputError('method "none" takes data already standardised (larger is better); '
                             'leave directions out or use method="minmax"')
        R = mat.values
    else:
        std = fit_standardizer(mat, dirs, "minmax", 0.0, warn_constant=False)
        R = std.apply(mat.values)
        if std.constant.any():
            names = ", ".join(mat.col(j) for j in np.flatnonzero(std.constant))
            warn(f"{names} is the same in every row (constant): every row is at its ideal there "
                 f"(coefficient 1 for all rows)")
    ref = R.max(axis=0)
    xi = relational_coefficients(np.abs(ref - R), rho)
    grade = xi @ w
    notes = {"grey relational grade": f"Deng, ρ = {rho:g}, reference = the best of each "
                                      f"column, {'min-max standardised' if method == 'minmax' else 'data as given'}, "
                                      + ("equal weights" if weights is None else "weighted")}
    return GreyResult(grade=wrap_rows(grade, mat, "grade"), coefficients=wrap_matrix(xi, mat),
                      rank=wrap_rows(rank_desc(grade), mat, "rank"), notes=notes)


def _normalise_series(V: np.ndarray, how: str, what, col_name) -> np.ndarray:
    if how == "none":
        return V
    if how == "initial":
        first = V[0]
        if (first == 0).any():
            j = int(np.flatnonzero(first == 0)[0])
            raise InputError(f"{col_name(j)} is 0 in the first row; initial-value "
                             f'normalisation divides by it: use normalize="mean"')
        return V / first
    if how == "mean":
        mean = V.mean(axis=0)
        if (mean == 0).any():
            j = int(np.flatnonzero(mean == 0)[0])
            raise InputError(f'{col_name(j)} has mean 0; mean normalisation divides by it: use '
                             f'normalize="minmax"')
        return V / mean
    lo, hi = V.min(axis=0), V.max(axis=0)
    rng = np.where(hi == lo, np.inf, hi - lo)
    return (V - lo) / rng + np.where(hi == lo, 1.0, 0.0)


def grey_relational_degree(series, reference, rho: float = 0.5, normalize: str = "mean", *,
                           missing: str = "refuse") -> GreyResult:
    """Grey relational degree of each indicator series against a reference series.

    ``series``: m × k, each column one factor observed at m points (years); ``reference``:
    length m (e.g. D over the years). Every series and the reference are normalised by
    ``normalize``: ``mean`` x/mean (均值化, default), ``initial`` x/x(1) (初值化),
    ``minmax`` (x − min)/(max − min) or ``none``; then Δ_i(t) = |y0(t) − y_i(t)|,
    ξ_i(t) = (Δmin + ρΔmax)/(Δ_i(t) + ρΔmax) with the two-level min / max over all i, t,
    and degree_i = mean over t of ξ_i(t). Returns ``grade`` (k, one per series),
    ``coefficients`` (m × k) and ``rank`` (1 = most related: what drives the reference).
    Source: Deng (1982), 邓聚龙《灰色系统基本方法》 (relational degree, 均值化/初值化).
    """
    rho = _rho(rho)
    if normalize not in GREY_NORMALIZE:
        raise InputError(f'normalize "{normalize}" is not known; use one of '
                         f'{", ".join(GREY_NORMALIZE)}')
    mat = as_matrix(series, what="series", missing=missing, min_rows=2)
    ref = as_matrix(reference, what="reference", names=["reference"] if not isinstance(
        reference, (pd.Series, pd.DataFrame)) else None, missing=missing, min_rows=2)
    y0 = ref.values
    if y0.shape[1] != 1:
        raise InputError(f"the reference must be one series; got {y0.shape[1]} columns")
    if y0.shape[0] != mat.shape[0]:
        raise InputError(f"the reference has {y0.shape[0]} points but the series have "
                         f"{mat.shape[0]}; they must be observed at the same points")
    Y = _normalise_series(mat.values, normalize, "series", mat.col)
    y = _normalise_series(y0, normalize, "reference", lambda j: "the reference")[:, 0]
    xi = relational_coefficients(np.abs(Y - y[:, None]), rho)
    degree = xi.mean(axis=0)
    notes = {"grey relational degree": f"Deng, ρ = {rho:g}, {normalize} normalisation, "
                                       f"mean of the coefficients over the points"}
    return GreyResult(grade=wrap_columns(degree, mat, "degree"),
                      coefficients=wrap_matrix(xi, mat),
                      rank=wrap_columns(rank_desc(degree), mat, "rank"), notes=notes)
