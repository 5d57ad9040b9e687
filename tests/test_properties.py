"""Property-based tests of the engine against METHODS.md (§1–§4).

Matrices are small (≤ 12 × 6) with values in 0.1–1000; every column is
built to vary (its minimum and maximum are at least 1 apart), so no test
depends on near-degenerate data.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import jjj_xl as jx
from jjj_xl.methods._matrix import as_matrix, parse_directions
from jjj_xl.methods.standardize import fit_standardizer
from jjj_xl.methods.topsis import closeness_from_distances, topsis_distances

pytestmark = pytest.mark.filterwarnings("ignore::jjj_xl.errors.JJJWarning")

SETTINGS = settings(max_examples=60, deadline=None)

ENTROPY_METHODS = ("minmax", "share", "max")
TOPSIS_METHODS = ("vector", "minmax", "max")
CLOSENESS = ("ratio", "squared")
MODELS = ("classic", "ring", "ring_printed", "wang")
# spellings METHODS.md says must be accepted
BENEFIT = ("+", 1, "benefit", "positive", "正", "正向")
COST = ("-", -1, "cost", "negative", "负", "负向")

# METHODS.md §4, scheme ccd10 — written out from the spec, not copied from code
CCD10_TABLE = [
    # level, lower bound, English, 中文
    (1, 0.0, "Extreme imbalance", "极度失调"),
    (2, 0.1, "Serious imbalance", "严重失调"),
    (3, 0.2, "Moderate imbalance", "中度失调"),
    (4, 0.3, "Mild imbalance", "轻度失调"),
    (5, 0.4, "On the verge of imbalance", "濒临失调"),
    (6, 0.5, "Barely coordinated", "勉强协调"),
    (7, 0.6, "Primary coordination", "初级协调"),
    (8, 0.7, "Intermediate coordination", "中级协调"),
    (9, 0.8, "Good coordination", "良好协调"),
    (10, 0.9, "Quality coordination", "优质协调"),
]
BOUNDS = [row[1] for row in CCD10_TABLE]


# ---------------------------------------------------------------- strategies

@st.composite
def data_matrices(draw, min_rows=2, max_rows=12, min_cols=1, max_cols=6):
    """m × n matrix in [0.1, 1000]; every column spans at least 1 (min and max set by construction)."""
    m = draw(st.integers(min_rows, max_rows))
    n = draw(st.integers(min_cols, max_cols))
    frac = draw(hnp.arrays(np.float64, (m, n),
                           elements=st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)))
    X = np.empty((m, n))
    for j in range(n):
        lo = draw(st.floats(0.1, 500.0, allow_nan=False, allow_infinity=False))
        span = draw(st.floats(1.0, 499.9, allow_nan=False, allow_infinity=False))
        i_lo, i_hi = draw(st.permutations(range(m)))[:2]
        col = frac[:, j].copy()
        col[i_lo], col[i_hi] = 0.0, 1.0
        X[:, j] = lo + span * col
    return X


@st.composite
def directions_for(draw, n):
    return [draw(st.sampled_from(BENEFIT + COST)) for _ in range(n)]


@st.composite
def weight_vectors(draw, n):
    raw = np.array(draw(st.lists(st.floats(0.01, 1.0, allow_nan=False), min_size=n, max_size=n)))
    return raw / raw.sum()


@st.composite
def u_matrices(draw, min_rows=1, max_rows=12, min_cols=2, max_cols=6):
    m = draw(st.integers(min_rows, max_rows))
    n = draw(st.integers(min_cols, max_cols))
    return draw(hnp.arrays(np.float64, (m, n),
                           elements=st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)))


def _w(res):
    return np.asarray(res.w, dtype=float)


# ---------------------------------------------------------------- §2 entropy weights

@SETTINGS
@given(data=st.data(), method=st.sampled_from(ENTROPY_METHODS))
def test_entropy_weights_nonnegative_sum_to_one(data, method):
    X = data.draw(data_matrices())
    dirs = data.draw(directions_for(X.shape[1]))
    w = _w(jx.entropy_weights(X, dirs, method=method))
    assert w.shape == (X.shape[1],)
    assert np.all(np.isfinite(w))
    assert np.all(w >= 0)
    assert math.isclose(w.sum(), 1.0, abs_tol=1e-12)


@SETTINGS
@given(data=st.data(), a=st.floats(0.01, 100.0), b=st.floats(-1000.0, 1000.0),
       cost=st.booleans())
def test_minmax_entropy_invariant_to_positive_affine_change_of_one_column(data, a, b, cost):
    X = data.draw(data_matrices(min_cols=2))
    n = X.shape[1]
    j = data.draw(st.integers(0, n - 1))
    dirs = data.draw(directions_for(n))
    dirs[j] = "-" if cost else "+"
    Y = X.copy()
    Y[:, j] = a * X[:, j] + b
    w_x = _w(jx.entropy_weights(X, dirs, method="minmax"))
    w_y = _w(jx.entropy_weights(Y, dirs, method="minmax"))
    np.testing.assert_allclose(w_y, w_x, rtol=0, atol=1e-9)


# ---------------------------------------------------------------- §3 TOPSIS

@SETTINGS
@given(data=st.data(), method=st.sampled_from(TOPSIS_METHODS),
       closeness=st.sampled_from(CLOSENESS))
def test_topsis_closeness_in_unit_interval(data, method, closeness):
    X = data.draw(data_matrices())
    n = X.shape[1]
    dirs = data.draw(directions_for(n))
    w = data.draw(weight_vectors(n))
    c = np.asarray(jx.topsis(X, w, dirs, method=method, closeness=closeness).closeness)
    assert c.shape == (X.shape[0],)
    assert np.all(np.isfinite(c))
    assert np.all((c >= 0) & (c <= 1))


@SETTINGS
@given(data=st.data(), method=st.sampled_from(TOPSIS_METHODS),
       closeness=st.sampled_from(CLOSENESS), distance=st.sampled_from(("w2", "w")),
       factor=st.floats(0.01, 100.0))
def test_topsis_closeness_invariant_to_scaling_all_weights(data, method, closeness, distance,
                                                           factor):
    X = data.draw(data_matrices())
    n = X.shape[1]
    dirs = parse_directions(data.draw(directions_for(n)), n)
    w = data.draw(weight_vectors(n))
    std = fit_standardizer(as_matrix(X), dirs, method)
    best, worst = std.best_worst(dirs)
    c1 = closeness_from_distances(*topsis_distances(X, std, w, best, worst, distance), closeness)
    c2 = closeness_from_distances(*topsis_distances(X, std, factor * w, best, worst, distance),
                                  closeness)
    np.testing.assert_allclose(c2, c1, rtol=0, atol=1e-12)
    # ranks follow closeness, so they are unchanged too
    np.testing.assert_array_equal(np.argsort(-np.round(c2, 10), kind="stable"),
                                  np.argsort(-np.round(c1, 10), kind="stable"))


# ---------------------------------------------------------------- §4 coupling

@SETTINGS
@given(U=u_matrices(), model=st.sampled_from(MODELS))
def test_coupling_C_T_D_in_unit_interval_and_D_is_sqrt_CT(U, model):
    res = jx.coupling(U, model=model)
    C, T, D = (np.asarray(v, dtype=float) for v in (res.C, res.T, res.D))
    for v in (C, T, D):
        assert v.shape == (U.shape[0],)
        assert np.all(np.isfinite(v))
        assert np.all((v >= 0) & (v <= 1))
    np.testing.assert_allclose(D, np.sqrt(C * T), rtol=0, atol=1e-12)
    # T with the default α_i = 1/n is the row mean
    np.testing.assert_allclose(T, U.mean(axis=1), rtol=0, atol=1e-12)


@SETTINGS
@given(m=st.integers(1, 12), n=st.integers(2, 6),
       u=st.lists(st.floats(1e-6, 1.0, allow_nan=False), min_size=1, max_size=12),
       model=st.sampled_from(("classic", "ring", "wang")))
def test_coupling_C_is_one_when_all_U_equal(m, n, u, model):
    """METHODS.md §4: every model gives C = 1 when all U are equal and > 0."""
    u = (u * m)[:m]
    U = np.repeat(np.asarray(u)[:, None], n, axis=1)
    C = np.asarray(jx.coupling(U, model=model).C, dtype=float)
    np.testing.assert_allclose(C, 1.0, rtol=0, atol=1e-12)


@SETTINGS
@given(m=st.integers(1, 12), n=st.integers(2, 6),
       u=st.floats(1e-6, 1.0, allow_nan=False))
def test_coupling_ring_printed_is_half_at_equal_U(m, n, u):
    """The printed ring formula (no factor 2) can never exceed 0.5 and is 0.5 at equal U
    (METHODS.md §4); it is the documented exception to C = 1 at equal U."""
    U = np.full((m, n), u)
    C = np.asarray(jx.coupling(U, model="ring_printed").C, dtype=float)
    np.testing.assert_allclose(C, 0.5, rtol=0, atol=1e-12)


@SETTINGS
@given(U=u_matrices())
def test_ring_printed_is_half_of_ring(U):
    a = np.asarray(jx.coupling(U, model="ring").C, dtype=float)
    b = np.asarray(jx.coupling(U, model="ring_printed").C, dtype=float)
    np.testing.assert_allclose(b, a / 2, rtol=0, atol=1e-12)
    assert np.all(b <= 0.5 + 1e-12)


# ---------------------------------------------------------------- row order

@SETTINGS
@given(data=st.data(), method=st.sampled_from(TOPSIS_METHODS),
       closeness=st.sampled_from(CLOSENESS))
def test_topsis_closeness_equivariant_to_row_order(data, method, closeness):
    X = data.draw(data_matrices())
    m, n = X.shape
    perm = np.array(data.draw(st.permutations(range(m))))
    dirs = data.draw(directions_for(n))
    w = data.draw(weight_vectors(n))
    c = np.asarray(jx.topsis(X, w, dirs, method=method, closeness=closeness).closeness)
    cp = np.asarray(jx.topsis(X[perm], w, dirs, method=method, closeness=closeness).closeness)
    np.testing.assert_allclose(cp, c[perm], rtol=0, atol=1e-12)


@SETTINGS
@given(data=st.data(), method=st.sampled_from(("minmax", "max", "vector", "share")))
def test_standardize_equivariant_to_row_order(data, method):
    X = data.draw(data_matrices())
    m, n = X.shape
    perm = np.array(data.draw(st.permutations(range(m))))
    dirs = data.draw(directions_for(n))
    Z = np.asarray(jx.standardize(X, dirs, method=method))
    Zp = np.asarray(jx.standardize(X[perm], dirs, method=method))
    np.testing.assert_allclose(Zp, Z[perm], rtol=1e-12, atol=1e-15)


@SETTINGS
@given(data=st.data(), model=st.sampled_from(MODELS))
def test_coupling_equivariant_to_row_order(data, model):
    U = data.draw(u_matrices())
    perm = np.array(data.draw(st.permutations(range(U.shape[0]))))
    r = jx.coupling(U, model=model)
    rp = jx.coupling(U[perm], model=model)
    for name in ("C", "T", "D"):
        np.testing.assert_allclose(np.asarray(getattr(rp, name)), np.asarray(getattr(r, name))[perm],
                                   rtol=0, atol=1e-12, err_msg=name)
    np.testing.assert_array_equal(np.asarray(rp.level), np.asarray(r.level)[perm])


@SETTINGS
@given(data=st.data(), method=st.sampled_from(ENTROPY_METHODS))
def test_entropy_weights_unchanged_by_row_order(data, method):
    X = data.draw(data_matrices())
    perm = np.array(data.draw(st.permutations(range(X.shape[0]))))
    dirs = data.draw(directions_for(X.shape[1]))
    w = _w(jx.entropy_weights(X, dirs, method=method))
    wp = _w(jx.entropy_weights(X[perm], dirs, method=method))
    # d = 1 − e is ill-conditioned for a nearly constant column (e ≈ 1 − 1e-10): a change
    # of summation order moves e by ~1e-16, i.e. d by ~1e-6 relative; 1e-9 absolute on w
    # still catches any real dependence on row order
    np.testing.assert_allclose(wp, w, rtol=0, atol=1e-9)


# ---------------------------------------------------------------- grade()

def _spec_level(d: float) -> int:
    """Half-open [a, b) intervals of the table, D = 1 -> 10."""
    return sum(1 for a in BOUNDS if d >= a)


@SETTINGS
@given(ds=st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=30))
def test_grade_level_non_decreasing_in_D(ds):
    ds = np.sort(np.asarray(ds, dtype=float))
    level, _ = jx.grade(ds)
    level = np.asarray(level)
    assert np.all(np.diff(level) >= 0)
    assert np.all((level >= 1) & (level <= 10))
    for d, lv in zip(ds, level):
        if min(abs(d - a) for a in BOUNDS + [1.0]) > 1e-9:   # away from a bound
            assert lv == _spec_level(d), d


@pytest.mark.parametrize("level,bound", [(row[0], row[1]) for row in CCD10_TABLE[1:]])
def test_grade_D_at_threshold_gets_upper_level(level, bound):
    assert jx.grade(bound)[0] == level
    assert jx.grade(np.array([bound]))[0][0] == level


def test_grade_D_one_is_level_ten():
    assert jx.grade(1.0) == (10, "Quality coordination")
    assert jx.grade(1.0, lang="zh") == (10, "优质协调")
    assert jx.grade(0.0)[0] == 1


@pytest.mark.parametrize("level,lower,en,zh", CCD10_TABLE)
def test_grade_labels_match_methods_table(level, lower, en, zh):
    mid = lower + 0.05
    assert jx.grade(mid, lang="en") == (level, en)
    assert jx.grade(mid, lang="zh") == (level, zh)
    assert jx.grade(lower, lang="en") == (level, en)
    assert jx.grade(lower, lang="zh") == (level, zh)


# ---------------------------------------------------------------- hierarchical weights

@SETTINGS
@given(dims=st.lists(st.sampled_from(["economy", "technology", "environment", "education",
                                      "life", "创新投入"]), min_size=1, max_size=15))
def test_hierarchical_weights_sum_to_one_and_each_dimension_to_one_over_K(dims):
    w = _w(jx.hierarchical_weights(dims))
    K = len(set(dims))
    assert np.all(w > 0)
    assert math.isclose(w.sum(), 1.0, abs_tol=1e-12)
    for d in set(dims):
        mask = np.array([x == d for x in dims])
        assert math.isclose(w[mask].sum(), 1.0 / K, abs_tol=1e-12)
        # split equally among the dimension's indicators
        np.testing.assert_allclose(w[mask], 1.0 / K / mask.sum(), rtol=0, atol=1e-15)
