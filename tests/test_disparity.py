"""Theil T, Dagum Gini and kernel density (issue 10): hand computations, direct O(n²)
definitions, PySAL inequality, scipy and R, plus published numbers quoted below."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import jjj_xl as jx

# Mexico, real GDP per capita of the 32 states (Rey & Sastré-Gutiérrez 2010, Spatial Economic
# Analysis 5(3):277-298), as shipped in libpysal.examples 'mexico.csv'; regimes 'hanson98'.
STATES = ["Aguascalientes", "Baja California", "Baja California Sur", "Campeche", "Chiapas",
          "Chihuahua", "Coahuila", "Colima", "Distrito Federal", "Durango", "Guanajuato",
          "Guerrero", "Hidalgo", "Jalisco", "Mexico", "Michoacan", "Morelos", "Nayarit",
          "Nuevo Leon", "Oaxaca", "Puebla", "Quertaro", "Quintana Roo", "San Luis Potosi",
          "Sinaloa", "Sonora", "Tabasco", "Tamaulipas", "Tlaxcala", "Veracruz", "Yucatan",
          "Zacatecas"]
PCGDP1940 = [10384, 22361, 9573, 3758, 2934, 8578, 8537, 6909, 17816, 12132, 4359, 2181, 4414,
             5309, 3408, 3327, 6936, 4836, 9073, 1892, 3569, 11016, 21965, 4372, 4840, 6399, 2459,
             7508, 3605, 5203, 7990, 3734]
PCGDP2000 = [27782, 29855, 26103, 36163, 8684, 30735, 28460, 21358, 54349, 17379, 15585, 11820,
             12348, 21610, 16322, 11838, 18170, 11478, 38672, 9010, 15685, 26149, 33442, 15866,
             15242, 24068, 13360, 23546, 11701, 12191, 17509, 11130]
HANSON98 = [2, 1, 2, 5, 5, 1, 1, 3, 4, 2, 3, 5, 3, 3, 4, 3, 3, 2, 1, 5, 3, 3, 5, 2, 2, 1, 5, 1,
            3, 3, 5, 2]


def direct_gini(y):
    y = np.asarray(y, float)
    n = len(y)
    return sum(abs(a - b) for a in y for b in y) / (2 * n * n * y.mean())


# ------------------------------------------------------------------ Theil

def test_theil_hand_computed():
    """y = 1, 2 | 3, 6 (groups A | B). μ = 3.
    T = ¼[(1/3)ln(1/3) + (2/3)ln(2/3) + 1·ln 1 + 2·ln 2];
    between = Y_A ln(Y_A/P_A) + Y_B ln(Y_B/P_B) = 0.25 ln 0.5 + 0.75 ln 1.5;
    T_A = T_B = ½[(2/3)ln(2/3) + (4/3)ln(4/3)] (scale invariance), within = T_A."""
    r = jx.theil([1, 2, 3, 6], ["A", "A", "B", "B"])
    T = 0.25 * ((1 / 3) * math.log(1 / 3) + (2 / 3) * math.log(2 / 3) + 2 * math.log(2))
    between = 0.25 * math.log(0.5) + 0.75 * math.log(1.5)
    TA = 0.5 * ((2 / 3) * math.log(2 / 3) + (4 / 3) * math.log(4 / 3))
    assert r.T == pytest.approx(T, rel=1e-14)
    assert r.between == pytest.approx(between, rel=1e-14)
    assert r.within == pytest.approx(TA, rel=1e-14)
    assert r.groups.loc["A", "T_g"] == pytest.approx(TA) == r.groups.loc["B", "T_g"]
    assert r.shares.sum() == pytest.approx(1.0)
    assert r.groups.loc["B", "Y_g"] == pytest.approx(0.75)


def test_theil_mexico_matches_pysal_inequality_docs():
    """PySAL inequality docs (theil.py docstrings), Mexico pcgdp by decade:
    Theil(y).T      array([0.20894344, 0.15222451, 0.10472941, ...,            0.10660832])
    TheilD(y, hanson98).bg array([0.0345889 , ..., 0.03635872])
                        .wg array([0.17435454, ..., 0.0702496 ])
    (first column 1940, last 2000)."""
    for y, T, bg, wg in ((PCGDP1940, 0.20894344, 0.0345889, 0.17435454),
                         (PCGDP2000, 0.10660832, 0.03635872, 0.0702496)):
        r = jx.theil(y, HANSON98)
        assert r.T == pytest.approx(T, abs=5e-9)
        assert r.between == pytest.approx(bg, abs=5e-9)
        assert r.within == pytest.approx(wg, abs=5e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100_000), st.integers(2, 40), st.integers(1, 5))
def test_theil_decomposes_and_matches_pysal(seed, n, k):
    rng = np.random.default_rng(seed)
    y = rng.lognormal(size=n)
    g = rng.integers(0, k, size=n)
    r = jx.theil(y, g)
    assert r.within + r.between == pytest.approx(r.T, rel=1e-10, abs=1e-14)
    mu = y.mean()
    assert r.T == pytest.approx(np.mean(y / mu * np.log(y / mu)), rel=1e-10, abs=1e-14)
    inequality = pytest.importorskip("inequality")
    ref = inequality.theil.TheilD(y, g)
    assert r.between == pytest.approx(float(np.squeeze(ref.bg)), rel=1e-9, abs=1e-13)
    assert r.within == pytest.approx(float(np.squeeze(ref.wg)), rel=1e-9, abs=1e-13)


def test_population_weighted_theil_equals_the_weighted_mean_formula():
    """T = Σ p_i (y_i/μ_p) ln(y_i/μ_p), μ_p = Σ p_i y_i, p = population shares."""
    rng = np.random.default_rng(4)
    y = rng.lognormal(size=12)
    pop = rng.uniform(1, 100, size=12)
    g = list("aaabbbbcccdd")
    r = jx.theil(y, g, weights=pop)
    p = pop / pop.sum()
    mu = (p * y).sum()
    assert r.T == pytest.approx(np.sum(p * y / mu * np.log(y / mu)), rel=1e-12)
    assert r.within + r.between == pytest.approx(r.T, rel=1e-12)
    assert "weighted" in r.notes["shares"]


def test_theil_zero_allowed_negative_refused():
    r = jx.theil([0, 1, 1, 2], ["a", "a", "b", "b"])
    assert np.isfinite(r.T) and r.within + r.between == pytest.approx(r.T)
    with pytest.raises(jx.InputError, match="row 2 is -1"):
        jx.theil([1, -1, 2], ["a", "a", "b"])
    with pytest.raises(jx.InputError, match="0 everywhere"):
        jx.theil([0, 0, 0], ["a", "a", "b"])
    with pytest.raises(jx.InputError, match="3 group labels given for 4"):
        jx.theil([1, 2, 3, 4], ["a", "a", "b"])
    with pytest.raises(jx.InputError, match="groups row 2 is blank"):
        jx.theil([1, 2, 3], ["a", None, "b"])


# ------------------------------------------------------------------ Dagum Gini

def test_dagum_hand_computed():
    """A = {1, 3} (μ 2), B = {2, 6} (μ 4); n = 4, ȳ = 3. Ordered pairs Σ|Δ| = 32 → G = 32/96 = 1/3.
    G_BB = 8/32 = 1/4, G_AA = 4/16 = 1/4, G_BA = (1+1+5+3)/(2·2·6) = 5/12.
    p = ½, ½; s_B = 8/12, s_A = 4/12. Gw = ¼·½·⅔ + ¼·½·⅓ = 1/8.
    d_BA = (1+0+5+3)/4 = 9/4, p_BA = 1/4 → D = 8/10. Gb = 5/12·(½·⅓ + ½·⅔) = 5/24;
    Gnb = 5/24·0.8 = 1/6, Gt = 5/24·0.2 = 1/24; 1/8 + 1/6 + 1/24 = 1/3."""
    r = jx.dagum_gini([1, 3, 2, 6], ["A", "A", "B", "B"])
    assert r.G == pytest.approx(1 / 3, rel=1e-14)
    assert r.Gw == pytest.approx(1 / 8, rel=1e-14)
    assert r.Gnb == pytest.approx(1 / 6, rel=1e-14)
    assert r.Gt == pytest.approx(1 / 24, rel=1e-14)
    assert list(r.within.index) == ["B", "A"]                 # descending mean
    assert r.between.loc["B", "A"] == pytest.approx(5 / 12)
    assert r.within["A"] == pytest.approx(0.25) and r.within["B"] == pytest.approx(0.25)
    assert r.D.loc["A", "B"] == pytest.approx(0.8)
    np.testing.assert_allclose(r.shares.to_numpy(), [3 / 8, 4 / 8, 1 / 8])


def direct_dagum(y, g):
    """Dagum (1997) by literal double loops over the definitions."""
    y = np.asarray(y, float)
    g = np.asarray(g)
    n, mu = len(y), y.mean()
    labels = sorted(set(g.tolist()), key=lambda k: -y[g == k].mean())
    parts = [y[g == k] for k in labels]
    Gw = Gnb = Gt = 0.0
    for j, a in enumerate(parts):
        pj, sj = len(a) / n, a.sum() / (n * mu)
        Gjj = sum(abs(u - v) for u in a for v in a) / (2 * len(a) ** 2 * a.mean())
        Gw += Gjj * pj * sj
        for h in range(j):
            b = parts[h]
            ph, sh = len(b) / n, b.sum() / (n * mu)
            Gjh = sum(abs(u - v) for u in a for v in b) / (len(a) * len(b) * (a.mean() + b.mean()))
            hi, lo = (b, a)  # h < j: b has the larger mean
            d = sum(max(u - v, 0) for u in hi for v in lo) / (len(a) * len(b))
            p = sum(max(v - u, 0) for u in hi for v in lo) / (len(a) * len(b))
            D = (d - p) / (d + p) if d + p else 0.0
            Gnb += Gjh * (pj * sh + ph * sj) * D
            Gt += Gjh * (pj * sh + ph * sj) * (1 - D)
    return Gw, Gnb, Gt


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 100_000), st.integers(2, 25), st.integers(1, 4))
def test_dagum_identity_and_direct_definition(seed, n, k):
    rng = np.random.default_rng(seed)
    y = np.round(rng.lognormal(size=n), 2) + 0.01   # rounding makes ties likely
    g = rng.integers(0, k, size=n)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        r = jx.dagum_gini(y, g)
    assert r.G == pytest.approx(direct_gini(y), rel=1e-10)
    assert r.Gw + r.Gnb + r.Gt == pytest.approx(r.G, rel=1e-10)
    Gw, Gnb, Gt = direct_dagum(y, g)
    assert (r.Gw, r.Gnb, r.Gt) == pytest.approx((Gw, Gnb, Gt), rel=1e-9, abs=1e-13)


def test_dagum_gini_equals_pysal_gini_on_mexico():
    inequality = pytest.importorskip("inequality")
    r = jx.dagum_gini(PCGDP1940, HANSON98)
    # inequality.gini.Gini uses the (n−1)-free sorted formula G = Σ(2i−n−1)y_(i)/(n Σy)
    assert r.G == pytest.approx(inequality.gini.Gini(np.array(PCGDP1940, float)).g, rel=1e-12)
    assert r.G == pytest.approx(direct_gini(PCGDP1940), rel=1e-12)
    assert r.Gw + r.Gnb + r.Gt == pytest.approx(r.G, rel=1e-12)


def test_dagum_separated_groups_have_no_transvariation_and_equal_groups_no_net_gap():
    r = jx.dagum_gini([10, 11, 12, 1, 2, 3], list("HHHLLL"))
    assert r.Gt == pytest.approx(0, abs=1e-15) and r.D.loc["H", "L"] == pytest.approx(1)
    r = jx.dagum_gini([1, 2, 3, 3, 2, 1], list("aaabbb"))
    assert r.Gnb == pytest.approx(0, abs=1e-15) and r.D.loc["a", "b"] == pytest.approx(0)


def test_dagum_one_group_warns_and_refusals():
    with pytest.warns(jx.JJJWarning, match="only one group"):
        r = jx.dagum_gini([1, 2, 3], ["x", "x", "x"])
    assert r.G == pytest.approx(r.Gw) and r.Gnb == 0 and r.Gt == 0
    with pytest.raises(jx.InputError, match="row 3"):
        jx.dagum_gini([1, 2, "n/a"], list("abc"))
    with pytest.raises(jx.InputError, match="groups needed"):
        jx.dagum_gini([1, 2, 3], None)


# ------------------------------------------------------------------ kernel density

# R datasets::precip (annual precipitation of 70 US cities, inches)
PRECIP = [67.0, 54.7, 7.0, 48.5, 14.0, 17.2, 20.7, 13.0, 43.4, 40.2, 38.9, 54.5, 59.8, 48.3,
          22.9, 11.5, 34.4, 35.1, 38.7, 30.8, 30.6, 43.1, 56.8, 40.8, 41.8, 42.5, 31.0, 31.7,
          30.2, 25.9, 49.2, 37.0, 35.9, 15.0, 30.2, 7.2, 36.2, 45.5, 7.8, 33.4, 36.1, 40.2, 42.7,
          42.5, 16.2, 39.0, 35.0, 37.0, 31.4, 37.6, 39.9, 36.2, 42.8, 46.4, 24.7, 49.1, 46.0,
          35.9, 7.8, 48.2, 15.2, 32.5, 44.7, 42.6, 38.8, 17.4, 40.8, 29.1, 14.6, 59.2]


def test_silverman_bandwidth_and_density_match_r():
    """R's density() help example `density(precip)` prints "Bandwidth 'bw' = 3.848"
    (bw.nrd0, Silverman's rule). R 4.x printed:
        sprintf("%.12f", bw.nrd0(precip))  → 3.847892242590
        sprintf("%.12f", bw.nrd(precip))   → 4.531961974606   (Scott's 1.06 s n^-1/5 with IQR)
        approx(d$x, d$y, xout = c(10,20,30,40,50,60))$y →
          0.010971583026 0.010036739443 0.021100536259 0.035776120027 0.014421427834
          0.005478732708
    R's density() bins the data and uses an FFT, so its values differ from the exact kernel
    sum in the 3rd significant digit; we compare with rtol 3e-3."""
    r = jx.kernel_density(PRECIP, grid=[10, 20, 30, 40, 50, 60])
    assert r.bandwidth.iloc[0] == pytest.approx(3.847892242590, abs=1e-11)
    assert round(r.bandwidth.iloc[0], 3) == 3.848
    np.testing.assert_allclose(r.density.iloc[:, 0].to_numpy(),
                               [0.010971583026, 0.010036739443, 0.021100536259, 0.035776120027,
                                0.014421427834, 0.005478732708], rtol=3e-3)


def test_kernel_density_equals_scipy_and_integrates_to_one():
    scipy_stats = pytest.importorskip("scipy.stats")
    x = np.array(PRECIP)
    for rule, factor in (("silverman", None), ("normal", "silverman"), ("scott", "scott")):
        r = jx.kernel_density(x, bandwidth=rule, points=400)
        h = r.bandwidth.iloc[0]
        if factor is not None:   # scipy's factors × sample sd give the same h
            kde = scipy_stats.gaussian_kde(x, bw_method=factor)
            assert h == pytest.approx(kde.factor * x.std(ddof=1), rel=1e-12)
        kde = scipy_stats.gaussian_kde(x, bw_method=h / x.std(ddof=1))
        np.testing.assert_allclose(r.density.iloc[:, 0], kde(r.grid), rtol=1e-10, atol=1e-15)
        f = r.density.iloc[:, 0].to_numpy()
        area = float(np.sum((f[1:] + f[:-1]) / 2 * np.diff(r.grid)))   # trapezoid rule
        assert area == pytest.approx(1, abs=2e-3)


def test_kernel_density_per_year_shares_one_grid():
    panel = pd.DataFrame({2012: [0.2, 0.3, 0.5, 0.6], 2013: [0.25, 0.35, 0.55, None]})
    r = jx.kernel_density(panel, points=50)
    assert list(r.density.columns) == [2012, 2013]
    assert len(r.grid) == 50 and r.density.index.equals(pd.Index(r.grid, name="x"))
    # 2013 has a blank: its bandwidth is Silverman's rule on its own 3 values
    x = np.array([0.25, 0.35, 0.55])
    s = x.std(ddof=1)
    iqr = np.subtract(*np.percentile(x, [75, 25]))
    assert r.bandwidth[2013] == pytest.approx(0.9 * min(s, iqr / 1.34) * 3 ** -0.2)
    fixed = jx.kernel_density([1.0, 2.0], grid=[1.5], bandwidth=0.5)
    want = (math.exp(-0.5) * 2) / (2 * 0.5 * math.sqrt(2 * math.pi))
    assert fixed.density.iloc[0, 0] == pytest.approx(want, rel=1e-14)


def test_kernel_density_refusals():
    with pytest.raises(jx.InputError, match="at least 2"):
        jx.kernel_density([1.0])
    with pytest.raises(jx.InputError, match="not known"):
        jx.kernel_density([1.0, 2.0], bandwidth="magic")
    with pytest.raises(jx.InputError, match="numbers only"):
        jx.kernel_density([1.0, "x", 3.0])
    with pytest.warns(jx.JJJWarning, match="constant"):
        jx.kernel_density([2.0, 2.0, 2.0])
