"""Issue 9, the remaining surfaces (helper methods9): middle / interval indicators in the
Python workflows, Validate listing AHP matrix problems, zscore + SPSSAU translation and the
grey relational score as template Settings. Share-workbook formulas for these options are
tested in tests/test_share.py (LibreOffice recalculation equal to the engine to 1e-9)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import jjj_xl as jx
from jjj_xl.datasets import load_sample
from jjj_xl.errors import InputError
from jjj_xl.workbook import layout
from jjj_xl.workbook.actions import run_action, validate_book
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.templates import build_template, fill_inputs

ETC = layout.ENTROPY_TOPSIS_CCD


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        return fn(*a, **k)


def _mutated(code="gdp"):
    s = load_sample("paper000")
    data = s.data.copy()
    k = len(data)
    x = np.array([5.0, 7.0, 8.0, 9.0, 12.0, 15.0, 25.0, 6.5] * (k // 8 + 1))[:k]
    data[code] = x
    return s.indicators.copy(), data, x


# ---------------------------------------------------------------- item 5: workflows accept middle / interval

@pytest.mark.parametrize("typed", ["middle 7", "中间型 7", "interval 10-20", "区间型 10-20",
                                   ("middle", 7), ("interval", 10, 20)])
def test_entropy_topsis_coupling_accepts_middle_and_interval(typed, tmp_path):
    """jx.entropy_topsis_coupling from Python positivises a middle / interval indicator over
    the whole panel first (issue 9: middle 1 − |x − best|/max|x − best|; interval
    1 − (max(a − x, 0) + max(x − b, 0))/M, M = max(a − min, max − b)), exactly as the
    template's Compute all does."""
    ind, data, x = _mutated()
    ind["direction"] = ind["direction"].astype(object)
    ind.loc[ind["code"] == "gdp", "direction"] = [typed] if isinstance(typed, tuple) else typed
    if isinstance(typed, tuple):
        ind.at[int(np.flatnonzero(ind["code"] == "gdp")[0]), "direction"] = typed
    res = _quiet(jx.entropy_topsis_coupling, data, ind)
    # hand-computed positivisation of x = 5, 7, 8, 9, 12, 15, 25, 6.5, …
    middle = (typed[0] if isinstance(typed, tuple) else typed).startswith(("middle", "中间"))
    if middle:      # max |x − 7| = 18 (x = 25)
        pos = 1 - np.abs(x - 7) / 18
    else:           # M = max(10 − 5, 25 − 20) = 5
        pos = 1 - (np.clip(10 - x, 0, None) + np.clip(x - 20, 0, None)) / 5
    ref_ind = ind.copy()
    ref_ind.loc[ref_ind["code"] == "gdp", "direction"] = "+"
    ref_data = data.copy()
    ref_data["gdp"] = pos
    ref = _quiet(jx.entropy_topsis_coupling, ref_data, ref_ind)
    assert list(res.weights["w"]) == pytest.approx(list(ref.weights["w"]), rel=1e-12)
    assert list(res.scores["overall"]) == pytest.approx(list(ref.scores["overall"]), rel=1e-12)
    assert list(res.coupling["D"]) == pytest.approx(list(ref.coupling["D"]), rel=1e-12)
    assert res.weights.loc[res.weights["code"] == "gdp", "direction"].iloc[0] == \
        ("middle 7" if middle else "interval 10-20")
    assert "gdp (" in res.notes["positivised"]
    # the template path (Compute all) gives the same numbers
    wb = build_template("entropy_topsis_ccd")
    t_ind = ind.copy()
    t_ind["direction"] = [str(jx.methods._matrix.direction_spec(d)) for d in t_ind["direction"]]
    fill_inputs(wb, "entropy_topsis_ccd", t_ind, data)
    path = tmp_path / "etc.xlsx"
    wb.save(path)
    book = OpenpyxlBook(path)
    _quiet(run_action, book, "compute_all")
    w = book.read_block(ETC.outputs["weights"])
    assert list(w["w"].astype(float)) == pytest.approx(list(res.weights["w"]), rel=1e-12)


