"""Spatial autocorrelation of a regional score: spatial weights, global Moran's I, LISA.

Pure numpy (imports in Pyodide). When PySAL's ``esda`` and ``libpysal`` are
installed (``pip install jjj-xl[spatial]``) :func:`morans_i` and
:func:`local_morans` can hand the computation to them (``engine="esda"``);
the default ``engine="auto"`` uses them when importable and the numpy code
otherwise. Both give the same statistics (tests/test_spatial.py checks it,
and checks both against R spdep).

Sources
-------
* Moran, P.A.P. (1950) Notes on continuous stochastic phenomena. Biometrika 37:17–23.
* Cliff, A.D. & Ord, J.K. (1981) Spatial Processes. Pion, London — moments of I
  under normality and randomisation (eqs. 1.35–1.38; the same formulas as
  esda.Moran and R spdep::moran.test).
* Anselin, L. (1995) Local indicators of spatial association — LISA.
  Geographical Analysis 27(2):93–115 — local Moran I_i and the conditional
  permutation test.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, warn

TRANSFORMS = {"r": "row-standardised (each row sums to 1)",
              "b": "binary (every positive weight set to 1)",
              "none": "as given (no transformation)"}
ENGINES = ("auto", "numpy", "esda")
QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
NOT_SIGNIFICANT = "not significant"


# ------------------------------------------------------------------ weights input

def _default_index(index) -> bool:
    """True for pandas' default 0..n−1 labels (no region names)."""
    return index.equals(pd.RangeIndex(len(index)))


def _labels_of(obj):
    if isinstance(obj, (pd.Series, pd.DataFrame)) and not _default_index(obj.index):
        return [str(v) for v in obj.index]
    return None


def _region(i: int, names) -> str:
    if names is not None:
        return f'region "{names[i]}" (row {i + 1})'
    return f"region in row {i + 1}"


def _numeric_table(obj, what: str) -> np.ndarray:
    """A 2-D float array or one line naming the first bad cell."""
    if isinstance(obj, pd.DataFrame):
        raw = obj.astype(object).to_numpy()
        rows = [str(v) for v in obj.index]
        cols = [str(v) for v in obj.columns]
    else:
        raw = np.asarray(obj, dtype=object)
        rows = cols = None
    if raw.ndim != 2:
        raise InputError(f"{what} must be a square table (regions × regions); got "
                         f"{raw.ndim} dimension{'s' if raw.ndim != 1 else ''}")
    out = np.empty(raw.shape, dtype=float)
    for i in range(raw.shape[0]):
        for j in range(raw.shape[1]):
            v = raw[i, j]
            if v is None or (isinstance(v, str) and v.strip() == "") or \
                    (isinstance(v, float) and math.isnan(v)):
                v = 0.0  # a blank weight cell means "not a neighbour"
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
                where = (f'row "{rows[i]}", column "{cols[j]}"' if rows is not None
                         else f"row {i + 1}, column {j + 1}")
                raise InputError(f"{what} has {v!r} at {where}; weights must be numbers "
                                 f"(1 = neighbour, 0 or blank = not)")
            out[i, j] = float(v)
    return out


