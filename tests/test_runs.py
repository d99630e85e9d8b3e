"""bp_core.runs: the one place settings become a run (``RunSettings``, ``build_run``).

* every setting is checked once, with a sentence a student understands;
* every preset (and its comparison), applied as the Playground applies it and built by its
  Lab, trains the Θ that ``build_run`` on the preset's settings trains, bit for bit;
* a data set and an optimizer registered through the public functions (``tests/toy_entries``)
  train through ``build_run``, survive a run file (``bp_core.io``) and a link
  (``lab_ui.shared.schema``), and are offered by the Playground; the registries forget them
  again (``unregister_*``).
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest

import bp_core as bp
from bp_core import io as bio
from lab_ui.playground import runs
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema
from tests.apptest_helpers import live, ok, open_app, widget
from tests.toy_entries import (  # noqa: F401 (the fixtures toy_dataset, toy_optimizer)
    TOY_DATASET,
    TOY_OPTIMIZER,
    register_toy_dataset,
    register_toy_optimizer,
    toy_dataset,
    toy_optimizer,
)

TOYS = pytest.mark.usefixtures("toy_dataset", "toy_optimizer")

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _defaults() -> dict:
    return {
        s.name: s.default for s in schema.SCHEMA if s.name in bp.RunSettings.__dataclass_fields__
    }


def _same_theta(a, b) -> None:
    for l, (A, B) in enumerate(zip(a.Theta, b.Theta, strict=True), start=1):
        assert A.tobytes() == B.tobytes(), f"Θ^({l}) differs"


# ---------------------------------------------------------------------------------------------
# RunSettings: checked once, in words
# ---------------------------------------------------------------------------------------------


def test_the_schema_defaults_are_run_settings_and_lists_become_tuples():
    s = bp.RunSettings.from_mapping({**_defaults(), "hidden": [4, 2], "speed": "20"})
    assert s.hidden == (4, 2) and s.features == ("x1", "x2") and s.batch == 0
    assert set(s.as_dict()) == set(bp.runs.RUN_SETTINGS)
    assert s == bp.RunSettings(**s.as_dict())  # frozen and comparable
    with pytest.raises(AttributeError):
        s.alpha = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"noise": 1.5}, "The noise must be a number from 0 to 1"),
        ({"n_points": 1}, "The number of examples must be a whole number ≥ 2"),
        ({"n_points": 2.5}, "The number of examples must be a whole number ≥ 2"),
        ({"train_pct": 100}, "strictly between 0 and 100"),
        ({"n_classes": 1}, "The number of classes K must be a whole number ≥ 2"),
        ({"seed": -1}, "The random seed must be a whole number ≥ 0"),
        ({"features": ()}, "Choose at least one input feature"),
        ({"features": ("x1", "x9")}, "Unknown feature 'x9'"),
        ({"standardize": "yes"}, "Feature scaling (standardize) is true or false"),
        ({"hidden": (4, 0), "acts": ("tanh", "tanh")}, "must have at least 1 unit"),
        ({"hidden": (4,)}, "Give one activation per hidden layer: 1 hidden layers, 2"),
        ({"acts": ("tanh", "swish")}, "Unknown activation 'swish'"),
        ({"output": "linear", "loss": "cross_entropy"}, "Use squared error (mse)"),
        ({"loss": "hinge"}, "Unknown loss 'hinge'"),
        ({"init": "random"}, "Unknown initialization 'random'"),
        ({"alpha": 0.0}, "The learning rate α must be a positive number"),
        ({"alpha": "fast"}, "The learning rate α must be a positive number"),
        ({"lambda_": -1.0}, "λ (regularization) must be a finite number ≥ 0"),
        ({"regularization": "l3"}, "Unknown regularization 'l3'"),
        ({"batch": -4}, "The batch size must be a whole number ≥ 1, or 0 for the full batch"),
        ({"optimizer": "sgd2"}, "Unknown optimizer 'sgd2'"),
        ({"dataset": ""}, "The data set must be given by its name"),
    ],
)
def test_a_bad_setting_is_refused_in_a_sentence(change, words):
    with pytest.raises(ValueError) as err:
        bp.RunSettings.from_mapping({**_defaults(), **change})
    assert words in str(err.value)


def test_missing_settings_are_named_and_a_bad_name_is_refused_by_build_run():
    values = _defaults()
    del values["seed"], values["optimizer"]
    with pytest.raises(ValueError, match="These training settings are missing: seed, optimizer"):
        bp.RunSettings.from_mapping(values)
    with pytest.raises(ValueError, match="Unknown dataset 'circel'. Valid names: circle"):
        bp.build_run({**_defaults(), "dataset": "circel"})
    # the network the data cannot have: softmax needs ≥ 2 output units, a regression has 1
    with pytest.raises(ValueError, match="softmax"):
        bp.build_run({**_defaults(), "dataset": "plane", "output": "softmax"})


def test_build_run_is_the_rule_written_out():
    """The documented rule, by hand: data from default_rng(seed), Θ from
    default_rng([seed, 1, 0]), the trainer's generator default_rng([seed, 2])."""
    s = bp.RunSettings.from_mapping({**_defaults(), "seed": 7, "batch": 16, "dataset": "blobs"})
    run = bp.build_run(s)
    data = bp.datasets.make_dataset(
        "blobs",
        n=500,
        noise=0.1,
        train_fraction=0.5,
        rng=np.random.default_rng(7),
        features=("x1", "x2"),
        n_classes=3,
        standardize=True,
    )
    assert np.array_equal(run.dataset.X_train, data.X_train)
    assert run.cfg.layer_sizes == (2, 4, 2, 3)  # K = 3 sigmoid units, one-vs-all
    Theta = bp.init_weights(run.cfg, np.random.default_rng([7, 1, 0]), method="ng_sqrt6")
    for A, B in zip(run.trainer.Theta, Theta, strict=True):
        assert np.array_equal(A, B)
    by_hand = bp.Trainer(run.cfg, Theta, data, run.trainer.settings, np.random.default_rng([7, 2]))
    run.trainer.run_epochs(3), by_hand.run_epochs(3)
    _same_theta(run.trainer, by_hand)
    assert run.trainer.settings.max_snapshots == bp.snapshots_kept(run.cfg, "gd", data.m_train)
    assert run.settings is s


