import numpy as np

from sigmavrate_trainer.orders import (OrderSampler, curriculum_l2r_fraction, fractal_indices, fractal_order,
                                       l2r_order, random_order)


def _reference_fractal(n):
    """Midpoint of [0, n) first, then the midpoints of the halves, level by level (recursive definition)."""
    levels = {}

    def rec(lo, hi, depth):
        if lo >= hi:
            return
        mid = (lo + hi) // 2
        levels.setdefault(depth, []).append(mid)
        rec(lo, mid, depth + 1)
        rec(mid + 1, hi, depth + 1)
    rec(0, n, 0)
    return [i for d in sorted(levels) for i in levels[d]]


def test_fractal_matches_definition():
    assert fractal_indices(0) == []
    assert fractal_indices(1) == [0]
    assert fractal_indices(7) == [3, 1, 5, 0, 2, 4, 6]
    assert fractal_indices(8) == [4, 2, 6, 1, 3, 5, 7, 0]
    for n in range(0, 40):
        assert fractal_indices(n) == _reference_fractal(n)
        assert sorted(fractal_indices(n)) == list(range(n))


def test_orders_are_permutations_of_present_positions():
    rng = np.random.default_rng(0)
    present = np.sort(rng.choice(128, size=77, replace=False))
    for o in (random_order(present, rng), l2r_order(present), fractal_order(present)):
        assert sorted(o.tolist()) == present.tolist()
    assert (l2r_order(present[::-1]) == present).all()
    assert fractal_order(present)[0] == present[len(present) // 2]
    for kind in ("random", "l2r", "fractal", "curriculum"):
        s = OrderSampler(kind, np.random.default_rng(1))
        for prog in (0.0, 0.5, 1.0):
            assert sorted(s(present, prog).tolist()) == present.tolist()


def test_random_order_is_seeded():
    p = np.arange(100)
    a = random_order(p, np.random.default_rng(5))
    b = random_order(p, np.random.default_rng(5))
    assert (a == b).all() and not (a == p).all()


def test_curriculum_decays_from_l2r_to_random():
    assert curriculum_l2r_fraction(0.0, 0.3) == 1.0
    assert abs(curriculum_l2r_fraction(0.15, 0.3) - 0.5) < 1e-12
    assert curriculum_l2r_fraction(0.3, 0.3) == 0.0 and curriculum_l2r_fraction(0.9, 0.3) == 0.0
    p = np.arange(60)
    s = OrderSampler("curriculum", np.random.default_rng(0), curriculum_frac=0.3)
    assert all((s(p, 0.0) == p).all() for _ in range(20))
    late = [(s(p, 0.5) == p).all() for _ in range(20)]
    assert not any(late)
    mid = [(s(p, 0.15) == p).all() for _ in range(200)]
    assert 50 < sum(mid) < 150
