"""Distillation: a smaller σ-GPT student trained on the densities of a shipped σ-GPT teacher (issue 13).

`train --teacher models/<id>` runs train.py's loop (orders, data, checkpoints, resume are the same) with this
module's loss instead of the data NLL:

    loss = (1 - alpha) * KL(teacher || student) + alpha * NLL(data | student)

per scored step, over the categorical of the step's own channel block (the only tokens a step can predict), the
teacher's logits divided by its exported temperatures (the densities the service uses). The student is trained in
the same random orders as any σ-GPT, so it stays a σ-GPT: every conditional the teacher answers, it learns.

The teacher is read from the exported model directory itself: shipped models carry no PyTorch checkpoint, only
model.onnx. Its initializers are loaded by name into model.py's module (`load_exported`); the anonymous ones (the
transposed weights of the MatMuls, constant-folded by the exporter) are found by the scope of the node that uses
them. The loaded module is checked against the directory's golden.json before it is used.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

from .model import CalibratedSigmaGPT, SigmaGPT, SigmaGPTConfig, block_nll
from .spec import Spec

MODEL_FORMAT = "sigma-vrate-sigma-gpt-v2"


def _exported_weights(graph: onnx.GraphProto, d_model: int) -> Dict[str, np.ndarray]:
    """State-dict entries (names of SigmaGPT) of the graph's initializers; 'logit_scale' kept as it is."""
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    state: Dict[str, np.ndarray] = {}
    for name, a in init.items():
        if name.startswith("model."):
            state[name[len("model."):]] = a
        elif name == "logit_scale":
            state[name] = a
    # the last block computes its queries (rows only) and keys/values with two F.linear calls on slices of qkv
    split: Dict[str, Dict[str, np.ndarray]] = {}
    for node in graph.node:
        for i in node.input:
            if i not in init or i.startswith("model.") or i == "logit_scale":
                continue
            scope, op = node.name.rsplit("/", 1)
            module = scope.lstrip("/").split("/", 1)[1].replace("/", ".")  # '/model/blocks.0/attn/qkv' -> blocks.0.attn.qkv
            a = init[i]
            if module.endswith("attn"):  # the sliced qkv of the last block: [D, D] is q, [D, 2D] is k and v
                part = "q" if a.shape[-1] == d_model else "kv"
                split.setdefault(module, {})[("w" if node.op_type == "MatMul" else "b") + part] = a
            elif node.op_type == "MatMul" and op == "MatMul":  # nn.Linear: x @ W.T
                state[module + ".weight"] = a.T
            else:
                raise ValueError(f"unexpected initializer {i} used by {node.name}")
    for module, parts in split.items():
        state[module + ".qkv.weight"] = np.concatenate([parts["wq"].T, parts["wkv"].T], axis=0)
        state[module + ".qkv.bias"] = np.concatenate([parts["bq"], parts["bkv"]], axis=0)
    return state


def load_exported(model_dir, device="cpu", check_golden: bool = True) -> Tuple[CalibratedSigmaGPT, Spec, Dict]:
    """(calibrated σ-GPT in eval mode, its Spec, model.json) of an exported model directory (format v2)."""
    d = Path(model_dir)
    info = json.loads((d / "model.json").read_text())
    if info.get("format") != MODEL_FORMAT:
        raise ValueError(f"{d}: format {info.get('format')!r}, expected {MODEL_FORMAT}")
    spec = Spec((d / info.get("spec", "spec.json")).read_bytes())
    cfg = SigmaGPTConfig.from_dict(info["config"])
    cfg.use_sdpa, cfg.dropout = False, 0.0
    model = SigmaGPT(cfg, spec.token_value_normalized(), spec.token_channel)
    state = _exported_weights(onnx.load(str(d / info.get("onnx", "model.onnx"))).graph, cfg.d_model)
    scale = state.pop("logit_scale", None)
    temps = info.get("temperatures") or {}
    temperatures = [float(temps.get("vertical_rate", 1.0)), float(temps.get("altitude", 1.0))][:spec.n_channels]
    if scale is not None:  # the graph's folded temperatures are the truth; model.json must agree
        from_graph = [1.0 / float(scale[spec.block_range(c)[0]]) for c in range(spec.n_channels)]
        if not np.allclose(from_graph, temperatures, rtol=1e-5):
            raise ValueError(f"{d}: graph temperatures {from_graph} != model.json {temperatures}")
    elif any(t != 1.0 for t in temperatures):
        raise ValueError(f"{d}: model.json has temperatures but the graph folds none")
    model.load_state_dict({k: torch.from_numpy(np.array(v, copy=True)) for k, v in state.items()}, strict=True)
    teacher = CalibratedSigmaGPT(model, spec, temperatures).to(device).eval()
    if check_golden and (d / "golden.json").exists():
        worst = golden_error(teacher, json.loads((d / "golden.json").read_text()))
        if worst is None:
            raise ValueError(f"{d}: the loaded module does not reproduce golden.json")
    for p in teacher.parameters():
        p.requires_grad_(False)
    return teacher, spec, info


