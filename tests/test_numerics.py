"""Numerics that do not depend on units or float noise (issue 7 item 7, issue 9 fault 2).

Metamorphic properties (hypothesis): a column scaled by 10^k (|k| ≤ 300) gives the same
weights, standardised values, closeness and obstacle degrees wherever the method is
scale invariant; a column shifted by 1e15 gives the same results wherever the method is
shift invariant (minmax, zscore, middle / interval types); min-max endpoints are exactly
0 and 1; a row that is best everywhere has obstacle exactly 0 (with a JJJWarning).

Which methods are invariant, mathematically (so these are the properties tested):
  x → a·x (a > 0): minmax, max, vector, share, zscore, interval/middle (band moved too)
  x → x + b:       minmax, zscore, interval/middle (band moved too); NOT max, vector, share
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import jjj_xl as jx

pytestmark = pytest.mark.filterwarnings("ignore::jjj_xl.errors.JJJWarning")
SETTINGS = settings(max_examples=60, deadline=None)
SCALE_METHODS = ("minmax", "max", "vector", "share", "zscore")
SHIFT_METHODS = ("minmax", "zscore")
TOL = 1e-9


@st.composite
def data(draw, min_rows=3, max_rows=10, max_cols=5, integers=False):
    """m × n in [1, 1000], each column with its minimum and maximum at least 1 apart."""
    m = draw(st.integers(min_rows, max_rows))
    n = draw(st.integers(1, max_cols))
    if integers:
        X = draw(hnp.arrays(np.int64, (m, n), elements=st.integers(1, 1000))).astype(float)
    else:
        X = draw(hnp.arrays(np.float64, (m, n), elements=st.floats(1.0, 1000.0)))
    for j in range(n):
        i_lo, i_hi = draw(st.permutations(range(m)))[:2]
        X[i_lo, j] = X[:, j].min() if X[:, j].min() < X[:, j].max() - 1 else 1.0
        X[i_hi, j] = max(X[:, j].max(), X[i_lo, j] + 1)
    return X


def dirs_for(n, draw):
    return [draw(st.sampled_from(["+", "-"])) for _ in range(n)]


def results(X, dirs, method, w):
    """Everything that must not change: standardised values, entropy weights (where the
    method is an entropy method), TOPSIS closeness, obstacle degrees."""
    out = {"R": np.asarray(jx.standardize(X, dirs if method != "share" else None, method=method)),
           "C": np.asarray(jx.topsis(X, w, dirs, method=method).closeness)}
    if method == "zscore":
        out["w"] = np.asarray(jx.entropy_weights(X, dirs, method="zscore", translate="spssau").w)
    elif method in ("minmax", "max", "share"):
        out["w"] = np.asarray(jx.entropy_weights(X, dirs if method != "share" else None,
                                                 method=method, shift=1e-4).w)
    if method == "minmax":
        out["O"] = jx.obstacle_degree(X, w, dirs).indicator.to_numpy()
        out["G"] = np.asarray(jx.grey_relational_grade(X, dirs).grade)
    return out


def assert_same(a, b, tol=TOL):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(b[k], a[k], rtol=0, atol=tol, err_msg=k)


# ---------------------------------------------------------------- scaling by 10^k

@SETTINGS
@given(st.data(), st.sampled_from(SCALE_METHODS), st.integers(-300, 300), st.booleans())
def test_scaling_a_column_by_ten_to_the_k_changes_nothing(d, method, k, all_columns):
    X = d.draw(data())
    n = X.shape[1]
    dirs = dirs_for(n, d.draw)
    if method == "max":
        dirs = ["+" if s == "+" else "-" for s in dirs]
    w = np.full(n, 1.0 / n)
    base = results(X, dirs, method, w)
    Y = X.copy()
    cols = slice(None) if all_columns else slice(0, 1)
    Y[:, cols] = Y[:, cols] * 10.0 ** k
    assert np.isfinite(Y).all()
    assert_same(base, results(Y, dirs, method, w))


@SETTINGS
@given(st.data(), st.sampled_from(("vector", "share", "max")), st.integers(-300, 300))
def test_vector_share_max_standardised_columns_invariant_to_scale(d, method, k):
    """x/√Σx², x/Σx and x/max of a column do not depend on its unit, even at 1e±300
    (no overflow of Σx², no underflow)."""
    X = d.draw(data())
    R = np.asarray(jx.standardize(X, method=method))
    R2 = np.asarray(jx.standardize(X * 10.0 ** k, method=method))
    np.testing.assert_allclose(R2, R, rtol=1e-12, atol=0)


def test_issue7_topsis_1e308_same_as_rescaled():
    """Issue 7: topsis([[1e308,2],[3,5],[2,9]], [.5,.5]) gave [0, .43, 1] while column 1
    divided by 1e300 gave [.60, .21, .40]. Both must give the same (the rescaled one is
    ordinary arithmetic: norms √(1e16+13) etc., no overflow)."""
    c1 = np.asarray(jx.topsis([[1e308, 2], [3, 5], [2, 9]], [.5, .5]).closeness)
    c2 = np.asarray(jx.topsis([[1e8, 2], [3e-300, 5], [2e-300, 9]], [.5, .5]).closeness)
    np.testing.assert_allclose(c1, c2, rtol=1e-12)
    np.testing.assert_allclose(c1, [0.60, 0.21, 0.40], atol=0.005)
    # by hand: column 1 standardised ≈ (1, 0, 0), column 2 (2, 5, 9)/√110; ideal (1, 9/√110)
    r2 = np.array([2, 5, 9]) / np.sqrt(110)
    V = 0.5 * np.c_[[1.0, 0, 0], r2]
    dp = np.hypot(V[:, 0] - 0.5, V[:, 1] - V[:, 1].max())
    dm = np.hypot(V[:, 0] - 0.0, V[:, 1] - V[:, 1].min())
    np.testing.assert_allclose(c1, dm / (dp + dm), rtol=1e-12)


# ---------------------------------------------------------------- shifting by 1e15

@SETTINGS
@given(st.data(), st.sampled_from(SHIFT_METHODS))
def test_shifting_by_1e15_changes_nothing_for_shift_invariant_methods(d, method):
    """Integer data + 1e15 are exact in binary64 (< 2^53), so the shifted problem is the
    same problem; minmax and zscore must give the same answers (subtract first)."""
    X = d.draw(data(integers=True))
    n = X.shape[1]
    dirs = dirs_for(n, d.draw)
    w = np.full(n, 1.0 / n)
    Y = X + 1e15
    assert np.array_equal(Y - 1e15, X)
    assert_same(results(X, dirs, method, w), results(Y, dirs, method, w), tol=1e-9)


@SETTINGS
@given(st.data())
def test_middle_and_interval_types_invariant_to_shift_and_scale(d):
    """Middle / interval positivisation with the best value / band moved with the data."""
    X = d.draw(data(integers=True))
    col = X[:, 0]
    best = float(d.draw(st.integers(int(col.min()), int(col.max()))))
    a = float(d.draw(st.integers(int(col.min()), int(col.max()))))
    b = float(d.draw(st.integers(int(a), int(col.max()))))
    for spec, moved in ((("middle", best), lambda s, t: ("middle", best * s + t)),
                        (("interval", a, b), lambda s, t: ("interval", a * s + t, b * s + t))):
        base = np.asarray(jx.positivize(X[:, :1], [spec]))
        shifted = np.asarray(jx.positivize(X[:, :1] + 1e15, [moved(1, 1e15)]))
        np.testing.assert_allclose(shifted, base, rtol=0, atol=1e-12)
        scaled = np.asarray(jx.positivize(X[:, :1] * 2.0 ** 300, [moved(2.0 ** 300, 0)]))
        np.testing.assert_allclose(scaled, base, rtol=0, atol=1e-12)


def test_issue7_entropy_shifted_by_1e15():
    """Issue 7: entropy_weights([[1e15,1],[1e15+1,2],[1e15+3,4],[1e15+2,8]], shift=1e-4)
    failed with "entropy nan"; it must equal the same data without the 1e15."""
    X = np.array([[0, 1], [1, 2], [3, 4], [2, 8]], dtype=float)
    w0 = np.asarray(jx.entropy_weights(X, shift=1e-4).w)
    w1 = np.asarray(jx.entropy_weights(X + [1e15, 0], shift=1e-4).w)
    np.testing.assert_allclose(w1, w0, rtol=0, atol=1e-12)
    # by hand, column 1: z = (0, 1/3, 1, 2/3) + 1e-4
    z = np.array([0, 1 / 3, 1, 2 / 3]) + 1e-4
    p = z / z.sum()
    e1 = -(p * np.log(p)).sum() / np.log(4)
    z2 = (np.array([1, 2, 4, 8.0]) - 1) / 7 + 1e-4
    p2 = z2 / z2.sum()
    e2 = -(p2 * np.log(p2)).sum() / np.log(4)
    np.testing.assert_allclose(w0, np.array([1 - e1, 1 - e2]) / (2 - e1 - e2), rtol=1e-12)


# ---------------------------------------------------------------- exact endpoints

@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 9), st.integers(1, 4)),
                  elements=st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)),
       st.sampled_from([0.0, 1e-4, 0.01, 1.0]), st.data())
def test_minmax_endpoints_exact(X, shift, d):
    """Rows at a column's minimum get exactly 0 (+ shift), at its maximum exactly 1 (+ shift);
    cost columns the other way round; every value in [shift, 1 + shift]. Any magnitude."""
    n = X.shape[1]
    dirs = [d.draw(st.sampled_from(["+", "-"])) for _ in range(n)]
    R = np.asarray(jx.standardize(X, dirs, method="minmax", shift=shift))
    assert np.isfinite(R).all()
    for j in range(n):
        col = X[:, j]
        if col.min() == col.max():
            continue
        at_min, at_max = col == col.min(), col == col.max()
        lo_val, hi_val = (shift, 1.0 + shift) if dirs[j] == "+" else (1.0 + shift, shift)
        assert (R[at_min, j] == lo_val).all() and (R[at_max, j] == hi_val).all()
        assert (R[:, j] >= shift).all() and (R[:, j] <= 1.0 + shift).all()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_obstacle_of_a_row_best_everywhere_is_exactly_zero(d):
    """Issue 9 fault 2: append a row that is best on every indicator (max of benefit, min
    of cost columns): its obstacle degrees are exactly 0 with a JJJWarning naming it; the
    other rows' obstacles sum to 1."""
    X = d.draw(data(min_rows=2))
    X = X * d.draw(st.sampled_from([1.0, 0.1, 1e-3, 7.3]))   # noisy decimal scales too
    m, n = X.shape
    dirs = dirs_for(n, d.draw)
    best = np.array([X[:, j].max() if s == "+" else X[:, j].min() for j, s in enumerate(dirs)])
    Xb = np.vstack([X, best])
    w = np.full(n, 1.0 / n)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        O = jx.obstacle_degree(Xb, w, dirs).indicator.to_numpy()
    assert (O[-1] == 0.0).all()
    # the warning names the row (or "and k more" when over five rows are at the best)
    assert any(("row " + str(m + 1) in str(c.message) or " more " in str(c.message))
               and "obstacle 0" in str(c.message)
               for c in caught if issubclass(c.category, jx.JJJWarning))
    rows = O[:-1].sum(axis=1)
    assert np.all((np.abs(rows - 1) < 1e-12) | (rows == 0))