def as_weights(W, names=None, *, what: str = "W"):
    """Check an n × n spatial weights table; return (array, region names or None).

    Refuses (one line naming the region): a non-square table, row and column
    labels that differ, infinite or negative weights, a non-zero diagonal (a
    region is not its own neighbour) and islands (a region with no
    neighbour).
    """
    labels = None
    if isinstance(W, pd.DataFrame):
        rows = [str(v) for v in W.index]
        cols = [str(v) for v in W.columns]
        if not _default_index(W.index):
            if sorted(rows) != sorted(cols):
                extra = sorted(set(rows) ^ set(cols))[:3]
                raise InputError(f"{what}: row and column labels must name the same regions; "
                                 f"{', '.join(map(repr, extra))} only on one side")
            if rows != cols:
                W = W.copy()
                W.columns = cols
                W = W[rows]
            labels = rows
    values = _numeric_table(W, what)
    n, m = values.shape
    if n != m:
        raise InputError(f"{what} has {n} rows and {m} columns; it must be square "
                         f"(one row and one column per region)")
    if names is not None:
        names = [str(v) for v in names]
        if len(names) != n:
            raise InputError(f"{len(names)} region names given for a {n} × {n} {what}")
        labels = names if labels is None else labels
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        i, j = bad[0]
        raise InputError(f"{what}: {_region(i, labels)} has an infinite weight in column {j + 1}")
    neg = np.argwhere(values < 0)
    if len(neg):
        i, j = neg[0]
        raise InputError(f"{what}: {_region(i, labels)} has weight {values[i, j]:g} in column "
                         f"{j + 1}; weights must be ≥ 0")
    diag = np.flatnonzero(np.diag(values) != 0)
    if len(diag):
        i = diag[0]
        raise InputError(f"{what}: {_region(i, labels)} has weight {values[i, i]:g} with "
                         f"itself; a region is not its own neighbour, set the diagonal to 0")
    islands = np.flatnonzero(values.sum(axis=1) == 0)
    if len(islands):
        i = islands[0]
        more = f" (and {len(islands) - 1} more)" if len(islands) > 1 else ""
        raise InputError(f"{what}: {_region(i, labels)} has no neighbours (an island){more}; "
                         f"give it at least one neighbour or leave it out")
    return values, labels


def transform_weights(values: np.ndarray, transform: str) -> np.ndarray:
    t = _check_transform(transform)
    if t == "r":
        return values / values.sum(axis=1, keepdims=True)
    if t == "b":
        return (values > 0).astype(float)
    return values.copy()


def _check_transform(transform) -> str:
    t = str(transform).strip().lower()
    t = {"o": "none", "raw": "none", "row": "r", "w": "r", "binary": "b"}.get(t, t)
    if t not in TRANSFORMS:
        raise InputError(f'transform "{transform}" is not known; use "r" (row-standardised, '
                         f'the default), "b" (binary) or "none"')
    return t


def _frame(values, names):
    idx = pd.Index(names if names is not None else range(1, len(values) + 1), name="region")
    return pd.DataFrame(values, index=idx, columns=list(idx))


def contiguity_weights(table, names=None) -> pd.DataFrame:
    """0/1 contiguity weights from a region × region table or a neighbours list.

    ``table``: either a square table (DataFrame with the regions as index and
    columns, or an n × n array with ``names``) where 1 marks neighbours and
    0/blank not; or a two-column list of pairs (region, neighbour), e.g.
    ``[("Beijing", "Tianjin"), ("Beijing", "Hebei"), ...]``. Pairs are made
    symmetric (a neighbour of b ⇒ b neighbour of a); ``names`` (optional)
    fixes the order and lets an island without any pair be named.

    Returns an n × n DataFrame of 0/1 (raw, not row-standardised; Moran
    functions standardise). An island (no neighbour) is refused naming it.
    """
    pairs = _as_pairs(table)
    if pairs is None:
        values, labels = as_weights(table, names, what="contiguity table")
        if np.any((values != 0) & (values != 1)):
            i, j = np.argwhere((values != 0) & (values != 1))[0]
            raise InputError(f"contiguity table: {_region(i, labels)} has {values[i, j]:g} in "
                             f"column {j + 1}; use 1 for neighbours and 0 (or blank) otherwise")
        if not np.array_equal(values, values.T):
            i, j = np.argwhere(values != values.T)[0]
            warn(f"contiguity table is not symmetric ({_region(i, labels)}, column {j + 1}); "
                 f"used as given")
        return _frame(values, labels)
    order = [str(v) for v in names] if names is not None else []
    for a, b in pairs:
        for r in (a, b):
            if r not in order:
                if names is not None:
                    raise InputError(f'neighbours list names region "{r}", which is not in '
                                     f"names; add it or correct the spelling")
                order.append(r)
    pos = {r: k for k, r in enumerate(order)}
    values = np.zeros((len(order), len(order)))
    for k, (a, b) in enumerate(pairs):
        if a == b:
            raise InputError(f'neighbours list row {k + 1} pairs "{a}" with itself; a region '
                             f"is not its own neighbour")
        values[pos[a], pos[b]] = values[pos[b], pos[a]] = 1.0
    as_weights(_frame(values, order), what="neighbours list")  # islands, named
    return _frame(values, order)


