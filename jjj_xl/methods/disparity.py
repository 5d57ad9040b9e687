"""Regional disparity: Theil T index, Dagum Gini decomposition, Gaussian kernel density.

Pure numpy/pandas (imports in Pyodide).

Sources
-------
* Theil, H. (1967) Economics and Information Theory. North-Holland — the T index;
  Shorrocks, A.F. (1980) The class of additively decomposable inequality
  measures. Econometrica 48(3):613–625 — T = within + between.
* Dagum, C. (1997) A new approach to the decomposition of the Gini income
  inequality ratio. Empirical Economics 22:515–531 — G = Gw + Gnb + Gt.
* Silverman, B.W. (1986) Density Estimation for Statistics and Data Analysis,
  Chapman & Hall, eq. (3.31) — the rule-of-thumb bandwidth (R's bw.nrd0,
  Stata kdensity's default).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, warn


# ------------------------------------------------------------------ input

def _values(y, what="y", allow_zero=True):
    """Finite, non-negative values with labels (if y is a Series)."""
    labels = None
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise InputError(f"{what} must be one column (one value per region); got {y.shape[1]}")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series) and not y.index.equals(pd.RangeIndex(len(y))):
        labels = [str(v) for v in y.index]
    raw = np.asarray(y, dtype=object).ravel()
    out = np.empty(len(raw))
    for i, v in enumerate(raw):
        where = f'row {i + 1}' + (f' ("{labels[i]}")' if labels else "")
        if v is None or isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) or \
                not math.isfinite(float(v)):
            shown = "blank" if v is None or (isinstance(v, float) and math.isnan(v)) else repr(v)
            raise InputError(f"{what} {where} is {shown}; a number ≥ 0 is needed")
        out[i] = float(v)
        if out[i] < 0 or (out[i] == 0 and not allow_zero):
            raise InputError(f"{what} {where} is {out[i]:g}; inequality indices need values "
                             f"{'≥' if allow_zero else '>'} 0 (shift or rescale the score first)")
    if len(out) < 2:
        raise InputError(f"{what} has {len(out)} value; at least 2 regions are needed")
    if out.sum() == 0:
        raise InputError(f"{what} is 0 everywhere; inequality is undefined")
    return out, labels


def _groups(groups, n, what="groups"):
    if groups is None:
        raise InputError(f"{what} needed: one group label per region (e.g. Beijing/Tianjin vs Hebei)")
    labels = np.asarray(groups, dtype=object).ravel()
    if len(labels) != n:
        raise InputError(f"{len(labels)} group labels given for {n} regions; one per region needed")
    for i, g in enumerate(labels):
        if g is None or (isinstance(g, float) and math.isnan(g)) or str(g).strip() == "":
            raise InputError(f"{what} row {i + 1} is blank; every region needs a group label")
    labels = np.array([str(g).strip() for g in labels], dtype=object)
    return labels, list(pd.unique(labels))


# ------------------------------------------------------------------ Theil

@dataclass
class TheilResult:
    T: float
    within: float
    between: float
    groups: pd.DataFrame
    notes: dict = field(default_factory=dict)

    @property
    def shares(self) -> pd.Series:
        """Contribution of within and between to T (sum 1)."""
        t = self.T if self.T else np.nan
        return pd.Series({"within": self.within / t, "between": self.between / t}, name="share")


def _xlogx_ratio(a, b):
    """Σ a·ln(a/b) with 0·ln 0 = 0."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    pos = a > 0
    return float(np.sum(a[pos] * np.log(a[pos] / b[pos])))


