"""``Run.app_settings``: the settings of the program that made a run, kept as they are.

Written and read back by both formats (JSON and .npz) value for value; a file without them
loads with None; a hostile entry (not an object, too many, nested, too long, not finite, not
plain) is refused with a sentence, before any array is allocated; a run whose app settings
could not be read back is never written.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

import numpy as np
import pytest

from bp_core import NetConfig, init_weights
from bp_core import datasets as ds
from bp_core import io as bio
from bp_core.training import Trainer, TrainSettings


def _run(app=None) -> bio.Run:
    data = ds.make_dataset("xor", n=40, rng=np.random.default_rng(0))
    cfg = NetConfig((2, 3, 1))
    tr = Trainer(
        cfg,
        init_weights(cfg, np.random.default_rng(1)),
        data,
        TrainSettings(),
        np.random.default_rng(2),
    )
    tr.run_epochs(2)
    return replace(bio.run_from_trainer(tr, data), app_settings=app)


def _json_roundtrip(run):
    return bio.from_json(bio.to_json(run))


def _npz_roundtrip(run):
    buf = io.BytesIO()
    bio.save_npz(run, buf)
    return bio.load_npz(buf.getvalue())


APP = {
    "noise": 0.1,
    "seed": 7,
    "init": "he",
    "standardize": True,
    "hidden": [4, 2],
    "features": ["x1", "x2", "x1^2"],
    "preset": "",
    "nothing": None,
}


@pytest.mark.parametrize("roundtrip", [_json_roundtrip, _npz_roundtrip])
def test_app_settings_round_trip(roundtrip):
    back = roundtrip(_run(APP))
    assert back.app_settings == APP
    assert type(back.app_settings["seed"]) is int and type(back.app_settings["noise"]) is float
    assert roundtrip(_run(None)).app_settings is None


def test_tuples_are_written_as_lists_and_files_without_them_have_no_key():
    back = _json_roundtrip(_run({"hidden": (4, 2)}))
    assert back.app_settings == {"hidden": [4, 2]}
    assert bio.APP_SETTINGS_KEY not in json.loads(bio.to_json(_run(None)))


def _with(value) -> str:
    doc = json.loads(bio.to_json(_run({})))
    doc[bio.APP_SETTINGS_KEY] = value
    return json.dumps(doc)


@pytest.mark.parametrize(
    "value,words",
    [
        ([1, 2], "set of named fields"),
        ({f"k{i}": 1 for i in range(bio.MAX_APP_SETTINGS + 1)}, "at most 100"),
        ({"a": [[1]]}, "plain value"),
        ({"a": {"b": 1}}, "plain value"),
        ({"a": "x" * (bio.MAX_NAME_CHARS + 1)}, "characters long"),
        ({"a": list(range(bio.MAX_LAYERS + 1))}, "at most 20"),
        ({"x" * 41: 1}, "no short name"),
        ({"a": 10**13}, "at most"),
    ],
)
def test_hostile_app_settings_are_refused_in_words(value, words):
    with pytest.raises(ValueError, match=words) as err:
        bio.from_json(_with(value))
    assert str(err.value).startswith("This file cannot be loaded as a Backprop Lab run:")


def test_nan_is_refused():
    text = _with({}).replace('"app_settings": {}', '"app_settings": {"a": NaN}')
    with pytest.raises(ValueError, match="finite"):
        bio.from_json(text)


def test_a_run_with_app_settings_that_cannot_be_read_back_is_not_written():
    with pytest.raises(ValueError, match="Cannot save the run's app settings"):
        bio.to_json(_run({"a": float("inf")}))
    with pytest.raises(ValueError, match="Cannot save the run's app settings"):
        bio.save_npz(_run({"a": object()}), io.BytesIO())
