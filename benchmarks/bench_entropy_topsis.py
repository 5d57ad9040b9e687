"""Benchmark: entropy weights + TOPSIS (the paper 000 pipeline) on large matrices.

    python benchmarks/bench_entropy_topsis.py [--sizes 200000x30,1000000x30]
                                              [--peers | --no-peers] [--repeat 3]

For every size it times, on the same random positive float64 matrix (fixed seed,
C-contiguous), best of ``--repeat`` with ``time.perf_counter``:

  floor    one np.log pass over the matrix plus one column sum of the result,
           i.e. ``np.log(X).sum(axis=0)``: the cheapest thing that touches every
           cell with a transcendental function, as entropy has to.
  jjj_xl   ``w = jx.entropy_weights(X)`` (minmax, shift 1) then
           ``jx.topsis(X, w.w, method="minmax")`` (closeness and rank).
  naive    the same pipeline written straightforwardly in numpy with full-size
           temporaries (for context; its closeness is checked against jjj_xl).
  pymcdm   defaults as a user calls them: ``w = weights.entropy_weights(X)``,
           ``p = TOPSIS()(X, w, types)``, ``TOPSIS().rank(p)``.
  skcrit   ``mkdm(X, types)`` then
           ``mkpipe(EntropyWeighter(), MinMaxScaler(target="matrix"), TOPSIS()).evaluate(dm)``.

The peers compute the textbook "share" entropy (p = x / Σx on raw data), not
jjj_xl's min-max + 1 entropy, so their closeness differs slightly from ours;
the amount is printed. All columns are benefit (jjj_xl's default).

Peak extra memory: a separate (untimed) call under ``tracemalloc``; numpy
reports its buffers to tracemalloc, so the peak of traced bytes above the
level before the call is the extra memory the call needed, printed as a
multiple of ``X.nbytes``.

A peer whose time or memory, extrapolated linearly from a smaller size, would
exceed 120 s per call or 8 GB (or 80 % of free RAM) is not run at that size.

Targets (checked at the largest size; the brief fixes them for 1e6 x 30):
jjj_xl time <= 4x floor, >= 10x faster than pymcdm defaults, peak extra memory
<= 2x input. PASS/MISS is printed; the script always exits 0.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
import tracemalloc
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # run from a checkout without installing

import jjj_xl as jx  # noqa: E402

SEED = 20240611
PEER_TIME_LIMIT = 120.0          # seconds per call
PEER_MEM_LIMIT = 8 * 1024 ** 3   # bytes
PROBE_ROWS = 200_000
TARGET_FLOOR = 4.0
TARGET_PYMCDM = 10.0
TARGET_MEM = 2.0
TARGET_COMBINED = 3.0   # issue 12 item 4: entropy + vector TOPSIS, combined path


# ----------------------------------------------------------------------------- pipelines

def floor(X):
    lg = np.log(X)              # one log pass (full-size result)
    return lg.sum(axis=0)       # one column sum


def run_jjj(X):
    w = jx.entropy_weights(X)
    res = jx.topsis(X, w.w, method="minmax")
    return np.asarray(res.closeness)


def run_vector_separate(X):
    """Entropy weights, then classic (vector) TOPSIS, as two calls."""
    w = jx.entropy_weights(X)
    return np.asarray(jx.topsis(X, w.w, method="vector").closeness)


def run_vector_combined(X):
    """The combined path the workflows use (issue 12 item 4): one check, one shared
    min/max pass, Σx² during the entropy pass, wide-row BLAS sums, counting rank."""
    return np.asarray(jx.entropy_topsis(X, method="vector").closeness)


def run_naive(X):
    m = X.shape[0]
    lo, hi = X.min(axis=0), X.max(axis=0)
    R = (X - lo) / (hi - lo)                    # min-max, all benefit
    Z = R + 1.0                                 # shift 1
    P = Z / Z.sum(axis=0)
    e = -(P * np.log(P)).sum(axis=0) / np.log(m)
    d = 1.0 - e
    w = d / d.sum()
    V = R * w
    d_plus = np.sqrt(((V - V.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((V - V.min(axis=0)) ** 2).sum(axis=1))
    c = d_minus / (d_plus + d_minus)
    rank = np.empty(m, dtype=int)
    rank[np.argsort(-c, kind="stable")] = np.arange(1, m + 1)
    return c


def run_pymcdm(X):
    from pymcdm import weights as pw
    from pymcdm.methods import TOPSIS
    types = np.ones(X.shape[1], dtype=int)
    w = pw.entropy_weights(X)
    top = TOPSIS()
    p = top(X, w, types)
    top.rank(p)
    return p


def run_skcriteria(X):
    import skcriteria as skc
    from skcriteria.agg.topsis import TOPSIS
    from skcriteria.pipelines import mkpipe
    from skcriteria.preprocessing.scalers import MinMaxScaler
    from skcriteria.preprocessing.weighters import EntropyWeighter
    dm = skc.mkdm(X, np.ones(X.shape[1], dtype=int))
    res = mkpipe(EntropyWeighter(), MinMaxScaler(target="matrix"), TOPSIS()).evaluate(dm)
    return np.asarray(res.e_.similarity)


# ----------------------------------------------------------------------------- measuring

def best_time(fn, X, repeat):
    best = float("inf")
    out = None
    for _ in range(repeat):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = fn(X)
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_extra(fn, X):
    """Peak bytes traced by tracemalloc during fn(X), above the level before the call."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        out = fn(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del out
    return peak - base


