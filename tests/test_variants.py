"""Issue 9: the two faults and the variants analysts expect, each against a published
example, an independent implementation or a hand computation shown in the test."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import jjj_xl as jx
from jjj_xl.methods._matrix import direction_spec

SETTINGS = settings(max_examples=50, deadline=None)


def quiet_call(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return f(*a, **k)


# ---------------------------------------------------------------- fault 1: share + cost

def test_share_topsis_respects_cost_issue9_example():
    """Issue 9 fault 1: topsis([[1],[2]], [1], ["-"], method="share") gave [0, 1]; a cost
    column's ideal is its minimum, so row 1 is the ideal: [1, 0], as method="vector"."""
    with pytest.warns(jx.JJJWarning, match="at the ideal"):
        c = np.asarray(jx.topsis([[1], [2]], [1], ["-"], method="share").closeness)
    assert c.tolist() == [1.0, 0.0]
    with pytest.warns(jx.JJJWarning):
        assert np.asarray(jx.topsis([[1], [2]], [1], ["-"], method="vector").closeness).tolist() \
            == [1.0, 0.0]


def test_share_topsis_by_hand_mixed_directions():
    """X = [[1, 4], [2, 2], [3, 2]], w = (0.5, 0.5), directions (+, −), share x/Σx:
    col 1 (1, 2, 3)/6, col 2 (4, 2, 2)/8; V = R/2. Ideal (3/12, 2/16), anti-ideal
    (1/12, 4/16). Row 1: d⁺ = √((2/12)² + (2/16)²) = √(1/36 + 1/64), d⁻ = 0 → C = 0.
    Row 3: d⁺ = 0 → C = 1. Row 2: d⁺ = 1/12, d⁻ = √((1/12)² + (1/8)²)."""
    with pytest.warns(jx.JJJWarning):
        c = np.asarray(jx.topsis([[1, 4], [2, 2], [3, 2]], [.5, .5], ["+", "-"],
                                 method="share").closeness)
    dp, dm = 1 / 12, math.sqrt(1 / 144 + 1 / 64)
    np.testing.assert_allclose(c, [0.0, dm / (dp + dm), 1.0], rtol=1e-12)


# ---------------------------------------------------------------- fault 2: obstacle none

def test_obstacle_method_none_is_w_times_one_minus_x():
    """Issue 9: obstacle_degree(X, w, method="none") for data already standardised, as
    R mathmodels' obstacle degree with scaled = TRUE: O = w(1 − x)/Σ w(1 − x).
    Row 1: w(1 − x) = (0.5·0.8, 0.5·0.4) = (0.4, 0.2) → (2/3, 1/3);
    row 2: (0.5·0.6, 0.5·0.2) = (0.3, 0.1) → (3/4, 1/4). Min-max would instead give row 2
    (best everywhere) zero obstacle."""
    r = jx.obstacle_degree([[0.2, 0.6], [0.4, 0.8]], [0.5, 0.5], method="none")
    np.testing.assert_allclose(r.indicator.to_numpy(), [[2 / 3, 1 / 3], [0.75, 0.25]],
                               rtol=1e-15)
    assert "already standardised" in r.notes["obstacle"]


def test_obstacle_method_none_refuses_out_of_range_and_cost():
    with pytest.raises(jx.InputError, match=r'column B of data has the value 1\.3 in row 2; '
                                            r'method "none" needs standardised values in \[0, 1\]'):
        jx.obstacle_degree([[0.2, 0.6], [0.4, 1.3]], [0.5, 0.5], method="none")
    with pytest.raises(jx.InputError, match="larger = better"):
        jx.obstacle_degree([[0.2, 0.6], [0.4, 0.3]], [0.5, 0.5], ["+", "-"], method="none")


# ---------------------------------------------------------------- middle / interval

def test_positivize_issue9_middle_example():
    """Issue 9: a column with best 7: [5, 7, 8, 9] → [0, 1, 0.5, 0]
    (|x − 7| = 2, 0, 1, 2; max 2; 1 − d/2)."""
    for spelling in (("middle", 7), "middle 7", "中间型 7", "middle: 7", "中间 7"):
        assert np.asarray(jx.positivize([[5], [7], [8], [9]], [spelling])).ravel().tolist() \
            == [0.0, 1.0, 0.5, 0.0]


