"""Robustness of a TOPSIS ranking: one-at-a-time weight perturbation and rank reversal.

Pure numpy/pandas (imports in Pyodide). Scores come from :func:`jjj_xl.topsis`.

Scheme (stated in every result's ``notes``)
-------------------------------------------
Weight sensitivity: each weight w_j in turn is multiplied by (1 + δ) for every
δ in ``perturb``; the other weights are rescaled proportionally so the sum
stays 1:  w'_j = w_j (1 + δ),  w'_k = w_k (1 − w'_j)/(1 − w_j) for k ≠ j
(their ratios kept). Spearman's ρ of each scenario's ranks with the base ranks
(average ranks for ties, as scipy.stats.spearmanr).

Rank reversal: each alternative is dropped in turn and TOPSIS re-run on the
rest (standardisation and ideal/anti-ideal from the remaining rows, weights
as given or recomputed by ``reweight``); a pair whose relative order differs
from the base is a reversal (Wang & Luo 2009, Math. Comput. Model. 49:1221–
1229, on rank reversal in TOPSIS).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._matrix import as_matrix, parse_weights
from ..errors import InputError
from .topsis import topsis

DEFAULT_PERTURB = (-0.2, -0.1, 0.1, 0.2)


def average_ranks(values) -> np.ndarray:
    """Ranks 1..n of ``values`` (1 = smallest), ties get their average rank."""
    v = np.asarray(values, dtype=float)
    order = np.argsort(v, kind="stable")
    ranks = np.empty(len(v))
    sv = v[order]
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a, b) -> float:
    """Spearman's ρ: Pearson correlation of the average ranks (NaN-free: 1.0 if
    both are constant, 0.0 if only one is)."""
    ra, rb = average_ranks(a), average_ranks(b)
    da, db = ra - ra.mean(), rb - rb.mean()
    den = np.sqrt((da ** 2).sum() * (db ** 2).sum())
    if den == 0:
        return 1.0 if np.array_equal(ra, rb) else 0.0
    return float((da * db).sum() / den)


@dataclass
class SensitivityResult:
    ranks: pd.DataFrame        # rows = alternatives, columns = "base" + scenarios
    closeness: pd.DataFrame    # same layout, TOPSIS closeness
    weights: pd.DataFrame      # rows = scenarios, columns = indicators
    spearman: pd.Series        # per scenario, with the base ranks
    changed: pd.DataFrame      # alternatives × scenarios: True where the rank differs from base
    notes: dict = field(default_factory=dict)

    @property
    def changed_rows(self) -> list:
        """Alternatives whose rank changes in at least one scenario."""
        return [r for r in self.changed.index if self.changed.loc[r].any()]

    @property
    def max_shift(self) -> pd.Series:
        """Largest absolute rank change of each alternative over the scenarios."""
        base = self.ranks["base"]
        return self.ranks.drop(columns="base").sub(base, axis=0).abs().max(axis=1).rename("max_shift")


def _pct(d: float) -> str:
    return f"{d * 100:+g}%".replace("-", "−")


def perturbed_weights(w: np.ndarray, j: int, delta: float) -> np.ndarray:
    """w_j × (1 + δ), the others rescaled proportionally so Σ = 1."""
    new_j = w[j] * (1 + delta)
    out = w.copy()
    rest = 1.0 - w[j]
    if rest <= 0:
        raise InputError("one indicator carries all the weight; there is nothing to rescale")
    out *= (1.0 - new_j) / rest
    out[j] = new_j
    return out


def rank_sensitivity(X, weights, directions=None, perturb=DEFAULT_PERTURB, **topsis_options
                     ) -> SensitivityResult:
    """TOPSIS ranks when each weight is perturbed one at a time.

    X : m alternatives × n indicators (DataFrame keeps labels), as for
        :func:`jjj_xl.topsis`; ``weights`` n weights summing to 1 (or a weights
        result); ``directions`` as for topsis; ``topsis_options`` (method,
        closeness, distance, ...) are passed on unchanged.
    perturb : relative changes δ (−0.2 = −20 %); each must be > −1 and keep
        w_j (1 + δ) ≤ 1. Scheme: w'_j = w_j(1 + δ), the others × (1 − w'_j)/(1 − w_j).

    Returns SensitivityResult: ``ranks`` (a column per scenario named like
    'GDP +10%', the base first), ``closeness``, ``weights`` per scenario,
    ``spearman`` ρ with the base, ``changed`` (bool table), ``changed_rows``,
    ``max_shift``. A zero weight stays zero under any δ (its scenarios repeat
    the base; noted).
    """
    mat = as_matrix(X, min_rows=2)
    m, n = mat.shape
    w = parse_weights(weights, n, mat.names)
    deltas = _deltas(perturb)
    names = mat.col_names()
    index = mat.index if mat.index is not None else pd.RangeIndex(1, m + 1, name="alternative")
    base = topsis(X, w, directions, **topsis_options)
    cols = {"base": np.asarray(base.rank)}
    close = {"base": np.asarray(base.closeness, dtype=float)}
    wrows = {"base": w}
    notes = {"scheme": "one at a time: w_j × (1 + δ), the other weights × (1 − w'_j)/(1 − w_j) "
                       "(ratios kept, sum 1)",
             "spearman": "Spearman ρ of the ranks with the base (average ranks for ties)"}
    zero = [names[j] for j in range(n) if w[j] == 0]
    if zero:
        notes["zero weights"] = f"{', '.join(zero)}: weight 0 stays 0 under every δ"
    for j in range(n):
        for d in deltas:
            label = f"{names[j]} {_pct(d)}"
            if w[j] * (1 + d) > 1 + 1e-12:
                raise InputError(f"perturbing {names[j]} (weight {w[j]:.4g}) by {_pct(d)} gives "
                                 f"a weight above 1; use smaller perturbations")
            if w[j] >= 1:
                raise InputError(f"{names[j]} carries all the weight; weight sensitivity needs at "
                                 f"least two indicators with weight")
            wj = perturbed_weights(w, j, d)
            res = topsis(X, wj, directions, **topsis_options)
            cols[label] = np.asarray(res.rank)
            close[label] = np.asarray(res.closeness, dtype=float)
            wrows[label] = wj
    ranks = pd.DataFrame(cols, index=index)
    changed = ranks.drop(columns="base").ne(ranks["base"], axis=0)
    rho = pd.Series({c: spearman(ranks["base"], ranks[c]) for c in ranks.columns if c != "base"},
                    name="spearman")
    return SensitivityResult(ranks=ranks, closeness=pd.DataFrame(close, index=index),
                             weights=pd.DataFrame(wrows, index=names).T, spearman=rho,
                             changed=changed, notes=notes)


def _deltas(perturb):
    if isinstance(perturb, numbers.Real):
        perturb = [perturb]
    out = []
    for d in np.asarray(perturb, dtype=object).ravel():
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, numbers.Real) or not np.isfinite(d):
            raise InputError(f"perturb value {d!r} is not a number; use relative changes such "
                             f"as -0.2, -0.1, 0.1, 0.2")
        if d <= -1:
            raise InputError(f"perturb value {d:g} would make a weight ≤ 0; use values above −1 "
                             f"(−0.2 = −20%)")
        if d == 0:
            continue
        out.append(float(d))
    if not out:
        raise InputError("perturb needs at least one non-zero change, e.g. (-0.2, -0.1, 0.1, 0.2)")
    return out


@dataclass
class ReversalResult:
    ranks: pd.DataFrame        # rows = alternatives, columns "base" and "without <a>" (<NA> for a)
    reversals: pd.DataFrame    # one row per reversed pair: dropped, first, second
    summary: pd.DataFrame      # per dropped alternative: reversed pairs, share of pairs
    notes: dict = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return len(self.reversals) > 0


def rank_reversal(X, weights, directions=None, reweight=None, **topsis_options) -> ReversalResult:
    """Rank-reversal check: drop each alternative in turn and re-rank the rest.

    ``reweight``: None keeps ``weights`` fixed; a function of the remaining
    rows (e.g. ``jjj_xl.entropy_weights`` with the same ``directions``) gives
    data-driven weights recomputed without the dropped row, as an entropy-
    TOPSIS analysis would. A pair (a, b) is reversed when a ranks above b in
    the base but below b (or tied) without the dropped alternative, or the
    other way round.

    Returns ReversalResult: ``ranks`` (Int64 with <NA> for the dropped row),
    ``reversals`` (dropped, higher in base, now higher), ``summary`` and
    ``any``. Needs at least 3 alternatives.
    """
    mat = as_matrix(X, min_rows=3)
    m, n = mat.shape
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(mat.values, columns=mat.col_names())
    if not isinstance(X, pd.DataFrame):
        frame.index = pd.RangeIndex(1, m + 1, name="alternative")
    labels = list(frame.index)

    def weights_for(sub):
        if reweight is None:
            return weights
        res = reweight(sub, directions) if directions is not None else reweight(sub)
        return res

    base = topsis(frame, weights_for(frame), directions, **topsis_options)
    base_rank = np.asarray(base.rank)
    cols = {"base": pd.array(base_rank, dtype="Int64")}
    rev_rows, summary = [], []
    for k, lab in enumerate(labels):
        keep = [i for i in range(m) if i != k]
        sub = frame.iloc[keep]
        res = topsis(sub, weights_for(sub), directions, **topsis_options)
        r = np.asarray(res.rank)
        col = pd.array([pd.NA] * m, dtype="Int64")
        for pos, i in enumerate(keep):
            col[i] = int(r[pos])
        cols[f"without {lab}"] = col
        count = 0
        for pa in range(len(keep)):
            for pb in range(pa + 1, len(keep)):
                i, j = keep[pa], keep[pb]
                before = np.sign(base_rank[j] - base_rank[i])   # > 0: i ranked above j
                after = np.sign(r[pb] - r[pa])
                if before != after:
                    count += 1
                    hi, lo = (i, j) if before > 0 else (j, i)
                    rev_rows.append({"dropped": lab, "higher in base": labels[hi],
                                     "now higher or tied": labels[lo]})
        pairs = (m - 1) * (m - 2) // 2
        summary.append({"dropped": lab, "reversed pairs": count, "pairs": pairs,
                        "share": count / pairs if pairs else 0.0})
    notes = {"check": "drop each alternative, re-run TOPSIS on the rest, compare pairwise order",
             "weights": "fixed as given" if reweight is None else
                        f"recomputed without the dropped row by {getattr(reweight, '__name__', reweight)}"}
    rev = pd.DataFrame(rev_rows, columns=["dropped", "higher in base", "now higher or tied"])
    return ReversalResult(ranks=pd.DataFrame(cols, index=frame.index), reversals=rev,
                          summary=pd.DataFrame(summary).set_index("dropped"), notes=notes)
