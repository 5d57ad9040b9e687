"""The two paper workflows (METHODS.md §6) on a region × year panel.

Inputs: an indicator table (``code, name, dimension, direction``) and a
panel with ``region``, ``year`` and one column per indicator (wide) or
``indicator``/``code`` and ``value`` columns (long). Results are DataFrames
laid out like the papers' tables, plus ``notes``: every option that changes
numbers, for a "method notes" block next to the output.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._matrix import (DIRECTION_HELP, ORIGIN_ATTR, SharedOrigin, as_matrix, direction_code,
                      direction_spec, direction_symbol, parse_year, positivize_column,
                      resolve_headers)
from .coupling import coupling, make_scheme
from ..errors import InputError, JJJWarning, column_letter, warn
from .topsis import topsis
from .weights import Weights, entropy_weights, hierarchical_weights, parse_weights


# ---------------------------------------------------------------- inputs

@dataclass
class Panel:
    indicators: pd.DataFrame   # code, name, dimension, direction (+1/-1), in data order
    keys: pd.DataFrame         # region, year of each kept row
    values: pd.DataFrame       # one column per indicator code, index = (region, year)
    dimensions: list           # dimension names in order of first appearance

    def codes_of(self, dimension) -> list:
        return list(self.indicators.loc[self.indicators["dimension"] == dimension, "code"])


def read_indicators(indicators) -> pd.DataFrame:
    """Check the indicator table; directions become +1 / -1.

    Middle and interval directions ("middle 7", "interval 10-20", 中间型 7, 区间型 10-20,
    or ``("middle", 7)``) become +1 and are kept in ``table.attrs["positivise"]``
    ({code: Direction}): :func:`read_panel` positivises their columns over the whole panel
    first (as the templates' Compute does), METHODS.md §1."""
    table = indicators if isinstance(indicators, pd.DataFrame) else pd.DataFrame(indicators)
    table = table.rename(columns=lambda c: str(c).strip().lower())
    table = table.rename(columns=resolve_headers(list(table.columns), "indicators")[0])  # 方向 …
    for col in ("code", "dimension", "direction"):
        if col not in table.columns:
            raise InputError(f'the indicator table needs a "{col}" column (columns: code, name, '
                             f"dimension, direction)")
    table = table.reset_index(drop=True).copy()
    if "name" not in table.columns:
        table["name"] = table["code"]
    codes, specs = [], {}
    for i, row in table.iterrows():
        for col in ("code", "dimension"):
            v = row[col]
            if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
                raise InputError(f"indicator table row {i + 1}: {col} is blank")
        spec = direction_spec(row["direction"])
        if spec is None:
            raise InputError(f'indicator table row {i + 1} ("{row["code"]}"): direction '
                             f'"{row["direction"]}" is not understood; {DIRECTION_HELP}')
        if spec.positivised:
            specs[str(row["code"]).strip()] = spec
        codes.append(spec.code)
    table["direction"] = codes
    table["code"] = table["code"].astype(str).str.strip()
    table["dimension"] = table["dimension"].astype(str).str.strip()
    name = table["name"].where(table["name"].notna() & (table["name"].astype(str).str.strip() != ""),
                               table["code"])
    table["name"] = name.astype(str)
    dup = table["code"][table["code"].duplicated()]
    if len(dup):
        raise InputError(f'indicator code "{dup.iloc[0]}" appears twice in the indicator table')
    table["direction"] = table["direction"].astype(int)
    table.attrs["positivise"] = specs
    return table


def read_panel(data, indicators, *, region_col: str = "region", year_col: str = "year",
               missing: str = "refuse", min_rows: int = 2) -> Panel:
    """Check a panel against its indicator table and return the numeric block."""
    ind = read_indicators(indicators)
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    origin = _data_origin(df)
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    found = {k: c for c, k in resolve_headers(list(df.columns), "panel")[0].items()}
    if region_col == "region" and region_col not in df.columns:   # 地区, 城市, 省份 …
        region_col = found.get("region", region_col)
    if year_col == "year" and year_col not in df.columns:         # 年份, 年 …
        year_col = found.get("year", year_col)
    for col in (region_col, year_col):
        if col not in df.columns:
            raise InputError(f'the data need a "{col}" column (地区/城市/省份 or 年份/年 also read); '
                             f'columns found: {", ".join(df.columns)}')
    wide = _widen(df, ind, region_col, year_col)
    long = wide is not df
    if long:
        origin = None   # a long table: its rows are not the panel's rows
    df = wide

    def at_row(i):   # 'row 7' in the data, or 'Excel row 8 of sheet Data' when known
        if origin is None:
            return f"row {i + 1}"
        return f"row {origin['rows'][i]}" + (f" of sheet {origin['sheet']}" if origin["sheet"] else "")

    def letter(name):
        pos = list(df.columns).index(name)
        return column_letter(pos + (origin["first_col"] - 1 if origin else 0))
    lower = {c.lower(): c for c in df.columns}
    columns = []
    for _, row in ind.iterrows():
        col = next((c for c in (row["code"], row["name"]) if c in df.columns), None)
        col = col or lower.get(row["code"].lower()) or lower.get(row["name"].lower())
        if col is None:
            raise InputError(f'indicator "{row["name"]}" (code {row["code"]}) has no column in the '
                             f"data; columns found: {', '.join(df.columns)}")
        columns.append(col)
    for i, (r, y) in enumerate(zip(df[region_col], df[year_col])):
        if r is None or (isinstance(r, float) and np.isnan(r)) or str(r).strip() == "":
            raise InputError(f"the region is blank in {at_row(i)} (column {letter(region_col)})")
        if parse_year(y) is None:      # 2019, "2019", "2019年"
            raise InputError(f'the year "{y}" in {at_row(i)} (column {letter(year_col)}) is not a '
                             f"year number")
    keys = pd.DataFrame({"region": df[region_col].astype(str).str.strip(),
                         "year": [parse_year(y) for y in df[year_col]]})
    dup = keys.duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(f"{keys.region[i]} {keys.year[i]} appears twice (again in {at_row(i)}); "
                         f"one row per region and year")
    index = pd.MultiIndex.from_frame(keys)
    block = df[columns].set_axis(index, axis=0)
    positions = [list(df.columns).index(c) for c in columns]
    first_col = origin["first_col"] if origin else 1
    if origin:
        block.attrs[ORIGIN_ATTR] = SharedOrigin({
            "sheet": origin["sheet"],
            "columns": {c: column_letter(first_col - 1 + p) for c, p in zip(columns, positions)},
            "rows": dict(zip(index, origin["rows"]))})
    elif not long:   # warnings name the user's column letter, not the block's
        block.attrs[ORIGIN_ATTR] = SharedOrigin({"sheet": None, "columns": {
            c: column_letter(p) for c, p in zip(columns, positions)}})
    try:
        mat = as_matrix(block, names=list(ind["name"]), missing=missing, min_rows=min_rows)
    except InputError as err:
        if err.column is not None:
            row_shift = 0
            if origin and err.row is not None:
                row_shift = origin["rows"][err.row] - 1 - err.row
            raise err.relocated(row_shift, first_col - 1 + positions[err.column] - err.column,
                                sheet=origin["sheet"] if origin else None) from None
        raise
    values = pd.DataFrame(mat.values, index=mat.index, columns=list(ind["code"]))
    for code, spec in ind.attrs.get("positivise", {}).items():   # middle / interval: pooled panel
        values[code] = positivize_column(values[code].to_numpy(dtype=float), spec)
    if origin:
        kept = mat.kept_rows if mat.kept_rows is not None else np.arange(len(index))
        values.attrs[ORIGIN_ATTR] = SharedOrigin({
            "sheet": origin["sheet"],
            "columns": {n: column_letter(first_col - 1 + p) for n, p in zip(ind["name"], positions)},
            "rows": {index[k]: origin["rows"][k] for k in kept}})
    keys = values.index.to_frame(index=False)
    dims = list(dict.fromkeys(ind["dimension"]))
    return Panel(indicators=ind, keys=keys, values=values, dimensions=dims)


def _data_origin(df: pd.DataFrame):
    """Where a workbook adapter read the Data table: ``df.attrs["jjj_origin"]`` =
    {"sheet": "Data", "rows": [Excel row of each data row] (or "first_row": Excel row of
    the first data row), "first_col": 1-based column of the table's first column}."""
    origin = df.attrs.get(ORIGIN_ATTR)
    if not origin:
        return None
    rows = origin.get("rows")
    if rows is None and origin.get("first_row") is not None:
        rows = list(range(int(origin["first_row"]), int(origin["first_row"]) + len(df)))
    if rows is None or len(rows) != len(df):
        return None
    return {"sheet": origin.get("sheet"), "rows": [int(r) for r in rows],
            "first_col": int(origin.get("first_col", 1))}


def _widen(df, ind, region_col, year_col):
    """A long panel (indicator/code + value columns) becomes one column per indicator."""
    cols = {c.lower(): c for c in df.columns}
    key = cols.get("indicator") or cols.get("code")
    if key is None or "value" not in cols:
        return df
    long = df[[region_col, year_col, key, cols["value"]]]
    wide = long.pivot_table(index=[region_col, year_col], columns=key, values=cols["value"],
                            aggfunc="first", dropna=False, sort=False)
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()


def _dimension_weights(panel: Panel, w: np.ndarray, dim) -> np.ndarray:
    mask = (panel.indicators["dimension"] == dim).to_numpy()
    sub = w[mask]
    if sub.sum() <= 0:
        warn(f'every indicator of dimension "{dim}" has weight 0; its score uses equal weights')
        return np.full(mask.sum(), 1.0 / mask.sum())
    return sub / sub.sum()


def _scores(panel: Panel, w, *, method, shift, closeness, distance, ideal, groups, mat=None,
            sumsq=None, score: str = "topsis"):
    """Closeness overall (all indicators) and per dimension (its indicators).

    ``mat``: the checked panel matrix, shared with the entropy step (column minima and
    maxima computed once; ``sumsq`` = Σx² from the entropy pass for the vector norm).
    ``score="grey"``: the grey relational grade against the ideal instead (Deng, ρ = 0.5,
    min-max standardised columns, :func:`~jjj_xl.grey_relational_grade` with the weights)."""
    dirs = panel.indicators["direction"].to_numpy()
    # keep the (region, year) labels so warnings name the region-year
    if mat is None:
        mat = as_matrix(_named(panel), min_rows=2)
    out = panel.keys.copy()
    if score == "grey":
        from .grey import grey_relational_grade
        with _prefixed_warnings("overall score"):
            out["overall"] = np.asarray(grey_relational_grade(mat, dirs, 0.5, w).grade, dtype=float)
        for dim in panel.dimensions:
            mask = (panel.indicators["dimension"] == dim).to_numpy()
            with _prefixed_warnings(f"{dim} score"):
                out[dim] = np.asarray(grey_relational_grade(
                    mat.take_columns(mask), dirs[mask], 0.5,
                    _dimension_weights(panel, w, dim)).grade, dtype=float)
        return out
    if score != "topsis":
        raise InputError(f'score "{score}" is not known; use "topsis" or "grey"')
    kw = dict(method=method, closeness=closeness, ideal=ideal, distance=distance,
              groups=groups, shift=shift)
    with _prefixed_warnings("overall score"):
        out["overall"] = np.asarray(topsis(mat, w, dirs, _sumsq=sumsq, **kw).closeness)
    for dim in panel.dimensions:
        mask = (panel.indicators["dimension"] == dim).to_numpy()
        with _prefixed_warnings(f"{dim} score"):
            out[dim] = np.asarray(topsis(mat.take_columns(mask),
                                         _dimension_weights(panel, w, dim), dirs[mask],
                                         _sumsq=None if sumsq is None else sumsq[mask],
                                         **kw).closeness)
    return out


def _named(panel: Panel) -> pd.DataFrame:
    """The panel's values with indicator names as columns, keeping where they came from."""
    X = panel.values.set_axis(list(panel.indicators["name"]), axis=1)
    X.attrs = dict(panel.values.attrs)
    return X


@contextmanager
def _prefixed_warnings(prefix: str):
    """Re-issue the engine's warnings with the step they come from."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JJJWarning)
        yield
    for w in caught:
        if issubclass(w.category, JJJWarning):
            warn(f"{prefix}: {w.message}", stacklevel=5)  # point past contextlib
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _resolve_weights(weights, panel: Panel, method: str, shift: float, mat=None,
                     sumsq=None, translate=None) -> Weights:
    dirs = panel.indicators["direction"].to_numpy()
    if isinstance(weights, str):
        if weights == "entropy":
            if mat is not None:   # the combined path: one checked matrix for both steps
                from .weights import TRANSLATIONS, _entropy_weights
                if translate not in TRANSLATIONS:
                    raise InputError(f'translate "{translate}" is not known; leave it out or use '
                                     f'"spssau" (|min| + 0.01 added to a column with values ≤ 0)')
                return _entropy_weights(mat, dirs, method, shift, translate, sumsq=sumsq)
            return entropy_weights(_named(panel), dirs, method=method, shift=shift,
                                   translate=translate)
        if weights == "hierarchical":
            return hierarchical_weights(list(panel.indicators["dimension"]))
        raise InputError(f'weights "{weights}" is not known; use "entropy", "hierarchical" or '
                         f"one number per indicator")
    w = parse_weights(weights, len(panel.indicators), list(panel.indicators["code"]))
    return Weights(w=w, method="user", notes={"weights": "given by the user"})


def _weights_table(panel: Panel, wres: Weights) -> pd.DataFrame:
    """Paper 000 Table 2: dimension, indicator, e, d, w, dimension weight."""
    ind = panel.indicators
    typed = ind.attrs.get("positivise", {})
    table = pd.DataFrame({"dimension": ind["dimension"], "code": ind["code"],
                          "indicator": ind["name"],
                          "direction": [str(typed[c]) if c in typed else direction_symbol(d)
                                        for c, d in zip(ind["code"], ind["direction"])]})
    if wres.e is not None:
        table["e"] = np.asarray(wres.e, dtype=float)
        table["d"] = np.asarray(wres.d, dtype=float)
    table["w"] = np.asarray(wres.w, dtype=float)
    table["dimension_weight"] = table.groupby("dimension", sort=False)["w"].transform("sum")
    return table


def _positivised_note(panel: Panel) -> dict:
    specs = panel.indicators.attrs.get("positivise", {})
    if not specs:
        return {}
    return {"positivised": "middle / interval indicators positivised over the whole panel before "
                           "standardisation (larger is better afterwards, direction +): "
                           + ", ".join(f"{c} ({d})" for c, d in specs.items())}


def growth_rate(first: float, last: float, years: int) -> float:
    """Average annual growth (F_last / F_first)^(1/(years − 1)) − 1."""
    return (last / first) ** (1.0 / (years - 1)) - 1.0


# ---------------------------------------------------------------- paper 000

@dataclass
class EntropyTopsisCouplingResult:
    weights: pd.DataFrame              # Table 2 layout
    scores: pd.DataFrame               # region, year, overall, one column per dimension
    coupling: pd.DataFrame             # Tables 4–9: dimension, year, C, T, D, level, label
    coupling_dimensions: pd.DataFrame  # region, year, C, T, D, level, label (dimensions coupled)
    standardized: pd.DataFrame
    notes: dict = field(default_factory=dict)

    @property
    def dimension_weights(self) -> pd.Series:
        return self.weights.groupby("dimension", sort=False)["w"].sum().rename("dimension_weight")


def entropy_topsis_coupling(data, indicators, *, method: str = "minmax", shift: float = 1.0,
                            weights="entropy", closeness: str = "ratio", distance: str = "w2",
                            coupling_model: str = "ring", alpha=None,
                            dimension_alpha: str = "equal", scheme="ccd10", lang: str = "en",
                            closed: str = "left", region_col: str = "region", year_col: str = "year",
                            missing: str = "refuse", translate: str | None = None,
                            score: str = "topsis") -> EntropyTopsisCouplingResult:
    """Paper 000: entropy weights on the pooled panel, TOPSIS scores for every region-year
    (overall and per dimension, ideal over the pooled panel), then coupling coordination
    of the regions year by year (Tables 4–9) and of the dimensions per region-year.

    ``method``: ``minmax`` (with ``shift``), ``max``, ``share``, ``vector`` or ``zscore``
    (sample standard deviation; the entropy step then needs ``translate="spssau"``,
    SPSSAU's non-negative translation |min| + 0.01). ``score="grey"``: the grey relational
    grade against the ideal (Deng, ρ = 0.5, min-max standardised; the weights weight the
    coefficients) instead of the TOPSIS closeness.

    ``alpha``: T weights of the regions (dict region → α or a list in region order;
    equal by default). ``dimension_alpha``: ``"equal"`` or ``"weights"`` (the
    dimension weights) for coupling the dimensions.
    """
    panel = read_panel(data, indicators, region_col=region_col, year_col=year_col,
                       missing=missing)
    # entropy + TOPSIS share one checked matrix: min/max once, Σx² during the entropy pass
    mat = as_matrix(_named(panel), min_rows=2)
    sumsq = np.zeros(mat.shape[1]) if method == "vector" and weights == "entropy" else None
    wres = _resolve_weights(weights, panel, method, shift, mat=mat, sumsq=sumsq,
                            translate=translate)
    w = np.asarray(wres.w, dtype=float)
    scores = _scores(panel, w, method=method, shift=shift, closeness=closeness,
                     distance=distance, ideal="data", groups=None, mat=mat, sumsq=sumsq,
                     score=score)
    sch = make_scheme(scheme)
    regions = list(dict.fromkeys(panel.keys["region"]))
    region_alpha = _region_alpha(alpha, regions)

    rows = []
    for dim in ["overall"] + panel.dimensions:
        U = scores.pivot(index="year", columns="region", values=dim).reindex(columns=regions)
        U = U.sort_index()
        holes = U.isna()
        if holes.to_numpy().any():
            year, region = next((y, r) for y in U.index for r in U.columns if holes.at[y, r])
            if missing == "refuse":
                raise InputError(f"{region} has no data for {year}; coupling the regions year by "
                                 f"year needs every region in every year")
            warn(f"years with a region missing are left out of the coupling ({region} {year})")
            U = U.dropna()
            if U.empty:      # a defined answer: the scores stand, this coupling has no year
                warn(f"{dim} scores: no year has every region ({region} has no data for {year}), "
                     f"so the regions are not coupled year by year; fill or interpolate the "
                     f"missing region-years to couple them")
                continue
        with _prefixed_warnings(f"{dim} scores, regions coupled per year"):
            res = coupling(U, weights=region_alpha, model=coupling_model, scheme=sch, lang=lang,
                           closed=closed)
        t = res.table.reset_index()
        t.insert(0, "dimension", dim)
        rows.append(t)
    cols = ["dimension", "year", "C", "T", "D", "level", "label", "stage"]
    coupling_regions = (pd.concat(rows, ignore_index=True)[cols] if rows
                        else pd.DataFrame(columns=cols))

    if len(panel.dimensions) >= 2:
        dim_w = _resolve_dimension_alpha(dimension_alpha, wres, panel)
        Ud = scores.set_index(["region", "year"])[panel.dimensions]
        with _prefixed_warnings("dimension scores, coupled per region-year"):
            resd = coupling(Ud, weights=dim_w, model=coupling_model, scheme=sch, lang=lang,
                            closed=closed)
        coupling_dims = resd.table.reset_index()
    else:
        coupling_dims = pd.DataFrame(columns=["region", "year", "C", "T", "D", "level", "label", "stage"])

    std = _standardized_frame(panel, method, shift)
    notes = {
        "workflow": "entropy-TOPSIS coupling (Li et al. 2022, paper 000)",
        "standardisation": f"{method}" + (f", shift {shift:g}" if method == "minmax" else "")
                           + (" (sample standard deviation)" if method == "zscore" else "")
                           + ", over the pooled panel",
        **{k: v for k, v in wres.notes.items()},
        **({"TOPSIS": f"ideal = best/worst of the pooled panel; closeness {closeness}; "
                      f"distance {'on V = R·w' if distance == 'w2' else 'w-weighted'}"}
           if score == "topsis" else
           {"score": "grey relational grade against the ideal (Deng, ρ = 0.5): columns min-max "
                     "standardised over the pooled panel (cost turned round), reference = 1, "
                     "ξ = (Δmin + ρΔmax)/(Δ + ρΔmax), grade = Σ w·ξ"}),
        "dimension scores": ("TOPSIS" if score == "topsis" else "grey relational grade")
                            + " on the dimension's indicators, weights renormalised within it",
        "coupling model": coupling_model,
        "coupling across regions": "per year, U = the regions' scores; T weights "
                                   + ("equal" if alpha is None else "given"),
        "coupling across dimensions": "per region-year, U = the dimension scores; T weights "
                                      + dimension_alpha,
        "grade scheme": sch.name + f" ({lang})" + (", right-closed (a, b]" if closed == "right" else ""),
        **_positivised_note(panel),
    }
    return EntropyTopsisCouplingResult(weights=_weights_table(panel, wres), scores=scores,
                                       coupling=coupling_regions, coupling_dimensions=coupling_dims,
                                       standardized=std, notes=notes)


def _region_alpha(alpha, regions):
    if alpha is None:
        return None
    if isinstance(alpha, dict):
        missing_r = [r for r in regions if r not in alpha]
        if missing_r:
            raise InputError(f'T weight (alpha) missing for region "{missing_r[0]}"')
        return [alpha[r] for r in regions]
    return alpha


def _resolve_dimension_alpha(dimension_alpha, wres, panel):
    if dimension_alpha == "equal":
        return None
    if dimension_alpha == "weights":
        return wres.by_dimension(list(panel.indicators["dimension"])).reindex(panel.dimensions).to_numpy()
    raise InputError(f'dimension_alpha "{dimension_alpha}" is not known; use "equal" or "weights"')


def _standardized_frame(panel: Panel, method, shift, groups=None):
    """The standardised panel for the output sheet (its constant-column warnings were
    already given, in their consequences, by the weights and TOPSIS steps)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JJJWarning)
        return _standardized_frame_quiet(panel, method, shift, groups)


def _standardized_frame_quiet(panel: Panel, method, shift, groups=None):
    from .standardize import standardize
    dirs = panel.indicators["direction"].to_numpy()
    if groups is None:
        return standardize(panel.values, dirs, method=method, shift=shift if method == "minmax" else 0.0)
    from .topsis import grouped_standardize
    fast = grouped_standardize(panel.values, dirs, groups, method=method, shift=0.0)
    if fast is not None:
        return fast
    parts = [standardize(panel.values[groups == g], dirs, method=method, shift=0.0)
             for g in pd.unique(groups)]
    return pd.concat(parts).reindex(panel.values.index)


# ---------------------------------------------------------------- paper 004

@dataclass
class IdealSolutionIndexResult:
    scores: pd.DataFrame    # region, year, I, one column per dimension
    tables: dict            # "I" and each dimension -> DataFrame region × year
    growth: pd.DataFrame    # region, average annual growth of I and each dimension
    weights: pd.DataFrame   # dimension, code, indicator, direction, w, dimension_weight
    standardized: pd.DataFrame
    notes: dict = field(default_factory=dict)

    def index_table(self, which: str = "I") -> pd.DataFrame:
        return self.tables[which]


def ideal_solution_index(data, indicators, *, method: str = "max", weights="hierarchical",
                         closeness: str = "squared", ideal: str = "group", distance: str = "w2",
                         region_col: str = "region", year_col: str = "year",
                         missing: str = "refuse") -> IdealSolutionIndexResult:
    """Paper 004: standardise each region over its own years (``max``), hierarchical equal
    weights, ideal = that region's best and worst years, ``squared`` closeness
    F = 1/(1 + (d⁺/d⁻)²); index I and one sub-index per dimension; index tables
    region × year; average annual growth (F_last/F_first)^(1/(years − 1)) − 1.
    """
    panel = read_panel(data, indicators, region_col=region_col, year_col=year_col, missing=missing)
    wres = _resolve_weights(weights, panel, method, 0.0)
    w = np.asarray(wres.w, dtype=float)
    groups = panel.keys["region"].to_numpy() if ideal == "group" else None
    scores = _scores(panel, w, method=method, shift=0.0, closeness=closeness, distance=distance,
                     ideal=ideal, groups=groups).rename(columns={"overall": "I"})
    scores = scores.sort_values(["region", "year"], key=_region_order(panel)).reset_index(drop=True)
    names = ["I"] + panel.dimensions
    tables = {n: scores.pivot(index="region", columns="year", values=n)
              .reindex(list(dict.fromkeys(panel.keys["region"]))) for n in names}
    growth_rows = []
    for region, grp in scores.groupby("region", sort=False):
        grp = grp.sort_values("year")
        row = {"region": region, "first_year": int(grp.year.iloc[0]), "last_year": int(grp.year.iloc[-1])}
        years = int(grp.year.iloc[-1] - grp.year.iloc[0] + 1)
        for n in names:
            first, last = float(grp[n].iloc[0]), float(grp[n].iloc[-1])
            if first <= 0 or years < 2:
                warn(f"{region}: the {n} index is 0 in {row['first_year']}, so its average annual "
                     f"growth rate is undefined (left blank)")
                row[n] = np.nan
            else:
                row[n] = growth_rate(first, last, years)
        growth_rows.append(row)
    growth = pd.DataFrame(growth_rows)
    std = _standardized_frame(panel, method, 0.0, groups)
    notes = {
        "workflow": "hierarchical equal-weight ideal-solution index (Wu, Wang, Chen; paper 004)",
        "standardisation": f"{method}, " + ("each region over its own years" if ideal == "group"
                                             else "over the pooled panel"),
        **wres.notes,
        "ideal": "each region's best and worst years" if ideal == "group" else ideal,
        "closeness": "F = 1/(1 + (d⁺/d⁻)²)" if closeness == "squared" else "d⁻/(d⁺ + d⁻)",
        "sub-indices": "same model on each dimension's indicators",
        "growth": "(F_last / F_first)^(1/(years − 1)) − 1; blank where F_first = 0",
        **_positivised_note(panel),
    }
    return IdealSolutionIndexResult(scores=scores, tables=tables, growth=growth,
                                    weights=_weights_table(panel, wres), standardized=std,
                                    notes=notes)


def _region_order(panel: Panel):
    order = {r: k for k, r in enumerate(dict.fromkeys(panel.keys["region"]))}

    def key(col):
        return col.map(order) if col.name == "region" else col
    return key
