import numpy as np
import torch

from sigmavrate_trainer.data import (build_sequence, collate, density_batch, density_sequence, flat_tokens,
                                     present_positions)
from sigmavrate_trainer.model import block_log_probs, block_ranges_of
from sigmavrate_trainer.orders import random_order
from sigmavrate_trainer.synth import synth_window


def _causal_last_logprobs(model, spec, kp, kt, r):
    """Build [BOS, known...] causally with the last step's pos_out = r; return log p(x_r | known)."""
    seq = build_sequence(np.concatenate([kt, [0]]), np.arange(len(kp) + 1), spec.bos, spec.start_position)
    seq["pos_in"] = np.concatenate([[spec.start_position], kp])
    seq["pos_out"] = np.concatenate([kp, [r]])
    b = collate([seq], spec.start_position, spec.n_positions)
    logits = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
    return block_log_probs(logits, b["pos_out"], block_ranges_of(spec))[0, -1]


def _window(spec, seed):
    rng = np.random.default_rng(seed)
    return flat_tokens(spec.tokenize(synth_window(rng, spec.window_steps, spec.step_seconds))), rng


def test_density_sequence_layout():
    d = density_sequence([4, 9, 1], [10, 300, 20], [0, 2, 7])
    assert d["tokens"].tolist() == [0, 10, 300, 20, 20, 20]
    assert d["pos_in"].tolist() == [128, 4, 9, 1, 1, 1]
    assert d["pos_out"].tolist() == [4, 9, 1, 0, 2, 7]
    m = d["mask"]
    assert m[:3, :3].tolist() == np.tril(np.ones((3, 3), bool)).tolist()
    assert m[3:, :3].all() and m[3:, 3:].tolist() == np.eye(3, dtype=bool).tolist()
    e = density_sequence([], [], [5, 6])
    assert e["tokens"].tolist() == [0, 0] and e["pos_in"].tolist() == [128, 128] and e["mask"].tolist() == np.eye(2, dtype=bool).tolist()


def test_density_mode_equals_causal_for_every_query(spec, model):
    flat, rng = _window(spec, 11)
    pres = present_positions(flat)
    kp = random_order(pres, rng)[:9]
    kt = flat[kp]
    queries = np.setdiff1d(pres, kp)  # every unknown position, both channels
    b = density_batch(kp, kt, queries, spec.bos, spec.start_position, spec.n_positions)
    with torch.no_grad():
        logits = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
        lp = block_log_probs(logits, b["pos_out"], block_ranges_of(spec))
        for j, r in enumerate(queries):
            ref = _causal_last_logprobs(model, spec, kp, kt, r)
            got = lp[0, b["query_index"][0, j]]
            torch.testing.assert_close(got, ref, rtol=1e-5, atol=1e-5)


def test_density_batch_with_padding_and_empty_known(spec, model):
    flat, rng = _window(spec, 12)
    pres = present_positions(flat)
    kps = [random_order(pres, rng)[:5], np.zeros(0, np.int64), random_order(pres, rng)[:12]]
    qps = [np.setdiff1d(pres, k)[:7] for k in kps]
    qps[1] = np.array([0, 1, 64, 127])
    b = density_batch(kps, [flat[k] for k in kps], qps, spec.bos, spec.start_position, spec.n_positions)
    with torch.no_grad():
        lp = block_log_probs(model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"]), b["pos_out"],
                             block_ranges_of(spec))
        for i in range(3):
            for j, r in enumerate(qps[i]):
                ref = _causal_last_logprobs(model, spec, kps[i], flat[kps[i]], r)
                torch.testing.assert_close(lp[i, b["query_index"][i, j]], ref, rtol=1e-5, atol=1e-5)


def test_training_sequence_layout(spec):
    flat, rng = _window(spec, 13)
    pres = present_positions(flat)
    o = random_order(pres, rng)
    s = build_sequence(flat, o, spec.bos, spec.start_position)
    n = len(o)
    assert s["tokens"][0] == spec.bos and s["pos_in"][0] == spec.start_position
    assert (s["tokens"][1:] == flat[o[:-1]]).all() and (s["pos_in"][1:] == o[:-1]).all()
    assert (s["pos_out"] == o).all() and (s["targets"] == flat[o]).all() and len(s["tokens"]) == n
    b = collate([s, {k: v[:5] for k, v in s.items()}], spec.start_position, spec.n_positions)
    assert b["tokens"].shape == (2, n) and (b["targets"][1, 5:] == -1).all()
    assert not b["attn_mask"][1, :5, 5:].any() and b["attn_mask"][1, 7, 7] and not b["attn_mask"][1, 7, :7].any()
