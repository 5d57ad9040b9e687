"""Workflows on real official statistics (../shared/data, techme, MIT), against plain re-implementations."""

import warnings

import numpy as np
import pandas as pd
import pytest

import jjj_xl as jx

INDICATORS = pd.DataFrame({
    "code": ["rd_intensity_pct", "rd_personnel_fte_person_years", "rd_expenditure_100m_yuan",
             "patent_applications", "patents_granted", "edu_exp_share_pct", "scitech_exp_share_pct"],
    "dimension": ["input", "input", "input", "output", "output", "environment", "environment"],
    "direction": ["+"] * 7,
})


def _panel(official_innovation):
    return official_innovation.rename(columns={"province_en": "region"})


def test_paper004_index_equals_a_direct_implementation(official_innovation):
    data = _panel(official_innovation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        res = jx.ideal_solution_index(data, INDICATORS)
    codes = list(INDICATORS["code"])
    # hierarchical equal weights: 3 dimensions, 1/3 each, split equally
    w = np.array([1 / 9, 1 / 9, 1 / 9, 1 / 6, 1 / 6, 1 / 6, 1 / 6])
    for region, grp in data.groupby("region"):
        X = grp.sort_values("year")[codes].to_numpy(float)
        R = X / X.max(axis=0)                       # x / max over the region's own years
        best, worst = R.max(axis=0), R.min(axis=0)
        dp = np.sqrt((w ** 2 * (R - best) ** 2).sum(axis=1))
        dm = np.sqrt((w ** 2 * (R - worst) ** 2).sum(axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            F = np.where(dp == 0, 1.0, 1 / (1 + (dp / dm) ** 2))
        got = res.tables["I"].loc[region].to_numpy(float)
        np.testing.assert_allclose(got, F, rtol=1e-12)
        growth = res.growth.set_index("region").loc[region, "I"]
        assert growth == pytest.approx((F[-1] / F[0]) ** (1 / 10) - 1, rel=1e-12)


def test_long_panel_gives_the_same_as_wide(official_innovation):
    wide = _panel(official_innovation)[["region", "year", *INDICATORS["code"]]]
    long = wide.melt(id_vars=["region", "year"], var_name="indicator", value_name="value")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jx.JJJWarning)
        a = jx.entropy_topsis_coupling(wide, INDICATORS)
        b = jx.entropy_topsis_coupling(long, INDICATORS)
    pd.testing.assert_frame_equal(a.weights, b.weights)
    pd.testing.assert_frame_equal(a.coupling, b.coupling)


def test_blank_cells_of_real_data_are_refused_or_dropped(official_innovation):
    data = _panel(official_innovation)
    ind = pd.concat([INDICATORS, pd.DataFrame({"code": ["hitech_firms_publicized_in_year"],
                                               "dimension": ["environment"], "direction": ["+"]})])
    with pytest.raises(jx.InputError) as err:
        jx.entropy_topsis_coupling(data, ind)
    assert "blank" in str(err.value) and "row 1 (Beijing 2012)" in str(err.value)
    with pytest.warns(jx.JJJWarning, match="left out"):
        res = jx.entropy_topsis_coupling(data, ind, missing="drop")
    assert sorted(res.scores["year"].unique()) == list(range(2018, 2023))


def test_engine_imports_only_numpy_and_pandas():
    """Pyodide (xlwings Lite) constraint: `import jjj_xl` pulls in no Excel or file libraries."""
    import subprocess
    import sys
    code = ("import sys, jjj_xl; bad = [m for m in ('xlwings', 'openpyxl', 'defusedxml', 'scipy') "
            "if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
