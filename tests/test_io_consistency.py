"""Imported runs are consistent: a file whose counters contradict each other (more epochs
than gradient steps, history rows out of order or after the run, more rows than epochs, an
optimizer step count beyond the steps) is refused with the contradiction in a sentence, and
every state a real trainer reaches — full batch, mini-batches with a partial last one,
stopped mid-epoch, diverged, rewound, edited, batch size or data changed mid-run, imported
and trained on — loads (a property test over random real runs, saved as .json and .npz)."""

from __future__ import annotations

import io
import json
import warnings
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_core import datasets as ds
from bp_core import io as bio
from bp_core.config import NetConfig
from bp_core.datasets.edit import add_point
from bp_core.initializers import init_weights
from bp_core.training import Trainer, TrainSettings

# -- real runs, saved at random points --------------------------------------------------------

OPS = st.sampled_from(
    [
        "step",  # one mini-batch (leaves the run mid-epoch)
        "epoch",  # the rest of the current epoch
        "epochs",  # a few whole epochs
        "fast_forward",  # a link's replay
        "alpha",  # α changed mid-run: the epoch under way is abandoned
        "batch_size",  # batch size changed mid-run (steps per epoch change)
        "optimizer",
        "add_point",  # a point drawn: m_train changes
        "set_weight",
        "restore",  # time travel to a kept point
        "diverge",  # α far too large: training stops, Θ kept finite
        "reimport",  # saved, loaded and trained on (what an imported run does next)
    ]
)


def _trainer(data, cfg, settings, seed):
    Theta = init_weights(cfg, np.random.default_rng(seed), "xavier")
    return Trainer(cfg, Theta, data, settings, np.random.default_rng(seed + 1))


def _apply(op: str, tr: Trainer, data, draw) -> tuple[Trainer, object]:
    if op == "step":
        for _ in range(draw(st.integers(1, 7))):
            tr.step()
    elif op == "epoch":
        tr.run_epoch()
    elif op == "epochs":
        tr.run_epochs(draw(st.integers(1, 4)))
    elif op == "fast_forward":
        tr.fast_forward(draw(st.integers(1, 6)))
    elif op == "alpha":
        tr.with_settings(replace(tr.settings, alpha=draw(st.sampled_from([0.01, 0.3, 1.0]))))
    elif op == "batch_size":
        bs = draw(st.sampled_from([None, 1, 3, 7, 10, 1000]))
        tr.with_settings(replace(tr.settings, batch_size=bs))
    elif op == "optimizer":
        opt = draw(st.sampled_from(["gd", "momentum", "adam"]))
        tr.with_settings(replace(tr.settings, optimizer=opt))
    elif op == "add_point":
        x = draw(st.floats(-2, 2))
        label = draw(st.integers(0, 1)) if data.task == "classification" else x
        data = add_point(data, [x, -x / 2], label)
        tr.with_data(data)
    elif op == "set_weight":
        tr.set_weight(1, 1, 0, draw(st.floats(-3, 3)))
    elif op == "restore":
        points = tr.timeline()
        epoch, step = points[draw(st.integers(0, len(points) - 1))]
        tr.restore(epoch, step)
    elif op == "diverge":  # (a linear network on the plane does; a sigmoid one saturates)
        tr.with_settings(replace(tr.settings, alpha=1e12, optimizer="gd"))
        tr.run_epochs(3)
    elif op == "reimport":
        run = bio.from_json(bio.to_json(bio.run_from_trainer(tr, data)))
        tr = bio.restore_trainer(run, np.random.default_rng(7))
        data = run.dataset
    return tr, data


@st.composite
def real_runs(draw):
    """A real trainer driven through random operations; its Run and the trainer."""
    name = draw(st.sampled_from(["xor", "circle", "plane"]))
    data = ds.make_dataset(
        name, n=draw(st.integers(8, 40)), rng=np.random.default_rng(draw(st.integers(0, 3)))
    )
    hidden = draw(st.integers(1, 4))
    if name == "plane":  # regression: a linear network, which α too large makes diverge
        cfg = NetConfig((2, hidden, 1), hidden_activation="linear", output="linear", loss="mse")
    else:
        cfg = NetConfig((2, hidden, 1))
    settings = TrainSettings(
        alpha=draw(st.sampled_from([0.03, 0.5])),
        batch_size=draw(st.sampled_from([None, 1, 3, 7, 1000])),  # 7: a partial last batch
        optimizer=draw(st.sampled_from(["gd", "adam"])),
        record_gradients=draw(st.booleans()),
        record_every=draw(st.integers(1, 3)),
        max_snapshots=draw(st.integers(2, 6)),
    )
    tr = _trainer(data, cfg, settings, draw(st.integers(0, 50)))
    tr.history.max_rows = draw(st.sampled_from([5, 2000]))  # 5: thinning happens
    with warnings.catch_warnings():  # overflow on the way to a divergence
        warnings.simplefilter("ignore", RuntimeWarning)
        for op in draw(st.lists(OPS, max_size=10)):
            tr, data = _apply(op, tr, data, draw)
    return bio.run_from_trainer(tr, data), tr


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(real_runs())
def test_every_real_run_loads_from_json_and_npz(run_and_trainer):
    run, tr = run_and_trainer
    back = bio.from_json(bio.to_json(run))
    buf = io.BytesIO()
    bio.save_npz(run, buf)
    back_npz = bio.load_npz(buf.getvalue())
    for b in (back, back_npz):
        assert (b.epoch, b.steps) == (tr.epoch, tr.steps)
        assert b.history.epoch == run.history.epoch and b.history.step == run.history.step


