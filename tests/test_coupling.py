"""Coupling coordination: float-noise-safe numerics (issue 7 item 7) and the variants of
issue 9 (fan model, right-closed grades, rescaled U, relative development degree, the
warning for U = 0). Published numbers are quoted where they come from; the rest are
hand computations with the arithmetic in a comment."""

from __future__ import annotations

import inspect
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import jjj_xl as jx
from jjj_xl.methods.coupling import ULP_TOL, coordination

SETTINGS = settings(max_examples=80, deadline=None)
ALL_MODELS = ("classic", "ring", "ring_printed", "wang", "fan")
PRODUCT_MODELS = ("classic", "ring", "ring_printed", "wang")   # one U = 0 forces C = 0
EPS = np.finfo(float).eps


def refused(fn, *args, **kwargs) -> str:
    with pytest.raises(jx.InputError) as err:
        fn(*args, **kwargs)
    msg = str(err.value)
    assert "\n" not in msg and "Traceback" not in msg and msg.strip() == msg
    return msg


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return fn(*args, **kwargs)


@st.composite
def rounded_alphas(draw, n, decimals=3):
    """α as a user types them: n positive numbers with `decimals` decimals summing to 1 in
    decimal arithmetic (their float sum is often 0.9999999999999999 or 1.0000000000000002)."""
    unit = 10 ** decimals
    cuts = sorted(draw(st.lists(st.integers(1, unit - 1), min_size=n - 1, max_size=n - 1,
                                unique=True)))
    parts = np.diff([0, *cuts, unit])
    return [p / unit for p in parts]


@st.composite
def u_rows(draw, min_n=2, max_n=8, min_rows=1, max_rows=8, low=0.0):
    m = draw(st.integers(min_rows, max_rows))
    n = draw(st.integers(min_n, max_n))
    return draw(hnp.arrays(np.float64, (m, n), elements=st.floats(low, 1.0, allow_nan=False)))


# ====================================================================== issue 7 item 7

def test_issue7_all_ones_nine_systems_gives_D_exactly_one():
    """Issue 7: `jx.coupling([[1.0]*9])` was refused "T is 1 … must be in [0, 1]"."""
    res = jx.coupling([[1.0] * 9])
    assert (res.C[0], res.T[0], res.D[0]) == (1.0, 1.0, 1.0)
    assert (res.level[0], res.label[0]) == (10, "Quality coordination")


def test_issue7_all_ones_alpha_07_02_01():
    """Issue 7: U all 1 with α 0.7/0.2/0.1 (float sum 0.9999999999999999) was refused."""
    assert 0.7 + 0.2 + 0.1 != 1.0   # the float noise the fix must absorb
    res = jx.coupling([[1.0, 1.0, 1.0]], weights=[0.7, 0.2, 0.1])
    assert (res.C[0], res.T[0], res.D[0]) == (1.0, 1.0, 1.0)


@SETTINGS
@given(data=st.data(), n=st.integers(2, 40), model=st.sampled_from(ALL_MODELS))
def test_all_ones_give_D_exactly_one_for_any_n_and_rounded_alpha(data, n, model):
    alpha = data.draw(rounded_alphas(n))
    res = jx.coupling([[1.0] * n], weights=alpha, model=model)
    expected_C = 0.5 if model == "ring_printed" else 1.0
    assert res.C[0] == expected_C and res.T[0] == 1.0
    assert res.D[0] == math.sqrt(expected_C)


@SETTINGS
@given(m=st.integers(1, 6), n=st.integers(2, 30), model=st.sampled_from(ALL_MODELS),
       u=st.floats(1e-300, 1.0, allow_nan=False))
def test_equal_U_gives_C_exactly_one_every_model_and_n(m, n, model, u):
    """METHODS.md §4: every model gives C = 1 when all U are equal and > 0 (ring_printed 0.5,
    its documented exception); exactly, not to 1e-12, so D = √T and the grade cannot flip."""
    res = jx.coupling(np.full((m, n), u), model=model)
    C = np.asarray(res.C)
    assert np.all(C == (0.5 if model == "ring_printed" else 1.0))
    assert np.all(np.asarray(res.T) == u)           # T of equal U is U itself, exactly


