"""Every JJJ_* function through xlwings' own Server/Lite dispatch, compared with the engine."""

import warnings

import numpy as np
import pytest

import jjj_xl as jx
from jjj_xl.datasets import load_sample

from . import xlserver

NAMES = ["jjj_standardize", "jjj_entropy_weights", "jjj_entropy_table", "jjj_hier_weights",
         "jjj_critic_weights", "jjj_topsis", "jjj_topsis_table", "jjj_coupling",
         "jjj_ccd_grade", "jjj_obstacle", "jjj_version"]
NAMES += ["jjj_moran", "jjj_theil", "jjj_gini", "jjj_gm11"]   # After D (issue 10)


@pytest.fixture(scope="module")
def server():
    with xlserver.server_mode("jjj_xl.excel.udfs") as (xw, (udfs,)):
        yield xw, udfs


@pytest.fixture(scope="module")
def sample():
    s = load_sample("paper000")
    codes = list(s.indicators["code"])
    return s.data[codes].to_numpy().tolist(), list(s.indicators["direction"])


def call(server, name, *args):
    xw, udfs = server
    return xlserver.call_udf(udfs, name, *args)


def row(values):
    return [list(values)]


def col(values):
    return [[v] for v in values]


# issue 9 variants (tests/test_udfs_variants.py)
NAMES += ["jjj_positivize", "jjj_ahp", "jjj_combine_weights", "jjj_grey_grade", "jjj_grey_degree",
          "jjj_rel_dev"]


def test_meta_lists_every_function_with_help(server):
    xw, udfs = server
    import xlwings.server
    meta = xlwings.server.custom_functions_meta(udfs)
    funcs = {f["name"]: f for f in meta["functions"]}
    assert sorted(funcs) == sorted(n.upper() for n in NAMES)
    for f in funcs.values():
        assert f["description"].strip()
        for p in f.get("parameters", []):
            assert p.get("description", "").strip(), (f["name"], p["name"])
    topsis = [p["name"] for p in funcs["JJJ_TOPSIS"]["parameters"]]
    assert topsis == ["data", "weights", "directions", "method", "closeness", "ideal"]
    optional = {p["name"]: p.get("optional", False) for p in funcs["JJJ_TOPSIS"]["parameters"]}
    assert not optional["data"] and not optional["weights"] and optional["directions"]


