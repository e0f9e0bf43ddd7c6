"""Small synthetic dataset in the real dataset's format (for tests and smoke runs only).

Each window is a piecewise-linear vertical-rate profile (levels, climbs, descents joined by short
ramps); the altitude is integrated from the rate; rates are reported as multiples of 64 ft/min and
altitudes as multiples of 25 ft, with a little noise and some missing values. Tokens come from the
spec through the Python tokenizer (spec.Spec.tokenize).
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from .spec import Spec


def synth_window(rng: np.random.Generator, steps: int, step_s: float):
    n_seg = rng.integers(1, 5)
    cuts = np.sort(rng.choice(np.arange(4, steps - 4), size=n_seg - 1, replace=False)) if n_seg > 1 else []
    bounds = np.concatenate([[0], cuts, [steps]]).astype(int)
    targets = []
    for _ in range(n_seg):
        u = rng.random()
        if u < 0.5:
            targets.append(0.0)
        elif u < 0.75:
            targets.append(float(rng.uniform(500, 3000)))
        else:
            targets.append(-float(rng.uniform(500, 2500)))
    rate = np.zeros(steps)
    prev = targets[0]
    for s, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        tgt = targets[s]
        ramp = int(rng.integers(1, 4))
        for i in range(a, b):
            k = min(1.0, (i - a + 1) / ramp) if s > 0 else 1.0
            rate[i] = prev + (tgt - prev) * k
        prev = tgt
    alt0 = rng.uniform(1000, 38000)
    alt = alt0 + np.concatenate([[0.0], np.cumsum(rate[:-1] * step_s / 60.0)])
    rate_rep = np.round((rate + rng.normal(0, 40, steps)) / 64.0) * 64.0
    alt_rep = np.round((alt + rng.normal(0, 15, steps)) / 25.0) * 25.0
    values = np.stack([rate_rep, alt_rep], axis=1)
    miss = rng.random((steps, 2)) < np.array([0.08, 0.04])
    if rng.random() < 0.3:  # a gap
        g0 = int(rng.integers(0, steps - 6))
        miss[g0:g0 + int(rng.integers(2, 6)), :] = True
    values[miss] = np.nan
    return values.astype(np.float32)


def make_synthetic_dataset(out_dir, spec_path=None, n_train: int = 512, n_val: int = 64, n_test: int = 64,
                           seed: int = 0) -> Path:
    spec = Spec.load(spec_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "spec.json").write_bytes(spec.raw)
    rng = np.random.default_rng(seed)
    counts = {}
    for split, n in (("train", n_train), ("val", n_val), ("test", n_test)):
        vals = np.stack([synth_window(rng, spec.window_steps, spec.step_seconds) for _ in range(n)]) if n else \
            np.zeros((0, spec.window_steps, spec.n_channels), np.float32)
        toks = spec.tokenize(vals).astype(np.int32)
        flags = np.where(np.isfinite(vals[:, :, 0]), 1, 0).astype(np.uint8)
        np.save(out / f"{split}_tokens.npy", toks)
        np.save(out / f"{split}_values.npy", vals)
        np.save(out / f"{split}_flags.npy", flags)
        with open(out / f"{split}_windows.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["window", "flight_id", "source", "grid_start_ms", "origin"])
            for i in range(n):
                w.writerow([i, f"synth-{split}-{i}", "synthetic", 1_600_000_000_000 + i * 640_000, "synthetic"])
        counts[split] = n
    manifest = {"spec_sha256": spec.sha256, "seed": seed, "source": "synthetic", "counts": counts}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return out
