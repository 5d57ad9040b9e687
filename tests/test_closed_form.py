"""Each method on tiny matrices whose answers are worked out by hand (METHODS.md §1–5)."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import jjj_xl as jx

S14 = math.sqrt(14)


# ---------------------------------------------------------------- §1 standardisation

def test_minmax_benefit_and_cost_with_shift():
    X = [[1, 10], [2, 20], [3, 40]]
    R = jx.standardize(X, ["+", "-"], method="minmax")
    np.testing.assert_allclose(R, [[0, 1], [0.5, 2 / 3], [1, 0]])
    R1 = jx.standardize(X, ["正向", "负向"], method="minmax", shift=1)
    np.testing.assert_allclose(R1, [[1, 2], [1.5, 5 / 3], [2, 1]])


def test_max_method_benefit_x_over_max_cost_min_over_x():
    R = jx.standardize([[1, 10], [2, 20], [3, 40]], [1, -1], method="max")
    np.testing.assert_allclose(R, [[1 / 3, 1], [2 / 3, 0.5], [1, 0.25]])


def test_vector_and_share():
    X = [[1, 3], [2, 2], [3, 1]]
    np.testing.assert_allclose(jx.standardize(X, method="vector"), np.array(X) / S14)
    np.testing.assert_allclose(jx.standardize(X, ["+", "-"], method="vector"), np.array(X) / S14)
    with pytest.warns(jx.JJJWarning, match="ignores directions"):
        R = jx.standardize(X, ["+", "-"], method="share")
    np.testing.assert_allclose(R, np.array(X) / 6)


def test_interval_band():
    x = [[1], [2], [3], [4], [5], [6]]
    # band [3, 4]; farthest observed value outside is 2 away (1 and 6)
    R = jx.standardize(x, method="interval", interval=(3, 4))
    np.testing.assert_allclose(R.ravel(), [0, 0.5, 1, 1, 0.5, 0])


def test_dataframe_keeps_labels():
    df = pd.DataFrame({"GDP": [1.0, 2.0, 3.0], "unemployment": [3.0, 2.0, 1.0]},
                      index=["Beijing", "Tianjin", "Hebei"])
    # directions as a Series are matched to the columns by name, not by position
    R = jx.standardize(df, pd.Series({"unemployment": "-", "GDP": "+"}))
    assert list(R.columns) == ["GDP", "unemployment"] and list(R.index) == list(df.index)
    np.testing.assert_allclose(R.to_numpy(), [[0, 0], [0.5, 0.5], [1, 1]])


# ---------------------------------------------------------------- §2 weights

def _h(*p):
    return -sum(q * math.log(q) for q in p if q > 0)


def test_entropy_share_by_hand():
    X = [[1, 1], [3, 4]]          # proportions (1/4, 3/4) and (1/5, 4/5), m = 2
    res = jx.entropy_weights(X, method="share")
    e = [_h(0.25, 0.75) / math.log(2), _h(0.2, 0.8) / math.log(2)]
    d = [1 - e[0], 1 - e[1]]
    np.testing.assert_allclose(res.e, e, rtol=1e-12)
    np.testing.assert_allclose(res.d, d, rtol=1e-12)
    np.testing.assert_allclose(res.w, [d[0] / sum(d), d[1] / sum(d)], rtol=1e-12)


def test_entropy_minmax_shift1_by_hand():
    X = [[1, 30], [2, 20], [3, 10]]
    # column 1 benefit: z = 1, 1.5, 2 ; column 2 cost: (30 − x)/20 + 1 = 1, 1.5, 2 as well
    res = jx.entropy_weights(X, ["+", "-"])
    p = np.array([1, 1.5, 2]) / 4.5
    e = _h(*p) / math.log(3)
    np.testing.assert_allclose(res.e, [e, e], rtol=1e-12)
    np.testing.assert_allclose(res.w, [0.5, 0.5], rtol=1e-12)


def test_entropy_zero_log_zero_is_zero():
    # minmax without shift gives z = 0 for the minimum: 0·ln 0 counts as 0
    res = jx.entropy_weights([[0, 5], [1, 7], [2, 6]], method="minmax", shift=0.0)
    p1 = np.array([0, 0.5, 1]) / 1.5
    p2 = np.array([0, 1, 0.5]) / 1.5
    e = [_h(*p1) / math.log(3), _h(*p2) / math.log(3)]
    np.testing.assert_allclose(res.e, e, rtol=1e-12)
    assert np.isfinite(res.w).all()


def test_constant_column_entropy_one_weight_zero():
    with pytest.warns(jx.JJJWarning, match="does not vary"):
        res = jx.entropy_weights([[1, 5], [2, 5], [4, 5]])
    assert res.e[1] == 1.0 and res.w[1] == 0.0 and res.w[0] == pytest.approx(1.0)


def test_dimension_weights_sum_indicator_weights():
    res = jx.entropy_weights([[1, 2, 3], [2, 1, 5], [4, 4, 4.5]])
    dims = res.by_dimension(["a", "b", "a"])
    assert dims["a"] == pytest.approx(res.w[0] + res.w[2])
    assert dims["b"] == pytest.approx(res.w[1])


def test_hierarchical_equal_weights():
    res = jx.hierarchical_weights(["input", "input", "output", "env", "env", "env"])
    np.testing.assert_allclose(res.w, [1 / 6, 1 / 6, 1 / 3, 1 / 9, 1 / 9, 1 / 9])


def test_critic_by_hand():
    # columns 1 and 2 are perfectly opposed (ρ = −1), equal spread: equal weights
    res = jx.critic_weights([[1, 3], [2, 2], [3, 1]])
    np.testing.assert_allclose(res.w, [0.5, 0.5])
    # with column 2 as cost it points the same way as column 1: ρ = +1, no conflict at all
    # except with the third column
    X = np.array([[1, 3, 1], [2, 2, 2], [3, 1, 4]], dtype=float)
    r = np.column_stack([(X[:, 0] - 1) / 2, (3 - X[:, 1]) / 2, (X[:, 2] - 1) / 3])
    sd = r.std(axis=0, ddof=1)
    rho = np.corrcoef(r, rowvar=False)
    c = sd * (1 - rho).sum(axis=1)
    np.testing.assert_allclose(jx.critic_weights(X, ["+", "-", "+"]).w, c / c.sum(), rtol=1e-12)


def test_cv_and_std_weights_by_hand():
    X = [[1, 10, 2], [2, 10, 4], [3, 13, 6]]
    cv = [1 / 2, math.sqrt(3) / 11, 2 / 4]
    np.testing.assert_allclose(jx.cv_weights(X).w, np.array(cv) / sum(cv), rtol=1e-12)
    # std of min-max standardised columns: (0, .5, 1), (0, 0, 1), (0, .5, 1)
    s = [0.5, math.sqrt(1 / 3), 0.5]
    np.testing.assert_allclose(jx.std_weights(X).w, np.array(s) / sum(s), rtol=1e-12)


def test_combine_weights():
    res = jx.combine_weights([0.2, 0.8], [0.6, 0.4], alpha=0.25)
    np.testing.assert_allclose(res.w, [0.25 * 0.2 + 0.75 * 0.6, 0.25 * 0.8 + 0.75 * 0.4])


# ---------------------------------------------------------------- §3 TOPSIS

def test_topsis_vector_by_hand():
    X = [[1, 2], [2, 1], [3, 3]]
    with pytest.warns(jx.JJJWarning, match="ideal"):
        res = jx.topsis(X, [0.5, 0.5])
    c = 0.5 / S14
    np.testing.assert_allclose(res.d_plus, [c * math.sqrt(5), c * math.sqrt(5), 0])
    np.testing.assert_allclose(res.d_minus, [c, c, c * math.sqrt(8)])
    np.testing.assert_allclose(res.closeness, [1 / (1 + math.sqrt(5))] * 2 + [1])
    assert list(res.rank) == [2, 2, 1]          # ties share the better rank
    with pytest.warns(jx.JJJWarning):
        sq = jx.topsis(X, [0.5, 0.5], closeness="squared")
    np.testing.assert_allclose(sq.closeness, [1 / 6, 1 / 6, 1])


def test_topsis_w2_versus_w_distance():
    X = [[1, 2], [2, 1], [3, 3]]
    with pytest.warns(jx.JJJWarning):
        w2 = jx.topsis(X, [0.2, 0.8]).closeness[0]
        w1 = jx.topsis(X, [0.2, 0.8], distance="w").closeness[0]
    assert w2 == pytest.approx(0.8 / (math.sqrt(0.8) + 0.8))
    assert w1 == pytest.approx(1 / (math.sqrt(2) + 1))


def test_topsis_cost_column_with_vector_uses_minimum_as_ideal():
    X = [[1, 1], [3, 3]]
    res = jx.topsis(X, [0.5, 0.5], ["+", "-"])   # each row best on one column: a tie
    np.testing.assert_allclose(res.closeness, [0.5, 0.5])
    res2 = jx.topsis([[1, 1], [3, 3], [2, 1]], [0.5, 0.5], ["+", "-"], method="minmax")
    # row 3: r = (0.5, 1): d+ = .5·.5, d− = √(.25² + .5²)
    dp, dm = 0.25, math.sqrt(0.0625 + 0.25)
    assert res2.closeness[2] == pytest.approx(dm / (dp + dm))


def test_topsis_group_ideal_standardises_within_group():
    X = [[1, 1], [2, 2], [10, 30], [20, 10]]
    with pytest.warns(jx.JJJWarning):
        res = jx.topsis(X, [0.5, 0.5], method="max", closeness="squared", ideal="group",
                        groups=["a", "a", "b", "b"])
    # group a: row 2 is best on both → 1, row 1 worst on both → 0
    np.testing.assert_allclose(res.closeness[:2], [0, 1])
    # group b: r = (0.5, 1) and (1, 1/3), ideal (1, 1), anti-ideal (0.5, 1/3):
    dp3 = 0.5 * 0.5                       # only column 1 short of the best, by 0.5
    dm3 = 0.5 * (1 - 1 / 3)               # only column 2 above the worst
    dp4 = 0.5 * (1 - 1 / 3)
    dm4 = 0.5 * 0.5
    np.testing.assert_allclose(res.closeness[2:], [dm3 ** 2 / (dp3 ** 2 + dm3 ** 2),
                                                   dm4 ** 2 / (dp4 ** 2 + dm4 ** 2)])
    assert list(res.rank) == [2, 1, 1, 2]  # ranked within each group


def test_topsis_fixed_ideal_in_data_units():
    X = [[2, 5], [4, 5.5]]
    res = jx.topsis(X, [0.5, 0.5], method="none", ideal="fixed", ideal_best=[10, 10],
                    ideal_worst=[0, 0])
    dp = [0.5 * math.hypot(8, 5), 0.5 * math.hypot(6, 4.5)]
    dm = [0.5 * math.hypot(2, 5), 0.5 * math.hypot(4, 5.5)]
    np.testing.assert_allclose(res.closeness, [dm[i] / (dp[i] + dm[i]) for i in range(2)])


# ---------------------------------------------------------------- §4 coupling

def test_classic_two_systems():
    res = jx.coupling([[0.4, 0.9]])
    assert res.C[0] == pytest.approx(2 * math.sqrt(0.36) / 1.3)
    assert res.T[0] == pytest.approx(0.65)
    assert res.D[0] == pytest.approx(math.sqrt(1.2 / 1.3 * 0.65))
    assert res.level[0] == 8 and res.label[0] == "Intermediate coordination"
    assert jx.coupling([[0.4, 0.9]], lang="zh").label[0] == "中级协调"


def test_ring_and_wang_three_systems():
    U = [[0.2, 0.4, 0.8]]
    ring = (0.2 * 0.4 * 0.8 / ((0.6) * (1.2) * (1.0))) ** (1 / 3)
    assert jx.coupling(U, model="ring").C[0] == pytest.approx(2 * ring)
    assert jx.coupling(U, model="ring_printed").C[0] == pytest.approx(ring)
    wang = math.sqrt((1 - (0.2 + 0.6 + 0.4) / 3) * math.sqrt(0.25 * 0.5 * 1.0))
    assert jx.coupling(U, model="wang").C[0] == pytest.approx(wang)


def test_T_weights():
    res = jx.coupling([[0.2, 0.6]], weights=[0.25, 0.75])
    assert res.T[0] == pytest.approx(0.5)


def test_equal_U_gives_C_one_every_model():
    for model in ("classic", "ring", "wang"):
        assert jx.coupling([[0.3, 0.3, 0.3, 0.3]], model=model).C[0] == pytest.approx(1.0)


def test_all_zero_row_C_zero_with_warning():
    with pytest.warns(jx.JJJWarning, match="C = 0"):
        res = jx.coupling([[0, 0, 0], [0.5, 0.5, 0.5]], model="ring")
    assert res.C[0] == 0 and res.D[0] == 0 and res.level[0] == 1


def test_grade_thresholds_half_open():
    assert jx.grade(0.6) == (7, "Primary coordination")
    assert jx.grade(0.5999) == (6, "Barely coordinated")
    assert jx.grade(1.0) == (10, "Quality coordination")
    assert jx.grade(0.0, lang="zh") == (1, "极度失调")
    # D computed as √0.36 lands on the threshold in exact arithmetic
    assert jx.grade(math.sqrt(0.36))[0] == 7


def test_user_scheme_from_table():
    scheme = [(0, "Imbalance", "失调"), (0.4, "Transition", "过渡"), (0.6, "Coordination", "协调")]
    level, label = jx.grade([0.1, 0.45, 0.6, 1.0], scheme=scheme, lang="zh")
    assert list(level) == [1, 2, 3, 3] and list(label) == ["失调", "过渡", "协调", "协调"]


def test_stage_of_C():
    assert list(jx.stage([0.3, 0.31, 0.5, 0.8, 0.81, 1.0])) == [
        "Low-level coupling", "Antagonism", "Antagonism", "Running-in", "High-level coupling",
        "High-level coupling"]
    assert jx.stage(0.2, lang="zh") == "低水平耦合"


def test_lag_type():
    U = pd.DataFrame({"economy": [0.5, 0.5, 0.3], "environment": [0.3, 0.45, 0.5]})
    assert list(jx.lag_type(U)) == ["Environment lags", "Synchronous", "Economy lags"]
    assert list(jx.lag_type([[0.5, 0.3]], lang="zh")) == ["系统2滞后"]
    assert list(jx.lag_type([[0.5, 0.3]], threshold=0.25)) == ["Synchronous"]


# ---------------------------------------------------------------- §5 obstacle degree

def test_obstacle_degree_by_hand():
    X = pd.DataFrame({"a": [1.0, 3.0, 2.0], "b": [10.0, 30.0, 20.0]})
    with pytest.warns(jx.JJJWarning, match="no deviation"):
        res = jx.obstacle_degree(X, [0.25, 0.75], dimensions=["d1", "d2"], top=1)
    np.testing.assert_allclose(res.indicator.to_numpy(), [[0.25, 0.75], [0, 0], [0.25, 0.75]])
    np.testing.assert_allclose(res.dimension.to_numpy(), [[0.25, 0.75], [0, 0], [0.25, 0.75]])
    assert list(res.top["obstacle_1"])[0] == "b"


# ---------------------------------------------------------------- §6 workflows

def test_paper000_workflow_matches_its_parts():
    from jjj_xl.datasets import load_sample
    s = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.entropy_topsis_coupling(s.data, s.indicators)
    codes = list(s.indicators["code"])
    dirs = list(s.indicators["direction"])
    w = jx.entropy_weights(s.data[codes].to_numpy(), dirs, shift=1.0).w
    np.testing.assert_allclose(res.weights["w"], w, rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        overall = jx.topsis(s.data[codes].to_numpy(), w, dirs, method="minmax").closeness
    np.testing.assert_allclose(res.scores["overall"], overall, rtol=1e-12)
    # Tables 4–9 layout: 6 blocks (overall + 5 dimensions) × 6 years
    assert list(res.coupling.columns[:7]) == ["dimension", "year", "C", "T", "D", "level", "label"]
    assert len(res.coupling) == 36
    y2016 = res.scores[res.scores.year == 2016].set_index("region")["economy"]
    row = res.coupling[(res.coupling.dimension == "economy") & (res.coupling.year == 2016)].iloc[0]
    direct = jx.coupling([y2016.to_numpy()], model="ring")
    assert row["C"] == pytest.approx(direct.C[0]) and row["T"] == pytest.approx(y2016.mean())
    assert len(res.coupling_dimensions) == 36
    assert set(res.weights["dimension_weight"].round(12)) == set(
        res.weights.groupby("dimension")["w"].sum().round(12))


def test_paper004_growth_rate_formula():
    from jjj_xl.methods.workflows import growth_rate
    assert growth_rate(0.2, 0.8, 3) == pytest.approx(1.0)   # doubles each year over 3 years
