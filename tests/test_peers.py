"""Cross-check jjj_xl against pymcdm 1.4 and scikit-criteria 0.10 (the dev extra).

Recipes and the reasoning behind every adapter are in benchmarks/PEERS_NOTES.md.
Each test compares one variant on random strictly positive matrices with mixed
directions (no ties), to 1e-10. Where the two libraries implement a variant
differently, ``test_documented_differences`` asserts the difference itself.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import pytest

pymcdm = pytest.importorskip("pymcdm")
skc = pytest.importorskip("skcriteria")

from pymcdm import normalizations as pn  # noqa: E402
from pymcdm import weights as pw  # noqa: E402
from pymcdm.helpers import normalize_matrix  # noqa: E402
from pymcdm.methods import TOPSIS as PTOPSIS  # noqa: E402
from scipy.stats import rankdata  # noqa: E402
from skcriteria.agg.topsis import TOPSIS as STOPSIS  # noqa: E402
from skcriteria.pipelines import mkpipe  # noqa: E402
from skcriteria.preprocessing.increment import AddValueToZero  # noqa: E402
from skcriteria.preprocessing.invert_objectives import (  # noqa: E402
    BenefitCostInverter, MinMaxInverter)
from skcriteria.preprocessing.scalers import MinMaxScaler, SumScaler, VectorScaler  # noqa: E402
from skcriteria.preprocessing.weighters import CRITIC, EntropyWeighter, StdWeighter  # noqa: E402

import jjj_xl as jx  # noqa: E402

TOL = 1e-10
CASES = [(seed, shape) for seed in (11, 22, 33) for shape in ((8, 4), (25, 7))]
IDS = [f"seed{s}-{m}x{n}" for s, (m, n) in CASES]


def _case(seed, shape):
    """Random positive matrix, mixed +1/-1 directions (both present), positive weights."""
    rng = np.random.default_rng(seed)
    m, n = shape
    X = rng.uniform(0.5, 10.0, size=(m, n))
    types = np.where(rng.permutation(n) % 2 == 0, 1, -1)
    w = rng.uniform(0.1, 1.0, n)
    return X, types, w / w.sum()


@pytest.fixture(params=CASES, ids=IDS)
def case(request):
    return _case(*request.param)


@contextmanager
def quiet():
    """Silence the peers' own warnings (skcriteria on MIN objectives, pymcdm validation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def close(ours, peer, tol=TOL):
    ours = np.asarray(ours, dtype=float)
    peer = np.asarray(peer, dtype=float)
    assert ours.shape == peer.shape
    err = float(np.max(np.abs(ours - peer)))
    assert err <= tol, f"max |ours - peer| = {err:.3e}\nours = {ours}\npeer = {peer}"


def skc_weights(X, types, *steps):
    """Weights after a chain of skcriteria transformers (each sees the previous step's matrix)."""
    dm = skc.mkdm(X, types)
    with quiet():
        for st in steps:
            dm = st.transform(dm)
    return dm.weights.to_numpy()


def skc_topsis(X, types, w, *pre):
    with quiet():
        res = mkpipe(*pre, STOPSIS()).evaluate(skc.mkdm(X, types, weights=w))
    return res.e_.similarity, res.values


def share_entropy(X, types):
    """Ours entropy "share" with mixed directions: it ignores them, and says so (JJJWarning)."""
    with pytest.warns(jx.JJJWarning, match="ignores directions"):
        return jx.entropy_weights(X, types, method="share")


def pm_topsis(X, types, w, norm=None):
    t = PTOPSIS() if norm is None else PTOPSIS(norm)
    with quiet():
        p = t(X, w, types)
    return p, t.rank(p)


# --------------------------------------------------------------------------- entropy
def test_entropy_share(case):
    """Entropy, method="share" (z = raw X): pymcdm entropy_weights(X) and skcriteria
    EntropyWeighter() as the first step both use p = x/Σx and ignore directions."""
    X, types, _ = case
    ours = share_entropy(X, types)
    with quiet():
        close(ours.w, pw.entropy_weights(X))
    close(ours.w, skc_weights(X, types, EntropyWeighter()))


def test_entropy_max(case):
    """Entropy, method="max" (x/max, cost min/x). Adapter: the peers' entropy ignores
    directions, so standardise first: pymcdm linear_normalization with types;
    skcriteria BenefitCostInverter (same x/max, min/x)."""
    X, types, _ = case
    ours = jx.entropy_weights(X, types, method="max")
    with quiet():
        close(ours.w, pw.entropy_weights(normalize_matrix(X, pn.linear_normalization, types)))
    close(ours.w, skc_weights(X, types, BenefitCostInverter(), EntropyWeighter()))


@pytest.mark.parametrize("shift", [1.0, 0.01])
def test_entropy_minmax_shift(case, shift):
    """Entropy, method="minmax" + shift > 0. Adapter: pymcdm minmax_normalization with
    types (flips cost) + shift; skcriteria MinMaxInverter (min-max *with* the cost flip;
    MinMaxScaler does not flip) then AddValueToZero(shift), which hits every column
    because each min-max column contains an exact 0."""
    X, types, _ = case
    ours = jx.entropy_weights(X, types, method="minmax", shift=shift)
    with quiet():
        z = normalize_matrix(X, pn.minmax_normalization, types) + shift
        close(ours.w, pw.entropy_weights(z))
    close(ours.w, skc_weights(X, types, MinMaxInverter(),
                              AddValueToZero(target="matrix", value=shift), EntropyWeighter()))


