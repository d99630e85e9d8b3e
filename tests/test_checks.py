"""bp_core.checks: the derivation's two sides, the sampled gradient check, cost slices."""

import time

import numpy as np
import pytest

import bp_core as bp
from bp_core import checks as nc


def _problem(sizes, act="sigmoid", out="sigmoid", loss="cross_entropy", lam=1.0, m=10, seed=0):
    cfg = bp.NetConfig(sizes, act, out, loss, lambda_=lam)
    rng = np.random.default_rng(seed)
    Theta = bp.init_weights(cfg, rng, "ng_sqrt6")
    X = rng.normal(size=(m, sizes[0]))
    Y = bp.encode_targets(cfg, rng.integers(0, min(2, sizes[-1]) if out != "softmax" else 3, m))
    return cfg, Theta, X, Y


@pytest.mark.parametrize("bug", [None, *bp.PLANTED_BUGS])
def test_full_check_passes_only_for_the_correct_backprop(bug):
    cfg, Theta, X, Y = _problem((2, 4, 3, 1))
    chk = nc.sampled_gradient_check(cfg, Theta, X, Y, bug=bug)
    assert chk.complete and len(chk.entries) == cfg.n_weights
    assert chk.passed == (bug is None), chk.relative_difference


@pytest.mark.parametrize("bug", [None, *bp.PLANTED_BUGS])
def test_sampled_check_on_the_biggest_network_is_fast_and_finds_bugs(bug):
    cfg, Theta, X, Y = _problem((2, *([32] * 10), 1), lam=100.0, m=20)
    t0 = time.perf_counter()
    chk = nc.sampled_gradient_check(cfg, Theta, X, Y, bug=bug)
    assert time.perf_counter() - t0 < 4.0  # ~1 s here; generous for slow CI machines
    assert not chk.complete and chk.m == 20
    assert any(k == 0 for _, _, k in chk.entries)  # bias columns are sampled
    assert chk.passed == (bug is None), chk.relative_difference


def test_check_uses_at_most_20_examples_and_error_maps():
    cfg, Theta, X, Y = _problem((2, 3, 1), m=50)
    chk = nc.sampled_gradient_check(cfg, Theta, X, Y, bug="flipped_sign")
    assert chk.m == nc.MAX_CHECK_EXAMPLES
    maps = chk.error_maps(cfg.theta_shapes)
    assert [m.shape for m in maps] == list(cfg.theta_shapes)
    assert chk.worst_layer() in (1, 2)
    table = chk.table()
    assert list(table) == ["weight", "numeric", "backprop", "|difference|"]
    assert table["weight"][0] == "Θ^(1)_1,0"
    assert all(len(col) == len(chk.entries) for col in table.values())


def test_unknown_bug_is_a_value_error():
    cfg, Theta, X, Y = _problem((2, *([32] * 2), 1))
    with pytest.raises(ValueError, match="planted bug"):
        nc.sampled_gradient_check(cfg, Theta, X, Y, bug="nope")


@pytest.mark.parametrize(
    "sizes,act,out,loss",
    [
        ((2, 4, 3, 1), "sigmoid", "sigmoid", "cross_entropy"),
        ((2, 5, 3), "tanh", "softmax", "cross_entropy"),
        ((2, 3, 2), "relu", "sigmoid", "mse"),
        ((2, 1), "sigmoid", "linear", "mse"),
        ((2, *([32] * 8), 1), "sigmoid", "sigmoid", "cross_entropy"),
    ],
)
def test_every_derivation_line_checks_out(sizes, act, out, loss):
    cfg, Theta, X, Y = _problem(sizes, act, out, loss)
    if out == "linear":
        Y = np.random.default_rng(3).normal(size=(X.shape[0], 1))
    checks = nc.derivation_checks(cfg, Theta, X[:1], Y[:1], X, Y)
    keys = [c.key for c in checks]
    assert keys[:4] == ["J", "sigmoid_prime", "dJ_dh", "delta_L"]
    assert keys[-2:] == ["D", "delta_L_mse"]
    assert len([k for k in keys if k.startswith("delta_") and k[6:].isdigit()]) == cfg.L - 2
    for c in checks:
        assert c.ok, (c.key, c.max_diff)
        table = c.table()
        assert len(table) == 4 and all(len(col) == len(c.labels) for col in table.values())


def test_fd_dJ_dz_matches_backprop_delta():
    cfg, Theta, X, Y = _problem((3, 4, 3), "tanh", "softmax", "cross_entropy", m=2)
    tr = bp.backprop(cfg, Theta, X, Y)
    for layer in (2, 3):
        np.testing.assert_allclose(
            nc.fd_dJ_dz(cfg, Theta, layer, tr.z[layer - 1], Y), tr.delta[layer - 1], atol=1e-8
        )


def test_cost_slice_slopes_agree_and_bad_entry_is_refused():
    cfg, Theta, X, Y = _problem((2, 3, 1))
    cs = nc.cost_slice(cfg, Theta, X, Y, (1, 2, 0))
    assert cs.slope_fd == pytest.approx(cs.slope_bp, abs=1e-8)
    assert cs.J0 == pytest.approx(bp.cost(cfg, Theta, X, Y))
    assert len(cs.t) == len(cs.J) == 41
    with pytest.raises(ValueError, match="no entry"):
        nc.cost_slice(cfg, Theta, X, Y, (1, 5, 0))


def test_squared_error_delta_vanishes_when_saturated():
    c = nc.output_delta_curves("sigmoid", np.array([-10.0, 0.0]), y=1.0)
    assert c["cross_entropy"][0] == pytest.approx(-1.0, abs=1e-4)
    assert abs(c["mse"][0]) < 1e-4


def test_examples_clamps_and_encodes():
    cfg = bp.NetConfig((2, 3, 1))
    X, y = np.zeros((5, 2)), np.array([0, 1, 0, 1, 1])
    Xs, Ys = nc.examples(cfg, X, y, "classification", 3, 10)
    assert Xs.shape == (2, 2) and Ys[:, 0].tolist() == [1.0, 1.0]
