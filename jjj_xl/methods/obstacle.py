"""Obstacle degree (METHODS.md §5): which indicators hold each observation back."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._matrix import as_matrix, parse_direction_specs, parse_weights, resolve_directions
from ..errors import InputError, warn
from .standardize import fit_standardizer
from .weights import _dimension_list


@dataclass
class ObstacleResult:
    indicator: pd.DataFrame          # O_ij, rows = observations, columns = indicators
    dimension: pd.DataFrame | None   # Σ of O_ij over each dimension's indicators
    top: pd.DataFrame                # per observation: obstacle_k (name) and degree_k
    notes: dict = field(default_factory=dict)


OBSTACLE_METHODS = ("minmax", "none")


def obstacle_degree(X, weights, directions=None, dimensions=None, top: int = 3, *,
                    method: str = "minmax", missing: str = "refuse") -> ObstacleResult:
    """Obstacle degree of every row (m × n data, n weights): which indicators hold it back.

    O_ij = w_j (1 − r_ij) / Σ_j w_j (1 − r_ij) (METHODS.md §5). ``method="minmax"``
    (default): r = min-max standardised without shift (middle / interval directions
    positivised first); ``"none"``: ``X`` is already standardised, larger is better, values
    in [0, 1], used as r (as the R package mathmodels' obstacle degree with
    ``scaled = TRUE``). A row with no deviation from the best on any weighted indicator
    (e.g. best everywhere: r = 1 exactly) gets obstacle 0 everywhere with a JJJWarning.
    Returns :class:`ObstacleResult` (indicator m × n, dimension sums, top-k table).
    """
    if method not in OBSTACLE_METHODS:
        raise InputError(f'obstacle method "{method}" is not known; use minmax, or none for '
                         f"data already standardised (values in [0, 1], larger is better)")
    mat = as_matrix(X, missing=missing, min_rows=1 if method == "none" else 2)
    m, n = mat.shape
    w = parse_weights(weights, n, mat.names)
    if not (isinstance(top, (int, np.integer)) and 1 <= top):
        raise InputError(f"top is {top!r}; it must be a whole number ≥ 1")
    top = min(int(top), n)
    if method == "none":
        specs = parse_direction_specs(directions, n, mat.names)
        if any(s.kind != "benefit" for s in specs):
            j = next(j for j, s in enumerate(specs) if s.kind != "benefit")
            raise InputError(f'{mat.col(j)} has direction "{specs[j]}", but method "none" takes '
                             f"data already standardised with larger = better; leave directions "
                             f"out or use method=\"minmax\" on the raw data",
                             indicator=mat.names[j] if mat.names else None, column=j)
        R = mat.values
        bad = np.argwhere((R < 0) | (R > 1))
        if len(bad):
            i, j = (int(k) for k in bad[0])
            raise mat.error(f'has the value {R[i, j]:g}; method "none" needs standardised values '
                            f'in [0, 1] (or use method="minmax" on the raw data)', i, j,
                            found=R[i, j], needed="0 ≤ r ≤ 1")
    else:
        dirs = resolve_directions(mat, directions)
        # min-max endpoints are exact: a row at a column's best gets r = 1, deviation 0
        std = fit_standardizer(mat, dirs, "minmax", 0.0, warn_constant=False)
        R = std.apply(mat.values)
    dev = w * (1.0 - R)
    total = dev.sum(axis=1)
    none = total <= 0
    if none.any():
        rows = np.flatnonzero(none)
        shown = ", ".join(mat.row(int(i)) for i in rows[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        warn(f"{shown}{more} {'is' if len(rows) == 1 else 'are'} at the best on every weighted "
             f"indicator (no deviation from the best): obstacle 0 for every indicator")
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
    notes = {"obstacle": "O = w(1 − r)/Σ w(1 − r), " + (
        "r min-max standardised without shift" if method == "minmax"
        else "r = the data as given (already standardised)")}
    return ObstacleResult(indicator=ind, dimension=dim, top=pd.DataFrame(top_cols, index=index),
                          notes=notes)