@SETTINGS
@given(data=st.data(), model=st.sampled_from(ALL_MODELS))
def test_C_T_D_in_unit_interval_and_T_between_min_and_max_U(data, model):
    U = data.draw(u_rows())
    alpha = data.draw(rounded_alphas(U.shape[1]))
    res = quiet(jx.coupling, U, weights=alpha, model=model)
    C, T, D = (np.asarray(v, dtype=float) for v in (res.C, res.T, res.D))
    for v in (C, T, D):
        assert np.all((v >= 0) & (v <= 1)) and np.all(np.isfinite(v))
    # T = Σ α U with α ≥ 0, Σ α = 1 is a weighted mean: never outside the row's range
    assert np.all(T <= U.max(axis=1)) and np.all(T >= U.min(axis=1))
    np.testing.assert_allclose(D, np.sqrt(C * T), rtol=0, atol=1e-15)


@SETTINGS
@given(data=st.data(), model=st.sampled_from(("classic", "wang", "fan")))
def test_permuting_systems_with_their_alpha_changes_nothing(data, model):
    """classic, wang and fan are symmetric in the systems: permute U's columns and α alike."""
    U = data.draw(u_rows(low=0.01))
    n = U.shape[1]
    alpha = np.asarray(data.draw(rounded_alphas(n)))
    perm = np.asarray(data.draw(st.permutations(range(n))))
    a = jx.coupling(U, weights=alpha, model=model)
    b = jx.coupling(U[:, perm], weights=alpha[perm], model=model)
    for name in ("C", "T", "D"):
        np.testing.assert_allclose(np.asarray(getattr(b, name)), np.asarray(getattr(a, name)),
                                   rtol=1e-13, atol=1e-15, err_msg=name)


@SETTINGS
@given(data=st.data(), model=st.sampled_from(("ring", "ring_printed")))
def test_ring_is_invariant_under_rotation_and_reversal_of_the_ring(data, model):
    """The ring model pairs each system with the next (U_n+1 = U_1): it depends on the cyclic
    order, so only rotations and the reversed ring leave C unchanged."""
    U = data.draw(u_rows(min_n=3, low=0.01))
    n = U.shape[1]
    k = data.draw(st.integers(0, n - 1))
    rot = np.roll(np.arange(n), k)
    c = np.asarray(jx.coupling(U, model=model).C)
    np.testing.assert_allclose(np.asarray(jx.coupling(U[:, rot], model=model).C), c, rtol=1e-13)
    np.testing.assert_allclose(np.asarray(jx.coupling(U[:, ::-1], model=model).C), c, rtol=1e-13)


@pytest.mark.parametrize("bump", [1, 2, 4, 8])
def test_C_and_T_within_a_few_ulps_of_the_bounds_are_clipped(bump):
    over, under = 1.0 + bump * EPS, -bump * EPS / 2
    D, level, label = coordination([over, 0.5], [1.0, under])
    assert list(D) == [1.0, 0.0] and list(level) == [10, 1]
    assert jx.grade(over) == (10, "Quality coordination")
    assert jx.stage(over) == "High-level coupling"


def test_C_or_T_clearly_outside_the_unit_interval_are_still_refused():
    assert ULP_TOL < 1e-14
    contains(refused(coordination, [1.0 + 1e-9], [0.5]), "C is 1", "row 1", "[0, 1]")
    contains(refused(coordination, [0.5], [-1e-9]), "T is -1e-09", "row 1")
    contains(refused(jx.coupling, [[0.5, 1.0 + 1e-9]]), "column B", "row 1", "[0, 1]")


def test_U_of_one_plus_float_noise_is_accepted():
    """A min-max endpoint computed elsewhere (Excel) may be 1.0000000000000002."""
    with pytest.warns(jx.JJJWarning, match="exactly 0"):   # −eps is clipped to an exact 0
        res = jx.coupling([[1.0 + 2 * EPS, 1.0], [0.5, -EPS]])
    assert res.C[0] == 1.0 and res.T[0] == 1.0 and res.D[0] == 1.0


def contains(msg: str, *parts):
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"


# ---------------------------------------------------------------- NaN refused with one line

