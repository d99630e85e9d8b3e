"""L1 regularization beside L2, and what a saved run keeps: the L1 setting and the optimizer's
state (momentum's v, Adam's m, v and t), so training goes on after a load bit for bit.

L1: J gets + (λ/m) Σ_l Σ_{j,k≥1} |Θ^(l)_{jk}| and D^(l) gets + (λ/m) sign(Θ^(l)), the bias
column (k = 0) excluded from both.  |Θ| has a kink at 0, so the gradient checks keep every
entry of Θ at least 0.05 away from 0 (≫ ε = 1e-4): there the centred difference sees the
straight part of |θ| only and agrees with backprop to the usual tolerance, relative
difference < 1e-7.
"""

from __future__ import annotations

import copy
import io
import json
from dataclasses import replace

import numpy as np
import pytest

import bp_core as bp
from bp_core import datasets as ds
from bp_core import io as bio
from bp_core.network import gradient
from bp_core.training import Trainer, TrainSettings

HEADS = [
    ("sigmoid", "cross_entropy"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "mse"),
    ("linear", "mse"),
    ("tanh", "mse"),
]
TOLERANCE = 1e-7  # relative difference ‖n − g‖ / ‖n + g‖, as every other gradient check


def away_from_zero(shapes, rng, low=0.05, high=0.6):
    """Θ with every entry |θ| in [low, high], random sign: L1's kink at 0 is never near."""
    return [rng.uniform(low, high, s) * rng.choice([-1.0, 1.0], s) for s in shapes]


def targets(cfg, m, rng):
    K = cfg.layer_sizes[-1]
    if cfg.output == "linear":
        return rng.normal(size=(m, K))
    if cfg.output == "tanh":
        return rng.choice([-1.0, 1.0], size=(m, K))
    if cfg.output == "softmax":
        return np.eye(K)[rng.integers(0, K, m)]
    return rng.integers(0, 2, size=(m, K)).astype(float)


def problem(cfg, m, seed):
    """Θ away from 0 and data whose hidden z stay 1e-3 away from ReLU's kink too."""
    for s in range(seed, seed + 50):
        rng = np.random.default_rng(s)
        Theta = away_from_zero(cfg.theta_shapes, rng)
        X = rng.normal(size=(m, cfg.layer_sizes[0]))
        z = bp.forward(cfg, Theta, X).z[1:-1]
        if min((np.abs(zl).min() for zl in z), default=np.inf) > 1e-3:
            return Theta, X, targets(cfg, m, rng)
    raise AssertionError("no problem away from the kinks")  # pragma: no cover


# --------------------------------------------------------------------------------------
# The setting
# --------------------------------------------------------------------------------------


def test_default_is_the_courses_l2_and_old_calls_still_work():
    assert bp.NetConfig((2, 3, 1)).regularization == "l2"
    cfg = bp.NetConfig((2, 3, 1), "tanh", "sigmoid", "cross_entropy", 0.5)  # positional
    assert (cfg.activations, cfg.lambda_, cfg.regularization) == (("tanh",), 0.5, "l2")
    old = bp.NetConfig((2, 3, 1), hidden_activation="relu", lambda_=1.0)
    assert old.regularization == "l2" and old.activations == ("relu",)
    assert bp.DEFAULT_REGULARIZATION == "l2"
    assert set(bp.REGULARIZATIONS) == {"l1", "l2"}


def test_l1_is_a_field_that_changes_equality_and_survives_replace():
    l1 = bp.NetConfig((2, 3, 1), lambda_=1.0, regularization="l1")
    assert l1 != bp.NetConfig((2, 3, 1), lambda_=1.0)
    assert replace(l1, lambda_=2.0).regularization == "l1"
    assert "regularization" in {f.name for f in __import__("dataclasses").fields(bp.NetConfig)}


@pytest.mark.parametrize("bad", ["l3", "L1", "", 1, None])
def test_unknown_regularization_is_refused_in_words(bad):
    with pytest.raises(ValueError, match=r"Unknown regularization .*choose 'l2' .* or 'l1'"):
        bp.NetConfig((2, 3, 1), regularization=bad)