def test_ideal_solution_index_accepts_middle_direction():
    s = load_sample("paper004")
    ind = s.indicators.copy()
    code = ind["code"].iloc[0]
    col = s.data[code].to_numpy(dtype=float)
    best = float(np.median(col))
    ind.loc[ind["code"] == code, "direction"] = f"middle {best:g}"
    res = _quiet(jx.ideal_solution_index, s.data, ind)
    ref_ind = ind.copy()
    ref_ind.loc[ref_ind["code"] == code, "direction"] = "+"
    ref_data = s.data.copy()
    ref_data[code] = 1 - np.abs(col - best) / np.abs(col - best).max()
    ref = _quiet(jx.ideal_solution_index, ref_data, ref_ind)
    assert list(res.scores["I"]) == pytest.approx(list(ref.scores["I"]), rel=1e-12)


def test_workflow_unknown_direction_one_line():
    ind, data, _ = _mutated()
    ind.loc[ind["code"] == "gdp", "direction"] = "middle"
    with pytest.raises(InputError, match=r'direction "middle" is not understood; use \+ or -.*middle 7'):
        jx.entropy_topsis_coupling(data, ind)


# ---------------------------------------------------------------- item 6: Validate lists AHP problems

def _ahp_book(tmp_path, items, cells, weights=None):
    """entropy_topsis_ccd with the AHP matrix of ``items``; ``cells`` = {(i, j): value}."""
    s = load_sample("paper000")
    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, s.data)
    from .rich_books import put_ahp_matrix
    put_ahp_matrix(wb, items, cells)
    if weights:
        sheet, row, col = ETC.setting_cell("weights")
        wb[sheet].cell(row, col).value = weights
    path = tmp_path / "ahp.xlsx"
    wb.save(path)
    return OpenpyxlBook(path)


def test_validate_lists_every_ahp_problem_with_its_cell(tmp_path):
    # 4 items a..d at AHP!B5:E8 (header row 4, items down column A)
    book = _ahp_book(tmp_path, ["a", "b", "c", "d"],
                     {(0, 1): "3", (1, 0): "1/2",          # not reciprocal: 3 × 1/2 ≠ 1
                      (0, 2): "x",                          # text
                      (0, 3): -2,                           # not positive
                      (2, 2): 2,                            # diagonal ≠ 1
                      (1, 2): "5"})                         # (1, 3)/(3, 1) and (2, 3)/(3, 2) blank
    problems = validate_book(book)
    text = "\n".join(problems)
    assert 'AHP!D5 of the comparison matrix is "x"' in text
    assert "AHP!E5 of the comparison matrix is -2" in text
    assert "AHP!D7 of the comparison matrix is 2; an item compared with itself must be 1" in text
    assert "AHP!C5 of the comparison matrix is 3 but its mirror AHP!B6 is 0.5" in text
    assert "AHP!E6 of the comparison matrix and its mirror (AHP!C8) are both blank" in text
    assert "AHP!E7 of the comparison matrix and its mirror (AHP!D8) are both blank" in text
    assert all(p.startswith("sheet AHP: AHP!") for p in problems if "AHP" in p)
    assert all("\n" not in p for p in problems)
    # Compute refuses with the first one and counts the others
    with pytest.raises(InputError, match=r"^sheet AHP: AHP!.*\(and \d+ more"):
        run_action(book, "compute_all")


def test_validate_ahp_not_square_and_item_mismatch(tmp_path):
    b = layout.AHP_MATRIX
    book = _ahp_book(tmp_path, ["a", "b", "c"], {(0, 1): 3})
    book.wb[layout.AHP_SHEET].cell(b.row, b.col + 4).value = "d"   # a 4th column item, 3 rows
    assert any("3 rows but 4 columns" in p and p.startswith("sheet AHP: AHP!A4")
               for p in validate_book(book))
    book = _ahp_book(tmp_path, ["a", "b", "c"], {(0, 1): 3})
    book.wb[layout.AHP_SHEET].cell(b.row + 2, b.col).value = "B"   # row item 2 "B", column "b"
    problems = validate_book(book)
    assert any(p.startswith('sheet AHP: AHP!A6: row item 2 is "B" but column item 2 (AHP!C4) is "b"')
               for p in problems), problems


def test_validate_ahp_items_must_match_indicators_when_used(tmp_path):
    book = _ahp_book(tmp_path, ["a", "b", "c"], {(0, 1): 3, (0, 2): 5, (1, 2): 2}, weights="ahp")
    problems = validate_book(book)
    assert any("neither all the dimensions nor all the indicator codes" in p and "Settings!C" in p
               for p in problems), problems
    # with entropy weights the same (valid) matrix is informational: no problem
    book2 = _ahp_book(tmp_path, ["a", "b", "c"], {(0, 1): 3, (0, 2): 5, (1, 2): 2})
    assert validate_book(book2) == []


