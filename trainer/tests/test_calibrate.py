import json

import numpy as np
import onnx
import torch

from sigmavrate_trainer.__main__ import main
from sigmavrate_trainer.calibrate import fit_temperature
from sigmavrate_trainer.data import density_batch
from sigmavrate_trainer.model import CalibratedSigmaGPT

from conftest import tiny_model


def test_fit_temperature_recovers_a_known_overconfidence():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(4000, 40)) * 1.5
    p = np.exp(base - base.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = np.array([rng.choice(40, p=row) for row in p])
    t, before, after = fit_temperature([3.0 * base], [y])
    assert abs(t - 3.0) < 0.25
    assert after < before


def test_calibrated_model_scales_each_channel_block(spec):
    m = tiny_model(spec)
    cal = CalibratedSigmaGPT(m, spec, [2.0, 0.5]).eval()
    b = density_batch(np.array([4, 5]), np.array([10, 900]), np.array([8, 9, 30]), spec.bos, spec.start_position,
                      spec.n_positions)
    with torch.no_grad():
        raw = m(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
        got = cal(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
    ra, rb = spec.block_range(0)
    aa, ab = spec.block_range(1)
    assert torch.allclose(got[..., ra:rb], raw[..., ra:rb] / 2.0)
    assert torch.allclose(got[..., aa:ab], raw[..., aa:ab] / 0.5)
    assert torch.allclose(got[..., 0], raw[..., 0])


def test_calibrate_then_export_folds_the_temperatures_into_the_graph(tiny_run, synth_dir, tmp_path):
    cal_json = tmp_path / "cal.json"
    assert main(["calibrate", "--ckpt", str(tiny_run / "best.pt"), "--data", str(synth_dir), "--out", str(cal_json),
                 "--max-windows", "8"]) == 0
    temps = json.loads(cal_json.read_text())["temperatures"]
    assert len(temps) == 2 and all(0.2 <= t <= 5.0 for t in temps)
    out = tmp_path / "calibrated-model"
    # export self-checks the saved graph against the (calibrated) PyTorch logits on the golden inputs
    assert main(["export", "--ckpt", str(tiny_run / "best.pt"), "--out", str(out), "--calibration", str(cal_json)]) == 0
    meta = {p.key: p.value for p in onnx.load(str(out / "model.onnx")).metadata_props}
    assert json.loads(meta["temperatures"]) == temps
    info = json.loads((out / "model.json").read_text())
    assert info["temperatures"]["vertical_rate"] == temps[0]
    assert info["training_order"] == "random"