def _as_pairs(table):
    """Rows (region, neighbour) if ``table`` is a two-column list of names, else None.

    A two-column table is a neighbours list when it holds text (region names); a numeric
    table is a weights matrix."""
    if isinstance(table, pd.DataFrame):
        raw = table.astype(object).to_numpy()
    else:
        try:
            raw = np.asarray(table, dtype=object)
        except Exception:
            return None
    if raw.ndim != 2 or raw.shape[1] != 2:
        return None
    if not any(isinstance(v, str) and v.strip() != "" for v in raw.ravel()):
        return None
    rows = raw.tolist()
    out = []
    for k, (a, b) in enumerate(rows):
        if any(v is None or (not isinstance(v, str) and pd.isna(v)) or str(v).strip() == ""
               for v in (a, b)):
            raise InputError(f"neighbours list row {k + 1} has a blank; each row is one pair "
                             f"(region, neighbour)")
        out.append((str(a).strip(), str(b).strip()))
    if not out:
        raise InputError("neighbours list is empty; one row per pair (region, neighbour)")
    return out


def _coordinates(coords, names):
    labels = _labels_of(coords)
    if isinstance(coords, pd.DataFrame):
        arr = coords.to_numpy(dtype=object)
    else:
        arr = np.asarray(coords, dtype=object)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InputError("coordinates must be a table with two columns (x and y, or longitude "
                         "and latitude), one row per region")
    out = np.empty(arr.shape, dtype=float)
    for i in range(arr.shape[0]):
        for j in range(2):
            v = arr[i, j]
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) or \
                    not math.isfinite(float(v)):
                raise InputError(f"coordinates: {_region(i, labels)} has {v!r} in column "
                                 f"{j + 1}; a number is needed")
            out[i, j] = float(v)
    if names is not None:
        labels = [str(v) for v in names]
        if len(labels) != len(out):
            raise InputError(f"{len(labels)} region names given for {len(out)} coordinates")
    if len(out) < 2:
        raise InputError("coordinates: at least 2 regions are needed")
    return out, labels


EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), as libpysal.cg.RADIUS_EARTH_KM


def distance_matrix(coords, metric: str = "euclidean") -> np.ndarray:
    """n × n distances; ``metric="arc"`` takes (longitude, latitude) in degrees and
    returns great-circle kilometres (haversine, Earth radius 6371.0088 km)."""
    xy = np.asarray(coords, dtype=float)
    if metric == "euclidean":
        diff = xy[:, None, :] - xy[None, :, :]
        return np.sqrt((diff ** 2).sum(axis=2))
    if metric == "arc":
        lon, lat = np.radians(xy[:, 0]), np.radians(xy[:, 1])
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    raise InputError(f'metric "{metric}" is not known; use "euclidean" (projected x, y) or '
                     f'"arc" (longitude, latitude in degrees → km)')


