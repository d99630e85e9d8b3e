"""The frame as declared in lab_ui.live.frame: every part's fields and shapes, the version,
the per-client layer over a frame built once, and the history's one bound."""

from __future__ import annotations

import json
import re
import types
import typing
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from bp_core import NetConfig, init_weights
from bp_core.datasets import make_dataset
from bp_core.training import History, Trainer, TrainSettings
from lab_ui.live import frames
from lab_ui.live.channel import protocol
from lab_ui.live.frame import (
    FRAME_VERSION,
    HISTORY_COLUMNS,
    ClientState,
    Message,
    Status,
    View,
    ViewSettings,
    client_row_bound,
)

ROOT = Path(__file__).resolve().parents[1]


def _trainer(ds, sizes=(2, 5, 3, 1), act="tanh", output="sigmoid", loss="cross_entropy", **kw):
    cfg = NetConfig(layer_sizes=sizes, hidden_activation=act, output=output, loss=loss)
    Theta = init_weights(cfg, np.random.default_rng(1))
    return Trainer(cfg, Theta, ds, TrainSettings(alpha=1.0, **kw), np.random.default_rng(2))


def _run(tr, ds, uirev="u"):
    return SimpleNamespace(dataset=ds, trainer=tr, uirev=uirev)


@pytest.fixture(scope="module")
def circle():
    rng = np.random.default_rng(0)
    return make_dataset("circle", n=120, noise=0.1, train_fraction=0.5, rng=rng, standardize=True)


# ---------------------------------------------------------------------------------------------
# Every part has the fields the declaration names, of the declared types
# ---------------------------------------------------------------------------------------------


