"""Grey forecasting: Deng's GM(1,1) with the posterior-error (C, P) accuracy test.

Pure numpy (imports in Pyodide).

Sources
-------
* Deng, J.-L. (1982) Control problems of grey systems. Systems & Control Letters
  1(5):288–294; Deng, J.-L. (1989) Introduction to grey system theory. Journal
  of Grey System 1(1):1–24 — GM(1,1).
* Liu, S. & Lin, Y. (2010) Grey Systems: Theory and Applications. Springer,
  ch. 6 — background values, time response, posterior-error test and its
  accuracy grades.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, warn

# (grade, C at most, P at least) — the usual four-level table (Liu & Lin 2010, ch. 6)
GRADES = (("good", 0.35, 0.95), ("qualified", 0.50, 0.80), ("barely qualified", 0.65, 0.70))
UNQUALIFIED = "unqualified"
GRADE_LABELS = {"good": "好 good", "qualified": "合格 qualified",
                "barely qualified": "勉强合格 barely qualified", UNQUALIFIED: "不合格 unqualified"}


@dataclass
class GM11Result:
    a: float                 # development coefficient
    b: float                 # grey input
    fitted: object           # x̂⁽⁰⁾(k), k = 1..n (x̂⁽⁰⁾(1) = x⁽⁰⁾(1))
    forecast: object         # x̂⁽⁰⁾(n+1..n+horizon)
    residuals: object        # x⁽⁰⁾ − x̂⁽⁰⁾
    relative_errors: object  # |residual| / x⁽⁰⁾
    mape: float              # mean relative error over k = 2..n
    C: float                 # posterior-error ratio S2/S1
    P: float                 # small-error probability
    grade: str
    notes: dict = field(default_factory=dict)

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS[self.grade]


def accuracy_grade(C: float, P: float) -> str:
    """good: C ≤ 0.35 and P ≥ 0.95; qualified: C ≤ 0.50 and P ≥ 0.80;
    barely qualified: C ≤ 0.65 and P ≥ 0.70; otherwise unqualified."""
    for name, c_max, p_min in GRADES:
        if C <= c_max + 1e-12 and P >= p_min - 1e-12:
            return name
    return UNQUALIFIED


def _series(x0):
    labels = None
    if isinstance(x0, pd.DataFrame):
        if x0.shape[1] != 1:
            raise InputError(f"x0 must be one series (one column); got {x0.shape[1]} columns")
        x0 = x0.iloc[:, 0]
    if isinstance(x0, pd.Series) and not x0.index.equals(pd.RangeIndex(len(x0))):
        labels = list(x0.index)
    raw = np.asarray(x0, dtype=object).ravel()
    out = np.empty(len(raw))
    for i, v in enumerate(raw):
        where = f"point {i + 1}" + (f" ({labels[i]})" if labels else "")
        if v is None or isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real) or \
                not math.isfinite(float(v)):
            shown = "blank" if v is None or (isinstance(v, float) and math.isnan(v)) else repr(v)
            raise InputError(f"GM(1,1): {where} is {shown}; a positive number is needed")
        out[i] = float(v)
        if out[i] <= 0:
            raise InputError(f"GM(1,1): {where} is {out[i]:g}; GM(1,1) needs positive data "
                             f"(shift the series, e.g. add a constant, and say so)")
    if len(out) < 4:
        raise InputError(f"GM(1,1): {len(out)} points given; at least 4 are needed")
    return out, labels


def gm11(x0, horizon: int = 1, residuals: str = "all") -> GM11Result:
    """Deng's GM(1,1) grey model of a positive series and its forecast.

    x⁽¹⁾(k) = Σ_{i≤k} x⁽⁰⁾(i) (accumulated series); background values
    z⁽¹⁾(k) = 0.5 (x⁽¹⁾(k) + x⁽¹⁾(k−1)), k = 2..n; grey equation
    x⁽⁰⁾(k) + a z⁽¹⁾(k) = b, with [a, b]ᵀ = (BᵀB)⁻¹BᵀY, B = [−z⁽¹⁾, 1], Y = x⁽⁰⁾(2..n)
    (the whitening equation dx⁽¹⁾/dt + a x⁽¹⁾ = b). Time response
    x̂⁽¹⁾(k+1) = (x⁽⁰⁾(1) − b/a) e^(−a k) + b/a, restored x̂⁽⁰⁾(k+1) = x̂⁽¹⁾(k+1) − x̂⁽¹⁾(k).

    Posterior-error test: S1 = standard deviation of x⁽⁰⁾, S2 = standard
    deviation of the residuals ε(k) = x⁽⁰⁾(k) − x̂⁽⁰⁾(k) (population, 1/n),
    C = S2/S1, P = share of k with |ε(k) − ε̄| < 0.6745·S1. ``residuals="all"``
    (default) takes k = 1..n (ε(1) = 0, Liu & Lin's residual sequence);
    ``"from2"`` takes k = 2..n (the points actually modelled). Grade:
        good              C ≤ 0.35 and P ≥ 0.95
        qualified         C ≤ 0.50 and P ≥ 0.80
        barely qualified  C ≤ 0.65 and P ≥ 0.70
        unqualified       otherwise.

    Parameters: ``x0`` at least 4 positive numbers (a Series keeps its index,
    e.g. years; the forecast continues integer years); ``horizon`` ≥ 0 steps.
    Refuses fewer than 4 points, blanks and non-positive values (one line).
    Warns when |a| ≥ 2 (Liu & Lin: GM(1,1) is then meaningless) or −a > 0.3
    (suitable only for short-term forecasts).
    """
    x, labels = _series(x0)
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral) or horizon < 0:
        raise InputError(f"horizon must be a whole number ≥ 0 (steps ahead); got {horizon!r}")
    if residuals not in ("all", "from2"):
        raise InputError(f'residuals "{residuals}" is not known; use "all" or "from2"')
    n = len(x)
    x1 = np.cumsum(x)
    z = 0.5 * (x1[1:] + x1[:-1])
    B = np.column_stack([-z, np.ones(n - 1)])
    Y = x[1:]
    if np.linalg.matrix_rank(B) < 2:
        raise InputError("GM(1,1): the background values are degenerate; a and b cannot be "
                         "estimated")
    (a, b), *_ = np.linalg.lstsq(B, Y, rcond=None)
    notes = {"model": "GM(1,1), background z = 0.5(x1_k + x1_{k−1}), least squares",
             "C and P": f"residuals over k = {'1' if residuals == 'all' else '2'}..n, "
                        f"population standard deviations"}
    if np.ptp(x) == 0 or abs(a) < 1e-12:
        raise InputError("GM(1,1): development coefficient a = 0 (a constant series); use the "
                         "mean as the forecast")
    if abs(a) >= 2:
        warn(f"GM(1,1): development coefficient a = {a:.4g}; for |a| ≥ 2 the model is meaningless")
        notes["a"] = "|a| ≥ 2: meaningless (Liu & Lin 2010)"
    elif -a > 0.3:
        notes["a"] = "−a > 0.3: suitable for short-term forecasts only (Liu & Lin 2010)"
    k = np.arange(n + horizon)
    x1_hat = (x[0] - b / a) * np.exp(-a * k) + b / a
    x0_hat = np.empty(n + horizon)
    x0_hat[0] = x[0]
    x0_hat[1:] = np.diff(x1_hat)
    fitted = x0_hat[:n]
    fc = x0_hat[n:]
    eps = x - fitted
    rel = np.abs(eps) / x
    e = eps if residuals == "all" else eps[1:]
    S1 = float(np.std(x))
    S2 = float(np.std(e))
    C = S2 / S1 if S1 > 0 else 0.0
    P = float(np.mean(np.abs(e - e.mean()) < 0.6745 * S1)) if S1 > 0 else 1.0
    grade = accuracy_grade(C, P)
    fitted_out, fc_out, eps_out, rel_out = fitted, fc, eps, rel
    if labels is not None:
        idx = pd.Index(labels, name=getattr(x0, "index", pd.Index([])).name)
        fitted_out = pd.Series(fitted, index=idx, name="fitted")
        eps_out = pd.Series(eps, index=idx, name="residual")
        rel_out = pd.Series(rel, index=idx, name="relative_error")
        if all(isinstance(v, numbers.Integral) for v in labels) and horizon:
            step = labels[-1] - labels[-2]
            fidx = pd.Index([labels[-1] + step * (h + 1) for h in range(horizon)], name=idx.name)
        else:
            fidx = pd.Index([f"+{h + 1}" for h in range(horizon)], name=idx.name)
        fc_out = pd.Series(fc, index=fidx, name="forecast")
    return GM11Result(a=float(a), b=float(b), fitted=fitted_out, forecast=fc_out,
                      residuals=eps_out, relative_errors=rel_out, mape=float(rel[1:].mean()),
                      C=C, P=P, grade=grade, notes=notes)