@pytest.mark.parametrize("call, parts", [
    (lambda: jx.stage(float("nan")), ("C is blank", "row 1")),
    (lambda: jx.stage([0.2, np.nan]), ("C is blank", "row 2")),
    (lambda: jx.stage(pd.Series([0.2, np.nan], index=["Beijing", "Hebei"])), ("row 2 (Hebei)",)),
    (lambda: jx.grade(float("nan")), ("D is blank", "row 1")),
    (lambda: jx.grade([0.4, 0.5, np.nan]), ("D is blank", "row 3")),
    (lambda: jx.grade(pd.Series([0.4, np.nan], index=[2012, 2013])), ("D is blank", "row 2 (2013)")),
    (lambda: coordination([0.5, np.nan], [0.5, 0.5]), ("C is blank", "row 2")),
    (lambda: coordination([0.5], [np.nan]), ("T is blank", "row 1")),
    (lambda: jx.coupling([[0.2, np.nan]]), ("column B", "blank", "row 1")),
    (lambda: jx.coupling(pd.DataFrame({"Beijing": [0.2, 0.3], "Hebei": [0.5, np.nan]},
                                      index=[2012, 2013])), ('"Hebei"', "blank", "row 2 (2013)")),
    (lambda: jx.lag_type([[0.2, np.nan]]), ("column B", "blank", "row 1")),
    (lambda: jx.lag_type([[0.2, 0.3]], threshold=float("nan")), ("threshold is blank",)),
    (lambda: jx.relative_development([[np.nan, 0.3]]), ("column A", "blank", "row 1")),
    (lambda: jx.grade(0.5, scheme=[(0, "low"), (float("nan"), "high")]), ("row 2", "lower bound is blank")),
], ids=["stage scalar", "stage list", "stage series", "grade scalar", "grade list", "grade series",
        "coordination C", "coordination T", "coupling", "coupling frame", "lag U", "lag threshold",
        "relative development", "scheme bound"])
def test_nan_is_refused_naming_the_place(call, parts):
    contains(refused(call), *parts)


@pytest.mark.parametrize("bad, parts", [
    ([0.2, "x"], ('text "x"', "row 2")), ([0.2, True], ("logical value TRUE", "row 2")),
    ("0.5", ('text "0.5"', "row 1")), ([0.3, None], ("blank", "row 2")),
], ids=["text", "bool", "text scalar", "None"])
def test_grade_and_stage_refuse_text_and_logical_values(bad, parts):
    contains(refused(jx.grade, bad), "D", *parts)
    contains(refused(jx.stage, bad), "C", *parts)


def test_stage_of_nan_was_high_level_coupling_and_is_now_refused():
    """Issue 7: `jx.stage(nan)` returned "High-level coupling"."""
    with pytest.raises(jx.InputError):
        jx.stage(float("nan"))


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")], ids=["None", "empty", "spaces", "nan"])
def test_blank_grade_label_is_refused_naming_the_row(blank):
    """Issue 7: a custom grade table with a blank label wrote "None" into results."""
    scheme = [(0, "Imbalance"), (0.4, blank), (0.6, "Coordination")]
    msg = refused(jx.grade, 0.5, scheme=scheme)
    contains(msg, "row 2", "label is blank")
    frame = pd.DataFrame({"lower": [0.0, 0.4, 0.6], "label": ["Imbalance", blank, "Coordination"]})
    contains(refused(jx.coupling, [[0.5, 0.5]], scheme=frame), "row 2", "label is blank")


def test_partly_blank_chinese_labels_are_refused_but_an_empty_chinese_column_falls_back():
    scheme = [(0, "Imbalance", "失调"), (0.4, "Transition", None), (0.6, "Coordination", "协调")]
    contains(refused(jx.grade, 0.5, scheme=scheme), "row 2", "中文")
    frame = pd.DataFrame({"lower": [0.0, 0.5], "label": ["Low", "High"], "zh": [np.nan, np.nan]})
    assert jx.grade(0.7, scheme=frame, lang="zh") == (2, "High")


def test_fully_blank_rows_of_a_settings_table_are_skipped():
    frame = pd.DataFrame({"lower": [0.0, 0.5, np.nan], "label": ["Low", "High", np.nan]})
    assert jx.grade(0.7, scheme=frame) == (2, "High")


# ====================================================================== issue 9: fan

def test_fan_issue9_example():
    """Issue 9: U = (0.2, 0.8) → C = 0.4, T = 0.5, D = 0.447214.
    By hand: n = 2, ΣU² = 0.04 + 0.64 = 0.68, ΣU = 1; (2·0.68 − 1²)/2² = 0.36/4 = 0.09;
    C = 1 − 2·√0.09 = 1 − 0.6 = 0.4; T = (0.2 + 0.8)/2 = 0.5; D = √(0.4·0.5) = √0.2."""
    res = jx.coupling([[0.2, 0.8]], model="fan")
    assert res.C[0] == pytest.approx(0.4, abs=1e-15)
    assert res.T[0] == pytest.approx(0.5, abs=1e-15)
    assert res.D[0] == pytest.approx(0.447214, abs=5e-7)
    assert res.D[0] == pytest.approx(math.sqrt(0.2), abs=1e-15)


