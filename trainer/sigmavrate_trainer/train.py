"""Training loop: AdamW, linear warmup + cosine decay, gradient clipping, progress lines, periodic
validation, resumable checkpoints (model + optimizer + step + config + RNG states), best checkpoint kept.

RUN_DIR gets: ckpt.pt (latest), best.pt (lowest validation NLL in the run's own order: l2r for l2r runs, else random), config.json, spec.json (byte copy),
log.jsonl (one JSON object per progress / validation line). With --teacher the loss is distill.py's (KL to an exported
teacher, optionally mixed with the data NLL); everything else is unchanged.

Budget: --steps S (deterministic with --seed) or --minutes M (wall clock). Both are TOTALS for the run:
with --resume the run continues towards the same end (pass a larger value to extend it). The LR
schedule and the curriculum follow the progress fraction (step / S, or elapsed / M).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path
from typing import Dict, Optional

import numpy as np
import torch

from .augment import Augmenter
from .data import Dataset, TrainBatcher, fixed_order_batches, window_weights
from .model import SIZES, SigmaGPT, SigmaGPTConfig, block_ranges_of
from .orders import ORDER_KINDS, OrderSampler, l2r_order, random_order
from .spec import Spec


def add_train_args(p: argparse.ArgumentParser):
    p.add_argument("--data", required=True, help="dataset directory (spec.json, manifest.json, *_tokens.npy ...)")
    p.add_argument("--out", required=True, help="run directory (checkpoints, logs)")
    p.add_argument("--device", default="cpu", help="cpu | cuda | cuda:N")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--minutes", type=float, help="wall-clock training budget (total for the run)")
    g.add_argument("--steps", type=int, help="number of optimizer steps (total for the run)")
    p.add_argument("--order", default="random", choices=ORDER_KINDS)
    p.add_argument("--curriculum-frac", type=float, default=0.3,
                   help="curriculum: fraction of training over which the l2r share decays from 1 to 0")
    p.add_argument("--size", default="small", choices=sorted(SIZES), help="model size preset")
    p.add_argument("--n-layer", type=int)
    p.add_argument("--n-head", type=int)
    p.add_argument("--d-model", type=int)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--no-value-features", action="store_true", help="ablation: no value features")
    p.add_argument("--relative-altitude", action="store_true",
                   help="altitude tokens also carry their value relative to the first visible altitude (model.py)")
    p.add_argument("--use-orders", type=float, default=0.0,
                   help="share of sequences ordered like a query: known whole steps first (orders.py)")
    p.add_argument("--shift-prob", type=float, default=0.0,
                   help="probability that a window's altitudes are shifted by one random offset (augment.py)")
    p.add_argument("--max-shift-ft", type=float, default=10000.0, help="largest altitude shift, ft")
    p.add_argument("--reverse-prob", type=float, default=0.0,
                   help="probability that a window is played backwards with negated rates (augment.py)")
    p.add_argument("--untied", action="store_true", help="separate output embedding")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--min-lr-ratio", type=float, default=0.1)
    p.add_argument("--warmup", type=int, default=200, help="warmup steps")
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--motion-weight", type=float, default=1.0,
                   help="window sampling weight 1 + w * (fraction of its rates with |rate| >= 200 ft/min)")
    p.add_argument("--exclude-origin", action="append", default=[],
                   help="leave this source (windows.csv origin, e.g. opensky-brazil) out of training and selection")
    p.add_argument("--rate-weight", type=float, default=1.0,
                   help="weight of the vertical-rate tokens in the loss (altitude tokens weigh 1)")
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--eval-every", type=int, default=500, help="validation + checkpoint every N steps")
    p.add_argument("--eval-windows", type=int, default=512,
                   help="validation windows used during training, spread evenly over the split")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = all cores)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--resume", action="store_true", help="continue from RUN_DIR/ckpt.pt")
    p.add_argument("--sdpa", action="store_true", help="torch>=2: fused attention for training")
    p.add_argument("--amp", action="store_true", help="cuda: bfloat16 autocast")
    p.add_argument("--teacher", help="distillation: an exported σ-GPT directory (models/<id>); the loss becomes "
                   "KL(teacher || student) on every scored step's categorical (distill.py)")
    p.add_argument("--alpha", type=float, default=0.0, help="distillation: weight of the data NLL in the loss")
    p.add_argument("--init-from-teacher", metavar="LAYERS",
                   help="distillation: start from the teacher, its blocks LAYERS (e.g. 0,1) as the student's")


def _openblas_set_threads(n: int) -> bool:
    """Debian's torch calls the system BLAS (OpenBLAS, pthread build), whose thread pool ignores
    torch.set_num_threads; set it through the already loaded library when there is one."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.split()[-1].lower()}
    except OSError:
        return False
    done = False
    for lib in sorted(libs):
        try:
            fn = getattr(ctypes.CDLL(lib), "openblas_set_num_threads", None)
        except OSError:
            continue
        if fn is not None:
            fn(ctypes.c_int(n))
            done = True
    return done