def theil(y, groups=None, weights=None) -> TheilResult:
    """Theil T index of ``y`` and its within/between decomposition by ``groups``.

    With unit shares P_i (1/n, or population shares when ``weights`` are given)
    and value shares Y_i = P_i y_i / Σ P y:
        T = Σ_i Y_i ln(Y_i / P_i)   (= (1/n) Σ (y_i/ȳ) ln(y_i/ȳ) unweighted),
        T_g = Σ_{i∈g} (Y_i/Y_g) ln((Y_i/Y_g)/(P_i/P_g)),
        within = Σ_g Y_g T_g,  between = Σ_g Y_g ln(Y_g / P_g),  T = within + between.
    ``weights=None`` (default) counts every region equally (population-
    unweighted, as the coupling-coordination papers do with D); pass
    populations (or GDP) to weight. Values must be ≥ 0 (0·ln 0 = 0).
    ``groups`` None gives T alone (within = T, between = 0).

    Returns TheilResult: ``T``, ``within``, ``between``, ``shares`` and a
    ``groups`` table (n, P_g, Y_g, mean, T_g, contribution Y_g·T_g, share of T).
    Source: Theil (1967); Shorrocks (1980) for the decomposition.
    """
    vals, _ = _values(y)
    n = len(vals)
    if weights is None:
        P = np.full(n, 1.0 / n)
        scheme = "unweighted: every region counts equally (P_i = 1/n)"
    else:
        pw, _ = _values(weights, what="weights", allow_zero=False)
        if len(pw) != n:
            raise InputError(f"{len(pw)} weights given for {n} regions; one per region needed")
        P = pw / pw.sum()
        scheme = "weighted: P_i = weight_i / Σ weight (e.g. population shares)"
    Y = P * vals / np.sum(P * vals)
    T = _xlogx_ratio(Y, P)
    if groups is None:
        labels, order = np.array(["all"] * n, dtype=object), ["all"]
    else:
        labels, order = _groups(groups, n)
    rows = []
    for g in order:
        m = labels == g
        Pg, Yg = P[m].sum(), Y[m].sum()
        Tg = _xlogx_ratio(Y[m] / Yg, P[m] / Pg) if Yg > 0 else 0.0
        rows.append({"group": g, "n": int(m.sum()), "P_g": Pg, "Y_g": Yg,
                     "mean": float(vals[m].mean()), "T_g": Tg, "within_contribution": Yg * Tg})
    tab = pd.DataFrame(rows).set_index("group")
    within = float(tab["within_contribution"].sum())
    Yg, Pg = tab["Y_g"].to_numpy(), tab["P_g"].to_numpy()
    between = _xlogx_ratio(Yg, Pg)
    tab["share_of_T"] = tab["within_contribution"] / T if T > 0 else 0.0
    notes = {"index": "Theil T (GE(1))", "shares": scheme,
             "decomposition": "T = Σ Y_g T_g (within) + Σ Y_g ln(Y_g/P_g) (between)"}
    if T == 0:
        notes["equal"] = "all values equal: T = 0"
    return TheilResult(T=T, within=within, between=between, groups=tab, notes=notes)


# ------------------------------------------------------------------ Dagum Gini

@dataclass
class DagumResult:
    G: float
    Gw: float
    Gnb: float
    Gt: float
    within: pd.Series          # G_jj per group
    between: pd.DataFrame      # G_jh (diagonal G_jj), groups by descending mean
    D: pd.DataFrame            # relative economic affluence D_jh
    groups: pd.DataFrame       # n_j, p_j, s_j, mean
    notes: dict = field(default_factory=dict)

    @property
    def shares(self) -> pd.Series:
        """Contribution shares Gw/G, Gnb/G, Gt/G (sum 1)."""
        g = self.G if self.G else np.nan
        return pd.Series({"Gw": self.Gw / g, "Gnb": self.Gnb / g, "Gt": self.Gt / g},
                         name="share")


def _abs_diff_sum(a, b):
    """Σ_i Σ_r |a_i − b_r| in O((n+m) log(n+m)) via sorting."""
    b = np.sort(b)
    cb = np.concatenate([[0.0], np.cumsum(b)])
    k = np.searchsorted(b, a, side="right")          # b_r ≤ a_i
    total_b = cb[-1]
    m = len(b)
    return float(np.sum(a * k - cb[k] + (total_b - cb[k]) - a * (m - k)))


def _pos_diff_sum(a, b):
    """Σ_i Σ_r max(a_i − b_r, 0)."""
    b = np.sort(b)
    cb = np.concatenate([[0.0], np.cumsum(b)])
    k = np.searchsorted(b, a, side="right")
    return float(np.sum(a * k - cb[k]))