def make_matrix(m, n, seed=SEED):
    X = np.random.default_rng(seed).uniform(1.0, 100.0, size=(m, n))
    assert X.dtype == np.float64 and X.flags.c_contiguous and (X > 0).all()
    return X


def parse_sizes(text):
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        m, n = part.split("x")
        sizes.append((int(float(m)), int(n)))
    return sorted(sizes, key=lambda s: s[0] * s[1])


def available_bytes():
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def fmt_size(m, n):
    def k(v):
        if v >= 1_000_000 and v % 1_000_000 == 0:
            return f"{v // 1_000_000}e6"
        if v >= 1000 and v % 1000 == 0:
            return f"{v // 1000}k"
        return str(v)
    return f"{k(m)}x{n}"


def fmt_mb(b):
    return f"{b / 1024 ** 2:,.0f} MB" if b >= 1024 ** 2 else f"{b / 1024:,.0f} kB"


def machine_line():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    return (f"machine: {os.cpu_count()} CPUs (usable {affinity}), {cpu}; "
            f"Python {platform.python_version()}, numpy {np.__version__}")


def peer_versions():
    from importlib import metadata
    out = []
    for dist, mod in (("pymcdm", "pymcdm"), ("scikit-criteria", "skcriteria")):
        try:
            __import__(mod)
            out.append(f"{dist} {metadata.version(dist)}")
        except Exception as exc:  # pragma: no cover - optional
            out.append(f"{dist} not importable ({type(exc).__name__})")
    return ", ".join(out)


