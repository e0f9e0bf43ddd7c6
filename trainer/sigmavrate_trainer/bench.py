"""Benchmarks: forward throughput (windows/s) vs batch size and threads at L = 64 and L = 128, and the
training step time (forward + backward + AdamW) at a given batch size with full windows (L = 128)."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch

from .model import SIZES, SigmaGPT, SigmaGPTConfig, block_ranges_of
from .spec import Spec
from .train import build_model, load_checkpoint, make_optimizer, set_threads


def _ints(s: str) -> List[int]:
    return [int(x) for x in str(s).split(",") if x.strip()]


def random_batch(spec: Spec, B: int, L: int, gen: torch.Generator, device="cpu"):
    pos = torch.stack([torch.randperm(spec.n_positions, generator=gen)[:L] for _ in range(B)])
    ch = pos % spec.n_channels
    tok = torch.empty(B, L, dtype=torch.long)
    for c in range(spec.n_channels):
        a, b = spec.block_range(c)
        tok = torch.where(ch == c, torch.randint(a, b, (B, L), generator=gen), tok)
    tokens = torch.cat([torch.full((B, 1), spec.bos, dtype=torch.long), tok[:, :-1]], 1)
    pos_in = torch.cat([torch.full((B, 1), spec.start_position, dtype=torch.long), pos[:, :-1]], 1)
    mask = torch.tril(torch.ones(L, L, dtype=torch.bool)).expand(B, L, L).contiguous()
    d = dict(tokens=tokens, pos_in=pos_in, pos_out=pos, targets=tok, attn_mask=mask)
    return {k: v.to(device) for k, v in d.items()}


def _timeit(fn, min_time: float, min_reps: int = 3):
    fn()  # warmup
    reps, t0 = 0, time.perf_counter()
    while reps < min_reps or time.perf_counter() - t0 < min_time:
        fn()
        reps += 1
    return (time.perf_counter() - t0) / reps


def bench(args) -> Dict:
    device = torch.device(args.device)
    if args.ckpt:
        model, _, spec = load_checkpoint(args.ckpt, device)
    else:
        spec = Spec.load(args.spec)
        cfg = SigmaGPTConfig(**SIZES[args.size])
        model = SigmaGPT.from_spec(cfg, spec).to(device).eval()
    res = {"params": model.num_params(), "device": str(device), "torch": torch.__version__, "forward": [], "train": []}
    print(f"model {res['params']:,} params, torch {torch.__version__}, device {device}", flush=True)
    gen = torch.Generator().manual_seed(0)
    print(f"{'threads':>7} {'L':>4} {'batch':>5} {'ms/batch':>9} {'windows/s':>10}", flush=True)
    for th in _ints(args.threads):
        set_threads(th)
        for L in _ints(args.lengths):
            for B in _ints(args.batch_sizes):
                b = random_batch(spec, B, L, gen, device)
                with torch.no_grad():
                    dt = _timeit(lambda: model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"]), args.min_time)
                r = {"threads": th, "L": L, "batch": B, "ms_per_batch": dt * 1e3, "windows_per_s": B / dt}
                res["forward"].append(r)
                print(f"{th:7d} {L:4d} {B:5d} {dt * 1e3:9.2f} {B / dt:10.1f}", flush=True)
    # training step
    ranges = block_ranges_of(spec)
    tm = build_model(SigmaGPTConfig.from_dict(model.cfg.to_dict()), spec).to(device)
    tm.load_state_dict(model.state_dict())
    tm.train()
    opt = make_optimizer(tm, 1e-4, 0.1)
    for th in _ints(args.threads):
        set_threads(th)
        b = random_batch(spec, args.train_batch, spec.n_positions, gen, device)

        def step():
            total, n = tm.nll(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"], b["targets"], ranges)
            loss = total / n
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(tm.parameters(), 1.0)
            opt.step()
            if device.type == "cuda":
                torch.cuda.synchronize()
        dt = _timeit(step, args.min_time)
        r = {"threads": th, "batch": args.train_batch, "L": spec.n_positions, "ms_per_step": dt * 1e3,
             "tokens_per_s": args.train_batch * spec.n_positions / dt}
        res["train"].append(r)
        print(f"train step: threads {th}, batch {args.train_batch}, L {spec.n_positions}: {dt * 1e3:.1f} ms/step "
              f"({r['tokens_per_s']:.0f} tokens/s)", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(res, indent=1))
        print(f"wrote {args.out}")
    return res


def add_bench_args(p):
    p.add_argument("--ckpt", help="checkpoint (default: an untrained model of --size)")
    p.add_argument("--size", default="small", choices=sorted(SIZES))
    p.add_argument("--spec", help="spec path when no --ckpt (default: the repository's spec)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--batch-sizes", default="1,8,32,64")
    p.add_argument("--threads", default="1,2", help="comma list of torch thread counts")
    p.add_argument("--lengths", default="64,128")
    p.add_argument("--train-batch", type=int, default=64)
    p.add_argument("--min-time", type=float, default=1.0, help="seconds per measurement")
    p.add_argument("--out", help="JSON output")
