"""Hand edits from the live view on a real Lab (lab_ui.live.drawing): drawn points survive the
page's next runs, Reset and network changes, and go with a new data set; training goes on
from the current Θ; the cap; a weight set by hand."""

from __future__ import annotations

import numpy as np
import pytest

from lab_ui.live import drawing
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text
from lab_ui.shared.lab import reset_lab


def _ss(**settings):
    ss: dict = {}
    schema.init_session(ss, {k: str(v) for k, v in settings.items()})
    lab_mod.sync_lab(ss)
    return ss


def test_a_drawn_point_joins_the_training_set_and_training_goes_on():
    ss = _ss(seed=4)
    lab = ss["lab"]
    lab.trainer.run_epochs(5)
    tr, m0 = lab.trainer, lab.dataset.m_train
    Theta, rows = tuple(T.copy() for T in tr.Theta), len(tr.history)
    note = drawing.draw_point(lab, (1.5, -2.0), 1)
    assert "class 1" in note and f"{m0 + 1} training examples" in note
    ds = lab.dataset
    assert ds.m_train == m0 + 1 and ds.y_train[-1] == 1
    np.testing.assert_array_equal(ds.raw_train[-1], [1.5, -2.0])
    np.testing.assert_array_equal(ds.X_train[-1:], ds.inputs_from_plane(np.array([[1.5, -2.0]])))
    new = lab.trainer
    assert new.m == m0 + 1 and new.X_train.shape[0] == m0 + 1
    for a, b in zip(new.Theta, Theta, strict=True):
        np.testing.assert_array_equal(a, b)  # from the current Θ
    assert (new.epoch, new.steps, len(new.history)) == (5, tr.steps, rows)  # history kept
    new.run_epoch()
    assert new.epoch == 6 and len(new.history) == rows + 1
    assert lab.edits[-1] == "added a point of class 1"
    assert drawing.drawn_count(ds) == 1


def test_drawn_points_survive_page_runs_reset_and_network_changes_not_new_data():
    ss = _ss(seed=1)
    lab = ss["lab"]
    drawing.draw_point(lab, (0.5, 0.5), 0)
    drawing.draw_point(lab, (-0.5, 0.5), 1)
    drawn = lab.dataset
    assert lab_mod.sync_lab(ss) is lab and lab.dataset is drawn  # the page's next run
    assert reset_lab(ss).dataset is drawn  # Reset: epoch 0, same (drawn) data
    ss["hidden"] = (3,)
    relaid = lab_mod.sync_lab(ss)
    assert relaid.dataset is drawn and relaid.cfg.layer_sizes == (2, 3, 1)
    assert drawing.drawn_count(relaid.dataset) == 2
    ss["noise"] = 0.3  # a data setting: a new data set, the drawn points go
    fresh = lab_mod.sync_lab(ss)
    assert fresh.dataset is not drawn and drawing.drawn_count(fresh.dataset) == 0
    assert fresh.dataset.m_train == drawn.m_train - 2


def test_shift_click_removes_the_nearest_point_within_twelve_pixels():
    ss = _ss()
    lab = ss["lab"]
    drawing.draw_point(lab, (2.0, 2.0), 1)
    m = lab.dataset.m_train
    pixel = (0.001, 0.001)  # 12 px = 0.012 data units
    with pytest.raises(ValueError, match="No training point within 12 pixels"):
        drawing.erase_point(lab, (2.02, 2.0), pixel)
    assert lab.dataset.m_train == m
    note = drawing.erase_point(lab, (2.005, 2.0), pixel)
    assert "Removed" in note and lab.dataset.m_train == m - 1
    assert drawing.drawn_count(lab.dataset) == 0 and lab.edits[-1] == "removed a point of class 1"


def test_points_far_outside_the_data_a_class_it_lacks_or_beyond_the_cap_are_refused(
    monkeypatch,
):
    ss = _ss()
    lab = ss["lab"]
    m = lab.dataset.m_train
    with pytest.raises(ValueError, match="far outside"):
        drawing.draw_point(lab, (1e6, 0.0), 0)
    with pytest.raises(ValueError, match="0 … 1"):
        drawing.draw_point(lab, (0.0, 0.0), 2)
    monkeypatch.setattr(drawing, "MAX_DRAWN", 2)
    drawing.draw_point(lab, (0.0, 0.0), 0)
    drawing.draw_point(lab, (0.1, 0.0), 0)
    with pytest.raises(ValueError, match="At most 2 points"):
        drawing.draw_point(lab, (0.2, 0.0), 0)
    assert lab.dataset.m_train == m + 2


def test_regression_and_digits_cannot_be_drawn_on():
    for settings in ({"dataset": "plane"}, {"dataset": "digits", "hidden": "4"}):
        lab = _ss(**settings)["lab"]
        assert not drawing.can_draw(lab.dataset)
        with pytest.raises(ValueError, match="only on a classification problem"):
            drawing.draw_point(lab, (0.0, 0.0), 0)


def test_a_weight_set_by_hand_changes_theta_and_is_recorded():
    ss = _ss()
    lab = ss["lab"]
    lab.trainer.run_epochs(2)
    rows = len(lab.trainer.history)
    note = drawing.set_weight(lab, 2, 1, 0, -1.25)
    assert "Θ⁽²⁾₁,₀" in note and f"to {text.number(-1.25)}" in note
    assert lab.trainer.Theta[1][0, 0] == -1.25 and len(lab.trainer.history) == rows
    assert lab.edits[-1].startswith("set Θ⁽²⁾₁,₀ to")
    with pytest.raises(ValueError, match="no row j = 9"):
        drawing.set_weight(lab, 2, 9, 0, 1.0)


def test_going_back_in_time_after_drawing_trains_on_the_data_as_they_are():
    ss = _ss(batch=10)
    lab = ss["lab"]
    tr = lab.trainer
    tr.run_epochs(3)
    for _ in range(4):  # inside epoch 4
        tr.step()
    m = tr.m
    drawing.draw_point(lab, (0.3, 0.3), 1)
    new = lab.trainer
    assert new.m == m + 1
    new.restore(1)
    assert new.epoch == 1
    new.run_epoch()
    assert new.epoch == 2 and new.X_train.shape[0] == m + 1


def test_a_drawn_point_keeps_the_optimizers_memory():
    ss = _ss(optimizer="momentum", alpha=0.1)
    lab = ss["lab"]
    tr = lab.trainer
    tr.run_epochs(3)
    v = tr.optimizer_state["v"].copy()
    assert np.any(v != 0)
    drawing.draw_point(lab, (0.2, 0.2), 0)
    assert lab.trainer is tr  # went on in place (Trainer.with_data)
    assert np.array_equal(tr.optimizer_state["v"], v)
    assert tr.m == len(lab.dataset.X_train)
