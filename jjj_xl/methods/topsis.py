"""TOPSIS family (METHODS.md §3): distances to ideal and anti-ideal, closeness, rank."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._matrix import (Matrix, as_matrix, parse_direction_specs, parse_weights,
                      positivize_column, resolve_directions)
from ._results import wrap_rows
from ..errors import InputError, warn
from .standardize import (METHODS, ORIENTATION_KEPT, fit_standardizer, row_blocks,
                          wide_blocks)
from ._matrix import BLOCK_ROWS

CLOSENESS = ("ratio", "squared")
IDEALS = ("data", "group", "fixed")
DISTANCES = ("w2", "w")


@dataclass
class TopsisResult:
    d_plus: object
    d_minus: object
    closeness: object
    rank: object
    notes: dict = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """d⁺, d⁻, closeness and rank side by side."""
        index = self.closeness.index if isinstance(self.closeness, pd.Series) else None
        return pd.DataFrame({"d_plus": np.asarray(self.d_plus), "d_minus": np.asarray(self.d_minus),
                             "closeness": np.asarray(self.closeness), "rank": np.asarray(self.rank)},
                            index=index)


RANK_BUCKETS_FROM = 20_000   # below this many values a plain argsort is as fast


def rank_desc(values: np.ndarray) -> np.ndarray:
    """Rank 1 = largest; ties share the best rank (like Excel RANK.EQ):
    rank = 1 + the number of strictly larger values.

    Values are rounded to 12 decimals first so that equal scores computed
    along different floating-point paths tie. Large inputs are ranked by counting
    (a histogram of order-preserving buckets, then a sort of the few values sharing a
    bucket), which avoids a full argsort; small ones by argsort. Both give the same ranks.
    """
    v = np.round(np.asarray(values, dtype=float), 12)
    m = len(v)
    if m >= RANK_BUCKETS_FROM:
        return _rank_desc_buckets(v)
    return _rank_desc_sort(v)


def _rank_desc_sort(v: np.ndarray) -> np.ndarray:
    m = len(v)
    # no stability needed: tie groups get one rank below; numpy's default sort is SIMD-fast
    order = np.argsort(v)[::-1]                 # best first
    ranked = v[order]
    starts = np.ones(m, dtype=bool)
    starts[1:] = ranked[1:] != ranked[:-1]
    # each tie group takes the position of its first member (sequential, cache friendly)
    first = np.maximum.accumulate(np.where(starts, np.arange(m), 0))
    rank = np.empty(m, dtype=int)
    rank[order] = first + 1
    return rank


def _rank_desc_buckets(v: np.ndarray) -> np.ndarray:
    """Counting rank: bucket b(v) = ⌊(max − v)·(B − 1)/(max − min)⌋ is monotone (larger v,
    smaller or equal bucket; equal v, equal bucket), so 1 + (count in better buckets) +
    (larger values in the same bucket) is the rank. Only values sharing a bucket are sorted."""
    m = len(v)
    hi, lo = float(v.max()), float(v.min())
    if not (np.isfinite(hi) and np.isfinite(lo)) or hi == lo:
        return _rank_desc_sort(v) if not (hi == lo) else np.ones(m, dtype=int)
    nb = int(min(1 << 22, 4 * m))
    scale = (nb - 1) / (hi - lo)
    if not np.isfinite(scale):
        return _rank_desc_sort(v)
    b = ((hi - v) * scale).astype(np.int64)
    np.clip(b, 0, nb - 1, out=b)
    counts = np.bincount(b, minlength=nb)
    before = np.cumsum(counts)
    before -= counts                              # values in strictly better buckets
    rank = before[b]
    rank += 1
    shared = np.flatnonzero(counts[b] > 1)
    if len(shared):
        sv = v[shared]
        # buckets are monotone in the value, so sorting by value alone (largest first)
        # also groups the buckets
        order = np.argsort(-sv)
        sv, sb = sv[order], b[shared[order]]
        k = len(order)
        pos = np.arange(k)
        new_bucket = np.ones(k, dtype=bool)
        new_bucket[1:] = sb[1:] != sb[:-1]
        new_value = new_bucket.copy()
        new_value[1:] |= sv[1:] != sv[:-1]
        bucket_start = np.maximum.accumulate(np.where(new_bucket, pos, 0))
        value_start = np.maximum.accumulate(np.where(new_value, pos, 0))
        rank[shared[order]] += value_start - bucket_start
    return rank


def topsis_distances(X: np.ndarray, std, weights: np.ndarray, best: np.ndarray,
                     worst: np.ndarray, distance: str = "w2"):
    """d⁺ and d⁻ of every row, standardising and weighting block by block.

    ``distance="w2"``: √Σ (w_j (r_ij − r⁺_j))², i.e. distances on V = R·diag(w);
    ``"w"``: √Σ w_j (r_ij − r⁺_j)².
    """
    m, n = X.shape
    mult = weights if distance == "w2" else np.sqrt(weights)
    a_plus = best * mult
    a_minus = worst * mult
    d_plus = np.empty(m)
    d_minus = np.empty(m)
    weighted = std.interval is None
    if weighted:  # fold the weights into the standardisation: one multiply less per cell
        std = std.weighted(mult)
        blocks = wide_blocks(X)
    else:         # interval: per-column band formulas, ordinary blocks
        blocks = ((a, b, X[a:b], 1) for a, b in row_blocks(m))
    ones = np.ones(n)
    state = {}
    for a, b, x, k in blocks:
        if k not in state:
            rows = x.shape[0]
            state[k] = (std.tiled(k) if weighted else std, np.tile(a_plus, k),
                        np.tile(a_minus, k), np.empty((rows, k * n)), np.empty((rows, k * n)))
        sk, ap, am, buf, tmp = state[k]
        r = x.shape[0]
        v = sk.apply(x, out=buf[:r])
        if not weighted:
            v *= mult
        t = tmp[:r]
        # squared differences, then each original row's sum as a BLAS product (k rows of
        # n columns side by side → (r·k) × n)
        np.subtract(v, ap, out=t)
        np.multiply(t, t, out=t)
        d_plus[a:b] = t.reshape(r * k, n) @ ones
        np.subtract(v, am, out=t)
        np.multiply(t, t, out=t)
        d_minus[a:b] = t.reshape(r * k, n) @ ones
    np.sqrt(d_plus, out=d_plus)
    np.sqrt(d_minus, out=d_minus)
    # a row at the (anti-)ideal must give exactly 0, not rounding noise of ~1e-17 that a
    # later n-th root (coupling) would blow up
    tol = 1e-12 * float(np.sqrt(((a_plus - a_minus) ** 2).sum()))
    d_plus[d_plus < tol] = 0.0
    d_minus[d_minus < tol] = 0.0
    return d_plus, d_minus


def closeness_from_distances(d_plus, d_minus, closeness="ratio", describe_row=None):
    """ratio: d⁻/(d⁺ + d⁻); squared: d⁻²/(d⁺² + d⁻²). A row at the ideal (d⁺ = 0) gets 1."""
    if closeness == "ratio":
        num, den = d_minus, d_plus + d_minus
    else:
        num, den = d_minus ** 2, d_plus ** 2 + d_minus ** 2
    at_ideal = d_plus == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(at_ideal, 1.0, num / np.where(den == 0, 1.0, den))
    if at_ideal.any():
        rows = np.flatnonzero(at_ideal)
        shown = ", ".join(describe_row(int(i)) if describe_row else f"row {i + 1}" for i in rows[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        warn(f"{shown}{more} {'is' if len(rows) == 1 else 'are'} at the ideal (d⁺ = 0): "
             f"closeness 1")
    return c


def _best_worst(X, std, dirs, method):
    if method != "interval":
        return std.best_worst(dirs)
    m, n = X.shape
    best = np.full(n, -np.inf)
    worst = np.full(n, np.inf)
    for a, b in row_blocks(m):
        z = std.apply(X[a:b])
        np.maximum(best, z.max(axis=0), out=best)
        np.minimum(worst, z.min(axis=0), out=worst)
    return best, worst


def _fixed_ideal(mat: Matrix, std, values, label):
    if values is None:
        raise InputError(f'ideal="fixed" needs {label}: one value per indicator, in the '
                         f"units of the data")
    arr = parse_fixed(values, mat)
    if "positivise" in mat.extra:   # middle / interval columns: positivised like the data
        specs, lo, hi = mat.extra["positivise"]
        arr = arr.copy()
        for j, spec in enumerate(specs):
            if spec.positivised:
                arr[j] = positivize_column(arr[j:j + 1], spec, lo[j], hi[j])[0]
    return std.apply(arr[None, :])[0]


def parse_fixed(values, mat: Matrix):
    if isinstance(values, pd.Series) and mat.names is not None:
        values = [values[k] for k in mat.names]
    arr = np.asarray(values, dtype=float).ravel()
    if len(arr) != mat.shape[1]:
        raise InputError(f"{len(arr)} fixed ideal values given for {mat.shape[1]} indicators; "
                         f"one per indicator needed")
    return arr


def topsis(X, weights, directions=None, method: str = "vector", closeness: str = "ratio",
           ideal: str = "data", distance: str = "w2", groups=None, *, shift: float = 0.0,
           interval=None, ideal_best=None, ideal_worst=None,
           missing: str = "refuse", _sumsq=None) -> TopsisResult:
    """TOPSIS closeness of every row of ``X`` (METHODS.md §3).

    method: the standardisation (``vector`` classic, ``minmax``, ``max``,
    ``share``, ``zscore``, ``interval``, or ``none`` for data already standardised).
    With ``vector``, ``share`` and ``none`` a cost column keeps its orientation and its
    ideal is its minimum; the other methods turn cost columns round themselves.
    directions: + / - or ``("middle", best)`` / ``("interval", a, b)`` (also
    ``"middle 7"``, ``"interval 10-20"``, ``"中间型 7"``, ``"区间型 10-20"``): those
    columns are positivised first (:func:`~jjj_xl.positivize`), then standardised.
    closeness: ``ratio`` d⁻/(d⁺+d⁻) or ``squared`` 1/(1+(d⁺/d⁻)²) (paper 004).
    ideal: ``data`` best/worst of all rows; ``group`` best/worst within each
    group given by ``groups`` (standardised within the group too, as paper 004
    does per region); ``fixed`` ``ideal_best``/``ideal_worst`` in data units.
    distance: ``w2`` distances on V = R·diag(w); ``w`` √Σ w (R − R⁺)².
    Rank 1 = best (within each group when ``ideal="group"``).
    """
    for name, value, allowed in (("method", method, METHODS), ("closeness", closeness, CLOSENESS),
                                 ("ideal", ideal, IDEALS), ("distance", distance, DISTANCES)):
        if value not in allowed:
            raise InputError(f'{name} "{value}" is not known; use one of {", ".join(allowed)}')
    mat = as_matrix(X, missing=missing, min_rows=1 if ideal == "fixed" else 2)
    m, n = mat.shape
    specs = parse_direction_specs(directions, n, mat.names)
    w = parse_weights(weights, n, mat.names)
    notes = {"TOPSIS standardisation": method + (f" (shift {shift:g})" if method == "minmax" and shift else ""),
             "ideal": {"data": "best and worst of all rows", "fixed": "fixed by the user",
                       "group": "best and worst within each group; standardised within the group"}[ideal],
             "distance": "√Σ (w·(r − r*))²" if distance == "w2" else "√Σ w·(r − r*)²",
             "closeness": "d⁻/(d⁺ + d⁻)" if closeness == "ratio" else "d⁻²/(d⁺² + d⁻²)"}

    if ideal == "group":
        if groups is None:
            raise InputError('ideal="group" needs groups: one group label per row (e.g. the region)')
        group_labels = _group_labels(groups, mat)
        fast = _topsis_groups_vectorised(mat, specs, w, group_labels, method, shift, interval,
                                         distance)
        if fast is None:   # interval method, a group of < 2 rows, or an error to report
            d_plus, d_minus = _topsis_groups_loop(mat, specs, w, group_labels, method, shift,
                                                  interval, distance)
        else:
            d_plus, d_minus, layout = fast
        c = closeness_from_distances(d_plus, d_minus, closeness, mat.row)
        rank = rank_within_groups(c, group_labels)
    else:
        if groups is not None:
            raise InputError('groups only apply with ideal="group"')
        dirs = resolve_directions(mat, specs)
        std = fit_standardizer(mat, dirs, method, shift, interval, warn_constant=False,
                               sumsq=_sumsq)
        _warn_constant(mat, std, w)
        if ideal == "fixed":
            best = _fixed_ideal(mat, std, ideal_best, "ideal_best")
            worst = _fixed_ideal(mat, std, ideal_worst, "ideal_worst")
        else:
            best, worst = _best_worst(mat.values, std, dirs, method)
        d_plus, d_minus = topsis_distances(mat.values, std, w, best, worst, distance)
        c = closeness_from_distances(d_plus, d_minus, closeness, mat.row)
        rank = rank_desc(c)
    return TopsisResult(d_plus=wrap_rows(d_plus, mat, "d_plus"),
                        d_minus=wrap_rows(d_minus, mat, "d_minus"),
                        closeness=wrap_rows(c, mat, "closeness"),
                        rank=wrap_rows(rank, mat, "rank"), notes=notes)


def _topsis_groups_loop(mat: Matrix, specs, w, group_labels, method, shift, interval, distance):
    """ideal="group" one group at a time (the reference implementation; also the path for the
    interval method and for input errors, which it reports group by group)."""
    m = mat.shape[0]
    d_plus = np.empty(m)
    d_minus = np.empty(m)
    for label in pd.unique(group_labels):
        rows = np.flatnonzero(group_labels == label)
        if len(rows) < 2:
            raise InputError(f'group "{label}" has {len(rows)} row; ideal="group" needs at '
                             f"least 2 rows per group")
        sub = Matrix(values=np.ascontiguousarray(mat.values[rows]), names=mat.names,
                     index=None if mat.index is None else mat.index[rows], what=mat.what)
        dirs = resolve_directions(sub, specs)
        std = fit_standardizer(sub, dirs, method, shift, interval, warn_constant=False)
        _warn_constant(sub, std, w, f'group "{label}": ')
        best, worst = _best_worst(sub.values, std, dirs, method)
        d_plus[rows], d_minus[rows] = topsis_distances(sub.values, std, w, best, worst, distance)
    return d_plus, d_minus


@dataclass
class GroupLayout:
    """Rows of a matrix gathered by group: ``codes`` (group of each row, numbered in order of
    first appearance like ``pd.unique``), ``order`` (row order that makes the groups
    contiguous, None when they already are), ``starts`` / ``counts`` per group."""
    codes: np.ndarray
    uniques: np.ndarray
    order: np.ndarray | None
    starts: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, labels) -> "GroupLayout | None":
        """None when a label is missing (NaN/None), which the loop path reports."""
        codes, uniques = pd.factorize(np.asarray(labels, dtype=object).ravel(), sort=False)
        if len(codes) and codes.min() < 0:
            return None
        counts = np.bincount(codes, minlength=len(uniques))
        order = None if np.all(codes[1:] >= codes[:-1]) else np.argsort(codes, kind="stable")
        starts = np.zeros(len(counts), dtype=np.intp)
        np.cumsum(counts[:-1], out=starts[1:])
        return cls(codes=codes, uniques=np.asarray(uniques, dtype=object), order=order,
                   starts=starts, counts=counts)

    def gather(self, x: np.ndarray) -> np.ndarray:
        return x if self.order is None else x[self.order]

    def scatter(self, x_sorted: np.ndarray) -> np.ndarray:
        if self.order is None:
            return x_sorted
        out = np.empty_like(x_sorted)
        out[self.order] = x_sorted
        return out

    @property
    def sorted_codes(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.counts)), self.counts)


@dataclass
class GroupStandardizer:
    """Per-group parameters (G × n arrays) of the standardisation fitted within each group;
    the same arithmetic as :class:`~jjj_xl.methods.standardize.Standardizer` row by row."""
    method: str
    pre: np.ndarray | None
    center: np.ndarray
    center2: np.ndarray | None
    div: np.ndarray
    offset: np.ndarray
    reciprocal: np.ndarray | None
    numerator: np.ndarray | None
    constant: np.ndarray
    col_min: np.ndarray
    col_max: np.ndarray

    def apply(self, x, g, *, inv=None, offset=None, numerator=None, out=None):
        """Standardise rows ``x`` whose groups are ``g`` (exact division unless ``inv``)."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if out is None:
                out = np.empty(np.shape(x))
            if self.pre is not None:
                z = np.multiply(x, self.pre[g], out=out)
            else:
                z = out
                z[...] = x
            z -= self.center[g]
            if self.center2 is not None:
                z -= self.center2[g]
            if inv is not None:
                z *= inv[g]
            else:
                z /= self.div[g]
            z += (self.offset if offset is None else offset)[g]
            if self.reciprocal is not None:
                rec = self.reciprocal[g]
                if rec.any():
                    num = (self.numerator if numerator is None else numerator)[g]
                    np.copyto(z, num / x, where=rec)
        return z