def dagum_gini(y, groups) -> DagumResult:
    """Dagum (1997) Gini coefficient and its decomposition by ``groups``.

    G = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² ȳ) (the ordinary Gini).
    Groups are ordered by descending mean (μ_1 ≥ μ_2 ≥ …, Dagum's convention).
      G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² μ_j)          within group j
      G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (μ_j + μ_h))  between j and h
      p_j = n_j / n, s_j = n_j μ_j / (n ȳ)
      d_jh = mean of max(y_ji − y_hr, 0), p_jh = mean of max(y_hr − y_ji, 0) (μ_j ≥ μ_h)
      D_jh = (d_jh − p_jh) / (d_jh + p_jh)  relative economic affluence
      Gw  = Σ_j G_jj p_j s_j
      Gnb = Σ_{j>h} G_jh (p_j s_h + p_h s_j) D_jh      net between-group
      Gt  = Σ_{j>h} G_jh (p_j s_h + p_h s_j) (1 − D_jh) transvariation (overlap)
    and G = Gw + Gnb + Gt exactly. Each region counts once (no population
    weights). Values ≥ 0, at least 2 regions; a group of one region has G_jj = 0.

    Returns DagumResult: ``G``, ``Gw``, ``Gnb``, ``Gt``, ``shares`` (each / G),
    ``within`` (G_jj), ``between`` (G_jh table, diagonal G_jj), ``D`` and a
    ``groups`` table (n_j, p_j, s_j, mean). Source: Dagum (1997), Empirical
    Economics 22:515–531.
    """
    vals, _ = _values(y)
    n = len(vals)
    labels, order = _groups(groups, n)
    mu = vals.mean()
    means = {g: vals[labels == g].mean() for g in order}
    order = sorted(order, key=lambda g: -means[g])  # stable: ties keep first appearance
    parts = {g: vals[labels == g] for g in order}
    k = len(order)
    nj = np.array([len(parts[g]) for g in order], dtype=float)
    muj = np.array([means[g] for g in order])
    p = nj / n
    s = nj * muj / (n * mu)
    Gjh = np.zeros((k, k))
    Djh = np.zeros((k, k))
    for a in range(k):
        ya = parts[order[a]]
        Gjh[a, a] = _abs_diff_sum(ya, ya) / (2 * nj[a] ** 2 * muj[a]) if muj[a] > 0 else 0.0
        for b in range(a + 1, k):
            yb = parts[order[b]]
            total = _abs_diff_sum(ya, yb)
            Gjh[a, b] = Gjh[b, a] = total / (nj[a] * nj[b] * (muj[a] + muj[b]))
            d = _pos_diff_sum(ya, yb) / (nj[a] * nj[b])
            q = _pos_diff_sum(yb, ya) / (nj[a] * nj[b])
            Djh[a, b] = Djh[b, a] = (d - q) / (d + q) if d + q > 0 else 0.0
    G = _abs_diff_sum(vals, vals) / (2 * n * n * mu)
    Gw = float(np.sum(np.diag(Gjh) * p * s))
    Gnb = Gt = 0.0
    for a in range(k):
        for b in range(a):
            base = Gjh[a, b] * (p[a] * s[b] + p[b] * s[a])
            Gnb += base * Djh[a, b]
            Gt += base * (1 - Djh[a, b])
    idx = pd.Index(order, name="group")
    notes = {"groups": "ordered by descending mean (Dagum 1997)",
             "weights": "each region counts once (no population weights)",
             "identity": "G = Gw + Gnb + Gt"}
    if k == 1:
        notes["one group"] = "one group: all inequality is within (Gnb = Gt = 0)"
        warn("dagum_gini: only one group; Gnb = Gt = 0 — give at least two groups to decompose")
    return DagumResult(G=float(G), Gw=Gw, Gnb=float(Gnb), Gt=float(Gt),
                       within=pd.Series(np.diag(Gjh), index=idx, name="G_jj"),
                       between=pd.DataFrame(Gjh, index=idx, columns=list(order)),
                       D=pd.DataFrame(Djh, index=idx, columns=list(order)),
                       groups=pd.DataFrame({"n": nj.astype(int), "p": p, "s": s, "mean": muj},
                                           index=idx),
                       notes=notes)


# ------------------------------------------------------------------ kernel density

BANDWIDTHS = ("silverman", "normal", "scott")


@dataclass
class KernelDensityResult:
    grid: np.ndarray
    density: pd.DataFrame      # index: grid points; one column per sample (year)
    bandwidth: pd.Series       # one bandwidth per sample
    notes: dict = field(default_factory=dict)


def bandwidth_rule(x: np.ndarray, rule: str = "silverman") -> float:
    """Rule-of-thumb Gaussian bandwidth of sample ``x`` (n ≥ 2).

    silverman: 0.9 · min(s, IQR/1.34) · n^(−1/5)  (Silverman 1986 eq. 3.31;
               R bw.nrd0; Stata kdensity default)
    normal:    1.06 · s · n^(−1/5)  (= (4/3)^(1/5) s n^(−1/5); scipy "silverman")
    scott:     s · n^(−1/5)  (Scott 1992; scipy "scott")
    s = sample standard deviation (n − 1); IQR by linear quantiles (R type 7).
    """
    n = len(x)
    s = float(np.std(x, ddof=1))
    if rule == "silverman":
        q75, q25 = np.percentile(x, [75, 25])
        spread = min(s, (q75 - q25) / 1.34)
        if spread <= 0:  # as R bw.nrd0: fall back when the IQR is 0
            spread = s if s > 0 else (abs(x[0]) if x[0] != 0 else 1.0)
        return 0.9 * spread * n ** (-0.2)
    if rule == "normal":
        return (4.0 / 3.0) ** 0.2 * s * n ** (-0.2)
    if rule == "scott":
        return s * n ** (-0.2)
    raise InputError(f'bandwidth "{rule}" is not known; use {", ".join(BANDWIDTHS)} or a '
                     f"positive number")


