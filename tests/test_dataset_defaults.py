"""A data set's registry entry gives the settings that suit it (``DatasetInfo.defaults``):
every data set trains 2,000 epochs with the settings a student gets on choosing it (or on
opening a link that names only it) without diverging; the app sets those defaults when the
data set changes and puts the schema's back when it leaves one.  About 15 s."""

from __future__ import annotations

import pytest

from bp_core import datasets as bp_datasets
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema


@pytest.mark.parametrize("name", list(bp_datasets.DATASET_NAMES))
def test_every_data_set_trains_2000_epochs_with_its_defaults_without_diverging(name):
    values, notes = schema.settings_from_query({"dataset": name})
    assert not notes
    for k, v in bp_datasets.DATASET_INFO[name].defaults.items():
        assert values[k] == v
    lab = lab_mod.build_lab(values)
    assert lab.trainer.run_epochs(2000), lab.trainer.divergence
    assert lab.trainer.epoch == 2000


def test_the_regression_sets_name_a_smaller_alpha_than_the_default():
    default = schema.BY_NAME["alpha"].default
    for name, info in bp_datasets.DATASET_INFO.items():
        if info.task == "regression":
            assert info.defaults["alpha"] < default, name
        for k, v in info.defaults.items():
            assert schema.validate(schema.BY_NAME[k], v) == v  # a value the schema allows


def test_the_default_alpha_diverges_on_the_plane_which_is_why_it_has_its_own():
    values, _ = schema.settings_from_query({"dataset": "plane", "alpha": "3"})
    assert values["alpha"] == 3.0  # the link's own value wins
    assert not lab_mod.build_lab(values).trainer.run_epochs(2000)


def test_changing_the_data_set_sets_and_puts_back_its_defaults():
    state, _ = schema.settings_from_query({})
    schema.set_setting(state, "alpha", 0.1)  # the student's own α on the circle
    state["dataset"] = "plane"
    note = lab_mod.apply_dataset_defaults(state, "circle", "plane")
    assert state["alpha"] == 0.3 and note == "Learning rate α set to 0.3 for Plane (regression)."
    state["dataset"] = "gaussian_bumps"
    lab_mod.apply_dataset_defaults(state, "plane", "gaussian_bumps")
    assert state["alpha"] == 1.0
    state["dataset"] = "moons"
    lab_mod.apply_dataset_defaults(state, "gaussian_bumps", "moons")
    assert state["alpha"] == schema.BY_NAME["alpha"].default  # the schema's again
    schema.set_setting(state, "alpha", 0.1)
    assert lab_mod.apply_dataset_defaults(state, "moons", "xor") == ""  # nothing to change
    assert state["alpha"] == 0.1


def test_a_link_to_a_data_set_does_not_write_its_own_defaults():
    values, _ = schema.settings_from_query({"dataset": "plane"})
    assert schema.settings_to_query(values) == {"dataset": "plane"}
    values["alpha"] = 3.0
    assert schema.settings_to_query(values)["alpha"] == "3"


def test_bad_defaults_are_refused():
    info = bp_datasets.DATASET_INFO["plane"]
    import dataclasses

    with pytest.raises(ValueError, match="defaults maps setting names"):
        dataclasses.replace(info, defaults={1: 2})