def _positivise_groups(Xs, lay: GroupLayout, specs):
    """Middle / interval columns positivised within each group (:func:`positivize_column`
    with the group's minimum, maximum and largest deviation); a copy when any is."""
    if not any(s.positivised for s in specs):
        return Xs
    Xs = np.array(Xs, dtype=float, copy=True)
    g = lay.sorted_codes
    for j, s in enumerate(specs):
        if not s.positivised:
            continue
        col = Xs[:, j].copy()
        if s.kind == "middle":
            dev = np.abs(col - s.best)
            top = np.maximum.reduceat(dev, lay.starts)
            Xs[:, j] = np.where(top[g] == 0, 1.0, 1.0 - dev / np.where(top == 0, 1.0, top)[g])
        else:
            lo = np.minimum.reduceat(col, lay.starts)
            hi = np.maximum.reduceat(col, lay.starts)
            span = np.maximum(np.maximum(s.a - lo, hi - s.b), 0.0)
            val = 1.0 - (np.clip(s.a - col, 0, None) + np.clip(col - s.b, 0, None)) \
                / np.where(span == 0, 1.0, span)[g]
            Xs[:, j] = np.where(span[g] == 0, 1.0, val)
    return Xs


def fit_group_standardizer(Xs, lay: GroupLayout, dirs, method, shift=0.0):
    """:func:`fit_standardizer` within every group at once (rows of ``Xs`` gathered by group).
    None for what only the per-group path handles: the interval method, a group of fewer
    than 2 rows, an invalid shift and values the method refuses (its error names the cell)."""
    if method == "interval" or method not in METHODS or (lay.counts < 2).any() \
            or not np.isfinite(shift) or shift < 0:
        return None
    starts, counts = lay.starts, lay.counts
    g = lay.sorted_codes
    lo = np.minimum.reduceat(Xs, starts, axis=0)
    hi = np.maximum.reduceat(Xs, starts, axis=0)
    G, n = lo.shape
    from .standardize import prescale
    pre = prescale(lo.ravel(), hi.ravel()) if method != "none" else None
    pre = None if pre is None else pre.reshape(G, n)
    lo_p, hi_p = (lo, hi) if pre is None else (lo * pre, hi * pre)
    benefit = np.broadcast_to(np.asarray(dirs) > 0, (G, n))
    constant = hi == lo
    center = np.zeros((G, n))
    center2 = None
    div = np.ones((G, n))
    offset = np.zeros((G, n))
    reciprocal = numerator = None

    def scaled():
        return Xs if pre is None else Xs * pre[g]

    if method == "minmax":
        center = np.where(constant, 0.0, np.where(benefit, lo_p, hi_p))
        div = np.where(constant, np.inf, np.where(benefit, hi_p - lo_p, lo_p - hi_p))
        offset = np.where(constant, 1.0 + shift, float(shift))
    elif method == "max":
        if (lo < 0).any() or (~benefit & (lo == 0)).any():
            return None
        zero_col = benefit & (hi == 0)
        div = np.where(benefit & ~zero_col, hi_p, np.inf)
        offset = np.where(zero_col | (~benefit & constant), 1.0, 0.0)
        reciprocal = ~benefit & ~constant
        numerator = np.where(reciprocal, lo, 0.0)
    elif method == "vector":
        xs = scaled()
        norms = np.sqrt(np.add.reduceat(xs * xs, starts, axis=0))
        div = np.where(norms == 0, np.inf, norms)
    elif method == "share":
        if (lo < 0).any():
            return None
        sums = np.add.reduceat(scaled(), starts, axis=0)
        zero = sums == 0
        div = np.where(zero, np.inf, sums)
        offset = np.where(zero, (1.0 / counts)[:, None], 0.0)
    elif method == "zscore":
        d = scaled() - lo_p[g]
        mean_d = np.add.reduceat(d, starts, axis=0) / counts[:, None]
        d -= mean_d[g]
        sd = np.sqrt(np.add.reduceat(d * d, starts, axis=0) / (counts - 1)[:, None])
        center2 = np.where(constant, 0.0, mean_d)
        center = np.where(constant, 0.0, lo_p)
        div = np.where(constant | (sd == 0), np.inf, np.where(benefit, sd, -sd))
    return GroupStandardizer(method=method, pre=pre, center=center, center2=center2, div=div,
                             offset=offset, reciprocal=reciprocal, numerator=numerator,
                             constant=constant, col_min=lo, col_max=hi)


