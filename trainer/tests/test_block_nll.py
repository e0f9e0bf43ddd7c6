"""Every negative log-likelihood of the package goes through `model.block_nll`. Each test here writes out what one
caller computed on its own before (its formula, kept verbatim as the reference) and asserts that the caller now gives
the same numbers on a fixed input: a tiny model on windows of the synthetic dataset."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import tiny_model
from sigmavrate_trainer.ablate import protocol_tasks, score_tasks
from sigmavrate_trainer.bench import random_batch
from sigmavrate_trainer.calibrate import collect_density_logits, fit_temperature
from sigmavrate_trainer.data import Dataset, density_batch
from sigmavrate_trainer.eval import order_ensemble
from sigmavrate_trainer.model import CalibratedSigmaGPT, block_nll, block_ranges_of
from sigmavrate_trainer.train import batch_loss, mean_nll


def _full_logits_nll(logits, pos_out, targets, ranges):
    """The former model.block_nll: per-step NLL from full logits, one logsumexp per block, 0 on padding."""
    ch = pos_out % len(ranges)
    lse = torch.stack([torch.logsumexp(logits[..., a:b], dim=-1) for (a, b) in ranges], dim=-1)
    lse = lse.gather(-1, ch.unsqueeze(-1)).squeeze(-1)
    valid = targets >= 0
    tgt = logits.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return torch.where(valid, lse - tgt, torch.zeros_like(lse))


def _fast_path_nll(model, b, ranges, channel_weights=None):
    """The former SigmaGPT.block_nll: each channel's block logits only, cross-entropy summed per channel."""
    table = model.embedding_table()
    h = model.hidden(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"], table)
    out = model.output_table(table)
    h = h.reshape(-1, h.shape[-1])
    ch = (b["pos_out"] % len(ranges)).reshape(-1)
    tgt = b["targets"].reshape(-1)
    valid = tgt >= 0
    total, count = h.new_zeros(()), h.new_zeros(())
    for c, (a, bb) in enumerate(ranges):
        sel = torch.nonzero(valid & (ch == c)).squeeze(-1)
        w = 1.0 if channel_weights is None else float(channel_weights[c])
        lg = torch.matmul(h.index_select(0, sel), out[a:bb].t()) + model.out_bias[a:bb]
        total = total + w * F.cross_entropy(lg.float(), tgt.index_select(0, sel) - a, reduction="sum")
        count = count + w * sel.numel()
    return total, (valid.sum() if channel_weights is None else count)


@pytest.fixture(scope="module")
def val_split(synth_dir):
    return Dataset.open(synth_dir).split("val")


@pytest.fixture(scope="module")
def fixed_model(spec):
    return tiny_model(spec, seed=5)


def test_block_nll_is_the_negative_log_of_the_block_softmax(spec):
    gen = torch.Generator().manual_seed(0)
    a, b = spec.block_range(0)
    logits = torch.randn(7, spec.vocab_size, generator=gen, dtype=torch.float64) * 3
    tokens = torch.randint(a, b, (7,), generator=gen)
    p = torch.softmax(logits[:, a:b], dim=-1)
    want = -torch.log(p[torch.arange(7), tokens - a])
    torch.testing.assert_close(block_nll(logits[:, a:b], tokens - a), want)


def test_training_loss_and_validation_nll_equal_the_former_fast_path(spec, fixed_model):
    ranges = block_ranges_of(spec)
    b = random_batch(spec, 4, 40, torch.Generator().manual_seed(1))
    b["targets"][2, -5:] = -1
    with torch.no_grad():
        for weights in (None, [2.5, 1.0]):
            total, n = fixed_model.nll(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"], b["targets"], ranges,
                                       weights)
            ref_total, ref_n = _fast_path_nll(fixed_model, b, ranges, weights)
            torch.testing.assert_close(total, ref_total, rtol=1e-6, atol=1e-5)
            assert float(n) == float(ref_n)
        loss, scored = batch_loss(fixed_model, b, ranges, rate_weight=2.5)
        ref_total, ref_n = _fast_path_nll(fixed_model, b, ranges, [2.5, 1.0])
        torch.testing.assert_close(loss, ref_total / ref_n, rtol=1e-6, atol=1e-6)
        assert scored == 4 * 40 - 5


def test_calibrated_nll_equals_the_former_full_logits_nll(spec, fixed_model, val_split):
    ranges = block_ranges_of(spec)
    cal = CalibratedSigmaGPT(fixed_model, spec, [1.7, 0.6]).eval()
    b = random_batch(spec, 3, 30, torch.Generator().manual_seed(2))
    b["targets"][0, -4:] = -1
    with torch.no_grad():
        total, n = cal.nll(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"], b["targets"], ranges)
        logits = cal(b["tokens"], b["pos_in"], b["pos_out"], b["attn_mask"])
        ref = _full_logits_nll(logits, b["pos_out"], b["targets"], ranges)
    torch.testing.assert_close(total, ref.sum(), rtol=1e-5, atol=1e-4)
    assert int(n) == int((b["targets"] >= 0).sum())
    # and through the evaluation's mean NLL, whose windows come in fixed orders
    tokens = val_split.tokens[:6]
    got = mean_nll(cal, tokens, spec, "l2r", seed=0, batch_size=4)
    from sigmavrate_trainer.data import fixed_order_batches
    from sigmavrate_trainer.orders import l2r_order
    tot, cnt = 0.0, 0
    with torch.no_grad():
        for batch in fixed_order_batches(tokens, spec, l2r_order, 4):
            lg = cal(batch["tokens"], batch["pos_in"], batch["pos_out"], batch["attn_mask"])
            tot += float(_full_logits_nll(lg, batch["pos_out"], batch["targets"], ranges).sum())
            cnt += int((batch["targets"] >= 0).sum())
    assert got == pytest.approx(tot / cnt, rel=1e-6)


def test_temperature_fit_equals_the_former_numpy_nll(spec, fixed_model, val_split):
    collected = collect_density_logits(fixed_model, spec, val_split.tokens[:6], [0.1, 0.5], seed=3)
    for c in range(spec.n_channels):
        logits, targets = collected[c]
        x = np.concatenate(logits).astype(np.float64)
        y = np.concatenate(targets).astype(np.int64)

        def former_nll(t):
            z = x / t
            z = z - z.max(axis=1, keepdims=True)
            lse = np.log(np.exp(z).sum(axis=1))
            return float((lse - z[np.arange(len(y)), y]).mean())

        t, at_one, at_t = fit_temperature(logits, targets)
        assert at_one == pytest.approx(former_nll(1.0), rel=1e-12)
        assert at_t == pytest.approx(former_nll(t), rel=1e-12)


def _density_logits(model, spec, tasks):
    batch = density_batch([t["kp"] for t in tasks], [t["kt"] for t in tasks], [t["qp"] for t in tasks],
                          spec.bos, spec.start_position, spec.n_positions)
    with torch.no_grad():
        logits = model(batch["tokens"], batch["pos_in"], batch["pos_out"], batch["attn_mask"]).float()
    return [logits[i, batch["query_index"][i, :len(t["qp"])]] for i, t in enumerate(tasks)]


def test_ablation_nll_equals_the_former_probability_nll(spec, fixed_model, val_split):
    a, b = spec.block_range(0)
    flights = [str(i) for i in range(8)]
    tasks = protocol_tasks(val_split.tokens[:8], val_split.values[:8], flights, spec, "sparse10", 4, 32)
    got = score_tasks(fixed_model, spec, tasks)["nll"]
    former = []
    for t, rows in zip(tasks, _density_logits(fixed_model, spec, tasks)):
        probs = torch.softmax(rows[:, a:b].double(), dim=-1).numpy()
        former.append(-np.log(np.maximum(probs[np.arange(len(t["truth"])), t["true_tok"] - a], 1e-300)))
    np.testing.assert_allclose(got, np.concatenate(former), rtol=1e-12, atol=1e-12)


def test_evaluation_order_ensemble_equals_the_former_mixture_nll(spec, fixed_model, val_split):
    """eval.density_eval averages the densities of K orders of the known tokens; the NLL is that of the average."""
    a, b = spec.block_range(0)
    flights = [str(i) for i in range(3)]
    tasks = protocol_tasks(val_split.tokens[:3], val_split.values[:3], flights, spec, "sparse25", 5, 32)
    rng = np.random.default_rng(6)
    for t in tasks:
        for K in (1, 3):
            orders = [dict(t, kp=t["kp"][p], kt=t["kt"][p])
                      for p in [np.arange(len(t["kp"]))] + [rng.permutation(len(t["kp"])) for _ in range(K - 1)]]
            order_logits = torch.stack([rows[:, a:b] for rows in _density_logits(fixed_model, spec, orders)])
            probs, nll = order_ensemble(order_logits, t["true_tok"] - a)
            former = 0.0
            for k in range(K):
                former = former + torch.softmax(order_logits[k], dim=-1).numpy().astype(np.float64)
            former = former / K
            former /= former.sum(1, keepdims=True)
            assert np.array_equal(probs, former)
            lp = np.log(np.maximum(former, 1e-300))
            np.testing.assert_allclose(nll, -lp[np.arange(len(t["true_tok"])), t["true_tok"] - a], rtol=1e-5, atol=1e-6)
