"""int8 dynamic quantization of an exported model directory, with ONNX's own operators only.

Every MatMul (or Gemm) whose second input is a constant weight W [K, N] becomes

    x --DynamicQuantizeLinear--> x_q (uint8), x_scale, x_zero
    MatMulInteger(x_q, W_q (int8, zero point 0), x_zero, W_zero) --> int32
    Cast(float) * (x_scale * W_scale) --> the MatMul's output (the bias Add, if any, follows unchanged)

with W_q = round(W / W_scale), W_scale = max|W[:, n]| / 127 per output column (symmetric). This is the pattern
ONNX Runtime's CPU optimizer fuses (MatMulIntegerToFloatFusion, then DynamicQuantizeMatMulFusion, at the
extended level: SigmaGptSession asks for ALL_OPT) into one DynamicQuantizeMatMul kernel with prepacked int8
weights; a bias Add whose constant is its second input is fused too, so the exporter's Add(bias, y) is turned
round. The activations are quantized per tensor at run time (the row batch's range), the weights once here.

The tied output head (logits = ln_f(h) @ E^T, E the embedding table, also read by the input Gather) is a MatMul on
Transpose(E), computed from constants: they are folded first (fold_initializer_nodes), and the head is quantized only
with --head (an int8 copy of E^T; the fp32 E stays for the Gather).

Why not onnxruntime.quantization: no onnxruntime Python package on these machines (and no PyPI); Debian's
python3-onnx is enough to rewrite the graph, and onnx_ref runs the integer operators for the golden vectors.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from . import onnx_ref

def quantize_weight(w: np.ndarray, bits: int = 8) -> Tuple[np.ndarray, np.ndarray]:
    """Symmetric per-output-column int8 holding `bits`-bit values: (W_q int8 [K, N], scale float32 [N]); an all-zero
    column gets scale 1."""
    qmax = 2 ** (bits - 1) - 1
    w = np.asarray(w, dtype=np.float32)
    amax = np.abs(w).max(axis=0)
    scale = np.where(amax > 0, amax / qmax, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -qmax, qmax).astype(np.int8)
    return q, scale


def fold_initializer_nodes(model: onnx.ModelProto) -> List[str]:
    """Replaces every node whose inputs are all initializers by initializers of its outputs (evaluated with onnx_ref),
    until none is left; returns the folded nodes' names. The exported graph computes its tied embedding table at run
    time (E = token embedding + value features @ W_value) and the head weight as Transpose(E): ONNX Runtime folds
    these constants when it loads the graph, and the quantizer must see the folded weights too, or it would
    quantize the table's own construction (a MatMul of two constants) instead of the head."""
    g = model.graph
    folded = []
    while True:
        values = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        node = next((n for n in g.node if n.op_type != "Constant" and n.input
                     and all(i in values for i in n.input if i)), None)
        if node is None:
            return folded
        outs = onnx_ref.evaluate_node(node, [values[i] if i else None for i in node.input])
        g.initializer.extend(numpy_helper.from_array(v, name) for name, v in zip(node.output, outs))
        g.node.remove(node)
        folded.append(node.name)


