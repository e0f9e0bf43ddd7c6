"""Temperature calibration of the one-pass conditional densities.

A σ-GPT trained for the short CPU budgets of this project gives over-dispersed densities (its 50% bands cover
far more than half of the truths). One temperature per channel, fitted on validation windows by minimising the
density-mode NLL of the hidden positions, sharpens (T < 1) or flattens (T > 1) them. The temperatures are folded
into the exported graph as a constant per-token logit scale (`model.CalibratedSigmaGPT`), so the ONNX interface
and the Java side stay unchanged.

Fitting windows: for each validation window and each observed fraction in `obs_fracs`, that many steps are drawn
(seeded) and every present channel of them is known; every other present position (both channels) is a query.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch

from .data import Dataset, density_batch, flat_tokens
from .model import block_nll
from .spec import Spec


def fit_temperature(logits: List[np.ndarray], targets: List[np.ndarray], lo: float = 0.2, hi: float = 5.0) -> Tuple[float, float, float]:
    """Temperature minimising the mean NLL of `targets` under softmax(logits / T) (golden-section search on
    log T). logits: arrays [n, bins]; targets: bin indices [n]. -> (T, nll at T=1, nll at T)."""
    x = torch.from_numpy(np.concatenate(logits).astype(np.float64))
    y = torch.from_numpy(np.concatenate(targets).astype(np.int64))

    def nll(t: float) -> float:
        return float(block_nll(x / t, y).mean())

    a, b = np.log(lo), np.log(hi)
    g = (np.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = nll(np.exp(c)), nll(np.exp(d))
    for _ in range(40):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = nll(np.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = nll(np.exp(d))
    t = float(np.exp((a + b) / 2))
    return t, nll(1.0), nll(t)


@torch.no_grad()
def collect_density_logits(model, spec: Spec, tokens: np.ndarray, obs_fracs: Sequence[float], seed: int,
                           batch_size: int = 32) -> Dict[int, Tuple[List[np.ndarray], List[np.ndarray]]]:
    """Per channel: restricted logits [n, bins] and true bin indices of every query position."""
    model.eval()
    rng = np.random.default_rng(seed)
    S, C = spec.window_steps, spec.n_channels
    out = {c: ([], []) for c in range(C)}
    pending = []

    def flush():
        if not pending:
            return
        batch = density_batch([p[0] for p in pending], [p[1] for p in pending], [p[2] for p in pending],
                              spec.bos, spec.start_position, spec.n_positions)
        logits = model(batch["tokens"], batch["pos_in"], batch["pos_out"], batch["attn_mask"]).float()
        for i, (_, _, qp, qt) in enumerate(pending):
            qi = batch["query_index"][i, :len(qp)]
            rows = logits[i, qi]
            for c in range(C):
                sel = np.nonzero(qp % C == c)[0]
                if len(sel) == 0:
                    continue
                a, b = spec.block_range(c)
                out[c][0].append(rows[sel, a:b].numpy())
                out[c][1].append(qt[sel] - a)
        pending.clear()

    for w in range(tokens.shape[0]):
        flat = flat_tokens(np.asarray(tokens[w], dtype=np.int64))
        for frac in obs_fracs:
            n_obs = max(2, int(round(frac * S)))
            obs = np.sort(rng.choice(S, size=n_obs, replace=False))
            is_obs = np.zeros(S * C, bool)
            for s in obs:
                is_obs[s * C:(s + 1) * C] = True
            kp = np.nonzero(is_obs & (flat >= 0))[0].astype(np.int64)
            qp = np.nonzero(~is_obs & (flat >= 0))[0].astype(np.int64)
            if len(qp) == 0:
                continue
            pending.append((kp, flat[kp], qp, flat[qp]))
            if len(pending) >= batch_size:
                flush()
    flush()
    return out


def calibrate(args) -> Dict:
    from .train import load_checkpoint, set_threads
    set_threads(args.threads)
    model, ck, spec = load_checkpoint(args.ckpt, "cpu")
    ds = Dataset.open(args.data)
    if ds.spec.sha256 != spec.sha256:
        raise SystemExit("checkpoint spec differs from the dataset's spec")
    sp = ds.split(args.split)
    n = min(len(sp), args.max_windows) if args.max_windows else len(sp)
    fracs = [float(f) for f in args.obs_fracs.split(",")]
    print(f"calibrating {args.ckpt} on {n} {args.split} windows, observed fractions {fracs}", flush=True)
    collected = collect_density_logits(model, spec, sp.tokens[:n], fracs, args.seed)
    result = {"ckpt": str(args.ckpt), "split": args.split, "windows": n, "obs_fracs": fracs, "seed": args.seed}
    temps = []
    for c, name in enumerate(("vertical_rate", "altitude")):
        logits, targets = collected[c]
        t, before, after = fit_temperature(logits, targets)
        temps.append(t)
        result[name] = {"temperature": t, "queries": int(sum(len(y) for y in targets)), "nll_t1": before, "nll_fitted": after}
        print(f"  {name:<14} T = {t:.3f}  NLL {before:.4f} -> {after:.4f} over {result[name]['queries']} queries", flush=True)
    result["temperatures"] = temps
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(f"wrote {out}", flush=True)
    return result


def load_temperatures(path) -> List[float]:
    return [float(t) for t in json.loads(Path(path).read_text())["temperatures"]]


def add_calibrate_args(p):
    p.add_argument("--ckpt", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="val", choices=["train", "val", "test"])
    p.add_argument("--out", required=True, help="calibration JSON (temperatures per channel)")
    p.add_argument("--max-windows", type=int, default=600, help="0 = all")
    p.add_argument("--obs-fracs", default="0.1,0.25,0.5", help="observed fractions of steps to fit on")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=1)
