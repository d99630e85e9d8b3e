"""bp_core.checks: the derivation's two sides, the sampled gradient check, cost slices."""

import pathlib
import time

import numpy as np
import pytest

import bp_core as bp
import bp_core.gradcheck
from bp_core import checks as nc
from lab_ui.derivation.derivation import derivation_lines


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


DERIVATION_CASES = [
    ((2, 4, 3, 1), "sigmoid", "sigmoid", "cross_entropy"),
    ((2, 5, 3), "tanh", "softmax", "cross_entropy"),
    ((2, 3, 2), "relu", "sigmoid", "mse"),
    ((2, 1), "sigmoid", "linear", "mse"),
    ((2, 3, 1), "tanh", "tanh", "mse"),
    ((2, 4, 3), "leaky_relu", "softmax", "mse"),
    ((2, *([32] * 8), 1), "sigmoid", "sigmoid", "cross_entropy"),
]


@pytest.mark.parametrize("sizes,act,out,loss", DERIVATION_CASES)
def test_every_derivation_line_checks_out(sizes, act, out, loss):
    cfg, Theta, X, Y = _problem(sizes, act, out, loss)
    if out in ("linear", "tanh"):
        Y = np.random.default_rng(3).normal(size=(X.shape[0], 1))
    checks = nc.derivation_checks(cfg, Theta, X[:1], Y[:1], X, Y)
    keys = [c.key for c in checks]
    assert keys[:4] == ["J", "g_prime", "dJ_dh", "delta_L"]
    assert keys[-2:] == ["D", "delta_L_mse"]
    assert len([k for k in keys if k.startswith("delta_") and k[6:].isdigit()]) == cfg.L - 2
    for c in checks:
        assert c.ok, (c.key, c.max_diff)
        assert np.shape(c.left) == np.shape(c.right)
        if c.key != "J":
            assert len(c.entries) == np.size(c.left)
    lines = derivation_lines(cfg, Theta, X[:1], Y[:1], X, Y)
    assert [ln.key for ln in lines] == keys
    for ln in lines:
        assert ln.ok and ln.max_diff == ln.check.max_diff
        table = ln.table()
        assert len(table) == 4 and all(len(col) == len(ln.labels) for col in table.values())
        assert ln.title and ln.latex and ln.explanation


@pytest.mark.parametrize("act", sorted(bp.ACTIVATIONS))
def test_slope_line_uses_the_layers_own_g(act):
    """The g' line of a tanh (relu, …) layer checks tanh' (relu', …), not the sigmoid's."""
    cfg, Theta, X, Y = _problem((2, 4, 3, 1), (act, "sigmoid"), lam=0.0)
    checks = nc.derivation_checks(cfg, Theta, X[:1], Y[:1], X, Y)
    (slope,) = [c for c in checks if c.key == "g_prime"]
    assert slope.layer == 2 and slope.unit == act
    z2 = bp.forward(cfg, Theta, X[:1]).z[1]
    g = bp.ACTIVATIONS[act]
    np.testing.assert_array_equal(slope.left, g.g_prime(z2, g.g(z2))[0])
    assert slope.ok, slope.max_diff
    (line,) = [ln for ln in derivation_lines(cfg, Theta, X[:1], Y[:1], X, Y) if ln.key == "g_prime"]
    assert line.latex == g.latex_prime and g.label in line.title
    (d2,) = [ln for ln in derivation_lines(cfg, Theta, X[:1], Y[:1], X, Y) if ln.key == "delta_2"]
    assert g.symbol + "'(z^{(2)})" in d2.latex and d2.check.unit == act


def test_slope_line_of_a_net_without_hidden_layer_uses_the_output_unit():
    cfg, Theta, X, Y = _problem((2, 3), "sigmoid", "softmax", lam=0.0)
    (slope,) = [
        c for c in nc.derivation_checks(cfg, Theta, X[:1], Y[:1], X, Y) if c.key == "g_prime"
    ]
    h = bp.forward(cfg, Theta, X[:1]).h[0]
    assert slope.layer == 2 and slope.unit == "softmax"
    np.testing.assert_allclose(slope.left, h * (1 - h), rtol=1e-12)  # ∂a_k/∂z_k of softmax
    assert slope.ok, slope.max_diff


def test_a_wrong_slope_would_fail_the_line():
    """The line can fail: the sigmoid's slope on a tanh layer differs from the finite difference."""
    z = np.array([[-1.0, 0.3, 2.0]])
    sig = bp.ACTIVATIONS["sigmoid"]
    wrong = sig.g_prime(z, sig.g(z))[0]
    assert nc.max_abs_diff(wrong, nc.fd_slope("tanh", z)[0]) > 0.1
    np.testing.assert_allclose(nc.fd_slope("tanh", z), 1 - np.tanh(z) ** 2, atol=1e-9)