def test_the_states_named_in_the_issue_all_load():
    """Full batch, a partial last mini-batch, stopped mid-epoch, diverged, batch size changed
    mid-epoch (steps ≠ epoch × steps per epoch + batch, yet real)."""
    data = ds.make_dataset("xor", n=40, rng=np.random.default_rng(0))  # 20 training examples
    cfg = NetConfig((2, 3, 1))
    runs = []
    full = _trainer(data, cfg, TrainSettings(alpha=0.5), 0)
    full.run_epochs(5)
    runs.append(full)
    partial = _trainer(data, cfg, TrainSettings(alpha=0.5, batch_size=7), 0)  # 7, 7, 6
    partial.run_epochs(2)
    partial.step()  # mid-epoch: 2 epochs, 7 steps
    runs.append(partial)
    changed = _trainer(data, cfg, TrainSettings(alpha=0.5, batch_size=3), 0)
    for _ in range(5):
        changed.step()  # 5 of 7 steps of epoch 1 ...
    changed.with_settings(replace(changed.settings, batch_size=None))  # ... abandoned
    changed.run_epochs(2)
    runs.append(changed)
    assert (partial.epoch, partial.steps) == (2, 7)
    assert (changed.epoch, changed.steps) == (2, 7)  # epoch × 1 + 0 would be 2
    saved = [bio.run_from_trainer(tr, data) for tr in runs]
    plane = ds.make_dataset("plane", n=20, rng=np.random.default_rng(0))
    linear = NetConfig((2, 3, 1), hidden_activation="linear", output="linear", loss="mse")
    for bs in (None, 3):  # J, then Θ, become infinite: at an epoch's end, and mid-epoch
        diverged = _trainer(plane, linear, TrainSettings(alpha=1e12, batch_size=bs), 0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            diverged.run_epochs(5)
        assert diverged.diverged
        runs.append(diverged)
        saved.append(bio.run_from_trainer(diverged, plane))
    assert (runs[-2].epoch, runs[-2].steps, runs[-2].history.epoch) == (3, 3, [0, 1, 2])
    assert (runs[-1].epoch, runs[-1].steps) == (0, 3)
    for tr, run in zip(runs, saved, strict=True):
        back = bio.from_json(bio.to_json(run))
        assert (back.epoch, back.steps) == (tr.epoch, tr.steps)


# -- hand-made contradictions ------------------------------------------------------------------


@pytest.fixture(scope="module")
def doc() -> dict:
    """A real run of 4 epochs in mini-batches of 5 (4 steps an epoch: 16 steps), Adam."""
    data = ds.make_dataset("circle", n=40, rng=np.random.default_rng(0))
    tr = _trainer(data, NetConfig((2, 3, 1)), TrainSettings(batch_size=5, optimizer="adam"), 0)
    tr.run_epochs(4)
    d = json.loads(bio.to_json(bio.run_from_trainer(tr, data)))
    assert (d["epoch"], d["steps"], d["history"]["epoch"]) == (4, 16, [0, 1, 2, 3, 4])
    assert d["history"]["step"] == [0, 4, 8, 12, 16]
    return d


def _with(doc: dict, **changes) -> str:
    d = json.loads(json.dumps(doc))
    history = changes.pop("history", {})
    optimizer = changes.pop("optimizer_state", {})
    d.update(changes)
    for k, v in history.items():
        d["history"][k] = v
    d["optimizer_state"].update(optimizer)
    n = len(d["history"]["epoch"])
    for k, v in d["history"].items():  # keep the other columns as long as epoch
        if isinstance(v, list) and len(v) != n:
            d["history"][k] = (v * n)[:n] if v else v
    return json.dumps(d)


def _rows(epochs: list[int], steps: list[int]) -> dict:
    """The history's epoch and step columns (the other columns are cut or repeated to fit)."""
    return {"epoch": epochs, "step": steps}


CONTRADICTIONS = [
    # the issue's example: 10¹¹ epochs in 12 gradient steps
    (
        dict(epoch=10**11, steps=12),
        ["100,000,000,000 epochs", "only 12 gradient steps", "at least one gradient step"],
    ),
    (dict(epoch=17, steps=16), ["17 epochs", "16 gradient steps"]),
    # a history longer than the epochs (rows at repeated epochs)
    (
        dict(history=_rows([0, 1, 1, 2, 2, 3, 4], [0, 4, 5, 8, 9, 12, 16])),
        ["7 rows", "4 epochs records at most 5"],
    ),
    # history epochs not increasing
    (
        dict(history=_rows([0, 2, 1, 3, 4], [0, 4, 8, 12, 16])),
        ["epochs do not increase", "row 2 is epoch 2 and row 3 epoch 1"],
    ),
    (
        dict(history=_rows([0, 1, 1, 3, 4], [0, 4, 8, 12, 16])),
        ["epochs do not increase"],
    ),
    # steps going backwards, or fewer steps than epochs between rows
    (
        dict(history=_rows([0, 1, 2, 3, 4], [0, 4, 8, 6, 16])),
        ["gradient steps go down", "row 3 is at step 8 and row 4 at step 6"],
    ),
    (
        dict(history=_rows([0, 1, 2, 3, 4], [0, 4, 8, 12, 12])),
        ["1 epoch in 0 gradient steps", "every epoch takes at least one"],
    ),
    # a first row later than its steps allow, from the start
    (
        dict(history=_rows([3, 4], [2, 16])),
        ["from the start", "epoch 3, step 2", "3 epochs in 2 gradient steps"],
    ),
    # rows after the run itself
    (dict(history=_rows([0, 1, 2, 3, 9], [0, 4, 8, 12, 16])), ["epoch 9", "last epoch"]),
    (dict(history=_rows([0, 1, 2, 3, 4], [0, 4, 8, 12, 99])), ["step 99", "last step"]),
    # the last row leaves too few steps for the epochs after it
    (dict(epoch=6, steps=17), ["the run's end (epoch 6, step 17)", "2 epochs in 1 gradient step"]),
    # the optimizer's step count beyond the run's steps
    (dict(optimizer_state={"t": 17}), ["step count t is 17", "16 gradient steps"]),
]


@pytest.mark.parametrize(("changes", "words"), CONTRADICTIONS)
def test_counters_that_contradict_each_other_are_refused_with_the_contradiction(
    doc, changes, words
):
    text = _with(doc, **changes)
    with pytest.raises(ValueError) as err:
        bio.from_json(text)
    message = str(err.value)
    assert message.startswith("This file cannot be loaded as a Backprop Lab run: ")
    for w in words:
        assert w in message, message
    assert message.endswith(".") and len(message) <= 300, message


def test_the_real_run_itself_loads(doc):
    assert bio.from_json(json.dumps(doc)).steps == 16


def test_the_npz_reader_makes_the_same_checks(doc):
    run = bio.from_json(json.dumps(doc))
    bad = replace(run, epoch=10**11, steps=12)
    buf = io.BytesIO()
    bio.save_npz(bad, buf)  # saving does not check; loading does
    with pytest.raises(ValueError, match="100,000,000,000 epochs were trained in only 12"):
        bio.load_npz(buf.getvalue())


# -- the wording of the loader's messages ----------------------------------------------------


def test_an_invalid_network_configuration_is_reported_in_a_sentence(doc):
    d = json.loads(json.dumps(doc))
    d["config"]["activations"] = ["tanh", "relu"]  # two names for one hidden layer
    with pytest.raises(ValueError) as err:
        bio.from_json(json.dumps(d))
    message = str(err.value)
    assert "its network configuration cannot be used." in message
    assert "are invalid" not in message


def test_singular_and_plural_counts_read_as_english(doc):
    d = json.loads(json.dumps(doc))
    d["dataset"]["feature_names"] = ["x1"]
    with pytest.raises(ValueError, match="has 2 features but 1 feature name[.]"):
        bio.from_json(json.dumps(d))
    d = json.loads(json.dumps(doc))
    d["config"]["layer_sizes"] = [2, 1]
    d["config"]["activations"] = []
    d["Theta"] = []
    with pytest.raises(ValueError, match="needs 1 Θ matrix, but it has 0"):
        bio.from_json(json.dumps(d))
    with pytest.raises(ValueError, match="1 epoch in 0 gradient steps"):
        bio.from_json(_with(doc, epoch=5, steps=16))
