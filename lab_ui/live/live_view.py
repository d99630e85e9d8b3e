"""The live view: one Streamlit component (components v2) that stays mounted and draws the
frames of the live channel (:mod:`lab_ui.live.channel`).

The component's data is only ``{"schema": 2, "token": …, "ws": …, "scale": …, "presenter": …,
"keys": […], "slowmo_keys": […], "link": {…}, "edits": […], "tour": {…}}``: which session's
stream to open, and where, how big its text is (presenter mode,
:mod:`lab_ui.shared.presenter_ui`), the Playground's keys
(:data:`lab_ui.live.keys_ui.PLAYGROUND_KEYS`, and slow motion's
:data:`~lab_ui.live.keys_ui.SLOWMO_KEYS`: the view builds its "?" list and its key dispatch
from them), the first-visit tour's steps (:mod:`lab_ui.live.tour`; none in presenter
mode), and for a lost connection (:func:`link_data`) what a link can replay (the view keeps the
URL's epoch and step at the frame it painted, so a rerun on another replica replays the run
there) and, in words, what it cannot. The frames themselves travel over that WebSocket, off
Streamlit's rerun path; this page re-runs only when a control changes.  A class's follower
(:func:`follow_view`) gets ``{"schema": 2, "ws": "bp/class/ws?class=CODE", "follow":
{"code": …}, …}`` instead: no token (its tab makes an anonymous id), no keys but slow
motion's (the lecturer's slow motion reaches the class).
Two things come back from the component: the trigger ``command`` (Reset, which rebuilds the
Lab from the page's settings) and the state value ``event`` (the stream paused or diverged,
so the page redraws what it shows only while paused).  ``event`` is a state value, not a
trigger, because Streamlit keeps only a component's newest trigger among the re-run requests
that reach it before its script thread takes them: an event right after Reset wiped it out.

The component's assets (``backprop_lab/live_view/``: JS and CSS) are declared in
``pyproject.toml`` under ``[tool.streamlit.component]``; Streamlit registers them when it
starts because the project is installed (``pip install -e .``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from lab_ui.live import tour
from lab_ui.live.channel import LiveSession, endpoint
from lab_ui.live.channel.session import ViewSettings
from lab_ui.shared import presenter_ui, schema, text

COMPONENT = "backprop-lab.live_view"  # "<project name>.<component name>" in pyproject.toml
KEY = "bp_live_view"


def _mounter() -> Any:
    return st.components.v2.component(
        COMPONENT,
        html='<div class="bp-live-host" data-testid="bp-live-host"></div>',
        js="live_view.js",
        css="live_view.css",
        isolate_styles=False,
    )


def component_value(name: str, key: str = KEY) -> Any:
    """The latest value the component sent as ``name`` (None before the first one)."""
    result = st.session_state.get(key)
    if result is None:
        return None
    try:
        return result[name]
    except (KeyError, TypeError, IndexError):
        return getattr(result, name, None)


def live_view(
    session: LiveSession,
    *,
    on_command: Callable[[], None] | None = None,
    on_event: Callable[[], None] | None = None,
    key: str = KEY,
    link: dict[str, Any] | None = None,
    first_frame: bool = False,
) -> None:
    """Mount the live view for ``session`` (the first call) or keep it mounted (later calls).

    Parameters
    ----------
    session : LiveSession
        Whose frames to show; its token goes to the component, nothing else.
    on_command, on_event : callables
        Run (as Streamlit callbacks, before the page) when the component sends a command or
        an event; read the value with :func:`component_value`.
    key : str
        Fixed widget key; keeping it fixed is what keeps the component mounted.
    link : dict or None
        :func:`link_data` of the Lab shown: the view then keeps the page's URL at the
        epoch it shows, and after a lost server says what a link could not bring back.
    first_frame : bool
        Send the session's current frame with the page (a browser's first run): the view
        paints it as it mounts instead of waiting for its socket to open and the first
        frame to come over it (about 25 ms of the first full frame, bench/bench_browser.py).
        Its socket's first frame follows as always; later runs send none.
    """
    from lab_ui.live import keys_ui  # not at the top: keys_ui imports this module

    data = {
        "schema": 2,
        "token": session.token,
        "ws": endpoint.PATH.lstrip("/"),
        "scale": presenter_ui.canvas_scale(),  # canvas text size (presenter mode: 2)
        "presenter": presenter_ui.presenting(),  # the root's class bp-presenter
        "keys": keys_ui.bindings_data(keys_ui.PLAYGROUND_KEYS),
        "slowmo_keys": keys_ui.bindings_data(keys_ui.SLOWMO_KEYS),  # while slow motion is on
        **(link or {}),
    }
    if not presenter_ui.presenting():  # the first-visit tour (never on the projector)
        data["tour"] = tour.tour_data()
    if first_frame:  # the whole message a new client gets, as JSON text
        data["frame"] = session.frame().header_json()
    _mounter()(
        key=key,
        data=json.dumps(data, separators=(",", ":")).encode("utf-8"),
        width="stretch",
        height="content",
        on_command_change=on_command or (lambda: None),
        on_event_change=on_event or (lambda: None),
    )


FOLLOW_KEY = "bp_follow_view"


def follow_view(
    ws: str,
    code: str,
    *,
    on_copy: Callable[[], None],
    on_ended: Callable[[], None] | None = None,
    key: str = FOLLOW_KEY,
) -> None:
    """Mount the live view as a class's follower (:mod:`lab_ui.classroom`): it streams the
    lecturer's frames from the class socket ``ws`` (a path with ``?class=CODE``), with no
    control that drives a run; the student's tab makes its own anonymous id.  ``on_copy``
    runs when the view hands over a copy of the lecturer's run (*Take a copy*; read it with
    ``component_value("copy", key)``), ``on_ended`` when the class has ended."""
    from lab_ui.live import keys_ui  # not at the top: keys_ui imports this module

    data = {
        "schema": 2,
        "ws": ws.lstrip("/"),
        "follow": {"code": code},
        "scale": presenter_ui.canvas_scale(),
        "presenter": presenter_ui.presenting(),
        "keys": [],
        # the lecturer's slow motion reaches the class: each student pauses and steps it
        "slowmo_keys": keys_ui.bindings_data(keys_ui.SLOWMO_KEYS),
    }
    _mounter()(
        key=key,
        data=json.dumps(data, separators=(",", ":")).encode("utf-8"),
        width="stretch",
        height="content",
        on_copy_change=on_copy,
        on_ended_change=on_ended or (lambda: None),
    )


SESSION_KEY = "live"  # st.session_state[SESSION_KEY] holds the session's LiveSession


def live_session_ui() -> LiveSession:
    """The session's LiveSession (made on its first run)."""
    ss = st.session_state
    if not isinstance(ss.get(SESSION_KEY), LiveSession):
        ss[SESSION_KEY] = LiveSession()
    return ss[SESSION_KEY]