def test_registry_entries_carry_what_the_ui_shows():
    for name, entry in bp.REGULARIZATIONS.items():
        assert entry.name == name and entry.label and entry.description
        assert r"\lambda" in entry.J_term and r"\lambda" in entry.D_term and "λ" in entry.formula
    assert "sign" in bp.REGULARIZATIONS["l1"].D_term


# --------------------------------------------------------------------------------------
# J and D
# --------------------------------------------------------------------------------------


def test_l1_cost_by_hand():
    """A 1-1-1 network, m = 2: the L1 term is (λ/m)(|Θ^(1)_11| + |Θ^(2)_11|), biases excluded."""
    cfg0 = bp.NetConfig((1, 1, 1), lambda_=0.0)
    cfg1 = bp.NetConfig((1, 1, 1), lambda_=3.0, regularization="l1")
    Theta = [np.array([[5.0, -0.5]]), np.array([[-7.0, 2.0]])]  # bias, weight
    X, Y = np.array([[1.0], [-2.0]]), np.array([[1.0], [0.0]])
    # (λ/m) Σ|Θ| = (3/2)(0.5 + 2.0) = 3.75; the biases 5 and −7 do not count
    assert bp.cost(cfg1, Theta, X, Y) - bp.cost(cfg0, Theta, X, Y) == pytest.approx(3.75, abs=1e-12)
    cfg2 = bp.NetConfig((1, 1, 1), lambda_=3.0)  # L2: (λ/2m) Σ Θ² = (3/4)(0.25 + 4) = 3.1875
    assert bp.cost(cfg2, Theta, X, Y) - bp.cost(cfg0, Theta, X, Y) == pytest.approx(3.1875)


def test_l1_gradient_adds_lambda_over_m_sign_theta_outside_the_bias_column():
    rng = np.random.default_rng(0)
    cfg0 = bp.NetConfig((3, 4, 2), "tanh")
    cfg1 = bp.NetConfig((3, 4, 2), "tanh", lambda_=0.6, regularization="l1")
    Theta, X, Y = problem(cfg1, 5, 0)
    Theta[0][1, 2] = 0.0  # sign(0) = 0: the subgradient 0 at the kink
    D0, D1 = bp.backprop(cfg0, Theta, X, Y).D, bp.backprop(cfg1, Theta, X, Y).D
    for T, a, b in zip(Theta, D0, D1, strict=True):
        extra = b - a
        np.testing.assert_allclose(extra[:, 0], 0.0, atol=1e-15)  # bias column unregularized
        np.testing.assert_allclose(extra[:, 1:], (0.6 / 5) * np.sign(T[:, 1:]), atol=1e-15)
    assert D1[0][1, 2] == D0[0][1, 2]
    # the step function itself, L2 by default, L1 when asked
    Delta, T = rng.normal(size=(2, 3)), np.array([[1.0, -2.0, 3.0], [-4.0, 0.0, 0.5]])
    np.testing.assert_allclose(gradient(Delta, T, 2, 1.0)[:, 1:], Delta[:, 1:] / 2 + T[:, 1:] / 2)
    np.testing.assert_allclose(
        gradient(Delta, T, 2, 1.0, "l1")[:, 1:], Delta[:, 1:] / 2 + np.sign(T[:, 1:]) / 2
    )


