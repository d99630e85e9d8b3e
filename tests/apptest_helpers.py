"""Shared AppTest helpers: open the app, check a run, find a widget, drive the live view."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "lab_ui" / "main.py")
MAIN = APP  # the script every page runs under (lab_ui/main.py)
#: The five pages, as ``AppTest.switch_page`` names them (relative to lab_ui/main.py).
PAGES = [
    "../pages/1_Playground.py",
    "../pages/2_Step_through.py",
    "../pages/3_Gradients.py",
    "../pages/4_Derivation.py",
    "../pages/5_Exercise.py",
]
TIMEOUT = 60
WIDGET_KINDS = (
    "selectbox",
    "slider",
    "select_slider",
    "number_input",
    "multiselect",
    "toggle",
    "radio",
    "segmented_control",
)


def ok(at: AppTest) -> None:
    """No exception and no error box on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def open_app(query: dict[str, str] | None = None) -> AppTest:
    """The app (its home page, the Playground) opened with ``query`` as URL parameters."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    ok(at)
    return at


def widget(at: AppTest, key: str):
    """The widget with this key, of any kind the app uses."""
    for kind in WIDGET_KINDS:
        for w in getattr(at, kind):
            if w.key == key:
                return w
    raise KeyError(key)


def live(at: AppTest, kind: str, n: str | None = None) -> AppTest:
    """What the live view's Play/Pause/Step buttons send over the channel, applied as the
    channel's scheduler applies it before the next frame; then the page re-runs."""
    session = at.session_state["live"]
    session.command({"t": kind} if n is None else {"t": kind, "n": n})
    session.apply_pending()
    session.wait_for_work()  # a Step is trained by the scheduler, a slice a turn
    return at.run()


def components(at: AppTest, name: str) -> list:
    """The page's elements of the custom component ``name`` (``backprop-lab.live_view``, …),
    through AppTest's public ``get``; each has its ``proto`` (``bytes``: the data sent)."""
    return [n for n in at.get("bidi_component") if n.proto.component_name == name]


def component_data(at: AppTest, name: str) -> dict:
    """The data the page's one element of component ``name`` was given (JSON)."""
    found = components(at, name)
    assert len(found) == 1, f"the page mounts one {name}, not {len(found)}"
    return json.loads(found[0].proto.bytes)


def send_component_event(at: AppTest, element, value: object) -> AppTest:
    """What a custom component sends when its JavaScript calls ``setTriggerValue("events",
    [{"event": "key", "value": value}])``, then the page re-runs.

    AppTest has no public way to fire a custom component's trigger (its ``UnknownElement``
    has no ``set_value``), so this one function uses three private names of Streamlit's:
    ``_make_trigger_id`` (the trigger's widget id), ``AppTest._tree.get_widget_states()`` and
    ``AppTest._run(states)``.  ``tests/test_ui_keys.py::test_the_component_trigger_workaround``
    fails with a clear message when an upgrade renames them.
    """
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(element.proto.id, "events")
    trigger.json_trigger_value = json.dumps([{"event": "key", "value": value}])
    at._run(states)
    ok(at)
    return at


def skip_questions(at: AppTest) -> AppTest:
    """Skip every open predict-then-reveal question (a preset's questions hold Play and Step
    until they are answered or skipped), as a student pressing *Skip* would."""
    for _ in range(10):
        skips = [b for b in at.button if (b.key or "").startswith("b_q_skip_")]
        if not skips:
            break
        skips[0].click().run()
        ok(at)
    return at