def test_fan_three_systems_by_hand():
    """U = (0.2, 0.4, 0.6): ΣU² = 0.04 + 0.16 + 0.36 = 0.56, ΣU = 1.2;
    (3·0.56 − 1.44)/9 = 0.24/9 = 0.026667; √ = 0.163299; C = 1 − 0.326599 = 0.673401;
    T = 0.4; D = √(0.673401·0.4) = √0.269360 = 0.519000."""
    res = jx.coupling([[0.2, 0.4, 0.6]], model="fan")
    assert res.C[0] == pytest.approx(1 - 2 * math.sqrt(0.24 / 9), abs=1e-15)
    assert res.C[0] == pytest.approx(0.673401, abs=5e-7)
    assert res.D[0] == pytest.approx(0.519000, abs=5e-7)


def test_fan_extremes_by_hand():
    """U = (0, 1): (2·1 − 1)/4 = 0.25, C = 1 − 2·0.5 = 0 — the largest spread in [0, 1].
    U = (0, 0.5): (2·0.25 − 0.25)/4 = 0.0625, C = 1 − 2·0.25 = 0.5 — a U of 0 does not force
    C = 0 in the fan model (no product), so no warning about it."""
    assert jx.coupling([[0.0, 1.0]], model="fan").C[0] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", jx.JJJWarning)
        res = jx.coupling([[0.0, 0.5]], model="fan")
    assert res.C[0] == 0.5 and res.T[0] == 0.25 and res.D[0] == pytest.approx(math.sqrt(0.125))


# The R package coupling 0.2 (Wenbo Lyu, CRAN, doi:10.32614/CRAN.package.coupling), vignette
# "Coupling Coordination Degree Model and Metacoupling Analysis" (vignettes/ccd.Rmd), prints
# the first 6 of 118 min-max normalised rows of the gzma data (sdsfun) and C, D of
# coupling::ccd(dt) ("standard"), method = "wang" and method = "fan":
R_VIGNETTE_U = [
    [0.8179733, 0.3246648, 0.6590316, 0.1308531],
    [0.3020233, 0.1318888, 0.4046987, 0.5173794],
    [0.9209903, 0.3353516, 0.6921477, 0.3141320],
    [0.9604095, 0.3914758, 0.7099999, 0.4316421],
    [0.9061589, 0.3473603, 0.7297774, 0.6909494],
    [0.9456379, 0.4391423, 0.7304117, 0.4792905],
]
R_VIGNETTE_CD = {
    "classic": ([0.8051958, 0.8914577, 0.8999423, 0.9346128, 0.9440912, 0.9519923],
                [0.6237105, 0.5497290, 0.7134825, 0.7632959, 0.7944703, 0.7858001]),
    "wang": ([0.4722274, 0.6211236, 0.5375842, 0.5861986, 0.6640321, 0.6319211],
             [0.4776480, 0.4588675, 0.5514412, 0.6045044, 0.6662930, 0.6402164]),
    "fan": ([0.4593785, 0.7164548, 0.4915051, 0.5399620, 0.5951898, 0.5907777],
            [0.4711049, 0.4928249, 0.5272784, 0.5801746, 0.6308098, 0.6190239]),
}


@pytest.mark.parametrize("model", list(R_VIGNETTE_CD))
def test_r_package_coupling_vignette(model):
    """Inputs and outputs are printed to 7 decimals, so agreement is to about 1e-7
    (largest differences seen: 1.0e-7 for C, 5.6e-8 for D)."""
    C, D = R_VIGNETTE_CD[model]
    res = jx.coupling(R_VIGNETTE_U, model=model)
    np.testing.assert_allclose(res.C, C, rtol=0, atol=2e-7)
    np.testing.assert_allclose(res.D, D, rtol=0, atol=2e-7)


@SETTINGS
@given(U=u_rows())
def test_fan_is_one_minus_twice_the_population_sd(U):
    """Independent form: (n·ΣU² − (ΣU)²)/n² is the population variance (numpy's var, ddof=0);
    for values in [0, 1] it is at most 1/4, so C ≥ 0 even before clipping."""
    C = np.asarray(quiet(jx.coupling, U, model="fan").C)
    expected = 1 - 2 * np.sqrt(np.var(U, axis=1))
    assert np.all(expected >= -1e-12)
    np.testing.assert_allclose(C, np.clip(expected, 0, 1), rtol=0, atol=1e-12)


