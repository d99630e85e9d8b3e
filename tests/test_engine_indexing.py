"""One index rule: NetConfig's canonical ``activations`` and its old names, the (l, j, k) ↔
(index, row, col) helpers and the weight's name."""

import dataclasses
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bp_core as bp
from bp_core import checks as nc
from bp_core.indexing import weight_from_index, weight_name, weight_to_index


def test_activations_is_the_canonical_name_and_old_names_still_work():
    # the README's form, with the old keyword
    old = bp.NetConfig(layer_sizes=(2, 4, 1), hidden_activation="sigmoid", output="sigmoid")
    new = bp.NetConfig(layer_sizes=(2, 4, 1), activations="sigmoid")
    assert old == new and hash(old) == hash(new)
    assert new.activations == ("sigmoid",) and isinstance(new.activations, tuple)
    assert old.hidden_activation == "sigmoid"  # the value as it was given
    cfg = bp.NetConfig((2, 3, 4, 1), ["tanh", "relu"])
    assert cfg.activations == ("tanh", "relu")
    assert not hasattr(cfg, "hidden_activations")  # the alias the README never listed is gone
    assert cfg.hidden_activation == ("tanh", "relu")
    assert [u.name for u in cfg.hidden_units] == ["tanh", "relu"]
    assert all(g is u.g for g, u in zip(cfg.layer_g, cfg.units[1:], strict=True))
    assert len(cfg.layer_g) == cfg.L - 1
    assert [f.name for f in dataclasses.fields(cfg)] == [
        "layer_sizes",
        "activations",
        "output",
        "loss",
        "lambda_",
        "regularization",
    ]
    with pytest.raises(AttributeError):
        cfg.hidden_activation = "relu"  # read-only
    with pytest.raises(AttributeError):
        cfg.activations = ("relu", "relu")
    with pytest.raises(ValueError, match="not both"):
        bp.NetConfig((2, 3, 1), "tanh", hidden_activation="tanh")
    with pytest.raises(ValueError, match="a name such as"):
        bp.NetConfig((2, 3, 1), 3)


def test_replace_and_positional_construction_keep_working():
    cfg = bp.NetConfig((2, 3, 3, 1), "tanh", "sigmoid", "mse", 0.5)
    lam = dataclasses.replace(cfg, lambda_=2.0)
    assert lam.activations == ("tanh", "tanh") and lam.lambda_ == 2.0 and lam.loss == "mse"
    assert bp.NetConfig(cfg.layer_sizes, cfg.hidden_activation, "sigmoid", "mse", 0.5) == cfg


def test_default_hidden_activation_is_the_courses_sigmoid():
    assert bp.NetConfig().activations == ("sigmoid",)
    assert bp.NetConfig((3, 5, 5, 2)).activations == ("sigmoid", "sigmoid")
    assert bp.config.DEFAULT_ACTIVATION == "sigmoid"


def test_units_follow_the_index_rule():
    cfg = bp.NetConfig((2, 3, 4, 2), ("tanh", "relu"), "softmax")
    assert cfg.units[0] is None
    assert cfg.units[1] is bp.ACTIVATIONS["tanh"] and cfg.unit(2) is cfg.units[1]
    assert cfg.unit(3) is bp.ACTIVATIONS["relu"]
    assert cfg.unit(4) is bp.OUTPUTS["softmax"]
    for bad in (1, 5, 2.0):
        with pytest.raises(ValueError):
            cfg.unit(bad)


def test_weight_index_round_trip_on_a_network():
    cfg = bp.NetConfig((2, 3, 1))
    Theta = bp.init_weights(cfg, np.random.default_rng(0), "debug")
    for index, T in enumerate(Theta):
        for (row, col), v in np.ndenumerate(T):
            l, j, k = weight_from_index(index, row, col)
            assert (l, j, k) == (index + 1, row + 1, col)
            assert weight_to_index(l, j, k, cfg) == (index, row, col)
            i2, r2, c2 = weight_to_index(l, j, k, cfg.theta_shapes)
            assert Theta[i2][r2, c2] == v
    # Θ^(1)_{2,0}: row 2 (unit 2 of layer 2), bias column
    assert weight_to_index(1, 2, 0, cfg) == (0, 1, 0)


