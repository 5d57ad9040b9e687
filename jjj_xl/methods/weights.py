"""Indicator weights (METHODS.md §2): entropy, hierarchical, CRITIC, CV, std, combined."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ._matrix import as_matrix, parse_direction_specs, parse_weights, resolve_directions
from ._results import wrap_columns
from ..errors import InputError, warn
from .standardize import BLOCK_ROWS, fit_standardizer, row_blocks, wide_blocks

ENTROPY_METHODS = ("minmax", "share", "max", "zscore", "none")
TRANSLATIONS = (None, "spssau")


@dataclass
class Weights:
    """Weights ``w`` (sum 1) and, for entropy, entropy ``e`` and utility ``d``."""

    w: object
    method: str
    e: object = None
    d: object = None
    notes: dict = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """Paper 000 Table 2 columns: e, d, w (only w for non-entropy methods)."""
        cols = {}
        if self.e is not None:
            cols["e"] = np.asarray(self.e, dtype=float)
            cols["d"] = np.asarray(self.d, dtype=float)
        cols["w"] = np.asarray(self.w, dtype=float)
        index = self.w.index if isinstance(self.w, pd.Series) else None
        return pd.DataFrame(cols, index=index)

    def by_dimension(self, dimensions) -> pd.Series:
        """Dimension weight W_k = sum of the weights of its indicators (Table 2, last column)."""
        dims = _dimension_list(dimensions, len(np.asarray(self.w)))
        s = pd.Series(np.asarray(self.w, dtype=float), index=dims)
        return s.groupby(level=0, sort=False).sum().rename("dimension_weight")

    def __array__(self, dtype=None, copy=None):
        return np.asarray(np.asarray(self.w, dtype=float), dtype=dtype)

    def __len__(self):
        return len(np.asarray(self.w))


def entropy_weights(X, directions=None, method: str = "minmax", shift: float = 1.0, *,
                    translate: str | None = None, missing: str = "refuse") -> Weights:
    """Entropy weights of the n columns of ``X`` (m × n, m ≥ 2); returns :class:`Weights`.

    p = z/Σz, e = −Σ p ln p / ln m (0·ln 0 = 0), d = 1 − e, w = d/Σd, where ``z`` is
    ``X`` standardised by ``method``: ``minmax`` with ``shift`` (paper 000 uses 1),
    ``share`` (raw proportions, the textbook variant; directions ignored), ``max``,
    ``zscore`` (sample s, ddof = 1; needs ``translate``) or ``none`` (data already
    standardised). ``translate="spssau"``: SPSSAU's non-negative translation
    (非负平移, spssau.net/helps/entropy.html): a column with any z ≤ 0 gets
    z + |min z| + 0.01. Middle / interval ``directions`` are positivised first.
    A constant column gets e = 1, w = 0 with a warning; all columns constant is refused;
    negative z (e.g. zscore without ``translate``) is refused in one line.
    Invariant to x → a·x (a > 0) for every method, and to x → x + b for minmax.
    """
    if method not in ENTROPY_METHODS:
        raise InputError(f'entropy method "{method}" is not known; use one of '
                         f'{", ".join(ENTROPY_METHODS)}')
    if translate not in TRANSLATIONS:
        raise InputError(f'translate "{translate}" is not known; leave it out or use "spssau" '
                         f"(|min| + 0.01 added to a column with values ≤ 0)")
    mat = as_matrix(X, missing=missing, min_rows=2)
    dirs = resolve_directions(mat, directions)
    return _entropy_weights(mat, dirs, method, shift, translate)


def _entropy_weights(mat, dirs, method="minmax", shift=1.0, translate=None, sumsq=None) -> Weights:
    """Entropy weights of a checked matrix (``dirs`` ±1, middle / interval already
    positivised); ``sumsq`` accumulates Σx² of the raw columns in the same pass."""
    std = fit_standardizer(mat, dirs, method, shift if method == "minmax" else 0.0,
                           warn_constant=False)
    if method == "share" and (dirs < 0).any():
        names = ", ".join(mat.col(j) for j in np.flatnonzero(dirs < 0))
        warn(f'method "share" uses raw proportions and ignores directions; cost direction '
             f"not applied to {names}")
    translated = []
    if translate == "spssau" or method in ("zscore", "none"):
        lo, _ = _standardised_min(mat, std)
        if translate == "spssau":
            add = np.where(lo <= 0, np.abs(lo) + 0.01, 0.0)
            translated = list(np.flatnonzero(add > 0))
            std = replace(std, offset=std.offset + add)
        else:
            bad = np.flatnonzero(lo < 0)
            if len(bad):
                j = int(bad[0])
                raise InputError(f"{mat.col(j)} is negative after {method} standardisation "
                                 f"(min {lo[j]:.4g}); entropy needs values ≥ 0: use "
                                 f'translate="spssau" (adds |min| + 0.01) or method="minmax"',
                                 indicator=mat.names[j] if mat.names else None, column=j)
    e = _entropy(mat.values, std,
                 strictly_positive=(method == "minmax" and shift > 0) or translate == "spssau",
                 sumsq=sumsq)
    d, w = weights_from_entropy(e, [mat.col(j) for j in range(len(e))])
    label = {"minmax": f"minmax, shift {shift:g}"}.get(method, method)
    notes = {"weights": f"entropy ({label})",
             "entropy": "e = −Σ p ln p / ln m with 0·ln 0 = 0"}
    if translate == "spssau":
        notes["translation"] = ("spssau: |min| + 0.01 added to "
                                + (", ".join(mat.col(j) for j in translated) or "no column")
                                + " (columns with a value ≤ 0)")
    return Weights(w=wrap_columns(w, mat, "w"), method="entropy", e=wrap_columns(e, mat, "e"),
                   d=wrap_columns(d, mat, "d"), notes=notes)


def _standardised_min(mat, std):
    """Column minima and maxima of the standardised matrix (one blocked pass)."""
    m, n = mat.shape
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    for a, b in row_blocks(m):
        z = std.apply(mat.values[a:b])
        np.minimum(lo, z.min(axis=0), out=lo)
        np.maximum(hi, z.max(axis=0), out=hi)
    return lo, hi


def weights_from_entropy(e, names=None):
    """Utility d = 1 − e and weight w = d / Σd from entropies (paper 000, Table 2).

    A column with e = 1 (no variation) gets weight 0 with a warning; all e = 1 is refused.
    """
    e = np.asarray(e, dtype=float)
    if ((e < 0) | (e > 1) | ~np.isfinite(e)).any():
        j = int(np.flatnonzero((e < 0) | (e > 1) | ~np.isfinite(e))[0])
        raise InputError(f"entropy {e[j]:g} of indicator {j + 1} is outside [0, 1]")
    constant = e >= 1.0
    if constant.all():
        raise InputError("every indicator is the same in all rows; entropy weights need at "
                         "least one indicator that varies")
    if constant.any():
        shown = ", ".join(names[j] if names else f"indicator {j + 1}"
                          for j in np.flatnonzero(constant))
        warn(f"{shown} does not vary between rows: entropy 1, weight 0")
    d = 1.0 - e
    return d, d / d.sum()


def _entropy(X: np.ndarray, std, strictly_positive: bool = False, sumsq: np.ndarray | None = None
             ) -> np.ndarray:
    """Entropy of each column of the standardised matrix, in row blocks.

    Σ p ln p = (Σ z ln z)/S − ln S with S = Σ z, so one pass gives both sums. ``sumsq``
    (an n-vector, optional) accumulates Σx² of the raw data in the same pass (the vector
    norm TOPSIS needs next), while each block is in cache. Blocks are laid out wide
    (k rows side by side, see ``wide_blocks``) and column sums are BLAS products with a
    ones vector: several times faster than numpy reductions over 30-wide rows.
    """
    m, n = X.shape
    may_be_zero = not strictly_positive  # min-max with shift > 0 never gives 0
    std = std.fast()
    acc = {}
    for a, b, x, k in wide_blocks(X):
        if k not in acc:
            rows = max(1, BLOCK_ROWS // k) if k > 1 else min(BLOCK_ROWS, m)
            acc[k] = dict(std=std.tiled(k) if std.interval is None or k == 1 else None,
                          z=np.empty((rows, k * n)), lg=np.empty((rows, k * n)),
                          ones=np.ones(rows), zlogz=np.zeros(k * n), total=np.zeros(k * n),
                          sq=np.zeros(k * n))
        st = acc[k]
        r = x.shape[0]
        z, lg, ones = st["z"][:r], st["lg"][:r], st["ones"][:r]
        if sumsq is not None:
            np.multiply(x, x, out=lg)
            st["sq"] += ones @ lg
        st["std"].apply(x, out=z)
        st["total"] += ones @ z
        if may_be_zero:
            np.maximum(z, 1e-300, out=lg)   # 0·ln 0 = 0: log of a tiny number times 0
            np.log(lg, out=lg)
        else:
            np.log(z, out=lg)
        np.multiply(lg, z, out=lg)
        st["zlogz"] += ones @ lg
    zlogz = np.zeros(n)
    total = np.zeros(n)
    for k, st in acc.items():
        zlogz += st["zlogz"].reshape(k, n).sum(axis=0)
        total += st["total"].reshape(k, n).sum(axis=0)
        if sumsq is not None:
            sumsq += st["sq"].reshape(k, n).sum(axis=0)
    e = np.ones(n)
    varying = (total > 0) & ~std.constant
    S = total[varying]
    e[varying] = -(zlogz[varying] / S - np.log(S)) / np.log(m)
    # rounding can push e a hair above 1 or below 0
    return np.clip(e, 0.0, 1.0)


def _dimension_list(dimensions, n=None) -> list:
    if isinstance(dimensions, pd.DataFrame):
        if "dimension" not in dimensions.columns:
            raise InputError('the indicator table needs a "dimension" column')
        dimensions = dimensions["dimension"]
    dims = list(np.asarray(dimensions, dtype=object).ravel())
    if n is not None and len(dims) != n:
        raise InputError(f"{len(dims)} dimension names given for {n} indicators; one per "
                         f"indicator needed")
    for j, d in enumerate(dims):
        if d is None or (isinstance(d, float) and np.isnan(d)) or str(d).strip() == "":
            raise InputError(f"the dimension of indicator {j + 1} is blank; every indicator "
                             f"needs a dimension name")
    return [str(d).strip() for d in dims]


def hierarchical_weights(dimensions) -> Weights:
    """Hierarchical equal weights (paper 004): K dimensions get 1/K each, split equally
    among their indicators. ``dimensions``: one dimension name per indicator (a list,
    a Series indexed by indicator, or an indicator table with a ``dimension`` column)."""
    index = None
    if isinstance(dimensions, pd.Series):
        index = dimensions.index
    elif isinstance(dimensions, pd.DataFrame) and "code" in dimensions.columns:
        index = pd.Index(dimensions["code"].astype(str), name="indicator")
    dims = _dimension_list(dimensions)
    if not dims:
        raise InputError("no indicators given; hierarchical weights need at least one")
    counts = pd.Series(dims).value_counts(sort=False)
    k = len(counts)
    w = np.array([1.0 / k / counts[d] for d in dims])
    if index is not None:
        w = pd.Series(w, index=index, name="w")
    return Weights(w=w, method="hierarchical",
                   notes={"weights": f"hierarchical equal weights: {k} dimensions × 1/{k}, "
                                     f"split equally among their indicators"})


def _standardised_for_dispersion(X, directions, missing):
    mat = as_matrix(X, missing=missing, min_rows=2)
    dirs = resolve_directions(mat, directions)
    std = fit_standardizer(mat, dirs, "minmax", 0.0, warn_constant=False)
    return mat, std.apply(mat.values), std.constant


def _normalise_scores(scores, constant, mat, label) -> np.ndarray:
    if constant.all() or scores.sum() <= 0:
        raise InputError(f"every indicator is the same in all rows; {label} weights need at "
                         f"least one indicator that varies")
    if constant.any():
        names = ", ".join(mat.col(j) for j in np.flatnonzero(constant))
        warn(f"{names} does not vary between rows: weight 0")
    return scores / scores.sum()


def critic_weights(X, directions=None, *, missing: str = "refuse") -> Weights:
    """CRITIC (Diakoulaki 1995): r = min-max standardised; C_j = σ_j Σ_k (1 − ρ_jk);
    w = C/ΣC. σ uses ddof = 1 (any ddof gives the same weights)."""
    mat, R, constant = _standardised_for_dispersion(X, directions, missing)
    sigma = R.std(axis=0, ddof=1)
    varying = ~constant
    rho = np.zeros((R.shape[1], R.shape[1]))
    if varying.sum() >= 1:
        rho_v = np.corrcoef(R[:, varying], rowvar=False)
        rho[np.ix_(varying, varying)] = np.atleast_2d(rho_v)
    np.fill_diagonal(rho, 1.0)
    conflict = (1.0 - rho).sum(axis=1)
    info = np.where(constant, 0.0, sigma * conflict)
    if varying.sum() == 1:
        info = np.where(constant, 0.0, sigma)  # one varying indicator: it takes all weight
    w = _normalise_scores(info, constant, mat, "CRITIC")
    return Weights(w=wrap_columns(w, mat, "w"), method="critic",
                   notes={"weights": "CRITIC: min-max r, σ × Σ(1 − ρ), Pearson ρ"})


def cv_weights(X, directions=None, *, missing: str = "refuse") -> Weights:
    """Coefficient of variation weights: v_j = σ_j / mean_j of the raw data, w = v/Σv.
    Needs values ≥ 0 with a positive mean; directions do not change dispersion."""
    mat = as_matrix(X, missing=missing, min_rows=2)
    parse_direction_specs(directions, mat.shape[1], mat.names)  # validate spelling only
    V = mat.values
    for j in range(V.shape[1]):
        col = V[:, j]
        if col.min() < 0:
            i = int(np.argmin(col))
            raise mat.error(f"has the negative value {col[i]:g}; the coefficient of variation "
                            f"needs values ≥ 0", i, j, found=col[i], needed="≥ 0")
    mean = V.mean(axis=0)
    zero = mean == 0
    if zero.any():
        j = int(np.flatnonzero(zero)[0])
        raise mat.column_error("is 0 in every row; the coefficient of variation needs a "
                               "positive mean", j)
    cv = V.std(axis=0, ddof=1) / mean
    constant = cv == 0
    w = _normalise_scores(cv, constant, mat, "CV")
    return Weights(w=wrap_columns(w, mat, "w"), method="cv",
                   notes={"weights": "coefficient of variation σ/mean of raw data"})


def std_weights(X, directions=None, *, missing: str = "refuse") -> Weights:
    """Standard-deviation weights: σ of the min-max standardised columns, w = σ/Σσ."""
    mat, R, constant = _standardised_for_dispersion(X, directions, missing)
    sigma = np.where(constant, 0.0, R.std(axis=0, ddof=1))
    w = _normalise_scores(sigma, constant, mat, "standard deviation")
    return Weights(w=wrap_columns(w, mat, "w"), method="std",
                   notes={"weights": "standard deviation of min-max standardised data"})


COMBINATIONS = ("linear", "multiplicative")


def combine_weights(w1, w2, alpha: float = 0.5, method: str = "linear") -> Weights:
    """Combine two weight vectors over the same n indicators (each summing to 1).

    ``linear``: w = α·w1 + (1 − α)·w2; ``multiplicative``: w = w1·w2 / Σ(w1·w2)
    (the "乘法合成" of subjective and objective weights; ``alpha`` is not used).
    Refused in one line when the multiplicative product is 0 for every indicator.
    """
    if method not in COMBINATIONS:
        raise InputError(f'combination "{method}" is not known; use linear or multiplicative')
    if not (isinstance(alpha, (int, float)) and 0.0 <= float(alpha) <= 1.0):
        raise InputError(f"alpha is {alpha!r}; it must be a number from 0 to 1")
    index = None
    for w in (w1, w2):
        src = getattr(w, "w", w)
        if isinstance(src, pd.Series):
            index = src.index
            break
    names = list(map(str, index)) if index is not None else None
    a = parse_weights(_raw(w1, index), len(np.asarray(getattr(w1, "w", w1))), names,
                      what="first weights")
    b = parse_weights(_raw(w2, index), len(a), names, what="second weights")
    if method == "linear":
        w = alpha * a + (1 - alpha) * b
        note = f"combined: {alpha:g} × first + {1 - alpha:g} × second"
    else:
        prod = a * b
        if prod.sum() <= 0:
            raise InputError("the two weight vectors have no indicator where both are > 0; "
                             "the multiplicative combination w1·w2/Σ(w1·w2) is undefined")
        w = prod / prod.sum()
        note = "combined: multiplicative w1·w2 / Σ(w1·w2)"
    if index is not None:
        w = pd.Series(w, index=index, name="w")
    return Weights(w=w, method="combined", notes={"weights": note})


def _raw(w, index):
    src = getattr(w, "w", w)
    if isinstance(src, pd.Series) and index is not None:
        return src.reindex(index).to_numpy() if set(src.index) == set(index) else src.to_numpy()
    return np.asarray(src, dtype=object)
