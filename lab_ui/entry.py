"""The opening of every page: the session's settings and its one Lab.

Every page runs under ``lab_ui/main.py``'s navigation, also when it is opened by its own
URL on a fresh server (main.py does not sit beside ``pages/``, so Streamlit never enters its
legacy multipage mode).  A page file run on its own (``AppTest.from_file("pages/…")``) still
gets its settings here.
"""

from __future__ import annotations

import streamlit as st

from . import state


def init_session_ui() -> None:
    """Make sure the session's settings exist (read from the URL the first time)."""
    state.init_session(st.session_state, st.query_params.to_dict())


def session_lab_ui() -> state.Lab:
    """The session's settings (see ``init_session_ui``) and its one Lab, in line with them."""
    init_session_ui()
    return state.sync_lab(st.session_state)
