"""Issue 9's method variants as Excel functions, through BOTH of xlwings' dispatch paths.

Every new function and option is called as Excel calls it — xlwings Server/Lite
(``xlwings.server.custom_functions_call`` with Office.js-shaped arguments, tests/xlserver.py)
and classic Windows Excel (``xlwings.udfs.call_udf`` with COM-shaped arguments, pywin32
stubbed, tests/xlclassic.py) — and its result is compared with the engine call it wraps
(``jx.*``), and, where a published or hand-computed number exists, with that number:

- Fan, Ke & Cao (2024), 统计与决策 40(22): 41–46, as issue 9 quotes it: U = (0.2, 0.8) →
  C = 0.4, T = 0.5, D = 0.447214.
- Tian et al. (2021), Acta Geographica Sinica 76(4): 781, Table 1, right-closed grades
  (0.40 < D ≤ 0.50 濒临失调): U = (0.25, 0.25) → D = 0.5 → level 5 濒临失调 (left-closed:
  level 6 勉强协调), issue 9's example.
- Middle type, best value 7: 5, 7, 8, 9 → 0, 1, 0.5, 0 (issue 9's example; by hand:
  |x − 7| = 2, 0, 1, 2, max 2, 1 − |x − 7|/2).
- Saaty (1990) "How to make a decision: The Analytic Hierarchy Process", EJOR 48: 9–26,
  the house example (8 criteria): printed priority vector .173 .054 .188 .018 .031 .036
  .167 .333, λmax = 9.669, C.I. = 0.238, C.R. = 0.169.
- Hand computations (shown at each test) for the rest.
"""

import warnings

import numpy as np
import pytest

import jjj_xl as jx

from . import xlclassic, xlserver


class R:
    """A range argument (2-D rows); anything else is a single cell."""

    def __init__(self, rows):
        self.rows = [list(r) for r in rows]


OMIT = object()       # an omitted optional argument


def col(values):
    return R([[v] for v in values])


def row(values):
    return R([list(values)])


# ---------------------------------------------------------------- the two dispatch paths

@pytest.fixture(scope="module")
def server():
    with xlserver.server_mode("jjj_xl.excel.udfs") as (xw, (udfs,)):
        yield xw, udfs


@pytest.fixture(scope="module")
def classic():
    with xlclassic.classic_mode() as mods:
        yield mods


@pytest.fixture(params=["server", "classic"])
def excel(request):
    """call(name, *args) -> 2-D list, through the path; error(name, *args) -> the cell's text."""
    path = request.param
    mods = request.getfixturevalue(path)

    def to_arg(a):
        if path == "server":
            return None if a is OMIT else (a.rows if isinstance(a, R) else [[a]])
        return xlclassic.MISSING if a is OMIT else (xlclassic.FakeComRange(a.rows) if isinstance(a, R) else a)

    def call(name, *args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jx.JJJWarning)
            if path == "server":
                out = xlserver.call_udf(mods[1], name, *map(to_arg, args))
            else:
                out = xlclassic.call(mods[0], name, *map(to_arg, args))
        if not isinstance(out, (list, tuple)):
            return [[out]]
        if out and not isinstance(out[0], (list, tuple)):
            return [list(out)]
        return [list(r) for r in out]

    def error(name, *args):
        exc = mods[0].XlwingsError if path == "server" else xlclassic.COMException
        with pytest.raises(exc) as info:
            call(name, *args)
        text = str(info.value) if path == "server" else info.value.description
        assert "\n" not in text and "Traceback" not in text, text
        return text

    call.error = error
    call.path = path
    return call


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return fn(*args, **kw)


def close(a, b, rtol=1e-12):
    np.testing.assert_allclose(np.array(a, dtype=float), np.array(b, dtype=float), rtol=rtol, atol=1e-15)


# data with a middle (best 7) and an interval (ideal 10–20) indicator
X = [[5.0, 3.0, 12.0, 40.0], [7.0, 1.0, 25.0, 55.0], [8.0, 4.0, 8.0, 38.0],
     [9.0, 2.0, 18.0, 61.0], [6.0, 5.0, 30.0, 47.0]]
