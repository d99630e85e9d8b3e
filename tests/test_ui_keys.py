"""Keys on the pages without a live view (lab_ui.live.keys_ui): a key's trigger does what the
page's button does.

AppTest cannot press a key, so :func:`press` sends what the key component sends: the
trigger value ``key`` = {"a": action, "n": …}.  Streamlit has no public AppTest call for a
components-v2 trigger; ``tests.apptest_helpers.send_component_event`` (the one place that
reaches Streamlit's private names for it) builds the widget state the browser would send, and
:func:`test_the_component_trigger_workaround` fails loudly if that changes.  The keys
themselves are pressed in a real browser in tests/browser/test_keys_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab_ui.live import keys_ui
from tests.apptest_helpers import APP, component_data, components, ok, send_component_event

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]

STEP, GRAD, DERIV = (
    "../pages/2_Step_through.py",
    "../pages/3_Gradients.py",
    "../pages/4_Derivation.py",
)


def _open(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(page)
    at.run()
    ok(at)
    return at


def _keys_element(at: AppTest):
    found = components(at, keys_ui.COMPONENT)
    assert len(found) == 1, "the page mounts one key listener"
    return found[0]


def press(at: AppTest, action: str, n: int = 1) -> AppTest:
    """What the key component sends for a key bound to ``action``, then the page re-runs."""
    return send_component_event(at, _keys_element(at), {"a": action, "n": n})


def _data(at: AppTest) -> dict:
    return component_data(at, keys_ui.COMPONENT)


def test_the_component_trigger_workaround():
    """``send_component_event`` uses three private names of Streamlit's (no public AppTest
    call fires a custom component's trigger): this fails, naming them, when an upgrade
    changes them, and a key's trigger still reaches the page."""
    try:
        from streamlit.components.v2.bidi_component.main import _make_trigger_id
    except ImportError as e:  # pragma: no cover (an upgrade)
        pytest.fail(f"streamlit.components.v2.bidi_component.main._make_trigger_id is gone: {e}")
    assert callable(_make_trigger_id)
    assert callable(getattr(AppTest, "_run", None)), "AppTest._run(widget_states) is gone"
    at = _open(GRAD)
    assert callable(getattr(at._tree, "get_widget_states", None)), "get_widget_states is gone"
    before = at.session_state["lab"].trainer.epoch
    press(at, "epoch")
    assert at.session_state["lab"].trainer.epoch == before + 1


# ---------------------------------------------------------------------------------------------
# The bindings
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bindings",
    [keys_ui.STEP_KEYS, keys_ui.TRAIN_KEYS, keys_ui.PLAYGROUND_KEYS, keys_ui.SLOWMO_KEYS],
)
def test_every_binding_is_listed_and_no_key_means_two_things(bindings):
    names = [k for b in bindings for k in b.keys]
    assert len(names) == len(set(names))
    assert all(b.shown and b.what for b in bindings)
    assert [row[0] for row in keys_ui.legend(bindings)] == [b.shown for b in bindings]
    assert "?" not in keys_ui.key_map(bindings)  # the component's own: it shows the list


def test_a_clicker_steps_on_every_page():
    """Presentation clickers send PageDown / PageUp: next (and previous) everywhere."""
    assert keys_ui.key_map(keys_ui.STEP_KEYS)["PageDown"] == "next"
    assert keys_ui.key_map(keys_ui.STEP_KEYS)["PageUp"] == "prev"
    assert keys_ui.key_map(keys_ui.TRAIN_KEYS)["PageDown"] == "batch"
    assert keys_ui.key_map(keys_ui.PLAYGROUND_KEYS)["PageDown"] == "batch"
    assert keys_ui.key_map(keys_ui.TRAIN_KEYS)["Shift+ArrowRight"] == "epoch"
    assert " " not in keys_ui.key_map(keys_ui.TRAIN_KEYS)  # no live training on these pages