# ----------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200000x30,1000000x30",
                    help="comma-separated ROWSxCOLS (default 200000x30,1000000x30)")
    ap.add_argument("--peers", action=argparse.BooleanOptionalAction, default=True,
                    help="also time pymcdm and scikit-criteria (default on)")
    ap.add_argument("--repeat", type=int, default=3, help="timed calls per entry; best is kept")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    sizes = parse_sizes(args.sizes)
    repeat = max(1, args.repeat)
    warnings.simplefilter("ignore")   # peers warn about weights / objectives; not our concern here

    print("jjj-xl benchmark: entropy weights (minmax, shift 1) + TOPSIS (minmax), all benefit")
    print(machine_line())
    if args.peers:
        print(f"peers: {peer_versions()}")
    print(f"matrix: uniform(1, 100) float64, C-contiguous, seed {args.seed}; "
          f"time = best of {repeat} (perf_counter); mem = tracemalloc peak extra / X.nbytes")
    print()

    peers = [("pymcdm", run_pymcdm), ("skcriteria", run_skcriteria)] if args.peers else []
    per_cell_time = {}   # peer -> (seconds per cell, extra bytes per cell) from the last size run
    results = {}         # (size, name) -> dict
    notes = []

    # probe the peers on a small matrix first if the smallest size is large, so that the
    # guard below always has something to extrapolate from
    if peers and sizes[0][0] > PROBE_ROWS:
        Xp = make_matrix(PROBE_ROWS, sizes[0][1], args.seed)
        for name, fn in peers:
            try:
                t, _ = best_time(fn, Xp, 1)
                per_cell_time[name] = (t / Xp.size, peak_extra(fn, Xp) / Xp.size)
            except Exception as exc:
                notes.append(f"{name} probe failed: {type(exc).__name__}: {exc}")
        del Xp

    header = (f"{'size':<10} {'pipeline':<11} {'best s':>8} {'x floor':>8} "
              f"{'x jjj_xl':>9} {'peak mem':>9}  {'max|dc| vs jjj_xl':<18} note")
    print(header)
    print("-" * len(header))
    for m, n in sizes:
        X = make_matrix(m, n, args.seed)
        size = fmt_size(m, n)
        label = f"{size}"
        rows = []

        t_floor, _ = best_time(floor, X, repeat)
        mem_floor = peak_extra(floor, X)
        rows.append(("floor", t_floor, mem_floor, None, "np.log(X).sum(axis=0)"))

        t_jjj, c_jjj = best_time(run_jjj, X, repeat)
        mem_jjj = peak_extra(run_jjj, X)
        rows.append(("jjj_xl", t_jjj, mem_jjj, 0.0, ""))

        t_vs, c_vs = best_time(run_vector_separate, X, repeat)
        rows.append(("vector sep", t_vs, peak_extra(run_vector_separate, X), None,
                     "entropy_weights + topsis(vector)"))
        t_vc, c_vc = best_time(run_vector_combined, X, repeat)
        rows.append(("vector comb", t_vc, peak_extra(run_vector_combined, X), None,
                     f"entropy_topsis(vector); |Δ| vs sep {np.max(np.abs(c_vc - c_vs)):.1e}"))
        del c_vs, c_vc

        t_naive, c_naive = best_time(run_naive, X, repeat)
        mem_naive = peak_extra(run_naive, X)
        rows.append(("naive numpy", t_naive, mem_naive,
                     float(np.max(np.abs(c_naive - c_jjj))), "full-size temporaries"))
        del c_naive

        for name, fn in peers:
            limit_mem = PEER_MEM_LIMIT
            avail = available_bytes()
            if avail is not None:
                limit_mem = min(limit_mem, 0.8 * avail)
            if name in per_cell_time:
                spc, bpc = per_cell_time[name]
                est_t, est_mem = spc * X.size, bpc * X.size
                if est_t > PEER_TIME_LIMIT or est_mem > limit_mem:
                    rows.append((name, None, None, None,
                                 f"skipped: est. {est_t:.0f} s, {fmt_mb(est_mem)} "
                                 f"(> {PEER_TIME_LIMIT:.0f} s or {fmt_mb(limit_mem)})"))
                    continue
            try:
                t_peer, c_peer = best_time(fn, X, repeat)
                mem_peer = peak_extra(fn, X)
            except Exception as exc:
                rows.append((name, None, None, None, f"error: {type(exc).__name__}: {exc}"))
                continue
            per_cell_time[name] = (t_peer / X.size, mem_peer / X.size)
            rows.append((name, t_peer, mem_peer, float(np.max(np.abs(c_peer - c_jjj))),
                         "share entropy (peer default)"))
            del c_peer

        for name, t, mem, diff, note in rows:
            results[(m, n), name] = {"t": t, "mem": mem}
            if t is None:
                print(f"{label:<10} {name:<11} {'-':>8} {'-':>8} {'-':>9} {'-':>9}  "
                      f"{'-':<18} {note}")
            else:
                xf = f"{t / t_floor:.2f}"
                xj = f"{t / t_jjj:.2f}"
                pm = f"{mem / X.nbytes:.2f}x"
                dc = "-" if diff is None else f"{diff:.1e}"
                print(f"{label:<10} {name:<11} {t:>8.3f} {xf:>8} {xj:>9} {pm:>9}  {dc:<18} {note}")
            label = ""
        print(f"{'':<10} (X.nbytes = {fmt_mb(X.nbytes)})")
        del X, c_jjj
        gc.collect()

    # ------------------------------------------------------------------ targets
    big = sizes[-1]
    r = lambda name, s=big: results.get((s, name))  # noqa: E731
    print()
    print(f"targets for jjj_xl at {fmt_size(*big)} (brief: 1e6x30):")

    def line(text, value, ok, extra=""):
        verdict = "PASS" if ok else "MISS"
        print(f"  {text:<34} measured {value:<8} {verdict}{extra}")

    jj, fl = r("jjj_xl"), r("floor")
    ratio = jj["t"] / fl["t"]
    line(f"time <= {TARGET_FLOOR:g}x floor", f"{ratio:.2f}x", ratio <= TARGET_FLOOR)
    vc = r("vector comb")
    if vc and vc["t"]:
        rc = vc["t"] / fl["t"]
        line(f"entropy+vector TOPSIS <= {TARGET_COMBINED:g}x floor", f"{rc:.2f}x",
             rc <= TARGET_COMBINED, "  (issue 12 item 4, combined path)")
    if peers:
        pm_size = big
        if r("pymcdm") is None or r("pymcdm")["t"] is None:
            pm_size = next((s for s in reversed(sizes)
                            if r("pymcdm", s) and r("pymcdm", s)["t"] is not None), None)
        if pm_size is None:
            print(f"  {f'>= {TARGET_PYMCDM:g}x faster than pymcdm':<34} not measured")
        else:
            speed = r("pymcdm", pm_size)["t"] / r("jjj_xl", pm_size)["t"]
            extra = "" if pm_size == big else f"  (at {fmt_size(*pm_size)}: pymcdm not run at the largest size)"
            line(f">= {TARGET_PYMCDM:g}x faster than pymcdm", f"{speed:.1f}x",
                 speed >= TARGET_PYMCDM, extra)
    else:
        print(f"  {f'>= {TARGET_PYMCDM:g}x faster than pymcdm':<34} not measured (--no-peers)")
    mem_ratio = jj["mem"] / (big[0] * big[1] * 8)
    line(f"peak extra memory <= {TARGET_MEM:g}x input", f"{mem_ratio:.2f}x", mem_ratio <= TARGET_MEM)
    for note in notes:
        print("note:", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())   # 0 whether targets pass or miss; only a crash exits non-zero
