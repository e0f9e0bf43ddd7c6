"""Evaluation of a checkpoint on a dataset split.

1. NLL per token (nats) in random order (seeded) and in left-to-right order.
2. Conditional density of hidden vertical rates with a fraction (default 10%) of the steps observed:
   for each window, `round(obs_frac * 64)` steps are drawn (seeded); every present channel of those steps
   is known (ascending position order); every other step whose raw rate is present is a hidden target.
   One forward pass per batch (density mode) gives p(rate_r | known) for every hidden r.
   Reported: NLL of the true rate token, MAE of the density median against the RAW rate
   (S_values.npy), MAE of the density mean, and the coverage of the central 50% and 90% intervals;
   again on the subset of hidden rates reported by the aircraft (S_flags bit0) when flags exist.
   Quantiles spread each bin's probability uniformly between its edges (outer open-ended bins get a
   width symmetric around their representative value).
   Baselines on the same windows / hidden steps, from the raw values of the observed steps:
   * linear interpolation of the observed rates (constant extrapolation beyond the first/last);
   * altitude difference: between two consecutive observed steps with known altitude i < h < j the mean
     rate (alt_j - alt_i) / (t_j - t_i) in ft/min; elsewhere persistence of the nearest observed rate
     (if no rate is observed: the nearest altitude-difference rate, else 0).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from .data import Dataset, density_batch, flat_tokens
from .model import CalibratedSigmaGPT, block_nll
from .spec import Spec
from .train import load_checkpoint, mean_nll, set_threads


def quantiles_from_probs(probs: np.ndarray, lo: np.ndarray, hi: np.ndarray, qs) -> np.ndarray:
    """probs [N, bins] (rows sum to 1) -> [N, len(qs)] values, piecewise-uniform inside each bin."""
    cdf = np.cumsum(probs, axis=1)
    out = np.empty((probs.shape[0], len(qs)))
    for j, q in enumerate(qs):
        i = np.clip((cdf < q).sum(axis=1), 0, probs.shape[1] - 1)
        prev = np.where(i > 0, cdf[np.arange(len(i)), np.maximum(i - 1, 0)], 0.0)
        p = np.maximum(probs[np.arange(len(i)), i], 1e-12)
        frac = np.clip((q - prev) / p, 0.0, 1.0)
        out[:, j] = lo[i] + frac * (hi[i] - lo[i])
    return out


def interp_baseline(obs_steps: np.ndarray, obs_rates: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    ok = np.isfinite(obs_rates)
    if not ok.any():
        return np.zeros(len(hidden))
    return np.interp(hidden, obs_steps[ok], obs_rates[ok])


def altdiff_baseline(obs_steps: np.ndarray, obs_rates: np.ndarray, obs_alts: np.ndarray, hidden: np.ndarray,
                     step_s: float) -> np.ndarray:
    aok = np.isfinite(obs_alts)
    a_steps, a_vals = obs_steps[aok], obs_alts[aok]
    seg_rates = (np.diff(a_vals) / (np.diff(a_steps) * step_s) * 60.0) if len(a_steps) >= 2 else np.zeros(0)
    rok = np.isfinite(obs_rates)
    r_steps, r_vals = obs_steps[rok], obs_rates[rok]
    out = np.zeros(len(hidden))
    for k, h in enumerate(hidden):
        j = np.searchsorted(a_steps, h)
        if 0 < j < len(a_steps):
            out[k] = seg_rates[j - 1]
        elif len(r_steps):
            out[k] = r_vals[np.argmin(np.abs(r_steps - h))]
        elif len(seg_rates):
            out[k] = seg_rates[0] if j == 0 else seg_rates[-1]
    return out


def order_ensemble(order_logits: torch.Tensor, bins: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The density averaged over K orders of the known tokens, and the NLL of the true bins under it.
    order_logits [K, M, bins]: the rate-block logits of M queries for each order; bins [M]: the true bins.
    -> (probs [M, bins] float64, nll [M]) with nll = -log mean_k p_k(bin) = log K - logsumexp_k(-block_nll_k)."""
    probs = torch.softmax(order_logits, dim=-1).numpy().astype(np.float64).mean(0)
    probs /= probs.sum(1, keepdims=True)
    targets = torch.from_numpy(np.asarray(bins, dtype=np.int64))
    nll_k = torch.stack([block_nll(lg.double(), targets) for lg in order_logits])
    nll = math.log(len(order_logits)) - torch.logsumexp(-nll_k, dim=0)
    return probs, nll.numpy()


