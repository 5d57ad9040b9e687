"""Bad input (METHODS.md §8): refusals are one line naming the place; degenerate but legal
data gets a defined answer plus a warning, never a silent NaN."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import jjj_xl as jx
from jjj_xl.datasets import load_sample


# ---------------------------------------------------------------- helpers

def refused(fn, *args, **kwargs) -> str:
    """Run ``fn`` expecting an InputError; return its message after the §8 format checks."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        with pytest.raises(jx.InputError) as info:
            fn(*args, **kwargs)
    msg = str(info.value)
    assert msg.strip(), "empty message"
    assert "\n" not in msg and "\r" not in msg, f"message is not one line: {msg!r}"
    assert "Traceback" not in msg, msg
    return msg


def contains(msg: str, *parts: str) -> None:
    for part in parts:
        assert part in msg, f"{part!r} not in message: {msg!r}"


def has_row(msg: str, row: int) -> None:
    assert re.search(rf"\brow {row}\b", msg), f"row {row} not named in: {msg!r}"


def frame(m=8, names=("X1", "X2", "GDP", "X4"), seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(1.0, 10.0, (m, len(names))), columns=list(names))


def with_cell(df: pd.DataFrame, i: int, j: int, value) -> pd.DataFrame:
    out = df.astype(object)
    out.iloc[i, j] = value
    return out


def no_nan(*values) -> None:
    for v in values:
        arr = np.asarray(v, dtype=float)
        assert not np.isnan(arr).any(), f"NaN in {v!r}"


# ---------------------------------------------------------------- the exception type

def test_input_error_is_a_value_error():
    assert issubclass(jx.InputError, ValueError)
    with pytest.raises(ValueError):
        jx.entropy_weights([[1, "x"], [2, 3]])


# ---------------------------------------------------------------- text in numeric data

def test_text_in_dataframe_names_indicator_column_row_and_text():
    X = with_cell(frame(), 6, 2, "n/a")          # "GDP" is column C, row 7
    msg = refused(jx.entropy_weights, X)
    contains(msg, '"GDP"', "column C", "n/a")
    has_row(msg, 7)


@pytest.mark.parametrize("fn", [
    lambda X: jx.entropy_weights(X),
    lambda X: jx.topsis(X, [0.25] * 4),
    lambda X: jx.standardize(X),
    lambda X: jx.critic_weights(X),
    lambda X: jx.obstacle_degree(X, [0.25] * 4),
], ids=["entropy", "topsis", "standardize", "critic", "obstacle"])
def test_text_refused_by_every_entry_point(fn):
    msg = refused(fn, with_cell(frame(), 6, 2, "n/a"))
    contains(msg, '"GDP"', "column C", "n/a")
    has_row(msg, 7)


def test_text_in_plain_list_names_column_letter_and_row():
    X = frame().to_numpy().tolist()
    X[3][1] = "abc"
    msg = refused(jx.entropy_weights, X)
    contains(msg, "column B", "abc")
    has_row(msg, 4)


def test_excel_error_string_in_data():
    msg = refused(jx.entropy_weights, with_cell(frame(), 2, 3, "#DIV/0!"))
    contains(msg, '"X4"', "column D", "#DIV/0!")
    has_row(msg, 3)


# ---------------------------------------------------------------- blanks

@pytest.mark.parametrize("blank", [np.nan, None, "", "   "], ids=["nan", "None", "empty", "spaces"])
def test_blank_refused_by_default(blank):
    msg = refused(jx.entropy_weights, with_cell(frame(), 6, 2, blank))
    contains(msg, '"GDP"', "column C", "blank")
    has_row(msg, 7)


def test_blank_dropped_with_warning_when_asked():
    X = frame().astype(float)
    X.iloc[6, 2] = np.nan
    with pytest.warns(jx.JJJWarning) as rec:
        res = jx.entropy_weights(X, missing="drop")
    text = " ".join(str(r.message) for r in rec if issubclass(r.category, jx.JJJWarning))
    has_row(text, 7)
    w = np.asarray(res.w, dtype=float)
    no_nan(w, res.e, res.d)
    expected = np.asarray(jx.entropy_weights(X.drop(index=X.index[6])).w, dtype=float)
    np.testing.assert_allclose(w, expected, atol=1e-12)