def test_issue7_obstacle_example():
    """Issue 7: obstacle_degree([[0.2,0.6],[0.4,0.8]], [0.5,0.5]) gave row 2 (best
    everywhere) [0, 1] from min-max noise 0.9999999999999996; now [0, 0] with a warning.
    Row 1 is worst everywhere: r = (0, 0), O = 0.5·1/(0.5 + 0.5) = (0.5, 0.5)."""
    with pytest.warns(jx.JJJWarning, match="row 2 is at the best on every weighted indicator"):
        O = jx.obstacle_degree([[0.2, 0.6], [0.4, 0.8]], [0.5, 0.5]).indicator.to_numpy()
    assert O.tolist() == [[0.5, 0.5], [0.0, 0.0]]


# ---------------------------------------------------------------- row order

@SETTINGS
@given(st.data(), st.sampled_from(SCALE_METHODS))
def test_row_permutation_permutes_results(d, method):
    X = d.draw(data())
    n = X.shape[1]
    dirs = dirs_for(n, d.draw)
    w = np.full(n, 1.0 / n)
    perm = np.array(d.draw(st.permutations(range(X.shape[0]))))
    a, b = results(X, dirs, method, w), results(X[perm], dirs, method, w)
    for k in a:
        expect = a[k] if k == "w" else a[k][perm]
        np.testing.assert_allclose(b[k], expect, rtol=0, atol=1e-12, err_msg=k)


