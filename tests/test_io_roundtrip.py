"""Every field of TrainSettings and NetConfig survives a save and a load, in both formats.

The bug this guards against: ``record_every`` was written to the file but not read back, so
a run saved with 5 loaded with the default 1.  The strategies below draw every field away
from its default, and ``test_every_field_has_a_strategy`` fails when a field is added to
either class without one here.
"""

from __future__ import annotations

import io
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_core import datasets as ds
from bp_core import io as bio
from bp_core.activations import ACTIVATIONS
from bp_core.config import REGULARIZATIONS, NetConfig
from bp_core.losses import LOSSES
from bp_core.optimizers import OPTIMIZERS
from bp_core.training import Trainer, TrainSettings

# --------------------------------------------------------------------------------------
# Strategies, one per field
# --------------------------------------------------------------------------------------

positive = st.floats(min_value=5e-324, max_value=1e300, allow_nan=False, allow_infinity=False)
unit = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)

SETTINGS_STRATEGIES = {
    "alpha": positive,
    "batch_size": st.none() | st.integers(1, bio.MAX_COUNT),
    "optimizer": st.sampled_from(sorted(OPTIMIZERS)),
    "momentum": unit,
    "beta1": unit,
    "beta2": unit,
    "adam_eps": positive,
    "record_gradients": st.booleans(),
    "record_every": st.integers(1, bio.MAX_COUNT),
    "max_snapshots": st.integers(2, bio.MAX_COUNT),
}

HEADS = sorted((out, loss) for loss, entry in LOSSES.items() for out in entry.outputs)


@st.composite
def net_configs(draw) -> NetConfig:
    """Every NetConfig constructor argument drawn: sizes, activations, output, loss, λ and
    the regularization (L2 or L1)."""
    output, loss = draw(st.sampled_from(HEADS))
    hidden = draw(st.lists(st.integers(1, 4), max_size=3))
    s_L = draw(st.integers(2 if output == "softmax" else 1, 4))
    names = sorted(ACTIVATIONS)
    if draw(st.booleans()):
        acts = draw(st.sampled_from(names))  # one name for every hidden layer
    else:
        acts = tuple(draw(st.sampled_from(names)) for _ in hidden)
    lambda_ = draw(st.just(0.0) | st.floats(0.0, 1e100, allow_nan=False, allow_infinity=False))
    regularization = draw(st.sampled_from(sorted(REGULARIZATIONS)))
    sizes = (draw(st.integers(1, 3)), *hidden, s_L)
    return NetConfig(
        sizes,
        activations=acts,
        output=output,
        loss=loss,
        lambda_=lambda_,
        regularization=regularization,
    )


#: NetConfig's stored fields that net_configs() draws (the test below checks it is all).
CONFIG_FIELDS_DRAWN = {"layer_sizes", "activations", "output", "loss", "lambda_", "regularization"}


def _dataset(cfg: NetConfig, rng: np.random.Generator) -> ds.Dataset:
    s_1, s_L = cfg.layer_sizes[0], cfg.layer_sizes[-1]
    regression = cfg.output == "linear" and s_L == 1
    K = 0 if regression else max(2, s_L)
    X = rng.normal(size=(6, s_1))  # (m, s_1)
    y = rng.normal(size=6) if regression else np.arange(6) % K  # (m,)
    return ds.Dataset(
        name="drawn",
        X_train=X[:4],
        y_train=y[:4],
        X_test=X[4:],
        y_test=y[4:],
        task="regression" if regression else "classification",
        n_classes=K,
        feature_names=tuple(f"f{j}" for j in range(s_1)),
        class_names=tuple(str(k) for k in range(K)),
    )


def _run(cfg: NetConfig, ts: TrainSettings) -> bio.Run:
    rng = np.random.default_rng(0)
    data = _dataset(cfg, rng)
    Theta = [rng.normal(size=shape) for shape in cfg.theta_shapes]
    return bio.run_from_trainer(Trainer(cfg, Theta, data, ts, rng), data)


