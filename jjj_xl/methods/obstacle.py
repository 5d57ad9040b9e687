"""Obstacle degree (METHODS.md §5): which indicators hold each observation back."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._matrix import as_matrix, parse_directions, parse_weights
from ..errors import InputError, warn
from .standardize import fit_standardizer
from .weights import _dimension_list


@dataclass
class ObstacleResult:
    indicator: pd.DataFrame          # O_ij, rows = observations, columns = indicators
    dimension: pd.DataFrame | None   # Σ of O_ij over each dimension's indicators
    top: pd.DataFrame                # per observation: obstacle_k (name) and degree_k
    notes: dict = field(default_factory=dict)


def obstacle_degree(X, weights, directions=None, dimensions=None, top: int = 3, *,
                    missing: str = "refuse") -> ObstacleResult:
    """O_ij = w_j (1 − r_ij) / Σ_j w_j (1 − r_ij), r = min-max standardised (no shift).

    A row with no deviation anywhere (Σ = 0) gets obstacle 0 with a warning.
    """
    mat = as_matrix(X, missing=missing, min_rows=2)
    m, n = mat.shape
    dirs = parse_directions(directions, n, mat.names)
    w = parse_weights(weights, n, mat.names)
    if not (isinstance(top, (int, np.integer)) and 1 <= top):
        raise InputError(f"top is {top!r}; it must be a whole number ≥ 1")
    top = min(int(top), n)
    std = fit_standardizer(mat, dirs, "minmax", 0.0, warn_constant=False)
    R = std.apply(mat.values)
    dev = w * (1.0 - R)
    total = dev.sum(axis=1)
    none = total <= 0
    if none.any():
        shown = ", ".join(mat.row(int(i)) for i in np.flatnonzero(none)[:5])
        warn(f"{shown} has no deviation from the best on any weighted indicator: obstacle 0")
    O = np.where(none[:, None], 0.0, dev / np.where(none, 1.0, total)[:, None])
    names = mat.col_names()
    index = mat.index if mat.index is not None else pd.RangeIndex(1, m + 1, name="row")
    ind = pd.DataFrame(O, index=index, columns=names)
    dim = None
    if dimensions is not None:
        dims = _dimension_list(dimensions, n)
        dim = ind.T.groupby(pd.Index(dims), sort=False).sum().T
    order = np.argsort(-O, axis=1, kind="stable")[:, :top]
    top_cols = {}
    for k in range(top):
        top_cols[f"obstacle_{k + 1}"] = [names[j] for j in order[:, k]]
        top_cols[f"degree_{k + 1}"] = O[np.arange(m), order[:, k]]
    notes = {"obstacle": "O = w(1 − r)/Σ w(1 − r), r min-max standardised without shift"}
    return ObstacleResult(indicator=ind, dimension=dim, top=pd.DataFrame(top_cols, index=index),
                          notes=notes)