# ====================================================================== issue 9: right-closed

# Tian Shenzhen, Li Xueming, Yang Jun, Zhang Wei, Guo Jianke (2021), 东北三省城市拟态与现实
# 人居环境时空耦合协调特征与机制, Acta Geographica Sinica 76(4): 781–, Table 1 "耦合度和协调度
# 等级标准" prints (a, b]: 极度失调 0.00<D≤0.10, 严重失调 0.10<D≤0.20, 中度失调 0.20<D≤0.30,
# 轻度失调 0.30<D≤0.40, 濒临失调 0.40<D≤0.50, 勉强协调 0.50<D≤0.60, 初级协调 0.60<D≤0.70,
# 中级协调 0.70<D≤0.80, 良好协调 0.80<D≤0.90, 优质协调 0.90<D≤1.00.
TIAN_TABLE1 = [("极度失调", 0.0, 0.1), ("严重失调", 0.1, 0.2), ("中度失调", 0.2, 0.3),
               ("轻度失调", 0.3, 0.4), ("濒临失调", 0.4, 0.5), ("勉强协调", 0.5, 0.6),
               ("初级协调", 0.6, 0.7), ("中级协调", 0.7, 0.8), ("良好协调", 0.8, 0.9),
               ("优质协调", 0.9, 1.0)]


def test_right_closed_issue9_example():
    """Issue 9: U = (0.25, 0.25) → C = 1, T = 0.25, D = √0.25 = 0.5 → level 5 濒临失调
    with (a, b]; left-closed [a, b) gives 勉强协调."""
    right = jx.coupling([[0.25, 0.25]], closed="right", lang="zh")
    left = jx.coupling([[0.25, 0.25]], lang="zh")
    assert right.D[0] == 0.5
    assert (right.level[0], right.label[0]) == (5, "濒临失调")
    assert (left.level[0], left.label[0]) == (6, "勉强协调")
    assert jx.grade(0.5, closed="right", lang="zh") == (5, "濒临失调")


@pytest.mark.parametrize("level, row", list(enumerate(TIAN_TABLE1, start=1)))
def test_right_closed_matches_tian_2021_table1(level, row):
    label, lo, hi = row
    assert jx.grade(hi, closed="right", lang="zh") == (level, label)           # b is inside
    assert jx.grade((lo + hi) / 2, closed="right", lang="zh") == (level, label)
    if lo > 0:
        assert jx.grade(lo, closed="right", lang="zh")[0] == level - 1         # a is not


def test_right_closed_edge_cases():
    """D = 0 is outside every printed interval (0.00 < D): jjj-xl puts it in level 1, as the
    left-closed scheme does. D = 1 is level 10 either way. D computed as √0.36 is 0.6 after
    rounding to 12 decimals: level 6 right-closed, 7 left-closed."""
    assert jx.grade(0.0, closed="right") == (1, "Extreme imbalance")
    assert jx.grade(1.0, closed="right")[0] == 10
    assert jx.grade(math.sqrt(0.36), closed="right")[0] == 6
    assert jx.grade(math.sqrt(0.36))[0] == 7
    scheme = [(0.2, "low"), (0.5, "high")]
    assert jx.grade(0.2, scheme=scheme, closed="right") == (1, "low")
    assert jx.grade(0.5, scheme=scheme, closed="right") == (1, "low")
    assert jx.grade(0.5, scheme=scheme) == (2, "high")
    contains(refused(jx.grade, 0.1, scheme=scheme, closed="right"), "below the lowest")
    contains(refused(jx.grade, 0.5, closed="both"), "left", "right")


@SETTINGS
@given(ds=st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=30))
def test_right_closed_level_differs_from_left_only_on_a_bound(ds):
    d = np.asarray(ds)
    left = np.asarray(jx.grade(d)[0])
    right = np.asarray(jx.grade(d, closed="right")[0])
    on_bound = np.isin(np.round(d, 12), np.round(np.arange(1, 10) / 10, 12))
    assert np.all(right[~on_bound] == left[~on_bound])
    assert np.all(right[on_bound] == left[on_bound] - 1)
    assert np.all(np.diff(right[np.argsort(d)]) >= 0)


# ====================================================================== issue 9: rescale

