"""Coupling coordination degree (METHODS.md §4): C, T, D, grade, stage, lagging type."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._matrix import as_matrix, parse_weights
from ..errors import InputError, warn

MODELS = ("classic", "ring", "ring_printed", "wang")
LANGS = ("en", "zh")

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
GRADE_DECIMALS = 12  # D is graded after rounding, so a D that is 0.6 in exact arithmetic is level 7


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
    a dict {lower bound: label}, or a DataFrame whose first column is the lower bound."""
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
    rows = [r for r in rows if any(v is not None and str(v).strip() != "" for v in r)]
    if len(rows) < 2:
        raise InputError("a grade scheme needs at least 2 rows of (lower bound, label)")
    thresholds, en, zh = [], [], []
    for k, row in enumerate(rows, start=1):
        if len(row) < 2:
            raise InputError(f"grade scheme row {k} has no label; each row is (lower bound, label)")
        try:
            t = float(row[0])
        except (TypeError, ValueError):
            raise InputError(f'grade scheme row {k}: lower bound "{row[0]}" is not a number') from None
        if thresholds and t <= thresholds[-1]:
            raise InputError(f"grade scheme row {k}: lower bound {t:g} must be larger than the "
                             f"row above ({thresholds[-1]:g})")
        if not 0.0 <= t < 1.0:
            raise InputError(f"grade scheme row {k}: lower bound {t:g} must be in [0, 1)")
        thresholds.append(t)
        en.append(str(row[1]))
        zh.append(str(row[2]) if len(row) > 2 and row[2] is not None else str(row[1]))
    return GradeScheme("custom", tuple(thresholds), {"en": tuple(en), "zh": tuple(zh)})


def _check_lang(lang):
    if lang not in LANGS:
        raise InputError(f'lang "{lang}" is not known; use "en" or "zh"')


def grade(D, scheme="ccd10", lang: str = "en"):
    """Level (1 = lowest) and label of each D under ``scheme`` (half-open [a, b), D = 1 top).

    Returns ``(level, label)``: scalars for a scalar D, arrays (or Series for a
    Series) otherwise.
    """
    _check_lang(lang)
    sch = make_scheme(scheme)
    scalar = np.ndim(D) == 0
    index = D.index if isinstance(D, pd.Series) else None
    mat = as_matrix(D if not scalar else [[D]], what="D", col_word="D", row_word="row")
    d = mat.values.ravel()
    for i, v in enumerate(d):
        if not 0.0 <= v <= 1.0:
            raise InputError(f"D is {v:g} in row {i + 1}; the coordination degree must be in [0, 1]")
        if v < sch.thresholds[0]:
            raise InputError(f"D is {v:g} in row {i + 1}, below the lowest grade bound "
                             f"{sch.thresholds[0]:g} of the scheme")
    level = np.searchsorted(np.asarray(sch.thresholds), np.round(d, GRADE_DECIMALS), side="right")
    labels = np.asarray(sch.label_list(lang), dtype=object)[level - 1]
    if scalar:
        return int(level[0]), str(labels[0])
    if index is not None:
        return pd.Series(level, index=index, name="level"), pd.Series(labels, index=index, name="label")
    return level.astype(int), labels


def stage(C, lang: str = "en"):
    """Coupling stage of C: ≤0.3 low-level, (0.3, 0.5] antagonism, (0.5, 0.8] running-in,
    (0.8, 1] high-level."""
    _check_lang(lang)
    c = np.round(np.asarray(C, dtype=float), GRADE_DECIMALS)
    idx = np.searchsorted(np.asarray(STAGE_UPPER), c, side="left")
    labels = np.asarray(STAGE_LABELS[lang], dtype=object)[np.minimum(idx, 3)]
    if np.ndim(C) == 0:
        return str(labels)
    if isinstance(C, pd.Series):
        return pd.Series(labels, index=C.index, name="stage")
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


def coordination(C, T, scheme="ccd10", lang: str = "en"):
    """D = √(C·T) and its grade: returns ``(D, level, label)`` (arrays)."""
    C = np.asarray(C, dtype=float)
    T = np.asarray(T, dtype=float)
    for name, v in (("C", C), ("T", T)):
        bad = ~((v >= 0) & (v <= 1))
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise InputError(f"{name} is {v.ravel()[i]:g} in row {i + 1}; it must be in [0, 1]")
    D = np.sqrt(C * T)
    level, label = grade(D, scheme, lang)
    return D, level, label


