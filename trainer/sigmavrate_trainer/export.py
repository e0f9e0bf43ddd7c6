"""ONNX export (opset 17) of a checkpoint, with model.json, spec.json and golden vectors.

models/<id>/
  model.onnx   one graph: inputs tokens int64 [B, L], pos_in int64 [B, L], pos_out int64 [B, L],
               attn_mask bool [B, L, L] (True = the row step may attend to the column step),
               logit_rows int64 [B, R] (the steps whose logits are wanted);
               output logits float32 [B, R, V] (raw; restrict to the block of channel pos_out % 2 of the step).
               B, L and R are dynamic. metadata_props carry model_id, spec_sha256, ... (see METADATA below).
               Format sigma-vrate-sigma-gpt-v2; v1 graphs (no logit_rows, logits of every step) are still read
               by the Java runtime.
  model.json   model_id, spec_sha256, config, params, training data manifest sha256, metrics, interface
  spec.json    byte copy of the spec the model was trained with
  golden.json  inputs and expected logits for parity checks (format in GOLDEN_DOC)
"""
from __future__ import annotations

import hashlib
import inspect
import json
import time
from pathlib import Path
from typing import Dict, List

import numpy as np
import onnx
import torch

from . import onnx_ref
from .data import build_sequence, collate, density_batch, flat_tokens, present_positions
from .model import CalibratedSigmaGPT, block_ranges_of, restrict_to_block
from .orders import l2r_order, random_order
from .synth import synth_window
from .calibrate import load_temperatures
from .train import load_checkpoint

INPUT_NAMES = ["tokens", "pos_in", "pos_out", "attn_mask", "logit_rows"]
OUTPUT_NAMES = ["logits"]
EXPORT_DUMMY_LEN = 16
GOLDEN_FORMAT = "sigma-vrate-golden-v2"
MODEL_FORMAT = "sigma-vrate-sigma-gpt-v2"
GOLDEN_DOC = (
    "cases[]: one batch each. tokens, pos_in, pos_out: int64 [B][L]; attn_mask: 0/1 [B][L][L], feed as ONNX bool "
    "(1 = true = row step may attend to column step); logit_rows: int64 [B][R], the steps whose logits are "
    "asked for; logits: float32 [B][R][V], the model's output (7 significant digits) for exactly these inputs, "
    "padding rows included; logits[b][r] is the logits of step logit_rows[b][r]. Parity: |ort - golden| <= "
    "atol + rtol * |golden| elementwise. query_index (density case): [B][M] step of each query, -1 = none; "
    "block_argmax: [B][R] argmax of the logits restricted to the block of channel pos_out % 2 of the step.")


def _round7(a: np.ndarray) -> List:
    return [float(f"{x:.7g}") for x in np.asarray(a, dtype=np.float64).ravel()]


def _nested(a: np.ndarray, conv) -> List:
    a = np.asarray(a)
    if a.ndim == 1:
        return conv(a)
    return [_nested(x, conv) for x in a]


def golden_inputs(spec, seed: int = 0) -> List[Dict]:
    """Three deterministic batches (B = 2, L != export dummy length, the second row shorter -> padding)."""
    rng = np.random.default_rng(seed)
    wins = [spec.tokenize(synth_window(rng, spec.window_steps, spec.step_seconds)) for _ in range(4)]
    cases = []
    # 1. random order causal
    seqs = []
    for w, L in ((wins[0], 8), (wins[1], 5)):
        flat = flat_tokens(w)
        s = build_sequence(flat, random_order(present_positions(flat), rng), spec.bos, spec.start_position)
        seqs.append({k: v[:L] for k, v in s.items()})
    b = collate(seqs, spec.start_position, spec.n_positions)
    b["logit_rows"] = torch.arange(b["tokens"].shape[1]).expand(b["tokens"].shape[0], -1).contiguous()
    cases.append(("causal_random_order", "causal mask over a random order of present positions; logits of every step",
                  b, None))
    # 2. left-to-right causal
    seqs = []
    for w, L in ((wins[2], 6), (wins[3], 4)):
        flat = flat_tokens(w)
        s = build_sequence(flat, l2r_order(present_positions(flat)), spec.bos, spec.start_position)
        seqs.append({k: v[:L] for k, v in s.items()})
    b = collate(seqs, spec.start_position, spec.n_positions)
    b["logit_rows"] = torch.tensor([[5, 0, 2, 2], [3, 1, 0, 4]])
    cases.append(("causal_left_to_right", "causal mask, left-to-right order; logits of some steps, out of order, "
                  "one repeated, one a padding step", b, None))
    # 3. density mode: window A with 5 known positions and 3 rate + 1 altitude queries; window B nothing known
    flat = flat_tokens(wins[1])
    pres = present_positions(flat)
    kp = np.sort(rng.choice(pres, size=5, replace=False))
    rest = np.setdiff1d(pres, kp)
    qp = np.concatenate([rest[rest % 2 == 0][:3], rest[rest % 2 == 1][:1]])
    b = density_batch([kp, np.zeros(0, np.int64)], [flat[kp], np.zeros(0, np.int64)], [qp, np.array([0, 2, 65])],
                      spec.bos, spec.start_position, spec.n_positions)
    b["logit_rows"] = query_rows(b["query_index"])
    cases.append(("density", "density mode: known prefix causal, each query step attends to the prefix and itself; "
                  "logits of the query steps (the shorter row repeats its first query)", b, b["query_index"]))
    return cases


