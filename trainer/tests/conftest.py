import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sigmavrate_trainer.model import SIZES, SigmaGPT, SigmaGPTConfig  # noqa: E402
from sigmavrate_trainer.spec import Spec  # noqa: E402
from sigmavrate_trainer.synth import make_synthetic_dataset  # noqa: E402

# the machine is small and shared: one thread keeps the suite fast and free of oversubscription
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def spec():
    return Spec.load()


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("synth")
    make_synthetic_dataset(d, None, n_train=96, n_val=24, n_test=8, seed=3)
    return d


def tiny_model(spec, seed=0, **kw):
    torch.manual_seed(seed)
    cfg = SigmaGPTConfig(**SIZES["tiny"])
    for k, v in kw.items():
        setattr(cfg, k, v)
    return SigmaGPT.from_spec(cfg, spec).eval()


@pytest.fixture
def model(spec):
    return tiny_model(spec)


@pytest.fixture(scope="session")
def tiny_run(synth_dir, tmp_path_factory):
    """A tiny model trained for a few steps through the CLI (shared by the CLI/eval/export tests)."""
    from sigmavrate_trainer.__main__ import main
    run = tmp_path_factory.mktemp("run")
    rc = main(["train", "--data", str(synth_dir), "--out", str(run), "--size", "tiny", "--steps", "6",
               "--batch-size", "8", "--log-every", "2", "--eval-every", "3", "--eval-windows", "8",
               "--warmup", "2", "--threads", "1", "--seed", "7"])
    assert rc == 0
    return run