# ---------------------------------------------------------------- blocked / wide paths

def _naive(X, dirs, shift, method, w_given=None):
    """Textbook numpy with full-size temporaries: entropy (min-max + shift) then TOPSIS."""
    s = np.where(np.asarray(dirs) > 0, 1, -1)
    lo, hi = X.min(0), X.max(0)
    Z = np.where(s > 0, (X - lo) / (hi - lo), (hi - X) / (hi - lo)) + shift
    P = Z / Z.sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = -np.where(P > 0, P * np.log(P), 0).sum(0) / np.log(len(X))
    w = (1 - e) / (1 - e).sum() if w_given is None else w_given
    if method == "vector":
        R = X / np.sqrt((X ** 2).sum(0))
        best = np.where(s > 0, R.max(0), R.min(0))
        worst = np.where(s > 0, R.min(0), R.max(0))
    else:
        R = Z - shift
        best, worst = R.max(0), R.min(0)
    V = R * w
    dp = np.sqrt(((V - best * w) ** 2).sum(1))
    dm = np.sqrt(((V - worst * w) ** 2).sum(1))
    return w, dm / (dp + dm)


@pytest.mark.parametrize("m,n", [(1, 1), (1000, 1), (2049, 3), (4096 + 77, 30), (3000, 50),
                                 (700, 600), (20_001, 7)])
