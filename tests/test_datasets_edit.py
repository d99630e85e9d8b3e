"""Drawing and removing training points (bp_core.datasets.edit): add then remove is the
identity, a new point's features come from the data's own feature map and standardizer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bp_core.datasets import feature_map, load_digits, make_dataset
from bp_core.datasets.edit import add_point, nearest_point, remove_point

FEATURE_SETS = [("x1", "x2"), ("x1", "x2", "x1*x2", "sin(x1)"), ("x1^2", "x2^2")]


def _data(name="circle", features=("x1", "x2"), standardize=True, seed=0):
    return make_dataset(
        name,
        n=40,
        noise=0.1,
        rng=np.random.default_rng(seed),
        features=features,
        standardize=standardize,
    )


coords = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


@given(
    x=coords,
    y=coords,
    label=st.integers(0, 1),
    features=st.sampled_from(FEATURE_SETS),
    standardize=st.booleans(),
)
def test_add_then_remove_gives_back_the_same_arrays(x, y, label, features, standardize):
    ds = _data(features=features, standardize=standardize)
    added = add_point(ds, (x, y), label)
    assert added.m_train == ds.m_train + 1 and added.m_test == ds.m_test
    back = remove_point(added, added.m_train - 1)
    for name in ("X_train", "y_train", "raw_train", "X_test", "y_test", "raw_test"):
        a, b = getattr(back, name), getattr(ds, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert back.standardizer is ds.standardizer  # never fitted again


@given(x=coords, y=coords, features=st.sampled_from(FEATURE_SETS), standardize=st.booleans())
def test_a_new_point_goes_through_the_feature_map_and_the_standardizer(x, y, features, standardize):
    ds = _data(features=features, standardize=standardize)
    added = add_point(ds, (x, y), 1)
    row = feature_map(np.array([[x, y]]), features)  # (1, n)
    if standardize:
        row = (row - ds.standardizer.mean) / ds.standardizer.std
    np.testing.assert_allclose(added.X_train[-1:], row, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(added.raw_train[-1], [x, y])
    assert added.y_train[-1] == 1 and added.y_train.dtype == np.int64
    # the old rows and the boundary's inputs are exactly what they were
    np.testing.assert_array_equal(added.X_train[:-1], ds.X_train)
    grid = np.array([[0.5, -1.0], [3.0, 2.0]])
    np.testing.assert_array_equal(added.inputs_from_plane(grid), ds.inputs_from_plane(grid))


@given(i=st.integers(0, 19))
def test_remove_drops_exactly_one_row(i):
    ds = _data()
    out = remove_point(ds, i)
    keep = [r for r in range(ds.m_train) if r != i]
    np.testing.assert_array_equal(out.X_train, ds.X_train[keep])
    np.testing.assert_array_equal(out.raw_train, ds.raw_train[keep])
    np.testing.assert_array_equal(out.y_train, ds.y_train[keep])
    assert ds.m_train == 20  # the original is untouched


def test_nearest_point_measures_in_the_given_units():
    ds = _data()
    i = 3
    p = ds.raw_train[i] + np.array([0.01, 0.0])
    assert nearest_point(ds, p)[0] == i
    j, d = nearest_point(ds, p, scale=(0.01, 0.01))  # one unit = 0.01: 1 unit away
    assert j == i and d == pytest.approx(1.0)


def test_regression_targets_can_be_drawn_too():
    ds = _data("plane")
    out = add_point(ds, (1.0, 2.0), -0.25)
    assert out.y_train[-1] == -0.25 and out.y_train.dtype == np.float64


@pytest.mark.parametrize(
    ("point", "label", "words"),
    [
        ((np.nan, 0.0), 0, "finite"),
        ((np.inf, 0.0), 0, "finite"),
        ((1.0, 2.0, 3.0), 0, "two numbers"),
        ((1.0, 2.0), 2, "0 … 1"),
        ((1.0, 2.0), -1, "0 … 1"),
        ((1.0, 2.0), 0.5, "0 … 1"),
        ((1.0, 2.0), True, "number"),
        ((1.0, 2.0), "1", "number"),
    ],
)
def test_bad_points_are_refused_in_words(point, label, words):
    with pytest.raises(ValueError, match=words):
        add_point(_data(), point, label)


def test_bad_removals_are_refused_in_words():
    ds = _data()
    for index in (-1, ds.m_train, 1.0, True):
        with pytest.raises(ValueError, match="no training example"):
            remove_point(ds, index)
    one = ds
    while one.m_train > 1:
        one = remove_point(one, 0)
    with pytest.raises(ValueError, match="last training example"):
        remove_point(one, 0)


def test_data_that_are_not_a_plane_cannot_be_drawn_on():
    digits = load_digits(rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="not points of a plane"):
        add_point(digits, (0.0, 0.0), 1)
    with pytest.raises(ValueError, match="not points of a plane"):
        remove_point(digits, 0)
