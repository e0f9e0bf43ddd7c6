import numpy as np

from sigmavrate_trainer import channel_softmax, onnx_ref


def test_the_shipped_graph_is_what_the_spec_builds(spec):
    shipped = channel_softmax.default_path().read_bytes()
    assert shipped == channel_softmax.build(spec).SerializeToString(), \
        "rebuild it: python -m sigmavrate_trainer channel-softmax"


def test_each_output_is_the_softmax_of_its_channel_block(spec, tmp_path):
    path = tmp_path / "channel-softmax.onnx"
    path.write_bytes(channel_softmax.build(spec).SerializeToString())
    rng = np.random.default_rng(7)
    logits = (rng.normal(size=(5, spec.vocab_size)) * 6).astype(np.float32)
    out = onnx_ref.run(path, {channel_softmax.INPUT: logits})
    for b in spec.blocks:
        block = logits[:, b.first_token:b.stop_token].astype(np.float64)
        expected = np.exp(block - block.max(axis=1, keepdims=True))
        expected /= expected.sum(axis=1, keepdims=True)
        got = out[channel_softmax.output_name(b)]
        assert got.shape == (5, b.bins)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