def set_threads(n: int):
    """torch intra-op threads (and OpenBLAS threads, if OpenBLAS is the BLAS) = n (0: all cores)."""
    n = n if n and n > 0 else (os.cpu_count() or 1)
    torch.set_num_threads(n)
    _openblas_set_threads(n)


def make_config(args, spec: Spec) -> SigmaGPTConfig:
    cfg = SigmaGPTConfig(**SIZES[args.size])
    for k in ("n_layer", "n_head", "d_model"):
        v = getattr(args, k, None)
        if v:
            setattr(cfg, k, v)
    cfg.dropout = args.dropout
    cfg.value_features = not args.no_value_features
    cfg.relative_altitude = bool(getattr(args, "relative_altitude", False))
    cfg.tie_embeddings = not args.untied
    cfg.use_sdpa = bool(args.sdpa)
    cfg.vocab_size, cfg.n_positions, cfg.start_position, cfg.n_channels = (
        spec.vocab_size, spec.n_positions, spec.start_position, spec.n_channels)
    return cfg


def build_model(cfg: SigmaGPTConfig, spec: Spec) -> SigmaGPT:
    return SigmaGPT(cfg, spec.token_value_normalized(), spec.token_channel)


def torch_load(path, map_location="cpu"):
    """torch.load of our own checkpoints (they hold numpy RNG state and bytes, so weights_only=False)."""
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except TypeError:  # very old torch without weights_only
        return torch.load(path, map_location=map_location)


def load_checkpoint(path, device="cpu"):
    """-> (model in eval mode, checkpoint dict, Spec)."""
    ck = torch_load(path, map_location=device)
    spec = Spec(bytes(ck["spec_bytes"]))
    cfg = SigmaGPTConfig.from_dict(ck["config"])
    cfg.use_sdpa = False
    cfg.dropout = 0.0
    model = build_model(cfg, spec)
    model.load_state_dict(ck["model"])
    model.to(device).eval()
    return model, ck, spec


def make_optimizer(model: SigmaGPT, lr: float, wd: float):
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (decay if p.dim() >= 2 and not n.endswith("emb.weight") else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.95), eps=1e-8)


def lr_at(step: int, progress: float, args) -> float:
    base = args.lr
    lo = base * args.min_lr_ratio
    cos = lo + 0.5 * (base - lo) * (1.0 + math.cos(math.pi * min(1.0, progress)))
    if args.warmup > 0 and step < args.warmup:
        return cos * (step + 1) / args.warmup
    return cos


def batch_loss(model, batch, ranges, rate_weight: float = 1.0):
    """(loss, scored steps): mean NLL per token, the rate channel's tokens weighted by rate_weight."""
    weights = None if rate_weight == 1.0 else [rate_weight] + [1.0] * (len(ranges) - 1)
    total, n = model.nll(batch["tokens"], batch["pos_in"], batch["pos_out"], batch["attn_mask"],
                         batch["targets"], ranges, weights)
    return total / n.to(total.dtype).clamp(min=1e-9), int((batch["targets"] >= 0).sum())


@torch.no_grad()
def mean_nll(model, tokens: np.ndarray, spec: Spec, order: str, seed: int, batch_size: int = 64, device="cpu") -> float:
    """Mean NLL per token (nats) over the windows of `tokens` in random (seeded) or l2r order."""
    model.eval()
    ranges = block_ranges_of(spec)
    rng = np.random.default_rng(seed)
    fn = l2r_order if order == "l2r" else (lambda pres: random_order(pres, rng))
    tot, cnt = 0.0, 0
    for batch in fixed_order_batches(tokens, spec, fn, batch_size, device=device):
        total, n = model.nll(batch["tokens"], batch["pos_in"], batch["pos_out"], batch["attn_mask"],
                             batch["targets"], ranges)
        tot += float(total)
        cnt += int(n)
    return tot / max(cnt, 1)


def evenly_spaced(tokens: np.ndarray, n: int) -> np.ndarray:
    """n windows spread evenly over the split (windows come grouped by input file, so the first n would
    represent only the first sources)."""
    if n <= 0 or n >= len(tokens):
        return tokens
    return tokens[np.linspace(0, len(tokens) - 1, n).round().astype(np.int64)]


