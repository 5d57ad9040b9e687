"""Weight sensitivity and rank reversal of TOPSIS (issue 10), against a plain TOPSIS written
here, scipy's Spearman, and properties that must hold whatever the data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import jjj_xl as jx
from jjj_xl.methods.sensitivity import average_ranks, perturbed_weights, spearman


def plain_topsis(X, w, dirs=None):
    """Hwang & Yoon (1981) TOPSIS, vector normalisation, V = R·diag(w), closeness d⁻/(d⁺+d⁻);
    rank 1 = best, ties share the best rank."""
    X = np.asarray(X, float)
    dirs = np.ones(X.shape[1]) if dirs is None else np.asarray(dirs, float)
    V = X / np.sqrt((X ** 2).sum(axis=0)) * w
    best = np.where(dirs > 0, V.max(axis=0), V.min(axis=0))
    worst = np.where(dirs > 0, V.min(axis=0), V.max(axis=0))
    dp = np.sqrt(((V - best) ** 2).sum(axis=1))
    dm = np.sqrt(((V - worst) ** 2).sum(axis=1))
    c = np.round(dm / (dp + dm), 12)
    return np.array([1 + np.sum(c > ci) for ci in c])


def sample_matrix(seed=1, m=8, n=4):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(1, 10, (m, n)), columns=list("abcdefgh")[:n],
                        index=[f"city{i}" for i in range(m)])


def test_scheme_one_at_a_time_with_proportional_rescaling():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    new = perturbed_weights(w, 1, 0.2)
    assert new[1] == pytest.approx(0.36)
    assert new.sum() == pytest.approx(1)
    others = np.delete(new, 1) / np.delete(w, 1)
    assert np.allclose(others, others[0]) and others[0] == pytest.approx(0.64 / 0.7)


def test_every_scenario_equals_a_plain_topsis_with_the_perturbed_weights():
    X = sample_matrix()
    w = [0.4, 0.3, 0.2, 0.1]
    dirs = ["+", "+", "-", "+"]
    r = jx.rank_sensitivity(X, w, dirs)
    d = np.array([1, 1, -1, 1])
    assert list(r.ranks.columns[:3]) == ["base", "a −20%", "a −10%"]
    assert r.ranks.shape == (8, 1 + 4 * 4)
    np.testing.assert_array_equal(r.ranks["base"], plain_topsis(X, np.array(w), d))
    for label in r.ranks.columns[1:]:
        wj = r.weights.loc[label].to_numpy()
        assert wj.sum() == pytest.approx(1)
        np.testing.assert_array_equal(r.ranks[label], plain_topsis(X, wj, d))
    assert list(r.weights.columns) == list("abcd")


def test_spearman_matches_scipy_with_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    for _ in range(50):
        a = rng.integers(1, 6, 12)
        b = rng.integers(1, 6, 12)
        if len(set(a)) == 1 or len(set(b)) == 1:
            continue
        assert spearman(a, b) == pytest.approx(stats.spearmanr(a, b).statistic, abs=1e-12)
        np.testing.assert_allclose(average_ranks(a), stats.rankdata(a))


def test_changed_rows_and_spearman_are_consistent():
    X = sample_matrix(seed=3)
    r = jx.rank_sensitivity(X, [0.25, 0.25, 0.25, 0.25], perturb=(-0.5, 0.5))
    for c in r.changed.columns:
        moved = r.ranks[c] != r.ranks["base"]
        assert (r.changed[c] == moved).all()
        assert (r.spearman[c] == pytest.approx(1.0)) == (not moved.any())
    assert set(r.changed_rows) == {i for i in X.index if r.changed.loc[i].any()}
    assert (r.max_shift >= 0).all()


def test_perturbation_refusals():
    X = sample_matrix()
    with pytest.raises(jx.InputError, match="above −1"):
        jx.rank_sensitivity(X, [0.4, 0.3, 0.2, 0.1], perturb=(-1.5,))
    with pytest.raises(jx.InputError, match="weight above 1"):
        jx.rank_sensitivity(X, [0.7, 0.1, 0.1, 0.1], perturb=(0.5,))
    with pytest.raises(jx.InputError, match="at least one non-zero"):
        jx.rank_sensitivity(X, [0.4, 0.3, 0.2, 0.1], perturb=(0,))
    with pytest.raises(jx.InputError, match="sum to"):
        jx.rank_sensitivity(X, [0.4, 0.3, 0.2, 0.2])


def test_zero_weight_stays_zero_and_is_noted():
    X = sample_matrix()
    r = jx.rank_sensitivity(X, [0.5, 0.3, 0.2, 0.0], perturb=(0.1,))
    assert (r.ranks["d +10%"] == r.ranks["base"]).all()
    assert "zero weights" in r.notes


# ------------------------------------------------------------------ rank reversal

def test_rank_reversal_equals_brute_force():
    X = sample_matrix(seed=11, m=7)
    w = [0.3, 0.3, 0.2, 0.2]
    r = jx.rank_reversal(X, w)
    base = plain_topsis(X, np.array(w))
    want = []
    for k, lab in enumerate(X.index):
        keep = [i for i in range(7) if i != k]
        sub = plain_topsis(X.iloc[keep], np.array(w))
        got = r.ranks[f"without {lab}"]
        assert pd.isna(got[lab])
        np.testing.assert_array_equal(got.drop(lab).to_numpy(dtype=int), sub)
        for a in range(len(keep)):
            for b in range(a + 1, len(keep)):
                i, j = keep[a], keep[b]
                if np.sign(base[j] - base[i]) != np.sign(sub[b] - sub[a]):
                    want.append(lab)
    assert list(r.reversals["dropped"]) == want
    assert r.summary["reversed pairs"].sum() == len(want)
    assert r.summary["pairs"].iloc[0] == 15


def test_a_known_reversal_with_vector_normalisation():
    """Four alternatives on two benefit criteria (equal weights):
    A (4, 1), B (3, 2.2), C (0.5, 9), D (1, 2). Plain TOPSIS (independent, above) ranks
    C 1, A 2, B 3, D 4; without C the column norms and the anti-ideal change and B (1) passes
    A (2): a TOPSIS rank reversal."""
    X = pd.DataFrame({"c1": [4.0, 3.0, 0.5, 1.0], "c2": [1.0, 2.2, 9.0, 2.0]},
                     index=["A", "B", "C", "D"])
    w = np.array([0.5, 0.5])
    np.testing.assert_array_equal(plain_topsis(X, w), [2, 3, 1, 4])
    np.testing.assert_array_equal(plain_topsis(X.drop(index="C"), w), [2, 1, 3])
    r = jx.rank_reversal(X, w)
    rows = r.reversals[r.reversals["dropped"] == "C"]
    assert [tuple(v) for v in rows[["higher in base", "now higher or tied"]].to_numpy()] == \
        [("A", "B")]
    assert r.any and r.summary.loc["C", "reversed pairs"] == 1
    assert list(r.ranks["without C"].astype("float").fillna(0)) == [2, 1, 0, 3]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 100_000), st.integers(3, 7))
def test_no_reversal_when_scores_do_not_depend_on_the_other_rows(seed, m):
    """With fixed ideals and no standardisation (method="none", ideal="fixed") each
    closeness depends on its own row only, so dropping a row cannot reverse any pair."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(0, 1, (m, 3)), columns=list("xyz"))
    opts = dict(method="none", ideal="fixed", ideal_best=[1, 1, 1], ideal_worst=[0, 0, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        r = jx.rank_reversal(X, [0.5, 0.3, 0.2], **opts)
    assert not r.any and r.summary["reversed pairs"].sum() == 0


def test_reweighting_with_entropy_weights_runs_on_the_rest():
    X = sample_matrix(seed=5, m=6)
    r = jx.rank_reversal(X, None, reweight=jx.entropy_weights)
    w_sub = jx.entropy_weights(X.drop(index="city0")).w
    sub = plain_topsis(X.drop(index="city0"), np.asarray(w_sub, float))
    np.testing.assert_array_equal(r.ranks["without city0"].drop("city0").to_numpy(dtype=int), sub)
    assert "entropy_weights" in r.notes["weights"]


def test_rank_reversal_needs_three_alternatives():
    with pytest.raises(jx.InputError, match="at least 3"):
        jx.rank_reversal([[1, 2], [2, 1]], [0.5, 0.5])


def test_sample_panel_year_runs():
    panel = jx.datasets.load_sample("paper000") if hasattr(jx, "datasets") else None
    if panel is None:
        from jjj_xl.datasets import load_sample
        panel = load_sample("paper000")
    ind = panel.indicators
    year = panel.data[panel.data["year"] == panel.data["year"].max()].set_index("region")
    X = year[list(ind["code"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        w = jx.entropy_weights(X, list(ind["direction"])).w
        r = jx.rank_sensitivity(X, w, list(ind["direction"]), perturb=(-0.2, 0.2))
    assert r.ranks.shape == (len(X), 1 + 2 * len(ind))
    assert (r.spearman <= 1 + 1e-12).all() and (r.spearman >= -1 - 1e-12).all()