def test_entropy_minmax_shift0_skcriteria(case):
    """Entropy, method="minmax", shift 0 (zeros in z; 0·ln 0 = 0): skcriteria only
    (scipy entropy handles 0); pymcdm refuses zeros, see test_documented_differences."""
    X, types, _ = case
    ours = jx.entropy_weights(X, types, method="minmax", shift=0.0)
    close(ours.w, skc_weights(X, types, MinMaxInverter(), EntropyWeighter()))


# --------------------------------------------------------------------------- CRITIC / CV / STD
def test_critic(case):
    """CRITIC (min-max with cost flip, σ × Σ(1 − ρ)). Adapter for pymcdm: critic_weights
    min-maxes with types=None (no cost flip), so pass X * types (min-max of −x is
    (max − x)/range). skcriteria CRITIC() flips cost columns itself (ddof 0 cancels)."""
    X, types, _ = case
    ours = jx.critic_weights(X, types)
    with quiet():
        close(ours.w, pw.critic_weights(X * types))
    close(ours.w, skc_weights(X, types, CRITIC()))


def test_cv(case):
    """CV weights σ/mean of raw X. Neither peer has a CV weighter; adapter: std weights of
    the sum-normalised matrix, since std(x/Σx) = std(x)/(m·mean)."""
    X, types, _ = case
    ours = jx.cv_weights(X, types)
    with quiet():
        close(ours.w, pw.standard_deviation_weights(normalize_matrix(X, pn.sum_normalization, None)))
    close(ours.w, skc_weights(X, types, SumScaler(target="matrix"), StdWeighter()))


def test_std(case):
    """STD weights = σ of min-max columns. Adapter: both peers' std weighters work on the
    matrix they are given, so min-max it first (direction does not change σ)."""
    X, types, _ = case
    ours = jx.std_weights(X, types)
    with quiet():
        close(ours.w, pw.standard_deviation_weights(
            normalize_matrix(X, pn.minmax_normalization, types)))
    close(ours.w, skc_weights(X, types, MinMaxScaler(target="matrix"), StdWeighter()))


# --------------------------------------------------------------------------- TOPSIS
# pymcdm TOPSIS normalises inside (cost via the normalisation, ideal = column max);
# skcriteria TOPSIS has no normalisation, so a scaler step goes in front.
TOPSIS_VARIANTS = {
    # ours minmax: pymcdm default; skcriteria MinMaxScaler without cost flip + ideal = min
    # for MIN objectives (a reflection, distances unchanged)
    "minmax": (None, lambda: [MinMaxScaler(target="matrix")]),
    # ours vector x/‖x‖, ideal = min for cost: pymcdm cost form 1 − x/‖x‖ is a reflection
    "vector": (pn.vector_normalization, lambda: [VectorScaler(target="matrix")]),
    # ours max (x/max, cost min/x): pymcdm linear_normalization; skcriteria BenefitCostInverter
    "max": (pn.linear_normalization, lambda: [BenefitCostInverter()]),
}


@pytest.mark.parametrize("method", list(TOPSIS_VARIANTS))
def test_topsis(case, method):
    """TOPSIS closeness d⁻/(d⁺ + d⁻) on V = R·diag(w) and rank (1 = best) for the
    standardisation ``method``; peers' adapters in TOPSIS_VARIANTS."""
    X, types, w = case
    ours = jx.topsis(X, w, types, method=method, closeness="ratio")
    norm, steps = TOPSIS_VARIANTS[method]
    p, prank = pm_topsis(X, types, w, norm)
    close(ours.closeness, p)
    np.testing.assert_array_equal(np.asarray(ours.rank), prank)
    sim, srank = skc_topsis(X, types, w, *steps())
    close(ours.closeness, sim)
    np.testing.assert_array_equal(np.asarray(ours.rank), srank)


def test_topsis_share_respects_cost_skcriteria(case):
    """Issue 9 fault 1: TOPSIS with share standardisation x/Σx must take a cost column's
    minimum as its ideal. scikit-criteria's SumScaler(target="matrix") is x/Σx with no
    direction change and its TOPSIS takes min for MIN objectives: an independent
    implementation of exactly this variant. (pymcdm's sum_normalization turns cost columns
    into (1/x)/Σ(1/x), a different variant, so it is not compared.)"""
    X, types, w = case
    with quiet():
        ours = jx.topsis(X, w, types, method="share")
    sim, srank = skc_topsis(X, types, w, SumScaler(target="matrix"))
    close(ours.closeness, sim)
    np.testing.assert_array_equal(np.asarray(ours.rank), srank)
    # the old fault (cost ignored) is really different on these data
    with quiet():
        wrong = jx.topsis(X, w, np.ones_like(types), method="share")
    assert np.max(np.abs(np.asarray(wrong.closeness) - sim)) > 1e-6


