"""lab_ui.step.stepper: the ordered forward/backward steps of one pass, from a bp_core trace."""

import numpy as np
import pytest
from test_ui_registry import softplus  # noqa: F401 (a fixture)

import bp_core as bp
from bp_core.network import reshape_params, unroll
from lab_ui.step.stepper import build_steps, matrix_table, n_backward_steps, n_forward_steps

ARCHS = [
    ((2, 1), "sigmoid", "sigmoid", "cross_entropy"),
    ((2, 4, 1), "sigmoid", "sigmoid", "cross_entropy"),
    ((2, 4, 2, 1), "tanh", "sigmoid", "cross_entropy"),
    ((3, 5, 3), "relu", "softmax", "cross_entropy"),
    ((2, 3, 1), "leaky_relu", "linear", "mse"),
    ((2, *([32] * 8), 1), "sigmoid", "sigmoid", "cross_entropy"),
    ((64, *([32] * 10), 10), "sigmoid", "softmax", "cross_entropy"),
]


def _problem(sizes, act, out, loss, m=3, lam=1.0, seed=0):
    cfg = bp.NetConfig(sizes, act, out, loss, lambda_=lam)
    rng = np.random.default_rng(seed)
    Theta = bp.init_weights(cfg, rng, "ng_sqrt6")
    X = rng.normal(size=(m, sizes[0]))
    y = rng.integers(0, 2, m) if out != "linear" else rng.normal(size=m)
    Y = bp.encode_targets(cfg, y, "regression" if out == "linear" else "classification")
    return cfg, Theta, X, Y


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: "-".join(map(str, a[0][:4])) + a[1])
@pytest.mark.parametrize("m", [1, 4])
def test_step_count_is_forward_plus_backward(arch, m):
    cfg, Theta, X, Y = _problem(*arch, m=m)
    trace = bp.backprop(cfg, Theta, X, Y)
    steps = build_steps(cfg, Theta, trace, Y, alpha=0.1)
    L = cfg.L
    assert n_forward_steps(cfg) == 2 * L
    assert n_backward_steps(cfg) == 4 * L - 4
    assert len(steps) == n_forward_steps(cfg) + n_backward_steps(cfg)
    phases = [s.phase for s in steps]
    assert phases == sorted(phases, key=["forward", "backward", "update"].index)
    assert phases.count("forward") == n_forward_steps(cfg)
    for s in steps:
        assert all(1 <= x <= L for x in (*s.nodes_read, *s.nodes_written))
        assert all(1 <= x <= L - 1 for x in s.edges)
        assert s.symbolic and s.title and s.explanation


def test_titles_follow_the_course_superscripts():
    cfg, Theta, X, Y = _problem((2, 4, 2, 1), "sigmoid", "sigmoid", "cross_entropy", m=1)
    steps = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, alpha=0.3)
    titles = [s.title for s in steps]
    assert titles[:8] == [
        "a⁽¹⁾ = x",
        "z⁽²⁾ = Θ⁽¹⁾ a⁽¹⁾",
        "a⁽²⁾ = g(z⁽²⁾)",
        "z⁽³⁾ = Θ⁽²⁾ a⁽²⁾",
        "a⁽³⁾ = g(z⁽³⁾)",
        "z⁽⁴⁾ = Θ⁽³⁾ a⁽³⁾",
        "a⁽⁴⁾ = g(z⁽⁴⁾)",
        "J(Θ)",
    ]
    assert titles[8] == "δ⁽⁴⁾ = ŷ − y"
    assert titles[9].startswith("δ⁽³⁾ = (Θ⁽³⁾)ᵀ δ⁽⁴⁾")
    assert titles[10].startswith("δ⁽²⁾ = (Θ⁽²⁾)ᵀ δ⁽³⁾")
    assert [t[:4] for t in titles[11:14]] == ["Δ⁽³⁾", "Δ⁽²⁾", "Δ⁽¹⁾"]
    assert [t[:4] for t in titles[14:17]] == ["D⁽³⁾", "D⁽²⁾", "D⁽¹⁾"]
    assert titles[-1] == "Θ⁽¹⁾ := Θ⁽¹⁾ − α D⁽¹⁾"
    # no plain "^(" notation is left in what the page prints as text
    for st in steps:
        assert "^(" not in st.title and "^(" not in st.explanation.replace("$", "")
        assert all("^(" not in label for label, _, _ in st.matrices)
    assert r"z^{(2)} = \Theta^{(1)}\, a^{(1)}" == steps[1].symbolic
    # z^(2) = Θ^(1) a^(1) touches layer 1 (read), layer 2 (written) and Θ^(1)
    assert (steps[1].nodes_read, steps[1].nodes_written, steps[1].edges) == ((1,), (2,), (1,))
    assert steps[9].edges == (3,) and steps[9].nodes_written == (3,)


