"""Relative development degree of two systems (issue 9), next to the lagging type of §4.

E = U₂/U₁ (``ratio="u2/u1"``, the default) or U₁/U₂ (``ratio="u1/u2"``), classed by
right-closed intervals of upper bounds (default 0.8 and 1.2, common practice in Chinese
coupling-coordination papers; the classes as issue 9 gives them):

| E = U₂/U₁        | class | en                 | zh        |
|------------------|-------|--------------------|-----------|
| E ≤ 0.8          | 1     | "<system 2> lags"  | 系统2滞后  |
| 0.8 < E ≤ 1.2    | 2     | "Synchronous"      | 同步       |
| E > 1.2          | 3     | "<system 1> lags"  | 系统1滞后  |

With ``ratio="u1/u2"`` the outer labels swap (E ≤ 0.8 means system 1 lags). The scheme
is data: ``bounds`` (ascending upper bounds) and ``labels`` (one more than bounds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .coupling import LAG_LABELS, _blank, _check_lang, _system_names, _two_systems, lag_label
from ..errors import InputError, warn

RATIOS = ("u2/u1", "u1/u2")
DEFAULT_BOUNDS = (0.8, 1.2)


@dataclass
class RelativeDevelopmentResult:
    E: object       # ratio per row (inf where the denominator is 0 and the numerator is not)
    cls: object     # class 1 .. len(bounds) + 1, ascending in E
    label: object
    notes: dict = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        index = self.E.index if isinstance(self.E, pd.Series) else None
        return pd.DataFrame({"E": np.asarray(self.E), "class": np.asarray(self.cls),
                             "label": np.asarray(self.label)}, index=index)


def _parse_bounds(bounds):
    try:
        b = [float(v) for v in bounds]
    except (TypeError, ValueError):
        raise InputError(f"bounds={bounds!r} is not a list of numbers; use e.g. bounds=(0.8, 1.2)") from None
    if not b or any(not np.isfinite(v) or v <= 0 for v in b) or any(y <= x for x, y in zip(b, b[1:])):
        raise InputError(f"bounds={tuple(bounds)!r} must be positive, finite and ascending, "
                         f"e.g. (0.8, 1.2)")
    return tuple(b)


def relative_development(U, ratio: str = "u2/u1", *, bounds=DEFAULT_BOUNDS, labels=None,
                         lang: str = "en", names=None) -> RelativeDevelopmentResult:
    """Relative development degree E of two systems and its class, for each row of U (m × 2).

    ``ratio``: ``"u2/u1"`` (default) E = U₂/U₁, or ``"u1/u2"``. ``bounds``: ascending upper
    bounds of right-closed classes (default 0.8, 1.2: E ≤ 0.8, 0.8 < E ≤ 1.2, E > 1.2).
    ``labels``: one per class (default: the lagging system / synchronous, in ``lang``;
    required when ``bounds`` is not two numbers). ``names``: the two systems' names
    (default the DataFrame's columns, else "system 1", "system 2").

    A zero denominator gives E = inf (the other system is ahead) and 0/0 gives E = 1
    (both at 0, synchronous), each with a JJJWarning naming the rows. NaN, text, U outside
    [0, 1] and a number of systems other than 2 are refused with one line.
    """
    _check_lang(lang)
    if ratio not in RATIOS:
        raise InputError(f'ratio="{ratio}" is not an option; use "u2/u1" (E = U₂/U₁) or "u1/u2"')
    b = _parse_bounds(bounds)
    mat, V = _two_systems(U)
    sys_names = _system_names(mat, names, lang)
    if labels is None:
        if len(b) != 2:
            raise InputError(f"{len(b)} bounds give {len(b) + 1} classes: give labels=[...] "
                             f"with {len(b) + 1} labels")
        _, sync = LAG_LABELS[lang]
        low_lags = 1 if ratio == "u2/u1" else 0   # E small: the numerator system lags
        labels = (lag_label(sys_names[low_lags], lang), sync, lag_label(sys_names[1 - low_lags], lang))
    else:
        labels = [labels] if isinstance(labels, str) else list(labels)
        if len(labels) != len(b) + 1:
            raise InputError(f"{len(labels)} labels given for {len(b) + 1} classes "
                             f"({len(b)} bounds); one label per class")
        for k, lab in enumerate(labels, start=1):
            if _blank(lab):
                raise InputError(f"label {k} of the relative development classes is blank")
        labels = tuple(str(x).strip() for x in labels)
    num, den = (V[:, 1], V[:, 0]) if ratio == "u2/u1" else (V[:, 0], V[:, 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        E = num / den
    both = (num == 0) & (den == 0)
    inf = (den == 0) & (num > 0)
    if both.any():
        shown = ", ".join(mat.row(int(i)) for i in np.flatnonzero(both)[:5])
        warn(f"U₁ = U₂ = 0 in {shown}: E = 0/0 is taken as 1 (synchronous at zero)")
        E = np.where(both, 1.0, E)
    if inf.any():
        shown = ", ".join(mat.row(int(i)) for i in np.flatnonzero(inf)[:5])
        denom = "U₁" if ratio == "u2/u1" else "U₂"
        warn(f"{denom} = 0 in {shown}: E = {'U₂/U₁' if ratio == 'u2/u1' else 'U₁/U₂'} is "
             f"infinite (the other system is ahead); consider a shift before standardising")
    cls = np.searchsorted(np.asarray(b), np.round(E, 12), side="left") + 1
    lab = np.asarray(labels, dtype=object)[cls - 1]
    notes = {"relative development": f"E = {'U₂/U₁' if ratio == 'u2/u1' else 'U₁/U₂'}, classes "
                                     + ", ".join(f"≤ {x:g}" for x in b) + f", > {b[-1]:g} "
                                     "(right-closed)"}
    if mat.labelled:
        idx = mat.index
        return RelativeDevelopmentResult(pd.Series(E, index=idx, name="E"),
                                         pd.Series(cls, index=idx, name="class"),
                                         pd.Series(lab, index=idx, name="label"), notes)
    return RelativeDevelopmentResult(E, cls, lab, notes)