@torch.no_grad()
def density_eval(model, spec: Spec, tokens: np.ndarray, values: np.ndarray, obs_frac: float, seed: int,
                 batch_size: int = 64, device="cpu", flags: Optional[np.ndarray] = None, known_orders: int = 1) -> Dict:
    model.eval()
    rng = np.random.default_rng(seed)
    order_rng = np.random.default_rng(seed + 1)
    S, C = spec.window_steps, spec.n_channels
    n_obs = max(1, int(round(obs_frac * S)))
    blk = spec.block(0)
    a, b = spec.block_range(0)
    lo, hi = blk.bin_bounds()
    qs = [0.5, 0.25, 0.75, 0.05, 0.95]
    rows: List[Dict[str, np.ndarray]] = []
    pending = []

    def flush():
        if not pending:
            return
        # known_orders > 1: the densities of several random orders of the known tokens are averaged (an
        # ensemble over orders; order 0 is ascending position order, as with known_orders = 1)
        kps, kts, qps = [], [], []
        for p in pending:
            for k in range(known_orders):
                perm = np.arange(len(p["kp"])) if k == 0 else order_rng.permutation(len(p["kp"]))
                kps.append(p["kp"][perm])
                kts.append(p["kt"][perm])
                qps.append(p["qp"])
        batch = density_batch(kps, kts, qps, spec.bos, spec.start_position, spec.n_positions, device=device)
        logits = model(batch["tokens"], batch["pos_in"], batch["pos_out"], batch["attn_mask"]).float()
        for i, p in enumerate(pending):
            rows_of_orders = [batch["query_index"][i * known_orders + k, :len(p["qp"])] for k in range(known_orders)]
            order_logits = torch.stack([logits[i * known_orders + k, qi, a:b] for k, qi in enumerate(rows_of_orders)])
            probs, nll = order_ensemble(order_logits.cpu(), p["true_tok"] - a)
            qv = quantiles_from_probs(probs, lo, hi, qs)
            rows.append(dict(nll=nll, median=qv[:, 0], q25=qv[:, 1], q75=qv[:, 2],
                             q05=qv[:, 3], q95=qv[:, 4], mean=probs @ blk.values, truth=p["truth"],
                             interp=p["interp"], altdiff=p["altdiff"], reported=p["reported"]))
        pending.clear()

    n_windows = 0
    for w in range(tokens.shape[0]):
        tok = np.asarray(tokens[w], dtype=np.int64)
        val = np.asarray(values[w], dtype=np.float64)
        obs = np.sort(rng.choice(S, size=n_obs, replace=False))
        is_obs = np.zeros(S, bool)
        is_obs[obs] = True
        hidden = np.nonzero(~is_obs & np.isfinite(val[:, 0]) & (tok[:, 0] >= 0))[0]
        if len(hidden) == 0:
            continue
        flat = flat_tokens(tok)
        kp = np.array([s * C + c for s in obs for c in range(C) if flat[s * C + c] >= 0], dtype=np.int64)
        kt = flat[kp] if len(kp) else np.zeros(0, np.int64)
        rep = (np.asarray(flags[w])[hidden] & 1).astype(bool) if flags is not None else np.ones(len(hidden), bool)
        pending.append(dict(kp=kp, kt=kt, qp=hidden * C + 0, true_tok=tok[hidden, 0], truth=val[hidden, 0], reported=rep,
                            interp=interp_baseline(obs, val[obs, 0], hidden),
                            altdiff=altdiff_baseline(obs, val[obs, 0], val[obs, 1], hidden, spec.step_seconds)))
        n_windows += 1
        if len(pending) >= batch_size:
            flush()
    flush()
    if not rows:
        return {"windows": 0, "hidden_rates": 0}
    cat = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    res = {"windows": n_windows, "observed_steps_per_window": n_obs}
    res.update(_density_metrics(cat))
    rep = cat["reported"]
    if flags is not None and rep.any() and not rep.all():
        res["reported_rates_only"] = _density_metrics({k: v[rep] for k, v in cat.items()})
    return res


