import json

import numpy as np
import pytest
import torch

from sigmavrate_trainer import onnx_proto, onnx_ref
from sigmavrate_trainer.__main__ import main
from sigmavrate_trainer.bench import random_batch
from sigmavrate_trainer.data import density_batch
from sigmavrate_trainer.export import EXPORT_DUMMY_LEN, INPUT_NAMES
from sigmavrate_trainer.train import load_checkpoint


@pytest.fixture(scope="module")
def exported(tiny_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "tiny-test"
    assert main(["export", "--ckpt", str(tiny_run / "best.pt"), "--out", str(out)]) == 0
    return out


def test_export_files_interface_and_metadata(exported, spec):
    for f in ("model.onnx", "model.json", "spec.json", "golden.json"):
        assert (exported / f).exists(), f
    s = onnx_proto.summarize(exported / "model.onnx")
    assert s["opset_import"][""] == 17
    assert [i["name"] for i in s["inputs"]] == INPUT_NAMES
    assert [i["elem_type"] for i in s["inputs"]] == ["int64", "int64", "int64", "bool", "int64"]
    assert [i["dims"] for i in s["inputs"]] == [["batch", "seq"]] * 3 + [["batch", "seq", "seq"], ["batch", "rows"]]
    assert s["outputs"] == [{"name": "logits", "elem_type": "float32", "dims": ["batch", "rows", spec.vocab_size]}]
    md = s["metadata"]
    assert md["model_id"] == "tiny-test" and md["spec_sha256"] == spec.sha256
    assert md["vocab_size"] == str(spec.vocab_size) and "attn_mask" in md and "config" in md
    assert (exported / "spec.json").read_bytes() == spec.raw
    info = json.loads((exported / "model.json").read_text())
    assert info["spec_sha256"] == spec.sha256 and info["params"] > 0 and info["model_id"] == "tiny-test"
    assert info["training"]["data_manifest_sha256"] and "metrics" in info
    try:
        import onnx  # optional
    except ImportError:
        return
    m = onnx.load(str(exported / "model.onnx"))
    onnx.checker.check_model(m)
    assert {p.key: p.value for p in m.metadata_props}["spec_sha256"] == spec.sha256


def test_golden_vectors(exported, spec):
    g = json.loads((exported / "golden.json").read_text())
    assert (exported / "golden.json").stat().st_size < 2_000_000
    assert [c["name"] for c in g["cases"]] == ["causal_random_order", "causal_left_to_right", "density"]
    assert g["spec_sha256"] == spec.sha256
    for c in g["cases"]:
        B, L = c["batch"], c["length"]
        assert L != EXPORT_DUMMY_LEN
        assert np.asarray(c["tokens"]).shape == (B, L) and np.asarray(c["attn_mask"]).shape == (B, L, L)
        rows = np.asarray(c["logit_rows"])
        assert rows.shape[0] == B and ((rows >= 0) & (rows < L)).all()
        assert np.asarray(c["logits"]).shape == (B, rows.shape[1], spec.vocab_size)
        assert np.asarray(c["attn_mask"])[:, np.arange(L), np.arange(L)].all()


def test_onnx_graph_runs_at_other_lengths_and_matches_torch(exported, tiny_run, spec):
    model, _, _ = load_checkpoint(tiny_run / "best.pt")
    gen = torch.Generator().manual_seed(3)
    batches = [random_batch(spec, 3, 23, gen), random_batch(spec, 1, 128, gen),
               density_batch([np.array([5, 8, 1]), np.array([], np.int64)], [np.array([10, 500, 300]), np.array([], np.int64)],
                             [np.array([0, 2, 4, 7]), np.array([9])], spec.bos, spec.start_position, spec.n_positions)]
    for b in batches:
        B, L = b["tokens"].shape
        with torch.no_grad():
            full = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"]).numpy()
        every = torch.arange(L).expand(B, L).contiguous()
        some = torch.stack([torch.randperm(L, generator=gen)[:max(1, L // 3)] for _ in range(B)])
        for rows in (every, some):
            feeds = {k: b[k].numpy() for k in INPUT_NAMES if k != "logit_rows"}
            feeds["logit_rows"] = rows.numpy()
            got = onnx_ref.run(exported / "model.onnx", feeds)["logits"]
            ref = np.take_along_axis(full, rows.numpy()[:, :, None], axis=1)
            assert got.shape == ref.shape
            np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_metadata_append_roundtrip(tmp_path):
    p = tmp_path / "m.bin"
    p.write_bytes(onnx_proto._ld(7, onnx_proto._ld(2, b"g")))  # a ModelProto holding only graph{name}
    onnx_proto.append_metadata(p, {"a": "1", "ké": "v" * 300})
    assert onnx_proto.summarize(p)["metadata"] == {"a": "1", "ké": "v" * 300}


def test_v2_levers_train_and_export_with_parity(synth_dir, tmp_path):
    """A run with every v2 lever on (relative altitude, use-shaped orders, shift and reversal) trains through the
    CLI and exports a graph whose golden vectors the reference evaluator reproduces (export checks them)."""
    run = tmp_path / "run"
    assert main(["train", "--data", str(synth_dir), "--out", str(run), "--size", "tiny", "--steps", "4",
                 "--batch-size", "8", "--eval-every", "4", "--eval-windows", "8", "--warmup", "1", "--threads", "1",
                 "--relative-altitude", "--use-orders", "0.5", "--shift-prob", "0.5", "--reverse-prob", "0.5"]) == 0
    out = tmp_path / "model"
    assert main(["export", "--ckpt", str(run / "best.pt"), "--out", str(out)]) == 0
    info = json.loads((out / "model.json").read_text())
    assert info["config"]["relative_altitude"] is True
