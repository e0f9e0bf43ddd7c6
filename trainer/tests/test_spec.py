import hashlib
import json

import numpy as np

from sigmavrate_trainer.spec import Spec, default_spec_path


def test_spec_layout_from_json(spec):
    raw = default_spec_path().read_bytes()
    d = json.loads(raw)
    assert spec.sha256 == hashlib.sha256(raw).hexdigest()
    assert spec.vocab_size == d["tokens"]["vocab_size"] == 1 + sum(b["bins"] for b in d["vocab"])
    assert spec.start_position == d["positions"]["start_position"] and spec.n_positions == 128
    assert spec.block_range(0) == (1, 244) and spec.block_range(1) == (244, 2285)


def test_tokenize_bin_centres_edges_and_missing(spec):
    for blk in spec.blocks:
        vals = np.full((blk.bins, spec.n_channels), np.nan)
        vals[:, blk.channel] = blk.values
        tok = spec.tokenize(vals)[:, blk.channel]
        assert (tok == blk.first_token + np.arange(blk.bins)).all()
        # bin i covers [edges[i-1], edges[i]): an edge belongs to the bin above it
        e = np.full((len(blk.inner_edges), spec.n_channels), np.nan)
        e[:, blk.channel] = blk.inner_edges
        assert (spec.tokenize(e)[:, blk.channel] == blk.first_token + 1 + np.arange(len(blk.inner_edges))).all()
    t = spec.tokenize(np.array([[0.0, np.nan], [np.nan, 35000.0], [64.0, 0.0], [-1e6, 1e6]]))
    assert t[0, 1] == -1 and t[1, 0] == -1
    assert spec.token_value[t[0, 0]] == 0.0 and spec.token_value[t[1, 1]] == 35000.0
    assert spec.token_value[t[2, 0]] == 64.0
    assert t[3, 0] == 1 and t[3, 1] == spec.vocab_size - 1
    assert np.isnan(spec.detokenize(np.array([-1, 0]))).all()


def test_synthetic_dataset_format(synth_dir, spec):
    from sigmavrate_trainer.data import Dataset
    ds = Dataset.open(synth_dir)
    assert ds.spec.sha256 == spec.sha256 and (synth_dir / "spec.json").read_bytes() == spec.raw
    sp = ds.split("train")
    assert sp.tokens.shape == (96, 64, 2) and sp.values.shape == (96, 64, 2)
    assert ((sp.tokens >= 0) == np.isfinite(sp.values)).all()
    assert (ds.spec.tokenize(np.asarray(sp.values)) == sp.tokens).all()