def test_rescale_by_hand():
    """rescale=(0.01, 0.99): U' = 0.01 + 0.98·(U − min)/(max − min) per column.
    Column 1 (3, 5, 4): min 3, max 5 → 0.01, 0.99, 0.01 + 0.98·0.5 = 0.5.
    Column 2 (10, 20, 40): min 10, max 40 → 0.01, 0.01 + 0.98/3 = 0.336667, 0.99.
    Row 1 (0.01, 0.01): C = 1, T = 0.01, D = 0.1 → level 2 (left-closed).
    Row 3 (0.5, 0.99): C = 2√(0.495)/1.49 = 2·0.703562/1.49 = 0.944379, T = 0.745,
    D = √(0.944379·0.745) = √0.703562 = 0.838786."""
    res = jx.coupling([[3, 10], [5, 20], [4, 40]], rescale=(0.01, 0.99))
    assert res.C[0] == 1.0 and res.T[0] == 0.01 and res.D[0] == pytest.approx(0.1, abs=1e-15)
    assert res.level[0] == 2
    u2 = 0.01 + 0.98 / 3
    assert res.C[1] == pytest.approx(2 * math.sqrt(0.99 * u2) / (0.99 + u2), abs=1e-15)
    assert res.C[2] == pytest.approx(0.944379, abs=5e-7)
    assert res.T[2] == pytest.approx(0.745, abs=1e-15)
    assert res.D[2] == pytest.approx(0.838786, abs=5e-7)
    assert "SPSSAU" in res.notes["U rescaled"]


def test_rescale_true_is_spssau_default_and_endpoints_are_exact():
    U = np.array([[0.3, 7.0], [1e6, -2.0], [5.0, 3.0]])
    a = jx.coupling(U, rescale=True)
    b = jx.coupling(U, rescale=(0.01, 0.99))
    np.testing.assert_array_equal(a.D, b.D)
    # the column minimum becomes exactly 0.01 and the maximum exactly 0.99: with equal U
    # in a row C = 1 exactly and T is that U
    res = jx.coupling([[1.0, 5.0], [2.0, 6.0]], rescale=(0.01, 0.99))
    assert list(res.T) == [0.01, 0.99] and list(res.C) == [1.0, 1.0]


@SETTINGS
@given(U=hnp.arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(2, 5)),
                    elements=st.floats(-1e6, 1e6, allow_nan=False)),
       scale=st.floats(1e-3, 1e3), offset=st.floats(-1e3, 1e3), model=st.sampled_from(ALL_MODELS))
def test_rescaled_coupling_ignores_units_of_each_system(U, scale, offset, model):
    """Min-max makes each column unit-free: a positive affine change of a column's units
    leaves the rescaled U, hence C, T, D, unchanged."""
    assume(all(np.ptp(U[:, j]) > 1e-6 * max(1.0, np.abs(U[:, j]).max()) for j in range(U.shape[1])))
    a = quiet(jx.coupling, U, model=model, rescale=(0.01, 0.99))
    V = U.copy()
    V[:, 0] = V[:, 0] * scale + offset
    b = quiet(jx.coupling, V, model=model, rescale=(0.01, 0.99))
    np.testing.assert_allclose(b.D, a.D, rtol=0, atol=1e-9)


def test_rescale_constant_system_goes_to_midpoint_with_warning():
    with pytest.warns(jx.JJJWarning, match="midpoint 0.5"):
        res = jx.coupling(pd.DataFrame({"economy": [0.3, 0.3], "society": [1.0, 2.0]}),
                          rescale=(0.01, 0.99))
    assert res.T.iloc[0] == pytest.approx((0.5 + 0.01) / 2)


@pytest.mark.parametrize("bad", [(0.5, 0.2), (0.0, 1.5), ("a", 1), (0.1,)])
def test_rescale_bounds_are_checked(bad):
    contains(refused(jx.coupling, [[0.1, 0.2], [0.3, 0.4]], rescale=bad), "rescale")


def test_raw_U_without_rescale_points_to_the_option():
    contains(refused(jx.coupling, [[3.0, 10.0]]), "[0, 1]", "rescale=(0.01, 0.99)")


# ====================================================================== issue 9: relative development

