"""Tests for bp_core.datasets: toy generators, feature maps, standardization, digits, CSV."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_core import datasets as ds

CLASSIFIERS = [name for name in ds.GENERATORS if ds.TASKS[name] == "classification"]
REGRESSORS = [name for name in ds.GENERATORS if ds.TASKS[name] == "regression"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------------------
# Registries
# --------------------------------------------------------------------------------------


def test_registries_agree() -> None:
    assert set(ds.GENERATORS) == {
        "circle",
        "xor",
        "gaussians",
        "spiral",
        "moons",
        "blobs",
        "plane",
        "gaussian_bumps",
    }
    assert set(ds.DATASET_NAMES) == set(ds.GENERATORS) | {"digits"}
    assert len(ds.DATASET_NAMES) == len(set(ds.DATASET_NAMES))
    assert set(ds.TASKS) == set(ds.DATASET_NAMES) == set(ds.DEFAULT_N_CLASSES)
    assert ds.TASKS["plane"] == ds.TASKS["gaussian_bumps"] == "regression"
    assert ds.DEFAULT_N_CLASSES["blobs"] == 3
    assert ds.DEFAULT_N_CLASSES["digits"] == 10
    for name in ds.DATASET_NAMES:
        info = ds.DATASET_INFO[name]
        assert (info.n_classes == 0) == (info.task == "regression")
        assert info.planar == (name != "digits")


def test_every_dataset_has_its_label_on_the_registry() -> None:
    labels = {name: ds.DATASET_INFO[name].label for name in ds.DATASET_NAMES}
    assert labels == {
        "circle": "Circle",
        "xor": "Exclusive or (XOR)",
        "gaussians": "Two Gaussians",
        "spiral": "Spiral",
        "moons": "Two moons",
        "blobs": "Blobs (K classes)",
        "plane": "Plane (regression)",
        "gaussian_bumps": "Gaussian bumps (regression)",
        "digits": "Handwritten digits 8×8",
    }
    assert ds.CSV_LABEL == "Your CSV file"
    assert ds.CSV_LABEL not in labels.values()


def test_default_head_is_the_rule_for_each_task() -> None:
    from bp_core.config import NetConfig

    assert ds.default_head("classification") == ("sigmoid", "cross_entropy")
    assert ds.default_head("regression") == ("linear", "mse")
    assert set(ds.DEFAULT_HEADS) == {"classification", "regression"}
    for name in ds.DATASET_NAMES:
        info = ds.DATASET_INFO[name]
        assert info.head == ds.default_head(info.task)
        output, loss = info.head
        # the head builds a valid network for the dataset's classes (K sigmoid units for K > 2)
        s_L = 1 if info.n_classes <= 2 else info.n_classes
        NetConfig((2, 3, s_L), output=output, loss=loss)
    with pytest.raises(ValueError, match="classification"):
        ds.default_head("clustering")


# --------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ds.GENERATORS))
def test_generator_deterministic_per_seed(name: str) -> None:
    X1, y1 = ds.GENERATORS[name](101, 0.2, rng(7))
    X2, y2 = ds.GENERATORS[name](101, 0.2, rng(7))
    X3, _ = ds.GENERATORS[name](101, 0.2, rng(8))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", list(ds.GENERATORS))
@pytest.mark.parametrize("n", [1, 2, 7, 200])
def test_generator_shapes_and_dtypes(name: str, n: int) -> None:
    X, y = ds.GENERATORS[name](n, 0.3, rng(1))
    assert X.shape == (n, 2)
    assert X.dtype == np.float64
    assert y.shape == (n,)
    if ds.TASKS[name] == "classification":
        assert y.dtype == np.int64
    else:
        assert y.dtype == np.float64
    assert np.all(np.isfinite(X))
    assert np.all(np.isfinite(y))


@pytest.mark.parametrize("name", CLASSIFIERS)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_labels_in_range_and_every_class_present(name: str, noise: float) -> None:
    _, y = ds.GENERATORS[name](300, noise, rng(2))
    k = ds.DEFAULT_N_CLASSES[name]
    assert set(np.unique(y).tolist()) == set(range(k))


@pytest.mark.parametrize("k", [2, 3, 5, 10])
def test_blobs_n_classes(k: int) -> None:
    X, y = ds.make_blobs(103, 0.0, rng(3), n_classes=k)
    assert set(np.unique(y).tolist()) == set(range(k))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    # Each blob's mean lies near its centre on the circle of radius 4.
    radii = [np.hypot(*X[y == c].mean(axis=0)) for c in range(k)]
    np.testing.assert_allclose(radii, 4.0, atol=0.8)


def test_circle_noise_free_is_separable_by_radius() -> None:
    X, y = ds.make_circle(1000, 0.0, rng(4))
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_array_equal(y, (r < 3.0).astype(np.int64))
    # A real gap: inner points within 2.5, outer points from 3.5 on.
    assert r[y == 1].max() <= 2.5
    assert r[y == 0].min() >= 3.5
    assert r.max() <= 5.0


def test_circle_matches_slow_reference_with_noise() -> None:
    # The documented recipe, one point at a time, drawing in the same order as the module:
    # inner radii, outer radii, angles, then the noise moves.
    n, noise = 41, 0.3
    X, y = ds.make_circle(n, noise, rng(40))
    g = rng(40)
    n_in = n - n // 2
    radii = list(g.uniform(0.0, 2.5, n_in)) + list(g.uniform(3.5, 5.0, n - n_in))
    angles = g.uniform(0.0, 2 * math.pi, n)
    moves = g.uniform(-5.0, 5.0, (n, 2)) * noise
    for i in range(n):
        x1, x2 = radii[i] * math.sin(angles[i]), radii[i] * math.cos(angles[i])
        assert X[i] == pytest.approx([x1, x2], abs=1e-12)
        inside = math.hypot(x1 + moves[i, 0], x2 + moves[i, 1]) < 3.0
        assert y[i] == int(inside)


def test_circle_noise_mixes_labels_near_the_border() -> None:
    X, y = ds.make_circle(1000, 0.5, rng(4))
    r = np.hypot(X[:, 0], X[:, 1])
    wrong = np.mean(y != (r < 3.0))
    assert 0.05 < wrong < 0.5


def test_xor_noise_free_rule_and_padding() -> None:
    X, y = ds.make_xor(1000, 0.0, rng(5))
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(np.int64))
    assert np.abs(X).min() >= 0.3
    assert np.abs(X).max() <= 5.3


def test_gaussians_centres_and_widening() -> None:
    X, y = ds.make_gaussians(4000, 0.0, rng(6))
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2.0, 2.0], atol=0.1)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2.0, -2.0], atol=0.1)
    np.testing.assert_allclose(X[y == 1].var(axis=0), 0.5, rtol=0.15)
    X_noisy, y_noisy = ds.make_gaussians(4000, 0.5, rng(6))
    np.testing.assert_allclose(X_noisy[y_noisy == 1].var(axis=0), 4.0, rtol=0.15)


def test_spiral_noise_free_points_lie_on_the_arms() -> None:
    X, y = ds.make_spiral(200, 0.0, rng(0))
    k = 100
    i = np.arange(k)
    r = 5.0 * i / k
    t = 1.75 * 2 * np.pi * i / k
    np.testing.assert_allclose(X[y == 1], np.column_stack([r * np.sin(t), r * np.cos(t)]))
    np.testing.assert_allclose(
        X[y == 0], np.column_stack([r * np.sin(t + np.pi), r * np.cos(t + np.pi)])
    )


def test_moons_noise_free_on_half_circles() -> None:
    X, y = ds.make_moons(500, 0.0, rng(9))
    unit = X / 3.0 + [0.5, 0.25]  # back to the unit picture
    upper, lower = unit[y == 0], unit[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= 0) and np.all(lower[:, 1] <= 0.5)


def test_plane_noise_free_is_exact_and_noise_adds_error() -> None:
    X, y = ds.make_plane(500, 0.0, rng(10))
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10.0)
    X, y = ds.make_plane(500, 0.3, rng(10))
    assert np.abs(y - (X[:, 0] + X[:, 1]) / 10.0).max() > 0.05


def test_gaussian_bumps_matches_slow_reference() -> None:
    X, y = ds.make_gaussian_bumps(50, 0.0, rng(11))
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    for (x1, x2), target in zip(X, y, strict=True):
        expected = sum(s * math.exp(-((x1 - c1) ** 2 + (x2 - c2) ** 2) / 2) for c1, c2, s in bumps)
        assert target == pytest.approx(expected, abs=1e-12)
    assert np.abs(y).max() <= 1.01


@pytest.mark.parametrize("name", ["circle", "xor", "spiral", "moons", "plane", "gaussian_bumps"])
def test_noise_free_inputs_in_playground_square(name: str) -> None:
    X, _ = ds.GENERATORS[name](500, 0.0, rng(12))
    lo, hi = ds.INPUT_RANGE
    assert X.min() >= lo and X.max() <= hi


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "at least 1"),
        ({"n": 2.5}, "whole number"),
        ({"noise": -0.1}, "between 0 and 1"),
        ({"noise": 1.5}, "between 0 and 1"),
        ({"noise": "lots"}, "between 0 and 1"),
    ],
)
def test_generator_bad_input(kwargs: dict, message: str) -> None:
    args = {"n": 10, "noise": 0.1, "rng": rng()} | kwargs
    with pytest.raises(ValueError, match=message):
        ds.make_circle(**args)


def test_generator_rejects_missing_generator() -> None:
    with pytest.raises(TypeError, match="default_rng"):
        ds.make_xor(10, 0.0, 0)  # type: ignore[arg-type]


def test_blobs_rejects_bad_class_count() -> None:
    with pytest.raises(ValueError, match="2 to 10"):
        ds.make_blobs(10, 0.0, rng(), n_classes=11)
    with pytest.raises(ValueError, match="2 to 10"):
        ds.make_blobs(10, 0.0, rng(), n_classes=1)


# --------------------------------------------------------------------------------------
# Feature maps
# --------------------------------------------------------------------------------------


def test_feature_map_values() -> None:
    raw = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -1.0]])
    names = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    X = ds.feature_map(raw, names)
    assert X.shape == (3, 7)
    x1, x2 = raw[:, 0], raw[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(X, expected)
    np.testing.assert_allclose(X[:, 4], [2.0, -1.5, 0.0])


@pytest.mark.parametrize("m", [0, 1, 10_000])
def test_feature_map_any_number_of_points(m: int) -> None:
    grid = rng(13).uniform(-6, 6, (m, 2))
    X = ds.feature_map(grid, ("x1*x2", "x1"))
    assert X.shape == (m, 2)
    np.testing.assert_allclose(X[:, 0], grid[:, 0] * grid[:, 1])


@pytest.mark.parametrize("features", [[], ["x3"], ("x1", "cos(x1)"), "x1", ["x1", "x1"]])
def test_feature_map_bad_names_list_the_valid_ones(features) -> None:
    with pytest.raises(ValueError) as err:
        ds.feature_map(np.zeros((2, 2)), features)
    if features != ["x1", "x1"]:
        assert "'x1*x2'" in str(err.value)


def test_feature_map_wrong_shape() -> None:
    with pytest.raises(ValueError, match=r"\(m, 2\)"):
        ds.feature_map(np.zeros((4, 3)), ["x1"])


# --------------------------------------------------------------------------------------
# make_dataset and splitting
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ds.GENERATORS))
def test_make_dataset_shapes(name: str) -> None:
    d = ds.make_dataset(name, n=200, noise=0.1, train_fraction=0.7, rng=rng(14))
    assert (d.m_train, d.m_test, d.n_features) == (140, 60, 2)
    assert d.X_train.shape == (140, 2) and d.X_test.shape == (60, 2)
    assert d.y_train.shape == (140,) and d.y_test.shape == (60,)
    assert d.raw_train.shape == (140, 2) and d.raw_test.shape == (60, 2)
    assert d.is_planar
    assert d.task == ds.TASKS[name]
    assert d.n_classes == ds.DEFAULT_N_CLASSES[name]
    assert d.feature_names == ("x1", "x2")
    assert len(d.class_names) == d.n_classes
    assert d.image_shape is None and d.standardizer is None


def test_make_dataset_is_deterministic_and_shuffled() -> None:
    a = ds.make_dataset("spiral", n=100, rng=rng(15))
    b = ds.make_dataset("spiral", n=100, rng=rng(15))
    c = ds.make_dataset("spiral", n=100, rng=rng(16))
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)
    # Shuffled: the training labels are not one block of 1s followed by 0s.
    assert np.any(np.diff(a.y_train) > 0)


def test_make_dataset_split_keeps_every_example_once() -> None:
    X, y = ds.make_xor(99, 0.0, rng(17))
    d = ds.make_dataset("xor", n=99, rng=rng(17), train_fraction=0.3)
    assert d.m_train == 30 and d.m_test == 69
    both = np.concatenate([d.raw_train, d.raw_test])
    order = np.lexsort(both.T)
    np.testing.assert_array_equal(both[order], X[np.lexsort(X.T)])
    np.testing.assert_array_equal(np.concatenate([d.y_train, d.y_test])[order], y[np.lexsort(X.T)])


def test_make_dataset_applies_feature_map() -> None:
    feats = ("x1", "x2", "x1*x2", "sin(x2)")
    d = ds.make_dataset("circle", n=50, rng=rng(18), features=feats)
    assert d.feature_names == feats == d.plane_features
    np.testing.assert_allclose(d.X_train, ds.feature_map(d.raw_train, feats))
    np.testing.assert_allclose(d.X_test[:, 2], d.raw_test[:, 0] * d.raw_test[:, 1])


def test_make_dataset_blobs_classes() -> None:
    d = ds.make_dataset("blobs", n=300, rng=rng(19), n_classes=6)
    assert d.n_classes == 6 and d.class_names == tuple("012345")
    assert set(np.unique(np.concatenate([d.y_train, d.y_test])).tolist()) == set(range(6))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "donut"}, "Valid names: circle"),
        ({"name": "circle", "n_classes": 3}, "2 classes"),
        ({"name": "plane", "n_classes": 2}, "regression"),
        ({"name": "circle", "train_fraction": 0.0}, "between 0 and 1"),
        ({"name": "circle", "train_fraction": 1.0}, "between 0 and 1"),
        ({"name": "circle", "n": 3, "train_fraction": 0.1}, "training set would be empty"),
        ({"name": "circle", "n": 3, "train_fraction": 0.9}, "test set would be empty"),
        ({"name": "circle", "n": 1}, "at least 2"),
        ({"name": "circle", "features": []}, "at least one"),
        ({"name": "circle", "features": ["x1", "z"]}, "Valid names"),
    ],
)
def test_make_dataset_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ds.make_dataset(rng=rng(), **kwargs)


def test_smallest_split() -> None:
    d = ds.make_dataset("moons", n=2, rng=rng(20))
    assert (d.m_train, d.m_test) == (1, 1)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    name=st.sampled_from(sorted(ds.GENERATORS)),
    n=st.integers(min_value=2, max_value=400),
    noise=st.floats(min_value=0.0, max_value=1.0),
    train_fraction=st.floats(min_value=0.01, max_value=0.99),
    features=st.lists(st.sampled_from(sorted(ds.FEATURES)), min_size=1, max_size=7, unique=True),
    standardize=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_property_split_sizes_add_up_and_no_nan(
    name, n, noise, train_fraction, features, standardize, seed
) -> None:
    expected_train = math.floor(train_fraction * n + 0.5)
    kwargs = dict(
        n=n,
        noise=noise,
        train_fraction=train_fraction,
        rng=rng(seed),
        features=features,
        standardize=standardize,
    )
    if not 1 <= expected_train <= n - 1:
        with pytest.raises(ValueError, match="would be empty"):
            ds.make_dataset(name, **kwargs)
        return
    d = ds.make_dataset(name, **kwargs)
    assert d.m_train == expected_train
    assert d.m_train + d.m_test == n
    assert d.n_features == len(features)
    for array in (d.X_train, d.X_test, d.y_train, d.y_test, d.raw_train, d.raw_test):
        assert not np.any(np.isnan(array))
    if d.task == "classification":
        assert d.y_train.min() >= 0 and d.y_train.max() < d.n_classes


# --------------------------------------------------------------------------------------
# Standardization
# --------------------------------------------------------------------------------------


def test_standardized_train_has_zero_mean_unit_std_and_test_uses_train_stats() -> None:
    feats = ("x1", "x2", "x1^2", "x1*x2")
    plain = ds.make_dataset("gaussians", n=400, noise=0.2, rng=rng(21), features=feats)
    d = ds.make_dataset(
        "gaussians", n=400, noise=0.2, rng=rng(21), features=feats, standardize=True
    )
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(d.X_train.std(axis=0), 1.0, rtol=1e-12)
    s = d.standardizer
    assert s is not None
    np.testing.assert_allclose(s.mean, plain.X_train.mean(axis=0))
    np.testing.assert_allclose(d.X_test, (plain.X_test - s.mean) / s.std)
    # The test set is not standardized with its own statistics.
    assert np.abs(d.X_test.mean(axis=0)).max() > 1e-6
    # The UI's grid path gives exactly the training inputs for the training points.
    np.testing.assert_allclose(d.inputs_from_plane(d.raw_train), d.X_train)


def test_standardizer_constant_column_is_safe() -> None:
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    s = ds.Standardizer.fit(X)
    np.testing.assert_allclose(s.std, [math.sqrt(2 / 3), 1.0])
    Z = s.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z[:, 1], 0.0)
    np.testing.assert_allclose(s.inverse_transform(Z), X)


def test_standardizer_bad_shapes() -> None:
    s = ds.Standardizer.fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match="2 features"):
        s.transform(np.ones((3, 3)))
    with pytest.raises(ValueError, match="shape"):
        ds.Standardizer.fit(np.ones((0, 2)))
    with pytest.raises(ValueError, match="NaN"):
        ds.Standardizer.fit(np.array([[np.nan, 1.0]]))


def test_dataset_record_checks_shapes() -> None:
    with pytest.raises(ValueError, match="shape"):
        ds.Dataset(
            name="bad",
            X_train=np.zeros((3, 2)),
            y_train=np.zeros(4),
            X_test=np.zeros((1, 2)),
            y_test=np.zeros(1),
            task="regression",
            n_classes=0,
            feature_names=("a", "b"),
        )
    with pytest.raises(ValueError, match="task"):
        ds.Dataset(
            name="bad",
            X_train=np.zeros((3, 2)),
            y_train=np.zeros(3),
            X_test=np.zeros((1, 2)),
            y_test=np.zeros(1),
            task="clustering",
            n_classes=0,
            feature_names=("a", "b"),
        )


# --------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------


def test_load_digits() -> None:
    d = ds.load_digits(rng=rng(22))
    assert d.m_train + d.m_test == 1797
    assert d.m_train == round(0.7 * 1797)
    assert d.n_features == 64 and d.image_shape == (8, 8)
    assert d.n_classes == 10 and d.class_names == tuple("0123456789")
    assert d.feature_names[0] == "px0_0" and d.feature_names[9] == "px1_1"
    assert d.feature_names[-1] == "px7_7"
    assert d.raw_train is None and not d.is_planar
    y = np.concatenate([d.y_train, d.y_test])
    np.testing.assert_array_equal(
        np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    )
    X = np.concatenate([d.X_train, d.X_test])
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X * 16, np.round(X * 16))


def test_load_digits_unscaled_and_deterministic() -> None:
    a = ds.load_digits(rng=rng(23), scale=False)
    b = ds.load_digits(rng=rng(23), scale=False)
    c = ds.load_digits(rng=rng(24), scale=False)
    assert a.X_train.max() == 16.0
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.y_train, c.y_train)
    # An image can be drawn: a "0" has an empty centre and ink around it.
    zero = a.X_train[a.y_train == 0].mean(axis=0).reshape(a.image_shape)
    assert zero[3:5, 3:5].mean() < zero[1:7, 1:7].mean()


def test_make_dataset_routes_digits() -> None:
    d = ds.make_dataset("digits", rng=rng(25), train_fraction=0.8, standardize=True)
    assert d.name == "digits" and d.m_train + d.m_test == 1797 and d.m_train == 1438
    assert d.standardizer is not None and np.all(np.isfinite(d.X_train))
    with pytest.raises(ValueError, match="10 classes"):
        ds.make_dataset("digits", rng=rng(), n_classes=3)


# --------------------------------------------------------------------------------------
# CSV: good files
# --------------------------------------------------------------------------------------

GOOD_ROWS = [
    (0.5, -1.25, 1),
    (-0.5, 1.0, 0),
    (2.0, 3.0, 1),
    (-2.0, -3.5, 0),
    (1.5, 0.25, 1),
    (-1.0, 0.0, 0),
]
GOOD_CSV = "x1,x2,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in GOOD_ROWS)


def _all_rows(d: ds.Dataset) -> np.ndarray:
    X = np.concatenate([d.X_train, d.X_test])
    y = np.concatenate([d.y_train, d.y_test])
    table = np.column_stack([X, y])
    return table[np.lexsort(table.T[::-1])]


@pytest.mark.parametrize(
    "make_source",
    [
        lambda: GOOD_CSV,
        lambda: GOOD_CSV.encode(),
        lambda: io.StringIO(GOOD_CSV),
        lambda: io.BytesIO(GOOD_CSV.encode()),
        lambda: b"\xef\xbb\xbf" + GOOD_CSV.replace("\n", "\r\n").encode(),  # BOM + CRLF
        lambda: "\n" + GOOD_CSV.replace(",", " , ") + "\n\n",  # blank lines and spaces
    ],
    ids=["text", "bytes", "stringio", "bytesio", "bom-crlf", "blank-lines-spaces"],
)
def test_csv_round_trip(make_source) -> None:
    d = ds.load_csv(make_source(), rng=rng(26), train_fraction=0.5)
    expected = np.array(GOOD_ROWS, dtype=float)
    np.testing.assert_array_equal(_all_rows(d), expected[np.lexsort(expected.T[::-1])])
    assert (d.m_train, d.m_test) == (3, 3)
    assert d.task == "classification" and d.n_classes == 2
    assert d.class_names == ("0", "1")
    assert d.feature_names == ("x1", "x2")
    assert d.y_train.dtype == np.int64 and d.X_train.dtype == np.float64
    assert d.is_planar
    np.testing.assert_array_equal(d.raw_train, d.X_train)


def test_csv_from_path(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    d = ds.load_csv(path, rng=rng(27))
    assert d.name == "points.csv"
    assert d.m_train + d.m_test == len(GOOD_ROWS)


def test_csv_file_name_as_str_is_explained() -> None:
    with pytest.raises(ValueError, match="pathlib.Path"):
        ds.load_csv("points.csv", rng=rng())


def test_csv_string_labels_are_mapped_in_sorted_order() -> None:
    text = "weight,height,label\n1,2,dog\n3,4,cat\n5,6,dog\n7,8,bird\n9,10,cat\n"
    d = ds.load_csv(text, rng=rng(28), train_fraction=0.6)
    assert d.class_names == ("bird", "cat", "dog")
    assert d.n_classes == 3 and d.task == "classification"
    by_weight = dict(
        zip(
            np.concatenate([d.X_train, d.X_test])[:, 0],
            np.concatenate([d.y_train, d.y_test]),
            strict=True,
        )
    )
    assert by_weight == {1.0: 2, 3.0: 1, 5.0: 2, 7.0: 0, 9.0: 1}


def test_csv_integer_labels_keep_their_names() -> None:
    text = "a,label\n" + "".join(f"{i},{[-1, 1, 5][i % 3]}\n" for i in range(9))
    d = ds.load_csv(text, rng=rng(29))
    assert d.class_names == ("-1", "1", "5")
    y = np.concatenate([d.y_train, d.y_test])
    x = np.concatenate([d.X_train, d.X_test])[:, 0].astype(int)
    np.testing.assert_array_equal(y, x % 3)
    assert not d.is_planar and d.raw_train is None


def test_csv_task_inference_and_override() -> None:
    floats = "a,b,label\n" + "".join(f"{i},{i * 2},{i / 3:.4f}\n" for i in range(10))
    d = ds.load_csv(floats, rng=rng(30))
    assert d.task == "regression" and d.n_classes == 0 and d.y_train.dtype == np.float64
    many_ints = "a,b,label\n" + "".join(f"{i},{-i},{i}\n" for i in range(25))
    assert ds.load_csv(many_ints, rng=rng(30)).task == "regression"
    forced = ds.load_csv(many_ints, rng=rng(30), task="classification")
    assert forced.task == "classification" and forced.n_classes == 25
    few_ints = "a,b,label\n" + "".join(f"{i},{-i},{i % 2}\n" for i in range(8))
    forced = ds.load_csv(few_ints, rng=rng(30), task="regression")
    assert forced.task == "regression"
    np.testing.assert_array_equal(forced.y_train, forced.X_train[:, 0] % 2)


def test_csv_feature_map_and_standardize() -> None:
    d = ds.load_csv(
        GOOD_CSV, rng=rng(31), features=("x1", "x2", "x1*x2"), standardize=True, train_fraction=0.5
    )
    assert d.feature_names == ("x1", "x2", "x1*x2") and d.n_features == 3
    np.testing.assert_allclose(d.inputs_from_plane(d.raw_test), d.X_test)
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="exactly two feature columns"):
        ds.load_csv("a,b,c,label\n" + "1,2,3,0\n4,5,6,1\n" * 3, rng=rng(), features=["x1"])


def test_csv_split_too_extreme() -> None:
    with pytest.raises(ValueError, match="would be empty"):
        ds.load_csv(GOOD_CSV, rng=rng(), train_fraction=0.05)


# --------------------------------------------------------------------------------------
# CSV: malformed files -- each must say what is wrong and where
# --------------------------------------------------------------------------------------


def _rows(n: int, n_features: int = 2) -> str:
    return "".join(
        ",".join([str(i + j) for j in range(n_features)] + [str(i % 2)]) + "\n" for i in range(n)
    )


HEADER = "x1,x2,label\n"

BAD_CSVS = [
    ("empty", "", ["empty", "line 1"]),
    ("only-blank-lines", "\n\n   \n", ["empty", "line 1"]),
    ("no-header", "1,2,0\n3,4,1\n5,6,0\n7,8,1\n", ["line 1", "header"]),
    ("no-label-column", "x1,x2,y\n" + _rows(5), ["line 1", "'label'", "'y'"]),
    ("label-not-last", "label,x1,x2\n" + _rows(5), ["line 1", "column 'label' is column 1 of 3"]),
    ("one-column", "label\n0\n1\n0\n1\n", ["line 1", "at least 2"]),
    ("empty-header-name", "x1,,label\n" + _rows(5), ["line 1", "column 2"]),
    ("duplicate-header", "x,x,label\n" + _rows(5), ["line 1", "'x'", "twice"]),
    ("ragged-short", HEADER + "1,2,0\n3,4,1\n5,1\n7,8,0\n", ["line 4", "2 fields", "3 columns"]),
    ("ragged-long", HEADER + "1,2,0\n3,4,1,9\n5,6,1\n7,8,0\n", ["line 3", "4 fields"]),
    (
        "not-a-number",
        HEADER + "1,2,0\n3,4,1\n5,6,0\n7,8,1\n1,1,0\nx,1,1\n2,abc,0\n",
        ["line 7", "column 'x1'", "'x'", "not a number"],
    ),
    ("nan", HEADER + "1,2,0\nnan,4,1\n5,6,0\n7,8,1\n", ["line 3", "column 'x1'", "finite"]),
    ("inf", HEADER + "1,2,0\n3,-inf,1\n5,6,0\n7,8,1\n", ["line 3", "column 'x2'", "finite"]),
    (
        "empty-feature-cell",
        HEADER + "1,2,0\n3,,1\n5,6,0\n7,8,1\n",
        ["line 3", "column 'x2'", "empty"],
    ),
    (
        "empty-label-cell",
        HEADER + "1,2,0\n3,4,\n5,6,0\n7,8,1\n",
        ["line 3", "column 'label'", "empty"],
    ),
    (
        "nan-label",
        HEADER + "1,2,nan\n3,4,1\n5,6,0\n7,8,1\n",
        ["line 2", "column 'label'", "finite"],
    ),
    ("header-only", HEADER, ["only 0 data rows", "line 1"]),
    (
        "too-few-rows",
        HEADER + "1,2,0\n3,4,1\n5,6,0\n",
        ["only 3 data rows", "line 1", "at least 4"],
    ),
    (
        "one-class",
        HEADER + "1,2,7\n3,4,7\n5,6,7\n7,8,7\n",
        ["column 'label'", "'7'", "two different"],
    ),
    (
        "one-string-class",
        HEADER + "1,2,cat\n3,4,cat\n5,6,cat\n7,8,cat\n",
        ["column 'label'", "'cat'"],
    ),
    (
        "mixed-labels",
        HEADER + "1,2,0\n3,4,1\n5,6,0\n7,8,one\n9,9,1\n",
        ["line 5", "column 'label'", "'one'", "all numbers or all names"],
    ),
    ("too-many-rows", HEADER + _rows(ds.CSV_MAX_ROWS + 1), ["line 20002", "20,000"]),
    (
        "too-many-features",
        ",".join(f"f{i}" for i in range(51)) + ",label\n" + _rows(5, 51),
        ["line 1", "51 feature columns", "limit is 50"],
    ),
    ("binary-nul", b"x1,x2,label\n1,2,0\n\x00\x01\x02\x03\n", ["line 3", "binary"]),
    ("not-utf8", b"x1,x2,label\n1,2,0\n3,4,1\n5,\xe9,0\n7,8,1\n", ["line 4", "utf-8"]),
    ("png-bytes", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["line 3", "binary"]),
]


@pytest.mark.parametrize(
    ("source", "where"), [c[1:] for c in BAD_CSVS], ids=[c[0] for c in BAD_CSVS]
)
def test_malformed_csv_says_what_and_where(source, where: list[str]) -> None:
    with pytest.raises(ValueError) as err:
        ds.load_csv(source, rng=rng(32))
    message = str(err.value)
    for fragment in where:
        # "line 2" must not be satisfied by "line 20002".
        assert re.search(re.escape(fragment) + r"(?!\d)", message, re.IGNORECASE), message
    assert message.endswith((".", ")")) and message[0].isupper()


def test_string_labels_cannot_be_regression() -> None:
    with pytest.raises(ValueError, match="(?i)column 'label'.*regression"):
        ds.load_csv(HEADER + "1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n", rng=rng(), task="regression")


def test_csv_bad_task_name() -> None:
    with pytest.raises(ValueError, match="classification"):
        ds.load_csv(GOOD_CSV, rng=rng(), task="clustering")


# --------------------------------------------------------------------------------------
# Dependencies
# --------------------------------------------------------------------------------------