def test_blank_dropped_in_topsis_keeps_labels():
    X = frame().astype(float)
    X.iloc[2, 0] = np.nan
    with pytest.warns(jx.JJJWarning):
        res = jx.topsis(X, [0.25] * 4, missing="drop")
    c = res.closeness
    assert len(c) == 7
    assert 2 not in list(c.index)
    no_nan(c)


# ---------------------------------------------------------------- negatives and zeros

@pytest.mark.parametrize("method", ["share", "max"])
def test_negative_value_refused_for_share_and_max(method):
    X = frame().astype(float)
    X.iloc[4, 1] = -3.0
    msg = refused(jx.entropy_weights, X, method=method)
    contains(msg, '"X2"', "column B", "-3", method)
    has_row(msg, 5)


def test_negative_value_refused_by_topsis_max():
    X = frame().astype(float)
    X.iloc[4, 1] = -3.0
    msg = refused(jx.topsis, X, [0.25] * 4, method="max")
    contains(msg, '"X2"', "column B", "-3")
    has_row(msg, 5)


@pytest.mark.parametrize("call", ["entropy", "topsis", "standardize"])
def test_zero_in_cost_column_with_method_max(call):
    X = frame().astype(float)
    X.iloc[4, 1] = 0.0
    dirs = ["+", "-", "+", "+"]
    fn = {"entropy": lambda: jx.entropy_weights(X, dirs, method="max"),
          "topsis": lambda: jx.topsis(X, [0.25] * 4, dirs, method="max"),
          "standardize": lambda: jx.standardize(X, dirs, method="max")}[call]
    msg = refused(fn)
    contains(msg, '"X2"', "column B", "0", "> 0")
    has_row(msg, 5)


# ---------------------------------------------------------------- directions and weights

def test_unknown_direction_code():
    msg = refused(jx.entropy_weights, frame(), ["+", "up", "+", "+"])
    contains(msg, '"up"', '"X2"', "column B", "+", "-")


def test_wrong_number_of_directions():
    msg = refused(jx.entropy_weights, frame(), ["+", "+", "-"])
    contains(msg, "3", "4")
    assert "direction" in msg


def test_wrong_number_of_weights():
    msg = refused(jx.topsis, frame(), [0.5, 0.25, 0.25])
    contains(msg, "3", "4")
    assert "weight" in msg


def test_weights_not_summing_to_one_shows_the_sum():
    msg = refused(jx.topsis, frame(), [0.5, 0.3, 0.1, 0.0])
    contains(msg, "0.9", "sum", "1")


def test_coupling_alpha_not_summing_to_one_shows_the_sum():
    U = [[0.2, 0.4, 0.6], [0.3, 0.3, 0.5]]
    msg = refused(jx.coupling, U, weights=[0.5, 0.5, 0.5])
    contains(msg, "1.5", "sum")


# ---------------------------------------------------------------- U

def test_U_outside_unit_interval_names_system_and_row():
    U = pd.DataFrame({"Beijing": [0.1, 0.2, 0.3, 0.4], "Tianjin": [0.5, 0.5, 1.2, 0.5]})
    msg = refused(jx.coupling, U)
    contains(msg, '"Tianjin"', "column B", "1.2", "[0, 1]")
    has_row(msg, 3)


def test_negative_U_names_system_and_row():
    msg = refused(jx.coupling, [[0.1, 0.2], [0.3, -0.1]])
    contains(msg, "column B", "-0.1", "[0, 1]")
    has_row(msg, 2)


# ---------------------------------------------------------------- too little data

@pytest.mark.parametrize("fn", [
    lambda X: jx.entropy_weights(X),
    lambda X: jx.topsis(X, [0.25] * 4),
    lambda X: jx.critic_weights(X),
], ids=["entropy", "topsis", "critic"])
def test_fewer_than_two_observations(fn):
    msg = refused(fn, frame().iloc[:1])
    contains(msg, "1 row", "2")


