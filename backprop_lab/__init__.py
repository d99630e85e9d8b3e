"""Backprop Lab's front-end assets: the live view's JavaScript and CSS (``live_view/``).

Streamlit finds them the public way: this package is installed (``pip install -e .``) and
``pyproject.toml`` declares them under ``[tool.streamlit.component]``, so Streamlit
registers the component ``backprop-lab.live_view`` when it starts.  The Python side that
mounts it is :mod:`lab_ui.live.live_view`.
"""
