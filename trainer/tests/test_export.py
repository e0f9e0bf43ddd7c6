import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from sigmavrate_trainer import onnx_ref
from sigmavrate_trainer.__main__ import main
from sigmavrate_trainer.bench import random_batch
from sigmavrate_trainer.data import density_batch
from sigmavrate_trainer.export import (EXPORT_DUMMY_LEN, INPUT_NAMES, check_golden_with_reference, export_onnx,
                                       interface, write_metadata)
from sigmavrate_trainer.train import load_checkpoint


@pytest.fixture(scope="module")
def exported(tiny_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "tiny-test"
    assert main(["export", "--ckpt", str(tiny_run / "best.pt"), "--out", str(out)]) == 0
    return out


def test_export_files_interface_and_metadata(exported, spec):
    for f in ("model.onnx", "model.json", "spec.json", "golden.json"):
        assert (exported / f).exists(), f
    m = onnx.load(str(exported / "model.onnx"))
    onnx.checker.check_model(m)
    assert {o.domain: o.version for o in m.opset_import}[""] == 17
    io = interface(m.graph)
    assert [i["name"] for i in io["inputs"]] == INPUT_NAMES
    assert [i["dtype"] for i in io["inputs"]] == ["int64", "int64", "int64", "bool", "int64"]
    assert [i["dims"] for i in io["inputs"]] == [["batch", "seq"]] * 3 + [["batch", "seq", "seq"], ["batch", "rows"]]
    assert io["outputs"] == [{"name": "logits", "dtype": "float32", "dims": ["batch", "rows", spec.vocab_size]}]
    md = {p.key: p.value for p in m.metadata_props}
    assert md["model_id"] == "tiny-test" and md["spec_sha256"] == spec.sha256
    assert md["vocab_size"] == str(spec.vocab_size) and "attn_mask" in md and "config" in md
    assert (exported / "spec.json").read_bytes() == spec.raw
    info = json.loads((exported / "model.json").read_text())
    assert info["spec_sha256"] == spec.sha256 and info["params"] > 0 and info["model_id"] == "tiny-test"
    assert info["training"]["data_manifest_sha256"] and "metrics" in info
    assert info["interface"]["inputs"] == io["inputs"] and info["interface"]["outputs"] == io["outputs"]


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


def test_metadata_leaves_the_exporters_bytes_in_place(tiny_run, tmp_path):
    """The saved file is the exporter's bytes followed by the metadata entries: re-saving through onnx moves nothing,
    which keeps an export byte-identical for the same checkpoint."""
    model, _, spec = load_checkpoint(tiny_run / "best.pt")
    path = tmp_path / "m.onnx"
    export_onnx(model, path, spec)
    exported = path.read_bytes()
    meta = {"a": "1", "ké": "v" * 300}
    write_metadata(path, meta)
    saved = path.read_bytes()
    assert saved.startswith(exported) and len(saved) > len(exported)
    assert saved[len(exported):] == onnx.ModelProto(metadata_props=onnx.load(str(path)).metadata_props).SerializeToString()
    assert {p.key: p.value for p in onnx.load(str(path)).metadata_props} == meta


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


SHIPPED = sorted(p.parent for p in (Path(__file__).resolve().parents[2] / "models").glob("**/golden.json"))


@pytest.mark.parametrize("model_dir", SHIPPED, ids=lambda p: p.name)
def test_shipped_graphs_check_and_reproduce_their_golden_vectors(model_dir):
    """The graphs under models/ (read by the Java runtime) pass onnx.checker, and the reference evaluator run on them
    gives their golden logits: the evaluator reads real exports, not only the tests' tiny ones."""
    onnx.checker.check_model(onnx.load(str(model_dir / "model.onnx")))
    golden = json.loads((model_dir / "golden.json").read_text())
    assert golden["onnx_sha256"] == hashlib.sha256((model_dir / "model.onnx").read_bytes()).hexdigest()
    assert check_golden_with_reference(model_dir / "model.onnx", golden) <= 1e-4