def test_l1_matches_a_slow_per_example_reference():
    """J and D written out weight by weight: the unregularized part from bp_core with λ = 0
    (checked elsewhere against tests/reference.py), the L1 part entry by entry."""
    cfg = bp.NetConfig(
        (2, 3, 3, 2), ("sigmoid", "relu"), "softmax", lambda_=0.9, regularization="l1"
    )
    Theta, X, Y = problem(cfg, 6, 3)
    plain = bp.backprop(replace(cfg, lambda_=0.0), Theta, X, Y)
    got = bp.backprop(cfg, Theta, X, Y)
    m, lam = 6, 0.9
    J, D = plain.J, [d.copy() for d in plain.D]
    for l, T in enumerate(Theta, start=1):
        for j in range(T.shape[0]):
            for k in range(1, T.shape[1]):  # k = 0 is the bias: not regularized
                J += lam / m * abs(T[j, k])
                D[l - 1][j, k] += lam / m * (1.0 if T[j, k] > 0 else -1.0)
    assert got.J == pytest.approx(J, rel=1e-12)
    for a, b in zip(got.D, D, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("output,loss", HEADS)
@pytest.mark.parametrize("act", sorted(bp.ACTIVATIONS))
def test_gradient_check_passes_with_l1(act, output, loss):
    """Every activation × output × loss, λ = 0.7, Θ away from 0: relative difference < 1e-7."""
    n_out = 3 if output == "softmax" else 2
    cfg = bp.NetConfig((3, 4, 3, n_out), act, output, loss, 0.7, "l1")
    Theta, X, Y = problem(cfg, 7, 11)
    chk = bp.gradient_check(cfg, Theta, X, Y, tolerance=TOLERANCE)
    assert chk.passed, chk.relative_difference
    # and the L1 term is really in both sides: the check fails if backprop uses L2's term
    wrong = bp.backprop(replace(cfg, regularization="l2"), Theta, X, Y).D
    assert bp.relative_difference(chk.numeric, wrong) > 1e-3


@pytest.mark.parametrize("bug", sorted(bp.PLANTED_BUGS))
def test_every_planted_bug_still_fails_the_check_with_l1(bug):
    """λ > 0 and m > 1 so the regularization bugs show; a sigmoid output with cross-entropy so
    the output bugs show."""
    cfg = bp.NetConfig((3, 4, 3, 2), "sigmoid", lambda_=0.7, regularization="l1")
    Theta, X, Y = problem(cfg, 6, 5)
    assert bp.gradient_check(cfg, Theta, X, Y, bug=bug).passed is False
    assert bp.gradient_check(cfg, Theta, X, Y).passed


def test_gradient_steps_written_for_l2_alone_keep_working():
    """A custom backward pass whose gradient step takes the four L2 arguments only."""

    def four_args(Delta_l, Theta_l, m, lambda_):
        return gradient(Delta_l, Theta_l, m, lambda_)

    steps = replace(bp.CORRECT_STEPS, gradient=four_args)
    cfg = bp.NetConfig((2, 3, 1), lambda_=0.5)
    Theta, X, Y = problem(cfg, 4, 0)
    mine, ours = bp.backprop(cfg, Theta, X, Y, steps).D, bp.backprop(cfg, Theta, X, Y).D
    for a, b in zip(mine, ours, strict=True):
        np.testing.assert_array_equal(a, b)


def test_training_with_l1_records_its_J_and_keeps_it_when_lambda_changes():
    data = ds.make_dataset("circle", n=60, rng=np.random.default_rng(0), standardize=True)
    cfg = bp.NetConfig((2, 4, 1), "tanh", lambda_=0.5, regularization="l1")
    tr = Trainer(
        cfg,
        bp.init_weights(cfg, np.random.default_rng(1)),
        data,
        TrainSettings(alpha=0.3),
        np.random.default_rng(2),
    )
    assert tr.run_epochs(5)
    assert tr.history.J_train[-1] == pytest.approx(bp.cost(cfg, tr.Theta, tr.X_train, tr.Y_train))
    tr.with_lambda(1.0)
    assert tr.cfg.regularization == "l1" and tr.cfg.lambda_ == 1.0


# --------------------------------------------------------------------------------------
# Saving: the L1 setting
# --------------------------------------------------------------------------------------


def _run(cfg, settings, epochs=4, seed=0, n=60):
    data = ds.make_dataset(
        "moons", n=n, noise=0.2, rng=np.random.default_rng(seed), standardize=True
    )
    Theta = bp.init_weights(cfg, np.random.default_rng(seed + 1), "xavier")
    tr = Trainer(cfg, Theta, data, settings, np.random.default_rng(seed + 2))
    tr.run_epochs(epochs)
    return tr, data


def _json(run):
    return bio.from_json(bio.to_json(run))


def _npz(run):
    buf = io.BytesIO()
    bio.save_npz(run, buf)
    return bio.load_npz(buf.getvalue())


FORMATS = {"json": _json, "npz": _npz}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_l1_round_trips(fmt):
    cfg = bp.NetConfig((2, 3, 1), "relu", lambda_=0.2, regularization="l1")
    tr, data = _run(cfg, TrainSettings(alpha=0.1))
    back = FORMATS[fmt](bio.run_from_trainer(tr, data))
    assert back.cfg == cfg and back.cfg.regularization == "l1"


def _npz_with_meta(run, edit):
    """The run as .npz bytes with its meta text edited by ``edit(meta_dict)``."""
    buf = io.BytesIO()
    bio.save_npz(run, buf)
    with np.load(io.BytesIO(buf.getvalue()), allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays["meta"][()]))
    edit(meta)
    arrays["meta"] = np.array(json.dumps(meta))
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)
    return out.getvalue(), arrays


