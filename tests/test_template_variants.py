"""Issue 9, remaining template surfaces: relative development degree E on the
coupling_coordination Results sheet (Settings rd_ratio, rd_bounds).

Expected numbers are hand computations (arithmetic in the comments), not our own output.
Classes (coupling.md section C, METHODS.md §4 proposal): E ≤ b1, b1 < E ≤ b2, E > b2.
"""

import pandas as pd
import pytest

from jjj_xl.errors import InputError
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action, validate_book
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.templates import build_template, fill_inputs

from .rich_books import u_book  # noqa: E402

CC = layout.COUPLING_COORDINATION

U_SMALL = pd.DataFrame({"region": ["a", "b", "c", "d", "e"],
                        "economy": [0.5, 0.0, 0.4, 0.2, 0.0],
                        "environment": [0.3, 0.6, 0.4, 0.25, 0.0]})


_book = u_book   # tests/rich_books.py


def _results(book):
    return book.read_block(CC.outputs["results"]).set_index("region")


def _notes(book):
    notes = book.read_block(CC.outputs["notes"])
    return dict(zip(notes["setting"], notes["value"]))


def test_relative_development_default_u2_over_u1(tmp_path):
    book = _book(tmp_path, U_SMALL)
    run_action(book, "compute_all")
    res = _results(book)
    cols = list(res.columns)
    # E and its class label right after lag_type
    assert cols[cols.index("lag_type") + 1:cols.index("lag_type") + 3] == ["E", "development"]
    # a: 0.3/0.5 = 0.6 ≤ 0.8 → environment (U2, the numerator) lags
    assert res.loc["a", "E"] == pytest.approx(0.6, abs=1e-12)
    assert res.loc["a", "development"] == "Environment lags"
    # b: U1 = 0 < U2 → E = ∞, written as the text "∞"; class 3 (economy lags)
    assert res.loc["b", "E"] == "∞"
    assert res.loc["b", "development"] == "Economy lags"
    # c: 0.4/0.4 = 1 → 0.8 < E ≤ 1.2 synchronous
    assert res.loc["c", "E"] == pytest.approx(1.0, abs=1e-12)
    assert res.loc["c", "development"] == "Synchronous"
    # d: 0.25/0.2 = 1.25 > 1.2 → economy lags
    assert res.loc["d", "E"] == pytest.approx(1.25, abs=1e-12)
    assert res.loc["d", "development"] == "Economy lags"
    # e: 0/0 taken as 1 → synchronous
    assert res.loc["e", "E"] == pytest.approx(1.0, abs=1e-12)
    assert res.loc["e", "development"] == "Synchronous"
    notes = _notes(book)
    assert "E = U₂/U₁" in notes["relative development"]
    warns = " | ".join(v for k, v in notes.items() if k.startswith("warning"))
    assert "infinite" in warns and "(b)" in warns
    assert "0/0" in warns and "(e)" in warns


def test_relative_development_u1_over_u2_custom_bounds_zh(tmp_path):
    book = _book(tmp_path, U_SMALL, rd_ratio="u1/u2", rd_bounds="0.9，1.7", lang="zh")
    run_action(book, "compute_all")
    # lang zh: headers and notes in Chinese (jjj_xl/i18n.py)
    res = book.read_block(CC.outputs["results"]).set_index("地区")
    # a: 0.5/0.3 = 1.6667: 0.9 < E ≤ 1.7 → 同步
    assert res.loc["a", "E"] == pytest.approx(0.5 / 0.3, rel=1e-12)
    assert res.loc["a", "相对发展类型"] == "同步"
    # b: 0/0.6 = 0 ≤ 0.9 → economy (the numerator U1) lags
    assert res.loc["b", "E"] == pytest.approx(0.0, abs=1e-15)
    assert "economy" in res.loc["b", "相对发展类型"]
    # d: 0.2/0.25 = 0.8 ≤ 0.9 → economy lags
    assert res.loc["d", "E"] == pytest.approx(0.8, abs=1e-12)
    assert res.loc["d", "相对发展类型"] == res.loc["b", "相对发展类型"]
    notes = book.read_block(CC.outputs["notes"])
    assert "E = U₁/U₂" in dict(zip(notes["项目"], notes["取值"]))["相对发展度"]


