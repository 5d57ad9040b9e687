"""After D sheets of the entropy_topsis_ccd template (issue 10, "In the workbook").

The numbers on the sheets are checked against plain re-implementations written here from
the textbook formulas (Moran 1950; Theil 1967; Dagum 1997; Deng's GM(1,1); Silverman 1986),
fed with D read back from the Coupling sheet that Compute all wrote — an independent path
from the one the action takes (it recomputes the workflow in memory). The engine functions
themselves are tested against R/spdep, PySAL and published examples in test_spatial.py,
test_disparity.py, test_forecast.py and test_sensitivity.py.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest

import jjj_xl as jx
from jjj_xl.workbook import after_d, layout
from jjj_xl.workbook.actions import run_action
from jjj_xl.workbook.book import OpenpyxlBook
from jjj_xl.workbook.templates import build_template, fill_inputs, restore_charts

from .conftest import shared_file

TPL = layout.ENTROPY_TOPSIS_CCD
SAMPLE_COORDS = {"Beijing": (116.40, 39.90), "Tianjin": (117.20, 39.13),
                 "Shijiazhuang": (114.51, 38.04), "Tangshan": (118.18, 39.63),
                 "Qinhuangdao": (119.60, 39.94), "Cangzhou": (116.84, 38.30)}
OFFICIAL_INDICATORS = pd.DataFrame({
    "code": ["rd_intensity_pct", "rd_personnel_fte_person_years", "rd_expenditure_100m_yuan",
             "patent_applications", "patents_granted", "edu_exp_share_pct", "scitech_exp_share_pct"],
    "name": ["R&D intensity", "R&D personnel", "R&D expenditure", "patent applications",
             "patents granted", "education share", "science share"],
    "dimension": ["input", "input", "input", "output", "output", "environment", "environment"],
    "direction": ["+"] * 7,
})
ERRORS = re.compile(r"#N/A|#NAME\?|#VALUE!|#REF!|#DIV/0!|#NUM!|Err:\d+")


# ---------------------------------------------------------------- helpers

def _set_table(ws, block, rows, header):
    """Replace an input table's body (test-side openpyxl)."""
    for r in range(block.row, block.row + 60):
        for c in range(block.col, block.col + 8):
            ws.cell(r, c).value = None
    for j, h in enumerate(header):
        ws.cell(block.row, block.col + j, h)
    for i, rec in enumerate(rows, start=1):
        for j, v in enumerate(rec):
            ws.cell(block.row + i, block.col + j, v)
    table = ws.tables[block.table]
    last = block.col + len(header) - 1
    table.ref = (f"{jx_col(block.col)}{block.row}:{jx_col(last)}{block.row + max(len(rows), 1)}")
    table.tableColumns = []
    table.autoFilter = None