# ---------------------------------------------------------------------------------------------
# Every preset: the Lab (as the app applies it) and build_run train the same Θ
# ---------------------------------------------------------------------------------------------


def _lab_of(values: dict) -> lab_mod.Lab:
    """The Lab the Playground builds after applying these settings as it applies a preset
    (``presets_ui.apply_preset``: every value through the schema, then ``build_lab``)."""
    state: dict = {}
    schema.init_session(state, {})
    for k, v in values.items():
        schema.set_setting(state, k, v)
    return lab_mod.build_lab(state)


@pytest.mark.parametrize("name", list(bp.PRESETS))
def test_every_preset_trains_the_same_theta_in_the_lab_and_through_build_run(name):
    p = bp.PRESETS[name]
    epochs = 5 if p.settings["dataset"] == "digits" else min(p.epochs, 200)
    runs_ = [(schema.preset_values(name), p.settings)]
    if p.comparison_settings is not None:
        runs_.append(({**schema.preset_values(name), **dict(p.compare)}, p.comparison_settings))
    for applied, settings in runs_:
        lab = _lab_of(applied)
        run = bp.build_run(settings)
        assert lab.cfg == run.cfg and lab.trainer.settings == run.trainer.settings
        lab.trainer.run_epochs(epochs), run.trainer.run_epochs(epochs)
        assert lab.trainer.epoch == run.trainer.epoch
        _same_theta(lab.trainer, run.trainer)
        assert lab.trainer.history.J_train == run.trainer.history.J_train
    assert "regularization" in p.settings  # a preset sets every training setting


# ---------------------------------------------------------------------------------------------
# Registering a data set and an optimizer
# ---------------------------------------------------------------------------------------------