def test_files_from_before_l1_load_as_l2():
    cfg = bp.NetConfig((2, 3, 1), lambda_=0.2)
    tr, data = _run(cfg, TrainSettings(alpha=0.1))
    run = bio.run_from_trainer(tr, data)
    doc = json.loads(bio.to_json(run))
    del doc["config"]["regularization"]
    assert bio.from_json(json.dumps(doc)).cfg == cfg
    data_bytes, _ = _npz_with_meta(run, lambda meta: meta["config"].pop("regularization"))
    assert bio.load_npz(data_bytes).cfg == cfg


@pytest.mark.parametrize(
    "value, match",
    [
        ("l3", r"Unknown regularization 'l3'; choose 'l2'"),
        (1, r"the regularization should be text, not 1"),
        ("x" * 1000, r"the regularization is 1,000 characters long"),
    ],
)
def test_a_bad_regularization_in_a_file_is_refused_in_words(value, match):
    tr, data = _run(bp.NetConfig((2, 3, 1)), TrainSettings(alpha=0.1))
    doc = json.loads(bio.to_json(bio.run_from_trainer(tr, data)))
    doc["config"]["regularization"] = value
    with pytest.raises(ValueError, match="cannot be loaded as a Backprop Lab run: .*" + match):
        bio.from_json(json.dumps(doc))


# --------------------------------------------------------------------------------------
# Saving: the optimizer's state, so training continues bit for bit
# --------------------------------------------------------------------------------------

OPTIMIZERS = {"gd": 0.5, "momentum": 0.1, "adam": 0.01}  # optimizer → α


def _same_rng(rng):
    """A generator in the same state (the file does not keep the generator)."""
    twin = np.random.default_rng()
    twin.bit_generator.state = rng.bit_generator.state
    return twin


@pytest.mark.parametrize("batch", [None, 16])
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_training_on_after_save_and_load_is_bit_identical(optimizer, fmt, batch):
    cfg = bp.NetConfig((2, 5, 3, 1), ("tanh", "relu"), lambda_=0.1, regularization="l1")
    st = TrainSettings(alpha=OPTIMIZERS[optimizer], optimizer=optimizer, batch_size=batch)
    tr, data = _run(cfg, st, epochs=6, n=120)
    straight = copy.deepcopy(tr)
    back = FORMATS[fmt](bio.run_from_trainer(tr, data))
    resumed = bio.restore_trainer(back, _same_rng(tr.rng))
    assert straight.run_epochs(5) and resumed.run_epochs(5)
    for a, b in zip(straight.Theta, resumed.Theta, strict=True):
        assert a.tobytes() == b.tobytes()
    assert resumed.history.J_train == straight.history.J_train
    assert (resumed.epoch, resumed.steps) == (straight.epoch, straight.steps)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_without_the_state_training_on_differs(optimizer, fmt):
    """The test above can fail: a fresh optimizer state (what files used to give) does not
    continue the same way."""
    st = TrainSettings(alpha=OPTIMIZERS[optimizer], optimizer=optimizer)
    tr, data = _run(bp.NetConfig((2, 4, 1), "tanh"), st, epochs=6)
    straight = copy.deepcopy(tr)
    run = replace(bio.run_from_trainer(tr, data), optimizer_state=None)
    resumed = bio.restore_trainer(FORMATS[fmt](run), _same_rng(tr.rng))
    assert FORMATS[fmt](run).optimizer_state is None
    straight.run_epochs(3), resumed.run_epochs(3)
    assert not np.array_equal(straight.Theta[0], resumed.Theta[0])


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_saved_state_is_the_trainers(fmt):
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.01, optimizer="adam"))
    back = FORMATS[fmt](bio.run_from_trainer(tr, data))
    assert set(back.optimizer_state) == {"m", "v", "t"}
    assert back.optimizer_state["t"] == tr.steps == 4
    for k in ("m", "v"):
        assert back.optimizer_state[k].tobytes() == tr.optimizer_state[k].tobytes()
        assert back.optimizer_state[k].shape == (tr.cfg.n_weights,)


