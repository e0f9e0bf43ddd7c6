"""Ablation scoring: several checkpoints on the same validation windows under the use protocols, with 95%
bootstrap intervals over FLIGHTS (windows of one flight overlap and are not independent).

Protocols (the Java `evaluate` protocols, on the dataset's windows): for each window and protocol the observed
steps are drawn once (seeded by window and protocol, the same for every checkpoint):
* sparse10 / sparse25: 10% / 25% of the 64 steps (at least 2), uniformly;
* gap:      steps 0-19 and 44-63 observed;
* forecast: steps 0-47 observed.
Every present channel of an observed step is known; the known positions are the `max_known` nearest in time to a
hidden step (the Java default, 32), in ascending order. Hidden targets: the other steps with a raw rate.

Per hidden rate: the density median's absolute error, the CRPS of the density (2 x the mean pinball loss over 99
quantile levels, quantiles piecewise uniform inside each bin), the NLL of the true bin, whether the central 50% and
90% intervals cover the truth; and the point baselines (linear interpolation of the observed rates, altitude
difference, persistence of the last observed rate). Ratios (run / control, run / best point baseline) are ratios
of sums over the hidden rates; their intervals come from resampling flights with replacement (percentile bootstrap).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch

from .data import Dataset, density_batch, flat_tokens
from .eval import altdiff_baseline, interp_baseline, quantiles_from_probs
from .model import block_nll
from .train import load_checkpoint, set_threads

PROTOCOLS = ("sparse10", "sparse25", "gap", "forecast")
CRPS_LEVELS = (np.arange(99) + 0.5) / 99.0
BASELINES = ("interp", "altdiff", "persistence")


def observed_steps(protocol: str, steps: int, rng: np.random.Generator) -> np.ndarray:
    obs = np.zeros(steps, bool)
    if protocol in ("sparse10", "sparse25"):
        frac = 0.10 if protocol == "sparse10" else 0.25
        obs[rng.choice(steps, size=max(2, int(round(frac * steps))), replace=False)] = True
    elif protocol == "gap":
        obs[:round(steps * 20 / 64)] = True
        obs[round(steps * 44 / 64):] = True
    elif protocol == "forecast":
        obs[:round(steps * 48 / 64)] = True
    else:
        raise ValueError(f"unknown protocol {protocol!r}")
    return obs


def nearest_known(known_positions: np.ndarray, hidden_steps: np.ndarray, n_channels: int, max_known: int) -> np.ndarray:
    """The max_known known positions nearest in time to a hidden step (ties: the earlier), ascending."""
    if max_known <= 0 or len(known_positions) <= max_known:
        return known_positions
    steps = known_positions // n_channels
    dist = np.abs(steps[:, None] - hidden_steps[None, :]).min(1)
    keep = np.lexsort((known_positions, dist))[:max_known]
    return np.sort(known_positions[keep])


def persistence_baseline(obs_steps: np.ndarray, obs_rates: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """The last observed rate before each hidden step (the first observed one before any)."""
    ok = np.isfinite(obs_rates)
    s, r = obs_steps[ok], obs_rates[ok]
    if not len(s):
        return np.zeros(len(hidden))
    j = np.clip(np.searchsorted(s, hidden, side="right") - 1, 0, len(s) - 1)
    return r[j]


def crps_from_quantiles(q: np.ndarray, y: np.ndarray) -> np.ndarray:
    """q [N, K] at CRPS_LEVELS, y [N] -> CRPS [N] (2 x mean pinball loss)."""
    tau = CRPS_LEVELS[None, :]
    d = y[:, None] - q
    return 2.0 * np.mean(np.maximum(tau * d, (tau - 1.0) * d), axis=1)


def protocol_tasks(tokens, values, windows_flight, spec, protocol: str, seed: int, max_known: int):
    """The density queries of one protocol over all windows (identical for every checkpoint)."""
    S, C = spec.window_steps, spec.n_channels
    tasks = []
    pid = PROTOCOLS.index(protocol)
    for w in range(tokens.shape[0]):
        tok = np.asarray(tokens[w], dtype=np.int64)
        val = np.asarray(values[w], dtype=np.float64)
        obs_mask = observed_steps(protocol, S, np.random.default_rng([seed, w, pid]))
        hidden = np.nonzero(~obs_mask & np.isfinite(val[:, 0]) & (tok[:, 0] >= 0))[0]
        if len(hidden) == 0:
            continue
        obs = np.nonzero(obs_mask)[0]
        flat = flat_tokens(tok)
        kp = np.array([s * C + c for s in obs for c in range(C) if flat[s * C + c] >= 0], dtype=np.int64)
        kp = nearest_known(kp, hidden, C, max_known)
        tasks.append(dict(
            flight=windows_flight[w], kp=kp, kt=flat[kp], qp=hidden * C, true_tok=tok[hidden, 0], truth=val[hidden, 0],
            interp=interp_baseline(obs, val[obs, 0], hidden),
            altdiff=altdiff_baseline(obs, val[obs, 0], val[obs, 1], hidden, spec.step_seconds),
            persistence=persistence_baseline(obs, val[obs, 0], hidden)))
    return tasks


@torch.no_grad()
def score_tasks(model, spec, tasks: List[Dict], batch_size: int = 64) -> Dict[str, np.ndarray]:
    """Per hidden rate: flight, |median - truth|, CRPS, NLL, cov50, cov90 and the baselines' absolute errors."""
    a, b = spec.block_range(0)
    lo, hi = spec.block(0).bin_bounds()
    levels = [0.5, 0.25, 0.75, 0.05, 0.95] + list(CRPS_LEVELS)
    out: Dict[str, List[np.ndarray]] = {k: [] for k in ("flight", "ae", "crps", "nll", "cov50", "cov90", "truth",
                                                         *BASELINES)}
    for s in range(0, len(tasks), batch_size):
        chunk = tasks[s:s + batch_size]
        batch = density_batch([t["kp"] for t in chunk], [t["kt"] for t in chunk], [t["qp"] for t in chunk],
                              spec.bos, spec.start_position, spec.n_positions)
        logits = model(batch["tokens"], batch["pos_in"], batch["pos_out"], batch["attn_mask"]).float()
        for i, t in enumerate(chunk):
            qi = batch["query_index"][i, :len(t["qp"])]
            probs = torch.softmax(logits[i, qi, a:b].double(), dim=-1).numpy()
            q = quantiles_from_probs(probs, lo, hi, levels)
            y = t["truth"]
            out["flight"].append(np.full(len(y), t["flight"], dtype=object))
            out["ae"].append(np.abs(q[:, 0] - y))
            out["crps"].append(crps_from_quantiles(q[:, 5:], y))
            out["nll"].append(block_nll(logits[i, qi, a:b].double(), torch.from_numpy(t["true_tok"] - a)).numpy())
            out["cov50"].append(((y >= q[:, 1]) & (y <= q[:, 2])).astype(float))
            out["cov90"].append(((y >= q[:, 3]) & (y <= q[:, 4])).astype(float))
            out["truth"].append(y)
            for base in BASELINES:
                out[base].append(np.abs(t[base] - y))
    return {k: np.concatenate(v) for k, v in out.items()}