def test_positivize_interval_and_cost_by_hand():
    """Interval [10, 20] on (5, 10, 15, 20, 30): M = max(10 − 5, 30 − 20) = 10;
    (1 − 5/10, 1, 1, 1, 1 − 10/10) = (0.5, 1, 1, 1, 0). Cost: max − x = 30 − x."""
    x = [[5], [10], [15], [20], [30]]
    for spelling in (("interval", 10, 20), "interval 10-20", "区间型 10-20", "interval 10~20",
                     "区间 [10, 20]", "interval 10 to 20"):
        assert np.asarray(jx.positivize(x, [spelling])).ravel().tolist() == [0.5, 1, 1, 1, 0]
    assert np.asarray(jx.positivize(x, ["-"])).ravel().tolist() == [25, 20, 15, 10, 0]
    # negative bounds parse: "interval -5--1"
    assert direction_spec("interval -5--1").a == -5 and direction_spec("interval -5--1").b == -1


@pytest.mark.parametrize("bad", ["middle", "middle seven", "interval 20-10", "interval 10",
                                 ("middle",), ("interval", 3), "moderate"])
def test_bad_middle_interval_spellings_refused_in_one_line(bad):
    with pytest.raises(jx.InputError) as err:
        jx.topsis([[1, 2], [3, 4]], [0.5, 0.5], ["+", bad])
    msg = str(err.value)
    assert "\n" not in msg and "column B" in msg and "middle 7" in msg and "interval 10-20" in msg


def test_direction_string_with_middle_and_interval():
    """A single directions string: 'middle 7; -; interval 10-20' (';' separates)."""
    X = [[5, 1, 12], [7, 2, 25], [8, 3, 5], [9, 4, 15]]
    a = np.asarray(jx.standardize(X, "middle 7; -; interval 10-20", method="minmax"))
    b = np.asarray(jx.standardize(X, [("middle", 7), "-", ("interval", 10, 20)], method="minmax"))
    np.testing.assert_array_equal(a, b)


@SETTINGS
@given(st.data(), st.sampled_from(("vector", "minmax", "max", "share", "zscore")))
def test_middle_interval_positivise_then_standardise(d, method):
    """Definition (issue 9): middle / interval columns are positivised first, then the
    chosen standardisation treats them as benefit columns. So TOPSIS / entropy with those
    types equal TOPSIS / entropy on jx.positivize(X) with '+' there."""
    m = d.draw(st.integers(3, 8))
    X = d.draw(hnp.arrays(np.float64, (m, 3), elements=st.integers(1, 40).map(float)))
    X[0], X[1] = [1, 1, 1], [40, 40, 40]
    best = float(d.draw(st.integers(2, 39)))
    a = float(d.draw(st.integers(2, 30)))
    dirs = [("middle", best), ("interval", a, a + 5), d.draw(st.sampled_from(["+", "-"]))]
    P = np.asarray(jx.positivize(X, dirs[:2] + ["+"]))
    if method in ("max", "share") and (P[:, :2] <= 0).all(axis=0).any():
        return
    plus = ["+", "+", dirs[2]]
    w = [0.2, 0.3, 0.5]
    try:
        ref = quiet_call(jx.topsis, P, w, plus, method=method).closeness
    except jx.InputError:   # e.g. max needs min/x > 0: the same refusal both ways
        with pytest.raises(jx.InputError):
            quiet_call(jx.topsis, X, w, dirs, method=method)
        return
    got = quiet_call(jx.topsis, X, w, dirs, method=method).closeness
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)
    if method == "minmax":
        np.testing.assert_allclose(quiet_call(jx.entropy_weights, X, dirs).w,
                                   quiet_call(jx.entropy_weights, P, plus).w, atol=1e-12)
        np.testing.assert_allclose(quiet_call(jx.obstacle_degree, X, w, dirs).indicator,
                                   quiet_call(jx.obstacle_degree, P, w, plus).indicator,
                                   atol=1e-12)


def test_interval_direction_with_minmax_equals_legacy_interval_method():
    """The legacy method="interval" returns the positivised band values (+ shift); with
    direction ('interval', a, b), method="minmax" restretches them to [0, 1], which is the
    same when the positivised column already spans 0..1 (a value inside the band and the
    farthest value outside): (1, 2, 3, 4, 5, 6), band [3, 4] → (0, .5, 1, 1, .5, 0)."""
    x = [[1], [2], [3], [4], [5], [6]]
    legacy = np.asarray(jx.standardize(x, method="interval", interval=(3, 4))).ravel()
    new = np.asarray(jx.standardize(x, [("interval", 3, 4)], method="minmax")).ravel()
    np.testing.assert_array_equal(new, legacy)
    np.testing.assert_array_equal(new, [0, 0.5, 1, 1, 0.5, 0])


