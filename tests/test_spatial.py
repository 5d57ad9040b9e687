"""Moran's I, LISA and spatial weights (issue 10) against R spdep, PySAL esda and brute force.

Reference data: the Columbus, Ohio crime data (Anselin 1988, Spatial Econometrics, Table 12.1),
as shipped with R spdep (data(oldcol): COL.OLD$CRIME and the contiguity list COL.nb). The
numbers below were printed by R 4.x / spdep 1.2-7 (Debian r-cran-spdep) with

    Rscript -e 'library(spdep); data(oldcol); lw <- nb2listw(COL.nb, style="W");
                print(moran.test(COL.OLD$CRIME, lw, randomisation=FALSE), digits=10);
                print(moran.test(COL.OLD$CRIME, lw, randomisation=TRUE), digits=10);
                print(moran.test(COL.OLD$CRIME, nb2listw(COL.nb, style="B"),
                                 randomisation=FALSE), digits=10);
                cat(sprintf("%.10f", localmoran(COL.OLD$CRIME, lw)[,1]), sep=",")'

printed (excerpts):
    Moran I test under normality ... Moran I statistic standard deviate = 5.6753502
      Moran I statistic 0.510951264079  Expectation -0.020833333333  Variance 0.008779831457
    Moran I test under randomisation ... standard deviate = 5.6341329
      Variance 0.00890876156
    style="B", normality: standard deviate = 6.2556896, Moran I statistic 0.520638149695,
      Variance 0.007492052286
spdep's moran.test example (help page) is this very call; 0.5109513 is the figure it prints.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import jjj_xl as jx
from jjj_xl.methods import spatial as sp

# COL.OLD$CRIME (49 neighbourhoods), sprintf("%.6f")
CRIME = [18.801754, 32.387760, 38.425858, 0.178269, 15.725980, 30.626781, 50.731510, 26.066658,
         48.585487, 34.000835, 36.868774, 20.048504, 19.145592, 18.905146, 27.822861, 16.241299,
         0.223797, 30.515917, 33.705048, 40.969742, 52.794430, 41.968163, 39.175053, 53.710938,
         25.962263, 22.541491, 26.645266, 29.028488, 36.663612, 42.445076, 56.919785, 61.299175,
         60.750446, 68.892044, 38.297871, 54.838711, 56.705669, 62.275448, 46.716129, 57.066132,
         54.521965, 43.962486, 40.074074, 23.974028, 17.677214, 14.305556, 19.100863, 16.530533,
         16.491890]
# COL.nb, 1-based neighbour lists
COL_NB = [[2, 5, 6], [1, 3, 6, 7], [2, 4, 7, 37, 38, 39], [3, 37, 39, 40], [1, 6], [1, 2, 5, 7],
          [2, 3, 6, 8, 9, 18, 36, 38], [7, 18], [7, 18, 20, 32, 36, 38], [11, 17, 18, 19],
          [10, 12, 17], [11, 13, 17], [12, 14, 16, 17], [13, 15, 16], [14, 16],
          [13, 14, 15, 17, 23], [10, 11, 12, 13, 16, 18, 19, 21, 22, 23], [7, 8, 9, 10, 17, 19, 20],
          [10, 17, 18, 20, 21, 31], [9, 18, 19, 31, 32], [17, 19, 22, 31], [17, 21, 23, 31],
          [16, 17, 22, 24, 25, 29, 31], [23, 25, 29, 30, 31, 33], [23, 24, 26, 27, 29], [25, 27, 28],
          [25, 26, 28, 29], [26, 27, 29, 30], [23, 24, 25, 27, 28, 30], [24, 28, 29, 31, 33, 34],
          [19, 20, 21, 22, 23, 24, 30, 32, 33], [9, 20, 31, 33, 34, 35, 36], [24, 30, 31, 32, 34, 35],
          [30, 32, 33, 35, 43], [32, 33, 34, 36, 41, 42, 43], [7, 9, 32, 35, 37, 38, 40, 42],
          [3, 4, 36, 38, 39, 40, 42], [3, 7, 9, 36, 37], [3, 4, 37, 40], [4, 36, 37, 39, 41, 42],
          [35, 40, 42], [35, 36, 37, 40, 41], [34, 35, 44], [43, 45, 46, 49], [44, 46],
          [44, 45, 47, 48, 49], [46, 48], [46, 47], [44, 46]]
# spdep localmoran(COL.OLD$CRIME, lw)[, "Ii"]  (m2 = Σz²/n)
SPDEP_II = [0.5287770133, 0.0048209666, 0.0765840179, -1.8605873756, 0.7368184906, 0.0938507417,
            0.3036061248, -0.1815705169, 0.7348439097, 0.0403092525, -0.1080946286, 0.9008494695,
            1.2398550367, 0.8316779938, 0.4676786283, 0.9692978651, 0.3414097897, 0.0279182489,
            -0.0040247935, 0.2359003309, -0.1239735855, 0.0536036409, -0.0299543043, 0.5775464229,
            -0.0206711215, 0.3633613598, 0.2035396661, 0.0679538401, 0.0057774019, 0.4232470108,
            0.9769528792, 1.6815631320, 1.7251144395, 1.6551715433, 0.2285270446, 1.2387717948,
            0.6469557678, 1.4579154169, 0.1252808374, 0.6152630411, 0.8000061254, 0.5526404937,
            0.1549393281, 0.5284208795, 1.0174475155, 1.2432425222, 1.1519574077, 1.2495377026,
            1.0865531720]


def columbus_w():
    W = np.zeros((49, 49))
    for i, nb in enumerate(COL_NB):
        W[i, [j - 1 for j in nb]] = 1.0
    return W


def has_esda():
    return sp._esda_available()


needs_esda = pytest.mark.skipif(not sp._esda_available(),
                                reason="PySAL esda/libpysal not installed (pip install jjj-xl[spatial])")
ENGINES = ["numpy", pytest.param("esda", marks=needs_esda)]


def brute_moran(y, W):
    """Moran (1950) by the double sum, row-standardised W."""
    y = np.asarray(y, float)
    n = len(y)
    Wr = W / W.sum(axis=1, keepdims=True)
    z = y - y.mean()
    num = sum(Wr[i, j] * z[i] * z[j] for i in range(n) for j in range(n))
    return n / Wr.sum() * num / sum(v * v for v in z)


# ------------------------------------------------------------------ global Moran's I

@pytest.mark.parametrize("engine", ENGINES)
def test_columbus_crime_matches_r_spdep(engine):
    r = jx.morans_i(CRIME, columbus_w(), engine=engine, seed=1)
    assert r.I == pytest.approx(0.510951264079, abs=1e-11)
    assert r.expected == pytest.approx(-0.020833333333, abs=1e-11)
    assert r.variance_norm == pytest.approx(0.008779831457, abs=1e-12)
    assert r.z == pytest.approx(5.6753502, abs=1e-7)
    assert r.z_rand == pytest.approx(5.6341329, abs=1e-7)
    # spdep prints the one-sided p 6.920261e-09; ours is two-sided (as esda)
    assert r.p_norm == pytest.approx(2 * 6.920261e-09, rel=1e-6)
    assert r.p_rand == pytest.approx(2 * 8.797066e-09, rel=1e-6)
    assert r.p_sim == pytest.approx(1 / 1000)  # no permutation beats I = 0.51
    assert r.notes["W"].startswith("row-standardised")


@pytest.mark.parametrize("engine", ENGINES)
def test_columbus_binary_weights_match_r_spdep(engine):
    r = jx.morans_i(CRIME, columbus_w(), transform="b", engine=engine, permutations=0)
    assert r.I == pytest.approx(0.520638149695, abs=1e-11)
    assert r.variance_norm == pytest.approx(0.007492052286, abs=1e-12)
    assert r.z == pytest.approx(6.2556896, abs=1e-7)
    assert r.p_sim is None


def test_morans_i_equals_the_double_sum_definition():
    W = columbus_w()
    assert jx.morans_i(CRIME, W, permutations=0, engine="numpy").I == \
        pytest.approx(brute_moran(CRIME, W), rel=1e-12)


@needs_esda
def test_esda_docstring_example_st_louis_homicides():
    """esda.Moran docstring (PySAL docs): stl.gal, HR8893 → round(I, 3) = 0.244,
    EI = -0.012987012987012988, p_norm = 0.00027147862770937614."""
    import libpysal
    w = libpysal.io.open(libpysal.examples.get_path("stl.gal")).read()
    f = libpysal.io.open(libpysal.examples.get_path("stl_hom.txt"))
    y = np.array(f.by_col["HR8893"])
    W, _ = w.full()
    r = jx.morans_i(y, W, engine="numpy", permutations=0)
    assert round(r.I, 3) == 0.244
    assert r.expected == pytest.approx(-0.012987012987012988, rel=1e-14)
    assert r.p_norm == pytest.approx(0.00027147862770937614, rel=1e-9)


@needs_esda
def test_p_sim_reproduces_esda_draws_with_the_same_seed():
    import esda
    rng = np.random.default_rng(7)
    y = rng.normal(size=49) + 0.05 * np.arange(49)
    W = columbus_w()
    np.random.seed(123)
    ref = esda.Moran(y, sp._libpysal_w(W, "O"), transformation="r", permutations=999)
    ours = jx.morans_i(y, W, seed=123, engine="numpy")
    assert ours.p_sim == ref.p_sim
    assert ours.I == pytest.approx(ref.I, rel=1e-12)
    assert ours.z_rand == pytest.approx(ref.z_rand, rel=1e-10)


@needs_esda
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 25), st.sampled_from(["r", "b", "none"]))
def test_numpy_and_esda_engines_agree(seed, n, transform):
    rng = np.random.default_rng(seed)
    A = (rng.random((n, n)) < 0.3).astype(float) * rng.uniform(0.5, 2, (n, n))
    A = np.triu(A, 1)
    A = A + A.T
    for i in range(n):  # no islands: link i to i+1
        j = (i + 1) % n
        A[i, j] = A[j, i] = max(A[i, j], 1.0)
    y = rng.normal(size=n)
    a = jx.morans_i(y, A, transform=transform, engine="numpy", permutations=0)
    b = jx.morans_i(y, A, transform=transform, engine="esda", permutations=0)
    assert a.I == pytest.approx(b.I, rel=1e-10, abs=1e-12)
    assert a.variance_norm == pytest.approx(b.variance_norm, rel=1e-9)
    assert a.p_norm == pytest.approx(b.p_norm, rel=1e-8, abs=1e-15)
    if a.z_rand is not None and b.z_rand is not None:
        assert a.z_rand == pytest.approx(b.z_rand, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.1, 50), st.floats(-100, 100))
def test_I_is_invariant_to_positive_affine_changes_of_y(seed, a, b):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=20)
    if np.ptp(y) < 1e-6:
        return
    W = columbus_w()[:20, :20] + np.diag(np.ones(19), 1) + np.diag(np.ones(19), -1)
    W = (W > 0).astype(float)
    r1 = jx.morans_i(y, W, permutations=0, engine="numpy").I
    r2 = jx.morans_i(a * y + b, W, permutations=0, engine="numpy").I
    assert r2 == pytest.approx(r1, rel=1e-8, abs=1e-10)
    assert r1 == pytest.approx(brute_moran(y, W), rel=1e-10, abs=1e-12)


def test_exact_permutation_p_for_small_n_counts_all_arrangements():
    """n = 5 on a path: 5! = 120 ≤ 999 permutations, so p_sim is the exact count."""
    W = np.diag(np.ones(4), 1) + np.diag(np.ones(4), -1)
    y = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    r = jx.morans_i(y, W, engine="numpy")
    sims = [brute_moran(y[list(p)], W) for p in itertools.permutations(range(5))]
    ge = sum(s >= r.I - 1e-12 for s in sims)
    le = sum(s <= r.I + 1e-12 for s in sims)
    assert r.exact
    assert r.p_sim == pytest.approx(min(ge, le) / 120)
    assert ge >= 2  # the path's mirror image gives the same I, so ties are counted
    assert r.p_sim < 0.05


# ------------------------------------------------------------------ n = 3 (Beijing, Tianjin, Hebei)

JJJ = ["Beijing", "Tianjin", "Hebei"]


def test_three_mutual_neighbours_are_refused_because_I_is_constant():
    """Beijing, Tianjin and Hebei all border each other: with row-standardised (or
    binary) weights Σ_{i≠j} z_i z_j = −Σ z², so I = −1/(n−1) = −0.5 for any data."""
    W = jx.contiguity_weights([("Beijing", "Tianjin"), ("Beijing", "Hebei"), ("Tianjin", "Hebei")])
    for y in ([1, 2, 3], [0.9, 0.1, 0.5], [10, 10, 11]):
        z = np.asarray(y, float) - np.mean(y)
        assert brute_moran(y, W.to_numpy()) == pytest.approx(-0.5)  # the algebra above
        with pytest.raises(jx.InputError) as err:
            jx.morans_i(pd.Series(y, index=JJJ), W)
        msg = str(err.value)
        assert "whatever the data" in msg and "\n" not in msg
        assert z.sum() == pytest.approx(0)


def test_three_regions_with_distance_weights_warn_that_p_cannot_be_significant():
    coords = pd.DataFrame({"lon": [116.40, 117.20, 114.51], "lat": [39.90, 39.13, 38.04]},
                          index=JJJ)  # capitals: Beijing, Tianjin, Shijiazhuang
    W = jx.distance_weights(coords, metric="arc")
    with pytest.warns(jx.JJJWarning, match="cannot go below 0.167"):
        r = jx.morans_i(pd.Series([0.62, 0.48, 0.31], index=JJJ), W)
    assert r.exact and r.p_sim >= 1 / 6
    assert r.z_rand is None and "n ≥ 4" in r.notes["p_rand"]
    assert "small n" in r.notes


def test_official_data_three_provinces_per_year(official_innovation):
    """Real data (../shared/data): R&D intensity of the 3 provinces, every year."""
    d = official_innovation
    coords = pd.DataFrame({"lon": [116.40, 117.20, 114.51], "lat": [39.90, 39.13, 38.04]},
                          index=JJJ)
    W = jx.distance_weights(coords, metric="arc")
    contiguity = jx.contiguity_weights(pd.DataFrame(1 - np.eye(3), index=JJJ, columns=JJJ))
    for year, grp in d.groupby("year"):
        y = grp.set_index("province_en")["rd_intensity_pct"]
        with pytest.warns(jx.JJJWarning):
            r = jx.morans_i(y, W)
        assert r.I == pytest.approx(brute_moran(y.loc[JJJ].to_numpy(), W.to_numpy()), rel=1e-12)
        assert r.p_sim >= 1 / 6
        with pytest.raises(jx.InputError):
            jx.morans_i(y, contiguity)


def test_fewer_than_three_regions_refused():
    with pytest.raises(jx.InputError, match="at least 3"):
        jx.morans_i([1, 2], [[0, 1], [1, 0]])


# ------------------------------------------------------------------ LISA

@pytest.mark.parametrize("engine", ENGINES)
def test_local_moran_scaling_against_spdep(engine):
    r = jx.local_morans(CRIME, columbus_w(), permutations=0, engine=engine)
    # documented scaling: spdep/GeoDa print n/(n−1) times ours (esda's)
    np.testing.assert_allclose(np.asarray(r.Is) * 49 / 48, SPDEP_II, atol=1e-9)
    # Σ_i I_i = (n − 1) · I with row-standardised W (S0 = n)
    assert np.sum(r.Is) == pytest.approx(48 * 0.510951264079, rel=1e-10)
    assert set(r.cluster) == {"not significant"}


def test_local_moran_equals_anselin_definition_and_quadrants_by_hand():
    W = columbus_w()
    y = np.asarray(CRIME)
    r = jx.local_morans(y, W, permutations=0, engine="numpy")
    Wr = W / W.sum(axis=1, keepdims=True)
    z = y - y.mean()
    m2 = (z ** 2).sum() / (len(y) - 1)
    for i in range(49):
        lag = sum(Wr[i, j] * z[j] for j in range(49))
        assert r.Is[i] == pytest.approx(z[i] / m2 * lag, rel=1e-12)
        want = ("H" if z[i] > 0 else "L") + ("H" if lag > 0 else "L")
        assert r.quadrant[i] == want


@needs_esda
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_local_moran_agrees_with_esda():
    import esda
    W = columbus_w()
    lm = esda.Moran_Local(np.asarray(CRIME), sp._libpysal_w(W, "O"), transformation="r",
                          permutations=9999, seed=5, n_jobs=1)
    ours = jx.local_morans(CRIME, W, permutations=9999, seed=5, engine="numpy")
    np.testing.assert_allclose(ours.Is, lm.Is, rtol=1e-12)
    assert list(ours.quadrant) == [sp.QUADRANTS[q] for q in lm.q]
    # different random streams, same conditional-permutation distribution: within ~5 SE
    assert np.max(np.abs(ours.p_sim - lm.p_sim)) < 0.03
    via = jx.local_morans(CRIME, W, permutations=999, seed=5, engine="esda")
    np.testing.assert_allclose(via.Is, lm.Is, rtol=1e-12)


def test_local_exact_enumeration_and_clusters():
    """A 6-region path with one high pair: region p-values by enumerating every
    arrangement of the neighbours' values (5·4 = 20 for two neighbours)."""
    W = np.diag(np.ones(5), 1) + np.diag(np.ones(5), -1)
    y = np.array([9.0, 10.0, 1.0, 1.5, 1.2, 0.8])
    r = jx.local_morans(y, W, engine="numpy", alpha=0.2)
    z = y - y.mean()
    Wr = W / W.sum(axis=1, keepdims=True)
    for i in range(6):
        nb = np.flatnonzero(W[i])
        others = np.delete(z, i)
        sims = [z[i] * (Wr[i, nb] @ others[list(c)]) for c in
                itertools.permutations(range(5), len(nb))]
        obs = z[i] * (Wr[i] @ z)
        ge = sum(s >= obs - 1e-12 for s in sims)
        le = sum(s <= obs + 1e-12 for s in sims)
        assert r.p_sim[i] == pytest.approx(min(ge, le) / len(sims))
        want = r.quadrant[i] if r.p_sim[i] <= 0.2 else "not significant"
        assert r.cluster[i] == want
    assert r.cluster[0] == "HH"   # 9 next to 10: the only arrangement as high → p = 1/5


