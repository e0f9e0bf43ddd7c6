import numpy as np

from sigmavrate_trainer.eval import altdiff_baseline, interp_baseline, quantiles_from_probs


def test_interp_baseline():
    r = interp_baseline(np.array([0, 10]), np.array([0.0, 1000.0]), np.array([5, 12, 3]))
    assert np.allclose(r, [500.0, 1000.0, 300.0])
    assert np.allclose(interp_baseline(np.array([0, 10]), np.array([np.nan, np.nan]), np.array([4])), [0.0])


def test_altdiff_baseline():
    steps = np.array([0, 6, 9])
    rates = np.array([np.nan, 500.0, np.nan])
    alts = np.array([1000.0, 2000.0, np.nan])
    r = altdiff_baseline(steps, rates, alts, np.array([3, 8, 12]), 10.0)
    # 1000 ft over 60 s = 1000 ft/min between steps 0 and 6; elsewhere the nearest observed rate (500)
    assert np.allclose(r, [1000.0, 500.0, 500.0])
    r = altdiff_baseline(steps, np.full(3, np.nan), alts, np.array([8]), 10.0)
    assert np.allclose(r, [1000.0])


def test_quantiles_piecewise_uniform():
    lo = np.array([0.0, 1.0, 2.0])
    hi = np.array([1.0, 2.0, 3.0])
    p = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    q = quantiles_from_probs(p, lo, hi, [0.5, 0.25, 0.75])
    assert np.allclose(q[0], [1.5, 1.25, 1.75])
    assert np.allclose(q[1, 1:], [0.5, 2.5]) and 0.99 <= q[1, 0] <= 2.01