def test_the_npz_layout_of_the_state():
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.01, optimizer="adam"))
    _, arrays = _npz_with_meta(bio.run_from_trainer(tr, data), lambda meta: None)
    meta = json.loads(str(arrays["meta"][()]))
    assert meta["optimizer_state"] == {"t": 4}
    assert arrays["optimizer_m"].shape == arrays["optimizer_v"].shape == (tr.cfg.n_weights,)
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.1))  # gd: nothing to keep
    _, arrays = _npz_with_meta(bio.run_from_trainer(tr, data), lambda meta: None)
    assert json.loads(str(arrays["meta"][()]))["optimizer_state"] == {}
    assert not [k for k in arrays if k.startswith("optimizer_")]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_files_without_the_state_still_load_and_resume_fresh(fmt):
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.1, optimizer="momentum"))
    run = bio.run_from_trainer(tr, data)
    if fmt == "json":
        doc = json.loads(bio.to_json(run))
        del doc["optimizer_state"]
        back = bio.from_json(json.dumps(doc))
    else:
        buf = io.BytesIO()
        bio.save_npz(run, buf)
        with np.load(io.BytesIO(buf.getvalue()), allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files if k != "optimizer_v"}
        meta = json.loads(str(arrays["meta"][()]))
        del meta["optimizer_state"]
        arrays["meta"] = np.array(json.dumps(meta))
        out = io.BytesIO()
        np.savez_compressed(out, **arrays)
        back = bio.load_npz(out.getvalue())
    assert back.optimizer_state is None
    resumed = bio.restore_trainer(back, np.random.default_rng(0))
    assert np.array_equal(resumed.optimizer_state["v"], np.zeros(tr.cfg.n_weights))
    assert resumed.run_epoch()


def _adam_doc():
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.01, optimizer="adam"))
    return json.loads(bio.to_json(bio.run_from_trainer(tr, data)))


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda s: s.pop("m"), "gives the vectors 'v', but 'adam' keeps 'm', 'v'"),
        (lambda s: s.update(w=[0.0] * 17), "gives the vectors 'm', 'v', 'w'"),
        (
            lambda s: s.update(m=[0.0] * 5),
            r"the optimizer's m should hold one number per weight \(17\)",
        ),
        (lambda s: s.update(t=99), "step count t is 99, more than the run's 4 gradient steps"),
        (lambda s: s.update(t=-1), "step count t should be at least 0"),
        (lambda s: s.update(t="4"), "step count t should be a whole number"),
        (lambda s: s.pop("t"), "The optimizer state is missing 't'"),
        (lambda s: s.update(beta=0.9), "The optimizer state has fields .* does not know: 'beta'"),
        (lambda s: s.update(m=["x"] * 17), "should hold numbers only"),
        (lambda s: s.update(v=[[0.0]] * 17), "should hold numbers only"),
    ],
)
def test_a_bad_optimizer_state_in_json_is_refused_in_words(edit, match):
    doc = _adam_doc()
    edit(doc["optimizer_state"])
    with pytest.raises(ValueError, match="cannot be loaded as a Backprop Lab run: .*" + match):
        bio.from_json(json.dumps(doc))


