"""Backpropagation against finite differences, a hand-worked example and a slow reference."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import bp_core as bp
from tests.reference import reference_backprop

COMBOS = [
    ("sigmoid", "cross_entropy"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "mse"),
    ("softmax", "mse"),
    ("linear", "mse"),
    ("tanh", "mse"),
]


def make_problem(cfg, m, rng, kinky=False):
    """Random Θ, X and targets that suit the output unit."""
    Theta = bp.init_weights(cfg, rng, "ng_sqrt6")
    X = rng.normal(size=(m, cfg.layer_sizes[0]))
    K = cfg.layer_sizes[-1]
    if cfg.output == "linear":
        Y = rng.normal(size=(m, K))
    elif cfg.output == "softmax":
        Y = np.eye(K)[rng.integers(0, K, m)]
    elif cfg.output == "tanh":
        Y = rng.choice([-1.0, 1.0], size=(m, K))
    else:
        Y = rng.integers(0, 2, size=(m, K)).astype(float)
    return Theta, X, Y


def min_abs_hidden_z(cfg, Theta, X):
    z = bp.forward(cfg, Theta, X).z[1:-1]
    return min((np.abs(zl).min() for zl in z), default=np.inf)


@pytest.mark.parametrize("output,loss", COMBOS)
@pytest.mark.parametrize("act", sorted(bp.ACTIVATIONS))
@given(
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    n_in=st.integers(1, 4),
    n_out=st.integers(2, 4),
    m=st.integers(1, 6),
    lam=st.floats(0.01, 3.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_gradient_check_every_activation_output_loss(
    act, output, loss, sizes, n_in, n_out, m, lam, seed
):
    """Central differences agree with backprop to a relative difference < 1e-7, λ > 0."""
    rng = np.random.default_rng(seed)
    n_out = 1 if output in ("sigmoid", "linear", "tanh") and seed % 2 else n_out
    cfg = bp.NetConfig((n_in, *sizes, n_out), act, output, loss, lam)
    Theta, X, Y = make_problem(cfg, m, rng)
    if act in ("relu", "leaky_relu"):
        # the finite difference is meaningless within ε of the kink at z = 0
        assume(min_abs_hidden_z(cfg, Theta, X) > 1e-3)
    check = bp.gradient_check(cfg, Theta, X, Y)
    assert check.relative_difference < 1e-7, check.relative_difference
    assert check.passed


@pytest.mark.parametrize("output,loss", COMBOS)
@pytest.mark.parametrize("act", sorted(bp.ACTIVATIONS))
def test_vectorized_equals_per_example_reference(act, output, loss):
    rng = np.random.default_rng(7)
    cfg = bp.NetConfig((3, 5, 4, 3), act, output, loss, 0.8)
    Theta, X, Y = make_problem(cfg, 9, rng)
    trace = bp.backprop(cfg, Theta, X, Y)
    J_ref, D_ref = reference_backprop(cfg, Theta, X, Y)
    assert trace.J == pytest.approx(J_ref, rel=1e-12)
    for D, Dr in zip(trace.D, D_ref, strict=True):
        np.testing.assert_allclose(D, Dr, rtol=1e-10, atol=1e-14)


def test_hand_worked_2_2_1():
    """One example x = (1, 2), y = 1 through a 2-2-1 sigmoid net, every number by hand."""
    cfg = bp.NetConfig((2, 2, 1), "sigmoid", "sigmoid", "cross_entropy", 0.0)
    Theta = [np.array([[0.1, 0.2, -0.3], [-0.1, 0.4, 0.5]]), np.array([[0.3, -0.6, 0.9]])]
    X, Y = np.array([[1.0, 2.0]]), np.array([[1.0]])
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    # z^(2)_1 = 0.1 + 0.2·1 − 0.3·2 = −0.3      a^(2)_1 = σ(−0.3) = 0.425557483
    # z^(2)_2 = −0.1 + 0.4·1 + 0.5·2 = 1.3      a^(2)_2 = σ(1.3)  = 0.785834983
    a21, a22 = sig(-0.3), sig(1.3)
    # z^(3) = 0.3 − 0.6·0.425557483 + 0.9·0.785834983 = 0.751916995;  h = σ(z^(3)) = 0.679596259
    z3 = 0.3 - 0.6 * a21 + 0.9 * a22
    h = sig(z3)
    # J = −log(0.679596259) = 0.386256394
    # δ^(3) = h − y = −0.320403741
    d3 = h - 1
    # δ^(2) = (Θ^(2))ᵀ δ^(3) .* a^(2)(1 − a^(2)), bias row dropped:
    #   δ^(2)_1 = −0.6 · (−0.320403741) · 0.425557483 · 0.574442517 =  0.046995215
    #   δ^(2)_2 =  0.9 · (−0.320403741) · 0.785834983 · 0.214165017 = −0.048531082
    d21 = -0.6 * d3 * a21 * (1 - a21)
    d22 = 0.9 * d3 * a22 * (1 - a22)
    # Δ^(2) = δ^(3) [1, a^(2)_1, a^(2)_2] = [−0.320403741, −0.136350210, −0.251784468]
    # Δ^(1) = δ^(2) [1, 1, 2]             = [[ 0.046995215,  0.046995215,  0.093990429],
    #                                        [−0.048531082, −0.048531082, −0.097062165]]
    t = bp.backprop(cfg, Theta, X, Y)
    np.testing.assert_allclose(t.z[1], [[-0.3, 1.3]], rtol=1e-14)
    np.testing.assert_allclose(t.a[1], [[a21, a22]], rtol=1e-14)
    np.testing.assert_allclose(t.a[1], [[0.425557483, 0.785834983]], atol=1e-9)
    np.testing.assert_allclose(t.z[2], [[z3]], rtol=1e-14)
    assert t.J == pytest.approx(-math.log(h), rel=1e-13)
    assert t.J == pytest.approx(0.386256394, abs=1e-9)
    np.testing.assert_allclose(t.delta[2], [[d3]], rtol=1e-13)
    np.testing.assert_allclose(t.delta[1], [[d21, d22]], rtol=1e-12)
    np.testing.assert_allclose(t.delta[1], [[0.046995215, -0.048531082]], atol=1e-9)
    np.testing.assert_allclose(t.Delta[1], [[d3, d3 * a21, d3 * a22]], rtol=1e-12)
    np.testing.assert_allclose(t.Delta[1], [[-0.320403741, -0.136350210, -0.251784468]], atol=1e-9)
    np.testing.assert_allclose(t.Delta[0], [[d21, d21, 2 * d21], [d22, d22, 2 * d22]], rtol=1e-12)
    # m = 1 and λ = 0: D = Δ
    for D, Delta in zip(t.D, t.Delta, strict=True):
        np.testing.assert_array_equal(D, Delta)
    assert t.delta[0] is None and t.z[0] is None


def test_regularization_skips_bias_column():
    rng = np.random.default_rng(3)
    cfg0 = bp.NetConfig((2, 3, 1), "sigmoid", lambda_=0.0)
    cfg1 = bp.NetConfig((2, 3, 1), "sigmoid", lambda_=2.0)
    Theta, X, Y = make_problem(cfg0, 5, rng)
    t0, t1 = bp.backprop(cfg0, Theta, X, Y), bp.backprop(cfg1, Theta, X, Y)
    for l, T in enumerate(Theta):
        np.testing.assert_array_equal(t1.D[l][:, 0], t0.D[l][:, 0])
        np.testing.assert_allclose(t1.D[l][:, 1:], t0.D[l][:, 1:] + 2.0 / 5 * T[:, 1:])
    extra = 2.0 / (2 * 5) * sum(np.sum(T[:, 1:] ** 2) for T in Theta)
    assert t1.J == pytest.approx(t0.J + extra, rel=1e-13)


def test_per_example_contributions_sum_to_Delta():
    rng = np.random.default_rng(4)
    cfg = bp.NetConfig((3, 4, 2), "tanh", "softmax", "cross_entropy", 0.5)
    Theta, X, Y = make_problem(cfg, 8, rng)
    t = bp.backprop(cfg, Theta, X, Y)
    for l in range(cfg.L - 1):
        per = t.Delta_per_example(l)
        assert per.shape == (8, *Theta[l].shape)
        np.testing.assert_allclose(per.sum(axis=0), t.Delta[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(t.example_contributions(l, 1, 0), per[:, 1, 0])
        np.testing.assert_allclose(t.example_contributions(l, 0, 2), per[:, 0, 2])


def test_delta_L_is_h_minus_y_for_cross_entropy_and_not_for_mse():
    rng = np.random.default_rng(5)
    ce = bp.NetConfig((2, 3, 1), "sigmoid", "sigmoid", "cross_entropy")
    se = bp.NetConfig((2, 3, 1), "sigmoid", "sigmoid", "mse")
    Theta, X, Y = make_problem(ce, 6, rng)
    t_ce, t_se = bp.backprop(ce, Theta, X, Y), bp.backprop(se, Theta, X, Y)
    h = t_ce.a[-1]
    np.testing.assert_allclose(t_ce.delta[-1], h - Y, rtol=1e-15)
    np.testing.assert_allclose(t_se.delta[-1], (h - Y) * h * (1 - h), rtol=1e-14)


@pytest.mark.parametrize("name", sorted(bp.PLANTED_BUGS))
def test_every_planted_bug_fails_the_check(name):
    rng = np.random.default_rng(11)
    cfg = bp.NetConfig((3, 5, 4, 2), "sigmoid", "sigmoid", "cross_entropy", 1.0)
    Theta = [bp.debug_weights(*s) for s in [(3, 5), (5, 4), (4, 2)]]
    X = rng.normal(size=(6, 3))
    Y = rng.integers(0, 2, size=(6, 2)).astype(float)
    assert bp.gradient_check(cfg, Theta, X, Y).passed
    bad = bp.gradient_check(cfg, Theta, X, Y, bug=name)
    assert not bad.passed
    assert bad.relative_difference > 1e-4
    # the entries that go wrong are flagged: at least one error well above the numeric noise
    assert max(e.max() for e in bad.entry_errors()) > 1e-5


def test_unknown_bug_is_a_clear_error():
    cfg = bp.NetConfig((2, 2, 1))
    Theta = bp.init_weights(cfg, np.random.default_rng(0))
    with pytest.raises(ValueError, match="planted bug"):
        bp.gradient_check(cfg, Theta, np.zeros((1, 2)), np.zeros((1, 1)), bug="nope")


def test_numerical_gradient_matches_course_debug_setup():
    """ex4's checkNNGradients: 3-5-3 net, debug weights, X = debug(m=5), y = 1 + mod(1:m, 3)."""
    cfg = bp.NetConfig((3, 5, 3), "sigmoid", "sigmoid", "cross_entropy", 3.0)
    Theta = [bp.debug_weights(3, 5), bp.debug_weights(5, 3)]
    X = bp.debug_weights(3 - 1, 5)  # (5, 3): debugInitializeWeights(m, input_layer_size - 1)
    y = np.arange(1, 6) % 3  # course labels 1 + mod(1:m, 3) shifted to 0-based
    Y = bp.encode_targets(cfg, y)
    check = bp.gradient_check(cfg, Theta, X, Y)
    assert check.relative_difference < 1e-9
    assert len(check.rows()) == cfg.n_weights
