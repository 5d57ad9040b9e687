"""Shaping results: pandas objects with the caller's labels, plain arrays otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._matrix import Matrix


def wrap_matrix(values: np.ndarray, mat: Matrix):
    if not mat.labelled:
        return values
    return pd.DataFrame(values, index=mat.index, columns=mat.col_names())


def wrap_columns(values: np.ndarray, mat: Matrix, name: str | None = None):
    """One value per column (indicator) of ``mat``."""
    if not mat.labelled:
        return values
    return pd.Series(values, index=pd.Index(mat.col_names(), name="indicator"), name=name)


def wrap_rows(values: np.ndarray, mat: Matrix, name: str | None = None):
    """One value per row (observation) of ``mat``."""
    if not mat.labelled:
        return values
    return pd.Series(values, index=mat.index, name=name)