def _topsis_groups_vectorised(mat: Matrix, specs, w, group_labels, method, shift, interval,
                              distance):
    """ideal="group" for all groups at once: rows gathered by group, per-group column
    statistics by ``np.minimum/maximum/add.reduceat``, per-group parameters broadcast to the
    rows. The same arithmetic as :func:`_topsis_groups_loop` (sums may round in another
    order: results agree to ~1e-15). None where only the loop applies."""
    lay = GroupLayout.of(group_labels)
    if lay is None:
        return None
    Xs = _positivise_groups(lay.gather(mat.values), lay, specs)
    dirs = np.array([s.code for s in specs], dtype=np.int8)
    gs = fit_group_standardizer(Xs, lay, dirs, method, shift)
    if gs is None:
        return None
    if gs.constant.any():
        for k in np.flatnonzero(gs.constant.any(axis=1)):
            sub = Matrix(values=np.empty((0, mat.shape[1])), names=mat.names, what=mat.what)
            _warn_constant(sub, _ConstantOnly(gs.constant[k]), w, f'group "{lay.uniques[k]}": ')
    G = len(lay.counts)
    gi = np.arange(G)
    lo_z = gs.apply(gs.col_min, gi)
    hi_z = gs.apply(gs.col_max, gi)
    if method in ORIENTATION_KEPT:
        pos = np.asarray(dirs) > 0
        best, worst = np.where(pos, hi_z, lo_z), np.where(pos, lo_z, hi_z)
    else:
        best, worst = np.maximum(lo_z, hi_z), np.minimum(lo_z, hi_z)
    mult = w if distance == "w2" else np.sqrt(w)
    a_plus, a_minus = best * mult, worst * mult
    with np.errstate(divide="ignore"):
        div_w = np.where(mult == 0, np.inf, gs.div / np.where(mult == 0, 1.0, mult))
        inv = 1.0 / div_w
    offset_w = gs.offset * mult
    numerator_w = None if gs.numerator is None else gs.numerator * mult
    m, n = Xs.shape
    g_all = lay.sorted_codes
    d_plus = np.empty(m)
    d_minus = np.empty(m)
    ones = np.ones(n)
    buf = np.empty((min(m, BLOCK_ROWS), n))
    tmp = np.empty_like(buf)
    for a, b in row_blocks(m):
        g = g_all[a:b]
        r = b - a
        v = gs.apply(Xs[a:b], g, inv=inv, offset=offset_w, numerator=numerator_w, out=buf[:r])
        t = tmp[:r]
        np.subtract(v, a_plus[g], out=t)
        np.multiply(t, t, out=t)
        d_plus[a:b] = t @ ones
        np.subtract(v, a_minus[g], out=t)
        np.multiply(t, t, out=t)
        d_minus[a:b] = t @ ones
    np.sqrt(d_plus, out=d_plus)
    np.sqrt(d_minus, out=d_minus)
    tol = (1e-12 * np.sqrt(((a_plus - a_minus) ** 2).sum(axis=1)))[g_all]
    d_plus[d_plus < tol] = 0.0
    d_minus[d_minus < tol] = 0.0
    return lay.scatter(d_plus), lay.scatter(d_minus), lay