def view_settings(settings: Any) -> ViewSettings:
    """What the live view shows, from the session's settings."""
    return ViewSettings(
        mode=settings["mode"],
        example=int(settings["example"]),
        show_test=bool(settings["show_test"]),
        discretize=bool(settings["discretize"]),
        log_cost=bool(settings["log_cost"]),
        speed=str(settings["speed"]),
        predict_sign=bool(settings.get("predict_sign", False)),
    )


def _on_command() -> None:
    cmd = component_value("command")
    if isinstance(cmd, dict) and cmd.get("c") == "sign":  # the chain panel's + / − guess
        from lab_ui.playground import questions_ui

        questions_ui.record_chain_sign(live_session_ui(), cmd.get("w"), cmd.get("guess"))
    if isinstance(cmd, dict) and cmd.get("c") == "reset":
        from lab_ui.shared import lab as lab_mod

        live = live_session_ui()
        with live.lock:
            lab_mod.reset_lab(st.session_state)
            live.playing = False


def link_data(lab: Any, state: Any) -> dict[str, Any]:
    """What the live view needs to bring a run back after its server is lost: ``link``, the
    limits a link replays within (steps per epoch, at most
    :data:`~lab_ui.shared.schema.MAX_LINK_EPOCHS` epochs and ``MAX_LINK_STEPS`` steps), and
    ``edits``, what a link cannot replay in words (``Lab.edits``, and an uploaded CSV data
    set, which a link does not name)."""
    edits = [str(e) for e in lab.edits]
    if state.get("dataset") == schema.CSV_DATASET:
        csv = state.get("_csv")
        name = f" {text.clip(csv.name, 60)!r}" if csv is not None else ""
        edits.insert(0, f"the data set of the uploaded CSV file{name}")
    return {
        "link": {
            "spe": int(lab.trainer.steps_per_epoch),
            "max_epoch": schema.MAX_LINK_EPOCHS,
            "max_step": schema.MAX_LINK_STEPS,
        },
        "edits": edits,
    }


