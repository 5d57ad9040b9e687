"""Coupling coordination degree (METHODS.md §4): C, T, D, grade, stage, lagging type.

Numerics do not depend on float noise (issue 7 item 7): C, T and D are checked
against [0, 1] with a tolerance of ``ULP_TOL`` (8 ulps of 1) and then clipped to
the exact bounds; T is a convex combination of U, so it is clipped to
[min U, max U] of its row (all U = 1 gives T = 1 and D = 1 exactly for any n and
any α); a row of equal U > 0 gets exactly C = 1 (0.5 for ``ring_printed``).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._matrix import as_matrix, describe_row, parse_weights
from ..errors import InputError, warn

MODELS = ("classic", "ring", "ring_printed", "wang", "fan")
#: models in which one U = 0 forces C = 0 (a factor ΠU or Π(U/max U)); fan has no product
ZERO_FORCING_MODELS = ("classic", "ring", "ring_printed", "wang")
LANGS = ("en", "zh")
CLOSED = ("left", "right")
#: C, T, D within this distance outside [0, 1] are float noise: clipped, not refused
ULP_TOL = 8 * np.finfo(float).eps
#: SPSSAU's default "data intervalization" of raw subsystem indices
SPSSAU_RESCALE = (0.01, 0.99)

# METHODS.md §4, scheme ccd10: lower bounds of half-open intervals [a, b), D = 1 -> 10
CCD10_THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
CCD10_LABELS = {
    "en": ("Extreme imbalance", "Serious imbalance", "Moderate imbalance", "Mild imbalance",
           "On the verge of imbalance", "Barely coordinated", "Primary coordination",
           "Intermediate coordination", "Good coordination", "Quality coordination"),
    "zh": ("极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调", "勉强协调", "初级协调",
           "中级协调", "良好协调", "优质协调"),
}
# coupling stage of C: upper bounds of (a, b] intervals
STAGE_UPPER = (0.3, 0.5, 0.8, 1.0)
STAGE_LABELS = {
    "en": ("Low-level coupling", "Antagonism", "Running-in", "High-level coupling"),
    "zh": ("低水平耦合", "拮抗", "磨合", "高水平耦合"),
}
LAG_LABELS = {
    "en": ("{name} lags", "Synchronous"),
    "zh": ("{name}滞后", "同步"),
}


def lag_label(name, lang: str = "en") -> str:
    """The lagging-type label of system ``name``: "Economy lags" (sentence case, like
    "Synchronous" and the grade labels) or "economy滞后"."""
    text = LAG_LABELS[lang][0].format(name=name)
    return text[:1].upper() + text[1:] if lang == "en" else text


GRADE_DECIMALS = 12  # D is graded after rounding, so a D that is 0.6 in exact arithmetic is level 7


def _blank(v) -> bool:
    """None, NaN/NA or text of only spaces: a cell the analyst left empty."""
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class GradeScheme:
    """Grades of D: lower bounds (ascending) and a label per level, per language."""

    name: str
    thresholds: tuple
    labels: dict

    def label_list(self, lang: str) -> tuple:
        if lang in self.labels:
            return self.labels[lang]
        return next(iter(self.labels.values()))


CCD10 = GradeScheme("ccd10", CCD10_THRESHOLDS, CCD10_LABELS)


def make_scheme(scheme) -> GradeScheme:
    """``"ccd10"``, a GradeScheme, or user data: rows of (lower bound, label[, label_zh]),
    a dict {lower bound: label}, or a DataFrame whose first column is the lower bound.

    Fully blank rows are skipped (a Settings table with spare rows). A blank lower bound
    or a blank label in a row that has other content is refused with one line naming the
    row; a blank 中文 label falls back to the English one only when the whole 中文 column
    is blank.
    """
    if isinstance(scheme, GradeScheme):
        return scheme
    if isinstance(scheme, str):
        if scheme.strip().lower() == "ccd10":
            return CCD10
        raise InputError(f'grade scheme "{scheme}" is not known; use "ccd10" or a table of '
                         f"lower bounds and labels")
    if isinstance(scheme, dict):
        rows = [(k, v) for k, v in scheme.items()]
    elif isinstance(scheme, pd.DataFrame):
        rows = [tuple(r) for r in scheme.itertuples(index=False)]
    else:
        rows = [tuple(r) if isinstance(r, (list, tuple, np.ndarray)) else (r,) for r in scheme]
    numbered = [(k, r) for k, r in enumerate(rows, start=1) if not all(_blank(v) for v in r)]
    if len(numbered) < 2:
        raise InputError("a grade scheme needs at least 2 rows of (lower bound, label)")
    has_zh = any(len(r) > 2 and not _blank(r[2]) for _, r in numbered)
    thresholds, en, zh = [], [], []
    for k, row in numbered:
        if _blank(row[0]):
            raise InputError(f"grade scheme row {k}: the lower bound is blank; each row is "
                             f"(lower bound, label)")
        if isinstance(row[0], (bool, np.bool_)):
            raise InputError(f"grade scheme row {k}: lower bound {row[0]} is not a number")
        try:
            t = float(row[0])
        except (TypeError, ValueError):
            raise InputError(f'grade scheme row {k}: lower bound "{row[0]}" is not a number') from None
        if len(row) < 2 or _blank(row[1]):
            raise InputError(f"grade scheme row {k} (lower bound {t:g}): the label is blank; "
                             f"give each level a label")
        if thresholds and t <= thresholds[-1]:
            raise InputError(f"grade scheme row {k}: lower bound {t:g} must be larger than the "
                             f"row above ({thresholds[-1]:g})")
        if not 0.0 <= t < 1.0:
            raise InputError(f"grade scheme row {k}: lower bound {t:g} must be in [0, 1)")
        thresholds.append(t)
        en.append(str(row[1]).strip())
        if has_zh:
            if len(row) < 3 or _blank(row[2]):
                raise InputError(f'grade scheme row {k} ("{en[-1]}"): the 中文 label is blank; '
                                 f"fill it or leave the whole 中文 column blank")
            zh.append(str(row[2]).strip())
        else:
            zh.append(en[-1])
    return GradeScheme("custom", tuple(thresholds), {"en": tuple(en), "zh": tuple(zh)})


def _check_lang(lang):
    if lang not in LANGS:
        raise InputError(f'lang "{lang}" is not known; use "en" or "zh"')


def _check_closed(closed):
    if closed not in CLOSED:
        raise InputError(f'closed="{closed}" is not an option; use "left" for [a, b) intervals '
                         f'or "right" for (a, b]')


_NOUNS = {"D": "the coordination degree", "C": "the coupling degree",
          "T": "the comprehensive development index"}


def _unit_values(x, name: str, what: str):
    """A 1-D float array of C, T or D values in [0, 1] (float noise of ``ULP_TOL`` clipped).

    Returns ``(values, index, scalar)``; NaN, text and values outside [0, 1] are refused
    with one line naming the row.
    """
    scalar = np.ndim(x) == 0
    index = x.index if isinstance(x, pd.Series) else None
    if isinstance(x, (np.ndarray, pd.Series)) and x.dtype.kind in "fiu":
        v = np.asarray(x, dtype=float).ravel()
    else:  # cell by cell: blanks become NaN (refused below), logical values and text refused
        raw = np.asarray([x] if scalar else x, dtype=object).ravel()
        v = np.empty(raw.size)
        for i, cell in enumerate(raw):
            if _blank(cell):
                v[i] = np.nan
            elif isinstance(cell, (bool, np.bool_)) or not isinstance(cell, numbers.Real):
                shown = (f"the logical value {str(bool(cell)).upper()}"
                         if isinstance(cell, (bool, np.bool_)) else f'text "{cell}"')
                raise InputError(f"{name} has {shown} in {describe_row(i, index)}; "
                                 f"numbers only")
            else:
                v[i] = float(cell)
    for i, val in enumerate(v):
        where = describe_row(i, index)
        if np.isnan(val):
            raise InputError(f"{name} is blank (NaN) in {where}; {what} needs a number in [0, 1]")
        if not -ULP_TOL <= val <= 1.0 + ULP_TOL:
            noun = _NOUNS.get(name, name)
            raise InputError(f"{name} is {val:g} in {where}; {noun} must be in [0, 1]")
    return np.clip(v, 0.0, 1.0), index, scalar


def grade(D, scheme="ccd10", lang: str = "en", closed: str = "left"):
    """Level (1 = lowest) and label of each D under ``scheme``.

    ``closed="left"`` (default, METHODS.md §4): half-open [a, b), D = 1 in the top level.
    ``closed="right"``: (a, b] as many papers print the table (e.g. Tian Shenzhen et al.
    2021, Acta Geographica Sinica 76(4): 781, Table 1: 濒临失调 0.40 < D ≤ 0.50); the
    lowest bound itself (D = 0 for ccd10) is put in level 1, which the printed tables
    leave undefined. D is rounded to 12 decimals first, so D = √0.36 is exactly 0.6.

    Returns ``(level, label)``: scalars for a scalar D, arrays (or Series for a
    Series) otherwise. NaN, text and D outside [0, 1] are refused with one line.
    """
    _check_lang(lang)
    _check_closed(closed)
    sch = make_scheme(scheme)
    d, index, scalar = _unit_values(D, "D", "a grade")
    for i, v in enumerate(d):
        if v < sch.thresholds[0]:
            raise InputError(f"D is {v:g} in {describe_row(i, index)}, below the lowest grade "
                             f"bound {sch.thresholds[0]:g} of the scheme")
    bounds = np.asarray(sch.thresholds)
    dr = np.round(d, GRADE_DECIMALS)
    if closed == "left":
        level = np.searchsorted(bounds, dr, side="right")
    else:
        level = np.maximum(np.searchsorted(bounds, dr, side="left"), 1)
    labels = np.asarray(sch.label_list(lang), dtype=object)[level - 1]
    if scalar:
        return int(level[0]), str(labels[0])
    if index is not None:
        return pd.Series(level, index=index, name="level"), pd.Series(labels, index=index, name="label")
    return level.astype(int), labels


def stage(C, lang: str = "en"):
    """Coupling stage of C: ≤0.3 low-level, (0.3, 0.5] antagonism, (0.5, 0.8] running-in,
    (0.8, 1] high-level. NaN, text and C outside [0, 1] are refused with one line."""
    _check_lang(lang)
    c, index, scalar = _unit_values(C, "C", "the coupling stage")
    idx = np.searchsorted(np.asarray(STAGE_UPPER), np.round(c, GRADE_DECIMALS), side="left")
    labels = np.asarray(STAGE_LABELS[lang], dtype=object)[np.minimum(idx, 3)]
    if scalar:
        return str(labels[0])
    if index is not None:
        return pd.Series(labels, index=index, name="stage")
    return labels


@dataclass
class CouplingResult:
    C: object
    T: object
    D: object
    level: object
    label: object
    stage: object
    notes: dict = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        index = self.C.index if isinstance(self.C, pd.Series) else None
        return pd.DataFrame({"C": np.asarray(self.C), "T": np.asarray(self.T), "D": np.asarray(self.D),
                             "level": np.asarray(self.level), "label": np.asarray(self.label),
                             "stage": np.asarray(self.stage)}, index=index)


def coordination(C, T, scheme="ccd10", lang: str = "en", closed: str = "left"):
    """D = √(C·T) and its grade: returns ``(D, level, label)`` (arrays).

    C and T must be in [0, 1]; values within ``ULP_TOL`` outside are float noise and are
    clipped to the bound, NaN is refused with one line naming the row.
    """
    C, _, _ = _unit_values(C, "C", "D = √(C·T)")
    T, _, _ = _unit_values(T, "T", "D = √(C·T)")
    if C.shape != T.shape:
        raise InputError(f"{C.size} values of C but {T.size} of T; one of each per row")
    D = np.minimum(np.sqrt(C * T), 1.0)
    level, label = grade(D, scheme, lang, closed)
    return D, level, label


def coupling_degree(U: np.ndarray, model: str = "classic") -> np.ndarray:
    """C for each row of U (m × n, values in [0, 1], n ≥ 2), in [0, 1].

    A row of equal U > 0 gets exactly 1 (0.5 for ``ring_printed``); a row of zeros gets 0
    (1 for ``fan``, whose formula has no product: D = 0 there anyway since T = 0).
    """
    if model not in MODELS:
        raise InputError(f'coupling model "{model}" is not known; use one of {", ".join(MODELS)}')
    m, n = U.shape
    pos = U > 0
    all_pos = pos.all(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if model == "classic":
            logs = np.log(np.where(pos, U, 1.0))
            geo = np.exp(logs.mean(axis=1))
            C = np.where(all_pos, n * geo / np.where(all_pos, U.sum(axis=1), 1.0), 0.0)
        elif model in ("ring", "ring_printed"):
            nxt = np.roll(U, -1, axis=1)
            logs = np.log(np.where(pos, U, 1.0)) - np.log(np.where(pos, U + nxt, 1.0))
            C = np.where(all_pos, np.exp(logs.mean(axis=1)), 0.0)
            if model == "ring":
                C = 2.0 * C
        elif model == "wang":
            s = np.sort(U, axis=1)
            k = np.arange(1, n + 1)
            pair_diff = (s * (2 * k - n - 1)).sum(axis=1)  # Σ_{i>j} |U_i − U_j|
            spread = 1.0 - pair_diff / (n * (n - 1) / 2)
            top = s[:, -1]
            ratio_logs = np.log(np.where(pos, U, 1.0)) - np.log(np.where(top > 0, top, 1.0))[:, None]
            prod = np.where(all_pos, np.exp(ratio_logs.sum(axis=1) / (n - 1)), 0.0)
            C = np.sqrt(np.clip(spread, 0.0, None) * prod)
        else:  # fan: (n·ΣU² − (ΣU)²)/n² is the population variance; two-pass form, no cancellation
            mu = U.mean(axis=1, keepdims=True)
            var = ((U - mu) ** 2).mean(axis=1)
            C = 1.0 - 2.0 * np.sqrt(var)
    C = np.clip(C, 0.0, 1.0)
    equal = (U.max(axis=1) == U.min(axis=1)) & all_pos
    C[equal] = 0.5 if model == "ring_printed" else 1.0
    return C


def rescale_columns(V: np.ndarray, lo: float, hi: float, names=None) -> np.ndarray:
    """Min-max each column (system) over all rows into [lo, hi]: lo + (hi − lo)(x − min)/(max − min),
    written lo·(1 − z) + hi·z so the endpoints are exactly lo and hi. A constant column has
    no range: it is put at the midpoint (lo + hi)/2 with a warning."""
    out = np.empty_like(V)
    for j in range(V.shape[1]):
        x = V[:, j]
        a, b = float(x.min()), float(x.max())
        if a == b:
            col = f'system "{names[j]}"' if names else f"system {j + 1}"
            warn(f"{col} has the same value in every row, so it cannot be rescaled to "
                 f"[{lo:g}, {hi:g}]; it is set to the midpoint {(lo + hi) / 2:g}")
            out[:, j] = (lo + hi) / 2
            continue
        s = max(abs(a), abs(b))  # scale first: no overflow for data near ±1e308
        z = (x / s - a / s) / (b / s - a / s)
        z = np.clip(z, 0.0, 1.0)
        out[:, j] = lo * (1.0 - z) + hi * z
    return out


def _parse_rescale(rescale):
    if rescale is None or rescale is False:
        return None
    if rescale is True:
        return SPSSAU_RESCALE
    try:
        lo, hi = (float(v) for v in rescale)
    except (TypeError, ValueError):
        raise InputError(f"rescale={rescale!r} is not a pair of numbers; use e.g. "
                         f"rescale=(0.01, 0.99) (SPSSAU's default)") from None
    if not (0.0 <= lo < hi <= 1.0):
        raise InputError(f"rescale=({lo:g}, {hi:g}) must satisfy 0 ≤ low < high ≤ 1, "
                         f"e.g. (0.01, 0.99)")
    return lo, hi


def _warn_zeros(mat, V: np.ndarray, model: str):
    """One warning naming every row where U is exactly 0 (cells, up to 5 shown)."""
    zero_rows = ~(V > 0).any(axis=1)
    if zero_rows.any():
        shown = ", ".join(mat.row(int(i)) for i in np.flatnonzero(zero_rows)[:5])
        more = f" and {int(zero_rows.sum()) - 5} more" if zero_rows.sum() > 5 else ""
        c_text = "C = 1 by the fan formula but T = 0" if model == "fan" else "C = 0 and T = 0"
        warn(f"U is 0 for every system in {shown}{more}: {c_text}, so D = 0 (level 1)")
    if model not in ZERO_FORCING_MODELS:
        return
    some = (V == 0) & ~zero_rows[:, None]
    if not some.any():
        return
    cells = np.argwhere(some)
    shown = "; ".join(f"{mat.col(int(j))} in {mat.row(int(i))}" for i, j in cells[:5])
    more = f" and {len(cells) - 5} more" if len(cells) > 5 else ""
    warn(f"U is exactly 0 for {shown}{more}: the {model} model then gives C = 0 and D = 0 "
         f"whatever the other systems. Such a 0 is a TOPSIS score at the anti-ideal (worst on "
         f"every indicator) or the minimum of a min-max standardisation without shift; rescale "
         f"U (rescale=(0.01, 0.99), SPSSAU's default), standardise with a shift, or use "
         f"model=\"fan\" (no product term)")


def coupling(U, weights=None, model: str = "classic", scheme="ccd10", lang: str = "en", *,
             closed: str = "left", rescale=None, missing: str = "refuse") -> CouplingResult:
    """Coupling coordination of each row of ``U`` (m × n: rows observations, columns systems).

    model (METHODS.md §4):
    ``classic`` (default) C = n(ΠU)^(1/n)/ΣU;
    ``ring`` 2[ΠU_i/Π(U_i+U_{i+1})]^(1/n) (paper 000 with the factor 2 that makes C = 1 at
    equal U); ``ring_printed`` the paper's printed form without 2 (C ≤ 0.5);
    ``wang`` Wang Shujia et al. (2021), 自然资源学报 36(3): 793–810;
    ``fan`` Fan, Ke & Cao (2024), 统计与决策 40(22): 41–46, as the R package coupling 0.2
    (ccd.hpp) implements it: C = 1 − 2·√((n·ΣU² − (ΣU)²)/n²), clipped to [0, 1].
    T = Σ α_i U_i with ``weights`` α (equal by default), D = √(C·T), graded by ``scheme``
    with ``closed`` intervals ("left" [a, b), "right" (a, b]; see :func:`grade`).

    ``rescale=(lo, hi)``: min-max each system (column) over all rows into [lo, hi] first,
    lo + (hi − lo)(U − min)/(max − min), as SPSSAU does by default with (0.01, 0.99) for raw
    subsystem indices ("data intervalization"); U may then be any finite numbers.
    ``rescale=True`` means (0.01, 0.99).

    U must be in [0, 1] otherwise (float noise of 8 ulps is clipped). Where a U is exactly 0
    and the model has a product (classic, ring, ring_printed, wang), C = 0 is forced: a
    JJJWarning names the system and row. Returns C, T, D, level, label, stage (arrays, or
    Series with U's index for a DataFrame) and ``notes``.
    """
    _check_lang(lang)
    _check_closed(closed)
    if model not in MODELS:
        raise InputError(f'coupling model "{model}" is not known; use one of {", ".join(MODELS)}')
    sch = make_scheme(scheme)
    bounds = _parse_rescale(rescale)
    mat = as_matrix(U, what="U", missing=missing, one_d="row", col_word="system")
    m, n = mat.shape
    if n < 2:
        raise InputError(f"U has {n} system (column); coupling needs at least 2 systems")
    if bounds is not None:
        if m < 2:
            warn(f"U has 1 row, so rescaling each system over the rows puts every U at "
                 f"{(bounds[0] + bounds[1]) / 2:g}")
        V = rescale_columns(mat.values, *bounds, names=mat.names)
    else:
        V = mat.values
        bad = (V < -ULP_TOL) | (V > 1.0 + ULP_TOL)
        if bad.any():
            i, j = (int(k) for k in np.argwhere(bad)[0])
            raise mat.error(f"is {V[i, j]:g}; U values must be in [0, 1] (standardised scores; "
                            f"for raw indices use rescale=(0.01, 0.99))",
                            i, j, found=V[i, j], needed="0 to 1")
        V = np.clip(V, 0.0, 1.0)
    alpha = np.full(n, 1.0 / n) if weights is None else parse_weights(weights, n, mat.names,
                                                                     what="system weights")
    C = coupling_degree(V, model)
    _warn_zeros(mat, V, model)
    # T is a convex combination of the row: keep it inside [min U, max U] (float noise)
    T = np.clip(V @ alpha, V.min(axis=1), V.max(axis=1))
    D, level, label = coordination(C, T, sch, lang, closed)
    stg = stage(C, lang)
    notes = {"coupling model": {"classic": "classic C = n(ΠU)^(1/n)/ΣU",
                                "ring": "ring (paper 000) C = 2[ΠU_i/Π(U_i+U_i+1)]^(1/n)",
                                "ring_printed": "ring as printed in paper 000, no factor 2 (C ≤ 0.5)",
                                "wang": "Wang Shujia et al. (2021) modified C",
                                "fan": "Fan, Ke & Cao (2024) C = 1 − 2√((nΣU² − (ΣU)²)/n²), "
                                       "clipped to [0, 1]"}[model],
             "T weights": "equal (1/n)" if weights is None else ", ".join(f"{a:.4g}" for a in alpha),
             "D": "√(C·T)",
             "grade scheme": f"{sch.name}: " + ("half-open [a, b)" if closed == "left" else
                                                "right-closed (a, b], lowest bound in level 1")
                             + f", D rounded to {GRADE_DECIMALS} decimals first"}
    if bounds is not None:
        notes["U rescaled"] = (f"each system min-max over all rows into [{bounds[0]:g}, {bounds[1]:g}]"
                               f" (SPSSAU data intervalization)")
    if mat.labelled:
        idx = mat.index
        wrap = lambda v, name: pd.Series(v, index=idx, name=name)  # noqa: E731
        return CouplingResult(wrap(C, "C"), wrap(T, "T"), wrap(D, "D"), wrap(np.asarray(level), "level"),
                              wrap(np.asarray(label), "label"), wrap(stg, "stage"), notes)
    return CouplingResult(C, T, D, level, label, stg, notes)


def _check_threshold(threshold, name="threshold", upper=1.0):
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real) \
            or not np.isfinite(float(threshold)) or not 0 <= float(threshold) < upper:
        shown = "blank (NaN)" if isinstance(threshold, float) and np.isnan(threshold) else repr(threshold)
        raise InputError(f"{name} is {shown}; it must be a number in [0, {upper:g})")
    return float(threshold)


def _two_systems(U, what="U"):
    mat = as_matrix(U, what=what, one_d="row", col_word="system")
    if mat.shape[1] != 2:
        raise InputError(f"U has {mat.shape[1]} systems; this compares exactly 2 (U₁, U₂)")
    V = mat.values
    bad = (V < -ULP_TOL) | (V > 1.0 + ULP_TOL)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise mat.error(f"is {V[i, j]:g}; U values must be in [0, 1]", i, j)
    return mat, np.clip(V, 0.0, 1.0)


def _system_names(mat, names, lang):
    if names is not None:
        names = [str(x) for x in names]
        if len(names) != 2 or any(_blank(x) for x in names):
            raise InputError("names: give 2 non-blank system names, e.g. names=(\"economy\", "
                             "\"environment\")")
        return names
    if mat.names:
        return list(mat.names)
    return ["system 1", "system 2"] if lang == "en" else ["系统1", "系统2"]


def lag_type(U, threshold: float = 0.1, lang: str = "en", *, names=None):
    """Lagging type of two systems from U₁ − U₂: > threshold, system 2 lags;
    < −threshold, system 1 lags; otherwise synchronous."""
    _check_lang(lang)
    t = _check_threshold(threshold)
    mat, V = _two_systems(U)
    labels_names = _system_names(mat, names, lang)
    lag, sync = LAG_LABELS[lang]
    diff = np.round(V[:, 0] - V[:, 1], GRADE_DECIMALS)
    out = np.where(diff > t, lag_label(labels_names[1], lang),
                   np.where(diff < -t, lag_label(labels_names[0], lang), sync)).astype(object)
    if mat.labelled:
        return pd.Series(out, index=mat.index, name="lag_type")
    return out