def test_local_three_regions_warn():
    W = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    with pytest.warns(jx.JJJWarning, match="no LISA cluster can be significant"):
        r = jx.local_morans([1.0, 2.0, 5.0], W)
    assert set(r.cluster) == {"not significant"}


def test_labelled_y_and_W_are_aligned_by_region_name():
    W = jx.contiguity_weights([("A", "B"), ("B", "C"), ("C", "D"), ("D", "A"), ("A", "C")])
    y = pd.Series([4.0, 1.0, 3.0, 2.0], index=["D", "C", "B", "A"])
    r = jx.local_morans(y, W, permutations=0)
    assert list(r.Is.index) == ["D", "C", "B", "A"]
    same = jx.local_morans(y.loc[["A", "B", "C", "D"]].to_numpy(), W.to_numpy(), permutations=0)
    np.testing.assert_allclose(r.Is.loc[["A", "B", "C", "D"]].to_numpy(), same.Is)


# ------------------------------------------------------------------ weights helpers

def test_contiguity_table_and_neighbour_list_give_the_same_matrix():
    pairs = [("Beijing", "Tianjin"), ("Beijing", "Hebei"), ("Tianjin", "Hebei"),
             ("Hebei", "Shanxi")]
    W1 = jx.contiguity_weights(pairs)
    assert list(W1.index) == ["Beijing", "Tianjin", "Hebei", "Shanxi"]
    assert W1.to_numpy().sum() == 8 and (W1.to_numpy() == W1.to_numpy().T).all()
    W2 = jx.contiguity_weights(W1.copy())
    pd.testing.assert_frame_equal(W1, W2)
    listed = pd.DataFrame(pairs, columns=["region", "neighbour"])
    pd.testing.assert_frame_equal(jx.contiguity_weights(listed), W1)


