"""The student's side of a class: the Playground opened with ``?class=CODE``.

While following, the page is the lecturer's live view (its frames come over the class's
socket, so this Streamlit session may be on any replica) with the question card, *Answer*,
the reveal and *Take a copy* drawn by the view itself (``backprop_lab/live_view/classroom.js``).
*Take a copy* brings the lecturer's run here as a run file: it becomes this session's own
Lab (the Playground's import) and the page stops following; *Follow again* goes back.  When
the class ends, the view tells the page, which becomes the student's own Playground and
says so.

The code in the URL is data: shown as plain text, quoted and short.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from lab_ui.live import live_view
from lab_ui.shared import text

from . import codes, copy, endpoint

ss = st.session_state

FOLLOW = "_class_follow"  # {"code": CODE, "following": bool, "copied": str, "ended": bool}


def class_from_url_ui() -> str | None:
    """The class code of the URL's ``class`` parameter (any case), or None; a value that is
    not a code is said in one sentence and ignored."""
    raw = st.query_params.get("class")
    state = ss.get(FOLLOW)
    if raw is None:
        return state["code"] if state else None
    code = codes.normalize(raw)
    if code is None:
        st.warning(
            f"{text.quote(raw, 20)} is not a class code: a code is 6 letters and digits, as "
            "the lecturer's screen shows it. This is your own Playground."
        )
        return None
    if state is None or state["code"] != code:
        ss[FOLLOW] = {"code": code, "following": True, "copied": ""}
    return code


def _copied(on_import: Callable[[bytes, str], Any]) -> None:
    value = live_view.component_value("copy", live_view.FOLLOW_KEY)
    state = ss.get(FOLLOW)
    if not isinstance(value, dict) or state is None:
        return
    import base64
    import binascii

    try:
        data = base64.b64decode(str(value.get("b64", "")), validate=True)
        name = text.clip(value.get("name", "run.npz"), 80)
        lab = on_import(data, name)
        copy.restore_generator(lab.trainer, value.get("rng"))  # the same mini-batches next
    except (ValueError, binascii.Error) as err:
        ss["_class_copy_error"] = str(err)
        return
    state["following"] = False
    state["copied"] = name


def _ended() -> None:
    state = ss.get(FOLLOW)
    if state is not None:
        state["following"] = False
        state["ended"] = True


def _follow_again() -> None:
    state = ss.get(FOLLOW)
    if state is not None:
        state["following"] = True


def follow_ui(code: str, on_import: Callable[[bytes, str], Any]) -> bool:
    """The class's page while following (True: the page draws nothing else), or, after a
    copy, the line that says whose run this is with *Follow again* (False)."""
    state = ss[FOLLOW]
    err = ss.pop("_class_copy_error", None)
    if err:
        st.error(text.plain(f"The copy could not be loaded: {err}"))
    if state.get("ended"):
        st.info(
            f"Class {code} has ended. Thank you for following! This is your own Playground "
            "now, with a new network to train."
        )
        return False
    if not state["following"]:
        cols = st.columns([1, 5], vertical_alignment="center")
        cols[0].button("Follow again", key="class_follow_again", on_click=_follow_again)
        cols[1].info(
            f"This is your own copy of class {code}'s run ({text.plain(state['copied'])}): "
            "explore it alone; the class goes on without you."
        )
        return False
    st.subheader(f"Following class {code}")
    st.caption(
        "You see the lecturer's network as it trains. When the lecturer asks a question, it "
        "appears in the blue box below: pick your answer and press Answer (you may change it "
        "until the lecturer reveals). Take a copy gives you the run at this moment to "
        "explore on your own."
    )
    live_view.follow_view(
        f"{endpoint.PATH}?class={code}", code, on_copy=lambda: _copied(on_import), on_ended=_ended
    )
    return True


__all__ = ["FOLLOW", "class_from_url_ui", "follow_ui"]
