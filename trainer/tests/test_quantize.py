import json
from collections import Counter

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from sigmavrate_trainer import onnx_ref
from sigmavrate_trainer.__main__ import main
from sigmavrate_trainer.data import density_batch, flat_tokens, present_positions
from sigmavrate_trainer.export import check_golden_with_reference, query_rows
from sigmavrate_trainer.quantize import quantize_model, quantize_weight
from sigmavrate_trainer.synth import synth_window


@pytest.fixture(scope="module")
def exported(tiny_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "tiny-fp32"
    assert main(["export", "--ckpt", str(tiny_run / "best.pt"), "--out", str(out)]) == 0
    return out


def _weight_matmuls(model):
    inits = {t.name for t in model.graph.initializer}
    return [n for n in model.graph.node if n.op_type in ("MatMul", "Gemm") and n.input[1] in inits]


def _density_feeds(spec, seed=5):
    rng = np.random.default_rng(seed)
    wins = [flat_tokens(spec.tokenize(synth_window(rng, spec.window_steps, spec.step_seconds))) for _ in range(2)]
    known, values, queries = [], [], []
    for flat in wins:
        pres = present_positions(flat)
        kp = np.sort(rng.choice(pres, size=12, replace=False))
        known.append(kp)
        values.append(flat[kp])
        queries.append(np.setdiff1d(pres, kp)[:6])
    b = density_batch(known, values, queries, spec.bos, spec.start_position, spec.n_positions)
    feeds = {k: b[k].numpy().astype(np.int64) for k in ("tokens", "pos_in", "pos_out")}
    feeds["attn_mask"] = b["attn_mask"].numpy().astype(bool)
    feeds["logit_rows"] = query_rows(b["query_index"]).numpy().astype(np.int64)
    return feeds


def test_dynamic_quantize_linear_follows_the_onnx_definition():
    # the example of the ONNX operator documentation (0.5 / scale = 25.5 rounds to even: 26)
    x = np.array([0, 2, -3, -2.5, 1.34, 0.5], dtype=np.float32)
    node = helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"])
    y, s, z = onnx_ref.evaluate_node(node, [x])
    assert y.dtype == np.uint8 and z.dtype == np.uint8
    assert y.tolist() == [153, 255, 0, 26, 221, 179] and int(z) == 153 and abs(float(s) - 0.0196078) < 1e-6


def test_matmul_integer_subtracts_the_zero_points():
    a = np.array([[11, 7, 3], [10, 6, 2]], np.uint8)
    b = np.array([[1, -4], [2, 5], [-3, 6]], np.int8)
    node = helper.make_node("MatMulInteger", ["a", "b", "za", "zb"], ["y"])
    (y,) = onnx_ref.evaluate_node(node, [a, b, np.uint8(2), np.array([1, -1], np.int8)])
    assert y.dtype == np.int32
    assert y.tolist() == ((a.astype(np.int64) - 2) @ (b.astype(np.int64) - [1, -1])).tolist()


@pytest.mark.parametrize("bits", [8, 7])
def test_weights_are_rounded_per_output_column(bits):
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((40, 6)) * np.array([0.01, 0.1, 1, 3, 0.5, 0])).astype(np.float32)
    q, scale = quantize_weight(w, bits)
    qmax = 2 ** (bits - 1) - 1
    assert q.dtype == np.int8 and scale.shape == (6,) and np.abs(q).max() == qmax
    assert (np.abs(q).max(axis=0)[:5] == qmax).all() and (q[:, 5] == 0).all()
    assert (np.abs(q.astype(np.float32) * scale - w) <= scale / 2 + 1e-7).all()


@pytest.mark.parametrize("head", [False, True])
def test_every_constant_weight_matmul_is_replaced_and_the_logits_stay_close(exported, spec, head):
    fp32 = onnx.load(str(exported / "model.onnx"))
    q, report = quantize_model(fp32, head=head)
    onnx.checker.check_model(q)
    ops = Counter(n.op_type for n in q.graph.node)
    remaining = _weight_matmuls(q)
    inits = {t.name: numpy_helper.to_array(t) for t in q.graph.initializer}
    # the head is the only float weight MatMul left, and only when it is kept fp32
    assert [inits[n.input[1]].shape[1] for n in remaining] == ([] if head else [spec.vocab_size])
    assert ops["DynamicQuantizeLinear"] == ops["MatMulInteger"] == len(report["quantized"]) > 0
    assert sum(q_["head"] for q_ in report["quantized"]) == int(head)
    for n in q.graph.node:
        if n.op_type == "MatMulInteger":
            assert inits[n.input[1]].dtype == np.int8 and inits[n.input[3]].dtype == np.int8
    # the constant table construction was folded, not quantized: no MatMulInteger reads two constants
    assert all(n.input[0] not in inits for n in q.graph.node if n.op_type == "DynamicQuantizeLinear")
    # the bias comes second in each Add after a rescale, where ONNX Runtime's fusion looks for it
    rescaled = {n.output[0] for n in q.graph.node if n.op_type == "Mul" and n.name.endswith("_rescale")}
    adds = [n for n in q.graph.node if n.op_type == "Add" and set(n.input) & rescaled]
    assert adds and all(n.input[0] in rescaled and n.input[1] in inits for n in adds)
    qpath = exported.parent / f"q-{head}.onnx"
    onnx.save(q, str(qpath))
    feeds = _density_feeds(spec)
    ref = onnx_ref.run(exported / "model.onnx", feeds)["logits"]
    got = onnx_ref.run(qpath, feeds)["logits"]
    assert got.shape == ref.shape
    err = np.abs(got - ref)
    assert err.max() > 0, "the quantized graph computes something else than the fp32 one"
    assert err.max() < 0.05 * np.abs(ref).max() + 0.05, (err.max(), np.abs(ref).max())


def test_quantize_command_writes_a_complete_model_directory(exported, tmp_path, spec):
    out = tmp_path / "tiny-int8"
    assert main(["quantize", "--model", str(exported), "--out", str(out), "--weight-bits", "7"]) == 0
    for f in ("model.onnx", "model.json", "spec.json", "golden.json"):
        assert (out / f).exists(), f
    assert (out / "spec.json").read_bytes() == (exported / "spec.json").read_bytes()
    info = json.loads((out / "model.json").read_text())
    src = json.loads((exported / "model.json").read_text())
    assert info["model_id"] == "tiny-int8" and info["spec_sha256"] == src["spec_sha256"] == spec.sha256
    qi = info["quantization"]
    assert qi["source_model_id"] == "tiny-fp32" and qi["source_onnx_sha256"] == src["onnx_sha256"]
    assert qi["weight_bits"] == 7 and qi["output_head"] == "fp32" and qi["matmuls"]
    import hashlib
    assert info["onnx_sha256"] == hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest()
    md = {p.key: p.value for p in onnx.load(str(out / "model.onnx")).metadata_props}
    assert md["model_id"] == "tiny-int8" and md["spec_sha256"] == spec.sha256 and "int8" in md["quantization"]
    golden = json.loads((out / "golden.json").read_text())
    assert golden["model_id"] == "tiny-int8" and golden["onnx_sha256"] == info["onnx_sha256"]
    assert [c["name"] for c in golden["cases"]] == ["causal_random_order", "causal_left_to_right", "density"]
    check_golden_with_reference(out / "model.onnx", golden)
    fp32_golden = json.loads((exported / "golden.json").read_text())
    assert any(np.abs(np.asarray(a["logits"]) - np.asarray(b["logits"])).max() > 1e-4
               for a, b in zip(golden["cases"], fp32_golden["cases"])), "golden vectors of the quantized graph"