def test_fewer_than_two_systems():
    msg = refused(jx.coupling, pd.DataFrame({"Beijing": [0.1, 0.5]}))
    contains(msg, "1 system", "2")


# ---------------------------------------------------------------- every message is one plain line

CELL_ERRORS = {
    "text": (lambda: jx.entropy_weights(with_cell(frame(), 6, 2, "n/a")), 7),
    "excel error": (lambda: jx.entropy_weights(with_cell(frame(), 6, 2, "#DIV/0!")), 7),
    "blank": (lambda: jx.entropy_weights(with_cell(frame(), 6, 2, np.nan)), 7),
    "negative share": (lambda: jx.entropy_weights(with_cell(frame(), 6, 2, -1.0).astype(float),
                                                  method="share"), 7),
    "zero cost max": (lambda: jx.topsis(with_cell(frame(), 6, 2, 0.0).astype(float), [0.25] * 4,
                                        "++-+", method="max"), 7),
    "U out of range": (lambda: jx.coupling(pd.DataFrame({"Beijing": [0.1] * 7,
                                                         "Hebei": [0.2] * 6 + [1.5]})), 7),
}

OTHER_ERRORS = {
    "direction": lambda: jx.entropy_weights(frame(), ["+", "up", "+", "+"]),
    "n directions": lambda: jx.entropy_weights(frame(), "++-"),
    "n weights": lambda: jx.topsis(frame(), [0.5, 0.5]),
    "weight sum": lambda: jx.topsis(frame(), [0.5, 0.3, 0.1, 0.0]),
    "one row": lambda: jx.entropy_weights(frame().iloc[:1]),
    "one system": lambda: jx.coupling([[0.2], [0.3]]),
    "all constant": lambda: jx.entropy_weights(np.ones((5, 3))),
    "ragged": lambda: jx.entropy_weights([[1, 2], [3]]),
    "bool cell": lambda: jx.entropy_weights(with_cell(frame(), 0, 0, True)),
    "infinite": lambda: jx.entropy_weights(with_cell(frame(), 1, 1, np.inf).astype(float)),
}


@pytest.mark.parametrize("case", list(CELL_ERRORS) + list(OTHER_ERRORS))
def test_message_is_one_line_without_traceback(case):
    fn = CELL_ERRORS[case][0] if case in CELL_ERRORS else OTHER_ERRORS[case]
    refused(fn)


@pytest.mark.parametrize("case", list(CELL_ERRORS))
def test_cell_message_names_the_place_before_what_is_needed(case):
    """§8: the place (indicator, column, row) and what was found come first, then what is
    needed — `indicator "GDP" (column C) has text "n/a" in row 7; numbers only`. A row
    number after the advice reads as part of it (e.g. 'choose missing="drop" in row 7')."""
    fn, row = CELL_ERRORS[case]
    msg = refused(fn)
    has_row(msg, row)
    place = re.search(rf"\brow {row}\b", msg).start()
    assert ";" not in msg[:place], (
        f"the row comes after the '; what is needed' part: {msg!r}")


# ---------------------------------------------------------------- degenerate but legal

@pytest.mark.parametrize("method", ["minmax", "share", "max"])
def test_constant_column_gets_entropy_one_weight_zero_and_warning(method):
    X = frame().astype(float)
    X["X2"] = 5.0
    with pytest.warns(jx.JJJWarning) as rec:
        res = jx.entropy_weights(X, method=method)
    assert any("X2" in str(r.message) for r in rec)
    e, d, w = (np.asarray(v, dtype=float) for v in (res.e, res.d, res.w))
    no_nan(e, d, w)
    assert e[1] == 1.0
    assert d[1] == 0.0
    assert w[1] == 0.0
    assert abs(w.sum() - 1.0) < 1e-12
    assert (w[[0, 2, 3]] > 0).all()


@pytest.mark.parametrize("method", ["minmax", "share", "max"])
def test_all_constant_refused(method):
    msg = refused(jx.entropy_weights, np.full((5, 3), 2.0), method=method)
    assert "same" in msg or "constant" in msg