def quantize_model(model: onnx.ModelProto, head: bool = False, weight_bits: int = 8) -> Tuple[onnx.ModelProto, Dict]:
    """A copy of `model` with its constant-weight MatMul/Gemm nodes quantized; returns (model, report). The output
    head (the weight whose output dimension is the vocabulary, metadata vocab_size) is quantized only with `head`."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    folded = fold_initializer_nodes(model)
    g = model.graph
    vocab = int(_metadata(model).get("vocab_size", "-1"))
    inits = {t.name: t for t in g.initializer}
    new_nodes: List[onnx.NodeProto] = []
    new_inits: List[TensorProto] = []
    quantized, skipped = [], []
    worst_rel = 0.0
    for node in g.node:
        if node.op_type not in ("MatMul", "Gemm"):
            new_nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Gemm" and (attrs.get("transA", 0) or attrs.get("alpha", 1.0) != 1.0
                                       or attrs.get("beta", 1.0) != 1.0):
            skipped.append((node.name, "Gemm with transA, alpha or beta"))
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(inits[node.input[1]]) if node.input[1] in inits else None
        if w is None or w.ndim != 2 or w.dtype != np.float32:
            new_nodes.append(node)  # activation x activation (attention scores and values)
            continue
        if node.op_type == "Gemm" and attrs.get("transB", 0):
            w = w.T.copy()
        is_head = w.shape[1] == vocab
        if is_head and not head:
            skipped.append((node.name, "output head (kept fp32; --head quantizes it)"))
            new_nodes.append(node)
            continue
        wq, ws = quantize_weight(w, weight_bits)
        worst_rel = max(worst_rel, float(np.abs(wq.astype(np.float32) * ws - w).max() / max(np.abs(w).max(), 1e-12)))
        base = (node.name or node.output[0]).strip("/").replace("/", "_")
        names = {k: f"{base}_{k}" for k in ("x_q", "x_scale", "x_zero", "w_q", "w_scale", "w_zero", "y_int",
                                               "y_float", "scale", "y")}
        new_inits += [numpy_helper.from_array(wq, names["w_q"]), numpy_helper.from_array(ws, names["w_scale"]),
                      numpy_helper.from_array(np.zeros(wq.shape[1], np.int8), names["w_zero"])]
        out = node.output[0] if node.op_type == "MatMul" or len(node.input) < 3 else names["y"]
        new_nodes += [
            helper.make_node("DynamicQuantizeLinear", [node.input[0]], [names["x_q"], names["x_scale"], names["x_zero"]],
                             name=f"{base}_quant"),
            helper.make_node("MatMulInteger", [names["x_q"], names["w_q"], names["x_zero"], names["w_zero"]],
                             [names["y_int"]], name=f"{base}_int8"),
            helper.make_node("Cast", [names["y_int"]], [names["y_float"]], to=TensorProto.FLOAT, name=f"{base}_cast"),
            helper.make_node("Mul", [names["x_scale"], names["w_scale"]], [names["scale"]], name=f"{base}_scales"),
            helper.make_node("Mul", [names["y_float"], names["scale"]], [out], name=f"{base}_rescale"),
        ]
        if out != node.output[0]:  # Gemm's bias C, added after the rescale
            new_nodes.append(helper.make_node("Add", [out, node.input[2]], [node.output[0]], name=f"{base}_bias"))
        quantized.append({"node": node.name, "weight": node.input[1], "shape": list(w.shape),
                          "head": bool(is_head)})
    # the exporter writes Add(bias, y): the fusion takes a bias only as the Add's second input
    rescaled = {n.output[0] for n in new_nodes if n.op_type == "Mul" and n.name.endswith("_rescale")}
    for n in new_nodes:
        if n.op_type == "Add" and n.input[0] in inits and n.input[1] in rescaled:
            n.input[0], n.input[1] = n.input[1], n.input[0]
    del g.node[:]
    g.node.extend(new_nodes)
    used = {i for n in g.node for i in n.input}
    # drop what only the float MatMuls used (the fp32 weights, a head Transpose)
    while True:
        dead = [n for n in g.node if not any(o in used or o in {v.name for v in g.output} for o in n.output)]
        if not dead:
            break
        for n in dead:
            g.node.remove(n)
        used = {i for n in g.node for i in n.input}
    kept = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    report = {"quantized": quantized, "skipped": skipped, "folded": folded, "weight_max_relative_error": worst_rel}
    return model, report


def _metadata(model: onnx.ModelProto) -> Dict[str, str]:
    return {p.key: p.value for p in model.metadata_props}


def golden_for(onnx_path: Path, spec, model_id: str, onnx_sha: str, tolerance: Dict[str, float]) -> Dict:
    """Golden vectors of the quantized graph on export's golden inputs, computed by onnx_ref (numpy)."""
    import torch
    from .export import GOLDEN_DOC, GOLDEN_FORMAT, INPUT_NAMES, OUTPUT_NAMES, _nested, _round7, golden_inputs
    from .model import block_ranges_of, restrict_to_block
    ranges = block_ranges_of(spec)
    cases = []
    for name, desc, b, qi in golden_inputs(spec):
        feeds = {k: b[k].numpy().astype(np.int64) for k in ("tokens", "pos_in", "pos_out", "logit_rows")}
        feeds["attn_mask"] = b["attn_mask"].numpy().astype(bool)
        logits = onnx_ref.run(onnx_path, feeds)["logits"].astype(np.float32)
        rows = b["logit_rows"]
        am = restrict_to_block(torch.from_numpy(logits), b["pos_out"].gather(1, rows), ranges).argmax(-1)
        c = {"name": name, "description": desc, "batch": int(b["tokens"].shape[0]), "length": int(b["tokens"].shape[1]),
             "tokens": b["tokens"].tolist(), "pos_in": b["pos_in"].tolist(), "pos_out": b["pos_out"].tolist(),
             "attn_mask": b["attn_mask"].int().tolist(), "logit_rows": rows.tolist(), "block_argmax": am.tolist(),
             "logits": _nested(logits, _round7)}
        if qi is not None:
            c["query_index"] = qi.tolist()
        cases.append(c)
    return {"format": GOLDEN_FORMAT, "doc": GOLDEN_DOC, "model_id": model_id, "onnx_sha256": onnx_sha,
            "spec_sha256": spec.sha256, "vocab_size": spec.vocab_size, "tolerance": tolerance,
            "reference": "onnx_ref (numpy) running the quantized graph", "input_names": INPUT_NAMES,
            "output_names": OUTPUT_NAMES, "cases": cases}