def test_validate_warns_cr_above_saaty_limit(tmp_path):
    """Saaty (1990) EJOR 48:9–26, house example: CR = 0.169 > 0.1 — a warning (Compute uses the
    weights), not a problem."""
    from tests.test_template_variants import HOUSE, HOUSE_UPPER
    cells = {(i, i + 1 + k): v for i, row in enumerate(HOUSE_UPPER) for k, v in enumerate(row)}
    book = _ahp_book(tmp_path, HOUSE, cells)
    found = []
    assert validate_book(book, warnings_out=found) == []
    assert len(found) == 1 and "CR = 0.169 > 0.1" in found[0] and found[0].startswith("AHP!A4")
    out = run_action(book, "validate")
    assert out["problems"] == [] and out["warnings"] == found
    report = book.read_block(ETC.outputs["notes"]).iloc[:, 0].tolist()
    assert report[0].startswith("No problems") and "CR = 0.169" in report[1]


# ---------------------------------------------------------------- item 1: zscore + SPSSAU translation (Settings)

def _etc_settings(tmp_path, settings: dict, name="settings.xlsx"):
    s = load_sample("paper000")
    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", s.indicators, s.data)
    for key, value in settings.items():
        sheet, row, col = ETC.setting_cell(key)
        wb[sheet].cell(row, col).value = value
    path = tmp_path / name
    wb.save(path)
    return OpenpyxlBook(path), s


def _entropy_by_hand(Z):
    """p = z/Σz, e = −Σ p ln p / ln m, d = 1 − e, w = d/Σd (paper 000 eqs. 2–5), literal."""
    m = Z.shape[0]
    P = Z / Z.sum(axis=0)
    e = -(P * np.log(P)).sum(axis=0) / np.log(m)
    d = 1 - e
    return d / d.sum()