def test_constant_column_in_topsis_gives_numbers_and_warning():
    X = frame().astype(float)
    X["X2"] = 5.0
    with pytest.warns(jx.JJJWarning):
        res = jx.topsis(X, [0.25] * 4, method="minmax")
    no_nan(res.closeness, res.d_plus, res.d_minus)


@pytest.mark.parametrize("model", ["classic", "ring", "ring_printed", "wang"])
def test_all_zero_U_row_gives_C_zero_with_warning(model):
    U = pd.DataFrame({"Beijing": [0.0, 0.3, 0.6], "Tianjin": [0.0, 0.5, 0.6],
                      "Hebei": [0.0, 0.2, 0.6]})
    with pytest.warns(jx.JJJWarning) as rec:
        res = jx.coupling(U, model=model)
    assert any(re.search(r"\brow 1\b", str(r.message)) for r in rec)
    C, T, D = (np.asarray(v, dtype=float) for v in (res.C, res.T, res.D))
    no_nan(C, T, D)
    assert C[0] == 0.0 and T[0] == 0.0 and D[0] == 0.0
    assert np.asarray(res.level)[0] == 1


@pytest.mark.parametrize("method", ["vector", "minmax", "max"])
@pytest.mark.parametrize("closeness", ["ratio", "squared"])
def test_row_at_ideal_gets_closeness_one_with_warning(method, closeness):
    X = pd.DataFrame({"A": [1.0, 3.0, 2.0], "B": [2.0, 4.0, 1.0]})
    with pytest.warns(jx.JJJWarning) as rec:
        res = jx.topsis(X, [0.5, 0.5], method=method, closeness=closeness)
    assert any(re.search(r"\brow 2\b", str(r.message)) for r in rec)
    no_nan(res.closeness, res.d_plus, res.d_minus)
    assert np.asarray(res.d_plus)[1] == 0.0
    assert np.asarray(res.closeness)[1] == 1.0
    assert np.asarray(res.rank)[1] == 1


# ---------------------------------------------------------------- workflow level

def _letter(k: int) -> str:
    s = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        s = chr(65 + r) + s
    return s


@pytest.mark.parametrize("code,row,value", [
    ("gdp", 6, "n/a"),
    ("unemployment", 20, "#DIV/0!"),
    ("road_passengers", 35, "abc"),
])
def test_workflow_text_names_indicator_column_letter_and_region_year(code, row, value):
    s = load_sample("paper000")
    data = s.data.copy()
    data[code] = data[code].astype(object)
    data.loc[row, code] = value
    name = s.indicators.set_index("code").loc[code, "name"]
    letter = _letter(list(data.columns).index(code))      # region = A, year = B, first = C
    label = f"{data.loc[row, 'region']} {data.loc[row, 'year']}"
    msg = refused(jx.entropy_topsis_coupling, data, s.indicators)
    contains(msg, f'"{name}"', f"column {letter}", value, label)
    has_row(msg, row + 1)
    if code == "gdp":
        contains(msg, "column C", "Tianjin 2014")


def test_workflow_blank_names_indicator_and_region_year():
    s = load_sample("paper000")
    data = s.data.copy()
    data.loc[6, "gdp"] = np.nan
    msg = refused(jx.entropy_topsis_coupling, data, s.indicators)
    contains(msg, '"GDP"', "column C", "blank", "Tianjin 2014")
    has_row(msg, 7)


def test_workflow_unknown_direction_in_indicator_table():
    s = load_sample("paper000")
    ind = s.indicators.copy()
    ind.loc[3, "direction"] = "up"
    msg = refused(jx.entropy_topsis_coupling, s.data, ind)
    contains(msg, '"up"', "patent_apps")


def test_workflow_sample_gives_no_nan():
    s = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.entropy_topsis_coupling(s.data, s.indicators)
    no_nan(res.weights[["e", "d", "w"]], res.scores.drop(columns=["region"]),
           res.coupling[["C", "T", "D"]], res.coupling_dimensions[["C", "T", "D"]])