def distance_weights(coords, cutoff=None, power: float = 1.0, metric: str = "euclidean",
                     names=None) -> pd.DataFrame:
    """Inverse-distance weights w_ij = 1 / d_ij^power for 0 < d_ij ≤ cutoff, else 0.

    ``coords``: n × 2 (x, y) or, with ``metric="arc"``, (longitude, latitude)
    in degrees (distances in km). ``cutoff=None`` keeps every pair. Regions at
    the same place (d = 0) are refused; a region with no other region within
    the cutoff (an island) is refused, naming it and its nearest distance.
    Same as libpysal.weights.DistanceBand(binary=False, alpha=-power).
    """
    xy, labels = _coordinates(coords, names)
    if not (isinstance(power, numbers.Real) and power > 0):
        raise InputError(f"power must be a positive number; got {power!r}")
    D = distance_matrix(xy, metric)
    n = len(D)
    off = ~np.eye(n, dtype=bool)
    same = np.argwhere((D == 0) & off)
    if len(same):
        i, j = same[0]
        raise InputError(f"coordinates: {_region(i, labels)} and {_region(j, labels)} are at "
                         f"the same place; inverse distance is undefined")
    keep = off if cutoff is None else off & (D <= cutoff)
    W = np.zeros_like(D)
    W[keep] = 1.0 / D[keep] ** power
    lonely = np.flatnonzero(W.sum(axis=1) == 0)
    if len(lonely):
        i = lonely[0]
        nearest = np.min(D[i][off[i]])
        raise InputError(f"coordinates: {_region(i, labels)} has no neighbour within cutoff "
                         f"{cutoff:g} (nearest at {nearest:.4g}); raise the cutoff to at least "
                         f"that or use k nearest neighbours")
    return _frame(W, labels)


def knn_weights(coords, k: int = 4, metric: str = "euclidean", names=None) -> pd.DataFrame:
    """k-nearest-neighbour 0/1 weights (row i marks the k regions closest to i).

    Not symmetric in general. Ties at the k-th distance are broken by the
    order of the rows (the earlier region wins). Same as libpysal.weights.KNN
    when there are no ties.
    """
    xy, labels = _coordinates(coords, names)
    n = len(xy)
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 1 <= k <= n - 1:
        raise InputError(f"k must be a whole number from 1 to {n - 1} (regions − 1); got {k!r}")
    D = distance_matrix(xy, metric)
    np.fill_diagonal(D, np.inf)
    order = np.argsort(D, axis=1, kind="stable")[:, :k]
    W = np.zeros((n, n))
    W[np.repeat(np.arange(n), k), order.ravel()] = 1.0
    return _frame(W, labels)


# ------------------------------------------------------------------ y and W together

def _prepare(y, W, transform, what_y="y"):
    """Check y (one value per region) and W; align labels; apply the transform."""
    t = _check_transform(transform)
    y_labels = _labels_of(y)
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise InputError(f"{what_y} must be one column (one value per region); got {y.shape[1]}")
        y = y.iloc[:, 0]
    raw = np.asarray(y, dtype=object).ravel()
    vals = np.empty(len(raw))
    for i, v in enumerate(raw):
        if v is None or isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) or \
                not math.isfinite(float(v)):
            shown = "blank" if v is None or (isinstance(v, float) and math.isnan(v)) else repr(v)
            raise InputError(f"{what_y}: {_region(i, y_labels)} is {shown}; a number is needed")
        vals[i] = float(v)
    if isinstance(W, pd.DataFrame) and y_labels is not None and \
            not _default_index(W.index):
        w_labels = [str(v) for v in W.index]
        missing = [r for r in y_labels if r not in w_labels]
        if missing:
            raise InputError(f'W has no row for region "{missing[0]}" of {what_y}; add it to '
                             f"the neighbours table or correct the spelling")
        extra = [r for r in w_labels if r not in y_labels]
        if extra:
            raise InputError(f'W has region "{extra[0]}", which {what_y} does not have; '
                             f"remove it or add its value")
        Wf = W.copy()
        Wf.index = w_labels
        Wf.columns = [str(c) for c in W.columns]
        W = Wf.loc[y_labels, y_labels]
    Wv, w_labels = as_weights(W)
    names = y_labels or w_labels
    n = len(vals)
    if Wv.shape[0] != n:
        raise InputError(f"{what_y} has {n} regions but W is {Wv.shape[0]} × {Wv.shape[0]}; "
                         f"one row and column per region needed")
    if n < 3:
        raise InputError(f"{what_y} has {n} regions; Moran's I needs at least 3 (with 2 regions "
                         f"I = −1 whatever the data)")
    if np.ptp(vals) == 0:
        raise InputError(f"{what_y} is {vals[0]:g} in every region; Moran's I is undefined "
                         f"for a constant variable")
    return vals, transform_weights(Wv, t), t, names