def test_relative_development_classes_by_hand():
    """E = U₂/U₁ with the classes of issue 9 (E ≤ 0.8, 0.8 < E ≤ 1.2, E > 1.2):
    (0.5, 0.3): E = 0.6 → system 2 lags; (0.5, 0.45): E = 0.9 → synchronous;
    (0.3, 0.5): E = 1.667 → system 1 lags; (0.5, 0.4): E = 0.8 exactly → ≤ 0.8, system 2
    lags; (0.5, 0.6): E = 1.2 → synchronous (right-closed)."""
    U = pd.DataFrame({"economy": [0.5, 0.5, 0.3, 0.5, 0.5],
                      "environment": [0.3, 0.45, 0.5, 0.4, 0.6]})
    res = jx.relative_development(U)
    np.testing.assert_allclose(res.E, [0.6, 0.9, 0.5 / 0.3, 0.8, 1.2], rtol=1e-15)
    assert list(res.cls) == [1, 2, 3, 1, 2]
    assert list(res.label) == ["Environment lags", "Synchronous", "Economy lags",
                               "Environment lags", "Synchronous"]
    assert list(res.table.columns) == ["E", "class", "label"]


def test_relative_development_u1_over_u2_and_chinese():
    """ratio="u1/u2": E = U₁/U₂, so a small E now means system 1 lags.
    (0.5, 0.3): E = 1.667 > 1.2 → system 2 lags; (0.3, 0.5): E = 0.6 → system 1 lags."""
    res = jx.relative_development([[0.5, 0.3], [0.3, 0.5]], ratio="u1/u2", lang="zh")
    np.testing.assert_allclose(res.E, [0.5 / 0.3, 0.6], rtol=1e-15)
    assert list(res.label) == ["系统2滞后", "系统1滞后"]
    res = jx.relative_development([[0.5, 0.3]], names=("城镇化", "生态环境"), lang="zh")
    assert list(res.label) == ["生态环境滞后"]


def test_relative_development_custom_scheme():
    res = jx.relative_development([[0.5, 0.2], [0.5, 0.35], [0.5, 0.5], [0.2, 0.5]],
                                  bounds=(0.5, 0.9, 1.1), labels=["severe", "mild", "balanced", "ahead"])
    assert list(res.label) == ["severe", "mild", "balanced", "ahead"]   # E 0.4, 0.7, 1, 2.5
    contains(refused(jx.relative_development, [[0.5, 0.2]], bounds=(0.5, 0.9, 1.1)), "labels")
    contains(refused(jx.relative_development, [[0.5, 0.2]], bounds=(1.2, 0.8)), "ascending")
    contains(refused(jx.relative_development, [[0.5, 0.2]], labels=["a", "", "c"]), "label 2", "blank")
    contains(refused(jx.relative_development, [[0.5, 0.2]], ratio="U2:U1"), "u2/u1")
    contains(refused(jx.relative_development, [[0.5, 0.2, 0.1]]), "3 systems", "2")


def test_relative_development_zero_denominator_is_defined_with_warning():
    with pytest.warns(jx.JJJWarning) as rec:
        res = jx.relative_development([[0.0, 0.3], [0.0, 0.0], [0.4, 0.4]])
    assert np.isinf(res.E[0]) and res.cls[0] == 3 and res.label[0] == "System 1 lags"
    assert res.E[1] == 1.0 and res.label[1] == "Synchronous"
    text = " ".join(str(r.message) for r in rec)
    assert "row 1" in text and "row 2" in text


@SETTINGS
@given(U=u_rows(min_n=2, max_n=2, low=0.01))
def test_relative_development_class_is_monotone_in_E(U):
    res = jx.relative_development(U)
    order = np.argsort(res.E)
    assert np.all(np.diff(np.asarray(res.cls)[order]) >= 0)
    E_flip = np.asarray(jx.relative_development(U, ratio="u1/u2").E)
    np.testing.assert_allclose(E_flip * np.asarray(res.E), 1.0, rtol=1e-14)


# ====================================================================== issue 9: U = 0 warning

@pytest.mark.parametrize("model", PRODUCT_MODELS)
def test_a_single_zero_U_warns_naming_system_and_row(model):
    U = pd.DataFrame({"Beijing": [0.6, 0.7], "Tianjin": [0.3, 0.5], "Hebei": [0.0, 0.2]},
                     index=pd.Index([2012, 2013], name="year"))
    with pytest.warns(jx.JJJWarning) as rec:
        res = jx.coupling(U, model=model)
    msg = next(str(r.message) for r in rec if "exactly 0" in str(r.message))
    contains(msg, '"Hebei"', "row 1 (2012)", "C = 0", "rescale", "fan")
    assert "\n" not in msg
    assert res.C.iloc[0] == 0.0 and res.D.iloc[0] == 0.0 and res.C.iloc[1] > 0


