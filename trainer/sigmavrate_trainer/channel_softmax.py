"""The channel softmax graph: what the Java forecaster runs on the σ-GPT's logits to get each channel's bin
probabilities (src/core/src/main/resources/onnx/channel-softmax.onnx, built from the spec here).

A density pass reads, for every query row, the softmax over one channel's block of the vocabulary (243 rate bins or
2,041 altitude bins). Done in Java that is one Math.exp per bin, about a fifth of the int8 pass; ONNX Runtime's
Softmax is vectorised and does both blocks of a row in a third of the time Java takes for one. The graph is a Slice
and a Softmax per channel on logits [rows, vocab]; the blocks come from the spec, whose SHA-256 the graph carries in
its metadata (the Java side refuses a graph of another spec). `python -m sigmavrate_trainer channel-softmax` writes
it; tests/test_channel_softmax.py checks that the shipped file is what this builds.
"""
from __future__ import annotations

from pathlib import Path

import onnx
from onnx import TensorProto, helper

from .spec import Spec

INPUT = "logits"
OPSET = 17


def output_name(block) -> str:
    return "probabilities_" + block.name


def default_path() -> Path:
    here = Path(__file__).resolve()
    return here.parent.parent.parent / "src" / "core" / "src" / "main" / "resources" / "onnx" / "channel-softmax.onnx"


def build(spec: Spec) -> onnx.ModelProto:
    rows = "rows"
    nodes, inits, outputs = [], [], []
    inits.append(helper.make_tensor("axis", TensorProto.INT64, [1], [1]))
    for b in spec.blocks:
        start, stop = f"{b.name}_start", f"{b.name}_stop"
        inits.append(helper.make_tensor(start, TensorProto.INT64, [1], [b.first_token]))
        inits.append(helper.make_tensor(stop, TensorProto.INT64, [1], [b.stop_token]))
        nodes.append(helper.make_node("Slice", [INPUT, start, stop, "axis"], [f"{b.name}_logits"]))
        nodes.append(helper.make_node("Softmax", [f"{b.name}_logits"], [output_name(b)], axis=-1))
        outputs.append(helper.make_tensor_value_info(output_name(b), TensorProto.FLOAT, [rows, b.bins]))
    graph = helper.make_graph(nodes, "channel_softmax",
                              [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, [rows, spec.vocab_size])],
                              outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="sigmavrate_trainer")
    model.ir_version = 8  # ONNX Runtime 1.29 and Debian's onnx 1.12 both read it
    helper.set_model_props(model, {"spec_sha256": spec.sha256, "vocab_size": str(spec.vocab_size)})
    onnx.checker.check_model(model)
    return model


def add_channel_softmax_args(p):
    p.add_argument("--spec", help="spec path (default: the repository's spec)")
    p.add_argument("--out", help=f"where to write it (default: {default_path()})")


def write(args) -> Path:
    spec = Spec.load(args.spec)
    out = Path(args.out) if args.out else default_path()
    out.write_bytes(build(spec).SerializeToString())
    print(f"channel-softmax: wrote {out} (spec sha256 {spec.sha256[:12]}, blocks "
          + ", ".join(f"{b.name} {b.first_token}..{b.stop_token - 1}" for b in spec.blocks) + ")")
    return out