def test_two_pairs_and_blank_cells_in_a_neighbours_list():
    two = pd.DataFrame([("A", "B"), ("B", "C")], columns=["region", "neighbour"])
    assert jx.contiguity_weights(two).to_numpy().sum() == 4
    with pytest.raises(jx.InputError, match="row 2 has a blank"):
        jx.contiguity_weights(pd.DataFrame([("A", "B"), ("B", np.nan)]))


def test_island_is_refused_naming_the_region():
    with pytest.raises(jx.InputError) as err:
        jx.contiguity_weights([("Beijing", "Tianjin")], names=["Beijing", "Tianjin", "Hainan"])
    assert 'region "Hainan"' in str(err.value) and "island" in str(err.value)
    table = pd.DataFrame([[0, 1, 0], [1, 0, 0], [0, 0, 0]], index=JJJ, columns=JJJ)
    with pytest.raises(jx.InputError, match='region "Hebei" \\(row 3\\) has no neighbours'):
        jx.morans_i([1, 2, 3], table)


@pytest.mark.parametrize("W, match", [
    ([[0, 1, 1], [1, 0, 1], [1, 1, 0], [0, 0, 0]], "square"),
    ([[0, -1, 1], [1, 0, 1], [1, 1, 0]], "must be ≥ 0"),
    ([[1, 1, 1], [1, 0, 1], [1, 1, 0]], "not its own neighbour"),
    ([[0, "x", 1], [1, 0, 1], [1, 1, 0]], "must be numbers"),
])
def test_bad_weights_refused_in_one_line(W, match):
    with pytest.raises(jx.InputError, match=match) as err:
        jx.morans_i([1, 2, 4], W)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("y, match", [([1, None, 3, 4], "row 2 is blank"),
                                      ([1, "n/a", 3, 4], "'n/a'"),
                                      ([2, 2, 2, 2], "constant")])