def test_matrices_are_the_traces_with_examples_as_columns():
    cfg, Theta, X, Y = _problem((2, 3, 1), "sigmoid", "sigmoid", "cross_entropy", m=5)
    trace = bp.backprop(cfg, Theta, X, Y)
    steps = build_steps(cfg, Theta, trace, Y, alpha=0.1)
    label, a1, bias = steps[0].matrices[0]
    assert bias and a1.shape == (3, 5) and np.all(a1[0] == 1.0)
    np.testing.assert_array_equal(a1[1:], X.T)
    z2 = dict((lab, M) for lab, M, _ in steps[1].matrices)["z⁽²⁾"]
    np.testing.assert_array_equal(z2, trace.z[1].T)
    delta_step = next(s for s in steps if s.title.startswith("Δ⁽¹⁾"))
    np.testing.assert_array_equal(delta_step.matrices[0][1], trace.Delta[0])


def test_update_step_is_one_gradient_descent_step():
    cfg, Theta, X, Y = _problem((2, 3, 1), "sigmoid", "sigmoid", "cross_entropy", m=4)
    trace = bp.backprop(cfg, Theta, X, Y)
    steps = build_steps(cfg, Theta, trace, Y, alpha=0.5)
    new = reshape_params(cfg, unroll(Theta) - 0.5 * unroll(trace.D))
    for s in steps[-2:]:
        l = s.edges[0]
        np.testing.assert_allclose(s.matrices[0][1], new[l - 1])


def test_large_matrices_are_abbreviated():
    cfg, Theta, X, Y = _problem((2, *([32] * 8), 1), "sigmoid", "sigmoid", "cross_entropy")
    steps = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, 0.1, max_rows=6, max_cols=6)
    big = [s for s in steps if s.abbreviated]
    assert big and all(r"\cdots" in s.numeric or r"\vdots" in s.numeric for s in big)
    full = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, 0.1, None, None)
    assert not any(s.abbreviated for s in full)


def test_squared_error_output_delta_keeps_g_prime():
    cfg, Theta, X, Y = _problem((2, 3, 1), "sigmoid", "sigmoid", "mse")
    steps = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, alpha=0.1)
    out = steps[n_forward_steps(cfg)]
    assert out.title == "δ⁽³⁾" and "g'(z^{(3)})" in out.symbolic


def test_steps_have_code_to_show():
    import inspect

    cfg, Theta, X, Y = _problem((2, 3, 1), "sigmoid", "sigmoid", "cross_entropy")
    for s in build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, alpha=0.1):
        assert s.code is not None and inspect.getsource(s.code)


def test_matrix_table_uses_course_indices():
    t = matrix_table(np.zeros((2, 3)), bias_col=True)
    assert list(t.index) == ["1", "2"] and list(t.columns) == ["0", "1", "2"]
    t = matrix_table(np.zeros((3, 1)), bias_row=True)
    assert list(t.index) == ["0", "1", "2"]


