"""GM(1,1) (issue 10): a textbook example, Deng's closed-form normal equations, an exact
case derived by hand, the posterior-error test and the refusals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import jjj_xl as jx
from jjj_xl.methods.forecast import accuracy_grade

NOISE = [71.1, 72.4, 72.4, 72.1, 71.4, 72.0, 71.6]


def test_textbook_example_traffic_noise():
    """The widely reprinted GM(1,1) example of a northern city's road-traffic noise,
    1986-1992, x⁽⁰⁾ = (71.1, 72.4, 72.4, 72.1, 71.4, 72.0, 71.6) dB (Si Shoukui & Sun Xijing,
    数学建模算法与应用, National Defense Industry Press, grey-forecasting chapter). Printed:
    a = 0.0023, b = 72.6573 and the time response
    x̂⁽¹⁾(k+1) = −30929 e^(−0.0023k) + 31000."""
    r = jx.gm11(NOISE, horizon=1)
    assert round(r.a, 4) == 0.0023
    assert round(r.b, 4) == 72.6573
    assert round(NOISE[0] - r.b / r.a) == -30929
    assert round(r.b / r.a) == 31000


def deng_closed_form(x0):
    """Deng's explicit least-squares solution: with z the background values, m = n − 1,
    C = Σz, D = Σx⁽⁰⁾(k≥2), E = Σ z·x⁽⁰⁾, F = Σz²:
    a = (C·D − m·E)/(m·F − C²), b = (D·F − C·E)/(m·F − C²)."""
    x0 = [float(v) for v in x0]
    x1 = [sum(x0[:k + 1]) for k in range(len(x0))]
    z = [0.5 * (x1[k] + x1[k - 1]) for k in range(1, len(x0))]
    y = x0[1:]
    m = len(z)
    C, D = sum(z), sum(y)
    E = sum(a * b for a, b in zip(z, y))
    F = sum(a * a for a in z)
    den = m * F - C * C
    return (C * D - m * E) / den, (D * F - C * E) / den


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.5, 1000), min_size=4, max_size=15))
def test_least_squares_equals_deng_closed_form(x0):
    if np.ptp(x0) < 1e-6 * max(x0):
        return
    a, b = deng_closed_form(x0)
    if abs(a) < 1e-9:
        return
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        r = jx.gm11(x0, horizon=2)
    assert r.a == pytest.approx(a, rel=1e-7, abs=1e-10)
    assert r.b == pytest.approx(b, rel=1e-7, abs=1e-8)
    # restored values follow the time response
    k = np.arange(len(x0) + 2)
    x1 = (x0[0] - r.b / r.a) * np.exp(-r.a * k) + r.b / r.a
    np.testing.assert_allclose(np.r_[r.fitted, r.forecast][1:], np.diff(x1), rtol=1e-9)
    assert r.fitted[0] == x0[0]


@pytest.mark.parametrize("c, ratio, n", [(2.0, 1.1, 6), (100.0, 0.9, 5), (3.5, 1.3, 8)])
def test_geometric_series_gives_the_hand_derived_parameters(c, ratio, n):
    """x⁽⁰⁾(k) = c·r^(k−1). Then z⁽¹⁾(k) = c r^(k−1)(r+1)/(2(r−1)) − c/(r−1) and
    x⁽⁰⁾(k) + a z⁽¹⁾(k) = b holds exactly for a = −2(r−1)/(r+1), b = 2c/(r+1)
    (the least-squares residual is zero)."""
    x0 = [c * ratio ** k for k in range(n)]
    r = jx.gm11(x0)
    assert r.a == pytest.approx(-2 * (ratio - 1) / (ratio + 1), rel=1e-10)
    assert r.b == pytest.approx(2 * c / (ratio + 1), rel=1e-10)


def test_posterior_error_ratio_and_small_error_probability_by_hand():
    r = jx.gm11(NOISE)
    x = np.array(NOISE)
    eps = x - np.asarray(r.fitted)
    S1 = math.sqrt(sum((v - x.mean()) ** 2 for v in x) / len(x))
    S2 = math.sqrt(sum((e - eps.mean()) ** 2 for e in eps) / len(eps))
    assert r.C == pytest.approx(S2 / S1, rel=1e-12)
    assert r.P == pytest.approx(np.mean(np.abs(eps - eps.mean()) < 0.6745 * S1))
    assert r.grade == accuracy_grade(r.C, r.P)
    assert r.mape == pytest.approx(np.mean(np.abs(eps[1:]) / x[1:]))
    r2 = jx.gm11(NOISE, residuals="from2")
    e2 = eps[1:]
    assert r2.C == pytest.approx(np.std(e2) / S1, rel=1e-12)


@pytest.mark.parametrize("C, P, grade", [
    (0.35, 0.95, "good"), (0.10, 1.00, "good"), (0.36, 1.00, "qualified"),
    (0.20, 0.94, "qualified"), (0.50, 0.80, "qualified"), (0.51, 0.90, "barely qualified"),
    (0.65, 0.70, "barely qualified"), (0.66, 1.00, "unqualified"), (0.10, 0.69, "unqualified"),
])
def test_accuracy_grade_table(C, P, grade):
    """good C ≤ 0.35 & P ≥ 0.95; qualified C ≤ 0.5 & P ≥ 0.8; barely C ≤ 0.65 & P ≥ 0.7."""
    assert accuracy_grade(C, P) == grade


def test_years_continue_in_the_forecast_index():
    s = pd.Series([1.2, 1.35, 1.5, 1.7, 1.9], index=range(2018, 2023), name="D")
    r = jx.gm11(s, horizon=3)
    assert list(r.forecast.index) == [2023, 2024, 2025]
    assert list(r.fitted.index) == list(range(2018, 2023))


@pytest.mark.parametrize("x0, match", [
    ([1, 2, 3], "3 points given; at least 4"),
    ([1, 2, 0, 4], "point 3 is 0; GM\\(1,1\\) needs positive data"),
    ([1, -2, 3, 4], "point 2 is -2"),
    ([1, None, 3, 4], "point 2 is blank"),
    ([1, "x", 3, 4], "point 2 is 'x'"),
])
def test_refusals_in_one_line(x0, match):
    with pytest.raises(jx.InputError, match=match) as err:
        jx.gm11(x0)
    assert "\n" not in str(err.value)


def test_bad_options_and_constant_series():
    with pytest.raises(jx.InputError, match="horizon"):
        jx.gm11([1, 2, 3, 4], horizon=-1)
    with pytest.raises(jx.InputError, match="residuals"):
        jx.gm11([1, 2, 3, 4], residuals="some")
    with pytest.raises(jx.InputError, match="a = 0"):
        jx.gm11([5, 5, 5, 5])


def test_official_data_forecast(official_innovation):
    """R&D intensity of each province, 2012-2022 (real data): a fit that follows Deng's formula."""
    for prov, grp in official_innovation.groupby("province_en"):
        s = grp.set_index("year")["rd_intensity_pct"]
        r = jx.gm11(s, horizon=3)
        a, b = deng_closed_form(s.to_numpy())
        assert r.a == pytest.approx(a, rel=1e-9) and r.b == pytest.approx(b, rel=1e-9)
        assert list(r.forecast.index) == [2023, 2024, 2025]
        assert r.grade in {"good", "qualified", "barely qualified", "unqualified"}
