"""NetConfig validation, initializers, activations, numerical safety, import hygiene."""

import ast
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import bp_core as bp

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(layer_sizes=(2,)), "at least an input layer"),
        (dict(layer_sizes=(2, 0, 1)), "at least 1 unit"),
        (dict(layer_sizes=(2, -3, 1)), "at least 1 unit"),
        (dict(layer_sizes=(2, 2.5, 1)), "whole number"),
        (dict(layer_sizes="2,3"), "list of layer sizes"),
        (dict(hidden_activation="swish"), "Unknown activation"),
        (dict(layer_sizes=(2, 3, 3, 1), hidden_activation=("tanh",)), "2 hidden layers"),
        (dict(output="relu"), "Unknown output"),
        (dict(loss="hinge"), "Unknown loss"),
        (dict(output="linear", loss="cross_entropy"), "Cross-entropy needs"),
        (dict(output="tanh", loss="cross_entropy"), "Cross-entropy needs"),
        (dict(output="softmax", layer_sizes=(2, 3, 1)), "at least 2 output units"),
        (dict(lambda_=-0.1), "≥ 0"),
        (dict(lambda_=float("nan")), "≥ 0"),
        (dict(lambda_="much"), "must be a number"),
    ],
)
def test_invalid_config_raises_a_sentence(kwargs, words):
    with pytest.raises(ValueError, match=words):
        bp.NetConfig(**kwargs)


def test_config_normalizes_and_describes_itself():
    cfg = bp.NetConfig([2, 3.0, 4, 1], ["tanh", "relu"], "sigmoid", "cross_entropy", 1)
    assert cfg.layer_sizes == (2, 3, 4, 1) and cfg.L == 4
    assert cfg.activations == ("tanh", "relu")
    assert cfg.theta_shapes == ((3, 3), (4, 4), (1, 5))
    assert cfg.n_weights == 9 + 16 + 5
    assert cfg.lambda_ == 1.0 and isinstance(cfg.lambda_, float)
    assert bp.NetConfig((2, 1)).activations == ()


@pytest.mark.parametrize("method", sorted(bp.INITIALIZERS))
def test_initializers_shapes_and_determinism(method):
    cfg = bp.NetConfig((3, 5, 4, 2), "relu")
    a = bp.init_weights(cfg, np.random.default_rng(1), method)
    b = bp.init_weights(cfg, np.random.default_rng(1), method)
    assert [T.shape for T in a] == [(5, 4), (4, 6), (2, 5)]
    for Ta, Tb in zip(a, b, strict=True):
        assert Ta.dtype == np.float64
        np.testing.assert_array_equal(Ta, Tb)


def test_ng_uniform_range_and_debug_values():
    cfg = bp.NetConfig((400, 25, 10))
    T = bp.init_weights(cfg, np.random.default_rng(0), "ng_uniform")
    assert all(np.abs(t).max() <= 0.12 for t in T)
    assert np.abs(T[0]).max() > 0.11  # really uses the range
    W = bp.debug_weights(2, 3)  # Octave: reshape(sin(1:9), 3, 3) / 10, column-major
    np.testing.assert_allclose(W[:, 0], np.sin([1, 2, 3]) / 10)
    np.testing.assert_allclose(W[0], np.sin([1, 4, 7]) / 10)
    with pytest.raises(ValueError, match="Unknown initialization"):
        bp.init_weights(cfg, np.random.default_rng(0), "orthogonal")


def test_zero_init_keeps_hidden_units_identical():
    """The symmetry problem: with Θ = 0 every hidden unit gets the same gradient."""
    cfg = bp.NetConfig((2, 4, 1), "sigmoid")
    Theta = bp.init_weights(cfg, np.random.default_rng(0), "zeros")
    X = np.random.default_rng(1).normal(size=(10, 2))
    Y = (X[:, :1] > 0).astype(float)
    D = bp.backprop(cfg, Theta, X, Y).D
    assert np.allclose(D[0], D[0][0])  # all rows equal
    assert np.allclose(D[1][0, 1:], D[1][0, 1])


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
@given(z=arrays(np.float64, 20, elements=st.floats(-30, 30)))
def test_activation_derivative_matches_finite_difference(name, z):
    act = bp.ACTIVATIONS[name]
    z = z[np.abs(z) > 1e-3]  # away from the ReLU kink
    h = 1e-6
    num = (act.g(z + h) - act.g(z - h)) / (2 * h)
    np.testing.assert_allclose(act.g_prime(z, act.g(z)), num, rtol=1e-5, atol=1e-8)