def _samples(values):
    """{name: 1-D array}: a 1-D input is one sample; a table gives one per column."""
    if isinstance(values, dict):
        items = list(values.items())
    elif isinstance(values, pd.DataFrame):
        items = [(c, values[c].to_numpy(dtype=object)) for c in values.columns]
    elif isinstance(values, pd.Series):
        items = [(values.name if values.name is not None else "density", values.to_numpy(dtype=object))]
    else:
        arr = np.asarray(values, dtype=object)
        if arr.ndim == 1:
            items = [("density", arr)]
        elif arr.ndim == 2:
            items = [(j + 1, arr[:, j]) for j in range(arr.shape[1])]
        else:
            raise InputError("values must be a list of numbers or a table (one column per year)")
    out = {}
    for name, col in items:
        col = np.asarray(col, dtype=object).ravel()
        keep = []
        for i, v in enumerate(col):
            if v is None or (isinstance(v, float) and math.isnan(v)) or \
                    (isinstance(v, str) and v.strip() == ""):
                continue  # a shorter year (blank cells) is fine
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) or \
                    not math.isfinite(float(v)):
                raise InputError(f'values column "{name}" row {i + 1} is {v!r}; numbers only')
            keep.append(float(v))
        if len(keep) < 2:
            raise InputError(f'values column "{name}" has {len(keep)} number(s); a density needs '
                             f"at least 2")
        out[name] = np.array(keep)
    return out


def kernel_density(values, grid=None, bandwidth="silverman", points: int = 200,
                   cut: float = 3.0) -> KernelDensityResult:
    """Gaussian kernel density curves, one per sample (e.g. per year).

    f̂(x) = 1/(n h) Σ_i φ((x − x_i)/h), φ the standard normal density.

    values : a list of numbers (one curve) or a table/DataFrame/dict with one
        column per year (blanks ignored, so years may differ in length).
    grid : points at which to evaluate; default ``points`` equally spaced
        points from min − cut·h to max + cut·h over all samples (as R density,
        cut = 3), shared by every curve so they can be charted together.
    bandwidth : "silverman" (default; 0.9·min(s, IQR/1.34)·n^(−1/5), Silverman
        1986 eq. 3.31, R bw.nrd0, Stata's default), "normal" (1.06·s·n^(−1/5)),
        "scott" (s·n^(−1/5)), or a positive number used for every sample;
        computed per sample.

    Returns KernelDensityResult: ``grid``, ``density`` (DataFrame, grid × samples),
    ``bandwidth`` (Series). Exact sums (no FFT binning), pure numpy; the same as
    scipy.stats.gaussian_kde with bw_method = h/s.
    """
    samples = _samples(values)
    hs = {}
    for name, x in samples.items():
        if isinstance(bandwidth, numbers.Real) and not isinstance(bandwidth, bool):
            if not (bandwidth > 0 and math.isfinite(bandwidth)):
                raise InputError(f"bandwidth must be positive; got {bandwidth!r}")
            h = float(bandwidth)
        else:
            h = bandwidth_rule(x, str(bandwidth).lower())
            if np.ptp(x) == 0:
                warn(f'kernel_density: values column "{name}" is constant ({x[0]:g}); its curve '
                     f"is a normal bump of bandwidth {h:.3g} around that value")
        hs[name] = h
    if grid is None:
        if not (isinstance(points, numbers.Integral) and points >= 2):
            raise InputError(f"points must be a whole number ≥ 2; got {points!r}")
        lo = min(x.min() - cut * hs[k] for k, x in samples.items())
        hi = max(x.max() + cut * hs[k] for k, x in samples.items())
        g = np.linspace(lo, hi, int(points))
    else:
        g, _ = _grid(grid)
    cols = {}
    for name, x in samples.items():
        h = hs[name]
        u = (g[:, None] - x[None, :]) / h
        cols[name] = np.exp(-0.5 * u * u).sum(axis=1) / (len(x) * h * math.sqrt(2 * math.pi))
    rule = (f"fixed {float(bandwidth):g}" if isinstance(bandwidth, numbers.Real)
            else str(bandwidth).lower())
    return KernelDensityResult(grid=g, density=pd.DataFrame(cols, index=pd.Index(g, name="x")),
                               bandwidth=pd.Series(hs, name="bandwidth"),
                               notes={"kernel": "Gaussian", "bandwidth": rule,
                                      "grid": "given" if grid is not None else
                                      f"{len(g)} points, min − {cut:g}h to max + {cut:g}h"})


def _grid(grid):
    arr = np.asarray(grid, dtype=object).ravel()
    out = np.empty(len(arr))
    for i, v in enumerate(arr):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) or \
                not math.isfinite(float(v)):
            raise InputError(f"grid point {i + 1} is {v!r}; numbers only")
        out[i] = float(v)
    if len(out) < 1:
        raise InputError("grid is empty")
    return out, None