# int8 activations are rounded to a grid at run time. The integer products are exact in ONNX Runtime and in numpy,
# but the float parts before each DynamicQuantizeLinear (layer norms, GELU, attention) differ by ~1e-6 between the
# two, and a value that close to a rounding boundary goes to the neighbouring level in one of them; the step then
# propagates through the later layers and steps. Measured with sgpt-small-v2-int8 (ONNX Runtime 1.29, Java):
# two golden cases within 5e-6, the third (causal left-to-right) off by up to 0.099 on almost every logit. Where it
# happens depends on the CPU and the runtime version, so the golden bound of a quantized graph is 0.25 on the
# logits (max_abs: the largest difference the Java test accepts, 1e-4 by default for fp32 graphs). It checks that
# the runtime computes this graph's arithmetic (wrong zero points or scales move logits by units), not bit parity.
QUANTIZED_TOLERANCE = {"atol": 0.25, "rtol": 0.0, "max_abs": 0.25}


def quantize(args) -> Dict:
    from .spec import Spec
    src, out = Path(args.model), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    src_info = json.loads((src / "model.json").read_text())
    spec = Spec.load(src / "spec.json")
    model = onnx.load(str(src / "model.onnx"))
    qmodel, report = quantize_model(model, head=args.head, weight_bits=args.weight_bits)
    src_id = src_info["model_id"]
    model_id = args.model_id or out.name
    meta = _metadata(qmodel)
    description = (f"int8 dynamic quantization of {src_id}: {len(report['quantized'])} MatMul weights int8 "
                   f"({args.weight_bits}-bit, symmetric, per output column), activations uint8 per tensor at run time "
                   f"(DynamicQuantizeLinear + MatMulInteger); output head "
                   f"{'int8' if args.head else 'fp32'}")
    meta.update({"model_id": model_id, "source_model_id": src_id, "quantization": description})
    helper.set_model_props(qmodel, meta)
    onnx_path = out / "model.onnx"
    onnx.save(qmodel, str(onnx_path))
    onnx_sha = hashlib.sha256(onnx_path.read_bytes()).hexdigest()
    shutil.copyfile(src / "spec.json", out / "spec.json")
    if (out / "calibration.json").exists():
        (out / "calibration.json").unlink()  # fitted for an earlier graph of this folder
    print(f"quantized {len(report['quantized'])} MatMul weights; skipped {report['skipped']}; largest weight "
          f"error {report['weight_max_relative_error']:.2e} of the largest weight", flush=True)
    golden = golden_for(onnx_path, spec, model_id, onnx_sha, dict(QUANTIZED_TOLERANCE))
    (out / "golden.json").write_text(json.dumps(golden, separators=(",", ":")))
    info = dict(src_info)
    info.update({"model_id": model_id, "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "onnx_sha256": onnx_sha, "golden": "golden.json",
                 "quantization": {"method": "dynamic", "source_model_id": src_id,
                                  "source_onnx_sha256": src_info.get("onnx_sha256"),
                                  "weights": f"int8 holding {args.weight_bits}-bit values, symmetric, one scale per output "
                                             "column (zero point 0)",
                                  "weight_bits": args.weight_bits,
                                  "activations": "uint8, asymmetric, one scale per tensor computed at run time",
                                  "operators": "DynamicQuantizeLinear + MatMulInteger + Cast + Mul (bias Add kept)",
                                  "output_head": "int8" if args.head else "fp32",
                                  "matmuls": [q["node"] for q in report["quantized"]],
                                  "skipped": [f"{n}: {why}" for n, why in report["skipped"]],
                                  "weight_max_relative_error": report["weight_max_relative_error"],
                                  "golden_tolerance": QUANTIZED_TOLERANCE}})
    (out / "model.json").write_text(json.dumps(info, indent=1))
    print(f"wrote {out} ({onnx_path.stat().st_size / 1e6:.2f} MB, onnx sha256 {onnx_sha[:12]})", flush=True)
    if (src / "calibration.json").exists():
        # the bands' conformal corrections are fitted per model (CalibratedBands checks the model_id): copying the
        # source's would leave the quantized model with raw quantiles, so they are fitted again on its densities
        print(f"{src / 'calibration.json'} is not copied (fitted for {src_id}): fit the quantized model's with "
              f"bin/forecaster calibrate --input <val_flights.csv> --model {out} --out {out / 'calibration.json'}",
              flush=True)
    return info


def add_quantize_args(p):
    p.add_argument("--model", required=True, help="the fp32 model directory (models/<id>/)")
    p.add_argument("--out", required=True, help="the quantized model directory")
    p.add_argument("--model-id", help="default: the name of --out")
    p.add_argument("--head", action="store_true", help="quantize the tied output head too (default: keep it fp32)")
    p.add_argument("--weight-bits", type=int, choices=(7, 8), default=8,
                   help="7 keeps every u8 x s8 product pair inside int16: x86 CPUs without VNNI then compute exactly "
                        "what VNNI CPUs do (ONNX Runtime's reduce_range; default: %(default)s)")