@TOYS
def test_registration_is_checked_and_undone():
    dataset_entry, optimizer_entry = bp.DATASET_INFO[TOY_DATASET], bp.OPTIMIZERS[TOY_OPTIMIZER]
    assert register_toy_dataset() is dataset_entry  # idempotent
    assert register_toy_optimizer() is optimizer_entry
    with pytest.raises(ValueError, match="A data set named 'toy_ring' is registered already"):
        bp.register_dataset(dataset_entry)
    with pytest.raises(ValueError, match="An optimizer named 'toy_rmsprop' is registered"):
        bp.register_optimizer(optimizer_entry)
    with pytest.raises(ValueError, match="register_dataset takes a bp_core.datasets.DatasetInfo"):
        bp.register_dataset({"name": "x"})
    with pytest.raises(ValueError, match="'circle' is one of bp_core's own data sets"):
        bp.unregister_dataset("circle")
    with pytest.raises(ValueError, match="'adam' is one of bp_core's own optimizers"):
        bp.unregister_optimizer("adam")
    # the registry's views read it when used
    assert TOY_DATASET in bp.datasets.DATASET_NAMES and TOY_DATASET in bp.datasets.GENERATORS
    assert bp.datasets.TASKS[TOY_DATASET] == "classification"
    assert dataset_entry.head == ("sigmoid", "cross_entropy")  # the task's, unless it says
    assert optimizer_entry.memory_vectors == 1


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"name": "toy ring"}, "a word of letters, digits and _"),
        ({"label": ""}, "needs a label"),
        ({"description": " "}, "needs a description"),
        ({"generator": None}, "needs a generator function"),
        ({"task": "clustering"}, "task must be 'classification' or 'regression'"),
        ({"n_classes": 1}, "a classification has at least 2 classes"),
        ({"task": "regression"}, "is a regression: its n_classes is 0"),
        ({"planar": False}, "give the names of its features"),
        ({"head": ("sigmoid",)}, "head is (output, loss)"),
        ({"image_shape": (8, 8)}, "image_shape"),
    ],
)
def test_a_data_set_entry_with_a_missing_fact_is_refused(facts, words):
    good = {
        "name": "ring2",
        "label": "Ring",
        "task": "classification",
        "n_classes": 2,
        "generator": bp.datasets.make_circle,
        "description": "A ring.",
    }
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        bp.DatasetInfo(**{**good, **facts})


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"name": ""}, "a word of letters, digits and _"),
        ({"label": ""}, "needs a label"),
        ({"formula": ""}, "needs a formula"),
        ({"update": None}, "needs an update function"),
        ({"max_alpha": 0}, "max_alpha must be a positive number or None"),
    ],
)
def test_an_optimizer_entry_with_a_missing_fact_is_refused(facts, words):
    good = {
        "name": "sgd2",
        "label": "SGD",
        "init": lambda theta: {},
        "update": lambda theta, grad, state, settings: (theta - settings.alpha * grad, state),
        "formula": r"\Theta := \Theta - \alpha D",
    }
    with pytest.raises(ValueError, match=words):
        bp.Optimizer(**{**good, **facts})


def test_an_optimizer_must_read_constants_train_settings_has():
    entry = bp.Optimizer(
        "sgd2",
        "SGD",
        lambda theta: {},
        lambda theta, grad, state, settings: (theta - settings.alpha * grad, state),
        r"\Theta := \Theta - \alpha D",
        constants=("nesterov",),
    )
    with pytest.raises(ValueError, match="reads constants TrainSettings does not have: nesterov"):
        bp.register_optimizer(entry)
    assert "sgd2" not in bp.OPTIMIZERS


def _toy_values(**more) -> dict:
    return {
        **_defaults(),
        "dataset": TOY_DATASET,
        "optimizer": TOY_OPTIMIZER,
        "alpha": 0.01,
        "batch": 16,
        **more,
    }


@TOYS
def test_a_registered_data_set_and_optimizer_train_through_build_run():
    run = bp.build_run(_toy_values())
    assert run.dataset.name == TOY_DATASET and run.cfg.layer_sizes == (2, 4, 2, 1)
    J0 = run.trainer.history.J_train[-1]
    run.trainer.run_epochs(30)
    assert run.trainer.history.J_train[-1] < J0
    assert set(run.trainer.optimizer_state) == {"r"}
    # the update rule got the TrainSettings whole: RMSprop's ε is the settings' adam_eps
    assert run.trainer.settings.adam_eps == 1e-8