def query_rows(query_index: torch.Tensor) -> torch.Tensor:
    """logit_rows of a density batch: the query steps, padding (-1) replaced by the row's first query step."""
    return torch.where(query_index >= 0, query_index, query_index[:, :1].expand_as(query_index))


def make_golden(model, spec, model_id: str, onnx_sha: str) -> Dict:
    ranges = block_ranges_of(spec)
    out_cases = []
    with torch.no_grad():
        for name, desc, b, qi in golden_inputs(spec):
            rows = b["logit_rows"]
            logits = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"], rows).float()
            am = restrict_to_block(logits, b["pos_out"].gather(1, rows), ranges).argmax(-1)
            c = {"name": name, "description": desc, "batch": int(b["tokens"].shape[0]),
                 "length": int(b["tokens"].shape[1]),
                 "tokens": b["tokens"].tolist(), "pos_in": b["pos_in"].tolist(), "pos_out": b["pos_out"].tolist(),
                 "attn_mask": b["attn_mask"].int().tolist(), "logit_rows": rows.tolist(),
                 "block_argmax": am.tolist(),
                 "logits": _nested(logits.numpy(), _round7)}
            if qi is not None:
                c["query_index"] = qi.tolist()
            out_cases.append(c)
    return {"format": GOLDEN_FORMAT, "doc": GOLDEN_DOC, "model_id": model_id, "onnx_sha256": onnx_sha,
            "spec_sha256": spec.sha256, "vocab_size": spec.vocab_size, "tolerance": {"atol": 1e-4, "rtol": 1e-4},
            "input_names": INPUT_NAMES, "output_names": OUTPUT_NAMES, "cases": out_cases}


def check_golden_with_reference(onnx_path, golden: Dict) -> float:
    """Run the saved graph with onnx_ref on every golden case; raise if outside the tolerance."""
    tol = golden["tolerance"]
    worst = 0.0
    for c in golden["cases"]:
        feeds = {k: np.asarray(c[k], dtype=np.int64) for k in ("tokens", "pos_in", "pos_out", "logit_rows")}
        feeds["attn_mask"] = np.asarray(c["attn_mask"]).astype(bool)
        got = onnx_ref.run(onnx_path, feeds)["logits"]
        exp = np.asarray(c["logits"], dtype=np.float32)
        if got.shape != exp.shape:
            raise RuntimeError(f"golden {c['name']}: ONNX output shape {got.shape} != {exp.shape}")
        err = np.abs(got - exp)
        if not (err <= tol["atol"] + tol["rtol"] * np.abs(exp)).all():
            raise RuntimeError(f"golden {c['name']}: ONNX graph differs from PyTorch by {err.max():.3e}")
        worst = max(worst, float(err.max()))
    return worst


def export_onnx(model, path, spec):
    model.eval()
    model.set_sdpa(False)
    L = EXPORT_DUMMY_LEN
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(1, spec.vocab_size, (2, L), generator=g)
    pos_in = torch.randint(0, spec.n_positions, (2, L), generator=g)
    pos_in[:, 0] = spec.start_position
    pos_out = torch.randint(0, spec.n_positions, (2, L), generator=g)
    mask = torch.tril(torch.ones(L, L, dtype=torch.bool)).expand(2, L, L).contiguous()
    rows = torch.tensor([[L - 1, 3, 0], [2, 2, L - 1]])
    dyn = {"tokens": {0: "batch", 1: "seq"}, "pos_in": {0: "batch", 1: "seq"}, "pos_out": {0: "batch", 1: "seq"},
           "attn_mask": {0: "batch", 1: "seq", 2: "seq"}, "logit_rows": {0: "batch", 1: "rows"},
           "logits": {0: "batch", 1: "rows"}}
    kw = dict(opset_version=17, input_names=INPUT_NAMES, output_names=OUTPUT_NAMES, dynamic_axes=dyn,
              do_constant_folding=True)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False  # the TorchScript exporter (the default before torch 2.9)
    with torch.no_grad():
        torch.onnx.export(model, (tokens, pos_in, pos_out, mask, rows), str(path), **kw)


def write_metadata(path, meta: Dict[str, str]) -> onnx.ModelProto:
    """Checks the exported graph (onnx.checker) and saves it again with `meta` as its metadata_props. Nothing else
    moves: protobuf writes fields in field-number order, as the exporter did, and metadata_props (14) comes after the
    graph (7) and opset_import (8), so the file is the exporter's bytes followed by the entries."""
    model = onnx.load(str(path))
    onnx.helper.set_model_props(model, meta)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return model


