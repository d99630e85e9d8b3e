"""Frames for the live view: shapes, value ranges, quantization round trip, compact size."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from bp_core import NetConfig, backprop, encode_targets, forward, init_weights
from bp_core.datasets import make_dataset
from bp_core.training import Trainer, TrainSettings
from lab_ui.live import frames
from lab_ui.live.frame import View, ViewSettings
from lab_ui.shared.text import tex_to_text


@pytest.fixture(scope="module")
def circle():
    return make_dataset(
        "circle",
        n=200,
        noise=0.1,
        train_fraction=0.5,
        rng=np.random.default_rng(0),
        standardize=True,
    )


def _trainer(ds, sizes=(2, 4, 2, 1), act="tanh", output="sigmoid", loss="cross_entropy"):
    cfg = NetConfig(layer_sizes=sizes, hidden_activation=act, output=output, loss=loss)
    Theta = init_weights(cfg, np.random.default_rng(1))
    return Trainer(cfg, Theta, ds, TrainSettings(alpha=1.0), np.random.default_rng(2))


# ---------------------------------------------------------------------------------------------
# Packing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lo", "hi"), [(0.0, 1.0), (-1.0, 1.0), (-3.5, 12.25)])
def test_u8_round_trip_error_is_at_most_half_a_step(lo, hi):
    v = np.random.default_rng(0).uniform(lo, hi, size=1000)
    back = frames.decode_u8(frames.encode_u8(v, lo, hi), lo, hi)
    assert back.shape == v.shape
    assert np.max(np.abs(back - v)) <= (hi - lo) / 510 + 1e-12


def test_u8_clips_and_maps_nan_to_low_end():
    back = frames.decode_u8(frames.encode_u8(np.array([-5.0, 0.5, 7.0, np.nan]), 0, 1), 0, 1)
    assert back[0] == 0.0 and back[2] == 1.0 and back[3] == 0.0
    assert abs(back[1] - 0.5) <= 1 / 510


def test_f32_round_trip_is_float32_exact():
    v = np.array([[1.0, -2.5e-7, 3.14159265], [1e10, 0.0, -0.0]])
    back = frames.decode_f32(frames.encode_f32(v))
    np.testing.assert_array_equal(back, v.astype(np.float32).ravel())


def test_plane_grid_rows_are_x2_and_include_the_edges():
    g = frames.plane_grid((-6, 6, -6, 6), 4)  # (16, 2)
    assert g.shape == (16, 2)
    np.testing.assert_allclose(g[:4, 0], [-6, -2, 2, 6])  # x1 runs along a row
    np.testing.assert_allclose(g[::4, 1], [-6, -2, 2, 6])  # x2 grows row by row


@pytest.mark.parametrize(
    ("task", "k", "output", "expected"),
    [
        ("classification", 2, "sigmoid", 1),
        ("classification", 2, "softmax", 2),
        ("classification", 3, "sigmoid", 3),
        ("regression", 0, "linear", 1),
    ],
)
def test_n_outputs(task, k, output, expected):
    assert frames.n_outputs(task, k, output) == expected


# ---------------------------------------------------------------------------------------------
# The frame
# ---------------------------------------------------------------------------------------------


def _run(tr, ds, uirev="u"):
    """What a frame is built from (a Lab has these three)."""
    return SimpleNamespace(dataset=ds, trainer=tr, uirev=uirev)


def _frame(tr, ds, *, example=-1, res=None, map_stride=None, **settings):
    """The message a new client gets; ``example`` 0-based as on the wire (−1: the batch)."""
    view = View(ViewSettings(example=example + 1, **settings), res=res, map_stride=map_stride)
    return frames.build_frame(_run(tr, ds), view).message()


def test_frame_is_json_and_compact(circle):
    tr = _trainer(circle)
    tr.run_epochs(30)
    f = _frame(tr, circle)
    text = json.dumps(f, allow_nan=False)  # no NaN/inf may reach the browser
    assert len(text) < 40_000  # a small network's frame stays small
    assert f["version"] == frames.FRAME_VERSION and f["epoch"] == 30
    # g's symbol per layer comes from its registry entry ("" for the input layer)
    assert f["net"]["acts_short"] == ["", *(tex_to_text(u.symbol) for u in tr.cfg.units[1:])]
    assert f["net"]["acts_short"][1] and len(f["net"]["acts_short"]) == len(f["net"]["acts"])


def test_boundary_matches_bp_core_forward(circle):
    tr = _trainer(circle)
    tr.run_epochs(20)
    res = 20
    f = _frame(tr, circle, res=res)
    b = f["boundary"]
    assert (b["nx"], b["ny"], b["kind"]) == (res, res, "binary")
    grid = frames.plane_grid(frames.plane_extent(circle), res)
    h = forward(tr.cfg, tr.Theta, circle.inputs_from_plane(grid)).a[-1][:, 0]  # (res²,)
    got = frames.decode_u8(b["q"], b["lo"], b["hi"])
    assert got.shape == (res * res,)
    assert np.max(np.abs(got - h)) <= 1 / 510 + 1e-12


def test_network_forward_values_are_means_of_a(circle):
    tr = _trainer(circle)
    f = _frame(tr, circle, mode="forward")
    net = f["net"]
    assert net["sizes"] == [2, 4, 2, 1]
    trace = forward(tr.cfg, tr.Theta, circle.X_train)
    for l, a in enumerate(trace.a):
        np.testing.assert_allclose(frames.decode_f32(net["nodes"][l]), a.mean(axis=0), rtol=1e-6)
    for l, T in enumerate(tr.Theta):
        edges = frames.decode_f32(net["edges"][l])
        assert edges.size == T.size  # bias column included: (s_{l+1}, s_l + 1)
        np.testing.assert_allclose(edges, T.ravel(), rtol=1e-6)


def test_network_backward_one_example_uses_its_gradient(circle):
    tr = _trainer(circle)
    i = 7
    f = _frame(tr, circle, mode="backward", example=i)
    net = f["net"]
    assert net["example"] == i and net["nodes"][0] is None  # no δ^(1)
    Y = encode_targets(tr.cfg, circle.y_train)
    trace = backprop(tr.cfg, tr.Theta, circle.X_train[i : i + 1], Y[i : i + 1])
    for l, D in enumerate(trace.D):
        np.testing.assert_allclose(frames.decode_f32(net["edges"][l]), D.ravel(), rtol=1e-5)
    np.testing.assert_allclose(frames.decode_f32(net["nodes"][-1]), trace.delta[-1][0], rtol=1e-5)


def test_maps_cover_every_hidden_and_output_unit(circle):
    tr = _trainer(circle, sizes=(2, 5, 3, 1))
    f = _frame(tr, circle, res=20, map_stride=2)
    maps = f["maps"]
    assert maps["res"] == 10
    assert [m["l"] for m in maps["layers"]] == [2, 3, 4]
    for m, units in zip(maps["layers"], (5, 3, 1), strict=True):
        q = frames.decode_u8(m["q"], m["lo"], m["hi"])
        assert q.shape == (units * 10 * 10,)
        assert m["lo"] <= q.min() and q.max() <= m["hi"]


def test_history_is_sent_as_the_trainer_keeps_it(circle):
    """No second thinning: a new client gets every row of the History, to 6 digits."""
    tr = _trainer(circle)
    tr.run_epochs(900)
    h, rows = _frame(tr, circle, res=8)["history"], tr.history
    assert h["epoch"] == rows.epoch and h["epoch"][-1] == 900 and h["epoch"][0] == 0
    assert len(h["grad_norm"]) == tr.cfg.L - 1  # one curve per Θ^(l)
    assert all(len(c) == len(rows) for c in h["grad_norm"])
    np.testing.assert_allclose(h["J_train"], rows.J_train, rtol=5e-6)
    np.testing.assert_allclose(h["grad_norm"][0], [g[0] for g in rows.grad_norm], rtol=5e-6)
    assert h["J_test"] == [float(f"{v:.6g}") for v in rows.J_test]
    assert h["metric_name"] == "accuracy"


def test_multiclass_and_regression_boundaries():
    rng = np.random.default_rng(3)
    blobs = make_dataset("blobs", n=150, noise=0.1, rng=rng, standardize=True)
    tr = _trainer(blobs, sizes=(2, 4, 3), output="softmax")
    b = _frame(tr, blobs, res=16)["boundary"]
    assert b["kind"] == "multiclass"
    cls = np.frombuffer(__import__("base64").b64decode(b["cls"]), dtype=np.uint8)
    assert cls.shape == (256,) and cls.max() < 3

    plane = make_dataset("plane", n=100, noise=0.1, rng=rng, standardize=True)
    tr = _trainer(plane, sizes=(2, 3, 1), output="linear", loss="mse")
    f = _frame(tr, plane, res=16)
    assert f["boundary"]["kind"] == "value" and f["history"]["metric_name"] == "R²"
    json.dumps(f, allow_nan=False)


def test_deep_sigmoid_frame_is_json_and_not_huge(circle):
    tr = _trainer(circle, sizes=(2, *(32,) * 8, 1), act="sigmoid")
    tr.run_epochs(2)
    for mode in ("forward", "backward"):
        f = _frame(tr, circle, mode=mode, res=30)
        text = json.dumps(f, allow_nan=False)
        assert len(text) < 200_000


def test_digits_has_no_plane():
    ds = make_dataset("digits", rng=np.random.default_rng(0))
    tr = _trainer(ds, sizes=(64, 8, 10), output="softmax")
    f = _frame(tr, ds)
    assert f["boundary"] is None and f["maps"] is None and "no_plane" in f
    assert f["net"]["sizes"] == [64, 8, 10]


def test_map_ranges_come_from_the_registry(circle):
    """σ maps onto (0, 1), tanh onto (−1, 1) (their value_range); ReLU's range is the data's."""
    tr = _trainer(circle, sizes=(2, 3, 3, 3, 1), act=("sigmoid", "tanh", "relu"))
    layers = _frame(tr, circle, res=10)["maps"]["layers"]
    assert [(m["lo"], m["hi"]) for m in layers[:2]] == [(0.0, 1.0), (-1.0, 1.0)]
    assert layers[2]["lo"] == 0.0 and layers[2]["hi"] > 0  # ReLU ≥ 0: from 0 to its largest
    net = _frame(tr, circle, mode="forward")["net"]
    assert net["center"][1:3] == [0.5, 0.0] and net["scale"][1:3] == [0.5, 1.0]


def test_discretize_applies_to_classification_only(circle):
    tr = _trainer(circle)
    assert _frame(tr, circle, discretize=True, res=8)["view"]["discretize"] is True
    plane = make_dataset("plane", n=60, noise=0.1, rng=np.random.default_rng(0))
    trp = _trainer(plane, sizes=(2, 3, 1), output="linear", loss="mse")
    assert _frame(trp, plane, discretize=True, res=8)["view"]["discretize"] is False


def test_names_from_the_data_are_cut_short():
    import dataclasses

    ds = make_dataset("circle", n=60, noise=0.1, rng=np.random.default_rng(0))
    long = "<img src=x>" + "a" * 200
    ds = dataclasses.replace(
        ds, name="mine.csv", feature_names=(long, "b"), class_names=(long, "1")
    )
    tr = _trainer(ds, sizes=(2, 3, 1))
    f = _frame(tr, ds, res=8)
    assert all(len(n) <= 41 for n in f["boundary"]["axis"] + f["net"]["names"][0])
    assert f["boundary"]["axis"][0].startswith("<img src=x>a")  # text for the view, not markup


# ---------------------------------------------------------------------------------------------
# The chain rule of one weight
# ---------------------------------------------------------------------------------------------


def _chain_trainer(ds, *, lambda_=0.0, reg="l2", optimizer="gd", batch=None, epochs=3):
    cfg = NetConfig(
        layer_sizes=(2, 4, 3, 1),
        activations=("tanh", "sigmoid"),
        output="sigmoid",
        loss="cross_entropy",
        lambda_=lambda_,
        regularization=reg,
    )
    Theta = init_weights(cfg, np.random.default_rng(4))
    settings = TrainSettings(alpha=0.3, batch_size=batch, optimizer=optimizer)
    tr = Trainer(cfg, Theta, ds, settings, np.random.default_rng(5))
    tr.run_epochs(epochs)
    tr.step()  # a mini-batch run ends inside an epoch, on a shuffled batch
    return tr


@pytest.mark.parametrize(
    ("lambda_", "reg", "batch"),
    [(0.0, "l2", None), (0.7, "l2", None), (0.7, "l1", None), (0.7, "l2", 16)],
)
@pytest.mark.parametrize("weight", [(1, 2, 0), (1, 3, 2), (2, 1, 4), (3, 1, 0), (3, 1, 3)])
def test_chain_part_numbers_are_bp_cores_D(circle, lambda_, reg, batch, weight):
    tr = _chain_trainer(circle, lambda_=lambda_, reg=reg, batch=batch)
    c = frames.chain_part(tr, weight)
    l, j, k = weight
    Xb, Yb = tr.last_batch
    trace = backprop(tr.cfg, tr.Theta, Xb, Yb)
    D = trace.D[l - 1][j - 1, k]
    terms = trace.weight_contributions(l, j, k)  # (m,)
    m = Xb.shape[0]
    assert c["m"] == m == (tr.m if batch is None else 16) and c["full"] is (batch is None)
    assert c["D"] == pytest.approx(D, abs=1e-12, rel=1e-12)
    assert c["sum"] == pytest.approx(float(terms.sum()), abs=1e-12)
    assert c["mean"] == pytest.approx(c["sum"] / m, abs=1e-15)
    if k == 0:  # the bias is never regularized: no λ term at all
        assert c["reg_term"] is None
        assert c["mean"] == pytest.approx(c["D"], abs=1e-12)
    else:
        theta = tr.Theta[l - 1][j - 1, k]
        expect = lambda_ / m * (np.sign(theta) if reg == "l1" else theta)
        assert c["reg_term"] == pytest.approx(expect, abs=1e-15)
        assert c["mean"] + c["reg_term"] == pytest.approx(c["D"], abs=1e-12)
        assert ("sign" in c["reg_formula"]) is (reg == "l1")
    # the listed terms are the largest |δ a|, each δ times a, and name their example
    big = np.sort(np.abs(terms))[::-1][: frames.CHAIN_TOP]
    np.testing.assert_allclose([abs(t["product"]) for t in c["top"]], big, rtol=0, atol=1e-15)
    for t in c["top"]:
        assert t["product"] == pytest.approx(t["delta"] * t["a"], abs=1e-15)
        if k == 0:
            assert t["a"] == 1.0  # the bias unit a_0 = 1
        np.testing.assert_array_equal(tr.X_train[t["i"] - 1], Xb[t["row"] - 1])
    json.dumps(c, allow_nan=False)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_chain_update_is_the_trainers_next_full_batch_step(circle, optimizer):
    tr = _chain_trainer(circle, lambda_=0.2, optimizer=optimizer)
    c = frames.chain_part(tr, (2, 3, 1))
    before = tr.Theta[1][2, 1]
    assert c["theta"] == before
    tr.step()
    assert c["after"] == pytest.approx(tr.Theta[1][2, 1], abs=1e-12)
    assert c["change"] == pytest.approx(tr.Theta[1][2, 1] - before, abs=1e-12)
    if optimizer == "gd":  # the rule's change is −α D itself: nothing to compare it with
        assert c["gd_change"] is None
        assert c["change"] == pytest.approx(-0.3 * c["D"], abs=1e-15)
    else:  # momentum and Adam: their change beside what −α D alone would be
        assert c["gd_change"] == pytest.approx(-0.3 * c["D"], abs=1e-15)
        assert c["change"] != pytest.approx(c["gd_change"], rel=1e-9)


def test_chain_part_refuses_a_weight_the_network_lacks(circle):
    tr = _chain_trainer(circle, epochs=0)
    for w in [(4, 1, 0), (1, 5, 0), (1, 1, 3)]:
        with pytest.raises(ValueError, match="no"):
            frames.chain_part(tr, w)


def test_registry_formulas_read_as_plain_text():
    from bp_core.config import REGULARIZATIONS
    from bp_core.optimizers import OPTIMIZERS

    formulas = [o.formula for o in OPTIMIZERS.values()]
    formulas += [r.D_term.replace("{(l)}", "{(2)}") for r in REGULARIZATIONS.values()]
    for tex in formulas:
        plain = frames.tex_plain(tex)
        assert not set(plain) & set("\\{}^_"), (tex, plain)
    assert frames.tex_plain(OPTIMIZERS["gd"].formula) == "Θ := Θ − α D"
    assert frames.tex_plain(r"\frac{\lambda}{m}\Theta^{(2)}_{1,0}") == "(λ/m)Θ⁽²⁾₁,₀"


def test_chain_part_for_softmax_and_regression_nets():
    rng = np.random.default_rng(3)
    blobs = make_dataset("blobs", n=90, noise=0.1, rng=rng, standardize=True)
    plane = make_dataset("plane", n=60, noise=0.1, rng=rng, standardize=True)
    for ds, sizes, output, loss in [
        (blobs, (2, 4, 3), "softmax", "cross_entropy"),
        (plane, (2, 3, 1), "linear", "mse"),
    ]:
        tr = _trainer(ds, sizes=sizes, output=output, loss=loss)
        tr.run_epochs(2)
        c = frames.chain_part(tr, (2, sizes[-1], 1))
        Xb, Yb = tr.last_batch
        D = backprop(tr.cfg, tr.Theta, Xb, Yb).D[1][sizes[-1] - 1, 1]
        assert c["D"] == pytest.approx(D, abs=1e-12) and len(c["top"]) == 3
        json.dumps(c, allow_nan=False)