@pytest.mark.parametrize("method", ["vector", "minmax"])
def test_blocked_wide_paths_equal_textbook_numpy(m, n, method):
    """The engine lays k rows side by side (k·n ≈ 512) and sums with BLAS; sizes here cover
    k > 1 with and without remainder rows, k = 1 (n ≥ 512), several blocks, and the
    counting rank (m ≥ 20 000). Compared with textbook numpy on full-size arrays, and the
    ranks with scipy's rankdata(method="min") on closeness rounded to 12 decimals."""
    from scipy.stats import rankdata
    from jjj_xl.methods.topsis import entropy_topsis
    rng = np.random.default_rng(m * 31 + n)
    X = rng.uniform(0.5, 10.0, size=(max(m, 2), n))
    dirs = np.where(rng.permutation(n) % 2 == 0, 1, -1)
    w_ref, c_ref = _naive(X, dirs, 1.0, method)
    res = entropy_topsis(X, dirs, method=method)
    np.testing.assert_allclose(np.asarray(res.weights.w), w_ref, rtol=0, atol=1e-12)
    c = np.asarray(res.closeness)
    # 1e-10 as the peer checks: with many rows e → 1 and d = 1 − e is small, so summation
    # order alone moves the weights (and closeness) by ~1e-12
    np.testing.assert_allclose(c, c_ref, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(np.asarray(res.rank),
                                  rankdata(-np.round(c, 12), method="min").astype(int))
    # the separate calls give the same numbers
    w2 = jx.entropy_weights(X, dirs)
    c2 = jx.topsis(X, w2.w, dirs, method=method).closeness
    np.testing.assert_allclose(c2, c, rtol=0, atol=1e-13)


@settings(max_examples=40, deadline=None)
@given(st.integers(20_000, 60_000), st.integers(0, 2 ** 32 - 1), st.sampled_from([3, 6, 12]))
def test_counting_rank_equals_rankdata_with_ties(m, seed, decimals):
    """Rank by counting (m ≥ 20 000) = 1 + number of strictly larger values, ties share the
    best rank (Excel RANK.EQ), for data with many ties (values rounded to few decimals)."""
    from scipy.stats import rankdata
    from jjj_xl.methods.topsis import rank_desc
    rng = np.random.default_rng(seed)
    v = np.round(rng.beta(5, 5, size=m), decimals)
    v[rng.integers(0, m, 10)] = rng.choice([0.0, 1.0, 0.5])
    np.testing.assert_array_equal(rank_desc(v), rankdata(-v, method="min").astype(int))


@pytest.mark.parametrize("method", ["minmax", "max", "share", "zscore", "vector"])
def test_wide_path_equals_plain_path_every_method(method):
    """The wide layout is used for C-contiguous data only; a Fortran-ordered copy of the same
    matrix runs the plain 30-wide blocks. Both must agree for every method (entropy where it
    applies, TOPSIS with mixed directions, incl. max's reciprocal cost formula)."""
    rng = np.random.default_rng(7)
    X = rng.uniform(0.5, 10.0, size=(5000 + 13, 30))
    F = np.asfortranarray(X)
    dirs = np.where(rng.permutation(30) % 3 == 0, -1, 1)
    w = rng.uniform(0.1, 1, 30)
    w /= w.sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        if method in ("minmax", "max", "share", "zscore"):
            kw = {"translate": "spssau"} if method == "zscore" else {}
            a = jx.entropy_weights(X, dirs, method=method, **kw).w
            b = jx.entropy_weights(F, dirs, method=method, **kw).w
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
        a = jx.topsis(X, w, dirs, method=method).closeness
        b = jx.topsis(F, w, dirs, method=method).closeness
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