def coupling_degree(U: np.ndarray, model: str = "classic") -> np.ndarray:
    """C for each row of U (m × n, values in [0, 1], n ≥ 2)."""
    m, n = U.shape
    pos = U > 0
    all_pos = pos.all(axis=1)
    C = np.zeros(m)
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
        else:
            raise InputError(f'coupling model "{model}" is not known; use one of {", ".join(MODELS)}')
    return np.clip(C, 0.0, 1.0)


def coupling(U, weights=None, model: str = "classic", scheme="ccd10", lang: str = "en", *,
             missing: str = "refuse") -> CouplingResult:
    """Coupling coordination of each row of ``U`` (rows: observations; columns: systems).

    model ``classic`` n(ΠU)^(1/n)/ΣU; ``ring`` 2[ΠU_i/Π(U_i+U_{i+1})]^(1/n) (paper 000 with
    the factor 2 that makes C = 1 at equal U); ``ring_printed`` the paper's printed form
    without 2 (C ≤ 0.5); ``wang`` Wang Shujia et al. (2021). T = Σ α_i U_i with ``weights``
    α (equal by default), D = √(C·T), graded by ``scheme``. A row of all zeros gets C = 0
    with a warning.
    """
    _check_lang(lang)
    if model not in MODELS:
        raise InputError(f'coupling model "{model}" is not known; use one of {", ".join(MODELS)}')
    sch = make_scheme(scheme)
    mat = as_matrix(U, what="U", missing=missing, one_d="row", col_word="system")
    m, n = mat.shape
    if n < 2:
        raise InputError(f"U has {n} system (column); coupling needs at least 2 systems")
    V = mat.values
    bad = (V < 0) | (V > 1)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise mat.error(f"is {V[i, j]:g}; U values must be in [0, 1] (standardised scores)",
                        i, j, found=V[i, j], needed="0 to 1")
    alpha = np.full(n, 1.0 / n) if weights is None else parse_weights(weights, n, mat.names,
                                                                     what="system weights")
    C = coupling_degree(V, model)
    zero_rows = ~(V > 0).any(axis=1)
    if zero_rows.any():
        shown = ", ".join(mat.row(int(i)) for i in np.flatnonzero(zero_rows)[:5])
        warn(f"U is 0 for every system in {shown}: C = 0")
    T = V @ alpha
    D, level, label = coordination(C, T, sch, lang)
    stg = stage(C, lang)
    notes = {"coupling model": {"classic": "classic C = n(ΠU)^(1/n)/ΣU",
                                "ring": "ring (paper 000) C = 2[ΠU_i/Π(U_i+U_i+1)]^(1/n)",
                                "ring_printed": "ring as printed in paper 000, no factor 2 (C ≤ 0.5)",
                                "wang": "Wang Shujia et al. (2021) modified C"}[model],
             "T weights": "equal (1/n)" if weights is None else ", ".join(f"{a:.4g}" for a in alpha),
             "D": "√(C·T)",
             "grade scheme": f"{sch.name}: half-open [a, b), D rounded to {GRADE_DECIMALS} decimals first"}
    if mat.labelled:
        idx = mat.index
        wrap = lambda v, name: pd.Series(v, index=idx, name=name)  # noqa: E731
        return CouplingResult(wrap(C, "C"), wrap(T, "T"), wrap(D, "D"), wrap(level, "level"),
                              wrap(label, "label"), wrap(stg, "stage"), notes)
    return CouplingResult(C, T, D, level, label, stg, notes)


def lag_type(U, threshold: float = 0.1, lang: str = "en", *, names=None):
    """Lagging type of two systems from U₁ − U₂: > threshold, system 2 lags;
    < −threshold, system 1 lags; otherwise synchronous."""
    _check_lang(lang)
    if not (np.isscalar(threshold) and 0 <= float(threshold) < 1):
        raise InputError(f"threshold is {threshold!r}; it must be a number in [0, 1)")
    mat = as_matrix(U, what="U", one_d="row", col_word="system")
    if mat.shape[1] != 2:
        raise InputError(f"U has {mat.shape[1]} systems; the lagging type compares exactly 2")
    V = mat.values
    bad = (V < 0) | (V > 1)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise mat.error(f"is {V[i, j]:g}; U values must be in [0, 1]", i, j)
    labels_names = names or (mat.names if mat.names else
                             (["system 1", "system 2"] if lang == "en" else ["系统1", "系统2"]))
    lag, sync = LAG_LABELS[lang]
    diff = np.round(V[:, 0] - V[:, 1], GRADE_DECIMALS)
    out = np.where(diff > threshold, lag.format(name=labels_names[1]),
                   np.where(diff < -threshold, lag.format(name=labels_names[0]), sync)).astype(object)
    if mat.labelled:
        return pd.Series(out, index=mat.index, name="lag_type")
    return out