def test_g_is_written_with_the_registry_symbol_of_each_layer():
    _, Theta, X, Y = _problem((2, 3, 3, 1), "tanh", "sigmoid", "cross_entropy")
    cfg = bp.NetConfig((2, 3, 3, 1), ("tanh", "relu"), "sigmoid", "cross_entropy")
    steps = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, alpha=0.1)
    g_steps = [s for s in steps if s.title.startswith("a⁽") and "g(" in s.title]
    assert r"= \tanh(z^{(2)})" in g_steps[0].symbolic
    assert r"\mathrm{ReLU}(z^{(3)})" in g_steps[1].symbolic
    assert r"\sigma(z^{(4)})" in g_steps[2].symbolic
    hidden_delta = next(s for s in steps if s.title.startswith("δ⁽²⁾"))
    assert r"\tanh'(z^{(2)})" in hidden_delta.symbolic  # layer 2's own g', not σ'
    assert bp.ACTIVATIONS["tanh"].latex_prime in hidden_delta.explanation


@pytest.mark.usefixtures("softplus")
def test_a_new_activation_needs_only_its_registry_entry():
    """An activation registered at run time (g and g' only) is walked through like the rest."""
    cfg = bp.NetConfig((2, 3, 1), "softplus", "sigmoid", "cross_entropy")
    rng = np.random.default_rng(0)
    Theta = bp.init_weights(cfg, rng)
    X, Y = rng.normal(size=(2, 2)), np.array([[1.0], [0.0]])
    steps = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, alpha=0.1)
    assert len(steps) == n_forward_steps(cfg) + n_backward_steps(cfg)
    g_step = steps[2]
    assert r"\mathrm{softplus}(z^{(2)})" in g_step.symbolic
    assert g_step.code is bp.ACTIVATIONS["softplus"].g


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_the_update_step_is_the_trainers_own_rule(optimizer):
    """Given the trainer's settings and memory, the update is that optimizer's step, written
    with its entry's formula for each layer."""
    cfg, Theta, X, Y = _problem((2, 3, 1), "sigmoid", "sigmoid", "cross_entropy", m=4)
    trace = bp.backprop(cfg, Theta, X, Y)
    rule = bp.TrainSettings(alpha=0.01, optimizer=optimizer)
    opt = bp.OPTIMIZERS[optimizer]
    state = opt.init(unroll(Theta))
    steps = build_steps(cfg, Theta, trace, Y, 0.01, rule=rule, state=state)
    new_vec, _ = opt.update(unroll(Theta), unroll(trace.D), opt.init(unroll(Theta)), rule)
    new = reshape_params(cfg, new_vec)
    for s in steps[-2:]:
        l = s.edges[0]
        np.testing.assert_array_equal(s.matrices[0][1], new[l - 1])
        assert s.code is opt.update and f"\\Theta^{{({l})}}" in s.symbolic
        assert f"Θ⁽{'¹²'[l - 1]}⁾ :=" in s.title and opt.formula in s.explanation


def test_the_output_error_step_says_whether_it_is_y_hat_minus_y():
    # squared error with a linear output: g'(z) = 1, so δ^(L) is ŷ − y there too
    cfg, Theta, X, Y = _problem((2, 3, 1), "sigmoid", "linear", "mse")
    out = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, 0.1)[n_forward_steps(cfg)]
    assert out.title == "δ⁽³⁾ = ŷ − y" and "g′(z) = 1" in out.explanation
    cfg, Theta, X, Y = _problem((2, 3, 2), "sigmoid", "softmax", "cross_entropy")
    out = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, 0.1)[n_forward_steps(cfg)]
    assert out.title == "δ⁽³⁾ = ŷ − y" and "softmax" in out.explanation


def test_only_sending_delta_back_leaves_the_bias_connections_out():
    """The diagram marks the bias unit's connections for every step that uses Θ with them;
    only the hidden δ (Θᵀ δ, bias row dropped) leaves them out, whatever its matrices' rows."""
    cfg, Theta, X, Y = _problem((2, 4, 3, 1), "tanh", "sigmoid", "cross_entropy", m=2)
    steps = build_steps(cfg, Theta, bp.backprop(cfg, Theta, X, Y), Y, 0.1)
    without = [s.title for s in steps if not s.bias_edges]
    assert without == ["δ⁽³⁾ = (Θ⁽³⁾)ᵀ δ⁽⁴⁾ .* g′(z⁽³⁾)", "δ⁽²⁾ = (Θ⁽²⁾)ᵀ δ⁽³⁾ .* g′(z⁽²⁾)"]