def interface(graph: onnx.GraphProto) -> Dict[str, List[Dict]]:
    """Inputs (the initializers excluded) and outputs of the graph: name, numpy dtype name, dims (a number or the
    name of a dynamic axis)."""
    def describe(v: onnx.ValueInfoProto) -> Dict:
        t = v.type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param if d.HasField("dim_param") else None)
                for d in t.shape.dim]
        return {"name": v.name, "dtype": onnx_ref.numpy_dtype(t.elem_type).name, "dims": dims}
    initializers = {t.name for t in graph.initializer}
    return {"inputs": [describe(v) for v in graph.input if v.name not in initializers],
            "outputs": [describe(v) for v in graph.output]}


def sha256_bytes(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def export(args) -> Dict:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model, ck, spec = load_checkpoint(args.ckpt, "cpu")
    temperatures = [1.0] * spec.n_channels
    if args.calibration:
        temperatures = load_temperatures(args.calibration)
        model = CalibratedSigmaGPT(model, spec, temperatures)
        print(f"calibrated with temperatures {temperatures} (vertical rate, altitude) from {args.calibration}", flush=True)
    training_order = (ck.get("args") or {}).get("order", "random")
    model_id = args.model_id or out.name
    onnx_path = out / "model.onnx"
    print(f"exporting {args.ckpt} (step {ck.get('step')}) -> {onnx_path}", flush=True)
    export_onnx(model, onnx_path, spec)
    cfg = model.cfg
    metrics = {"val_nll_random": ck.get("val_nll"), "step": ck.get("step")}
    if args.metrics:
        metrics["evaluation"] = json.loads(Path(args.metrics).read_text())
    meta = {
        "model_id": model_id,
        "format": MODEL_FORMAT,
        "spec_sha256": spec.sha256,
        "vocab_size": str(spec.vocab_size),
        "n_positions": str(spec.n_positions),
        "start_position": str(spec.start_position),
        "bos_token": str(spec.bos),
        "inputs": "tokens int64 [B,L]; pos_in int64 [B,L]; pos_out int64 [B,L]; attn_mask bool [B,L,L]; "
                  "logit_rows int64 [B,R]",
        "attn_mask": "bool; attn_mask[b,i,j] = true <=> step i may attend to step j; every row must allow itself",
        "outputs": "logits float32 [B,R,V], raw, of the steps logit_rows; restrict to the vocab block of channel "
                   "pos_out % 2 of the step",
        "params": str(model.num_params()),
        "config": json.dumps(cfg.to_dict(), sort_keys=True),
        "data_manifest_sha256": str(ck.get("data_manifest_sha256")),
        "train_step": str(ck.get("step")),
        "training_order": str(training_order),
        "temperatures": json.dumps(temperatures),
    }
    graph = write_metadata(onnx_path, meta).graph
    onnx_bytes = onnx_path.read_bytes()
    onnx_sha = sha256_bytes(onnx_bytes)
    (out / "spec.json").write_bytes(spec.raw)
    golden = make_golden(model, spec, model_id, onnx_sha)
    (out / "golden.json").write_text(json.dumps(golden, separators=(",", ":")))
    worst = check_golden_with_reference(onnx_path, golden)
    print(f"self-check: the saved ONNX graph, run by the numpy reference evaluator on the golden inputs "
          f"(L != export length {EXPORT_DUMMY_LEN}), differs from the golden logits by at most {worst:.2e}", flush=True)
    info = {
        "model_id": model_id,
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "format": MODEL_FORMAT, "onnx": "model.onnx", "onnx_sha256": onnx_sha, "opset": 17,
        "spec": "spec.json", "spec_sha256": spec.sha256,
        "config": cfg.to_dict(), "params": model.num_params(),
        "training_order": training_order,
        "temperatures": {"vertical_rate": temperatures[0], "altitude": temperatures[1]},
        "sizes": {"n_layer": cfg.n_layer, "n_head": cfg.n_head, "d_model": cfg.d_model, "vocab_size": cfg.vocab_size,
                  "max_len": cfg.n_positions},
        "training": {"step": ck.get("step"), "elapsed_s": ck.get("elapsed_s"), "args": ck.get("args"),
                     "data_manifest_sha256": ck.get("data_manifest_sha256")},
        "metrics": metrics,
        "interface": {**interface(graph), "attn_mask": meta["attn_mask"], "logits": meta["outputs"],
                      "sequence": "see trainer/sigmavrate_trainer/data.py (training and density-mode layouts)"},
        "golden": "golden.json",
    }
    (out / "model.json").write_text(json.dumps(info, indent=1))
    print(f"wrote {onnx_path} ({len(onnx_bytes) / 1e6:.2f} MB, {len(graph.node)} nodes, "
          f"ops {sorted({n.op_type for n in graph.node})})")
    print(f"wrote {out / 'model.json'}, {out / 'spec.json'}, {out / 'golden.json'}", flush=True)
    return info


def add_export_args(p):
    p.add_argument("--ckpt", required=True)
    p.add_argument("--out", required=True, help="models/<id>/")
    p.add_argument("--model-id", help="default: the name of --out")
    p.add_argument("--metrics", help="evaluation JSON to copy into model.json (headline metrics)")
    p.add_argument("--calibration", help="calibration JSON from `calibrate`: temperatures folded into the graph")