@pytest.mark.parametrize("kind", ["json", "npz"])
@TOYS
def test_a_toy_run_survives_a_run_file(kind):
    a = bp.build_run(_toy_values())
    b = bp.build_run(_toy_values())
    a.trainer.run_epochs(6)
    saved = bio.run_from_trainer(a.trainer, a.dataset)
    if kind == "json":
        loaded = bio.from_json(bio.to_json(saved))
    else:
        buf = io.BytesIO()
        bio.save_npz(saved, buf)
        loaded = bio.load_npz(buf.getvalue())
    assert loaded.settings.optimizer == TOY_OPTIMIZER and loaded.dataset.name == TOY_DATASET
    np.testing.assert_array_equal(loaded.optimizer_state["r"], a.trainer.optimizer_state["r"])
    # full batch would not need the generator: with mini-batches, hand over its state
    rng = np.random.default_rng()
    rng.bit_generator.state = a.trainer.rng.bit_generator.state
    c = bio.restore_trainer(loaded, rng)
    b.trainer.run_epochs(9), c.run_epochs(3)
    _same_theta(b.trainer, c)


@TOYS
def test_a_toy_run_survives_a_link_and_a_run_file_import():
    state: dict = {}
    schema.init_session(state, {})
    for k, v in _toy_values(n_points=300, seed=5).items():
        schema.set_setting(state, k, v)
    lab = lab_mod.sync_lab(state)
    assert not lab.problem and lab.dataset.name == TOY_DATASET
    # the link: the settings go into the URL and come back the same
    query = schema.settings_to_query(state)
    assert query["dataset"] == TOY_DATASET and query["optimizer"] == TOY_OPTIMIZER
    values, notes = schema.settings_from_query(query)
    assert notes == []
    assert {k: values[k] for k in bp.runs.RUN_SETTINGS} == {
        k: state[k] for k in bp.runs.RUN_SETTINGS
    }
    again = bp.build_run({**values})
    lab.trainer.run_epochs(4), again.trainer.run_epochs(4)
    _same_theta(lab.trainer, again.trainer)
    # the run file, imported back into a fresh session
    data = runs.run_json(runs.run_of(lab, state))
    fresh: dict = {}
    schema.init_session(fresh, {})
    lab_mod.sync_lab(fresh)
    imported = runs.import_run(fresh, data, "toy.json")
    assert fresh["dataset"] == TOY_DATASET and fresh["optimizer"] == TOY_OPTIMIZER
    assert fresh["n_points"] == 300 and fresh["seed"] == 5
    _same_theta(imported.trainer, lab.trainer)
    # and the script written for it reproduces it (the same settings, build_run)
    assert f"dataset={TOY_DATASET!r}," in runs.snippet(lab, state)


@TOYS
def test_the_schema_reads_the_registries_when_used():
    assert schema.validate(schema.BY_NAME["dataset"], TOY_DATASET) == TOY_DATASET
    assert schema.validate(schema.BY_NAME["optimizer"], TOY_OPTIMIZER) == TOY_OPTIMIZER
    assert schema.BY_NAME["dataset"].fmt(TOY_DATASET) == "Toy ring"


def test_an_unregistered_name_is_refused_again():
    assert TOY_DATASET not in bp.DATASET_INFO and TOY_OPTIMIZER not in bp.OPTIMIZERS
    with pytest.raises(ValueError, match="is not one of"):
        schema.validate(schema.BY_NAME["dataset"], TOY_DATASET)
    values, notes = schema.settings_from_query({"optimizer": TOY_OPTIMIZER})
    assert values["optimizer"] == "gd" and "Optimizer" in notes[0]


@TOYS
def test_the_playground_offers_trains_and_caps_a_registered_entry():
    at = open_app({"dataset": TOY_DATASET, "optimizer": TOY_OPTIMIZER, "alpha": "0.01"})
    lab = at.session_state["lab"]
    assert lab.dataset.name == TOY_DATASET and lab.trainer.settings.optimizer == TOY_OPTIMIZER
    chooser = widget(at, "w_dataset")  # named by the entry's label
    assert "Toy ring" in chooser.options and chooser.value == TOY_DATASET
    live(at, "step", "epoch")
    ok(at)
    assert at.session_state["lab"].trainer.epoch == 1
    # the α cap is the entry's fact: choosing it with α = 3 lowers α to its max_alpha
    widget(at, "w_optimizer").set_value("gd").run()
    widget(at, "w_alpha").set_value(3.0).run()
    widget(at, "w_optimizer").set_value(TOY_OPTIMIZER).run()
    ok(at)
    assert at.session_state["alpha"] == bp.OPTIMIZERS[TOY_OPTIMIZER].max_alpha == 0.03
