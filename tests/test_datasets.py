"""Bundled illustrative sample panels: shape, sanity, and reproducibility."""

import numpy as np
import pandas as pd
import pytest

from jjj_xl.data import generate_samples
from jjj_xl.datasets import SAMPLE_NAMES, SamplePanel, load_sample

SHAPES = {"paper000": (36, 16), "paper004": (33, 13)}
HEBEI_CITIES = ["Shijiazhuang", "Tangshan", "Qinhuangdao", "Cangzhou"]


@pytest.fixture(scope="module", params=SAMPLE_NAMES)
def panel(request) -> SamplePanel:
    return load_sample(request.param)


def test_sample_names():
    assert SAMPLE_NAMES == ("paper000", "paper004")


def test_shape(panel):
    assert panel.data.shape == SHAPES[panel.name]
    assert panel.data["year"].dtype == np.int64


def test_no_missing_and_strictly_positive(panel):
    assert not panel.data.isna().any().any()
    assert not panel.indicators.isna().any().any()
    values = panel.data.drop(columns=["region", "year"])
    assert (values.to_numpy(dtype=float) > 0).all()


def test_indicator_codes_match_columns(panel):
    assert list(panel.indicators.columns) == ["code", "name", "name_zh", "dimension", "direction", "unit"]
    assert list(panel.data.columns) == ["region", "year", *panel.indicators["code"]]
    assert panel.indicators["code"].is_unique


def test_directions_valid(panel):
    assert set(panel.indicators["direction"]) <= {"+", "-"}


def test_paper000_metadata():
    ind = load_sample("paper000").indicators
    assert list(ind["dimension"].drop_duplicates()) == ["economy", "technology", "environment", "education", "life"]
    minus = ind.loc[ind["direction"] == "-", "code"].tolist()
    assert minus == ["unemployment"]


def test_paper004_metadata():
    ind = load_sample("paper004").indicators
    assert list(ind["dimension"].drop_duplicates()) == ["input", "output", "environment"]
    assert (ind["direction"] == "+").all()


def test_sorted_by_region_order_then_year(panel):
    regions = list(panel.data["region"].drop_duplicates())
    order = panel.data["region"].map({r: i for i, r in enumerate(regions)})
    keys = list(zip(order, panel.data["year"]))
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_description_says_illustrative(panel):
    assert panel.description.startswith("Illustrative sample data (generated, not official statistics)")
    assert panel.name in SHAPES
    assert "\n" not in panel.description


def test_unknown_name_raises():
    with pytest.raises(ValueError, match="paper000, paper004"):
        load_sample("paper999")


def _rounded(df, indicators):
    """Apply the generator's rounding, so CSV float parsing cannot differ by an ulp."""
    df = df.copy()
    for code, *_, decimals in indicators:
        if decimals:
            df[code] = np.round(df[code], decimals)
    return df


def test_regeneration_is_deterministic():
    frames = generate_samples.build_samples()
    again = generate_samples.build_samples()
    specs = {"paper000": generate_samples.P000_INDICATORS, "paper004": generate_samples.P004_INDICATORS}
    for name in SAMPLE_NAMES:
        panel = load_sample(name)
        pd.testing.assert_frame_equal(_rounded(panel.data, specs[name]),
                                      _rounded(frames[f"{name}_sample"], specs[name]), check_exact=True)
        pd.testing.assert_frame_equal(panel.indicators, frames[f"{name}_indicators"],
                                      check_exact=True, check_dtype=False)
        pd.testing.assert_frame_equal(frames[f"{name}_sample"], again[f"{name}_sample"], check_exact=True)


def test_regenerated_csv_bytes_identical(tmp_path):
    from importlib.resources import files

    for path in generate_samples.write_samples(tmp_path):
        shipped = files("jjj_xl.data").joinpath(path.name).read_bytes()
        assert path.read_bytes() == shipped, path.name


def test_unemployment_range():
    u = load_sample("paper000").data["unemployment"]
    assert u.between(1.3, 4.5).all()


def test_beijing_gdp_exceeds_each_hebei_city():
    d = load_sample("paper000").data
    gdp = d.pivot(index="year", columns="region", values="gdp")
    for city in HEBEI_CITIES:
        assert (gdp["Beijing"] > gdp[city]).all(), city
    assert (gdp["Beijing"] > gdp["Tianjin"]).all()


def test_tianjin_dip_2016_2019():
    d = load_sample("paper004").data
    tj = d[d["region"] == "Tianjin"].set_index("year").drop(columns="region")
    yoy = tj.diff().loc[2016:2019]
    # Every indicator falls year on year at least once in 2016-2019.
    assert (yoy < 0).any().all(), yoy.columns[~(yoy < 0).any()].tolist()


def _paper004_by_region():
    d = load_sample("paper004").data
    codes = [c for c in d.columns if c not in ("region", "year")]
    return {region: grp.set_index("year")[codes] for region, grp in d.groupby("region", sort=False)}


@pytest.mark.parametrize("region", ["Beijing", "Tianjin", "Hebei"])
def test_paper004_first_year_not_worst_everywhere(region):
    # If 2012 were the minimum of every indicator, the per-region ideal-solution
    # index would be exactly 0 in 2012 and its average growth rate undefined.
    x = _paper004_by_region()[region]
    assert list(x.index) == list(range(2012, 2023))
    not_first = x.columns[x.idxmin() != 2012].tolist()
    assert len(not_first) >= 2, (region, not_first)


@pytest.mark.parametrize("region", ["Beijing", "Tianjin", "Hebei"])
def test_paper004_last_year_not_best_everywhere(region):
    x = _paper004_by_region()[region]
    not_last = x.columns[x.idxmax() != 2022].tolist()
    assert len(not_last) >= 2, (region, not_last)


@pytest.mark.parametrize("region", ["Beijing", "Tianjin", "Hebei"])
def test_paper004_first_year_not_worst_in_any_dimension(region):
    # Keeps each dimension's sub-index above 0 in 2012 too (finite growth).
    ind = load_sample("paper004").indicators
    x = _paper004_by_region()[region]
    for dim, codes in ind.groupby("dimension", sort=False)["code"]:
        assert (x[list(codes)].idxmin() != 2012).any(), (region, dim)


def test_paper004_trends_kept():
    d = _paper004_by_region()
    bj, tj, hb = d["Beijing"], d["Tianjin"], d["Hebei"]
    # Beijing high: above Hebei every year, except industrial R&D and R&D
    # institutions, where Hebei's heavy industry catches up.
    counts = ["industry_rd_exp", "rd_institutions"]
    high = bj.drop(columns=counts) > hb.drop(columns=counts)
    assert high.all().all()
    # Hebei grows fast: 2022/2012 ratio above Beijing's in every indicator.
    assert ((hb.loc[2022] / hb.loc[2012]) > (bj.loc[2022] / bj.loc[2012])).all()
    # Beijing's new-product exports fall in 2022; Tianjin's index dips (tested above).
    assert bj.loc[2022, "hitech_new_product_exports"] < bj.loc[2021, "hitech_new_product_exports"]
    assert tj.shape == bj.shape == hb.shape
