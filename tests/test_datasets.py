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
