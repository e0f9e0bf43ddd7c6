"""Generation orders over the PRESENT positions of a window.

A window has 128 positions p = step * 2 + channel. Missing positions (token -1) are simply absent from
the sequence. Both channels are ordered together: an order is a permutation of all present positions,
so a rate may come before or after the altitude of its own step (this is what lets the model answer
p(x_r | any set of known positions), e.g. a rate given only altitudes).

* random:     uniform random permutation (seeded numpy Generator)
* l2r:        ascending position (step by step, rate before altitude within a step)
* fractal:    over the ascending list of present positions: the midpoint first, then the midpoints of the
              two halves, breadth-first (interval [lo, hi) -> mid = (lo + hi) // 2, children [lo, mid)
              and [mid + 1, hi))
* curriculum: each sequence is l2r with probability f, random otherwise; f decays linearly from 1 at the
              start of training to 0 when the training progress (0..1, steps or time) reaches
              `curriculum_frac`, then stays 0.

Use-shaped orders (`use_share` > 0, any kind but l2r): that share of the sequences is ordered like a query of
the service or of `evaluate`: a known set of WHOLE steps (every present channel of them) first, then the other
positions in random order. The known steps follow one of three patterns, drawn uniformly:
* sparse:   2 .. 30% of the steps, drawn uniformly;
* gap:      every step outside one hidden run of 4 .. S/2 steps strictly inside the window;
* forecast: the steps before a cut in [S/4, S-4);
in gap and forecast each known step is then kept with one probability drawn in [0.2, 1] (reports are sparse in
the service too). The known part comes in ascending position order (as the Java density pass feeds it) or in
random order, with even odds. The rest of the window stays in random order, so the model keeps learning
every conditional.
"""
from __future__ import annotations

from collections import deque
from typing import List

import numpy as np

ORDER_KINDS = ("random", "l2r", "fractal", "curriculum")
USE_PATTERNS = ("sparse", "gap", "forecast")


def random_order(present: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    present = np.asarray(present, dtype=np.int64)
    return present[rng.permutation(len(present))]


def l2r_order(present: np.ndarray) -> np.ndarray:
    return np.sort(np.asarray(present, dtype=np.int64))


def fractal_indices(n: int) -> List[int]:
    out: List[int] = []
    q = deque([(0, n)])
    while q:
        lo, hi = q.popleft()
        if lo >= hi:
            continue
        mid = (lo + hi) // 2
        out.append(mid)
        q.append((lo, mid))
        q.append((mid + 1, hi))
    return out


def fractal_order(present: np.ndarray) -> np.ndarray:
    s = np.sort(np.asarray(present, dtype=np.int64))
    return s[np.asarray(fractal_indices(len(s)), dtype=np.int64)] if len(s) else s


def use_shaped_known_steps(steps: int, rng: np.random.Generator, pattern: str) -> np.ndarray:
    """Boolean [steps]: which steps are known under a use-shaped pattern (see the module doc)."""
    known = np.zeros(steps, bool)
    if pattern == "sparse":
        k = int(rng.integers(2, max(3, int(round(0.3 * steps))) + 1))
        known[rng.choice(steps, size=min(k, steps), replace=False)] = True
        return known
    if pattern == "gap":
        g = int(rng.integers(min(4, steps - 2), max(5, steps // 2) + 1))
        g = min(g, steps - 2)
        start = int(rng.integers(1, steps - g))
        known[:] = True
        known[start:start + g] = False
    elif pattern == "forecast":
        cut = int(rng.integers(max(1, steps // 4), max(2, steps - 4)))
        known[:cut] = True
    else:
        raise ValueError(f"unknown pattern {pattern!r}")
    keep = rng.uniform(0.2, 1.0)
    known &= rng.random(steps) < keep
    return known


def use_shaped_order(present: np.ndarray, rng: np.random.Generator, n_channels: int, steps: int) -> np.ndarray:
    """The present positions ordered as a use-shaped query: known whole steps first, then the rest at random."""
    pattern = USE_PATTERNS[int(rng.integers(len(USE_PATTERNS)))]
    return known_steps_first(present, use_shaped_known_steps(steps, rng, pattern), rng, n_channels)


def known_steps_first(present: np.ndarray, known_step: np.ndarray, rng: np.random.Generator,
                      n_channels: int) -> np.ndarray:
    """Every present position of a known step (ascending or shuffled, even odds), then the others shuffled."""
    present = np.asarray(present, dtype=np.int64)
    is_known = known_step[present // n_channels]
    known, rest = np.sort(present[is_known]), present[~is_known]
    if rng.random() < 0.5:
        known = known[rng.permutation(len(known))]
    return np.concatenate([known, rest[rng.permutation(len(rest))]])


def curriculum_l2r_fraction(progress: float, curriculum_frac: float) -> float:
    if curriculum_frac <= 0:
        return 0.0
    return float(min(1.0, max(0.0, 1.0 - progress / curriculum_frac)))


class OrderSampler:
    def __init__(self, kind: str, rng: np.random.Generator, curriculum_frac: float = 0.3, use_share: float = 0.0,
                 n_channels: int = 2, steps: int = 64):
        if kind not in ORDER_KINDS:
            raise ValueError(f"unknown order {kind!r}; one of {ORDER_KINDS}")
        if not 0.0 <= use_share <= 1.0:
            raise ValueError(f"use_share must be in [0, 1], got {use_share}")
        self.kind = kind
        self.rng = rng
        self.curriculum_frac = curriculum_frac
        self.use_share = use_share if kind != "l2r" else 0.0
        self.n_channels = n_channels
        self.steps = steps

    def l2r_fraction(self, progress: float) -> float:
        if self.kind == "l2r":
            return 1.0
        if self.kind == "curriculum":
            return curriculum_l2r_fraction(progress, self.curriculum_frac)
        return 0.0

    def __call__(self, present: np.ndarray, progress: float = 0.0) -> np.ndarray:
        if self.kind == "l2r":
            return l2r_order(present)
        if self.use_share > 0 and self.rng.random() < self.use_share:
            return use_shaped_order(present, self.rng, self.n_channels, self.steps)
        if self.kind == "fractal":
            return fractal_order(present)
        if self.kind == "curriculum" and self.rng.random() < self.l2r_fraction(progress):
            return l2r_order(present)
        return random_order(present, self.rng)
