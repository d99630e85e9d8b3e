"""The student's side of a class: the Playground opened with ``?class=CODE``.

While following, the page is the lecturer's live view (its frames come over the class's
socket, so this Streamlit session may be on any replica) with the question card, *Answer*,
the reveal and *Take a copy* drawn by the view itself (``backprop_lab/live_view/classroom.js``).
*Take a copy* brings the lecturer's run here as a run file: it becomes this session's own
Lab (the Playground's import) and the page stops following; *Follow again* goes back.  When
the class ends, the view tells the page, which becomes the student's own Playground and
says so.

A code no class has: when the code names this process (its first character), the page looks
it up at once (a failed look-up counts against this address's and this session's wrong codes,
as a failed join of the class socket does: :class:`~lab_ui.classroom.model.JoinGuard`), and
says so with *Go to the Playground*, never "Following class"; a code of another process is
looked up by its socket (routed there), and the view hands its answer (4404) to the page,
which then says the same.

The code in the URL is data: shown as plain text, quoted and short.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import streamlit as st

from lab_ui.live import live_view
from lab_ui.shared import text

from . import codes, copy, endpoint, model

ss = st.session_state

# {"code": CODE, "following": bool, "copied": str, "ended": bool, "missing": str, "here": bool}
FOLLOW = "_class_follow"
TAB = "_class_page_tab"  # this session's id for the wrong codes it looks up (JoinGuard)


def no_class_text(code: str) -> str:
    """What a student reads when no class has ``code`` (plain text)."""
    return (
        f"No class has the code {text.quote(code, 12)}. Check the code on the lecturer's "
        "screen (six letters and digits), or go to the Playground to train a network of "
        "your own."
    )


def look_up(code: str, address: str, tab: str) -> tuple[bool, str]:
    """Look ``code`` up in this process: (True, "") when it holds that class, (True, why)
    when it does not or this address or tab tried too many wrong codes, (False, "") when
    the code names another process (its socket looks it up there)."""
    if code[0] != codes.ALPHABET[codes.replica_index()]:
        return False, ""
    if not model.JOINS.allowed(address, tab):
        return True, endpoint.REASON_TOO_MANY
    klass = model.CLASSES.get(code)
    if klass is None or klass.ended:
        model.JOINS.failed(address, tab)
        return True, no_class_text(code)
    return True, ""


def _check(state: dict[str, Any]) -> None:
    tab = ss.setdefault(TAB, secrets.token_urlsafe(18))
    address = st.context.ip_address or "?"
    state["here"], state["missing"] = look_up(state["code"], address, tab)


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
        state = ss[FOLLOW] = {"code": code, "following": True, "copied": ""}
        _check(state)
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
    if state is None:
        return
    value = live_view.component_value("ended", live_view.FOLLOW_KEY)
    close = value.get("code") if isinstance(value, dict) else None
    if close == model.CLOSE_NO_CLASS:  # the socket found no class with this code
        state["missing"] = no_class_text(state["code"])
    elif close == model.CLOSE_TOO_MANY:
        state["missing"] = endpoint.REASON_TOO_MANY
    else:
        state["following"] = False
        state["ended"] = True


def _to_playground() -> None:
    """Leave the wrong code: the page is the student's own Playground."""
    ss.pop(FOLLOW, None)
    if "class" in st.query_params:
        del st.query_params["class"]


def _try_again() -> None:
    state = ss.get(FOLLOW)
    if state is not None:
        _check(state)


def missing_ui(code: str, why: str) -> None:
    """No class has ``code`` (or too many wrong codes): said plainly, with *Go to the
    Playground* and *Try again* (the lecturer may not have started it yet)."""
    st.subheader("No class with this code")
    st.error(text.plain(why, total=400))
    cols = st.columns([1, 1, 3])
    cols[0].button(
        "Go to the Playground",
        key="class_to_playground",
        on_click=_to_playground,
        type="primary",
        help="Your own Playground: train a network yourself.",
    )
    cols[1].button(
        "Try again",
        key="class_try_again",
        on_click=_try_again,
        help="Look the code up again (once the lecturer has started the class).",
    )


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
    if state.get("missing"):
        missing_ui(code, state["missing"])
        return True
    if not state["following"]:
        cols = st.columns([1, 5], vertical_alignment="center")
        cols[0].button("Follow again", key="class_follow_again", on_click=_follow_again)
        cols[1].info(
            f"This is your own copy of class {code}'s run ({text.plain(state['copied'])}): "
            "explore it alone; the class goes on without you."
        )
        return False
    # a code of another process is looked up by its socket: "Following" once it has answered
    # (the class panel in the view says "Class CODE · N students"; a wrong code comes back)
    st.subheader(f"Following class {code}" if state.get("here", True) else f"Class {code}")
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


__all__ = ["FOLLOW", "class_from_url_ui", "follow_ui", "look_up", "no_class_text"]