def _esda_available():
    try:
        import esda  # noqa: F401
        import libpysal  # noqa: F401
    except Exception:
        return False
    return True


def _pick_engine(engine):
    if engine not in ENGINES:
        raise InputError(f'engine "{engine}" is not known; use one of {", ".join(ENGINES)}')
    if engine == "esda" and not _esda_available():
        raise InputError('engine="esda" needs PySAL: pip install "jjj-xl[spatial]" (esda, libpysal)')
    if engine == "auto":
        return "esda" if _esda_available() else "numpy"
    return engine


def _libpysal_w(Wt, transform):
    from libpysal.weights import W as PysalW
    n = len(Wt)
    neighbors, weights = {}, {}
    for i in range(n):
        nz = np.flatnonzero(Wt[i])
        neighbors[i] = nz.tolist()
        weights[i] = Wt[i, nz].tolist()
    w = PysalW(neighbors, weights, silence_warnings=True)
    w.transform = "O"  # Wt already carries the transformation
    return w


# ------------------------------------------------------------------ global Moran's I

@dataclass
class MoranResult:
    """Global Moran's I and its tests (see :func:`morans_i`)."""

    I: float
    expected: float
    variance_norm: float
    z: float
    p_norm: float
    z_rand: float | None
    p_rand: float | None
    p_sim: float | None
    n: int
    permutations: int
    exact: bool
    notes: dict = field(default_factory=dict)

    def __repr__(self):
        return (f"MoranResult(I={self.I:.6g}, expected={self.expected:.6g}, z={self.z:.4g}, "
                f"p_norm={self.p_norm:.4g}, p_sim={self.p_sim})")


def _moments(W):
    S0 = W.sum()
    S1 = 0.5 * ((W + W.T) ** 2).sum()
    S2 = ((W.sum(axis=1) + W.sum(axis=0)) ** 2).sum()
    return S0, S1, S2


def _moran_I(z, W, S0):
    return len(z) / S0 * (z @ W @ z) / (z @ z)


def _norm_sf(x):
    return 0.5 * math.erfc(x / math.sqrt(2.0))


def _two_sided(z):
    return min(1.0, 2.0 * _norm_sf(abs(z)))


def _fold(count_ge: int, total: int) -> int:
    """esda's one-sided count: the smaller tail in the direction of the observed value."""
    return total - count_ge if total - count_ge < count_ge else count_ge