def test_topsis_minmax_shift_irrelevant(case):
    """TOPSIS minmax with shift: a translation of every column leaves distances unchanged,
    so ours with shift 1 still equals pymcdm's default TOPSIS."""
    X, types, w = case
    ours = jx.topsis(X, w, types, method="minmax", shift=1.0)
    close(ours.closeness, pm_topsis(X, types, w)[0])


def test_default_pipelines(case):
    """Peers' default pipelines vs ours: entropy (share, raw X) weights + TOPSIS minmax.
    pymcdm: TOPSIS()(X, entropy_weights(X), types); skcriteria:
    mkpipe(EntropyWeighter(), MinMaxScaler(target="matrix"), TOPSIS()) with the
    weighter first so it sees raw X."""
    X, types, _ = case
    w = share_entropy(X, types).w
    ours = jx.topsis(X, w, types, method="minmax")
    with quiet():
        top = PTOPSIS()
        p = top(X, pw.entropy_weights(X), types)
        res = mkpipe(EntropyWeighter(), MinMaxScaler(target="matrix"),
                     STOPSIS()).evaluate(skc.mkdm(X, types))
    close(ours.closeness, p)
    np.testing.assert_array_equal(np.asarray(ours.rank), top.rank(p))
    close(ours.closeness, res.e_.similarity)
    np.testing.assert_array_equal(np.asarray(ours.rank), res.values)


# --------------------------------------------------------------------------- differences
def test_documented_differences():
    """Where the variants differ and cannot be compared directly; each is asserted.

    1. pymcdm entropy refuses values ≤ 0 (sum_normalization raises), so entropy minmax
       shift 0 and share on data with zeros are compared with skcriteria only.
    2. pymcdm critic_weights(X) does not flip cost columns: differs from ours when there
       are cost columns, equals ours when all columns are benefit.
    3. skcriteria MinMaxScaler (no cost flip) + EntropyWeighter differs from our entropy
       minmax (hence MinMaxInverter above).
    4. pymcdm standard_deviation_weights(X) is σ of raw X, not of min-max columns.
    5. pymcdm max_normalization uses cost 1 − x/max, not our min/x.
    6. Ties: ours rank like RANK.EQ (1,1,3), pymcdm averages (1.5,1.5,3), skcriteria
       dense ranks (1,1,2); closeness still agrees.
    """
    X, types, w = _case(11, (8, 4))
    gap = 1e-6  # "really different": far above rounding

    # 1. zeros: pymcdm raises, skcriteria matches our 0·ln 0 = 0
    with quiet():
        with pytest.raises(ValueError):
            pw.entropy_weights(normalize_matrix(X, pn.minmax_normalization, types))
        X0 = X.copy()
        X0[2, 0] = X0[5, 2] = 0.0
        with pytest.raises(ValueError):
            pw.entropy_weights(X0)
    close(share_entropy(X0, types).w,
          skc_weights(X0, types, EntropyWeighter()))

    # 2. un-adapted pymcdm CRITIC
    with quiet():
        raw = pw.critic_weights(X)
        assert np.max(np.abs(raw - np.asarray(jx.critic_weights(X, types).w))) > gap
        close(jx.critic_weights(X, np.ones(X.shape[1], int)).w, raw)

    # 3. skcriteria MinMaxScaler + entropy ignores cost directions
    naive = skc_weights(X, types, MinMaxScaler(target="matrix"), EntropyWeighter())
    assert np.max(np.abs(naive - np.asarray(
        jx.entropy_weights(X, types, method="minmax", shift=0.0).w))) > gap

    # 4. pymcdm std weights of raw X
    with quiet():
        assert np.max(np.abs(pw.standard_deviation_weights(X)
                             - np.asarray(jx.std_weights(X, types).w))) > gap

    # 5. pymcdm max_normalization cost form
    p_maxnorm, _ = pm_topsis(X, types, w, pn.max_normalization)
    assert np.max(np.abs(p_maxnorm - np.asarray(
        jx.topsis(X, w, types, method="max").closeness))) > gap

    # 6. tie ranking: duplicate the best row so two rows tie for rank 1
    best = int(np.argmax(np.asarray(jx.topsis(X, w, types, method="minmax").closeness)))
    Xt = np.vstack([X, X[best]])
    ours = jx.topsis(Xt, w, types, method="minmax")
    c = np.asarray(ours.closeness)
    p, prank = pm_topsis(Xt, types, w)
    sim, srank = skc_topsis(Xt, types, w, MinMaxScaler(target="matrix"))
    close(c, p)
    close(c, sim)
    orank = np.asarray(ours.rank)
    np.testing.assert_array_equal(orank, rankdata(-c, method="min"))
    np.testing.assert_array_equal(prank, rankdata(-c, method="average"))
    np.testing.assert_array_equal(srank, rankdata(-c, method="dense"))
    assert orank[best] == orank[-1] == 1 and prank[best] == 1.5 and srank[best] == 1
    assert sorted(orank)[2] == 3 and sorted(srank)[2] == 2
