"""The live view: one Streamlit component (components v2) that stays mounted and draws the
frames of the live channel (:mod:`lab_ui.live.channel`).

The component's data is only ``{"schema": 2, "token": …, "ws": …, "scale": …,
"presenter": …}``: which session's stream to open, and where, and how big its text is
(presenter mode, :mod:`lab_ui.shared.presenter_ui`).  The frames themselves travel over that
WebSocket, off Streamlit's rerun path; this page re-runs only when a control changes.
Two things come back from the component as Streamlit events: ``command`` (Reset, which
rebuilds the Lab from the page's settings) and ``event`` (the stream paused or diverged, so
the page redraws what it shows only while paused).

The component's assets (``backprop_lab/live_view/``: JS and CSS) are declared in
``pyproject.toml`` under ``[tool.streamlit.component]``; Streamlit registers them when it
starts because the project is installed (``pip install -e .``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st

from lab_ui.live.channel import LiveSession, endpoint
from lab_ui.live.channel.session import ViewSettings
from lab_ui.shared import presenter_ui

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
    """
    data = {
        "schema": 2,
        "token": session.token,
        "ws": endpoint.PATH.lstrip("/"),
        "scale": presenter_ui.canvas_scale(),  # canvas text size (presenter mode: 2)
        "presenter": presenter_ui.presenting(),  # the root's class bp-presenter
    }
    _mounter()(
        key=key,
        data=json.dumps(data, separators=(",", ":")).encode("utf-8"),
        width="stretch",
        height="content",
        on_command_change=on_command or (lambda: None),
        on_event_change=on_event or (lambda: None),
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
    )


def _on_command() -> None:
    cmd = component_value("command")
    if isinstance(cmd, dict) and cmd.get("c") == "reset":
        from lab_ui.shared import lab as lab_mod

        live = live_session_ui()
        with live.lock:
            lab_mod.reset_lab(st.session_state)
            live.playing = False


def live_view_ui(lab: Any) -> LiveSession:
    """Publish ``lab`` and the view settings to the session's stream and mount the view."""
    live = live_session_ui()
    live.publish(lab, view_settings(st.session_state))
    live_view(live, on_command=_on_command)
    st.session_state["playing"] = live.playing
    return live


#: How long a browser's first Playground run waits for the live view's socket.
FIRST_PAINT_WAIT_S = 1.5


def live_first_paint_ui(live: LiveSession, timeout_s: float = FIRST_PAINT_WAIT_S) -> None:
    """On a browser's first run of the Playground, wait (at most ``timeout_s``) until the
    live view's socket has said hello, before the page goes on to the sidebar's widgets.

    The browser renders the page's elements as they arrive: drawn first, the sidebar's
    ~40 widgets kept its main thread busy for 1–2 s before the live view could mount
    (bench/bench_browser.py, new browser context: boundary painted at 3.2 s with them first,
    1.4 s with the view first; reload 1.26 → 0.51 s).  Later runs never wait, and neither
    does a client without a User-Agent (AppTest, the benchmark's protocol clients).
    """
    ss = st.session_state
    if ss.get("_live_first") or not st.context.headers.get("user-agent"):
        return
    ss["_live_first"] = True
    live.connected.wait(timeout=timeout_s)