def test_bad_y_refused(y, match):
    W = np.diag(np.ones(3), 1) + np.diag(np.ones(3), -1)
    with pytest.raises(jx.InputError, match=match):
        jx.morans_i(y, W)


def test_label_mismatch_names_the_region():
    W = jx.contiguity_weights([("A", "B"), ("B", "C")])
    with pytest.raises(jx.InputError, match='no row for region "X"'):
        jx.morans_i(pd.Series([1, 2, 3], index=["A", "B", "X"]), W)


def test_arc_distance_one_degree_of_latitude():
    # a meridian degree on a sphere of radius 6371.0088 km: π/180 · 6371.0088 = 111.1951 km
    D = sp.distance_matrix(np.array([[116.0, 39.0], [116.0, 40.0]]), "arc")
    assert D[0, 1] == pytest.approx(math.pi / 180 * 6371.0088, rel=1e-12)


def test_distance_weights_cutoff_and_island():
    xy = pd.DataFrame({"x": [0.0, 1.0, 3.0, 5.0], "y": [0.0, 0.0, 0.0, 0.0]},
                      index=list("abcd"))
    W = jx.distance_weights(xy, cutoff=2.5)
    assert W.loc["a", "b"] == pytest.approx(1.0) and W.loc["b", "c"] == pytest.approx(0.5)
    assert W.loc["a", "c"] == 0 and W.loc["d", "c"] == pytest.approx(0.5)
    W2 = jx.distance_weights(xy, power=2)
    assert W2.loc["a", "d"] == pytest.approx(1 / 25)
    with pytest.raises(jx.InputError, match='region "c" .* no neighbour within cutoff 1.5 '
                                            '\\(nearest at 2\\)'):
        jx.distance_weights(xy, cutoff=1.5)


