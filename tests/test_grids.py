"""Tests for bp_core.grids: the plane grid, output / neuron grids.  (Byte quantization moved
with quantize / dequantize to lab_ui.live.transport: tests/test_transport.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from bp_core import datasets as ds
from bp_core import grids
from bp_core.config import NetConfig
from bp_core.initializers import init_weights
from bp_core.network import forward, predict

EXTENT = (-6.0, 6.0, -3.0, 5.0)


def net(sizes=(2, 3, 1), output="sigmoid", seed=0, hidden="tanh"):
    cfg = NetConfig(sizes, hidden_activation=hidden, output=output)
    return cfg, init_weights(cfg, np.random.default_rng(seed), "xavier")


# --------------------------------------------------------------------------------------
# plane_grid and extent_for
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("res", [2, 3, 17, 64, 200])
def test_plane_grid_shapes_and_order(res):
    x1, x2, P = grids.plane_grid(EXTENT, res)
    assert x1.shape == (res,) and x2.shape == (res,) and P.shape == (res * res, 2)
    assert (x1[0], x1[-1], x2[0], x2[-1]) == EXTENT
    # rows index x2, columns index x1: point k = i * res + j is (x1[j], x2[i])
    grid1, grid2 = P[:, 0].reshape(res, res), P[:, 1].reshape(res, res)
    np.testing.assert_array_equal(grid1, np.broadcast_to(x1, (res, res)))
    np.testing.assert_array_equal(grid2, np.broadcast_to(x2[:, None], (res, res)))


@pytest.mark.parametrize(
    "extent, res",
    [
        ((0, 1, 0), 10),
        ((1, 0, 0, 1), 10),
        ((0, 1, 2, 2), 10),
        ((0, np.nan, 0, 1), 10),
        ((0, np.inf, 0, 1), 10),
        ("abcd", 10),
        (EXTENT, 1),
        (EXTENT, 0),
        (EXTENT, 2.5),
        (EXTENT, True),
        (EXTENT, grids.MAX_RESOLUTION + 1),
    ],
)
def test_plane_grid_rejects_bad_input(extent, res):
    with pytest.raises(ValueError):
        grids.plane_grid(extent, res)


def test_extent_for():
    P = np.array([[0.0, -1.0], [10.0, 3.0], [5.0, 1.0]])
    assert grids.extent_for(P, margin=0.1) == pytest.approx((-1.0, 11.0, -1.4, 3.4))
    assert grids.extent_for(P, margin=0) == (0.0, 10.0, -1.0, 3.0)
    # one point: a side of zero width still gives a non-empty rectangle
    x1_min, x1_max, x2_min, x2_max = grids.extent_for(np.array([[2.0, 2.0]]))
    assert x1_min < 2 < x1_max and x2_min < 2 < x2_max
    x1_min, x1_max, _, _ = grids.extent_for(np.array([[2.0, 2.0]]), margin=0)
    assert (x1_min, x1_max) == (1.0, 3.0)
    for bad in (np.zeros((0, 2)), np.zeros((3, 3)), np.array([[np.nan, 0.0]])):
        with pytest.raises(ValueError):
            grids.extent_for(bad)
    with pytest.raises(ValueError):
        grids.extent_for(P, margin=-0.1)


# --------------------------------------------------------------------------------------
# Output and neuron grids against a per-point forward pass
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("res", [2, 5, 31])
def test_output_grid_equals_per_point_forward(res):
    cfg, Theta = net((2, 3, 1))
    G = grids.output_grid(cfg, Theta, grids.identity_features, EXTENT, res)
    assert G.shape == (res, res)
    x1, x2, _ = grids.plane_grid(EXTENT, res)
    for i in range(res):
        for j in range(res):
            h = forward(cfg, Theta, np.array([[x1[j], x2[i]]])).h  # one point
            assert G[i, j] == pytest.approx(h[0, 0], rel=1e-12, abs=1e-15)


def test_output_grid_multiclass_is_per_class():
    cfg, Theta = net((2, 4, 3), output="softmax")
    res = 9
    G = grids.output_grid(cfg, Theta, grids.identity_features, EXTENT, res)
    assert G.shape == (3, res, res)
    np.testing.assert_allclose(G.sum(axis=0), 1.0, rtol=1e-12)  # softmax probabilities
    _, _, P = grids.plane_grid(EXTENT, res)
    h = forward(cfg, Theta, P).h  # (res * res, 3)
    for k in range(3):
        np.testing.assert_allclose(G[k], h[:, k].reshape(res, res), rtol=1e-12)


@pytest.mark.parametrize(
    "sizes, output", [((2, 1), "sigmoid"), ((2, 3, 1), "sigmoid"), ((2, 5, 4, 3), "softmax")]
)
def test_neuron_grids_match_forward(sizes, output):
    cfg, Theta = net(sizes, output=output)
    res = 12
    layers = grids.neuron_grids(cfg, Theta, grids.identity_features, EXTENT, res)
    assert len(layers) == cfg.L - 1
    assert [g.shape for g in layers] == [(s, res, res) for s in cfg.layer_sizes[1:]]
    x1, x2, _ = grids.plane_grid(EXTENT, res)
    for i, j in [(0, 0), (3, 7), (res - 1, 2), (res - 1, res - 1)]:
        a = forward(cfg, Theta, np.array([[x1[j], x2[i]]])).a
        for l, g in enumerate(layers, start=1):
            np.testing.assert_allclose(g[:, i, j], a[l][0], rtol=1e-12, atol=1e-15)


def test_prediction_grid_agrees_with_predict():
    cfg, Theta = net((2, 4, 3), output="softmax", seed=3)
    res = 15
    C = grids.prediction_grid(cfg, Theta, grids.identity_features, EXTENT, res)
    _, _, P = grids.plane_grid(EXTENT, res)
    np.testing.assert_array_equal(C, predict(cfg, Theta, P).reshape(res, res))


def test_features_fn_uses_feature_map_and_standardizer():
    rng = np.random.default_rng(1)
    data = ds.make_dataset(
        "circle", n=60, rng=rng, features=("x1", "x2", "x1^2", "sin(x2)"), standardize=True
    )
    cfg, Theta = net((4, 3, 1))
    fn = grids.features_fn(data)
    np.testing.assert_allclose(fn(data.raw_train), data.X_train, rtol=1e-12, atol=1e-12)
    res = 7
    G = grids.output_grid(cfg, Theta, fn, grids.extent_for(data.raw_train), res)
    _, _, P = grids.plane_grid(grids.extent_for(data.raw_train), res)
    expected = forward(
        cfg, Theta, data.standardizer.transform(ds.feature_map(P, data.plane_features))
    )
    np.testing.assert_allclose(G, expected.h[:, 0].reshape(res, res), rtol=1e-12)


def test_features_fn_refuses_non_planar_data():
    digits = ds.load_digits(rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="not points of a plane"):
        grids.features_fn(digits)


def test_bad_raw_to_features_is_explained():
    cfg, Theta = net((2, 3, 1))
    with pytest.raises(ValueError, match="one row of inputs per point"):
        grids.output_grid(cfg, Theta, lambda P: P[:5], EXTENT, 4)
    with pytest.raises(ValueError, match="columns"):  # 3 features for a 2-input network
        grids.output_grid(cfg, Theta, lambda P: np.hstack([P, P[:, :1]]), EXTENT, 4)
