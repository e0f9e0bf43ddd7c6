import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import tiny_model
from sigmavrate_trainer.__main__ import main
from sigmavrate_trainer.data import Dataset, TrainBatcher
from sigmavrate_trainer.distill import distill_loss, golden_error, init_from_teacher, load_exported
from sigmavrate_trainer.model import SIZES, SigmaGPT, SigmaGPTConfig, block_ranges_of
from sigmavrate_trainer.orders import OrderSampler
from sigmavrate_trainer.train import load_checkpoint, make_optimizer, torch_load

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "sgpt-small-v2"


@pytest.fixture(scope="module")
def teacher_dir(tiny_run, tmp_path_factory):
    """The tiny run exported with temperatures folded in, like a shipped model."""
    d = tmp_path_factory.mktemp("teacher")
    cal = d / "calibration.json"
    cal.write_text(json.dumps({"temperatures": [1.3, 0.8]}))
    out = d / "tiny-teacher"
    assert main(["export", "--ckpt", str(tiny_run / "best.pt"), "--out", str(out), "--calibration", str(cal)]) == 0
    return out


def _batch(spec, synth_dir, seed=0, size=8):
    ds = Dataset.open(synth_dir)
    return TrainBatcher(ds.split("train").tokens, spec, OrderSampler("random", np.random.default_rng(seed)),
                        np.random.default_rng(seed), batch_size=size).sample()


def test_exported_teacher_loads_into_the_module_with_its_temperatures(teacher_dir, tiny_run):
    teacher, spec, info = load_exported(teacher_dir)
    assert teacher.temperatures == [1.3, 0.8] and info["format"] == "sigma-vrate-sigma-gpt-v2"
    assert golden_error(teacher, json.loads((teacher_dir / "golden.json").read_text())) is not None
    # the weights are the checkpoint's, the last block's split qkv included
    model, _, _ = load_checkpoint(tiny_run / "best.pt")
    for k, v in model.state_dict().items():
        assert torch.allclose(teacher.model.state_dict()[k], v, atol=1e-7), k
    assert not any(p.requires_grad for p in teacher.parameters())


def test_the_shipped_model_loads_and_reproduces_its_golden_vectors():
    teacher, _, info = load_exported(SHIPPED)
    golden = json.loads((SHIPPED / "golden.json").read_text())
    assert golden_error(teacher, golden) is not None
    assert teacher.num_params() == info["params"]
    # a wrong weight is caught: the golden check is what guards the name mapping
    teacher.model.blocks[1].attn.qkv.weight.data[0, 0] += 0.5
    assert golden_error(teacher, golden) is None


def test_kl_is_zero_for_the_teacher_itself_and_positive_for_another_model(teacher_dir, spec, synth_dir):
    teacher, _, _ = load_exported(teacher_dir)
    batch = _batch(spec, synth_dir)
    ranges = block_ranges_of(spec)
    # the student equal to the teacher's raw module differs only by the temperatures: KL > 0
    same_weights = tiny_model(spec)
    same_weights.load_state_dict(teacher.model.state_dict())
    kl_raw = float(distill_loss(same_weights, teacher, batch, ranges)[0])
    assert kl_raw > 1e-4
    # temperatures 1: the teacher is its own module, KL = 0
    teacher.temperatures = [1.0, 1.0]
    loss, n, parts = distill_loss(same_weights, teacher, batch, ranges)
    assert abs(float(loss)) < 1e-5 and n == int((batch["targets"] >= 0).sum()) and parts["kl"] < 1e-5
    assert float(distill_loss(tiny_model(spec, seed=5), teacher, batch, ranges)[0]) > 0.05


def test_a_few_distillation_steps_lower_the_loss_and_the_student_keeps_the_interface(teacher_dir, spec, synth_dir):
    teacher, _, _ = load_exported(teacher_dir)
    batch = _batch(spec, synth_dir)
    ranges = block_ranges_of(spec)
    student = tiny_model(spec, seed=1, n_layer=1).train()
    opt = make_optimizer(student, 3e-3, 0.0)
    losses = []
    for _ in range(25):
        loss, _, _ = distill_loss(student, teacher, batch, ranges, alpha=0.2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.7 * losses[0], losses
    student.eval()
    rows = torch.tensor([[0, 3, 3], [1, 0, 2]])
    out = student(batch["tokens"][:2], batch["pos_in"][:2], batch["pos_out"][:2], batch["attn_mask"][:2], rows)
    assert out.shape == (2, 3, spec.vocab_size)


def test_init_from_teacher_copies_the_chosen_blocks(teacher_dir, spec):
    teacher, _, _ = load_exported(teacher_dir)
    cfg = SigmaGPTConfig(**SIZES["tiny"])
    cfg.n_layer = 1
    student = SigmaGPT.from_spec(cfg, spec)
    init_from_teacher(student, teacher.model, [1])
    sd, td = student.state_dict(), teacher.model.state_dict()
    assert torch.equal(sd["blocks.0.mlp.fc.weight"], td["blocks.1.mlp.fc.weight"])
    assert torch.equal(sd["tok_emb.weight"], td["tok_emb.weight"])
    with pytest.raises(ValueError):
        init_from_teacher(student, teacher.model, [0, 1])


def test_cli_distillation_checkpoints_and_resumes(teacher_dir, synth_dir, tmp_path):
    run = tmp_path / "student"
    common = ["train", "--data", str(synth_dir), "--out", str(run), "--teacher", str(teacher_dir), "--alpha", "0.1",
              "--batch-size", "8", "--log-every", "2", "--eval-every", "3", "--eval-windows", "8", "--warmup", "2",
              "--threads", "1", "--seed", "7"]
    assert main(common + ["--size", "tiny", "--n-layer", "1", "--init-from-teacher", "0", "--steps", "6"]) == 0
    ck = torch_load(run / "ckpt.pt")
    assert ck["step"] == 6 and ck["config"]["n_layer"] == 1 and ck["args"]["teacher"] == str(teacher_dir)
    log = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    assert any("val_nll_random" in r for r in log)
    copy = tmp_path / "resumed"
    shutil.copytree(run, copy)
    assert main([*common[:4], str(copy), *common[5:], "--steps", "9", "--resume"]) == 0
    ck2 = torch_load(copy / "ckpt.pt")
    assert ck2["step"] == 9 and ck2["config"]["n_layer"] == 1
    with pytest.raises(SystemExit):
        main(["train", "--data", str(synth_dir), "--out", str(tmp_path / "x"), "--init-from-teacher", "0",
              "--steps", "1", "--threads", "1"])


def test_an_exported_model_saved_as_checkpoint_loads_like_one(teacher_dir, tmp_path):
    from sigmavrate_trainer.distill import save_as_checkpoint
    model, ck, spec = load_checkpoint(save_as_checkpoint(teacher_dir, tmp_path / "teacher.pt"))
    teacher, _, _ = load_exported(teacher_dir)
    for k, v in teacher.model.state_dict().items():
        assert torch.equal(model.state_dict()[k], v), k
    assert spec.sha256 == json.loads((teacher_dir / "model.json").read_text())["spec_sha256"]
