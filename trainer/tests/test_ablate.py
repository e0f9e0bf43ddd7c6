import numpy as np
import pytest

from sigmavrate_trainer.ablate import (FlightBootstrap, crps_from_quantiles, CRPS_LEVELS, nearest_known,
                                       observed_steps, persistence_baseline)
from sigmavrate_trainer.data import Dataset


def test_bootstrap_interval_holds_the_ratio_and_pairs_flights():
    rng = np.random.default_rng(0)
    flights = np.repeat([f"f{i}" for i in range(40)], 25)
    a = rng.gamma(2.0, 50.0, len(flights))
    b = a * 1.2 + rng.normal(0, 5, len(flights))
    boot = FlightBootstrap(flights, 500, 1)
    ratio, lo, hi = boot.ratio(b, a)
    assert lo < ratio < hi and 1.15 < ratio < 1.25 and hi - lo < 0.05
    # the same numbers on both sides: every replicate gives exactly 1
    assert boot.ratio(a, a) == (1.0, 1.0, 1.0)
    # fewer flights, wider interval
    few = FlightBootstrap(flights[:250], 500, 1)
    _, lo2, hi2 = few.ratio(b[:250], a[:250])
    assert hi2 - lo2 > hi - lo


def test_crps_of_a_point_mass_is_the_absolute_error():
    y = np.array([0.0, 100.0, -64.0])
    q = np.full((3, len(CRPS_LEVELS)), 32.0)
    assert np.allclose(crps_from_quantiles(q, y), np.abs(y - 32.0))


def test_protocols_and_context_selection():
    rng = np.random.default_rng(3)
    assert observed_steps("sparse10", 64, rng).sum() == 6 and observed_steps("sparse25", 64, rng).sum() == 16
    gap = observed_steps("gap", 64, rng)
    assert gap[:20].all() and not gap[20:44].any() and gap[44:].all()
    fc = observed_steps("forecast", 64, rng)
    assert fc[:48].all() and not fc[48:].any()
    known = np.arange(0, 96)                       # steps 0..47, both channels
    kept = nearest_known(known, np.arange(48, 64), 2, 32)
    assert kept.tolist() == list(range(64, 96))     # the 16 steps before the horizon
    assert persistence_baseline(np.array([3, 9]), np.array([100.0, -200.0]), np.array([1, 5, 12])).tolist() == \
        [100.0, 100.0, -200.0]


def test_windows_of_an_origin_can_be_left_out(synth_dir):
    sp = Dataset.open(synth_dir).split("train")
    assert set(sp.origins()) == {"synthetic"}
    with pytest.raises(ValueError, match="no train window comes from"):
        sp.without_origins(["opensky-brazil"])
    assert len(sp.without_origins(["synthetic"])) == 0