def morans_i(y, W, permutations: int = 999, seed=None, transform: str = "r",
             engine: str = "auto", alpha: float = 0.05) -> MoranResult:
    """Global Moran's I of ``y`` (one value per region) with spatial weights ``W``.

    I = (n / S0) · Σ_i Σ_j w_ij z_i z_j / Σ_i z_i², z = y − ȳ (Moran 1950).

    Parameters
    ----------
    y : n values (list, array, Series; a Series index names the regions and is
        matched to the labels of a DataFrame ``W``).
    W : n × n weights (0/1 contiguity from :func:`contiguity_weights`, or
        inverse distances from :func:`distance_weights`, or any non-negative
        table). Raw distances are not weights: convert them first.
    transform : ``"r"`` (default) row-standardises W (each row sums to 1, as
        GeoDa, esda and spdep style "W" do); ``"b"`` binary; ``"none"`` as given.
    permutations : random permutations for ``p_sim``. When n! is not more
        than ``permutations`` all n! permutations are enumerated instead (an
        exact test). ``0`` skips the permutation test.
    seed : int for reproducible permutations. With ``engine="numpy"`` the
        draws equal ``np.random.seed(seed)`` followed by esda.Moran.

    Returns
    -------
    MoranResult with ``I``, ``expected`` = E[I] = −1/(n−1), ``variance_norm``,
    ``z`` = (I − E[I])/√Var under the normality assumption and ``p_norm`` its
    two-sided p-value (as esda); ``z_rand``/``p_rand`` under randomisation
    (Cliff & Ord 1981; None for n < 4, where that variance is undefined);
    ``p_sim`` the pseudo p-value (count + 1)/(permutations + 1), one-sided in
    the direction of the observed I (esda's definition); ``notes``.

    Errors and warnings
    -------------------
    InputError for fewer than 3 regions, a constant y, blanks/text, islands,
    and weights for which I does not depend on the data (every region
    neighbours every other with equal weights: I ≡ −1/(n−1), e.g. Beijing,
    Tianjin, Hebei). JJJWarning when the smallest attainable p_sim exceeds
    ``alpha`` (n = 3 or 4: 3! = 6 permutations, so p_sim ≥ 1/6) — I is then
    descriptive only.
    """
    vals, Wt, t, names = _prepare(y, W, transform)
    perms = _check_permutations(permutations)
    engine = _pick_engine(engine)
    n = len(vals)
    z = vals - vals.mean()
    S0, S1, S2 = _moments(Wt)
    EI = -1.0 / (n - 1)
    VI = (n * n * S1 - n * S2 + 3 * S0 * S0) / ((n * n - 1) * S0 * S0) - EI * EI
    if VI <= 1e-12 * EI * EI:
        raise InputError(f"with these weights Moran's I is {EI:.4g} = −1/(n−1) whatever the "
                         f"data (every one of the {n} regions neighbours every other with equal "
                         f"weight); it cannot measure spatial autocorrelation — use more regions "
                         f"(e.g. cities) or distance weights")
    notes = {"W": TRANSFORMS[t], "engine": engine,
             "p_norm": "two-sided, normality assumption (Cliff & Ord 1981)",
             "p_sim": "one-sided in the direction of I: (count + 1)/(permutations + 1) (esda)"}
    if engine == "esda":
        I, VI, z_norm, p_norm, z_rand, p_rand = _esda_moran(vals, Wt, n)
    else:
        I = _moran_I(z, Wt, S0)
        z_norm = (I - EI) / math.sqrt(VI)
        p_norm = _two_sided(z_norm)
        z_rand = p_rand = None
        if n >= 4:
            m2 = (z ** 2).sum() / n
            b2 = (z ** 4).sum() / n / m2 ** 2
            A = n * ((n * n - 3 * n + 3) * S1 - n * S2 + 3 * S0 * S0)
            B = b2 * ((n * n - n) * S1 - 2 * n * S2 + 6 * S0 * S0)
            VR = (A - B) / ((n - 1) * (n - 2) * (n - 3) * S0 * S0) - EI * EI
            if VR > 0:
                z_rand = (I - EI) / math.sqrt(VR)
                p_rand = _two_sided(z_rand)
    if z_rand is None:
        notes["p_rand"] = "not available: the randomisation variance needs n ≥ 4 and a positive value"
    p_sim, exact = None, False
    if perms:
        p_sim, exact, floor = _global_permutation(z, Wt, S0, I, perms, seed)
        notes["permutations"] = (f"all {math.factorial(n)} permutations (exact)" if exact
                                 else f"{perms} random permutations")
        if floor > alpha:
            msg = (f"with {n} regions p_sim cannot go below {floor:.3g}, so Moran's I cannot be "
                   f"significant at {alpha:g}; read I as descriptive only")
            notes["small n"] = msg
            warn(msg)
    return MoranResult(I=float(I), expected=EI, variance_norm=float(VI), z=float(z_norm),
                       p_norm=float(p_norm),
                       z_rand=None if z_rand is None else float(z_rand),
                       p_rand=None if p_rand is None else float(p_rand),
                       p_sim=p_sim, n=n, permutations=perms, exact=exact, notes=notes)


def _check_permutations(permutations):
    if isinstance(permutations, bool) or not isinstance(permutations, numbers.Integral) or \
            permutations < 0:
        raise InputError(f"permutations must be a whole number ≥ 0 (999 is usual); got {permutations!r}")
    return int(permutations)