DIRS_TEXT = ["middle 7", "-", "interval 10-20", "+"]
DIRS_TUPLES = [("middle", 7), "-", ("interval", 10, 20), "+"]


# ---------------------------------------------------------------- directions: every spelling passes through

@pytest.mark.parametrize("dirs", [
    row(DIRS_TEXT),
    col(DIRS_TEXT),
    row(["中间型 7", "负向", "区间型 10-20", "正向"]),
    row(["middle: 7", "cost", "interval 10~20", "benefit"]),
    "middle 7; -; interval 10-20; +",              # one cell for all four
], ids=["row", "column", "chinese", "other-spellings", "one-cell"])
def test_middle_and_interval_directions_reach_the_engine_intact(excel, dirs):
    for method in ("minmax", "zscore"):
        out = excel("jjj_standardize", R(X), dirs, method, OMIT)
        close(out, quiet(jx.standardize, X, DIRS_TUPLES, method=method))
    pos = excel("jjj_positivize", R(X), dirs)
    close(pos, jx.positivize(X, DIRS_TUPLES))


def test_positivize_hand_examples(excel):
    """middle 7: 5, 7, 8, 9 → 0, 1, 0.5, 0 (issue 9). interval 10–20 on 5, 12, 20, 30:
    M = max(10 − 5, 30 − 20) = 10 → 1 − 5/10, 1, 1, 1 − 10/10 = 0.5, 1, 1, 0. cost on
    1, 3, 2, 4: max − x = 3, 1, 2, 0. benefit unchanged."""
    data = R([[5, 5, 1, 2.5], [7, 12, 3, 1], [8, 20, 2, 7], [9, 30, 4, 4]])
    out = excel("jjj_positivize", data, row(["middle 7", "interval 10-20", "-", "+"]))
    close(out, [[0, 0.5, 3, 2.5], [1, 1, 1, 1], [0.5, 1, 2, 7], [0, 0, 0, 4]])
    assert excel.error("jjj_positivize", data, OMIT) == \
        "directions is empty; give one direction per column of data (+, -, middle 7 or interval 10-20)"


def test_zscore_is_the_sample_standard_deviation(excel):
    """1, 2, 3, 6: mean 3, sample s = √((4 + 1 + 0 + 9)/3) = √(14/3); cost (mean − x)/s."""
    out = excel("jjj_standardize", R([[1, 1], [2, 2], [3, 3], [6, 6]]), row(["+", "-"]), "zscore", OMIT)
    s = np.sqrt(14 / 3)
    close(out, [[-2 / s, 2 / s], [-1 / s, 1 / s], [0, 0], [3 / s, -3 / s]])


# ---------------------------------------------------------------- entropy: zscore + SPSSAU translation

def test_entropy_zscore_with_spssau_translation(excel):
    ref = quiet(jx.entropy_weights, X, DIRS_TUPLES, method="zscore", translate="spssau")
    w = excel("jjj_entropy_weights", R(X), row(DIRS_TEXT), "zscore", OMIT, "spssau")
    close(w[0], ref.w)
    table = excel("jjj_entropy_table", R(X), row(DIRS_TEXT), "zscore", OMIT, True, "spssau")
    assert table[0] == ["e", "d", "w"]
    close(table[1:], np.column_stack([ref.e, ref.d, ref.w]))
    # translation by hand on a one-column case with method "none": z = −1, 0, 2 has a value
    # ≤ 0, so z + |−1| + 0.01 = 0.01, 1.01, 3.01; p = z/4.03; e = −Σ p ln p / ln 3
    z = np.array([0.01, 1.01, 3.01])
    p = z / z.sum()
    e = -(p * np.log(p)).sum() / np.log(3)
    z2 = np.array([1.0, 2.0, 3.0])          # all > 0: not translated
    p2 = z2 / z2.sum()
    e2 = -(p2 * np.log(p2)).sum() / np.log(3)
    d = np.array([1 - e, 1 - e2])
    w2 = excel("jjj_entropy_weights", R([[-1, 1], [0, 2], [2, 3]]), OMIT, "none", OMIT, "spssau")
    close(w2[0], d / d.sum())
    # left out (or "none"/FALSE): no translation, and zscore alone is refused in one line
    text = excel.error("jjj_entropy_weights", R(X), OMIT, "zscore", OMIT, OMIT)
    # column 1 = 5, 7, 8, 9, 6: mean 7, s = √(10/4), min z = −2/√2.5 = −1.265
    assert text == ('column 1 of data is negative after zscore standardisation (min -1.265); '
                    'entropy needs values ≥ 0: use translate="spssau" (adds |min| + 0.01) or '
                    'method="minmax"')
    assert excel("jjj_entropy_weights", R(X), OMIT, OMIT, OMIT, "none") == \
        excel("jjj_entropy_weights", R(X), OMIT, OMIT, OMIT, OMIT)


