import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import tiny_model
from sigmavrate_trainer.bench import random_batch
from sigmavrate_trainer.model import (SIZES, SigmaGPT, SigmaGPTConfig, block_log_probs, block_ranges_of,
                                      restrict_to_block)


def _batch(spec, B=2, L=10, seed=0):
    return random_batch(spec, B, L, torch.Generator().manual_seed(seed))


def test_default_size_under_2m_params(spec):
    m = SigmaGPT.from_spec(SigmaGPTConfig(), spec)
    n = m.num_params()
    assert n <= 2_000_000, n
    assert (m.cfg.n_layer, m.cfg.n_head, m.cfg.d_model) == (4, 4, 128)
    assert m.pos_in_emb.weight.shape == (129, 64) and m.pos_out_emb.weight.shape == (129, 64)


def test_output_shape(spec, model):
    b = _batch(spec)
    assert model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"]).shape == (2, 10, spec.vocab_size)


def test_double_positional_encoding_pos_out_alone_changes_outputs(spec, model):
    b = _batch(spec)
    y0 = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
    po = b["pos_out"].clone()
    po[:, 3] = (po[:, 3] + 2) % 128  # same channel, another step
    y1 = model(b["tokens"], b["pos_in"], po, b["attn_mask"])
    assert not torch.allclose(y0[:, 3], y1[:, 3], atol=1e-6)
    torch.testing.assert_close(y0[:, :3], y1[:, :3])  # causal: earlier steps untouched
    pi = b["pos_in"].clone()
    pi[:, 5] = (pi[:, 5] + 2) % 128
    y2 = model(b["tokens"], pi, b["pos_out"], b["attn_mask"])
    assert not torch.allclose(y0[:, 5], y2[:, 5], atol=1e-6)


def test_mask_is_respected(spec, model):
    b = _batch(spec, L=12)
    y0 = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
    t = b["tokens"].clone()
    t[:, 8] = 300
    y1 = model(t, b["pos_in"], b["pos_out"], b["attn_mask"])
    torch.testing.assert_close(y0[:, :8], y1[:, :8])
    assert not torch.allclose(y0[:, 8:], y1[:, 8:])
    # float mask (1 = may attend) gives the same result
    y2 = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"].float())
    torch.testing.assert_close(y0, y2)