class FlightBootstrap:
    """Percentile intervals of ratios of sums, resampling flights with replacement (one draw shared by every
    ratio, so that paired comparisons see the same flights)."""

    def __init__(self, flights: np.ndarray, replicates: int, seed: int):
        self.names, self.index = np.unique(flights, return_inverse=True)
        rng = np.random.default_rng(seed)
        n = len(self.names)
        self.counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(replicates)])

    def per_flight(self, x: np.ndarray) -> np.ndarray:
        return np.bincount(self.index, weights=x, minlength=len(self.names))

    def ratio(self, num: np.ndarray, den: np.ndarray) -> Tuple[float, float, float]:
        n, d = self.per_flight(num), self.per_flight(den)
        boot = (self.counts @ n) / np.maximum(self.counts @ d, 1e-12)
        return float(n.sum() / d.sum()), float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))

    def mean(self, x: np.ndarray) -> Tuple[float, float, float]:
        return self.ratio(x, np.ones_like(x))


def ablate(args) -> Dict:
    set_threads(args.threads)
    named = [c.split("=", 1) if "=" in c else (Path(c).parent.name, c) for c in args.ckpt]
    ds = Dataset.open(args.data)
    sp = ds.split(args.split)
    if args.origin:
        keep = [o for o in sorted(set(sp.origins())) if o not in args.origin]
        sp = sp.without_origins(keep) if keep else sp
    n = len(sp) if not args.max_windows else min(len(sp), args.max_windows)
    flights = [w["flight_id"] for w in sp.windows[:n]] if sp.windows else [str(i) for i in range(n)]
    origin_of_flight = dict(zip(flights, sp.origins()[:n]))
    protocols = PROTOCOLS if args.protocol == "all" else (args.protocol,)
    models = []
    for name, path in named:
        model, ck, spec = load_checkpoint(path)
        if spec.sha256 != ds.spec.sha256:
            raise SystemExit(f"{path}: spec differs from the dataset's")
        models.append((name, path, model, int(ck.get("step", 0))))
    result = {"data": str(args.data), "split": args.split, "origins": args.origin or "all", "windows": n, "max_known": args.max_known,
              "replicates": args.replicates, "runs": {name: {"ckpt": p, "step": st} for name, p, _, st in models},
              "protocols": {}}
    control = models[0][0]
    for protocol in protocols:
        tasks = protocol_tasks(sp.tokens[:n], sp.values[:n], flights, ds.spec, protocol, args.seed, args.max_known)
        scores = {name: score_tasks(m, ds.spec, tasks) for name, _, m, _ in models}
        ref = scores[control]
        boot = FlightBootstrap(ref["flight"], args.replicates, args.seed)
        best = min(BASELINES, key=lambda k: ref[k].sum())
        pr = {"hidden_rates": int(len(ref["truth"])), "flights": int(len(boot.names)), "best_baseline": best,
              "baselines_mae": {k: float(ref[k].mean()) for k in BASELINES}, "rows": {}}
        for name, sc in scores.items():
            row = {"mae": float(sc["ae"].mean()), "crps": float(sc["crps"].mean()), "nll": float(sc["nll"].mean()),
                   "cov50": boot.mean(sc["cov50"]), "cov90": boot.mean(sc["cov90"]),
                   "mae_vs_best_baseline": boot.ratio(sc["ae"], ref[best])}
            if name != control:
                row["mae_vs_control"] = boot.ratio(sc["ae"], ref["ae"])
                row["crps_vs_control"] = boot.ratio(sc["crps"], ref["crps"])
            pr["rows"][name] = row
        pr["by_origin"] = by_origin(scores, origin_of_flight, ref, best, args.replicates, args.seed)
        result["protocols"][protocol] = pr
        print_protocol(protocol, pr, control)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=1))
        print(f"wrote {args.out}", flush=True)
    return result