def test_three_systems_have_no_relative_development(tmp_path):
    U = U_SMALL.assign(society=[0.2, 0.3, 0.4, 0.5, 0.6])
    book = _book(tmp_path, U)
    run_action(book, "compute_all")
    assert "E" not in _results(book).columns


@pytest.mark.parametrize("value", ["1.2, 0.8", "0.8", "0, 1", "a, b", "0.8, 1.2, 2"])
def test_bad_bounds_is_one_line_naming_the_cell(tmp_path, value):
    book = _book(tmp_path, U_SMALL, rd_bounds=value)
    problems = validate_book(book)
    sheet, row, col = CC.setting_cell("rd_bounds")
    cell = f"{sheet}!{chr(64 + col)}{row}"
    assert any(cell in p and "ascending positive" in p and "\n" not in p for p in problems), problems
    with pytest.raises(InputError, match="ascending positive"):
        run_action(book, "compute_all")


def test_older_workbook_blank_rd_cells_read_the_defaults(tmp_path):
    # a workbook built before these settings has blank cells there: u2/u1 and (0.8, 1.2)
    book = _book(tmp_path, U_SMALL, rd_ratio=None, rd_bounds=None)
    run_action(book, "compute_all")
    res = _results(book)
    assert res.loc["d", "E"] == pytest.approx(1.25, abs=1e-12)      # 0.25/0.2
    assert res.loc["d", "development"] == "Economy lags"            # 1.25 > 1.2


# ---------------------------------------------------------------- AHP sheet (entropy_topsis_ccd)

ETC = layout.ENTROPY_TOPSIS_CCD
HOUSE = ["size", "transportation", "neighbourhood", "age", "yard", "modern facilities",
         "general condition", "financing"]
# Saaty (1990) EJOR 48:9–26, house example, upper triangle as the analyst types it
# (fractions as text "1/3"); same matrix as tests/test_variants.py::SAATY_HOUSE
HOUSE_UPPER = [["5", "3", "7", "6", "6", "1/3", "1/4"],
               ["1/3", "5", "3", "3", "1/5", "1/7"],
               ["6", "3", "4", "6", "1/5"],
               ["1/3", "1/4", "1/7", "1/8"],
               ["1/2", "1/5", "1/6"],
               ["1/5", "1/6"],
               ["1/2"]]


def _etc_book(tmp_path, items, upper, numbers=False):
    from jjj_xl.datasets import load_sample
    s = load_sample("paper000")
    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, s.data)
    from .rich_books import put_ahp_matrix      # replaces the template's dimension matrix
    put_ahp_matrix(wb, items, {(i, i + 1 + k): eval(v) if numbers else v
                               for i, row in enumerate(upper) for k, v in enumerate(row)})
    path = tmp_path / "etc.xlsx"
    wb.save(path)
    return OpenpyxlBook(path)


def test_template_has_an_ahp_sheet_of_the_dimensions():
    wb = build_template("entropy_topsis_ccd")
    ws = wb[layout.AHP_SHEET]
    b = layout.AHP_MATRIX
    dims = ["economy", "technology", "environment", "education", "life"]
    assert [ws.cell(b.row, b.col + 1 + k).value for k in range(5)] == dims
    assert [ws.cell(b.row + 1 + k, b.col).value for k in range(5)] == dims
    assert all(ws.cell(b.row + 1 + k, b.col + 1 + k).value == 1 for k in range(5))
    # text format, so that Excel keeps a typed 1/3 instead of turning it into a date
    assert ws.cell(b.row + 1, b.col + 2).number_format == "@"