def live_view_ui(lab: Any, extra: dict[str, Any] | None = None) -> LiveSession:
    """Publish ``lab`` and the view settings to the session's stream and mount the view
    (``extra``: more of the component's data, e.g. a class's lecturer cookie)."""
    live = live_session_ui()
    from lab_ui.shared.lab import lesson_stops

    live.lesson_stops = lesson_stops(st.session_state, lab)  # Play pauses there
    live.publish(lab, view_settings(st.session_state))
    data = {**link_data(lab, st.session_state), **(extra or {})}
    live_view(live, on_command=_on_command, link=data, first_frame=first_paint_pending())
    st.session_state["playing"] = live.playing
    return live


#: The room the Playground's toolbar takes above the live view (its two rows of widgets;
#: presenter mode's one row of larger text), measured in Chromium at 641–1920 px wide
#: (narrower windows stack Streamlit's columns: the toolbar is taller there).
TOOLBAR_PX = {False: 144, True: 136}
#: Its container's key (``.st-key-…``: live_view.css keeps the same room while its widgets'
#: code loads).
TOOLBAR_KEYS = {False: "bp_toolbar", True: "bp_toolbar_compact"}


def first_paint_pending() -> bool:
    """Will this run wait for the live view's first frame (:func:`live_first_paint_ui`)?"""
    return not st.session_state.get("_live_first") and bool(st.context.headers.get("user-agent"))


def toolbar_slot_ui(compact: bool) -> Any:
    """The place of the Playground's toolbar, above the live view (an ``st.empty`` in a keyed
    container); on the run that waits for the view's first frame it holds a space of the
    toolbar's height (:data:`TOOLBAR_PX`) until the page fills it.

    The page fills it after :func:`live_first_paint_ui`: the toolbar's widgets cost the
    browser more than the whole live view (Streamlit's slider, number input and button-group
    code, loaded on first use), and drawn first they held the first frame back by 0.5–0.7 s
    (bench/bench_browser.py).  With its room kept, the toolbar arriving does not move the
    view (a moving view made a click miss).
    """
    slot = st.container(key=TOOLBAR_KEYS[bool(compact)]).empty()
    if first_paint_pending():
        slot.space(TOOLBAR_PX[bool(compact)])
    return slot


#: How long a browser's first Playground run waits for the live view's first frame.
FIRST_PAINT_WAIT_S = 1.5
#: How often it looks (the acknowledgement arrives on the server's event loop).
FIRST_PAINT_POLL_S = 0.004


def live_first_paint_ui(live: LiveSession, timeout_s: float = FIRST_PAINT_WAIT_S) -> None:
    """On a browser's first run of the Playground, wait (at most ``timeout_s``) until the
    live view has taken its first frame for painting, before the page goes on to the
    sidebar's widgets.

    The browser renders the page's elements as they arrive: drawn first, the sidebar's
    ~40 widgets kept its main thread busy for 1–2 s before the live view could mount
    (bench/bench_browser.py, new browser context: boundary painted at 3.2 s with them first,
    1.4 s with the view first; reload 1.26 → 0.51 s).  Waiting for the socket's hello only
    was not enough: the sidebar's widgets then arrived with the first frame and its paint
    waited ~300 ms behind them.  The view acknowledges a frame as it starts to draw it (in
    the same animation frame), so after the first acknowledgement the frame is on the screen
    before the sidebar's elements are handled.  Later runs never wait, and neither does a
    client without a User-Agent (AppTest, the benchmark's protocol clients).
    """
    if not first_paint_pending():
        return
    st.session_state["_live_first"] = True
    deadline = time.monotonic() + timeout_s
    if not live.connected.wait(timeout=timeout_s):
        return
    while live.acked < 1 and time.monotonic() < deadline:  # set by the socket's "ack"
        time.sleep(FIRST_PAINT_POLL_S)