def test_fast_nll_equals_the_block_restricted_softmax_of_the_full_logits(spec, model):
    b = _batch(spec, B=3, L=20)
    b["targets"][1, -3:] = -1
    ranges = block_ranges_of(spec)
    logits = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
    lp = block_log_probs(logits, b["pos_out"], ranges)
    valid = b["targets"] >= 0
    ref = -lp.gather(-1, b["targets"].clamp(min=0).unsqueeze(-1)).squeeze(-1)[valid]
    total, n = model.nll(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"], b["targets"], ranges)
    assert int(n) == 3 * 20 - 3
    torch.testing.assert_close(total, ref.sum(), rtol=1e-5, atol=1e-4)
    r = restrict_to_block(logits, b["pos_out"], ranges)
    assert torch.isinf(r[..., 0]).all()  # BOS never predicted
    ch0 = b["pos_out"] % 2 == 0
    assert torch.isinf(r[..., 300][ch0]).all() and torch.isinf(r[..., 5][~ch0]).all()


def test_value_features_make_neighbouring_bins_similar(spec):
    torch.manual_seed(0)
    m = SigmaGPT.from_spec(SigmaGPTConfig(**SIZES["tiny"]), spec)
    with torch.no_grad():
        m.tok_emb.weight.zero_()
        w = m.embedding_table()
    cos = F.cosine_similarity
    a0 = spec.block_range(1)[0] + 400
    assert cos(w[a0], w[a0 + 1], dim=0) > cos(w[a0], w[a0 + 800], dim=0)
    assert m.value_feats.shape[0] == spec.vocab_size and not m.value_feats.requires_grad


@pytest.mark.skipif(not hasattr(F, "scaled_dot_product_attention"), reason="torch < 2")
def test_sdpa_matches_manual(spec, model):
    b = _batch(spec)
    y0 = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
    model.set_sdpa(True)
    y1 = model(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
    model.set_sdpa(False)
    torch.testing.assert_close(y0, y1, rtol=1e-4, atol=1e-4)


def test_logit_rows_give_exactly_the_full_forwards_rows(spec, model):
    """The selected-rows forward (the exported graph's) runs the last block and the output head for the asked steps
    only; each asked step still attends to every step it may, so its logits are the full forward's."""
    gen = torch.Generator().manual_seed(11)
    B, L = 3, 30
    tokens = torch.randint(1, spec.vocab_size, (B, L), generator=gen)
    pos_in = torch.randint(0, spec.n_positions, (B, L), generator=gen)
    pos_in[:, 0] = spec.start_position
    pos_out = torch.randint(0, spec.n_positions, (B, L), generator=gen)
    mask = torch.rand(B, L, L, generator=gen) < 0.5
    mask |= torch.eye(L, dtype=torch.bool)
    rows = torch.tensor([[29, 0, 29, 7], [1, 2, 3, 4], [15, 28, 0, 14]])
    model.eval()
    with torch.no_grad():
        full = model(tokens, pos_in, pos_out, mask)
        some = model(tokens, pos_in, pos_out, mask, rows)
    assert some.shape == (B, 4, spec.vocab_size)
    expected = full.gather(1, rows.unsqueeze(-1).expand(-1, -1, full.shape[-1]))
    assert torch.allclose(some, expected, atol=1e-5, rtol=1e-5)


def test_relative_altitude_features_are_shift_invariant_and_causal(spec):
    from sigmavrate_trainer.data import build_sequence, collate
    m = tiny_model(spec, relative_altitude=True)
    a0, _ = spec.block_range(1)
    r0, _ = spec.block_range(0)
    flat = np.full(128, -1, np.int64)
    flat[0::2] = r0 + 100 + np.arange(64) % 7          # rates
    flat[1::2] = a0 + 400 + 3 * np.arange(64)          # altitudes climbing 75 ft a step
    order = np.random.default_rng(0).permutation(128)
    b = collate([build_sequence(flat, order)])
    emb = m.relative_altitude_embedding(b["tokens"], b["attn_mask"])
    shifted = flat.copy()
    shifted[1::2] += 120                               # every altitude 3,000 ft higher
    b2 = collate([build_sequence(shifted, order)])
    assert torch.allclose(emb, m.relative_altitude_embedding(b2["tokens"], b2["attn_mask"]), atol=1e-5)
    # rate steps and BOS carry nothing
    is_alt = (b["tokens"] >= a0)
    assert torch.count_nonzero(emb[~is_alt]) == 0 and torch.count_nonzero(emb[is_alt]) > 0
    # causal: changing a late altitude (held by step k + 1) changes no earlier step's features, but its own
    k = max(i for i in range(len(order) - 1) if order[i] % 2 == 1)
    late = flat.copy()
    late[order[k]] += 9
    b3 = collate([build_sequence(late, order)])
    e3 = m.relative_altitude_embedding(b3["tokens"], b3["attn_mask"])
    assert torch.allclose(emb[:, :k + 1], e3[:, :k + 1])
    assert not torch.allclose(emb[:, k + 1], e3[:, k + 1])


def test_density_queries_equal_causal_last_step_with_relative_altitude(spec):
    from sigmavrate_trainer.data import build_sequence, collate, density_batch
    m = tiny_model(spec, seed=3, relative_altitude=True)
    a0, _ = spec.block_range(1)
    r0, _ = spec.block_range(0)
    kp = np.array([0, 1, 9, 20, 21, 60], np.int64)
    kt = np.array([r0 + 120, a0 + 500, a0 + 520, r0 + 130, a0 + 560, r0 + 121], np.int64)
    queries = np.array([3, 5, 33, 101, 127], np.int64)
    db = density_batch(kp, kt, queries)
    with torch.no_grad():
        dens = m(db["tokens"], db["pos_in"], db["pos_out"], db["attn_mask"])[0, db["query_index"][0]]
        for j, r in enumerate(queries):
            flat = np.full(128, -1, np.int64)
            flat[kp] = kt
            flat[r] = r0 if r % 2 == 0 else a0
            seq = build_sequence(flat, np.concatenate([kp, [r]]))
            c = collate([seq])
            want = m(c["tokens"], c["pos_in"], c["pos_out"], c["attn_mask"])[0, -1]
            assert torch.allclose(dens[j], want, atol=1e-4)


def test_channel_weights_weigh_each_channels_nll(spec, model):
    b = _batch(spec, B=3, L=12, seed=5)
    ranges = block_ranges_of(spec)
    args = (b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"], b["targets"], ranges)
    plain, n = model.nll(*args)
    only_rate, n_rate = model.nll(*args, channel_weights=[1.0, 0.0])
    only_alt, n_alt = model.nll(*args, channel_weights=[0.0, 1.0])
    assert torch.allclose(only_rate + only_alt, plain, atol=1e-4) and int(n_rate + n_alt) == int(n)
    w, nw = model.nll(*args, channel_weights=[3.0, 1.0])
    assert torch.allclose(w, 3 * only_rate + only_alt, atol=1e-3) and float(nw) == 3 * float(n_rate) + float(n_alt)