def test_ahp_sheet_saaty_1990_house_example(tmp_path):
    """Saaty (1990) EJOR 48:9–26, house example: printed priority vector .173 .054 .188 .018
    .031 .036 .167 .333, λmax = 9.669, C.I. = 0.238, C.R. = 0.169 (RI 1.41 for n = 8)."""
    book = _etc_book(tmp_path, HOUSE, HOUSE_UPPER)
    out = run_action(book, "compute_all")
    ahp = book.read_block(ETC.outputs["ahp"])
    got = dict(zip(ahp.iloc[:, 0], ahp.iloc[:, 1]))
    w = [got[h] for h in HOUSE]
    assert w == pytest.approx([.173, .054, .188, .018, .031, .036, .167, .333], abs=5e-4)
    assert round(got["λmax"], 3) == 9.669
    assert round(got["CI"], 3) == 0.238 and got["RI"] == 1.41 and round(got["CR"], 3) == 0.169
    assert got["consistent (CR ≤ 0.1)"].startswith("no")
    # CR > 0.1 warned on Notes, naming the AHP sheet
    assert any("sheet AHP" in w and "CR = 0.169 > 0.1" in w for w in out["warnings"])
    notes = book.read_block(ETC.outputs["notes"])
    assert any("CR = 0.169" in str(v) for v in notes["value"])


def test_ahp_sheet_consistent_matrix_hand_computed(tmp_path):
    # a consistent matrix a_ij = w_i/w_j with w = (0.5, 0.3, 0.2): λmax = n = 3, CI = CR = 0,
    # weights recovered exactly (Saaty 1980: a consistent matrix's principal eigenvector is w)
    book = _etc_book(tmp_path, ["a", "b", "c"], [["5/3", "5/2"], ["3/2"]])
    out = run_action(book, "compute_all")
    got = dict(zip(*[book.read_block(ETC.outputs["ahp"]).iloc[:, k] for k in (0, 1)]))
    assert [got["a"], got["b"], got["c"]] == pytest.approx([0.5, 0.3, 0.2], abs=1e-12)
    assert got["λmax"] == pytest.approx(3.0, abs=1e-12)
    assert got["CR"] == pytest.approx(0.0, abs=1e-12)
    assert not any("AHP" in w for w in out["warnings"])


def test_ahp_sheet_blank_comparisons_skip_ahp(tmp_path):
    from jjj_xl.datasets import load_sample
    s = load_sample("paper000")
    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, s.data)
    path = tmp_path / "blank.xlsx"
    wb.save(path)
    book = OpenpyxlBook(path)
    run_action(book, "compute_all")
    ws = load_workbook_values(path)
    b = ETC.outputs["ahp"]
    assert ws["Weights"].cell(b.row, b.col).value is None


def load_workbook_values(path):
    from openpyxl import load_workbook
    return load_workbook(path)


@pytest.mark.parametrize("upper,match", [
    ([["3", None], [None]], r"AHP!D5 of the comparison matrix and its mirror \(AHP!B7\) are both blank"),
    ([["3", "x"], ["2"]], r'AHP!D5 of the comparison matrix is "x"'),
    ([["3", "-2"], ["2"]], r"AHP!D5 of the comparison matrix is -2"),
])
def test_ahp_sheet_bad_matrix_is_one_line_naming_the_cell(tmp_path, upper, match):
    book = _etc_book(tmp_path, ["a", "b", "c"], upper)
    with pytest.raises(InputError, match=match) as err:
        run_action(book, "compute_all")
    assert "\n" not in str(err.value) and str(err.value).startswith("sheet AHP")


# ---------------------------------------------------------------- middle / interval directions

def _ind_book(tmp_path, directions: dict, name="entropy_topsis_ccd", mutate=None):
    from jjj_xl.datasets import load_sample
    s = load_sample("paper000" if name == "entropy_topsis_ccd" else "paper004")
    ind = s.indicators.copy()
    for code, d in directions.items():
        ind.loc[ind["code"] == code, "direction"] = d
    data = s.data.copy() if mutate is None else mutate(s.data.copy())
    wb = build_template(name)
    fill_inputs(wb, name, ind, data)
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    return OpenpyxlBook(path), s, ind, data


