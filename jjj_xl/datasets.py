"""Bundled sample panels: ILLUSTRATIVE data (generated, not official statistics).

The panels mirror the shape of two papers (regions, years, indicators,
dimensions, directions, units) but every value is drawn by
``jjj_xl/data/generate_samples.py`` from a trend-plus-noise model with a
fixed seed. Use them for examples and tests, never as facts. Real official
statistics for tests live outside the package (``../shared/data``).

Files are read through :func:`importlib.resources.files`, so this works from
a wheel, a zip, or Pyodide without assuming a real file system.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import pandas as pd

__all__ = ["SAMPLE_NAMES", "SamplePanel", "load_sample"]

SAMPLE_NAMES = ("paper000", "paper004")

_PAPERS = {
    "paper000": "Li et al. (2022) smart-city evaluation of Beijing-Tianjin-Hebei cities",
    "paper004": "Wu, Wang & Chen (paper 004) regional innovation of Beijing, Tianjin and Hebei",
}


@dataclass(frozen=True, eq=False)
class SamplePanel:
    """One illustrative panel (generated, not official statistics).

    ``data``: columns ``region``, ``year`` (int) and one column per indicator
    code, in the order of ``indicators``. ``indicators``: ``code, name,
    name_zh, dimension, direction ('+'/'-'), unit``.
    """

    name: str
    description: str
    data: pd.DataFrame
    indicators: pd.DataFrame


def _read_csv(filename: str, **kwargs) -> pd.DataFrame:
    resource = files("jjj_xl.data").joinpath(filename)
    with resource.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, **kwargs)


def load_sample(name: str) -> SamplePanel:
    """Load a bundled ILLUSTRATIVE sample panel (generated, not official statistics).

    ``name`` is ``"paper000"`` (6 JJJ cities x 2014-2019, 14 indicators,
    5 dimensions) or ``"paper004"`` (Beijing, Tianjin, Hebei x 2012-2022,
    11 indicators, 3 dimensions). Each call reads fresh copies.
    """
    if name not in SAMPLE_NAMES:
        raise ValueError(f"unknown sample {name!r}; valid names: {', '.join(SAMPLE_NAMES)}")

    indicators = _read_csv(f"{name}_indicators.csv", dtype=str, keep_default_na=False)
    data = _read_csv(f"{name}_sample.csv")
    data["year"] = data["year"].astype("int64")

    regions = data["region"].drop_duplicates()
    description = (
        "Illustrative sample data (generated, not official statistics): "
        f"{len(regions)} regions x {data['year'].min()}-{data['year'].max()} "
        f"({len(data)} rows), {len(indicators)} indicators in "
        f"{indicators['dimension'].nunique()} dimensions; mirrors {_PAPERS[name]}."
    )
    return SamplePanel(name=name, description=description, data=data, indicators=indicators)