def test_template_zscore_with_spssau_translation(tmp_path):
    """SPSSAU help, Entropy Method (spssau.net/helps/entropy.html): "Z-score (S)
    x_ij = (x_ij − x̄_j)/s_j, x̄_j is the mean and s_j is the standard deviation of indicator j";
    "Non-negative Shift: When selected, if any column contains values ≤ 0, a shift of the
    absolute value of the minimum plus 0.01 is applied." Settings method = zscore and
    Entropy translation = spssau give those weights (sample SD, ddof 1; cost (mean − x)/s)."""
    book, s = _etc_settings(tmp_path, {"method": "zscore", "translate": "spssau"})
    out = _quiet(run_action, book, "compute_all")
    X = s.data[list(s.indicators["code"])].to_numpy(dtype=float)
    sign = np.where(s.indicators["direction"].to_numpy() == "+", 1.0, -1.0)
    Z = sign * (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    Z = Z + np.where(Z.min(axis=0) <= 0, np.abs(Z.min(axis=0)) + 0.01, 0.0)
    w = book.read_block(ETC.outputs["weights"])
    assert list(w["w"].astype(float)) == pytest.approx(list(_entropy_by_hand(Z)), rel=1e-10)
    notes = dict(zip(*[book.read_block(ETC.outputs["notes"]).iloc[:, k] for k in (0, 1)]))
    assert notes["translation"].startswith("spssau: |min| + 0.01 added to")
    assert "sample standard deviation" in notes["standardisation"]
    # TOPSIS on the same z-scores (engine topsis method zscore with those weights)
    ref = _quiet(jx.topsis, X, np.asarray(w["w"], dtype=float), list(s.indicators["direction"]),
                 method="zscore")
    scores = book.read_block(ETC.outputs["scores"])
    assert list(scores["overall"].astype(float)) == pytest.approx(list(ref.closeness), rel=1e-10)
    assert out["written"]


def test_template_zscore_without_translation_names_both_settings(tmp_path):
    book, _ = _etc_settings(tmp_path, {"method": "zscore"})
    with pytest.raises(InputError, match=r"^Settings!C3 \(Standardisation\) is zscore.*"
                                         r"Settings!C\d+ \(Entropy translation\) is none.*spssau"):
        run_action(book, "compute_all")


def test_template_translation_on_minmax_without_shift(tmp_path):
    """minmax with shift 0 has z = 0 at each column's worst value: SPSSAU's shift adds
    |0| + 0.01 = 0.01 to every column (all have a 0), so p = (z + 0.01)/Σ(z + 0.01)."""
    book, s = _etc_settings(tmp_path, {"shift": 0, "translate": "spssau"})
    _quiet(run_action, book, "compute_all")
    X = s.data[list(s.indicators["code"])].to_numpy(dtype=float)
    cost = s.indicators["direction"].to_numpy() == "-"
    lo, hi = X.min(axis=0), X.max(axis=0)
    Z = np.where(cost, hi - X, X - lo) / (hi - lo) + 0.01
    w = book.read_block(ETC.outputs["weights"])
    assert list(w["w"].astype(float)) == pytest.approx(list(_entropy_by_hand(Z)), rel=1e-10)


# ---------------------------------------------------------------- item 2: grey relational grade as the score

def _grey_by_hand(X, cost, w, rho=0.5):
    """Deng's grey relational grade against the ideal, literal loops: r = min-max (cost turned
    round), x0(k) = max_i r_ik, Δ_ik = |x0(k) − r_ik|, ξ_ik = (Δmin + ρΔmax)/(Δ_ik + ρΔmax) with
    the two-level min / max over all i, k; grade_i = Σ_k w_k ξ_ik."""
    m, n = len(X), len(X[0])
    R = [[0.0] * n for _ in range(m)]
    for k in range(n):
        col = [X[i][k] for i in range(m)]
        lo, hi = min(col), max(col)
        for i in range(m):
            R[i][k] = ((hi - X[i][k]) if cost[k] else (X[i][k] - lo)) / (hi - lo)
    ref = [max(R[i][k] for i in range(m)) for k in range(n)]
    D = [[abs(ref[k] - R[i][k]) for k in range(n)] for i in range(m)]
    dmin = min(min(r) for r in D)
    dmax = max(max(r) for r in D)
    return [sum(w[k] * (dmin + rho * dmax) / (D[i][k] + rho * dmax) for k in range(n))
            for i in range(m)]


def test_grey_grade_hand_computed_small_case():
    """A 3 × 2 case by hand: x1 = (1, 2, 3) benefit, x2 = (10, 30, 20) cost. Min-max:
    r1 = (0, 0.5, 1), r2 = (1, 0, 0.5); ideal (1, 1); Δ = (1, 0 | 0.5, 1 | 0, 0.5); Δmin 0,
    Δmax 1; ξ = 0.5/(Δ + 0.5) = (1/3, 1 | 0.5, 1/3 | 1, 0.5); equal weights: grades
    (2/3, 5/12, 3/4)."""
    g = jx.grey_relational_grade([[1, 10], [2, 30], [3, 20]], ["+", "-"])
    assert list(np.asarray(g.grade)) == pytest.approx([2 / 3, 5 / 12, 3 / 4], abs=1e-15)
    assert _grey_by_hand([[1, 10], [2, 30], [3, 20]], [False, True], [0.5, 0.5]) == \
        pytest.approx([2 / 3, 5 / 12, 3 / 4], abs=1e-15)


def test_template_grey_score(tmp_path):
    """Settings Score method = grey: Scores hold the grey relational grade of every
    region-year against the ideal (Deng 1982; ρ = 0.5), weighted by the entropy weights
    (overall) and by the weights renormalised within each dimension (dimension scores);
    checked against a literal-loop implementation."""
    book, s = _etc_settings(tmp_path, {"score": "grey"})
    _quiet(run_action, book, "compute_all")
    ind = s.indicators
    X = s.data[list(ind["code"])].to_numpy(dtype=float)
    cost = list(ind["direction"] == "-")
    w = np.asarray(book.read_block(ETC.outputs["weights"])["w"], dtype=float)
    scores = book.read_block(ETC.outputs["scores"])
    assert list(scores["overall"].astype(float)) == pytest.approx(
        _grey_by_hand(X.tolist(), cost, list(w)), rel=1e-12)
    for dim in dict.fromkeys(ind["dimension"]):
        mask = (ind["dimension"] == dim).to_numpy()
        wd = w[mask] / w[mask].sum()
        assert list(scores[dim].astype(float)) == pytest.approx(
            _grey_by_hand(X[:, mask].tolist(), [c for c, k in zip(cost, mask) if k], list(wd)),
            rel=1e-12), dim
    notes = dict(zip(*[book.read_block(ETC.outputs["notes"]).iloc[:, k] for k in (0, 1)]))
    assert notes["score"].startswith("grey relational grade against the ideal (Deng, ρ = 0.5)")
    assert "TOPSIS" not in notes