@needs_esda
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_distance_and_knn_weights_match_libpysal():
    from libpysal.weights import KNN, DistanceBand
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 10, size=(15, 2))
    ours = jx.distance_weights(xy, cutoff=4.0, power=1).to_numpy()
    ref, _ = DistanceBand(xy, threshold=4.0, binary=False, alpha=-1.0,
                          silence_warnings=True).full()
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    ours_k = jx.knn_weights(xy, k=3).to_numpy()
    ref_k, _ = KNN(xy, k=3).full()
    np.testing.assert_array_equal(ours_k, ref_k)


def test_engine_esda_without_pysal_is_a_one_line_error(monkeypatch):
    monkeypatch.setattr(sp, "_esda_available", lambda: False)
    with pytest.raises(jx.InputError, match="pip install"):
        jx.morans_i(CRIME, columbus_w(), engine="esda")
    r = jx.morans_i(CRIME, columbus_w(), engine="auto", permutations=0)
    assert r.notes["engine"] == "numpy"


def test_engine_imports_without_pysal_or_scipy():
    """The engine must import where PySAL and scipy are absent (Pyodide)."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('esda', 'libpysal', 'scipy', 'inequality'):\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import jjj_xl as jx, numpy as np\n"
        "W = np.diag(np.ones(5), 1) + np.diag(np.ones(5), -1)\n"
        "r = jx.morans_i([1, 2, 3, 5, 8, 13], W, seed=0)\n"
        "assert r.notes['engine'] == 'numpy', r.notes\n"
        "jx.local_morans([1, 2, 3, 5, 8, 13], W, seed=0)\n"
        "jx.kernel_density([1, 2, 3, 5]); jx.gm11([1, 2, 3, 5]); jx.theil([1, 2], ['a', 'b'])\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_warnings_are_jjjwarnings_only_for_small_n():
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jx.morans_i(rng.normal(size=49), columbus_w(), seed=0, permutations=99)


BAD_CELLS = [None, "n/a", "#DIV/0!", float("inf"), float("nan"), True, ""]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 5), st.sampled_from(BAD_CELLS), st.sampled_from(["moran", "lisa", "theil",
                                                                        "gini", "gm11", "kde"]))
def test_fault_injection_one_line_naming_the_row(pos, bad, func):
    """Any bad cell anywhere: one InputError line that names the row (or, for kernel
    density, a blank is skipped and the rest still gives a curve)."""
    y = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0]
    y[pos] = bad
    W = np.diag(np.ones(5), 1) + np.diag(np.ones(5), -1)
    groups = list("aabbcc")
    calls = {"moran": lambda: jx.morans_i(y, W, permutations=0),
             "lisa": lambda: jx.local_morans(y, W, permutations=0),
             "theil": lambda: jx.theil(y, groups),
             "gini": lambda: jx.dagum_gini(y, groups),
             "gm11": lambda: jx.gm11(y),
             "kde": lambda: jx.kernel_density(y)}
    blank = bad is None or bad == "" or (isinstance(bad, float) and math.isnan(bad))
    if func == "kde" and blank:
        r = calls[func]()
        assert np.isfinite(r.density.to_numpy()).all()
        return
    with pytest.raises(jx.InputError) as err:
        calls[func]()
    msg = str(err.value)
    assert "\n" not in msg and "Traceback" not in msg
    if func != "kde":
        assert f"{pos + 1}" in msg


def test_after_d_pipeline_on_the_bundled_sample_panel():
    """The calls the proposed workbook sheets make, per year, on the bundled (illustrative)
    paper000 panel: 6 cities, overall score; approximate city-centre coordinates, 2 nearest
    neighbours; groups Beijing-Tianjin vs Hebei cities."""
    from jjj_xl.datasets import load_sample
    panel = load_sample("paper000")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.entropy_topsis_coupling(panel.data, panel.indicators)
    scores = res.scores.pivot(index="region", columns="year", values="overall")
    coords = pd.DataFrame({"lon": [116.40, 117.20, 114.51, 118.18, 119.60, 116.84],
                           "lat": [39.90, 39.13, 38.04, 39.63, 39.94, 38.30]},
                          index=["Beijing", "Tianjin", "Shijiazhuang", "Tangshan", "Qinhuangdao",
                                 "Cangzhou"])
    W = jx.knn_weights(coords, k=2, metric="arc")
    groups = ["JT" if r in ("Beijing", "Tianjin") else "Hebei" for r in scores.index]
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # 6 regions: no small-n warning expected
        for year in scores.columns:
            y = scores[year]
            mi = jx.morans_i(y, W, seed=1)
            assert mi.exact and mi.p_sim >= 1 / 720
            Wv = W.loc[y.index, y.index].to_numpy()
            assert mi.I == pytest.approx(brute_moran(y.to_numpy(), Wv), rel=1e-12)
            lisa = jx.local_morans(y, W, seed=1)
            assert set(lisa.cluster) <= {"HH", "LH", "LL", "HL", "not significant"}
            t = jx.theil(y, groups)
            assert t.within + t.between == pytest.approx(t.T)
            g = jx.dagum_gini(y, groups)
            assert g.Gw + g.Gnb + g.Gt == pytest.approx(g.G)
    kde = jx.kernel_density(scores)
    assert list(kde.density.columns) == list(scores.columns)
    for region in scores.index:
        fc = jx.gm11(scores.loc[region], horizon=3)
        assert list(fc.forecast.index) == [2020, 2021, 2022]
