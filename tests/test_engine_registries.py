"""The registries carry the course facts: LaTeX, ranges, J(h) and ∂J/∂h; a new activation
registered at run time works everywhere the built-in ones do."""

import numpy as np
import pytest

import bp_core as bp
from bp_core import checks as nc
from bp_core.activations import Activation
from bp_core.losses import elementwise_vjp


def _balanced(tex: str) -> bool:
    depth = 0
    for ch in tex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("entry", [*bp.ACTIVATIONS.values(), *bp.OUTPUTS.values()])
def test_every_entry_has_latex_symbol_and_a_sensible_range(entry):
    for tex in (entry.latex, entry.latex_prime, entry.symbol):
        assert isinstance(tex, str) and tex and _balanced(tex), (entry.name, tex)
    assert "'" in entry.latex_prime or r"\partial" in entry.latex_prime
    z = np.linspace(-30.0, 30.0, 601).reshape(-1, 1)
    a = entry.g(np.hstack([z, -z]))  # two columns, so softmax is not constant
    if entry.value_range is None:
        assert np.ptp(a) > 2.0  # unbounded on at least one side: spans more than tanh's range
    else:
        lo, hi = entry.value_range
        assert lo < hi
        assert np.all((a >= lo) & (a <= hi))
        assert a.min() < lo + 1e-3 and a.max() > hi - 1e-3  # and really reaches towards both


def test_course_ranges_and_sigmoid_latex():
    assert bp.ACTIVATIONS["sigmoid"].value_range == (0.0, 1.0)
    assert bp.ACTIVATIONS["tanh"].value_range == (-1.0, 1.0)
    for name in ("relu", "leaky_relu", "linear"):
        assert bp.ACTIVATIONS[name].value_range is None
    assert bp.OUTPUTS["softmax"].value_range == (0.0, 1.0)
    assert bp.OUTPUTS["linear"].value_range is None
    sig = bp.ACTIVATIONS["sigmoid"]
    assert sig.latex == r"\sigma(z) = \frac{1}{1+e^{-z}}"
    assert r"a\,.\!*\,(1-a)" in sig.latex_prime  # the course's a .* (1 − a)
    assert sig.symbol == r"\sigma"
    assert "0.01" in bp.ACTIVATIONS["leaky_relu"].latex


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "linear"])
def test_elementwise_outputs_reuse_the_activation(name):
    act, out = bp.ACTIVATIONS[name], bp.OUTPUTS[name]
    assert out.g is act.g and out.latex == act.latex and out.value_range == act.value_range
    rng = np.random.default_rng(0)
    z, v = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    a = out.g(z)
    np.testing.assert_array_equal(out.vjp(z, a, v), v * act.g_prime(z, a))
    np.testing.assert_array_equal(elementwise_vjp(act)(z, a, v), v * act.g_prime(z, a))


def test_minimal_registration_gets_default_latex():
    act = Activation("my_act", "my act & co", np.sin, lambda z, a: np.cos(z))
    assert act.latex == r"\text{my act \& co}(z)"
    assert act.latex_prime == r"\text{my act \& co}'(z)"
    assert act.symbol == r"\mathrm{my\_act}"
    assert act.value_range is None and act.peak_slope == 1.0
    with pytest.raises(ValueError, match="low < high"):
        Activation("bad", "bad", np.sin, lambda z, a: np.cos(z), value_range=(1, 0))


@pytest.mark.parametrize(
    "loss,output", [(name, out) for name, lo in bp.LOSSES.items() for out in lo.outputs]
)
def test_J_of_h_equals_example_cost_and_dJ_dh_is_its_derivative(loss, output):
    lo, out = bp.LOSSES[loss], bp.OUTPUTS[output]
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 3))
    h = out.g(z)
    if output in ("linear", "tanh") or loss == "mse":
        Y = rng.normal(size=z.shape)
    elif output == "softmax":
        Y = np.eye(3)[rng.integers(0, 3, 4)]
    else:
        Y = rng.integers(0, 2, size=z.shape).astype(float)
    # the textbook J(h) is the same number as the log-sum-exp J(z) the engine trains on
    np.testing.assert_allclose(lo.J_of_h(out, h, Y), lo.example_cost(out, z, h, Y), rtol=1e-12)
    eps = 1e-6
    num = np.empty_like(h)
    for idx in np.ndindex(h.shape):
        hp, hm = h.copy(), h.copy()
        hp[idx] += eps
        hm[idx] -= eps
        num[idx] = (lo.J_of_h(out, hp, Y)[idx[0]] - lo.J_of_h(out, hm, Y)[idx[0]]) / (2 * eps)
    np.testing.assert_allclose(lo.dJ_dh(out, h, Y), num, rtol=1e-6, atol=1e-8)
    # the old string-switch names are thin aliases of the registry methods
    np.testing.assert_array_equal(nc.example_cost_of_h(loss, output, h, Y), lo.J_of_h(out, h, Y))
    np.testing.assert_array_equal(nc.dJ_dh_formula(loss, output, h, Y), lo.dJ_dh(out, h, Y))


def _softplus(z):
    return np.logaddexp(0.0, z)


def _softplus_prime(z, a):
    return bp.activations.sigmoid(z)  # d/dz log(1 + e^z) = σ(z)


@pytest.fixture
def softplus():
    """Register softplus for one test only, the way a third party would add an activation."""
    act = Activation("softplus", "softplus", _softplus, _softplus_prime)
    assert "softplus" not in bp.ACTIVATIONS
    bp.register_activation(act)
    try:
        yield act
    finally:
        bp.unregister_activation("softplus")


def test_an_activation_registered_at_run_time_works_everywhere(softplus):
    cfg = bp.NetConfig((3, 4, 3, 2), ("softplus", "tanh"), "softmax", "cross_entropy", 0.5)
    assert cfg.hidden_units[0] is softplus
    rng = np.random.default_rng(2)
    Theta = bp.init_weights(cfg, rng, "ng_sqrt6")
    X = rng.normal(size=(6, 3))
    Y = bp.encode_targets(cfg, rng.integers(0, 2, 6))
    fw = bp.forward(cfg, Theta, X)
    np.testing.assert_allclose(fw.a[1], _softplus(bp.add_bias(X) @ Theta[0].T))
    trace = bp.backprop(cfg, Theta, X, Y)
    assert trace.J == pytest.approx(bp.cost(cfg, Theta, X, Y))
    check = bp.gradient_check(cfg, Theta, X, Y)
    assert check.passed and check.relative_difference < 1e-8, check.relative_difference
    assert not bp.gradient_check(cfg, Theta, X, Y, bug="forget_g_prime").passed
    assert softplus.latex == r"\text{softplus}(z)"


def test_a_removed_activation_is_refused_again():
    with pytest.raises(ValueError, match="Unknown activation 'softplus'"):
        bp.NetConfig((2, 3, 1), "softplus")


def test_alpha_caps_come_from_the_optimizer_registry():
    """The Playground's α cap per optimizer is the registry's ``max_alpha`` (one place: the
    schema keeps no copy; ``tests/test_runs.py`` chooses a registered optimizer in the
    Playground and sees α lowered to its cap)."""
    from bp_core.optimizers import OPTIMIZERS
    from lab_ui.shared import schema

    assert OPTIMIZERS["adam"].max_alpha == 0.01
    assert OPTIMIZERS["gd"].max_alpha is None
    for opt in OPTIMIZERS.values():
        assert opt.max_alpha is None or 0 < opt.max_alpha < 10
    assert not hasattr(schema, "OPTIMIZER_MAX_ALPHA")
