"""TOPSIS with ideal="group" (paper 004: each region standardised over its own years, ideal =
that region's best and worst years) computed for all groups at once must equal TOPSIS run
on each group's rows by itself (METHODS.md §3): the reference below is the public
``jx.topsis(ideal="data")`` on the group's sub-matrix, an independent code path, and
``_topsis_groups_loop`` (the one-group-at-a-time implementation) for warnings and errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jjj_xl as jx
from jjj_xl.errors import InputError, JJJWarning
from jjj_xl.methods._matrix import as_matrix, parse_direction_specs
from jjj_xl.methods.standardize import standardize
from jjj_xl.methods.topsis import (_topsis_groups_loop, _topsis_groups_vectorised,
                                   grouped_standardize, rank_desc, rank_within_groups)

SETTINGS = settings(max_examples=80, deadline=None)
METHODS = ("vector", "minmax", "max", "share", "zscore", "none")
DIRECTIONS = ("+", "-", "middle 5", "interval 3-6")


@st.composite
def grouped_panels(draw):
    """A matrix whose rows fall into groups of ≥ 2 rows (contiguous or interleaved), with
    constant columns, repeated values (ties) and repeated rows drawn in."""
    n = draw(st.integers(1, 5))
    sizes = draw(st.lists(st.integers(2, 6), min_size=1, max_size=6))
    m = sum(sizes)
    labels = np.repeat([f"g{k}" for k in range(len(sizes))], sizes)
    if draw(st.booleans()):
        labels = labels[np.random.default_rng(draw(st.integers(0, 2**16))).permutation(m)]
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.uniform(1.0, 10.0, (m, n))
    if draw(st.booleans()):     # values from a small set: many ties
        X = rng.choice([1.0, 2.0, 5.0, 9.0], (m, n))
    if draw(st.booleans()):     # a column constant in every group
        X[:, draw(st.integers(0, n - 1))] = 4.0
    if draw(st.booleans()):     # one group's column constant
        j = draw(st.integers(0, n - 1))
        X[labels == labels[0], j] = 3.0
    if m > 2 and draw(st.booleans()):   # a repeated row
        X[1] = X[0]
    dirs = [draw(st.sampled_from(DIRECTIONS)) for _ in range(n)]
    w = rng.dirichlet(np.ones(n))
    return X, labels, dirs, w


def _per_group_reference(X, labels, dirs, w, **kw):
    c = np.empty(len(X))
    rank = np.empty(len(X), dtype=int)
    dp = np.empty(len(X))
    for g in pd.unique(labels):
        rows = np.flatnonzero(labels == g)
        res = jx.topsis(X[rows], w, dirs, ideal="data", **kw)
        c[rows], rank[rows], dp[rows] = res.closeness, res.rank, res.d_plus
    return c, rank, dp


@SETTINGS
@given(grouped_panels(), st.sampled_from(METHODS), st.sampled_from(("w2", "w")),
       st.sampled_from(("ratio", "squared")))
def test_group_ideal_equals_topsis_on_each_group(panel, method, distance, closeness):
    X, labels, dirs, w = panel
    kw = dict(method=method, distance=distance, closeness=closeness)
    if method == "minmax":
        kw["shift"] = 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        try:
            ref = _per_group_reference(X, labels, dirs, w, **kw)
        except InputError as exc:   # e.g. max / cost on a 0 after positivising
            with pytest.raises(InputError) as got:
                jx.topsis(X, w, dirs, ideal="group", groups=labels, **kw)
            assert str(got.value) == str(exc) or "row" in str(got.value)
            return
        res = jx.topsis(X, w, dirs, ideal="group", groups=labels, **kw)
    np.testing.assert_allclose(res.closeness, ref[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.d_plus, ref[2], rtol=1e-12, atol=1e-14)
    assert list(res.rank) == list(ref[1])


@SETTINGS
@given(grouped_panels(), st.sampled_from(METHODS), st.sampled_from(("w2", "w")))
def test_vectorised_matches_loop_including_warnings(panel, method, distance):
    X, labels, dirs, w = panel
    specs = parse_direction_specs(dirs, X.shape[1], None)
    with warnings.catch_warnings(record=True) as loop_w:
        warnings.simplefilter("always", JJJWarning)
        try:
            loop = _topsis_groups_loop(as_matrix(X), specs, w, labels, method, 0.25, None,
                                       distance)
        except InputError:
            loop = None
    with warnings.catch_warnings(record=True) as vec_w:
        warnings.simplefilter("always", JJJWarning)
        vec = _topsis_groups_vectorised(as_matrix(X), specs, w, labels, method, 0.25, None,
                                        distance)
    if loop is None:    # an input error: the vectorised path leaves it to the loop
        assert vec is None
        return
    assert vec is not None
    np.testing.assert_allclose(vec[0], loop[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(vec[1], loop[1], rtol=1e-12, atol=1e-14)
    assert [str(x.message) for x in vec_w] == [str(x.message) for x in loop_w]


@SETTINGS
@given(grouped_panels(), st.sampled_from(METHODS))
def test_grouped_standardize_equals_standardize_per_group(panel, method):
    X, labels, dirs, _ = panel
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])],
                         index=pd.RangeIndex(len(X)) + 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        try:
            ref = pd.concat([standardize(frame[labels == g], dirs, method=method)
                             for g in pd.unique(labels)]).reindex(frame.index)
        except InputError:
            assert grouped_standardize(frame, dirs, labels, method=method) is None
            return
        got = grouped_standardize(frame, dirs, labels, method=method)
    assert list(got.index) == list(ref.index) and list(got.columns) == list(ref.columns)
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-12, atol=1e-14)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from([0.1, 0.2, 0.3, 0.5])),
                min_size=1, max_size=30))
def test_rank_within_groups_equals_rank_of_each_group(pairs):
    labels = np.array([p[0] for p in pairs], dtype=object)
    v = np.array([p[1] for p in pairs]) + np.array([0, 1e-14] * 15)[:len(pairs)]  # below rounding
    got = rank_within_groups(v, labels)
    for g in set(labels):
        rows = np.flatnonzero(labels == g)
        assert list(got[rows]) == list(rank_desc(v[rows]))


def test_rank_within_groups_hand_case():
    # group a: 0.5 > 0.3 = 0.3 → 1, 2, 2; group b: 0.1 < 0.9 → 2, 1 (ties share the best rank)
    got = rank_within_groups([0.3, 0.1, 0.5, 0.9, 0.3], ["a", "b", "a", "b", "a"])
    assert list(got) == [2, 2, 1, 1, 2]


def test_single_row_group_is_refused_naming_the_group():
    X = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 1.0]])
    with pytest.raises(InputError, match='group "b" has 1 row'):
        jx.topsis(X, [0.5, 0.5], ideal="group", groups=["a", "a", "b"])


def test_refused_value_in_a_group_names_the_cell():
    X = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, -1.0], [4.0, 2.0]])
    with pytest.raises(InputError, match="negative value -1"):
        jx.topsis(X, [0.5, 0.5], method="max", ideal="group", groups=["a", "a", "b", "b"])


def test_interleaved_groups_hand_case():
    """Paper 004's rule by hand on interleaved rows: method max, squared closeness.
    Group a = rows 0, 2: r = (0.5, 1), (1, 0.5); group b = rows 1, 3: r = (1, 1), (0.5, 0.5).
    a: ideal (1, 1), anti-ideal (0.5, 0.5), w = (0.5, 0.5): both rows d⁺ = d⁻ = 0.25 → 0.5;
    b: row 1 is the ideal → 1, row 3 the anti-ideal → 0."""
    X = np.array([[1.0, 4.0], [2.0, 8.0], [2.0, 2.0], [1.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        res = jx.topsis(X, [0.5, 0.5], method="max", closeness="squared", ideal="group",
                        groups=["a", "b", "a", "b"])
    np.testing.assert_allclose(res.closeness, [0.5, 1.0, 0.5, 0.0], atol=1e-15)
    np.testing.assert_allclose(res.d_plus, [0.25, 0.0, 0.25, np.sqrt(2) * 0.25], atol=1e-15)
    assert list(res.rank) == [1, 1, 1, 2]