def jx_col(c: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(c)


def _set_option(wb, key, value):
    ws = wb[after_d.OPTIONS_SHEET]
    k = [s.key for s in after_d.OPTIONS].index(key)
    ws.cell(after_d.OPTIONS_BLOCK.row + 1 + k, 3).value = value


def sample_book():
    from jjj_xl.datasets import load_sample
    p = load_sample("paper000")
    wb = build_template("entropy_topsis_ccd")
    fill_inputs(wb, "entropy_topsis_ccd", p.indicators, p.data)
    return wb


def official_book(neighbours: str):
    data = pd.read_csv(shared_file("data", "jjj_province_innovation_2012_2022.csv"))
    data = data.rename(columns={"province_en": "region"})[["region", "year",
                                                           *OFFICIAL_INDICATORS["code"]]]
    wb = build_template("entropy_topsis_ccd")
    ind = OFFICIAL_INDICATORS.assign(name_zh=None, unit=None)
    fill_inputs(wb, "entropy_topsis_ccd", ind, data)
    _set_table(wb[after_d.OPTIONS_SHEET], after_d.GROUPS_BLOCK,
               [("Beijing", "京津 Beijing-Tianjin", 21.9), ("Tianjin", "京津 Beijing-Tianjin", 13.6),
                ("Hebei", "河北 Hebei", 74.2)], ("region", "group", "weight"))
    if neighbours == "contiguity":
        rows = [("Beijing", "Tianjin"), ("Beijing", "Hebei"), ("Tianjin", "Hebei")]
        header = ("region", "neighbour")
    else:   # provincial capitals, approximate
        rows = [("Beijing", 116.40, 39.90), ("Tianjin", 117.20, 39.13), ("Hebei", 114.51, 38.04)]
        header = ("region", "lon", "lat")
    _set_table(wb[after_d.NEIGHBOURS_SHEET], after_d.NEIGHBOURS_BLOCK, rows, header)
    return wb


def run(wb):
    book = OpenpyxlBook(workbook=wb)
    result = run_action(book, "after_d")
    return book, result


def table(book, sheet, row, col=1, ncols=None):
    """Header + rows until a blank first cell."""
    last_row, last_col = book.extent(sheet)
    ncols = ncols or last_col
    vals = book.read(sheet, row, col, last_row - row + 1, ncols)
    out = [vals[0]]
    for r in vals[1:]:
        if r[0] is None:
            break
        out.append(r)
    return pd.DataFrame(out[1:], columns=[str(c) for c in out[0]])


def coupling_D(book) -> pd.DataFrame:
    """D per region and year as Compute all wrote it (Coupling sheet, right-hand table)."""
    blk = TPL.outputs["coupling_dimensions"]
    t = book.read_block(blk)
    t["year"] = t["year"].astype(int)
    return t.pivot(index="region", columns="year", values="D").astype(float)


def haversine_km(a, b):
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def moran_by_hand(y, W):
    """Moran (1950): I = n/S0 · ΣΣ w_ij z_i z_j / Σ z², W row-standardised."""
    W = W / W.sum(axis=1, keepdims=True)
    z = y - y.mean()
    n = len(y)
    return n / W.sum() * (z @ W @ z) / (z @ z)


# ---------------------------------------------------------------- the bundled sample panel

@pytest.fixture(scope="module")
def sample():
    wb = sample_book()
    book, result = run(wb)
    return wb, book, result


def test_sample_writes_every_sheet_without_warnings(sample):
    _, _, result = sample
    assert set(layout.AFTER_D_OUTPUTS) <= set(result["written"])
    assert result["warnings"] == []     # 6 regions: p can reach 1/720, no small-n warning


def test_sample_options_used_are_written_to_the_notes_sheet(sample):
    _, book, _ = sample
    last, _ = book.extent(layout.NOTES_SHEET)
    rows = book.read(layout.NOTES_SHEET, 1, 1, last, 2)
    labels = {r[0]: r[1] for r in rows if r[0]}
    assert "After D (options used) D 之后（所用选项）" in labels
    assert labels["Permutations 置换次数"] == "999"
    assert labels["Weight changes 权重扰动"] == "-0.2, -0.1, 0.1, 0.2"
    assert labels["spatial weights 空间权重"].startswith("inverse distance")


def test_sample_moran_equals_a_hand_computation(sample):
    _, book, _ = sample
    D = coupling_D(book)
    regions = list(SAMPLE_COORDS)
    D = D.loc[regions]
    Wd = np.array([[0 if a == b else 1 / haversine_km(SAMPLE_COORDS[a], SAMPLE_COORDS[b])
                    for b in regions] for a in regions])
    m = table(book, after_d.MORAN, after_d.TOP, ncols=8)
    assert list(m["year 年份"]) == list(D.columns)
    for _, row in m.iterrows():
        assert row["I 莫兰指数"] == pytest.approx(moran_by_hand(D[row["year 年份"]].to_numpy(), Wd),
                                               rel=1e-9)
        assert row["E[I] 期望"] == pytest.approx(-1 / 5)
        p = row["p (permutation) 置换 p"]
        # exact enumeration over 6! = 720 permutations: p is a multiple of 1/720
        assert p * 720 == pytest.approx(round(p * 720), abs=1e-6)
    scores = book.read_block(TPL.outputs["scores"])
    overall = scores.assign(year=scores["year"].astype(int)).pivot(
        index="region", columns="year", values="overall").astype(float).loc[regions]
    m2 = table(book, after_d.MORAN, after_d.SECOND, ncols=8)
    for _, row in m2.iterrows():
        assert row["I 莫兰指数"] == pytest.approx(
            moran_by_hand(overall[row["year 年份"]].to_numpy(), Wd), rel=1e-9)


def test_sample_theil_and_dagum_equal_hand_computations(sample):
    _, book, _ = sample
    D = coupling_D(book)
    groups = {"Beijing": "A", "Tianjin": "A"}
    t = table(book, after_d.DISPARITY, after_d.TOP, ncols=13)
    for _, row in t.iterrows():
        y = D[row["year 年份"]]
        # Theil (1967): T = (1/n) Σ (y/ȳ) ln(y/ȳ)
        r = (y / y.mean()).to_numpy()
        assert row["T 泰尔指数"] == pytest.approx(np.mean(r * np.log(r)), rel=1e-9)
        # Dagum (1997): G = ΣΣ|y_i − y_r| / (2 n² ȳ); Gt = 0 when the groups do not overlap
        v = y.to_numpy()
        G = np.abs(v[:, None] - v[None, :]).sum() / (2 * len(v) ** 2 * v.mean())
        assert row["G 总体基尼系数"] == pytest.approx(G, rel=1e-9)
        assert row["Gw 组内贡献"] + row["Gnb 组间净值贡献"] + row["Gt 超变密度贡献"] == \
            pytest.approx(G, rel=1e-9)
        a = y[[k in groups for k in y.index]]
        b = y[[k not in groups for k in y.index]]
        if a.min() > b.max() or b.min() > a.max():
            assert row["Gt 超变密度贡献"] == pytest.approx(0, abs=1e-12)


def test_sample_gm11_equals_least_squares_by_hand(sample):
    _, book, _ = sample
    D = coupling_D(book)
    params = table(book, after_d.FORECAST, after_d.FORECAST_PARAMS, ncols=8)
    series = table(book, after_d.FORECAST, after_d.TOP)
    for _, row in params.iterrows():
        x0 = D.loc[row["region 地区"]].to_numpy()
        x1 = np.cumsum(x0)
        z = 0.5 * (x1[1:] + x1[:-1])
        B = np.column_stack([-z, np.ones_like(z)])
        a, b = np.linalg.lstsq(B, x0[1:], rcond=None)[0]
        assert row["a 发展系数"] == pytest.approx(a, rel=1e-9)
        assert row["b 灰色作用量"] == pytest.approx(b, rel=1e-9)
        k = np.arange(len(x0) + 3)
        x1hat = (x0[0] - b / a) * np.exp(-a * k) + b / a
        x0hat = np.concatenate([[x0[0]], np.diff(x1hat)])
        col = f"{row['region 地区']} GM(1,1)"
        np.testing.assert_allclose(series[col].to_numpy(float), x0hat, rtol=1e-9)
    assert list(series["year 年份"])[-3:] == [2020, 2021, 2022]


def test_sample_kernel_curves_equal_gaussian_sums(sample):
    _, book, _ = sample
    D = coupling_D(book)
    k = table(book, after_d.KERNEL, after_d.KERNEL_TOP + 1)
    h = book.read(after_d.KERNEL, after_d.KERNEL_TOP, 2, 1, D.shape[1])[0]
    grid = k.iloc[:, 0].to_numpy(float)
    for j, year in enumerate(D.columns):
        x = D[year].to_numpy()
        # Silverman (1986) eq. 3.31: h = 0.9 min(s, IQR/1.34) n^(-1/5)
        q75, q25 = np.percentile(x, [75, 25])
        hh = 0.9 * min(x.std(ddof=1), (q75 - q25) / 1.34) * len(x) ** -0.2
        assert h[j] == pytest.approx(hh, rel=1e-9)
        f = np.exp(-0.5 * ((grid[:, None] - x[None, :]) / hh) ** 2).sum(axis=1) / (
            len(x) * hh * math.sqrt(2 * math.pi))
        np.testing.assert_allclose(k[str(year)].to_numpy(float), f, rtol=1e-9)


def test_sample_sensitivity_base_is_the_scores_sheet(sample):
    _, book, _ = sample
    s = table(book, after_d.SENSITIVITY, after_d.TOP, ncols=6)
    assert len(s) == 14 * 4          # 14 indicators × 4 changes
    assert (s["Spearman ρ 秩相关"] <= 1 + 1e-12).all()
    ranks_top = after_d.TOP + len(s) + 3
    r = table(book, after_d.SENSITIVITY, ranks_top, ncols=5)
    scores = book.read_block(TPL.outputs["scores"])
    expected = scores["overall"].astype(float).rank(ascending=False, method="min").astype(int)
    labels = [f"{a} {int(b)}" for a, b in zip(scores["region"], scores["year"])]
    got = dict(zip(r.iloc[:, 0], r["base 基准排名"]))
    assert (r["best 最好"] <= r["base 基准排名"]).all() and (r["base 基准排名"] <= r["worst 最差"]).all()
    assert [got[k] for k in labels] == list(expected)


def test_sample_lisa_table_and_colours(sample):
    wb, book, _ = sample
    lisa = table(book, after_d.LISA, after_d.TOP, ncols=7)
    assert list(lisa["region 地区"]) == list(SAMPLE_COORDS)
    allowed = set(after_d.CLUSTER_LABELS.values())
    assert set(lisa.iloc[:, 1:].to_numpy().ravel()) <= allowed
    rules = [r.formula[0] for cf in wb[after_d.LISA].conditional_formatting for r in cf.rules]
    assert {'LEFT(B4,2)="HH"', 'LEFT(B4,2)="LL"', 'LEFT(B4,3)="not"'} <= set(rules)


def test_sample_charts_are_trimmed_to_the_results(sample):
    wb, _, _ = sample
    restore_charts(wb, "entropy_topsis_ccd")
    kernel = wb[after_d.KERNEL]._charts
    assert len(kernel) == 1 and len(kernel[0].series) == 6       # one curve per year
    forecast = wb[after_d.FORECAST]._charts[0]
    assert len(forecast.series) == 12                            # 6 regions × (actual, GM)
    moran = wb[after_d.MORAN]._charts[0]
    assert moran.series[0].yVal.numRef.f == f"'Moran'!$B${after_d.TOP + 1}:$B${after_d.TOP + 6}"


# ---------------------------------------------------------------- real official data, n = 3

def test_official_data_contiguity_is_refused_in_one_line_per_year():
    wb = official_book("contiguity")
    book, result = run(wb)
    m = table(book, after_d.MORAN, after_d.TOP, ncols=8)
    assert len(m) == 11
    assert m["I 莫兰指数"].isna().all()
    for note in m["note 说明"]:
        assert "whatever the data" in note and "\n" not in note
    assert any("whatever the data" in w for w in result["warnings"])
    # the rest is computed: Theil with population weights, Dagum Gini, GM(1,1)
    t = table(book, after_d.DISPARITY, after_d.TOP, ncols=13)
    assert t["T 泰尔指数"].notna().all() and t["G 总体基尼系数"].notna().all()
    f = table(book, after_d.FORECAST, after_d.FORECAST_PARAMS, ncols=8)
    assert sorted(f["region 地区"]) == ["Beijing", "Hebei", "Tianjin"]
    for _, row in f.iterrows():    # a D of 0 cannot be forecast by GM(1,1): said, not crashed
        assert pd.notna(row["a 发展系数"]) or "positive" in row["note 说明"], row["note 说明"]


def test_official_data_theil_uses_the_population_weights():
    wb = official_book("contiguity")
    _set_option(wb, "theil_weights", "weight")
    book, _ = run(wb)
    D = coupling_D(book).loc[["Beijing", "Tianjin", "Hebei"]]
    pop = np.array([21.9, 13.6, 74.2])
    t = table(book, after_d.DISPARITY, after_d.TOP, ncols=13)
    for _, row in t.iterrows():
        y = D[row["year 年份"]].to_numpy() * pop            # totals
        Y, P = y / y.sum(), pop / pop.sum()                 # shares of the total and of people
        terms = [yk * math.log(yk / pk) if yk > 0 else 0.0 for yk, pk in zip(Y, P)]  # 0·ln 0 = 0
        assert row["T 泰尔指数"] == pytest.approx(sum(terms), rel=1e-9)


def test_official_data_distance_weights_warn_that_i_cannot_be_significant():
    wb = official_book("coordinates")
    book, result = run(wb)
    m = table(book, after_d.MORAN, after_d.TOP, ncols=8)
    assert m["I 莫兰指数"].notna().all()
    assert (m["E[I] 期望"] == -0.5).all()
    assert all("cannot be significant" in n for n in m["note 说明"])
    assert (m["p (permutation) 置换 p"] >= 1 / 6 - 1e-12).all()
    lisa = table(book, after_d.LISA, after_d.TOP, ncols=12)
    assert set(lisa.iloc[:, 1:].to_numpy().ravel()) == {"not significant 不显著"}


# ---------------------------------------------------------------- bad input

def test_a_bad_option_is_one_line_naming_its_cell():
    wb = sample_book()
    _set_option(wb, "permutations", "many")
    with pytest.raises(jx.InputError) as err:
        run(wb)
    row = after_d.OPTIONS_BLOCK.row + 1 + [s.key for s in after_d.OPTIONS].index("permutations")
    assert str(err.value).startswith(f"After D!C{row} (Permutations")
    assert "\n" not in str(err.value)


def test_a_region_without_coordinates_is_named_on_the_moran_sheet():
    wb = sample_book()
    rows = [(r, *xy) for r, xy in SAMPLE_COORDS.items() if r != "Cangzhou"]
    _set_table(wb[after_d.NEIGHBOURS_SHEET], after_d.NEIGHBOURS_BLOCK, rows, ("region", "lon", "lat"))
    book, result = run(wb)
    m = table(book, after_d.MORAN, after_d.TOP, ncols=8)
    assert all('"Cangzhou"' in n for n in m["note 说明"])
    assert table(book, after_d.DISPARITY, after_d.TOP, ncols=13)["G 总体基尼系数"].notna().all()


def test_an_island_in_the_neighbours_list_is_named():
    wb = sample_book()
    pairs = [("Beijing", "Tianjin"), ("Tianjin", "Tangshan"), ("Tianjin", "Cangzhou"),
             ("Tangshan", "Qinhuangdao")]       # Shijiazhuang borders none of the sample cities
    _set_table(wb[after_d.NEIGHBOURS_SHEET], after_d.NEIGHBOURS_BLOCK, pairs, ("region", "neighbour"))
    book, result = run(wb)
    m = table(book, after_d.MORAN, after_d.TOP, ncols=8)
    assert all('"Shijiazhuang"' in n and "island" in n for n in m["note 说明"])


# ---------------------------------------------------------------- LibreOffice renders the sheets

def _pdf_text_by_sheet(wb, tmp_path, name):
    from .libreoffice import convert, require_soffice
    require_soffice()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    pdf = convert(path, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    out = {}
    squeeze = lambda t: re.sub(r"\s+", "", t)  # noqa: E731  pdftotext spaces CJK text freely
    titles = {s: squeeze(after_d.TITLES[s]) for s in layout.AFTER_D_OUTPUTS}
    current = None
    for page in pages:
        flat = squeeze(page)
        if "Excelfunctionsatwork" in flat or "Methodnotes" in flat:
            current = None
        for sheet, title in titles.items():
            if title in flat:
                current = sheet
        if current:
            out.setdefault(current, []).append(page)
    return {k: "\n".join(v) for k, v in out.items()}


def test_libreoffice_renders_the_sample_sheets_without_error_values(sample, tmp_path):
    wb, _, _ = sample
    restore_charts(wb, "entropy_topsis_ccd")
    text = _pdf_text_by_sheet(wb, tmp_path, "after_d_sample")
    assert set(text) == set(layout.AFTER_D_OUTPUTS)
    for sheet, t in text.items():
        assert not ERRORS.search(t), (sheet, ERRORS.findall(t)[:5])
    assert "0.0000" not in text[after_d.MORAN].split("I 莫兰指数")[0]   # title first, then table
    assert "HL" in text[after_d.LISA]


def test_libreoffice_shows_the_n3_refusal_on_the_moran_sheet(tmp_path):
    wb = official_book("contiguity")
    run(wb)
    restore_charts(wb, "entropy_topsis_ccd")
    text = _pdf_text_by_sheet(wb, tmp_path, "after_d_official")
    for sheet, t in text.items():
        assert not ERRORS.search(t), (sheet, ERRORS.findall(t)[:5])
    assert "whatever the data" in text[after_d.MORAN]


# ---------------------------------------------------------------- Excel functions (2-D lists in, as xlwings passes them)

def test_udfs_moran_theil_gini_gm11():
    import jjj_xl.excel.udfs as u
    path = [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]]
    # by hand: z = (−1.75, −0.75, 0.25, 2.25), Σz² = 8.75, z'Wz (row-standardised) = 2.625,
    # I = (4/4)·2.625/8.75 = 0.3
    assert u.jjj_moran([[1], [2], [3], [5]], path) == pytest.approx(0.3)
    head, vals = u.jjj_moran([[1], [2], [3], [5]], path, "all")
    assert head[:2] == ["I", "E"] and vals[1] == pytest.approx(-1 / 3)
    assert vals[4] * 24 == pytest.approx(round(vals[4] * 24))       # exact: 4! = 24 arrangements
    # n = 3, mutual neighbours: refused in one line; distance-like weights: the warning in "all"
    with pytest.raises(Exception, match="whatever the data"):
        u.jjj_moran([[1], [2], [4]], [[None, 1, 1], [1, None, 1], [1, 1, None]])
    _, vals = u.jjj_moran([[1], [2], [4]], [[0, 1, 0.5], [1, 0, 0.2], [0.5, 0.2, 0]], "all")
    assert "cannot be significant" in vals[-1]
    # Dagum hand case: y = (1, 3 | 2, 6): G = 1/3 = Gw 1/8 + Gnb 1/6 + Gt 1/24
    table = u.jjj_gini([[1], [3], [2], [6]], [["A"], ["A"], ["B"], ["B"]], "all")
    assert table[1][1:] == pytest.approx([1 / 3, 1 / 8, 1 / 6, 1 / 24])
    # Theil by hand: T = (1/n) Σ (y/ȳ) ln(y/ȳ)
    y = np.array([1, 3, 2, 6.0])
    r = y / y.mean()
    assert u.jjj_theil([[1], [3], [2], [6]]) == pytest.approx(np.mean(r * np.log(r)))
    # GM(1,1) on the traffic-noise series (a 0.0023, b 72.6573 printed; see test_forecast.py)
    out = u.jjj_gm11([[71.1], [72.4], [72.4], [72.1], [71.4], [72.0], [71.6]], 2, True)
    flat = [row[0] for row in out]
    assert flat[flat.index("a") + 1] == pytest.approx(0.0023, abs=5e-5)
    assert flat[flat.index("b") + 1] == pytest.approx(72.6573, abs=5e-4)
    assert len(u.jjj_gm11([[71.1], [72.4], [72.4], [72.1], [71.4], [72.0], [71.6]], 2)) == 9


# ---------------------------------------------------------------- any option value: a value or one line

from hypothesis import given, settings, strategies as st  # noqa: E402

from jjj_xl.workbook.book import BookAdapter  # noqa: E402


class DictBook(BookAdapter):
    """A book in a dict {(sheet, row, col): value} (the adapter interface only)."""

    def __init__(self, cells):
        self.cells = dict(cells)

    def sheet_names(self):
        return sorted({k[0] for k in self.cells})

    def extent(self, sheet):
        keys = [k for k in self.cells if k[0] == sheet] or [(sheet, 1, 1)]
        return max(k[1] for k in keys), max(k[2] for k in keys)

    def read(self, sheet, row, col, nrows, ncols):
        return [[self.cells.get((sheet, r, c)) for c in range(col, col + ncols)]
                for r in range(row, row + nrows)]


def _options_book(values):
    cells = {(after_d.OPTIONS_SHEET, after_d.OPTIONS_BLOCK.row, j + 1): h
             for j, h in enumerate(after_d.OPTIONS_HEADER)}
    for i, s in enumerate(after_d.OPTIONS):
        r = after_d.OPTIONS_BLOCK.row + 1 + i
        cells[(after_d.OPTIONS_SHEET, r, 1)] = s.label
        cells[(after_d.OPTIONS_SHEET, r, 2)] = s.label_zh
        cells[(after_d.OPTIONS_SHEET, r, 3)] = values.get(s.key)
    return DictBook(cells)


cell_values = st.one_of(st.none(), st.booleans(), st.integers(-10, 100000),
                        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                        st.sampled_from(["r", "b", "none", "auto", "knn", "D", "overall", "entropy",
                                         "-20%, 10%", "0.1，0.2", "silverman", "0.05"]))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([s.key for s in after_d.OPTIONS]), cell_values))