def _esda_moran(vals, Wt, n):
    import esda
    w = _libpysal_w(Wt, "O")
    with np.errstate(all="ignore"):
        mi = esda.Moran(vals, w, transformation="O", permutations=0, two_tailed=True)
    z_rand = p_rand = None
    if n >= 4 and np.isfinite(mi.z_rand):
        z_rand, p_rand = float(mi.z_rand), float(mi.p_rand)
    return float(mi.I), float(mi.VI_norm), float(mi.z_norm), float(mi.p_norm), z_rand, p_rand


def _global_permutation(z, Wt, S0, I, perms, seed):
    """(p_sim, exact?, smallest attainable p)."""
    n = len(z)
    if math.factorial(n) <= perms:
        sims = np.array([_moran_I(z[list(p)], Wt, S0) for p in itertools.permutations(range(n))])
        tol = 1e-10 * max(1.0, abs(I))
        ge = int((sims >= I - tol).sum())
        le = int((sims <= I + tol).sum())
        total = len(sims)
        # the observed arrangement is one of the n! permutations; so are its symmetric copies
        return min(ge, le) / total, True, 1.0 / total
    rng = np.random.RandomState(seed)
    sims = np.array([_moran_I(rng.permutation(z), Wt, S0) for _ in range(perms)])
    larger = _fold(int((sims >= I).sum()), perms)
    return (larger + 1.0) / (perms + 1.0), False, 1.0 / (perms + 1.0)


# ------------------------------------------------------------------ local Moran (LISA)

@dataclass
class LocalMoranResult:
    """Local Moran's I_i per region (see :func:`local_morans`)."""

    Is: object
    quadrant: object
    p_sim: object
    cluster: object
    z: object
    lag: object
    alpha: float
    notes: dict = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        index = self.Is.index if isinstance(self.Is, pd.Series) else None
        return pd.DataFrame({"Is": np.asarray(self.Is), "quadrant": np.asarray(self.quadrant),
                             "p_sim": np.asarray(self.p_sim), "cluster": np.asarray(self.cluster)},
                            index=index)


