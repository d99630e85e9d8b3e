"""A toy activation, optimizer and data set, registered the way a third party would
(``tests/toy_entries.py``: ``bp_core.register_*``), work on every page with no other edit.

Each test registers the three for itself and removes them after it (the ``toy_entries``
fixture), so the registry counts of other tests never see them.  The entries are chosen
through URL parameters, as a link would choose them; then every page is driven with AppTest:
the Playground's choosers offer them (named from their entries), a Step trains with the toy
RMSprop on the toy ring through toy softsign units, the link and a run file keep them, and
Step through, Gradients and Derivation show the activation's symbol and label, the
optimizer's update step and the data set's data.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import bp_core as bp
from bp_core import io as bp_io
from lab_ui.shared import schema
from lab_ui.shared.latex import number
from tests.apptest_helpers import APP, PAGES, TIMEOUT, live, ok, open_app, widget
from tests.toy_entries import (
    TOY_ACTIVATION,
    TOY_ACTIVATION_SHORT,
    TOY_DATASET,
    TOY_OPTIMIZER,
    toy_entries,  # noqa: F401 (the fixture: the three registered for one test)
)

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

pytestmark = pytest.mark.usefixtures("toy_entries")
#: The link that chooses all three (α within the toy RMSprop's cap).
QUERY = {
    "dataset": TOY_DATASET,
    "acts": f"{TOY_ACTIVATION},{TOY_ACTIVATION}",
    "optimizer": TOY_OPTIMIZER,
    "alpha": "0.01",
}


def _stepped(query=QUERY):
    """The app opened by the link, then one epoch trained by the live view's Step button."""
    at = open_app(query)
    before = [T.copy() for T in at.session_state["lab"].trainer.Theta]
    live(at, "step", "epoch")
    ok(at)
    return at, before


def test_the_playground_offers_trains_and_links_the_toy_entries():
    at, before = _stepped()
    lab = at.session_state["lab"]
    act, opt, info = (
        bp.ACTIVATIONS[TOY_ACTIVATION],
        bp.OPTIMIZERS[TOY_OPTIMIZER],
        bp.DATASET_INFO[TOY_DATASET],
    )
    # accepted from the URL
    assert lab.cfg.activations == (TOY_ACTIVATION, TOY_ACTIVATION)
    assert lab.trainer.settings.optimizer == TOY_OPTIMIZER
    assert lab.dataset.name == TOY_DATASET
    # the choosers offer them, each named by its own entry
    for key, value, shown in (
        ("w_act_0", TOY_ACTIVATION, act.short),
        ("w_act_1", TOY_ACTIVATION, act.short),
        ("w_optimizer", TOY_OPTIMIZER, "RMSprop"),
        ("w_dataset", TOY_DATASET, info.label),
    ):
        select = widget(at, key)
        assert select.value == value and shown in select.options, (key, select.options)
    # it trained: one epoch, Θ moved, the toy rule's own memory is the trainer's
    tr = at.session_state["lab"].trainer
    assert tr.epoch == 1 and set(tr.optimizer_state) == {"r"}
    assert any(not np.array_equal(a, b) for a, b in zip(before, tr.Theta, strict=True))
    # the link keeps them (and the epoch)
    link = schema.settings_to_query(at.session_state)
    assert link["acts"] == QUERY["acts"] and link["optimizer"] == TOY_OPTIMIZER
    assert link["dataset"] == TOY_DATASET and at.query_params["epoch"] == "1"
    # a run file keeps them: written, read back, trained on
    run = bp_io.from_json(bp_io.to_json(bp_io.run_from_trainer(tr, lab.dataset)))
    assert run.cfg == tr.cfg and run.settings.optimizer == TOY_OPTIMIZER
    assert run.dataset.name == TOY_DATASET
    again = bp_io.restore_trainer(run, np.random.default_rng(0))
    again.run_epochs(1)
    assert again.epoch == 2 and np.isfinite(again.history.J_train[-1])
    assert act.short == TOY_ACTIVATION_SHORT and opt.label.startswith("RMSprop")


def test_a_reopened_link_replays_the_toy_run_bit_for_bit():
    at, _ = _stepped()
    tr = at.session_state["lab"].trainer
    again = open_app({**QUERY, "epoch": "1"})
    replayed = again.session_state["lab"].trainer
    assert replayed.epoch == 1
    for a, b in zip(tr.Theta, replayed.Theta, strict=True):
        np.testing.assert_array_equal(a, b)


def test_step_through_shows_the_toy_activation_update_and_data():
    at, _ = _stepped()
    lab = at.session_state["lab"]
    act, opt = bp.ACTIVATIONS[TOY_ACTIVATION], bp.OPTIMIZERS[TOY_OPTIMIZER]
    at.switch_page(PAGES[1]).run()
    ok(at)
    # step 1, a^(1) = x: the toy ring's first training example (its two coordinates)
    x = lab.dataset.X_train[0]
    assert all(number(v) in at.latex[1].value for v in x), (x, at.latex[1].value)
    slider = at.slider(key="w_stp_step")
    latex, text = [], []
    for k in range(int(slider.min), int(slider.max) + 1):
        at.slider(key="w_stp_step").set_value(k).run()
        ok(at)
        latex += [e.value for e in at.latex]
        text += [e.value for e in at.markdown] + [e.value for e in at.subheader]
    # a = g(z) with the entry's symbol, its label and LaTeX in the words, g' in δ
    assert any(r"\mathrm{ssgn}(z^{(2)})" in t for t in latex)
    assert any(r"\mathrm{ssgn}'(z^{(2)})" in t for t in latex)
    assert any("softsign" in t and act.latex in t for t in text)
    # the update step is the toy RMSprop's, written with its formula for each layer
    assert any(r"\sqrt{r}" in t and r"\Theta^{(1)} :=" in t for t in latex)
    assert any(opt.formula in t for t in text)


def test_gradients_and_derivation_show_the_toy_activation():
    at, _ = _stepped()
    at.switch_page(PAGES[2]).run()
    ok(at)
    # every histogram panel names its layer's g by the entry's short symbol
    charts = [c.proto.spec for c in at.get("plotly_chart")]
    short = TOY_ACTIVATION_SHORT
    assert any(f"g = {short}" in spec for spec in charts)
    assert at.success, "the gradient check passes with the toy activation"
    at.switch_page(PAGES[3]).run()
    ok(at)
    act = bp.ACTIVATIONS[TOY_ACTIVATION]
    heads = [h.value for h in at.subheader]
    assert f"The slope of g at layer 2: {act.label}" in heads
    assert any(act.latex_prime in e.value for e in at.latex)
    assert at.success and not at.warning, "every derivation line checks out"


@pytest.mark.parametrize("page", PAGES[1:4])  # the pages of the session's network
def test_every_page_opens_by_its_own_link_with_the_toy_entries(page):
    """A fresh session opened on Step through, Gradients or Derivation by a link that names
    the toy entries (no Playground run first)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in QUERY.items():
        at.query_params[k] = v
    at.switch_page(page).run()
    ok(at)
    lab = at.session_state["lab"]
    assert lab.cfg.activations[0] == TOY_ACTIVATION and lab.dataset.name == TOY_DATASET