def test_entropy_weights_and_table(server, sample):
    X, dirs = sample
    w = call(server, "jjj_entropy_weights", X, row(dirs), None, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        ref = jx.entropy_weights(np.array(X), dirs)
    np.testing.assert_allclose(w[0], ref.w, rtol=1e-12)
    # directions as a column give the same; method and shift given explicitly too
    w2 = call(server, "jjj_entropy_weights", X, col(dirs), [["minmax"]], [[1]])
    np.testing.assert_allclose(w2[0], ref.w, rtol=1e-12)
    table = call(server, "jjj_entropy_table", X, row(dirs), None, None, [[True]])
    assert table[0] == ["e", "d", "w"]
    np.testing.assert_allclose(np.array(table[1:], dtype=float),
                               np.column_stack([ref.e, ref.d, ref.w]), rtol=1e-12)
    share = call(server, "jjj_entropy_weights", X, None, [["share"]], None)
    np.testing.assert_allclose(share[0], jx.entropy_weights(np.array(X), method="share").w,
                               rtol=1e-12)


def test_standardize_and_critic(server, sample):
    X, dirs = sample
    z = call(server, "jjj_standardize", X, row(dirs), [["max"]], None)
    np.testing.assert_allclose(np.array(z, dtype=float),
                               jx.standardize(np.array(X), dirs, method="max"), rtol=1e-12)
    c = call(server, "jjj_critic_weights", X, row(dirs))
    np.testing.assert_allclose(c[0], jx.critic_weights(np.array(X), dirs).w, rtol=1e-12)


def test_hier_weights_keeps_orientation(server):
    dims = ["input", "input", "output", "env", "env", "env"]
    as_col = call(server, "jjj_hier_weights", col(dims))
    assert len(as_col) == 6 and len(as_col[0]) == 1
    np.testing.assert_allclose([r[0] for r in as_col], [1 / 6, 1 / 6, 1 / 3, 1 / 9, 1 / 9, 1 / 9])
    as_row = call(server, "jjj_hier_weights", row(dims))
    assert len(as_row) == 1 and len(as_row[0]) == 6


def test_topsis_and_table(server, sample):
    X, dirs = sample
    w = jx.entropy_weights(np.array(X), dirs).w
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        ref = jx.topsis(np.array(X), w, dirs, method="minmax")
        c = call(server, "jjj_topsis", X, row(w), row(dirs), [["minmax"]], None, None)
        t = call(server, "jjj_topsis_table", X, col(w), row(dirs), [["minmax"]], None, None, [[True]])
    np.testing.assert_allclose([r[0] for r in c], ref.closeness, rtol=1e-12)
    assert t[0] == ["d_plus", "d_minus", "closeness", "rank"]
    body = np.array(t[1:], dtype=float)
    np.testing.assert_allclose(body[:, 0], ref.d_plus, rtol=1e-12)
    assert list(body[:, 3].astype(int)) == list(ref.rank)
    with pytest.raises(Exception, match="group"):
        call(server, "jjj_topsis", X, row(w), row(dirs), None, None, [["group"]])


def test_coupling_and_grade(server):
    U = [[0.4, 0.9, 0.6], [0.2, 0.25, 0.3], [0.8, 0.8, 0.8]]
    out = call(server, "jjj_coupling", U, None, [["ring"]], [[True]])
    ref = jx.coupling(U, model="ring")
    assert out[0] == ["C", "T", "D"]
    np.testing.assert_allclose(np.array(out[1:], dtype=float),
                               np.column_stack([ref.C, ref.T, ref.D]), rtol=1e-12)
    default = call(server, "jjj_coupling", U, None, None, None)
    np.testing.assert_allclose([r[0] for r in default], jx.coupling(U).C, rtol=1e-12)
    g = call(server, "jjj_ccd_grade", col([0.05, 0.6, 1.0]), [["zh"]], None)
    assert g == [[1, "极度失调"], [7, "初级协调"], [10, "优质协调"]]
    g_en = call(server, "jjj_ccd_grade", col([0.65]), None, None)
    assert g_en == [[7, "Primary coordination"]]
    scheme = [[0, "Low", "低"], [0.5, "Mid", "中"], [0.8, "High", "高"]]
    g2 = call(server, "jjj_ccd_grade", col([0.3, 0.5, 0.95]), [["en"]], scheme)
    assert g2 == [[1, "Low"], [2, "Mid"], [3, "High"]]


def test_obstacle_and_version(server):
    X = [[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        out = call(server, "jjj_obstacle", X, row([0.25, 0.75]), None, [[1]], [[True]])
        plain = call(server, "jjj_obstacle", X, row([0.25, 0.75]), None, [[1]], None)
    assert out[0] == ["obstacle_1", "degree_1"]
    # hand computation: minmax of column 1 -> (0, 1, .5), column 2 the same; obstacle of row 1
    # is w·(1 - z) = (.25, .75) -> shares (.25, .75): indicator 2 first with 0.75
    assert out[1] == ["indicator 2", 0.75]
    assert plain == out[1:]   # header only when asked (issue 8: it was always added)
    assert call(server, "jjj_version") == [[jx.__version__]]


def _error_text(server, *args):
    xw, _ = server
    with pytest.raises(xw.XlwingsError) as err:
        call(server, *args)
    text = str(err.value)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_text_cell_named_by_position(server):
    data = [[1, 2], [3, 4], [5, "n/a"], [7, 8]]
    text = _error_text(server, "jjj_entropy_weights", data, None, None, None)
    assert text == 'row 3, column 2 of data: text "n/a"; numbers only'


def test_excel_error_and_blank_cells(server):
    err = {"type": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"}
    text = _error_text(server, "jjj_topsis", [[1, 2], [err, 4]], [[0.5, 0.5]], None, None, None, None)
    assert text.startswith("row 2, column 1 of data") and "#DIV/0!" in text
    blank = _error_text(server, "jjj_entropy_weights", [[1, 2], [None, 4], [2, 3]], None, None, None)
    assert blank.startswith("row 2, column 1 of data") and "blank" in blank


def test_other_bad_inputs_are_one_line(server):
    assert "sum to" in _error_text(server, "jjj_topsis", [[1, 2], [3, 4]], [[0.5, 0.6]], None, None,
                                   None, None)
    assert "row 1, column 2 of u" in _error_text(server, "jjj_coupling", [[0.5, 1.5]], None, None, None)
    assert "not understood" in _error_text(server, "jjj_entropy_weights", [[1, 2], [3, 5]],
                                           [["+", "up"]], None, None)
    assert "not known" in _error_text(server, "jjj_coupling", [[0.5, 0.5]], None, [["ringg"]], None)


# ---------------------------------------------------------------- issue 8: Excel's way of passing arguments

def test_every_documented_optional_is_optional_in_meta(server):
    """A parameter whose doc starts "Optional." has a default (so Excel may omit it), and
    every parameter with a default is documented Optional."""
    import xlwings.server
    meta = xlwings.server.custom_functions_meta(server[1])
    for f in meta["functions"]:
        for p in f.get("parameters", []):
            documented = p.get("description", "").startswith("Optional.")
            assert documented == bool(p.get("optional", False)), (f["name"], p["name"])


EMPTY = (None, [[None]], [[""]], "")


@pytest.mark.parametrize("empty", EMPTY)
def test_empty_middle_argument_means_the_default(server, empty):
    """=JJJ_COUPLING(U,,"ring",TRUE): the skipped weights arrive missing or empty."""
    U = [[0.4, 0.9, 0.6], [0.55, 0.6, 0.5]]
    ref = jx.coupling(U, model="ring")
    out = call(server, "jjj_coupling", U, empty, [["ring"]], [[True]])
    assert out[0] == ["C", "T", "D"]
    np.testing.assert_allclose(np.array(out[1:], dtype=float), np.column_stack([ref.C, ref.T, ref.D]),
                               rtol=1e-12)
    X = [[1.0, 10.0], [3.0, 30.0], [2.0, 25.0]]
    w = call(server, "jjj_entropy_weights", X, empty, empty, empty)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        np.testing.assert_allclose(w[0], jx.entropy_weights(np.array(X)).w, rtol=1e-12)
    z = call(server, "jjj_standardize", X, empty, empty, empty)   # directions optional too
    np.testing.assert_allclose(np.array(z, dtype=float), jx.standardize(np.array(X)), rtol=1e-12)


def test_shapes_follow_the_input(server):
    assert call(server, "jjj_ccd_grade", [[0.65]], None, None) == [[7, "Primary coordination"]]
    row_in = call(server, "jjj_ccd_grade", row([0.05, 0.65]), None, None)
    assert row_in == [[1, 7], ["Extreme imbalance", "Primary coordination"]]
    col_in = call(server, "jjj_ccd_grade", col([0.05, 0.65]), None, None)
    assert col_in == [[1, "Extreme imbalance"], [7, "Primary coordination"]]


@pytest.mark.parametrize("args, expected", [
    (("jjj_coupling", [[0.5, 0.5, 0.5]], [[1]], None, None),
     "weights has 1 value but u has 3 columns; give one weight α per column of u"),
    (("jjj_coupling", [[1.5, 0.5, 0.5]], None, None, None),
     "row 1, column 1 of u is 1.5; U values must be in [0, 1] (standardised scores; for raw indices use rescale=(0.01, 0.99))"),
    (("jjj_standardize", [[1, 2], [3, 4]], None, None, [["abc"]]),
     'shift is "abc"; it must be a number, e.g. 0, or left empty for 0'),
    (("jjj_obstacle", [[1, 2], [3, 4]], [[0.5, 0.5]], None, [["abc"]], None),
     'top is "abc"; it must be a number, e.g. 3, or left empty for 3'),
    (("jjj_obstacle", [[1, 2], [3, 4]], [[0.5, 0.5]], None, [[0]], None),
     "top is 0; it must be a whole number ≥ 1, e.g. 3"),
    (("jjj_topsis", [[1, 2], [3, 4]], [[0.5]], None, None, None, None),
     "weights has 1 value but data has 2 columns; give one weight per column of data"),
    (("jjj_topsis", [[1, 2], [3, 4]], [[0.5, 0.5]], [["+", "+", "-"]], None, None, None),
     "directions has 3 values but data has 2 columns; give one direction (+ or -) per column of data"),
    (("jjj_entropy_table", [[1, 2], [3, 4]], None, None, None, [["maybe"]]),
     'header is "maybe"; use TRUE or FALSE (or leave it empty for FALSE)'),
    (("jjj_entropy_weights", [[1, 2], [3, None], [2, 2]], None, None, None),
     "row 2, column 2 of data is blank; fill it"),
])
def test_messages_name_the_argument_in_plain_words(server, args, expected):
    """Issue 8: "1 system weights given for 3 indicators", "row 1, column 1 of u: column A of
    U…" and raw "ValueError: …" read badly in a cell."""
    assert _error_text(server, *args) == expected
