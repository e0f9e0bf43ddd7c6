import json

import numpy as np
import torch

from conftest import tiny_model
from sigmavrate_trainer.__main__ import main
from sigmavrate_trainer.data import Dataset, TrainBatcher, window_weights
from sigmavrate_trainer.model import block_ranges_of
from sigmavrate_trainer.orders import OrderSampler
from sigmavrate_trainer.train import batch_loss, make_optimizer, torch_load


def test_a_few_steps_lower_the_loss_on_a_fixed_batch(spec, synth_dir):
    ds = Dataset.open(synth_dir)
    batcher = TrainBatcher(ds.split("train").tokens, spec, OrderSampler("random", np.random.default_rng(0)),
                           np.random.default_rng(0), batch_size=8)
    batch = batcher.sample()
    model = tiny_model(spec).train()
    opt = make_optimizer(model, 3e-3, 0.0)
    ranges = block_ranges_of(spec)
    losses = []
    for _ in range(25):
        loss, _ = batch_loss(model, batch, ranges)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.6 * losses[0], losses


def test_window_weights_favour_motion(spec):
    tok = np.full((3, 64, 2), -1, np.int64)
    level = spec.tokenize(np.array([[0.0, 1000.0]]))[0]
    climb = spec.tokenize(np.array([[1500.0, 1000.0]]))[0]
    tok[0, :] = level
    tok[1, :] = climb
    w = window_weights(tok, spec, 2.0)
    assert w.tolist() == [1.0, 3.0, 0.0]


def test_cli_train_writes_resumable_checkpoints(tiny_run, synth_dir):
    for f in ("ckpt.pt", "best.pt", "config.json", "spec.json", "log.jsonl", "summary.json"):
        assert (tiny_run / f).exists(), f
    ck = torch_load(tiny_run / "ckpt.pt")
    assert ck["step"] == 6 and {"model", "optimizer", "rng", "config", "spec_bytes"} <= set(ck)
    log = [json.loads(line) for line in (tiny_run / "log.jsonl").read_text().splitlines()]
    assert any("val_nll_random" in r for r in log) and any("tokens_per_s" in r for r in log)
    rc = main(["train", "--data", str(synth_dir), "--out", str(tiny_run.parent / "resumed"), "--size", "tiny",
               "--steps", "1", "--threads", "1"])
    assert rc == 0
    # resume the shared run in a copy, to 8 steps
    import shutil
    run2 = tiny_run.parent / "run_resume"
    shutil.copytree(tiny_run, run2)
    rc = main(["train", "--data", str(synth_dir), "--out", str(run2), "--steps", "8", "--resume", "--batch-size", "8",
               "--eval-every", "4", "--eval-windows", "8", "--warmup", "2", "--threads", "1", "--seed", "7"])
    assert rc == 0 and torch_load(run2 / "ckpt.pt")["step"] == 8


def test_training_is_deterministic_with_seed(synth_dir, tmp_path):
    outs = []
    for name in ("a", "b"):
        main(["train", "--data", str(synth_dir), "--out", str(tmp_path / name), "--size", "tiny", "--steps", "3",
              "--batch-size", "4", "--eval-windows", "4", "--threads", "1", "--seed", "11", "--order", "curriculum"])
        outs.append(torch_load(tmp_path / name / "ckpt.pt")["model"])
    for k in outs[0]:
        assert torch.equal(outs[0][k], outs[1][k]), k


def test_cli_evaluate_and_bench(tiny_run, synth_dir, tmp_path):
    out = tmp_path / "eval.json"
    assert main(["evaluate", "--ckpt", str(tiny_run / "best.pt"), "--data", str(synth_dir), "--split", "val",
                 "--max-windows", "12", "--threads", "1", "--out", str(out)]) == 0
    r = json.loads(out.read_text())
    assert r["nll_random"] > 0 and r["nll_l2r"] > 0
    d = r["density"]
    assert d["hidden_rates"] > 0 and d["observed_steps_per_window"] == 6
    for k in ("model_nll", "model_median_mae", "coverage_50", "coverage_90", "interp_mae", "altdiff_mae"):
        assert np.isfinite(d[k]), k
    b = tmp_path / "bench.json"
    assert main(["bench", "--ckpt", str(tiny_run / "best.pt"), "--batch-sizes", "2", "--threads", "1",
                 "--lengths", "16", "--min-time", "0.01", "--train-batch", "2", "--out", str(b)]) == 0
    res = json.loads(b.read_text())
    assert res["forward"][0]["windows_per_s"] > 0 and res["train"][0]["ms_per_step"] > 0