def test_activations_are_pure():
    z = np.array([-1.0, 0.5, 2.0])
    for act in bp.ACTIVATIONS.values():
        before = z.copy()
        a = act.g(z)
        act.g_prime(z, a)
        np.testing.assert_array_equal(z, before)
        assert a is not z


def test_sigmoid_and_softmax_never_overflow():
    z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = bp.ACTIVATIONS["sigmoid"].g(z)
        sm = bp.OUTPUTS["softmax"].g(np.array([[1e4, -1e4, 0.0]]))
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0
    np.testing.assert_allclose(sm, [[1.0, 0.0, 0.0]])


def test_cross_entropy_is_finite_when_the_output_saturates():
    """log(0) never reaches J: the log-sum-exp form gives the exact large cost."""
    cfg = bp.NetConfig((1, 1), output="sigmoid", loss="cross_entropy")
    Theta = [np.array([[0.0, 1000.0]])]  # z = 1000 x
    J = bp.cost(cfg, Theta, np.array([[1.0]]), np.array([[0.0]]))  # confidently wrong
    assert np.isfinite(J) and J == pytest.approx(1000.0)
    cfg2 = bp.NetConfig((1, 2), output="softmax", loss="cross_entropy")
    J2 = bp.cost(
        cfg2, [np.array([[0.0, 900.0], [0.0, -900.0]])], np.array([[1.0]]), np.array([[0.0, 1.0]])
    )
    assert J2 == pytest.approx(1800.0)


@pytest.mark.parametrize(
    "bad, words",
    [
        (dict(X=np.zeros((3, 5))), "X must have 2 columns"),
        (dict(X=np.zeros(3)), "one row per example"),
        (dict(X=np.array([[np.nan, 1.0]])), "NaN or inf"),
        (dict(Y=np.zeros((4, 1))), "X has 3 examples but Y has 4"),
        (dict(Theta=[np.zeros((3, 3))]), "needs 2 Θ matrices"),
        (dict(Theta=[np.zeros((3, 2)), np.zeros((1, 4))]), r"Θ\^\(1\) must have shape"),
        (dict(Theta=[np.full((3, 3), np.inf), np.zeros((1, 4))]), "diverged"),
    ],
)
def test_bad_inputs_raise_value_error(bad, words):
    cfg = bp.NetConfig((2, 3, 1))
    args = dict(Theta=[np.zeros((3, 3)), np.zeros((1, 4))], X=np.zeros((3, 2)), Y=np.zeros((3, 1)))
    args.update(bad)
    with pytest.raises(ValueError, match=words):
        bp.backprop(cfg, args["Theta"], args["X"], args["Y"])


def test_encode_and_decode_targets():
    y = np.array([0, 2, 1])
    cfg3 = bp.NetConfig((2, 3), output="softmax")
    np.testing.assert_array_equal(bp.encode_targets(cfg3, y), np.eye(3)[y])
    cfg_t = bp.NetConfig((2, 1), output="tanh", loss="mse")
    np.testing.assert_array_equal(bp.encode_targets(cfg_t, np.array([0, 1])), [[-1.0], [1.0]])
    np.testing.assert_array_equal(bp.decode_outputs(cfg_t, np.array([[-0.2], [0.3]])), [0, 1])
    with pytest.raises(ValueError, match="3 classes but the network has 1 output"):
        bp.encode_targets(bp.NetConfig((2, 1)), y)
    with pytest.raises(ValueError, match="whole numbers"):
        bp.encode_targets(bp.NetConfig((2, 1)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="exactly 1 output"):
        bp.encode_targets(cfg3, np.array([0.1, 0.2]), task="regression")


def test_unroll_and_reshape_round_trip():
    cfg = bp.NetConfig((3, 4, 2))
    Theta = bp.init_weights(cfg, np.random.default_rng(0))
    vec = bp.unroll(Theta)
    assert vec.shape == (cfg.n_weights,)
    for T, R in zip(Theta, bp.reshape_params(cfg, vec), strict=True):
        np.testing.assert_array_equal(T, R)


def test_core_imports_numpy_and_stdlib_only():
    allowed = {"numpy", "__future__"} | set(sys.stdlib_module_names)
    for path in (ROOT / "bp_core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [n.name for n in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_import_works_without_the_app_dependencies():
    """`import bp_core` must succeed when streamlit, plotly and pandas are absent."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'streamlit', 'plotly', 'pandas', 'scipy', 'sklearn'}:\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import bp_core, bp_core.datasets, bp_core.training\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
