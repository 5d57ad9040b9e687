"""AHP weights from a pairwise comparison matrix (Saaty's eigenvector method).

Saaty, T. L. (1980) *The Analytic Hierarchy Process*, McGraw-Hill; Saaty, T. L. (1990)
"How to make a decision: The Analytic Hierarchy Process", European Journal of
Operational Research 48, 9–26.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, warn
from .weights import Weights

# Saaty's random consistency index RI for n = 1..15 (Saaty 1980, as reprinted with the
# consistency ratio, e.g. RI(8) = 1.41 used in Saaty 1990's house example: CR = 0.238/1.41)
RI_SAATY = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56,
            1.57, 1.59)
CR_LIMIT = 0.1
RECIPROCAL_TOLERANCE = 0.02   # a_ij · a_ji may differ from 1 by 2 % (0.33 typed for 1/3)


@dataclass
class AHPWeights(Weights):
    """AHP result: ``w`` (principal eigenvector, sum 1), ``lambda_max``, ``CI``, ``RI``,
    ``CR``; usable wherever weights are (``combine_weights``, ``topsis``)."""

    lambda_max: float = float("nan")
    CI: float = float("nan")
    RI: float | None = None
    CR: float | None = None
    n: int = 0

    @property
    def consistent(self) -> bool:
        return self.CR is None or self.CR <= CR_LIMIT


def _cell(v, i, j):
    """A comparison value: a number, or text such as "1/3" or "3"."""
    where = f"row {i + 1}, column {j + 1} of the comparison matrix"
    if isinstance(v, (bool, np.bool_)):
        raise InputError(f"{where} is {str(bool(v)).upper()}; a positive number (1–9 or 1/9–1) "
                         f"is needed")
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return np.nan
    if isinstance(v, numbers.Real):
        return float(v)
    if isinstance(v, str):
        text = v.strip()
        if text == "":
            return np.nan
        try:
            if "/" in text:
                a, b = text.split("/", 1)
                return float(a) / float(b)
            return float(text)
        except (ValueError, ZeroDivisionError):
            pass
    raise InputError(f'{where} is "{v}"; a positive number (1–9 or 1/9–1, e.g. 3 or 1/3) '
                     f"is needed")


def _matrix(M, names):
    if isinstance(M, pd.DataFrame):
        if names is None:
            names = [str(c) for c in M.columns]
        M = M.to_numpy(dtype=object)
    arr = np.array(M, dtype=object)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise InputError(f"the comparison matrix must be square (n × n); got shape "
                         f"{' × '.join(map(str, arr.shape))}")
    n = arr.shape[0]
    A = np.array([[_cell(arr[i, j], i, j) for j in range(n)] for i in range(n)], dtype=float)
    # a blank cell whose mirror is filled takes the reciprocal (fill one triangle only)
    for i in range(n):
        for j in range(n):
            if np.isnan(A[i, j]):
                if i == j:
                    A[i, j] = 1.0
                elif np.isfinite(A[j, i]) and A[j, i] > 0:
                    A[i, j] = 1.0 / A[j, i]
                else:
                    raise InputError(f"row {i + 1}, column {j + 1} of the comparison matrix and "
                                     f"its mirror (row {j + 1}, column {i + 1}) are both blank; "
                                     f"fill one of them")
    return A, names


def check_reciprocal(A: np.ndarray) -> None:
    """Refuse (one line) a matrix that is not positive, unit-diagonal and reciprocal."""
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            v = A[i, j]
            if not np.isfinite(v) or v <= 0:
                raise InputError(f"row {i + 1}, column {j + 1} of the comparison matrix is {v:g}; "
                                 f"comparisons must be positive numbers (1–9 or 1/9–1)")
    for i in range(n):
        if abs(A[i, i] - 1.0) > 1e-9:
            raise InputError(f"row {i + 1}, column {i + 1} of the comparison matrix is "
                             f"{A[i, i]:g}; an item compared with itself must be 1")
    for i in range(n):
        for j in range(i + 1, n):
            if abs(A[i, j] * A[j, i] - 1.0) > RECIPROCAL_TOLERANCE:
                raise InputError(f"row {i + 1}, column {j + 1} of the comparison matrix is "
                                 f"{A[i, j]:.4g} but row {j + 1}, column {i + 1} is {A[j, i]:.4g}; "
                                 f"they must be reciprocal ({A[i, j]:.4g} and 1/{A[i, j]:.4g})")


def ahp_weights(M, names=None, *, ri=None) -> AHPWeights:
    """AHP weights of n items from their n × n pairwise comparison matrix ``M``.

    ``M[i][j]`` says how much more important item i is than item j on Saaty's 1–9 scale;
    ``M[j][i] = 1/M[i][j]`` and the diagonal is 1 (a blank cell whose mirror is filled
    takes the reciprocal; text such as "1/3" is read). Weights = the principal right
    eigenvector (numpy.linalg.eig), normalised to sum 1; λmax its eigenvalue;
    CI = (λmax − n)/(n − 1); CR = CI/RI with Saaty's RI table for n = 1..15
    (0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59);
    ``ri`` overrides it (needed for n > 15). CR > 0.1 gives a JJJWarning (the judgements
    should be revised, Saaty 1990 §4). n ≤ 2 is always consistent (CR = 0).
    Source: Saaty (1980); Saaty (1990) EJOR 48:9–26 (house example: λmax 9.669,
    CI 0.238, CR 0.169).
    """
    A, names = _matrix(M, names)
    check_reciprocal(A)
    n = A.shape[0]
    if n == 1:
        w = np.array([1.0])
        lam = 1.0
    else:
        vals, vecs = np.linalg.eig(A)
        k = int(np.argmax(vals.real))
        lam = float(vals[k].real)
        v = np.abs(vecs[:, k].real)   # Perron vector: one sign, positive entries
        w = v / v.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ci = max(ci, 0.0) if abs(ci) < 1e-12 else ci
    if ri is not None:
        if not (isinstance(ri, numbers.Real) and ri > 0):
            raise InputError(f"ri is {ri!r}; the random index must be a number > 0")
        RI = float(ri)
    elif n <= len(RI_SAATY):
        RI = RI_SAATY[n - 1]
    else:
        RI = None
    if n <= 2:
        cr = 0.0
    elif RI is None:
        cr = None
        warn(f"{n} items: Saaty's random index table stops at 15, so CR is not computed; "
             f"give ri=… to compute it")
    else:
        cr = ci / RI
    if cr is not None and cr > CR_LIMIT:
        warn(f"AHP consistency ratio CR = {cr:.3f} > 0.1 (λmax {lam:.3f}, CI {ci:.3f}, "
             f"RI {RI:g}): the comparisons are not consistent enough; revise the matrix")
    wv = pd.Series(w, index=pd.Index(names, name="indicator"), name="w") if names else w
    notes = {"weights": f"AHP principal eigenvector, λmax {lam:.4f}, CI {ci:.4f}, "
                        + (f"CR {cr:.4f} (RI {RI:g}, Saaty)" if cr is not None else "CR not computed")}
    return AHPWeights(w=wv, method="ahp", notes=notes, lambda_max=lam, CI=ci, RI=RI, CR=cr, n=n)
