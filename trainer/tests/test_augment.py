import numpy as np

from sigmavrate_trainer.augment import Augmenter, allowed_shift, reverse_time, shift_altitude
from sigmavrate_trainer.orders import OrderSampler, known_steps_first, use_shaped_known_steps


def climb_then_descend(spec, steps=64):
    """A window whose altitudes are the trapezoid integral of its rates (ADS-B-like multiples of 64 ft/min and
    25 ft): rate 1,536 ft/min for 20 steps, level, then -1,024 ft/min; every 7th rate and 5th altitude missing."""
    dt_min = spec.step_seconds / 60.0
    rate = np.zeros(steps)
    rate[5:25] = 1536.0
    rate[40:60] = -1024.0
    alt = 8000.0 + np.concatenate([[0.0], np.cumsum((rate[1:] + rate[:-1]) / 2.0 * dt_min)])
    values = np.stack([rate, alt], axis=1)
    values[::7, 0] = np.nan
    values[::5, 1] = np.nan
    return values


def relation_residuals(values, spec):
    """Per pair of consecutive steps with both channels present: altitude change - trapezoid integral of the rate."""
    dt_min = spec.step_seconds / 60.0
    r, a = values[:, 0], values[:, 1]
    res = np.diff(a) - (r[1:] + r[:-1]) / 2.0 * dt_min
    return res[np.isfinite(res)]


def test_shift_and_reversal_keep_the_altitude_rate_relation(spec):
    v = climb_then_descend(spec)
    base = relation_residuals(v, spec)
    assert len(base) > 20 and np.allclose(base, 0.0)
    shifted = shift_altitude(v, 3275.0)
    assert np.allclose(relation_residuals(shifted, spec), 0.0)
    assert np.array_equal(shifted[:, 0], v[:, 0], equal_nan=True)
    rev = reverse_time(v)
    assert np.allclose(relation_residuals(rev, spec), 0.0)
    # the climb became the end of a reversed descent: first rate of the reversed window is -(last rate)
    assert np.array_equal(rev[:, 0], -v[::-1, 0], equal_nan=True)
    assert np.array_equal(rev[:, 1], v[::-1, 1], equal_nan=True)


def test_relation_residuals_survive_augmentation_on_real_like_noise(spec):
    # a noisy window (residuals not zero) keeps exactly its residuals, reversed and negated, under reversal
    rng = np.random.default_rng(4)
    v = climb_then_descend(spec)
    v[:, 0] += rng.normal(0, 64, len(v))
    res = relation_residuals(v, spec)
    assert np.allclose(relation_residuals(reverse_time(v), spec), -res[::-1])
    assert np.allclose(relation_residuals(shift_altitude(v, -1250.0), spec), res)


def test_augmenter_tokens_stay_in_range_and_missing_stays_missing(spec):
    v = climb_then_descend(spec)
    tokens = spec.tokenize(v)
    aug = Augmenter(spec, np.random.default_rng(0), shift_prob=1.0, max_shift_ft=60000.0, reverse_prob=0.5)
    alt_block = spec.block(1)
    for _ in range(50):
        t = aug(tokens, v)
        assert t.shape == tokens.shape
        present = t >= 0
        assert present.sum() == (tokens >= 0).sum()
        alt = spec.detokenize(t[:, 1][t[:, 1] >= 0])
        # inside the inner edges: never in the open-ended outer bins
        assert alt.min() > alt_block.inner_edges[0] and alt.max() < alt_block.inner_edges[-1]
    shift_only = Augmenter(spec, np.random.default_rng(1), shift_prob=1.0, max_shift_ft=5000.0)
    moved = 0
    for _ in range(20):
        t = shift_only(tokens, v)
        # a whole number of 25 ft bins: every altitude moves by the same amount and the rates keep their tokens
        delta = spec.detokenize(t[:, 1]) - spec.detokenize(tokens[:, 1])
        delta = delta[np.isfinite(delta)]
        assert np.allclose(delta, delta[0]) and delta[0] % 25.0 == 0.0
        assert np.array_equal(t[:, 0], tokens[:, 0])
        moved += delta[0] != 0
    assert moved >= 18


def test_allowed_shift_keeps_the_window_inside_bounds():
    v = np.array([[0.0, 100.0], [0.0, 900.0], [np.nan, np.nan]])
    lo, hi = allowed_shift(v, 5000.0, -987.5, 49987.5)
    assert lo == -1087.5 and hi == 5000.0
    assert allowed_shift(np.full((3, 2), np.nan), 5000.0, -987.5, 49987.5) == (0.0, 0.0)


def test_use_shaped_orders_put_whole_known_steps_first(spec):
    rng = np.random.default_rng(1)
    present = np.arange(128)
    for pattern in ("sparse", "gap", "forecast"):
        for _ in range(20):
            known = use_shaped_known_steps(64, rng, pattern)
            if pattern == "sparse":
                assert 2 <= known.sum() <= 19
            if pattern == "gap":
                edges = np.diff(np.concatenate([[0], (~known).astype(int), [0]]))
                hidden_runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
                assert hidden_runs.max() >= 4
            if pattern == "forecast":
                assert not known[-4:].any()
    sampler = OrderSampler("random", rng, use_share=1.0)
    for _ in range(50):
        order = sampler(present)
        assert sorted(order.tolist()) == present.tolist()
    known_step = np.zeros(64, bool)
    known_step[[3, 10, 11, 40]] = True
    present = np.array([p for p in range(128) if p not in (21, 80)])  # step 10's altitude and step 40's rate missing
    for _ in range(20):
        order = known_steps_first(present, known_step, rng, 2)
        assert sorted(order[:6].tolist()) == [6, 7, 20, 22, 23, 81]
        assert sorted(order.tolist()) == present.tolist()


def test_l2r_ignores_use_share():
    sampler = OrderSampler("l2r", np.random.default_rng(0), use_share=1.0)
    assert sampler(np.array([5, 1, 3])).tolist() == [1, 3, 5]