def rng_state(np_rng: np.random.Generator) -> Dict:
    st = {"numpy": np_rng.bit_generator.state, "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        st["cuda"] = torch.cuda.get_rng_state_all()
    return st


def restore_rng(np_rng: np.random.Generator, st: Dict):
    np_rng.bit_generator.state = st["numpy"]
    torch.set_rng_state(st["torch"])
    if "cuda" in st and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(st["cuda"])


def fmt_time(s: float) -> str:
    s = int(max(0, s))
    return f"{s // 3600:d}:{(s % 3600) // 60:02d}:{s % 60:02d}"


def train(args) -> Dict:
    set_threads(args.threads)
    run = Path(args.out)
    run.mkdir(parents=True, exist_ok=True)
    device = torch.device(args.device)
    ds = Dataset.open(args.data)
    spec = ds.spec
    # leave-one-source-out: the excluded origins are neither trained on nor used to select the checkpoint
    train_split = ds.split("train").without_origins(args.exclude_origin)
    val_tokens = evenly_spaced(ds.split("val").without_origins(args.exclude_origin).tokens, args.eval_windows)
    if args.steps is None and args.minutes is None:
        args.steps = 2000
    torch.manual_seed(args.seed)
    np_rng = np.random.default_rng(args.seed)

    ckpt_path = run / "ckpt.pt"
    resume = None
    if args.resume:
        if not ckpt_path.exists():
            raise SystemExit(f"--resume: {ckpt_path} not found")
        resume = torch_load(ckpt_path, map_location="cpu")
        if resume["spec_sha256"] != spec.sha256:
            raise SystemExit("--resume: checkpoint spec differs from the dataset's spec")
        cfg = SigmaGPTConfig.from_dict(resume["config"])
        cfg.use_sdpa = bool(args.sdpa)
    else:
        cfg = make_config(args, spec)
    model = build_model(cfg, spec).to(device)
    teacher = None
    if getattr(args, "teacher", None):
        from . import distill
        teacher, teacher_spec, _ = distill.load_exported(args.teacher, device)
        if teacher_spec.sha256 != spec.sha256:
            raise SystemExit(f"--teacher: {args.teacher} was trained with another spec than the dataset's")
        if args.init_from_teacher and resume is None:
            distill.init_from_teacher(model, teacher.model, distill.parse_layers(args.init_from_teacher))
        print(f"distilling from {args.teacher} (temperatures {teacher.temperatures}), alpha {args.alpha}", flush=True)
    elif getattr(args, "init_from_teacher", None):
        raise SystemExit("--init-from-teacher needs --teacher")

    def step_loss(batch):
        if teacher is None:
            return batch_loss(model, batch, ranges, args.rate_weight)
        loss, ntok, _ = distill.distill_loss(model, teacher, batch, ranges, args.alpha, args.rate_weight)
        return loss, ntok

    opt = make_optimizer(model, args.lr, args.weight_decay)
    step, elapsed_before, best_val = 0, 0.0, float("inf")
    if resume is not None:
        model.load_state_dict(resume["model"])
        opt.load_state_dict(resume["optimizer"])
        step = int(resume["step"])
        elapsed_before = float(resume.get("elapsed_s", 0.0))
        best_val = float(resume.get("best_val", float("inf")))
        restore_rng(np_rng, resume["rng"])
        print(f"resumed from {ckpt_path} at step {step} ({fmt_time(elapsed_before)} trained)", flush=True)

    weights = window_weights(train_split.tokens, spec, args.motion_weight)
    sampler = OrderSampler(args.order, np_rng, curriculum_frac=args.curriculum_frac, use_share=args.use_orders,
                           n_channels=spec.n_channels, steps=spec.window_steps)
    augmenter = Augmenter(spec, np_rng, shift_prob=args.shift_prob, max_shift_ft=args.max_shift_ft,
                          reverse_prob=args.reverse_prob)
    batcher = TrainBatcher(train_split.tokens, spec, sampler, np_rng, args.batch_size, weights,
                           values=train_split.values, augmenter=augmenter)
    ranges = block_ranges_of(spec)
    n_params = model.num_params()
    (run / "spec.json").write_bytes(spec.raw)
    meta = {"config": cfg.to_dict(), "args": {k: v for k, v in vars(args).items() if k != "func"},
            "params": n_params, "spec_sha256": spec.sha256, "data": str(Path(args.data).resolve()),
            "data_manifest_sha256": ds.manifest_sha256(), "n_train_windows": len(train_split)}
    (run / "config.json").write_text(json.dumps(meta, indent=1))
    budget = f"{args.steps} steps" if args.steps else f"{args.minutes} min"
    print(f"model {n_params:,} params ({cfg.n_layer} layers, d={cfg.d_model}, {cfg.n_head} heads), "
          f"{len(train_split)} train windows, order={args.order}, batch={args.batch_size}, "
          f"threads={torch.get_num_threads()}, device={device}, budget={budget}", flush=True)
    logf = open(run / "log.jsonl", "a")

    def progress(elapsed):
        if args.steps:
            return step / args.steps
        return elapsed / (args.minutes * 60.0)

    def validate():
        v = mean_nll(model, val_tokens, spec, "random", seed=args.seed + 7, batch_size=64, device=device)
        v2 = mean_nll(model, val_tokens, spec, "l2r", seed=0, batch_size=64, device=device)
        model.train()
        return v, v2

    def selection_nll(val_pair):
        # a model is selected in the order it is used in: left to right for the L2R baseline, random otherwise
        return val_pair[1] if args.order == "l2r" else val_pair[0]

    def save(path, val):
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step,
                    "elapsed_s": elapsed, "config": cfg.to_dict(), "args": meta["args"], "rng": rng_state(np_rng),
                    "best_val": best_val, "val_nll": val, "spec_bytes": spec.raw, "spec_sha256": spec.sha256,
                    "data_manifest_sha256": meta["data_manifest_sha256"], "params": n_params},
                   str(path) + ".tmp")
        os.replace(str(path) + ".tmp", path)

    model.train()
    t0 = time.time()
    last_t, last_step, tok_acc, loss_acc, n_acc = t0, step, 0, 0.0, 0
    elapsed = elapsed_before
    last_val = None
    autocast = (torch.autocast(device_type="cuda", dtype=torch.bfloat16) if args.amp and device.type == "cuda"
                else None)
    while True:
        elapsed = elapsed_before + (time.time() - t0)
        prog = progress(elapsed)
        if prog >= 1.0:
            break
        lr = lr_at(step, prog, args)
        for g in opt.param_groups:
            g["lr"] = lr
        batch = batcher.sample(prog, device=device)
        if autocast is not None:
            with autocast:
                loss, ntok = step_loss(batch)
        else:
            loss, ntok = step_loss(batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
        opt.step()
        step += 1
        loss_acc += float(loss.detach()) * ntok
        n_acc += ntok
        tok_acc += ntok
        if step % args.log_every == 0:
            now = time.time()
            elapsed = elapsed_before + (now - t0)
            prog = progress(elapsed)
            tps = tok_acc / max(now - last_t, 1e-9)
            sps = (step - last_step) / max(now - last_t, 1e-9)
            if args.steps:
                eta = (args.steps - step) / max(sps, 1e-9)
            else:
                eta = args.minutes * 60.0 - elapsed
            rec = {"step": step, "loss": loss_acc / max(n_acc, 1), "lr": lr, "tokens_per_s": tps,
                   "ms_per_step": 1000.0 / max(sps, 1e-9), "elapsed_s": elapsed, "eta_s": eta}
            print(f"step {step:6d} | loss {rec['loss']:.4f} | lr {lr:.2e} | {tps:8.0f} tok/s | "
                  f"{rec['ms_per_step']:.0f} ms/step | elapsed {fmt_time(elapsed)} | ETA {fmt_time(eta)}", flush=True)
            logf.write(json.dumps(rec) + "\n")
            logf.flush()
            last_t, last_step, tok_acc, loss_acc, n_acc = now, step, 0, 0.0, 0
        if step % args.eval_every == 0:
            last_val = validate()
            elapsed = elapsed_before + (time.time() - t0)
            print(f"step {step:6d} | val nll/token random {last_val[0]:.4f} | l2r {last_val[1]:.4f}", flush=True)
            logf.write(json.dumps({"step": step, "val_nll_random": last_val[0], "val_nll_l2r": last_val[1]}) + "\n")
            logf.flush()
            if selection_nll(last_val) < best_val:
                best_val = selection_nll(last_val)
                save(run / "best.pt", best_val)
            save(ckpt_path, last_val[0])
    elapsed = elapsed_before + (time.time() - t0)
    if last_val is None or step % args.eval_every != 0:
        last_val = validate()
        print(f"step {step:6d} | val nll/token random {last_val[0]:.4f} | l2r {last_val[1]:.4f}", flush=True)
        logf.write(json.dumps({"step": step, "val_nll_random": last_val[0], "val_nll_l2r": last_val[1]}) + "\n")
        if selection_nll(last_val) < best_val:
            best_val = selection_nll(last_val)
            save(run / "best.pt", best_val)
        save(ckpt_path, last_val[0])
    logf.close()
    summary = {"step": step, "elapsed_s": elapsed, "val_nll_random": last_val[0], "val_nll_l2r": last_val[1],
               "best_val_nll": best_val, "best_val_order": "l2r" if args.order == "l2r" else "random", "params": n_params}
    (run / "summary.json").write_text(json.dumps(summary, indent=1))
    print(f"done: {step} steps in {fmt_time(elapsed)}; best val nll {best_val:.4f}; checkpoints in {run}", flush=True)
    return summary