def _npz_round_trip(run: bio.Run) -> bio.Run:
    buf = io.BytesIO()
    bio.save_npz(run, buf)
    return bio.load_npz(buf.getvalue())


def _json_round_trip(run: bio.Run) -> bio.Run:
    return bio.from_json(bio.to_json(run))


ROUND_TRIPS = {"json": _json_round_trip, "npz": _npz_round_trip}


def assert_same_fields(a, b) -> None:
    """Field by field, so a failure names the field that was lost."""
    assert type(a) is type(b)
    for f in fields(a):
        assert getattr(b, f.name) == getattr(a, f.name), f.name


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


def test_every_field_has_a_strategy():
    missing = {f.name for f in fields(TrainSettings)} - set(SETTINGS_STRATEGIES)
    assert not missing, f"add a strategy for the new TrainSettings field(s) {missing} here"
    missing = set(bio.schema.stored_fields(NetConfig)) - CONFIG_FIELDS_DRAWN
    assert not missing, f"draw the new NetConfig field(s) {missing} in net_configs()"


@pytest.mark.parametrize("fmt", list(ROUND_TRIPS))
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    cfg=net_configs(),
    ts=st.fixed_dictionaries(SETTINGS_STRATEGIES).map(lambda kw: TrainSettings(**kw)),
)
def test_every_setting_and_config_field_round_trips(fmt, cfg, ts):
    run = _run(cfg, ts)
    back = ROUND_TRIPS[fmt](run)
    assert_same_fields(run.settings, back.settings)
    assert_same_fields(run.cfg, back.cfg)
    assert back.cfg == run.cfg and back.settings == run.settings
    for T, T0 in zip(back.Theta, run.Theta, strict=True):
        assert T.tobytes() == T0.tobytes()


@pytest.mark.parametrize("fmt", list(ROUND_TRIPS))
def test_record_every_is_kept(fmt):
    run = _run(NetConfig((2, 3, 1)), TrainSettings(record_every=5))
    assert ROUND_TRIPS[fmt](run).settings.record_every == 5


def test_the_check_catches_a_field_that_is_not_stored(monkeypatch):
    """The planted bug: a writer and reader that skip record_every load it as the default."""
    run = _run(NetConfig((2, 3, 1)), TrainSettings(record_every=5))
    real = bio.schema.stored_fields

    def forgetful(cls):
        return tuple(n for n in real(cls) if n != "record_every")

    monkeypatch.setattr(bio.schema, "stored_fields", forgetful)
    back = _json_round_trip(run)
    with pytest.raises(AssertionError, match="record_every"):
        assert_same_fields(run.settings, back.settings)


@pytest.mark.parametrize("fmt", list(ROUND_TRIPS))
def test_config_given_with_the_old_keyword_round_trips(fmt):
    cfg = NetConfig((2, 3, 3, 1), hidden_activation=("tanh", "relu"))
    back = ROUND_TRIPS[fmt](_run(cfg, TrainSettings()))
    assert back.cfg == cfg and back.cfg.activations == ("tanh", "relu")


@pytest.mark.parametrize("value", ["tanh", ["tanh", "relu"]])
def test_files_written_with_hidden_activation_still_load(value):
    """Version-1 files written before NetConfig.activations name the field hidden_activation
    (a single name for every hidden layer, or one per layer)."""
    import json

    run = _run(NetConfig((2, 3, 3, 1), activations=("tanh", "relu")), TrainSettings())
    doc = json.loads(bio.to_json(run))
    del doc["config"]["activations"]
    doc["config"]["hidden_activation"] = value
    back = bio.from_json(json.dumps(doc))
    expected = ("tanh", "tanh") if value == "tanh" else ("tanh", "relu")
    assert back.cfg.activations == expected
    doc["config"]["activations"] = list(expected)  # both names: which one is meant?
    with pytest.raises(ValueError, match="does not know: 'hidden_activation'"):
        bio.from_json(json.dumps(doc))