@pytest.mark.parametrize(
    "ljk, words",
    [
        ((0, 1, 0), re.escape("no Θ^(0)")),
        ((3, 1, 0), re.escape("Θ^(1) … Θ^(2)")),
        ((1, 0, 0), "no row j = 0"),
        ((1, 4, 0), "rows are j = 1 … 3"),
        ((2, 1, 4), "columns are k = 0 \\(bias\\) … 3"),
        ((1, 1, -1), "no column"),
        ((1.5, 1, 0), "whole number"),
    ],
)
def test_weight_out_of_range_is_a_sentence(ljk, words):
    with pytest.raises(ValueError, match=words):
        weight_to_index(*ljk, bp.NetConfig((2, 3, 1)))


def test_weight_names():
    assert weight_name(1, 2, 0) == "Θ^(1)_2,0"
    assert weight_name(2, 1, 3, symbol="D") == "D^(2)_1,3"
    assert weight_name(2, 1, 3, symbol="Delta", latex=True) == r"\Delta^{(2)}_{1,3}"
    assert weight_name(1, 2, 0, latex=True) == r"\Theta^{(1)}_{2,0}"
    with pytest.raises(ValueError, match="symbol"):
        weight_name(1, 1, 0, symbol="W")
    assert bp.weight_name is weight_name and bp.weight_to_index is weight_to_index


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_index_conversion_is_a_bijection(index, row, col):
    assert weight_to_index(*weight_from_index(index, row, col)) == (index, row, col)


def test_sampled_check_and_contributions_speak_the_course_numbering():
    cfg = bp.NetConfig((2, 3, 1), "tanh", lambda_=0.3)
    rng = np.random.default_rng(4)
    Theta = bp.init_weights(cfg, rng, "ng_sqrt6")
    X, Y = rng.normal(size=(6, 2)), rng.integers(0, 2, (6, 1)).astype(float)
    chk = nc.sampled_gradient_check(cfg, Theta, X, Y)
    assert chk.weights[0] == (1, 1, 0) and chk.entries[0] == (1, 0, 0)
    assert chk.names[0] == "Θ^(1)_1,0" == chk.table()["weight"][0]
    trace = bp.backprop(cfg, Theta, X, Y)
    for l, j, k in chk.weights:
        np.testing.assert_array_equal(
            trace.weight_contributions(l, j, k),
            trace.example_contributions(*weight_to_index(l, j, k)),
        )
        assert trace.weight_contributions(l, j, k).sum() == pytest.approx(
            trace.Delta[l - 1][j - 1, k]
        )
    with pytest.raises(ValueError, match="no row"):
        trace.weight_contributions(2, 2, 0)


def test_backprop_lists_follow_the_index_rule():
    """delta[l - 1] is δ^(l), Delta[l - 1] is Δ^(l) = Σ δ^(l+1) (a^(l))ᵀ, for every l."""
    cfg = bp.NetConfig((3, 4, 5, 2), ("tanh", "sigmoid"))
    rng = np.random.default_rng(5)
    Theta = bp.init_weights(cfg, rng, "ng_sqrt6")
    X, Y = rng.normal(size=(7, 3)), rng.integers(0, 2, (7, 2)).astype(float)
    tr = bp.backprop(cfg, Theta, X, Y)
    L = cfg.L
    for l in range(1, L + 1):
        assert tr.a[l - 1].shape == (7, cfg.layer_sizes[l - 1])
    for l in range(2, L):
        g = cfg.unit(l)
        # δ^(l) = (Θ^(l))ᵀ δ^(l+1) .* g'(z^(l)), bias row dropped
        expect = (tr.delta[l] @ Theta[l - 1])[:, 1:] * g.g_prime(tr.z[l - 1], tr.a[l - 1])
        np.testing.assert_allclose(tr.delta[l - 1], expect, rtol=1e-13)
    for l in range(1, L):
        np.testing.assert_allclose(
            tr.Delta[l - 1], tr.delta[l].T @ bp.add_bias(tr.a[l - 1]), rtol=1e-13
        )