def test_no_zero_warning_when_no_U_is_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error", jx.JJJWarning)
        jx.coupling([[0.1, 0.2], [0.3, 1e-300]])


OFFICIAL_INDICATORS = pd.DataFrame({   # the README's example on the official data
    "code": ["rd_intensity_pct", "rd_personnel_fte_person_years", "patent_applications",
             "patents_granted", "edu_exp_share_pct", "scitech_exp_share_pct"],
    "dimension": ["input", "input", "output", "output", "environment", "environment"],
    "direction": ["+"] * 6})


def test_official_data_input_and_output_2012_say_why_D_is_zero(official_innovation):
    """Issue 9: on the official data, input 2012 and output 2012 came out D = 0.000 "Extreme
    imbalance" with no word why: Hebei 2012 is the pooled worst on every input and output
    indicator, so its TOPSIS score is 0 and every product model gives C = 0."""
    data = official_innovation.rename(columns={"province_en": "region"})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always", jx.JJJWarning)
        res = jx.entropy_topsis_coupling(data, OFFICIAL_INDICATORS)
    t = res.coupling.set_index(["dimension", "year"])
    assert t.loc[("input", 2012), "D"] == 0.0 and t.loc[("output", 2012), "D"] == 0.0
    zero = [str(r.message) for r in rec if "exactly 0" in str(r.message)]
    for dim in ("input", "output"):
        msg = next(m for m in zero if m.startswith(f"{dim} scores, regions coupled per year"))
        contains(msg, '"Hebei"', "(2012)", "C = 0")
    dims = next(m for m in zero if m.startswith("dimension scores"))
    contains(dims, '"input"', '"output"', "Hebei 2012")


def test_official_data_ideal_solution_index_dimensions_coupled(official_innovation):
    """The README's ideal_solution_index: its sub-indices coupled per region-year; the
    output index is 0 in 2012 for every region (each region's own worst year)."""
    data = official_innovation.rename(columns={"province_en": "region"})
    res = quiet(jx.ideal_solution_index, data, OFFICIAL_INDICATORS)
    U = res.scores.set_index(["region", "year"])[["input", "output", "environment"]]
    with pytest.warns(jx.JJJWarning, match="exactly 0") as rec:
        c = jx.coupling(U)
    msg = next(str(r.message) for r in rec if "exactly 0" in str(r.message))
    contains(msg, "Beijing 2012", '"output"')
    assert c.D.loc[("Hebei", 2012)] == 0.0
    # the fan model has no product: D > 0 there, and no such warning
    with warnings.catch_warnings(record=True) as rec2:
        warnings.simplefilter("always", jx.JJJWarning)
        f = jx.coupling(U, model="fan")
    assert not any("exactly 0" in str(r.message) for r in rec2)
    assert f.D.loc[("Hebei", 2012)] > 0


# ====================================================================== defaults

def test_coupling_defaults_to_classic_and_left_closed():
    sig = inspect.signature(jx.coupling)
    assert sig.parameters["model"].default == "classic"
    assert sig.parameters["closed"].default == "left"
    assert sig.parameters["rescale"].default is None
    U = [[0.4, 0.9], [0.3, 0.7]]
    np.testing.assert_array_equal(jx.coupling(U).D, jx.coupling(U, model="classic").D)
    assert "classic" in jx.coupling(U).notes["coupling model"]


def test_entropy_topsis_coupling_keeps_paper_000_ring_and_passes_closed():
    sig = inspect.signature(jx.entropy_topsis_coupling)
    assert sig.parameters["coupling_model"].default == "ring"
    from jjj_xl.datasets import load_sample
    s = load_sample("paper000")
    a = quiet(jx.entropy_topsis_coupling, s.data, s.indicators)
    b = quiet(jx.entropy_topsis_coupling, s.data, s.indicators, closed="right")
    np.testing.assert_array_equal(a.coupling["D"], b.coupling["D"])
    d = np.round(a.coupling["D"].to_numpy(), 12)
    on_bound = np.isin(d, np.round(np.arange(1, 10) / 10, 12))
    expected = a.coupling["level"].to_numpy() - on_bound
    np.testing.assert_array_equal(b.coupling["level"], expected)
    assert "right-closed" in b.notes["grade scheme"]


def test_unknown_model_lists_fan():
    contains(refused(jx.coupling, [[0.1, 0.2]], model="Fan "), "fan", "classic")
