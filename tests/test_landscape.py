"""bp_core.landscape: J over a grid of two weights, checked against bp_core.cost directly,
its −D arrow against backprop's D, and its path against the trainer's snapshots."""

import itertools

import numpy as np
import pytest

import bp_core as bp
from bp_core.landscape import landscape, steepest_weights, weight_path
from bp_core.runs import build_run
from lab_ui.shared import schema

BASE = {s.name: s.default for s in schema.SCHEMA}


def _run(**over):
    settings = {**BASE, **over}
    run = build_run(settings)
    run.trainer.run_epochs(3)
    return run


def _all_weights(cfg):
    return [
        (l, j, k)
        for l, (rows, cols) in enumerate(cfg.theta_shapes, start=1)
        for j in range(1, rows + 1)
        for k in range(cols)
    ]


def _J_at(run, w1, v1, w2, v2):
    """The slow, obvious way: copy Θ, set the two weights, call bp_core.cost."""
    Th = [T.copy() for T in run.trainer.Theta]
    Th[w1[0] - 1][w1[1] - 1, w1[2]] = v1
    Th[w2[0] - 1][w2[1] - 1, w2[2]] = v2
    return bp.cost(run.cfg, Th, run.trainer.X_train, run.trainer.Y_train)


NETWORKS = [
    {},  # the default 2-4-2-1 sigmoid network
    {"hidden": (3, 2), "acts": ("tanh", "relu"), "lambda_": 0.3},
    {"lambda_": 0.5, "regularization": "l1"},
    {
        "dataset": "blobs",
        "output": "softmax",
        "loss": "cross_entropy",
        "hidden": (3,),
        "acts": ("tanh",),
    },
]


@pytest.mark.parametrize("over", NETWORKS)
def test_grid_values_are_bp_core_cost(over):
    run = _run(**over)
    tr, cfg = run.trainer, run.cfg
    weights = _all_weights(cfg)
    rng = np.random.default_rng(1)
    pairs = [
        tuple(weights[i] for i in rng.choice(len(weights), 2, replace=False)) for _ in range(8)
    ]
    # also: both in Θ^(1), both in the same row, a bias, and the earlier weight second
    pairs += [((1, 1, 1), (1, 1, 2)), ((1, 1, 0), (1, 2, 1)), (weights[-1], (1, 1, 1))]
    for w1, w2 in pairs:
        ls = landscape(cfg, tr.Theta, tr.X_train, tr.Y_train, w1, w2, span=(0.8, 1.3), n=5)
        assert ls.J.shape == (5, 5)
        for i, j in itertools.product(range(5), repeat=2):  # row i: w2 = v2[i]; column j: w1
            expected = _J_at(run, w1, ls.v1[j], w2, ls.v2[i])
            assert ls.J[i, j] == pytest.approx(expected, rel=1e-12, abs=1e-12), (w1, w2, i, j)


def test_centre_is_now_and_arrow_is_backprops_D():
    run = _run()
    tr, cfg = run.trainer, run.cfg
    trace = bp.backprop(cfg, tr.Theta, tr.X_train, tr.Y_train)
    w1, w2 = steepest_weights(trace.D)
    ls = landscape(cfg, tr.Theta, tr.X_train, tr.Y_train, w1, w2, span=1.0, n=41)
    assert ls.J[20, 20] == pytest.approx(trace.J, rel=1e-12)
    assert ls.J_here == pytest.approx(trace.J, rel=1e-12)
    assert ls.theta == (
        tr.Theta[w1[0] - 1][w1[1] - 1, w1[2]],
        tr.Theta[w2[0] - 1][w2[1] - 1, w2[2]],
    )
    assert ls.D == (trace.D[w1[0] - 1][w1[1] - 1, w1[2]], trace.D[w2[0] - 1][w2[1] - 1, w2[2]])
    # −D points downhill: a small step along it lowers J (central slope = D)
    h = 1e-5
    slope1 = (
        _J_at(run, w1, ls.theta[0] + h, w2, ls.theta[1])
        - _J_at(run, w1, ls.theta[0] - h, w2, ls.theta[1])
    ) / (2 * h)
    assert slope1 == pytest.approx(ls.D[0], rel=1e-5, abs=1e-9)


def test_steepest_weights_are_the_largest_abs_D():
    D = [np.array([[0.1, -0.9], [0.3, 0.2]]), np.array([[0.0, 0.5, -2.0]])]
    assert steepest_weights(D) == [(2, 1, 2), (1, 1, 1)]


def test_path_is_the_snapshots_then_now():
    run = _run()
    tr = run.trainer
    tr.run_epochs(40)
    w1, w2 = (1, 1, 1), (2, 1, 0)
    steps, values = weight_path(tr.snapshots, tr.Theta, tr.steps, w1, w2)
    snaps = sorted((s for s in tr.snapshots if s.step < tr.steps), key=lambda s: s.step)
    assert list(steps) == [s.step for s in snaps] + [tr.steps]
    for s, v in zip(snaps, values, strict=False):
        assert v[0] == s.Theta[0][0, 1] and v[1] == s.Theta[1][0, 0]
    assert tuple(values[-1]) == (tr.Theta[0][0, 1], tr.Theta[1][0, 0])
    # the path starts at the initial Θ (snapshot of epoch 0, step 0)
    assert steps[0] == 0
    # back in time: later snapshots are left out
    tr.restore(10)
    steps2, _ = weight_path(tr.snapshots, tr.Theta, tr.steps, w1, w2)
    assert steps2[-1] == tr.steps and all(s <= tr.steps for s in steps2)


def test_subsample_states_its_fraction_and_matches_cost_on_those_rows():
    run = _run()
    tr, cfg = run.trainer, run.cfg
    ls = landscape(
        cfg, tr.Theta, tr.X_train, tr.Y_train, (1, 1, 1), (1, 2, 2), 1.0, n=3, max_examples=50
    )
    assert ls.m == 50 and ls.m_total == tr.m and ls.fraction == pytest.approx(50 / tr.m)
    rows = np.linspace(0, tr.m - 1, 50).round().astype(int)
    assert ls.J[1, 1] == pytest.approx(bp.cost(cfg, tr.Theta, tr.X_train[rows], tr.Y_train[rows]))


def test_refuses_what_it_cannot_draw():
    run = _run()
    tr, cfg = run.trainer, run.cfg
    args = (cfg, tr.Theta, tr.X_train, tr.Y_train)
    with pytest.raises(ValueError, match="two different"):
        landscape(*args, (1, 1, 1), (1, 1, 1), 1.0)
    with pytest.raises(ValueError, match="span"):
        landscape(*args, (1, 1, 1), (1, 1, 2), 0.0)
    with pytest.raises(ValueError):
        landscape(*args, (9, 1, 1), (1, 1, 2), 1.0)
    with pytest.raises(ValueError, match="grid points"):
        landscape(*args, (1, 1, 1), (1, 1, 2), 1.0, n=1)