def _conforms(value, tp, where="frame"):
    """Assert ``value`` is of the declared type ``tp`` (TypedDicts: exactly their keys)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if typing.is_typeddict(tp):
        assert isinstance(value, dict), f"{where} is not an object"
        hints = typing.get_type_hints(tp)
        missing = tp.__required_keys__ - value.keys()
        assert not missing, f"{where} lacks {sorted(missing)}"
        extra = value.keys() - hints.keys()
        assert not extra, f"{where} has undeclared {sorted(extra)}"
        for k, v in value.items():
            _conforms(v, hints[k], f"{where}.{k}")
    elif origin in (typing.Union, types.UnionType):
        problems = []
        for alt in args:
            try:
                _conforms(value, alt, where)
                return
            except AssertionError as err:
                problems.append(str(err))
        raise AssertionError(f"{where}: none of {args} fits: {problems}")
    elif origin is typing.Literal:
        assert value in args, f"{where} = {value!r} is not one of {args}"
    elif origin is list:
        assert isinstance(value, list), f"{where} is not a list"
        for i, v in enumerate(value):
            _conforms(v, args[0], f"{where}[{i}]")
    elif tp is type(None):
        assert value is None, f"{where} is not null"
    elif tp is float:
        assert isinstance(value, int | float) and not isinstance(value, bool), where
    elif tp is int or tp is bool or tp is str:
        assert type(value) is tp, f"{where} = {value!r} is not {tp.__name__}"
    else:
        raise AssertionError(f"{where}: the test does not know the type {tp}")


def _messages():
    """Messages of every kind the view gets: forward and backward, binary, multiclass and
    regression boundaries, a plane-less data set, the chain-rule panel open, an example."""
    rng = np.random.default_rng(3)
    circle = make_dataset("circle", n=80, noise=0.1, rng=rng, standardize=True)
    blobs = make_dataset("blobs", n=90, noise=0.1, rng=rng, standardize=True)
    plane = make_dataset("plane", n=60, noise=0.1, rng=rng, standardize=True)
    digits = make_dataset("digits", rng=np.random.default_rng(0))
    cases = [
        (circle, {}, {"mode": "forward"}, None),
        (circle, {}, {"mode": "backward", "example": 3}, (2, 1, 0)),
        (blobs, {"sizes": (2, 4, 3), "output": "softmax"}, {"mode": "backward"}, None),
        (plane, {"sizes": (2, 3, 1), "output": "linear", "loss": "mse"}, {}, (1, 2, 1)),
        (digits, {"sizes": (64, 8, 10), "output": "softmax"}, {"mode": "backward"}, None),
    ]
    out = []
    for ds, net, settings, chain in cases:
        tr = _trainer(ds, **net)
        tr.run_epochs(3)
        view = View(ViewSettings(**settings), chain=chain, res=12)
        status = Status(rev=4, line="epoch 3", notice="hi", events=("stepped",))
        out.append((ds, tr, frames.build_frame(_run(tr, ds), view, status).message()))
    return out


@pytest.fixture(scope="module")
def messages():
    return _messages()


def test_every_part_has_its_declared_fields_and_types(messages):
    for _, _, msg in messages:
        _conforms(msg, Message)
    kinds = {msg["boundary"]["kind"] for _, _, msg in messages if msg["boundary"]}
    assert kinds == {"binary", "multiclass", "value"}
    assert any(msg["chain"] for _, _, msg in messages)
    assert any("no_plane" in msg for _, _, msg in messages)


def test_every_part_has_its_declared_shapes(messages):
    for ds, tr, msg in messages:
        sizes = list(tr.cfg.layer_sizes)
        L = len(sizes)
        net = msg["net"]
        assert net["sizes"] == sizes and net["m"] == ds.m_train
        for key in ("acts", "acts_short", "names", "nodes", "z", "center", "scale"):
            assert len(net[key]) == L, key
        for l in range(L - 1):  # Θ^(l+1) or D^(l+1): (s_{l+2}, s_{l+1} + 1)
            assert frames.decode_f32(net["edges"][l]).size == sizes[l + 1] * (sizes[l] + 1)
        assert len(net["edges"]) == L - 1
        for l in range(L):
            for key in ("nodes", "z") + (("absmean",) if net["mode"] == "backward" else ()):
                if net[key][l] is not None:
                    assert frames.decode_f32(net[key][l]).size == sizes[l], (key, l)
        if net["mode"] == "backward":
            assert net["nodes"][0] is None and len(net["scale_layer"]) == L
        b = msg["boundary"]
        if b is not None:
            cells = b["nx"] * b["ny"]
            assert frames.decode_u8(b["q"], b["lo"], b["hi"]).size == cells
            if b["kind"] == "multiclass":
                assert len(frames.decode_u8(b["cls"], 0, 255)) == cells
            r = msg["maps"]["res"]
            assert [m["l"] for m in msg["maps"]["layers"]] == list(range(2, L + 1))
            for m, units in zip(msg["maps"]["layers"], sizes[1:], strict=True):
                assert m["units"] == units
                assert frames.decode_u8(m["q"], m["lo"], m["hi"]).size == units * r * r
            pts = msg["points"]
            for part, n in (("train", ds.m_train), ("test", len(ds.raw_test))):
                assert {len(v) for v in pts[part].values()} == {n}
        else:
            assert msg["maps"] is None and msg["points"] is None and msg["draw"] is None
        h, n = msg["history"], len(tr.history)
        assert all(len(h[c]) == n for c in HISTORY_COLUMNS)
        assert len(h["grad_norm"]) == L - 1 and all(len(g) == n for g in h["grad_norm"])
        if msg["chain"] is not None:
            assert len(msg["chain"]["w"]) == 3 and len(msg["chain"]["top"]) <= frames.CHAIN_TOP


def test_the_status_and_the_view_travel_as_given(messages):
    _, _, msg = messages[1]
    assert (msg["rev"], msg["status"], msg["notice"], msg["events"]) == (
        4,
        "epoch 3",
        "hi",
        ["stepped"],
    )
    assert msg["net"]["example"] == 2 and msg["marked"] and msg["t"] == "frame"


def test_the_version_is_declared_once_and_sent(messages):
    assert frames.FRAME_VERSION == FRAME_VERSION  # frames reads the declaration's
    assert all(msg["version"] == FRAME_VERSION for _, _, msg in messages)
    assert all("schema" not in msg for _, _, msg in messages)


def test_a_weight_the_network_lacks_gives_no_chain_and_says_why(circle):
    tr = _trainer(circle)
    f = frames.build_frame(_run(tr, circle), View(chain=(9, 1, 0), res=8), Status(notice="x"))
    assert f.chain is None and "Θ^(9)" in f.status.notice


# ---------------------------------------------------------------------------------------------
# Built once, served to many clients: each gets only what it lacks
# ---------------------------------------------------------------------------------------------


def _apply(kept: dict, msg: dict) -> dict:
    """What a client keeps after ``msg``: the live view's merge (frame.js mergeFrame), with
    no cap of its own."""
    out = dict(kept)
    if msg["points"] != "same":
        out["points"] = msg["points"]
    h = msg["history"]
    if h == "same":
        pass
    elif "append" in h:
        rows = h["append"]
        old = out["history"]
        new = {c: old[c] + rows[c] for c in HISTORY_COLUMNS}
        pairs = zip(old["grad_norm"], rows["grad_norm"], strict=True)
        out["history"] = new | {
            "grad_norm": [a + b for a, b in pairs],
            "metric_name": old["metric_name"],
            "metric_percent": old["metric_percent"],
        }
    else:
        out["history"] = h
    return out


def test_one_frame_serves_two_clients_each_what_it_lacks(circle):
    tr = _trainer(circle)
    run = _run(tr, circle)
    tr.run_epochs(10)
    behind = ClientState()  # has the points and the rows up to epoch 10
    kept_behind = _apply({}, protocol.unpack(frames.build_frame(run).for_client(behind)))
    assert behind.rows == 11 and behind.points is not None
    tr.run_epochs(5)

    frame = frames.build_frame(run)  # built once
    new = ClientState()
    a = protocol.unpack(frame.for_client(new))
    b = protocol.unpack(frame.for_client(behind))
    # the new client gets the points and the whole history
    assert a["points"]["train"]["x"] and a["history"]["epoch"] == list(range(16))
    # the other one only the rows it lacks, and no points
    assert b["points"] == "same" and b["history"]["append"]["epoch"] == [11, 12, 13, 14, 15]
    assert len(b["history"]["append"]["grad_norm"]) == tr.cfg.L - 1
    # everything else is the same message
    shared = {k: v for k, v in a.items() if k not in ("points", "history")}
    assert shared == {k: v for k, v in b.items() if k not in ("points", "history")}
    # both now hold the same rows
    kept_behind = _apply(kept_behind, b)
    assert kept_behind["history"] == a["history"]
    assert (new.rows, new.last_row) == (behind.rows, behind.last_row) == (16, frame.last_row)
    # and the same frame again brings them nothing new
    for client in (new, behind):
        again = frame.message(client)
        assert again["points"] == "same" and again["history"] == "same"


def test_the_wire_message_is_the_protocols_layout_without_binary_values(circle):
    tr = _trainer(circle)
    frame = frames.build_frame(_run(tr, circle), View(res=8))
    data = frame.for_client(ClientState())
    (n,) = np.frombuffer(data[:4], dtype="<u4")
    assert (4 + n) % 4 == 0 and len(data) == 4 + n  # the header alone: nothing after it
    assert b'"$b"' not in data
    assert protocol.unpack(data) == frame.message()
    json.loads(data[4:])  # one JSON object, blanks after it


def test_new_data_points_are_sent_again(circle):
    import dataclasses

    tr = _trainer(circle)
    client = ClientState()
    frames.build_frame(_run(tr, circle)).for_client(client)
    assert frames.build_frame(_run(tr, circle)).message(client)["points"] == "same"
    other = dataclasses.replace(circle)  # a new Dataset object: new points (a drawn point)
    msg = frames.build_frame(_run(tr, other)).message(client)
    assert msg["points"] != "same" and len(msg["points"]["train"]["x"]) == circle.m_train


def test_a_frame_sends_the_rows_it_was_built_with_or_refuses(circle):
    tr = _trainer(circle)
    tr.run_epochs(2)
    frame = frames.build_frame(_run(tr, circle))
    tr.run_epochs(1)  # a row recorded after the frame was built is not in it
    assert frame.message()["history"]["epoch"] == [0, 1, 2]
    later = frames.build_frame(_run(tr, circle))
    tr.set_weight(1, 1, 0, 0.5)  # its last row recorded again: the frame's rows are gone
    with pytest.raises(RuntimeError, match="before the run trains again"):
        later.for_client(ClientState())


# ---------------------------------------------------------------------------------------------
# The history's one bound
# ---------------------------------------------------------------------------------------------


def test_the_client_bound_is_twice_the_historys_and_the_views_cap_holds_it():
    assert History.max_rows == 2000
    assert client_row_bound(History(metric_name="accuracy")) == 4000
    js = (ROOT / "backprop_lab" / "live_view" / "frame.js").read_text(encoding="utf-8")
    cap = re.search(r"MAX_CURVE_POINTS\s*=\s*(\d+)", js)
    if cap:  # the view never has to thin what the server sends
        assert int(cap.group(1)) >= client_row_bound(History(metric_name="accuracy"))


def _keys(h: dict) -> list[tuple]:
    return list(zip(h["epoch"], h["J_train"], strict=True))


@pytest.mark.parametrize("seed", [0, 1])
def test_a_client_never_holds_more_than_the_bound_and_misses_no_row(circle, seed):
    """A long run, a History that thins often (max_rows 40), frames of 1 to 30 epochs, a
    time travel and a weight set by hand: the client's rows stay within 2 × 40, in order,
    end with the History's last row and include every row the History still has."""
    tr = _trainer(circle, sizes=(2, 3, 1))
    tr.history.max_rows = 40
    bound = client_row_bound(tr.history)
    assert bound == 80
    client, kept = ClientState(), {}
    rng = np.random.default_rng(seed)
    wholes = 0
    for k in range(120):
        if k == 60:
            tr.restore(tr.timeline()[len(tr.timeline()) // 2][0])  # back in time, then on
        elif k == 90:
            tr.set_weight(1, 1, 0, 0.1)  # the last row is recorded again
        else:
            tr.run_epochs(int(rng.integers(1, 31)))
        msg = protocol.unpack(frames.build_frame(_run(tr, circle), View(res=4)).for_client(client))
        wholes += isinstance(msg["history"], dict) and "metric_name" in msg["history"]
        kept = _apply(kept, msg)
        rows = _keys(kept["history"])
        h = tr.reached_history  # while rewound the whole history (the view marks the epoch)
        assert len(rows) <= bound and client.rows == len(rows)
        assert [e for e, _ in rows] == sorted({e for e, _ in rows})  # in order, no repeats
        assert rows[-1] == (h.epoch[-1], float(f"{h.J_train[-1]:.6g}"))
        assert set(
            _keys({"epoch": h.epoch, "J_train": [float(f"{v:.6g}") for v in h.J_train]})
        ) <= set(rows)
    assert 3 <= wholes < 60  # whole again now and then, new rows most of the time


def test_missing_history_values_travel_as_null(circle):
    """No test set (NaN), a non-finite value and rows without gradients (an imported file
    may lack them) reach the view as null, never as NaN, which JSON has not."""
    tr = _trainer(circle)
    tr.run_epochs(3)
    h = tr.history
    h.metric_test[1], h.J_test[2] = float("nan"), float("inf")
    del h.grad_norm[2:]  # the last two rows have no gradients
    data = frames.build_frame(_run(tr, circle), View(res=4)).for_client(ClientState())
    msg = json.loads(data[4:], parse_constant=pytest.fail)  # strict JSON: no NaN in it
    rows = msg["history"]
    assert rows["metric_test"][1] is None and rows["J_test"][2] is None
    assert [g[2:] for g in rows["grad_norm"]] == [[None, None]] * (tr.cfg.L - 1)
    assert all(len(g) == 4 for g in rows["grad_norm"])
