"""Excel-function dispatch cost through xlwings' own Server/Lite path (issue 12, item 3).

Runs JJJ_TOPSIS on an m × 30 range through ``xlwings.server.custom_functions_call`` with the
JSON Office.js sends, and compares it with the same dispatch of a function that only
receives the range (the floor: xlwings' own conversion). Prints ratios measured in one run:

- topsis / floor: jjj's share (engine + jjj's conversion); target ≤ 1.5 at 10,000 × 30;
- floor with xlwings 0.37's per-cell ``from pyodide.ffi import JsNull`` retry (what CPython
  paid before jjj_xl.excel marked the absent module) / floor without it, measured on
  min(m, --unpatched-rows) rows because it is slow;
- a mixed payload (blanks, error values, dates as Office.js sends them) / numbers-only floor.

Usage: python benchmarks/bench_udf_dispatch.py [--rows 10000] [--unpatched-rows 2000]
(xlwings' licence key "noncommercial" is set for this benchmark only, as in the tests.)
"""

import argparse
import os
import sys
import time
import types
from pathlib import Path

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import xlserver  # noqa: E402


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--cols", type=int, default=30)
    ap.add_argument("--unpatched-rows", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    xw, (udfs,) = xlserver.fresh_xlwings("jjj_xl.excel.udfs")
    from xlwings import arg, func

    @func
    @arg("data", ndim=2, err_to_str=True)
    def receive(data):
        return [[len(data)]]

    probe = types.ModuleType("probe")
    probe.receive = receive
    rng = np.random.default_rng(0)
    X = (rng.random((a.rows, a.cols)) * 100 + 1).round(6).tolist()
    w = [[1 / a.cols] * a.cols]
    mixed = [row[:] for row in X]
    for i in range(0, a.rows, 7):
        mixed[i][i % a.cols] = ""                                                 # blank
        mixed[(i + 3) % a.rows][(i + 1) % a.cols] = {"type": "Error", "basicValue": "#N/A",
                                                     "errorType": "NotAvailable"}
        mixed[(i + 5) % a.rows][(i + 2) % a.cols] = "2024-01-31T00:00:00.000Z"   # a date as text

    def call(module, name, *args):
        return lambda: xlserver.call_udf(module, name, *args)

    patched = sys.modules.get("pyodide", "unset") is None
    floor = best_of(call(probe, "receive", X), a.repeat)
    topsis = best_of(call(udfs, "jjj_topsis", X, w, None, None, None, None), a.repeat)
    mixed_t = best_of(call(probe, "receive", mixed), a.repeat)
    small = X[: min(a.rows, a.unpatched_rows)]
    floor_small = best_of(call(probe, "receive", small), a.repeat)
    if patched:
        del sys.modules["pyodide"]
    try:
        unpatched_small = best_of(call(probe, "receive", small), 1)
    finally:
        if patched:
            sys.modules["pyodide"] = None
    cells = a.rows * a.cols
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"xlwings {xw.__version__}; best of {a.repeat}")
    print(f"floor: receive-only dispatch of {a.rows} x {a.cols}: {floor:.3f} s "
          f"({floor / cells * 1e6:.2f} us/cell)")
    print(f"JJJ_TOPSIS / floor = {topsis / floor:.2f}  (target <= 1.5; jjj's own share "
          f"{(topsis - floor) / cells * 1e6:.2f} us/cell)")
    print(f"mixed payload (blanks, #N/A, dates) / floor = {mixed_t / floor:.2f}")
    print(f"xlwings per-cell pyodide import retry, {len(small)} x {a.cols}: unpatched / patched = "
          f"{unpatched_small / floor_small:.1f}  (jjj_xl.excel marks pyodide absent on CPython"
          f"{'' if patched else '; NOT active in this run'})")


if __name__ == "__main__":
    main()