def test_topsis_zscore_and_indicator_types(excel):
    w = [0.25, 0.25, 0.25, 0.25]
    ref = quiet(jx.topsis, X, w, DIRS_TUPLES, method="zscore")
    c = excel("jjj_topsis", R(X), row(w), row(DIRS_TEXT), "zscore", OMIT, OMIT)
    close([r[0] for r in c], ref.closeness)
    t = excel("jjj_topsis_table", R(X), col(w), "middle 7; -; interval 10-20; +", OMIT, OMIT, OMIT, True)
    ref_v = quiet(jx.topsis, X, w, DIRS_TUPLES)
    close([r[2] for r in t[1:]], ref_v.closeness)
    assert [int(r[3]) for r in t[1:]] == list(ref_v.rank)


# ---------------------------------------------------------------- coupling: fan, closed, rescale

def test_coupling_fan_published_example(excel):
    """Fan, Ke & Cao (2024) via issue 9: U = (0.2, 0.8) → C = 0.4, T = 0.5, D = 0.447214.
    By hand: n = 2, ΣU = 1, ΣU² = 0.68, (2·0.68 − 1)/4 = 0.09, C = 1 − 2·0.3 = 0.4,
    D = √(0.4·0.5) = √0.2."""
    out = excel("jjj_coupling", R([[0.2, 0.8]]), OMIT, "fan", True)
    assert out[0] == ["C", "T", "D"]
    close(out[1], [0.4, 0.5, np.sqrt(0.2)], rtol=1e-12)
    assert round(out[1][2], 6) == 0.447214
    ref = jx.coupling([[0.2, 0.8]], model="fan")
    assert out[1] == [float(ref.C[0]), float(ref.T[0]), float(ref.D[0])]


def test_coupling_closed_adds_level_and_label(excel):
    """U = (0.25, 0.25): C = 1, T = 0.25, D = 0.5. Right-closed (Tian et al. 2021, Table 1:
    0.40 < D ≤ 0.50 濒临失调) → level 5; left-closed [0.5, 0.6) → level 6 勉强协调."""
    U = R([[0.25, 0.25], [0.4, 0.9]])
    right = excel("jjj_coupling", U, OMIT, OMIT, True, "right", OMIT, "zh")
    assert right[0] == ["C", "T", "D", "level", "label"]
    assert right[1][3:] == [5, "濒临失调"]
    left = excel("jjj_coupling", U, OMIT, OMIT, OMIT, "left", OMIT, "zh")
    assert left[0][3:] == [6, "勉强协调"]
    ref = jx.coupling([[0.25, 0.25], [0.4, 0.9]], closed="right")
    en = excel("jjj_coupling", U, OMIT, OMIT, OMIT, "right", OMIT, OMIT)
    assert [r[3:] for r in en] == [[int(lv), str(lb)] for lv, lb in zip(ref.level, ref.label)]
    # without closed: C, T, D only (3 columns, as before)
    assert len(excel("jjj_coupling", U, OMIT, OMIT, OMIT, OMIT, OMIT, OMIT)[0]) == 3