def test_fixed_ideal_positivised_like_the_data():
    """ideal="fixed" with a middle column: the ideal values are positivised with the data's
    deviations (best 7 → 1), so a row equal to ideal_best has closeness 1."""
    X = [[5, 1], [7, 3], [9, 2]]
    with pytest.warns(jx.JJJWarning, match="at the ideal"):
        c = jx.topsis(X, [0.5, 0.5], [("middle", 7), "+"], method="minmax", ideal="fixed",
                      ideal_best=[7, 3], ideal_worst=[9, 1]).closeness
    assert np.asarray(c)[1] == 1.0


# ---------------------------------------------------------------- z-score, translation

def test_zscore_sample_standard_deviation_by_hand():
    """x = (1, 2, 3, 6): mean 3, s = √((4 + 1 + 0 + 9)/3) = √(14/3) (ddof = 1);
    benefit (x − 3)/s, cost (3 − x)/s. Cross-check scipy.stats.zscore(ddof=1)."""
    from scipy.stats import zscore
    X = np.array([[1, 1], [2, 2], [3, 3], [6, 6]], dtype=float)
    R = np.asarray(jx.standardize(X, ["+", "-"], method="zscore"))
    s = math.sqrt(14 / 3)
    np.testing.assert_allclose(R[:, 0], (X[:, 0] - 3) / s, rtol=1e-14)
    np.testing.assert_allclose(R[:, 1], -(X[:, 1] - 3) / s, rtol=1e-14)
    np.testing.assert_allclose(R[:, 0], zscore(X[:, 0], ddof=1), rtol=1e-14)


def test_entropy_zscore_needs_translation_and_spssau_rule():
    """Entropy on z-scores: negative values are refused with the fix named; translate=
    "spssau" adds |min z| + 0.01 to a column with a value ≤ 0 (SPSSAU help, Entropy
    Method, "Non-negative Shift": "if any column contains values ≤ 0, a shift of the
    absolute value of the minimum plus 0.01 is applied", spssau.net/helps/entropy.html)."""
    X = np.array([[1.0], [2.0], [3.0], [6.0]])
    X2 = np.c_[X, [4.0, 1.0, 2.0, 2.0]]
    with pytest.raises(jx.InputError, match='translate="spssau"'):
        jx.entropy_weights(X2, method="zscore")
    res = jx.entropy_weights(X2, method="zscore", translate="spssau")
    assert "spssau" in res.notes["translation"]
    # by hand for column 1: z = (−2, −1, 0, 3)/s, + |−2/s| + 0.01 = (0, 1, 2, 5)/s + 0.01
    s = math.sqrt(14 / 3)
    z = np.array([0, 1, 2, 5]) / s + 0.01
    p = z / z.sum()
    e1 = -(p * np.log(p)).sum() / math.log(4)
    np.testing.assert_allclose(np.asarray(res.e)[0], e1, rtol=1e-13)
    # on raw data with a zero, method="none" + spssau is SPSSAU's own procedure: x + |0| + 0.01
    raw = np.array([[0.0, 1], [1, 2], [3, 4], [2, 8]])
    r2 = jx.entropy_weights(raw, method="none", translate="spssau")
    z = raw[:, 0] + 0.01
    p = z / z.sum()
    np.testing.assert_allclose(np.asarray(r2.e)[0], -(p * np.log(p)).sum() / math.log(4),
                               rtol=1e-13)
    # column 2 has no value ≤ 0: untouched
    p = raw[:, 1] / raw[:, 1].sum()
    np.testing.assert_allclose(np.asarray(r2.e)[1], -(p * np.log(p)).sum() / math.log(4),
                               rtol=1e-13)


# ---------------------------------------------------------------- AHP