@pytest.mark.parametrize("typed,spec", [("middle 7", ("middle", 7.0)),
                                        ("中间型 7", ("middle", 7.0)),
                                        ("interval 10-20", ("interval", 10.0, 20.0)),
                                        ("区间型 10-20", ("interval", 10.0, 20.0))])
def test_middle_interval_directions_computed_as_positivised(tmp_path, typed, spec):
    import numpy as np
    import jjj_xl as jx

    code = "gdp"
    # the gdp column replaced by small numbers around the best value / band
    vals = {}

    def mutate(d):
        k = len(d)
        col = np.array([5.0, 7.0, 8.0, 9.0, 12.0, 15.0, 25.0, 6.5] * (k // 8 + 1))[:k]
        d[code] = col
        vals["x"] = col
        return d
    book, s, ind, data = _ind_book(tmp_path, {code: typed}, mutate=mutate)
    out = run_action(book, "compute_all")
    x = vals["x"]
    # hand computation of the positivised column (METHODS.md §1, jx.positivize):
    if spec[0] == "middle":      # 1 − |x − 7|/max|x − 7|, max |x − 7| = 18 (x = 25)
        pos = 1 - np.abs(x - 7) / 18
    else:                        # inside [10, 20] → 1; outside 1 − dist/max(10 − 5, 25 − 20) = 5
        dist = np.where(x < 10, 10 - x, np.where(x > 20, x - 20, 0.0))
        pos = 1 - dist / 5
    ref_data = data.copy()
    ref_data[code] = pos
    ref_ind = ind.copy()
    ref_ind.loc[ref_ind["code"] == code, "direction"] = "+"
    ref = jx.entropy_topsis_coupling(ref_data, ref_ind)
    w = book.read_block(ETC.outputs["weights"])
    assert list(w["w"].astype(float)) == pytest.approx(list(ref.weights["w"]), rel=1e-12)
    row = w[w["indicator"] == ind.loc[ind["code"] == code, "name"].iloc[0]]
    assert row["direction"].iloc[0] == str(jx.methods._matrix.direction_spec(typed))
    scores = book.read_block(ETC.outputs["scores"])
    assert list(scores["overall"].astype(float)) == pytest.approx(list(ref.scores["overall"]), rel=1e-12)
    notes = _notes_of(book, ETC)
    assert "gdp" in notes["positivised"]


def _notes_of(book, tpl):
    notes = book.read_block(tpl.outputs["notes"])
    return dict(zip(notes["setting"], notes["value"]))


def test_unknown_direction_names_the_indicators_cell(tmp_path):
    book, *_ = _ind_book(tmp_path, {"gdp": "middle"})      # no best value
    problems = validate_book(book)
    assert any(p.startswith("Indicators!E2") and "middle 7" in p for p in problems), problems


# ---------------------------------------------------------------- Settings weights = ahp / combined

DIMS = ["economy", "technology", "environment", "education", "life"]
W_DIM = [0.3, 0.2, 0.2, 0.2, 0.1]


def _consistent_upper(w):
    """Upper triangle of the consistent matrix a_ij = w_i/w_j, as text fractions."""
    from fractions import Fraction
    fr = [Fraction(x).limit_denominator(10000) for x in w]
    return [[str(fr[i] / fr[j]) for j in range(i + 1, len(w))] for i in range(len(w) - 1)]




def _set_and_reload(tmp_path, book, key, value):
    from openpyxl import load_workbook
    path = tmp_path / "etc.xlsx"
    wb = load_workbook(path)
    sheet, row, col = ETC.setting_cell(key)
    wb[sheet].cell(row, col).value = value
    wb.save(path)
    return OpenpyxlBook(path)


@pytest.mark.parametrize("choice", ["ahp", "entropy+ahp", "entropy*ahp"])
def test_weights_setting_uses_the_ahp_sheet(tmp_path, choice):
    import numpy as np
    import jjj_xl as jx
    from jjj_xl.datasets import load_sample

    s = load_sample("paper000")
    _etc_book(tmp_path, DIMS, _consistent_upper(W_DIM))
    book = _set_and_reload(tmp_path, None, "weights", choice)
    run_action(book, "compute_all")
    ind = s.indicators
    count = ind["dimension"].value_counts()
    # consistent matrix: AHP dimension weights are W_DIM exactly; split equally within a dimension
    ahp = np.array([W_DIM[DIMS.index(d)] / count[d] for d in ind["dimension"]])
    ent = np.asarray(jx.entropy_topsis_coupling(s.data, ind).weights["w"], dtype=float)
    expected = {"ahp": ahp, "entropy+ahp": 0.5 * ent + 0.5 * ahp,
                "entropy*ahp": ent * ahp / np.sum(ent * ahp)}[choice]
    w = book.read_block(ETC.outputs["weights"])
    assert list(w["w"].astype(float)) == pytest.approx(list(expected), rel=1e-9)
    assert list(w["entropy_w"].astype(float)) == pytest.approx(list(ent), rel=1e-12)
    ref = jx.entropy_topsis_coupling(s.data, ind, weights=list(expected))
    scores = book.read_block(ETC.outputs["scores"])
    assert list(scores["overall"].astype(float)) == pytest.approx(list(ref.scores["overall"]), rel=1e-9)


def test_weights_ahp_over_indicator_codes(tmp_path):
    import numpy as np
    from jjj_xl.datasets import load_sample
    s = load_sample("paper000")
    codes = list(s.indicators["code"])[:15]
    if len(s.indicators) > 15:
        pytest.skip("more than 15 indicators in the sample")
    w = np.arange(1, len(codes) + 1, dtype=float)
    w = list(w / w.sum())
    _etc_book(tmp_path, codes, _consistent_upper(w))
    book = _set_and_reload(tmp_path, None, "weights", "ahp")
    run_action(book, "compute_all")
    got = book.read_block(ETC.outputs["weights"])
    assert list(got["w"].astype(float)) == pytest.approx(w, rel=1e-6)


def test_weights_ahp_without_comparisons_names_the_setting(tmp_path):
    book, *_ = _ind_book(tmp_path, {})
    from openpyxl import load_workbook
    path = tmp_path / "entropy_topsis_ccd.xlsx"
    wb = load_workbook(path)
    sheet, row, col = ETC.setting_cell("weights")
    wb[sheet].cell(row, col).value = "ahp"
    wb.save(path)
    with pytest.raises(InputError, match=rf"^{sheet}!{chr(64 + col)}{row} \(Indicator weights"):
        run_action(OpenpyxlBook(path), "compute_all")


def test_share_computes_ahp_weights_by_formulas(tmp_path):
    """Settings weights = entropy+ahp is shared (no longer refused): h_AHP holds the AHP
    weights as formulas and the Weights sheet's w reads them (LibreOffice recalculation:
    tests/test_share.py cases ccd_ahp_dims, ccd_entropy_plus_ahp_dims_max, …)."""
    from openpyxl import load_workbook
    from jjj_xl.workbook.share import H_AHP, share_workbook
    _etc_book(tmp_path, DIMS, _consistent_upper(W_DIM))
    _set_and_reload(tmp_path, None, "weights", "entropy+ahp")
    out = share_workbook(tmp_path / "etc.xlsx", tmp_path / "share.xlsx")
    wb = load_workbook(out)
    assert H_AHP in wb.sheetnames
    w = ETC.outputs["weights"]
    header = [wb[w.sheet].cell(w.row, w.col + k).value for k in range(6)]
    assert header[3] == "entropy_w" and header[4] == "w"
    assert str(wb[w.sheet].cell(w.row + 1, w.col + 4).value).startswith("=")