def by_origin(scores: Dict[str, Dict[str, np.ndarray]], origin_of_flight: Dict[str, str], ref, best: str,
              replicates: int, seed: int) -> Dict:
    """Per origin: each run's MAE against the best point baseline (over the whole split) and its coverages."""
    origins = np.array([origin_of_flight.get(f, "") for f in ref["flight"]], dtype=object)
    out = {}
    for origin in sorted(set(origins)):
        sel = origins == origin
        boot = FlightBootstrap(ref["flight"][sel], replicates, seed)
        out[origin or "(none)"] = {
            "hidden_rates": int(sel.sum()), "flights": int(len(boot.names)),
            "baselines_mae": {k: float(ref[k][sel].mean()) for k in BASELINES},
            "rows": {name: {"mae": float(sc["ae"][sel].mean()), "crps": float(sc["crps"][sel].mean()),
                            "mae_vs_best_baseline": boot.ratio(sc["ae"][sel], ref[best][sel]),
                            "cov50": boot.mean(sc["cov50"][sel]), "cov90": boot.mean(sc["cov90"][sel])}
                     for name, sc in scores.items()}}
    return out


def _ci(t: Sequence[float], pct: bool = True) -> str:
    if pct:
        return f"{(t[0] - 1) * 100:+.1f}% [{(t[1] - 1) * 100:+.1f}, {(t[2] - 1) * 100:+.1f}]"
    return f"{t[0]:.3f} [{t[1]:.3f}, {t[2]:.3f}]"


def print_protocol(protocol: str, pr: Dict, control: str):
    print(f"\n{protocol}: {pr['hidden_rates']} hidden rates, {pr['flights']} flights; best point baseline "
          f"{pr['best_baseline']} MAE {pr['baselines_mae'][pr['best_baseline']]:.1f}", flush=True)
    print(f"  {'run':<14} {'MAE':>7} {'CRPS':>7} {'NLL':>6}  {'MAE vs best baseline':<26} {'MAE vs control':<26} "
          f"{'CRPS vs control':<26} {'cov50':<22} {'cov90':<22}")
    for name, r in pr["rows"].items():
        vs_c = _ci(r["mae_vs_control"]) if "mae_vs_control" in r else "(control)"
        cr_c = _ci(r["crps_vs_control"]) if "crps_vs_control" in r else ""
        print(f"  {name:<14} {r['mae']:7.1f} {r['crps']:7.1f} {r['nll']:6.3f}  {_ci(r['mae_vs_best_baseline']):<26} "
              f"{vs_c:<26} {cr_c:<26} {_ci(r['cov50'], False):<22} {_ci(r['cov90'], False):<22}", flush=True)
    for origin, o in pr.get("by_origin", {}).items():
        print(f"    origin {origin}: {o['hidden_rates']} hidden rates, {o['flights']} flights, best baseline MAE "
              f"{min(o['baselines_mae'].values()):.1f}")
        for name, r in o["rows"].items():
            print(f"      {name:<12} MAE {r['mae']:7.1f} vs best baseline {_ci(r['mae_vs_best_baseline']):<26} "
                  f"cov50 {_ci(r['cov50'], False):<22} cov90 {_ci(r['cov90'], False)}", flush=True)


def add_ablate_args(p):
    p.add_argument("--ckpt", action="append", required=True,
                   help="NAME=PATH of a checkpoint (repeat); the first is the control the others are compared with")
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="val", choices=["val", "test"])
    p.add_argument("--protocol", default="all", choices=("all",) + PROTOCOLS)
    p.add_argument("--max-known", type=int, default=32, help="known positions nearest to the hidden steps (0 = all)")
    p.add_argument("--origin", action="append", default=[],
                   help="score only the windows of this origin (repeat; e.g. the source a leave-one-out run left out)")
    p.add_argument("--max-windows", type=int, default=0, help="0 = all")
    p.add_argument("--replicates", type=int, default=2000, help="bootstrap replicates over flights")
    p.add_argument("--seed", type=int, default=20240415)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", help="JSON output")