def test_slow_motion_keys_come_from_their_table():
    """The live view gets slow motion's bindings whole (its "?" list and its dispatch are
    built from them), the README's row shows the same keys, and slowmo.js does exactly the
    actions the table names (it compares no key strings of its own)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    ok(at)
    data = component_data(at, "backprop-lab.live_view")
    assert data["slowmo_keys"] == keys_ui.bindings_data(keys_ui.SLOWMO_KEYS)
    assert data["keys"] == keys_ui.bindings_data(keys_ui.PLAYGROUND_KEYS)
    # the slow-motion keys answer before the Playground's while it is on: the S that starts
    # it is the Playground's, and slow motion has no S of its own
    assert keys_ui.key_map(keys_ui.PLAYGROUND_KEYS)["s"] == "slowmo"
    assert "s" not in keys_ui.key_map(keys_ui.SLOWMO_KEYS)

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [r for r in readme.splitlines() if r.startswith("| Playground, while slow motion")]
    assert len(rows) == 1, "README's keys table has one row for slow motion"
    shown = rows[0].split("|")[2]
    for b in keys_ui.SLOWMO_KEYS:
        for key in b.shown.split():
            assert f"`{key}`" in shown, (key, shown)
        assert b.what in shown, (b.what, shown)
    # … and no key there that the table does not have
    keys_in_table = {k for b in keys_ui.SLOWMO_KEYS for k in b.shown.split()}
    assert set(re.findall(r"`([^`]+)`", shown)) == keys_in_table

    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("slowmo.js's actions must be checked under CI=true, but node is missing.")
        pytest.skip("node is not installed (slowmo.js's actions are read under node)")
    slowmo_js = (ROOT / "backprop_lab" / "live_view" / "slowmo.js").as_uri()
    script = (
        f'import {{ SLOW_ACTIONS }} from "{slowmo_js}";'
        "console.log(JSON.stringify(Object.keys(SLOW_ACTIONS)));"
    )
    run = subprocess.run(
        [node, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(json.loads(run.stdout)) == sorted(b.action for b in keys_ui.SLOWMO_KEYS)


def test_the_component_gets_the_map_and_the_list():
    at = _open(STEP)
    data = _data(at)
    assert data["map"] == keys_ui.key_map(keys_ui.STEP_KEYS)
    assert data["legend"] == keys_ui.legend(keys_ui.STEP_KEYS)
    at.switch_page(GRAD).run()
    assert _data(at)["map"] == keys_ui.key_map(keys_ui.TRAIN_KEYS)
    at.switch_page(DERIV).run()
    assert _data(at)["map"] == keys_ui.key_map(keys_ui.TRAIN_KEYS)


# ---------------------------------------------------------------------------------------------
# Step through: the same moves as ◀ Prev / Next ▶
# ---------------------------------------------------------------------------------------------


def test_step_keys_move_like_the_buttons():
    by_keys, by_buttons = _open(STEP), _open(STEP)
    n = by_keys.slider(key="w_stp_step").max
    for _ in range(3):
        press(by_keys, "next")
        by_buttons.button(key="b_stp_next").click().run()
    assert by_keys.session_state["stp_step"] == by_buttons.session_state["stp_step"] == 4
    press(by_keys, "prev")
    by_buttons.button(key="b_stp_prev").click().run()
    assert by_keys.session_state["stp_step"] == by_buttons.session_state["stp_step"] == 3
    assert by_keys.slider(key="w_stp_step").value == 3  # the slider follows
    assert any("Step 3 of" in h.value for h in by_keys.subheader)
    press(by_keys, "last")
    assert by_keys.session_state["stp_step"] == n
    press(by_keys, "next")  # not beyond the last step, as Next ▶ is disabled there
    assert by_keys.session_state["stp_step"] == n
    press(by_keys, "first")  # R / Home
    assert by_keys.session_state["stp_step"] == 1
    press(by_keys, "prev")
    assert by_keys.session_state["stp_step"] == 1


def test_an_unknown_action_changes_nothing():
    at = _open(STEP)
    press(at, "next")
    press(at, "launch")
    press(at, "batch")  # a Gradients action means nothing here
    assert at.session_state["stp_step"] == 2


# ---------------------------------------------------------------------------------------------
# Gradients and Derivation: train a step, an epoch, reset — as the buttons do
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [GRAD, DERIV], ids=["grad", "deriv"])
def test_training_keys_do_what_the_buttons_do(page):
    query = {"batch": "10"}  # 25 mini-batches an epoch
    by_keys, by_buttons = _open(page, query), _open(page, query)
    theta0 = [t.copy() for t in by_keys.session_state["lab"].trainer.Theta]
    press(by_keys, "batch")
    by_buttons.button(key="b_train_batch").click().run()
    ok(by_buttons)
    for at in (by_keys, by_buttons):
        tr = at.session_state["lab"].trainer
        assert (tr.steps, tr.epoch) == (1, 0)
    press(by_keys, "epoch")
    by_buttons.button(key="b_train_epoch").click().run()
    a, b = (at.session_state["lab"].trainer for at in (by_keys, by_buttons))
    assert a.steps == b.steps == 25 and a.epoch == b.epoch == 1  # the rest of the epoch
    for ta, tb in zip(a.Theta, b.Theta, strict=True):  # the same seed, the same steps
        np.testing.assert_array_equal(ta, tb)
    assert "after 1 epochs" in by_keys.caption[0].value or page == DERIV
    press(by_keys, "reset")
    by_buttons.button(key="b_train_reset").click().run()
    for at in (by_keys, by_buttons):
        tr = at.session_state["lab"].trainer
        assert (tr.steps, tr.epoch) == (0, 0)
        for t, t0 in zip(tr.Theta, theta0, strict=True):  # the same initial Θ
            np.testing.assert_array_equal(t, t0)


def test_a_training_key_is_seen_on_the_playground():
    at = _open(GRAD)
    press(at, "epoch")
    press(at, "epoch")
    at.switch_page("../pages/1_Playground.py").run()
    ok(at)
    assert at.session_state["lab"].trainer.epoch == 2
    assert at.session_state["live"].lab is at.session_state["lab"]


# ---------------------------------------------------------------------------------------------
# A key answered at once: the position the component draws and moves, and no key lost
# ---------------------------------------------------------------------------------------------


def _send(at: AppTest, value: dict) -> AppTest:
    return send_component_event(at, _keys_element(at), value)


def test_the_step_position_is_sent_and_a_burst_of_keys_is_applied_in_order():
    at = _open(STEP)
    where = _data(at)["where"]
    n = int(at.slider(key="w_stp_step").max)
    assert where["kind"] == "steps" and where["k"] == 1 and where["n"] == len(where["heads"]) == n
    assert where["heads"][0].startswith(f"Step 1 of {n} · Forward propagation: ")
    assert at.subheader[0].value.startswith(f"Step 1 of {n}")  # the page's own heading too
    # the keys pressed while the page ran come as one trigger: all of them, in order
    _send(at, {"a": "prev", "n": 1, "id": "mount-a", "q": ["next", "next", "next", "prev"]})
    assert at.session_state["stp_step"] == 3
    data = _data(at)
    assert data["where"]["k"] == 3 and data["seen"] == {"id": "mount-a", "n": 1}
    _send(at, {"a": "next", "n": 2, "id": "mount-a", "q": ["last", "bogus", 7, "first"]})
    assert at.session_state["stp_step"] == 4  # a malformed queue: only its own action, "a"


def test_the_training_position_follows_the_trainer():
    at = _open(GRAD, {"batch": "10"})  # 25 mini-batches an epoch
    where = _data(at)["where"]
    assert {k: where[k] for k in ("kind", "epoch", "batch", "spe", "steps", "diverged")} == {
        "kind": "train",
        "epoch": 0,
        "batch": 0,
        "spe": 25,
        "steps": 0,
        "diverged": False,
    }
    assert "{epoch}" in where["text"] and "{steps}" in where["text"]
    _send(at, {"a": "batch", "n": 1, "id": "m", "q": ["batch", "batch", "epoch", "batch"]})
    tr = at.session_state["lab"].trainer
    assert (tr.epoch, tr.steps) == (1, 26)
    where = _data(at)["where"]
    assert (where["epoch"], where["batch"], where["steps"]) == (1, 1, 26)