SAATY_HOUSE = [[1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
               [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
               [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
               [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
               [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
               [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
               [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
               [4, 7, 5, 8, 6, 6, 2, 1]]


def test_ahp_saaty_1990_house_example():
    """Saaty, T. L. (1990) "How to make a decision: The Analytic Hierarchy Process",
    EJOR 48:9–26, the house example: eight criteria (size, transportation, neighbourhood,
    age, yard, modern facilities, general condition, financing). Printed priority vector
    .173 .054 .188 .018 .031 .036 .167 .333, λmax = 9.669, C.I. = 0.238, C.R. = 0.169
    (matrix also in LINDO's model AnaHierProc02 citing the paper). CR > 0.1 is warned."""
    with pytest.warns(jx.JJJWarning, match=r"CR = 0\.169 > 0\.1"):
        r = jx.ahp_weights(SAATY_HOUSE)
    np.testing.assert_allclose(np.asarray(r.w),
                               [.173, .054, .188, .018, .031, .036, .167, .333], atol=5e-4)
    assert round(r.lambda_max, 3) == 9.669
    assert round(r.CI, 3) == 0.238 and round(r.CR, 3) == 0.169 and r.RI == 1.41
    assert not r.consistent


def test_ahp_consistent_matrix_recovers_weights_independently():
    """A perfectly consistent matrix a_ij = w_i/w_j has λmax = n, CI = CR = 0 and its
    eigenvector is w (Saaty 1980 Thm.). Weights (0.5, 0.3, 0.2)."""
    w = np.array([0.5, 0.3, 0.2])
    with warnings.catch_warnings():
        warnings.simplefilter("error", jx.JJJWarning)
        r = jx.ahp_weights(w[:, None] / w[None, :], names=["a", "b", "c"])
    np.testing.assert_allclose(np.asarray(r.w), w, rtol=1e-12)
    assert abs(r.lambda_max - 3) < 1e-12 and abs(r.CR) < 1e-12
    assert list(r.w.index) == ["a", "b", "c"]


def test_ahp_power_iteration_cross_check():
    """Independent computation: power iteration on the Saaty matrix (no numpy.eig)."""
    A = np.array(SAATY_HOUSE)
    v = np.ones(8)
    for _ in range(500):
        v = A @ v
        v /= v.sum()
    lam = float((A @ v / v).mean())
    r = quiet_call(jx.ahp_weights, SAATY_HOUSE)
    np.testing.assert_allclose(np.asarray(r.w), v, rtol=1e-10)
    assert abs(r.lambda_max - lam) < 1e-9


def test_ahp_text_fractions_and_blank_triangle():
    """Text "1/3" is read; a blank below the diagonal takes the reciprocal of its mirror."""
    M = [[1, "3", "5"], [None, 1, "1/2"], ["", "", 1]]
    r = quiet_call(jx.ahp_weights, M)
    full = quiet_call(jx.ahp_weights, [[1, 3, 5], [1 / 3, 1, 0.5], [1 / 5, 2, 1]])
    np.testing.assert_allclose(np.asarray(r.w), np.asarray(full.w), rtol=1e-14)


@pytest.mark.parametrize("M,match", [
    ([[1, 3], [3, 1]], r"row 1, column 2 of the comparison matrix is 3 but row 2, column 1 is 3; "
                       r"they must be reciprocal"),
    ([[1, 3], [1 / 3, 2]], r"row 2, column 2 .* is 2; an item compared with itself must be 1"),
    ([[1, -3], [-1 / 3, 1]], r"row 1, column 2 .* is -3; comparisons must be positive"),
    ([[1, 2, 3]], r"must be square"),
    ([[1, "x"], [1, 1]], r'row 1, column 2 of the comparison matrix is "x"'),
])
def test_ahp_bad_matrices_refused_in_one_line(M, match):
    with pytest.raises(jx.InputError, match=match) as err:
        jx.ahp_weights(M)
    assert "\n" not in str(err.value)


def test_multiplicative_combination_by_hand():
    """w1 = (0.2, 0.3, 0.5), w2 = (0.5, 0.25, 0.25): products (0.1, 0.075, 0.125), sum 0.3
    → (1/3, 0.25, 5/12)."""
    r = jx.combine_weights([0.2, 0.3, 0.5], [0.5, 0.25, 0.25], method="multiplicative")
    np.testing.assert_allclose(np.asarray(r.w), [1 / 3, 0.25, 5 / 12], rtol=1e-15)
    with pytest.raises(jx.InputError, match="undefined"):
        jx.combine_weights([1, 0], [0, 1], method="multiplicative")
    # AHP weights combine with entropy weights (a result object on either side)
    ahp = jx.ahp_weights([[1, 2], [0.5, 1]])
    ent = jx.entropy_weights([[1, 2], [2, 5], [3, 4]])
    w = np.asarray(jx.combine_weights(ahp, ent, method="multiplicative").w)
    expect = np.array([2 / 3, 1 / 3]) * np.asarray(ent.w)
    np.testing.assert_allclose(w, expect / expect.sum(), rtol=1e-12)


# ---------------------------------------------------------------- grey relational analysis

def _grey_loop(R, ref, rho):
    """Independent, literal implementation of Deng's coefficient with two-level min/max."""
    deltas = [[abs(ref[k] - R[i][k]) for k in range(len(ref))] for i in range(len(R))]
    dmin = min(min(r) for r in deltas)
    dmax = max(max(r) for r in deltas)
    return [[(dmin + rho * dmax) / (d + rho * dmax) for d in row] for row in deltas]


def test_grey_relational_grade_by_hand():
    """X = [[1, 10], [2, 20], [3, 5]], directions (+, −), ρ = 0.5.
    Min-max: col 1 (0, .5, 1), col 2 (20 − x)/15 = (2/3, 0, 1); ideal (1, 1);
    Δ = [[1, 1/3], [.5, 1], [0, 0]]; Δmin 0, Δmax 1; ξ = 0.5/(Δ + 0.5):
    [[1/3, 0.6], [0.5, 1/3], [1, 1]]; grades (0.4667, 0.4167, 1); ranks (2, 3, 1)."""
    r = jx.grey_relational_grade([[1, 10], [2, 20], [3, 5]], ["+", "-"])
    np.testing.assert_allclose(np.asarray(r.coefficients), [[1 / 3, .6], [.5, 1 / 3], [1, 1]],
                               rtol=1e-14)
    np.testing.assert_allclose(np.asarray(r.grade), [(1 / 3 + .6) / 2, (.5 + 1 / 3) / 2, 1],
                               rtol=1e-14)
    assert list(np.asarray(r.rank)) == [2, 3, 1]


@SETTINGS
@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(1, 5)),
                  elements=st.floats(0, 100, allow_nan=False)),
       st.floats(0.05, 1.0))
def test_grey_relational_grade_matches_literal_loop(X, rho):
    X = X.copy()
    X[0] += 1  # not all equal
    r = quiet_call(jx.grey_relational_grade, X, rho=rho)
    R = np.asarray(quiet_call(jx.standardize, X, method="minmax"))
    xi = np.array(_grey_loop(R.tolist(), R.max(axis=0).tolist(), rho))
    np.testing.assert_allclose(np.asarray(r.coefficients), xi, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(r.grade), xi.mean(axis=1), rtol=1e-12)


def test_grey_relational_degree_by_hand():
    """Reference D = (1, 2, 3); series a = (1, 2, 3), b = (2, 2, 5); mean normalisation:
    D/2 = (.5, 1, 1.5), a/2 = (.5, 1, 1.5), b/3 = (2/3, 2/3, 5/3).
    Δ_a = 0; Δ_b = (1/6, 1/3, 1/6); Δmin 0, Δmax 1/3; ξ_b = (1/6)/(Δ + 1/6) =
    (.5, 1/3, .5) → degree 4/9; a has degree 1 and ranks first."""
    r = jx.grey_relational_degree(pd.DataFrame({"a": [1, 2, 3], "b": [2, 2, 5]}), [1, 2, 3])
    np.testing.assert_allclose(r.grade.to_numpy(), [1, 4 / 9], rtol=1e-14)
    assert list(r.rank) == [1, 2] and list(r.grade.index) == ["a", "b"]
    # initial-value normalisation: a/1 = D/1 exactly → ξ = 1; b/2 = (1, 1, 2.5), Δ = (0, 1, .5)
    r0 = jx.grey_relational_degree([[1, 2], [2, 2], [3, 5]], [1, 2, 3], normalize="initial")
    xi_b = np.array(_grey_loop([[1, 1, 2.5]], [1, 2, 3], 0.5))  # Δmax over both series is 1
    np.testing.assert_allclose(np.asarray(r0.grade), [1, xi_b.mean()], rtol=1e-14)


def test_grey_bad_input_one_line():
    with pytest.raises(jx.InputError, match="rho is 0"):
        jx.grey_relational_grade([[1, 2], [2, 3]], rho=0)
    with pytest.raises(jx.InputError, match="reference has 2 points but the series have 3"):
        jx.grey_relational_degree([[1], [2], [3]], [1, 2])
    with pytest.raises(jx.InputError, match="is 0 in the first row"):
        jx.grey_relational_degree([[0], [2], [3]], [1, 2, 3], normalize="initial")


# ---------------------------------------------------------------- warnings

def test_topsis_constant_column_warning_says_what_happens_to_the_weight():
    """A constant column standardises to one value, so best = worst there and it adds 0 to
    d⁺ and d⁻ of every row: its weight is unused and the others are not rescaled (the
    closeness equals TOPSIS without the column, with the remaining weights as given)."""
    X = np.array([[1, 5, 3], [2, 5, 1], [4, 5, 2]], dtype=float)
    w = [0.5, 0.2, 0.3]
    with pytest.warns(jx.JJJWarning, match=r"column B of data \(weight 0\.2\) is the same in "
                                           r"every row.*its weight counts for no row"):
        c = jx.topsis(X, w, method="vector").closeness
    c2 = jx.topsis(X[:, [0, 2]], [0.5 / 0.8, 0.3 / 0.8], method="vector").closeness
    # dropping the column and renormalising scales every distance by 0.8: same closeness
    np.testing.assert_allclose(c, c2, rtol=1e-12)


def _panel():
    ind = pd.DataFrame({"code": ["g", "u", "k"], "name": ["GDP", "Unemp", "Const"],
                        "dimension": ["econ", "econ", "soc"], "direction": ["+", "-", "+"]})
    data = pd.DataFrame({"region": ["A", "A", "B", "B"], "year": [2019, 2020, 2019, 2020],
                         "GDP": [1, 2, 3, 4], "Unemp": [5, 4, 3, 3], "Const": [1, 1, 1, 1]},
                        dtype=object)
    # a Data table whose header is in Excel row 2 and first column is B: data rows 3..6,
    # columns region B, year C, GDP D, Unemp E, Const F
    data.attrs["jjj_origin"] = {"sheet": "Data", "first_row": 3, "first_col": 2}
    return ind, data


def test_workflow_warnings_name_data_sheet_column_and_excel_row():
    """Issue 9: warnings name the Data sheet's column and the Excel row (before: the
    indicator's position and rows one less than Excel's) when the adapter says where the
    table is (DataFrame.attrs["jjj_origin"])."""
    ind, data = _panel()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jx.entropy_topsis_coupling(data, ind)
    text = [str(w.message) for w in caught if issubclass(w.category, jx.JJJWarning)]
    assert any('indicator "Const" (column F of sheet Data) does not vary' in t for t in text)
    assert any("overall score: Data row 6 (B 2020) is at the ideal" in t for t in text)
    # the standardised-output step does not repeat the constant-column warning in codes
    assert not any('"k"' in t for t in text)


def test_workflow_errors_name_data_sheet_cell():
    ind, data = _panel()
    data.loc[2, "Unemp"] = "n/a"
    with pytest.raises(jx.InputError, match=r'^sheet Data: indicator "Unemp" \(column E\) has '
                                            r'text "n/a" in row 5; numbers only$'):
        jx.entropy_topsis_coupling(data, ind)
    data.loc[2, "Unemp"] = 3
    data.loc[3, "year"] = "twenty"
    with pytest.raises(jx.InputError, match=r'the year "twenty" in row 6 of sheet Data '
                                            r'\(column C\)'):
        jx.entropy_topsis_coupling(data, ind)
    # without an origin (plain Python data) rows count data rows, as before
    data.attrs = {}
    with pytest.raises(jx.InputError, match=r'the year "twenty" in row 4 \(column B\)'):
        jx.entropy_topsis_coupling(data, ind)


def test_single_indicator_direction_forms():
    """One indicator: ("-",) and "-" are a cost direction; ("middle", 7) and "middle 7" one
    middle type (not two directions). Middle 7 on (5, 7, 8, 9): |x − 7| / 2 → (0, 1, .5, 0)."""
    for d in (("-",), "-", ["-"]):
        assert np.asarray(jx.standardize([[1], [2], [3]], d)).ravel().tolist() == [1, 0.5, 0]
    for d in (("middle", 7), "middle 7", [("middle", 7)]):
        assert np.asarray(jx.standardize([[5], [7], [8], [9]], d)).ravel().tolist() \
            == [0, 1, 0.5, 0]