RAW_U = [[10.0, 200.0], [20.0, 150.0], [15.0, 300.0]]


def test_coupling_rescale(excel):
    """TRUE = SPSSAU's (0.01, 0.99). By hand, system 1: 10, 20, 15 → 0.01, 0.99, 0.5;
    system 2: 200, 150, 300 → 0.01 + 0.98·(50/150), 0.01, 0.99."""
    ref = quiet(jx.coupling, RAW_U, rescale=(0.01, 0.99))
    out = excel("jjj_coupling", R(RAW_U), OMIT, OMIT, OMIT, OMIT, True)
    close(out, np.column_stack([ref.C, ref.T, ref.D]))
    u1 = np.array([0.01, 0.99, 0.5])
    u2 = np.array([0.01 + 0.98 / 3, 0.01, 0.99])
    close([r[1] for r in out], (u1 + u2) / 2, rtol=1e-12)          # T = mean of the rescaled U
    pair = excel("jjj_coupling", R(RAW_U), OMIT, "fan", OMIT, OMIT, row([0.1, 0.9]))
    ref2 = jx.coupling(RAW_U, model="fan", rescale=(0.1, 0.9))
    close(pair, np.column_stack([ref2.C, ref2.T, ref2.D]))
    plain = R([[0.4, 0.9], [0.5, 0.6]])
    assert excel("jjj_coupling", plain, OMIT, OMIT, OMIT, OMIT, False) == \
        excel("jjj_coupling", plain, OMIT, OMIT, OMIT, OMIT, OMIT)


def test_ccd_grade_closed(excel):
    ref = jx.grade([0.0, 0.1, 0.4, 0.5, 0.6], closed="right", lang="zh")
    out = excel("jjj_ccd_grade", col([0.0, 0.1, 0.4, 0.5, 0.6]), "zh", OMIT, "right")
    assert out == [[int(lv), str(lb)] for lv, lb in zip(*ref)]
    assert out[3] == [5, "濒临失调"] and out[0][0] == 1
    assert excel("jjj_ccd_grade", 0.5, "zh", OMIT, OMIT) == [[6, "勉强协调"]]


# ---------------------------------------------------------------- relative development

def test_relative_development(excel):
    """E = U₂/U₁: 0.2/0.5 = 0.4 (≤ 0.8, class 1), 0.3/0.3 = 1 (class 2), 0.5/0.2 = 2.5
    (class 3), 0.4/0 = ∞ (class 3, shown as the text ∞)."""
    U = [[0.5, 0.2], [0.3, 0.3], [0.2, 0.5], [0.0, 0.4]]
    out = excel("jjj_rel_dev", R(U), OMIT, OMIT, OMIT, OMIT, True)
    assert out[0] == ["E", "class", "label"]
    body = out[1:]
    close([r[0] for r in body[:3]], [0.4, 1.0, 2.5])
    assert body[3][0] == "∞"
    assert [r[1] for r in body] == [1, 2, 3, 3]
    ref = quiet(jx.relative_development, U)
    assert [r[2] for r in body] == list(ref.label)
    # U1/U2, Chinese, own bounds and labels
    inv = excel("jjj_rel_dev", R(U), "u1/u2", row([0.5, 1, 2]), "zh", row(["a", "b", "c", "d"]), OMIT)
    ref2 = quiet(jx.relative_development, U, "u1/u2", bounds=(0.5, 1, 2), labels=list("abcd"), lang="zh")
    close([r[0] for r in inv], ref2.E)          # 2.5, 1, 0.4, 0
    close([r[0] for r in inv], [2.5, 1, 0.4, 0])
    assert [r[1:] for r in inv] == [[int(c), str(lb)] for c, lb in zip(ref2.cls, ref2.label)]
    assert [r[2] for r in inv] == ["d", "b", "a", "a"]


# ---------------------------------------------------------------- AHP and combined weights

