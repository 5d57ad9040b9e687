"""Benchmark: `jjj-xl run` on big workbooks, as a ratio to reading the same file with python-calamine.

    python benchmarks/bench_run.py [--sizes 1000x20x60,2000x20x60] [--templates entropy_topsis_ccd,ideal_solution_index]

For each size (regions × years × indicators) and template it builds a filled workbook
(synthetic panel of ``bench_share.synthetic``, fixed seed), then times, each in a fresh
Python process so the numbers include what a user waits for:

  floor      python-calamine opens the workbook and reads every sheet's values
  run        ``jjj-xl run BOOK --out OUT`` (Compute all, headless) — read, compute, write
  run A1M    the same workbook with one formatted empty cell at Data!A1048576

and prints run / floor (wall time, and CPU time of the process: on a shared machine the
neighbours load the wall time), the A1M ratio, and the peak memory of the run process above a
process that only imported jjj_xl, divided by the unpacked size of the input sheets'
XML. Targets (issue 12): run <= 4x floor; peak memory <= 3x the unpacked input sheets;
run A1M ~ run. Not a test; always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)   # run from a checkout without installing
sys.path.insert(0, HERE)

from bench_share import synthetic  # noqa: E402

CHILD_ENV = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))

FLOOR = r"""
import json, sys, time
t, c = time.perf_counter(), time.process_time()
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
n = sum(len(wb.get_sheet_by_name(s).to_python()) for s in wb.sheet_names)
print(json.dumps({"s": time.perf_counter() - t, "cpu": time.process_time() - c}))
"""

RUN = r"""
import json, sys, time, warnings
def hwm():   # peak resident memory of this process (kB); ru_maxrss would carry the parent's over exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
import jjj_xl.cli
base = hwm()
t, c = time.perf_counter(), time.process_time()
code = jjj_xl.cli.main(sys.argv[1:])
print(json.dumps({"s": time.perf_counter() - t, "cpu": time.process_time() - c, "code": code,
                  "base_kb": base,
                  "rss_kb": hwm()}))
"""


def child(script: str, *args) -> dict:
    proc = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True,
                          text=True, env=CHILD_ENV, timeout=3600)
    last = proc.stdout.strip().splitlines()[-1:] or ["{}"]
    try:
        out = json.loads(last[0])
    except json.JSONDecodeError:
        out = {}
    if proc.returncode != 0 or not out:
        out["error"] = (proc.stderr.strip().splitlines() or ["?"])[-1][:100]
    return out


def build(name: str, regions: int, years: int, indicators: int, path: Path, far_cell: bool = False):
    from jjj_xl.workbook.templates import build_template, fill_inputs
    ind, data = synthetic(regions, years, indicators, 5)
    wb = build_template(name)
    fill_inputs(wb, name, ind, data)
    if far_cell:
        from openpyxl.styles import PatternFill
        wb["Data"]["A1048576"].fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(path)


def input_sheet_bytes(path: Path) -> int:
    """Unpacked size of the worksheets that hold inputs (Data, Indicators, Settings)."""
    import re
    with zipfile.ZipFile(path) as z:
        wbxml = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels)
                       + [(b, a) for a, b in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)])
        total = 0
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', wbxml):
            if name in ("Data", "Indicators", "Settings", "U"):
                target = targets[rid].lstrip("/")
                total += z.getinfo(target if target.startswith("xl/") else "xl/" + target).file_size
        return total


def _best(a: dict, b: dict) -> dict:
    """Keep the smaller wall time, CPU time and memory of two timings of the same thing."""
    if not a or "error" in b:
        return b if not a else a
    out = dict(a)
    for k in ("s", "cpu", "rss_kb"):
        if k in b:
            out[k] = min(a.get(k, b[k]), b[k])
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000x20x60,2000x20x60")
    ap.add_argument("--templates", default="entropy_topsis_ccd,ideal_solution_index")
    ap.add_argument("--repeat", type=int, default=1,
                    help="time floor and run this many times each, alternating; best of each")
    args = ap.parse_args(argv)
    print(f"{'size':<12}{'template':<22}{'floor s':>8}{'run s':>8}{'run/floor':>10}"
          f"{'cpu r/f':>8}{'A1M/run':>9}{'mem/input':>10}{'input MB':>9}  note")
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        tmp = Path(tmp)
        for size in args.sizes.split(","):
            r, y, k = (int(v) for v in size.split("x"))
            for name in args.templates.split(","):
                book, far = tmp / f"{name}.xlsx", tmp / f"{name}-far.xlsx"
                build(name, r, y, k, book)
                build(name, r, y, k, far, far_cell=True)
                floor, run = {}, {}
                for _ in range(max(1, args.repeat)):
                    floor = _best(floor, child(FLOOR, book))
                    run = _best(run, child(RUN, "run", book, "--out",
                                           tmp / f"out-{size}-{name}.xlsx", "--force"))
                run_far = child(RUN, "run", far, "--out", tmp / f"out-far-{size}-{name}.xlsx")
                inp = input_sheet_bytes(book)
                note = run.get("error") or run_far.get("error") or floor.get("error") or ""
                ratio = run.get("s", float("nan")) / floor.get("s", float("nan"))
                cpu_ratio = run.get("cpu", float("nan")) / floor.get("cpu", float("nan"))
                far_ratio = run_far.get("s", float("nan")) / run.get("s", float("nan"))
                mem = (run.get("rss_kb", 0) - run.get("base_kb", 0)) * 1024 / inp
                print(f"{size:<12}{name:<22}{floor.get('s', float('nan')):>8.2f}"
                      f"{run.get('s', float('nan')):>8.2f}{ratio:>10.2f}{cpu_ratio:>8.2f}{far_ratio:>9.2f}"
                      f"{mem:>10.2f}{inp / 1e6:>9.1f}  {note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
