"""Regenerate the bundled ILLUSTRATIVE sample panels (not official statistics).

Run from the repository root::

    python -m jjj_xl.data.generate_samples            # rewrite jjj_xl/data/*.csv
    python -m jjj_xl.data.generate_samples --out DIR  # write somewhere else

The panels only mirror the *shape* of two papers (regions, years, indicator
list, dimensions, directions, units) with plausible magnitudes and trends so
that examples and tests have something realistic to chew on. Every value is
drawn from a simple trend-plus-noise model with a fixed seed; none of them is
a published statistic. Real official data for tests lives outside the
package in ``../shared/data``.

Model, per region and indicator: ``value(t) = base * (1 + growth)**t * exp(e_t)``
with ``e_t ~ N(0, sd)`` i.i.d., ``t`` = years since the first year. For
paper004 the growth can be overridden year by year (``P004_WOBBLE``, and
Tianjin's 2016-2019 dip), so series slump and rebound as real ones do: each
region has indicators whose worst year is not the first and whose best year
is not the last, which keeps the per-region ideal-solution index above 0 in
2012 and its average growth rate finite. A few
indicators are derived (tertiary value-added = GDP x tertiary share, patents
granted = applications x grant ratio) so they stay mutually consistent.

Pure numpy/pandas; :func:`build_samples` returns the frames without writing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20221

INDICATOR_COLUMNS = ["code", "name", "name_zh", "dimension", "direction", "unit"]

# ---------------------------------------------------------------------------
# paper000 -- Li et al. (2022), smart-city evaluation, 6 JJJ cities, 2014-2019
# ---------------------------------------------------------------------------

P000_REGIONS = ["Beijing", "Tianjin", "Shijiazhuang", "Tangshan", "Qinhuangdao", "Cangzhou"]
P000_YEARS = list(range(2014, 2020))

# (code, name, name_zh, dimension, direction, unit, decimals)
P000_INDICATORS = [
    ("gdp", "GDP", "地区生产总值", "economy", "+", "亿元", 2),
    ("tertiary_va", "Value-added of tertiary industry", "第三产业增加值", "economy", "+", "亿元", 2),
    ("income_pc", "Per capita disposable income", "人均可支配收入", "economy", "+", "元", 0),
    ("patent_apps", "Patent applications", "专利申请量", "technology", "+", "件", 0),
    ("patents_granted", "Patents granted", "专利授权量", "technology", "+", "件", 0),
    ("rd_share", "R&D share of GDP", "R&D经费占GDP比重", "technology", "+", "%", 2),
    ("green_cover", "Green vegetation coverage", "绿化覆盖率", "environment", "+", "%", 2),
    ("energy_reduction", "Reduction rate of energy consumption per unit GDP",
     "单位GDP能耗降低率", "environment", "+", "%", 2),
    ("enroll_share", "Enrollment share of population", "在校生占总人口比重", "education", "+", "%", 2),
    ("edu_share", "Education share of fiscal expenditure", "教育支出占财政支出比重",
     "education", "+", "%", 2),
    ("colleges_per_100k", "Colleges per 100000 people", "每十万人高校数", "education", "+", "所", 3),
    ("unemployment", "Registered urban unemployment rate", "城镇登记失业率", "life", "-", "%", 2),
    ("road_freight", "Road freight volume", "公路货运量", "life", "+", "万吨", 0),
    ("road_passengers", "Road passenger volume", "公路客运量", "life", "+", "万人", 0),
]

# (base in 2014, annual growth) per region, in P000_REGIONS order:
#                Beijing          Tianjin          Shijiazhuang     Tangshan         Qinhuangdao      Cangzhou
P000_TRENDS = {
    # Beijing GDP ~2.1e4 -> 3.5e4 亿元 2014-2019; Tianjin ~1.6e4; Hebei cities 0.1e4-0.7e4.
    "gdp": [(21331, 0.105), (15727, 0.050), (5170, 0.045), (6225, 0.030), (1200, 0.050), (3133, 0.040)],
    # Disposable income: Beijing ~4.4e4 -> 6.8e4 元; ~8% nominal growth everywhere.
    "income_pc": [(44489, 0.087), (28832, 0.080), (22500, 0.085), (24000, 0.080), (20500, 0.083), (17800, 0.088)],
    # Patent applications: Beijing ~1.4e5 -> 2.2e5, Tianjin ~6e4; Hebei cities small but fast.
    "patent_apps": [(138111, 0.100), (63422, 0.090), (8500, 0.200), (5200, 0.200), (2100, 0.180), (3300, 0.220)],
    # R&D intensity: Beijing ~6% of GDP (national top), Tianjin ~3%, Hebei cities 0.8-2%.
    "rd_share": [(5.95, 0.005), (2.96, 0.020), (2.10, 0.030), (1.45, 0.040), (1.30, 0.030), (0.75, 0.060)],
    # Built-up-area green coverage 35-48%, creeping up.
    "green_cover": [(47.4, 0.004), (34.9, 0.012), (43.0, 0.007), (42.0, 0.006), (41.5, 0.004), (40.0, 0.006)],
    # Energy intensity falls ~4-6% a year, the easy gains shrinking over time.
    "energy_reduction": [(5.3, -0.03), (5.8, -0.03), (6.0, -0.04), (5.5, -0.03), (5.0, -0.02), (5.2, -0.03)],
    # Students at all levels as % of population, 11-16%.
    "enroll_share": [(13.5, 0.000), (11.5, 0.005), (16.0, 0.010), (11.8, 0.008), (13.0, 0.006), (12.5, 0.010)],
    # Education is ~15-22% of general budget spending (higher in Hebei cities).
    "edu_share": [(16.0, -0.010), (16.8, -0.005), (19.5, 0.005), (18.0, 0.004), (18.6, 0.002), (21.5, 0.003)],
    # Beijing ~90 colleges / 2150万 people ~0.42; Tangshan, Cangzhou ~0.1.
    "colleges_per_100k": [(0.42, -0.004), (0.36, 0.000), (0.42, 0.003), (0.13, 0.005), (0.39, 0.000), (0.10, 0.010)],
    # Registered unemployment: Beijing ~1.4%, others 3-4% (clipped to 1.3-4.5).
    "unemployment": [(1.40, -0.010), (3.55, -0.005), (3.10, 0.010), (3.70, 0.005), (3.40, -0.010), (3.00, 0.010)],
    # Road freight 0.5e4-3.2e4 万吨; Tangshan (steel, port) is large, Beijing shrinking.
    "road_freight": [(25416, -0.03), (30000, 0.010), (21000, 0.030), (32000, 0.040), (5600, 0.020), (15000, 0.030)],
    # Road passengers decline everywhere (rail and private cars take over).
    "road_passengers": [(52000, -0.07), (15000, -0.06), (9000, -0.05), (6000, -0.06), (3200, -0.05), (4500, -0.05)],
}
# Tertiary share of GDP in 2014 (%) and its rise in percentage points a year:
# Beijing ~78% (service economy), Tangshan ~36% (heavy industry).
P000_TERTIARY = [(77.9, 0.9), (49.6, 2.0), (47.0, 2.2), (36.0, 1.0), (50.5, 1.2), (41.0, 1.8)]
# Patents granted / applications, roughly 0.45-0.6.
P000_GRANT_RATIO = [0.54, 0.45, 0.55, 0.58, 0.55, 0.60]

# Noise sd on the log scale; 2% unless listed (rates that jump more get more).
P000_NOISE = {"energy_reduction": 0.15, "unemployment": 0.03, "patent_apps": 0.04,
              "green_cover": 0.01, "colleges_per_100k": 0.01}
DEFAULT_NOISE = 0.02

# ---------------------------------------------------------------------------
# paper004 -- Wu, Wang & Chen, regional innovation (input/output/environment),
# Beijing, Tianjin, Hebei, 2012-2022
# ---------------------------------------------------------------------------

P004_REGIONS = ["Beijing", "Tianjin", "Hebei"]
P004_YEARS = list(range(2012, 2023))

P004_INDICATORS = [
    ("rd_personnel_share", "Proportion of R&D personnel to practitioners",
     "R&D人员占从业人员比重", "input", "+", "%", 2),
    ("rd_fte_per_10k", "R&D personnel full-time equivalent per 10,000 high-tech industry employees",
     "每万名高技术产业从业人员R&D人员全时当量", "input", "+", "人年", 1),
    ("hitech_rd_exp", "Internal R&D expenditure of high-tech industries",
     "高技术产业R&D经费内部支出", "input", "+", "亿元", 2),
    ("industry_rd_exp", "Internal R&D expenditure of industrial enterprises above designated size",
     "规模以上工业企业R&D经费内部支出", "input", "+", "亿元", 2),
    ("patent_apps_per_10k", "Patent applications per 10,000 people",
     "每万人专利申请量", "output", "+", "件", 2),
    ("patents_granted_per_10k", "Patents granted per 10,000 people",
     "每万人专利授权量", "output", "+", "件", 2),
    ("tech_market_share", "Technology market turnover share of GDP",
     "技术市场成交额占GDP比重", "output", "+", "%", 2),
    ("hitech_new_product_exports", "New product exports of high-tech industries",
     "高技术产业新产品出口额", "output", "+", "亿元", 2),
    ("students_per_100k", "College students per 100,000 people",
     "每十万人高校在校生数", "environment", "+", "人", 0),
    ("hitech_enterprises", "Number of high-tech enterprises", "高新技术企业数",
     "environment", "+", "家", 0),
    ("rd_institutions", "Number of R&D institutions", "研发机构数", "environment", "+", "个", 0),
]

# (base in 2012, annual growth):  Beijing high and steady, Hebei low and fast.
# The growth is the typical rate; P004_WOBBLE below overrides it in given years.
#                      Beijing          Tianjin          Hebei
P004_TRENDS = {
    # R&D staff ~3% of Beijing's workforce vs ~0.3% in Hebei.
    "rd_personnel_share": [(3.00, 0.020), (1.60, 0.040), (0.30, 0.080)],
    # Beijing's high-tech employment grows about as fast as its R&D staff.
    "rd_fte_per_10k": [(900, 0.015), (650, 0.040), (280, 0.090)],
    # High-tech industry R&D: Beijing ~1e2 亿元, Hebei ~2e1 growing ~17%/yr.
    "hitech_rd_exp": [(95, 0.050), (70, 0.060), (22, 0.170)],
    # Industrial R&D: Hebei's heavy industry spends as much as Beijing's by 2012.
    "industry_rd_exp": [(197, 0.040), (255, 0.050), (245, 0.110)],
    # Beijing ~9.2e4 applications / 2070万 people ~45 per 10k; Hebei ~3.
    "patent_apps_per_10k": [(44.6, 0.050), (29.0, 0.080), (3.2, 0.180)],
    # Technology-market deals ~14% of Beijing GDP; tiny but booming in Hebei.
    "tech_market_share": [(13.7, 0.040), (1.7, 0.120), (0.14, 0.300)],
    "hitech_new_product_exports": [(420, 0.060), (650, 0.030), (45, 0.170)],
    # Higher-education students per 100k residents: ~5300 in Beijing, ~1850 in Hebei.
    "students_per_100k": [(5300, 0.010), (3700, 0.015), (1850, 0.045)],
    # Certified high-tech firms: ~1.2e4 in Beijing 2012; Hebei ~1100 -> ~1e4.
    "hitech_enterprises": [(12000, 0.050), (1500, 0.140), (1100, 0.250)],
    "rd_institutions": [(780, 0.040), (520, 0.050), (650, 0.140)],
}
P004_GRANT_RATIO = [0.55, 0.50, 0.60]

# Tianjin is "volatile with a dip 2016-2019": its growth in those years is
# overridden for every indicator (slowdown, then two years of decline).
TIANJIN_DIP = {2016: 0.02, 2017: -0.06, 2018: -0.08, 2019: -0.03}

# Year-to-year wobble: real series do not rise every year in every indicator,
# so the first year is not the worst and the last not the best everywhere
# (otherwise the per-region ideal-solution index is exactly 0 in 2012 and its
# average growth rate undefined). {region: {code: {year: growth from the
# previous year}}}; these override the trend growth (and, for Tianjin, the
# dip) in the years listed.
P004_WOBBLE = {
    "Beijing": {
        # Mid-decade slump as manufacturing and "non-capital functions" moved
        # out (2013-2016), a pandemic setback in 2022.
        "rd_personnel_share": {2013: -0.05, 2014: -0.03, 2022: -0.03},
        "rd_fte_per_10k": {2013: -0.04, 2014: -0.05, 2015: -0.04, 2016: -0.02, 2022: -0.03},
        "hitech_rd_exp": {2013: 0.00, 2014: -0.04, 2015: 0.01, 2022: -0.02},
        "industry_rd_exp": {2013: -0.03, 2014: -0.05, 2015: -0.08, 2016: -0.05, 2017: 0.01},
        "patent_apps_per_10k": {2013: 0.00, 2014: -0.03, 2015: 0.02, 2022: -0.04},
        "tech_market_share": {2013: 0.01, 2014: -0.04, 2015: -0.06, 2016: -0.04, 2022: -0.03},
        # New-product exports slump 2013-2015, recover to 2019, fall in 2020
        # and, after a rebound, again in 2022.
        "hitech_new_product_exports": {2013: -0.10, 2014: -0.08, 2015: -0.10, 2016: 0.00,
                                       2020: -0.05, 2022: -0.15},
        # Population growth and relocated campuses: students per 100k sag 2014-2017.
        "students_per_100k": {2014: -0.02, 2015: -0.03, 2016: -0.03, 2017: -0.02},
        "hitech_enterprises": {2013: 0.02, 2014: 0.01, 2015: 0.03, 2022: -0.03},
        # R&D institutions relocated to Hebei 2014-2017.
        "rd_institutions": {2014: -0.07, 2015: -0.09, 2016: -0.07, 2017: -0.03, 2022: -0.04},
    },
    "Tianjin": {
        # A weaker rebound for exports and R&D institutions than for the rest.
        "hitech_new_product_exports": {2013: -0.12, 2020: -0.05, 2022: -0.08},
        "rd_institutions": {2013: -0.06, 2021: 0.02, 2022: -0.05},
        "tech_market_share": {2013: -0.10},
        "students_per_100k": {2022: -0.02},
    },
    "Hebei": {
        # 2013-2014: steel-capacity cuts and the air-pollution action plan.
        "rd_personnel_share": {2013: -0.06, 2014: -0.02},
        "rd_fte_per_10k": {2013: -0.14, 2014: -0.05, 2022: -0.04},
        "hitech_rd_exp": {2013: -0.08, 2014: 0.02},
        "industry_rd_exp": {2013: -0.14, 2014: -0.04},
        # Exports slump 2013-2016, peak 2021, fall back in 2022.
        "hitech_new_product_exports": {2013: -0.22, 2014: -0.15, 2015: -0.12, 2016: -0.05,
                                       2022: -0.12},
        "students_per_100k": {2013: -0.06, 2014: -0.02},
        "rd_institutions": {2013: -0.20, 2014: -0.10, 2022: -0.05},
    },
}
P004_NOISE = {"Beijing": 0.008, "Tianjin": 0.03, "Hebei": 0.02}  # by region


# ---------------------------------------------------------------------------


def _path(rng, years, base, growth, sd, overrides=None):
    """Trend (1 + growth)**t from ``base`` (growth overridable per year) times log-normal noise."""
    rates = np.array([(overrides or {}).get(y, growth) for y in years[1:]])
    trend = base * np.concatenate([[1.0], np.cumprod(1.0 + rates)])
    return trend * np.exp(rng.normal(0.0, sd, size=len(years)))


def _finish(df, indicators):
    """Round each indicator to its decimals; counts become int64; all > 0."""
    for code, *_, decimals in indicators:
        if decimals == 0:
            df[code] = np.maximum(np.rint(df[code]), 1).astype("int64")
        else:
            df[code] = np.round(df[code].astype(float), decimals)
            assert (df[code] > 0).all(), code
    return df


def _indicator_frame(indicators):
    return pd.DataFrame([row[:6] for row in indicators], columns=INDICATOR_COLUMNS)


def _panel_index(regions, years):
    return pd.DataFrame({"region": np.repeat(regions, len(years)),
                         "year": np.tile(np.asarray(years, dtype="int64"), len(regions))})


def build_paper000(rng):
    years = P000_YEARS
    t = np.arange(len(years))
    cols = {}
    for code, trends in P000_TRENDS.items():
        sd = P000_NOISE.get(code, DEFAULT_NOISE)
        cols[code] = np.concatenate([_path(rng, years, b, g, sd) for b, g in trends])
    # Derived, so tertiary < GDP and granted < applications always hold.
    share = np.concatenate([(s0 + dp * t) * np.exp(rng.normal(0, 0.01, len(t))) for s0, dp in P000_TERTIARY])
    cols["tertiary_va"] = cols["gdp"] * share / 100.0
    ratio = np.concatenate([np.full(len(t), r) * np.exp(rng.normal(0, 0.03, len(t))) for r in P000_GRANT_RATIO])
    cols["patents_granted"] = cols["patent_apps"] * ratio
    cols["unemployment"] = np.clip(cols["unemployment"], 1.3, 4.5)

    df = _panel_index(P000_REGIONS, years)
    for code, *_ in P000_INDICATORS:
        df[code] = cols[code]
    return _finish(df, P000_INDICATORS)


def build_paper004(rng):
    years = P004_YEARS
    cols = {}
    for code, trends in P004_TRENDS.items():
        parts = []
        for region, (b, g) in zip(P004_REGIONS, trends):
            overrides = dict(TIANJIN_DIP) if region == "Tianjin" else {}
            overrides.update(P004_WOBBLE.get(region, {}).get(code, {}))
            parts.append(_path(rng, years, b, g, P004_NOISE[region], overrides))
        cols[code] = np.concatenate(parts)
    ratio = np.concatenate([r * np.exp(rng.normal(0, 0.03, len(years))) for r in P004_GRANT_RATIO])
    cols["patents_granted_per_10k"] = cols["patent_apps_per_10k"] * ratio

    df = _panel_index(P004_REGIONS, years)
    for code, *_ in P004_INDICATORS:
        df[code] = cols[code]
    return _finish(df, P004_INDICATORS)


def build_samples(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """All bundled frames, keyed by file stem (``paper000_sample`` etc.); writes nothing."""
    # Independent streams per paper: editing one panel does not reshuffle the other.
    rng000, rng004 = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    return {
        "paper000_indicators": _indicator_frame(P000_INDICATORS),
        "paper000_sample": build_paper000(rng000),
        "paper004_indicators": _indicator_frame(P004_INDICATORS),
        "paper004_sample": build_paper004(rng004),
    }


def write_samples(out_dir: Path | str = Path(__file__).resolve().parent, seed: int = SEED) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, df in build_samples(seed).items():
        path = out_dir / f"{stem}.csv"
        df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent),
                        help="output directory (default: the jjj_xl/data package folder)")
    args = parser.parse_args(argv)
    for path in write_samples(args.out):
        print(path)


if __name__ == "__main__":
    main()