def _density_metrics(cat: Dict[str, np.ndarray]) -> Dict:
    t = cat["truth"]
    return {
        "hidden_rates": int(len(t)),
        "model_nll": float(cat["nll"].mean()),
        "model_median_mae": float(np.abs(cat["median"] - t).mean()),
        "model_mean_mae": float(np.abs(cat["mean"] - t).mean()),
        "coverage_50": float(((t >= cat["q25"]) & (t <= cat["q75"])).mean()),
        "coverage_90": float(((t >= cat["q05"]) & (t <= cat["q95"])).mean()),
        "width_50": float((cat["q75"] - cat["q25"]).mean()),
        "width_90": float((cat["q95"] - cat["q05"]).mean()),
        "interp_mae": float(np.abs(cat["interp"] - t).mean()),
        "altdiff_mae": float(np.abs(cat["altdiff"] - t).mean()),
        "truth_mean_abs": float(np.abs(t).mean()),
    }


def evaluate(args) -> Dict:
    set_threads(args.threads)
    device = torch.device(args.device)
    model, ck, spec = load_checkpoint(args.ckpt, device)
    if args.calibration:
        from .calibrate import load_temperatures
        model = CalibratedSigmaGPT(model, spec, load_temperatures(args.calibration)).to(device).eval()
    ds = Dataset.open(args.data)
    if ds.spec.sha256 != spec.sha256:
        raise SystemExit("checkpoint spec differs from the dataset's spec")
    sp = ds.split(args.split)
    n = len(sp) if not args.max_windows else min(len(sp), args.max_windows)
    tokens, values = sp.tokens[:n], np.asarray(sp.values[:n])
    print(f"evaluating {args.ckpt} on {args.data} [{args.split}] ({n} windows)", flush=True)
    res = {"ckpt": str(args.ckpt), "data": str(args.data), "split": args.split, "windows": n,
           "calibration": args.calibration,
           "step": int(ck.get("step", 0)), "spec_sha256": spec.sha256}
    res["nll_random"] = mean_nll(model, tokens, spec, "random", seed=args.seed, batch_size=args.batch_size, device=device)
    print(f"  nll/token random order: {res['nll_random']:.4f}", flush=True)
    res["nll_l2r"] = mean_nll(model, tokens, spec, "l2r", seed=0, batch_size=args.batch_size, device=device)
    print(f"  nll/token l2r order:    {res['nll_l2r']:.4f}", flush=True)
    flags = np.asarray(sp.flags[:n]) if sp.flags is not None else None
    d = density_eval(model, spec, tokens, values, args.obs_frac, args.seed, args.batch_size, device, flags,
                     known_orders=args.known_orders)
    res["density"] = d
    if d.get("hidden_rates"):
        _print_table(f"hidden vertical rates, {d['observed_steps_per_window']} of {spec.window_steps} steps observed "
                     f"({d['windows']} windows)", d)
    if d.get("reported_rates_only"):
        _print_table("  the same, only hidden rates reported by the aircraft (flags bit0)", d["reported_rates_only"])
    out = Path(args.out) if args.out else Path(args.ckpt).with_name(f"eval_{args.split}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1))
    print(f"wrote {out}", flush=True)
    return res


def _print_table(title: str, d: Dict):
    print(f"\n{title}: {d['hidden_rates']} hidden rates, mean |rate| {d['truth_mean_abs']:.0f} ft/min")
    print(f"  {'method':<34} {'MAE ft/min':>10} {'NLL':>8} {'cov50':>6} {'cov90':>6}")
    print(f"  {'sigma-GPT density median':<34} {d['model_median_mae']:10.1f} {d['model_nll']:8.3f} "
          f"{d['coverage_50']:6.3f} {d['coverage_90']:6.3f}")
    print(f"  {'sigma-GPT density mean':<34} {d['model_mean_mae']:10.1f}")
    print(f"  {'linear interpolation of rate':<34} {d['interp_mae']:10.1f}")
    print(f"  {'altitude difference / persistence':<34} {d['altdiff_mae']:10.1f}")


def add_eval_args(p):
    p.add_argument("--ckpt", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="val", choices=["train", "val", "test"])
    p.add_argument("--max-windows", type=int, default=0, help="0 = all")
    p.add_argument("--obs-frac", type=float, default=0.1, help="fraction of steps observed in the density task")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--out", help="JSON output (default: eval_<split>.json beside the checkpoint)")
    p.add_argument("--known-orders", type=int, default=1,
                   help="average the densities of this many orders of the known tokens (1 = ascending order only)")
    p.add_argument("--calibration", help="calibration JSON from `calibrate` (temperatures applied to the logits)")