def test_central_difference_is_exact_on_a_quadratic_and_restores_x():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.5])
    x_before = x.copy()
    # f(x) = ½ xᵀ A x has gradient A x, and the centred difference of a quadratic is exact
    g = bp.gradcheck.central_difference(lambda v: 0.5 * v @ A @ v, x, eps=1e-3)
    np.testing.assert_allclose(g, A @ x, rtol=1e-10)
    np.testing.assert_array_equal(x, x_before)
    part = bp.gradcheck.central_difference(lambda v: 0.5 * v @ A @ v, x, 1e-3, entries=[1])
    assert part.shape == (1,) and part[0] == pytest.approx((A @ x)[1], rel=1e-10)
    M = np.arange(6.0).reshape(2, 3)
    assert bp.gradcheck.central_difference(lambda v: float((v**2).sum()), M).shape == (2, 3)
    with pytest.raises(ValueError, match="positive"):
        bp.gradcheck.central_difference(lambda v: 0.0, x, eps=0.0)


def test_old_names_are_still_importable_from_checks():
    from bp_core import examples as ex
    from bp_core import gradcheck as gc
    from bp_core import losses as lo

    assert nc.sampled_gradient_check is gc.sampled_gradient_check
    assert nc.SampledCheck is gc.SampledCheck
    assert nc.MAX_CHECK_EXAMPLES == gc.MAX_CHECK_EXAMPLES == 20
    assert nc.FULL_CHECK_MAX_WEIGHTS == gc.FULL_CHECK_MAX_WEIGHTS
    assert nc.SAMPLED_ENTRIES == gc.SAMPLED_ENTRIES
    assert nc.examples is ex.examples
    assert nc.output_delta_curves is lo.output_delta_curves
    for name in (
        "cost_from_z",
        "fd_dJ_dz",
        "fd_slope",
        "fd_dJ_dh",
        "example_cost_of_h",
        "dJ_dh_formula",
        "max_abs_diff",
        "cost_slice",
        "CostSlice",
        "LineCheck",
        "derivation_checks",
    ):
        assert callable(getattr(nc, name))


def test_checks_module_has_no_latex_or_prose():
    """LaTeX and sentences for students live in lab_ui.derivation.derivation, not in the core."""
    src = (pathlib.Path(nc.__file__)).read_text()
    code = src[src.index('"""', 3) + 3 :]  # after the module docstring
    for needle in (r"\frac", r"\delta", r"\partial", r"\hat", "unit {j} of layer"):
        assert needle not in code, needle
    registry = pathlib.Path(nc.__file__).with_name("losses.py").read_text()
    assert r"\frac" in registry  # the needles do match LaTeX where it belongs (registry facts)


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


def test_cost_slice_takes_the_courses_weight_numbering():
    cfg, Theta, X, Y = _problem((2, 3, 1))
    old = nc.cost_slice(cfg, Theta, X, Y, (1, 2, 0))  # Python row 2 …
    new = nc.cost_slice(cfg, Theta, X, Y, weight=(1, 3, 0))  # … is the course's j = 3
    assert new.t0 == old.t0 == Theta[0][2, 0]
    np.testing.assert_array_equal(new.J, old.J)
    assert new.slope_bp == old.slope_bp == bp.backprop(cfg, Theta, X, Y).D[0][2, 0]
    assert new.slope_fd == pytest.approx(new.slope_bp, abs=1e-8)
    # the curve passes through J at the current weights, and Θ is left untouched
    assert new.J[20] == pytest.approx(bp.cost(cfg, Theta, X, Y), rel=1e-12)
    with pytest.raises(ValueError, match="no row j = 4"):
        nc.cost_slice(cfg, Theta, X, Y, weight=(1, 4, 0))
    with pytest.raises(ValueError, match="once"):
        nc.cost_slice(cfg, Theta, X, Y, (1, 2, 0), weight=(1, 3, 0))


def test_squared_error_delta_vanishes_when_saturated():
    c = nc.output_delta_curves("sigmoid", np.array([-10.0, 0.0]), y=1.0)
    assert c["cross_entropy"][0] == pytest.approx(-1.0, abs=1e-4)
    assert abs(c["mse"][0]) < 1e-4


def test_examples_clamps_and_encodes():
    cfg = bp.NetConfig((2, 3, 1))
    X, y = np.zeros((5, 2)), np.array([0, 1, 0, 1, 1])
    Xs, Ys = nc.examples(cfg, X, y, "classification", 3, 10)
    assert Xs.shape == (2, 2) and Ys[:, 0].tolist() == [1.0, 1.0]