@dataclass
class _ConstantOnly:
    constant: np.ndarray


def rank_within_groups(values, labels) -> np.ndarray:
    """:func:`rank_desc` within each group of ``labels`` (1 = largest in its group; ties
    share the best rank), for all groups in one sort."""
    v = np.round(np.asarray(values, dtype=float), 12)
    m = len(v)
    if m == 0:
        return np.empty(0, dtype=int)
    codes, _ = pd.factorize(np.asarray(labels, dtype=object).ravel(), sort=False,
                            use_na_sentinel=False)
    order = np.lexsort((-v, codes))          # by group, then largest first
    sv, sc = v[order], codes[order]
    pos = np.arange(m)
    new_group = np.ones(m, dtype=bool)
    new_group[1:] = sc[1:] != sc[:-1]
    new_value = new_group.copy()
    new_value[1:] |= sv[1:] != sv[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    value_start = np.maximum.accumulate(np.where(new_value, pos, 0))
    rank = np.empty(m, dtype=int)
    rank[order] = value_start - group_start + 1
    return rank


def grouped_standardize(X, directions, groups, method: str = "minmax", shift: float = 0.0):
    """The standardised matrix when every group of rows is standardised on its own
    (``standardize`` of each group's rows, put back in the original row order), computed for
    all groups at once. ``X``: m × n array or DataFrame; ``groups``: m labels. Returns the
    same type as ``standardize``; None where only the per-group path applies (the interval
    method, a group of fewer than 2 rows, values the method refuses): the caller then
    standardises group by group, which reports the error."""
    mat = as_matrix(X)
    lay = GroupLayout.of(groups)
    if lay is None or len(lay.codes) != mat.shape[0]:
        return None
    specs = parse_direction_specs(directions, mat.shape[1], mat.names)
    Xs = _positivise_groups(lay.gather(mat.values), lay, specs)
    dirs = np.array([s.code for s in specs], dtype=np.int8)
    gs = fit_group_standardizer(Xs, lay, dirs, method, shift)
    if gs is None:
        return None
    z = gs.apply(Xs, lay.sorted_codes)   # (+ offset turns a -0.0 into 0.0)
    from ._results import wrap_matrix
    return wrap_matrix(lay.scatter(z), mat)


def _warn_constant(mat: Matrix, std, w, prefix: str = "") -> None:
    """Say what a constant column does to the user's weight: nothing is rescaled, the column
    adds the same (zero) distance to every row, so its weight counts for no row."""
    if not std.constant.any():
        return
    cols = np.flatnonzero(std.constant)
    shown = ", ".join(f"{mat.col(j)} (weight {w[j]:.4g})" for j in cols)
    total = float(w[cols].sum())
    warn(f"{prefix}{shown} {'is' if len(cols) == 1 else 'are'} the same in every row (constant): "
         f"d⁺ and d⁻ get nothing from {'it' if len(cols) == 1 else 'them'}, so "
         f"{'its weight counts' if len(cols) == 1 else 'their weights count'} for no row "
         f"({total:.4g} of the weight is unused; the other weights are not rescaled)")


@dataclass
class EntropyTopsisResult:
    weights: object        # Weights (e, d, w)
    topsis: TopsisResult   # d⁺, d⁻, closeness, rank

    @property
    def closeness(self):
        return self.topsis.closeness

    @property
    def rank(self):
        return self.topsis.rank


def entropy_topsis(X, directions=None, *, entropy_method: str = "minmax", shift: float = 1.0,
                   method: str = "vector", closeness: str = "ratio", distance: str = "w2",
                   missing: str = "refuse") -> EntropyTopsisResult:
    """Entropy weights and TOPSIS on the same m × n matrix in one combined path.

    The same numbers as ``w = entropy_weights(X, directions, entropy_method, shift)``
    followed by ``topsis(X, w, directions, method, closeness, distance)``, but the matrix
    is checked once, its column minima / maxima are computed once and shared, and Σx² for
    the vector norm is accumulated during the entropy pass: three passes over the data
    (min/max, entropy, distances) instead of five. The workflows use this path.
    """
    from .weights import _entropy_weights
    mat = as_matrix(X, missing=missing, min_rows=2)
    dirs = resolve_directions(mat, directions)
    sumsq = np.zeros(mat.shape[1]) if method == "vector" else None
    wres = _entropy_weights(mat, dirs, entropy_method, shift, None, sumsq=sumsq)
    res = topsis(mat, np.asarray(wres.w, dtype=float), dirs, method=method,
                 closeness=closeness, distance=distance, _sumsq=sumsq)
    return EntropyTopsisResult(weights=wres, topsis=res)


def _group_labels(groups, mat: Matrix) -> np.ndarray:
    labels = np.asarray(groups, dtype=object).ravel()
    if mat.kept_rows is not None and len(labels) != mat.shape[0]:
        labels = labels[mat.kept_rows]
    if len(labels) != mat.shape[0]:
        raise InputError(f"{len(labels)} group labels given for {mat.shape[0]} rows; one per row needed")
    return labels