def test_any_option_cell_gives_a_checked_value_or_one_line_naming_the_cell(values):
    book = _options_book(values)
    try:
        opts = after_d.read_options(book)
    except jx.InputError as err:
        msg = str(err)
        assert "\n" not in msg
        assert re.match(r"After D!C\d+ \(", msg), msg
        row = int(re.match(r"After D!C(\d+)", msg).group(1))
        key = after_d.OPTIONS[row - after_d.OPTIONS_BLOCK.row - 1].key
        assert key in values
        return
    for s in after_d.OPTIONS:
        v = opts[s.key]
        if s.choices and s.key != "bandwidth":
            assert v in s.choices
    assert isinstance(opts["permutations"], int) and 0 <= opts["permutations"] <= 99999
    assert isinstance(opts["k"], int) and opts["k"] >= 1
    assert 0 < opts["alpha"] < 1
    assert all(isinstance(d, float) and math.isfinite(d) for d in opts["perturb"])
    assert opts["cutoff"] is None or opts["cutoff"] > 0
    assert isinstance(opts["bandwidth"], str) or opts["bandwidth"] > 0


def test_text_in_a_coordinate_is_named_with_its_cell():
    wb = sample_book()
    rows = [(r, *xy) for r, xy in SAMPLE_COORDS.items()]
    rows[2] = ("Shijiazhuang", "114°E", 38.04)
    _set_table(wb[after_d.NEIGHBOURS_SHEET], after_d.NEIGHBOURS_BLOCK, rows, ("region", "lon", "lat"))
    book, result = run(wb)
    m = table(book, after_d.MORAN, after_d.TOP, ncols=8)
    assert all(n.startswith("Neighbours!B5:") and "Shijiazhuang" in n for n in m["note 说明"])


