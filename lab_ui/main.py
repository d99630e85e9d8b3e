"""The Streamlit script: page config, the session's state, navigation.

``streamlit run app.py`` serves this script (``app.py`` wraps it in ``st.App`` beside the
live channel's routes).  It lives here, not beside ``pages/``, because Streamlit runs a
script that has a ``pages/`` folder next to it in its legacy multipage mode, where a page
opened by its own URL on a fresh server skips this script.  The pages are the files in the
top-level ``pages/`` folder, named relative to this script.
"""

from pathlib import Path

import streamlit as st

from lab_ui.live import live_view
from lab_ui.plugins import load_plugins
from lab_ui.shared import presenter_ui, schema

# The entries of the plugin modules in BACKPROP_LAB_PLUGINS: loaded once per process (app.py
# has done it already when the server started; this covers a script run on its own).
load_plugins()

st.set_page_config(
    page_title="Backprop Lab",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)

schema.init_session(st.session_state, st.query_params.to_dict())

pages = [
    st.Page("../pages/1_Playground.py", title="Playground", icon=":material/tune:", default=True),
    st.Page(
        "../pages/2_Step_through.py", title="Step through backprop", icon=":material/footprint:"
    ),
    st.Page("../pages/3_Gradients.py", title="Gradients", icon=":material/trending_down:"),
    st.Page("../pages/4_Derivation.py", title="Derivation", icon=":material/edit_note:"),
    st.Page("../pages/5_Exercise.py", title="Exercise", icon=":material/draw:"),
]
# Presenter mode (lab_ui.shared.presenter_ui): no sidebar, no navigation menu, large text; its
# switch and the page links at the top of every page.  Off: the switch tops the sidebar.
presenting = presenter_ui.presenting()
navigation = st.navigation(pages, position="hidden" if presenting else "sidebar")
# The Playground's first run draws the sidebar's switch itself, once the live view has
# painted its first frame (lab_ui.live.live_view.live_first_paint_ui).
first_paint = navigation is pages[0] and live_view.first_paint_pending()
presenter_ui.presenter_ui(pages, st.container(), later=first_paint)
navigation.run()