SAATY_HOUSE = [[1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
               [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
               [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
               [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
               [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
               [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
               [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
               [4, 7, 5, 8, 6, 6, 2, 1]]


def _as_typed(matrix):
    """The upper triangle as an analyst types it (fractions as text "1/3"), lower left blank."""
    def cell(v):
        return v if v >= 1 else f"1/{round(1 / v)}"
    return [[cell(v) if j >= i else None for j, v in enumerate(r)] for i, r in enumerate(matrix)]


def test_ahp_saaty_1990_house(excel):
    """Saaty (1990) EJOR 48: 9–26, house example: printed w .173 .054 .188 .018 .031 .036
    .167 .333, λmax 9.669, C.I. 0.238, C.R. 0.169."""
    out = excel("jjj_ahp", R(_as_typed(SAATY_HOUSE)), True)
    assert out[0] == ["w", "lambda_max", "CI", "CR"]
    body = out[1:]
    w = [r[0] for r in body]
    assert [round(v, 3) for v in w] == [.173, .054, .188, .018, .031, .036, .167, .333]
    lam, ci, cr = body[0][1:]
    assert (round(lam, 3), round(ci, 3), round(cr, 3)) == (9.669, 0.238, 0.169)
    assert all(r[1:] == ["", "", ""] or r[1:] == [None, None, None] for r in body[1:])
    ref = quiet(jx.ahp_weights, SAATY_HOUSE)
    close(w, ref.w, rtol=1e-9)            # typed 1/3 vs 1/3: reciprocals equal to ~1 ulp
    close([lam, ci, cr], [ref.lambda_max, ref.CI, ref.CR], rtol=1e-9)
    plain = excel("jjj_ahp", R(SAATY_HOUSE), OMIT)          # the full matrix, no header
    assert len(plain) == 8
    close([r[0] for r in plain], ref.w, rtol=1e-12)
    close(plain[0][1:], [ref.lambda_max, ref.CI, ref.CR], rtol=1e-12)


def test_ahp_consistent_three_items(excel):
    """A consistent matrix a_ij = w_i/w_j with w = (0.5, 0.3, 0.2): its principal
    eigenvector is w, λmax = n = 3, CI = CR = 0 (Saaty 1980)."""
    w = [0.5, 0.3, 0.2]
    out = excel("jjj_ahp", R([[a / b for b in w] for a in w]), OMIT)
    close([r[0] for r in out], w, rtol=1e-12)
    assert abs(out[0][1] - 3) < 1e-12 and abs(out[0][2]) < 1e-12 and abs(out[0][3]) < 1e-12
    # blank cells as Office.js may send them ("") in the lower triangle: the reciprocals
    typed = [[1, "5/3", 2.5], ["", 1, 1.5], ["", "", 1]]
    close([r[0] for r in excel("jjj_ahp", R(typed), OMIT)], w, rtol=1e-12)


def test_combine_weights(excel):
    """multiplicative: (0.5, 0.3, 0.2)·(0.2, 0.3, 0.5) = 0.1, 0.09, 0.1, sum 0.29 →
    10/29, 9/29, 10/29. linear α = 0.3: 0.3·w1 + 0.7·w2 = 0.29, 0.3, 0.41."""
    w1, w2 = [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]
    m = excel("jjj_combine_weights", row(w1), col(w2), OMIT, "multiplicative")
    close(m[0], [10 / 29, 9 / 29, 10 / 29])
    close(m[0], jx.combine_weights(w1, w2, method="multiplicative").w)
    lin = excel("jjj_combine_weights", col(w1), row(w2), 0.3, OMIT)
    close([r[0] for r in lin], [0.29, 0.3, 0.41])                   # a column in, a column out
    close(excel("jjj_combine_weights", row(w1), row(w2), OMIT, OMIT)[0], [0.35, 0.3, 0.35])


# ---------------------------------------------------------------- grey relational analysis

def test_grey_grade_hand_example(excel):
    """X = (1, 4), (2, 2), (3, 3), both benefit. Min-max: column 1 → 0, .5, 1; column 2 →
    1, 0, .5. Reference = the best (1, 1): Δ = (0, 1)... row-wise (1, 0), (.5, 1), (0, .5);
    Δmin 0, Δmax 1, ρ 0.5: ξ = 0.5/(Δ + 0.5) = (1/3, 1), (1/2, 1/3), (1, 1/2);
    grade (equal weights) = 2/3, 5/12, 3/4 → ranks 2, 3, 1."""
    data = R([[1, 4], [2, 2], [3, 3]])
    out = excel("jjj_grey_grade", data, OMIT, OMIT, OMIT, OMIT, True)
    assert out[0] == ["grade", "rank"]
    close([r[0] for r in out[1:]], [2 / 3, 5 / 12, 3 / 4])
    assert [r[1] for r in out[1:]] == [2, 3, 1]
    # weights 0.2, 0.8 and ρ = 1: ξ = (0 + 1)/(Δ + 1) = (.5, 1), (2/3, .5), (1, 2/3)
    wt = excel("jjj_grey_grade", data, OMIT, 1, row([0.2, 0.8]), OMIT, OMIT)
    close([r[0] for r in wt], [0.1 + 0.8, 0.2 * 2 / 3 + 0.4, 0.2 + 0.8 * 2 / 3])


def test_grey_grade_matches_engine_with_types(excel):
    w = [0.1, 0.2, 0.3, 0.4]
    ref = jx.grey_relational_grade(X, DIRS_TUPLES, rho=0.4, weights=w)
    out = excel("jjj_grey_grade", R(X), row(DIRS_TEXT), 0.4, col(w), OMIT, OMIT)
    close([r[0] for r in out], ref.grade)
    assert [r[1] for r in out] == list(ref.rank)
    Z = [[0.2, 0.6], [0.4, 0.8], [1.0, 0.0]]
    ref_none = jx.grey_relational_grade(Z, method="none")
    close([r[0] for r in excel("jjj_grey_grade", R(Z), OMIT, OMIT, OMIT, "none", OMIT)], ref_none.grade)


def test_grey_degree(excel):
    """normalize none: series (1, 2, 3) and (2, 2, 2) against (1, 2, 3): Δ = (0, 0, 0) and
    (1, 0, 1); Δmin 0, Δmax 1: ξ₁ = 1, 1, 1 → 1; ξ₂ = 1/3, 1, 1/3 → 5/9. Ranks 1, 2."""
    series = R([[1, 2], [2, 2], [3, 2]])
    out = excel("jjj_grey_degree", series, col([1, 2, 3]), OMIT, "none", True)
    assert out[0] == ["degree", "rank"]
    close([r[0] for r in out[1:]], [1, 5 / 9])
    assert [r[1] for r in out[1:]] == [1, 2]
    S = [[3.1, 120, 0.5], [3.4, 118, 0.7], [3.9, 140, 0.6], [4.4, 150, 0.9], [4.6, 161, 1.1]]
    D = [0.41, 0.45, 0.52, 0.58, 0.63]
    for norm in ("mean", "initial", "minmax"):
        ref = jx.grey_relational_degree(S, D, rho=0.5, normalize=norm)
        out = excel("jjj_grey_degree", R(S), row(D), 0.5, norm if norm != "mean" else OMIT, OMIT)
        close([r[0] for r in out], ref.grade)
        assert [r[1] for r in out] == list(ref.rank)


# ---------------------------------------------------------------- obstacle, method "none"

def test_obstacle_method_none(excel):
    """Already standardised r = (0.2, 0.6), (0.4, 0.8), w = (0.5, 0.5): w(1 − r) = (.4, .2)
    → 2/3, 1/3; (.3, .1) → 3/4, 1/4 (O = w(1 − r)/Σ w(1 − r), mathmodels scaled = TRUE)."""
    out = excel("jjj_obstacle", R([[0.2, 0.6], [0.4, 0.8]]), row([0.5, 0.5]), OMIT, 2, True, "none")
    assert out[0] == ["obstacle_1", "degree_1", "obstacle_2", "degree_2"]
    assert [out[1][0], out[1][2], out[2][0], out[2][2]] == ["indicator 1", "indicator 2"] * 2
    close([out[1][1], out[1][3], out[2][1], out[2][3]], [2 / 3, 1 / 3, 3 / 4, 1 / 4])
    # default minmax differs: min-max of two rows gives 0/1 → row 1 obstacle all from the worst
    mm = excel("jjj_obstacle", R([[0.2, 0.6], [0.4, 0.8]]), row([0.5, 0.5]), OMIT, 2, OMIT, OMIT)
    close([mm[0][1], mm[0][3]], [0.5, 0.5])


# ---------------------------------------------------------------- bad input: one line in the argument's words

@pytest.mark.parametrize("args, expected", [
    (("jjj_coupling", R([[0.5, 0.5]]), OMIT, OMIT, OMIT, OMIT, "abc", OMIT),
     'rescale is "abc"; use TRUE for [0.01, 0.99], two cells (low, high), or leave it empty for none'),
    (("jjj_coupling", R([[0.5, 0.5]]), OMIT, OMIT, OMIT, OMIT, row([0.1, 0.5, 0.9]), OMIT),
     "rescale has 3 cells; give TRUE or two numbers (low, high), e.g. 0.01 and 0.99"),
    (("jjj_coupling", R([[0.5, 0.5]]), OMIT, OMIT, OMIT, "middle", OMIT, OMIT),
     'closed="middle" is not an option; use "left" for [a, b) intervals or "right" for (a, b]'),
    (("jjj_ccd_grade", 0.5, OMIT, OMIT, "both"),
     'closed="both" is not an option; use "left" for [a, b) intervals or "right" for (a, b]'),
    (("jjj_entropy_weights", R([[1, 2], [3, 5]]), OMIT, OMIT, OMIT, "spss"),
     'translate "spss" is not known; leave it out or use "spssau" (|min| + 0.01 added to a column '
     'with values ≤ 0)'),
    (("jjj_combine_weights", row([0.5, 0.5]), row([0.2, 0.3, 0.5]), OMIT, OMIT),
     "w2 has 3 values but w1 has 2; give one weight per indicator in each"),
    (("jjj_combine_weights", row([0.5, 0.5]), OMIT, OMIT, OMIT),
     "w2 is empty; give one weight per indicator, e.g. the row from JJJ_AHP or JJJ_ENTROPY_WEIGHTS"),
    (("jjj_grey_degree", R([[1, 2], [2, 3]]), col([1, "n/a"]), OMIT, OMIT, OMIT),
     'cell 2 of reference: text "n/a"; numbers only, one per row of series'),
    (("jjj_grey_grade", R([[1, 2], [2, 3]]), OMIT, 2, OMIT, OMIT, OMIT),
     "rho is 2.0; the distinguishing coefficient must be in (0, 1] (0.5 is usual)"),
    (("jjj_grey_degree", R([[1, 2], [2, "n/a"]]), col([1, 2]), OMIT, OMIT, OMIT),
     'row 2, column 2 of series: text "n/a"; numbers only'),
    (("jjj_rel_dev", R([[0.5, 1.5]]), OMIT, OMIT, OMIT, OMIT, OMIT),
     "row 1, column 2 of u is 1.5; U values must be in [0, 1]"),
    (("jjj_rel_dev", R([[0.5, 0.4]]), OMIT, row([0.8, "x"]), OMIT, OMIT, OMIT),
     'cell 2 of bounds: text "x"; numbers such as 0.8 and 1.2'),
    (("jjj_ahp", R([[1, 3], [1 / 3, 1], [1, 1]]), OMIT),
     "the comparison matrix must be square (n × n); got shape 3 × 2"),
    (("jjj_ahp", R([[1, 3], [3, 1]]), OMIT),
     "row 1, column 2 of the comparison matrix is 3 but row 2, column 1 is 3; they must be "
     "reciprocal (3 and 1/3)"),
    (("jjj_standardize", R([[1, 2], [3, 4]]), row(["middle 7", "up"]), OMIT, OMIT),
     'direction "up" (value 2 of directions) is not understood; use + or - (also 1/-1, benefit/cost, '
     '正向/负向), middle 7 (中间型 7: best value 7) or interval 10-20 (区间型 10-20: ideal band)'),
    (("jjj_obstacle", R([[0.2, 1.5], [0.4, 0.8]]), row([0.5, 0.5]), OMIT, OMIT, OMIT, "none"),
     'row 1, column 2 of data is 1.5; method "none" needs standardised values in '
     '[0, 1] (or use method="minmax" on the raw data)'),
])
def test_bad_options_are_one_line_in_the_arguments_words(excel, args, expected):
    assert excel.error(*args) == expected


def test_lite_copy_registers_every_function(server):
    """The Lite main.py imports lite.FUNCTIONS from udfs by name: it must be every decorated
    function (before issue 9 it was a hand-kept list, which the new functions would have missed)."""
    from jjj_xl.excel import lite
    _, udfs = server
    decorated = {n for n, f in vars(udfs).items() if hasattr(f, "__xlfunc__")}
    assert set(lite.FUNCTIONS) == decorated
    assert {"jjj_positivize", "jjj_ahp", "jjj_combine_weights", "jjj_grey_grade",
            "jjj_grey_degree", "jjj_rel_dev"} <= decorated


# ---------------------------------------------------------------- property: any typed direction, any data

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_num = st.integers(-50, 50).map(lambda k: k / 2)          # exact halves: printable as typed


def _spelling(draw):
    kind = draw(st.sampled_from(["+", "-", "middle", "interval"]))
    if kind in "+-":
        text = draw(st.sampled_from({"+": ["+", "正向", "benefit", "1"], "-": ["-", "负向", "cost", "-1"]}[kind]))
        return text, kind
    if kind == "middle":
        best = draw(_num)
        word = draw(st.sampled_from(["middle", "中间型", "middle:", "中间"]))
        return f"{word} {best:g}", ("middle", best)
    a, b = sorted((draw(_num), draw(_num)))
    word = draw(st.sampled_from(["interval", "区间型", "区间"]))
    sep = draw(st.sampled_from(["-", "~", " to ", ", "]))
    return f"{word} {a:g}{sep}{b:g}", ("interval", a, b)


@st.composite
def typed_case(draw):
    n = draw(st.integers(2, 4))
    m = draw(st.integers(3, 6))
    data = [[draw(_num) for _ in range(n)] for _ in range(m)]
    specs = [_spelling(draw) for _ in range(n)]
    return data, [t for t, _ in specs], [s for _, s in specs]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=typed_case(), as_one_cell=st.booleans())
def test_typed_directions_mean_what_the_engine_tuples_mean(server, case, as_one_cell):
    """Whatever the spelling (middle 7, 中间型 7, interval 10~20, 区间型 10 to 20, 正向, -1 …),
    as a row or all in one cell separated by ;, JJJ_POSITIVIZE and JJJ_STANDARDIZE (minmax)
    answer exactly what the engine gives for the tuple form — or both refuse."""
    data, texts, tuples = case
    dirs = [["; ".join(texts)]] if as_one_cell else [texts]
    for fname, engine in (("jjj_positivize", lambda: jx.positivize(data, tuples)),
                          ("jjj_standardize", lambda: jx.standardize(data, tuples))):
        args = (data, dirs) if fname == "jjj_positivize" else (data, dirs, None, None)
        try:
            ref = quiet(engine)
        except jx.InputError:
            with pytest.raises(server[0].XlwingsError):
                quiet(xlserver.call_udf, server[1], fname, *args)
            continue
        out = quiet(xlserver.call_udf, server[1], fname, *args)
        np.testing.assert_array_equal(np.array(out, dtype=float), np.asarray(ref, dtype=float))