def _sheet_parts(zf):
    """sheet name -> worksheet part name, from workbook.xml and its relationships."""
    wbxml = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    target = {m.group(1): m.group(2) for m in re.finditer(r'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    target.update({m.group(2): m.group(1) for m in re.finditer(r'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    out = {}
    for m in re.finditer(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', wbxml):
        t = target[m.group(2)].lstrip("/")
        out[m.group(1)] = t if t.startswith("xl/") else "xl/" + t
    return out


def test_cli_run_action_after_d_writes_only_owned_parts(tmp_path):
    """`jjj-xl run BOOK --action after_d` on a saved workbook: the numbers of the hand
    computation, through the package writer; only output sheets (and appended styles) change."""
    import zipfile

    from jjj_xl import cli
    from jjj_xl.workbook.package import PackageBook

    path = tmp_path / "b.xlsx"
    assert cli.main(["new", "entropy_topsis_ccd", str(path), "--sample"]) == 0
    with zipfile.ZipFile(path) as before:
        parts = {n: before.read(n) for n in before.namelist()}
        sheets = _sheet_parts(before)
    assert cli.main(["run", str(path), "--action", "after_d"]) == 0
    from jjj_xl.workbook.maps import MAP_SHEET

    from .test_map_run import _map_parts
    # the Map sheet (issue 11 item 3) is an output too: run redraws it with its charts
    owned = set(layout.TEMPLATES["entropy_topsis_ccd"].output_sheets) | set(layout.AFTER_D_OUTPUTS) \
        | {MAP_SHEET}
    with zipfile.ZipFile(path) as after:
        new_parts = {n: after.read(n) for n in after.namelist()}
    map_parts = _map_parts(parts) | _map_parts(new_parts)
    assert [n for n in new_parts if n not in map_parts] == [n for n in parts if n not in map_parts]
    changed = {n for n in parts if n not in map_parts and new_parts.get(n) != parts[n]}
    changed_sheets = {s for s, part in sheets.items() if part in changed}
    # Charts: its helper formulas only lose their saved results (tests/test_package.py)
    assert changed_sheets and changed_sheets <= owned | {"Charts"}, changed_sheets - owned
    # the charts of the Charts sheet and of the owned (After D) sheets are jjj-xl's: their
    # ranges follow the results on every run
    charts_parts = {n for s in (owned | {"Charts"}) & set(sheets) for n in _map_parts(parts, s)
                    if n.startswith("xl/charts/chart")}
    assert changed - {sheets[s] for s in changed_sheets} <= {
        "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml"} | charts_parts
    with zipfile.ZipFile(path) as after:   # workbook.xml: only the owned sheets' print areas
        from .rich_books import without_output_print_areas
        assert without_output_print_areas(after.read("xl/workbook.xml"), owned) == \
            without_output_print_areas(parts["xl/workbook.xml"], owned)
    book = PackageBook(path)
    regions = list(SAMPLE_COORDS)
    D = coupling_D(book).loc[regions]
    Wd = np.array([[0 if a == b else 1 / haversine_km(SAMPLE_COORDS[a], SAMPLE_COORDS[b])
                    for b in regions] for a in regions])
    m = table(book, after_d.MORAN, after_d.TOP, ncols=8)
    assert len(m) == D.shape[1]
    for _, row in m.iterrows():
        assert row["I 莫兰指数"] == pytest.approx(moran_by_hand(D[row["year 年份"]].to_numpy(), Wd),
                                               rel=1e-9)


def test_forecast_outside_the_unit_interval_gets_a_note():
    """D lies in [0, 1]; GM(1,1) does not know that (new-user finding: Beijing 2025 = 1.026
    graded good, no note). jx.gm11 of a rising series passes 1 within three years."""
    g = jx.gm11([0.5, 0.6, 0.7, 0.85, 0.95], horizon=3)
    future = [2024, 2025, 2026]
    assert max(g.forecast) > 1                      # the premise, from the engine
    notes = after_d._outside_unit_interval(g.forecast, future)
    first = next(y for y, v in zip(future, g.forecast) if v > 1)
    assert len(notes) == 1 and str(first) in notes[0] and "outside [0, 1]" in notes[0]
    assert after_d._outside_unit_interval([0.2, 0.99], [1, 2]) == []