def local_morans(y, W, permutations: int = 999, seed=None, alpha: float = 0.05,
                 transform: str = "r", engine: str = "auto") -> LocalMoranResult:
    """Local Moran's I_i (LISA, Anselin 1995) of every region, with clusters.

    Scaling (PySAL esda.Moran_Local): I_i = (n − 1) · z_i · Σ_j w_ij z_j / Σ_k z_k²,
    z = y − ȳ. This is Anselin's (1995, eq. 12) I_i = (z_i / m2) Σ_j w_ij z_j with
    m2 = Σ z²/(n − 1); R spdep::localmoran (m2 = Σ z²/n) and GeoDa print
    n/(n − 1) times this value. Signs, quadrants and p-values are unaffected.

    quadrant: "HH" (z_i > 0 and spatial lag > 0), "LH", "LL", "HL" — the first
    letter is the region, the second its neighbours (z = 0 counts as L, as esda).
    p_sim: conditional permutation (the region's value fixed, the others
    permuted over its neighbours), one-sided in the direction of I_i,
    (count + 1)/(permutations + 1); exact enumeration when the number of
    arrangements of the neighbours is not more than ``permutations``.
    cluster: the quadrant where p_sim ≤ ``alpha``, else "not significant".

    Row-standardised W by default (``transform``). Refusals as :func:`morans_i`.
    The numpy permutations do not reproduce esda's random stream (esda draws
    with numba); they agree in distribution (tested).
    """
    vals, Wt, t, names = _prepare(y, W, transform)
    perms = _check_permutations(permutations)
    if not (isinstance(alpha, numbers.Real) and 0 < alpha < 1):
        raise InputError(f"alpha must be between 0 and 1 (0.05 is usual); got {alpha!r}")
    engine = _pick_engine(engine)
    n = len(vals)
    z = vals - vals.mean()
    den = (z ** 2).sum()
    lag = Wt @ z
    Is = (n - 1) * z * lag / den
    q = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3))
    notes = {"W": TRANSFORMS[t], "engine": engine,
             "scaling": "I_i = (n−1)·z_i·Σ_j w_ij z_j / Σ z² (esda.Moran_Local); "
                        "spdep/GeoDa print n/(n−1) times this",
             "p_sim": "conditional permutation, one-sided, (count + 1)/(permutations + 1)"}
    p = np.full(n, np.nan)
    if perms:
        k_max = int((Wt > 0).sum(axis=1).max())
        if engine == "esda" and math.perm(n - 1, k_max) > perms:
            p = _esda_local_p(vals, Wt, perms, seed)
            floor = np.full(n, 1.0 / (perms + 1.0))
        else:  # few regions: every arrangement is enumerated (exact), whatever the engine
            p, floor = _local_permutation(z, Wt, Is, den, perms, seed)
            if engine == "esda":
                notes["engine"] = "esda for I_i; exact enumeration (numpy) for p_sim"
        if np.min(floor) > alpha:
            msg = (f"with {n} regions no local p_sim can go below {np.min(floor):.3g}; "
                   f"no LISA cluster can be significant at {alpha:g}")
            notes["small n"] = msg
            warn(msg)
        cluster = np.where(p <= alpha, np.vectorize(QUADRANTS.get)(q), NOT_SIGNIFICANT)
    else:
        cluster = np.full(n, NOT_SIGNIFICANT, dtype=object)
        notes["cluster"] = "permutations=0: no test, so no region is marked significant"
    quad = np.vectorize(QUADRANTS.get)(q).astype(object)
    cluster = np.asarray(cluster, dtype=object)
    if names is not None:
        idx = pd.Index(names, name="region")
        wrap = lambda v, nm: pd.Series(v, index=idx, name=nm)  # noqa: E731
        return LocalMoranResult(Is=wrap(Is, "Is"), quadrant=wrap(quad, "quadrant"),
                                p_sim=wrap(p, "p_sim"), cluster=wrap(cluster, "cluster"),
                                z=wrap(z, "z"), lag=wrap(lag, "lag"), alpha=alpha, notes=notes)
    return LocalMoranResult(Is=Is, quadrant=quad, p_sim=p, cluster=cluster, z=z, lag=lag,
                            alpha=alpha, notes=notes)


def _local_permutation(z, Wt, Is, den, perms, seed):
    n = len(z)
    rng = np.random.default_rng(seed)
    p = np.empty(n)
    floor = np.empty(n)
    scale = (n - 1) / den
    for i in range(n):
        nb = np.flatnonzero(Wt[i])
        w = Wt[i, nb]
        k = len(nb)
        others = np.delete(z, i)
        arrangements = math.perm(n - 1, k)
        if arrangements <= perms:
            lags = np.array([w @ others[list(c)] for c in itertools.permutations(range(n - 1), k)])
            sims = scale * z[i] * lags
            tol = 1e-10 * max(1.0, abs(Is[i]))
            ge = int((sims >= Is[i] - tol).sum())
            le = int((sims <= Is[i] + tol).sum())
            p[i] = min(ge, le) / arrangements
            floor[i] = 1.0 / arrangements
        else:
            draws = rng.permuted(np.tile(others, (perms, 1)), axis=1)[:, :k]
            sims = scale * z[i] * (draws @ w)
            larger = _fold(int((sims >= Is[i]).sum()), perms)
            p[i] = (larger + 1.0) / (perms + 1.0)
            floor[i] = 1.0 / (perms + 1.0)
    return p, floor


def _esda_local_p(vals, Wt, perms, seed):
    import esda
    w = _libpysal_w(Wt, "O")
    import warnings
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # esda 2.x announces a future default (two-sided); we keep its current directed test
        warnings.simplefilter("ignore", DeprecationWarning)
        lm = esda.Moran_Local(vals, w, transformation="O", permutations=perms,
                              seed=seed, n_jobs=1)
    return np.asarray(lm.p_sim, dtype=float)
