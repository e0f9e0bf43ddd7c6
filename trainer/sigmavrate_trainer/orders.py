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
"""
from __future__ import annotations

from collections import deque
from typing import List

import numpy as np

ORDER_KINDS = ("random", "l2r", "fractal", "curriculum")


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


def curriculum_l2r_fraction(progress: float, curriculum_frac: float) -> float:
    if curriculum_frac <= 0:
        return 0.0
    return float(min(1.0, max(0.0, 1.0 - progress / curriculum_frac)))


class OrderSampler:
    def __init__(self, kind: str, rng: np.random.Generator, curriculum_frac: float = 0.3):
        if kind not in ORDER_KINDS:
            raise ValueError(f"unknown order {kind!r}; one of {ORDER_KINDS}")
        self.kind = kind
        self.rng = rng
        self.curriculum_frac = curriculum_frac

    def l2r_fraction(self, progress: float) -> float:
        if self.kind == "l2r":
            return 1.0
        if self.kind == "curriculum":
            return curriculum_l2r_fraction(progress, self.curriculum_frac)
        return 0.0

    def __call__(self, present: np.ndarray, progress: float = 0.0) -> np.ndarray:
        if self.kind == "l2r":
            return l2r_order(present)
        if self.kind == "fractal":
            return fractal_order(present)
        if self.kind == "curriculum" and self.rng.random() < self.l2r_fraction(progress):
            return l2r_order(present)
        return random_order(present, self.rng)