@torch.no_grad()
def golden_error(model, golden: Dict) -> Optional[float]:
    """Largest |model - golden| over the golden cases, or None if some logit is outside the golden tolerance."""
    tol = golden["tolerance"]
    worst = 0.0
    for c in golden["cases"]:
        t = {k: torch.tensor(c[k], dtype=torch.int64) for k in ("tokens", "pos_in", "pos_out", "logit_rows")}
        mask = torch.tensor(c["attn_mask"]).bool()
        got = model(t["tokens"], t["pos_in"], t["pos_out"], mask, t["logit_rows"]).float().numpy()
        exp = np.asarray(c["logits"], dtype=np.float32)
        err = np.abs(got - exp)
        if got.shape != exp.shape or not (err <= tol["atol"] + tol["rtol"] * np.abs(exp)).all():
            return None
        worst = max(worst, float(err.max()))
    return worst


def init_from_teacher(student: SigmaGPT, teacher: SigmaGPT, layers: Sequence[int]):
    """Start the student from the teacher (same d_model): every non-block weight, and teacher block layers[i] as
    student block i (DistilBERT's layer selection); the student trains from a point near the teacher."""
    if student.cfg.d_model != teacher.cfg.d_model or len(layers) != student.cfg.n_layer:
        raise ValueError(f"init from teacher needs the same d_model and {student.cfg.n_layer} teacher layers")
    src = teacher.state_dict()
    dst = {}
    for k in student.state_dict():
        if k.startswith("blocks."):
            i, rest = k[len("blocks."):].split(".", 1)
            dst[k] = src[f"blocks.{layers[int(i)]}.{rest}"].clone()
        else:
            dst[k] = src[k].clone()
    student.load_state_dict(dst, strict=True)


def _scored_block_logits(model: SigmaGPT, batch, ranges, need_grad: bool) -> List[Tuple[torch.Tensor, torch.Tensor]]:
    """Per channel: (logits [n, b - a] of its scored steps, flat indices of those steps), as SigmaGPT.nll does."""
    with torch.set_grad_enabled(need_grad):
        table = model.embedding_table()
        h = model.hidden(batch["tokens"], batch["pos_in"], batch["pos_out"], batch["attn_mask"], table)
        out = model.output_table(table)
        h = h.reshape(-1, h.shape[-1])
        ch = (batch["pos_out"] % len(ranges)).reshape(-1)
        valid = batch["targets"].reshape(-1) >= 0
        res = []
        for c, (a, b) in enumerate(ranges):
            sel = torch.nonzero(valid & (ch == c)).squeeze(-1)
            lg = torch.matmul(h.index_select(0, sel), out[a:b].t()) + model.out_bias[a:b]
            res.append((lg.float(), sel))
        return res


def distill_loss(student: SigmaGPT, teacher: CalibratedSigmaGPT, batch, ranges, alpha: float = 0.0,
                 rate_weight: float = 1.0) -> Tuple[torch.Tensor, int, Dict[str, float]]:
    """(loss, scored steps, parts): the mean over scored steps of (1 - alpha) KL(teacher || student) + alpha NLL,
    the teacher's logits of channel c divided by its temperature T_c; the rate channel weighted by rate_weight."""
    t_parts = _scored_block_logits(teacher.model, batch, ranges, need_grad=False)
    s_parts = _scored_block_logits(student, batch, ranges, need_grad=True)
    tgt = batch["targets"].reshape(-1)
    kl_sum, nll_sum, count = s_parts[0][0].new_zeros(()), s_parts[0][0].new_zeros(()), 0.0
    for c, ((t_lg, sel), (s_lg, _)) in enumerate(zip(t_parts, s_parts)):
        if sel.numel() == 0:
            continue
        w = rate_weight if c == 0 else 1.0
        log_pt = F.log_softmax(t_lg / float(teacher.temperatures[c]), dim=-1)
        log_ps = F.log_softmax(s_lg, dim=-1)
        kl_sum = kl_sum + w * (log_pt.exp() * (log_pt - log_ps)).sum()
        if alpha > 0:
            nll_sum = nll_sum + w * block_nll(s_lg, tgt.index_select(0, sel) - ranges[c][0]).sum()
        count += w * sel.numel()
    count = max(count, 1e-9)
    loss = (1.0 - alpha) * kl_sum / count + (alpha * nll_sum / count if alpha > 0 else 0.0)
    n = int((tgt >= 0).sum())
    return loss, n, {"kl": float(kl_sum.detach()) / count}


def parse_layers(text: str) -> List[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def save_as_checkpoint(model_dir, path) -> Path:
    """The exported model's raw σ-GPT (temperatures not applied, as in every checkpoint) written as a checkpoint that
    train.load_checkpoint reads: so `ablate` can compare a shipped model with a student, paired over flights."""
    teacher, spec, info = load_exported(model_dir)
    torch.save({"model": teacher.model.state_dict(), "config": teacher.model.cfg.to_dict(), "spec_bytes": spec.raw,
                "spec_sha256": spec.sha256, "step": (info.get("training") or {}).get("step"),
                "args": (info.get("training") or {}).get("args") or {"order": info.get("training_order", "random")},
                "data_manifest_sha256": (info.get("training") or {}).get("data_manifest_sha256"),
                "source": str(model_dir)}, str(path))
    return Path(path)
