"""Physics-respecting augmentations of a training window, on its raw values ([S, C] float, NaN = missing).

Both keep the relation between the two channels: the altitude change between two steps is the integral of the
vertical rate over them.

* Altitude shift: every altitude of the window moves by one offset, the rates are untouched (a climb from FL100
  looks like a climb from FL130). The offset is drawn uniformly in [-max_shift, max_shift] ft, limited so that
  no altitude leaves the spec's inner altitude edges (the open-ended outer bins would swallow the shift), and
  rounded to a whole number of altitude bins: ADS-B altitudes sit on bin centres, and a fractional offset would
  add a quantization error that breaks the altitude-rate relation the augmentation must keep.
* Time reversal: steps in reverse order and rates negated (a descent played backwards is a climb); altitudes keep
  their values. Altitude(t) = h0 + integral(rate) holds in reversed time with the negated rate.

Windows are re-tokenized with the spec after augmenting (`Spec.tokenize`), exactly as the Java tokenizer does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE, ALTITUDE = 0, 1


def shift_altitude(values: np.ndarray, offset_ft: float) -> np.ndarray:
    out = np.array(values, dtype=np.float64, copy=True)
    out[:, ALTITUDE] += offset_ft
    return out


def reverse_time(values: np.ndarray) -> np.ndarray:
    out = np.array(values[::-1], dtype=np.float64, copy=True)
    out[:, RATE] = -out[:, RATE]
    return out


def allowed_shift(values: np.ndarray, max_shift_ft: float, alt_floor: float, alt_ceiling: float):
    """(lo, hi) of the offsets that keep every present altitude within [alt_floor, alt_ceiling]."""
    alts = values[:, ALTITUDE]
    alts = alts[np.isfinite(alts)]
    if len(alts) == 0:
        return 0.0, 0.0
    lo = max(-max_shift_ft, alt_floor - float(alts.min()))
    hi = min(max_shift_ft, alt_ceiling - float(alts.max()))
    return (lo, hi) if lo <= hi else (0.0, 0.0)


@dataclass
class Augmenter:
    """Draws the augmentations of one training window. All randomness from the numpy Generator `rng`.

    shift_prob / reverse_prob: probability that a window is shifted / reversed (independently)."""
    spec: object
    rng: np.random.Generator
    shift_prob: float = 0.0
    max_shift_ft: float = 10000.0
    reverse_prob: float = 0.0

    def __post_init__(self):
        alt = self.spec.block(ALTITUDE)
        self.alt_floor = float(alt.inner_edges[0])
        self.alt_ceiling = float(alt.inner_edges[-1])
        self.alt_quantum = float(alt.values[1] - alt.values[0])

    @property
    def active(self) -> bool:
        return self.shift_prob > 0 or self.reverse_prob > 0

    def __call__(self, tokens: np.ndarray, values: np.ndarray) -> np.ndarray:
        """tokens [S, C] of the window (as stored) -> tokens of the augmented window."""
        shift = self.shift_prob > 0 and self.rng.random() < self.shift_prob
        reverse = self.reverse_prob > 0 and self.rng.random() < self.reverse_prob
        if not (shift or reverse):
            return tokens
        v = np.asarray(values, dtype=np.float64)
        present = np.asarray(tokens) >= 0
        # a value the dataset kept without a token (none today) must stay missing
        v = np.where(present, v, np.nan)
        if shift:
            lo, hi = allowed_shift(v, self.max_shift_ft, self.alt_floor, self.alt_ceiling)
            q = self.alt_quantum
            v = shift_altitude(v, q * self.rng.integers(int(np.ceil(lo / q)), int(np.floor(hi / q)) + 1))
        if reverse:
            v = reverse_time(v)
        return self.spec.tokenize(v)
