"""Make every page run under ``app.py``'s navigation, even when opened by its own URL.

Streamlit keeps a legacy mode for apps with a ``pages/`` folder: until some script calls
``st.navigation``, the server runs a page file *on its own*.  So when the first visitor of a
freshly started server opens ``/Gradients`` directly, ``app.py`` (page config, the
session's state, the navigation menu) is skipped for that run: the page comes out narrow
with an extra "app" entry in the menu.  ``st.navigation`` in ``app.py`` switches the legacy
mode off for good; a page that finds it still on switches it off and runs again, now
through ``app.py``.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from . import state


def ensure_entrypoint_ui() -> None:
    """First line of every page: re-run through ``app.py`` if it was skipped."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False  # what st.navigation does on its first call
        st.rerun()


def session_lab_ui() -> state.Lab:
    """The opening of every page but the Playground: run under ``app.py``, make sure the
    session's settings exist (read from the URL the first time), return its one Lab."""
    ensure_entrypoint_ui()
    state.init_session(st.session_state, st.query_params.to_dict())
    return state.sync_lab(st.session_state)