def test_many_made_up_vectors_are_named_short():
    doc = _adam_doc()
    doc["optimizer_state"].update({"x" * 500 + str(i): [0.0] for i in range(50)})
    with pytest.raises(ValueError, match="and 48 more, but 'adam' keeps 'm', 'v'") as err:
        bio.from_json(json.dumps(doc))
    assert len(str(err.value)) < 300


def test_a_state_of_another_optimizer_or_not_an_object_is_refused():
    doc = _adam_doc()
    doc["settings"]["optimizer"] = "momentum"  # Adam's m, v, t under momentum's name
    with pytest.raises(ValueError, match="does not fit the optimizer 'momentum'"):
        bio.from_json(json.dumps(doc))
    doc = _adam_doc()
    doc["optimizer_state"] = [1, 2]
    with pytest.raises(ValueError, match="optimizer state should be a set of named fields"):
        bio.from_json(json.dumps(doc))


def test_a_bad_optimizer_state_in_npz_is_refused_in_words():
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.01, optimizer="adam"))
    run = bio.run_from_trainer(tr, data)
    good, arrays = _npz_with_meta(run, lambda meta: None)
    assert bio.load_npz(good).optimizer_state["t"] == 4

    def saved(edit_arrays):
        a = dict(arrays)
        edit_arrays(a)
        out = io.BytesIO()
        np.savez_compressed(out, **a)
        return out.getvalue()

    cases = [
        (lambda a: a.pop("optimizer_v"), "gives the vectors 'm', but 'adam' keeps 'm', 'v'"),
        (lambda a: a.update(optimizer_m=np.zeros(3)), r"m should hold one number per weight"),
        (lambda a: a.update(optimizer_m=np.full(17, np.nan)), "optimizer's m contains NaN"),
        (lambda a: a.update(optimizer_x=np.zeros(17)), "does not know: optimizer_x"),
    ]
    for edit, match in cases:
        with pytest.raises(ValueError, match=match):
            bio.load_npz(saved(edit))
    meta = json.loads(str(arrays["meta"][()]))
    del meta["optimizer_state"]
    with pytest.raises(ValueError, match="holds the optimizer's optimizer_m, optimizer_v but no"):
        bio.load_npz(saved(lambda a: a.update(meta=np.array(json.dumps(meta)))))


def test_a_state_that_does_not_fit_the_network_is_refused_by_restore_trainer():
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.1, optimizer="momentum"))
    run = bio.run_from_trainer(tr, data)
    with pytest.raises(ValueError, match="does not fit its optimizer 'momentum'"):
        bio.restore_trainer(
            replace(run, optimizer_state={"v": np.zeros(3)}), np.random.default_rng()
        )
    with pytest.raises(ValueError, match="does not fit its optimizer 'momentum'"):
        bio.restore_trainer(replace(run, optimizer_state={}), np.random.default_rng())


def test_a_restored_state_is_a_copy():
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.1, optimizer="momentum"))
    run = bio.run_from_trainer(tr, data)
    saved = run.optimizer_state["v"].copy()
    tr.run_epochs(1)  # the trainer goes on; the run keeps what it copied
    np.testing.assert_array_equal(run.optimizer_state["v"], saved)
    resumed = bio.restore_trainer(run, np.random.default_rng())
    before = run.optimizer_state["v"].copy()
    resumed.run_epochs(2)
    np.testing.assert_array_equal(run.optimizer_state["v"], before)


def test_an_infinite_state_is_left_out_rather_than_refusing_to_save():
    tr, data = _run(bp.NetConfig((2, 4, 1)), TrainSettings(alpha=0.01, optimizer="adam"))
    tr.optimizer_state = {**tr.optimizer_state, "v": np.full(tr.cfg.n_weights, np.inf)}
    run = bio.run_from_trainer(tr, data)
    assert run.optimizer_state is None
    assert _json(run).optimizer_state is None and _npz(run).optimizer_state is None
