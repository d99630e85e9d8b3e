"""Backprop Lab — the entrypoint: page config, the session's state, navigation.

Run with ``streamlit run app.py``.  Pages live in ``pages/``; the Playground is the home page.
"""

import os

# One BLAS thread: the matrices here are small, and on a 2-core machine a second thread
# makes a 2500 × 33 matrix product 9× slower (measured).  Must be set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from lab_ui import state  # noqa: E402

st.set_page_config(page_title="Backprop Lab", page_icon=":material/neurology:", layout="wide")

state.init_session(st.session_state, st.query_params.to_dict())

pages = [
    st.Page("pages/1_Playground.py", title="Playground", icon=":material/tune:", default=True),
    st.Page("pages/2_Step_through.py", title="Step through backprop", icon=":material/footprint:"),
    st.Page("pages/3_Gradients.py", title="Gradients", icon=":material/trending_down:"),
    st.Page("pages/4_Derivation.py", title="Derivation", icon=":material/edit_note:"),
]
st.navigation(pages).run()
