"""Backprop Lab's Streamlit side: state schema, frames, live view component, widgets.

Every number shown comes from ``bp_core``; this package only arranges and draws.
"""
